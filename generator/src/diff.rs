//! Diff: classifies the changes between two sets of tool definitions by their effect on the
//! generated crate's API, and suggests a semver bump.
//!
//! - added tool, optional field or enum value: minor;
//! - removed tool, field or enum value, a changed type, a field that became required (or
//!   optional: its Rust type becomes or stops being an `Option`), a renamed type: major;
//! - a field, type or variant renamed by an overlay (`x-toolgen-*`): major;
//! - description, title or examples only: patch.
//!
//! Other validation keywords (`pattern`, `maxLength`, ...) change what `validate()` accepts but
//! no type: minor. Integer bounds are major when they move the field to another Rust integer
//! type (`i64`, `u64`, `NonZeroU64`). Both sides are compared after their overlays are applied,
//! and the type names are compared through the model, so that a shared enum that is renamed
//! because another tool changed is reported too. This module does no I/O.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::diagnostics::pointer_token;
use crate::tool::Tool;
use crate::{keywords, model};

/// How much a change breaks, in semver terms. Ordered from least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Documentation only.
    Patch,
    /// Backwards-compatible additions.
    Minor,
    /// Breaking changes.
    Major,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Patch => "patch",
            Self::Minor => "minor",
            Self::Major => "major",
        })
    }
}

/// One classified change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Change {
    /// How much it breaks.
    pub level: Level,
    /// The provider folder.
    pub provider: String,
    /// The tool name (empty for provider-wide changes such as shared types).
    pub tool: String,
    /// The JSON pointer inside the tool definition (`/inputSchema/properties/email`).
    pub pointer: String,
    /// What changed, as one sentence.
    pub message: String,
}

/// Every change between two sets of tools, and the bump they call for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The changes, most breaking first, then by provider, tool and pointer.
    pub changes: Vec<Change>,
    /// The suggested semver bump, `None` when the generated API does not change.
    pub bump: Option<Level>,
}

impl Report {
    /// The report as Markdown for a pull request, ending with the suggested bump.
    pub fn markdown(&self) -> String {
        let mut out = String::from("# Schema changes\n\n");
        if self.changes.is_empty() {
            out.push_str("No changes to the generated API.\n\n");
        }
        for level in [Level::Major, Level::Minor, Level::Patch] {
            let changes: Vec<&Change> = self.changes.iter().filter(|c| c.level == level).collect();
            if changes.is_empty() {
                continue;
            }
            let title = match level {
                Level::Major => "Major (breaking)",
                Level::Minor => "Minor (additions)",
                Level::Patch => "Patch (documentation)",
            };
            out.push_str(&format!("## {title}\n\n"));
            for change in changes {
                let tool = if change.tool.is_empty() {
                    format!("`{}`", change.provider)
                } else {
                    format!("`{}` `{}`", change.provider, change.tool)
                };
                let pointer = if change.pointer.is_empty() {
                    String::new()
                } else {
                    format!(" `#{}`", change.pointer)
                };
                out.push_str(&format!("- {tool}{pointer}: {}\n", change.message));
            }
            out.push('\n');
        }
        match self.bump {
            Some(level) => out.push_str(&format!("**Suggested semver bump: {level}**\n")),
            None => out.push_str("**Suggested semver bump: none**\n"),
        }
        out
    }

    /// The report as pretty JSON: `{"changes": [...], "bump": "major" | "minor" | "patch" | null}`.
    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".to_string())
    }
}

/// Compares the tools of two schema trees (each as loaded, overlays applied).
pub fn diff(old: &[Tool], new: &[Tool]) -> Report {
    let key = |t: &Tool| (t.provider.clone(), t.group.clone(), t.name.clone());
    let old_map: BTreeMap<_, &Tool> = old.iter().map(|t| (key(t), t)).collect();
    let new_map: BTreeMap<_, &Tool> = new.iter().map(|t| (key(t), t)).collect();
    let mut changes = Vec::new();
    for (k, tool) in &old_map {
        if !new_map.contains_key(k) {
            changes.push(change(Level::Major, tool, "", "tool removed".to_string()));
        }
    }
    for (k, tool) in &new_map {
        match old_map.get(k) {
            None => changes.push(change(Level::Minor, tool, "", "tool added".to_string())),
            Some(before) => compare_tool(before, tool, &mut changes),
        }
    }
    type_names(old, new, &mut changes);
    changes.sort_by(|a, b| b.level.cmp(&a.level).then_with(|| a.cmp(b)));
    changes.dedup();
    let bump = changes.iter().map(|c| c.level).max();
    Report { changes, bump }
}

fn change(level: Level, tool: &Tool, pointer: &str, message: String) -> Change {
    Change {
        level,
        provider: tool.provider.clone(),
        tool: tool.name.clone(),
        pointer: pointer.to_string(),
        message,
    }
}

struct Cx<'a> {
    tool: &'a Tool,
    changes: &'a mut Vec<Change>,
}

impl Cx<'_> {
    fn push(&mut self, level: Level, pointer: &str, message: String) {
        self.changes
            .push(change(level, self.tool, pointer, message));
    }
}

fn compare_tool(old: &Tool, new: &Tool, changes: &mut Vec<Change>) {
    let mut cx = Cx { tool: new, changes };
    if old.description != new.description {
        cx.push(
            Level::Patch,
            "/description",
            "description changed".to_string(),
        );
    }
    if old.title != new.title {
        cx.push(Level::Patch, "/title", "title changed".to_string());
    }
    if old.annotations != new.annotations {
        cx.push(
            Level::Minor,
            "/annotations",
            "annotations changed (retry safety may change)".to_string(),
        );
    }
    schema(
        &old.input_schema,
        &new.input_schema,
        "/inputSchema",
        &mut cx,
    );
    match (&old.output_schema, &new.output_schema) {
        (Some(a), Some(b)) => schema(a, b, "/outputSchema", &mut cx),
        (None, Some(_)) => cx.push(
            Level::Major,
            "/outputSchema",
            "output schema added: the method now returns a typed output".to_string(),
        ),
        (Some(_), None) => cx.push(
            Level::Major,
            "/outputSchema",
            "output schema removed: the method no longer returns a typed output".to_string(),
        ),
        (None, None) => {}
    }
}

/// Keywords that only document.
const DOC_KEYWORDS: &[&str] = &["description", "title", "examples", "$comment", "deprecated"];
/// Keywords whose change changes the Rust type.
const TYPE_KEYWORDS: &[&str] = &["type", "$ref", "const", "additionalProperties"];
/// String formats that typify turns into their own Rust types; other formats only validate.
const TYPED_FORMATS: &[&str] = &["uuid", "date", "date-time", "ip", "ipv4", "ipv6"];

fn schema(old: &Value, new: &Value, ptr: &str, cx: &mut Cx<'_>) {
    if old == new {
        return;
    }
    let (Value::Object(o), Value::Object(n)) = (old, new) else {
        cx.push(Level::Major, ptr, "type changed".to_string());
        return;
    };
    let keys: BTreeSet<&String> = o.keys().chain(n.keys()).collect();
    for key in keys {
        let (a, b) = (o.get(key.as_str()), n.get(key.as_str()));
        if a == b {
            continue;
        }
        let here = format!("{ptr}/{}", pointer_token(key));
        match key.as_str() {
            k if DOC_KEYWORDS.contains(&k) => cx.push(Level::Patch, &here, format!("{k} changed")),
            k @ (keywords::FIELD | keywords::TYPE | keywords::VARIANTS) => {
                let what = match k {
                    keywords::FIELD => "field",
                    keywords::TYPE => "type",
                    _ => "variants",
                };
                cx.push(
                    Level::Major,
                    &here,
                    format!("{what} renamed (`{k}`: {} → {})", show(a), show(b)),
                );
            }
            k if TYPE_KEYWORDS.contains(&k) => cx.push(
                Level::Major,
                &here,
                format!("type changed (`{k}`: {} → {})", show(a), show(b)),
            ),
            "format" => {
                let typed = |v: Option<&Value>| {
                    v.and_then(Value::as_str)
                        .is_some_and(|f| TYPED_FORMATS.contains(&f))
                };
                let (level, what) = if typed(a) || typed(b) {
                    (Level::Major, "type changed")
                } else {
                    (Level::Minor, "validation changed")
                };
                cx.push(
                    level,
                    &here,
                    format!("{what} (`format`: {} → {})", show(a), show(b)),
                );
            }
            "properties" => properties(o, n, ptr, cx),
            "required" => required(o, n, ptr, cx),
            "enum" => enum_values(a, b, &here, cx),
            "items" | "not" => match (a, b) {
                (Some(a), Some(b)) => schema(a, b, &here, cx),
                _ => cx.push(Level::Major, &here, format!("type changed (`{key}`)")),
            },
            "anyOf" | "oneOf" | "allOf" | "prefixItems" => match (a, b) {
                (Some(Value::Array(a)), Some(Value::Array(b))) if a.len() == b.len() => {
                    for (i, (a, b)) in a.iter().zip(b).enumerate() {
                        schema(a, b, &format!("{here}/{i}"), cx);
                    }
                }
                _ => cx.push(
                    Level::Major,
                    &here,
                    format!("type changed (`{key}` variants)"),
                ),
            },
            "$defs" | "definitions" => {
                let empty = Map::new();
                let a = a.and_then(Value::as_object).unwrap_or(&empty);
                let b = b.and_then(Value::as_object).unwrap_or(&empty);
                for (name, sa) in a {
                    let at = format!("{here}/{}", pointer_token(name));
                    match b.get(name) {
                        Some(sb) => schema(sa, sb, &at, cx),
                        None => cx.push(Level::Major, &at, format!("definition `{name}` removed")),
                    }
                }
                for name in b.keys().filter(|name| !a.contains_key(*name)) {
                    let at = format!("{here}/{}", pointer_token(name));
                    cx.push(Level::Minor, &at, format!("definition `{name}` added"));
                }
            }
            "minimum" | "exclusiveMinimum" if is_integer(n) || is_integer(o) => {
                if integer_class(o) != integer_class(n) {
                    cx.push(
                        Level::Major,
                        &here,
                        format!(
                            "type changed (the lower bound makes it {} instead of {})",
                            integer_class(n),
                            integer_class(o)
                        ),
                    );
                } else {
                    cx.push(
                        Level::Minor,
                        &here,
                        format!("validation changed (`{key}`: {} → {})", show(a), show(b)),
                    );
                }
            }
            "default" => cx.push(Level::Minor, &here, "default value changed".to_string()),
            _ => cx.push(
                Level::Minor,
                &here,
                format!("validation changed (`{key}`: {} → {})", show(a), show(b)),
            ),
        }
    }
}

fn properties(o: &Map<String, Value>, n: &Map<String, Value>, ptr: &str, cx: &mut Cx<'_>) {
    let empty = Map::new();
    let a = o
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let b = n
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let required_now = required_set(n);
    for (name, sa) in a {
        let at = format!("{ptr}/properties/{}", pointer_token(name));
        match b.get(name) {
            Some(sb) => schema(sa, sb, &at, cx),
            None => cx.push(Level::Major, &at, format!("field `{name}` removed")),
        }
    }
    for name in b.keys().filter(|name| !a.contains_key(*name)) {
        let at = format!("{ptr}/properties/{}", pointer_token(name));
        if required_now.contains(name.as_str()) {
            cx.push(Level::Major, &at, format!("required field `{name}` added"));
        } else {
            cx.push(Level::Minor, &at, format!("optional field `{name}` added"));
        }
    }
}

fn required(o: &Map<String, Value>, n: &Map<String, Value>, ptr: &str, cx: &mut Cx<'_>) {
    let (before, after) = (required_set(o), required_set(n));
    let existed = |name: &str, map: &Map<String, Value>| {
        map.get("properties")
            .and_then(Value::as_object)
            .is_some_and(|p| p.contains_key(name))
    };
    for name in after.difference(&before) {
        if existed(name, o) && existed(name, n) {
            let at = format!("{ptr}/properties/{}", pointer_token(name));
            cx.push(Level::Major, &at, format!("field `{name}` became required"));
        }
    }
    for name in before.difference(&after) {
        if existed(name, o) && existed(name, n) {
            let at = format!("{ptr}/properties/{}", pointer_token(name));
            cx.push(
                Level::Major,
                &at,
                format!("field `{name}` became optional (its type becomes an `Option`)"),
            );
        }
    }
}

fn enum_values(a: Option<&Value>, b: Option<&Value>, ptr: &str, cx: &mut Cx<'_>) {
    match (a, b) {
        (Some(Value::Array(a)), Some(Value::Array(b))) => {
            for value in a.iter().filter(|v| !b.contains(v)) {
                cx.push(Level::Major, ptr, format!("enum value {value} removed"));
            }
            for value in b.iter().filter(|v| !a.contains(v)) {
                cx.push(Level::Minor, ptr, format!("enum value {value} added"));
            }
        }
        _ => cx.push(Level::Major, ptr, "type changed (`enum`)".to_string()),
    }
}

fn required_set(map: &Map<String, Value>) -> BTreeSet<&str> {
    map.get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn is_integer(map: &Map<String, Value>) -> bool {
    match map.get("type") {
        Some(Value::String(t)) => t == "integer",
        Some(Value::Array(types)) => types.iter().any(|t| t == "integer"),
        _ => false,
    }
}

/// The Rust integer type that typify picks for an integer schema's lower bound.
fn integer_class(map: &Map<String, Value>) -> &'static str {
    let inclusive = map.get("minimum").and_then(Value::as_f64);
    let exclusive = map
        .get("exclusiveMinimum")
        .and_then(Value::as_f64)
        .map(|x| x + 1.0);
    match inclusive.into_iter().chain(exclusive).reduce(f64::max) {
        Some(min) if min >= 0.0 => "`u64`",
        _ => "`i64`",
    }
}

fn show(value: Option<&Value>) -> String {
    match value {
        None => "absent".to_string(),
        Some(value) => {
            let text = value.to_string();
            if text.chars().count() > 60 {
                format!("`{}…`", text.chars().take(60).collect::<String>())
            } else {
                format!("`{text}`")
            }
        }
    }
}

/// Type names the generated crate gets from the model (parameters, outputs, enums): one that
/// disappears while its tool stays is a renamed (or removed) type.
fn type_names(old: &[Tool], new: &[Tool], changes: &mut Vec<Change>) {
    let names = |tools: &[Tool]| {
        let model = model::build(tools);
        let mut names: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
        for provider in &model.providers {
            let shared = names
                .entry((provider.folder.clone(), String::new()))
                .or_default();
            shared.extend(provider.shared_enums.iter().map(|e| e.name.clone()));
            for op in provider.root.all_operations() {
                let set = names
                    .entry((provider.folder.clone(), op.tool.name.clone()))
                    .or_default();
                set.insert(op.params_type.clone());
                set.extend(op.output_type.clone());
                set.extend(op.local_enums.iter().map(|e| e.name.clone()));
            }
        }
        names
    };
    let (before, after) = (names(old), names(new));
    for ((provider, tool), old_names) in &before {
        let Some(new_names) = after.get(&(provider.clone(), tool.clone())) else {
            continue;
        };
        for name in old_names.difference(new_names) {
            let added: Vec<&String> = new_names.difference(old_names).collect();
            let message = if added.is_empty() {
                format!("type `{name}` removed")
            } else {
                let list: Vec<String> = added.iter().map(|n| format!("`{n}`")).collect();
                format!(
                    "type `{name}` renamed or removed (new: {})",
                    list.join(", ")
                )
            };
            changes.push(Change {
                level: Level::Major,
                provider: provider.clone(),
                tool: tool.clone(),
                pointer: String::new(),
                message,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tool::Origin;
    use serde_json::json;

    fn tool(name: &str, description: &str, input: Value) -> Tool {
        Tool {
            provider: "p".to_string(),
            group: Vec::new(),
            name: name.to_string(),
            title: None,
            description: Some(description.to_string()),
            input_schema: input,
            output_schema: None,
            annotations: None,
            origin: Origin {
                file: format!("p/{name}.json"),
                pointer: String::new(),
            },
            docs_base_url: None,
            formats: crate::tool::Formats::default(),
        }
    }

    fn object(properties: Value, required: &[&str]) -> Value {
        json!({"type": "object", "properties": properties, "required": required})
    }

    /// One schema edit per row: the old and new input schema of the tool `t`, the bump the
    /// report must suggest, and a message it must contain.
    #[test]
    fn edits_are_classified_by_their_effect_on_the_api() {
        let s = json!({"type": "string"});
        let color = json!({"type": "string", "enum": ["red", "green"]});
        let table: Vec<(&str, Value, Value, Option<Level>, &str)> = vec![
            (
                "nothing",
                object(json!({"a": s}), &[]),
                object(json!({"a": s}), &[]),
                None,
                "",
            ),
            (
                "optional field added",
                object(json!({"a": s}), &[]),
                object(json!({"a": s, "b": s}), &[]),
                Some(Level::Minor),
                "optional field `b` added",
            ),
            (
                "required field added",
                object(json!({"a": s}), &[]),
                object(json!({"a": s, "b": s}), &["b"]),
                Some(Level::Major),
                "required field `b` added",
            ),
            (
                "field removed",
                object(json!({"a": s, "b": s}), &[]),
                object(json!({"a": s}), &[]),
                Some(Level::Major),
                "field `b` removed",
            ),
            (
                "field became required",
                object(json!({"a": s}), &[]),
                object(json!({"a": s}), &["a"]),
                Some(Level::Major),
                "field `a` became required",
            ),
            (
                "field became optional",
                object(json!({"a": s}), &["a"]),
                object(json!({"a": s}), &[]),
                Some(Level::Major),
                "field `a` became optional",
            ),
            (
                "type changed",
                object(json!({"a": s}), &[]),
                object(json!({"a": {"type": "integer"}}), &[]),
                Some(Level::Major),
                "type changed (`type`",
            ),
            (
                "typed format",
                object(json!({"a": s}), &[]),
                object(json!({"a": {"type": "string", "format": "uuid"}}), &[]),
                Some(Level::Major),
                "type changed (`format`",
            ),
            (
                "validating format",
                object(json!({"a": s}), &[]),
                object(json!({"a": {"type": "string", "format": "email"}}), &[]),
                Some(Level::Minor),
                "validation changed (`format`",
            ),
            (
                "enum value added",
                object(json!({"c": color}), &[]),
                object(
                    json!({"c": {"type": "string", "enum": ["red", "green", "blue"]}}),
                    &[],
                ),
                Some(Level::Minor),
                "enum value \"blue\" added",
            ),
            (
                "enum value removed",
                object(json!({"c": color}), &[]),
                object(json!({"c": {"type": "string", "enum": ["red"]}}), &[]),
                Some(Level::Major),
                "enum value \"green\" removed",
            ),
            (
                "description only",
                object(json!({"a": {"type": "string", "description": "x"}}), &[]),
                object(json!({"a": {"type": "string", "description": "y"}}), &[]),
                Some(Level::Patch),
                "description changed",
            ),
            (
                "bound within one integer type",
                object(json!({"n": {"type": "integer", "minimum": 1}}), &[]),
                object(
                    json!({"n": {"type": "integer", "minimum": 1, "maximum": 30}}),
                    &[],
                ),
                Some(Level::Minor),
                "validation changed (`maximum`",
            ),
            (
                "bound that changes the integer type",
                object(json!({"n": {"type": "integer"}}), &[]),
                object(json!({"n": {"type": "integer", "minimum": 1}}), &[]),
                Some(Level::Major),
                "`u64` instead of `i64`",
            ),
            (
                "renamed type",
                object(json!({"color": color}), &[]),
                object(json!({"colour": color}), &[]),
                Some(Level::Major),
                "type `Color` renamed or removed (new: `Colour`)",
            ),
            (
                "field renamed by an overlay",
                object(json!({"a": s}), &[]),
                object(
                    json!({"a": {"type": "string", "x-toolgen-field": "b"}}),
                    &[],
                ),
                Some(Level::Major),
                "field renamed (`x-toolgen-field`",
            ),
            (
                "variant renamed by an overlay",
                object(json!({"a": {"enum": ["x", "y"]}}), &[]),
                object(
                    json!({"a": {"enum": ["x", "y"], "x-toolgen-variants": {"x": "Ex"}}}),
                    &[],
                ),
                Some(Level::Major),
                "variants renamed",
            ),
            (
                "enum type renamed by an overlay",
                object(json!({"a": {"enum": ["x", "y"]}}), &[]),
                object(
                    json!({"a": {"enum": ["x", "y"], "x-toolgen-type": "Letter"}}),
                    &[],
                ),
                Some(Level::Major),
                "type `A` renamed or removed (new: `Letter`)",
            ),
        ];
        for (name, old, new, bump, message) in table {
            let report = diff(&[tool("t", "d", old)], &[tool("t", "d", new)]);
            assert_eq!(report.bump, bump, "{name}: {report:#?}");
            assert!(
                report.changes.is_empty() == message.is_empty()
                    && (message.is_empty()
                        || report.changes.iter().any(|c| c.message.contains(message))),
                "{name}: no change says {message:?}: {report:#?}"
            );
        }
    }

    #[test]
    fn tools_added_removed_and_redescribed() {
        let input = json!({"type": "object"});
        let old = [tool("a", "x", input.clone()), tool("b", "x", input.clone())];
        let new = [tool("b", "y", input.clone()), tool("c", "x", input)];
        let report = diff(&old, &new);
        let summary: Vec<(Level, &str, &str)> = report
            .changes
            .iter()
            .map(|c| (c.level, c.tool.as_str(), c.message.as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                (Level::Major, "a", "tool removed"),
                (Level::Minor, "c", "tool added"),
                (Level::Patch, "b", "description changed"),
            ]
        );
        assert_eq!(report.bump, Some(Level::Major));
        let markdown = report.markdown();
        assert!(
            markdown.contains("## Major (breaking)\n\n- `p` `a`: tool removed\n"),
            "{markdown}"
        );
        assert!(
            markdown.ends_with("**Suggested semver bump: major**\n"),
            "{markdown}"
        );
        let json: Value = serde_json::from_str(&report.json()).expect("JSON");
        assert_eq!(json["bump"], "major");
        assert_eq!(json["changes"][1]["level"], "minor");
        assert_eq!(json["changes"][1]["tool"], "c");
    }
}

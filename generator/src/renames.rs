//! Renames: schema keywords that choose the Rust names of generated fields, enum types and enum
//! variants. They are ordinary schema extensions, so an overlay sets them with plain JSON Patch
//! operations, and they survive a `pull` like every other overlay correction:
//!
//! ```json
//! {"op": "add", "path": "/inputSchema/properties/org_id/x-toolgen-field", "value": "organization"}
//! {"op": "add", "path": "/inputSchema/properties/state/x-toolgen-type", "value": "InvitationState"}
//! {"op": "add", "path": "/inputSchema/properties/state/x-toolgen-variants", "value": {"pending": "Waiting"}}
//! ```
//!
//! Three keywords rather than one `x-toolgen-name`, because a property whose schema is an inline
//! enum makes both a field and a type, and each may be renamed on its own. The wire names never
//! change: a renamed field or variant keeps its key or value in `serde(rename)`.
//!
//! This module checks the keywords at load time, so that every mistake is an error naming
//! the file and pointer (the overlay's operation when an overlay set it): a name that is not a
//! valid identifier in the policy's case, a keyword, two fields or variants that would get one
//! name, a variant rename for a value the enum does not have, a type rename on a schema that
//! generates no enum. It also reads them for the later stages (`type_rename`, `variant_renames`
//! for the model; `enum_nodes` for the check after it). The names are applied where all other
//! names are decided: fields in `emit::types` (through `naming`), enum types and variants in
//! `model`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::diagnostics::{Diagnostic, kind, pointer_token, quoted};
use crate::keywords::{FIELD, SCHEMA_MAPS, TYPE, VARIANTS, string_values};
use crate::naming::{self, RenameKind, rename_problem};
use crate::overlay::Overlay;
use crate::tool::Tool;

/// Keys whose values are data, not schemas: the data keywords and the rename keywords.
const DATA: &[&str] = &[
    "enum", "const", "default", "examples", FIELD, TYPE, VARIANTS,
];

/// A problem: its pointer in the tool object, the message, and whether it is about a key.
type Problem = (String, String, bool);

/// Every problem with the rename keywords of one tool (after its overlay was applied).
pub fn check(tool: &Tool, overlay: Option<&Overlay>) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    walk(&tool.input_schema, "/inputSchema", false, &mut problems);
    if let Some(output) = &tool.output_schema {
        walk(output, "/outputSchema", false, &mut problems);
    }
    problems
        .into_iter()
        .map(|(pointer, message, on_key)| {
            let help = format!(
                "renames are `{FIELD}` (snake_case) on a property schema, and `{TYPE}` \
                 (PascalCase) and `{VARIANTS}` ({{\"<value>\": \"VariantName\"}}) on a string \
                 enum schema"
            );
            let diagnostic = match overlay.and_then(|o| o.operation_setting(&tool.name, &pointer)) {
                Some((file, at)) => Diagnostic::new(file, message).at(at),
                None => tool.origin.diagnostic(&pointer, message),
            };
            let diagnostic = match (on_key, diagnostic.pointer.clone()) {
                (true, Some(at)) => diagnostic.at_key(at),
                _ => diagnostic,
            };
            diagnostic.with_help(help)
        })
        .collect()
}

fn walk(schema: &Value, pointer: &str, is_property: bool, out: &mut Vec<Problem>) {
    match schema {
        Value::Object(object) => {
            check_schema(object, pointer, is_property, out);
            for (key, child) in object {
                let here = format!("{pointer}/{}", pointer_token(key));
                if SCHEMA_MAPS.contains(&key.as_str()) {
                    if let Value::Object(map) = child {
                        for (name, schema) in map {
                            let at = format!("{here}/{}", pointer_token(name));
                            walk(schema, &at, key == "properties", out);
                        }
                    }
                } else if !DATA.contains(&key.as_str()) {
                    walk(child, &here, false, out);
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                walk(item, &format!("{pointer}/{index}"), false, out);
            }
        }
        _ => {}
    }
}

fn check_schema(
    object: &Map<String, Value>,
    pointer: &str,
    is_property: bool,
    out: &mut Vec<Problem>,
) {
    // `at` is a pointer suffix whose tokens are already escaped.
    let mut problem = |at: &str, message: String, on_key: bool| {
        out.push((format!("{pointer}/{at}"), message, on_key));
    };
    if let Some(value) = object.get(FIELD) {
        match value.as_str() {
            _ if !is_property => problem(
                FIELD,
                format!("`{FIELD}` renames a field, so it belongs on a property schema"),
                false,
            ),
            Some(name) => {
                if let Some(why) = rename_problem(RenameKind::Field, name) {
                    problem(
                        FIELD,
                        format!("cannot name a field {}: {why}", quoted(name)),
                        false,
                    );
                }
            }
            None => problem(
                FIELD,
                format!("`{FIELD}` must be a string, not {}", kind(value)),
                false,
            ),
        }
    }
    let values = enum_values(object);
    if let Some(value) = object.get(TYPE) {
        match value.as_str() {
            Some(name) => {
                if let Some(why) = rename_problem(RenameKind::Type, name) {
                    problem(
                        TYPE,
                        format!("cannot name a type {}: {why}", quoted(name)),
                        false,
                    );
                } else if values.is_none() {
                    problem(
                        TYPE,
                        format!(
                            "`{TYPE}` renames the type of a string enum, and this schema is not one"
                        ),
                        false,
                    );
                }
            }
            None => problem(
                TYPE,
                format!("`{TYPE}` must be a string, not {}", kind(value)),
                false,
            ),
        }
    }
    if let Some(value) = object.get(VARIANTS) {
        let Some(values) = values else {
            problem(
                VARIANTS,
                format!(
                    "`{VARIANTS}` renames variants of a string enum, and this schema is not one"
                ),
                false,
            );
            return;
        };
        let Value::Object(map) = value else {
            problem(
                VARIANTS,
                format!(
                    "`{VARIANTS}` must map enum values to variant names, not {}",
                    kind(value)
                ),
                false,
            );
            return;
        };
        let mut names: BTreeMap<String, String> = values
            .iter()
            .map(|value| (value.clone(), naming::variant_name(value)))
            .collect();
        for (value, name) in map {
            let at = format!("{VARIANTS}/{}", pointer_token(value));
            if !values.contains(value) {
                problem(
                    &at,
                    format!(
                        "the enum has no value {} to rename (its values: {})",
                        quoted(value),
                        values
                            .iter()
                            .map(|v| quoted(v))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    true,
                );
                continue;
            }
            match name.as_str() {
                Some(name) => match rename_problem(RenameKind::Variant, name) {
                    Some(why) => {
                        problem(
                            &at,
                            format!("cannot name a variant {}: {why}", quoted(name)),
                            false,
                        );
                    }
                    None if name == "Unknown" => problem(
                        &at,
                        "`Unknown` is the variant open enums keep for values added later"
                            .to_string(),
                        false,
                    ),
                    None => {
                        names.insert(value.clone(), name.to_string());
                    }
                },
                None => problem(
                    &at,
                    format!("a variant name must be a string, not {}", kind(name)),
                    false,
                ),
            }
        }
        for (value, name) in map {
            let Some(name) = name.as_str() else { continue };
            let clash: Vec<&String> = names
                .iter()
                .filter(|(other, other_name)| *other != value && *other_name == name)
                .map(|(other, _)| other)
                .collect();
            if let Some(other) = clash.first() {
                problem(
                    &format!("{VARIANTS}/{}", pointer_token(value)),
                    format!(
                        "the variant name `{name}` of {} is also the name of {}",
                        quoted(value),
                        quoted(other)
                    ),
                    false,
                );
            }
        }
    }
    // Two properties of one object must not end up with one field name.
    if let Some(Value::Object(properties)) = object.get("properties") {
        let wanted = |key: &String, schema: &Value| -> (String, bool) {
            match schema.get(FIELD).and_then(Value::as_str) {
                Some(name) => (name.to_string(), true),
                None => (naming::snake_name(key), false),
            }
        };
        for (key, schema) in properties {
            let (name, renamed) = wanted(key, schema);
            if !renamed {
                continue;
            }
            if let Some((other, _)) = properties
                .iter()
                .find(|(other, s)| *other != key && wanted(other, s).0 == name)
            {
                out.push((
                    format!("{pointer}/properties/{}/{FIELD}", pointer_token(key)),
                    format!(
                        "the field name `{name}` of property {} is also the name of property {}",
                        quoted(key),
                        quoted(other)
                    ),
                    false,
                ));
            }
        }
    }
}

/// Every schema node with a type or variant rename, with its pointer and enum values.
pub fn enum_nodes<'a>(
    schema: &'a Value,
    pointer: &str,
    out: &mut Vec<(String, &'a Value, BTreeSet<String>)>,
) {
    match schema {
        Value::Object(object) => {
            if (object.contains_key(TYPE) || object.contains_key(VARIANTS))
                && let Some(values) = enum_values(object)
            {
                out.push((pointer.to_string(), schema, values));
            }
            for (key, child) in object {
                let here = format!("{pointer}/{}", pointer_token(key));
                if SCHEMA_MAPS.contains(&key.as_str()) {
                    if let Value::Object(map) = child {
                        for (name, schema) in map {
                            enum_nodes(schema, &format!("{here}/{}", pointer_token(name)), out);
                        }
                    }
                } else if !DATA.contains(&key.as_str()) {
                    enum_nodes(child, &here, out);
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                enum_nodes(item, &format!("{pointer}/{index}"), out);
            }
        }
        _ => {}
    }
}

/// The string values of an enum schema as the model lifts it: a string enum or `const`
/// ([`string_values`]), or a union whose branches are string enums, which normalize collapses
/// into one enum.
pub fn enum_values(object: &Map<String, Value>) -> Option<BTreeSet<String>> {
    if let Some(values) = string_values(object) {
        return Some(values.into_iter().collect());
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(branches)) = object.get(key) {
            let mut values = BTreeSet::new();
            for branch in branches {
                values.extend(enum_values(branch.as_object()?)?);
            }
            return (!values.is_empty()).then_some(values);
        }
    }
    None
}

/// The variant renames of an enum schema node (checked at load).
pub fn variant_renames(schema: &Value) -> BTreeMap<String, String> {
    schema
        .get(VARIANTS)
        .and_then(Value::as_object)
        .map(|map| {
            map.iter()
                .filter_map(|(value, name)| Some((value.clone(), name.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// The type rename of an enum schema node (checked at load).
pub fn type_rename(schema: &Value) -> Option<String> {
    schema.get(TYPE).and_then(Value::as_str).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tool::Origin;
    use serde_json::json;

    fn problems(input: Value) -> Vec<String> {
        let tool = Tool {
            provider: "p".into(),
            group: Vec::new(),
            name: "t".into(),
            title: None,
            description: None,
            input_schema: input,
            output_schema: None,
            annotations: None,
            origin: Origin {
                file: "p/t.json".into(),
                pointer: String::new(),
            },
            docs_base_url: None,
            formats: crate::tool::Formats::default(),
        };
        check(&tool, None)
            .into_iter()
            .map(|d| format!("{}: {}", d.pointer.unwrap_or_default(), d.message))
            .collect()
    }

    #[test]
    fn valid_renames_pass() {
        let input = json!({"type": "object", "properties": {
            "org_id": {"type": "string", "x-toolgen-field": "organization"},
            "state": {"enum": ["a", "b"], "x-toolgen-type": "State2",
                      "x-toolgen-variants": {"a": "Alpha"}},
            "kind": {"oneOf": [{"const": "x"}, {"const": "y"}], "x-toolgen-variants": {"y": "Why"}}
        }});
        assert_eq!(problems(input), Vec::<String>::new());
    }

    #[test]
    fn every_mistake_is_an_error_at_its_pointer() {
        let input = json!({"type": "object", "x-toolgen-field": "top", "properties": {
            "a": {"type": "string", "x-toolgen-field": "type"},
            "b": {"type": "string", "x-toolgen-field": "c"},
            "c": {"type": "string"},
            "d": {"type": "object", "x-toolgen-type": "Dee"},
            "e": {"enum": ["x", "y"], "x-toolgen-variants": {"z": "Zed", "x": "Y"}},
            "f": {"enum": ["x"], "x-toolgen-type": "not_pascal", "x-toolgen-variants": {"x": "Unknown"}}
        }});
        let got = problems(input);
        let expected = [
            "/inputSchema/x-toolgen-field: `x-toolgen-field` renames a field",
            "/inputSchema/properties/a/x-toolgen-field: cannot name a field `type`: it is a Rust keyword",
            "/inputSchema/properties/b/x-toolgen-field: the field name `c` of property `b` is also the name of property `c`",
            "/inputSchema/properties/d/x-toolgen-type: `x-toolgen-type` renames the type of a string enum",
            "/inputSchema/properties/e/x-toolgen-variants/z: the enum has no value `z` to rename",
            "/inputSchema/properties/e/x-toolgen-variants/x: the variant name `Y` of `x` is also the name of `y`",
            "/inputSchema/properties/f/x-toolgen-type: cannot name a type `not_pascal`",
            "/inputSchema/properties/f/x-toolgen-variants/x: `Unknown` is the variant",
        ];
        for want in expected {
            assert!(got.iter().any(|g| g.starts_with(want)), "{want}\n{got:#?}");
        }
        assert_eq!(got.len(), expected.len(), "{got:#?}");
    }
}

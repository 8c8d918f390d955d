//! `$ref` hoisting: the named schemas of one tool, every local `$ref` target hoisted under a
//! name and every `$ref` rewritten to it, resolved against the base URIs `$id`s set.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::diagnostics::{Note, pointer_token};
use crate::naming::{self, Scope};
use crate::normalize;
use crate::tool::Tool;

/// Compiles `schema` as the runtime's `Validator` does (the jsonschema crate, formats asserted,
/// other documents never fetched), so that a schema it would give up on is a warning here.
pub(super) fn compiles(schema: &Value) -> Result<(), String> {
    struct AcceptUnknownDocuments;
    impl jsonschema::Retrieve for AcceptUnknownDocuments {
        fn retrieve(
            &self,
            _uri: &jsonschema::Uri<String>,
        ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
            Ok(Value::Bool(true))
        }
    }
    jsonschema::options()
        .should_validate_formats(true)
        .with_retriever(AcceptUnknownDocuments)
        .build(schema)
        .map(drop)
        .map_err(|err| err.to_string())
}

/// Whether a `$ref` below `schema` points into a keyword that `without_annotations` drops.
pub(super) fn refers_into_annotations(schema: &Value) -> bool {
    match schema {
        Value::Object(object) => {
            object
                .get("$ref")
                .and_then(Value::as_str)
                .is_some_and(|target| {
                    target.split('/').any(|segment| {
                        matches!(
                            segment,
                            "examples" | "default" | "description" | "title" | "$comment"
                        )
                    })
                })
                || object.values().any(refers_into_annotations)
        }
        Value::Array(items) => items.iter().any(refers_into_annotations),
        _ => false,
    }
}

/// The named schemas of one tool: its input, its output, and every schema they point at with a
/// local `$ref` (their `$defs`/`definitions`, and also targets such as `#/properties/a/items`),
/// hoisted under names unique in the tool's module, with every `$ref` rewritten to
/// `#/definitions/<name>`. A `$ref` that points nowhere becomes `{}` (any value), with a note.
pub(super) fn definitions(
    tool: &Tool,
    params_type: &str,
    output_type: Option<&str>,
    notes: &mut Vec<Note>,
    (validation_schema, output_validation_schema): (&mut Value, &mut Option<Value>),
    output_definitions: &mut BTreeSet<String>,
) -> Vec<(String, Value)> {
    let mut scope = Scope::with_reserved(
        [params_type.to_string()]
            .into_iter()
            .chain(output_type.map(str::to_string)),
    );
    let input = tool.input_schema.clone();
    let mut out = vec![(params_type.to_string(), input, "/inputSchema")];
    if let (Some(name), Some(schema)) = (output_type, &tool.output_schema) {
        out.push((name.to_string(), schema.clone(), "/outputSchema"));
    }
    let mut result = Vec::new();
    let mut hoisted_all = Vec::new();
    for (root_name, mut root, base) in out {
        if tool.formats == crate::tool::Formats::Annotation {
            normalize::drop_formats(&mut root);
        }
        normalize::normalize(&mut root, base, notes);
        // A `$ref` may point into an annotation (`#/examples/0`): then they all stay.
        let mut checked = if refers_into_annotations(&root) {
            root.clone()
        } else {
            normalize::without_annotations(&root)
        };
        crate::metaschema::bundle(&mut checked);
        if let Err(why) = compiles(&checked) {
            notes.push(Note {
                pointer: base.to_string(),
                message: format!(
                    "the schema cannot be compiled for checking ({why}); the generated code \
                     accepts every value here instead of checking it"
                ),
            });
        }
        if base == "/inputSchema" {
            *validation_schema = checked;
        } else {
            *output_validation_schema = Some(checked);
        }
        localize_refs(&mut root);
        let mut renames: BTreeMap<String, String> = BTreeMap::new();
        renames.insert("#".to_string(), format!("#/definitions/{root_name}"));
        renames.insert(String::new(), format!("#/definitions/{root_name}"));
        let mut hoisted = Vec::new();

        // Deep local pointers first, longest first, so that an inner target is already a `$ref`
        // when an outer one is copied.
        let mut targets: Vec<String> = Vec::new();
        collect_refs(&root, &mut targets);
        targets.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        targets.dedup();
        for target in targets {
            if renames.contains_key(&target) || is_def_ref(&target) {
                continue;
            }
            let pointer = target.strip_prefix('#').unwrap_or("\u{0}");
            match root.pointer_mut(pointer) {
                Some(node) if pointer.starts_with('/') => {
                    let name = scope.claim(&naming::type_name(&pointer_name(pointer)), "");
                    let def = std::mem::replace(node, ref_to(&name));
                    renames.insert(target, format!("#/definitions/{name}"));
                    hoisted.push((name, def));
                }
                _ => {
                    notes.push(Note {
                        pointer: base.to_string(),
                        message: format!(
                            "`$ref` {} cannot be resolved in this document; it accepts any value",
                            crate::diagnostics::quoted(&target)
                        ),
                    });
                    renames.insert(target, String::new());
                }
            }
        }
        if let Value::Object(object) = &mut root {
            for key in ["$defs", "definitions"] {
                if let Some(Value::Object(defs)) = object.remove(key) {
                    for (def_name, def_schema) in defs {
                        let name = scope.claim(&naming::type_name(&def_name), "");
                        renames.insert(
                            format!("#/{key}/{}", pointer_token(&def_name)),
                            format!("#/definitions/{name}"),
                        );
                        hoisted.push((name, def_schema));
                    }
                }
            }
        }
        rewrite_refs(&mut root, &renames);
        for (_, schema) in &mut hoisted {
            rewrite_refs(schema, &renames);
        }
        if base == "/outputSchema" {
            output_definitions.insert(root_name.clone());
            output_definitions.extend(hoisted.iter().map(|(name, _)| name.clone()));
        }
        result.push((root_name, root));
        hoisted_all.extend(hoisted);
    }
    result.extend(hoisted_all);
    result
}

/// The base URI of a schema without `$id`, as in the runtime's validator.
pub(super) const DEFAULT_BASE: &str = "urn:toolgen:schema";

/// Rewrites every `$ref` that names a place inside `root` through the base URIs its `$id`s set
/// or through an anchor into the plain local pointer that hoisting reads (`#/properties/foo/
/// definitions/inner` for a `#/definitions/inner` written inside `properties/foo`, whose `$id`
/// makes it a resource of its own; `#/$defs/a` for `other.json#a`). Without this, such a
/// reference would be read against the whole document and miss (typed as any value) or, worse,
/// hit another schema. A reference to another document is left as written.
pub(super) fn localize_refs(root: &mut Value) {
    let dialect = root.get("$schema").and_then(Value::as_str).unwrap_or("");
    let index = {
        let mut index = RefIndex {
            // Drafts 4 to 7 ignore every keyword beside `$ref`, `$id` included; draft 4
            // spells it `id`.
            siblings_ignored: dialect.starts_with("http://json-schema.org/draft-0"),
            id_keyword: if dialect.starts_with("http://json-schema.org/draft-04") {
                "id"
            } else {
                "$id"
            },
            ..RefIndex::default()
        };
        index.walk(root, DEFAULT_BASE, String::new());
        index
    };
    for (at, target) in &index.refs {
        let Some(local) = index.locate(target) else {
            continue;
        };
        if let Some(Value::Object(object)) = root.pointer_mut(at) {
            object.insert("$ref".to_string(), Value::String(format!("#{local}")));
        }
    }
}

/// The resources, anchors and references of one document, by absolute URI.
#[derive(Default)]
pub(super) struct RefIndex {
    pub(super) siblings_ignored: bool,
    pub(super) id_keyword: &'static str,
    /// Absolute URI (no fragment) → JSON pointer of the resource.
    pub(super) resources: BTreeMap<String, String>,
    /// Absolute URI with the anchor as fragment → JSON pointer.
    pub(super) anchors: BTreeMap<String, String>,
    /// JSON pointer of each object holding a `$ref`, and the reference made absolute.
    pub(super) refs: Vec<(String, String)>,
}

impl RefIndex {
    pub(super) fn walk(&mut self, schema: &Value, base: &str, pointer: String) {
        match schema {
            Value::Object(object) => {
                let mut base = base.to_string();
                let reference = object.get("$ref").and_then(Value::as_str);
                let id = object.get(self.id_keyword).and_then(Value::as_str);
                if let Some(id) = id.filter(|_| !(self.siblings_ignored && reference.is_some())) {
                    let uri = crate::uri::resolve_uri(&base, id);
                    let (document, anchor) = uri.split_once('#').unwrap_or((&uri, ""));
                    // Drafts 6 and 7 name anchors with `$id: "#name"`.
                    if !anchor.is_empty() {
                        self.anchors
                            .insert(format!("{document}#{anchor}"), pointer.clone());
                    }
                    if !id.starts_with('#') {
                        base = document.to_string();
                        self.resources.insert(base.clone(), pointer.clone());
                    }
                }
                if pointer.is_empty() {
                    self.resources.entry(base.clone()).or_default();
                }
                for keyword in ["$anchor", "$dynamicAnchor"] {
                    if let Some(Value::String(anchor)) = object.get(keyword) {
                        self.anchors
                            .insert(format!("{base}#{anchor}"), pointer.clone());
                    }
                }
                if let Some(reference) = reference {
                    self.refs
                        .push((pointer.clone(), crate::uri::resolve_uri(&base, reference)));
                }
                for (key, value) in object {
                    // Values of these keywords are data, not schemas.
                    if !matches!(key.as_str(), "enum" | "const" | "default" | "examples") {
                        self.walk(value, &base, format!("{pointer}/{}", pointer_token(key)));
                    }
                }
            }
            Value::Array(items) => {
                for (at, item) in items.iter().enumerate() {
                    self.walk(item, base, format!("{pointer}/{at}"));
                }
            }
            _ => {}
        }
    }

    /// The local JSON pointer that the absolute reference `target` names, if it is inside the
    /// document.
    pub(super) fn locate(&self, target: &str) -> Option<String> {
        let (document, fragment) = target.split_once('#').unwrap_or((target, ""));
        let resource = self.resources.get(document)?;
        let fragment = crate::uri::percent_decode(fragment);
        if fragment.is_empty() {
            Some(resource.clone())
        } else if fragment.starts_with('/') {
            Some(format!("{resource}{fragment}"))
        } else {
            self.anchors.get(target).cloned()
        }
    }
}

pub(super) fn ref_to(name: &str) -> Value {
    let mut object = Map::new();
    object.insert(
        "$ref".to_string(),
        Value::String(format!("#/definitions/{name}")),
    );
    Value::Object(object)
}

pub(super) fn is_def_ref(target: &str) -> bool {
    ["#/$defs/", "#/definitions/"].iter().any(|prefix| {
        target
            .strip_prefix(prefix)
            .is_some_and(|rest| !rest.is_empty() && !rest.contains('/'))
    })
}

/// A name for the schema at a JSON pointer: its last token that is not a keyword or an index
/// (`/properties/data/properties/children/items` → `children_item`).
pub(super) fn pointer_name(pointer: &str) -> String {
    const KEYWORDS: &[&str] = &[
        "properties",
        "items",
        "anyOf",
        "oneOf",
        "allOf",
        "additionalProperties",
        "$defs",
        "definitions",
        "prefixItems",
        "patternProperties",
        "not",
    ];
    let tokens: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    let item = tokens.last().is_some_and(|t| t == "items");
    let name = tokens
        .iter()
        .rev()
        .find(|t| !KEYWORDS.contains(&t.as_str()) && t.parse::<usize>().is_err())
        .cloned()
        .unwrap_or_else(|| "schema".to_string());
    if item { format!("{name}_item") } else { name }
}

pub(super) fn collect_refs(schema: &Value, out: &mut Vec<String>) {
    match schema {
        Value::Object(object) => {
            if let Some(Value::String(target)) = object.get("$ref") {
                out.push(target.clone());
            }
            for (key, child) in object {
                if !matches!(key.as_str(), "enum" | "const" | "default" | "examples") {
                    collect_refs(child, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_refs(item, out)),
        _ => {}
    }
}

pub(super) fn rewrite_refs(schema: &mut Value, renames: &BTreeMap<String, String>) {
    match schema {
        Value::Object(object) => {
            if let Some(Value::String(target)) = object.get_mut("$ref")
                && let Some(new) = renames.get(target.as_str())
            {
                if new.is_empty() {
                    object.remove("$ref");
                } else {
                    *target = new.clone();
                }
            }
            for (key, child) in object.iter_mut() {
                // Values of these keywords are data, not schemas.
                if !matches!(key.as_str(), "enum" | "const" | "default" | "examples") {
                    rewrite_refs(child, renames);
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| rewrite_refs(item, renames)),
        _ => {}
    }
}

pub(super) fn replace_with_ref(node: &mut Value, type_name: &str) {
    let mut replacement = Map::new();
    replacement.insert(
        "$ref".to_string(),
        Value::String(format!("#/definitions/{type_name}")),
    );
    if let Some(description) = node.get("description").cloned() {
        replacement.insert("description".to_string(), description);
    }
    *node = Value::Object(replacement);
}

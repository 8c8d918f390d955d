//! Normalize: rewrites a schema into the subset of JSON Schema that the type stage handles,
//! keeping its meaning wherever the schema is consistent, and recording every change it makes.
//!
//! Real tool schemas spell one idea several ways (`nullable: true`, `type: [T, "null"]`,
//! `anyOf: [T, {type: null}]`) and contradict themselves (`"type": "number", "default": null`,
//! `"type": "string", "enum": [1]`). This pass settles those cases before typify sees them.

use serde_json::{Map, Value};

use crate::diagnostics::{Note, pointer_token};
use crate::keywords::{
    self, ANNOTATIONS, DATA, SCHEMA_LISTS, SCHEMA_MAPS, SCHEMA_SINGLES, TOOLGEN, VARIANT_DOCS,
};

/// Normalizes `schema` in place. `base` is the pointer of `schema` within the tool object.
pub fn normalize(schema: &mut Value, base: &str, notes: &mut Vec<Note>) {
    walk(schema, base, notes);
}

fn walk(schema: &mut Value, pointer: &str, notes: &mut Vec<Note>) {
    let Value::Object(object) = schema else {
        return;
    };
    let note = |notes: &mut Vec<Note>, message: String| {
        notes.push(Note {
            pointer: pointer.to_string(),
            message,
        })
    };

    // OpenAPI's `nullable: true` is `type: [T, "null"]` in JSON Schema.
    if let Some(nullable) = object.remove("nullable")
        && nullable == Value::Bool(true)
    {
        {
            match object.get_mut("type") {
                Some(Value::String(t)) if t != "null" => {
                    let t = t.clone();
                    object.insert(
                        "type".into(),
                        Value::Array(vec![Value::String(t), "null".into()]),
                    );
                }
                Some(Value::Array(types)) if !types.contains(&Value::from("null")) => {
                    types.push("null".into());
                }
                _ => {}
            }
            if let Some(Value::Array(values)) = object.get_mut("enum")
                && !values.contains(&Value::Null)
            {
                values.push(Value::Null);
            }
        }
    }

    // `type: []` or an unknown type name constrains nothing typify can use.
    if let Some(Value::Array(types)) = object.get("type") {
        if types.is_empty() {
            object.remove("type");
        } else if types.len() == 1 {
            let only = types[0].clone();
            object.insert("type".into(), only);
        }
    }

    // Draft 4 wrote exclusive bounds as booleans beside `minimum`/`maximum`.
    for (flag, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(Value::Bool(on)) = object.get(flag).cloned() {
            object.remove(flag);
            if on && let Some(limit) = object.remove(bound) {
                object.insert(flag.into(), limit);
            }
        }
    }

    // Branches that match nothing (`false`, `{"not": {}}`) can be left out of a union.
    // When every branch matches nothing, so does the union: one `false` says so.
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(branches)) = object.get_mut(key) {
            let had = !branches.is_empty();
            branches.retain(|b| !matches_nothing(b));
            if had && branches.is_empty() {
                branches.push(Value::Bool(false));
            }
        }
    }

    // A union whose branches only refine the parent (`"type": "string", "anyOf": [{"format":
    // "ipv4"}, {"format": "ipv6"}]`) gets the parent's type in each branch.
    if let Some(parent_type) = object.get("type").cloned() {
        for key in ["anyOf", "oneOf"] {
            if let Some(Value::Array(branches)) = object.get_mut(key) {
                for branch in branches.iter_mut() {
                    if let Value::Object(b) = branch
                        && !b.contains_key("type")
                        && !b.contains_key("$ref")
                        && !b.contains_key("enum")
                        && !b.contains_key("const")
                        && !b.contains_key("anyOf")
                        && !b.contains_key("oneOf")
                        && !b.contains_key("allOf")
                    {
                        b.insert("type".into(), parent_type.clone());
                    }
                }
            }
        }
    }

    // A union of string constants (`anyOf: [{"const": "a"}, {"const": "b"}]`, as zod writes a
    // union of literals) is a string enum; each branch's description is kept for its variant.
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(branches)) = object.get(key)
            && let Some((values, docs)) = const_union(branches)
        {
            object.remove(key);
            object.insert("type".into(), "string".into());
            object.insert("enum".into(), Value::Array(values));
            if !docs.is_empty() {
                object.insert(VARIANT_DOCS.into(), Value::Object(docs));
            }
        }
    }

    // Empty composition lists say nothing; typify panics on some of them.
    for key in SCHEMA_LISTS {
        if object
            .get(*key)
            .is_some_and(|v| v.as_array().is_some_and(Vec::is_empty))
        {
            object.remove(*key);
        }
    }

    // Enum values that contradict `type` make the schema unsatisfiable as written; the values
    // state the intent, so the type gives way.
    if let (Some(Value::Array(values)), Some(types)) = (object.get("enum"), object.get("type"))
        && !values.is_empty()
        && !values.iter().all(|v| conforms_to_type(v, types))
    {
        {
            note(
                notes,
                "`enum` values contradict `type`; the values are kept and `type` dropped".into(),
            );
            object.remove("type");
        }
    }
    // An untyped enum of whole numbers is an integer enum (typify would make it `f64`).
    if !object.contains_key("type")
        && let Some(Value::Array(values)) = object.get("enum")
        && !values.is_empty()
        && values.iter().all(|v| v.is_i64() || v.is_u64())
    {
        object.insert("type".into(), "integer".into());
    }
    if let (Some(value), Some(types)) = (object.get("const"), object.get("type"))
        && !conforms_to_type(value, types)
    {
        {
            note(notes, "`const` contradicts `type`; `type` dropped".into());
            object.remove("type");
        }
    }

    // `default: null` says only that leaving the value out means null; it adds nothing to the
    // type, and typify cannot render it for a non-null type.
    if object.get("default").is_some_and(Value::is_null) {
        object.remove("default");
    }

    // A default that its own schema rejects cannot be rendered as a Rust value. `default: null`
    // on a non-nullable property (common in Python-generated schemas) means "optional".
    if let Some(default) = object.get("default") {
        let ok = object
            .get("type")
            .is_none_or(|t| conforms_to_type(default, t))
            && object
                .get("enum")
                .and_then(Value::as_array)
                .is_none_or(|values| values.contains(default));
        if !ok {
            if !default.is_null() {
                note(
                    notes,
                    format!("`default` {default} does not fit its schema and is ignored"),
                );
            }
            object.remove("default");
        }
    }

    for key in SCHEMA_MAPS {
        if let Some(Value::Object(children)) = object.get_mut(*key) {
            for (name, child) in children.iter_mut() {
                let child_pointer = format!("{pointer}/{key}/{}", pointer_token(name));
                walk(child, &child_pointer, notes);
            }
        }
    }
    for key in SCHEMA_LISTS {
        if let Some(Value::Array(children)) = object.get_mut(*key) {
            for (index, child) in children.iter_mut().enumerate() {
                walk(child, &format!("{pointer}/{key}/{index}"), notes);
            }
        }
    }
    for key in SCHEMA_SINGLES {
        match object.get_mut(*key) {
            Some(Value::Array(children)) => {
                for (index, child) in children.iter_mut().enumerate() {
                    walk(child, &format!("{pointer}/{key}/{index}"), notes);
                }
            }
            Some(child) => walk(child, &format!("{pointer}/{key}"), notes),
            None => {}
        }
    }
    drop_empty_object_keys(object);
}

/// A copy of `schema` without the keywords that only annotate ([`ANNOTATIONS`] and `default`)
/// and without toolgen's own ([`TOOLGEN`]), for embedding where only validation matters.
/// `$schema` stays: the dialect it names decides how the rest is read (draft 7 ignores the
/// siblings of `$ref`, for one).
pub fn without_annotations(schema: &Value) -> Value {
    keywords::without(schema, &|key| {
        key == "default" || ANNOTATIONS.contains(&key) || TOOLGEN.contains(&key)
    })
}

/// Removes every `format` keyword from `schema`, for providers whose formats only annotate
/// (`"formats": "annotation"` in the overlay): the values are then typed and checked as the
/// plain strings the schema allows. A property named `format` is not a keyword and stays.
pub fn drop_formats(schema: &mut Value) {
    match schema {
        Value::Object(object) => {
            if object.get("format").is_some_and(Value::is_string) {
                object.remove("format");
            }
            for (key, value) in object.iter_mut() {
                match key.as_str() {
                    k if DATA.contains(&k) => {}
                    k if SCHEMA_MAPS.contains(&k) => {
                        if let Value::Object(map) = value {
                            map.values_mut().for_each(drop_formats);
                        }
                    }
                    _ => drop_formats(value),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(drop_formats),
        _ => {}
    }
}

/// The values and descriptions of a union whose every branch is a string `const` or a string
/// `enum`, with nothing else but annotations.
fn const_union(branches: &[Value]) -> Option<(Vec<Value>, Map<String, Value>)> {
    let mut values = Vec::new();
    let mut docs = Map::new();
    for branch in branches {
        let object = branch.as_object()?;
        let annotations_only = object.keys().all(|k| {
            matches!(
                k.as_str(),
                "const" | "enum" | "type" | "description" | "title"
            )
        });
        if !annotations_only || object.get("type").is_some_and(|t| t != "string") {
            return None;
        }
        let branch_values: Vec<Value> = match (object.get("const"), object.get("enum")) {
            (Some(value @ Value::String(_)), None) => vec![value.clone()],
            (None, Some(Value::Array(list))) if list.iter().all(Value::is_string) => list.clone(),
            _ => return None,
        };
        let doc = object
            .get("description")
            .or_else(|| object.get("title"))
            .and_then(Value::as_str);
        for value in branch_values {
            if let (Some(doc), Some(text)) = (doc, value.as_str()) {
                docs.entry(text.to_string())
                    .or_insert_with(|| Value::String(doc.to_string()));
            }
            if !values.contains(&value) {
                values.push(value);
            }
        }
    }
    (!values.is_empty()).then_some((values, docs))
}

/// Is this a schema that no value satisfies?
fn matches_nothing(schema: &Value) -> bool {
    match schema {
        Value::Bool(false) => true,
        Value::Object(object) => {
            object.len() == 1
                && object.get("not").is_some_and(|n| {
                    *n == Value::Bool(true) || n.as_object().is_some_and(Map::is_empty)
                })
        }
        _ => false,
    }
}

/// Does `value` have one of the JSON types that `types` (a string or an array) names?
pub fn conforms_to_type(value: &Value, types: &Value) -> bool {
    let one = |t: &str| match t {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => value.as_f64().is_some_and(|n| n.fract() == 0.0),
        "array" => value.is_array(),
        "object" => value.is_object(),
        // An unknown type name constrains nothing we can check.
        _ => true,
    };
    match types {
        Value::String(t) => one(t),
        Value::Array(list) => list.iter().any(|t| t.as_str().is_none_or(one)),
        _ => true,
    }
}

/// `required: []` and similar empty keywords carry nothing; dropping them keeps output stable.
fn drop_empty_object_keys(object: &mut Map<String, Value>) {
    if object
        .get("required")
        .is_some_and(|v| v.as_array().is_some_and(Vec::is_empty))
    {
        object.remove("required");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn drop_formats_removes_the_keyword_everywhere_but_keeps_data_and_properties() {
        let mut schema = json!({
            "type": "object",
            "properties": {
                "format": {"type": "string", "format": "uri"},
                "when": {"type": "string", "format": "date-time", "default": {"format": "x"}},
                "list": {"type": "array", "items": {"format": "email"}},
                "either": {"anyOf": [{"format": "uuid"}, {"const": {"format": "ipv4"}}]}
            },
            "$defs": {"d": {"format": "date"}}
        });
        drop_formats(&mut schema);
        assert_eq!(
            schema,
            json!({
                "type": "object",
                "properties": {
                    "format": {"type": "string"},
                    "when": {"type": "string", "default": {"format": "x"}},
                    "list": {"type": "array", "items": {}},
                    "either": {"anyOf": [{}, {"const": {"format": "ipv4"}}]}
                },
                "$defs": {"d": {}}
            })
        );
    }

    fn run(mut schema: Value) -> (Value, Vec<String>) {
        let mut notes = Vec::new();
        normalize(&mut schema, "/inputSchema", &mut notes);
        (
            schema,
            notes
                .into_iter()
                .map(|n| format!("{}: {}", n.pointer, n.message))
                .collect(),
        )
    }

    #[test]
    fn nullable_becomes_a_type_array() {
        let (schema, notes) = run(json!({"type": "string", "nullable": true}));
        assert_eq!(schema, json!({"type": ["string", "null"]}));
        assert!(notes.is_empty());
    }

    #[test]
    fn a_null_default_on_a_non_nullable_type_is_dropped_silently() {
        let (schema, notes) =
            run(json!({"properties": {"a": {"type": "number", "default": null}}}));
        assert_eq!(schema, json!({"properties": {"a": {"type": "number"}}}));
        assert!(notes.is_empty());
    }

    #[test]
    fn contradictions_are_settled_and_noted() {
        let (schema, notes) = run(json!({"properties": {
            "agree": {"type": "string", "enum": [1]},
            "n": {"type": "integer", "default": "seven"},
            "x": {"type": "string", "not": {"const": ""}}
        }}));
        assert_eq!(
            schema,
            json!({"properties": {
                "agree": {"enum": [1], "type": "integer"},
                "n": {"type": "integer"},
                "x": {"type": "string", "not": {"const": ""}}
            }})
        );
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(
            notes[0].starts_with("/inputSchema/properties/agree: "),
            "{notes:?}"
        );
    }

    #[test]
    fn unions_lose_impossible_branches_and_gain_the_parent_type() {
        let (schema, _) = run(json!({
            "type": "string",
            "anyOf": [{"format": "ipv4"}, {"format": "ipv6"}, {"not": {}}, false]
        }));
        assert_eq!(
            schema,
            json!({"type": "string", "anyOf": [
                {"format": "ipv4", "type": "string"},
                {"format": "ipv6", "type": "string"}
            ]})
        );
    }

    #[test]
    fn a_union_of_string_constants_is_an_enum() {
        let (schema, _) = run(json!({"anyOf": [
            {"type": "string", "const": "hot", "description": "Popular"},
            {"const": "video"},
            {"enum": ["a", "hot"]}
        ], "description": "Kind"}));
        assert_eq!(
            schema,
            json!({"description": "Kind", "type": "string", "enum": ["hot", "video", "a"],
                   "x-toolgen-variant-docs": {"hot": "Popular"}})
        );
        let (mixed, _) = run(json!({"anyOf": [{"const": "a"}, {"type": "integer"}]}));
        assert!(mixed.get("anyOf").is_some());
    }

    #[test]
    fn draft4_exclusive_bounds_become_numbers() {
        let (schema, _) = run(
            json!({"type": "integer", "exclusiveMinimum": true, "minimum": 0, "exclusiveMaximum": false, "maximum": 9}),
        );
        assert_eq!(
            schema,
            json!({"type": "integer", "exclusiveMinimum": 0, "maximum": 9})
        );
    }

    #[test]
    fn empty_lists_are_removed() {
        let (schema, _) = run(json!({"allOf": [], "type": ["integer"], "required": []}));
        assert_eq!(schema, json!({"type": "integer"}));
    }
}

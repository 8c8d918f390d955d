//! Typing wider than the schema: the rewrites that give typify a schema whose Rust type accepts
//! every value the schema accepts and writes it back unchanged (open objects, `anyOf` as
//! `oneOf`, enums of non-strings by their JSON type, untyped assertions as any value), and the
//! marks that keep the branches of tagged unions as they are written.

use serde_json::{Map, Value};

use super::walk::{each_subschema, each_subschema_except};
use crate::keywords::{ANNOTATIONS, TAGGED_BRANCH};

/// A schema with no `type` and nothing that shapes a value (only bounds, lengths, patterns,
/// formats...) accepts values of every type, so its Rust type is "any JSON value"; its
/// assertions are left to `validate()`. typify panics on some of these, so they are removed here.
pub(super) fn drop_untyped_assertions(schema: &mut Value) {
    const SHAPING: &[&str] = &[
        "type",
        "properties",
        "items",
        "prefixItems",
        "enum",
        "const",
        "$ref",
        "anyOf",
        "oneOf",
        "allOf",
        "additionalProperties",
        "patternProperties",
        "required",
    ];
    const ASSERTIONS: &[&str] = &[
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minLength",
        "maxLength",
        "pattern",
        "format",
        "minItems",
        "maxItems",
        "uniqueItems",
        "contains",
        "minContains",
        "maxContains",
        "minProperties",
        "maxProperties",
        "propertyNames",
        "dependentRequired",
        "dependentSchemas",
        "if",
        "then",
        "else",
    ];
    if let Value::Object(object) = schema
        && !SHAPING.iter().any(|k| object.contains_key(*k))
    {
        for key in ASSERTIONS {
            object.remove(*key);
        }
    }
    each_subschema(schema, |child| {
        drop_untyped_assertions(child);
        false
    });
}

/// Keywords that constrain only objects.
const OBJECT_KEYWORDS: &[&str] = &[
    "properties",
    "required",
    "additionalProperties",
    "patternProperties",
    "minProperties",
    "maxProperties",
    "propertyNames",
    "dependentRequired",
    "dependentSchemas",
    "unevaluatedProperties",
];
/// Keywords that constrain only arrays.
const ARRAY_KEYWORDS: &[&str] = &[
    "items",
    "prefixItems",
    "additionalItems",
    "minItems",
    "maxItems",
    "uniqueItems",
    "contains",
    "unevaluatedItems",
];
/// Keywords that say which JSON types a schema accepts.
const TYPE_DECIDING: &[&str] = &["type", "enum", "const", "$ref", "anyOf", "oneOf", "allOf"];

/// Rewrites a schema (bottom-up) into one whose Rust type accepts every value the schema
/// accepts and serializes it back unchanged; `validate()` still checks the original schema, so
/// nothing is lost by typing wider. What changes, and why:
/// - a `default` is moved into the description: the field stays optional, and a value left out
///   is not filled in (sending or re-serializing it would change the data);
/// - an object keeps the properties it does not name (`additionalProperties` absent, `true`,
///   or matched by `patternProperties`) in a flattened `extra` map, so a round trip loses
///   nothing;
/// - an array with `prefixItems` (or draft 7 tuple `items`) holds any JSON values: its items
///   may be fewer than the prefix, or more;
/// - a schema without `type` whose keywords only constrain objects or arrays accepts every
///   other JSON value as it is, so it is typed as any value;
/// - `anyOf` is typed as `oneOf` (an untagged enum that deserializes, or a tagged one when a
///   `const` discriminator exists; typify's `anyOf` struct accepts no scalar), and a union with
///   a branch that accepts everything, or with none that accepts anything, is any value.
pub(super) fn widen(schema: &mut Value, widening: Widening) {
    let Value::Object(object) = schema else {
        return;
    };
    // The branches of a union with a `const` discriminator stay as open or closed as they are
    // written: typify makes a tagged enum of them only without a flattened map. `TAGGED_BRANCH`
    // marks such a branch (or any branch when `open_branches` is off) until its own turn below.
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(branches)) = object.get_mut(key)
            && crate::model::discriminator(branches).is_some()
        {
            for branch in branches.iter_mut().filter_map(Value::as_object_mut) {
                branch.insert(TAGGED_BRANCH.to_string(), Value::Bool(true));
            }
        }
    }
    if !widening.open_branches {
        for key in ["anyOf", "oneOf", "allOf"] {
            if let Some(Value::Array(branches)) = object.get_mut(key) {
                for branch in branches.iter_mut().filter_map(Value::as_object_mut) {
                    branch.insert(TAGGED_BRANCH.to_string(), Value::Bool(true));
                }
            }
        }
    }
    let tagged_branch = object.remove(TAGGED_BRANCH).is_some();
    // Bottom-up. typify reads no `dependentSchemas`; they stay as written, for `validate()`.
    each_subschema_except(schema, &["dependentSchemas"], |child| {
        match child {
            Value::Array(items) => items.iter_mut().for_each(|item| widen(item, widening)),
            child => widen(child, widening),
        }
        false
    });
    let Value::Object(object) = schema else {
        return;
    };
    if let Some(default) = object.remove("default") {
        let own = object
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim()
            .to_string();
        let note = format!("Defaults to `{default}` when left out.");
        let text = if own.is_empty() {
            note
        } else {
            format!("{own}\n\n{note}")
        };
        object.insert("description".to_string(), Value::String(text));
    }
    // typify compiles `pattern` without Unicode mode, in which `\p{Letter}` and `\u{...}` mean
    // something else; such a string is typed as a plain string.
    if let Some(Value::String(pattern)) = object.get("pattern")
        && ["\\p{", "\\P{", "\\u{"].iter().any(|u| pattern.contains(u))
    {
        object.remove("pattern");
    }
    // typify turns an enum of numbers, booleans, arrays or objects into a newtype that accepts
    // only the values' own spelling (`0` but not `0.0`) or into code that does not compile;
    // the values' JSON type types it instead.
    if let Some(Value::Array(values)) = object.get("enum")
        && !values.iter().all(|v| v.is_string() || v.is_null())
    {
        let mut kinds: Vec<&str> = Vec::new();
        for value in values {
            let kind = match value {
                Value::Null => "null",
                Value::Bool(_) => "boolean",
                Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
                Value::Number(_) => "number",
                Value::String(_) => "string",
                Value::Array(_) => "array",
                Value::Object(_) => "object",
            };
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
        }
        if kinds.contains(&"integer") && kinds.contains(&"number") {
            kinds.retain(|k| *k != "integer");
        }
        object.remove("enum");
        let typed = match kinds.as_slice() {
            [one] => Some(Value::from(*one)),
            [one, "null"] | ["null", one] => Some(Value::from(vec![*one, "null"])),
            _ => None,
        };
        match typed {
            Some(t) if !object.contains_key("type") => {
                object.insert("type".to_string(), t);
            }
            Some(_) => {}
            None => {
                object.remove("type");
            }
        }
    }
    let tuple =
        object.contains_key("prefixItems") || matches!(object.get("items"), Some(Value::Array(_)));
    if tuple {
        object.remove("prefixItems");
        object.remove("additionalItems");
        object.insert("items".to_string(), Value::Object(Map::new()));
    }
    let untyped = !TYPE_DECIDING.iter().any(|k| object.contains_key(*k));
    if untyped
        && OBJECT_KEYWORDS
            .iter()
            .chain(ARRAY_KEYWORDS)
            .any(|k| object.contains_key(*k))
    {
        *schema = any_value(schema);
        return;
    }
    let is_object = match object.get("type") {
        Some(Value::String(t)) => t == "object",
        Some(Value::Array(types)) => types.contains(&Value::from("object")),
        _ => object.contains_key("properties"),
    };
    // Without open branches, neither is their parent (typify cannot merge a parent's map into
    // its branches).
    let composed = !widening.open_branches
        && ["anyOf", "oneOf", "allOf"]
            .iter()
            .any(|k| object.contains_key(*k));
    if is_object && !tagged_branch && !composed {
        let open = match object.get("additionalProperties") {
            None | Some(Value::Bool(true)) => true,
            Some(_) => object.contains_key("patternProperties"),
        };
        object.remove("patternProperties");
        if open {
            object.insert(
                "additionalProperties".to_string(),
                Value::Object(Map::new()),
            );
        }
    }
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(branches)) = object.get(key) else {
            continue;
        };
        let accepts_all = branches.iter().any(accepts_everything);
        let accepts_none = branches.iter().all(|b| *b == Value::Bool(false));
        if accepts_all || accepts_none {
            object.remove(key);
        }
    }
    if widening.any_of_as_one_of
        && let Some(any) = object.remove("anyOf")
    {
        if object.contains_key("oneOf") {
            // Both: the `oneOf` alone types the value; `validate()` checks the `anyOf`.
        } else {
            object.insert("oneOf".to_string(), any);
        }
    }
}

/// How far [`widen`] goes.
#[derive(Clone, Copy)]
pub(super) struct Widening {
    /// Type `anyOf` as `oneOf`.
    pub(super) any_of_as_one_of: bool,
    /// Give the object branches of `anyOf`, `oneOf` and `allOf` a map of other properties.
    pub(super) open_branches: bool,
}

/// Does this schema accept every JSON value, once its annotations are set aside?
fn accepts_everything(schema: &Value) -> bool {
    match schema {
        Value::Bool(b) => *b,
        Value::Object(object) => object.keys().all(|k| {
            ANNOTATIONS.contains(&k.as_str())
                || ["deprecated", "readOnly", "writeOnly"].contains(&k.as_str())
        }),
        _ => false,
    }
}

/// `{}` with the original description kept, so the field stays documented.
pub(super) fn any_value(schema: &Value) -> Value {
    serde_json::json!({"description": description_of(schema)})
}

/// The schema's description, or "Any JSON value." when it has none.
pub(super) fn description_of(schema: &Value) -> String {
    schema
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or("Any JSON value.")
        .to_string()
}

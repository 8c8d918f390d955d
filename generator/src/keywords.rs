//! The schema vocabulary every stage shares: toolgen's own `x-toolgen-*` keywords, where JSON
//! Schema keeps its subschemas, which keywords only annotate, and how a string enum is read.
//!
//! A new keyword is spelled here once; the stages that handle it import it. Nothing here reads
//! files, makes diagnostics or names Rust items.

use serde_json::{Map, Value};

/// On a property schema: the Rust name of its field (snake_case). Set by an overlay.
pub const FIELD: &str = "x-toolgen-field";
/// On a string enum schema: the Rust name of its type (PascalCase). Set by an overlay.
pub const TYPE: &str = "x-toolgen-type";
/// On a string enum schema: `{"<value>": "VariantName"}`. Set by an overlay.
pub const VARIANTS: &str = "x-toolgen-variants";
/// On a string enum schema: `true` makes it a locale enum, `false` keeps it a plain one.
pub const LOCALE: &str = "x-toolgen-locale";
/// Written by normalize: the descriptions of a collapsed union's branches, by value.
pub const VARIANT_DOCS: &str = "x-toolgen-variant-docs";
/// Written by the type stage on the branches of a tagged union it hands to typify.
pub const TAGGED_BRANCH: &str = "x-toolgen-tagged-branch";

/// Every `x-toolgen-*` keyword. They choose Rust names and docs and say nothing about which
/// values are valid, so none of them reaches a schema that validates.
pub const TOOLGEN: &[&str] = &[FIELD, TYPE, VARIANTS, LOCALE, VARIANT_DOCS, TAGGED_BRANCH];

/// Keywords whose value is an object of named subschemas.
pub const SCHEMA_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
];
/// Keywords whose value is an array of subschemas.
pub const SCHEMA_LISTS: &[&str] = &["anyOf", "oneOf", "allOf", "prefixItems"];
/// Keywords whose value is one subschema (`items` may also be an array, in older drafts).
pub const SCHEMA_SINGLES: &[&str] = &[
    "items",
    "additionalProperties",
    "not",
    "contains",
    "propertyNames",
    "if",
    "then",
    "else",
    "unevaluatedItems",
    "unevaluatedProperties",
    "additionalItems",
];

/// Keywords that only annotate: they never change which values are valid.
pub const ANNOTATIONS: &[&str] = &["description", "title", "examples", "$comment"];

/// Keywords whose values are data (JSON values), never schemas to walk into.
pub const DATA: &[&str] = &["enum", "const", "default", "examples"];

/// A copy of `schema` without the keywords `drop` names, at every depth. Data values (`enum`,
/// `const`, `default`, `examples`) are copied as they are, and the names under a
/// [`SCHEMA_MAPS`] keyword are property names, never keywords.
pub fn without(schema: &Value, drop: &dyn Fn(&str) -> bool) -> Value {
    match schema {
        Value::Object(object) => {
            let mut out = Map::new();
            for (key, value) in object {
                if drop(key) {
                    continue;
                }
                let kept = match key.as_str() {
                    k if DATA.contains(&k) => value.clone(),
                    k if SCHEMA_MAPS.contains(&k) => match value {
                        Value::Object(map) => Value::Object(
                            map.iter()
                                .map(|(name, s)| (name.clone(), without(s, drop)))
                                .collect(),
                        ),
                        other => other.clone(),
                    },
                    _ => without(value, drop),
                };
                out.insert(key.clone(), kept);
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|item| without(item, drop)).collect()),
        other => other.clone(),
    }
}

/// The values of a string enum as written: a non-empty `enum` of strings (duplicates dropped,
/// first spelling kept) or a string `const`. `None` for anything else.
pub fn string_values(object: &Map<String, Value>) -> Option<Vec<String>> {
    let values: &[Value] = match (object.get("enum"), object.get("const")) {
        (Some(Value::Array(values)), None) if !values.is_empty() => values,
        (None, Some(value @ Value::String(_))) => std::slice::from_ref(value),
        _ => return None,
    };
    let mut out: Vec<String> = Vec::new();
    for value in values {
        let text = value.as_str()?;
        if !out.iter().any(|v| v == text) {
            out.push(text.to_string());
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn without_keeps_data_and_property_names() {
        let schema = json!({
            "description": "x", "x-toolgen-locale": true,
            "properties": {"description": {"type": "string", "title": "t"}},
            "enum": [{"description": "data"}],
        });
        let out = without(&schema, &|k| {
            ANNOTATIONS.contains(&k) || TOOLGEN.contains(&k)
        });
        assert_eq!(
            out,
            json!({"properties": {"description": {"type": "string"}},
                   "enum": [{"description": "data"}]})
        );
    }

    #[test]
    fn string_values_reads_enums_and_consts() {
        let read = |v: Value| string_values(v.as_object().expect("object"));
        assert_eq!(
            read(json!({"enum": ["a", "b", "a"]})),
            Some(vec!["a".into(), "b".into()])
        );
        assert_eq!(read(json!({"const": "x"})), Some(vec!["x".into()]));
        assert_eq!(read(json!({"enum": ["a", 1]})), None);
        assert_eq!(read(json!({"enum": []})), None);
        assert_eq!(read(json!({"const": 1})), None);
    }
}

//! JSON Schema's own meta-schemas (draft 2020-12), for tools whose arguments are schemas.
//!
//! A schema that refers to the meta-schema (`"$ref": "https://json-schema.org/draft/2020-12/schema"`,
//! as a tool that takes a JSON Schema argument would) cannot be checked without it, and the
//! generated crate reads no network. So the model bundles the meta-schema documents into the
//! validation schema as a compound document (JSON Schema 2020-12, section 9.3): each one goes
//! under `$defs` with its own `$id`, where `validate()`'s in-document resolution finds it. The
//! documents come from the `referencing` crate, which ships them.

use serde_json::{Map, Value};

/// The draft 2020-12 meta-schema and its vocabularies, by `$id`.
fn documents() -> [(&'static str, &'static Value); 9] {
    use referencing::meta::{
        DRAFT202012, DRAFT202012_APPLICATOR, DRAFT202012_CONTENT, DRAFT202012_CORE,
        DRAFT202012_FORMAT_ANNOTATION, DRAFT202012_FORMAT_ASSERTION, DRAFT202012_META_DATA,
        DRAFT202012_UNEVALUATED, DRAFT202012_VALIDATION,
    };
    [
        (
            "https://json-schema.org/draft/2020-12/schema",
            &**DRAFT202012,
        ),
        (
            "https://json-schema.org/draft/2020-12/meta/core",
            &**DRAFT202012_CORE,
        ),
        (
            "https://json-schema.org/draft/2020-12/meta/applicator",
            &DRAFT202012_APPLICATOR,
        ),
        (
            "https://json-schema.org/draft/2020-12/meta/unevaluated",
            &DRAFT202012_UNEVALUATED,
        ),
        (
            "https://json-schema.org/draft/2020-12/meta/validation",
            &DRAFT202012_VALIDATION,
        ),
        (
            "https://json-schema.org/draft/2020-12/meta/meta-data",
            &DRAFT202012_META_DATA,
        ),
        (
            "https://json-schema.org/draft/2020-12/meta/format-annotation",
            &DRAFT202012_FORMAT_ANNOTATION,
        ),
        (
            "https://json-schema.org/draft/2020-12/meta/format-assertion",
            &DRAFT202012_FORMAT_ASSERTION,
        ),
        (
            "https://json-schema.org/draft/2020-12/meta/content",
            &**DRAFT202012_CONTENT,
        ),
    ]
}

/// The `$id`s of the documents [`bundle`] can add.
pub fn uris() -> impl Iterator<Item = &'static str> {
    documents().into_iter().map(|(uri, _)| uri)
}

/// Adds the meta-schema documents to `schema`'s `$defs` when one of its `$ref`s or
/// `$dynamicRef`s names one of them by absolute URI; leaves it alone otherwise.
pub fn bundle(schema: &mut Value) {
    if !refers_to_meta_schema(schema, true) {
        return;
    }
    let Value::Object(root) = schema else {
        return;
    };
    let defs = root
        .entry("$defs")
        .or_insert_with(|| Value::Object(Map::new()));
    let Value::Object(defs) = defs else {
        return;
    };
    for (index, (_, document)) in documents().into_iter().enumerate() {
        defs.entry(format!("toolgen-meta-schema-{index}"))
            .or_insert_with(|| document.clone());
    }
}

fn refers_to_meta_schema(schema: &Value, is_schema: bool) -> bool {
    match schema {
        Value::Object(object) => {
            let named = is_schema
                && ["$ref", "$dynamicRef"].iter().any(|keyword| {
                    object
                        .get(*keyword)
                        .and_then(Value::as_str)
                        .is_some_and(|target| {
                            let document = target.split('#').next().unwrap_or_default();
                            uris().any(|uri| uri == document)
                        })
                });
            named
                || object.iter().any(|(key, value)| {
                    let data = matches!(key.as_str(), "enum" | "const" | "default" | "examples");
                    refers_to_meta_schema(value, is_schema && !data)
                })
        }
        Value::Array(items) => items
            .iter()
            .any(|item| refers_to_meta_schema(item, is_schema)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_a_schema_that_names_the_meta_schema_gets_it() {
        let mut plain = json!({"type": "object", "properties": {"$ref": {"const": "x"}}});
        let before = plain.clone();
        bundle(&mut plain);
        assert_eq!(plain, before);

        let mut data = json!({"const": {"$ref": "https://json-schema.org/draft/2020-12/schema"}});
        let before = data.clone();
        bundle(&mut data);
        assert_eq!(data, before, "a `$ref` inside `const` is data");

        let mut takes_a_schema = json!({
            "type": "object",
            "properties": {"schema": {"$ref": "https://json-schema.org/draft/2020-12/schema"}}
        });
        bundle(&mut takes_a_schema);
        let defs = takes_a_schema["$defs"].as_object().expect("bundled");
        assert_eq!(defs.len(), 9);
        let ids: Vec<&str> = defs.values().filter_map(|d| d["$id"].as_str()).collect();
        assert_eq!(ids, uris().collect::<Vec<_>>());
    }
}

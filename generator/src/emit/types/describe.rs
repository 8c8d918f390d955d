//! The descriptions typify turns into rustdoc: sanitized into warning-free Markdown, one for every
//! property, the roots' own paragraph, and string constraints (lengths, pattern) moved out of the
//! type into the text.

use serde_json::Value;

use super::walk::each_subschema;
use crate::docs::{self, DocOptions};

/// Leaves `minLength`, `maxLength` and `pattern` to `validate()` and the docs, so that a
/// constrained string is a `String` like any other. typify would make each one a newtype with
/// its own checked constructors and serde impls (eight impls per property), which cost more to
/// compile than anything else in a large crate and made such fields awkward to fill in, while
/// `validate()` checks the same constraints (as it does bounds on numbers, which typify does not
/// type either).
pub(super) fn untype_string_constraints(schema: &mut Value) {
    if let Value::Object(object) = schema {
        let min = object.remove("minLength");
        let max = object.remove("maxLength");
        let pattern = object.remove("pattern");
        let mut notes = Vec::new();
        match (
            min.as_ref().and_then(Value::as_u64),
            max.as_ref().and_then(Value::as_u64),
        ) {
            (Some(min), Some(max)) if min == max => notes.push(format!("exactly {}", chars(max))),
            (Some(min), Some(max)) => notes.push(format!("{min} to {}", chars(max))),
            (Some(min), None) => notes.push(format!("at least {}", chars(min))),
            (None, Some(max)) => notes.push(format!("at most {}", chars(max))),
            (None, None) => {}
        }
        if let Some(Value::String(pattern)) = &pattern {
            notes.push(format!("matches {}", docs::code(pattern)));
        }
        if !notes.is_empty() {
            let note = format!("Constraints from the schema: {}.", notes.join("; "));
            let text = match object.get("description").and_then(Value::as_str) {
                Some(text) if !text.trim().is_empty() => format!("{text}\n\n{note}"),
                _ => note,
            };
            object.insert("description".to_string(), Value::String(text));
        }
    }
    each_subschema(schema, |child| {
        untype_string_constraints(child);
        false
    });
}

fn chars(n: u64) -> String {
    if n == 1 {
        "1 character".to_string()
    } else {
        format!("{n} characters")
    }
}

/// Puts `doc` after the root schema's own description.
pub(super) fn set_root_doc(schema: &mut Value, doc: &str) {
    if let Value::Object(object) = schema {
        let own = object
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let text = if own.trim().is_empty() {
            doc.to_string()
        } else {
            format!("{own}\n\n{doc}")
        };
        object.insert("description".to_string(), Value::String(text));
    }
}

/// Rewrites every `description` in a schema into warning-free rustdoc Markdown, and gives each
/// property without one a short description of its own, so that every field is documented.
pub(super) fn sanitize_descriptions(schema: &mut Value, options: &DocOptions) {
    if let Value::Object(object) = schema {
        if let Some(Value::String(text)) = object.get_mut("description") {
            *text = docs::sanitize(text, options);
        }
        if let Some(Value::Object(properties)) = object.get_mut("properties") {
            for (name, property) in properties.iter_mut() {
                if *property == Value::Bool(true) {
                    *property = Value::Object(serde_json::Map::new());
                }
                if let Value::Object(property) = property {
                    let has_doc = property
                        .get("description")
                        .and_then(Value::as_str)
                        .is_some_and(|d| !d.trim().is_empty());
                    if !has_doc {
                        // Sanitized below with the rest; a code span passes unchanged.
                        let text = format!("The {} property.", docs::code(name));
                        property.insert("description".to_string(), Value::String(text));
                    }
                }
            }
        }
    }
    each_subschema(schema, |child| {
        sanitize_descriptions(child, options);
        false
    });
}

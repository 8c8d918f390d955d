//! Integers whose bounds do not fit `i64`: typed as `u64` or as `serde_json::Number` (through a
//! definition of a name the tool does not use), so that a valid value is never refused.

use std::collections::BTreeSet;

use serde_json::Value;

use super::walk::each_subschema;
use crate::model::Operation;

/// The name of the definition that stands for `serde_json::Number`: one no other definition of
/// the tool has.
pub(super) fn wide_integer_name(op: &Operation) -> String {
    let taken: BTreeSet<&str> = op
        .definitions
        .iter()
        .map(|(name, _)| name.as_str())
        .chain(op.local_enums.iter().map(|e| e.name.as_str()))
        .chain(op.shared_enums.iter().map(String::as_str))
        .chain(op.shared_objects.iter().map(String::as_str))
        .chain(op.external_enums.keys().map(String::as_str))
        .chain(op.aliases.keys().map(String::as_str))
        .collect();
    (1..)
        .map(|n| match n {
            1 => "WideInteger".to_string(),
            n => format!("WideInteger{n}"),
        })
        .find(|name| !taken.contains(name.as_str()))
        .unwrap_or_default()
}

/// Gives an `integer` whose bounds do not fit `i64` a type that holds them: `u64` when they
/// are not negative and fit it, otherwise `serde_json::Number` (the `$ref` to `wide_integer`,
/// which typify replaces), so that a valid value is never refused by its type. Only typify's
/// copy changes: `validate()` checks the bounds as written. An integer without bounds stays
/// `i64`, as users expect; true when a `$ref` to `wide_integer` was written.
pub(super) fn widen_integers(schema: &mut Value, wide_integer: &str) -> bool {
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    const TWO_64: f64 = 18_446_744_073_709_551_616.0;
    let mut wrote = false;
    if let Value::Object(object) = schema {
        let integer = match object.get("type") {
            Some(Value::String(t)) => t == "integer",
            Some(Value::Array(types)) => {
                types.iter().any(|t| t == "integer")
                    && types.iter().all(|t| t == "integer" || t == "null")
            }
            _ => false,
        };
        let number = |key: &str| object.get(key).filter(|v| v.is_number());
        let f = |value: &Value| value.as_f64().unwrap_or(f64::NAN);
        let (min, emin) = (number("minimum"), number("exclusiveMinimum"));
        let (max, emax) = (number("maximum"), number("exclusiveMaximum"));
        let fits_i64 = min.is_none_or(|v| v.is_i64() || f(v) >= -TWO_63)
            && emin.is_none_or(|v| v.is_i64() || f(v) >= -TWO_63)
            && max.is_none_or(|v| v.is_i64() || f(v) < TWO_63)
            && emax.is_none_or(|v| v.is_i64() || f(v) <= TWO_63);
        let not_negative = min.is_some_and(|v| f(v) > -1.0) || emin.is_some_and(|v| f(v) >= -1.0);
        let fits_u64 = not_negative
            && max.is_none_or(|v| v.is_u64() || f(v) < TWO_64)
            && emax.is_none_or(|v| v.is_u64() || f(v) <= TWO_64);
        if integer && !fits_i64 {
            for key in [
                "minimum",
                "exclusiveMinimum",
                "maximum",
                "exclusiveMaximum",
                "format",
            ] {
                object.remove(key);
            }
            if fits_u64 {
                object.insert("minimum".to_string(), Value::from(0));
            } else if object.get("type") == Some(&Value::from("integer"))
                && !["enum", "const", "$ref", "anyOf", "oneOf", "allOf"]
                    .iter()
                    .any(|key| object.contains_key(*key))
            {
                object.remove("type");
                object.remove("multipleOf");
                object.insert(
                    "$ref".to_string(),
                    Value::String(format!("#/definitions/{wide_integer}")),
                );
                wrote = true;
            }
        }
    }
    wrote | each_subschema(schema, |child| widen_integers(child, wide_integer))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::widen_integers;

    fn widened(mut schema: serde_json::Value) -> (serde_json::Value, bool) {
        let wrote = widen_integers(&mut schema, "Wide");
        (schema, wrote)
    }

    #[test]
    fn only_integers_whose_bounds_do_not_fit_i64_are_widened() {
        // Within `i64`, exactly to its ends, or without bounds: as written.
        for schema in [
            json!({"type": "integer"}),
            json!({"type": "integer", "minimum": -9_223_372_036_854_775_808_i64, "maximum": 9_223_372_036_854_775_807_i64}),
            json!({"type": "integer", "minimum": 0, "maximum": 100}),
            json!({"type": "number", "maximum": 1e30}),
        ] {
            assert_eq!(widened(schema.clone()), (schema, false));
        }
        // Not negative and within `u64`: `u64`.
        assert_eq!(
            widened(
                json!({"type": "integer", "minimum": 5, "maximum": 10_000_000_000_000_000_000_u64})
            ),
            (json!({"type": "integer", "minimum": 0}), false)
        );
        // Past both: `serde_json::Number`, also inside properties and items.
        assert_eq!(
            widened(
                json!({"type": "object", "properties": {"n": {"type": "array", "items": {"type": "integer", "maximum": 1e30, "description": "d"}}}})
            ),
            (
                json!({"type": "object", "properties": {"n": {"type": "array", "items": {"$ref": "#/definitions/Wide", "description": "d"}}}}),
                true
            )
        );
        assert_eq!(
            widened(json!({"type": "integer", "exclusiveMinimum": -1e19})),
            (json!({"$ref": "#/definitions/Wide"}), true)
        );
        // An enum keeps its own typing (its values), only without the bounds.
        assert_eq!(
            widened(json!({"type": "integer", "enum": [1, 2], "maximum": 1e30})),
            (json!({"type": "integer", "enum": [1, 2]}), false)
        );
        // Values of `enum` and `const` are data.
        let data = json!({"const": {"type": "integer", "maximum": 1e30}});
        assert_eq!(widened(data.clone()), (data, false));
    }
}

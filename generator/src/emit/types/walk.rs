//! How the schema passes of this stage walk a schema: every subschema directly below one (never
//! into data such as `enum` values, never mistaking a property name for a keyword), and removing
//! a keyword at every depth.

use serde_json::Value;

use crate::keywords::{DATA, SCHEMA_MAPS};

/// Runs `visit` on every schema directly below `schema`: an object's values (each schema of a
/// [`SCHEMA_MAPS`] keyword such as `properties`, not the map itself; never the data of a
/// [`DATA`] keyword such as `enum`) or an array's items. True when any call returned true.
pub(super) fn each_subschema(schema: &mut Value, visit: impl FnMut(&mut Value) -> bool) -> bool {
    each_subschema_except(schema, &[], visit)
}

/// Like [`each_subschema`], but leaves the values of the keywords in `skip` alone.
pub(super) fn each_subschema_except(
    schema: &mut Value,
    skip: &[&str],
    mut visit: impl FnMut(&mut Value) -> bool,
) -> bool {
    let mut any = false;
    match schema {
        Value::Object(object) => {
            for (key, child) in object.iter_mut() {
                let key = key.as_str();
                if DATA.contains(&key) || skip.contains(&key) {
                    continue;
                }
                match child {
                    Value::Object(map) if SCHEMA_MAPS.contains(&key) => {
                        for child in map.values_mut() {
                            any |= visit(child);
                        }
                    }
                    child => any |= visit(child),
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                any |= visit(item);
            }
        }
        _ => {}
    }
    any
}

/// Removes `key` from every schema object, but never a property that happens to be named so.
pub(super) fn strip_key(schema: &mut Value, key: &str) {
    if let Value::Object(object) = schema {
        object.remove(key);
    }
    each_subschema(schema, |child| {
        strip_key(child, key);
        false
    });
}

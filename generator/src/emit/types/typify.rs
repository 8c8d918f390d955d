//! typify itself: the settings a tool's conversion runs with (which names the generator's own
//! types replace), the conversion with its panics caught, and the fallback ladder that looks for
//! a simpler schema when typify rejects one.

use std::panic::{self, AssertUnwindSafe};

use ::typify::{TypeSpace, TypeSpaceImpl, TypeSpaceSettings};
use proc_macro2::TokenStream;
use serde_json::Value;

use super::walk::{each_subschema, strip_key};
use super::widen::{any_value, description_of};
use crate::model::{Operation, Provider};

/// The settings for `op`'s conversion: no builders, and every enum and object the model lifted
/// out (local, shared, external, aliased) and the wide integer replaced by the generator's own
/// type, so that typify refers to them instead of defining them again.
pub(super) fn settings(
    provider: &Provider,
    op: &Operation,
    wide_integer: &str,
) -> TypeSpaceSettings {
    let mut settings = TypeSpaceSettings::default();
    settings.with_struct_builder(false);
    let enum_impls = || [TypeSpaceImpl::FromStr, TypeSpaceImpl::Display].into_iter();
    for ty in &op.local_enums {
        settings.with_replacement(&ty.name, &ty.name, enum_impls());
    }
    let shared_path = |name: &str| {
        format!(
            "crate::{}::{}::{name}",
            provider.module, provider.shared_module
        )
    };
    for name in &op.shared_enums {
        settings.with_replacement(name, shared_path(name), enum_impls());
    }
    for name in &op.shared_objects {
        settings.with_replacement(name, shared_path(name), std::iter::empty::<TypeSpaceImpl>());
    }
    for (name, path) in &op.external_enums {
        settings.with_replacement(name, path, enum_impls());
    }
    for (alias, target) in &op.aliases {
        if op.shared_objects.contains(target) {
            settings.with_replacement(
                alias,
                shared_path(target),
                std::iter::empty::<TypeSpaceImpl>(),
            );
            continue;
        }
        let path = if let Some(path) = op.external_enums.get(target) {
            path.clone()
        } else if op.shared_enums.contains(target) {
            shared_path(target)
        } else {
            target.clone()
        };
        settings.with_replacement(alias, path, enum_impls());
    }
    settings.with_replacement(
        wide_integer,
        "::serde_json::Number",
        std::iter::empty::<TypeSpaceImpl>(),
    );
    settings
}

/// Runs typify on the named schemas; any failure, including a panic, becomes a message.
pub(super) fn convert(
    settings: &TypeSpaceSettings,
    definitions: &[(String, Value)],
) -> Result<TokenStream, String> {
    let mut schemas = Vec::with_capacity(definitions.len());
    for (name, value) in definitions {
        let schema: schemars::schema::Schema = serde_json::from_value(value.clone())
            .map_err(|err| format!("the schema `{name}` cannot be read: {err}"))?;
        schemas.push((name.clone(), schema));
    }
    match catch_panic(|| {
        let mut space = TypeSpace::new(settings);
        space.add_ref_types(schemas)?;
        Ok::<_, typify::Error>(space.to_stream())
    }) {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(err)) => Err(format!("typify cannot convert the schema: {err}")),
        Err(message) => Err(format!("typify panicked on the schema: {message}")),
    }
}

/// The fallback ladder for a schema typify rejects. It tries, in order and stopping at the first
/// that converts: the schemas without `default`s; each property of each schema, alone, as "any
/// JSON value"; each definition as "any value"; the roots as open objects. It returns the tokens
/// and (definition index, pointer inside it, what was given up).
pub(super) fn degrade(
    settings: &TypeSpaceSettings,
    definitions: &[(String, Value)],
    roots: usize,
) -> Option<(TokenStream, (usize, String, String))> {
    let mut without_defaults = definitions.to_vec();
    for (_, schema) in &mut without_defaults {
        strip_key(schema, "default");
    }
    if let Ok(tokens) = convert(settings, &without_defaults) {
        return Some((
            tokens,
            (
                0,
                String::new(),
                "its `default` values are ignored".to_string(),
            ),
        ));
    }
    // Bounded: a tool with thousands of properties gives up on the whole root sooner.
    const MAX_TRIES: usize = 256;
    let mut tries = 0;
    for (index, (_, schema)) in without_defaults.iter().enumerate() {
        let Some(Value::Object(properties)) = schema.get("properties") else {
            continue;
        };
        for name in properties.keys() {
            tries += 1;
            if tries > MAX_TRIES {
                break;
            }
            let pointer = format!("/properties/{}", crate::diagnostics::pointer_token(name));
            let mut trial = without_defaults.clone();
            if let Some(node) = trial[index].1.pointer_mut(&pointer) {
                *node = any_value(node);
            }
            if let Ok(tokens) = convert(settings, &trial) {
                let what = "this property accepts any JSON value".to_string();
                return Some((tokens, (index, pointer, what)));
            }
        }
    }
    for index in (roots..without_defaults.len()).chain(0..roots) {
        let mut trial = without_defaults.clone();
        let is_object = trial[index].1.get("type") == Some(&Value::from("object"));
        trial[index].1 = if index < roots && is_object {
            serde_json::json!({"type": "object", "description": description_of(&trial[index].1)})
        } else {
            any_value(&trial[index].1)
        };
        if let Ok(tokens) = convert(settings, &trial) {
            let what = if index < roots && is_object {
                "the arguments are typed as an open JSON object"
            } else {
                "this definition accepts any JSON value"
            };
            return Some((tokens, (index, String::new(), what.to_string())));
        }
    }
    // Last: typify panics on every enum without `type` whose values have several JSON types;
    // when several of them break one tool, each step above relaxes only one. Relax them all.
    let mut trial = without_defaults;
    let mut relaxed = false;
    for (_, schema) in &mut trial {
        relaxed |= relax_mixed_enums(schema);
    }
    if relaxed && let Ok(tokens) = convert(settings, &trial) {
        let what = "its enums whose values have several JSON types accept any JSON value";
        return Some((tokens, (0, String::new(), what.to_string())));
    }
    None
}

/// Turns every enum without `type` whose non-null values have more than one JSON type into "any
/// JSON value" (`validate()` still checks the values). Returns whether it changed anything.
fn relax_mixed_enums(schema: &mut Value) -> bool {
    let mut changed = false;
    if let Value::Object(object) = schema
        && !object.contains_key("type")
        && let Some(Value::Array(values)) = object.get("enum")
    {
        let kinds: std::collections::BTreeSet<&str> = values
            .iter()
            .filter(|v| !v.is_null())
            .map(crate::diagnostics::kind)
            .collect();
        if kinds.len() > 1 {
            object.remove("enum");
            changed = true;
        }
    }
    changed | each_subschema(schema, relax_mixed_enums)
}

/// Runs `f`, turning a panic into its message. The default hook is silenced meanwhile so that a
/// caught panic does not print a backtrace over the diagnostics.
fn catch_panic<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    panic::set_hook(hook);
    result
        .map_err(|payload| {
            payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string())
        })
        .map_err(|message| {
            // typify's messages can hold a whole schema dump; its first line says what failed.
            let first = message
                .lines()
                .next()
                .unwrap_or_default()
                .trim_end_matches('(');
            if message.contains('\n') {
                format!("{first} …")
            } else {
                first.to_string()
            }
        })
}

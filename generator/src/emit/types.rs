//! Emits one tool's types by handing its schemas to typify, with the generator's own enums
//! standing in for every string enum the model lifted out.

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{self, AssertUnwindSafe};

use proc_macro2::{TokenStream as Tokens, TokenTree};
use syn::visit_mut::{self, VisitMut};

use proc_macro2::TokenStream;
use quote::ToTokens;
use serde_json::{Map, Value};
use typify::{TypeSpace, TypeSpaceImpl, TypeSpaceSettings};

use crate::diagnostics::Diagnostic;
use crate::docs::{self, DocOptions};
use crate::model::{Operation, Provider};

/// The items typify generates for `op`, cleaned of what the runtime already provides.
pub(crate) fn tool_types(
    provider: &Provider,
    op: &Operation,
    root_docs: &[(String, String)],
    options: &DocOptions,
) -> Result<ToolTypes, Box<Diagnostic>> {
    let origin = &op.tool.origin;
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

    // Integers whose bounds reach past `i64` and `u64` are `serde_json::Number`s, through a
    // definition of a name no other definition of the tool has.
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
    let wide_integer = (1..)
        .map(|n| match n {
            1 => "WideInteger".to_string(),
            n => format!("WideInteger{n}"),
        })
        .find(|name| !taken.contains(name.as_str()))
        .unwrap_or_default();
    settings.with_replacement(
        &wide_integer,
        "::serde_json::Number",
        std::iter::empty::<TypeSpaceImpl>(),
    );
    let roots = 1 + usize::from(op.output_type.is_some());
    let base_pointer = |index: usize, name: &str| match index {
        0 => "/inputSchema".to_string(),
        1 if roots == 2 => "/outputSchema".to_string(),
        _ => format!("/inputSchema/$defs/{name}"),
    };
    // typify gets `anyOf` as `oneOf` (an untagged enum) and every object open first; when that
    // panics or fails (its merging of objects does, on some), the `anyOf` as written, then the
    // branches of unions and `allOf`s without their maps of other properties.
    let mut attempt = None;
    for (any_of_as_one_of, open_branches) in
        [(true, true), (false, true), (true, false), (false, false)]
    {
        let widening = Widening {
            any_of_as_one_of,
            open_branches,
        };
        let prepared = prepare(op, root_docs, options, widening, &wide_integer);
        let result = convert(&settings, &prepared.definitions);
        let done = result.is_ok();
        attempt = Some((prepared, result));
        if done {
            break;
        }
    }
    let Some((prepared, result)) = attempt else {
        return Err(Box::new(
            origin.diagnostic("/inputSchema", "nothing to convert"),
        ));
    };
    let Prepared {
        definitions,
        wire_names,
        nullable,
    } = prepared;

    let mut warnings = Vec::new();
    let tokens = match result {
        Ok(tokens) => tokens,
        Err(first) => {
            let (tokens, note) = degrade(&settings, &definitions, roots).ok_or_else(|| {
                origin
                    .diagnostic("/inputSchema", first.clone())
                    .with_help("no simpler form of the schema could be typed either")
            })?;
            let (index, pointer, what) = note;
            let name = &definitions[index].0;
            warnings.push(
                origin
                    .diagnostic(
                        &format!("{}{pointer}", base_pointer(index, name)),
                        format!("{first}; {what}"),
                    )
                    .with_help("the rest of the tool is typed as usual"),
            );
            tokens
        }
    };
    let file: syn::File = syn::parse2(tokens).map_err(|err| {
        origin.diagnostic(
            "/inputSchema",
            format!("typify produced code that does not parse: {err}"),
        )
    })?;
    let uses_error = file.items.iter().any(|item| {
        !matches!(item, syn::Item::Mod(m) if m.ident == "error")
            && item
                .to_token_stream()
                .to_string()
                .contains("error :: ConversionError")
    });
    let mut items = clean(file.items, uses_error);
    let mut restore = RestoreWireNames(&wire_names);
    items
        .iter_mut()
        .for_each(|item| restore.visit_item_mut(item));
    let holding_null = types_holding_null(&items);
    for item in &mut items {
        if let syn::Item::Struct(item) = item
            && let Some(keys) = nullable.get(&item.ident.to_string())
        {
            keep_null_apart(item, keys);
        }
        if let syn::Item::Struct(item) = item {
            keep_null_in_value(item, &holding_null);
        }
        if let syn::Item::Struct(item) = item {
            derive_default_with_extra(item);
            derive_default_for_map(item);
        }
    }
    super::wire::compact(&mut items);
    let mut defer = DeferCodegen;
    items.iter_mut().for_each(|item| defer.visit_item_mut(item));
    let local_names: Vec<&str> = op.local_enums.iter().map(|e| e.name.as_str()).collect();
    for item in &items {
        if let Some(name) = item_name(item)
            && local_names.contains(&name.as_str())
        {
            return Err(Box::new(origin.diagnostic(
                "/inputSchema",
                format!("the generated type name `{name}` is used twice in this tool"),
            )));
        }
    }
    Ok(ToolTypes { items, warnings })
}

/// One tool's schemas as typify gets them, with the wire names and nullable properties that the
/// output is fixed up with afterwards.
struct Prepared {
    definitions: Vec<(String, Value)>,
    wire_names: BTreeMap<String, String>,
    nullable: BTreeMap<String, BTreeSet<String>>,
}

fn prepare(
    op: &Operation,
    root_docs: &[(String, String)],
    options: &DocOptions,
    widening: Widening,
    wide_integer: &str,
) -> Prepared {
    let mut definitions: Vec<(String, Value)> = Vec::new();
    let mut wire_names = BTreeMap::new();
    let mut nullable: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut wide = false;
    for (name, schema) in &op.definitions {
        let mut schema = schema.clone();
        widen(&mut schema, widening);
        wide |= widen_integers(&mut schema, wide_integer);
        sanitize_descriptions(&mut schema, options);
        if let Some((_, doc)) = root_docs.iter().find(|(root, _)| root == name) {
            set_root_doc(&mut schema, doc);
        }
        nullable.insert(name.clone(), nullable_optional_properties(&schema));
        name_fields(&mut schema, &mut wire_names);
        // `not` has no Rust type; `validate()` enforces it instead.
        strip_key(&mut schema, "not");
        drop_untyped_assertions(&mut schema);
        untype_string_constraints(&mut schema);
        definitions.push((name.clone(), schema));
    }
    for name in op
        .local_enums
        .iter()
        .map(|e| &e.name)
        .chain(&op.shared_enums)
        .chain(&op.shared_objects)
        .chain(op.external_enums.keys())
    {
        if !definitions.iter().any(|(existing, _)| existing == name) {
            definitions.push((name.clone(), Value::Bool(true)));
        }
    }
    if wide {
        definitions.push((wide_integer.to_string(), Value::Bool(true)));
    }
    Prepared {
        definitions,
        wire_names,
        nullable,
    }
}

/// The items of one tool, and warnings about what could not be typed as written.
pub(crate) struct ToolTypes {
    pub(crate) items: Vec<syn::Item>,
    pub(crate) warnings: Vec<Diagnostic>,
}

/// Runs typify on the named schemas; any failure, including a panic, becomes a message.
fn convert(
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
fn degrade(
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

/// Runs `visit` on every schema directly below `schema`: an object's values (the schemas in
/// `properties`, `patternProperties`, `$defs` and `definitions`, not the instances in `enum`,
/// `const`, `default` and `examples`) or an array's items. True when any call returned true.
fn each_subschema(schema: &mut Value, mut visit: impl FnMut(&mut Value) -> bool) -> bool {
    let mut any = false;
    match schema {
        Value::Object(object) => {
            for (key, child) in object.iter_mut() {
                match (key.as_str(), child) {
                    ("enum" | "const" | "default" | "examples", _) => {}
                    (
                        "properties" | "patternProperties" | "$defs" | "definitions",
                        Value::Object(map),
                    ) => {
                        for child in map.values_mut() {
                            any |= visit(child);
                        }
                    }
                    (_, child) => any |= visit(child),
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

/// Gives an `integer` whose bounds do not fit `i64` a type that holds them: `u64` when they
/// are not negative and fit it, otherwise `serde_json::Number` (the `$ref` to `wide_integer`,
/// which typify replaces), so that a valid value is never refused by its type. Only typify's
/// copy changes: `validate()` checks the bounds as written. An integer without bounds stays
/// `i64`, as users expect; true when a `$ref` to `wide_integer` was written.
fn widen_integers(schema: &mut Value, wide_integer: &str) -> bool {
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

/// A schema with no `type` and nothing that shapes a value (only bounds, lengths, patterns,
/// formats...) accepts values of every type, so its Rust type is "any JSON value"; its
/// assertions are left to `validate()`. typify panics on some of these, so they are removed here.
fn drop_untyped_assertions(schema: &mut Value) {
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
    match schema {
        Value::Object(object) => {
            if !SHAPING.iter().any(|k| object.contains_key(*k)) {
                for key in ASSERTIONS {
                    object.remove(*key);
                }
            }
            for (key, child) in object.iter_mut() {
                match (key.as_str(), child) {
                    (
                        "properties" | "patternProperties" | "$defs" | "definitions",
                        Value::Object(map),
                    ) => {
                        map.values_mut().for_each(drop_untyped_assertions);
                    }
                    ("enum" | "const" | "default" | "examples", _) => {}
                    (_, child) => drop_untyped_assertions(child),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(drop_untyped_assertions),
        _ => {}
    }
}

/// Leaves `minLength`, `maxLength` and `pattern` to `validate()` and the docs, so that a
/// constrained string is a `String` like any other. typify would make each one a newtype with
/// its own checked constructors and serde impls (eight impls per property), which cost more to
/// compile than anything else in a large crate and made such fields awkward to fill in, while
/// `validate()` checks the same constraints (as it does bounds on numbers, which typify does not
/// type either).
fn untype_string_constraints(schema: &mut Value) {
    match schema {
        Value::Object(object) => {
            let min = object.remove("minLength");
            let max = object.remove("maxLength");
            let pattern = object.remove("pattern");
            let mut notes = Vec::new();
            match (
                min.as_ref().and_then(Value::as_u64),
                max.as_ref().and_then(Value::as_u64),
            ) {
                (Some(min), Some(max)) if min == max => {
                    notes.push(format!("exactly {}", chars(max)))
                }
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
            for (key, child) in object.iter_mut() {
                match (key.as_str(), child) {
                    (
                        "properties" | "patternProperties" | "$defs" | "definitions",
                        Value::Object(map),
                    ) => {
                        map.values_mut().for_each(untype_string_constraints);
                    }
                    ("enum" | "const" | "default" | "examples", _) => {}
                    (_, child) => untype_string_constraints(child),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(untype_string_constraints),
        _ => {}
    }
}

fn chars(n: u64) -> String {
    if n == 1 {
        "1 character".to_string()
    } else {
        format!("{n} characters")
    }
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
fn widen(schema: &mut Value, widening: Widening) {
    let Value::Object(object) = schema else {
        return;
    };
    // The branches of a union with a `const` discriminator stay as open or closed as they are
    // written: typify makes a tagged enum of them only without a flattened map.
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
    for (key, child) in object.iter_mut() {
        match (key.as_str(), child) {
            ("enum" | "const" | "default" | "examples", _) => {}
            ("properties" | "patternProperties" | "$defs" | "definitions", Value::Object(map)) => {
                map.values_mut().for_each(|child| widen(child, widening));
            }
            ("dependentSchemas", _) => {}
            (_, Value::Array(items)) => items.iter_mut().for_each(|child| widen(child, widening)),
            (_, child @ Value::Object(_)) => widen(child, widening),
            _ => {}
        }
    }
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
struct Widening {
    /// Type `anyOf` as `oneOf`.
    any_of_as_one_of: bool,
    /// Give the object branches of `anyOf`, `oneOf` and `allOf` a map of other properties.
    open_branches: bool,
}

/// Marks, during [`widen`], a branch whose object is left as open or closed as it is written:
/// one of a union with a `const` discriminator, or any branch when `open_branches` is off.
const TAGGED_BRANCH: &str = "x-toolgen-tagged-branch";

/// Does this schema accept every JSON value, once its annotations are set aside?
fn accepts_everything(schema: &Value) -> bool {
    match schema {
        Value::Bool(b) => *b,
        Value::Object(object) => object.keys().all(|k| {
            matches!(
                k.as_str(),
                "description"
                    | "title"
                    | "$comment"
                    | "examples"
                    | "deprecated"
                    | "readOnly"
                    | "writeOnly"
            )
        }),
        _ => false,
    }
}

/// `{}` with the original description kept, so the field stays documented.
fn any_value(schema: &Value) -> Value {
    serde_json::json!({"description": description_of(schema)})
}

fn description_of(schema: &Value) -> String {
    schema
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or("Any JSON value.")
        .to_string()
}

/// Removes `key` from every schema object, but never a property that happens to be named so.
fn strip_key(schema: &mut Value, key: &str) {
    match schema {
        Value::Object(object) => {
            object.remove(key);
            for (child_key, child) in object.iter_mut() {
                match (child_key.as_str(), child) {
                    (
                        "properties" | "patternProperties" | "$defs" | "definitions",
                        Value::Object(map),
                    ) => {
                        map.values_mut().for_each(|s| strip_key(s, key));
                    }
                    ("enum" | "const" | "examples", _) => {}
                    (_, child) => strip_key(child, key),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| strip_key(item, key)),
        _ => {}
    }
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

/// Drops what every tool module would otherwise repeat: typify's own `error` module (the
/// runtime's `ConversionError` stands in) and its `impl From<&T> for T` clones.
fn clean(items: Vec<syn::Item>, uses_error: bool) -> Vec<syn::Item> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match &item {
            syn::Item::Mod(m) if m.ident == "error" && !uses_error => {}
            syn::Item::Mod(m) if m.ident == "error" => {
                out.push(syn::parse_quote! {
                    /// Errors of the conversions below.
                    mod error {
                        pub(super) use crate::runtime::ConversionError;
                    }
                });
            }
            syn::Item::Impl(imp) if is_from_ref_clone(imp) => {}
            _ => out.push(item),
        }
    }
    // typify writes every default-value helper it might need; keep only the ones used.
    let used: String = out
        .iter()
        .filter(|item| !matches!(item, syn::Item::Mod(m) if m.ident == "defaults"))
        .map(|item| item.to_token_stream().to_string())
        .collect();
    for item in &mut out {
        if let syn::Item::Mod(m) = item
            && m.ident == "defaults"
            && let Some((_, content)) = &mut m.content
        {
            content.retain(|inner| match inner {
                // Used from code (`defaults :: f`) or from `#[serde(default = "defaults::f")]`.
                syn::Item::Fn(f) => {
                    used.contains(&format!("defaults :: {}", f.sig.ident))
                        || used.contains(&format!("\"defaults::{}\"", f.sig.ident))
                        || used.contains(&format!("\"defaults::{}::", f.sig.ident))
                }
                _ => true,
            });
        }
    }
    out.retain(|item| {
        !matches!(item, syn::Item::Mod(m) if m.ident == "defaults"
            && m.content.as_ref().is_some_and(|(_, c)| c.iter().all(|i| !matches!(i, syn::Item::Fn(_)))))
    });
    let mut fill = FillDocs;
    out.iter_mut().for_each(|item| fill.visit_item_mut(item));
    out
}

/// Marks every function `#[inline]`. A tool's types and impls are not generic, so without it
/// rustc would compile all of them to machine code in the SDK crate itself; with it, a function is
/// compiled in the crate that calls it, when it calls it. An application that uses a few tools of a
/// large provider pays for those few (the compile-cost figures in `README.md`).
struct DeferCodegen;

fn add_inline(attrs: &mut Vec<syn::Attribute>) {
    if !attrs.iter().any(|a| a.path().is_ident("inline")) {
        attrs.push(syn::parse_quote!(#[inline]));
    }
}

impl VisitMut for DeferCodegen {
    fn visit_impl_item_fn_mut(&mut self, f: &mut syn::ImplItemFn) {
        add_inline(&mut f.attrs);
        syn::visit_mut::visit_impl_item_fn_mut(self, f);
    }

    fn visit_item_fn_mut(&mut self, f: &mut syn::ItemFn) {
        add_inline(&mut f.attrs);
        syn::visit_mut::visit_item_fn_mut(self, f);
    }
}

/// Gives every public field and variant that typify left undocumented (those whose schema is a
/// bare `$ref`, and union variants) a short doc, so the crate builds under `missing_docs`.
struct FillDocs;

fn has_doc(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("doc"))
}

impl VisitMut for FillDocs {
    fn visit_field_mut(&mut self, field: &mut syn::Field) {
        if let Some(ident) = &field.ident
            && !has_doc(&field.attrs)
        {
            let name = ident.to_string();
            let flattened = field.attrs.iter().any(|a| {
                a.path().is_ident("serde") && a.to_token_stream().to_string().contains("flatten")
            });
            let doc = if name == EXTRA_FIELD && flattened {
                " Properties the schema does not name, kept as they are: they are sent, and a \
                 value read from JSON writes them back unchanged."
                    .to_string()
            } else {
                format!(" The `{}` field.", name.trim_start_matches("r#"))
            };
            field.attrs.insert(0, syn::parse_quote!(#[doc = #doc]));
        }
        visit_mut::visit_field_mut(self, field);
    }

    fn visit_variant_mut(&mut self, variant: &mut syn::Variant) {
        if !has_doc(&variant.attrs) {
            let doc = format!(" The `{}` case.", variant.ident);
            variant.attrs.insert(0, syn::parse_quote!(#[doc = #doc]));
        }
        visit_mut::visit_variant_mut(self, variant);
    }
}

fn is_from_ref_clone(imp: &syn::ItemImpl) -> bool {
    let Some((path, _)) = &imp.trait_ else {
        return false;
    };
    let Some(last) = path.segments.last() else {
        return false;
    };
    if last.ident != "From" {
        return false;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return false;
    };
    matches!(args.args.first(), Some(syn::GenericArgument::Type(syn::Type::Reference(r))) if r.elem.to_token_stream().to_string() == imp.self_ty.to_token_stream().to_string())
}

fn item_name(item: &syn::Item) -> Option<String> {
    match item {
        syn::Item::Struct(s) => Some(s.ident.to_string()),
        syn::Item::Enum(e) => Some(e.ident.to_string()),
        syn::Item::Type(t) => Some(t.ident.to_string()),
        _ => None,
    }
}

fn set_root_doc(schema: &mut Value, doc: &str) {
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
fn sanitize_descriptions(schema: &mut Value, options: &DocOptions) {
    match schema {
        Value::Object(object) => {
            for (key, value) in object.iter_mut() {
                match (key.as_str(), value) {
                    ("description", Value::String(text)) => *text = docs::sanitize(text, options),
                    ("properties", Value::Object(properties)) => {
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
                            sanitize_descriptions(property, options);
                        }
                    }
                    ("enum" | "const" | "default" | "examples", _) => {}
                    (_, child) => sanitize_descriptions(child, options),
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| sanitize_descriptions(item, options)),
        _ => {}
    }
}

/// Marks a property key whose field name the generator chose. typify turns the key into a field
/// name by dropping this character (it cannot continue an identifier), and writes the key into
/// the field's `serde(rename)`, from which [`RestoreWireNames`] puts the real key back.
const FIELD_MARK: char = '\u{1}';

/// Decides every field name through the naming policy, so that `account_id` next to `accountId`,
/// keywords and non-identifiers all get distinct, stable names. Keys whose name is the key itself
/// are left alone; the others are replaced by `<name>` + [`FIELD_MARK`], recorded in `wire_names`.
fn name_fields(schema: &mut Value, wire_names: &mut BTreeMap<String, String>) {
    match schema {
        Value::Object(object) => {
            let extra = matches!(object.get("additionalProperties"), Some(Value::Object(_)));
            if let Some(Value::Object(properties)) = object.get_mut("properties") {
                let keys: Vec<String> = properties.keys().cloned().collect();
                // Names an overlay asked for (`x-toolgen-field`, checked at load to be valid and
                // distinct) come first, then keys that already are their own name, so neither
                // ever moves. typify names the flattened map of other properties `extra`; a
                // property of that name moves aside.
                let asked: BTreeMap<String, String> = properties
                    .iter()
                    .filter_map(|(key, schema)| {
                        let name = schema.get(crate::keywords::FIELD)?.as_str()?;
                        Some((key.clone(), name.to_string()))
                    })
                    .collect();
                let own_name = |k: &String| {
                    crate::naming::snake_name(k) == *k
                        && !(extra && k == EXTRA_FIELD)
                        && !asked.contains_key(k)
                };
                let mut scope = crate::naming::Scope::default();
                let mut renamed = BTreeMap::new();
                if extra {
                    scope.claim(EXTRA_FIELD, "_");
                }
                for name in asked.values() {
                    scope.claim(name, "_");
                }
                for key in keys.iter().filter(|k| own_name(k)) {
                    scope.claim(key, "_");
                }
                let wanted = keys.iter().filter_map(|key| match asked.get(key) {
                    Some(name) if name == key => None,
                    Some(name) => Some((key, name.clone())),
                    None if own_name(key) => None,
                    None => Some((key, scope.claim(&crate::naming::snake_name(key), "_"))),
                });
                let wanted: Vec<(&String, String)> = wanted.collect();
                for (key, name) in wanted {
                    // One placeholder per wire name in the whole tool: `self` in one object and
                    // `Self` in another both want the field `self_`, so the mark is repeated.
                    let mut placeholder = format!("{name}{FIELD_MARK}");
                    while wire_names.get(&placeholder).is_some_and(|wire| wire != key) {
                        placeholder.push(FIELD_MARK);
                    }
                    wire_names.insert(placeholder.clone(), key.clone());
                    renamed.insert(key.clone(), placeholder);
                }
                if !renamed.is_empty() {
                    let old = std::mem::take(properties);
                    for (key, value) in old {
                        let key = renamed.get(&key).cloned().unwrap_or(key);
                        properties.insert(key, value);
                    }
                    if let Some(Value::Array(required)) = object.get_mut("required") {
                        for entry in required.iter_mut() {
                            if let Some(new) = entry.as_str().and_then(|k| renamed.get(k)) {
                                *entry = Value::String(new.clone());
                            }
                        }
                    }
                }
            }
            for (key, child) in object.iter_mut() {
                match (key.as_str(), child) {
                    (
                        "properties" | "patternProperties" | "$defs" | "definitions",
                        Value::Object(map),
                    ) => {
                        map.values_mut().for_each(|s| name_fields(s, wire_names));
                    }
                    ("enum" | "const" | "default" | "examples", _) => {}
                    (_, child) => name_fields(child, wire_names),
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| name_fields(item, wire_names)),
        _ => {}
    }
}

/// The name typify gives the flattened map that keeps an object's other properties.
const EXTRA_FIELD: &str = "extra";

/// typify derives `Default` only for structs whose fields are all optional, and counts the
/// flattened `extra` map as required; such a struct gets `Default` here, so that
/// `..Default::default()` still builds it.
fn derive_default_with_extra(item: &mut syn::ItemStruct) {
    let syn::Fields::Named(fields) = &item.fields else {
        return;
    };
    let mut has_extra = false;
    for field in &fields.named {
        let attrs: String = field
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("serde"))
            .map(|a| a.to_token_stream().to_string())
            .collect();
        let is_extra =
            field.ident.as_ref().is_some_and(|i| i == EXTRA_FIELD) && attrs.contains("flatten");
        let optional = field
            .ty
            .to_token_stream()
            .to_string()
            .starts_with(":: std :: option :: Option <")
            || attrs.contains("default");
        has_extra |= is_extra;
        if !is_extra && !optional {
            return;
        }
    }
    if !has_extra {
        return;
    }
    add_default(item);
}

/// typify types an object schema without properties (`{"type": "object"}`, as tools without
/// arguments declare) as a newtype over a `serde_json::Map`, without `Default`; it gets one here,
/// so that such arguments are built with `Default::default()`.
fn derive_default_for_map(item: &mut syn::ItemStruct) {
    let syn::Fields::Unnamed(fields) = &item.fields else {
        return;
    };
    let mut fields = fields.unnamed.iter();
    let (Some(field), None) = (fields.next(), fields.next()) else {
        return;
    };
    if field
        .ty
        .to_token_stream()
        .to_string()
        .starts_with(":: serde_json :: Map <")
    {
        add_default(item);
    }
}

fn add_default(item: &mut syn::ItemStruct) {
    for attr in &mut item.attrs {
        if attr.path().is_ident("derive")
            && let syn::Meta::List(list) = &mut attr.meta
        {
            let text = list.tokens.to_string();
            if !text.split(',').any(|d| d.trim() == "Default") {
                let tokens = &list.tokens;
                list.tokens = quote::quote!(#tokens, Default);
            }
            return;
        }
    }
}

/// Puts the real property keys back into the string literals typify wrote from placeholders.
struct RestoreWireNames<'a>(&'a BTreeMap<String, String>);

impl RestoreWireNames<'_> {
    fn tokens(&self, tokens: Tokens) -> Tokens {
        tokens
            .into_iter()
            .map(|tree| match tree {
                TokenTree::Literal(literal) => {
                    let lit =
                        syn::parse2::<syn::LitStr>(TokenTree::Literal(literal.clone()).into());
                    match lit.ok().and_then(|l| self.0.get(&l.value())) {
                        Some(key) => TokenTree::Literal(proc_macro2::Literal::string(key)),
                        None => TokenTree::Literal(literal),
                    }
                }
                TokenTree::Group(group) => {
                    let mut new =
                        proc_macro2::Group::new(group.delimiter(), self.tokens(group.stream()));
                    new.set_span(group.span());
                    TokenTree::Group(new)
                }
                other => other,
            })
            .collect()
    }
}

impl VisitMut for RestoreWireNames<'_> {
    fn visit_attribute_mut(&mut self, attr: &mut syn::Attribute) {
        if let syn::Meta::List(list) = &mut attr.meta {
            list.tokens = self.tokens(std::mem::take(&mut list.tokens));
        }
        visit_mut::visit_attribute_mut(self, attr);
    }

    fn visit_lit_str_mut(&mut self, lit: &mut syn::LitStr) {
        if let Some(key) = self.0.get(&lit.value()) {
            *lit = syn::LitStr::new(key, lit.span());
        }
    }
}

/// The properties of an object schema that are optional and may be `null`: for them, sending
/// `null` and leaving the property out are different requests (`null` often clears a value).
fn nullable_optional_properties(schema: &Value) -> BTreeSet<String> {
    let Some(Value::Object(properties)) = schema.get("properties") else {
        return BTreeSet::new();
    };
    let required: BTreeSet<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    properties
        .iter()
        .filter(|(key, property)| !required.contains(key.as_str()) && allows_null(property))
        .map(|(key, _)| key.clone())
        .collect()
}

fn allows_null(schema: &Value) -> bool {
    let null = Value::from("null");
    match schema.get("type") {
        Some(Value::Array(types)) if types.contains(&null) => return true,
        Some(t) if *t == null => return true,
        _ => {}
    }
    ["anyOf", "oneOf"].iter().any(|key| {
        schema
            .get(*key)
            .and_then(Value::as_array)
            .is_some_and(|branches| branches.iter().any(|b| b.get("type") == Some(&null)))
    })
}

/// Turns `Option<T>` into `Option<Option<T>>` for the fields in `keys` (by wire name): `None`
/// leaves the property out, `Some(None)` sends `null`.
fn keep_null_apart(item: &mut syn::ItemStruct, keys: &BTreeSet<String>) {
    let syn::Fields::Named(fields) = &mut item.fields else {
        return;
    };
    for field in &mut fields.named {
        let Some(ident) = &field.ident else { continue };
        let attrs = field
            .attrs
            .iter()
            .map(|a| a.to_token_stream().to_string())
            .collect::<String>();
        let wire = serde_rename(&field.attrs)
            .unwrap_or_else(|| ident.to_string().trim_start_matches("r#").to_string());
        let is_option = field
            .ty
            .to_token_stream()
            .to_string()
            .starts_with(":: std :: option :: Option <");
        if !keys.contains(&wire) || !is_option || !attrs.contains("skip_serializing_if") {
            continue;
        }
        let inner = field.ty.clone();
        field.ty = syn::parse_quote!(::std::option::Option<#inner>);
        field.attrs.push(syn::parse_quote!(
            #[serde(default, deserialize_with = "crate::runtime::nullable::deserialize")]
        ));
        let doc = " `None` leaves the property out; `Some(None)` sends `null`.";
        let at = field
            .attrs
            .iter()
            .rposition(|a| a.path().is_ident("doc"))
            .map_or(0, |i| i + 1);
        field.attrs.insert(at, syn::parse_quote!(#[doc = #doc]));
        field.attrs.insert(at, syn::parse_quote!(#[doc = ""]));
    }
}

/// The names of the types among `items` that read `null` as a value of their own: newtypes and
/// aliases of `serde_json::Value`, of an `Option` or of another such type, and untagged enums
/// with a variant that does (typify's type for a `$ref` to any value, or to a nullable schema).
fn types_holding_null(items: &[syn::Item]) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    // Each round adds the types that hold one found in the round before; nesting is shallow.
    loop {
        let before = found.len();
        for item in items {
            let (name, holds) = match item {
                syn::Item::Struct(item) => match &item.fields {
                    syn::Fields::Unnamed(fields) if fields.unnamed.len() == 1 => (
                        &item.ident,
                        fields
                            .unnamed
                            .first()
                            .is_some_and(|field| holds_null(&field.ty, &found)),
                    ),
                    _ => continue,
                },
                syn::Item::Type(item) => (&item.ident, holds_null(&item.ty, &found)),
                syn::Item::Enum(item) if is_untagged(&item.attrs) => (
                    &item.ident,
                    item.variants.iter().any(|variant| match &variant.fields {
                        syn::Fields::Unit => true,
                        syn::Fields::Unnamed(fields) if fields.unnamed.len() == 1 => fields
                            .unnamed
                            .first()
                            .is_some_and(|field| holds_null(&field.ty, &found)),
                        _ => false,
                    }),
                ),
                _ => continue,
            };
            if holds {
                found.insert(name.to_string());
            }
        }
        if found.len() == before {
            return found;
        }
    }
}

/// Whether deserializing `ty` from `null` gives a value: `serde_json::Value`, `Option<_>`, `()`,
/// a `Box` of such a type, or one of the local types in `found`.
fn holds_null(ty: &syn::Type, found: &BTreeSet<String>) -> bool {
    match ty {
        syn::Type::Tuple(tuple) => tuple.elems.is_empty(),
        syn::Type::Path(path) if path.qself.is_none() => {
            let Some(last) = path.path.segments.last() else {
                return false;
            };
            let name = last.ident.to_string();
            let segments = path.path.segments.len();
            match name.as_str() {
                "Value" => path
                    .path
                    .segments
                    .iter()
                    .any(|segment| segment.ident == "serde_json"),
                "Option" => true,
                "Box" => match &last.arguments {
                    syn::PathArguments::AngleBracketed(args) => {
                        args.args.iter().any(|arg| match arg {
                            syn::GenericArgument::Type(inner) => holds_null(inner, found),
                            _ => false,
                        })
                    }
                    _ => false,
                },
                _ => segments == 1 && found.contains(&name),
            }
        }
        _ => false,
    }
}

fn is_untagged(attrs: &[syn::Attribute]) -> bool {
    super::wire::serde_args(attrs).is_some_and(|args| args.iter().any(|(key, _)| key == "untagged"))
}

/// For optional fields whose type reads `null` as a value of its own (`Option<serde_json::Value>`,
/// `Option<T>` for a `$ref` to a nullable or untyped schema), reads a present `null` into that
/// type (`Some(Value::Null)`), where serde would read it as `None` and the property would then
/// be left out when written back: `null` and absent are different arguments.
fn keep_null_in_value(item: &mut syn::ItemStruct, holding_null: &BTreeSet<String>) {
    let syn::Fields::Named(fields) = &mut item.fields else {
        return;
    };
    for field in &mut fields.named {
        let Some(args) = super::wire::serde_args(&field.attrs) else {
            continue;
        };
        let skips_none = args.iter().any(|(key, value)| {
            key == "skip_serializing_if" && value.as_deref().is_some_and(|v| v.ends_with("is_none"))
        });
        if !skips_none || args.iter().any(|(key, _)| key == "deserialize_with") {
            continue;
        }
        let inner = option_argument(&field.ty);
        if !inner.is_some_and(|inner| holds_null(inner, holding_null)) {
            continue;
        }
        field.attrs.push(syn::parse_quote!(
            #[serde(deserialize_with = "crate::runtime::nullable::some")]
        ));
        if !args.iter().any(|(key, _)| key == "default") {
            field.attrs.push(syn::parse_quote!(#[serde(default)]));
        }
    }
}

/// `T` when `ty` is `Option<T>`.
fn option_argument(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(inner) if args.args.len() == 1 => Some(inner),
        _ => None,
    }
}

/// The value of a field's `#[serde(rename = "...")]`, if it has one.
fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    super::wire::serde_args(attrs)?
        .into_iter()
        .find_map(|(key, value)| if key == "rename" { value } else { None })
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

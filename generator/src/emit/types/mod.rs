//! A tool's types: hands its schemas to typify, with the generator's own enums standing in for
//! every string enum the model lifted out, and fixes up what typify writes. This file orders the
//! steps; each step is a module of its own.

mod constructors;
mod describe;
mod fields;
mod integers;
mod nulls;
mod passes;
mod typify;
mod walk;
mod widen;

use std::collections::{BTreeMap, BTreeSet};

use quote::ToTokens;
use serde_json::Value;
use syn::visit_mut::VisitMut;

use self::widen::Widening;
use crate::diagnostics::Diagnostic;
use crate::docs::DocOptions;
use crate::model::{Operation, Provider};

/// The items typify generates for `op`, cleaned of what the runtime already provides.
pub(crate) fn tool_types(
    provider: &Provider,
    op: &Operation,
    root_docs: &[(String, String)],
    options: &DocOptions,
) -> Result<ToolTypes, Box<Diagnostic>> {
    let origin = &op.tool.origin;
    let wide_integer = integers::wide_integer_name(op);
    let settings = typify::settings(provider, op, &wide_integer);
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
        let result = typify::convert(&settings, &prepared.definitions);
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
            let (tokens, note) =
                typify::degrade(&settings, &definitions, roots).ok_or_else(|| {
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
    let mut items = passes::clean(file.items, uses_error);
    let mut restore = fields::RestoreWireNames(&wire_names);
    items
        .iter_mut()
        .for_each(|item| restore.visit_item_mut(item));
    let holding_null = nulls::types_holding_null(&items);
    for item in &mut items {
        if let syn::Item::Struct(item) = item
            && let Some(keys) = nullable.get(&item.ident.to_string())
        {
            nulls::keep_null_apart(item, keys);
        }
        if let syn::Item::Struct(item) = item {
            nulls::keep_null_in_value(item, &holding_null);
        }
        if let syn::Item::Struct(item) = item {
            constructors::plain_integers(item);
            constructors::non_exhaustive(item);
            passes::derive_default_with_extra(item);
            passes::derive_default_for_map(item);
        }
    }
    let constructible = items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(item) => {
                Some((item.ident.to_string(), constructors::required_fields(item)?))
            }
            _ => None,
        })
        .collect();
    let built: Vec<syn::Item> = items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(item) => Some(constructors::constructors(item)),
            _ => None,
        })
        .flatten()
        .collect();
    items.extend(built);
    super::wire::compact(&mut items);
    let mut defer = passes::DeferCodegen;
    items.iter_mut().for_each(|item| defer.visit_item_mut(item));
    let local_names: Vec<&str> = op.local_enums.iter().map(|e| e.name.as_str()).collect();
    for item in &items {
        if let Some(name) = passes::item_name(item)
            && local_names.contains(&name.as_str())
        {
            return Err(Box::new(origin.diagnostic(
                "/inputSchema",
                format!("the generated type name `{name}` is used twice in this tool"),
            )));
        }
    }
    Ok(ToolTypes {
        items,
        warnings,
        constructible,
    })
}

/// One tool's schemas as typify gets them, with the wire names and nullable properties that the
/// output is fixed up with afterwards.
struct Prepared {
    definitions: Vec<(String, Value)>,
    wire_names: BTreeMap<String, String>,
    nullable: BTreeMap<String, BTreeSet<String>>,
}

/// `op`'s definitions as typify gets them: widened as `widening` says, documented, with the
/// generator's field names, and with a stand-in definition for each type replaced.
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
        widen::widen(&mut schema, widening);
        wide |= integers::widen_integers(&mut schema, wide_integer);
        describe::sanitize_descriptions(&mut schema, options);
        if let Some((_, doc)) = root_docs.iter().find(|(root, _)| root == name) {
            describe::set_root_doc(&mut schema, doc);
        }
        nullable.insert(name.clone(), nulls::nullable_optional_properties(&schema));
        fields::name_fields(&mut schema, &mut wire_names);
        // `not` has no Rust type; `validate()` enforces it instead.
        walk::strip_key(&mut schema, "not");
        widen::drop_untyped_assertions(&mut schema);
        describe::untype_string_constraints(&mut schema);
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
    /// Each struct that has a `new`: its required fields' types and property names, in order.
    pub(crate) constructible: BTreeMap<String, Vec<(syn::Type, String)>>,
}

//! `null` kept apart from absent: optional nullable properties become `Option<Option<T>>`, and
//! optional fields whose type reads `null` as a value of its own read a present `null` into it.

use std::collections::BTreeSet;

use quote::ToTokens;
use serde_json::Value;

use crate::emit::wire::serde_args;

/// The properties of an object schema that are optional and may be `null`: for them, sending
/// `null` and leaving the property out are different requests (`null` often clears a value).
pub(super) fn nullable_optional_properties(schema: &Value) -> BTreeSet<String> {
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
pub(super) fn keep_null_apart(item: &mut syn::ItemStruct, keys: &BTreeSet<String>) {
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
pub(super) fn types_holding_null(items: &[syn::Item]) -> BTreeSet<String> {
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
    serde_args(attrs).is_some_and(|args| args.iter().any(|(key, _)| key == "untagged"))
}

/// For optional fields whose type reads `null` as a value of its own (`Option<serde_json::Value>`,
/// `Option<T>` for a `$ref` to a nullable or untyped schema), reads a present `null` into that
/// type (`Some(Value::Null)`), where serde would read it as `None` and the property would then
/// be left out when written back: `null` and absent are different arguments.
pub(super) fn keep_null_in_value(item: &mut syn::ItemStruct, holding_null: &BTreeSet<String>) {
    let syn::Fields::Named(fields) = &mut item.fields else {
        return;
    };
    for field in &mut fields.named {
        let Some(args) = serde_args(&field.attrs) else {
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
    serde_args(attrs)?
        .into_iter()
        .find_map(|(key, value)| if key == "rename" { value } else { None })
}

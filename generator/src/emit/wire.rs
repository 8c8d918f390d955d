//! Compact `Serialize`/`Deserialize` impls for the structs and untagged enums typify writes.
//!
//! serde's derive expands every struct into a field enum, a visitor with a map and a sequence
//! form, and generic code per serializer; in a crate of a thousand tools that expansion is most
//! of the build (measured in `README.md`, "Compile cost"). A struct whose serde attributes are all
//! of the kinds below gets two short impls instead, which read and write it field by field through
//! the runtime's `wire` module (`runtime/src/wire.rs`): one non-generic function per
//! direction, and generic code only in the runtime, shared by every type. Anything else (other
//! attributes, tuple structs, several flattened fields, other enums) keeps serde's derive, so an
//! unusual shape costs build time, never correctness. An `#[serde(untagged)]` enum whose variants
//! each hold one value is read by trying its variants in order on the buffered JSON value, as
//! serde's derive does (`runtime::wire::untagged`).
//!
//! Supported: container `deny_unknown_fields`; field `rename`, `default`, `default = "f"`,
//! `skip_serializing_if = "f"`, `deserialize_with = "f"` (with `default`), and one `flatten`
//! field that keeps the properties the other fields do not name; at most 128 fields.

use proc_macro2::{TokenStream, TokenTree};
use quote::quote;

/// The most fields a struct may have for the compact impls.
const MAX_FIELDS: usize = 128;

/// Replaces serde's derive on every struct in `items` that can be written compactly.
pub(crate) fn compact(items: &mut Vec<syn::Item>) {
    let mut out = Vec::with_capacity(items.len());
    for mut item in items.drain(..) {
        let mut impls = Vec::new();
        if let syn::Item::Struct(item) = &mut item
            && let Some(plan) = Plan::of(item)
        {
            impls = plan.impls(item);
            strip(item);
        }
        if let syn::Item::Enum(item) = &mut item
            && let Some(variants) = untagged_newtypes(item)
        {
            impls = untagged_impls(&item.ident, &variants);
            item.attrs.retain(|a| !a.path().is_ident("serde"));
            strip_derives(&mut item.attrs);
        }
        out.push(item);
        out.extend(impls);
    }
    *items = out;
}

/// What one field needs.
struct Field {
    ident: syn::Ident,
    wire: String,
    default: Fallback,
    skip_if: Option<syn::ExprPath>,
    deserialize_with: Option<syn::ExprPath>,
    flatten: bool,
}

/// What an absent property becomes.
enum Fallback {
    None,
    Trait,
    Path(syn::ExprPath),
}

struct Plan {
    fields: Vec<Field>,
    deny_unknown: bool,
    serialize: bool,
    deserialize: bool,
}

impl Plan {
    /// The plan for `item`, or `None` when serde's derive must stay.
    fn of(item: &syn::ItemStruct) -> Option<Self> {
        let (serialize, deserialize) = derives(&item.attrs);
        if !(serialize || deserialize) || !item.generics.params.is_empty() {
            return None;
        }
        let syn::Fields::Named(named) = &item.fields else {
            return None;
        };
        let mut deny_unknown = false;
        for (key, value) in serde_args(&item.attrs)? {
            match (key.as_str(), value) {
                ("deny_unknown_fields", None) => deny_unknown = true,
                _ => return None,
            }
        }
        let mut fields = Vec::new();
        for field in &named.named {
            let ident = field.ident.clone()?;
            let mut out = Field {
                wire: ident.to_string().trim_start_matches("r#").to_string(),
                ident,
                default: Fallback::None,
                skip_if: None,
                deserialize_with: None,
                flatten: false,
            };
            for (key, value) in serde_args(&field.attrs)? {
                match (key.as_str(), value) {
                    ("rename", Some(value)) => out.wire = value,
                    ("default", None) => out.default = Fallback::Trait,
                    ("default", Some(path)) => out.default = Fallback::Path(path_of(&path)?),
                    ("skip_serializing_if", Some(path)) => out.skip_if = Some(path_of(&path)?),
                    ("deserialize_with", Some(path)) => {
                        out.deserialize_with = Some(path_of(&path)?);
                    }
                    ("flatten", None) => out.flatten = true,
                    _ => return None,
                }
            }
            if out.deserialize_with.is_some() && matches!(out.default, Fallback::None) {
                return None;
            }
            if out.flatten
                && (out.deserialize_with.is_some() || !matches!(out.default, Fallback::None))
            {
                return None;
            }
            fields.push(out);
        }
        // The read matches one tuple of every field; past this size serde's derive is kept.
        if fields.len() > MAX_FIELDS {
            return None;
        }
        let flattened = fields.iter().filter(|f| f.flatten).count();
        if flattened > 1 || (flattened == 1 && deny_unknown) {
            return None;
        }
        // Two fields on one wire name would need serde's own rules.
        let mut names: Vec<&str> = fields
            .iter()
            .filter(|f| !f.flatten)
            .map(|f| f.wire.as_str())
            .collect();
        names.sort_unstable();
        if names.windows(2).any(|w| w[0] == w[1]) {
            return None;
        }
        Some(Self {
            fields,
            deny_unknown,
            serialize,
            deserialize,
        })
    }

    /// The runtime's `wire_struct!` call for a struct whose fields are all of the kinds it
    /// knows (every struct typify writes for a plain object), or `None`.
    fn macro_call(&self, name: &syn::Ident) -> Option<syn::Item> {
        if !(self.serialize && self.deserialize) || self.fields.is_empty() {
            return None;
        }
        let (rest, fields) = match self.fields.split_last() {
            Some((last, others)) if last.flatten => (Some(&last.ident), others),
            _ => (None, self.fields.as_slice()),
        };
        let mut entries = Vec::with_capacity(fields.len());
        for field in fields {
            let kind = match (&field.skip_if, &field.default, &field.deserialize_with) {
                (_, _, Some(_)) => return None,
                _ if field.flatten => return None,
                (None, Fallback::None, None) => "field",
                // An `Option` reads absent and `null` as `None` with or without `default`.
                (Some(path), Fallback::None | Fallback::Trait, None) if is_option_is_none(path) => {
                    "some"
                }
                (None, Fallback::Trait, None) => "or_default",
                _ => return None,
            };
            let kind = quote::format_ident!("{kind}");
            let (ident, wire) = (&field.ident, &field.wire);
            entries.push(quote!(#ident.#kind(#wire),));
        }
        let rest = rest.map(|rest| quote!(..#rest));
        let deny = self.deny_unknown.then(|| quote!(deny_unknown));
        Some(syn::parse_quote! {
            crate::runtime::macros::wire_struct! {
                #name { #(#entries)* #rest } #deny
            }
        })
    }

    fn impls(&self, item: &syn::ItemStruct) -> Vec<syn::Item> {
        let name = &item.ident;
        if let Some(call) = self.macro_call(name) {
            return vec![call];
        }
        let mut out = Vec::new();
        if self.serialize {
            let writes = self.fields.iter().map(|field| {
                let ident = &field.ident;
                let wire = &field.wire;
                let write = if field.flatten {
                    quote!(out.flatten(&this.#ident);)
                } else {
                    quote!(out.field(#wire, &this.#ident);)
                };
                match &field.skip_if {
                    Some(path) if !field.flatten && is_option_is_none(path) => {
                        quote!(out.some(#wire, &this.#ident);)
                    }
                    Some(path) => quote!(if !#path(&this.#ident) { #write }),
                    None => write,
                }
            });
            let body = if self.fields.is_empty() {
                quote! {
                    let _ = this;
                    ::std::result::Result::Ok(::serde_json::Map::new())
                }
            } else {
                quote! {
                    let mut out = crate::runtime::wire::Writer::new();
                    #(#writes)*
                    out.finish()
                }
            };
            out.push(syn::parse_quote! {
                impl ::serde::Serialize for #name {
                    fn serialize<__S: ::serde::Serializer>(
                        &self,
                        serializer: __S,
                    ) -> ::std::result::Result<__S::Ok, __S::Error> {
                        fn write(this: &#name) -> crate::runtime::wire::Written {
                            #body
                        }
                        crate::runtime::wire::serialize(write(self), serializer)
                    }
                }
            });
        }
        if self.deserialize {
            // Each field is read into a local `Option` (`None` after an error, which the reader
            // keeps); the flattened field takes what is left, so it is read last.
            let ordered: Vec<&Field> = self
                .fields
                .iter()
                .filter(|f| !f.flatten)
                .chain(self.fields.iter().filter(|f| f.flatten))
                .collect();
            let locals: Vec<syn::Ident> = (0..ordered.len())
                .map(|i| quote::format_ident!("f{i}"))
                .collect();
            let reads = ordered.iter().map(|field| {
                let wire = &field.wire;
                match (&field.deserialize_with, &field.default, field.flatten) {
                    (_, _, true) => quote!(input.rest()),
                    (None, Fallback::None, _) => quote!(input.field(#wire)),
                    (None, Fallback::Trait, _) => quote!(input.or_default(#wire)),
                    (None, Fallback::Path(path), _) => quote!(input.or_else(#wire, #path)),
                    (Some(with), Fallback::Trait, _) => {
                        quote!(input.with_or_default(#wire, #with))
                    }
                    (Some(with), Fallback::Path(path), _) => {
                        quote!(input.with_or_else(#wire, #with, #path))
                    }
                    // `Plan::of` keeps serde's derive for this one.
                    (Some(_), Fallback::None, _) => quote!(::std::option::Option::None),
                }
            });
            let idents = ordered.iter().map(|f| &f.ident);
            let known = self.fields.iter().filter(|f| !f.flatten).map(|f| &f.wire);
            let deny = self.deny_unknown.then(|| quote!(input.deny_unknown();));
            let body: TokenStream = if ordered.is_empty() {
                quote! {
                    #deny
                    let _ = input;
                    ::std::option::Option::Some(#name {})
                }
            } else {
                quote! {
                    #(let #locals = #reads;)*
                    #deny
                    match (#(#locals,)*) {
                        (#(::std::option::Option::Some(#locals),)*) => {
                            ::std::option::Option::Some(#name { #(#idents: #locals,)* })
                        }
                        _ => ::std::option::Option::None,
                    }
                }
            };
            out.push(syn::parse_quote! {
                impl<'de> ::serde::Deserialize<'de> for #name {
                    fn deserialize<__D: ::serde::Deserializer<'de>>(
                        deserializer: __D,
                    ) -> ::std::result::Result<Self, __D::Error> {
                        fn read(input: &mut crate::runtime::wire::Reader) -> ::std::option::Option<#name> {
                            #body
                        }
                        crate::runtime::wire::deserialize(deserializer, &[#(#known),*], read)
                    }
                }
            });
        }
        out
    }
}

/// Whether the item derives `Serialize` and `Deserialize`.
fn derives(attrs: &[syn::Attribute]) -> (bool, bool) {
    let mut found = (false, false);
    for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
        let _ = attr.parse_nested_meta(|meta| {
            match meta
                .path
                .segments
                .last()
                .map(|s| s.ident.to_string())
                .as_deref()
            {
                Some("Serialize") => found.0 = true,
                Some("Deserialize") => found.1 = true,
                _ => {}
            }
            Ok(())
        });
    }
    found
}

/// The `key` or `key = "value"` entries of every `#[serde(...)]` attribute, or `None` when one
/// has another form.
pub(super) fn serde_args(attrs: &[syn::Attribute]) -> Option<Vec<(String, Option<String>)>> {
    let mut out = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let syn::Meta::List(list) = &attr.meta else {
            return None;
        };
        let mut tokens = list.tokens.clone().into_iter().peekable();
        while let Some(tree) = tokens.next() {
            let TokenTree::Ident(key) = tree else {
                return None;
            };
            let value = match tokens.peek() {
                Some(TokenTree::Punct(p)) if p.as_char() == '=' => {
                    tokens.next();
                    let Some(TokenTree::Literal(literal)) = tokens.next() else {
                        return None;
                    };
                    let lit: syn::LitStr = syn::parse2(TokenTree::Literal(literal).into()).ok()?;
                    Some(lit.value())
                }
                _ => None,
            };
            out.push((key.to_string(), value));
            match tokens.next() {
                None => {}
                Some(TokenTree::Punct(p)) if p.as_char() == ',' => {}
                Some(_) => return None,
            }
        }
    }
    Some(out)
}

/// Whether `path` is `Option::is_none`, which typify puts on every optional field.
fn is_option_is_none(path: &syn::ExprPath) -> bool {
    let names: Vec<String> = path
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    names.ends_with(&["Option".to_string(), "is_none".to_string()])
}

fn path_of(text: &str) -> Option<syn::ExprPath> {
    syn::parse_str(text).ok()
}

/// The variants of an `#[serde(untagged)]` enum that derives both serde traits and has only
/// one-field tuple variants without attributes of their own; `None` for any other enum.
fn untagged_newtypes(item: &syn::ItemEnum) -> Option<Vec<syn::Ident>> {
    if derives(&item.attrs) != (true, true) || !item.generics.params.is_empty() {
        return None;
    }
    let args = serde_args(&item.attrs)?;
    if args.len() != 1 || args[0] != ("untagged".to_string(), None) {
        return None;
    }
    item.variants
        .iter()
        .map(|variant| {
            let syn::Fields::Unnamed(fields) = &variant.fields else {
                return None;
            };
            let plain = fields.unnamed.len() == 1
                && variant.attrs.iter().all(|a| !a.path().is_ident("serde"))
                && fields
                    .unnamed
                    .iter()
                    .all(|f| f.attrs.iter().all(|a| !a.path().is_ident("serde")));
            plain.then(|| variant.ident.clone())
        })
        .collect()
}

/// serde's untagged rules in two short impls: a variant is written as its value, and read by
/// trying the variants in order on the buffered value (`runtime::wire::untagged`).
fn untagged_impls(name: &syn::Ident, variants: &[syn::Ident]) -> Vec<syn::Item> {
    let type_name = name.to_string();
    vec![
        syn::parse_quote! {
            impl ::serde::Serialize for #name {
                fn serialize<__S: ::serde::Serializer>(
                    &self,
                    serializer: __S,
                ) -> ::std::result::Result<__S::Ok, __S::Error> {
                    match self {
                        #(Self::#variants(value) => ::serde::Serialize::serialize(value, serializer),)*
                    }
                }
            }
        },
        syn::parse_quote! {
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<__D: ::serde::Deserializer<'de>>(
                    deserializer: __D,
                ) -> ::std::result::Result<Self, __D::Error> {
                    fn read(value: &::serde_json::Value) -> ::std::option::Option<#name> {
                        #(
                            if let ::std::result::Result::Ok(value) = ::serde::Deserialize::deserialize(value) {
                                return ::std::option::Option::Some(#name::#variants(value));
                            }
                        )*
                        ::std::option::Option::None
                    }
                    crate::runtime::wire::untagged(deserializer, #type_name, read)
                }
            }
        },
    ]
}

/// Drops serde's derive and attributes from a struct whose impls are now written out.
fn strip(item: &mut syn::ItemStruct) {
    item.attrs.retain(|a| !a.path().is_ident("serde"));
    strip_derives(&mut item.attrs);
    if let syn::Fields::Named(named) = &mut item.fields {
        for field in &mut named.named {
            field.attrs.retain(|a| !a.path().is_ident("serde"));
        }
    }
}

/// Removes `Serialize` and `Deserialize` from `#[derive(...)]`, and the attribute when nothing is
/// left in it.
fn strip_derives(attrs: &mut Vec<syn::Attribute>) {
    for attr in attrs.iter_mut() {
        if !attr.path().is_ident("derive") {
            continue;
        }
        let Ok(paths) = attr.parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        ) else {
            continue;
        };
        let kept: Vec<&syn::Path> = paths
            .iter()
            .filter(|p| {
                !matches!(
                    p.segments.last().map(|s| s.ident.to_string()).as_deref(),
                    Some("Serialize" | "Deserialize")
                )
            })
            .collect();
        *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
    }
    attrs.retain(|a| {
        !(a.path().is_ident("derive")
            && matches!(&a.meta, syn::Meta::List(l) if l.tokens.is_empty()))
    });
}

#[cfg(test)]
mod tests {
    use quote::ToTokens;

    use super::compact;

    fn run(item: syn::Item) -> String {
        let mut items = vec![item];
        compact(&mut items);
        items
            .iter()
            .map(|i| i.to_token_stream().to_string())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn known_attributes_become_short_impls() {
        let out = run(syn::parse_quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
            #[serde(deny_unknown_fields)]
            pub struct S {
                #[serde(rename = "a-b", default, skip_serializing_if = "::std::option::Option::is_none")]
                pub a_b: Option<i64>,
                #[serde(default = "defaults::c")]
                pub c: i64,
            }
        });
        let structure = out.lines().next().expect("the struct");
        assert!(
            !structure.contains("serde"),
            "no derive and no serde attributes left: {structure}"
        );
        assert!(out.contains("# [derive (Clone , Debug)]"), "{out}");
        assert!(out.contains("out . some (\"a-b\" , & this . a_b)"), "{out}");
        assert!(
            out.contains("input . or_else (\"c\" , defaults :: c)"),
            "{out}"
        );
        assert!(out.contains("input . deny_unknown ()"), "{out}");
    }

    #[test]
    fn plain_structs_become_one_runtime_macro_call() {
        let out = run(syn::parse_quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
            #[serde(deny_unknown_fields)]
            pub struct S {
                pub id: String,
                #[serde(default, skip_serializing_if = "::std::option::Option::is_none")]
                pub note: Option<String>,
                #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                pub size: Option<i64>,
                #[serde(rename = "r#type", default)]
                pub kind: Vec<String>,
            }
        });
        assert!(out.contains(
            "wire_struct ! { S { id . field (\"id\") , note . some (\"note\") , size . some (\"size\") , kind . or_default (\"r#type\") , } deny_unknown }"
        ), "{out}");
        assert!(!out.contains("impl"), "{out}");
        let rest = run(syn::parse_quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize)]
            pub struct R {
                pub id: String,
                #[serde(flatten)]
                pub extra: ::serde_json::Map<String, ::serde_json::Value>,
            }
        });
        assert!(
            rest.contains("R { id . field (\"id\") , .. extra }"),
            "{rest}"
        );
    }

    #[test]
    fn shapes_the_macro_lacks_are_spelled_out() {
        let default_path = run(syn::parse_quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize)]
            pub struct S {
                #[serde(default = "defaults::c")]
                pub c: i64,
            }
        });
        let flatten_first = run(syn::parse_quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize)]
            pub struct F {
                #[serde(flatten)]
                pub extra: ::serde_json::Map<String, ::serde_json::Value>,
                pub id: String,
            }
        });
        let serialize_only = run(syn::parse_quote! {
            #[derive(::serde::Serialize)]
            pub struct W { pub id: String }
        });
        for out in [default_path, flatten_first, serialize_only] {
            assert!(!out.contains("wire_struct"), "{out}");
            assert!(out.contains("impl :: serde :: Serialize for"), "{out}");
        }
    }

    #[test]
    fn other_shapes_keep_the_derive() {
        let unknown_attribute: syn::Item = syn::parse_quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize)]
            pub struct S {
                #[serde(alias = "x")]
                pub a: i64,
            }
        };
        let tuple: syn::Item = syn::parse_quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize)]
            #[serde(transparent)]
            pub struct T(String);
        };
        let struct_variant: syn::Item = syn::parse_quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize)]
            #[serde(untagged)]
            pub enum U { A(i64), B { b: String } }
        };
        let fields = (0..=super::MAX_FIELDS).map(|i| quote::format_ident!("f{i}"));
        let wide: syn::Item = syn::parse_quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize)]
            pub struct W { #(pub #fields: i64,)* }
        };
        for item in [unknown_attribute, tuple, struct_variant, wide] {
            let before = item.to_token_stream().to_string();
            assert_eq!(run(item), before);
        }
    }

    #[test]
    fn an_untagged_enum_of_values_tries_its_variants_in_order() {
        let out = run(syn::parse_quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
            #[serde(untagged)]
            pub enum U { Integer(i64), String(String) }
        });
        assert!(out.contains("# [derive (Clone , Debug)]"), "{out}");
        let integer = out.find("U :: Integer (value)").expect("integer first");
        let string = out.find("U :: String (value)").expect("then string");
        assert!(integer < string, "{out}");
        assert!(
            out.contains("wire :: untagged (deserializer , \"U\" , read)"),
            "{out}"
        );
    }
}

//! The passes over typify's parsed output: dropping what the runtime provides (its `error`
//! module, `From<&T>` clones, unused default helpers), documenting what it left bare, deriving
//! `Default` where typify does not, and marking every function `#[inline]`.

use quote::ToTokens;
use syn::visit_mut::{self, VisitMut};

use super::fields::EXTRA_FIELD;

/// Drops what every tool module would otherwise repeat: typify's own `error` module (the
/// runtime's `ConversionError` stands in) and its `impl From<&T> for T` clones.
pub(super) fn clean(items: Vec<syn::Item>, uses_error: bool) -> Vec<syn::Item> {
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
pub(super) struct DeferCodegen;

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

pub(super) fn item_name(item: &syn::Item) -> Option<String> {
    match item {
        syn::Item::Struct(s) => Some(s.ident.to_string()),
        syn::Item::Enum(e) => Some(e.ident.to_string()),
        syn::Item::Type(t) => Some(t.ident.to_string()),
        _ => None,
    }
}

/// typify derives `Default` only for structs whose fields are all optional, and counts the
/// flattened `extra` map as required; such a struct gets `Default` here, so that
/// `..Default::default()` still builds it.
pub(super) fn derive_default_with_extra(item: &mut syn::ItemStruct) {
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
pub(super) fn derive_default_for_map(item: &mut syn::ItemStruct) {
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

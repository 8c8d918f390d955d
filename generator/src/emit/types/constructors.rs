//! Construction that names only what it sets: for every struct typify writes, `new` with the
//! required fields, a chainable setter for each optional field and one for the map of other
//! properties, and `Default` where nothing is required.

use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};

use super::fields::EXTRA_FIELD;
use crate::naming;

/// How one field is set.
enum Role {
    /// Given to `new`.
    Required,
    /// `Option<T>`: unset is `None`; the setter takes the `T`.
    Optional(Box<syn::Type>),
    /// Read with a serde default: unset is that default; the setter takes the type.
    Defaulted(TokenStream),
    /// The flattened map of properties the schema does not name: one entry per setter call.
    Extra {
        key: Box<syn::Type>,
        value: Box<syn::Type>,
    },
}

/// The integer types that a literal cannot reach through `impl Into<..>` (an unsuffixed literal
/// is an `i32` unless its type is known), and the non-zero ones that are written as plain
/// integers here, since `validate()` checks their minimum.
const NUMBERS: &[&str] = &[
    "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize", "f32",
    "f64",
];

/// Replaces a field's `NonZeroU64` (typify's type for `minimum: 1`) with the plain integer, so
/// that a call writes `7`, not `NonZeroU64::new(7)`; `validate()` still refuses `0`. Only struct
/// fields change: in an untagged union the non-zero type may be what tells two branches apart.
pub(super) fn plain_integers(item: &mut syn::ItemStruct) {
    let syn::Fields::Named(fields) = &mut item.fields else {
        return;
    };
    for field in &mut fields.named {
        let ty = if option_inner(&field.ty).is_some() {
            inner_mut(&mut field.ty)
        } else {
            Some(&mut field.ty)
        };
        if let Some(ty) = ty
            && let Some(plain) = non_zero_plain(ty)
        {
            *ty = plain;
        }
    }
}

/// Marks a struct of named fields `#[non_exhaustive]`: built through `new` and its setters, a
/// struct that gains an optional field breaks no caller, so a new optional property is a minor
/// change (`toolgen diff` says so).
pub(super) fn non_exhaustive(item: &mut syn::ItemStruct) {
    if matches!(item.fields, syn::Fields::Named(_))
        && !item
            .attrs
            .iter()
            .any(|a| a.path().is_ident("non_exhaustive"))
    {
        item.attrs.push(syn::parse_quote!(#[non_exhaustive]));
    }
}

/// The constructor, setters and (where nothing is required) `Default` of one struct.
pub(super) fn constructors(item: &syn::ItemStruct) -> Vec<syn::Item> {
    let syn::Fields::Named(fields) = &item.fields else {
        return Vec::new();
    };
    if !item.generics.params.is_empty() {
        return Vec::new();
    }
    let name = &item.ident;
    let roles: Vec<(&syn::Field, Role)> = fields.named.iter().map(|f| (f, role(f))).collect();
    let idents: Vec<String> = roles
        .iter()
        .filter_map(|(f, _)| f.ident.as_ref())
        .map(|i| i.to_string().trim_start_matches("r#").to_string())
        .collect();
    let setters = naming::setter_names(&idents.iter().map(String::as_str).collect::<Vec<_>>());

    let mut params = Vec::new();
    let mut inits = Vec::new();
    let mut methods = Vec::new();
    for ((field, role), setter) in roles.iter().zip(&setters) {
        let Some(ident) = &field.ident else {
            return Vec::new();
        };
        let setter = format_ident_raw(setter);
        let wire = wire_name(field)
            .unwrap_or_else(|| ident.to_string().trim_start_matches("r#").to_string());
        match role {
            Role::Required => {
                let (ty, convert) = argument(&field.ty);
                params.push(quote!(#ident: #ty));
                inits.push(if convert.is_empty() {
                    quote!(#ident)
                } else {
                    quote!(#ident: #ident #convert)
                });
            }
            Role::Optional(inner) => {
                let (ty, convert) = argument(inner);
                let doc = format!("Sets the property {}.", crate::docs::code(&wire));
                inits.push(quote!(#ident: ::std::option::Option::None));
                methods.push(quote! {
                    #[doc = #doc]
                    pub fn #setter(mut self, value: #ty) -> Self {
                        self.#ident = ::std::option::Option::Some(value #convert);
                        self
                    }
                });
            }
            Role::Defaulted(init) => {
                let (ty, convert) = argument(&field.ty);
                let doc = format!(
                    "Sets the property {} (unset, it is the schema's default).",
                    crate::docs::code(&wire)
                );
                inits.push(quote!(#ident: #init));
                methods.push(quote! {
                    #[doc = #doc]
                    pub fn #setter(mut self, value: #ty) -> Self {
                        self.#ident = value #convert;
                        self
                    }
                });
            }
            Role::Extra { key, value } => {
                let (key_ty, key_convert) = argument(key);
                let (value_ty, value_convert) = argument(value);
                inits.push(quote!(#ident: ::std::default::Default::default()));
                methods.push(quote! {
                    /// Adds a property the schema does not name (it is sent as given).
                    pub fn #setter(mut self, name: #key_ty, value: #value_ty) -> Self {
                        self.#ident.insert(name #key_convert, value #value_convert);
                        self
                    }
                });
            }
        }
    }
    let mut out = Vec::new();
    let has_default = derives_default(item);
    let constructor = if params.is_empty() {
        if !has_default {
            out.push(syn::parse_quote! {
                impl ::std::default::Default for #name {
                    fn default() -> Self {
                        Self { #(#inits),* }
                    }
                }
            });
        }
        None
    } else {
        let allow = (params.len() > 7).then(|| {
            quote!(#[allow(clippy::too_many_arguments, reason = "one argument per required property of the schema")])
        });
        Some(quote! {
            /// The value with every required field given; the optional ones are unset, and
            /// each has a setter of its own.
            #allow
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits),* }
            }
        })
    };
    if constructor.is_some() || !methods.is_empty() {
        out.push(syn::parse_quote! {
            impl #name {
                #constructor
                #(#methods)*
            }
        });
    }
    out
}

/// The required fields of a struct that [`constructors`] gives a `new` (named fields, no
/// generics), in `new`'s order, each with its type and property name; none for a newtype with
/// `Default`; `None` for other structs.
pub(super) fn required_fields(item: &syn::ItemStruct) -> Option<Vec<(syn::Type, String)>> {
    let syn::Fields::Named(fields) = &item.fields else {
        // A newtype (a map of any properties) is built with its `Default`.
        return derives_default(item).then(Vec::new);
    };
    if !item.generics.params.is_empty() {
        return None;
    }
    fields
        .named
        .iter()
        .filter(|field| matches!(role(field), Role::Required))
        .map(|field| {
            let ident = field.ident.as_ref()?;
            let wire = wire_name(field)
                .unwrap_or_else(|| ident.to_string().trim_start_matches("r#").to_string());
            Some((field.ty.clone(), wire))
        })
        .collect()
}

/// A field's serde settings, in order: `flatten` → `("flatten", None)`, `rename = "x"` →
/// `("rename", Some("x"))`. Settings with arguments in parentheses are skipped.
fn serde_settings(field: &syn::Field) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            let key = meta
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            if meta.input.peek(syn::Token![=]) {
                let value: syn::Expr = meta.value()?.parse()?;
                let text = match value {
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(text),
                        ..
                    }) => Some(text.value()),
                    _ => None,
                };
                out.push((key, text));
            } else if meta.input.peek(syn::token::Paren) {
                meta.parse_nested_meta(|_| Ok(()))?;
            } else {
                out.push((key, None));
            }
            Ok(())
        });
    }
    out
}

/// The property name a field is read from (`#[serde(rename = "...")]`), when it differs.
fn wire_name(field: &syn::Field) -> Option<String> {
    serde_settings(field)
        .into_iter()
        .find_map(|(key, value)| (key == "rename").then_some(value).flatten())
}

/// How a field is set, from its type and serde attributes.
fn role(field: &syn::Field) -> Role {
    let settings = serde_settings(field);
    if settings.iter().any(|(key, _)| key == "flatten") {
        if let Some((key, value)) = map_types(&field.ty)
            && field.ident.as_ref().is_some_and(|i| i == EXTRA_FIELD)
        {
            return Role::Extra {
                key: Box::new(key),
                value: Box::new(value),
            };
        }
        return Role::Required;
    }
    if let Some(inner) = option_inner(&field.ty) {
        return Role::Optional(Box::new(inner.clone()));
    }
    match settings.iter().find(|(key, _)| key == "default") {
        // `default = "path"`: the function serde calls; a path that does not parse is ignored.
        Some((_, Some(path))) => match syn::parse_str::<syn::ExprPath>(path) {
            Ok(path) => Role::Defaulted(quote!(#path())),
            Err(_) => Role::Required,
        },
        Some((_, None)) => Role::Defaulted(quote!(::std::default::Default::default())),
        None => Role::Required,
    }
}

/// The parameter type for a value of `ty`, and what turns the parameter into it: `impl Into<T>`
/// and `.into()`, except for numbers, which a literal reaches only as themselves.
fn argument(ty: &syn::Type) -> (TokenStream, TokenStream) {
    if is_number(ty) || option_inner(ty).is_some_and(is_number) {
        (ty.to_token_stream(), TokenStream::new())
    } else {
        (quote!(impl ::std::convert::Into<#ty>), quote!(.into()))
    }
}

fn last_segment(ty: &syn::Type) -> Option<&syn::PathSegment> {
    match ty {
        syn::Type::Path(path) if path.qself.is_none() => path.path.segments.last(),
        _ => None,
    }
}

fn is_number(ty: &syn::Type) -> bool {
    last_segment(ty)
        .is_some_and(|s| s.arguments.is_none() && NUMBERS.contains(&s.ident.to_string().as_str()))
}

fn generic_args(segment: &syn::PathSegment) -> Vec<&syn::Type> {
    match &segment.arguments {
        syn::PathArguments::AngleBracketed(args) => args
            .args
            .iter()
            .filter_map(|a| match a {
                syn::GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// `T` of an `Option<T>`.
fn option_inner(ty: &syn::Type) -> Option<&syn::Type> {
    let segment = last_segment(ty).filter(|s| s.ident == "Option")?;
    match generic_args(segment)[..] {
        [inner] => Some(inner),
        _ => None,
    }
}

fn inner_mut(ty: &mut syn::Type) -> Option<&mut syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let segment = path
        .path
        .segments
        .last_mut()
        .filter(|s| s.ident == "Option")?;
    let syn::PathArguments::AngleBracketed(args) = &mut segment.arguments else {
        return None;
    };
    args.args.iter_mut().find_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}

/// The key and value types of a map (`Map`, `HashMap`, `BTreeMap`).
fn map_types(ty: &syn::Type) -> Option<(syn::Type, syn::Type)> {
    let segment = last_segment(ty)?;
    if !["Map", "HashMap", "BTreeMap"].contains(&segment.ident.to_string().as_str()) {
        return None;
    }
    match generic_args(segment)[..] {
        [key, value, ..] => Some((key.clone(), value.clone())),
        _ => None,
    }
}

/// `u64` for `NonZeroU64`, and so on.
fn non_zero_plain(ty: &syn::Type) -> Option<syn::Type> {
    let segment = last_segment(ty)?;
    let name = segment.ident.to_string();
    let plain = name.strip_prefix("NonZero")?.to_lowercase();
    NUMBERS
        .contains(&plain.as_str())
        .then(|| syn::parse_str(&plain).ok())
        .flatten()
}

fn derives_default(item: &syn::ItemStruct) -> bool {
    item.attrs
        .iter()
        .any(|a| a.path().is_ident("derive") && a.to_token_stream().to_string().contains("Default"))
}

/// An identifier for a name that may be a keyword (`type` becomes `r#type`).
fn format_ident_raw(name: &str) -> syn::Ident {
    if naming::is_keyword(name) {
        syn::Ident::new_raw(name, proc_macro2::Span::call_site())
    } else {
        format_ident!("{name}")
    }
}

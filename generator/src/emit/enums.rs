//! Emits the string enums that the model lifted out of the schemas.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::docs::{self, DocOptions};
use crate::emit::locale;
use crate::model::EnumType;

/// The enum, through the runtime's `string_enum!` (or `locale_enum!`, which brings the locale
/// API, when `tables`, its provider's shared CLDR tables, has its values).
pub(crate) fn string_enum(
    ty: &EnumType,
    shared: bool,
    options: &DocOptions,
    tables: Option<&locale::Tables<'_>>,
) -> TokenStream {
    if ty.open {
        return open_enum(ty, shared, options);
    }
    let name = format_ident!("{}", ty.name);
    let doc = enum_doc(ty, shared, options);
    let (idents, values, variant_docs) = variant_parts(ty, options);
    // A variant's doc is its wire value in code unless the value needs other quoting or the
    // schema describes it; only then is it written out.
    let variants = idents
        .iter()
        .zip(&values)
        .zip(&variant_docs)
        .map(|((ident, value), doc)| {
            if *doc == format!("`{value}`") {
                quote!(#ident(#value))
            } else {
                quote!(#[doc = #doc] #ident(#value))
            }
        });
    // A locale enum parses case-insensitively and brings its locale API; others parse exactly.
    let table = ty
        .locale
        .as_ref()
        .zip(tables)
        .and_then(|(info, tables)| locale::table(ty, info, tables));
    let kind = if table.is_some() {
        format_ident!("locale_enum")
    } else {
        format_ident!("string_enum")
    };
    quote! {
        crate::runtime::macros::#kind! {
            #[doc = #doc]
            pub enum #name { #(#variants),* }
        }
        #table
    }
}

/// An enum the server sends: `#[non_exhaustive]`, with `Unknown(String)` for values the schema
/// did not list yet, so that a new value never breaks deserialization.
fn open_enum(ty: &EnumType, shared: bool, options: &DocOptions) -> TokenStream {
    let name = format_ident!("{}", ty.name);
    let mut doc = enum_doc(ty, shared, options);
    doc.push_str(
        "\n\nThe server sends this value, so the enum is open: a value it does not list yet \
         arrives as `Unknown` instead of failing the whole result.",
    );
    let (idents, values, variant_docs) = variant_parts(ty, options);
    quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(
                #[doc = #variant_docs]
                #idents,
            )*
            /// A value this version of the SDK does not know, as the server sent it.
            Unknown(::std::string::String),
        }

        impl #name {
            /// Every known value, in schema order.
            pub const ALL: &'static [Self] = &[#(Self::#idents),*];

            /// The exact string on the wire.
            #[inline]
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#idents => #values,)*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl ::std::fmt::Display for #name {
            #[inline]
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::convert::AsRef<str> for #name {
            #[inline]
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            #[inline]
            fn from_str(value: &str) -> ::std::result::Result<Self, ::std::convert::Infallible> {
                ::std::result::Result::Ok(match value {
                    #(#values => Self::#idents,)*
                    other => Self::Unknown(other.to_string()),
                })
            }
        }

        impl ::std::convert::From<&str> for #name {
            #[inline]
            fn from(value: &str) -> Self {
                match value.parse() {
                    ::std::result::Result::Ok(parsed) => parsed,
                    ::std::result::Result::Err(never) => match never {},
                }
            }
        }

        impl ::serde::Serialize for #name {
            #[inline]
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                let value = <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)?;
                ::std::result::Result::Ok(Self::from(value.as_str()))
            }
        }
    }
}

/// Each variant's identifier, wire value and doc (the value in code, then its own description
/// when the schema gives one).
fn variant_parts<'a>(
    ty: &'a EnumType,
    options: &DocOptions,
) -> (Vec<proc_macro2::Ident>, Vec<&'a str>, Vec<String>) {
    let idents = ty
        .variants
        .iter()
        .map(|v| format_ident!("{}", v.name))
        .collect();
    let values = ty.variants.iter().map(|v| v.value.as_str()).collect();
    let docs = ty
        .variants
        .iter()
        .map(|v| match &v.description {
            Some(text) if !text.trim().is_empty() => {
                format!("{}: {}", docs::code(&v.value), docs::summary(text, options))
            }
            _ => docs::code(&v.value),
        })
        .collect();
    (idents, values, docs)
}

fn enum_doc(ty: &EnumType, shared: bool, options: &DocOptions) -> String {
    let hint = ty.hints.first().map(String::as_str).unwrap_or_default();
    let count = ty.variants.len();
    let mut doc = match (&ty.description, shared) {
        (Some(description), false) if !description.trim().is_empty() => {
            docs::sanitize(description, options)
        }
        _ => format!("One of the {count} values of {}.", docs::code(hint)),
    };
    if ty.locale.is_some() {
        doc.push_str(&locale::doc(ty));
    }
    if shared {
        doc.push_str("\n\nShared by these tools, which accept exactly the same values:\n");
        for tool in &ty.used_by {
            doc.push_str(&format!("\n- {}", docs::code(tool)));
        }
    }
    doc
}

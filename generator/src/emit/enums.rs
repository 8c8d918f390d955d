//! Emits the string enums that the model lifted out of the schemas.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::docs::{self, DocOptions};
use crate::emit::locale;
use crate::model::EnumType;

/// The enum, its constants and its conversions. A locale enum gets its locale API when `tables`
/// (its provider's shared CLDR tables) has its values.
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
    let type_name = ty.name.as_str();
    // A locale enum parses case-insensitively and brings its locale API; others parse exactly.
    let locale = ty
        .locale
        .as_ref()
        .zip(tables)
        .and_then(|(info, tables)| locale::impls(ty, info, tables));
    let parsing = match locale {
        Some(tokens) => tokens,
        None => quote! {
            impl ::std::str::FromStr for #name {
                type Err = crate::runtime::ParseEnumError;
                #[inline]
                fn from_str(value: &str) -> ::std::result::Result<Self, crate::runtime::ParseEnumError> {
                    match value {
                        #(#values => ::std::result::Result::Ok(Self::#idents),)*
                        _ => ::std::result::Result::Err(
                            crate::runtime::ParseEnumError::new(#type_name, value, Self::WIRE),
                        ),
                    }
                }
            }
        },
    };
    quote! {
        #[doc = #doc]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #(
                #[doc = #variant_docs]
                #idents,
            )*
        }

        impl #name {
            /// Every value, in schema order.
            pub const ALL: &'static [Self] = &[#(Self::#idents),*];

            /// The wire value of each of [`Self::ALL`], in the same order.
            const WIRE: &'static [&'static str] = &[#(#values),*];

            /// The exact string sent on the wire.
            #[inline]
            pub const fn as_str(&self) -> &'static str {
                // `WIRE` is generated with `ALL`: one value per variant, in order.
                Self::WIRE[*self as usize]
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

        #parsing

        impl ::serde::Serialize for #name {
            #[inline]
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            /// Only the exact wire values; parsing with `FromStr` may accept more.
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                crate::runtime::wire::string_enum(deserializer, Self::ALL, Self::WIRE)
            }
        }

        impl ::std::convert::TryFrom<&str> for #name {
            type Error = crate::runtime::ParseEnumError;
            #[inline]
            fn try_from(value: &str) -> ::std::result::Result<Self, crate::runtime::ParseEnumError> {
                value.parse()
            }
        }
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

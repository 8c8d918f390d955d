//! Emits the string enums that the model lifted out of the schemas.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::docs::{self, DocOptions};
use crate::emit::locale;
use crate::model::EnumType;

/// The enum, its constants and its conversions.
pub(crate) fn string_enum(ty: &EnumType, shared: bool, options: &DocOptions) -> TokenStream {
    let name = format_ident!("{}", ty.name);
    let doc = enum_doc(ty, shared, options);
    let idents: Vec<_> = ty
        .variants
        .iter()
        .map(|v| format_ident!("{}", v.name))
        .collect();
    let values: Vec<&str> = ty.variants.iter().map(|v| v.value.as_str()).collect();
    let variant_docs = ty.variants.iter().map(|v| match &v.description {
        Some(text) if !text.trim().is_empty() => {
            format!("{}: {}", docs::code(&v.value), docs::summary(text, options))
        }
        _ => docs::code(&v.value),
    });
    let type_name = ty.name.as_str();
    // A locale enum parses case-insensitively and brings its locale API; others parse exactly.
    let parsing = match &ty.locale {
        Some(info) => locale::impls(ty, info),
        None => quote! {
            impl ::std::str::FromStr for #name {
                type Err = crate::runtime::ParseEnumError;

                fn from_str(value: &str) -> ::std::result::Result<Self, crate::runtime::ParseEnumError> {
                    const VALUES: &[&str] = &[#(#values),*];
                    match value {
                        #(#values => ::std::result::Result::Ok(Self::#idents),)*
                        _ => ::std::result::Result::Err(
                            crate::runtime::ParseEnumError::new(#type_name, value, VALUES),
                        ),
                    }
                }
            }
        },
    };
    quote! {
        #[doc = #doc]
        #[derive(
            ::serde::Serialize, ::serde::Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash,
            PartialOrd, Ord
        )]
        pub enum #name {
            #(
                #[doc = #variant_docs]
                #[serde(rename = #values)]
                #idents,
            )*
        }

        impl #name {
            /// Every value, in schema order.
            pub const ALL: &'static [Self] = &[#(Self::#idents),*];

            /// The exact string sent on the wire.
            pub const fn as_str(&self) -> &'static str {
                match self {
                    #(Self::#idents => #values,)*
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::convert::AsRef<str> for #name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        #parsing

        impl ::std::convert::TryFrom<&str> for #name {
            type Error = crate::runtime::ParseEnumError;

            fn try_from(value: &str) -> ::std::result::Result<Self, crate::runtime::ParseEnumError> {
                value.parse()
            }
        }
    }
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

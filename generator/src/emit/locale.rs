//! Emits the locale API of a locale enum: its CLDR tables as constants, and the methods that
//! read them through the runtime's `locale` module.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::cldr::{CLDR_VERSION, LocaleInfo};
use crate::model::EnumType;

/// The cargo feature of the generated crate that converts locale enums to and from
/// `icu_locale_core::LanguageIdentifier`.
pub(crate) const ICU_FEATURE: &str = "icu";

/// A paragraph for the enum's rustdoc that says what a locale enum offers.
pub(crate) fn doc(ty: &EnumType) -> String {
    let example = ty
        .variants
        .iter()
        .find(|v| v.value.contains('-'))
        .or(ty.variants.first())
        .map(|v| v.value.as_str())
        .unwrap_or_default();
    format!(
        "\n\nA locale enum: every value is a BCP 47 language tag. \
         [`negotiate`](Self::negotiate) picks a value for an `Accept-Language` header and \
         [`best_match`](Self::best_match) for a list of preferences, falling back through CLDR \
         parent locales (`es-MX` ⇒ `es-419`), likely subtags (`zh-Hant` ⇒ `zh-TW`) and language aliases \
         (`iw` for `he`, `no` and `nb`). Parsing ignores case and reads `_` as `-` (`{upper:?}` \
         is `{example:?}`). The CLDR data \
         ({CLDR_VERSION}) was resolved by toolgen into the tables below; with the feature \
         `{ICU_FEATURE}` the values convert to and from `icu_locale_core::LanguageIdentifier`.",
        upper = example.to_ascii_uppercase().replace('-', "_"),
        example = example,
    )
}

/// The inherent locale methods, the case-insensitive `FromStr`, and the optional icu interop.
pub(crate) fn impls(ty: &EnumType, info: &LocaleInfo) -> TokenStream {
    let name = format_ident!("{}", ty.name);
    let type_name = ty.name.as_str();
    let values = ty.variants.iter().map(|v| v.value.as_str());
    let rows = info.rows.iter().map(|row| {
        let language = row.language.as_str();
        let script = option(row.script.as_deref());
        let region = option(row.region.as_deref());
        let chain = &row.chain;
        quote!(Row::new(#language, #script, #region, &[#(#chain),*]))
    });
    let lookup = info.lookup.iter().map(|(key, index)| {
        let index = index
            .and_then(|i| u16::try_from(i).ok())
            .map_or(quote!(NO_MATCH), |i| {
                let i = proc_macro2::Literal::u16_unsuffixed(i);
                quote!(#i)
            });
        quote!((#key, #index))
    });
    let no_match = info
        .lookup
        .iter()
        .any(|(_, index)| index.is_none())
        .then(|| {
            quote!(
                use crate::runtime::locale::NO_MATCH;
            )
        });
    let defaults = info
        .default_scripts
        .iter()
        .map(|(language, script)| quote!((#language, #script)));
    let table_doc = format!(
        "The CLDR {CLDR_VERSION} data of this enum, resolved by toolgen: one row per value of \
         [`ALL`](Self::ALL), and the value each request key resolves to."
    );
    quote! {
        impl #name {
            #[doc = #table_doc]
            pub const LOCALE_TABLE: crate::runtime::locale::LocaleTable = {
                use crate::runtime::locale::{LocaleRow as Row, LocaleTable};
                #no_match
                LocaleTable {
                    type_name: #type_name,
                    values: &[#(#values),*],
                    rows: &[#(#rows),*],
                    lookup: &[#(#lookup),*],
                    default_scripts: &[#(#defaults),*],
                }
            };
            #[inline]
            fn locale_row(&self) -> &'static crate::runtime::locale::LocaleRow {
                // `ALL` and the rows are generated together, one row per variant in order.
                const ROWS: &[crate::runtime::locale::LocaleRow] = #name::LOCALE_TABLE.rows;
                &ROWS[*self as usize]
            }
            #[inline]
            fn from_index(index: usize) -> ::std::option::Option<Self> {
                Self::ALL.get(index).copied()
            }

            /// The language subtag (`es` for `es-419`).
            #[inline]
            pub fn language(&self) -> &'static str {
                self.locale_row().language
            }

            /// The region subtag, if the value has one (`419` for `es-419`).
            #[inline]
            pub fn region(&self) -> ::std::option::Option<&'static str> {
                self.locale_row().region
            }

            /// The script subtag, if the value has one (`Hant` for `zh-Hant-TW`).
            #[inline]
            pub fn script(&self) -> ::std::option::Option<&'static str> {
                self.locale_row().script
            }

            /// The CLDR fallback chain that lookups walk, from this value down to the last step
            /// before the root: `["es-419", "es"]`, `["pt-AO", "pt-PT", "pt"]`.
            #[inline]
            pub fn fallback_chain(&self) -> &'static [&'static str] {
                self.locale_row().chain
            }

            /// The value for an HTTP `Accept-Language` header (RFC 9110): its ranges in order of
            /// q-value, each looked up (RFC 4647) through CLDR parent locales, likely subtags
            /// and aliases. `*` is skipped, so `None` (nothing acceptable, or only `*`) means
            /// "use your default". A malformed range is skipped; nothing panics.
            #[inline]
            pub fn negotiate(accept_language: &str) -> ::std::option::Option<Self> {
                Self::LOCALE_TABLE
                    .negotiate(accept_language)
                    .and_then(Self::from_index)
            }

            /// The value for the first of `wanted` (most preferred first, such as a user
            /// profile's languages) that has one, looked up as in [`negotiate`](Self::negotiate).
            #[inline]
            pub fn best_match<'a>(
                wanted: impl ::std::iter::IntoIterator<Item = &'a str>,
            ) -> ::std::option::Option<Self> {
                Self::LOCALE_TABLE.best_match(wanted).and_then(Self::from_index)
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = crate::runtime::ParseEnumError;

            /// The value spelled `value`, ignoring case and reading `_` as `-`; an unknown tag's
            /// error names the closest values.
            #[inline]
            fn from_str(value: &str) -> ::std::result::Result<Self, crate::runtime::ParseEnumError> {
                let index = Self::LOCALE_TABLE.parse(value)?;
                Self::from_index(index).ok_or_else(|| {
                    crate::runtime::ParseEnumError::new(#type_name, value, &[])
                })
            }
        }

        #[cfg(feature = #ICU_FEATURE)]
        impl ::std::convert::From<#name> for ::icu_locale_core::LanguageIdentifier {
            #[inline]
            fn from(value: #name) -> Self {
                // toolgen checked that every value parses with icu_locale_core.
                Self::try_from_str(value.as_str()).unwrap_or(Self::UNKNOWN)
            }
        }

        #[cfg(feature = #ICU_FEATURE)]
        impl ::std::convert::TryFrom<&::icu_locale_core::LanguageIdentifier> for #name {
            type Error = crate::runtime::ParseEnumError;
            #[inline]
            fn try_from(
                value: &::icu_locale_core::LanguageIdentifier,
            ) -> ::std::result::Result<Self, crate::runtime::ParseEnumError> {
                value.to_string().parse()
            }
        }
    }
}

fn option(value: Option<&str>) -> TokenStream {
    match value {
        Some(value) => quote!(Some(#value)),
        None => quote!(None),
    }
}

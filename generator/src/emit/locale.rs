//! Emits the CLDR tables that the locale enums of a provider share (one static in its shared
//! module), and each locale enum's API: its values' rows in those tables, and the methods that
//! read them through the runtime's `locale` module.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::cldr::{CLDR_VERSION, LocaleData, LocaleInfo};
use crate::model::{EnumType, Provider};

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
         ({CLDR_VERSION}) was resolved by toolgen into tables that the locale enums of this \
         provider share ([`LOCALE_TABLE`](Self::LOCALE_TABLE)); with the feature \
         `{ICU_FEATURE}` the values convert to and from `icu_locale_core::LanguageIdentifier`.",
        upper = example.to_ascii_uppercase().replace('-', "_"),
        example = example,
    )
}

/// Where a locale enum finds the CLDR tables it shares with the other locale enums of its
/// provider (or of the crate).
pub(crate) struct Tables<'a> {
    /// The tables.
    pub(crate) data: &'a LocaleData,
    /// The module that holds them as [`DATA_STATIC`]: `crate::<provider>::shared`.
    pub(crate) module: TokenStream,
}

/// Where the locale enums of `provider` find its shared CLDR tables.
pub(crate) fn tables(provider: &Provider) -> Option<Tables<'_>> {
    let module = format_ident!("{}", provider.module);
    let shared = format_ident!("{}", provider.shared_module);
    provider.locale_data.as_ref().map(|data| Tables {
        data,
        module: quote!(crate::#module::#shared),
    })
}

/// The name of the static that holds a provider's (or the crate's) shared CLDR tables.
pub(crate) const DATA_STATIC: &str = "LOCALE_DATA";

/// The shared CLDR tables as a static of the runtime's `LocaleData`, for the module that holds
/// the provider's (or the crate's) shared enums.
pub(crate) fn data(data: &LocaleData) -> TokenStream {
    let name = format_ident!("{DATA_STATIC}");
    let rows = data.rows.iter().map(|row| {
        let language = row.language.as_str();
        let script = option(row.script.as_deref());
        let region = option(row.region.as_deref());
        let chain = &row.chain;
        quote!(Row::new(#language, #script, #region, &[#(#chain),*]))
    });
    let lookup = data.lookup.iter().map(|(key, groups)| {
        let candidates = groups
            .iter()
            .map(|group| {
                group
                    .iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .collect::<Vec<_>>()
            .join(" ");
        quote!((#key, #candidates))
    });
    let defaults = data
        .default_scripts
        .iter()
        .map(|(language, script)| quote!((#language, #script)));
    let doc = format!(
        "The CLDR {CLDR_VERSION} data that the locale enums here share, resolved by toolgen: one \
         row per tag that any of them has, and for each request key the rows that can answer it, \
         best first (see `LocaleData` in the runtime)."
    );
    quote! {
        #[doc = #doc]
        pub static #name: crate::runtime::locale::LocaleData = {
            use crate::runtime::locale::{LocaleData, LocaleRow as Row};
            LocaleData {
                rows: &[#(#rows),*],
                lookup: &[#(#lookup),*],
                default_scripts: &[#(#defaults),*],
            }
        };
    }
}

/// The enum's `LOCALE_TABLE`, which the runtime's `locale_enum!` reads its locale API from;
/// `None` when a value has no row in the shared tables (which the model rules out).
pub(crate) fn table(ty: &EnumType, info: &LocaleInfo, tables: &Tables<'_>) -> Option<TokenStream> {
    let name = format_ident!("{}", ty.name);
    let type_name = ty.name.as_str();
    let mut rows = Vec::with_capacity(info.tags.len() * 2);
    for tag in &info.tags {
        let row = u16::try_from(tables.data.row_of(tag)?).ok()?;
        rows.extend(row.to_be_bytes());
    }
    let rows = proc_macro2::Literal::byte_string(&rows);
    let module = &tables.module;
    let data = format_ident!("{DATA_STATIC}");
    let table_doc = format!(
        "The CLDR {CLDR_VERSION} data of this enum, resolved by toolgen: the values of \
         [`ALL`](Self::ALL) and, two bytes each, their rows in the tables that the locale enums \
         of this provider share."
    );
    Some(quote! {
        impl #name {
            #[doc = #table_doc]
            pub const LOCALE_TABLE: crate::runtime::locale::LocaleTable = crate::runtime::locale::LocaleTable {
                type_name: #type_name,
                values: Self::WIRE,
                rows: #rows,
                data: &#module::#data,
            };
        }
    })
}

fn option(value: Option<&str>) -> TokenStream {
    match value {
        Some(value) => quote!(Some(#value)),
        None => quote!(None),
    }
}

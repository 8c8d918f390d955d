//! The macros that generated code writes its string enums with.
//!
//! Every closed string enum of every SDK has the same API: the variants, `ALL`, the wire strings,
//! `Display`, `FromStr`, serde, and for locale enums the CLDR lookups. Spelled out per enum that
//! is about 4 lines a value plus 100 lines a locale enum; a provider with hundreds of locale
//! enums is then mostly this boilerplate (issue #14). Here it is written once: the generator
//! writes `string_enum! { pub enum Role { Admin("admin"), Member("member") } }` and the macro
//! expands it to exactly the items it used to write, so the types, their docs and their API are
//! unchanged.
//!
//! Paths inside the macros go through `$crate::__toolgen`, which is this crate's root when the
//! runtime is the `toolgen-runtime` crate, and the generated crate's `runtime` module when the
//! runtime is vendored into it (its `lib.rs` re-exports that module under this name).

/// A variant's doc: the one given, else its wire value in code.
#[doc(hidden)]
#[macro_export]
macro_rules! __toolgen_variant_doc {
    ($wire:literal) => {
        ::core::concat!("`", $wire, "`")
    };
    ($wire:literal, $doc:literal) => {
        $doc
    };
}

/// The part every closed string enum shares: the enum (with `Clone`, `Copy`, `Debug`, `Eq`,
/// `Ord` and `Hash`), `ALL`, `as_str`, `Display`, `AsRef<str>`, `TryFrom<&str>` (through
/// `FromStr`, which [`string_enum!`] and [`locale_enum!`] write) and serde, which reads only the
/// exact wire values.
#[doc(hidden)]
#[macro_export]
macro_rules! __toolgen_enum_base {
    (
        $(#[$attr:meta])*
        $vis:vis enum $name:ident {
            $($(#[doc = $doc:literal])? $variant:ident($wire:literal)),* $(,)?
        }
    ) => {
        $(#[$attr])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name {
            $(
                #[doc = $crate::__toolgen_variant_doc!($wire $(, $doc)?)]
                $variant,
            )*
        }

        impl $name {
            /// Every value, in schema order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),*];

            /// The wire value of each of [`Self::ALL`], in the same order.
            const WIRE: &'static [&'static str] = &[$($wire),*];

            /// The exact string sent on the wire.
            #[inline]
            pub const fn as_str(&self) -> &'static str {
                // `WIRE` is written with `ALL`: one value per variant, in order.
                Self::WIRE[*self as usize]
            }
        }

        impl ::core::fmt::Display for $name {
            #[inline]
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::core::convert::AsRef<str> for $name {
            #[inline]
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl ::core::convert::TryFrom<&str> for $name {
            type Error = $crate::__toolgen::ParseEnumError;
            #[inline]
            fn try_from(value: &str) -> ::core::result::Result<Self, $crate::__toolgen::ParseEnumError> {
                value.parse()
            }
        }

        impl $crate::__toolgen::serde::Serialize for $name {
            #[inline]
            fn serialize<__S: $crate::__toolgen::serde::Serializer>(
                &self,
                serializer: __S,
            ) -> ::core::result::Result<__S::Ok, __S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__toolgen::serde::Deserialize<'de> for $name {
            /// Only the exact wire values; parsing with `FromStr` may accept more.
            fn deserialize<__D: $crate::__toolgen::serde::Deserializer<'de>>(
                deserializer: __D,
            ) -> ::core::result::Result<Self, __D::Error> {
                $crate::__toolgen::wire::string_enum(deserializer, Self::ALL, Self::WIRE)
            }
        }
    };
}

/// A closed string enum of a generated SDK: each variant is written `Name("wire value")`,
/// optionally after `#[doc = "..."]` (otherwise its doc is the wire value in code). `FromStr`
/// takes exactly the wire values.
#[doc(hidden)]
#[macro_export]
macro_rules! string_enum {
    (
        $(#[$attr:meta])*
        $vis:vis enum $name:ident {
            $($(#[doc = $doc:literal])? $variant:ident($wire:literal)),* $(,)?
        }
    ) => {
        $crate::__toolgen_enum_base! {
            $(#[$attr])*
            $vis enum $name { $($(#[doc = $doc])? $variant($wire)),* }
        }

        impl ::core::str::FromStr for $name {
            type Err = $crate::__toolgen::ParseEnumError;
            #[inline]
            fn from_str(value: &str) -> ::core::result::Result<Self, $crate::__toolgen::ParseEnumError> {
                match value {
                    $($wire => ::core::result::Result::Ok(Self::$variant),)*
                    _ => ::core::result::Result::Err($crate::__toolgen::ParseEnumError::new(
                        ::core::stringify!($name),
                        value,
                        Self::WIRE,
                    )),
                }
            }
        }
    };
}

/// A locale enum of a generated SDK: a [`string_enum!`] whose values are BCP 47 tags, with the
/// CLDR lookups of its `LOCALE_TABLE` (a [`LocaleTable`](crate::locale::LocaleTable) the
/// generator writes next to it, since it names the provider's shared tables), a `FromStr` that
/// ignores case and reads `_` as `-`, and with this runtime's `icu` feature the conversions to and
/// from `icu_locale_core::LanguageIdentifier`.
#[doc(hidden)]
#[macro_export]
macro_rules! locale_enum {
    (
        $(#[$attr:meta])*
        $vis:vis enum $name:ident {
            $($(#[doc = $doc:literal])? $variant:ident($wire:literal)),* $(,)?
        }
    ) => {
        $crate::__toolgen_enum_base! {
            $(#[$attr])*
            $vis enum $name { $($(#[doc = $doc])? $variant($wire)),* }
        }

        impl $name {
            #[inline]
            fn locale_row(&self) -> &'static $crate::__toolgen::locale::LocaleRow {
                Self::LOCALE_TABLE.row(*self as usize)
            }

            #[inline]
            fn from_index(index: usize) -> ::core::option::Option<Self> {
                Self::ALL.get(index).copied()
            }

            /// The language subtag (`es` for `es-419`).
            #[inline]
            pub fn language(&self) -> &'static str {
                self.locale_row().language
            }

            /// The region subtag, if the value has one (`419` for `es-419`).
            #[inline]
            pub fn region(&self) -> ::core::option::Option<&'static str> {
                self.locale_row().region
            }

            /// The script subtag, if the value has one (`Hant` for `zh-Hant-TW`).
            #[inline]
            pub fn script(&self) -> ::core::option::Option<&'static str> {
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
            pub fn negotiate(accept_language: &str) -> ::core::option::Option<Self> {
                Self::LOCALE_TABLE
                    .negotiate(accept_language)
                    .and_then(Self::from_index)
            }

            /// The value for the first of `wanted` (most preferred first, such as a user
            /// profile's languages) that has one, looked up as in [`negotiate`](Self::negotiate).
            #[inline]
            pub fn best_match<'a>(
                wanted: impl ::core::iter::IntoIterator<Item = &'a str>,
            ) -> ::core::option::Option<Self> {
                Self::LOCALE_TABLE.best_match(wanted).and_then(Self::from_index)
            }
        }

        impl ::core::str::FromStr for $name {
            type Err = $crate::__toolgen::ParseEnumError;

            /// The value spelled `value`, ignoring case and reading `_` as `-`; an unknown tag's
            /// error names the closest values.
            #[inline]
            fn from_str(value: &str) -> ::core::result::Result<Self, $crate::__toolgen::ParseEnumError> {
                let index = Self::LOCALE_TABLE.parse(value)?;
                Self::from_index(index).ok_or_else(|| {
                    $crate::__toolgen::ParseEnumError::new(::core::stringify!($name), value, &[])
                })
            }
        }

        $crate::__toolgen_if_icu! {
            impl ::core::convert::From<$name> for $crate::__toolgen::icu_locale_core::LanguageIdentifier {
                #[inline]
                fn from(value: $name) -> Self {
                    // toolgen checked that every value parses with icu_locale_core.
                    Self::try_from_str(value.as_str()).unwrap_or(Self::UNKNOWN)
                }
            }

            impl ::core::convert::TryFrom<&$crate::__toolgen::icu_locale_core::LanguageIdentifier>
                for $name
            {
                type Error = $crate::__toolgen::ParseEnumError;
                #[inline]
                fn try_from(
                    value: &$crate::__toolgen::icu_locale_core::LanguageIdentifier,
                ) -> ::core::result::Result<Self, $crate::__toolgen::ParseEnumError> {
                    <Self as ::core::str::FromStr>::from_str(&value.to_string())
                }
            }
        }
    };
}

#[cfg(test)]
#[allow(
    unreachable_pub,
    reason = "the macro writes an SDK's public API; here the enum sits in a private test module"
)]
mod tests {
    crate::string_enum! {
        #[doc = "A test enum."]
        pub enum Mode {
            ReadOnly("read-only"), #[doc = "`  `"] Empty(""), Quote("a\"b"),
            // Named like the associated types of `FromStr` and `TryFrom`.
            Error("error"), Err("err"),
        }
    }

    #[test]
    fn a_string_enum_reads_and_writes_exactly_its_wire_values() {
        assert_eq!(
            Mode::ALL,
            &[
                Mode::ReadOnly,
                Mode::Empty,
                Mode::Quote,
                Mode::Error,
                Mode::Err
            ]
        );
        for (mode, wire) in Mode::ALL
            .iter()
            .zip(["read-only", "", "a\"b", "error", "err"])
        {
            assert_eq!(mode.as_str(), wire);
            assert_eq!(mode.to_string(), wire);
            assert_eq!(wire.parse::<Mode>(), Ok(*mode));
            assert_eq!(Mode::try_from(wire), Ok(*mode));
            let json = serde_json::to_value(mode).expect("serializes");
            assert_eq!(json, serde_json::Value::from(wire));
            assert_eq!(serde_json::from_value::<Mode>(json).ok(), Some(*mode));
        }
        let error = "READ-ONLY".parse::<Mode>().expect_err("exact values only");
        assert!(error.to_string().contains("read-only"), "{error}");
        assert!(serde_json::from_value::<Mode>(serde_json::json!("other")).is_err());
    }
}

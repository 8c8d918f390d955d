//! The seed's 90-value `Locale`, compiled and run: negotiation against CLDR rules, parsing, the
//! generated tables against the generator's reference rules, and hostile input.

use std::str::FromStr;

use proptest::prelude::*;
use toolgen_sdk::workos::user_management::invitations::create::Locale;

/// Which CLDR (or RFC) rule justifies an expected pick.
#[derive(Debug, Clone, Copy)]
enum Rule {
    /// The range is a supported value (RFC 4647 lookup, case-insensitive; `_` read as `-`).
    Exact,
    /// Truncation: the region is dropped (`de-AT` ⇒ `de`).
    RegionFallback,
    /// A CLDR parentLocales entry (`es-MX` ⇒ `es-419`, `en-IN` ⇒ `en-001` ⇒ `en`).
    ParentLocale,
    /// CLDR likely subtags: same maximized tag (`zh-Hant` ⇒ `zh-Hant-TW` ⇐ `zh-TW`), or a
    /// script that is not the language's likely one matches nothing.
    LikelySubtags,
    /// CLDR languageAlias, including macrolanguages (`iw` ⇒ `he`, `no` ⇔ `nb`).
    Alias,
    /// Ranges are tried by descending q-value, ties in header order; `q=0` refuses (RFC 9110).
    QValueOrder,
    /// `*` is skipped by lookup; alone it leaves the choice to the caller's default (RFC 4647).
    Wildcard,
    /// A malformed range is skipped; a header with no valid range gives `None`.
    Malformed,
}

use Locale as L;
use Rule::*;

const TABLE: &[(&str, Option<Locale>, Rule)] = &[
    ("en-US", Some(L::EnUs), Exact),
    ("fr-CA,fr;q=0.8", Some(L::FrCa), Exact),
    ("EN-gb", Some(L::EnGb), Exact),
    ("pt_BR", Some(L::PtBr), Exact),
    ("es-419", Some(L::Es419), Exact),
    ("no", Some(L::No), Exact),
    ("de-AT", Some(L::De), RegionFallback),
    ("de-CH", Some(L::De), RegionFallback),
    ("it-CH", Some(L::It), RegionFallback),
    ("fr-CH", Some(L::Fr), RegionFallback),
    ("nb-NO", Some(L::Nb), RegionFallback),
    ("en-GB-oxendict", Some(L::EnGb), RegionFallback),
    ("ru-UA", Some(L::Ru), RegionFallback),
    ("en-IN", Some(L::En), ParentLocale),
    ("en-NZ", Some(L::En), ParentLocale),
    ("es-MX", Some(L::Es419), ParentLocale),
    ("es-AR", Some(L::Es419), ParentLocale),
    ("es-CO", Some(L::Es419), ParentLocale),
    ("pt-AO", Some(L::PtPt), ParentLocale),
    ("pt-MZ", Some(L::PtPt), ParentLocale),
    ("pt-CV", Some(L::PtPt), ParentLocale),
    ("zh-Hant", Some(L::ZhTw), LikelySubtags),
    ("zh-Hans-CN", Some(L::ZhCn), LikelySubtags),
    ("zh-Hant-HK", Some(L::ZhHk), LikelySubtags),
    ("zh-Hans", Some(L::Zh), LikelySubtags),
    // CLDR's parentLocales: zh_Hant_MO → zh_Hant_HK, which icu4x's fallbacker alone misses.
    ("zh-MO", Some(L::ZhHk), ParentLocale),
    ("zh-Hant-MO", Some(L::ZhHk), ParentLocale),
    ("zh-HK", Some(L::ZhHk), Exact),
    ("en-150", Some(L::En), ParentLocale),
    ("en-DE", Some(L::En), ParentLocale),
    ("es-BZ", Some(L::Es419), ParentLocale),
    ("es-US", Some(L::EsUs), Exact),
    ("pt-LU", Some(L::PtPt), ParentLocale),
    ("pt-CH", Some(L::PtPt), ParentLocale),
    ("hi-Latn", Some(L::En), ParentLocale),
    ("no-NO", Some(L::No), ParentLocale),
    ("en-Latn-US", Some(L::EnUs), LikelySubtags),
    ("sr-Cyrl-RS", Some(L::Sr), LikelySubtags),
    ("sr-Latn", None, LikelySubtags),
    ("ms-Arab", None, LikelySubtags),
    ("iw", Some(L::He), Alias),
    ("iw-IL", Some(L::He), Alias),
    ("in", Some(L::Id), Alias),
    ("tl", Some(L::Fil), Alias),
    ("mo", Some(L::Ro), Alias),
    ("deu-AT", Some(L::De), Alias),
    ("cmn-TW", Some(L::ZhTw), Alias),
    ("nor", Some(L::No), Alias),
    ("fr;q=0.5, de;q=0.9", Some(L::De), QValueOrder),
    ("ja;q=0.1, ko", Some(L::Ko), QValueOrder),
    ("xx, fr;q=0.3", Some(L::Fr), QValueOrder),
    ("da;q=0.8, sv;q=0.8", Some(L::Da), QValueOrder),
    ("es-419;q=0.9, es;q=1", Some(L::Es), QValueOrder),
    ("de;q=0, de-AT, en", Some(L::En), QValueOrder),
    ("*", None, Wildcard),
    ("*, es-MX;q=0.5", Some(L::Es419), Wildcard),
    ("xx, *;q=0.9", None, Wildcard),
    ("", None, Malformed),
    (",,;;q=", None, Malformed),
    ("en-US;q=abc, fr", Some(L::Fr), Malformed),
    ("en-US;q=1.5, ja", Some(L::Ja), Malformed),
    ("zh-TW;q=0.0001, vi", Some(L::Vi), Malformed),
    ("ü-tag, ko", Some(L::Ko), Malformed),
    ("12-34, ru", Some(L::Ru), Malformed),
    ("x-klingon, it", Some(L::It), Malformed),
    ("en-", None, Malformed),
];

#[test]
fn accept_language_table() {
    assert!(TABLE.len() >= 40);
    let failures: Vec<String> = TABLE
        .iter()
        .filter(|(header, want, _)| Locale::negotiate(header) != *want)
        .map(|(header, want, rule)| {
            format!(
                "{header:?} ({rule:?}): want {want:?}, got {:?}",
                Locale::negotiate(header)
            )
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_value_negotiates_and_parses_to_itself() {
    for &v in Locale::ALL {
        let s = v.as_str();
        assert_eq!(Locale::negotiate(s), Some(v), "{s}");
        assert_eq!(Locale::best_match([s]), Some(v), "{s}");
        assert_eq!(Locale::from_str(s), Ok(v), "{s}");
        assert_eq!(Locale::from_str(&s.to_ascii_uppercase()), Ok(v), "{s}");
        assert_eq!(Locale::from_str(&s.to_ascii_lowercase()), Ok(v), "{s}");
        assert_eq!(Locale::from_str(&s.replace('-', "_")), Ok(v), "{s}");
        assert_eq!(v.to_string(), s);
        assert_eq!(serde_json::to_value(v).expect("serializes"), s);
        // The subtags put back together give the value.
        let rebuilt: Vec<&str> = [Some(v.language()), v.script(), v.region()]
            .into_iter()
            .flatten()
            .collect();
        assert_eq!(rebuilt.join("-"), s);
        assert_eq!(v.fallback_chain().first().copied(), Some(s), "{s}");
    }
}

#[test]
fn api_examples() {
    assert_eq!(L::Es419.fallback_chain(), ["es-419", "es"]);
    assert_eq!(L::Nb.fallback_chain(), ["nb", "no"]);
    assert_eq!(L::ZhTw.fallback_chain(), ["zh-TW", "zh-Hant"]);
    assert_eq!(L::Es419.region(), Some("419"));
    assert_eq!(L::Es419.language(), "es");
    assert_eq!(L::Fil.script(), None);
    assert_eq!(Locale::from_str("EN_us"), Ok(L::EnUs));
    assert_eq!(Locale::best_match(["xx", "pt-AO", "en"]), Some(L::PtPt));
    assert_eq!(Locale::best_match(["*", "", "en_CA"]), Some(L::EnCa));
    assert_eq!(Locale::best_match(Vec::<&str>::new()), None);
    // Exact strings on the wire, in both directions.
    assert!(serde_json::from_value::<Locale>(serde_json::json!("en-us")).is_err());
    let err = Locale::from_str("es-MX").expect_err("not a value");
    assert_eq!(err.closest(), ["es-419", "es-ES", "es-US"]);
    assert!(err.to_string().contains("\"es-419\""), "{err}");
}

#[test]
fn icu_interop() {
    use icu_locale_core::LanguageIdentifier;
    for &v in Locale::ALL {
        let id = LanguageIdentifier::from(v);
        assert_eq!(id.to_string(), v.as_str());
        assert_eq!(Locale::try_from(&id), Ok(v));
    }
    let other: LanguageIdentifier = "es-MX".parse().expect("a tag");
    assert!(Locale::try_from(&other).is_err());
}

/// One locale enum as the reference test sees it: each value's wire string, language and
/// fallback chain, and the generated `best_match` (as an index into the values).
struct Enum<'a> {
    values: Vec<&'static str>,
    languages: Vec<&'static str>,
    chains: Vec<&'static [&'static str]>,
    best_match: &'a dyn Fn(&str) -> Option<usize>,
}

macro_rules! locale_enum {
    ($ty:ty) => {
        Enum {
            values: <$ty>::ALL.iter().map(|v| v.as_str()).collect(),
            languages: <$ty>::ALL.iter().map(|v| v.language()).collect(),
            chains: <$ty>::ALL.iter().map(|v| v.fallback_chain()).collect(),
            best_match: &|tag| {
                <$ty>::best_match([tag]).and_then(|v| <$ty>::ALL.iter().position(|w| *w == v))
            },
        }
    };
}

/// The generated walk over the static tables agrees with the generator's CLDR rules (icu4x) for
/// every language of the enum and its aliases, with every two-letter region and each script.
/// Returns how many tags were checked and the disagreements.
fn agree_with_reference(locale: &Enum<'_>) -> (usize, Vec<String>) {
    let values: Vec<String> = locale.values.iter().map(|v| v.to_string()).collect();
    let reference = toolgen::cldr::Reference::new(&values).expect("all tags");
    let aliases = [
        "iw", "in", "tl", "mo", "cmn", "zho", "deu", "nor", "sh", "por",
    ];
    let mut languages: Vec<String> = locale.languages.iter().map(|l| l.to_string()).collect();
    languages.extend(aliases.map(String::from));
    languages.sort();
    languages.dedup();
    let letters = || (b'A'..=b'Z').map(char::from);
    let regions: Vec<String> = letters()
        .flat_map(|a| letters().map(move |b| format!("{a}{b}")))
        .chain(["419", "001", "150"].map(String::from))
        .collect();
    // An alias (`iw`, `zho`) is resolved with the regions of the values and their chains; with
    // any other region it follows the bare alias, by design.
    let value_regions: Vec<String> = locale
        .chains
        .iter()
        .flat_map(|chain| chain.iter())
        .filter_map(|tag| {
            tag.rsplit('-')
                .next()
                .filter(|r| r.len() != 4 && *r != tag.split('-').next().unwrap_or_default())
        })
        .map(String::from)
        .collect();
    let mut checked = 0;
    let mut disagreements = Vec::new();
    for language in &languages {
        for script in [
            None,
            Some("Latn"),
            Some("Cyrl"),
            Some("Hans"),
            Some("Hant"),
            Some("Arab"),
        ] {
            let regions = std::iter::once(None).chain(regions.iter().map(Some));
            for region in regions {
                let tag: Vec<&str> = [Some(language.as_str()), script, region.map(String::as_str)]
                    .into_iter()
                    .flatten()
                    .collect();
                let tag = tag.join("-");
                if aliases.contains(&language.as_str())
                    && region.is_some_and(|r| !value_regions.contains(r))
                {
                    continue;
                }
                let want = reference.pick(&tag);
                let got = (locale.best_match)(&tag);
                checked += 1;
                if want != got {
                    let name = |i: Option<usize>| i.map(|i| locale.values[i]);
                    disagreements.push(format!(
                        "{tag}: CLDR {:?}, generated {:?}",
                        name(want),
                        name(got)
                    ));
                }
            }
        }
    }
    (checked, disagreements)
}

#[test]
fn generated_tables_agree_with_the_reference_rules() {
    let (checked, disagreements) = agree_with_reference(&locale_enum!(Locale));
    assert!(checked > 50_000, "{checked}");
    assert!(
        disagreements.is_empty(),
        "{} of {checked}:\n{}",
        disagreements.len(),
        disagreements[..disagreements.len().min(30)].join("\n")
    );
}

/// The fixtures' locale enums: two of one provider, which share its tables, and one shared by
/// two providers, with the crate's tables. Each agrees with the rules for its own values.
#[test]
fn shared_tables_agree_with_the_reference_rules_for_each_enum() {
    use toolgen_fixtures::locales::prefs::set::{Subtitles, Voice};
    use toolgen_fixtures::shared::UiLang;
    for (name, locale) in [
        ("Subtitles", locale_enum!(Subtitles)),
        ("Voice", locale_enum!(Voice)),
        ("UiLang", locale_enum!(UiLang)),
    ] {
        let (checked, disagreements) = agree_with_reference(&locale);
        assert!(checked > 4_000, "{name}: {checked}");
        assert!(
            disagreements.is_empty(),
            "{name}: {} of {checked}:\n{}",
            disagreements.len(),
            disagreements[..disagreements.len().min(30)].join("\n")
        );
    }
}

proptest! {
    #[test]
    fn hostile_input_never_panics(header in ".{0,200}") {
        let _ = Locale::negotiate(&header);
        let _ = Locale::best_match(header.split(','));
        let _ = Locale::from_str(&header);
    }

    #[test]
    fn header_like_input_never_panics(
        header in "([a-zA-Z0-9_*-]{0,12}(;[qQ]=[0-9.]{0,6})?, ?){0,20}"
    ) {
        if let Some(v) = Locale::negotiate(&header) {
            prop_assert!(Locale::ALL.contains(&v));
        }
    }

    #[test]
    fn any_case_and_separator_parses(index in 0usize..90, mask in any::<u64>()) {
        let v = Locale::ALL[index];
        let spelled: String = v
            .as_str()
            .chars()
            .enumerate()
            .map(|(i, c)| match (c, mask >> (i % 64) & 1) {
                ('-', 1) => '_',
                (c, 1) => c.to_ascii_uppercase(),
                (c, _) => c,
            })
            .collect();
        prop_assert_eq!(Locale::from_str(&spelled), Ok(v));
        prop_assert_eq!(Locale::negotiate(&spelled), Some(v));
    }
}

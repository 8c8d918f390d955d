//! CLDR: resolves, at generation time, everything a locale enum needs at run time into plain
//! tables, with icu4x's compiled CLDR data. No I/O, no tokens.
//!
//! The generated crate does no locale reasoning of its own: for every request key it can meet
//! (`lang`, `lang-Scrp`, `lang-REG`, `lang-Scrp-REG`) this module decides, once, which supported
//! value the CLDR rules pick, and keeps only the keys whose answer the run-time walk (see
//! `runtime/locale.rs`) would not find by itself. A later test compares both for every key.

use std::collections::{BTreeMap, BTreeSet};

use icu_locale::fallback::LocaleFallbackConfig;
use icu_locale::{LocaleCanonicalizer, LocaleExpander, LocaleFallbacker};
use icu_locale_core::subtags::{Language, Region, Script};
use icu_locale_core::{LanguageIdentifier, Locale};

/// The CLDR release behind icu4x's compiled data (`icu_locale_data` and
/// `icu_locale_fallback_data` 2.4).
pub const CLDR_VERSION: &str = "49.0.0";

/// What the generated code knows about a locale enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocaleInfo {
    /// One row per value, in schema order.
    pub rows: Vec<LocaleRow>,
    /// Request keys and the index of the value they resolve to (`None`: no acceptable value),
    /// sorted by key bytes for binary search.
    pub lookup: Vec<(String, Option<usize>)>,
    /// Each known language's likely script, sorted by language; a request in that script is
    /// treated like one without a script.
    pub default_scripts: Vec<(String, String)>,
}

/// The subtags and the CLDR fallback chain of one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocaleRow {
    /// The language subtag, lowercase.
    pub language: String,
    /// The script subtag as written in the value, title case.
    pub script: Option<String>,
    /// The region subtag as written in the value, uppercase or digits.
    pub region: Option<String>,
    /// The CLDR parent chain, from the value itself down to (not including) the root.
    pub chain: Vec<String>,
}

/// Parses a value as a BCP 47 language tag (language, script, region, variants; no extensions,
/// no `_`), as icu_locale_core does. `None` when the value is not one.
pub fn parse_tag(value: &str) -> Option<LanguageIdentifier> {
    // icu's parser accepts the legacy `root` and `und`; neither names a language a user reads.
    let id = LanguageIdentifier::try_from_str(value).ok()?;
    (!id.language.is_unknown()).then_some(id)
}

/// Does CLDR know the tag's language (it has likely subtags for it)?
pub fn is_known_language(id: &LanguageIdentifier) -> bool {
    LocaleExpander::new_extended()
        .get_likely_script(&LanguageIdentifier::from((id.language, None, None)))
        .is_some()
}

/// Resolves the tables for a list of values that are all well-formed tags; `None` otherwise.
pub fn resolve(values: &[String]) -> Option<LocaleInfo> {
    let ids: Vec<LanguageIdentifier> =
        values.iter().map(|v| parse_tag(v)).collect::<Option<_>>()?;
    Some(Resolver::new(&ids).info())
}

/// The rules the tables encode, applied to one tag at a time: for tests that compare the
/// generated walk with them.
pub struct Reference(Resolver);

impl Reference {
    /// The rules for `values`; `None` unless all are tags.
    pub fn new(values: &[String]) -> Option<Self> {
        let ids: Vec<LanguageIdentifier> =
            values.iter().map(|v| parse_tag(v)).collect::<Option<_>>()?;
        Some(Self(Resolver::new(&ids)))
    }

    /// The index of the value picked for `tag`, if any.
    pub fn pick(&self, tag: &str) -> Option<usize> {
        self.0.pick(&LanguageIdentifier::try_from_str(tag).ok()?)
    }
}

struct Resolver {
    canonicalizer: LocaleCanonicalizer,
    expander: LocaleExpander,
    fallbacker: icu_locale::fallback::LocaleFallbackerBorrowed<'static>,
    /// The values as parsed, and canonicalized.
    raw: Vec<LanguageIdentifier>,
    supported: Vec<LanguageIdentifier>,
    maximized: Vec<LanguageIdentifier>,
    chains: Vec<Vec<LanguageIdentifier>>,
    memo: std::cell::RefCell<BTreeMap<String, Option<usize>>>,
}

impl Resolver {
    fn new(ids: &[LanguageIdentifier]) -> Self {
        let mut resolver = Self {
            canonicalizer: LocaleCanonicalizer::new_extended(),
            expander: LocaleExpander::new_extended(),
            fallbacker: LocaleFallbacker::new(),
            raw: ids.to_vec(),
            supported: Vec::new(),
            maximized: Vec::new(),
            chains: Vec::new(),
            memo: Default::default(),
        };
        resolver.supported = ids.iter().map(|id| resolver.canonical(id)).collect();
        resolver.maximized = resolver
            .supported
            .iter()
            .map(|id| resolver.maximize(id))
            .collect();
        resolver.chains = resolver
            .supported
            .iter()
            .map(|id| resolver.chain(id))
            .collect();
        resolver
    }

    fn canonical(&self, id: &LanguageIdentifier) -> LanguageIdentifier {
        let mut locale = Locale::from(id.clone());
        self.canonicalizer.canonicalize(&mut locale);
        locale.id
    }

    fn maximize(&self, id: &LanguageIdentifier) -> LanguageIdentifier {
        let mut out = id.clone();
        self.expander.maximize(&mut out);
        out
    }

    /// The CLDR fallback chain (parent locales, then truncation), without the root.
    fn chain(&self, id: &LanguageIdentifier) -> Vec<LanguageIdentifier> {
        let mut iter = self
            .fallbacker
            .for_config(LocaleFallbackConfig::default())
            .fallback_for(Locale::from(id.clone()).into());
        let mut out = Vec::new();
        // A chain is a handful of steps; the bound only guards against a data bug.
        for _ in 0..16 {
            let step = iter.get();
            if step.is_unknown() {
                break;
            }
            if let Ok(step) = LanguageIdentifier::try_from_str(&step.to_string()) {
                out.push(step);
            }
            iter.step();
        }
        out
    }

    /// The value CLDR picks for one requested tag, by these rules in order:
    /// 1. the tag is a value (ignoring case);
    /// 2. along the tag's CLDR fallback chain (aliases canonicalized first), the first step that
    ///    is a value, or that has the same likely subtags as a value (`zh-Hant` ~ `zh-TW`; ties go
    ///    to the value sharing most subtags with the step, then the shorter, then the first);
    /// 3. a value whose own chain passes through a step of the tag's chain (`no` ⇒ `nb`), the
    ///    nearest first.
    fn pick(&self, request: &LanguageIdentifier) -> Option<usize> {
        let key = request.to_string();
        if let Some(hit) = self.memo.borrow().get(&key) {
            return *hit;
        }
        let hit = self.pick_uncached(request);
        self.memo.borrow_mut().insert(key, hit);
        hit
    }

    fn pick_uncached(&self, request: &LanguageIdentifier) -> Option<usize> {
        if let Some(i) = self.raw.iter().position(|id| id == request) {
            return Some(i);
        }
        let steps = self.chain(&self.canonical(request));
        for step in &steps {
            if let Some(i) = self.supported.iter().position(|id| id == step) {
                return Some(i);
            }
            let max = self.maximize(step);
            let best = (0..self.supported.len())
                .filter(|&i| self.maximized[i] == max)
                .min_by_key(|&i| {
                    let s = &self.supported[i];
                    let shared = usize::from(s.script.is_some() && s.script == step.script)
                        + usize::from(s.region.is_some() && s.region == step.region);
                    (std::cmp::Reverse(shared), subtag_count(s), i)
                });
            if best.is_some() {
                return best;
            }
        }
        for step in &steps {
            let best = (0..self.supported.len())
                .filter_map(|i| {
                    let depth = self.chains[i].iter().position(|c| c == step)?;
                    Some((depth, i))
                })
                .min();
            if let Some((_, i)) = best {
                return Some(i);
            }
        }
        None
    }

    fn info(&self) -> LocaleInfo {
        let rows = self
            .raw
            .iter()
            .zip(&self.supported)
            .map(|(raw, canonical)| LocaleRow {
                language: raw.language.to_string(),
                script: raw.script.map(|s| s.to_string()),
                region: raw.region.map(|r| r.to_string()),
                chain: self
                    .chain(canonical)
                    .iter()
                    .map(|c| c.to_string())
                    .collect(),
            })
            .collect();
        let universe = self.universe();
        let mut lookup: BTreeMap<String, Option<usize>> = BTreeMap::new();
        let mut default_scripts = BTreeMap::new();
        for (language, scripts) in &universe.languages {
            let bare = LanguageIdentifier::from((*language, None, None));
            lookup.insert(bare.to_string(), self.pick(&bare));
            // An alias (`cmn`) is written in the script of what it stands for (`zh`: `Hans`).
            let default = self.expander.get_likely_script(&self.canonical(&bare));
            if let Some(default) = default {
                default_scripts.insert(language.to_string(), default.to_string());
            }
            for script in scripts.iter().filter(|s| Some(**s) != default) {
                let id = LanguageIdentifier::from((*language, Some(*script), None));
                lookup.insert(id.to_string(), self.pick(&id));
            }
        }
        // Region keys only where the walk (`simulate`) would answer differently, then the
        // script-and-region keys the same way. A key never changes the walk of a shorter key.
        for language in universe.languages.keys() {
            for region in universe.regions(*language) {
                let id = LanguageIdentifier::from((*language, None, Some(*region)));
                let want = self.pick(&id);
                if simulate(&lookup, &default_scripts, &id) != Some(want) {
                    lookup.insert(id.to_string(), want);
                }
            }
        }
        for (language, scripts) in &universe.languages {
            for script in scripts {
                for region in universe.regions(*language) {
                    let id = LanguageIdentifier::from((*language, Some(*script), Some(*region)));
                    let want = self.pick(&id);
                    if simulate(&lookup, &default_scripts, &id) != Some(want) {
                        lookup.insert(id.to_string(), want);
                    }
                }
            }
        }
        LocaleInfo {
            rows,
            lookup: lookup.into_iter().collect(),
            default_scripts: default_scripts.into_iter().collect(),
        }
    }

    /// The request keys worth resolving: every language whose tags can reach a value (its own
    /// and its aliases, such as `iw` for `he`), with the scripts CLDR associates with it, and
    /// every region.
    fn universe(&self) -> Universe {
        let mut reachable: BTreeSet<Language> = BTreeSet::new();
        for chain in &self.chains {
            reachable.extend(chain.iter().map(|c| c.language));
        }
        // Every two-letter region: CLDR's parent locales name regions (`es-BZ`) whose own likely
        // subtags tell nothing, so none is left out.
        let mut regions: BTreeSet<Region> = BTreeSet::new();
        let mut scripts: BTreeSet<Script> = BTreeSet::new();
        for a in b'A'..=b'Z' {
            for b in b'A'..=b'Z' {
                let Ok(region) = Region::try_from_utf8(&[a, b]) else {
                    continue;
                };
                regions.insert(region);
                let id = LanguageIdentifier::from((Language::UNKNOWN, None, Some(region)));
                scripts.extend(self.maximize(&id).script);
            }
        }
        for id in self.supported.iter().chain(self.chains.iter().flatten()) {
            regions.extend(id.region);
        }
        let mut alias_regions: BTreeSet<Region> = BTreeSet::new();
        for id in self.supported.iter().chain(self.chains.iter().flatten()) {
            alias_regions.extend(id.region);
        }
        let mut languages: BTreeMap<Language, BTreeSet<Script>> = BTreeMap::new();
        let mut aliases = BTreeSet::new();
        for code in language_codes() {
            let Ok(language) = Language::try_from_str(&code) else {
                continue;
            };
            let bare = LanguageIdentifier::from((language, None, None));
            let canonical = self.canonical(&bare);
            let relevant = reachable.contains(&canonical.language)
                || self
                    .chain(&canonical)
                    .iter()
                    .any(|c| reachable.contains(&c.language));
            if !relevant {
                continue;
            }
            if canonical.language != language {
                aliases.insert(language);
            }
            let scripts = languages.entry(language).or_default();
            let script_regions = if canonical.language != language {
                &alias_regions
            } else {
                &regions
            };
            for region in script_regions {
                let id = LanguageIdentifier::from((language, None, Some(*region)));
                let max = self.maximize(&self.canonical(&id));
                scripts.extend(max.script);
            }
        }
        for id in &self.raw {
            languages.entry(id.language).or_default().extend(id.script);
        }
        // Scripts a language is not usually written in, where CLDR still finds a value
        // (`hi-Latn` ⇒ `en-IN` ⇒ `en`), from the scripts of every region.
        for (language, known) in &mut languages {
            for script in &scripts {
                let id = LanguageIdentifier::from((*language, Some(*script), None));
                if !known.contains(script) && self.pick(&id).is_some() {
                    known.insert(*script);
                }
            }
        }
        Universe {
            languages,
            regions,
            aliases,
            alias_regions,
        }
    }
}

struct Universe {
    languages: BTreeMap<Language, BTreeSet<Script>>,
    /// Every region for a language of its own; only the regions of the values and their chains
    /// for an alias (`iw`, `zho`), whose other regions follow the bare alias.
    regions: BTreeSet<Region>,
    aliases: BTreeSet<Language>,
    alias_regions: BTreeSet<Region>,
}

impl Universe {
    fn regions(&self, language: Language) -> &BTreeSet<Region> {
        if self.aliases.contains(&language) {
            &self.alias_regions
        } else {
            &self.regions
        }
    }
}

/// Every two- and three-letter language code.
fn language_codes() -> impl Iterator<Item = String> {
    let letters = || (b'a'..=b'z').map(char::from);
    let two = letters().flat_map(move |a| letters().map(move |b| format!("{a}{b}")));
    let three = letters().flat_map(move |a| {
        letters().flat_map(move |b| letters().map(move |c| format!("{a}{b}{c}")))
    });
    two.chain(three)
}

fn subtag_count(id: &LanguageIdentifier) -> usize {
    1 + usize::from(id.script.is_some()) + usize::from(id.region.is_some()) + id.variants.len()
}

/// The generated crate's lookup walk, on the tables built so far: `Some(answer)` when it finds a
/// key, `None` when it would find none (which never equals a wanted answer).
///
/// Kept in step with `generator/runtime/locale.rs` (`LocaleTable::lookup`); the integration tests
/// check the generated walk against [`Resolver::pick`] through the generated crate.
fn simulate(
    lookup: &BTreeMap<String, Option<usize>>,
    default_scripts: &BTreeMap<String, String>,
    id: &LanguageIdentifier,
) -> Option<Option<usize>> {
    let language = id.language.to_string();
    let region = id.region.map(|r| r.to_string());
    let mut script = id.script.map(|s| s.to_string());
    if let (Some(s), Some(r)) = (&script, &region)
        && let Some(hit) = lookup.get(&format!("{language}-{s}-{r}"))
    {
        return Some(*hit);
    }
    if script.as_ref() == default_scripts.get(&language) {
        script = None;
    }
    if let Some(s) = script {
        return Some(lookup.get(&format!("{language}-{s}")).copied().flatten());
    }
    if let Some(r) = region
        && let Some(hit) = lookup.get(&format!("{language}-{r}"))
    {
        return Some(*hit);
    }
    Some(lookup.get(&language).copied().flatten())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| v.to_string()).collect()
    }

    fn pick(info: &LocaleInfo, values: &[String], tag: &str) -> Option<String> {
        let id = parse_tag(tag)?;
        let lookup: BTreeMap<String, Option<usize>> = info.lookup.iter().cloned().collect();
        let defaults: BTreeMap<String, String> = info.default_scripts.iter().cloned().collect();
        simulate(&lookup, &defaults, &id)
            .flatten()
            .map(|i| values[i].clone())
    }

    #[test]
    fn cldr_rules_resolve_into_the_tables() {
        let values = strings(&[
            "en", "en-GB", "es", "es-419", "pt-BR", "pt-PT", "zh-CN", "zh-TW", "nb", "sr",
        ]);
        let info = resolve(&values).expect("all are tags");
        let table = [
            ("es-MX", Some("es-419")),
            ("pt-AO", Some("pt-PT")),
            ("pt", Some("pt-BR")),
            ("zh-Hant", Some("zh-TW")),
            ("zh-Hans-CN", Some("zh-CN")),
            ("no", Some("nb")),
            ("iw", None),
            ("sr-Latn", None),
            ("en-AU", Some("en")),
            ("en-US", Some("en")),
            ("de", None),
        ];
        for (tag, want) in table {
            assert_eq!(pick(&info, &values, tag).as_deref(), want, "{tag}");
        }
        assert_eq!(info.rows[3].chain, ["es-419", "es"]);
        assert_eq!(info.rows[3].region.as_deref(), Some("419"));
    }

    #[test]
    fn only_tags_parse() {
        for bad in [
            "en_US",
            "auto",
            "english",
            "x-foo",
            "und",
            "en-u-ca-gregory",
            "",
        ] {
            assert!(parse_tag(bad).is_none(), "{bad}");
        }
        for good in ["en", "EN-us", "zh-Hant-TW", "es-419", "fil"] {
            assert!(parse_tag(good).is_some(), "{good}");
        }
        assert!(!is_known_language(&parse_tag("qaa").expect("a tag")));
    }
}

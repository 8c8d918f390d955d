//! CLDR: resolves, at generation time, everything locale enums need at run time into plain
//! tables, with icu4x's compiled CLDR data. No I/O, no tokens.
//!
//! The generated crate does no locale reasoning of its own. For a set of tags (the values of
//! every locale enum of a provider), [`LocaleData::build`] decides once, for every request key
//! it can meet (`lang`, `lang-Scrp`, `lang-REG`, `lang-Scrp-REG`), which of those tags CLDR's
//! rules prefer, in order, and keeps only the keys whose candidates the run-time walk (see
//! `runtime/src/locale.rs`) would not find by itself. An enum then only says which of the tags
//! are its values: the first candidate group that holds one of them gives the answer, which is
//! the answer the rules give for that enum alone. Tests compare both for every key.
//!
//! The icu4x work for one tag (canonicalize, maximize, the fallback chain) does not depend on the
//! enum, so it is cached for the whole run, per thread (`Cldr`).

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

use icu_locale::fallback::LocaleFallbackConfig;
use icu_locale::fallback::provider::{Baked, LocaleParentsV1};
use icu_locale::{LocaleCanonicalizer, LocaleExpander, LocaleFallbacker};
use icu_locale_core::subtags::{Language, Region, Script};
use icu_locale_core::{LanguageIdentifier, Locale};
use icu_provider::{DataProvider, DataRequest};

/// The CLDR release behind icu4x's compiled data (`icu_locale_data` and
/// `icu_locale_fallback_data` 2.4).
pub const CLDR_VERSION: &str = "49.0.0";

/// What the model keeps of a locale enum: its values as tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocaleInfo {
    /// Each value as icu_locale_core writes it (`EN-us` is `en-US`), in schema order: its row
    /// in the provider's [`LocaleData`].
    pub tags: Vec<String>,
}

/// The CLDR tables that the locale enums of one provider share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocaleData {
    /// One row per tag, sorted by tag.
    pub rows: Vec<LocaleRow>,
    /// Request keys, sorted by key bytes for binary search, with their candidates: groups of
    /// row indices, best group first, each sorted. No group: no acceptable value.
    pub lookup: Vec<(String, Vec<Vec<usize>>)>,
    /// Each known language's likely script, sorted by language; a request in that script is
    /// treated like one without a script.
    pub default_scripts: Vec<(String, String)>,
}

/// The subtags and the CLDR fallback chain of one tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocaleRow {
    /// The tag as icu_locale_core writes it.
    pub tag: String,
    /// The language subtag, lowercase.
    pub language: String,
    /// The script subtag, title case.
    pub script: Option<String>,
    /// The region subtag, uppercase or digits.
    pub region: Option<String>,
    /// The CLDR parent chain, from the tag itself down to (not including) the root.
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
    with_cldr(|cldr| cldr.likely_script(id.language).is_some())
}

/// The model's record of a locale enum whose values are all well-formed tags; `None` otherwise.
pub fn locale_info(values: &[String]) -> Option<LocaleInfo> {
    let tags = values
        .iter()
        .map(|v| parse_tag(v).map(|id| id.to_string()))
        .collect::<Option<_>>()?;
    Some(LocaleInfo { tags })
}

impl LocaleData {
    /// The tables for a set of tags (every value of every locale enum of a provider; repeats
    /// are fine); `None` when there is none or one is not a well-formed tag.
    pub fn build<'a>(tags: impl IntoIterator<Item = &'a str>) -> Option<Self> {
        let mut ids: BTreeMap<String, LanguageIdentifier> = BTreeMap::new();
        for tag in tags {
            let id = parse_tag(tag)?;
            ids.insert(id.to_string(), id);
        }
        if ids.is_empty() {
            return None;
        }
        let ids: Vec<LanguageIdentifier> = ids.into_values().collect();
        Some(with_cldr(|cldr| {
            let data = Resolver::new(cldr, &ids).data(cldr);
            // The memos are worth little to the next provider, and their memory is worth more to
            // the stages after the model.
            cldr.forget();
            data
        }))
    }

    /// The row of a tag (as written in a schema, or as [`LocaleInfo::tags`] has it).
    pub fn row_of(&self, tag: &str) -> Option<usize> {
        let tag = parse_tag(tag)?.to_string();
        self.rows.binary_search_by(|row| row.tag.cmp(&tag)).ok()
    }
}

/// The rules the tables encode, applied to one tag at a time for one enum: for tests that compare
/// the generated walk with them.
pub struct Reference(Resolver);

impl Reference {
    /// The rules for `values`; `None` unless all are tags.
    pub fn new(values: &[String]) -> Option<Self> {
        let ids: Vec<LanguageIdentifier> =
            values.iter().map(|v| parse_tag(v)).collect::<Option<_>>()?;
        Some(Self(with_cldr(|cldr| Resolver::new(cldr, &ids))))
    }

    /// The index of the value picked for `tag`, if any.
    pub fn pick(&self, tag: &str) -> Option<usize> {
        let id = LanguageIdentifier::try_from_str(tag).ok()?;
        with_cldr(|cldr| self.0.pick(cldr, &id))
    }
}

/// CLDR's `parentLocales` as icu4x's compiled data has them: child → parent.
pub fn parent_locales() -> Vec<(String, String)> {
    with_cldr(|cldr| {
        cldr.parents
            .iter()
            .map(|(child, parent)| (child.to_string(), parent.to_string()))
            .collect()
    })
}

/// The CLDR fallback chain of a tag as the tables use it (canonicalized first), from the tag
/// down to (not including) the root.
pub fn fallback_chain(tag: &str) -> Option<Vec<String>> {
    let id = LanguageIdentifier::try_from_str(tag).ok()?;
    Some(with_cldr(|cldr| {
        let canonical = cldr.canonical(&id);
        cldr.chain(&canonical)
            .iter()
            .map(|c| c.to_string())
            .collect()
    }))
}

thread_local! {
    /// The run's CLDR facts: built on first use, kept until the thread ends.
    static CLDR: RefCell<Option<Cldr>> = const { RefCell::new(None) };
}

fn with_cldr<T>(f: impl FnOnce(&mut Cldr) -> T) -> T {
    CLDR.with(|cell| {
        let mut slot = cell.borrow_mut();
        f(slot.get_or_insert_with(Cldr::new))
    })
}

/// icu4x's services and what they answered so far. Every answer depends on the tag alone, never
/// on an enum.
struct Cldr {
    canonicalizer: LocaleCanonicalizer,
    expander: LocaleExpander,
    fallbacker: icu_locale::fallback::LocaleFallbackerBorrowed<'static>,
    /// `parentLocales`, child → parent.
    parents: Vec<(LanguageIdentifier, LanguageIdentifier)>,
    canonical: Memo<LanguageIdentifier>,
    maximized: Memo<LanguageIdentifier>,
    chains: Memo<Rc<[LanguageIdentifier]>>,
    likely_scripts: HashMap<Language, Option<Script>>,
}

/// How many answers a [`Memo`] keeps. A provider's tables ask about some 200,000 request keys
/// once each, and about their few hundred fallback steps again and again: a small memo keeps
/// the steps (they come back at once after a reset) without holding every key.
const MEMO_LIMIT: usize = 20_000;

/// Answers per tag, forgotten all at once when there are [`MEMO_LIMIT`] of them.
struct Memo<V>(HashMap<LanguageIdentifier, V>);

impl<V: Clone> Memo<V> {
    fn new() -> Self {
        Self(HashMap::new())
    }

    fn get(&self, id: &LanguageIdentifier) -> Option<V> {
        self.0.get(id).cloned()
    }

    fn insert(&mut self, id: &LanguageIdentifier, value: &V) {
        if self.0.len() >= MEMO_LIMIT {
            self.0.clear();
        }
        self.0.insert(id.clone(), value.clone());
    }
}

impl Cldr {
    fn new() -> Self {
        let parents = DataProvider::<LocaleParentsV1>::load(&Baked, DataRequest::default())
            .map(|response| {
                response
                    .payload
                    .get()
                    .parents
                    .iter_copied_values()
                    .filter_map(|(child, (language, script, region))| {
                        let child = std::str::from_utf8(&child.0).ok()?;
                        let child = LanguageIdentifier::try_from_str(child).ok()?;
                        Some((child, LanguageIdentifier::from((language, script, region))))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Self {
            canonicalizer: LocaleCanonicalizer::new_extended(),
            expander: LocaleExpander::new_extended(),
            fallbacker: LocaleFallbacker::new(),
            parents,
            canonical: Memo::new(),
            maximized: Memo::new(),
            chains: Memo::new(),
            likely_scripts: HashMap::new(),
        }
    }

    /// Drops the memos (not the services, nor the likely scripts per language).
    fn forget(&mut self) {
        self.canonical = Memo::new();
        self.maximized = Memo::new();
        self.chains = Memo::new();
    }

    fn canonical(&mut self, id: &LanguageIdentifier) -> LanguageIdentifier {
        if let Some(hit) = self.canonical.get(id) {
            return hit;
        }
        let mut locale = Locale::from(id.clone());
        self.canonicalizer.canonicalize(&mut locale);
        self.canonical.insert(id, &locale.id);
        locale.id
    }

    fn maximize(&mut self, id: &LanguageIdentifier) -> LanguageIdentifier {
        if let Some(hit) = self.maximized.get(id) {
            return hit;
        }
        let mut out = id.clone();
        self.expander.maximize(&mut out);
        self.maximized.insert(id, &out);
        out
    }

    fn likely_script(&mut self, language: Language) -> Option<Script> {
        if let Some(hit) = self.likely_scripts.get(&language) {
            return *hit;
        }
        let script = self
            .expander
            .get_likely_script(&LanguageIdentifier::from((language, None, None)));
        self.likely_scripts.insert(language, script);
        script
    }

    /// The script a request in `language` is read in when it names none. An alias (`cmn`) is
    /// written in the script of what it stands for (`zh`: `Hans`; `sh`, which is `sr-Latn`:
    /// `Latn`).
    fn default_script(&mut self, language: Language) -> Option<Script> {
        let canonical = self.canonical(&LanguageIdentifier::from((language, None, None)));
        self.expander.get_likely_script(&canonical)
    }

    /// The CLDR fallback chain (parent locales, then truncation), without the root.
    ///
    /// icu4x's fallbacker drops a script that the region implies before it looks for an
    /// explicit parent, so it never applies a `parentLocales` entry whose child names such a
    /// script (`zh_Hant_MO` → `zh_Hant_HK`): `zh-MO` would fall back to `zh-Hant` directly.
    /// Those entries are applied here, to the step with its likely script added.
    fn chain(&mut self, id: &LanguageIdentifier) -> Rc<[LanguageIdentifier]> {
        if let Some(hit) = self.chains.get(id) {
            return hit;
        }
        let mut out: Vec<LanguageIdentifier> = Vec::new();
        let mut start = id.clone();
        // A chain is a handful of steps; the bounds only guard against a data bug.
        'chain: for _ in 0..4 {
            let mut iter = self
                .fallbacker
                .for_config(LocaleFallbackConfig::default())
                .fallback_for(Locale::from(start.clone()).into());
            for _ in 0..16 {
                let step = iter.get();
                if step.is_unknown() {
                    break 'chain;
                }
                let Ok(step) = LanguageIdentifier::try_from_str(&step.to_string()) else {
                    iter.step();
                    continue;
                };
                if out.contains(&step) {
                    break 'chain;
                }
                out.push(step.clone());
                if let Some(parent) = self.hidden_parent(&step) {
                    start = parent;
                    continue 'chain;
                }
                iter.step();
            }
            break;
        }
        let out: Rc<[LanguageIdentifier]> = out.into();
        self.chains.insert(id, &out);
        out
    }

    /// The `parentLocales` entry of `step` written with the script its region implies, which
    /// icu4x's fallbacker cannot see (see [`Cldr::chain`]).
    fn hidden_parent(&mut self, step: &LanguageIdentifier) -> Option<LanguageIdentifier> {
        if step.script.is_some() || step.region.is_none() || !step.variants.is_empty() {
            return None;
        }
        let script = self.maximize(step).script?;
        let with_script = LanguageIdentifier::from((step.language, Some(script), step.region));
        self.parents
            .iter()
            .find(|(child, _)| *child == with_script)
            .map(|(_, parent)| parent.clone())
    }
}

/// Candidate groups: indices of supported tags, best group first, each sorted.
type Groups = Vec<Vec<usize>>;

struct Resolver {
    /// The values as parsed, and canonicalized.
    raw: Vec<LanguageIdentifier>,
    supported: Vec<LanguageIdentifier>,
    chains: Vec<Rc<[LanguageIdentifier]>>,
    by_raw: HashMap<LanguageIdentifier, Vec<usize>>,
    by_supported: HashMap<LanguageIdentifier, Vec<usize>>,
    by_maximized: HashMap<LanguageIdentifier, Vec<usize>>,
    /// For each step of a value's chain: (depth in that chain, value).
    by_chain_step: HashMap<LanguageIdentifier, Vec<(usize, usize)>>,
    memo: RefCell<Memo<Rc<Groups>>>,
}

impl Resolver {
    fn new(cldr: &mut Cldr, ids: &[LanguageIdentifier]) -> Self {
        let supported: Vec<LanguageIdentifier> = ids.iter().map(|id| cldr.canonical(id)).collect();
        let chains: Vec<Rc<[LanguageIdentifier]>> =
            supported.iter().map(|id| cldr.chain(id)).collect();
        let mut resolver = Self {
            raw: ids.to_vec(),
            supported,
            chains,
            by_raw: HashMap::new(),
            by_supported: HashMap::new(),
            by_maximized: HashMap::new(),
            by_chain_step: HashMap::new(),
            memo: RefCell::new(Memo::new()),
        };
        for (i, raw) in resolver.raw.iter().enumerate() {
            resolver.by_raw.entry(raw.clone()).or_default().push(i);
        }
        for (i, id) in resolver.supported.iter().enumerate() {
            resolver.by_supported.entry(id.clone()).or_default().push(i);
            let max = cldr.maximize(id);
            resolver.by_maximized.entry(max).or_default().push(i);
        }
        for (i, chain) in resolver.chains.iter().enumerate() {
            for (depth, step) in chain.iter().enumerate() {
                let entry = resolver.by_chain_step.entry(step.clone()).or_default();
                entry.push((depth, i));
            }
        }
        resolver
    }

    /// The value CLDR picks for one requested tag: the first of its first candidate group.
    fn pick(&self, cldr: &mut Cldr, request: &LanguageIdentifier) -> Option<usize> {
        self.groups(cldr, request)
            .first()
            .and_then(|group| group.first())
            .copied()
    }

    /// The values that can answer one requested tag, in groups, by these rules in order (the
    /// first group that holds any of an enum's values gives its answer: the one it lists first):
    /// 1. the tag is a value (ignoring case);
    /// 2. along the tag's CLDR fallback chain (aliases canonicalized first, and without its
    ///    script when that is the language's likely one and there is no region: `nb-Latn` is
    ///    `nb`, as in CLDR, though icu4x's fallbacker does not know it), a step that is a
    ///    value, then values with the same likely subtags as the step (`zh-Hant` ~ `zh-TW`;
    ///    those sharing more subtags with the step first, then the shorter);
    /// 3. values whose own chain passes through a step of the tag's chain (`no` ⇒ `nb`), for
    ///    each step in order, the nearest first.
    ///
    /// A value already in a group is left out of the later ones, and empty groups are dropped,
    /// so two requests that any enum answers alike have equal groups.
    fn groups(&self, cldr: &mut Cldr, request: &LanguageIdentifier) -> Rc<Groups> {
        if let Some(hit) = self.memo.borrow().get(request) {
            return hit;
        }
        let mut seen = vec![false; self.raw.len()];
        let mut out: Groups = Vec::new();
        let mut push = |group: &mut dyn Iterator<Item = usize>| {
            let mut group: Vec<usize> = group.filter(|&i| !seen[i]).collect();
            group.sort_unstable();
            group.dedup();
            for &i in &group {
                seen[i] = true;
            }
            if !group.is_empty() {
                out.push(group);
            }
        };
        push(&mut self.by_raw.get(request).into_iter().flatten().copied());
        let stripped = without_likely_script(cldr, request);
        let canonical = cldr.canonical(&stripped);
        let steps = cldr.chain(&canonical);
        for step in steps.iter() {
            push(&mut self.by_supported.get(step).into_iter().flatten().copied());
            let max = cldr.maximize(step);
            if let Some(same) = self.by_maximized.get(&max) {
                let mut ranked: BTreeMap<(std::cmp::Reverse<usize>, usize), Vec<usize>> =
                    BTreeMap::new();
                for &i in same {
                    let s = &self.supported[i];
                    let shared = usize::from(s.script.is_some() && s.script == step.script)
                        + usize::from(s.region.is_some() && s.region == step.region);
                    ranked
                        .entry((std::cmp::Reverse(shared), subtag_count(s)))
                        .or_default()
                        .push(i);
                }
                for group in ranked.into_values() {
                    push(&mut group.into_iter());
                }
            }
        }
        for step in steps.iter() {
            if let Some(through) = self.by_chain_step.get(step) {
                let mut by_depth: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
                for &(depth, i) in through {
                    by_depth.entry(depth).or_default().push(i);
                }
                for group in by_depth.into_values() {
                    push(&mut group.into_iter());
                }
            }
        }
        let out = Rc::new(out);
        self.memo.borrow_mut().insert(request, &out);
        out
    }

    fn data(&self, cldr: &mut Cldr) -> LocaleData {
        let rows = self
            .raw
            .iter()
            .zip(&self.chains)
            .map(|(raw, chain)| LocaleRow {
                tag: raw.to_string(),
                language: raw.language.to_string(),
                script: raw.script.map(|s| s.to_string()),
                region: raw.region.map(|r| r.to_string()),
                chain: chain.iter().map(|c| c.to_string()).collect(),
            })
            .collect();
        let universe = self.universe(cldr);
        let mut lookup: BTreeMap<String, Rc<Groups>> = BTreeMap::new();
        let mut default_scripts = BTreeMap::new();
        for (language, scripts) in &universe.languages {
            let bare = LanguageIdentifier::from((*language, None, None));
            lookup.insert(bare.to_string(), self.groups(cldr, &bare));
            let default = cldr.default_script(*language);
            if let Some(default) = default {
                default_scripts.insert(language.to_string(), default.to_string());
            }
            for script in scripts.iter().filter(|s| Some(**s) != default) {
                let id = LanguageIdentifier::from((*language, Some(*script), None));
                lookup.insert(id.to_string(), self.groups(cldr, &id));
            }
        }
        // Region keys only where the walk (`simulate`) would answer differently, then the
        // script-and-region keys the same way. A key never changes the walk of a shorter key.
        for language in universe.languages.keys() {
            for region in universe.regions(*language) {
                let id = LanguageIdentifier::from((*language, None, Some(*region)));
                let want = self.groups(cldr, &id);
                if !walks_to(simulate(&lookup, &default_scripts, &id), &want) {
                    lookup.insert(id.to_string(), want);
                }
            }
        }
        for (language, scripts) in &universe.languages {
            for script in scripts {
                for region in universe.regions(*language) {
                    let id = LanguageIdentifier::from((*language, Some(*script), Some(*region)));
                    let want = self.groups(cldr, &id);
                    if !walks_to(simulate(&lookup, &default_scripts, &id), &want) {
                        lookup.insert(id.to_string(), want);
                    }
                }
            }
        }
        LocaleData {
            rows,
            lookup: lookup
                .into_iter()
                .map(|(key, groups)| (key, groups.as_ref().clone()))
                .collect(),
            default_scripts: default_scripts.into_iter().collect(),
        }
    }

    /// The request keys worth resolving: every language whose tags can reach a value (its own
    /// and its aliases, such as `iw` for `he`), with the scripts CLDR associates with it, and
    /// every region.
    fn universe(&self, cldr: &mut Cldr) -> Universe {
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
                scripts.extend(cldr.maximize(&id).script);
            }
        }
        let mut alias_regions: BTreeSet<Region> = BTreeSet::new();
        for id in self
            .supported
            .iter()
            .chain(self.chains.iter().flat_map(|c| c.iter()))
        {
            regions.extend(id.region);
            alias_regions.extend(id.region);
        }
        let mut languages: BTreeMap<Language, BTreeSet<Script>> = BTreeMap::new();
        let mut aliases = BTreeSet::new();
        for code in language_codes() {
            let Ok(language) = Language::try_from_str(&code) else {
                continue;
            };
            let bare = LanguageIdentifier::from((language, None, None));
            let canonical = cldr.canonical(&bare);
            let relevant = reachable.contains(&canonical.language)
                || cldr
                    .chain(&canonical)
                    .iter()
                    .any(|c| reachable.contains(&c.language));
            if !relevant {
                continue;
            }
            if canonical.language != language {
                aliases.insert(language);
            }
            let script_regions = if canonical.language != language {
                &alias_regions
            } else {
                &regions
            };
            let mut found = BTreeSet::new();
            for region in script_regions {
                let id = LanguageIdentifier::from((language, None, Some(*region)));
                let canonical = cldr.canonical(&id);
                found.extend(cldr.maximize(&canonical).script);
            }
            languages.entry(language).or_default().extend(found);
        }
        for id in &self.raw {
            languages.entry(id.language).or_default().extend(id.script);
        }
        // Scripts a language is not usually written in, where CLDR still finds a value
        // (`hi-Latn` ⇒ `en-IN` ⇒ `en`), from the scripts of every region.
        for (language, known) in &mut languages {
            for script in &scripts {
                let id = LanguageIdentifier::from((*language, Some(*script), None));
                if !known.contains(script) && !self.groups(cldr, &id).is_empty() {
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

/// `request` without its script when it has no region and the script is its language's default
/// one ([`Cldr::default_script`]: `cmn-Hans` is `cmn`): the run-time walk reads such a request as
/// the bare language, as CLDR's likely subtags do.
fn without_likely_script(cldr: &mut Cldr, request: &LanguageIdentifier) -> LanguageIdentifier {
    let Some(script) = request.script else {
        return request.clone();
    };
    if request.region.is_some() || !request.variants.is_empty() {
        return request.clone();
    }
    let bare = LanguageIdentifier::from((request.language, None, None));
    if cldr.default_script(request.language) == Some(script) {
        bare
    } else {
        request.clone()
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

/// The generated crate's lookup walk, on the tables built so far: the candidates of the key it
/// stops at (`None` when it finds no key, which means no candidates).
///
/// Kept in step with `runtime/src/locale.rs` (`LocaleData::candidates`); the integration tests
/// check the generated walk against [`Reference`] through the generated crate.
fn simulate<'a>(
    lookup: &'a BTreeMap<String, Rc<Groups>>,
    default_scripts: &BTreeMap<String, String>,
    id: &LanguageIdentifier,
) -> Option<&'a Groups> {
    let found = |key: &str| lookup.get(key).map(|groups| groups.as_ref());
    let language = id.language.to_string();
    let region = id.region.map(|r| r.to_string());
    let mut script = id.script.map(|s| s.to_string());
    if let (Some(s), Some(r)) = (&script, &region)
        && let Some(hit) = found(&format!("{language}-{s}-{r}"))
    {
        return Some(hit);
    }
    if script.as_ref() == default_scripts.get(&language) {
        script = None;
    }
    if let Some(s) = script {
        return found(&format!("{language}-{s}"));
    }
    if let Some(r) = region
        && let Some(hit) = found(&format!("{language}-{r}"))
    {
        return Some(hit);
    }
    found(&language)
}

/// Whether the walk's candidates are the wanted ones (no key found: no candidates).
fn walks_to(walked: Option<&Groups>, want: &Groups) -> bool {
    walked.map_or(want.is_empty(), |groups| groups == want)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| v.to_string()).collect()
    }

    /// The walk over `data` for an enum whose values are `values`, as the runtime does it.
    fn pick(data: &LocaleData, values: &[String], tag: &str) -> Option<usize> {
        if let Some(exact) = values.iter().position(|v| v.eq_ignore_ascii_case(tag)) {
            return Some(exact);
        }
        let id = parse_tag(tag)?;
        let rows: Vec<usize> = values.iter().filter_map(|v| data.row_of(v)).collect();
        let lookup: BTreeMap<String, Rc<Groups>> = data
            .lookup
            .iter()
            .map(|(key, groups)| (key.clone(), Rc::new(groups.clone())))
            .collect();
        let defaults: BTreeMap<String, String> = data.default_scripts.iter().cloned().collect();
        let groups = simulate(&lookup, &defaults, &id)
            .cloned()
            .unwrap_or_default();
        groups.iter().find_map(|group| {
            group
                .iter()
                .filter_map(|row| rows.iter().position(|r| r == row))
                .min()
        })
    }

    #[test]
    fn cldr_rules_resolve_into_the_tables() {
        let values = strings(&[
            "en", "en-GB", "es", "es-419", "pt-BR", "pt-PT", "zh-CN", "zh-TW", "nb", "sr",
        ]);
        let data = LocaleData::build(values.iter().map(String::as_str)).expect("all are tags");
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
            let got = pick(&data, &values, tag).map(|i| values[i].as_str());
            assert_eq!(got, want, "{tag}");
        }
        let es419 = &data.rows[data.row_of("es-419").expect("a row")];
        assert_eq!(es419.chain, ["es-419", "es"]);
        assert_eq!(es419.region.as_deref(), Some("419"));
    }

    /// One table for the union of many enums answers each enum as the rules for that enum
    /// alone do, for every key of the universe.
    #[test]
    fn shared_tables_answer_every_subset_like_its_own_rules() {
        let all = strings(&[
            "en", "en-AU", "en-GB", "en-US", "es", "es-419", "es-ES", "pt", "pt-BR", "pt-PT", "zh",
            "zh-CN", "zh-HK", "zh-TW", "nb", "nn", "no", "sr", "he", "id", "fil", "de", "de-DE",
            "fr-CA", "hi", "ms",
        ]);
        let data = LocaleData::build(all.iter().map(String::as_str)).expect("all are tags");
        let subsets: Vec<Vec<String>> = vec![
            all.clone(),
            strings(&["en-GB", "en-AU", "es-ES", "pt-PT", "zh-HK", "no"]),
            strings(&["zh-TW", "zh", "en-US", "es-419", "nn", "hi"]),
            strings(&["pt", "es", "en", "nb", "zh-CN", "de-DE"]),
            strings(&["zh-HK", "zh-TW", "en-AU", "en-US", "ms", "fil", "he"]),
        ];
        let mut tags = Vec::new();
        for language in [
            "en", "es", "pt", "zh", "nb", "nn", "no", "sr", "he", "iw", "id", "in", "fil", "tl",
            "de", "fr", "hi", "ms", "cmn", "zho", "nor",
        ] {
            tags.push(language.to_string());
            for script in ["Latn", "Hans", "Hant", "Cyrl", "Arab", "Deva"] {
                tags.push(format!("{language}-{script}"));
                for region in ["US", "GB", "IN", "MX", "AO", "MO", "HK", "TW", "SG", "NO"] {
                    tags.push(format!("{language}-{script}-{region}"));
                }
            }
            for region in [
                "US", "GB", "AU", "IN", "DE", "MX", "419", "ES", "AO", "BR", "PT", "MO", "HK",
                "TW", "CN", "SG", "NO", "MY", "PH", "IL", "ID", "CH", "001", "150",
            ] {
                tags.push(format!("{language}-{region}"));
            }
        }
        // An alias (`iw`, `zho`) is resolved with the regions of the values and their chains;
        // with any other region it follows the bare alias, by design.
        let aliases = ["iw", "in", "tl", "cmn", "zho", "nor"];
        let mut disagreements = Vec::new();
        for values in &subsets {
            let reference = Reference::new(values).expect("all are tags");
            let regions: BTreeSet<String> = values
                .iter()
                .filter_map(|v| fallback_chain(v))
                .flatten()
                .filter_map(|step| parse_tag(&step)?.region.map(|r| r.to_string()))
                .collect();
            for tag in &tags {
                let mut subtags = tag.split('-');
                let language = subtags.next().unwrap_or_default();
                let region = subtags.find(|s| s.len() != 4);
                if aliases.contains(&language) && region.is_some_and(|r| !regions.contains(r)) {
                    continue;
                }
                let want = reference.pick(tag);
                let got = pick(&data, values, tag);
                if want != got {
                    disagreements.push(format!("{values:?} {tag}: rules {want:?}, table {got:?}"));
                }
            }
        }
        assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
    }

    /// Every `parentLocales` entry of CLDR is the second step of its child's chain, also where
    /// the child names a script that its region implies (`zh_Hant_MO` → `zh_Hant_HK`).
    #[test]
    fn chains_follow_cldr_parent_locales() {
        let parents = parent_locales();
        assert!(parents.len() > 100, "{}", parents.len());
        let mut wrong = Vec::new();
        for (child, parent) in &parents {
            if child.starts_with("und") {
                continue;
            }
            let chain = fallback_chain(child).unwrap_or_default();
            // The chain writes a step without the script its region implies (`zh-HK`).
            let same = |step: &String| {
                let max = |tag: &str| {
                    let id = LanguageIdentifier::try_from_str(tag).ok()?;
                    Some(with_cldr(|cldr| cldr.maximize(&id)))
                };
                step == parent || (parent.contains('-') && max(step) == max(parent))
            };
            if !chain.get(1).is_some_and(same) {
                wrong.push(format!("{child}: CLDR parent {parent}, chain {chain:?}"));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
        assert_eq!(
            fallback_chain("zh-MO").unwrap_or_default(),
            ["zh-MO", "zh-HK", "zh-Hant"]
        );
        assert_eq!(
            fallback_chain("en-IN").unwrap_or_default(),
            ["en-IN", "en-001", "en"]
        );
        assert_eq!(
            fallback_chain("es-MX").unwrap_or_default(),
            ["es-MX", "es-419", "es"]
        );
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

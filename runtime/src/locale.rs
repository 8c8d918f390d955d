//! Locale negotiation for the generated locale enums: parsing `Accept-Language` headers and
//! language tags, and walking the CLDR tables that the generator resolved.
//!
//! The tables come in two parts. [`LocaleData`] is shared by all locale enums of a provider: one
//! row per tag that any of them has, and for every request key the candidate rows in CLDR's
//! order of preference. [`LocaleTable`] is one enum's: its values and each value's row. A
//! lookup finds the request's candidates in the shared data and takes the first candidate group
//! that holds one of the enum's values.
//!
//! Everything here works on untrusted text and never panics: a malformed range is skipped, a
//! malformed tag matches nothing. No allocation is proportional to anything but the header.

use super::error::ParseEnumError;

/// The CLDR data that the locale enums of one provider share, resolved by the generator.
#[derive(Debug)]
pub struct LocaleData {
    /// One row per tag that some locale enum has, sorted by tag.
    pub rows: &'static [LocaleRow],
    /// Request keys (`lang`, `lang-Scrp`, `lang-REG`, `lang-Scrp-REG`) sorted by bytes, with
    /// their candidates: groups of row numbers (decimal) separated by a space, the rows of a
    /// group by a comma, best group first. An enum picks, from the first group that holds any
    /// of its values, the one it lists first; no such group means no acceptable value.
    pub lookup: &'static [(&'static str, &'static str)],
    /// Each language's likely script, sorted by language; a request in that script is treated
    /// like one without a script.
    pub default_scripts: &'static [(&'static str, &'static str)],
}

/// The generated data of one locale enum, in the order of its `ALL` constant.
#[derive(Debug)]
pub struct LocaleTable {
    /// The enum's name, for error messages.
    pub type_name: &'static str,
    /// The exact schema strings.
    pub values: &'static [&'static str],
    /// Each value's row in [`LocaleData::rows`], as two bytes, big-endian.
    pub rows: &'static [u8],
    /// The CLDR data the enum shares with the other locale enums of its provider.
    pub data: &'static LocaleData,
}

/// One tag of a locale enum.
#[derive(Debug)]
pub struct LocaleRow {
    /// Its language subtag.
    pub language: &'static str,
    /// Its script subtag, if it has one.
    pub script: Option<&'static str>,
    /// Its region subtag, if it has one.
    pub region: Option<&'static str>,
    /// Its CLDR fallback chain, from the value itself to the last step before the root.
    pub chain: &'static [&'static str],
}

impl LocaleRow {
    /// A row, in the order the fields are declared.
    pub const fn new(
        language: &'static str,
        script: Option<&'static str>,
        region: Option<&'static str>,
        chain: &'static [&'static str],
    ) -> Self {
        Self {
            language,
            script,
            region,
            chain,
        }
    }
}

/// What [`LocaleTable::row`] gives for an index it does not have (generated tables have a row
/// for every value, so only a hand-made table can reach it).
static NO_ROW: LocaleRow = LocaleRow::new("", None, None, &[]);

impl LocaleData {
    /// The candidates of the key that the walk for `tag` stops at: the key with script and
    /// region, else (a script that is not the language's likely one) the key with the script
    /// alone, else the key with the region, else the language. Empty when there is none.
    fn candidates(&self, tag: &Tag) -> &'static str {
        let get = |key: &Key| -> Option<&'static str> {
            let key = key.as_bytes();
            let found = self
                .lookup
                .binary_search_by(|(k, _)| k.as_bytes().cmp(key))
                .ok()?;
            self.lookup.get(found).map(|(_, candidates)| *candidates)
        };
        let language = tag.language();
        if let (Some(script), Some(region)) = (tag.script(), tag.region())
            && let Some(hit) = get(&Key::new(&[language, script, region]))
        {
            return hit;
        }
        let default = self
            .default_scripts
            .binary_search_by(|(l, _)| l.as_bytes().cmp(language.as_bytes()))
            .ok()
            .and_then(|i| self.default_scripts.get(i))
            .map(|(_, script)| *script);
        if let Some(script) = tag.script().filter(|s| Some(*s) != default) {
            return get(&Key::new(&[language, script])).unwrap_or_default();
        }
        if let Some(hit) = tag.region().and_then(|r| get(&Key::new(&[language, r]))) {
            return hit;
        }
        get(&Key::new(&[language])).unwrap_or_default()
    }
}

impl LocaleTable {
    /// The row of the value at `index` (in `values` order).
    pub fn row(&self, index: usize) -> &'static LocaleRow {
        self.row_number(index)
            .and_then(|row| self.data.rows.get(usize::from(row)))
            .unwrap_or(&NO_ROW)
    }

    fn row_number(&self, index: usize) -> Option<u16> {
        let pair = self.rows.get(index * 2..index * 2 + 2)?;
        Some(u16::from_be_bytes([*pair.first()?, *pair.get(1)?]))
    }

    /// The first value (in `values` order) whose row is in the first group of `candidates` that
    /// has any (see [`LocaleData::lookup`]).
    fn pick(&self, candidates: &str) -> Option<usize> {
        candidates.split(' ').find_map(|group| {
            group
                .split(',')
                .filter_map(|row| row.parse::<u16>().ok())
                .filter_map(|row| {
                    self.rows
                        .chunks_exact(2)
                        .position(|pair| pair == row.to_be_bytes())
                })
                .min()
        })
    }

    /// The value an `Accept-Language` header (RFC 9110) picks: ranges in order of q-value (ties
    /// keep header order), each looked up as [`LocaleTable::lookup`] does. `*` is skipped, as
    /// RFC 4647 lookup does, so a header of only `*` leaves the choice to the caller's default.
    /// A range with `q=0` makes every value it covers (as a prefix) unacceptable. Malformed
    /// ranges are skipped.
    pub fn negotiate(&self, header: &str) -> Option<usize> {
        let mut ranges: Vec<(u16, &str)> = Vec::new();
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or_default().trim();
            if tag.is_empty() {
                continue;
            }
            let mut q = Some(1000);
            for param in pieces {
                let param = param.trim();
                if let Some(value) = param
                    .strip_prefix("q=")
                    .or_else(|| param.strip_prefix("Q="))
                {
                    q = parse_q(value.trim());
                }
            }
            if let Some(q) = q {
                ranges.push((q, tag));
            }
        }
        // A stable sort keeps header order among equal q-values.
        ranges.sort_by_key(|&(q, _)| std::cmp::Reverse(q));
        let refused = |index: usize| {
            ranges.iter().any(|&(q, tag)| {
                q == 0
                    && tag != "*"
                    && covers(tag, self.values.get(index).copied().unwrap_or_default())
            })
        };
        ranges
            .iter()
            .filter(|&&(q, tag)| q > 0 && tag != "*")
            .filter_map(|&(_, tag)| self.lookup(tag))
            .find(|&index| !refused(index))
    }

    /// The first of `wanted` (most preferred first) that resolves to a value.
    pub fn best_match<'a>(&self, wanted: impl IntoIterator<Item = &'a str>) -> Option<usize> {
        wanted.into_iter().find_map(|tag| self.lookup(tag.trim()))
    }

    /// The value CLDR picks for one language tag (`_` is read as `-`, case is ignored): the tag
    /// itself, else its CLDR parent locales, likely subtags and aliases, as resolved by the
    /// generator. A script the language is not written in matches nothing.
    pub fn lookup(&self, tag: &str) -> Option<usize> {
        if let Some(exact) = self.values.iter().position(|value| same_tag(value, tag)) {
            return Some(exact);
        }
        let tag = Tag::parse(tag)?;
        self.pick(self.data.candidates(&tag))
    }

    /// The value spelled `text`, ignoring ASCII case and reading `_` as `-`; otherwise an error
    /// that names the closest values.
    pub fn parse(&self, text: &str) -> Result<usize, ParseEnumError> {
        if let Some(index) = self.values.iter().position(|value| same_tag(value, text)) {
            return Ok(index);
        }
        Err(ParseEnumError::new(self.type_name, text, self.values).with_closest(self.closest(text)))
    }

    /// Up to three values nearest to `text`: the one [`LocaleTable::lookup`] picks for it, then
    /// those of the same language, then by edit distance, then in schema order.
    fn closest(&self, text: &str) -> Vec<&'static str> {
        let picked = self.lookup(text);
        // Long input says nothing more about what was meant, and would cost more to compare.
        let text: Vec<u8> = text.bytes().take(32).map(normalize).collect();
        let language: Vec<u8> = text
            .split(|&b| b == b'-')
            .next()
            .unwrap_or_default()
            .to_vec();
        let mut ranked: Vec<(bool, bool, usize, usize)> = self
            .values
            .iter()
            .enumerate()
            .map(|(index, value)| {
                let value: Vec<u8> = value.bytes().map(normalize).collect();
                let same_language = self
                    .row(index)
                    .language
                    .as_bytes()
                    .eq_ignore_ascii_case(&language);
                let distance = edit_distance(&text, &value);
                (picked != Some(index), !same_language, distance, index)
            })
            .collect();
        ranked.sort_unstable();
        ranked
            .into_iter()
            .take(3)
            .filter_map(|(.., index)| self.values.get(index).copied())
            .collect()
    }
}

/// Whether `text` spells `value`, ignoring ASCII case and reading `_` as `-`.
fn same_tag(value: &str, text: &str) -> bool {
    value.len() == text.len()
        && value
            .bytes()
            .zip(text.bytes())
            .all(|(a, b)| normalize(a) == normalize(b))
}

/// Lowercase, with `_` read as `-`.
fn normalize(byte: u8) -> u8 {
    if byte == b'_' {
        b'-'
    } else {
        byte.to_ascii_lowercase()
    }
}

/// Does the range `range` cover `tag` (equal, or a prefix ending at a subtag boundary)?
fn covers(range: &str, tag: &str) -> bool {
    let (range, tag) = (range.as_bytes(), tag.as_bytes());
    tag.len() >= range.len()
        && tag
            .iter()
            .zip(range)
            .all(|(a, b)| normalize(*a) == normalize(*b))
        && matches!(tag.get(range.len()), None | Some(b'-' | b'_'))
}

/// An RFC 9110 qvalue in thousandths: `0`, `0.5`, `1.000`; `None` when malformed.
fn parse_q(text: &str) -> Option<u16> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths = fraction
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(3)
        .fold(0u16, |acc, b| acc * 10 + u16::from(b - b'0'));
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

/// Levenshtein distance between two short byte strings.
fn edit_distance(a: &[u8], b: &[u8]) -> usize {
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, &x) in a.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, &y) in b.iter().enumerate() {
            let substitute = previous.get(j).copied().unwrap_or_default() + usize::from(x != y);
            let delete = previous.get(j + 1).copied().unwrap_or_default() + 1;
            let insert = current.get(j).copied().unwrap_or_default() + 1;
            current.push(substitute.min(delete).min(insert));
        }
        previous = current;
    }
    previous.last().copied().unwrap_or_default()
}

/// A well-formed tag's language, script and region, in canonical case, on the stack.
struct Tag {
    language: ([u8; 3], usize),
    script: Option<[u8; 4]>,
    region: Option<([u8; 3], usize)>,
}

impl Tag {
    /// Reads `lang[-ext]*[-Scrp][-REG][-variant|-extension]*`; anything else is `None`.
    /// Extended language subtags, variants and extensions do not change the pick, so they are
    /// checked for shape and dropped.
    fn parse(text: &str) -> Option<Self> {
        let mut subtags = text.split(['-', '_']).peekable();
        let first = subtags.next()?.as_bytes();
        if !(2..=3).contains(&first.len()) || !first.iter().all(u8::is_ascii_alphabetic) {
            return None;
        }
        let mut language = [0u8; 3];
        for (slot, byte) in language.iter_mut().zip(first) {
            *slot = byte.to_ascii_lowercase();
        }
        let mut tag = Self {
            language: (language, first.len()),
            script: None,
            region: None,
        };
        let alpha = |s: &[u8], n: usize| s.len() == n && s.iter().all(u8::is_ascii_alphabetic);
        for _ in 0..3 {
            match subtags.peek() {
                Some(s) if alpha(s.as_bytes(), 3) => {
                    subtags.next();
                }
                _ => break,
            }
        }
        if let Some(s) = subtags.peek().map(|s| s.as_bytes()).filter(|s| alpha(s, 4)) {
            let mut script = [0u8; 4];
            for (i, (slot, byte)) in script.iter_mut().zip(s).enumerate() {
                *slot = if i == 0 {
                    byte.to_ascii_uppercase()
                } else {
                    byte.to_ascii_lowercase()
                };
            }
            tag.script = Some(script);
            subtags.next();
        }
        let is_region =
            |s: &&[u8]| alpha(s, 2) || (s.len() == 3 && s.iter().all(u8::is_ascii_digit));
        if let Some(s) = subtags.peek().map(|s| s.as_bytes()).filter(is_region) {
            let mut region = [0u8; 3];
            for (slot, byte) in region.iter_mut().zip(s) {
                *slot = byte.to_ascii_uppercase();
            }
            tag.region = Some((region, s.len()));
            subtags.next();
        }
        let well_formed = subtags
            .all(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()));
        well_formed.then_some(tag)
    }

    fn language(&self) -> &str {
        let (bytes, len) = &self.language;
        ascii(bytes.get(..*len).unwrap_or_default())
    }

    fn script(&self) -> Option<&str> {
        self.script.as_ref().map(|bytes| ascii(bytes))
    }

    fn region(&self) -> Option<&str> {
        self.region
            .as_ref()
            .map(|(bytes, len)| ascii(bytes.get(..*len).unwrap_or_default()))
    }
}

/// Bytes that are known to be ASCII, as text.
fn ascii(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap_or_default()
}

/// A lookup key (`zh-Hant-TW`), built on the stack.
struct Key {
    bytes: [u8; 12],
    len: usize,
}

impl Key {
    fn new(parts: &[&str]) -> Self {
        let mut key = Self {
            bytes: [0; 12],
            len: 0,
        };
        for (i, part) in parts.iter().enumerate() {
            let separator: &[u8] = if i == 0 { b"" } else { b"-" };
            for &byte in separator.iter().chain(part.as_bytes()) {
                if let Some(slot) = key.bytes.get_mut(key.len) {
                    *slot = byte;
                    key.len += 1;
                }
            }
        }
        key
    }

    fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or_default()
    }
}

//! Source positions: finds the bytes of the value a JSON pointer names in a file's original text,
//! so that a diagnostic can underline it.
//!
//! Parsed values (`serde_json::Value`) keep no positions, so this module scans the text itself:
//! a small JSON scanner that follows the pointer's tokens and skips everything else, and, for
//! TOML overlays, a walk over the `toml` crate's spanned document. A pointer that does not exist
//! in the text (it names a part of a normalized or patched schema) falls back to its nearest
//! existing ancestor; [`Location::exact`] tells which.

use std::ops::Range;

use toml::de::{DeArray, DeTable, DeValue};

/// Where a pointer's value lies in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The bytes of the value (a string's quotes included).
    pub value: Range<usize>,
    /// The bytes of the key (with its quotes) when the value is an object member.
    pub key: Option<Range<usize>>,
    /// Whether the whole pointer was found; otherwise this is its nearest existing ancestor.
    pub exact: bool,
}

impl Location {
    /// The span to underline: the value when it fits on one line, else its key (or, for an
    /// array element, its first character), so that a large object is not printed whole.
    pub fn underline(&self, text: &str) -> Range<usize> {
        let value = text.get(self.value.clone()).unwrap_or("");
        if !value.contains('\n') {
            return self.value.clone();
        }
        match &self.key {
            Some(key) => key.clone(),
            None => self.value.start..self.value.start + 1,
        }
    }
}

/// The reference tokens of a JSON pointer (RFC 6901), unescaped; `None` when it is malformed.
pub fn pointer_tokens(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    let rest = pointer.strip_prefix('/')?;
    Some(
        rest.split('/')
            .map(|token| token.replace("~1", "/").replace("~0", "~"))
            .collect(),
    )
}

/// Finds the value at `pointer` in the JSON `text`. `None` when the text is not JSON as far as
/// the scan goes, or the pointer is malformed.
pub fn locate_json(text: &str, pointer: &str) -> Option<Location> {
    let tokens = pointer_tokens(pointer)?;
    let mut scanner = Scanner { text, pos: 0 };
    scanner.skip_ws();
    scanner.find(&tokens, None)
}

/// The byte offset of a 1-based line and column (columns count bytes, as serde_json's do),
/// clamped to the text and moved back to a character boundary.
pub fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].find('\n') {
            Some(index) => start += index + 1,
            None => break,
        }
    }
    let mut offset = (start + column.saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The 1-based line and column (in bytes) of a byte offset, clamped to the text: the inverse of
/// [`offset_of`], for parsers that report spans (the `toml` crate).
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = 1 + before.matches('\n').count();
    let column = 1 + before.len() - before.rfind('\n').map_or(0, |i| i + 1);
    (line, column)
}

/// A cursor over JSON text that understands just enough to find and skip values.
#[derive(Clone)]
struct Scanner<'a> {
    text: &'a str,
    pos: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Follows `tokens` from the value at the cursor. Duplicate keys resolve to the last one, as
    /// they do when serde_json parses the file.
    fn find(&mut self, tokens: &[String], key: Option<Range<usize>>) -> Option<Location> {
        let start = self.pos;
        let Some((token, rest)) = tokens.split_first() else {
            let value = self.skip_value()?;
            return Some(Location {
                value,
                key,
                exact: true,
            });
        };
        let mut found = None;
        match self.peek()? {
            b'{' => {
                self.pos += 1;
                self.skip_ws();
                if !self.eat(b'}') {
                    loop {
                        self.skip_ws();
                        let (name, name_span) = self.string()?;
                        self.skip_ws();
                        if !self.eat(b':') {
                            return None;
                        }
                        self.skip_ws();
                        if name == *token {
                            found = self.clone().find(rest, Some(name_span));
                        }
                        self.skip_value()?;
                        self.skip_ws();
                        if self.eat(b'}') {
                            break;
                        }
                        if !self.eat(b',') {
                            return None;
                        }
                    }
                }
            }
            b'[' => {
                // RFC 6901: an index is `0` or digits without a leading zero.
                let wanted = (token == "0" || !token.starts_with('0'))
                    .then(|| token.parse::<usize>().ok())
                    .flatten();
                self.pos += 1;
                self.skip_ws();
                if !self.eat(b']') {
                    let mut index = 0;
                    loop {
                        self.skip_ws();
                        if Some(index) == wanted {
                            found = self.clone().find(rest, None);
                        }
                        self.skip_value()?;
                        self.skip_ws();
                        if self.eat(b']') {
                            break;
                        }
                        if !self.eat(b',') {
                            return None;
                        }
                        index += 1;
                    }
                }
            }
            _ => {
                self.skip_value()?;
            }
        }
        found.or(Some(Location {
            value: start..self.pos,
            key,
            exact: false,
        }))
    }

    /// Skips one value and returns its span.
    fn skip_value(&mut self) -> Option<Range<usize>> {
        let start = self.pos;
        match self.peek()? {
            b'"' => {
                self.string()?;
            }
            open @ (b'{' | b'[') => {
                let close = if open == b'{' { b'}' } else { b']' };
                self.pos += 1;
                self.skip_ws();
                if !self.eat(close) {
                    loop {
                        self.skip_ws();
                        if open == b'{' {
                            self.string()?;
                            self.skip_ws();
                            if !self.eat(b':') {
                                return None;
                            }
                            self.skip_ws();
                        }
                        self.skip_value()?;
                        self.skip_ws();
                        if self.eat(close) {
                            break;
                        }
                        if !self.eat(b',') {
                            return None;
                        }
                    }
                }
            }
            _ => {
                // A number or a literal: everything up to a delimiter.
                while let Some(byte) = self.peek() {
                    if matches!(byte, b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r') {
                        break;
                    }
                    self.pos += 1;
                }
                if self.pos == start {
                    return None;
                }
            }
        }
        Some(start..self.pos)
    }

    /// Reads a string at the cursor: its decoded text and its span, quotes included.
    fn string(&mut self) -> Option<(String, Range<usize>)> {
        let start = self.pos;
        if !self.eat(b'"') {
            return None;
        }
        let mut out = String::new();
        loop {
            let rest = &self.text[self.pos..];
            let stop = rest.find(['"', '\\'])?;
            out.push_str(&rest[..stop]);
            self.pos += stop;
            if self.eat(b'"') {
                return Some((out, start..self.pos));
            }
            self.pos += 1; // the backslash
            let escape = self.peek()?;
            self.pos += 1;
            match escape {
                b'"' => out.push('"'),
                b'\\' => out.push('\\'),
                b'/' => out.push('/'),
                b'b' => out.push('\u{8}'),
                b'f' => out.push('\u{c}'),
                b'n' => out.push('\n'),
                b'r' => out.push('\r'),
                b't' => out.push('\t'),
                b'u' => {
                    let high = self.hex4()?;
                    let code = if (0xD800..0xDC00).contains(&high)
                        && self.text[self.pos..].starts_with("\\u")
                    {
                        let save = self.pos;
                        self.pos += 2;
                        match self.hex4()? {
                            low @ 0xDC00..0xE000 => {
                                0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                            }
                            _ => {
                                self.pos = save;
                                high
                            }
                        }
                    } else {
                        high
                    };
                    out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
                }
                _ => return None,
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.text.get(self.pos..self.pos + 4)?;
        let code = u32::from_str_radix(digits, 16).ok()?;
        self.pos += 4;
        Some(code)
    }
}

/// Finds the value at `pointer` in the TOML `text` (an overlay written in TOML). `None` when the
/// text is not valid TOML or the pointer is malformed.
pub fn locate_toml(text: &str, pointer: &str) -> Option<Location> {
    let tokens = pointer_tokens(pointer)?;
    let root = DeTable::parse(text).ok()?;
    let mut location = Location {
        value: root.span(),
        key: None,
        exact: tokens.is_empty(),
    };
    let mut table = Some(root.get_ref());
    let mut array: Option<&DeArray<'_>> = None;
    for (depth, token) in tokens.iter().enumerate() {
        let next = if let Some(map) = table {
            map.iter()
                .find(|(name, _)| name.get_ref().as_ref() == token.as_str())
                .map(|(name, value)| (Some(name.span()), value))
        } else if let Some(items) = array {
            token
                .parse::<usize>()
                .ok()
                .and_then(|index| items.get(index))
                .map(|value| (None, value))
        } else {
            None
        };
        let Some((key, value)) = next else {
            break;
        };
        location = Location {
            value: value.span(),
            key,
            exact: depth + 1 == tokens.len(),
        };
        (table, array) = match value.get_ref() {
            DeValue::Table(map) => (Some(map), None),
            DeValue::Array(items) => (None, Some(items)),
            _ => (None, None),
        };
    }
    Some(location)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text of the span that `pointer` underlines.
    fn at<'a>(text: &'a str, pointer: &str) -> (&'a str, bool) {
        let location = locate_json(text, pointer).expect("located");
        (&text[location.value.clone()], location.exact)
    }

    #[test]
    fn line_column_inverts_offset_of() {
        let text = "ab\ncdé\n\nf";
        for (line, column) in [(1, 1), (1, 3), (2, 1), (2, 3), (3, 1), (4, 1), (4, 2)] {
            assert_eq!(
                line_column(text, offset_of(text, line, column)),
                (line, column)
            );
        }
        // Past the end, and inside a multi-byte character, clamp back.
        assert_eq!(line_column(text, 99), (4, 2));
        assert_eq!(line_column(text, 6), (2, 3));
    }

    #[test]
    fn finds_values_in_nested_objects_and_arrays() {
        let text = r#"{"a": {"b": [10, {"c": true}, "x"]}, "d": null}"#;
        assert_eq!(at(text, ""), (text, true));
        assert_eq!(at(text, "/a/b/0"), ("10", true));
        assert_eq!(at(text, "/a/b/1/c"), ("true", true));
        assert_eq!(at(text, "/a/b/2"), ("\"x\"", true));
        assert_eq!(at(text, "/a/b"), (r#"[10, {"c": true}, "x"]"#, true));
        assert_eq!(at(text, "/d"), ("null", true));
    }

    #[test]
    fn a_missing_pointer_falls_back_to_its_nearest_ancestor() {
        let text = "{\"a\": {\"b\": [1, 2]}}";
        assert_eq!(at(text, "/a/zzz/q"), ("{\"b\": [1, 2]}", false));
        assert_eq!(at(text, "/a/b/7"), ("[1, 2]", false));
        assert_eq!(at(text, "/a/b/01"), ("[1, 2]", false), "no leading zeros");
        assert_eq!(at(text, "/a/b/0/deeper"), ("1", false));
        assert_eq!(at(text, "/nope"), (text, false));
    }

    #[test]
    fn escaped_pointer_tokens() {
        let text = r#"{"a/b": 1, "m~n": 2, "~1": 3, "": 4}"#;
        assert_eq!(at(text, "/a~1b"), ("1", true));
        assert_eq!(at(text, "/m~0n"), ("2", true));
        // `~01` is `~1` literally, not `/`.
        assert_eq!(at(text, "/~01"), ("3", true));
        assert_eq!(at(text, "/"), ("4", true), "the empty key");
    }

    #[test]
    fn keys_with_escapes_and_unicode_are_decoded_before_comparing() {
        let text = "{\"q\\\"uote\": 1, \"caf\\u00e9\": 2, \"\u{1F600}\": 3, \"\\ud83d\\ude00x\": 4, \"s\": \"a\\\"}b\"}";
        assert_eq!(at(text, "/q\"uote"), ("1", true));
        assert_eq!(at(text, "/café"), ("2", true));
        assert_eq!(at(text, "/\u{1F600}"), ("3", true));
        assert_eq!(at(text, "/\u{1F600}x"), ("4", true));
        // A string value holding a quote and a brace is skipped as one value.
        assert_eq!(at(text, "/s"), ("\"a\\\"}b\"", true));
    }

    #[test]
    fn a_member_has_a_key_span_and_an_array_element_has_none() {
        let text = "{\n  \"props\": {\n    \"x\": 1\n  },\n  \"list\": [\n    {}\n  ]\n}";
        let member = locate_json(text, "/props").expect("found");
        assert_eq!(&text[member.key.clone().expect("a key")], "\"props\"");
        assert_eq!(
            &text[member.underline(text)],
            "\"props\"",
            "a multi-line value is underlined at its key"
        );
        let element = locate_json(text, "/list/0").expect("found");
        assert_eq!(element.key, None);
        assert_eq!(&text[element.underline(text)], "{}");
        let one_line = locate_json(text, "/props/x").expect("found");
        assert_eq!(&text[one_line.underline(text)], "1");
    }

    #[test]
    fn duplicate_keys_resolve_to_the_last_like_serde_json() {
        let text = r#"{"a": 1, "a": 2}"#;
        assert_eq!(at(text, "/a"), ("2", true));
    }

    #[test]
    fn broken_text_and_bad_pointers_give_none() {
        assert_eq!(locate_json("{\"a\": }", "/a"), None);
        assert_eq!(locate_json("{\"a\" 1}", "/a"), None);
        assert_eq!(locate_json("{\"a\": 1}", "a"), None, "no leading slash");
        assert_eq!(locate_json("", ""), None);
    }

    #[test]
    fn line_and_column_to_offset() {
        let text = "ab\ncdé\n";
        assert_eq!(offset_of(text, 1, 1), 0);
        assert_eq!(offset_of(text, 2, 2), 4);
        assert_eq!(offset_of(text, 9, 9), text.len(), "clamped");
        // Column 4 of line 2 is inside `é`; it moves back to the character's start.
        assert_eq!(offset_of(text, 2, 4), 5);
        assert_eq!(offset_of(text, 2, 5), 7);
    }

    #[test]
    fn toml_pointers() {
        let text = "docs_base_url = \"https://x.test\"\n\n[[tools.\"a/b\"]]\nop = \"add\"\npath = \"/inputSchema\"\nvalue = [1, 2]\n";
        let find = |pointer: &str| {
            let location = locate_toml(text, pointer).expect("located");
            (&text[location.value.clone()], location.exact)
        };
        assert_eq!(find("/docs_base_url"), ("\"https://x.test\"", true));
        assert_eq!(find("/tools/a~1b/0/path"), ("\"/inputSchema\"", true));
        assert_eq!(find("/tools/a~1b/0/value/1"), ("2", true));
        assert!(!find("/tools/a~1b/0/nope").1);
        let key = locate_toml(text, "/tools/a~1b/0/op")
            .and_then(|l| l.key)
            .expect("a key span");
        assert_eq!(&text[key], "op");
        assert_eq!(locate_toml("= broken", ""), None);
    }
}

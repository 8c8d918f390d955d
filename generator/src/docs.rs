//! Turns untrusted description text into rustdoc Markdown that documents without warnings.
//!
//! Descriptions come from providers. rustdoc reads them as Markdown, which goes wrong in a few
//! well-known ways: `[foo]` becomes a broken intra-doc link, `<string>` an unclosed HTML tag, a bare
//! URL a `bare_urls` warning, and an unlabelled or indented code block a doctest that fails. This
//! module rewrites exactly those constructs and leaves everything else as written.

/// How descriptions are rendered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocOptions {
    /// The provider's documentation site. Relative links (`[role](/authkit/roles)`) are resolved
    /// against it; without it they are shown as text with the path in code.
    pub base_url: Option<String>,
}

/// Rewrites `text` into warning-free rustdoc Markdown.
pub fn sanitize(text: &str, options: &DocOptions) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = Vec::new();
    let mut fence: Option<String> = None;
    for raw in text.lines() {
        let line: String = raw
            .chars()
            .filter(|c| !c.is_control() || *c == '\t')
            .collect::<String>()
            .replace('\t', "    ");
        let trimmed = line.trim_start();
        let marker = fence_marker(trimmed);
        match (&fence, marker) {
            (Some(open), Some(close))
                if close.starts_with(open.as_str()) && trimmed[close.len()..].trim().is_empty() =>
            {
                fence = None;
                out.push(close.to_string());
            }
            (Some(_), _) => out.push(line.trim_end().to_string()),
            (None, Some(open)) => {
                let info = trimmed[open.len()..].trim();
                out.push(format!("{open}{}", fence_info(info)));
                fence = Some(open.to_string());
            }
            (None, None) => {
                // Four or more spaces would start an indented code block, which rustdoc compiles
                // as a doctest; two keep list nesting without that.
                let indent = line.len() - trimmed.len();
                let prefix = if indent >= 4 { "  " } else { &line[..indent] };
                out.push(format!("{prefix}{}", inline(trimmed.trim_end(), options)));
            }
        }
    }
    if let Some(open) = fence {
        out.push(open);
    }
    // Drop leading and trailing blank lines; keep inner paragraph breaks.
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    let start = out
        .iter()
        .position(|l| !l.trim().is_empty())
        .unwrap_or(out.len());
    out[start..].join("\n")
}

/// The first line of `text` as a one-line summary, sanitized.
pub fn summary(text: &str, options: &DocOptions) -> String {
    sanitize(text, options)
        .split("\n\n")
        .next()
        .unwrap_or_default()
        .replace('\n', " ")
}

/// `text` as an inline code span that shows it verbatim, whatever backticks it holds.
pub fn code(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let longest = clean.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let ticks = "`".repeat(longest + 1);
    if clean.starts_with('`') || clean.ends_with('`') || clean.is_empty() {
        format!("{ticks} {clean} {ticks}")
    } else {
        format!("{ticks}{clean}{ticks}")
    }
}

fn fence_marker(line: &str) -> Option<&str> {
    for ch in ['`', '~'] {
        let n = line.chars().take_while(|&c| c == ch).count();
        if n >= 3 {
            return Some(&line[..n]);
        }
    }
    None
}

/// rustdoc compiles a fenced block as Rust when its info string is empty, says `rust`, or is one
/// of rustdoc's own attributes; such blocks are relabelled `text`.
fn fence_info(info: &str) -> String {
    let first = info.split([',', ' ']).next().unwrap_or_default();
    let rusty = first.is_empty()
        || first.contains("rust")
        || matches!(
            first,
            "ignore"
                | "should_panic"
                | "no_run"
                | "compile_fail"
                | "test_harness"
                | "edition2015"
                | "edition2018"
                | "edition2021"
                | "edition2024"
                | "standalone_crate"
        );
    if rusty {
        "text".to_string()
    } else {
        first.to_string()
    }
}

/// Rewrites one line outside code blocks.
fn inline(line: &str, options: &DocOptions) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '`' => {
                let run = chars[i..].iter().take_while(|&&c| c == '`').count();
                match find_run(&chars, i + run, run) {
                    Some(end) => {
                        out.extend(&chars[i..end + run]);
                        i = end + run;
                    }
                    None => {
                        for _ in 0..run {
                            out.push_str("\\`");
                        }
                        i += run;
                    }
                }
            }
            '[' => match parse_link(&chars, i) {
                Some((text, target, end)) => {
                    out.push_str(&link(&text, &target, options));
                    i = end;
                }
                None => {
                    out.push_str("\\[");
                    i += 1;
                }
            },
            ']' => {
                out.push_str("\\]");
                i += 1;
            }
            '<' => match autolink(&chars, i) {
                Some(end) => {
                    out.extend(&chars[i..end]);
                    i = end;
                }
                None => {
                    out.push_str("\\<");
                    i += 1;
                }
            },
            '>' => {
                out.push_str("\\>");
                i += 1;
            }
            'h' if starts_url(&chars, i) && (i == 0 || !chars[i - 1].is_alphanumeric()) => {
                let end = url_end(&chars, i);
                out.push('<');
                out.extend(&chars[i..end]);
                out.push('>');
                i = end;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

fn find_run(chars: &[char], from: usize, run: usize) -> Option<usize> {
    let mut i = from;
    while i < chars.len() {
        if chars[i] == '`' {
            let n = chars[i..].iter().take_while(|&&c| c == '`').count();
            if n == run {
                return Some(i);
            }
            i += n;
        } else {
            i += 1;
        }
    }
    None
}

/// Parses `[text](target)` starting at `start`; returns the text, the target and the end index.
fn parse_link(chars: &[char], start: usize) -> Option<(String, String, usize)> {
    let mut depth = 0usize;
    let mut i = start;
    let close = loop {
        match chars.get(i)? {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    break i;
                }
            }
            _ => {}
        }
        i += 1;
    };
    if chars.get(close + 1) != Some(&'(') {
        return None;
    }
    let mut j = close + 2;
    let mut parens = 1usize;
    while j < chars.len() {
        match chars[j] {
            '(' => parens += 1,
            ')' => {
                parens -= 1;
                if parens == 0 {
                    break;
                }
            }
            _ => {}
        }
        j += 1;
    }
    if j >= chars.len() {
        return None;
    }
    let text: String = chars[start + 1..close].iter().collect();
    let target: String = chars[close + 2..j].iter().collect();
    Some((text, target.trim().to_string(), j + 1))
}

fn link(text: &str, target: &str, options: &DocOptions) -> String {
    let label = inline(text, options);
    let has_scheme = target.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.')
    });
    let safe_target = !target.contains(char::is_whitespace) && !target.contains(['<', '>']);
    if has_scheme && safe_target {
        format!("[{label}]({target})")
    } else if target.starts_with('#') || target.is_empty() {
        label
    } else if let (Some(base), true) = (&options.base_url, safe_target) {
        let base = base.trim_end_matches('/');
        let path = target.trim_start_matches("./");
        let sep = if path.starts_with('/') { "" } else { "/" };
        format!("[{label}]({base}{sep}{path})")
    } else {
        format!("{label} ({})", code(target))
    }
}

fn autolink(chars: &[char], start: usize) -> Option<usize> {
    if !starts_url(chars, start + 1) {
        return None;
    }
    let mut i = start + 1;
    while i < chars.len() {
        match chars[i] {
            '>' => return Some(i + 1),
            c if c.is_whitespace() || c == '<' => return None,
            _ => i += 1,
        }
    }
    None
}

fn starts_url(chars: &[char], at: usize) -> bool {
    let rest: String = chars.iter().skip(at).take(8).collect();
    rest.starts_with("http://") || rest.starts_with("https://")
}

fn url_end(chars: &[char], start: usize) -> usize {
    let mut end = start;
    while end < chars.len()
        && !chars[end].is_whitespace()
        && !matches!(chars[end], '<' | '>' | '"' | '`' | '[' | ']')
    {
        end += 1;
    }
    // Trailing punctuation belongs to the sentence, and a closing parenthesis to the text around
    // the URL unless the URL opened one itself.
    while end > start {
        let last = chars[end - 1];
        let opens = chars[start..end].iter().filter(|&&c| c == '(').count();
        let closes = chars[start..end].iter().filter(|&&c| c == ')').count();
        if matches!(last, '.' | ',' | ';' | ':' | '!' | '?' | '\'' | '*' | '_')
            || (last == ')' && closes > opens)
        {
            end -= 1;
        } else {
            break;
        }
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites() {
        let none = DocOptions::default();
        let table = [
            ("plain text", "plain text"),
            (
                "The [role](/authkit/roles) that",
                "The role (`/authkit/roles`) that",
            ),
            (
                "See [docs](https://x.dev/a).",
                "See [docs](https://x.dev/a).",
            ),
            ("a [foo] b", "a \\[foo\\] b"),
            ("type <string>", "type \\<string\\>"),
            ("go to https://x.dev/a.", "go to <https://x.dev/a>."),
            ("(see https://x.dev/a)", "(see <https://x.dev/a>)"),
            ("<https://x.dev>", "<https://x.dev>"),
            ("`[not a link]` ok", "`[not a link]` ok"),
            ("```\nfn x() {}\n```", "```text\nfn x() {}\n```"),
            ("```json\n{\"a\": [1]}\n```", "```json\n{\"a\": [1]}\n```"),
            ("para\n\n    indented code", "para\n\n  indented code"),
            ("nul\u{0}byte", "nulbyte"),
            ("crlf\r\nline", "crlf\nline"),
            ("*/ \"] #[ `x", "*/ \"\\] #\\[ \\`x"),
            ("[a](#anchor)", "a"),
            ("[a](relative/path)", "a (`relative/path`)"),
            ("", ""),
            ("\n\n", ""),
        ];
        for (input, expected) in table {
            assert_eq!(sanitize(input, &none), expected, "input {input:?}");
        }
    }

    #[test]
    fn base_url_makes_links_absolute() {
        let options = DocOptions {
            base_url: Some("https://workos.com/docs/".to_string()),
        };
        assert_eq!(
            sanitize("The [role](/authkit/roles)", &options),
            "The [role](https://workos.com/docs/authkit/roles)"
        );
    }

    #[test]
    fn code_spans_hold_any_text() {
        assert_eq!(code("en-US"), "`en-US`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`"), "`` ` ``");
        assert_eq!(code(""), "`  `");
    }
}

//! Problems found in the input, collected across the whole run and reported once.
//!
//! Every diagnostic names the file it comes from (relative to the schemas folder) and, where it
//! has one, the JSON pointer of the offending value or the line and column of a syntax error.
//!
//! [`Diagnostics`] also keeps the bytes of the files read ([`Sources`]), so that the problems are
//! rendered rustc-style, with the offending span underlined, once at the end of a run.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Element, Level, Origin, Renderer, Snippet};
use serde_json::Value;

use crate::locate;

/// One problem with the input.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// The file, relative to the schemas folder when it lies inside it.
    pub file: PathBuf,
    /// The line and column (1-based) of a syntax error.
    pub position: Option<(usize, usize)>,
    /// The JSON pointer (RFC 6901) of the offending value inside the file.
    pub pointer: Option<String>,
    /// Whether the problem is the key of the member that `pointer` names, not its value.
    pub key: bool,
    /// What is wrong, as one sentence.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    /// Whether the run can go on despite it.
    pub severity: Severity,
}

/// A change made to a schema so that it can be typed, reported as a warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The JSON pointer (from the tool object) of the changed schema.
    pub pointer: String,
    /// What was changed and why.
    pub message: String,
}

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The input cannot be generated; nothing is written.
    #[default]
    Error,
    /// The input was generated, but something in it was typed more loosely than written.
    Warning,
}

impl Diagnostic {
    /// A problem with the file as a whole.
    pub fn new(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            position: None,
            pointer: None,
            key: false,
            message: message.into(),
            help: None,
            severity: Severity::Error,
        }
    }

    /// Marks the problem as a warning.
    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    /// Points the problem at a value inside the file.
    pub fn at(mut self, pointer: impl Into<String>) -> Self {
        self.pointer = Some(pointer.into());
        self
    }

    /// Points the problem at the key of the member `pointer` names (an unknown key, say).
    pub fn at_key(mut self, pointer: impl Into<String>) -> Self {
        self.pointer = Some(pointer.into());
        self.key = true;
        self
    }

    /// Points the problem at a line and column.
    pub fn at_position(mut self, line: usize, column: usize) -> Self {
        self.position = Some((line, column));
        self
    }

    /// Adds a line of advice.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    /// The diagnostic without its source: the file, line and column when known, the pointer
    /// and the help line. [`Sources::render`] adds the snippet.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&render(self, None, false))
    }
}

/// The original bytes of every file a run read, by the path its diagnostics name, so that
/// diagnostics are rendered with snippets once, at the end of the run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sources {
    files: BTreeMap<PathBuf, Arc<[u8]>>,
}

impl Sources {
    /// Records the bytes of `file`.
    pub fn insert(&mut self, file: impl Into<PathBuf>, bytes: &[u8]) {
        self.files.insert(file.into(), Arc::from(bytes));
    }

    /// The bytes of `file`, if it was recorded.
    pub fn get(&self, file: &Path) -> Option<&[u8]> {
        self.files.get(file).map(|bytes| &bytes[..])
    }

    /// Moves every file of `other` into this map.
    pub fn extend(&mut self, other: Sources) {
        self.files.extend(other.files);
    }

    /// Places every file under `root`, as [`Diagnostics::under`] does for diagnostics.
    pub fn under(self, root: &Path) -> Self {
        let files = self
            .files
            .into_iter()
            .map(|(file, bytes)| {
                if file.is_relative() && !file.starts_with(root) {
                    (root.join(file), bytes)
                } else {
                    (file, bytes)
                }
            })
            .collect();
        Self { files }
    }

    /// Renders one diagnostic rustc-style: the message, `file:line:column`, the source line with
    /// the offending span underlined, the JSON pointer and the help line. Files that were not
    /// recorded or are not UTF-8 are shown without a snippet. `color` adds ANSI styles.
    pub fn render(&self, diagnostic: &Diagnostic, color: bool) -> String {
        render(diagnostic, self.get(&diagnostic.file), color)
    }
}

/// Should diagnostics written to stderr be coloured? Only on a terminal, and never when
/// `NO_COLOR` is set to a non-empty value (<https://no-color.org>).
pub fn color_stderr() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
}

/// Where in the text a diagnostic points, and the label for that span.
fn span_of(diagnostic: &Diagnostic, text: &str) -> Option<(Range<usize>, Option<String>)> {
    if let Some((line, column)) = diagnostic.position {
        let start = locate::offset_of(text, line, column);
        let end = text[start..]
            .chars()
            .next()
            .map_or(start, |c| start + c.len_utf8());
        return Some((start..end, None));
    }
    let pointer = diagnostic.pointer.as_deref()?;
    let toml = diagnostic.file.extension().is_some_and(|e| e == "toml");
    let location = if toml {
        locate::locate_toml(text, pointer)?
    } else {
        locate::locate_json(text, pointer)?
    };
    let label = (!location.exact).then(|| {
        format!("`#{pointer}` is not written in the file; this is the nearest part that is")
    });
    let span = match (&location.key, diagnostic.key && location.exact) {
        (Some(key), true) => key.clone(),
        _ => location.underline(text),
    };
    Some((span, label))
}

fn render(diagnostic: &Diagnostic, source: Option<&[u8]>, color: bool) -> String {
    let level = match diagnostic.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let path = diagnostic.file.display().to_string();
    let text = source.and_then(|bytes| std::str::from_utf8(bytes).ok());
    let mut elements: Vec<Element<'_>> = Vec::new();
    match text.and_then(|text| Some((text, span_of(diagnostic, text)?))) {
        Some((text, (span, label))) => {
            let mut annotation = AnnotationKind::Primary.span(span);
            if let Some(label) = label {
                annotation = annotation.label(label);
            }
            elements.push(
                Snippet::source(text)
                    .path(path.clone())
                    .annotation(annotation)
                    .into(),
            );
        }
        None => {
            let mut origin = Origin::path(path.clone());
            if let Some((line, column)) = diagnostic.position {
                origin = origin.line(line).char_column(column);
            }
            elements.push(origin.into());
        }
    }
    if let Some(pointer) = &diagnostic.pointer {
        // The empty pointer means the whole document; show it as "#" like a URI fragment.
        elements.push(Level::NOTE.message(format!("at #{pointer}")).into());
    }
    if let Some(help) = &diagnostic.help {
        elements.push(Level::HELP.message(help.as_str()).into());
    }
    let report = [level
        .primary_title(diagnostic.message.as_str())
        .elements(elements)];
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    renderer.render(&report)
}

/// Every problem found in one run, in a stable order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
    /// The files the problems were found in, for snippets.
    sources: Sources,
}

impl Diagnostics {
    /// Records a problem.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Moves every problem of `other` (and its sources) into this collection.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
        self.sources.extend(other.sources);
    }

    /// Keeps `sources` with the problems, so that rendering can show snippets.
    pub fn with_sources(mut self, sources: Sources) -> Self {
        self.sources.extend(sources);
        self
    }

    /// The files the problems were found in.
    pub fn sources(&self) -> &Sources {
        &self.sources
    }

    /// Every problem rendered rustc-style (see [`Sources::render`]), then a summary line.
    pub fn render(&self, color: bool) -> String {
        let mut out = String::new();
        for diagnostic in &self.items {
            out.push_str(&self.sources.render(diagnostic, color));
            out.push_str("\n\n");
        }
        let n = self.items.len();
        out.push_str(&format!(
            "error: {n} problem{} found; nothing was written",
            if n == 1 { "" } else { "s" }
        ));
        out
    }

    /// Were no problems found?
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The problems, sorted by file and position.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// How many problems were found.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Places every file under `root`, so that messages show paths a terminal can open.
    pub fn under(mut self, root: &Path) -> Self {
        for item in &mut self.items {
            if item.file.is_relative() && !item.file.starts_with(root) {
                item.file = root.join(&item.file);
            }
        }
        self.sources = self.sources.under(root);
        self
    }

    /// `Ok(value)` when nothing was found, otherwise every problem, sorted and deduplicated.
    pub fn into_result<T>(mut self, value: T) -> Result<T, Diagnostics> {
        if self.items.is_empty() {
            Ok(value)
        } else {
            self.items.sort();
            self.items.dedup();
            Err(self)
        }
    }
}

impl fmt::Display for Diagnostics {
    /// The plain rendering, with snippets and without colour.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

impl std::error::Error for Diagnostics {}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        Self {
            items: vec![diagnostic],
            sources: Sources::default(),
        }
    }
}

/// Escapes one reference token of a JSON pointer (RFC 6901: `~` → `~0`, `/` → `~1`).
pub fn pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// `path` relative to `root` when it lies inside it, else `path` unchanged.
pub fn relative(path: &Path, root: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// The JSON type of a value, for messages.
pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `text` in backticks for a message, shortened when it is long and with control characters
/// escaped, so that untrusted text cannot garble the terminal.
pub fn quoted(text: &str) -> String {
    const LIMIT: usize = 80;
    let escaped: String = text.chars().flat_map(char::escape_debug).collect();
    if escaped.chars().count() > LIMIT {
        let head: String = escaped.chars().take(LIMIT).collect();
        format!("`{head}…`")
    } else {
        format!("`{escaped}`")
    }
}

//! Problems found in the input, collected across the whole run and reported once.
//!
//! Every diagnostic names the file it comes from (relative to the schemas folder) and, where it
//! has one, the JSON pointer of the offending value or the line and column of a syntax error.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem with the input.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// The file, relative to the schemas folder when it lies inside it.
    pub file: PathBuf,
    /// The line and column (1-based) of a syntax error.
    pub position: Option<(usize, usize)>,
    /// The JSON pointer (RFC 6901) of the offending value inside the file.
    pub pointer: Option<String>,
    /// What is wrong, as one sentence.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    /// Whether the run can go on despite it.
    pub severity: Severity,
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
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{label}: {}", self.message)?;
        write!(f, "  --> {}", self.file.display())?;
        if let Some((line, column)) = self.position {
            write!(f, ":{line}:{column}")?;
        }
        if let Some(pointer) = &self.pointer {
            // The empty pointer means the whole document; show it as "#" like a URI fragment.
            write!(f, " at #{pointer}")?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n   = help: {help}")?;
        }
        Ok(())
    }
}

/// Every problem found in one run, in a stable order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Records a problem.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Moves every problem of `other` into this collection.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
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
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in &self.items {
            writeln!(f, "{diagnostic}\n")?;
        }
        let n = self.items.len();
        write!(
            f,
            "error: {n} problem{} found; nothing was written",
            if n == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for Diagnostics {}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        Self {
            items: vec![diagnostic],
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

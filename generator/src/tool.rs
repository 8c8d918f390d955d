//! The tool definition as loaded: what one MCP `tools/list` entry says, and where it was read.
//! The data every stage after load passes on; it depends on nothing but diagnostics.

use serde_json::{Map, Value};

use crate::diagnostics::Diagnostic;

/// The longest tool name MCP allows.
pub const MAX_TOOL_NAME_LEN: usize = 128;

/// One tool definition, as read from a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Tool {
    /// The provider: the first folder under the schemas root.
    pub provider: String,
    /// The folders between the provider folder and the file. They are namespaces, so that a
    /// provider can hold several servers whose tool names overlap (`<provider>/<server>/*.json`).
    pub group: Vec<String>,
    /// The exact tool name, sent as-is in `tools/call`.
    pub name: String,
    /// The human-readable title, if any.
    pub title: Option<String>,
    /// The description, if any.
    pub description: Option<String>,
    /// The JSON Schema of the arguments.
    pub input_schema: Value,
    /// The JSON Schema of the structured result, if the tool declares one.
    pub output_schema: Option<Value>,
    /// The MCP tool annotations (`readOnlyHint`, `idempotentHint`, ...), if any.
    pub annotations: Option<Map<String, Value>>,
    /// Where the tool was defined.
    pub origin: Origin,
    /// The provider's documentation site, from its overlay, for relative links in descriptions.
    pub docs_base_url: Option<String>,
    /// Whether `format` is checked, from the provider's overlay (checked unless it says not).
    pub formats: Formats,
}

/// Where a tool was defined: a file relative to the schemas root, and a JSON pointer in it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Origin {
    /// The file, relative to the schemas root, with `/` separators on every platform.
    pub file: String,
    /// The pointer of the tool object inside the file: `""` or `/tools/N`.
    pub pointer: String,
}

impl Origin {
    /// A diagnostic about the value at `suffix` (a JSON pointer relative to the tool object).
    pub fn diagnostic(&self, suffix: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(&self.file, message).at(format!("{}{suffix}", self.pointer))
    }
}

/// Whether `format` constrains values, or only describes them.
///
/// JSON Schema 2020-12 makes `format` an annotation unless a format-assertion vocabulary is in
/// use; toolgen asserts by default (a `date-time` field is a timestamp, and `validate()` checks
/// formats), because tool servers that name a format usually check it. A provider whose server
/// accepts what its formats do not describe sets `"formats": "annotation"` in its overlay: its
/// formatted fields are then plain strings and only documented.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Formats {
    /// `format` is checked: typed fields where a type exists, and by `validate()`.
    #[default]
    Assertion,
    /// `format` is documentation only.
    Annotation,
}

//! [`ToolError`]: a failed tool call, answered as an MCP tool execution error (`isError: true`)
//! whose text the model reads and can act on.

use std::fmt;

use super::super::error::Violation;

/// Why a tool call failed, as the text of an `isError: true` result.
///
/// Any error converts into one with `?` (its `Display` text becomes the message), so a method
/// can use the errors of the libraries it calls. Write messages for a model: say what was wrong
/// and what to send instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolError {
    message: String,
}

impl ToolError {
    /// A tool error with `message` as its text.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }

    /// The answer of a tool whose method the server does not implement.
    pub fn not_implemented(tool: &str) -> Self {
        Self::new(format!(
            "the tool `{tool}` is not implemented by this server"
        ))
    }

    /// The answer to arguments that break the tool's input schema: every violation, one a line,
    /// each with the JSON pointer of the offending value.
    pub fn invalid_arguments(tool: &str, violations: &[Violation]) -> Self {
        let mut message =
            format!("invalid arguments for the tool `{tool}`; correct these and call it again:");
        for violation in violations {
            let pointer = if violation.pointer.is_empty() {
                "(the arguments)"
            } else {
                &violation.pointer
            };
            message.push_str(&format!("\n- {pointer}: {}", violation.message));
        }
        Self::new(message)
    }

    /// The text sent to the client.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ToolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl<E: std::error::Error> From<E> for ToolError {
    fn from(error: E) -> Self {
        Self::new(error.to_string())
    }
}

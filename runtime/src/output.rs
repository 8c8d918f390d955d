//! What a successful tool call returns: [`ToolOutput`] and its [`Content`] blocks.
//!
//! This module is beneath `error.rs` (whose [`Error::Tool`](super::Error::Tool) carries a
//! `ToolOutput`), so it names no error: [`ToolOutput::json`], which returns one, is written in
//! `client.rs`, beside the typed parsing that uses it.

use serde_json::Value;

/// One block of a tool's unstructured result.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Content {
    /// Text.
    Text(String),
    /// An image, base64-encoded.
    Image {
        /// The base64-encoded bytes.
        data: String,
        /// The MIME type, such as `image/png`.
        mime_type: String,
    },
    /// Audio, base64-encoded.
    Audio {
        /// The base64-encoded bytes.
        data: String,
        /// The MIME type, such as `audio/wav`.
        mime_type: String,
    },
    /// Any other block (resources, resource links, future kinds), as sent.
    Other(Value),
}

impl Content {
    /// Reads one MCP content block; a block of an unknown kind is kept as [`Content::Other`].
    pub fn from_json(value: Value) -> Self {
        let kind = value
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_string);
        match kind {
            "text" => match text("text") {
                Some(t) => Self::Text(t),
                None => Self::Other(value),
            },
            "image" | "audio" => match (text("data"), text("mimeType")) {
                (Some(data), Some(mime_type)) if kind == "image" => Self::Image { data, mime_type },
                (Some(data), Some(mime_type)) => Self::Audio { data, mime_type },
                _ => Self::Other(value),
            },
            _ => Self::Other(value),
        }
    }

    /// The text of a [`Content::Text`] block.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Self::Text(text) => Some(text),
            _ => None,
        }
    }
}

/// The result of a successful tool call: its content blocks and its structured content.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ToolOutput {
    /// The unstructured content blocks, in order.
    pub content: Vec<Content>,
    /// The structured content, when the server sent any.
    pub structured_content: Option<Value>,
}

impl ToolOutput {
    /// The text blocks, joined by newlines.
    pub fn text(&self) -> String {
        self.content
            .iter()
            .filter_map(Content::as_text)
            .collect::<Vec<_>>()
            .join("\n")
    }
}

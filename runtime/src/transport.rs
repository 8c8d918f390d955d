//! The [`Transport`] trait: how a [`Client`](super::Client) reaches an MCP server.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use serde_json::{Map, Value};

use super::error::Error;
use super::output::Content;

/// A boxed, sendable future, so that [`Transport`] can be used as a trait object.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Sends MCP `tools/call` requests.
///
/// An implementation owns the connection, the session and the wire format. It performs exactly
/// one call per invocation and reports what the server said; validating arguments and turning a
/// tool error into [`Error::Tool`] is the [`Client`](super::Client)'s job. Implement it to plug
/// in your own transport; [`MemoryTransport`](super::MemoryTransport) is one for tests.
pub trait Transport: fmt::Debug + Send + Sync + 'static {
    /// Calls the tool `call.name` with `call.arguments` and returns the server's result.
    fn call_tool(&self, call: ToolCall) -> BoxFuture<'_, Result<ToolResult, Error>>;

    /// Like [`call_tool`](Self::call_tool), reporting each progress notification the server
    /// sends about this call to `progress`. A transport without progress notifications
    /// ignores it (the default).
    fn call_tool_with_progress(
        &self,
        call: ToolCall,
        progress: ProgressFn,
    ) -> BoxFuture<'_, Result<ToolResult, Error>> {
        let _ = progress;
        self.call_tool(call)
    }
}

/// A progress notification about one call (`notifications/progress`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Progress {
    /// The progress so far; it increases with every notification.
    pub progress: f64,
    /// The total to reach, when the server knows it.
    pub total: Option<f64>,
    /// What the server is doing, when it says.
    pub message: Option<String>,
}

impl Progress {
    /// A progress report of `progress` out of `total`.
    pub fn new(progress: f64, total: Option<f64>, message: Option<String>) -> Self {
        Self {
            progress,
            total,
            message,
        }
    }
}

/// What receives a call's progress notifications; see [`Call::on_progress`](super::Call::on_progress).
pub type ProgressFn = std::sync::Arc<dyn Fn(Progress) + Send + Sync>;

/// One `tools/call` request.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolCall {
    /// The exact tool name, as the server lists it.
    pub name: String,
    /// The arguments object.
    pub arguments: Map<String, Value>,
}

/// The result of a `tools/call` request, as the server sent it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ToolResult {
    /// The unstructured content blocks.
    pub content: Vec<Content>,
    /// The structured content, when the server sent any.
    pub structured_content: Option<Value>,
    /// Whether the tool reported an error (`isError`).
    pub is_error: bool,
}

impl ToolResult {
    /// A successful result holding one text block.
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            content: vec![Content::Text(text.into())],
            ..Self::default()
        }
    }

    /// Reads an MCP `CallToolResult` object (`{"content": [...], "structuredContent": ...,
    /// "isError": ...}`).
    pub fn from_json(value: Value) -> Result<Self, Error> {
        let Value::Object(mut object) = value else {
            return Err(Error::UnexpectedResponse {
                message: "a tool result must be a JSON object".to_string(),
            });
        };
        let content = match object.remove("content") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items.into_iter().map(Content::from_json).collect(),
            Some(_) => {
                return Err(Error::UnexpectedResponse {
                    message: "`content` must be an array".to_string(),
                });
            }
        };
        let is_error = match object.remove("isError") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(flag)) => flag,
            Some(_) => {
                return Err(Error::UnexpectedResponse {
                    message: "`isError` must be a boolean".to_string(),
                });
            }
        };
        let structured_content = object.remove("structuredContent").filter(|v| !v.is_null());
        Ok(Self {
            content,
            structured_content,
            is_error,
        })
    }
}

//! [`MemoryTransport`]: an in-process transport that records every call, for tests.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::Value;

use super::error::Error;
use super::transport::{BoxFuture, ToolCall, ToolResult, Transport};

type Handler = dyn Fn(&ToolCall) -> Result<ToolResult, Error> + Send + Sync;

/// A transport that answers in-process and remembers every call it was given.
///
/// By default it answers each call with a successful result whose structured content echoes the
/// arguments. [`MemoryTransport::with_handler`] sets any other answer. Clones share the record.
#[derive(Clone)]
pub struct MemoryTransport {
    calls: Arc<Mutex<Vec<ToolCall>>>,
    handler: Arc<Handler>,
}

impl Default for MemoryTransport {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryTransport {
    /// A transport that echoes each call's arguments as structured content.
    pub fn new() -> Self {
        Self::with_handler(|call| {
            Ok(ToolResult {
                content: Vec::new(),
                structured_content: Some(Value::Object(call.arguments.clone())),
                is_error: false,
            })
        })
    }

    /// A transport that answers each call with `handler`.
    pub fn with_handler(
        handler: impl Fn(&ToolCall) -> Result<ToolResult, Error> + Send + Sync + 'static,
    ) -> Self {
        Self {
            calls: Arc::default(),
            handler: Arc::new(handler),
        }
    }

    /// Every call received so far, in order.
    pub fn calls(&self) -> Vec<ToolCall> {
        self.calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl fmt::Debug for MemoryTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryTransport")
            .field("calls", &self.calls().len())
            .finish_non_exhaustive()
    }
}

impl Transport for MemoryTransport {
    fn call_tool(&self, call: ToolCall) -> BoxFuture<'_, Result<ToolResult, Error>> {
        let result = (self.handler)(&call);
        self.calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(call);
        Box::pin(std::future::ready(result))
    }
}

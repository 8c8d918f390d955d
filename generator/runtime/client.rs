//! The [`Client`]: serializes typed parameters and calls tools through a [`Transport`].

use std::fmt;
use std::sync::Arc;

use serde::Serialize;
use serde_json::{Map, Value};

use super::error::{Error, Violation};
use super::output::ToolOutput;
use super::transport::{ToolCall, Transport};

/// A connection to an MCP server, shared by every provider's typed client.
///
/// Cloning is cheap: clones share the transport.
#[derive(Clone)]
pub struct Client {
    transport: Arc<dyn Transport>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("transport", &self.transport)
            .finish()
    }
}

impl Client {
    /// A client that sends every call through `transport`.
    pub fn new(transport: impl Transport) -> Self {
        Self {
            transport: Arc::new(transport),
        }
    }

    /// A client over a transport that is already shared.
    pub fn from_shared(transport: Arc<dyn Transport>) -> Self {
        Self { transport }
    }

    /// The transport this client sends through.
    pub fn transport(&self) -> &Arc<dyn Transport> {
        &self.transport
    }

    /// Calls the tool `name` with `params` serialized as its arguments object.
    ///
    /// Fields that are `None` are left out of the arguments, not sent as `null`. A result the
    /// tool marks as an error becomes [`Error::Tool`].
    pub async fn call_tool<P>(&self, name: &str, params: &P) -> Result<ToolOutput, Error>
    where
        P: Serialize + ?Sized,
    {
        let arguments = match serde_json::to_value(params) {
            Ok(Value::Object(map)) => map,
            Ok(Value::Null) => Map::new(),
            Ok(other) => {
                return Err(Error::InvalidArguments {
                    tool: name.to_string(),
                    violations: vec![Violation {
                        pointer: String::new(),
                        message: format!("the arguments must be a JSON object, not {other}"),
                    }],
                });
            }
            Err(err) => {
                return Err(Error::InvalidArguments {
                    tool: name.to_string(),
                    violations: vec![Violation {
                        pointer: String::new(),
                        message: err.to_string(),
                    }],
                });
            }
        };
        self.call_tool_raw(name, arguments).await
    }

    /// Calls the tool `name` with an arguments object as is.
    pub async fn call_tool_raw(
        &self,
        name: &str,
        arguments: Map<String, Value>,
    ) -> Result<ToolOutput, Error> {
        let call = ToolCall {
            name: name.to_string(),
            arguments,
        };
        let result = self.transport.call_tool(call).await?;
        let output = ToolOutput {
            content: result.content,
            structured_content: result.structured_content,
        };
        if result.is_error {
            let message = match output.text() {
                text if text.is_empty() => "the tool reported an error".to_string(),
                text => text,
            };
            return Err(Error::Tool {
                tool: name.to_string(),
                message,
                output: Box::new(output),
            });
        }
        Ok(output)
    }
}

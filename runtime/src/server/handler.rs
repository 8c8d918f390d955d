//! [`Server`]: a provider's [`Tools`] as an rmcp `ServerHandler`. It lists the definitions as
//! generated, validates the arguments of each call before the method runs (invalid ones are a
//! tool execution error naming every violation), and checks a structured result against the
//! tool's output schema before sending it.

use std::collections::BTreeMap;
use std::sync::Arc;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, ListToolsResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};
use serde_json::Value;

use super::super::output::{Content, ToolOutput};
use super::super::validate::Validator;
use super::context::Context;
use super::error::ToolError;
use super::table::{Reply, Tools};

/// One served tool: its definition as listed, and its compiled schemas.
struct Entry {
    tool: Tool,
    input: Validator,
    output: Option<Validator>,
}

/// A provider's tools served over MCP; build it with the generated `serve(impl Server)`, then
/// serve it with [`router`](Self::router) or [`serve_stdio`](Self::serve_stdio).
///
/// Cloning is cheap: clones share the implementation (every HTTP session gets one).
pub struct Server<T> {
    tools: Arc<T>,
    entries: Arc<BTreeMap<&'static str, Entry>>,
}

impl<T> Clone for Server<T> {
    fn clone(&self) -> Self {
        Self {
            tools: Arc::clone(&self.tools),
            entries: Arc::clone(&self.entries),
        }
    }
}

impl<T> std::fmt::Debug for Server<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("tools", &self.entries.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl<T: Tools> Server<T> {
    /// Serves `tools`, compiling every schema once.
    pub fn new(tools: T) -> Self {
        let entries = tools
            .definitions()
            .iter()
            .map(|def| {
                // The generator embeds only definitions that parse; a broken one would be a
                // generator bug, listed as a tool without a schema rather than a panic.
                let tool = serde_json::from_str::<Tool>(def.definition)
                    .unwrap_or_else(|_| Tool::new(def.name, "", Arc::new(serde_json::Map::new())));
                let entry = Entry {
                    tool,
                    input: Validator::new(def.input_schema),
                    output: def.output_schema.map(Validator::new),
                };
                (def.name, entry)
            })
            .collect();
        Self {
            tools: Arc::new(tools),
            entries: Arc::new(entries),
        }
    }

    /// The tools served, sorted by name, as `tools/list` sends them.
    pub fn tools(&self) -> Vec<Tool> {
        self.entries.values().map(|e| e.tool.clone()).collect()
    }

    /// The implementation being served.
    pub fn inner(&self) -> &T {
        &self.tools
    }

    async fn answer(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        let name = request.name.as_ref();
        let Some(entry) = self.entries.get(name) else {
            // The spec answers an unknown tool with a protocol error.
            return Err(ErrorData::invalid_params(
                format!("no tool named `{name}`"),
                None,
            ));
        };
        let arguments = Value::Object(request.arguments.clone().unwrap_or_default());
        if let Err(violations) = entry.input.check(&arguments) {
            return Ok(tool_error(&ToolError::invalid_arguments(name, &violations)));
        }
        let Some(call) = self.tools.call(name, arguments, Context::new(context)) else {
            return Err(ErrorData::invalid_params(
                format!("no tool named `{name}`"),
                None,
            ));
        };
        Ok(match call.await {
            Err(error) => tool_error(&error),
            Ok(Reply::Structured(value)) => match entry.output.as_ref().map(|v| v.check(&value)) {
                Some(Err(violations)) => {
                    let mut message = format!(
                        "the server's result for `{name}` does not match the tool's \
                             outputSchema (a server bug):"
                    );
                    for v in violations {
                        message.push_str(&format!("\n- {}: {}", v.pointer, v.message));
                    }
                    tool_error(&ToolError::new(message))
                }
                _ => CallToolResult::structured(value),
            },
            Ok(Reply::Output(output)) => success(output),
        })
    }
}

/// `error` as an `isError: true` result.
fn tool_error(error: &ToolError) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(error.message())])
}

/// A tool's own content as a successful result.
fn success(output: ToolOutput) -> CallToolResult {
    let content = output.content.into_iter().map(content_block).collect();
    let mut result = CallToolResult::success(content);
    result.structured_content = output.structured_content;
    result
}

/// One content block in rmcp's type; a block rmcp cannot read becomes its JSON as text.
fn content_block(content: Content) -> ContentBlock {
    let value = match content {
        Content::Text(text) => return ContentBlock::text(text),
        Content::Image { data, mime_type } => {
            serde_json::json!({"type": "image", "data": data, "mimeType": mime_type})
        }
        Content::Audio { data, mime_type } => {
            serde_json::json!({"type": "audio", "data": data, "mimeType": mime_type})
        }
        Content::Other(value) => value,
    };
    serde_json::from_value(value.clone()).unwrap_or_else(|_| ContentBlock::text(value.to_string()))
}

impl<T: Tools> ServerHandler for Server<T> {
    // Logging is deprecated in a protocol version clients do not speak yet (see `context.rs`).
    #[allow(deprecated)]
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_logging()
                .build(),
        )
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.tools()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        self.answer(request, context).await.map(Into::into)
    }
}

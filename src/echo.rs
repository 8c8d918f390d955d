//! The echo server: a real MCP server, built with rmcp, that serves every tool of a schemas
//! folder. It validates each call's arguments against the tool's `inputSchema` (an invalid call
//! gets an `isError` result naming every problem) and answers a valid one with the arguments it
//! received as structured content.
//!
//! The `server` example serves it over Streamable HTTP, the `toolgen-echo-server` binary over
//! HTTP or stdio, and the tests and the benchmark run it in-process.

use std::collections::BTreeMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, ListToolsResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::{ErrorData, RoleServer, ServerHandler, ServiceExt};
use serde_json::Value;

/// One served tool: its definition as listed, and its compiled input schema. A schema that the
/// validator cannot compile (draft 4 spellings such as `"exclusiveMinimum": true`) is served
/// without server-side validation, as lenient servers do.
struct Served {
    tool: Tool,
    validator: Option<jsonschema::Validator>,
}

/// The echo server's state, shared by every session; cloning is cheap.
#[derive(Clone)]
pub struct EchoServer {
    tools: Arc<BTreeMap<String, Served>>,
    calls: Arc<AtomicUsize>,
    /// Tools answered with a fixed structured result instead of their arguments.
    answers: Arc<BTreeMap<String, Value>>,
}

impl std::fmt::Debug for EchoServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EchoServer")
            .field("tools", &self.tools.keys().collect::<Vec<_>>())
            .field("calls", &self.calls())
            .finish()
    }
}

impl EchoServer {
    /// Loads every tool under `schemas` (one tool per file, or a `tools/list` result), in the
    /// sorted order of the files.
    ///
    /// # Errors
    ///
    /// A message naming the file when a file cannot be read, is not a tool definition, or has an
    /// input schema that does not compile.
    pub fn load(schemas: &Path) -> Result<Self, String> {
        let mut files = Vec::new();
        collect_json(schemas, &mut files)?;
        let mut tools = BTreeMap::new();
        for file in files {
            let text = std::fs::read_to_string(&file)
                .map_err(|err| format!("{}: {err}", file.display()))?;
            let value: Value =
                serde_json::from_str(&text).map_err(|err| format!("{}: {err}", file.display()))?;
            let defs = match value.get("tools") {
                Some(Value::Array(items)) => items.clone(),
                _ => vec![value],
            };
            for def in defs {
                let tool: Tool = serde_json::from_value(def)
                    .map_err(|err| format!("{}: not a tool: {err}", file.display()))?;
                let schema = Value::Object((*tool.input_schema).clone());
                let validator = jsonschema::validator_for(&schema).ok();
                tools.insert(tool.name.to_string(), Served { tool, validator });
            }
        }
        Ok(Self {
            tools: Arc::new(tools),
            calls: Arc::default(),
            answers: Arc::default(),
        })
    }

    /// The same server, answering every valid call of `tool` with `result` as its structured
    /// content instead of the arguments (whether or not it fits the tool's `outputSchema`): for
    /// testing what clients do with results.
    pub fn with_answer(mut self, tool: &str, result: Value) -> Self {
        Arc::make_mut(&mut self.answers).insert(tool.to_string(), result);
        self
    }

    /// The tools served, sorted by name.
    pub fn tools(&self) -> Vec<Tool> {
        self.tools.values().map(|s| s.tool.clone()).collect()
    }

    /// How many `tools/call` requests arrived so far, over every session.
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    /// Answers one call: the validation problems as an `isError` result, or the arguments.
    fn answer(&self, request: &CallToolRequestParams) -> Result<CallToolResult, ErrorData> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let Some(served) = self.tools.get(request.name.as_ref()) else {
            return Err(ErrorData::invalid_params(
                format!("no tool named `{}`", request.name),
                None,
            ));
        };
        let arguments = Value::Object(request.arguments.clone().unwrap_or_default());
        let problems: Vec<String> = served
            .validator
            .iter()
            .flat_map(|validator| validator.iter_errors(&arguments))
            .map(|err| format!("#{}: {err}", err.instance_path()))
            .collect();
        if !problems.is_empty() {
            return Ok(CallToolResult::error(vec![ContentBlock::text(format!(
                "invalid arguments: {}",
                problems.join("; ")
            ))]));
        }
        match self.answers.get(request.name.as_ref()) {
            Some(result) => Ok(CallToolResult::structured(result.clone())),
            None => Ok(CallToolResult::structured(arguments)),
        }
    }

    /// Serves Streamable HTTP at `/mcp` on `listener` until `shutdown` completes.
    ///
    /// # Errors
    ///
    /// The I/O error that stopped the server.
    pub async fn serve_http(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let service: StreamableHttpService<EchoServer, LocalSessionManager> =
            StreamableHttpService::new(
                move || Ok(self.clone()),
                Arc::default(),
                StreamableHttpServerConfig::default(),
            );
        let router = axum::Router::new().nest_service("/mcp", service);
        axum::serve(listener, router)
            .with_graceful_shutdown(shutdown)
            .await
    }

    /// Serves MCP over this process's stdin and stdout until the client closes them.
    ///
    /// # Errors
    ///
    /// A message when the handshake fails.
    pub async fn serve_stdio(self) -> Result<(), String> {
        let running = self
            .serve(rmcp::transport::stdio())
            .await
            .map_err(|err| err.to_string())?;
        running.waiting().await.map_err(|err| err.to_string())?;
        Ok(())
    }
}

impl ServerHandler for EchoServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
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
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        self.answer(&request).map(Into::into)
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.tools.get(name).map(|s| s.tool.clone())
    }
}

/// Every `.json` file under `dir`, sorted.
fn collect_json(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|err| format!("{}: {err}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            collect_json(&path, out)?;
        } else if path.extension().is_some_and(|ext| ext == "json")
            // A provider's overlay holds local corrections, not a tool the server offers.
            && path.file_name().is_none_or(|name| name != "overlay.json")
        {
            out.push(path);
        }
    }
    Ok(())
}

//! [`RmcpTransport`]: tool calls over an open rmcp session, each with a progress token, cancelled
//! on the server when dropped, and sent again after authorizing when the server refuses it; and
//! `tools/list` one page at a time ([`RmcpTransport::list_tools_page`]), for callers that need
//! the server's tool definitions as it sends them (`toolgen pull`).

use std::fmt;
use std::sync::Arc;

use ::rmcp::ClientHandler;
use ::rmcp::model::{
    CallToolRequest, CallToolRequestParams, CancelledNotificationParam, ClientRequest,
    ListToolsRequest, PaginatedRequestParams, ProgressToken, RequestId, ServerResult,
};
use ::rmcp::service::{Peer, PeerRequestOptions, RoleClient, RunningService};
use serde_json::Value;

use super::super::error::Error;
use super::super::oauth::{SessionAuth, Tries};
use super::super::output::Content;
use super::super::session::{ProgressMap, Session};
use super::super::transport::{BoxFuture, ProgressFn, ToolCall, ToolResult, Transport};
use super::errors::service_error;

/// A [`Transport`] over an rmcp client session (Streamable HTTP, stdio, or any rmcp transport).
///
/// The session lives as long as the transport: when the last [`Client`](super::super::Client) clone that uses it is
/// dropped, the session ends (and a child process is stopped).
pub struct RmcpTransport {
    peer: Peer<RoleClient>,
    /// Where this runtime's handler routes progress notifications; `None` for a session with
    /// another handler.
    progress: Option<ProgressMap>,
    /// The running session: dropping it ends the session.
    _service: Box<dyn std::any::Any + Send + Sync>,
    /// What authorizes again when the server refuses a call, for a session with OAuth.
    pub(super) auth: Option<Arc<SessionAuth>>,
    label: String,
}

impl fmt::Debug for RmcpTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RmcpTransport")
            .field("server", &self.label)
            .finish_non_exhaustive()
    }
}

impl RmcpTransport {
    /// Wraps an rmcp client session that is already open, with any client handler (progress
    /// notifications then reach the handler, not [`Call::on_progress`](super::super::Call::on_progress)).
    /// `label` names the server in `Debug` output; it must not contain secrets.
    pub fn new<S: ClientHandler>(
        service: RunningService<RoleClient, S>,
        label: impl Into<String>,
    ) -> Self {
        Self {
            peer: service.peer().clone(),
            progress: None,
            _service: Box::new(service),
            auth: None,
            label: label.into(),
        }
    }

    pub(super) fn with_session(
        service: RunningService<RoleClient, Session>,
        label: String,
    ) -> Self {
        let progress = Some(service.service().progress.clone());
        Self {
            progress,
            ..Self::new(service, label)
        }
    }

    /// The rmcp peer of the session, for requests other than `tools/call`.
    pub fn peer(&self) -> &Peer<RoleClient> {
        &self.peer
    }

    async fn send(
        &self,
        call: ToolCall,
        progress: Option<ProgressFn>,
    ) -> Result<ToolResult, Error> {
        let Some(auth) = &self.auth else {
            return self.send_once(call, progress).await;
        };
        // A call the server refuses for want of authorization (or of a scope) is sent again
        // after authorizing, within the configuration's limit.
        let mut tries = Tries::default();
        loop {
            match self.send_once(call.clone(), progress.clone()).await {
                Err(err) if auth.recover(&err, &mut tries).await? => {}
                other => return other,
            }
        }
    }

    async fn send_once(
        &self,
        call: ToolCall,
        progress: Option<ProgressFn>,
    ) -> Result<ToolResult, Error> {
        let mut params = CallToolRequestParams::new(call.name);
        params.arguments = Some(call.arguments);
        let request = ClientRequest::CallToolRequest(CallToolRequest::new(params));
        let handle = self
            .peer
            .send_request_with_option(request, PeerRequestOptions::no_options())
            .await
            .map_err(service_error)?;
        let _listening = match (progress, &self.progress) {
            (Some(callback), Some(map)) => Some(ProgressRegistration::new(
                map,
                handle.progress_token.clone(),
                callback,
            )),
            _ => None,
        };
        let mut cancel = CancelOnDrop {
            peer: self.peer.clone(),
            id: Some(handle.id.clone()),
        };
        let result = handle.await_response().await;
        cancel.id = None;
        let result = match result.map_err(service_error)? {
            ServerResult::CallToolResult(result) => result,
            _ => {
                return Err(Error::UnexpectedResponse {
                    message: "the server answered `tools/call` with another kind of result"
                        .to_string(),
                });
            }
        };
        let content = result
            .content
            .into_iter()
            .map(|block| match serde_json::to_value(block) {
                Ok(value) => Content::from_json(value),
                Err(err) => Content::Other(serde_json::Value::String(err.to_string())),
            })
            .collect();
        Ok(ToolResult {
            content,
            structured_content: result.structured_content.filter(|v| !v.is_null()),
            is_error: result.is_error.unwrap_or(false),
        })
    }
}

impl Transport for RmcpTransport {
    fn call_tool(&self, call: ToolCall) -> BoxFuture<'_, Result<ToolResult, Error>> {
        Box::pin(self.send(call, None))
    }

    fn call_tool_with_progress(
        &self,
        call: ToolCall,
        progress: ProgressFn,
    ) -> BoxFuture<'_, Result<ToolResult, Error>> {
        Box::pin(self.send(call, Some(progress)))
    }
}

/// Routes the progress notifications of one call to its callback while it lives.
struct ProgressRegistration {
    map: ProgressMap,
    token: ProgressToken,
}

impl ProgressRegistration {
    fn new(map: &ProgressMap, token: ProgressToken, callback: ProgressFn) -> Self {
        map.lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(token.clone(), callback);
        Self {
            map: Arc::clone(map),
            token,
        }
    }
}

impl Drop for ProgressRegistration {
    fn drop(&mut self) {
        let removed = self
            .map
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.token);
        // The callback is dropped after the lock is released: it may hold anything.
        drop(removed);
    }
}

/// Tells the server that a call was abandoned (its future dropped, or timed out) before its
/// answer came.
struct CancelOnDrop {
    peer: Peer<RoleClient>,
    id: Option<RequestId>,
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        let Some(id) = self.id.take() else {
            return;
        };
        // Without a runtime (the runtime itself is shutting down) the session ends anyway.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let peer = self.peer.clone();
            runtime.spawn(async move {
                let params = CancelledNotificationParam::new(
                    Some(id),
                    Some("the client stopped waiting for the call".to_string()),
                );
                if let Err(err) = peer.notify_cancelled(params).await {
                    tracing::debug!(error = %err, "could not send notifications/cancelled");
                }
            });
        }
    }
}

/// One page of `tools/list`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ToolsPage {
    /// The tools of the page, each the JSON object of its definition.
    pub tools: Vec<Value>,
    /// The cursor of the next page; `None` on the last one.
    pub next_cursor: Option<String>,
}

impl RmcpTransport {
    /// Lists one page of the server's tools: the first for `cursor: None`, else the page after
    /// the cursor a previous page gave. A refused request is sent again after authorizing, as a
    /// tool call is.
    ///
    /// # Errors
    ///
    /// [`Error::UnexpectedResponse`] when the answer is not a list of tools (saying what is
    /// wrong), and the errors of a tool call: [`Error::Unauthorized`], [`Error::Transport`],
    /// [`Error::Protocol`].
    pub async fn list_tools_page(&self, cursor: Option<String>) -> Result<ToolsPage, Error> {
        let Some(auth) = &self.auth else {
            return self.list_once(cursor).await;
        };
        let mut tries = Tries::default();
        loop {
            match self.list_once(cursor.clone()).await {
                Err(err) if auth.recover(&err, &mut tries).await? => {}
                other => return other,
            }
        }
    }

    async fn list_once(&self, cursor: Option<String>) -> Result<ToolsPage, Error> {
        let mut params = PaginatedRequestParams::default();
        params.cursor = cursor;
        let request = ClientRequest::ListToolsRequest(ListToolsRequest {
            method: Default::default(),
            params: Some(params),
            extensions: Default::default(),
        });
        let result = self
            .peer()
            .send_request(request)
            .await
            .map_err(service_error)?;
        let ServerResult::ListToolsResult(page) = result else {
            // rmcp reads a result it cannot type as another kind (usually its catch-all).
            let value = serde_json::to_value(&result).unwrap_or(Value::Null);
            return Err(Error::UnexpectedResponse {
                message: format!(
                    "the answer to `tools/list` is not a list of tools: {}",
                    what_is_wrong(&value)
                ),
            });
        };
        let tools = page
            .tools
            .iter()
            .map(serde_json::to_value)
            .collect::<Result<_, _>>()
            .map_err(|err| Error::UnexpectedResponse {
                message: format!("a tool of `tools/list` cannot be read back: {err}"),
            })?;
        Ok(ToolsPage {
            tools,
            next_cursor: page.next_cursor,
        })
    }
}

/// What keeps `result` from being a `tools/list` result, with the place it is wrong.
fn what_is_wrong(result: &Value) -> String {
    let Some(tools) = result.get("tools") else {
        return if result.is_object() {
            "it has no `tools` array".to_string()
        } else {
            "it is not a JSON object".to_string()
        };
    };
    let Some(tools) = tools.as_array() else {
        return "`tools` is not an array".to_string();
    };
    for (i, tool) in tools.iter().enumerate() {
        let Some(object) = tool.as_object() else {
            return format!("tools[{i}] is not an object");
        };
        let Some(name) = object.get("name").and_then(Value::as_str) else {
            return format!("tools[{i}] has no string `name`");
        };
        if !object.get("inputSchema").is_some_and(Value::is_object) {
            return format!("tools[{i}] (`{name}`) has no object `inputSchema`");
        }
        if let Err(err) = serde_json::from_value::<::rmcp::model::Tool>(tool.clone()) {
            return format!("tools[{i}] (`{name}`): {err}");
        }
    }
    match serde_json::from_value::<::rmcp::model::ListToolsResult>(result.clone()) {
        Ok(_) => "rmcp read it as another kind of result".to_string(),
        Err(err) => err.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::what_is_wrong;

    #[test]
    fn each_shape_problem_is_named_with_its_place() {
        let schema = json!({"type": "object"});
        for (result, expected) in [
            (json!(5), "it is not a JSON object"),
            (json!({}), "it has no `tools` array"),
            (json!({"tools": "x"}), "`tools` is not an array"),
            (json!({"tools": [1]}), "tools[0] is not an object"),
            (
                json!({"tools": [{"name": "a", "inputSchema": schema}, {"description": "d"}]}),
                "tools[1] has no string `name`",
            ),
            (
                json!({"tools": [{"name": "a"}]}),
                "tools[0] (`a`) has no object `inputSchema`",
            ),
        ] {
            assert_eq!(what_is_wrong(&result), expected, "{result}");
        }
    }
}

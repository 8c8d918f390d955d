//! [`RmcpTransport`]: tool calls over an open rmcp session, each with a progress token, cancelled
//! on the server when dropped, and sent again after authorizing when the server refuses it.

use std::fmt;
use std::sync::Arc;

use ::rmcp::ClientHandler;
use ::rmcp::model::{
    CallToolRequest, CallToolRequestParams, CancelledNotificationParam, ClientRequest,
    ProgressToken, RequestId, ServerResult,
};
use ::rmcp::service::{Peer, PeerRequestOptions, RoleClient, RunningService};

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

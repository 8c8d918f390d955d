//! [`Context`]: what a tool method can do while it runs, besides computing its result: notice
//! that the client cancelled, report progress, send log messages.

use rmcp::RoleServer;
// MCP deprecates logging (SEP-2577) in a protocol version clients do not speak yet; it is kept
// until rmcp removes it.
#[allow(deprecated)]
use rmcp::model::LoggingMessageNotificationParam;
use rmcp::model::ProgressNotificationParam;
use rmcp::service::RequestContext;
use serde_json::Value;

/// The severity of a log message (rmcp's type).
#[allow(deprecated)]
pub use rmcp::model::LoggingLevel;

/// The per-call context a tool method receives.
///
/// Notifications are best effort: a client that has gone away loses them, and the method is not
/// told (it notices through [`is_cancelled`](Self::is_cancelled) instead).
#[derive(Debug, Clone)]
pub struct Context {
    request: RequestContext<RoleServer>,
}

impl Context {
    pub(super) fn new(request: RequestContext<RoleServer>) -> Self {
        Self { request }
    }

    /// Whether the client cancelled this call (or the session ended).
    pub fn is_cancelled(&self) -> bool {
        self.request.ct.is_cancelled()
    }

    /// Completes when the client cancels this call (or the session ends).
    pub async fn cancelled(&self) {
        self.request.ct.cancelled().await;
    }

    /// Whether the client asked for progress notifications (it sent a progress token).
    pub fn wants_progress(&self) -> bool {
        self.request.meta.get_progress_token().is_some()
    }

    /// Reports progress: `progress` so far, out of `total` when known. Does nothing when the
    /// client sent no progress token.
    pub async fn progress(&self, progress: f64, total: Option<f64>, message: Option<&str>) {
        let Some(token) = self.request.meta.get_progress_token() else {
            return;
        };
        let mut param = ProgressNotificationParam::new(token, progress);
        if let Some(total) = total {
            param = param.with_total(total);
        }
        if let Some(message) = message {
            param = param.with_message(message);
        }
        // Best effort, as documented on the type.
        let _ = self.request.peer.notify_progress(param).await;
    }

    /// Sends a log message (`notifications/message`) to the client.
    #[allow(deprecated)]
    pub async fn log(&self, level: LoggingLevel, data: impl Into<Value>) {
        let param = LoggingMessageNotificationParam::new(level, data.into());
        // Best effort, as documented on the type.
        let _ = self.request.peer.notify_logging_message(param).await;
    }
}

//! What the client does when the server speaks first during a session: it answers elicitation
//! requests (through an [`ElicitationHandler`], when one is set), hands progress notifications
//! to the call they belong to, and turns log messages into `tracing` events.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex};

use ::rmcp::ClientHandler;
use ::rmcp::model::{
    ClientCapabilities, ClientConfig, ElicitRequestParams, ElicitResult, ElicitationAction,
    Implementation, ProgressNotificationParam, ProgressToken, ProtocolVersion,
};
use ::rmcp::service::{NotificationContext, RequestContext, RoleClient};
use serde_json::{Map, Value};

use super::transport::{BoxFuture, Progress, ProgressFn};

/// A server's request for input from the person using the client (`elicitation/create`, form
/// mode), made while a tool call is running.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Elicitation {
    /// What the server asks for, to show to the person.
    pub message: String,
    /// The JSON Schema of the answer: an object of primitive properties, some with `default`s.
    pub requested_schema: Value,
}

/// The answer to an [`Elicitation`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ElicitationResponse {
    /// The person answered. Properties left out that have a `default` in the requested schema
    /// are filled in with it before the answer is sent (SEP-1034).
    Accept(Map<String, Value>),
    /// The person declined to answer; the call goes on without the input.
    Decline,
    /// The person dismissed the request.
    Cancel,
}

/// Answers the server's elicitation requests; set one with `.elicitation(...)` on the client
/// builder. Only then does the client declare the elicitation capability.
///
/// A closure `Fn(Elicitation) -> impl Future<Output = ElicitationResponse>` is one.
pub trait ElicitationHandler: Send + Sync + 'static {
    /// Asks the person and returns their answer.
    fn elicit(&self, request: Elicitation) -> BoxFuture<'_, ElicitationResponse>;
}

impl<F, Fut> ElicitationHandler for F
where
    F: Fn(Elicitation) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ElicitationResponse> + Send + 'static,
{
    fn elicit(&self, request: Elicitation) -> BoxFuture<'_, ElicitationResponse> {
        Box::pin(self(request))
    }
}

/// Fills in, in `content`, every property of `schema` that has a `default` and is missing
/// (SEP-1034: a client applies the defaults of the fields the person left out).
pub(crate) fn apply_defaults(schema: &Value, content: &mut Map<String, Value>) {
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    for (name, property) in properties {
        if let Some(default) = property.get("default")
            && !content.contains_key(name)
        {
            content.insert(name.clone(), default.clone());
        }
    }
}

/// The calls waiting for progress notifications, by progress token.
pub(crate) type ProgressMap = Arc<Mutex<HashMap<ProgressToken, ProgressFn>>>;

/// The rmcp client handler of a session.
#[derive(Clone)]
pub(crate) struct Session {
    info: ClientConfig,
    elicitation: Option<Arc<dyn ElicitationHandler>>,
    pub(crate) progress: ProgressMap,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("protocol_version", &self.info.protocol_version)
            .field("elicitation", &self.elicitation.is_some())
            .finish_non_exhaustive()
    }
}

impl Session {
    /// A handler that offers `version` and declares the elicitation capability only when
    /// `elicitation` is set.
    pub(crate) fn new(
        version: ProtocolVersion,
        elicitation: Option<Arc<dyn ElicitationHandler>>,
    ) -> Self {
        let capabilities = if elicitation.is_some() {
            // Form mode only: URL mode needs a browser, which this runtime does not open.
            serde_json::from_value(serde_json::json!({ "elicitation": { "form": {} } }))
                .unwrap_or_default()
        } else {
            ClientCapabilities::default()
        };
        let mut info = ClientConfig::new(
            capabilities,
            Implementation::new("toolgen", env!("CARGO_PKG_VERSION")),
        );
        info.protocol_version = version;
        Self {
            info,
            elicitation,
            progress: ProgressMap::default(),
        }
    }
}

#[expect(
    deprecated,
    reason = "SEP-2577 deprecates server log messages, which servers on 2025-06-18 and 2025-11-25 still send"
)]
impl ClientHandler for Session {
    fn get_info(&self) -> ClientConfig {
        self.info.clone()
    }

    async fn create_elicitation(
        &self,
        request: ElicitRequestParams,
        _context: RequestContext<RoleClient>,
    ) -> Result<ElicitResult, ::rmcp::ErrorData> {
        let (
            Some(handler),
            ElicitRequestParams::FormElicitationParams {
                message,
                requested_schema,
                ..
            },
        ) = (&self.elicitation, request)
        else {
            return Ok(ElicitResult::new(ElicitationAction::Decline));
        };
        let requested_schema = serde_json::to_value(&requested_schema).unwrap_or(Value::Null);
        let request = Elicitation {
            message,
            requested_schema,
        };
        let schema = request.requested_schema.clone();
        Ok(match handler.elicit(request).await {
            ElicitationResponse::Accept(mut content) => {
                apply_defaults(&schema, &mut content);
                ElicitResult::new(ElicitationAction::Accept).with_content(Value::Object(content))
            }
            ElicitationResponse::Decline => ElicitResult::new(ElicitationAction::Decline),
            ElicitationResponse::Cancel => ElicitResult::new(ElicitationAction::Cancel),
        })
    }

    async fn on_progress(
        &self,
        params: ProgressNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        let callback = self
            .progress
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&params.progress_token)
            .cloned();
        if let Some(callback) = callback {
            callback(Progress::new(params.progress, params.total, params.message));
        }
    }

    async fn on_logging_message(
        &self,
        params: ::rmcp::model::LoggingMessageNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        let logger = params.logger.as_deref().unwrap_or("");
        let data = &params.data;
        use ::rmcp::model::LoggingLevel;
        // The server's levels, folded onto tracing's five.
        match params.level {
            LoggingLevel::Debug => {
                tracing::debug!(target: "mcp.server", logger, %data, "server log");
            }
            LoggingLevel::Info | LoggingLevel::Notice => {
                tracing::info!(target: "mcp.server", logger, %data, "server log");
            }
            LoggingLevel::Warning => {
                tracing::warn!(target: "mcp.server", logger, %data, "server log");
            }
            _ => tracing::error!(target: "mcp.server", logger, %data, "server log"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_fill_only_what_is_missing() {
        let schema = serde_json::json!({
            "type": "object",
            "properties": {
                "name": {"type": "string", "default": "John Doe"},
                "age": {"type": "integer", "default": 30},
                "note": {"type": "string"}
            }
        });
        let mut content = Map::new();
        content.insert("age".into(), Value::from(41));
        apply_defaults(&schema, &mut content);
        assert_eq!(
            Value::Object(content),
            serde_json::json!({"age": 41, "name": "John Doe"})
        );
    }
}

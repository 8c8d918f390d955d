//! Real MCP transports over rmcp, the official MCP Rust SDK: Streamable HTTP
//! ([`Client::connect_http`]) and a child process over stdio ([`Client::spawn_stdio`]).
//!
//! Both open the session once, when connecting (the `initialize` handshake, or `server/discover`
//! for a pinned protocol version that has no handshake), then send every call over it. A call
//! carries a progress token, and a call dropped before its answer is cancelled on the server
//! (`notifications/cancelled`). Errors from rmcp are mapped onto [`Error`] here and nowhere else.

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use ::rmcp::ClientHandler;
use ::rmcp::model::{
    CallToolRequest, CallToolRequestParams, CancelledNotificationParam, ClientRequest,
    ProgressToken, ProtocolVersion, RequestId, ServerResult,
};
use ::rmcp::service::{
    ClientLifecycleMode, Peer, PeerRequestOptions, RoleClient, RunningService, ServiceError,
};
use ::rmcp::transport::streamable_http_client::{
    AuthRequiredError, HttpStatusError, InsufficientScopeError,
    StreamableHttpClientTransportConfig, StreamableHttpError,
};
use ::rmcp::transport::{StreamableHttpClientTransport, TokioChildProcess};

use super::client::{Client, DEFAULT_TIMEOUT};
use super::error::{Error, TransportError, TransportErrorKind};
use super::oauth::{OAuth, SessionAuth, Tries};
use super::output::Content;
use super::retry::{RetryPolicy, parse_retry_after};
use super::session::{ElicitationHandler, ProgressMap, Session};
use super::transport::{BoxFuture, ProgressFn, ToolCall, ToolResult, Transport};

/// A secret (token or key): usable, but never shown by `Debug` or `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps `value`.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself. Do not log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_string())
    }
}

/// A [`Transport`] over an rmcp client session (Streamable HTTP, stdio, or any rmcp transport).
///
/// The session lives as long as the transport: when the last [`Client`] clone that uses it is
/// dropped, the session ends (and a child process is stopped).
pub struct RmcpTransport {
    peer: Peer<RoleClient>,
    /// Where this runtime's handler routes progress notifications; `None` for a session with
    /// another handler.
    progress: Option<ProgressMap>,
    /// The running session: dropping it ends the session.
    _service: Box<dyn std::any::Any + Send + Sync>,
    /// What authorizes again when the server refuses a call, for a session with OAuth.
    auth: Option<Arc<SessionAuth>>,
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
    /// notifications then reach the handler, not [`Call::on_progress`](super::Call::on_progress)).
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

    fn with_session(service: RunningService<RoleClient, Session>, label: String) -> Self {
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

/// Maps an rmcp request error onto [`Error`].
fn service_error(err: ServiceError) -> Error {
    match err {
        ServiceError::McpError(data) => Error::Protocol {
            code: i64::from(data.code.0),
            message: data.message.into_owned(),
            data: data.data,
        },
        ServiceError::Timeout { timeout } => Error::Timeout { after: timeout },
        ServiceError::UnexpectedResponse => Error::UnexpectedResponse {
            message: "the server answered `tools/call` with another kind of result".to_string(),
        },
        ServiceError::TransportClosed => Error::Transport(
            TransportError::new("the MCP session is closed").kind_of(TransportErrorKind::Closed),
        ),
        ServiceError::TransportSend(err) => chain_error(&*err.error, err.error.to_string()),
        other => Error::Transport(TransportError::new(other.to_string())),
    }
}

/// Classifies a transport failure by walking its chain of sources.
fn chain_error(err: &(dyn std::error::Error + 'static), message: String) -> Error {
    let mut next = Some(err);
    while let Some(current) = next {
        if let Some(auth) = current.downcast_ref::<AuthRequiredError>() {
            return unauthorized(401, &auth.www_authenticate_header);
        }
        if let Some(scope) = current.downcast_ref::<InsufficientScopeError>() {
            return unauthorized(403, &scope.www_authenticate_header);
        }
        if let Some(status) = current.downcast_ref::<HttpStatusError>() {
            return http_status(status);
        }
        if let Some(http) = current.downcast_ref::<StreamableHttpError<::reqwest::Error>>() {
            match http {
                StreamableHttpError::ResponseBodyTooLarge { max_size } => {
                    return Error::Transport(
                        TransportError::new(format!(
                            "the reply is larger than the limit of {max_size} bytes"
                        ))
                        .kind_of(TransportErrorKind::ResponseTooLarge),
                    );
                }
                StreamableHttpError::UnexpectedServerResponse(text) => {
                    return Error::UnexpectedResponse {
                        message: text.to_string(),
                    };
                }
                StreamableHttpError::Deserialize(err) => {
                    return Error::UnexpectedResponse {
                        message: format!("the reply is not valid JSON-RPC: {err}"),
                    };
                }
                StreamableHttpError::UnexpectedContentType(kind) => {
                    return Error::UnexpectedResponse {
                        message: format!("the reply has the content type {kind:?}"),
                    };
                }
                // `transparent` hides the status from the chain of sources; look at it here.
                StreamableHttpError::HttpStatus(status) => return http_status(status),
                // rmcp does not expose the HTTP client's error as a source; look at it here.
                StreamableHttpError::Client(inner) => return chain_error(inner, message),
                StreamableHttpError::AuthRequired(auth) => {
                    return unauthorized(401, &auth.www_authenticate_header);
                }
                StreamableHttpError::InsufficientScope(scope) => {
                    return unauthorized(403, &scope.www_authenticate_header);
                }
                StreamableHttpError::TransportChannelClosed => {
                    return Error::Transport(
                        TransportError::new(message).kind_of(TransportErrorKind::Closed),
                    );
                }
                _ => {}
            }
        }
        if let Some(http) = current.downcast_ref::<::reqwest::Error>() {
            if http.is_connect() {
                return Error::Transport(
                    TransportError::new(format!("could not connect: {http}"))
                        .kind_of(TransportErrorKind::Connect),
                );
            }
            if http.is_timeout() {
                return Error::Timeout {
                    after: Duration::ZERO,
                };
            }
        }
        if let Some(io) = current.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind;
            let kind = match io.kind() {
                ErrorKind::ConnectionRefused
                | ErrorKind::NotFound
                | ErrorKind::AddrNotAvailable => TransportErrorKind::Connect,
                ErrorKind::BrokenPipe
                | ErrorKind::ConnectionReset
                | ErrorKind::ConnectionAborted
                | ErrorKind::UnexpectedEof => TransportErrorKind::Closed,
                _ => TransportErrorKind::Other,
            };
            return Error::Transport(TransportError::new(message).kind_of(kind));
        }
        next = current.source();
    }
    Error::Transport(TransportError::new(message))
}

fn unauthorized(status: u16, challenge: &str) -> Error {
    Error::Unauthorized {
        status,
        challenge: Some(challenge.trim().to_string()).filter(|c| !c.is_empty()),
    }
}

fn http_status(status: &HttpStatusError) -> Error {
    if status.status == 401 || status.status == 403 {
        return Error::Unauthorized {
            status: status.status,
            challenge: None,
        };
    }
    let delay = status.retry_after.as_deref().and_then(parse_retry_after);
    Error::Transport(
        TransportError::new(format!("the server answered HTTP {}", status.status))
            .kind_of(TransportErrorKind::HttpStatus(status.status))
            .retry_after(delay),
    )
}

/// Settings shared by both builders.
#[derive(Debug, Clone)]
struct Settings {
    timeout: Duration,
    retry: RetryPolicy,
    log_arguments: bool,
    protocol_version: ProtocolVersion,
    elicitation: Option<Arc<dyn ElicitationHandler>>,
}

impl fmt::Debug for dyn ElicitationHandler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ElicitationHandler")
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            timeout: DEFAULT_TIMEOUT,
            retry: RetryPolicy::default(),
            log_arguments: false,
            protocol_version: DEFAULT_PROTOCOL_VERSION,
            elicitation: None,
        }
    }
}

/// The protocol version a client offers unless told otherwise: the newest one with an
/// `initialize` handshake, which servers on 2025-06-18 and later answer (a server on an older
/// version answers with its own, which the session then speaks).
pub const DEFAULT_PROTOCOL_VERSION: ProtocolVersion = ProtocolVersion::LATEST_WITH_INITIALIZE;

impl Settings {
    /// The handler of a new session.
    fn session(&self) -> Session {
        Session::new(self.protocol_version.clone(), self.elicitation.clone())
    }

    /// How a new session starts: the `initialize` handshake, or `server/discover` for a version
    /// without one.
    fn lifecycle(&self) -> ClientLifecycleMode {
        if self.protocol_version.has_initialize() {
            ClientLifecycleMode::Initialize
        } else {
            ClientLifecycleMode::Discover {
                preferred_versions: vec![self.protocol_version.clone()],
            }
        }
    }

    fn client<C: From<Client>>(&self, transport: RmcpTransport) -> C {
        C::from(
            Client::new(transport)
                .with_timeout(self.timeout)
                .with_retry_policy(self.retry.clone())
                .with_argument_logging(self.log_arguments),
        )
    }
}

/// Connects to a Streamable HTTP MCP server; made by [`Client::connect_http`] (or a provider's
/// `Client::connect_http`), finished by [`HttpBuilder::connect`].
///
/// `Debug` shows the URL and the header names, never the token, the key or header values.
pub struct HttpBuilder<C = Client> {
    url: String,
    bearer: Option<Secret>,
    headers: Vec<(String, Secret)>,
    settings: Settings,
    max_concurrent_requests: Option<usize>,
    max_response_bytes: Option<usize>,
    oauth: Option<OAuth>,
    client: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for HttpBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("HttpBuilder")
            .field("url", &self.url)
            .field("bearer_token", &self.bearer.as_ref().map(|_| "***"))
            .field("headers", &names)
            .field("oauth", &self.oauth)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl<C: From<Client>> HttpBuilder<C> {
    /// A builder for the server at `url` (such as `http://127.0.0.1:8080/mcp`).
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            bearer: None,
            headers: Vec::new(),
            settings: Settings::default(),
            max_concurrent_requests: None,
            max_response_bytes: None,
            oauth: None,
            client: PhantomData,
        }
    }

    /// Authorizes with OAuth 2.1 as the MCP authorization specification asks: when the server
    /// answers 401, the client discovers its authorization server, obtains a token as `oauth`
    /// says (a person's authorization, or client credentials), keeps it in `oauth`'s token
    /// store, refreshes it when it expires, and asks for more scope when the server answers 403
    /// `insufficient_scope`.
    pub fn oauth(mut self, oauth: OAuth) -> Self {
        self.oauth = Some(oauth);
        self
    }

    /// Sends `Authorization: Bearer <token>` with every request.
    pub fn bearer_token(mut self, token: impl Into<Secret>) -> Self {
        self.bearer = Some(token.into());
        self
    }

    /// Sends the API key `key` in the header `header` (such as `x-api-key`) with every request.
    pub fn api_key(self, header: impl Into<String>, key: impl Into<Secret>) -> Self {
        self.header(header, key)
    }

    /// Sends the header `name: value` with every request. Values are treated as secrets: they
    /// are marked sensitive and never shown.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<Secret>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The timeout of each attempt of a call, and of connecting (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings.timeout = timeout;
        self
    }

    /// The retry policy of calls and of connecting.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.settings.retry = policy;
        self
    }

    /// Logs each call's argument values in a `debug` event (off by default).
    pub fn argument_logging(mut self, enabled: bool) -> Self {
        self.settings.log_arguments = enabled;
        self
    }

    /// The MCP protocol version offered (default [`DEFAULT_PROTOCOL_VERSION`], 2025-11-25).
    /// A version without the `initialize` handshake (2026-07-28 and later) opens the session
    /// with `server/discover` instead, and fails with a server that does not speak it.
    pub fn protocol_version(mut self, version: ProtocolVersion) -> Self {
        self.settings.protocol_version = version;
        self
    }

    /// Answers the server's elicitation requests (input asked of the person during a call)
    /// with `handler`, and declares the elicitation capability. Without one, the client does
    /// not declare it.
    pub fn elicitation(mut self, handler: impl ElicitationHandler) -> Self {
        self.settings.elicitation = Some(Arc::new(handler));
        self
    }

    /// How many HTTP requests may be in flight at once (rmcp's default is 16); more calls wait.
    pub fn max_concurrent_requests(mut self, limit: usize) -> Self {
        self.max_concurrent_requests = Some(limit);
        self
    }

    /// The largest reply accepted, in bytes (rmcp's default is 16 MiB); a larger one fails
    /// with [`TransportErrorKind::ResponseTooLarge`].
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = Some(bytes);
        self
    }

    /// Connects and does the `initialize` handshake, retrying connection failures by the retry
    /// policy.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArguments`] for a header that is not valid HTTP, [`Error::Transport`]
    /// when the server cannot be reached, [`Error::Timeout`] when it does not answer in time,
    /// and [`Error::Protocol`] when it refuses the session.
    pub async fn connect(self) -> Result<C, Error> {
        let mut headers = HashMap::new();
        for (name, value) in &self.headers {
            let invalid = |message: String| Error::InvalidArguments {
                tool: String::new(),
                violations: vec![super::error::Violation {
                    pointer: String::new(),
                    message,
                }],
            };
            let name = ::http::HeaderName::try_from(name.as_str())
                .map_err(|err| invalid(format!("header name `{name}`: {err}")))?;
            let mut value = ::http::HeaderValue::try_from(value.expose())
                .map_err(|_| invalid(format!("the value of header `{name}` is not valid")))?;
            value.set_sensitive(true);
            headers.insert(name, value);
        }
        let mut config = StreamableHttpClientTransportConfig::with_uri(self.url.as_str())
            .custom_headers(headers);
        // With OAuth, the token comes from the authorization; a static one would shadow it.
        if let (Some(token), None) = (&self.bearer, &self.oauth) {
            config = config.auth_header(token.expose());
        }
        if let Some(limit) = self.max_concurrent_requests {
            config = config.max_concurrent_requests(limit);
        }
        if let Some(bytes) = self.max_response_bytes {
            config = config.max_json_response_size(bytes);
        }
        let url = self.url.clone();
        let settings = &self.settings;
        let service = match &self.oauth {
            None => {
                with_retries(settings, || {
                    let transport = StreamableHttpClientTransport::from_config(config.clone());
                    ::rmcp::service::serve_client_with_lifecycle(
                        settings.session(),
                        transport,
                        settings.lifecycle(),
                    )
                })
                .await?
            }
            Some(oauth) => {
                let auth = Arc::new(oauth.session(&url).await?);
                let mut tries = Tries::default();
                let service = loop {
                    let attempt = with_retries(settings, || {
                        let transport = StreamableHttpClientTransport::with_client(
                            auth.http_client(),
                            config.clone(),
                        );
                        ::rmcp::service::serve_client_with_lifecycle(
                            settings.session(),
                            transport,
                            settings.lifecycle(),
                        )
                    })
                    .await;
                    match attempt {
                        Err(err) if auth.recover(&err, &mut tries).await? => {}
                        other => break other?,
                    }
                };
                let mut transport = RmcpTransport::with_session(service, url);
                transport.auth = Some(auth);
                return Ok(self.settings.client(transport));
            }
        };
        Ok(self
            .settings
            .client(RmcpTransport::with_session(service, url)))
    }
}

/// Starts an MCP server as a child process and talks to it over stdio; made by
/// [`Client::spawn_stdio`], finished by [`StdioBuilder::connect`].
pub struct StdioBuilder<C = Client> {
    command: String,
    args: Vec<String>,
    env: Vec<(String, Secret)>,
    settings: Settings,
    client: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for StdioBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.env.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("StdioBuilder")
            .field("command", &self.command)
            .field("args", &self.args)
            .field("env", &names)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl<C: From<Client>> StdioBuilder<C> {
    /// A builder that runs `command` with `args`.
    pub fn new<I, S>(command: impl Into<String>, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            command: command.into(),
            args: args.into_iter().map(Into::into).collect(),
            env: Vec::new(),
            settings: Settings::default(),
            client: PhantomData,
        }
    }

    /// Sets the environment variable `name` of the child (a secret: never shown).
    pub fn env(mut self, name: impl Into<String>, value: impl Into<Secret>) -> Self {
        self.env.push((name.into(), value.into()));
        self
    }

    /// The timeout of each attempt of a call, and of starting (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings.timeout = timeout;
        self
    }

    /// The retry policy of calls.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.settings.retry = policy;
        self
    }

    /// Logs each call's argument values in a `debug` event (off by default).
    pub fn argument_logging(mut self, enabled: bool) -> Self {
        self.settings.log_arguments = enabled;
        self
    }

    /// The MCP protocol version offered (default [`DEFAULT_PROTOCOL_VERSION`], 2025-11-25).
    /// A version without the `initialize` handshake (2026-07-28 and later) opens the session
    /// with `server/discover` instead, and fails with a server that does not speak it.
    pub fn protocol_version(mut self, version: ProtocolVersion) -> Self {
        self.settings.protocol_version = version;
        self
    }

    /// Answers the server's elicitation requests (input asked of the person during a call)
    /// with `handler`, and declares the elicitation capability. Without one, the client does
    /// not declare it.
    pub fn elicitation(mut self, handler: impl ElicitationHandler) -> Self {
        self.settings.elicitation = Some(Arc::new(handler));
        self
    }

    /// Starts the child and does the `initialize` handshake. The child's stderr is inherited.
    ///
    /// # Errors
    ///
    /// [`Error::Transport`] when the command cannot be started or closes the session,
    /// [`Error::Timeout`] when it does not answer in time.
    pub async fn connect(self) -> Result<C, Error> {
        let mut command = tokio::process::Command::new(&self.command);
        command.args(&self.args);
        for (name, value) in &self.env {
            command.env(name, value.expose());
        }
        let transport = TokioChildProcess::new(command).map_err(|err| {
            Error::Transport(
                TransportError::with_source(format!("could not start `{}`", self.command), err)
                    .kind_of(TransportErrorKind::Connect),
            )
        })?;
        let single = Settings {
            retry: RetryPolicy::disabled(),
            ..self.settings.clone()
        };
        let mut transport = Some(transport);
        let (session, lifecycle) = (single.session(), single.lifecycle());
        let service = with_retries(&single, || {
            let transport = transport.take();
            let (session, lifecycle) = (session.clone(), lifecycle.clone());
            async move {
                match transport {
                    Some(transport) => {
                        ::rmcp::service::serve_client_with_lifecycle(session, transport, lifecycle)
                            .await
                    }
                    None => Err(::rmcp::service::ClientInitializeError::ConnectionClosed(
                        "the child process was already used".to_string(),
                    )),
                }
            }
        })
        .await?;
        Ok(self
            .settings
            .client(RmcpTransport::with_session(service, self.command)))
    }
}

/// Runs the `initialize` handshake with the settings' timeout, retrying connection failures.
async fn with_retries<F, Fut>(
    settings: &Settings,
    mut attempt_once: F,
) -> Result<RunningService<RoleClient, Session>, Error>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<
            Output = Result<
                RunningService<RoleClient, Session>,
                ::rmcp::service::ClientInitializeError,
            >,
        >,
{
    let mut attempt = 0;
    loop {
        attempt += 1;
        let err = match tokio::time::timeout(settings.timeout, attempt_once()).await {
            Ok(Ok(service)) => return Ok(service),
            Ok(Err(err)) => initialize_error(err),
            Err(_) => Error::Timeout {
                after: settings.timeout,
            },
        };
        // The handshake has no effect on the server, so it is safe to repeat.
        match settings.retry.delay_after(&err, attempt, true) {
            Some(delay) => {
                tracing::debug!(attempt, error = %err, "retrying the MCP handshake");
                tokio::time::sleep(delay).await;
            }
            None => return Err(err),
        }
    }
}

fn initialize_error(err: ::rmcp::service::ClientInitializeError) -> Error {
    use ::rmcp::service::ClientInitializeError as Init;
    match err {
        Init::JsonRpcError(data) => Error::Protocol {
            code: i64::from(data.code.0),
            message: data.message.into_owned(),
            data: data.data,
        },
        Init::TransportError { error, context } => {
            // `error`'s own message names rmcp's internal transport types; its cause does not.
            let message = format!("the MCP handshake failed ({context}): {}", error.error);
            match chain_error(&*error.error, message.clone()) {
                Error::Transport(inner) if inner.kind() == TransportErrorKind::Other => {
                    Error::Transport(TransportError::new(message))
                }
                other => other,
            }
        }
        Init::ConnectionClosed(context) => Error::Transport(
            TransportError::new(format!(
                "the server closed the session during the handshake ({context})"
            ))
            .kind_of(TransportErrorKind::Closed),
        ),
        other => Error::UnexpectedResponse {
            message: format!("the MCP handshake failed: {other}"),
        },
    }
}

impl Client {
    /// Starts connecting to the Streamable HTTP MCP server at `url`; set the auth, timeouts and
    /// retries on the builder, then call [`HttpBuilder::connect`].
    pub fn connect_http(url: impl Into<String>) -> HttpBuilder<Self> {
        HttpBuilder::new(url)
    }

    /// Starts an MCP server as the child process `command args...` and talks to it over stdio;
    /// finish with [`StdioBuilder::connect`].
    pub fn spawn_stdio<I, S>(command: impl Into<String>, args: I) -> StdioBuilder<Self>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        StdioBuilder::new(command, args)
    }
}

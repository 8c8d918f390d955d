//! Streamable HTTP: [`HttpBuilder`], its HTTP-only options (headers, bearer token, API key,
//! OAuth, request limits), and connecting, with OAuth's authorize-and-retry on a refused
//! handshake.

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use ::rmcp::transport::StreamableHttpClientTransport;
use ::rmcp::transport::common::client_side_sse::ExponentialBackoff;
use ::rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;

use super::super::client::Client;
use super::super::error::{Error, Violation};
use super::super::oauth::{OAuth, Tries};
use super::super::retry::RetryPolicy;
use super::super::secret::Secret;
use super::super::session::ElicitationHandler;
use super::calls::RmcpTransport;
use super::handshake::with_retries;
use super::options::{Settings, settings_setters};

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
    max_reconnects: Option<usize>,
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
            max_reconnects: None,
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

    settings_setters!(opens: "connecting", retried: "calls and of connecting");

    /// How many HTTP requests may be in flight at once (rmcp's default is 16); more calls wait.
    pub fn max_concurrent_requests(mut self, limit: usize) -> Self {
        self.max_concurrent_requests = Some(limit);
        self
    }

    /// The largest reply accepted, in bytes (rmcp's default is 16 MiB); a larger one fails
    /// with [`TransportErrorKind::ResponseTooLarge`](super::super::TransportErrorKind::ResponseTooLarge).
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = Some(bytes);
        self
    }

    /// How often a dropped event stream (the server's answer in progress) is reopened, with
    /// backoff, before the request fails as closed; by default rmcp's policy, which keeps
    /// trying, so that only the call's timeout ends a wait on a server that is gone.
    pub fn max_reconnects(mut self, times: usize) -> Self {
        self.max_reconnects = Some(times);
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
        let settings = self.settings.clone();
        Ok(settings.client(self.connect_transport().await?))
    }

    /// Connects as [`connect`](Self::connect) does, and returns the session itself rather than
    /// a [`Client`] over it: for requests other than tool calls, such as
    /// [`RmcpTransport::list_tools_page`]. The builder's timeout bounds the handshake only.
    ///
    /// # Errors
    ///
    /// As [`connect`](Self::connect).
    pub async fn connect_transport(self) -> Result<RmcpTransport, Error> {
        let mut headers = HashMap::new();
        for (name, value) in &self.headers {
            let invalid = |message: String| Error::InvalidArguments {
                tool: String::new(),
                violations: vec![Violation {
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
        if let Some(times) = self.max_reconnects {
            let mut retry = ExponentialBackoff::default();
            retry.max_times = Some(times);
            retry.base_duration = std::time::Duration::from_millis(200);
            retry.max_delay = Some(std::time::Duration::from_secs(2));
            config.retry_config = Arc::new(retry);
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
                return Ok(transport);
            }
        };
        Ok(RmcpTransport::with_session(service, url))
    }
}

impl Client {
    /// Starts connecting to the Streamable HTTP MCP server at `url`; set the auth, timeouts and
    /// retries on the builder, then call [`HttpBuilder::connect`].
    pub fn connect_http(url: impl Into<String>) -> HttpBuilder<Self> {
        HttpBuilder::new(url)
    }
}

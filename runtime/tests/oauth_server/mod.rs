//! The servers of the OAuth tests, shared by `runtime/tests/oauth.rs` and `tests/pull.rs`: an
//! authorization server (metadata, dynamic registration, an authorization endpoint that approves
//! at once, a token endpoint for the authorization code, refresh token and client credentials
//! grants) and an rmcp server behind a bearer check, on one origin on 127.0.0.1, with fault
//! switches.

#![allow(
    dead_code,
    unreachable_pub,
    reason = "each test file uses a different part"
)]

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, ListToolsResult,
    PaginatedRequestParams, ProtocolVersion, ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::{ErrorData, RoleServer, ServerHandler};
use serde_json::{Value, json};
/// The pre-registered client of the tests.
pub const CLIENT_ID: &str = "desktop-app";
pub const CLIENT_SECRET: &str = "client-secret-7f3a";
/// The scopes the authorization server can grant; a tool may require others, never granted.
pub const GRANTABLE: [&str; 2] = ["files:read", "files:write"];

/// The scopes a request needs: `tools/call` of `write` needs write access, of `admin` a scope
/// that is never granted; everything else (the handshake included) read access.
pub fn required_scopes(message: &Value) -> &'static [&'static str] {
    if message["method"] != "tools/call" {
        return &["files:read"];
    }
    match message["params"]["name"].as_str() {
        Some("write") => &["files:read", "files:write"],
        Some("admin") => &["files:read", "admin"],
        _ => &["files:read"],
    }
}

/// An MCP server that lists the tools `admin`, `read` and `write`, each answering with its own
/// name.
#[derive(Clone)]
pub struct Tools;

impl ServerHandler for Tools {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_protocol_version(ProtocolVersion::V_2025_11_25)
    }

    fn supported_protocol_versions(&self) -> Cow<'static, [ProtocolVersion]> {
        Cow::Borrowed(ProtocolVersion::known_up_to(&ProtocolVersion::V_2025_11_25))
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let tools = ["admin", "read", "write"].map(|name| {
            json!({"name": name, "description": format!("{name} files"), "inputSchema": {"type": "object"}})
        });
        serde_json::from_value(json!({ "tools": tools }))
            .map_err(|err| ErrorData::internal_error(err.to_string(), None))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let text = format!("{} done", request.name);
        Ok(CallToolResult::success(vec![ContentBlock::text(text)]).into())
    }
}

/// An access token the authorization server issued.
pub struct Issued {
    pub scopes: Vec<String>,
    pub expires: Instant,
}

/// What the authorization server has issued and seen.
#[derive(Default)]
pub struct State {
    /// The `scope` of every authorization request, in order.
    pub authorizations: Vec<String>,
    /// The `grant_type` of every successful token request, in order.
    pub grants: Vec<String>,
    /// The refresh tokens presented at the token endpoint, in order.
    pub refreshed_with: Vec<String>,
    pub codes: HashMap<String, Vec<String>>,
    pub access: HashMap<String, Issued>,
    pub refresh: HashMap<String, Vec<String>>,
    pub issued: usize,
    /// Every request to the token endpoint, answered or not.
    pub token_requests: usize,
    /// Every dynamic client registration request, answered or not.
    pub registrations: usize,
    pub faults: Faults,
}

/// Fault switches of the servers, off by default.
#[derive(Default)]
pub struct Faults {
    /// The token endpoint answers with this status.
    pub token_status: Option<StatusCode>,
    /// The token endpoint never answers.
    pub token_hangs: bool,
    /// The registration endpoint refuses every client.
    pub refuse_registration: bool,
    /// The metadata documents answer 503.
    pub metadata_down: bool,
    /// The resource server's clock is this far ahead of the client's (it sees tokens expire
    /// that much earlier than announced).
    pub clock_ahead: Duration,
    /// The lifetime of every access token after the first.
    pub later_lifetime: Option<Duration>,
}

impl State {
    /// Issues an access token (valid `lifetime`) and a refresh token for `scopes`.
    fn issue(&mut self, scopes: Vec<String>, lifetime: Duration) -> Value {
        let lifetime = match self.faults.later_lifetime {
            Some(later) if self.issued > 0 => later,
            _ => lifetime,
        };
        self.issued += 1;
        let (access, refresh) = (
            format!("access-{}-x9", self.issued),
            format!("refresh-{}-x9", self.issued),
        );
        let scope = scopes.join(" ");
        self.access.insert(
            access.clone(),
            Issued {
                scopes: scopes.clone(),
                expires: Instant::now() + lifetime,
            },
        );
        self.refresh.insert(refresh.clone(), scopes);
        json!({
            "access_token": access,
            "refresh_token": refresh,
            "token_type": "Bearer",
            "expires_in": lifetime.as_secs(),
            "scope": scope,
        })
    }
}

/// The servers of one test: the authorization server and the MCP server on one origin.
pub struct Servers {
    pub url: String,
    pub state: Arc<Mutex<State>>,
}

impl Servers {
    pub fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().expect("state")
    }
}

pub fn form(text: &str) -> HashMap<String, String> {
    url::form_urlencoded::parse(text.as_bytes())
        .into_owned()
        .collect()
}

/// The MCP server (the `Tools` handler) at `/mcp`, for a test to put its bearer check on.
pub fn mcp_router() -> axum::Router {
    let service: StreamableHttpService<Tools, LocalSessionManager> = StreamableHttpService::new(
        || Ok(Tools),
        Arc::default(),
        StreamableHttpServerConfig::default(),
    );
    axum::Router::new().nest_service("/mcp", service)
}

/// `mcp` with its protected-resource metadata (RFC 9728, path form) and its authorization
/// server's metadata (RFC 8414) served beside it.
pub fn with_metadata(mcp: axum::Router, resource: Value, metadata: Value) -> axum::Router {
    axum::Router::new()
        .route(
            "/.well-known/oauth-protected-resource/mcp",
            axum::routing::get(move || {
                std::future::ready(json_response(StatusCode::OK, resource.clone()))
            }),
        )
        .route(
            "/.well-known/oauth-authorization-server",
            axum::routing::get(move || {
                std::future::ready(json_response(StatusCode::OK, metadata.clone()))
            }),
        )
        .merge(mcp)
}

pub fn json_response(status: StatusCode, value: Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        value.to_string(),
    )
        .into_response()
}

/// Starts the servers; access tokens are valid for `lifetime`.
pub async fn serve(lifetime: Duration) -> Servers {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let state = Arc::new(Mutex::new(State::default()));
    let resource_metadata = format!("{base}/.well-known/oauth-protected-resource/mcp");

    let resource = json!({
        "resource": format!("{base}/mcp"),
        "authorization_servers": [base],
    });
    let metadata = json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/authorize"),
        "token_endpoint": format!("{base}/token"),
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["client_secret_post"],
        "scopes_supported": GRANTABLE,
        "registration_endpoint": format!("{base}/register"),
    });

    // The authorization endpoint approves at once: it grants the requested scopes it can grant
    // and redirects back with a code.
    let shared = Arc::clone(&state);
    let authorize = move |query: axum::extract::RawQuery| {
        let state = Arc::clone(&shared);
        async move {
            let query = form(query.0.as_deref().unwrap_or(""));
            let get = |key: &str| query.get(key).cloned().unwrap_or_default();
            assert_eq!(get("client_id"), CLIENT_ID);
            assert_eq!(get("response_type"), "code");
            assert_eq!(get("code_challenge_method"), "S256");
            assert!(!get("code_challenge").is_empty());
            let mut state = state.lock().expect("state");
            state.authorizations.push(get("scope"));
            let granted = get("scope")
                .split_whitespace()
                .filter(|s| GRANTABLE.contains(s))
                .map(str::to_string)
                .collect();
            let code = format!("code-{}", state.authorizations.len());
            state.codes.insert(code.clone(), granted);
            let mut redirect = url::Url::parse(&get("redirect_uri")).expect("redirect URI");
            redirect
                .query_pairs_mut()
                .append_pair("code", &code)
                .append_pair("state", &get("state"));
            (
                StatusCode::FOUND,
                [(header::LOCATION, redirect.to_string())],
            )
        }
    };

    let shared = Arc::clone(&state);
    let token = move |body: String| {
        let state = Arc::clone(&shared);
        async move {
            let (status, hangs) = {
                let mut state = state.lock().expect("state");
                state.token_requests += 1;
                (state.faults.token_status, state.faults.token_hangs)
            };
            if hangs {
                tokio::time::sleep(Duration::from_secs(3600)).await;
            }
            if let Some(status) = status {
                return json_response(status, json!({"error": "server_error"}));
            }
            let body = form(&body);
            let get = |key: &str| body.get(key).cloned().unwrap_or_default();
            if get("client_id") != CLIENT_ID || get("client_secret") != CLIENT_SECRET {
                return json_response(StatusCode::UNAUTHORIZED, json!({"error": "invalid_client"}));
            }
            let mut state = state.lock().expect("state");
            let scopes = match get("grant_type").as_str() {
                "authorization_code" => state.codes.remove(&get("code")),
                "refresh_token" => {
                    let token = get("refresh_token");
                    state.refreshed_with.push(token.clone());
                    state.refresh.remove(&token)
                }
                // A machine on its own behalf: the grantable scopes it asks for, or all of them.
                "client_credentials" => Some(
                    GRANTABLE
                        .iter()
                        .filter(|s| get("scope").is_empty() || get("scope").contains(*s))
                        .map(|s| s.to_string())
                        .collect(),
                ),
                _ => None,
            };
            let Some(scopes) = scopes else {
                return json_response(StatusCode::BAD_REQUEST, json!({"error": "invalid_grant"}));
            };
            state.grants.push(get("grant_type"));
            json_response(StatusCode::OK, state.issue(scopes, lifetime))
        }
    };

    // The MCP server's bearer check: an unknown or expired token is 401, a token without the
    // scopes the request needs is 403 `insufficient_scope`.
    let shared = Arc::clone(&state);
    let guard = move |headers: HeaderMap,
                      request: axum::extract::Request,
                      next: axum::middleware::Next| {
        let (state, resource_metadata) = (Arc::clone(&shared), resource_metadata.clone());
        async move {
            let (parts, body) = request.into_parts();
            let bytes = axum::body::to_bytes(body, 1 << 20).await.expect("body");
            let message: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            let needed = required_scopes(&message);
            let presented = headers
                .get(header::AUTHORIZATION)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.strip_prefix("Bearer "))
                .map(str::to_string);
            let refusal = {
                let state = state.lock().expect("state");
                match presented.as_ref().and_then(|token| state.access.get(token)) {
                    Some(issued) if issued.expires <= Instant::now() + state.faults.clock_ahead => {
                        Some((
                            StatusCode::UNAUTHORIZED,
                            format!(
                                "Bearer error=\"invalid_token\", scope=\"files:read\", \
                             resource_metadata=\"{resource_metadata}\""
                            ),
                        ))
                    }
                    Some(issued) if needed.iter().all(|s| issued.scopes.iter().any(|g| g == s)) => {
                        None
                    }
                    Some(_) => Some((
                        StatusCode::FORBIDDEN,
                        format!(
                            "Bearer error=\"insufficient_scope\", scope=\"{}\", \
                             resource_metadata=\"{resource_metadata}\"",
                            needed.join(" ")
                        ),
                    )),
                    None => Some((
                        StatusCode::UNAUTHORIZED,
                        format!(
                            "Bearer scope=\"files:read\", resource_metadata=\"{resource_metadata}\""
                        ),
                    )),
                }
            };
            match refusal {
                None => {
                    let request = axum::extract::Request::from_parts(parts, bytes.into());
                    next.run(request).await
                }
                Some((status, challenge)) => {
                    (status, [(header::WWW_AUTHENTICATE, challenge)]).into_response()
                }
            }
        }
    };

    // Dynamic Client Registration: the tests' pre-registered client, unless refused.
    let shared = Arc::clone(&state);
    let register = move |body: String| {
        let state = Arc::clone(&shared);
        async move {
            let mut state = state.lock().expect("state");
            state.registrations += 1;
            if state.faults.refuse_registration {
                let refusal = json!({"error": "invalid_client_metadata"});
                return json_response(StatusCode::FORBIDDEN, refusal);
            }
            // The registered metadata comes back (RFC 7591), with the client's credentials.
            let mut client: Value = serde_json::from_str(&body).unwrap_or_else(|_| json!({}));
            client["client_id"] = json!(CLIENT_ID);
            client["client_secret"] = json!(CLIENT_SECRET);
            json_response(StatusCode::CREATED, client)
        }
    };
    let shared = Arc::clone(&state);
    let metadata_switch = move |request: axum::extract::Request, next: axum::middleware::Next| {
        let state = Arc::clone(&shared);
        async move {
            let down = state.lock().expect("state").faults.metadata_down;
            if down && request.uri().path().starts_with("/.well-known/") {
                return StatusCode::SERVICE_UNAVAILABLE.into_response();
            }
            next.run(request).await
        }
    };

    let mcp = mcp_router().layer(axum::middleware::from_fn(guard));
    let router = with_metadata(mcp, resource, metadata)
        .route("/authorize", axum::routing::get(authorize))
        .route("/token", axum::routing::post(token))
        .route("/register", axum::routing::post(register))
        .layer(axum::middleware::from_fn(metadata_switch));
    tokio::spawn(async move { axum::serve(listener, router).await });
    Servers {
        url: format!("{base}/mcp"),
        state,
    }
}

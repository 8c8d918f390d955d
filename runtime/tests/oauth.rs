//! OAuth against a real authorization server and a protected rmcp server on 127.0.0.1: the
//! authorization code flow through a stand-in browser, refresh of an expired or refused access
//! token, step-up authorization for a scope a tool requires, the limit on authorizations, and
//! cross-app access through an enterprise identity provider.
//! Nothing below the HTTP transport is mocked: the client discovers the authorization server,
//! follows the authorization URL, exchanges the code and sends its token as it would in use.
//! The servers are in `oauth_server/`, which `toolgen pull`'s tests share.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};
use toolgen_runtime::{
    AuthorizationPrompt, BoxFuture, Client, Error, FileTokenStore, IdentityProvider, OAuth,
};

mod oauth_server;

use oauth_server::*;

/// Stands in for the person's browser: follows the authorization URL to the authorization
/// server and hands back where it redirects to (no listener: the redirect is read, not followed).
#[derive(Clone, Default)]
struct Browser {
    visits: Arc<AtomicUsize>,
    /// How many of the next visits fail, as when the person closes the tab.
    failures: Arc<AtomicUsize>,
}

impl AuthorizationPrompt for Browser {
    fn redirect_uri(&self) -> BoxFuture<'_, Result<String, Error>> {
        Box::pin(async { Ok("http://127.0.0.1:1/callback".to_string()) })
    }

    fn authorize<'a>(&'a self, url: &'a str) -> BoxFuture<'a, Result<String, Error>> {
        Box::pin(async move {
            self.visits.fetch_add(1, Ordering::SeqCst);
            let failing = self
                .failures
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
            if failing.is_ok() {
                return Err(Error::UnexpectedResponse {
                    message: "the person closed the browser tab".to_string(),
                });
            }
            let http = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("HTTP client");
            let response = http.get(url).send().await.expect("authorization request");
            assert_eq!(response.status(), StatusCode::FOUND);
            let location = response.headers()[header::LOCATION]
                .to_str()
                .expect("location");
            Ok(location.to_string())
        })
    }
}

fn oauth(browser: &Browser) -> OAuth {
    OAuth::authorization_code()
        .client_id(CLIENT_ID)
        .client_secret(CLIENT_SECRET)
        .prompt(browser.clone())
}

async fn call(client: &Client, tool: &str) -> Result<String, Error> {
    Ok(client.call_tool_raw(tool, Default::default()).await?.text())
}

/// Fails when a secret of the tests shows in `text`.
/// A client of `servers` that signs in through `browser`.
async fn connect(servers: &Servers, browser: &Browser) -> Client {
    Client::connect_http(&servers.url)
        .oauth(oauth(browser))
        .connect()
        .await
        .expect("connect")
}

fn assert_no_secret(text: &str) {
    for secret in [CLIENT_SECRET, "access-", "refresh-", "code-"] {
        assert!(!text.contains(secret), "`{secret}` shows in: {text}");
    }
}

#[tokio::test]
async fn an_expired_access_token_is_refreshed_without_a_new_authorization() {
    // Four seconds: rmcp refreshes a token once less than half its lifetime remains (counted
    // in whole seconds), so the first call, even on a slow machine, still uses the first token.
    let servers = serve(Duration::from_secs(4)).await;
    let browser = Browser::default();
    let client = connect(&servers, &browser).await;
    assert_eq!(call(&client, "read").await.expect("call"), "read done");
    assert_eq!(servers.state().grants, ["authorization_code"]);
    // The token expires (the server refuses it from then on); the client refreshes it before
    // the next request, with the refresh token it was given.
    tokio::time::sleep(Duration::from_millis(4500)).await;
    assert_eq!(call(&client, "read").await.expect("call"), "read done");
    let state = servers.state();
    assert_eq!(state.grants, ["authorization_code", "refresh_token"]);
    assert_eq!(state.refreshed_with, ["refresh-1-x9"]);
    assert_eq!(state.authorizations.len(), 1);
    assert_eq!(browser.visits.load(Ordering::SeqCst), 1);
    assert_no_secret(&format!("{client:?}"));
}

#[tokio::test]
async fn a_refused_access_token_is_refreshed_without_a_new_authorization() {
    let servers = serve(Duration::from_secs(3600)).await;
    let browser = Browser::default();
    let client = connect(&servers, &browser).await;
    assert_eq!(call(&client, "read").await.expect("call"), "read done");
    // The resource server stops accepting the token long before its announced expiry (it was
    // revoked): the 401 makes the client refresh it rather than ask the person again.
    servers.state().access.clear();
    assert_eq!(call(&client, "read").await.expect("call"), "read done");
    let state = servers.state();
    assert_eq!(state.grants, ["authorization_code", "refresh_token"]);
    assert_eq!(state.refreshed_with, ["refresh-1-x9"]);
    assert_eq!(browser.visits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_tool_that_needs_more_scope_is_authorized_again_with_it() {
    let servers = serve(Duration::from_secs(3600)).await;
    let browser = Browser::default();
    let client = connect(&servers, &browser).await;
    // The first authorization asks for the scope of the 401's challenge.
    assert_eq!(servers.state().authorizations, ["files:read"]);
    assert_eq!(call(&client, "read").await.expect("call"), "read done");
    // `write` is refused with 403 insufficient_scope; the client asks for the larger scope,
    // then the call goes through.
    assert_eq!(call(&client, "write").await.expect("call"), "write done");
    {
        let state = servers.state();
        assert_eq!(state.authorizations.len(), 2);
        let mut second: Vec<&str> = state.authorizations[1].split_whitespace().collect();
        second.sort_unstable();
        assert_eq!(second, ["files:read", "files:write"]);
        assert_eq!(state.grants, ["authorization_code", "authorization_code"]);
    }
    // With the larger scope, both tools work without further authorization.
    assert_eq!(call(&client, "read").await.expect("call"), "read done");
    assert_eq!(call(&client, "write").await.expect("call"), "write done");
    assert_eq!(browser.visits.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_scope_that_is_never_granted_ends_in_a_typed_error_after_the_limit() {
    let servers = serve(Duration::from_secs(3600)).await;
    let browser = Browser::default();
    let client = Client::connect_http(&servers.url)
        .oauth(oauth(&browser).max_authorizations(2))
        .connect()
        .await
        .expect("connect");
    assert_eq!(browser.visits.load(Ordering::SeqCst), 1);
    // The server always wants `admin`, which the authorization server never grants: the
    // client authorizes twice for the call (its limit), then gives up.
    let err = tokio::time::timeout(Duration::from_secs(30), call(&client, "admin"))
        .await
        .expect("the client gives up")
        .expect_err("refused");
    match &err {
        Error::Unauthorized {
            status: 403,
            challenge: Some(challenge),
        } => {
            assert!(
                challenge.contains("error=\"insufficient_scope\""),
                "{challenge}"
            );
            assert!(
                challenge.contains("scope=\"files:read admin\""),
                "{challenge}"
            );
        }
        other => panic!("not a 403 Unauthorized: {other:?}"),
    }
    assert_eq!(browser.visits.load(Ordering::SeqCst), 3);
    {
        let state = servers.state();
        assert_eq!(state.authorizations.len(), 3);
        assert!(
            state.authorizations[1..]
                .iter()
                .all(|scope| scope.split_whitespace().any(|s| s == "admin")),
            "{:?}",
            state.authorizations
        );
    }
    // Another call starts with a fresh allowance, and the session still works for what the
    // token allows.
    assert_eq!(call(&client, "read").await.expect("call"), "read done");
    assert_no_secret(&format!("{err:?} {err} {client:?}"));
}

/// The person's ID token from the identity provider, and the application's registration with
/// the MCP server's authorization server, in the cross-app access test.
const ID_TOKEN: &str = "id-token-of-ada-5c1e";
const XAA_CLIENT: &str = "mcp-app";
const XAA_SECRET: &str = "xaa-secret-91d0";

/// What the identity provider and the authorization server of the cross-app access test saw.
#[derive(Default)]
struct Enterprise {
    /// The form of every token exchange at the identity provider.
    exchanges: Vec<HashMap<String, String>>,
    /// The claims of every ID-JAG redeemed at the authorization server.
    redeemed: Vec<Value>,
    access: HashMap<String, Instant>,
}

struct EnterpriseServers {
    url: String,
    idp: String,
    state: Arc<Mutex<Enterprise>>,
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

/// An enterprise identity provider (a token endpoint for RFC 8693 exchanges that issues
/// ID-JAGs) on one origin, and on another an MCP server with its authorization server (a token
/// endpoint for the RFC 7523 JWT bearer grant, `client_secret_basic`). Access tokens are valid
/// for `lifetime`. The ID-JAG's signature is not checked: the client does not check it either
/// (only the authorization server could), so a placeholder stands for it.
async fn serve_enterprise(lifetime: Duration) -> EnterpriseServers {
    let idp_listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let idp = format!("http://{}", idp_listener.local_addr().expect("address"));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let mcp_url = format!("{base}/mcp");
    let state = Arc::new(Mutex::new(Enterprise::default()));

    let shared = Arc::clone(&state);
    let (issuer, audience, resource) = (idp.clone(), base.clone(), mcp_url.clone());
    let exchange = move |body: String| {
        let state = Arc::clone(&shared);
        let (issuer, audience, resource) = (issuer.clone(), audience.clone(), resource.clone());
        async move {
            let form = form(&body);
            let get = |key: &str| form.get(key).cloned().unwrap_or_default();
            let valid = get("grant_type") == "urn:ietf:params:oauth:grant-type:token-exchange"
                && get("subject_token") == ID_TOKEN
                && get("subject_token_type") == "urn:ietf:params:oauth:token-type:id_token"
                && get("requested_token_type") == "urn:ietf:params:oauth:token-type:id-jag"
                && get("audience") == audience
                && get("resource") == resource;
            state.lock().expect("state").exchanges.push(form.clone());
            if !valid {
                return json_response(StatusCode::BAD_REQUEST, json!({"error": "invalid_request"}));
            }
            let part = |value: Value| URL_SAFE_NO_PAD.encode(value.to_string());
            let claims = json!({
                "iss": issuer, "sub": "ada", "aud": audience, "client_id": XAA_CLIENT,
                "jti": format!("jag-{}", state.lock().expect("state").exchanges.len()),
                "iat": now(), "exp": now() + 300, "resource": resource, "scope": get("scope"),
            });
            let jag = format!(
                "{}.{}.{}",
                part(json!({"alg": "ES256", "typ": "oauth-id-jag+jwt"})),
                part(claims),
                URL_SAFE_NO_PAD.encode("signature")
            );
            let answer = json!({
                "access_token": jag,
                "issued_token_type": "urn:ietf:params:oauth:token-type:id-jag",
                "token_type": "N_A",
                "scope": get("scope"),
            });
            json_response(StatusCode::OK, answer)
        }
    };
    let idp_router = axum::Router::new().route("/token", axum::routing::post(exchange));
    tokio::spawn(async move { axum::serve(idp_listener, idp_router).await });

    let resource_metadata = format!("{base}/.well-known/oauth-protected-resource/mcp");
    let prm = json!({"resource": mcp_url, "authorization_servers": [base]});
    let metadata = json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/authorize"),
        "token_endpoint": format!("{base}/token"),
        "response_types_supported": ["code"],
        "grant_types_supported": ["urn:ietf:params:oauth:grant-type:jwt-bearer"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic"],
    });
    let shared = Arc::clone(&state);
    let token = move |headers: HeaderMap, body: String| {
        let state = Arc::clone(&shared);
        async move {
            let expected = format!(
                "Basic {}",
                STANDARD.encode(format!("{XAA_CLIENT}:{XAA_SECRET}"))
            );
            if headers.get(header::AUTHORIZATION).map(|v| v.as_bytes()) != Some(expected.as_bytes())
            {
                return json_response(StatusCode::UNAUTHORIZED, json!({"error": "invalid_client"}));
            }
            let form = form(&body);
            let assertion = form.get("assertion").cloned().unwrap_or_default();
            let claims: Option<Value> = assertion
                .split('.')
                .nth(1)
                .and_then(|payload| URL_SAFE_NO_PAD.decode(payload).ok())
                .and_then(|bytes| serde_json::from_slice(&bytes).ok());
            let grant = form.get("grant_type").map(String::as_str);
            let (Some("urn:ietf:params:oauth:grant-type:jwt-bearer"), Some(claims)) =
                (grant, claims)
            else {
                return json_response(StatusCode::BAD_REQUEST, json!({"error": "invalid_grant"}));
            };
            let mut state = state.lock().expect("state");
            state.redeemed.push(claims.clone());
            let access = format!("xaa-access-{}", state.redeemed.len());
            state
                .access
                .insert(access.clone(), Instant::now() + lifetime);
            let answer = json!({
                "access_token": access,
                "token_type": "Bearer",
                "expires_in": lifetime.as_secs(),
                "scope": claims["scope"],
            });
            json_response(StatusCode::OK, answer)
        }
    };
    let shared = Arc::clone(&state);
    let guard = move |headers: HeaderMap,
                      request: axum::extract::Request,
                      next: axum::middleware::Next| {
        let (state, resource_metadata) = (Arc::clone(&shared), resource_metadata.clone());
        async move {
            let valid = headers
                .get(header::AUTHORIZATION)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.strip_prefix("Bearer "))
                .and_then(|token| state.lock().expect("state").access.get(token).copied())
                .is_some_and(|expires| expires > Instant::now());
            if valid {
                return next.run(request).await;
            }
            let challenge =
                format!("Bearer scope=\"files:read\", resource_metadata=\"{resource_metadata}\"");
            (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, challenge)],
            )
                .into_response()
        }
    };
    let mcp = mcp_router().layer(axum::middleware::from_fn(guard));
    let router = with_metadata(mcp, prm, metadata).route("/token", axum::routing::post(token));
    tokio::spawn(async move { axum::serve(listener, router).await });
    EnterpriseServers {
        url: mcp_url,
        idp,
        state,
    }
}

#[tokio::test]
async fn cross_app_access_exchanges_the_id_token_and_does_again_when_the_token_expires() {
    let servers = serve_enterprise(Duration::from_secs(4)).await;
    let idp = IdentityProvider::new(&servers.idp, format!("{}/token", servers.idp), "idp-app");
    let oauth = OAuth::cross_app_access(idp, ID_TOKEN, XAA_CLIENT).client_secret(XAA_SECRET);
    let client = Client::connect_http(&servers.url)
        .oauth(oauth.clone())
        .connect()
        .await
        .expect("connect");
    assert_eq!(call(&client, "read").await.expect("call"), "read done");
    {
        let state = servers.state.lock().expect("state");
        assert_eq!(state.exchanges.len(), 1);
        let exchange = &state.exchanges[0];
        // The scope of the server's challenge, asked of the identity provider; this
        // application's client ID there (a public client).
        assert_eq!(exchange["scope"], "files:read");
        assert_eq!(exchange["client_id"], "idp-app");
        assert_eq!(state.redeemed.len(), 1);
        assert_eq!(state.redeemed[0]["sub"], "ada");
    }
    // The access token expires and there is no refresh token: the client exchanges the ID token
    // again, without being asked to.
    tokio::time::sleep(Duration::from_millis(4500)).await;
    assert_eq!(call(&client, "read").await.expect("call"), "read done");
    {
        let state = servers.state.lock().expect("state");
        assert_eq!(state.exchanges.len(), 2);
        assert_eq!(state.redeemed.len(), 2);
    }
    let shown = format!("{client:?} {oauth:?}");
    for secret in [ID_TOKEN, XAA_SECRET, "xaa-access-"] {
        assert!(!shown.contains(secret), "`{secret}` shows in: {shown}");
    }
}

// The fault matrix: each row asserts the outcome, the prompts and token requests, what the
// token store holds afterwards, and that no secret shows in errors or logs.

/// The warnings of every crate, and every event of the runtime, as text.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<String>>);

impl Logs {
    /// Captures the events of this thread (the tests' runtime is single-threaded) until the
    /// guard is dropped.
    fn capture() -> (Self, tracing::subscriber::DefaultGuard) {
        let logs = Self::default();
        let guard = tracing::subscriber::set_default(logs.clone());
        (logs, guard)
    }

    fn text(&self) -> String {
        self.0.lock().expect("logs").clone()
    }
}

impl tracing::Subscriber for Logs {
    fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
        metadata.target().starts_with("toolgen_runtime")
            || *metadata.level() <= tracing::Level::WARN
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        struct Fields<'a>(&'a mut String);
        impl tracing::field::Visit for Fields<'_> {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                self.0.push_str(&format!(" {}={value:?}", field.name()));
            }
        }
        let mut line = format!("{} {}", event.metadata().level(), event.metadata().target());
        event.record(&mut Fields(&mut line));
        let mut logs = self.0.lock().expect("logs");
        logs.push_str(&line);
        logs.push('\n');
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

/// A fresh folder for one test's token file.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("toolgen-oauth-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

/// The access token a token file holds, if it holds tokens.
fn stored_access(path: &std::path::Path) -> Option<String> {
    let text = std::fs::read(path).ok()?;
    let value: Value = serde_json::from_slice(&text).expect("the token file is whole JSON");
    value["token_response"]["access_token"]
        .as_str()
        .map(str::to_string)
}

fn oauth_in(browser: &Browser, path: &std::path::Path) -> OAuth {
    oauth(browser).token_store(FileTokenStore::new(path))
}

impl Servers {
    fn faults(&self, set: impl FnOnce(&mut Faults)) {
        set(&mut self.state().faults);
    }
    fn token_requests(&self) -> usize {
        self.state().token_requests
    }
}

#[tokio::test]
async fn row_prompt_fails_then_succeeds_and_the_new_token_reaches_the_store() {
    let (logs, _guard) = Logs::capture();
    let servers = serve(Duration::from_secs(3600)).await;
    let dir = scratch("prompt-fails");
    let path = dir.join("tokens.json");
    let browser = Browser::default();
    let client = Client::connect_http(&servers.url)
        .oauth(oauth_in(&browser, &path))
        .connect()
        .await
        .expect("connect");
    assert_eq!(stored_access(&path).as_deref(), Some("access-1-x9"));
    // `write` needs more scope; the person closes the tab: the call fails with the prompt's error.
    browser.failures.store(1, Ordering::SeqCst);
    let err = call(&client, "write").await.expect_err("the prompt failed");
    assert!(
        matches!(&err, Error::UnexpectedResponse { message } if message.contains("closed the browser tab")),
        "{err:?}"
    );
    assert_eq!(browser.visits.load(Ordering::SeqCst), 2);
    assert_eq!(servers.token_requests(), 1);
    assert_eq!(stored_access(&path).as_deref(), Some("access-1-x9"));
    // The next authorization succeeds, and its token reaches the same store.
    assert_eq!(call(&client, "write").await.expect("call"), "write done");
    assert_eq!(browser.visits.load(Ordering::SeqCst), 3);
    assert_eq!(servers.token_requests(), 2);
    assert_eq!(stored_access(&path).as_deref(), Some("access-2-x9"));
    assert_no_secret(&format!("{err} {err:?} {client:?} {}", logs.text()));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn row_token_endpoint_500_is_a_typed_error_and_the_next_connect_succeeds() {
    let (logs, _guard) = Logs::capture();
    let servers = serve(Duration::from_secs(3600)).await;
    let dir = scratch("token-500");
    let path = dir.join("tokens.json");
    let browser = Browser::default();
    servers.faults(|f| f.token_status = Some(StatusCode::INTERNAL_SERVER_ERROR));
    let err = Client::connect_http(&servers.url)
        .oauth(oauth_in(&browser, &path))
        .connect()
        .await
        .expect_err("the token endpoint fails");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(
        err.to_string()
            .contains("authorizing with the server failed"),
        "{err}"
    );
    assert_eq!(browser.visits.load(Ordering::SeqCst), 1);
    assert_eq!(servers.token_requests(), 1);
    assert!(!path.exists());
    servers.faults(|f| f.token_status = None);
    let client = Client::connect_http(&servers.url)
        .oauth(oauth_in(&browser, &path))
        .connect()
        .await
        .expect("connect");
    assert_eq!(call(&client, "read").await.expect("call"), "read done");
    assert_eq!(stored_access(&path).as_deref(), Some("access-1-x9"));
    assert_eq!(browser.visits.load(Ordering::SeqCst), 2);
    assert_eq!(servers.token_requests(), 2);
    assert_no_secret(&format!("{err} {err:?} {}", logs.text()));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn row_token_endpoint_timeout_drops_the_attempt_and_the_session_keeps_its_store() {
    let (logs, _guard) = Logs::capture();
    let servers = serve(Duration::from_secs(3600)).await;
    let dir = scratch("token-timeout");
    let path = dir.join("tokens.json");
    let browser = Browser::default();
    let client = Client::connect_http(&servers.url)
        .oauth(oauth_in(&browser, &path))
        .connect()
        .await
        .expect("connect");
    servers.faults(|f| f.token_hangs = true);
    // The step-up's token request never answers; the caller stops waiting (the future drops).
    let waited = tokio::time::timeout(Duration::from_millis(800), call(&client, "write")).await;
    assert!(waited.is_err(), "the token endpoint hangs");
    assert_eq!(servers.token_requests(), 2);
    assert_eq!(stored_access(&path).as_deref(), Some("access-1-x9"));
    servers.faults(|f| f.token_hangs = false);
    assert_eq!(call(&client, "write").await.expect("call"), "write done");
    assert_eq!(browser.visits.load(Ordering::SeqCst), 3);
    assert_eq!(servers.token_requests(), 3);
    assert_eq!(stored_access(&path).as_deref(), Some("access-2-x9"));
    assert_no_secret(&logs.text());
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn row_registration_refused_is_a_typed_error_before_any_prompt() {
    let (logs, _guard) = Logs::capture();
    let servers = serve(Duration::from_secs(3600)).await;
    servers.faults(|f| f.refuse_registration = true);
    let browser = Browser::default();
    let store = toolgen_runtime::MemoryTokenStore::default();
    // No client ID: the client registers itself, and is refused.
    let oauth = OAuth::authorization_code()
        .prompt(browser.clone())
        .token_store(store.clone());
    let err = Client::connect_http(&servers.url)
        .oauth(oauth)
        .connect()
        .await
        .expect_err("registration is refused");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(err.to_string().contains("egistration"), "{err}");
    assert_eq!(browser.visits.load(Ordering::SeqCst), 0);
    assert_eq!(servers.token_requests(), 0);
    assert_eq!(
        toolgen_runtime::TokenStore::load(&store)
            .await
            .expect("load"),
        None
    );
    assert_no_secret(&format!("{err} {err:?} {}", logs.text()));
}

#[tokio::test]
async fn row_metadata_unreachable_is_a_typed_error_before_any_prompt() {
    let (logs, _guard) = Logs::capture();
    let servers = serve(Duration::from_secs(3600)).await;
    servers.faults(|f| f.metadata_down = true);
    let dir = scratch("metadata-down");
    let path = dir.join("tokens.json");
    let browser = Browser::default();
    let err = Client::connect_http(&servers.url)
        .oauth(oauth_in(&browser, &path))
        .connect()
        .await
        .expect_err("no metadata");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(
        err.to_string()
            .contains("authorizing with the server failed"),
        "{err}"
    );
    assert_eq!(browser.visits.load(Ordering::SeqCst), 0);
    assert_eq!(servers.token_requests(), 0);
    assert!(!path.exists());
    assert_no_secret(&format!("{err} {err:?} {}", logs.text()));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn row_refresh_token_revoked_asks_the_person_again() {
    let (logs, _guard) = Logs::capture();
    let servers = serve(Duration::from_secs(3600)).await;
    let dir = scratch("refresh-revoked");
    let path = dir.join("tokens.json");
    let browser = Browser::default();
    let client = Client::connect_http(&servers.url)
        .oauth(oauth_in(&browser, &path))
        .connect()
        .await
        .expect("connect");
    {
        let mut state = servers.state();
        state.access.clear();
        state.refresh.clear();
    }
    assert_eq!(call(&client, "read").await.expect("call"), "read done");
    assert_eq!(browser.visits.load(Ordering::SeqCst), 2);
    {
        let state = servers.state();
        eprintln!(
            "DEBUG {:?} {:?} {}",
            state.grants, state.refreshed_with, state.token_requests
        );
    }
    // The code, the refused refresh, the new code.
    assert_eq!(servers.token_requests(), 3);
    assert_eq!(servers.state().refreshed_with, ["refresh-1-x9"]);
    assert_eq!(
        servers.state().grants,
        ["authorization_code", "authorization_code"]
    );
    assert_eq!(stored_access(&path).as_deref(), Some("access-2-x9"));
    assert_no_secret(&logs.text());
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn row_access_token_revoked_mid_session_is_refreshed_and_stored() {
    let (logs, _guard) = Logs::capture();
    let servers = serve(Duration::from_secs(3600)).await;
    let dir = scratch("access-revoked");
    let path = dir.join("tokens.json");
    let browser = Browser::default();
    let client = Client::connect_http(&servers.url)
        .oauth(oauth_in(&browser, &path))
        .connect()
        .await
        .expect("connect");
    assert_eq!(call(&client, "read").await.expect("call"), "read done");
    servers.state().access.clear();
    assert_eq!(call(&client, "read").await.expect("call"), "read done");
    assert_eq!(browser.visits.load(Ordering::SeqCst), 1);
    assert_eq!(servers.token_requests(), 2);
    assert_eq!(
        servers.state().grants,
        ["authorization_code", "refresh_token"]
    );
    assert_eq!(stored_access(&path).as_deref(), Some("access-2-x9"));
    assert_no_secret(&logs.text());
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn row_a_hundred_calls_when_the_token_expires_refresh_once() {
    let (logs, _guard) = Logs::capture();
    let servers = serve(Duration::from_secs(2)).await;
    servers.faults(|f| f.later_lifetime = Some(Duration::from_secs(3600)));
    let dir = scratch("hundred");
    let path = dir.join("tokens.json");
    let browser = Browser::default();
    let client = Client::connect_http(&servers.url)
        .oauth(oauth_in(&browser, &path))
        .connect()
        .await
        .expect("connect");
    // Past the two seconds, in the whole seconds rmcp counts in too.
    tokio::time::sleep(Duration::from_millis(2200)).await;
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..100 {
        let client = client.clone();
        calls.spawn(async move { call(&client, "read").await });
    }
    let mut done = 0;
    while let Some(result) = calls.join_next().await {
        assert_eq!(result.expect("task").expect("call"), "read done");
        done += 1;
    }
    assert_eq!(done, 100);
    assert_eq!(browser.visits.load(Ordering::SeqCst), 1);
    assert_eq!(
        servers.state().grants,
        ["authorization_code", "refresh_token"]
    );
    assert_eq!(servers.token_requests(), 2);
    assert_eq!(stored_access(&path).as_deref(), Some("access-2-x9"));
    assert_no_secret(&logs.text());
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn row_server_clock_ahead_refreshes_on_its_401_without_a_prompt() {
    let (logs, _guard) = Logs::capture();
    // Tokens announced for 4 s; the resource server's clock is 3 s ahead, so it refuses them
    // after 1 s, while the client still counts 3 s left (no refresh of its own yet).
    let servers = serve(Duration::from_secs(4)).await;
    servers.faults(|f| {
        f.clock_ahead = Duration::from_secs(3);
        f.later_lifetime = Some(Duration::from_secs(3600));
    });
    let dir = scratch("clock-ahead");
    let path = dir.join("tokens.json");
    let browser = Browser::default();
    let client = Client::connect_http(&servers.url)
        .oauth(oauth_in(&browser, &path))
        .connect()
        .await
        .expect("connect");
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(call(&client, "read").await.expect("call"), "read done");
    assert_eq!(browser.visits.load(Ordering::SeqCst), 1);
    assert_eq!(
        servers.state().grants,
        ["authorization_code", "refresh_token"]
    );
    assert_eq!(stored_access(&path).as_deref(), Some("access-2-x9"));
    assert_no_secret(&logs.text());
    let _ = std::fs::remove_dir_all(&dir);
}

/// A bad token file: the client warns naming the file, keeps a copy, and authorizes afresh.
async fn bad_store_row(name: &str, prepare: impl FnOnce(&std::path::Path)) {
    let (logs, _guard) = Logs::capture();
    let servers = serve(Duration::from_secs(3600)).await;
    let dir = scratch(name);
    let path = dir.join("tokens.json");
    prepare(&path);
    let before = std::fs::read(&path).ok();
    let browser = Browser::default();
    let client = Client::connect_http(&servers.url)
        .oauth(oauth_in(&browser, &path))
        .connect()
        .await
        .expect("connect");
    assert_eq!(call(&client, "read").await.expect("call"), "read done");
    assert_eq!(browser.visits.load(Ordering::SeqCst), 1);
    assert_eq!(servers.token_requests(), 1);
    assert_eq!(stored_access(&path).as_deref(), Some("access-1-x9"));
    // The old content was kept, byte for byte.
    let copy = dir.join("tokens.json.corrupt-1");
    assert!(copy.exists(), "no copy kept");
    if let Some(before) = before {
        assert_eq!(std::fs::read(&copy).expect("copy"), before);
    }
    let logs = logs.text();
    assert!(
        logs.lines()
            .any(|l| l.starts_with("WARN") && l.contains(&path.display().to_string())),
        "no warning names the file: {logs}"
    );
    assert_no_secret(&logs);
    assert!(!logs.contains("old-secret"), "{logs}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn row_bad_store_wrong_shape() {
    bad_store_row("shape", |path| std::fs::write(path, "{}").expect("write")).await;
}

#[tokio::test]
async fn row_bad_store_corrupt_json() {
    bad_store_row("corrupt", |path| {
        let half = r#"{"client_id": "desktop-app", "token_response": {"access_token": "old-secret"#;
        std::fs::write(path, half).expect("write")
    })
    .await;
}

#[tokio::test]
async fn row_bad_store_wrong_type_quotes_no_value() {
    bad_store_row("wrong-type", |path| {
        let text =
            r#"{"client_id": "desktop-app", "token_response": "old-secret", "granted_scopes": []}"#;
        std::fs::write(path, text).expect("write")
    })
    .await;
}

#[tokio::test]
async fn row_bad_store_unreadable() {
    // A folder where the file should be: reading it fails (also for root).
    bad_store_row("unreadable", |path| {
        std::fs::create_dir(path).expect("mkdir")
    })
    .await;
}

#[tokio::test]
async fn row_bad_store_another_clients_tokens() {
    bad_store_row("other-client", |path| {
        let other = json!({
            "client_id": "other-app",
            "token_response": {
                "access_token": "old-secret-access", "token_type": "bearer",
                "refresh_token": "old-secret-refresh", "expires_in": 3600,
            },
            "granted_scopes": ["files:read"],
            "token_received_at": now(),
        });
        std::fs::write(path, other.to_string()).expect("write")
    })
    .await;
}

#[tokio::test]
async fn row_bad_store_not_writable_keeps_the_token_for_the_session() {
    let (logs, _guard) = Logs::capture();
    let servers = serve(Duration::from_secs(3600)).await;
    let dir = scratch("not-writable");
    // The file's folder is a file: nothing can be read, moved or written there (also for root).
    std::fs::write(dir.join("folder"), "not a folder").expect("write");
    let path = dir.join("folder").join("tokens.json");
    let browser = Browser::default();
    let client = Client::connect_http(&servers.url)
        .oauth(oauth_in(&browser, &path))
        .connect()
        .await
        .expect("connect");
    assert_eq!(call(&client, "read").await.expect("call"), "read done");
    assert_eq!(call(&client, "read").await.expect("call"), "read done");
    assert_eq!(browser.visits.load(Ordering::SeqCst), 1);
    assert_eq!(servers.token_requests(), 1);
    assert_eq!(
        std::fs::read_to_string(dir.join("folder")).expect("read"),
        "not a folder"
    );
    let logs = logs.text();
    assert!(
        logs.lines()
            .any(|l| l.starts_with("WARN") && l.contains(&path.display().to_string())),
        "no warning names the file: {logs}"
    );
    assert_no_secret(&logs);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn row_bad_store_without_a_person_is_a_typed_error_naming_the_file() {
    let (logs, _guard) = Logs::capture();
    let servers = serve(Duration::from_secs(3600)).await;
    let dir = scratch("no-person");
    let path = dir.join("tokens.json");
    std::fs::write(&path, "{}").expect("write");
    let oauth =
        OAuth::client_credentials(CLIENT_ID, CLIENT_SECRET).token_store(FileTokenStore::new(&path));
    let err = Client::connect_http(&servers.url)
        .oauth(oauth)
        .connect()
        .await
        .expect_err("the store cannot be used");
    match &err {
        Error::TokenStore { store, reason } => {
            assert!(store.contains(&path.display().to_string()), "{store}");
            assert!(reason.contains("client_id"), "{reason}");
        }
        other => panic!("not a TokenStore error: {other:?}"),
    }
    assert_eq!(servers.token_requests(), 0);
    assert_eq!(std::fs::read_to_string(&path).expect("read"), "{}");
    assert!(!dir.join("tokens.json.corrupt-1").exists());
    assert_no_secret(&format!("{err} {err:?} {}", logs.text()));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn row_two_processes_refreshing_one_store_at_once_lose_nothing() {
    let (logs, _guard) = Logs::capture();
    let servers = serve(Duration::from_secs(2)).await;
    servers.faults(|f| f.later_lifetime = Some(Duration::from_secs(3600)));
    let dir = scratch("two-processes");
    let path = dir.join("tokens.json");
    let browser = Browser::default();
    // Two clients of their own (as two processes would have) on one token file.
    let first = Client::connect_http(&servers.url)
        .oauth(oauth_in(&browser, &path))
        .connect()
        .await
        .expect("connect");
    let second = Client::connect_http(&servers.url)
        .oauth(oauth_in(&browser, &path))
        .connect()
        .await
        .expect("connect");
    assert_eq!(browser.visits.load(Ordering::SeqCst), 1);
    tokio::time::sleep(Duration::from_millis(2200)).await;
    let (a, b) = tokio::join!(call(&first, "read"), call(&second, "read"));
    assert_eq!(a.expect("first"), "read done");
    assert_eq!(b.expect("second"), "read done");
    // No one was asked again, and no refresh token was presented twice.
    assert_eq!(browser.visits.load(Ordering::SeqCst), 1);
    let state = servers.state();
    let mut used = state.refreshed_with.clone();
    used.dedup();
    assert_eq!(used, state.refreshed_with, "a refresh token was used twice");
    assert!(!state.refreshed_with.is_empty());
    // The file holds the newest token, whole.
    let newest = format!("access-{}-x9", state.issued);
    assert_eq!(stored_access(&path), Some(newest));
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
    assert_no_secret(&logs.text());
    drop(state);
    let _ = std::fs::remove_dir_all(&dir);
}

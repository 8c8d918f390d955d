//! The runtime's client against real rmcp servers on 127.0.0.1: protocol versions, progress,
//! cancellation, elicitation, server logs and the errors of a server that wants authorization.

use std::borrow::Cow;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, ElicitRequestParams,
    ProgressNotificationParam, ProtocolVersion, ServerCapabilities, ServerConfig, ServerRequest,
};
use rmcp::service::RequestContext;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::{ErrorData, RoleServer, ServerHandler};
use serde_json::{Value, json};
use toolgen_runtime::{Client, ElicitationResponse, Error, Progress};

/// A server whose tools exercise what a server may do during a call.
#[derive(Clone)]
struct Server {
    /// The newest version it supports.
    version: ProtocolVersion,
    /// How many calls were cancelled by the client.
    cancelled: Arc<AtomicUsize>,
}

impl Server {
    fn new(version: ProtocolVersion) -> Self {
        Self {
            version,
            cancelled: Arc::default(),
        }
    }
}

impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_protocol_version(self.version.clone())
    }

    fn supported_protocol_versions(&self) -> Cow<'static, [ProtocolVersion]> {
        Cow::Borrowed(ProtocolVersion::known_up_to(&self.version))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let text = match request.name.as_ref() {
            "version" => context
                .protocol_version()
                .map(|version| version.to_string())
                .unwrap_or_default(),
            // Three progress notifications, 150 ms apart.
            "steps" => {
                let token = context.meta.get_progress_token().expect("a progress token");
                for step in 1..=3 {
                    tokio::time::sleep(Duration::from_millis(150)).await;
                    let params = ProgressNotificationParam::new(token.clone(), f64::from(step))
                        .with_total(3.0)
                        .with_message(format!("step {step}"));
                    context
                        .peer
                        .notify_progress(params)
                        .await
                        .expect("progress sent");
                }
                "done".to_string()
            }
            // Waits until the client cancels the call.
            "wait" => {
                context.ct.cancelled().await;
                self.cancelled.fetch_add(1, Ordering::SeqCst);
                "cancelled".to_string()
            }
            // Asks the person for their name and age, with defaults.
            "ask" => {
                let params: ElicitRequestParams = serde_json::from_value(json!({
                    "mode": "form",
                    "message": "Who are you?",
                    "requestedSchema": {
                        "type": "object",
                        "properties": {
                            "name": {"type": "string", "default": "John Doe"},
                            "age": {"type": "integer", "default": 30}
                        }
                    }
                }))
                .expect("elicitation params");
                let request = ServerRequest::ElicitRequest(rmcp::model::ElicitRequest::new(params));
                match context.peer.send_request(request).await {
                    Ok(rmcp::model::ClientResult::ElicitResult(result)) => {
                        serde_json::to_string(&result).expect("json")
                    }
                    other => format!("elicitation failed: {other:?}"),
                }
            }
            "log" => {
                #[expect(deprecated, reason = "servers on 2025-11-25 still send log messages")]
                let params = rmcp::model::LoggingMessageNotificationParam::new(
                    rmcp::model::LoggingLevel::Warning,
                    json!("disk almost full"),
                );
                #[expect(deprecated, reason = "servers on 2025-11-25 still send log messages")]
                let sent = context.peer.notify_logging_message(params).await;
                sent.expect("log sent");
                "logged".to_string()
            }
            other => return Err(ErrorData::invalid_params(format!("no tool {other}"), None)),
        };
        Ok(CallToolResult::success(vec![ContentBlock::text(text)]).into())
    }
}

/// Serves `server` at `/mcp` on an ephemeral port; returns its URL.
async fn serve(server: Server) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let service: StreamableHttpService<Server, LocalSessionManager> = StreamableHttpService::new(
        move || Ok(server.clone()),
        Arc::default(),
        StreamableHttpServerConfig::default(),
    );
    let router = axum::Router::new().nest_service("/mcp", service);
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{address}/mcp")
}

async fn text(client: &Client, tool: &str) -> Result<String, Error> {
    Ok(client.call_tool_raw(tool, Default::default()).await?.text())
}

#[tokio::test]
async fn works_with_servers_on_each_protocol_version() {
    for version in [
        ProtocolVersion::V_2025_06_18,
        ProtocolVersion::V_2025_11_25,
        ProtocolVersion::V_2026_07_28,
    ] {
        let url = serve(Server::new(version.clone())).await;
        // The default offer (2025-11-25) reaches each of them; an older server answers with its
        // own version, which the session then speaks.
        let client = Client::connect_http(&url).connect().await.expect("connect");
        let expected = if version == ProtocolVersion::V_2025_06_18 {
            "2025-06-18"
        } else {
            "2025-11-25"
        };
        assert_eq!(text(&client, "version").await.expect("call"), expected);
    }
    // Pinned to 2026-07-28: `server/discover`, then requests that carry their version.
    let url = serve(Server::new(ProtocolVersion::V_2026_07_28)).await;
    let client = Client::connect_http(&url)
        .protocol_version(ProtocolVersion::V_2026_07_28)
        .connect()
        .await
        .expect("connect");
    assert_eq!(text(&client, "version").await.expect("call"), "2026-07-28");
}

#[tokio::test]
async fn progress_reaches_its_call_and_can_hold_the_timeout_open() {
    let url = serve(Server::new(ProtocolVersion::V_2025_11_25)).await;
    let client = Client::connect_http(&url).connect().await.expect("connect");
    let seen = Arc::new(Mutex::new(Vec::<Progress>::new()));
    let sink = Arc::clone(&seen);
    // The call takes 450 ms; each progress notification restarts its 300 ms timeout.
    let output = client
        .call_tool_raw("steps", Default::default())
        .timeout(Duration::from_millis(300))
        .reset_timeout_on_progress(true)
        .on_progress(move |p| sink.lock().expect("lock").push(p))
        .await
        .expect("the call completes");
    assert_eq!(output.text(), "done");
    let seen = seen.lock().expect("lock").clone();
    assert_eq!(
        seen.iter().map(|p| p.progress).collect::<Vec<_>>(),
        [1.0, 2.0, 3.0]
    );
    assert_eq!(seen[2].total, Some(3.0));
    assert_eq!(seen[2].message.as_deref(), Some("step 3"));
    // Without the reset, the same call times out.
    let err = client
        .call_tool_raw("steps", Default::default())
        .timeout(Duration::from_millis(300))
        .await
        .expect_err("times out");
    assert!(matches!(err, Error::Timeout { .. }), "{err}");
}

#[tokio::test]
async fn a_dropped_or_timed_out_call_is_cancelled_on_the_server() {
    let server = Server::new(ProtocolVersion::V_2025_11_25);
    let cancelled = Arc::clone(&server.cancelled);
    let url = serve(server).await;
    let client = Client::connect_http(&url).connect().await.expect("connect");
    let err = client
        .call_tool_raw("wait", Default::default())
        .timeout(Duration::from_millis(200))
        .await
        .expect_err("times out");
    assert!(matches!(err, Error::Timeout { .. }), "{err}");
    wait_for(|| cancelled.load(Ordering::SeqCst) == 1).await;
    // Dropping the future (here: losing a race) cancels too.
    tokio::select! {
        _ = client.call_tool_raw("wait", Default::default()) => panic!("the call cannot end"),
        () = tokio::time::sleep(Duration::from_millis(200)) => {}
    }
    wait_for(|| cancelled.load(Ordering::SeqCst) == 2).await;
}

async fn wait_for(condition: impl Fn() -> bool) {
    for _ in 0..100 {
        if condition() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the server never saw the cancellation");
}

#[tokio::test]
async fn elicitation_is_answered_by_the_handler_with_the_schema_defaults() {
    let url = serve(Server::new(ProtocolVersion::V_2025_11_25)).await;
    // Without a handler the capability is not declared, and the request is declined.
    let client = Client::connect_http(&url).connect().await.expect("connect");
    let answer = text(&client, "ask").await.expect("call");
    assert!(answer.contains("decline"), "{answer}");
    // With one, its answer is sent, completed with the defaults it left out.
    let client = Client::connect_http(&url)
        .elicitation(|request: toolgen_runtime::Elicitation| async move {
            assert_eq!(request.message, "Who are you?");
            let mut content = serde_json::Map::new();
            content.insert("name".into(), json!("Ada"));
            ElicitationResponse::Accept(content)
        })
        .connect()
        .await
        .expect("connect");
    let answer: Value = serde_json::from_str(&text(&client, "ask").await.expect("call"))
        .expect("an elicitation result");
    assert_eq!(
        answer,
        json!({"action": "accept", "content": {"name": "Ada", "age": 30}})
    );
}

#[tokio::test]
async fn a_server_that_wants_authorization_gets_a_typed_error_that_says_what_to_do() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let challenge = format!(
        "Bearer resource_metadata=\"http://{address}/.well-known/oauth-protected-resource/mcp\""
    );
    let header = challenge.clone();
    let router = axum::Router::new().route(
        "/mcp",
        axum::routing::post(move || {
            let header = header.clone();
            async move {
                (
                    axum::http::StatusCode::UNAUTHORIZED,
                    [(axum::http::header::WWW_AUTHENTICATE, header)],
                )
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, router).await });
    let err = Client::connect_http(format!("http://{address}/mcp"))
        .connect()
        .await
        .expect_err("refused");
    match &err {
        Error::Unauthorized {
            status: 401,
            challenge: Some(sent),
        } => assert_eq!(sent, &challenge),
        other => panic!("not Unauthorized: {other:?}"),
    }
    let message = err.to_string();
    assert!(message.contains(".oauth(...)"), "{message}");
    assert!(message.contains(".bearer_token(...)"), "{message}");
    assert!(!message.contains("rmcp::"), "{message}");
}

/// Collects the `tracing` events of the `mcp.server` target (server log messages).
struct Logs(Arc<Mutex<Vec<String>>>);

impl tracing::Subscriber for Logs {
    fn enabled(&self, _metadata: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _span: &tracing::span::Id, _values: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _span: &tracing::span::Id, _follows: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        struct Fields(String);
        impl tracing::field::Visit for Fields {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                self.0.push_str(&format!("{}={value:?} ", field.name()));
            }
        }
        if event.metadata().target() == "mcp.server" {
            let mut fields = Fields(format!("{} ", event.metadata().level()));
            event.record(&mut fields);
            self.0.lock().expect("lock").push(fields.0);
        }
    }
    fn enter(&self, _span: &tracing::span::Id) {}
    fn exit(&self, _span: &tracing::span::Id) {}
}

#[test]
fn server_log_messages_become_tracing_events() {
    let logs = Arc::new(Mutex::new(Vec::new()));
    let subscriber = Logs(Arc::clone(&logs));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    tracing::subscriber::with_default(subscriber, || {
        runtime.block_on(async {
            let url = serve(Server::new(ProtocolVersion::V_2025_11_25)).await;
            let client = Client::connect_http(&url).connect().await.expect("connect");
            assert_eq!(text(&client, "log").await.expect("call"), "logged");
            for _ in 0..100 {
                if !logs.lock().expect("lock").is_empty() {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        });
    });
    let logs = logs.lock().expect("lock").clone();
    assert_eq!(logs.len(), 1, "{logs:?}");
    assert!(logs[0].starts_with("WARN "), "{logs:?}");
    assert!(logs[0].contains("disk almost full"), "{logs:?}");
}

/// A protected MCP server and its authorization server on one origin: protected resource
/// metadata, authorization server metadata, a token endpoint for the client credentials grant,
/// and `/mcp` behind a bearer check. Returns the MCP URL and the count of tokens issued.
async fn serve_protected() -> (String, Arc<AtomicUsize>) {
    use axum::http::{HeaderMap, StatusCode, header};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let issued = Arc::new(AtomicUsize::new(0));
    let json = |value: Value| {
        (
            [(header::CONTENT_TYPE, "application/json")],
            value.to_string(),
        )
    };
    let resource = json!({"resource": format!("{base}/mcp"), "authorization_servers": [base]});
    let metadata = json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/authorize"),
        "token_endpoint": format!("{base}/token"),
        "response_types_supported": ["code"],
        "grant_types_supported": ["client_credentials"],
        "token_endpoint_auth_methods_supported": ["client_secret_post"]
    });
    let counter = Arc::clone(&issued);
    let token = move |body: String| {
        let counter = Arc::clone(&counter);
        async move {
            let form: Vec<(String, String)> = body
                .split('&')
                .filter_map(|pair| pair.split_once('='))
                .map(|(k, v)| (k.to_string(), v.replace("%3A", ":").replace("%2F", "/")))
                .collect();
            let has = |key: &str, value: &str| form.iter().any(|(k, v)| k == key && v == value);
            if !(has("grant_type", "client_credentials")
                && has("client_id", "machine")
                && has("client_secret", "s3cret")
                && form
                    .iter()
                    .any(|(k, v)| k == "resource" && v.ends_with("/mcp")))
            {
                return (
                    StatusCode::BAD_REQUEST,
                    json(json!({"error": "invalid_client"})),
                );
            }
            counter.fetch_add(1, Ordering::SeqCst);
            let token =
                json!({"access_token": "tok-1", "token_type": "Bearer", "expires_in": 3600});
            (StatusCode::OK, json(token))
        }
    };
    let challenge =
        format!("Bearer resource_metadata=\"{base}/.well-known/oauth-protected-resource/mcp\"");
    let guard =
        move |headers: HeaderMap, request: axum::extract::Request, next: axum::middleware::Next| {
            let challenge = challenge.clone();
            async move {
                let authorized = headers
                    .get(header::AUTHORIZATION)
                    .is_some_and(|value| value == "Bearer tok-1");
                if authorized {
                    next.run(request).await
                } else {
                    let mut response =
                        axum::response::IntoResponse::into_response(StatusCode::UNAUTHORIZED);
                    response.headers_mut().insert(
                        header::WWW_AUTHENTICATE,
                        challenge.parse().expect("header value"),
                    );
                    response
                }
            }
        };
    let server = Server::new(ProtocolVersion::V_2025_11_25);
    let service: StreamableHttpService<Server, LocalSessionManager> = StreamableHttpService::new(
        move || Ok(server.clone()),
        Arc::default(),
        StreamableHttpServerConfig::default(),
    );
    let mcp = axum::Router::new()
        .nest_service("/mcp", service)
        .layer(axum::middleware::from_fn(guard));
    let router = axum::Router::new()
        .route(
            "/.well-known/oauth-protected-resource/mcp",
            axum::routing::get(move || std::future::ready(json(resource.clone()))),
        )
        .route(
            "/.well-known/oauth-authorization-server",
            axum::routing::get(move || std::future::ready(json(metadata.clone()))),
        )
        .route("/token", axum::routing::post(token))
        .merge(mcp);
    tokio::spawn(async move { axum::serve(listener, router).await });
    (format!("{base}/mcp"), issued)
}

#[tokio::test]
async fn client_credentials_obtain_a_token_that_the_store_keeps() {
    use toolgen_runtime::{FileTokenStore, OAuth};
    let (url, issued) = serve_protected().await;
    let dir = std::env::temp_dir().join(format!("toolgen-oauth-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("tokens.json");
    let oauth =
        || OAuth::client_credentials("machine", "s3cret").token_store(FileTokenStore::new(&path));
    // Without credentials: the typed error.
    let err = Client::connect_http(&url)
        .connect()
        .await
        .expect_err("refused");
    assert!(
        matches!(err, Error::Unauthorized { status: 401, .. }),
        "{err}"
    );
    // The 401 leads to discovery and the token endpoint; the call then goes through.
    let client = Client::connect_http(&url)
        .oauth(oauth())
        .connect()
        .await
        .expect("connect");
    assert_eq!(text(&client, "version").await.expect("call"), "2025-11-25");
    assert_eq!(issued.load(Ordering::SeqCst), 1);
    // A second client reuses the stored token: no new one is issued.
    let again = Client::connect_http(&url)
        .oauth(oauth())
        .connect()
        .await
        .expect("connect");
    assert_eq!(text(&again, "version").await.expect("call"), "2025-11-25");
    assert_eq!(issued.load(Ordering::SeqCst), 1);
    // The secret shows nowhere: not in the builder's Debug, not in the client's.
    let builder = Client::connect_http(&url).oauth(oauth());
    assert!(!format!("{builder:?} {client:?}").contains("s3cret"));
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

//! Shared by the transport tests: a deadline for every test, the in-process echo server, and a
//! hand-written Streamable HTTP server that answers `tools/call` with one fault each and counts
//! the attempts it saw.

#![allow(
    dead_code,
    unreachable_pub,
    reason = "each test file uses a different part"
)]

use std::future::Future;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use toolgen_workspace::echo::EchoServer;

const DEADLINE: Duration = Duration::from_secs(60);

/// Runs `test` on a multi-threaded runtime, failing it if it takes longer than `DEADLINE`.
pub fn run<F: Future<Output = ()>>(test: F) {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(async {
            tokio::time::timeout(DEADLINE, test)
                .await
                .expect("the test finished before its deadline");
        });
}

/// A server running in this process; dropping it stops it.
pub struct Running {
    pub url: String,
    _stop: oneshot::Sender<()>,
}

pub async fn start_echo(schemas: &str) -> (Running, EchoServer) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let server = EchoServer::load(&root.join(schemas)).expect("the schemas load");
    start_server(server).await
}

/// Serves `server` over Streamable HTTP on 127.0.0.1, on a free port.
pub async fn start_server(server: EchoServer) -> (Running, EchoServer) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let url = format!("http://{}/mcp", listener.local_addr().expect("an address"));
    let (stop, stopped) = oneshot::channel::<()>();
    let serving = server.clone();
    tokio::spawn(async move {
        let _ = serving
            .serve_http(listener, async {
                let _ = stopped.await;
            })
            .await;
    });
    (Running { url, _stop: stop }, server)
}

/// What the fault server does with each `tools/call`.
#[derive(Clone, Copy, Debug)]
pub enum Fault {
    /// HTTP 500 with a plain-text body.
    Status500,
    /// HTTP 429 with `Retry-After: <secs>` for the first `times` calls, then success.
    TooManyRequests { retry_after: u64, times: usize },
    /// Answers after 10 s.
    Slow,
    /// A JSON body that is not JSON-RPC.
    Malformed,
    /// A result flagged `isError`.
    IsError,
    /// A successful result of about 1 MiB.
    Oversized,
}

/// A hand-written Streamable HTTP server: it does the handshake properly, then answers every
/// `tools/call` with its fault and records when each attempt arrived and with which headers.
pub struct FaultServer {
    fault: Fault,
    attempts: AtomicUsize,
    arrivals: Mutex<Vec<Instant>>,
    headers: Mutex<Vec<HeaderMap>>,
}

impl FaultServer {
    pub async fn start(fault: Fault) -> (Running, Arc<Self>) {
        let state = Arc::new(Self {
            fault,
            attempts: AtomicUsize::new(0),
            arrivals: Mutex::default(),
            headers: Mutex::default(),
        });
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let url = format!("http://{}/mcp", listener.local_addr().expect("an address"));
        let handler_state = state.clone();
        let router = axum::Router::new().route(
            "/mcp",
            axum::routing::post(move |headers: HeaderMap, body: Bytes| {
                let state = handler_state.clone();
                async move { state.answer(headers, body).await }
            })
            .get(|| async { StatusCode::METHOD_NOT_ALLOWED })
            .delete(|| async { StatusCode::OK }),
        );
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        (Running { url, _stop: stop }, state)
    }

    pub fn attempts(&self) -> usize {
        self.attempts.load(Ordering::SeqCst)
    }

    /// When each `tools/call` arrived.
    pub fn arrivals(&self) -> Vec<Instant> {
        self.arrivals
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The headers of each `tools/call`.
    pub fn headers(&self) -> Vec<HeaderMap> {
        self.headers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    async fn answer(&self, headers: HeaderMap, body: Bytes) -> Response {
        let Ok(message) = serde_json::from_slice::<Value>(&body) else {
            return StatusCode::BAD_REQUEST.into_response();
        };
        let id = message.get("id").cloned();
        let method = message["method"].as_str().unwrap_or_default();
        let Some(id) = id else {
            // A notification (initialized, cancelled): accepted, nothing to answer.
            return StatusCode::ACCEPTED.into_response();
        };
        if method == "initialize" {
            let result = json!({
                "protocolVersion": "2025-06-18",
                "capabilities": {"tools": {}},
                "serverInfo": {"name": "fault-server", "version": "0.0.0"}
            });
            return (
                [
                    ("content-type", "application/json"),
                    ("mcp-session-id", "s1"),
                ],
                json!({"jsonrpc": "2.0", "id": id, "result": result}).to_string(),
            )
                .into_response();
        }
        if method != "tools/call" {
            return json_reply(json!({"jsonrpc": "2.0", "id": id, "result": {}}));
        }
        let attempt = self.attempts.fetch_add(1, Ordering::SeqCst) + 1;
        self.arrivals
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Instant::now());
        self.headers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(headers);
        let echo = message["params"]["arguments"].clone();
        let success = json!({
            "jsonrpc": "2.0", "id": id,
            "result": {"content": [{"type": "text", "text": "ok"}], "structuredContent": echo}
        });
        match self.fault {
            Fault::Status500 => {
                (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
            }
            Fault::TooManyRequests { retry_after, times } if attempt <= times => (
                StatusCode::TOO_MANY_REQUESTS,
                [("retry-after", retry_after.to_string())],
                "slow down",
            )
                .into_response(),
            Fault::TooManyRequests { .. } => json_reply(success),
            Fault::Slow => {
                tokio::time::sleep(Duration::from_secs(10)).await;
                json_reply(success)
            }
            Fault::Malformed => (
                [("content-type", "application/json")],
                "{\"jsonrpc\": \"2.0\", \"id\": [not json",
            )
                .into_response(),
            Fault::IsError => json_reply(json!({
                "jsonrpc": "2.0", "id": id,
                "result": {"content": [{"type": "text", "text": "organization not found"}], "isError": true}
            })),
            Fault::Oversized => json_reply(json!({
                "jsonrpc": "2.0", "id": id,
                "result": {"content": [{"type": "text", "text": "x".repeat(1 << 20)}]}
            })),
        }
    }
}

fn json_reply(value: Value) -> Response {
    ([("content-type", "application/json")], value.to_string()).into_response()
}

//! The generated client (`toolgen-sdk`, the WorkOS seed) against real MCP servers on 127.0.0.1:
//! the rmcp echo server in-process over Streamable HTTP and as a child process over stdio, and
//! the fault server of `common`. No mocks below the transport.

mod common;

use std::future::IntoFuture;
use std::path::Path;
use std::time::Duration;

use common::{Fault, FaultServer, run, start_echo};
use rmcp::ServiceExt;
use rmcp::transport::StreamableHttpClientTransport;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use toolgen_sdk::runtime::{Error, RetryPolicy, TransportErrorKind};
use toolgen_sdk::workos;
use toolgen_sdk::workos::user_management::invitations::CreateParams;
use toolgen_sdk::workos::user_management::invitations::create::Locale;

fn seed_params(email: &str) -> CreateParams {
    CreateParams::new(email)
        .organization_id("org_1")
        .locale(Locale::Es419)
        .expires_in_days(7)
}

fn has_null(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) => items.iter().any(has_null),
        Value::Object(map) => map.values().any(has_null),
        _ => false,
    }
}

/// A retry policy with short delays, so that the tests that retry stay quick.
fn quick_retries() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(3)
        .initial_backoff(Duration::from_millis(10))
        .max_backoff(Duration::from_millis(40))
}

async fn seed_client(url: &str) -> workos::Client {
    workos::Client::connect_http(url)
        .retry_policy(quick_retries())
        .connect()
        .await
        .expect("connects")
}

fn assert_status(err: &Error, status: u16) {
    match err {
        Error::Transport(err) => assert_eq!(err.status(), Some(status), "{err}"),
        other => panic!("expected an HTTP {status} transport error, got {other:?}"),
    }
}

#[test]
fn the_seed_invitation_arrives_with_exactly_the_expected_arguments() {
    run(async {
        let (server, echo) = start_echo("schemas").await;
        let client = workos::Client::connect_http(&server.url)
            .connect()
            .await
            .expect("connects");
        let output = client
            .user_management()
            .invitations()
            .create(seed_params("a@b.c"))
            .await
            .expect("the call succeeds");
        // The echo server answers with the arguments it received, after validating them.
        let received = output.structured_content.expect("structured content");
        assert_eq!(
            received,
            json!({"email": "a@b.c", "locale": "es-419", "expires_in_days": 7, "organization_id": "org_1"})
        );
        assert!(!has_null(&received), "no field was set to null: {received}");
        assert_eq!(echo.calls(), 1);
    });
}

#[test]
fn tools_list_on_the_server_matches_the_schemas_folder() {
    run(async {
        let (server, _echo) = start_echo("schemas").await;
        let session =
            ().serve(StreamableHttpClientTransport::from_uri(server.url.as_str()))
                .await
                .expect("an rmcp client connects");
        let listed = session.list_all_tools().await.expect("tools/list");
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/workos");
        let mut expected = Vec::new();
        for entry in std::fs::read_dir(root).expect("schemas/workos") {
            let path = entry.expect("an entry").path();
            // The overlay is a local correction, not a tool the server offers.
            if path.ends_with("overlay.json") {
                continue;
            }
            let text = std::fs::read_to_string(path).expect("a file");
            expected.push(serde_json::from_str::<Value>(&text).expect("JSON"));
        }
        assert_eq!(listed.len(), expected.len());
        for def in expected {
            let tool = listed
                .iter()
                .find(|t| t.name == def["name"].as_str().unwrap_or_default())
                .unwrap_or_else(|| panic!("{} is listed", def["name"]));
            assert_eq!(tool.description.as_deref(), def["description"].as_str());
            assert_eq!(
                Value::Object((*tool.input_schema).clone()),
                def["inputSchema"]
            );
        }
        let _ = session.cancel().await;
    });
}

#[test]
fn arguments_the_server_rejects_come_back_as_a_tool_error() {
    run(async {
        let (server, echo) = start_echo("schemas").await;
        let client = workos::Client::connect_http(&server.url)
            .connect()
            .await
            .expect("connects");
        let mut arguments = serde_json::Map::new();
        arguments.insert("expires_in_days".into(), json!("seven"));
        let err = client
            .runtime()
            .call_tool_raw("user_management.invitations.create", arguments)
            .await
            .expect_err("the server rejects a string for an integer");
        match err {
            Error::Tool { tool, message, .. } => {
                assert_eq!(tool, "user_management.invitations.create");
                assert!(message.contains("expires_in_days"), "{message}");
            }
            other => panic!("expected Error::Tool, got {other:?}"),
        }
        assert_eq!(echo.calls(), 1, "a tool error is not retried");
    });
}

#[test]
fn a_stdio_server_from_the_workspace_answers_over_stdio() {
    run(async {
        let client = workos::Client::spawn_stdio(
            env!("CARGO_BIN_EXE_toolgen-echo-server"),
            [
                "--stdio",
                "--schemas",
                concat!(env!("CARGO_MANIFEST_DIR"), "/schemas"),
            ],
        )
        .timeout(Duration::from_secs(20))
        .connect()
        .await
        .expect("the child starts and initializes");
        for email in ["one@example.com", "two@example.com"] {
            let output = client
                .user_management()
                .invitations()
                .create(seed_params(email))
                .await
                .expect("the call succeeds over stdio");
            let received = output.structured_content.expect("structured content");
            assert_eq!(received["email"], email);
        }
    });
}

#[test]
fn a_thousand_concurrent_calls_on_one_client_each_get_their_own_answer() {
    const CALLS: usize = 1000;
    run(async {
        let (server, echo) = start_echo("schemas").await;
        let client = workos::Client::connect_http(&server.url)
            .max_concurrent_requests(64)
            .connect()
            .await
            .expect("connects");
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..CALLS {
            let client = client.clone();
            tasks.spawn(async move {
                let email = format!("user{i}@example.com");
                let output = client
                    .user_management()
                    .invitations()
                    .create(
                        CreateParams::new(email.as_str())
                            .organization_id("org_1")
                            // Within the overlay's bounds (1..=30); the email tells calls apart.
                            .expires_in_days(i as u64 % 30 + 1),
                    )
                    .await;
                (i, email, output)
            });
        }
        let mut seen = vec![false; CALLS];
        while let Some(joined) = tasks.join_next().await {
            let (i, email, output) = joined.expect("the task did not panic");
            let received = output
                .unwrap_or_else(|err| panic!("call {i} failed: {err}"))
                .structured_content
                .expect("structured content");
            assert_eq!(
                received,
                json!({"email": email, "expires_in_days": i % 30 + 1, "organization_id": "org_1"})
            );
            assert!(!seen[i], "call {i} answered twice");
            seen[i] = true;
        }
        assert!(seen.iter().all(|s| *s), "every call was answered");
        assert_eq!(echo.calls(), CALLS, "nothing was sent twice");
    });
}

#[test]
fn http_500_is_not_retried_for_a_tool_without_hints() {
    run(async {
        // Not annotated: one attempt.
        let (server, faults) = FaultServer::start(Fault::Status500).await;
        let err = seed_client(&server.url)
            .await
            .user_management()
            .invitations()
            .create(seed_params("a@b.c"))
            .await
            .expect_err("HTTP 500");
        assert_status(&err, 500);
        assert_eq!(faults.attempts(), 1);
    });
}

#[test]
fn a_reply_slower_than_the_timeout_is_a_timeout() {
    run(async {
        let (server, faults) = FaultServer::start(Fault::Slow).await;
        let client = seed_client(&server.url).await;
        let err = client
            .user_management()
            .invitations()
            .create(seed_params("a@b.c"))
            .timeout(Duration::from_millis(300))
            .await
            .expect_err("too slow");
        assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
        assert_eq!(faults.attempts(), 1, "a create is not retried");
    });
}

#[test]
fn connection_refused_is_a_connect_error() {
    run(async {
        // A port that was free a moment ago and has no listener now.
        let port = {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
            listener.local_addr().expect("an address").port()
        };
        let err = workos::Client::connect_http(format!("http://127.0.0.1:{port}/mcp"))
            .retry_policy(quick_retries())
            .connect()
            .await
            .expect_err("nothing listens");
        match &err {
            Error::Transport(inner) => assert_eq!(inner.kind(), TransportErrorKind::Connect),
            other => panic!("expected a connect error, got {other:?}"),
        }
    });
}

#[test]
fn auth_and_headers_are_sent_but_never_shown() {
    run(async {
        let (server, faults) = FaultServer::start(Fault::IsError).await;
        let builder = workos::Client::connect_http(&server.url)
            .bearer_token("sk_test_very_secret")
            .api_key("x-api-key", "key_very_secret")
            .header("x-team", "blue");
        let shown = format!("{builder:?}");
        assert!(!shown.contains("very_secret"), "{shown}");
        assert!(!shown.contains("blue"), "{shown}");
        assert!(shown.contains("x-api-key"), "{shown}");
        let client = builder.connect().await.expect("connects");
        let shown = format!("{client:?}");
        assert!(!shown.contains("very_secret"), "{shown}");
        let _ = client
            .user_management()
            .invitations()
            .create(seed_params("a@b.c"))
            .await;
        let headers = faults.headers();
        assert_eq!(headers.len(), 1);
        assert_eq!(headers[0]["authorization"], "Bearer sk_test_very_secret");
        assert_eq!(headers[0]["x-api-key"], "key_very_secret");
        assert_eq!(headers[0]["x-team"], "blue");
    });
}

#[test]
fn dropping_a_call_cancels_it_and_the_client_stays_usable() {
    run(async {
        let (server, faults) = FaultServer::start(Fault::Slow).await;
        let client = seed_client(&server.url).await;
        let call = client
            .user_management()
            .invitations()
            .create(seed_params("a@b.c"))
            .into_future();
        // Drop the call as soon as the server has seen it.
        tokio::select! {
            _ = call => panic!("the slow call cannot finish first"),
            () = async {
                while faults.attempts() == 0 {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            } => {}
        }
        assert_eq!(faults.attempts(), 1);
        let err = client
            .user_management()
            .invitations()
            .create(seed_params("b@b.c"))
            .timeout(Duration::from_millis(200))
            .await
            .expect_err("still slow");
        assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
        assert_eq!(faults.attempts(), 2);
    });
}

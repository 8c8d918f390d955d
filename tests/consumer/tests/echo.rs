//! The consumer's SDKs against real MCP servers on 127.0.0.1 (the workspace's echo server).

use std::path::Path;

use toolgen_workspace::echo::EchoServer;

/// Serves the tools under `schemas` at `/mcp` on a free port; returns the URL and the server.
async fn serve(schemas: &Path) -> (String, EchoServer) {
    let server = EchoServer::load(schemas).expect("the schemas load");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/mcp", listener.local_addr().expect("address"));
    tokio::spawn(server.clone().serve_http(listener, std::future::pending()));
    (url, server)
}

#[tokio::test]
async fn both_sdks_reach_their_servers_with_one_error_type() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (workos_url, workos) = serve(&here.join("schemas")).await;
    let (fixtures_url, fixtures) = serve(&here.join("../fixtures/schemas")).await;
    let sent = toolgen_consumer::invite_then_ping(&workos_url, &fixtures_url, "ada@example.com")
        .await
        .expect("both calls succeed");
    // Exactly the arguments given reach the server.
    assert_eq!(
        sent,
        toolgen_runtime::serde_json::json!({"email": "ada@example.com", "locale": "es-419"})
    );
    assert_eq!((workos.calls(), fixtures.calls()), (1, 1));
}

#[tokio::test]
async fn a_refused_connection_is_the_shared_error() {
    // A port nothing listens on: the error is `toolgen_runtime::Error`, whichever SDK failed.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/mcp", listener.local_addr().expect("address"));
    drop(listener);
    let err: toolgen_runtime::Error = toolgen_consumer::invite_then_ping(&url, &url, "a@b.c")
        .await
        .expect_err("nothing listens");
    assert!(
        matches!(err, toolgen_runtime::Error::Transport(_)),
        "{err:?}"
    );
}

#[test]
fn an_invalid_email_is_refused_before_sending() {
    let params = toolgen_consumer::sdk::workos::user_management::invitations::CreateParams::new(
        "not an email",
    );
    let violations = params.validate().expect_err("format: email");
    assert!(
        violations.iter().any(|v| v.pointer == "/email"),
        "{violations:?}"
    );
}

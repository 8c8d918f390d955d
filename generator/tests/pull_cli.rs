//! The `toolgen pull` binary against servers on 127.0.0.1: what a refusal (401), a refused
//! connection and a malformed `tools/list` tell the user, and each way of signing in with OAuth
//! (a browser with dynamic registration, a registered client, a client metadata URL; client
//! credentials), against the OAuth test servers of `runtime/tests/oauth_server/`. The browser is
//! a script that follows the URL with curl, named by `$BROWSER` as a user's would be.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use axum::body::Bytes;
use axum::response::IntoResponse;
use serde_json::{Value, json};

#[path = "../../runtime/tests/oauth_server/mod.rs"]
mod oauth_server;

use oauth_server::{CLIENT_ID, CLIENT_SECRET, serve};

/// A fresh, empty folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("toolgen-pull-cli-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("create a scratch folder");
    dir
}

/// A pull of `url` into `dir/schemas/acme` with `args`, `env` set and the user's config folder
/// in `dir/config`, run off the async runtime that serves the servers.
async fn pull(dir: &Path, url: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_toolgen"));
    command
        .current_dir(dir)
        .args(["pull", "--provider", "acme", "--url", url, "--schemas"])
        .arg(dir.join("schemas"))
        .args(args)
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env_remove("BROWSER")
        .env_remove("TOOLGEN_CLIENT_SECRET")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY");
    for (name, value) in env {
        command.env(name, value);
    }
    tokio::task::spawn_blocking(move || command.output().expect("run toolgen"))
        .await
        .expect("the pull ran")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The files the pull wrote.
fn pulled(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir.join("schemas/acme"))
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Fails when a secret of the OAuth servers, or an rmcp type name, shows in `text`.
fn assert_clean(text: &str) {
    for secret in [CLIENT_SECRET, "access-", "refresh-", "code-", "rmcp::"] {
        assert!(!text.contains(secret), "`{secret}` shows in: {text}");
    }
}

/// A browser that follows the authorization URL (and its redirect back to toolgen's listener)
/// with curl; it records each URL in `visits`.
fn browser(dir: &Path) -> String {
    let script = dir.join("browser.sh");
    let visits = dir.join("visits");
    fs::write(
        &script,
        format!(
            "#!/bin/sh\necho \"$1\" >> '{}'\nexec curl -sfL -o /dev/null \"$1\"\n",
            visits.display()
        ),
    )
    .expect("write the browser");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    script.display().to_string()
}

fn visits(dir: &Path) -> usize {
    fs::read_to_string(dir.join("visits")).map_or(0, |text| text.lines().count())
}

/// A pull with `args` and `env` into a new folder `name`, through the browser script, which
/// signs in once and succeeds; returns the folder.
async fn signed_in_pull(
    servers: &oauth_server::Servers,
    name: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> PathBuf {
    let dir = scratch(name);
    let browser = browser(&dir);
    let mut env = env.to_vec();
    env.push(("BROWSER", &browser));
    let output = pull(&dir, &servers.url, args, &env).await;
    let text = stderr(&output);
    assert!(output.status.success(), "{text}");
    assert!(text.contains("/authorize?"), "the URL is printed: {text}");
    assert_eq!(pulled(&dir), ["admin.json", "read.json", "write.json"]);
    assert_eq!(visits(&dir), 1);
    assert_clean(&text);
    dir
}

/// The token files in the user's config folder.
fn token_files(dir: &Path) -> Vec<PathBuf> {
    fs::read_dir(dir.join("config/toolgen/tokens"))
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_401_shows_the_challenge_and_how_to_authenticate() {
    let servers = serve(Duration::from_secs(3600)).await;
    let dir = scratch("401");
    let output = pull(&dir, &servers.url, &[], &[]).await;
    let text = stderr(&output);
    assert!(!output.status.success(), "{text}");
    assert!(text.contains(&servers.url), "names the server: {text}");
    assert!(text.contains("HTTP 401"), "{text}");
    assert!(
        text.contains("resource_metadata=")
            && text.contains("/.well-known/oauth-protected-resource/mcp"),
        "the server's challenge: {text}"
    );
    assert!(
        text.contains("--header 'Authorization: Bearer <token>'") && text.contains("--oauth"),
        "how to authenticate: {text}"
    );
    assert!(text.contains("nothing under"), "{text}");
    assert_clean(&text);
    assert!(pulled(&dir).is_empty());
    let _ = fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_connection_says_so_and_names_the_server() {
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let url = format!("http://{}/mcp", closed.local_addr().expect("an address"));
    drop(closed);
    let dir = scratch("refused");
    let output = pull(&dir, &url, &[], &[]).await;
    let text = stderr(&output);
    assert!(!output.status.success(), "{text}");
    assert!(text.contains(&url), "names the server: {text}");
    assert!(text.contains("could not connect"), "{text}");
    assert!(
        text.to_lowercase().contains("connection refused"),
        "the cause: {text}"
    );
    assert_clean(&text);
    let _ = fs::remove_dir_all(&dir);
}

/// A Streamable HTTP server that does the handshake, then answers `tools/list` with a tool
/// that has no name.
async fn serve_malformed() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let url = format!("http://{}/mcp", listener.local_addr().expect("an address"));
    let answer = |body: Bytes| async move {
        let message: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        let Some(id) = message.get("id").cloned() else {
            return axum::http::StatusCode::ACCEPTED.into_response();
        };
        let result = match message["method"].as_str() {
            Some("initialize") => json!({
                "protocolVersion": "2025-06-18",
                "capabilities": {"tools": {}},
                "serverInfo": {"name": "malformed", "version": "0.0.0"}
            }),
            Some("tools/list") => json!({"tools": [{"description": "a tool without a name"}]}),
            _ => json!({}),
        };
        let reply = json!({"jsonrpc": "2.0", "id": id, "result": result});
        ([("content-type", "application/json")], reply.to_string()).into_response()
    };
    let router = axum::Router::new().route(
        "/mcp",
        axum::routing::post(answer)
            .get(|| async { axum::http::StatusCode::METHOD_NOT_ALLOWED })
            .delete(|| async { axum::http::StatusCode::OK }),
    );
    tokio::spawn(async move { axum::serve(listener, router).await });
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_tools_list_names_the_server_and_what_is_wrong() {
    let url = serve_malformed().await;
    let dir = scratch("malformed");
    let output = pull(&dir, &url, &[], &[]).await;
    let text = stderr(&output);
    assert!(!output.status.success(), "{text}");
    assert!(text.contains(&url), "names the server: {text}");
    assert!(
        text.contains(
            "the answer to `tools/list` is not a list of tools: tools[0] has no string `name`"
        ),
        "{text}"
    );
    assert_clean(&text);
    assert!(pulled(&dir).is_empty());
    let _ = fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oauth_signs_in_through_the_browser_once_and_reuses_the_stored_tokens() {
    let servers = serve(Duration::from_secs(3600)).await;
    let dir = signed_in_pull(&servers, "oauth", &["--oauth"], &[]).await;
    assert_eq!(servers.state().grants, ["authorization_code"]);
    assert_eq!(servers.state().registrations, 1, "dynamic registration");
    // The tokens are in the user's config folder, for the owner only.
    let files = token_files(&dir);
    assert_eq!(files.len(), 1, "{files:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&files[0])
            .expect("the token file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let stored = fs::read_to_string(&files[0]).expect("read");
    assert!(
        stored.contains(CLIENT_ID) && stored.contains("access-1-x9"),
        "{stored}"
    );

    // The next pull uses the stored token: no browser (one that fails would show), no grant.
    let output = pull(&dir, &servers.url, &["--oauth"], &[("BROWSER", "false")]).await;
    let text = stderr(&output);
    assert!(output.status.success(), "{text}");
    assert!(!text.contains("/authorize?"), "no new sign-in: {text}");
    assert_eq!(servers.state().grants, ["authorization_code"]);
    assert_eq!(servers.state().authorizations.len(), 1);
    assert_clean(&text);
    let _ = fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oauth_with_a_registered_client_or_a_metadata_url() {
    let servers = serve(Duration::from_secs(3600)).await;
    // A registered confidential client: its secret comes from the environment.
    let args = ["--oauth", "--client-id", CLIENT_ID];
    let dir = signed_in_pull(
        &servers,
        "registered",
        &args,
        &[("TOOLGEN_CLIENT_SECRET", CLIENT_SECRET)],
    )
    .await;
    assert_eq!(
        servers.state().registrations,
        0,
        "a registered client registers no more"
    );
    let _ = fs::remove_dir_all(&dir);

    // A client metadata URL: this authorization server does not support them, so the client
    // registers itself instead, and the pull goes on.
    let args = [
        "--oauth",
        "--client-metadata-url",
        "https://toolgen.example/client.json",
    ];
    let dir = signed_in_pull(&servers, "cimd", &args, &[]).await;
    assert_eq!(
        servers.state().grants,
        ["authorization_code", "authorization_code"]
    );
    assert_eq!(servers.state().registrations, 1);
    let _ = fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_credentials_read_the_secret_from_the_environment() {
    let servers = serve(Duration::from_secs(3600)).await;
    let dir = scratch("client-credentials");
    let args = [
        "--client-credentials",
        "--client-id",
        CLIENT_ID,
        "--client-secret-env",
        "ACME_SECRET",
    ];
    // Without the secret in the environment, the pull says where it looked.
    let output = pull(&dir, &servers.url, &args, &[]).await;
    let text = stderr(&output);
    assert!(!output.status.success(), "{text}");
    assert!(text.contains("$ACME_SECRET"), "{text}");
    assert_eq!(servers.state().token_requests, 0);

    let output = pull(&dir, &servers.url, &args, &[("ACME_SECRET", CLIENT_SECRET)]).await;
    let text = stderr(&output);
    assert!(output.status.success(), "{text}");
    assert_eq!(pulled(&dir), ["admin.json", "read.json", "write.json"]);
    assert_eq!(servers.state().grants, ["client_credentials"]);
    assert!(token_files(&dir).is_empty(), "no person, no token file");
    assert!(!text.contains("/authorize?"), "{text}");
    assert_clean(&text);

    // A wrong secret is the authorization server's refusal, shown without the secret.
    let output = pull(
        &dir,
        &servers.url,
        &args,
        &[("ACME_SECRET", "wrong-secret-3b")],
    )
    .await;
    let text = stderr(&output);
    assert!(!output.status.success(), "{text}");
    assert!(!text.contains("wrong-secret-3b"), "{text}");
    assert_clean(&text);
    let _ = fs::remove_dir_all(&dir);
}

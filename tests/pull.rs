//! `toolgen pull` against MCP servers running in the test on 127.0.0.1: several pages of tools,
//! a server that fails midway, a hostile tool name; and over stdio from the echo server binary.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rmcp::model::{
    ErrorData, ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::{RoleServer, ServerHandler};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use toolgen::pull::{Auth, Source, pull};

/// A server whose `tools/list` answers page `i` for the cursor `"i"`, fails on `fail_at`, and
/// ends its whole process on `exit_at` (without answering: the connection just drops).
#[derive(Clone)]
struct Paged {
    pages: Arc<Vec<Vec<Value>>>,
    fail_at: Option<usize>,
    exit_at: Option<usize>,
}

impl ServerHandler for Paged {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
    }

    async fn list_tools(
        &self,
        request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let page: usize = request
            .and_then(|r| r.cursor)
            .map_or(0, |c| c.parse().unwrap_or(usize::MAX));
        if self.exit_at == Some(page) {
            std::process::exit(DIED);
        }
        if self.fail_at == Some(page) {
            return Err(ErrorData::internal_error("the backend went away", None));
        }
        let tools = self.pages.get(page).cloned().unwrap_or_default();
        let next = (page + 1 < self.pages.len()).then(|| (page + 1).to_string());
        serde_json::from_value(json!({"tools": tools, "nextCursor": next}))
            .map_err(|err| ErrorData::internal_error(err.to_string(), None))
    }
}

/// Serves `server` on 127.0.0.1 until the returned sender is dropped.
async fn serve(server: Paged) -> (String, oneshot::Sender<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let url = format!("http://{}/mcp", listener.local_addr().expect("an address"));
    let service: StreamableHttpService<Paged, LocalSessionManager> = StreamableHttpService::new(
        move || Ok(server.clone()),
        Arc::default(),
        StreamableHttpServerConfig::default(),
    );
    let router = axum::Router::new().nest_service("/mcp", service);
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
    });
    (url, stop)
}

fn tool(name: &str, description: &str) -> Value {
    // Keys deliberately out of alphabetical order: the file keeps the server's order.
    json!({
        "name": name,
        "description": description,
        "inputSchema": {"type": "object", "properties": {"zeta": {"type": "string"}, "alpha": {"type": "integer"}}}
    })
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("toolgen-pull-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("a scratch folder");
    dir
}

/// Every file under `dir` with its contents, sorted.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).expect("list") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(dir)
                    .expect("inside")
                    .display()
                    .to_string();
                out.push((rel, fs::read(&path).expect("read")));
            }
        }
    }
    out.sort();
    out
}

fn run<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(future)
}

#[test]
fn pull_follows_every_page_and_reports_added_changed_removed() {
    run(async {
        let dir = scratch("pages");
        let schemas = dir.join("schemas");
        let acme = schemas.join("acme");
        fs::create_dir_all(acme.join("extra")).expect("folders");
        // A previous pull: `b` will change, `gone` will be removed; the overlay, the sub-folder
        // and the other provider are not the pull's to touch.
        fs::write(
            acme.join("b.json"),
            serde_json::to_string_pretty(&tool("b", "old")).expect("json") + "\n",
        )
        .expect("write");
        fs::write(
            acme.join("gone.json"),
            serde_json::to_string_pretty(&tool("gone", "x")).expect("json") + "\n",
        )
        .expect("write");
        fs::write(acme.join("overlay.json"), r#"{"tools": {}}"#).expect("write");
        fs::write(acme.join("extra/kept.json"), "{}").expect("write");
        fs::create_dir_all(schemas.join("other")).expect("folders");
        fs::write(schemas.join("other/t.json"), "{}").expect("write");

        let pages = vec![
            vec![tool("a", "first"), tool("b", "new")],
            vec![tool("c.one", "second page")],
            vec![tool("d", "third page")],
        ];
        let (url, _stop) = serve(Paged {
            pages: Arc::new(pages),
            fail_at: None,
            exit_at: None,
        })
        .await;
        let source = Source::Http {
            url,
            headers: vec![("X-Test".into(), "1".into())],
            auth: Auth::None,
        };
        let report = pull(&source, &schemas, "acme")
            .await
            .expect("the pull succeeds");
        assert_eq!(report.added, ["a", "c.one", "d"]);
        assert_eq!(report.changed, ["b"]);
        assert_eq!(report.removed, ["gone"]);

        let files: Vec<String> = snapshot(&acme).into_iter().map(|(f, _)| f).collect();
        assert_eq!(
            files,
            [
                "a.json",
                "b.json",
                "c.one.json",
                "d.json",
                "extra/kept.json",
                "overlay.json"
            ]
        );
        let text = fs::read_to_string(acme.join("c.one.json")).expect("written");
        assert!(text.ends_with("}\n"), "{text}");
        assert!(
            text.find("\"zeta\"") < text.find("\"alpha\""),
            "the server's key order: {text}"
        );
        assert_eq!(
            fs::read_to_string(acme.join("overlay.json")).expect("kept"),
            r#"{"tools": {}}"#
        );
        assert_eq!(
            fs::read_to_string(schemas.join("other/t.json")).expect("kept"),
            "{}"
        );
        let leftovers: Vec<_> = fs::read_dir(&schemas)
            .expect("list")
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(
            leftovers.len(),
            2,
            "no staging folders remain: {leftovers:?}"
        );

        // Pulling again changes nothing.
        let again = pull(&source, &schemas, "acme")
            .await
            .expect("the second pull");
        assert!(again.added.is_empty() && again.changed.is_empty() && again.removed.is_empty());
        let _ = fs::remove_dir_all(&dir);
    });
}

#[test]
fn a_server_that_fails_midway_leaves_schemas_as_it_was() {
    run(async {
        let dir = scratch("midway");
        let schemas = dir.join("schemas");
        fs::create_dir_all(schemas.join("acme")).expect("folders");
        fs::write(
            schemas.join("acme/old.json"),
            serde_json::to_string_pretty(&tool("old", "x")).expect("json"),
        )
        .expect("write");
        let before = snapshot(&dir);

        let pages = vec![
            vec![tool("a", "1")],
            vec![tool("b", "2")],
            vec![tool("c", "3")],
        ];
        let (url, _stop) = serve(Paged {
            pages: Arc::new(pages),
            fail_at: Some(1),
            exit_at: None,
        })
        .await;
        let err = pull(
            &Source::Http {
                url,
                headers: Vec::new(),
                auth: Auth::None,
            },
            &schemas,
            "acme",
        )
        .await
        .expect_err("page 2 fails");
        assert!(
            err.to_string().contains("tools/list failed after 1 tools"),
            "{err}"
        );
        assert_eq!(
            snapshot(&dir),
            before,
            "nothing changed, nothing left behind"
        );

        // A server that is gone entirely (nothing listens on the port) fails the same way.
        let closed = TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let dead = format!("http://{}/mcp", closed.local_addr().expect("an address"));
        drop(closed);
        assert!(
            pull(
                &Source::Http {
                    url: dead,
                    headers: Vec::new(),
                    auth: Auth::None,
                },
                &schemas,
                "acme"
            )
            .await
            .is_err()
        );
        assert_eq!(snapshot(&dir), before);
        let _ = fs::remove_dir_all(&dir);
    });
}

/// Set in the environment of the child process that [`dying_server_process`] runs.
const CHILD: &str = "TOOLGEN_PULL_DYING_SERVER";
/// The exit code of the dying server.
const DIED: i32 = 86;

/// Not a test of its own: the server process of
/// [`a_server_process_that_dies_midway_leaves_schemas_as_it_was`], which runs this test binary
/// again with only this function selected and [`CHILD`] set. It prints its URL, then serves
/// until `tools/list` asks for page 2, where the process exits on the spot.
#[test]
#[ignore = "the child process of a_server_process_that_dies_midway_leaves_schemas_as_it_was"]
fn dying_server_process() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    run(async {
        let pages = vec![vec![tool("a", "1")], vec![tool("b", "2")]];
        let (url, _stop) = serve(Paged {
            pages: Arc::new(pages),
            fail_at: None,
            exit_at: Some(1),
        })
        .await;
        println!("URL={url}");
        use std::io::Write;
        let _ = std::io::stdout().flush();
        // The parent gives up after a minute at most; never serve longer than that.
        tokio::time::sleep(std::time::Duration::from_secs(120)).await;
    });
}

/// Runs [`dying_server_process`] as a separate process and returns it with its URL.
fn spawn_dying_server() -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut child = std::process::Command::new(std::env::current_exe().expect("the test binary"))
        .args([
            "dying_server_process",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, "1")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn the server process");
    let stdout = child.stdout.take().expect("its stdout");
    let url = std::io::BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        // The harness may print `test dying_server_process ... ` first, on the same line.
        .find_map(|line| {
            line.split_once("URL=")
                .map(|(_, url)| url.trim().to_string())
        });
    match url {
        Some(url) => (child, url),
        None => {
            let _ = child.kill();
            panic!("the server process printed no URL");
        }
    }
}

#[test]
fn a_server_process_that_dies_midway_leaves_schemas_as_it_was() {
    let dir = scratch("died");
    let schemas = dir.join("schemas");
    fs::create_dir_all(schemas.join("acme")).expect("folders");
    fs::write(
        schemas.join("acme/old.json"),
        serde_json::to_string_pretty(&tool("old", "x")).expect("json"),
    )
    .expect("write");
    fs::write(schemas.join("acme/overlay.toml"), "[tools]\n").expect("write");
    let before = snapshot(&dir);

    let (mut child, url) = spawn_dying_server();
    let result = run(pull(
        &Source::Http {
            url,
            headers: Vec::new(),
            auth: Auth::None,
        },
        &schemas,
        "acme",
    ));
    // The server must have died by its own hand on page 2, not been stopped by us.
    let status = match child.try_wait() {
        Ok(Some(status)) => status,
        _ => {
            let _ = child.kill();
            child.wait().expect("reaped")
        }
    };
    let err = result.expect_err("the server died before page 2");
    assert_eq!(
        status.code(),
        Some(DIED),
        "the server process exited midway"
    );
    assert!(
        err.to_string().contains("tools/list failed after 1 tools"),
        "{err}"
    );
    assert_eq!(
        snapshot(&dir),
        before,
        "nothing changed, nothing left behind"
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn a_tool_named_dot_dot_slash_stays_inside_the_provider_folder() {
    run(async {
        let dir = scratch("hostile");
        let schemas = dir.join("schemas");
        let pages = vec![vec![tool("../../x", "hostile"), tool("ok", "fine")]];
        let (url, _stop) = serve(Paged {
            pages: Arc::new(pages),
            fail_at: None,
            exit_at: None,
        })
        .await;
        let report = pull(
            &Source::Http {
                url,
                headers: Vec::new(),
                auth: Auth::None,
            },
            &schemas,
            "acme",
        )
        .await
        .expect("the pull succeeds");
        assert_eq!(report.added, ["../../x", "ok"]);
        let files: Vec<String> = snapshot(&dir).into_iter().map(|(f, _)| f).collect();
        assert_eq!(
            files,
            ["schemas/acme/%2E.%2F..%2Fx.json", "schemas/acme/ok.json"]
        );
        let text = fs::read_to_string(schemas.join("acme/%2E.%2F..%2Fx.json")).expect("encoded");
        assert!(
            text.contains(r#""name": "../../x""#),
            "the name itself is kept: {text}"
        );
        // The generator still refuses the name, with the file it came from.
        let err = toolgen::Generator::new(&schemas)
            .render()
            .expect_err("invalid name");
        assert!(
            err.to_string().contains("invalid tool name `../../x`"),
            "{err}"
        );
        // A hostile provider name is refused before anything is written.
        assert!(
            toolgen::write::replace_provider(&schemas, "../evil", &Default::default()).is_err()
        );
        let _ = fs::remove_dir_all(&dir);
    });
}

#[test]
fn pull_over_stdio_from_the_echo_server() {
    run(async {
        let dir = scratch("stdio");
        let schemas = dir.join("schemas");
        let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
        let command = format!(
            "{} --stdio --schemas {}",
            env!("CARGO_BIN_EXE_toolgen-echo-server"),
            seed.display()
        );
        let report = pull(&Source::Stdio { command }, &schemas, "workos")
            .await
            .expect("the pull succeeds");
        assert_eq!(report.added, ["user_management.invitations.create"]);
        let pulled: Value = serde_json::from_str(
            &fs::read_to_string(schemas.join("workos/user_management.invitations.create.json"))
                .expect("written"),
        )
        .expect("JSON");
        let seed: Value = serde_json::from_str(
            &fs::read_to_string(seed.join("workos/user_management.invitations.create.json"))
                .expect("the seed"),
        )
        .expect("JSON");
        assert_eq!(pulled["inputSchema"], seed["inputSchema"]);
        let _ = fs::remove_dir_all(&dir);
    });
}

//! The generated server side, end to end: a fixture provider's `Server` trait implemented in
//! part, served over Streamable HTTP on 127.0.0.1 through the runtime's `server::Server`, and
//! called with the generated client (and, for what the client would refuse to send, by name).

use std::path::Path;

use rmcp::ServiceExt;
use rmcp::transport::StreamableHttpClientTransport;
use serde_json::{Value, json};
use toolgen_fixtures::results;
use toolgen_fixtures::results::report::{GetOutput, GetParams, SendParams};
use toolgen_fixtures::runtime::server::{Context, ToolError};
use toolgen_fixtures::runtime::{Error, ToolInfo};

/// Implements `report.get` only; `report.send` keeps the default body.
struct Reports;

impl results::server::Server for Reports {
    async fn report_get(
        &self,
        params: GetParams,
        context: Context,
    ) -> Result<GetOutput, ToolError> {
        assert!(!context.is_cancelled());
        if params.id == "missing" {
            return Err(ToolError::new(
                "no report `missing`; list the reports to find an id",
            ));
        }
        let mut output = GetOutput::new(format!("report {}", params.id));
        if let Some(page) = params.page {
            output = output.page(i64::try_from(page).unwrap_or(i64::MAX));
        }
        Ok(output)
    }
}

/// Serves `Reports` at `/mcp` on a free port of 127.0.0.1; returns the URL.
async fn start() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1");
    let address = listener.local_addr().expect("the bound address");
    let router = results::server::serve(Reports).router("/mcp");
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{address}/mcp")
}

fn run(test: impl std::future::Future<Output = ()>) {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(test);
}

fn tool_text(error: &Error) -> String {
    match error {
        Error::Tool { message, .. } => message.clone(),
        other => panic!("expected a tool error, got {other:?}"),
    }
}

#[test]
fn a_typed_call_round_trips_through_the_generated_server() {
    run(async {
        let url = start().await;
        let client = results::Client::connect_http(url)
            .connect()
            .await
            .expect("the client connects");
        let output = client
            .report()
            .get(GetParams::new("7").page(2))
            .await
            .expect("report.get answers");
        assert_eq!(output.id, "report 7");
        assert_eq!(output.page, Some(2));

        // A method's error is a tool error whose text the model reads.
        let error = client
            .report()
            .get(GetParams::new("missing"))
            .await
            .expect_err("report.get fails for `missing`");
        assert_eq!(
            tool_text(&error),
            "no report `missing`; list the reports to find an id"
        );
    });
}

#[test]
fn a_tool_without_an_implementation_answers_not_implemented() {
    run(async {
        let url = start().await;
        let client = results::Client::connect_http(url)
            .connect()
            .await
            .expect("the client connects");
        let error = client
            .report()
            .send(SendParams::new("7", "a@example.com"))
            .await
            .expect_err("report.send is not implemented");
        assert_eq!(
            tool_text(&error),
            "the tool `report.send` is not implemented by this server"
        );
    });
}

#[test]
fn invalid_arguments_are_a_tool_error_naming_every_pointer() {
    run(async {
        let url = start().await;
        let client = results::Client::connect_http(url)
            .connect()
            .await
            .expect("the client connects");
        // The typed client would refuse these arguments, so they go by name, unchecked.
        let info = ToolInfo {
            name: "report.get",
            retry_safe: false,
        };
        let error = client
            .runtime()
            .call(info, &json!({"id": "", "page": 0, "extra": true}))
            .await
            .expect_err("the server refuses the arguments");
        let text = tool_text(&error);
        assert!(
            text.starts_with("invalid arguments for the tool `report.get`"),
            "{text}"
        );
        for pointer in ["- /id: ", "- /page: "] {
            assert!(text.contains(pointer), "{pointer} in {text}");
        }
        // The method never ran: a missing id would have reached it otherwise.
        let error = client
            .runtime()
            .call(info, &json!({}))
            .await
            .expect_err("the server refuses a call without `id`");
        assert!(tool_text(&error).contains("- /id: is required"));
    });
}

#[test]
fn tools_list_serves_the_schema_files_definitions() {
    run(async {
        let url = start().await;
        let session =
            ().serve(StreamableHttpClientTransport::from_uri(url.as_str()))
                .await
                .expect("an rmcp client connects");
        let listed = session.list_all_tools().await.expect("tools/list");
        let listed: Vec<Value> = listed
            .iter()
            .map(|tool| serde_json::to_value(tool).expect("a tool serializes"))
            .collect();
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schemas/results");
        let expected: Vec<Value> = ["report.get.json", "report.send.json"]
            .iter()
            .map(|file| {
                let text = std::fs::read_to_string(root.join(file)).expect("a schema file");
                serde_json::from_str(&text).expect("JSON")
            })
            .collect();
        assert_eq!(listed, expected);
        session.cancel().await.expect("the session closes");
    });
}

/// Application code under test: it takes the generated client.
async fn describe(client: &results::Client, id: &str) -> Result<String, Error> {
    let report = client.report().get(GetParams::new(id)).await?;
    Ok(format!("{} (page {})", report.id, report.page.unwrap_or(1)))
}

#[test]
fn the_mock_answers_a_client_in_process_and_records_typed_calls() {
    run(async {
        let mock = results::server::Mock::new();
        mock.on_report_get(|params| Ok(GetOutput::new(format!("mocked {}", params.id)).page(3)));
        let client = mock.client();
        assert_eq!(
            describe(&client, "9").await.expect("the mock answers"),
            "mocked 9 (page 3)"
        );
        let calls = mock.report_get_calls();
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].id, "9");

        // An expectation's error is a tool error, as a server's would be.
        mock.on_report_get(|_| Err(ToolError::new("gone")));
        let error = describe(&client, "9").await.expect_err("the mock fails");
        assert_eq!(tool_text(&error), "gone");

        // Arguments the client would not send are checked by the mock, too.
        let error = client
            .runtime()
            .call(
                ToolInfo {
                    name: "report.get",
                    retry_safe: false,
                },
                &json!({"id": ""}),
            )
            .await
            .expect_err("the mock refuses the arguments");
        assert!(tool_text(&error).contains("- /id: "), "{error:?}");
    });
}

#[test]
fn a_call_without_an_expectation_fails_naming_the_tool_and_the_arguments() {
    let mock = results::server::Mock::new();
    let client = mock.client();
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        run(async {
            let _ = client
                .report()
                .send(SendParams::new("7", "a@example.com"))
                .await;
        });
    }))
    .expect_err("the call fails the test");
    let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(
        message.contains("no expectation for the tool `report.send`"),
        "{message}"
    );
    assert!(message.contains("\"to\": \"a@example.com\""), "{message}");
}

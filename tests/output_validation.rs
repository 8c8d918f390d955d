//! Results checked against the tool's `outputSchema`: the generated client (`toolgen-fixtures`)
//! against the rmcp echo server on 127.0.0.1, made to answer with a `structuredContent` that
//! breaks the schema. No mocks below the transport.

mod common;

use std::path::Path;

use common::{run, start_server};
use serde_json::json;
use toolgen_fixtures::constructs::status::read::State2;
use toolgen_fixtures::results::report::get::GetParams;
use toolgen_fixtures::runtime::{Error, OutputValidation};
use toolgen_fixtures::{constructs, results};
use toolgen_workspace::echo::EchoServer;

fn fixtures() -> EchoServer {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    EchoServer::load(&root.join("tests/fixtures/schemas")).expect("the schemas load")
}

/// `status.read` answered with a state its output schema does not list, and a bad history entry.
fn bad_status() -> EchoServer {
    fixtures().with_answer(
        "status.read",
        json!({"state": "paused", "history": ["active", "gone"]}),
    )
}

#[test]
fn a_result_that_breaks_the_output_schema_is_an_error_with_every_pointer() {
    run(async {
        let (server, _) = start_server(bad_status()).await;
        let client = constructs::Client::connect_http(&server.url)
            .connect()
            .await
            .expect("connects");
        let err = client.status().read().await.expect_err("strict by default");
        let Error::InvalidOutput {
            tool,
            violations,
            output,
        } = &err
        else {
            panic!("expected InvalidOutput, got {err:?}");
        };
        assert_eq!(tool, "status.read");
        let mut pointers: Vec<&str> = violations.iter().map(|v| v.pointer.as_str()).collect();
        pointers.sort_unstable();
        assert_eq!(pointers, ["/history/1", "/state"], "{err}");
        assert_eq!(
            output.structured_content.as_ref().map(|v| &v["state"]),
            Some(&json!("paused")),
            "the result travels with the error"
        );
        assert!(err.to_string().contains("#/state"), "{err}");
    });
}

#[test]
fn warn_and_off_parse_the_result_anyway_per_client_and_per_call() {
    run(async {
        let (server, _) = start_server(bad_status()).await;
        let strict = constructs::Client::connect_http(&server.url)
            .connect()
            .await
            .expect("connects");
        // Per call: the open output enum keeps the unknown state.
        for policy in [OutputValidation::Warn, OutputValidation::Off] {
            let output = strict
                .status()
                .read()
                .output_validation(policy)
                .await
                .unwrap_or_else(|err| panic!("{policy:?}: {err}"));
            assert!(!matches!(output.state, State2::Active | State2::Suspended));
            assert_eq!(output.history.len(), 2);
        }
        // Per client.
        let warn = constructs::Client::from_runtime(
            strict
                .runtime()
                .clone()
                .with_output_validation(OutputValidation::Warn),
        );
        assert!(warn.status().read().await.is_ok());
        // And a strict call on that client still refuses it.
        let err = warn
            .status()
            .read()
            .output_validation(OutputValidation::Strict)
            .await
            .expect_err("strict for this call");
        assert!(matches!(err, Error::InvalidOutput { .. }), "{err:?}");
    });
}

#[test]
fn a_valid_result_passes_and_integral_floats_fill_integer_fields() {
    run(async {
        // `2.0` is an integer for JSON Schema; the typed result takes it as one.
        let server = fixtures().with_answer("report.get", json!({"id": "r1", "page": 2.0}));
        let (server, _) = start_server(server).await;
        let client = results::Client::connect_http(&server.url)
            .connect()
            .await
            .expect("connects");
        let params = GetParams::new("r1");
        let output = client.report().get(&params).await.expect("valid result");
        assert_eq!(output.id, "r1");
        assert_eq!(output.page, Some(2));
    });
}

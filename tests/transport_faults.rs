//! The fixture client (`tests/fixtures/schemas/results`: a read-only tool with an
//! `outputSchema`, and a tool without hints) against the echo server and the fault server of
//! `common`: each fault maps to its error variant, and the server counts the attempts.

mod common;

use std::time::Duration;

use common::{Fault, FaultServer, run, start_echo};
use toolgen_fixtures::results;
use toolgen_fixtures::results::report::{GetParams, SendParams};
use toolgen_fixtures::runtime::{Error, RetryPolicy, TransportErrorKind};

/// A retry policy with short delays, so that the tests that retry stay quick.
fn quick_retries() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(3)
        .initial_backoff(Duration::from_millis(10))
        .max_backoff(Duration::from_millis(40))
}

async fn fixture_client(url: &str) -> results::Client {
    results::Client::connect_http(url)
        .retry_policy(quick_retries())
        .max_response_bytes(64 * 1024)
        .connect()
        .await
        .expect("connects")
}

fn get_params() -> GetParams {
    GetParams::new("r-1")
}

fn send_params() -> SendParams {
    SendParams::new("r-1", "ops@example.com")
}

fn assert_status(err: &Error, status: u16) {
    match err {
        Error::Transport(err) => assert_eq!(err.status(), Some(status), "{err}"),
        other => panic!("expected an HTTP {status} transport error, got {other:?}"),
    }
}

#[test]
fn a_tool_with_an_output_schema_returns_its_typed_output() {
    run(async {
        let (server, _echo) = start_echo("tests/fixtures/schemas").await;
        let client = results::Client::connect_http(&server.url)
            .connect()
            .await
            .expect("connects");
        let params = GetParams::new("r-1").page(2);
        let output = client.report().get(&params).await.expect("typed output");
        assert_eq!(output.id, "r-1");
        assert_eq!(output.page, Some(2));
    });
}

#[test]
fn http_500_is_retried_for_a_read_only_tool_or_when_the_caller_opts_in() {
    run(async {
        // Read-only: every attempt of the policy.
        let (server, faults) = FaultServer::start(Fault::Status500).await;
        let err = fixture_client(&server.url)
            .await
            .report()
            .get(get_params())
            .await
            .expect_err("HTTP 500");
        assert_status(&err, 500);
        assert_eq!(faults.attempts(), 3);

        // Not annotated, but the caller opts in for this call.
        let (server, faults) = FaultServer::start(Fault::Status500).await;
        let client = fixture_client(&server.url).await;
        let err = client
            .report()
            .send(send_params())
            .retry(true)
            .await
            .expect_err("HTTP 500");
        assert_status(&err, 500);
        assert_eq!(faults.attempts(), 3);

        // Retries turned off for one call.
        let err = client
            .report()
            .get(get_params())
            .retry_policy(RetryPolicy::disabled())
            .await
            .expect_err("HTTP 500");
        assert_status(&err, 500);
        assert_eq!(faults.attempts(), 4);
    });
}

#[test]
fn http_429_waits_as_long_as_retry_after_asks() {
    run(async {
        let (server, faults) = FaultServer::start(Fault::TooManyRequests {
            retry_after: 1,
            times: 1,
        })
        .await;
        let output = fixture_client(&server.url)
            .await
            .report()
            .get(get_params())
            .await
            .expect("the second attempt succeeds");
        assert_eq!(output.id, "r-1");
        assert_eq!(faults.attempts(), 2);
        let arrivals = faults.arrivals();
        assert!(
            arrivals[1] - arrivals[0] >= Duration::from_secs(1),
            "the retry waited for Retry-After"
        );

        // A server that asks for longer than the policy allows gets no retry.
        let (server, faults) = FaultServer::start(Fault::TooManyRequests {
            retry_after: 120,
            times: usize::MAX,
        })
        .await;
        let err = fixture_client(&server.url)
            .await
            .report()
            .get(get_params())
            .await
            .expect_err("HTTP 429");
        assert_status(&err, 429);
        match &err {
            Error::Transport(err) => {
                assert_eq!(err.retry_after_delay(), Some(Duration::from_secs(120)));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(faults.attempts(), 1);
    });
}

#[test]
fn a_slow_read_only_call_is_retried_then_times_out() {
    run(async {
        let (server, faults) = FaultServer::start(Fault::Slow).await;
        let client = results::Client::connect_http(&server.url)
            .retry_policy(quick_retries().max_attempts(2))
            .timeout(Duration::from_millis(300))
            .connect()
            .await
            .expect("connects");
        let err = client
            .report()
            .get(get_params())
            .await
            .expect_err("too slow");
        assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
        assert_eq!(faults.attempts(), 2, "a read-only call is retried");
    });
}

#[test]
fn a_malformed_reply_is_an_unexpected_response() {
    run(async {
        let (server, faults) = FaultServer::start(Fault::Malformed).await;
        let err = fixture_client(&server.url)
            .await
            .report()
            .get(get_params())
            .await
            .expect_err("malformed");
        assert!(matches!(err, Error::UnexpectedResponse { .. }), "{err:?}");
        assert_eq!(faults.attempts(), 1, "a malformed reply is not retried");
    });
}

#[test]
fn an_is_error_result_is_a_tool_error() {
    run(async {
        let (server, faults) = FaultServer::start(Fault::IsError).await;
        let err = fixture_client(&server.url)
            .await
            .report()
            .get(get_params())
            .await
            .expect_err("isError");
        match err {
            Error::Tool { tool, message, .. } => {
                assert_eq!(tool, "report.get");
                assert_eq!(message, "organization not found");
            }
            other => panic!("expected Error::Tool, got {other:?}"),
        }
        assert_eq!(faults.attempts(), 1, "a tool error is not retried");
    });
}

#[test]
fn an_oversized_reply_is_refused() {
    run(async {
        let (server, faults) = FaultServer::start(Fault::Oversized).await;
        let err = fixture_client(&server.url)
            .await
            .report()
            .get(get_params())
            .await
            .expect_err("oversized");
        match &err {
            Error::Transport(inner) => {
                assert_eq!(inner.kind(), TransportErrorKind::ResponseTooLarge, "{err}");
            }
            other => panic!("expected a transport error, got {other:?}"),
        }
        assert_eq!(faults.attempts(), 1, "an oversized reply is not retried");
    });
}

//! The typed client's overhead: the seed call through the generated client against the same call
//! through rmcp's `call_tool` with a `serde_json::Value`, both against one echo server in this
//! process, over Streamable HTTP on 127.0.0.1. Also times serializing the seed params alone, and
//! `validate()` alone against the jsonschema crate's `is_valid` on the same instance.
//!
//! ```sh
//! cargo bench --bench client_overhead            # or: -- --calls 5000
//! ```
//!
//! The two clients take turns in rounds, so that drift (CPU frequency, allocator state) hits both
//! alike; the ratio of the medians of single-call times is the result. Goal: at most 1.05.

use std::path::Path;
use std::time::{Duration, Instant};

use rmcp::ServiceExt;
use rmcp::model::CallToolRequestParams;
use rmcp::transport::StreamableHttpClientTransport;
use serde_json::json;
use toolgen_sdk::workos;
use toolgen_sdk::workos::user_management::invitations::CreateParams;
use toolgen_sdk::workos::user_management::invitations::create::Locale;
use toolgen_workspace::echo::EchoServer;

const TOOL: &str = "user_management.invitations.create";
const ROUNDS: usize = 20;

fn main() {
    let calls = std::env::args()
        .skip_while(|arg| arg != "--calls")
        .nth(1)
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(4000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(bench(calls));
}

fn seed() -> CreateParams {
    CreateParams::new("a@b.c")
        .organization_id("org_1")
        .locale(Locale::Es419)
        .expires_in_days(7)
}

async fn bench(calls: usize) {
    let schemas = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    let server = EchoServer::load(&schemas).expect("the schemas load");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let url = format!("http://{}/mcp", listener.local_addr().expect("an address"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server.serve_http(listener, async {
        let _ = stopped.await;
    }));

    let typed = workos::Client::connect_http(&url)
        .connect()
        .await
        .expect("the typed client connects");
    let raw =
        ().serve(StreamableHttpClientTransport::from_uri(url.as_str()))
            .await
            .expect("the rmcp client connects");

    let params = seed();
    let typed_call = || async {
        let output = typed
            .user_management()
            .invitations()
            .create(&params)
            .await
            .expect("typed call");
        std::hint::black_box(output);
    };
    let raw_call = || async {
        let mut request = CallToolRequestParams::new(TOOL);
        let arguments = json!({"email": "a@b.c", "organization_id": "org_1", "locale": "es-419", "expires_in_days": 7});
        if let serde_json::Value::Object(map) = arguments {
            request.arguments = Some(map);
        }
        let output = raw.call_tool(request).await.expect("raw call");
        std::hint::black_box(output);
    };

    // Warm up both paths (connections, allocator, server caches).
    for _ in 0..200 {
        typed_call().await;
        raw_call().await;
    }
    let per_round = (calls / ROUNDS).max(1);
    let mut typed_times = Vec::with_capacity(calls);
    let mut raw_times = Vec::with_capacity(calls);
    for round in 0..ROUNDS {
        // Alternate which client goes first in a round.
        for first in [round % 2 == 0, round % 2 == 1] {
            for _ in 0..per_round {
                let started = Instant::now();
                if first {
                    typed_call().await;
                } else {
                    raw_call().await;
                }
                let elapsed = started.elapsed();
                if first {
                    typed_times.push(elapsed);
                } else {
                    raw_times.push(elapsed);
                }
            }
        }
    }

    // Serializing (and so checking, since the types only hold valid values) the seed params.
    let mut serialize_times = Vec::with_capacity(1000);
    for _ in 0..1000 {
        let started = Instant::now();
        for _ in 0..100 {
            std::hint::black_box(serde_json::to_value(std::hint::black_box(&params)).ok());
        }
        serialize_times.push(started.elapsed() / 100);
    }

    // `validate()` alone (serialize, then check against the compiled schema), against the
    // jsonschema crate's `is_valid` on the same instance and the tool's schema as written.
    let mut validate_times = Vec::with_capacity(1000);
    for _ in 0..1000 {
        let started = Instant::now();
        for _ in 0..100 {
            std::hint::black_box(std::hint::black_box(&params).validate().is_ok());
        }
        validate_times.push(started.elapsed() / 100);
    }
    let file = schemas.join("workos/user_management.invitations.create.json");
    let tool: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).expect("the seed schema"))
            .expect("JSON");
    let reference = jsonschema::options()
        .should_validate_formats(true)
        .build(&tool["inputSchema"])
        .expect("the seed schema compiles");
    let instance = serde_json::to_value(&params).expect("serializes");
    assert!(reference.is_valid(&instance));
    let mut is_valid_times = Vec::with_capacity(1000);
    for _ in 0..1000 {
        let started = Instant::now();
        for _ in 0..100 {
            std::hint::black_box(reference.is_valid(std::hint::black_box(&instance)));
        }
        is_valid_times.push(started.elapsed() / 100);
    }

    let typed_median = median(&mut typed_times);
    let raw_median = median(&mut raw_times);
    let ratio = typed_median.as_secs_f64() / raw_median.as_secs_f64();
    println!("| measure | calls | median | p90 |");
    println!("|---|---:|---:|---:|");
    println!(
        "| rmcp `call_tool` with a `serde_json::Value` | {} | {:.1} µs | {:.1} µs |",
        raw_times.len(),
        micros(raw_median),
        micros(percentile(&mut raw_times, 0.9)),
    );
    println!(
        "| typed client (`workos::Client`) | {} | {:.1} µs | {:.1} µs |",
        typed_times.len(),
        micros(typed_median),
        micros(percentile(&mut typed_times, 0.9)),
    );
    println!(
        "| serialize the seed params alone | {} | {:.3} µs | {:.3} µs |",
        serialize_times.len() * 100,
        micros(median(&mut serialize_times)),
        micros(percentile(&mut serialize_times, 0.9)),
    );
    println!(
        "| `validate()` on the seed params (serialize + check) | {} | {:.3} µs | {:.3} µs |",
        validate_times.len() * 100,
        micros(median(&mut validate_times)),
        micros(percentile(&mut validate_times, 0.9)),
    );
    println!(
        "| jsonschema `is_valid` on the same instance | {} | {:.3} µs | {:.3} µs |",
        is_valid_times.len() * 100,
        micros(median(&mut is_valid_times)),
        micros(percentile(&mut is_valid_times, 0.9)),
    );
    println!();
    println!("ratio of medians, typed / rmcp: {ratio:.3} (goal: at most 1.05)");

    let _ = raw.cancel().await;
    drop(typed);
    let _ = stop.send(());
    let _ = tokio::time::timeout(Duration::from_secs(5), serving).await;
}

fn median(times: &mut [Duration]) -> Duration {
    percentile(times, 0.5)
}

fn percentile(times: &mut [Duration], at: f64) -> Duration {
    times.sort_unstable();
    let index = ((times.len() as f64 - 1.0) * at).round() as usize;
    times.get(index).copied().unwrap_or_default()
}

fn micros(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e6
}

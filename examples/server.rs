//! A local MCP server over Streamable HTTP that serves every tool under `schemas/`, validates
//! each call's arguments against the tool's `inputSchema`, and echoes valid arguments back as
//! structured content.
//!
//! ```sh
//! cargo run --example server -- --port 8080
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use toolgen_workspace::echo::EchoServer;

/// Serves the tools under `schemas/` at http://127.0.0.1:PORT/mcp.
#[derive(Debug, Parser)]
struct Args {
    /// The port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// The folder of tool definitions.
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/schemas"))]
    schemas: PathBuf,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let server = match EchoServer::load(&args.schemas) {
        Ok(server) => server,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", args.port)).await {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("error: cannot listen on 127.0.0.1:{}: {err}", args.port);
            return ExitCode::FAILURE;
        }
    };
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(args.port);
    let names: Vec<String> = server.tools().iter().map(|t| t.name.to_string()).collect();
    println!(
        "serving {} at http://127.0.0.1:{port}/mcp",
        names.join(", ")
    );
    println!("press Ctrl-C to stop");
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match server.serve_http(listener, shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

//! `toolgen-echo-server`: the echo server (see `toolgen_workspace::echo`) as a binary.
//!
//! `toolgen-echo-server --stdio [--schemas DIR]` serves MCP over stdin and stdout (the stdio
//! test spawns it); `toolgen-echo-server --port N [--schemas DIR]` serves Streamable HTTP on
//! 127.0.0.1.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use toolgen_workspace::echo::EchoServer;

/// Serves every tool under a schemas folder, echoing valid arguments.
#[derive(Debug, Parser)]
struct Args {
    /// The folder of tool definitions.
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/schemas"))]
    schemas: PathBuf,
    /// Serve over stdin and stdout instead of HTTP.
    #[arg(long, conflicts_with = "port")]
    stdio: bool,
    /// The port on 127.0.0.1 to serve Streamable HTTP on (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    port: u16,
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
    let result = if args.stdio {
        server.serve_stdio().await
    } else {
        serve_http(server, args.port).await
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn serve_http(server: EchoServer, port: u16) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|err| format!("cannot listen on 127.0.0.1:{port}: {err}"))?;
    let addr = listener.local_addr().map_err(|err| err.to_string())?;
    eprintln!("serving MCP at http://{addr}/mcp; Ctrl-C stops");
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    server
        .serve_http(listener, shutdown)
        .await
        .map_err(|err| err.to_string())
}

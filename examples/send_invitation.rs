//! Sends the seed invitation (`user_management.invitations.create`) through the generated
//! client, over Streamable HTTP.
//!
//! ```sh
//! cargo run --example server -- --port 8080     # in another terminal
//! cargo run --example send_invitation -- --url http://127.0.0.1:8080/mcp \
//!     --email a@b.c --locale es-419 --expires-in-days 7
//! ```
//!
//! It prints the result and exits 0; on any error it prints it and exits 1. A bearer token is
//! read from `WORKOS_API_KEY` when that is set.

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use toolgen_sdk::workos;
use toolgen_sdk::workos::user_management::invitations::CreateParams;
use toolgen_sdk::workos::user_management::invitations::create::Locale;

/// Sends one invitation.
#[derive(Debug, Parser)]
struct Args {
    /// The MCP endpoint.
    #[arg(long)]
    url: String,
    /// The recipient.
    #[arg(long)]
    email: String,
    /// The organization the recipient joins, if any.
    #[arg(long)]
    organization_id: Option<String>,
    /// The locale of the email, such as `es-419`.
    #[arg(long)]
    locale: Option<Locale>,
    /// How many days the invitation is valid for.
    #[arg(long)]
    expires_in_days: Option<u64>,
    /// Seconds to wait for each attempt.
    #[arg(long, default_value_t = 10)]
    timeout_secs: u64,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<String, toolgen_sdk::Error> {
    let mut builder =
        workos::Client::connect_http(&args.url).timeout(Duration::from_secs(args.timeout_secs));
    if let Ok(key) = std::env::var("WORKOS_API_KEY") {
        builder = builder.bearer_token(key);
    }
    let client = builder.connect().await?;
    // The required email; the optional arguments are `Option`s already, so they are assigned
    // (a literal value would use a setter: `.locale(Locale::Es419)`). Only the arguments given
    // are sent, and a bad value (`--expires-in-days 0` or 31) is refused before sending.
    let mut params = CreateParams::new(args.email);
    params.organization_id = args.organization_id;
    params.locale = args.locale;
    params.expires_in_days = args.expires_in_days;
    let output = client
        .user_management()
        .invitations()
        .create(params)
        .await?;
    Ok(match &output.structured_content {
        Some(value) => format!("invitation sent: {value}"),
        None => format!("invitation sent: {}", output.text()),
    })
}

//! The client that the official MCP conformance suite drives (`conformance/run.sh`), built on the
//! toolgen-generated SDK of the suite's scenario servers (`tests/conformance/`).
//!
//! The suite starts one scenario server, then runs this program with the server's URL as the
//! last argument, the scenario's name in `MCP_CONFORMANCE_SCENARIO` and, for some scenarios, a
//! JSON object of credentials in `MCP_CONFORMANCE_CONTEXT`. The exit status tells the suite
//! whether the client got through; the suite's own checks judge the rest.

use std::process::ExitCode;

use serde_json::Value;
use toolgen_conformance_sdk::runtime::{
    Elicitation, ElicitationResponse, Error, IdentityProvider, LoopbackPrompt, OAuth,
};
use toolgen_conformance_sdk::{elicitation_defaults, protected, sse_retry, tools_call};

#[tokio::main]
async fn main() -> ExitCode {
    let Some(url) = std::env::args().skip(1).last() else {
        eprintln!("usage: conformance_client <server url>");
        return ExitCode::from(2);
    };
    let scenario = std::env::var("MCP_CONFORMANCE_SCENARIO").unwrap_or_default();
    match run(&scenario, &url).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("scenario `{scenario}`: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run(scenario: &str, url: &str) -> Result<(), Error> {
    match scenario {
        // The handshake alone.
        "initialize" => {
            tools_call::Client::connect_http(url).connect().await?;
        }
        "tools_call" => {
            let client = tools_call::Client::connect_http(url).connect().await?;
            let output = client
                .add_numbers(tools_call::AddNumbersParams::new(5.0, 3.0))
                .await?;
            println!("{}", output.text());
        }
        // The person accepts without filling anything in: the schema's defaults are sent.
        "elicitation-sep1034-client-defaults" => {
            let client = elicitation_defaults::Client::connect_http(url)
                .elicitation(|request: Elicitation| async move {
                    println!("elicitation: {}", request.message);
                    ElicitationResponse::Accept(Default::default())
                })
                .connect()
                .await?;
            // The scenario server sends its elicitation request on the standalone GET stream,
            // which the client opens right after the handshake without waiting; a call made
            // before that stream is open never sees the request (half the runs failed). Let it
            // open first, as for sse-retry below.
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            let output = client.test_client_elicitation_defaults().await?;
            println!("{}", output.text());
        }
        // The server closes the call's event stream; the answer comes after a reconnection.
        "sse-retry" => {
            let client = sse_retry::Client::connect_http(url).connect().await?;
            // The scenario server answers a pending call on whichever GET stream opens next. The
            // client opens its standalone GET stream right after the handshake, without waiting;
            // let it open first, so that the answer comes on the reconnection the scenario
            // measures, not on that stream (which made about one run in four fail).
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            let output = client.test_reconnection().await?;
            println!("{}", output.text());
        }
        // Every authorization scenario ends with a call of the protected server's tool.
        auth if auth.starts_with("auth/") => {
            let client = protected::Client::connect_http(url)
                .oauth(oauth(auth))
                .connect()
                .await?;
            client
                .test_tool(protected::TestToolParams::default())
                .await?;
        }
        other => {
            return Err(Error::UnexpectedResponse {
                message: format!("unknown scenario `{other}`"),
            });
        }
    }
    Ok(())
}

/// The OAuth configuration of an authorization scenario, from the credentials the suite gives in
/// `MCP_CONFORMANCE_CONTEXT`.
fn oauth(scenario: &str) -> OAuth {
    let context: Value = std::env::var("MCP_CONFORMANCE_CONTEXT")
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default();
    let field = |name: &str| {
        context
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    if scenario == "auth/client-credentials-jwt" {
        return OAuth::client_credentials_jwt(
            field("client_id").unwrap_or_default(),
            field("private_key_pem").unwrap_or_default(),
            toolgen_conformance_sdk::runtime::JwtSigningAlgorithm::ES256,
        );
    }
    // Enterprise-managed authorization: the suite plays the enterprise identity provider and
    // gives the person's ID token from it.
    if scenario == "auth/cross-app-access-complete-flow" {
        let idp = IdentityProvider::new(
            field("idp_issuer").unwrap_or_default(),
            field("idp_token_endpoint").unwrap_or_default(),
            field("idp_client_id").unwrap_or_default(),
        );
        return OAuth::cross_app_access(
            idp,
            field("idp_id_token").unwrap_or_default(),
            field("client_id").unwrap_or_default(),
        )
        .client_secret(field("client_secret").unwrap_or_default());
    }
    if scenario.starts_with("auth/client-credentials") {
        return OAuth::client_credentials(
            field("client_id").unwrap_or_default(),
            field("client_secret").unwrap_or_default(),
        );
    }
    // The scenario's authorization server approves at once, redirecting to the loopback
    // listener: an HTTP client that follows redirects stands in for the person's browser.
    let browser = LoopbackPrompt::new().opener(|url| {
        let url = url.to_string();
        tokio::spawn(async move {
            if let Err(err) = reqwest::get(&url).await {
                eprintln!("the stand-in browser failed: {err}");
            }
        });
    });
    let mut oauth = OAuth::authorization_code()
        .prompt(browser)
        .client_metadata_url("https://conformance-test.local/client-metadata.json");
    if let Some(client_id) = field("client_id") {
        oauth = oauth.client_id(client_id);
    }
    if let Some(secret) = field("client_secret") {
        oauth = oauth.client_secret(secret);
    }
    oauth
}

//! Pull: fetches a live MCP server's tools (`tools/list`, every page) through rmcp, and turns
//! them into one schema file per tool. The network side is here; the files are written by
//! [`write::replace_provider`](crate::write::replace_provider), only after every page arrived.

use std::collections::{BTreeMap, HashMap};

use rmcp::ServiceExt;
use rmcp::model::PaginatedRequestParams;
use rmcp::transport::common::client_side_sse::ExponentialBackoff;
use rmcp::transport::{
    ConfigureCommandExt, StreamableHttpClientTransport, TokioChildProcess,
    streamable_http_client::StreamableHttpClientTransportConfig,
};
use serde_json::Value;

/// How often a dropped event stream is reopened before the pull fails.
const RECONNECTS: usize = 2;
/// The longest wait for one page of `tools/list`; a server that never answers fails the pull.
pub const PAGE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// The longest wait for the session to close.
const CLOSE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Where the tools come from.
#[derive(Debug, Clone)]
pub enum Source {
    /// A Streamable HTTP endpoint, with extra request headers (`K: V`).
    Http {
        /// The endpoint URL.
        url: String,
        /// Headers sent with every request.
        headers: Vec<(String, String)>,
    },
    /// A command that speaks MCP over its stdin and stdout, run through the shell-less
    /// whitespace split of `command` (program, then arguments).
    Stdio {
        /// The command line.
        command: String,
    },
}

/// Lists every tool of the server, then replaces the pulled files of `schemas/<provider>/` in
/// one swap. Any failure before the swap leaves `schemas/` exactly as it was.
pub async fn pull(
    source: &Source,
    schemas: &std::path::Path,
    provider: &str,
) -> Result<crate::write::PullReport, String> {
    let tools = list_tools(source).await?;
    let files = files(&tools)?;
    crate::write::replace_provider(schemas, provider, &files)
        .map_err(|err| format!("cannot write {}: {err}", schemas.join(provider).display()))
}

/// Splits `K: V` into a header name and value.
pub fn parse_header(text: &str) -> Result<(String, String), String> {
    match text.split_once(':') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_string(), value.trim().to_string()))
        }
        _ => Err(format!("a header is `Name: value`, not {text:?}")),
    }
}

/// Lists every tool of the server, following `nextCursor` until the last page. Each tool is
/// the JSON the server sent, as rmcp reads it. Any failure, on any page, is an error: there
/// is no partial result.
pub async fn list_tools(source: &Source) -> Result<Vec<Value>, String> {
    match source {
        Source::Http { url, headers } => {
            let mut custom = HashMap::new();
            for (name, value) in headers {
                let name = http::HeaderName::from_bytes(name.as_bytes())
                    .map_err(|err| format!("header {name:?}: {err}"))?;
                let value = http::HeaderValue::from_str(value)
                    .map_err(|err| format!("the value of header {name}: {err}"))?;
                custom.insert(name, value);
            }
            let mut config =
                StreamableHttpClientTransportConfig::with_uri(url.as_str()).custom_headers(custom);
            // rmcp's default reconnects a dropped event stream forever, so a server that dies
            // in the middle of `tools/list` would hang the pull; a pull gives up instead.
            let mut retry = ExponentialBackoff::default();
            retry.max_times = Some(RECONNECTS);
            retry.base_duration = std::time::Duration::from_millis(200);
            retry.max_delay = Some(std::time::Duration::from_secs(2));
            config.retry_config = std::sync::Arc::new(retry);
            let transport = StreamableHttpClientTransport::from_config(config);
            let session = ()
                .serve(transport)
                .await
                .map_err(|err| format!("cannot connect to {url}: {err}"))?;
            let tools = all_pages(&session).await;
            // Closing must not hang on a server that is gone either.
            let _ = tokio::time::timeout(CLOSE_TIMEOUT, session.cancel()).await;
            tools
        }
        Source::Stdio { command } => {
            let mut parts = command.split_whitespace();
            let program = parts.next().ok_or("the --stdio command is empty")?;
            let args: Vec<&str> = parts.collect();
            let child =
                TokioChildProcess::new(tokio::process::Command::new(program).configure(|cmd| {
                    cmd.args(&args);
                }))
                .map_err(|err| format!("cannot start {command:?}: {err}"))?;
            let session = ()
                .serve(child)
                .await
                .map_err(|err| format!("cannot connect to {command:?}: {err}"))?;
            let tools = all_pages(&session).await;
            // Closing must not hang on a server that is gone either.
            let _ = tokio::time::timeout(CLOSE_TIMEOUT, session.cancel()).await;
            tools
        }
    }
}

async fn all_pages(
    session: &rmcp::service::RunningService<rmcp::RoleClient, ()>,
) -> Result<Vec<Value>, String> {
    let mut tools = Vec::new();
    let mut cursor: Option<String> = None;
    let mut seen = std::collections::BTreeSet::new();
    loop {
        let mut params = PaginatedRequestParams::default();
        params.cursor = cursor.clone();
        let page = tokio::time::timeout(PAGE_TIMEOUT, session.list_tools(Some(params)))
            .await
            .map_err(|_| {
                format!(
                    "tools/list failed after {} tools: no answer within {} s",
                    tools.len(),
                    PAGE_TIMEOUT.as_secs()
                )
            })?
            .map_err(|err| format!("tools/list failed after {} tools: {err}", tools.len()))?;
        for tool in page.tools {
            tools.push(serde_json::to_value(&tool).map_err(|err| err.to_string())?);
        }
        match page.next_cursor {
            // A server that hands out a cursor twice would make the loop endless.
            Some(next) if !seen.insert(next.clone()) => {
                return Err(format!("tools/list returned the cursor {next:?} twice"));
            }
            Some(next) => cursor = Some(next),
            None => return Ok(tools),
        }
    }
}

/// The file name of a tool: the name itself when it is safe, otherwise with every byte outside
/// `A-Za-z0-9_-.` (and a leading `.`) percent-encoded, so that no name can escape the provider
/// folder, hide, or clash with another name.
pub fn file_name(tool_name: &str) -> String {
    let mut out = String::new();
    for (i, byte) in tool_name.bytes().enumerate() {
        let safe =
            byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-' || (byte == b'.' && i > 0);
        if safe {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    if out.is_empty() {
        out.push_str("%00empty");
    }
    format!("{out}.json")
}

/// The files of a pull: file name → stable pretty JSON (the server's key order, a final
/// newline). Two tools with one name are an error.
pub fn files(tools: &[Value]) -> Result<BTreeMap<String, String>, String> {
    let mut files = BTreeMap::new();
    for tool in tools {
        let name = tool
            .get("name")
            .and_then(Value::as_str)
            .ok_or("the server listed a tool without a name")?;
        let text = serde_json::to_string_pretty(tool).map_err(|err| err.to_string())? + "\n";
        if files.insert(file_name(name), text).is_some() {
            return Err(format!("the server listed the tool {name:?} twice"));
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_names_are_encoded() {
        for (name, file) in [
            ("user.create", "user.create.json"),
            ("../../x", "%2E.%2F..%2Fx.json"),
            ("a/b", "a%2Fb.json"),
            ("a\\b", "a%5Cb.json"),
            ("nul\0", "nul%00.json"),
            (".hidden", "%2Ehidden.json"),
            ("50%", "50%25.json"),
            ("", "%00empty.json"),
        ] {
            assert_eq!(file_name(name), file, "{name:?}");
        }
    }

    #[test]
    fn headers_parse() {
        assert_eq!(
            parse_header("X-Api-Key: abc: d").expect("a header"),
            ("X-Api-Key".to_string(), "abc: d".to_string())
        );
        assert!(parse_header("nothing").is_err());
    }
}

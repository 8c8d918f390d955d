//! Pull: fetches a live MCP server's tools (`tools/list`, every page) through toolgen-runtime's
//! client, and turns them into one schema file per tool. The network side is here, with how the
//! pull authorizes (static headers, OAuth through a browser, client credentials) and what a
//! failure tells the user; the files are written by
//! [`write::replace_provider`](crate::write::replace_provider), only after every page arrived.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;
pub use toolgen_runtime::{Error, Secret};
use toolgen_runtime::{FileTokenStore, LoopbackPrompt, OAuth, RetryPolicy};

/// The longest wait for one page of `tools/list`; a server that never answers fails the pull.
pub const PAGE_TIMEOUT: Duration = Duration::from_secs(60);

/// The longest wait for the connection and the handshake.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// How often a dropped event stream is reopened before the pull fails.
const RECONNECTS: usize = 2;

/// Where the tools come from.
#[derive(Debug, Clone)]
pub enum Source {
    /// A Streamable HTTP endpoint, with extra request headers (`K: V`) and its authorization.
    Http {
        /// The endpoint URL.
        url: String,
        /// Headers sent with every request; their values are never shown.
        headers: Vec<(String, Secret)>,
        /// How the pull obtains an access token, beyond the headers.
        auth: Auth,
    },
    /// A command that speaks MCP over its stdin and stdout, run through the shell-less
    /// whitespace split of `command` (program, then arguments).
    Stdio {
        /// The command line.
        command: String,
    },
}

/// How a pull from an HTTP server obtains an access token. `Debug` never shows a secret.
#[derive(Debug, Clone, Default)]
pub enum Auth {
    /// None: the headers alone (such as `Authorization: Bearer …`).
    #[default]
    None,
    /// OAuth's authorization code flow (`--oauth`): the person signs in in a browser, which
    /// comes back to a listener on 127.0.0.1; the tokens are kept in `tokens` for the next pull.
    AuthorizationCode {
        /// Who the client is.
        client: ClientIdentity,
        /// The secret of a pre-registered confidential client.
        client_secret: Option<Secret>,
        /// The scopes to ask for; empty: what the server's challenge or metadata names.
        scopes: Vec<String>,
        /// The folder of the token files, one per server ([`token_file`]).
        tokens: PathBuf,
        /// The browser command (`$BROWSER`'s syntax); `None`: the system's opener.
        browser: Option<String>,
    },
    /// OAuth's client credentials grant (`--client-credentials`), for unattended pulls: a
    /// registered client and its secret, no person, no token file.
    ClientCredentials {
        /// The registered client.
        client_id: String,
        /// Its secret, read from the environment.
        client_secret: Secret,
        /// The scopes to ask for.
        scopes: Vec<String>,
    },
}

/// How the client identifies itself to the authorization server in the authorization code flow.
#[derive(Debug, Clone, Default)]
pub enum ClientIdentity {
    /// A client registered beforehand (`--client-id`).
    Registered(String),
    /// The URL of the client's metadata document (`--client-metadata-url`), used as its ID by
    /// authorization servers that support them; others fall back to dynamic registration.
    MetadataUrl(String),
    /// Dynamic client registration (the default).
    #[default]
    Dynamic,
}

/// Why a pull failed. Its `Display` is the message for the user: what went wrong, with the
/// server's own words, and for a refusal how to authenticate.
#[derive(Debug)]
pub enum PullError {
    /// Connecting to the server, authorizing or listing failed: the runtime's error.
    Server {
        /// The server: its URL or command.
        server: String,
        /// How many tools had arrived before the failure.
        listed: usize,
        /// Whether the pull used OAuth (`--oauth` or `--client-credentials`).
        oauth: bool,
        /// What went wrong (boxed, to keep `Result<_, PullError>` small).
        error: Box<Error>,
    },
    /// The server's answers do not make one list of tools (a repeated cursor or tool name).
    Listing {
        /// The server: its URL or command.
        server: String,
        /// What is wrong.
        message: String,
    },
    /// The arguments, the token folder, or writing the provider folder.
    Local(String),
}

impl fmt::Display for PullError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Server {
                server,
                listed,
                oauth,
                error,
            } => {
                let stage = if *listed > 0 {
                    format!("tools/list failed after {listed} tools")
                } else {
                    "cannot pull".to_string()
                };
                match &**error {
                    Error::Unauthorized { status, challenge } => {
                        write!(f, "{stage}: {server} refused the request (HTTP {status})")?;
                        if let Some(challenge) = challenge {
                            write!(f, "; it asks for: {challenge}")?;
                        }
                        let hint = match (*status, *oauth) {
                            (403, _) => {
                                "the token lacks a scope the server requires: pull with `--oauth \
                                 --scope <scope>` (the challenge names the scope), or pass a \
                                 token that has it with `--header 'Authorization: Bearer <token>'`"
                            }
                            (_, true) => {
                                "the server refused the token OAuth obtained; check the client \
                                 and its scopes, or pass a token with `--header 'Authorization: \
                                 Bearer <token>'`"
                            }
                            (_, false) => {
                                "to authenticate, sign in with `--oauth` (a browser opens), use \
                                 `--client-credentials --client-id <id>` with the secret in \
                                 $TOOLGEN_CLIENT_SECRET, or pass a token with `--header \
                                 'Authorization: Bearer <token>'`"
                            }
                        };
                        write!(f, "\n  {hint}")
                    }
                    other => {
                        write!(f, "{stage}: {server}: {other}")?;
                        // The causes, each once (the runtime's messages leave them out).
                        let mut cause = std::error::Error::source(other);
                        while let Some(err) = cause {
                            write!(f, ": {err}")?;
                            cause = err.source();
                        }
                        Ok(())
                    }
                }
            }
            Self::Listing { server, message } => write!(f, "{server}: {message}"),
            Self::Local(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for PullError {}

/// Lists every tool of the server, then replaces the pulled files of `schemas/<provider>/` in
/// one swap. Any failure before the swap leaves `schemas/` exactly as it was.
pub async fn pull(
    source: &Source,
    schemas: &Path,
    provider: &str,
) -> Result<crate::write::PullReport, PullError> {
    let tools = list_tools(source).await?;
    let files = files(&tools).map_err(|message| PullError::Listing {
        server: server_name(source),
        message,
    })?;
    crate::write::replace_provider(schemas, provider, &files).map_err(|err| {
        PullError::Local(format!(
            "cannot write {}: {err}",
            schemas.join(provider).display()
        ))
    })
}

/// Splits `K: V` into a header name and value.
pub fn parse_header(text: &str) -> Result<(String, Secret), String> {
    match text.split_once(':') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_string(), Secret::new(value.trim())))
        }
        // The text may be a token: none of it is shown.
        _ => Err("a --header is `Name: value`, and one has no name or no `:`".to_string()),
    }
}

/// The token file of the server at `url` in `folder`: `<host>-<hash>.json`, the hash of the URL
/// (without its query) telling apart servers of one host.
pub fn token_file(folder: &Path, url: &str) -> PathBuf {
    let without_query = url.split(['?', '#']).next().unwrap_or(url);
    let host = without_query
        .split_once("://")
        .map_or(without_query, |(_, rest)| rest)
        .split(['/', '@'])
        .next()
        .unwrap_or("")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect::<String>();
    // FNV-1a: stable across Rust releases and platforms, unlike `DefaultHasher`.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in without_query.bytes() {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    folder.join(format!("{host}-{hash:016x}.json"))
}

/// The server as messages name it.
fn server_name(source: &Source) -> String {
    match source {
        Source::Http { url, .. } => url.clone(),
        Source::Stdio { command } => format!("`{command}`"),
    }
}

/// Lists every tool of the server, following `nextCursor` until the last page. Each tool is
/// the JSON the server sent, as rmcp reads it. Any failure, on any page, is an error: there
/// is no partial result.
pub async fn list_tools(source: &Source) -> Result<Vec<Value>, PullError> {
    let server = server_name(source);
    let oauth = matches!(source, Source::Http { auth, .. } if !matches!(auth, Auth::None));
    let failed = |listed: usize| {
        let server = server.clone();
        move |error: Error| PullError::Server {
            server,
            listed,
            oauth,
            error: Box::new(error),
        }
    };
    let transport = connect(source).await.map_err(failed(0))?;
    let mut tools = Vec::new();
    let mut cursor: Option<String> = None;
    let mut seen = BTreeSet::new();
    loop {
        let page = tokio::time::timeout(PAGE_TIMEOUT, transport.list_tools_page(cursor.clone()))
            .await
            .unwrap_or(Err(Error::Timeout {
                after: PAGE_TIMEOUT,
            }))
            .map_err(failed(tools.len()))?;
        tools.extend(page.tools);
        match page.next_cursor {
            // A server that hands out a cursor twice would make the loop endless.
            Some(next) if !seen.insert(next.clone()) => {
                return Err(PullError::Listing {
                    server,
                    message: format!("tools/list returned the cursor {next:?} twice"),
                });
            }
            Some(next) => cursor = Some(next),
            None => return Ok(tools),
        }
    }
}

/// Opens the session: one attempt (a pull is run by a person or a CI job, who retry), bounded.
async fn connect(source: &Source) -> Result<toolgen_runtime::RmcpTransport, Error> {
    match source {
        Source::Http { url, headers, auth } => {
            let mut builder = toolgen_runtime::Client::connect_http(url.as_str())
                .timeout(CONNECT_TIMEOUT)
                .retry_policy(RetryPolicy::disabled())
                // A server that dies in the middle of `tools/list` fails the pull at once.
                .max_reconnects(RECONNECTS);
            for (name, value) in headers {
                builder = builder.header(name.as_str(), value.clone());
            }
            if let Some(oauth) = oauth(auth, url)? {
                builder = builder.oauth(oauth);
            }
            builder.connect_transport().await
        }
        Source::Stdio { command } => {
            let mut parts = command.split_whitespace();
            let Some(program) = parts.next() else {
                return Err(Error::Transport(toolgen_runtime::TransportError::new(
                    "the --stdio command is empty",
                )));
            };
            toolgen_runtime::Client::spawn_stdio(program, parts)
                .timeout(CONNECT_TIMEOUT)
                .retry_policy(RetryPolicy::disabled())
                .connect_transport()
                .await
        }
    }
}

/// The runtime's OAuth configuration for `auth`, with the token file of `url`.
fn oauth(auth: &Auth, url: &str) -> Result<Option<OAuth>, Error> {
    Ok(Some(match auth {
        Auth::None => return Ok(None),
        Auth::ClientCredentials {
            client_id,
            client_secret,
            scopes,
        } => OAuth::client_credentials(client_id.as_str(), client_secret.clone())
            .scopes(scopes.iter().cloned()),
        Auth::AuthorizationCode {
            client,
            client_secret,
            scopes,
            tokens,
            browser,
        } => {
            let store = token_store(tokens, url)?;
            let browser = browser.clone();
            let prompt =
                LoopbackPrompt::new().opener(move |url| open_browser(browser.as_deref(), url));
            let mut oauth = OAuth::authorization_code()
                .client_name("toolgen")
                .scopes(scopes.iter().cloned())
                .token_store(store)
                .prompt(prompt);
            oauth = match client {
                ClientIdentity::Registered(id) => oauth.client_id(id.as_str()),
                ClientIdentity::MetadataUrl(url) => oauth.client_metadata_url(url.as_str()),
                ClientIdentity::Dynamic => oauth,
            };
            match client_secret {
                Some(secret) => oauth.client_secret(secret.clone()),
                None => oauth,
            }
        }
    }))
}

/// The token file of `url` in `folder`, the folder made (for its owner only) when missing.
fn token_store(folder: &Path, url: &str) -> Result<FileTokenStore, Error> {
    let made = std::fs::create_dir_all(folder);
    #[cfg(unix)]
    let made = made.and_then(|()| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o700))
    });
    made.map_err(|err| Error::TokenStore {
        store: format!("the token folder {}", folder.display()),
        reason: format!("could not create it: {err}"),
    })?;
    Ok(FileTokenStore::new(token_file(folder, url)))
}

/// Shows the authorization URL, and opens it in the browser: `browser` (a `$BROWSER` value:
/// commands separated by `:`, each with `%s` for the URL or taking it as its last argument),
/// else the system's opener where there is a desktop. The URL is always printed, for a
/// machine without a browser or a browser that does not start.
fn open_browser(browser: Option<&str>, url: &str) {
    eprintln!("To authorize toolgen, open this URL in a browser:\n\n  {url}\n");
    let commands: Vec<String> = match browser {
        Some(list) => list.split(':').map(str::to_string).collect(),
        None => system_opener().into_iter().map(str::to_string).collect(),
    };
    for command in commands {
        let mut words: Vec<String> = command.split_whitespace().map(str::to_string).collect();
        if words.is_empty() {
            continue;
        }
        if words.iter().any(|w| w.contains("%s")) {
            for word in &mut words {
                *word = word.replace("%s", url);
            }
        } else {
            words.push(url.to_string());
        }
        let started = std::process::Command::new(&words[0])
            .args(&words[1..])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .spawn();
        if let Ok(mut child) = started {
            // Reaped in the background, so that no zombie stays while the pull waits.
            std::thread::spawn(move || child.wait());
            return;
        }
    }
}

/// The command that opens a URL in the desktop's browser, when there is a desktop.
fn system_opener() -> Option<&'static str> {
    if cfg!(target_os = "macos") {
        Some("open")
    } else if cfg!(windows) {
        Some("explorer")
    } else if std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some()
    {
        Some("xdg-open")
    } else {
        None
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
        let (name, value) = parse_header("X-Api-Key: abc: d").expect("a header");
        assert_eq!((name.as_str(), value.expose()), ("X-Api-Key", "abc: d"));
        let err = parse_header("Bearer sk-live-123").expect_err("no colon");
        assert!(!err.contains("sk-live"), "{err}");
    }

    #[test]
    fn token_files_tell_servers_apart_and_stay_stable() {
        let folder = Path::new("/t");
        let a = token_file(folder, "https://mcp.example.com/mcp?x=1");
        assert_eq!(a, token_file(folder, "https://mcp.example.com/mcp"));
        assert_ne!(a, token_file(folder, "https://mcp.example.com/other"));
        assert_ne!(
            token_file(folder, "http://127.0.0.1:1/mcp"),
            token_file(folder, "http://127.0.0.1:2/mcp")
        );
        assert_eq!(
            token_file(folder, "http://[::1]:8080/mcp"),
            Path::new("/t/___1__8080-7f9cd2813ba75957.json")
        );
    }
}

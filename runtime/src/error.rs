//! The one error type of the SDK, and the small errors of conversions.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use super::output::ToolOutput;

/// Everything that can go wrong when calling a tool. Match on it to tell the cases apart.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The tool ran and reported an error (`isError: true`).
    Tool {
        /// The tool that failed.
        tool: String,
        /// The error message: the text the tool sent.
        message: String,
        /// Everything the tool sent (boxed, to keep `Result<_, Error>` small).
        output: Box<ToolOutput>,
    },
    /// The server answered with a JSON-RPC error.
    Protocol {
        /// The JSON-RPC error code.
        code: i64,
        /// The error message.
        message: String,
        /// Extra data the server attached.
        data: Option<serde_json::Value>,
    },
    /// The request did not reach the server, the server answered with an HTTP error status, or
    /// its answer did not come back. [`TransportError::kind`] tells which.
    Transport(TransportError),
    /// The server refused the request for want of authorization: HTTP 401 (no credentials, or
    /// credentials it does not accept) or 403 (the token lacks a scope). Nothing was retried.
    Unauthorized {
        /// The HTTP status: 401 or 403.
        status: u16,
        /// The server's `WWW-Authenticate` challenge, when it sent one (such as
        /// `Bearer resource_metadata="https://…/.well-known/oauth-protected-resource"`). It names
        /// where to find the authorization server and, for 403, the scope required.
        challenge: Option<String>,
    },
    /// No answer came within the allowed time (per attempt).
    Timeout {
        /// How long the attempt waited.
        after: Duration,
    },
    /// The arguments break the tool's schema; nothing was sent.
    InvalidArguments {
        /// The tool that was to be called.
        tool: String,
        /// Every problem found, each with its JSON pointer.
        violations: Vec<Violation>,
    },
    /// The result's `structuredContent` breaks the tool's `outputSchema` (checked before it is
    /// parsed, under [`OutputValidation::Strict`](super::OutputValidation::Strict)).
    InvalidOutput {
        /// The tool that was called.
        tool: String,
        /// Every problem found, each with its JSON pointer into `structuredContent`.
        violations: Vec<Violation>,
        /// Everything the tool sent (boxed, to keep `Result<_, Error>` small).
        output: Box<ToolOutput>,
    },
    /// The OAuth token store cannot be used (unreadable, not stored tokens, another client's,
    /// or not writable) and no person can be asked to authorize afresh (client credentials,
    /// cross-app access). With the authorization code flow the client logs a warning instead,
    /// sets the content aside and authorizes again.
    TokenStore {
        /// The store, as it names itself (a file store: `the token file <path>`).
        store: String,
        /// What is wrong with it; never its content.
        reason: String,
    },
    /// The server sent something that does not fit the protocol or the tool's schema.
    UnexpectedResponse {
        /// What did not fit.
        message: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Tool { tool, message, .. } => write!(f, "tool `{tool}` failed: {message}"),
            Self::Protocol { code, message, .. } => {
                write!(f, "protocol error {code}: {message}")
            }
            Self::Transport(err) => write!(f, "transport error: {err}"),
            Self::Unauthorized { status, challenge } => {
                if *status == 403 {
                    f.write_str(
                        "the server refused the request: the access token lacks a scope it \
                         requires (HTTP 403)",
                    )?;
                } else {
                    write!(f, "the server requires authorization (HTTP {status})")?;
                }
                if let Some(challenge) = challenge {
                    write!(f, "; it asks for: {challenge}")?;
                }
                if *status == 403 {
                    f.write_str(
                        "; connect with `.oauth(...)` to request the scope, or use a token that \
                         has it",
                    )
                } else {
                    f.write_str(
                        "; connect with `.oauth(...)` on the client builder to authorize, or pass \
                         an access token with `.bearer_token(...)`",
                    )
                }
            }
            Self::Timeout { after } => write!(f, "no reply within {after:?}"),
            Self::InvalidArguments { tool, violations } => {
                write!(f, "invalid arguments for `{tool}`")?;
                for (i, violation) in violations.iter().enumerate() {
                    let sep = if i == 0 { ": " } else { "; " };
                    write!(f, "{sep}{violation}")?;
                }
                Ok(())
            }
            Self::InvalidOutput {
                tool, violations, ..
            } => {
                write!(f, "the result of `{tool}` breaks its outputSchema")?;
                for (i, violation) in violations.iter().enumerate() {
                    let sep = if i == 0 { ": " } else { "; " };
                    write!(f, "{sep}{violation}")?;
                }
                Ok(())
            }
            Self::TokenStore { store, reason } => write!(
                f,
                "{store} cannot be used: {reason}; repair or remove it, and the client will \
                 authorize afresh"
            ),
            Self::UnexpectedResponse { message } => write!(f, "unexpected response: {message}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            // The message of the `TransportError` is already part of this error's own: the
            // chain goes on with what caused it.
            Self::Transport(err) => std::error::Error::source(err),
            _ => None,
        }
    }
}

impl From<TransportError> for Error {
    fn from(err: TransportError) -> Self {
        Self::Transport(err)
    }
}

/// One way in which arguments break a schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The JSON pointer of the offending value (`""` for the whole arguments object).
    pub pointer: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}: {}", self.pointer, self.message)
    }
}

/// What kind of transport failure a [`TransportError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be made: the request was never sent.
    Connect,
    /// The server answered with an HTTP error status.
    HttpStatus(u16),
    /// The reply was larger than the client accepts.
    ResponseTooLarge,
    /// The connection or the session closed before the reply came.
    Closed,
    /// Any other failure.
    Other,
}

/// A failure to reach the server or to read its answer.
#[derive(Debug)]
pub struct TransportError {
    kind: TransportErrorKind,
    message: String,
    retry_after: Option<Duration>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl TransportError {
    /// A transport failure described by `message`.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            kind: TransportErrorKind::Other,
            message: message.into(),
            retry_after: None,
            source: None,
        }
    }

    /// A transport failure caused by `source`.
    pub fn with_source(
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Self {
            source: Some(Box::new(source)),
            ..Self::new(message)
        }
    }

    /// The same failure, classified as `kind`.
    pub fn kind_of(mut self, kind: TransportErrorKind) -> Self {
        self.kind = kind;
        self
    }

    /// The same failure, with the delay the server asked for before a retry (`Retry-After`).
    pub fn retry_after(mut self, delay: Option<Duration>) -> Self {
        self.retry_after = delay;
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// The HTTP status, when the server answered with an error status.
    pub fn status(&self) -> Option<u16> {
        match self.kind {
            TransportErrorKind::HttpStatus(status) => Some(status),
            _ => None,
        }
    }

    /// The delay the server asked for before a retry (`Retry-After`), if any.
    pub fn retry_after_delay(&self) -> Option<Duration> {
        self.retry_after
    }

    /// Whether the request certainly never reached the server, so that sending it again
    /// cannot repeat its effect.
    pub fn is_before_send(&self) -> bool {
        self.kind == TransportErrorKind::Connect
    }

    /// Whether trying again later may succeed: a connection failure, a closed connection,
    /// HTTP 408, 429 or a 5xx status.
    pub fn is_transient(&self) -> bool {
        match self.kind {
            TransportErrorKind::Connect | TransportErrorKind::Closed => true,
            TransportErrorKind::HttpStatus(status) => {
                status == 408 || status == 429 || (500..=599).contains(&status)
            }
            TransportErrorKind::ResponseTooLarge | TransportErrorKind::Other => false,
        }
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|err| err as &(dyn std::error::Error + 'static))
    }
}

/// A string that is not one of an enum's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseEnumError {
    type_name: &'static str,
    value: String,
    expected: &'static [&'static str],
    closest: Vec<&'static str>,
}

impl ParseEnumError {
    /// `value` is not one of `expected`, the values of `type_name`.
    pub fn new(type_name: &'static str, value: &str, expected: &'static [&'static str]) -> Self {
        Self {
            type_name,
            value: value.to_string(),
            expected,
            closest: Vec::new(),
        }
    }

    /// The same error, naming the supported values closest to the rejected string.
    pub fn with_closest(mut self, closest: Vec<&'static str>) -> Self {
        self.closest = closest;
        self
    }

    /// The supported values closest to the rejected string, nearest first (locale enums only).
    pub fn closest(&self) -> &[&'static str] {
        &self.closest
    }

    /// The rejected string.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The values that would have been accepted.
    pub fn expected(&self) -> &'static [&'static str] {
        self.expected
    }
}

impl fmt::Display for ParseEnumError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOWN: usize = 12;
        write!(f, "{:?} is not a valid {}", self.value, self.type_name)?;
        if !self.closest.is_empty() {
            f.write_str("; the closest supported values are ")?;
            for (i, value) in self.closest.iter().enumerate() {
                let sep = if i == 0 { "" } else { ", " };
                write!(f, "{sep}{value:?}")?;
            }
            return write!(f, " (of {})", self.expected.len());
        }
        f.write_str("; expected one of ")?;
        for (i, value) in self.expected.iter().take(SHOWN).enumerate() {
            let sep = if i == 0 { "" } else { ", " };
            write!(f, "{sep}{value:?}")?;
        }
        if self.expected.len() > SHOWN {
            write!(f, " and {} more", self.expected.len() - SHOWN)?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseEnumError {}

/// A value that a generated type's `TryFrom` or `FromStr` rejected.
pub struct ConversionError(Cow<'static, str>);

impl fmt::Display for ConversionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for ConversionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl std::error::Error for ConversionError {}

impl From<&'static str> for ConversionError {
    fn from(value: &'static str) -> Self {
        Self(value.into())
    }
}

impl From<String> for ConversionError {
    fn from(value: String) -> Self {
        Self(value.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The chain as `anyhow` prints it with `{:#}`: each error's message, joined by ": ".
    fn chain(err: &(dyn std::error::Error + 'static)) -> Vec<String> {
        let mut parts = vec![err.to_string()];
        let mut next = err.source();
        while let Some(cause) = next {
            parts.push(cause.to_string());
            next = cause.source();
        }
        parts
    }

    #[test]
    fn every_variant_says_each_part_of_its_chain_once() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file `mcp-server`");
        let violation = || Violation {
            pointer: "/name".to_string(),
            message: "is not a string".to_string(),
        };
        let variants = [
            Error::Tool {
                tool: "search".to_string(),
                message: "quota exceeded".to_string(),
                output: Box::default(),
            },
            Error::Protocol {
                code: -32601,
                message: "method not found".to_string(),
                data: None,
            },
            Error::Transport(
                TransportError::new("the server answered HTTP 500")
                    .kind_of(TransportErrorKind::HttpStatus(500)),
            ),
            Error::Transport(TransportError::with_source(
                "could not start `mcp-server`",
                io,
            )),
            Error::Unauthorized {
                status: 401,
                challenge: Some("Bearer scope=\"files:read\"".to_string()),
            },
            Error::Timeout {
                after: Duration::from_secs(30),
            },
            Error::InvalidArguments {
                tool: "search".to_string(),
                violations: vec![violation()],
            },
            Error::InvalidOutput {
                tool: "search".to_string(),
                violations: vec![violation()],
                output: Box::default(),
            },
            Error::TokenStore {
                store: "the token file /tmp/tokens.json".to_string(),
                reason: "it is not valid JSON (EOF while parsing at line 1 column 9)".to_string(),
            },
            Error::UnexpectedResponse {
                message: "the reply is not valid JSON-RPC".to_string(),
            },
        ];
        let mut with_cause = 0;
        for err in &variants {
            let parts = chain(err);
            with_cause += usize::from(parts.len() > 1);
            for (i, part) in parts.iter().enumerate() {
                for later in &parts[i + 1..] {
                    assert!(
                        !part.contains(later.as_str()),
                        "`{later}` is said twice in `{}`",
                        parts.join(": ")
                    );
                }
            }
        }
        // The check saw a chain longer than one part.
        assert_eq!(with_cause, 1);
        assert_eq!(
            chain(&variants[3]).join(": "),
            "transport error: could not start `mcp-server`: no such file `mcp-server`"
        );
    }
}

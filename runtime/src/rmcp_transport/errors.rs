//! rmcp's errors mapped onto [`Error`]: here and nowhere else, so that no rmcp type name
//! reaches a message, and a 401/403 becomes [`Error::Unauthorized`] with the server's challenge.

use std::time::Duration;

use ::rmcp::service::ServiceError;
use ::rmcp::transport::streamable_http_client::{
    AuthRequiredError, HttpStatusError, InsufficientScopeError, StreamableHttpError,
};

use super::super::error::{Error, TransportError, TransportErrorKind};
use super::super::retry::parse_retry_after;

/// Maps an rmcp request error onto [`Error`].
pub(super) fn service_error(err: ServiceError) -> Error {
    match err {
        ServiceError::McpError(data) => Error::Protocol {
            code: i64::from(data.code.0),
            message: data.message.into_owned(),
            data: data.data,
        },
        ServiceError::Timeout { timeout } => Error::Timeout { after: timeout },
        ServiceError::UnexpectedResponse => Error::UnexpectedResponse {
            message: "the server answered `tools/call` with another kind of result".to_string(),
        },
        ServiceError::TransportClosed => Error::Transport(
            TransportError::new("the MCP session is closed").kind_of(TransportErrorKind::Closed),
        ),
        ServiceError::TransportSend(err) => chain_error(&*err.error, err.error.to_string()),
        other => Error::Transport(TransportError::new(other.to_string())),
    }
}

/// Classifies a transport failure by walking its chain of sources.
fn chain_error(err: &(dyn std::error::Error + 'static), message: String) -> Error {
    let mut next = Some(err);
    while let Some(current) = next {
        if let Some(auth) = current.downcast_ref::<AuthRequiredError>() {
            return unauthorized(401, &auth.www_authenticate_header);
        }
        if let Some(scope) = current.downcast_ref::<InsufficientScopeError>() {
            return unauthorized(403, &scope.www_authenticate_header);
        }
        if let Some(status) = current.downcast_ref::<HttpStatusError>() {
            return http_status(status);
        }
        if let Some(http) = current.downcast_ref::<StreamableHttpError<::reqwest::Error>>() {
            match http {
                StreamableHttpError::ResponseBodyTooLarge { max_size } => {
                    return Error::Transport(
                        TransportError::new(format!(
                            "the reply is larger than the limit of {max_size} bytes"
                        ))
                        .kind_of(TransportErrorKind::ResponseTooLarge),
                    );
                }
                StreamableHttpError::UnexpectedServerResponse(text) => {
                    return Error::UnexpectedResponse {
                        message: text.to_string(),
                    };
                }
                StreamableHttpError::Deserialize(err) => {
                    return Error::UnexpectedResponse {
                        message: format!("the reply is not valid JSON-RPC: {err}"),
                    };
                }
                StreamableHttpError::UnexpectedContentType(kind) => {
                    return Error::UnexpectedResponse {
                        message: format!("the reply has the content type {kind:?}"),
                    };
                }
                // `transparent` hides the status from the chain of sources; look at it here.
                StreamableHttpError::HttpStatus(status) => return http_status(status),
                // rmcp does not expose the HTTP client's error as a source; look at it here.
                StreamableHttpError::Client(inner) => return chain_error(inner, message),
                StreamableHttpError::AuthRequired(auth) => {
                    return unauthorized(401, &auth.www_authenticate_header);
                }
                StreamableHttpError::InsufficientScope(scope) => {
                    return unauthorized(403, &scope.www_authenticate_header);
                }
                StreamableHttpError::TransportChannelClosed => {
                    return Error::Transport(
                        TransportError::new(message).kind_of(TransportErrorKind::Closed),
                    );
                }
                _ => {}
            }
        }
        if let Some(http) = current.downcast_ref::<::reqwest::Error>() {
            if http.is_connect() {
                // reqwest's own message names only the URL; the innermost cause says why
                // (connection refused, a name that does not resolve, a certificate refused).
                let mut cause: &(dyn std::error::Error + 'static) = http;
                while let Some(next) = cause.source() {
                    cause = next;
                }
                let why = if std::ptr::addr_eq(cause, http) {
                    String::new()
                } else {
                    format!(": {cause}")
                };
                return Error::Transport(
                    TransportError::new(format!("could not connect: {http}{why}"))
                        .kind_of(TransportErrorKind::Connect),
                );
            }
            if http.is_timeout() {
                return Error::Timeout {
                    after: Duration::ZERO,
                };
            }
        }
        if let Some(io) = current.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind;
            let kind = match io.kind() {
                ErrorKind::ConnectionRefused
                | ErrorKind::NotFound
                | ErrorKind::AddrNotAvailable => TransportErrorKind::Connect,
                ErrorKind::BrokenPipe
                | ErrorKind::ConnectionReset
                | ErrorKind::ConnectionAborted
                | ErrorKind::UnexpectedEof => TransportErrorKind::Closed,
                _ => TransportErrorKind::Other,
            };
            return Error::Transport(TransportError::new(message).kind_of(kind));
        }
        next = current.source();
    }
    Error::Transport(TransportError::new(message))
}

fn unauthorized(status: u16, challenge: &str) -> Error {
    Error::Unauthorized {
        status,
        challenge: Some(challenge.trim().to_string()).filter(|c| !c.is_empty()),
    }
}

fn http_status(status: &HttpStatusError) -> Error {
    if status.status == 401 || status.status == 403 {
        return Error::Unauthorized {
            status: status.status,
            challenge: None,
        };
    }
    let delay = status.retry_after.as_deref().and_then(parse_retry_after);
    Error::Transport(
        TransportError::new(format!("the server answered HTTP {}", status.status))
            .kind_of(TransportErrorKind::HttpStatus(status.status))
            .retry_after(delay),
    )
}

/// Maps a failed `initialize` handshake onto [`Error`].
pub(super) fn initialize_error(err: ::rmcp::service::ClientInitializeError) -> Error {
    use ::rmcp::service::ClientInitializeError as Init;
    match err {
        Init::JsonRpcError(data) => Error::Protocol {
            code: i64::from(data.code.0),
            message: data.message.into_owned(),
            data: data.data,
        },
        Init::TransportError { error, context } => {
            // `error`'s own message names rmcp's internal transport types; its cause does not.
            let message = format!("the MCP handshake failed ({context}): {}", error.error);
            match chain_error(&*error.error, message.clone()) {
                Error::Transport(inner) if inner.kind() == TransportErrorKind::Other => {
                    Error::Transport(TransportError::new(message))
                }
                other => other,
            }
        }
        Init::ConnectionClosed(context) => Error::Transport(
            TransportError::new(format!(
                "the server closed the session during the handshake ({context})"
            ))
            .kind_of(TransportErrorKind::Closed),
        ),
        other => Error::UnexpectedResponse {
            message: format!("the MCP handshake failed: {other}"),
        },
    }
}

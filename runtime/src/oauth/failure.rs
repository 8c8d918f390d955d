//! How an authorization failure reads: one [`Error`] for every step of every grant.

use ::rmcp::transport::auth::AuthError;

use super::super::error::{Error, TransportError};

pub(super) fn authorization_failed(message: String) -> Error {
    Error::Transport(TransportError::new(format!(
        "authorizing with the server failed: {message}"
    )))
}

pub(super) fn auth_error(err: AuthError) -> Error {
    authorization_failed(err.to_string())
}

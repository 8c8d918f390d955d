//! Opening an rmcp session: the `initialize` handshake (or `server/discover`), bounded by the
//! settings' timeout and retried by their policy.

use ::rmcp::service::{RoleClient, RunningService};

use super::super::error::Error;
use super::super::session::Session;
use super::errors::initialize_error;
use super::options::Settings;

/// Runs the `initialize` handshake with the settings' timeout, retrying connection failures.
pub(super) async fn with_retries<F, Fut>(
    settings: &Settings,
    mut attempt_once: F,
) -> Result<RunningService<RoleClient, Session>, Error>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<
            Output = Result<
                RunningService<RoleClient, Session>,
                ::rmcp::service::ClientInitializeError,
            >,
        >,
{
    let mut attempt = 0;
    loop {
        attempt += 1;
        let err = match tokio::time::timeout(settings.timeout, attempt_once()).await {
            Ok(Ok(service)) => return Ok(service),
            Ok(Err(err)) => initialize_error(err),
            Err(_) => Error::Timeout {
                after: settings.timeout,
            },
        };
        // The handshake has no effect on the server, so it is safe to repeat.
        match settings.retry.delay_after(&err, attempt, true) {
            Some(delay) => {
                tracing::debug!(attempt, error = %err, "retrying the MCP handshake");
                tokio::time::sleep(delay).await;
            }
            None => return Err(err),
        }
    }
}

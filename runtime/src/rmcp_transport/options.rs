//! The options both builders share ([`Settings`]: timeout, retries, argument logging, protocol
//! version, elicitation), their setters written once (`settings_setters!`), and how they shape
//! a new session and its [`Client`]. A new option for both transports goes here; one for a
//! single transport goes on its builder (`http.rs`, `stdio.rs`).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use ::rmcp::model::ProtocolVersion;
use ::rmcp::service::ClientLifecycleMode;

use super::super::client::{Client, DEFAULT_TIMEOUT};
use super::super::retry::RetryPolicy;
use super::super::session::{ElicitationHandler, Session};
use super::calls::RmcpTransport;

/// Settings shared by both builders.
#[derive(Debug, Clone)]
pub(super) struct Settings {
    pub(super) timeout: Duration,
    pub(super) retry: RetryPolicy,
    pub(super) log_arguments: bool,
    pub(super) protocol_version: ProtocolVersion,
    pub(super) elicitation: Option<Arc<dyn ElicitationHandler>>,
}

impl fmt::Debug for dyn ElicitationHandler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ElicitationHandler")
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            timeout: DEFAULT_TIMEOUT,
            retry: RetryPolicy::default(),
            log_arguments: false,
            protocol_version: DEFAULT_PROTOCOL_VERSION,
            elicitation: None,
        }
    }
}

/// The protocol version a client offers unless told otherwise: the newest one with an
/// `initialize` handshake, which servers on 2025-06-18 and later answer (a server on an older
/// version answers with its own, which the session then speaks).
pub const DEFAULT_PROTOCOL_VERSION: ProtocolVersion = ProtocolVersion::LATEST_WITH_INITIALIZE;

impl Settings {
    /// The handler of a new session.
    pub(super) fn session(&self) -> Session {
        Session::new(self.protocol_version.clone(), self.elicitation.clone())
    }

    /// How a new session starts: the `initialize` handshake, or `server/discover` for a version
    /// without one.
    pub(super) fn lifecycle(&self) -> ClientLifecycleMode {
        if self.protocol_version.has_initialize() {
            ClientLifecycleMode::Initialize
        } else {
            ClientLifecycleMode::Discover {
                preferred_versions: vec![self.protocol_version.clone()],
            }
        }
    }

    pub(super) fn client<C: From<Client>>(&self, transport: RmcpTransport) -> C {
        C::from(
            Client::new(transport)
                .with_timeout(self.timeout)
                .with_retry_policy(self.retry.clone())
                .with_argument_logging(self.log_arguments),
        )
    }
}

/// The setters of the [`Settings`] of a builder (a struct with a `settings` field), written
/// once for both builders: `$opens` names how the builder opens its session, `$retried` what
/// its retry policy covers.
macro_rules! settings_setters {
    (opens: $opens:literal, retried: $retried:literal) => {
        #[doc = ::core::concat!(
                    "The timeout of each attempt of a call, and of ", $opens, " (default 30 s)."
                )]
        pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.settings.timeout = timeout;
            self
        }

        #[doc = ::core::concat!("The retry policy of ", $retried, ".")]
        pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
            self.settings.retry = policy;
            self
        }

        /// Logs each call's argument values in a `debug` event (off by default).
        pub fn argument_logging(mut self, enabled: bool) -> Self {
            self.settings.log_arguments = enabled;
            self
        }

        /// The MCP protocol version offered (default
        /// [`DEFAULT_PROTOCOL_VERSION`](super::options::DEFAULT_PROTOCOL_VERSION), 2025-11-25).
        /// A version without the `initialize` handshake (2026-07-28 and later) opens the session
        /// with `server/discover` instead, and fails with a server that does not speak it.
        pub fn protocol_version(mut self, version: ::rmcp::model::ProtocolVersion) -> Self {
            self.settings.protocol_version = version;
            self
        }

        /// Answers the server's elicitation requests (input asked of the person during a call)
        /// with `handler`, and declares the elicitation capability. Without one, the client does
        /// not declare it.
        pub fn elicitation(mut self, handler: impl ElicitationHandler) -> Self {
            self.settings.elicitation = Some(::std::sync::Arc::new(handler));
            self
        }
    };
}
pub(super) use settings_setters;

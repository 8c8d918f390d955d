//! The hand-written runtime that every generated method calls into: the [`Client`], the
//! [`Transport`] it sends tool calls through, retries, results and errors.
//!
//! This module is the same for every provider and every schema; the generated code only adds
//! typed parameters and namespaced methods on top of it. With the `transport-rmcp` feature (on
//! by default), [`Client::connect_http`] and [`Client::spawn_stdio`] reach real MCP servers
//! through rmcp. Generated input types check their schema with [`Validator`] before a
//! call is sent; locale enums get their lookups from [`locale`]; generated types read and write
//! their JSON through [`wire`].

mod client;
mod enums;
mod error;
pub mod locale;
mod memory;
pub mod nullable;
#[cfg(feature = "transport-rmcp")]
mod oauth;
mod output;
mod retry;
#[cfg(feature = "transport-rmcp")]
mod rmcp_transport;
#[cfg(feature = "transport-rmcp")]
mod secret;
#[cfg(feature = "server")]
pub mod server;
#[cfg(feature = "transport-rmcp")]
mod session;
mod transport;
mod validate;
pub mod wire;

pub use self::client::{Call, Client, DEFAULT_TIMEOUT, OutputSchema, OutputValidation};
pub use self::error::{
    ConversionError, Error, ParseEnumError, TransportError, TransportErrorKind, Violation,
};
pub use self::memory::MemoryTransport;
#[cfg(feature = "transport-rmcp")]
pub use self::oauth::{
    AuthorizationPrompt, FileTokenStore, IdentityProvider, LoopbackPrompt, MemoryTokenStore, OAuth,
    StoredTokens, TokenStore, TokenStoreLock,
};
pub use self::output::{Content, ToolOutput};
pub use self::retry::{RetryPolicy, ToolInfo, parse_retry_after};
#[cfg(feature = "transport-rmcp")]
pub use self::rmcp_transport::{
    DEFAULT_PROTOCOL_VERSION, HttpBuilder, RmcpTransport, StdioBuilder, ToolsPage,
};
#[cfg(feature = "transport-rmcp")]
pub use self::secret::Secret;
#[cfg(feature = "transport-rmcp")]
pub use self::session::{Elicitation, ElicitationHandler, ElicitationResponse};
pub use self::transport::{BoxFuture, Progress, ProgressFn, ToolCall, ToolResult, Transport};
pub use self::validate::Validator;
/// MCP protocol versions, for [`HttpBuilder::protocol_version`] (rmcp's type).
#[cfg(feature = "transport-rmcp")]
pub use ::rmcp::model::ProtocolVersion;
/// The signing algorithms of [`OAuth::client_credentials_jwt`] (rmcp's type).
#[cfg(feature = "oauth-jwt")]
pub use ::rmcp::transport::auth::JwtSigningAlgorithm;

// The crates generated code needs, re-exported so that an SDK (a generated crate, or code a
// build script writes into an application) depends on this crate alone: generated code names
// them as `::toolgen_runtime::serde`, `::toolgen_runtime::serde_json`, and so on.
#[cfg(feature = "chrono")]
pub use chrono;
#[cfg(feature = "icu")]
pub use icu_locale_core;
pub use serde;
pub use serde_json;
#[cfg(feature = "uuid")]
pub use uuid;

/// The runtime's root, as the macros that generated code calls (`string_enum!`, `locale_enum!`,
/// `wire_struct!`) name it: `$crate::__toolgen::X` is this crate's `X` here, and in a crate that vendors the
/// runtime as its `runtime` module, that crate's `lib.rs` re-exports the module under this name.
#[doc(hidden)]
pub use crate as __toolgen;

/// The macros generated code writes its string enums and struct serde impls with, by a path that
/// works both from this crate and from a crate that vendors the runtime as its `runtime` module.
#[doc(hidden)]
pub mod macros {
    pub use crate::{locale_enum, string_enum, wire_struct};
}

/// Includes the SDK that `toolgen::Builder` wrote into `OUT_DIR` for one provider (its module
/// name, such as `"workos"`): a `pub mod workos { ... }` in the module where the macro stands.
///
/// ```ignore
/// mod sdk {
///     toolgen_runtime::include_sdk!("workos");
/// }
/// let client = sdk::workos::Client::connect_http(url).connect().await?;
/// ```
#[macro_export]
macro_rules! include_sdk {
    ($provider:literal) => {
        ::core::include!(::core::concat!(
            ::core::env!("OUT_DIR"),
            "/toolgen/",
            $provider,
            ".rs"
        ));
    };
}

/// Keeps the items given when this runtime has its `transport-rmcp` feature, and drops them
/// otherwise: code that a build script generates into an application gates its rmcp
/// constructors on the runtime's feature, since the application has no such feature.
#[cfg(feature = "transport-rmcp")]
#[doc(hidden)]
#[macro_export]
macro_rules! __toolgen_if_transport_rmcp {
    ($($item:tt)*) => { $($item)* };
}
#[cfg(not(feature = "transport-rmcp"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __toolgen_if_transport_rmcp {
    ($($item:tt)*) => {};
}

/// Keeps the items given when this runtime has its `server` feature (a provider's `Server`
/// trait and its table).
#[cfg(feature = "server")]
#[doc(hidden)]
#[macro_export]
macro_rules! __toolgen_if_server {
    ($($item:tt)*) => { $($item)* };
}
#[cfg(not(feature = "server"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __toolgen_if_server {
    ($($item:tt)*) => {};
}

/// Keeps the items given when this runtime has its `icu` feature (locale enum conversions).
#[cfg(feature = "icu")]
#[doc(hidden)]
#[macro_export]
macro_rules! __toolgen_if_icu {
    ($($item:tt)*) => { $($item)* };
}
#[cfg(not(feature = "icu"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __toolgen_if_icu {
    ($($item:tt)*) => {};
}

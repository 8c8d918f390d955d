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
mod error;
pub mod locale;
mod memory;
pub mod nullable;
mod output;
mod retry;
#[cfg(feature = "transport-rmcp")]
mod rmcp_transport;
mod transport;
mod validate;
pub mod wire;

pub use self::client::{Call, Client, DEFAULT_TIMEOUT, OutputSchema, OutputValidation};
pub use self::error::{
    ConversionError, Error, ParseEnumError, TransportError, TransportErrorKind, Violation,
};
pub use self::memory::MemoryTransport;
pub use self::output::{Content, ToolOutput};
pub use self::retry::{RetryPolicy, ToolInfo, parse_retry_after};
#[cfg(feature = "transport-rmcp")]
pub use self::rmcp_transport::{HttpBuilder, RmcpTransport, Secret, StdioBuilder};
pub use self::transport::{BoxFuture, ToolCall, ToolResult, Transport};
pub use self::validate::Validator;

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
/// otherwise: generated code gates its rmcp constructors on the runtime's feature, not on a
/// feature of the crate it is included in.
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
#[doc(hidden)]
pub use crate::__toolgen_if_transport_rmcp as if_transport_rmcp;

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
#[doc(hidden)]
pub use crate::__toolgen_if_icu as if_icu;

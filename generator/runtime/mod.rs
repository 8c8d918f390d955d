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
mod uri;
mod validate;
pub mod wire;

pub use self::client::{Call, Client, DEFAULT_TIMEOUT};
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

//! The hand-written runtime that every generated method calls into: the [`Client`], the
//! [`Transport`] it sends tool calls through, the results and the errors.
//!
//! This module is the same for every provider and every schema; the generated code only adds
//! typed parameters and namespaced methods on top of it, and the data of its locale enums
//! for [`locale`].

mod client;
mod error;
pub mod locale;
mod memory;
mod output;
mod transport;
mod validate;

pub use self::client::Client;
pub use self::error::{ConversionError, Error, ParseEnumError, TransportError, Violation};
pub use self::memory::MemoryTransport;
pub use self::output::{Content, ToolOutput};
pub use self::transport::{BoxFuture, ToolCall, ToolResult, Transport};
pub use self::validate::Validator;

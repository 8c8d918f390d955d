//! The serving side (feature `server`): what a generated provider's `Server` trait is served
//! through. Generated code implements [`Tools`] (the tool table and the dispatch to the trait's
//! methods); [`Server`] turns it into an rmcp `ServerHandler` that lists the definitions as
//! written, validates arguments before a method runs and checks results after it.
//!
//! - `error`: [`ToolError`], what a method returns to fail a call with text the model reads;
//! - `context`: [`Context`], the per-call handle (cancellation, progress, log messages);
//! - `table`: [`Tools`], [`ToolDefinition`] and [`Reply`], the contract with generated code;
//! - `handler`: [`Server`], the `ServerHandler`;
//! - `serve`: Streamable HTTP (an axum `Router`) and stdio;
//! - `mock`: [`Mock`], expectations and recorded calls for application tests, in-process.

mod context;
mod error;
mod handler;
mod mock;
mod serve;
mod table;

pub use self::context::Context;
#[allow(deprecated)]
pub use self::context::LoggingLevel;
pub use self::error::ToolError;
pub use self::handler::Server;
pub use self::mock::Mock;
pub use self::serve::StreamableHttpServerConfig;
pub use self::table::{Reply, ToolDefinition, Tools, arguments};

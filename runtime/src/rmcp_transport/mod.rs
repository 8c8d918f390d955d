//! Real MCP transports over rmcp, the official MCP Rust SDK: Streamable HTTP
//! ([`Client::connect_http`](super::Client::connect_http)) and a child process over stdio
//! ([`Client::spawn_stdio`](super::Client::spawn_stdio)).
//!
//! Both open the session once, when connecting (the `initialize` handshake, or `server/discover`
//! for a pinned protocol version that has no handshake), then send every call over it. A call
//! carries a progress token, and a call dropped before its answer is cancelled on the server
//! (`notifications/cancelled`).
//!
//! - `options.rs`: the options both builders share, with their setters; a new option for both
//!   transports goes there.
//! - `http.rs`, `stdio.rs`: each builder, its own options, and connecting.
//! - `handshake.rs`: opening a session, with the timeout and retries.
//! - `calls.rs`: [`RmcpTransport`], tool calls over an open session, and `tools/list` one page
//!   at a time.
//! - `errors.rs`: rmcp's errors mapped onto [`Error`](super::Error), here and nowhere else.

mod calls;
mod errors;
mod handshake;
mod http;
mod options;
mod stdio;

pub use self::calls::{RmcpTransport, ToolsPage};
pub use self::http::HttpBuilder;
pub use self::options::DEFAULT_PROTOCOL_VERSION;
pub use self::stdio::StdioBuilder;

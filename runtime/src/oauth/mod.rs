//! OAuth 2.1 for [`HttpBuilder::oauth`](super::HttpBuilder::oauth), as the MCP authorization
//! specification asks, on rmcp's `auth` module (which uses the `oauth2` crate).
//!
//! rmcp does the protocol: discovery from the 401's `WWW-Authenticate` challenge (RFC 9728
//! protected resource metadata at both well-known forms, RFC 8414 and OpenID metadata with their
//! fallbacks), client identity (a pre-registered client, a Client ID Metadata Document, or
//! Dynamic Client Registration), the authorization code flow with PKCE S256 and `resource`
//! (RFC 8707), the token endpoint's client authentication, scope selection, refresh tokens and
//! the client credentials grant, and (its `enterprise` module) the two exchanges of
//! enterprise-managed authorization. This module chooses the flow, sends the person to the
//! authorization URL through an [`AuthorizationPrompt`], and keeps the tokens in a
//! [`TokenStore`].
//!
//! - `config.rs`: [`OAuth`] and [`IdentityProvider`], what the application sets; a new option
//!   goes there.
//! - `flows.rs`: the grants, run after the server refuses a request.
//! - `session_auth.rs`: the state of one connected session, and when to authorize again.
//! - `prompt.rs`: [`AuthorizationPrompt`] and [`LoopbackPrompt`].
//! - `store.rs`: [`TokenStore`], [`StoredTokens`], [`MemoryTokenStore`]; `file_store.rs`:
//!   [`FileTokenStore`]; `store_adapter.rs`: a store as rmcp's credential store, which sets
//!   unusable content aside and keeps what the store cannot.
//! - `failure.rs`: how an authorization failure reads.

mod config;
mod failure;
mod file_store;
mod flows;
mod prompt;
mod session_auth;
mod store;
mod store_adapter;

pub use self::config::{IdentityProvider, OAuth};
pub use self::file_store::FileTokenStore;
pub use self::prompt::{AuthorizationPrompt, LoopbackPrompt};
pub(crate) use self::session_auth::{SessionAuth, Tries};
pub use self::store::{MemoryTokenStore, StoredTokens, TokenStore, TokenStoreLock};

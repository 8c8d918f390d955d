//! Where tokens are kept between sessions: [`TokenStore`], what it holds ([`StoredTokens`]),
//! [`MemoryTokenStore`]; `store_adapter.rs` makes any of them rmcp's credential store.

use std::fmt;
use std::sync::{Arc, Mutex};

use serde_json::Value;

use super::super::error::Error;
use super::super::transport::BoxFuture;

/// What a [`TokenStore`] keeps: the client ID, the tokens and their scopes, as JSON. `Debug`
/// shows none of it.
#[derive(Clone, PartialEq)]
pub struct StoredTokens(pub(super) Value);

impl StoredTokens {
    /// The stored JSON, to write somewhere. It holds secrets.
    pub fn expose(&self) -> &Value {
        &self.0
    }

    /// Tokens read back from what [`expose`](Self::expose) gave.
    pub fn from_json(value: Value) -> Self {
        Self(value)
    }
}

impl fmt::Debug for StoredTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StoredTokens(***)")
    }
}

/// Keeps a client's tokens between sessions. [`MemoryTokenStore`] and [`FileTokenStore`](super::FileTokenStore) are
/// two; implement it for a keychain or a database.
pub trait TokenStore: Send + Sync + 'static {
    /// The stored tokens, if any.
    fn load(&self) -> BoxFuture<'_, Result<Option<StoredTokens>, Error>>;
    /// Replaces the stored tokens.
    fn save(&self, tokens: StoredTokens) -> BoxFuture<'_, Result<(), Error>>;
    /// Forgets the stored tokens.
    fn clear(&self) -> BoxFuture<'_, Result<(), Error>>;

    /// Names the store in warnings and errors, without any secret (a file store: its path).
    fn name(&self) -> String {
        "the token store".to_string()
    }

    /// Moves content that cannot be used (unreadable, not stored tokens, another client's) out
    /// of the way, so that the next save does not destroy it, and says where it went. The
    /// default keeps no copy (`None`): the client then reads the store as empty and keeps new
    /// tokens for the session only, leaving the content as it is.
    fn set_aside(&self) -> BoxFuture<'_, Result<Option<String>, Error>> {
        Box::pin(async { Ok(None) })
    }

    /// Holds off every other user of the same tokens (another client, another process) while
    /// one refreshes a token and saves it, until the returned lock is dropped; `None` when the
    /// store needs no such coordination (the default).
    fn lock(&self) -> BoxFuture<'_, Result<Option<TokenStoreLock>, Error>> {
        Box::pin(async { Ok(None) })
    }
}

/// What [`TokenStore::lock`] returns: the store stays locked until it is dropped.
pub struct TokenStoreLock(#[allow(dead_code, reason = "held for its `Drop`")] Box<dyn Send>);

impl TokenStoreLock {
    /// A lock that lasts as long as `guard`.
    pub fn new(guard: impl Send + 'static) -> Self {
        Self(Box::new(guard))
    }
}

impl fmt::Debug for TokenStoreLock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenStoreLock")
    }
}

/// Tokens kept in memory: they last as long as the store (clones share it).
#[derive(Debug, Clone, Default)]
pub struct MemoryTokenStore(Arc<Mutex<Option<StoredTokens>>>);

impl TokenStore for MemoryTokenStore {
    fn load(&self) -> BoxFuture<'_, Result<Option<StoredTokens>, Error>> {
        let tokens = self.0.lock().unwrap_or_else(|e| e.into_inner()).clone();
        Box::pin(async move { Ok(tokens) })
    }

    fn save(&self, tokens: StoredTokens) -> BoxFuture<'_, Result<(), Error>> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(tokens);
        Box::pin(async { Ok(()) })
    }

    fn clear(&self) -> BoxFuture<'_, Result<(), Error>> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = None;
        Box::pin(async { Ok(()) })
    }

    fn name(&self) -> String {
        "the in-memory token store".to_string()
    }
}

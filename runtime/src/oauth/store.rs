//! Where tokens are kept between sessions: [`TokenStore`], what it holds ([`StoredTokens`]),
//! [`MemoryTokenStore`], and the adapter that makes any store rmcp's credential store.

use std::fmt;
use std::sync::{Arc, Mutex};

use ::rmcp::transport::auth::{AuthError, CredentialStore, StoredCredentials};
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
}

/// A [`TokenStore`] as rmcp's credential store.
pub(super) struct StoreAdapter(pub(super) Arc<dyn TokenStore>);

fn store_error(err: impl fmt::Display) -> AuthError {
    AuthError::CredentialStoreError(err.to_string())
}

#[async_trait::async_trait]
impl CredentialStore for StoreAdapter {
    async fn load(&self) -> Result<Option<StoredCredentials>, AuthError> {
        match self.0.load().await.map_err(store_error)? {
            None => Ok(None),
            Some(tokens) => serde_json::from_value(tokens.0)
                .map(Some)
                .map_err(store_error),
        }
    }

    async fn save(&self, credentials: StoredCredentials) -> Result<(), AuthError> {
        let value = serde_json::to_value(&credentials).map_err(store_error)?;
        self.0.save(StoredTokens(value)).await.map_err(store_error)
    }

    async fn clear(&self) -> Result<(), AuthError> {
        self.0.clear().await.map_err(store_error)
    }
}

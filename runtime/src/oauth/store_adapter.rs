//! A [`TokenStore`] as rmcp's credential store, for one session: content that cannot be used is
//! set aside with a warning (or, with no person to ask, is an error naming the store), tokens
//! the store cannot keep are kept for the session, and refreshes hold the store's lock.

use std::sync::{Arc, Mutex, PoisonError};

use ::oauth2::TokenResponse;
use ::rmcp::transport::auth::{
    AuthError, CredentialRefreshGuard, CredentialStore, StoredCredentials,
};

use super::super::error::Error;
use super::failure::auth_error;
use super::store::{StoredTokens, TokenStore};

/// The session's view of its [`TokenStore`]; clones (one per rmcp manager) share its state.
#[derive(Clone)]
pub(super) struct StoreAdapter {
    store: Arc<dyn TokenStore>,
    /// Whether a person can be asked to authorize afresh (the authorization code flow).
    interactive: bool,
    /// The client the tokens must belong to, when it is configured.
    client_id: Option<String>,
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    /// Tokens the store could not keep, kept for this session (newer than the store's).
    unsaved: Option<StoredCredentials>,
    /// The store's content cannot be used and was not moved aside: it reads as empty, and is
    /// never overwritten, so that nothing is lost.
    protected: bool,
    /// The store's last failure (its name and the reason), for [`StoreAdapter::failure_or`].
    failure: Option<(String, String)>,
}

impl StoreAdapter {
    pub(super) fn new(
        store: Arc<dyn TokenStore>,
        interactive: bool,
        client_id: Option<String>,
    ) -> Self {
        Self {
            store,
            interactive,
            client_id,
            state: Arc::default(),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The error for rmcp's `err`: [`Error::TokenStore`] when the store failed, naming it.
    pub(super) fn failure_or(&self, err: AuthError) -> Error {
        if let AuthError::CredentialStoreError(_) = err
            && let Some((store, reason)) = self.state().failure.take()
        {
            return Error::TokenStore { store, reason };
        }
        auth_error(err)
    }

    /// The store failed for `reason`: with no person to ask, an error; otherwise the failure
    /// is logged and the session goes on without the store's content.
    fn refuse(&self, reason: String) -> Result<(), AuthError> {
        let name = self.store.name();
        if self.interactive {
            return Ok(());
        }
        let message = format!("{name} cannot be used: {reason}");
        self.state().failure = Some((name, reason));
        Err(AuthError::CredentialStoreError(message))
    }

    /// The stored content cannot be used: it is set aside (or protected) and the client
    /// authorizes afresh.
    async fn unusable(&self, reason: String) -> Result<(), AuthError> {
        self.refuse(reason.clone())?;
        let store = self.store.name();
        match self.store.set_aside().await {
            Ok(Some(copy)) => tracing::warn!(
                store = %store,
                reason = %reason,
                copy = %copy,
                "the stored tokens cannot be used; they were moved aside and the client \
                 authorizes afresh"
            ),
            Ok(None) => {
                self.state().protected = true;
                tracing::warn!(
                    store = %store,
                    reason = %reason,
                    "the stored tokens cannot be used; the client authorizes afresh and keeps \
                     the new tokens for this session"
                );
            }
            Err(err) => {
                self.state().protected = true;
                tracing::warn!(
                    store = %store,
                    reason = %reason,
                    error = %reason_of(err),
                    "the stored tokens cannot be used, nor moved aside; the client authorizes \
                     afresh and keeps the new tokens for this session"
                );
            }
        }
        Ok(())
    }
}

/// The reason of a store's failure, without the store's name when the error names it.
fn reason_of(err: Error) -> String {
    match err {
        Error::TokenStore { reason, .. } => reason,
        other => other.to_string(),
    }
}

/// What is wrong with JSON that is not stored tokens; serde's own message may quote a value
/// (a token), so only a missing field is named.
fn shape_problem(err: &serde_json::Error) -> String {
    let text = err.to_string();
    if text.starts_with("missing field") {
        let text = text.split(" at line").next().unwrap_or(&text);
        format!("it is not stored tokens: {text}")
    } else {
        "it is not stored tokens: a field has the wrong type".to_string()
    }
}

#[async_trait::async_trait]
impl CredentialStore for StoreAdapter {
    async fn load(&self) -> Result<Option<StoredCredentials>, AuthError> {
        {
            let state = self.state();
            if let Some(tokens) = &state.unsaved {
                return Ok(Some(tokens.clone()));
            }
            if state.protected {
                return Ok(None);
            }
        }
        let reason = match self.store.load().await {
            Ok(None) => return Ok(None),
            Ok(Some(tokens)) => {
                match serde_json::from_value::<StoredCredentials>(tokens.expose().clone()) {
                    Ok(stored) => match &self.client_id {
                        Some(expected) if *expected != stored.client_id => format!(
                            "they belong to the client `{}`, not `{expected}`",
                            stored.client_id
                        ),
                        _ => return Ok(Some(stored)),
                    },
                    Err(err) => shape_problem(&err),
                }
            }
            Err(err) => reason_of(err),
        };
        self.unusable(reason).await?;
        Ok(None)
    }

    async fn save(&self, credentials: StoredCredentials) -> Result<(), AuthError> {
        let reason = if self.state().protected {
            "its content could not be moved aside, so it is not overwritten".to_string()
        } else {
            let value = serde_json::to_value(&credentials)
                .map_err(|err| AuthError::CredentialStoreError(err.to_string()))?;
            match self.store.save(StoredTokens::from_json(value)).await {
                Ok(()) => {
                    self.state().unsaved = None;
                    return Ok(());
                }
                Err(err) => reason_of(err),
            }
        };
        self.refuse(reason.clone())?;
        tracing::warn!(
            store = %self.store.name(),
            reason = %reason,
            "the tokens cannot be saved; they are kept for this session only"
        );
        self.state().unsaved = Some(credentials);
        Ok(())
    }

    async fn clear(&self) -> Result<(), AuthError> {
        self.state().unsaved = None;
        if self.state().protected {
            return Ok(());
        }
        match self.store.clear().await {
            Ok(()) => Ok(()),
            Err(err) => self.refuse(reason_of(err)),
        }
    }

    /// A refresh token the authorization server rejected is dropped from the stored tokens
    /// (unless they have been replaced since), so that no other request presents it again.
    async fn on_refresh_token_rejected(
        &self,
        credentials: &StoredCredentials,
    ) -> Result<(), AuthError> {
        let Some(current) = self.load().await? else {
            return Ok(());
        };
        let same = |c: &StoredCredentials| {
            c.token_response
                .as_ref()
                .map(|t| t.access_token().secret().clone())
        };
        if current.client_id != credentials.client_id || same(&current) != same(credentials) {
            return Ok(());
        }
        let mut current = current;
        if let Some(tokens) = &mut current.token_response {
            tokens.set_refresh_token(None);
        }
        self.save(current).await
    }

    async fn acquire_refresh_guard(&self) -> Result<Option<CredentialRefreshGuard>, AuthError> {
        match self.store.lock().await {
            Ok(lock) => Ok(lock.map(CredentialRefreshGuard::new)),
            Err(err) => {
                let reason = reason_of(err);
                self.refuse(reason.clone())?;
                tracing::warn!(
                    store = %self.store.name(),
                    reason = %reason,
                    "refreshing the token without the store's lock"
                );
                Ok(None)
            }
        }
    }
}

//! The OAuth state of one session ([`SessionAuth`]): rmcp's HTTP client that adds the token to
//! every request, started from the token store, and what authorizes again when the server
//! refuses a request.

use std::fmt;
use std::sync::Arc;

use ::rmcp::transport::auth::{AuthClient, AuthError, AuthorizationManager, OAuthClientConfig};

use super::super::error::Error;
use super::config::{Grant, OAuth};
use super::failure::auth_error;
use super::store_adapter::StoreAdapter;

impl OAuth {
    /// The authorization state of a session with the server at `url`, starting from the tokens
    /// in the store.
    pub(crate) async fn session(&self, url: &str) -> Result<SessionAuth, Error> {
        let interactive = matches!(self.grant, Grant::AuthorizationCode);
        let store = StoreAdapter::new(Arc::clone(&self.store), interactive, self.client_id.clone());
        let mut manager = AuthorizationManager::new(url).await.map_err(auth_error)?;
        manager.set_credential_store(store.clone());
        // Stored tokens are tried first. Content that cannot be used is set aside by the
        // adapter (with a warning), and the server's 401 starts over; with no person to ask,
        // it is an error that names the store.
        match manager.initialize_from_store().await {
            // rmcp configures the stored client without its secret; a confidential client
            // needs it to refresh the stored tokens.
            Ok(true) => {
                if let (Grant::AuthorizationCode, Some(id), Some(secret)) =
                    (self.grant, &self.client_id, &self.client_secret)
                {
                    let client = OAuthClientConfig::new(id.clone(), url)
                        .with_client_secret(secret.expose().to_string());
                    manager.configure_client(client).map_err(auth_error)?;
                }
            }
            Ok(false) => {}
            Err(err @ AuthError::CredentialStoreError(_)) if !interactive => {
                return Err(store.failure_or(err));
            }
            Err(err) => tracing::debug!(error = %err, "the stored tokens cannot be used"),
        }
        Ok(SessionAuth {
            oauth: self.clone(),
            client: AuthClient::new(::reqwest::Client::default(), manager),
            store,
            url: url.to_string(),
        })
    }
}

/// The OAuth state of one session: the HTTP client that adds the token to its requests, and what
/// authorizes again when the server refuses one.
pub(crate) struct SessionAuth {
    oauth: OAuth,
    client: AuthClient<::reqwest::Client>,
    store: StoreAdapter,
    url: String,
}

impl fmt::Debug for SessionAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionAuth")
            .field("oauth", &self.oauth)
            .finish_non_exhaustive()
    }
}

/// The authorizations made for one request.
#[derive(Debug, Default)]
pub(crate) struct Tries(u32);

impl SessionAuth {
    /// The HTTP client of the session's transport.
    pub(crate) fn http_client(&self) -> AuthClient<::reqwest::Client> {
        self.client.clone()
    }

    /// After `err`, authorizes (again) when the server refused for want of authorization and
    /// the request has not used up its authorizations; returns whether to send it again.
    pub(crate) async fn recover(&self, err: &Error, tries: &mut Tries) -> Result<bool, Error> {
        let Error::Unauthorized { challenge, .. } = err else {
            return Ok(false);
        };
        if tries.0 >= self.oauth.max_authorizations {
            return Ok(false);
        }
        tries.0 += 1;
        self.oauth
            .authorize(&self.client, &self.store, &self.url, challenge.as_deref())
            .await?;
        Ok(true)
    }
}

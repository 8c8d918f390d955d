//! The grants: after a refusal, `OAuth::authorize` resolves the authorization server from the
//! challenge and obtains a token by the authorization code flow, client credentials or cross-app
//! access, on rmcp's `AuthorizationManager`.

use ::rmcp::transport::auth::enterprise::{
    EmaAuthorizationServer, EmaClientAuthentication, EmaExchangeRequest,
};
use ::rmcp::transport::auth::{
    AuthClient, AuthorizationManager, AuthorizationMetadata, AuthorizationRequest,
    AuthorizationSession, ClientCredentialsConfig, CredentialStore, OAuthTokenResponse,
    StoredCredentials, default_oauth_http_client,
};
use serde_json::Value;

use super::super::error::Error;
use super::super::secret::Secret;
use super::config::{Grant, OAuth};
use super::failure::{auth_error, authorization_failed};
use super::store_adapter::StoreAdapter;

impl OAuth {
    /// Obtains a token after the server refused a request with `status` (401, or 403 for a
    /// missing scope) and the challenge `challenge`; the next request carries it.
    ///
    /// The grant runs on a manager of its own, bound to the session's store: the session's
    /// manager stays in its place, and is replaced only when the grant succeeds. A failed
    /// attempt (the prompt, the metadata, registration, the token endpoint) or a dropped one
    /// leaves the session's manager, its store and its client identity as they were.
    pub(super) async fn authorize(
        &self,
        client: &AuthClient<::reqwest::Client>,
        store: &StoreAdapter,
        url: &str,
        challenge: Option<&str>,
    ) -> Result<(), Error> {
        // Held for the whole attempt, so that the session's other requests wait for its token
        // instead of being refused in turn.
        let mut slot = client.auth_manager.lock().await;
        let mut manager = AuthorizationManager::new(url)
            .await
            .map_err(|err| store.failure_or(err))?;
        manager.set_credential_store(store.clone());
        let resolution = manager
            .resolve_metadata_from_challenge(challenge)
            .await
            .map_err(|err| store.failure_or(err))?;
        let metadata = resolution.metadata;
        manager.set_metadata(metadata.clone());
        let manager = match self.grant {
            Grant::AuthorizationCode => self.authorization_code_grant(manager, store).await,
            Grant::CrossAppAccess => {
                self.cross_app_access_grant(manager, store, &metadata, url)
                    .await
            }
            _ => self.client_credentials_grant(manager, store, url).await,
        }?;
        *slot = manager;
        Ok(())
    }

    async fn client_credentials_grant(
        &self,
        mut manager: AuthorizationManager,
        store: &StoreAdapter,
        url: &str,
    ) -> Result<AuthorizationManager, Error> {
        let (Some(client_id), Some(secret)) = (&self.client_id, &self.client_secret) else {
            return Err(authorization_failed(
                "the client credentials grant needs a client ID and secret".to_string(),
            ));
        };
        let scopes = if self.scopes.is_empty() {
            manager.select_scopes(None, &[])
        } else {
            self.scopes.clone()
        };
        let (client_id, resource) = (client_id.clone(), Some(url.to_string()));
        let config = match self.grant {
            #[cfg(feature = "oauth-jwt")]
            Grant::ClientCredentialsJwt(signing_algorithm) => {
                ClientCredentialsConfig::PrivateKeyJwt {
                    client_id,
                    signing_key: secret.expose().as_bytes().to_vec(),
                    signing_algorithm,
                    token_endpoint_audience: None,
                    scopes,
                    resource,
                }
            }
            _ => ClientCredentialsConfig::ClientSecret {
                client_id,
                client_secret: secret.expose().to_string(),
                scopes,
                resource,
            },
        };
        manager
            .validate_client_credentials_metadata(&config)
            .map_err(auth_error)?;
        manager
            .configure_client_credentials(&config)
            .map_err(auth_error)?;
        // With rmcp's `auth-client-credentials-jwt` feature, the exchange's future is not
        // `Send` (it holds a form serializer across an await), so it runs on a blocking thread
        // of its own; the calls that wait for it stay `Send`.
        let runtime = tokio::runtime::Handle::current();
        let (manager, exchanged) = tokio::task::spawn_blocking(move || {
            runtime.block_on(async move {
                let exchanged = manager.exchange_client_credentials(&config).await;
                (manager, exchanged)
            })
        })
        .await
        .map_err(|err| authorization_failed(format!("the token request stopped: {err}")))?;
        exchanged.map_err(|err| store.failure_or(err))?;
        Ok(manager)
    }

    async fn cross_app_access_grant(
        &self,
        mut manager: AuthorizationManager,
        store: &StoreAdapter,
        metadata: &AuthorizationMetadata,
        url: &str,
    ) -> Result<AuthorizationManager, Error> {
        let (Some((idp, id_token)), Some(client_id)) = (&self.identity, &self.client_id) else {
            return Err(authorization_failed(
                "cross-app access needs an identity provider, an ID token and a client ID"
                    .to_string(),
            ));
        };
        let Some(issuer) = &metadata.issuer else {
            return Err(authorization_failed(
                "the authorization server's metadata names no issuer, which the identity \
                 assertion must name"
                    .to_string(),
            ));
        };
        let secret = |secret: &Secret| ::oauth2::ClientSecret::new(secret.expose().to_string());
        // RFC 8414: without `token_endpoint_auth_methods_supported`, `client_secret_basic`.
        let methods = metadata
            .additional_fields
            .get("token_endpoint_auth_methods_supported")
            .and_then(Value::as_array);
        let supports = |method: &str| {
            methods.is_none_or(|methods| methods.iter().any(|m| m.as_str() == Some(method)))
        };
        let authentication = match &self.client_secret {
            None => EmaClientAuthentication::None,
            Some(key) if supports("client_secret_basic") => {
                EmaClientAuthentication::ClientSecretBasic(secret(key))
            }
            Some(key) => EmaClientAuthentication::ClientSecretPost(secret(key)),
        };
        let resource_server =
            EmaAuthorizationServer::new(issuer, &metadata.token_endpoint, client_id)
                .with_client_authentication(authentication);
        let identity_server =
            EmaAuthorizationServer::new(&idp.issuer, &idp.token_endpoint, &idp.client_id)
                .with_client_authentication(match &idp.client_secret {
                    Some(key) => EmaClientAuthentication::ClientSecretBasic(secret(key)),
                    None => EmaClientAuthentication::None,
                });
        let scopes = if self.scopes.is_empty() {
            manager.select_scopes(None, &[])
        } else {
            self.scopes.clone()
        };
        let http = default_oauth_http_client().map_err(auth_error)?;
        let token = EmaExchangeRequest::new_with_id_token(
            identity_server,
            resource_server,
            url,
            id_token.expose(),
        )
        .with_scopes(scopes)
        .exchange(&http, &http)
        .await
        .map_err(|err| authorization_failed(format!("cross-app access: {err}")))?;
        // The access token goes where rmcp's manager reads its tokens from, as if it had
        // obtained it itself; with no refresh token, an expired one leads to a new exchange.
        let mut granted: Vec<String> = token.scopes.into_iter().collect();
        granted.sort_unstable();
        let mut response = serde_json::json!({
            "access_token": token.access_token.secret(),
            "token_type": "bearer",
        });
        if let Some(lifetime) = token.expires_in {
            response["expires_in"] = lifetime.as_secs().into();
        }
        if !granted.is_empty() {
            response["scope"] = granted.join(" ").into();
        }
        let response: OAuthTokenResponse = serde_json::from_value(response)
            .map_err(|err| authorization_failed(format!("cross-app access: {err}")))?;
        let received = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|since| since.as_secs())
            .ok();
        let credentials =
            StoredCredentials::new(client_id.clone(), Some(response), granted, received);
        store
            .save(credentials)
            .await
            .map_err(|err| store.failure_or(err))?;
        // With the client configured, rmcp's refresh of the expired token finds no refresh
        // token and asks for authorization (the request goes out, its 401 leads here again)
        // instead of failing as unconfigured.
        manager.configure_client_id(client_id).map_err(auth_error)?;
        Ok(manager)
    }

    async fn authorization_code_grant(
        &self,
        manager: AuthorizationManager,
        store: &StoreAdapter,
    ) -> Result<AuthorizationManager, Error> {
        let redirect_uri = self.prompt.redirect_uri().await?;
        let mut request =
            AuthorizationRequest::new(redirect_uri).with_client_name(self.client_name.clone());
        if !self.scopes.is_empty() {
            request = request.with_scopes(self.scopes.iter().cloned());
        }
        if let Some(client_id) = &self.client_id {
            request = request.with_preregistered_client(client_id.clone());
            if let Some(secret) = &self.client_secret {
                request = request.with_client_secret(secret.expose().to_string());
            }
        }
        if let Some(url) = &self.client_metadata_url {
            request = request.with_client_metadata_url(url.clone());
        }
        // On failure rmcp hands the manager back with its error; it is dropped here, as the
        // session's own manager was never moved (see `authorize`).
        let session = AuthorizationSession::new(manager, request)
            .await
            .map_err(|(_, err)| store.failure_or(err))?;
        let redirect = self
            .prompt
            .authorize(session.get_authorization_url())
            .await?;
        session
            .handle_callback_url(&redirect)
            .await
            .map_err(|err| store.failure_or(err))?;
        Ok(session.auth_manager)
    }
}

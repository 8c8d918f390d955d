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

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ::rmcp::transport::auth::enterprise::{
    EmaAuthorizationServer, EmaClientAuthentication, EmaExchangeRequest,
};
use ::rmcp::transport::auth::{
    AuthClient, AuthError, AuthorizationManager, AuthorizationMetadata, AuthorizationRequest,
    AuthorizationSession, ClientCredentialsConfig, CredentialStore, OAuthTokenResponse,
    StoredCredentials, default_oauth_http_client,
};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::error::{Error, TransportError};
use super::rmcp_transport::Secret;
use super::transport::BoxFuture;

/// How a client obtains its access token; give it to
/// [`HttpBuilder::oauth`](super::HttpBuilder::oauth).
///
/// `Debug` never shows the client secret.
#[derive(Clone)]
pub struct OAuth {
    grant: Grant,
    client_id: Option<String>,
    client_secret: Option<Secret>,
    client_metadata_url: Option<String>,
    client_name: String,
    scopes: Vec<String>,
    /// Cross-app access: the enterprise identity provider and the person's ID token from it.
    identity: Option<(IdentityProvider, Secret)>,
    store: Arc<dyn TokenStore>,
    prompt: Arc<dyn AuthorizationPrompt>,
    max_authorizations: u32,
}

#[derive(Debug, Clone, Copy)]
enum Grant {
    AuthorizationCode,
    ClientCredentials,
    CrossAppAccess,
    /// The client secret is the PEM private key that signs the assertion.
    #[cfg(feature = "oauth-jwt")]
    ClientCredentialsJwt(::rmcp::transport::auth::JwtSigningAlgorithm),
}

impl fmt::Debug for OAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth")
            .field("grant", &self.grant)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "***"))
            .field("client_metadata_url", &self.client_metadata_url)
            .field("client_name", &self.client_name)
            .field("scopes", &self.scopes)
            .field(
                "identity_provider",
                &self.identity.as_ref().map(|(idp, _)| idp),
            )
            .finish_non_exhaustive()
    }
}

impl OAuth {
    /// The authorization code flow with PKCE, for a person using the application: the client
    /// identifies itself with a pre-registered [`client_id`](Self::client_id) when set, else
    /// with its [`client_metadata_url`](Self::client_metadata_url) when the authorization server
    /// supports Client ID Metadata Documents, else by Dynamic Client Registration. The person
    /// is sent to the authorization URL by the [`prompt`](Self::prompt) (by default
    /// [`LoopbackPrompt`]: the URL is printed, and the redirect comes back to 127.0.0.1).
    pub fn authorization_code() -> Self {
        Self::new(Grant::AuthorizationCode)
    }

    /// The client credentials grant, for a machine acting on its own behalf, with a client
    /// registered with the authorization server (`client_secret_post` or `client_secret_basic`,
    /// whichever the server supports).
    pub fn client_credentials(client_id: impl Into<String>, secret: impl Into<Secret>) -> Self {
        let mut oauth = Self::new(Grant::ClientCredentials);
        oauth.client_id = Some(client_id.into());
        oauth.client_secret = Some(secret.into());
        oauth
    }

    /// The client credentials grant with `private_key_jwt` client authentication (RFC 7523):
    /// the client proves itself with an assertion signed by `private_key_pem` (feature
    /// `oauth-jwt`).
    #[cfg(feature = "oauth-jwt")]
    pub fn client_credentials_jwt(
        client_id: impl Into<String>,
        private_key_pem: impl Into<Secret>,
        algorithm: ::rmcp::transport::auth::JwtSigningAlgorithm,
    ) -> Self {
        let mut oauth = Self::new(Grant::ClientCredentialsJwt(algorithm));
        oauth.client_id = Some(client_id.into());
        oauth.client_secret = Some(private_key_pem.into());
        oauth
    }

    /// Enterprise-managed authorization (cross-app access, SEP-990), for a person signed in to
    /// their organization's identity provider: no browser, no consent screen. The person's ID
    /// token from `idp` is exchanged there (RFC 8693 token exchange) for an identity assertion
    /// grant (ID-JAG) naming the MCP server's authorization server and resource, which that
    /// authorization server then exchanges (RFC 7523 JWT bearer grant) for an access token.
    /// `client_id` (with [`client_secret`](Self::client_secret) for a confidential client) is
    /// this application's registration with the MCP server's authorization server.
    ///
    /// The ID token is not refreshed here: when it has expired, sign the person in again and
    /// build a new client.
    pub fn cross_app_access(
        idp: IdentityProvider,
        id_token: impl Into<Secret>,
        client_id: impl Into<String>,
    ) -> Self {
        let mut oauth = Self::new(Grant::CrossAppAccess);
        oauth.identity = Some((idp, id_token.into()));
        oauth.client_id = Some(client_id.into());
        oauth
    }

    fn new(grant: Grant) -> Self {
        Self {
            grant,
            client_id: None,
            client_secret: None,
            client_metadata_url: None,
            client_name: "toolgen MCP client".to_string(),
            scopes: Vec::new(),
            identity: None,
            store: Arc::new(MemoryTokenStore::default()),
            prompt: Arc::new(LoopbackPrompt::new()),
            max_authorizations: 3,
        }
    }

    /// A client registered with the authorization server beforehand; no registration is made.
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// The secret of the pre-registered client (a confidential client).
    pub fn client_secret(mut self, secret: impl Into<Secret>) -> Self {
        self.client_secret = Some(secret.into());
        self
    }

    /// The HTTPS URL of this client's Client ID Metadata Document, used as its client ID by
    /// authorization servers that support them.
    pub fn client_metadata_url(mut self, url: impl Into<String>) -> Self {
        self.client_metadata_url = Some(url.into());
        self
    }

    /// The client name sent with Dynamic Client Registration.
    pub fn client_name(mut self, name: impl Into<String>) -> Self {
        self.client_name = name.into();
        self
    }

    /// The scopes to ask for. By default: the scope of the server's challenge, else the scopes
    /// its metadata lists, else none.
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Where tokens are kept between sessions (by default in memory, for this client only).
    pub fn token_store(mut self, store: impl TokenStore) -> Self {
        self.store = Arc::new(store);
        self
    }

    /// How the person is sent to the authorization URL and the code comes back.
    pub fn prompt(mut self, prompt: impl AuthorizationPrompt) -> Self {
        self.prompt = Arc::new(prompt);
        self
    }

    /// How many times the client authorizes for one request (the first authorization after a
    /// 401, then one more for each 403 `insufficient_scope` that asks for more scope) before it
    /// gives up and returns [`Error::Unauthorized`] (default 3).
    pub fn max_authorizations(mut self, limit: u32) -> Self {
        self.max_authorizations = limit;
        self
    }

    /// The authorization state of a session with the server at `url`, starting from the tokens
    /// in the store.
    pub(crate) async fn session(&self, url: &str) -> Result<SessionAuth, Error> {
        let mut manager = AuthorizationManager::new(url).await.map_err(auth_error)?;
        manager.set_credential_store(StoreAdapter(Arc::clone(&self.store)));
        // Stored tokens are tried first; when they cannot be used, the server's 401 starts over.
        if let Err(err) = manager.initialize_from_store().await {
            tracing::debug!(error = %err, "the stored tokens cannot be used");
        }
        Ok(SessionAuth {
            oauth: self.clone(),
            client: AuthClient::new(::reqwest::Client::default(), manager),
            url: url.to_string(),
        })
    }

    /// Obtains a token after the server refused a request with `status` (401, or 403 for a
    /// missing scope) and the challenge `challenge`; the next request carries it.
    async fn authorize(
        &self,
        client: &AuthClient<::reqwest::Client>,
        url: &str,
        challenge: Option<&str>,
    ) -> Result<(), Error> {
        let mut slot = client.auth_manager.lock().await;
        let placeholder = AuthorizationManager::new(url).await.map_err(auth_error)?;
        let mut manager = std::mem::replace(&mut *slot, placeholder);
        let result = async {
            let resolution = manager
                .resolve_metadata_from_challenge(challenge)
                .await
                .map_err(auth_error)?;
            let metadata = resolution.metadata;
            manager.set_metadata(metadata.clone());
            match self.grant {
                Grant::AuthorizationCode => self.authorization_code_grant(manager).await,
                Grant::CrossAppAccess => self.cross_app_access_grant(manager, &metadata, url).await,
                _ => self.client_credentials_grant(manager, url).await,
            }
        }
        .await;
        match result {
            Ok(manager) => {
                *slot = manager;
                Ok(())
            }
            Err(err) => Err(err),
        }
    }

    async fn client_credentials_grant(
        &self,
        mut manager: AuthorizationManager,
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
        exchanged.map_err(auth_error)?;
        Ok(manager)
    }

    async fn cross_app_access_grant(
        &self,
        mut manager: AuthorizationManager,
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
        StoreAdapter(Arc::clone(&self.store))
            .save(credentials)
            .await
            .map_err(auth_error)?;
        // With the client configured, rmcp's refresh of the expired token finds no refresh
        // token and asks for authorization (the request goes out, its 401 leads here again)
        // instead of failing as unconfigured.
        manager.configure_client_id(client_id).map_err(auth_error)?;
        Ok(manager)
    }

    async fn authorization_code_grant(
        &self,
        manager: AuthorizationManager,
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
        let session = AuthorizationSession::new(manager, request)
            .await
            .map_err(|(_, err)| auth_error(err))?;
        let redirect = self
            .prompt
            .authorize(session.get_authorization_url())
            .await?;
        session
            .handle_callback_url(&redirect)
            .await
            .map_err(auth_error)?;
        Ok(session.auth_manager)
    }
}

/// The OAuth state of one session: the HTTP client that adds the token to its requests, and what
/// authorizes again when the server refuses one.
pub(crate) struct SessionAuth {
    oauth: OAuth,
    client: AuthClient<::reqwest::Client>,
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
            .authorize(&self.client, &self.url, challenge.as_deref())
            .await?;
        Ok(true)
    }
}

fn authorization_failed(message: String) -> Error {
    Error::Transport(TransportError::new(format!(
        "authorizing with the server failed: {message}"
    )))
}

fn auth_error(err: AuthError) -> Error {
    authorization_failed(err.to_string())
}

/// The enterprise identity provider of [`OAuth::cross_app_access`]: where the person signed in,
/// and this application's registration there. `Debug` never shows the client secret.
#[derive(Clone)]
pub struct IdentityProvider {
    issuer: String,
    token_endpoint: String,
    client_id: String,
    client_secret: Option<Secret>,
}

impl IdentityProvider {
    /// The identity provider `issuer` (as its metadata gives it), its token endpoint, and this
    /// application's client ID there (a public client unless
    /// [`client_secret`](Self::client_secret) is set).
    pub fn new(
        issuer: impl Into<String>,
        token_endpoint: impl Into<String>,
        client_id: impl Into<String>,
    ) -> Self {
        Self {
            issuer: issuer.into(),
            token_endpoint: token_endpoint.into(),
            client_id: client_id.into(),
            client_secret: None,
        }
    }

    /// The client secret at the identity provider, sent with HTTP Basic authentication.
    pub fn client_secret(mut self, secret: impl Into<Secret>) -> Self {
        self.client_secret = Some(secret.into());
        self
    }
}

impl fmt::Debug for IdentityProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdentityProvider")
            .field("issuer", &self.issuer)
            .field("token_endpoint", &self.token_endpoint)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "***"))
            .finish()
    }
}

/// Sends the person to the authorization server and hands back where it redirected them.
pub trait AuthorizationPrompt: Send + Sync + 'static {
    /// Gets ready to receive the redirect, and returns the redirect URI to register.
    fn redirect_uri(&self) -> BoxFuture<'_, Result<String, Error>>;

    /// Shows the authorization URL `url` to the person, waits until the authorization server
    /// redirects them back, and returns the full redirect URL (with `code` and `state`).
    fn authorize<'a>(&'a self, url: &'a str) -> BoxFuture<'a, Result<String, Error>>;
}

/// The default [`AuthorizationPrompt`]: prints the authorization URL (or hands it to an opener,
/// such as a function that starts a browser) and receives the redirect on an HTTP listener on
/// 127.0.0.1, at a port chosen by the system.
pub struct LoopbackPrompt {
    listener: tokio::sync::Mutex<Option<tokio::net::TcpListener>>,
    opener: Box<dyn Fn(&str) + Send + Sync>,
    wait: Duration,
}

impl fmt::Debug for LoopbackPrompt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoopbackPrompt")
            .field("wait", &self.wait)
            .finish_non_exhaustive()
    }
}

impl Default for LoopbackPrompt {
    fn default() -> Self {
        Self::new()
    }
}

impl LoopbackPrompt {
    /// A prompt that prints the URL on stderr and waits up to five minutes for the redirect.
    pub fn new() -> Self {
        Self {
            listener: tokio::sync::Mutex::new(None),
            opener: Box::new(|url| {
                eprintln!("To authorize this application, open this URL in a browser:\n\n{url}\n");
            }),
            wait: Duration::from_secs(300),
        }
    }

    /// Hands the authorization URL to `opener` instead of printing it.
    pub fn opener(mut self, opener: impl Fn(&str) + Send + Sync + 'static) -> Self {
        self.opener = Box::new(opener);
        self
    }

    /// How long to wait for the redirect.
    pub fn wait(mut self, wait: Duration) -> Self {
        self.wait = wait;
        self
    }

    async fn receive(&self) -> Result<String, Error> {
        let guard = self.listener.lock().await;
        let Some(listener) = guard.as_ref() else {
            return Err(authorization_failed(
                "the loopback listener was not started".to_string(),
            ));
        };
        let port = listener.local_addr().map(|a| a.port()).unwrap_or_default();
        loop {
            let (mut stream, _) = listener
                .accept()
                .await
                .map_err(|err| authorization_failed(format!("the loopback listener: {err}")))?;
            let mut request = Vec::new();
            let mut buffer = [0_u8; 2048];
            // The request line and headers only; a redirect has no body.
            while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 16 * 1024 {
                match stream.read(&mut buffer).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buffer[..n]),
                }
            }
            let text = String::from_utf8_lossy(&request);
            let target = text
                .lines()
                .next()
                .and_then(|line| line.strip_prefix("GET "))
                .and_then(|rest| rest.split(' ').next())
                .unwrap_or("");
            let answered = target.contains("code=") || target.contains("error=");
            let body = if answered {
                "Authorization received. You can close this window."
            } else {
                "Waiting for the authorization redirect."
            };
            let response = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\n\
                 content-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes()).await;
            if answered {
                return Ok(format!("http://127.0.0.1:{port}{target}"));
            }
        }
    }
}

impl AuthorizationPrompt for LoopbackPrompt {
    fn redirect_uri(&self) -> BoxFuture<'_, Result<String, Error>> {
        Box::pin(async move {
            let mut slot = self.listener.lock().await;
            if slot.is_none() {
                let listener =
                    tokio::net::TcpListener::bind("127.0.0.1:0")
                        .await
                        .map_err(|err| {
                            authorization_failed(format!("could not listen on 127.0.0.1: {err}"))
                        })?;
                *slot = Some(listener);
            }
            let port = slot
                .as_ref()
                .and_then(|l| l.local_addr().ok())
                .map(|a| a.port())
                .unwrap_or_default();
            Ok(format!("http://127.0.0.1:{port}/callback"))
        })
    }

    fn authorize<'a>(&'a self, url: &'a str) -> BoxFuture<'a, Result<String, Error>> {
        Box::pin(async move {
            (self.opener)(url);
            match tokio::time::timeout(self.wait, self.receive()).await {
                Ok(result) => result,
                Err(_) => Err(authorization_failed(format!(
                    "no authorization redirect came within {:?}",
                    self.wait
                ))),
            }
        })
    }
}

/// What a [`TokenStore`] keeps: the client ID, the tokens and their scopes, as JSON. `Debug`
/// shows none of it.
#[derive(Clone, PartialEq)]
pub struct StoredTokens(Value);

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

/// Keeps a client's tokens between sessions. [`MemoryTokenStore`] and [`FileTokenStore`] are
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

/// Tokens kept in a JSON file, readable by its owner only (mode 0600 on Unix), replaced
/// atomically (written beside it, then renamed over it), so that a crash never leaves half a
/// file.
#[derive(Debug, Clone)]
pub struct FileTokenStore {
    path: PathBuf,
}

impl FileTokenStore {
    /// A store in the file `path` (its folder must exist).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    fn failed(&self, what: &str, err: impl fmt::Display) -> Error {
        Error::Transport(TransportError::new(format!(
            "could not {what} the token file {}: {err}",
            self.path.display()
        )))
    }

    fn write(&self, bytes: &[u8]) -> Result<(), Error> {
        use std::io::Write;
        let mut temporary = self.path.clone().into_os_string();
        temporary.push(format!(".{}.tmp", std::process::id()));
        let temporary = PathBuf::from(temporary);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let result = (|| {
            let mut file = options.open(&temporary)?;
            file.write_all(bytes)?;
            file.sync_all()?;
            std::fs::rename(&temporary, &self.path)
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&temporary);
        }
        result.map_err(|err| self.failed("write", err))
    }
}

impl TokenStore for FileTokenStore {
    fn load(&self) -> BoxFuture<'_, Result<Option<StoredTokens>, Error>> {
        Box::pin(async move {
            let text = match std::fs::read(&self.path) {
                Ok(text) => text,
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                Err(err) => return Err(self.failed("read", err)),
            };
            let value = serde_json::from_slice(&text).map_err(|err| self.failed("read", err))?;
            Ok(Some(StoredTokens(value)))
        })
    }

    fn save(&self, tokens: StoredTokens) -> BoxFuture<'_, Result<(), Error>> {
        Box::pin(async move {
            let bytes =
                serde_json::to_vec_pretty(&tokens.0).map_err(|err| self.failed("write", err))?;
            self.write(&bytes)
        })
    }

    fn clear(&self) -> BoxFuture<'_, Result<(), Error>> {
        Box::pin(async move {
            match std::fs::remove_file(&self.path) {
                Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
                    Err(self.failed("remove", err))
                }
                _ => Ok(()),
            }
        })
    }
}

/// A [`TokenStore`] as rmcp's credential store.
struct StoreAdapter(Arc<dyn TokenStore>);

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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_file_store_writes_atomically_for_its_owner_only() {
        let dir = std::env::temp_dir().join(format!("toolgen-tokens-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let store = FileTokenStore::new(dir.join("tokens.json"));
        assert_eq!(store.load().await.expect("load"), None);
        let tokens = StoredTokens::from_json(serde_json::json!({"client_id": "c", "secret": "s"}));
        store.save(tokens.clone()).await.expect("save");
        assert_eq!(store.load().await.expect("load"), Some(tokens));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join("tokens.json"))
                .expect("metadata")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // Only the file itself is left: the temporary one was renamed over it.
        assert_eq!(std::fs::read_dir(&dir).expect("list").count(), 1);
        assert_eq!(
            format!("{:?}", store.load().await),
            "Ok(Some(StoredTokens(***)))"
        );
        store.clear().await.expect("clear");
        assert_eq!(store.load().await.expect("load"), None);
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }

    #[test]
    fn debug_shows_no_secret() {
        let oauth = OAuth::client_credentials("id", "very-secret");
        assert!(!format!("{oauth:?}").contains("very-secret"));
        let idp = IdentityProvider::new("https://idp", "https://idp/token", "app")
            .client_secret("idp-secret");
        let oauth = OAuth::cross_app_access(idp, "id-token", "mcp-app").client_secret("secret-2");
        let shown = format!("{oauth:?}");
        assert!(shown.contains("https://idp/token"), "{shown}");
        for secret in ["idp-secret", "id-token", "secret-2"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
}

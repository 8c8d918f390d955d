//! What the application configures: [`OAuth`] (the grant, the client's identity, the scopes,
//! the token store and the prompt) and the [`IdentityProvider`] of cross-app access. A new
//! OAuth option goes here.

use std::fmt;
use std::sync::Arc;

use super::super::secret::Secret;
use super::prompt::{AuthorizationPrompt, LoopbackPrompt};
use super::store::{MemoryTokenStore, TokenStore};

/// How a client obtains its access token; give it to
/// [`HttpBuilder::oauth`](super::super::HttpBuilder::oauth).
///
/// `Debug` never shows the client secret.
#[derive(Clone)]
pub struct OAuth {
    pub(super) grant: Grant,
    pub(super) client_id: Option<String>,
    pub(super) client_secret: Option<Secret>,
    pub(super) client_metadata_url: Option<String>,
    pub(super) client_name: String,
    pub(super) scopes: Vec<String>,
    /// Cross-app access: the enterprise identity provider and the person's ID token from it.
    pub(super) identity: Option<(IdentityProvider, Secret)>,
    pub(super) store: Arc<dyn TokenStore>,
    pub(super) prompt: Arc<dyn AuthorizationPrompt>,
    pub(super) max_authorizations: u32,
}

#[derive(Debug, Clone, Copy)]
pub(super) enum Grant {
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
    /// gives up and returns [`Error::Unauthorized`](super::super::Error::Unauthorized) (default 3).
    pub fn max_authorizations(mut self, limit: u32) -> Self {
        self.max_authorizations = limit;
        self
    }
}

/// The enterprise identity provider of [`OAuth::cross_app_access`]: where the person signed in,
/// and this application's registration there. `Debug` never shows the client secret.
#[derive(Clone)]
pub struct IdentityProvider {
    pub(super) issuer: String,
    pub(super) token_endpoint: String,
    pub(super) client_id: String,
    pub(super) client_secret: Option<Secret>,
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

#[cfg(test)]
mod tests {
    use super::*;

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

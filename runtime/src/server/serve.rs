//! How a [`Server`] is reached: Streamable HTTP, as an axum `Router` to mount or serve (rmcp's
//! `StreamableHttpService` with its in-memory session manager), and stdio.

use std::sync::Arc;

use rmcp::ServiceExt;
use rmcp::transport::streamable_http_server::StreamableHttpService;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;

use super::handler::Server;
use super::table::Tools;

/// The Streamable HTTP options (rmcp's type). Its `allowed_hosts` guards against DNS
/// rebinding: by default only loopback hosts are accepted; a public deployment lists its own.
pub use rmcp::transport::streamable_http_server::StreamableHttpServerConfig;

impl<T: Tools> Server<T> {
    /// The Streamable HTTP service (a tower service) with rmcp's default options.
    pub fn http_service(&self) -> StreamableHttpService<Self, LocalSessionManager> {
        self.http_service_with(StreamableHttpServerConfig::default())
    }

    /// The Streamable HTTP service with the options given.
    pub fn http_service_with(
        &self,
        config: StreamableHttpServerConfig,
    ) -> StreamableHttpService<Self, LocalSessionManager> {
        let server = self.clone();
        StreamableHttpService::new(move || Ok(server.clone()), Arc::default(), config)
    }

    /// An axum `Router` that serves MCP at `path` (such as `"/mcp"`), to serve as is or merge
    /// into an application's router.
    pub fn router(&self, path: &str) -> axum::Router {
        axum::Router::new().nest_service(path, self.http_service())
    }

    /// Serves MCP over this process's stdin and stdout until the client closes them.
    ///
    /// # Errors
    ///
    /// The handshake's or the session's failure, as text.
    pub async fn serve_stdio(self) -> Result<(), String> {
        let running = self
            .serve(rmcp::transport::stdio())
            .await
            .map_err(|err| err.to_string())?;
        running.waiting().await.map_err(|err| err.to_string())?;
        Ok(())
    }
}

//! A child process over stdio: [`StdioBuilder`], its options (the command, its environment),
//! and starting it.

use std::fmt;
use std::marker::PhantomData;

use ::rmcp::transport::TokioChildProcess;

use super::super::client::Client;
use super::super::error::{Error, TransportError, TransportErrorKind};
use super::super::retry::RetryPolicy;
use super::super::secret::Secret;
use super::super::session::ElicitationHandler;
use super::calls::RmcpTransport;
use super::handshake::with_retries;
use super::options::{Settings, settings_setters};

/// Starts an MCP server as a child process and talks to it over stdio; made by
/// [`Client::spawn_stdio`], finished by [`StdioBuilder::connect`].
pub struct StdioBuilder<C = Client> {
    command: String,
    args: Vec<String>,
    env: Vec<(String, Secret)>,
    settings: Settings,
    client: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for StdioBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.env.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("StdioBuilder")
            .field("command", &self.command)
            .field("args", &self.args)
            .field("env", &names)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl<C: From<Client>> StdioBuilder<C> {
    /// A builder that runs `command` with `args`.
    pub fn new<I, S>(command: impl Into<String>, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            command: command.into(),
            args: args.into_iter().map(Into::into).collect(),
            env: Vec::new(),
            settings: Settings::default(),
            client: PhantomData,
        }
    }

    /// Sets the environment variable `name` of the child (a secret: never shown).
    pub fn env(mut self, name: impl Into<String>, value: impl Into<Secret>) -> Self {
        self.env.push((name.into(), value.into()));
        self
    }

    settings_setters!(opens: "starting", retried: "calls");

    /// Starts the child and does the `initialize` handshake. The child's stderr is inherited.
    ///
    /// # Errors
    ///
    /// [`Error::Transport`] when the command cannot be started or closes the session,
    /// [`Error::Timeout`] when it does not answer in time.
    pub async fn connect(self) -> Result<C, Error> {
        let settings = self.settings.clone();
        Ok(settings.client(self.connect_transport().await?))
    }

    /// Starts the child as [`connect`](Self::connect) does, and returns the session itself
    /// rather than a [`Client`] over it: for requests other than tool calls, such as
    /// [`RmcpTransport::list_tools_page`].
    ///
    /// # Errors
    ///
    /// As [`connect`](Self::connect).
    pub async fn connect_transport(self) -> Result<RmcpTransport, Error> {
        let mut command = tokio::process::Command::new(&self.command);
        command.args(&self.args);
        for (name, value) in &self.env {
            command.env(name, value.expose());
        }
        let transport = TokioChildProcess::new(command).map_err(|err| {
            Error::Transport(
                TransportError::with_source(format!("could not start `{}`", self.command), err)
                    .kind_of(TransportErrorKind::Connect),
            )
        })?;
        let single = Settings {
            retry: RetryPolicy::disabled(),
            ..self.settings.clone()
        };
        let mut transport = Some(transport);
        let (session, lifecycle) = (single.session(), single.lifecycle());
        let service = with_retries(&single, || {
            let transport = transport.take();
            let (session, lifecycle) = (session.clone(), lifecycle.clone());
            async move {
                match transport {
                    Some(transport) => {
                        ::rmcp::service::serve_client_with_lifecycle(session, transport, lifecycle)
                            .await
                    }
                    None => Err(::rmcp::service::ClientInitializeError::ConnectionClosed(
                        "the child process was already used".to_string(),
                    )),
                }
            }
        })
        .await?;
        Ok(RmcpTransport::with_session(service, self.command))
    }
}

impl Client {
    /// Starts an MCP server as the child process `command args...` and talks to it over stdio;
    /// finish with [`StdioBuilder::connect`].
    pub fn spawn_stdio<I, S>(command: impl Into<String>, args: I) -> StdioBuilder<Self>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        StdioBuilder::new(command, args)
    }
}

//! How the person is sent to the authorization URL and the redirect comes back:
//! [`AuthorizationPrompt`], and its default, [`LoopbackPrompt`] (a listener on 127.0.0.1).

use std::fmt;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::super::error::Error;
use super::super::transport::BoxFuture;
use super::failure::authorization_failed;

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

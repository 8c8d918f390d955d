//! [`FileTokenStore`]: tokens in a JSON file, for the owner only, replaced atomically.

use std::fmt;
use std::path::PathBuf;

use super::super::error::{Error, TransportError};
use super::super::transport::BoxFuture;
use super::store::{StoredTokens, TokenStore};

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
}

//! [`FileTokenStore`]: tokens in a JSON file, for the owner only, replaced atomically, locked
//! while a token is refreshed, and set aside (never overwritten) when it cannot be read.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::super::error::Error;
use super::super::transport::BoxFuture;
use super::store::{StoredTokens, TokenStore, TokenStoreLock};

/// Tokens kept in a JSON file, readable by its owner only (mode 0600 on Unix), replaced
/// atomically (written beside it, then renamed over it), so that a crash never leaves half a
/// file.
///
/// Clients that share the file, in one process or several, refresh one at a time: a refresh
/// holds the lock file `<file>.lock` (created exclusively; one left by a process that died is
/// taken over after [`STALE_LOCK`](Self::STALE_LOCK)), so that none of them refreshes with a
/// refresh token another has already used. Content that cannot be read as tokens is renamed to
/// `<file>.corrupt-<n>` before anything new is written.
#[derive(Debug, Clone)]
pub struct FileTokenStore {
    path: PathBuf,
}

/// Makes the names of temporary files unique within the process.
static WRITES: AtomicU64 = AtomicU64::new(0);

impl FileTokenStore {
    /// How old a lock file must be to be taken over: its process is taken to have died.
    pub const STALE_LOCK: Duration = Duration::from_secs(30);

    /// How long a refresh waits for another's lock before giving up.
    const LOCK_WAIT: Duration = Duration::from_secs(30);

    /// A store in the file `path` (its folder must exist).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// The file `<path><suffix>`.
    fn beside(&self, suffix: &str) -> PathBuf {
        let mut path = self.path.clone().into_os_string();
        path.push(suffix);
        PathBuf::from(path)
    }

    fn failed(&self, what: &str, err: impl fmt::Display) -> Error {
        Error::TokenStore {
            store: self.name(),
            reason: format!("could not {what} it: {err}"),
        }
    }

    fn write(&self, bytes: &[u8]) -> Result<(), Error> {
        use std::io::Write;
        let count = WRITES.fetch_add(1, Ordering::Relaxed);
        let temporary = self.beside(&format!(".{}-{count}.tmp", std::process::id()));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
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

    fn try_lock(&self, lock: &Path) -> std::io::Result<bool> {
        use std::io::Write;
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(lock)
        {
            Ok(mut file) => {
                let _ = write!(file, "{}", std::process::id());
                Ok(true)
            }
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
                let age = std::fs::metadata(lock)
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|modified| modified.elapsed().ok());
                if age.is_some_and(|age| age > Self::STALE_LOCK) {
                    tracing::warn!(lock = %lock.display(), "taking over a stale token file lock");
                    let _ = std::fs::remove_file(lock);
                }
                Ok(false)
            }
            Err(err) => Err(err),
        }
    }
}

/// Removes the lock file when dropped.
struct LockFile(PathBuf);

impl Drop for LockFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
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
            // A syntax error's message gives a line and column, never the content.
            let value = serde_json::from_slice(&text).map_err(|err| Error::TokenStore {
                store: self.name(),
                reason: format!("it is not valid JSON ({err})"),
            })?;
            Ok(Some(StoredTokens::from_json(value)))
        })
    }

    fn save(&self, tokens: StoredTokens) -> BoxFuture<'_, Result<(), Error>> {
        Box::pin(async move {
            let bytes = serde_json::to_vec_pretty(tokens.expose())
                .map_err(|err| self.failed("write", err))?;
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

    fn name(&self) -> String {
        format!("the token file {}", self.path.display())
    }

    fn set_aside(&self) -> BoxFuture<'_, Result<Option<String>, Error>> {
        Box::pin(async move {
            for n in 1..1000 {
                let copy = self.beside(&format!(".corrupt-{n}"));
                if std::fs::symlink_metadata(&copy).is_ok() {
                    continue;
                }
                return match std::fs::rename(&self.path, &copy) {
                    Ok(()) => Ok(Some(copy.display().to_string())),
                    Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
                    Err(err) => Err(self.failed("move aside", err)),
                };
            }
            Err(self.failed("move aside", "999 copies exist already"))
        })
    }

    fn lock(&self) -> BoxFuture<'_, Result<Option<TokenStoreLock>, Error>> {
        Box::pin(async move {
            let lock = self.beside(".lock");
            let start = Instant::now();
            loop {
                if self
                    .try_lock(&lock)
                    .map_err(|err| self.failed("lock", err))?
                {
                    return Ok(Some(TokenStoreLock::new(LockFile(lock))));
                }
                if start.elapsed() > Self::LOCK_WAIT {
                    return Err(self.failed(
                        "lock",
                        format!("{} stayed held for {:?}", lock.display(), Self::LOCK_WAIT),
                    ));
                }
                tokio::time::sleep(Duration::from_millis(5 + fastrand::u64(0..10))).await;
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

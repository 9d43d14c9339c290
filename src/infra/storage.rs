//! Where document bytes live: an object store (the `object_store` crate)
//! chosen by `ANTRE_STORAGE_URL` — a directory (`file://…`, the default
//! `DATA_DIR/documents`) or an S3-compatible bucket (`s3://BUCKET/PREFIX`)
//! that several instances share. Objects are named by content hash,
//! `ab/cd/abcd…`, never by anything a client sent; the layout is the one
//! data dirs have always had, so existing ones keep working.
//!
//! The rest of the code is synchronous where it touches the store (it runs
//! on blocking threads, next to diesel), so each call is handed to a small
//! runtime of the store's own and waited for with a deadline: a store that
//! does not answer is reported as unavailable within seconds, and no actix
//! worker ever waits on it.

use std::future::Future;
use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{
    BackoffConfig, ClientConfigKey, GetOptions, ObjectStore, PutOptions, PutPayload, RetryConfig,
};

/// Why the store could not do what was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// The store did not answer, or answered with an error: try again later.
    Unavailable(String),
    /// Not a lowercase hex SHA-256 digest: a bug, never a client's input.
    InvalidKey,
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unavailable(why) => write!(f, "document store unavailable: {why}"),
            Self::InvalidKey => f.write_str("invalid document key"),
        }
    }
}

/// Content-addressed blob storage. Keys are lowercase hex SHA-256 digests.
pub trait DocumentStore: Send + Sync {
    /// Stores `bytes` under `key`, returning once the store has confirmed
    /// the write; storing the same key twice is harmless.
    fn put(&self, key: &str, bytes: &[u8]) -> Result<(), StoreError>;
    /// The bytes under `key`; `None` when the store has none.
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError>;
}

/// `ANTRE_STORAGE_URL`, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageUrl {
    /// A directory on this machine.
    File(PathBuf),
    /// A bucket of an S3-compatible store, and a key prefix in it ("" for
    /// none; otherwise without leading or trailing slashes).
    S3 { bucket: String, prefix: String },
}

impl StorageUrl {
    /// `file:///PATH` (or `file://RELATIVE`), or `s3://BUCKET[/PREFIX]`.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        let Some((scheme, rest)) = raw.split_once("://") else {
            return Err(format!(
                "ANTRE_STORAGE_URL: expected file:///PATH or s3://BUCKET[/PREFIX], got {raw:?}"
            ));
        };
        match scheme.to_ascii_lowercase().as_str() {
            "file" => {
                // `file://localhost/x` names /x, as in RFC 8089.
                let path = match rest.strip_prefix("localhost") {
                    Some(p) if p.starts_with('/') => p,
                    _ => rest,
                };
                if path.is_empty() {
                    return Err("ANTRE_STORAGE_URL: file:// needs a directory".into());
                }
                if path.contains(['?', '#']) {
                    return Err(format!(
                        "ANTRE_STORAGE_URL: a file URL takes no query or fragment: {raw:?}"
                    ));
                }
                Ok(Self::File(PathBuf::from(path)))
            }
            "s3" => {
                let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
                if !bucket_name_ok(bucket) {
                    return Err(format!(
                        "ANTRE_STORAGE_URL: {bucket:?} is not a valid bucket name \
                         (3-63 lowercase letters, digits, dots and hyphens)"
                    ));
                }
                let prefix = prefix.trim_matches('/');
                let segment_ok = |s: &str| {
                    !s.is_empty()
                        && s != "."
                        && s != ".."
                        && s.chars().all(|c| !c.is_control() && !"?#*\\".contains(c))
                };
                if !prefix.is_empty() && !prefix.split('/').all(segment_ok) {
                    return Err(format!(
                        "ANTRE_STORAGE_URL: {prefix:?} is not a valid key prefix"
                    ));
                }
                Ok(Self::S3 {
                    bucket: bucket.to_string(),
                    prefix: prefix.to_string(),
                })
            }
            other => Err(format!(
                "ANTRE_STORAGE_URL: unsupported scheme {other:?} (use file:// or s3://)"
            )),
        }
    }

    /// The default: `DATA_DIR/documents`.
    pub fn in_data_dir(data_dir: &FsPath) -> Self {
        Self::File(data_dir.join("documents"))
    }

    /// Where documents go, for the start-up line (no credentials in it).
    pub fn describe(&self) -> String {
        match self {
            Self::File(dir) => format!("file://{}", dir.display()),
            Self::S3 { bucket, prefix } if prefix.is_empty() => format!("s3://{bucket}"),
            Self::S3 { bucket, prefix } => format!("s3://{bucket}/{prefix}"),
        }
    }
}

/// S3's bucket naming rules, which every compatible store accepts.
fn bucket_name_ok(name: &str) -> bool {
    let edge_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    (3..=63).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
        && edge_ok(name.chars().next())
        && edge_ok(name.chars().last())
        && !name.contains("..")
}

/// A request to the store that has not answered by then is given up.
const REQUEST_TIMEOUT: &str = "5s";
const CONNECT_TIMEOUT: &str = "2s";
/// The longest any one call waits, retries included.
const CALL_DEADLINE: Duration = Duration::from_secs(10);

/// The document store `url` names. Only checks the configuration: a store
/// that is down at start-up is reported by each call until it is back.
pub fn open(url: &StorageUrl) -> Result<ObjectDocStore, String> {
    let (store, prefix): (Arc<dyn ObjectStore>, Path) = match url {
        StorageUrl::File(dir) => {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            let fs = LocalFileSystem::new_with_prefix(dir)
                .map_err(|e| format!("ANTRE_STORAGE_URL: cannot use {}: {e}", dir.display()))?
                // A write is acknowledged only once it is on disk.
                .with_fsync(true);
            (Arc::new(fs), Path::default())
        }
        StorageUrl::S3 { bucket, prefix } => s3_store(AmazonS3Builder::from_env(), bucket, prefix)?,
    };
    ObjectDocStore::new(store, prefix)
}

/// A bucket through `builder` (the standard `AWS_*` variables in
/// production), with deadlines short enough that an outage is answered
/// within seconds.
fn s3_store(
    builder: AmazonS3Builder,
    bucket: &str,
    prefix: &str,
) -> Result<(Arc<dyn ObjectStore>, Path), String> {
    let s3 = builder
        .with_bucket_name(bucket)
        .with_config(
            AmazonS3ConfigKey::Client(ClientConfigKey::Timeout),
            REQUEST_TIMEOUT,
        )
        .with_config(
            AmazonS3ConfigKey::Client(ClientConfigKey::ConnectTimeout),
            CONNECT_TIMEOUT,
        )
        .with_retry(RetryConfig {
            backoff: BackoffConfig {
                init_backoff: Duration::from_millis(100),
                max_backoff: Duration::from_secs(1),
                base: 2.0,
            },
            max_retries: 2,
            retry_timeout: CALL_DEADLINE,
        })
        .build()
        .map_err(|e| format!("ANTRE_STORAGE_URL: {e}"))?;
    let prefix =
        Path::parse(prefix).map_err(|e| format!("ANTRE_STORAGE_URL: invalid prefix: {e}"))?;
    Ok((Arc::new(s3), prefix))
}

/// Documents in any object store, under `prefix`.
pub struct ObjectDocStore {
    store: Arc<dyn ObjectStore>,
    prefix: Path,
    runtime: Runtime,
}

impl ObjectDocStore {
    fn new(store: Arc<dyn ObjectStore>, prefix: Path) -> Result<Self, String> {
        Ok(Self {
            store,
            prefix,
            runtime: Runtime::new()?,
        })
    }

    /// `PREFIX/ab/cd/abcd…`: a key that is not a SHA-256 hex digest has no
    /// location.
    fn location(&self, key: &str) -> Result<Path, StoreError> {
        let valid = key.len() == 64
            && key
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !valid {
            return Err(StoreError::InvalidKey);
        }
        Ok(self
            .prefix
            .clone()
            .join(&key[0..2])
            .join(&key[2..4])
            .join(key))
    }
}

impl DocumentStore for ObjectDocStore {
    fn put(&self, key: &str, bytes: &[u8]) -> Result<(), StoreError> {
        let location = self.location(key)?;
        let (store, payload) = (self.store.clone(), PutPayload::from(bytes.to_vec()));
        self.runtime.call(async move {
            store
                .put_opts(&location, payload, PutOptions::default())
                .await
                .map(|_| ())
                .map_err(|e| StoreError::Unavailable(e.to_string()))
        })
    }

    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let location = match self.location(key) {
            Ok(l) => l,
            Err(StoreError::InvalidKey) => return Ok(None),
            Err(e) => return Err(e),
        };
        let store = self.store.clone();
        self.runtime.call(async move {
            let unavailable = |e: object_store::Error| StoreError::Unavailable(e.to_string());
            match store.get_opts(&location, GetOptions::default()).await {
                Ok(found) => Ok(Some(found.bytes().await.map_err(unavailable)?.to_vec())),
                Err(object_store::Error::NotFound { .. }) => Ok(None),
                Err(e) => Err(unavailable(e)),
            }
        })
    }
}

/// The store's own small runtime. Calls come from blocking threads (never
/// from an async worker), are spawned here and waited for through a
/// channel, so they neither need nor disturb the caller's runtime.
struct Runtime {
    /// `None` only while dropping.
    inner: Option<tokio::runtime::Runtime>,
}

impl Runtime {
    fn new() -> Result<Self, String> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("antre-store")
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the document store's runtime: {e}"))?;
        Ok(Self { inner: Some(rt) })
    }

    /// Runs `work` to completion, or gives up after [`CALL_DEADLINE`].
    fn call<T: Send + 'static>(
        &self,
        work: impl Future<Output = Result<T, StoreError>> + Send + 'static,
    ) -> Result<T, StoreError> {
        let Some(rt) = &self.inner else {
            return Err(StoreError::Unavailable("shutting down".into()));
        };
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        rt.spawn(async move {
            let done = tokio::time::timeout(CALL_DEADLINE, work)
                .await
                .unwrap_or_else(|_| Err(StoreError::Unavailable("no answer in time".into())));
            let _ = tx.send(done);
        });
        rx.recv_timeout(CALL_DEADLINE + Duration::from_secs(1))
            .unwrap_or_else(|_| Err(StoreError::Unavailable("no answer in time".into())))
    }
}

impl Drop for Runtime {
    /// The store may be dropped on an async thread (when the server
    /// stops), where a runtime must not block to shut down.
    fn drop(&mut self) {
        if let Some(rt) = self.inner.take() {
            rt.shutdown_background();
        }
    }
}

#[cfg(test)]
mod tests;

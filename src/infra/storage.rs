//! Where document bytes live. One small interface so that a multi-instance
//! deployment can move documents to an S3-compatible object store (the
//! `object_store` crate) without touching the rest of the code; today the
//! files sit under `DATA_DIR/documents/` named by content hash, never by
//! anything a client sent.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Content-addressed blob storage. Keys are lowercase hex SHA-256 digests.
pub trait DocumentStore: Send + Sync {
    /// Stores `bytes` under `key`; storing the same key twice is a no-op.
    fn put(&self, key: &str, bytes: &[u8]) -> Result<(), String>;
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, String>;
}

pub struct FsStore {
    root: PathBuf,
}

impl FsStore {
    pub fn new(data_dir: &Path) -> Result<Self, String> {
        let root = data_dir.join("documents");
        std::fs::create_dir_all(&root)
            .map_err(|e| format!("cannot create {}: {e}", root.display()))?;
        Ok(Self { root })
    }

    /// `ab/cd/abcd…`: a key that is not a SHA-256 hex digest has no path.
    fn path(&self, key: &str) -> Option<PathBuf> {
        let valid = key.len() == 64
            && key
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        valid.then(|| self.root.join(&key[0..2]).join(&key[2..4]).join(key))
    }
}

impl DocumentStore for FsStore {
    fn put(&self, key: &str, bytes: &[u8]) -> Result<(), String> {
        let path = self.path(key).ok_or("invalid document key")?;
        if path.exists() {
            return Ok(());
        }
        let dir = path.parent().ok_or("invalid document path")?;
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        // Write to a temporary name and rename, so a crash never leaves a
        // half-written file under the real name.
        // The temporary name is unique per write: the same bytes may be
        // stored by two requests at once.
        let tmp = dir.join(format!(
            "{key}.{}.tmp",
            crate::infra::crypto::random_token(9)
        ));
        let mut f =
            std::fs::File::create(&tmp).map_err(|e| format!("cannot write document: {e}"))?;
        let written = f.write_all(bytes).and_then(|_| f.sync_all());
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(format!("cannot write document: {e}"));
        }
        match std::fs::rename(&tmp, &path) {
            Ok(()) => Ok(()),
            Err(_) if path.exists() => {
                let _ = std::fs::remove_file(&tmp);
                Ok(())
            }
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                Err(format!("cannot store document: {e}"))
            }
        }
    }

    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, String> {
        let Some(path) = self.path(key) else {
            return Ok(None);
        };
        match std::fs::read(&path) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("cannot read document: {e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_refuses_odd_keys() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = FsStore::new(dir.path()).expect("store");
        let key = "a".repeat(64);
        store.put(&key, b"hello").expect("put");
        store.put(&key, b"hello").expect("put twice");
        assert_eq!(store.get(&key).expect("get"), Some(b"hello".to_vec()));
        assert!(store.put("../../etc/passwd", b"x").is_err());
        assert_eq!(store.get("../x").expect("get"), None);
        assert_eq!(store.get(&"b".repeat(64)).expect("get"), None);
    }
}

//! The audit log's Ed25519 signing key — given by `ANTRE_AUDIT_KEY`, so
//! that every instance signs with the same one, or kept in the data dir of
//! a single instance — and the check of a signature made with any such key.

use std::path::Path;

use ring::signature::{Ed25519KeyPair, KeyPair, UnparsedPublicKey, ED25519};

const KEY_FILE: &str = "audit_ed25519.key";

/// The signing key: from a configured seed, or generated once into
/// `DATA_DIR/audit_ed25519.key` (PKCS#8, hex, mode 0600).
pub struct AuditKey {
    pair: Ed25519KeyPair,
}

impl AuditKey {
    /// The configured key when there is one (`seed`), else the data dir's.
    pub fn load(seed: Option<&[u8; 32]>, data_dir: &Path) -> Result<Self, String> {
        match seed {
            Some(seed) => Self::from_seed(seed),
            None => Self::load_or_create(data_dir),
        }
    }

    /// Whether [`AuditKey::load`] finds a key without creating one.
    pub fn exists(seed: Option<&[u8; 32]>, data_dir: &Path) -> bool {
        seed.is_some() || data_dir.join(KEY_FILE).exists()
    }

    pub fn from_seed(seed: &[u8; 32]) -> Result<Self, String> {
        let pair = Ed25519KeyPair::from_seed_unchecked(seed)
            .map_err(|_| "ANTRE_AUDIT_KEY is not a usable Ed25519 seed".to_string())?;
        Ok(Self { pair })
    }

    pub fn load_or_create(data_dir: &Path) -> Result<Self, String> {
        let path = data_dir.join(KEY_FILE);
        let pkcs8 = match std::fs::read_to_string(&path) {
            Ok(text) => hex::decode(text.trim())
                .map_err(|_| format!("{} is not a hex key", path.display()))?,
            Err(_) => {
                std::fs::create_dir_all(data_dir)
                    .map_err(|e| format!("cannot create {}: {e}", data_dir.display()))?;
                let rng = ring::rand::SystemRandom::new();
                let doc = Ed25519KeyPair::generate_pkcs8(&rng)
                    .map_err(|_| "cannot generate the audit signing key".to_string())?;
                super::crypto::write_private(&path, hex::encode(doc.as_ref()).as_bytes())?;
                doc.as_ref().to_vec()
            }
        };
        let pair = Ed25519KeyPair::from_pkcs8_maybe_unchecked(&pkcs8)
            .map_err(|_| format!("{} does not hold an Ed25519 key", path.display()))?;
        Ok(Self { pair })
    }

    /// What the database remembers of this key: a hash of the public key.
    pub fn fingerprint(&self) -> String {
        super::crypto::fingerprint(self.pair.public_key().as_ref())
    }

    pub fn public_key_hex(&self) -> String {
        hex::encode(self.pair.public_key().as_ref())
    }

    /// The signature of `message`, hex.
    pub fn sign_hex(&self, message: &str) -> String {
        hex::encode(self.pair.sign(message.as_bytes()).as_ref())
    }
}

/// Whether `signature_hex` is a valid signature of `message` by
/// `public_key_hex`.
pub fn signature_ok(public_key_hex: &str, signature_hex: &str, message: &str) -> bool {
    let (Ok(pk), Ok(sig)) = (hex::decode(public_key_hex), hex::decode(signature_hex)) else {
        return false;
    };
    UnparsedPublicKey::new(&ED25519, pk)
        .verify(message.as_bytes(), &sig)
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_is_the_same_key_everywhere() {
        let seed = [7u8; 32];
        let (a, b) = (
            AuditKey::from_seed(&seed).expect("key"),
            AuditKey::from_seed(&seed).expect("key"),
        );
        assert_eq!(a.public_key_hex(), b.public_key_hex());
        assert_eq!(a.fingerprint(), b.fingerprint());
        let sig = a.sign_hex("m");
        assert!(signature_ok(&b.public_key_hex(), &sig, "m"));
        let other = AuditKey::from_seed(&[8u8; 32]).expect("key");
        assert_ne!(a.fingerprint(), other.fingerprint());
        assert!(!a.fingerprint().contains(&a.public_key_hex()));
    }
}

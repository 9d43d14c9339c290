//! Credentials: argon2id password hashes and HS256 JWTs.
//! Sessions themselves live in the database (`db::auth`) so logout really
//! ends them and every app instance sees the same state.

use std::path::Path;

use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use jsonwebtoken::{decode, encode, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};

pub const ISSUER: &str = "antre";
pub const AUDIENCE: &str = "antre";
/// Access tokens are short-lived; browser sessions are renewed while the
/// database session is alive (see `web::auth`).
pub const TOKEN_TTL_SECS: i64 = 30 * 60;
/// A signed-in session ends after this long even while used.
pub const SESSION_TTL_SECS: i64 = 12 * 60 * 60;

/// OWASP's minimum for argon2id: 19 MiB, 2 passes, 1 lane.
fn hasher() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Bounds how many password hashes run at once: each takes 19 MiB and a
/// core for tens of milliseconds, and a sign-in rush must not exhaust memory.
pub async fn hashing_permit() -> Option<tokio::sync::SemaphorePermit<'static>> {
    static PERMITS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    let sem = PERMITS.get_or_init(|| tokio::sync::Semaphore::new(crate::config::cores().max(2)));
    // The semaphore is never closed, so this is always `Some`.
    sem.acquire().await.ok()
}

/// Hashes a password (slow on purpose: call off the async threads).
pub fn hash_password(password: &str) -> Result<String, String> {
    hasher()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| format!("password hashing failed: {e}"))
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    hasher().verify_password(password.as_bytes(), hash).is_ok()
}

/// A hash of a random password, verified against when the account does not
/// exist so that a sign-in takes as long either way.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        let mut pw = [0u8; 16];
        rand::rng().fill_bytes(&mut pw);
        hash_password(&hex::encode(pw)).unwrap_or_default()
    })
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TokenClaims {
    /// "p:ID" for a participant, "s:ID" for staff.
    pub sub: String,
    pub role: String,
    /// Database session id.
    pub sid: String,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
}

#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// The checks every token must pass, built once: building them for
    /// each request (three sets of strings) was a ninth of verifying one.
    validation: Validation,
}

impl JwtKeys {
    pub fn new(secret: &[u8]) -> Self {
        let mut v = Validation::new(jsonwebtoken::Algorithm::HS256);
        v.algorithms = vec![jsonwebtoken::Algorithm::HS256];
        v.set_issuer(&[ISSUER]);
        v.set_audience(&[AUDIENCE]);
        v.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        v.validate_exp = false;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation: v,
        }
    }

    pub fn issue(&self, claims: &TokenClaims) -> Result<String, String> {
        encode(
            &Header::new(jsonwebtoken::Algorithm::HS256),
            claims,
            &self.encoding,
        )
        .map_err(|e| format!("token signing failed: {e}"))
    }

    /// Verifies signature, algorithm (pinned to HS256), issuer, audience,
    /// and expiry against `now` (Unix seconds of the server clock, which
    /// `ANTRE_CLOCK` may set to another day).
    pub fn verify(&self, token: &str, now: i64) -> Option<TokenClaims> {
        decode::<TokenClaims>(token, &self.decoding, &self.validation)
            .ok()
            .map(|d| d.claims)
            .filter(|c| c.exp >= now)
    }
}

/// The HS256 key: `ANTRE_JWT_SECRET`, or one generated once and kept in the
/// data dir (readable by the owner only).
pub fn load_or_create_secret(explicit: Option<&[u8]>, data_dir: &Path) -> Result<Vec<u8>, String> {
    if let Some(s) = explicit {
        return Ok(s.to_vec());
    }
    let path = data_dir.join("jwt.key");
    if let Ok(text) = std::fs::read_to_string(&path) {
        let bytes =
            hex::decode(text.trim()).map_err(|_| format!("{} is not a hex key", path.display()))?;
        if bytes.len() < 32 {
            return Err(format!(
                "{} holds a key shorter than 32 bytes",
                path.display()
            ));
        }
        return Ok(bytes);
    }
    std::fs::create_dir_all(data_dir)
        .map_err(|e| format!("cannot create {}: {e}", data_dir.display()))?;
    let mut key = [0u8; 32];
    rand::rng().fill_bytes(&mut key);
    write_private(&path, hex::encode(key).as_bytes())?;
    Ok(key.to_vec())
}

/// What the database may keep of a key to recognise it: a SHA-256 of the
/// key material under a fixed label, hex. For a public key it reveals
/// nothing; for a secret it tells only whether another copy is the same.
pub fn fingerprint(key_material: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(b"antre key fingerprint v1\0");
    h.update(key_material);
    format!("sha256:{}", hex::encode(h.finalize()))
}

pub(crate) fn write_private(path: &Path, content: &[u8]) -> Result<(), String> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts
        .open(path)
        .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    f.write_all(content)
        .and_then(|_| f.sync_all())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// A random URL-safe token (session ids, CSRF tokens).
pub fn random_token(bytes: usize) -> String {
    use base64::Engine;
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// What the database keeps of a single-use token sent by mail (a
/// password-reset link): its SHA-256, hex. The token has 256 random bits,
/// so a plain hash cannot be reversed by guessing, and a stolen database
/// holds no working link.
pub fn token_digest(token: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An expiry for tokens that must still be valid: verification checks
    /// it against the `now` it is given, never the machine's clock.
    const EXP: i64 = 2_000_000_000;

    fn claims(exp: i64) -> TokenClaims {
        TokenClaims {
            sub: "p:1".into(),
            role: "participant".into(),
            sid: "abc".into(),
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat: 0,
            exp,
        }
    }

    #[test]
    fn token_round_trip_and_tamper() {
        let keys = JwtKeys::new(&[7u8; 32]);
        let exp = EXP;
        let token = keys.issue(&claims(exp)).expect("sign");
        assert_eq!(keys.verify(&token, exp - 600), Some(claims(exp)));
        let other = JwtKeys::new(&[8u8; 32]);
        assert_eq!(other.verify(&token, exp - 600), None);
        let mut bad = token.clone();
        bad.push('x');
        assert_eq!(keys.verify(&bad, exp - 600), None);
    }

    #[test]
    fn expired_wrong_audience_and_wrong_issuer_refused() {
        let keys = JwtKeys::new(&[7u8; 32]);
        let token = keys.issue(&claims(1_000)).expect("sign");
        assert_eq!(keys.verify(&token, 1_001), None);
        // Valid on a server clock set before its expiry (ANTRE_CLOCK).
        assert!(keys.verify(&token, 999).is_some());
        let mut c = claims(EXP);
        c.aud = "other".into();
        let token = keys.issue(&c).expect("sign");
        assert_eq!(keys.verify(&token, 0), None);
        let mut c = claims(EXP);
        c.iss = "other".into();
        let token = keys.issue(&c).expect("sign");
        assert_eq!(keys.verify(&token, 0), None);
        // The checks are kept with the keys: the same keys still accept a
        // good token after refusing bad ones.
        let token = keys.issue(&claims(1_000)).expect("sign");
        assert!(keys.verify(&token, 999).is_some());
    }

    #[test]
    fn alg_none_refused() {
        use base64::Engine;
        let keys = JwtKeys::new(&[7u8; 32]);
        let e = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let header = e.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let body = e.encode(serde_json::to_vec(&claims(EXP)).expect("json"));
        assert_eq!(keys.verify(&format!("{header}.{body}."), 0), None);
    }

    #[test]
    fn token_digest_is_sha256_hex() {
        assert_eq!(
            token_digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(random_token(32).len(), 43);
    }

    #[test]
    fn password_hash_verifies() {
        let h = hash_password("correct horse 12").expect("hash");
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password(&h, "correct horse 12"));
        assert!(!verify_password(&h, "wrong horse 12"));
        assert!(!verify_password("garbage", "x"));
    }
}

//! Typed settings read once from the environment (and an optional `.env`).
//! Secrets are never printed: `Settings` has a hand-written `Debug`.

use std::net::SocketAddr;
use std::path::PathBuf;

use base64::Engine;
use chrono::{DateTime, Utc};

pub use crate::infra::storage::StorageUrl;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseUrl {
    /// `sqlite://PATH`, `sqlite:PATH`, a bare file path, or `postgres://…`.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            return Ok(Self::Postgres(raw.to_string()));
        }
        let path = raw
            .strip_prefix("sqlite://")
            .or_else(|| raw.strip_prefix("sqlite:"))
            .unwrap_or(raw);
        if path.is_empty() {
            return Err("ANTRE_DATABASE_URL: empty SQLite path".into());
        }
        if path.contains("://") {
            return Err(format!(
                "ANTRE_DATABASE_URL: unsupported scheme in {path:?}"
            ));
        }
        Ok(Self::Sqlite(PathBuf::from(path)))
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }
}

#[derive(Clone)]
pub struct Settings {
    pub database: DatabaseUrl,
    pub bind: String,
    pub data_dir: PathBuf,
    pub public_url: String,
    /// Whether `ANTRE_PUBLIC_URL` was given (else it follows the bound
    /// address, which matters when binding port 0).
    pub public_url_explicit: bool,
    /// Explicit HS256 key; when `None` one is generated in the data dir.
    pub jwt_secret: Option<Vec<u8>>,
    /// The audit checkpoints' Ed25519 seed (`ANTRE_AUDIT_KEY`); when `None`
    /// one is generated in the data dir (single instance only).
    pub audit_key: Option<[u8; 32]>,
    /// Where document bytes live (`ANTRE_STORAGE_URL`).
    pub storage: StorageUrl,
    pub smtp_url: Option<String>,
    /// The WhatsApp/SMS gateway messages are POSTed to
    /// (`ANTRE_MESSAGE_WEBHOOK_URL`); unset = email only.
    pub message_webhook_url: Option<String>,
    pub mail_from: String,
    pub demo: bool,
    pub clock_start: Option<DateTime<Utc>>,
    pub pool_size: u32,
    /// Seconds before the first retry of a failed mail; doubles each time.
    pub mail_retry_base_secs: i64,
    /// How often background workers wake up.
    pub worker_interval_ms: u64,
    /// How many days ahead sessions are generated (they show as "not yet
    /// open" beyond the branch's booking horizon).
    pub sessions_ahead_days: i64,
    pub retirement_age: u32,
    /// Largest accepted document upload in bytes.
    pub max_upload_bytes: u64,
    /// STUN/TURN servers for video (`ANTRE_ICE_SERVERS`, a JSON array of
    /// `{"urls","username","credential"}`); empty on a branch LAN, where
    /// host candidates suffice. TURN credentials are never logged.
    pub ice_servers: Vec<crate::domain::video::IceServer>,
    /// How long a stopping instance drains before it closes its listener
    /// (`ANTRE_DRAIN_SECONDS`, see `web::drain`).
    pub drain: std::time::Duration,
    /// How long a freed seat is held for the first in a waiting line
    /// (`ANTRE_OFFER_HOLD_MINUTES`).
    pub offer_hold_minutes: i64,
    /// How long a cancelled seat nobody waits for stays off the market,
    /// and its canceller may not re-book it (`ANTRE_COOLING_OFF_MINUTES`,
    /// 0 turns it off).
    pub cooling_off_minutes: i64,
    /// Bookings, reschedules and cancels one participant may make per
    /// hour (`ANTRE_BOOKING_CHANGES_PER_HOUR`, 0 = no limit).
    pub booking_changes_per_hour: i64,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("database", &self.database.backend_name())
            .field("bind", &self.bind)
            .field("data_dir", &self.data_dir)
            .field("public_url", &self.public_url)
            .field("jwt_secret", &self.jwt_secret.as_ref().map(|_| "<set>"))
            .field("audit_key", &self.audit_key.as_ref().map(|_| "<set>"))
            .field("storage", &self.storage.describe())
            .field("smtp", &self.smtp_url.as_ref().map(|_| "<set>"))
            .field("message_webhook", &self.message_webhook_url.is_some())
            .field("demo", &self.demo)
            .field("clock_start", &self.clock_start)
            .field("ice_servers", &self.ice_servers.len())
            .finish()
    }
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parse_num<T: std::str::FromStr>(name: &str, default: T) -> Result<T, String> {
    match var(name) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse()
            .map_err(|_| format!("{name}: not a valid number: {v:?}")),
    }
}

/// `ANTRE_AUDIT_KEY`: 32 bytes in base64 (standard or URL-safe alphabet,
/// padded or not).
pub fn parse_audit_key(raw: &str) -> Result<[u8; 32], String> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    let raw = raw.trim();
    let bytes = [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
        .iter()
        .find_map(|engine| engine.decode(raw).ok())
        .ok_or("ANTRE_AUDIT_KEY is not base64 (expected 32 random bytes in base64)")?;
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| {
        format!(
            "ANTRE_AUDIT_KEY must be 32 bytes in base64, got {} bytes",
            bytes.len()
        )
    })
}

/// `ANTRE_DRAIN_SECONDS`: 0 to 300 seconds, fractions allowed.
fn drain_period(secs: f64) -> Result<std::time::Duration, String> {
    if !(0.0..=300.0).contains(&secs) {
        return Err(format!(
            "ANTRE_DRAIN_SECONDS must be between 0 and 300, got {secs}"
        ));
    }
    Ok(std::time::Duration::from_secs_f64(secs))
}

impl Settings {
    /// Reads the environment; a `.env` file in the working directory is
    /// loaded first if present (real environment variables win).
    pub fn from_env() -> Result<Self, String> {
        let _ = dotenvy::dotenv();
        let database = DatabaseUrl::parse(
            &var("ANTRE_DATABASE_URL").unwrap_or_else(|| "sqlite://data/antre.db".into()),
        )?;
        let bind = var("ANTRE_BIND").unwrap_or_else(|| "127.0.0.1:8080".into());
        if bind.parse::<SocketAddr>().is_err() && !bind.contains(':') {
            return Err(format!("ANTRE_BIND: expected address:port, got {bind:?}"));
        }
        let data_dir = PathBuf::from(var("ANTRE_DATA_DIR").unwrap_or_else(|| "data".into()));
        let public_url_explicit = var("ANTRE_PUBLIC_URL").is_some();
        let public_url = var("ANTRE_PUBLIC_URL")
            .unwrap_or_else(|| format!("http://{bind}"))
            .trim_end_matches('/')
            .to_string();
        let jwt_secret = match var("ANTRE_JWT_SECRET") {
            None => None,
            Some(s) if s.len() < 32 => {
                return Err("ANTRE_JWT_SECRET must be at least 32 bytes".into());
            }
            Some(s) => Some(s.into_bytes()),
        };
        let audit_key = var("ANTRE_AUDIT_KEY")
            .map(|k| parse_audit_key(&k))
            .transpose()?;
        let storage = match var("ANTRE_STORAGE_URL") {
            Some(url) => StorageUrl::parse(&url)?,
            None => StorageUrl::in_data_dir(&data_dir),
        };
        let smtp_url = var("ANTRE_SMTP_URL");
        if let Some(url) = &smtp_url {
            if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                return Err("ANTRE_SMTP_URL must start with smtp:// or smtps://".into());
            }
        }
        let message_webhook_url = var("ANTRE_MESSAGE_WEBHOOK_URL");
        if let Some(url) = &message_webhook_url {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err("ANTRE_MESSAGE_WEBHOOK_URL must start with http:// or https://".into());
            }
        }
        let demo = matches!(var("ANTRE_DEMO").as_deref(), Some("1" | "true" | "yes"));
        let clock_start = match var("ANTRE_CLOCK") {
            None => None,
            Some(v) => Some(
                DateTime::parse_from_rfc3339(v.trim())
                    .map_err(|e| format!("ANTRE_CLOCK: not an RFC 3339 instant ({e})"))?
                    .with_timezone(&Utc),
            ),
        };
        let default_pool = default_pool_size_here(&database);
        Ok(Self {
            database,
            bind,
            data_dir,
            public_url,
            public_url_explicit,
            jwt_secret,
            audit_key,
            storage,
            smtp_url,
            message_webhook_url,
            mail_from: var("ANTRE_MAIL_FROM")
                .unwrap_or_else(|| "Antre BPJS Ketenagakerjaan <antre@localhost>".into()),
            demo,
            clock_start,
            pool_size: parse_num("ANTRE_DB_POOL_SIZE", default_pool)?,
            mail_retry_base_secs: parse_num("ANTRE_MAIL_RETRY_SECS", 30)?,
            worker_interval_ms: parse_num("ANTRE_WORKER_INTERVAL_MS", 1000)?,
            sessions_ahead_days: parse_num("ANTRE_SESSIONS_AHEAD_DAYS", 14)?,
            retirement_age: parse_num("ANTRE_RETIREMENT_AGE", 56)?,
            max_upload_bytes: parse_num("ANTRE_MAX_UPLOAD_BYTES", 6 * 1024 * 1024)?,
            ice_servers: crate::domain::video::parse_ice_servers(
                &var("ANTRE_ICE_SERVERS").unwrap_or_default(),
            )?,
            drain: drain_period(parse_num("ANTRE_DRAIN_SECONDS", 2.0)?)?,
            offer_hold_minutes: match parse_num("ANTRE_OFFER_HOLD_MINUTES", 120)? {
                m @ 10..=1440 => m,
                m => {
                    return Err(format!(
                        "ANTRE_OFFER_HOLD_MINUTES must be between 10 and 1440, got {m}"
                    ))
                }
            },
            cooling_off_minutes: match parse_num("ANTRE_COOLING_OFF_MINUTES", 10)? {
                m @ 0..=1440 => m,
                m => {
                    return Err(format!(
                        "ANTRE_COOLING_OFF_MINUTES must be between 0 and 1440, got {m}"
                    ))
                }
            },
            booking_changes_per_hour: match parse_num("ANTRE_BOOKING_CHANGES_PER_HOUR", 10)? {
                n @ 0..=10_000 => n,
                n => {
                    return Err(format!(
                        "ANTRE_BOOKING_CHANGES_PER_HOUR must be between 0 and 10000, got {n}"
                    ))
                }
            },
        })
    }
}

/// The connections an instance pools when `ANTRE_DB_POOL_SIZE` is unset,
/// on a machine with `cores` cores. SQLite: 8 (one writer at a time, the
/// rest readers). PostgreSQL: twice the cores and one, between 3 and 10 —
/// PostgreSQL's own rule of thumb for a pool, since more backends than
/// that on a small machine queue behind each other: on 2 cores, in five
/// alternating booking benchmarks each, the p99 at 70% of the maximum
/// rate was 47–85 ms with 5 against 84–183 ms with 10 (three of five over
/// 100 ms), CPU per booking about 5% less in three pairs of four, the
/// throughput the same within the host's noise (tests/it/bench/HISTORY.md,
/// twelfth step).
/// Several instances sharing one PostgreSQL each pool this many.
pub fn default_pool_size(database: &DatabaseUrl, cores: usize) -> u32 {
    match database {
        DatabaseUrl::Sqlite(_) => 8,
        DatabaseUrl::Postgres(_) => u32::try_from(cores.saturating_mul(2).saturating_add(1))
            .unwrap_or(u32::MAX)
            .clamp(3, 10),
    }
}

/// The cores this process may use (2 when the system cannot tell): the
/// pool's default, the audit log's readers and the password hashers' bound
/// all size themselves by it.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// [`default_pool_size`] on this machine's cores: what a server started
/// here pools (the benchmark asks the same).
pub fn default_pool_size_here(database: &DatabaseUrl) -> u32 {
    default_pool_size(database, cores())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_pool_sizes() {
        let pg = DatabaseUrl::Postgres("postgres://u@h/db".into());
        let lite = DatabaseUrl::Sqlite("antre.db".into());
        let sizes: Vec<u32> = [1, 2, 4, 5, 64, usize::MAX]
            .iter()
            .map(|&cores| default_pool_size(&pg, cores))
            .collect();
        assert_eq!(sizes, [3, 5, 9, 10, 10, 10]);
        assert_eq!(default_pool_size(&lite, 2), 8);
        assert_eq!(default_pool_size(&lite, 64), 8);
    }

    #[test]
    fn database_urls() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/antre.db"),
            Ok(DatabaseUrl::Sqlite("data/antre.db".into()))
        );
        assert_eq!(
            DatabaseUrl::parse("/tmp/x.db"),
            Ok(DatabaseUrl::Sqlite("/tmp/x.db".into()))
        );
        assert!(matches!(
            DatabaseUrl::parse("postgres://u@h/db"),
            Ok(DatabaseUrl::Postgres(_))
        ));
        assert!(DatabaseUrl::parse("mysql://x").is_err());
        assert!(DatabaseUrl::parse("sqlite://").is_err());
    }

    #[test]
    fn audit_keys() {
        let seed: [u8; 32] = std::array::from_fn(|i| i as u8 * 7);
        use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
        assert_eq!(parse_audit_key(&STANDARD.encode(seed)), Ok(seed));
        assert_eq!(parse_audit_key(&URL_SAFE_NO_PAD.encode(seed)), Ok(seed));
        assert!(parse_audit_key(&STANDARD.encode([1u8; 31])).is_err_and(|e| e.contains("31 bytes")));
        assert!(parse_audit_key("not base64!").is_err());
        assert!(parse_audit_key(&hex::encode(seed)).is_err());
    }
}

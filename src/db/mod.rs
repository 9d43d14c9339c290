//! Storage: one connection type over SQLite and PostgreSQL, the pool, the
//! embedded migrations, and one module per aggregate with its queries.
//!
//! Write transactions go through [`Db::write`]. On SQLite it takes the write
//! lock up front (`BEGIN IMMEDIATE`) so concurrent writers queue instead of
//! failing with `SQLITE_BUSY` half-way through, and writers queued behind
//! each other share one commit (`group_commit`): one fsync acknowledges
//! many writes, each still all-or-nothing in its own savepoint.

pub mod audit;
pub mod auth;
pub mod bookings;
pub mod branches;
pub mod claims;
pub mod closures;
pub mod collective;
pub mod collective_bulk;
pub mod collective_staff;
pub mod consents;
pub mod cooling;
pub mod demo;
pub mod devices;
pub mod documents;
pub mod draws;
pub mod email_verifications;
mod first;
pub mod floor;
mod group_commit;
pub mod keys;
pub mod outbox;
pub mod outreach;
pub mod overview;
pub mod participants;
pub mod password_resets;
pub mod placing;
mod pool;
mod rows;
pub mod schema;
pub mod seed;
pub mod staff;
pub mod staff_admin;
pub mod stamp;
mod tx;
pub mod video;
pub mod waitlist;
mod words;

pub use first::FirstRow;
use tx::{begin_tx, finish_tx};
pub use tx::{write_tx, write_tx_locked, TxLock};
pub use words::MaybeWord;

use std::sync::Arc;
use std::time::Duration;

use diesel::connection::{SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::r2d2::{CustomizeConnection, Pool, PooledConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::config::DatabaseUrl;

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Pg(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Runs the same diesel expression against the concrete backend: for the
/// few statements the multi-backend query builder cannot express
/// (`ON CONFLICT`, backend-specific SQL), and for the queries every
/// booking runs — diesel's `MultiConnection` writes each statement's SQL
/// text anew on every run (an allocation per identifier) before its cache
/// finds the prepared statement, while the backend's own connection finds
/// a query with a static id by its type (see tests/it/bench/HISTORY.md,
/// "Second step").
#[macro_export]
macro_rules! per_backend {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Pg($c) => $body,
            $crate::db::DbConnection::Sqlite($c) => $body,
        }
    };
}

/// The pool of connections (see [`pool`] for its checks).
pub type DbPool = Pool<pool::Manager>;
/// A connection taken from the pool.
pub type Pooled = PooledConnection<pool::Manager>;

/// The PostgreSQL advisory lock key migrations run under ("antre" in ASCII).
const MIGRATION_LOCK: i64 = 0x0061_6e74_7265;

#[derive(Clone)]
pub struct Db {
    pub pool: DbPool,
    /// Serializes this process's SQLite writers so they queue fairly in
    /// memory instead of spinning on the busy handler, and lets one commit
    /// acknowledge every writer queued behind it (`group_commit`); `None`
    /// on PostgreSQL.
    sqlite_writer: Option<Arc<group_commit::GroupCommit>>,
    /// The SQLite file, for readers that open it themselves
    /// (`audit::scan`); `None` on PostgreSQL.
    sqlite_path: Option<std::path::PathBuf>,
    /// The PostgreSQL address, for readers that open connections of
    /// their own (`audit::scan`).
    pg_url: Option<String>,
    /// This instance's audit chaining rounds (PostgreSQL, `audit::inbox`).
    chaining: Arc<audit::inbox::Rounds>,
}

#[derive(Debug)]
struct SqlitePragmas;

impl CustomizeConnection<DbConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut DbConnection) -> Result<(), diesel::r2d2::Error> {
        if let DbConnection::Sqlite(c) = conn {
            // busy_timeout must come before journal_mode: switching to WAL
            // needs a lock that a sibling connection may hold at start-up.
            // synchronous=FULL: a commit is on disk before we answer, so an
            // acknowledged booking survives a crash or power loss.
            c.batch_execute(
                "PRAGMA busy_timeout = 15000;
                 PRAGMA journal_mode = WAL;
                 PRAGMA synchronous = FULL;
                 PRAGMA foreign_keys = ON;",
            )
            .map_err(diesel::r2d2::Error::QueryError)?;
        }
        Ok(())
    }
}

/// The real reason a connection failed: the multi-connection wrapper
/// reports every failure as "invalid connection url".
fn explain_connect_failure(url: &DatabaseUrl) -> String {
    match url {
        DatabaseUrl::Postgres(u) => match diesel::PgConnection::establish(u) {
            Ok(_) => "PostgreSQL accepted a direct connection; the pool failed".into(),
            Err(e) => format!("cannot connect to PostgreSQL: {e}"),
        },
        DatabaseUrl::Sqlite(p) => match diesel::SqliteConnection::establish(&p.to_string_lossy()) {
            Ok(_) => "SQLite opened directly; the pool failed".into(),
            Err(e) => format!("cannot open SQLite database {}: {e}", p.display()),
        },
    }
}

impl Db {
    /// A pool for a one-shot command: a single connection opened on demand
    /// on the calling thread. A server pool keeps idle connections by
    /// opening them on background threads; a command that exits while
    /// such a thread is still connecting to PostgreSQL can be torn down
    /// mid-handshake by libpq/OpenSSL's exit handlers.
    pub fn connect_once(url: &DatabaseUrl) -> Result<Self, String> {
        Self::build(url, 1, 0)
    }

    pub fn connect(url: &DatabaseUrl, pool_size: u32) -> Result<Self, String> {
        Self::build(url, pool_size, 1)
    }

    fn build(url: &DatabaseUrl, pool_size: u32, min_idle: u32) -> Result<Self, String> {
        let (conn_url, sqlite) = match url {
            DatabaseUrl::Sqlite(path) => {
                if let Some(parent) = path.parent() {
                    if !parent.as_os_str().is_empty() {
                        std::fs::create_dir_all(parent).map_err(|e| {
                            format!("cannot create directory {}: {e}", parent.display())
                        })?;
                    }
                }
                (format!("sqlite://{}", path.display()), true)
            }
            DatabaseUrl::Postgres(u) => (u.clone(), false),
        };
        let manager = pool::Manager::new(conn_url);
        let mut builder = Pool::builder()
            .max_size(pool_size.max(1))
            .min_idle(Some(min_idle))
            .connection_timeout(Duration::from_secs(30));
        if sqlite {
            builder = builder.connection_customizer(Box::new(SqlitePragmas));
        }
        let pool = builder.build(manager).map_err(|e| {
            tracing::debug!("pool error: {e}");
            explain_connect_failure(url)
        })?;
        Ok(Self {
            pool,
            sqlite_writer: sqlite.then(|| Arc::new(group_commit::GroupCommit::default())),
            sqlite_path: match url {
                DatabaseUrl::Sqlite(path) => Some(path.clone()),
                DatabaseUrl::Postgres(_) => None,
            },
            pg_url: match url {
                DatabaseUrl::Postgres(u) => Some(u.clone()),
                DatabaseUrl::Sqlite(_) => None,
            },
            chaining: Arc::default(),
        })
    }

    pub fn conn(&self) -> Result<Pooled, DbError> {
        self.pool.get().map_err(|e| DbError::Pool(e.to_string()))
    }

    /// Applies pending migrations; on PostgreSQL under an advisory lock.
    pub fn migrate(&self) -> Result<usize, String> {
        let mut conn = self.conn().map_err(|e| e.to_string())?;
        let applied = match &mut *conn {
            DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
            // Instances starting together on an empty database take
            // turns: the first migrates, the others then find nothing to do.
            DbConnection::Pg(c) => {
                diesel::sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))
                    .execute(c)
                    .map_err(|e| format!("migration lock: {e}"))?;
                let applied = c
                    .run_pending_migrations(POSTGRES_MIGRATIONS)
                    .map(|v| v.len());
                let _ = diesel::sql_query(format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"))
                    .execute(c);
                applied
            }
        };
        applied.map_err(|e| format!("migration failed: {e}"))
    }

    pub fn sqlite_path(&self) -> Option<&std::path::Path> {
        self.sqlite_path.as_deref()
    }

    pub fn pg_url(&self) -> Option<&str> {
        self.pg_url.as_deref()
    }

    pub fn is_sqlite(&self) -> bool {
        self.sqlite_writer.is_some()
    }

    /// Runs `f` in one write transaction (see module docs).
    pub fn write<T, E>(&self, f: impl FnOnce(&mut DbConnection) -> Result<T, E>) -> Result<T, E>
    where
        E: From<DbError>,
    {
        self.write_locked(None, f)
    }

    /// [`Db::write`], the transaction holding `lock` from its start (on
    /// PostgreSQL; SQLite's single writer needs none).
    pub fn write_locked<T, E>(
        &self,
        lock: Option<TxLock>,
        f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<DbError>,
    {
        match &self.sqlite_writer {
            // Queue first, then take a connection: waiting writers must
            // not hold connections that readers need.
            Some(group) => group.write(&self.pool, f),
            None => {
                let done = {
                    let mut conn = self.begun(lock)?;
                    finish_tx(&mut conn, f)
                };
                // Chain after commit (PostgreSQL, see `audit::inbox`): the
                // action stands; a failed chaining leaves its entries for
                // the next round. The connection is back in the pool
                // first: a writer waiting for a round holds none (several
                // at a time used to hold theirs doing nothing while other
                // bookings queued for one); the one that runs the round
                // takes one.
                if audit::inbox::take_unchained() && done.is_ok() {
                    if let Err(e) = self.chaining.chain_after_commit(|| self.conn()) {
                        tracing::warn!("audit entries left for the next chaining round: {e}");
                    }
                }
                done
            }
        }
    }

    /// A connection with its transaction begun. One the server closed
    /// since its last use (and was trusted unchecked, see [`pool`]) fails
    /// at `BEGIN`, before any work: it is dropped, which discards it, and
    /// the next is taken.
    fn begun(&self, lock: Option<TxLock>) -> Result<Pooled, DbError> {
        let mut tries = 0;
        loop {
            let mut conn = self.conn()?;
            match begin_tx(&mut conn, lock) {
                Ok(()) => return Ok(conn),
                Err(e) if e.is_closed_connection() && tries < 3 => tries += 1,
                Err(e) => return Err(e),
            }
        }
    }

    /// Runs `f` with a connection, for reads.
    pub fn read<T, E>(&self, f: impl FnOnce(&mut DbConnection) -> Result<T, E>) -> Result<T, E>
    where
        E: From<DbError>,
    {
        let mut conn = self.conn()?;
        f(&mut conn)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database pool: {0}")]
    Pool(String),
    #[error("database: {0}")]
    Query(diesel::result::Error),
    /// A stored state word no enum knows (a row written by a newer
    /// version, or by hand).
    #[error("database: unknown stored state {0:?}")]
    UnknownState(String),
    /// The commit that held this write failed (SQLite group commit).
    #[error("database commit failed: {0}")]
    Commit(String),
    /// The blocking task running the work panicked or was cancelled.
    #[error("database task: {0}")]
    Task(String),
}

impl From<diesel::result::Error> for DbError {
    /// A row field that failed to parse as its state enum (see `words`)
    /// becomes [`DbError::UnknownState`].
    fn from(e: diesel::result::Error) -> Self {
        match &e {
            diesel::result::Error::DeserializationError(inner) => {
                match inner.downcast_ref::<crate::domain::status::UnknownState>() {
                    Some(unknown) => DbError::UnknownState(unknown.0.clone()),
                    None => DbError::Query(e),
                }
            }
            _ => DbError::Query(e),
        }
    }
}

impl DbError {
    pub fn is_unique_violation(&self) -> bool {
        matches!(
            self,
            DbError::Query(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _
            ))
        )
    }

    /// The server closed the connection (or it could not be written to).
    pub fn is_closed_connection(&self) -> bool {
        matches!(
            self,
            DbError::Query(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::ClosedConnection
                    | diesel::result::DatabaseErrorKind::UnableToSendCommand,
                _
            ))
        )
    }

    /// A CHECK constraint refused the write (e.g. `booked <= capacity`).
    pub fn is_check_violation(&self) -> bool {
        match self {
            DbError::Query(diesel::result::Error::DatabaseError(kind, info)) => {
                matches!(kind, diesel::result::DatabaseErrorKind::CheckViolation)
                    || info.message().contains("CHECK constraint")
            }
            _ => false,
        }
    }
}

/// Runs blocking database work on the runtime's blocking thread pool, never on
/// the async executor.
pub async fn run<T, E, F>(db: &Db, f: F) -> Result<T, E>
where
    F: FnOnce(&Db) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: Send + 'static + From<DbError>,
{
    let db = db.clone();
    match tokio::task::spawn_blocking(move || f(&db)).await {
        Ok(r) => r,
        Err(e) => Err(DbError::Task(format!("blocking task failed: {e}")).into()),
    }
}

impl From<DbError> for String {
    fn from(e: DbError) -> String {
        e.to_string()
    }
}

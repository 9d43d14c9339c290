//! Write transactions on one connection: begun (on PostgreSQL perhaps
//! holding an advisory lock from the `BEGIN`), the work, then commit, or
//! rollback on its error.

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};

use super::{DbConnection, DbError};

/// A transaction-scoped advisory lock (PostgreSQL) taken in the round trip
/// of the transaction's `BEGIN`, as one simple-protocol message: the lock
/// every change of a participant's booking or of the chain waits on, a
/// round trip fewer than a statement of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxLock {
    /// The two-key form: a family and a key in it.
    Pair(i32, i32),
    /// The one-key form.
    Single(i64),
}

impl TxLock {
    fn begin_sql(self) -> String {
        match self {
            TxLock::Pair(family, key) => {
                format!("BEGIN; SELECT pg_advisory_xact_lock({family}, {key})")
            }
            TxLock::Single(key) => format!("BEGIN; SELECT pg_advisory_xact_lock({key})"),
        }
    }
}

/// One transaction that holds the write lock from its first statement.
pub fn write_tx<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<DbError>,
{
    write_tx_locked(conn, None, f)
}

/// [`write_tx`] holding `lock` from its `BEGIN` on PostgreSQL.
pub fn write_tx_locked<T, E>(
    conn: &mut DbConnection,
    lock: Option<TxLock>,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<DbError>,
{
    begin_tx(conn, lock)?;
    finish_tx(conn, f)
}

pub(super) fn begin_tx(conn: &mut DbConnection, lock: Option<TxLock>) -> Result<(), DbError> {
    let begun = match conn {
        DbConnection::Sqlite(c) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")
        }
        DbConnection::Pg(c) => match lock {
            // If the lock failed after BEGIN, the server holds a failed
            // transaction diesel never saw begin: end it.
            Some(lock) => AnsiTransactionManager::begin_transaction_sql(c, &lock.begin_sql())
                .inspect_err(|_| {
                    let _ = c.batch_execute("ROLLBACK");
                }),
            None => AnsiTransactionManager::begin_transaction(c),
        },
    };
    begun.map_err(DbError::from)
}

/// Runs `f` in the transaction begun on `conn`, then commits, or rolls back
/// on its error.
pub(super) fn finish_tx<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<DbError>,
{
    match f(conn) {
        Ok(value) => {
            if let Err(e) = DbConnection::commit_transaction(conn) {
                let _ = DbConnection::rollback_transaction(conn);
                // The connection lost at COMMIT: whether it committed is
                // unknown, unlike a connection lost before.
                let e = DbError::from(e);
                if e.is_closed_connection() {
                    return Err(DbError::Commit(e.to_string()).into());
                }
                return Err(e.into());
            }
            Ok(value)
        }
        Err(e) => {
            let _ = DbConnection::rollback_transaction(conn);
            Err(e)
        }
    }
}

//! Group commit for SQLite writers: one `COMMIT` (and so one fsync with
//! `synchronous=FULL`) acknowledges every writer that queued behind it.
//!
//! SQLite has one writer at a time. Without grouping, each write
//! transaction pays its own fsync and its own hand-over of the write lock,
//! and under a rush (the 08:00 booking stampede) that is the limit. Here
//! writers still run one at a time, each on its own thread with its own
//! closure, but in one shared transaction on one connection:
//!
//! 1. a writer takes the group lock; if no group transaction is open it
//!    opens one (`BEGIN IMMEDIATE`);
//! 2. it runs its closure inside a savepoint: an `Err` rolls back to the
//!    savepoint (only its own changes are undone), an `Ok` releases it;
//! 3. if other writers are queued for the lock (and the group is still
//!    small and young), it hands the open transaction over and sleeps;
//!    otherwise it commits, and the outcome wakes every writer of the group;
//! 4. a writer returns `Ok` only after the commit that contains its changes
//!    succeeded; if that commit fails, every writer of the group gets the
//!    error (nothing of theirs is stored).
//!
//! Durability and isolation are those of one transaction per writer: each
//! closure sees the effects of the writers before it in the group, exactly
//! as if they had committed just before, and nothing is acknowledged before
//! it is on disk. With no one queued, a writer commits at once: the
//! behaviour at low load is the plain one-transaction-per-write.

use std::collections::VecDeque;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::sql_types::Bool;
use diesel::RunQueryDsl;

use super::first::{Fixed, FixedSql};
use super::{DbConnection, DbError};

/// At most this many writers share one commit…
const MAX_MEMBERS: usize = 64;
/// …and a group stays open at most this long, so the first writer's
/// acknowledgement waits a bounded time.
const MAX_SPAN: Duration = Duration::from_millis(15);
/// Outcomes kept for writers still waking up (far more than ever wait).
const KEPT_OUTCOMES: usize = 4096;

type Conn = super::Pooled;

#[derive(Default)]
pub struct GroupCommit {
    /// The group lock: held while a writer runs and while a group commits.
    state: Mutex<State>,
    /// The groups' outcomes, behind a lock of their own: a writer waiting
    /// for its group's commit is woken by it and reads its outcome without
    /// queueing again behind the writers of the next group, who hold the
    /// group lock while they run.
    outcomes: Mutex<VecDeque<(u64, Option<String>)>>,
    settled: Condvar,
    /// Writers waiting for the group lock: the hand-over signal.
    queued: AtomicUsize,
}

#[derive(Default)]
struct State {
    open: Option<Open>,
    last_epoch: u64,
}

struct Open {
    conn: Conn,
    epoch: u64,
    members: usize,
    began: Instant,
}

impl GroupCommit {
    pub fn write<T, E>(
        &self,
        pool: &super::DbPool,
        f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<DbError>,
    {
        self.queued.fetch_add(1, Ordering::SeqCst);
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        self.queued.fetch_sub(1, Ordering::SeqCst);

        if st.open.is_none() {
            let mut conn = pool.get().map_err(|e| DbError::Pool(e.to_string()))?;
            begin_immediate(&mut conn)?;
            st.last_epoch += 1;
            st.open = Some(Open {
                conn,
                epoch: st.last_epoch,
                members: 0,
                began: Instant::now(),
            });
        }
        let (epoch, mine) = {
            let Some(open) = st.open.as_mut() else {
                return Err(DbError::Task("group transaction vanished".into()).into());
            };
            open.members += 1;
            let epoch = open.epoch;
            if let Err(e) = savepoint(&mut open.conn) {
                let why = e.to_string();
                self.abort(&mut st, &why);
                return Err(e.into());
            }
            match catch_unwind(AssertUnwindSafe(|| f(&mut open.conn))) {
                Err(panic) => {
                    self.abort(&mut st, "a writer of the group panicked");
                    drop(st);
                    resume_unwind(panic);
                }
                Ok(Err(e)) => match rollback_savepoint(&mut open.conn) {
                    Ok(()) => (epoch, Err(e)),
                    Err(db) => {
                        self.abort(&mut st, &db.to_string());
                        return Err(e);
                    }
                },
                Ok(Ok(value)) => match release_savepoint(&mut open.conn) {
                    Ok(()) => (epoch, Ok(value)),
                    Err(db) => {
                        let why = db.to_string();
                        self.abort(&mut st, &why);
                        return Err(db.into());
                    }
                },
            }
        };

        let hand_over = st.open.as_ref().is_some_and(|o| {
            self.queued.load(Ordering::SeqCst) > 0
                && o.members < MAX_MEMBERS
                && o.began.elapsed() < MAX_SPAN
        });
        if !hand_over {
            self.commit(&mut st);
        }
        drop(st);
        // A writer whose own closure failed has nothing in the group to wait for.
        let value = mine?;
        // (epoch, None = committed | Some(why it failed)), newest last.
        let mut outcomes = self.outcomes.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if let Some((_, outcome)) = outcomes.iter().rev().find(|(e, _)| *e == epoch) {
                return match outcome {
                    None => Ok(value),
                    Some(why) => Err(DbError::Commit(why.clone()).into()),
                };
            }
            outcomes = self
                .settled
                .wait(outcomes)
                .unwrap_or_else(|p| p.into_inner());
        }
    }

    fn commit(&self, st: &mut MutexGuard<'_, State>) {
        let Some(mut open) = st.open.take() else {
            return;
        };
        let outcome = match DbConnection::commit_transaction(&mut *open.conn) {
            Ok(()) => None,
            Err(e) => {
                let _ = DbConnection::rollback_transaction(&mut *open.conn);
                Some(e.to_string())
            }
        };
        self.settle(open.epoch, outcome);
    }

    /// Rolls the whole group back: every writer of it gets `why`.
    fn abort(&self, st: &mut MutexGuard<'_, State>, why: &str) {
        let Some(mut open) = st.open.take() else {
            return;
        };
        // Unwind every open savepoint, then the transaction itself.
        while in_transaction(&mut open.conn) {
            if DbConnection::rollback_transaction(&mut *open.conn).is_err() {
                break;
            }
        }
        self.settle(open.epoch, Some(why.to_string()));
    }

    /// Records group `epoch`'s outcome and wakes its writers (called with
    /// the group lock held: that lock, then this one, never the reverse).
    fn settle(&self, epoch: u64, outcome: Option<String>) {
        if let Some(why) = &outcome {
            tracing::error!("group commit {epoch} failed: {why}");
        }
        let mut outcomes = self.outcomes.lock().unwrap_or_else(|p| p.into_inner());
        outcomes.push_back((epoch, outcome));
        while outcomes.len() > KEPT_OUTCOMES {
            outcomes.pop_front();
        }
        drop(outcomes);
        self.settled.notify_all();
    }
}

/// Group commit is only ever built for SQLite pools (see `Db::build`).
fn sqlite_of(conn: &mut Conn) -> Result<&mut diesel::SqliteConnection, DbError> {
    match &mut **conn {
        DbConnection::Sqlite(c) => Ok(c),
        DbConnection::Pg(_) => Err(DbError::Task(
            "group commit is used with SQLite only".into(),
        )),
    }
}

fn begin_immediate(conn: &mut Conn) -> Result<(), DbError> {
    AnsiTransactionManager::begin_transaction_sql(sqlite_of(conn)?, "BEGIN IMMEDIATE")
        .map_err(DbError::from)
}

/// The savepoint each writer of the group runs in. Its three statements
/// are kept prepared: diesel's own savepoints are sent with
/// `batch_execute`, parsed anew for every writer, inside the writer's
/// critical section (callgrind, a booking over HTTP: `sqlite3_exec`
/// 35,000 -> 24,000 instructions). Diesel's transaction manager does not
/// count it: inside a closure the depth is the group's transaction, and
/// unwinding that ([`GroupCommit::abort`]) rolls the savepoint back with
/// it.
struct Savepoint;
impl FixedSql for Savepoint {
    const SQL: &'static str = "SAVEPOINT antre_writer";
    type SqlType = Bool;
}

struct Release;
impl FixedSql for Release {
    const SQL: &'static str = "RELEASE antre_writer";
    type SqlType = Bool;
}

struct RollbackTo;
impl FixedSql for RollbackTo {
    const SQL: &'static str = "ROLLBACK TO antre_writer";
    type SqlType = Bool;
}

fn savepoint(conn: &mut Conn) -> Result<(), DbError> {
    Fixed::<Savepoint>::statement().execute(sqlite_of(conn)?)?;
    Ok(())
}

fn release_savepoint(conn: &mut Conn) -> Result<(), DbError> {
    Fixed::<Release>::statement().execute(sqlite_of(conn)?)?;
    Ok(())
}

/// Undoes the writer's changes, then leaves its savepoint.
fn rollback_savepoint(conn: &mut Conn) -> Result<(), DbError> {
    Fixed::<RollbackTo>::statement().execute(sqlite_of(conn)?)?;
    release_savepoint(conn)
}

/// Whether diesel's transaction manager still has a transaction (or one of
/// its own savepoints) open on the connection; the writers' savepoint is
/// not counted.
fn in_transaction(conn: &mut Conn) -> bool {
    sqlite_of(conn).is_ok_and(|c| {
        AnsiTransactionManager::transaction_manager_status_mut(c)
            .transaction_depth()
            .ok()
            .flatten()
            .is_some()
    })
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use diesel::connection::SimpleConnection;
    use diesel::sql_types::{BigInt, Text};
    use diesel::RunQueryDsl;

    use crate::config::DatabaseUrl;
    use crate::db::{Db, DbError};

    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }

    fn count(db: &Db, sql: &str) -> i64 {
        db.read(|c| -> Result<i64, DbError> { Ok(diesel::sql_query(sql).get_result::<N>(c)?.n) })
            .expect("count")
    }

    /// 200 writers at once, every fifth of them failing half-way: each
    /// success is stored whole and each failure leaves nothing, whoever
    /// shared its commit.
    #[test]
    fn grouped_writers_keep_their_own_outcomes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = Db::connect(&DatabaseUrl::Sqlite(dir.path().join("g.db")), 4).expect("db");
        db.write(|c| {
            c.batch_execute(
                "CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL);
                 CREATE TABLE log (k TEXT NOT NULL);
                 INSERT INTO t (k, v) VALUES ('taken', 0);",
            )
            .map_err(DbError::from)
        })
        .expect("schema");
        let ok = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..200)
            .map(|i| {
                let db = db.clone();
                let ok = ok.clone();
                std::thread::spawn(move || {
                    let key = format!("k{i}");
                    let r = db.write(|c| -> Result<(), DbError> {
                        diesel::sql_query("INSERT INTO log (k) VALUES (?)")
                            .bind::<Text, _>(&key)
                            .execute(c)?;
                        // Every fifth writer collides with the row made with
                        // the table after writing its log row: its whole
                        // write must disappear.
                        let k = if i % 5 == 4 {
                            "taken".to_string()
                        } else {
                            key.clone()
                        };
                        diesel::sql_query("INSERT INTO t (k, v) VALUES (?, 1)")
                            .bind::<Text, _>(&k)
                            .execute(c)?;
                        Ok(())
                    });
                    if r.is_ok() {
                        ok.fetch_add(1, Ordering::SeqCst);
                    }
                    (i, r.map_err(|e| e.to_string()))
                })
            })
            .collect();
        for t in threads {
            let (i, stored) = t.join().expect("writer thread");
            if i % 5 == 4 {
                assert!(stored.is_err(), "writer {i} should have collided");
            } else {
                assert!(stored.is_ok(), "writer {i} failed: {stored:?}");
            }
        }
        assert_eq!(ok.load(Ordering::SeqCst), 160);
        assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM t"), 161);
        assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM log"), 160);
        assert_eq!(
            count(
                &db,
                "SELECT COUNT(*) AS n FROM log WHERE k IN (SELECT k FROM t)"
            ),
            160
        );
    }
}

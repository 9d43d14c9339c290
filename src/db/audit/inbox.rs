//! Chain after commit, on PostgreSQL (migration 19). Holding one global
//! lock from an action's entry through its commit serialized every audited
//! transaction on PostgreSQL, one WAL flush after another. Instead an action
//! writes its entry to `audit_inbox` in its own transaction, with no shared
//! lock; once that transaction has committed, [`chain_pending`] (run by
//! `Db::write` before the request answers, one round for every writer
//! waiting, see [`Rounds`]) takes the chain lock and moves every committed
//! inbox entry into the chain, many in one short transaction. So an answered action's entry is already chained; an
//! instance killed between the two commits leaves it in the inbox, where
//! the next chaining round (any instance's, a job runs one every second, and
//! `antre audit verify` runs one first) picks it up. Inbox rows are never
//! updated (a trigger refuses it), only moved.
//!
//! SQLite has one writer, which already orders every write: there the entry
//! is chained in the action's transaction and the inbox stays empty.

use std::cell::Cell;
use std::sync::{Condvar, Mutex};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::query_builder::{QueryFragment, QueryId};

use super::super::schema::{audit_inbox, audit_log};
use super::super::{write_tx_locked, DbConnection, DbError, TxLock};
use super::read::Entry as Chained;
use crate::db::first::{Fixed, FixedSql};
use crate::domain::audit::canonical;
use diesel::sql_types::{BigInt, Nullable, Text};

/// The advisory lock key that serializes chaining on PostgreSQL.
const CHAIN_LOCK: i64 = 4200;
/// Entries moved per chaining transaction.
const BATCH: i64 = 1000;
/// Entries per INSERT: far below both backends' bound-parameter limits.
const STATEMENT_ROWS: usize = 1000;

thread_local! {
    /// Set when this thread wrote an inbox entry that `Db::write` has not
    /// chained yet. Writes run on one thread from start to commit.
    static UNCHAINED: Cell<bool> = const { Cell::new(false) };
}

/// Whether this thread wrote inbox entries since the last call (and
/// forgets it).
pub fn take_unchained() -> bool {
    UNCHAINED.with(|u| u.replace(false))
}

/// One entry as the action records it: everything but its place in the
/// chain.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_inbox, treat_none_as_default_value = false)]
pub(super) struct Entry {
    pub at: NaiveDateTime,
    pub actor_id: Option<i64>,
    pub actor_role: String,
    pub actor_branch: Option<String>,
    pub action: String,
    pub participant_id: Option<i64>,
    pub claim_id: Option<i64>,
    pub booking_id: Option<i64>,
    pub session_id: Option<i64>,
    pub batch_id: Option<i64>,
    pub branch_code: Option<String>,
    pub details: String,
    pub client_ip: Option<String>,
    pub request_id: Option<String>,
}

impl Entry {
    /// This entry as number `seq` of the chain, after `prev_hash`.
    pub(super) fn chained(self, seq: i64, prev_hash: String) -> Chained {
        let mut row = Chained {
            seq,
            at: self.at,
            actor_id: self.actor_id,
            actor_role: self.actor_role,
            actor_branch: self.actor_branch,
            action: self.action,
            participant_id: self.participant_id,
            claim_id: self.claim_id,
            booking_id: self.booking_id,
            session_id: self.session_id,
            batch_id: self.batch_id,
            branch_code: self.branch_code,
            details: self.details,
            client_ip: self.client_ip,
            request_id: self.request_id,
            prev_hash,
            hash: String::new(),
        };
        row.hash = canonical::entry_hash(&row.fields());
        row
    }
}

/// Appends `entry`: on PostgreSQL to the inbox (chained after commit), on
/// SQLite straight to the chain.
pub(super) fn append(conn: &mut DbConnection, entry: Entry) -> Result<(), DbError> {
    if let DbConnection::Pg(c) = conn {
        diesel::insert_into(audit_inbox::table)
            .values(&entry)
            .execute(c)?;
        UNCHAINED.with(|u| u.set(true));
        return Ok(());
    }
    let (seq, prev) = super::head(conn)?.unwrap_or((0, String::new()));
    let row = entry.chained(seq + 1, prev);
    crate::per_backend!(conn, c => diesel::insert_into(audit_log::table)
        .values(&row)
        .execute(c))?;
    Ok(())
}

impl super::Pending {
    /// Takes the seat with this entry's inbox insert and the writes
    /// `beside` in the same statement (PostgreSQL, `first::With`: one round
    /// trip for all); the counts as [`crate::db::first::TakeSeat`] returns
    /// them, `None` when no seat was free (the caller rolls back, the
    /// entry and the writes beside it with it).
    pub(crate) fn take_seat_beside<A, B>(
        self,
        c: &mut diesel::PgConnection,
        beside: (A, B),
        seat: crate::db::first::TakeSeat,
    ) -> Result<Option<(i32, i32, i32)>, DbError>
    where
        A: QueryFragment<diesel::pg::Pg> + QueryId,
        B: QueryFragment<diesel::pg::Pg> + QueryId,
    {
        let all = crate::db::first::With {
            sides: (
                diesel::insert_into(audit_inbox::table).values(&self.0),
                beside.0,
                beside.1,
            ),
            then: seat,
        };
        let counts = all.get_result(c).optional()?;
        UNCHAINED.with(|u| u.set(true));
        Ok(counts)
    }
}

/// Appends `entries` in order, as [`append`] one by one would, many per
/// statement.
pub(super) fn append_all(conn: &mut DbConnection, entries: Vec<Entry>) -> Result<(), DbError> {
    if entries.is_empty() {
        return Ok(());
    }
    if let DbConnection::Pg(c) = conn {
        // 14 values a row.
        for chunk in entries.chunks(STATEMENT_ROWS) {
            diesel::insert_into(audit_inbox::table)
                .values(chunk)
                .execute(c)?;
        }
        UNCHAINED.with(|u| u.set(true));
        return Ok(());
    }
    let (mut seq, mut prev) = super::head(conn)?.unwrap_or((0, String::new()));
    let mut rows = Vec::with_capacity(entries.len());
    for entry in entries {
        seq += 1;
        let row = entry.chained(seq, std::mem::take(&mut prev));
        prev.clone_from(&row.hash);
        rows.push(row);
    }
    insert_chained(conn, rows)
}

/// Inserts chained entries: on PostgreSQL in one prepared statement, a
/// column per array ([`super::columns`]); on SQLite many per statement
/// (17 values a row).
fn insert_chained(conn: &mut DbConnection, rows: Vec<Chained>) -> Result<(), DbError> {
    match conn {
        DbConnection::Pg(c) => {
            super::columns::Columns::of(rows).insert(c)?;
        }
        DbConnection::Sqlite(c) => {
            for chunk in rows.chunks(STATEMENT_ROWS) {
                diesel::insert_into(audit_log::table)
                    .values(chunk)
                    .execute(c)?;
            }
        }
    }
    Ok(())
}

/// The chaining rounds of one instance. A writer whose entry has committed
/// needs a round that begins after its commit: if none is running it runs
/// one; if one is running (it may have read the inbox before that commit)
/// it waits for it and then for the next, which one of the waiters runs for
/// all of them. So under a rush the chain lock is taken once per round,
/// not once per action, and every answered action is still chained.
#[derive(Default)]
pub struct Rounds {
    state: Mutex<RoundState>,
    finished: Condvar,
}

#[derive(Default)]
struct RoundState {
    running: bool,
    /// Rounds begun and ended, numbered from 1.
    begun: u64,
    ended: u64,
}

impl Rounds {
    /// Returns once a round begun after this call has ended (its own, or
    /// another writer's); the error of its own round, if it ran one. Only
    /// a writer that runs a round takes a connection (`conn`).
    pub fn chain_after_commit<C>(
        &self,
        conn: impl FnOnce() -> Result<C, DbError>,
    ) -> Result<usize, DbError>
    where
        C: std::ops::DerefMut<Target = DbConnection>,
    {
        self.after(|| chain_pending(&mut *conn()?)).unwrap_or(Ok(0))
    }

    /// Runs `round` unless a round begun after this call ends first, and
    /// returns once one has: `Some` with its own round's result, `None`
    /// when another writer's round served.
    fn after<R>(&self, round: impl FnOnce() -> R) -> Option<R> {
        let lock = || self.state.lock().unwrap_or_else(|p| p.into_inner());
        let mut st = lock();
        let needed = st.begun + 1;
        loop {
            if st.ended >= needed {
                return None;
            }
            if !st.running {
                st.running = true;
                st.begun += 1;
                let number = st.begun;
                drop(st);
                // Ends the round even if it panics.
                let _end = RoundEnd {
                    rounds: self,
                    number,
                };
                return Some(round());
            }
            st = self.finished.wait(st).unwrap_or_else(|p| p.into_inner());
        }
    }
}

struct RoundEnd<'a> {
    rounds: &'a Rounds,
    number: u64,
}

impl Drop for RoundEnd<'_> {
    fn drop(&mut self) {
        let mut st = self.rounds.state.lock().unwrap_or_else(|p| p.into_inner());
        st.running = false;
        st.ended = self.number;
        self.rounds.finished.notify_all();
    }
}

/// Moves every committed inbox entry into the chain, oldest first, in
/// transactions of its own; returns how many. PostgreSQL (on SQLite the
/// writer's transaction is the lock: run [`chain_batch`] through
/// `Db::write`).
pub fn chain_pending(conn: &mut DbConnection) -> Result<usize, DbError> {
    if !matches!(conn, DbConnection::Pg(_)) {
        return Ok(0);
    }
    let mut moved = 0;
    loop {
        // The chain's lock rides on the round's BEGIN.
        let n = write_tx_locked(conn, Some(TxLock::Single(CHAIN_LOCK)), move_batch)?;
        moved += n;
        if n < BATCH as usize {
            return Ok(moved);
        }
    }
}

/// The oldest [`BATCH`] entries of the inbox, their ids read once into
/// an array (an init plan): written as `id IN (SELECT … LIMIT 1000)`,
/// PostgreSQL planned a nested-loop semi join that reran the sub-select
/// for every inbox row whenever the statistics still said the inbox was
/// empty (as it is between rushes) — 3.9 s instead of 2.6 ms to take
/// 1,000 of 10,000 entries, and 14 s for a 10,000-claim collective submit.
struct Oldest;
impl FixedSql for Oldest {
    type SqlType = diesel::sql_types::Bool;
    const SQL: &'static str =
        "audit_inbox.id = ANY(ARRAY(SELECT id FROM audit_inbox ORDER BY id LIMIT 1000))";
}

/// The condition a chaining round takes its entries by (PostgreSQL), for
/// the test that checks how PostgreSQL plans it.
pub fn oldest_batch_condition() -> &'static str {
    Oldest::SQL
}

/// Moves up to [`BATCH`] inbox entries into the chain, inside the caller's
/// write transaction; returns how many.
pub fn chain_batch(conn: &mut DbConnection) -> Result<usize, DbError> {
    if let DbConnection::Pg(c) = conn {
        diesel::sql_query(format!("SELECT pg_advisory_xact_lock({CHAIN_LOCK})")).execute(c)?;
    }
    move_batch(conn)
}

/// The chain's last `seq`, as a sub-select the round's `DELETE` returns
/// with every entry it takes out (PostgreSQL runs an uncorrelated one
/// once): the round reads the head without a statement of its own.
struct HeadSeq;
impl FixedSql for HeadSeq {
    const SQL: &'static str = "(SELECT seq FROM audit_log ORDER BY seq DESC LIMIT 1)";
    type SqlType = Nullable<BigInt>;
}

/// The chain's last `hash`, as [`HeadSeq`].
struct HeadHash;
impl FixedSql for HeadHash {
    const SQL: &'static str = "(SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1)";
    type SqlType = Nullable<Text>;
}

/// [`chain_batch`] under a chain lock the transaction already holds.
fn move_batch(conn: &mut DbConnection) -> Result<usize, DbError> {
    let mut head = None;
    let mut waiting: Vec<(i64, Entry)> = match conn {
        // Taken out by the statement that reads them, with the chain's
        // head: one round trip. Under the chain lock nobody else appends.
        DbConnection::Pg(c) => {
            let taken: Vec<(i64, Entry, Option<i64>, Option<String>)> =
                diesel::delete(audit_inbox::table.filter(Fixed::<Oldest>::condition()))
                    .returning((
                        audit_inbox::id,
                        Entry::as_returning(),
                        Fixed::<HeadSeq>::value(),
                        Fixed::<HeadHash>::value(),
                    ))
                    .get_results(c)?;
            let mut waiting = Vec::with_capacity(taken.len());
            for (id, entry, seq, hash) in taken {
                head = seq.zip(hash);
                waiting.push((id, entry));
            }
            waiting
        }
        // Always empty on SQLite (entries are chained as they are written).
        DbConnection::Sqlite(c) => {
            let waiting: Vec<(i64, Entry)> = audit_inbox::table
                .order(audit_inbox::id)
                .limit(BATCH)
                .select((audit_inbox::id, Entry::as_select()))
                .load(c)?;
            let ids: Vec<i64> = waiting.iter().map(|(id, _)| *id).collect();
            diesel::delete(audit_inbox::table.filter(audit_inbox::id.eq_any(&ids))).execute(c)?;
            waiting
        }
    };
    if waiting.is_empty() {
        return Ok(0);
    }
    // Oldest first, as written.
    waiting.sort_unstable_by_key(|(id, _)| *id);
    let head = match conn {
        DbConnection::Pg(_) => head,
        DbConnection::Sqlite(_) => super::head(conn)?,
    };
    let (mut seq, mut prev) = head.unwrap_or((0, String::new()));
    let mut rows = Vec::with_capacity(waiting.len());
    for (_, entry) in waiting {
        seq += 1;
        let row = entry.chained(seq, std::mem::take(&mut prev));
        prev.clone_from(&row.hash);
        rows.push(row);
    }
    let moved = rows.len();
    insert_chained(conn, rows)?;
    Ok(moved)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    use std::time::Duration;

    use super::Rounds;

    /// Writers commit an entry, then wait for a round: each returns only
    /// once a round that began after its commit has moved it, and under a
    /// rush far fewer rounds run than there are writers.
    #[test]
    fn every_writer_returns_chained_and_rounds_are_shared() {
        let rounds = Rounds::default();
        let inbox = Mutex::new(Vec::<usize>::new());
        let chained = Mutex::new(HashSet::<usize>::new());
        let ran = AtomicUsize::new(0);
        let writers = 64;
        std::thread::scope(|s| {
            for id in 0..writers {
                let (rounds, inbox, chained, ran) = (&rounds, &inbox, &chained, &ran);
                s.spawn(move || {
                    inbox.lock().expect("inbox").push(id);
                    rounds.after(|| {
                        ran.fetch_add(1, Ordering::SeqCst);
                        let moved: Vec<usize> = inbox.lock().expect("inbox").drain(..).collect();
                        std::thread::sleep(Duration::from_millis(2));
                        chained.lock().expect("chain").extend(moved);
                    });
                    assert!(
                        chained.lock().expect("chain").contains(&id),
                        "writer {id} returned before its entry was chained"
                    );
                });
            }
        });
        assert_eq!(chained.lock().expect("chain").len(), writers);
        let ran = ran.load(Ordering::SeqCst);
        assert!(ran < writers, "{ran} rounds for {writers} writers");
    }

    #[test]
    fn a_batch_is_the_oldest_batch_entries() {
        use crate::db::first::FixedSql;
        let limit = format!("LIMIT {}))", super::BATCH);
        assert!(
            super::Oldest::SQL.ends_with(&limit),
            "{}",
            super::Oldest::SQL
        );
    }

    #[test]
    fn a_round_that_panics_lets_the_next_writer_run_one() {
        let rounds = Rounds::default();
        let failed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            rounds.after(|| panic!("chaining failed"));
        }));
        assert!(failed.is_err());
        assert_eq!(rounds.after(|| 7), Some(7));
    }
}

//! The whole-chain walk of `antre audit verify`, in parallel: the seq
//! range is cut into consecutive runs, each read over its own connection
//! (keyset batches of only this range) and hashed on its own thread while
//! the next batch is read, then the runs are joined in order
//! ([`Verifier::append`]), so the break reported is the first one, exactly
//! as a single walk finds it. Checkpoint hashes are collected on the way.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicI64, Ordering};

use diesel::dsl::{max, min};
use diesel::prelude::*;

use super::read::{ChainReport, Entry};
use crate::db::schema::audit_log;
use crate::db::{Db, DbError};
use crate::domain::audit::chain::{Segment, Verifier};

/// Rows fetched per query.
const BATCH: i64 = 5_000;
/// Fewest seqs worth a run of their own.
const MIN_RUN: i64 = 256;

/// What one run found: its verdict and the hashes asked for.
type RunResult = (Segment, HashMap<i64, String>);

/// Recomputes the whole chain with up to `threads` runs at once (at most
/// as many as the pool has connections), recording the chain's hash at
/// each seq in `want`.
pub fn walk_parallel(db: &Db, want: &[i64], threads: usize) -> Result<ChainReport, DbError> {
    let (lo, hi): (Option<i64>, Option<i64>) = db.read(|c| {
        Ok::<_, DbError>(
            audit_log::table
                .select((min(audit_log::seq), max(audit_log::seq)))
                .first(c)?,
        )
    })?;
    let mut v = Verifier::new();
    let mut hashes_at = HashMap::new();
    let mut broken = None;
    if let (Some(lo), Some(hi)) = (lo, hi) {
        let pool = usize::try_from(db.pool.max_size()).unwrap_or(1);
        let span = hi - lo + 1;
        let runs = i64::try_from(threads.clamp(1, pool.max(1)))
            .unwrap_or(1)
            .min(span / MIN_RUN)
            .max(1);
        let step = (span + runs - 1) / runs;
        let ranges: Vec<(i64, i64)> = (0..runs)
            .map(|i| (lo + i * step, (lo + (i + 1) * step).min(hi + 1)))
            .filter(|(from, to)| from < to)
            .collect();
        let want: HashSet<i64> = want.iter().copied().collect();
        // The lowest seq a run broke at: runs above it need not go on.
        let first_break = AtomicI64::new(i64::MAX);
        let results: Vec<Result<RunResult, DbError>> = std::thread::scope(|s| {
            let handles: Vec<_> = ranges
                .iter()
                .map(|&(from, to)| {
                    let (want, first_break) = (&want, &first_break);
                    s.spawn(move || check_range(db, from, to, want, first_break))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| {
                        Err(DbError::Task("a chain reader stopped unexpectedly".into()))
                    })
                })
                .collect()
        });
        for result in results {
            let (run, hashes) = result?;
            hashes_at.extend(hashes);
            if let Err(b) = v.append(run) {
                broken = Some(b);
                break;
            }
        }
    }
    if let Some(b) = &broken {
        // Only entries that passed count, as in a single walk.
        hashes_at.retain(|seq, _| *seq < b.seq);
    }
    Ok(ChainReport {
        entries: v.entries,
        last_seq: v.last_seq(),
        last_hash: v.last_hash().to_string(),
        broken,
        hashes_at,
        incomplete: false,
    })
}

/// Checks the entries with `from <= seq < to`: this thread reads, a
/// second one hashes the batch before.
fn check_range(
    db: &Db,
    from: i64,
    to: i64,
    want: &HashSet<i64>,
    first_break: &AtomicI64,
) -> Result<RunResult, DbError> {
    let mut conn = db.conn()?;
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Entry>>(1);
    std::thread::scope(|s| {
        let checker = s.spawn(move || {
            let mut run = Segment::new();
            let mut hashes = HashMap::new();
            'batches: for rows in rx {
                for e in &rows {
                    if !run.push(&e.fields(), &e.hash) {
                        first_break.fetch_min(e.seq, Ordering::Relaxed);
                        break 'batches;
                    }
                    if want.contains(&e.seq) {
                        hashes.insert(e.seq, e.hash.clone());
                    }
                }
            }
            (run, hashes)
        });
        let mut after = from - 1;
        let mut failed = None;
        while first_break.load(Ordering::Relaxed) >= from {
            let rows: Vec<Entry> = match audit_log::table
                .filter(audit_log::seq.gt(after))
                .filter(audit_log::seq.lt(to))
                .select(Entry::as_select())
                .order(audit_log::seq.asc())
                .limit(BATCH)
                .load(&mut *conn)
            {
                Ok(rows) => rows,
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            };
            let n = rows.len() as i64;
            if let Some(last) = rows.last() {
                after = last.seq;
            }
            if n > 0 && tx.send(rows).is_err() {
                break;
            }
            if n < BATCH {
                break;
            }
        }
        drop(tx);
        let found = checker
            .join()
            .map_err(|_| DbError::Task("the chain checker stopped unexpectedly".into()))?;
        match failed {
            Some(e) => Err(e.into()),
            None => Ok(found),
        }
    })
}

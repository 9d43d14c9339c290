//! The whole chain read at once for `antre audit verify`, without the
//! ORM's work per row (allocating every column, parsing every time). The
//! seq range is cut into one key range per core, each read and hashed on
//! a thread of its own; the ranges' verdicts are joined in order
//! ([`Verifier::append`]):
//!
//! - **SQLite**: each range by its own read-only connection (`rusqlite`,
//!   over the same SQLite library diesel links, the file memory-mapped)
//!   with every column borrowed from the statement.
//! - **PostgreSQL**: each range as a binary `COPY (SELECT …) TO STDOUT`
//!   stream on a connection of its own (see [`pg`] for when), decoded in
//!   place while the server sends it. COPY gives rows in storage order,
//!   which need not be seq order: an entry that comes early waits in a
//!   buffer until the one before it has been checked.
//!
//! Either way the verdict is the ordered walk's ([`super::read::walk`],
//! still used by the console's budgeted check): the same first bad entry
//! with the same reason, the same count, the same checkpoint hashes.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime};

use super::read::ChainReport;
use crate::db::{Db, DbConnection, DbError};
use crate::domain::audit::canonical::EntryFields;
use crate::domain::audit::chain::{Break, Segment, Verifier};

mod chunks;
mod pg;

/// The columns in table order, as the chain hashes them.
const COLUMNS: &str = "seq, at, actor_id, actor_role, actor_branch, action, participant_id, \
     claim_id, booking_id, session_id, batch_id, branch_code, details, client_ip, request_id, \
     prev_hash, hash";

/// Fewest entries worth a second reader.
const MIN_SPLIT: i64 = 1024;
/// How much of the SQLite file the readers map (SQLite caps it at its
/// own limit, 2 GiB by default).
const SQLITE_MMAP: i64 = 1 << 31;

/// Recomputes the whole chain, recording its hash at each seq in `want`.
pub fn scan(db: &Db, want: &[i64]) -> Result<ChainReport, DbError> {
    let want: HashSet<i64> = want.iter().copied().collect();
    if let Some(path) = db.sqlite_path() {
        return scan_sqlite(path, &want);
    }
    let mut conn = db.conn()?;
    let DbConnection::Pg(c) = &mut *conn else {
        return Err(DbError::Task(
            "a PostgreSQL database without a PostgreSQL connection".into(),
        ));
    };
    let Some((lo, hi)) = pg_ends(c)? else {
        return Ok(report(&Verifier::new(), None, HashMap::new()));
    };
    let runs = match db.pg_url().and_then(pg::parallel_url) {
        Some(url) if hi - lo >= MIN_SPLIT => {
            drop(conn);
            in_parallel(&ranges(lo, hi), |from, to| {
                pg::scan_range(url, from, to, &want)
            })
        }
        _ => vec![pg::scan_one(c, lo, &want)],
    };
    join(runs)
}

/// The smallest and largest seq stored, each read from its end of the
/// key's index.
fn pg_ends(c: &mut diesel::PgConnection) -> Result<Option<(i64, i64)>, DbError> {
    use crate::db::schema::audit_log::dsl::{audit_log, seq};
    use diesel::dsl::{max, min};
    use diesel::prelude::*;
    let lo: Option<i64> = audit_log.select(min(seq)).first(c)?;
    let hi: Option<i64> = audit_log.select(max(seq)).first(c)?;
    Ok(lo.zip(hi))
}

/// The seq range `lo..=hi` cut into one key range per core (at most 4):
/// `[from, to)` each, in order.
fn ranges(lo: i64, hi: i64) -> Vec<(i64, i64)> {
    let cores = crate::config::cores() as i64;
    let parts = if hi - lo >= MIN_SPLIT {
        cores.clamp(1, 4)
    } else {
        1
    };
    let mut cuts: Vec<i64> = (1..parts).map(|i| lo + (hi - lo) * i / parts).collect();
    cuts.insert(0, lo);
    cuts.push(hi + 1);
    cuts.windows(2)
        .map(|w| (w[0], w[1]))
        .filter(|(from, to)| from < to)
        .collect()
}

/// Runs `read` on each range on a thread of its own; results in order.
fn in_parallel(
    ranges: &[(i64, i64)],
    read: impl Fn(i64, i64) -> Result<Run, DbError> + Sync,
) -> Vec<Result<Run, DbError>> {
    std::thread::scope(|s| {
        let read = &read;
        let handles: Vec<_> = ranges
            .iter()
            .map(|&(from, to)| s.spawn(move || read(from, to)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(DbError::Task(
                        "an audit log reader stopped unexpectedly".into(),
                    ))
                })
            })
            .collect()
    })
}

/// The runs joined in order into one verdict.
fn join(runs: Vec<Result<Run, DbError>>) -> Result<ChainReport, DbError> {
    let mut v = Verifier::new();
    let mut hashes_at = HashMap::new();
    let mut broken = None;
    for run in runs {
        let (segment, hashes) = run?;
        hashes_at.extend(hashes);
        if let Err(b) = v.append(segment) {
            broken = Some(b);
            break;
        }
    }
    Ok(report(&v, broken, hashes_at))
}

/// What a finished (or broken) walk found, for the report.
fn report(v: &Verifier, broken: Option<Break>, mut hashes_at: HashMap<i64, String>) -> ChainReport {
    if let Some(b) = &broken {
        // Only entries that passed count, as in the ordered walk.
        hashes_at.retain(|seq, _| *seq < b.seq);
    }
    ChainReport {
        entries: v.entries,
        last_seq: v.last_seq(),
        last_hash: v.last_hash().to_string(),
        broken,
        hashes_at,
        incomplete: false,
    }
}

// ---------------------------------------------------------------------------
// SQLite

fn sqlite_error(e: rusqlite::Error) -> DbError {
    DbError::Task(format!("reading the audit log: {e}"))
}

fn open_sqlite(path: &Path) -> Result<rusqlite::Connection, DbError> {
    use rusqlite::OpenFlags;
    // Read-write without create, then query-only: a read-only handle on
    // a WAL database depends on its -shm file being there already.
    let conn = rusqlite::Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(sqlite_error)?;
    conn.busy_timeout(std::time::Duration::from_secs(30))
        .map_err(sqlite_error)?;
    conn.pragma_update(None, "query_only", true)
        .map_err(sqlite_error)?;
    // Pages read from the file's mapping instead of copied by read(2).
    conn.pragma_update(None, "mmap_size", SQLITE_MMAP)
        .map_err(sqlite_error)?;
    Ok(conn)
}

fn scan_sqlite(path: &Path, want: &HashSet<i64>) -> Result<ChainReport, DbError> {
    // Apart: SQLite answers MIN or MAX of the key alone from the b-tree's
    // ends, both in one query by a scan.
    let conn = open_sqlite(path)?;
    let end = |sql: &str| -> Result<Option<i64>, DbError> {
        conn.query_row(sql, [], |r| r.get(0)).map_err(sqlite_error)
    };
    let (lo, hi) = (
        end("SELECT MIN(seq) FROM audit_log")?,
        end("SELECT MAX(seq) FROM audit_log")?,
    );
    let (Some(lo), Some(hi)) = (lo, hi) else {
        return Ok(report(&Verifier::new(), None, HashMap::new()));
    };
    join(in_parallel(&ranges(lo, hi), |from, to| {
        sqlite_run(path, from, to, want)
    }))
}

/// What one key range found: its verdict and the checkpoint hashes in it.
type Run = (Segment, HashMap<i64, String>);

/// Checks the entries with `from <= seq < to` on its own connection.
fn sqlite_run(path: &Path, from: i64, to: i64, want: &HashSet<i64>) -> Result<Run, DbError> {
    let conn = open_sqlite(path)?;
    let mut stmt = conn
        .prepare(&format!(
            "SELECT {COLUMNS} FROM audit_log WHERE seq >= ?1 AND seq < ?2 ORDER BY seq"
        ))
        .map_err(sqlite_error)?;
    let mut rows = stmt.query([from, to]).map_err(sqlite_error)?;
    let mut run = Segment::new();
    let mut hashes = HashMap::new();
    while let Some(row) = rows.next().map_err(sqlite_error)? {
        let (e, hash) = sqlite_fields(row)?;
        if !run.push(&e, hash) {
            break;
        }
        if want.contains(&e.seq) {
            hashes.insert(e.seq, hash.to_string());
        }
    }
    Ok((run, hashes))
}

/// One row's fields, borrowed from the statement, and its stored hash.
fn sqlite_fields<'r>(row: &'r rusqlite::Row<'_>) -> Result<(EntryFields<'r>, &'r str), DbError> {
    use rusqlite::types::ValueRef;
    let col = |i: usize| row.get_ref(i).unwrap_or(ValueRef::Null);
    let ValueRef::Integer(seq) = col(0) else {
        return Err(DbError::Task("an audit entry without its number".into()));
    };
    let int = |i: usize| match col(i) {
        ValueRef::Null => Ok(None),
        ValueRef::Integer(n) => Ok(Some(n)),
        _ => Err(unreadable(seq)),
    };
    let text = |i: usize| match col(i) {
        ValueRef::Null => Ok(None),
        ValueRef::Text(t) => std::str::from_utf8(t)
            .map(Some)
            .map_err(|_| unreadable(seq)),
        _ => Err(unreadable(seq)),
    };
    let required = |i: usize| text(i)?.ok_or_else(|| unreadable(seq));
    let at = sqlite_instant(required(1)?).ok_or_else(|| unreadable(seq))?;
    Ok((
        EntryFields {
            seq,
            at,
            actor_id: int(2)?,
            actor_role: required(3)?,
            actor_branch: text(4)?,
            action: required(5)?,
            participant_id: int(6)?,
            claim_id: int(7)?,
            booking_id: int(8)?,
            session_id: int(9)?,
            batch_id: int(10)?,
            branch_code: text(11)?,
            details: required(12)?,
            client_ip: text(13)?,
            request_id: text(14)?,
            prev_hash: required(15)?,
        },
        required(16)?,
    ))
}

/// An entry holding a value no writer of Antre stores (a wrong type, text
/// that is not UTF-8): like the ordered walk, whose reads fail there, the
/// check stops with an error, naming the entry.
fn unreadable(seq: i64) -> DbError {
    DbError::Task(format!(
        "audit entry {seq} cannot be read: it holds a value Antre never writes"
    ))
}

/// The instant SQLite holds as text (`2026-06-01 01:00:01.260`, as diesel
/// writes it), read by hand: the general parser is the largest cost of a
/// walk. Other spellings take chrono's parser.
fn sqlite_instant(t: &str) -> Option<NaiveDateTime> {
    fast_instant(t.as_bytes()).or_else(|| {
        ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
    })
}

fn fast_instant(b: &[u8]) -> Option<NaiveDateTime> {
    if b.len() < 19
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b' '
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let nanos = match &b[19..] {
        [] => 0,
        [b'.', digits @ ..] if (1..=9).contains(&digits.len()) => {
            let n = num(20..b.len())?;
            n * 10u32.pow(9 - digits.len() as u32)
        }
        _ => return None,
    };
    NaiveDate::from_ymd_opt(i32::try_from(num(0..4)?).ok()?, num(5..7)?, num(8..10)?)?
        .and_hms_nano_opt(num(11..13)?, num(14..16)?, num(17..19)?, nanos)
}

#[cfg(test)]
mod tests;

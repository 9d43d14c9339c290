//! The whole chain read at once for `antre audit verify`, without the
//! ORM's work per row (allocating every column, parsing every time):
//!
//! - **SQLite**: the seq range is cut in two halves, each read by its own
//!   read-only connection (`rusqlite`, over the same SQLite library diesel
//!   links) with every column borrowed from the statement, and hashed on
//!   the thread that reads it; the halves are joined in order
//!   ([`Verifier::append`]).
//! - **PostgreSQL**: one `COPY audit_log TO STDOUT (FORMAT binary)`
//!   stream, decoded in place while the server sends it. COPY gives rows
//!   in storage order, which need not be seq order: an entry that comes
//!   early waits in a small buffer until the one before it has been
//!   checked.
//!
//! Either way the verdict is the ordered walk's ([`super::read::walk`],
//! still used by the console's budgeted check): the same first bad entry
//! with the same reason, the same count, the same checkpoint hashes.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::BufRead;
use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime};

use super::read::{ChainReport, Entry};
use crate::db::{Db, DbConnection, DbError};
use crate::domain::audit::chain::{Break, EntryFields, Segment, Verifier};

/// The columns in table order, as the chain hashes them.
const COLUMNS: &str = "seq, at, actor_id, actor_role, actor_branch, action, participant_id, \
     claim_id, booking_id, session_id, batch_id, branch_code, details, client_ip, request_id, \
     prev_hash, hash";

/// Fewest entries worth a second SQLite reader.
const MIN_SPLIT: i64 = 1024;

/// Recomputes the whole chain, recording its hash at each seq in `want`.
pub fn scan(db: &Db, want: &[i64]) -> Result<ChainReport, DbError> {
    let want: HashSet<i64> = want.iter().copied().collect();
    match db.sqlite_path() {
        Some(path) => scan_sqlite(path, &want),
        None => {
            let mut conn = db.conn()?;
            match &mut *conn {
                DbConnection::Pg(c) => scan_pg(c, &want),
                DbConnection::Sqlite(_) => Err(DbError::Task(
                    "a SQLite connection without its file path".into(),
                )),
            }
        }
    }
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
    let mid = if hi - lo >= MIN_SPLIT {
        lo + (hi - lo) / 2
    } else {
        hi + 1
    };
    let halves = [(lo, mid), (mid, hi + 1)];
    let runs: Vec<Result<Run, DbError>> = std::thread::scope(|s| {
        let handles: Vec<_> = halves
            .iter()
            .filter(|(from, to)| from < to)
            .map(|&(from, to)| s.spawn(move || sqlite_run(path, from, to, want)))
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
    });
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

/// What one half found: its verdict and the checkpoint hashes in it.
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

// ---------------------------------------------------------------------------
// PostgreSQL

/// `PGCOPY\n\377\r\n\0`: the binary COPY signature.
const PGCOPY: &[u8; 11] = b"PGCOPY\n\xff\r\n\0";

fn copy_error(why: &str) -> DbError {
    DbError::Task(format!("reading the audit log: {why}"))
}

fn scan_pg(conn: &mut diesel::PgConnection, want: &HashSet<i64>) -> Result<ChainReport, DbError> {
    use crate::db::schema::audit_log;
    use diesel::pg::CopyFormat;
    let mut input = diesel::copy_to(audit_log::table)
        .with_format(CopyFormat::Binary)
        .load_raw(conn)?;
    let mut copy = Copy::new(&mut input)?;
    let mut v = Verifier::new();
    let mut hashes_at = HashMap::new();
    // Entries that came before the one they follow, by seq.
    let mut early: BTreeMap<i64, Entry> = BTreeMap::new();
    let mut broken = None;
    let mut take = |v: &mut Verifier, e: &EntryFields<'_>, hash: &str| -> Result<(), Break> {
        v.push(e, hash)?;
        if want.contains(&e.seq) {
            hashes_at.insert(e.seq, hash.to_string());
        }
        Ok(())
    };
    'rows: while let Some(row) = copy.next_row()? {
        let next = v.last_seq().map_or(1, |s| s + 1);
        let (e, hash) = row.fields().map_err(unreadable)?;
        if e.seq != next {
            early.insert(e.seq, owned(&e, hash));
            continue;
        }
        if let Err(b) = take(&mut v, &e, hash) {
            broken = Some(b);
            break 'rows;
        }
        while let Some(e) = v.last_seq().and_then(|s| early.remove(&(s + 1))) {
            if let Err(b) = take(&mut v, &e.fields(), &e.hash) {
                broken = Some(b);
                break 'rows;
            }
        }
    }
    if broken.is_none() {
        // What is left follows a gap (or is all there was): in seq order,
        // the walk names the first entry missing.
        for e in early.into_values() {
            if let Err(b) = take(&mut v, &e.fields(), &e.hash) {
                broken = Some(b);
                break;
            }
        }
    }
    Ok(report(&v, broken, hashes_at))
}

/// An early entry kept until its turn.
fn owned(e: &EntryFields<'_>, hash: &str) -> Entry {
    Entry {
        seq: e.seq,
        at: e.at,
        actor_id: e.actor_id,
        actor_role: e.actor_role.to_string(),
        actor_branch: e.actor_branch.map(str::to_string),
        action: e.action.to_string(),
        participant_id: e.participant_id,
        claim_id: e.claim_id,
        booking_id: e.booking_id,
        session_id: e.session_id,
        batch_id: e.batch_id,
        branch_code: e.branch_code.map(str::to_string),
        details: e.details.to_string(),
        client_ip: e.client_ip.map(str::to_string),
        request_id: e.request_id.map(str::to_string),
        prev_hash: e.prev_hash.to_string(),
        hash: hash.to_string(),
    }
}

/// A binary COPY stream, one tuple at a time into a reused buffer.
struct Copy<'a, R: BufRead> {
    input: &'a mut R,
    tuple: Vec<u8>,
    /// Where each field of the current tuple lies in `tuple` (None: NULL).
    spans: Vec<Option<(usize, usize)>>,
}

impl<'a, R: BufRead> Copy<'a, R> {
    fn new(input: &'a mut R) -> Result<Self, DbError> {
        let mut header = [0u8; 19];
        input
            .read_exact(&mut header)
            .map_err(|e| copy_error(&e.to_string()))?;
        if &header[..11] != PGCOPY {
            return Err(copy_error("not a binary COPY stream"));
        }
        let ext = u32::from_be_bytes([header[15], header[16], header[17], header[18]]);
        let mut extension = vec![0u8; ext as usize];
        input
            .read_exact(&mut extension)
            .map_err(|e| copy_error(&e.to_string()))?;
        Ok(Self {
            input,
            tuple: Vec::with_capacity(1024),
            spans: Vec::with_capacity(17),
        })
    }

    /// Appends the stream's next `n` bytes to the tuple.
    fn read(&mut self, mut n: usize) -> Result<(), DbError> {
        while n > 0 {
            let chunk = self
                .input
                .fill_buf()
                .map_err(|e| copy_error(&e.to_string()))?;
            if chunk.is_empty() {
                return Err(copy_error("the stream ended inside a row"));
            }
            let k = n.min(chunk.len());
            self.tuple.extend_from_slice(&chunk[..k]);
            self.input.consume(k);
            n -= k;
        }
        Ok(())
    }

    /// The next tuple, or None after the trailer.
    fn next_row(&mut self) -> Result<Option<Row<'_>>, DbError> {
        self.tuple.clear();
        self.spans.clear();
        self.read(2)?;
        let count = i16::from_be_bytes([self.tuple[0], self.tuple[1]]);
        if count == -1 {
            return Ok(None);
        }
        if count != 17 {
            return Err(copy_error("unexpected number of columns"));
        }
        for _ in 0..count {
            let at = self.tuple.len();
            self.read(4)?;
            let len = i32::from_be_bytes([
                self.tuple[at],
                self.tuple[at + 1],
                self.tuple[at + 2],
                self.tuple[at + 3],
            ]);
            if len < 0 {
                self.spans.push(None);
                continue;
            }
            let len = len as usize;
            let start = self.tuple.len();
            self.read(len)?;
            self.spans.push(Some((start, start + len)));
        }
        Ok(Some(Row {
            tuple: &self.tuple,
            spans: &self.spans,
        }))
    }
}

struct Row<'a> {
    tuple: &'a [u8],
    spans: &'a [Option<(usize, usize)>],
}

impl<'a> Row<'a> {
    fn bytes(&self, i: usize) -> Option<&'a [u8]> {
        self.spans[i].map(|(a, b)| &self.tuple[a..b])
    }

    fn int(&self, i: usize) -> Result<Option<i64>, ()> {
        match self.bytes(i) {
            None => Ok(None),
            Some(b) => <[u8; 8]>::try_from(b)
                .map(|a| Some(i64::from_be_bytes(a)))
                .map_err(|_| ()),
        }
    }

    fn text(&self, i: usize) -> Result<Option<&'a str>, ()> {
        self.bytes(i)
            .map(std::str::from_utf8)
            .transpose()
            .map_err(|_| ())
    }

    fn required(&self, i: usize) -> Result<&'a str, ()> {
        self.text(i)?.ok_or(())
    }

    /// The entry's fields and stored hash; `Err(seq)` when a value is one
    /// no writer of Antre stores.
    fn fields(&self) -> Result<(EntryFields<'a>, &'a str), i64> {
        let seq = self.int(0).ok().flatten().unwrap_or(i64::MAX);
        let parse = || -> Result<(EntryFields<'a>, &'a str), ()> {
            // Microseconds since 2000-01-01 00:00:00.
            let micros = self.int(1)?.ok_or(())?;
            let epoch = NaiveDate::from_ymd_opt(2000, 1, 1)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .ok_or(())?;
            let at = epoch
                .checked_add_signed(chrono::TimeDelta::microseconds(micros))
                .ok_or(())?;
            Ok((
                EntryFields {
                    seq,
                    at,
                    actor_id: self.int(2)?,
                    actor_role: self.required(3)?,
                    actor_branch: self.text(4)?,
                    action: self.required(5)?,
                    participant_id: self.int(6)?,
                    claim_id: self.int(7)?,
                    booking_id: self.int(8)?,
                    session_id: self.int(9)?,
                    batch_id: self.int(10)?,
                    branch_code: self.text(11)?,
                    details: self.required(12)?,
                    client_ip: self.text(13)?,
                    request_id: self.text(14)?,
                    prev_hash: self.required(15)?,
                },
                self.required(16)?,
            ))
        };
        parse().map_err(|()| seq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_instants_read_by_hand_match_chrono() {
        for t in [
            "2026-06-01 01:00:00",
            "2026-06-01 01:00:01.260",
            "2026-12-31 23:59:59.999999",
            "1999-01-02 03:04:05.1",
            "2026-02-28 12:00:00.123456789",
        ] {
            let slow = NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S%.f").expect(t);
            assert_eq!(fast_instant(t.as_bytes()), Some(slow), "{t}");
        }
        for t in [
            "2026-02-30 00:00:00",
            "2026-06-01T01:00:00",
            "2026-06-01 01:00:00.",
            "2026-06-01 01:00:00.1234567890",
            "2026-06-01 1:00:00",
            "x",
        ] {
            assert_eq!(fast_instant(t.as_bytes()), None, "{t}");
        }
        // Other spellings still read, as diesel would.
        assert!(sqlite_instant("2026-06-01T01:00:00.5").is_some());
    }
}

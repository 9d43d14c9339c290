//! PostgreSQL: binary `COPY … TO STDOUT` streams, decoded in place (see
//! the parent module).
//!
//! On a loopback server (or a Unix socket) the seq range is cut into one
//! key range per core, each streamed by its own connection
//! (`tokio-postgres` on a thread of its own, plaintext as the live
//! screens' listener: nothing leaves the machine) and checked on the
//! thread that reads it, so the server's work is spread over its
//! backends too. Elsewhere, or when the address asks for TLS, one
//! `COPY audit_log` through the pool's own connection (libpq, with the
//! address's TLS settings).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::BufRead;

use chrono::{NaiveDate, NaiveDateTime};

use super::{unreadable, Run, COLUMNS};
use crate::db::audit::read::Entry;
use crate::db::DbError;
use crate::domain::audit::canonical::EntryFields;
use crate::domain::audit::chain::Segment;

/// `PGCOPY\n\377\r\n\0`: the binary COPY signature.
const PGCOPY: &[u8; 11] = b"PGCOPY\n\xff\r\n\0";

fn copy_error(why: &str) -> DbError {
    DbError::Task(format!("reading the audit log: {why}"))
}

/// The whole table in one stream on the pool's connection, as one run
/// starting at `from` (the smallest seq stored).
pub(super) fn scan_one(
    conn: &mut diesel::PgConnection,
    from: i64,
    want: &HashSet<i64>,
) -> Result<Run, DbError> {
    use crate::db::schema::audit_log;
    use diesel::pg::CopyFormat;
    let mut input = diesel::copy_to(audit_log::table)
        .with_format(CopyFormat::Binary)
        .load_raw(conn)?;
    check_stream(&mut input, from, want)
}

/// The URL to stream key ranges through in parallel, when the server is
/// on this machine and the address does not insist on TLS.
pub(super) fn parallel_url(url: &str) -> Option<&str> {
    use tokio_postgres::config::{Host, SslMode};
    let config: tokio_postgres::Config = url.parse().ok()?;
    let local = |h: &Host| match h {
        Host::Unix(_) => true,
        Host::Tcp(name) => {
            name == "localhost"
                || name
                    .trim_matches(|c| c == '[' || c == ']')
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }
    };
    let hosts = config.get_hosts();
    (!hosts.is_empty() && hosts.iter().all(local) && config.get_ssl_mode() != SslMode::Require)
        .then_some(url)
}

/// The entries with `from <= seq < to`, streamed by a connection of its
/// own on a runtime of its own (this runs on a plain thread).
pub(super) fn scan_range(
    url: &str,
    from: i64,
    to: i64,
    want: &HashSet<i64>,
) -> Result<Run, DbError> {
    let pg = |e: tokio_postgres::Error| copy_error(&e.to_string());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| copy_error(&e.to_string()))?;
    let (client, connection) = rt
        .block_on(tokio_postgres::connect(url, tokio_postgres::NoTls))
        .map_err(pg)?;
    rt.spawn(async move {
        if let Err(e) = connection.await {
            tracing::warn!("audit log reader connection: {e}");
        }
    });
    let sql = format!(
        "COPY (SELECT {COLUMNS} FROM audit_log WHERE seq >= {from} AND seq < {to}) \
         TO STDOUT (FORMAT binary)"
    );
    let stream = rt.block_on(client.copy_out(sql.as_str())).map_err(pg)?;
    let mut input = super::chunks::Chunks::new(&rt, stream);
    check_stream(&mut input, from, want)
}

/// Checks one stream of the entries from `from` on as a run. Rows come in
/// storage order, which need not be seq order: an entry that arrives
/// before the one it follows waits in an ordered buffer; what is left at
/// the end (after a gap, or all there was) is checked in seq order, so a
/// gap is named as the first missing entry.
pub(super) fn check_stream<R: BufRead>(
    input: &mut R,
    from: i64,
    want: &HashSet<i64>,
) -> Result<Run, DbError> {
    let mut copy = Copy::new(input)?;
    let mut run = Segment::new();
    let mut hashes = HashMap::new();
    let mut next = from;
    let mut early: BTreeMap<i64, Entry> = BTreeMap::new();
    let mut take = |run: &mut Segment, e: &EntryFields<'_, [u8]>, hash: &[u8]| -> bool {
        if !run.push(e, hash) {
            return false;
        }
        if want.contains(&e.seq) {
            hashes.insert(e.seq, String::from_utf8_lossy(hash).into_owned());
        }
        true
    };
    'rows: while let Some(row) = copy.next_row()? {
        let (e, hash) = row.fields().map_err(unreadable)?;
        if hash.is_empty() {
            // A legacy entry is counted, not hashed: checked here.
            readable(&e, hash)?;
        }
        if e.seq != next {
            early.insert(e.seq, owned(&e, hash)?);
            continue;
        }
        if !take(&mut run, &e, hash) {
            readable(&e, hash)?;
            break 'rows;
        }
        next += 1;
        while let Some(e) = early.remove(&next) {
            if !take(&mut run, &e.fields().as_bytes(), e.hash.as_bytes()) {
                break 'rows;
            }
            next += 1;
        }
    }
    if !run.is_broken() {
        for e in early.into_values() {
            if !take(&mut run, &e.fields().as_bytes(), e.hash.as_bytes()) {
                break;
            }
        }
    }
    Ok((run, hashes))
}

/// The text columns as stored. PostgreSQL sends text in the connection's
/// encoding, UTF-8, so they are hashed without checking every byte again
/// (a hash that matches covers text a writer hashed as UTF-8); an entry
/// that breaks the chain is checked before it is named, so that text no
/// writer of Antre stores stops the check as an unreadable entry, as the
/// ordered walk's read does (an early entry is checked when it is kept, a
/// legacy one, never hashed, when it is read).
fn readable(e: &EntryFields<'_, [u8]>, hash: &[u8]) -> Result<(), DbError> {
    let texts = [
        Some(e.actor_role),
        e.actor_branch,
        Some(e.action),
        e.branch_code,
        Some(e.details),
        e.client_ip,
        e.request_id,
        Some(e.prev_hash),
        Some(hash),
    ];
    if texts
        .iter()
        .flatten()
        .all(|t| std::str::from_utf8(t).is_ok())
    {
        Ok(())
    } else {
        Err(unreadable(e.seq))
    }
}

/// An early entry kept until its turn (its text checked here: see
/// [`readable`]).
fn owned(e: &EntryFields<'_, [u8]>, hash: &[u8]) -> Result<Entry, DbError> {
    let text = |t: &[u8]| {
        std::str::from_utf8(t)
            .map(str::to_string)
            .map_err(|_| unreadable(e.seq))
    };
    let maybe = |t: Option<&[u8]>| t.map(text).transpose();
    Ok(Entry {
        seq: e.seq,
        at: e.at,
        actor_id: e.actor_id,
        actor_role: text(e.actor_role)?,
        actor_branch: maybe(e.actor_branch)?,
        action: text(e.action)?,
        participant_id: e.participant_id,
        claim_id: e.claim_id,
        booking_id: e.booking_id,
        session_id: e.session_id,
        batch_id: e.batch_id,
        branch_code: maybe(e.branch_code)?,
        details: text(e.details)?,
        client_ip: maybe(e.client_ip)?,
        request_id: maybe(e.request_id)?,
        prev_hash: text(e.prev_hash)?,
        hash: text(hash)?,
    })
}

/// Where each field of a tuple lies (None: NULL).
type Spans = [Option<(usize, usize)>; COLUMN_COUNT];

/// The columns [`super::COLUMNS`] names.
pub(super) const COLUMN_COUNT: usize = 17;

/// A binary COPY stream, one tuple at a time: read where it lies in the
/// stream's buffer when it is whole there (each row is usually one
/// message), else gathered into a buffer of its own.
struct Copy<'a, R: BufRead> {
    input: &'a mut R,
    tuple: Vec<u8>,
    spans: Spans,
    /// Bytes of the tuple last read in place, consumed on the next call.
    pending: usize,
    /// 2000-01-01 00:00:00, PostgreSQL's epoch.
    epoch: NaiveDateTime,
}

/// What the start of a buffer holds.
enum Parsed {
    Tuple(usize),
    Trailer,
    Incomplete,
}

/// Reads the spans of the tuple at the start of `buf`.
fn parse_tuple(buf: &[u8], spans: &mut Spans) -> Result<Parsed, DbError> {
    let Some(count) = buf.get(..2) else {
        return Ok(Parsed::Incomplete);
    };
    match i16::from_be_bytes([count[0], count[1]]) {
        -1 => return Ok(Parsed::Trailer),
        n if n as usize == COLUMN_COUNT => {}
        _ => return Err(copy_error("unexpected number of columns")),
    }
    let mut pos = 2;
    for span in spans.iter_mut() {
        let Some(len) = buf.get(pos..pos + 4) else {
            return Ok(Parsed::Incomplete);
        };
        let len = i32::from_be_bytes([len[0], len[1], len[2], len[3]]);
        pos += 4;
        if len < 0 {
            *span = None;
            continue;
        }
        let end = pos + len as usize;
        if end > buf.len() {
            return Ok(Parsed::Incomplete);
        }
        *span = Some((pos, end));
        pos = end;
    }
    Ok(Parsed::Tuple(pos))
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
        let epoch = NaiveDate::from_ymd_opt(2000, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .ok_or_else(|| copy_error("no epoch"))?;
        Ok(Self {
            input,
            tuple: Vec::with_capacity(1024),
            spans: [None; COLUMN_COUNT],
            pending: 0,
            epoch,
        })
    }

    /// The next tuple, or None after the trailer.
    fn next_row(&mut self) -> Result<Option<Row<'_>>, DbError> {
        self.input.consume(std::mem::take(&mut self.pending));
        let chunk = self
            .input
            .fill_buf()
            .map_err(|e| copy_error(&e.to_string()))?;
        match parse_tuple(chunk, &mut self.spans)? {
            Parsed::Trailer => Ok(None),
            Parsed::Tuple(len) => {
                self.pending = len;
                let chunk = self
                    .input
                    .fill_buf()
                    .map_err(|e| copy_error(&e.to_string()))?;
                Ok(Some(Row {
                    tuple: &chunk[..len],
                    spans: &self.spans,
                    epoch: self.epoch,
                }))
            }
            Parsed::Incomplete => self.gathered(),
        }
    }

    /// A tuple split across the stream's buffers, gathered.
    fn gathered(&mut self) -> Result<Option<Row<'_>>, DbError> {
        self.tuple.clear();
        self.read(2)?;
        loop {
            match parse_tuple(&self.tuple, &mut self.spans)? {
                Parsed::Trailer => return Ok(None),
                Parsed::Tuple(_) => {
                    return Ok(Some(Row {
                        tuple: &self.tuple,
                        spans: &self.spans,
                        epoch: self.epoch,
                    }))
                }
                // One more length or value: read what the parse needs next.
                Parsed::Incomplete => {
                    let need = self.missing();
                    self.read(need)?;
                }
            }
        }
    }

    /// How many bytes the gathered tuple needs before it parses further.
    fn missing(&self) -> usize {
        let mut pos = 2;
        for _ in 0..COLUMN_COUNT {
            if pos + 4 > self.tuple.len() {
                return pos + 4 - self.tuple.len();
            }
            let b = &self.tuple[pos..pos + 4];
            let len = i32::from_be_bytes([b[0], b[1], b[2], b[3]]);
            pos += 4;
            if len > 0 {
                pos += len as usize;
                if pos > self.tuple.len() {
                    return pos - self.tuple.len();
                }
            }
        }
        1
    }

    /// Appends the stream's next `n` bytes to the gathered tuple.
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
}

struct Row<'a> {
    tuple: &'a [u8],
    spans: &'a Spans,
    epoch: NaiveDateTime,
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

    /// A text column that is never null, as sent (see [`readable`]).
    fn required(&self, i: usize) -> Result<&'a [u8], ()> {
        self.bytes(i).ok_or(())
    }

    /// The entry's fields and stored hash; `Err(seq)` when a value is one
    /// no writer of Antre stores.
    fn fields(&self) -> Result<(EntryFields<'a, [u8]>, &'a [u8]), i64> {
        let seq = self.int(0).ok().flatten().unwrap_or(i64::MAX);
        let parse = || -> Result<(EntryFields<'a, [u8]>, &'a [u8]), ()> {
            // Microseconds since 2000-01-01 00:00:00.
            let micros = self.int(1)?.ok_or(())?;
            let at = self
                .epoch
                .checked_add_signed(chrono::TimeDelta::microseconds(micros))
                .ok_or(())?;
            Ok((
                EntryFields {
                    seq,
                    at,
                    actor_id: self.int(2)?,
                    actor_role: self.required(3)?,
                    actor_branch: self.bytes(4),
                    action: self.required(5)?,
                    participant_id: self.int(6)?,
                    claim_id: self.int(7)?,
                    booking_id: self.int(8)?,
                    session_id: self.int(9)?,
                    batch_id: self.int(10)?,
                    branch_code: self.bytes(11),
                    details: self.required(12)?,
                    client_ip: self.bytes(13),
                    request_id: self.bytes(14),
                    prev_hash: self.required(15)?,
                },
                self.required(16)?,
            ))
        };
        parse().map_err(|()| seq)
    }
}

//! PostgreSQL: one binary `COPY audit_log TO STDOUT`, decoded in place
//! (see the parent module).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::BufRead;

use chrono::NaiveDate;

use super::{report, unreadable};
use crate::db::audit::read::{ChainReport, Entry};
use crate::db::DbError;
use crate::domain::audit::chain::{Break, EntryFields, Verifier};

/// `PGCOPY\n\377\r\n\0`: the binary COPY signature.
const PGCOPY: &[u8; 11] = b"PGCOPY\n\xff\r\n\0";

fn copy_error(why: &str) -> DbError {
    DbError::Task(format!("reading the audit log: {why}"))
}

pub(super) fn scan(
    conn: &mut diesel::PgConnection,
    want: &HashSet<i64>,
) -> Result<ChainReport, DbError> {
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

//! The verification log's hash chain: the canonical encoding of an entry,
//! its SHA-256 hash, and the verifier that walks a log in sequence order
//! and names the first entry that does not match.
//!
//! Canonical encoding (version 1): the fields below, in this order, each as
//! `N` when null or `S<len>:<bytes>` when present (len = byte length, in
//! decimal), integers in decimal, `at` as RFC 3339 UTC with microseconds
//! (`2026-11-23T00:00:00.000000Z`: what both backends store), `details`
//! exactly as stored. The previous entry's hash (empty for the first entry)
//! is the last field, so the hash covers the whole history before it.
//! Length prefixes make the encoding unambiguous: no field can leak into
//! its neighbour.

use chrono::NaiveDateTime;
use sha2::{Digest, Sha256};

/// One stored entry, borrowed; every column except `hash`.
#[derive(Debug, Clone, Copy)]
pub struct EntryFields<'a> {
    pub seq: i64,
    pub at: NaiveDateTime,
    pub actor_id: Option<i64>,
    pub actor_role: &'a str,
    pub actor_branch: Option<&'a str>,
    pub action: &'a str,
    pub participant_id: Option<i64>,
    pub claim_id: Option<i64>,
    pub booking_id: Option<i64>,
    pub session_id: Option<i64>,
    pub batch_id: Option<i64>,
    pub branch_code: Option<&'a str>,
    pub details: &'a str,
    pub client_ip: Option<&'a str>,
    pub request_id: Option<&'a str>,
    pub prev_hash: &'a str,
}

/// The instant as the log stores it: both backends keep microseconds.
pub fn stored_instant(at: NaiveDateTime) -> NaiveDateTime {
    use chrono::{DurationRound, TimeDelta};
    at.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(at)
}

/// `n` in decimal into the end of `tmp`, returning where it starts (no
/// allocation: this runs for every field of every entry the verifier reads).
fn decimal(n: i64, tmp: &mut [u8; 24]) -> usize {
    let mut i = tmp.len();
    let mut v = n.unsigned_abs();
    loop {
        i -= 1;
        tmp[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    if n < 0 {
        i -= 1;
        tmp[i] = b'-';
    }
    i
}

/// `S<len>:` for a present field of `len` bytes.
fn put_len(buf: &mut Vec<u8>, len: usize) {
    let mut tmp = [0u8; 24];
    let from = decimal(len as i64, &mut tmp);
    buf.push(b'S');
    buf.extend_from_slice(&tmp[from..]);
    buf.push(b':');
}

fn put_str(buf: &mut Vec<u8>, s: Option<&str>) {
    match s {
        None => buf.push(b'N'),
        Some(s) => {
            put_len(buf, s.len());
            buf.extend_from_slice(s.as_bytes());
        }
    }
}

fn put_int(buf: &mut Vec<u8>, n: Option<i64>) {
    match n {
        None => buf.push(b'N'),
        Some(n) => {
            // Digits never contain ':' so the length prefix still holds.
            let mut tmp = [0u8; 24];
            let from = decimal(n, &mut tmp);
            put_len(buf, tmp.len() - from);
            buf.extend_from_slice(&tmp[from..]);
        }
    }
}

/// Writes `at` as `%Y-%m-%dT%H:%M:%S%.6fZ` into `out`, returning the
/// length: by hand, because the verifier formats one per entry and
/// chrono's general formatter is slow for that. Years outside 0..=9999 take the
/// general formatter, and so does a leap second (never stored).
fn rfc3339_micros(at: NaiveDateTime, out: &mut [u8; 40]) -> usize {
    use chrono::{Datelike, Timelike};
    let year = at.year();
    if !(0..=9999).contains(&year) || at.nanosecond() >= 1_000_000_000 {
        use std::io::Write;
        let mut cur = std::io::Cursor::new(&mut out[..]);
        let _ = write!(cur, "{}", at.format("%Y-%m-%dT%H:%M:%S%.6fZ"));
        return cur.position() as usize;
    }
    let micros = at.and_utc().timestamp_subsec_micros().min(999_999);
    let mut put = |pos: usize, value: u32, digits: usize| {
        let mut v = value;
        for i in (0..digits).rev() {
            out[pos + i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, year as u32, 4);
    put(5, at.month(), 2);
    put(8, at.day(), 2);
    put(11, at.hour(), 2);
    put(14, at.minute(), 2);
    put(17, at.second(), 2);
    put(20, micros, 6);
    out[4] = b'-';
    out[7] = b'-';
    out[10] = b'T';
    out[13] = b':';
    out[16] = b':';
    out[19] = b'.';
    out[26] = b'Z';
    27
}

/// Appends the canonical encoding of `e` to `buf`.
pub fn encode(e: &EntryFields<'_>, buf: &mut Vec<u8>) {
    buf.extend_from_slice(b"antre-audit-v1|");
    put_int(buf, Some(e.seq));
    let mut at = [0u8; 40];
    let len = rfc3339_micros(e.at, &mut at);
    put_str(buf, std::str::from_utf8(&at[..len]).ok());
    put_int(buf, e.actor_id);
    put_str(buf, Some(e.actor_role));
    put_str(buf, e.actor_branch);
    put_str(buf, Some(e.action));
    put_int(buf, e.participant_id);
    put_int(buf, e.claim_id);
    put_int(buf, e.booking_id);
    put_int(buf, e.session_id);
    put_int(buf, e.batch_id);
    put_str(buf, e.branch_code);
    put_str(buf, Some(e.details));
    put_str(buf, e.client_ip);
    put_str(buf, e.request_id);
    put_str(buf, Some(e.prev_hash));
}

/// Lower-case hex SHA-256 of the entry's canonical encoding; `buf` is
/// scratch space, reused by callers that hash many entries.
pub fn entry_hash_with(e: &EntryFields<'_>, buf: &mut Vec<u8>) -> String {
    buf.clear();
    encode(e, buf);
    hex::encode(Sha256::digest(&buf[..]))
}

/// Whether the entry's hash is `stored` (lower-case hex), without
/// allocating: the verifier calls this once per entry of the whole log.
pub fn hash_matches(e: &EntryFields<'_>, buf: &mut Vec<u8>, stored: &str) -> bool {
    buf.clear();
    encode(e, buf);
    let digest = Sha256::digest(&buf[..]);
    let mut hexed = [0u8; 64];
    hex::encode_to_slice(digest, &mut hexed).is_ok() && hexed[..] == *stored.as_bytes()
}

pub fn entry_hash(e: &EntryFields<'_>) -> String {
    entry_hash_with(e, &mut Vec::with_capacity(256))
}

/// The text a checkpoint signs.
pub fn checkpoint_message(seq: i64, hash: &str) -> String {
    format!("{seq}|{hash}")
}

/// Where and why the chain stops matching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    pub seq: i64,
    pub reason: BreakReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakReason {
    /// The entry with this sequence number is missing.
    Missing,
    /// The entry does not point at the hash of the one before it.
    PrevHash,
    /// The entry's content does not match its stored hash.
    Hash,
}

impl std::fmt::Display for Break {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let why = match self.reason {
            BreakReason::Missing => "the entry is missing (deleted)",
            BreakReason::PrevHash => "it does not continue the previous entry's hash",
            BreakReason::Hash => "its content does not match its hash (altered)",
        };
        write!(f, "audit log broken at entry {}: {why}", self.seq)
    }
}

/// Walks a log in sequence order. Entries written before the chain existed
/// (empty hash and prev_hash, only at the start) are counted as legacy and
/// not checked; after the first chained entry every entry must chain.
#[derive(Debug, Default)]
pub struct Verifier {
    last_seq: Option<i64>,
    last_hash: String,
    chained: bool,
    pub entries: u64,
    pub legacy: u64,
    buf: Vec<u8>,
}

impl Verifier {
    pub fn new() -> Self {
        Self {
            buf: Vec::with_capacity(512),
            ..Self::default()
        }
    }

    /// Checks the next entry (in seq order) against the chain so far.
    pub fn push(&mut self, e: &EntryFields<'_>, stored_hash: &str) -> Result<(), Break> {
        let mut buf = std::mem::take(&mut self.buf);
        let done = self.check(
            e.seq,
            e.prev_hash,
            stored_hash,
            |b: &mut Vec<u8>| hash_matches(e, b, stored_hash),
            &mut buf,
        );
        self.buf = buf;
        done
    }

    /// [`Verifier::push`] with the content check given as `content_ok`
    /// (run only when the entry gets that far).
    fn check(
        &mut self,
        seq: i64,
        prev_hash: &str,
        stored_hash: &str,
        content_ok: impl FnOnce(&mut Vec<u8>) -> bool,
        buf: &mut Vec<u8>,
    ) -> Result<(), Break> {
        let expected_seq = self.last_seq.map_or(1, |s| s + 1);
        if !self.chained && stored_hash.is_empty() && prev_hash.is_empty() {
            self.legacy += 1;
            self.entries += 1;
            self.last_seq = Some(seq);
            return Ok(());
        }
        if seq > expected_seq {
            return Err(Break {
                seq: expected_seq,
                reason: BreakReason::Missing,
            });
        }
        if prev_hash != self.last_hash {
            return Err(Break {
                seq,
                reason: BreakReason::PrevHash,
            });
        }
        if !content_ok(buf) {
            return Err(Break {
                seq,
                reason: BreakReason::Hash,
            });
        }
        self.chained = true;
        self.entries += 1;
        self.last_seq = Some(seq);
        self.last_hash.clear();
        self.last_hash.push_str(stored_hash);
        Ok(())
    }

    pub fn last_seq(&self) -> Option<i64> {
        self.last_seq
    }

    pub fn last_hash(&self) -> &str {
        &self.last_hash
    }

    /// Appends a run checked on its own ([`Segment`]), as if its entries
    /// had been pushed here one by one: its first entry is checked against
    /// this chain, then the run's own verdict stands.
    pub fn append(&mut self, run: Segment) -> Result<(), Break> {
        let Some(head) = run.head else {
            return Ok(());
        };
        let mut buf = std::mem::take(&mut self.buf);
        let first = self.check(
            head.seq,
            &head.prev_hash,
            &head.hash,
            |_| head.content_ok,
            &mut buf,
        );
        self.buf = buf;
        first?;
        let rest = run.rest;
        self.entries += rest.entries;
        self.legacy += rest.legacy;
        self.chained = rest.chained;
        self.last_seq = rest.last_seq;
        self.last_hash = rest.last_hash;
        match run.broken {
            Some(b) => Err(b),
            None => Ok(()),
        }
    }
}

/// The first entry of a [`Segment`], already hashed: what the chain
/// before it must agree with.
#[derive(Debug, Clone)]
struct Head {
    seq: i64,
    prev_hash: String,
    hash: String,
    content_ok: bool,
}

/// A run of consecutive entries checked apart from the rest of the log
/// (runs are read and hashed in parallel, then joined in order with
/// [`Verifier::append`]; the first break found is the one a single walk
/// would find). Its first entry is checked when it is appended; every
/// later one here, against the entry before it in the run.
#[derive(Debug, Default)]
pub struct Segment {
    head: Option<Head>,
    rest: Verifier,
    broken: Option<Break>,
}

impl Segment {
    pub fn new() -> Self {
        Self::default()
    }

    /// Checks the run's next entry; false once the run is broken (no
    /// later entry of it counts).
    pub fn push(&mut self, e: &EntryFields<'_>, stored_hash: &str) -> bool {
        if self.broken.is_some() {
            return false;
        }
        if self.head.is_none() {
            let content_ok = hash_matches(e, &mut self.rest.buf, stored_hash);
            self.head = Some(Head {
                seq: e.seq,
                prev_hash: e.prev_hash.to_string(),
                hash: stored_hash.to_string(),
                content_ok,
            });
            // The state right after the head, were it accepted: legacy
            // entries have no hash and leave the chain unstarted.
            self.rest.last_seq = Some(e.seq);
            self.rest.chained = !stored_hash.is_empty();
            self.rest.last_hash = if self.rest.chained {
                stored_hash.to_string()
            } else {
                String::new()
            };
            return true;
        }
        match self.rest.push(e, stored_hash) {
            Ok(()) => true,
            Err(b) => {
                self.broken = Some(b);
                false
            }
        }
    }

    /// Whether a break was found after the first entry.
    pub fn is_broken(&self) -> bool {
        self.broken.is_some()
    }
}

#[cfg(test)]
#[path = "tests/chain.rs"]
mod tests;

//! An entry's canonical encoding (version 1) and its SHA-256 hash: what
//! every writer hashes and the verifier recomputes for each entry of the
//! whole log.
//!
//! The fields below, in this order, each as `N` when null or
//! `S<len>:<bytes>` when present (len = byte length, in decimal), integers
//! in decimal, `at` as RFC 3339 UTC with microseconds
//! (`2026-11-23T00:00:00.000000Z`: what both backends store), `details`
//! exactly as stored. The previous entry's hash (empty for the first entry)
//! is the last field, so the hash covers the whole history before it.
//! Length prefixes make the encoding unambiguous: no field can leak into
//! its neighbour.
//!
//! The encoder writes into a buffer sized once per entry, digits straight
//! to their place (a `memcpy` call for every few bytes was a large share
//! of a verify): it runs a million times in `antre audit verify`.

use chrono::NaiveDateTime;
use sha2::{Digest, Sha256};

/// One stored entry, borrowed; every column except `hash`. Text columns
/// are `str` (`T` by default), or the bytes as stored where the reader's
/// source guarantees UTF-8 (PostgreSQL's COPY), so the verifier does not
/// check every byte again: the encoding reads bytes either way.
#[derive(Debug)]
pub struct EntryFields<'a, T: ?Sized = str> {
    pub seq: i64,
    pub at: NaiveDateTime,
    pub actor_id: Option<i64>,
    pub actor_role: &'a T,
    pub actor_branch: Option<&'a T>,
    pub action: &'a T,
    pub participant_id: Option<i64>,
    pub claim_id: Option<i64>,
    pub booking_id: Option<i64>,
    pub session_id: Option<i64>,
    pub batch_id: Option<i64>,
    pub branch_code: Option<&'a T>,
    pub details: &'a T,
    pub client_ip: Option<&'a T>,
    pub request_id: Option<&'a T>,
    pub prev_hash: &'a T,
}

impl<T: ?Sized> Clone for EntryFields<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: ?Sized> Copy for EntryFields<'_, T> {}

impl<'a> EntryFields<'a> {
    /// The same fields with their text as bytes.
    pub fn as_bytes(&self) -> EntryFields<'a, [u8]> {
        EntryFields {
            seq: self.seq,
            at: self.at,
            actor_id: self.actor_id,
            actor_role: self.actor_role.as_bytes(),
            actor_branch: self.actor_branch.map(str::as_bytes),
            action: self.action.as_bytes(),
            participant_id: self.participant_id,
            claim_id: self.claim_id,
            booking_id: self.booking_id,
            session_id: self.session_id,
            batch_id: self.batch_id,
            branch_code: self.branch_code.map(str::as_bytes),
            details: self.details.as_bytes(),
            client_ip: self.client_ip.map(str::as_bytes),
            request_id: self.request_id.map(str::as_bytes),
            prev_hash: self.prev_hash.as_bytes(),
        }
    }
}

/// The instant as the log stores it: both backends keep microseconds.
pub fn stored_instant(at: NaiveDateTime) -> NaiveDateTime {
    use chrono::{DurationRound, TimeDelta};
    at.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(at)
}

const PREFIX: &[u8] = b"antre-audit-v1|";
/// The most a field's own bytes take beyond its value: `S`, up to 20
/// digits of length and `:`.
const FIELD: usize = 22;
/// Integer fields (seq and the six ids) and the longest integer's
/// digits.
const INTS: usize = 7;
const INT: usize = 20;

/// The encoding under construction: `out` is sized for the whole entry,
/// `pos` is where the next byte goes. Digits go straight to their place:
/// composing a piece on the stack and copying it in stalled on every
/// piece (a store read back wider than it was written).
struct Writer<'b> {
    out: &'b mut [u8],
    pos: usize,
}

impl Writer<'_> {
    fn null(&mut self) {
        self.out[self.pos] = b'N';
        self.pos += 1;
    }

    /// `S<len>:`; a length under 100 (all but `details`, mostly) as one
    /// small store.
    fn prefix(&mut self, len: usize) {
        let p = self.pos;
        if len < 10 {
            self.out[p..p + 3].copy_from_slice(&[b'S', b'0' + len as u8, b':']);
            self.pos = p + 3;
        } else if len < 100 {
            let [a, b] = PAIRS[len];
            self.out[p..p + 4].copy_from_slice(&[b'S', a, b, b':']);
            self.pos = p + 4;
        } else {
            let digits = digits(len as u64);
            self.out[p] = b'S';
            put_digits(&mut self.out[p + 1..p + 1 + digits], len as u64);
            self.out[p + 1 + digits] = b':';
            self.pos = p + 2 + digits;
        }
    }

    fn int(&mut self, n: Option<i64>) {
        let Some(n) = n else {
            return self.null();
        };
        // Digits never contain ':' so the length prefix still holds.
        let v = n.unsigned_abs();
        let digits = digits(v);
        let sign = usize::from(n < 0);
        self.prefix(sign + digits);
        if n < 0 {
            self.out[self.pos] = b'-';
        }
        self.pos += sign;
        put_digits(&mut self.out[self.pos..self.pos + digits], v);
        self.pos += digits;
    }

    fn text(&mut self, s: Option<&[u8]>) {
        let Some(s) = s else {
            return self.null();
        };
        self.prefix(s.len());
        self.out[self.pos..self.pos + s.len()].copy_from_slice(s);
        self.pos += s.len();
    }
}

/// How many decimal digits `v` takes.
fn digits(v: u64) -> usize {
    v.checked_ilog10().map_or(1, |d| d as usize + 1)
}

/// `00` to `99`.
const PAIRS: [[u8; 2]; 100] = {
    let mut t = [[0u8; 2]; 100];
    let mut i = 0;
    while i < 100 {
        t[i] = [b'0' + (i / 10) as u8, b'0' + (i % 10) as u8];
        i += 1;
    }
    t
};

/// `v` in decimal, filling `out` (exactly [`digits`] long), two digits
/// at a time from the end.
fn put_digits(out: &mut [u8], mut v: u64) {
    let mut end = out.len();
    while end >= 2 {
        out[end - 2..end].copy_from_slice(&PAIRS[(v % 100) as usize]);
        v /= 100;
        end -= 2;
    }
    if end == 1 {
        out[0] = b'0' + v as u8;
    }
}

/// Writes `at` as `%Y-%m-%dT%H:%M:%S%.6fZ` into `out`, returning the
/// length: by hand, because the verifier formats one per entry and
/// chrono's general formatter is slow for that. Years outside 0..=9999 take
/// the general formatter, and so does a leap second (never stored).
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
        put_digits(&mut out[pos..pos + digits], u64::from(value));
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

/// Replaces `buf` with the canonical encoding of `e`.
pub fn encode<T: AsRef<[u8]> + ?Sized>(e: &EntryFields<'_, T>, buf: &mut Vec<u8>) {
    let len = encode_into(e, buf);
    buf.truncate(len);
}

/// Writes the canonical encoding of `e` at the start of `buf` and returns
/// its length; `buf` only grows (zeroed once, not for every entry).
fn encode_into<T: AsRef<[u8]> + ?Sized>(e: &EntryFields<'_, T>, buf: &mut Vec<u8>) -> usize {
    fn bytes<T: AsRef<[u8]> + ?Sized>(s: &T) -> &[u8] {
        s.as_ref()
    }
    let texts = [
        Some(bytes(e.actor_role)),
        e.actor_branch.map(bytes),
        Some(bytes(e.action)),
        e.branch_code.map(bytes),
        Some(bytes(e.details)),
        e.client_ip.map(bytes),
        e.request_id.map(bytes),
        Some(bytes(e.prev_hash)),
    ];
    let text_bytes: usize = texts.iter().flatten().map(|t| t.len()).sum();
    let mut at = [0u8; 40];
    let at_len = rfc3339_micros(e.at, &mut at);
    // Each field's prefix, the integers' digits, the instant and the
    // texts.
    let bound =
        PREFIX.len() + (INTS + 1 + texts.len()) * FIELD + INTS * (INT + 1) + at_len + text_bytes;
    if buf.len() < bound {
        buf.resize(bound, 0);
    }
    let mut w = Writer {
        out: &mut buf[..],
        pos: 0,
    };
    w.out[..PREFIX.len()].copy_from_slice(PREFIX);
    w.pos = PREFIX.len();
    w.int(Some(e.seq));
    w.text(Some(&at[..at_len]));
    w.int(e.actor_id);
    w.text(texts[0]);
    w.text(texts[1]);
    w.text(texts[2]);
    w.int(e.participant_id);
    w.int(e.claim_id);
    w.int(e.booking_id);
    w.int(e.session_id);
    w.int(e.batch_id);
    w.text(texts[3]);
    w.text(texts[4]);
    w.text(texts[5]);
    w.text(texts[6]);
    w.text(texts[7]);
    w.pos
}

/// Lower-case hex SHA-256 of the entry's canonical encoding; `buf` is
/// scratch space, reused by callers that hash many entries.
pub fn entry_hash_with(e: &EntryFields<'_>, buf: &mut Vec<u8>) -> String {
    encode(e, buf);
    hex::encode(Sha256::digest(&buf[..]))
}

/// Whether the entry's hash is `stored` (lower-case hex), without
/// allocating: the verifier calls this once per entry of the whole log.
pub fn hash_matches<T: AsRef<[u8]> + ?Sized>(
    e: &EntryFields<'_, T>,
    buf: &mut Vec<u8>,
    stored: &[u8],
) -> bool {
    let len = encode_into(e, buf);
    let digest = Sha256::digest(&buf[..len]);
    let mut hexed = [0u8; 64];
    hex::encode_to_slice(digest, &mut hexed).is_ok() && hexed[..] == *stored
}

pub fn entry_hash(e: &EntryFields<'_>) -> String {
    entry_hash_with(e, &mut Vec::with_capacity(256))
}

#[cfg(test)]
#[path = "tests/canonical.rs"]
mod tests;

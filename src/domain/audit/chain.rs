//! The verification log's hash chain: the verifier that walks a log in
//! sequence order and names the first entry that does not match, in one
//! walk or in runs joined in order. The entry's canonical encoding and
//! hash are in [`super::canonical`].

use super::canonical::{hash_matches, EntryFields};

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
    /// The last entry's stored hash, as bytes (lower-case hex when read
    /// from a log Antre wrote).
    last_hash: Vec<u8>,
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
    pub fn push<T: AsRef<[u8]> + ?Sized>(
        &mut self,
        e: &EntryFields<'_, T>,
        stored_hash: &T,
    ) -> Result<(), Break> {
        let mut buf = std::mem::take(&mut self.buf);
        let stored_hash = stored_hash.as_ref();
        let done = self.check(
            e.seq,
            e.prev_hash.as_ref(),
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
        prev_hash: &[u8],
        stored_hash: &[u8],
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
        if prev_hash != self.last_hash.as_slice() {
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
        self.last_hash.extend_from_slice(stored_hash);
        Ok(())
    }

    pub fn last_seq(&self) -> Option<i64> {
        self.last_seq
    }

    /// The last entry's stored hash (as text: a hash Antre wrote is hex).
    pub fn last_hash(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.last_hash)
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
    prev_hash: Vec<u8>,
    hash: Vec<u8>,
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
    pub fn push<T: AsRef<[u8]> + ?Sized>(
        &mut self,
        e: &EntryFields<'_, T>,
        stored_hash: &T,
    ) -> bool {
        if self.broken.is_some() {
            return false;
        }
        if self.head.is_none() {
            let content_ok = hash_matches(e, &mut self.rest.buf, stored_hash.as_ref());
            self.head = Some(Head {
                seq: e.seq,
                prev_hash: e.prev_hash.as_ref().to_vec(),
                hash: stored_hash.as_ref().to_vec(),
                content_ok,
            });
            // The state right after the head, were it accepted: legacy
            // entries have no hash and leave the chain unstarted.
            self.rest.last_seq = Some(e.seq);
            self.rest.chained = !stored_hash.as_ref().is_empty();
            self.rest.last_hash = if self.rest.chained {
                stored_hash.as_ref().to_vec()
            } else {
                Vec::new()
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

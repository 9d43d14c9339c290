//! Reading the verification log: the auditor's filtered pages (keyset on
//! seq), a claim's timeline, the chain walk that `antre audit verify` and
//! the console share, and the signed checkpoints.

use crate::db::FirstRow;
use std::time::Instant;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{audit_checkpoints, audit_log};
use crate::db::{DbConnection, DbError};
use crate::domain::audit::canonical::EntryFields;
use crate::domain::audit::chain::{Break, Verifier};

use super::window::{self, Bound};

/// One log entry with every column.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = audit_log, treat_none_as_default_value = false)]
pub struct Entry {
    pub seq: i64,
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
    pub prev_hash: String,
    pub hash: String,
}

impl Entry {
    pub fn fields(&self) -> EntryFields<'_> {
        EntryFields {
            seq: self.seq,
            at: self.at,
            actor_id: self.actor_id,
            actor_role: &self.actor_role,
            actor_branch: self.actor_branch.as_deref(),
            action: &self.action,
            participant_id: self.participant_id,
            claim_id: self.claim_id,
            booking_id: self.booking_id,
            session_id: self.session_id,
            batch_id: self.batch_id,
            branch_code: self.branch_code.as_deref(),
            details: &self.details,
            client_ip: self.client_ip.as_deref(),
            request_id: self.request_id.as_deref(),
            prev_hash: &self.prev_hash,
        }
    }
}

/// The auditor's filters; all optional, combined with AND.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub branch: Option<String>,
    pub actor: Option<i64>,
    pub action: Option<String>,
    pub participant: Option<i64>,
    pub claim: Option<i64>,
    pub from: Option<Bound>,
    /// An instant: exclusive; a day: inclusive.
    pub to: Option<Bound>,
    /// Keyset cursor: only entries with a greater seq.
    pub after: Option<i64>,
}

/// Up to `limit` entries matching `f`, in seq order.
pub fn search(conn: &mut DbConnection, f: &Filter, limit: i64) -> Result<Vec<Entry>, DbError> {
    let mut q = audit_log::table
        .select(Entry::as_select())
        .order(audit_log::seq.asc())
        .limit(limit)
        .into_boxed();
    if let Some(b) = &f.branch {
        q = q.filter(audit_log::branch_code.eq(b.clone()));
    }
    if let Some(a) = f.actor {
        q = q.filter(audit_log::actor_id.eq(a));
    }
    if let Some(a) = &f.action {
        q = q.filter(audit_log::action.eq(a.clone()));
    }
    if let Some(p) = f.participant {
        q = q.filter(audit_log::participant_id.eq(p));
    }
    if let Some(c) = f.claim {
        q = q.filter(audit_log::claim_id.eq(c));
    }
    let days = [f.from, f.to]
        .iter()
        .any(|b| matches!(b, Some(Bound::Day(_))));
    let zones = match days {
        true => super::stats::zones(conn)?,
        false => Default::default(),
    };
    if let Some(b) = f.from {
        q = q.filter(window::condition(&zones, b, false));
    }
    if let Some(b) = f.to {
        q = q.filter(window::condition(&zones, b, true));
    }
    if let Some(s) = f.after {
        q = q.filter(audit_log::seq.gt(s));
    }
    Ok(q.load(conn)?)
}

/// Everything recorded about one claim, in order.
pub fn timeline(conn: &mut DbConnection, claim_id: i64) -> Result<Vec<Entry>, DbError> {
    Ok(audit_log::table
        .filter(audit_log::claim_id.eq(claim_id))
        .select(Entry::as_select())
        .order(audit_log::seq.asc())
        .load(conn)?)
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, serde::Deserialize, utoipa::ToSchema)]
#[diesel(table_name = audit_checkpoints)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
    pub signed_at: NaiveDateTime,
    /// Ed25519 signature of `"{seq}|{hash}"`, hex.
    pub signature: String,
    /// Ed25519 public key, hex.
    pub public_key: String,
}

pub fn checkpoints(conn: &mut DbConnection) -> Result<Vec<Checkpoint>, DbError> {
    Ok(audit_checkpoints::table
        .select(Checkpoint::as_select())
        .order(audit_checkpoints::id.asc())
        .load(conn)?)
}

pub fn last_checkpoint_seq(conn: &mut DbConnection) -> Result<Option<i64>, DbError> {
    Ok(audit_checkpoints::table
        .select(diesel::dsl::max(audit_checkpoints::seq))
        .first_row::<Option<i64>, _>(conn)?)
}

pub fn insert_checkpoint(conn: &mut DbConnection, c: &Checkpoint) -> Result<(), DbError> {
    diesel::insert_into(audit_checkpoints::table)
        .values((
            audit_checkpoints::seq.eq(c.seq),
            audit_checkpoints::hash.eq(&c.hash),
            audit_checkpoints::signed_at.eq(c.signed_at),
            audit_checkpoints::signature.eq(&c.signature),
            audit_checkpoints::public_key.eq(&c.public_key),
        ))
        .execute(conn)?;
    Ok(())
}

/// What a walk of the chain found.
#[derive(Debug, Clone)]
pub struct ChainReport {
    pub entries: u64,
    pub last_seq: Option<i64>,
    pub last_hash: String,
    pub broken: Option<Break>,
    /// Hash of every entry at a seq asked for in `want` (checkpoints).
    pub hashes_at: std::collections::HashMap<i64, String>,
    /// The walk stopped at the deadline before the end.
    pub incomplete: bool,
}

/// Rows fetched per query while walking the chain.
const BATCH: i64 = 10_000;

/// Recomputes the chain in seq order, in batches, stopping at the first
/// break or at `deadline`. Records the chain's hash at each seq in `want`.
///
/// Reading and hashing overlap: this thread reads the next batch while a
/// second one checks the previous (a million entries take about as long
/// as reading them).
pub fn walk(
    conn: &mut DbConnection,
    want: &[i64],
    deadline: Option<Instant>,
) -> Result<ChainReport, DbError> {
    use std::sync::atomic::{AtomicBool, Ordering};
    let want: std::collections::HashSet<i64> = want.iter().copied().collect();
    let stop = AtomicBool::new(false);
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Entry>>(2);
    std::thread::scope(|scope| {
        let checker = scope.spawn(|| {
            let mut v = Verifier::new();
            let mut hashes_at = std::collections::HashMap::new();
            let mut broken = None;
            'batches: for rows in rx {
                for e in &rows {
                    if let Err(b) = v.push(&e.fields(), &e.hash) {
                        broken = Some(b);
                        stop.store(true, Ordering::Relaxed);
                        break 'batches;
                    }
                    if want.contains(&e.seq) {
                        hashes_at.insert(e.seq, e.hash.clone());
                    }
                }
            }
            (v, hashes_at, broken)
        });
        let mut after = 0i64;
        let mut incomplete = false;
        let mut failed = None;
        while !stop.load(Ordering::Relaxed) {
            let rows: Vec<Entry> = match audit_log::table
                .filter(audit_log::seq.gt(after))
                .select(Entry::as_select())
                .order(audit_log::seq.asc())
                .limit(BATCH)
                .load(conn)
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
            if deadline.is_some_and(|d| Instant::now() >= d) {
                incomplete = true;
                break;
            }
        }
        drop(tx);
        let (v, hashes_at, broken) = checker
            .join()
            .map_err(|_| DbError::Task("the chain checker stopped unexpectedly".into()))?;
        if let Some(e) = failed {
            return Err(e.into());
        }
        Ok(ChainReport {
            entries: v.entries,
            last_seq: v.last_seq(),
            last_hash: v.last_hash().to_string(),
            incomplete: incomplete && broken.is_none(),
            broken,
            hashes_at,
        })
    })
}

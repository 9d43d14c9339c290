//! The log's seal: signed checkpoints of the chain's head, and the full
//! verification that `antre audit verify`
//! and the auditor console run.

pub mod read;

use std::time::{Duration, Instant};

use chrono::NaiveDateTime;

use crate::config::Settings;
use crate::db::audit::read::{self as audit_read, Checkpoint};
use crate::db::{audit, Db, DbError};
use crate::domain::audit::chain::checkpoint_message;
use crate::infra::audit_key;
pub use crate::infra::audit_key::AuditKey;

fn sign(key: &AuditKey, seq: i64, hash: &str, at: NaiveDateTime) -> Checkpoint {
    Checkpoint {
        seq,
        hash: hash.to_string(),
        signed_at: at,
        signature: key.sign_hex(&checkpoint_message(seq, hash)),
        public_key: key.public_key_hex(),
    }
}

/// Moves the entries that wait after their action's commit into the chain
/// (PostgreSQL; see `db::audit::inbox`). Requests do it before answering;
/// this catches what an instance stopped between the two commits left.
pub fn chain_pending(db: &Db) -> Result<usize, DbError> {
    if db.is_sqlite() {
        // SQLite chains in the action's transaction; only entries written
        // by other means wait here.
        return db.write(audit::inbox::chain_batch);
    }
    db.read(audit::inbox::chain_pending)
}

/// [`chain_pending`], then vacuums the inbox of the rows that chained
/// entries leave behind (`db::audit::tidy_inbox`): the chaining job's
/// step, every second.
pub fn chain_and_tidy(db: &Db) -> Result<usize, DbError> {
    let moved = chain_pending(db)?;
    db.read(audit::tidy_inbox)?;
    Ok(moved)
}

/// Signs and stores the head of the chain. With `only_if_new`, does
/// nothing when no entry was appended since the last checkpoint.
pub fn checkpoint(
    db: &Db,
    key: &AuditKey,
    now: NaiveDateTime,
    only_if_new: bool,
) -> Result<Option<Checkpoint>, DbError> {
    chain_pending(db)?;
    db.write(|c| {
        let Some((seq, hash)) = audit::head(c)? else {
            return Ok(None);
        };
        if only_if_new && audit_read::last_checkpoint_seq(c)?.is_some_and(|s| s >= seq) {
            return Ok(None);
        }
        let cp = sign(key, seq, &hash, now);
        audit_read::insert_checkpoint(c, &cp)?;
        Ok(Some(cp))
    })
}

fn signature_ok(cp: &Checkpoint) -> bool {
    audit_key::signature_ok(
        &cp.public_key,
        &cp.signature,
        &checkpoint_message(cp.seq, &cp.hash),
    )
}

/// The result of a full verification.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub intact: bool,
    /// First entry that does not match, when broken.
    pub broken_seq: Option<i64>,
    /// One line for people: "audit log intact: …" or "audit log broken at
    /// entry SEQ: …".
    pub message: String,
    pub entries: u64,
    pub checkpoints: usize,
    /// The walk hit the deadline; nothing wrong was found up to there.
    pub incomplete: bool,
}

/// Recomputes the chain and checks every stored checkpoint (and `extra`,
/// an exported one): signature valid, made with this system's key when it
/// is known, and matching the chain at its seq.
pub fn verify(
    db: &Db,
    key: Option<&AuditKey>,
    extra: Option<Checkpoint>,
    deadline: Option<Instant>,
) -> Result<Verdict, DbError> {
    chain_pending(db)?;
    let mut cps = db.read(audit_read::checkpoints)?;
    cps.extend(extra);
    let want: Vec<i64> = cps.iter().map(|c| c.seq).collect();
    let report = match deadline {
        // The console's budgeted check goes in order, to say how far it got.
        Some(_) => db.read(|c| audit_read::walk(c, &want, deadline))?,
        None => crate::db::audit::scan::scan(db, &want)?,
    };
    let broken = |seq: i64, why: String| Verdict {
        intact: false,
        broken_seq: Some(seq),
        message: format!("audit log broken at entry {seq}: {why}"),
        entries: report.entries,
        checkpoints: cps.len(),
        incomplete: false,
    };
    let mut first: Option<Verdict> = report.broken.as_ref().map(|b| Verdict {
        intact: false,
        broken_seq: Some(b.seq),
        message: b.to_string(),
        entries: report.entries,
        checkpoints: cps.len(),
        incomplete: false,
    });
    let own_key = key.map(AuditKey::public_key_hex);
    for cp in &cps {
        let problem = if !signature_ok(cp) {
            Some(broken(
                cp.seq,
                "the checkpoint's signature is not valid".into(),
            ))
        } else if own_key.as_ref().is_some_and(|k| *k != cp.public_key) {
            Some(broken(
                cp.seq,
                "the checkpoint was signed with another key".into(),
            ))
        } else if report.incomplete && report.last_seq.is_none_or(|s| cp.seq > s) {
            None
        } else {
            match report.hashes_at.get(&cp.seq) {
                Some(h) if *h == cp.hash => None,
                Some(_) => Some(broken(
                    cp.seq,
                    "the entry does not match the checkpoint signed for it".into(),
                )),
                // The walk stopped earlier at a break, which is reported.
                None if report.broken.is_some() => None,
                None => Some(broken(
                    cp.seq,
                    "the entry is missing but a checkpoint was signed for it".into(),
                )),
            }
        };
        if let Some(p) = problem {
            if first.as_ref().is_none_or(|f| f.broken_seq > p.broken_seq) {
                first = Some(p);
            }
        }
    }
    if let Some(v) = first {
        return Ok(v);
    }
    let message = if report.incomplete {
        format!(
            "audit log intact as far as checked: {} entries up to entry {}",
            report.entries,
            report.last_seq.unwrap_or(0)
        )
    } else {
        format!(
            "audit log intact: {} entries, last hash {}",
            report.entries,
            if report.last_hash.is_empty() {
                "(none)"
            } else {
                &report.last_hash
            }
        )
    };
    Ok(Verdict {
        intact: true,
        broken_seq: None,
        message,
        entries: report.entries,
        checkpoints: cps.len(),
        incomplete: report.incomplete,
    })
}

/// The console's verification: with this system's key, stopping after
/// `budget` and reporting how far it got.
pub async fn verify_console(
    db: &Db,
    settings: &Settings,
    budget: Duration,
) -> crate::app::AppResult<Verdict> {
    let (seed, data_dir) = (settings.audit_key, settings.data_dir.clone());
    crate::db::run(db, move |db| -> crate::app::AppResult<_> {
        let key =
            AuditKey::load(seed.as_ref(), &data_dir).map_err(crate::app::AppError::internal)?;
        Ok(verify(db, Some(&key), None, Some(Instant::now() + budget))?)
    })
    .await
}

//! The log's seal: the Ed25519 key kept in the data dir, signed checkpoints
//! of the chain's head, and the full verification that `antre audit verify`
//! and the auditor console run.

use std::path::Path;
use std::time::Instant;

use chrono::NaiveDateTime;
use ring::signature::{Ed25519KeyPair, KeyPair, UnparsedPublicKey, ED25519};

use crate::db::audit_read::{self, Checkpoint};
use crate::db::{audit, Db, DbError};
use crate::domain::audit_chain::checkpoint_message;

const KEY_FILE: &str = "audit_ed25519.key";

/// The signing key; generated once into `DATA_DIR/audit_ed25519.key`
/// (PKCS#8, hex, mode 0600).
pub struct AuditKey {
    pair: Ed25519KeyPair,
}

impl AuditKey {
    pub fn load_or_create(data_dir: &Path) -> Result<Self, String> {
        let path = data_dir.join(KEY_FILE);
        let pkcs8 = match std::fs::read_to_string(&path) {
            Ok(text) => hex::decode(text.trim())
                .map_err(|_| format!("{} is not a hex key", path.display()))?,
            Err(_) => {
                std::fs::create_dir_all(data_dir)
                    .map_err(|e| format!("cannot create {}: {e}", data_dir.display()))?;
                let rng = ring::rand::SystemRandom::new();
                let doc = Ed25519KeyPair::generate_pkcs8(&rng)
                    .map_err(|_| "cannot generate the audit signing key".to_string())?;
                crate::auth::write_private(&path, hex::encode(doc.as_ref()).as_bytes())?;
                doc.as_ref().to_vec()
            }
        };
        let pair = Ed25519KeyPair::from_pkcs8_maybe_unchecked(&pkcs8)
            .map_err(|_| format!("{} does not hold an Ed25519 key", path.display()))?;
        Ok(Self { pair })
    }

    pub fn public_key_hex(&self) -> String {
        hex::encode(self.pair.public_key().as_ref())
    }

    fn sign(&self, seq: i64, hash: &str, at: NaiveDateTime) -> Checkpoint {
        let sig = self.pair.sign(checkpoint_message(seq, hash).as_bytes());
        Checkpoint {
            seq,
            hash: hash.to_string(),
            signed_at: at,
            signature: hex::encode(sig.as_ref()),
            public_key: self.public_key_hex(),
        }
    }
}

/// Signs and stores the head of the chain. With `only_if_new`, does
/// nothing when no entry was appended since the last checkpoint.
pub fn checkpoint(
    db: &Db,
    key: &AuditKey,
    now: NaiveDateTime,
    only_if_new: bool,
) -> Result<Option<Checkpoint>, DbError> {
    db.write(|c| {
        let Some((seq, hash)) = audit::head(c)? else {
            return Ok(None);
        };
        if only_if_new && audit_read::last_checkpoint_seq(c)?.is_some_and(|s| s >= seq) {
            return Ok(None);
        }
        let cp = key.sign(seq, &hash, now);
        audit_read::insert_checkpoint(c, &cp)?;
        Ok(Some(cp))
    })
}

fn signature_ok(cp: &Checkpoint) -> bool {
    let (Ok(pk), Ok(sig)) = (hex::decode(&cp.public_key), hex::decode(&cp.signature)) else {
        return false;
    };
    UnparsedPublicKey::new(&ED25519, pk)
        .verify(checkpoint_message(cp.seq, &cp.hash).as_bytes(), &sig)
        .is_ok()
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
    let mut cps = db.read(audit_read::checkpoints)?;
    cps.extend(extra);
    let want: Vec<i64> = cps.iter().map(|c| c.seq).collect();
    let report = db.read(|c| audit_read::walk(c, &want, deadline))?;
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

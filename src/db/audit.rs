//! The verification log: every action that matters to a claim's
//! verification or to access is recorded here through [`record`], inside
//! the transaction of the action itself (no action without its entry, no
//! entry without its action). The audit issue chains the entries with
//! hashes; callers do not change when it does.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::audit_log;
use super::{DbConnection, DbError};

/// Who acted.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub id: Option<i64>,
    /// participant, cs, supervisor, admin, auditor, hr, kiosk, system.
    pub role: String,
    pub branch: Option<String>,
    pub ip: Option<String>,
    pub request_id: Option<String>,
}

impl Actor {
    pub fn system() -> Self {
        Self {
            role: "system".into(),
            ..Self::default()
        }
    }
}

/// What the entry is about; unset fields are null.
#[derive(Debug, Clone, Default)]
pub struct Subject {
    pub participant_id: Option<i64>,
    pub claim_id: Option<i64>,
    pub booking_id: Option<i64>,
    pub session_id: Option<i64>,
    pub batch_id: Option<i64>,
    pub branch_code: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = audit_log)]
struct NewEntry<'a> {
    at: NaiveDateTime,
    actor_id: Option<i64>,
    actor_role: &'a str,
    actor_branch: Option<&'a str>,
    action: &'a str,
    participant_id: Option<i64>,
    claim_id: Option<i64>,
    booking_id: Option<i64>,
    session_id: Option<i64>,
    batch_id: Option<i64>,
    branch_code: Option<&'a str>,
    details: &'a str,
    client_ip: Option<&'a str>,
    request_id: Option<&'a str>,
}

/// Appends one entry. `details` must hold no secrets; NIK and account
/// numbers go in masked.
pub fn record(
    conn: &mut DbConnection,
    at: NaiveDateTime,
    actor: &Actor,
    action: &str,
    subject: &Subject,
    details: serde_json::Value,
) -> Result<(), DbError> {
    let details = details.to_string();
    diesel::insert_into(audit_log::table)
        .values(NewEntry {
            at,
            actor_id: actor.id,
            actor_role: &actor.role,
            actor_branch: actor.branch.as_deref(),
            action,
            participant_id: subject.participant_id,
            claim_id: subject.claim_id,
            booking_id: subject.booking_id,
            session_id: subject.session_id,
            batch_id: subject.batch_id,
            branch_code: subject.branch_code.as_deref(),
            details: &details,
            client_ip: actor.ip.as_deref(),
            request_id: actor.request_id.as_deref(),
        })
        .execute(conn)?;
    Ok(())
}

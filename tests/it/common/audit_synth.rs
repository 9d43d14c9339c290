//! Synthetic verification-log entries for the benchmarks and the audit
//! tests (never shipped in the library). It appends a realistic mix of
//! validly chained entries (a branch visit at a time: ticket, assignment,
//! identity check, document reviews and views, the claim decision and the
//! session outcome, with staff sign-ins in between) over the seeded
//! branches, spread over working hours of consecutive days from a start
//! instant. The chain stays intact: `antre audit verify` accepts the result.
//!
//! Speed: entries are hashed in memory and inserted as multi-row INSERTs in
//! large write transactions (one per [`TX_ROWS`] entries), so a million
//! entries take seconds, not hours.

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use diesel::prelude::*;

use antre::db::schema::audit_log;
use antre::db::{audit, Db, DbConnection, DbError};
use antre::domain::audit::canonical::{self, EntryFields};
use antre::domain::branch_seed::BRANCHES;

/// Entries per write transaction.
const TX_ROWS: usize = 50_000;
/// Rows per INSERT statement: 17 columns, well under SQLite's 32,766 and
/// PostgreSQL's 65,535 bound parameters.
const STMT_ROWS: usize = 1_000;
/// Entries per synthetic day, written between 01:00 and 08:00 UTC
/// (08:00–15:00 WIB, the service hours of most branches).
const PER_DAY: u64 = 20_000;
/// Agents per synthetic branch.
const AGENTS: u64 = 6;
/// Synthetic ids start high so they never collide with real rows in a
/// test database.
const STAFF_BASE: i64 = 900_000;
const PARTICIPANT_BASE: i64 = 5_000_000;
const CLAIM_BASE: i64 = 7_000_000;
const SESSION_BASE: i64 = 3_000_000;

#[derive(Insertable)]
#[diesel(table_name = audit_log)]
struct Row {
    seq: i64,
    at: NaiveDateTime,
    actor_id: Option<i64>,
    actor_role: String,
    actor_branch: Option<String>,
    action: String,
    participant_id: Option<i64>,
    claim_id: Option<i64>,
    booking_id: Option<i64>,
    session_id: Option<i64>,
    batch_id: Option<i64>,
    branch_code: Option<String>,
    details: String,
    client_ip: Option<String>,
    request_id: Option<String>,
    prev_hash: String,
    hash: String,
}

/// A small deterministic generator (xorshift64*): the same call writes the
/// same log, so benchmark runs compare.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// The template of one synthetic entry before seq, time and chaining.
struct Draft {
    actor_id: Option<i64>,
    actor_role: &'static str,
    actor_branch: bool,
    action: &'static str,
    subject: bool,
    session: bool,
    details: String,
}

/// The entries of one branch visit, in order.
fn visit(rng: &mut Rng, ticket: u64, branch: usize) -> Vec<Draft> {
    let agent_id = STAFF_BASE + (branch as u64 * AGENTS + rng.below(AGENTS)) as i64;
    let agent = Some(agent_id);
    let staff = |action: &'static str, session: bool, details: String| Draft {
        actor_id: agent,
        actor_role: "cs",
        actor_branch: true,
        action,
        subject: true,
        session,
        details,
    };
    let mut out = Vec::with_capacity(12);
    if rng.below(10) == 0 {
        out.push(Draft {
            subject: false,
            ..staff("signed_in", false, r#"{"channel":"page"}"#.to_string())
        });
    }
    out.push(Draft {
        actor_id: Some(1 + rng.below(3) as i64),
        actor_role: "kiosk",
        actor_branch: true,
        action: "ticket_issued",
        subject: true,
        session: false,
        details: format!(
            r#"{{"ticket":"A{:03}","nik":"3171********0001"}}"#,
            ticket % 1000
        ),
    });
    out.push(Draft {
        actor_id: None,
        actor_role: "system",
        actor_branch: false,
        action: "session_assigned",
        subject: true,
        session: true,
        details: format!(
            r#"{{"agent":{},"ticket":"A{:03}","booth":{}}}"#,
            agent_id,
            ticket % 1000,
            1 + rng.below(5)
        ),
    });
    out.push(staff("identity_confirmed", true, "{}".to_string()));
    let docs = 2 + rng.below(3);
    for d in 0..docs {
        out.push(staff(
            "document_viewed",
            false,
            format!(r#"{{"document":{},"inline":true}}"#, ticket * 4 + d),
        ));
        out.push(staff(
            "document_accepted",
            false,
            format!(
                r#"{{"document":{},"kind":"ektp","version":1}}"#,
                ticket * 4 + d
            ),
        ));
    }
    let outcome = match rng.below(20) {
        0 => "rejected",
        1 => "no_show",
        _ => "verified",
    };
    if outcome != "no_show" {
        out.push(staff(
            if outcome == "verified" {
                "claim_verified"
            } else {
                "claim_rejected"
            },
            true,
            "{}".to_string(),
        ));
    }
    out.push(staff(
        match outcome {
            "verified" => "session_verified",
            "rejected" => "session_rejected",
            _ => "session_no_show",
        },
        true,
        format!(r#"{{"ticket":"A{:03}"}}"#, ticket % 1000),
    ));
    out
}

/// Appends `entries` synthetic, validly chained entries after the current
/// head of the log, the first on the first working-hours instant of the day
/// of `start` (UTC), [`PER_DAY`] per day. Returns the number written.
///
/// For benchmarks and tests only (see the module docs).
pub fn generate(db: &Db, entries: u64, start: DateTime<Utc>) -> Result<u64, String> {
    let day0 = start
        .date_naive()
        .and_hms_opt(1, 0, 0)
        .ok_or_else(|| "invalid start".to_string())?;
    let step_us = 7 * 3600 * 1_000_000 / PER_DAY as i64;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ entries);
    let mut written = 0u64;
    let mut pending: Vec<Draft> = Vec::new();
    let mut ticket = 0u64;
    let mut buf = Vec::with_capacity(512);
    let branches: Vec<&str> = BRANCHES.iter().map(|b| b.code).collect();
    let mut branch_of_visit = 0usize;
    let mut visit_no = 0i64;
    while written < entries {
        let batch = (entries - written).min(TX_ROWS as u64) as usize;
        let done = db
            .write(|c| -> Result<usize, DbError> {
                let (mut seq, mut prev) = audit::head(c)?.unwrap_or((0, String::new()));
                let mut rows = Vec::with_capacity(STMT_ROWS);
                for i in 0..batch {
                    if pending.is_empty() {
                        ticket += 1;
                        visit_no += 1;
                        branch_of_visit = rng.below(branches.len() as u64) as usize;
                        pending = visit(&mut rng, ticket, branch_of_visit);
                        pending.reverse();
                    }
                    let Some(d) = pending.pop() else { break };
                    let k = written + i as u64;
                    let at = day0
                        + TimeDelta::days((k / PER_DAY) as i64)
                        + TimeDelta::microseconds((k % PER_DAY) as i64 * step_us);
                    let branch = branches[branch_of_visit];
                    seq += 1;
                    let mut row = Row {
                        seq,
                        at: canonical::stored_instant(at),
                        actor_id: d.actor_id,
                        actor_role: d.actor_role.to_string(),
                        actor_branch: d.actor_branch.then(|| branch.to_string()),
                        action: d.action.to_string(),
                        participant_id: d.subject.then_some(PARTICIPANT_BASE + visit_no),
                        claim_id: d.subject.then_some(CLAIM_BASE + visit_no),
                        booking_id: None,
                        session_id: d.session.then_some(SESSION_BASE + visit_no),
                        batch_id: None,
                        branch_code: Some(branch.to_string()),
                        details: d.details,
                        client_ip: (d.actor_role != "system").then(|| {
                            format!(
                                "10.{}.{}.{}",
                                branch_of_visit,
                                rng.below(8),
                                10 + rng.below(200)
                            )
                        }),
                        request_id: (d.actor_role != "system").then(|| format!("synth-{seq:x}")),
                        prev_hash: std::mem::take(&mut prev),
                        hash: String::new(),
                    };
                    row.hash = canonical::entry_hash_with(&fields(&row), &mut buf);
                    prev.clone_from(&row.hash);
                    rows.push(row);
                    if rows.len() == STMT_ROWS {
                        insert(c, &rows)?;
                        rows.clear();
                    }
                }
                insert(c, &rows)?;
                Ok(batch)
            })
            .map_err(|e| e.to_string())?;
        written += done as u64;
    }
    Ok(written)
}

fn fields(r: &Row) -> EntryFields<'_> {
    EntryFields {
        seq: r.seq,
        at: r.at,
        actor_id: r.actor_id,
        actor_role: &r.actor_role,
        actor_branch: r.actor_branch.as_deref(),
        action: &r.action,
        participant_id: r.participant_id,
        claim_id: r.claim_id,
        booking_id: r.booking_id,
        session_id: r.session_id,
        batch_id: r.batch_id,
        branch_code: r.branch_code.as_deref(),
        details: &r.details,
        client_ip: r.client_ip.as_deref(),
        request_id: r.request_id.as_deref(),
        prev_hash: &r.prev_hash,
    }
}

fn insert(c: &mut DbConnection, rows: &[Row]) -> Result<(), DbError> {
    if rows.is_empty() {
        return Ok(());
    }
    antre::per_backend!(c, conn => {
        diesel::insert_into(audit_log::table).values(rows).execute(conn)?;
    });
    Ok(())
}

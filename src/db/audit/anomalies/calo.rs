//! The seat-broker (calo) flags: the log's booking entries, each with its
//! participant's phone number and whether the waiting line offered the
//! seat, read for the rules of `domain::audit::anomaly::calo`. Read-only.
//!
//! A flag concerns participants, not staff: `actor_id` stays empty, and
//! `participants` and `claims` name whom it is about. The per-day and
//! per-range rules see the range's days at every branch (a broker is not
//! bound to one); a branch filter keeps the flags that touch that branch.

use crate::db::FirstRow;
use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use chrono_tz::Tz;
use diesel::prelude::*;
use serde_json::Value;

use super::Flag;
use crate::db::audit::stats::{local, Range};
use crate::db::schema::{audit_log, participants, slots};
use crate::db::{DbConnection, DbError};
use crate::domain::audit::anomaly::calo::{self as rules, BookingEvent, Change, Hit};
use crate::domain::audit::anomaly::Kind;

const ACTIONS: [&str; 4] = [
    "booking_placed",
    "booking_rescheduled",
    "booking_cancelled",
    "waitlist_accepted",
];

type Row = (
    i64,
    NaiveDateTime,
    String,
    Option<i64>,
    Option<i64>,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
);

fn detail_str(details: &Value, key: &str) -> Option<String> {
    details.get(key).and_then(Value::as_str).map(str::to_string)
}

/// The booking changes in the range's UTC window, in log order.
fn events(
    conn: &mut DbConnection,
    range: &Range,
    zones: &HashMap<String, Tz>,
) -> Result<Vec<BookingEvent>, DbError> {
    let (from, to) = range.utc_window();
    let rows: Vec<Row> = audit_log::table
        .left_join(
            participants::table.on(audit_log::participant_id.eq(participants::id.nullable())),
        )
        .filter(audit_log::action.eq_any(ACTIONS))
        .filter(audit_log::at.ge(from))
        .filter(audit_log::at.lt(to))
        .order(audit_log::seq.asc())
        .select((
            audit_log::seq,
            audit_log::at,
            audit_log::action,
            audit_log::participant_id,
            audit_log::claim_id,
            audit_log::branch_code,
            audit_log::details,
            audit_log::client_ip,
            participants::phone.nullable(),
        ))
        .load(conn)?;
    let rows: Vec<(Row, Value)> = rows
        .into_iter()
        .map(|r| {
            let details: Value = serde_json::from_str(&r.6).unwrap_or_default();
            (r, details)
        })
        .collect();
    // A seat taken from the waiting line's offer: `waitlist_accepted`
    // names the booking's code (written in the same transaction).
    let accepted: HashSet<String> = rows
        .iter()
        .filter(|(r, _)| r.2 == "waitlist_accepted")
        .filter_map(|(_, d)| detail_str(d, "booking"))
        .collect();
    let mut out = Vec::new();
    for ((seq, at, action, participant, claim, branch, _, address, phone), d) in rows {
        let (Some(change), Some(participant_id), Some(branch)) =
            (Change::of_action(&action), participant, branch)
        else {
            continue;
        };
        let via_waitlist = change == Change::Placed
            && detail_str(&d, "code").is_some_and(|c| accepted.contains(&c));
        out.push(BookingEvent {
            seq,
            at,
            day: local(zones, &branch, at).date(),
            participant_id,
            claim_id: claim,
            branch,
            change,
            slot: d.get("slot").and_then(Value::as_i64),
            from_slot: d.get("from_slot").and_then(Value::as_i64),
            address: address.filter(|a| !a.is_empty() && a != "unknown"),
            phone,
            via_waitlist,
        });
    }
    Ok(out)
}

/// The flag of a hit, unless a branch is asked for and the hit does not
/// touch it.
fn flag(
    kind: Kind,
    h: &Hit<'_>,
    range: &Range,
    facts: Vec<(&'static str, String)>,
) -> Option<Flag> {
    let last = h.last()?;
    let branches = h.branches();
    if range.branch.as_ref().is_some_and(|b| !branches.contains(b)) {
        return None;
    }
    let branch = match branches.as_slice() {
        [only] => Some(only.clone()),
        _ => None,
    };
    Some(Flag {
        kind,
        seq: last.seq,
        at: last.at,
        branch,
        actor_id: None,
        claims: h.claims(),
        participants: h.participants(),
        facts,
    })
}

/// A session as the auditor reads it: its branch-local start.
fn session(
    conn: &mut DbConnection,
    zones: &HashMap<String, Tz>,
    slot: Option<i64>,
) -> Result<String, DbError> {
    let Some(id) = slot else {
        return Ok("?".into());
    };
    let found: Option<(String, NaiveDateTime)> = slots::table
        .find(id)
        .select((slots::branch_code, slots::starts_at))
        .first_row(conn)
        .optional()?;
    Ok(match found {
        Some((branch, starts)) => local(zones, &branch, starts)
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        None => format!("#{id}"),
    })
}

/// The seat-broker flags of the range (`kind`: only that kind).
pub(super) fn flags(
    conn: &mut DbConnection,
    range: &Range,
    zones: &HashMap<String, Tz>,
    kind: Option<Kind>,
) -> Result<Vec<Flag>, DbError> {
    let want = |k: Kind| kind.is_none_or(|w| w == k);
    let kinds = [
        Kind::SharedContact,
        Kind::Churn,
        Kind::SeatPassed,
        Kind::ManyBranches,
    ];
    if !kinds.into_iter().any(want) {
        return Ok(Vec::new());
    }
    let all = events(conn, range, zones)?;
    let in_range = |e: &BookingEvent| e.day >= range.from && e.day <= range.to;
    let days: Vec<BookingEvent> = all.iter().filter(|e| in_range(e)).cloned().collect();
    let mut out = Vec::new();
    let count = |h: &Hit<'_>| h.participants().len().to_string();
    let day = |h: &Hit<'_>| h.day.map(|d| d.to_string()).unwrap_or_default();

    if want(Kind::SharedContact) {
        for h in rules::shared_address(&days) {
            let facts = vec![
                ("count", count(&h)),
                ("contact", format!("IP {}", h.key)),
                ("when", day(&h)),
            ];
            out.extend(flag(Kind::SharedContact, &h, range, facts));
        }
        let when = if range.from == range.to {
            range.from.to_string()
        } else {
            format!("{}–{}", range.from, range.to)
        };
        for h in rules::shared_phone(&days) {
            let facts = vec![
                ("count", count(&h)),
                ("contact", rules::mask_phone(&h.key)),
                ("when", when.clone()),
            ];
            out.extend(flag(Kind::SharedContact, &h, range, facts));
        }
    }
    if want(Kind::Churn) {
        for h in rules::churn(&days) {
            let facts = vec![("count", h.events.len().to_string())];
            out.extend(flag(Kind::Churn, &h, range, facts));
        }
    }
    if want(Kind::SeatPassed) {
        for p in rules::seat_passed(&all) {
            if !in_range(p.taken) {
                continue;
            }
            let facts = vec![
                ("minutes", p.minutes.to_string()),
                ("session", session(conn, zones, p.taken.slot)?),
                ("from", p.freed.participant_id.to_string()),
                ("to", p.taken.participant_id.to_string()),
            ];
            let h = Hit {
                key: String::new(),
                day: Some(p.taken.day),
                events: vec![p.freed, p.taken],
            };
            out.extend(flag(Kind::SeatPassed, &h, range, facts));
        }
    }
    if want(Kind::ManyBranches) {
        for h in rules::many_branches(&days) {
            let branches = h.branches();
            let facts = vec![
                ("count", branches.len().to_string()),
                ("branches", branches.join(", ")),
                ("address", h.key.clone()),
                ("when", day(&h)),
            ];
            out.extend(flag(Kind::ManyBranches, &h, range, facts));
        }
    }
    Ok(out)
}

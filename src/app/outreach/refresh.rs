//! Bringing a branch's worklist up to date with the data: every reason to
//! call that holds now becomes (or stays) an item, with the checklist
//! items still missing; an item whose reason no longer holds is resolved.
//! Runs inside the caller's write transaction, under the branch's lock.

use std::collections::HashSet;

use chrono::{DateTime, Utc};

use crate::app::AppResult;
use crate::db::branches::{self, Branch};
use crate::db::outreach::{self as list, sources, NewItem};
use crate::db::{claims, documents as docs, DbConnection};
use crate::domain::dossier::{missing_items, ItemStatus};
use crate::domain::outreach::{self as rules, join_items, Reason};

fn item(
    reason: Reason,
    subject: String,
    branch: &str,
    participant_id: i64,
    claim_id: Option<i64>,
    booking_id: Option<i64>,
) -> NewItem {
    NewItem {
        reason: reason.as_str().to_string(),
        subject,
        branch_code: branch.to_string(),
        participant_id,
        claim_id,
        booking_id,
        missing: String::new(),
        due_at: None,
        created_at: chrono::NaiveDateTime::MIN,
    }
}

/// The checklist items of a claim still to upload (missing or rejected),
/// or only the rejected ones.
fn still_to_upload(
    c: &mut DbConnection,
    claim_id: i64,
    only_rejected: bool,
) -> AppResult<Vec<&'static str>> {
    let Some(claim) = claims::find(c, claim_id)? else {
        return Ok(Vec::new());
    };
    let dossier = docs::dossier(c, claim)?;
    Ok(missing_items(&dossier.checklist)
        .into_iter()
        .filter(|e| !only_rejected || e.status == ItemStatus::Rejected)
        .map(|e| e.item)
        .collect())
}

/// Every reason to call about `branch`'s participants that holds at `now`.
fn candidates(
    c: &mut DbConnection,
    branch: &Branch,
    now: DateTime<Utc>,
) -> AppResult<Vec<NewItem>> {
    let code = branch.code.as_str();
    let today = now.with_timezone(&branch.tz()).date_naive();
    let ts = now.naive_utc();
    let holidays = branches::holiday_dates(c)?;
    let mut out = Vec::new();
    // Booked in the next working days with documents missing.
    let mut booked_claims = HashSet::new();
    for (bk, slot) in sources::upcoming(c, code, ts, rules::upcoming_until(today, &holidays))? {
        booked_claims.insert(bk.claim_id);
        let missing = still_to_upload(c, bk.claim_id, false)?;
        if missing.is_empty() {
            continue;
        }
        let mut n = item(
            Reason::MissingDocuments,
            format!("booking:{}", bk.id),
            code,
            bk.participant_id,
            Some(bk.claim_id),
            Some(bk.id),
        );
        n.missing = join_items(&missing);
        n.due_at = Some(slot.starts_at);
        out.push(n);
    }
    // Did not come, and have not booked again.
    for (bk, slot) in sources::no_shows(c, code, rules::no_shows_since(today), ts)? {
        if sources::has_future_booking(c, bk.participant_id, ts)? {
            continue;
        }
        let mut n = item(
            Reason::NoShow,
            format!("booking:{}", bk.id),
            code,
            bk.participant_id,
            Some(bk.claim_id),
            Some(bk.id),
        );
        n.due_at = Some(slot.starts_at);
        out.push(n);
    }
    // A rejected document nothing replaced (a booking coming up already
    // names it among the missing items).
    for claim_id in sources::rejected_claims(c, code)? {
        if booked_claims.contains(&claim_id) {
            continue;
        }
        let rejected = still_to_upload(c, claim_id, true)?;
        let Some(claim) = claims::find(c, claim_id)?.filter(|_| !rejected.is_empty()) else {
            continue;
        };
        let mut n = item(
            Reason::DocumentRejected,
            format!("claim:{claim_id}"),
            code,
            claim.participant_id,
            Some(claim_id),
            None,
        );
        n.missing = join_items(&rejected);
        out.push(n);
    }
    // Seats held from the waiting line, running out unanswered.
    for e in sources::live_offers(c, code, ts)? {
        let Some(expires) = e.expires_at.filter(|x| rules::offer_expiring(*x, ts)) else {
            continue;
        };
        let mut n = item(
            Reason::OfferExpiring,
            format!("waitlist:{}", e.id),
            code,
            e.participant_id,
            Some(e.claim_id),
            None,
        );
        n.due_at = Some(expires);
        out.push(n);
    }
    for n in &mut out {
        n.created_at = ts;
    }
    Ok(out)
}

/// Brings `branch`'s list up to date at `now` (see the module doc).
pub fn refresh(c: &mut DbConnection, branch: &Branch, now: DateTime<Utc>) -> AppResult<()> {
    list::lock_branch(c, &branch.code)?;
    let found = candidates(c, branch, now)?;
    let holding: HashSet<(String, String)> = found
        .iter()
        .map(|n| (n.reason.clone(), n.subject.clone()))
        .collect();
    for n in &found {
        list::upsert(c, n)?;
    }
    for it in list::open_of_branch(c, &branch.code)? {
        if !holding.contains(&(it.reason.clone(), it.subject.clone())) {
            list::resolve(c, it.id, now.naive_utc())?;
        }
    }
    Ok(())
}

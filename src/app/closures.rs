//! Closing a branch-day or part of it (flood, outage; issue "fair
//! access"). In one transaction: the closure is recorded, the sessions in
//! it stop taking bookings, every booking in them is cancelled and every
//! seat offered from them withdrawn (each in the audit chain), and each
//! person displaced gets a priority offer — a seat held at the same branch
//! on the next working days — or, when none is free, the first-free list;
//! both by mail with the branch's reason.

use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use super::booking::ensure_bookable;
use super::dossier::require_staff;
use super::waitlist::FairRules;
use super::{write_db, AppError, AppResult, Ctx};
use crate::app::messages::Gateway;
use crate::db::audit::{self, Actor, Subject};
use crate::db::branches::{self, Branch, Slot};
use crate::db::closures::{self, Closure, NewClosure};
use crate::db::waitlist as line;
use crate::db::{bookings, outbox, participants, DbConnection};
use crate::domain::booking::BookingStatus;
use crate::domain::closure::{self, ClosureRequest};
use crate::domain::role::Role;
use crate::domain::waitlist::{offer_expiry, WaitStatus};
use crate::domain::Code;
use crate::mail::closure::{closure_mail, PriorityOffer};

/// How many days after the closed one a priority seat is looked for.
pub const PRIORITY_DAYS: i64 = 7;

/// A closure request as typed.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[schema(as = ClosureRequestBody)]
pub struct ClosureInput {
    /// YYYY-MM-DD, the branch's local date.
    pub date: String,
    /// HH:MM local; the day's start when absent.
    pub from: Option<String>,
    /// HH:MM local; the day's end when absent.
    pub until: Option<String>,
    pub reason: String,
}

/// What a closure did.
pub struct Closed {
    pub closure: Closure,
    pub branch: Branch,
    pub sessions: Vec<Slot>,
    pub cancelled: usize,
    /// Displaced people who got a held seat (the rest got the first-free list).
    pub offered: usize,
}

/// The closures of a branch-day (for showing closed sessions' reasons).
pub async fn on_day(ctx: &Ctx, branch: String, date: chrono::NaiveDate) -> AppResult<Vec<Closure>> {
    super::read_db(&ctx.db, move |c| closures::on_day(c, &branch, date)).await
}

/// Someone whose seat (booked or offered) was in a closed session.
struct Displaced {
    participant_id: i64,
    claim_id: i64,
    slot: Slot,
}

pub async fn close(ctx: &Ctx, branch_code: String, input: ClosureInput) -> AppResult<Closed> {
    require_staff(&ctx.actor, &[Role::Admin, Role::Supervisor])?;
    let req = closure::parse(
        &input.date,
        input.from.as_deref(),
        input.until.as_deref(),
        &input.reason,
    )
    .map_err(|errs| {
        errs.into_iter()
            .next()
            .map_or_else(|| AppError::internal("empty"), AppError::from)
    })?;
    let (actor, now) = (ctx.actor.clone(), ctx.clock.now());
    let (url, rules) = (
        ctx.settings.public_url.clone(),
        FairRules::of(&ctx.settings),
    );
    write_db(&ctx.db, move |c| -> AppResult<Closed> {
        let branch = branches::find(c, &branch_code)?
            .filter(|b| {
                actor.role.is(Role::Admin) || actor.branch.as_deref() == Some(b.code.as_str())
            })
            .ok_or_else(|| AppError::not_found(Code::BranchNotFound))?;
        close_tx(c, &actor, branch, &req, now, rules, &url)
    })
    .await
}

fn close_tx(
    c: &mut DbConnection,
    actor: &Actor,
    branch: Branch,
    req: &ClosureRequest,
    now: DateTime<Utc>,
    rules: FairRules,
    url: &str,
) -> AppResult<Closed> {
    let ts = now.naive_utc();
    let (starts_at, ends_at) = req
        .span_utc(branch.tz())
        .ok_or_else(|| AppError::unprocessable(Code::InvalidTime).field("from"))?;
    let closure = closures::insert(
        c,
        &NewClosure {
            branch_code: &branch.code,
            local_date: req.date,
            starts_at,
            ends_at,
            reason: &req.reason,
            closed_by: actor.id,
            created_at: ts,
        },
    )?;
    let sessions = closures::close_sessions(c, &closure, ts)?;
    if sessions.is_empty() {
        return Err(AppError::unprocessable(Code::NothingToClose).field("date"));
    }
    let subject = |pid: i64, claim: i64| Subject {
        participant_id: Some(pid),
        claim_id: Some(claim),
        branch_code: Some(branch.code.clone()),
        ..Default::default()
    };
    let mut displaced = Vec::new();
    let mut cancelled = 0;
    for s in &sessions {
        for (b, _) in bookings::for_slot(c, s.id)? {
            if b.status != BookingStatus::Booked || !bookings::cancel_active(c, &b, ts)? {
                continue;
            }
            branches::release_seat(c, s.id)?;
            let detail =
                json!({"code": b.code, "slot": s.id, "closure": closure.id, "reason": req.reason});
            let mut sub = subject(b.participant_id, b.claim_id);
            sub.booking_id = Some(b.id);
            audit::record(c, ts, actor, "booking_cancelled", &sub, detail)?;
            cancelled += 1;
            displaced.push(Displaced {
                participant_id: b.participant_id,
                claim_id: b.claim_id,
                slot: s.clone(),
            });
        }
        for e in line::offered_on(c, s.id)? {
            if !line::settle(
                c,
                e.id,
                WaitStatus::Offered,
                WaitStatus::Withdrawn,
                None,
                ts,
            )? {
                continue;
            }
            branches::unhold_seat(c, s.id)?;
            let detail = json!({"entry": e.id, "closure": closure.id});
            audit::record(
                c,
                ts,
                actor,
                "waitlist_withdrawn",
                &subject(e.participant_id, e.claim_id),
                detail,
            )?;
            displaced.push(Displaced {
                participant_id: e.participant_id,
                claim_id: e.claim_id,
                slot: s.clone(),
            });
        }
    }
    let detail = json!({
        "closure": closure.id,
        "date": req.date.to_string(),
        "from": starts_at.and_utc().to_rfc3339(),
        "until": ends_at.and_utc().to_rfc3339(),
        "reason": req.reason,
        "sessions": sessions.iter().map(|s| s.id).collect::<Vec<_>>(),
        "bookings_cancelled": cancelled,
    });
    let branch_subject = Subject {
        branch_code: Some(branch.code.clone()),
        ..Default::default()
    };
    audit::record(c, ts, actor, "branch_closed", &branch_subject, detail)?;
    let mut offered = 0;
    for d in &displaced {
        let offer = priority_offer(c, actor, &branch, d, &closure, now, rules)?;
        offered += usize::from(offer.is_some());
        let who = participants::find(c, d.participant_id)?
            .ok_or_else(|| AppError::internal("displaced participant missing"))?;
        let held = offer.as_ref().map(|(entry, slot, expires)| PriorityOffer {
            entry: *entry,
            slot,
            expires: *expires,
        });
        let mail = closure_mail(&who, &branch, &d.slot, &req.reason, held.as_ref(), url, ts);
        outbox::enqueue(c, &mail)?;
        let offer = offer
            .as_ref()
            .map(|(entry, slot, expires)| (*entry, slot, *expires));
        crate::app::messages::send(c, &Gateway::new(rules.messages, url), &who, |lang| {
            crate::mail::messages::closure_message(
                lang,
                &branch,
                &d.slot,
                &req.reason,
                offer,
                url,
                ts,
            )
        })?;
    }
    Ok(Closed {
        closure,
        branch,
        sessions,
        cancelled,
        offered,
    })
}

/// Holds the first free seat at the branch on the days after the closed
/// one for `d`, as an offer in that day's line: (entry, session, until).
fn priority_offer(
    c: &mut DbConnection,
    actor: &Actor,
    branch: &Branch,
    d: &Displaced,
    closure: &Closure,
    now: DateTime<Utc>,
    rules: FairRules,
) -> AppResult<Option<(i64, Slot, chrono::NaiveDateTime)>> {
    let ts = now.naive_utc();
    let hold = Duration::minutes(rules.hold_minutes);
    for day in 1..=PRIORITY_DAYS {
        let date = closure.local_date + Duration::days(day);
        for s in branches::slots_on(c, &branch.code, date)? {
            if s.available() <= 0 || ensure_bookable(c, &s, branch, now).is_err() {
                continue;
            }
            let Some(expires) = offer_expiry(ts, s.starts_at, hold) else {
                continue;
            };
            if !branches::hold_seat(c, s.id)? {
                continue;
            }
            let entry = super::waitlist::line_up(
                c,
                d.participant_id,
                d.claim_id,
                &branch.code,
                date,
                ts,
                actor,
            )?;
            if !line::mark_offered(c, entry.id, s.id, expires, ts)? {
                return Err(AppError::internal("fresh waiting-line entry not offerable"));
            }
            let detail = json!({
                "entry": entry.id,
                "slot": s.id,
                "expires_at": expires.and_utc().to_rfc3339(),
                "priority": true,
                "closure": closure.id,
            });
            let subject = Subject {
                participant_id: Some(d.participant_id),
                claim_id: Some(d.claim_id),
                branch_code: Some(branch.code.clone()),
                ..Default::default()
            };
            audit::record(c, ts, actor, "waitlist_offered", &subject, detail)?;
            let slot = branches::find_slot(c, s.id)?.unwrap_or(s);
            return Ok(Some((entry.id, slot, expires)));
        }
    }
    Ok(None)
}

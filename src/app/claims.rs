//! A participant's claim: opening it (eligibility decided by
//! `domain::claim`) and the staff decision that verifies or rejects it.

use chrono::NaiveDate;
use serde_json::json;

use super::dossier::{given, may_review, reject_reason, require_staff, REVIEWERS};
use super::messages::Gateway;
use super::{read_db, AppError, AppResult, Ctx};
use crate::db::audit::{self, Subject};
use crate::db::claims::{self, Claim, NewClaim};
use crate::db::documents as docs;
use crate::db::{participants, run, DbConnection};
use crate::domain::claim::{self as rules, ClaimDates, ClaimReason, ClaimStatus, MemberFacts};
use crate::domain::claim::{
    Refusal, CONTRACT_END_DATE, DATE_OF_DEATH, DEPARTURE_DATE, LAST_WORKING_DAY,
    MEMBERSHIP_START_DATE, TERMINATION_DATE,
};
use crate::domain::Code;

/// A claim as the participant submits it (JSON body or form); dates as
/// typed (`YYYY-MM-DD`).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[schema(as = CreateClaimRequest)]
pub struct ClaimInput {
    /// A reason code: retirement, resignation, termination, contract_end,
    /// disability, death, leaving_indonesia, partial_10, partial_30.
    pub reason: String,
    pub last_working_day: Option<String>,
    pub termination_date: Option<String>,
    pub contract_end_date: Option<String>,
    pub membership_start_date: Option<String>,
    pub departure_date: Option<String>,
    pub date_of_death: Option<String>,
    /// The JHT balance in rupiah, if known.
    pub balance: Option<i64>,
    /// Death claims: the heir is a child of the member (adds the birth
    /// certificate to the documents).
    pub heir_is_child: Option<bool>,
    /// Death claims: the heir is a minor (adds the guardianship letter).
    pub heir_is_minor: Option<bool>,
}

impl ClaimInput {
    /// A claim typed as a reason and the one date that reason requires
    /// (the console's short form); no date for a reason that needs none.
    pub fn with_reason_date(reason: String, date: Option<String>) -> Self {
        let mut c = ClaimInput {
            reason,
            ..ClaimInput::default()
        };
        let field = ClaimReason::parse(c.reason.trim()).and_then(ClaimReason::required_date_field);
        let slot = match field {
            Some(LAST_WORKING_DAY) => &mut c.last_working_day,
            Some(TERMINATION_DATE) => &mut c.termination_date,
            Some(CONTRACT_END_DATE) => &mut c.contract_end_date,
            Some(MEMBERSHIP_START_DATE) => &mut c.membership_start_date,
            Some(DEPARTURE_DATE) => &mut c.departure_date,
            Some(DATE_OF_DEATH) => &mut c.date_of_death,
            _ => return c,
        };
        *slot = date;
        c
    }
}

/// Parses a `YYYY-MM-DD` field, naming the field when it is not a date.
pub fn parse_date(field: &'static str, value: Option<&str>) -> AppResult<Option<NaiveDate>> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| AppError::unprocessable(Code::InvalidDate).field(field)),
    }
}

fn refusal_error(r: Refusal, reason: ClaimReason) -> AppError {
    let field = r.field_for(reason);
    let e = match r {
        Refusal::MissingField { field } => AppError::unprocessable(Code::MissingField).field(field),
        Refusal::InvalidDate { field, detail } => AppError::unprocessable(Code::InvalidDate)
            .field(field)
            .detail(detail),
        Refusal::NotYetEligible {
            rule,
            eligible_from,
        } => {
            let mut e = AppError::unprocessable(Code::NotYetEligible).detail(rule);
            e.eligible_from = Some(eligible_from);
            e
        }
        Refusal::NotEligible { rule } => AppError::unprocessable(Code::NotEligible).detail(rule),
        Refusal::ClaimOpen => AppError::conflict(Code::ClaimOpen),
    };
    match field {
        Some(f) => e.field(f),
        None => e,
    }
}

/// The reason's own dates; dates for other reasons are ignored.
fn dates_of(reason: ClaimReason, r: &ClaimInput) -> AppResult<ClaimDates> {
    let wanted = reason.date_fields();
    let pick = |field: &'static str, raw: &Option<String>| {
        if wanted.contains(&field) {
            parse_date(field, raw.as_deref())
        } else {
            Ok(None)
        }
    };
    Ok(ClaimDates {
        last_working_day: pick(LAST_WORKING_DAY, &r.last_working_day)?,
        termination_date: pick(TERMINATION_DATE, &r.termination_date)?,
        contract_end_date: pick(CONTRACT_END_DATE, &r.contract_end_date)?,
        membership_start_date: pick(MEMBERSHIP_START_DATE, &r.membership_start_date)?,
        departure_date: pick(DEPARTURE_DATE, &r.departure_date)?,
        date_of_death: pick(DATE_OF_DEATH, &r.date_of_death)?,
    })
}

/// A claim parsed from what was typed, ready to be decided against the
/// member's facts and stored.
pub struct ClaimPlan {
    reason: ClaimReason,
    dates: ClaimDates,
    balance: Option<i64>,
    heir_is_child: bool,
    heir_is_minor: bool,
    now: chrono::DateTime<chrono::Utc>,
    retirement_age: u32,
}

/// Parses a submitted claim (reason, its dates, balance) at the current
/// time; eligibility is decided when it is stored.
pub fn plan(ctx: &Ctx, r: ClaimInput) -> AppResult<ClaimPlan> {
    let reason = ClaimReason::parse(r.reason.trim())
        .ok_or_else(|| AppError::unprocessable(Code::InvalidReason).field("reason"))?;
    let dates = dates_of(reason, &r)?;
    if r.balance.is_some_and(|b| b < 0) {
        return Err(AppError::unprocessable(Code::InvalidBalance).field("balance"));
    }
    let is_death = reason == ClaimReason::Death;
    Ok(ClaimPlan {
        reason,
        dates,
        balance: r.balance,
        heir_is_child: is_death && r.heir_is_child.unwrap_or(false),
        heir_is_minor: is_death && r.heir_is_minor.unwrap_or(false),
        now: ctx.clock.now(),
        retirement_age: ctx.settings.retirement_age,
    })
}

impl ClaimPlan {
    /// Decides eligibility against the participant's record and stores the
    /// claim (`channel`: online, branch), inside the caller's transaction.
    pub fn store(
        &self,
        c: &mut DbConnection,
        participant_id: i64,
        channel: &str,
    ) -> AppResult<Claim> {
        // Claims are not tied to a branch yet; "today" is taken in WIB, the
        // zone most members live in.
        let today = self
            .now
            .with_timezone(&chrono_tz::Asia::Jakarta)
            .date_naive();
        let p = participants::find(c, participant_id)?.ok_or_else(AppError::unauthenticated)?;
        let facts = MemberFacts {
            birth_date: p.birth_date,
            retirement_age: self.retirement_age,
            earlier_partial_claim: claims::had_partial_claim(c, participant_id)?,
            has_open_claim: claims::open_claim_of(c, participant_id)?.is_some(),
        };
        rules::check_eligibility(self.reason, &self.dates, &facts, today)
            .map_err(|r| refusal_error(r, self.reason))?;
        let ts = self.now.naive_utc();
        let dates = self.dates;
        let new = NewClaim {
            participant_id,
            reason: self.reason.code().to_string(),
            channel: channel.into(),
            last_working_day: dates.last_working_day,
            termination_date: dates.termination_date,
            contract_end_date: dates.contract_end_date,
            membership_start_date: dates.membership_start_date,
            departure_date: dates.departure_date,
            date_of_death: dates.date_of_death,
            balance: self.balance,
            created_at: ts,
            updated_at: ts,
            heir_is_child: self.heir_is_child,
            heir_is_minor: self.heir_is_minor,
        };
        claims::insert(c, &new).map_err(|e| {
            if e.is_unique_violation() {
                AppError::conflict(Code::ClaimOpen)
            } else {
                e.into()
            }
        })
    }
}

/// Parses, decides eligibility and stores a participant's own claim in
/// one transaction.
/// Whether the participant has a claim in progress (a second is refused).
pub async fn has_open(ctx: &Ctx, participant_id: i64) -> AppResult<bool> {
    let open = read_db(&ctx.db, move |c| claims::open_claim_of(c, participant_id)).await?;
    Ok(open.is_some())
}

pub async fn open(ctx: &Ctx, participant_id: i64, r: ClaimInput) -> AppResult<Claim> {
    let plan = plan(ctx, r)?;
    let actor = ctx.actor.clone();
    run(&ctx.db, move |db| {
        db.write(|c| -> AppResult<Claim> {
            let claim = plan.store(c, participant_id, "online")?;
            let subject = Subject {
                participant_id: Some(participant_id),
                claim_id: Some(claim.id),
                ..Default::default()
            };
            let details = serde_json::json!({"channel": "online", "reason": claim.reason});
            audit::record(
                c,
                claim.created_at,
                &actor,
                "claim_opened",
                &subject,
                details,
            )?;
            Ok(claim)
        })
    })
    .await
}

/// Verifies (only when every required document is accepted) or rejects
/// (with a review reason) an open claim, with its audit entry.
pub async fn decide(
    ctx: &Ctx,
    claim_id: i64,
    outcome: ClaimStatus,
    reason: Option<String>,
    note: Option<String>,
) -> AppResult<Claim> {
    require_staff(&ctx.actor, &REVIEWERS)?;
    if !outcome.is_decision() {
        return Err(AppError::unprocessable(Code::InvalidOutcome));
    }
    if outcome == ClaimStatus::Rejected {
        reject_reason(reason.as_deref())?;
    }
    let now = ctx.clock.now_naive();
    let actor = ctx.actor.clone();
    let gateway = Gateway::of(ctx);
    run(&ctx.db, move |db| {
        db.write(|c| -> AppResult<Claim> {
            docs::lock_claim(c, claim_id)?;
            let claim = claims::find(c, claim_id)?
                .ok_or_else(|| AppError::not_found(Code::ClaimNotFound))?;
            if !may_review(c, &actor, &claim)? {
                return Err(AppError::not_found(Code::ClaimNotFound));
            }
            if claim.status != ClaimStatus::Open {
                return Err(AppError::conflict(Code::ClaimNotOpen));
            }
            if outcome == ClaimStatus::Verified && !docs::dossier(c, claim.clone())?.verifiable {
                return Err(AppError::conflict(Code::DocumentsNotAccepted));
            }
            claims::decide(c, claim_id, outcome, now)?;
            let reason = given(reason.as_deref());
            let note = given(note.as_deref());
            claims::record_decision(c, claim_id, reason, note)?;
            audit::record(
                c,
                now,
                &actor,
                &format!("claim_{outcome}"),
                &Subject {
                    participant_id: Some(claim.participant_id),
                    claim_id: Some(claim.id),
                    // A branch's staff decide only claims of their branch
                    // (may_review), so the decision belongs to that branch.
                    branch_code: actor.branch.clone(),
                    ..Default::default()
                },
                json!({"reason": reason, "note": note}),
            )?;
            tell_decision(c, &claim, outcome, (reason, note), now, &gateway)?;
            claims::find(c, claim_id)?.ok_or_else(|| AppError::not_found(Code::ClaimNotFound))
        })
    })
    .await
}

/// Tells the participant the decision — when the money arrives, or why
/// not and how to put it right — by mail and, when they chose one, by
/// WhatsApp or SMS (in the decision's transaction, via the outbox); the
/// gateway's public address is the one the links use.
pub fn tell_decision(
    c: &mut DbConnection,
    claim: &Claim,
    outcome: ClaimStatus,
    (reason, note): (Option<&str>, Option<&str>),
    now: chrono::NaiveDateTime,
    gateway: &Gateway,
) -> AppResult<()> {
    let Some(p) = participants::find(c, claim.participant_id)? else {
        return Ok(());
    };
    let holidays = crate::db::branches::holiday_dates(c)?;
    // Working days are counted on the calendar of head office (WIB).
    let today = crate::domain::schedule::to_local(chrono_tz::Asia::Jakarta, now).date_naive();
    let decision = crate::mail::claim::Decision {
        claim,
        outcome,
        reason: reason.and_then(crate::domain::dossier::RejectReason::parse),
        note,
        pay_by: crate::domain::calendar::add_working_days(today, 5, &holidays),
    };
    let url = &gateway.public_url;
    crate::db::outbox::enqueue(
        c,
        &crate::mail::claim::decision_mail(&p, &decision, url, now),
    )?;
    crate::app::messages::send(c, gateway, &p, |lang| {
        crate::mail::claim::decision_message(lang, &decision, url, now)
    })?;
    Ok(())
}

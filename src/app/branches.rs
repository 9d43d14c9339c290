//! Branches and their sessions, as participants look for a seat: the list,
//! and one branch's day (its sessions created on demand within the
//! horizon, and the holiday if the day is one).

use chrono::NaiveDate;

use super::{read_db, AppError, AppResult, Ctx};
use crate::db::bookings::{self, Booking};
use crate::db::branches::{self, Branch, Holiday, Slot};
use crate::db::claims::{self, Claim};
use crate::db::waitlist::Entry as WaitEntry;
use crate::db::{run, seed};
use crate::domain::Code;

/// Every branch.
pub async fn list(ctx: &Ctx) -> AppResult<Vec<Branch>> {
    read_db(&ctx.db, branches::list).await
}

/// One branch, or `branch_not_found`.
pub async fn find(ctx: &Ctx, code: String) -> AppResult<Branch> {
    read_db(&ctx.db, move |c| branches::find(c, &code))
        .await?
        .ok_or_else(|| AppError::not_found(Code::BranchNotFound))
}

/// A branch's day: its sessions on a local date and the holiday if it is
/// one. Days within the sessions horizon get their sessions on first look.
pub async fn day(
    ctx: &Ctx,
    code: String,
    date: NaiveDate,
) -> AppResult<(Branch, Vec<Slot>, Option<Holiday>)> {
    let horizon = ctx.settings.sessions_ahead_days;
    let now = ctx.clock.now();
    run(&ctx.db, move |db| {
        let branch = db
            .read(|c| -> AppResult<_> { Ok(branches::find(c, &code)?) })?
            .ok_or_else(|| AppError::not_found(Code::BranchNotFound))?;
        let today = now.with_timezone(&branch.tz()).date_naive();
        let within = date >= today && (date - today).num_days() <= horizon;
        let has =
            db.read(|c| -> AppResult<_> { Ok(branches::has_slots_on(c, &branch.code, date)?) })?;
        if within && !has {
            db.write(|c| -> AppResult<_> { Ok(seed::ensure_day(c, &branch, date)?) })?;
        }
        db.read(|c| -> AppResult<_> {
            let slots = branches::slots_on(c, &branch.code, date)?;
            let holiday = branches::holiday_on(c, date)?;
            Ok((branch, slots, holiday))
        })
    })
    .await
}

/// What a participant holds when looking at a day: their open claim,
/// their active booking and their place in a waiting line, if any.
pub async fn participant_standing(
    ctx: &Ctx,
    participant_id: i64,
) -> AppResult<(Option<Claim>, Option<Booking>, Option<WaitEntry>)> {
    read_db(&ctx.db, move |c| -> AppResult<_> {
        Ok((
            claims::open_claim_of(c, participant_id)?,
            bookings::active_of(c, participant_id)?,
            crate::db::waitlist::active_of(c, participant_id)?,
        ))
    })
    .await
}

/// The earliest sessions open for booking with a free seat, across
/// branches (optionally one province, one zone: `WIB`/`WITA`/`WIT` or an
/// IANA name), from `from` on, at most `limit`.
pub async fn first_free(
    ctx: &Ctx,
    from: Option<NaiveDate>,
    province: Option<String>,
    zone: Option<String>,
    limit: i64,
) -> AppResult<Vec<(Slot, Branch)>> {
    let now = ctx.clock.now();
    read_db(&ctx.db, move |c| -> AppResult<Vec<(Slot, Branch)>> {
        let holidays = branches::holiday_dates(c)?;
        let from = from.unwrap_or_else(|| now.date_naive() - chrono::Duration::days(1));
        let found = branches::with_free_seats(c, now.naive_utc(), from, province.as_deref(), 2000)?;
        Ok(found
            .into_iter()
            .filter(|(_, b)| {
                zone.as_deref()
                    .is_none_or(|z| z.eq_ignore_ascii_case(b.zone_label()) || z == b.timezone)
            })
            .filter(|(s, b)| {
                let today = now.with_timezone(&b.tz()).date_naive();
                let horizon = i64::from(b.booking_horizon_days);
                crate::domain::calendar::booking_window_open(s.local_date, today, horizon).is_ok()
                    && !holidays.contains(&s.local_date)
            })
            .take(usize::try_from(limit).unwrap_or(20))
            .collect())
    })
    .await
}

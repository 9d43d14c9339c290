//! Reference data for an empty database (branches, holidays), the rolling
//! window of bookable sessions, and the optional demo accounts.

use chrono::{Duration, NaiveDate, NaiveDateTime};

use super::branches::{self, Branch, Holiday, NewSlot};
use super::{Db, DbConnection, DbError};
use crate::domain::{branch_seed, calendar, schedule};

pub fn seed_reference_data(db: &Db, now: NaiveDateTime) -> Result<(usize, usize), DbError> {
    db.write(|conn| {
        let mut b = 0;
        if branches::count(conn)? == 0 {
            let rows: Vec<Branch> = branch_seed::BRANCHES
                .iter()
                .map(|s| Branch {
                    code: s.code.to_string(),
                    name: s.name.to_string(),
                    city: s.city.to_string(),
                    province: s.province.to_string(),
                    address: s.address.to_string(),
                    timezone: s.timezone.to_string(),
                    kind: s.kind.as_str().to_string(),
                    one_to_many: s.one_to_many,
                    booths: i32::try_from(s.booths).unwrap_or(1),
                    session_capacity: i32::try_from(s.session_capacity).unwrap_or(1),
                    booking_horizon_days: 7,
                    created_at: now,
                    seats_per_agent: if s.one_to_many { 5 } else { 1 },
                    walk_in_cap: None,
                    release_mode: crate::domain::draw::ReleaseMode::FirstCome.as_str().into(),
                    draw_minutes: crate::domain::draw::DEFAULT_DRAW_MINUTES,
                })
                .collect();
            b = branches::insert_branches(conn, &rows)?;
        }
        let holidays: Vec<Holiday> = calendar::holiday_dates()
            .into_iter()
            .map(|(day, h)| Holiday {
                day,
                name_id: h.name_id.to_string(),
                name_en: h.name_en.to_string(),
                kind: h.kind.as_str().to_string(),
            })
            .collect();
        let h = branches::insert_holidays(conn, &holidays)?;
        Ok((b, h))
    })
}

/// Sessions `date` should have at `branch`, none on weekends and holidays.
fn planned(branch: &Branch, date: NaiveDate, holidays: &[NaiveDate]) -> Vec<NewSlot> {
    if !calendar::is_working_day(date, holidays) {
        return Vec::new();
    }
    schedule::day_sessions_utc(branch.tz(), date)
        .into_iter()
        .map(|(starts_at, ends_at)| NewSlot {
            branch_code: branch.code.clone(),
            local_date: date,
            starts_at,
            ends_at,
            capacity: branch.session_capacity,
            booked: 0,
        })
        .collect()
}

/// Makes sure every branch has its sessions from today (branch-local) up to
/// `days_ahead` days on. Idempotent; existing sessions are never touched.
pub fn ensure_sessions(
    db: &Db,
    now: chrono::DateTime<chrono::Utc>,
    days_ahead: i64,
) -> Result<usize, DbError> {
    let (all, holidays) = db.read(|conn| -> Result<_, DbError> {
        Ok((branches::list(conn)?, branches::holiday_dates(conn)?))
    })?;
    let mut created = 0;
    for branch in &all {
        let today = now.with_timezone(&branch.tz()).date_naive();
        let rows: Vec<NewSlot> = (0..=days_ahead)
            .filter_map(|i| today.checked_add_signed(Duration::days(i)))
            .flat_map(|d| planned(branch, d, &holidays))
            .collect();
        if rows.is_empty() {
            continue;
        }
        created += db.write(|conn| branches::insert_slots(conn, &rows))?;
    }
    Ok(created)
}

/// Creates the sessions of one day on demand (a day view asked for a date
/// the periodic job has not reached yet).
pub fn ensure_day(
    conn: &mut DbConnection,
    branch: &Branch,
    date: NaiveDate,
) -> Result<usize, DbError> {
    let holidays = branches::holiday_dates(conn)?;
    let rows = planned(branch, date, &holidays);
    if rows.is_empty() {
        return Ok(0);
    }
    branches::insert_slots(conn, &rows)
}

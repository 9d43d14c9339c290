//! Branches, their sessions (slots) and the holiday table.

use crate::db::FirstRow;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{branches, holidays, slots};
use super::{DbConnection, DbError};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = branches, treat_none_as_default_value = false)]
pub struct Branch {
    pub code: String,
    pub name: String,
    pub city: String,
    pub province: String,
    pub address: String,
    pub timezone: String,
    pub kind: String,
    pub one_to_many: bool,
    pub booths: i32,
    pub session_capacity: i32,
    pub booking_horizon_days: i32,
    #[diesel(deserialize_as = crate::db::stamp::Stamp)]
    pub created_at: NaiveDateTime,
    /// Sessions one CS agent serves at once (1–6).
    pub seats_per_agent: i32,
    /// Walk-in tickets a day, when capped.
    pub walk_in_cap: Option<i32>,
    /// How a newly opened day is released: `first_come` or `draw`.
    pub release_mode: String,
    /// A draw's collection window in minutes.
    pub draw_minutes: i32,
}

impl Branch {
    /// The branch's zone; seeded zones are always valid, a bad value
    /// falls back to WIB rather than failing a page.
    pub fn tz(&self) -> chrono_tz::Tz {
        crate::domain::branch_seed::tz_of(&self.timezone)
    }

    pub fn zone_label(&self) -> &'static str {
        crate::domain::branch_seed::shown_label(&self.timezone)
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = slots)]
pub struct Slot {
    pub id: i64,
    pub branch_code: String,
    pub local_date: NaiveDate,
    #[diesel(deserialize_as = crate::db::stamp::Stamp)]
    pub starts_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::stamp::Stamp)]
    pub ends_at: NaiveDateTime,
    pub capacity: i32,
    pub booked: i32,
    /// Seats held for waiting-line offers: taken by nobody else.
    pub held: i32,
    /// Set when the session was closed (flood, outage): no seat is free.
    pub closure_id: Option<i64>,
}

impl Slot {
    pub fn available(&self) -> i32 {
        if self.closure_id.is_some() {
            return 0;
        }
        (self.capacity - self.booked - self.held).max(0)
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = slots, treat_none_as_default_value = false)]
pub struct NewSlot {
    pub branch_code: String,
    pub local_date: NaiveDate,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub capacity: i32,
    pub booked: i32,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = holidays, treat_none_as_default_value = false)]
pub struct Holiday {
    pub day: NaiveDate,
    pub name_id: String,
    pub name_en: String,
    pub kind: String,
}

pub fn list(conn: &mut DbConnection) -> Result<Vec<Branch>, DbError> {
    Ok(branches::table
        .select(Branch::as_select())
        .order((branches::province.asc(), branches::name.asc()))
        .load(conn)?)
}

pub fn find(conn: &mut DbConnection, code: &str) -> Result<Option<Branch>, DbError> {
    Ok(crate::per_backend!(conn, c => branches::table
        .find(code)
        .select(Branch::as_select())
        .first_row(c)
        .optional())?)
}

pub fn count(conn: &mut DbConnection) -> Result<i64, DbError> {
    Ok(branches::table.count().get_result(conn)?)
}

pub fn insert_branches(conn: &mut DbConnection, rows: &[Branch]) -> Result<usize, DbError> {
    let mut n = 0;
    for row in rows {
        n += diesel::insert_into(branches::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(n)
}

pub fn holiday_dates(conn: &mut DbConnection) -> Result<Vec<NaiveDate>, DbError> {
    Ok(holidays::table.select(holidays::day).load(conn)?)
}

pub fn holiday_on(conn: &mut DbConnection, day: NaiveDate) -> Result<Option<Holiday>, DbError> {
    Ok(crate::per_backend!(conn, c => holidays::table
        .find(day)
        .select(Holiday::as_select())
        .first_row(c)
        .optional())?)
}

pub fn insert_holidays(conn: &mut DbConnection, rows: &[Holiday]) -> Result<usize, DbError> {
    let mut n = 0;
    for row in rows {
        n += crate::per_backend!(conn, c => diesel::insert_into(holidays::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(c))?;
    }
    Ok(n)
}

pub fn slots_on(
    conn: &mut DbConnection,
    branch: &str,
    day: NaiveDate,
) -> Result<Vec<Slot>, DbError> {
    Ok(slots::table
        .filter(slots::branch_code.eq(branch))
        .filter(slots::local_date.eq(day))
        .select(Slot::as_select())
        .order(slots::starts_at.asc())
        .load(conn)?)
}

pub fn has_slots_on(
    conn: &mut DbConnection,
    branch: &str,
    day: NaiveDate,
) -> Result<bool, DbError> {
    let n: i64 = slots::table
        .filter(slots::branch_code.eq(branch))
        .filter(slots::local_date.eq(day))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

pub fn find_slot(conn: &mut DbConnection, id: i64) -> Result<Option<Slot>, DbError> {
    Ok(crate::per_backend!(conn, c => slots::table
        .find(id)
        .select(Slot::as_select())
        .first_row(c)
        .optional())?)
}

/// A session with its branch, in one statement.
pub fn find_slot_at_branch(
    conn: &mut DbConnection,
    id: i64,
) -> Result<Option<(Slot, Branch)>, DbError> {
    Ok(crate::per_backend!(conn, c => slots::table
        .inner_join(branches::table)
        .filter(slots::id.eq(id))
        .select((Slot::as_select(), Branch::as_select()))
        .first_row(c)
        .optional())?)
}

/// Inserts sessions that do not exist yet; existing ones keep their
/// capacity and bookings.
pub fn insert_slots(conn: &mut DbConnection, rows: &[NewSlot]) -> Result<usize, DbError> {
    let mut n = 0;
    match conn {
        DbConnection::Pg(c) => {
            for chunk in rows.chunks(500) {
                n += diesel::insert_into(slots::table)
                    .values(chunk)
                    .on_conflict_do_nothing()
                    .execute(c)?;
            }
        }
        // SQLite has no multi-row insert with ON CONFLICT in diesel; rows
        // go one by one inside the caller's transaction.
        DbConnection::Sqlite(c) => {
            for row in rows {
                n += diesel::insert_into(slots::table)
                    .values(row)
                    .on_conflict_do_nothing()
                    .execute(c)?;
            }
        }
    }
    Ok(n)
}

/// Takes one seat of the open session `slot` if one is free (held seats
/// are not): `slot` with its counts as they are now, or `None` when it is
/// full or closed. The conditional update is the decision and the CHECK
/// (booked <= capacity) stands behind it.
pub fn take_seat(conn: &mut DbConnection, slot: &Slot) -> Result<Option<Slot>, DbError> {
    let counts: Option<(i32, i32, i32)> = match conn {
        // The update, then its counts read back by key (see `TakeSeatOnly`).
        DbConnection::Sqlite(c) => {
            let taken = crate::db::first::TakeSeatOnly { slot_id: slot.id }.execute(c)?;
            if taken == 0 {
                None
            } else {
                Some(
                    slots::table
                        .filter(slots::id.eq(slot.id))
                        .select((slots::booked, slots::held, slots::capacity))
                        .first_row(c)?,
                )
            }
        }
        DbConnection::Pg(c) => crate::db::first::TakeSeat { slot_id: slot.id }
            .get_result(c)
            .optional()?,
    };
    Ok(counts.map(|counts| with_counts(slot, counts)))
}

/// `slot` with the counts its seat's update returned.
pub(crate) fn with_counts(slot: &Slot, (booked, held, capacity): (i32, i32, i32)) -> Slot {
    Slot {
        booked,
        held,
        capacity,
        ..slot.clone()
    }
}

pub fn release_seat(conn: &mut DbConnection, slot_id: i64) -> Result<(), DbError> {
    diesel::update(
        slots::table
            .filter(slots::id.eq(slot_id))
            .filter(slots::booked.gt(0)),
    )
    .set(slots::booked.eq(slots::booked - 1))
    .execute(conn)?;
    Ok(())
}

/// Holds a free seat for an offer; false when none is free.
pub fn hold_seat(conn: &mut DbConnection, slot_id: i64) -> Result<bool, DbError> {
    let n = diesel::update(
        slots::table
            .filter(slots::id.eq(slot_id))
            .filter(slots::closure_id.is_null())
            .filter((slots::booked + slots::held).lt(slots::capacity)),
    )
    .set(slots::held.eq(slots::held + 1))
    .execute(conn)?;
    Ok(n == 1)
}

/// Gives a held seat back to the session's free seats.
pub fn unhold_seat(conn: &mut DbConnection, slot_id: i64) -> Result<bool, DbError> {
    let n = diesel::update(
        slots::table
            .filter(slots::id.eq(slot_id))
            .filter(slots::held.gt(0)),
    )
    .set(slots::held.eq(slots::held - 1))
    .execute(conn)?;
    Ok(n == 1)
}

/// Turns a held seat into a booked one (an accepted offer).
pub fn book_held_seat(conn: &mut DbConnection, slot_id: i64) -> Result<bool, DbError> {
    let n = diesel::update(
        slots::table
            .filter(slots::id.eq(slot_id))
            .filter(slots::held.gt(0)),
    )
    .set((
        slots::held.eq(slots::held - 1),
        slots::booked.eq(slots::booked + 1),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Sets a session's capacity unless that would fall below its bookings
/// and held seats;
/// returns the slot as it is afterwards and whether the change applied.
pub fn set_capacity(
    conn: &mut DbConnection,
    slot_id: i64,
    capacity: i32,
) -> Result<Option<(Slot, bool)>, DbError> {
    let n = diesel::update(
        slots::table
            .filter(slots::id.eq(slot_id))
            .filter((slots::booked + slots::held).le(capacity)),
    )
    .set(slots::capacity.eq(capacity))
    .execute(conn)?;
    Ok(find_slot(conn, slot_id)?.map(|s| (s, n == 1)))
}

/// The earliest sessions after `now` from `from` on with a free seat,
/// with their branches, in start order (at most `limit`; the caller
/// drops days not open for booking yet).
pub fn with_free_seats(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    from: NaiveDate,
    province: Option<&str>,
    limit: i64,
) -> Result<Vec<(Slot, Branch)>, DbError> {
    use super::schema::branches as b;
    Ok(crate::per_backend!(conn, c => {
        let mut q = slots::table
            .inner_join(b::table)
            .filter(slots::starts_at.gt(now))
            .filter(slots::local_date.ge(from))
            .filter(slots::closure_id.is_null())
            .filter((slots::booked + slots::held).lt(slots::capacity))
            .into_boxed();
        if let Some(p) = province {
            q = q.filter(b::province.eq(p.to_string()));
        }
        q.order((slots::starts_at.asc(), slots::id.asc()))
            .limit(limit)
            .select((Slot::as_select(), Branch::as_select()))
            .load(c)
    })?)
}

//! Arrivals: kiosk and online tickets, the wait estimate.

use super::*;
use crate::db::FirstRow;
use crate::domain::Code;

/// The result of an arrival at the kiosk.
pub struct Arrival {
    pub ticket: Ticket,
    /// The NIK already had today's ticket at this branch.
    pub repeated: bool,
    pub position: Option<u32>,
    pub estimated_wait_minutes: Option<u32>,
    /// The range shown for the wait (none: called, or nobody on duty).
    pub wait_range: Option<rules::WaitRange>,
    /// The ticket called last at the branch today.
    pub last_called: Option<String>,
}

/// Issues (or finds) today's ticket for a NIK at a branch: a check-in when
/// they have a booking here today within its window, otherwise a walk-in
/// ticket (within the day's cap). Then routes.
pub fn arrive(
    conn: &mut DbConnection,
    branch: &Branch,
    nik: &str,
    now: DateTime<Utc>,
    priority: Priority,
    actor: &Actor,
) -> Result<Arrival, FloorError> {
    arrive_as(conn, branch, nik, now, priority, false, actor)
}

/// An online participant opening their session page at their time: they
/// need an agent's seat at the booked branch but no booth. Only within the
/// booking's check-in window.
pub fn arrive_online(
    conn: &mut DbConnection,
    branch: &Branch,
    nik: &str,
    now: DateTime<Utc>,
    actor: &Actor,
) -> Result<Arrival, FloorError> {
    arrive_as(conn, branch, nik, now, Priority::None, true, actor)
}

pub(super) fn arrive_as(
    conn: &mut DbConnection,
    branch: &Branch,
    nik: &str,
    now: DateTime<Utc>,
    priority: Priority,
    online: bool,
    actor: &Actor,
) -> Result<Arrival, FloorError> {
    use crate::db::schema::{bookings, participants, slots};
    lock_branch(conn, &branch.code)?;
    ensure_booths(conn, branch)?;
    let day = now.with_timezone(&branch.tz()).date_naive();
    let ts = now.naive_utc();
    let existing = tickets::table
        .filter(tickets::branch_code.eq(&branch.code))
        .filter(tickets::local_date.eq(day))
        .filter(tickets::nik.eq(nik))
        .select(Ticket::as_select())
        .first_row(conn)
        .optional()?;
    let (ticket, repeated) = match existing {
        Some(t)
            if priority != Priority::None
                && t.status == TicketStatus::Waiting
                && t.priority != priority.code() =>
        {
            set_priority(conn, &t, priority, now, actor)?;
            (ticket(conn, t.id)?.unwrap_or(t), true)
        }
        Some(t) => (t, true),
        None => {
            let participant: Option<i64> = participants::table
                .filter(participants::nik.eq(nik))
                .select(participants::id)
                .first_row(conn)
                .optional()?;
            // A booking here today whose check-in window is open.
            let booking = match participant {
                Some(pid) => bookings::table
                    .inner_join(slots::table)
                    .filter(bookings::participant_id.eq(pid))
                    .filter(bookings::status.eq(BookingStatus::Booked.as_str()))
                    .filter(slots::branch_code.eq(&branch.code))
                    .filter(slots::local_date.eq(day))
                    .select((
                        bookings::id,
                        bookings::claim_id,
                        slots::starts_at,
                        slots::ends_at,
                    ))
                    .load::<(i64, i64, NaiveDateTime, NaiveDateTime)>(conn)?
                    .into_iter()
                    .find(|(_, _, s, e)| {
                        rules::check_in_window(*s, *e, ts) == rules::CheckIn::Open
                    }),
                None => None,
            };
            let open_claim = match participant {
                Some(pid) => crate::db::claims::open_claim_of(conn, pid)?
                    .filter(|c| c.status == ClaimStatus::Open)
                    .map(|c| c.id),
                None => None,
            };
            let kind = if booking.is_some() {
                TicketKind::Booked
            } else {
                TicketKind::WalkIn
            };
            if online && booking.is_none() {
                return Err(FloorError::Conflict(Code::NotInSessionWindow));
            }
            if kind == TicketKind::WalkIn {
                let issued: i64 = tickets::table
                    .filter(tickets::branch_code.eq(&branch.code))
                    .filter(tickets::local_date.eq(day))
                    .filter(tickets::kind.eq(TicketKind::WalkIn.code()))
                    .count()
                    .get_result(conn)?;
                let cap = branch.walk_in_cap.and_then(|c| u32::try_from(c).ok());
                if !rules::walk_in_allowed(u32::try_from(issued).unwrap_or(u32::MAX), cap) {
                    return Err(FloorError::Conflict(Code::WalkInsFull));
                }
            }
            let last: Option<i32> = tickets::table
                .filter(tickets::branch_code.eq(&branch.code))
                .filter(tickets::local_date.eq(day))
                .filter(tickets::kind.eq(kind.code()))
                .select(diesel::dsl::max(tickets::seq))
                .first_row(conn)?;
            let seq = last.unwrap_or(0) + 1;
            let number = rules::ticket_number(kind, u32::try_from(seq).unwrap_or(1));
            let t = crate::per_backend!(conn, c => diesel::insert_into(tickets::table)
                .values(NewTicket {
                    branch_code: &branch.code,
                    local_date: day,
                    kind: kind.code(),
                    seq,
                    number: &number,
                    nik,
                    participant_id: participant,
                    booking_id: booking.map(|b| b.0),
                    claim_id: booking.map(|b| b.1).or(open_claim),
                    online,
                    priority: priority.code(),
                    session_start: booking.map(|b| b.2),
                    status: TicketStatus::Waiting.as_str(),
                    arrived_at: ts,
                    updated_at: ts,
                })
                .returning(Ticket::as_returning())
                .get_result(c))?;
            if let Some((booking_id, ..)) = booking {
                diesel::update(bookings::table.find(booking_id))
                    .set((
                        bookings::status.eq(BookingStatus::CheckedIn.as_str()),
                        bookings::updated_at.eq(ts),
                    ))
                    .execute(conn)?;
            }
            event(
                conn,
                &branch.code,
                None,
                "arrival",
                json!({"ticket": t.number}),
                ts,
            )?;
            audit::record(
                conn,
                ts,
                actor,
                "ticket_issued",
                &Subject {
                    participant_id: t.participant_id,
                    claim_id: t.claim_id,
                    booking_id: t.booking_id,
                    branch_code: Some(branch.code.clone()),
                    ..Subject::default()
                },
                json!({"ticket": t.number, "kind": t.kind, "nik": crate::domain::nik::mask_str(nik)}),
            )?;
            route(conn, &branch.code, day, ts)?;
            let t = ticket(conn, t.id)?.unwrap_or(t);
            // The range this ticket is shown, for the accuracy measure.
            if let Some(range) = wait_estimate(conn, branch, &t, ts)?.range {
                record_prediction(conn, &t, range, ts)?;
            }
            (t, false)
        }
    };
    let wait = wait_estimate(conn, branch, &ticket, ts)?;
    let last_called = last_called(conn, &branch.code, day)?;
    Ok(Arrival {
        ticket,
        repeated,
        position: wait.position,
        estimated_wait_minutes: wait.minutes,
        wait_range: wait.range,
        last_called,
    })
}

/// Place in line, estimated wait and wait range of a waiting ticket.
pub fn wait_estimate(
    conn: &mut DbConnection,
    branch: &Branch,
    ticket: &Ticket,
    now: NaiveDateTime,
) -> Result<WaitNow, DbError> {
    match ticket.status {
        TicketStatus::Serving => {
            return Ok(WaitNow {
                position: Some(0),
                minutes: Some(0),
                range: None,
            })
        }
        TicketStatus::Waiting => {}
        // Served, no-show or left: no place in line any more.
        TicketStatus::Done | TicketStatus::NoShow | TicketStatus::Left => {
            return Ok(WaitNow::default())
        }
    }
    let waiting: Vec<rules::Waiting> = waiting_of(conn, &branch.code, ticket.local_date)?
        .iter()
        .map(as_waiting)
        .collect();
    let position = rules::queue_position(&waiting, ticket.id, now);
    let agents: Vec<rules::Agent> = agents_of(conn, &branch.code)?
        .iter()
        .map(as_agent)
        .collect();
    let seats = rules::on_duty_seats(&agents);
    let avg = average_service_minutes(conn, &branch.code, ticket.local_date)?;
    let eta = position.and_then(|p| {
        rules::estimated_wait_minutes(p, seats, rules::service_minutes_or_default(avg))
    });
    let range = match position {
        Some(p) => range_for(conn, &branch.code, p.saturating_sub(1), now)?,
        None => None,
    };
    Ok(WaitNow {
        position,
        minutes: eta,
        range,
    })
}

/// Today's average service time at a branch, from finished sessions.
pub fn average_service_minutes(
    conn: &mut DbConnection,
    branch: &str,
    day: NaiveDate,
) -> Result<Option<f64>, DbError> {
    let rows: Vec<(NaiveDateTime, Option<NaiveDateTime>)> = floor_sessions::table
        .inner_join(tickets::table)
        .filter(floor_sessions::branch_code.eq(branch))
        .filter(tickets::local_date.eq(day))
        .filter(floor_sessions::finished_at.is_not_null())
        .filter(floor_sessions::outcome.eq_any(Outcome::SERVED.map(Outcome::as_str)))
        .select((floor_sessions::started_at, floor_sessions::finished_at))
        .load(conn)?;
    let mins: Vec<f64> = rows
        .iter()
        .filter_map(|(s, f)| f.map(|f| (f - *s).num_seconds() as f64 / 60.0))
        .collect();
    Ok((!mins.is_empty()).then(|| mins.iter().sum::<f64>() / mins.len() as f64))
}

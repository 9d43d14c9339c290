//! The board, seats and settings, priority and the supervisor's floor view.

use super::*;
use crate::db::FirstRow;

/// A call on the board: ticket number and booth number (none: online).
pub type BoardCall = (String, Option<i32>);
/// Current calls, recent calls, people waiting.
pub type BoardData = (Vec<BoardCall>, Vec<BoardCall>, i64);

/// The display board: who is called to which booth (newest first) and how
/// many wait.
pub fn board(
    conn: &mut DbConnection,
    branch: &Branch,
    now: DateTime<Utc>,
) -> Result<BoardData, DbError> {
    let day = now.with_timezone(&branch.tz()).date_naive();
    let rows: Vec<(String, Option<i64>, Option<NaiveDateTime>)> = floor_sessions::table
        .inner_join(tickets::table)
        .filter(floor_sessions::branch_code.eq(&branch.code))
        .filter(tickets::local_date.eq(day))
        .filter(
            floor_sessions::outcome
                .is_null()
                .or(floor_sessions::outcome.ne("transferred")),
        )
        .select((
            tickets::number,
            floor_sessions::booth_id,
            floor_sessions::finished_at,
        ))
        .order(floor_sessions::started_at.desc())
        .limit(30)
        .load(conn)?;
    let booth_numbers: Vec<(i64, i32)> = booths::table
        .filter(booths::branch_code.eq(&branch.code))
        .select((booths::id, booths::number))
        .load(conn)?;
    let number = |id: Option<i64>| {
        id.and_then(|id| {
            booth_numbers
                .iter()
                .find(|(b, _)| *b == id)
                .map(|(_, n)| *n)
        })
    };
    let current = rows
        .iter()
        .filter(|r| r.2.is_none())
        .map(|r| (r.0.clone(), number(r.1)))
        .collect();
    let recent = rows
        .iter()
        .filter(|r| r.2.is_some())
        .take(8)
        .map(|r| (r.0.clone(), number(r.1)))
        .collect();
    let waiting: i64 = tickets::table
        .filter(tickets::branch_code.eq(&branch.code))
        .filter(tickets::local_date.eq(day))
        .filter(tickets::status.eq(TicketStatus::Waiting.as_str()))
        .count()
        .get_result(conn)?;
    Ok((current, recent, waiting))
}

/// Seats per agent (also for agents already on the floor, never below
/// their open sessions) and the walk-in cap (negative: none).
/// Seats follow the branch setting. An agent above it (the setting was
/// lowered while they served) keeps their sessions and shrinks as they
/// finish; `CHECK (active <= seats)` never bends.
pub fn fit_seats(conn: &mut DbConnection, branch: &str, only: Option<i64>) -> Result<(), DbError> {
    use crate::db::schema::branches as b;
    let target: Option<i32> = b::table
        .find(branch)
        .select(b::seats_per_agent)
        .first_row(conn)
        .optional()?;
    let Some(target) = target else {
        return Ok(());
    };
    for a in agents_of(conn, branch)? {
        if only.is_some_and(|id| id != a.staff_id) {
            continue;
        }
        let want = target.max(a.active).clamp(1, 6);
        if a.seats != want {
            diesel::update(
                agents::table
                    .filter(agents::staff_id.eq(a.staff_id))
                    .filter(agents::active.le(want)),
            )
            .set(agents::seats.eq(want))
            .execute(conn)?;
        }
    }
    Ok(())
}

/// Changes the branch's seats per agent and walk-in cap (negative: no
/// cap), then routes: more seats may seat people who wait.
pub fn update_settings(
    conn: &mut DbConnection,
    branch: &str,
    seats: Option<i32>,
    walk_in_cap: Option<i32>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    use crate::db::schema::branches as b;
    if let Some(s) = seats {
        diesel::update(b::table.find(branch))
            .set(b::seats_per_agent.eq(s))
            .execute(conn)?;
        for a in agents_of(conn, branch)? {
            diesel::update(agents::table.find(a.staff_id))
                .set(agents::seats.eq(s.max(a.active)))
                .execute(conn)?;
        }
    }
    if let Some(cap) = walk_in_cap {
        diesel::update(b::table.find(branch))
            .set(b::walk_in_cap.eq((cap >= 0).then_some(cap)))
            .execute(conn)?;
    }
    if let Some(found) = branches::find(conn, branch)? {
        let day = now.with_timezone(&found.tz()).date_naive();
        route(conn, branch, day, now.naive_utc())?;
        event(conn, branch, None, "settings", json!({}), now.naive_utc())?;
    }
    Ok(())
}

pub fn set_priority(
    conn: &mut DbConnection,
    t: &Ticket,
    priority: Priority,
    now: DateTime<Utc>,
    actor: &Actor,
) -> Result<(), FloorError> {
    lock_branch(conn, &t.branch_code)?;
    let ts = now.naive_utc();
    diesel::update(tickets::table.find(t.id))
        .set((
            tickets::priority.eq(priority.code()),
            tickets::updated_at.eq(ts),
        ))
        .execute(conn)?;
    audit::record(
        conn,
        ts,
        actor,
        "priority_set",
        &Subject {
            participant_id: t.participant_id,
            branch_code: Some(t.branch_code.clone()),
            ..Subject::default()
        },
        json!({"ticket": t.number, "priority": priority.code()}),
    )?;
    event(
        conn,
        &t.branch_code,
        None,
        "priority",
        json!({"ticket": t.number}),
        ts,
    )?;
    route(conn, &t.branch_code, t.local_date, ts)?;
    Ok(())
}

/// What the supervisor's floor view shows.
pub struct FloorView {
    pub agents: Vec<AgentRow>,
    pub waiting: Vec<(Ticket, Option<u32>)>,
    pub serving: Vec<(FloorSession, Ticket, Option<i32>)>,
    pub measures: rules::DayMeasures,
    pub booths: usize,
    /// The day so far, hour by hour, for the charts.
    pub series: rules::DaySeries,
    /// How today's wait ranges did (issue 17).
    pub accuracy: rules::Accuracy,
}

pub fn floor_view(
    conn: &mut DbConnection,
    branch: &Branch,
    now: DateTime<Utc>,
) -> Result<FloorView, FloorError> {
    let day = now.with_timezone(&branch.tz()).date_naive();
    let ts = now.naive_utc();
    let agents = agents_of(conn, &branch.code)?;
    let waiting_rows = waiting_of(conn, &branch.code, day)?;
    let w: Vec<rules::Waiting> = waiting_rows.iter().map(as_waiting).collect();
    let order = rules::queue_order(&w, ts);
    let mut waiting: Vec<(Ticket, Option<u32>)> = waiting_rows
        .into_iter()
        .map(|t| {
            let pos = order
                .iter()
                .position(|id| *id == t.id)
                .map(|p| p as u32 + 1);
            (t, pos)
        })
        .collect();
    waiting.sort_by_key(|(_, p)| p.unwrap_or(u32::MAX));
    let mut serving = Vec::new();
    for a in &agents {
        serving.extend(agent_sessions(conn, a.staff_id)?);
    }
    let measures = day_measures(conn, branch, day, now)?;
    let booths = booths_of(conn, &branch.code)?.len();
    let record = day_record(conn, &branch.code, day)?;
    let series = rules::day_series(
        series_start(branch.tz(), day),
        ts,
        &record.wait_spans(),
        &record.served_sessions(),
    );
    let accuracy = accuracy_of_day(conn, &branch.code, day)?;
    Ok(FloorView {
        agents,
        waiting,
        serving,
        measures,
        booths,
        series,
        accuracy,
    })
}

/// The day's measures of a branch (see `domain::floor::day_measures`).
/// Agent on-duty time is approximated from the first to the last floor
/// event of each agent today, until now for agents still on the floor.
pub fn day_measures(
    conn: &mut DbConnection,
    branch: &Branch,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> Result<rules::DayMeasures, DbError> {
    let arrivals: i64 = tickets::table
        .filter(tickets::branch_code.eq(&branch.code))
        .filter(tickets::local_date.eq(day))
        .count()
        .get_result(conn)?;
    let rows: Vec<(FloorSession, Ticket)> = floor_sessions::table
        .inner_join(tickets::table)
        .filter(floor_sessions::branch_code.eq(&branch.code))
        .filter(tickets::local_date.eq(day))
        .select((FloorSession::as_select(), Ticket::as_select()))
        .load(conn)?;
    let sessions: Vec<rules::ServedSession> = rows
        .iter()
        .map(|(s, t)| rules::ServedSession {
            agent_id: s.agent_id,
            arrived_at: t.arrived_at.min(s.started_at),
            started_at: s.started_at,
            finished_at: s.finished_at,
            outcome: s.outcome,
        })
        .collect();
    let spans: Vec<(Option<i64>, NaiveDateTime, NaiveDateTime)> = floor_events::table
        .filter(floor_events::branch_code.eq(&branch.code))
        .filter(floor_events::kind.eq("agent_status"))
        .filter(floor_events::agent_id.is_not_null())
        .group_by(floor_events::agent_id)
        .select((
            floor_events::agent_id,
            diesel::dsl::min(floor_events::at).assume_not_null(),
            diesel::dsl::max(floor_events::at).assume_not_null(),
        ))
        .load(conn)?;
    let agents = agents_of(conn, &branch.code)?;
    let minutes: f64 = spans
        .iter()
        .map(|(agent, first, last)| {
            let still_on = agents
                .iter()
                .any(|a| Some(a.staff_id) == *agent && a.status != AgentStatus::Off);
            let end = if still_on { now.naive_utc() } else { *last };
            ((end - *first).num_seconds().max(0) as f64) / 60.0
        })
        .sum();
    Ok(rules::day_measures(
        u32::try_from(arrivals).unwrap_or(0),
        &sessions,
        minutes,
    ))
}

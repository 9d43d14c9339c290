//! The physical limit of a durable booking on this machine (issue 18):
//! the bare transaction — take the seat with the conditional
//! `UPDATE slots SET booked = booked + 1 WHERE id = ? AND booked < capacity`,
//! insert the booking row, commit — on the server's own pool and
//! durability (`Db::write`: SQLite WAL `synchronous=FULL` with its group
//! commit; PostgreSQL `synchronous_commit=on`). Nothing else: no rate limit,
//! no audit entry, no confirmation mail. Any booking the server does costs
//! at least this.

use std::time::{Duration, Instant};

use antre::db::schema::{bookings, slots};
use antre::db::DbError;
use diesel::prelude::*;

use super::booking::{check_sessions, fresh_day};
use super::Latency;
use crate::bench::support as b;
use crate::common::Backend;

/// One bare booking: the seat, the row, the commit.
fn book(db: &antre::db::Db, i: usize, m: &b::Member, slot: i64, at: chrono::NaiveDateTime) {
    match try_book(db, i, m.id, m.claim, slot, at) {
        Ok(true) => {}
        Ok(false) => panic!("bare booking {i}: the session is full"),
        Err(e) => panic!("bare booking {i}: {e}"),
    }
}

/// [`book`] for participant `participant`'s claim `claim` (booking code
/// `BARE` and `i`): whether the seat was free (nothing is written when it
/// was not).
pub fn try_book(
    db: &antre::db::Db,
    i: usize,
    participant: i64,
    claim: i64,
    slot: i64,
    at: chrono::NaiveDateTime,
) -> Result<bool, DbError> {
    db.write(|c| -> Result<bool, DbError> {
        let taken = diesel::update(
            slots::table
                .filter(slots::id.eq(slot))
                .filter(slots::booked.lt(slots::capacity)),
        )
        .set(slots::booked.eq(slots::booked + 1))
        .execute(c)?;
        if taken == 0 {
            return Ok(false);
        }
        diesel::insert_into(bookings::table)
            .values((
                bookings::code.eq(format!("BARE{i:07}")),
                bookings::participant_id.eq(participant),
                bookings::claim_id.eq(claim),
                bookings::slot_id.eq(slot),
                bookings::status.eq("booked"),
                bookings::created_at.eq(at),
                bookings::updated_at.eq(at),
            ))
            .execute(c)?;
        Ok(true)
    })
}

/// `n` bare bookings on `threads` threads on a fresh database with the
/// server's pool: (bookings/s, per-transaction latency, CPU).
pub fn bare_limit(backend: Backend, n: usize, threads: usize) -> Option<(f64, Latency, b::Cpu)> {
    let (tdb, db, now, ids, members) = fresh_day(backend, n)?;
    let at = now.naive_utc();
    let cpu = b::CpuMeter::start(None);
    let started = Instant::now();
    let per_thread: Vec<Vec<Duration>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (db, members, ids) = (&db, &members, &ids);
                s.spawn(move || {
                    let mut lat = Vec::new();
                    for (i, m) in members.iter().enumerate().skip(t).step_by(threads) {
                        let t0 = Instant::now();
                        book(db, i, m, ids[i % ids.len()], at);
                        lat.push(t0.elapsed());
                    }
                    lat
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("bare thread"))
            .collect()
    });
    let took = started.elapsed();
    let cpu = cpu.per(n);
    let held = check_sessions(&tdb, &ids);
    assert_eq!(held, n as i64, "bare loop: every booking holds a seat");
    let lat = b::latency(per_thread.into_iter().flatten().collect());
    Some((n as f64 / took.as_secs_f64(), lat, cpu))
}

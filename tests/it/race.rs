//! Real concurrency over HTTP: many members racing for the last seats of a
//! session (on one instance and on two instances sharing the database),
//! retries with one Idempotency-Key, one member racing against themself,
//! and cancels, bookings and reschedules interleaving on full sessions. The
//! invariant everywhere: `booked` ≤ capacity and `booked` = the active
//! bookings of the session in the database.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::common;
use crate::common::bookings::{
    self, active_in, admin_token, at_signal, id, joined, Http, SEAT_BACK_AT_ONCE,
};
use crate::common::fixtures;
use crate::common::{error_code, Backend, Options, TestApp, TestDb};
use futures::StreamExt;
use serde_json::Value;
use tokio::sync::Barrier;

const MONDAY: &str = "2026-11-23T07:00:00+07:00";
const DPS: &str = "DPS-DENPASAR";
const TUESDAY: &str = "2026-11-24";

#[derive(Clone)]
struct Racer {
    token: String,
    claim: i64,
    id: i64,
}

/// Registers, signs in and opens a claim for `n` members, 16 at a time
/// (password hashing is deliberately slow).
async fn racers(app: &TestApp, n: usize) -> Vec<Racer> {
    let t = Instant::now();
    let out: Vec<Racer> = futures::stream::iter(0..n)
        .map(|_| async {
            let m = fixtures::register(app).await;
            let claim = fixtures::claim(app, &m.token).await;
            Racer {
                token: m.token,
                claim,
                id: m.id,
            }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    eprintln!(
        "  setup: {n} members registered, signed in, claimed in {:.1?}",
        t.elapsed()
    );
    out
}

async fn set_capacity(app: &TestApp, admin: &str, slot: i64, capacity: i64) {
    let (s, v) = bookings::set_capacity(app, admin, slot, capacity).await;
    assert_eq!(s, 200, "set capacity: {v}");
}

/// (capacity, booked) of a session, read from the public listing.
async fn seats(app: &TestApp, branch: &str, date: &str, slot: i64) -> (i64, i64) {
    let slots = fixtures::slots(app, branch, date).await;
    let s = slots
        .iter()
        .find(|s| s["id"].as_i64() == Some(slot))
        .unwrap_or_else(|| panic!("slot {slot} not listed on {date}"));
    (
        s["capacity"].as_i64().expect("capacity"),
        s["booked"].as_i64().expect("booked"),
    )
}

/// Checks the invariant for one session and returns `booked`.
async fn check_invariant(app: &TestApp, db: &TestDb, branch: &str, date: &str, slot: i64) -> i64 {
    let (capacity, booked) = seats(app, branch, date, slot).await;
    let active = active_in(db, slot);
    assert!(
        booked <= capacity,
        "slot {slot} overbooked: booked {booked} > capacity {capacity}"
    );
    assert_eq!(
        booked, active,
        "slot {slot}: booked = {booked} but {active} active bookings in the DB"
    );
    booked
}

/// Every racer books `slot` at the same moment, spread over `apps`.
async fn stampede(apps: &[&TestApp], racers: &[Racer], slot: i64) -> Vec<(u16, Value)> {
    let barrier = Arc::new(Barrier::new(racers.len()));
    let handles: Vec<_> = racers
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let (http, r) = (Http::of(apps[i % apps.len()]), r.clone());
            at_signal(&barrier, async move {
                http.book(&r.token, slot, r.claim, None).await
            })
        })
        .collect();
    joined(handles).await
}

/// Counts responses by status and error code.
fn tally(results: &[(u16, Value)]) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for (s, v) in results {
        let key = if *s < 300 {
            s.to_string()
        } else {
            format!("{s} {}", error_code(v))
        };
        *m.entry(key).or_insert(0) += 1;
    }
    m
}

async fn last_seats(backend: Backend, instances: usize, n: usize, capacity: i64) {
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    let t0 = Instant::now();
    let first = TestApp::start(&db, &Options::clock(MONDAY));
    let second = (instances > 1).then(|| TestApp::start(&db, &Options::clock(MONDAY)));
    let mut apps = vec![&first];
    apps.extend(second.as_ref());
    let admin = admin_token(&db, &first).await;
    let slot = id(&fixtures::slots(&first, DPS, TUESDAY).await[0]);
    set_capacity(&first, &admin, slot, capacity).await;
    let racers = racers(&first, n).await;

    let t = Instant::now();
    let results = stampede(&apps, &racers, slot).await;
    eprintln!(
        "  race: {n} concurrent bookings over {instances} instance(s) in {:.1?}",
        t.elapsed()
    );
    let counts = tally(&results);
    eprintln!("  outcome: {counts:?}");
    let created = results.iter().filter(|(s, _)| *s == 201).count();
    let full = results
        .iter()
        .filter(|(s, v)| *s == 409 && error_code(v) == "slot_full")
        .count();
    assert_eq!(
        created,
        usize::try_from(capacity).expect("cap"),
        "201s: {counts:?}"
    );
    assert_eq!(
        full,
        n - created,
        "every other answer must be 409 slot_full: {counts:?}"
    );
    // Every winner got a distinct code for this slot.
    let codes: BTreeSet<&str> = results
        .iter()
        .filter(|(s, _)| *s == 201)
        .map(|(_, v)| v["code"].as_str().expect("code"))
        .collect();
    assert_eq!(codes.len(), created);
    assert!(results
        .iter()
        .filter(|(s, _)| *s == 201)
        .all(|(_, v)| v["slot_id"] == slot));

    for app in &apps {
        assert_eq!(
            check_invariant(app, &db, DPS, TUESDAY, slot).await,
            capacity
        );
    }
    assert_eq!(active_in(&db, slot), capacity);
    assert_eq!(
        common::count(&db, "SELECT COUNT(*) AS n FROM bookings"),
        capacity
    );
    // Every booking is in the chain by the time it was answered (on
    // PostgreSQL chained after its commit, db::audit::inbox): nothing waits.
    assert_eq!(
        common::count(
            &db,
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'booking_placed'"
        ),
        capacity
    );
    assert_eq!(
        common::count(&db, "SELECT COUNT(*) AS n FROM audit_inbox"),
        0
    );
    eprintln!("  total {:.1?}", t0.elapsed());
}

async fn three_hundred_for_twenty_five_seats(backend: Backend) {
    eprintln!("three_hundred_for_twenty_five_seats {backend:?}");
    last_seats(backend, 1, 300, 25).await;
}
both_backends!(three_hundred_for_twenty_five_seats);

async fn two_instances_one_database(backend: Backend) {
    eprintln!("two_instances_one_database {backend:?}");
    last_seats(backend, 2, 300, 25).await;
}
both_backends!(two_instances_one_database);

/// 20 concurrent retries of one request with one Idempotency-Key, on a
/// session with `capacity` seats (default if `None`); five rounds with
/// fresh members and sessions, since the window is narrow.
async fn same_key(backend: Backend, capacity: Option<i64>) {
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    let app = TestApp::start(&db, &Options::clock(MONDAY));
    let admin = admin_token(&db, &app).await;
    let slots = fixtures::slots(&app, DPS, TUESDAY).await;
    let members = racers(&app, 5).await;
    for (round, (r, s)) in members.iter().zip(&slots).enumerate() {
        let slot = id(s);
        if let Some(c) = capacity {
            set_capacity(&app, &admin, slot, c).await;
        }
        let key = format!("tap-tap-tap-{round}");
        let barrier = Arc::new(Barrier::new(20));
        let t = Instant::now();
        let handles: Vec<_> = (0..20)
            .map(|_| {
                let (http, r, key) = (Http::of(&app), r.clone(), key.clone());
                at_signal(&barrier, async move {
                    http.book(&r.token, slot, r.claim, Some(&key)).await
                })
            })
            .collect();
        let results = joined(handles).await;
        eprintln!(
            "  round {round}: 20 same-key requests in {:.1?}: {:?}",
            t.elapsed(),
            tally(&results)
        );
        for (s, v) in &results {
            assert!(
                *s == 200 || *s == 201,
                "round {round}: same key must replay, got {s} {v}"
            );
        }
        let codes: BTreeSet<&str> = results
            .iter()
            .map(|(_, v)| v["code"].as_str().expect("code"))
            .collect();
        assert_eq!(codes.len(), 1, "different codes for one key: {codes:?}");
        assert!(results.iter().any(|(s, _)| *s == 201), "nobody got 201");
        assert_eq!(
            common::count(
                &db,
                &format!(
                    "SELECT COUNT(*) AS n FROM bookings WHERE participant_id = {}",
                    r.id
                )
            ),
            1
        );
        assert_eq!(check_invariant(&app, &db, DPS, TUESDAY, slot).await, 1);
    }
}

async fn one_key_twenty_retries(backend: Backend) {
    same_key(backend, None).await;
}
both_backends!(one_key_twenty_retries);

/// The same, on a session with a single seat: the retries must still see
/// their own booking, not `slot_full`.
async fn one_key_twenty_retries_last_seat(backend: Backend) {
    same_key(backend, Some(1)).await;
}
both_backends!(one_key_twenty_retries_last_seat);

async fn one_member_twenty_sessions(db: TestDb, app: TestApp) {
    let mut targets = Vec::new();
    for date in ["2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27"] {
        for s in fixtures::slots(&app, DPS, date).await {
            targets.push((date, id(&s)));
        }
    }
    targets.truncate(20);
    assert_eq!(targets.len(), 20);
    let r = racers(&app, 1).await.remove(0);
    let barrier = Arc::new(Barrier::new(20));
    let t = Instant::now();
    let handles: Vec<_> = targets
        .iter()
        .map(|&(_, slot)| {
            let (http, r) = (Http::of(&app), r.clone());
            at_signal(&barrier, async move {
                http.book(&r.token, slot, r.claim, None).await
            })
        })
        .collect();
    let results = joined(handles).await;
    let counts = tally(&results);
    eprintln!(
        "  20 bookings of one member in {:.1?}: {counts:?}",
        t.elapsed()
    );
    assert_eq!(
        results.iter().filter(|(s, _)| *s == 201).count(),
        1,
        "{counts:?}"
    );
    assert_eq!(
        results
            .iter()
            .filter(|(s, v)| *s == 409 && error_code(v) == "already_booked")
            .count(),
        19,
        "{counts:?}"
    );
    assert_eq!(
        common::count(
            &db,
            &format!("SELECT COUNT(*) AS n FROM bookings WHERE participant_id = {} AND status = 'booked'", r.id)
        ),
        1
    );
    let mut total = 0;
    for (date, slot) in targets {
        total += check_invariant(&app, &db, DPS, date, slot).await;
    }
    assert_eq!(total, 1, "seats taken across the 20 sessions");
}
both_backends!(one_member_twenty_sessions, clock = MONDAY);

/// A five-seat session on Tuesday held by the first five of twenty racers:
/// the session, the racers and the holders' booking codes.
async fn full_session(app: &TestApp, db: &TestDb) -> (i64, Vec<Racer>, Vec<String>) {
    let admin = admin_token(db, app).await;
    let slot = id(&fixtures::slots(app, DPS, TUESDAY).await[2]);
    set_capacity(app, &admin, slot, 5).await;
    let all = racers(app, 20).await;
    let mut codes = Vec::new();
    for h in &all[..5] {
        let (s, v) = Http::of(app).book(&h.token, slot, h.claim, None).await;
        assert_eq!(s, 201, "{v}");
        codes.push(v["code"].as_str().expect("code").to_string());
    }
    (slot, all, codes)
}

/// Holders of a full session cancel and re-book while others keep trying
/// to get in: the counter never drifts from the rows.
async fn cancels_and_bookings_on_a_full_session(db: TestDb, app: TestApp) {
    let (slot, all, codes) = full_session(&app, &db).await;
    let (holders, waiters) = all.split_at(5);
    assert_eq!(check_invariant(&app, &db, DPS, TUESDAY, slot).await, 5);

    let t = Instant::now();
    let barrier = Arc::new(Barrier::new(holders.len() + waiters.len()));
    let mut handles = Vec::new();
    for (h, code) in holders.iter().zip(codes) {
        let (http, h) = (Http::of(&app), h.clone());
        handles.push(at_signal(&barrier, async move {
            let (s, v) = http.cancel(&h.token, &code).await;
            assert_eq!(s, 200, "cancel: {v}");
            // Try to get back in, a few times.
            http.book_retrying(&h.token, slot, h.claim, 5).await
        }));
    }
    for w in waiters {
        let (http, w) = (Http::of(&app), w.clone());
        handles.push(at_signal(&barrier, async move {
            http.book_retrying(&w.token, slot, w.claim, 10).await
        }));
    }
    // Watch the public counter while the churn runs.
    let watcher = {
        let (client, base) = (app.client.clone(), app.base.clone());
        tokio::spawn(async move {
            let mut worst = 0;
            for _ in 0..30 {
                let res = client
                    .get(format!("{base}/api/v1/branches/{DPS}/slots?date={TUESDAY}"))
                    .send()
                    .await
                    .expect("slots");
                let (_, v) = common::json_of(res).await;
                if let Some(s) = v
                    .as_array()
                    .and_then(|a| a.iter().find(|s| s["id"].as_i64() == Some(slot)))
                {
                    worst = worst.max(s["booked"].as_i64().unwrap_or(0));
                    assert!(
                        s["available"].as_i64().unwrap_or(-1) >= 0,
                        "negative availability: {s}"
                    );
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            worst
        })
    };
    let mut results = Vec::new();
    for h in handles {
        results.push(h.await.expect("task"));
    }
    let worst = watcher.await.expect("watcher");
    let counts = tally(&results);
    eprintln!(
        "  churn in {:.1?}: final answers {counts:?}, highest booked seen {worst}",
        t.elapsed()
    );
    assert!(worst <= 5, "booked went above capacity: {worst}");
    for (s, v) in &results {
        assert!(
            *s == 201 || (*s == 409 && error_code(v) == "slot_full"),
            "unexpected answer during churn: {s} {v}"
        );
    }
    let winners = results.iter().filter(|(s, _)| *s == 201).count();
    let booked = check_invariant(&app, &db, DPS, TUESDAY, slot).await;
    assert_eq!(
        i64::try_from(winners).expect("n"),
        booked,
        "201s after the churn vs booked"
    );
    assert!(booked <= 5);

    // Whatever is shown as free is really free, and no more.
    let extra = racers(&app, usize::try_from(5 - booked).expect("n") + 1).await;
    let mut got = 0;
    for r in &extra {
        let (s, v) = Http::of(&app).book(&r.token, slot, r.claim, None).await;
        if s == 201 {
            got += 1;
        } else {
            assert_eq!(error_code(&v), "slot_full");
        }
    }
    assert_eq!(booked + got, 5, "free seats after the churn");
    assert_eq!(check_invariant(&app, &db, DPS, TUESDAY, slot).await, 5);
}
both_backends!(
    cancels_and_bookings_on_a_full_session,
    clock = MONDAY,
    env = SEAT_BACK_AT_ONCE
);

/// The same churn with the cooling-off on: every cancelled seat stays held
/// while fifteen others race for it and the cancellers try to take it
/// back — nobody gets in, the holds match the cooling rows.
async fn cancelled_seats_cool_off_under_racing(db: TestDb, app: TestApp) {
    let (slot, all, codes) = full_session(&app, &db).await;
    let (holders, waiters) = all.split_at(5);
    let barrier = Arc::new(Barrier::new(holders.len() + waiters.len()));
    let mut handles = Vec::new();
    for (h, code) in holders.iter().zip(codes) {
        let (http, h) = (Http::of(&app), h.clone());
        handles.push(at_signal(&barrier, async move {
            let (s, v) = http.cancel(&h.token, &code).await;
            assert_eq!(s, 200, "cancel: {v}");
            http.book(&h.token, slot, h.claim, None).await
        }));
    }
    for w in waiters {
        let (http, w) = (Http::of(&app), w.clone());
        handles.push(at_signal(&barrier, async move {
            http.book_retrying(&w.token, slot, w.claim, 10).await
        }));
    }
    for h in handles {
        let (s, v) = h.await.expect("task");
        assert!(
            s == 409 && ["slot_full", "cooling_off"].contains(&error_code(&v)),
            "a cooling seat was taken: {s} {v}"
        );
    }
    assert_eq!(check_invariant(&app, &db, DPS, TUESDAY, slot).await, 0);
    let held = common::count(
        &db,
        &format!("SELECT COALESCE(SUM(held), 0) AS n FROM slots WHERE id = {slot}"),
    );
    let cooling = common::count(
        &db,
        "SELECT COUNT(*) AS n FROM seat_cooling WHERE holds_seat",
    );
    assert_eq!((held, cooling), (5, 5), "each cancelled seat held once");
}
both_backends!(cancelled_seats_cool_off_under_racing, clock = MONDAY);

/// One booking rescheduled to ten sessions at once (and, every other
/// round, cancelled at the same moment): it ends in at most one session,
/// and no session keeps a seat that no booking holds. Four rounds with
/// fresh members, since the outcome depends on timing.
async fn concurrent_changes_of_one_booking(db: TestDb, app: TestApp) {
    let mut sessions = Vec::new();
    for date in ["2026-11-24", "2026-11-25"] {
        for s in fixtures::slots(&app, DPS, date).await {
            sessions.push((date, id(&s)));
        }
    }
    sessions.truncate(11);
    let (_, home) = sessions[0];
    let members = racers(&app, 4).await;
    let mut holding = 0;
    for (round, r) in members.iter().enumerate() {
        let with_cancel = round % 2 == 1;
        let (s, v) = Http::of(&app).book(&r.token, home, r.claim, None).await;
        assert_eq!(s, 201, "{v}");
        let code = v["code"].as_str().expect("code").to_string();

        let t = Instant::now();
        let barrier = Arc::new(Barrier::new(10 + usize::from(with_cancel)));
        let mut handles = Vec::new();
        for &(_, target) in &sessions[1..] {
            let (http, token, code) = (Http::of(&app), r.token.clone(), code.clone());
            handles.push(at_signal(&barrier, async move {
                http.reschedule(&token, &code, target).await
            }));
        }
        if with_cancel {
            let (http, token, code) = (Http::of(&app), r.token.clone(), code.clone());
            handles.push(at_signal(&barrier, async move {
                http.cancel(&token, &code).await
            }));
        }
        let mut results = Vec::new();
        for h in handles {
            results.push(h.await.expect("task"));
        }
        eprintln!(
            "  round {round}: 10 reschedules{} in {:.1?}: {:?}",
            if with_cancel { " + 1 cancel" } else { "" },
            t.elapsed(),
            tally(&results)
        );
        for (s, v) in &results {
            assert!(*s < 500, "server error: {s} {v}");
        }
        let (s, g) = fixtures::booking(&app, &r.token, &code).await;
        assert_eq!(s, 200, "{g}");
        holding += i64::from(g["status"] == "booked");
        let mut total = 0;
        for &(date, slot) in &sessions {
            total += check_invariant(&app, &db, DPS, date, slot).await;
        }
        assert_eq!(
            total, holding,
            "round {round}: seats held across the sessions vs active bookings"
        );
    }
}
both_backends!(concurrent_changes_of_one_booking, clock = MONDAY);

//! What the server acknowledged survives the process being killed
//! (SIGKILL, nothing flushed): a booking, a reschedule and a cancel are
//! still there, with their seat counts and their mails, after a restart on
//! the same database.

use crate::common;
use crate::common::bookings::active_in;
use crate::common::fixtures;
use crate::common::{Backend, Options, TestApp, TestDb};
use serde_json::{json, Value};

const CLOCK: &str = "2026-11-23T07:00:00+07:00";
const DPS: &str = "DPS-DENPASAR";
const TUESDAY: &str = "2026-11-24";

fn outbox(db: &TestDb) -> i64 {
    common::count(db, "SELECT COUNT(*) AS n FROM outbox")
}

/// `booked` of a session on Tuesday, checked against the database.
async fn booked(app: &TestApp, db: &TestDb, slot: i64) -> i64 {
    let slots = fixtures::slots(app, DPS, TUESDAY).await;
    let s = slots
        .iter()
        .find(|s| s["id"].as_i64() == Some(slot))
        .unwrap_or_else(|| panic!("slot {slot} not listed"));
    let n = s["booked"].as_i64().expect("booked");
    assert_eq!(
        n,
        active_in(db, slot),
        "slot {slot}: counter and rows disagree after restart"
    );
    n
}

struct Setup {
    token: String,
    code: String,
    first: i64,
    second: i64,
}

/// Starts an app, books the 08:00 session for a new member, and returns
/// the app (still running) with what was booked.
async fn booked_member(db: &TestDb) -> (TestApp, Setup) {
    let app = TestApp::start(db, &Options::clock(CLOCK));
    let (m, claim) = fixtures::member_with_claim(&app).await;
    let slots = fixtures::slots(&app, DPS, TUESDAY).await;
    let (first, second) = (
        slots[0]["id"].as_i64().expect("id"),
        slots[1]["id"].as_i64().expect("id"),
    );
    let code = fixtures::book(&app, &m.token, first, claim).await;
    (
        app,
        Setup {
            token: m.token,
            code,
            first,
            second,
        },
    )
}

/// Restarts the app on the same database and reads the booking back.
async fn restart(db: &TestDb, s: &Setup) -> (TestApp, Value) {
    let app = TestApp::start(db, &Options::clock(CLOCK));
    let (status, v) = app
        .get(&format!("/api/v1/bookings/{}", s.code), Some(&s.token))
        .await;
    assert_eq!(status, 200, "booking after restart: {v}");
    (app, v)
}

/// Kills the app; its one mail since `mails` must be in the outbox.
fn kill_with_mail(app: TestApp, db: &TestDb, mails: i64, what: &str) {
    app.kill();
    assert_eq!(
        outbox(db),
        mails + 1,
        "the {what} mail was not committed with it"
    );
}

/// Books the second session again with the booking's claim.
async fn book_second(app: &TestApp, s: &Setup, booking: &Value) -> (u16, Value) {
    let claim = booking["claim_id"].as_i64().expect("claim");
    let body = json!({"slot_id": s.second, "claim_id": claim});
    app.post("/api/v1/bookings", Some(&s.token), &body).await
}

async fn booking_survives_kill(backend: Backend) {
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    let (app, s) = booked_member(&db).await;
    app.kill();
    let mails_before_restart = outbox(&db);

    let (app, v) = restart(&db, &s).await;
    assert_eq!(v["status"], "booked");
    assert_eq!(v["slot_id"], s.first);
    assert_eq!(v["starts_at"], "2026-11-24T08:00:00+08:00");
    assert_eq!(booked(&app, &db, s.first).await, 1);
    assert!(
        mails_before_restart >= 1,
        "the confirmation mail was not committed with the booking"
    );
    // Still one active booking: a new one is refused.
    let (st, r) = book_second(&app, &s, &v).await;
    assert_eq!(st, 409, "{r}");
    assert_eq!(common::error_code(&r), "already_booked");
}
both_backends!(booking_survives_kill);

/// Reschedules (or cancels) the booking, kills the app and checks that
/// the change's mail was committed; then restarts and reads the booking.
async fn change_survives_kill(db: &TestDb, cancel: bool) -> (TestApp, Setup, Value) {
    let (app, s) = booked_member(db).await;
    let mails = outbox(db);
    if cancel {
        let (st, v) = app
            .delete(&format!("/api/v1/bookings/{}", s.code), Some(&s.token))
            .await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(v["status"], "cancelled");
        kill_with_mail(app, db, mails, "cancellation");
    } else {
        let (st, v) = fixtures::reschedule(&app, &s.token, &s.code, s.second).await;
        assert_eq!(st, 200, "{v}");
        kill_with_mail(app, db, mails, "reschedule");
    }
    let (app, v) = restart(db, &s).await;
    (app, s, v)
}

async fn reschedule_survives_kill(backend: Backend) {
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    let (app, s, v) = change_survives_kill(&db, false).await;
    assert_eq!(v["status"], "booked");
    assert_eq!(v["slot_id"], s.second);
    assert_eq!(v["starts_at"], "2026-11-24T09:00:00+08:00");
    assert_eq!(booked(&app, &db, s.first).await, 0);
    assert_eq!(booked(&app, &db, s.second).await, 1);
}
both_backends!(reschedule_survives_kill);

async fn cancel_survives_kill(backend: Backend) {
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    let (app, s, v) = change_survives_kill(&db, true).await;
    assert_eq!(booked(&app, &db, s.first).await, 0);
    assert_eq!(v["status"], "cancelled");
    // The member is free to book again after the restart.
    let (st, r) = book_second(&app, &s, &v).await;
    assert_eq!(st, 201, "{r}");
    assert_eq!(booked(&app, &db, s.second).await, 1);
}
both_backends!(cancel_survives_kill);

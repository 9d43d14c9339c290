//! Booking a branch session: the happy path, time zones, idempotency, every
//! refusal with its code, rescheduling, cancelling and capacity, always
//! checking that a session's `booked` equals the active bookings in the
//! database.

use crate::common;
use crate::common::bookings::{active_in, admin_token, id, set_capacity, Http, SEAT_BACK_AT_ONCE};
use crate::common::fixtures::{self, member_with_claim, Member};
use crate::common::{error_code, Backend, Options, TestApp, TestDb};
use serde_json::{json, Value};

/// Monday 2026-11-23, 07:00 WIB = 08:00 WITA = 09:00 WIT.
const MONDAY: &str = "2026-11-23T07:00:00+07:00";
const DPS: &str = "DPS-DENPASAR";
const TUESDAY: &str = "2026-11-24";

async fn book(
    app: &TestApp,
    token: &str,
    slot: i64,
    claim: i64,
    key: Option<&str>,
) -> (u16, Value) {
    Http::of(app).book(token, slot, claim, key).await
}

/// Tuesday's sessions of `branch`: some, all in its UTC `offset`, the first
/// at 08:00 local time.
async fn local_sessions(app: &TestApp, branch: &str, offset: &str) -> Vec<Value> {
    let slots = fixtures::slots(app, branch, TUESDAY).await;
    assert!(!slots.is_empty(), "{branch}");
    assert!(
        slots
            .iter()
            .all(|s| s["starts_at"].as_str().is_some_and(|t| t.ends_with(offset))),
        "{slots:?}"
    );
    let first = format!("{TUESDAY}T08:00:00{offset}");
    assert_eq!(slots[0]["starts_at"], first.as_str());
    slots
}

/// An admin, two members with a claim each, and Tuesday's sessions in
/// Denpasar.
async fn scene(db: &TestDb, app: &TestApp) -> (String, (Member, i64), (Member, i64), Vec<Value>) {
    let admin = admin_token(db, app).await;
    let a = member_with_claim(app).await;
    let b = member_with_claim(app).await;
    (admin, a, b, fixtures::slots(app, DPS, TUESDAY).await)
}

/// The session of `slots` starting at local `hh:mm`.
fn at(slots: &[Value], hhmm: &str) -> Value {
    slots
        .iter()
        .find(|s| s["starts_at"].as_str().is_some_and(|t| t[11..16] == *hhmm))
        .cloned()
        .unwrap_or_else(|| panic!("no session at {hhmm} in {slots:?}"))
}

/// The session as the public listing shows it, after checking that its
/// counters agree with each other and with the database.
async fn slot_state(app: &TestApp, db: &TestDb, branch: &str, date: &str, slot: i64) -> Value {
    let slots = fixtures::slots(app, branch, date).await;
    let s = slots
        .iter()
        .find(|s| s["id"].as_i64() == Some(slot))
        .cloned()
        .unwrap_or_else(|| panic!("slot {slot} not listed on {date}"));
    let booked = s["booked"].as_i64().expect("booked");
    let capacity = s["capacity"].as_i64().expect("capacity");
    assert_eq!(
        booked,
        active_in(db, slot),
        "slot {slot}: booked differs from active bookings in DB: {s}"
    );
    assert_eq!(
        s["available"].as_i64(),
        Some(capacity - booked),
        "available != capacity - booked: {s}"
    );
    assert!(booked <= capacity, "overbooked: {s}");
    s
}

async fn booked_of(app: &TestApp, db: &TestDb, date: &str, slot: i64) -> i64 {
    slot_state(app, db, DPS, date, slot).await["booked"]
        .as_i64()
        .expect("booked")
}

async fn happy_path(db: TestDb, app: TestApp) {
    let (m, claim) = member_with_claim(&app).await;
    let slots = fixtures::slots(&app, DPS, TUESDAY).await;
    let first = at(&slots, "08:00");
    let sid = id(&first);
    let before = slot_state(&app, &db, DPS, TUESDAY, sid).await;

    let (s, b) = book(&app, &m.token, sid, claim, None).await;
    assert_eq!(s, 201, "{b}");
    let code = b["code"].as_str().expect("code").to_string();
    assert_eq!(code.len(), 8, "booking code should have 8 characters: {b}");
    assert_eq!(b["status"], "booked");
    assert_eq!(b["slot_id"], sid);
    assert_eq!(b["claim_id"], claim);
    assert_eq!(b["starts_at"], "2026-11-24T08:00:00+08:00");
    assert_eq!(b["ends_at"], "2026-11-24T09:00:00+08:00");
    assert_eq!(b["branch"]["code"], DPS);
    assert_eq!(b["branch"]["zone"], "WITA");
    assert_eq!(b["branch"]["timezone"], "Asia/Makassar");
    assert!(
        b["branch"]["name"].as_str().is_some_and(|n| !n.is_empty()),
        "{b}"
    );

    let after = slot_state(&app, &db, DPS, TUESDAY, sid).await;
    assert_eq!(
        after["booked"].as_i64(),
        before["booked"].as_i64().map(|n| n + 1),
        "{after}"
    );
    assert_eq!(
        after["available"].as_i64(),
        before["available"].as_i64().map(|n| n - 1),
        "{after}"
    );
    assert_eq!(after["booked"], 1);

    let (s, g) = fixtures::booking(&app, &m.token, &code).await;
    assert_eq!(s, 200, "{g}");
    assert_eq!(g["code"], code.as_str());
    assert_eq!(g["status"], "booked");
    assert_eq!(g["slot_id"], sid);
    assert_eq!(g["starts_at"], "2026-11-24T08:00:00+08:00");
    assert_eq!(g["branch"]["zone"], "WITA");
    // Exactly one row in the database.
    assert_eq!(common::count(&db, "SELECT COUNT(*) AS n FROM bookings"), 1);

    // Somebody else cannot read it.
    let (other, _) = member_with_claim(&app).await;
    app.assert_hidden(&format!("/api/v1/bookings/{code}"), &other.token)
        .await;
}
both_backends!(happy_path, clock = MONDAY);

async fn time_zones(db: TestDb, app: TestApp) {
    let local = |slots: &[Value]| -> Vec<String> {
        slots
            .iter()
            .map(|s| s["starts_at"].as_str().expect("starts_at")[11..].to_string())
            .collect()
    };

    let dps = fixtures::slots(&app, DPS, TUESDAY).await;
    assert_eq!(
        local(&dps),
        [
            "08:00:00+08:00",
            "09:00:00+08:00",
            "10:00:00+08:00",
            "11:00:00+08:00",
            "13:00:00+08:00",
            "14:00:00+08:00"
        ],
        "Denpasar, Tuesday: {dps:?}"
    );
    assert!(
        dps.iter()
            .all(|s| s["ends_at"].as_str().is_some_and(|t| t.ends_with("+08:00"))),
        "{dps:?}"
    );
    assert_eq!(dps[0]["starts_at"], "2026-11-24T08:00:00+08:00");
    assert_eq!(dps[0]["ends_at"], "2026-11-24T09:00:00+08:00");

    let jyp = local_sessions(&app, "JYP-JAYAPURA", "+09:00").await;
    let jkt = local_sessions(&app, "JKT-CILANDAK", "+07:00").await;

    // The same instant, three local readings: 08:00 WIT = 07:00 WITA = 06:00 WIB.
    let instant = |s: &str| {
        chrono::DateTime::parse_from_rfc3339(s)
            .expect("rfc3339")
            .timestamp()
    };
    let wit_8 = instant(jyp[0]["starts_at"].as_str().expect("jyp"));
    assert_eq!(wit_8, instant("2026-11-24T07:00:00+08:00"));
    assert_eq!(wit_8, instant("2026-11-24T06:00:00+07:00"));
    assert_eq!(wit_8, instant("2026-11-23T23:00:00Z"));
    // Sessions starting at one instant across zones: 10:00 WIT, 09:00 WITA, 08:00 WIB.
    let jyp_10 = at(&jyp, "10:00");
    let dps_9 = at(&dps, "09:00");
    let jkt_8 = at(&jkt, "08:00");
    let i = instant(jyp_10["starts_at"].as_str().expect("jyp 10"));
    assert_eq!(i, instant(dps_9["starts_at"].as_str().expect("dps 9")));
    assert_eq!(i, instant(jkt_8["starts_at"].as_str().expect("jkt 8")));

    // A booking in Jayapura shows WIT, whoever looks.
    let (m, claim) = member_with_claim(&app).await;
    let (s, b) = book(&app, &m.token, id(&jyp[0]), claim, None).await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(b["starts_at"], "2026-11-24T08:00:00+09:00");
    assert_eq!(b["branch"]["zone"], "WIT");
    assert_eq!(b["branch"]["timezone"], "Asia/Jayapura");

    // Friday: no 11:00 session (Friday prayers).
    let fri = fixtures::slots(&app, DPS, "2026-11-27").await;
    assert_eq!(
        local(&fri),
        [
            "08:00:00+08:00",
            "09:00:00+08:00",
            "10:00:00+08:00",
            "13:00:00+08:00",
            "14:00:00+08:00"
        ],
        "Friday: {fri:?}"
    );
    // Weekend: none.
    assert!(
        fixtures::slots(&app, DPS, "2026-11-28").await.is_empty(),
        "Saturday has sessions"
    );
    assert!(
        fixtures::slots(&app, DPS, "2026-11-29").await.is_empty(),
        "Sunday has sessions"
    );
    drop(app);

    // Christmas week (sessions are generated up to 14 days ahead, so look
    // from Monday 2026-12-21).
    let app = TestApp::start(&db, &Options::clock("2026-12-21T07:00:00+07:00"));
    assert_eq!(
        fixtures::slots(&app, DPS, "2026-12-23").await.len(),
        6,
        "an ordinary Wednesday"
    );
    let xmas = fixtures::slots(&app, DPS, "2026-12-25").await;
    assert!(xmas.is_empty(), "Christmas has sessions: {xmas:?}");
    let eve = fixtures::slots(&app, DPS, "2026-12-24").await;
    assert!(
        eve.is_empty(),
        "cuti bersama 2026-12-24 has sessions: {eve:?}"
    );
    let xmas_jkt = fixtures::slots(&app, "JKT-CILANDAK", "2026-12-25").await;
    assert!(
        xmas_jkt.is_empty(),
        "Christmas has sessions in Jakarta: {xmas_jkt:?}"
    );
}
both_backends!(time_zones, clock = MONDAY);

async fn idempotency(db: TestDb, app: TestApp) {
    let (m, claim) = member_with_claim(&app).await;
    let slots = fixtures::slots(&app, DPS, TUESDAY).await;
    let sid = id(&at(&slots, "09:00"));

    let (s1, b1) = book(&app, &m.token, sid, claim, Some("retry-abc-1")).await;
    assert_eq!(s1, 201, "{b1}");
    let (s2, b2) = book(&app, &m.token, sid, claim, Some("retry-abc-1")).await;
    assert_eq!(s2, 200, "replay should be 200: {b2}");
    assert_eq!(b2["code"], b1["code"]);
    assert_eq!(b2["status"], "booked");
    assert_eq!(b2["slot_id"], sid);
    assert_eq!(
        booked_of(&app, &db, TUESDAY, sid).await,
        1,
        "replay took a second seat"
    );
    assert_eq!(common::count(&db, "SELECT COUNT(*) AS n FROM bookings"), 1);

    // A new key is a new request: the member already has a booking.
    let (s3, b3) = book(&app, &m.token, sid, claim, Some("retry-abc-2")).await;
    assert_eq!(s3, 409, "{b3}");
    assert_eq!(error_code(&b3), "already_booked");
    assert_eq!(booked_of(&app, &db, TUESDAY, sid).await, 1);

    // Keys are per member: another member using the same key gets their own booking.
    let (other, oclaim) = member_with_claim(&app).await;
    let (s4, b4) = book(&app, &other.token, sid, oclaim, Some("retry-abc-1")).await;
    assert_eq!(s4, 201, "{b4}");
    assert_ne!(b4["code"], b1["code"]);
    assert_eq!(booked_of(&app, &db, TUESDAY, sid).await, 2);
}
both_backends!(idempotency, clock = MONDAY);

async fn already_booked_and_slot_full(db: TestDb, app: TestApp) {
    let (admin, (a, a_claim), (b, b_claim), slots) = scene(&db, &app).await;
    let s8 = id(&at(&slots, "08:00"));
    let s10 = id(&at(&slots, "10:00"));

    // already_booked: a second booking without a key, even for another session.
    let (s, v) = book(&app, &a.token, s8, a_claim, None).await;
    assert_eq!(s, 201, "{v}");
    let (s, v) = book(&app, &a.token, s10, a_claim, None).await;
    assert_eq!(s, 409, "{v}");
    assert_eq!(error_code(&v), "already_booked");
    let (s, v) = book(&app, &a.token, s8, a_claim, None).await;
    assert_eq!(s, 409, "{v}");
    assert_eq!(error_code(&v), "already_booked");
    assert_eq!(booked_of(&app, &db, TUESDAY, s8).await, 1);
    assert_eq!(booked_of(&app, &db, TUESDAY, s10).await, 0);

    // slot_full: capacity 1, taken by `b`; `c` is refused.
    let (s, v) = set_capacity(&app, &admin, s10, 1).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["capacity"], 1);
    let (s, v) = book(&app, &b.token, s10, b_claim, None).await;
    assert_eq!(s, 201, "{v}");
    let (c, c_claim) = member_with_claim(&app).await;
    let (s, v) = book(&app, &c.token, s10, c_claim, None).await;
    assert_eq!(s, 409, "{v}");
    assert_eq!(error_code(&v), "slot_full");
    let st = slot_state(&app, &db, DPS, TUESDAY, s10).await;
    assert_eq!(st["booked"], 1);
    assert_eq!(st["available"], 0);
    // `c` holds no booking after the refusal and can book elsewhere.
    assert_eq!(
        common::count(
            &db,
            &format!(
                "SELECT COUNT(*) AS n FROM bookings WHERE participant_id = {}",
                c.id
            )
        ),
        0
    );
    let (s, v) = book(&app, &c.token, s8, c_claim, None).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(booked_of(&app, &db, TUESDAY, s8).await, 2);
}
both_backends!(already_booked_and_slot_full, clock = MONDAY);

async fn started_session_is_closed(backend: Backend) {
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    // 09:30 in Denpasar on Tuesday.
    let app = TestApp::start(&db, &Options::clock("2026-11-24T09:30:00+08:00"));
    let (m, claim) = member_with_claim(&app).await;
    let slots = fixtures::slots(&app, DPS, TUESDAY).await;
    for hhmm in ["08:00", "09:00"] {
        let sid = id(&at(&slots, hhmm));
        let (s, v) = book(&app, &m.token, sid, claim, None).await;
        assert_eq!(s, 422, "{hhmm} session has started: {v}");
        assert_eq!(error_code(&v), "slot_closed");
        assert_eq!(booked_of(&app, &db, TUESDAY, sid).await, 0);
    }
    // The next session the same day is still open.
    let s10 = id(&at(&slots, "10:00"));
    let (s, v) = book(&app, &m.token, s10, claim, None).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(booked_of(&app, &db, TUESDAY, s10).await, 1);
}
both_backends!(started_session_is_closed);

async fn horizon_and_holiday_are_closed(db: TestDb, app: TestApp) {
    let (m, claim) = member_with_claim(&app).await;

    // 2026-12-03 is 10 days ahead: sessions exist but are not open yet.
    let far = fixtures::slots(&app, DPS, "2026-12-03").await;
    assert!(!far.is_empty(), "sessions should exist 10 days ahead");
    let (s, v) = book(&app, &m.token, id(&far[0]), claim, None).await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(error_code(&v), "slot_closed");
    // today + 8 (Tuesday 2026-12-01) is the first closed day.
    let d8 = fixtures::slots(&app, DPS, "2026-12-01").await;
    let (s, v) = book(&app, &m.token, id(&d8[0]), claim, None).await;
    assert_eq!(s, 422, "today+8: {v}");
    assert_eq!(error_code(&v), "slot_closed");

    // A holiday declared after start-up closes its sessions.
    let wed = fixtures::slots(&app, DPS, "2026-11-25").await;
    let wed_id = id(&at(&wed, "08:00"));
    common::sql(
        &db,
        "INSERT INTO holidays (day, name_id, name_en, kind) VALUES ('2026-11-25', 'Uji', 'Test', 'national')",
    );
    let (s, v) = book(&app, &m.token, wed_id, claim, None).await;
    assert_eq!(s, 422, "holiday: {v}");
    assert_eq!(error_code(&v), "slot_closed");
    // The message names the holiday it read.
    assert!(v.to_string().contains("Uji"), "holiday named: {v}");
    assert_eq!(active_in(&db, wed_id), 0);
    assert_eq!(common::count(&db, "SELECT COUNT(*) AS n FROM bookings"), 0);

    // today + 7 (Monday 2026-11-30) is still open.
    let d7 = fixtures::slots(&app, DPS, "2026-11-30").await;
    let (s, v) = book(&app, &m.token, id(&d7[0]), claim, None).await;
    assert_eq!(s, 201, "today+7 should be bookable: {v}");
}
both_backends!(horizon_and_holiday_are_closed, clock = MONDAY);

async fn unknown_slot_and_foreign_claim(db: TestDb, app: TestApp) {
    let (a, a_claim) = member_with_claim(&app).await;
    let (_b, b_claim) = member_with_claim(&app).await;
    let slots = fixtures::slots(&app, DPS, TUESDAY).await;
    let sid = id(&slots[0]);

    let (s, v) = book(&app, &a.token, 999_999, a_claim, None).await;
    assert_eq!(s, 404, "{v}");
    assert_eq!(error_code(&v), "slot_not_found");

    let (s, v) = book(&app, &a.token, sid, b_claim, None).await;
    assert_eq!(s, 404, "{v}");
    assert_eq!(error_code(&v), "claim_not_yours");

    let (s, v) = book(&app, &a.token, sid, 987_654, None).await;
    assert_eq!(s, 404, "unknown claim: {v}");
    assert_eq!(error_code(&v), "claim_not_yours");

    // No such session and somebody else's claim: the claim is named
    // first, as when the session exists.
    let (s, v) = book(&app, &a.token, 999_999, b_claim, None).await;
    assert_eq!(s, 404, "{v}");
    assert_eq!(error_code(&v), "claim_not_yours");

    // No token at all.
    let (s, v) = fixtures::post_booking(&app, None, sid, a_claim).await;
    assert_eq!(s, 401, "{v}");
    error_code(&v);

    assert_eq!(booked_of(&app, &db, TUESDAY, sid).await, 0);
    assert_eq!(common::count(&db, "SELECT COUNT(*) AS n FROM bookings"), 0);
}
both_backends!(unknown_slot_and_foreign_claim, clock = MONDAY);

async fn reschedule(db: TestDb, app: TestApp) {
    let (admin, (a, a_claim), (b, b_claim), slots) = scene(&db, &app).await;
    let s8 = id(&at(&slots, "08:00"));
    let s9 = id(&at(&slots, "09:00"));
    let s13 = id(&at(&slots, "13:00"));

    let (s, v) = book(&app, &a.token, s8, a_claim, None).await;
    assert_eq!(s, 201, "{v}");
    let code = v["code"].as_str().expect("code").to_string();
    let path = format!("/api/v1/bookings/{code}/reschedule");

    // Move 08:00 → 09:00.
    let (s, v) = app
        .post(&path, Some(&a.token), &json!({"slot_id": s9}))
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["code"], code.as_str());
    assert_eq!(v["slot_id"], s9);
    assert_eq!(v["status"], "booked");
    assert_eq!(v["starts_at"], "2026-11-24T09:00:00+08:00");
    assert_eq!(booked_of(&app, &db, TUESDAY, s8).await, 0);
    assert_eq!(booked_of(&app, &db, TUESDAY, s9).await, 1);
    let (s, g) = fixtures::booking(&app, &a.token, &code).await;
    assert_eq!(s, 200, "{g}");
    assert_eq!(g["slot_id"], s9);
    assert_eq!(common::count(&db, "SELECT COUNT(*) AS n FROM bookings"), 1);

    // Into a full session: refused, nothing moves.
    let (s, v) = set_capacity(&app, &admin, s13, 1).await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = book(&app, &b.token, s13, b_claim, None).await;
    assert_eq!(s, 201, "{v}");
    let (s, v) = app
        .post(&path, Some(&a.token), &json!({"slot_id": s13}))
        .await;
    assert_eq!(s, 409, "{v}");
    assert_eq!(error_code(&v), "slot_full");
    assert_eq!(
        booked_of(&app, &db, TUESDAY, s9).await,
        1,
        "old seat lost on a refused reschedule"
    );
    assert_eq!(booked_of(&app, &db, TUESDAY, s13).await, 1);
    let (_, g) = fixtures::booking(&app, &a.token, &code).await;
    assert_eq!(g["slot_id"], s9);
    assert_eq!(g["status"], "booked");

    // Into a closed session (not open yet): 422, nothing moves.
    let far = fixtures::slots(&app, DPS, "2026-12-03").await;
    let far_id = id(&far[0]);
    let (s, v) = app
        .post(&path, Some(&a.token), &json!({"slot_id": far_id}))
        .await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(error_code(&v), "slot_closed");
    assert_eq!(booked_of(&app, &db, TUESDAY, s9).await, 1);
    assert_eq!(
        slot_state(&app, &db, DPS, "2026-12-03", far_id).await["booked"],
        0
    );

    // Into an unknown session: 404.
    let (s, v) = app
        .post(&path, Some(&a.token), &json!({"slot_id": 999_999}))
        .await;
    assert_eq!(s, 404, "{v}");
    assert_eq!(error_code(&v), "slot_not_found");

    // Somebody else's booking: 404, nothing moves.
    let (s, v) = app
        .post(&path, Some(&b.token), &json!({"slot_id": s8}))
        .await;
    assert_eq!(s, 404, "{v}");
    error_code(&v);
    assert_eq!(booked_of(&app, &db, TUESDAY, s8).await, 0);
    assert_eq!(booked_of(&app, &db, TUESDAY, s9).await, 1);
    let (_, g) = fixtures::booking(&app, &a.token, &code).await;
    assert_eq!(g["slot_id"], s9);

    // Across branches and zones: to Jayapura.
    let jyp = fixtures::slots(&app, "JYP-JAYAPURA", TUESDAY).await;
    let j10 = id(&at(&jyp, "10:00"));
    let (s, v) = app
        .post(&path, Some(&a.token), &json!({"slot_id": j10}))
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["code"], code.as_str());
    assert_eq!(v["starts_at"], "2026-11-24T10:00:00+09:00");
    assert_eq!(v["branch"]["code"], "JYP-JAYAPURA");
    assert_eq!(v["branch"]["zone"], "WIT");
    assert_eq!(booked_of(&app, &db, TUESDAY, s9).await, 0);
    assert_eq!(
        slot_state(&app, &db, "JYP-JAYAPURA", TUESDAY, j10).await["booked"],
        1
    );
}
both_backends!(reschedule, clock = MONDAY, env = SEAT_BACK_AT_ONCE);

async fn cancel(db: TestDb, app: TestApp) {
    let (admin, (a, a_claim), (b, b_claim), slots) = scene(&db, &app).await;
    let s11 = id(&at(&slots, "11:00"));
    let s14 = id(&at(&slots, "14:00"));
    let (s, v) = set_capacity(&app, &admin, s11, 1).await;
    assert_eq!(s, 200, "{v}");

    let (s, v) = book(&app, &a.token, s11, a_claim, None).await;
    assert_eq!(s, 201, "{v}");
    let code = v["code"].as_str().expect("code").to_string();
    let (s, v) = book(&app, &b.token, s11, b_claim, None).await;
    assert_eq!(s, 409, "{v}");
    assert_eq!(error_code(&v), "slot_full");

    // Somebody else cannot cancel it.
    let (s, v) = fixtures::cancel(&app, &b.token, &code).await;
    assert_eq!(s, 404, "{v}");
    error_code(&v);
    assert_eq!(booked_of(&app, &db, TUESDAY, s11).await, 1);

    let (s, v) = fixtures::cancel(&app, &a.token, &code).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "cancelled");
    // The seat is free at once.
    assert_eq!(booked_of(&app, &db, TUESDAY, s11).await, 0);
    let (s, g) = fixtures::booking(&app, &a.token, &code).await;
    assert_eq!(s, 200, "{g}");
    assert_eq!(g["status"], "cancelled");
    let (s, v) = book(&app, &b.token, s11, b_claim, None).await;
    assert_eq!(s, 201, "the freed seat should be bookable: {v}");
    assert_eq!(booked_of(&app, &db, TUESDAY, s11).await, 1);

    // Cancelling again is harmless and does not free b's seat.
    let (s, v) = fixtures::cancel(&app, &a.token, &code).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "cancelled");
    assert_eq!(
        booked_of(&app, &db, TUESDAY, s11).await,
        1,
        "second cancel dropped the count again"
    );

    // A cancelled booking cannot be rescheduled back to life.
    let (s, v) = fixtures::reschedule(&app, &a.token, &code, s14).await;
    assert!(
        s == 409 || s == 404 || s == 422,
        "reschedule of a cancelled booking: {s} {v}"
    );
    error_code(&v);
    assert_eq!(booked_of(&app, &db, TUESDAY, s14).await, 0);

    // `a` may book again.
    let (s, v) = book(&app, &a.token, s14, a_claim, None).await;
    assert_eq!(s, 201, "{v}");
    assert_ne!(v["code"], code.as_str());
    assert_eq!(booked_of(&app, &db, TUESDAY, s14).await, 1);
    assert_eq!(booked_of(&app, &db, TUESDAY, s11).await, 1);
}
both_backends!(cancel, clock = MONDAY, env = SEAT_BACK_AT_ONCE);

async fn capacity(db: TestDb, app: TestApp) {
    let admin = admin_token(&db, &app).await;
    let slots = fixtures::slots(&app, DPS, TUESDAY).await;
    let sid = id(&at(&slots, "10:00"));
    let original = slot_state(&app, &db, DPS, TUESDAY, sid).await["capacity"]
        .as_i64()
        .expect("capacity");
    assert!(
        original >= 3,
        "Denpasar sessions should seat several: {original}"
    );

    for _ in 0..3 {
        let (m, c) = member_with_claim(&app).await;
        let (s, v) = book(&app, &m.token, sid, c, None).await;
        assert_eq!(s, 201, "{v}");
    }
    assert_eq!(booked_of(&app, &db, TUESDAY, sid).await, 3);

    let (s, v) = set_capacity(&app, &admin, sid, 2).await;
    assert_eq!(s, 409, "{v}");
    assert_eq!(error_code(&v), "capacity_below_booked");
    let (s, v) = set_capacity(&app, &admin, sid, 0).await;
    assert_eq!(s, 409, "{v}");
    assert_eq!(error_code(&v), "capacity_below_booked");
    let st = slot_state(&app, &db, DPS, TUESDAY, sid).await;
    assert_eq!(
        st["capacity"].as_i64(),
        Some(original),
        "capacity changed by a refused update"
    );
    assert_eq!(st["booked"], 3);

    // Lowering to exactly `booked` is allowed: the session is then full.
    let (s, v) = set_capacity(&app, &admin, sid, 3).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["capacity"], 3);
    assert_eq!(v["booked"], 3);
    assert_eq!(v["available"], 0);
    let (late, late_claim) = member_with_claim(&app).await;
    let (s, v) = book(&app, &late.token, sid, late_claim, None).await;
    assert_eq!(s, 409, "{v}");
    assert_eq!(error_code(&v), "slot_full");

    // Raising opens seats again.
    let (s, v) = set_capacity(&app, &admin, sid, 40).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["capacity"], 40);
    let st = slot_state(&app, &db, DPS, TUESDAY, sid).await;
    assert_eq!(st["capacity"], 40);
    assert_eq!(st["available"], 37);
    let (s, v) = book(&app, &late.token, sid, late_claim, None).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(booked_of(&app, &db, TUESDAY, sid).await, 4);

    // A participant cannot change capacity.
    let (s, v) = set_capacity(&app, &late.token, sid, 50).await;
    assert_eq!(s, 403, "{v}");
    error_code(&v);
    assert_eq!(
        slot_state(&app, &db, DPS, TUESDAY, sid).await["capacity"],
        40
    );
}
both_backends!(capacity, clock = MONDAY);

/// PostgreSQL drops every connection of the pool right after use (a
/// restart, an operator's `pg_terminate_backend`). The pool hands out a
/// connection that answered within the last second unchecked, so a request
/// may meet a dead one: it is answered 503 with nothing done (safe to
/// retry), never 500, each dead connection is discarded where it failed,
/// and a retry books exactly once.
async fn dropped_connections_cost_no_booking(backend: Backend) {
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    let app = TestApp::start(&db, &Options::clock(MONDAY));
    let (m, claim) = member_with_claim(&app).await;
    let slot = id(&fixtures::slots(&app, DPS, TUESDAY).await[0]);
    // The pool's connections all in use a moment ago.
    let http = Http::of(&app);
    for _ in 0..8 {
        let (s, v) = app.get("/api/v1/me", Some(&m.token)).await;
        assert_eq!(s, 200, "{v}");
    }
    common::sql(
        &db,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    );
    let refused = std::cell::Cell::new(0);
    let booked = common::eventually(20, "a booking once connections are back", || async {
        let (status, v) = http.book(&m.token, slot, claim, None).await;
        match status {
            201 => Some(v),
            503 => {
                assert_eq!(error_code(&v), "database_unavailable", "{v}");
                assert_eq!(active_in(&db, slot), 0, "a 503 booked nothing");
                refused.set(refused.get() + 1);
                None
            }
            _ => panic!("a dropped connection answered {status}: {v}"),
        }
    })
    .await;
    assert_eq!(booked["status"], "booked", "{booked}");
    assert_eq!(active_in(&db, slot), 1);
    let refused = refused.get();
    println!("{refused} request(s) met a dropped connection before the booking");
}
crate::tests_on!(dropped_connections, super::dropped_connections_cost_no_booking, postgres => Postgres);

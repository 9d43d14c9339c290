//! The branch floor: kiosk tickets and device credentials, routing waiting
//! people to CS agents' seats and booths (with the floor invariants checked
//! on the stored rows after every step), seat changes while agents serve,
//! races through two app instances, live events across instances (none
//! lost under load), finishing a session with a verified claim, the floor
//! pages and the audit trail.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::common;
use crate::common::browser::{hidden, texts_of, Browser};
use crate::common::files;
use crate::common::fixtures::{arrive_at, set_status, Staff};
use crate::common::{error_code, fixtures, Backend, Options, TestApp, TestDb};
use reqwest::multipart::{Form, Part};
use reqwest::Client;
use serde_json::{json, Value};

/// 08:40 WITA on Tuesday 2026-11-24: the 09:00 session's check-in is open.
const CLOCK: &str = "2026-11-24T08:40:00+08:00";
/// 09:05 WITA the same day: the 09:00 session has started.
const CLOCK_STARTED: &str = "2026-11-24T09:05:00+08:00";
/// The next day, 08:40 WITA.
const CLOCK_NEXT_DAY: &str = "2026-11-25T08:40:00+08:00";
const DAY: &str = "2026-11-24";
const BRANCH: &str = "DPS-DENPASAR";
const OTHER_BRANCH: &str = "JKT-CILANDAK";

// ---------------------------------------------------------------------------
// Helpers.

/// A staff account (branch for supervisor and cs), signed in, with its id.
async fn staff(app: &TestApp, db: &TestDb, role: &str, branch: Option<&str>) -> Staff {
    fixtures::staff(app, db, role, &fixtures::at_branch(branch)).await
}

/// Issues a kiosk credential for `branch` as `token` (expects 201).
async fn kiosk(app: &TestApp, token: &str, branch: &str) -> String {
    let t = fixtures::device(app, token, branch, "kiosk").await;
    assert!(t.starts_with("dev_"), "device token {t}");
    t
}

/// A valid NIK nobody else uses.
fn new_nik() -> String {
    fixtures::nik(12, 5, 1985, false)
}

async fn arrive(app: &TestApp, token: &str, nik: &str) -> (u16, Value) {
    arrive_at(app, token, BRANCH, &json!({"nik": nik})).await
}

/// A new walk-in at BRANCH (expects 201); returns the NIK and the body.
async fn walk_in(app: &TestApp, kiosk: &str) -> (String, Value) {
    let nik = new_nik();
    let (status, v) = arrive(app, kiosk, &nik).await;
    assert_eq!(status, 201, "arrival {nik}: {v}");
    (nik, v)
}

async fn go(app: &TestApp, token: &str, status: &str) {
    let (s, v) = set_status(app, token, status).await;
    assert_eq!(s, 200, "status {status}: {v}");
    assert_eq!(v["status"], status, "{v}");
}

async fn sessions(app: &TestApp, token: &str) -> Vec<Value> {
    let (status, v) = app.get("/api/v1/console/sessions", Some(token)).await;
    assert_eq!(status, 200, "sessions: {v}");
    v.as_array().cloned().expect("sessions array")
}

fn tickets_of(sessions: &[Value]) -> Vec<String> {
    sessions
        .iter()
        .map(|s| s["ticket"].as_str().expect("ticket").to_string())
        .collect()
}

async fn finish(app: &TestApp, token: &str, id: &Value, outcome: &str) -> (u16, Value) {
    app.post(
        &format!("/api/v1/console/sessions/{id}/finish"),
        Some(token),
        &json!({"outcome": outcome}),
    )
    .await
}

async fn finish_ok(app: &TestApp, token: &str, id: &Value, outcome: &str) {
    let (status, v) = finish(app, token, id, outcome).await;
    assert_eq!(status, 200, "finish {id} {outcome}: {v}");
    assert_eq!(v["outcome"], outcome, "{v}");
}

async fn board(app: &TestApp) -> Value {
    let (status, v) = app
        .get(&format!("/api/v1/branches/{BRANCH}/board"), None)
        .await;
    assert_eq!(status, 200, "board: {v}");
    v
}

async fn floor_settings(app: &TestApp, token: &str, body: Value) -> (u16, Value) {
    app.put(
        &format!("/api/v1/branches/{BRANCH}/floor"),
        Some(token),
        &body,
    )
    .await
}

/// The floor invariants, checked on the stored rows.
const INVARIANTS: [(&str, &str); 8] = [
    (
        "an agent has more open sessions than seats",
        "SELECT COUNT(*) AS n FROM agents a WHERE (SELECT COUNT(*) FROM floor_sessions s \
         WHERE s.agent_id = a.staff_id AND s.finished_at IS NULL) > a.seats",
    ),
    (
        "agents.active differs from the agent's open sessions",
        "SELECT COUNT(*) AS n FROM agents a WHERE a.active <> (SELECT COUNT(*) FROM floor_sessions s \
         WHERE s.agent_id = a.staff_id AND s.finished_at IS NULL)",
    ),
    (
        "a booth holds two open sessions",
        "SELECT COUNT(*) AS n FROM (SELECT booth_id FROM floor_sessions WHERE finished_at IS NULL \
         AND booth_id IS NOT NULL GROUP BY booth_id HAVING COUNT(*) > 1) x",
    ),
    (
        "a ticket has two open sessions",
        "SELECT COUNT(*) AS n FROM (SELECT ticket_id FROM floor_sessions WHERE finished_at IS NULL \
         GROUP BY ticket_id HAVING COUNT(*) > 1) x",
    ),
    (
        "a serving ticket without an open session",
        "SELECT COUNT(*) AS n FROM tickets t WHERE t.status = 'serving' AND NOT EXISTS \
         (SELECT 1 FROM floor_sessions s WHERE s.ticket_id = t.id AND s.finished_at IS NULL)",
    ),
    (
        "an open session whose ticket is not serving",
        "SELECT COUNT(*) AS n FROM floor_sessions s JOIN tickets t ON t.id = s.ticket_id \
         WHERE s.finished_at IS NULL AND t.status <> 'serving'",
    ),
    (
        "an open session of an agent who signed off",
        "SELECT COUNT(*) AS n FROM floor_sessions s JOIN agents a ON a.staff_id = s.agent_id \
         WHERE s.finished_at IS NULL AND a.status = 'off'",
    ),
    (
        "somebody waits while an on-duty agent has a free seat and a booth is free",
        "SELECT COUNT(*) AS n FROM tickets t WHERE t.status = 'waiting' \
         AND EXISTS (SELECT 1 FROM agents a WHERE a.branch_code = t.branch_code AND a.status = 'on_duty' \
           AND (SELECT COUNT(*) FROM floor_sessions s WHERE s.agent_id = a.staff_id AND s.finished_at IS NULL) < a.seats) \
         AND (t.online OR EXISTS (SELECT 1 FROM booths b WHERE b.branch_code = t.branch_code AND b.active \
           AND NOT EXISTS (SELECT 1 FROM floor_sessions s WHERE s.booth_id = b.id AND s.finished_at IS NULL)))",
    ),
];

/// Panics naming every invariant the stored floor breaks.
pub(crate) fn check_floor(db: &TestDb, when: &str) {
    let broken: Vec<String> = INVARIANTS
        .iter()
        .filter_map(|(what, q)| {
            let n = common::count(db, q);
            (n != 0).then(|| format!("{what} ({n})"))
        })
        .collect();
    assert!(broken.is_empty(), "{when}: {}", broken.join("; "));
}

fn open_sessions(db: &TestDb) -> i64 {
    common::count(
        db,
        "SELECT COUNT(*) AS n FROM floor_sessions WHERE finished_at IS NULL",
    )
}

fn audit(db: &TestDb, action: &str) -> i64 {
    common::count(
        db,
        &format!("SELECT COUNT(*) AS n FROM audit_log WHERE action = '{action}'"),
    )
}

/// The session of `ticket` in `list`.
fn session_of<'a>(list: &'a [Value], ticket: &str) -> &'a Value {
    list.iter()
        .find(|s| s["ticket"] == ticket)
        .unwrap_or_else(|| panic!("no session for {ticket} in {list:?}"))
}

/// The first bookable session of BRANCH on DAY starting at `hhmm`.
async fn slot_at(app: &TestApp, hhmm: &str) -> Value {
    let slots = fixtures::slots(app, BRANCH, DAY).await;
    slots
        .into_iter()
        .find(|s| {
            s["starts_at"]
                .as_str()
                .is_some_and(|t| t.starts_with(&format!("{DAY}T{hhmm}")))
        })
        .unwrap_or_else(|| panic!("no {hhmm} session at {BRANCH} on {DAY}"))
}

/// Registers a participant with a claim and books the session at `hhmm`;
/// returns the member and the booking code.
async fn booked_member(app: &TestApp, hhmm: &str) -> (fixtures::Member, String) {
    let m = fixtures::register(app).await;
    let claim = fixtures::claim(app, &m.token).await;
    let slot = slot_at(app, hhmm).await;
    let (status, v) = fixtures::post_booking(app, Some(&m.token), &slot["id"], claim).await;
    assert_eq!(status, 201, "book {hhmm}: {v}");
    (m, v["code"].as_str().expect("code").to_string())
}

async fn booking_status(app: &TestApp, token: &str, code: &str) -> String {
    let (status, v) = fixtures::booking(app, token, code).await;
    assert_eq!(status, 200, "booking {code}: {v}");
    v["status"].as_str().expect("status").to_string()
}

// ---------------------------------------------------------------------------
// 1. Kiosk: devices, tickets, check-in, cap, priority.

async fn kiosk_tickets(db: TestDb, app: TestApp) {
    let spv = staff(&app, &db, "supervisor", Some(BRANCH)).await;
    let spv_other = staff(&app, &db, "supervisor", Some(OTHER_BRANCH)).await;
    let cs = staff(&app, &db, "cs", Some(BRANCH)).await;
    let admin = staff(&app, &db, "admin", None).await;

    // Device credentials: the branch's supervisor or an admin.
    let device = kiosk(&app, &spv.token, BRANCH).await;
    kiosk(&app, &admin.token, BRANCH).await;
    let devices = format!("/api/v1/branches/{BRANCH}/devices");
    let (status, v) = app
        .post(&devices, Some(&cs.token), &json!({"kind": "kiosk"}))
        .await;
    assert_eq!(status, 403, "cs issues a device: {v}");
    error_code(&v);
    let (status, v) = app
        .post(&devices, Some(&spv_other.token), &json!({"kind": "kiosk"}))
        .await;
    assert_eq!(status, 404, "other branch's supervisor: {v}");
    error_code(&v);
    let (status, v) = app.post(&devices, None, &json!({"kind": "kiosk"})).await;
    assert_eq!(status, 401, "anonymous: {v}");
    let (status, v) = app
        .post(&devices, Some(&spv.token), &json!({"kind": "toaster"}))
        .await;
    assert_eq!(status, 422, "{v}");
    assert_eq!(error_code(&v), "invalid_device_kind");
    let other_kiosk = kiosk(&app, &spv_other.token, OTHER_BRANCH).await;

    // Who may issue tickets here.
    let nik1 = new_nik();
    let m0 = fixtures::register(&app).await;
    for (who, token) in [
        ("other branch's kiosk", other_kiosk.as_str()),
        ("cs", cs.token.as_str()),
        ("participant", m0.token.as_str()),
        ("other branch's supervisor", spv_other.token.as_str()),
    ] {
        let (status, v) = arrive(&app, token, &nik1).await;
        assert_eq!(status, 403, "{who}: {v}");
        error_code(&v);
    }
    let (status, _) = app
        .post(
            &format!("/api/v1/branches/{BRANCH}/arrivals"),
            None,
            &json!({"nik": nik1}),
        )
        .await;
    assert_eq!(status, 401, "anonymous arrival");
    for bad in ["123", "3171011205850000", "abcdefghijklmnop", ""] {
        let (status, v) = arrive(&app, &device, bad).await;
        assert_eq!(status, 422, "nik {bad:?}: {v}");
        assert_eq!(error_code(&v), "invalid_nik", "{v}");
    }
    assert_eq!(common::count(&db, "SELECT COUNT(*) AS n FROM tickets"), 0);

    // Walk-ins, numbered per day; nobody on duty: no estimate.
    let (status, v) = arrive(&app, &device, &nik1).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["ticket"], "A001", "{v}");
    assert_eq!(v["kind"], "walk_in", "{v}");
    assert_eq!(v["position"], 1, "{v}");
    assert_eq!(v["status"], "waiting", "{v}");
    assert!(v["estimated_wait_minutes"].is_null(), "{v}");
    let (nik2, v) = walk_in(&app, &device).await;
    assert_eq!(
        (v["ticket"].as_str(), v["position"].as_i64()),
        (Some("A002"), Some(2))
    );
    // The same NIK again (also with surrounding blanks): the same ticket, 200.
    let spaced = format!(" {nik1} ");
    for n in [nik1.as_str(), spaced.as_str()] {
        let (status, v) = arrive(&app, &device, n).await;
        assert_eq!(status, 200, "repeat {n}: {v}");
        assert_eq!(v["ticket"], "A001", "{v}");
        assert_eq!(v["position"], 1, "{v}");
    }
    // Through the supervisor too.
    let (status, v) = arrive(&app, &spv.token, &nik2).await;
    assert_eq!((status, v["ticket"].as_str()), (200, Some("A002")), "{v}");
    // Numbering is per branch: the same NIK at another branch is its A001.
    let (status, v) = arrive_at(&app, &other_kiosk, OTHER_BRANCH, &json!({"nik": nik1})).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["ticket"], "A001", "{v}");

    // A booking here today, check-in open (09:00 session at 08:40): B001,
    // and the booking is checked in.
    let (m1, code1) = booked_member(&app, "09:00").await;
    let (status, v) = arrive(&app, &device, &m1.nik).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["ticket"], "B001", "{v}");
    assert_eq!(v["kind"], "booked", "{v}");
    // Its session has not started: it waits in arrival order.
    assert_eq!(v["position"], 3, "{v}");
    assert_eq!(booking_status(&app, &m1.token, &code1).await, "checked_in");
    let (status, v) = arrive(&app, &device, &m1.nik).await;
    assert_eq!((status, v["ticket"].as_str()), (200, Some("B001")), "{v}");

    // Priority: only a greeter (supervisor) flags it; it goes first.
    let nik3 = new_nik();
    let (status, v) = arrive_at(
        &app,
        &device,
        BRANCH,
        &json!({"nik": nik3, "priority": "elderly"}),
    )
    .await;
    assert_eq!(status, 403, "kiosk sends priority: {v}");
    error_code(&v);
    let priority = |p: &str| json!({"nik": nik3, "priority": p});
    let answer = arrive_at(&app, &spv.token, BRANCH, &priority("vip")).await;
    common::assert_error(&answer, 422, "invalid_priority");
    let (status, v) = arrive_at(&app, &spv.token, BRANCH, &priority("elderly")).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["ticket"], "A003", "{v}");
    assert_eq!(v["position"], 1, "priority goes first: {v}");
    let (_, v) = arrive(&app, &device, &nik1).await;
    assert_eq!(v["position"], 2, "A001 after the priority ticket: {v}");

    // The walk-in cap: who may set it, then the day is full.
    let (status, v) = floor_settings(&app, &cs.token, json!({"walk_in_cap": 4})).await;
    assert_eq!(status, 403, "{v}");
    let (status, v) = floor_settings(&app, &spv_other.token, json!({"walk_in_cap": 4})).await;
    assert_eq!(status, 404, "{v}");
    let (status, v) = floor_settings(&app, &spv.token, json!({"walk_in_cap": 4})).await;
    assert_eq!(status, 200, "{v}");
    let (nik4, v) = walk_in(&app, &device).await;
    assert_eq!(v["ticket"], "A004", "{v}");
    assert_eq!(v["position"], 5, "{v}");
    let nik5 = new_nik();
    let (status, v) = arrive(&app, &device, &nik5).await;
    assert_eq!(status, 409, "beyond the cap: {v}");
    assert_eq!(error_code(&v), "walk_ins_full");
    // Those who have a ticket keep it; a booked check-in still works.
    let (status, v) = arrive(&app, &device, &nik4).await;
    assert_eq!((status, v["ticket"].as_str()), (200, Some("A004")), "{v}");
    let (m2, code2) = booked_member(&app, "09:00").await;
    let (status, v) = arrive(&app, &device, &m2.nik).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["ticket"], "B002", "{v}");
    assert_eq!(booking_status(&app, &m2.token, &code2).await, "checked_in");
    // Lifting the cap.
    let (status, v) = floor_settings(&app, &spv.token, json!({"walk_in_cap": -1})).await;
    assert_eq!(status, 200, "{v}");
    let (status, v) = arrive(&app, &device, &nik5).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["ticket"], "A005", "{v}");
    // A booking whose check-in is not open yet (10:00, opens 09:30): a
    // walk-in ticket, the booking stays booked.
    let (m3, code3) = booked_member(&app, "10:00").await;
    let (status, v) = arrive(&app, &device, &m3.nik).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(
        (v["ticket"].as_str(), v["kind"].as_str()),
        (Some("A006"), Some("walk_in"))
    );
    assert_eq!(booking_status(&app, &m3.token, &code3).await, "booked");
    assert_eq!(
        common::count(
            &db,
            &format!("SELECT COUNT(*) AS n FROM tickets WHERE branch_code = '{BRANCH}'")
        ),
        8
    );
    assert_eq!(audit(&db, "ticket_issued"), 9);

    // Routing order. One seat per agent.
    let (status, v) = floor_settings(&app, &spv.token, json!({"seats_per_agent": 1})).await;
    assert_eq!(status, 200, "{v}");
    // Queue now: A003 (priority), A001, A002, B001, A004, B002, A005, A006.
    let cs1 = cs;
    go(&app, &cs1.token, "on_duty").await;
    assert_eq!(tickets_of(&sessions(&app, &cs1.token).await), ["A003"]);
    // At 09:05 (another instance with a later clock) the 09:00 session
    // has started: its checked-in bookings go before every walk-in.
    let later = TestApp::start(&db, &Options::clock(CLOCK_STARTED));
    let cs2 = staff(&later, &db, "cs", Some(BRANCH)).await;
    go(&later, &cs2.token, "on_duty").await;
    assert_eq!(tickets_of(&sessions(&later, &cs2.token).await), ["B001"]);
    let cs3 = staff(&later, &db, "cs", Some(BRANCH)).await;
    go(&later, &cs3.token, "on_duty").await;
    assert_eq!(tickets_of(&sessions(&later, &cs3.token).await), ["B002"]);
    // Back at 08:4x the booking has not started: A001 came before B… did.
    let cs4 = staff(&app, &db, "cs", Some(BRANCH)).await;
    go(&app, &cs4.token, "on_duty").await;
    assert_eq!(tickets_of(&sessions(&app, &cs4.token).await), ["A001"]);
    let (_, v) = arrive(&app, &device, &nik1).await;
    assert_eq!(
        (v["status"].as_str(), v["position"].as_i64()),
        (Some("serving"), Some(0))
    );
    // With four agents of one seat on duty: the wait estimate exists.
    let (_, v) = arrive(&app, &device, &nik4).await;
    assert_eq!(v["status"], "waiting", "{v}");
    assert!(v["estimated_wait_minutes"].as_i64().is_some(), "{v}");
    check_floor(&db, "after routing by kind");

    // The next day starts again at A001 for the same NIK.
    let tomorrow = TestApp::start(&db, &Options::clock(CLOCK_NEXT_DAY));
    let (status, v) = arrive(&tomorrow, &device, &nik1).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["ticket"], "A001", "{v}");
}
both_backends!(kiosk_tickets, clock = CLOCK);

// ---------------------------------------------------------------------------
// 2. Routing and the invariants, step by step.

/// Open sessions per agent, as stored.
fn load(db: &TestDb, agent: i64) -> i64 {
    common::count(
        db,
        &format!(
            "SELECT COUNT(*) AS n FROM floor_sessions WHERE agent_id = {agent} AND finished_at IS NULL"
        ),
    )
}

fn booth_numbers(list: &[Value]) -> Vec<i64> {
    list.iter()
        .map(|s| s["booth"].as_i64().expect("booth number"))
        .collect()
}

async fn routing_and_invariants(db: TestDb, app: TestApp) {
    let spv = staff(&app, &db, "supervisor", Some(BRANCH)).await;
    let device = kiosk(&app, &spv.token, BRANCH).await;
    let cs1 = staff(&app, &db, "cs", Some(BRANCH)).await;
    let cs2 = staff(&app, &db, "cs", Some(BRANCH)).await;

    // Not cs: no console.
    let (status, v) = set_status(&app, &spv.token, "on_duty").await;
    assert_eq!(status, 403, "{v}");
    let (status, v) = set_status(&app, &cs1.token, "dancing").await;
    assert_eq!(status, 422, "{v}");
    assert_eq!(error_code(&v), "invalid_status");

    // Two agents of five seats each at a branch of nine booths.
    let (status, v) = set_status(&app, &cs1.token, "on_duty").await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        (v["seats"].as_i64(), v["active"].as_i64()),
        (Some(5), Some(0)),
        "{v}"
    );
    go(&app, &cs2.token, "on_duty").await;
    let booths = common::count(
        &db,
        &format!("SELECT COUNT(*) AS n FROM booths WHERE branch_code = '{BRANCH}' AND active"),
    );
    assert_eq!(booths, 9, "DPS-DENPASAR's booths");
    check_floor(&db, "agents on duty");

    // Twelve arrivals: the fewest-active agent gets each; nine booths, so
    // nine are seated (5 + 4) and three wait.
    let mut niks = Vec::new();
    for i in 1..=12 {
        let (nik, v) = walk_in(&app, &device).await;
        assert_eq!(v["ticket"], format!("A{i:03}"), "{v}");
        if i <= 9 {
            assert_eq!(
                (v["status"].as_str(), v["position"].as_i64()),
                (Some("serving"), Some(0)),
                "{v}"
            );
        } else {
            assert_eq!(v["status"], "waiting", "{v}");
            assert_eq!(v["position"], i - 9, "{v}");
        }
        niks.push(nik);
        let (a, b) = (load(&db, cs1.id), load(&db, cs2.id));
        assert!((a - b).abs() <= 1, "after {i} arrivals: loads {a} and {b}");
        check_floor(&db, &format!("after arrival {i}"));
    }
    let s1 = sessions(&app, &cs1.token).await;
    let s2 = sessions(&app, &cs2.token).await;
    assert_eq!((s1.len(), s2.len()), (5, 4));
    let mut all: Vec<i64> = booth_numbers(&s1);
    all.extend(booth_numbers(&s2));
    all.sort_unstable();
    assert_eq!(all, (1..=9).collect::<Vec<i64>>(), "booths in use");
    for s in s1.iter().chain(&s2) {
        assert!(s["id"].as_i64().is_some(), "{s}");
        assert!(s["started_at"].as_str().is_some(), "{s}");
        assert_eq!(s["online"], false, "{s}");
        assert!(s["participant"]["nik_masked"].as_str().is_some(), "{s}");
    }
    let b = board(&app).await;
    assert_eq!(b["calls"].as_array().map(Vec::len), Some(9), "{b}");
    assert_eq!(b["waiting"], 3, "{b}");
    assert!(b["calls"][0]["booth"].as_i64().is_some(), "{b}");
    // The next arrival's estimate: 3 ahead × 15 min / 10 seats → 5 min.
    assert_eq!(b["estimated_wait_minutes"], 5, "{b}");

    // An agent with open sessions cannot sign off.
    let (status, v) = set_status(&app, &cs1.token, "off").await;
    assert_eq!(status, 409, "{v}");
    assert_eq!(error_code(&v), "sessions_active");
    // No claim (an unregistered walk-in): cannot be verified; stays open.
    let first = &s2[0];
    let (status, v) = finish(&app, &cs2.token, &first["id"], "verified").await;
    assert_eq!(status, 409, "{v}");
    assert_eq!(error_code(&v), "no_claim");
    let (status, v) = finish(&app, &cs2.token, &first["id"], "teleported").await;
    assert_eq!(status, 422, "{v}");
    // Someone else's session.
    let (status, v) = finish(&app, &cs1.token, &first["id"], "no_show").await;
    assert_eq!(status, 404, "{v}");
    assert_eq!(sessions(&app, &cs2.token).await.len(), 4);
    check_floor(&db, "refused finishes");

    // No show: the ticket is closed, the next waiting person (A010) takes
    // the freed booth at once.
    let booth = first["booth"].clone();
    let no_show_ticket = first["ticket"].as_str().unwrap().to_string();
    finish_ok(&app, &cs2.token, &first["id"], "no_show").await;
    let s2 = sessions(&app, &cs2.token).await;
    assert_eq!(s2.len(), 4);
    assert_eq!(session_of(&s2, "A010")["booth"], booth, "{s2:?}");
    assert!(!tickets_of(&s2).contains(&no_show_ticket));
    let (status, v) = finish(&app, &cs2.token, &first["id"], "no_show").await;
    assert_eq!(status, 409, "finished twice: {v}");
    assert_eq!(error_code(&v), "session_finished");
    let no_show_nik = &niks[no_show_ticket[1..].parse::<usize>().unwrap() - 1];
    let (status, v) = arrive(&app, &device, no_show_nik).await;
    assert_eq!(
        (status, v["ticket"].as_str()),
        (200, Some(no_show_ticket.as_str())),
        "{v}"
    );
    assert_eq!(v["status"], "no_show", "{v}");
    assert_eq!(board(&app).await["waiting"], 2);
    check_floor(&db, "after a no-show");

    // A paused agent gets nobody new; a returned ticket goes to the back.
    go(&app, &cs1.token, "paused").await;
    let s1 = sessions(&app, &cs1.token).await;
    let returned = s1[0].clone();
    let returned_ticket = returned["ticket"].as_str().unwrap().to_string();
    finish_ok(&app, &cs1.token, &returned["id"], "returned").await;
    let s1 = sessions(&app, &cs1.token).await;
    assert_eq!(s1.len(), 4, "paused agent took someone: {s1:?}");
    let s2 = sessions(&app, &cs2.token).await;
    assert_eq!(
        session_of(&s2, "A011")["booth"],
        returned["booth"],
        "{s2:?}"
    );
    let returned_nik = &niks[returned_ticket[1..].parse::<usize>().unwrap() - 1];
    let (status, v) = arrive(&app, &device, returned_nik).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["ticket"], returned_ticket, "{v}");
    assert_eq!(v["status"], "waiting", "{v}");
    assert_eq!(v["position"], 2, "behind A012: {v}");
    check_floor(&db, "after a return");

    // cs2 (full) frees a seat: A012 goes to cs2 (cs1 is paused).
    let s2 = sessions(&app, &cs2.token).await;
    assert_eq!(s2.len(), 5);
    finish_ok(&app, &cs2.token, &s2[0]["id"], "no_show").await;
    assert!(tickets_of(&sessions(&app, &cs2.token).await).contains(&"A012".to_string()));
    assert_eq!(load(&db, cs1.id), 4);
    check_floor(&db, "while paused");
    // Resuming with no booth free changes nothing; cs1's next free seat
    // takes the returned ticket.
    go(&app, &cs1.token, "on_duty").await;
    assert_eq!(load(&db, cs1.id), 4);
    check_floor(&db, "resumed");
    let s1 = sessions(&app, &cs1.token).await;
    finish_ok(&app, &cs1.token, &s1[0]["id"], "no_show").await;
    let s1 = sessions(&app, &cs1.token).await;
    assert!(tickets_of(&s1).contains(&returned_ticket), "{s1:?}");
    assert_eq!(board(&app).await["waiting"], 0);
    check_floor(&db, "queue empty");

    // Transfer: to a full agent refused; to one with a free seat, the
    // participant keeps the booth.
    assert_eq!((load(&db, cs1.id), load(&db, cs2.id)), (4, 5));
    let moving = s1[0].clone();
    let transfer = |to: i64| {
        let path = format!("/api/v1/console/sessions/{}/transfer", moving["id"]);
        let token = cs1.token.clone();
        let app = &app;
        async move {
            app.post(&path, Some(&token), &json!({"to_agent": to}))
                .await
        }
    };
    let (status, v) = transfer(cs2.id).await;
    assert_eq!(status, 409, "{v}");
    assert_eq!(error_code(&v), "agent_full");
    let (status, v) = transfer(cs1.id).await;
    assert_eq!(status, 404, "to oneself: {v}");
    let (status, v) = transfer(spv.id).await;
    assert_eq!(status, 404, "to a supervisor: {v}");
    let s2 = sessions(&app, &cs2.token).await;
    finish_ok(&app, &cs2.token, &s2[0]["id"], "no_show").await;
    let (status, v) = transfer(cs2.id).await;
    assert_eq!(status, 200, "{v}");
    let s2 = sessions(&app, &cs2.token).await;
    assert_eq!(
        session_of(&s2, moving["ticket"].as_str().unwrap())["booth"],
        moving["booth"]
    );
    assert!(!tickets_of(&sessions(&app, &cs1.token).await)
        .contains(&moving["ticket"].as_str().unwrap().to_string()));
    assert_eq!((load(&db, cs1.id), load(&db, cs2.id)), (3, 5));
    check_floor(&db, "after a transfer");

    // Drain the floor, then one seat per agent: one-to-one.
    for who in [&cs1, &cs2] {
        for s in sessions(&app, &who.token).await {
            finish_ok(&app, &who.token, &s["id"], "no_show").await;
        }
    }
    assert_eq!(open_sessions(&db), 0);
    for bad in [0, 7, -1] {
        let (status, v) = floor_settings(&app, &spv.token, json!({"seats_per_agent": bad})).await;
        assert_eq!(status, 422, "seats {bad}: {v}");
        assert_eq!(error_code(&v), "invalid_seats");
    }
    let (status, v) = floor_settings(&app, &spv.token, json!({"seats_per_agent": 1})).await;
    assert_eq!(status, 200, "{v}");
    for _ in 0..3 {
        walk_in(&app, &device).await;
        check_floor(&db, "one-to-one");
    }
    assert_eq!((load(&db, cs1.id), load(&db, cs2.id)), (1, 1));
    assert_eq!(board(&app).await["waiting"], 1);
    // Signing off once the sessions are done.
    let s = sessions(&app, &cs1.token).await;
    finish_ok(&app, &cs1.token, &s[0]["id"], "no_show").await;
    assert_eq!(load(&db, cs1.id), 1, "the waiting one took cs1's seat");
    go(&app, &cs1.token, "paused").await;
    let s = sessions(&app, &cs1.token).await;
    finish_ok(&app, &cs1.token, &s[0]["id"], "no_show").await;
    go(&app, &cs1.token, "off").await;
    check_floor(&db, "signed off");

    // The audit trail: every ticket, assignment, finish and status change.
    let tickets = common::count(&db, "SELECT COUNT(*) AS n FROM tickets");
    assert_eq!(tickets, 15);
    assert_eq!(audit(&db, "ticket_issued"), tickets);
    let sessions_total = common::count(&db, "SELECT COUNT(*) AS n FROM floor_sessions");
    let transferred = common::count(
        &db,
        "SELECT COUNT(*) AS n FROM floor_sessions WHERE outcome = 'transferred'",
    );
    assert_eq!(transferred, 1);
    // Every session, including the one a transfer opens, has its entry.
    assert_eq!(audit(&db, "session_assigned"), sessions_total);
    assert_eq!(
        audit(&db, "session_no_show"),
        common::count(
            &db,
            "SELECT COUNT(*) AS n FROM floor_sessions WHERE outcome = 'no_show'"
        )
    );
    assert_eq!(audit(&db, "session_returned"), 1);
    assert_eq!(audit(&db, "session_transferred"), 1);
    assert_eq!(audit(&db, "agent_status"), 6, "six status changes");
    assert_eq!(
        common::count(
            &db,
            &format!(
                "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'session_assigned' \
                 AND session_id IS NOT NULL AND branch_code = '{BRANCH}'"
            )
        ),
        sessions_total
    );
    assert_eq!(
        common::count(
            &db,
            &format!(
                "SELECT COUNT(*) AS n FROM audit_log WHERE action LIKE 'session_%' \
                 AND action <> 'session_assigned' AND actor_id = {}",
                cs1.id
            )
        ),
        common::count(
            &db,
            &format!(
                "SELECT COUNT(*) AS n FROM floor_sessions WHERE agent_id = {} AND finished_at IS NOT NULL",
                cs1.id
            )
        ),
        "cs1's finishes are recorded as cs1's"
    );
}
both_backends!(routing_and_invariants, clock = CLOCK);

/// A floor with one cs agent of `seats` seats and `arrivals` walk-ins.
async fn small_floor(db: &TestDb, app: &TestApp, seats: i64, arrivals: usize) -> (Staff, Staff) {
    let spv = staff(app, db, "supervisor", Some(BRANCH)).await;
    let device = kiosk(app, &spv.token, BRANCH).await;
    let cs = staff(app, db, "cs", Some(BRANCH)).await;
    let (status, v) = floor_settings(app, &spv.token, json!({"seats_per_agent": seats})).await;
    assert_eq!(status, 200, "{v}");
    let (status, v) = set_status(app, &cs.token, "on_duty").await;
    assert_eq!((status, v["seats"].as_i64()), (200, Some(seats)), "{v}");
    for _ in 0..arrivals {
        walk_in(app, &device).await;
    }
    check_floor(db, "small floor");
    (spv, cs)
}

/// More seats per agent: the people waiting are seated at once, not at
/// the next arrival or finish.
async fn raising_seats_seats_the_waiting(db: TestDb, app: TestApp) {
    let (spv, cs) = small_floor(&db, &app, 2, 5).await;
    assert_eq!(load(&db, cs.id), 2);
    assert_eq!(board(&app).await["waiting"], 3);
    let (status, v) = floor_settings(&app, &spv.token, json!({"seats_per_agent": 4})).await;
    assert_eq!(status, 200, "{v}");
    check_floor(&db, "seats raised from 2 to 4 with 3 waiting");
    assert_eq!(load(&db, cs.id), 4);
    assert_eq!(board(&app).await["waiting"], 1);
}
both_backends!(raising_seats_seats_the_waiting, clock = CLOCK);

/// One seat per agent while an agent holds four: either refused
/// (`seats_below_active`, as `domain::floor::check_seats` says), or the
/// agent takes nobody new until below the new number.
async fn lowering_seats_while_serving(db: TestDb, app: TestApp) {
    let (spv, cs) = small_floor(&db, &app, 4, 5).await;
    assert_eq!(load(&db, cs.id), 4);
    let (status, v) = floor_settings(&app, &spv.token, json!({"seats_per_agent": 1})).await;
    if status == 409 {
        assert_eq!(error_code(&v), "seats_below_active");
        return;
    }
    assert_eq!(status, 200, "{v}");
    let s = sessions(&app, &cs.token).await;
    finish_ok(&app, &cs.token, &s[0]["id"], "no_show").await;
    check_floor(&db, "after lowering seats");
    assert_eq!(
        (load(&db, cs.id), board(&app).await["waiting"].as_i64()),
        (3, Some(1)),
        "one seat per agent, yet the agent still holding 3 sessions was given another"
    );
}
both_backends!(lowering_seats_while_serving, clock = CLOCK);

// ---------------------------------------------------------------------------
// 3. Races: two instances on one database.

/// Repeats the floor check in a thread until `stop`; returns how many
/// checks ran.
fn keep_checking(db: Arc<TestDb>, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<u32> {
    std::thread::spawn(move || {
        let mut n = 0;
        while !stop.load(Ordering::SeqCst) {
            check_floor(&db, &format!("during the race (check {n})"));
            n += 1;
            std::thread::sleep(Duration::from_millis(50));
        }
        n
    })
}

async fn races(backend: Backend) {
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    let db = Arc::new(db);
    let a = Arc::new(TestApp::start(&db, &Options::clock(CLOCK)));
    let b = Arc::new(TestApp::start(&db, &Options::clock(CLOCK)));
    let spv = staff(&a, &db, "supervisor", Some(BRANCH)).await;
    let device = kiosk(&a, &spv.token, BRANCH).await;
    let mut agents = Vec::new();
    for _ in 0..3 {
        agents.push(staff(&a, &db, "cs", Some(BRANCH)).await);
    }
    for (i, cs) in agents.iter().enumerate() {
        go(if i % 2 == 0 { &a } else { &b }, &cs.token, "on_duty").await;
    }

    let stop = Arc::new(AtomicBool::new(false));
    let checker = keep_checking(db.clone(), stop.clone());
    let arrivals_done = Arc::new(AtomicBool::new(false));

    // Agents finish sessions (no show, returned) while people arrive; the
    // third also pauses, resumes and tries to sign off.
    let mut workers = Vec::new();
    for (i, cs) in agents.iter().enumerate() {
        let (app, other) = if i % 2 == 0 {
            (a.clone(), b.clone())
        } else {
            (b.clone(), a.clone())
        };
        let token = cs.token.clone();
        let done = arrivals_done.clone();
        workers.push(tokio::spawn(async move {
            let mut round = 0u32;
            while !done.load(Ordering::SeqCst) {
                round += 1;
                let here = if round % 2 == 0 { &app } else { &other };
                let list = sessions(here, &token).await;
                if let Some(s) = list.first() {
                    let outcome = if round % 3 == 0 {
                        "returned"
                    } else {
                        "no_show"
                    };
                    let (status, v) = finish(here, &token, &s["id"], outcome).await;
                    assert_eq!(status, 200, "finish during the race: {v}");
                }
                if i == 2 {
                    let status = ["paused", "on_duty", "off", "on_duty"][round as usize % 4];
                    let (code, v) = set_status(here, &token, status).await;
                    assert!(
                        code == 200 || (code == 409 && error_code(&v) == "sessions_active"),
                        "{status}: {code} {v}"
                    );
                } else if i == 1 && round % 5 == 0 {
                    go(here, &token, "paused").await;
                    go(here, &token, "on_duty").await;
                }
                tokio::time::sleep(Duration::from_millis(15)).await;
            }
        }));
    }

    // A hundred different NIKs at once, half through each instance.
    let started = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..100 {
        let app = if i % 2 == 0 { a.clone() } else { b.clone() };
        let device = device.clone();
        let nik = new_nik();
        tasks.push(tokio::spawn(async move {
            let (status, v) = arrive(&app, &device, &nik).await;
            (nik, status, v)
        }));
    }
    let mut by_ticket: BTreeMap<String, String> = BTreeMap::new();
    for t in tasks {
        let (nik, status, v) = t.await.expect("arrival task");
        assert_eq!(status, 201, "arrival {nik}: {v}");
        let number = v["ticket"].as_str().expect("ticket").to_string();
        assert!(
            by_ticket.insert(number.clone(), nik).is_none(),
            "ticket {number} issued twice"
        );
    }
    let arrivals_took = started.elapsed();
    arrivals_done.store(true, Ordering::SeqCst);
    for w in workers {
        w.await.expect("agent task");
    }
    let finished_during = common::count(
        &db,
        "SELECT COUNT(*) AS n FROM floor_sessions WHERE finished_at IS NOT NULL",
    );
    assert!(finished_during > 0, "no session finished during the race");
    let expected: BTreeSet<String> = (1..=100).map(|i| format!("A{i:03}")).collect();
    assert_eq!(
        by_ticket.keys().cloned().collect::<BTreeSet<_>>(),
        expected,
        "ticket numbers are unique and gapless"
    );
    assert_eq!(
        by_ticket.values().collect::<BTreeSet<_>>().len(),
        100,
        "every NIK has its own ticket"
    );
    assert_eq!(common::count(&db, "SELECT COUNT(*) AS n FROM tickets"), 100);
    assert_eq!(
        common::count(&db, "SELECT COUNT(DISTINCT nik) AS n FROM tickets"),
        100
    );
    check_floor(&db, "after the arrivals");

    // The same NIK twenty times at once: one ticket.
    let nik = new_nik();
    let mut tasks = Vec::new();
    for i in 0..20 {
        let app = if i % 2 == 0 { a.clone() } else { b.clone() };
        let (device, nik) = (device.clone(), nik.clone());
        tasks.push(tokio::spawn(
            async move { arrive(&app, &device, &nik).await },
        ));
    }
    let mut created = 0;
    let mut numbers = BTreeSet::new();
    for t in tasks {
        let (status, v) = t.await.expect("task");
        assert!(status == 200 || status == 201, "same NIK: {status} {v}");
        if status == 201 {
            created += 1;
        }
        numbers.insert(v["ticket"].as_str().expect("ticket").to_string());
    }
    assert_eq!(created, 1, "exactly one 201 for one NIK");
    assert_eq!(numbers.into_iter().collect::<Vec<_>>(), ["A101"]);
    assert_eq!(
        common::count(
            &db,
            &format!("SELECT COUNT(*) AS n FROM tickets WHERE nik = '{nik}'")
        ),
        1
    );

    // Everybody on duty; agents finish concurrently until the floor is empty.
    for cs in &agents {
        go(&a, &cs.token, "on_duty").await;
    }
    let mut drains = Vec::new();
    for (i, cs) in agents.iter().enumerate() {
        let app = if i % 2 == 0 { a.clone() } else { b.clone() };
        let token = cs.token.clone();
        let db = db.clone();
        drains.push(tokio::spawn(async move {
            let deadline = Instant::now() + Duration::from_secs(60);
            loop {
                let list = sessions(&app, &token).await;
                for s in &list {
                    finish_ok(&app, &token, &s["id"], "no_show").await;
                }
                let waiting = common::count(
                    &db,
                    "SELECT COUNT(*) AS n FROM tickets WHERE status = 'waiting'",
                );
                if list.is_empty() && waiting == 0 {
                    break;
                }
                assert!(Instant::now() < deadline, "the floor never emptied");
            }
        }));
    }
    for d in drains {
        d.await.expect("drain task");
    }
    stop.store(true, Ordering::SeqCst);
    let checks = checker.join().expect("the floor checks held");
    assert!(checks > 0);
    check_floor(&db, "drained");
    assert_eq!(open_sessions(&db), 0);
    assert_eq!(
        common::count(
            &db,
            "SELECT COUNT(*) AS n FROM tickets WHERE status = 'no_show'"
        ),
        101,
        "every ticket was served once and closed"
    );
    assert_eq!(
        audit(&db, "session_assigned"),
        common::count(&db, "SELECT COUNT(*) AS n FROM floor_sessions")
    );
    assert_eq!(audit(&db, "ticket_issued"), 101);
    eprintln!(
        "{backend:?}: 100 arrivals in {arrivals_took:?}, {finished_during} finishes meanwhile, {checks} floor checks"
    );
}
both_backends!(races);

// ---------------------------------------------------------------------------
// 4. Live events across instances.

/// A Server-Sent-Events stream read incrementally.
struct Sse {
    res: reqwest::Response,
    buf: String,
    /// The `id:` of every event read so far.
    ids: Vec<i64>,
}

impl Sse {
    async fn open(app: &TestApp, path: &str, token: Option<&str>) -> Sse {
        let client = Client::builder().build().expect("client");
        let mut req = client.get(app.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.expect("open stream");
        assert_eq!(res.status().as_u16(), 200, "GET {path}");
        let ct = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        assert!(ct.starts_with("text/event-stream"), "{path}: {ct}");
        Sse {
            res,
            buf: String::new(),
            ids: Vec::new(),
        }
    }

    /// The next event (kind, data) before `deadline`.
    async fn next(&mut self, deadline: Instant) -> Option<(String, Value)> {
        loop {
            while let Some(end) = self.buf.find("\n\n") {
                let frame: String = self.buf[..end].to_string();
                self.buf.drain(..end + 2);
                let (kind, v, id) = common::sse_frame(&frame);
                self.ids.extend(id);
                if let Some(kind) = kind {
                    return Some((kind, v));
                }
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            match tokio::time::timeout(left, self.res.chunk()).await {
                Ok(Ok(Some(bytes))) => self.buf.push_str(&String::from_utf8_lossy(&bytes)),
                Ok(Ok(None)) | Ok(Err(_)) | Err(_) => return None,
            }
        }
    }

    /// Waits for an event of `kind` whose data matches; returns the events
    /// read on the way too.
    async fn wait_for(
        &mut self,
        kind: &str,
        matches: impl Fn(&Value) -> bool,
        within: Duration,
    ) -> Result<Value, Vec<(String, Value)>> {
        let deadline = Instant::now() + within;
        let mut seen = Vec::new();
        while let Some((k, v)) = self.next(deadline).await {
            if k == kind && matches(&v) {
                return Ok(v);
            }
            seen.push((k, v));
        }
        Err(seen)
    }

    /// Every event that arrives within `within`.
    async fn drain(&mut self, within: Duration) -> Vec<(String, Value)> {
        let deadline = Instant::now() + within;
        let mut seen = Vec::new();
        while let Some(e) = self.next(deadline).await {
            seen.push(e);
        }
        seen
    }
}

async fn live_events(backend: Backend) {
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    let a = TestApp::start(&db, &Options::clock(CLOCK));
    let b = TestApp::start(&db, &Options::clock(CLOCK));
    let spv = staff(&a, &db, "supervisor", Some(BRANCH)).await;
    let device = kiosk(&a, &spv.token, BRANCH).await;
    let cs = staff(&b, &db, "cs", Some(BRANCH)).await;
    let idle = staff(&b, &db, "cs", Some(BRANCH)).await;
    go(&b, &cs.token, "on_duty").await;

    // Who may listen.
    for (path, token, want) in [
        ("/api/v1/console/events", None, 401),
        ("/api/v1/console/events", Some(&spv.token), 403),
        ("/api/v1/branches/NOPE-NOWHERE/events", None, 404),
    ] {
        let mut req = Client::new().get(b.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.expect("req");
        assert_eq!(res.status().as_u16(), want, "{path} {token:?}");
    }

    let mut console = Sse::open(&b, "/api/v1/console/events", Some(&cs.token)).await;
    let mut other_console = Sse::open(&b, "/api/v1/console/events", Some(&idle.token)).await;
    let mut board_b = Sse::open(&b, &format!("/api/v1/branches/{BRANCH}/events"), None).await;
    let mut board_a = Sse::open(&a, &format!("/api/v1/branches/{BRANCH}/events"), None).await;
    // The screens have been open a moment before anyone arrives.
    tokio::time::sleep(Duration::from_millis(400)).await;

    // An arrival through instance A's kiosk reaches B's console.
    let sent = Instant::now();
    let (status, v) = arrive(&a, &device, &new_nik()).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["status"], "serving", "{v}");
    let got = console
        .wait_for(
            "assigned",
            |d| d["ticket"] == "A001",
            Duration::from_secs(1),
        )
        .await;
    let took = sent.elapsed();
    let assigned = got.unwrap_or_else(|seen| {
        panic!("no 'assigned' for A001 on B's console within 1 s; saw {seen:?}")
    });
    assert_eq!(assigned["booth"], 1, "{assigned}");
    let session = assigned["session"].clone();
    assert!(session.as_i64().is_some(), "{assigned}");
    assert!(took <= Duration::from_millis(1500), "took {took:?}");
    for (name, stream) in [("B", &mut board_b), ("A", &mut board_a)] {
        let got = stream
            .wait_for("arrival", |d| d["ticket"] == "A001", Duration::from_secs(1))
            .await;
        assert!(
            got.is_ok(),
            "board stream on {name}: no arrival; saw {got:?}"
        );
    }

    // The finish through A reaches B's console.
    let sent = Instant::now();
    finish_ok(&a, &cs.token, &session, "no_show").await;
    let got = console
        .wait_for(
            "finished",
            |d| d["ticket"] == "A001" && d["outcome"] == "no_show",
            Duration::from_secs(1),
        )
        .await;
    assert!(
        got.is_ok(),
        "no 'finished' within 1 s ({:?}): {got:?}",
        sent.elapsed()
    );

    // Another agent's console hears the arrival, not this agent's assignment.
    let seen = other_console.drain(Duration::from_millis(600)).await;
    assert!(
        seen.iter()
            .any(|(k, d)| k == "arrival" && d["ticket"] == "A001"),
        "{seen:?}"
    );
    assert!(
        !seen.iter().any(|(k, _)| k == "assigned" || k == "finished"),
        "another agent's session leaked: {seen:?}"
    );
}
both_backends!(live_events);

// ---------------------------------------------------------------------------
// 5. Finishing with a verified claim.

async fn claim_status(app: &TestApp, token: &str, claim: i64) -> String {
    let (status, v) = fixtures::get_claim(app, token, claim).await;
    assert_eq!(status, 200, "claim: {v}");
    v["status"].as_str().expect("status").to_string()
}

async fn console_verified(db: TestDb, app: TestApp) {
    let spv = staff(&app, &db, "supervisor", Some(BRANCH)).await;
    let device = kiosk(&app, &spv.token, BRANCH).await;
    let cs = staff(&app, &db, "cs", Some(BRANCH)).await;
    let cs_other = staff(&app, &db, "cs", Some(OTHER_BRANCH)).await;
    let (m, claim) = fixtures::member_with_claim(&app).await;
    let docs = fixtures::upload_dossier(&app, &m.token, claim).await;

    // Before the arrival the claim is not this branch's: the cs cannot
    // review it.
    let review = |doc: i64, token: String| {
        let app = &app;
        async move {
            app.post(
                &format!("/api/v1/documents/{doc}/review"),
                Some(&token),
                &json!({"decision": "accept"}),
            )
            .await
        }
    };
    let (status, v) = review(docs[0], cs.token.clone()).await;
    assert_eq!(status, 404, "review before arrival: {v}");

    // A walk-in with an open claim: the ticket links the claim.
    go(&app, &cs.token, "on_duty").await;
    let (status, v) = arrive(&app, &device, &m.nik).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(
        (v["ticket"].as_str(), v["status"].as_str()),
        (Some("A001"), Some("serving"))
    );
    let list = sessions(&app, &cs.token).await;
    assert_eq!(list.len(), 1);
    let s = list[0].clone();
    assert_eq!(s["claim_id"], claim, "{s}");
    assert_eq!(s["participant"]["name"], "Budi Santoso", "{s}");
    assert!(s["participant"]["kpj"].as_str().is_some(), "{s}");
    assert!(
        s["participant"]["age"].as_i64().is_some_and(|a| a >= 25),
        "{s}"
    );
    assert!(s["participant"]["sex"].as_str().is_some(), "{s}");
    let masked = s["participant"]["nik_masked"].as_str().unwrap();
    assert_ne!(masked, m.nik, "the console shows the NIK masked");

    // Documents not accepted: 409, and the session stays open.
    let (status, v) = finish(&app, &cs.token, &s["id"], "verified").await;
    assert_eq!(status, 409, "{v}");
    assert_eq!(error_code(&v), "documents_not_accepted");
    assert_eq!(tickets_of(&sessions(&app, &cs.token).await), ["A001"]);
    assert_eq!(open_sessions(&db), 1);
    assert_eq!(claim_status(&app, &m.token, claim).await, "open");
    // Another branch's agent cannot touch it.
    let (status, v) = finish(&app, &cs_other.token, &s["id"], "verified").await;
    assert_eq!(status, 404, "{v}");

    // Accept all but one: still refused.
    for doc in &docs[..docs.len() - 1] {
        let (status, v) = review(*doc, cs.token.clone()).await;
        assert_eq!(status, 200, "accept {doc}: {v}");
    }
    let (status, v) = finish(&app, &cs.token, &s["id"], "verified").await;
    assert_eq!((status, error_code(&v)), (409, "documents_not_accepted"));
    let (status, v) = review(docs[docs.len() - 1], cs.token.clone()).await;
    assert_eq!(status, 200, "{v}");

    // Now the claim is verified by finishing the session.
    finish_ok(&app, &cs.token, &s["id"], "verified").await;
    assert_eq!(claim_status(&app, &m.token, claim).await, "verified");
    assert!(sessions(&app, &cs.token).await.is_empty());
    assert_eq!(
        common::count(
            &db,
            "SELECT COUNT(*) AS n FROM tickets WHERE status = 'done'"
        ),
        1
    );
    let b = board(&app).await;
    assert_eq!(b["calls"].as_array().map(Vec::len), Some(0), "{b}");
    assert_eq!(b["recent"][0]["ticket"], "A001", "{b}");
    let (status, v) = finish(&app, &cs.token, &s["id"], "verified").await;
    assert_eq!((status, error_code(&v)), (409, "session_finished"));
    assert_eq!(
        common::count(
            &db,
            &format!(
                "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'claim_verified' \
                 AND claim_id = {claim} AND actor_id = {} AND session_id = {}",
                cs.id, s["id"]
            )
        ),
        1
    );
    assert_eq!(audit(&db, "session_verified"), 1);
    check_floor(&db, "after verification");
}
both_backends!(console_verified, clock = CLOCK);

// ---------------------------------------------------------------------------
// 6. Pages: kiosk, board, console, supervisor floor.

async fn floor_pages(db: TestDb, app: TestApp) {
    let spv = staff(&app, &db, "supervisor", Some(BRANCH)).await;
    let cs = staff(&app, &db, "cs", Some(BRANCH)).await;
    let kiosk_path = format!("/kiosk/{BRANCH}");

    // A kiosk nobody activated: no form, and posting is refused.
    let stranger = Browser::new(&app);
    let p = stranger.get(&kiosk_path).await;
    assert_eq!(p.status, 200);
    assert!(p.html.contains("Kios ini belum diaktifkan"), "{}", p.html);
    assert!(!p.html.contains("name=\"nik\""));
    let csrf = hidden(&p.html, "csrf").unwrap_or_default();
    let csrf = if csrf.is_empty() {
        stranger.csrf("/staff/login").await
    } else {
        csrf
    };
    let p = stranger
        .post(&kiosk_path, &[("csrf", &csrf), ("nik", &new_nik())])
        .await;
    assert_eq!(p.status, 403, "ticket from an inactive kiosk");
    let p = stranger
        .post(&format!("{kiosk_path}/activate"), &[("csrf", &csrf)])
        .await;
    assert!(
        p.status == 401 || p.status == 303 || p.status == 403,
        "{}",
        p.status
    );
    assert!(p.cookies.iter().all(|c| !c.starts_with("antre_device=")));

    // A cs may not activate a kiosk.
    let cs_browser = Browser::new(&app);
    cs_browser.staff_login(&cs.email).await;
    // (The kiosk page shows a cs no form: the token of the staff pages.)
    let csrf = cs_browser.csrf("/staff").await;
    let p = cs_browser
        .post(&format!("{kiosk_path}/activate"), &[("csrf", &csrf)])
        .await;
    assert_eq!(p.status, 403, "cs activates a kiosk");

    // The supervisor activates the kiosk browser.
    let kiosk_browser = Browser::new(&app);
    kiosk_browser.staff_login(&spv.email).await;
    let p = kiosk_browser.get(&kiosk_path).await;
    assert_eq!(p.status, 200);
    assert!(p
        .html
        .contains(&format!("action=\"{kiosk_path}/activate\"")));
    let csrf = hidden(&p.html, "csrf").expect("csrf");
    let p = kiosk_browser
        .post(&format!("{kiosk_path}/activate"), &[("csrf", "wrong")])
        .await;
    assert_eq!(p.status, 403, "activation without csrf");
    let p = kiosk_browser
        .post(&format!("{kiosk_path}/activate"), &[("csrf", &csrf)])
        .await;
    assert_eq!(p.status, 303);
    assert_eq!(p.location, kiosk_path);
    // The device's cookie is set; the supervisor's session ends with the
    // activation: its cookie is cleared and the session itself revoked,
    // so the kiosk never carries staff access (the supervisor's API
    // session stays).
    let sets = |name: &str, attr: &str| {
        p.cookies
            .iter()
            .any(|c| c.starts_with(name) && c.contains(attr))
    };
    assert!(sets("antre_device=dev_", "HttpOnly"), "{:?}", p.cookies);
    assert!(sets("antre_session=;", "Max-Age=0"), "{:?}", p.cookies);
    assert_eq!(
        common::count(
            &db,
            &format!(
                "SELECT COUNT(*) AS n FROM auth_sessions WHERE staff_id = {} AND revoked_at IS NOT NULL",
                spv.id
            )
        ),
        1
    );
    let (status, _) = app.get("/api/v1/me", Some(&spv.token)).await;
    assert_eq!(status, 200, "the supervisor's other session");
    for staff_page in ["/staff", "/staff/floor", "/console", "/audit"] {
        let p = kiosk_browser.get(staff_page).await;
        assert_ne!(p.status, 200, "{staff_page} from the kiosk: {}", p.html);
    }
    let p = kiosk_browser.get(&kiosk_path).await;
    assert!(
        p.html.contains("name=\"nik\""),
        "kiosk form after activation"
    );
    // A device page: no site header or navigation (only the language
    // switch), no way to the sign-in pages.
    for link in [
        "href=\"/staff",
        "href=\"/login",
        "href=\"/register",
        "class=\"site-header\"",
        "<nav class=\"nav\"",
    ] {
        assert!(!p.html.contains(link), "{link} on the kiosk: {}", p.html);
    }
    let csrf = hidden(&p.html, "csrf").expect("csrf");

    // A ticket through the form.
    let nik1 = new_nik();
    let p = kiosk_browser
        .post(&kiosk_path, &[("csrf", &csrf), ("nik", &nik1)])
        .await;
    assert_eq!(p.status, 200);
    assert_eq!(texts_of(&p.html, "ticket-number"), ["A001"], "{}", p.html);
    let p = kiosk_browser
        .post(&kiosk_path, &[("csrf", &csrf), ("nik", &nik1)])
        .await;
    assert_eq!(texts_of(&p.html, "ticket-number"), ["A001"]);
    assert!(p.html.contains("nomornya tetap sama"), "same-ticket notice");
    let p = kiosk_browser
        .post(&kiosk_path, &[("csrf", &csrf), ("nik", "12345")])
        .await;
    assert_eq!(p.status, 200);
    assert!(texts_of(&p.html, "ticket-number").is_empty());
    assert!(
        p.html.contains("name=\"nik\""),
        "form again after a bad NIK"
    );
    assert!(
        p.html.contains("notice-error") || p.html.contains("NIK"),
        "{}",
        p.html
    );
    let p = kiosk_browser
        .post(&kiosk_path, &[("csrf", "nope"), ("nik", &new_nik())])
        .await;
    assert_eq!(p.status, 403, "kiosk form without csrf");
    let nik2 = new_nik();
    let p = kiosk_browser
        .post(&kiosk_path, &[("csrf", &csrf), ("nik", &nik2)])
        .await;
    assert_eq!(texts_of(&p.html, "ticket-number"), ["A002"]);

    // The cs goes on duty from the console page: both are called.
    let p = cs_browser.get("/console").await;
    assert_eq!(p.status, 200);
    let csrf_cs = hidden(&p.html, "csrf").expect("csrf");
    let p = cs_browser
        .post(
            "/console/status",
            &[("csrf", &csrf_cs), ("status", "on_duty")],
        )
        .await;
    assert_eq!((p.status, p.location.as_str()), (303, "/console"));
    let p = cs_browser.get("/console").await;
    assert_eq!(
        texts_of(&p.html, "pane-ticket"),
        ["A001", "A002"],
        "{}",
        p.html
    );
    assert!(p.html.contains("Bilik 1") && p.html.contains("Bilik 2"));
    // The keys that pick a pane are the agent's seats (five by default).
    assert!(
        p.html.contains("Tombol 1–5 memilih panel") && !p.html.contains("1–6"),
        "{}",
        p.html
    );

    // The board.
    let p = stranger.get(&format!("/board/{BRANCH}")).await;
    assert_eq!(p.status, 200);
    let calls = texts_of(&p.html, "board-ticket");
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert!(calls.contains(&"A001".to_string()), "{calls:?}");
    assert!(p.html.contains("Bilik"), "booth on the board");
    let p = stranger.get("/board/NOPE-NOWHERE").await;
    assert_eq!(p.status, 404);

    // Pause; a third arrival waits; the supervisor sees it.
    let p = cs_browser
        .post(
            "/console/status",
            &[("csrf", &csrf_cs), ("status", "paused")],
        )
        .await;
    assert_eq!(p.status, 303);
    let p = kiosk_browser
        .post(&kiosk_path, &[("csrf", &csrf), ("nik", &new_nik())])
        .await;
    assert_eq!(texts_of(&p.html, "ticket-number"), ["A003"]);
    // The ticket carries a QR code of its live status page for the phone.
    let status_path = format!("/tickets/{BRANCH}/2026-11-24/A003");
    assert!(
        p.html.contains("class=\"kiosk-qr\"") && p.html.contains("<svg"),
        "QR code on the ticket: {}",
        p.html
    );
    assert!(
        p.html
            .contains(&format!("data-status-url=\"{}{status_path}\"", app.base)),
        "status link in the QR code: {}",
        p.html
    );
    // The phone follows the ticket: waiting, first in line (no seat free).
    let phone = Browser::new(&app);
    let s = phone.get(&status_path).await;
    assert_eq!(s.status, 200, "{}", s.html);
    assert_eq!(texts_of(&s.html, "ticket-number"), ["A003"]);
    assert!(s.html.contains("Urutan"), "{}", s.html);
    assert!(s.html.contains(&format!("data-live-branch=\"{BRANCH}\"")));
    for missing in [
        format!("/tickets/{BRANCH}/2026-11-24/A999"),
        format!("/tickets/{BRANCH}/2026-11-23/A003"),
        format!("/tickets/{BRANCH}/yesterday/A003"),
        "/tickets/NOPE/2026-11-24/A003".to_string(),
    ] {
        assert_eq!(phone.get(&missing).await.status, 404, "{missing}");
    }

    // Finish A001 from the console page.
    let list = sessions(&app, &cs.token).await;
    let a001 = session_of(&list, "A001")["id"].clone();
    let p = cs_browser
        .post(
            &format!("/console/sessions/{a001}/finish"),
            &[("csrf", &csrf_cs), ("outcome", "no_show")],
        )
        .await;
    assert_eq!((p.status, p.location.as_str()), (303, "/console"));
    let p = cs_browser.get("/console").await;
    assert_eq!(texts_of(&p.html, "pane-ticket"), ["A002"]);

    let spv_browser = Browser::new(&app);
    spv_browser.staff_login(&spv.email).await;
    let p = spv_browser.get("/staff/floor").await;
    assert_eq!(p.status, 200);
    assert!(p.html.contains("Kedatangan"), "arrivals measure");
    let numbers = texts_of(&p.html, "big-number");
    assert_eq!(
        numbers.first().map(String::as_str),
        Some("3"),
        "arrivals: {numbers:?}"
    );
    assert!(p.html.contains("Daftar tunggu (1)"), "waiting list heading");
    assert!(
        p.html.contains("<strong>A003</strong>"),
        "A003 in the waiting list"
    );
    assert!(
        p.html.contains("<strong>A002</strong>"),
        "A002 being served"
    );
    assert!(p.html.contains("9 bilik"), "booth count");
    // The supervisor resumes the agent from the floor view: A003 is seated.
    let csrf_spv = hidden(&p.html, "csrf").expect("csrf");
    let p = spv_browser
        .post(
            &format!("/staff/agents/{}/status", cs.id),
            &[("csrf", &csrf_spv), ("status", "on_duty")],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.html);
    assert_eq!(
        tickets_of(&sessions(&app, &cs.token).await),
        ["A002", "A003"]
    );
    // The phone now names the booth A003 is called to; A001 is closed.
    let s = phone.get(&status_path).await;
    assert!(s.html.contains("silakan ke Bilik"), "{}", s.html);
    let s = phone
        .get(&format!("/tickets/{BRANCH}/2026-11-24/A001"))
        .await;
    assert!(s.html.contains("sudah selesai dilayani"), "{}", s.html);
    check_floor(&db, "pages");

    // Pages for the wrong people.
    let p = spv_browser.get("/console").await;
    assert_eq!(p.status, 403, "supervisor on the cs console");
    let p = cs_browser.get("/staff/floor").await;
    assert_eq!(p.status, 403, "cs on the floor view");
    let p = stranger.get("/console").await;
    assert!(
        p.status == 303 || p.status == 401,
        "anonymous console: {}",
        p.status
    );
}
both_backends!(floor_pages, clock = CLOCK);

/// Every floor event reaches the streams, also when several branches'
/// floors change at the same moment through two instances.
async fn no_event_lost_under_load(backend: Backend) {
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    let a = Arc::new(TestApp::start(&db, &Options::clock(CLOCK)));
    let b = Arc::new(TestApp::start(&db, &Options::clock(CLOCK)));
    let admin = staff(&a, &db, "admin", None).await;
    let branches = [BRANCH, OTHER_BRANCH, "MKS-MAKASSAR", "JYP-JAYAPURA"];
    let mut kiosks = Vec::new();
    for code in branches {
        kiosks.push(kiosk(&a, &admin.token, code).await);
        // An agent on duty, so arrivals are also assigned.
        let cs = staff(&a, &db, "cs", Some(code)).await;
        go(&a, &cs.token, "on_duty").await;
    }
    // A board on each instance for each branch.
    let mut streams = Vec::new();
    for code in branches {
        for app in [&a, &b] {
            let path = format!("/api/v1/branches/{code}/events");
            streams.push((code, Sse::open(app, &path, None).await));
        }
    }
    tokio::time::sleep(Duration::from_millis(400)).await;
    let before = common::count(&db, "SELECT COALESCE(MAX(id), 0) AS n FROM floor_events");
    // Eight clients, each arriving people one after another at the four
    // branches in turn, through both instances: a steady flow of
    // concurrent floor transactions for a few seconds.
    let per_branch = 40;
    let clients = 8;
    let mut tasks = Vec::new();
    for w in 0..clients {
        let app = if w % 2 == 0 { a.clone() } else { b.clone() };
        let kiosks = kiosks.clone();
        tasks.push(tokio::spawn(async move {
            for j in 0..per_branch * branches.len() / clients {
                let k = (w + j) % branches.len();
                let body = json!({"nik": new_nik()});
                let (status, v) = arrive_at(&app, &kiosks[k], branches[k], &body).await;
                assert_eq!(status, 201, "{v}");
            }
        }));
    }
    for t in tasks {
        t.await.expect("arrivals");
    }
    let mut lost = Vec::new();
    for (code, stream) in streams.iter_mut() {
        let seen = stream.drain(Duration::from_millis(1000)).await;
        let stored = common::count(
            &db,
            &format!(
                "SELECT COUNT(*) AS n FROM floor_events WHERE branch_code = '{code}' AND id > {before}"
            ),
        );
        let received = stream.ids.iter().filter(|id| **id > before).count() as i64;
        let tickets: BTreeSet<String> = seen
            .iter()
            .filter(|(k, _)| k == "arrival")
            .filter_map(|(_, d)| d["ticket"].as_str().map(str::to_string))
            .collect();
        let missing: Vec<String> = (1..=per_branch)
            .map(|i| format!("A{i:03}"))
            .filter(|t| !tickets.contains(t))
            .collect();
        if received != stored || !missing.is_empty() {
            lost.push(format!(
                "{code}: {received} of {stored} events received; arrivals never received: {missing:?}"
            ));
        }
    }
    assert!(lost.is_empty(), "events lost: {lost:#?}");
}
both_backends!(no_event_lost_under_load);

/// On PostgreSQL each instance listens (`LISTEN antre_floor`) instead of
/// polling: a change through one instance reaches the other's stream; when
/// the listening connections are killed, nothing is lost (the readers poll
/// until the listener is back, then read from their cursor) and the
/// listeners come back by themselves.
async fn live_listener_survives_a_dropped_connection(backend: Backend) {
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    let a = TestApp::start(&db, &Options::clock(CLOCK));
    let b = TestApp::start(&db, &Options::clock(CLOCK));
    let admin = staff(&a, &db, "admin", None).await;
    let device = kiosk(&a, &admin.token, BRANCH).await;
    let listeners = "SELECT COUNT(*) AS n FROM pg_stat_activity \
        WHERE datname = current_database() AND query LIKE 'LISTEN antre_floor%'";
    common::eventually(10, "both instances listening", || async {
        (common::count(&db, listeners) == 2).then_some(())
    })
    .await;
    let pids = "SELECT COALESCE(SUM(pid), 0) AS n FROM pg_stat_activity \
        WHERE datname = current_database() AND query LIKE 'LISTEN antre_floor%'";
    let first_pids = common::count(&db, pids);
    let mut board = Sse::open(&b, &format!("/api/v1/branches/{BRANCH}/events"), None).await;
    let ticket_of = |v: &Value| v["ticket"].as_str().map(str::to_string);
    let expect = |n: usize| format!("A{n:03}");
    let mut arrived = 0;
    for round in ["listening", "listeners killed", "listening again"] {
        if round == "listeners killed" {
            common::sql(
                &db,
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = current_database() AND query LIKE 'LISTEN antre_floor%'",
            );
        }
        if round == "listening again" {
            common::eventually(15, "the listeners back", || async {
                (common::count(&db, listeners) == 2).then_some(())
            })
            .await;
            assert_ne!(common::count(&db, pids), first_pids, "new connections");
        }
        for _ in 0..3 {
            let (status, v) = arrive_at(&a, &device, BRANCH, &json!({"nik": new_nik()})).await;
            assert_eq!(status, 201, "{round}: {v}");
            arrived += 1;
            let want = expect(arrived);
            let got = board
                .wait_for(
                    "arrival",
                    |v| ticket_of(v).as_deref() == Some(want.as_str()),
                    Duration::from_secs(10),
                )
                .await;
            assert!(
                got.is_ok(),
                "{round}: {want} never reached the other instance: {got:?}"
            );
        }
    }
}
crate::tests_on!(live_listener_survives_a_dropped_connection, super::live_listener_survives_a_dropped_connection, postgres => Postgres);

/// The console's actions beyond finishing: identity confirmation, a
/// participant's re-upload reaching the serving agent live, rejecting the
/// claim with a reason from the pane, and a supervisor's reassignment.
async fn console_actions(db: TestDb, app: TestApp) {
    let spv = staff(&app, &db, "supervisor", Some(BRANCH)).await;
    let device = kiosk(&app, &spv.token, BRANCH).await;
    let cs1 = staff(&app, &db, "cs", Some(BRANCH)).await;
    let (m, claim) = fixtures::member_with_claim(&app).await;
    fixtures::upload_dossier(&app, &m.token, claim).await;
    go(&app, &cs1.token, "on_duty").await;
    let (status, v) = arrive(&app, &device, &m.nik).await;
    assert_eq!(status, 201, "{v}");
    let s = sessions(&app, &cs1.token).await;
    assert_eq!(s.len(), 1, "{s:?}");
    let session = s[0]["id"].as_i64().expect("session id");
    assert_eq!(s[0]["claim_id"], claim);

    // Identity confirmed: recorded with the session and the claim.
    let (status, v) = app
        .act(
            &format!("/api/v1/console/sessions/{session}/identity"),
            &cs1.token,
        )
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        common::count(
            &db,
            &format!(
                "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'identity_confirmed' \
                 AND session_id = {session} AND claim_id = {claim}"
            )
        ),
        1
    );
    // Only the serving agent may confirm.
    let (status, _) = app
        .act(
            &format!("/api/v1/console/sessions/{session}/identity"),
            &spv.token,
        )
        .await;
    assert_eq!(status, 403);

    // A re-upload reaches the serving agent's console within a second.
    let mut console = Sse::open(&app, "/api/v1/console/events", Some(&cs1.token)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let form = Form::new().text("kind", "ektp").part(
        "file",
        Part::bytes(files::png_seeded(99)).file_name("ektp-baru.png"),
    );
    let res = app
        .client
        .post(app.url(&format!("/api/v1/claims/{claim}/documents")))
        .bearer_auth(&m.token)
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(res.status().as_u16(), 201);
    let got = console
        .wait_for("document", |d| d["claim"] == claim, Duration::from_secs(1))
        .await;
    assert!(
        got.is_ok(),
        "no 'document' event on the console; saw {got:?}"
    );

    // Rejecting from the pane needs a reason, stores it and ends the session.
    let browser = Browser::new(&app);
    browser.staff_login(&cs1.email).await;
    let page = browser.get("/console").await;
    assert_eq!(page.status, 200);
    assert!(
        page.html.contains("Konfirmasi identitas") || page.html.contains("Identitas terkonfirmasi")
    );
    let csrf = hidden(&page.html, "csrf").expect("csrf");
    let p = browser
        .post(
            &format!("/console/sessions/{session}/finish"),
            &[("csrf", &csrf), ("outcome", "rejected"), ("reason", "")],
        )
        .await;
    assert_eq!(p.status, 303);
    assert!(
        p.location.contains("error=reject_reason_required"),
        "{}",
        p.location
    );
    assert_eq!(
        sessions(&app, &cs1.token).await.len(),
        1,
        "the session stays open"
    );
    let p = browser
        .post(
            &format!("/console/sessions/{session}/finish"),
            &[
                ("csrf", &csrf),
                ("outcome", "rejected"),
                ("reason", "unreadable"),
                ("note", "Foto KTP buram"),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.html);
    assert_eq!(claim_status(&app, &m.token, claim).await, "rejected");
    assert_eq!(
        common::count(
            &db,
            &format!("SELECT COUNT(*) AS n FROM claims WHERE id = {claim} AND decision_reason = 'unreadable'")
        ),
        1
    );
    assert_eq!(audit(&db, "claim_rejected"), 1);
    assert!(sessions(&app, &cs1.token).await.is_empty());

    // A supervisor moves a participant to another agent.
    let cs2 = staff(&app, &db, "cs", Some(BRANCH)).await;
    go(&app, &cs2.token, "on_duty").await;
    let (status, _) = walk_in(&app, &device).await;
    let _ = status;
    let s1 = sessions(&app, &cs1.token).await;
    let s2 = sessions(&app, &cs2.token).await;
    let (from, to, moving) = if let Some(s) = s1.first() {
        (&cs1, &cs2, s["id"].as_i64().expect("id"))
    } else {
        (&cs2, &cs1, s2[0]["id"].as_i64().expect("id"))
    };
    let sup = Browser::new(&app);
    sup.staff_login(&spv.email).await;
    let csrf = sup.csrf("/staff/floor").await;
    let p = sup
        .post(
            &format!("/staff/sessions/{moving}/reassign"),
            &[("csrf", &csrf), ("to_agent", &to.id.to_string())],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.html);
    assert!(sessions(&app, &from.token).await.is_empty());
    assert_eq!(sessions(&app, &to.token).await.len(), 1);
    check_floor(&db, "after reassignment");
    // Without CSRF nothing moves.
    let p = sup
        .post(
            &format!("/staff/sessions/{moving}/reassign"),
            &[("to_agent", &from.id.to_string())],
        )
        .await;
    assert_eq!(p.status, 403);
}
both_backends!(console_actions, clock = CLOCK);

/// Head office on the service floor: without a choice it sees the first
/// branch (as on the staff dashboard), with a picker of every branch; a
/// floor chosen stays chosen after an action taken on it. A supervisor
/// sees no picker and always their own floor.
async fn an_admin_picks_a_floor_and_stays_on_it(db: TestDb, app: TestApp) {
    let (status, branches) = app.get("/api/v1/branches", None).await;
    assert_eq!(status, 200, "{branches}");
    let name = |code: &str| -> String {
        let b = branches
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["code"] == code);
        b.and_then(|b| b["name"].as_str()).unwrap().to_string()
    };
    let first = branches[0]["code"].as_str().unwrap().to_string();
    let admin = staff(&app, &db, "admin", None).await;
    let b = Browser::new(&app);
    b.staff_login(&admin.email).await;

    let p = b.get("/staff/floor").await;
    assert_eq!(p.status, 200, "{}", p.html);
    assert!(
        p.html.contains(&format!("· {}</h1>", name(&first))),
        "{}",
        p.html
    );
    assert!(p.html.contains(r#"<select id="branch" name="branch">"#));
    let options = p.html.matches("<option value=").count();
    assert!(options >= branches.as_array().unwrap().len());

    let p = b.get(&format!("/staff/floor?branch={OTHER_BRANCH}")).await;
    assert_eq!(p.status, 200, "{}", p.html);
    assert!(p.html.contains(&format!("· {}</h1>", name(OTHER_BRANCH))));
    assert!(p
        .html
        .contains(&format!(r#"<option value="{OTHER_BRANCH}" selected>"#)));
    let csrf = hidden(&p.html, "csrf").unwrap();
    let p = b
        .post(
            &format!("/staff/floor/{OTHER_BRANCH}/settings"),
            &[
                ("csrf", &csrf),
                ("seats_per_agent", "3"),
                ("walk_in_cap", ""),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.html);
    assert_eq!(p.location, format!("/staff/floor?branch={OTHER_BRANCH}"));
    let p = b.get(&p.location).await;
    assert!(p.html.contains(&format!("· {}</h1>", name(OTHER_BRANCH))));
    assert!(p
        .html
        .contains(r#"name="seats_per_agent" min="1" max="6" value="3""#));

    // An unknown branch is a clear "not found", not another floor.
    let p = b.get("/staff/floor?branch=NOPE-NOWHERE").await;
    assert_eq!(p.status, 404, "{}", p.html);

    // The supervisor's floor is their own, whatever the query says; its
    // forms name it, and an action comes back to it.
    let cs = staff(&app, &db, "cs", Some(BRANCH)).await;
    go(&app, &cs.token, "on_duty").await;
    let spv = staff(&app, &db, "supervisor", Some(BRANCH)).await;
    let s = Browser::new(&app);
    s.staff_login(&spv.email).await;
    let p = s.get(&format!("/staff/floor?branch={OTHER_BRANCH}")).await;
    assert_eq!(p.status, 200, "{}", p.html);
    assert!(p.html.contains(&format!("· {}</h1>", name(BRANCH))));
    assert!(!p.html.contains(r#"name="branch">"#), "no picker");
    assert!(p
        .html
        .contains(&format!(r#"name="branch" value="{BRANCH}""#)));
    let csrf = hidden(&p.html, "csrf").unwrap();
    let p = s
        .post(
            &format!("/staff/agents/{}/status", cs.id),
            &[("csrf", &csrf), ("branch", BRANCH), ("status", "paused")],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.html);
    assert_eq!(p.location, format!("/staff/floor?branch={BRANCH}"));
}
both_backends!(an_admin_picks_a_floor_and_stays_on_it, clock = CLOCK);

//! Honest waits and the head office overview (issue 17): a floor with
//! arrivals and services under the pinned clock shows its wait as a range
//! (kiosk answer, board, the ticket's phone page), records each ticket's
//! range, and once the ticket is called the supervisor's accuracy figure
//! counts it; the overview shows every branch with its alerts, for admins
//! and auditors only.
#![allow(clippy::unwrap_used)]

use serde_json::{json, Value};

use crate::common::browser::Browser;
use crate::common::fixtures::{self, arrive_at, set_status, Staff};
use crate::common::{count, error_code, Options, TestApp, TestDb};

/// 08:40 WITA on Tuesday 2026-11-24.
const CLOCK: &str = "2026-11-24T08:40:00+08:00";
/// 25 minutes later, the same day.
const CLOCK_LATER: &str = "2026-11-24T09:05:00+08:00";
/// 95 minutes after CLOCK: the second ticket has waited past an hour.
const CLOCK_LONG: &str = "2026-11-24T10:15:00+08:00";
const BRANCH: &str = "DPS-DENPASAR";

async fn staff(app: &TestApp, db: &TestDb, role: &str, branch: Option<&str>) -> Staff {
    fixtures::staff(app, db, role, &fixtures::at_branch(branch)).await
}

async fn walk_in(app: &TestApp, kiosk: &str) -> Value {
    let nik = fixtures::nik(12, 5, 1985, false);
    let (status, v) = arrive_at(app, kiosk, BRANCH, &json!({"nik": nik})).await;
    assert_eq!(status, 201, "arrival: {v}");
    v
}

async fn board(app: &TestApp) -> Value {
    let (status, v) = app
        .get(&format!("/api/v1/branches/{BRANCH}/board"), None)
        .await;
    assert_eq!(status, 200, "{v}");
    v
}

/// A floor of one agent at one seat and three walk-ins: A001 is served,
/// A002 and A003 wait with a range each.
async fn floor_of_three(db: &TestDb, app: &TestApp) -> (Staff, Staff, String) {
    let spv = staff(app, db, "supervisor", Some(BRANCH)).await;
    let device = fixtures::device(app, &spv.token, BRANCH, "kiosk").await;
    let (s, v) = app
        .put(
            &format!("/api/v1/branches/{BRANCH}/floor"),
            Some(&spv.token),
            &json!({"seats_per_agent": 1}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    // Nobody on duty: no range, and nothing recorded.
    let v = walk_in(app, &device).await;
    assert!(v["estimated_wait_range"].is_null(), "{v}");
    let cs = staff(app, db, "cs", Some(BRANCH)).await;
    let (s, v) = set_status(app, &cs.token, "on_duty").await;
    assert_eq!(s, 200, "{v}");
    let a2 = walk_in(app, &device).await;
    let a3 = walk_in(app, &device).await;
    // Default service 15 ± 15 min at one seat: A002 (nobody ahead)
    // 0–35, A003 (one ahead) 0–60: never shorter with more ahead.
    assert_eq!(a2["ticket"], "A002", "{a2}");
    assert_eq!(
        a2["estimated_wait_range"],
        json!({"low_minutes": 0, "high_minutes": 35})
    );
    assert_eq!(
        a3["estimated_wait_range"],
        json!({"low_minutes": 0, "high_minutes": 60})
    );
    assert_eq!(count(db, "SELECT COUNT(*) AS n FROM wait_predictions"), 2);
    (spv, cs, device)
}

async fn ranges_and_accuracy(db: TestDb, app: TestApp) {
    let (spv, cs, _device) = floor_of_three(&db, &app).await;
    // The board: a new arrival has two ahead; the last call is A001.
    let b = board(&app).await;
    assert_eq!(b["waiting"], 2, "{b}");
    assert_eq!(b["last_called"], "A001", "{b}");
    assert_eq!(
        b["estimated_wait_range"],
        json!({"low_minutes": 10, "high_minutes": 80}),
        "{b}"
    );
    let page = Browser::new(&app).get(&format!("/board/{BRANCH}")).await;
    assert!(page.html.contains("10–80 menit"), "{}", page.html);
    assert!(
        page.html.contains("Nomor terakhir dipanggil"),
        "{}",
        page.html
    );
    // The ticket's phone page shows its range and the last call.
    let phone = Browser::new(&app)
        .get(&format!("/tickets/{BRANCH}/2026-11-24/A003"))
        .await;
    assert_eq!(phone.status, 200, "{}", phone.html);
    assert!(phone.html.contains("hingga 60 menit"), "{}", phone.html);
    assert!(phone.html.contains("A001"), "{}", phone.html);

    // Nothing called from a recorded range yet.
    let floor = Browser::staff(&app, &spv.email).await;
    // Too few recorded sessions: the planner simulates with the default
    // concurrency model and says so.
    let p = floor.get("/staff/planner").await;
    assert!(p.html.contains("data-calibrated=\"0\""), "{}", p.html);
    assert!(p.html.contains("Bawaan"), "{}", p.html);
    let p = floor.get("/staff/floor").await;
    assert!(p.html.contains("Ketepatan perkiraan tunggu"), "{}", p.html);
    assert!(!p.html.contains("data-measured="), "{}", p.html);

    // 25 minutes later (another instance, a later clock) A001 is served
    // and A002 called: its wait of 25 minutes lay within 0–35.
    let later = TestApp::start(&db, &Options::clock(CLOCK_LATER));
    let (s, v) = later.get("/api/v1/console/sessions", Some(&cs.token)).await;
    assert_eq!(s, 200, "{v}");
    let id = v[0]["id"].clone();
    assert_eq!(v[0]["ticket"], "A001", "{v}");
    let (s, v) = later
        .post(
            &format!("/api/v1/console/sessions/{id}/finish"),
            Some(&cs.token),
            &json!({"outcome": "no_show"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(board(&later).await["last_called"], "A002");
    let floor = Browser::staff(&later, &spv.email).await;
    let p = floor.get("/staff/floor").await;
    assert_eq!(p.status, 200, "{}", p.html);
    assert!(p.html.contains("data-measured=\"1\""), "{}", p.html);
    assert!(p.html.contains("data-within=\"1\""), "{}", p.html);
    // |25 − 17.5| = 7.5 minutes from the middle of the range (give or
    // take the seconds the test itself takes).
    assert!(p.html.contains("100,0 %"), "{}", p.html);
    assert!(
        ["7,4 menit", "7,5 menit", "7,6 menit"]
            .iter()
            .any(|m| p.html.contains(m)),
        "{}",
        p.html
    );
}
both_backends!(ranges_and_accuracy, clock = CLOCK);

async fn head_office_overview(db: TestDb, app: TestApp) {
    let (_spv, _cs, _device) = floor_of_three(&db, &app).await;
    let admin = staff(&app, &db, "admin", None).await;
    let (s, v) = app
        .get("/api/v1/overview/branches", Some(&admin.token))
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["threshold_minutes"], 60, "{v}");
    let branches = v["branches"].as_array().unwrap();
    assert!(branches.len() >= 30, "every branch: {}", branches.len());
    let dps = branches.iter().find(|b| b["code"] == BRANCH).unwrap();
    assert_eq!(
        (
            &dps["waiting"],
            &dps["open_sessions"],
            &dps["on_duty_agents"],
            &dps["served_today"],
            &dps["alert"]
        ),
        (&json!(2), &json!(1), &json!(1), &json!(0), &Value::Null),
        "{dps}"
    );
    assert!(dps["quota_next_7_days"].as_u64().unwrap() > 0, "{dps}");
    assert_eq!(dps["longest_wait_minutes"], 0, "{dps}");
    assert_eq!(v["totals"]["waiting"], 2, "{v}");

    // 95 minutes on, A002 has waited past the hour: flagged.
    let later = TestApp::start(&db, &Options::clock(CLOCK_LONG));
    // Signed in then (a session from 95 minutes before has lapsed).
    let auditor = staff(&later, &db, "auditor", None).await;
    let (s, v) = later
        .get("/api/v1/overview/branches", Some(&auditor.token))
        .await;
    assert_eq!(s, 200, "{v}");
    let dps = v["branches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["code"] == BRANCH)
        .unwrap()
        .clone();
    assert_eq!(dps["alert"], "wait_over_threshold", "{dps}");
    let waited = dps["longest_wait_minutes"].as_u64().unwrap();
    assert!((94..=95).contains(&waited), "{dps}");
    assert_eq!(v["totals"]["alerts"], 1, "{v}");
    // A higher threshold clears it; a bad one is 422 naming the field.
    let (_, v) = later
        .get(
            "/api/v1/overview/branches?threshold_minutes=120",
            Some(&auditor.token),
        )
        .await;
    assert_eq!(v["totals"]["alerts"], 0, "{v}");
    let quota = v["totals"]["quota_next_7_days"].as_u64().unwrap();
    assert!(quota >= 1000, "{v}");
    for bad in ["0", "601", "soon"] {
        let (s, v) = later
            .get(
                &format!("/api/v1/overview/branches?threshold_minutes={bad}"),
                Some(&auditor.token),
            )
            .await;
        assert_eq!((s, error_code(&v)), (422, "invalid_field"), "{bad}: {v}");
        assert_eq!(v["error"]["field"], "threshold_minutes", "{v}");
    }

    // The page, for the auditor: the alert, the table, the live region.
    let b = Browser::staff(&later, &auditor.email).await;
    let p = b.get("/audit/branches").await;
    assert_eq!(p.status, 200, "{}", p.html);
    assert!(p.html.contains("Semua cabang, langsung"), "{}", p.html);
    // The server's clock runs on from the pinned start: the page is read
    // after the API, so its minute may have turned once since.
    assert!(
        (waited..=waited + 1).any(|m| p
            .html
            .contains(&format!("tunggu terlama {m} menit (batas 60 menit)"))),
        "{}",
        p.html
    );
    // Counts grouped by thousands as Indonesian writes them ("9.167").
    let grouped = format!("{}.{:03}", quota / 1000, quota % 1000);
    assert!(
        p.html
            .contains(&format!("<p class=\"big-number\">{grouped}</p>")),
        "{grouped}: {}",
        p.html
    );
    assert!(p.html.contains("data-live-url=\"/api/v1/overview/events\""));
    // A branch's name leads the auditor to its agents' day (an auditor
    // has no floor: that link was a 403).
    let agents = format!("/audit/agents?branch={BRANCH}");
    assert!(
        p.html.contains(&format!("href=\"{agents}\"")) && !p.html.contains("/staff/floor"),
        "{}",
        p.html
    );
    assert_eq!(b.get(&agents).await.status, 200);
    assert!(p
        .html
        .contains("href=\"/audit/branches\" aria-current=\"page\""));
    let p = b.get("/audit/branches?threshold_minutes=abc").await;
    assert_eq!(p.status, 200, "{}", p.html);
    assert!(p.html.contains("notice-error"), "{}", p.html);

    // Anyone else: 403 (cs, supervisor, participant), 401 without a token.
    let cs = staff(&app, &db, "cs", Some(BRANCH)).await;
    let spv = staff(&app, &db, "supervisor", Some(BRANCH)).await;
    let member = fixtures::register(&app).await;
    for token in [&cs.token, &spv.token, &member.token] {
        let (s, _) = app.get("/api/v1/overview/branches", Some(token)).await;
        assert_eq!(s, 403);
        let (s, _) = app.get("/api/v1/overview/events", Some(token)).await;
        assert_eq!(s, 403);
    }
    let (s, _) = app.get("/api/v1/overview/branches", None).await;
    assert_eq!(s, 401);
    let p = Browser::staff(&app, &cs.email)
        .await
        .get("/audit/branches")
        .await;
    assert_eq!(p.status, 403);
}
both_backends!(head_office_overview, clock = CLOCK);

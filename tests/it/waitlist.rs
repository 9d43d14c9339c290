//! The waiting line of a full day (issue "fair access"): a full day, two
//! people in line, a cancel; the freed seat held for the first (not
//! available to anyone else, refused to an outsider), offered by mail and
//! accepted; the second moves to position 1; every step in the audit log;
//! first free seats across branches in start order. And a race: many
//! cancels at once on a day with a long line — every freed seat held for
//! a different person, nobody offered twice, no seat both held and booked.

use std::collections::BTreeSet;
use std::sync::Arc;

use serde_json::{json, Value};

use crate::common::bookings::{admin_token, at_signal, id, joined, set_capacity, Http};
use crate::common::{self, error_code, fixtures, Backend, Options, TestApp, TestDb};

/// 08:00 WITA on Monday 2026-11-23; the day in question is Tuesday.
const CLOCK: &str = "2026-11-23T08:00:00+08:00";
const BRANCH: &str = "DPS-DENPASAR";
const DAY: &str = "2026-11-24";

async fn join(app: &TestApp, token: &str, claim: i64) -> (u16, Value) {
    app.post(
        "/api/v1/waitlist",
        Some(token),
        &json!({"branch": BRANCH, "date": DAY, "claim_id": claim}),
    )
    .await
}

/// Every session of DAY at BRANCH down to `seats` seats, each filled by a
/// new member: the bookings (token, code, slot).
async fn fill_day(app: &TestApp, db: &TestDb, seats: i64) -> Vec<(String, String, i64)> {
    let admin = admin_token(db, app).await;
    let mut out = Vec::new();
    for s in fixtures::slots(app, BRANCH, DAY).await {
        let slot = id(&s);
        let (status, v) = set_capacity(app, &admin, slot, seats).await;
        assert_eq!(status, 200, "{v}");
        for _ in 0..seats {
            let (m, claim) = fixtures::member_with_claim(app).await;
            let code = fixtures::book(app, &m.token, slot, claim).await;
            out.push((m.token, code, slot));
        }
    }
    out
}

fn held(db: &TestDb) -> i64 {
    common::count(db, "SELECT COALESCE(SUM(held), 0) AS n FROM slots")
}

/// No session gives out more than it has; holds match open offers.
fn check_seats(db: &TestDb) {
    let over = common::count(
        db,
        "SELECT COUNT(*) AS n FROM slots WHERE booked + held > capacity OR held < 0",
    );
    assert_eq!(over, 0, "a session gives out more seats than it has");
    let offers = common::count(
        db,
        "SELECT (SELECT COUNT(*) FROM waitlist WHERE status = 'offered') + \
         (SELECT COUNT(*) FROM seat_cooling WHERE holds_seat) AS n",
    );
    assert_eq!(
        held(db),
        offers,
        "held seats differ from open offers plus cooling seats"
    );
    let wrong = common::count(
        db,
        "SELECT COUNT(*) AS n FROM slots s WHERE s.booked <> \
         (SELECT COUNT(*) FROM bookings b WHERE b.slot_id = s.id AND b.status = 'booked')",
    );
    assert_eq!(wrong, 0, "booked differs from the active bookings");
}

async fn a_full_day_and_its_line(db: TestDb, app: TestApp) {
    let booked = fill_day(&app, &db, 1).await;
    let (first, claim1) = fixtures::member_with_claim(&app).await;
    let (second, claim2) = fixtures::member_with_claim(&app).await;
    let (outsider, claim3) = fixtures::member_with_claim(&app).await;

    // A day with free seats has no line; a full one has.
    let (status, v) = app
        .post(
            "/api/v1/waitlist",
            Some(&first.token),
            &json!({"branch": BRANCH, "date": "2026-11-25", "claim_id": claim1}),
        )
        .await;
    assert_eq!((status, error_code(&v)), (422, "seats_available"), "{v}");
    let (status, a) = join(&app, &first.token, claim1).await;
    assert_eq!(status, 201, "{a}");
    assert_eq!(
        (a["position"].as_i64(), a["status"].as_str()),
        (Some(1), Some("waiting"))
    );
    let (status, b) = join(&app, &second.token, claim2).await;
    assert_eq!(status, 201, "{b}");
    assert_eq!(b["position"], 2);
    let (status, v) = join(&app, &second.token, claim2).await;
    assert_eq!((status, error_code(&v)), (409, "already_waiting"), "{v}");
    let (status, v) = join(&app, &booked[0].0, claim2).await;
    assert!(status == 404 || status == 409, "{status} {v}");

    // A cancel: the seat is held for the first in line, and nobody else
    // can book it.
    let (token, code, slot) = &booked[2];
    let (status, v) = fixtures::cancel(&app, token, code).await;
    assert_eq!(status, 200, "{v}");
    let a_id = a["id"].as_i64().expect("id");
    let (status, mine) = app
        .get(&format!("/api/v1/waitlist/{a_id}"), Some(&first.token))
        .await;
    assert_eq!(status, 200, "{mine}");
    assert_eq!(mine["status"], "offered", "{mine}");
    assert_eq!(mine["slot_id"].as_i64(), Some(*slot));
    assert!(
        mine["expires_at"]
            .as_str()
            .is_some_and(|t| t.ends_with("+08:00")),
        "{mine}"
    );
    let listed = fixtures::slots(&app, BRANCH, DAY).await;
    let s = listed.iter().find(|s| id(s) == *slot).expect("slot");
    assert_eq!(s["available"], 0, "a held seat is not available: {s}");
    let (status, v) = fixtures::post_booking(&app, Some(&outsider.token), slot, claim3).await;
    assert_eq!((status, error_code(&v)), (409, "slot_full"), "{v}");
    check_seats(&db);
    // Others may not see or take the offer.
    let (status, _) = app
        .get(&format!("/api/v1/waitlist/{a_id}"), Some(&outsider.token))
        .await;
    assert_eq!(status, 404);
    let (status, _) = app
        .act(&format!("/api/v1/waitlist/{a_id}/accept"), &outsider.token)
        .await;
    assert_eq!(status, 404);
    let mail = common::eventually(10, "the offer mail", || async {
        common::mails(&db)
            .into_iter()
            .find(|m| m.contains(&first.email) && m.contains(&format!("/waitlist/{a_id}")))
    })
    .await;
    assert!(mail.contains("daftar tunggu"), "{mail}");

    // The mail's link: the offer with its buttons (and nobody else's).
    let page = |token: &str| {
        app.client
            .get(app.url(&format!("/waitlist/{a_id}")))
            .header("cookie", format!("antre_session={token}"))
            .send()
    };
    let res = page(&first.token).await.expect("page");
    assert_eq!(res.status().as_u16(), 200);
    let html = res.text().await.expect("html");
    assert!(
        html.contains("Daftar tunggu") && html.contains(&format!("/waitlist/{a_id}/accept")),
        "{html}"
    );
    assert_eq!(
        page(&outsider.token).await.expect("page").status().as_u16(),
        404
    );

    // Accepted: a booking in the held seat; the second is now first.
    let (status, v) = app
        .act(&format!("/api/v1/waitlist/{a_id}/accept"), &first.token)
        .await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(
        (v["slot_id"].as_i64(), v["status"].as_str()),
        (Some(*slot), Some("booked"))
    );
    let (status, v) = app
        .act(&format!("/api/v1/waitlist/{a_id}/accept"), &first.token)
        .await;
    assert_eq!((status, error_code(&v)), (409, "offer_not_active"), "{v}");
    let b_id = b["id"].as_i64().expect("id");
    let (_, b_now) = app
        .get(&format!("/api/v1/waitlist/{b_id}"), Some(&second.token))
        .await;
    assert_eq!(
        (b_now["position"].as_i64(), b_now["status"].as_str()),
        (Some(1), Some("waiting"))
    );
    check_seats(&db);

    // The second leaves the line, which is then empty.
    let (status, v) = app
        .delete(&format!("/api/v1/waitlist/{b_id}"), Some(&second.token))
        .await;
    assert_eq!(
        (status, v["status"].as_str()),
        (200, Some("withdrawn")),
        "{v}"
    );
    // Nobody waits: the seat cools off (held, see `fair::no_seat_trading`)
    // instead of going to whoever is quickest.
    let (token, code, slot) = &booked[3];
    fixtures::cancel(&app, token, code).await;
    let (status, v) = fixtures::post_booking(&app, Some(&outsider.token), slot, claim3).await;
    assert_eq!(
        (status, error_code(&v)),
        (409, "slot_full"),
        "a cooling seat: {v}"
    );
    assert_eq!(
        common::count(
            &db,
            &format!(
                "SELECT COUNT(*) AS n FROM seat_cooling WHERE slot_id = {slot} AND holds_seat"
            )
        ),
        1
    );
    check_seats(&db);

    // The chain holds every step.
    for action in [
        "booking_placed",
        "booking_cancelled",
        "waitlist_joined",
        "waitlist_offered",
        "waitlist_accepted",
        "waitlist_withdrawn",
    ] {
        let n = common::count(
            &db,
            &format!("SELECT COUNT(*) AS n FROM audit_log WHERE action = '{action}'"),
        );
        assert!(n > 0, "no {action} in the audit log");
    }

    // First free seats: open sessions only, earliest first, local times.
    let (status, list) = app.get("/api/v1/slots/first-free?limit=30", None).await;
    assert_eq!(status, 200, "{list}");
    let list = list.as_array().expect("list");
    assert!(!list.is_empty());
    let starts: Vec<chrono::DateTime<chrono::FixedOffset>> = list
        .iter()
        .map(|s| {
            chrono::DateTime::parse_from_rfc3339(s["starts_at"].as_str().expect("t"))
                .expect("rfc3339")
        })
        .collect();
    assert!(
        starts.windows(2).all(|w| w[0] <= w[1]),
        "not in start order: {starts:?}"
    );
    assert!(list.iter().all(|s| s["available"].as_i64() > Some(0)));
    let full: BTreeSet<i64> = booked.iter().map(|b| b.2).collect();
    assert!(
        list.iter()
            .all(|s| !(s["branch"] == BRANCH && full.contains(&s["slot_id"].as_i64().expect("id")))),
        "a full session listed: {list:?}"
    );
    let (status, wita) = app
        .get("/api/v1/slots/first-free?timezone=WITA&limit=5", None)
        .await;
    assert_eq!(status, 200);
    assert!(
        wita.as_array()
            .expect("list")
            .iter()
            .all(|s| s["zone"] == "WITA"),
        "{wita}"
    );
    let (status, v) = app.get("/api/v1/slots/first-free?limit=0", None).await;
    assert_eq!((status, error_code(&v)), (422, "invalid_limit"));
    let (status, v) = app.get("/api/v1/slots/first-free?from=soon", None).await;
    assert_eq!((status, error_code(&v)), (422, "invalid_date"));
}
both_backends!(a_full_day_and_its_line, clock = CLOCK);

/// Ten seats freed at once on a day with twenty waiting: ten different
/// people hold offers, nobody two, and no seat is both held and booked.
async fn cancels_racing_for_the_line(backend: Backend) {
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    let app = TestApp::start(&db, &Options::clock(CLOCK));
    let booked = fill_day(&app, &db, 2).await;
    let mut waiting = Vec::new();
    for _ in 0..20 {
        let (m, claim) = fixtures::member_with_claim(&app).await;
        let (status, v) = join(&app, &m.token, claim).await;
        assert_eq!(status, 201, "{v}");
        waiting.push(m);
    }
    let barrier = Arc::new(tokio::sync::Barrier::new(10));
    let http = Http::of(&app);
    let results = joined(
        booked
            .iter()
            .take(10)
            .map(|(token, code, _)| {
                let (http, token, code) = (http.clone(), token.clone(), code.clone());
                at_signal(&barrier, async move { http.cancel(&token, &code).await })
            })
            .collect(),
    )
    .await;
    assert!(results.iter().all(|(s, _)| *s == 200), "{results:?}");
    check_seats(&db);
    let offered = common::count(
        &db,
        "SELECT COUNT(*) AS n FROM waitlist WHERE status = 'offered'",
    );
    assert_eq!(offered, 10, "every freed seat is held for someone");
    let people = common::count(
        &db,
        "SELECT COUNT(DISTINCT participant_id) AS n FROM waitlist WHERE status = 'offered'",
    );
    assert_eq!(people, 10, "someone got two offers");
    // The first ten in line got them, in order.
    let late = common::count(
        &db,
        "SELECT COUNT(*) AS n FROM waitlist o WHERE o.status = 'offered' AND EXISTS \
         (SELECT 1 FROM waitlist w WHERE w.status = 'waiting' AND w.id < o.id)",
    );
    assert_eq!(late, 0, "an offer skipped someone ahead in line");
}
both_backends!(cancels_racing_for_the_line);

/// A seat found on another day ends a place in the line: the entry is
/// withdrawn in the booking's transaction, and a participant who was never
/// in a line books as before.
async fn booking_elsewhere_ends_a_place_in_line(db: TestDb, app: TestApp) {
    fill_day(&app, &db, 1).await;
    let (m, claim) = fixtures::member_with_claim(&app).await;
    let (status, v) = join(&app, &m.token, claim).await;
    assert_eq!(status, 201, "{v}");
    let entry = v["id"].as_i64().expect("id");
    let other_day = fixtures::slots(&app, BRANCH, "2026-11-25").await;
    fixtures::book(&app, &m.token, id(&other_day[0]), claim).await;
    let (_, now) = app
        .get(&format!("/api/v1/waitlist/{entry}"), Some(&m.token))
        .await;
    assert_eq!(now["status"].as_str(), Some("withdrawn"), "{now}");
    assert_eq!(
        common::count(
            &db,
            "SELECT COUNT(*) AS n FROM waitlist WHERE status IN ('waiting', 'offered')"
        ),
        0
    );
    check_seats(&db);
}
both_backends!(booking_elsewhere_ends_a_place_in_line, clock = CLOCK);

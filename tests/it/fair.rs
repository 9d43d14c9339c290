//! Fair access beyond the waiting line (issue "fair access"), on both
//! backends: a cancelled seat nobody waits for cools off (not available,
//! not re-bookable by whoever gave it up) and comes back after the delay;
//! booking changes are limited per participant (429 with Retry-After), never
//! per address; a supervisor closes part of a day — its bookings cancelled
//! in one step, each holder mailed the reason and offered a seat held on the
//! next working day; and a participant's registration, claim and documents
//! are in the audit chain with address and request id.

use serde_json::{json, Value};

use crate::common::bookings::{admin_token, id, set_capacity};
use crate::common::{self, error_code, fixtures, Options, TestApp, TestDb};

/// 08:00 WITA on Monday 2026-11-23; the days in question follow.
const CLOCK: &str = "2026-11-23T08:00:00+08:00";
/// Eleven minutes later: past the default 10-minute cooling-off.
const LATER: &str = "2026-11-23T08:11:00+08:00";
const BRANCH: &str = "DPS-DENPASAR";
const OTHER: &str = "JKT-CILANDAK";
const DAY: &str = "2026-11-24";
const NEXT_DAY: &str = "2026-11-25";

fn slot_in(listed: &[Value], slot: i64) -> Value {
    listed
        .iter()
        .find(|s| id(s) == slot)
        .cloned()
        .unwrap_or_else(|| panic!("slot {slot} not listed"))
}

/// Seats given out never exceed capacity; holds are offers plus cooling.
fn check_seats(db: &TestDb) {
    let over = common::count(
        db,
        "SELECT COUNT(*) AS n FROM slots WHERE booked + held > capacity OR held < 0",
    );
    assert_eq!(over, 0, "a session gives out more seats than it has");
    let held = common::count(db, "SELECT COALESCE(SUM(held), 0) AS n FROM slots");
    let holds = common::count(
        db,
        "SELECT (SELECT COUNT(*) FROM waitlist WHERE status = 'offered') + \
         (SELECT COUNT(*) FROM seat_cooling WHERE holds_seat) AS n",
    );
    assert_eq!(
        held, holds,
        "held seats differ from offers plus cooling seats"
    );
}

async fn no_seat_trading(db: TestDb, app: TestApp) {
    let admin = admin_token(&db, &app).await;
    let listed = fixtures::slots(&app, BRANCH, DAY).await;
    let (slot, other) = (id(&listed[0]), id(&listed[1]));
    let (status, v) = set_capacity(&app, &admin, slot, 1).await;
    assert_eq!(status, 200, "{v}");
    let (seller, claim_s) = fixtures::member_with_claim(&app).await;
    let (buyer, claim_b) = fixtures::member_with_claim(&app).await;
    let code = fixtures::book(&app, &seller.token, slot, claim_s).await;

    // The cancel frees nothing for a buyer: the seat cools off.
    let (status, v) = fixtures::cancel(&app, &seller.token, &code).await;
    assert_eq!(status, 200, "{v}");
    let s = slot_in(&fixtures::slots(&app, BRANCH, DAY).await, slot);
    assert_eq!(s["available"], 0, "a cooling seat is not available: {s}");
    let (status, v) = fixtures::post_booking(&app, Some(&buyer.token), slot, claim_b).await;
    assert_eq!((status, error_code(&v)), (409, "slot_full"), "{v}");
    // Nor can the seller take it back to pass it on later.
    let (status, v) = fixtures::post_booking(&app, Some(&seller.token), slot, claim_s).await;
    assert_eq!((status, error_code(&v)), (409, "cooling_off"), "{v}");
    let message = v["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("10 menit"), "the wait is named: {message}");
    check_seats(&db);
    // Another session is open to the seller at once.
    let code = fixtures::book(&app, &seller.token, other, claim_s).await;
    let (status, _) = fixtures::cancel(&app, &seller.token, &code).await;
    assert_eq!(status, 200);

    // After the delay the seat is everyone's again (the same database,
    // a server whose clock is eleven minutes on).
    app.kill();
    let app = TestApp::start(&db, &Options::clock(LATER));
    common::eventually(15, "the cooled seat released", || async {
        let s = slot_in(&fixtures::slots(&app, BRANCH, DAY).await, slot);
        (s["available"] == 1).then_some(())
    })
    .await;
    let (status, v) = fixtures::post_booking(&app, Some(&buyer.token), slot, claim_b).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(
        common::count(&db, "SELECT COUNT(*) AS n FROM seat_cooling"),
        0,
        "both cooled seats were released"
    );
    check_seats(&db);
}
crate::both_backends!(no_seat_trading, clock = CLOCK);

async fn booking_changes_are_limited_per_participant(_db: TestDb, app: TestApp) {
    let mut sessions: Vec<i64> = fixtures::slots(&app, BRANCH, DAY)
        .await
        .iter()
        .map(id)
        .collect();
    sessions.extend(fixtures::slots(&app, BRANCH, NEXT_DAY).await.iter().map(id));
    let (busy, claim) = fixtures::member_with_claim(&app).await;
    // Ten changes in an hour are allowed (five bookings, five cancels) …
    for slot in &sessions[..5] {
        let code = fixtures::book(&app, &busy.token, *slot, claim).await;
        let (status, v) = fixtures::cancel(&app, &busy.token, &code).await;
        assert_eq!(status, 200, "{v}");
    }
    // … the eleventh is refused with when to come back.
    let res = app
        .client
        .post(app.url("/api/v1/bookings"))
        .bearer_auth(&busy.token)
        .header("accept-language", "en")
        .json(&json!({"slot_id": sessions[5], "claim_id": claim}))
        .send()
        .await
        .expect("request");
    let retry = res
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let (status, v) = common::json_of(res).await;
    assert_eq!((status, error_code(&v)), (429, "rate_limited"), "{v}");
    assert!(
        retry.is_some_and(|s| (1..=3600).contains(&s)),
        "Retry-After: {retry:?}"
    );
    let message = v["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("minutes"),
        "English, with the wait: {message}"
    );
    // Per participant, not per address: someone else at the same address
    // books at once.
    let (other, claim_o) = fixtures::member_with_claim(&app).await;
    fixtures::book(&app, &other.token, sessions[5], claim_o).await;
}
crate::both_backends!(booking_changes_are_limited_per_participant, clock = CLOCK);

/// The id of the participant's offered waiting-line place, if any.
fn offered_place(db: &TestDb, participant: i64) -> Option<i64> {
    let n = common::count(
        db,
        &format!(
            "SELECT COALESCE(MAX(id), 0) AS n FROM waitlist \
             WHERE participant_id = {participant} AND status = 'offered'"
        ),
    );
    (n > 0).then_some(n)
}

async fn closing_part_of_a_day(db: TestDb, app: TestApp) {
    let sup = fixtures::staff(&app, &db, "supervisor", &fixtures::at_branch(Some(BRANCH))).await;
    let other_sup =
        fixtures::staff(&app, &db, "supervisor", &fixtures::at_branch(Some(OTHER))).await;
    let listed = fixtures::slots(&app, BRANCH, DAY).await;
    // 10.00 and 11.00 WITA are closed; 08.00 stays open.
    let (early, ten, eleven) = (id(&listed[0]), id(&listed[2]), id(&listed[3]));
    let mut hit = Vec::new();
    for slot in [ten, ten, eleven] {
        let (m, claim) = fixtures::member_with_claim(&app).await;
        let code = fixtures::book(&app, &m.token, slot, claim).await;
        hit.push((m, code));
    }
    let (spared, claim) = fixtures::member_with_claim(&app).await;
    let spared_code = fixtures::book(&app, &spared.token, early, claim).await;
    let path = format!("/api/v1/branches/{BRANCH}/closures");
    let reason = "Banjir di depan kantor";
    let body = json!({"date": DAY, "from": "10:00", "until": "12:00", "reason": reason});

    // Only the branch's own supervisor (or an admin); a reason is required.
    let (status, v) = app.post(&path, Some(&other_sup.token), &body).await;
    assert_eq!(status, 404, "{v}");
    let bad = json!({"date": DAY, "from": "12:00", "until": "10:00", "reason": " "});
    let (status, v) = app.post(&path, Some(&sup.token), &bad).await;
    assert_eq!(status, 422, "{v}");
    assert_eq!(v["error"]["field"], "until", "{v}");

    let (status, done) = app.post(&path, Some(&sup.token), &body).await;
    assert_eq!(status, 201, "{done}");
    let closed: Vec<i64> = done["sessions"]
        .as_array()
        .expect("sessions")
        .iter()
        .map(id)
        .collect();
    assert_eq!(closed, vec![ten, eleven], "{done}");
    assert_eq!(done["bookings_cancelled"], 3, "{done}");
    assert_eq!(done["priority_offers"], 3, "{done}");
    assert!(
        done["from"]
            .as_str()
            .is_some_and(|t| t.ends_with("10:00:00+08:00")),
        "{done}"
    );

    // Closed sessions say so, with the reason, and take no booking.
    let now = fixtures::slots(&app, BRANCH, DAY).await;
    let s = slot_in(&now, ten);
    assert_eq!(
        (s["available"].as_i64(), s["closed_reason"].as_str()),
        (Some(0), Some(reason)),
        "{s}"
    );
    assert!(slot_in(&now, early).get("closed_reason").is_none());
    let (newcomer, claim_n) = fixtures::member_with_claim(&app).await;
    let (status, v) = fixtures::post_booking(&app, Some(&newcomer.token), ten, claim_n).await;
    assert_eq!((status, error_code(&v)), (422, "slot_closed"), "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains(reason)),
        "{v}"
    );

    // Every booking in it is cancelled; each holder has a seat held on the
    // next working day and a mail with the reason and the link.
    for (m, code) in &hit {
        let (_, b) = fixtures::booking(&app, &m.token, code).await;
        assert_eq!(b["status"], "cancelled", "{b}");
        let place = offered_place(&db, m.id).expect("a priority offer");
        let (status, p) = app
            .get(&format!("/api/v1/waitlist/{place}"), Some(&m.token))
            .await;
        assert_eq!(status, 200, "{p}");
        assert_eq!(p["status"], "offered", "{p}");
        let held = p["slot_id"].as_i64().expect("held slot");
        let next = fixtures::slots(&app, BRANCH, NEXT_DAY).await;
        assert!(
            next.iter().any(|s| id(s) == held),
            "held on {NEXT_DAY}: {p}"
        );
        common::eventually(10, "the closure mail", || async {
            common::mails(&db)
                .into_iter()
                .map(|m| common::decode_qp(&m))
                .find(|mail| {
                    mail.contains(&m.email)
                        && mail.contains(reason)
                        && mail.contains(&format!("/waitlist/{place}"))
                })
        })
        .await;
    }
    let (_, b) = fixtures::booking(&app, &spared.token, &spared_code).await;
    assert_eq!(b["status"], "booked", "outside the closed hours: {b}");
    // An offer can be accepted like any other.
    let (m, _) = &hit[0];
    let place = offered_place(&db, m.id).expect("offer");
    let (status, v) = app
        .act(&format!("/api/v1/waitlist/{place}/accept"), &m.token)
        .await;
    assert_eq!(status, 201, "{v}");
    check_seats(&db);

    // The closure and each cancel are in the chain; closing again finds
    // nothing left to close.
    let audited = |action: &str| {
        common::count(
            &db,
            &format!(
                "SELECT COUNT(*) AS n FROM audit_log WHERE action = '{action}' AND actor_id = {}",
                sup.id
            ),
        )
    };
    assert_eq!(audited("branch_closed"), 1);
    assert_eq!(audited("booking_cancelled"), 3);
    let (status, v) = app.post(&path, Some(&sup.token), &body).await;
    assert_eq!((status, error_code(&v)), (422, "nothing_to_close"), "{v}");
    assert_eq!(
        audited("branch_closed"),
        1,
        "a refused closure leaves nothing"
    );
}
crate::both_backends!(closing_part_of_a_day, clock = CLOCK);

async fn a_participants_own_steps_are_chained(db: TestDb, app: TestApp) {
    let (m, claim) = fixtures::member_with_claim(&app).await;
    let png = common::files::png_seeded(7);
    let (status, v) =
        fixtures::upload_document(&app, &m.token, claim, "ektp", "ektp.png", png).await;
    assert_eq!(status, 201, "{v}");
    let doc = v["id"].as_i64().expect("document id");
    let (status, v) = app
        .delete(
            &format!("/api/v1/claims/{claim}/documents/{doc}"),
            Some(&m.token),
        )
        .await;
    assert!(status == 200 || status == 204, "{status} {v}");
    for action in [
        "participant_registered",
        "claim_opened",
        "document_uploaded",
        "document_deleted",
    ] {
        let n = common::count(
            &db,
            &format!(
                "SELECT COUNT(*) AS n FROM audit_log WHERE action = '{action}' \
                 AND participant_id = {} AND actor_id = {} AND actor_role = 'participant' \
                 AND client_ip IS NOT NULL AND request_id IS NOT NULL",
                m.id, m.id
            ),
        );
        assert_eq!(n, 1, "{action} recorded once, with address and request id");
    }
    // The chain still verifies.
    let out = common::antre_cli(&db, &["audit", "verify"], "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
crate::both_backends!(a_participants_own_steps_are_chained, clock = CLOCK);

/// One minute after midnight WITA: 2026-11-30 (seven days on) has just
/// opened for booking.
const OPENING: &str = "2026-11-23T00:01:00+08:00";
/// After a five-minute draw window.
const AFTER_DRAW: &str = "2026-11-23T00:06:00+08:00";
const OPENED_DAY: &str = "2026-11-30";

async fn a_new_day_released_by_draw(db: TestDb, app: TestApp) {
    let admin = admin_token(&db, &app).await;
    let (status, v) = app
        .put(
            &format!("/api/v1/branches/{BRANCH}/release"),
            Some(&admin),
            &json!({"mode": "lottery"}),
        )
        .await;
    assert_eq!(
        (status, v["error"]["field"].as_str()),
        (422, Some("mode")),
        "{v}"
    );
    let (status, v) = app
        .put(
            &format!("/api/v1/branches/{BRANCH}/release"),
            Some(&admin),
            &json!({"mode": "draw", "draw_minutes": 5}),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    // Six seats on the new day, nine people asking for the first session.
    let listed = fixtures::slots(&app, BRANCH, OPENED_DAY).await;
    for s in &listed {
        let (status, v) = set_capacity(&app, &admin, id(s), 1).await;
        assert_eq!(status, 200, "{v}");
    }
    let seats = listed.len();
    let mut people = Vec::new();
    for _ in 0..seats + 3 {
        let (m, claim) = fixtures::member_with_claim(&app).await;
        let (status, r) = fixtures::post_booking(&app, Some(&m.token), id(&listed[0]), claim).await;
        assert_eq!(status, 202, "collected, not booked: {r}");
        assert_eq!(r["status"], "pending", "{r}");
        let request = r["id"].as_i64().expect("request id");
        people.push((m, claim, request));
    }
    // Asking twice does not improve the odds.
    let (m, claim, request) = &people[0];
    let (status, v) = fixtures::post_booking(&app, Some(&m.token), id(&listed[1]), *claim).await;
    assert_eq!((status, error_code(&v)), (409, "already_in_draw"), "{v}");
    let (status, v) = app
        .get(&format!("/api/v1/draw-requests/{request}"), Some(&m.token))
        .await;
    assert_eq!(
        (status, v["status"].as_str()),
        (200, Some("pending")),
        "{v}"
    );
    let (status, _) = app
        .get(
            &format!("/api/v1/draw-requests/{request}"),
            Some(&people[1].0.token),
        )
        .await;
    assert_eq!(status, 404, "someone else's request is hidden");
    // Nothing is booked while the window is open.
    assert_eq!(common::count(&db, "SELECT COUNT(*) AS n FROM bookings"), 0);

    // After the window, the draw is held once: every seat goes, the rest
    // wait in line.
    app.kill();
    let app = TestApp::start(&db, &Options::clock(AFTER_DRAW));
    common::eventually(20, "the draw", || async {
        let pending = common::count(
            &db,
            "SELECT COUNT(*) AS n FROM draw_requests WHERE status = 'pending'",
        );
        (pending == 0).then_some(())
    })
    .await;
    let won = common::count(
        &db,
        "SELECT COUNT(*) AS n FROM draw_requests WHERE status = 'won'",
    );
    assert_eq!(won as usize, seats);
    let waiting = common::count(
        &db,
        "SELECT COUNT(*) AS n FROM waitlist WHERE status = 'waiting'",
    );
    assert_eq!(waiting, 3, "those the seats did not reach are in line");
    assert_eq!(common::count(&db, "SELECT COUNT(*) AS n FROM draws"), 1);
    let mut winners = 0;
    for (m, _, request) in &people {
        let (status, r) = app
            .get(&format!("/api/v1/draw-requests/{request}"), Some(&m.token))
            .await;
        assert_eq!(status, 200, "{r}");
        if r["status"] == "won" {
            winners += 1;
            let code = r["booking_code"].as_str().expect("booking code");
            let (_, b) = fixtures::booking(&app, &m.token, code).await;
            assert_eq!(b["status"], "booked", "{b}");
        } else {
            assert_eq!(r["status"], "lost", "{r}");
        }
    }
    assert_eq!(winners, seats);
    // The draw is reproducible from the audit entry: its seed and the
    // request ids give the recorded order, and the first `seats` won.
    let detail: Value = serde_json::from_str(&common::text(
        &db,
        "SELECT details AS s FROM audit_log WHERE action = 'draw_held'",
    ))
    .expect("details");
    let seed: u64 = detail["seed"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("seed");
    let ids: Vec<i64> = people.iter().map(|(_, _, r)| *r).collect();
    let order = antre::domain::draw::draw_order(&ids, seed);
    let recorded: Vec<i64> = serde_json::from_value(detail["order"].clone()).expect("order");
    assert_eq!(order, recorded);
    let recorded_won: Vec<i64> = serde_json::from_value(detail["won"].clone()).expect("won");
    assert_eq!(recorded_won, order[..seats].to_vec());
    check_seats(&db);
}
crate::both_backends!(a_new_day_released_by_draw, clock = OPENING);

async fn full_days_lead_to_the_line_and_elsewhere(db: TestDb, app: TestApp) {
    use crate::common::browser::{forms, hidden, Browser};
    let admin = admin_token(&db, &app).await;
    for s in fixtures::slots(&app, BRANCH, DAY).await {
        let (status, v) = set_capacity(&app, &admin, id(&s), 1).await;
        assert_eq!(status, 200, "{v}");
        let (m, claim) = fixtures::member_with_claim(&app).await;
        fixtures::book(&app, &m.token, id(&s), claim).await;
    }
    let (m, _) = fixtures::member_with_claim(&app).await;
    let b = Browser::member(&app, &m.email, &m.password).await;

    // A full day says so and offers its line and the first free seats.
    let day = b.get(&format!("/branches/{BRANCH}?date={DAY}")).await;
    assert_eq!(day.status, 200);
    assert!(
        day.html.contains("Semua sesi hari ini penuh"),
        "{}",
        day.html
    );
    assert!(day
        .html
        .contains("href=\"/sessions/first-free?from=2026-11-24\""));
    let join = forms(&day.html, "/waitlist");
    assert_eq!(join.len(), 1, "one way into the line");
    let csrf = hidden(join[0], "csrf").expect("csrf");
    let p = b
        .post(
            "/waitlist",
            &[
                ("csrf", &csrf),
                ("branch", BRANCH),
                ("date", DAY),
                ("claim_id", &hidden(join[0], "claim_id").expect("claim")),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.html);
    assert!(p.location.starts_with("/waitlist/"), "{}", p.location);
    let place = b.get(&p.location).await;
    assert_eq!(place.status, 200);
    assert!(place.html.contains("Posisi Anda"), "{}", place.html);
    // Back on the day: their place, not a second join.
    let day = b.get(&format!("/branches/{BRANCH}?date={DAY}")).await;
    assert!(forms(&day.html, "/waitlist").is_empty());
    assert!(day.html.contains(&format!("href=\"{}\"", p.location)));
    let me = b.get("/me").await;
    assert!(me.html.contains("Anda dalam daftar tunggu"), "{}", me.html);

    // "Cari jadwal terdekat": free seats only, filtered, local times with
    // the zone, one click to book (each button named for its session).
    let found = b.get("/sessions/first-free?timezone=WIT").await;
    assert_eq!(found.status, 200);
    assert!(found.html.contains("Cari jadwal terdekat"));
    assert!(
        found.html.contains("badge-wit")
            && !found.html.contains("badge-wib")
            && !found.html.contains("badge-wita")
    );
    let offers = forms(&found.html, "/bookings");
    assert!(!offers.is_empty(), "sessions with a Pesan button");
    let names: std::collections::BTreeSet<&str> = offers
        .iter()
        .filter_map(|f| {
            f.split("aria-label=\"")
                .nth(1)
                .and_then(|s| s.split('"').next())
        })
        .collect();
    assert_eq!(names.len(), offers.len(), "every button has its own name");
    let bali = b
        .get(&format!("/sessions/first-free?province=Bali&from={DAY}"))
        .await;
    assert!(
        !bali
            .html
            .contains(&format!("href=\"/branches/{BRANCH}?date={DAY}\"")),
        "the full day is not listed"
    );
    let p = b
        .post(
            "/bookings",
            &[
                ("csrf", &hidden(offers[0], "csrf").expect("csrf")),
                ("slot_id", &hidden(offers[0], "slot_id").expect("slot")),
                ("claim_id", &hidden(offers[0], "claim_id").expect("claim")),
            ],
        )
        .await;
    assert_eq!(
        (p.status, p.location.as_str()),
        (303, "/me/booking?done=booked"),
        "{}",
        p.html
    );
    let bad = b.get("/sessions/first-free?from=kemarin").await;
    assert_eq!(bad.status, 400);
    // Times follow the reader's language: 08.00 in Indonesian, 08:00 in English.
    let english = app
        .client
        .get(app.url(&format!("/branches/{BRANCH}?date={NEXT_DAY}")))
        .header("cookie", "lang=en")
        .send()
        .await
        .expect("day")
        .text()
        .await
        .expect("html");
    assert!(
        english.contains("08:00–09:00") && !english.contains("08.00–09.00"),
        "{english}"
    );

    // The supervisor closes hours of a day from the staff page.
    let sup = fixtures::staff(&app, &db, "supervisor", &fixtures::at_branch(Some(BRANCH))).await;
    let s = Browser::staff(&app, &sup.email).await;
    let page = s.get(&format!("/staff?date={NEXT_DAY}")).await;
    let close = forms(&page.html, "/staff/closures");
    assert_eq!(close.len(), 1, "{}", page.html);
    let csrf = hidden(close[0], "csrf").expect("csrf");
    let refused = s
        .post(
            "/staff/closures",
            &[
                ("csrf", &csrf),
                ("branch", BRANCH),
                ("date", NEXT_DAY),
                ("reason", ""),
            ],
        )
        .await;
    assert_eq!(refused.status, 303);
    assert!(
        refused.location.contains("error=closure_reason_required"),
        "{}",
        refused.location
    );
    let done = s
        .post(
            "/staff/closures",
            &[
                ("csrf", &csrf),
                ("branch", BRANCH),
                ("date", NEXT_DAY),
                ("from", "13:00"),
                ("reason", "Listrik padam"),
            ],
        )
        .await;
    assert!(done.location.ends_with("done=closure"), "{}", done.location);
    let day = b.get(&format!("/branches/{BRANCH}?date={NEXT_DAY}")).await;
    assert!(
        day.html.contains("Ditutup</strong>: Listrik padam"),
        "{}",
        day.html
    );
}
crate::both_backends!(full_days_lead_to_the_line_and_elsewhere, clock = CLOCK);

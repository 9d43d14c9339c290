//! The outreach worklist (issue 19), on both backends: a participant booked
//! for the next working day with documents missing is on that branch's
//! list (not another's) with the missing items named; one agent claims the
//! item, a second cannot; an attempt is recorded, audited and counted in
//! the figures; uploading the missing documents takes the item off the
//! list. Many agents claiming at once: exactly one wins. No-shows, expiring
//! waiting-line offers and rejected documents come and go with their
//! reason. Bad input is 422 in the caller's language, participants 403,
//! unknown items 404.

use std::sync::Arc;

use serde_json::{json, Value};

use crate::common::bookings::{at_signal, joined};
use crate::common::{self, error_code, fixtures, Options, TestApp, TestDb};

/// 08:00 WITA on Monday 2026-11-23; the next working day is Tuesday.
const CLOCK: &str = "2026-11-23T08:00:00+08:00";
/// Tuesday 16:00 WITA: Tuesday's sessions are over.
const TUESDAY_EVENING: &str = "2026-11-24T16:00:00+08:00";
const BRANCH: &str = "DPS-DENPASAR";
const OTHER: &str = "JKT-CILANDAK";
const DAY: &str = "2026-11-24";
/// Friday: more than two working days ahead of Monday.
const FRIDAY: &str = "2026-11-27";

async fn worklist(app: &TestApp, token: &str, branch: &str) -> Vec<Value> {
    let (status, v) = app
        .get(
            &format!("/api/v1/outreach/worklist?branch={branch}"),
            Some(token),
        )
        .await;
    assert_eq!(status, 200, "worklist of {branch}: {v}");
    v.as_array().cloned().expect("a list")
}

/// The item about booking `code`, if listed.
fn about(list: &[Value], code: &str) -> Option<Value> {
    list.iter().find(|i| i["booking_code"] == code).cloned()
}

async fn figures(app: &TestApp, token: &str, date: &str) -> Value {
    let path = format!("/api/v1/outreach/figures?branch={BRANCH}&date={date}");
    let (status, v) = app.get(&path, Some(token)).await;
    assert_eq!(status, 200, "figures: {v}");
    v
}

async fn claim(app: &TestApp, token: &str, item: i64) -> (u16, Value) {
    app.act(&format!("/api/v1/outreach/{item}/claim"), token)
        .await
}

async fn attempt(app: &TestApp, token: &str, item: i64, body: Value) -> (u16, Value) {
    let path = format!("/api/v1/outreach/{item}/attempts");
    app.post(&path, Some(token), &body).await
}

/// A member booked on `day` at `branch` (the first session), having
/// uploaded `kinds`: (member, claim, booking code).
async fn booked(
    app: &TestApp,
    branch: &str,
    day: &str,
    kinds: &[&str],
) -> (fixtures::Member, i64, String) {
    let (m, claim) = fixtures::member_with_claim(app).await;
    for (i, kind) in kinds.iter().enumerate() {
        let png = common::files::png_seeded(100 + i as u32 + fixtures::unique());
        let (status, v) =
            fixtures::upload_document(app, &m.token, claim, kind, &format!("{kind}.png"), png)
                .await;
        assert_eq!(status, 201, "upload {kind}: {v}");
    }
    let slot = fixtures::slots(app, branch, day).await[0]["id"]
        .as_i64()
        .expect("slot");
    let code = fixtures::book(app, &m.token, slot, claim).await;
    (m, claim, code)
}

async fn missing_documents_are_worked_until_uploaded(db: TestDb, app: TestApp) {
    let at = |b: &'static str| fixtures::at_branch(Some(b));
    let agent = fixtures::staff(&app, &db, "cs", &at(BRANCH)).await;
    let colleague = fixtures::staff(&app, &db, "cs", &at(BRANCH)).await;
    let elsewhere = fixtures::staff(&app, &db, "cs", &at(OTHER)).await;
    let admin = fixtures::staff(&app, &db, "admin", &[]).await;
    let (member, claim_id, code) = booked(&app, BRANCH, DAY, &["kpj_card", "ektp"]).await;
    let (_, _, far_code) = booked(&app, OTHER, DAY, &[]).await;

    // On this branch's list, with the missing items named, masked.
    let list = worklist(&app, &agent.token, BRANCH).await;
    let item = about(&list, &code).unwrap_or_else(|| panic!("not listed: {list:?}"));
    assert_eq!(item["reason"], "missing_documents", "{item}");
    assert_eq!(
        item["missing"],
        json!(["kk", "bank_book", "selfie", "resignation_letter"]),
        "{item}"
    );
    assert_eq!(item["participant"]["name"], "Budi S.", "{item}");
    let masked = item["participant"]["phone"].as_str().unwrap_or_default();
    assert!(
        masked.starts_with("+62812") && masked.contains("****"),
        "{item}"
    );
    assert!(item.get("claimed_by").is_none(), "{item}");
    assert!(about(&list, &far_code).is_none(), "another branch's item");
    let id = item["id"].as_i64().expect("item id");
    // The same id on every read; on the admin's view too.
    let again = worklist(&app, &admin.token, BRANCH).await;
    assert_eq!(
        about(&again, &code).map(|i| i["id"].clone()),
        Some(json!(id))
    );
    // Not on the other branch's list; that list is not this agent's.
    let theirs = worklist(&app, &elsewhere.token, OTHER).await;
    assert!(about(&theirs, &code).is_none(), "{theirs:?}");
    assert!(about(&theirs, &far_code).is_some(), "{theirs:?}");
    let (status, v) = app
        .get(
            &format!("/api/v1/outreach/worklist?branch={OTHER}"),
            Some(&agent.token),
        )
        .await;
    assert_eq!((status, error_code(&v)), (404, "branch_not_found"), "{v}");
    let (status, v) = claim(&app, &elsewhere.token, id).await;
    assert_eq!(status, 404, "another branch's item: {v}");

    // One agent takes it and sees the number to call; a second cannot.
    let (status, v) = claim(&app, &agent.token, id).await;
    assert_eq!(status, 200, "{v}");
    let phone = v["participant"]["phone"].as_str().unwrap_or_default();
    assert!(phone.starts_with("+62812") && !phone.contains('*'), "{v}");
    assert_eq!(v["participant"]["name"], "Budi Santoso", "{v}");
    let (status, v) = claim(&app, &colleague.token, id).await;
    assert_eq!((status, error_code(&v)), (409, "claimed"), "{v}");
    let call = json!({"channel": "phone", "outcome": "no_answer"});
    let (status, v) = attempt(&app, &colleague.token, id, call).await;
    assert_eq!((status, error_code(&v)), (409, "claimed"), "{v}");
    let seen = worklist(&app, &colleague.token, BRANCH).await;
    let held = about(&seen, &code).expect("still listed");
    assert_eq!(held["claimed_by_id"], agent.id, "{held}");
    assert!(held["claimed_by"].is_string(), "{held}");
    assert!(held["participant"]["phone"]
        .as_str()
        .unwrap_or_default()
        .contains('*'));

    // The call is recorded, audited, counted; the item is worked.
    let call =
        json!({"channel": "phone", "outcome": "will_upload", "note": "Akan unggah malam ini"});
    let (status, v) = attempt(&app, &agent.token, id, call).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(
        (v["channel"].clone(), v["outcome"].clone()),
        (json!("phone"), json!("will_upload"))
    );
    let f = figures(&app, &agent.token, "2026-11-23").await;
    assert_eq!(
        (
            f["attempts"].clone(),
            f["reached"].clone(),
            f["resolved"].clone()
        ),
        (json!(1), json!(1), json!(0)),
        "{f}"
    );
    assert!(f["items"].as_i64().unwrap_or_default() >= 1, "{f}");
    let audited = common::count(
        &db,
        &format!(
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'outreach_attempt' \
             AND actor_id = {} AND participant_id = {} AND claim_id = {claim_id} \
             AND branch_code = '{BRANCH}' AND client_ip IS NOT NULL AND request_id IS NOT NULL",
            agent.id, member.id
        ),
    );
    assert_eq!(audited, 1, "the attempt is in the audit chain");
    let (status, v) = claim(&app, &colleague.token, id).await;
    assert_eq!(status, 200, "a worked item is free again: {v}");
    let path = format!("/api/v1/outreach/{id}/claim");
    let (status, v) = app.delete(&path, Some(&colleague.token)).await;
    assert_eq!(status, 200, "{v}");
    let (status, v) = claim(&app, &agent.token, id).await;
    assert_eq!(status, 200, "released: {v}");

    // The documents come in: off the list, counted as resolved.
    for (i, kind) in ["kk", "bank_book", "selfie", "resignation_letter"]
        .iter()
        .enumerate()
    {
        let png = common::files::png_seeded(500 + i as u32);
        let (status, v) =
            fixtures::upload_document(&app, &member.token, claim_id, kind, "x.png", png).await;
        assert_eq!(status, 201, "{v}");
    }
    let list = worklist(&app, &agent.token, BRANCH).await;
    assert!(
        about(&list, &code).is_none(),
        "resolved, yet listed: {list:?}"
    );
    let f = figures(&app, &agent.token, "2026-11-23").await;
    assert_eq!(
        (f["resolved"].clone(), f["attempts"].clone()),
        (json!(1), json!(1)),
        "{f}"
    );
    let (status, v) = claim(&app, &agent.token, id).await;
    assert_eq!((status, error_code(&v)), (409, "outreach_resolved"), "{v}");
}
crate::both_backends!(missing_documents_are_worked_until_uploaded, clock = CLOCK);

async fn refusals(db: TestDb, app: TestApp) {
    let agent = fixtures::staff(&app, &db, "cs", &fixtures::at_branch(Some(BRANCH))).await;
    let auditor = fixtures::staff(&app, &db, "auditor", &[]).await;
    let (member, _, code) = booked(&app, BRANCH, DAY, &[]).await;
    let item = about(&worklist(&app, &agent.token, BRANCH).await, &code).expect("listed");
    let id = item["id"].as_i64().expect("id");

    // Participants and other staff roles: 403, whatever they send.
    for token in [&member.token, &auditor.token] {
        for path in [
            format!("/api/v1/outreach/worklist?branch={BRANCH}"),
            "/api/v1/outreach/worklist".to_string(),
            format!("/api/v1/outreach/figures?branch={BRANCH}&date=nope"),
        ] {
            let (status, v) = app.get(&path, Some(token)).await;
            assert_eq!(status, 403, "{path}: {v}");
        }
        let (status, v) = claim(&app, token, id).await;
        assert_eq!(status, 403, "{v}");
        let (status, v) = attempt(&app, token, id, json!({"channel": "sms"})).await;
        assert_eq!(status, 403, "{v}");
    }
    let (status, _) = app
        .get("/api/v1/outreach/worklist?branch=DPS-DENPASAR", None)
        .await;
    assert_eq!(status, 401);

    // Bad input: 422 naming the field, in the caller's language.
    let en = |body: Value| {
        app.client
            .post(app.url(&format!("/api/v1/outreach/{id}/attempts")))
            .bearer_auth(&agent.token)
            .header("accept-language", "en")
            .json(&body)
            .send()
    };
    let (status, v) = common::json_of(
        en(json!({"channel": "pigeon", "outcome": "reached"}))
            .await
            .expect("send"),
    )
    .await;
    assert_eq!((status, error_code(&v)), (422, "invalid_channel"), "{v}");
    assert_eq!(v["error"]["field"], "channel");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .starts_with("The channel"),
        "{v}"
    );
    let (status, v) = attempt(
        &app,
        &agent.token,
        id,
        json!({"channel": "sms", "outcome": "maybe"}),
    )
    .await;
    assert_eq!(
        (status, error_code(&v), v["error"]["field"].clone()),
        (422, "invalid_attempt_outcome", json!("outcome")),
        "{v}"
    );
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Hasil"),
        "{v}"
    );
    let (status, v) = attempt(&app, &agent.token, id, json!({"outcome": "reached"})).await;
    assert_eq!((status, error_code(&v)), (422, "invalid_channel"), "{v}");
    let long = "x".repeat(501);
    let (status, v) = attempt(
        &app,
        &agent.token,
        id,
        json!({"channel": "sms", "outcome": "reached", "note": long}),
    )
    .await;
    assert_eq!(
        (status, error_code(&v), v["error"]["field"].clone()),
        (422, "note_too_long", json!("note")),
        "{v}"
    );
    let (status, v) = app
        .get("/api/v1/outreach/worklist", Some(&agent.token))
        .await;
    assert_eq!(
        (status, error_code(&v), v["error"]["field"].clone()),
        (422, "branch_required", json!("branch")),
        "{v}"
    );
    let (status, v) = app
        .get(
            &format!("/api/v1/outreach/figures?branch={BRANCH}&date=2026-13-01"),
            Some(&agent.token),
        )
        .await;
    assert_eq!(
        (status, error_code(&v), v["error"]["field"].clone()),
        (422, "invalid_date", json!("date")),
        "{v}"
    );
    let (status, v) = app
        .get("/api/v1/outreach/worklist?branch=NOPE", Some(&agent.token))
        .await;
    assert_eq!((status, error_code(&v)), (404, "branch_not_found"), "{v}");
    // Unknown items: 404.
    let (status, v) = claim(&app, &agent.token, id + 1000).await;
    assert_eq!(
        (status, error_code(&v)),
        (404, "outreach_item_not_found"),
        "{v}"
    );
    let (status, v) = attempt(
        &app,
        &agent.token,
        id + 1000,
        json!({"channel": "sms", "outcome": "reached"}),
    )
    .await;
    assert_eq!(status, 404, "{v}");
    let (status, v) = app
        .delete(
            &format!("/api/v1/outreach/{}/claim", id + 1000),
            Some(&agent.token),
        )
        .await;
    assert_eq!(status, 404, "{v}");
    // Nothing was recorded by any of it.
    assert_eq!(
        common::count(&db, "SELECT COUNT(*) AS n FROM outreach_attempts"),
        0
    );
}
crate::both_backends!(refusals, clock = CLOCK);

async fn one_agent_wins_a_race(db: TestDb, app: TestApp) {
    let mut agents = Vec::new();
    for _ in 0..8 {
        let a = fixtures::staff(&app, &db, "cs", &fixtures::at_branch(Some(BRANCH))).await;
        agents.push(a.token);
    }
    let (_, _, code) = booked(&app, BRANCH, DAY, &[]).await;
    let item = about(&worklist(&app, &agents[0], BRANCH).await, &code).expect("listed");
    let id = item["id"].as_i64().expect("id");
    let barrier = Arc::new(tokio::sync::Barrier::new(agents.len()));
    let tasks = agents
        .iter()
        .map(|token| {
            let (client, url, token) = (
                app.client.clone(),
                app.url(&format!("/api/v1/outreach/{id}/claim")),
                token.clone(),
            );
            at_signal(&barrier, async move {
                let res = client
                    .post(url)
                    .bearer_auth(token)
                    .json(&json!({}))
                    .send()
                    .await;
                common::json_of(res.expect("claim")).await
            })
        })
        .collect();
    let answers = joined(tasks).await;
    let won = answers.iter().filter(|(s, _)| *s == 200).count();
    let lost = answers
        .iter()
        .filter(|(s, v)| *s == 409 && error_code(v) == "claimed")
        .count();
    assert_eq!((won, lost), (1, agents.len() - 1), "{answers:?}");
    // And a refresh racing the claims never made a second item.
    let items = common::count(&db, "SELECT COUNT(*) AS n FROM outreach_items");
    assert_eq!(items, 1);
}
crate::both_backends!(one_agent_wins_a_race, clock = CLOCK);

async fn no_shows_and_rejections_come_and_go(db: TestDb, app: TestApp) {
    let agent = fixtures::staff(&app, &db, "cs", &fixtures::at_branch(Some(BRANCH))).await;
    // Booked Tuesday with every document: not on Monday's list.
    let all = fixtures::RESIGNATION_ITEMS;
    let (absent, absent_claim, absent_code) = booked(&app, BRANCH, DAY, &all).await;
    // Booked Friday, documents in, one rejected by the agent.
    let (rejected, rejected_claim, friday_code) = booked(&app, BRANCH, FRIDAY, &all).await;
    let list = worklist(&app, &agent.token, BRANCH).await;
    assert!(about(&list, &absent_code).is_none(), "{list:?}");
    assert!(
        about(&list, &friday_code).is_none(),
        "Friday is not yet worth a call: {list:?}"
    );
    let (_, dossier) = fixtures::get_claim(&app, &rejected.token, rejected_claim).await;
    let (_, detail) = app
        .get(
            &format!("/api/v1/claims/{rejected_claim}"),
            Some(&agent.token),
        )
        .await;
    let kk = detail["documents"]
        .as_array()
        .and_then(|d| d.iter().find(|d| d["kind"] == "kk"))
        .and_then(|d| d["id"].as_i64())
        .unwrap_or_else(|| panic!("kk document: {detail} {dossier}"));
    let (status, v) = fixtures::review(
        &app,
        &agent.token,
        kk,
        json!({"decision": "reject", "reason": "unreadable"}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let list = worklist(&app, &agent.token, BRANCH).await;
    let item = list
        .iter()
        .find(|i| i["reason"] == "document_rejected" && i["claim_id"] == rejected_claim)
        .unwrap_or_else(|| panic!("rejection not listed: {list:?}"));
    assert_eq!(item["missing"], json!(["kk"]), "{item}");
    // A new kk takes it off.
    let png = common::files::png_seeded(900);
    let (status, v) =
        fixtures::upload_document(&app, &rejected.token, rejected_claim, "kk", "kk.png", png).await;
    assert_eq!(status, 201, "{v}");
    let list = worklist(&app, &agent.token, BRANCH).await;
    assert!(
        !list.iter().any(|i| i["reason"] == "document_rejected"),
        "{list:?}"
    );

    // Tuesday evening: the Tuesday booking nobody came to ends as a no-show,
    // the participant is told how to book again, the worklist shows them.
    app.kill();
    let app = TestApp::start(&db, &Options::clock(TUESDAY_EVENING));
    // A day later, everyone signs in again.
    let staff_token = fixtures::login(&app, &agent.email, fixtures::STAFF_PASSWORD).await;
    let absent_token = fixtures::login(&app, &absent.email, &absent.password).await;
    common::eventually(20, "the booking ended as a no-show", || async {
        let (_, v) = fixtures::booking(&app, &absent_token, &absent_code).await;
        (v["status"] == "no_show").then_some(())
    })
    .await;
    let told = common::count(
        &db,
        &format!(
            "SELECT COUNT(*) AS n FROM outbox WHERE recipient = '{}' \
             AND subject = 'Anda tidak hadir pada jadwal klaim JHT'",
            absent.email
        ),
    );
    assert_eq!(told, 1, "told how to book again, once");
    let audited = common::count(
        &db,
        "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'booking_no_show'",
    );
    assert_eq!(audited, 1);
    let list = worklist(&app, &staff_token, BRANCH).await;
    let item = about(&list, &absent_code).unwrap_or_else(|| panic!("no-show not listed: {list:?}"));
    assert_eq!(item["reason"], "no_show", "{item}");
    assert_eq!(item["missing"], json!([]), "{item}");
    // The ended booking holds them no longer: they book again at once,
    // and that takes them off the list.
    let slot = fixtures::slots(&app, BRANCH, FRIDAY).await[1]["id"]
        .as_i64()
        .expect("slot");
    fixtures::book(&app, &absent_token, slot, absent_claim).await;
    let list = worklist(&app, &staff_token, BRANCH).await;
    assert!(
        about(&list, &absent_code).is_none(),
        "booked again, yet listed: {list:?}"
    );
}
crate::both_backends!(no_shows_and_rejections_come_and_go, clock = CLOCK);

async fn the_page_works_the_list_without_javascript(db: TestDb, app: TestApp) {
    use crate::common::browser::{forms, hidden, Browser};
    let agent = fixtures::staff(&app, &db, "cs", &fixtures::at_branch(Some(BRANCH))).await;
    let (member, _, code) = booked(&app, BRANCH, DAY, &["kpj_card"]).await;
    let b = Browser::staff(&app, &agent.email).await;
    // The header leads to the list.
    let p = b.get("/console").await;
    assert!(
        p.html.contains("href=\"/staff/outreach\""),
        "no link in the navigation"
    );
    let p = b.get("/staff/outreach").await;
    assert_eq!(p.status, 200, "{}", p.html);
    assert!(p.html.contains("Dokumen belum lengkap"), "reason not named");
    assert!(
        p.html.contains(&code) && p.html.contains("Budi S."),
        "{}",
        p.html
    );
    assert!(
        p.html.contains("Kartu Keluarga") || p.html.contains("kk"),
        "missing items"
    );
    assert!(
        !p.html.contains("tel:"),
        "a number to call before taking the item"
    );
    let id = common::count(&db, "SELECT MAX(id) AS n FROM outreach_items");
    let claim_action = format!("/staff/outreach/{id}/claim?branch={BRANCH}");
    let form = forms(&p.html, &claim_action);
    assert_eq!(form.len(), 1, "claim form for item {id}");
    let csrf = hidden(form[0], "csrf").expect("csrf");
    // Without the token nothing happens.
    let p = b.post(&claim_action, &[]).await;
    assert_eq!(p.status, 403);
    let p = b.post(&claim_action, &[("csrf", &csrf)]).await;
    assert_eq!(p.status, 303, "{}", p.html);
    assert!(p.location.contains("done=claimed"), "{}", p.location);
    let p = b
        .get(&format!("/staff/outreach?branch={BRANCH}&done=claimed"))
        .await;
    let phone = common::text(
        &db,
        &format!(
            "SELECT phone AS s FROM participants WHERE id = {}",
            member.id
        ),
    );
    assert!(
        p.html.contains(&format!("href=\"tel:{phone}\"")),
        "tel: link for {phone}"
    );
    assert!(p.html.contains("Budi Santoso"));
    let attempts = format!("/staff/outreach/{id}/attempts?branch={BRANCH}");
    let form = forms(&p.html, &attempts);
    assert_eq!(form.len(), 1, "attempt form");
    let fields = [
        ("csrf", csrf.as_str()),
        ("channel", "whatsapp"),
        ("outcome", "will_come"),
        ("note", "Datang besok"),
    ];
    let p = b.post(&attempts, &fields).await;
    assert_eq!(p.status, 303, "{}", p.html);
    assert!(p.location.contains("done=recorded"), "{}", p.location);
    let recorded = common::count(
        &db,
        &format!("SELECT COUNT(*) AS n FROM outreach_attempts WHERE item_id = {id} AND channel = 'whatsapp' AND outcome = 'will_come'"),
    );
    assert_eq!(recorded, 1);
    let p = b.get(&format!("/staff/outreach?branch={BRANCH}")).await;
    assert!(p.html.contains("Akan datang"), "the attempt is shown");
    // A bad outcome comes back as a message on the list.
    let bad = [
        ("csrf", csrf.as_str()),
        ("channel", "fax"),
        ("outcome", "reached"),
    ];
    let p = b.post(&attempts, &bad).await;
    assert!(
        p.location.contains("error=invalid_channel"),
        "{}",
        p.location
    );
    // Participants are refused.
    let m = Browser::member(&app, &member.email, &member.password).await;
    assert_eq!(m.get("/staff/outreach").await.status, 403);
}
crate::both_backends!(the_page_works_the_list_without_javascript, clock = CLOCK);

/// 70 minutes after CLOCK: a two-hour offer made at CLOCK runs out within
/// the hour.
const LATER: &str = "2026-11-23T09:10:00+08:00";

async fn expiring_offers_are_worth_a_call(db: TestDb, app: TestApp) {
    use crate::common::bookings::{admin_token, set_capacity};
    let admin = admin_token(&db, &app).await;
    let agent = fixtures::staff(&app, &db, "cs", &fixtures::at_branch(Some(BRANCH))).await;
    // A full Tuesday, one person in its waiting line.
    let mut seats = Vec::new();
    for s in fixtures::slots(&app, BRANCH, DAY).await {
        let slot = s["id"].as_i64().expect("slot");
        let (status, v) = set_capacity(&app, &admin, slot, 1).await;
        assert_eq!(status, 200, "{v}");
        let (m, claim) = fixtures::member_with_claim(&app).await;
        seats.push((
            m.token.clone(),
            fixtures::book(&app, &m.token, slot, claim).await,
        ));
    }
    let (waiter, claim) = fixtures::member_with_claim(&app).await;
    let body = json!({"branch": BRANCH, "date": DAY, "claim_id": claim});
    let (status, v) = app
        .post("/api/v1/waitlist", Some(&waiter.token), &body)
        .await;
    assert_eq!(status, 201, "{v}");
    let entry = v["id"].as_i64().expect("entry");
    // A seat frees: held for the waiter for two hours, not yet worth a call.
    let (status, v) = fixtures::cancel(&app, &seats[0].0, &seats[0].1).await;
    assert_eq!(status, 200, "{v}");
    let (_, place) = app
        .get(&format!("/api/v1/waitlist/{entry}"), Some(&waiter.token))
        .await;
    assert_eq!(place["status"], "offered", "{place}");
    let offering = |list: &[Value]| {
        list.iter()
            .find(|i| i["reason"] == "offer_expiring" && i["claim_id"] == claim)
            .cloned()
    };
    assert!(offering(&worklist(&app, &agent.token, BRANCH).await).is_none());

    // Seventy minutes on, the offer runs out within the hour: call them.
    app.kill();
    let app = TestApp::start(&db, &Options::clock(LATER));
    let staff_token = fixtures::login(&app, &agent.email, fixtures::STAFF_PASSWORD).await;
    let waiter_token = fixtures::login(&app, &waiter.email, &waiter.password).await;
    let list = worklist(&app, &staff_token, BRANCH).await;
    let item = offering(&list).unwrap_or_else(|| panic!("offer not listed: {list:?}"));
    assert!(item["due_at"].is_string(), "{item}");
    // Accepting the seat takes them off.
    let path = format!("/api/v1/waitlist/{entry}/accept");
    let (status, v) = app.post(&path, Some(&waiter_token), &json!({})).await;
    assert_eq!(status, 201, "{v}");
    assert!(offering(&worklist(&app, &staff_token, BRANCH).await).is_none());
}
crate::both_backends!(expiring_offers_are_worth_a_call, clock = CLOCK);

/// Tuesday 07:50 WITA: before the first session.
const TUESDAY_MORNING: &str = "2026-11-24T07:50:00+08:00";

async fn reached_people_who_came_count_as_no_shows_avoided(db: TestDb, app: TestApp) {
    let at = fixtures::at_branch(Some(BRANCH));
    let agent = fixtures::staff(&app, &db, "cs", &at).await;
    let supervisor = fixtures::staff(&app, &db, "supervisor", &at).await;
    // Two booked for Tuesday, documents missing; one uploads after the call.
    let (came, _, came_code) = booked(&app, BRANCH, DAY, &["kpj_card"]).await;
    let (absent, _, absent_code) = booked(&app, BRANCH, DAY, &["kpj_card"]).await;
    let (uploader, uploader_claim, uploader_code) = booked(&app, BRANCH, DAY, &[]).await;
    let list = worklist(&app, &agent.token, BRANCH).await;
    for (code, outcome) in [
        (&came_code, "will_come"),
        (&absent_code, "no_answer"),
        (&uploader_code, "will_upload"),
    ] {
        let id = about(&list, code).expect("listed")["id"]
            .as_i64()
            .expect("id");
        let (status, v) = claim(&app, &agent.token, id).await;
        assert_eq!(status, 200, "{v}");
        let body = json!({"channel": "phone", "outcome": outcome});
        let (status, v) = attempt(&app, &agent.token, id, body).await;
        assert_eq!(status, 201, "{v}");
    }
    for (i, kind) in fixtures::RESIGNATION_ITEMS.iter().enumerate() {
        let png = common::files::png_seeded(700 + i as u32);
        let (status, v) =
            fixtures::upload_document(&app, &uploader.token, uploader_claim, kind, "x.png", png)
                .await;
        assert_eq!(status, 201, "{v}");
    }
    let f = figures(&app, &agent.token, DAY).await;
    assert_eq!(f["resolved_before_session"], 1, "{f}");
    assert_eq!(f["no_shows_avoided"], 0, "nobody has come yet: {f}");
    app.kill();

    // Tuesday morning: the one who said they would come checks in.
    let app = TestApp::start(&db, &Options::clock(TUESDAY_MORNING));
    let sup = fixtures::login(&app, &supervisor.email, fixtures::STAFF_PASSWORD).await;
    let kiosk = fixtures::device(&app, &sup, BRANCH, "kiosk").await;
    let nik = |m: &fixtures::Member| json!({"nik": m.nik});
    let (status, v) = fixtures::arrive_at(&app, &kiosk, BRANCH, &nik(&came)).await;
    assert_eq!(status, 201, "arrival: {v}");
    app.kill();

    // Evening: the unreached one is a no-show; the figures tell the day.
    let app = TestApp::start(&db, &Options::clock(TUESDAY_EVENING));
    let staff_token = fixtures::login(&app, &agent.email, fixtures::STAFF_PASSWORD).await;
    let absent_token = fixtures::login(&app, &absent.email, &absent.password).await;
    common::eventually(20, "the absent booking ended as a no-show", || async {
        let (_, v) = fixtures::booking(&app, &absent_token, &absent_code).await;
        (v["status"] == "no_show").then_some(())
    })
    .await;
    let f = figures(&app, &staff_token, DAY).await;
    assert_eq!(f["no_shows_avoided"], 1, "{f}");
    assert_eq!(f["resolved_before_session"], 1, "{f}");
    app.kill();
}
crate::both_backends!(
    reached_people_who_came_count_as_no_shows_avoided,
    clock = CLOCK
);

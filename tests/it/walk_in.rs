//! A walk-in with no online account, served to the end from the console
//! (`../shared/API.md`, "Walk-ins with no online account"): the agent
//! registers the ticket's NIK, opens the claim under the online rules,
//! uploads the scans and verifies, every step audited with the session;
//! nobody else can do any of it.
#![allow(clippy::unwrap_used)]

use serde_json::{json, Value};

use crate::common::browser::{csrf_of, forms, Browser, Page};
use crate::common::fixtures::{self, arrive_at, set_status, Staff, RESIGNATION_ITEMS};
use crate::common::{assert_error, count, files, Backend, Options, TestApp, TestDb};
use crate::messages::{bind_gateway, gateway};

/// 08:40 WITA on Tuesday 2026-11-24.
const CLOCK: &str = "2026-11-24T08:40:00+08:00";
const BRANCH: &str = "DPS-DENPASAR";

async fn cs(app: &TestApp, db: &TestDb, branch: &str) -> Staff {
    let s = fixtures::staff(app, db, "cs", &fixtures::at_branch(Some(branch))).await;
    let (status, v) = set_status(app, &s.token, "on_duty").await;
    assert_eq!(status, 200, "on duty: {v}");
    s
}

/// A walk-in's arrival at BRANCH; the agent's session for it.
async fn arrive(app: &TestApp, kiosk: &str, agent: &Staff, nik: &str) -> Value {
    let (status, v) = arrive_at(app, kiosk, BRANCH, &json!({"nik": nik})).await;
    assert_eq!(status, 201, "arrival: {v}");
    session_of(app, agent, v["ticket"].as_str().unwrap()).await
}

async fn session_of(app: &TestApp, agent: &Staff, ticket: &str) -> Value {
    let (status, v) = app
        .get("/api/v1/console/sessions", Some(&agent.token))
        .await;
    assert_eq!(status, 200, "{v}");
    v.as_array()
        .unwrap()
        .iter()
        .find(|s| s["ticket"] == ticket)
        .cloned()
        .unwrap_or_else(|| panic!("no session for {ticket}: {v}"))
}

async fn register(app: &TestApp, agent: &Staff, session: &Value, body: Value) -> (u16, Value) {
    let path = format!("/api/v1/console/sessions/{}/register", session["id"]);
    app.post(&path, Some(&agent.token), &body).await
}

async fn open_claim(app: &TestApp, agent: &Staff, session: &Value, body: Value) -> (u16, Value) {
    let path = format!("/api/v1/console/sessions/{}/claims", session["id"]);
    app.post(&path, Some(&agent.token), &body).await
}

fn walk_in_details() -> Value {
    json!({"kpj": "12345678901", "full_name": "Made Wirawan", "phone": "0812-3456-7890"})
}

fn audited(db: &TestDb, action: &str, agent: &Staff, session: &Value) -> i64 {
    count(
        db,
        &format!(
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = '{action}' \
             AND actor_id = {} AND session_id = {} AND branch_code = '{BRANCH}'",
            agent.id, session["id"]
        ),
    )
}

async fn walk_in_to_verified(backend: Backend) {
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    let port = crate::common::free_port();
    let received = gateway(bind_gateway(port).await);
    let webhook = format!("http://127.0.0.1:{port}/m");
    let app = TestApp::start(
        &db,
        &Options::clock(CLOCK).with_env("ANTRE_MESSAGE_WEBHOOK_URL", &webhook),
    );
    let spv = fixtures::staff(&app, &db, "supervisor", &fixtures::at_branch(Some(BRANCH))).await;
    let kiosk = fixtures::device(&app, &spv.token, BRANCH, "kiosk").await;
    let agent = cs(&app, &db, BRANCH).await;
    let stranger = cs(&app, &db, "JKT-CILANDAK").await;
    let nik = fixtures::nik(12, 5, 1985, false);
    let s = arrive(&app, &kiosk, &agent, &nik).await;
    assert!(s["participant"]["name"].is_null(), "no account yet: {s}");
    assert!(s["claim_id"].is_null(), "{s}");

    // Nothing before registration, bad input named, nobody else's session.
    let claim_body = json!({"reason": "resignation", "last_working_day": "2026-01-15"});
    assert_error(
        &open_claim(&app, &agent, &s, claim_body.clone()).await,
        409,
        "participant_not_registered",
    );
    let bad = json!({"kpj": "12", "full_name": "Made Wirawan"});
    assert_error(&register(&app, &agent, &s, bad).await, 422, "invalid_kpj");
    let bad = json!({"kpj": "12345678901", "full_name": "Made Wirawan", "email": "not-an-email"});
    assert_error(&register(&app, &agent, &s, bad).await, 422, "invalid_email");
    assert_error(
        &register(&app, &stranger, &s, walk_in_details()).await,
        404,
        "session_not_found",
    );
    assert_error(
        &register(&app, &spv, &s, walk_in_details()).await,
        403,
        "forbidden",
    );
    let taken = fixtures::register(&app).await;
    let mut with_taken = walk_in_details();
    with_taken["email"] = json!(taken.email);
    assert_error(
        &register(&app, &agent, &s, with_taken).await,
        409,
        "email_taken",
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'participant_registered' AND actor_role = 'cs'"
        ),
        0
    );

    // WhatsApp reminders need the phone they go to.
    let no_phone =
        json!({"kpj": "12345678901", "full_name": "Made Wirawan", "messages": "whatsapp"});
    let (status, v) = register(&app, &agent, &s, no_phone).await;
    assert_eq!(
        (
            status,
            crate::common::error_code(&v),
            v["error"]["field"].as_str()
        ),
        (422, "messages_need_phone", Some("phone")),
        "{v}"
    );

    // Registered: the console shows the person; a second time is refused.
    // What they said of reminders is their choice, told at the console,
    // audited as the agent's.
    let mut told = walk_in_details();
    told["messages"] = json!("whatsapp");
    let (status, v) = register(&app, &agent, &s, told).await;
    assert_eq!(status, 201, "register: {v}");
    let pid = v["participant_id"].as_i64().unwrap();
    let consent = count(
        &db,
        &format!(
            "SELECT COUNT(*) AS n FROM message_consents WHERE participant_id = {pid} \
             AND channel = 'whatsapp' AND source = 'console' AND lang = 'id'"
        ),
    );
    assert_eq!(consent, 1, "the walk-in's choice recorded");
    assert_eq!(
        audited(&db, "message_consent_changed", &agent, &s),
        1,
        "at the counter"
    );
    let by_agent = count(
        &db,
        &format!(
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'message_consent_changed' \
             AND participant_id = {pid} AND actor_id = {} AND actor_role = 'cs'",
            agent.id
        ),
    );
    assert_eq!(by_agent, 1);
    assert_error(
        &register(&app, &agent, &s, walk_in_details()).await,
        409,
        "already_registered",
    );
    let s = session_of(&app, &agent, s["ticket"].as_str().unwrap()).await;
    assert_eq!(s["participant"]["name"], "Made Wirawan", "{s}");
    assert_eq!(s["participant"]["kpj"], "12345678901", "{s}");
    assert_eq!(audited(&db, "participant_registered", &agent, &s), 1);
    // No password: nothing signs in to the account (the placeholder
    // address included) until its owner resets one.
    let (status, _) = fixtures::login_raw(&app, &format!("{nik}.loket@pekerja.invalid"), "").await;
    assert_ne!(status, 200);

    // The claim, under the online rules: too early after the last working
    // day is the same refusal as online.
    let early = json!({"reason": "resignation", "last_working_day": "2026-11-10"});
    assert_error(
        &open_claim(&app, &agent, &s, early).await,
        422,
        "not_yet_eligible",
    );
    assert_error(
        &open_claim(&app, &stranger, &s, claim_body.clone()).await,
        404,
        "session_not_found",
    );
    let (status, v) = open_claim(&app, &agent, &s, claim_body.clone()).await;
    assert_eq!(status, 201, "claim: {v}");
    assert_eq!(
        (v["reason"].as_str(), v["status"].as_str()),
        (Some("resignation"), Some("open"))
    );
    let claim = v["id"].as_i64().unwrap();
    assert_error(
        &open_claim(&app, &agent, &s, claim_body).await,
        409,
        "claim_open",
    );
    let s = session_of(&app, &agent, s["ticket"].as_str().unwrap()).await;
    assert_eq!(s["claim_id"], claim, "{s}");
    assert_eq!(
        count(&db, &format!("SELECT COUNT(*) AS n FROM claims WHERE id = {claim} AND participant_id = {pid} AND channel = 'branch'")),
        1
    );
    assert_eq!(audited(&db, "claim_opened", &agent, &s), 1);

    // The agent adds the scans; another branch's agent cannot.
    // An agent not serving them: refused like any staff upload.
    ektp_refused(&app, &stranger.token, claim, 1).await;
    let mut docs = Vec::new();
    for (i, kind) in RESIGNATION_ITEMS.iter().enumerate() {
        let name = format!("{kind}.png");
        let (status, v) = fixtures::upload_document(
            &app,
            &agent.token,
            claim,
            kind,
            &name,
            files::png_seeded(i as u32),
        )
        .await;
        assert_eq!(status, 201, "upload {kind}: {v}");
        docs.push(v["id"].as_i64().unwrap());
    }
    assert_eq!(
        audited(&db, "document_added_by_agent", &agent, &s),
        RESIGNATION_ITEMS.len() as i64
    );
    for doc in &docs {
        let (status, v) =
            fixtures::review(&app, &agent.token, *doc, json!({"decision": "accept"})).await;
        assert_eq!(status, 200, "accept {doc}: {v}");
    }

    // Verified by finishing the session.
    let (status, v) =
        fixtures::finish(&app, &agent.token, s["id"].as_i64().unwrap(), "verified").await;
    assert_eq!(status, 200, "finish: {v}");
    assert_eq!(
        count(
            &db,
            &format!("SELECT COUNT(*) AS n FROM claims WHERE id = {claim} AND status = 'verified'")
        ),
        1
    );
    // The session is over: the agent no longer adds to the claim.
    // After the session: refused like any staff upload.
    ektp_refused(&app, &agent.token, claim, 9).await;

    // Told when the money comes, on the WhatsApp they chose at the
    // console; no mail is queued to the account's address, which receives
    // none.
    let got = crate::common::eventually(30, "the decision message", || async {
        received.lock().expect("lock").first().cloned()
    })
    .await;
    let text = got["text"].as_str().unwrap_or_default();
    assert_eq!(
        (got["template"].as_str(), got["to"].as_str()),
        (Some("claim_verified"), Some("+6281234567890")),
        "{got}"
    );
    assert!(
        text.contains("terverifikasi")
            && text.contains("paling lambat")
            && text.contains("/messages/stop/"),
        "{text}"
    );

    // The account made at the counter has no mailbox: asked for by NIK,
    // the reset link goes by WhatsApp, and sets the first password.
    let (status, v) = app
        .post("/api/v1/auth/password-reset", None, &json!({"nik": "3171"}))
        .await;
    assert_eq!(
        (status, crate::common::error_code(&v)),
        (422, "invalid_nik"),
        "{v}"
    );
    let (status, v) = app
        .post("/api/v1/auth/password-reset", None, &json!({"nik": nik}))
        .await;
    assert_eq!(status, 202, "{v}");
    let reset = crate::common::eventually(30, "the reset link message", || async {
        let got = received.lock().expect("lock").clone();
        got.into_iter().find(|m| m["template"] == "password_reset")
    })
    .await;
    let text = reset["text"].as_str().unwrap_or_default();
    let link = text
        .split_whitespace()
        .find(|w| w.contains("/password-reset/"))
        .unwrap_or_else(|| panic!("no link: {text}"));
    let token = &link[link.rfind('/').expect("slash") + 1..];
    let body = json!({"token": token, "password": "Bilik-Denpasar-2026"});
    let (status, v) = app
        .post("/api/v1/auth/password-reset/confirm", None, &body)
        .await;
    assert_eq!(status, 200, "{v}");
    let login = json!({"nik": nik, "password": "Bilik-Denpasar-2026"});
    let (status, v) = app.post("/api/v1/auth/login", None, &login).await;
    assert_eq!(status, 200, "signed in by NIK with the first password: {v}");
    let to_nowhere = "SELECT COUNT(*) AS n FROM outbox WHERE recipient LIKE '%.invalid'";
    assert_eq!(count(&db, to_nowhere), 0);
}

/// The console form's answer: back (303) to the session's pane.
fn assert_back_to_pane(p: &Page, session: i64) {
    let pane = format!("/console#session-{session}");
    assert_eq!((p.status, p.location.as_str()), (303, pane.as_str()));
}

/// The console's short claim form posted for the session at `base`: a
/// resignation whose last working day is `date`.
async fn console_resignation(console: &Browser, base: &str, csrf: &str, date: &str) -> Page {
    let fields = [("csrf", csrf), ("reason", "resignation"), ("date", date)];
    console.post(&format!("{base}/claims"), &fields).await
}

/// An e-KTP scan (the PNG of `seed`) uploaded by `token` to the claim is
/// refused 403 `forbidden`, as any staff upload by an agent not serving
/// the participant.
async fn ektp_refused(app: &TestApp, token: &str, claim: i64, seed: u32) {
    let got = fixtures::upload_document(
        app,
        token,
        claim,
        "ektp",
        "ektp.png",
        files::png_seeded(seed),
    )
    .await;
    assert_error(&got, 403, "forbidden");
}
both_backends!(walk_in_to_verified);

/// A walk-in whose NIK already has an online account: registering is
/// refused, and the claim is opened for that account.
async fn walk_in_with_an_account(db: TestDb, app: TestApp) {
    let spv = fixtures::staff(&app, &db, "supervisor", &fixtures::at_branch(Some(BRANCH))).await;
    let kiosk = fixtures::device(&app, &spv.token, BRANCH, "kiosk").await;
    let agent = cs(&app, &db, BRANCH).await;
    let m = fixtures::register(&app).await;
    let s = arrive(&app, &kiosk, &agent, &m.nik).await;
    assert_eq!(s["participant"]["name"], "Budi Santoso", "{s}");
    assert_error(
        &register(&app, &agent, &s, walk_in_details()).await,
        409,
        "already_registered",
    );
    let body = json!({"reason": "resignation", "last_working_day": "2026-01-15"});
    let (status, v) = open_claim(&app, &agent, &s, body).await;
    assert_eq!(status, 201, "{v}");
    let (status, c) = fixtures::get_claim(&app, &m.token, v["id"].as_i64().unwrap()).await;
    assert_eq!(
        (status, c["status"].as_str()),
        (200, Some("open")),
        "the owner sees it: {c}"
    );
}
both_backends!(walk_in_with_an_account, clock = CLOCK);

/// The same walk-in served from the console page: the pane offers the
/// registration form, then the claim form, then an upload per missing
/// document; a refusal comes back to the pane in the agent's language.
async fn walk_in_on_the_console(db: TestDb, app: TestApp) {
    let spv = fixtures::staff(&app, &db, "supervisor", &fixtures::at_branch(Some(BRANCH))).await;
    let kiosk = fixtures::device(&app, &spv.token, BRANCH, "kiosk").await;
    let agent = cs(&app, &db, BRANCH).await;
    let s = arrive(&app, &kiosk, &agent, &fixtures::nik(3, 4, 1980, true)).await;
    let session = s["id"].as_i64().unwrap();
    let console = Browser::staff(&app, &agent.email).await;
    let base = format!("/console/sessions/{session}");

    let page = console.get("/console").await;
    assert_eq!(page.status, 200);
    assert_eq!(
        forms(&page.html, &format!("{base}/register")).len(),
        1,
        "registration form"
    );
    assert!(
        forms(&page.html, &format!("{base}/claims")).is_empty(),
        "no claim form before registration"
    );
    let csrf = csrf_of(&page.html);

    // A bad KPJ comes back to the pane with its sentence.
    let p = console
        .post(
            &format!("{base}/register"),
            &[
                ("csrf", &csrf),
                ("kpj", "12"),
                ("full_name", "Ni Luh Putu Ayu"),
            ],
        )
        .await;
    assert_eq!(p.status, 303);
    assert!(p.location.contains("error=invalid_kpj"), "{}", p.location);
    let p = console
        .post(
            &format!("{base}/register"),
            &[
                ("csrf", &csrf),
                ("kpj", "12345678902"),
                ("full_name", "Ni Luh Putu Ayu"),
                ("email", ""),
                ("phone", ""),
            ],
        )
        .await;
    assert_back_to_pane(&p, session);

    let page = console.get("/console").await;
    assert!(
        page.html.contains("Ni Luh Putu Ayu"),
        "the pane names the participant"
    );
    assert!(forms(&page.html, &format!("{base}/register")).is_empty());
    assert_eq!(
        forms(&page.html, &format!("{base}/claims")).len(),
        1,
        "claim form"
    );
    let p = console_resignation(&console, &base, &csrf, "2026-11-10").await;
    assert!(
        p.location.contains("error=not_yet_eligible"),
        "{}",
        p.location
    );
    let p = console_resignation(&console, &base, &csrf, "2026-01-15").await;
    assert_eq!(p.status, 303, "{}", p.location);

    // One upload form per missing document, named by the catalog.
    let page = console.get("/console").await;
    let uploads = forms(&page.html, &format!("{base}/documents"));
    assert_eq!(uploads.len(), RESIGNATION_ITEMS.len(), "{}", page.html);
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .text("kind", "ektp")
        .part(
            "file",
            reqwest::multipart::Part::bytes(files::png_seeded(4)).file_name("ektp.png"),
        );
    let p = console
        .post_multipart(&format!("{base}/documents"), form)
        .await;
    assert_back_to_pane(&p, session);
    let page = console.get("/console").await;
    assert_eq!(
        forms(&page.html, &format!("{base}/documents")).len(),
        RESIGNATION_ITEMS.len() - 1
    );
    assert!(
        !page.html.contains("ektp</summary>"),
        "document codes are not shown raw"
    );
    let s = session_of(&app, &agent, s["ticket"].as_str().unwrap()).await;
    assert_eq!(audited(&db, "document_added_by_agent", &agent, &s), 1);
}
both_backends!(walk_in_on_the_console, clock = CLOCK);

//! WhatsApp/SMS through the message gateway (issue 19), on both backends,
//! against a real HTTP server started here: the day-before reminder is
//! queued in the outbox with the mail; while the gateway is down nothing
//! is lost (the message waits, retried); once it is up the message arrives
//! exactly once, though two instances deliver the outbox. Messages go only
//! to those who chose a channel, end with a stop link, and stop when it is
//! followed.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};

use crate::common::{self, fixtures, Backend, Options, TestApp, TestDb};

/// 07:50 WITA on Monday: a booking for Tuesday made now is reminded at 08:00.
const EARLY: &str = "2026-11-23T07:50:00+08:00";
/// Just past 08:00 WITA: Tuesday's reminders are due.
const EIGHT: &str = "2026-11-23T08:00:05+08:00";
const BRANCH: &str = "DPS-DENPASAR";
const DAY: &str = "2026-11-24";

/// Listens on `port` for the gateway. A port found free earlier (or freed
/// while the gateway was down) may be held for a moment by another test's
/// connection as its own end: wait up to 20 s for it.
pub(crate) async fn bind_gateway(port: u16) -> TcpListener {
    let mut tries = 0;
    loop {
        match TcpListener::bind(("127.0.0.1", port)) {
            Ok(l) => return l,
            Err(e) if tries < 200 => {
                tries += 1;
                eprintln!("  gateway port {port} busy ({e}), retrying");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("gateway port {port}: {e}"),
        }
    }
}

/// A message gateway: answers 200 to every POST and keeps the JSON bodies.
pub(crate) fn gateway(listener: TcpListener) -> Arc<Mutex<Vec<Value>>> {
    let received = Arc::new(Mutex::new(Vec::new()));
    let keep = received.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let Ok(read_half) = stream.try_clone() else {
                continue;
            };
            let mut reader = BufReader::new(read_half);
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some((k, v)) = line.split_once(':') {
                    if k.eq_ignore_ascii_case("content-length") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                }
            }
            let mut body = vec![0u8; length];
            if reader.read_exact(&mut body).is_ok() {
                if let Ok(v) = serde_json::from_slice::<Value>(&body) {
                    keep.lock().expect("lock").push(v);
                }
            }
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok");
        }
    });
    received
}

fn whatsapp_rows(db: &TestDb, extra: &str) -> i64 {
    common::count(
        db,
        &format!("SELECT COUNT(*) AS n FROM outbox WHERE channel = 'whatsapp' {extra}"),
    )
}

async fn reminders_reach_the_gateway_once(backend: Backend) {
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    let port = common::free_port();
    let url = format!("http://127.0.0.1:{port}/messages");
    let app = TestApp::start(&db, &Options::clock(EARLY));
    let (member, claim) = fixtures::member_with_claim(&app).await;
    let (status, v) = app
        .put(
            "/api/v1/me/messages",
            Some(&member.token),
            &json!({"channel": "whatsapp"}),
        )
        .await;
    assert_eq!(
        (status, v["channel"].as_str()),
        (200, Some("whatsapp")),
        "{v}"
    );
    let slot = fixtures::slots(&app, BRANCH, DAY).await[0]["id"]
        .as_i64()
        .expect("slot");
    let code = fixtures::book(&app, &member.token, slot, claim).await;
    app.kill();

    // 08:00: the reminder is due; the gateway is down.
    let with_gateway = || {
        Options::clock(EIGHT)
            .with_env("ANTRE_MESSAGE_WEBHOOK_URL", &url)
            .with_env("ANTRE_MAIL_RETRY_SECS", "1")
    };
    let first = TestApp::start(&db, &with_gateway());
    common::eventually(30, "a failed delivery recorded", || async {
        (whatsapp_rows(
            &db,
            "AND sent_at IS NULL AND attempts >= 1 AND last_error IS NOT NULL",
        ) == 1)
            .then_some(())
    })
    .await;

    // The gateway comes up, and a second instance delivers too.
    let listener = bind_gateway(port).await;
    let received = gateway(listener);
    let second = TestApp::start(&db, &with_gateway());
    common::eventually(30, "the message delivered", || async {
        (whatsapp_rows(&db, "AND sent_at IS NOT NULL") == 1).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let got = received.lock().expect("lock").clone();
    assert_eq!(got.len(), 1, "sent once: {got:?}");
    assert_eq!(whatsapp_rows(&db, ""), 1, "queued once");
    let phone = common::text(
        &db,
        &format!(
            "SELECT phone AS s FROM participants WHERE id = {}",
            member.id
        ),
    );
    let m = &got[0];
    assert_eq!(m["to"], phone.as_str(), "{m}");
    assert!(phone.starts_with("+62"), "{phone}");
    assert_eq!(m["channel"], "whatsapp", "{m}");
    assert_eq!(m["template"], "booking_reminder", "{m}");
    let text = m["text"].as_str().unwrap_or_default();
    assert!(
        text.contains(&code) && text.contains("Kantor Cabang Denpasar"),
        "{text}"
    );
    assert!(
        text.contains("Kartu Keluarga"),
        "missing documents named: {text}"
    );
    first.kill();
    second.kill();
}
crate::both_backends!(reminders_reach_the_gateway_once);

async fn messages_need_consent_and_stop_on_request(backend: Backend) {
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    let port = common::free_port();
    let listener = bind_gateway(port).await;
    let received = gateway(listener);
    let opts = Options::clock(EARLY)
        .with_env(
            "ANTRE_MESSAGE_WEBHOOK_URL",
            &format!("http://127.0.0.1:{port}/m"),
        )
        .with_env("ANTRE_COOLING_OFF_MINUTES", "0");
    let app = TestApp::start(&db, &opts);

    // A channel is chosen at registration (or not at all); nonsense is 422.
    let register = |n: u32, messages: Option<&str>| {
        let mut body = fixtures::registration(n);
        if let Some(m) = messages {
            body["messages"] = json!(m);
        }
        let app = &app;
        async move { (app.post("/api/v1/participants", None, &body).await, body) }
    };
    let ((status, v), _) = register(fixtures::unique(), Some("telegram")).await;
    assert_eq!(
        (status, common::error_code(&v), v["error"]["field"].as_str()),
        (422, "invalid_message_channel", Some("messages")),
        "{v}"
    );
    let mut members = Vec::new();
    for choice in [Some("sms"), None] {
        let ((status, v), body) = register(fixtures::unique(), choice).await;
        assert_eq!(status, 201, "{v}");
        let email = body["email"].as_str().unwrap_or_default().to_string();
        let token = fixtures::login(&app, &email, "Klaim-JHT-2026!").await;
        let (_, me) = app.get("/api/v1/me", Some(&token)).await;
        assert_eq!(me["messages"], choice.unwrap_or("none"), "{me}");
        let claim = fixtures::claim(&app, &token).await;
        let slot = fixtures::slots(&app, BRANCH, DAY).await[2]["id"]
            .as_i64()
            .expect("slot");
        fixtures::book(&app, &token, slot, claim).await;
        members.push((v["id"].as_i64().expect("id"), token, email, claim));
    }
    let phone_of = |id: i64| {
        common::text(
            &db,
            &format!("SELECT phone AS s FROM participants WHERE id = {id}"),
        )
    };

    // The branch closes Tuesday at ten: the one who chose SMS gets an SMS
    // naming the reason, with a link to stop; the other only the mail.
    let sup = fixtures::staff(&app, &db, "supervisor", &fixtures::at_branch(Some(BRANCH))).await;
    let path = format!("/api/v1/branches/{BRANCH}/closures");
    let body = json!({"date": DAY, "from": "10:00", "until": "11:00", "reason": "Listrik padam"});
    let (status, v) = app.post(&path, Some(&sup.token), &body).await;
    assert_eq!(status, 201, "{v}");
    let got = common::eventually(30, "the closure SMS", || async {
        let got = received.lock().expect("lock").clone();
        (!got.is_empty()).then_some(got)
    })
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let got_now = received.lock().expect("lock").clone();
    assert_eq!(
        got_now.len(),
        1,
        "only the one who chose a channel: {got_now:?}"
    );
    let m = &got[0];
    assert_eq!(
        (
            m["to"].as_str(),
            m["channel"].as_str(),
            m["template"].as_str()
        ),
        (
            Some(phone_of(members[0].0).as_str()),
            Some("sms"),
            Some("branch_closure")
        ),
        "{m}"
    );
    let text = m["text"].as_str().unwrap_or_default();
    assert!(
        text.contains("Listrik padam") && text.contains("/waitlist/"),
        "{text}"
    );
    let stop = text
        .split_whitespace()
        .find(|w| w.contains("/messages/stop/"))
        .unwrap_or_else(|| panic!("no stop link: {text}"));
    let stop_path = &stop[stop.find("/messages/stop/").expect("path")..];

    // The stop link: a page with one button (a preview does not stop it).
    let browser = crate::common::browser::Browser::new(&app);
    let page = browser.get(stop_path).await;
    assert_eq!(page.status, 200, "{}", page.html);
    let (_, me) = app.get("/api/v1/me", Some(&members[0].1)).await;
    assert_eq!(me["messages"], "sms", "a GET stopped them: {me}");
    let csrf = crate::common::browser::csrf_of(&page.html);
    let page = browser.post(stop_path, &[("csrf", &csrf)]).await;
    assert_eq!(page.status, 200, "{}", page.html);
    let (_, me) = app.get("/api/v1/me", Some(&members[0].1)).await;
    assert_eq!(me["messages"], "none", "{me}");
    let page = browser.get("/messages/stop/not-a-token").await;
    assert_eq!(page.status, 404);
    let changes = common::count(
        &db,
        &format!(
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'message_consent_changed' \
             AND participant_id = {}",
            members[0].0
        ),
    );
    assert_eq!(changes, 2, "chosen at registration, stopped by the link");

    // Stopped means stopped: the next closure sends nothing.
    let (status, v) = app
        .put(
            "/api/v1/me/messages",
            Some(&members[0].1),
            &json!({"channel": "pager"}),
        )
        .await;
    assert_eq!(
        (status, v["error"]["field"].as_str()),
        (422, Some("channel")),
        "{v}"
    );
    let claim = members[0].3;
    let first = fixtures::slots(&app, BRANCH, DAY).await[0]["id"]
        .as_i64()
        .expect("slot");
    fixtures::book(&app, &members[0].1, first, claim).await;
    let body = json!({"date": DAY, "from": "08:00", "until": "09:00", "reason": "Rapat"});
    let (status, v) = app.post(&path, Some(&sup.token), &body).await;
    assert_eq!(status, 201, "{v}");
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(received.lock().expect("lock").len(), 1);
    app.kill();
}
crate::both_backends!(messages_need_consent_and_stop_on_request);

async fn outreach_messages_follow_consent(backend: Backend) {
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    let port = common::free_port();
    let listener = bind_gateway(port).await;
    let received = gateway(listener);
    let opts = Options::clock(EARLY).with_env(
        "ANTRE_MESSAGE_WEBHOOK_URL",
        &format!("http://127.0.0.1:{port}/m"),
    );
    let app = TestApp::start(&db, &opts);
    let agent = fixtures::staff(&app, &db, "cs", &fixtures::at_branch(Some(BRANCH))).await;
    let mut codes = Vec::new();
    for channel in ["whatsapp", "none"] {
        let (member, claim) = fixtures::member_with_claim(&app).await;
        let body = json!({"channel": channel});
        let (status, v) = app
            .put("/api/v1/me/messages", Some(&member.token), &body)
            .await;
        assert_eq!(status, 200, "{v}");
        let slot = fixtures::slots(&app, BRANCH, DAY).await[1]["id"]
            .as_i64()
            .expect("slot");
        codes.push(fixtures::book(&app, &member.token, slot, claim).await);
    }
    let path = format!("/api/v1/outreach/worklist?branch={BRANCH}");
    let (status, list) = app.get(&path, Some(&agent.token)).await;
    assert_eq!(status, 200, "{list}");
    let item_of = |code: &str| {
        list.as_array()
            .and_then(|l| l.iter().find(|i| i["booking_code"] == code))
            .and_then(|i| i["id"].as_i64())
            .unwrap_or_else(|| panic!("{code} not listed: {list}"))
    };
    let (willing, unwilling) = (item_of(&codes[0]), item_of(&codes[1]));
    let send = |id: i64| {
        let app = &app;
        let token = agent.token.clone();
        async move {
            app.post(
                &format!("/api/v1/outreach/{id}/messages"),
                Some(&token),
                &json!({}),
            )
            .await
        }
    };
    let (status, v) = send(unwilling).await;
    assert_eq!(
        (status, common::error_code(&v)),
        (409, "no_message_consent"),
        "{v}"
    );
    let (status, v) = send(willing).await;
    assert_eq!(
        (status, v["channel"].as_str()),
        (202, Some("whatsapp")),
        "{v}"
    );
    let got = common::eventually(30, "the outreach message", || async {
        received.lock().expect("lock").first().cloned()
    })
    .await;
    assert_eq!(got["template"], "outreach_missing_documents", "{got}");
    let text = got["text"].as_str().unwrap_or_default();
    assert!(
        text.contains(&codes[0])
            && text.contains("Kartu Keluarga")
            && text.contains("/messages/stop/"),
        "{text}"
    );
    let audited = common::count(
        &db,
        "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'outreach_message_sent'",
    );
    assert_eq!(audited, 1);
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(received.lock().expect("lock").len(), 1, "one message only");
    app.kill();
}
crate::both_backends!(outreach_messages_follow_consent);

async fn a_waiting_line_offer_is_messaged(backend: Backend) {
    use crate::common::bookings::{admin_token, id, set_capacity};
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    let port = common::free_port();
    let listener = bind_gateway(port).await;
    let received = gateway(listener);
    let opts = Options::clock(EARLY)
        .with_env(
            "ANTRE_MESSAGE_WEBHOOK_URL",
            &format!("http://127.0.0.1:{port}/m"),
        )
        .with_env("ANTRE_COOLING_OFF_MINUTES", "0");
    let app = TestApp::start(&db, &opts);
    // Tuesday full: one seat per session, all taken.
    let admin = admin_token(&db, &app).await;
    let mut holders = Vec::new();
    for s in fixtures::slots(&app, BRANCH, DAY).await {
        let (status, v) = set_capacity(&app, &admin, id(&s), 1).await;
        assert_eq!(status, 200, "{v}");
        let (m, claim) = fixtures::member_with_claim(&app).await;
        holders.push((
            m.token.clone(),
            fixtures::book(&app, &m.token, id(&s), claim).await,
        ));
    }
    // In line: one who chose SMS.
    let (waiting, claim) = fixtures::member_with_claim(&app).await;
    let (status, v) = app
        .put(
            "/api/v1/me/messages",
            Some(&waiting.token),
            &json!({"channel": "sms"}),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    let body = json!({"branch": BRANCH, "date": DAY, "claim_id": claim});
    let (status, v) = app
        .post("/api/v1/waitlist", Some(&waiting.token), &body)
        .await;
    assert_eq!(status, 201, "{v}");
    let entry = v["id"].as_i64().expect("entry");
    // A seat frees: the offer goes by mail and by SMS, with its link.
    let (token, code) = &holders[0];
    let (status, v) = app
        .delete(&format!("/api/v1/bookings/{code}"), Some(token))
        .await;
    assert!(status == 200 || status == 204, "{status} {v}");
    let got = common::eventually(30, "the offer SMS", || async {
        received.lock().expect("lock").first().cloned()
    })
    .await;
    assert_eq!(
        (got["channel"].as_str(), got["template"].as_str()),
        (Some("sms"), Some("waitlist_offer")),
        "{got}"
    );
    let text = got["text"].as_str().unwrap_or_default();
    assert!(
        text.contains(&format!("/waitlist/{entry}"))
            && text.contains("WITA")
            && text.contains("/messages/stop/"),
        "{text}"
    );
    app.kill();
}
crate::both_backends!(a_waiting_line_offer_is_messaged);

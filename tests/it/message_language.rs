//! The language of WhatsApp/SMS messages (both backends): chosen with the
//! channel — the language the registration was asked in, or said outright
//! on the contact page or by the API — every message and its stop line
//! are written in it, and the stop link's page opens in it in a browser
//! that never chose a language.

use serde_json::{json, Value};

use crate::common::browser::{csrf_of, Browser};
use crate::common::{self, fixtures, Backend, Options, TestApp, TestDb};
use crate::messages::{bind_gateway, gateway};

/// 07:50 WITA on Monday; the sessions are Tuesday's at Denpasar.
const EARLY: &str = "2026-11-23T07:50:00+08:00";
const BRANCH: &str = "DPS-DENPASAR";
const DAY: &str = "2026-11-24";
const PASSWORD: &str = "Klaim-JHT-2026!";

/// Registers through the API with `extra` fields and `accept` as the
/// request's `Accept-Language` (none when empty): the answer and the body.
async fn register(app: &TestApp, extra: Value, accept: &str) -> ((u16, Value), Value) {
    let mut body = fixtures::registration(fixtures::unique());
    for (k, v) in extra.as_object().into_iter().flatten() {
        body[k] = v.clone();
    }
    let mut req = app.client.post(app.url("/api/v1/participants")).json(&body);
    if !accept.is_empty() {
        req = req.header("Accept-Language", accept);
    }
    let res = req.send().await.expect("register");
    let status = res.status().as_u16();
    let v: Value = res.json().await.unwrap_or(Value::Null);
    ((status, v), body)
}

async fn me(app: &TestApp, token: &str) -> (String, String) {
    let (status, v) = app.get("/api/v1/me", Some(token)).await;
    assert_eq!(status, 200, "{v}");
    let word = |k: &str| v[k].as_str().unwrap_or_default().to_string();
    (word("messages"), word("messages_language"))
}

fn changes(db: &TestDb, participant: i64) -> i64 {
    common::count(
        db,
        &format!(
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'message_consent_changed' \
             AND participant_id = {participant}"
        ),
    )
}

async fn messages_speak_the_language_chosen(backend: Backend) {
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    let port = common::free_port();
    let received = gateway(bind_gateway(port).await);
    let opts = Options::clock(EARLY).with_env(
        "ANTRE_MESSAGE_WEBHOOK_URL",
        &format!("http://127.0.0.1:{port}/m"),
    );
    let app = TestApp::start(&db, &opts);

    // Registered asking in English, WhatsApp chosen: English messages.
    let ((status, v), body) =
        register(&app, json!({"messages": "whatsapp"}), "en-GB,en;q=0.9").await;
    assert_eq!(status, 201, "{v}");
    let english_email = body["email"].as_str().unwrap_or_default().to_string();
    let english = fixtures::login(&app, &english_email, PASSWORD).await;
    assert_eq!(me(&app, &english).await, ("whatsapp".into(), "en".into()));

    // A language outside the two is refused, naming its field, in the
    // caller's language; nothing is registered.
    let ((status, v), _) = register(&app, json!({"messages": "sms", "language": "jv"}), "en").await;
    assert_eq!(
        (status, common::error_code(&v), v["error"]["field"].as_str()),
        (422, "invalid_message_language", Some("language")),
        "{v}"
    );
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Choose the messages' language"),
        "{v}"
    );

    // Registered asking in nothing (Bahasa Indonesia), SMS chosen; the
    // language changed to English and back by the API. Saying the same
    // again changes (and audits) nothing; a channel alone keeps it.
    let ((status, v), body) = register(&app, json!({"messages": "sms"}), "").await;
    assert_eq!(status, 201, "{v}");
    let indonesian_id = v["id"].as_i64().expect("id");
    let indonesian_email = body["email"].as_str().unwrap_or_default().to_string();
    let indonesian = fixtures::login(&app, &indonesian_email, PASSWORD).await;
    assert_eq!(me(&app, &indonesian).await, ("sms".into(), "id".into()));
    for (sent, language) in [
        (json!({"channel": "sms", "language": "en"}), "en"),
        (json!({"channel": "sms"}), "en"),
        (json!({"channel": "sms", "language": "EN"}), "en"),
        (json!({"channel": "sms", "language": "id"}), "id"),
    ] {
        let (status, v) = app
            .put("/api/v1/me/messages", Some(&indonesian), &sent)
            .await;
        assert_eq!(
            (status, v["channel"].as_str(), v["language"].as_str()),
            (200, Some("sms"), Some(language)),
            "{sent}: {v}"
        );
    }
    let (status, v) = app
        .put(
            "/api/v1/me/messages",
            Some(&indonesian),
            &json!({"channel": "sms", "language": "fr"}),
        )
        .await;
    assert_eq!(
        (status, common::error_code(&v), v["error"]["field"].as_str()),
        (422, "invalid_message_language", Some("language")),
        "{v}"
    );
    assert_eq!(
        changes(&db, indonesian_id),
        3,
        "registration, to English, back"
    );

    // Both booked on Tuesday at ten; the branch closes then: each hears of
    // it in their own language, the stop line too.
    for token in [&english, &indonesian] {
        let claim = fixtures::claim(&app, token).await;
        let slot = fixtures::slots(&app, BRANCH, DAY).await[2]["id"]
            .as_i64()
            .expect("slot");
        fixtures::book(&app, token, slot, claim).await;
    }
    let sup = fixtures::staff(&app, &db, "supervisor", &fixtures::at_branch(Some(BRANCH))).await;
    let closure =
        json!({"date": DAY, "from": "10:00", "until": "11:00", "reason": "Listrik padam"});
    let path = format!("/api/v1/branches/{BRANCH}/closures");
    let (status, v) = app.post(&path, Some(&sup.token), &closure).await;
    assert_eq!(status, 201, "{v}");
    let got = common::eventually(30, "both closure messages", || async {
        let got = received.lock().expect("lock").clone();
        (got.len() >= 2).then_some(got)
    })
    .await;
    let text_on = |channel: &str| {
        let m = got.iter().find(|m| m["channel"] == channel);
        let m = m.unwrap_or_else(|| panic!("no {channel} message: {got:?}"));
        m["text"].as_str().unwrap_or_default().to_string()
    };
    let (en, id) = (text_on("whatsapp"), text_on("sms"));
    for (text, words) in [
        (
            &en,
            [
                "is closed at your session",
                "at 10:00 WITA",
                "Stop these messages: http",
            ],
        ),
        (
            &id,
            [
                "tutup pada jadwal Anda",
                "pukul 10.00 WITA",
                "Berhenti menerima pesan: http",
            ],
        ),
    ] {
        for w in words {
            assert!(text.contains(w), "{w:?} not in {text}");
        }
    }

    // The English stop link opens in English where no language was
    // chosen, in Indonesian where it was; stopping answers in English.
    let stop = en
        .split_whitespace()
        .find(|w| w.contains("/messages/stop/"))
        .unwrap_or_else(|| panic!("no stop link: {en}"));
    let stop = &stop[stop.find("/messages/stop/").expect("path")..];
    let chose = Browser::new(&app);
    assert_eq!(chose.get("/lang/id").await.status, 303);
    let page = chose.get(stop).await;
    assert!(
        page.html.contains("Berhenti menerima pesan"),
        "{}",
        page.html
    );
    let fresh = Browser::new(&app);
    let page = fresh.get(stop).await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(
        page.html.contains("lang=\"en\"") && page.html.contains("Stop the messages"),
        "{}",
        page.html
    );
    let page = fresh.post(stop, &[("csrf", &csrf_of(&page.html))]).await;
    assert!(
        page.html
            .contains("Done: no more WhatsApp or SMS messages."),
        "{}",
        page.html
    );
    assert_eq!(me(&app, &english).await, ("none".into(), "en".into()));

    // The contact page shows the language as stored and changes it.
    let browser = Browser::member(&app, &indonesian_email, PASSWORD).await;
    let page = browser.get("/me/contact").await;
    assert_eq!(page.status, 200);
    assert!(
        page.html.contains(r#"name="language" value="id" checked"#),
        "{}",
        page.html
    );
    let form = [
        ("csrf", csrf_of(&page.html)),
        ("channel", "whatsapp".into()),
        ("language", "en".into()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let page = browser.post("/me/contact/messages", &form).await;
    assert_eq!(page.status, 303, "{}", page.html);
    assert_eq!(
        me(&app, &indonesian).await,
        ("whatsapp".into(), "en".into())
    );

    // Registered on the page read in English, which says so: English
    // messages.
    let reader = Browser::new(&app);
    assert_eq!(reader.get("/lang/en").await.status, 303);
    let page = reader.get("/register").await;
    assert!(
        page.html
            .contains("Messages are written in English, this page"),
        "{}",
        page.html
    );
    let body = fixtures::registration(fixtures::unique());
    let field = |k: &str| body[k].as_str().unwrap_or_default().to_string();
    let mut form = vec![("csrf".to_string(), reader.csrf("/register").await)];
    for k in ["nik", "kpj", "full_name", "email", "phone", "password"] {
        form.push((k.to_string(), field(k)));
    }
    form.push(("messages".into(), "sms".into()));
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let page = reader.post("/register", &form).await;
    assert_eq!(page.status, 303, "{}", page.html);
    let token = fixtures::login(&app, &field("email"), PASSWORD).await;
    assert_eq!(me(&app, &token).await, ("sms".into(), "en".into()));
    app.kill();
}
crate::both_backends!(messages_speak_the_language_chosen);

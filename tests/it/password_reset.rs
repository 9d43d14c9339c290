//! Password reset and sign-in by NIK, over the JSON API and the pages:
//! the same answer for known and unknown emails, a mailed link that works
//! once and for 30 minutes, every old session ended, the throttle, staff
//! and accounts made without a password, and the one sign-in field that
//! takes an email or a NIK.
#![allow(clippy::unwrap_used)]

use crate::common;
use crate::common::browser::{hidden, Browser};
use crate::common::{error_code, fixtures, Options, TestApp, TestDb};
use serde_json::{json, Value};

const CLOCK: &str = "2026-11-23T07:00:00+07:00";
/// 45 minutes later: every link mailed at CLOCK has expired.
const LATER: &str = "2026-11-23T07:45:00+07:00";
const NEW_PASSWORD: &str = "Sandi-Baru-Antre-77";

async fn request(app: &TestApp, email: &str) -> (u16, Value) {
    let body = json!({ "email": email });
    app.post("/api/v1/auth/password-reset", None, &body).await
}

async fn confirm(app: &TestApp, token: &str, password: &str) -> (u16, Value) {
    let body = json!({ "token": token, "password": password });
    app.post("/api/v1/auth/password-reset/confirm", None, &body)
        .await
}

/// The decoded text of an .eml file: quoted-printable and base64 bodies
/// both readable.
pub(crate) fn decoded(eml: &str) -> String {
    use base64::Engine;
    let eml = eml.replace("\r\n", "\n");
    let mut out = common::decode_qp(&eml);
    for block in eml.split("\n\n") {
        let compact: String = block.chars().filter(|c| !c.is_whitespace()).collect();
        if let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(&compact) {
            out.push('\n');
            out.push_str(&String::from_utf8_lossy(&bytes));
        }
    }
    out
}

pub(crate) fn addressed_to(eml: &str, email: &str) -> bool {
    eml.replace("\r\n", "\n").lines().any(|l| {
        l.to_ascii_lowercase().starts_with("to:")
            && (l.contains(&format!("<{email}>")) || l.trim_end().ends_with(&format!(" {email}")))
    })
}

/// The reset tokens mailed to `email` so far, oldest first.
fn tokens_to(db: &TestDb, email: &str) -> Vec<String> {
    mailed_tokens(db, email, "/password-reset/")
}

/// The tokens of the links `{path}TOKEN` mailed to `email`, oldest first.
pub(crate) fn mailed_tokens(db: &TestDb, email: &str, path: &str) -> Vec<String> {
    let mut out = Vec::new();
    for m in common::mails(db).iter().filter(|m| addressed_to(m, email)) {
        let text = decoded(m);
        let Some(at) = text.find(path) else {
            continue;
        };
        let token: String = text[at + path.len()..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        if !out.contains(&token) {
            out.push(token);
        }
    }
    out
}

/// Waits for the `n`th reset mail to `email` and returns its token.
async fn nth_token(db: &TestDb, email: &str, n: usize) -> String {
    common::eventually(15, &format!("reset mail {n} to {email}"), || async {
        tokens_to(db, email).get(n - 1).cloned()
    })
    .await
}

fn audited(db: &TestDb, action: &str) -> i64 {
    common::count(
        db,
        &format!("SELECT COUNT(*) AS n FROM audit_log WHERE action = '{action}'"),
    )
}

async fn reset_answers_alike_and_the_link_works_once(db: TestDb, app: TestApp) {
    let m = fixtures::register(&app).await;
    let second_session = fixtures::login(&app, &m.email, &m.password).await;

    // Known and unknown emails: the same status and body.
    let known = request(&app, &m.email).await;
    let unknown = request(&app, "tidak.ada@example.id").await;
    assert_eq!(known.0, 202, "{:?}", known.1);
    assert_eq!(known, unknown, "the answer tells whether an account exists");
    let token = nth_token(&db, &m.email, 1).await;
    assert_eq!(token.len(), 43, "32 random bytes, base64url: {token}");
    assert!(
        !common::mails(&db)
            .iter()
            .any(|e| addressed_to(e, "tidak.ada@example.id")),
        "a mail went to an address without an account"
    );
    // Only the hash is stored.
    let stored = |v: &str| {
        common::count(
            &db,
            &format!("SELECT COUNT(*) AS n FROM password_resets WHERE token_hash = '{v}'"),
        )
    };
    assert_eq!(stored(&token), 0, "the token is stored in clear");
    let digest = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(token.as_bytes()))
    };
    assert_eq!(stored(&digest), 1);

    // A weak password is refused under the policy and spends nothing.
    let (s, v) = confirm(&app, &token, "kurang").await;
    assert_eq!((s, error_code(&v)), (422, "weak_password"), "{v}");
    let (s, v) = confirm(&app, &token, &format!("Ab{}", m.nik)).await;
    assert_eq!((s, error_code(&v)), (422, "weak_password"), "{v}");
    assert_eq!(v["error"]["field"], "password");

    let (s, v) = confirm(&app, &token, NEW_PASSWORD).await;
    assert_eq!(s, 200, "{v}");
    // Once only.
    let (s, v) = confirm(&app, &token, "Lagi-Sandi-Lain-88").await;
    assert_eq!((s, error_code(&v)), (422, "invalid_token"), "{v}");
    assert_eq!(v["error"]["field"], "token");
    let (s, v) = confirm(&app, "bukan-token", NEW_PASSWORD).await;
    assert_eq!((s, error_code(&v)), (422, "invalid_token"), "{v}");

    // Every earlier session has ended; the old password is gone.
    for old in [&m.token, &second_session] {
        let (s, v) = app.get("/api/v1/me", Some(old)).await;
        assert_eq!(s, 401, "an old session still works: {v}");
    }
    let (s, v) = fixtures::login_raw(&app, &m.email, &m.password).await;
    assert_eq!((s, error_code(&v)), (401, "invalid_credentials"), "{v}");
    let fresh = fixtures::login(&app, &m.email, NEW_PASSWORD).await;
    let (s, me) = app.get("/api/v1/me", Some(&fresh)).await;
    assert_eq!((s, me["id"].as_i64()), (200, Some(m.id)), "{me}");

    // Audited in the chain: both requests (the unknown one masked), one reset.
    assert_eq!(audited(&db, "password_reset_requested"), 2);
    assert_eq!(audited(&db, "password_reset"), 1);
    assert_eq!(
        common::count(
            &db,
            "SELECT COUNT(*) AS n FROM audit_log WHERE details LIKE '%tidak.ada@%'"
        ),
        0,
        "an email in clear in the log"
    );
}
both_backends!(reset_answers_alike_and_the_link_works_once, clock = CLOCK);

async fn an_expired_link_is_refused(db: TestDb, app: TestApp) {
    let m = fixtures::register(&app).await;
    let (s, _) = request(&app, &format!("  {}  ", m.email.to_uppercase())).await;
    assert_eq!(s, 202);
    let token = nth_token(&db, &m.email, 1).await;
    app.kill();
    let app = TestApp::start(&db, &Options::clock(LATER));
    let (s, v) = confirm(&app, &token, NEW_PASSWORD).await;
    assert_eq!((s, error_code(&v)), (422, "invalid_token"), "{v}");
    // Nothing changed: the old password still works.
    fixtures::login(&app, &m.email, &m.password).await;
    // A new link works again.
    let (s, _) = request(&app, &m.email).await;
    assert_eq!(s, 202);
    let token = nth_token(&db, &m.email, 2).await;
    let (s, v) = confirm(&app, &token, NEW_PASSWORD).await;
    assert_eq!(s, 200, "{v}");
}
both_backends!(an_expired_link_is_refused, clock = CLOCK);

async fn staff_reset_and_accounts_without_a_password(db: TestDb, app: TestApp) {
    let cs = fixtures::staff(&app, &db, "cs", &fixtures::at_branch(Some("DPS-DENPASAR"))).await;
    let (s, _) = request(&app, &cs.email).await;
    assert_eq!(s, 202);
    let token = nth_token(&db, &cs.email, 1).await;
    let (s, v) = confirm(&app, &token, NEW_PASSWORD).await;
    assert_eq!(s, 200, "{v}");
    let (s, _) = app.get("/api/v1/me", Some(&cs.token)).await;
    assert_eq!(s, 401, "the staff session survived the reset");
    let (s, _) = fixtures::login_raw(&app, &cs.email, fixtures::STAFF_PASSWORD).await;
    assert_eq!(s, 401);
    fixtures::login(&app, &cs.email, NEW_PASSWORD).await;

    // An account made at the counter has no password until its owner
    // sets one through a reset (its hash is not a PHC string).
    let nik = fixtures::nik(9, 9, 1979, false);
    let email = format!("loket{}@example.id", fixtures::unique());
    common::sql(
        &db,
        &format!(
            "INSERT INTO participants (nik, kpj, full_name, email, phone, password_hash, birth_date, sex, created_at) \
             VALUES ('{nik}', '{kpj:011}', 'Wayan Sudarma', '{email}', '+6281234567890', '!collective-no-login', '1979-09-09', 'male', '2026-11-20 03:00:00')",
            kpj = 20_000_000_000u64 + u64::from(fixtures::unique()),
        ),
    );
    let (s, _) = fixtures::login_raw(&app, &email, "!collective-no-login").await;
    assert_eq!(s, 401);
    let (s, _) = request(&app, &email).await;
    assert_eq!(s, 202);
    let token = nth_token(&db, &email, 1).await;
    let (s, v) = confirm(&app, &token, NEW_PASSWORD).await;
    assert_eq!(s, 200, "{v}");
    fixtures::login(&app, &email, NEW_PASSWORD).await;
    let (s, v) = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"nik": nik, "password": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(s, 200, "sign-in by NIK after the take-over: {v}");
}
both_backends!(staff_reset_and_accounts_without_a_password, clock = CLOCK);

async fn requests_are_throttled(db: TestDb, app: TestApp) {
    let m = fixtures::register(&app).await;
    // Per account: three mails, then answers as usual but no mail.
    for _ in 0..4 {
        let (s, v) = request(&app, &m.email).await;
        assert_eq!(s, 202, "{v}");
    }
    nth_token(&db, &m.email, 3).await;
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(tokens_to(&db, &m.email).len(), 3, "a fourth mail was sent");
    // Per address: 30 requests within the window, then 429 with Retry-After.
    for i in 4..30 {
        let (s, v) = request(&app, &format!("orang{i}@example.id")).await;
        assert_eq!(s, 202, "request {i}: {v}");
    }
    let res = app
        .client
        .post(app.url("/api/v1/auth/password-reset"))
        .json(&json!({"email": "satu.lagi@example.id"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 429);
    let retry = res
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_string());
    assert_eq!(retry.as_deref(), Some("900"));
    let (_, v) = common::json_of(res).await;
    assert_eq!(error_code(&v), "rate_limited");
    assert_eq!(audited(&db, "password_reset_requested"), 30);
}
both_backends!(requests_are_throttled, clock = CLOCK);

async fn sign_in_by_nik(db: TestDb, app: TestApp) {
    let m = fixtures::register(&app).await;
    let by_nik = |nik: String, password: &str| {
        let body = json!({"nik": nik, "password": password});
        let app = &app;
        async move { app.post("/api/v1/auth/login", None, &body).await }
    };
    let (s, v) = by_nik(m.nik.clone(), &m.password).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["role"], "participant");
    let (s, me) = app
        .get("/api/v1/me", Some(v["token"].as_str().unwrap()))
        .await;
    assert_eq!((s, me["id"].as_i64()), (200, Some(m.id)), "{me}");

    // Refused like an email: the same status and code.
    let (s, v) = by_nik(m.nik.clone(), "Salah-Sandi-2026").await;
    assert_eq!((s, error_code(&v)), (401, "invalid_credentials"), "{v}");
    let stranger = fixtures::nik(2, 2, 1990, false);
    let (s, v) = by_nik(stranger, &m.password).await;
    assert_eq!((s, error_code(&v)), (401, "invalid_credentials"), "{v}");
    let (s, v) = by_nik("12345".into(), &m.password).await;
    assert_eq!((s, error_code(&v)), (422, "invalid_nik"), "{v}");
    let (s, v) = app
        .post("/api/v1/auth/login", None, &json!({"password": "x"}))
        .await;
    assert_eq!((s, error_code(&v)), (422, "missing_field"), "{v}");

    // The failures are audited with the NIK masked, never in clear.
    let masked = format!("{}******{}", &m.nik[..6], &m.nik[12..]);
    let logged = |needle: &str| {
        common::count(
            &db,
            &format!(
                "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'sign_in_failed' AND details LIKE '%{needle}%'"
            ),
        )
    };
    assert_eq!(logged(&masked), 1);
    assert_eq!(logged(&m.nik), 0, "a NIK in clear in the log");

    // One throttle per account, whether the attempts came by NIK or email.
    for _ in 0..3 {
        by_nik(m.nik.clone(), "Salah-Sandi-2026").await;
    }
    let (s, _) = fixtures::login_raw(&app, &m.email, "Salah-Sandi-2026").await;
    assert_eq!(s, 401);
    let (s, v) = fixtures::login_raw(&app, &m.email, &m.password).await;
    assert_eq!((s, error_code(&v)), (429, "rate_limited"), "{v}");
    let (s, _) = by_nik(m.nik.clone(), &m.password).await;
    assert_eq!(s, 429);
}
both_backends!(sign_in_by_nik, clock = CLOCK);

async fn reset_and_sign_in_pages(db: TestDb, app: TestApp) {
    let m = fixtures::register(&app).await;
    let b = Browser::new(&app);
    // Both sign-in pages link to the reset; the participant's takes a NIK.
    for path in ["/login", "/staff/login"] {
        let p = b.get(path).await;
        assert!(p.html.contains("href=\"/password-reset\""), "{path}");
        assert!(p.html.contains("Lupa kata sandi?"), "{path}");
    }
    assert!(b.get("/login").await.html.contains("Email atau NIK"));

    let p = b.get("/password-reset").await;
    assert_eq!(p.status, 200);
    let csrf = hidden(&p.html, "csrf").expect("csrf");
    // Without the CSRF token: refused, nothing mailed.
    let p = b.post("/password-reset", &[("email", &m.email)]).await;
    assert_eq!(p.status, 403, "{}", p.html);
    let p = b
        .post("/password-reset", &[("csrf", &csrf), ("email", &m.email)])
        .await;
    assert_eq!(p.status, 303, "{}", p.html);
    assert_eq!(p.location, "/password-reset?done=sent");
    let p = b.get(&p.location).await;
    assert!(
        p.html.contains("Jika ada akun dengan email atau NIK itu"),
        "{}",
        p.html
    );

    let token = nth_token(&db, &m.email, 1).await;
    let path = format!("/password-reset/{token}");
    let p = b.get(&path).await;
    assert_eq!(p.status, 200, "{}", p.html);
    let csrf = hidden(&p.html, "csrf").expect("csrf");
    let p = b
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("password", NEW_PASSWORD),
                ("password_again", "Sandi-Lain-Sekali-1"),
            ],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p.html.contains("Kedua kata sandi tidak sama."));
    let p = b
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("password", NEW_PASSWORD),
                ("password_again", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.html);
    assert_eq!(p.location, "/login?done=password_reset");
    let p = b.get(&p.location).await;
    assert!(p.html.contains("Kata sandi Anda sudah diganti"));
    // The used link says so.
    let p = b.get(&path).await;
    assert_eq!(p.status, 422);
    assert!(p.html.contains("href=\"/password-reset\""));

    // Signing in with the NIK in the one field.
    let (p, _) = b.sign_in("/login", &m.nik, NEW_PASSWORD, None).await;
    assert_eq!(p.status, 303, "{}", p.html);
    assert_eq!(p.location, "/me");
    let b2 = Browser::new(&app);
    let (p, _) = b2.sign_in("/login", &m.nik, &m.password, None).await;
    assert_eq!(p.status, 401);
    assert!(p.html.contains("NIK atau kata sandi salah."), "{}", p.html);
}
both_backends!(reset_and_sign_in_pages, clock = CLOCK);

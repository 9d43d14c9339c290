//! A participant's contact details (issue "accounts"), on both backends:
//! the email is verified by a mailed single-use link; an email change is
//! verified at the new address before it counts, and the old address is
//! told; a phone change needs the password; each step is audited.

use serde_json::{json, Value};

use crate::common::browser::Browser;
use crate::common::{self, error_code, fixtures, TestApp, TestDb};
use crate::password_reset::{addressed_to, decoded, mailed_tokens};

const CLOCK: &str = "2026-11-23T07:00:00+07:00";

/// The verification tokens mailed to `email` so far, oldest first.
fn tokens_to(db: &TestDb, email: &str) -> Vec<String> {
    mailed_tokens(db, email, "/verify-email/")
}

async fn nth_token(db: &TestDb, email: &str, n: usize) -> String {
    common::eventually(15, &format!("verification mail {n} to {email}"), || async {
        tokens_to(db, email).get(n - 1).cloned()
    })
    .await
}

fn audited(db: &TestDb, action: &str, participant: i64) -> i64 {
    common::count(
        db,
        &format!(
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = '{action}' \
             AND participant_id = {participant}"
        ),
    )
}

async fn me(app: &TestApp, token: &str) -> Value {
    let (status, v) = app.get("/api/v1/me", Some(token)).await;
    assert_eq!(status, 200, "{v}");
    v
}

async fn verify(app: &TestApp, token: &str) -> (u16, Value) {
    app.post(
        "/api/v1/auth/verify-email",
        None,
        &json!({ "token": token }),
    )
    .await
}

async fn the_email_is_verified_by_its_link(db: TestDb, app: TestApp) {
    let m = fixtures::register(&app).await;
    assert_eq!(me(&app, &m.token).await["email_verified"], false);
    let token = nth_token(&db, &m.email, 1).await;
    assert_eq!(token.len(), 43, "{token}");
    // Only a hash is stored.
    assert_eq!(
        common::count(
            &db,
            &format!("SELECT COUNT(*) AS n FROM email_verifications WHERE token_hash = '{token}'")
        ),
        0
    );
    let (status, v) = verify(&app, &token).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["email"], m.email.as_str());
    assert_eq!(me(&app, &m.token).await["email_verified"], true);
    // Once only; nonsense is refused alike.
    for used in [token.as_str(), "bukan-token"] {
        let (status, v) = verify(&app, used).await;
        assert_eq!(status, 422, "{v}");
        assert_eq!(error_code(&v), "invalid_token");
    }
    assert_eq!(audited(&db, "email_verified", m.id), 1);
    // Verified: a resend mails nothing more.
    let (status, _) = app
        .post("/api/v1/me/email/verification", Some(&m.token), &json!({}))
        .await;
    assert_eq!(status, 202);
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    assert_eq!(tokens_to(&db, &m.email).len(), 1);

    // Resends are limited: three links an hour (registration's included).
    let n = fixtures::register(&app).await;
    nth_token(&db, &n.email, 1).await;
    for expected in [202, 202, 429] {
        let (status, v) = app
            .post("/api/v1/me/email/verification", Some(&n.token), &json!({}))
            .await;
        assert_eq!(status, expected, "{v}");
    }
    // Staff and strangers have no email of theirs to verify here.
    let (status, _) = app
        .post("/api/v1/me/email/verification", None, &json!({}))
        .await;
    assert_eq!(status, 401);
}
crate::both_backends!(the_email_is_verified_by_its_link, clock = CLOCK);

async fn changing_email_and_phone(db: TestDb, app: TestApp) {
    let m = fixtures::register(&app).await;
    let other = fixtures::register(&app).await;
    let change = |email: String, password: String| {
        let (app, token) = (&app, m.token.clone());
        async move {
            app.post(
                "/api/v1/me/email",
                Some(&token),
                &json!({"email": email, "password": password}),
            )
            .await
        }
    };
    let (status, v) = change("baru@contoh.id".into(), "salah-sandi-123".into()).await;
    assert_eq!(
        (status, error_code(&v)),
        (422, "invalid_credentials"),
        "{v}"
    );
    assert_eq!(v["error"]["field"], "password");
    let (status, v) = change("bukan email".into(), m.password.clone()).await;
    assert_eq!(status, 422, "{v}");
    assert_eq!(v["error"]["field"], "email");
    let (status, v) = change(other.email.clone(), m.password.clone()).await;
    assert_eq!((status, error_code(&v)), (409, "email_taken"), "{v}");

    let new = format!("baru.{}@contoh.id", m.id);
    let (status, v) = change(new.clone(), m.password.clone()).await;
    assert_eq!(status, 202, "{v}");
    // The account keeps its address until the new one is verified; the old
    // one is told.
    assert_eq!(me(&app, &m.token).await["email"], m.email.as_str());
    common::eventually(15, "the note to the old address", || async {
        common::mails(&db)
            .iter()
            .find(|e| addressed_to(e, &m.email) && decoded(e).contains("sedang diubah"))
            .cloned()
    })
    .await;
    let token = nth_token(&db, &new, 1).await;
    let (status, v) = verify(&app, &token).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["email"], new.as_str());
    let now = me(&app, &m.token).await;
    assert_eq!(
        (now["email"].as_str(), now["email_verified"].as_bool()),
        (Some(new.as_str()), Some(true))
    );
    let (status, _) = fixtures::login_raw(&app, &new, &m.password).await;
    assert_eq!(status, 200, "sign in with the new email");
    let (status, _) = fixtures::login_raw(&app, &m.email, &m.password).await;
    assert_eq!(status, 401, "the old email no longer signs in");
    assert_eq!(audited(&db, "email_change_requested", m.id), 1);
    assert_eq!(audited(&db, "email_changed", m.id), 1);

    // The phone, with the password.
    let phone = |number: &str, password: &str| {
        let body = json!({"phone": number, "password": password});
        let (app, token) = (&app, m.token.clone());
        async move { app.put("/api/v1/me/phone", Some(&token), &body).await }
    };
    let (status, v) = phone("12", &m.password).await;
    assert_eq!(status, 422, "{v}");
    assert_eq!(v["error"]["field"], "phone");
    let (status, v) = phone("0812 9999 8888", "salah-sandi-123").await;
    assert_eq!(status, 422, "{v}");
    let (status, v) = phone("0812 9999 8888", &m.password).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(audited(&db, "phone_changed", m.id), 1);
    let stored = common::count(
        &db,
        &format!(
            "SELECT COUNT(*) AS n FROM participants WHERE id = {} AND phone = '+6281299998888'",
            m.id
        ),
    );
    assert_eq!(stored, 1);

    // The page that changes them says what is on file now.
    let page = Browser::member(&app, &new, &m.password)
        .await
        .get("/me/contact")
        .await;
    assert_eq!(page.status, 200);
    for now in [new.as_str(), "+6281299998888"] {
        let shown = format!("Sekarang: <strong>{now}</strong>");
        assert!(page.html.contains(&shown), "{shown}: {}", page.html);
    }
}
crate::both_backends!(changing_email_and_phone, clock = CLOCK);

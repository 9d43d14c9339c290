//! Security: sign-in throttling, sign-out, forged tokens, other people's
//! objects, staff roles and branches, response headers and the session
//! cookie.
#![allow(clippy::unwrap_used)]

use crate::common;
use crate::common::bookings::{active_in, Http};
use crate::common::browser::Browser;
use crate::common::fixtures::login_raw;
use crate::common::{error_code, fixtures, TestApp, TestDb};
use base64::Engine;
use serde_json::{json, Value};

const CLOCK: &str = "2026-11-23T07:00:00+07:00";
const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The claims of a JWT, read without checking it.
fn payload(token: &str) -> Value {
    let part = token.split('.').nth(1).expect("JWT payload");
    serde_json::from_slice(&B64.decode(part).expect("base64 payload")).expect("JSON payload")
}

/// Signs `claims` with HS256 and `secret`.
fn sign(secret: &[u8], claims: &Value) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        claims,
        &jsonwebtoken::EncodingKey::from_secret(secret),
    )
    .expect("sign")
}

async fn me_status(app: &TestApp, token: &str) -> u16 {
    let (s, v) = app.get("/api/v1/me", Some(token)).await;
    if s != 200 {
        assert_eq!(error_code(&v), "unauthenticated", "{v}");
    }
    s
}

// ---------------------------------------------------------------- throttling

async fn account_throttled_after_five_failures(_db: TestDb, app: TestApp) {
    let victim = fixtures::register(&app).await;
    let other = fixtures::register(&app).await;
    for i in 1..=5 {
        let (s, v) = login_raw(&app, &victim.email, "Salah-Sandi-2026").await;
        assert_eq!(s, 401, "failure {i}: {v}");
        assert_eq!(error_code(&v), "invalid_credentials");
    }
    // The sixth attempt is refused even with the right password.
    let (s, v) = login_raw(&app, &victim.email, &victim.password).await;
    assert_eq!(s, 429, "{v}");
    assert_eq!(error_code(&v), "rate_limited");
    assert!(v.get("token").is_none());
    // Also when the email is written differently.
    let (s, v) = login_raw(&app, &victim.email.to_uppercase(), &victim.password).await;
    assert_eq!(s, 429, "{v}");
    // Another account from the same address is not affected.
    let (s, v) = login_raw(&app, &other.email, &other.password).await;
    assert_eq!(s, 200, "{v}");
    // A session opened before the lock keeps working.
    assert_eq!(me_status(&app, &victim.token).await, 200);
}
both_backends!(account_throttled_after_five_failures, clock = CLOCK);

async fn successful_sign_ins_are_never_throttled(_db: TestDb, app: TestApp) {
    let m = fixtures::register(&app).await;
    for i in 1..=12 {
        let (s, v) = login_raw(&app, &m.email, &m.password).await;
        assert_eq!(s, 200, "sign-in {i}: {v}");
    }
    // Successes do not count towards the limit: four failures after them
    // still leave the account open.
    for i in 1..=4 {
        let (s, _) = login_raw(&app, &m.email, "Salah-Sandi-2026").await;
        assert_eq!(s, 401, "failure {i}");
    }
    let (s, v) = login_raw(&app, &m.email, &m.password).await;
    assert_eq!(s, 200, "{v}");
}
both_backends!(successful_sign_ins_are_never_throttled, clock = CLOCK);

async fn address_throttled_after_twenty_failures(_db: TestDb, app: TestApp) {
    let m = fixtures::register(&app).await;
    for i in 1..=20 {
        let (s, v) = login_raw(&app, &format!("tebak{i}@example.id"), "Salah-Sandi-2026").await;
        assert_eq!(s, 401, "failure {i}: {v}");
        assert_eq!(error_code(&v), "invalid_credentials");
    }
    let (s, v) = login_raw(&app, &m.email, &m.password).await;
    assert_eq!(s, 429, "{v}");
    assert_eq!(error_code(&v), "rate_limited");
    let (s, v) = login_raw(&app, "tebak99@example.id", "Salah-Sandi-2026").await;
    assert_eq!(s, 429, "{v}");
}
both_backends!(address_throttled_after_twenty_failures, clock = CLOCK);

// ---------------------------------------------------------------- sessions and tokens

async fn logout_ends_the_session(_db: TestDb, app: TestApp) {
    let m = fixtures::register(&app).await;
    let second = fixtures::login(&app, &m.email, &m.password).await;
    assert_eq!(me_status(&app, &m.token).await, 200);
    let (s, v) = app
        .post("/api/v1/auth/logout", Some(&m.token), &json!({}))
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(me_status(&app, &m.token).await, 401);
    // The signed-out token cannot do anything else either.
    let (s, v) = app
        .post(
            "/api/v1/claims",
            Some(&m.token),
            &json!({"reason": "resignation", "last_working_day": "2026-01-15"}),
        )
        .await;
    assert_eq!(s, 401, "{v}");
    let (s, _) = app
        .post("/api/v1/auth/logout", Some(&m.token), &json!({}))
        .await;
    assert_eq!(s, 401);
    // Only that session ended.
    assert_eq!(me_status(&app, &second).await, 200);
}
both_backends!(logout_ends_the_session, clock = CLOCK);

async fn forged_tokens_are_refused(_db: TestDb, app: TestApp) {
    let m = fixtures::register(&app).await;
    let real = payload(&m.token);
    assert_eq!(real["sub"], format!("p:{}", m.id), "{real}");
    let (iat, exp) = (real["iat"].clone(), real["exp"].clone());
    let sid = real["sid"].as_str().expect("sid").to_string();

    // Control: a token we sign with the server's secret for the real
    // session works, so the refusals below are about what we changed.
    let good = sign(common::JWT_SECRET.as_bytes(), &real);
    assert_eq!(
        me_status(&app, &good).await,
        200,
        "self-signed control token refused"
    );

    // A flipped character in the signature.
    let (head, sig) = m.token.rsplit_once('.').unwrap();
    let mut sig: Vec<char> = sig.chars().collect();
    sig[5] = if sig[5] == 'A' { 'B' } else { 'A' };
    let flipped = format!("{head}.{}", sig.into_iter().collect::<String>());
    assert_eq!(
        me_status(&app, &flipped).await,
        401,
        "flipped signature accepted"
    );

    // Signed with another secret: the brief's claims, and the real ones.
    let foreign = json!({"sub": "p:1", "role": "participant", "sid": "x", "iss": "antre", "aud": "antre", "iat": iat, "exp": exp});
    let other = b"another-secret-another-secret-0123456789";
    assert_eq!(me_status(&app, &sign(other, &foreign)).await, 401);
    assert_eq!(
        me_status(&app, &sign(other, &real)).await,
        401,
        "foreign-key token for a live session accepted"
    );

    // alg none, with the real claims.
    let none = format!(
        "{}.{}.",
        B64.encode(br#"{"alg":"none","typ":"JWT"}"#),
        B64.encode(serde_json::to_vec(&real).unwrap())
    );
    assert_eq!(me_status(&app, &none).await, 401, "alg none accepted");
    // HS512 with the right secret (only HS256 is issued).
    let hs512 = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS512),
        &real,
        &jsonwebtoken::EncodingKey::from_secret(common::JWT_SECRET.as_bytes()),
    )
    .unwrap();
    assert_eq!(me_status(&app, &hs512).await, 401, "HS512 token accepted");

    // The right secret, but a session that does not exist.
    let mut ghost = real.clone();
    ghost["sid"] = json!("no-such-session-0000000000");
    assert_eq!(
        me_status(&app, &sign(common::JWT_SECRET.as_bytes(), &ghost)).await,
        401
    );
    // The right secret and session, but another participant as subject.
    let b = fixtures::register(&app).await;
    let mut swapped = real.clone();
    swapped["sub"] = json!(format!("p:{}", b.id));
    assert_eq!(
        me_status(&app, &sign(common::JWT_SECRET.as_bytes(), &swapped)).await,
        401,
        "sub swapped"
    );
    // Expired (by the server's clock).
    let mut old = real.clone();
    old["exp"] = json!(iat.as_i64().unwrap() - 60);
    old["iat"] = json!(iat.as_i64().unwrap() - 3600);
    assert_eq!(
        me_status(&app, &sign(common::JWT_SECRET.as_bytes(), &old)).await,
        401,
        "expired"
    );

    // After logout even a perfectly signed token for that session is dead.
    let (s, _) = app
        .post("/api/v1/auth/logout", Some(&m.token), &json!({}))
        .await;
    assert_eq!(s, 200);
    let fresh = json!({"sub": format!("p:{}", m.id), "role": "participant", "sid": sid, "iss": "antre", "aud": "antre", "iat": iat, "exp": exp});
    assert_eq!(
        me_status(&app, &sign(common::JWT_SECRET.as_bytes(), &fresh)).await,
        401
    );
    assert_eq!(me_status(&app, &good).await, 401);
}
both_backends!(forged_tokens_are_refused, clock = CLOCK);

/// Placing a booking checks the sign-in session in its own transaction,
/// not before it: a token whose session does not exist, is another
/// participant's or has been signed out is refused with 401 — with or
/// without an idempotency key, for a session that exists or not — and
/// books nothing; the live session then books.
async fn booking_checks_the_session_itself(db: TestDb, app: TestApp) {
    let (m, claim) = fixtures::member_with_claim(&app).await;
    let (other, _) = fixtures::member_with_claim(&app).await;
    let slots = fixtures::slots(&app, "DPS-DENPASAR", "2026-11-24").await;
    let slot = slots[0]["id"].as_i64().expect("slot id");
    let secret = common::JWT_SECRET.as_bytes();
    let real = payload(&m.token);
    let mut ghost = real.clone();
    ghost["sid"] = json!("no-such-session-0000000000");
    let mut swapped = real.clone();
    swapped["sub"] = json!(format!("p:{}", other.id));
    let http = Http::of(&app);
    let refused = |what: &'static str, token: String| {
        let http = http.clone();
        async move {
            for key in [None, Some("retry-1")] {
                for s in [slot, 999_999_999] {
                    let (status, v) = http.book(&token, s, claim, key).await;
                    assert_eq!(status, 401, "{what}, key {key:?}, slot {s}: {v}");
                    assert_eq!(error_code(&v), "unauthenticated", "{what}: {v}");
                }
            }
        }
    };
    refused("no such session", sign(secret, &ghost)).await;
    refused("another participant's session", sign(secret, &swapped)).await;
    let second = fixtures::login(&app, &m.email, &m.password).await;
    let (s, _) = app
        .post("/api/v1/auth/logout", Some(&m.token), &json!({}))
        .await;
    assert_eq!(s, 200);
    refused("signed out", m.token.clone()).await;
    assert_eq!(active_in(&db, slot), 0, "a refused request booked");
    let (status, v) = http.book(&second, slot, claim, Some("retry-1")).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(active_in(&db, slot), 1);
}
both_backends!(booking_checks_the_session_itself, clock = CLOCK);

// ---------------------------------------------------------------- objects

async fn others_claims_and_bookings_are_invisible(db: TestDb, app: TestApp) {
    let a = fixtures::register(&app).await;
    let b = fixtures::register(&app).await;
    let a_claim = fixtures::claim(&app, &a.token).await;
    let b_claim = fixtures::claim(&app, &b.token).await;
    let slots = fixtures::slots(&app, "DPS-DENPASAR", "2026-11-24").await;
    assert!(slots.len() >= 2, "{slots:?}");
    let (s, booking) = fixtures::post_booking(&app, Some(&a.token), &slots[0]["id"], a_claim).await;
    assert_eq!(s, 201, "{booking}");
    let code = booking["code"].as_str().unwrap().to_string();

    let (s, v) = fixtures::get_claim(&app, &b.token, a_claim).await;
    assert_eq!(s, 404, "B reads A's claim: {v}");
    error_code(&v);
    let (s, v) = fixtures::booking(&app, &b.token, &code).await;
    assert_eq!(s, 404, "B reads A's booking: {v}");
    error_code(&v);
    let (s, v) = fixtures::cancel(&app, &b.token, &code).await;
    assert_eq!(s, 404, "B cancels A's booking: {v}");
    error_code(&v);
    let (s, v) = app
        .post(
            &format!("/api/v1/bookings/{code}/reschedule"),
            Some(&b.token),
            &json!({"slot_id": slots[1]["id"]}),
        )
        .await;
    assert_eq!(s, 404, "B moves A's booking: {v}");
    error_code(&v);
    let (s, v) = fixtures::post_booking(&app, Some(&b.token), &slots[1]["id"], a_claim).await;
    assert_eq!(s, 404, "B books with A's claim: {v}");
    assert_eq!(error_code(&v), "claim_not_yours");

    // Nothing changed for A, and B booked nothing.
    let (s, v) = fixtures::booking(&app, &a.token, &code).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "booked");
    assert_eq!(v["slot_id"], slots[0]["id"]);
    let (s, v) = fixtures::get_claim(&app, &a.token, a_claim).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(common::count(&db, "SELECT COUNT(*) AS n FROM bookings"), 1);
    let after = fixtures::slots(&app, "DPS-DENPASAR", "2026-11-24").await;
    assert_eq!(after[0]["booked"], 1);
    assert_eq!(after[1]["booked"], 0);
    // B's own claim is still B's.
    let (s, _) = fixtures::get_claim(&app, &b.token, b_claim).await;
    assert_eq!(s, 200);
}
both_backends!(others_claims_and_bookings_are_invisible, clock = CLOCK);

// ---------------------------------------------------------------- roles

struct Staff {
    admin: String,
    auditor: String,
    dps_supervisor: String,
    dps_cs: String,
    jkt_supervisor: String,
    jkt_cs: String,
}

async fn staff(app: &TestApp, db: &TestDb) -> Staff {
    let n = fixtures::unique();
    // Role, the name before the address, and the branch.
    let accounts = [
        ("admin", "admin", None),
        ("auditor", "auditor", None),
        ("supervisor", "spv.dps", Some("DPS-DENPASAR")),
        ("cs", "cs.dps", Some("DPS-DENPASAR")),
        ("supervisor", "spv.jkt", Some("JKT-CILANDAK")),
        ("cs", "cs.jkt", Some("JKT-CILANDAK")),
    ];
    let mut tokens = Vec::new();
    for (role, name, branch) in accounts {
        let email = &format!("{name}{n}@bpjs.example.id");
        let extra = fixtures::at_branch(branch);
        fixtures::add_staff(db, role, email, &extra);
        let (s, v) = login_raw(app, email, fixtures::STAFF_PASSWORD).await;
        assert_eq!(s, 200, "{email}: {v}");
        assert_eq!(v["role"], role, "{v}");
        tokens.push(v["token"].as_str().unwrap().to_string());
    }
    let mut t = tokens.into_iter();
    let mut next = || t.next().unwrap();
    Staff {
        admin: next(),
        auditor: next(),
        dps_supervisor: next(),
        dps_cs: next(),
        jkt_supervisor: next(),
        jkt_cs: next(),
    }
}

async fn capacity(app: &TestApp, slot: i64) -> i64 {
    let slots = fixtures::slots(app, "DPS-DENPASAR", "2026-11-24").await;
    slots.iter().find(|s| s["id"] == slot).expect("slot")["capacity"]
        .as_i64()
        .unwrap()
}

async fn staff_roles_and_branches(db: TestDb, app: TestApp) {
    let st = staff(&app, &db).await;
    let p = fixtures::register(&app).await;
    let slots = fixtures::slots(&app, "DPS-DENPASAR", "2026-11-24").await;
    let slot = slots[0]["id"].as_i64().unwrap();
    let original = capacity(&app, slot).await;
    let path = format!("/api/v1/admin/slots/{slot}/capacity");

    // Capacity: who may, who may not.
    for (who, token, status) in [
        ("participant", &p.token, 403),
        ("cs of the branch", &st.dps_cs, 403),
        ("auditor", &st.auditor, 403),
        ("supervisor of another branch", &st.jkt_supervisor, 404),
    ] {
        let (s, v) = app
            .put(&path, Some(token), &json!({"capacity": original + 7}))
            .await;
        assert_eq!(s, status, "{who}: {v}");
        error_code(&v);
        assert_eq!(
            capacity(&app, slot).await,
            original,
            "{who} changed the capacity"
        );
    }
    let (s, v) = app
        .put(&path, None, &json!({"capacity": original + 7}))
        .await;
    assert_eq!(s, 401, "{v}");
    let (s, v) = app
        .put(
            &path,
            Some(&st.dps_supervisor),
            &json!({"capacity": original + 3}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["capacity"], original + 3, "{v}");
    assert_eq!(capacity(&app, slot).await, original + 3);
    let (s, v) = app
        .put(&path, Some(&st.admin), &json!({"capacity": original + 5}))
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(capacity(&app, slot).await, original + 5);

    // Companies: admin only, NPP unique.
    let company = json!({"npp": "NPP20260001", "name": "PT Maju Bersama", "headcount": 120});
    for (who, token) in [
        ("supervisor", &st.dps_supervisor),
        ("participant", &p.token),
        ("auditor", &st.auditor),
    ] {
        let (s, v) = app
            .post("/api/v1/admin/companies", Some(token), &company)
            .await;
        assert_eq!(s, 403, "{who}: {v}");
        error_code(&v);
    }
    assert_eq!(common::count(&db, "SELECT COUNT(*) AS n FROM companies"), 0);
    let (s, v) = app
        .post("/api/v1/admin/companies", Some(&st.admin), &company)
        .await;
    assert_eq!(s, 201, "{v}");
    let (s, v) = app
        .post("/api/v1/admin/companies", Some(&st.admin), &company)
        .await;
    assert_eq!(s, 409, "{v}");
    error_code(&v);
    assert_eq!(common::count(&db, "SELECT COUNT(*) AS n FROM companies"), 1);

    // Bookings: visible to the branch's staff, admins and auditors.
    let claim = fixtures::claim(&app, &p.token).await;
    let (s, booking) = fixtures::post_booking(&app, Some(&p.token), slot, claim).await;
    assert_eq!(s, 201, "{booking}");
    let code = booking["code"].as_str().unwrap();
    for (who, token, status) in [
        ("DPS supervisor", &st.dps_supervisor, 200),
        ("DPS cs", &st.dps_cs, 200),
        ("JKT supervisor", &st.jkt_supervisor, 404),
        ("JKT cs", &st.jkt_cs, 404),
        ("auditor", &st.auditor, 200),
        ("admin", &st.admin, 200),
    ] {
        let (s, v) = fixtures::booking(&app, token, code).await;
        assert_eq!(s, status, "{who} GET booking: {v}");
        if status == 200 {
            assert_eq!(v["code"], code, "{v}");
        } else {
            error_code(&v);
        }
        let (s, v) = fixtures::get_claim(&app, token, claim).await;
        assert_eq!(s, status, "{who} GET claim: {v}");
    }
    // Staff do not book, cancel or move bookings as participants.
    let other_slot = slots[1]["id"].as_i64().unwrap();
    for (who, token) in [
        ("admin", &st.admin),
        ("DPS cs", &st.dps_cs),
        ("DPS supervisor", &st.dps_supervisor),
    ] {
        let (s, v) = fixtures::post_booking(&app, Some(token), other_slot, claim).await;
        assert_eq!(s, 403, "{who} POST /bookings: {v}");
        error_code(&v);
        let (s, v) = fixtures::cancel(&app, token, code).await;
        assert!(s == 403 || s == 404, "{who} DELETE booking: {s} {v}");
    }
    let (s, v) = fixtures::booking(&app, &p.token, code).await;
    assert_eq!(s, 200);
    assert_eq!(v["status"], "booked", "{v}");
    assert_eq!(common::count(&db, "SELECT COUNT(*) AS n FROM bookings"), 1);
}
both_backends!(staff_roles_and_branches, clock = CLOCK);

// ---------------------------------------------------------------- headers and cookies

fn assert_security_headers(h: &reqwest::header::HeaderMap, what: &str) {
    let get = |k: &str| {
        h.get(k)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    assert_eq!(get("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(get("x-frame-options").to_uppercase(), "DENY", "{what}");
    let csp = get("content-security-policy");
    assert!(csp.contains("default-src"), "{what}: CSP {csp:?}");
}

async fn security_headers_and_session_cookie(_db: TestDb, app: TestApp) {
    let m = fixtures::register(&app).await;
    for path in ["/", "/login", "/api/v1/branches", "/api/v1/nope", "/nope"] {
        let res = app.client.get(app.url(path)).send().await.expect("GET");
        assert_security_headers(res.headers(), path);
    }
    let res = app.get_raw("/api/v1/me", &m.token).await;
    assert_eq!(res.status().as_u16(), 200);
    assert_security_headers(res.headers(), "/api/v1/me");

    // The sign-in form sets an HttpOnly, SameSite=Lax session cookie.
    let b = Browser::new(&app);
    let (p, _) = b.sign_in("/login", &m.email, &m.password, None).await;
    assert_eq!(p.status, 303);
    assert_security_headers(&p.headers, "POST /login");
    let cookie = p
        .cookies
        .iter()
        .find(|c| c.starts_with("antre_session="))
        .expect("antre_session cookie")
        .to_string();
    let attrs: Vec<String> = cookie
        .split(';')
        .map(|a| a.trim().to_ascii_lowercase())
        .collect();
    assert!(attrs.iter().any(|a| a == "httponly"), "{cookie}");
    assert!(attrs.iter().any(|a| a == "samesite=lax"), "{cookie}");
    assert!(attrs.iter().any(|a| a == "path=/"), "{cookie}");
    // The cookie signs the browser in.
    assert_eq!(b.get("/me").await.status, 200);
}
both_backends!(security_headers_and_session_cookie, clock = CLOCK);

// ---------------------------------------------------------------- races and redirects

async fn parallel_guesses_stay_within_the_limit(_db: TestDb, app: TestApp) {
    let m = fixtures::register(&app).await;
    // A burst of guesses sent at once must not get more than five of
    // them checked.
    let guesses = (0..30).map(|i| {
        let app = &app;
        let email = m.email.clone();
        async move { login_raw(app, &email, &format!("Tebakan-Sandi-{i:03}")).await }
    });
    let results = futures::future::join_all(guesses).await;
    let checked = results.iter().filter(|(s, _)| *s == 401).count();
    let limited = results.iter().filter(|(s, _)| *s == 429).count();
    assert_eq!(checked + limited, 30, "{results:?}");
    assert!(
        checked <= 5,
        "{checked} of 30 parallel guesses were checked (limit 5)"
    );
    let (s, v) = login_raw(&app, &m.email, &m.password).await;
    assert_eq!(s, 429, "{v}");
}
both_backends!(parallel_guesses_stay_within_the_limit, clock = CLOCK);

/// Signs a new browser in through the /login form with `next`: the
/// status and Location.
async fn form_login(
    app: &TestApp,
    email: &str,
    password: &str,
    next: Option<&str>,
) -> (u16, String) {
    let (p, _) = Browser::new(app)
        .sign_in("/login", email, password, next)
        .await;
    (p.status, p.location)
}

async fn sign_in_redirects_stay_on_the_site(_db: TestDb, app: TestApp) {
    let m = fixtures::register(&app).await;
    let (s, to) = form_login(&app, &m.email, &m.password, Some("/branches")).await;
    assert_eq!((s, to.as_str()), (303, "/branches"));
    for next in [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
    ] {
        let (s, to) = form_login(&app, &m.email, &m.password, Some(next)).await;
        assert_eq!(s, 303, "{next:?}");
        // Browsers drop tabs and line breaks from URLs before using them.
        let seen: String = to
            .chars()
            .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
            .collect();
        assert!(
            seen.starts_with('/') && !seen.starts_with("//"),
            "next {next:?} → Location {to:?}"
        );
        assert!(!seen.contains("evil"), "next {next:?} → Location {to:?}");
    }
}
both_backends!(sign_in_redirects_stay_on_the_site, clock = CLOCK);

async fn cookie_sessions_need_the_csrf_header_for_api_writes(db: TestDb, app: TestApp) {
    let m = fixtures::register(&app).await;
    let b = Browser::new(&app);
    let (p, csrf) = b.sign_in("/login", &m.email, &m.password, None).await;
    assert_eq!(p.status, 303);
    // Reading with the cookie works.
    assert_eq!(b.get("/api/v1/me").await.status, 200);
    // Writing with the cookie alone (a cross-site form could do that): 403.
    let claim = |token: Option<String>| {
        let mut req = b.client.post(b.url("/api/v1/claims"));
        if let Some(t) = token {
            req = req.header("x-csrf-token", t);
        }
        let body = json!({"reason": "resignation", "last_working_day": "2026-01-15"});
        async move { common::json_of(req.json(&body).send().await.expect("POST")).await }
    };
    let (s, v) = claim(None).await;
    assert_eq!(s, 403, "{v}");
    error_code(&v);
    let (s, v) = claim(Some("x".repeat(32))).await;
    assert_eq!(s, 403, "{v}");
    assert_eq!(common::count(&db, "SELECT COUNT(*) AS n FROM claims"), 0);
    // With the page's token it goes through.
    let (s, v) = claim(Some(csrf)).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(common::count(&db, "SELECT COUNT(*) AS n FROM claims"), 1);
}
both_backends!(
    cookie_sessions_need_the_csrf_header_for_api_writes,
    clock = CLOCK
);

// ------------------------------------------------------------- hostile text

/// Every route of the API, from its OpenAPI document, as `(method, path)`
/// with each `{parameter}` replaced by `value`.
async fn api_routes(app: &TestApp, value: &str) -> Vec<(reqwest::Method, String)> {
    let (s, doc) = app.get("/api/v1/openapi.json", None).await;
    assert_eq!(s, 200);
    let mut routes = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        // (`/health` and `/ready` answer pages' way, not JSON.)
        if !path.starts_with("/api/") {
            continue;
        }
        let mut concrete = String::new();
        let mut in_param = false;
        for ch in path.chars() {
            match ch {
                '{' => in_param = true,
                '}' => {
                    in_param = false;
                    concrete.push_str(value);
                }
                _ if !in_param => concrete.push(ch),
                _ => {}
            }
        }
        for method in item.as_object().unwrap().keys() {
            if let Ok(m) = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()) {
                routes.push((m, concrete.clone()));
            }
        }
    }
    assert!(routes.len() > 40, "{routes:?}");
    routes
}

/// A NUL cannot be stored in a PostgreSQL text value: on either backend a
/// NUL in a path, a query or a body field is `400 invalid_text` on every
/// route (never a 5xx), and nothing is written.
async fn nul_bytes_are_refused_everywhere(db: TestDb, app: TestApp) {
    let admin = fixtures::staff(&app, &db, "admin", &[]).await;
    let before = common::count(&db, "SELECT COUNT(*) AS n FROM audit_log");
    let body = json!({
        "email": "a\u{0}@contoh.id", "password": "Sandi\u{0}Kuat-2026", "nik": "\u{0}",
        "kpj": "1\u{0}", "full_name": "Nama\u{0}", "reason": "resignation\u{0}",
        "status": "on_duty\u{0}", "kind": "kiosk\u{0}", "note": "\u{0}",
        "rows": [{"nik": "\u{0}"}],
    });
    let client = reqwest::Client::new();
    for (method, path) in api_routes(&app, "A%00B").await {
        let plain = path.replace("A%00B", "1");
        let mut hostile = vec![
            (
                "query",
                app.url(&format!("{plain}?q=%00&branch=%00")),
                json!({}),
            ),
            ("body", app.url(&plain), body.clone()),
        ];
        if path.contains("A%00B") {
            hostile.push(("path", app.url(&path), json!({})));
        }
        for (what, url, json) in hostile {
            let res = client
                .request(method.clone(), url.clone())
                .bearer_auth(&admin.token)
                .json(&json)
                .send()
                .await
                .unwrap();
            let (s, v) = common::json_of(res).await;
            assert_eq!(
                (s, error_code(&v)),
                (400, "invalid_text"),
                "{what}: {method} {url}: {v}"
            );
            assert!(
                what != "body" || v["error"]["field"].as_str().is_some_and(|f| !f.is_empty()),
                "{v}"
            );
        }
    }
    // In English for who asks in English.
    let res = client
        .post(app.url("/api/v1/auth/login"))
        .header("accept-language", "en")
        .json(&json!({"email": "x\u{0}@contoh.id", "password": "x"}))
        .send()
        .await
        .unwrap();
    let (s, v) = common::json_of(res).await;
    assert_eq!((s, error_code(&v)), (400, "invalid_text"), "{v}");
    assert_eq!(v["error"]["field"], "email", "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("cannot be stored"),
        "{v}"
    );
    // A page form: an error page, not a 500.
    let b = Browser::new(&app);
    let csrf = b.csrf("/login").await;
    let p = b
        .post(
            "/login",
            &[
                ("csrf", &csrf),
                ("email", "a\u{0}@contoh.id"),
                ("password", "x"),
            ],
        )
        .await;
    assert_eq!(p.status, 400, "{}", p.html);
    assert!(p.html.contains("NUL"), "{}", p.html);
    assert_eq!(
        common::count(&db, "SELECT COUNT(*) AS n FROM audit_log"),
        before,
        "nothing written"
    );

    // Unknown branches are 404 on branch-scoped writes, before the body.
    for (method, path, body) in [
        (
            reqwest::Method::PUT,
            "/api/v1/branches/NOPE/floor",
            json!({"seats_per_agent": 4}),
        ),
        (
            reqwest::Method::POST,
            "/api/v1/branches/NOPE/devices",
            json!({"kind": "kiosk"}),
        ),
        (
            reqwest::Method::POST,
            "/api/v1/branches/NOPE/devices",
            json!({"kind": "toaster"}),
        ),
        (
            reqwest::Method::POST,
            "/api/v1/branches/NOPE/arrivals",
            json!({"nik": "1"}),
        ),
    ] {
        let answer = app
            .call(method.clone(), path, Some(&admin.token), Some(&body))
            .await;
        common::assert_error(&answer, 404, "branch_not_found");
    }
    assert_eq!(
        common::count(&db, "SELECT COUNT(*) AS n FROM audit_log"),
        before,
        "no audit entry for a branch that does not exist"
    );
}
both_backends!(nul_bytes_are_refused_everywhere, clock = CLOCK);

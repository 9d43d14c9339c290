//! Registration and sign-in over the JSON API: what the NIK tells, how
//! phone numbers are stored, every refusal with its code and field, and
//! the token a sign-in gives.
#![allow(clippy::unwrap_used)]

use crate::common;
use crate::common::{error_code, fixtures, TestApp, TestDb};
use serde_json::{json, Value};

const CLOCK: &str = "2026-11-23T07:00:00+07:00";

/// A valid registration body with a fresh NIK, KPJ and email.
fn body() -> Value {
    fixtures::registration(fixtures::unique())
}

/// A fresh serial, four digits, never 0000.
fn serial() -> String {
    format!("{:04}", fixtures::unique() % 9999 + 1)
}

/// Posts a registration and returns (status, body).
async fn register(app: &TestApp, b: &Value) -> (u16, Value) {
    app.post("/api/v1/participants", None, b).await
}

/// Posts `b` and asserts a 422 with `code` naming `field`.
async fn refused(app: &TestApp, b: &Value, code: &str, field: &str, what: &str) {
    let (s, v) = register(app, b).await;
    assert_eq!(s, 422, "{what}: expected 422, got {s} {v}");
    assert_eq!(error_code(&v), code, "{what}: {v}");
    assert_eq!(v["error"]["field"], field, "{what}: {v}");
}

fn participants(db: &TestDb) -> i64 {
    common::count(db, "SELECT COUNT(*) AS n FROM participants")
}

async fn registration_derives_birth_date_and_sex(db: TestDb, app: TestApp) {
    // A man: the day as is.
    let mut man = body();
    man["nik"] = json!(fixtures::nik(17, 8, 1985, false));
    let (s, v) = register(&app, &man).await;
    assert_eq!(s, 201, "{v}");
    assert!(v["id"].as_i64().is_some(), "{v}");
    assert_eq!(v["birth_date"], "1985-08-17", "{v}");
    assert_eq!(v["sex"], "male", "{v}");

    // A woman: day + 40 in the NIK, the real day in the answer.
    let mut woman = body();
    let nik = fixtures::nik(17, 8, 1985, true);
    assert_eq!(&nik[6..8], "57");
    woman["nik"] = json!(nik);
    let (s, v) = register(&app, &woman).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["birth_date"], "1985-08-17", "{v}");
    assert_eq!(v["sex"], "female", "{v}");

    // The account shows the same birth date and a masked NIK.
    let token = fixtures::login(&app, woman["email"].as_str().unwrap(), "Klaim-JHT-2026!").await;
    let (s, me) = app.get("/api/v1/me", Some(&token)).await;
    assert_eq!(s, 200, "{me}");
    assert_eq!(me["role"], "participant", "{me}");
    assert_eq!(me["birth_date"], "1985-08-17", "{me}");
    assert_eq!(me["name"], "Budi Santoso", "{me}");
    let masked = me["nik_masked"].as_str().expect("nik_masked");
    assert_ne!(masked, nik, "the NIK must be masked: {me}");
    assert!(
        masked.starts_with(&nik[..6]) && masked.ends_with(&nik[12..]),
        "{me}"
    );
    assert_eq!(participants(&db), 2);
}
both_backends!(registration_derives_birth_date_and_sex, clock = CLOCK);

async fn phone_numbers_are_stored_in_e164(db: TestDb, app: TestApp) {
    for phone in ["0812-3456-7890", "+62 812 3456 7890", "6281234567890"] {
        let mut b = body();
        b["phone"] = json!(phone);
        let (s, v) = register(&app, &b).await;
        assert_eq!(s, 201, "{phone}: {v}");
        // The participant's own page shows the stored number.
        let token = fixtures::login(&app, b["email"].as_str().unwrap(), "Klaim-JHT-2026!").await;
        let res = app.get_raw("/me", &token).await;
        assert_eq!(res.status().as_u16(), 200, "{phone}");
        let html = res.text().await.expect("html");
        assert!(
            html.contains("+6281234567890"),
            "{phone}: /me does not show +6281234567890"
        );
    }
    // And in the database: all three the same E.164 string.
    assert_eq!(
        common::count(
            &db,
            "SELECT COUNT(*) AS n FROM participants WHERE phone = '+6281234567890'"
        ),
        3
    );
}
both_backends!(phone_numbers_are_stored_in_e164, clock = CLOCK);

async fn nik_edge_cases(db: TestDb, app: TestApp) {
    let valid = fixtures::nik(1, 1, 1985, false);
    let refusals: Vec<(&str, String)> = vec![
        ("15 digits", valid[..15].to_string()),
        ("17 digits", format!("{valid}1")),
        (
            "a letter inside",
            format!("{}A{}", &valid[..8], &valid[9..]),
        ),
        ("province 00", format!("00{}", &valid[2..])),
        ("province 99", format!("99{}", &valid[2..])),
        ("regency 00", format!("3100{}", &valid[4..])),
        ("district 00", format!("317100{}", &valid[6..])),
        ("31 February", format!("317101310285{}", serial())),
        ("day 72", format!("317101720185{}", serial())),
        ("serial 0000", "3171010101850000".to_string()),
        (
            "spaces inside",
            format!("{} {} {}", &valid[..6], &valid[6..12], &valid[12..]),
        ),
        ("empty", String::new()),
    ];
    for (what, nik) in &refusals {
        let mut b = body();
        b["nik"] = json!(nik);
        refused(&app, &b, "invalid_nik", "nik", what).await;
    }
    assert_eq!(
        participants(&db),
        0,
        "a refused registration stored something"
    );

    // A woman born on the 31st: day 71.
    let mut b = body();
    let nik = format!("317101710185{}", serial());
    b["nik"] = json!(nik);
    let (s, v) = register(&app, &b).await;
    assert_eq!(s, 201, "day 71: {v}");
    assert_eq!(v["birth_date"], "1985-01-31", "{v}");
    assert_eq!(v["sex"], "female", "{v}");

    // Surrounding spaces are trimmed; the stored NIK is the 16 digits.
    let mut b = body();
    let nik = fixtures::nik(5, 6, 1990, false);
    b["nik"] = json!(format!("  {nik} \t"));
    let (s, v) = register(&app, &b).await;
    assert_eq!(s, 201, "trimmed NIK: {v}");
    assert_eq!(v["birth_date"], "1990-06-05", "{v}");
    assert_eq!(
        common::count(
            &db,
            &format!("SELECT COUNT(*) AS n FROM participants WHERE nik = '{nik}'")
        ),
        1,
        "the NIK is not stored trimmed"
    );
    // The same NIK without spaces is then taken.
    let mut again = body();
    again["nik"] = json!(nik);
    let (s, v) = register(&app, &again).await;
    assert_eq!(s, 409, "{v}");
    assert_eq!(error_code(&v), "nik_taken");
}
both_backends!(nik_edge_cases, clock = CLOCK);

async fn other_fields_are_checked(db: TestDb, app: TestApp) {
    for (field, code, values) in [
        (
            "kpj",
            "invalid_kpj",
            &["1234567890", "123456789012", "12345abcde1", ""][..],
        ),
        (
            "email",
            "invalid_email",
            &[
                "bukan-email",
                "peserta@@example.id",
                "peserta@example",
                "pe serta@example.id",
                "",
            ],
        ),
        (
            "phone",
            "invalid_phone",
            &[
                "021-555-1234",
                "(021) 7890 1234",
                "+1 415 555 2671",
                "+65 9123 4567",
                "0812",
                "08123456789012345",
                "",
            ],
        ),
    ] {
        for value in values {
            let mut b = body();
            b[field] = json!(value);
            let what = format!("{field} {value:?}");
            refused(&app, &b, code, field, &what).await;
        }
    }
    // Weak passwords: too short, no digit, containing the NIK, the email
    // name or a name word.
    let b0 = body();
    let nik = b0["nik"].as_str().unwrap().to_string();
    let local = b0["email"]
        .as_str()
        .unwrap()
        .split('@')
        .next()
        .unwrap()
        .to_string();
    for (what, pw) in [
        ("short", "Ab1-cd2".to_string()),
        ("no digit", "Pelangi-Senja-Biru".to_string()),
        ("no letter", "1234-5678-9012".to_string()),
        ("contains the NIK", format!("Ab{nik}")),
        ("contains the email name", format!("X{local}-77")),
        ("contains a name word", "Santoso-Maju-2026".to_string()),
        ("common", "Password123".to_string()),
    ] {
        let mut b = b0.clone();
        b["password"] = json!(pw);
        refused(&app, &b, "weak_password", "password", what).await;
    }
    assert_eq!(
        participants(&db),
        0,
        "a refused registration stored something"
    );
}
both_backends!(other_fields_are_checked, clock = CLOCK);

async fn duplicates_are_conflicts(db: TestDb, app: TestApp) {
    let first = body();
    let (s, v) = register(&app, &first).await;
    assert_eq!(s, 201, "{v}");

    // The same NIK with another email.
    let mut same_nik = body();
    same_nik["nik"] = first["nik"].clone();
    let (s, v) = register(&app, &same_nik).await;
    assert_eq!(s, 409, "{v}");
    assert_eq!(error_code(&v), "nik_taken");

    // The same email with another NIK, also written in capitals.
    for email in [
        first["email"].as_str().unwrap().to_string(),
        first["email"].as_str().unwrap().to_uppercase(),
    ] {
        let mut same_email = body();
        same_email["email"] = json!(email);
        let (s, v) = register(&app, &same_email).await;
        assert_eq!(s, 409, "{email}: {v}");
        assert_eq!(error_code(&v), "email_taken", "{email}");
    }
    assert_eq!(participants(&db), 1);
}
both_backends!(duplicates_are_conflicts, clock = CLOCK);

async fn error_bodies_have_code_message_and_field(_db: TestDb, app: TestApp) {
    let mut b = body();
    b["nik"] = json!("123");
    let (s, v) = register(&app, &b).await;
    assert_eq!(s, 422);
    let e = v["error"].as_object().expect("error object");
    assert_eq!(e["code"], "invalid_nik");
    assert!(e["message"].as_str().is_some_and(|m| m.len() > 3), "{v}");
    assert_eq!(e["field"], "nik");
    // The message is a sentence, not the code.
    assert_ne!(e["message"], e["code"], "{v}");

    // A missing field is a client error with the same shape, never a 5xx.
    let (s, v) = app
        .post(
            "/api/v1/participants",
            None,
            &json!({"nik": "3171010101850001"}),
        )
        .await;
    assert!((400..500).contains(&s), "{s} {v}");
    error_code(&v);

    // Conflicts and sign-in failures have the same shape too.
    let (s, _) = register(&app, &body()).await;
    assert_eq!(s, 201);
    let (s, v) = fixtures::login_raw(&app, "x@example.id", "Salah-Sandi-99").await;
    assert_eq!(s, 401);
    assert_eq!(error_code(&v), "invalid_credentials");
}
both_backends!(error_bodies_have_code_message_and_field, clock = CLOCK);

async fn sign_in(_db: TestDb, app: TestApp) {
    let b = body();
    let (s, v) = register(&app, &b).await;
    assert_eq!(s, 201, "{v}");
    let email = b["email"].as_str().unwrap();

    let (s, v) = fixtures::login_raw(&app, email, "Klaim-JHT-2026!").await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["role"], "participant", "{v}");
    let token = v["token"].as_str().expect("token");
    assert_eq!(token.split('.').count(), 3, "not a JWT: {token}");
    let expires =
        chrono::DateTime::parse_from_rfc3339(v["expires_at"].as_str().expect("expires_at"))
            .unwrap_or_else(|e| panic!("expires_at is not RFC 3339 ({e}): {v}"));
    let clock = chrono::DateTime::parse_from_rfc3339(CLOCK).unwrap();
    assert!(
        expires > clock,
        "expires_at {expires} is not after the server's now {clock}"
    );
    assert!(
        expires < clock + chrono::Duration::days(2),
        "expires_at {expires} is far away"
    );

    let (s, me) = app.get("/api/v1/me", Some(token)).await;
    assert_eq!(s, 200, "{me}");
    assert_eq!(me["role"], "participant");
    assert_eq!(me["email"], email, "{me}");

    // The email is matched whatever its case.
    let (s, v) = fixtures::login_raw(&app, &email.to_uppercase(), "Klaim-JHT-2026!").await;
    assert_eq!(s, 200, "{v}");

    // Wrong password, unknown email: the same answer.
    let (s, v) = fixtures::login_raw(&app, email, "Klaim-JHT-2027!").await;
    assert_eq!(s, 401, "{v}");
    assert_eq!(error_code(&v), "invalid_credentials");
    assert!(v.get("token").is_none());
    let (s, v) = fixtures::login_raw(&app, "nobody@example.id", "Klaim-JHT-2026!").await;
    assert_eq!(s, 401, "{v}");
    assert_eq!(error_code(&v), "invalid_credentials");

    // No token, no account.
    let (s, v) = app.get("/api/v1/me", None).await;
    assert_eq!(s, 401, "{v}");
    error_code(&v);
}
both_backends!(sign_in, clock = CLOCK);

async fn a_participant_cannot_take_over_a_staff_email(db: TestDb, app: TestApp) {
    fixtures::add_staff(&db, "admin", "kepala@bpjs.example.id", &[]);
    let (s, v) =
        fixtures::login_raw(&app, "kepala@bpjs.example.id", fixtures::STAFF_PASSWORD).await;
    assert_eq!(s, 200, "{v}");
    // Someone registers as a participant with the staff member's email.
    let mut b = body();
    b["email"] = json!("kepala@bpjs.example.id");
    let (s, v) = register(&app, &b).await;
    assert!(s == 201 || s == 409, "{s} {v}");
    // The staff member still signs in over the API as before.
    let (s, v) =
        fixtures::login_raw(&app, "kepala@bpjs.example.id", fixtures::STAFF_PASSWORD).await;
    assert_eq!(
        s, 200,
        "staff sign-in after a participant registered the same email: {v}"
    );
    assert_eq!(v["role"], "admin", "{v}");
}
both_backends!(a_participant_cannot_take_over_a_staff_email, clock = CLOCK);

async fn simultaneous_registrations_of_one_person(db: TestDb, app: TestApp) {
    // The same NIK from eight requests at once (a double-tapping phone and
    // a retrying app): one account, the others told it is taken.
    let nik = fixtures::nik(9, 9, 1979, true);
    let email = format!("ganda{}@example.id", fixtures::unique());
    let attempts = (0..8).map(|i| {
        let mut b = body();
        b["nik"] = json!(nik);
        if i % 2 == 0 {
            b["email"] = json!(email);
        }
        let app = &app;
        async move { register(app, &b).await }
    });
    let results = futures::future::join_all(attempts).await;
    let created = results.iter().filter(|(s, _)| *s == 201).count();
    assert_eq!(created, 1, "{results:?}");
    for (s, v) in &results {
        if *s != 201 {
            assert_eq!(*s, 409, "{v}");
            let code = error_code(v);
            assert!(code == "nik_taken" || code == "email_taken", "{v}");
        }
    }
    assert_eq!(participants(&db), 1);
}
both_backends!(simultaneous_registrations_of_one_person, clock = CLOCK);

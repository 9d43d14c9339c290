//! The stable interface answers as shared/API.md says: health, readiness,
//! the OpenAPI document, the error shape and language.

use crate::common;
use crate::common::{error_code, TestApp, TestDb, DEFAULT_CLOCK};
use serde_json::json;

async fn health_ready_and_openapi(_db: TestDb, app: TestApp) {
    let (s, v) = app.get("/health", None).await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = app.get("/ready", None).await;
    assert_eq!(s, 200, "{v}");
    let (s, doc) = app.get("/api/v1/openapi.json", None).await;
    assert_eq!(s, 200);
    assert!(
        doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")),
        "{doc}"
    );
    for path in [
        "/api/v1/auth/login",
        "/api/v1/participants",
        "/api/v1/claims",
        "/api/v1/claims/{id}",
        "/api/v1/branches",
        "/api/v1/branches/{code}/slots",
        "/api/v1/admin/slots/{id}/capacity",
        "/api/v1/bookings",
        "/api/v1/bookings/{code}",
        "/api/v1/bookings/{code}/reschedule",
        "/api/v1/admin/companies",
        "/api/v1/outreach/worklist",
        "/api/v1/outreach/{id}/claim",
        "/api/v1/outreach/{id}/attempts",
        "/api/v1/outreach/figures",
        "/api/v1/staff",
        "/api/v1/staff/{id}",
    ] {
        assert!(doc["paths"][path].is_object(), "OpenAPI lacks {path}");
    }
}
both_backends!(health_ready_and_openapi, clock = DEFAULT_CLOCK);

async fn errors_have_one_shape(_db: TestDb, app: TestApp) {
    // Malformed JSON is 400, never 500; JSON that does not fit the
    // request is 400 naming the field, in the caller's language.
    let person = json!({"nik": "5171010101900001", "kpj": "12345678901", "full_name": "Wayan",
        "email": "wayan.fields@example.id", "phone": "081234567890", "password": "Rahasia-Kuat-2026"});
    let mut wrong_type = person.clone();
    wrong_type["nik"] = json!(5171010101900001_i64);
    let mut missing = person.clone();
    missing.as_object_mut().map(|o| o.remove("password"));
    for (body, language, field, message) in [
        (
            "{not json".to_string(),
            "id",
            None,
            "Isi permintaan bukan JSON yang valid.",
        ),
        (
            wrong_type.to_string(),
            "id",
            Some("nik"),
            "Isi kolom \"nik\" tidak valid.",
        ),
        (
            missing.to_string(),
            "en",
            Some("password"),
            "The field \"password\" is required.",
        ),
    ] {
        let res = app
            .client
            .post(app.url("/api/v1/participants"))
            .header("content-type", "application/json")
            .header("accept-language", language)
            .body(body.clone())
            .send()
            .await
            .expect("send");
        let (s, v) = common::json_of(res).await;
        assert_eq!((s, error_code(&v)), (400, "malformed_json"), "{body}: {v}");
        assert_eq!(v["error"]["field"].as_str(), field, "{body}: {v}");
        assert_eq!(v["error"]["message"], message, "{body}: {v}");
    }
    let (s, v) = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": person["email"], "password": person["password"]}),
        )
        .await;
    assert_eq!(
        (s, error_code(&v)),
        (401, "invalid_credentials"),
        "neither was registered: {v}"
    );
    // Unknown API route: JSON 404.
    let (s, v) = app.get("/api/v1/nope", None).await;
    assert_eq!(s, 404);
    assert_eq!(error_code(&v), "not_found");
    // No token: 401.
    let (s, v) = app
        .post("/api/v1/claims", None, &json!({"reason": "resignation"}))
        .await;
    assert_eq!(s, 401);
    assert_eq!(error_code(&v), "unauthenticated");
    // Garbage token: 401 as well.
    let (s, _) = app.get("/api/v1/me", Some("not.a.token")).await;
    assert_eq!(s, 401);
    // Unknown branch: 404 with the error shape.
    let (s, v) = app
        .get("/api/v1/branches/NOPE/slots?date=2026-11-24", None)
        .await;
    assert_eq!(s, 404);
    assert_eq!(error_code(&v), "branch_not_found");
    // Bad date: 422 naming the field.
    let (s, v) = app
        .get("/api/v1/branches/DPS-DENPASAR/slots?date=2026-13-40", None)
        .await;
    assert_eq!(s, 422);
    assert_eq!(v["error"]["field"], "date");
}
both_backends!(errors_have_one_shape, clock = DEFAULT_CLOCK);

async fn error_language_follows_the_caller(_db: TestDb, app: TestApp) {
    let body = json!({"email": "x@example.id", "password": "wrong-password-1"});
    let login = |language: &str| {
        let req = app.client.post(app.url("/api/v1/auth/login"));
        let req = match language {
            "" => req,
            l => req.header("accept-language", l),
        };
        req.json(&body).send()
    };
    let (s, v) = common::json_of(login("").await.expect("send")).await;
    assert_eq!(s, 401);
    assert_eq!(v["error"]["message"], "Email atau kata sandi salah.");
    let en = login("en-US,en;q=0.9").await.expect("send");
    let (s, v) = common::json_of(en).await;
    assert_eq!(s, 401);
    assert_eq!(v["error"]["code"], "invalid_credentials");
    assert_eq!(v["error"]["message"], "Wrong email or password.");
}
both_backends!(error_language_follows_the_caller, clock = DEFAULT_CLOCK);

//! Test data: valid identifiers and the usual steps (register, sign in,
//! open a claim, find a session).

use std::sync::atomic::{AtomicU32, Ordering};

use serde_json::{json, Value};

use super::TestApp;

static SEQ: AtomicU32 = AtomicU32::new(1);

/// A valid NIK: Jakarta Selatan (31 71), district 01, the given birth date
/// (day + 40 for women) and a fresh serial.
pub fn nik(day: u32, month: u32, year: u32, female: bool) -> String {
    let serial = SEQ.fetch_add(1, Ordering::SeqCst) % 9999 + 1;
    let dd = if female { day + 40 } else { day };
    format!("317101{dd:02}{month:02}{:02}{serial:04}", year % 100)
}

pub fn unique() -> u32 {
    SEQ.fetch_add(1, Ordering::SeqCst)
}

pub struct Member {
    pub nik: String,
    pub email: String,
    pub password: String,
    pub token: String,
    pub id: i64,
}

pub fn registration(n: u32) -> Value {
    json!({
        "nik": nik(1 + n % 28, 1 + n % 12, 80 + n % 15, n % 2 == 0),
        "kpj": format!("{:011}", 10_000_000_000u64 + u64::from(n)),
        "full_name": "Budi Santoso",
        "email": format!("peserta{n}@example.id"),
        // Each participant their own number: a phone shared by several
        // booking participants is an anomaly (`shared_contact`).
        "phone": format!("0812-{:04}-{:04}", n / 10_000 % 10_000, n % 10_000),
        "password": "Klaim-JHT-2026!",
    })
}

pub async fn register(app: &TestApp) -> Member {
    let n = unique();
    let body = registration(n);
    let (status, v) = app.post("/api/v1/participants", None, &body).await;
    assert_eq!(status, 201, "register: {v}");
    let token = login(
        app,
        body["email"].as_str().unwrap_or_default(),
        "Klaim-JHT-2026!",
    )
    .await;
    Member {
        nik: body["nik"].as_str().unwrap_or_default().into(),
        email: body["email"].as_str().unwrap_or_default().into(),
        password: "Klaim-JHT-2026!".into(),
        token,
        id: v["id"].as_i64().unwrap_or_default(),
    }
}

/// POST /api/v1/auth/login: the raw answer.
pub async fn login_raw(app: &TestApp, email: &str, password: &str) -> (u16, Value) {
    let body = json!({"email": email, "password": password});
    app.post("/api/v1/auth/login", None, &body).await
}

pub async fn login(app: &TestApp, email: &str, password: &str) -> String {
    let (status, v) = login_raw(app, email, password).await;
    assert_eq!(status, 200, "login {email}: {v}");
    v["token"].as_str().expect("token").to_string()
}

/// POSTs `body` as `token` and expects 201 Created.
pub async fn created(app: &TestApp, path: &str, token: &str, body: Value) -> Value {
    let (status, v) = app.post(path, Some(token), &body).await;
    assert_eq!(status, 201, "{path}: {v}");
    v
}

/// Opens a resignation claim whose waiting month has passed.
pub async fn claim(app: &TestApp, token: &str) -> i64 {
    let body = json!({"reason": "resignation", "last_working_day": "2026-01-15"});
    let v = created(app, "/api/v1/claims", token, body).await;
    v["id"].as_i64().expect("claim id")
}

/// A registered participant with an open resignation claim.
pub async fn member_with_claim(app: &TestApp) -> (Member, i64) {
    let m = register(app).await;
    let claim = claim(app, &m.token).await;
    (m, claim)
}

/// A document upload as a browser sends it: `kind`, then `file` (reqwest
/// writes the file name as is, quotes and backslashes escaped).
pub fn document_form(kind: &str, name: &str, bytes: Vec<u8>) -> reqwest::multipart::Form {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_string());
    reqwest::multipart::Form::new()
        .text("kind", kind.to_string())
        .part("file", part)
}

/// Uploads a document of `kind` to `claim` as `token`: the raw answer.
pub async fn upload_document(
    app: &TestApp,
    token: &str,
    claim: i64,
    kind: &str,
    name: &str,
    bytes: Vec<u8>,
) -> (u16, Value) {
    let path = format!("/api/v1/claims/{claim}/documents");
    app.upload(&path, token, document_form(kind, name, bytes))
        .await
}

/// Uploads a distinct PNG for every item of a resignation claim (201
/// expected): the document ids, in the order of [`RESIGNATION_ITEMS`].
pub async fn upload_dossier(app: &TestApp, token: &str, claim: i64) -> Vec<i64> {
    let mut ids = Vec::new();
    for (i, kind) in RESIGNATION_ITEMS.iter().enumerate() {
        let png = super::files::png_seeded(i as u32);
        let name = format!("{kind}.png");
        let (status, v) = upload_document(app, token, claim, kind, &name, png).await;
        assert_eq!(status, 201, "upload {kind}: {v}");
        ids.push(v["id"].as_i64().expect("document id"));
    }
    ids
}

/// GET /api/v1/claims/{claim} as `token`: the raw answer.
pub async fn get_claim(app: &TestApp, token: &str, claim: i64) -> (u16, Value) {
    app.get(&format!("/api/v1/claims/{claim}"), Some(token))
        .await
}

/// POST /api/v1/bookings for `slot` (an id, or a listed session's `id`)
/// and `claim`, signed in or not: the raw answer.
pub async fn post_booking(
    app: &TestApp,
    token: Option<&str>,
    slot: impl serde::Serialize,
    claim: i64,
) -> (u16, Value) {
    let body = json!({"slot_id": slot, "claim_id": claim});
    app.post("/api/v1/bookings", token, &body).await
}

/// Books `slot` for `claim`: the booking code.
pub async fn book(app: &TestApp, token: &str, slot: i64, claim: i64) -> String {
    let (status, v) = post_booking(app, Some(token), slot, claim).await;
    assert_eq!(status, 201, "/api/v1/bookings: {v}");
    v["code"].as_str().expect("booking code").to_string()
}

/// A new device of `kind` (kiosk, board…) at `branch`, issued as `token`
/// (201 expected): the device token.
pub async fn device(app: &TestApp, token: &str, branch: &str, kind: &str) -> String {
    let path = format!("/api/v1/branches/{branch}/devices");
    let (status, v) = app.post(&path, Some(token), &json!({"kind": kind})).await;
    assert_eq!(status, 201, "device: {v}");
    v["token"].as_str().expect("device token").to_string()
}

/// POST an arrival (`{"nik": …}` and options) at `branch`: the raw answer.
pub async fn arrive_at(app: &TestApp, token: &str, branch: &str, body: &Value) -> (u16, Value) {
    let path = format!("/api/v1/branches/{branch}/arrivals");
    app.post(&path, Some(token), body).await
}

/// Sets a console agent's `status` (on_duty, on_break…): the raw answer.
pub async fn set_status(app: &TestApp, token: &str, status: &str) -> (u16, Value) {
    let body = json!({"status": status});
    app.put("/api/v1/console/status", Some(token), &body).await
}

/// Finishes console session `session` with `outcome`: the raw answer.
pub async fn finish(
    app: &TestApp,
    token: &str,
    session: impl std::fmt::Display,
    outcome: &str,
) -> (u16, Value) {
    let path = format!("/api/v1/console/sessions/{session}/finish");
    let body = json!({"outcome": outcome});
    app.post(&path, Some(token), &body).await
}

/// POST /api/v1/admin/companies with `body` as `token`: the raw answer.
pub async fn new_company(app: &TestApp, token: &str, body: &Value) -> (u16, Value) {
    app.post("/api/v1/admin/companies", Some(token), body).await
}

/// Reviews document `doc` (`{"decision": …}`) as `token`: the raw answer.
pub async fn review(app: &TestApp, token: &str, doc: i64, body: Value) -> (u16, Value) {
    let path = format!("/api/v1/documents/{doc}/review");
    app.post(&path, Some(token), &body).await
}

/// GET booking `code` as `token`: the raw answer.
pub async fn booking(app: &TestApp, token: &str, code: &str) -> (u16, Value) {
    app.get(&format!("/api/v1/bookings/{code}"), Some(token))
        .await
}

/// Cancels booking `code` as `token`: the raw answer.
pub async fn cancel(app: &TestApp, token: &str, code: &str) -> (u16, Value) {
    app.delete(&format!("/api/v1/bookings/{code}"), Some(token))
        .await
}

/// Moves booking `code` to `slot`: the raw answer.
pub async fn reschedule(app: &TestApp, token: &str, code: &str, slot: i64) -> (u16, Value) {
    let path = format!("/api/v1/bookings/{code}/reschedule");
    app.post(&path, Some(token), &json!({"slot_id": slot}))
        .await
}

/// The sessions of a branch on a date.
pub async fn slots(app: &TestApp, branch: &str, date: &str) -> Vec<Value> {
    let (status, v) = app
        .get(
            &format!("/api/v1/branches/{branch}/slots?date={date}"),
            None,
        )
        .await;
    assert_eq!(status, 200, "slots: {v}");
    v.as_array().cloned().unwrap_or_default()
}

/// Creates a staff account through the CLI, as an operator would.
pub fn add_staff(db: &super::TestDb, role: &str, email: &str, extra: &[&str]) {
    let mut args = vec!["user", "add", "--role", role, "--email", email];
    args.extend_from_slice(extra);
    let out = super::antre_cli(db, &args, &format!("{STAFF_PASSWORD}\n"));
    assert!(
        out.status.success(),
        "user add failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A signed-in staff account.
pub struct Staff {
    pub token: String,
    pub id: i64,
    pub email: String,
}

/// The flags placing a staff account at `branch` (supervisors and cs).
pub fn at_branch(branch: Option<&str>) -> Vec<&str> {
    branch.map(|b| vec!["--branch", b]).unwrap_or_default()
}

/// A fresh staff account of `role` made at the command line (`extra`:
/// further flags, e.g. `at_branch(..)`), signed in, with its id.
pub async fn staff(app: &TestApp, db: &super::TestDb, role: &str, extra: &[&str]) -> Staff {
    let email = format!("{role}{}@bpjs.example.id", unique());
    add_staff(db, role, &email, extra);
    let token = login(app, &email, STAFF_PASSWORD).await;
    let (status, me) = app.get("/api/v1/me", Some(&token)).await;
    assert_eq!(status, 200, "me: {me}");
    let id = me["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("staff id: {me}"));
    Staff { token, id, email }
}

/// The documents of a resignation claim without NPWP.
pub const RESIGNATION_ITEMS: [&str; 6] = [
    "kpj_card",
    "ektp",
    "kk",
    "bank_book",
    "selfie",
    "resignation_letter",
];

pub const STAFF_PASSWORD: &str = "Petugas-Antre-2026";

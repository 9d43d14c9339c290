//! The claim dossier: uploads checked by their content (JPEG, PNG, PDF),
//! image metadata stripped, the checklist of every claim reason, staff
//! review and verification, who may read the files, versions and
//! deletion, the per-claim limits, the day-before reminder mail and the
//! upload form on /me.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use crate::common;
use crate::common::browser::{hidden, Browser};
use crate::common::files::{big_pdf, jpeg, jpeg_with_metadata, pdf, pdf_with, png, png_with_text};
use crate::common::fixtures::{
    document_form as upload_form, review, upload_document as upload, RESIGNATION_ITEMS,
};
use crate::common::{error_code, fixtures, Backend, Options, TestApp, TestDb};
use reqwest::header::HeaderMap;
use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// 07:00 WITA on Monday 2026-11-23.
const CLOCK: &str = "2026-11-23T07:00:00+08:00";
const DAY: &str = "2026-11-24";
const BRANCH: &str = "DPS-DENPASAR";
const OTHER_BRANCH: &str = "JKT-CILANDAK";

// ---------------------------------------------------------------------------
// Test files, generated here.

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

// ---------------------------------------------------------------------------
// HTTP helpers.

async fn send_form(app: &TestApp, token: &str, claim: i64, form: Form) -> (u16, Value) {
    let path = format!("/api/v1/claims/{claim}/documents");
    app.upload(&path, token, form).await
}

/// An upload's answer, expected 201: the document id.
fn uploaded((status, v): (u16, Value)) -> i64 {
    assert_eq!(status, 201, "upload: {v}");
    v["id"].as_i64().expect("document id")
}

/// A small valid file for `kind`, by turns JPEG, PNG or PDF.
fn sample(i: usize) -> (&'static str, Vec<u8>) {
    match i % 3 {
        0 => ("scan.jpg", jpeg(24, 16)),
        1 => ("scan.png", png(24, 16)),
        _ => ("scan.pdf", pdf()),
    }
}

/// Uploads one file for each of `kinds`; returns their ids in order.
async fn upload_all(app: &TestApp, token: &str, claim: i64, kinds: &[&str]) -> Vec<i64> {
    let mut ids = Vec::new();
    for (i, kind) in kinds.iter().enumerate() {
        let (name, bytes) = sample(i);
        ids.push(uploaded(upload(app, token, claim, kind, name, bytes).await));
    }
    ids
}

async fn fetch(
    app: &TestApp,
    token: Option<&str>,
    claim: i64,
    doc: i64,
    query: &str,
) -> (u16, HeaderMap, Vec<u8>) {
    let mut req = app
        .client
        .get(app.url(&format!("/api/v1/claims/{claim}/documents/{doc}{query}")));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.expect("fetch document");
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let bytes = res.bytes().await.expect("body").to_vec();
    (status, headers, bytes)
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> &'a str {
    h.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

/// A file served `disposition` (attachment, inline), never sniffed, under
/// a CSP that holds `csp`.
fn assert_served(h: &HeaderMap, disposition: &str, csp: &str) {
    let got = header(h, "content-disposition");
    assert!(got.starts_with(disposition), "{h:?}");
    assert_eq!(header(h, "x-content-type-options"), "nosniff");
    assert!(header(h, "content-security-policy").contains(csp), "{h:?}");
}

async fn open_claim(app: &TestApp, token: &str, body: Value) -> i64 {
    let (status, v) = app.post("/api/v1/claims", Some(token), &body).await;
    assert_eq!(status, 201, "claim {body}: {v}");
    v["id"].as_i64().expect("claim id")
}

/// GET /api/v1/claims/{id} as `token`; expects 200.
async fn dossier(app: &TestApp, token: &str, claim: i64) -> Value {
    let (status, v) = fixtures::get_claim(app, token, claim).await;
    assert_eq!(status, 200, "claim {claim}: {v}");
    v
}

fn item<'a>(d: &'a Value, key: &str) -> &'a Value {
    d["checklist"]
        .as_array()
        .expect("checklist array")
        .iter()
        .find(|e| e["item"] == key)
        .unwrap_or_else(|| panic!("no checklist item {key}: {d}"))
}

fn status_of(d: &Value, key: &str) -> String {
    item(d, key)["status"].as_str().expect("status").to_string()
}

/// The checklist's item keys, sorted.
fn item_keys(d: &Value) -> Vec<String> {
    let mut keys: Vec<String> = d["checklist"]
        .as_array()
        .expect("checklist array")
        .iter()
        .map(|e| e["item"].as_str().expect("item key").to_string())
        .collect();
    keys.sort();
    keys
}

fn sorted(keys: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
    v.sort();
    v
}

/// Books the first free session of `branch` on `day`; returns the code.
async fn book(app: &TestApp, token: &str, claim: i64, branch: &str, day: &str) -> String {
    let slots = fixtures::slots(app, branch, day).await;
    let slot = slots
        .iter()
        .find(|s| s["available"].as_i64().unwrap_or(0) > 0)
        .unwrap_or_else(|| panic!("no free session at {branch} on {day}"));
    let (status, v) = fixtures::post_booking(app, Some(token), &slot["id"], claim).await;
    assert_eq!(status, 201, "book {branch} {day}: {v}");
    v["code"].as_str().expect("booking code").to_string()
}

/// A staff account (`branch` for supervisor and cs), signed in: its token.
async fn staff(app: &TestApp, db: &TestDb, role: &str, branch: Option<&str>) -> String {
    let extra = fixtures::at_branch(branch);
    fixtures::staff(app, db, role, &extra).await.token
}

async fn accept(app: &TestApp, token: &str, doc: i64) {
    let (status, v) = review(app, token, doc, json!({"decision": "accept"})).await;
    assert_eq!(status, 200, "accept {doc}: {v}");
    assert_eq!(v["status"], "accepted", "{v}");
}

/// POST /api/v1/claims/{claim}/verify as `token`: the raw answer.
async fn verify(app: &TestApp, token: &str, claim: i64) -> (u16, Value) {
    app.act(&format!("/api/v1/claims/{claim}/verify"), token)
        .await
}

/// POST /api/v1/claims/{claim}/reject as `token`: the raw answer.
async fn reject_claim(app: &TestApp, token: &str, claim: i64, body: &Value) -> (u16, Value) {
    let path = format!("/api/v1/claims/{claim}/reject");
    app.post(&path, Some(token), body).await
}

/// DELETE a document of `claim` as `token`: the raw answer.
async fn delete_doc(app: &TestApp, token: &str, claim: i64, doc: i64) -> (u16, Value) {
    let path = format!("/api/v1/claims/{claim}/documents/{doc}");
    app.delete(&path, Some(token)).await
}

/// Rejects document `doc` for `reason` as `token`: the raw answer.
async fn reject_doc(app: &TestApp, token: &str, doc: i64, reason: &str) -> (u16, Value) {
    let body = json!({"decision": "reject", "reason": reason});
    review(app, token, doc, body).await
}

/// A decided claim is closed: its owner neither uploads (a `kind`
/// document) nor deletes (`doc`), and the staff member does not verify.
async fn assert_closed(
    app: &TestApp,
    (owner, staff): (&str, &str),
    claim: i64,
    (kind, doc): (&str, i64),
) {
    let name = format!("{kind}.jpg");
    for answer in [
        upload(app, owner, claim, kind, &name, jpeg(20, 20)).await,
        delete_doc(app, owner, claim, doc).await,
        verify(app, staff, claim).await,
    ] {
        common::assert_error(&answer, 409, "claim_not_open");
    }
}

fn resignation() -> Value {
    json!({"reason": "resignation", "last_working_day": "2026-01-15"})
}

// ---------------------------------------------------------------------------
// Files: what is accepted, what is stored.

async fn images_are_stored_without_metadata(_db: TestDb, app: TestApp) {
    let (m, claim) = fixtures::member_with_claim(&app).await;

    // A JPEG with EXIF (GPS), XMP and a comment.
    let original = jpeg_with_metadata();
    assert!(contains(&original, b"Exif") && contains(&original, b"GPS"));
    let (kind, name) = ("selfie", "Swafoto.JPEG");
    let (status, v) = upload(&app, &m.token, claim, kind, name, original.clone()).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["kind"], "selfie");
    assert_eq!(v["version"], 1);
    assert_eq!(v["status"], "uploaded");
    assert_eq!(v["current"], true);
    assert_eq!(v["content_type"], "image/jpeg");
    assert_eq!(v["original_name"], "Swafoto.JPEG");
    assert!(
        v["uploaded_at"]
            .as_str()
            .is_some_and(|t| chrono::DateTime::parse_from_rfc3339(t).is_ok()),
        "uploaded_at: {v}"
    );
    let selfie = v["id"].as_i64().expect("id");
    let sha = v["sha256"].as_str().expect("sha256").to_string();
    assert_eq!(sha.len(), 64);
    assert_ne!(sha, sha256_hex(&original), "metadata was not removed");
    let size = v["size"].as_i64().expect("size");
    assert!(size < original.len() as i64, "{size} vs {}", original.len());

    let (status, headers, stored) = fetch(&app, Some(&m.token), claim, selfie, "").await;
    assert_eq!(status, 200);
    assert_eq!(sha256_hex(&stored), sha, "the sha256 is the stored file's");
    assert_eq!(stored.len() as i64, size);
    assert_eq!(&stored[..3], [0xFF, 0xD8, 0xFF]);
    for leak in [
        &b"Exif"[..],
        b"GPS",
        b"CAM-998877",
        b"xmpmeta",
        b"secret comment",
    ] {
        assert!(
            !contains(&stored, leak),
            "stored JPEG still holds {:?}",
            String::from_utf8_lossy(leak)
        );
    }
    let decoded = image::load_from_memory(&stored).expect("stored JPEG decodes");
    assert_eq!((decoded.width(), decoded.height()), (64, 48));
    // Served as a download that a browser will neither sniff nor script.
    assert_eq!(header(&headers, "content-type"), "image/jpeg");
    assert_served(&headers, "attachment", "sandbox");
    // The viewer: inline, still not sniffed, still under a CSP.
    let (status, headers, inline) = fetch(&app, Some(&m.token), claim, selfie, "?inline=1").await;
    assert_eq!(status, 200);
    assert_eq!(inline, stored);
    assert_served(&headers, "inline", "default-src 'none'");

    // A PNG with a tEXt chunk.
    let original = png_with_text();
    image::load_from_memory(&original).expect("the test PNG is valid");
    let (status, v) = upload(&app, &m.token, claim, "kk", "kk.png", original.clone()).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["content_type"], "image/png");
    let kk = v["id"].as_i64().expect("id");
    let (_, headers, stored) = fetch(&app, Some(&m.token), claim, kk, "").await;
    assert_eq!(header(&headers, "content-type"), "image/png");
    assert_eq!(sha256_hex(&stored), v["sha256"].as_str().expect("sha"));
    assert!(!contains(&stored, b"tEXt") && !contains(&stored, b"GPS"));
    let decoded = image::load_from_memory(&stored).expect("stored PNG decodes");
    assert_eq!((decoded.width(), decoded.height()), (40, 30));

    // A valid one-page PDF.
    let original = pdf();
    let (kind, name) = ("resignation_letter", "paklaring.pdf");
    let (status, v) = upload(&app, &m.token, claim, kind, name, original.clone()).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["content_type"], "application/pdf");
    let letter = v["id"].as_i64().expect("id");
    let (_, headers, stored) = fetch(&app, Some(&m.token), claim, letter, "").await;
    assert_eq!(header(&headers, "content-type"), "application/pdf");
    assert!(header(&headers, "content-security-policy").contains("sandbox"));
    assert!(stored.starts_with(b"%PDF-"));
    assert_eq!(sha256_hex(&stored), v["sha256"].as_str().expect("sha"));
    assert_eq!(stored.len() as i64, v["size"].as_i64().expect("size"));

    // The name shown is only the last path part, without control characters.
    // A raw BEL byte makes the part header itself invalid HTTP: refused as a
    // malformed upload, or accepted under a clean name; never stored as is.
    let (kind, name) = ("ektp", "../../etc/passwd\u{0007}.jpg");
    let (status, v) = upload(&app, &m.token, claim, kind, name, jpeg(16, 16)).await;
    if status == 201 {
        let name = v["original_name"].as_str().expect("original_name");
        assert!(
            !name.contains('/') && !name.chars().any(char::is_control),
            "original_name {name:?}"
        );
    } else {
        assert_eq!(status, 400, "{v}");
        assert_eq!(error_code(&v), "malformed_upload");
    }
    // Control characters a multipart header can carry: a tab, C1 controls,
    // a right-to-left override and a zero-width space.
    let (kind, name) = (
        "ektp",
        "../../etc/pass\twd\u{0085}\u{009b}\u{202e}\u{200b}.jpg",
    );
    let (status, v) = upload(&app, &m.token, claim, kind, name, jpeg(16, 16)).await;
    assert_eq!(status, 201, "{v}");
    let name = v["original_name"].as_str().expect("original_name");
    assert!(
        !name.contains('/')
            && !name.contains('\\')
            && !name.chars().any(char::is_control)
            && !name.contains('\u{202e}')
            && !name.contains('\u{200b}'),
        "original_name {name:?}"
    );
    assert!(name.contains("pass") && name.ends_with(".jpg"), "{name:?}");
    assert!(!name.contains(".."), "{name:?}");
    let (kind, name) = ("bank_book", "C:\\Users\\budi\\Buku Tabungan.png");
    let (status, v) = upload(&app, &m.token, claim, kind, name, png(16, 16)).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["original_name"], "Buku Tabungan.png");

    // The claim shows the uploads.
    let d = dossier(&app, &m.token, claim).await;
    for key in ["selfie", "kk", "resignation_letter", "ektp", "bank_book"] {
        assert_eq!(status_of(&d, key), "uploaded", "{key}: {d}");
    }
    assert_eq!(status_of(&d, "kpj_card"), "missing");
    assert_eq!(d["ready"], false);
    assert_eq!(d["verifiable"], false);
    let docs = d["documents"].as_array().expect("documents");
    assert_eq!(docs.len(), 5, "{d}");
    assert!(docs.iter().all(|x| x["current"] == true));
    assert!(docs
        .iter()
        .any(|x| x["id"] == selfie && x["kind"] == "selfie"));
}
sqlite_only!(images_are_stored_without_metadata, clock = CLOCK);

async fn refused_uploads(db: TestDb, app: TestApp) {
    let (m, claim) = fixtures::member_with_claim(&app).await;

    let full_jpeg = jpeg(120, 80);
    let truncated_jpeg = full_jpeg[..full_jpeg.len() / 2].to_vec();
    let full_pdf = pdf();
    let truncated_pdf = full_pdf[..full_pdf.len() - 30].to_vec();
    let js_pdf = pdf_with("/OpenAction << /S /JavaScript /JS (app.alert(1)) >> ", &[]);
    let js_names_pdf = pdf_with(
        "/Names << /JavaScript 5 0 R >> ",
        &[b"<< /Names [(a) << /S /JavaScript /JS (app.alert(2)) >>] >>".to_vec()],
    );
    let escaped_js_pdf = pdf_with("/OpenAction << /S /Java#53cript /JS (x) >> ", &[]);
    let launch_pdf = pdf_with("/OpenAction << /S /Launch /F (cmd.exe) >> ", &[]);
    let aa_pdf = pdf_with(
        "/AA << /WC 5 0 R >> ",
        &[b"<< /S /GoTo /D [3 0 R /Fit] >>".to_vec()],
    );
    let embedded_pdf = pdf_with(
        "/Names << /EmbeddedFiles 5 0 R >> ",
        &[b"<< /Names [] >>".to_vec()],
    );
    let mut junk_before_pdf = b"GARBAGE\n".to_vec();
    junk_before_pdf.extend_from_slice(&full_pdf);
    // A valid JPEG header followed by 7 MB.
    let mut huge = jpeg(8, 8);
    huge.resize(7 * 1024 * 1024, 0);

    let cases: Vec<(&str, &str, Vec<u8>, u16, &str)> = vec![
        (
            "ektp",
            "x.jpg",
            b"<html><script>alert(1)</script></html>".to_vec(),
            415,
            "unsupported_type",
        ),
        (
            "ektp",
            "x.png",
            br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>"#
                .to_vec(),
            415,
            "unsupported_type",
        ),
        ("ektp", "x.gif", b"GIF89a\x01\0\x01\0\0\0\0;".to_vec(), 415, "unsupported_type"),
        ("ektp", "x.pdf", junk_before_pdf, 415, "unsupported_type"),
        ("ektp", "x.pdf", png(20, 20), 422, "type_mismatch"),
        ("ektp", "x.png", jpeg(20, 20), 422, "type_mismatch"),
        ("ektp", "x.jpg", pdf(), 422, "type_mismatch"),
        ("ektp", "ktp.exe", jpeg(20, 20), 422, "type_mismatch"),
        ("ektp", "ktp", jpeg(20, 20), 422, "type_mismatch"),
        // a right-to-left override makes "ktp\u{202E}gpj.exe" look like ktpexe.jpg
        ("ektp", "ktp\u{202E}gpj.exe", jpeg(20, 20), 422, "type_mismatch"),
        ("ektp", "t.jpg", truncated_jpeg, 422, "corrupt_file"),
        ("ektp", "t.jpg", vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10], 422, "corrupt_file"),
        ("ektp", "t.pdf", truncated_pdf, 422, "corrupt_file"),
        ("ektp", "t.pdf", b"%PDF-1.7\n%%EOF\n".to_vec(), 422, "corrupt_file"),
        ("ektp", "empty.jpg", Vec::new(), 422, "corrupt_file"),
        ("ektp", "js.pdf", js_pdf, 422, "pdf_active_content"),
        ("ektp", "js.pdf", js_names_pdf, 422, "pdf_active_content"),
        ("ektp", "js.pdf", escaped_js_pdf, 422, "pdf_active_content"),
        ("ektp", "launch.pdf", launch_pdf, 422, "pdf_active_content"),
        ("ektp", "aa.pdf", aa_pdf, 422, "pdf_active_content"),
        ("ektp", "attach.pdf", embedded_pdf, 422, "pdf_active_content"),
        ("ektp", "huge.jpg", huge.clone(), 413, "file_too_large"),
        ("passport2", "ok.jpg", jpeg(20, 20), 422, "unknown_kind"),
        ("EKTP", "ok.jpg", jpeg(20, 20), 422, "unknown_kind"),
        ("", "ok.jpg", jpeg(20, 20), 422, "unknown_kind"),
        // taken by the CS agent during the video call, not by the participant
        ("identity_photo", "ok.jpg", jpeg(20, 20), 422, "unknown_kind"),
    ];
    for (kind, name, bytes, want_status, want_code) in cases {
        let (status, v) = upload(&app, &m.token, claim, kind, name, bytes).await;
        assert_eq!(status, want_status, "{kind} {name:?}: {v}");
        assert_eq!(error_code(&v), want_code, "{kind} {name:?}: {v}");
        if want_status == 422 {
            let field = if want_code == "unknown_kind" {
                "kind"
            } else {
                "file"
            };
            assert_eq!(v["error"]["field"], field, "{kind} {name:?}: {v}");
        }
    }

    // No file field at all, and no kind field at all.
    let form = Form::new().text("kind", "ektp");
    let (status, v) = send_form(&app, &m.token, claim, form).await;
    assert_eq!(status, 422, "{v}");
    assert_eq!(error_code(&v), "missing_file");
    assert_eq!(v["error"]["field"], "file");
    let form = Form::new().part("file", Part::bytes(jpeg(20, 20)).file_name("ok.jpg"));
    let (status, v) = send_form(&app, &m.token, claim, form).await;
    assert_eq!(status, 422, "{v}");
    assert_eq!(error_code(&v), "unknown_kind");
    assert_eq!(v["error"]["field"], "kind");

    // 7 MB sent without a Content-Length (chunked) is refused as well.
    let (port, token) = (app.port, m.token.clone());
    let response = tokio::task::spawn_blocking(move || chunked_upload(port, &token, claim, &huge))
        .await
        .expect("join");
    assert!(
        response.starts_with("HTTP/1.1 413"),
        "chunked 7 MB: {response:?}"
    );
    assert!(response.contains("file_too_large"), "{response:?}");

    // Not signed in.
    let res = app
        .client
        .post(app.url(&format!("/api/v1/claims/{claim}/documents")))
        .multipart(upload_form("ektp", "ok.jpg", jpeg(20, 20)))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status().as_u16(), 401);

    // Nothing was stored; the checklist is untouched.
    assert_eq!(common::count(&db, "SELECT COUNT(*) AS n FROM documents"), 0);
    let d = dossier(&app, &m.token, claim).await;
    for key in RESIGNATION_ITEMS {
        assert_eq!(status_of(&d, key), "missing", "{key}");
    }
    assert_eq!(d["documents"], json!([]));
    // And a good file still goes through afterwards.
    uploaded(upload(&app, &m.token, claim, "ektp", "ktp.jpg", jpeg(20, 20)).await);

    // At most 6 MB per file: 6,000,000 bytes pass, 6 MiB and a byte do not.
    uploaded(upload(&app, &m.token, claim, "kk", "kk.pdf", big_pdf(6_000_000)).await);
    let (kind, name) = ("kk", "kk.pdf");
    let (status, v) = upload(
        &app,
        &m.token,
        claim,
        kind,
        name,
        big_pdf(6 * 1024 * 1024 + 1),
    )
    .await;
    assert_eq!(status, 413, "{v}");
    assert_eq!(error_code(&v), "file_too_large");
}
sqlite_only!(refused_uploads, clock = CLOCK);

async fn upload_limit_is_a_setting(backend: Backend) {
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    let app = TestApp::start(
        &db,
        &Options::clock(CLOCK).with_env("ANTRE_MAX_UPLOAD_BYTES", "200000"),
    );
    let (m, claim) = fixtures::member_with_claim(&app).await;
    uploaded(upload(&app, &m.token, claim, "kk", "kk.pdf", big_pdf(190_000)).await);
    let (status, v) = upload(&app, &m.token, claim, "kk", "kk.pdf", big_pdf(210_000)).await;
    assert_eq!(status, 413, "{v}");
    assert_eq!(error_code(&v), "file_too_large");
}
sqlite_only!(upload_limit_is_a_setting);

/// Sends an upload with `Transfer-Encoding: chunked` (no Content-Length)
/// over a raw connection; returns the response text (status line first).
fn chunked_upload(port: u16, token: &str, claim: i64, file: &[u8]) -> String {
    use std::io::{Read, Write};
    let boundary = "antreBoundary7MB";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nektp\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"huge.jpg\"\r\n\
         Content-Type: image/jpeg\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let head = format!(
        "POST /api/v1/claims/{claim}/documents HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
         Authorization: Bearer {token}\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    // The server may answer and stop reading before the end: write errors
    // are expected then.
    let _ = s.write_all(head.as_bytes());
    for chunk in body.chunks(64 * 1024) {
        if s.write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
            .and_then(|_| s.write_all(chunk))
            .and_then(|_| s.write_all(b"\r\n"))
            .is_err()
        {
            break;
        }
    }
    let _ = s.write_all(b"0\r\n\r\n");
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

// ---------------------------------------------------------------------------
// The checklist of each claim reason.

async fn checklist_for_every_reason(db: TestDb, app: TestApp) {
    let admin = staff(&app, &db, "admin", None).await;
    // Born 1965: old enough for a retirement claim. One participant goes
    // through every reason; the admin rejects each claim before the next.
    let mut reg = fixtures::registration(fixtures::unique());
    reg["nik"] = json!(fixtures::nik(10, 3, 65, false));
    let (status, v) = app.post("/api/v1/participants", None, &reg).await;
    assert_eq!(status, 201, "{v}");
    let token = fixtures::login(&app, reg["email"].as_str().unwrap(), "Klaim-JHT-2026!").await;

    let common = ["kpj_card", "ektp", "kk", "bank_book", "selfie"];
    let with = |extra: &[&str]| -> Vec<String> {
        let all: Vec<&str> = common.iter().chain(extra.iter()).copied().collect();
        sorted(&all)
    };
    let death_base = [
        "kpj_card",
        "kk",
        "bank_book",
        "death_certificate",
        "heir_certificate",
        "heir_ektp",
    ];
    let death = |extra: &[&str]| -> Vec<String> {
        let all: Vec<&str> = death_base.iter().chain(extra.iter()).copied().collect();
        sorted(&all)
    };
    let cases: Vec<(Value, Vec<String>)> = vec![
        (json!({"reason": "retirement"}), with(&[])),
        (resignation(), with(&["resignation_letter"])),
        (
            json!({"reason": "termination", "termination_date": "2026-01-15"}),
            with(&["phk_proof"]),
        ),
        (
            json!({"reason": "contract_end", "contract_end_date": "2026-01-15"}),
            with(&["contract"]),
        ),
        (json!({"reason": "disability"}), with(&["doctor_statement"])),
        (
            json!({"reason": "death", "date_of_death": "2026-10-01"}),
            death(&[]),
        ),
        (
            json!({"reason": "death", "date_of_death": "2026-10-01", "heir_is_child": true}),
            death(&["birth_certificate"]),
        ),
        (
            json!({"reason": "death", "date_of_death": "2026-10-01", "heir_is_minor": true}),
            death(&["guardianship_letter"]),
        ),
        (
            json!({"reason": "death", "date_of_death": "2026-10-01", "heir_is_child": true,
                   "heir_is_minor": true, "balance": 75_000_000}),
            death(&["birth_certificate", "guardianship_letter", "npwp"]),
        ),
        (
            json!({"reason": "leaving_indonesia", "departure_date": "2026-10-01"}),
            with(&["passport", "leaving_statement"]),
        ),
        (
            json!({"reason": "leaving_indonesia"}),
            with(&["passport", "leaving_statement"]),
        ),
        (
            json!({"reason": "partial_10", "membership_start_date": "2010-01-01"}),
            with(&[]),
        ),
        (
            json!({"reason": "partial_30", "membership_start_date": "2010-01-01"}),
            with(&["housing_proof"]),
        ),
        // NPWP: only over Rp50 juta
        (
            json!({"reason": "resignation", "last_working_day": "2026-01-15", "balance": 50_000_000}),
            with(&["resignation_letter"]),
        ),
        (
            json!({"reason": "resignation", "last_working_day": "2026-01-15", "balance": 50_000_001}),
            with(&["resignation_letter", "npwp"]),
        ),
        (json!({"reason": "retirement", "balance": 0}), with(&[])),
        // the heir flags mean nothing outside death claims
        (
            json!({"reason": "resignation", "last_working_day": "2026-01-15",
                   "heir_is_child": true, "heir_is_minor": true}),
            with(&["resignation_letter"]),
        ),
    ];
    for (body, want) in cases {
        let claim = open_claim(&app, &token, body.clone()).await;
        let d = dossier(&app, &token, claim).await;
        assert_eq!(item_keys(&d), want, "{body}: {d}");
        for e in d["checklist"].as_array().unwrap() {
            assert_eq!(e["status"], "missing", "{body}: {e}");
            assert!(e.get("reason").is_none_or(Value::is_null), "{body}: {e}");
            assert!(
                e["label"].as_str().is_some_and(|l| !l.trim().is_empty()),
                "{body}: {e}"
            );
            let accepts: Vec<&str> = e["accepts"]
                .as_array()
                .expect("accepts")
                .iter()
                .map(|a| a.as_str().expect("code"))
                .collect();
            let key = e["item"].as_str().unwrap();
            let mut got = accepts.clone();
            got.sort();
            match key {
                "phk_proof" => assert_eq!(
                    got,
                    ["joint_agreement", "phi_ruling", "phk_letter", "phk_report"],
                    "{e}"
                ),
                "housing_proof" => assert_eq!(got, ["ajb", "mortgage_docs", "ppjb"], "{e}"),
                _ => assert_eq!(accepts, [key], "{e}"),
            }
        }
        assert_eq!(d["ready"], false, "{body}");
        assert_eq!(d["verifiable"], false, "{body}");
        assert_eq!(d["documents"], json!([]), "{body}");
        if body["reason"] == "resignation" && body.get("balance").is_none() {
            // Labels in the caller's language.
            assert_eq!(item(&d, "ektp")["label"], "e-KTP", "{d}");
            let res = app
                .client
                .get(app.url(&format!("/api/v1/claims/{claim}")))
                .bearer_auth(&token)
                .header("accept-language", "en")
                .send()
                .await
                .expect("request");
            let (_, en) = common::json_of(res).await;
            let label = item(&en, "ektp")["label"].as_str().unwrap_or("");
            assert!(
                label.contains("e-KTP") && label != "e-KTP",
                "English label: {label:?}"
            );
        }
        let (status, v) =
            reject_claim(&app, &admin, claim, &json!({"reason": "wrong_document"})).await;
        assert_eq!(status, 200, "reject {body}: {v}");
        assert_eq!(v["status"], "rejected");
    }

    // A partial claim that was paid before: the next claim needs the NPWP
    // whatever the balance.
    let partial = open_claim(
        &app,
        &token,
        json!({"reason": "partial_10", "membership_start_date": "2010-01-01"}),
    )
    .await;
    common::sql(
        &db,
        &format!("UPDATE claims SET status = 'paid' WHERE id = {partial}"),
    );
    let claim = open_claim(
        &app,
        &token,
        json!({"reason": "retirement", "balance": 1000}),
    )
    .await;
    let d = dossier(&app, &token, claim).await;
    assert_eq!(item_keys(&d), with(&["npwp"]), "{d}");
}
both_backends!(checklist_for_every_reason, clock = CLOCK);

async fn alternatives_count_as_one_item(_db: TestDb, app: TestApp) {
    let m = fixtures::register(&app).await;
    let claim = open_claim(
        &app,
        &m.token,
        json!({"reason": "termination", "termination_date": "2026-01-15"}),
    )
    .await;
    uploaded(upload(&app, &m.token, claim, "joint_agreement", "pb.pdf", pdf()).await);
    let d = dossier(&app, &m.token, claim).await;
    assert_eq!(status_of(&d, "phk_proof"), "uploaded", "{d}");
    // A document the claim does not need is refused and changes nothing.
    let (kind, name) = ("passport", "paspor.jpg");
    let (status, v) = upload(&app, &m.token, claim, kind, name, jpeg(20, 20)).await;
    assert_eq!(status, 422, "{v}");
    assert_eq!(error_code(&v), "kind_not_required");
    assert_eq!(v["error"]["field"], "kind");
    let d = dossier(&app, &m.token, claim).await;
    assert_eq!(
        item_keys(&d),
        sorted(&["kpj_card", "ektp", "kk", "bank_book", "selfie", "phk_proof"])
    );
    upload_all(
        &app,
        &m.token,
        claim,
        &["kpj_card", "ektp", "kk", "bank_book", "selfie"],
    )
    .await;
    let d = dossier(&app, &m.token, claim).await;
    assert_eq!(d["ready"], true, "{d}");
    assert_eq!(d["verifiable"], false, "{d}");
}
both_backends!(alternatives_count_as_one_item, clock = CLOCK);

// ---------------------------------------------------------------------------
// Review and verification.

async fn review_cycle_until_verified(db: TestDb, app: TestApp) {
    let (m, claim) = fixtures::member_with_claim(&app).await;
    book(&app, &m.token, claim, BRANCH, DAY).await;
    let cs = staff(&app, &db, "cs", Some(BRANCH)).await;

    let ids = upload_all(&app, &m.token, claim, &RESIGNATION_ITEMS).await;
    let id_of = |kind: &str| ids[RESIGNATION_ITEMS.iter().position(|k| *k == kind).unwrap()];
    let d = dossier(&app, &cs, claim).await;
    for key in RESIGNATION_ITEMS {
        assert_eq!(status_of(&d, key), "uploaded", "{key}");
    }
    assert_eq!(d["ready"], true);
    assert_eq!(d["verifiable"], false);

    // Nothing accepted yet: the claim cannot be verified.
    let (status, v) = verify(&app, &cs, claim).await;
    assert_eq!(status, 409, "{v}");
    assert_eq!(error_code(&v), "documents_not_accepted");

    // A rejection needs a valid reason (and a note with "other").
    let ektp = id_of("ektp");
    for (body, code) in [
        (json!({"decision": "reject"}), "reject_reason_required"),
        (
            json!({"decision": "reject", "reason": ""}),
            "reject_reason_required",
        ),
        (
            json!({"decision": "reject", "reason": "blurry"}),
            "invalid_reject_reason",
        ),
        (
            json!({"decision": "reject", "reason": "Name_Mismatch"}),
            "invalid_reject_reason",
        ),
        (
            json!({"decision": "reject", "reason": "other"}),
            "reject_note_required",
        ),
        (
            json!({"decision": "reject", "reason": "other", "note": "   "}),
            "reject_note_required",
        ),
    ] {
        let (status, v) = review(&app, &cs, ektp, body.clone()).await;
        assert_eq!(status, 422, "{body}: {v}");
        assert_eq!(error_code(&v), code, "{body}: {v}");
    }
    let (status, v) = review(&app, &cs, ektp, json!({"decision": "maybe"})).await;
    assert_eq!(status, 422, "{v}");
    error_code(&v);
    assert_eq!(
        status_of(&dossier(&app, &m.token, claim).await, "ektp"),
        "uploaded"
    );

    // Every reason code is accepted by the API.
    for reason in [
        "name_mismatch",
        "nik_mismatch",
        "birth_date_mismatch",
        "membership_active",
        "bank_account_name_mismatch",
        "unreadable",
        "wrong_document",
        "selfie_mismatch",
        "expired_document",
    ] {
        let (status, v) = review(
            &app,
            &cs,
            id_of("bank_book"),
            json!({"decision": "reject", "reason": reason}),
        )
        .await;
        assert_eq!(status, 200, "{reason}: {v}");
        let d = dossier(&app, &m.token, claim).await;
        assert_eq!(status_of(&d, "bank_book"), "rejected");
        assert_eq!(item(&d, "bank_book")["reason"], reason, "{d}");
    }

    let (status, v) = review(
        &app,
        &cs,
        ektp,
        json!({"decision": "reject", "reason": "nik_mismatch", "note": "NIK pada foto berbeda"}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["status"], "rejected");
    let (status, v) = review(
        &app,
        &cs,
        id_of("kk"),
        json!({"decision": "reject", "reason": "other", "note": "Halaman terpotong"}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    // The participant sees why.
    let d = dossier(&app, &m.token, claim).await;
    let e = item(&d, "ektp");
    assert_eq!(e["status"], "rejected", "{d}");
    assert_eq!(e["reason"], "nik_mismatch");
    assert!(
        e["reason_text"]
            .as_str()
            .is_some_and(|t| t.contains("NIK pada foto berbeda")),
        "{e}"
    );
    assert_eq!(item(&d, "kk")["reason"], "other");
    assert_eq!(d["ready"], false);
    for kind in ["kpj_card", "bank_book", "selfie", "resignation_letter"] {
        accept(&app, &cs, id_of(kind)).await;
    }
    let d = dossier(&app, &cs, claim).await;
    assert_eq!(status_of(&d, "bank_book"), "accepted");
    assert!(item(&d, "bank_book")
        .get("reason")
        .is_none_or(Value::is_null));
    let (status, v) = verify(&app, &cs, claim).await;
    assert_eq!(status, 409, "two rejected: {v}");
    assert_eq!(error_code(&v), "documents_not_accepted");

    // New versions of the rejected documents.
    let (status, v) = upload(&app, &m.token, claim, "ektp", "ktp2.jpg", jpeg(30, 20)).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["version"], 2);
    assert_eq!(v["status"], "uploaded");
    let ektp2 = v["id"].as_i64().unwrap();
    let d = dossier(&app, &m.token, claim).await;
    let e = item(&d, "ektp");
    assert_eq!(e["status"], "uploaded", "{d}");
    assert!(e.get("reason").is_none_or(Value::is_null), "{e}");
    // The replaced version can no longer be decided on.
    let (status, v) = review(&app, &cs, ektp, json!({"decision": "accept"})).await;
    assert!(status >= 400, "reviewing a replaced version: {status} {v}");
    assert_eq!(
        status_of(&dossier(&app, &m.token, claim).await, "ektp"),
        "uploaded"
    );
    let kk2 = uploaded(upload(&app, &m.token, claim, "kk", "kk2.png", png(30, 20)).await);
    accept(&app, &cs, ektp2).await;
    let (status, v) = verify(&app, &cs, claim).await;
    assert_eq!(status, 409, "kk not yet accepted: {v}");
    assert_eq!(error_code(&v), "documents_not_accepted");
    accept(&app, &cs, kk2).await;
    let d = dossier(&app, &m.token, claim).await;
    assert_eq!(d["verifiable"], true, "{d}");
    assert_eq!(d["ready"], true);

    let (status, v) = verify(&app, &cs, claim).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["status"], "verified");
    assert_eq!(dossier(&app, &m.token, claim).await["status"], "verified");
    // The participant hears of it: paid by the fifth working day after
    // Monday 23 November, with the tax rule.
    common::eventually(10, "the verified mail", || async {
        common::mails(&db)
            .into_iter()
            .map(|mail| common::decode_qp(&mail))
            .find(|mail| {
                mail.contains(&m.email)
                    && mail.contains("Klaim JHT Anda terverifikasi")
                    && mail.contains("30 November 2026")
                    && mail.contains("0% sampai Rp50 juta")
            })
    })
    .await;

    // A decided claim's dossier is closed.
    assert_closed(&app, (&m.token, &cs), claim, ("npwp", kk2)).await;
    let answer = reject_doc(&app, &cs, kk2, "unreadable").await;
    common::assert_error(&answer, 409, "claim_not_open");
    assert_eq!(
        status_of(&dossier(&app, &m.token, claim).await, "kk"),
        "accepted"
    );

    // Rejecting a whole claim.
    let (q, claim2) = fixtures::member_with_claim(&app).await;
    book(&app, &q.token, claim2, BRANCH, DAY).await;
    let doc = uploaded(upload(&app, &q.token, claim2, "ektp", "ktp.jpg", jpeg(20, 20)).await);
    for (body, code) in [
        (json!({}), "reject_reason_required"),
        (json!({"reason": "bogus"}), "invalid_reject_reason"),
    ] {
        let (status, v) = reject_claim(&app, &cs, claim2, &body).await;
        assert_eq!(status, 422, "{body}: {v}");
        assert_eq!(error_code(&v), code);
    }
    let (status, v) = reject_claim(
        &app,
        &cs,
        claim2,
        &json!({"reason": "membership_active", "note": "Masih terdaftar aktif"}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["status"], "rejected");
    assert_eq!(dossier(&app, &q.token, claim2).await["status"], "rejected");
    // Told why, with the officer's note, and how to put it right.
    common::eventually(10, "the rejected mail", || async {
        common::mails(&db)
            .into_iter()
            .map(|mail| common::decode_qp(&mail))
            .find(|mail| {
                mail.contains(&q.email)
                    && mail.contains("Kepesertaan masih aktif")
                    && mail.contains("Masih terdaftar aktif")
                    && mail.contains("ajukan klaim baru")
            })
    })
    .await;
    assert_closed(&app, (&q.token, &cs), claim2, ("kk", doc)).await;
}
both_backends!(review_cycle_until_verified, clock = CLOCK);

// ---------------------------------------------------------------------------
// Who may read and decide.

async fn who_may_read_and_review(db: TestDb, app: TestApp) {
    let cs = staff(&app, &db, "cs", Some(BRANCH)).await;
    let supervisor = staff(&app, &db, "supervisor", Some(BRANCH)).await;
    let cs_other = staff(&app, &db, "cs", Some(OTHER_BRANCH)).await;
    let supervisor_other = staff(&app, &db, "supervisor", Some(OTHER_BRANCH)).await;
    let auditor = staff(&app, &db, "auditor", None).await;
    let admin = staff(&app, &db, "admin", None).await;

    let (a, claim) = fixtures::member_with_claim(&app).await;
    let ktp = uploaded(upload(&app, &a.token, claim, "ektp", "ktp.jpg", jpeg(20, 20)).await);
    let selfie = uploaded(upload(&app, &a.token, claim, "selfie", "me.jpg", jpeg(20, 20)).await);

    // Not booked anywhere yet: branch staff see nothing.
    for t in [&cs, &supervisor] {
        let (status, v) = fixtures::get_claim(&app, t, claim).await;
        assert_eq!(status, 404, "{v}");
        assert_eq!(error_code(&v), "claim_not_found");
        let (status, _, _) = fetch(&app, Some(t), claim, ktp, "").await;
        assert_eq!(status, 404);
        let (status, v) = review(&app, t, ktp, json!({"decision": "accept"})).await;
        assert_eq!(status, 404, "{v}");
    }
    let code = book(&app, &a.token, claim, BRANCH, DAY).await;

    // The owner.
    let (status, _, bytes) = fetch(&app, Some(&a.token), claim, ktp, "").await;
    assert_eq!(status, 200);
    assert!(bytes.starts_with(&[0xFF, 0xD8, 0xFF]));
    dossier(&app, &a.token, claim).await;

    // Another participant: 404 everywhere, as if the claim did not exist.
    let (b, b_claim) = fixtures::member_with_claim(&app).await;
    let b_doc = uploaded(upload(&app, &b.token, b_claim, "ektp", "ktp.jpg", jpeg(20, 20)).await);
    let (status, v) = fixtures::get_claim(&app, &b.token, claim).await;
    assert_eq!(status, 404, "{v}");
    assert_eq!(error_code(&v), "claim_not_found");
    let (status, _, bytes) = fetch(&app, Some(&b.token), claim, ktp, "").await;
    assert_eq!(status, 404, "another participant's KTP");
    assert!(!bytes.starts_with(&[0xFF, 0xD8]));
    let (status, _, _) = fetch(&app, Some(&b.token), claim, ktp, "?inline=1").await;
    assert_eq!(status, 404);
    let (status, v) = upload(&app, &b.token, claim, "kk", "kk.jpg", jpeg(20, 20)).await;
    assert_eq!(status, 404, "{v}");
    assert_eq!(error_code(&v), "claim_not_found");
    let (status, v) = delete_doc(&app, &b.token, claim, ktp).await;
    assert_eq!(status, 404, "{v}");
    // Their own document under someone else's claim id, and the reverse.
    let (status, _, _) = fetch(&app, Some(&b.token), claim, b_doc, "").await;
    assert_eq!(status, 404);
    let (status, _, _) = fetch(&app, Some(&a.token), claim, b_doc, "").await;
    assert_eq!(status, 404, "a document of another claim");
    let (status, v) = delete_doc(&app, &a.token, claim, b_doc).await;
    assert_eq!(status, 404, "{v}");
    let (status, v) = review(&app, &b.token, ktp, json!({"decision": "accept"})).await;
    assert_eq!(status, 403, "{v}");
    let (status, v) = verify(&app, &a.token, claim).await;
    assert_eq!(status, 403, "owner verifying own claim: {v}");

    // Staff of the booked branch read; staff of another branch do not.
    for t in [&cs, &supervisor] {
        let d = dossier(&app, t, claim).await;
        assert_eq!(status_of(&d, "ektp"), "uploaded");
        let (status, headers, bytes) = fetch(&app, Some(t), claim, ktp, "").await;
        assert_eq!(status, 200);
        assert_eq!(header(&headers, "x-content-type-options"), "nosniff");
        assert!(bytes.starts_with(&[0xFF, 0xD8, 0xFF]));
    }
    for t in [&cs_other, &supervisor_other] {
        let (status, v) = fixtures::get_claim(&app, t, claim).await;
        assert_eq!(status, 404, "{v}");
        let (status, _, _) = fetch(&app, Some(t), claim, ktp, "").await;
        assert_eq!(status, 404);
        let (status, v) = review(&app, t, ktp, json!({"decision": "accept"})).await;
        assert_eq!(status, 404, "{v}");
        let (status, v) = verify(&app, t, claim).await;
        assert_eq!(status, 404, "{v}");
        let (status, v) =
            reject_claim(&app, t, claim, &json!({"reason": "other", "note": "x"})).await;
        assert_eq!(status, 404, "{v}");
    }
    // The auditor reads everything and decides nothing.
    dossier(&app, &auditor, claim).await;
    let (status, _, _) = fetch(&app, Some(&auditor), claim, ktp, "").await;
    assert_eq!(status, 200);
    let (status, v) = review(&app, &auditor, ktp, json!({"decision": "accept"})).await;
    assert_eq!(status, 403, "{v}");
    let (status, v) = verify(&app, &auditor, claim).await;
    assert_eq!(status, 403, "{v}");
    // Staff cannot upload or delete in a participant's name (only the CS
    // agent serving them at the console uploads: walk_in.rs).
    for t in [&cs, &admin] {
        let (status, v) = upload(&app, t, claim, "kk", "kk.jpg", jpeg(20, 20)).await;
        assert_eq!(status, 403, "{v}");
        let (status, v) = delete_doc(&app, t, claim, ktp).await;
        assert_eq!(status, 403, "{v}");
    }
    // Admin reads and reviews anywhere; supervisors of the branch review too.
    let (status, _, _) = fetch(&app, Some(&admin), claim, ktp, "").await;
    assert_eq!(status, 200);
    dossier(&app, &admin, claim).await;
    accept(&app, &admin, ktp).await;
    accept(&app, &supervisor, selfie).await;
    let d = dossier(&app, &a.token, claim).await;
    assert_eq!(status_of(&d, "ektp"), "accepted");
    assert_eq!(status_of(&d, "selfie"), "accepted");
    // Not signed in.
    let (status, _, _) = fetch(&app, None, claim, ktp, "").await;
    assert_eq!(status, 401);
    let (status, _) = app
        .post(
            &format!("/api/v1/documents/{ktp}/review"),
            None,
            &json!({"decision": "accept"}),
        )
        .await;
    assert_eq!(status, 401);
    // Unknown ids.
    let (status, _, _) = fetch(&app, Some(&admin), claim, 999_999, "").await;
    assert_eq!(status, 404);
    let (status, _, _) = fetch(&app, Some(&admin), 999_999, ktp, "").await;
    assert_eq!(status, 404);
    let (status, v) = review(&app, &admin, 999_999, json!({"decision": "accept"})).await;
    assert_eq!(status, 404, "{v}");
    let (status, v) = upload(&app, &a.token, 999_999, "kk", "kk.jpg", jpeg(20, 20)).await;
    assert_eq!(status, 404, "{v}");
    assert_eq!(error_code(&v), "claim_not_found");

    // Once the participant cancels, the branch's staff lose access.
    let (status, v) = fixtures::cancel(&app, &a.token, &code).await;
    assert_eq!(status, 200, "cancel: {v}");
    let (status, _, _) = fetch(&app, Some(&cs), claim, ktp, "").await;
    assert_eq!(
        status, 404,
        "cs of {BRANCH} still reads the KTP after the booking there was cancelled"
    );
    let (status, v) = fixtures::get_claim(&app, &cs, claim).await;
    assert_eq!(status, 404, "{v}");
}
both_backends!(who_may_read_and_review, clock = CLOCK);

// ---------------------------------------------------------------------------
// Versions, deletion, limits.

async fn versions_are_kept_and_delete_empties_the_item(db: TestDb, app: TestApp) {
    let (m, claim) = fixtures::member_with_claim(&app).await;
    let count_kk = || {
        common::count(
            &db,
            &format!(
                "SELECT COUNT(*) AS n FROM documents WHERE claim_id = {claim} AND kind = 'kk'"
            ),
        )
    };

    let v1 = uploaded(upload(&app, &m.token, claim, "kk", "kk-lama.jpg", jpeg(20, 20)).await);
    let (status, v) = upload(&app, &m.token, claim, "kk", "kk-baru.png", png(20, 20)).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["version"], 2);
    assert_eq!(v["current"], true);
    let v2 = v["id"].as_i64().unwrap();
    assert_ne!(v1, v2);
    assert_eq!(count_kk(), 2, "version 1 stays in the database");
    let d = dossier(&app, &m.token, claim).await;
    let docs: Vec<&Value> = d["documents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["kind"] == "kk")
        .collect();
    assert_eq!(docs.len(), 1, "only the current version is listed: {d}");
    assert_eq!(docs[0]["id"], v2);
    assert_eq!(docs[0]["version"], 2);
    assert_eq!(docs[0]["original_name"], "kk-baru.png");
    assert_eq!(status_of(&d, "kk"), "uploaded");
    // The current version is what the link serves.
    let (status, headers, _) = fetch(&app, Some(&m.token), claim, v2, "").await;
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "content-type"), "image/png");

    // Deleting: only the current version, by its owner.
    let (status, v) = delete_doc(&app, &m.token, claim, v1).await;
    assert_eq!(status, 404, "deleting a replaced version: {v}");
    let (status, v) = delete_doc(&app, &m.token, claim, v2).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["status"], "deleted");
    let d = dossier(&app, &m.token, claim).await;
    assert_eq!(status_of(&d, "kk"), "missing", "{d}");
    assert!(
        !d["documents"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["kind"] == "kk"),
        "{d}"
    );
    assert_eq!(count_kk(), 2, "history stays after a delete");
    let (status, _, _) = fetch(&app, Some(&m.token), claim, v2, "").await;
    assert_eq!(status, 404, "a deleted document is gone");
    let (status, v) = delete_doc(&app, &m.token, claim, v2).await;
    assert_eq!(status, 404, "deleting twice: {v}");

    // Uploading again: a new version, the item is back to uploaded.
    let (status, v) = upload(&app, &m.token, claim, "kk", "kk3.pdf", pdf()).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["version"], 3);
    assert_eq!(
        status_of(&dossier(&app, &m.token, claim).await, "kk"),
        "uploaded"
    );
    assert_eq!(count_kk(), 3);

    // A rejected document deleted: the item is missing, not rejected.
    book(&app, &m.token, claim, BRANCH, DAY).await;
    let cs = staff(&app, &db, "cs", Some(BRANCH)).await;
    let ktp = uploaded(upload(&app, &m.token, claim, "ektp", "ktp.jpg", jpeg(20, 20)).await);
    let (status, v) = reject_doc(&app, &cs, ktp, "unreadable").await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        status_of(&dossier(&app, &m.token, claim).await, "ektp"),
        "rejected"
    );
    let (status, v) = delete_doc(&app, &m.token, claim, ktp).await;
    assert_eq!(status, 200, "{v}");
    let d = dossier(&app, &m.token, claim).await;
    assert_eq!(status_of(&d, "ektp"), "missing", "{d}");
    // A deleted document cannot be reviewed.
    let (status, v) = review(&app, &cs, ktp, json!({"decision": "accept"})).await;
    assert_eq!(status, 404, "{v}");
}
both_backends!(versions_are_kept_and_delete_empties_the_item, clock = CLOCK);

async fn per_claim_limits(db: TestDb, app: TestApp) {
    // 40 files per claim, replaced versions included.
    let (m, claim) = fixtures::member_with_claim(&app).await;
    let small = png(8, 8);
    for i in 0..40 {
        let kind = ["kk", "ektp", "selfie", "bank_book"][i % 4];
        uploaded(upload(&app, &m.token, claim, kind, "s.png", small.clone()).await);
    }
    let (status, v) = upload(&app, &m.token, claim, "kpj_card", "s.png", small.clone()).await;
    assert_eq!(status, 409, "{v}");
    assert_eq!(error_code(&v), "too_many_files");
    assert_eq!(
        common::count(
            &db,
            &format!("SELECT COUNT(*) AS n FROM documents WHERE claim_id = {claim}")
        ),
        40
    );
    assert_eq!(
        status_of(&dossier(&app, &m.token, claim).await, "kpj_card"),
        "missing"
    );
    // Another claim is not affected.
    let (n, claim2) = fixtures::member_with_claim(&app).await;
    uploaded(upload(&app, &n.token, claim2, "kpj_card", "s.png", small.clone()).await);

    // 60 MB per claim: ten files of 6,000,000 bytes fit, the eleventh not.
    let big = big_pdf(6_000_000);
    for _ in 0..9 {
        uploaded(upload(&app, &n.token, claim2, "kk", "besar.pdf", big.clone()).await);
    }
    // 9 × 6,000,000 + the small PNG: one more fits
    uploaded(upload(&app, &n.token, claim2, "ektp", "besar.pdf", big.clone()).await);
    let (status, v) = upload(&app, &n.token, claim2, "selfie", "besar.pdf", big.clone()).await;
    assert_eq!(status, 409, "{v}");
    assert_eq!(error_code(&v), "claim_storage_full");
    assert_eq!(
        status_of(&dossier(&app, &n.token, claim2).await, "selfie"),
        "missing"
    );
    // A small file still fits.
    uploaded(upload(&app, &n.token, claim2, "selfie", "s.png", small).await);
}
both_backends!(per_claim_limits, clock = CLOCK);

// ---------------------------------------------------------------------------
// Uploads at the same moment.

async fn concurrent_versions_of_one_kind(db: TestDb, app: TestApp) {
    let (m, claim) = fixtures::member_with_claim(&app).await;

    // Eight different scans of the same kind at once (two tabs, a retry):
    // each becomes a version, one of them current.
    let uploads =
        (0..8u32).map(|i| upload(&app, &m.token, claim, "ektp", "ktp.jpg", jpeg(16 + i, 16)));
    let results = futures::future::join_all(uploads).await;
    let mut versions = Vec::new();
    for (status, v) in &results {
        assert_eq!(*status, 201, "concurrent upload of one kind: {v}");
        versions.push(v["version"].as_i64().expect("version"));
    }
    versions.sort_unstable();
    assert_eq!(versions, (1..=8).collect::<Vec<i64>>());
    assert_eq!(
        common::count(
            &db,
            &format!(
                "SELECT COUNT(*) AS n FROM documents WHERE claim_id = {claim} AND kind = 'ektp' AND is_current"
            )
        ),
        1
    );
}
both_backends!(concurrent_versions_of_one_kind, clock = CLOCK);

async fn same_file_uploaded_twice_at_once(_db: TestDb, app: TestApp) {
    let (m, claim) = fixtures::member_with_claim(&app).await;
    // The same photo sent several times at once (a double click, the same
    // scan for several items): every upload is stored. Four rounds, each
    // with a new photo.
    let kinds = [
        "kk",
        "selfie",
        "bank_book",
        "kpj_card",
        "ektp",
        "kk",
        "resignation_letter",
        "selfie",
    ];
    for round in 0..4u32 {
        let same = jpeg(50 + round, 40);
        let uploads =
            kinds.map(|kind| upload(&app, &m.token, claim, kind, "foto.jpg", same.clone()));
        for (status, v) in futures::future::join_all(uploads).await {
            assert_eq!(
                status, 201,
                "the same bytes uploaded concurrently (round {round}): {v}"
            );
        }
    }
    let d = dossier(&app, &m.token, claim).await;
    for key in RESIGNATION_ITEMS {
        assert_eq!(status_of(&d, key), "uploaded", "{key}");
    }
}
both_backends!(same_file_uploaded_twice_at_once, clock = CLOCK);

async fn file_limit_under_concurrency(db: TestDb, app: TestApp) {
    let kinds = [
        "ektp",
        "selfie",
        "bank_book",
        "kpj_card",
        "kk",
        "resignation_letter",
        "selfie",
        "ektp",
        "kk",
        "bank_book",
        "kpj_card",
        "resignation_letter",
    ];
    // Three times: 38 files, then twelve more at once; two fit.
    for round in 0..3u32 {
        let (n, claim) = fixtures::member_with_claim(&app).await;
        for i in 0..38u32 {
            uploaded(upload(&app, &n.token, claim, "kk", "s.png", png(8, 8 + i)).await);
        }
        let uploads = kinds.iter().enumerate().map(|(i, kind)| {
            upload(
                &app,
                &n.token,
                claim,
                kind,
                "s.png",
                png(9 + round, 60 + i as u32),
            )
        });
        let mut created = 0;
        for (status, v) in futures::future::join_all(uploads).await {
            match status {
                201 => created += 1,
                409 => assert_eq!(error_code(&v), "too_many_files"),
                _ => panic!("concurrent upload near the limit: {status} {v}"),
            }
        }
        let stored = common::count(
            &db,
            &format!("SELECT COUNT(*) AS n FROM documents WHERE claim_id = {claim}"),
        );
        assert_eq!(stored, 40, "files stored for one claim (round {round})");
        assert_eq!(created, 2, "round {round}");
    }
}
both_backends!(file_limit_under_concurrency, clock = CLOCK);

// ---------------------------------------------------------------------------
// The day-before reminder.

/// The headers and the decoded text of every part of an .eml file.
fn mail_text(eml: &str) -> String {
    use base64::Engine;
    let eml = eml.replace("\r\n", "\n");
    let mut boundaries = Vec::new();
    let mut rest = eml.as_str();
    while let Some(at) = rest.find("boundary=") {
        let v = &rest[at + 9..];
        let v = v.strip_prefix('"').unwrap_or(v);
        let end = v
            .find(|c: char| c == '"' || c == ';' || c.is_whitespace())
            .unwrap_or(v.len());
        boundaries.push(format!("--{}", &v[..end]));
        rest = &v[end..];
    }
    let mut parts = vec![String::new()];
    for line in eml.lines() {
        if boundaries.iter().any(|b| line.starts_with(b.as_str())) {
            parts.push(String::new());
        } else {
            let last = parts.last_mut().unwrap();
            last.push_str(line);
            last.push('\n');
        }
    }
    let mut out = String::new();
    for part in parts {
        let (head, body) = part.split_once("\n\n").unwrap_or((&part, ""));
        out.push_str(head);
        out.push('\n');
        let lower = head.to_ascii_lowercase();
        if lower.contains("content-transfer-encoding: quoted-printable") {
            out.push_str(&common::decode_qp(body));
        } else if lower.contains("content-transfer-encoding: base64") {
            let compact: String = body.chars().filter(|c| !c.is_whitespace()).collect();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(compact)
                .unwrap_or_default();
            out.push_str(&String::from_utf8_lossy(&bytes));
        } else {
            out.push_str(body);
        }
        out.push('\n');
    }
    out
}

const REMINDER_MARK: &str = "dokumen berikut belum lengkap";

/// The decoded reminder mails sent to `email` so far.
fn reminders_to(db: &TestDb, email: &str) -> Vec<String> {
    common::mails(db)
        .iter()
        .map(|m| mail_text(m))
        .filter(|t| t.contains(REMINDER_MARK))
        .filter(|t| {
            t.lines().any(|l| {
                l.to_ascii_lowercase().starts_with("to:")
                    && (l.contains(&format!("<{email}>"))
                        || l.trim_end().ends_with(&format!(" {email}")))
            })
        })
        .collect()
}

/// Stops `app`, starts the server again on `clock` and waits for the
/// reminder to `email`: the new app and the mail.
async fn restart_until_reminded(
    app: TestApp,
    db: &TestDb,
    clock: &str,
    email: &str,
) -> (TestApp, String) {
    app.kill();
    let app = TestApp::start(db, &Options::clock(clock));
    let mail = common::eventually(10, &format!("the reminder to {email}"), || async {
        reminders_to(db, email).into_iter().next()
    })
    .await;
    (app, mail)
}

fn all_reminders(db: &TestDb) -> usize {
    common::mails(db)
        .iter()
        .filter(|m| mail_text(m).contains(REMINDER_MARK))
        .count()
}

async fn reminder_the_day_before(backend: Backend) {
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    // Monday 07:00 WITA.
    let app = TestApp::start(&db, &Options::clock("2026-11-23T07:00:00+08:00"));
    // Wednesday's session, incomplete dossier: reminded.
    let (p1, c1) = fixtures::member_with_claim(&app).await;
    uploaded(upload(&app, &p1.token, c1, "kpj_card", "kpj.jpg", jpeg(20, 20)).await);
    let code1 = book(&app, &p1.token, c1, BRANCH, "2026-11-25").await;
    // Tuesday's session: by Tuesday 08:05 it is today, no reminder.
    let (p2, c2) = fixtures::member_with_claim(&app).await;
    book(&app, &p2.token, c2, BRANCH, "2026-11-24").await;
    // Wednesday, complete dossier (all uploaded): no reminder.
    let (p3, c3) = fixtures::member_with_claim(&app).await;
    upload_all(&app, &p3.token, c3, &RESIGNATION_ITEMS).await;
    book(&app, &p3.token, c3, BRANCH, "2026-11-25").await;
    // Wednesday in Jakarta (WIB): its 08:00 comes an hour later.
    let (p5, c5) = fixtures::member_with_claim(&app).await;
    book(&app, &p5.token, c5, OTHER_BRANCH, "2026-11-25").await;
    // The booking confirmations are written; no reminder yet.
    common::eventually(10, "booking mails", || async {
        (common::mails(&db).len() >= 4).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        all_reminders(&db),
        0,
        "reminder before 08:00 on the day before"
    );

    // Tuesday 08:05 WITA (07:05 WIB).
    let (app, mail) =
        restart_until_reminded(app, &db, "2026-11-24T08:05:00+08:00", &p1.email).await;
    assert!(mail.contains("e-KTP"), "names the missing e-KTP: {mail}");
    assert!(mail.contains(&code1), "names the booking: {mail}");
    assert!(
        !mail.contains("Kartu peserta BPJS Ketenagakerjaan (KPJ)"),
        "the uploaded KPJ card is not missing: {mail}"
    );
    // Booked after 08:00: the confirmation already asked for the documents.
    let (p4, c4) = fixtures::member_with_claim(&app).await;
    book(&app, &p4.token, c4, BRANCH, "2026-11-25").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(reminders_to(&db, &p1.email).len(), 1, "one reminder only");
    for (p, why) in [
        (&p2, "session is today"),
        (&p3, "complete dossier reminded"),
        (&p4, "booked after 08:00 reminded"),
        (&p5, "Jakarta reminded at 07:05 WIB"),
    ] {
        assert!(reminders_to(&db, &p.email).is_empty(), "{why}");
    }

    // Tuesday 09:05 WITA = 08:05 WIB: Jakarta's turn; nobody twice.
    let (_app, mail) =
        restart_until_reminded(app, &db, "2026-11-24T09:05:00+08:00", &p5.email).await;
    assert!(mail.contains("e-KTP"), "{mail}");
    assert!(
        mail.contains("Kartu peserta BPJS Ketenagakerjaan (KPJ)"),
        "{mail}"
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        reminders_to(&db, &p1.email).len(),
        1,
        "a restart sends it again"
    );
    assert_eq!(reminders_to(&db, &p5.email).len(), 1);
    assert_eq!(all_reminders(&db), 2);
}
both_backends!(reminder_the_day_before);

// ---------------------------------------------------------------------------
// The upload form on /me.

/// The upload form of /me: `item` and `kind`, then the file, after the
/// CSRF token when given.
fn page_form(csrf: Option<&str>, kind: &str, name: &str, bytes: Vec<u8>) -> Form {
    let form = match csrf {
        Some(c) => Form::new().text("csrf", c.to_string()),
        None => Form::new(),
    };
    form.text("item", kind.to_string())
        .text("kind", kind.to_string())
        .part("file", Part::bytes(bytes).file_name(name.to_string()))
}

async fn upload_form_on_the_claim_page(db: TestDb, app: TestApp) {
    let (m, claim) = fixtures::member_with_claim(&app).await;

    // Sign in with the page form.
    let b = Browser::member(&app, &m.email, &m.password).await;
    let p = b.get("/me").await;
    assert_eq!(p.status, 200);
    let html = p.html;
    let d = dossier(&app, &m.token, claim).await;
    for e in d["checklist"].as_array().unwrap() {
        let label = e["label"].as_str().unwrap();
        assert!(html.contains(label), "/me does not show {label:?}");
    }
    let action = format!("action=\"/claims/{claim}/documents\"");
    assert!(html.contains(&action), "no upload form for the claim");
    assert!(html.contains("enctype=\"multipart/form-data\""));
    assert!(html.contains("type=\"file\""));
    let csrf = hidden(&html, "csrf").expect("csrf on /me");

    let to = format!("/claims/{claim}/documents");
    // Without the CSRF field, and with a wrong one: refused.
    let wrong = "x".repeat(csrf.len());
    for token in [None, Some(wrong.as_str())] {
        let form = page_form(token, "ektp", "ktp.jpg", jpeg(20, 20));
        assert_eq!(b.post_multipart(&to, form).await.status, 403, "{token:?}");
    }
    assert_eq!(common::count(&db, "SELECT COUNT(*) AS n FROM documents"), 0);
    assert_eq!(
        status_of(&dossier(&app, &m.token, claim).await, "ektp"),
        "missing"
    );

    // With it (first field): 303 back to /me, the item is uploaded; a
    // refused file comes back to the page with the reason.
    for (kind, name, bytes, status) in [
        ("ektp", "ktp.jpg", jpeg(20, 20), "uploaded"),
        ("kk", "kk.pdf", png(20, 20), "missing"),
    ] {
        let p = b
            .post_multipart(&to, page_form(Some(&csrf), kind, name, bytes))
            .await;
        assert_eq!(p.status, 303, "{kind}");
        assert!(p.location.starts_with("/me"), "{}", p.location);
        assert_eq!(
            status_of(&dossier(&app, &m.token, claim).await, kind),
            status
        );
        if status == "missing" {
            let back = b.get(&p.location).await;
            assert_eq!(back.status, 200);
            assert!(
                back.html.contains("role=\"alert\""),
                "no error shown after a refused upload"
            );
        }
    }

    // The page links the uploaded file; the link works with the session.
    // A file name is shown as text, never as markup.
    let name = "<img src=x onerror=alert(1)>.jpg";
    uploaded(upload(&app, &m.token, claim, "selfie", name, jpeg(20, 20)).await);
    let html = b.get("/me").await.html;
    assert!(!html.contains("<img src=x"), "file name rendered as markup");
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;.jpg"));
    let doc = d_doc_id(&dossier(&app, &m.token, claim).await, "ektp");
    let link = format!("/api/v1/claims/{claim}/documents/{doc}");
    assert!(html.contains(&link), "no link to the uploaded e-KTP");
    assert_eq!(b.get(&format!("{link}?inline=1")).await.status, 200);
    assert!(
        html.contains("ktp.jpg</a> · ") && html.contains(" · versi 1"),
        "{html}"
    );

    // Head office's review page names each file as uploaded, and its version.
    let admin = fixtures::staff(&app, &db, "admin", &[]).await;
    let staff = Browser::staff(&app, &admin.email).await;
    let review = staff.get(&format!("/staff/claims/{claim}")).await;
    assert_eq!(review.status, 200, "{}", review.html);
    assert!(
        review.html.contains("ktp.jpg · versi 1 · "),
        "{}",
        review.html
    );
}
both_backends!(upload_form_on_the_claim_page, clock = CLOCK);

fn d_doc_id(d: &Value, kind: &str) -> i64 {
    d["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["kind"] == kind)
        .and_then(|x| x["id"].as_i64())
        .unwrap_or_else(|| panic!("no current {kind}: {d}"))
}

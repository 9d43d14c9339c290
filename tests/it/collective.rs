//! Collective claims (issue 6): an HR representative uploads a batch of
//! laid-off workers, reads the report and submits the valid rows as claims.

use std::io::{Cursor, Write};
use std::time::{Duration, Instant};

use crate::common;
use crate::common::browser::{csrf_of, Browser};
use crate::common::files;
use crate::common::{error_code, fixtures, Backend, Options, TestApp, TestDb};
use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};

const CLOCK: &str = "2026-11-23T07:00:00+07:00";
const HEADER: &str = "nik,kpj,full_name,termination_date,reason,email,phone,bank_code,account_number,account_name,work_start_date";

/// A valid NIK for worker `i` (distinct for i < 9999 * 28).
fn worker_nik(i: u32) -> String {
    let day = 1 + (i / 9999) % 28;
    format!("317101{day:02}0385{:04}", i % 9999 + 1)
}

/// A valid worker row: laid off on 30 September 2026 (the waiting month
/// has passed by the test clock).
fn worker(i: u32, reason: &str, email: &str) -> String {
    format!(
        "{},{},Siti Nurhaliza,2026-09-30,{reason},{email},081234567890,014,{},SITI NURHALIZA,2018-03-01",
        worker_nik(i),
        20_000_000_000u64 + u64::from(i),
        1_000_000_000u64 + u64::from(i),
    )
}

/// A CSV of `n` terminated workers starting at worker number `from`.
pub(crate) fn batch(from: u32, n: u32) -> Vec<u8> {
    let mut s = format!("{HEADER}\n");
    for i in from..from + n {
        s.push_str(&worker(i, "termination", ""));
        s.push('\n');
    }
    s.into_bytes()
}

struct Setup {
    db: TestDb,
    app: TestApp,
    admin: String,
}

async fn setup(backend: Backend) -> Option<Setup> {
    let db = TestDb::create(backend)?;
    let app = TestApp::start(&db, &Options::clock(CLOCK));
    let n = fixtures::unique();
    let email = format!("admin{n}@antre.test");
    fixtures::add_staff(&db, "admin", &email, &[]);
    let admin = fixtures::login(&app, &email, fixtures::STAFF_PASSWORD).await;
    Some(Setup { db, app, admin })
}

impl Setup {
    /// A company and an approved HR representative's token.
    async fn company(&self, npp: &str, headcount: i32) -> String {
        self.company_at(npp, headcount, Some("DPS-DENPASAR")).await
    }

    /// As `company`, served by `branch` (none: not yet assigned).
    async fn company_at(&self, npp: &str, headcount: i32, branch: Option<&str>) -> String {
        let body = json!({"npp": npp, "name": format!("PT {npp}"), "headcount": headcount, "branch_code": branch});
        let (status, v) = fixtures::new_company(&self.app, &self.admin, &body).await;
        assert_eq!(status, 201, "company {npp}: {v}");
        let email = format!("hr.{}@{}.test", fixtures::unique(), npp.to_lowercase());
        fixtures::add_staff(&self.db, "hr", &email, &["--company", npp]);
        fixtures::login(&self.app, &email, fixtures::STAFF_PASSWORD).await
    }

    async fn upload(&self, token: &str, name: &str, bytes: Vec<u8>) -> (u16, Value) {
        let path = "/api/v1/collective/batches";
        self.app.upload_file(path, token, name, bytes).await
    }

    async fn text(&self, path: &str, token: &str) -> (u16, String) {
        let res = self.app.get_raw(path, token).await;
        let status = res.status().as_u16();
        (status, res.text().await.expect("body"))
    }

    /// A file of batch `id` (`errors.csv`, `workers.csv`) as `token`.
    async fn batch_file(&self, id: i64, file: &str, token: &str) -> (u16, String) {
        let path = format!("/api/v1/collective/batches/{id}/{file}");
        self.text(&path, token).await
    }

    /// Submits batch `id` as `token`: the raw answer.
    async fn submit(&self, id: i64, token: &str) -> (u16, Value) {
        let path = format!("/api/v1/collective/batches/{id}/submit");
        self.app.act(&path, token).await
    }

    /// Approves representative `staff_id` as `token`: the raw answer.
    async fn approve(&self, staff_id: i64, token: &str) -> (u16, Value) {
        let path = format!("/api/v1/admin/representatives/{staff_id}/approve");
        self.app.act(&path, token).await
    }

    /// Sets company `npp`'s headcount as of 1 November as `token`.
    async fn set_headcount(&self, npp: &str, token: &str, headcount: i64) -> (u16, Value) {
        let path = format!("/api/v1/admin/companies/{npp}/headcount");
        let body = json!({"headcount": headcount, "reference_date": "2026-11-01"});
        self.app.put(&path, Some(token), &body).await
    }

    /// Uploads a representative's document of `kind`: the raw answer.
    async fn rep_document(
        &self,
        token: &str,
        kind: &str,
        name: &str,
        bytes: Vec<u8>,
    ) -> (u16, Value) {
        let part = Part::bytes(bytes).file_name(name.to_string());
        let form = Form::new()
            .text("kind", kind.to_string())
            .part("file", part);
        let path = "/api/v1/collective/representative/documents";
        self.app.upload(path, token, form).await
    }

    /// Uploads both documents a representative needs (201 expected).
    async fn rep_documents(&self, token: &str, name: &str, bytes: Vec<u8>) {
        for kind in ["power_of_attorney", "non_abuse_statement"] {
            let (status, v) = self.rep_document(token, kind, name, bytes.clone()).await;
            assert_eq!(status, 201, "{kind}: {v}");
        }
    }

    /// Batch `id` as `token` sees it: the raw answer.
    async fn batch_of(&self, id: i64, token: &str) -> (u16, Value) {
        let path = format!("/api/v1/collective/batches/{id}");
        self.app.get(&path, Some(token)).await
    }

    /// A new HR account of company `npp` not yet approved: its email and
    /// token.
    async fn unapproved_hr(&self, npp: &str) -> (String, String) {
        let email = self.account("hr", &["--company", npp]);
        let sql = format!("UPDATE staff SET approved = FALSE WHERE email = '{email}'");
        common::sql(&self.db, &sql);
        let token = fixtures::login(&self.app, &email, fixtures::STAFF_PASSWORD).await;
        (email, token)
    }

    /// A new staff account of `role` (`flags`: its branch or company): its
    /// email.
    fn account(&self, role: &str, flags: &[&str]) -> String {
        let email = format!("{role}.{}@antre.test", fixtures::unique());
        fixtures::add_staff(&self.db, role, &email, flags);
        email
    }

    /// A browser signed in as a new staff account of `role`.
    async fn browser(&self, role: &str, flags: &[&str]) -> Browser {
        Browser::staff(&self.app, &self.account(role, flags)).await
    }

    /// A new supervisor of `branch` signed in through the API: the token.
    async fn supervisor(&self, branch: &str) -> String {
        let email = self.account("supervisor", &["--branch", branch]);
        fixtures::login(&self.app, &email, fixtures::STAFF_PASSWORD).await
    }
}

/// Asserts a batch report's count of rows and of valid ones.
fn assert_rows(v: &Value, rows: i64, valid: i64) {
    let got = (v["rows"].as_i64(), v["valid_rows"].as_i64());
    assert_eq!(got, (Some(rows), Some(valid)), "{v}");
}

fn id_of(v: &Value) -> i64 {
    v["id"].as_i64().expect("batch id")
}

// ---------------------------------------------------------------------------

async fn eligibility_boundaries_and_submit(backend: Backend) {
    let Some(s) = setup(backend).await else {
        return;
    };
    let large = s.company("LARGE100", 100).await;
    let small = s.company("SMALL19", 19).await;
    let tiny = s.company("TINY10", 10).await;

    // 19 registered workers, all laid off: too small a company.
    let (status, v) = s.upload(&small, "kecil.csv", batch(1, 19)).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(
        (
            v["eligible"].as_bool(),
            v["headcount"].as_i64(),
            v["laid_off"].as_i64()
        ),
        (Some(false), Some(19), Some(19))
    );
    // 3 of 10: too small and too few.
    let (status, v) = s.upload(&tiny, "mikro.csv", batch(1, 3)).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["eligible"], json!(false));

    // 29 of 100: refused, and the submit says why.
    let (status, v) = s.upload(&large, "phk-29.csv", batch(1, 29)).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(
        (
            v["eligible"].as_bool(),
            v["laid_off"].as_i64(),
            v["rows"].as_i64(),
            v["valid_rows"].as_i64()
        ),
        (Some(false), Some(29), Some(29), Some(29))
    );
    let (status, e) = s.submit(id_of(&v), &large).await;
    assert_eq!((status, error_code(&e)), (422, "not_eligible"), "{e}");
    let msg = e["error"]["message"].as_str().unwrap_or_default();
    assert!(
        msg.contains("29 dari 100 pekerja = 29%; minimal 30 diperlukan"),
        "{msg}"
    );
    assert_eq!(common::count(&s.db, "SELECT COUNT(*) AS n FROM claims"), 0);

    // 30 of 100, two of them with an email address: accepted.
    let mut csv = format!("{HEADER}\n");
    for i in 101..131 {
        let email = match i {
            101 => "pekerja.satu@example.id",
            102 => "pekerja.dua@example.id",
            _ => "",
        };
        csv.push_str(&worker(i, "termination", email));
        csv.push('\n');
    }
    let (status, v) = s.upload(&large, "phk-30.csv", csv.into_bytes()).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(
        (v["eligible"].as_bool(), v["laid_off"].as_i64()),
        (Some(true), Some(30))
    );
    let id = id_of(&v);
    let (status, r) = s.submit(id, &large).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["claims"], json!(30));
    assert_eq!(
        common::count(
            &s.db,
            "SELECT COUNT(*) AS n FROM claims WHERE channel = 'collective' AND status = 'open'"
        ),
        30
    );
    assert_eq!(common::count(&s.db, "SELECT COUNT(*) AS n FROM claims"), 30);
    assert_eq!(
        common::count(&s.db, &format!("SELECT COUNT(*) AS n FROM collective_rows WHERE batch_id = {id} AND claim_id IS NOT NULL")),
        30
    );
    // A second submit is refused and creates nothing.
    let (status, e) = s.submit(id, &large).await;
    assert_eq!((status, error_code(&e)), (409, "batch_submitted"), "{e}");
    assert_eq!(common::count(&s.db, "SELECT COUNT(*) AS n FROM claims"), 30);

    // The two workers with an address are told, in Indonesian first.
    let mails = common::eventually(10, "two worker mails", || async {
        let m: Vec<String> = common::mails(&s.db)
            .into_iter()
            .filter(|m| {
                m.contains("pekerja.satu@example.id") || m.contains("pekerja.dua@example.id")
            })
            .collect();
        (m.len() == 2).then_some(m)
    })
    .await;
    assert!(
        mails.iter().all(|m| m.contains("PT LARGE100")),
        "{}",
        mails[0]
    );

    // The workers' status: all submitted.
    let (status, csv) = s.batch_file(id, "workers.csv", &large).await;
    assert_eq!(status, 200);
    assert_eq!(csv.lines().count(), 31, "{csv}");
    assert_eq!(csv.matches(",submitted,").count(), 30, "{csv}");

    // The same layoff: a later batch of one worker counts the 30 already filed.
    let (status, v) = s.upload(&large, "phk-susulan.csv", batch(200, 1)).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(
        (v["eligible"].as_bool(), v["laid_off"].as_i64()),
        (Some(true), Some(31))
    );
    // A worker of the submitted batch now has an open claim.
    let (status, v) = s.upload(&large, "ulang.csv", batch(101, 1)).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["valid_rows"], json!(0));
    assert_eq!(v["errors"][0]["code"], json!("claim_open"), "{v}");
    assert_eq!(v["errors"][0]["row"], json!(2));
}
both_backends!(eligibility_boundaries_and_submit);

async fn every_column_reports_its_errors(backend: Backend) {
    let Some(s) = setup(backend).await else {
        return;
    };
    let hr = s.company("KOLOM01", 100).await;
    let member = fixtures::register(&s.app).await;
    fixtures::claim(&s.app, &member.token).await;

    let ok = |i: u32| worker(i, "termination", "");
    let with = |i: u32, col: usize, value: &str| {
        let line = ok(i);
        let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
        cells[col] = value.to_string();
        cells.join(",")
    };
    let rows = [
        with(1, 0, "123"),           // 2 nik
        with(2, 1, "12"),            // 3 kpj
        with(3, 2, ""),              // 4 full_name
        with(4, 3, "31/02/2026"),    // 5 termination_date
        with(5, 3, "2027-01-01"),    // 6 termination_date in the future
        with(6, 4, "pensiun"),       // 7 reason
        with(7, 5, "bukan-email"),   // 8 email
        with(8, 6, "12345"),         // 9 phone
        with(9, 7, "999"),           // 10 bank_code
        with(10, 8, "12345"),        // 11 account_number
        with(11, 9, "Budi Santoso"), // 12 account_name
        with(12, 10, "2026-10-15"),  // 13 work_start_date
        ok(13),                      // 14 valid
        with(13, 1, "29999999999"),  // 15 duplicate nik of row 14
        with(14, 3, "2026-11-01"),   // 16 waiting month not over
        format!(
            "{},23099999999,Budi Santoso,2026-09-30,phk,,,BCA,1234567890,Budi Santoso,",
            member.nik
        ), // 17 open claim
        with(15, 2, "3.17402E+15"),  // 18 name (digits are no name)
    ];
    let csv = format!("{HEADER}\n{}\n", rows.join("\n"));
    let (status, v) = s.upload(&hr, "kolom.csv", csv.into_bytes()).await;
    assert_eq!(status, 201, "{v}");
    assert_rows(&v, 17, 1);
    let got: Vec<(i64, Option<&str>, &str)> = v["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["row"].as_i64().unwrap_or(0),
                e["column"].as_str(),
                e["code"].as_str().unwrap_or(""),
            )
        })
        .collect();
    let want: Vec<(i64, Option<&str>, &str)> = vec![
        (2, Some("nik"), "invalid_nik"),
        (3, Some("kpj"), "invalid_kpj"),
        (4, Some("full_name"), "invalid_name"),
        (5, Some("termination_date"), "invalid_date"),
        (6, Some("termination_date"), "date_in_future"),
        (7, Some("reason"), "invalid_reason"),
        (8, Some("email"), "invalid_email"),
        (9, Some("phone"), "invalid_phone"),
        (10, Some("bank_code"), "unknown_bank"),
        (11, Some("account_number"), "invalid_account"),
        (12, Some("account_name"), "account_name_mismatch"),
        (13, Some("work_start_date"), "work_start_after_termination"),
        (15, Some("nik"), "duplicate_nik"),
        (16, Some("termination_date"), "not_yet_eligible"),
        (17, None, "claim_open"),
        (18, Some("full_name"), "invalid_name"),
    ];
    for w in &want {
        assert!(got.contains(w), "missing {w:?} in {got:?}");
    }
    for e in v["errors"].as_array().expect("errors") {
        assert!(!e["message"].as_str().unwrap_or_default().is_empty(), "{e}");
    }
    // The NIK is masked in the report.
    let dup = v["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .find(|e| e["code"] == "duplicate_nik")
        .expect("duplicate");
    assert_ne!(
        dup["value"].as_str(),
        Some(worker_nik(13).as_str()),
        "{dup}"
    );
    // A rejected row stores nothing as a claim.
    assert_eq!(
        common::count(&s.db, "SELECT COUNT(*) AS n FROM collective_rows"),
        1
    );

    // The same report as CSV, in Indonesian.
    let id = id_of(&v);
    let (status, csv) = s.batch_file(id, "errors.csv", &hr).await;
    assert_eq!(status, 200);
    assert!(
        csv.starts_with("\u{feff}baris,kolom,nilai,pesan\r\n"),
        "{csv}"
    );
    assert!(
        csv.contains("\r\n10,bank_code,999,Kode bank tidak dikenal.\r\n"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 1 + got.len());

    // A missing column is one whole-file error.
    let (status, v) = s
        .upload(
            &hr,
            "kurang.csv",
            b"nik,kpj\n3171010101850001,23012345678\n".to_vec(),
        )
        .await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["valid_rows"], json!(0));
    assert!(
        v["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .any(|e| e["code"] == "missing_column"
                && e["row"].is_null()
                && e["column"] == "full_name"),
        "{v}"
    );
}
both_backends!(every_column_reports_its_errors);

fn xlsx_batch(kpj: &str) -> Vec<u8> {
    use rust_xlsxwriter::Workbook;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in [
        "NIK",
        "KPJ",
        "Nama",
        "Tanggal PHK",
        "Alasan",
        "Kode Bank",
        "No Rekening",
        "Nama Rekening",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(0, u16::try_from(c).expect("col"), *h)
            .expect("header");
    }
    ws.write_string(1, 0, worker_nik(7)).expect("nik");
    ws.write_string(1, 1, kpj).expect("kpj");
    ws.write_string(1, 2, "Siti Nurhaliza").expect("name");
    ws.write_string(1, 3, "30/09/2026").expect("date");
    ws.write_string(1, 4, "PHK").expect("reason");
    ws.write_number(1, 5, 14).expect("bank");
    ws.write_string(1, 6, "1234567890").expect("account");
    ws.write_string(1, 7, "SITI NURHALIZA").expect("holder");
    wb.save_to_buffer().expect("xlsx")
}

async fn file_formats(backend: Backend) {
    let Some(s) = setup(backend).await else {
        return;
    };
    let hr = s.company("FORMAT01", 50).await;
    // Excel's Indonesian export: BOM, semicolons, Indonesian headers, day-first dates.
    let csv = format!(
        "\u{feff}NIK;KPJ;Nama;Tanggal PHK;Alasan;Kode Bank;No Rekening;Nama Rekening\r\n{};23012345678;Siti Nurhaliza;30/09/2026;phk;014;1234567890;SITI NURHALIZA\r\n",
        worker_nik(1)
    );
    for (name, bytes) in [
        ("ekspor.csv", csv.into_bytes()),
        ("pekerja.xlsx", xlsx_batch("23012345678")),
    ] {
        let (status, v) = s.upload(&hr, name, bytes).await;
        assert_eq!(status, 201, "{name}: {v}");
        assert_rows(&v, 1, 1);
    }

    // An XLSX renamed to .csv is binary, not text (another one: the same
    // bytes again would find the batch above).
    for (name, bytes, status, code) in [
        ("pekerja.csv", xlsx_batch("23012345679"), 422, "not_text"),
        ("acak.csv", vec![0, 159, 146, 150, 0, 1, 2], 422, "not_text"),
        (
            "daftar.pdf",
            b"%PDF-1.4\n".to_vec(),
            415,
            "unsupported_type",
        ),
        ("kosong.csv", Vec::new(), 422, "empty_file"),
    ] {
        common::assert_error(&s.upload(&hr, name, bytes).await, status, code);
    }
    // Nothing of these was stored.
    assert_eq!(
        common::count(&s.db, "SELECT COUNT(*) AS n FROM collective_batches"),
        2
    );

    // A request claiming 2 GB is refused before its body is read.
    let started = Instant::now();
    let head = format!(
        "POST /api/v1/collective/batches HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {hr}\r\nContent-Type: multipart/form-data; boundary=XYZ\r\nContent-Length: 2147483648\r\n\r\n--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n\r\nnik,kpj\r\n"
    );
    common::assert_refused_before_body(&s.app, &head);
    assert!(started.elapsed() < Duration::from_secs(5));

    // The template validates as is.
    let (status, t) = s.text("/api/v1/collective/template.csv", &hr).await;
    assert_eq!(status, 200);
    assert!(t.starts_with(&format!("\u{feff}{HEADER}\r\n")), "{t}");
}
both_backends!(file_formats);

async fn representatives_access_and_idempotency(backend: Backend) {
    let Some(s) = setup(backend).await else {
        return;
    };
    let hr = s.company("AKSES01", 40).await;
    let other = s.company("AKSES02", 40).await;

    // Re-upload: the same batch, 200.
    let (status, first) = s.upload(&hr, "phk.csv", batch(1, 12)).await;
    assert_eq!(status, 201, "{first}");
    let (status, again) = s.upload(&hr, "phk-lagi.csv", batch(1, 12)).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(id_of(&again), id_of(&first));
    assert_eq!(
        common::count(&s.db, "SELECT COUNT(*) AS n FROM collective_batches"),
        1
    );
    let id = id_of(&first);
    assert_eq!(first["eligible"], json!(true), "{first}");

    // Another company's HR neither sees nor submits it.
    let (status, v) = s.batch_of(id, &other).await;
    assert_eq!((status, error_code(&v)), (404, "batch_not_found"), "{v}");
    let (status, _) = s.batch_file(id, "errors.csv", &other).await;
    assert_eq!(status, 404);
    let (status, _) = s.submit(id, &other).await;
    assert_eq!(status, 404);
    // The admin and its own HR do.
    let (status, v) = s.batch_of(id, &s.admin).await;
    assert_eq!((status, v["valid_rows"].as_i64()), (200, Some(12)), "{v}");
    let (status, _) = s.batch_of(id, &hr).await;
    assert_eq!(status, 200);

    // Headcount changes keep their history; a participant may not.
    let (status, v) = s.set_headcount("AKSES01", &s.admin, 45).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["history"].as_array().map(Vec::len), Some(2), "{v}");
    let (status, _) = s.set_headcount("TIDAKADA", &s.admin, 45).await;
    assert_eq!(status, 404);
    let (status, _) = s.set_headcount("AKSES01", &hr, 1).await;
    assert_eq!(status, 403);
    // 12 of 45 is under 30% now: the submit counts again and refuses.
    let (status, e) = s.submit(id, &hr).await;
    assert_eq!((status, error_code(&e)), (422, "not_eligible"), "{e}");

    // An HR account not yet approved is refused with a clear code.
    let (email, fresh) = s.unapproved_hr("AKSES01").await;
    let (status, v) = s.upload(&fresh, "phk.csv", batch(300, 14)).await;
    assert_eq!(
        (status, error_code(&v)),
        (403, "representative_not_approved"),
        "{v}"
    );

    // Its documents, then a supervisor's approval, open the upload.
    let sup = s.supervisor("DPS-DENPASAR").await;
    let staff_id = common::count(
        &s.db,
        &format!("SELECT id AS n FROM staff WHERE email = '{email}'"),
    );
    let (status, e) = s.approve(staff_id, &sup).await;
    assert_eq!(
        (status, error_code(&e)),
        (409, "representative_documents_missing"),
        "{e}"
    );
    s.rep_documents(&fresh, "surat.png", files::png(32, 32))
        .await;
    let exe = b"MZ\x90\0binary".to_vec();
    let (status, v) = s
        .rep_document(&fresh, "power_of_attorney", "surat.pdf", exe)
        .await;
    assert!((400..500).contains(&status), "{status}: {v}");
    let (status, _) = s.approve(staff_id, &hr).await;
    assert_eq!(status, 403);
    let (status, v) = s.approve(staff_id, &sup).await;
    assert_eq!(status, 200, "{v}");
    let (status, v) = s.upload(&fresh, "phk.csv", batch(300, 14)).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["eligible"], json!(true), "{v}");
    // Submitting creates exactly the valid rows' claims.
    let (status, r) = s.submit(id_of(&v), &fresh).await;
    assert_eq!((status, r["claims"].as_i64()), (200, Some(14)), "{r}");
    assert_eq!(collective_claims(&s.db), 14);
}
both_backends!(representatives_access_and_idempotency);

async fn ten_thousand_rows(backend: Backend) {
    let Some(s) = setup(backend).await else {
        return;
    };
    let hr = s.company("BESAR01", 20_000).await;
    let bytes = batch(1, 10_000);
    let started = Instant::now();
    let (status, v) = s.upload(&hr, "besar.csv", bytes).await;
    let took = started.elapsed();
    println!("10,000-row batch ({backend:?}, debug build): validated and stored in {took:?}");
    assert_eq!(status, 201, "{}", v["errors"][0]);
    assert_rows(&v, 10_000, 10_000);
    assert_eq!(v["eligible"], json!(true));
    assert_eq!(
        common::count(&s.db, "SELECT COUNT(*) AS n FROM collective_rows"),
        10_000
    );
    // 10,001 rows are refused as a whole.
    let mut big = batch(1, 10_000);
    big.extend_from_slice(worker(20_000, "termination", "").as_bytes());
    let (status, v) = s.upload(&hr, "terlalu-besar.csv", big).await;
    assert_eq!((status, error_code(&v)), (413, "too_many_rows"), "{v}");
}
both_backends!(ten_thousand_rows);

/// A multipart form of one `file` part, after the page's CSRF token when
/// given.
fn file_form(csrf: Option<&str>, name: &str, bytes: Vec<u8>) -> Form {
    let form = match csrf {
        Some(c) => Form::new().text("csrf", c.to_string()),
        None => Form::new(),
    };
    form.part("file", Part::bytes(bytes).file_name(name.to_string()))
}

/// Claims filed through collective batches.
fn collective_claims(db: &TestDb) -> i64 {
    common::count(
        db,
        "SELECT COUNT(*) AS n FROM claims WHERE channel = 'collective'",
    )
}

async fn hr_pages(backend: Backend) {
    let Some(s) = setup(backend).await else {
        return;
    };
    s.company("HALAMAN1", 100).await;
    let b = s.browser("hr", &["--company", "HALAMAN1"]).await;
    let html = b.get("/hr").await.html;
    assert!(
        html.contains("Klaim kolektif") && html.contains("PT HALAMAN1"),
        "{html}"
    );
    // An account an operator made is approved from the start: its two
    // documents are not asked for; a representative still to be approved
    // is told both are missing.
    let not_needed = "<span class=\"tag tag-neutral\">Belum diunggah — tidak wajib";
    let missing = "<span class=\"tag tag-warn\">Belum ada</span>";
    assert_eq!(html.matches(not_needed).count(), 2, "{html}");
    assert!(!html.contains(missing), "{html}");
    let (pending, _) = s.unapproved_hr("HALAMAN1").await;
    let page = Browser::staff(&s.app, &pending).await.get("/hr").await.html;
    assert_eq!(page.matches(missing).count(), 2, "{page}");
    assert!(!page.contains(not_needed), "{page}");
    let csrf = csrf_of(&html);

    // Without the CSRF field the upload is refused.
    let form = file_form(None, "phk.csv", batch(1, 30));
    assert_eq!(b.post_multipart("/hr/batches", form).await.status, 403);
    let form = file_form(Some(&csrf), "phk.csv", batch(1, 30));
    let p = b.post_multipart("/hr/batches", form).await;
    assert_eq!(p.status, 303);
    let to = p.location;
    assert!(to.starts_with("/hr/batches/"), "{to}");
    let html = b.get(&to).await.html;
    assert!(
        html.contains("30 dari 100 pekerja = 30%; minimal 30 diperlukan"),
        "{html}"
    );
    let p = b.post(&format!("{to}/submit"), &[("csrf", &csrf)]).await;
    assert_eq!(p.status, 303);
    assert_eq!(collective_claims(&s.db), 30);

    // The staff's view links each claim to its review page, which a CS
    // agent of the company's branch may open.
    let id = to.trim_start_matches("/hr/batches/");
    let agent = s.browser("cs", &["--branch", "DPS-DENPASAR"]).await;
    let html = agent.get(&format!("/staff/batches/{id}")).await.html;
    let at = html.find("href=\"/staff/claims/").expect("claim link") + 6;
    let link = &html[at..at + html[at..].find('"').expect("end")];
    assert_eq!(agent.get(link).await.status, 200, "{link}");
    // An HR officer does not get the staff view.
    assert_eq!(b.get(&format!("/staff/batches/{id}")).await.status, 404);
}
both_backends!(hr_pages);

// ---------------------------------------------------------------------------
// Per-worker documents as one ZIP (issue 6, continued).

/// A deflated ZIP of (name, bytes) entries, plus symlinks (name, target).
fn zip_of(entries: &[(String, Vec<u8>)], links: &[(&str, &str)]) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    for (name, bytes) in entries {
        w.start_file(name.as_str(), opts).expect("entry");
        w.write_all(bytes).expect("write entry");
    }
    for (name, target) in links {
        w.add_symlink(*name, *target, opts).expect("symlink");
    }
    w.finish().expect("zip").into_inner()
}

impl Setup {
    /// Posts a ZIP of `entries` to `path` as `token`: the raw answer.
    async fn upload_zip(
        &self,
        path: &str,
        token: &str,
        entries: &[(String, Vec<u8>)],
    ) -> (u16, Value) {
        let archive = zip_of(entries, &[]);
        self.app.upload_file(path, token, "docs.zip", archive).await
    }

    /// A company of 100 with a batch of workers `from`..`from + 30`
    /// uploaded: (HR token, batch id).
    async fn uploaded_batch(&self, npp: &str, from: u32) -> (String, i64) {
        let hr = self.company(npp, 100).await;
        let (status, v) = self.upload(&hr, "phk.csv", batch(from, 30)).await;
        assert_eq!(status, 201, "{v}");
        (hr, id_of(&v))
    }

    /// A company of 100 with a submitted batch of workers 1..=30:
    /// (HR token, batch id).
    async fn submitted_batch(&self, npp: &str) -> (String, i64) {
        let (hr, id) = self.uploaded_batch(npp, 1).await;
        let (status, r) = self.submit(id, &hr).await;
        assert_eq!(status, 200, "{r}");
        (hr, id)
    }
}

fn refusal_of<'a>(report: &'a Value, entry: &str) -> &'a str {
    report["refused"]
        .as_array()
        .expect("refused list")
        .iter()
        .find(|r| r["entry"] == json!(entry))
        .and_then(|r| r["code"].as_str())
        .unwrap_or_else(|| panic!("{entry} not refused: {report}"))
}

async fn documents_zip(backend: Backend) {
    let Some(s) = setup(backend).await else {
        return;
    };
    let (hr, id) = s.uploaded_batch("ZIPDRAFT", 1).await;
    // Before the batch is submitted there are no claims to attach to.
    let path = format!("/api/v1/collective/batches/{id}/documents");
    let entries = vec![(format!("{}_bank_book.pdf", worker_nik(1)), files::pdf())];
    let answer = s.upload_zip(&path, &hr, &entries).await;
    common::assert_error(&answer, 409, "batch_not_submitted");

    let (hr, id) = s.submitted_batch("ZIPCO").await;
    let path = format!("/api/v1/collective/batches/{id}/documents");
    let (w1, w2, stranger) = (worker_nik(1), worker_nik(2), worker_nik(900));
    let zeros = vec![0u8; 50 * 1024 * 1024];
    let entries = vec![
        (format!("{w1}_bank_book.pdf"), files::pdf()),
        (format!("{w1}_ektp.png"), files::png(32, 32)),
        (format!("{w2}_kpj_card.pdf"), files::pdf()),
        (format!("../{w1}_kk.pdf"), files::pdf()),
        ("../x_bank_book.pdf".to_string(), files::pdf()),
        (format!("sub/{w2}_kk.pdf"), files::pdf()),
        (format!("{stranger}_bank_book.pdf"), files::pdf()),
        (format!("{w2}_bank_book.pdf"), zeros),
        (format!("{w2}_buku_tabungan.pdf"), files::pdf()),
        (format!("{w2}_passport.pdf"), files::pdf()),
        (format!("{w2}_selfie.pdf"), b"MZ not a pdf at all".to_vec()),
        ("daftar.pdf".to_string(), files::pdf()),
    ];
    let archive = zip_of(&entries, &[(&format!("{w2}_kk.pdf"), "/etc/passwd")]);
    let started = Instant::now();
    let (status, r) = s.app.upload_file(&path, &hr, "dokumen.zip", archive).await;
    assert_eq!(status, 200, "{r}");
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(r["accepted"], json!(3), "{r}");
    assert_eq!(r["refused"].as_array().map(Vec::len), Some(10), "{r}");
    for (entry, code) in [
        (format!("../{w1}_kk.pdf"), "zip_entry_path"),
        ("../x_bank_book.pdf".to_string(), "zip_entry_path"),
        (format!("sub/{w2}_kk.pdf"), "zip_entry_path"),
        (format!("{stranger}_bank_book.pdf"), "zip_unknown_worker"),
        (format!("{w2}_bank_book.pdf"), "zip_entry_ratio"),
        (format!("{w2}_buku_tabungan.pdf"), "unknown_kind"),
        (format!("{w2}_passport.pdf"), "kind_not_required"),
        (format!("{w2}_selfie.pdf"), "unsupported_type"),
        ("daftar.pdf".to_string(), "zip_entry_name"),
        (format!("{w2}_kk.pdf"), "zip_entry_link"),
    ] {
        assert_eq!(refusal_of(&r, &entry), code, "{entry}");
    }
    let message = r["refused"][0]["message"].as_str().unwrap_or_default();
    assert!(!message.is_empty(), "{r}");
    // The three documents are versions of the workers' own claims.
    let on_claim = |nik: &str, kind: &str| {
        common::count(
            &s.db,
            &format!(
                "SELECT COUNT(*) AS n FROM documents d JOIN collective_rows r ON r.claim_id = d.claim_id \
                 WHERE r.batch_id = {id} AND r.nik = '{nik}' AND d.kind = '{kind}' AND d.is_current"
            ),
        )
    };
    assert_eq!(on_claim(&w1, "bank_book"), 1);
    assert_eq!(on_claim(&w1, "ektp"), 1);
    assert_eq!(on_claim(&w2, "kpj_card"), 1);
    assert_eq!(
        common::count(&s.db, "SELECT COUNT(*) AS n FROM documents"),
        3
    );

    // Not a ZIP at all.
    let (status, e) = s
        .app
        .upload_file(&path, &hr, "docs.zip", files::pdf())
        .await;
    assert_eq!((status, error_code(&e)), (422, "zip_corrupt"), "{e}");
    // More than 2,000 entries: refused as a whole, nothing stored.
    let many: Vec<(String, Vec<u8>)> = (0..2001)
        .map(|i| (format!("{w1}_kk{i}.pdf"), b"x".to_vec()))
        .collect();
    let answer = s.upload_zip(&path, &hr, &many).await;
    common::assert_error(&answer, 422, "zip_too_many_entries");

    // The HR officer of another company does not see the batch.
    let other = s.company("ZIPOTHER", 100).await;
    let entries = vec![(format!("{w1}_kk.pdf"), files::pdf())];
    let answer = s.upload_zip(&path, &other, &entries).await;
    common::assert_error(&answer, 404, "batch_not_found");
    assert_eq!(
        common::count(&s.db, "SELECT COUNT(*) AS n FROM documents"),
        3
    );

    // A ZIP over 100 MB is refused before its body is read.
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {hr}\r\nContent-Type: multipart/form-data; boundary=XYZ\r\nContent-Length: {}\r\n\r\n--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.zip\"\r\n\r\nPK\r\n",
        101 * 1024 * 1024
    );
    common::assert_refused_before_body(&s.app, &head);
}
both_backends!(documents_zip);

async fn documents_zip_page(backend: Backend) {
    let Some(s) = setup(backend).await else {
        return;
    };
    let (_, id) = s.submitted_batch("ZIPPAGE").await;
    let b = s.browser("hr", &["--company", "ZIPPAGE"]).await;
    let html = b.get(&format!("/hr/batches/{id}")).await.html;
    assert!(
        html.contains(&format!("action=\"/hr/batches/{id}/documents\"")),
        "{html}"
    );
    let csrf = csrf_of(&html);
    let archive = || {
        zip_of(
            &[
                (format!("{}_bank_book.pdf", worker_nik(3)), files::pdf()),
                ("../x_bank_book.pdf".to_string(), files::pdf()),
            ],
            &[],
        )
    };
    let to = format!("/hr/batches/{id}/documents");
    let form = file_form(None, "d.zip", archive());
    assert_eq!(b.post_multipart(&to, form).await.status, 403);
    let p = b
        .post_multipart(&to, file_form(Some(&csrf), "d.zip", archive()))
        .await;
    assert_eq!(p.status, 200);
    assert!(
        p.html.contains("1 berkas diterima, 1 ditolak") && p.html.contains("../x_bank_book.pdf"),
        "{}",
        p.html
    );
    assert_eq!(
        common::count(&s.db, "SELECT COUNT(*) AS n FROM documents"),
        1
    );
}
both_backends!(documents_zip_page);

async fn mass_termination_letter(backend: Backend) {
    let Some(s) = setup(backend).await else {
        return;
    };
    let (hr, id) = s.uploaded_batch("SURAT1", 1).await;
    let path = format!("/api/v1/collective/batches/{id}/letter");
    assert_eq!(s.app.get_raw(&path, &hr).await.status().as_u16(), 404);

    // Not a PDF or an image.
    let (status, e) = s
        .app
        .upload_file(&path, &hr, "surat.pdf", b"nama,nik\nSiti,1\n".to_vec())
        .await;
    assert_eq!((status, error_code(&e)), (415, "unsupported_type"), "{e}");
    let letter = files::pdf();
    let (status, v) = s
        .app
        .upload_file(&path, &hr, "surat-phk.pdf", letter.clone())
        .await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["content_type"], json!("application/pdf"));

    // Its company's HR and a supervisor download it, safely.
    let sup = s.supervisor("DPS-DENPASAR").await;
    for token in [&hr, &sup] {
        let res = s.app.get_raw(&path, token).await;
        assert_eq!(res.status().as_u16(), 200);
        let h = res.headers().clone();
        assert_eq!(h["content-type"], "application/pdf");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["cache-control"], "private, no-store");
        let cd = h["content-disposition"].to_str().expect("disposition");
        assert!(cd.starts_with("attachment") && cd.contains(".pdf"), "{cd}");
        assert!(h["content-security-policy"]
            .to_str()
            .expect("csp")
            .contains("sandbox"));
        assert_eq!(res.bytes().await.expect("body").to_vec(), letter);
    }
    // The HR officer of another company neither reads nor replaces it.
    let other = s.company("SURAT2", 100).await;
    assert_eq!(s.app.get_raw(&path, &other).await.status().as_u16(), 404);
    let (status, e) = s
        .app
        .upload_file(&path, &other, "x.pdf", files::pdf())
        .await;
    assert_eq!((status, error_code(&e)), (404, "batch_not_found"), "{e}");
    assert_eq!(
        common::count(&s.db, "SELECT COUNT(*) AS n FROM collective_letters"),
        1
    );

    // The HR page offers it for download and takes a new one by form.
    let b = s.browser("hr", &["--company", "SURAT1"]).await;
    let html = b.get(&format!("/hr/batches/{id}")).await.html;
    assert!(html.contains(&format!("href=\"{path}\"")), "{html}");
    let to = format!("/hr/batches/{id}/letter");
    let form = file_form(None, "surat.png", files::png(32, 32));
    assert_eq!(b.post_multipart(&to, form).await.status, 403);
    let form = file_form(Some(&csrf_of(&html)), "surat.png", files::png(32, 32));
    assert_eq!(b.post_multipart(&to, form).await.status, 303);
    assert_eq!(b.get(&path).await.content_type, "image/png");

    // The OpenAPI document describes the collective endpoints.
    let (status, doc) = s.app.get("/api/v1/openapi.json", None).await;
    assert_eq!(status, 200);
    for p in [
        "/api/v1/collective/batches",
        "/api/v1/collective/batches/{id}/submit",
        "/api/v1/collective/batches/{id}/documents",
        "/api/v1/collective/batches/{id}/letter",
        "/api/v1/admin/representatives/{id}/approve",
    ] {
        assert!(doc["paths"][p].is_object(), "OpenAPI lacks {p}");
    }
    assert!(doc["paths"]["/api/v1/collective/batches/{id}/letter"]["get"].is_object());
}
both_backends!(mass_termination_letter);

async fn staff_batch_list_and_company_forms(backend: Backend) {
    let Some(s) = setup(backend).await else {
        return;
    };
    let (_, id) = s.uploaded_batch("DAFTAR1", 1).await;

    // The supervisor of the company's branch lists it and finds the way
    // from the staff home; one of another branch does not.
    let b = s.browser("supervisor", &["--branch", "DPS-DENPASAR"]).await;
    let home = b.get("/staff").await.html;
    assert!(home.contains("href=\"/staff/batches\""), "{home}");
    let list = b.get("/staff/batches").await;
    assert_eq!(list.status, 200);
    assert!(
        list.html.contains(&format!("href=\"/staff/batches/{id}\""))
            && list.html.contains("PT DAFTAR1"),
        "{}",
        list.html
    );
    let far = s.browser("supervisor", &["--branch", "JKT-CILANDAK"]).await;
    let list = far.get("/staff/batches").await.html;
    assert!(!list.contains("PT DAFTAR1"), "{list}");
    assert_eq!(far.get("/staff/companies/DAFTAR1").await.status, 404);
    // A company not yet assigned to a branch: any supervisor may take it
    // on, so its batch is in every supervisor's list, and opens.
    let hr = s.company_at("LEPAS1", 100, None).await;
    let (status, v) = s.upload(&hr, "phk.csv", batch(200, 30)).await;
    assert_eq!(status, 201, "{v}");
    let lone = id_of(&v);
    let list = far.get("/staff/batches").await.html;
    assert!(
        list.contains(&format!("href=\"/staff/batches/{lone}\"")),
        "{list}"
    );
    assert_eq!(far.get(&format!("/staff/batches/{lone}")).await.status, 200);
    assert_eq!(far.get("/staff/companies/LEPAS1").await.status, 200);
    // An HR officer gets no staff list, and another company's HR no batch.
    let hr_page = s.browser("hr", &["--company", "DAFTAR1"]).await;
    assert_eq!(hr_page.get("/staff/batches").await.status, 403);
    let other = s.company("DAFTAR2", 100).await;
    let (status, _) = s.batch_of(id, &other).await;
    assert_eq!(status, 404);

    // The company page: headcount with its reference date, by form.
    let html = b.get("/staff/companies/DAFTAR1").await.html;
    assert!(
        html.contains("/staff/companies/DAFTAR1/headcount"),
        "{html}"
    );
    let csrf = csrf_of(&html);
    let to = "/staff/companies/DAFTAR1/headcount";
    let fields = [("headcount", "120"), ("reference_date", "2026-11-01")];
    assert_eq!(b.post(to, &fields).await.status, 403);
    let with_csrf = [("csrf", csrf.as_str()), fields[0], fields[1]];
    assert_eq!(b.post(to, &with_csrf).await.status, 303);
    assert_eq!(
        common::count(
            &s.db,
            "SELECT CAST(headcount AS BIGINT) AS n FROM companies WHERE npp = 'DAFTAR1'"
        ),
        120
    );
    assert_eq!(
        common::count(
            &s.db,
            "SELECT COUNT(*) AS n FROM company_headcounts WHERE company_npp = 'DAFTAR1' AND reference_date = '2026-11-01' AND headcount = 120"
        ),
        1
    );

    // A new representative with both documents is approved by form.
    let (rep_email, rep) = s.unapproved_hr("DAFTAR1").await;
    s.rep_documents(&rep, "surat.pdf", files::pdf()).await;
    let html = b.get("/staff/companies/DAFTAR1").await.html;
    let at = html
        .find("action=\"/staff/representatives/")
        .expect("approve form")
        + 8;
    let action = html[at..at + html[at..].find('"').expect("end")].to_string();
    assert_eq!(b.post(&action, &[("csrf", "forged")]).await.status, 403);
    assert_eq!(b.post(&action, &[("csrf", &csrf)]).await.status, 303);
    assert_eq!(
        common::count(
            &s.db,
            &format!("SELECT COUNT(*) AS n FROM staff WHERE email = '{rep_email}' AND approved")
        ),
        1
    );
}
both_backends!(staff_batch_list_and_company_forms);

/// Supervisors handle the companies of their own branch: one from another
/// branch can neither read a batch nor change the headcount.
async fn supervisors_stay_in_their_branch(backend: Backend) {
    let Some(s) = setup(backend).await else {
        return;
    };
    let (_, id) = s.uploaded_batch("SCOPE01", 0).await;
    let own = s.supervisor("DPS-DENPASAR").await;
    let other = s.supervisor("JKT-CILANDAK").await;
    assert_eq!(s.batch_of(id, &own).await.0, 200);
    assert_eq!(s.batch_of(id, &other).await.0, 404);
    let (status, v) = s.set_headcount("SCOPE01", &other, 120).await;
    assert_eq!(status, 404, "{v}");
    let (status, v) = s.set_headcount("SCOPE01", &own, 120).await;
    assert_eq!(status, 200, "{v}");
}
both_backends!(supervisors_stay_in_their_branch);

//! The access matrix of README "Roles and access", cell by cell: every
//! request a role may NOT make is made by that role and must be refused —
//! 401 without an account (pages: 303 to the sign-in page), 403 for a role
//! that never may, 404 for an object the caller may not see — another
//! branch's, company's or participant's (as if it did not exist).
//! Data-driven: one table of (request, who, expected status), run on both
//! backends. The allowed cells are exercised by the capability tests
//! (claims, documents, floor, collective, audit).
#![allow(clippy::unwrap_used)]

use crate::common;
use crate::common::files;
use crate::common::{fixtures, Backend, Options, TestApp, TestDb};
use reqwest::multipart::{Form, Part};
use reqwest::Method;
use serde_json::{json, Value};

/// 08:40 WITA on Tuesday 2026-11-24.
const CLOCK: &str = "2026-11-24T08:40:00+08:00";
const BRANCH: &str = "DPS-DENPASAR";
const OTHER: &str = "JKT-CILANDAK";
const DAY: &str = "2026-11-25";

/// Everyone the matrix has a column for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Who {
    Anonymous,
    /// The participant who owns the claim, document and booking.
    Owner,
    /// Another participant.
    Participant,
    Cs,
    CsOther,
    Supervisor,
    SupervisorOther,
    Auditor,
    Admin,
    /// HR of the company that owns the batch.
    Hr,
    /// HR of another company.
    HrOther,
    Kiosk,
    KioskOther,
}

use Who::*;

const ALL: [Who; 13] = [
    Anonymous,
    Owner,
    Participant,
    Cs,
    CsOther,
    Supervisor,
    SupervisorOther,
    Auditor,
    Admin,
    Hr,
    HrOther,
    Kiosk,
    KioskOther,
];

struct World {
    app: TestApp,
    /// Does not follow redirects (pages send anonymous callers to sign in).
    client: reqwest::Client,
    tokens: std::collections::HashMap<Who, String>,
    claim: i64,
    document: i64,
    booking: String,
    slot: i64,
    batch: i64,
    hr_id: i64,
}

/// A staff account's token.
async fn staff(app: &TestApp, db: &TestDb, role: &str, extra: &[&str]) -> String {
    fixtures::staff(app, db, role, extra).await.token
}

async fn device(app: &TestApp, supervisor: &str, branch: &str) -> String {
    let (status, v) = app
        .post(
            &format!("/api/v1/branches/{branch}/devices"),
            Some(supervisor),
            &json!({"kind": "kiosk"}),
        )
        .await;
    assert_eq!(status, 201, "device: {v}");
    v["token"].as_str().unwrap().to_string()
}

fn csv_batch() -> Vec<u8> {
    let mut s = "nik,kpj,full_name,termination_date,reason,email,phone,bank_code,account_number,account_name,work_start_date\n".to_string();
    for i in 1..=3u32 {
        s.push_str(&format!(
            "31710101038500{i:02},{},Siti Nurhaliza,2026-09-30,termination,,081234567890,014,{},SITI NURHALIZA,2018-03-01\n",
            20_000_000_000u64 + u64::from(i),
            1_000_000_000u64 + u64::from(i),
        ));
    }
    s.into_bytes()
}

async fn world(db: &TestDb) -> World {
    let app = TestApp::start(db, &Options::clock(CLOCK));
    let mut tokens = std::collections::HashMap::new();
    let admin = staff(&app, db, "admin", &[]).await;
    for (npp, branch) in [("MTRX01", BRANCH), ("MTRX02", OTHER)] {
        let (status, v) = app
            .post(
                "/api/v1/admin/companies",
                Some(&admin),
                &json!({"npp": npp, "name": format!("PT {npp}"), "headcount": 100, "branch_code": branch}),
            )
            .await;
        assert_eq!(status, 201, "company: {v}");
    }
    let supervisor = staff(&app, db, "supervisor", &["--branch", BRANCH]).await;
    let supervisor_other = staff(&app, db, "supervisor", &["--branch", OTHER]).await;
    tokens.insert(Kiosk, device(&app, &supervisor, BRANCH).await);
    tokens.insert(KioskOther, device(&app, &supervisor_other, OTHER).await);
    tokens.insert(Supervisor, supervisor);
    tokens.insert(SupervisorOther, supervisor_other);
    tokens.insert(Cs, staff(&app, db, "cs", &["--branch", BRANCH]).await);
    tokens.insert(CsOther, staff(&app, db, "cs", &["--branch", OTHER]).await);
    tokens.insert(Auditor, staff(&app, db, "auditor", &[]).await);
    let hr = staff(&app, db, "hr", &["--company", "MTRX01"]).await;
    let (_, me) = app.get("/api/v1/me", Some(&hr)).await;
    let hr_id = me["id"].as_i64().unwrap();
    tokens.insert(Hr, hr);
    tokens.insert(
        HrOther,
        staff(&app, db, "hr", &["--company", "MTRX02"]).await,
    );
    tokens.insert(Admin, admin);

    let owner = fixtures::register(&app).await;
    let claim = fixtures::claim(&app, &owner.token).await;
    let form = Form::new().text("kind", "ektp").part(
        "file",
        Part::bytes(files::jpeg(20, 20)).file_name("ktp.jpg"),
    );
    let res = app
        .client
        .post(app.url(&format!("/api/v1/claims/{claim}/documents")))
        .bearer_auth(&owner.token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let (status, v) = common::json_of(res).await;
    assert_eq!(status, 201, "upload: {v}");
    let document = v["id"].as_i64().unwrap();
    let slots = fixtures::slots(&app, BRANCH, DAY).await;
    let slot = slots[0]["id"].as_i64().unwrap();
    let (status, v) = app
        .post(
            "/api/v1/bookings",
            Some(&owner.token),
            &json!({"slot_id": slot, "claim_id": claim}),
        )
        .await;
    assert_eq!(status, 201, "booking: {v}");
    let booking = v["code"].as_str().unwrap().to_string();
    tokens.insert(Owner, owner.token);
    tokens.insert(Participant, fixtures::register(&app).await.token);

    let form = Form::new().part("file", Part::bytes(csv_batch()).file_name("batch.csv"));
    let res = app
        .client
        .post(app.url("/api/v1/collective/batches"))
        .bearer_auth(&tokens[&Hr])
        .multipart(form)
        .send()
        .await
        .unwrap();
    let (status, v) = common::json_of(res).await;
    assert!(status == 201 || status == 200, "batch: {status} {v}");
    let batch = v["id"].as_i64().unwrap();
    World {
        app,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        tokens,
        claim,
        document,
        booking,
        slot,
        batch,
        hr_id,
    }
}

/// One request of the matrix with the statuses expected for the callers
/// that may not make it. Every caller not listed must be refused too
/// unless `allowed` names it (then the cell is not exercised here).
struct Row {
    method: Method,
    path: String,
    body: Option<Value>,
    /// A multipart body with one JPEG `file` (and `kind`), for uploads.
    upload: bool,
    denied: Vec<(Who, u16)>,
    allowed: Vec<Who>,
}

fn row(method: Method, path: String, body: Option<Value>) -> Row {
    Row {
        method,
        path,
        body,
        upload: false,
        denied: Vec::new(),
        allowed: Vec::new(),
    }
}

impl Row {
    fn deny(mut self, status: u16, who: &[Who]) -> Self {
        self.denied.extend(who.iter().map(|w| (*w, status)));
        self
    }

    fn allow(mut self, who: &[Who]) -> Self {
        self.allowed.extend_from_slice(who);
        self
    }

    fn multipart(mut self) -> Self {
        self.upload = true;
        self
    }
}

/// A page: its path, who may read it, and who is refused with what.
type PageRow = (String, Vec<Who>, Vec<(u16, Vec<Who>)>);

const PARTICIPANTS: [Who; 2] = [Owner, Participant];
const HR: [Who; 2] = [Hr, HrOther];

fn matrix(w: &World) -> Vec<Row> {
    let (claim, doc, bk, slot, batch) = (w.claim, w.document, &w.booking, w.slot, w.batch);
    let get = |p: String| row(Method::GET, p, None);
    let post = |p: String, b: Value| row(Method::POST, p, Some(b));
    let put = |p: String, b: Value| row(Method::PUT, p, Some(b));
    let delete = |p: String| row(Method::DELETE, p, None);
    let mut rows = vec![
        // Accounts.
        get("/api/v1/me".into())
            .deny(401, &[Anonymous])
            .allow(&ALL[1..]),
        // Claims: participants file their own; others' are 404.
        post(
            "/api/v1/claims".into(),
            json!({"reason": "resignation", "last_working_day": "2026-01-15"}),
        )
        .deny(401, &[Anonymous])
        .deny(
            403,
            &[
                Cs,
                CsOther,
                Supervisor,
                SupervisorOther,
                Auditor,
                Admin,
                Hr,
                HrOther,
                Kiosk,
                KioskOther,
            ],
        )
        .allow(&PARTICIPANTS),
        get(format!("/api/v1/claims/{claim}"))
            .deny(401, &[Anonymous])
            .deny(
                404,
                &[
                    Participant,
                    CsOther,
                    SupervisorOther,
                    Hr,
                    HrOther,
                    Kiosk,
                    KioskOther,
                ],
            )
            .allow(&[Owner, Cs, Supervisor, Auditor, Admin]),
        get(format!("/api/v1/claims/{claim}/documents/{doc}"))
            .deny(401, &[Anonymous])
            .deny(
                404,
                &[
                    Participant,
                    CsOther,
                    SupervisorOther,
                    Hr,
                    HrOther,
                    Kiosk,
                    KioskOther,
                ],
            )
            .allow(&[Owner, Cs, Supervisor, Auditor, Admin]),
        get(format!("/api/v1/claims/{claim}/documents/{doc}?inline=1"))
            .deny(401, &[Anonymous])
            .deny(
                404,
                &[
                    Participant,
                    CsOther,
                    SupervisorOther,
                    Hr,
                    HrOther,
                    Kiosk,
                    KioskOther,
                ],
            )
            .allow(&[Owner, Cs, Supervisor, Auditor, Admin]),
        row(
            Method::POST,
            format!("/api/v1/claims/{claim}/documents"),
            None,
        )
        .multipart()
        .deny(401, &[Anonymous])
        .deny(404, &[Participant])
        .deny(
            403,
            &[
                Cs,
                CsOther,
                Supervisor,
                SupervisorOther,
                Auditor,
                Admin,
                Hr,
                HrOther,
                Kiosk,
                KioskOther,
            ],
        )
        .allow(&[Owner]),
        delete(format!("/api/v1/claims/{claim}/documents/{doc}"))
            .deny(401, &[Anonymous])
            .deny(404, &[Participant])
            .deny(
                403,
                &[
                    Cs,
                    CsOther,
                    Supervisor,
                    SupervisorOther,
                    Auditor,
                    Admin,
                    Hr,
                    HrOther,
                    Kiosk,
                    KioskOther,
                ],
            )
            .allow(&[Owner]),
        // Review and decisions: CS and supervisors of the branch, admins.
        post(
            format!("/api/v1/documents/{doc}/review"),
            json!({"decision": "accept"}),
        )
        .deny(401, &[Anonymous])
        .deny(
            403,
            &[Owner, Participant, Auditor, Hr, HrOther, Kiosk, KioskOther],
        )
        .deny(404, &[CsOther, SupervisorOther])
        .allow(&[Cs, Supervisor, Admin]),
        post(format!("/api/v1/claims/{claim}/verify"), json!({}))
            .deny(401, &[Anonymous])
            .deny(
                403,
                &[Owner, Participant, Auditor, Hr, HrOther, Kiosk, KioskOther],
            )
            .deny(404, &[CsOther, SupervisorOther])
            .allow(&[Cs, Supervisor, Admin]),
        post(
            format!("/api/v1/claims/{claim}/reject"),
            json!({"reason": "other", "note": "x"}),
        )
        .deny(401, &[Anonymous])
        .deny(
            403,
            &[Owner, Participant, Auditor, Hr, HrOther, Kiosk, KioskOther],
        )
        .deny(404, &[CsOther, SupervisorOther])
        .allow(&[Cs, Supervisor, Admin]),
        // Bookings: the participant's own; branch staff read them.
        get(format!("/api/v1/bookings/{bk}"))
            .deny(401, &[Anonymous])
            .deny(
                404,
                &[
                    Participant,
                    CsOther,
                    SupervisorOther,
                    Hr,
                    HrOther,
                    Kiosk,
                    KioskOther,
                ],
            )
            .allow(&[Owner, Cs, Supervisor, Auditor, Admin]),
        post(
            "/api/v1/bookings".into(),
            json!({"slot_id": slot, "claim_id": claim}),
        )
        .deny(401, &[Anonymous])
        .deny(404, &[Participant])
        .deny(
            403,
            &[
                Cs,
                CsOther,
                Supervisor,
                SupervisorOther,
                Auditor,
                Admin,
                Hr,
                HrOther,
                Kiosk,
                KioskOther,
            ],
        )
        .allow(&[Owner]),
        post(
            format!("/api/v1/bookings/{bk}/reschedule"),
            json!({"slot_id": slot}),
        )
        .deny(401, &[Anonymous])
        .deny(404, &[Participant])
        .deny(
            403,
            &[
                Cs,
                CsOther,
                Supervisor,
                SupervisorOther,
                Auditor,
                Admin,
                Hr,
                HrOther,
                Kiosk,
                KioskOther,
            ],
        )
        .allow(&[Owner]),
        delete(format!("/api/v1/bookings/{bk}"))
            .deny(401, &[Anonymous])
            .deny(404, &[Participant])
            .deny(
                403,
                &[
                    Cs,
                    CsOther,
                    Supervisor,
                    SupervisorOther,
                    Auditor,
                    Admin,
                    Hr,
                    HrOther,
                    Kiosk,
                    KioskOther,
                ],
            )
            .allow(&[Owner]),
        // Capacity, companies, representatives.
        put(
            format!("/api/v1/admin/slots/{slot}/capacity"),
            json!({"capacity": 30}),
        )
        .deny(401, &[Anonymous])
        .deny(
            403,
            &[
                Owner,
                Participant,
                Cs,
                CsOther,
                Auditor,
                Hr,
                HrOther,
                Kiosk,
                KioskOther,
            ],
        )
        .deny(404, &[SupervisorOther])
        .allow(&[Supervisor, Admin]),
        post(
            "/api/v1/admin/companies".into(),
            json!({"npp": "MTRX09", "name": "PT X", "headcount": 50}),
        )
        .deny(401, &[Anonymous])
        .deny(
            403,
            &[
                Owner,
                Participant,
                Cs,
                CsOther,
                Supervisor,
                SupervisorOther,
                Auditor,
                Hr,
                HrOther,
                Kiosk,
                KioskOther,
            ],
        )
        .allow(&[Admin]),
        put(
            "/api/v1/admin/companies/MTRX01/headcount".into(),
            json!({"headcount": 100, "reference_date": "2026-11-01"}),
        )
        .deny(401, &[Anonymous])
        .deny(
            403,
            &[
                Owner,
                Participant,
                Cs,
                CsOther,
                Auditor,
                Hr,
                HrOther,
                Kiosk,
                KioskOther,
            ],
        )
        .deny(404, &[SupervisorOther])
        .allow(&[Supervisor, Admin]),
        post(
            format!("/api/v1/admin/representatives/{}/approve", w.hr_id),
            json!({}),
        )
        .deny(401, &[Anonymous])
        .deny(
            403,
            &[
                Owner,
                Participant,
                Cs,
                CsOther,
                Auditor,
                Hr,
                HrOther,
                Kiosk,
                KioskOther,
            ],
        )
        .deny(404, &[SupervisorOther])
        .allow(&[Supervisor, Admin]),
        // The branch floor.
        post(
            format!("/api/v1/branches/{BRANCH}/devices"),
            json!({"kind": "kiosk"}),
        )
        .deny(401, &[Anonymous])
        .deny(
            403,
            &[
                Owner,
                Participant,
                Cs,
                CsOther,
                Auditor,
                Hr,
                HrOther,
                Kiosk,
                KioskOther,
            ],
        )
        .deny(404, &[SupervisorOther])
        .allow(&[Supervisor, Admin]),
        put(
            format!("/api/v1/branches/{BRANCH}/floor"),
            json!({"seats_per_agent": 3}),
        )
        .deny(401, &[Anonymous])
        .deny(
            403,
            &[
                Owner,
                Participant,
                Cs,
                CsOther,
                Auditor,
                Hr,
                HrOther,
                Kiosk,
                KioskOther,
            ],
        )
        .deny(404, &[SupervisorOther])
        .allow(&[Supervisor, Admin]),
        post(
            format!("/api/v1/branches/{BRANCH}/arrivals"),
            json!({"nik": fixtures::nik(3, 3, 1980, false)}),
        )
        .deny(401, &[Anonymous])
        .deny(
            403,
            &[
                Owner,
                Participant,
                Cs,
                CsOther,
                SupervisorOther,
                Auditor,
                Hr,
                HrOther,
                KioskOther,
            ],
        )
        .allow(&[Kiosk, Supervisor, Admin]),
        put("/api/v1/console/status".into(), json!({"status": "paused"}))
            .deny(401, &[Anonymous])
            .deny(
                403,
                &[
                    Owner,
                    Participant,
                    Supervisor,
                    SupervisorOther,
                    Auditor,
                    Admin,
                    Hr,
                    HrOther,
                    Kiosk,
                    KioskOther,
                ],
            )
            .allow(&[Cs, CsOther]),
        get("/api/v1/console/sessions".into())
            .deny(401, &[Anonymous])
            .deny(
                403,
                &[
                    Owner,
                    Participant,
                    Supervisor,
                    SupervisorOther,
                    Auditor,
                    Admin,
                    Hr,
                    HrOther,
                    Kiosk,
                    KioskOther,
                ],
            )
            .allow(&[Cs, CsOther]),
        // Collective batches: the company's HR, its branch's staff, head office.
        get(format!("/api/v1/collective/batches/{batch}"))
            .deny(401, &[Anonymous])
            .deny(
                404,
                &[
                    Owner,
                    Participant,
                    HrOther,
                    CsOther,
                    SupervisorOther,
                    Kiosk,
                    KioskOther,
                ],
            )
            .allow(&[Hr, Cs, Supervisor, Auditor, Admin]),
        get(format!("/api/v1/collective/batches/{batch}/errors.csv"))
            .deny(401, &[Anonymous])
            .deny(
                404,
                &[
                    Owner,
                    Participant,
                    HrOther,
                    CsOther,
                    SupervisorOther,
                    Kiosk,
                    KioskOther,
                ],
            )
            .allow(&[Hr, Cs, Supervisor, Auditor, Admin]),
        post(
            format!("/api/v1/collective/batches/{batch}/submit"),
            json!({}),
        )
        .deny(401, &[Anonymous])
        .deny(
            403,
            &[
                Owner,
                Participant,
                Cs,
                CsOther,
                Supervisor,
                SupervisorOther,
                Auditor,
                Admin,
                Kiosk,
                KioskOther,
            ],
        )
        .deny(404, &[HrOther])
        .allow(&[Hr]),
        row(Method::POST, "/api/v1/collective/batches".into(), None)
            .multipart()
            .deny(401, &[Anonymous])
            .deny(
                403,
                &[
                    Owner,
                    Participant,
                    Cs,
                    CsOther,
                    Supervisor,
                    SupervisorOther,
                    Auditor,
                    Admin,
                    Kiosk,
                    KioskOther,
                ],
            )
            .allow(&HR),
    ];
    // The verification log and its figures: auditors and admins only.
    for path in [
        "/api/v1/audit/entries".to_string(),
        "/api/v1/audit/entries.csv".to_string(),
        format!("/api/v1/audit/claims/{claim}/timeline"),
        "/api/v1/audit/checkpoints".to_string(),
        "/api/v1/audit/public-key".to_string(),
        "/api/v1/audit/agents".to_string(),
        "/api/v1/audit/anomalies".to_string(),
    ] {
        rows.push(
            get(path)
                .deny(401, &[Anonymous])
                .deny(
                    403,
                    &[
                        Owner,
                        Participant,
                        Cs,
                        CsOther,
                        Supervisor,
                        SupervisorOther,
                        Hr,
                        HrOther,
                        Kiosk,
                        KioskOther,
                    ],
                )
                .allow(&[Auditor, Admin]),
        );
    }
    // Staff and HR pages: the same rules as their API.
    let page_rows: Vec<PageRow> = vec![
        (
            format!("/staff/claims/{claim}"),
            vec![Cs, Supervisor, Auditor, Admin],
            vec![
                (403, vec![Owner, Participant, Kiosk, KioskOther]),
                (404, vec![CsOther, SupervisorOther, Hr, HrOther]),
            ],
        ),
        (
            "/console".into(),
            vec![Cs, CsOther],
            vec![(
                403,
                vec![
                    Owner,
                    Participant,
                    Supervisor,
                    SupervisorOther,
                    Auditor,
                    Admin,
                    Hr,
                    HrOther,
                    Kiosk,
                    KioskOther,
                ],
            )],
        ),
        (
            "/staff/floor".into(),
            vec![Supervisor, SupervisorOther, Admin],
            vec![(
                403,
                vec![
                    Owner,
                    Participant,
                    Cs,
                    CsOther,
                    Auditor,
                    Hr,
                    HrOther,
                    Kiosk,
                    KioskOther,
                ],
            )],
        ),
        (
            "/hr".into(),
            vec![Hr, HrOther],
            vec![(
                403,
                vec![
                    Owner,
                    Participant,
                    Cs,
                    CsOther,
                    Supervisor,
                    SupervisorOther,
                    Auditor,
                    Admin,
                    Kiosk,
                    KioskOther,
                ],
            )],
        ),
        (
            format!("/staff/batches/{batch}"),
            vec![Cs, Supervisor, Auditor, Admin],
            vec![(
                404,
                vec![
                    Owner,
                    Participant,
                    Hr,
                    HrOther,
                    Kiosk,
                    KioskOther,
                    CsOther,
                    SupervisorOther,
                ],
            )],
        ),
        (
            format!("/hr/batches/{batch}"),
            vec![Hr],
            vec![(
                404,
                vec![
                    Owner,
                    Participant,
                    Cs,
                    CsOther,
                    Supervisor,
                    SupervisorOther,
                    Auditor,
                    Admin,
                    Kiosk,
                    KioskOther,
                    HrOther,
                ],
            )],
        ),
    ];
    for (path, allowed, denied) in page_rows {
        let mut r = get(path).deny(303, &[Anonymous]).allow(&allowed);
        for (status, who) in denied {
            r = r.deny(status, &who);
        }
        rows.push(r);
    }
    // The console pages of the log refuse everyone else as well (without an
    // account: 303 to the sign-in page).
    for path in [
        "/audit".to_string(),
        "/audit/agents".to_string(),
        "/audit/anomalies".to_string(),
        format!("/audit/claims/{claim}"),
    ] {
        rows.push(
            get(path)
                .deny(303, &[Anonymous])
                .deny(
                    403,
                    &[
                        Owner,
                        Participant,
                        Cs,
                        CsOther,
                        Supervisor,
                        SupervisorOther,
                        Hr,
                        HrOther,
                        Kiosk,
                        KioskOther,
                    ],
                )
                .allow(&[Auditor, Admin]),
        );
    }
    rows
}

async fn send(w: &World, r: &Row, who: Who) -> (u16, String) {
    let mut req = w.client.request(r.method.clone(), w.app.url(&r.path));
    if let Some(t) = w.tokens.get(&who) {
        req = req.bearer_auth(t);
    }
    if r.upload {
        let form = Form::new()
            .text("kind", "kk")
            .part("file", Part::bytes(files::jpeg(20, 20)).file_name("kk.jpg"));
        req = req.multipart(form);
    } else if let Some(b) = &r.body {
        req = req.json(b);
    }
    let res = req.send().await.expect("request");
    let status = res.status().as_u16();
    let body = res.text().await.unwrap_or_default();
    (status, body.chars().take(300).collect())
}

async fn every_denied_cell_is_refused(backend: Backend) {
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    let w = world(&db).await;
    let rows = matrix(&w);
    let mut failures = Vec::new();
    let mut cells = 0;
    for r in &rows {
        for who in ALL {
            let listed = r.denied.iter().any(|(d, _)| *d == who) || r.allowed.contains(&who);
            assert!(listed, "{} {}: no cell for {who:?}", r.method, r.path);
        }
        // The objects are real: a safe request by an allowed caller works
        // (else a 404 in a denied cell would prove nothing).
        if r.method == Method::GET {
            for who in &r.allowed {
                let (status, body) = send(&w, r, *who).await;
                if !(200..300).contains(&status) {
                    failures.push(format!(
                        "GET {} as {who:?} (allowed): got {status} {body}",
                        r.path
                    ));
                }
            }
        }
        for (who, expected) in &r.denied {
            cells += 1;
            let (status, body) = send(&w, r, *who).await;
            if status != *expected {
                failures.push(format!(
                    "{} {} as {who:?}: expected {expected}, got {status} {body}",
                    r.method, r.path
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {cells} denied cells not refused as expected:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(cells > 300, "{cells} cells");
}
both_backends!(every_denied_cell_is_refused);

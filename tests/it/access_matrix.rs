//! The access matrix of README "Roles and access", cell by cell: every
//! request a role may NOT make is made by that role and must be refused —
//! 401 without an account (pages: 303 to the sign-in page), 403 for a role
//! that never may, 404 for an object the caller may not see — another
//! branch's, company's or participant's (as if it did not exist).
//! Data-driven: one table of (request, who, expected status), run on both
//! backends. The allowed cells are exercised by the capability tests
//! (claims, documents, floor, collective, audit).
#![allow(clippy::unwrap_used)]

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

/// Declares `Who` and `ALL`, its values in order.
macro_rules! columns {
    ($($(#[$doc:meta])* $who:ident),* $(,)?) => {
        /// Everyone the matrix has a column for.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        enum Who {
            $($(#[$doc])* $who),*
        }
        const ALL: &[Who] = &[$(Who::$who),*];
    };
}

columns!(
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
);

use Who::*;

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
    /// The owner's outreach item (documents missing for the booking).
    outreach: i64,
    /// The branch's CS agent's staff id.
    cs_id: i64,
}

/// A staff account's token.
async fn staff(app: &TestApp, db: &TestDb, role: &str, extra: &[&str]) -> String {
    fixtures::staff(app, db, role, extra).await.token
}

async fn device(app: &TestApp, supervisor: &str, branch: &str) -> String {
    let path = format!("/api/v1/branches/{branch}/devices");
    let v = fixtures::created(app, &path, supervisor, json!({"kind": "kiosk"})).await;
    v["token"].as_str().unwrap().to_string()
}

pub(crate) fn csv_batch() -> Vec<u8> {
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
        let company = json!({"npp": npp, "name": format!("PT {npp}"), "headcount": 100, "branch_code": branch});
        fixtures::created(&app, "/api/v1/admin/companies", &admin, company).await;
    }
    let supervisor = staff(&app, db, "supervisor", &["--branch", BRANCH]).await;
    let supervisor_other = staff(&app, db, "supervisor", &["--branch", OTHER]).await;
    tokens.insert(Kiosk, device(&app, &supervisor, BRANCH).await);
    tokens.insert(KioskOther, device(&app, &supervisor_other, OTHER).await);
    tokens.insert(Supervisor, supervisor);
    tokens.insert(SupervisorOther, supervisor_other);
    let cs = fixtures::staff(&app, db, "cs", &["--branch", BRANCH]).await;
    let cs_id = cs.id;
    tokens.insert(Cs, cs.token);
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

    let (owner, claim) = fixtures::member_with_claim(&app).await;
    let form = Form::new().text("kind", "ektp").part(
        "file",
        Part::bytes(files::jpeg(20, 20)).file_name("ktp.jpg"),
    );
    let (status, v) = app
        .upload(
            &format!("/api/v1/claims/{claim}/documents"),
            &owner.token,
            form,
        )
        .await;
    assert_eq!(status, 201, "upload: {v}");
    let document = v["id"].as_i64().unwrap();
    let slots = fixtures::slots(&app, BRANCH, DAY).await;
    let slot = slots[0]["id"].as_i64().unwrap();
    let booking = fixtures::book(&app, &owner.token, slot, claim).await;
    tokens.insert(Owner, owner.token);
    tokens.insert(Participant, fixtures::register(&app).await.token);

    let form = Form::new().part("file", Part::bytes(csv_batch()).file_name("batch.csv"));
    let (status, v) = app
        .upload("/api/v1/collective/batches", &tokens[&Hr], form)
        .await;
    assert!(status == 201 || status == 200, "batch: {status} {v}");
    let batch = v["id"].as_i64().unwrap();
    let (status, list) = app
        .get(
            &format!("/api/v1/outreach/worklist?branch={BRANCH}"),
            Some(&tokens[&Admin]),
        )
        .await;
    assert_eq!(status, 200, "worklist: {list}");
    let outreach = list[0]["id"].as_i64().unwrap();
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
        outreach,
        cs_id,
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

/// The participant who owns the object; the branch's staff and head office.
const OWNER_AND_STAFF: [Who; 5] = [Owner, Cs, Supervisor, Auditor, Admin];
/// The branch's CS and supervisor, and admins.
const DECIDERS: [Who; 3] = [Cs, Supervisor, Admin];
/// The branch's supervisor and admins.
const BRANCH_ADMINS: [Who; 2] = [Supervisor, Admin];
const AUDITORS: [Who; 2] = [Auditor, Admin];
const PARTICIPANTS: [Who; 2] = [Owner, Participant];
const HR: [Who; 2] = [Hr, HrOther];
const AGENTS: [Who; 2] = [Cs, CsOther];
/// Readers of the collective batch: its company's HR, the branch, head office.
const BATCH_READERS: [Who; 5] = [Hr, Cs, Supervisor, Auditor, Admin];
/// Another branch's staff.
const OTHER_BRANCH: [Who; 2] = [CsOther, SupervisorOther];

impl Row {
    /// Every caller not yet listed is refused with `status`.
    fn rest(self, status: u16) -> Self {
        let rest: Vec<Who> = ALL
            .iter()
            .copied()
            .filter(|w| !self.allowed.contains(w) && !self.denied.iter().any(|(d, _)| d == w))
            .collect();
        self.deny(status, &rest)
    }

    /// Readable by `allowed`; others get `status`.
    fn only(self, allowed: &[Who], status: u16) -> Self {
        self.allow(allowed).rest(status)
    }

    /// The owner's own object: another participant gets 404, everyone
    /// else 403.
    fn owner_writes(self) -> Self {
        self.deny(404, &[Participant]).only(&[Owner], 403)
    }

    /// A decision of the branch (`allowed`): another branch's staff get
    /// 404 (`other`), everyone else 403.
    fn branch(self, other: &[Who], allowed: &[Who]) -> Self {
        self.deny(404, other).only(allowed, 403)
    }
}

fn matrix(w: &World) -> Vec<Row> {
    let (claim, doc, bk, slot, batch) = (w.claim, w.document, &w.booking, w.slot, w.batch);
    let api = |m: Method, p: String, b: Option<Value>| row(m, p, b).deny(401, &[Anonymous]);
    let get = |p: String| api(Method::GET, p, None);
    let post = |p: String, b: Value| api(Method::POST, p, Some(b));
    let put = |p: String, b: Value| api(Method::PUT, p, Some(b));
    let delete = |p: String| api(Method::DELETE, p, None);
    let upload = |p: String| api(Method::POST, p, None).multipart();
    let page = |p: String| row(Method::GET, p, None).deny(303, &[Anonymous]);
    let mut rows = vec![
        // Accounts.
        get("/api/v1/me".into()).allow(&ALL[1..]),
        // Claims: participants file their own; others' are 404.
        post(
            "/api/v1/claims".into(),
            json!({"reason": "resignation", "last_working_day": "2026-01-15"}),
        )
        .only(&PARTICIPANTS, 403),
        get(format!("/api/v1/claims/{claim}")).only(&OWNER_AND_STAFF, 404),
        get(format!("/api/v1/claims/{claim}/documents/{doc}")).only(&OWNER_AND_STAFF, 404),
        get(format!("/api/v1/claims/{claim}/documents/{doc}?inline=1")).only(&OWNER_AND_STAFF, 404),
        upload(format!("/api/v1/claims/{claim}/documents")).owner_writes(),
        delete(format!("/api/v1/claims/{claim}/documents/{doc}")).owner_writes(),
        // Review and decisions: CS and supervisors of the branch, admins.
        post(
            format!("/api/v1/documents/{doc}/review"),
            json!({"decision": "accept"}),
        )
        .branch(&OTHER_BRANCH, &DECIDERS),
        post(format!("/api/v1/claims/{claim}/verify"), json!({})).branch(&OTHER_BRANCH, &DECIDERS),
        post(
            format!("/api/v1/claims/{claim}/reject"),
            json!({"reason": "other", "note": "x"}),
        )
        .branch(&OTHER_BRANCH, &DECIDERS),
        // Bookings: the participant's own; branch staff read them.
        get(format!("/api/v1/bookings/{bk}")).only(&OWNER_AND_STAFF, 404),
        post(
            "/api/v1/bookings".into(),
            json!({"slot_id": slot, "claim_id": claim}),
        )
        .owner_writes(),
        post(
            format!("/api/v1/bookings/{bk}/reschedule"),
            json!({"slot_id": slot}),
        )
        .owner_writes(),
        delete(format!("/api/v1/bookings/{bk}")).owner_writes(),
        // Capacity, companies, representatives.
        put(
            format!("/api/v1/admin/slots/{slot}/capacity"),
            json!({"capacity": 30}),
        )
        .branch(&[SupervisorOther], &BRANCH_ADMINS),
        // How a branch releases new days: its supervisor and admins.
        put(
            format!("/api/v1/branches/{BRANCH}/release"),
            json!({"mode": "draw"}),
        )
        .branch(&[SupervisorOther], &BRANCH_ADMINS),
        // Closing a branch-day: its supervisor and admins.
        post(
            format!("/api/v1/branches/{BRANCH}/closures"),
            json!({"date": DAY, "reason": "Banjir"}),
        )
        .branch(&[SupervisorOther], &BRANCH_ADMINS),
        // The capacity planner: supervisors (of any branch) and admins.
        post(
            "/api/v1/planner/simulate".into(),
            json!({"arrivals_per_hour": [10], "agents": 1, "service_minutes": 10}),
        )
        .only(&[Supervisor, SupervisorOther, Admin], 403),
        // The head office overview: admins and auditors.
        get("/api/v1/overview/branches".into()).only(&[Admin, Auditor], 403),
        post(
            "/api/v1/admin/companies".into(),
            json!({"npp": "MTRX09", "name": "PT X", "headcount": 50}),
        )
        .only(&[Admin], 403),
        put(
            "/api/v1/admin/companies/MTRX01/headcount".into(),
            json!({"headcount": 100, "reference_date": "2026-11-01"}),
        )
        .branch(&[SupervisorOther], &BRANCH_ADMINS),
        post(
            format!("/api/v1/admin/representatives/{}/approve", w.hr_id),
            json!({}),
        )
        .branch(&[SupervisorOther], &BRANCH_ADMINS),
        // The outreach worklist: the branch's CS and supervisor, admins.
        get(format!("/api/v1/outreach/worklist?branch={BRANCH}")).branch(&OTHER_BRANCH, &DECIDERS),
        get(format!("/api/v1/outreach/figures?branch={BRANCH}")).branch(&OTHER_BRANCH, &DECIDERS),
        post(
            format!("/api/v1/outreach/{}/attempts", w.outreach),
            json!({"channel": "phone", "outcome": "reached"}),
        )
        .branch(&OTHER_BRANCH, &DECIDERS),
        post(format!("/api/v1/outreach/{}/claim", w.outreach), json!({}))
            .branch(&OTHER_BRANCH, &DECIDERS),
        delete(format!("/api/v1/outreach/{}/claim", w.outreach)).branch(&OTHER_BRANCH, &DECIDERS),
        // The branch floor.
        post(
            format!("/api/v1/branches/{BRANCH}/devices"),
            json!({"kind": "kiosk"}),
        )
        .branch(&[SupervisorOther], &BRANCH_ADMINS),
        put(
            format!("/api/v1/branches/{BRANCH}/floor"),
            json!({"seats_per_agent": 3}),
        )
        .branch(&[SupervisorOther], &BRANCH_ADMINS),
        post(
            format!("/api/v1/branches/{BRANCH}/arrivals"),
            json!({"nik": fixtures::nik(3, 3, 1980, false)}),
        )
        .only(&[Kiosk, Supervisor, Admin], 403),
        put("/api/v1/console/status".into(), json!({"status": "paused"})).only(&AGENTS, 403),
        get("/api/v1/console/sessions".into()).only(&AGENTS, 403),
        // Collective batches: the company's HR, its branch's staff, head office.
        get(format!("/api/v1/collective/batches/{batch}")).only(&BATCH_READERS, 404),
        get(format!("/api/v1/collective/batches/{batch}/errors.csv")).only(&BATCH_READERS, 404),
        post(
            format!("/api/v1/collective/batches/{batch}/submit"),
            json!({}),
        )
        .branch(&[HrOther], &[Hr]),
        upload("/api/v1/collective/batches".into()).only(&HR, 403),
        // Staff and HR pages: the same rules as their API.
        page(format!("/staff/claims/{claim}"))
            .deny(403, &[Owner, Participant, Kiosk, KioskOther])
            .only(&[Cs, Supervisor, Auditor, Admin], 404),
        page("/console".into()).only(&AGENTS, 403),
        page("/staff/floor".into()).only(&[Supervisor, SupervisorOther, Admin], 403),
        page("/staff/planner?agents_1=2&arrivals=10&service_minutes=10".into())
            .only(&[Supervisor, SupervisorOther, Admin], 403),
        page("/hr".into()).only(&HR, 403),
        page("/staff/outreach".into())
            .only(&[Cs, CsOther, Supervisor, SupervisorOther, Admin], 403),
        page(format!("/staff/batches/{batch}")).only(&[Cs, Supervisor, Auditor, Admin], 404),
        page(format!("/hr/batches/{batch}")).only(&[Hr], 404),
        // Staff administration: admins, and supervisors for their branch's
        // CS agents (another branch's supervisor is refused outright).
        get("/api/v1/staff".into()).only(&[Supervisor, SupervisorOther, Admin], 403),
        post(
            "/api/v1/staff".into(),
            json!({"email": "matriks@bpjs.example.id", "name": "Matriks", "role": "cs", "branch": BRANCH}),
        )
        .only(&BRANCH_ADMINS, 403),
        get(format!("/api/v1/staff/{}", w.cs_id)).only(&BRANCH_ADMINS, 403),
        api(
            Method::PATCH,
            format!("/api/v1/staff/{}", w.cs_id),
            Some(json!({"active": true})),
        )
        .only(&BRANCH_ADMINS, 403),
        page("/staff/accounts".into()).only(&[Supervisor, SupervisorOther, Admin], 403),
        page(format!("/staff/accounts/{}", w.cs_id)).only(&BRANCH_ADMINS, 403),
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
        rows.push(get(path).only(&AUDITORS, 403));
    }
    // The console pages of the log refuse everyone else as well (without an
    // account: 303 to the sign-in page).
    for path in [
        "/audit".to_string(),
        "/audit/agents".to_string(),
        "/audit/anomalies".to_string(),
        format!("/audit/claims/{claim}"),
    ] {
        rows.push(page(path).only(&AUDITORS, 403));
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
        for &who in ALL {
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

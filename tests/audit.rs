//! The verification log: entries written by real actions, with their actor
//! and subject; the auditor's filters and keyset pagination; who may read
//! it; the database refusing UPDATE and DELETE; and `antre audit verify`
//! catching an edited entry, a deleted entry and a tampered checkpoint.
#![allow(clippy::unwrap_used)]

#[macro_use]
mod common;

use common::{fixtures, Backend, Options, TestApp, TestDb};
use diesel::{Connection, RunQueryDsl};
use serde_json::{json, Value};

/// 08:40 WITA on Tuesday 2026-11-24.
const CLOCK: &str = "2026-11-24T08:40:00+08:00";
const BRANCH: &str = "DPS-DENPASAR";

struct Staff {
    token: String,
    id: i64,
}

async fn staff(app: &TestApp, db: &TestDb, role: &str, extra: &[&str]) -> Staff {
    let email = format!("{role}{}@bpjs.example.id", fixtures::unique());
    fixtures::add_staff(db, role, &email, extra);
    let token = fixtures::login(app, &email, fixtures::STAFF_PASSWORD).await;
    let (status, me) = app.get("/api/v1/me", Some(&token)).await;
    assert_eq!(status, 200, "me: {me}");
    Staff {
        token,
        id: me["id"].as_i64().expect("staff id"),
    }
}

/// Runs one statement, returning the database's refusal instead of
/// panicking (common::sql panics on errors).
fn try_sql(db: &TestDb, statement: &str) -> Result<(), String> {
    match db.backend {
        Backend::Sqlite => {
            let path = db.url.trim_start_matches("sqlite://");
            let mut c = diesel::SqliteConnection::establish(path).expect("sqlite");
            diesel::sql_query(statement)
                .execute(&mut c)
                .map(|_| ())
                .map_err(|e| e.to_string())
        }
        Backend::Postgres => {
            let mut c = diesel::PgConnection::establish(&db.url).expect("pg");
            diesel::sql_query(statement)
                .execute(&mut c)
                .map(|_| ())
                .map_err(|e| e.to_string())
        }
    }
}

/// `antre audit ARGS…` against the test database: (exit code, stdout).
fn antre_audit(db: &TestDb, args: &[&str]) -> (i32, String) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_antre"));
    cmd.arg("audit").args(args);
    for (k, _) in std::env::vars() {
        if k.starts_with("ANTRE_") {
            cmd.env_remove(k);
        }
    }
    let out = cmd
        .current_dir(db.data_dir.path())
        .env("ANTRE_DATABASE_URL", &db.url)
        .env("ANTRE_DATA_DIR", db.data_dir.path())
        .output()
        .expect("run antre audit");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    (
        out.status.code().unwrap_or(-1),
        format!("{stdout}{}", String::from_utf8_lossy(&out.stderr)),
    )
}

fn disable_triggers(db: &TestDb) {
    match db.backend {
        Backend::Sqlite => {
            common::sql(db, "DROP TRIGGER audit_log_no_update");
            common::sql(db, "DROP TRIGGER audit_log_no_delete");
        }
        Backend::Postgres => common::sql(db, "ALTER TABLE audit_log DISABLE TRIGGER ALL"),
    }
}

async fn entries(app: &TestApp, token: &str, query: &str) -> Value {
    let (status, v) = app
        .get(&format!("/api/v1/audit/entries{query}"), Some(token))
        .await;
    assert_eq!(status, 200, "entries{query}: {v}");
    v
}

fn list(v: &Value) -> &Vec<Value> {
    v["entries"].as_array().expect("entries array")
}

/// A small floor day: a kiosk issued by the supervisor, a walk-in, an
/// agent going on duty (assigned the walk-in), a no-show. Returns the app,
/// the auditor's token, the supervisor and the agent.
struct Day {
    app: TestApp,
    auditor: String,
    supervisor: Staff,
    cs: Staff,
}

async fn floor_day(db: &TestDb) -> Day {
    let app = TestApp::start(db, &Options::clock(CLOCK));
    let supervisor = staff(&app, db, "supervisor", &["--branch", BRANCH]).await;
    let cs = staff(&app, db, "cs", &["--branch", BRANCH]).await;
    let auditor = staff(&app, db, "auditor", &[]).await.token;
    let (status, v) = app
        .post(
            &format!("/api/v1/branches/{BRANCH}/devices"),
            Some(&supervisor.token),
            &json!({"kind": "kiosk"}),
        )
        .await;
    assert_eq!(status, 201, "device: {v}");
    let kiosk = v["token"].as_str().expect("device token").to_string();
    let (status, v) = app
        .post(
            &format!("/api/v1/branches/{BRANCH}/arrivals"),
            Some(&kiosk),
            &json!({"nik": fixtures::nik(12, 5, 1985, false)}),
        )
        .await;
    assert_eq!(status, 201, "arrival: {v}");
    let (status, v) = app
        .put(
            "/api/v1/console/status",
            Some(&cs.token),
            &json!({"status": "on_duty"}),
        )
        .await;
    assert_eq!(status, 200, "on duty: {v}");
    Day {
        app,
        auditor,
        supervisor,
        cs,
    }
}

async fn actions_are_recorded_with_actor_and_subject(backend: Backend) {
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    let d = floor_day(&db).await;
    let all = entries(&d.app, &d.auditor, "").await;
    let rows = list(&all);
    let find = |action: &str| {
        rows.iter()
            .find(|e| e["action"] == action)
            .unwrap_or_else(|| panic!("no {action} entry in {all}"))
            .clone()
    };
    let device = find("device_issued");
    assert_eq!(device["actor_id"], d.supervisor.id, "{device}");
    assert_eq!(device["actor_role"], "supervisor", "{device}");
    assert_eq!(device["branch_code"], BRANCH, "{device}");
    let status = find("agent_status");
    assert_eq!(status["actor_id"], d.cs.id, "{status}");
    assert_eq!(status["details"]["status"], "on_duty", "{status}");
    let assigned = find("session_assigned");
    assert!(assigned["session_id"].as_i64().is_some(), "{assigned}");
    find("ticket_issued");
    // Seqs ascend from 1 and each entry continues the previous hash.
    for (i, e) in rows.iter().enumerate() {
        assert_eq!(e["seq"], i as i64 + 1, "{e}");
        assert_eq!(e["hash"].as_str().unwrap().len(), 64, "{e}");
        if i > 0 {
            assert_eq!(e["prev_hash"], rows[i - 1]["hash"], "{e}");
        }
        assert!(e["at"].as_str().unwrap().ends_with('Z'), "{e}");
    }
    assert_eq!(all["next"], Value::Null);

    // Filters.
    let v = entries(&d.app, &d.auditor, "?action=ticket_issued").await;
    assert_eq!(list(&v).len(), 1, "{v}");
    let v = entries(&d.app, &d.auditor, &format!("?actor={}", d.cs.id)).await;
    assert!(!list(&v).is_empty());
    assert!(list(&v).iter().all(|e| e["actor_id"] == d.cs.id), "{v}");
    let v = entries(&d.app, &d.auditor, "?branch=JKT-CILANDAK").await;
    assert!(list(&v).is_empty(), "{v}");
    let v = entries(&d.app, &d.auditor, "?from=2026-11-24&to=2026-11-24").await;
    assert_eq!(list(&v).len(), rows.len(), "{v}");
    let v = entries(&d.app, &d.auditor, "?from=2026-11-25").await;
    assert!(list(&v).is_empty(), "{v}");
    let v = entries(&d.app, &d.auditor, "?to=2026-11-24T00:00:00Z").await;
    assert!(list(&v).is_empty(), "{v}");
    let (status, _) = d
        .app
        .get("/api/v1/audit/entries?from=kemarin", Some(&d.auditor))
        .await;
    assert_eq!(status, 422);

    // CSV export of the same filter.
    let res = d
        .app
        .client
        .get(d.app.url("/api/v1/audit/entries.csv?action=agent_status"))
        .bearer_auth(&d.auditor)
        .send()
        .await
        .expect("csv");
    assert_eq!(res.status().as_u16(), 200);
    let csv = res.text().await.expect("csv body");
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("seq,at,actor_id"), "{csv}");
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[1].contains("agent_status"), "{csv}");
}
both_backends!(actions_are_recorded_with_actor_and_subject);

async fn pages_follow_the_cursor(backend: Backend) {
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    let d = floor_day(&db).await;
    // 150 more real entries: the agent pausing and resuming.
    for i in 0..150 {
        let s = if i % 2 == 0 { "paused" } else { "on_duty" };
        let (status, v) = d
            .app
            .put(
                "/api/v1/console/status",
                Some(&d.cs.token),
                &json!({"status": s}),
            )
            .await;
        assert_eq!(status, 200, "{s}: {v}");
    }
    let total = common::count(&db, "SELECT COUNT(*) AS n FROM audit_log");
    let mut seen = Vec::new();
    let mut query = String::new();
    let mut pages = 0;
    loop {
        let v = entries(&d.app, &d.auditor, &query).await;
        pages += 1;
        assert!(list(&v).len() <= 100, "page size");
        seen.extend(list(&v).iter().map(|e| e["seq"].as_i64().unwrap()));
        match v["next"].as_i64() {
            Some(n) => {
                assert_eq!(Some(&n), seen.last(), "the cursor is the last seq");
                query = format!("?after={n}");
            }
            None => break,
        }
    }
    assert_eq!(pages, (total as usize).div_ceil(100));
    assert_eq!(seen, (1..=total).collect::<Vec<_>>());
    // A filtered walk: only agent_status, still complete and in order.
    let v = entries(&d.app, &d.auditor, "?action=agent_status").await;
    assert_eq!(list(&v).len(), 100);
    let next = v["next"].as_i64().expect("a second page");
    let v2 = entries(
        &d.app,
        &d.auditor,
        &format!("?action=agent_status&after={next}"),
    )
    .await;
    assert_eq!(list(&v2).len(), 51, "{v2}");
    assert_eq!(v2["next"], Value::Null);
}
both_backends!(pages_follow_the_cursor);

async fn only_auditors_and_admins_read_the_log(backend: Backend) {
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    let d = floor_day(&db).await;
    let admin = staff(&d.app, &db, "admin", &[]).await.token;
    let (status, v) = d
        .app
        .post(
            "/api/v1/admin/companies",
            Some(&admin),
            &json!({"npp": "AUDIT01", "name": "PT Audit", "headcount": 10}),
        )
        .await;
    assert_eq!(status, 201, "company: {v}");
    let hr = staff(&d.app, &db, "hr", &["--company", "AUDIT01"])
        .await
        .token;
    let member = fixtures::register(&d.app).await.token;
    let claim = fixtures::claim(&d.app, &member).await;
    let paths = [
        "/api/v1/audit/entries".to_string(),
        "/api/v1/audit/entries.csv".to_string(),
        format!("/api/v1/audit/claims/{claim}/timeline"),
        "/api/v1/audit/checkpoints".to_string(),
        "/api/v1/audit/public-key".to_string(),
    ];
    for path in &paths {
        for (who, token) in [
            ("participant", &member),
            ("cs", &d.cs.token),
            ("supervisor", &d.supervisor.token),
            ("hr", &hr),
        ] {
            let (status, v) = d.app.get(path, Some(token)).await;
            assert_eq!(status, 403, "{who} {path}: {v}");
        }
        let (status, _) = d.app.get(path, None).await;
        assert_eq!(status, 401, "anonymous {path}");
        for token in [&d.auditor, &admin] {
            let res = d
                .app
                .client
                .get(d.app.url(path))
                .bearer_auth(token)
                .send()
                .await
                .expect("get");
            assert_eq!(res.status().as_u16(), 200, "{path}");
        }
    }
}
both_backends!(only_auditors_and_admins_read_the_log);

async fn the_database_refuses_changes_and_verify_finds_tampering(backend: Backend) {
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    let d = floor_day(&db).await;
    let n = common::count(&db, "SELECT COUNT(*) AS n FROM audit_log");
    assert!(n >= 4, "{n} entries");

    let refused = try_sql(&db, "UPDATE audit_log SET details = '{}' WHERE seq = 2");
    assert!(
        refused.as_ref().is_err_and(|e| e.contains("append-only")),
        "{refused:?}"
    );
    let refused = try_sql(&db, "DELETE FROM audit_log WHERE seq = 2");
    assert!(
        refused.as_ref().is_err_and(|e| e.contains("append-only")),
        "{refused:?}"
    );

    let (code, out) = antre_audit(&db, &["verify"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(&format!("audit log intact: {n} entries")),
        "{out}"
    );

    // A checkpoint, downloadable with the public key, verifies; exported
    // to a file it verifies too.
    let (code, out) = antre_audit(&db, &["checkpoint"]);
    assert_eq!(code, 0, "{out}");
    let (status, cps) = d
        .app
        .get("/api/v1/audit/checkpoints", Some(&d.auditor))
        .await;
    assert_eq!(status, 200, "{cps}");
    let cp = cps["checkpoints"][0].clone();
    assert_eq!(cp["seq"], n, "{cps}");
    let (_, key) = d
        .app
        .get("/api/v1/audit/public-key", Some(&d.auditor))
        .await;
    assert_eq!(key["public_key"], cp["public_key"], "{key}");
    let file = db.data_dir.path().join("exported-checkpoint.json");
    std::fs::write(&file, cp.to_string()).expect("write checkpoint");
    let file = file.to_string_lossy().to_string();
    let (code, out) = antre_audit(&db, &["verify", "--checkpoint", &file]);
    assert_eq!(code, 0, "{out}");

    // A checkpoint whose hash was changed in the database is reported.
    common::sql(&db, "UPDATE audit_checkpoints SET hash = 'ab' || hash");
    let (code, out) = antre_audit(&db, &["verify"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(&format!("broken at entry {n}")), "{out}");
    common::sql(&db, "DELETE FROM audit_checkpoints");

    // With the triggers off, an edited entry is named …
    disable_triggers(&db);
    common::sql(
        &db,
        "UPDATE audit_log SET details = '{\"status\":\"off\"}' WHERE seq = 3",
    );
    let (code, out) = antre_audit(&db, &["verify"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("audit log broken at entry 3:"), "{out}");
    // … and the exported checkpoint no longer matches a rewritten chain
    // either (it is checked even when the stored ones are gone).
    let (code, _) = antre_audit(&db, &["verify", "--checkpoint", &file]);
    assert_eq!(code, 1);

    // A deleted entry is named too (on a fresh chain of the same day).
    let Some(db2) = TestDb::create(backend) else {
        return;
    };
    let _d2 = floor_day(&db2).await;
    disable_triggers(&db2);
    common::sql(&db2, "DELETE FROM audit_log WHERE seq = 2");
    let (code, out) = antre_audit(&db2, &["verify"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("audit log broken at entry 2:"), "{out}");
}
both_backends!(the_database_refuses_changes_and_verify_finds_tampering);

async fn a_claims_timeline_lists_its_entries(backend: Backend) {
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    let d = floor_day(&db).await;
    // A member with an open claim walks in and is served at once.
    let member = fixtures::register(&d.app).await;
    let claim = fixtures::claim(&d.app, &member.token).await;
    let (status, v) = d
        .app
        .post(
            &format!("/api/v1/branches/{BRANCH}/devices"),
            Some(&d.supervisor.token),
            &json!({"kind": "kiosk"}),
        )
        .await;
    assert_eq!(status, 201, "device: {v}");
    let kiosk = v["token"].as_str().expect("device token").to_string();
    let (status, v) = d
        .app
        .post(
            &format!("/api/v1/branches/{BRANCH}/arrivals"),
            Some(&kiosk),
            &json!({"nik": member.nik}),
        )
        .await;
    assert_eq!(status, 201, "arrival: {v}");
    let (status, v) = d
        .app
        .get(
            &format!("/api/v1/audit/claims/{claim}/timeline"),
            Some(&d.auditor),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    let rows = v["entries"].as_array().expect("entries");
    let actions: Vec<&str> = rows.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert!(actions.contains(&"ticket_issued"), "{v}");
    assert!(rows.iter().all(|e| e["claim_id"] == claim), "{v}");
    let seqs: Vec<i64> = rows.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "in order: {seqs:?}");
    // The claim filter of the log gives the same entries.
    let f = entries(&d.app, &d.auditor, &format!("?claim={claim}")).await;
    assert_eq!(list(&f).len(), rows.len(), "{f}");
    // An unknown claim has an empty timeline.
    let (status, v) = d
        .app
        .get("/api/v1/audit/claims/999999/timeline", Some(&d.auditor))
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["entries"], json!([]));
}
both_backends!(a_claims_timeline_lists_its_entries);

async fn the_console_pages_show_the_log_and_its_status(backend: Backend) {
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    let d = floor_day(&db).await;
    let page = |path: &'static str, token: String| {
        let app = &d.app;
        async move {
            let res = app
                .client
                .get(app.url(path))
                .bearer_auth(token)
                .send()
                .await
                .expect("page");
            (res.status().as_u16(), res.text().await.expect("html"))
        }
    };
    let (status, html) = page("/audit?action=device_issued", d.auditor.clone()).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Log verifikasi"), "{html}");
    assert!(html.contains("device_issued"), "{html}");
    assert!(!html.contains("ticket_issued"), "filtered: {html}");
    assert!(html.contains("entries.csv?action=device_issued"), "{html}");
    let (status, html) = page("/audit?verify=1", d.auditor.clone()).await;
    assert_eq!(status, 200);
    assert!(html.contains("audit log intact"), "{html}");
    let (status, _) = page("/audit", d.cs.token.clone()).await;
    assert_eq!(status, 403);
    let (status, _) = page("/audit/claims/1", d.supervisor.token.clone()).await;
    assert_eq!(status, 403);

    disable_triggers(&db);
    common::sql(&db, "DELETE FROM audit_log WHERE seq = 2");
    let (status, html) = page("/audit?verify=1", d.auditor.clone()).await;
    assert_eq!(status, 200);
    assert!(html.contains("audit log broken at entry 2"), "{html}");
}
both_backends!(the_console_pages_show_the_log_and_its_status);

async fn concurrent_writers_keep_one_chain(backend: Backend) {
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    // Two instances, two branches (two floor locks): only the chain lock
    // orders their entries.
    let a = TestApp::start(&db, &Options::clock(CLOCK));
    let b = TestApp::start(&db, &Options::clock(CLOCK));
    let cs_a = staff(&a, &db, "cs", &["--branch", BRANCH]).await;
    let cs_b = staff(&b, &db, "cs", &["--branch", "JKT-CILANDAK"]).await;
    let toggle = |app: &TestApp, token: String| {
        let (client, url) = (app.client.clone(), app.url("/api/v1/console/status"));
        async move {
            for i in 0..20 {
                let s = if i % 2 == 0 { "on_duty" } else { "paused" };
                let res = client
                    .put(&url)
                    .bearer_auth(&token)
                    .json(&json!({"status": s}))
                    .send()
                    .await
                    .expect("status");
                assert_eq!(res.status().as_u16(), 200);
            }
        }
    };
    futures::join!(toggle(&a, cs_a.token), toggle(&b, cs_b.token));
    let n = common::count(&db, "SELECT COUNT(*) AS n FROM audit_log");
    assert!(n >= 40, "{n}");
    let (code, out) = antre_audit(&db, &["verify"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(&format!("intact: {n} entries")), "{out}");
}
both_backends!(concurrent_writers_keep_one_chain);

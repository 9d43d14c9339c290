//! The verification log: entries written by real actions, with their actor
//! and subject; the auditor's filters and keyset pagination; who may read
//! it; the database refusing UPDATE and DELETE; and `antre audit verify`
//! catching an edited entry, a deleted entry and a tampered checkpoint.
#![allow(clippy::unwrap_used)]

use crate::common;
use crate::common::browser::Browser;
use crate::common::fixtures::{staff, Staff};
use crate::common::{fixtures, Backend, Options, TestApp, TestDb};
use diesel::{Connection, RunQueryDsl};
use serde_json::{json, Value};

/// 08:40 WITA on Tuesday 2026-11-24.
const CLOCK: &str = "2026-11-24T08:40:00+08:00";
const BRANCH: &str = "DPS-DENPASAR";
/// 00:30 WITA on Tuesday 2026-11-24: 23:30 WIB on Monday the 23rd.
const HALF_PAST_MIDNIGHT_WITA: &str = "2026-11-24T00:30:00+08:00";

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
    let mut all = vec!["audit"];
    all.extend_from_slice(args);
    let out = common::antre_cli(db, &all, "");
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
    let kiosk = kiosk_of(&app, &supervisor.token).await;
    let (status, v) = fixtures::arrive_at(
        &app,
        &kiosk,
        BRANCH,
        &json!({"nik": fixtures::nik(12, 5, 1985, false)}),
    )
    .await;
    assert_eq!(status, 201, "arrival: {v}");
    let (status, v) = fixtures::set_status(&app, &cs.token, "on_duty").await;
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
    // Entries made while serving a request carry its client address and
    // request id (generated when the client sent none); `antre user add`
    // and the routing's own (system) entries carry neither.
    for e in rows
        .iter()
        .filter(|e| e["action"] != "staff_created" && e["actor_role"] != "system")
    {
        assert!(
            e["request_id"].as_str().is_some_and(|s| !s.is_empty()),
            "{e}"
        );
        assert!(
            e["client_ip"].as_str().is_some_and(|s| !s.is_empty()),
            "{e}"
        );
    }
    let with_id = |id: &'static str| {
        let req = d.app.client.get(d.app.url("/api/v1/branches"));
        req.header("X-Request-Id", id).send()
    };
    let res = with_id("kiosk-42.retry_1").await.expect("branches");
    assert_eq!(res.headers()["x-request-id"], "kiosk-42.retry_1");
    let res = with_id("<script>").await.expect("branches");
    let given = res.headers()["x-request-id"].to_str().expect("ascii");
    assert_eq!(
        given.len(),
        36,
        "a fresh UUID replaces an unusable id: {given}"
    );

    // Filters.
    let v = entries(&d.app, &d.auditor, "?action=ticket_issued").await;
    assert_eq!(list(&v).len(), 1, "{v}");
    let v = entries(&d.app, &d.auditor, &format!("?actor={}", d.cs.id)).await;
    assert!(!list(&v).is_empty());
    assert!(list(&v).iter().all(|e| e["actor_id"] == d.cs.id), "{v}");
    let v = entries(&d.app, &d.auditor, "?branch=JKT-CILANDAK").await;
    assert!(list(&v).is_empty(), "{v}");
    // Every entry, including the accounts made with `antre user add`, is
    // dated by the server's test clock (the operator's command runs on it
    // too): no entry depends on the real date.
    let on_the_day = rows
        .iter()
        .filter(|e| e["at"].as_str().unwrap().starts_with("2026-11-24"))
        .count();
    assert_eq!(on_the_day, rows.len(), "all on the test day: {all}");
    let v = entries(&d.app, &d.auditor, "?from=2026-11-24&to=2026-11-24").await;
    assert_eq!(list(&v).len(), on_the_day, "{v}");
    let v = entries(&d.app, &d.auditor, "?from=2026-11-25").await;
    assert!(list(&v).is_empty(), "{v}");
    let v = entries(&d.app, &d.auditor, "?to=2026-11-23").await;
    assert!(list(&v).is_empty(), "{v}");
    // The clock starts at 00:40 UTC: nothing is older.
    let v = entries(&d.app, &d.auditor, "?to=2026-11-24T00:39:00Z").await;
    assert!(list(&v).is_empty(), "{v}");
    let v = entries(&d.app, &d.auditor, "?to=2026-11-24T23:59:59Z").await;
    assert_eq!(list(&v).len(), rows.len(), "{v}");
    let (status, _) = d
        .app
        .get("/api/v1/audit/entries?from=kemarin", Some(&d.auditor))
        .await;
    assert_eq!(status, 422);

    // CSV export of the same filter.
    let res = d
        .app
        .get_raw("/api/v1/audit/entries.csv?action=agent_status", &d.auditor)
        .await;
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
        let (status, v) = fixtures::set_status(&d.app, &d.cs.token, s).await;
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
    let body = json!({"npp": "AUDIT01", "name": "PT Audit", "headcount": 10});
    let (status, v) = fixtures::new_company(&d.app, &admin, &body).await;
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
            let res = d.app.get_raw(path, token).await;
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

/// An instance stopped between an action's commit and its chaining
/// (PostgreSQL chains after commit) leaves the entry in the inbox: the next
/// chaining round — `antre audit verify` runs one first, a running instance
/// one every second — puts it at the end of the chain, intact. The inbox
/// refuses changes like the log.
async fn entries_left_unchained_join_the_chain(backend: Backend) {
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    floor_day(&db).await;
    let n = common::count(&db, "SELECT COUNT(*) AS n FROM audit_log");
    assert_eq!(
        common::count(&db, "SELECT COUNT(*) AS n FROM audit_inbox"),
        0
    );
    common::sql(
        &db,
        "INSERT INTO audit_inbox (at, actor_role, action, details, participant_id) \
         VALUES ('2026-11-23 01:00:00', 'participant', 'booking_cancelled', '{}', 7)",
    );
    let refused = try_sql(&db, "UPDATE audit_inbox SET details = '{\"x\":1}'");
    assert!(refused.is_err(), "{refused:?}");

    let (code, out) = antre_audit(&db, &["verify"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(&format!("audit log intact: {} entries", n + 1)),
        "{out}"
    );
    assert_eq!(
        common::count(&db, "SELECT COUNT(*) AS n FROM audit_inbox"),
        0
    );
    assert_eq!(
        common::count(
            &db,
            &format!(
                "SELECT COUNT(*) AS n FROM audit_log WHERE seq = {} \
                 AND action = 'booking_cancelled' AND participant_id = 7",
                n + 1
            )
        ),
        1
    );
}
both_backends!(entries_left_unchained_join_the_chain);

async fn a_claims_timeline_lists_its_entries(backend: Backend) {
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    let d = floor_day(&db).await;
    // A member with an open claim walks in and is served at once.
    let (member, claim) = fixtures::member_with_claim(&d.app).await;
    let kiosk = kiosk_of(&d.app, &d.supervisor.token).await;
    let (status, v) =
        fixtures::arrive_at(&d.app, &kiosk, BRANCH, &json!({"nik": member.nik})).await;
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
            let res = app.get_raw(path, &token).await;
            (res.status().as_u16(), res.text().await.expect("html"))
        }
    };
    let (status, html) = page("/audit?action=device_issued", d.auditor.clone()).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Log verifikasi"), "{html}");
    // The filter offers the actions by their labels, the one asked for
    // chosen; the table below holds only its entries.
    assert!(
        html.contains(r#"<option value="device_issued" selected>"#),
        "{html}"
    );
    let table = html.split("<table").nth(1).expect("a table of entries");
    assert!(table.contains("device_issued"), "{html}");
    assert!(!table.contains("ticket_issued"), "filtered: {html}");
    assert!(html.contains("entries.csv?action=device_issued"), "{html}");
    // Times read to the second, the stored instant kept in the markup;
    // an entry at a branch also in the branch's own time (Denpasar: WITA,
    // UTC+8), written alike.
    assert!(
        table.contains(r#"<time class="nowrap" datetime="2026-"#),
        "{html}"
    );
    let utc = table
        .split(r#"datetime=""#)
        .nth(1)
        .and_then(|t| t.get(..19))
        .expect("an instant");
    let utc = chrono::NaiveDateTime::parse_from_str(utc, "%Y-%m-%dT%H:%M:%S").expect(utc);
    let local = (utc + chrono::Duration::hours(8)).format("%Y-%m-%d %H:%M:%S WITA");
    assert!(
        table.contains(&format!(
            r#"<span class="small muted nowrap">{local}</span>"#
        )),
        "no {local} for {utc} UTC: {table}"
    );
    // An action the list does not know (typed into the address) stays
    // what the filter says: chosen, and nothing found.
    let (status, html) = page("/audit?action=no_such_action", d.auditor.clone()).await;
    assert_eq!(status, 200);
    assert!(
        html.contains(r#"<option value="no_such_action" selected>"#),
        "{html}"
    );
    assert!(html.contains("Tidak ada entri."), "{html}");
    // The branch filter lists the branches by name; the one asked for is
    // chosen, and a code no branch has stays chosen too.
    let (status, html) = page("/audit?branch=DPS-DENPASAR", d.auditor.clone()).await;
    assert_eq!(status, 200);
    assert!(
        html.contains(r#"<option value="DPS-DENPASAR" selected>Kantor Cabang Denpasar (DPS-DENPASAR)</option>"#),
        "{html}"
    );
    let (status, html) = page("/audit/anomalies?branch=NO-SUCH", d.auditor.clone()).await;
    assert_eq!(status, 200);
    assert!(
        html.contains(r#"<option value="NO-SUCH" selected>NO-SUCH</option>"#),
        "{html}"
    );
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

/// Scale (issue #7): a million entries on SQLite, `antre audit verify`
/// under 1 s and a filtered page (one branch, one day) under 100 ms in a
/// release build. Prints the figures; asserts the goals only in release.
/// Run: `cargo test --release --test it audit::scale -- --ignored --nocapture`.
#[ignore = "writes a million log entries (about a minute); run by hand or from the benchmarks"]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn scale_a_million_entries_verify_and_filtered_page() {
    use std::time::{Duration, Instant};
    let wanted: u64 = std::env::var("ANTRE_AUDIT_SCALE_ENTRIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let db = TestDb::create(Backend::Sqlite).unwrap();
    let app = TestApp::start(&db, &Options::clock(CLOCK));
    let auditor = staff(&app, &db, "auditor", &[]).await.token;
    let start = chrono::DateTime::parse_from_rfc3339("2026-06-01T00:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let url = antre::config::DatabaseUrl::parse(&db.url).unwrap();
    let t = Instant::now();
    let written = tokio::task::block_in_place(|| {
        let pool = antre::db::Db::connect_once(&url).unwrap();
        crate::common::audit_synth::generate(&pool, wanted, start).unwrap()
    });
    println!("generated {written} entries in {:.1?}", t.elapsed());
    assert_eq!(written, wanted);
    let total = common::count(&db, "SELECT COUNT(*) AS n FROM audit_log");
    if let Ok(keep) = std::env::var("ANTRE_AUDIT_SCALE_KEEP") {
        // A copy to time `antre audit verify` against by hand.
        let file = db.url.trim_start_matches("sqlite://");
        std::fs::copy(file, &keep).unwrap();
        let _ = std::fs::copy(format!("{file}-wal"), format!("{keep}-wal"));
    }

    let t = Instant::now();
    let (code, out) = antre_audit(&db, &["verify"]);
    let verify = t.elapsed();
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(&format!("intact: {total} entries")), "{out}");
    println!("antre audit verify: {verify:.2?} ({})", out.trim());

    let mut worst = Duration::ZERO;
    let mut seen = 0;
    for i in 0..20i64 {
        let day = (start + chrono::Duration::days(i * 7 % 50)).format("%Y-%m-%d");
        let branch = antre::domain::branch_seed::BRANCHES[(i as usize * 5) % 30].code;
        let t = Instant::now();
        let v = entries(
            &app,
            &auditor,
            &format!("?branch={branch}&from={day}&to={day}"),
        )
        .await;
        worst = worst.max(t.elapsed());
        seen += list(&v).len();
    }
    println!("filtered page (branch, day): worst of 20 {worst:.2?}; {seen} entries seen");
    assert!(seen > 0, "the filtered pages found the generated entries");
    if !cfg!(debug_assertions) && wanted >= 1_000_000 {
        assert!(verify < Duration::from_secs(3), "verify took {verify:.2?}");
        assert!(
            worst < Duration::from_millis(100),
            "a filtered page took {worst:.2?}"
        );
    }
}

// ---------------------------------------------------------------------------
// Coverage, the NIK filter, per-agent figures and anomalies.

/// A participant with a resignation claim and every document uploaded.
struct Ready {
    member: fixtures::Member,
    claim: i64,
    docs: Vec<i64>,
}

async fn ready_claim(app: &TestApp) -> Ready {
    let member = fixtures::register(app).await;
    let claim = fixtures::claim(app, &member.token).await;
    let docs = fixtures::upload_dossier(app, &member.token, claim).await;
    Ready {
        member,
        claim,
        docs,
    }
}

/// Books the first free session of BRANCH on 2026-11-25 (so that the
/// branch's staff may review the claim).
async fn book(app: &TestApp, r: &Ready) {
    let slots = fixtures::slots(app, BRANCH, "2026-11-25").await;
    let slot = slots
        .iter()
        .find(|s| s["available"].as_i64().unwrap_or(0) > 0)
        .expect("a free session");
    let (status, v) = app
        .post(
            "/api/v1/bookings",
            Some(&r.member.token),
            &json!({"slot_id": slot["id"], "claim_id": r.claim}),
        )
        .await;
    assert_eq!(status, 201, "book: {v}");
}

async fn accept_all(app: &TestApp, token: &str, r: &Ready) {
    for doc in &r.docs {
        let (status, v) = fixtures::review(app, token, *doc, json!({"decision": "accept"})).await;
        assert_eq!(status, 200, "accept {doc}: {v}");
    }
}

async fn verify_claim(app: &TestApp, token: &str, claim: i64) {
    let (status, v) = app
        .act(&format!("/api/v1/claims/{claim}/verify"), token)
        .await;
    assert_eq!(status, 200, "verify {claim}: {v}");
}

async fn view_document(app: &TestApp, token: &str, claim: i64, doc: i64) -> u16 {
    app.client
        .get(app.url(&format!("/api/v1/claims/{claim}/documents/{doc}?inline=1")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn kiosk_of(app: &TestApp, supervisor: &str) -> String {
    fixtures::device(app, supervisor, BRANCH, "kiosk").await
}

async fn arrive(app: &TestApp, token: &str, body: Value) -> Value {
    let (status, v) = fixtures::arrive_at(app, token, BRANCH, &body).await;
    assert!(status == 201 || status == 200, "arrival: {status} {v}");
    v
}

/// GET /api/v1/audit/agents?`query` as `token`: the raw answer.
async fn agents(app: &TestApp, token: &str, query: &str) -> (u16, Value) {
    app.get(&format!("/api/v1/audit/agents?{query}"), Some(token))
        .await
}

/// An anomaly's explanation in `lang` (id, en) mentions `text`.
fn explains(f: &Value, lang: &str, text: &str) {
    let said = f[format!("explanation_{lang}")]
        .as_str()
        .unwrap_or_default();
    assert!(said.contains(text), "{f}");
}

/// An anomaly about `claim` (its first) by `actor`.
fn assert_flagged(f: &Value, claim: i64, actor: i64) {
    let got = (f["claims"][0].as_i64(), f["actor_id"].as_i64());
    assert_eq!(got, (Some(claim), Some(actor)), "{f}");
}

async fn anomalies(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let (status, v) = app
        .get(&format!("/api/v1/audit/anomalies{query}"), Some(token))
        .await;
    assert_eq!(status, 200, "anomalies{query}: {v}");
    v["anomalies"].as_array().unwrap().clone()
}

async fn sign_ins_views_and_account_changes_are_logged(db: TestDb, app: TestApp) {
    let auditor = staff(&app, &db, "auditor", &[]).await;
    let supervisor = staff(&app, &db, "supervisor", &["--branch", BRANCH]).await;
    let cs = staff(&app, &db, "cs", &["--branch", BRANCH]).await;
    let r = ready_claim(&app).await;
    book(&app, &r).await;

    // Sign-ins, good and bad, API and page.
    let (status, _) = fixtures::login_raw(&app, &r.member.email, "Wrong-Password-1").await;
    assert_eq!(status, 401);
    let v = entries(&app, &auditor.token, "?action=sign_in_failed").await;
    let failed = &list(&v)[0];
    let typed = r.member.email.as_str();
    assert_eq!(failed["actor_role"], "anonymous", "{failed}");
    assert!(
        failed["client_ip"]
            .as_str()
            .is_some_and(|ip| !ip.is_empty()),
        "{failed}"
    );
    let masked = failed["details"]["identifier"].as_str().unwrap();
    assert!(masked.contains("***") && masked != typed, "{failed}");
    assert!(
        !failed.to_string().contains(typed),
        "the identifier is masked: {failed}"
    );
    assert!(!failed.to_string().contains("Wrong-Password-1"), "{failed}");
    assert_eq!(failed["details"]["reason"], "invalid_credentials");
    let v = entries(
        &app,
        &auditor.token,
        &format!("?action=signed_in&actor={}", cs.id),
    )
    .await;
    let signed = &list(&v)[0];
    assert_eq!(signed["actor_role"], "cs", "{signed}");
    assert_eq!(signed["branch_code"], BRANCH, "{signed}");
    assert_eq!(signed["details"]["channel"], "api");
    assert!(signed["client_ip"].as_str().is_some(), "{signed}");
    // The staff page's sign-in form is logged too.
    let (p, _) = Browser::new(&app)
        .sign_in("/staff/login", "nobody@bpjs.example.id", "x", None)
        .await;
    assert_ne!(p.status, 500);
    let v = entries(&app, &auditor.token, "?action=sign_in_failed").await;
    let page = list(&v)
        .iter()
        .find(|e| e["details"]["channel"] == "page")
        .expect("page entry");
    assert_eq!(page["details"]["identifier"], "n***@b***", "{page}");
    assert_eq!(page["details"]["audience"], "staff", "{page}");

    // Attempts refused by the throttle are not logged one by one.
    let mut statuses = Vec::new();
    for _ in 0..7 {
        let (status, _) =
            fixtures::login_raw(&app, "quokka@wrong.example", "Wrong-Password-1").await;
        statuses.push(status);
    }
    assert_eq!(statuses, [401, 401, 401, 401, 401, 429, 429]);
    let v = entries(&app, &auditor.token, "?action=sign_in_failed").await;
    let quokka: Vec<&Value> = list(&v)
        .iter()
        .filter(|e| e["details"]["identifier"] == "q***@w***")
        .collect();
    assert_eq!(quokka.len(), 5, "{v}");
    assert!(quokka
        .iter()
        .all(|e| e["details"]["reason"] == "invalid_credentials"));

    // A staff member reading a document: logged before the bytes are
    // served; the owner's own reads are not staff views.
    assert_eq!(
        view_document(&app, &cs.token, r.claim, r.docs[1]).await,
        200
    );
    assert_eq!(
        view_document(&app, &r.member.token, r.claim, r.docs[1]).await,
        200
    );
    let v = entries(&app, &auditor.token, "?action=document_viewed").await;
    assert_eq!(list(&v).len(), 1, "{v}");
    let viewed = &list(&v)[0];
    assert_eq!(viewed["actor_id"], cs.id, "{viewed}");
    assert_eq!(viewed["claim_id"], r.claim, "{viewed}");
    assert_eq!(viewed["participant_id"], r.member.id, "{viewed}");
    assert_eq!(viewed["details"]["document"], r.docs[1], "{viewed}");
    assert_eq!(viewed["details"]["inline"], true, "{viewed}");
    // If the entry cannot be written, the file is not served.
    let (block, unblock) = match db.backend {
        Backend::Sqlite => (
            "CREATE TRIGGER audit_log_no_insert BEFORE INSERT ON audit_log \
             BEGIN SELECT RAISE(ABORT, 'closed'); END",
            "DROP TRIGGER audit_log_no_insert",
        ),
        // On PostgreSQL the action writes its entry to the inbox, chained
        // after commit (db::audit::inbox).
        Backend::Postgres => (
            "CREATE TRIGGER audit_inbox_no_insert BEFORE INSERT ON audit_inbox \
             FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
            "DROP TRIGGER audit_inbox_no_insert ON audit_inbox",
        ),
    };
    common::sql(&db, block);
    let res = app
        .get_raw(
            &format!("/api/v1/claims/{}/documents/{}", r.claim, r.docs[1]),
            &cs.token,
        )
        .await;
    assert_eq!(res.status().as_u16(), 500);
    let body = res.bytes().await.unwrap();
    assert!(!body.starts_with(b"\x89PNG"), "no bytes without the entry");
    common::sql(&db, unblock);

    // Session capacity changed by the supervisor.
    let slots = fixtures::slots(&app, BRANCH, "2026-11-26").await;
    let slot = slots[0]["id"].as_i64().unwrap();
    let (status, v) = app
        .put(
            &format!("/api/v1/admin/slots/{slot}/capacity"),
            Some(&supervisor.token),
            &json!({"capacity": 40}),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    let v = entries(&app, &auditor.token, "?action=slot_capacity_changed").await;
    let changed = &list(&v)[0];
    assert_eq!(changed["actor_id"], supervisor.id, "{changed}");
    assert_eq!(changed["details"]["slot"], slot, "{changed}");
    assert_eq!(changed["details"]["to"], 40, "{changed}");
    // Staff accounts made at the command line.
    let v = entries(&app, &auditor.token, "?action=staff_created").await;
    let created: Vec<&Value> = list(&v)
        .iter()
        .filter(|e| e["details"]["staff"] == cs.id)
        .collect();
    assert_eq!(created.len(), 1, "{v}");
    assert_eq!(created[0]["details"]["role"], "cs");
    assert_eq!(created[0]["branch_code"], BRANCH);

    // The NIK filter: resolved to the participant, masked on the page.
    let v = entries(&app, &auditor.token, &format!("?nik={}", r.member.nik)).await;
    assert!(!list(&v).is_empty(), "{v}");
    assert!(
        list(&v).iter().all(|e| e["participant_id"] == r.member.id),
        "{v}"
    );
    let other = fixtures::nik(1, 1, 1970, true);
    let v = entries(&app, &auditor.token, &format!("?nik={other}")).await;
    assert!(list(&v).is_empty(), "{v}");
    let (status, _) = app
        .get("/api/v1/audit/entries?nik=12345", Some(&auditor.token))
        .await;
    assert_eq!(status, 422);
    let res = app
        .get_raw(&format!("/audit?nik={}", r.member.nik), &auditor.token)
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let html = res.text().await.unwrap();
    let masked = format!("{}******{}", &r.member.nik[..6], &r.member.nik[12..]);
    assert!(html.contains(&masked), "the page names the masked NIK");
    assert!(
        !html.contains(&r.member.nik),
        "the full NIK is not on the page"
    );
    assert!(
        html.contains(&format!("participant={}", r.member.id)),
        "links carry the id"
    );
    let (code, out) = antre_audit(&db, &["verify"]);
    assert_eq!(code, 0, "{out}");
}
both_backends!(sign_ins_views_and_account_changes_are_logged, clock = CLOCK);

/// A normal floor visit: the agent takes ten minutes, views and accepts
/// the documents and verifies during service hours. No anomaly; the
/// agent's figures show the session.
async fn a_normal_day_has_no_anomalies(db: TestDb, app: TestApp) {
    let auditor = staff(&app, &db, "auditor", &[]).await;
    let supervisor = staff(&app, &db, "supervisor", &["--branch", BRANCH]).await;
    let cs = staff(&app, &db, "cs", &["--branch", BRANCH]).await;
    let kiosk = kiosk_of(&app, &supervisor.token).await;
    let r = ready_claim(&app).await;
    let (status, _) = fixtures::set_status(&app, &cs.token, "on_duty").await;
    assert_eq!(status, 200);
    arrive(&app, &kiosk, json!({"nik": r.member.nik})).await;
    app.kill();
    // Ten minutes later (same database and keys: tokens stay valid).
    let app = TestApp::start(&db, &Options::clock("2026-11-24T08:50:00+08:00"));
    let (status, v) = app.get("/api/v1/console/sessions", Some(&cs.token)).await;
    assert_eq!(status, 200, "{v}");
    let session = v
        .as_array()
        .and_then(|a| a.first())
        .cloned()
        .unwrap_or_else(|| v["sessions"][0].clone());
    assert_eq!(session["claim_id"], r.claim, "{v}");
    assert_eq!(
        view_document(&app, &cs.token, r.claim, r.docs[0]).await,
        200
    );
    accept_all(&app, &cs.token, &r).await;
    let (status, v) = fixtures::finish(&app, &cs.token, &session["id"], "verified").await;
    assert_eq!(status, 200, "finish: {v}");
    let flags = anomalies(&app, &auditor.token, "?from=2026-11-24&to=2026-11-24").await;
    assert!(flags.is_empty(), "a normal day: {flags:?}");
    let (status, v) = agents(&app, &auditor.token, "branch=DPS-DENPASAR&from=2026-11-24").await;
    assert_eq!(status, 200, "{v}");
    let rows = v["agents"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{v}");
    let a = &rows[0];
    assert_eq!(a["agent_id"], cs.id, "{a}");
    assert_eq!(a["day"], "2026-11-24", "{a}");
    assert_eq!(
        (a["sessions"].as_i64(), a["verified"].as_i64()),
        (Some(1), Some(1)),
        "{a}"
    );
    assert_eq!(a["verification_rate"], 1.0, "{a}");
    assert_eq!(a["rejection_rate"], 0.0, "{a}");
    let minutes = a["avg_handling_minutes"].as_f64().unwrap();
    assert!((9.5..15.0).contains(&minutes), "{a}");
    assert!(
        a["avg_concurrency"]
            .as_f64()
            .is_some_and(|c| c > 0.0 && c <= 1.0),
        "{a}"
    );
    // Another branch or day: nothing.
    let (_, v) = agents(&app, &auditor.token, "branch=JKT-CILANDAK&from=2026-11-24").await;
    assert!(v["agents"].as_array().unwrap().is_empty(), "{v}");
    let (status, _) = agents(&app, &auditor.token, "from=2026-11-01&to=2026-12-31").await;
    assert_eq!(status, 422, "a range over 31 days");
    for path in [
        "/audit/agents?from=2026-11-24",
        "/audit/anomalies?from=2026-11-24",
    ] {
        let res = app.get_raw(path, &auditor.token).await;
        assert_eq!(res.status().as_u16(), 200, "{path}");
        // The days are picked from a calendar, the one asked for shown in
        // both (the range's end defaults to its start).
        let html = res.text().await.unwrap();
        for name in ["from", "to"] {
            let input =
                format!(r#"<input id="{name}" name="{name}" type="date" value="2026-11-24">"#);
            assert!(html.contains(&input), "{path}: {html}");
        }
    }
    // The page writes the figures as the auditor's language does.
    let html = app
        .get_raw("/audit/agents?from=2026-11-24", &auditor.token)
        .await
        .text()
        .await
        .unwrap();
    let shown = format!("{:.1}", (minutes * 10.0).round() / 10.0).replace('.', ",");
    assert!(
        html.contains(&format!(r#"<td class="num">{shown}</td>"#)),
        "{shown}: {html}"
    );
}
both_backends!(a_normal_day_has_no_anomalies, clock = CLOCK);

/// Each anomaly made on purpose, flagged with its claim, agent and words.
async fn each_anomaly_is_flagged_and_explained(db: TestDb, app: TestApp) {
    let auditor = staff(&app, &db, "auditor", &[]).await;
    let supervisor = staff(&app, &db, "supervisor", &["--branch", BRANCH]).await;
    let cs1 = staff(&app, &db, "cs", &["--branch", BRANCH]).await;
    let cs2 = staff(&app, &db, "cs", &["--branch", BRANCH]).await;
    let cs3 = staff(&app, &db, "cs", &["--branch", BRANCH]).await;
    let kiosk = kiosk_of(&app, &supervisor.token).await;

    // (e) The supervisor, as greeter, marks a waiting participant's ticket
    // as priority (a fact about the participant), then verifies the claim.
    let edited = ready_claim(&app).await;
    arrive(&app, &kiosk, json!({"nik": edited.member.nik})).await;
    arrive(
        &app,
        &supervisor.token,
        json!({"nik": edited.member.nik, "priority": "elderly"}),
    )
    .await;
    accept_all(&app, &supervisor.token, &edited).await;
    verify_claim(&app, &supervisor.token, edited.claim).await;

    // (a) and (d): cs1 is seated with a participant and verifies within
    // seconds; cs2, not assigned, opens one of that claim's documents.
    let quick = ready_claim(&app).await;
    let (status, _) = fixtures::set_status(&app, &cs1.token, "on_duty").await;
    assert_eq!(status, 200);
    arrive(&app, &kiosk, json!({"nik": quick.member.nik})).await;
    let (_, v) = app.get("/api/v1/console/sessions", Some(&cs1.token)).await;
    let all: Vec<Value> = v
        .as_array()
        .cloned()
        .unwrap_or_else(|| v["sessions"].as_array().cloned().unwrap_or_default());
    let session = all
        .iter()
        .find(|s| s["claim_id"] == quick.claim)
        .expect("quick's session")
        .clone();
    accept_all(&app, &cs1.token, &quick).await;
    let (status, v) = fixtures::finish(&app, &cs1.token, &session["id"], "verified").await;
    assert_eq!(status, 200, "finish: {v}");
    assert_eq!(
        view_document(&app, &cs2.token, quick.claim, quick.docs[2]).await,
        200
    );
    // The assigned agent's own view and an auditor's are not flagged.
    assert_eq!(
        view_document(&app, &cs1.token, quick.claim, quick.docs[2]).await,
        200
    );
    assert_eq!(
        view_document(&app, &auditor.token, quick.claim, quick.docs[2]).await,
        200
    );

    // (c) cs3 verifies five claims in one hour; the others one each.
    let mut fast = Vec::new();
    for _ in 0..5 {
        let r = ready_claim(&app).await;
        book(&app, &r).await;
        accept_all(&app, &cs3.token, &r).await;
        verify_claim(&app, &cs3.token, r.claim).await;
        fast.push(r.claim);
    }

    // (b) A verification at 16:30 WITA, after service hours.
    let late = ready_claim(&app).await;
    book(&app, &late).await;
    app.kill();
    let app = TestApp::start(&db, &Options::clock("2026-11-24T16:30:00+08:00"));
    let cs4 = staff(&app, &db, "cs", &["--branch", BRANCH]).await;
    let auditor = staff(&app, &db, "auditor", &[]).await.token;
    accept_all(&app, &cs4.token, &late).await;
    verify_claim(&app, &cs4.token, late.claim).await;
    // A decision through the API belongs to the deciding staff's branch:
    // the auditor's branch filter finds it.
    let v = entries(
        &app,
        &auditor,
        &format!(
            "?branch={BRANCH}&action=claim_verified&claim={}",
            late.claim
        ),
    )
    .await;
    assert_eq!(list(&v).len(), 1, "{v}");

    let flags = anomalies(&app, &auditor, "?from=2026-11-24").await;
    let of = |kind: &str| -> Vec<Value> {
        flags
            .iter()
            .filter(|f| f["kind"] == kind)
            .cloned()
            .collect()
    };
    let one = |kind: &str| -> Value {
        let f = of(kind);
        assert_eq!(f.len(), 1, "{kind}: {flags:?}");
        let f = f[0].clone();
        for lang in ["explanation_id", "explanation_en"] {
            let text = f[lang].as_str().unwrap();
            assert!(
                text.len() > 30 && !text.contains('{'),
                "{kind} {lang}: {text}"
            );
        }
        for (claim, link) in f["claims"]
            .as_array()
            .unwrap()
            .iter()
            .zip(f["timelines"].as_array().unwrap())
        {
            assert_eq!(link.as_str().unwrap(), format!("/audit/claims/{claim}"));
        }
        assert_eq!(f["branch"], BRANCH, "{f}");
        f
    };
    let f = one("self_edited");
    assert_flagged(&f, edited.claim, supervisor.id);
    explains(&f, "en", "priority_set");
    let f = one("quick_verification");
    assert_flagged(&f, quick.claim, cs1.id);
    let f = one("unassigned_view");
    assert_flagged(&f, quick.claim, cs2.id);
    let f = one("high_rate");
    assert_eq!(f["actor_id"].as_i64(), Some(cs3.id), "{f}");
    let mut claims: Vec<i64> = f["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_i64().unwrap())
        .collect();
    claims.sort();
    assert_eq!(claims, fast, "{f}");
    explains(&f, "en", "verified 5 claims");
    let f = one("outside_hours");
    assert_flagged(&f, late.claim, cs4.id);
    assert!(
        f["explanation_id"].as_str().unwrap().contains("16:30"),
        "{f}"
    );
    assert_eq!(flags.len(), 5, "nothing else flagged: {flags:?}");

    // Filters: one kind, another branch, another day.
    let only = anomalies(&app, &auditor, "?from=2026-11-24&kind=high_rate").await;
    assert_eq!(only.len(), 1);
    assert!(
        anomalies(&app, &auditor, "?from=2026-11-24&branch=JKT-CILANDAK")
            .await
            .is_empty()
    );
    assert!(anomalies(&app, &auditor, "?from=2026-11-25")
        .await
        .is_empty());
    let (status, _) = app
        .get("/api/v1/audit/anomalies?kind=nonsense", Some(&auditor))
        .await;
    assert_eq!(status, 422);
    // The page explains each flag and links its claim's timeline.
    let res = app
        .get_raw("/audit/anomalies?from=2026-11-24", &auditor)
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let html = res.text().await.unwrap();
    assert!(
        html.contains(&format!("/audit/claims/{}", late.claim)),
        "timeline link"
    );
    assert!(html.contains("di luar jam layanan"), "explained in words");
}
both_backends!(each_anomaly_is_flagged_and_explained, clock = CLOCK);

/// A day in the log's filter is each entry's own branch-local day (the
/// subject's branch, else the actor's; WIB, head office's, at no branch),
/// as the log shows it beside the UTC instant. At 00:30 WITA on the 24th
/// (23:30 WIB on the 23rd, 16:30 UTC) an agent's sign-in at Denpasar is
/// on the 24th, the accounts made by the command line (no branch) on the
/// 23rd.
async fn a_day_is_each_entrys_branch_day(db: TestDb, app: TestApp) {
    let auditor = staff(&app, &db, "auditor", &[]).await;
    staff(&app, &db, "cs", &["--branch", BRANCH]).await;
    let (_, branches) = app.get("/api/v1/branches", None).await;
    let zone = |code: &str| -> Option<chrono_tz::Tz> {
        let b = branches.as_array()?.iter().find(|b| b["code"] == code)?;
        b["timezone"].as_str()?.parse().ok()
    };
    let all = list(&entries(&app, &auditor.token, "").await).clone();
    let local_day = |e: &Value| {
        let place = e["branch_code"].as_str().or(e["actor_branch"].as_str());
        let tz = place.and_then(zone).unwrap_or(chrono_tz::Asia::Jakarta);
        let at = e["at"].as_str().unwrap();
        let at = chrono::DateTime::parse_from_rfc3339(at)
            .map(|t| t.naive_utc())
            .or_else(|_| at.parse())
            .unwrap_or_else(|e| panic!("{at}: {e}"));
        use chrono::TimeZone;
        tz.from_utc_datetime(&at).date_naive().to_string()
    };
    let seqs = |v: &[Value]| {
        v.iter()
            .map(|e| e["seq"].as_i64().unwrap())
            .collect::<Vec<_>>()
    };
    for day in ["2026-11-23", "2026-11-24"] {
        let expected: Vec<Value> = all
            .iter()
            .filter(|e| local_day(e) == day)
            .cloned()
            .collect();
        assert!(
            !expected.is_empty(),
            "entries on {day} in their branch's day: {all:?}"
        );
        let got = entries(&app, &auditor.token, &format!("?from={day}&to={day}")).await;
        assert_eq!(seqs(list(&got)), seqs(&expected), "{day}: {got}");
    }
    // Denpasar's day only, from the branch's filter.
    let got = entries(
        &app,
        &auditor.token,
        &format!("?branch={BRANCH}&to=2026-11-23"),
    )
    .await;
    assert!(
        list(&got).is_empty(),
        "nothing at Denpasar on the 23rd: {got}"
    );
    // An instant is one instant for every branch.
    let got = entries(&app, &auditor.token, "?to=2026-11-23T16:30:00Z").await;
    assert!(list(&got).is_empty(), "nothing before 16:30 UTC: {got}");
    // The console's filter picks days, and keeps an instant a link gave.
    let html = app
        .get_raw(
            "/audit?from=2026-11-24&to=2026-11-24T16:30:00Z",
            &auditor.token,
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(r#"id="from" name="from" type="date" value="2026-11-24""#)
            && html.contains(r#"id="to" name="to" type="text" value="2026-11-24T16:30:00Z""#),
        "the log's day fields: {html}"
    );
}
both_backends!(
    a_day_is_each_entrys_branch_day,
    clock = HALF_PAST_MIDNIGHT_WITA
);

/// The benchmark generator appends after real entries, keeps the chain
/// intact across statement and transaction batches, and spreads entries
/// over branches and working hours.
async fn synthetic_entries_continue_the_chain(db: TestDb, app: TestApp) {
    let auditor = staff(&app, &db, "auditor", &[]).await;
    let before = common::count(&db, "SELECT COUNT(*) AS n FROM audit_log");
    let start = chrono::DateTime::parse_from_rfc3339("2026-06-01T00:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let url = antre::config::DatabaseUrl::parse(&db.url).unwrap();
    let written = tokio::task::block_in_place(|| {
        let pool = antre::db::Db::connect_once(&url).unwrap();
        crate::common::audit_synth::generate(&pool, 2_500, start).unwrap()
    });
    assert_eq!(written, 2_500);
    let total = common::count(&db, "SELECT COUNT(*) AS n FROM audit_log");
    assert_eq!(total, before + 2_500);
    let (code, out) = antre_audit(&db, &["verify"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(&format!("intact: {total} entries")), "{out}");
    let branches = common::count(
        &db,
        "SELECT COUNT(DISTINCT branch_code) AS n FROM audit_log WHERE seq > 1",
    );
    assert!(branches > 10, "{branches} branches");
    let v = entries(
        &app,
        &auditor.token,
        "?action=claim_verified&from=2026-06-01&to=2026-06-01",
    )
    .await;
    let e = &list(&v)[0];
    let hour: u32 = e["at"].as_str().unwrap()[11..13].parse().unwrap();
    assert!((1..8).contains(&hour), "within 08:00–15:00 WIB: {e}");
    assert!(
        e["claim_id"].as_i64().is_some() && e["actor_id"].as_i64().is_some(),
        "{e}"
    );
}
both_backends!(synthetic_entries_continue_the_chain, clock = CLOCK);

/// `antre audit verify` reads the chain in two halves at once on SQLite
/// and in storage order on PostgreSQL (`db::audit::scan`): a row moved in
/// storage still verifies; edits in the later half, at the halves' first
/// and last entries, and a deletion at the second half's start are each
/// still reported at the lowest broken entry.
async fn verify_names_the_first_bad_entry_anywhere(backend: Backend) {
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    let start = chrono::DateTime::parse_from_rfc3339("2026-06-01T00:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let url = antre::config::DatabaseUrl::parse(&db.url).unwrap();
    tokio::task::block_in_place(|| {
        let pool = antre::db::Db::connect_once(&url).unwrap();
        pool.migrate().unwrap();
        crate::common::audit_synth::generate(&pool, 4_000, start).unwrap()
    });
    let total = common::count(&db, "SELECT COUNT(*) AS n FROM audit_log");
    // On PostgreSQL both readers: key ranges in parallel over plaintext
    // loopback connections (the default here), and the one stream through
    // the pool's libpq connection an address asking for TLS gets.
    let mut ways: Vec<Vec<(String, String)>> = vec![vec![]];
    if backend == Backend::Postgres {
        let ssl = "SELECT CASE WHEN current_setting('ssl') = 'on' THEN 1 ELSE 0 END::bigint AS n";
        if common::count(&db, ssl) == 1 {
            let sep = if db.url.contains('?') { '&' } else { '?' };
            let url = format!("{}{sep}sslmode=require", db.url);
            ways.push(vec![("ANTRE_DATABASE_URL".to_string(), url)]);
        } else {
            println!("notice: PostgreSQL has no TLS here; the one-stream reader is not run");
        }
    }
    let verify = |env: &[(String, String)]| {
        let out = common::antre_cli_with(&db, &["audit", "verify"], "", env);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.code().unwrap_or(-1), text)
    };
    let intact = || {
        for env in &ways {
            let (code, out) = verify(env);
            assert_eq!(code, 0, "{env:?}: {out}");
            assert!(
                out.contains(&format!("intact: {total} entries")),
                "{env:?}: {out}"
            );
        }
    };
    intact();
    disable_triggers(&db);
    // Rewritten unchanged, early rows land at the end of PostgreSQL's
    // heap (COPY then sends them last): still intact, same count.
    common::sql(
        &db,
        "UPDATE audit_log SET details = details WHERE seq IN (1, 2, 17, 2500)",
    );
    if backend == Backend::Postgres {
        // What COPY sends first is no longer entry 1.
        let first = common::count(&db, "SELECT seq AS n FROM audit_log LIMIT 1");
        assert_ne!(first, 1, "the rewrite did not move the row");
    }
    intact();
    // The second half starts here (seqs from 1; two key ranges on 2 cores).
    let mid = 1 + (total - 1) / 2;
    let edit = |seq: i64| {
        common::sql(
            &db,
            &format!("UPDATE audit_log SET details = '{{\"edited\":1}}' WHERE seq = {seq}"),
        )
    };
    let expect = |seq: i64| {
        for env in &ways {
            let (code, out) = verify(env);
            assert_eq!(code, 1, "{env:?}: {out}");
            assert!(
                out.contains(&format!("audit log broken at entry {seq}:")),
                "{env:?}: expected {seq}: {out}"
            );
        }
    };
    // From the end towards the start: each new break is the lowest.
    edit(total - 7);
    expect(total - 7);
    common::sql(&db, &format!("DELETE FROM audit_log WHERE seq = {mid}"));
    expect(mid);
    edit(mid - 1);
    expect(mid - 1);
    edit(3);
    expect(3);
    common::sql(&db, "DELETE FROM audit_log WHERE seq = 1");
    expect(1);
}
both_backends!(verify_names_the_first_bad_entry_anywhere);

/// An entry written inside a blocking database closure (the headcount
/// change) carries the request's own id and address: the actor is built
/// from the request and passed down, not read from a task-local.
async fn an_entry_written_in_a_blocking_closure_keeps_the_request(db: TestDb, app: TestApp) {
    let admin = staff(&app, &db, "admin", &[]).await;
    let auditor = staff(&app, &db, "auditor", &[]).await.token;
    let body = json!({"npp": "REQID01", "name": "PT Request", "headcount": 10});
    let (status, v) = fixtures::new_company(&app, &admin.token, &body).await;
    assert_eq!(status, 201, "company: {v}");
    let res = app
        .client
        .put(app.url("/api/v1/admin/companies/REQID01/headcount"))
        .bearer_auth(&admin.token)
        .header("X-Request-Id", "headcount-req.7")
        .json(&json!({"headcount": 25, "reference_date": "2026-11-01"}))
        .send()
        .await
        .expect("headcount");
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["x-request-id"], "headcount-req.7");
    let v = entries(&app, &auditor, "?action=headcount_set").await;
    let [e] = list(&v).as_slice() else {
        panic!("one headcount entry: {v}");
    };
    assert_eq!(e["request_id"], "headcount-req.7", "{e}");
    assert_eq!(e["client_ip"], "127.0.0.1", "{e}");
    assert_eq!(e["actor_id"], admin.id, "{e}");
    assert_eq!(e["actor_role"], "admin", "{e}");
}
both_backends!(
    an_entry_written_in_a_blocking_closure_keeps_the_request,
    clock = CLOCK
);

/// The chaining job (every second, PostgreSQL) also vacuums the inbox, so
/// the rows of chained entries, deleted from it, do not pile up until
/// autovacuum's next visit: each chaining round reads past them. (Its
/// dead-row count is not asserted: a backend reports it up to seconds
/// late.) The vacuum leaves the emptied inbox its pages (migration 27):
/// cutting them off takes a lock every booking's inbox entry waits behind.
async fn the_chaining_job_vacuums_the_inbox(db: TestDb, _app: TestApp) {
    let inbox = |what: &str| {
        common::count(
            &db,
            &format!("SELECT {what} AS n FROM pg_stat_user_tables WHERE relname = 'audit_inbox'"),
        )
    };
    let before = inbox("vacuum_count");
    common::sql(
        &db,
        "INSERT INTO audit_inbox (at, actor_role, action, details, participant_id) \
         VALUES ('2026-11-24 00:40:00', 'participant', 'booking_cancelled', '{}', 7)",
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let chained = common::count(&db, "SELECT COUNT(*) AS n FROM audit_inbox") == 0;
        if chained && inbox("vacuum_count") >= before + 2 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "inbox not chained and vacuumed twice in 15 s: vacuums {} (before {before})",
            inbox("vacuum_count")
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert!(
        common::count(&db, "SELECT pg_relation_size('audit_inbox') AS n") > 0,
        "the vacuum cut the emptied inbox's pages off"
    );
}
crate::tests_on!(
    the_chaining_job_vacuums_the_inbox,
    |b| crate::common::on_app(b, super::CLOCK, super::the_chaining_job_vacuums_the_inbox),
    postgres => Postgres
);

#[derive(diesel::QueryableByName)]
struct PlanLine {
    #[diesel(sql_type = diesel::sql_types::Text, column_name = "QUERY PLAN")]
    line: String,
}

/// A chaining round takes its entries by ids read once, whatever the
/// inbox's statistics say. Between rushes the inbox is empty and vacuumed,
/// so its statistics say it holds nothing; written as `id IN (SELECT id …
/// LIMIT 1000)`, PostgreSQL then planned a nested loop that reran the
/// sub-select for every inbox row, and a 10,000-claim collective submit
/// took 14 s chaining its entries. The old form is planned here too, to
/// show that the statistics set up are the ones that misled it.
async fn a_chaining_round_reads_its_ids_once(backend: Backend) {
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    let url = antre::config::DatabaseUrl::parse(&db.url).unwrap();
    tokio::task::block_in_place(|| {
        antre::db::Db::connect_once(&url)
            .unwrap()
            .migrate()
            .unwrap();
    });
    let entry = "INSERT INTO audit_inbox (at, actor_role, action, details, participant_id) \
                 SELECT '2026-11-24 00:40:00', 'hr', 'claim_filed', '{}', g \
                 FROM generate_series(1, {n}) g";
    common::sql(&db, &entry.replace("{n}", "3"));
    common::sql(&db, "DELETE FROM audit_inbox");
    common::sql(&db, "VACUUM ANALYZE audit_inbox");
    let tuples = "SELECT reltuples::bigint AS n FROM pg_class WHERE relname = 'audit_inbox'";
    assert_eq!(
        common::count(&db, tuples),
        0,
        "the emptied inbox's statistics"
    );
    let mut c = diesel::PgConnection::establish(&db.url).expect("pg");
    let plan = |c: &mut diesel::PgConnection, condition: &str| -> String {
        diesel::sql_query(format!(
            "EXPLAIN DELETE FROM audit_inbox WHERE {condition} RETURNING audit_inbox.id"
        ))
        .load::<PlanLine>(c)
        .expect("explain")
        .into_iter()
        .map(|l| l.line)
        .collect::<Vec<_>>()
        .join("\n")
    };
    c.transaction(|c| {
        diesel::sql_query(entry.replace("{n}", "10000")).execute(c)?;
        let round = plan(c, antre::db::audit::inbox::oldest_batch_condition());
        assert!(round.contains("InitPlan"), "{round}");
        assert!(!round.contains("Nested Loop"), "{round}");
        let old = plan(
            c,
            "audit_inbox.id IN (SELECT id FROM audit_inbox ORDER BY id LIMIT 1000)",
        );
        assert!(old.contains("Nested Loop"), "{old}");
        Err::<(), _>(diesel::result::Error::RollbackTransaction)
    })
    .unwrap_err();
}
crate::tests_on!(
    a_chaining_round_reads_its_ids_once,
    super::a_chaining_round_reads_its_ids_once,
    postgres => Postgres
);

//! `antre` as an operator runs it: `migrate`, `user add` with the password
//! on standard input, exit status and a one-line reason on failure.
#![allow(clippy::unwrap_used)]

use std::process::Output;

use crate::common;
use crate::common::{error_code, fixtures, Backend, Options, TestApp, TestDb};
use serde_json::json;

const PASSWORD: &str = "Petugas-Antre-2026";

/// Runs `antre ARGS` against `db` with `stdin` as standard input and only
/// the ANTRE_* variables the test sets.
fn antre(db: &TestDb, args: &[&str], stdin: &str) -> Output {
    common::antre_cli(db, args, stdin)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn assert_ok(o: &Output, what: &str) {
    assert!(
        o.status.success(),
        "{what}: exit {:?}, stderr {:?}",
        o.status.code(),
        stderr(o)
    );
}

/// Non-zero exit and exactly one non-empty line on standard error;
/// returns that line.
fn assert_refused(o: &Output, what: &str) -> String {
    assert!(
        !o.status.success(),
        "{what}: succeeded, stdout {:?}",
        String::from_utf8_lossy(&o.stdout)
    );
    let err = stderr(o);
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{what}: not a one-line reason: {err:?}");
    assert!(
        lines[0].trim().len() > 10,
        "{what}: reason too short: {err:?}"
    );
    lines[0].to_string()
}

fn staff_count(db: &TestDb) -> i64 {
    common::count(db, "SELECT COUNT(*) AS n FROM staff")
}

fn add(db: &TestDb, args: &[&str], stdin: &str) -> Output {
    let mut all = vec!["user", "add"];
    all.extend_from_slice(args);
    antre(db, &all, stdin)
}

async fn migrate_and_add_users(backend: Backend) {
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    let o = antre(&db, &["migrate"], "");
    assert_ok(&o, "migrate");
    // Again: nothing left to do, still fine.
    let o = antre(&db, &["migrate"], "");
    assert_ok(&o, "migrate twice");

    let line = format!("{PASSWORD}\n");
    let o = add(&db, &["--role", "admin", "--email", "a@x.id"], &line);
    assert_ok(&o, "user add admin");
    assert_eq!(staff_count(&db), 1);

    // The same email again.
    let o = add(&db, &["--role", "admin", "--email", "a@x.id"], &line);
    let why = assert_refused(&o, "the same account again");
    assert!(why.contains("a@x.id"), "{why}");
    let o = add(&db, &["--role", "auditor", "--email", "A@X.ID"], &line);
    assert_refused(&o, "the same email in capitals");
    assert_eq!(staff_count(&db), 1);

    // The account signs in through a started server.
    let app = TestApp::start(&db, &Options::clock("2026-11-23T07:00:00+07:00"));
    let (s, v) = fixtures::login_raw(&app, "a@x.id", PASSWORD).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["role"], "admin");
    let admin = v["token"].as_str().unwrap().to_string();
    let (s, v) = fixtures::login_raw(&app, "a@x.id", "Petugas-Antre-2027").await;
    assert_eq!(s, 401, "{v}");
    assert_eq!(error_code(&v), "invalid_credentials");

    // A supervisor with a branch, and an hr account for a company.
    let o = add(
        &db,
        &[
            "--role",
            "supervisor",
            "--email",
            "spv@x.id",
            "--branch",
            "DPS-DENPASAR",
            "--name",
            "Made Wirawan",
        ],
        &line,
    );
    assert_ok(&o, "user add supervisor");
    let body = json!({"npp": "NPP12345678", "name": "PT Sinar Jaya", "headcount": 150});
    let (s, v) = fixtures::new_company(&app, &admin, &body).await;
    assert_eq!(s, 201, "{v}");
    let o = add(
        &db,
        &[
            "--role",
            "hr",
            "--email",
            "hr@x.id",
            "--company",
            "NPP12345678",
        ],
        &line,
    );
    assert_ok(&o, "user add hr");
    let token = fixtures::login(&app, "spv@x.id", PASSWORD).await;
    let (s, me) = app.get("/api/v1/me", Some(&token)).await;
    assert_eq!(s, 200, "{me}");
    assert_eq!(me["role"], "supervisor");
    assert_eq!(me["branch"], "DPS-DENPASAR", "{me}");
    assert_eq!(me["name"], "Made Wirawan", "{me}");
    let token = fixtures::login(&app, "hr@x.id", PASSWORD).await;
    let (s, me) = app.get("/api/v1/me", Some(&token)).await;
    assert_eq!(s, 200, "{me}");
    assert_eq!(me["role"], "hr");
    assert_eq!(me["company"], "NPP12345678", "{me}");
    assert_eq!(staff_count(&db), 3);
}
both_backends!(migrate_and_add_users);

#[test]
fn user_add_refusals() {
    let Some(db) = TestDb::create(Backend::Sqlite) else {
        return;
    };
    let line = format!("{PASSWORD}\n");
    assert_ok(&antre(&db, &["migrate"], ""), "migrate");
    let l = line.as_str();
    // What is refused, the flags after `user add`, the standard input.
    let cases = [
        ("unknown role", "--role manager --email m@x.id", l),
        ("participant role", "--role participant --email p@x.id", l),
        ("cs without --branch", "--role cs --email cs@x.id", l),
        (
            "supervisor without --branch",
            "--role supervisor --email s@x.id",
            l,
        ),
        (
            "unknown branch",
            "--role cs --email cs@x.id --branch NOPE-NOWHERE",
            l,
        ),
        ("hr without --company", "--role hr --email hr@x.id", l),
        (
            "unknown company",
            "--role hr --email hr@x.id --company NPP99999999",
            l,
        ),
        ("invalid email", "--role admin --email bukan-email", l),
        (
            "weak: email name",
            "--role admin --email wirawan@x.id",
            "Wirawan-2026-ok\n",
        ),
    ]
    .into_iter()
    .chain(
        // Passwords refused for an admin account.
        [
            ("empty stdin", ""),
            ("empty line", "\n"),
            ("weak: short", "Ab1-cd\n"),
            ("weak: no digit", "Petugas-Antre-Baru\n"),
            ("weak: common", "Password123\n"),
        ]
        .map(|(what, stdin)| (what, "--role admin --email w@x.id", stdin)),
    );
    for (what, args, stdin) in cases {
        let args: Vec<&str> = args.split(' ').collect();
        let o = add(&db, &args, stdin);
        let why = assert_refused(&o, what);
        assert!(why.starts_with("antre"), "{what}: {why}");
    }
    assert_eq!(
        staff_count(&db),
        0,
        "a refused `user add` created an account"
    );
    // Control: a complete command works after all these refusals.
    let o = add(
        &db,
        &[
            "--role",
            "cs",
            "--email",
            "cs@x.id",
            "--branch",
            "DPS-DENPASAR",
        ],
        &line,
    );
    assert_ok(&o, "cs with branch");
    assert_eq!(staff_count(&db), 1);
}

#[test]
fn password_line_ending_and_windows_newline() {
    let Some(db) = TestDb::create(Backend::Sqlite) else {
        return;
    };
    // CRLF from a Windows pipe: the password is the line without it.
    let o = add(
        &db,
        &["--role", "auditor", "--email", "aud@x.id"],
        &format!("{PASSWORD}\r\n"),
    );
    assert_ok(&o, "CRLF line");
    // No newline at all (echo -n): still one line.
    let o = add(
        &db,
        &["--role", "auditor", "--email", "aud2@x.id"],
        PASSWORD,
    );
    assert_ok(&o, "no newline");
    // Only the first line is the password.
    let o = add(
        &db,
        &["--role", "auditor", "--email", "aud3@x.id"],
        &format!("{PASSWORD}\nsomething else\n"),
    );
    assert_ok(&o, "two lines");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let app = TestApp::start(&db, &Options::default());
        for email in ["aud@x.id", "aud2@x.id", "aud3@x.id"] {
            let (s, v) = fixtures::login_raw(&app, email, PASSWORD).await;
            assert_eq!(s, 200, "{email}: {v}");
            assert_eq!(v["role"], "auditor");
        }
    });
}

#[test]
fn argument_errors_are_one_line() {
    let Some(db) = TestDb::create(Backend::Sqlite) else {
        return;
    };
    let line = format!("{PASSWORD}\n");
    for (what, args) in [
        ("missing --role", vec!["--email", "x@x.id"]),
        ("missing --email", vec!["--role", "admin"]),
    ] {
        let o = add(&db, &args, &line);
        assert_refused(&o, what);
    }
}

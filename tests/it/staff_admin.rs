//! Staff administration over the JSON API and the pages: an admin invites
//! (a mailed single-use link sets the password, then the account signs
//! in), deactivates (the account's tokens stop working at once) and
//! reactivates, changes role and branch (each audited with the old and new
//! values, read back as an auditor); a supervisor manages only the CS
//! agents of the branch; nobody changes their own account and the last
//! active admin stays one; bad input is 422 naming the field; a last
//! sign-in reads in its account's branch zone.
#![allow(clippy::unwrap_used)]

use reqwest::Method;
use serde_json::{json, Value};

use crate::common;
use crate::common::browser::{hidden, Browser};
use crate::common::{error_code, fixtures, TestApp, TestDb};
use crate::password_reset::{addressed_to, decoded};

const CLOCK: &str = "2026-11-23T07:00:00+07:00";
const BRANCH: &str = "DPS-DENPASAR";
const OTHER: &str = "JKT-CILANDAK";
const PASSWORD: &str = "Sandi-Petugas-Baru-42";

async fn invite(app: &TestApp, token: &str, body: Value) -> (u16, Value) {
    app.post("/api/v1/staff", Some(token), &body).await
}

async fn patch(app: &TestApp, token: &str, id: i64, body: Value) -> (u16, Value) {
    let path = format!("/api/v1/staff/{id}");
    app.call(Method::PATCH, &path, Some(token), Some(&body))
        .await
}

async fn list(app: &TestApp, token: &str) -> Vec<Value> {
    let (s, v) = app.get("/api/v1/staff", Some(token)).await;
    assert_eq!(s, 200, "{v}");
    v.as_array().unwrap().clone()
}

fn listed(rows: &[Value], id: i64) -> Option<Value> {
    rows.iter().find(|r| r["id"] == id).cloned()
}

fn email(word: &str) -> String {
    format!("{word}{}@bpjs.example.id", fixtures::unique())
}

/// The invitation token mailed to `to`.
async fn invitation_token(db: &TestDb, to: &str) -> String {
    common::eventually(15, &format!("invitation mail to {to}"), || async {
        common::mails(db)
            .iter()
            .filter(|m| addressed_to(m, to))
            .find_map(|m| {
                let text = decoded(m);
                let at = text.find("/invitation/")? + "/invitation/".len();
                let token: String = text[at..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                    .collect();
                Some(token)
            })
    })
    .await
}

/// The auditor's view of `action` entries about staff account `id`.
async fn audited(app: &TestApp, auditor: &str, action: &str, id: i64) -> Vec<Value> {
    let path = format!("/api/v1/audit/entries?action={action}");
    let (s, v) = app.get(&path, Some(auditor)).await;
    assert_eq!(s, 200, "{v}");
    v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["details"]["staff"] == id)
        .cloned()
        .collect()
}

async fn invitation_sets_the_password(db: TestDb, app: TestApp) {
    let admin = fixtures::staff(&app, &db, "admin", &[]).await;
    let auditor = fixtures::staff(&app, &db, "auditor", &[]).await;
    let to = email("agen");
    let body = json!({"email": to.to_uppercase(), "name": "Made Wirawan", "role": "cs", "branch": "dps-denpasar"});
    let (s, v) = invite(&app, &admin.token, body).await;
    assert_eq!(s, 201, "{v}");
    let id = v["id"].as_i64().unwrap();
    assert_eq!(v["email"], to.as_str());
    assert_eq!(
        (v["role"].as_str(), v["branch"].as_str()),
        (Some("cs"), Some(BRANCH))
    );
    assert_eq!(
        (v["active"].as_bool(), v["password_set"].as_bool()),
        (Some(true), Some(false))
    );
    assert!(v["last_sign_in_at"].is_null(), "{v}");

    // The mailed link; only its hash is stored.
    let token = invitation_token(&db, &to).await;
    assert_eq!(token.len(), 43, "{token}");
    let digest = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(token.as_bytes()))
    };
    let stored = |v: &str| {
        common::count(
            &db,
            &format!("SELECT COUNT(*) AS n FROM password_resets WHERE token_hash = '{v}'"),
        )
    };
    assert_eq!((stored(&token), stored(&digest)), (0, 1));
    // No password works before it is set.
    for guess in ["!invited-no-password", fixtures::STAFF_PASSWORD] {
        let (s, _) = fixtures::login_raw(&app, &to, guess).await;
        assert_eq!(s, 401, "{guess:?}");
    }

    let confirm = |password: &'static str| {
        let body = json!({"token": token, "password": password});
        let app = &app;
        async move {
            app.post("/api/v1/auth/password-reset/confirm", None, &body)
                .await
        }
    };
    let (s, v) = confirm("lemah").await;
    assert_eq!((s, error_code(&v)), (422, "weak_password"), "{v}");
    let (s, v) = confirm(PASSWORD).await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = confirm("Sandi-Lain-Lagi-77").await;
    assert_eq!(
        (s, error_code(&v)),
        (422, "invalid_token"),
        "the link worked twice: {v}"
    );

    let token = fixtures::login(&app, &to, PASSWORD).await;
    let (s, me) = app.get("/api/v1/me", Some(&token)).await;
    assert_eq!(
        (s, me["id"].as_i64(), me["role"].as_str()),
        (200, Some(id), Some("cs")),
        "{me}"
    );
    let row = listed(&list(&app, &admin.token).await, id).unwrap();
    assert_eq!(row["password_set"], true, "{row}");
    assert!(
        row["last_sign_in_at"]
            .as_str()
            .is_some_and(|t| t.starts_with("2026-11-23T00:")),
        "{row}"
    );

    // Any account's email is taken: staff or participant.
    let (s, v) = invite(
        &app,
        &admin.token,
        json!({"email": to, "name": "Orang Lain", "role": "auditor"}),
    )
    .await;
    assert_eq!(
        (s, error_code(&v), v["error"]["field"].as_str()),
        (409, "email_taken", Some("email")),
        "{v}"
    );
    let member = fixtures::register(&app).await;
    let (s, v) = invite(
        &app,
        &admin.token,
        json!({"email": member.email, "name": "Orang Lain", "role": "auditor"}),
    )
    .await;
    assert_eq!((s, error_code(&v)), (409, "email_taken"), "{v}");

    // Audited: the invitation by the admin, its acceptance by the account.
    let invited = audited(&app, &auditor.token, "staff_invited", id).await;
    assert_eq!(invited.len(), 1);
    assert_eq!(invited[0]["actor_id"], admin.id);
    assert_eq!(invited[0]["details"]["role"], "cs");
    assert_eq!(invited[0]["branch_code"], BRANCH);
    let n = common::count(
        &db,
        "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'staff_invitation_accepted'",
    );
    assert_eq!(n, 1);
    let n = common::count(
        &db,
        "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'password_reset'",
    );
    assert_eq!(n, 0, "an invitation logged as a password reset");
}
both_backends!(invitation_sets_the_password, clock = CLOCK);

async fn deactivation_ends_every_session_at_once(db: TestDb, app: TestApp) {
    let admin = fixtures::staff(&app, &db, "admin", &[]).await;
    let auditor = fixtures::staff(&app, &db, "auditor", &[]).await;
    let cs = fixtures::staff(&app, &db, "cs", &fixtures::at_branch(Some(BRANCH))).await;
    let second = fixtures::login(&app, &cs.email, fixtures::STAFF_PASSWORD).await;
    for t in [&cs.token, &second] {
        assert_eq!(app.get("/api/v1/me", Some(t)).await.0, 200);
    }

    let (s, v) = patch(&app, &admin.token, cs.id, json!({"active": false})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["active"], false);
    for t in [&cs.token, &second] {
        let (s, v) = app.get("/api/v1/me", Some(t)).await;
        assert_eq!(
            (s, error_code(&v)),
            (401, "unauthenticated"),
            "a session survived: {v}"
        );
    }
    let (s, _) = fixtures::login_raw(&app, &cs.email, fixtures::STAFF_PASSWORD).await;
    assert_eq!(s, 401, "a deactivated account signed in");
    // Nor can it come back in through a reset link: the request finds no
    // account to mail.
    let (s, _) = app
        .post(
            "/api/v1/auth/password-reset",
            None,
            &json!({"email": cs.email}),
        )
        .await;
    assert_eq!(s, 202);
    let linked = common::count(
        &db,
        &format!(
            "SELECT COUNT(*) AS n FROM password_resets WHERE identifier = '{}' AND staff_id IS NOT NULL",
            cs.email
        ),
    );
    assert_eq!(linked, 0, "a reset link for a deactivated account");
    // Switching off twice changes nothing more.
    let (s, _) = patch(&app, &admin.token, cs.id, json!({"active": false})).await;
    assert_eq!(s, 200);
    let off = audited(&app, &auditor.token, "staff_deactivated", cs.id).await;
    assert_eq!(off.len(), 1, "{off:?}");
    assert_eq!(
        (
            off[0]["details"]["from"].as_bool(),
            off[0]["details"]["to"].as_bool()
        ),
        (Some(true), Some(false))
    );
    assert_eq!(off[0]["details"]["sessions_ended"], 2, "{}", off[0]);
    assert_eq!(off[0]["actor_id"], admin.id);

    // Reactivated: the old tokens stay dead, the password works again.
    let (s, v) = patch(&app, &admin.token, cs.id, json!({"active": true})).await;
    assert_eq!((s, v["active"].as_bool()), (200, Some(true)), "{v}");
    assert_eq!(app.get("/api/v1/me", Some(&cs.token)).await.0, 401);
    let fresh = fixtures::login(&app, &cs.email, fixtures::STAFF_PASSWORD).await;
    assert_eq!(app.get("/api/v1/me", Some(&fresh)).await.0, 200);
    let on = audited(&app, &auditor.token, "staff_reactivated", cs.id).await;
    assert_eq!(on.len(), 1);
    assert_eq!(on[0]["details"]["to"], true);
}
both_backends!(deactivation_ends_every_session_at_once, clock = CLOCK);

async fn role_and_branch_changes_are_audited(db: TestDb, app: TestApp) {
    let admin = fixtures::staff(&app, &db, "admin", &[]).await;
    let auditor = fixtures::staff(&app, &db, "auditor", &[]).await;
    let cs = fixtures::staff(&app, &db, "cs", &fixtures::at_branch(Some(BRANCH))).await;
    let far = fixtures::staff(&app, &db, "cs", &fixtures::at_branch(Some(OTHER))).await;

    // One request, two changes: two entries, each with its old and new value.
    let (s, v) = patch(
        &app,
        &admin.token,
        cs.id,
        json!({"role": "supervisor", "branch": OTHER}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        (v["role"].as_str(), v["branch"].as_str()),
        (Some("supervisor"), Some(OTHER))
    );
    let role = audited(&app, &auditor.token, "staff_role_changed", cs.id).await;
    assert_eq!(role.len(), 1, "{role:?}");
    assert_eq!(
        (
            role[0]["details"]["from"].as_str(),
            role[0]["details"]["to"].as_str()
        ),
        (Some("cs"), Some("supervisor"))
    );
    assert_eq!(role[0]["actor_id"], admin.id);
    let branch = audited(&app, &auditor.token, "staff_branch_changed", cs.id).await;
    assert_eq!(branch.len(), 1, "{branch:?}");
    assert_eq!(
        (
            branch[0]["details"]["from"].as_str(),
            branch[0]["details"]["to"].as_str()
        ),
        (Some(BRANCH), Some(OTHER))
    );
    assert_eq!(branch[0]["branch_code"], OTHER);

    // The change holds at once for the account's open session: it now
    // supervises the other branch's CS.
    let rows = list(&app, &cs.token).await;
    assert!(listed(&rows, far.id).is_some(), "{rows:?}");
    assert_eq!(rows.len(), 1, "{rows:?}");

    // Up to auditor: the branch goes (audited as its own change).
    let (s, v) = patch(&app, &admin.token, cs.id, json!({"role": "auditor"})).await;
    assert_eq!((s, v["branch"].clone()), (200, Value::Null), "{v}");
    let branch = audited(&app, &auditor.token, "staff_branch_changed", cs.id).await;
    assert_eq!(branch.len(), 2);
    assert!(
        branch
            .iter()
            .any(|e| e["details"]["from"] == OTHER && e["details"]["to"].is_null()),
        "{branch:?}"
    );
    // Asking for what already is records nothing.
    let (s, _) = patch(
        &app,
        &admin.token,
        cs.id,
        json!({"role": "auditor", "branch": null, "active": true}),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(
        audited(&app, &auditor.token, "staff_role_changed", cs.id)
            .await
            .len(),
        2
    );
    let (s, v) = app
        .get(&format!("/api/v1/staff/{}", cs.id), Some(&admin.token))
        .await;
    assert_eq!((s, v["role"].as_str()), (200, Some("auditor")), "{v}");
}
both_backends!(role_and_branch_changes_are_audited, clock = CLOCK);

async fn a_supervisor_manages_only_the_branchs_cs(db: TestDb, app: TestApp) {
    let admin = fixtures::staff(&app, &db, "admin", &[]).await;
    let auditor = fixtures::staff(&app, &db, "auditor", &[]).await;
    let spv = fixtures::staff(&app, &db, "supervisor", &fixtures::at_branch(Some(BRANCH))).await;
    let peer = fixtures::staff(&app, &db, "supervisor", &fixtures::at_branch(Some(BRANCH))).await;
    let cs = fixtures::staff(&app, &db, "cs", &fixtures::at_branch(Some(BRANCH))).await;
    let far = fixtures::staff(&app, &db, "cs", &fixtures::at_branch(Some(OTHER))).await;

    let rows = list(&app, &spv.token).await;
    let ids: Vec<i64> = rows.iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![cs.id], "{rows:?}");

    // Invites CS to the own branch only (the branch may be left out).
    let to = email("baru");
    let (s, v) = invite(
        &app,
        &spv.token,
        json!({"email": to, "name": "Ni Luh Sari", "role": "cs"}),
    )
    .await;
    assert_eq!((s, v["branch"].as_str()), (201, Some(BRANCH)), "{v}");
    invitation_token(&db, &to).await;
    for body in [
        json!({"email": email("x"), "name": "Ni Luh", "role": "cs", "branch": OTHER}),
        json!({"email": email("x"), "name": "Ni Luh", "role": "supervisor"}),
        json!({"email": email("x"), "name": "Ni Luh", "role": "admin"}),
        json!({"email": email("x"), "name": "Ni Luh", "role": "auditor"}),
    ] {
        let (s, v) = invite(&app, &spv.token, body.clone()).await;
        assert_eq!((s, error_code(&v)), (403, "forbidden"), "{body}: {v}");
    }
    // Never another branch's agent, an admin, an auditor, a peer; never
    // a raise or a move.
    for (id, body) in [
        (far.id, json!({"active": false})),
        (admin.id, json!({"active": false})),
        (auditor.id, json!({"active": false})),
        (peer.id, json!({"active": false})),
        (cs.id, json!({"role": "supervisor"})),
        (cs.id, json!({"branch": OTHER})),
    ] {
        let (s, v) = patch(&app, &spv.token, id, body.clone()).await;
        assert_eq!((s, error_code(&v)), (403, "forbidden"), "{id} {body}: {v}");
    }
    let (s, _) = app
        .get(&format!("/api/v1/staff/{}", far.id), Some(&spv.token))
        .await;
    assert_eq!(s, 403);
    assert_eq!(
        app.get("/api/v1/me", Some(&far.token)).await.0,
        200,
        "another branch's agent was touched"
    );
    // …but switches the branch's own agent off and on.
    let (s, v) = patch(&app, &spv.token, cs.id, json!({"active": false})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(app.get("/api/v1/me", Some(&cs.token)).await.0, 401);
    let (s, _) = patch(&app, &spv.token, cs.id, json!({"active": true})).await;
    assert_eq!(s, 200);

    // Everyone else: no staff administration at all.
    let member = fixtures::register(&app).await;
    for token in [&far.token, &auditor.token, &member.token] {
        let (s, v) = app.get("/api/v1/staff", Some(token)).await;
        assert_eq!((s, error_code(&v)), (403, "forbidden"), "{v}");
        let (s, _) = patch(&app, token, cs.id, json!({"active": false})).await;
        assert_eq!(s, 403);
    }
    assert_eq!(app.get("/api/v1/staff", None).await.0, 401);
}
both_backends!(a_supervisor_manages_only_the_branchs_cs, clock = CLOCK);

async fn own_account_and_the_last_admin(db: TestDb, app: TestApp) {
    let admin = fixtures::staff(&app, &db, "admin", &[]).await;
    // The only admin: neither switched off nor demoted, even by itself.
    for body in [json!({"active": false}), json!({"role": "auditor"})] {
        let (s, v) = patch(&app, &admin.token, admin.id, body).await;
        assert_eq!((s, error_code(&v)), (409, "last_admin"), "{v}");
    }
    let second = fixtures::staff(&app, &db, "admin", &[]).await;
    // With two, still nobody changes their own account.
    for body in [
        json!({"active": false}),
        json!({"role": "cs", "branch": BRANCH}),
    ] {
        let (s, v) = patch(&app, &admin.token, admin.id, body).await;
        assert_eq!((s, error_code(&v)), (409, "own_account"), "{v}");
    }
    // One admin demotes the other; then it is the last one.
    let (s, v) = patch(&app, &admin.token, second.id, json!({"role": "auditor"})).await;
    assert_eq!((s, v["role"].as_str()), (200, Some("auditor")), "{v}");
    let (s, v) = patch(&app, &second.token, admin.id, json!({"active": false})).await;
    assert_eq!(
        (s, error_code(&v)),
        (403, "forbidden"),
        "a demoted admin still manages: {v}"
    );
    let (s, v) = patch(&app, &admin.token, admin.id, json!({"active": false})).await;
    assert_eq!((s, error_code(&v)), (409, "last_admin"), "{v}");
    assert_eq!(app.get("/api/v1/me", Some(&admin.token)).await.0, 200);
    // English callers read English.
    let res = app
        .client
        .patch(app.url(&format!("/api/v1/staff/{}", admin.id)))
        .bearer_auth(&admin.token)
        .header("accept-language", "en")
        .json(&json!({"active": false}))
        .send()
        .await
        .unwrap();
    let (s, v) = common::json_of(res).await;
    assert_eq!(s, 409);
    assert_eq!(
        v["error"]["message"],
        "This is the last active admin: make another admin first."
    );
}
both_backends!(own_account_and_the_last_admin, clock = CLOCK);

async fn bad_input_is_refused_by_field(db: TestDb, app: TestApp) {
    let admin = fixtures::staff(&app, &db, "admin", &[]).await;
    let cs = fixtures::staff(&app, &db, "cs", &fixtures::at_branch(Some(BRANCH))).await;
    let good =
        || json!({"email": email("ok"), "name": "Made Wirawan", "role": "cs", "branch": BRANCH});
    let with = |k: &str, v: Value| {
        let mut b = good();
        b[k] = v;
        b
    };
    for (body, code, field) in [
        (
            with("email", json!("bukan-email")),
            "invalid_email",
            "email",
        ),
        (with("name", json!("")), "invalid_name", "name"),
        (with("name", json!("R2D2")), "invalid_name", "name"),
        (with("role", json!("root")), "invalid_role", "role"),
        (with("role", json!("hr")), "invalid_role", "role"),
        (with("role", json!("participant")), "invalid_role", "role"),
        (with("branch", Value::Null), "branch_required", "branch"),
        (
            with("branch", json!("NOPE-NOWHERE")),
            "branch_not_found",
            "branch",
        ),
        (
            json!({"email": email("a"), "name": "Made", "role": "auditor", "branch": BRANCH}),
            "branch_not_allowed",
            "branch",
        ),
    ] {
        let (s, v) = invite(&app, &admin.token, body.clone()).await;
        assert_eq!(
            (s, error_code(&v), v["error"]["field"].as_str()),
            (422, code, Some(field)),
            "{body}: {v}"
        );
        assert!(v["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
    }
    for (body, code, field) in [
        (json!({"role": "boss"}), "invalid_role", "role"),
        (json!({"role": "hr"}), "invalid_role", "role"),
        (json!({"branch": null}), "branch_required", "branch"),
        (
            json!({"branch": "NOPE-NOWHERE"}),
            "branch_not_found",
            "branch",
        ),
        (
            json!({"role": "admin", "branch": BRANCH}),
            "branch_not_allowed",
            "branch",
        ),
    ] {
        let (s, v) = patch(&app, &admin.token, cs.id, body.clone()).await;
        assert_eq!(
            (s, error_code(&v), v["error"]["field"].as_str()),
            (422, code, Some(field)),
            "{body}: {v}"
        );
    }
    let (s, v) = patch(&app, &admin.token, 999_999, json!({"active": false})).await;
    assert_eq!((s, error_code(&v)), (404, "staff_not_found"), "{v}");
    let (s, v) = app.get("/api/v1/staff/999999", Some(&admin.token)).await;
    assert_eq!((s, error_code(&v)), (404, "staff_not_found"), "{v}");
    let (s, v) = patch(&app, &admin.token, cs.id, json!({"active": "nope"})).await;
    assert_eq!((s, error_code(&v)), (400, "malformed_json"), "{v}");
    // Nothing was made or changed by the refusals.
    let rows = list(&app, &admin.token).await;
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(listed(&rows, cs.id).unwrap()["role"], "cs");
}
both_backends!(bad_input_is_refused_by_field, clock = CLOCK);

async fn accounts_pages(db: TestDb, app: TestApp) {
    let admin = fixtures::staff(&app, &db, "admin", &[]).await;
    let cs = fixtures::staff(&app, &db, "cs", &fixtures::at_branch(Some(BRANCH))).await;
    let b = Browser::staff(&app, &admin.email).await;
    let p = b.get("/staff").await;
    assert!(
        p.html.contains("href=\"/staff/accounts\""),
        "no link in the staff navigation"
    );
    let p = b.get("/staff/accounts").await;
    assert_eq!(p.status, 200, "{}", p.html);
    assert!(
        p.html.contains(&cs.email) && p.html.contains("Petugas CS"),
        "{}",
        p.html
    );
    // Each sign-in as its account's branch tells time (07:00 WIB is 08:00
    // in Denpasar); head office's in WIB.
    assert!(
        p.html.contains("08.00 WITA") && p.html.contains("07.00 WIB"),
        "{}",
        p.html
    );
    let csrf = hidden(&p.html, "csrf").unwrap();

    // Invite through the form: without the CSRF token, refused.
    let to = email("laman");
    let form = [
        ("email", to.as_str()),
        ("name", "Kadek Ayu"),
        ("role", "cs"),
        ("branch", BRANCH),
    ];
    let p = b.post("/staff/accounts", &form).await;
    assert_eq!(p.status, 403);
    let mut with_csrf = vec![("csrf", csrf.as_str())];
    with_csrf.extend_from_slice(&form);
    let bad = [
        ("csrf", csrf.as_str()),
        ("email", "x"),
        ("name", "Kadek Ayu"),
        ("role", "cs"),
        ("branch", BRANCH),
    ];
    let p = b.post("/staff/accounts", &bad).await;
    assert_eq!(p.status, 422, "{}", p.html);
    assert!(p.html.contains("Kadek Ayu"), "the form lost what was typed");
    let p = b.post("/staff/accounts", &with_csrf).await;
    assert_eq!(p.status, 303, "{}", p.html);
    assert_eq!(p.location, "/staff/accounts?done=invited");
    let p = b.get(&p.location).await;
    assert!(p.html.contains(&to), "{}", p.html);

    // The invitee sets the password on the invitation page.
    let token = invitation_token(&db, &to).await;
    let visitor = Browser::new(&app);
    let path = format!("/invitation/{token}");
    let p = visitor.get(&path).await;
    assert_eq!(p.status, 200, "{}", p.html);
    let vcsrf = hidden(&p.html, "csrf").unwrap();
    let p = visitor
        .post(
            &path,
            &[
                ("csrf", &vcsrf),
                ("password", PASSWORD),
                ("password_again", PASSWORD),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.html);
    assert_eq!(p.location, "/staff/login?done=password_reset");
    assert_eq!(
        visitor.get(&path).await.status,
        422,
        "the link worked twice"
    );
    fixtures::login(&app, &to, PASSWORD).await;

    // Deactivate through the account's page.
    let page = format!("/staff/accounts/{}", cs.id);
    let p = b.get(&page).await;
    assert_eq!(p.status, 200, "{}", p.html);
    assert!(p.html.contains("08.00 WITA"), "{}", p.html);
    let p = b
        .post(
            &format!("{page}/active"),
            &[("csrf", &csrf), ("active", "false")],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.html);
    assert_eq!(app.get("/api/v1/me", Some(&cs.token)).await.0, 401);
    // Change the role through the form.
    let p = b
        .post(
            &page,
            &[("csrf", &csrf), ("role", "supervisor"), ("branch", OTHER)],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.html);
    let (_, v) = app
        .get(&format!("/api/v1/staff/{}", cs.id), Some(&admin.token))
        .await;
    assert_eq!(
        (
            v["role"].as_str(),
            v["branch"].as_str(),
            v["active"].as_bool()
        ),
        (Some("supervisor"), Some(OTHER), Some(false)),
        "{v}"
    );
    // Refusals show on the page, not as a crash.
    let p = b
        .post(
            &format!("/staff/accounts/{}/active", admin.id),
            &[("csrf", &csrf), ("active", "false")],
        )
        .await;
    assert_eq!(p.status, 409, "{}", p.html);

    // A CS agent has no accounts page.
    let agent = fixtures::staff(&app, &db, "cs", &fixtures::at_branch(Some(BRANCH))).await;
    let c = Browser::staff(&app, &agent.email).await;
    assert_eq!(c.get("/staff/accounts").await.status, 403);
}
both_backends!(accounts_pages, clock = CLOCK);

/// Every invitation token mailed to `to` so far.
fn invitation_tokens(db: &TestDb, to: &str) -> Vec<String> {
    common::mails(db)
        .iter()
        .filter(|m| addressed_to(m, to))
        .filter_map(|m| {
            let text = decoded(m);
            let at = text.find("/invitation/")? + "/invitation/".len();
            Some(
                text[at..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                    .collect(),
            )
        })
        .collect()
}

async fn an_expired_invitation_is_sent_again(db: TestDb, app: TestApp) {
    let admin = fixtures::staff(&app, &db, "admin", &[]).await;
    let auditor = fixtures::staff(&app, &db, "auditor", &[]).await;
    let to = email("lupa");
    let body = json!({"email": to, "name": "Komang Ayu", "role": "cs", "branch": BRANCH});
    let (s, v) = invite(&app, &admin.token, body).await;
    assert_eq!(s, 201, "{v}");
    let id = v["id"].as_i64().unwrap();
    let first = invitation_token(&db, &to).await;
    // The week went by unused.
    common::sql(
        &db,
        "UPDATE password_resets SET expires_at = '2026-11-01 00:00:00'",
    );
    let confirm = |token: String| {
        let body = json!({"token": token, "password": PASSWORD});
        let app = &app;
        async move {
            app.post("/api/v1/auth/password-reset/confirm", None, &body)
                .await
        }
    };
    let (s, v) = confirm(first.clone()).await;
    assert_eq!((s, error_code(&v)), (422, "invalid_token"), "{v}");

    // Nobody else may send it: a CS agent, an unknown account.
    let cs = fixtures::staff(&app, &db, "cs", &fixtures::at_branch(Some(BRANCH))).await;
    let path = format!("/api/v1/staff/{id}/invitation");
    let (s, _) = app.post(&path, Some(&cs.token), &json!({})).await;
    assert_eq!(s, 403);
    let (s, v) = app
        .post(
            "/api/v1/staff/999999/invitation",
            Some(&admin.token),
            &json!({}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (404, "staff_not_found"), "{v}");

    let (s, v) = app.post(&path, Some(&admin.token), &json!({})).await;
    assert_eq!(s, 202, "{v}");
    assert_eq!(
        (v["id"].as_i64(), v["password_set"].as_bool()),
        (Some(id), Some(false))
    );
    let fresh = common::eventually(15, "the second invitation mail", || async {
        invitation_tokens(&db, &to)
            .into_iter()
            .find(|t| *t != first)
    })
    .await;
    // A second re-send voids the one before it.
    let (s, _) = app.post(&path, Some(&admin.token), &json!({})).await;
    assert_eq!(s, 202);
    let newest = common::eventually(15, "the third invitation mail", || async {
        invitation_tokens(&db, &to)
            .into_iter()
            .find(|t| *t != first && *t != fresh)
    })
    .await;
    let (s, v) = confirm(fresh).await;
    assert_eq!(
        (s, error_code(&v)),
        (422, "invalid_token"),
        "an older link still works: {v}"
    );
    let (s, v) = confirm(newest.clone()).await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = confirm(newest).await;
    assert_eq!((s, error_code(&v)), (422, "invalid_token"), "{v}");
    fixtures::login(&app, &to, PASSWORD).await;

    // With a password set, the owner uses password reset instead.
    let (s, v) = app.post(&path, Some(&admin.token), &json!({})).await;
    assert_eq!((s, error_code(&v)), (409, "password_already_set"), "{v}");
    let resent = audited(&app, &auditor.token, "staff_invitation_resent", id).await;
    assert_eq!(resent.len(), 2, "{resent:?}");
    assert_eq!(resent[0]["actor_id"], admin.id);
}
both_backends!(an_expired_invitation_is_sent_again, clock = CLOCK);

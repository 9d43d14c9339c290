//! Several instances on one database and one object store (issue 14):
//! documents in an S3-compatible bucket (moto, started by the harness)
//! served byte-identical by any instance; tokens and audit checkpoints
//! good on every instance because the keys are shared; an instance with
//! another key refuses to start with a one-line reason; a store outage in
//! the middle of uploads is a 503 for uploads and views, never a 500, and
//! leaves no row naming bytes the store does not have.

use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::common::s3::{document_key, S3Server};
use crate::common::{
    self, error_code, files, fixtures, Backend, Options, TestApp, TestDb, JWT_SECRET,
};

/// 08:00 WITA on Monday 2026-11-23.
const CLOCK: &str = "2026-11-23T08:00:00+08:00";
const SEED: [u8; 32] = [42; 32];
const OTHER_SEED: [u8; 32] = [43; 32];

fn audit_key(seed: &[u8; 32]) -> String {
    base64::engine::general_purpose::STANDARD.encode(seed)
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// An instance on `db` with its own data dir `dir` and `env`.
fn on(dir: &std::path::Path, env: &[(String, String)]) -> Options {
    Options::clock(CLOCK)
        .with_envs(env)
        .with_env("ANTRE_DATA_DIR", &dir.to_string_lossy())
}

/// A document's bytes as `token` reads them through `app`.
async fn view(app: &TestApp, token: &str, claim: i64, doc: i64) -> (u16, Vec<u8>) {
    let res = app
        .get_raw(&format!("/api/v1/claims/{claim}/documents/{doc}"), token)
        .await;
    let status = res.status().as_u16();
    (status, res.bytes().await.expect("body").to_vec())
}

/// Uploads a PNG for `kind`: the answer's status and body.
async fn upload(app: &TestApp, token: &str, claim: i64, kind: &str, seed: u32) -> (u16, Value) {
    let png = files::png_seeded(seed);
    fixtures::upload_document(app, token, claim, kind, &format!("{kind}.png"), png).await
}

/// The id and digest of a 201 upload answer.
fn stored(answer: &(u16, Value)) -> (i64, String) {
    let (status, v) = answer;
    assert_eq!(*status, 201, "upload: {v}");
    let sha = v["sha256"].as_str().expect("sha256").to_string();
    (v["id"].as_i64().expect("id"), sha)
}

/// Every file under `dir`, recursively.
fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    rd.filter_map(Result::ok)
        .flat_map(|e| match e.path().is_dir() {
            true => files_under(&e.path()),
            false => vec![e.path()],
        })
        .collect()
}

/// The reason an instance gave for not starting: its last line on
/// standard error, which must be the only line it wrote as `antre:`.
fn reason(code: i32, stderr: &str) -> String {
    assert_ne!(code, 0, "an instance that refuses exits non-zero: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| l.starts_with("antre:")).collect();
    assert_eq!(lines.len(), 1, "one line of reason: {stderr}");
    lines[0].to_string()
}

// ---------------------------------------------------------------------------

/// Two instances with their own data dirs, one database, one bucket and
/// the same keys: either serves what the other stored and accepts what it
/// signed.
async fn two_instances_share_documents_tokens_and_keys(backend: Backend) {
    let Some(s3) = S3Server::start("antre-shared").await else {
        return;
    };
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    let dir_b = tempfile::tempdir().expect("tempdir");
    let mut env = s3.env("documents");
    env.push(("ANTRE_AUDIT_KEY".into(), audit_key(&SEED)));
    let a = TestApp::start(&db, &on(db.data_dir.path(), &env));
    let b = TestApp::start(&db, &on(dir_b.path(), &env));

    // A document uploaded through A is served by B, byte for byte, with
    // the token A issued.
    let (m, claim) = fixtures::member_with_claim(&a).await;
    let (doc, sha) = stored(&upload(&a, &m.token, claim, "ektp", 7).await);
    let (status, from_a) = view(&a, &m.token, claim, doc).await;
    assert_eq!(status, 200);
    let (status, from_b) = view(&b, &m.token, claim, doc).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&from_b));
    assert_eq!(from_a, from_b);
    assert_eq!(sha256_hex(&from_b), sha);

    // A token B issues works on A; B's upload is served by A.
    let token_b = fixtures::login(&b, &m.email, &m.password).await;
    let (status, v) = fixtures::get_claim(&a, &token_b, claim).await;
    assert_eq!(status, 200, "{v}");
    let (doc2, sha2) = stored(&upload(&b, &token_b, claim, "kk", 8).await);
    let (status, bytes) = view(&a, &m.token, claim, doc2).await;
    assert_eq!((status, sha256_hex(&bytes)), (200, sha2.clone()));

    // The bytes are in the bucket, under the prefix, in the data dir's
    // layout — and on neither instance's disk.
    for (digest, bytes) in [(&sha, &from_a), (&sha2, &bytes)] {
        let key = document_key("documents", digest);
        assert_eq!(s3.object(&key).await.as_ref(), Some(bytes), "{key}");
        for dir in [db.data_dir.path(), dir_b.path()] {
            let local = files_under(dir);
            assert!(
                !local.iter().any(|p| p.ends_with(digest)),
                "{digest} on a local disk: {local:?}"
            );
        }
    }

    // One audit key: both instances show it, and checkpoints signed from
    // either data dir verify together.
    let auditor = fixtures::staff(&a, &db, "auditor", &[]).await;
    let (_, key_a) = a
        .get("/api/v1/audit/public-key", Some(&auditor.token))
        .await;
    let (_, key_b) = b
        .get("/api/v1/audit/public-key", Some(&auditor.token))
        .await;
    assert_eq!(key_a["public_key"], key_b["public_key"], "{key_a} {key_b}");
    let expected = antre::infra::audit_key::AuditKey::from_seed(&SEED).expect("key");
    assert_eq!(key_a["public_key"], expected.public_key_hex().as_str());
    let with_dir = |dir: &std::path::Path| {
        vec![
            ("ANTRE_AUDIT_KEY".to_string(), audit_key(&SEED)),
            (
                "ANTRE_DATA_DIR".to_string(),
                dir.to_string_lossy().into_owned(),
            ),
        ]
    };
    let cli = |args: &[&str], dir: &std::path::Path| {
        let out = common::antre_cli_with(&db, args, "", &with_dir(dir));
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.code().unwrap_or(-1), text)
    };
    let (code, out) = cli(&["audit", "checkpoint"], db.data_dir.path());
    assert_eq!(code, 0, "{out}");
    // More entries (a sign-in through B), then a checkpoint from B's dir.
    fixtures::login(&b, &auditor.email, fixtures::STAFF_PASSWORD).await;
    let (code, out) = cli(&["audit", "checkpoint"], dir_b.path());
    assert_eq!(code, 0, "{out}");
    let (_, cps) = b
        .get("/api/v1/audit/checkpoints", Some(&auditor.token))
        .await;
    assert!(
        cps["checkpoints"].as_array().is_some_and(|c| c.len() >= 2),
        "{cps}"
    );
    let (code, out) = cli(&["audit", "verify"], dir_b.path());
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("audit log intact"), "{out}");
}
both_backends!(two_instances_share_documents_tokens_and_keys);

/// A second instance whose JWT secret or audit key is not the first one's
/// does not start; with the same keys it does.
async fn an_instance_with_another_key_refuses_to_start(backend: Backend) {
    let key = ("ANTRE_AUDIT_KEY".to_string(), audit_key(&SEED));
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    let first = TestApp::start(&db, &on(db.data_dir.path(), std::slice::from_ref(&key)));
    let dir = tempfile::tempdir().expect("tempdir");

    let other_secret = (
        "ANTRE_JWT_SECRET".to_string(),
        "another-secret-another-secret-0123456789".to_string(),
    );
    let (code, err) = TestApp::start_refused(&db, &on(dir.path(), &[key.clone(), other_secret]));
    let why = reason(code, &err);
    assert!(why.contains("ANTRE_JWT_SECRET"), "{why}");
    assert!(
        !why.contains("another-secret"),
        "never the key itself: {why}"
    );

    let other_key = ("ANTRE_AUDIT_KEY".to_string(), audit_key(&OTHER_SEED));
    let (code, err) = TestApp::start_refused(&db, &on(dir.path(), &[other_key]));
    assert!(reason(code, &err).contains("ANTRE_AUDIT_KEY"), "{err}");

    // Without ANTRE_AUDIT_KEY a new data dir would make a key of its own.
    let (code, err) = TestApp::start_refused(&db, &on(dir.path(), &[]));
    assert!(reason(code, &err).contains("ANTRE_AUDIT_KEY"), "{err}");

    // The same keys: a second instance with its own data dir starts.
    let second = TestApp::start(&db, &on(dir.path(), &[key]));
    let (status, _) = second.get("/health", None).await;
    assert_eq!(status, 200);
    let (status, _) = first.get("/health", None).await;
    assert_eq!(status, 200);

    // The database holds fingerprints of the keys, never the keys.
    let jwt = antre::infra::crypto::fingerprint(JWT_SECRET.as_bytes());
    let audit = antre::infra::audit_key::AuditKey::from_seed(&SEED)
        .expect("key")
        .fingerprint();
    let q = format!(
        "SELECT COUNT(*) AS n FROM key_fingerprints WHERE (name = 'jwt' AND fingerprint = '{jwt}') \
         OR (name = 'audit' AND fingerprint = '{audit}')"
    );
    assert_eq!(common::count(&db, &q), 2);
    assert_eq!(
        common::count(&db, "SELECT COUNT(*) AS n FROM key_fingerprints"),
        2
    );
}
both_backends!(an_instance_with_another_key_refuses_to_start);

/// Instances starting together on an empty database: one fingerprint is
/// recorded and every other one is refused, whatever the interleaving.
async fn instances_starting_together_record_one_fingerprint(backend: Backend) {
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    let url = antre::config::DatabaseUrl::parse(&db.url).expect("url");
    antre::db::Db::connect_once(&url)
        .and_then(|d| d.migrate())
        .expect("migrate");
    let n = 6;
    let barrier = Arc::new(Barrier::new(n));
    let threads: Vec<_> = (0..n)
        .map(|i| {
            let (url, barrier) = (url.clone(), barrier.clone());
            std::thread::spawn(move || {
                let db = antre::db::Db::connect_once(&url).expect("connect");
                let at = chrono::DateTime::parse_from_rfc3339(CLOCK).expect("clock");
                let clock = antre::clock::Clock::starting_at(Some(at.to_utc()));
                let fp = format!("sha256:candidate-{i}");
                barrier.wait();
                let key = antre::startup::SharedKey::Jwt;
                antre::startup::check_shared_key(&db, key, &fp, clock)
            })
        })
        .collect();
    let results: Vec<Result<(), String>> = threads
        .into_iter()
        .map(|t| t.join().expect("thread"))
        .collect();
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    for r in results.iter().filter_map(|r| r.as_ref().err()) {
        assert!(r.contains("ANTRE_JWT_SECRET"), "{r}");
    }
    assert_eq!(
        common::count(&db, "SELECT COUNT(*) AS n FROM key_fingerprints"),
        1
    );
}
both_backends!(instances_starting_together_record_one_fingerprint);

/// Instances starting together on an empty PostgreSQL database: the
/// migrations run under an advisory lock, once, and every start succeeds.
async fn instances_migrating_together(backend: Backend) {
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    let url = antre::config::DatabaseUrl::parse(&db.url).expect("url");
    let barrier = Arc::new(Barrier::new(4));
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let (url, barrier) = (url.clone(), barrier.clone());
            std::thread::spawn(move || {
                let db = antre::db::Db::connect_once(&url).expect("connect");
                barrier.wait();
                db.migrate()
            })
        })
        .collect();
    let applied: Vec<usize> = threads
        .into_iter()
        .map(|t| t.join().expect("thread").expect("migrate"))
        .collect();
    assert_eq!(
        applied.iter().filter(|n| **n > 0).count(),
        1,
        "one instance applies the migrations: {applied:?}"
    );
    let dirs = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/postgres"))
        .expect("migrations")
        .filter(|e| e.as_ref().is_ok_and(|e| e.path().is_dir()))
        .count();
    assert_eq!(applied.iter().sum::<usize>(), dirs, "{applied:?}");
    let recorded = common::count(&db, "SELECT COUNT(*) AS n FROM __diesel_schema_migrations");
    assert_eq!(usize::try_from(recorded).expect("count"), dirs);
}
tests_on!(instances_migrating_together, super::instances_migrating_together, postgres => Postgres);

/// Settings that cannot work, and what the reason for refusing them says.
const BAD_SETTINGS: &[(&str, &str, &str)] = &[
    ("ANTRE_STORAGE_URL", "gs://antre-docs", "unsupported scheme"),
    ("ANTRE_STORAGE_URL", "s3://Not_A_Bucket", "bucket"),
    (
        "ANTRE_STORAGE_URL",
        "/var/lib/antre",
        "expected file:///PATH",
    ),
    ("ANTRE_AUDIT_KEY", "c2hvcnQ=", "32 bytes"),
    ("ANTRE_AUDIT_KEY", "not base64!", "base64"),
];

/// Settings that cannot work stop the start with a one-line reason.
async fn bad_storage_or_key_settings_refuse_to_start(backend: Backend) {
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    for &(var, value, says) in BAD_SETTINGS {
        let opts = Options::clock(CLOCK).with_env(var, value);
        let (code, err) = TestApp::start_refused(&db, &opts);
        let why = reason(code, &err);
        assert!(
            why.contains(var) && why.contains(says),
            "{var}={value}: {why}"
        );
    }
}
sqlite_only!(bad_storage_or_key_settings_refuse_to_start);

/// The store dies in the middle of a run of uploads and comes back.
async fn store_outage_in_the_middle_of_uploads(backend: Backend) {
    let Some(mut s3) = S3Server::start("antre-outage").await else {
        return;
    };
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    let app = TestApp::start(&db, &on(db.data_dir.path(), &s3.env("p")));
    let (m, claim) = fixtures::member_with_claim(&app).await;
    let kinds = fixtures::RESIGNATION_ITEMS;

    // What each acknowledged upload stored, as served back at once.
    let mut acked: Vec<(i64, String, Vec<u8>)> = Vec::new();
    let mut refused = Vec::new();
    for i in 0..10 {
        if i == 3 {
            s3.kill();
        }
        let started = Instant::now();
        let answer = upload(&app, &m.token, claim, kinds[i % 4], 100 + i as u32).await;
        match answer.0 {
            201 => {
                let (doc, sha) = stored(&answer);
                let (status, bytes) = view(&app, &m.token, claim, doc).await;
                assert_eq!(status, 200);
                acked.push((doc, sha, bytes));
            }
            503 => {
                assert_eq!(error_code(&answer.1), "storage_unavailable", "{}", answer.1);
                assert!(
                    started.elapsed() < Duration::from_secs(15),
                    "{:?}",
                    started.elapsed()
                );
                refused.push(i);
            }
            other => panic!("upload {i} answered {other}: {}", answer.1),
        }
    }
    assert_eq!(acked.len(), 3, "before the outage every upload is stored");
    assert_eq!(refused.len(), 7, "during it none is: {refused:?}");

    // Views are 503 too, in the caller's language; the claim itself still
    // answers from the database.
    let (doc, _, _) = &acked[0];
    let (status, body) = view(&app, &m.token, claim, *doc).await;
    assert_eq!(status, 503);
    let v: Value = serde_json::from_slice(&body).expect("error body");
    assert_eq!(error_code(&v), "storage_unavailable");
    let res = app
        .client
        .get(app.url(&format!("/api/v1/claims/{claim}/documents/{doc}")))
        .bearer_auth(&m.token)
        .header("Accept-Language", "en")
        .send()
        .await
        .expect("view");
    let (status, v) = common::json_of(res).await;
    assert_eq!(status, 503);
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|t| t.contains("Document storage")),
        "{v}"
    );
    let (status, d) = fixtures::get_claim(&app, &m.token, claim).await;
    assert_eq!(status, 200, "{d}");

    // The database names exactly the acknowledged uploads.
    let count = |q: &str| {
        common::count(
            &db,
            &format!("SELECT COUNT(*) AS n FROM documents WHERE claim_id = {claim}{q}"),
        )
    };
    assert_eq!(count(""), acked.len() as i64);
    for (_, sha, _) in &acked {
        assert_eq!(count(&format!(" AND sha256 = '{sha}'")), 1);
    }

    // The store comes back. moto forgot everything (memory only); a real
    // store keeps what it confirmed, so that is put back first.
    s3.restart().await;
    for (_, sha, bytes) in &acked {
        s3.put_object(&document_key("p", sha), bytes.clone()).await;
    }
    let (doc, sha) = stored(&upload(&app, &m.token, claim, kinds[4], 200).await);
    let (status, bytes) = view(&app, &m.token, claim, doc).await;
    assert_eq!((status, sha256_hex(&bytes)), (200, sha));
    for (doc, _, bytes) in &acked {
        assert_eq!(
            view(&app, &m.token, claim, *doc).await,
            (200, bytes.clone())
        );
    }

    // Every document the claim lists is in the store.
    let (_, d) = fixtures::get_claim(&app, &m.token, claim).await;
    let docs = d["documents"].as_array().expect("documents");
    assert_eq!(docs.len(), acked.len() + 1, "{d}");
    for doc in docs {
        let sha = doc["sha256"].as_str().expect("sha256");
        assert!(
            s3.object(&document_key("p", sha)).await.is_some(),
            "{sha} not stored"
        );
    }
}
both_backends!(store_outage_in_the_middle_of_uploads);

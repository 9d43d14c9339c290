//! The black-box test harness: starts the real `antre` binary on port 0
//! with a fresh database (SQLite file, or a fresh PostgreSQL database when
//! `ANTRE_TEST_POSTGRES_URL` is set) and talks HTTP to it.
#![allow(dead_code)]

pub mod audit_synth;
pub mod bookings;
pub mod browser;
pub mod chrome;
pub mod files;
pub mod fixtures;
pub mod mime;
pub mod nginx;
pub mod s3;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use diesel::{Connection, RunQueryDsl};
use reqwest::{Client, Method, Response};
use serde_json::Value;

pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123456789";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database that outlives the app processes using it (for restart and
/// multi-instance tests).
pub struct TestDb {
    pub backend: Backend,
    pub url: String,
    pub data_dir: tempfile::TempDir,
    pg_name: Option<(String, String)>,
    /// The server clock of the last app started on this database, and when
    /// it started: operator commands (`antre user add`) run on the same
    /// clock, so no test ever reads the real date.
    clock: std::sync::Mutex<(chrono::DateTime<chrono::FixedOffset>, Instant)>,
}

/// The clock of an app started without one: tests never depend on the real
/// date (a Monday, a working day in every zone).
pub const DEFAULT_CLOCK: &str = "2026-11-23T08:00:00+07:00";

fn parse_clock(at: &str) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339(at).expect("test clock is RFC 3339")
}

pub fn under_ci() -> bool {
    matches!(std::env::var("CI").as_deref(), Ok("true" | "1"))
}

/// Whether `python3` can import `modules` (test servers from PyPI that
/// `.ci/run` installs: aiosmtpd, moto).
pub fn python_imports(modules: &str) -> bool {
    Command::new("python3")
        .args(["-c", &format!("import {modules}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A port nothing listens on now (for a server a test starts itself).
pub fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

impl TestDb {
    /// `None` when the backend is unavailable outside CI (with a notice);
    /// under `CI=true` a missing PostgreSQL fails the test.
    pub fn create(backend: Backend) -> Option<TestDb> {
        let data_dir = tempfile::tempdir().expect("tempdir");
        match backend {
            Backend::Sqlite => {
                let url = format!("sqlite://{}", data_dir.path().join("antre.db").display());
                Some(TestDb {
                    backend,
                    url,
                    data_dir,
                    pg_name: None,
                    clock: std::sync::Mutex::new((parse_clock(DEFAULT_CLOCK), Instant::now())),
                })
            }
            Backend::Postgres => {
                let Ok(base) = std::env::var("ANTRE_TEST_POSTGRES_URL") else {
                    if under_ci() {
                        panic!("CI=true but ANTRE_TEST_POSTGRES_URL is not set: PostgreSQL tests cannot be skipped in CI");
                    }
                    eprintln!("NOTICE: skipping PostgreSQL test: set ANTRE_TEST_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres) to run it");
                    return None;
                };
                let mut admin = match diesel::PgConnection::establish(&base) {
                    Ok(c) => c,
                    Err(e) => {
                        if under_ci() {
                            panic!("CI=true but PostgreSQL at ANTRE_TEST_POSTGRES_URL is unreachable: {e}");
                        }
                        eprintln!("NOTICE: skipping PostgreSQL test: cannot connect ({e})");
                        return None;
                    }
                };
                static N: AtomicU32 = AtomicU32::new(0);
                let name = format!(
                    "antre_t_{}_{}_{}",
                    std::process::id(),
                    N.fetch_add(1, Ordering::SeqCst),
                    rand_suffix()
                );
                diesel::sql_query(format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .expect("create test database");
                let mut u = url::Url::parse(&base).expect("postgres url");
                u.set_path(&format!("/{name}"));
                Some(TestDb {
                    backend,
                    url: u.to_string(),
                    data_dir,
                    pg_name: Some((base, name)),
                    clock: std::sync::Mutex::new((parse_clock(DEFAULT_CLOCK), Instant::now())),
                })
            }
        }
    }
}

impl TestDb {
    /// Now on the clock of the last app started here (RFC 3339), for
    /// processes that must share it.
    pub fn clock_now(&self) -> String {
        let (start, at) = *self.clock.lock().expect("clock lock");
        let elapsed = chrono::Duration::from_std(at.elapsed()).unwrap_or_default();
        (start + elapsed).to_rfc3339()
    }
}

/// Runs `antre ARGS…` against `db` as an operator would: only the ANTRE_*
/// variables of the test database, on the clock of its server, with
/// `stdin` as standard input.
pub fn antre_cli(db: &TestDb, args: &[&str], stdin: &str) -> std::process::Output {
    antre_cli_with(db, args, stdin, &[])
}

/// [`antre_cli`] with more variables (`env`, set last).
pub fn antre_cli_with(
    db: &TestDb,
    args: &[&str],
    stdin: &str,
    env: &[(String, String)],
) -> std::process::Output {
    use std::io::Write;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_antre"));
    cmd.args(args);
    for (k, _) in std::env::vars() {
        if k.starts_with("ANTRE_") {
            cmd.env_remove(k);
        }
    }
    cmd.current_dir(db.data_dir.path())
        .env("ANTRE_DATABASE_URL", &db.url)
        .env("ANTRE_DATA_DIR", db.data_dir.path())
        .env("ANTRE_CLOCK", db.clock_now())
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd.envs(env.iter().map(|(k, v)| (k, v)));
    let mut child = cmd.spawn().expect("spawn antre");
    {
        let mut input = child.stdin.take().expect("stdin");
        // The command may exit before reading (argument errors).
        let _ = input.write_all(stdin.as_bytes());
    }
    child.wait_with_output().expect("wait for antre")
}

fn rand_suffix() -> u32 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(Instant::now().elapsed().as_nanos());
    (h.finish() % 1_000_000) as u32
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((base, name)) = &self.pg_name {
            if let Ok(mut c) = diesel::PgConnection::establish(base) {
                let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut c);
            }
        }
    }
}

/// Options for starting an app process.
#[derive(Default, Clone)]
pub struct Options {
    /// RFC 3339 start of the server clock.
    pub clock: Option<String>,
    pub env: Vec<(String, String)>,
}

impl Options {
    pub fn clock(at: &str) -> Self {
        Options {
            clock: Some(at.into()),
            env: Vec::new(),
        }
    }
    pub fn with_env(mut self, k: &str, v: &str) -> Self {
        self.env.push((k.into(), v.into()));
        self
    }
    /// [`Options::with_env`] for each pair.
    pub fn with_pairs(self, env: &[(&str, &str)]) -> Self {
        env.iter().fold(self, |o, (k, v)| o.with_env(k, v))
    }

    pub fn with_envs(mut self, env: &[(String, String)]) -> Self {
        self.env.extend_from_slice(env);
        self
    }
}

pub struct TestApp {
    pub base: String,
    pub port: u16,
    pub client: Client,
    /// `None` for a server the test did not start as an app (a balancer).
    child: Option<Child>,
    pub stdout: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl TestApp {
    /// `antre serve` on `db` as the tests run it (`opts.env` set last).
    fn command(db: &TestDb, opts: &Options) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_antre"));
        cmd.arg("serve");
        for (k, _) in std::env::vars() {
            if k.starts_with("ANTRE_") {
                cmd.env_remove(k);
            }
        }
        cmd.current_dir(db.data_dir.path())
            .env("ANTRE_DATABASE_URL", &db.url)
            .env("ANTRE_BIND", "127.0.0.1:0")
            .env("ANTRE_DATA_DIR", db.data_dir.path())
            .env("ANTRE_JWT_SECRET", JWT_SECRET)
            .env("ANTRE_WORKER_INTERVAL_MS", "100")
            .env("ANTRE_MAIL_RETRY_SECS", "1")
            .env("ANTRE_DB_POOL_SIZE", "6")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let clock = opts.clock.as_deref().unwrap_or(DEFAULT_CLOCK);
        cmd.env("ANTRE_CLOCK", clock);
        *db.clock.lock().expect("clock lock") = (parse_clock(clock), Instant::now());
        for (k, v) in &opts.env {
            cmd.env(k, v);
        }
        cmd
    }

    /// Starts an instance that must refuse to: its exit code and what it
    /// wrote on standard error. Panics if it is still up after 60 s.
    pub fn start_refused(db: &TestDb, opts: &Options) -> (i32, String) {
        let mut cmd = Self::command(db, opts);
        cmd.stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn antre");
        let deadline = Instant::now() + Duration::from_secs(60);
        while child.try_wait().expect("wait").is_none() {
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("antre did not refuse to start within 60 s");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let out = child.wait_with_output().expect("output");
        let code = out.status.code().unwrap_or(-1);
        (code, String::from_utf8_lossy(&out.stderr).into_owned())
    }

    /// Starts the server on `db`; panics if it does not come up.
    pub fn start(db: &TestDb, opts: &Options) -> TestApp {
        let mut cmd = Self::command(db, opts);
        let mut child = cmd.spawn().expect("spawn antre");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let keep = lines.clone();
        std::thread::spawn(move || {
            let mut sent = false;
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if !sent {
                    if let Some(rest) = line.strip_prefix("Antre listening on http://") {
                        let addr = rest.split_whitespace().next().unwrap_or("").to_string();
                        let _ = tx.send(addr);
                        sent = true;
                    }
                }
                keep.lock().expect("lock").push(line);
            }
        });
        let addr = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(a) => a,
            Err(_) => {
                let _ = child.kill();
                panic!("antre did not start within 60 s");
            }
        };
        let port = addr
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("port");
        let client = app_client();
        TestApp {
            base: format!("http://{addr}"),
            port,
            client,
            child: Some(child),
            stdout: lines,
        }
    }

    /// Kills the process at once (SIGKILL): nothing gets to flush.
    pub fn kill(mut self) {
        if let Some(c) = self.child.as_mut() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Sends SIGTERM, as an orchestrator stopping the instance does.
    pub fn sigterm(&self) {
        let child = self.child.as_ref().expect("an app process");
        let sent = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(sent.success(), "kill -TERM failed");
    }

    /// Waits for the process to exit, at most `within`: its exit status,
    /// or a panic.
    pub async fn exited(mut self, within: Duration) -> std::process::ExitStatus {
        let child = self.child.as_mut().expect("an app process");
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = child.try_wait().expect("wait") {
                return status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("antre did not stop within {within:?}");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// A client of a server at `base` that another harness runs (nginx in
    /// front of instances): same cookies and timeouts as an app's.
    pub fn client_of(base: &str, port: u16) -> TestApp {
        TestApp {
            base: base.to_string(),
            port,
            client: app_client(),
            child: None,
            stdout: Default::default(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let res = req.send().await.expect("request");
        json_of(res).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        self.call(Method::GET, path, token, None).await
    }
    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
        self.call(Method::POST, path, token, Some(body)).await
    }
    pub async fn put(&self, path: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
        self.call(Method::PUT, path, token, Some(body)).await
    }
    pub async fn delete(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        self.call(Method::DELETE, path, token, None).await
    }
    /// GET `path` as `token` is 404 with an error code: someone else's
    /// object, as if it did not exist.
    pub async fn assert_hidden(&self, path: &str, token: &str) {
        let (status, v) = self.get(path, Some(token)).await;
        assert_eq!(status, 404, "{path}: {v}");
        error_code(&v);
    }
    /// GET `path` with a bearer token: the raw response (files, headers).
    pub async fn get_raw(&self, path: &str, token: &str) -> Response {
        let req = self.client.get(self.url(path)).bearer_auth(token);
        req.send().await.expect("request")
    }
    /// POST `path` with an empty JSON object (actions: submit, verify…).
    pub async fn act(&self, path: &str, token: &str) -> (u16, Value) {
        self.post(path, Some(token), &serde_json::json!({})).await
    }
    /// A multipart POST of one `file` part named `name` (uploads).
    pub async fn upload_file(
        &self,
        path: &str,
        token: &str,
        name: &str,
        bytes: Vec<u8>,
    ) -> (u16, Value) {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_string());
        let form = reqwest::multipart::Form::new().part("file", part);
        self.upload(path, token, form).await
    }
    /// A multipart POST (uploads).
    pub async fn upload(
        &self,
        path: &str,
        token: &str,
        form: reqwest::multipart::Form,
    ) -> (u16, Value) {
        let req = self.client.post(self.url(path)).bearer_auth(token);
        json_of(req.multipart(form).send().await.expect("request")).await
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(c) = self.child.as_mut() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

pub async fn json_of(res: Response) -> (u16, Value) {
    let status = res.status().as_u16();
    let text = res.text().await.unwrap_or_default();
    let v = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, v)
}

/// Asserts the API error shape and returns the code.
pub fn error_code(v: &Value) -> &str {
    let e = &v["error"];
    assert!(
        e["message"].as_str().is_some_and(|m| !m.is_empty()),
        "error without message: {v}"
    );
    e["code"]
        .as_str()
        .unwrap_or_else(|| panic!("not an error body: {v}"))
}

/// Asserts that an answer is the API error `code` with `status`.
pub fn assert_error(answer: &(u16, Value), status: u16, code: &str) {
    let (got, v) = answer;
    assert_eq!((*got, error_code(v)), (status, code), "{v}");
}

/// Sends only the head of a request whose body (announced as `length`
/// bytes) never comes: the server must answer 413 before reading it.
pub fn assert_refused_before_body(app: &TestApp, head: &str) {
    use std::io::{Read, Write};
    let mut tcp = std::net::TcpStream::connect(("127.0.0.1", app.port)).expect("connect");
    tcp.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    tcp.write_all(head.as_bytes()).expect("write");
    let mut buf = [0u8; 12];
    tcp.read_exact(&mut buf).expect("response");
    assert_eq!(&buf, b"HTTP/1.1 413", "{}", String::from_utf8_lossy(&buf));
}

/// One server-sent event frame (the text between blank lines): its kind,
/// its data (JSON, or the text as is) and its id.
pub fn sse_frame(frame: &str) -> (Option<String>, Value, Option<i64>) {
    let mut kind = None;
    let mut data = String::new();
    let mut id = None;
    for line in frame.lines() {
        if let Some(k) = line.strip_prefix("event:") {
            kind = Some(k.trim().to_string());
        } else if let Some(d) = line.strip_prefix("data:") {
            data.push_str(d.trim());
        } else if let Some(i) = line.strip_prefix("id:") {
            id = i.trim().parse::<i64>().ok();
        }
    }
    let v = serde_json::from_str(&data).unwrap_or(Value::String(data));
    (kind, v, id)
}

/// Waits until `f` returns Some, or panics after `secs`.
pub async fn eventually<T, F, Fut>(secs: u64, what: &str, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = f().await {
            return v;
        }
        if Instant::now() > deadline {
            panic!("timed out waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub fn mail_dir(db: &TestDb) -> PathBuf {
    db.data_dir.path().join("mail")
}

/// The `.eml` files written so far, as text.
pub fn mails(db: &TestDb) -> Vec<String> {
    let Ok(rd) = std::fs::read_dir(mail_dir(db)) else {
        return Vec::new();
    };
    let mut out: Vec<(std::time::SystemTime, String)> = rd
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .filter_map(|e| {
            let t = e.metadata().ok()?.modified().ok()?;
            Some((t, std::fs::read_to_string(e.path()).ok()?))
        })
        .collect();
    out.sort_by_key(|(t, _)| *t);
    out.into_iter().map(|(_, s)| s).collect()
}

/// A connection to the test database: `$c` bound to it in `$body`.
macro_rules! with_conn {
    ($db:expr, |$c:ident| $body:expr) => {
        match $db.backend {
            Backend::Sqlite => {
                let path = $db.url.trim_start_matches("sqlite://");
                let mut $c = diesel::SqliteConnection::establish(path).expect("sqlite");
                diesel::sql_query("PRAGMA busy_timeout = 10000")
                    .execute(&mut $c)
                    .expect("pragma");
                $body
            }
            Backend::Postgres => {
                let mut $c = diesel::PgConnection::establish(&$db.url).expect("pg");
                $body
            }
        }
    };
}

/// Decodes quoted-printable text (soft line breaks and `=XX` bytes).
pub fn decode_qp(s: &str) -> String {
    let s = s.replace("=\n", "");
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 3 <= bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            let is_hex = hex.bytes().all(|c| c.is_ascii_hexdigit());
            if let (true, Ok(b)) = (is_hex, u8::from_str_radix(hex, 16)) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Direct SQL on the test database (to inspect, or to simulate changes
/// made by operators).
pub fn sql(db: &TestDb, statement: &str) {
    with_conn!(db, |c| {
        diesel::sql_query(statement).execute(&mut c).expect("sql");
    })
}

#[derive(diesel::QueryableByName, Debug)]
pub struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub n: i64,
}

/// `SELECT COUNT(*) AS n …` on the test database.
pub fn count(db: &TestDb, query: &str) -> i64 {
    with_conn!(db, |c| {
        diesel::sql_query(query)
            .get_result::<Count>(&mut c)
            .expect("count")
            .n
    })
}

/// Runs `test` on a fresh database of `backend` with an app started on the
/// server clock `clock`; nothing when the backend is unavailable (see
/// [`TestDb::create`]).
pub async fn on_app<F, Fut>(backend: Backend, clock: &str, test: F)
where
    F: FnOnce(TestDb, TestApp) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    let app = TestApp::start(&db, &Options::clock(clock));
    test(db, app).await;
}

/// [`on_app`] with the server's environment extended by `env`.
pub async fn on_app_with<F, Fut>(backend: Backend, clock: &str, env: &[(&str, &str)], test: F)
where
    F: FnOnce(TestDb, TestApp) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    let app = TestApp::start(&db, &Options::clock(clock).with_pairs(env));
    test(db, app).await;
}

/// Generates `sqlite` and `postgres` test functions from one async body
/// taking the backend, or (`clock = …`) the database and an app started on
/// that server clock.
#[macro_export]
macro_rules! both_backends {
    ($name:ident, clock = $clock:ident) => {
        $crate::tests_on!($name, |b| $crate::common::on_app(b, super::$clock, super::$name), sqlite => Sqlite, postgres => Postgres);
    };
    ($name:ident, clock = $clock:ident, env = $env:ident) => {
        $crate::tests_on!($name, |b| $crate::common::on_app_with(b, super::$clock, super::$env, super::$name), sqlite => Sqlite, postgres => Postgres);
    };
    ($name:ident) => {
        $crate::tests_on!($name, super::$name, sqlite => Sqlite, postgres => Postgres);
    };
}

/// Runs a case on SQLite only (pure file-format checks: the database plays
/// no part in them), with an app started on the server clock `clock`.
#[macro_export]
macro_rules! sqlite_only {
    ($name:ident, clock = $clock:ident) => {
        $crate::tests_on!($name, |b| $crate::common::on_app(b, super::$clock, super::$name), sqlite => Sqlite);
    };    ($name:ident) => {
        $crate::tests_on!($name, super::$name, sqlite => Sqlite);
    };
}

/// A module `$name` of one test function per backend, each running
/// `$run(backend)`.
#[macro_export]
macro_rules! tests_on {
    ($name:ident, $run:expr, $($test:ident => $backend:ident),+) => {
        mod $name {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $test() {
                    ($run)($crate::common::Backend::$backend).await;
                }
            )+
        }
    };
}

impl TestApp {
    /// The server's process id (to read its memory use).
    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("an app process").id()
    }
}

#[derive(diesel::QueryableByName, Debug)]
pub struct Text {
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub s: String,
}

/// `SELECT … AS s …` (one text value) on the test database.
pub fn text(db: &TestDb, query: &str) -> String {
    with_conn!(db, |c| {
        diesel::sql_query(query)
            .get_result::<Text>(&mut c)
            .expect("text")
            .s
    })
}

/// The HTTP client of a test app: cookies kept, redirects not followed.
fn app_client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .pool_max_idle_per_host(64)
        // Below the server's 5 s keep-alive: a pooled connection is never
        // reused just as the server closes it (hyper would report
        // `IncompleteMessage` for a request it never answered).
        .pool_idle_timeout(Duration::from_secs(2))
        .build()
        .expect("client")
}

/// A real SMTP server (aiosmtpd), killed when dropped (also on panic).
pub struct Smtpd(std::process::Child);

impl Drop for Smtpd {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// aiosmtpd listening on `port`: what it receives kept in the mailbox
/// `mbox`, or discarded (`None`).
pub async fn smtpd(port: u16, mbox: Option<&std::path::Path>) -> Smtpd {
    use std::process::{Command, Stdio};
    let mut cmd = Command::new("python3");
    cmd.args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")]);
    match mbox {
        Some(mbox) => cmd.args(["-c", "aiosmtpd.handlers.Mailbox"]).arg(mbox),
        None => cmd.args(["-c", "aiosmtpd.handlers.Sink"]),
    };
    let server = Smtpd(
        cmd.stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn aiosmtpd"),
    );
    eventually(10, "aiosmtpd to listen", || async {
        std::net::TcpStream::connect(("127.0.0.1", port))
            .ok()
            .map(|_| ())
    })
    .await;
    server
}

//! CPU instructions per booking over HTTP (issue 18): a figure that does
//! not drift with the machine's noise. `perf stat -e instructions` needs a
//! hardware counter, which this kind of VM does not expose ("<not
//! supported>"), so the server runs under `valgrind --tool=callgrind`
//! with instrumentation off until the warm-up is done; `callgrind_control
//! -i on` starts counting, `-d` dumps the total after the measured
//! bookings. Counted: every thread of the server process (request,
//! booking transaction, confirmation mail into the outbox); not counted:
//! the outbox worker's later delivery (its interval is set beyond the run)
//! and PostgreSQL's own processes.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::json;

use super::booking::{check_sessions, prepare_day};
use super::{pool_size, Summary};
use crate::bench::support as b;
use crate::common::{Backend, TestDb, JWT_SECRET};

fn valgrind_present() -> bool {
    ["valgrind", "callgrind_control"].iter().all(|t| {
        Command::new(t)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok()
    })
}

/// `antre serve` under callgrind (instrumentation off); (process, base URL).
fn start(db: &TestDb, out: &Path) -> (Child, String) {
    let mut cmd = Command::new("valgrind");
    cmd.args(["--tool=callgrind", "--instr-atstart=no"])
        .arg(format!("--callgrind-out-file={}", out.display()))
        .arg(env!("CARGO_BIN_EXE_antre"))
        .arg("serve");
    for (k, _) in std::env::vars() {
        if k.starts_with("ANTRE_") {
            cmd.env_remove(k);
        }
    }
    let mut child = cmd
        .current_dir(db.data_dir.path())
        .env("ANTRE_DATABASE_URL", &db.url)
        .env("ANTRE_BIND", "127.0.0.1:0")
        .env("ANTRE_DATA_DIR", db.data_dir.path())
        .env("ANTRE_JWT_SECRET", JWT_SECRET)
        .env("ANTRE_CLOCK", b::CLOCK)
        .env("ANTRE_DB_POOL_SIZE", pool_size(db.backend).to_string())
        .env("ANTRE_WORKER_INTERVAL_MS", "3600000")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn valgrind");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(rest) = line.strip_prefix("Antre listening on http://") {
                let _ = tx.send(rest.split_whitespace().next().unwrap_or("").to_string());
            }
        }
    });
    match rx.recv_timeout(Duration::from_secs(300)) {
        Ok(addr) => (child, format!("http://{addr}")),
        Err(_) => {
            let _ = child.kill();
            panic!("antre under valgrind did not start within 300 s");
        }
    }
}

/// `callgrind_control ARGS PID`; false (with a notice) when it failed.
fn control(pid: u32, args: &[&str]) -> bool {
    let ok = Command::new("callgrind_control")
        .args(args)
        .arg(pid.to_string())
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        println!("  NOTICE: callgrind_control {args:?} {pid} failed: no instruction count");
    }
    ok
}

/// Sums the `summary:`/`totals:` lines of the dumps in `dir` (one per dump).
fn dumped_instructions(dir: &Path) -> u64 {
    let mut total = 0;
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if !e
            .file_name()
            .to_string_lossy()
            .starts_with("callgrind.out.")
        {
            continue;
        }
        let text = std::fs::read_to_string(e.path()).unwrap_or_default();
        total += text
            .lines()
            .find_map(|l| {
                l.strip_prefix("summary:")
                    .or_else(|| l.strip_prefix("totals:"))
            })
            .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
            .unwrap_or(0);
    }
    total
}

/// With `ANTRE_BENCH_CALLGRIND_DIR`, the dumps are copied there for
/// `callgrind_annotate` (where the instructions go, function by function).
fn keep_dumps(dir: &Path) {
    let Ok(keep) = std::env::var("ANTRE_BENCH_CALLGRIND_DIR") else {
        return;
    };
    let keep = Path::new(&keep);
    let _ = std::fs::create_dir_all(keep);
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = e.file_name();
        if name.to_string_lossy().starts_with("callgrind.out.") {
            match std::fs::copy(e.path(), keep.join(&name)) {
                Ok(_) => println!(
                    "  kept {}: callgrind_annotate --inclusive=yes it",
                    keep.join(&name).display()
                ),
                Err(err) => println!("  NOTICE: cannot keep {}: {err}", name.to_string_lossy()),
            }
        }
    }
}

pub async fn instructions(backend: Backend, s: &mut Summary) {
    let n: usize = b::param("ANTRE_BENCH_INSTR_N", 300);
    let warm = 30usize;
    println!(
        "\n== instructions per booking, {}: {n} bookings under callgrind",
        super::name(backend)
    );
    if !valgrind_present() {
        println!("  NOTICE: valgrind/callgrind_control absent (apt-get install valgrind): skipped");
        return;
    }
    let Some(tdb) = TestDb::create(backend) else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut child, base) = start(&tdb, &dir.path().join("callgrind.out"));
    let (ids, members) = {
        let db = b::open(&tdb, 2);
        let ids = prepare_day(&db, n + warm);
        (ids, b::members(&db, 0, (n + warm) as u32, b::clock()))
    };
    let client = b::client(4);
    let url = format!("{base}/api/v1/bookings");
    let book = |range: std::ops::Range<usize>| {
        let (client, url, members, ids) =
            (client.clone(), url.clone(), members.clone(), ids.clone());
        let start = range.start;
        b::closed_loop(range.len(), 4, move |i| {
            let i = start + i;
            let m = &members[i];
            b::status_of(
                client
                    .post(&url)
                    .bearer_auth(&m.token)
                    .json(&json!({"slot_id": ids[i % ids.len()], "claim_id": m.claim})),
            )
        })
    };
    let warmed = book(0..warm).await;
    assert_eq!(warmed.count(201), warm, "warm-up bookings");
    let pid = child.id();
    let on = tokio::task::block_in_place(|| control(pid, &["-i", "on"]));
    let run = book(warm..warm + n).await;
    let dumped = on && tokio::task::block_in_place(|| control(pid, &["-d"]));
    let _ = child.kill();
    let _ = child.wait();
    if !dumped {
        return;
    }
    assert_eq!(
        run.count(201),
        n,
        "measured bookings: {:?}",
        run.others(201)
    );
    assert_eq!(check_sessions(&tdb, &ids), (n + warm) as i64);
    let total = dumped_instructions(dir.path());
    keep_dumps(dir.path());
    let per = total as f64 / n as f64;
    println!("  {total} instructions for {n} bookings: {per:.0} each");
    s.section("booking: CPU instructions (callgrind)", backend)
        .info(
            "instructions per booking over HTTP (server process)",
            format!("{:.2} M", per / 1e6),
        );
}

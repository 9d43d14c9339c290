//! A peer side by side (issue 18): django-appointment 3.12 from PyPI
//! (Django 5.2, gunicorn with 2 sync workers, SQLite WAL with
//! `synchronous=FULL`), set up in a virtualenv under a temporary directory
//! and measured in the same run as Antre with its own Python driver
//! (`tests/it/bench/peer/driver.py`): a booking is its two form POSTs
//! (`/appointment/request-submit/`, then the client-information form it
//! redirects to) with CSRF and a signed-in session. Its wheel ships no
//! migrations: `makemigrations appointment django_q` first.
//! `ANTRE_BENCH_PEER_VENV=DIR` keeps the virtualenv in DIR between runs.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::{Latency, Summary};
use crate::bench::support as b;
use crate::common::Backend;

const FILES: [(&str, &str); 5] = [
    ("settings.py", include_str!("../peer/settings.py")),
    ("urls.py", include_str!("../peer/urls.py")),
    ("wsgi.py", include_str!("../peer/wsgi.py")),
    ("seed.py", include_str!("../peer/seed.py")),
    ("driver.py", include_str!("../peer/driver.py")),
];

/// What is installed from PyPI.
const REQUIREMENTS: [&str; 5] = [
    "django-appointment~=3.12.0",
    "Django~=5.2.0",
    "django-q2",
    "gunicorn",
    "requests",
];

pub const BENCH: &str = "peer: django-appointment 3.12 (gunicorn, 2 sync workers)";

fn run(cmd: &mut Command, what: &str) -> Result<String, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("{what}: cannot run: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{what}: {}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The virtualenv with the peer installed (reused when kept).
fn venv(tmp: &Path) -> Result<PathBuf, String> {
    let dir = std::env::var("ANTRE_BENCH_PEER_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|_| tmp.join("venv"));
    if !dir.join("bin/gunicorn").exists() {
        println!(
            "  creating a virtualenv in {} and installing {REQUIREMENTS:?} from PyPI",
            dir.display()
        );
        run(
            Command::new("python3").args(["-m", "venv"]).arg(&dir),
            "python3 -m venv",
        )?;
        run(
            Command::new(dir.join("bin/pip"))
                .args(["install", "-q", "--disable-pip-version-check"])
                .args(REQUIREMENTS),
            "pip install",
        )?;
    }
    let freeze = run(
        Command::new(dir.join("bin/pip")).arg("freeze"),
        "pip freeze",
    )?;
    let versions: Vec<&str> = freeze
        .lines()
        .filter(|l| {
            ["django-appointment", "Django=", "gunicorn", "django-q2"]
                .iter()
                .any(|p| l.starts_with(p))
        })
        .collect();
    println!("  peer: {}", versions.join(", "));
    Ok(dir)
}

/// A Python command in the site directory with the site's environment.
fn python(venv: &Path, site: &Path, db: &Path) -> Command {
    let mut c = Command::new(venv.join("bin/python"));
    c.current_dir(site)
        .env("PEER_DB", db)
        .env("DJANGO_SETTINGS_MODULE", "settings")
        .env("PYTHONPATH", site);
    c
}

/// The site written, migrated and seeded: its directory, its database,
/// the seed file.
fn site(tmp: &Path, venv: &Path, clients: usize) -> Result<(PathBuf, PathBuf, PathBuf), String> {
    let site = tmp.join("site");
    std::fs::create_dir_all(&site).map_err(|e| e.to_string())?;
    for (name, text) in FILES {
        std::fs::write(site.join(name), text).map_err(|e| e.to_string())?;
    }
    let db = tmp.join("peer.sqlite3");
    run(
        python(venv, &site, &db).args([
            "-m",
            "django",
            "makemigrations",
            "appointment",
            "django_q",
        ]),
        "makemigrations",
    )?;
    run(
        python(venv, &site, &db).args(["-m", "django", "migrate", "--noinput"]),
        "migrate",
    )?;
    let seed = run(
        python(venv, &site, &db).args(["seed.py", &clients.to_string()]),
        "seed",
    )?;
    let seed_path = tmp.join("seed.json");
    std::fs::write(&seed_path, seed.trim()).map_err(|e| e.to_string())?;
    Ok((site, db, seed_path))
}

/// gunicorn with 2 sync workers on a free port; (process, base URL).
fn gunicorn(venv: &Path, site: &Path, db: &Path, log: &Path) -> Result<(Child, String), String> {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let log = std::fs::File::create(log).map_err(|e| e.to_string())?;
    let err = log.try_clone().map_err(|e| e.to_string())?;
    let child = Command::new(venv.join("bin/gunicorn"))
        .args([
            "-w",
            "2",
            "-b",
            &format!("127.0.0.1:{port}"),
            "wsgi:application",
        ])
        .current_dir(site)
        .env("PEER_DB", db)
        .env("DJANGO_SETTINGS_MODULE", "settings")
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(err)
        .spawn()
        .map_err(|e| format!("gunicorn: {e}"))?;
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            return Err("gunicorn did not listen within 60 s".into());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok((child, base))
}

/// CPU milliseconds of a process and its children (gunicorn's workers).
fn tree_cpu_ms(pid: u32) -> f64 {
    let mut total = b::cpu_ms(&pid.to_string());
    if let Ok(rd) = std::fs::read_dir("/proc") {
        for e in rd.filter_map(Result::ok) {
            let name = e.file_name().to_string_lossy().into_owned();
            if !name.bytes().all(|c| c.is_ascii_digit()) {
                continue;
            }
            let stat = std::fs::read_to_string(e.path().join("stat")).unwrap_or_default();
            let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
            if rest.split_whitespace().nth(1) == Some(pid.to_string().as_str()) {
                total += b::cpu_ms(&name);
            }
        }
    }
    total
}

fn latency(v: &Value) -> Latency {
    let f = |k: &str| v[k].as_f64().unwrap_or(0.0);
    Latency {
        n: v["ok"].as_u64().unwrap_or(0) as usize,
        p50: f("p50"),
        p95: f("p95"),
        p99: f("p99"),
        max: 0.0,
    }
}

/// Antre's booking throughput under the native generator on SQLite in
/// this run (the figure the peer is compared with).
fn antre_rate(s: &Summary) -> Option<f64> {
    s.rows.iter().find_map(|r| {
        (r["bench"].as_str() == Some(super::booking::NATIVE)
            && r["backend"].as_str() == Some("SQLite")
            && r["figure"].as_str() == Some("bookings/s"))
        .then(|| r["value"].as_str().and_then(|v| v.parse::<f64>().ok()))
        .flatten()
    })
}

fn measure(s: &mut Summary, tmp: &Path) -> Result<(), String> {
    let clients: usize = b::param("ANTRE_BENCH_PEER_CLIENTS", 64);
    let n: usize = b::param("ANTRE_BENCH_PEER_N", 600);
    let reads: usize = b::param("ANTRE_BENCH_PEER_READS", 1000);
    let racers: usize = b::param("ANTRE_BENCH_RACE", 300);
    let venv = venv(tmp)?;
    let (site, db, seed) = site(tmp, &venv, clients.max(racers))?;
    let (mut child, base) = gunicorn(&venv, &site, &db, &tmp.join("gunicorn.log"))?;
    let driver = |args: &[String]| -> Result<Value, String> {
        let out = run(
            python(&venv, &site, &db).arg("driver.py").args(args),
            "driver",
        )?;
        serde_json::from_str(out.trim()).map_err(|e| format!("driver output {out:?}: {e}"))
    };
    let seed_s = seed.display().to_string();
    let args = |phase: &str, c: usize, last: String| {
        vec![
            phase.to_string(),
            base.clone(),
            seed_s.clone(),
            c.to_string(),
            last,
        ]
    };
    let result = (|| -> Result<(Value, f64, Value, Value), String> {
        let before = tree_cpu_ms(child.id());
        let book = driver(&args("book", clients, n.to_string()))?;
        let cpu = (tree_cpu_ms(child.id()) - before) / book["ok"].as_f64().unwrap_or(1.0).max(1.0);
        println!("  peer bookings: {book}");
        let avail = driver(&args("avail", clients, reads.to_string()))?;
        println!("  peer availability: {avail}");
        let race = driver(&args("race", racers, db.display().to_string()))?;
        println!("  peer race: {race}");
        Ok((book, cpu, avail, race))
    })();
    // SIGTERM: gunicorn stops its workers too.
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
    let (book, cpu, avail, race) = result?;

    let rate = book["rate"].as_f64().unwrap_or(0.0);
    let mut r = s.section(BENCH, Backend::Sqlite);
    r.info(
        &format!("bookings/s at {clients} clients (its Python driver)"),
        format!("{rate:.1}"),
    );
    r.info(
        "booking latency (2 POSTs)",
        super::latency_cell(&latency(&book)),
    );
    r.errors(book["errors"].as_u64().unwrap_or(0) as usize);
    r.info("server CPU per booking", format!("{cpu:.1} ms"));
    r.info(
        &format!("availability reads/s at {clients} clients"),
        format!("{:.0}", avail["rate"].as_f64().unwrap_or(0.0)),
    );
    r.info(
        &format!("race: {racers} clients, one seat"),
        format!("{} bookings stored", race["stored"]),
    );
    if let Some(antre) = antre_rate(s) {
        let x = antre / rate.max(1e-9);
        s.section(BENCH, Backend::Sqlite).goal(
            "Antre / peer booking throughput",
            format!("{x:.0}x"),
            ">= 50x",
            x >= 50.0,
        );
    }
    Ok(())
}

/// The peer phase; skipped with a notice when Python or PyPI is missing.
pub async fn peer(s: &mut Summary) {
    println!("\n== peer: django-appointment 3.12 on SQLite (gunicorn, 2 sync workers)");
    let tmp = tempfile::tempdir().expect("tempdir");
    if let Err(e) = tokio::task::block_in_place(|| measure(s, tmp.path())) {
        println!("  NOTICE: peer skipped: {e}");
    }
}

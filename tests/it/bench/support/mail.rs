//! Mail after a rush: the confirmations a booking rush leaves in the
//! outbox, delivered through a real SMTP server (aiosmtpd, discarding what
//! it receives) by the server's mail worker.

use std::time::{Duration, Instant};

use antre::app::booking::place_blocking;

use super::booking::{placing, prepare_day, URL};
use super::{CpuMeter, Summary};
use crate::bench::support as b;
use crate::common::{self, Backend, Options, TestApp};

fn sent(tdb: &common::TestDb) -> i64 {
    common::count(
        tdb,
        "SELECT COUNT(*) AS n FROM outbox WHERE channel = 'email' AND sent_at IS NOT NULL",
    )
}

pub async fn mail(backend: Backend, s: &mut Summary) {
    let n: usize = b::param("ANTRE_BENCH_MAILS", 2000);
    if !common::python_imports("aiosmtpd") {
        println!(
            "\n  NOTICE: aiosmtpd absent (python3 -m pip install aiosmtpd): mail phase skipped"
        );
        return;
    }
    let detail = format!("{n} booking confirmations due at once");
    let Some((tdb, first, now)) = b::started(backend, "mail after a rush", &detail) else {
        return;
    };
    // The backlog is written with no server running: the rush's bookings,
    // each with its confirmation (a letter, rendered at delivery).
    first.kill();
    {
        let db = b::open(&tdb, 2);
        let ids = prepare_day(&db, n);
        for (i, m) in b::members(&db, 0, u32::try_from(n).expect("n"), now)
            .iter()
            .enumerate()
        {
            place_blocking(&db, &placing(m.id, m.claim, ids[i % ids.len()]), now, URL)
                .unwrap_or_else(|e| panic!("booking {i}: {}", e.code));
        }
    }
    let before = sent(&tdb);
    let port = common::free_port();
    let _smtpd = common::smtpd(port, None).await;
    // The worker's first tick runs at start; the next would be ten
    // minutes later: what is measured is one tick's drain.
    let app = TestApp::start(
        &tdb,
        &Options::clock(super::CLOCK)
            .with_env("ANTRE_DB_POOL_SIZE", &b::pool_size(backend).to_string())
            .with_env("ANTRE_SMTP_URL", &format!("smtp://127.0.0.1:{port}"))
            .with_env("ANTRE_WORKER_INTERVAL_MS", "600000"),
    );
    let cpu = CpuMeter::start(Some(app.pid()));
    let target = before + i64::try_from(n).expect("n");
    // From the first mail sent to the last.
    let mut first_at = None;
    let deadline = Instant::now() + Duration::from_secs(300);
    let mut done = before;
    while Instant::now() < deadline {
        done = sent(&tdb);
        if first_at.is_none() && done > before {
            first_at = Some(Instant::now());
        }
        if done >= target {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let took = first_at.map_or(Duration::ZERO, |t| t.elapsed());
    let delivered = usize::try_from(done - before).unwrap_or(0);
    let used = cpu.per(delivered);
    let rate = delivered as f64 / took.as_secs_f64().max(1e-3);
    println!(
        "  {delivered} of {n} delivered in {:.2} s: {rate:.0} mails/s; {used}",
        took.as_secs_f64()
    );
    let mut r = s.section("mail: a rush's confirmations through SMTP", backend);
    r.info("mails/s (one tick of the worker)", format!("{rate:.0}"));
    r.info("server CPU per mail", format!("{:.2} ms", used.server));
    r.errors(n - delivered.min(n));
}

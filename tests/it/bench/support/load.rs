//! Latency statistics and the load generators: an open loop at a constant
//! arrival rate (latency from the intended send time) and a closed loop.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------
// Statistics.

#[derive(Debug, Clone, Copy, Default)]
pub struct Latency {
    pub n: usize,
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Nearest-rank percentiles, in milliseconds.
pub fn latency(mut v: Vec<Duration>) -> Latency {
    if v.is_empty() {
        return Latency::default();
    }
    v.sort();
    let at = |q: f64| {
        let rank = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len());
        ms(v[rank - 1])
    };
    Latency {
        n: v.len(),
        p50: at(0.50),
        p95: at(0.95),
        p99: at(0.99),
        max: ms(v[v.len() - 1]),
    }
}

impl std::fmt::Display for Latency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms (n = {})",
            self.p50, self.p95, self.p99, self.max, self.n
        )
    }
}

// ---------------------------------------------------------------------------
// Load generators.

/// One request: its HTTP status (0 = no response) and latency.
#[derive(Debug, Clone, Copy)]
pub struct Shot {
    pub status: u16,
    pub latency: Duration,
}

pub struct Run {
    pub shots: Vec<Shot>,
    /// From the first intended send to the last response.
    pub wall: Duration,
}

impl Run {
    pub fn count(&self, status: u16) -> usize {
        self.shots.iter().filter(|s| s.status == status).count()
    }

    /// Per second, over the run's wall time.
    pub fn rate(&self, status: u16) -> f64 {
        self.count(status) as f64 / self.wall.as_secs_f64().max(1e-9)
    }

    pub fn latency(&self) -> Latency {
        latency(self.shots.iter().map(|s| s.latency).collect())
    }

    /// Statuses other than `ok`, counted.
    pub fn others(&self, ok: u16) -> std::collections::BTreeMap<u16, usize> {
        let mut m = std::collections::BTreeMap::new();
        for s in self.shots.iter().filter(|s| s.status != ok) {
            *m.entry(s.status).or_insert(0) += 1;
        }
        m
    }
}

/// Open loop: request `i` is due at `start + i / rate` (all at `start`
/// when `rate` is `None`), whatever happened to the earlier ones; at most
/// `clients` are in flight. Latency runs from the INTENDED send time, so
/// time spent waiting for a free client or behind a slow server counts
/// (no coordinated omission).
pub async fn open_loop<F, Fut>(n: usize, rate: Option<f64>, clients: usize, make: F) -> Run
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = u16> + Send + 'static,
{
    let gate = Arc::new(tokio::sync::Semaphore::new(clients.max(1)));
    let start = Instant::now() + Duration::from_millis(100);
    let mut tasks = Vec::with_capacity(n);
    for i in 0..n {
        let due = match rate {
            Some(r) if r > 0.0 => start + Duration::from_secs_f64(i as f64 / r),
            _ => start,
        };
        let request = make(i);
        let gate = gate.clone();
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep_until(due.into()).await;
            let _permit = gate.acquire_owned().await.expect("semaphore open");
            let status = request.await;
            let done = Instant::now();
            (
                Shot {
                    status,
                    latency: done.saturating_duration_since(due),
                },
                done,
            )
        }));
    }
    let mut shots = Vec::with_capacity(n);
    let mut last = start;
    for t in tasks {
        let (shot, done) = t.await.expect("request task");
        shots.push(shot);
        last = last.max(done);
    }
    Run {
        shots,
        wall: last.saturating_duration_since(start),
    }
}

/// Closed loop: `clients` workers send `n` requests in all, each worker
/// its next request as soon as the previous one is answered.
pub async fn closed_loop<F, Fut>(n: usize, clients: usize, make: F) -> Run
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = u16> + Send + 'static,
{
    let make = Arc::new(make);
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let workers: Vec<_> = (0..clients.max(1))
        .map(|_| {
            let (make, next) = (make.clone(), next.clone());
            tokio::spawn(async move {
                let mut shots = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    if i >= n {
                        break;
                    }
                    let t = Instant::now();
                    let status = make(i).await;
                    shots.push(Shot {
                        status,
                        latency: t.elapsed(),
                    });
                }
                shots
            })
        })
        .collect();
    let mut shots = Vec::with_capacity(n);
    for w in workers {
        shots.extend(w.await.expect("worker"));
    }
    Run {
        shots,
        wall: start.elapsed(),
    }
}

/// An HTTP client for `clients` concurrent connections.
pub fn client(clients: usize) -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .timeout(Duration::from_secs(120))
        .build()
        .expect("client")
}

/// The status of a sent request (0 when it failed), body drained.
pub async fn status_of(r: reqwest::RequestBuilder) -> u16 {
    match r.send().await {
        Ok(res) => {
            let s = res.status().as_u16();
            match res.bytes().await {
                Ok(_) => s,
                Err(_) => 0,
            }
        }
        Err(_) => 0,
    }
}

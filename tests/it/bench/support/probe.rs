//! The machine and the server process: cores, memory and load, peak
//! resident memory, and CPU time (Linux `/proc`).

use std::collections::HashMap;

// ---------------------------------------------------------------------------
// Environment and machine.

/// A numeric parameter from the environment, or its default.
pub fn param<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// Cores, memory and CPU model of this machine, read now.
pub fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_kb: u64 = meminfo
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, m)| m.trim().to_string())
        .unwrap_or_else(|| "unknown CPU".into());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    format!(
        "{cores} cores ({model}), {:.1} GiB memory, load average {} at start",
        mem_kb as f64 / 1024.0 / 1024.0,
        load.join(" ")
    )
}

/// Peak resident memory (VmHWM) of a process, in MiB.
pub fn peak_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

// ---------------------------------------------------------------------------
// CPU accounting (Linux /proc; clock ticks of 10 ms).

/// User + system CPU time of a process so far, in milliseconds.
pub fn cpu_ms(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name, which may hold spaces: state is
    // field 3, utime 14 and stime 15.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) * 10.0
}

/// CPU time of each PostgreSQL process on this machine so far, in ms, by
/// process id.
pub fn postgres_cpu_ms() -> HashMap<String, f64> {
    let Ok(rd) = std::fs::read_dir("/proc") else {
        return HashMap::new();
    };
    rd.filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|pid| pid.bytes().all(|b| b.is_ascii_digit()))
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|c| c.trim() == "postgres")
        })
        .map(|pid| {
            let ms = cpu_ms(&pid);
            (pid, ms)
        })
        .collect()
}

/// CPU PostgreSQL's processes used between two readings of
/// [`postgres_cpu_ms`]: each process's own difference. Summing both
/// readings and subtracting counted a process that ended in between (a
/// connection of the phase's set-up, closed as the phase began) as
/// negative work: the figure came out at about 0.6 of what `perf` saw.
/// What a process that ended in between used since the first reading is
/// not counted.
pub fn postgres_used_ms(start: &HashMap<String, f64>, end: &HashMap<String, f64>) -> f64 {
    end.iter()
        .map(|(pid, ms)| ms - start.get(pid).copied().unwrap_or(0.0))
        .filter(|d| *d > 0.0)
        .fold(0.0, |all, d| all + d)
}

/// CPU used during a phase by the test process (load generator or raw
/// loop), the server and PostgreSQL.
#[derive(Debug, Clone, Copy, Default)]
pub struct Cpu {
    pub client: f64,
    pub server: f64,
    pub postgres: f64,
}

pub struct CpuMeter {
    server: Option<u32>,
    start: Cpu,
    postgres: HashMap<String, f64>,
}

impl CpuMeter {
    pub fn start(server: Option<u32>) -> Self {
        let start = Self::now(server);
        let postgres = postgres_cpu_ms();
        CpuMeter {
            server,
            start,
            postgres,
        }
    }

    fn now(server: Option<u32>) -> Cpu {
        Cpu {
            client: cpu_ms("self"),
            server: server.map_or(0.0, |p| cpu_ms(&p.to_string())),
            postgres: 0.0,
        }
    }

    /// CPU milliseconds per unit of work since `start`.
    pub fn per(&self, units: usize) -> Cpu {
        let end = Self::now(self.server);
        let postgres = postgres_used_ms(&self.postgres, &postgres_cpu_ms());
        let n = units.max(1) as f64;
        Cpu {
            client: (end.client - self.start.client) / n,
            server: (end.server - self.start.server) / n,
            postgres: postgres / n,
        }
    }
}

impl std::fmt::Display for Cpu {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "CPU ms each: test process {:.2}, server {:.2}, PostgreSQL {:.2}",
            self.client, self.server, self.postgres
        )
    }
}

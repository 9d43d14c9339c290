//! A real nginx (Debian's package, which `.ci/run` installs) as the load
//! balancer in front of app instances: round-robin over fixed ports, with
//! the settings the README's "Running several instances" recommends
//! (WebSocket upgrade, unbuffered SSE, a drained instance's 503 retried on
//! the next). Its access log names the instance that served each request,
//! so a test can prove two requests crossed instances. Under `CI=true` a
//! missing nginx fails the test; elsewhere the test is skipped with a
//! notice.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{free_port, under_ci};

pub struct Nginx {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Child,
}

/// One line of the access log.
#[derive(Debug, Clone)]
pub struct Served {
    pub method: String,
    pub path: String,
    pub status: u16,
    /// Every instance tried, in order (`127.0.0.1:PORT`; more than one
    /// when nginx retried on the next).
    pub upstreams: Vec<String>,
}

impl Served {
    /// The instance that gave the answer.
    pub fn by(&self) -> &str {
        self.upstreams.last().map_or("", String::as_str)
    }
}

fn binary() -> Option<&'static str> {
    ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
}

/// The upstream and proxy settings the README recommends.
pub const PROXY: &str = r#"
    map $http_upgrade $connection_upgrade { default upgrade; '' close; }
    server {
        listen 127.0.0.1:{port};
        client_max_body_size 16m;
        location / {
            proxy_pass http://antre;
            proxy_http_version 1.1;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_buffering off;
            proxy_read_timeout 1h;
            proxy_next_upstream error timeout http_503 non_idempotent;
            proxy_next_upstream_tries 3;
        }
    }
"#;

impl Nginx {
    /// nginx on a free port balancing over the instances on `ports`.
    pub fn start(ports: &[u16]) -> Option<Nginx> {
        let Some(bin) = binary() else {
            if under_ci() {
                panic!("CI=true but nginx is not installed (apt-get install nginx); the load balancer test cannot be skipped in CI");
            }
            eprintln!("NOTICE: skipping a load balancer test: install nginx (apt-get install nginx) to run it");
            return None;
        };
        for _ in 0..5 {
            let dir = tempfile::tempdir().expect("tempdir");
            let port = free_port();
            let d = dir.path().display();
            let servers: String = ports
                .iter()
                .map(|p| format!("        server 127.0.0.1:{p} max_fails=1 fail_timeout=2s;\n"))
                .collect();
            let conf = format!(
                "daemon off;\nmaster_process off;\nworker_processes 1;\n\
                 error_log {d}/error.log warn;\npid {d}/nginx.pid;\n\
                 events {{ worker_connections 4096; }}\n\
                 http {{\n\
                     log_format lb '$request_method $uri $status \"$upstream_addr\"';\n\
                     access_log {d}/access.log lb;\n\
                     client_body_temp_path {d}/body; proxy_temp_path {d}/proxy;\n\
                     fastcgi_temp_path {d}/fastcgi; uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;\n\
                     upstream antre {{\n        zone antre 64k;\n{servers}    }}\n\
                     {}\n}}\n",
                PROXY.replace("{port}", &port.to_string())
            );
            let path = dir.path().join("nginx.conf");
            std::fs::write(&path, conf).expect("write nginx.conf");
            let child = Command::new(bin)
                .arg("-c")
                .arg(&path)
                .arg("-p")
                .arg(dir.path())
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::inherit())
                .spawn()
                .expect("spawn nginx");
            let mut nginx = Nginx { port, dir, child };
            if nginx.wait_listening() {
                return Some(nginx);
            }
        }
        panic!("nginx did not start on any of 5 ports");
    }

    /// True once nginx accepts connections; false when it exited (port
    /// taken between choosing and binding).
    fn wait_listening(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if self.child.try_wait().expect("wait").is_some() {
                return false;
            }
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("nginx did not listen within 20 s: {}", self.errors());
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Every request served so far (a request is logged when it ends).
    pub fn served(&self) -> Vec<Served> {
        let log = std::fs::read_to_string(self.dir.path().join("access.log")).unwrap_or_default();
        log.lines()
            .filter_map(|line| {
                let (head, upstream) = line.split_once(" \"")?;
                let mut parts = head.split(' ');
                Some(Served {
                    method: parts.next()?.to_string(),
                    path: parts.next()?.to_string(),
                    status: parts.next()?.parse().ok()?,
                    upstreams: upstream
                        .trim_end_matches('"')
                        .split(", ")
                        .filter(|u| u.contains(':'))
                        .map(str::to_string)
                        .collect(),
                })
            })
            .collect()
    }

    /// nginx's error log (for failure messages).
    pub fn errors(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("error.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

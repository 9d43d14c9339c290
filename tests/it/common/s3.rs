//! A real S3-compatible server for the object store tests: moto's server
//! mode (`python3 -m moto.server`, `moto[server]` from PyPI, which
//! `.ci/run` installs; a test never downloads anything). Under `CI=true` a
//! missing moto fails the test; elsewhere the test is skipped with a
//! notice. moto keeps its objects in memory: after [`S3Server::restart`]
//! the bucket is there again, empty.

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use object_store::aws::AmazonS3Builder;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

use super::{free_port, python_imports, under_ci};

pub struct S3Server {
    pub port: u16,
    pub bucket: String,
    child: Option<Child>,
}

impl S3Server {
    /// A fresh moto server with an empty `bucket`, or `None` (with a
    /// notice) when moto is not installed outside CI.
    pub async fn start(bucket: &str) -> Option<S3Server> {
        if !python_imports("moto.server, flask_cors") {
            if under_ci() {
                panic!("CI=true but python3 cannot import moto.server: install it (python3 -m pip install 'moto[server]'); the object store tests cannot be skipped in CI");
            }
            eprintln!("NOTICE: skipping an object store test: python3 -m pip install 'moto[server]' to run it");
            return None;
        }
        // The port is free when chosen, but may be taken before moto binds
        // it: then moto exits and another is tried.
        for _ in 0..5 {
            let mut s3 = S3Server {
                port: free_port(),
                bucket: bucket.to_string(),
                child: None,
            };
            if s3.launch().await {
                return Some(s3);
            }
        }
        panic!("moto did not start on any of 5 ports");
    }

    /// Starts moto on `self.port` and creates the bucket; false when it
    /// exited instead (port taken).
    async fn launch(&mut self) -> bool {
        let child = Command::new("python3")
            .args(["-m", "moto.server", "-H", "127.0.0.1", "-p"])
            .arg(self.port.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn moto");
        self.child = Some(child);
        let http = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Some(c) = self.child.as_mut() {
                if c.try_wait().ok().flatten().is_some() {
                    self.child = None;
                    return false;
                }
            }
            // moto takes any credentials; creating a bucket needs none.
            let created = http
                .put(format!("{}/{}", self.endpoint(), self.bucket))
                .send()
                .await;
            if created.is_ok_and(|r| r.status().is_success()) {
                // Another test's moto may have taken the port while ours
                // was starting (ours then exits): it answered, not ours,
                // and killing ours would not take the store away.
                let pid = self.child.as_ref().map(|c| c.id());
                if pid.is_some_and(|pid| listens(pid, self.port)) {
                    return true;
                }
                self.kill();
                return false;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("moto did not answer within 60 s on port {}", self.port);
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The variables that point an instance at `s3://BUCKET/PREFIX` here.
    pub fn env(&self, prefix: &str) -> Vec<(String, String)> {
        [
            (
                "ANTRE_STORAGE_URL",
                format!("s3://{}/{prefix}", self.bucket),
            ),
            ("AWS_ENDPOINT_URL", self.endpoint()),
            ("AWS_ACCESS_KEY_ID", "antre-test".into()),
            ("AWS_SECRET_ACCESS_KEY", "antre-test-secret".into()),
            ("AWS_REGION", "us-east-1".into()),
            ("AWS_ALLOW_HTTP", "true".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }

    /// The store goes away at once (SIGKILL), as in an outage.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Back on the same port, with the bucket created again (empty: moto
    /// keeps objects in memory).
    pub async fn restart(&mut self) {
        self.kill();
        for _ in 0..20 {
            if self.launch().await {
                return;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        panic!("moto did not come back on port {}", self.port);
    }

    /// A client of the bucket, to look at what the instances stored.
    pub fn client(&self) -> Arc<dyn ObjectStore> {
        let s3 = AmazonS3Builder::new()
            .with_endpoint(self.endpoint())
            .with_allow_http(true)
            .with_region("us-east-1")
            .with_access_key_id("antre-test")
            .with_secret_access_key("antre-test-secret")
            .with_bucket_name(&self.bucket)
            .build()
            .expect("S3 client");
        Arc::new(s3)
    }

    /// The bytes under `key`, `None` when there are none.
    pub async fn object(&self, key: &str) -> Option<Vec<u8>> {
        match self.client().get(&Path::from(key)).await {
            Ok(found) => Some(found.bytes().await.expect("object bytes").to_vec()),
            Err(object_store::Error::NotFound { .. }) => None,
            Err(e) => panic!("reading {key} from moto: {e}"),
        }
    }

    pub async fn put_object(&self, key: &str, bytes: Vec<u8>) {
        self.client()
            .put(&Path::from(key), PutPayload::from(bytes))
            .await
            .expect("put object");
    }
}

/// Where an instance with `prefix` keeps the document of digest `sha256`.
pub fn document_key(prefix: &str, sha256: &str) -> String {
    format!("{prefix}/{}/{}/{sha256}", &sha256[0..2], &sha256[2..4])
}

impl Drop for S3Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Whether process `pid` holds the socket listening on TCP `port`
/// (Linux: `/proc/net/tcp` names the socket, `/proc/PID/fd` its holder).
/// Where `/proc` cannot tell, assumed so.
fn listens(pid: u32, port: u16) -> bool {
    let Ok(table) = std::fs::read_to_string("/proc/net/tcp") else {
        return true;
    };
    let local = format!(":{port:04X}");
    let sockets: Vec<String> = table
        .lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            // local address, state 0A (LISTEN), inode
            let listening = f.get(1)?.ends_with(&local) && *f.get(3)? == "0A";
            let inode = f.get(9)?;
            listening.then(|| format!("socket:[{inode}]"))
        })
        .collect();
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return false;
    };
    fds.flatten().any(|fd| {
        std::fs::read_link(fd.path())
            .is_ok_and(|to| sockets.iter().any(|s| to.to_string_lossy() == s.as_str()))
    })
}

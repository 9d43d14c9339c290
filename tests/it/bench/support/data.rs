//! Test data written through the library (password hashing is slow on
//! purpose and is not what is measured), tokens minted for it, and a
//! Server-Sent-Events reader.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use antre::config::DatabaseUrl;
use antre::db::{auth as sessions, claims, participants, staff, Db, DbError};
use antre::infra::crypto::{JwtKeys, TokenClaims, AUDIENCE, ISSUER};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{json, Value};

use crate::common::{TestDb, JWT_SECRET};

// ---------------------------------------------------------------------------
// Test data through the library.

/// The server clock of every benchmark: Monday 23 November 2026, 07:00 WIB.
pub const CLOCK: &str = "2026-11-23T07:00:00+07:00";

pub fn clock() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(CLOCK)
        .expect("clock")
        .with_timezone(&Utc)
}

/// A connection pool of the test process on the benchmark database.
pub fn open(db: &TestDb, pool: u32) -> Db {
    let url = DatabaseUrl::parse(&db.url).expect("database url");
    Db::connect(&url, pool).expect("connect")
}

/// A valid NIK for member `i` (distinct for i < 9999 * 28), born 1985.
pub fn member_nik(i: u32) -> String {
    let day = 1 + (i / 9999) % 28;
    format!("317101{day:02}0585{:04}", i % 9999 + 1)
}

#[derive(Clone, Debug)]
pub struct Member {
    pub id: i64,
    pub claim: i64,
    pub nik: String,
    pub token: String,
}

fn token(keys: &JwtKeys, sub: String, role: &str, sid: &str, now: DateTime<Utc>) -> String {
    keys.issue(&TokenClaims {
        sub,
        role: role.into(),
        sid: sid.into(),
        iss: ISSUER.into(),
        aud: AUDIENCE.into(),
        iat: now.timestamp(),
        exp: now.timestamp() + 12 * 3600,
    })
    .expect("sign token")
}

fn session(
    c: &mut antre::db::DbConnection,
    participant: Option<i64>,
    staff_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<String, DbError> {
    let id = antre::infra::crypto::random_token(24);
    sessions::create(
        c,
        &sessions::AuthSession {
            id: id.clone(),
            participant_id: participant,
            staff_id,
            created_at: now.naive_utc(),
            expires_at: now.naive_utc() + chrono::Duration::hours(12),
            revoked_at: None,
        },
    )?;
    Ok(id)
}

/// `n` members numbered from `from`, each with an open resignation claim
/// and a signed-in session, written directly (500 per transaction). Their
/// password hash verifies no password: they never sign in.
pub fn members(db: &Db, from: u32, n: u32, now: DateTime<Utc>) -> Vec<Member> {
    let keys = JwtKeys::new(JWT_SECRET.as_bytes());
    let ts = now.naive_utc();
    let mut out = Vec::with_capacity(n as usize);
    let numbers: Vec<u32> = (from..from + n).collect();
    for chunk in numbers.chunks(500) {
        let rows = db
            .write(|c| -> Result<Vec<(i64, i64, String, String)>, DbError> {
                let mut rows = Vec::with_capacity(chunk.len());
                for &i in chunk {
                    let nik = member_nik(i);
                    let p = participants::insert(
                        c,
                        &participants::NewParticipant {
                            nik: nik.clone(),
                            kpj: format!("{:011}", 30_000_000_000u64 + u64::from(i)),
                            full_name: "Dewi Lestari".into(),
                            email: format!("bench{i}@example.id"),
                            phone: "081234567890".into(),
                            password_hash: "!bench".into(),
                            birth_date: NaiveDate::from_ymd_opt(1985, 5, 1 + (i / 9999) % 28)
                                .expect("date"),
                            sex: "male".into(),
                            created_at: ts,
                        },
                    )?
                    .unwrap_or_else(|_| panic!("member {i} exists already"));
                    let claim = claims::insert(
                        c,
                        &claims::NewClaim {
                            participant_id: p.id,
                            reason: "resignation".into(),
                            channel: "online".into(),
                            last_working_day: NaiveDate::from_ymd_opt(2026, 1, 15),
                            termination_date: None,
                            contract_end_date: None,
                            membership_start_date: None,
                            departure_date: None,
                            date_of_death: None,
                            balance: None,
                            created_at: ts,
                            updated_at: ts,
                            heir_is_child: false,
                            heir_is_minor: false,
                        },
                    )?;
                    let sid = session(c, Some(p.id), None, now)?;
                    rows.push((p.id, claim.id, nik, sid));
                }
                Ok(rows)
            })
            .expect("write members");
        out.extend(rows.into_iter().map(|(id, claim, nik, sid)| Member {
            id,
            claim,
            nik,
            token: token(&keys, format!("p:{id}"), "participant", &sid, now),
        }));
    }
    out
}

#[derive(Clone, Debug)]
pub struct StaffMember {
    pub id: i64,
    pub token: String,
}

/// A staff account with a signed-in session, written directly.
pub fn staff_member(
    db: &Db,
    role: &str,
    branch: Option<&str>,
    company: Option<&str>,
    now: DateTime<Utc>,
) -> StaffMember {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::SeqCst);
    let (id, sid) = db
        .write(|c| -> Result<(i64, String), DbError> {
            let s = staff::insert(
                c,
                &staff::NewStaff {
                    email: format!("{role}{n}.{}@bench.example.id", std::process::id()),
                    name: format!("Petugas {n}"),
                    role: role.into(),
                    branch_code: branch.map(str::to_string),
                    company_npp: company.map(str::to_string),
                    password_hash: "!bench".into(),
                    active: true,
                    approved: true,
                    created_at: now.naive_utc(),
                },
            )?;
            let sid = session(c, None, Some(s.id), now)?;
            Ok((s.id, sid))
        })
        .expect("write staff");
    let keys = JwtKeys::new(JWT_SECRET.as_bytes());
    StaffMember {
        id,
        token: token(&keys, format!("s:{id}"), role, &sid, now),
    }
}

// ---------------------------------------------------------------------------
// Server-Sent Events.

/// One subscribed stream: every event's kind and data, with the instant
/// it was read, collected by a background task until `stop`.
pub struct Subscription {
    pub task: tokio::task::JoinHandle<Vec<(Instant, String, Value)>>,
}

pub async fn subscribe(
    url: String,
    token: Option<String>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> Subscription {
    let client = reqwest::Client::builder().build().expect("client");
    let mut req = client.get(url.clone());
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let mut res = req.send().await.expect("open stream");
    assert_eq!(res.status().as_u16(), 200, "GET {url}");
    let task = tokio::spawn(async move {
        let mut got = Vec::new();
        let mut buf = String::new();
        loop {
            let chunk = tokio::select! {
                c = res.chunk() => c,
                _ = stop.changed() => break,
            };
            let Ok(Some(bytes)) = chunk else { break };
            let at = Instant::now();
            buf.push_str(&String::from_utf8_lossy(&bytes));
            while let Some(end) = buf.find("\n\n") {
                let frame: String = buf[..end].to_string();
                buf.drain(..end + 2);
                if let (Some(kind), v, _) = crate::common::sse_frame(&frame) {
                    got.push((at, kind, v));
                }
            }
        }
        got
    });
    Subscription { task }
}

pub use crate::common::files::jpeg;

/// A JSON summary row.
pub fn row(
    bench: &str,
    backend: &str,
    figure: &str,
    value: String,
    goal: &str,
    met: Option<bool>,
) -> Value {
    json!({"bench": bench, "backend": backend, "figure": figure, "value": value, "goal": goal, "met": met})
}

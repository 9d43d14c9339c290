//! Fuzzing on both backends: the JSON API from its OpenAPI document
//! ([`api`]) and the browser pages' forms as a crawl finds them
//! ([`pages`]). Whatever comes in, the answer is never a 5xx; afterwards
//! the instance still answers, the audit log is intact and every
//! session's seat count matches its bookings (nothing half-written).
//!
//! Deterministic: `ANTRE_TEST_FUZZ_SEED` (printed) replays a run's values
//! (the API's callers interleave as the machine runs them);
//! `ANTRE_TEST_FUZZ_CASES` sets the calls per operation or form.
#![allow(clippy::unwrap_used)]

mod api;
mod pages;

use crate::common::{self, fixtures, TestApp, TestDb};
use serde_json::{json, Value};

/// 08:40 WITA on Tuesday 2026-11-24.
pub const CLOCK: &str = "2026-11-24T08:40:00+08:00";
pub const BRANCH: &str = "DPS-DENPASAR";
pub const DAY: &str = "2026-11-25";
pub const NPP: &str = "FUZZ01";
/// The text of a field whose name tells nothing.
pub const PLAIN: &str = "teks uji";

/// What exists in the world the fuzzing runs in: ids of objects (claims,
/// documents, sessions, batches, accounts) beside small numbers, each also
/// under its kind, and a booking's code.
#[derive(Clone)]
pub struct Known {
    /// Every id, of any kind: a field given another kind's id is refused
    /// (or is another object the caller may not touch).
    pub ids: Vec<i64>,
    /// The same ids by kind (`claim`, `slot`, `document`, `session`,
    /// `batch`, `outreach`, `staff`, `participant`).
    pub typed: Vec<(&'static str, i64)>,
    pub booking: String,
}

/// The kind of object a field or path value names: a path's `{id}` by the
/// segment before it (`claims`), a field by its name (`slot_id`).
fn kind_of(name: &str) -> Option<&'static str> {
    let name = name.trim_end_matches("_id");
    Some(match name {
        "claims" | "claim" => "claim",
        "slots" | "slot" | "to_slot" => "slot",
        "documents" | "document" | "doc" => "document",
        "sessions" | "session" => "session",
        "batches" | "batch" => "batch",
        "outreach" | "item" => "outreach",
        "staff" | "actor" | "agent" | "to_agent" => "staff",
        "participant" => "participant",
        _ => return None,
    })
}

impl Known {
    /// An id for a field or path value named `name`: three times in four
    /// one of the kind the name says (where the world has one), so that
    /// calls get past "not found" to the rules behind it; else any id.
    pub fn id_for(&self, name: &str, rng: &mut Rng) -> i64 {
        let of_kind: Vec<i64> = kind_of(name)
            .map(|k| {
                self.typed
                    .iter()
                    .filter(|(t, _)| *t == k)
                    .map(|(_, id)| *id)
                    .collect()
            })
            .unwrap_or_default();
        if !of_kind.is_empty() && rng.chance(75) {
            return *rng.pick(&of_kind);
        }
        *rng.pick(&self.ids)
    }

    /// Adds `id` as one of `kind`.
    pub fn add(&mut self, kind: &'static str, id: i64) {
        self.ids.push(id);
        self.typed.push((kind, id));
    }
}

/// The world both fuzzers start from: a company at [`BRANCH`], an admin,
/// and a participant with a claim, a document and a booking tomorrow.
pub struct Base {
    pub admin: fixtures::Staff,
    pub owner: fixtures::Member,
    pub known: Known,
}

pub async fn base(app: &TestApp, db: &TestDb) -> Base {
    let admin = fixtures::staff(app, db, "admin", &[]).await;
    let company =
        json!({"npp": NPP, "name": "PT Uji Acak", "headcount": 100, "branch_code": BRANCH});
    fixtures::created(app, "/api/v1/admin/companies", &admin.token, company).await;
    let (owner, claim) = fixtures::member_with_claim(app).await;
    let jpeg = common::files::jpeg(20, 20);
    let (status, doc) =
        fixtures::upload_document(app, &owner.token, claim, "ektp", "ktp.jpg", jpeg).await;
    assert_eq!(status, 201, "upload: {doc}");
    let slot = fixtures::slots(app, BRANCH, DAY).await[0]["id"]
        .as_i64()
        .unwrap();
    let booking = fixtures::book(app, &owner.token, slot, claim).await;
    let mut known = Known {
        ids: vec![1, 2, 3],
        typed: Vec::new(),
        booking,
    };
    for (kind, id) in [
        ("claim", Some(claim)),
        ("slot", Some(slot)),
        ("staff", Some(admin.id)),
        ("participant", Some(owner.id)),
        ("document", doc["id"].as_i64()),
    ] {
        known.add(kind, id.expect("an id"));
    }
    Base {
        admin,
        owner,
        known,
    }
}

/// The seed and the calls per operation or form (`default` unless set).
pub fn settings(default: usize) -> (u64, usize) {
    let seed = std::env::var("ANTRE_TEST_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5EED_A27E_u64);
    let cases = std::env::var("ANTRE_TEST_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default);
    println!("fuzz: ANTRE_TEST_FUZZ_SEED={seed} ANTRE_TEST_FUZZ_CASES={cases}");
    (seed, cases)
}

/// Fails on any finding, `what` saying what was wrong, listing the first 25.
pub fn assert_no_findings(findings: &[String], what: &str) {
    assert!(
        findings.is_empty(),
        "{} {what} (first 25):\n{}",
        findings.len(),
        findings
            .iter()
            .take(25)
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// After the fuzzing: the instance answers, the log verifies, the seats
/// match the bookings.
pub async fn assert_whole(app: &TestApp, db: &TestDb) {
    assert_eq!(app.get("/health", None).await.0, 200);
    let out = common::antre_cli(db, &["audit", "verify"], "");
    assert!(
        out.status.success(),
        "audit verify: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let off = common::count(
        db,
        "SELECT COUNT(*) AS n FROM slots s WHERE s.booked <> \
         (SELECT COUNT(*) FROM bookings b WHERE b.slot_id = s.id AND b.status <> 'cancelled') \
         OR s.booked + s.held > s.capacity OR s.held < 0",
    );
    assert_eq!(off, 0, "a session's seat count does not match its bookings");
}

/// A small deterministic generator (xorshift64*): the run replays from its
/// seed.
pub struct Rng(pub u64);

impl Rng {
    /// A generator from `seed` and a `stream` number (splitmix64: every
    /// seed and stream its own sequence).
    pub fn from_seed(seed: u64, stream: u64) -> Rng {
        let mut z = seed
            .wrapping_add(stream.wrapping_mul(0xD1B5_4A32_D192_ED03))
            .wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Rng((z ^ (z >> 31)) | 1)
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

/// Values no handler may trust, whatever the field: other types, integers
/// past 32 and 64 bits, dates no database calendar holds, text that is
/// long, empty, reversed, markup or an injection.
pub fn hostile(rng: &mut Rng) -> Value {
    let long = "x".repeat(70_000);
    let pool = [
        Value::Null,
        json!(true),
        json!([]),
        json!({}),
        json!(0),
        json!(-1),
        json!(2_147_483_648i64),
        json!(-2_147_483_649i64),
        json!(i64::MAX),
        json!(i64::MIN),
        json!(u64::MAX),
        json!(1e300),
        json!(-0.5),
        json!(""),
        json!(" "),
        json!(long),
        json!("😀🇮🇩 Ñandú"),
        json!("\u{202e}gnol"),
        json!("' OR '1'='1' --"),
        json!("<script>alert(1)</script>"),
        json!("9999-12-31"),
        json!("+10000-01-01"),
        json!("0001-01-01"),
        json!("-0001-12-31"),
        json!("2026-02-30"),
        json!("2026-11-25T25:61:00Z"),
        json!("+262143-12-31T23:59:59Z"),
        json!("5874898-01-01"),
        json!("99999999999999999999"),
        json!("-9223372036854775809"),
        json!("NaN"),
        json!("\t\r\n"),
        json!([i64::MAX, "x", null]),
        json!({"$gt": ""}),
    ];
    rng.pick(&pool).clone()
}

/// A plausible value for a string field named `name` (the document types
/// many as plain strings: its format, else its name, tells what it holds).
pub fn plausible_text(name: &str, format: &str, rng: &mut Rng, known: &Known) -> Value {
    // (Not the fixtures' shared counter: other tests derive sizes from it.)
    let n = (rng.next() % 1_000_000) as u32;
    let dated = format == "date"
        || name.ends_with("date")
        || name.ends_with("_day")
        || name.starts_with("date")
        || matches!(name, "from" | "to" | "until" | "day");
    let v = match (format, name) {
        ("date-time", _) => "2026-11-25T09:00:00+08:00".into(),
        _ if dated => rng
            .pick(&[DAY, "2026-11-24", "2026-12-01", "2026-01-15", "2026-11-30"])
            .to_string(),
        (_, "actor" | "participant" | "claim" | "after") => known.id_for(name, rng).to_string(),
        (_, "nik") => fixtures::nik(1 + n % 28, 1 + n % 12, 85, n % 2 == 0),
        (_, "kpj") => format!("{:011}", 30_000_000_000u64 + u64::from(n)),
        (_, "email") => format!("fuzz{n}@example.id"),
        (_, "phone") => "081234567890".into(),
        _ if name.ends_with("password") => "Klaim-JHT-2026!".into(),
        (_, "branch" | "branch_code" | "to_branch") => BRANCH.into(),
        (_, "npp" | "company_npp") => NPP.into(),
        (_, "code" | "booking_code") => known.booking.clone(),
        (_, "reason") => rng
            .pick(&[
                "resignation",
                "termination",
                "retirement",
                "death",
                "partial_30",
                "name_mismatch",
                "unreadable",
                "other",
            ])
            .to_string(),
        (_, "decision") => rng.pick(&["accept", "reject"]).to_string(),
        (_, "outcome") => rng
            .pick(&["verified", "rejected", "no_show", "returned"])
            .to_string(),
        (_, "mode") => rng.pick(&["first_come", "draw"]).to_string(),
        (_, "kind") => rng
            .pick(&[
                "ektp",
                "kiosk",
                "booth",
                "selfie",
                "power_of_attorney",
                "board",
            ])
            .to_string(),
        (_, "status") => rng.pick(&["on_duty", "paused", "off"]).to_string(),
        (_, "role") => rng.pick(&["cs", "supervisor", "auditor", "hr"]).to_string(),
        (_, "channel") => rng.pick(&["whatsapp", "sms", "none"]).to_string(),
        (_, "action") => rng
            .pick(&["booking.created", "session.finished"])
            .to_string(),
        (_, "token") => "0123456789abcdef".into(),
        _ => PLAIN.into(),
    };
    json!(v)
}

//! The JSON API: every operation of the OpenAPI document, called by every
//! kind of caller with path values, queries and bodies made from the
//! operation's own schemas and then bent — wrong types, numbers past every
//! integer width, dates outside any calendar a database keeps, long, odd
//! and hostile text, fields left out and fields never declared. Every
//! refusal is in the error shape.

use super::{hostile, plausible_text, Known, Rng, BRANCH, CLOCK, NPP};
use crate::common::{self, files, fixtures, TestApp, TestDb};
use reqwest::multipart::{Form, Part};
use reqwest::Method;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Follows `$ref`s into the document's components.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    let mut s = schema;
    for _ in 0..8 {
        match s["$ref"].as_str() {
            Some(r) => {
                let name = r.rsplit('/').next().unwrap_or_default();
                s = &doc["components"]["schemas"][name];
            }
            None => break,
        }
    }
    s
}

/// A value for `schema` (field `name`): mostly plausible, one time in
/// `bend` hostile, at any depth.
fn make(doc: &Value, schema: &Value, name: &str, rng: &mut Rng, world: &World) -> Value {
    let s = resolve(doc, schema);
    if rng.chance(world.bend.get()) {
        return hostile(rng);
    }
    if let Some(options) = s["enum"].as_array().filter(|o| !o.is_empty()) {
        return rng.pick(options).clone();
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(options) = s[key].as_array().filter(|o| !o.is_empty()) {
            // A nullable one (`[null, X]`, an optional vocabulary) is null
            // one time in five, as an optional field's type list.
            let given: Vec<&Value> = options.iter().filter(|o| o["type"] != "null").collect();
            if given.is_empty() || (given.len() < options.len() && rng.chance(20)) {
                return Value::Null;
            }
            let option = *rng.pick(&given);
            return make(doc, option, name, rng, world);
        }
    }
    if let Some(parts) = s["allOf"].as_array() {
        let mut merged = Map::new();
        for part in parts {
            if let Value::Object(m) = make(doc, part, name, rng, world) {
                merged.extend(m);
            }
        }
        return Value::Object(merged);
    }
    let types: Vec<&str> = match &s["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ if s["properties"].is_object() => vec!["object"],
        _ => vec!["string"],
    };
    // Optional fields are mostly given (null one time in five).
    let given: Vec<&str> = types.iter().copied().filter(|t| *t != "null").collect();
    let ty = match given.is_empty() || (given.len() < types.len() && rng.chance(20)) {
        true => "null",
        false => *rng.pick(&given),
    };
    match ty {
        "null" => Value::Null,
        "boolean" => json!(rng.chance(50)),
        "integer" => json!(world.known.id_for(name, rng)),
        "number" => json!(1.5),
        "array" => {
            let n = rng.below(4);
            Value::Array(
                (0..n)
                    .map(|_| make(doc, &s["items"], name, rng, world))
                    .collect(),
            )
        }
        "object" => {
            let required: Vec<&str> = s["required"]
                .as_array()
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let mut m = Map::new();
            if let Some(props) = s["properties"].as_object() {
                for (field, sub) in props {
                    // Required fields too are sometimes left out.
                    let wanted = required.contains(&field.as_str()) || rng.chance(70);
                    if wanted && !rng.chance(world.bend.get() / 3) {
                        m.insert(field.clone(), make(doc, sub, field, rng, world));
                    }
                }
            }
            if rng.chance(world.bend.get() / 3) {
                m.insert("tidak_dikenal".into(), hostile(rng));
            }
            Value::Object(m)
        }
        _ => plausible_text(name, s["format"].as_str().unwrap_or(""), rng, &world.known),
    }
}

/// A value as written in a URL (strings without their quotes).
fn in_url(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A path value for `{name}`: an object the world has, or a hostile one.
fn path_value(name: &str, rng: &mut Rng, world: &World) -> String {
    if rng.chance(world.bend.get()) {
        let odd = [
            "0",
            "-1",
            "9223372036854775807",
            "9223372036854775808",
            "99999999999999999999",
            "1.5",
            "abc",
            "%F0%9F%98%80",
            "%27%20OR%201%3D1",
            "..%2F..%2Fetc%2Fpasswd",
            "%20",
        ];
        return rng.pick(&odd).to_string();
    }
    match name {
        "code" => rng
            .pick(&[world.known.booking.as_str(), BRANCH, "JKT-CILANDAK"])
            .to_string(),
        "npp" => NPP.into(),
        _ => world.known.id_for(name, rng).to_string(),
    }
}

/// Who calls: a role and how to sign in again when a call ended the
/// session (a staff account switched off by the fuzzing, a log-out).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Anonymous,
    Owner,
    Cs,
    Supervisor,
    Auditor,
    Admin,
    Hr,
    Kiosk,
}

const CALLERS: [Who; 8] = [
    Who::Anonymous,
    Who::Owner,
    Who::Cs,
    Who::Supervisor,
    Who::Auditor,
    Who::Admin,
    Who::Hr,
    Who::Kiosk,
];

struct World {
    tokens: Vec<(Who, String)>,
    known: Known,
    /// Percent of values bent in the call being made: none (every
    /// value plausible, to reach what lies behind validation), a few, or
    /// many.
    bend: std::cell::Cell<u64>,
}

impl World {
    fn token(&self, who: Who) -> Option<&str> {
        self.tokens
            .iter()
            .find(|(w, _)| *w == who)
            .map(|(_, t)| t.as_str())
    }
}

/// A fresh token for `who` (staff through the command line, the owner by
/// signing in, a kiosk from a fresh supervisor).
async fn sign_in(app: &TestApp, db: &TestDb, who: Who) -> String {
    let at = ["--branch", BRANCH];
    match who {
        Who::Cs => fixtures::staff(app, db, "cs", &at).await.token,
        Who::Supervisor => fixtures::staff(app, db, "supervisor", &at).await.token,
        Who::Auditor => fixtures::staff(app, db, "auditor", &[]).await.token,
        Who::Admin => fixtures::staff(app, db, "admin", &[]).await.token,
        Who::Hr => {
            fixtures::staff(app, db, "hr", &["--company", NPP])
                .await
                .token
        }
        Who::Kiosk => {
            let sup = fixtures::staff(app, db, "supervisor", &at).await.token;
            fixtures::device(app, &sup, BRANCH, "kiosk").await
        }
        Who::Owner => fixtures::register(app).await.token,
        Who::Anonymous => String::new(),
    }
}

async fn world(app: &TestApp, db: &TestDb) -> World {
    let super::Base {
        admin,
        owner,
        mut known,
    } = super::base(app, db).await;
    let mut tokens = Vec::new();
    for who in CALLERS {
        let token = match who {
            Who::Owner => owner.token.clone(),
            Who::Admin => admin.token.clone(),
            other => sign_in(app, db, other).await,
        };
        // The staff's own ids: a transfer's agent, an audit filter's actor.
        if !matches!(who, Who::Anonymous | Who::Owner | Who::Kiosk) {
            let (_, me) = app.get("/api/v1/me", Some(&token)).await;
            known.add("staff", me["id"].as_i64().expect("the account's id"));
        }
        tokens.push((who, token));
    }
    let token = |who: Who| tokens.iter().find(|(w, _)| *w == who).unwrap().1.clone();
    // A walk-in's console session, a collective batch and an outreach
    // item: more objects for the paths' ids.
    let (status, v) = fixtures::set_status(app, &token(Who::Cs), "on_duty").await;
    assert_eq!(status, 200, "on duty: {v}");
    let nik = json!({"nik": fixtures::nik(12, 5, 1985, false)});
    let (status, v) = fixtures::arrive_at(app, &token(Who::Kiosk), BRANCH, &nik).await;
    assert_eq!(status, 201, "arrival: {v}");
    let (_, sessions) = app
        .get("/api/v1/console/sessions", Some(&token(Who::Cs)))
        .await;
    for id in sessions
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["id"].as_i64())
    {
        known.add("session", id);
    }
    let form = Form::new().part(
        "file",
        Part::bytes(crate::access_matrix::csv_batch()).file_name("batch.csv"),
    );
    let (status, v) = app
        .upload("/api/v1/collective/batches", &token(Who::Hr), form)
        .await;
    assert!(status == 201 || status == 200, "batch: {status} {v}");
    known.add("batch", v["id"].as_i64().expect("the batch's id"));
    let path = format!("/api/v1/outreach/worklist?branch={BRANCH}");
    let (_, list) = app.get(&path, Some(&admin.token)).await;
    for id in list
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["id"].as_i64())
    {
        known.add("outreach", id);
    }
    World {
        tokens,
        known,
        bend: std::cell::Cell::new(0),
    }
}

/// One operation of the document: its method, path template, parameters
/// and request body's schema.
#[derive(Clone)]
struct Operation {
    method: Method,
    path: String,
    params: Vec<Value>,
    body: Option<(String, Value)>,
}

fn operations(doc: &Value) -> Vec<Operation> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        if !path.starts_with("/api/") {
            continue;
        }
        for (method, op) in item.as_object().unwrap() {
            let Ok(method) = Method::from_bytes(method.to_uppercase().as_bytes()) else {
                continue;
            };
            let body = op["requestBody"]["content"]
                .as_object()
                .and_then(|c| c.iter().next())
                .map(|(kind, c)| (kind.clone(), c["schema"].clone()));
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            ops.push(Operation {
                method,
                path: path.clone(),
                params,
                body,
            });
        }
    }
    // What ends sessions or counts failed sign-ins goes last: the rest
    // runs signed in.
    ops.sort_by_key(|o| {
        (
            o.path.starts_with("/api/v1/auth/"),
            o.path.contains("logout"),
        )
    });
    ops
}

/// A multipart body: a `file` of odd bytes and name, and the fields the
/// uploads read, bent like the rest.
fn multipart(rng: &mut Rng, world: &World) -> Form {
    let bytes = match rng.below(5) {
        0 => Vec::new(),
        1 => files::jpeg(8, 8),
        2 => b"%PDF-1.4 not really".to_vec(),
        3 => vec![0xFF; 4096],
        _ => b"nik,kpj\n\"unterminated,".to_vec(),
    };
    let name = *rng.pick(&[
        "ktp.jpg",
        "",
        "../../etc/passwd",
        "berkas \"aneh\".pdf",
        "😀.png",
        "a.csv",
        "b.xlsx",
    ]);
    let mut form = Form::new().part("file", Part::bytes(bytes).file_name(name.to_string()));
    for field in ["kind", "note", "headcount"] {
        if rng.chance(70) {
            let v = make(&Value::Null, &json!({"type": "string"}), field, rng, world);
            form = form.text(field, in_url(&v));
        }
    }
    form
}

async fn call(
    app: &TestApp,
    doc: &Value,
    op: &Operation,
    who: Who,
    rng: &mut Rng,
    world: &World,
) -> (u16, Value, String) {
    let mut path = String::new();
    let mut rest = op.path.as_str();
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c);
        path.push_str(&rest[..open]);
        // An `{id}` is of the kind the segment before it names.
        let name = match &rest[open + 1..close] {
            "id" => path
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or("id"),
            other => other,
        };
        let value = path_value(name, rng, world);
        path.push_str(&value);
        rest = rest.get(close + 1..).unwrap_or("");
    }
    path.push_str(rest);
    let mut query = Vec::new();
    for p in op.params.iter().filter(|p| p["in"] == "query") {
        if rng.chance(60) {
            let name = p["name"].as_str().unwrap_or_default();
            let v = make(doc, &p["schema"], name, rng, world);
            if v.is_null() && world.bend.get() == 0 {
                continue;
            }
            // (A URL stays within what clients and proxies send.)
            let text: String = in_url(&v).chars().take(2_000).collect();
            query.push((name.to_string(), text));
        }
    }
    let mut req = app
        .client
        .request(op.method.clone(), app.url(&path))
        .query(&query);
    if let Some(t) = world.token(who).filter(|t| !t.is_empty()) {
        req = req.bearer_auth(t);
    }
    if rng.chance(20) {
        req = req.header("accept-language", "en");
    }
    let sent = match &op.body {
        Some((kind, _)) if kind.starts_with("multipart/") => {
            req = req.multipart(multipart(rng, world));
            "(multipart)".to_string()
        }
        Some((_, _)) if world.bend.get() > 0 && rng.chance(8) => {
            // Not JSON at all though labelled so: bytes that are not
            // UTF-8, or nesting past any parser's depth.
            let raw = if rng.chance(50) {
                vec![b'{', 0xC3, 0x28, b'}']
            } else {
                "[".repeat(100_000).into_bytes()
            };
            req = req.header("content-type", "application/json").body(raw);
            "(raw bytes)".to_string()
        }
        Some((_, schema)) => {
            let body = if rng.chance(world.bend.get() / 4) {
                hostile(rng)
            } else {
                make(doc, schema, "", rng, world)
            };
            let shown = body.to_string();
            req = req.json(&body);
            shown
        }
        None if rng.chance(world.bend.get() / 2) => {
            req = req.json(&json!({"x": hostile(rng)}));
            "(stray body)".to_string()
        }
        None => String::new(),
    };
    let res = req.send().await.expect("request");
    let (status, v) = common::json_of(res).await;
    let shown: String = sent.chars().take(300).collect();
    let what = format!(
        "{} {path}?{} as {who:?} with {shown}",
        op.method,
        query
            .iter()
            .map(|(k, v)| format!("{k}={}", v.chars().take(40).collect::<String>()))
            .collect::<Vec<_>>()
            .join("&")
    );
    (status, v, what)
}

/// What is wrong with an answer: a 5xx, or a refusal not in the error
/// shape (`{"error": {"code", "message"}}`).
fn judge(status: u16, v: &Value) -> Option<String> {
    if status >= 500 {
        return Some(format!("{status}: {v}"));
    }
    if status >= 400 {
        let code = v["error"]["code"].as_str().unwrap_or_default();
        let message = v["error"]["message"].as_str().unwrap_or_default();
        if code.is_empty() || message.is_empty() {
            let shown: String = v.to_string().chars().take(200).collect();
            return Some(format!("{status} not in the error shape: {shown}"));
        }
    }
    None
}

/// What one caller's run saw.
#[derive(Default)]
struct Tally {
    calls: usize,
    statuses: BTreeMap<u16, usize>,
    /// Operations that answered 2xx at least once.
    reached: BTreeSet<String>,
    findings: Vec<String>,
}

/// One caller's run: every operation `cases` times, in the four bending
/// modes, on its own generator.
async fn run_caller(
    (app, db, doc): (&TestApp, &TestDb, &Value),
    ops: &[Operation],
    who: Who,
    mut world: World,
    (seed, cases): (u64, usize),
) -> Tally {
    let mut rng = Rng::from_seed(seed, who as u64);
    let mut tally = Tally::default();
    for op in ops {
        for case in 0..cases {
            world.bend.set([0, 4, 15, 40][case % 4]);
            let (status, v, what) = call(app, doc, op, who, &mut rng, &world).await;
            tally.calls += 1;
            *tally.statuses.entry(status).or_insert(0) += 1;
            if (200..300).contains(&status) {
                tally.reached.insert(format!("{} {}", op.method, op.path));
            }
            if let Some(problem) = judge(status, &v) {
                tally.findings.push(format!("{what}\n    → {problem}"));
            }
            // A call that switched the caller's account off or ended its
            // session: sign in again (a new account) and go on.
            if status == 401 && who != Who::Anonymous && !op.path.contains("/auth/") {
                let t = world.token(who).unwrap_or_default().to_string();
                if app.get("/api/v1/me", Some(&t)).await.0 == 401 {
                    world.tokens = vec![(who, sign_in(app, db, who).await)];
                }
            }
        }
    }
    tally
}

/// Every kind of caller at once, each through every operation: besides
/// the answers, the operations race each other (a capacity changed while
/// a seat is taken, a closure while a booking moves…), and the seats must
/// still match the bookings after.
async fn any_input_gets_an_answer(db: TestDb, app: TestApp) {
    let (seed, cases) = super::settings(64);
    let world = world(&app, &db).await;
    let (s, doc) = app.get("/api/v1/openapi.json", None).await;
    assert_eq!(s, 200);
    let ops = operations(&doc);
    assert!(ops.len() > 60, "{} operations", ops.len());
    let per_caller = cases.div_ceil(CALLERS.len()).max(4);
    // Signing in, out and resetting go last, in a round of their own:
    // failed sign-ins lock the address out, and the first round signs in
    // again whenever a call switched a caller's account off.
    let (auth, rest): (Vec<Operation>, Vec<Operation>) = ops
        .iter()
        .cloned()
        .partition(|o| o.path.starts_with("/api/v1/auth/"));
    let mut tallies = Vec::new();
    for round in [&rest, &auth] {
        let runs = CALLERS.iter().map(|&who| {
            let own = World {
                tokens: world
                    .tokens
                    .iter()
                    .filter(|(w, _)| *w == who)
                    .cloned()
                    .collect(),
                known: world.known.clone(),
                bend: std::cell::Cell::new(0),
            };
            run_caller((&app, &db, &doc), round, who, own, (seed, per_caller))
        });
        tallies.extend(futures::future::join_all(runs).await);
    }
    let mut all = Tally::default();
    for t in tallies {
        all.calls += t.calls;
        for (status, n) in t.statuses {
            *all.statuses.entry(status).or_insert(0) += n;
        }
        all.reached.extend(t.reached);
        all.findings.extend(t.findings);
    }
    println!(
        "fuzz: {} calls over {} operations by {} callers at once, {} operations answered 2xx at least once; answers {:?}",
        all.calls,
        ops.len(),
        CALLERS.len(),
        all.reached.len(),
        all.statuses
    );
    let never: Vec<String> = ops
        .iter()
        .map(|o| format!("{} {}", o.method, o.path))
        .filter(|o| !all.reached.contains(o))
        .collect();
    println!("fuzz: never 2xx: {never:?}");
    super::assert_no_findings(
        &all.findings,
        &format!("of {} calls answered wrongly", all.calls),
    );
    // The plausible calls get past validation: most operations did
    // something (the rest need states this world does not make).
    assert!(
        all.reached.len() * 2 >= ops.len(),
        "only {} of {} operations ever succeeded: the fuzzing stays at the door",
        all.reached.len(),
        ops.len()
    );
    super::assert_whole(&app, &db).await;
}
both_backends!(any_input_gets_an_answer, clock = CLOCK);

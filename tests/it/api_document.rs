//! The OpenAPI document tells a client what each field takes and gives
//! (shared/API.md): calendar dates are `format: date`, instants
//! `format: date-time`, ids integers, and every closed vocabulary its
//! `enum` — and the server takes every word the document offers for a
//! request (finish outcomes, duty, outreach channels and outcomes, review
//! decisions, message channels, release modes, priorities), while a word
//! outside it is refused naming the field.

use serde_json::{json, Value};

use crate::common::{self, error_code, fixtures, TestApp, TestDb};

/// 08:40 WITA on Tuesday 2026-11-24: the branch is open.
const CLOCK: &str = "2026-11-24T08:40:00+08:00";
const BRANCH: &str = "DPS-DENPASAR";
/// The next working day: a booking then with documents missing is on the
/// outreach worklist.
const DAY: &str = "2026-11-25";

/// The schema `s` stands for: `$ref`s followed, a nullable `oneOf` to its
/// other item.
fn resolve<'a>(doc: &'a Value, s: &'a Value) -> &'a Value {
    let mut s = s;
    for _ in 0..8 {
        if let Some(r) = s["$ref"].as_str() {
            s = &doc["components"]["schemas"][r.rsplit('/').next().unwrap_or_default()];
        } else if let Some(items) = s["oneOf"].as_array().filter(|i| i.len() == 2) {
            match items.iter().find(|i| i["type"] != "null") {
                Some(other) if items.iter().any(|i| i["type"] == "null") => s = other,
                _ => break,
            }
        } else {
            break;
        }
    }
    s
}

/// The schema of `field` of `s`, or of a schema `s` is made of (`allOf`).
fn property<'a>(doc: &'a Value, s: &'a Value, field: &str) -> Option<&'a Value> {
    let s = resolve(doc, s);
    let parts = s["allOf"].as_array().into_iter().flatten();
    let mut found = parts.filter_map(|part| property(doc, part, field));
    let own = Some(&s["properties"][field]).filter(|p| p.is_object());
    own.or_else(|| found.next())
}

/// The schema of `field` of component `schema`.
fn field<'a>(doc: &'a Value, schema: &str, field: &str) -> &'a Value {
    let p = property(doc, &doc["components"]["schemas"][schema], field);
    resolve(
        doc,
        p.unwrap_or_else(|| panic!("the document has no {schema}.{field}")),
    )
}

/// The schema of query or path parameter `name` of `GET path`.
fn param<'a>(doc: &'a Value, path: &str, name: &str) -> &'a Value {
    let params = doc["paths"][path]["get"]["parameters"].as_array();
    let p = params.into_iter().flatten().find(|p| p["name"] == name);
    let p = p.unwrap_or_else(|| panic!("GET {path} has no parameter {name}"));
    resolve(doc, &p["schema"])
}

/// The words of an `enum` (empty when there is none).
fn words(s: &Value) -> Vec<String> {
    let list = s["enum"].as_array().into_iter().flatten();
    list.filter_map(|w| w.as_str().map(String::from)).collect()
}

fn has_format(s: &Value, format: &str) -> bool {
    s["format"] == format
        || s["oneOf"]
            .as_array()
            .is_some_and(|o| o.iter().any(|i| i["format"] == format))
}

/// Every closed vocabulary of a request or a response, by (schema, field).
const VOCABULARIES: &[(&str, &str)] = &[
    ("LoginResponse", "role"),
    ("RegisterRequest", "messages"),
    ("RegisterResponse", "sex"),
    ("MeResponse", "messages"),
    ("MessagesRequest", "channel"),
    ("MessagesBody", "channel"),
    ("CreateClaimRequest", "reason"),
    ("CreatedClaim", "reason"),
    ("CreatedClaim", "status"),
    ("ClaimBody", "status"),
    ("ChecklistItemBody", "item"),
    ("ChecklistItemBody", "status"),
    ("ChecklistItemBody", "reason"),
    ("DocumentBody", "kind"),
    ("DocumentBody", "status"),
    ("DocumentBody", "reject_reason"),
    ("ReviewRequest", "decision"),
    ("ReviewRequest", "reason"),
    ("DecisionRequest", "reason"),
    ("BranchBody", "kind"),
    ("BookingBody", "status"),
    ("DrawRequestBody", "status"),
    ("ReleaseRequest", "mode"),
    ("ArrivalRequest", "priority"),
    ("ArrivalBody", "kind"),
    ("ArrivalBody", "status"),
    ("StatusRequest", "status"),
    ("FinishRequest", "outcome"),
    ("ConsoleParticipant", "sex"),
    ("PlaceBody", "status"),
    ("ItemBody", "reason"),
    ("AttemptRequest", "channel"),
    ("AttemptRequest", "outcome"),
    ("AttemptBody", "channel"),
    ("AttemptBody", "outcome"),
    ("MessageBody", "channel"),
    ("BatchBody", "status"),
    ("BatchErrorBody", "column"),
    ("SubmitBody", "status"),
    ("RepresentativeDocumentBody", "kind"),
    ("StaffBody", "role"),
    ("StaffChange", "role"),
    ("StaffInvitation", "role"),
    ("PlannerRequest", "service_distribution"),
    ("PlannerRequest", "opening_queue"),
    ("BranchFigures", "alert"),
];

/// Calendar dates (`YYYY-MM-DD`) of bodies, by (schema, field).
const DATES: &[(&str, &str)] = &[
    ("RegisterResponse", "birth_date"),
    ("MeResponse", "birth_date"),
    ("CreateClaimRequest", "last_working_day"),
    ("CreateClaimRequest", "termination_date"),
    ("CreateClaimRequest", "contract_end_date"),
    ("CreateClaimRequest", "membership_start_date"),
    ("CreateClaimRequest", "departure_date"),
    ("CreateClaimRequest", "date_of_death"),
    ("ClaimDates", "termination_date"),
    ("DrawRequestBody", "date"),
    ("ClosureRequestBody", "date"),
    ("ClosureBody", "date"),
    ("HeadcountRequest", "reference_date"),
    ("JoinRequest", "date"),
    ("PlaceBody", "date"),
    ("FiguresBody", "date"),
    ("AgentDay", "day"),
];

/// Calendar dates of queries, by (path, parameter).
const DATE_PARAMS: &[(&str, &str)] = &[
    ("/api/v1/branches/{code}/slots", "date"),
    ("/api/v1/slots/first-free", "from"),
    ("/api/v1/outreach/figures", "date"),
    ("/api/v1/audit/agents", "from"),
    ("/api/v1/audit/anomalies", "to"),
];

/// Instants (RFC 3339), by (schema, field).
const INSTANTS: &[(&str, &str)] = &[
    ("LoginResponse", "expires_at"),
    ("ClaimBody", "created_at"),
    ("DocumentBody", "uploaded_at"),
    ("SlotBody", "starts_at"),
    ("BookingBody", "ends_at"),
    ("DrawRequestBody", "draw_at"),
    ("ClosureBody", "from"),
    ("ConsoleSession", "started_at"),
    ("PlaceBody", "expires_at"),
    ("FirstFreeBody", "starts_at"),
    ("ItemBody", "due_at"),
    ("AttemptBody", "at"),
    ("BatchBody", "submitted_at"),
    ("LetterBody", "uploaded_at"),
    ("EntryBody", "at"),
    ("AnomalyBody", "at"),
    ("StaffBody", "created_at"),
    ("Overview", "at"),
];

async fn the_document_declares_what_fields_hold(_db: TestDb, app: TestApp) {
    let (s, doc) = app.get("/api/v1/openapi.json", None).await;
    assert_eq!(s, 200);
    for (schema, name) in VOCABULARIES {
        let f = field(&doc, schema, name);
        assert!(!words(f).is_empty(), "{schema}.{name} lists no words: {f}");
    }
    for (schema, name) in [("ChecklistItemBody", "accepts"), ("ItemBody", "missing")] {
        let items = resolve(&doc, &field(&doc, schema, name)["items"]);
        assert!(!words(items).is_empty(), "{schema}.{name}[]: {items}");
    }
    assert!(!words(param(&doc, "/api/v1/audit/anomalies", "kind")).is_empty());
    // What shared/API.md names, exactly.
    let exactly = [
        (
            "FinishRequest",
            "outcome",
            "verified|rejected|no_show|returned",
        ),
        ("StatusRequest", "status", "on_duty|paused|off"),
        ("ArrivalBody", "kind", "walk_in|booked"),
        ("AttemptRequest", "channel", "phone|whatsapp|sms|email"),
        (
            "AttemptRequest",
            "outcome",
            "reached|no_answer|wrong_number|will_upload|will_come|cancels",
        ),
        (
            "PlaceBody",
            "status",
            "waiting|offered|booked|expired|withdrawn",
        ),
        (
            "ItemBody",
            "reason",
            "missing_documents|no_show|document_rejected|offer_expiring",
        ),
        ("ReviewRequest", "decision", "accept|reject"),
    ];
    for (schema, name, listed) in exactly {
        assert_eq!(
            words(field(&doc, schema, name)).join("|"),
            listed,
            "{schema}.{name}"
        );
    }
    let distributions = words(field(&doc, "PlannerRequest", "service_distribution"));
    assert!(
        distributions.iter().any(|d| d == "lognormal"),
        "{distributions:?}"
    );
    for (schema, name) in DATES {
        let f = field(&doc, schema, name);
        assert_eq!(f["format"], "date", "{schema}.{name}: {f}");
    }
    for (path, name) in DATE_PARAMS {
        let p = param(&doc, path, name);
        assert_eq!(p["format"], "date", "{path} {name}: {p}");
    }
    for (schema, name) in INSTANTS {
        let f = field(&doc, schema, name);
        assert_eq!(f["format"], "date-time", "{schema}.{name}: {f}");
    }
    // The log's bounds take an instant or a date; its filters, ids.
    for path in ["/api/v1/audit/entries", "/api/v1/audit/entries.csv"] {
        for name in ["from", "to"] {
            let p = param(&doc, path, name);
            assert!(
                has_format(p, "date") && has_format(p, "date-time"),
                "{path} {name}: {p}"
            );
        }
        for name in ["actor", "participant", "claim", "after"] {
            let p = param(&doc, path, name);
            assert_eq!(p["type"], "integer", "{path} {name}: {p}");
        }
    }
    // Every id in a path is an integer.
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for op in item.as_object().expect("operations").values() {
            let params = op["parameters"].as_array().into_iter().flatten();
            for p in params
                .filter(|p| p["in"] == "path" && matches!(p["name"].as_str(), Some("id" | "doc")))
            {
                assert_eq!(
                    resolve(&doc, &p["schema"])["type"],
                    "integer",
                    "{path}: {p}"
                );
            }
        }
    }
}
both_backends!(the_document_declares_what_fields_hold, clock = CLOCK);

/// Every word the document lists for `schema.name` is taken by `send`
/// (`2xx`, or for a word of `except` the refusal of the state it names),
/// and a word outside the list is refused naming the field.
async fn takes_every_word<F, Fut>(
    doc: &Value,
    (schema, name): (&str, &str),
    except: &[(&str, &str)],
    mut send: F,
) where
    F: FnMut(String) -> Fut,
    Fut: std::future::Future<Output = (u16, Value)>,
{
    let listed = words(field(doc, schema, name));
    assert!(!listed.is_empty(), "{schema}.{name} lists no words");
    for w in listed {
        let (status, v) = send(w.clone()).await;
        let expected = except
            .iter()
            .any(|(word, code)| *word == w && v["error"]["code"] == *code);
        assert!(
            (200..300).contains(&status) || expected,
            "{schema}.{name} = {w:?}: {status} {v}"
        );
    }
    let (status, v) = send("tidak_dikenal".into()).await;
    assert_eq!(
        (status, v["error"]["field"].as_str()),
        (422, Some(name)),
        "{v}"
    );
}

async fn the_server_takes_every_listed_word(db: TestDb, app: TestApp) {
    let (_, doc) = app.get("/api/v1/openapi.json", None).await;
    let at = fixtures::at_branch(Some(BRANCH));
    let cs = fixtures::staff(&app, &db, "cs", &at).await;
    let sup = fixtures::staff(&app, &db, "supervisor", &at).await;
    let admin = fixtures::staff(&app, &db, "admin", &[]).await;
    let kiosk = fixtures::device(&app, &sup.token, BRANCH, "kiosk").await;
    let (app, kiosk) = (&app, kiosk.as_str());
    let (agent, greeter, reviewer) = (cs.token.as_str(), sup.token.as_str(), admin.token.as_str());

    takes_every_word(&doc, ("StatusRequest", "status"), &[], |w| async move {
        fixtures::set_status(app, agent, &w).await
    })
    .await;
    // Each finish on a session of its own (a walk-in arriving for it).
    let (status, v) = fixtures::set_status(app, agent, "on_duty").await;
    assert_eq!(status, 200, "{v}");
    let finish = |w: String| async move {
        let nik = json!({"nik": fixtures::nik(3, 4, 1980, false)});
        let (status, v) = fixtures::arrive_at(app, kiosk, BRANCH, &nik).await;
        assert_eq!(status, 201, "arrival: {v}");
        let (_, sessions) = app.get("/api/v1/console/sessions", Some(agent)).await;
        let id = sessions[0]["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("{sessions}"));
        fixtures::finish(app, agent, id, &w).await
    };
    // An unregistered walk-in has no claim to decide.
    let no_claim = [("verified", "no_claim"), ("rejected", "no_claim")];
    takes_every_word(&doc, ("FinishRequest", "outcome"), &no_claim, finish).await;
    let (status, v) = fixtures::finish(app, agent, 1, "transferred").await;
    assert_eq!(status, 422, "transfers have their own call: {v}");

    // A participant booked tomorrow with one document: on the worklist.
    let (member, claim) = fixtures::member_with_claim(app).await;
    let mut docs = Vec::new();
    for (i, kind) in ["ektp", "kk", "bank_book"].iter().enumerate() {
        let png = common::files::png_seeded(700 + i as u32);
        let (status, v) =
            fixtures::upload_document(app, &member.token, claim, kind, "scan.png", png).await;
        assert_eq!(status, 201, "upload: {v}");
        docs.push(v["id"].as_i64().expect("document id"));
    }
    let slot = fixtures::slots(app, BRANCH, DAY).await[0]["id"]
        .as_i64()
        .expect("slot");
    let code = fixtures::book(app, &member.token, slot, claim).await;
    let path = format!("/api/v1/outreach/worklist?branch={BRANCH}");
    let (_, list) = app.get(&path, Some(agent)).await;
    let item = list
        .as_array()
        .into_iter()
        .flatten()
        .find(|i| i["booking_code"] == code.as_str())
        .and_then(|i| i["id"].as_i64())
        .unwrap_or_else(|| panic!("not on the worklist: {list}"));
    let attempts = format!("/api/v1/outreach/{item}/attempts");
    let attempts = attempts.as_str();
    let attempt = |channel: String, outcome: String| async move {
        let body = json!({"channel": channel, "outcome": outcome});
        app.post(attempts, Some(agent), &body).await
    };
    takes_every_word(&doc, ("AttemptRequest", "channel"), &[], |w| {
        attempt(w, "no_answer".into())
    })
    .await;
    takes_every_word(&doc, ("AttemptRequest", "outcome"), &[], |w| {
        attempt("phone".into(), w)
    })
    .await;

    // Each decision on a document of its own.
    let mut docs = docs.into_iter();
    let review = |w: String| {
        let doc = docs.next().expect("a document to review");
        let body = json!({"decision": w, "reason": "unreadable", "note": "buram"});
        fixtures::review(app, reviewer, doc, body)
    };
    takes_every_word(&doc, ("ReviewRequest", "decision"), &[], review).await;

    let participant = member.token.as_str();
    takes_every_word(&doc, ("MessagesRequest", "channel"), &[], |w| async move {
        let body = json!({"channel": w});
        app.put("/api/v1/me/messages", Some(participant), &body)
            .await
    })
    .await;
    let release = format!("/api/v1/branches/{BRANCH}/release");
    let release = release.as_str();
    takes_every_word(&doc, ("ReleaseRequest", "mode"), &[], |w| async move {
        app.put(release, Some(greeter), &json!({"mode": w})).await
    })
    .await;
    takes_every_word(&doc, ("ArrivalRequest", "priority"), &[], |w| async move {
        let body = json!({"nik": fixtures::nik(5, 6, 1950, true), "priority": w});
        fixtures::arrive_at(app, greeter, BRANCH, &body).await
    })
    .await;
    let (status, v) = fixtures::set_status(app, agent, "asleep").await;
    assert_eq!(error_code(&v), "invalid_status", "{status}");
}
both_backends!(the_server_takes_every_listed_word, clock = CLOCK);

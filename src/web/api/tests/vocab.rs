//! `web::api::vocab`: each list held to its parser, every declaration
//! found in the document.

use super::*;
use crate::domain::planner::{Plan, PlanRequest};

/// Every word a request vocabulary lists is one its handler's parser
/// takes (what the server refuses is never offered).
#[test]
fn request_words_are_what_the_parsers_accept() {
    for w in FinishOutcome::words() {
        assert!(parse_outcome(w).is_ok(), "finish outcome {w}");
    }
    assert!(!FinishOutcome::words().contains(&"transferred"));
    for w in AgentStatus::words() {
        assert!(states::AgentStatus::parse(w).is_ok(), "{w}");
    }
    for w in OutreachChannel::words() {
        assert!(outreach::Channel::parse(w).is_ok(), "{w}");
    }
    for w in AttemptOutcome::words() {
        assert!(outreach::AttemptOutcome::parse(w).is_ok(), "{w}");
    }
    for w in ClaimReason::words() {
        assert!(claim::ClaimReason::parse(w).is_some(), "{w}");
    }
    for w in RejectReason::words() {
        assert!(dossier::RejectReason::parse(w).is_some(), "{w}");
    }
    for w in ReleaseMode::words() {
        assert!(draw::ReleaseMode::parse(w).is_ok(), "{w}");
    }
    for w in AnomalyKind::words() {
        assert!(anomaly::Kind::parse(w).is_some(), "{w}");
    }
    for w in Priority::words() {
        assert!(w.is_empty() || floor::Priority::parse(w).is_some(), "{w}");
    }
    assert_eq!(
        MessageChannelChoice::words(),
        ["", "whatsapp", "sms", "none"]
    );
    for w in AssignableRole::words() {
        let role = crate::app::staff_admin::parse_role(w).map(staff_admin::assignable);
        assert!(matches!(role, Ok(true)), "{w}");
    }
    assert_eq!(
        AssignableRole::words(),
        ["admin", "supervisor", "cs", "auditor"]
    );
}

/// The planner's words: each listed one is taken by the plan, another
/// is refused naming its field.
#[test]
fn planner_words_are_what_the_plan_takes() {
    let plan = |distribution: Option<&str>, opening: Option<&str>| {
        Plan::parse(&PlanRequest {
            arrivals_per_hour: Some(vec![4.0]),
            agents: Some(1.0),
            service_minutes: Some(10.0),
            service_samples: Some(vec![8.0, 12.0]),
            service_distribution: distribution.map(String::from),
            opening_queue: opening.map(String::from),
            ..PlanRequest::default()
        })
        .map(|_| ())
        .map_err(|e| e.field)
    };
    for w in ServiceDistribution::words() {
        assert_eq!(plan(Some(w), None), Ok(()), "{w}");
    }
    assert_eq!(plan(Some("uniform"), None), Err("service_distribution"));
    for w in OpeningQueue::words() {
        assert_eq!(plan(None, Some(w)), Ok(()), "{w}");
    }
    assert_eq!(plan(None, Some("full")), Err("opening_queue"));
}

/// Every field and parameter of [`FIELDS`] and [`PARAMS`] is found and
/// declared, and every reference in the document names a schema it has.
#[test]
fn every_declaration_lands() {
    use utoipa::OpenApi;
    let doc = serde_json::to_value(super::super::ApiDoc::openapi()).unwrap_or_default();
    let schemas = &doc["components"]["schemas"];
    let declared = |s: &serde_json::Value| {
        let text = s.to_string();
        text.contains("\"format\"") || text.contains("\"$ref\"")
    };
    for (schema, field, _) in FIELDS {
        let p = &schemas[*schema]["properties"][*field];
        assert!(declared(p), "{schema}.{field}: {p}");
    }
    for (paths, name, _) in PARAMS {
        for path in *paths {
            let params = doc["paths"][*path]["get"]["parameters"].as_array();
            let p = params.into_iter().flatten().find(|p| p["name"] == *name);
            assert!(p.is_some_and(|p| declared(&p["schema"])), "{path} {name}");
        }
    }
    for (path, name) in NOT_READ {
        let params = doc["paths"][*path]["get"]["parameters"].as_array();
        let names: Vec<_> = params.into_iter().flatten().map(|p| &p["name"]).collect();
        assert!(!names.is_empty(), "{path} has no parameters left");
        assert!(
            !names.iter().any(|n| *n == name),
            "{path} still offers {name}"
        );
    }
    let text = doc.to_string();
    for r in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = r.split('"').next().unwrap_or_default();
        assert!(schemas[name].is_object(), "no schema {name}");
    }
}

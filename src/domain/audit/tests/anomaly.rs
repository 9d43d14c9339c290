#![allow(clippy::unwrap_used)]
use super::*;

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
}

#[test]
fn a_verification_within_a_minute_is_quick() {
    let start = at("2026-11-24 01:00:00");
    assert_eq!(quick(start, at("2026-11-24 01:00:59")), Some(59));
    assert_eq!(quick(start, at("2026-11-24 01:01:00")), None);
    assert_eq!(quick(start, at("2026-11-24 00:59:00")), None);
}

#[test]
fn service_hours_are_local_working_hours() {
    let none: &[NaiveDate] = &[];
    // Tuesday.
    assert!(!outside_hours(at("2026-11-24 08:00:00"), none));
    assert!(!outside_hours(at("2026-11-24 15:30:00"), none));
    assert!(outside_hours(at("2026-11-24 15:31:00"), none));
    assert!(outside_hours(at("2026-11-24 07:59:59"), none));
    // Saturday, and a holiday.
    assert!(outside_hours(at("2026-11-28 10:00:00"), none));
    let holiday = [NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()];
    assert!(outside_hours(at("2026-11-24 10:00:00"), &holiday));
}

#[test]
fn an_agent_far_above_the_branch_median_is_flagged() {
    let d = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    let h = |agent_id, hour, count| AgentHour {
        agent_id,
        day: d,
        hour,
        count,
    };
    let flagged = high_rate(&[h(1, 9, 1), h(2, 9, 1), h(3, 9, 5), h(1, 10, 2)]);
    assert_eq!(flagged, vec![(h(3, 9, 5), 1)]);
    // Below the minimum count: never flagged.
    assert!(high_rate(&[h(1, 9, 1), h(2, 9, 1), h(3, 9, 4)]).is_empty());
    // Everyone fast: the median is high, nobody stands out.
    assert!(high_rate(&[h(1, 9, 6), h(2, 9, 7), h(3, 9, 8)]).is_empty());
    assert!(high_rate(&[]).is_empty());
    let grouped = agent_hours(&[
        (1, at("2026-11-24 09:10:00")),
        (1, at("2026-11-24 09:50:00")),
        (1, at("2026-11-24 10:00:00")),
    ]);
    assert_eq!(grouped, vec![h(1, 9, 2), h(1, 10, 1)]);
}

#[test]
fn assignment_follows_sessions_and_branch_supervision() {
    let branches = vec!["DPS-DENPASAR".to_string()];
    assert!(assigned(7, "cs", Some("DPS-DENPASAR"), &[7], &branches));
    assert!(!assigned(8, "cs", Some("DPS-DENPASAR"), &[7], &branches));
    assert!(assigned(
        9,
        "supervisor",
        Some("DPS-DENPASAR"),
        &[],
        &branches
    ));
    assert!(!assigned(
        9,
        "supervisor",
        Some("JKT-CILANDAK"),
        &[],
        &branches
    ));
    assert!(!assigned(1, "admin", None, &[], &branches));
    assert!(assigned(2, "auditor", None, &[], &branches));
}

#[test]
fn review_steps_are_not_edits() {
    assert!(is_review_step("document_accepted"));
    assert!(is_review_step("session_verified"));
    assert!(!is_review_step("priority_set"));
}

#[test]
fn agent_day_figures() {
    let d = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    let s = |a: &str, b: Option<&str>, o: Option<&str>| SessionFact {
        started_at: at(a),
        finished_at: b.map(at),
        outcome: o.map(str::to_string),
    };
    let sessions = [
        s(
            "2026-11-24 01:00:00",
            Some("2026-11-24 01:20:00"),
            Some("verified"),
        ),
        s(
            "2026-11-24 01:10:00",
            Some("2026-11-24 01:30:00"),
            Some("rejected"),
        ),
        s("2026-11-24 02:00:00", None, None),
    ];
    let f = agent_day(7, "DPS-DENPASAR", d, &sessions, None);
    assert_eq!(
        (f.sessions, f.finished, f.verified, f.rejected),
        (3, 2, 1, 1)
    );
    assert_eq!(f.avg_handling_minutes, Some(20.0));
    assert_eq!(f.verification_rate, Some(0.5));
    // 40 session-minutes over the 30 minutes with a session open.
    assert!((f.avg_concurrency.unwrap() - 40.0 / 30.0).abs() < 1e-9);
    let f = agent_day(7, "DPS-DENPASAR", d, &sessions, Some(80.0));
    assert_eq!(f.avg_concurrency, Some(0.5));
    let none = agent_day(7, "X", d, &[], None);
    assert_eq!(none.avg_handling_minutes, None);
    assert_eq!(none.avg_concurrency, None);
    let changes = vec![
        (at("2026-11-24 01:00:00"), "on_duty".to_string()),
        (at("2026-11-24 01:30:00"), "paused".to_string()),
        (at("2026-11-24 02:00:00"), "off".to_string()),
        (at("2026-11-24 03:00:00"), "on_duty".to_string()),
    ];
    assert_eq!(on_duty_minutes(&changes, at("2026-11-24 03:10:00")), 70.0);
}

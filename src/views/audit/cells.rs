//! The log's cells and filters as the auditor reads them: an instant to
//! the second (exact in its markup), an entry's details as lines, the
//! branches by name and the actions by their labels.

use chrono::NaiveDateTime;
use maud::{html, Markup};

use super::{action_label, rfc3339};
use crate::db::branches::Branch;
use crate::domain::floor::Outcome;
use crate::domain::schedule::to_local;
use crate::i18n::{t, Lang};

/// An instant of the log as people read it (`2026-11-24 00:40:00`, UTC
/// as the column says), the stored instant to the microsecond in its
/// `datetime` and its tooltip.
pub(super) fn instant(at: NaiveDateTime) -> Markup {
    let exact = rfc3339(at);
    html! {
        time.nowrap datetime=(exact) title=(exact) { (at.format("%Y-%m-%d %H:%M:%S")) }
    }
}

/// `at` in the branch's own time, written as the UTC instant above it
/// and labelled with the zone (`2026-11-24 08:40:00 WITA`): where an entry
/// happened at a branch, the auditor reads the hour the branch lived — a
/// verification at 03.00 WIT stands out without reckoning the offset.
pub(super) fn branch_instant(at: NaiveDateTime, branch: &Branch) -> Markup {
    let local = to_local(branch.tz(), at).naive_local();
    html! {
        br;
        span.small.muted.nowrap { (local.format("%Y-%m-%d %H:%M:%S")) " " (branch.zone_label()) }
    }
}

/// The action filter: a choice among the actions the log knows, by
/// their labels (the stored word beside each, as the CSV and the API
/// take it).
pub(super) fn action_field(l: Lang, current: &str) -> Markup {
    // Trimmed, as the filter takes it.
    let current = current.trim();
    html! {
        div.field {
            label for="action" { (t(l, "audit_action")) }
            select id="action" name="action" {
                option value="" { (t(l, "audit_all_actions")) }
                @for (word, label) in action_choices(l, current) {
                    option value=(word) selected[word == current] { (label) " (" (word) ")" }
                }
            }
        }
    }
}

/// The branch filter: every branch by name, its code beside it (as the
/// CSV and the API take it); `current` kept as a choice when no branch
/// has it, like [`action_choices`].
pub(super) fn branch_field(l: Lang, branches: &[Branch], current: &str) -> Markup {
    let current = current.trim();
    let known = current.is_empty() || branches.iter().any(|b| b.code == current);
    html! {
        div.field {
            label for="branch" { (t(l, "branch")) }
            select id="branch" name="branch" {
                option value="" { (t(l, "audit_all_branches")) }
                @if !known { option value=(current) selected { (current) } }
                @for b in branches {
                    option value=(b.code) selected[b.code == current] { (b.name) " (" (b.code) ")" }
                }
            }
        }
    }
}

/// Every action the catalog names (a finished session's outcomes one by
/// one, as they are stored), sorted by label in `l`; `current` kept as a
/// choice when it is none of them, so that a filter typed into the
/// address stays what it says.
pub(super) fn action_choices(l: Lang, current: &str) -> Vec<(String, String)> {
    let mut words: Vec<String> = crate::i18n::entries()
        .filter_map(|(key, _, _)| key.strip_prefix("audit_action_"))
        .filter(|w| *w != "session_finished")
        .map(str::to_string)
        .chain(
            Outcome::ALL
                .iter()
                .map(|o| format!("session_{}", o.as_str())),
        )
        .collect();
    let current = current.trim();
    if !current.is_empty() && !words.iter().any(|w| w == current) {
        words.push(current.to_string());
    }
    let mut choices: Vec<(String, String)> = words
        .into_iter()
        .map(|w| {
            let label = action_label(l, &w);
            (w, label)
        })
        .collect();
    choices.sort_by_cached_key(|(w, label)| (label.to_lowercase(), w.clone()));
    choices.dedup_by(|a, b| a.0 == b.0);
    choices
}

/// An entry's details: a JSON object as one `name: value` line per
/// field that holds something (the CSV and the API keep the stored text
/// whole); anything else as stored.
pub(super) fn details(text: &str) -> Markup {
    let Ok(serde_json::Value::Object(fields)) = serde_json::from_str::<serde_json::Value>(text)
    else {
        return html! { code { (text) } };
    };
    html! {
        @for (name, value) in fields.iter().filter(|(_, v)| !v.is_null()) {
            span.kv {
                span.k { (name) ": " }
                @match value {
                    serde_json::Value::String(s) => code { (s) },
                    other => code { (other.to_string()) },
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_actions_are_offered_by_label_each_once() {
        let choices = action_choices(Lang::Id, "");
        let words: Vec<&str> = choices.iter().map(|(w, _)| w.as_str()).collect();
        assert!(words.contains(&"booking_placed"));
        assert!(words.contains(&"document_viewed"));
        // A finished session is stored with its outcome.
        for o in Outcome::ALL {
            assert!(words.contains(&format!("session_{}", o.as_str()).as_str()));
        }
        assert!(!words.contains(&"session_finished"));
        let mut unique = words.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), words.len(), "each action once");
        let labels: Vec<String> = choices.iter().map(|(_, l)| l.to_lowercase()).collect();
        assert!(labels.windows(2).all(|w| w[0] <= w[1]), "{labels:?}");
        let placed = choices.iter().find(|(w, _)| w == "booking_placed");
        assert_ne!(placed.map(|(_, l)| l.as_str()), Some("booking_placed"));
    }

    #[test]
    fn a_filter_the_list_does_not_know_stays_a_choice() {
        let known = action_choices(Lang::En, "booking_placed");
        assert_eq!(known.len(), action_choices(Lang::En, "").len());
        let typed = action_choices(Lang::En, "made_up_action");
        assert_eq!(typed.len(), known.len() + 1);
        assert!(typed.iter().any(|(w, _)| w == "made_up_action"));
        let html = action_field(Lang::En, "made_up_action").into_string();
        assert!(
            html.contains(r#"<option value="made_up_action" selected>"#),
            "{html}"
        );
        assert!(html.contains(r#"<option value="">All actions</option>"#));
        // The filter trims what it takes; so does the list.
        let html = action_field(Lang::En, " booking_placed ").into_string();
        assert!(
            html.contains(r#"<option value="booking_placed" selected>"#),
            "{html}"
        );
        assert_eq!(html.matches("<option").count(), known.len() + 1);
    }

    #[test]
    fn details_read_as_lines_and_the_rest_as_stored() {
        let html =
            details(r#"{"email":"a@b.id","company":null,"staff":1,"via":"<cli>"}"#).into_string();
        assert!(
            html.contains(r#"<span class="k">email: </span><code>a@b.id</code>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<span class="k">staff: </span><code>1</code>"#),
            "{html}"
        );
        assert!(
            !html.contains("company"),
            "a field without a value is left out: {html}"
        );
        assert!(html.contains("&lt;cli&gt;"), "escaped: {html}");
        assert_eq!(details("not json").into_string(), "<code>not json</code>");
        assert_eq!(details("[1,2]").into_string(), "<code>[1,2]</code>");
    }

    #[test]
    fn an_instant_reads_to_the_second_and_keeps_its_microseconds() {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 11, 24)
            .and_then(|d| d.and_hms_micro_opt(0, 40, 0, 125_193))
            .expect("instant");
        assert_eq!(
            instant(at).into_string(),
            r#"<time class="nowrap" datetime="2026-11-24T00:40:00.125193Z" title="2026-11-24T00:40:00.125193Z">2026-11-24 00:40:00</time>"#
        );
    }
}

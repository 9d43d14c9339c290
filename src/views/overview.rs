//! The head office overview (admin, auditor): every branch's floor on one
//! page, flagged branches first in a list, then every branch in a table.
//! live.js swaps in a fresh region when any floor changes (the overview's
//! event stream) and every 30 s, so a wait that grows quietly is seen too.

use chrono::{DateTime, Utc};
use maud::{html, Markup};

use super::components::{column_heads, figure_card, figure_grid};
use super::layout::Frame;
use crate::domain::overview::{Alert, BranchFigures, Totals};
use crate::domain::role::Role;
use crate::i18n::{clock_time, integer, long_date, t, tf, Lang};

/// What the page shows.
pub struct OverviewPage<'a> {
    pub threshold_minutes: u32,
    pub at: DateTime<Utc>,
    pub totals: &'a Totals,
    pub branches: &'a [BranchFigures],
    /// A refused threshold (the default is used meanwhile).
    pub error: Option<String>,
}

/// Where a branch's name leads: an admin to its floor, an auditor (who
/// has no floor) to its agents' day.
fn branch_page(f: &Frame<'_>, code: &str) -> String {
    match f.role {
        Some(Role::Auditor) => format!("/audit/agents?branch={code}"),
        _ => format!("/staff/floor?branch={code}"),
    }
}

fn alert_text(l: Lang, b: &BranchFigures, threshold: u32) -> Option<String> {
    let wait = b.longest_wait_minutes.unwrap_or(0).to_string();
    Some(match b.alert? {
        Alert::WaitOverThreshold => tf(
            l,
            "overview_alert_wait",
            &[("minutes", &wait), ("threshold", &threshold.to_string())],
        ),
        Alert::NobodyOnDuty => tf(
            l,
            "overview_alert_nobody",
            &[("waiting", &b.waiting.to_string())],
        ),
    })
}

pub fn page(f: &Frame<'_>, p: &OverviewPage<'_>) -> Markup {
    let l = f.lang;
    let wib = p.at.with_timezone(&chrono_tz::Asia::Jakarta);
    let flagged: Vec<&BranchFigures> = p.branches.iter().filter(|b| b.alert.is_some()).collect();
    let tot = p.totals;
    html! {
        div.overview.stack data-live-url="/api/v1/overview/events" data-live-every="30000" data-live-gap="2000" {
            h1 { (t(l, "overview_title")) }
            p.lead { (t(l, "overview_lead")) }
            p.small.muted role="status" {
                (tf(l, "overview_updated", &[("time", &format!("{} {}", long_date(l, wib.date_naive()), clock_time(l, &wib)))])) " WIB"
            }
            form.overview-threshold method="get" action="/audit/branches" {
                label for="threshold" { (t(l, "overview_threshold")) }
                div.threshold-row {
                    input id="threshold" name="threshold_minutes" type="number" min="1" max="600" value=(p.threshold_minutes) aria-describedby="threshold-hint";
                    button.btn.btn-secondary type="submit" { (t(l, "overview_apply")) }
                }
                p.hint.small #threshold-hint { (t(l, "overview_threshold_hint")) }
            }
            @if let Some(e) = &p.error { (super::components::notice("error", e)) }
            (figure_grid("overview-totals", t(l, "overview_totals"), html! {
                (figure(l, t(l, "overview_waiting"), tot.waiting))
                (figure(l, t(l, "overview_open_sessions"), tot.open_sessions))
                (figure(l, t(l, "overview_on_duty"), tot.on_duty_agents))
                (figure(l, t(l, "overview_served_today"), tot.served_today))
                (figure(l, t(l, "overview_quota"), tot.quota_next_7_days))
                (figure(l, t(l, "overview_alerts"), tot.alerts))
            }))
            section.card.stack aria-labelledby="overview-alerts" {
                h2 #overview-alerts { (t(l, "overview_alerts")) " (" (flagged.len()) ")" }
                @if flagged.is_empty() {
                    p.muted { (tf(l, "overview_no_alerts", &[("threshold", &p.threshold_minutes.to_string())])) }
                } @else {
                    ul.overview-alerts {
                        @for b in &flagged {
                            li.notice.notice-warning { strong { (b.name) } " — " (alert_text(l, b, p.threshold_minutes).unwrap_or_default()) }
                        }
                    }
                }
            }
            section.card.stack aria-labelledby="overview-branches" {
                h2 #overview-branches { (t(l, "overview_branches")) " (" (p.branches.len()) ")" }
                div.table-wrap { table.data.overview-table {
                    caption.visually-hidden { (t(l, "overview_table_caption")) }
                    (column_heads(l, &[
                        ("branch", false),
                        ("overview_waiting", true),
                        ("overview_longest_wait", true),
                        ("overview_open_sessions", true),
                        ("overview_on_duty", true),
                        ("overview_served_today", true),
                        ("overview_quota", true),
                        ("status", false),
                    ]))
                    tbody {
                        @for b in p.branches {
                            tr.overview-alert[b.alert.is_some()] data-branch=(b.code) {
                                th scope="row" { a href=(branch_page(f, &b.code)) { (b.name) } }
                                td.num { (integer(l, b.waiting)) }
                                td.num { @match b.longest_wait_minutes { Some(m) => { (m) " " (t(l, "minutes")) }, None => { "–" } } }
                                td.num { (integer(l, b.open_sessions)) }
                                td.num { (integer(l, b.on_duty_agents)) }
                                td.num { (integer(l, b.served_today)) }
                                td.num { (integer(l, b.quota_next_7_days)) }
                                td { @match b.alert {
                                    Some(Alert::WaitOverThreshold) => { span.tag.tag-bad { (t(l, "overview_tag_wait")) } },
                                    Some(Alert::NobodyOnDuty) => { span.tag.tag-warn { (t(l, "overview_tag_nobody")) } },
                                    None => { span.tag.tag-ok { (t(l, "overview_tag_ok")) } },
                                } }
                            }
                        }
                    }
                } }
            }
        }
        script src="/static/live.js" defer {}
    }
}

fn figure(l: Lang, label: &str, n: u32) -> Markup {
    figure_card(label, &integer(l, n), None)
}

//! The auditor's console: the verification log filtered and paged, the
//! chain's status, and one claim's timeline. Read-only.

use chrono::NaiveDateTime;
use maud::{html, Markup};

use super::charts::{self, Chart, Series};
use super::components::{column_heads, notice, numbered_head};
use super::layout::Frame;
use crate::db::audit::anomalies::Flag;
use crate::db::audit::read::Entry;
use crate::db::branches::Branch;
use crate::domain::audit::anomaly::AgentDay;
use crate::domain::floor::Outcome;
use crate::i18n::{t, Lang};
use cells::{action_field, branch_field, branch_instant, details, instant};

mod cells;

/// An instant as RFC 3339 UTC with microseconds (what the log stores).
pub fn rfc3339(at: NaiveDateTime) -> String {
    at.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// The sentence that explains a flag, its facts filled in.
pub fn explain(lang: Lang, f: &Flag) -> String {
    let mut text = t(lang, f.kind.explanation_key()).to_string();
    for (k, v) in &f.facts {
        text = text.replace(&format!("{{{k}}}"), v);
    }
    text
}

/// The filter form's current values (as typed).
pub struct Filters<'a> {
    pub branch: &'a str,
    pub actor: &'a str,
    pub action: &'a str,
    pub claim: &'a str,
    /// Participant id (a NIK filter resolves to it).
    pub participant: &'a str,
    pub from: &'a str,
    pub to: &'a str,
}

/// The chain's status, when the auditor asked for it.
pub struct ChainStatus {
    pub intact: bool,
    pub incomplete: bool,
    pub message: String,
}

pub struct Console<'a> {
    pub filters: Filters<'a>,
    /// Every branch, for the branch filter.
    pub branches: &'a [Branch],
    /// The current filters as a query string (without `after`).
    pub query: String,
    pub entries: &'a [Entry],
    pub next: Option<i64>,
    pub chain: Option<&'a ChainStatus>,
    /// The NIK filtered on, masked.
    pub nik_shown: Option<&'a str>,
    /// A NIK was given and no participant has it.
    pub unknown_nik: bool,
}

/// A bound field's type: a day picker, unless the value (from a link or
/// the API's form) is an instant a picker would drop.
fn day_or_text(value: &str) -> &'static str {
    match value.is_empty() || chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok() {
        true => "date",
        false => "text",
    }
}

fn field(label: &str, name: &str, value: &str, kind: &str) -> Markup {
    html! {
        div.field {
            label for=(name) { (label) }
            input id=(name) name=(name) type=(kind) value=(value);
        }
    }
}

pub fn console(f: &Frame<'_>, c: &Console<'_>) -> Markup {
    let l = f.lang;
    let fl = &c.filters;
    let sep = if c.query.is_empty() { "" } else { "&" };
    html! {
        h1 { (t(l, "audit_title")) }
        p.lead { (t(l, "audit_lead")) }
        (nav(f, "log"))
        section.card.stack {
            h2 { (t(l, "audit_chain")) }
            @match c.chain {
                None => p { a.btn.btn-secondary href={ "/audit?" (c.query) (sep) "verify=1" } { (t(l, "audit_verify_now")) } },
                Some(s) if !s.intact => (notice("error", &s.message)),
                Some(s) if s.incomplete => (notice("warning", &format!("{} {}", t(l, "audit_verify_incomplete"), s.message))),
                Some(s) => (notice("success", &format!("{} {}", t(l, "audit_intact"), s.message))),
            }
        }
        form.stack.filters method="get" action="/audit" {
            (branch_field(l, c.branches, fl.branch))
            (field(t(l, "audit_actor"), "actor", fl.actor, "text"))
            (action_field(l, fl.action))
            (field(t(l, "audit_claim"), "claim", fl.claim, "text"))
            (field(t(l, "audit_participant"), "participant", fl.participant, "text"))
            (field(t(l, "audit_nik"), "nik", "", "text"))
            (field(t(l, "audit_from"), "from", fl.from, day_or_text(fl.from)))
            (field(t(l, "audit_to"), "to", fl.to, day_or_text(fl.to)))
            button.btn.btn-secondary type="submit" { (t(l, "show")) }
            p.hint.small.filters-hint { (t(l, "audit_days_hint")) }
        }
        @if let Some(nik) = c.nik_shown {
            @if c.unknown_nik { (notice("warning", &format!("{} {nik}", t(l, "audit_no_participant")))) }
            @else { p { (t(l, "audit_filtered_participant")) " NIK " (nik) " (id " (fl.participant) ")" } }
        }
        p { a href={ "/api/v1/audit/entries.csv?" (c.query) } { (t(l, "audit_csv")) } }
        @if c.entries.is_empty() { p.muted { (t(l, "audit_empty")) } } @else { (table(f, c.entries, c.branches)) }
        @if let Some(n) = c.next {
            p { a.btn.btn-secondary href={ "/audit?" (c.query) (sep) "after=" (n) } { (t(l, "audit_next_page")) " →" } }
        }
    }
}

fn opt(v: Option<i64>) -> String {
    v.map(|n| n.to_string()).unwrap_or_default()
}

/// A table of log rows under a numbered head (`#`, then the `heads`
/// keys): each row's sequence number and time (also in its branch's zone
/// when `seq_at` names the branch), then its `cells`.
fn log_table<'b, T>(
    l: Lang,
    heads: &[&str],
    rows: &[T],
    seq_at: impl Fn(&T) -> (i64, NaiveDateTime, Option<&'b Branch>),
    cells: impl Fn(&T) -> Markup,
) -> Markup {
    html! {
        div.table-wrap { table.data {
            (numbered_head(l, heads))
            tbody {
                @for r in rows {
                    @let (seq, at, branch) = seq_at(r);
                    tr {
                        td { (seq) }
                        td { (instant(at)) @if let Some(b) = branch { (branch_instant(at, b)) } }
                        (cells(r))
                    }
                }
            }
        } }
    }
}

/// The entries, each one's time also in its branch's zone (the subject's
/// branch, else the actor's) when `branches` knows it.
fn table(f: &Frame<'_>, entries: &[Entry], branches: &[Branch]) -> Markup {
    let l = f.lang;
    let heads = [
        "audit_time",
        "audit_actor",
        "audit_action",
        "audit_subject",
        "audit_details",
    ];
    log_table(
        l,
        &heads,
        entries,
        |e| {
            let code = e.branch_code.as_deref().or(e.actor_branch.as_deref());
            let branch = code.and_then(|c| branches.iter().find(|b| b.code == c));
            (e.seq, e.at, branch)
        },
        |e| {
            html! {
                td { (role_label(l, &e.actor_role)) " " (opt(e.actor_id)) @if let Some(b) = &e.actor_branch { " · " (b) } }
                td { (action_label(l, &e.action)) br; code.small { (e.action) } }
                td {
                    @if let Some(b) = &e.branch_code { (b) " " }
                    @if let Some(c) = e.claim_id { a href={ "/audit/claims/" (c) } { (t(l, "audit_claim")) " " (c) } " " }
                    @if let Some(p) = e.participant_id { (t(l, "audit_participant")) " " (p) " " }
                    @if let Some(s) = e.session_id { (t(l, "audit_session")) " " (s) }
                }
                td.details { (details(&e.details)) }
            }
        },
    )
}

pub fn timeline(f: &Frame<'_>, claim_id: i64, entries: &[Entry], branches: &[Branch]) -> Markup {
    let l = f.lang;
    html! {
        h1 { (t(l, "audit_timeline_title")) " " (claim_id) }
        p { a href="/audit" { "← " (t(l, "audit_title")) } }
        @if entries.is_empty() { p.muted { (t(l, "audit_empty")) } } @else { (table(f, entries, branches)) }
    }
}

/// Links between the console's views.
fn nav(f: &Frame<'_>, current: &str) -> Markup {
    let l = f.lang;
    html! {
        nav.stack aria-label=(t(l, "audit_title")) {
            p {
                @for (i, (key, href, label)) in [("log", "/audit", "audit_nav_log"), ("agents", "/audit/agents", "audit_agents_title"), ("anomalies", "/audit/anomalies", "audit_anomalies_title")].into_iter().enumerate() {
                    @if i > 0 { " · " }
                    @if key == current { strong aria-current="page" { (t(l, label)) } } @else { a href=(href) { (t(l, label)) } }
                }
            }
        }
    }
}

/// The range form's values as shown.
pub struct RangeShown {
    pub branch: String,
    /// Every branch, for the branch filter.
    pub branches: Vec<Branch>,
    pub from: String,
    pub to: String,
    pub kind: String,
}

/// A report page's title, lead, section nav and date range form (with
/// the anomaly kinds when `kinds`); `page` names the section and its path.
fn report_head(
    f: &Frame<'_>,
    page: &str,
    [title, lead]: [&str; 2],
    r: &RangeShown,
    kinds: bool,
) -> Markup {
    html! {
        h1 { (t(f.lang, title)) }
        p.lead { (t(f.lang, lead)) }
        (nav(f, page))
        (range_form(f, &format!("/audit/{page}"), r, kinds))
    }
}

fn range_form(f: &Frame<'_>, action: &str, r: &RangeShown, kinds: bool) -> Markup {
    let l = f.lang;
    html! {
        form.stack.filters method="get" action=(action) {
            (branch_field(l, &r.branches, &r.branch))
            (field(t(l, "audit_day_from"), "from", &r.from, "date"))
            (field(t(l, "audit_day_to"), "to", &r.to, "date"))
            @if kinds {
                div.field {
                    label for="kind" { (t(l, "audit_anomaly_kind")) }
                    select id="kind" name="kind" {
                        option value="" { (t(l, "audit_all_kinds")) }
                        @for k in crate::domain::audit::anomaly::Kind::ALL {
                            option value=(k.code()) selected[r.kind == k.code()] { (t(l, &format!("anomaly_kind_{}", k.code()))) }
                        }
                    }
                }
            }
            button.btn.btn-secondary type="submit" { (t(l, "show")) }
        }
    }
}

fn percent(v: Option<f64>) -> String {
    v.map(|x| format!("{:.0}%", x * 100.0))
        .unwrap_or_else(|| "–".into())
}

pub fn agents(f: &Frame<'_>, r: &RangeShown, rows: &[AgentDay]) -> Markup {
    let l = f.lang;
    html! {
        (report_head(f, "agents", ["audit_agents_title", "audit_agents_lead"], r, false))
        @if rows.is_empty() { p.muted { (t(l, "audit_empty")) } } @else {
            (agent_charts(l, rows))
            div.table-wrap { table.data {
                (column_heads(l, &[
                    ("branch", false),
                    ("audit_day", false),
                    ("audit_agent", false),
                    ("audit_sessions", true),
                    ("audit_avg_handling", true),
                    ("audit_verification_rate", true),
                    ("audit_rejection_rate", true),
                    ("audit_avg_concurrency", true),
                ]))
                tbody {
                    @for a in rows {
                        tr {
                            td { (a.branch) }
                            td.day { (a.day) }
                            td { a href={ "/audit?actor=" (a.agent_id) "&from=" (a.day) "&to=" (a.day) } { (a.agent_id) } }
                            td.num { (crate::i18n::integer(l, a.sessions)) }
                            td.num { (crate::i18n::decimal(l, a.avg_handling_minutes)) }
                            td.num { (percent(a.verification_rate)) }
                            td.num { (percent(a.rejection_rate)) }
                            td.num { (crate::i18n::decimal(l, a.avg_concurrency)) }
                        }
                    }
                }
            } }
        }
    }
}

/// Each agent-day's sessions and how many it held side by side, charted
/// (the table below has every figure).
fn agent_charts(l: Lang, rows: &[AgentDay]) -> Markup {
    let one_day = rows.windows(2).all(|w| w[0].day == w[1].day);
    let labels: Vec<String> = rows
        .iter()
        .map(|a| {
            if one_day {
                format!("#{} {}", a.agent_id, a.branch)
            } else {
                format!("#{} {}", a.agent_id, a.day.format("%d/%m"))
            }
        })
        .collect();
    let n = |f: fn(&AgentDay) -> u32| rows.iter().map(|a| f64::from(f(a))).collect::<Vec<_>>();
    let sessions = [
        Series {
            name: t(l, "audit_sessions"),
            values: n(|a| a.sessions),
        },
        Series {
            name: t(l, "audit_chart_verified"),
            values: n(|a| a.verified),
        },
        Series {
            name: t(l, "audit_chart_rejected"),
            values: n(|a| a.rejected),
        },
    ];
    let concurrency = [Series {
        name: t(l, "audit_avg_concurrency"),
        values: rows
            .iter()
            .map(|a| a.avg_concurrency.unwrap_or(0.0))
            .collect(),
    }];
    let chart = |id, title, desc| Chart {
        id,
        title: t(l, title),
        desc: t(l, desc),
        x_label: t(l, "audit_agent"),
        y_label: t(
            l,
            if id == "chart-agent-sessions" {
                "chart_sessions"
            } else {
                "chart_sessions_held"
            },
        ),
        y_max: None,
        lang: l,
    };
    html! {
        div.floor-charts {
            @for (id, title, desc, series) in [("chart-agent-sessions", "audit_chart_sessions", "audit_chart_sessions_desc", &sessions[..]), ("chart-agent-concurrency", "audit_avg_concurrency", "audit_chart_concurrency_desc", &concurrency[..])] {
                div {
                    h2 { (t(l, title)) }
                    p.small { (t(l, desc)) }
                    (charts::bars(&chart(id, title, desc), &labels, series))
                }
            }
        }
    }
}

pub fn anomalies(f: &Frame<'_>, r: &RangeShown, flags: &[Flag]) -> Markup {
    let l = f.lang;
    html! {
        (report_head(f, "anomalies", ["audit_anomalies_title", "audit_anomalies_lead"], r, true))
        @if flags.is_empty() { p.muted { (t(l, "audit_anomalies_none")) } } @else {
            (log_table(l, &["audit_time", "audit_kind", "audit_actor", "audit_why", "audit_claim", "audit_participant"], flags, |a| (a.seq, a.at, a.branch.as_deref().and_then(|c| r.branches.iter().find(|b| b.code == c))), |a| html! {
                td { (t(l, &format!("anomaly_kind_{}", a.kind.code()))) @if let Some(b) = &a.branch { br; (b) } }
                td { (opt(a.actor_id)) }
                td { (explain(l, a)) }
                td { @for c in &a.claims { a href={ "/audit/claims/" (c) } { (c) } " " } }
                td { @for p in &a.participants { a href={ "/audit?participant=" (p) } { (p) } " " } }
            }))
        }
    }
}

/// An action of the log as the auditor reads it ("Dokumen diterima"); the
/// stored word stays beside it, as the filter takes it.
pub fn action_label(l: Lang, action: &str) -> String {
    if let Some(outcome) = action
        .strip_prefix("session_")
        .and_then(|w| Outcome::parse(w).ok())
    {
        let outcome = match l {
            Lang::Id => outcome.label_id(),
            Lang::En => outcome.label_en(),
        };
        return format!("{}: {outcome}", t(l, "audit_action_session_finished"));
    }
    crate::i18n::label(l, "audit_action_", action)
}

/// The actor's role as a person reads it (participant, kiosk and system
/// included).
fn role_label(l: Lang, role: &str) -> String {
    crate::i18n::label(l, "role_", role)
}

//! The capacity planner page (supervisors, admins): the day's arrivals
//! (typed per hour or a recorded day), the service time, up to three floor
//! configurations side by side; then each one's simulated waits, the
//! smallest staffing meeting a target wait, and a chart of people waiting
//! over the day per configuration, on one scale.

use chrono::{NaiveDate, NaiveTime, TimeDelta};
use maud::{html, Markup};

use super::charts::{self, Chart, Series};
use super::components::{error_for, error_summary, FieldError};
use super::layout::Frame;
use crate::db::branches::Branch;
use crate::domain::planner::calibrate::Calibration;
use crate::domain::planner::form::{PlannerForm, CONFIGS, PAGE_RUNS, PAGE_SEED};
use crate::domain::planner::{Forecast, RecordedDay};
use crate::i18n::{clock_time, decimal, long_date, t, tf, Lang};

/// What the page shows (see `app::planner::Comparison`).
pub struct Planner<'a> {
    pub branch: &'a Branch,
    /// Branches an admin may pick (none for a supervisor).
    pub branches: &'a [Branch],
    pub form: &'a PlannerForm,
    pub errors: &'a [FieldError],
    pub results: &'a [(usize, Forecast)],
    pub recorded: Option<(NaiveDate, &'a RecordedDay)>,
    /// The concurrency model simulated.
    pub calibration: &'a Calibration,
}

/// Where the simulated day starts on the clock: the branch's first
/// session.
const OPENING: (u32, u32) = (8, 0);

pub fn page(f: &Frame<'_>, p: &Planner<'_>) -> Markup {
    let l = f.lang;
    html! {
        div.planner {
            h1 { (t(l, "planner_title")) " · " (p.branch.name) }
            p.lead { (t(l, "planner_lead")) }
            (error_summary(l, p.errors))
            (form(f, p))
            (concurrency(l, p.calibration))
            @if let Some((day, r)) = p.recorded { (recorded(l, day, r)) }
            @if !p.results.is_empty() { (results(l, p)) }
        }
    }
}

/// A text field with its label, hint and error.
fn field(
    l: Lang,
    errors: &[FieldError],
    name: &str,
    value: &str,
    kind: &str,
    hint: Option<&str>,
) -> Markup {
    let err = error_for(errors, name);
    let hint_id = format!("{name}-hint");
    let err_id = format!("{name}-error");
    let described: Vec<&str> = [hint.map(|_| hint_id.as_str()), err.map(|_| err_id.as_str())]
        .into_iter()
        .flatten()
        .collect();
    html! {
        div.field.has-error[err.is_some()] {
            label for=(name) { (t(l, &format!("planner_field_{name}"))) }
            @if let Some(h) = hint { p.hint id=(hint_id) { (h) } }
            @if let Some(e) = err { p.field-error id=(err_id) { (e) } }
            input id=(name) name=(name) type=(kind) value=(value) inputmode=[(kind == "text" && name != "arrivals").then_some("decimal")]
                aria-invalid=[err.map(|_| "true")] aria-describedby=[(!described.is_empty()).then(|| described.join(" "))];
        }
    }
}

fn form(f: &Frame<'_>, p: &Planner<'_>) -> Markup {
    let l = f.lang;
    let v = p.form;
    let e = p.errors;
    html! {
        form.card.planner-form method="get" action="/staff/planner" {
            @if !p.branches.is_empty() {
                div.field {
                    label for="branch" { (t(l, "branch")) }
                    select id="branch" name="branch" {
                        @for b in p.branches {
                            option value=(b.code) selected[b.code == p.branch.code] { (b.name) }
                        }
                    }
                }
            }
            fieldset {
                legend { (t(l, "planner_arrivals")) }
                (field(l, e, "arrivals", &v.arrivals, "text", Some(t(l, "planner_arrivals_hint"))))
                (field(l, e, "day", &v.day, "date", Some(t(l, "planner_day_hint"))))
            }
            fieldset {
                legend { (t(l, "planner_service")) }
                (field(l, e, "service_minutes", &v.service_minutes, "text", None))
                @let err = error_for(e, "distribution");
                div.field.has-error[err.is_some()] {
                    label for="distribution" { (t(l, "planner_field_distribution")) }
                    @if let Some(m) = err { p.field-error id="distribution-error" { (m) } }
                    select id="distribution" name="distribution" aria-describedby=[err.map(|_| "distribution-error")] {
                        @for d in ["exponential", "lognormal", "empirical"] {
                            option value=(d) selected[v.distribution.trim() == d] { (t(l, &format!("planner_distribution_{d}"))) }
                        }
                    }
                }
                (field(l, e, "target_wait", &v.target_wait, "text", Some(t(l, "planner_target_hint"))))
            }
            fieldset.planner-configs {
                legend { (t(l, "planner_configs")) }
                p.hint { (t(l, "planner_configs_hint")) }
                table.data {
                    thead { tr {
                        th scope="col" { (t(l, "planner_config")) }
                        th scope="col" { (t(l, "agents")) }
                        th scope="col" { (t(l, "seats_per_agent")) }
                        th scope="col" { (t(l, "walk_in_cap")) }
                    } }
                    tbody {
                        @for i in 1..=CONFIGS {
                            @let c = v.config(i);
                            tr {
                                th scope="row" { (i) }
                                @for (name, key, value) in [("agents", "agents", c.agents), ("seats", "seats_per_agent", c.seats), ("cap", "walk_in_cap", c.cap)] {
                                    @let id = format!("{name}_{i}");
                                    @let err = error_for(e, &id);
                                    td.has-error[err.is_some()] {
                                        label.visually-hidden for=(id) { (t(l, key)) " · " (t(l, "planner_config")) " " (i) }
                                        @if let Some(m) = err { p.field-error id={ (id) "-error" } { (m) } }
                                        input id=(id) name=(id) type="text" inputmode="numeric" value=(value) size="6"
                                            aria-invalid=[err.map(|_| "true")] aria-describedby=[err.map(|_| format!("{id}-error"))];
                                    }
                                }
                            }
                        }
                    }
                }
            }
            button.btn.btn-primary type="submit" { (t(l, "planner_run")) }
        }
    }
}

/// The concurrency model the forecasts use: calibrated from the branch's
/// sessions ("calibrated from N sessions") or the documented default.
fn concurrency(l: Lang, c: &Calibration) -> Markup {
    let levels: Vec<String> = c
        .concurrency
        .iter()
        .enumerate()
        .map(|(i, m)| format!("k = {}: {}×", i + 1, decimal(l, Some(*m))))
        .collect();
    html! {
        section.card.stack.planner-concurrency aria-labelledby="concurrency-title" data-calibrated=(c.sessions) {
            h2 #concurrency-title { (t(l, "planner_concurrency_title")) }
            @if c.is_default() {
                p { strong { (t(l, "planner_concurrency_default")) } }
            } @else {
                p { strong { (tf(l, "planner_concurrency_calibrated", &[("n", &c.sessions.to_string())])) } }
            }
            p { (levels.join(" · ")) }
            p.small.muted { (t(l, "planner_concurrency_note")) }
        }
    }
}

/// What the recorded day was, to read the forecasts against.
fn recorded(l: Lang, day: NaiveDate, r: &RecordedDay) -> Markup {
    let n = (r.walk_ins.len() + r.bookings.len()).to_string();
    let (walk_ins, bookings) = (r.walk_ins.len().to_string(), r.bookings.len().to_string());
    let mean = decimal(l, r.actual_mean_wait);
    let p90 = decimal(l, r.actual_p90_wait);
    html! {
        section.card.stack.planner-recorded aria-labelledby="recorded-title" {
            h2 #recorded-title { (t(l, "planner_recorded")) " · " (long_date(l, day)) }
            p { (tf(l, "planner_recorded_counts", &[("n", &n), ("walk_ins", &walk_ins), ("bookings", &bookings)])) }
            p { (tf(l, "planner_recorded_waits", &[("mean", &mean), ("p90", &p90)])) }
            p.small.muted { (t(l, "planner_recorded_note")) }
        }
    }
}

/// "3 petugas × 5 kursi": a configuration in words.
fn config_name(l: Lang, f: &Forecast) -> String {
    tf(
        l,
        "planner_config_name",
        &[
            ("agents", &f.agents.to_string()),
            ("seats", &f.seats_per_agent.to_string()),
        ],
    )
}

fn percent(v: f64) -> String {
    format!("{:.0}%", v * 100.0)
}

fn results(l: Lang, p: &Planner<'_>) -> Markup {
    let d = |v: f64| decimal(l, Some(v));
    type Cell = fn(Lang, &Forecast) -> String;
    let rows: [(&str, Cell); 8] = [
        ("planner_mean_wait", |l, f| {
            decimal(l, Some(f.mean_wait_minutes))
        }),
        ("planner_p90_wait", |l, f| {
            decimal(l, Some(f.p90_wait_minutes))
        }),
        ("planner_arrivals_sim", |l, f| decimal(l, Some(f.arrivals))),
        ("served", |l, f| decimal(l, Some(f.served))),
        ("planner_abandoned", |l, f| decimal(l, Some(f.abandoned))),
        ("planner_agent_utilization", |_, f| {
            percent(f.agent_utilization)
        }),
        ("planner_seat_utilization", |_, f| {
            percent(f.seat_utilization)
        }),
        ("planner_overtime", |l, f| {
            decimal(l, Some(f.overtime_minutes))
        }),
    ];
    let target = p.results.iter().find_map(|(_, f)| f.staffing.as_ref());
    let top = p
        .results
        .iter()
        .flat_map(|(_, f)| f.waiting.iter().map(|w| w.waiting))
        .fold(0.0, f64::max);
    let runs = PAGE_RUNS.to_string();
    let seed = PAGE_SEED.to_string();
    html! {
        section.stack.planner-results {
            h2 #results-title { (t(l, "planner_results")) }
            p.small.muted { (tf(l, "planner_results_note", &[("runs", &runs), ("seed", &seed)])) }
            // Focusable: on a narrow screen the table scrolls sideways.
            div.table-wrap tabindex="0" role="region" aria-labelledby="results-title" { table.data aria-labelledby="results-title" {
                thead { tr {
                    th scope="col" { (t(l, "planner_config")) }
                    @for (i, f) in p.results { th.num scope="col" { (i) ": " (config_name(l, f)) } }
                } }
                tbody {
                    @for (key, value) in &rows {
                        tr { th scope="row" { (t(l, key)) } @for (_, f) in p.results { td.num { (value(l, f)) } } }
                    }
                    @if p.results.iter().any(|(_, f)| f.erlang_c_mean_wait_minutes.is_some()) {
                        tr { th scope="row" { (t(l, "planner_erlang_c")) } @for (_, f) in p.results { td.num { (decimal(l, f.erlang_c_mean_wait_minutes)) } } }
                    }
                    @if let Some(s) = target {
                        tr {
                            th scope="row" { (tf(l, "planner_staffing", &[("minutes", &d(s.target_wait_minutes))])) }
                            @for (_, f) in p.results {
                                td.num { @match f.staffing.as_ref().and_then(|s| s.agents.map(|a| (a, s.mean_wait_minutes))) {
                                    Some((a, w)) => { strong { (a) } " " (t(l, "agents_unit")) br; span.small.muted { "(" (decimal(l, w)) " " (t(l, "minutes")) ")" } }
                                    None => { (t(l, "planner_staffing_none")) }
                                } }
                            }
                        }
                    }
                }
            } }
            h2 { (t(l, "planner_waiting_title")) }
            div.planner-charts {
                @for (i, f) in p.results { (waiting_chart(l, *i, f, top)) }
            }
        }
    }
}

/// People waiting over the simulated day, per quarter hour.
fn waiting_chart(l: Lang, i: usize, f: &Forecast, top: f64) -> Markup {
    let open = NaiveTime::from_hms_opt(OPENING.0, OPENING.1, 0).unwrap_or_default();
    let labels: Vec<String> = f
        .waiting
        .iter()
        .map(|w| clock_time(l, &(open + TimeDelta::seconds((w.minute * 60.0) as i64))))
        .collect();
    let name = format!("{i}: {}", config_name(l, f));
    let peak = f.waiting.iter().map(|w| w.waiting).fold(0.0, f64::max);
    let desc = tf(
        l,
        "planner_waiting_desc",
        &[
            ("config", &name),
            ("peak", &decimal(l, Some(peak))),
            ("mean", &decimal(l, Some(f.mean_wait_minutes))),
        ],
    );
    let id = format!("waiting-{i}");
    let chart = Chart {
        id: &id,
        title: &name,
        desc: &desc,
        x_label: t(l, "chart_time"),
        y_label: t(l, "chart_people_waiting"),
        y_max: Some(top),
        lang: l,
    };
    let series = [Series {
        name: t(l, "chart_people_waiting"),
        values: f.waiting.iter().map(|w| w.waiting).collect(),
    }];
    html! {
        section.planner-chart {
            h3 { (name) }
            p.small { (desc) }
            (charts::line(&chart, &labels, &series))
        }
    }
}

//! The supervisor's charts of the day so far: arrivals and people waiting
//! per hour, how long those served had waited, and how many sessions each
//! agent held side by side over the day.

use chrono::TimeDelta;
use maud::{html, Markup};

use crate::db::branches::Branch;
use crate::domain::floor::{DaySeries, LOAD_STEP_MINUTES, WAIT_RANGES};
use crate::domain::schedule::to_local;
use crate::i18n::{clock_time, decimal, t, tf, Lang};
use crate::views::charts::{self, Chart, Series};

/// The charts of `s`; `names` are the agents' (id, name).
pub fn day_charts(l: Lang, b: &Branch, s: &DaySeries, names: &[(i64, String)]) -> Markup {
    let tz = b.tz();
    let label = |minutes: i64| clock_time(l, &to_local(tz, s.start + TimeDelta::minutes(minutes)));
    let hours: Vec<String> = (0..s.hours.len() as i64).map(|h| label(h * 60)).collect();
    let arrivals: Vec<f64> = s.hours.iter().map(|h| f64::from(h.arrivals)).collect();
    let waiting: Vec<f64> = s.hours.iter().map(|h| h.waiting).collect();
    let total: u32 = s.hours.iter().map(|h| h.arrivals).sum();
    let peak = waiting.iter().copied().fold(0.0, f64::max);
    let hours_desc = tf(
        l,
        "floor_chart_hours_desc",
        &[("n", &total.to_string()), ("peak", &decimal(l, Some(peak)))],
    );
    let mut ranges: Vec<String> = Vec::new();
    let mut lower = 0;
    for upper in WAIT_RANGES {
        ranges.push(format!("{lower}–{upper}"));
        lower = upper;
    }
    ranges.push(format!("≥ {lower}"));
    let served: u32 = s.waits.iter().sum();
    let waits_desc = tf(l, "floor_chart_waits_desc", &[("n", &served.to_string())]);
    let steps = s.agents.first().map_or(0, |a| a.sessions.len()) as i64;
    let step_labels: Vec<String> = (0..steps).map(|i| label(i * LOAD_STEP_MINUTES)).collect();
    let agent_names: Vec<String> = s
        .agents
        .iter()
        .map(|a| {
            names
                .iter()
                .find(|(id, _)| *id == a.agent_id)
                .map_or_else(|| format!("#{}", a.agent_id), |(_, n)| n.clone())
        })
        .collect();
    let load: Vec<Series<'_>> = s
        .agents
        .iter()
        .zip(&agent_names)
        .map(|(a, n)| Series {
            name: n,
            values: a.sessions.clone(),
        })
        .collect();
    let load_desc = tf(
        l,
        "floor_chart_load_desc",
        &[("n", &s.agents.len().to_string())],
    );
    let chart = |id: &'static str,
                 title: &'static str,
                 desc: &'static str,
                 x: &'static str,
                 y: &'static str| Chart {
        id,
        title: t(l, title),
        desc,
        x_label: t(l, x),
        y_label: t(l, y),
        y_max: None,
        lang: l,
    };
    html! {
        section.card.stack aria-labelledby="floor-charts-title" {
            h2 #floor-charts-title { (t(l, "floor_charts")) }
            @if s.hours.is_empty() {
                p.muted { (t(l, "floor_charts_none")) }
            } @else {
                div.floor-charts {
                    div {
                        h3 { (t(l, "floor_chart_hours")) }
                        p.small { (hours_desc) }
                        (charts::bars(&Chart { desc: &hours_desc, ..chart("chart-hours", "floor_chart_hours", "", "chart_time", "chart_people") }, &hours,
                            &[Series { name: t(l, "arrivals"), values: arrivals }, Series { name: t(l, "chart_people_waiting"), values: waiting }]))
                    }
                    div {
                        h3 { (t(l, "floor_chart_waits")) }
                        p.small { (waits_desc) }
                        (charts::bars(&Chart { desc: &waits_desc, ..chart("chart-waits", "floor_chart_waits", "", "chart_wait_minutes", "chart_sessions") }, &ranges,
                            &[Series { name: t(l, "chart_sessions"), values: s.waits.iter().map(|n| f64::from(*n)).collect() }]))
                    }
                    div {
                        h3 { (t(l, "floor_chart_load")) }
                        p.small { (load_desc) }
                        @if load.is_empty() { p.muted { (t(l, "floor_chart_load_none")) } } @else {
                            (charts::line(&Chart { desc: &load_desc, ..chart("chart-load", "floor_chart_load", "", "chart_time", "chart_sessions_held") }, &step_labels, &load))
                        }
                    }
                }
            }
        }
    }
}

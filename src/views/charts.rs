//! Charts as server-rendered SVG: a line chart and a bar chart over named
//! categories (hours of the day, wait ranges, agents). No script, no
//! external asset: the SVG is in the page, prints with it and scales with
//! its column. Every chart is an image with a title and a description
//! (`role="img"`, `aria-labelledby`), and its numbers follow in a table
//! under a `<details>`: the text alternative for screen readers, and for
//! anyone who wants the figures.
//!
//! Series are told apart by colour and by line dash (lines) or pattern
//! order and legend (bars), never by colour alone; the colours are the
//! stylesheet's inks, each at least 4.5:1 on white.

use maud::{html, Markup};

use crate::i18n::{decimal, t, Lang};

/// The drawing's coordinate box; the SVG scales to its column.
const WIDTH: f64 = 560.0;
const HEIGHT: f64 = 260.0;
/// Room for the y axis' numbers and title, the x labels and the legend.
const LEFT: f64 = 56.0;
const RIGHT: f64 = 26.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 44.0;
/// Series colours and dashes: green, blue, amber, red, grey ink.
const INKS: [&str; 5] = ["#006633", "#1e4f7a", "#7a4d00", "#b42318", "#3d4541"];
const DASHES: [&str; 5] = ["", "6 3", "2 3", "8 3 2 3", "1 2"];
/// At most this many x labels are written (the others are ticks only).
const MAX_X_LABELS: usize = 12;

/// What a chart is about: its accessible name and description, and the
/// names of its axes.
pub struct Chart<'a> {
    /// Unique in the page: the ids of the title and description.
    pub id: &'a str,
    pub title: &'a str,
    pub desc: &'a str,
    pub x_label: &'a str,
    pub y_label: &'a str,
    /// The top of the y axis at least this (charts compared side by side
    /// share a scale); the data's maximum otherwise.
    pub y_max: Option<f64>,
    pub lang: Lang,
}

/// One line or one set of bars: a value per category.
pub struct Series<'a> {
    pub name: &'a str,
    pub values: Vec<f64>,
}

/// A line per series over the categories, evenly spaced.
pub fn line(c: &Chart<'_>, categories: &[String], series: &[Series<'_>]) -> Markup {
    let n = categories.len();
    let top = nice_max(c.y_max.unwrap_or(0.0).max(max_of(series)));
    let plot_w = WIDTH - LEFT - RIGHT;
    let x = |i: usize| LEFT + plot_w * (i as f64) / ((n.max(2) - 1) as f64);
    html! {
        (frame(c, categories, series, (top, false), x, html! {
            @for (k, s) in series.iter().enumerate() {
                polyline fill="none" stroke=(INKS[k % 5]) stroke-width="2.5"
                    stroke-dasharray=[dash(k)] stroke-linejoin="round"
                    points=(points(&s.values, top, x));
            }
        }))
    }
}

/// Bars per category, one per series side by side.
pub fn bars(c: &Chart<'_>, categories: &[String], series: &[Series<'_>]) -> Markup {
    let n = categories.len().max(1);
    let top = nice_max(c.y_max.unwrap_or(0.0).max(max_of(series)));
    let band = (WIDTH - LEFT - RIGHT) / n as f64;
    let inner = band * 0.8;
    // Bars no wider than a thumb, however few there are.
    let bar_w = (inner / series.len().max(1) as f64).min(56.0);
    let inner = bar_w * series.len().max(1) as f64;
    let centre = |i: usize| LEFT + band * (i as f64 + 0.5);
    html! {
        (frame(c, categories, series, (top, true), centre, html! {
            @for (k, s) in series.iter().enumerate() {
                @for (i, v) in s.values.iter().enumerate() {
                    @let h = y_of(0.0, top) - y_of(*v, top);
                    rect x=(fmt(centre(i) - inner / 2.0 + bar_w * k as f64)) y=(fmt(y_of(*v, top)))
                        width=(fmt((bar_w - 1.0).max(1.0))) height=(fmt(h.max(0.0))) fill=(INKS[k % 5]) {}
                }
            }
        }))
    }
}

/// The SVG with its axes, grid, labels and legend around `marks`, then
/// the table of its numbers. `x(i)` is where category `i` sits; `top`
/// is the y axis' top, `solid` draws the legend's keys as blocks (bars).
fn frame(
    c: &Chart<'_>,
    categories: &[String],
    series: &[Series<'_>],
    (top, solid): (f64, bool),
    x: impl Fn(usize) -> f64,
    marks: Markup,
) -> Markup {
    let l = c.lang;
    let (title_id, desc_id) = (format!("{}-title", c.id), format!("{}-desc", c.id));
    let every = categories.len().div_ceil(MAX_X_LABELS).max(1);
    let base = y_of(0.0, top);
    let legend = series.len() > 1;
    html! {
        figure.chart id=(c.id) {
            svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (WIDTH) " " (HEIGHT) }
                role="img" aria-labelledby={ (title_id) " " (desc_id) } preserveAspectRatio="xMidYMid meet" {
                title id=(title_id) { (c.title) }
                desc id=(desc_id) { (c.desc) }
                g.chart-grid {
                    @for k in 0..=4 {
                        @let v = top * f64::from(k) / 4.0;
                        @let y = y_of(v, top);
                        line x1=(LEFT) x2=(WIDTH - RIGHT) y1=(fmt(y)) y2=(fmt(y)) stroke="#d5dbd8" stroke-width="1" {}
                        text x=(LEFT - 6.0) y=(fmt(y + 4.0)) text-anchor="end" { (number(l, v)) }
                    }
                }
                g.chart-axis {
                    line x1=(LEFT) x2=(WIDTH - RIGHT) y1=(fmt(base)) y2=(fmt(base)) stroke="#3d4541" stroke-width="1.5" {}
                    @for (i, label) in categories.iter().enumerate() {
                        line x1=(fmt(x(i))) x2=(fmt(x(i))) y1=(fmt(base)) y2=(fmt(base + 4.0)) stroke="#3d4541" {}
                        @if i % every == 0 {
                            text x=(fmt(x(i))) y=(fmt(base + 17.0)) text-anchor="middle" { (label) }
                        }
                    }
                    text x=(fmt(LEFT + (WIDTH - LEFT - RIGHT) / 2.0)) y=(fmt(HEIGHT - 6.0)) text-anchor="middle" { (c.x_label) }
                    text transform={ "translate(13 " (fmt(TOP + (base - TOP) / 2.0)) ") rotate(-90)" } text-anchor="middle" { (c.y_label) }
                }
                (marks)
            }
            @if legend {
                ul.chart-legend {
                    @for (k, s) in series.iter().enumerate() {
                        li {
                            svg width="26" height="10" viewBox="0 0 26 10" aria-hidden="true" focusable="false" {
                                @if solid {
                                    rect x="1" y="0" width="24" height="10" fill=(INKS[k % 5]) {}
                                } @else {
                                    line x1="1" x2="25" y1="5" y2="5" stroke=(INKS[k % 5]) stroke-width="4" stroke-dasharray=[dash(k)] {}
                                }
                            }
                            " " (s.name)
                        }
                    }
                }
            }
            details.chart-data {
                summary { (t(l, "chart_numbers")) ": " (c.title) }
                div.table-wrap {
                    table.data aria-label=(c.title) {
                        thead { tr {
                            th scope="col" { (c.x_label) }
                            @for s in series { th.num scope="col" { (s.name) } }
                        } }
                        tbody {
                            @for (i, label) in categories.iter().enumerate() {
                                tr {
                                    th scope="row" { (label) }
                                    @for s in series { td.num { (s.values.get(i).map_or_else(String::new, |v| number(l, *v))) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn dash(k: usize) -> Option<&'static str> {
    Some(DASHES[k % 5]).filter(|d| !d.is_empty())
}

fn max_of(series: &[Series<'_>]) -> f64 {
    series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
}

/// The y coordinate of `v` on an axis from 0 to `top`.
fn y_of(v: f64, top: f64) -> f64 {
    let base = HEIGHT - BOTTOM;
    let v = if v.is_finite() {
        v.clamp(0.0, top)
    } else {
        0.0
    };
    base - (base - TOP) * v / top
}

fn points(values: &[f64], top: f64, x: impl Fn(usize) -> f64) -> String {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| format!("{},{}", fmt(x(i)), fmt(y_of(*v, top))))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A round top for the y axis, at least `max` and at least 2, so its four
/// gridlines fall on readable numbers (a step of 1, 1.5, 2, 2.5, 3, 4, 5,
/// 6 or 8 times a power of ten, at least 0.5).
pub fn nice_max(max: f64) -> f64 {
    let step = (max / 4.0).max(0.5);
    let power = 10f64.powf(step.log10().floor());
    let nice = [1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|s| *s >= step - 1e-9)
        .unwrap_or(10.0 * power);
    nice * 4.0
}

/// A figure as the reader writes it: whole numbers plainly, others with
/// one decimal in the reader's style.
fn number(l: Lang, v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        crate::i18n::integer(l, v.round() as i64)
    } else {
        decimal(l, Some(v))
    }
}

/// A coordinate with one decimal: short markup, no visible rounding.
fn fmt(v: f64) -> String {
    format!("{v:.1}")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn chart(id: &str) -> Chart<'_> {
        Chart {
            id,
            title: "Orang menunggu",
            desc: "Per jam",
            x_label: "Jam",
            y_label: "Orang",
            y_max: None,
            lang: Lang::Id,
        }
    }

    #[test]
    fn the_axis_top_is_round_and_covers_the_data() {
        for (max, top) in [
            (0.0, 2.0),
            (0.3, 2.0),
            (3.2, 3.2),
            (7.0, 8.0),
            (13.0, 16.0),
            (41.0, 60.0),
        ] {
            assert!(
                (nice_max(max) - top).abs() < 1e-9,
                "{max}: {}",
                nice_max(max)
            );
        }
        for max in [0.7, 1.1, 9.9, 123.4, 5000.0] {
            assert!(nice_max(max) >= max, "{max}");
        }
    }

    #[test]
    fn a_line_chart_has_its_name_points_and_numbers() {
        let cats: Vec<String> = ["08.00", "09.00", "10.00"].map(String::from).to_vec();
        let s = [Series {
            name: "1:1",
            values: vec![0.0, 2.5, 1.0],
        }];
        let html = line(&chart("c1"), &cats, &s).into_string();
        assert!(html.contains("role=\"img\""), "{html}");
        assert!(
            html.contains("aria-labelledby=\"c1-title c1-desc\""),
            "{html}"
        );
        assert!(html.contains("<title id=\"c1-title\">Orang menunggu</title>"));
        // Three points, the highest (2.5) below the top of a 0–4 axis.
        let pts = html.split("points=\"").nth(1).unwrap();
        let pts = &pts[..pts.find('"').unwrap()];
        assert_eq!(pts.split(' ').count(), 3, "{pts}");
        // The numbers in the table, in the reader's style.
        assert!(html.contains("<td class=\"num\">2,5</td>"), "{html}");
        assert!(html.contains("<th scope=\"row\">09.00</th>"), "{html}");
    }

    #[test]
    fn bars_grow_with_their_value() {
        let cats: Vec<String> = ["a", "b"].map(String::from).to_vec();
        let s = [Series {
            name: "n",
            values: vec![1.0, 3.0],
        }];
        let html = bars(&chart("c2"), &cats, &s).into_string();
        let heights: Vec<f64> = html
            .split("height=\"")
            .skip(1)
            .map(|h| h[..h.find('"').unwrap()].parse().unwrap())
            .collect();
        assert_eq!(heights.len(), 2, "{html}");
        assert!((heights[1] - 3.0 * heights[0]).abs() < 0.5, "{heights:?}");
    }
}

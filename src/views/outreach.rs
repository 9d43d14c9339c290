//! The outreach worklist page of a branch (CS, supervisors, admins): why
//! each participant is on it, their masked details, and for the agent who
//! took an item the number to call (a `tel:` link) and the form that
//! records the attempt. Works without JavaScript.

use maud::{html, Markup};

use super::components::{branch_picker, csrf_field, notice};
use super::layout::Frame;
use crate::db::branches::Branch;
use crate::db::outreach::{Attempt, Figures};
use crate::domain::outreach::{item_label, AttemptOutcome, Channel, Reason};
use crate::domain::role::Role;
use crate::domain::schedule::to_local;
use crate::i18n::{self, t, Lang};

/// An item as the page shows it (the use case's view of it, copied).
pub struct Row<'a> {
    pub id: i64,
    pub reason: Reason,
    pub name: &'a str,
    pub phone: &'a str,
    /// The number to call, only for the agent who took the item.
    pub call: Option<&'a str>,
    pub booking_code: Option<&'a str>,
    pub due_at: Option<chrono::NaiveDateTime>,
    pub missing: &'a [String],
    pub claimed_by: Option<&'a str>,
    pub mine: bool,
    pub attempts: &'a [Attempt],
}

pub struct Page<'a> {
    pub role: Role,
    pub branches: &'a [Branch],
    pub branch: &'a Branch,
    pub rows: Vec<Row<'a>>,
    pub figures: Figures,
    pub flash: Option<&'a str>,
    pub error: Option<&'a str>,
}

fn label(l: Lang, item: &str) -> String {
    match (item_label(item), l) {
        (Some((id, _)), Lang::Id) => id.to_string(),
        (Some((_, en)), Lang::En) => en.to_string(),
        (None, _) => item.to_string(),
    }
}

/// `https://wa.me/62…` for a number in E.164.
fn whatsapp(phone: &str) -> String {
    format!("https://wa.me/{}", phone.trim_start_matches('+'))
}

pub fn page(f: &Frame<'_>, p: &Page<'_>) -> Markup {
    let l = f.lang;
    let b = p.branch;
    html! {
        h1 { (t(l, "outreach_title")) }
        p.lead { (b.name) " (" (b.zone_label()) ")" }
        p.small.muted { (t(l, "outreach_help")) }
        @if let Some(done) = p.flash { (notice("success", t(l, &format!("outreach_done_{done}")))) }
        @if let Some(e) = p.error { (notice("error", t(l, e))) }
        @if p.role == Role::Admin {
            (branch_picker(l, "/staff/outreach", p.branches, Some(&b.code), html! {}))
        }
        section.card {
            h2 { (t(l, "outreach_figures_today")) }
            dl.facts {
                dt { (t(l, "outreach_figure_items")) } dd { (p.figures.items) }
                dt { (t(l, "outreach_figure_attempts")) } dd { (p.figures.attempts) }
                dt { (t(l, "outreach_figure_reached")) }
                dd { (p.figures.reached) @if p.figures.items > 0 { " (" (p.figures.reached * 100 / p.figures.items) "%)" } }
                dt { (t(l, "outreach_figure_resolved")) } dd { (p.figures.resolved) }
                dt { (t(l, "outreach_figure_resolved_before")) } dd { (p.figures.resolved_before_session) }
                dt { (t(l, "outreach_figure_no_shows_avoided")) } dd { (p.figures.no_shows_avoided) }
            }
        }
        @if p.rows.is_empty() {
            p.muted { (t(l, "outreach_empty")) }
        }
        @for r in &p.rows {
            (row(f, b, r))
        }
    }
}

fn row(f: &Frame<'_>, b: &Branch, r: &Row<'_>) -> Markup {
    let l = f.lang;
    let back = format!("?branch={}", b.code);
    let action = |what: &str| format!("/staff/outreach/{}/{what}{back}", r.id);
    let tag = match r.reason {
        Reason::MissingDocuments | Reason::DocumentRejected => "tag-warn",
        Reason::NoShow => "tag-bad",
        Reason::OfferExpiring => "tag-neutral",
    };
    html! {
        section.card.stack id={ "item-" (r.id) } {
            p { span.tag.(tag) { (t(l, &format!("outreach_reason_{}", r.reason))) } }
            p.small { (t(l, &format!("outreach_why_{}", r.reason))) }
            dl.facts {
                dt { (t(l, "field_full_name")) } dd { (r.name) }
                dt { (t(l, "field_phone")) } dd { (r.phone) }
                @if let Some(code) = r.booking_code { dt { (t(l, "booking_code")) } dd { code { (code) } } }
                @if let Some(at) = r.due_at {
                    dt { (t(l, "outreach_due")) }
                    dd { (i18n::local_datetime(l, to_local(b.tz(), at).naive_local(), b.zone_label())) }
                }
                @if !r.missing.is_empty() {
                    dt { (t(l, "outreach_missing")) }
                    dd { ul { @for m in r.missing { li { (label(l, m)) } } } }
                }
                @if !r.attempts.is_empty() {
                    dt { (t(l, "outreach_attempts")) }
                    dd { ul { @for a in r.attempts {
                        li {
                            (i18n::clock_time(l, &to_local(b.tz(), a.at))) " · "
                            (t(l, &format!("outreach_channel_{}", a.channel))) " · "
                            (t(l, &format!("outreach_outcome_{}", a.outcome)))
                            @if let Some(n) = &a.note { " — " (n) }
                        }
                    } } }
                }
            }
            @if let (true, Some(phone)) = (r.mine, r.call) {
                div.form-actions {
                    a.btn.btn-primary href={ "tel:" (phone) } { (t(l, "outreach_call")) " " (phone) }
                    a.btn.btn-secondary href=(whatsapp(phone)) rel="noopener noreferrer" target="_blank" { (t(l, "outreach_whatsapp")) }
                    form.inline-form method="post" action=(action("message")) {
                        (csrf_field(f.csrf))
                        button.btn.btn-secondary type="submit" title=(t(l, "outreach_send_message_hint")) { (t(l, "outreach_send_message")) }
                    }
                    form.inline-form method="post" action=(action("release")) {
                        (csrf_field(f.csrf))
                        button.btn.btn-secondary type="submit" { (t(l, "outreach_release")) }
                    }
                }
                (attempt_form(f, r.id, &action("attempts")))
            } @else if let Some(by) = r.claimed_by {
                p.muted { (t(l, "outreach_claimed_by")) " " strong { (by) } }
            } @else {
                form method="post" action=(action("claim")) {
                    (csrf_field(f.csrf))
                    button.btn.btn-primary type="submit" { (t(l, "outreach_claim")) }
                }
            }
        }
    }
}

fn attempt_form(f: &Frame<'_>, id: i64, action: &str) -> Markup {
    let l = f.lang;
    html! {
        form.stack method="post" action=(action) {
            (csrf_field(f.csrf))
            div.filter-bar {
                div.field {
                    label for={ "channel-" (id) } { (t(l, "outreach_channel")) }
                    select id={ "channel-" (id) } name="channel" {
                        @for c in Channel::ALL { option value=(c.as_str()) { (t(l, &format!("outreach_channel_{c}"))) } }
                    }
                }
                div.field {
                    label for={ "outcome-" (id) } { (t(l, "outreach_outcome")) }
                    select id={ "outcome-" (id) } name="outcome" {
                        @for o in AttemptOutcome::ALL { option value=(o.as_str()) { (t(l, &format!("outreach_outcome_{o}"))) } }
                    }
                }
            }
            div.field {
                label for={ "note-" (id) } { (t(l, "outreach_note")) }
                textarea id={ "note-" (id) } name="note" rows="2" maxlength="500" {}
            }
            button.btn.btn-primary type="submit" { (t(l, "outreach_record")) }
        }
    }
}

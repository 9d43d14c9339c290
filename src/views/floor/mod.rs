//! Floor screens: display board (readable
//! across a room), CS console (up to six panes), supervisor floor view.

use chrono::{DateTime, Utc};
use maud::{html, Markup};

use super::components::{branch_picker, csrf_field, figure_card, figure_grid, notice};
use super::layout::Frame;
use super::me::{reason_label, status_tag};
use crate::db::branches::Branch;
use crate::db::documents::Dossier;
use crate::db::floor::{AgentRow, FloorView};
use crate::domain::claim::ClaimStatus;
use crate::domain::dossier::DocStatus;
use crate::domain::floor::{AgentStatus, Outcome, Priority};
use crate::domain::floor::{BoardBody, ConsoleSession};
use crate::i18n::{integer, t, tf, Lang};

mod charts;
mod kiosk;
mod session;
mod walkin;
pub use kiosk::*;
pub use session::*;
pub use walkin::{claim_form, document_form, register_form};

/// "Session A003 — No-show in {s} s": shown while the finish can be undone
/// (static/live.js counts the seconds down).
fn finish_pending(l: Lang, ticket: &str, outcome_key: &str) -> String {
    crate::i18n::tf(
        l,
        "console_finish_pending",
        &[("ticket", ticket), ("outcome", t(l, outcome_key))],
    )
}

/// "Session A003 finished — No-show": shown once the finish is saved.
fn finish_done(l: Lang, ticket: &str, outcome_key: &str) -> String {
    crate::i18n::tf(
        l,
        "console_finish_done",
        &[("ticket", ticket), ("outcome", t(l, outcome_key))],
    )
}

/// "Finish session A003 — No-show?": asked before a session ends.
fn confirm_finish(l: Lang, ticket: &str, outcome_key: &str) -> String {
    crate::i18n::tf(
        l,
        "confirm_finish",
        &[("ticket", ticket), ("outcome", t(l, outcome_key))],
    )
}

/// The display board: a TV at the branch. The newest calls large on the
/// left, earlier calls, the queue and a clock on the right; a chime and a
/// spoken call (board.js) when a new call appears.
pub fn board(f: &Frame<'_>, b: &Branch, d: &BoardBody, now: DateTime<Utc>) -> Markup {
    let l = f.lang;
    let local = now.with_timezone(&b.tz());
    let booth = |n: Option<i32>| match n {
        Some(n) => format!("{} {n}", t(l, "booth")),
        None => t(l, "online").to_string(),
    };
    html! {
        noscript { meta http-equiv="refresh" content="15"; }
        div.board data-live-branch=(b.code) data-live-reload="1" {
            div.board-head {
                h1 { (b.name) }
                p.board-clock data-board-clock=(now.timestamp_millis()) data-tz=(b.timezone) {
                    time { (crate::i18n::clock_time(l, &local)) } " " (b.zone_label())
                }
            }
            div.board-body {
                section.board-now aria-labelledby="board-now" {
                    h2 #board-now { (t(l, "now_calling")) }
                    ul.board-calls aria-live="polite" {
                        @for c in &d.calls {
                            li data-call={ (c.ticket) "|" (booth(c.booth)) } {
                                span.board-ticket { (c.ticket) } span.board-arrow aria-hidden="true" { "→" }
                                span.board-booth { (booth(c.booth)) }
                            }
                        }
                        @if d.calls.is_empty() { li.board-none { (t(l, "no_calls")) } }
                    }
                }
                aside.board-side {
                    p.board-meta { (t(l, "waiting_now")) ": " strong { (d.waiting) } }
                    @if d.estimated_wait_range.is_some() {
                        p.board-meta { (t(l, "waits_new_arrival")) ": " strong { (wait_text(l, d.estimated_wait_range)) } }
                    }
                    p.board-meta { (t(l, "waits_last_called")) ": " strong.last-called { (d.last_called.as_deref().unwrap_or(t(l, "waits_none_called"))) } }
                    @if !d.recent.is_empty() {
                        h2.board-recent-title { (t(l, "recent_calls")) }
                        ul.board-recent {
                            @for c in &d.recent { li { strong { (c.ticket) } " → " (booth(c.booth)) } }
                        }
                    }
                }
            }
            button.btn.btn-secondary.board-sound type="button" hidden
                data-say-ticket=(t(l, "board_say_ticket")) data-say-booth=(t(l, "board_say_booth")) {
                (t(l, "board_sound_on"))
            }
        }
        script src="/static/live.js" defer {}
        script src="/static/board.js" defer {}
    }
}

pub struct Console<'a> {
    pub branch: &'a Branch,
    pub agent: Option<&'a AgentRow>,
    pub sessions: &'a [ConsoleSession],
    pub dossiers: &'a [Dossier],
    pub peers: &'a [(i64, String)],
    /// Sessions whose identity the agent has confirmed.
    pub confirmed: &'a [i64],
    pub error: Option<&'static str>,
}

fn status_form(f: &Frame<'_>, status: AgentStatus, label: &str, primary: bool) -> Markup {
    html! {
        form.inline-form method="post" action="/console/status" data-done=(label) {
            (csrf_field(f.csrf))
            input type="hidden" name="status" value=(status.as_str());
            button class={ "btn " @if primary { "btn-primary" } @else { "btn-secondary" } } type="submit" { (label) }
        }
    }
}

pub fn console(f: &Frame<'_>, c: &Console<'_>) -> Markup {
    let l = f.lang;
    let status = c.agent.map_or(AgentStatus::Off, |a| a.status);
    html! {
        div.console data-live-console="1" data-undo-label=(t(l, "console_undo")) data-failed=(t(l, "console_action_failed")) {
            div.console-bar {
                h1 { (t(l, "console_title")) " · " (c.branch.name) }
                span class={ "tag " @match status { AgentStatus::OnDuty => "tag-ok", AgentStatus::Paused => "tag-warn", AgentStatus::Off => "tag-neutral" } } {
                    (match l { Lang::Id => status.label_id(), Lang::En => status.label_en() })
                }
                @if let Some(a) = c.agent { span.muted { " " (a.active) " / " (a.seats) " " (t(l, "seats")) } }
                div.form-actions {
                    @if status != AgentStatus::OnDuty { (status_form(f, AgentStatus::OnDuty, t(l, "go_on_duty"), true)) }
                    @if status == AgentStatus::OnDuty { (status_form(f, AgentStatus::Paused, t(l, "pause"), false)) }
                    @if status != AgentStatus::Off { (status_form(f, AgentStatus::Off, t(l, "sign_off"), false)) }
                }
            }
            @if !c.sessions.is_empty() {
                div.console-video {
                    div.video-self-box data-video-key="self" data-video-self="1" {}
                    p.small.muted {
                        // The keys pick among the agent's seats (one-to-one: nothing to pick).
                        @if let Some(a) = c.agent.filter(|a| a.seats > 1) {
                            (tf(l, "console_keys", &[("n", &a.seats.to_string())])) " "
                        }
                        (t(l, "video_focus_hint"))
                    }
                }
            }
            @if let Some(e) = c.error { (notice("error", e)) }
            @if c.sessions.is_empty() {
                p.notice.notice-info { (t(l, if status == AgentStatus::OnDuty { "console_waiting" } else { "console_off" })) }
            }
            div.panes {
                @for (i, s) in c.sessions.iter().enumerate() {
                    @let dossier = s.claim_id.and_then(|id| c.dossiers.iter().find(|d| d.claim.id == id));
                    section.pane id={ "session-" (s.id) } tabindex="0" data-pane=(i + 1) aria-label={ (t(l, "ticket")) " " (s.ticket) } {
                        header.pane-head {
                            span.pane-key { (i + 1) }
                            strong.pane-ticket { (s.ticket) }
                            span.tag.tag-neutral { @match s.booth { Some(n) => { (t(l, "booth")) " " (n) }, None => { (t(l, "online")) } } }
                        }
                        div.pane-video data-video-key={ "s" (s.id) } data-video-session=(s.id) data-video-role="agent" {
                            p.video-status role="status" { (t(l, "video_connecting")) }
                        }
                        // The rest shows for the focused pane only (once live.js
                        // manages focus); the others stay compact tiles.
                        div.pane-detail {
                        @if dossier.is_some_and(|d| d.claim.status == ClaimStatus::Open) {
                            div.pane-actions {
                                button.btn.btn-secondary type="button" data-still=(s.id) { (t(l, "video_take_still")) }
                            }
                        }
                        dl.facts {
                            dt { (t(l, "field_full_name")) } dd { (s.participant.name.clone().unwrap_or_else(|| t(l, "not_registered").to_string())) }
                            dt { (t(l, "field_nik")) } dd { (s.participant.nik_masked)
                                @if let (Some(age), Some(sex)) = (s.participant.age, &s.participant.sex) { " · " (age) " " (t(l, "years")) " · " (t(l, if sex == "female" { "sex_female" } else { "sex_male" })) } }
                            @if let Some(k) = &s.participant.kpj { dt { (t(l, "field_kpj")) } dd { (k) } }
                        }
                        @if s.participant.name.is_none() { (register_form(f, s)) }
                        @match dossier {
                            Some(d) => {
                                p { strong { (reason_label(l, &d.claim.reason)) } " · " span.tag.tag-neutral { (t(l, &format!("claim_status_{}", d.claim.status))) } }
                                @for (key, day) in [("field_last_working_day", d.claim.last_working_day), ("field_termination_date", d.claim.termination_date), ("field_contract_end_date", d.claim.contract_end_date), ("field_membership_start_date", d.claim.membership_start_date), ("field_departure_date", d.claim.departure_date), ("field_date_of_death", d.claim.date_of_death)] {
                                    @if let Some(day) = day { p.small { (t(l, key)) ": " (crate::i18n::long_date(l, day)) } }
                                }
                                ul.checklist.compact {
                                    @for e in &d.checklist {
                                        @let label = match l { Lang::Id => e.label_id, Lang::En => e.label_en };
                                        li {
                                            (label) " " (status_tag(l, e.status))
                                            @let mut current = d.current().filter(|doc| e.accepts.iter().any(|k| k.code() == doc.kind)).peekable();
                                            @if current.peek().is_none() {
                                                @if let Some(kind) = e.accepts.first() { (document_form(f, s, d, kind.code(), label)) }
                                            }
                                            @for doc in current {
                                                details.doc-inline {
                                                    summary { (t(l, "view")) }
                                                    @let src = format!("/api/v1/claims/{}/documents/{}?inline=1", d.claim.id, doc.id);
                                                    @if doc.content_type.starts_with("image/") { img.viewer src=(src) alt=(label) loading="lazy"; } @else { iframe.viewer src=(src) title=(label) {} }
                                                    @if d.claim.status == ClaimStatus::Open {
                                                        div.pane-actions {
                                                            @if doc.status != DocStatus::Accepted {
                                                                form.inline-form method="post" action={ "/staff/documents/" (doc.id) "/review" } data-done={ (label) ": " (t(l, "console_done_accept")) } {
                                                                    (csrf_field(f.csrf))
                                                                    input type="hidden" name="decision" value="accept";
                                                                    input type="hidden" name="back" value={ "/console#session-" (s.id) };
                                                                    button.btn.btn-primary type="submit" { (t(l, "accept")) }
                                                                }
                                                            }
                                                            form.inline-form method="post" action={ "/staff/documents/" (doc.id) "/review" } data-done={ (label) ": " (t(l, "console_done_reject")) } {
                                                                (csrf_field(f.csrf))
                                                                input type="hidden" name="decision" value="reject";
                                                                input type="hidden" name="back" value={ "/console#session-" (s.id) };
                                                                (reasons_select(l, &format!("r-{}", doc.id)))
                                                                button.btn.btn-danger type="submit" { (t(l, "reject")) }
                                                            }
                                                        }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                                p { a.btn.btn-secondary href={ "/staff/claims/" (d.claim.id) } target="_blank" rel="noopener" { (t(l, "open_documents")) } }
                            }
                            None => {
                                @if s.participant.name.is_some() { (claim_form(f, s)) } @else { p.muted { (t(l, "no_claim")) } }
                            }
                        }
                        div.pane-actions {
                            @if c.confirmed.contains(&s.id) {
                                span.tag.tag-ok { (t(l, "identity_confirmed")) }
                            } @else {
                                form.inline-form method="post" action={ "/console/sessions/" (s.id) "/identity" } data-done=(t(l, "identity_confirmed")) {
                                    (csrf_field(f.csrf))
                                    button.btn.btn-secondary type="submit" { (t(l, "confirm_identity")) }
                                }
                            }
                        }
                        div.pane-actions {
                            @if dossier.is_some_and(|d| d.claim.status == ClaimStatus::Open) {
                                form.inline-form method="post" action={ "/console/sessions/" (s.id) "/finish" } data-confirm=(confirm_finish(l, &s.ticket, "finish_rejected")) data-undo=(finish_pending(l, &s.ticket, "finish_rejected")) data-done=(finish_done(l, &s.ticket, "finish_rejected")) {
                                    (csrf_field(f.csrf))
                                    input type="hidden" name="outcome" value=(Outcome::Rejected.as_str());
                                    (reasons_select(l, &format!("cr-{}", s.id)))
                                    button.btn.btn-danger type="submit" { (t(l, "finish_rejected")) }
                                }
                            }
                        }
                        div.pane-actions {
                            @for (outcome, key, class) in [(Outcome::Verified, "finish_verified", "btn-primary"), (Outcome::NoShow, "finish_no_show", "btn-secondary"), (Outcome::Returned, "finish_returned", "btn-secondary")] {
                                form.inline-form method="post" action={ "/console/sessions/" (s.id) "/finish" } data-confirm=(confirm_finish(l, &s.ticket, key)) data-undo=(finish_pending(l, &s.ticket, key)) data-done=(finish_done(l, &s.ticket, key)) {
                                    (csrf_field(f.csrf))
                                    input type="hidden" name="outcome" value=(outcome.as_str());
                                    button class={ "btn " (class) } type="submit" { (t(l, key)) }
                                }
                            }
                            @if !c.peers.is_empty() {
                                form.inline-form method="post" action={ "/console/sessions/" (s.id) "/finish" } data-undo=(finish_pending(l, &s.ticket, "transfer")) data-done=(finish_done(l, &s.ticket, "transfer")) {
                                    (csrf_field(f.csrf))
                                    input type="hidden" name="outcome" value="transferred";
                                    label.visually-hidden for={ "to-" (s.id) } { (t(l, "transfer_to")) }
                                    select id={ "to-" (s.id) } name="to_agent" { @for (id, name) in c.peers { option value=(id) { (name) } } }
                                    button.btn.btn-secondary type="submit" { (t(l, "transfer")) }
                                }
                            }
                        }
                        }
                    }
                }
            }
        }
        (super::booth::rtc_support(l))
        script src="/static/live.js" defer {}
    }
}

/// The floor view of branch `b`; `branches` (an admin's) adds the picker.
pub fn supervisor(
    f: &Frame<'_>,
    b: &Branch,
    branches: &[Branch],
    v: &FloorView,
    names: &[String],
) -> Markup {
    let l = f.lang;
    let m = &v.measures;
    let fmt = |x: Option<f64>| crate::i18n::decimal(l, x);
    // "menit" only under a figure that is known.
    let minutes = |x: Option<f64>| x.map(|_| t(l, "minutes"));
    let tz = b.tz();
    html! {
        div data-live-branch=(b.code) data-live-reload="1" {
            h1 { (t(l, "floor_title")) " · " (b.name) }
            @if !branches.is_empty() {
                (branch_picker(l, "/staff/floor", branches, Some(&b.code), html! {}))
            }
            nav.floor-devices aria-label=(t(l, "floor_devices")) {
                a href={ "/board/" (b.code) } { (t(l, "open_board")) }
                a href={ "/kiosk/" (b.code) } { (t(l, "open_kiosk")) }
                @for n in 1..=b.booths { a href={ "/booth/" (b.code) "/" (n) } { (t(l, "booth")) " " (n) } }
                a href="/staff/batches" { (t(l, "nav_batches")) }
            }
            (figure_grid("floor-figures", t(l, "floor_figures"), html! {
                (figure_card(t(l, "arrivals"), &integer(l, m.arrivals), None))
                (figure_card(t(l, "served"), &integer(l, m.served), None))
                (figure_card(t(l, "no_shows"), &integer(l, m.no_shows), None))
                (figure_card(t(l, "avg_wait"), &fmt(m.avg_wait_minutes), minutes(m.avg_wait_minutes)))
                (figure_card(t(l, "avg_service"), &fmt(m.avg_service_minutes), minutes(m.avg_service_minutes)))
                (figure_card(t(l, "avg_concurrency"), &fmt(m.avg_active_seats), None))
                (figure_card(t(l, "per_agent_hour"), &fmt(m.per_agent_hour), None))
            }))
            (accuracy(l, &v.accuracy))
            (charts::day_charts(l, b, &v.series, &v.agents.iter().map(|a| a.staff_id).zip(names.iter().cloned()).collect::<Vec<_>>()))
            section.card.stack {
                h2 { (t(l, "agents")) }
                @if v.agents.is_empty() { p.muted { (t(l, "no_agents")) } } @else {
                    div.table-wrap { table.data {
                        thead { tr { th { (t(l, "field_full_name")) } th { (t(l, "status")) } th.num { (t(l, "seats_heading")) } th { "" } } }
                        tbody { @for (a, name) in v.agents.iter().zip(names) {
                            tr { td { (name) } td { (match l { Lang::Id => a.status.label_id(), Lang::En => a.status.label_en() }) } td.num { (a.active) " / " (a.seats) } td {
                                @if a.status == AgentStatus::OnDuty {
                                    form.inline-form method="post" action={ "/staff/agents/" (a.staff_id) "/status" } { (csrf_field(f.csrf)) input type="hidden" name="branch" value=(b.code); input type="hidden" name="status" value=(AgentStatus::Paused.as_str()); button.btn.btn-secondary type="submit" { (t(l, "pause")) } }
                                } @else if a.status == AgentStatus::Paused {
                                    form.inline-form method="post" action={ "/staff/agents/" (a.staff_id) "/status" } { (csrf_field(f.csrf)) input type="hidden" name="branch" value=(b.code); input type="hidden" name="status" value=(AgentStatus::OnDuty.as_str()); button.btn.btn-secondary type="submit" { (t(l, "resume")) } }
                                }
                            } }
                        } }
                    } }
                }
            }
            section.card.stack {
                h2 { (t(l, "waiting_list")) " (" (v.waiting.len()) ")" }
                @if v.waiting.is_empty() { p.muted { (t(l, "nobody_waiting")) } } @else {
                    div.table-wrap { table.data {
                        thead { tr { th.num { "#" } th { (t(l, "ticket")) } th { (t(l, "priority")) } } }
                        tbody { @for (tk, pos) in &v.waiting {
                            tr { td.num { (pos.map(|p| p.to_string()).unwrap_or_default()) } td { strong { (tk.number) } } td {
                                form.inline-form method="post" action={ "/staff/tickets/" (tk.id) "/priority" } {
                                    (csrf_field(f.csrf))
                                    input type="hidden" name="branch" value=(b.code);
                                    label.visually-hidden for={ "prio-" (tk.id) } { (t(l, "priority")) }
                                    select id={ "prio-" (tk.id) } name="priority" { @for p in Priority::ALL { option value=(p.code()) selected[p.code() == tk.priority] { (match l { Lang::Id => p.label_id(), Lang::En => p.label_en() }) } } }
                                    button.btn.btn-secondary type="submit" { (t(l, "save")) }
                                }
                            } }
                        } }
                    } }
                }
            }
            section.card.stack {
                h2 { (t(l, "being_served")) " (" (v.serving.len()) ")" }
                ul {
                    @for (sess, tk, booth) in &v.serving {
                        li {
                            strong { (tk.number) } " → "
                            @match booth { Some(n) => { (t(l, "booth")) " " (n) }, None => { (t(l, "online")) } }
                            " · " (crate::i18n::clock_time(l, &chrono::DateTime::<Utc>::from_naive_utc_and_offset(sess.started_at, Utc).with_timezone(&tz))) " " (b.zone_label()) " · "
                            (v.agents.iter().zip(names).find(|(a, _)| a.staff_id == sess.agent_id).map(|(_, n)| n.as_str()).unwrap_or(""))
                            @let others: Vec<_> = v.agents.iter().zip(names).filter(|(a, _)| a.staff_id != sess.agent_id && a.has_free_seat()).collect();
                            @if !others.is_empty() {
                                form.inline-form method="post" action={ "/staff/sessions/" (sess.id) "/reassign" } {
                                    (csrf_field(f.csrf))
                                    input type="hidden" name="branch" value=(b.code);
                                    label.visually-hidden for={ "re-" (sess.id) } { (t(l, "transfer_to")) }
                                    select id={ "re-" (sess.id) } name="to_agent" { @for (a, n) in others { option value=(a.staff_id) { (n) } } }
                                    button.btn.btn-secondary type="submit" { (t(l, "reassign")) }
                                }
                            }
                        }
                    }
                }
            }
            section.card.stack {
                h2 { (t(l, "floor_settings")) }
                form.form method="post" action={ "/staff/floor/" (b.code) "/settings" } {
                    (csrf_field(f.csrf))
                    div.field { label for="seats" { (t(l, "seats_per_agent")) } input id="seats" type="number" name="seats_per_agent" min="1" max="6" value=(b.seats_per_agent); }
                    div.field { label for="cap" { (t(l, "walk_in_cap")) } p.hint { (t(l, "walk_in_cap_hint")) } input id="cap" type="number" name="walk_in_cap" min="0" value=[b.walk_in_cap]; }
                    p.small.muted { (v.booths) " " (t(l, "booths")) }
                    button.btn.btn-primary type="submit" { (t(l, "save")) }
                }
            }
        }
        script src="/static/live.js" defer {}
    }
}

/// How today's wait ranges did: tickets measured, share within the range,
/// mean absolute error.
fn accuracy(l: Lang, a: &crate::domain::floor::Accuracy) -> Markup {
    let fmt = |x: Option<f64>| crate::i18n::decimal(l, x);
    html! {
        section.card.stack.wait-accuracy aria-labelledby="wait-accuracy" {
            h2 #wait-accuracy { (t(l, "waits_accuracy_title")) }
            p.small.muted { (t(l, "waits_accuracy_lead")) }
            @if a.measured == 0 { p.muted { (t(l, "waits_no_measure")) } } @else {
                dl.facts {
                    dt { (t(l, "waits_measured")) } dd data-measured=(a.measured) { (a.measured) }
                    dt { (t(l, "waits_within")) } dd data-within=(a.within) { (fmt(a.within_percent)) " %" }
                    dt { (t(l, "waits_mae")) } dd { (fmt(a.mean_abs_error_minutes)) " " (t(l, "minutes")) }
                }
            }
        }
    }
}

fn reasons_select(l: Lang, id: &str) -> Markup {
    use crate::domain::dossier::RejectReason;
    html! {
        label.visually-hidden for=(id) { (t(l, "reject_reason")) }
        select id=(id) name="reason" required {
            option value="" { (t(l, "reject_reason")) }
            @for r in RejectReason::ALL {
                option value=(r.code()) { (match l { Lang::Id => r.label_id(), Lang::En => r.label_en() }) }
            }
        }
    }
}

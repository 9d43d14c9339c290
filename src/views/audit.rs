//! The auditor's console: the verification log filtered and paged, the
//! chain's status, and one claim's timeline. Read-only.

use maud::{html, Markup};

use super::components::notice;
use super::layout::Frame;
use crate::db::audit_read::Entry;
use crate::i18n::t;
use crate::web::api::audit::rfc3339;

/// The filter form's current values (as typed).
pub struct Filters<'a> {
    pub branch: &'a str,
    pub actor: &'a str,
    pub action: &'a str,
    pub claim: &'a str,
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
    /// The current filters as a query string (without `after`).
    pub query: String,
    pub entries: &'a [Entry],
    pub next: Option<i64>,
    pub chain: Option<&'a ChainStatus>,
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
        section.card.stack {
            h2 { (t(l, "audit_chain")) }
            @match c.chain {
                None => p { a.btn.btn-secondary href={ "/audit?" (c.query) (sep) "verify=1" } { (t(l, "audit_verify_now")) } },
                Some(s) if !s.intact => (notice("error", &s.message)),
                Some(s) if s.incomplete => (notice("warning", &format!("{} {}", t(l, "audit_verify_incomplete"), s.message))),
                Some(s) => (notice("success", &format!("{} {}", t(l, "audit_intact"), s.message))),
            }
        }
        form.stack method="get" action="/audit" {
            (field(t(l, "branch"), "branch", fl.branch, "text"))
            (field(t(l, "audit_actor"), "actor", fl.actor, "text"))
            (field(t(l, "audit_action"), "action", fl.action, "text"))
            (field(t(l, "audit_claim"), "claim", fl.claim, "text"))
            (field(t(l, "audit_from"), "from", fl.from, "text"))
            (field(t(l, "audit_to"), "to", fl.to, "text"))
            button.btn.btn-secondary type="submit" { (t(l, "show")) }
        }
        p { a href={ "/api/v1/audit/entries.csv?" (c.query) } { (t(l, "audit_csv")) } }
        @if c.entries.is_empty() { p.muted { (t(l, "audit_empty")) } } @else { (table(f, c.entries)) }
        @if let Some(n) = c.next {
            p { a.btn.btn-secondary href={ "/audit?" (c.query) (sep) "after=" (n) } { (t(l, "audit_next_page")) " →" } }
        }
    }
}

fn opt(v: Option<i64>) -> String {
    v.map(|n| n.to_string()).unwrap_or_default()
}

fn table(f: &Frame<'_>, entries: &[Entry]) -> Markup {
    let l = f.lang;
    html! {
        div.table-wrap { table.data {
            thead { tr {
                th { "#" }
                th { (t(l, "audit_time")) }
                th { (t(l, "audit_actor")) }
                th { (t(l, "audit_action")) }
                th { (t(l, "audit_subject")) }
                th { (t(l, "audit_details")) }
            } }
            tbody {
                @for e in entries {
                    tr {
                        td { (e.seq) }
                        td { (rfc3339(e.at)) }
                        td { (e.actor_role) " " (opt(e.actor_id)) @if let Some(b) = &e.actor_branch { " · " (b) } }
                        td { code { (e.action) } }
                        td {
                            @if let Some(b) = &e.branch_code { (b) " " }
                            @if let Some(c) = e.claim_id { a href={ "/audit/claims/" (c) } { (t(l, "audit_claim")) " " (c) } " " }
                            @if let Some(p) = e.participant_id { (t(l, "audit_participant")) " " (p) " " }
                            @if let Some(s) = e.session_id { (t(l, "audit_session")) " " (s) }
                        }
                        td { code { (e.details) } }
                    }
                }
            }
        } }
    }
}

pub fn timeline(f: &Frame<'_>, claim_id: i64, entries: &[Entry]) -> Markup {
    let l = f.lang;
    html! {
        h1 { (t(l, "audit_timeline_title")) " " (claim_id) }
        p { a href="/audit" { "← " (t(l, "audit_title")) } }
        @if entries.is_empty() { p.muted { (t(l, "audit_empty")) } } @else { (table(f, entries)) }
    }
}

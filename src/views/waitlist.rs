//! A participant's place in a waiting line: where they stand, or the seat
//! held for them with the buttons that accept or decline it.

use chrono::NaiveDateTime;
use maud::{html, Markup};

use super::components::csrf_field;
use super::layout::Frame;
use crate::db::branches::{Branch, Slot};
use crate::db::waitlist::Entry;
use crate::domain::schedule::to_local;
use crate::domain::waitlist::WaitStatus;
use crate::i18n::{self, t};

pub struct Place<'a> {
    pub entry: &'a Entry,
    pub position: i64,
    pub branch: &'a Branch,
    /// The held session, for an offer.
    pub slot: Option<&'a Slot>,
}

pub fn page(f: &Frame<'_>, p: &Place<'_>) -> Markup {
    let l = f.lang;
    let (tz, zone) = (p.branch.tz(), p.branch.zone_label());
    let local = |at: NaiveDateTime| i18n::local_datetime(l, to_local(tz, at).naive_local(), zone);
    let e = p.entry;
    html! {
        h1 { (t(l, "waitlist_title")) }
        p { (p.branch.name) " · " (i18n::long_date(l, e.local_date)) }
        @match e.status {
            WaitStatus::Waiting => {
                p.lead { (t(l, "waitlist_position")) ": " strong { (p.position) } }
                p { (t(l, "waitlist_waiting_text")) }
                form method="post" action={ "/waitlist/" (e.id) "/withdraw" } data-confirm=(t(l, "waitlist_leave_confirm")) {
                    (csrf_field(f.csrf))
                    button.btn.btn-secondary type="submit" { (t(l, "waitlist_leave")) }
                }
            }
            WaitStatus::Offered => {
                @if let (Some(s), Some(until)) = (p.slot, e.expires_at) {
                    p.lead { (t(l, "waitlist_offer_text")) }
                    p { (t(l, "session_time")) ": " strong { (local(s.starts_at)) } }
                    p { (t(l, "offer_until")) ": " strong { (local(until)) } }
                }
                div.form-actions {
                    form.inline-form method="post" action={ "/waitlist/" (e.id) "/accept" } {
                        (csrf_field(f.csrf))
                        button.btn.btn-primary type="submit" { (t(l, "offer_accept_link")) }
                    }
                    form.inline-form method="post" action={ "/waitlist/" (e.id) "/withdraw" } data-confirm=(t(l, "waitlist_decline_confirm")) {
                        (csrf_field(f.csrf))
                        button.btn.btn-secondary type="submit" { (t(l, "waitlist_decline")) }
                    }
                }
            }
            WaitStatus::Booked => { p { (t(l, "waitlist_booked_text")) " " a href="/me" { (t(l, "me_title")) } } }
            WaitStatus::Expired | WaitStatus::Withdrawn => {
                p { (t(l, "waitlist_closed_text")) " " a href={ "/branches/" (p.branch.code) } { (p.branch.name) } }
            }
        }
    }
}

//! "Cari jadwal terdekat": the earliest sessions with a free seat across
//! branches, each in its branch's own local time with the zone label, and
//! one click to book (issue "fair access"). Verification is a video call,
//! so any branch, in any zone, will do.

use chrono::NaiveDate;
use maud::{html, Markup};

use super::branches::{booker_notice, zone_badge, Booker};
use super::components::csrf_field;
use super::layout::Frame;
use crate::db::branches::{Branch, Slot};
use crate::domain::schedule::to_local;
use crate::i18n::{self, t};

/// Zones a participant may filter by.
pub const ZONES: [&str; 3] = ["WIB", "WITA", "WIT"];

pub struct Search<'a> {
    pub provinces: &'a [String],
    pub province: &'a str,
    pub zone: &'a str,
    pub from: NaiveDate,
    pub found: &'a [(Slot, Branch)],
    pub booker: &'a Booker,
}

pub fn page(f: &Frame<'_>, s: &Search<'_>) -> Markup {
    let l = f.lang;
    html! {
        h1 { (t(l, "first_free_title")) }
        p.lead { (t(l, "first_free_lead")) }
        (booker_notice(l, s.booker, "/sessions/first-free"))
        form.filter-bar method="get" action="/sessions/first-free" {
            div.field {
                label for="province" { (t(l, "first_free_province")) }
                select id="province" name="province" {
                    option value="" selected[s.province.is_empty()] { (t(l, "first_free_any_province")) }
                    @for p in s.provinces {
                        option value=(p) selected[p == s.province] { (p) }
                    }
                }
            }
            div.field {
                label for="timezone" { (t(l, "first_free_zone")) }
                select id="timezone" name="timezone" {
                    option value="" selected[s.zone.is_empty()] { (t(l, "first_free_any_zone")) }
                    @for z in ZONES {
                        option value=(z) selected[z == s.zone] { (z) }
                    }
                }
            }
            div.field {
                label for="from" { (t(l, "first_free_from")) }
                input id="from" name="from" type="date" value=(s.from.format("%Y-%m-%d"));
            }
            button.btn.btn-primary type="submit" { (t(l, "first_free_search")) }
        }
        @if s.found.is_empty() {
            p.notice.notice-info { (t(l, "first_free_none")) }
        } @else {
            ul.slot-list.first-free {
                @for (slot, b) in s.found {
                    @let start = to_local(b.tz(), slot.starts_at);
                    @let end = to_local(b.tz(), slot.ends_at);
                    @let when = format!("{}, {}–{} {}", i18n::long_date(l, slot.local_date), i18n::clock_time(l, &start), i18n::clock_time(l, &end), b.zone_label());
                    li.slot {
                        div {
                            div.small.muted { (i18n::long_date(l, slot.local_date)) }
                            span.slot-time { (i18n::clock_time(l, &start)) "–" (i18n::clock_time(l, &end)) }
                            " " (zone_badge(b))
                            div { a href={ "/branches/" (b.code) "?date=" (slot.local_date.format("%Y-%m-%d")) } { (b.name) } }
                            div.small.muted { (b.city) ", " (b.province) }
                        }
                        div.slot-seats { (slot.available()) " " (t(l, "slot_seats_left")) }
                        @if let Booker::CanBook { claim_id, .. } = s.booker {
                            form.inline-form method="post" action="/bookings" {
                                (csrf_field(f.csrf))
                                input type="hidden" name="slot_id" value=(slot.id);
                                input type="hidden" name="claim_id" value=(claim_id);
                                button.btn.btn-primary type="submit" aria-label={ (t(l, "slot_book")) " — " (b.name) ", " (when) } { (t(l, "slot_book")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

//! Branch finder and day view. Session times are always the branch's own
//! local time with its zone label, whatever the viewer's zone.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use maud::{html, Markup};

use super::components::csrf_field;
use super::layout::Frame;
use crate::db::branches::{Branch, Holiday, Slot};
use crate::db::closures::Closure;
use crate::domain::calendar::{booking_window_open, BookingWindow};
use crate::domain::schedule::to_local;
use crate::i18n::{self, t, Lang};

pub fn zone_badge(b: &Branch) -> Markup {
    let z = b.zone_label();
    html! { span class={ "badge badge-" (z.to_lowercase()) } title=(b.timezone) { (z) } }
}

pub fn kind_label(l: Lang, kind: &str) -> &'static str {
    match crate::domain::branch_seed::BranchKind::parse(kind) {
        Some(k) => match l {
            Lang::Id => k.label_id(),
            Lang::En => k.label_en(),
        },
        None => "",
    }
}

pub fn finder(f: &Frame<'_>, query: &str, branches: &[Branch]) -> Markup {
    let l = f.lang;
    html! {
        h1 { (t(l, "finder_title")) }
        p.lead { (t(l, "finder_lead")) }
        p { a.btn.btn-secondary href="/sessions/first-free" { (t(l, "first_free_title")) " →" } }
        form.search-bar method="get" action="/branches" role="search" {
            label.visually-hidden for="q" { (t(l, "finder_search_label")) }
            input id="q" name="q" type="search" value=(query) placeholder=(t(l, "finder_placeholder"));
            button.btn.btn-primary type="submit" { (t(l, "finder_search")) }
        }
        @if branches.is_empty() {
            p.notice.notice-info { (t(l, "finder_none")) }
        } @else {
            p.muted.small { (branches.len()) " " (t(l, "finder_count")) }
            ul.branch-list {
                @for b in branches {
                    li.branch-item {
                        a.branch-name href={ "/branches/" (b.code) } { (b.name) }
                        div.branch-meta {
                            (b.city) ", " (b.province) " "
                            (zone_badge(b)) " "
                            span.badge.badge-kind { (kind_label(l, &b.kind)) }
                        }
                        div.small.muted { (b.address) }
                    }
                }
            }
        }
    }
}

/// What the viewer may do on the day view.
pub enum Booker {
    Anonymous,
    Staff,
    NoClaim,
    /// An open claim and no booking; `waiting`: their place in a line
    /// (entry id, branch, day), if any.
    CanBook {
        claim_id: i64,
        waiting: Option<(i64, String, NaiveDate)>,
    },
    HasBooking {
        code: String,
    },
    Rescheduling {
        code: String,
        current_slot: i64,
    },
}

/// What the viewer must do before booking here (sign in, open a claim),
/// or what they hold already; `here` is the page to come back to.
pub fn booker_notice(l: Lang, booker: &Booker, here: &str) -> Markup {
    html! {
        @match booker {
            Booker::Anonymous => { p.notice.notice-info { (t(l, "day_sign_in_to_book")) " " a href={ "/login?next=" (here) } { (t(l, "nav_login")) } } }
            Booker::NoClaim => { p.notice.notice-info { (t(l, "day_need_claim")) " " a href="/claims/new" { (t(l, "claim_new_title")) } } }
            Booker::HasBooking { code } => { p.notice.notice-info { (t(l, "day_has_booking")) " " a href="/me" { (code) } } }
            Booker::Rescheduling { code, .. } => { p.notice.notice-warning { (t(l, "day_rescheduling")) " " strong { (code) } } }
            _ => {}
        }
    }
}

pub struct DayData<'a> {
    pub branch: &'a Branch,
    pub date: NaiveDate,
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
    pub slots: &'a [Slot],
    pub holiday: Option<&'a Holiday>,
    pub booker: &'a Booker,
    /// The day's closures, for the reason shown on closed sessions.
    pub closures: &'a [Closure],
}

enum SlotState {
    Open,
    Full,
    Past,
    NotYet(NaiveDate),
    Closed(String),
}

fn slot_state(d: &DayData<'_>, s: &Slot) -> SlotState {
    if let Some(id) = s.closure_id {
        let reason = d.closures.iter().find(|c| c.id == id);
        return SlotState::Closed(reason.map(|c| c.reason.clone()).unwrap_or_default());
    }
    if s.starts_at <= d.now.naive_utc() {
        return SlotState::Past;
    }
    match booking_window_open(
        s.local_date,
        d.today,
        i64::from(d.branch.booking_horizon_days),
    ) {
        Err(BookingWindow::Past) => SlotState::Past,
        Err(BookingWindow::NotYetOpen { opens_on }) => SlotState::NotYet(opens_on),
        Ok(()) if s.available() == 0 => SlotState::Full,
        Ok(()) => SlotState::Open,
    }
}

pub fn day(f: &Frame<'_>, d: &DayData<'_>) -> Markup {
    let l = f.lang;
    let b = d.branch;
    let tz = b.tz();
    let prev = d.date - Duration::days(1);
    let next = d.date + Duration::days(1);
    let extra = match d.booker {
        Booker::Rescheduling { code, .. } => format!("&reschedule={code}"),
        _ => String::new(),
    };
    html! {
        p.small { a href="/branches" { "← " (t(l, "finder_title")) } }
        h1 { (b.name) }
        p.branch-meta { (b.address) }
        p.small.muted { (zone_badge(b)) " " (t(l, "times_in_branch_zone")) " " (b.zone_label()) " (" (b.timezone) ")" }
        (booker_notice(l, d.booker, &format!("/branches/{}", b.code)))
        nav.day-nav aria-label=(t(l, "day_nav_label")) {
            @if prev >= d.today {
                a href={ "/branches/" (b.code) "?date=" (prev.format("%Y-%m-%d")) (extra) } { "← " (i18n::short_day_label(l, prev)) }
            } @else { span {} }
            span.current aria-current="date" { (i18n::day_label(l, d.date)) }
            a href={ "/branches/" (b.code) "?date=" (next.format("%Y-%m-%d")) (extra) } { (i18n::short_day_label(l, next)) " →" }
        }
        @if let Some(h) = d.holiday {
            p.holiday.notice.notice-warning { (t(l, "day_holiday")) " " strong { (match l { Lang::Id => &h.name_id, Lang::En => &h.name_en }) } }
        }
        (full_day(f, d))
        @if d.slots.is_empty() {
            @if d.holiday.is_none() {
                p.notice.notice-info { (t(l, "day_no_sessions")) }
            }
        } @else {
            ul.slot-list {
                @for s in d.slots {
                    @let st = slot_state(d, s);
                    @let start = to_local(tz, s.starts_at);
                    @let end = to_local(tz, s.ends_at);
                    li class={ "slot" @match st { SlotState::Full => " slot-full", SlotState::Past | SlotState::NotYet(_) | SlotState::Closed(_) => " slot-closed", SlotState::Open => "" } } {
                        div {
                            span.slot-time { (i18n::clock_time(l, &start)) "–" (i18n::clock_time(l, &end)) }
                            " " span.slot-zone { (b.zone_label()) }
                        }
                        div.slot-seats {
                            @match st {
                                SlotState::Full => { (t(l, "slot_full_label")) }
                                SlotState::Past => { (t(l, "slot_past")) }
                                SlotState::NotYet(d) => { (t(l, "slot_opens_on")) " " (i18n::long_date(l, d)) }
                                SlotState::Open => { (s.available()) " " (t(l, "slot_seats_left")) }
                                SlotState::Closed(ref reason) => { strong { (t(l, "slot_closed_label")) } ": " (reason) }
                            }
                        }
                        @if matches!(st, SlotState::Open) {
                            @match d.booker {
                                Booker::CanBook { claim_id, .. } => {
                                    form.inline-form method="post" action="/bookings" {
                                        (csrf_field(f.csrf))
                                        input type="hidden" name="slot_id" value=(s.id);
                                        input type="hidden" name="claim_id" value=(claim_id);
                                        button.btn.btn-primary type="submit" aria-label={ (t(l, "slot_book")) " " (i18n::clock_time(l, &start)) "–" (i18n::clock_time(l, &end)) " " (b.zone_label()) } { (t(l, "slot_book")) }
                                    }
                                }
                                Booker::Rescheduling { code, current_slot } if *current_slot != s.id => {
                                    form.inline-form method="post" action={ "/bookings/" (code) "/reschedule" } {
                                        (csrf_field(f.csrf))
                                        input type="hidden" name="slot_id" value=(s.id);
                                        button.btn.btn-primary type="submit" aria-label={ (t(l, "slot_move_here")) " " (i18n::clock_time(l, &start)) "–" (i18n::clock_time(l, &end)) " " (b.zone_label()) } { (t(l, "slot_move_here")) }
                                    }
                                }
                                _ => {}
                            }
                        }
                    }
                }
            }
        }
    }
}

/// On a day whose bookable sessions are all full: the way into its
/// waiting line (or the participant's place in it), and to the first free
/// seat elsewhere.
fn full_day(f: &Frame<'_>, d: &DayData<'_>) -> Markup {
    let l = f.lang;
    let states: Vec<SlotState> = d.slots.iter().map(|s| slot_state(d, s)).collect();
    let full = states.iter().any(|s| matches!(s, SlotState::Full))
        && !states.iter().any(|s| matches!(s, SlotState::Open));
    if !full {
        return html! {};
    }
    let b = d.branch;
    let day = d.date.format("%Y-%m-%d").to_string();
    html! {
        div.notice.notice-warning.day-full role="status" {
            p { strong { (t(l, "day_full")) } }
            @match d.booker {
                Booker::CanBook { waiting: Some((id, code, date)), .. } if *code == b.code && *date == d.date => {
                    a.btn.btn-secondary href={ "/waitlist/" (id) } { (t(l, "day_see_place")) }
                }
                Booker::CanBook { claim_id, waiting: None } => {
                    form method="post" action="/waitlist" {
                        (csrf_field(f.csrf))
                        input type="hidden" name="branch" value=(b.code);
                        input type="hidden" name="date" value=(day);
                        input type="hidden" name="claim_id" value=(claim_id);
                        button.btn.btn-primary type="submit" { (t(l, "day_join_line")) }
                    }
                }
                _ => {}
            }
            a.btn.btn-secondary href={ "/sessions/first-free?from=" (day) } { (t(l, "first_free_title")) }
        }
    }
}

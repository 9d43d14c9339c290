//! Staff home page.

use chrono::NaiveDate;
use maud::{html, Markup};

use super::branches::zone_badge;
use super::components::{branch_picker, csrf_field, notice};
use super::layout::Frame;
use crate::db::bookings::Booking;
use crate::db::branches::{Branch, Holiday, Slot};
use crate::db::participants::Participant;
use crate::db::staff::Company;
use crate::domain::role::Role;
use crate::domain::schedule::to_local;
use crate::i18n::{self, t, Lang};

pub struct Day {
    pub date: NaiveDate,
    pub slots: Vec<Slot>,
    pub holiday: Option<Holiday>,
    pub people: Vec<(i64, Vec<(Booking, Participant)>)>,
}

pub struct Dashboard<'a> {
    pub name: &'a str,
    pub role: Role,
    pub branches: &'a [Branch],
    pub branch: Option<&'a Branch>,
    pub company: Option<&'a Company>,
    pub day: Option<&'a Day>,
    pub flash: Option<&'a str>,
    pub error: Option<&'a str>,
}

pub fn dashboard(f: &Frame<'_>, d: &Dashboard<'_>) -> Markup {
    let l = f.lang;
    let can_edit = matches!(d.role, Role::Admin | Role::Supervisor);
    html! {
        h1 { (t(l, "staff_title")) }
        p.lead { (d.name) " · " span.tag.tag-neutral { (t(l, &format!("role_{}", d.role.as_str()))) } }
        @if d.flash == Some("capacity") { (notice("success", t(l, "flash_capacity"))) }
        @if d.flash == Some("closure") { (notice("success", t(l, "flash_closure"))) }
        @if let Some(e) = d.error { (notice("error", t(l, e))) }
        @if matches!(d.role, Role::Admin | Role::Auditor | Role::Supervisor | Role::Cs) {
            p { a href="/staff/batches" { (t(l, "staff_collective_batches")) } }
        }
        @if matches!(d.role, Role::Admin | Role::Auditor) {
            p { a href="/audit" { (t(l, "audit_title")) } }
        }
        @if let Some(c) = d.company {
            section.card.stack {
                h2 { (c.name) }
                dl.facts {
                    dt { "NPP" } dd { (c.npp) }
                    dt { (t(l, "address")) } dd { (c.address) }
                    dt { (t(l, "headcount")) } dd { (c.headcount) }
                }
            }
        }
        @if matches!(d.role, Role::Admin | Role::Auditor) {
            @let day = html! { @if let Some(day) = d.day { input type="date" name="date" value=(day.date.format("%Y-%m-%d")) aria-label=(t(l, "date")); } };
            (branch_picker(l, "/staff", d.branches, d.branch.map(|x| x.code.as_str()), day))
        }
        @if let (Some(b), Some(day)) = (d.branch, d.day) {
            section.card.stack {
                h2 { (b.name) " " (zone_badge(b)) }
                nav.day-nav {
                    a href={ "/staff?branch=" (b.code) "&date=" ((day.date - chrono::Duration::days(1)).format("%Y-%m-%d")) } { "← " (t(l, "previous_day")) }
                    span.current { (i18n::day_label(l, day.date)) }
                    a href={ "/staff?branch=" (b.code) "&date=" ((day.date + chrono::Duration::days(1)).format("%Y-%m-%d")) } { (t(l, "next_day")) " →" }
                }
                @if let Some(h) = &day.holiday { (notice("warning", &format!("{} {}", t(l, "day_holiday"), match l { Lang::Id => &h.name_id, Lang::En => &h.name_en }))) }
                @if day.slots.is_empty() { p.muted { (t(l, "day_no_sessions")) } } @else {
                    div.table-wrap { table.data {
                        thead { tr {
                            th { (t(l, "session_time")) " (" (b.zone_label()) ")" }
                            th.num { (t(l, "capacity")) } th.num { (t(l, "booked")) } th.num { (t(l, "available")) }
                            @if can_edit { th { (t(l, "change_capacity")) } }
                        } }
                        tbody {
                            @for s in &day.slots {
                                tr {
                                    td { (i18n::clock_time(l, &to_local(b.tz(), s.starts_at))) "–" (i18n::clock_time(l, &to_local(b.tz(), s.ends_at))) }
                                    td.num { (s.capacity) } td.num { (s.booked) }
                                    td.num { @if s.closure_id.is_some() { span.tag.tag-neutral { (t(l, "slot_closed_label")) } } @else { (s.available()) } }
                                    @if can_edit && s.closure_id.is_some() { td {} }
                                    @if can_edit && s.closure_id.is_none() { td {
                                        form.inline-form method="post" action={ "/staff/slots/" (s.id) "/capacity" } {
                                            (csrf_field(f.csrf))
                                            input type="hidden" name="branch" value=(b.code);
                                            input type="hidden" name="date" value=(day.date.format("%Y-%m-%d"));
                                            label.visually-hidden for={ "cap-" (s.id) } { (t(l, "capacity")) }
                                            input id={ "cap-" (s.id) } type="number" name="capacity" min=(s.booked) max="1000" value=(s.capacity) style="width:6em";
                                            button.btn.btn-secondary type="submit" { (t(l, "save")) }
                                        }
                                    } }
                                }
                            }
                        }
                    } }
                    @if can_edit { (closure_form(f, b, day)) }
                    h3 { (t(l, "bookings_of_day")) }
                    @let rows: Vec<_> = day.people.iter().flat_map(|(sid, ps)| ps.iter().map(move |p| (*sid, p))).collect();
                    @if rows.is_empty() { p.muted { (t(l, "no_bookings")) } } @else {
                        div.table-wrap { table.data {
                            thead { tr { th { (t(l, "session_time")) } th { (t(l, "booking_code")) } th { (t(l, "field_full_name")) } th { (t(l, "field_nik")) } th { (t(l, "status")) } th { (t(l, "me_claim")) } } }
                            tbody { @for (sid, (bk, p)) in rows {
                                @let time = day.slots.iter().find(|s| s.id == sid).map(|s| i18n::clock_time(l, &to_local(b.tz(), s.starts_at))).unwrap_or_default();
                                tr { td { (time) } td { code { (bk.code) } } td { (p.full_name) } td { (crate::domain::nik::mask_str(&p.nik)) } td { (t(l, &format!("booking_status_{}", bk.status))) } td { a href={ "/staff/claims/" (bk.claim_id) } { (t(l, "open_claim_review")) } } }
                            } }
                        } }
                    }
                }
            }
        }
    }
}

/// Closing the day or part of it (flood, outage): bookings in it are
/// cancelled and their holders offered a seat on a next working day.
fn closure_form(f: &Frame<'_>, b: &crate::db::branches::Branch, day: &Day) -> Markup {
    let l = f.lang;
    html! {
        details.closure {
            summary { (t(l, "closure_title")) }
            p.small.muted { (t(l, "closure_help")) }
            form.stack method="post" action="/staff/closures" data-confirm=(t(l, "closure_confirm")) {
                (csrf_field(f.csrf))
                input type="hidden" name="branch" value=(b.code);
                input type="hidden" name="date" value=(day.date.format("%Y-%m-%d"));
                div.filter-bar {
                    div.field {
                        label for="closure-from" { (t(l, "closure_from")) " (" (b.zone_label()) ")" }
                        input id="closure-from" name="from" type="time";
                    }
                    div.field {
                        label for="closure-until" { (t(l, "closure_until")) " (" (b.zone_label()) ")" }
                        input id="closure-until" name="until" type="time";
                    }
                }
                div.field {
                    label for="closure-reason" { (t(l, "closure_reason")) }
                    textarea id="closure-reason" name="reason" rows="2" maxlength="300" required {}
                }
                button.btn.btn-danger type="submit" { (t(l, "closure_submit")) }
            }
        }
    }
}

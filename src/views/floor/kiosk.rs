//! The kiosk (touch, large type), the ticket it issues, and the ticket's
//! live status page on the holder's phone (the ticket's QR code).

use chrono::Utc;
use maud::{html, Markup};

use super::super::components::{csrf_field, device_activation, notice, Activation};
use super::super::layout::Frame;
use crate::db::branches::Branch;
use crate::db::floor::{Arrival, TicketLive};
use crate::domain::floor::{BoardBody, TicketStatus, WaitRange};
use crate::i18n::{t, Lang};

pub fn kiosk(
    f: &Frame<'_>,
    b: &Branch,
    active: bool,
    can_activate: bool,
    error: Option<&str>,
    queue: &BoardBody,
) -> Markup {
    let l = f.lang;
    html! {
        div.kiosk.stack data-live-branch=(b.code) {
            h1 { (t(l, "kiosk_title")) }
            p.lead { (b.name) }
            @if !active {
                (device_activation(f, can_activate, &Activation {
                    action: &format!("/kiosk/{}/activate", b.code),
                    lead: "kiosk_activate_lead",
                    button: "kiosk_activate",
                    not_active: "kiosk_not_active",
                }))
            } @else {
                @if let Some(e) = error { (notice("error", e)) }
                form.form.kiosk-form method="post" action={ "/kiosk/" (b.code) } autocomplete="off" {
                    (csrf_field(f.csrf))
                    label for="nik" { (t(l, "kiosk_enter_nik")) }
                    input id="nik" name="nik" type="text" inputmode="numeric" pattern="[0-9 ]*" title=(t(l, "hint_nik")) maxlength="20" required autofocus;
                    button.btn.btn-primary.btn-block type="submit" { (t(l, "kiosk_take_ticket")) }
                }
                p.muted { (t(l, "kiosk_hint")) }
                dl.facts.kiosk-facts.kiosk-queue {
                    dt { (t(l, "waiting_now")) } dd { (queue.waiting) }
                    dt { (t(l, "waits_new_arrival")) } dd { (wait_text(l, queue.estimated_wait_range)) }
                    (last_called(l, queue.last_called.as_deref()))
                }
            }
        }
    }
}

/// The ticket just taken at the kiosk. It stays on screen until the next
/// person starts (the "done" button); it can be printed, and kiosk.js names
/// the booth as soon as the ticket is called.
pub fn kiosk_ticket(f: &Frame<'_>, b: &Branch, a: &Arrival, status_url: &str) -> Markup {
    let l = f.lang;
    let issued = chrono::DateTime::<Utc>::from_naive_utc_and_offset(a.ticket.arrived_at, Utc)
        .with_timezone(&b.tz());
    html! {
        div.kiosk.stack data-kiosk-ticket=(a.ticket.number) data-branch=(b.code) {
            p.lead { (t(l, if a.ticket.kind == "booked" { "kiosk_checked_in" } else { "kiosk_walk_in" })) }
            h1.ticket-number { (a.ticket.number) }
            p.kiosk-issued { (b.name) " · " (crate::i18n::long_date(l, issued.date_naive())) " " (crate::i18n::clock_time(l, &issued)) " " (b.zone_label()) }
            p.kiosk-call role="status" aria-live="assertive" hidden data-text=(t(l, "kiosk_called_to")) data-booth=(t(l, "booth")) {}
            @if a.ticket.status == TicketStatus::Serving {
                p.lead.kiosk-go { (t(l, "kiosk_go_now")) }
            } @else if a.ticket.status != TicketStatus::Waiting {
                (notice("info", t(l, "kiosk_ticket_closed")))
            } @else {
                dl.facts.kiosk-facts {
                    dt { (t(l, "position")) } dd { (a.position.map(|p| p.to_string()).unwrap_or_else(|| "–".into())) }
                    dt { (t(l, "estimated_wait")) }
                    dd { (wait_text(l, a.wait_range)) }
                    (last_called(l, a.last_called.as_deref()))
                }
                p.muted.small { (t(l, "waits_note")) }
            }
            @if a.repeated { p.muted { (t(l, "kiosk_same_ticket")) } }
            p.muted { (t(l, "kiosk_watch_board")) }
            @if let Some(qr) = qr_svg(status_url) {
                figure.kiosk-qr data-status-url=(status_url) {
                    div.qr role="img" aria-label=(t(l, "kiosk_qr_label")) { (maud::PreEscaped(qr)) }
                    figcaption { (t(l, "kiosk_qr_hint")) }
                }
            }
            div.kiosk-actions {
                button.btn.btn-secondary.btn-block type="button" data-print="1" { (t(l, "kiosk_print")) }
                a.btn.btn-primary.btn-block href={ "/kiosk/" (b.code) } { (t(l, "kiosk_next_person")) }
            }
        }
        script src="/static/kiosk.js" defer {}
    }
}

/// "10–25 menit", "hingga 10 menit", or that no agent is on duty.
pub fn wait_text(l: Lang, range: Option<WaitRange>) -> String {
    match range {
        Some(r) if r.low_minutes == 0 => {
            crate::i18n::tf(l, "waits_up_to", &[("high", &r.high_minutes.to_string())])
        }
        Some(r) => crate::i18n::tf(
            l,
            "waits_range",
            &[
                ("low", &r.low_minutes.to_string()),
                ("high", &r.high_minutes.to_string()),
            ],
        ),
        None => t(l, "no_agent_on_duty").to_string(),
    }
}

/// The "last number called" row of a facts list.
pub fn last_called(l: Lang, number: Option<&str>) -> Markup {
    html! {
        dt { (t(l, "waits_last_called")) }
        dd.last-called { (number.unwrap_or(t(l, "waits_none_called"))) }
    }
}

/// The path of a ticket's live status page (what the kiosk's QR code opens).
pub fn ticket_path(b: &Branch, day: chrono::NaiveDate, number: &str) -> String {
    format!("/tickets/{}/{}/{}", b.code, day.format("%Y-%m-%d"), number)
}

/// A QR code of `text` as inline SVG (without the XML declaration), or
/// none when the text is too long for a QR code.
fn qr_svg(text: &str) -> Option<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(176, 176)
        .build();
    svg.find("<svg").map(|at| svg[at..].to_string())
}

/// A ticket's live status on the holder's phone: place in line and wait,
/// then the booth to go to. live.js swaps in the fresh page on the
/// branch's events; nothing personal is shown (the board shows the same).
pub fn ticket_live(f: &Frame<'_>, b: &Branch, live: &TicketLive) -> Markup {
    let l = f.lang;
    let tk = &live.ticket;
    html! {
        div.kiosk.ticket-live.stack data-live-branch=(b.code) {
            p.lead { (t(l, "kiosk_walk_in")) }
            h1.ticket-number { (tk.number) }
            p.kiosk-issued { (b.name) " · " (crate::i18n::long_date(l, tk.local_date)) }
            div role="status" aria-live="polite" {
                @match (tk.status, live.booth) {
                    (TicketStatus::Serving, Some(booth)) => {
                        p.kiosk-call { (crate::i18n::tf(l, "kiosk_called_to", &[("booth", &format!("{} {booth}", t(l, "booth")))])) }
                    }
                    (TicketStatus::Serving, None) => { p.kiosk-call { (t(l, "ticket_live_serving")) } }
                    (TicketStatus::Waiting, _) => {
                        dl.facts.kiosk-facts {
                            dt { (t(l, "position")) } dd { (live.position.map(|p| p.to_string()).unwrap_or_else(|| "–".into())) }
                            dt { (t(l, "estimated_wait")) }
                            dd { (wait_text(l, live.wait_range)) }
                            (last_called(l, live.last_called.as_deref()))
                        }
                        p.muted.small { (t(l, "waits_note")) }
                    }
                    _ => { (notice("info", t(l, "kiosk_ticket_closed"))) }
                }
            }
            p.muted.small { (t(l, "ticket_live_hint")) }
        }
    }
}

//! The online participant's session page.

use maud::{html, Markup};

use super::super::components::{csrf_field, notice};
use super::super::layout::Frame;
use crate::domain::floor::TicketStatus;
use crate::i18n::t;

/// A ticket with its place in line and estimated wait, when waiting.
pub type TicketWait = (crate::db::floor::Ticket, Option<crate::db::floor::WaitNow>);

/// The online participant's session page: join the queue at their time,
/// then see their place until an agent takes them.
pub fn session(
    f: &Frame<'_>,
    v: &crate::db::bookings::BookingView,
    ticket: Option<&TicketWait>,
    window: crate::domain::floor::CheckIn,
) -> Markup {
    use crate::domain::floor::CheckIn;
    use crate::domain::schedule::to_local;
    let l = f.lang;
    let tz = v.branch.tz();
    let start = to_local(tz, v.slot.starts_at);
    html! {
        div.card.stack data-live-branch=(v.branch.code) data-live-reload="1" {
            h1 { (t(l, "session_title")) }
            p.lead { (v.branch.name) " · " (crate::i18n::day_label(l, start.date_naive())) ", " (crate::i18n::clock_time(l, &start)) " " (v.branch.zone_label()) }
            p { (t(l, "booking_code")) ": " strong.booking-code { (v.booking.code) } }
            @match ticket {
                Some((tk, est)) => {
                    p.ticket-number { (tk.number) }
                    @match tk.status {
                        TicketStatus::Waiting => {
                            @let w = est.unwrap_or_default();
                            (notice("info", t(l, "session_waiting")))
                            dl.facts {
                                dt { (t(l, "position")) } dd { (w.position.map(|p| p.to_string()).unwrap_or_else(|| "–".into())) }
                                dt { (t(l, "estimated_wait")) } dd { (super::wait_text(l, w.range)) }
                            }
                            p.small.muted { (t(l, "waits_note")) }
                        }
                        TicketStatus::Serving => {
                            (notice("success", t(l, "session_serving")))
                            @if tk.online {
                                p.small.muted { (t(l, "video_online_lead")) }
                                (super::super::booth::peer_stage(l, &format!("t{}", tk.id), None, Some(tk.id)))
                            }
                        }
                        _ => { (notice("info", t(l, "session_over"))) }
                    }
                }
                None => {
                    @match window {
                        CheckIn::Open => {
                            p { (t(l, "session_join_lead")) }
                            form method="post" action={ "/session/" (v.booking.code) "/join" } {
                                (csrf_field(f.csrf))
                                button.btn.btn-primary.btn-block type="submit" { (t(l, "session_join")) }
                            }
                        }
                        CheckIn::TooEarly { opens_at } => {
                            (notice("info", &t(l, "check_in_too_early").replace("{time}", &format!("{} {}", crate::i18n::clock_time(l, &to_local(tz, opens_at)), v.branch.zone_label()))))
                        }
                        CheckIn::Over => { (notice("warning", t(l, "check_in_over"))) }
                    }
                }
            }
            p.small.muted { (t(l, "session_video_note")) }
        }
        (super::super::booth::rtc_support(l))
        script src="/static/live.js" defer {}
    }
}

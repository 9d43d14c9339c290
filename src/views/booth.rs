//! The booth computer's screen (branch, booth number, "please wait to be
//! called" when idle, the agent's video during a session) and the pieces
//! every video page shares: the sentences `rtc.js` shows and the video
//! stage it fills.

use maud::{html, Markup};

use super::components::{device_activation, Activation};
use super::layout::Frame;
use crate::db::branches::Branch;
use crate::i18n::{t, Lang};

/// The sentences rtc.js may show (it has no catalog of its own), and the
/// script itself.
pub fn rtc_support(l: Lang) -> Markup {
    html! {
        div #rtc-text hidden
            data-connecting=(t(l, "video_connecting"))
            data-reconnecting=(t(l, "video_reconnecting"))
            data-offline=(t(l, "video_peer_offline"))
            data-denied=(t(l, "video_camera_denied"))
            data-missing=(t(l, "video_camera_missing"))
            data-busy=(t(l, "video_camera_busy"))
            data-unsupported=(t(l, "video_unsupported"))
            data-wait=(t(l, "video_wait_moment"))
            data-ended=(t(l, "video_ended"))
            data-saved=(t(l, "video_still_saved"))
            data-failed=(t(l, "video_still_failed"))
            data-no-frame=(t(l, "video_still_no_frame"))
            data-you=(t(l, "video_you"))
            data-sound=(t(l, "video_sound_on"))
            data-agent=(t(l, "video_agent")) {}
        script src="/static/rtc.js" defer {}
    }
}

/// Where the participant's side shows the agent (and itself). `key` keeps
/// the live element across region refreshes; `attr` names the session or
/// the ticket.
pub fn peer_stage(l: Lang, key: &str, session: Option<i64>, ticket: Option<i64>) -> Markup {
    html! {
        div.video-stage data-video-key=(key) data-video-role="peer"
            data-video-session=[session] data-video-ticket=[ticket] {
            p.video-status role="status" { (t(l, "video_connecting")) }
        }
    }
}

pub struct BoothScreen<'a> {
    pub branch: &'a Branch,
    pub number: i32,
    /// This computer holds the booth's device credential.
    pub active: bool,
    /// A supervisor (or admin) of the branch is signed in here.
    pub can_activate: bool,
    /// The open session in this booth: id and ticket number.
    pub session: Option<&'a (i64, String)>,
}

pub fn booth(f: &Frame<'_>, s: &BoothScreen<'_>) -> Markup {
    let l = f.lang;
    let b = s.branch;
    html! {
        div.booth.stack data-live-branch=(b.code) {
            div.booth-head {
                h1 { (t(l, "booth")) " " (s.number) }
                p.lead { (b.name) }
            }
            @if !s.active {
                (device_activation(f, s.can_activate, &Activation {
                    action: &format!("/booth/{}/{}/activate", b.code, s.number),
                    lead: "video_booth_activate_lead",
                    button: "video_booth_activate",
                    not_active: "video_booth_not_active",
                }))
            } @else {
                @match s.session {
                    Some((id, ticket)) => {
                        p.booth-ticket { (t(l, "ticket")) " " strong { (ticket) } }
                        (peer_stage(l, &format!("s{id}"), Some(*id), None))
                    }
                    None => {
                        p.booth-idle role="status" { (t(l, "video_booth_idle")) }
                    }
                }
            }
        }
        @if s.active { (rtc_support(l)) }
        script src="/static/live.js" defer {}
    }
}

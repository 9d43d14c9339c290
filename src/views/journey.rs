//! The participant's way through: the step indicator (akun → klaim →
//! dokumen → jadwal), the confirmation page after booking and "what happens
//! next" once a claim is decided.

use maud::{html, Markup, PreEscaped};

use super::branches::zone_badge;
use super::components::notice;
use super::layout::Frame;
use crate::db::bookings::BookingView;
use crate::db::claims::Claim;
use crate::domain::claim::{estimated_tax, ClaimStatus};
use crate::domain::schedule::to_local;
use crate::i18n::{self, t, Lang};

/// The four steps of the online channel.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum Step {
    Account,
    Claim,
    Documents,
    Session,
}

impl Step {
    const ALL: [Step; 4] = [Step::Account, Step::Claim, Step::Documents, Step::Session];

    fn key(self) -> &'static str {
        match self {
            Step::Account => "step_account",
            Step::Claim => "step_claim",
            Step::Documents => "step_documents",
            Step::Session => "step_session",
        }
    }
}

/// Which steps are done; the first one that is not is the current one.
#[derive(Clone, Copy, Debug, Default)]
pub struct Progress {
    pub account: bool,
    pub claim: bool,
    pub documents: bool,
    pub session: bool,
}

impl Progress {
    /// A signed-in participant: the account exists.
    pub fn of(claim_open: bool, documents_ready: bool, booked: bool) -> Self {
        Self {
            account: true,
            claim: claim_open,
            documents: documents_ready,
            session: booked,
        }
    }

    fn done(self, s: Step) -> bool {
        match s {
            Step::Account => self.account,
            Step::Claim => self.claim,
            Step::Documents => self.documents,
            Step::Session => self.session,
        }
    }

    fn current(self) -> Option<Step> {
        Step::ALL.into_iter().find(|s| !self.done(*s))
    }
}

/// The step indicator: done steps ticked, the first open one current.
/// Documents and the session may be done in either order.
pub fn steps(l: Lang, p: Progress) -> Markup {
    let current = p.current();
    html! {
        nav.steps aria-label=(t(l, "steps_label")) {
            ol {
                @for (i, s) in Step::ALL.into_iter().enumerate() {
                    @let state = if Some(s) == current { "step step-current" } else if p.done(s) { "step step-done" } else { "step" };
                    li class=(state) aria-current=[(Some(s) == current).then_some("step")] {
                        span.step-mark aria-hidden="true" { @if p.done(s) { "✓" } @else { (i + 1) } }
                        span.step-name { (t(l, s.key())) }
                        @if p.done(s) { span.visually-hidden { " (" (t(l, "step_done")) ")" } }
                    }
                }
            }
        }
    }
}

/// The page after booking: the code, its QR, the branch's time with its
/// zone, one instruction for the day, what to bring and what comes next.
pub fn confirmation(
    f: &Frame<'_>,
    v: &BookingView,
    qr_svg: &str,
    documents_ready: bool,
    flash: Option<&str>,
) -> Markup {
    let l = f.lang;
    let tz = v.branch.tz();
    let start = to_local(tz, v.slot.starts_at);
    let end = to_local(tz, v.slot.ends_at);
    html! {
        (steps(l, Progress::of(true, documents_ready, true)))
        @if let Some(flash) = flash {
            @let key = format!("flash_{flash}");
            @if i18n::has(&key) { (notice("success", t(l, &key))) }
        }
        section.card.stack.confirmation {
            h1 { (t(l, "confirm_title")) }
            p { (t(l, "booking_code")) }
            p.booking-code { (v.booking.code) }
            div.qr role="img" aria-label=(t(l, "qr_label")) { (PreEscaped(qr_svg)) }
            dl.facts {
                dt { (t(l, "session_time")) }
                dd { strong { (i18n::day_label(l, start.date_naive())) ", " (i18n::clock_time(l, &start)) "–" (i18n::clock_time(l, &end)) } " " (zone_badge(&v.branch)) }
                dt { (t(l, "branch")) } dd { (v.branch.name) }
                dt { (t(l, "address")) } dd { (v.branch.address) }
            }
        }
        section.card.stack {
            h2 { (t(l, "confirm_on_the_day")) }
            p { (t(l, "booking_bring")) }
            ol.plain-steps {
                li { (t(l, "confirm_video_home")) " " a href={ "/session/" (v.booking.code) } { (t(l, "open_session")) } }
                li { (t(l, "confirm_or_branch")) }
            }
            @if !documents_ready {
                (notice("warning", t(l, "confirm_documents_missing")))
                p { a.btn.btn-primary href="/me#documents" { (t(l, "confirm_upload_now")) } }
            }
        }
        (what_next(l, None))
        p.actions { a.btn.btn-secondary href="/me" { (t(l, "confirm_back_me")) } }
    }
}

/// "What happens next": for an open claim the path to payment; for a
/// decided one, the payment or the way to put a rejection right.
pub fn what_next(l: Lang, decided: Option<&Claim>) -> Markup {
    html! {
        section.card.stack.what-next {
            h2 { (t(l, "next_title")) }
            @match decided.map(|c| (c.status, c.balance)) {
                Some((ClaimStatus::Verified, balance)) => {
                    (notice("success", t(l, "next_verified")))
                    p { (t(l, "next_payment")) }
                    p { (t(l, "estimated_tax")) ": " (t(l, "tax_rule"))
                        @if let Some(b) = balance { " — " strong { (i18n::rupiah(estimated_tax(b))) } } }
                }
                Some((ClaimStatus::Rejected, _)) => {
                    (notice("warning", t(l, "next_rejected")))
                    p { a.btn.btn-primary href="/claims/new" { (t(l, "claim_new_title")) } }
                }
                _ => {
                    ol.plain-steps {
                        li { (t(l, "next_1_verify")) }
                        li { (t(l, "next_2_decision")) }
                        li { (t(l, "next_payment")) }
                    }
                }
            }
        }
    }
}

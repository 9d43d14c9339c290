//! The booking mails, in Bahasa Indonesia with English below, each with an
//! `.ics` so the session lands in the participant's calendar.

use chrono::{NaiveDateTime, TimeZone, Utc};
use icalendar::{Calendar, Component, Event, EventLike, EventStatus};
use maud::html;

use super::layout;

use crate::db::bookings::BookingView;
use crate::db::branches::{Branch, Slot};
use crate::db::outbox::NewMail;
use crate::db::participants::Participant;
use crate::domain::schedule::to_local;
use crate::i18n::{self, Lang};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BookingMailKind {
    Booked,
    Rescheduled,
    Cancelled,
}

impl BookingMailKind {
    fn subject_key(self) -> &'static str {
        match self {
            Self::Booked => "mail_booked_subject",
            Self::Rescheduled => "mail_rescheduled_subject",
            Self::Cancelled => "mail_cancelled_subject",
        }
    }
    fn intro_key(self) -> &'static str {
        match self {
            Self::Booked => "mail_booked_intro",
            Self::Rescheduled => "mail_rescheduled_intro",
            Self::Cancelled => "mail_cancelled_intro",
        }
    }
}

/// What a booking mail says about the booking: its code, the session and
/// the branch. A booking not yet stored has these too, so its confirmation
/// can be written before the write transaction (see `app::booking`).
#[derive(Clone, Copy)]
pub struct Seat<'a> {
    pub code: &'a str,
    /// The calendar entry's SEQUENCE: later changes replace earlier ones.
    pub updated_at: NaiveDateTime,
    pub slot: &'a Slot,
    pub branch: &'a Branch,
}

impl<'a> Seat<'a> {
    pub fn of(v: &'a BookingView) -> Self {
        Self {
            code: &v.booking.code,
            updated_at: v.booking.updated_at,
            slot: &v.slot,
            branch: &v.branch,
        }
    }
}

struct Facts {
    when_id: String,
    when_en: String,
    branch: String,
    address: String,
    code: String,
    link: String,
}

fn facts(v: &Seat<'_>, public_url: &str) -> Facts {
    let tz = v.branch.tz();
    let zone = v.branch.zone_label();
    let start = to_local(tz, v.slot.starts_at).naive_local();
    let end = to_local(tz, v.slot.ends_at).naive_local();
    Facts {
        when_id: format!(
            "{}–{} {}",
            i18n::local_datetime(Lang::Id, start, zone).replace(&format!(" {zone}"), ""),
            end.format("%H.%M"),
            zone
        ),
        when_en: format!(
            "{}–{} {}",
            i18n::local_datetime(Lang::En, start, zone).replace(&format!(" {zone}"), ""),
            end.format("%H:%M"),
            zone
        ),
        branch: v.branch.name.clone(),
        address: v.branch.address.clone(),
        code: v.code.to_string(),
        link: format!("{public_url}/me"),
    }
}

pub fn booking_mail(
    kind: BookingMailKind,
    participant: &Participant,
    v: &Seat<'_>,
    public_url: &str,
    now: NaiveDateTime,
) -> NewMail {
    let f = facts(v, public_url);
    let subject = format!("{} {}", i18n::t(Lang::Id, kind.subject_key()), f.code);
    let intro = |lang: Lang| i18n::t(lang, kind.intro_key());
    let rows = |lang: Lang, when: &str| {
        let rows = [
            ("booking_code", f.code.as_str()),
            ("session_time", when),
            ("branch", &f.branch),
        ];
        layout::labelled(lang, &rows)
    };
    let id = format!(
        "{}\n\n{}{}\n{}\n{}\n",
        intro(Lang::Id),
        rows(Lang::Id, &f.when_id),
        layout::labelled(Lang::Id, &[("address", &f.address)]),
        i18n::t(Lang::Id, "mail_manage_note"),
        f.link
    );
    let en = format!("{}\n{}", intro(Lang::En), rows(Lang::En, &f.when_en));
    let text = layout::text_body(&participant.full_name, &id, &en);
    let html = layout::html_page(
        &subject,
        &participant.full_name,
        html! {
                p { (i18n::t(Lang::Id, kind.intro_key())) }
                table style="border-collapse:collapse" {
                    tr { th align="left" style="padding:4px 12px 4px 0" { (i18n::t(Lang::Id, "booking_code")) }
                         td style="font-family:monospace;font-size:20px;letter-spacing:2px" { (f.code) } }
                    tr { th align="left" style="padding:4px 12px 4px 0" { (i18n::t(Lang::Id, "session_time")) } td { (f.when_id) } }
                    tr { th align="left" style="padding:4px 12px 4px 0" { (i18n::t(Lang::Id, "branch")) } td { (f.branch) } }
                    tr { th align="left" style="padding:4px 12px 4px 0" { (i18n::t(Lang::Id, "address")) } td { (f.address) } }
                }
                p { (i18n::t(Lang::Id, "mail_manage_note")) " " a href=(f.link) { (f.link) } }
                hr;
                p lang="en" style="color:#555" {
                    (i18n::t(Lang::En, kind.intro_key())) " "
                    (i18n::t(Lang::En, "booking_code")) ": " (f.code) ". "
                    (i18n::t(Lang::En, "session_time")) ": " (f.when_en) ". "
                    (i18n::t(Lang::En, "branch")) ": " (f.branch) "."
                }
        },
    );
    let ics = ics(kind, v, &f, now);
    layout::outbox_mail(&participant.email, subject, text, html, Some(ics), now)
}

fn ics(kind: BookingMailKind, v: &Seat<'_>, f: &Facts, now: NaiveDateTime) -> String {
    let start = Utc.from_utc_datetime(&v.slot.starts_at);
    let end = Utc.from_utc_datetime(&v.slot.ends_at);
    let mut event = Event::new();
    event
        .uid(&format!("booking-{}@antre", v.code))
        .summary(&format!("Klaim JHT — {} ({})", f.branch, f.code))
        .description(&format!(
            "Kode booking / booking code: {}\n{}",
            f.code, f.link
        ))
        .location(&format!("{}, {}", f.branch, f.address))
        .starts(start)
        .ends(end)
        .timestamp(Utc.from_utc_datetime(&now))
        .add_property("SEQUENCE", v.updated_at.and_utc().timestamp().to_string());
    if kind == BookingMailKind::Cancelled {
        event.status(EventStatus::Cancelled);
    } else {
        event.status(EventStatus::Confirmed);
    }
    let mut cal = Calendar::new();
    cal.append_property((
        "METHOD",
        if kind == BookingMailKind::Cancelled {
            "CANCEL"
        } else {
            "PUBLISH"
        },
    ));
    cal.push(event.done());
    cal.done().to_string()
}

/// The day-before reminder naming the documents still missing.
pub fn reminder_mail(
    participant: &Participant,
    v: &BookingView,
    missing: &[(String, String)],
    public_url: &str,
    now: NaiveDateTime,
) -> NewMail {
    let f = facts(&Seat::of(v), public_url);
    let subject = format!("{} {}", i18n::t(Lang::Id, "mail_reminder_subject"), f.code);
    let list_id: String = missing.iter().map(|(id, _)| format!("- {id}\n")).collect();
    let list_en: String = missing.iter().map(|(_, en)| format!("- {en}\n")).collect();
    let link = format!("{public_url}/me#documents");
    let id = format!(
        "{}\n\n{list_id}\n{}\n{link}\n",
        i18n::t(Lang::Id, "mail_reminder_intro"),
        layout::labelled(
            Lang::Id,
            &[
                ("session_time", &f.when_id),
                ("branch", &f.branch),
                ("booking_code", &f.code),
            ]
        ),
    );
    let en = format!(
        "{}\n\n{list_en}\n{}\n",
        i18n::t(Lang::En, "mail_reminder_intro"),
        f.when_en
    );
    let text = layout::text_body(&participant.full_name, &id, &en);
    let html = layout::html_page(
        &subject,
        &participant.full_name,
        html! {
                p { (i18n::t(Lang::Id, "mail_reminder_intro")) }
                ul { @for (id, _) in missing { li { (id) } } }
                p { (i18n::t(Lang::Id, "session_time")) ": " (f.when_id) " · " (f.branch) " · " (f.code) }
                p { a href=(link) { (link) } }
                hr;
                p lang="en" style="color:#555" { (i18n::t(Lang::En, "mail_reminder_intro")) }
                ul lang="en" style="color:#555" { @for (_, en) in missing { li { (en) } } }
        },
    );
    layout::outbox_mail(&participant.email, subject, text, html, None, now)
}

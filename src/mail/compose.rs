//! The booking mails, in Bahasa Indonesia with English below, each with an
//! `.ics` so the session lands in the participant's calendar.

use chrono::{NaiveDateTime, TimeZone, Utc};
use icalendar::{Calendar, Component, Event, EventLike, EventStatus};
use serde::{Deserialize, Serialize};

use super::layout::{self, Block};

use crate::db::bookings::BookingView;
use crate::db::branches::{Branch, Slot};
use crate::db::outbox::{NewMail, OutboxMail};
use crate::db::participants::Participant;
use crate::domain::branch_seed;
use crate::domain::schedule::to_local;
use crate::i18n::{self, Lang};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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
/// can be written in the statement that stores it (see `db::placing`).
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

/// A booking mail as what it says, kept with its outbox row (JSON in
/// `outbox.letter`) and rendered into text, HTML and calendar by the
/// outbox worker when it delivers: rendering took about a sixth of a
/// booking's CPU over HTTP, inside its write transaction. Everything the
/// mail shows is here as it was when the mail was queued, so a later
/// change to the booking or the branch does not rewrite an earlier mail.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Letter {
    pub kind: BookingMailKind,
    /// The participant's name in the greeting.
    pub name: String,
    pub code: String,
    /// The calendar entry's SEQUENCE (seconds since the epoch).
    pub sequence: i64,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub branch: String,
    pub address: String,
    /// The branch's IANA zone: the session's times are shown in it.
    pub timezone: String,
    /// The participant's page.
    pub link: String,
    /// When the mail was queued (the calendar entry's DTSTAMP).
    pub written_at: NaiveDateTime,
}

impl Letter {
    fn of(
        kind: BookingMailKind,
        name: &str,
        v: &Seat<'_>,
        public_url: &str,
        now: NaiveDateTime,
    ) -> Self {
        Self {
            kind,
            name: name.to_string(),
            code: v.code.to_string(),
            sequence: v.updated_at.and_utc().timestamp(),
            starts_at: v.slot.starts_at,
            ends_at: v.slot.ends_at,
            branch: v.branch.name.clone(),
            address: v.branch.address.clone(),
            timezone: v.branch.timezone.clone(),
            link: format!("{public_url}/me"),
            written_at: now,
        }
    }

    fn subject(&self) -> String {
        format!(
            "{} {}",
            i18n::t(Lang::Id, self.kind.subject_key()),
            self.code
        )
    }

    /// The mail's plain text, HTML and calendar file.
    pub fn render(&self) -> Rendered {
        let when = When::of(&self.timezone, self.starts_at, self.ends_at);
        let kind = self.kind;
        let (text, html) = layout::bodies(&self.subject(), &self.name, |l| {
            let next = match kind {
                BookingMailKind::Cancelled => "mail_cancelled_next",
                _ => "mail_manage_note",
            };
            vec![
                Block::para(l, kind.intro_key()),
                Block::Facts(vec![
                    layout::fact(l, "booking_code", self.code.as_str()).code(),
                    layout::fact(l, "session_time", when.said(l)),
                    layout::fact(l, "branch", self.branch.as_str()),
                    layout::fact(l, "address", self.address.as_str()),
                ]),
                Block::para(l, next),
                Block::action(l, "mail_open_me", &self.link),
            ]
        });
        Rendered {
            text,
            html,
            ics: Some(self.ics()),
        }
    }

    fn ics(&self) -> String {
        let mut event = Event::new();
        event
            .uid(&format!("booking-{}@antre", self.code))
            .summary(&format!("Klaim JHT — {} ({})", self.branch, self.code))
            .description(&format!(
                "Kode booking / booking code: {}\n{}",
                self.code, self.link
            ))
            .location(&format!("{}, {}", self.branch, self.address))
            .starts(Utc.from_utc_datetime(&self.starts_at))
            .ends(Utc.from_utc_datetime(&self.ends_at))
            .timestamp(Utc.from_utc_datetime(&self.written_at))
            .add_property("SEQUENCE", self.sequence.to_string());
        let cancelled = self.kind == BookingMailKind::Cancelled;
        event.status(if cancelled {
            EventStatus::Cancelled
        } else {
            EventStatus::Confirmed
        });
        let mut cal = Calendar::new();
        cal.append_property(("METHOD", if cancelled { "CANCEL" } else { "PUBLISH" }));
        cal.push(event.done());
        cal.done().to_string()
    }
}

/// A mail's bodies as sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub text: String,
    pub html: String,
    pub ics: Option<String>,
}

impl Rendered {
    /// The bodies of outbox row `mail`: rendered from its letter, or as
    /// stored.
    pub fn of(mail: &OutboxMail) -> Result<Self, String> {
        match &mail.letter {
            Some(json) => Self::from_letter(json),
            None => Ok(Self {
                text: mail.body_text.clone(),
                html: mail.body_html.clone(),
                ics: mail.ics.clone(),
            }),
        }
    }

    /// The bodies a letter (its JSON) says.
    pub fn from_letter(json: &str) -> Result<Self, String> {
        serde_json::from_str::<Letter>(json)
            .map(|l| l.render())
            .map_err(|e| format!("unreadable letter: {e}"))
    }
}

/// A session's times in its branch's zone, in both languages.
struct When {
    id: String,
    en: String,
}

impl When {
    /// The times as said in `lang`.
    fn said(&self, lang: Lang) -> &str {
        match lang {
            Lang::Id => &self.id,
            Lang::En => &self.en,
        }
    }

    /// From `starts_at` to `ends_at` (UTC) in IANA zone `timezone`.
    fn of(timezone: &str, starts_at: NaiveDateTime, ends_at: NaiveDateTime) -> Self {
        let tz = branch_seed::tz_of(timezone);
        let zone = branch_seed::shown_label(timezone);
        let start = to_local(tz, starts_at).naive_local();
        let end = to_local(tz, ends_at).naive_local();
        let when = |lang: Lang, end_format: &str| {
            format!(
                "{}–{} {}",
                i18n::local_datetime(lang, start, zone).replace(&format!(" {zone}"), ""),
                end.format(end_format),
                zone
            )
        };
        Self {
            id: when(Lang::Id, "%H.%M"),
            en: when(Lang::En, "%H:%M"),
        }
    }
}

/// A booking mail for the outbox: the subject written now, the bodies
/// kept as its [`Letter`] and rendered at delivery.
pub fn booking_mail(
    kind: BookingMailKind,
    participant: &Participant,
    v: &Seat<'_>,
    public_url: &str,
    now: NaiveDateTime,
) -> NewMail {
    let letter = Letter::of(kind, &participant.full_name, v, public_url, now);
    let subject = letter.subject();
    let to = &participant.email;
    let Ok(json) = serde_json::to_string(&letter) else {
        // Not for these fields; were it, the mail is rendered now.
        let r = letter.render();
        return layout::outbox_mail(to, subject, r.text, r.html, r.ics, now);
    };
    let mut mail = layout::outbox_mail(to, subject, String::new(), String::new(), None, now);
    mail.letter = Some(json);
    mail
}

/// The day-before reminder naming the documents still missing.
pub fn reminder_mail(
    participant: &Participant,
    v: &BookingView,
    missing: &[(String, String)],
    public_url: &str,
    now: NaiveDateTime,
) -> NewMail {
    let when = When::of(&v.branch.timezone, v.slot.starts_at, v.slot.ends_at);
    let (code, branch) = (&v.booking.code, &v.branch.name);
    let subject = format!("{} {}", i18n::t(Lang::Id, "mail_reminder_subject"), code);
    let link = format!("{public_url}/me#documents");
    layout::mail(
        &participant.email,
        subject,
        &participant.full_name,
        |l| {
            let missing = missing.iter().map(|(id, en)| match l {
                Lang::Id => id.clone(),
                Lang::En => en.clone(),
            });
            vec![
                Block::para(l, "mail_reminder_intro"),
                Block::List(missing.collect()),
                Block::Facts(vec![
                    layout::fact(l, "session_time", when.said(l)),
                    layout::fact(l, "branch", branch.as_str()),
                    layout::fact(l, "booking_code", code.as_str()).code(),
                ]),
                Block::action(l, "mail_upload_now", &link),
            ]
        },
        now,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(d: u32, h: u32, m: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 12, d)
            .and_then(|d| d.and_hms_opt(h, m, 0))
            .expect("time")
    }

    /// A session at 09.00–09.30 WITA (01:00 UTC) in Denpasar.
    fn letter(kind: BookingMailKind) -> Letter {
        Letter {
            kind,
            name: "Ni Luh Putu".into(),
            code: "K7Q2MX".into(),
            sequence: 1_764_900_000,
            starts_at: at(8, 1, 0),
            ends_at: at(8, 1, 30),
            branch: "Kantor Cabang Denpasar".into(),
            address: "Jl. Hayam Wuruk No. 1".into(),
            timezone: "Asia/Makassar".into(),
            link: "https://antre.id/me".into(),
            written_at: at(5, 3, 0),
        }
    }

    fn row(letter: Option<String>) -> OutboxMail {
        OutboxMail {
            recipient: "putu@contoh.id".into(),
            subject: "s".into(),
            body_text: "stored text".into(),
            body_html: "<p>stored</p>".into(),
            ics: None,
            created_at: at(5, 3, 0),
            next_attempt_at: at(5, 3, 0),
            letter,
            id: 1,
            attempts: 0,
            locked_until: None,
            sent_at: None,
            last_error: None,
            channel: crate::db::outbox::EMAIL.into(),
        }
    }

    #[test]
    fn a_letter_kept_as_json_renders_the_mail_it_says() {
        let l = letter(BookingMailKind::Booked);
        let json = serde_json::to_string(&l).expect("json");
        let r = Rendered::of(&row(Some(json))).expect("readable");
        assert_eq!(r, l.render());
        let id = r
            .text
            .find("09.00–09.30 WITA")
            .expect("local time in Indonesian");
        let en = r.text.find("09:30 WITA").expect("local time in English");
        assert!(id < en, "Bahasa Indonesia first: {}", r.text);
        assert!(r.text.starts_with("Yth. Ni Luh Putu,"), "{}", r.text);
        assert!(r.html.contains("K7Q2MX") && r.html.contains("href=\"https://antre.id/me\""));
        let ics = r.ics.expect("calendar");
        assert!(ics.contains("METHOD:PUBLISH") && ics.contains("SEQUENCE:1764900000"));
        assert!(ics.contains("DTSTART:20261208T010000Z"), "{ics}");
    }

    #[test]
    fn a_cancellation_cancels_the_calendar_entry() {
        let ics = letter(BookingMailKind::Cancelled)
            .render()
            .ics
            .expect("calendar");
        assert!(
            ics.contains("METHOD:CANCEL") && ics.contains("STATUS:CANCELLED"),
            "{ics}"
        );
    }

    #[test]
    fn a_note_added_to_a_letter_is_sent_with_it() {
        let json = serde_json::to_string(&letter(BookingMailKind::Booked)).expect("json");
        let now = at(5, 3, 0);
        let mut m = layout::outbox_mail(
            "putu@contoh.id",
            "s".into(),
            "".into(),
            "".into(),
            None,
            now,
        );
        m.letter = Some(json);
        let m = layout::with_unverified_note(m, "https://antre.id");
        let note = i18n::t(Lang::Id, "mail_unverified_note");
        assert!(m.letter.is_none(), "rendered now");
        assert!(
            m.body_text.contains("K7Q2MX") && m.body_text.contains(note),
            "{}",
            m.body_text
        );
        assert!(m.body_html.contains(note) && m.ics.is_some());
    }

    #[test]
    fn a_row_without_a_letter_is_sent_as_stored_and_a_broken_one_is_not_sent() {
        let r = Rendered::of(&row(None)).expect("stored");
        assert_eq!(
            (r.text.as_str(), r.html.as_str()),
            ("stored text", "<p>stored</p>")
        );
        assert!(Rendered::of(&row(Some("{\"kind\":".into()))).is_err());
    }
}

//! Mails about the account itself: the password-reset link, email
//! verification and contact changes, and a new staff account's invitation
//! to set its password.

use chrono::NaiveDateTime;

use super::layout::{self, Block};
use crate::db::outbox::{NewMail, NewMessage};
use crate::domain::recovery::{RESET_TOKEN_MINUTES, VERIFY_TOKEN_HOURS};
use crate::domain::role::Role;
use crate::domain::staff_admin::INVITATION_DAYS;
use crate::i18n::{self, Lang};

/// The single-use link to `{public_url}/password-reset/{token}`, valid
/// [`RESET_TOKEN_MINUTES`] minutes; Bahasa Indonesia first, English second.
/// The page a reset link opens.
pub fn reset_link(public_url: &str, token: &str) -> String {
    format!(
        "{}/password-reset/{token}",
        public_url.trim_end_matches('/')
    )
}

/// A reset link as a WhatsApp/SMS message, in `lang` (to a participant
/// whose address receives no mail).
pub fn password_reset_message(lang: Lang, link: &str, now: NaiveDateTime) -> NewMessage {
    let minutes = RESET_TOKEN_MINUTES.to_string();
    let text = i18n::tf(
        lang,
        "message_reset",
        &[("minutes", &minutes), ("link", link)],
    );
    super::messages::message("password_reset", text, now)
}

pub fn password_reset_mail(
    name: &str,
    email: &str,
    token: &str,
    public_url: &str,
    now: NaiveDateTime,
) -> NewMail {
    let link = reset_link(public_url, token);
    let minutes = RESET_TOKEN_MINUTES.to_string();
    let subject = i18n::t(Lang::Id, "mail_reset_subject").to_string();
    layout::mail(
        email,
        subject,
        name,
        |l| {
            vec![
                Block::Para(i18n::tf(l, "mail_reset_intro", &[("minutes", &minutes)])),
                Block::action(l, "mail_reset_link", &link),
                Block::para(l, "mail_reset_ignore"),
            ]
        },
        now,
    )
}

/// The link that verifies `email` (at registration, on request, or for
/// a new address), valid [`VERIFY_TOKEN_HOURS`] hours.
pub fn email_verify_mail(
    name: &str,
    email: &str,
    token: &str,
    public_url: &str,
    now: NaiveDateTime,
) -> NewMail {
    let link = format!("{}/verify-email/{token}", public_url.trim_end_matches('/'));
    let hours = VERIFY_TOKEN_HOURS.to_string();
    let subject = i18n::t(Lang::Id, "mail_verify_subject").to_string();
    layout::mail(
        email,
        subject,
        name,
        |l| {
            vec![
                Block::Para(i18n::tf(l, "mail_verify_intro", &[("hours", &hours)])),
                Block::action(l, "mail_verify_link", &link),
            ]
        },
        now,
    )
}

/// To the old address: the account's email or phone is being changed
/// (`what`: a catalog key), and what to do if it was not them.
pub fn contact_changed_mail(
    name: &str,
    old_email: &str,
    what: &str,
    now: NaiveDateTime,
) -> NewMail {
    let subject = i18n::t(Lang::Id, "mail_contact_subject").to_string();
    layout::mail(
        old_email,
        subject,
        name,
        |l| {
            vec![
                Block::Para(i18n::tf(
                    l,
                    "mail_contact_changed",
                    &[("what", i18n::t(l, what))],
                )),
                Block::para(l, "mail_contact_not_you"),
            ]
        },
        now,
    )
}

/// The invitation of a new staff account: the single-use link to
/// `{public_url}/invitation/{token}`, valid [`INVITATION_DAYS`] days, where
/// its owner sets the password; Bahasa Indonesia first, English second.
pub fn staff_invitation_mail(
    name: &str,
    email: &str,
    role: Role,
    token: &str,
    public_url: &str,
    now: NaiveDateTime,
) -> NewMail {
    let link = format!("{}/invitation/{token}", public_url.trim_end_matches('/'));
    let days = INVITATION_DAYS.to_string();
    let subject = i18n::t(Lang::Id, "mail_invite_subject").to_string();
    layout::mail(
        email,
        subject,
        name,
        |l| {
            let role = i18n::label(l, "role_", role.as_str());
            vec![
                Block::Para(i18n::tf(
                    l,
                    "mail_invite_intro",
                    &[("role", &role), ("days", &days)],
                )),
                Block::action(l, "mail_invite_link", &link),
                Block::para(l, "mail_invite_after"),
            ]
        },
        now,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reset_mail_links_once_in_each_language() {
        let now = chrono::NaiveDate::from_ymd_opt(2026, 12, 3)
            .and_then(|d| d.and_hms_opt(3, 0, 0))
            .expect("time");
        let m = password_reset_mail(
            "Sri Wahyuni",
            "sri@contoh.id",
            "abc_-9",
            "https://antre.id/",
            now,
        );
        assert_eq!(m.recipient, "sri@contoh.id");
        assert_eq!(m.subject, "Atur ulang kata sandi Antre");
        let link = "https://antre.id/password-reset/abc_-9";
        assert_eq!(m.body_text.matches(link).count(), 2, "{}", m.body_text);
        let id = m.body_text.find("dalam 30 menit").expect("Indonesian");
        let en = m.body_text.find("within 30 minutes").expect("English");
        assert!(id < en, "Bahasa Indonesia first");
        assert!(m.body_html.contains(&format!("href=\"{link}\"")));
        assert_eq!(m.next_attempt_at, now);
    }

    #[test]
    fn the_invitation_links_once_in_each_language() {
        let now = chrono::NaiveDate::from_ymd_opt(2026, 12, 4)
            .and_then(|d| d.and_hms_opt(2, 0, 0))
            .expect("time");
        let m = staff_invitation_mail(
            "Made Wirawan",
            "made@bpjs.example.id",
            Role::Cs,
            "tok_-1",
            "https://antre.id",
            now,
        );
        assert_eq!(m.recipient, "made@bpjs.example.id");
        let link = "https://antre.id/invitation/tok_-1";
        assert_eq!(m.body_text.matches(link).count(), 2, "{}", m.body_text);
        let id = m.body_text.find("Petugas CS").expect("role in Indonesian");
        let en = m.body_text.find("CS agent").expect("role in English");
        assert!(id < en, "Bahasa Indonesia first");
        assert!(m.body_text.contains("7 hari") && m.body_text.contains("7 days"));
        assert!(m.body_html.contains(&format!("href=\"{link}\"")));
    }
}

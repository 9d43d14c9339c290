//! A claim decided: verified (when and how the money arrives, and the tax
//! rule) or rejected (why, and how to put it right) — as a mail, and as a
//! short message for those who chose WhatsApp or SMS.

use chrono::{NaiveDate, NaiveDateTime};

use super::layout::{self, Block};
use crate::db::claims::Claim;
use crate::db::outbox::{NewMail, NewMessage};
use crate::db::participants::Participant;
use crate::domain::claim::{estimated_tax, ClaimStatus};
use crate::domain::dossier::RejectReason;
use crate::i18n::{self, Lang};

/// What the mail says about one decision.
pub struct Decision<'a> {
    pub claim: &'a Claim,
    pub outcome: ClaimStatus,
    /// The reviewer's reason and note, for a rejection.
    pub reason: Option<RejectReason>,
    pub note: Option<&'a str>,
    /// The last day payment is due (5 working days after the decision).
    pub pay_by: NaiveDate,
}

/// The decision as a WhatsApp/SMS message, in `lang`.
pub fn decision_message(
    lang: Lang,
    d: &Decision<'_>,
    public_url: &str,
    now: NaiveDateTime,
) -> NewMessage {
    let text = if d.outcome == ClaimStatus::Verified {
        let date = i18n::long_date(lang, d.pay_by);
        i18n::tf(lang, "message_claim_verified", &[("date", &date)])
    } else {
        let why = d.reason.map_or("-", |r| match lang {
            Lang::Id => r.label_id(),
            Lang::En => r.label_en(),
        });
        let link = format!("{}/me", public_url.trim_end_matches('/'));
        i18n::tf(
            lang,
            "message_claim_rejected",
            &[("reason", why), ("link", &link)],
        )
    };
    super::messages::message(&format!("claim_{}", d.outcome.as_str()), text, now)
}

pub fn decision_mail(
    participant: &Participant,
    d: &Decision<'_>,
    public_url: &str,
    now: NaiveDateTime,
) -> NewMail {
    let verified = d.outcome == ClaimStatus::Verified;
    let subject_key = if verified {
        "mail_verified_subject"
    } else {
        "mail_rejected_subject"
    };
    let subject = i18n::t(Lang::Id, subject_key).to_string();
    let tax = d.claim.balance.map(|b| i18n::rupiah(estimated_tax(b)));
    let link = format!("{public_url}/me");
    layout::mail(
        &participant.email,
        subject,
        &participant.full_name,
        |l| {
            let mut blocks = if verified {
                let mut facts = vec![layout::fact(l, "estimated_tax", i18n::t(l, "tax_rule"))];
                if let Some(tax) = &tax {
                    facts.push(layout::fact(l, "mail_tax_estimate", tax.as_str()).strong());
                }
                vec![
                    Block::para(l, "mail_verified_intro"),
                    Block::Para(
                        i18n::t(l, "mail_verified_payment")
                            .replace("{date}", &i18n::long_date(l, d.pay_by)),
                    ),
                    Block::Facts(facts),
                ]
            } else {
                let why = d.reason.map_or("-", |r| match l {
                    Lang::Id => r.label_id(),
                    Lang::En => r.label_en(),
                });
                let mut facts = vec![layout::fact(l, "mail_rejected_reason", why).strong()];
                if let Some(note) = d.note {
                    facts.push(layout::fact(l, "mail_officer_note", note));
                }
                vec![
                    Block::para(l, "mail_rejected_intro"),
                    Block::Facts(facts),
                    Block::para(l, "mail_rejected_fix"),
                ]
            };
            blocks.push(Block::action(l, "mail_open_me", &link));
            blocks
        },
        now,
    )
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn claim() -> Claim {
        let at = NaiveDate::from_ymd_opt(2026, 11, 24)
            .and_then(|d| d.and_hms_opt(1, 0, 0))
            .expect("time");
        Claim {
            participant_id: 1,
            reason: "resignation".into(),
            channel: "branch".into(),
            last_working_day: None,
            termination_date: None,
            contract_end_date: None,
            membership_start_date: None,
            departure_date: None,
            date_of_death: None,
            balance: None,
            created_at: at,
            updated_at: at,
            heir_is_child: false,
            heir_is_minor: false,
            id: 7,
            status: ClaimStatus::Open,
        }
    }

    #[test]
    fn a_decision_message_says_it_in_the_participants_language() {
        let (c, now) = (claim(), claim().created_at);
        let pay_by = NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
        let verified = Decision {
            claim: &c,
            outcome: ClaimStatus::Verified,
            reason: None,
            note: None,
            pay_by,
        };
        let rejected = Decision {
            outcome: ClaimStatus::Rejected,
            reason: Some(RejectReason::Unreadable),
            note: Some("buram"),
            ..verified
        };
        let text = |l: Lang, d: &Decision<'_>| decision_message(l, d, "https://antre.id/", now);
        for (l, said) in [(Lang::Id, "terverifikasi"), (Lang::En, "is verified")] {
            let m = text(l, &verified);
            assert_eq!(m.subject, "claim_verified");
            let date = i18n::long_date(l, pay_by);
            assert!(
                m.body_text.contains(said) && m.body_text.contains(&date),
                "{}",
                m.body_text
            );
        }
        let m = text(Lang::En, &rejected);
        assert_eq!(m.subject, "claim_rejected");
        assert!(
            m.body_text.contains(RejectReason::Unreadable.label_en())
                && m.body_text.contains("https://antre.id/me"),
            "{}",
            m.body_text
        );
        let m = text(Lang::Id, &rejected);
        assert!(
            m.body_text.contains(RejectReason::Unreadable.label_id()),
            "{}",
            m.body_text
        );
    }
}

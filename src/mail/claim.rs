//! A claim decided: verified (when and how the money arrives, and the tax
//! rule) or rejected (why, and how to put it right).

use chrono::{NaiveDate, NaiveDateTime};

use super::layout::{self, Block};
use crate::db::claims::Claim;
use crate::db::outbox::NewMail;
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

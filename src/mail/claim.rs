//! A claim decided: verified (when and how the money arrives, and the tax
//! rule) or rejected (why, and how to put it right).

use chrono::{NaiveDate, NaiveDateTime};
use maud::html;

use super::layout;
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
    let lines = |l: Lang| -> Vec<String> {
        if verified {
            let mut v = vec![
                i18n::t(l, "mail_verified_intro").to_string(),
                i18n::t(l, "mail_verified_payment")
                    .replace("{date}", &i18n::long_date(l, d.pay_by)),
                format!(
                    "{}: {}",
                    i18n::t(l, "estimated_tax"),
                    i18n::t(l, "tax_rule")
                ),
            ];
            if let Some(tax) = &tax {
                v.push(format!("{}: {tax}", i18n::t(l, "mail_tax_estimate")));
            }
            v
        } else {
            let why = d.reason.map_or("-", |r| match l {
                Lang::Id => r.label_id(),
                Lang::En => r.label_en(),
            });
            let mut v = vec![
                i18n::t(l, "mail_rejected_intro").to_string(),
                format!("{}: {why}", i18n::t(l, "mail_rejected_reason")),
            ];
            if let Some(note) = d.note {
                v.push(format!("{}: {note}", i18n::t(l, "mail_officer_note")));
            }
            v.push(i18n::t(l, "mail_rejected_fix").to_string());
            v
        }
    };
    let link = format!("{public_url}/me");
    let body = |l: Lang| format!("{}\n{link}", lines(l).join("\n"));
    let text = layout::text_body(&participant.full_name, &body(Lang::Id), &body(Lang::En));
    let html = layout::html_page(
        &subject,
        &participant.full_name,
        html! {
            @for line in lines(Lang::Id) { p { (line) } }
            p { a href=(link) { (i18n::t(Lang::Id, "mail_open_me")) } }
            hr;
            div lang="en" style="color:#555" {
                @for line in lines(Lang::En) { p { (line) } }
            }
        },
    );
    layout::outbox_mail(&participant.email, subject, text, html, None, now)
}

//! The mail a worker receives when the employer filed their JHT claim
//! collectively: Bahasa Indonesia first, English below.

use chrono::NaiveDateTime;

use super::layout::{self, Block};

use crate::db::outbox::NewMail;
use crate::i18n::{self, Lang};

/// The worker's claim was filed by `company` (claim number `claim_id`).
pub fn claim_filed_mail(
    recipient: &str,
    worker_name: &str,
    company: &str,
    claim_id: i64,
    now: NaiveDateTime,
) -> NewMail {
    let subject = format!(
        "{} #{claim_id}",
        i18n::t(Lang::Id, "mail_collective_subject")
    );
    layout::mail(
        recipient,
        subject,
        worker_name,
        |l| {
            vec![
                Block::Para(i18n::t(l, "mail_collective_intro").replace("{company}", company)),
                Block::Facts(vec![layout::fact(
                    l,
                    "mail_collective_claim",
                    format!("#{claim_id}"),
                )
                .strong()]),
            ]
        },
        now,
    )
}

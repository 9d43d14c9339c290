//! The mail a worker receives when the employer filed their JHT claim
//! collectively: Bahasa Indonesia first, English below.

use chrono::NaiveDateTime;
use maud::html;

use super::layout;

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
    let intro = |l: Lang| i18n::t(l, "mail_collective_intro").replace("{company}", company);
    let id = format!(
        "{}\n\n{}: #{claim_id}\n",
        intro(Lang::Id),
        i18n::t(Lang::Id, "mail_collective_claim")
    );
    let text = layout::text_body(worker_name, &id, &format!("{}\n", intro(Lang::En)));
    let html = layout::html_page(
        &subject,
        worker_name,
        html! {
            p { (intro(Lang::Id)) }
            p { (i18n::t(Lang::Id, "mail_collective_claim")) ": #" (claim_id) }
            hr;
            p lang="en" style="color:#555" { (intro(Lang::En)) }
        },
    );
    layout::outbox_mail(recipient, subject, text, html, None, now)
}

//! A message from the worklist: the agent working an item sends the
//! participant a WhatsApp or SMS through the gateway — the text made for
//! the item's reason (what is missing and where to upload it, how to book
//! again, where to take the held seat) — on the channel the participant
//! chose; never to someone who did not choose one. Audited as
//! `outreach_message_sent`; the agent then records what came of it as an
//! attempt, as after a call.

use serde_json::json;

use super::{agent, holder, item_of, subject};
use crate::app::messages::{self, Gateway};
use crate::app::{write_db, AppError, AppResult, Ctx};
use crate::db::audit;
use crate::db::branches::{self, Branch};
use crate::db::outreach::Item;
use crate::db::participants;
use crate::domain::consent::MessageChannel;
use crate::domain::dossier::DocumentKind;
use crate::domain::outreach::Reason;
use crate::domain::Code;
use crate::i18n::{self, Lang};

/// The text for `it`'s reason, in `lang`.
fn text_for(
    lang: Lang,
    it: &Item,
    reason: Reason,
    branch: &Branch,
    code: Option<&str>,
    base: &str,
) -> String {
    let label = |k: DocumentKind| match lang {
        Lang::Id => k.label_id(),
        Lang::En => k.label_en(),
    };
    let items: Vec<String> = it
        .missing
        .split(',')
        .filter(|m| !m.is_empty())
        .map(|m| DocumentKind::parse(m).map_or_else(|| m.to_string(), |k| label(k).to_string()))
        .collect();
    let when = it
        .due_at
        .map(|at| crate::mail::messages::local(lang, branch, at))
        .unwrap_or_default();
    let (key, link) = match reason {
        Reason::MissingDocuments => ("message_outreach_missing_documents", format!("{base}/me")),
        Reason::DocumentRejected => ("message_outreach_document_rejected", format!("{base}/me")),
        Reason::NoShow => ("message_outreach_no_show", format!("{base}/branches")),
        Reason::OfferExpiring => {
            let entry = it.subject.trim_start_matches("waitlist:");
            (
                "message_outreach_offer_expiring",
                format!("{base}/waitlist/{entry}"),
            )
        }
    };
    i18n::tf(
        lang,
        key,
        &[
            ("when", &when),
            ("code", code.unwrap_or("")),
            ("items", &items.join(", ")),
            ("branch", &branch.name),
            ("link", &link),
        ],
    )
}

/// Sends item `id`'s participant the message of its reason (by the agent
/// holding it, or anyone when nobody does): the channel it went on.
/// `409 no_message_consent` when the participant chose no channel (or
/// there is no gateway or phone); `409 claimed`, `409 outreach_resolved`,
/// 404 as for attempts.
pub async fn send(ctx: &Ctx, id: i64) -> AppResult<MessageChannel> {
    let (actor, now) = (ctx.actor.clone(), ctx.clock.now_naive());
    let me = agent(&actor)?;
    let gateway = Gateway::of(ctx);
    write_db(&ctx.db, move |c| -> AppResult<MessageChannel> {
        let it = item_of(c, &actor, id)?;
        if it.resolved_at.is_some() {
            return Err(AppError::conflict(Code::OutreachResolved));
        }
        if holder(&it, now).is_some_and(|by| by != me) {
            return Err(AppError::conflict(Code::Claimed));
        }
        let reason = Reason::parse(&it.reason).map_err(AppError::internal)?;
        let branch = branches::find(c, &it.branch_code)?
            .ok_or_else(|| AppError::internal("item without branch"))?;
        let p = participants::find(c, it.participant_id)?
            .ok_or_else(|| AppError::internal("item without participant"))?;
        let code = match it.booking_id {
            Some(b) => crate::db::outreach::booking_code(c, b)?,
            None => None,
        };
        let base = gateway.public_url.trim_end_matches('/').to_string();
        let template = format!("outreach_{}", reason.as_str());
        let sent = messages::send(c, &gateway, &p, |lang| {
            let text = text_for(lang, &it, reason, &branch, code.as_deref(), &base);
            crate::mail::messages::message(&template, text, now)
        })?;
        if !sent {
            return Err(AppError::conflict(Code::NoMessageConsent));
        }
        let channel = messages::channel_in(c, p.id)?;
        let detail = json!({"item": it.id, "reason": it.reason, "channel": channel.as_str(),
            "template": template});
        audit::record(
            c,
            now,
            &actor,
            "outreach_message_sent",
            &subject(&it),
            detail,
        )?;
        Ok(channel)
    })
    .await
}

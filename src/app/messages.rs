//! WhatsApp and SMS with consent: a participant's choice of channel
//! (`domain::consent`), recorded and audited wherever it is made, and the
//! one door every message goes through ([`send`]) — which sends nothing to
//! someone who did not choose a channel or stopped, and ends every message
//! with its stop link.

use chrono::NaiveDateTime;
use serde_json::json;

use super::error::{AppError, AppResult};
use super::{read_db, write_db, Ctx};
use crate::db::audit::{self, Actor, Subject};
use crate::db::consents::{self, NewConsent};
use crate::db::outbox::{self, NewMessage};
use crate::db::participants::Participant;
use crate::db::DbConnection;
use crate::domain::consent::{self as rules, ConsentSource, MessageChannel};
use crate::domain::role::ActorRole;
use crate::domain::Code;
use crate::i18n::{self, Lang};
use crate::infra::crypto;

/// Whether messages can go out at all: a gateway is configured.
#[derive(Debug, Clone)]
pub struct Gateway {
    pub enabled: bool,
    pub public_url: String,
}

impl Gateway {
    pub fn new(enabled: bool, public_url: &str) -> Self {
        Self {
            enabled,
            public_url: public_url.to_string(),
        }
    }

    pub fn of(ctx: &Ctx) -> Self {
        Self {
            enabled: ctx.settings.message_webhook_url.is_some(),
            public_url: ctx.settings.public_url.clone(),
        }
    }
}

/// A channel as typed (`invalid_message_channel` naming `field` otherwise).
pub fn parse_channel(typed: &str, field: &'static str) -> AppResult<MessageChannel> {
    MessageChannel::parse_typed(typed)
        .ok_or_else(|| AppError::unprocessable(Code::InvalidMessageChannel).field(field))
}

/// The participant's channel (`None` when never asked: email only).
pub fn channel_in(c: &mut DbConnection, participant: i64) -> AppResult<MessageChannel> {
    Ok(channel_of(consents::of(c, participant)?.as_ref()))
}

fn channel_of(row: Option<&consents::Consent>) -> MessageChannel {
    row.and_then(|r| MessageChannel::parse(&r.channel).ok())
        .unwrap_or(MessageChannel::None)
}

/// Queues the message `compose` writes in `p`'s language for `p`, on
/// their channel, with the stop line; `false` (and nothing queued) without
/// a gateway, a phone, or consent.
pub fn send(
    c: &mut DbConnection,
    gateway: &Gateway,
    p: &Participant,
    compose: impl FnOnce(Lang) -> NewMessage,
) -> AppResult<bool> {
    if !gateway.enabled || p.phone.is_empty() {
        return Ok(false);
    }
    let Some(row) = consents::of(c, p.id)? else {
        return Ok(false);
    };
    let Some(channel) = MessageChannel::parse(&row.channel)
        .ok()
        .and_then(MessageChannel::gateway)
    else {
        return Ok(false);
    };
    let lang = row.language();
    let mut m = compose(lang);
    m.channel = channel.to_string();
    m.recipient = p.phone.clone();
    m.body_text.push('\n');
    let stop = rules::stop_url(&gateway.public_url, &row.stop_token);
    m.body_text
        .push_str(&i18n::tf(lang, "message_stop", &[("link", &stop)]));
    outbox::enqueue_message(c, &m)?;
    Ok(true)
}

/// Records `channel` for the participant, its messages in `lang` (`None`:
/// as before, Bahasa Indonesia for a first choice), with
/// `message_consent_changed` (from, to, where, language); nothing when
/// neither changes; the entry also names what `within` does (the
/// counter's session and branch). The language it holds.
pub fn choose(
    c: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    participant: i64,
    (channel, lang): (MessageChannel, Option<Lang>),
    source: ConsentSource,
    within: &Subject,
) -> AppResult<Lang> {
    let before = consents::of(c, participant)?;
    let from = before.as_ref().map(|r| r.channel.clone());
    let lang = lang
        .or_else(|| before.as_ref().map(consents::Consent::language))
        .unwrap_or_default();
    let same_lang = before.as_ref().is_some_and(|r| r.language() == lang);
    if from.as_deref() == Some(channel.as_str()) && same_lang {
        return Ok(lang);
    }
    consents::set(
        c,
        &NewConsent {
            participant_id: participant,
            channel: channel.as_str().to_string(),
            source: source.as_str().to_string(),
            stop_token: crypto::random_token(16),
            changed_at: now,
            lang: lang.code().to_string(),
        },
    )?;
    let subject = Subject {
        participant_id: Some(participant),
        ..within.clone()
    };
    let details = json!({"from": from, "to": channel.as_str(), "source": source.as_str(),
        "language": lang.code()});
    audit::record(c, now, actor, "message_consent_changed", &subject, details)?;
    Ok(lang)
}

/// The participant as the actor of their own choice.
fn own(ctx: &Ctx, participant: i64) -> Actor {
    Actor {
        id: Some(participant),
        role: ActorRole::PARTICIPANT,
        branch: None,
        ..ctx.actor.clone()
    }
}

/// The signed-in participant's channel, and the language of its messages
/// (`None`: never chosen).
pub async fn own_channel(ctx: &Ctx, participant: i64) -> AppResult<(MessageChannel, Option<Lang>)> {
    read_db(
        &ctx.db,
        move |c| -> AppResult<(MessageChannel, Option<Lang>)> {
            let row = consents::of(c, participant)?;
            let lang = row.as_ref().map(consents::Consent::language);
            Ok((channel_of(row.as_ref()), lang))
        },
    )
    .await
}

/// A language as typed: the code of one the catalog speaks (`id`, `en`;
/// any case), `invalid_message_language` naming `field` otherwise.
pub fn parse_language(typed: &str, field: &'static str) -> AppResult<Lang> {
    let typed = typed.trim();
    Lang::ALL
        .into_iter()
        .find(|l| l.code().eq_ignore_ascii_case(typed))
        .ok_or_else(|| AppError::unprocessable(Code::InvalidMessageLanguage).field(field))
}

/// The signed-in participant changes their channel, and the language of
/// its messages when `typed_lang` says one.
pub async fn set_own(
    ctx: &Ctx,
    participant: i64,
    typed: &str,
    typed_lang: Option<&str>,
) -> AppResult<(MessageChannel, Lang)> {
    let channel = parse_channel(typed, "channel")?;
    let lang = typed_lang
        .map(|l| parse_language(l, "language"))
        .transpose()?;
    let (now, actor) = (ctx.clock.now_naive(), own(ctx, participant));
    write_db(&ctx.db, move |c| -> AppResult<(MessageChannel, Lang)> {
        let lang = choose(
            c,
            now,
            &actor,
            participant,
            (channel, lang),
            ConsentSource::Account,
            &Subject::default(),
        )?;
        Ok((channel, lang))
    })
    .await
}

/// The channel a stop link stops and the language of its messages (404
/// `page_not_found` for no such link).
pub async fn stop_link(ctx: &Ctx, token: String) -> AppResult<(MessageChannel, Lang)> {
    read_db(&ctx.db, move |c| -> AppResult<(MessageChannel, Lang)> {
        let row = consents::by_stop_token(c, token.trim())?
            .ok_or_else(|| AppError::not_found(Code::PageNotFound))?;
        Ok((channel_of(Some(&row)), row.language()))
    })
    .await
}

/// The stop link followed: no more messages, by the participant's own
/// hand. The language the messages were in.
pub async fn stop(ctx: &Ctx, token: String) -> AppResult<Lang> {
    let now = ctx.clock.now_naive();
    let actor = ctx.actor.clone();
    write_db(&ctx.db, move |c| -> AppResult<Lang> {
        let row = consents::by_stop_token(c, token.trim())?
            .ok_or_else(|| AppError::not_found(Code::PageNotFound))?;
        let actor = Actor {
            id: Some(row.participant_id),
            role: ActorRole::PARTICIPANT,
            branch: None,
            ..actor
        };
        choose(
            c,
            now,
            &actor,
            row.participant_id,
            (MessageChannel::None, None),
            ConsentSource::Link,
            &Subject::default(),
        )
    })
    .await
}

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
use crate::domain::role::Role;
use crate::domain::Code;
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
    let row = consents::of(c, participant)?;
    Ok(row
        .and_then(|r| MessageChannel::parse(&r.channel).ok())
        .unwrap_or(MessageChannel::None))
}

/// Queues `m` for `p` on their channel with the stop line; `false` (and
/// nothing queued) without a gateway, a phone, or consent.
pub fn send(
    c: &mut DbConnection,
    gateway: &Gateway,
    p: &Participant,
    mut m: NewMessage,
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
    m.channel = channel.to_string();
    m.recipient = p.phone.clone();
    m.body_text.push('\n');
    m.body_text
        .push_str(&rules::stop_line(&gateway.public_url, &row.stop_token));
    outbox::enqueue_message(c, &m)?;
    Ok(true)
}

/// Records `channel` for the participant with `message_consent_changed`
/// (from, to, where); nothing when it is the same choice.
pub fn choose(
    c: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    participant: i64,
    channel: MessageChannel,
    source: ConsentSource,
) -> AppResult<()> {
    let before = consents::of(c, participant)?;
    let from = before.as_ref().map(|r| r.channel.clone());
    if from.as_deref() == Some(channel.as_str()) {
        return Ok(());
    }
    consents::set(
        c,
        &NewConsent {
            participant_id: participant,
            channel: channel.as_str().to_string(),
            source: source.as_str().to_string(),
            stop_token: crypto::random_token(16),
            changed_at: now,
        },
    )?;
    let subject = Subject {
        participant_id: Some(participant),
        ..Default::default()
    };
    let details = json!({"from": from, "to": channel.as_str(), "source": source.as_str()});
    audit::record(c, now, actor, "message_consent_changed", &subject, details)?;
    Ok(())
}

/// The participant as the actor of their own choice.
fn own(ctx: &Ctx, participant: i64) -> Actor {
    Actor {
        id: Some(participant),
        role: Role::Participant.as_str().to_string(),
        branch: None,
        ..ctx.actor.clone()
    }
}

/// The signed-in participant's channel.
pub async fn own_channel(ctx: &Ctx, participant: i64) -> AppResult<MessageChannel> {
    read_db(&ctx.db, move |c| channel_in(c, participant)).await
}

/// The signed-in participant changes their channel.
pub async fn set_own(ctx: &Ctx, participant: i64, typed: &str) -> AppResult<MessageChannel> {
    let channel = parse_channel(typed, "channel")?;
    let (now, actor) = (ctx.clock.now_naive(), own(ctx, participant));
    write_db(&ctx.db, move |c| -> AppResult<MessageChannel> {
        choose(c, now, &actor, participant, channel, ConsentSource::Account)?;
        Ok(channel)
    })
    .await
}

/// The channel a stop link stops (404 `page_not_found` for no such link).
pub async fn stop_link(ctx: &Ctx, token: String) -> AppResult<MessageChannel> {
    read_db(&ctx.db, move |c| -> AppResult<MessageChannel> {
        let row = consents::by_stop_token(c, token.trim())?
            .ok_or_else(|| AppError::not_found(Code::PageNotFound))?;
        Ok(MessageChannel::parse(&row.channel).unwrap_or(MessageChannel::None))
    })
    .await
}

/// The stop link followed: no more messages, by the participant's own hand.
pub async fn stop(ctx: &Ctx, token: String) -> AppResult<()> {
    let now = ctx.clock.now_naive();
    let actor = ctx.actor.clone();
    write_db(&ctx.db, move |c| -> AppResult<()> {
        let row = consents::by_stop_token(c, token.trim())?
            .ok_or_else(|| AppError::not_found(Code::PageNotFound))?;
        let actor = Actor {
            id: Some(row.participant_id),
            role: Role::Participant.as_str().to_string(),
            branch: None,
            ..actor
        };
        choose(
            c,
            now,
            &actor,
            row.participant_id,
            MessageChannel::None,
            ConsentSource::Link,
        )
    })
    .await
}

//! A walk-in with no online account, served to the end at the console:
//! the agent registers the ticket's NIK, opens the claim with the same
//! eligibility rules as online, and adds the documents (through
//! [`crate::app::dossier::upload`] as the serving agent). Every step is
//! audited with the session.
//!
//! What the walk-in told the agent of WhatsApp/SMS reminders is recorded
//! as their choice (`console`), audited as the agent's: without an email
//! or a password it is how the branch reaches them later.
//!
//! The account has no password (the hash is not a PHC string, so nothing
//! verifies against it) until its owner sets one by password reset; without
//! a given email it carries `NIK.loket@pekerja.invalid`, a reserved domain
//! that never receives mail.

use serde_json::json;

use super::console::cs_of;
use super::{AppError, AppResult, Ctx};
use crate::app::claims::{self, ClaimInput};
use crate::app::collective::submit::NO_LOGIN_HASH;
use crate::app::dossier::given;
use crate::app::{messages, write_db};
use crate::db::audit::{self, Subject};
use crate::db::claims::Claim;
use crate::db::floor::{self, FloorSession, Ticket};
use crate::db::participants::{self, Conflict, NewParticipant, Participant};
use crate::db::DbConnection;
use crate::domain::consent::{ConsentSource, MessageChannel};
use crate::domain::Code;
use crate::domain::{email::Email, kpj::Kpj, nik, person_name::FullName, phone::Phone};

/// What the agent types to register a walk-in (the NIK is the ticket's).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[schema(as = WalkInRegisterRequest)]
pub struct WalkIn {
    pub kpj: String,
    /// The name as on the e-KTP.
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Reminders besides email, as the walk-in told the agent: whatsapp,
    /// sms or none (absent: not asked, email only). Needs the phone.
    #[serde(default)]
    pub messages: Option<String>,
    /// The language of those messages, `id` or `en` (absent: `id`).
    #[serde(default)]
    pub language: Option<String>,
}

/// The address of an account registered at the branch without an email.
fn no_mailbox(nik: &str) -> String {
    format!("{nik}.loket@pekerja.invalid")
}

/// The agent's open session and its ticket.
fn session_ticket(
    c: &mut DbConnection,
    agent: i64,
    session: i64,
) -> AppResult<(FloorSession, Ticket)> {
    let s = floor::open_session_of(c, agent, session)?;
    let t =
        floor::ticket(c, s.ticket_id)?.ok_or_else(|| AppError::not_found(Code::SessionNotFound))?;
    Ok((s, t))
}

fn subject(s: &FloorSession, participant: Option<i64>, claim: Option<i64>) -> Subject {
    Subject {
        participant_id: participant,
        claim_id: claim,
        session_id: Some(s.id),
        branch_code: Some(s.branch_code.clone()),
        ..Subject::default()
    }
}

/// Registers the NIK of the agent's session as a participant and links the
/// day's tickets to the account. `409 already_registered` when the NIK
/// has an account.
pub async fn register(ctx: &Ctx, session: i64, r: WalkIn) -> AppResult<Participant> {
    let (agent, _) = cs_of(&ctx.actor)?;
    let kpj = Kpj::parse(&r.kpj).map_err(AppError::from)?;
    let name = FullName::parse(&r.full_name, "full_name").map_err(AppError::from)?;
    let email = given(r.email.as_deref())
        .map(Email::parse)
        .transpose()
        .map_err(AppError::from)?;
    let phone = given(r.phone.as_deref())
        .map(Phone::parse)
        .transpose()
        .map_err(AppError::from)?;
    let channel = given(r.messages.as_deref())
        .map(|m| messages::parse_channel(m, "messages"))
        .transpose()?;
    let lang = given(r.language.as_deref())
        .map(|l| messages::parse_language(l, "language"))
        .transpose()?
        .unwrap_or_default();
    if channel.and_then(MessageChannel::gateway).is_some() && phone.is_none() {
        return Err(AppError::unprocessable(Code::MessagesNeedPhone).field("phone"));
    }
    let (actor, now) = (ctx.actor.clone(), ctx.clock.now());
    write_db(&ctx.db, move |c| -> AppResult<Participant> {
        let (s, t) = session_ticket(c, agent, session)?;
        if t.participant_id.is_some() {
            return Err(AppError::conflict(Code::AlreadyRegistered));
        }
        let (nik, info) = nik::parse(&t.nik, now.date_naive()).map_err(AppError::from)?;
        let new = NewParticipant {
            nik: nik.as_str().to_string(),
            kpj: kpj.as_str().to_string(),
            full_name: name.as_str().to_string(),
            email: email
                .as_ref()
                .map_or_else(|| no_mailbox(nik.as_str()), |e| e.as_str().to_string()),
            phone: phone
                .as_ref()
                .map(|p| p.as_str().to_string())
                .unwrap_or_default(),
            password_hash: NO_LOGIN_HASH.into(),
            birth_date: info.birth_date,
            sex: info.sex.as_str().to_string(),
            created_at: now.naive_utc(),
        };
        let p = match participants::insert(c, &new)? {
            Ok(p) => p,
            Err(Conflict::Nik) => return Err(AppError::conflict(Code::AlreadyRegistered)),
            Err(Conflict::Email) => return Err(AppError::conflict(Code::EmailTaken).field("email")),
        };
        floor::link_participant(c, &t, p.id, now.naive_utc())?;
        audit::record(
            c,
            now.naive_utc(),
            &actor,
            "participant_registered",
            &subject(&s, Some(p.id), None),
            json!({
                "channel": "branch",
                "ticket": t.number,
                "nik": nik::mask_str(&t.nik),
                "email_given": email.is_some(),
                "phone_given": phone.is_some(),
            }),
        )?;
        if let Some(channel) = channel {
            let told = (channel, Some(lang));
            messages::choose(
                c,
                now.naive_utc(),
                &actor,
                p.id,
                told,
                ConsentSource::Console,
                &subject(&s, None, None),
            )?;
        }
        Ok(p)
    })
    .await
}

/// Opens the claim of the session's participant (registered online or at
/// the console) with the same eligibility rules and refusals as online,
/// and links it to the ticket so the console shows its checklist.
pub async fn open_claim(ctx: &Ctx, session: i64, r: ClaimInput) -> AppResult<Claim> {
    let (agent, _) = cs_of(&ctx.actor)?;
    let plan = claims::plan(ctx, r)?;
    let (actor, now) = (ctx.actor.clone(), ctx.clock.now_naive());
    write_db(&ctx.db, move |c| -> AppResult<Claim> {
        let (s, t) = session_ticket(c, agent, session)?;
        let pid = t
            .participant_id
            .ok_or_else(|| AppError::conflict(Code::ParticipantNotRegistered))?;
        let claim = plan.store(c, pid, "branch")?;
        floor::link_claim(c, t.id, claim.id, now)?;
        audit::record(
            c,
            now,
            &actor,
            "claim_opened",
            &subject(&s, Some(pid), Some(claim.id)),
            json!({"channel": "branch", "reason": claim.reason, "ticket": t.number}),
        )?;
        Ok(claim)
    })
    .await
}

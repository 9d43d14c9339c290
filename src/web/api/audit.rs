//! The auditor's API: the verification log filtered and paged by seq, a
//! claim's timeline, CSV export, and the signed checkpoints with the public
//! key to keep outside the system. Auditors and admins only; read-only.

use actix_web::{web, HttpResponse};
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeDelta};
use serde::{Deserialize, Serialize};

use crate::app::error::{AppError, AppResult};
use crate::db::audit_read::{self, Checkpoint, Entry, Filter};
use crate::db::audit_stats::{self, Range};
use crate::db::run;
use crate::domain::anomaly::{AgentDay, Kind};
use crate::domain::role::Role;
use crate::i18n::{t, Lang};
use crate::web::auth::Authenticated;
use crate::web::State;

/// Entries per page.
pub const PAGE: i64 = 100;
/// Rows in one CSV export at most.
pub const CSV_LIMIT: i64 = 100_000;

const AUDIT_ROLES: &[Role] = &[Role::Auditor, Role::Admin];

/// A participant id no row has: a NIK filter that found nobody.
const NOBODY: i64 = -1;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct EntriesQuery {
    /// Branch code of the subject.
    pub branch: Option<String>,
    /// Actor (staff or participant) id.
    pub actor: Option<String>,
    /// Action, e.g. `session.finished`.
    pub action: Option<String>,
    /// Participant id of the subject.
    pub participant: Option<String>,
    /// Claim id of the subject.
    pub claim: Option<String>,
    /// From (inclusive): RFC 3339, or YYYY-MM-DD (start of that UTC day).
    pub from: Option<String>,
    /// To: RFC 3339 (exclusive), or YYYY-MM-DD (that whole UTC day).
    pub to: Option<String>,
    /// Cursor: the last seq seen (the previous page's `next`).
    pub after: Option<String>,
    /// The participant's NIK (16 digits): looked up to the participant.
    pub nik: Option<String>,
}

fn nonempty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn int(field: &'static str, v: &Option<String>) -> AppResult<Option<i64>> {
    nonempty(v)
        .map(|s| {
            s.parse::<i64>()
                .map_err(|_| AppError::unprocessable("invalid_field").field(field))
        })
        .transpose()
}

/// An instant from RFC 3339 or a date; `end_of_day` makes a date mean the
/// end of that day (for the exclusive upper bound).
fn instant(
    field: &'static str,
    v: &Option<String>,
    end_of_day: bool,
) -> AppResult<Option<NaiveDateTime>> {
    let Some(s) = nonempty(v) else {
        return Ok(None);
    };
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(Some(t.naive_utc()));
    }
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| AppError::unprocessable("invalid_date").field(field))?;
    let start = d.and_hms_opt(0, 0, 0).unwrap_or_default();
    Ok(Some(if end_of_day {
        start + TimeDelta::days(1)
    } else {
        start
    }))
}

/// A NIK as the auditor typed it: 16 digits, spaces ignored.
pub fn nik_filter(v: &Option<String>) -> AppResult<Option<String>> {
    let Some(s) = nonempty(v) else {
        return Ok(None);
    };
    let digits: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() != 16 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AppError::unprocessable("invalid_nik").field("nik"));
    }
    Ok(Some(digits))
}

impl EntriesQuery {
    /// The filter, with a NIK resolved to its participant (no participant
    /// with that NIK, or another one than `participant`: nothing matches).
    pub async fn resolve(&self, state: &State) -> AppResult<Filter> {
        let mut f = self.filter()?;
        if let Some(nik) = nik_filter(&self.nik)? {
            let found = run(&state.db, move |db| {
                db.read(|c| -> AppResult<_> { Ok(audit_stats::participant_by_nik(c, &nik)?) })
            })
            .await?;
            f.participant = match (found, f.participant) {
                (Some(id), None) => Some(id),
                (Some(id), Some(p)) if id == p => Some(id),
                _ => Some(NOBODY),
            };
        }
        Ok(f)
    }

    pub fn filter(&self) -> AppResult<Filter> {
        Ok(Filter {
            branch: nonempty(&self.branch).map(str::to_string),
            actor: int("actor", &self.actor)?,
            action: nonempty(&self.action).map(str::to_string),
            participant: int("participant", &self.participant)?,
            claim: int("claim", &self.claim)?,
            from: instant("from", &self.from, false)?,
            to: instant("to", &self.to, true)?,
            after: int("after", &self.after)?,
        })
    }
}

/// One entry as the API shows it: every column, `at` in RFC 3339 UTC.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EntryBody {
    pub seq: i64,
    pub at: String,
    pub actor_id: Option<i64>,
    pub actor_role: String,
    pub actor_branch: Option<String>,
    pub action: String,
    pub participant_id: Option<i64>,
    pub claim_id: Option<i64>,
    pub booking_id: Option<i64>,
    pub session_id: Option<i64>,
    pub batch_id: Option<i64>,
    pub branch_code: Option<String>,
    /// As stored (a JSON object).
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    pub client_ip: Option<String>,
    pub request_id: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

pub fn rfc3339(at: NaiveDateTime) -> String {
    at.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

impl From<Entry> for EntryBody {
    fn from(e: Entry) -> Self {
        Self {
            seq: e.seq,
            at: rfc3339(e.at),
            actor_id: e.actor_id,
            actor_role: e.actor_role,
            actor_branch: e.actor_branch,
            action: e.action,
            participant_id: e.participant_id,
            claim_id: e.claim_id,
            booking_id: e.booking_id,
            session_id: e.session_id,
            batch_id: e.batch_id,
            branch_code: e.branch_code,
            details: serde_json::from_str(&e.details)
                .unwrap_or(serde_json::Value::String(e.details)),
            client_ip: e.client_ip,
            request_id: e.request_id,
            prev_hash: e.prev_hash,
            hash: e.hash,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EntriesPage {
    pub entries: Vec<EntryBody>,
    /// Pass as `after` for the next page; null on the last page.
    pub next: Option<i64>,
}

/// One page of entries and the cursor of the next (None on the last).
pub async fn page(state: &State, filter: Filter) -> AppResult<(Vec<Entry>, Option<i64>)> {
    let mut rows = run(&state.db, move |db| {
        db.read(|c| -> AppResult<_> { Ok(audit_read::search(c, &filter, PAGE + 1)?) })
    })
    .await?;
    let more = rows.len() as i64 > PAGE;
    rows.truncate(PAGE as usize);
    let next = if more {
        rows.last().map(|e| e.seq)
    } else {
        None
    };
    Ok((rows, next))
}

/// The verification log, filtered, in seq order, 100 per page.
#[utoipa::path(get, path = "/api/v1/audit/entries", params(EntriesQuery),
    responses((status = 200, body = EntriesPage), (status = 401, body = super::ErrorBody),
        (status = 403, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn entries(
    state: State,
    who: Authenticated,
    q: web::Query<EntriesQuery>,
) -> AppResult<HttpResponse> {
    who.0.require_staff(AUDIT_ROLES)?;
    let (rows, next) = page(&state, q.resolve(&state).await?).await?;
    Ok(HttpResponse::Ok().json(EntriesPage {
        entries: rows.into_iter().map(EntryBody::from).collect(),
        next,
    }))
}

/// The filtered entries as CSV (at most 100,000 rows).
#[utoipa::path(get, path = "/api/v1/audit/entries.csv", params(EntriesQuery),
    responses((status = 200, description = "text/csv", content_type = "text/csv"),
        (status = 403, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn entries_csv(
    state: State,
    who: Authenticated,
    q: web::Query<EntriesQuery>,
) -> AppResult<HttpResponse> {
    who.0.require_staff(AUDIT_ROLES)?;
    let filter = q.resolve(&state).await?;
    let rows = run(&state.db, move |db| {
        db.read(|c| -> AppResult<_> { Ok(audit_read::search(c, &filter, CSV_LIMIT)?) })
    })
    .await?;
    let mut w = csv::Writer::from_writer(Vec::new());
    let write = |w: &mut csv::Writer<Vec<u8>>, rec: &[String]| {
        w.write_record(rec).map_err(AppError::internal)
    };
    write(
        &mut w,
        &[
            "seq",
            "at",
            "actor_id",
            "actor_role",
            "actor_branch",
            "action",
            "participant_id",
            "claim_id",
            "booking_id",
            "session_id",
            "batch_id",
            "branch_code",
            "details",
            "client_ip",
            "request_id",
            "prev_hash",
            "hash",
        ]
        .map(String::from),
    )?;
    let opt = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
    for e in rows {
        write(
            &mut w,
            &[
                e.seq.to_string(),
                rfc3339(e.at),
                opt(e.actor_id),
                e.actor_role,
                e.actor_branch.unwrap_or_default(),
                e.action,
                opt(e.participant_id),
                opt(e.claim_id),
                opt(e.booking_id),
                opt(e.session_id),
                opt(e.batch_id),
                e.branch_code.unwrap_or_default(),
                e.details,
                e.client_ip.unwrap_or_default(),
                e.request_id.unwrap_or_default(),
                e.prev_hash,
                e.hash,
            ],
        )?;
    }
    let body = w.into_inner().map_err(AppError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"audit-log.csv\"",
        ))
        .body(body))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Timeline {
    pub claim_id: i64,
    pub entries: Vec<EntryBody>,
}

/// Everything recorded about one claim, in order.
#[utoipa::path(get, path = "/api/v1/audit/claims/{id}/timeline", params(("id" = i64, Path)),
    responses((status = 200, body = Timeline), (status = 403, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn timeline(
    state: State,
    who: Authenticated,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    who.0.require_staff(AUDIT_ROLES)?;
    let id = path.into_inner();
    let rows = run(&state.db, move |db| {
        db.read(|c| -> AppResult<_> { Ok(audit_read::timeline(c, id)?) })
    })
    .await?;
    Ok(HttpResponse::Ok().json(Timeline {
        claim_id: id,
        entries: rows.into_iter().map(EntryBody::from).collect(),
    }))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Checkpoints {
    /// Each signs `"{seq}|{hash}"` with Ed25519; save one as a file for
    /// `antre audit verify --checkpoint FILE`.
    pub checkpoints: Vec<Checkpoint>,
}

/// Every signed checkpoint of the log's head.
#[utoipa::path(get, path = "/api/v1/audit/checkpoints",
    responses((status = 200, body = Checkpoints), (status = 403, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn checkpoints(state: State, who: Authenticated) -> AppResult<HttpResponse> {
    who.0.require_staff(AUDIT_ROLES)?;
    let checkpoints = run(&state.db, |db| {
        db.read(|c| -> AppResult<_> { Ok(audit_read::checkpoints(c)?) })
    })
    .await?;
    Ok(HttpResponse::Ok().json(Checkpoints { checkpoints }))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PublicKey {
    pub algorithm: &'static str,
    /// The raw 32-byte Ed25519 public key, hex.
    pub public_key: String,
}

/// The public key that verifies the checkpoints.
#[utoipa::path(get, path = "/api/v1/audit/public-key",
    responses((status = 200, body = PublicKey), (status = 403, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn public_key(state: State, who: Authenticated) -> AppResult<HttpResponse> {
    who.0.require_staff(AUDIT_ROLES)?;
    let key = crate::audit::AuditKey::load_or_create(&state.settings.data_dir)
        .map_err(AppError::internal)?;
    Ok(HttpResponse::Ok().json(PublicKey {
        algorithm: "Ed25519",
        public_key: key.public_key_hex(),
    }))
}

/// The longest range of days the figures and the anomaly list cover.
pub const MAX_RANGE_DAYS: i64 = 31;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct RangeQuery {
    /// Branch code; all branches when absent.
    pub branch: Option<String>,
    /// First branch-local day, YYYY-MM-DD (default: today in UTC).
    pub from: Option<String>,
    /// Last branch-local day, inclusive (default: `from`).
    pub to: Option<String>,
    /// Anomalies only: one kind (quick_verification, outside_hours,
    /// high_rate, unassigned_view, self_edited).
    pub kind: Option<String>,
}

fn day(field: &'static str, v: &Option<String>) -> AppResult<Option<NaiveDate>> {
    nonempty(v)
        .map(|s| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_err(|_| AppError::unprocessable("invalid_date").field(field))
        })
        .transpose()
}

impl RangeQuery {
    pub fn range(&self, today: NaiveDate) -> AppResult<Range> {
        let from = day("from", &self.from)?.unwrap_or(today);
        let to = day("to", &self.to)?.unwrap_or(from);
        if to < from {
            return Err(AppError::unprocessable("invalid_date").field("to"));
        }
        if (to - from).num_days() >= MAX_RANGE_DAYS {
            return Err(AppError::unprocessable("audit_range_too_long").field("to"));
        }
        Ok(Range {
            branch: nonempty(&self.branch).map(str::to_string),
            from,
            to,
        })
    }

    pub fn kind(&self) -> AppResult<Option<Kind>> {
        nonempty(&self.kind)
            .map(|k| {
                Kind::parse(k).ok_or_else(|| AppError::unprocessable("invalid_field").field("kind"))
            })
            .transpose()
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AgentDays {
    /// One row per agent, branch and branch-local day, by branch, day, agent.
    pub agents: Vec<AgentDay>,
}

pub async fn load_agent_days(state: &State, range: Range) -> AppResult<Vec<AgentDay>> {
    run(&state.db, move |db| {
        db.read(|c| -> AppResult<_> { Ok(audit_stats::agent_days(c, &range)?) })
    })
    .await
}

/// Per agent and branch-local day: sessions, average handling time,
/// verification and rejection rates, average concurrency.
#[utoipa::path(get, path = "/api/v1/audit/agents", params(RangeQuery),
    responses((status = 200, body = AgentDays), (status = 403, body = super::ErrorBody),
        (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn agents(
    state: State,
    who: Authenticated,
    q: web::Query<RangeQuery>,
) -> AppResult<HttpResponse> {
    who.0.require_staff(AUDIT_ROLES)?;
    let range = q.range(state.clock.now().date_naive())?;
    let agents = load_agent_days(&state, range).await?;
    Ok(HttpResponse::Ok().json(AgentDays { agents }))
}

/// One anomaly flag as the API shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AnomalyBody {
    pub kind: Kind,
    /// The log entry the flag stands on.
    pub seq: i64,
    pub at: String,
    pub branch: Option<String>,
    pub actor_id: Option<i64>,
    pub claims: Vec<i64>,
    /// The console page of each claim's timeline.
    pub timelines: Vec<String>,
    /// Why it is flagged, in Bahasa Indonesia.
    pub explanation_id: String,
    /// Why it is flagged, in English.
    pub explanation_en: String,
}

/// The sentence that explains a flag, its facts filled in.
pub fn explain(lang: Lang, f: &audit_stats::Flag) -> String {
    let mut text = t(lang, f.kind.explanation_key()).to_string();
    for (k, v) in &f.facts {
        text = text.replace(&format!("{{{k}}}"), v);
    }
    text
}

impl From<&audit_stats::Flag> for AnomalyBody {
    fn from(f: &audit_stats::Flag) -> Self {
        Self {
            kind: f.kind,
            seq: f.seq,
            at: rfc3339(f.at),
            branch: f.branch.clone(),
            actor_id: f.actor_id,
            claims: f.claims.clone(),
            timelines: f
                .claims
                .iter()
                .map(|c| format!("/audit/claims/{c}"))
                .collect(),
            explanation_id: explain(Lang::Id, f),
            explanation_en: explain(Lang::En, f),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Anomalies {
    pub anomalies: Vec<AnomalyBody>,
}

pub async fn load_anomalies(
    state: &State,
    range: Range,
    kind: Option<Kind>,
) -> AppResult<Vec<audit_stats::Flag>> {
    run(&state.db, move |db| {
        db.read(|c| -> AppResult<_> { Ok(audit_stats::anomalies(c, &range, kind)?) })
    })
    .await
}

/// Verifications and document views that deserve a look, each explained
/// (rules in README "The verification log").
#[utoipa::path(get, path = "/api/v1/audit/anomalies", params(RangeQuery),
    responses((status = 200, body = Anomalies), (status = 403, body = super::ErrorBody),
        (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn anomalies(
    state: State,
    who: Authenticated,
    q: web::Query<RangeQuery>,
) -> AppResult<HttpResponse> {
    who.0.require_staff(AUDIT_ROLES)?;
    let range = q.range(state.clock.now().date_naive())?;
    let flags = load_anomalies(&state, range, q.kind()?).await?;
    Ok(HttpResponse::Ok().json(Anomalies {
        anomalies: flags.iter().map(AnomalyBody::from).collect(),
    }))
}

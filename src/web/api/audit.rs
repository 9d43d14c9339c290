//! The auditor's API: the verification log filtered and paged by seq, a
//! claim's timeline, CSV export, and the signed checkpoints with the public
//! key to keep outside the system. Auditors and admins only; read-only.

use crate::web::body::Query;
use actix_web::web::Path;
use actix_web::HttpResponse;
use serde::Serialize;

use super::{ok, Reply};
use crate::app::audit::read::{self as audit, EntriesQuery, RangeQuery};
use crate::app::error::AppError;
use crate::db::audit::anomalies::Flag;
use crate::db::audit::read::{Checkpoint, Entry};
use crate::domain::audit::anomaly::{AgentDay, Kind};
use crate::domain::role::Role;
use crate::i18n::Lang;
use crate::views::audit::{explain, rfc3339};
use crate::web::extract::Api;

/// A signed-in auditor or admin (403 for anyone else).
pub struct Auditor(Api);

impl std::ops::Deref for Auditor {
    type Target = Api;
    fn deref(&self) -> &Api {
        &self.0
    }
}

impl actix_web::FromRequest for Auditor {
    type Error = AppError;
    type Future = futures_util::future::LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(
        req: &actix_web::HttpRequest,
        pl: &mut actix_web::dev::Payload,
    ) -> Self::Future {
        let api = Api::from_request(req, pl);
        Box::pin(async move {
            let api = api.await?;
            api.who.require_staff(&[Role::Auditor, Role::Admin])?;
            Ok(Auditor(api))
        })
    }
}

/// One entry as the API shows it: every column, `at` in RFC 3339 UTC.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EntryBody {
    pub seq: i64,
    #[schema(format = DateTime)]
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

/// The verification log, filtered, in seq order, 100 per page.
#[utoipa::path(get, path = "/api/v1/audit/entries", params(EntriesQuery),
    responses((status = 200, body = EntriesPage), (status = 401, body = super::ErrorBody),
        (status = 403, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn entries(api: Auditor, q: Query<EntriesQuery>) -> Reply {
    let (rows, next) = audit::page(&api.ctx.db, q.resolve(&api.ctx.db).await?).await?;
    ok(EntriesPage {
        entries: rows.into_iter().map(EntryBody::from).collect(),
        next,
    })
}

/// The filtered entries as CSV (at most 100,000 rows).
#[utoipa::path(get, path = "/api/v1/audit/entries.csv", params(EntriesQuery),
    responses((status = 200, description = "text/csv", content_type = "text/csv"),
        (status = 403, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn entries_csv(api: Auditor, q: Query<EntriesQuery>) -> Reply {
    let filter = q.resolve(&api.ctx.db).await?;
    let rows = audit::export(&api.ctx.db, filter).await?;
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
pub async fn timeline(api: Auditor, path: Path<i64>) -> Reply {
    let id = path.into_inner();
    let rows = audit::timeline(&api.ctx.db, id).await?;
    ok(Timeline {
        claim_id: id,
        entries: rows.into_iter().map(EntryBody::from).collect(),
    })
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
pub async fn checkpoints(api: Auditor) -> Reply {
    let checkpoints = audit::checkpoints(&api.ctx.db).await?;
    ok(Checkpoints { checkpoints })
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
pub async fn public_key(api: Auditor) -> Reply {
    let settings = &api.ctx.settings;
    let key = crate::app::audit::AuditKey::load(settings.audit_key.as_ref(), &settings.data_dir)
        .map_err(AppError::internal)?;
    ok(PublicKey {
        algorithm: "Ed25519",
        public_key: key.public_key_hex(),
    })
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AgentDays {
    /// One row per agent, branch and branch-local day, by branch, day, agent.
    pub agents: Vec<AgentDay>,
}

/// Per agent and branch-local day: sessions, average handling time,
/// verification and rejection rates, average concurrency.
#[utoipa::path(get, path = "/api/v1/audit/agents", params(RangeQuery),
    responses((status = 200, body = AgentDays), (status = 403, body = super::ErrorBody),
        (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn agents(api: Auditor, q: Query<RangeQuery>) -> Reply {
    let range = q.range(api.ctx.clock.now().date_naive())?;
    let agents = audit::agent_days(&api.ctx.db, range).await?;
    ok(AgentDays { agents })
}

/// One anomaly flag as the API shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AnomalyBody {
    pub kind: Kind,
    /// The log entry the flag stands on.
    pub seq: i64,
    #[schema(format = DateTime)]
    pub at: String,
    /// None when the flagged entries span several branches.
    pub branch: Option<String>,
    /// The staff member flagged (none for the seat-broker kinds, which
    /// flag participants).
    pub actor_id: Option<i64>,
    pub claims: Vec<i64>,
    /// The participants it concerns, ascending.
    pub participants: Vec<i64>,
    /// The console page of each claim's timeline.
    pub timelines: Vec<String>,
    /// Why it is flagged, in Bahasa Indonesia.
    pub explanation_id: String,
    /// Why it is flagged, in English.
    pub explanation_en: String,
}

impl From<&Flag> for AnomalyBody {
    fn from(f: &Flag) -> Self {
        Self {
            kind: f.kind,
            seq: f.seq,
            at: rfc3339(f.at),
            branch: f.branch.clone(),
            actor_id: f.actor_id,
            claims: f.claims.clone(),
            participants: f.participants.clone(),
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

/// Verifications, document views and bookings (seat-broker patterns) that
/// deserve a look, each explained (rules in README "The verification log").
#[utoipa::path(get, path = "/api/v1/audit/anomalies", params(RangeQuery),
    responses((status = 200, body = Anomalies), (status = 403, body = super::ErrorBody),
        (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn anomalies(api: Auditor, q: Query<RangeQuery>) -> Reply {
    let range = q.range(api.ctx.clock.now().date_naive())?;
    let flags = audit::anomalies(&api.ctx.db, range, q.kind()?).await?;
    ok(Anomalies {
        anomalies: flags.iter().map(AnomalyBody::from).collect(),
    })
}

//! Opening a claim and reading it back, over JSON (the use cases are in
//! `app::claims` and `app::dossier`).

use crate::web::body::Json;
use actix_web::web::Path;
use serde::Serialize;
use utoipa::ToSchema;

use super::documents::DocumentBody;
use super::{created, ok, vocab, Reply};
use crate::app::claims;
use crate::app::dossier;
use crate::app::error::AppError;
use crate::db::claims::Claim;
use crate::domain::claim::{self as rules, ClaimDates};
use crate::domain::Code;
use crate::views::checklist::{checklist_body, ChecklistItemBody};
use crate::web::extract::Api;

/// The body of `POST /api/v1/claims`: the use case's own input.
pub use crate::app::claims::ClaimInput as CreateClaimRequest;

#[derive(Serialize, ToSchema)]
pub struct CreatedClaim {
    pub id: i64,
    #[schema(value_type = vocab::ClaimReason)]
    pub reason: String,
    #[schema(value_type = vocab::ClaimStatus)]
    pub status: String,
}

#[derive(Serialize, ToSchema)]
pub struct ClaimBody {
    pub id: i64,
    #[schema(value_type = vocab::ClaimReason)]
    pub reason: String,
    #[schema(value_type = vocab::ClaimStatus)]
    pub status: String,
    pub channel: String,
    #[serde(flatten)]
    pub dates: ClaimDates,
    pub balance: Option<i64>,
    /// Estimated PPh 21 on the balance: 0% up to Rp50 juta, 5% above.
    pub estimated_tax: Option<i64>,
    #[schema(format = DateTime)]
    pub created_at: String,
}

impl From<Claim> for ClaimBody {
    fn from(c: Claim) -> Self {
        Self {
            estimated_tax: c.balance.map(rules::estimated_tax),
            id: c.id,
            reason: c.reason,
            status: c.status.to_string(),
            channel: c.channel,
            dates: ClaimDates {
                last_working_day: c.last_working_day,
                termination_date: c.termination_date,
                contract_end_date: c.contract_end_date,
                membership_start_date: c.membership_start_date,
                departure_date: c.departure_date,
                date_of_death: c.date_of_death,
            },
            balance: c.balance,
            created_at: c.created_at.and_utc().to_rfc3339(),
        }
    }
}

/// Opens a claim for the signed-in participant.
#[utoipa::path(post, path = "/api/v1/claims", request_body = CreateClaimRequest,
    responses((status = 201, body = CreatedClaim), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(api: Api, body: Json<CreateClaimRequest>) -> Reply {
    let pid = api.who.participant_id()?;
    let claim = claims::open(&api.ctx, pid, body.into_inner()).await?;
    created(CreatedClaim::from(&claim))
}

impl From<&Claim> for CreatedClaim {
    fn from(claim: &Claim) -> Self {
        Self {
            id: claim.id,
            reason: claim.reason.clone(),
            status: claim.status.to_string(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ClaimWithDossier {
    #[serde(flatten)]
    pub claim: ClaimBody,
    /// One item per required document; alternatives are one item.
    pub checklist: Vec<ChecklistItemBody>,
    /// Every required item has an upload.
    pub ready: bool,
    /// Every required item is accepted: the claim can be verified.
    pub verifiable: bool,
    /// Current documents (the latest version of each kind).
    pub documents: Vec<DocumentBody>,
}

/// A claim with its document checklist: to its owner, the staff of a
/// branch it is booked at, admins and auditors.
#[utoipa::path(get, path = "/api/v1/claims/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = ClaimWithDossier), (status = 404, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(api: Api, path: Path<i64>) -> Reply {
    let dossier = dossier::dossier(&api.ctx, path.into_inner())
        .await?
        .ok_or_else(|| AppError::not_found(Code::ClaimNotFound))?;
    let lang = api.lang;
    ok(ClaimWithDossier {
        checklist: checklist_body(&dossier, lang),
        ready: dossier.ready,
        verifiable: dossier.verifiable,
        documents: dossier.current().map(DocumentBody::from).collect(),
        claim: ClaimBody::from(dossier.claim.clone()),
    })
}

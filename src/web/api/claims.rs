//! Opening a claim and reading it back.

use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::error::{AppError, AppResult};
use crate::db::claims::{self, Claim, NewClaim};
use crate::db::{participants, run};
use crate::domain::claim::{self as rules, ClaimDates, ClaimReason, MemberFacts, Refusal};
use crate::web::auth::Authenticated;
use crate::web::State;

use super::parse_date;

#[derive(Deserialize, ToSchema, Default, Clone)]
pub struct CreateClaimRequest {
    /// A reason code: retirement, resignation, termination, contract_end,
    /// disability, death, leaving_indonesia, partial_10, partial_30.
    pub reason: String,
    pub last_working_day: Option<String>,
    pub termination_date: Option<String>,
    pub contract_end_date: Option<String>,
    pub membership_start_date: Option<String>,
    pub departure_date: Option<String>,
    pub date_of_death: Option<String>,
    /// The JHT balance in rupiah, if known.
    pub balance: Option<i64>,
    /// Death claims: the heir is a child of the member (adds the birth
    /// certificate to the documents).
    pub heir_is_child: Option<bool>,
    /// Death claims: the heir is a minor (adds the guardianship letter).
    pub heir_is_minor: Option<bool>,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedClaim {
    pub id: i64,
    pub reason: String,
    pub status: String,
}

#[derive(Serialize, ToSchema)]
pub struct ClaimBody {
    pub id: i64,
    pub reason: String,
    pub status: String,
    pub channel: String,
    pub last_working_day: Option<NaiveDate>,
    pub termination_date: Option<NaiveDate>,
    pub contract_end_date: Option<NaiveDate>,
    pub membership_start_date: Option<NaiveDate>,
    pub departure_date: Option<NaiveDate>,
    pub date_of_death: Option<NaiveDate>,
    pub balance: Option<i64>,
    /// Estimated PPh 21 on the balance: 0% up to Rp50 juta, 5% above.
    pub estimated_tax: Option<i64>,
    pub created_at: String,
}

impl From<Claim> for ClaimBody {
    fn from(c: Claim) -> Self {
        Self {
            estimated_tax: c.balance.map(rules::estimated_tax),
            id: c.id,
            reason: c.reason,
            status: c.status,
            channel: c.channel,
            last_working_day: c.last_working_day,
            termination_date: c.termination_date,
            contract_end_date: c.contract_end_date,
            membership_start_date: c.membership_start_date,
            departure_date: c.departure_date,
            date_of_death: c.date_of_death,
            balance: c.balance,
            created_at: c.created_at.and_utc().to_rfc3339(),
        }
    }
}

fn refusal_error(r: Refusal) -> AppError {
    match r {
        Refusal::MissingField { field } => AppError::unprocessable("missing_field").field(field),
        Refusal::InvalidDate { field, detail } => AppError::unprocessable("invalid_date")
            .field(field)
            .detail(detail),
        Refusal::NotYetEligible {
            rule,
            eligible_from,
        } => {
            let mut e = AppError::unprocessable("not_yet_eligible").detail(rule);
            e.eligible_from = Some(eligible_from);
            e
        }
        Refusal::NotEligible { rule } => AppError::unprocessable("not_eligible").detail(rule),
        Refusal::ClaimOpen => AppError::conflict("claim_open"),
    }
}

/// Parses, decides eligibility and stores a claim in one transaction.
/// Shared by the API and the claim page.
pub async fn open_claim(
    state: &State,
    participant_id: i64,
    r: CreateClaimRequest,
) -> AppResult<Claim> {
    let reason = ClaimReason::parse(r.reason.trim())
        .ok_or_else(|| AppError::unprocessable("invalid_reason").field("reason"))?;
    // Only the reason's own date fields are read; others are ignored.
    let wanted = reason.date_fields();
    let pick = |field: &'static str, raw: Option<&str>| {
        if wanted.contains(&field) {
            parse_date(field, raw)
        } else {
            Ok(None)
        }
    };
    let dates = ClaimDates {
        last_working_day: pick("last_working_day", r.last_working_day.as_deref())?,
        termination_date: pick("termination_date", r.termination_date.as_deref())?,
        contract_end_date: pick("contract_end_date", r.contract_end_date.as_deref())?,
        membership_start_date: pick("membership_start_date", r.membership_start_date.as_deref())?,
        departure_date: pick("departure_date", r.departure_date.as_deref())?,
        date_of_death: pick("date_of_death", r.date_of_death.as_deref())?,
    };
    if r.balance.is_some_and(|b| b < 0) {
        return Err(AppError::unprocessable("invalid_balance").field("balance"));
    }
    let now = state.clock.now();
    // Claims are not tied to a branch yet; "today" is taken in WIB, the
    // zone most members live in.
    let today = now.with_timezone(&chrono_tz::Asia::Jakarta).date_naive();
    let retirement_age = state.settings.retirement_age;
    run(&state.db, move |db| {
        db.write(|c| -> AppResult<Claim> {
            let p = participants::find(c, participant_id)?.ok_or_else(AppError::unauthenticated)?;
            let facts = MemberFacts {
                birth_date: p.birth_date,
                retirement_age,
                earlier_partial_claim: claims::had_partial_claim(c, participant_id)?,
                has_open_claim: claims::open_claim_of(c, participant_id)?.is_some(),
            };
            rules::check_eligibility(reason, &dates, &facts, today).map_err(refusal_error)?;
            let ts = now.naive_utc();
            let keep = |field: &str, v: Option<NaiveDate>| {
                reason.date_fields().contains(&field).then_some(v).flatten()
            };
            let new = NewClaim {
                participant_id,
                reason: reason.code().to_string(),
                status: "open".into(),
                channel: "online".into(),
                last_working_day: keep("last_working_day", dates.last_working_day),
                termination_date: keep("termination_date", dates.termination_date),
                contract_end_date: keep("contract_end_date", dates.contract_end_date),
                membership_start_date: keep("membership_start_date", dates.membership_start_date),
                departure_date: keep("departure_date", dates.departure_date),
                date_of_death: keep("date_of_death", dates.date_of_death),
                balance: r.balance,
                created_at: ts,
                updated_at: ts,
                heir_is_child: reason == ClaimReason::Death && r.heir_is_child.unwrap_or(false),
                heir_is_minor: reason == ClaimReason::Death && r.heir_is_minor.unwrap_or(false),
            };
            claims::insert(c, &new).map_err(|e| {
                if e.is_unique_violation() {
                    AppError::conflict("claim_open")
                } else {
                    e.into()
                }
            })
        })
    })
    .await
}

/// Opens a claim for the signed-in participant.
#[utoipa::path(post, path = "/api/v1/claims", request_body = CreateClaimRequest,
    responses((status = 201, body = CreatedClaim), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    state: State,
    who: Authenticated,
    body: web::Json<CreateClaimRequest>,
) -> AppResult<HttpResponse> {
    let pid = who.0.participant_id()?;
    let claim = open_claim(&state, pid, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(CreatedClaim {
        id: claim.id,
        reason: claim.reason,
        status: claim.status,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct ClaimWithDossier {
    #[serde(flatten)]
    pub claim: ClaimBody,
    /// One item per required document; alternatives are one item.
    pub checklist: Vec<super::documents::ChecklistItemBody>,
    /// Every required item has an upload.
    pub ready: bool,
    /// Every required item is accepted: the claim can be verified.
    pub verifiable: bool,
    /// Current documents (the latest version of each kind).
    pub documents: Vec<super::documents::DocumentBody>,
}

/// A claim with its document checklist: to its owner, the staff of a
/// branch it is booked at, admins and auditors.
#[utoipa::path(get, path = "/api/v1/claims/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = ClaimWithDossier), (status = 404, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    state: State,
    req: actix_web::HttpRequest,
    who: Authenticated,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let identity = who.0.clone();
    let dossier = run(&state.db, move |db| {
        db.read(|c| -> AppResult<_> {
            let Some(claim) = claims::find(c, id)? else {
                return Ok(None);
            };
            if !super::documents::may_read(c, &identity, &claim)? {
                return Ok(None);
            }
            Ok(Some(crate::db::documents::dossier(c, claim)?))
        })
    })
    .await?
    .ok_or_else(|| AppError::not_found("claim_not_found"))?;
    let lang = crate::web::lang::of_request(&req);
    Ok(HttpResponse::Ok().json(ClaimWithDossier {
        checklist: super::documents::checklist_body(&dossier, lang),
        ready: dossier.ready,
        verifiable: dossier.verifiable,
        documents: dossier
            .current()
            .map(super::documents::DocumentBody::from)
            .collect(),
        claim: ClaimBody::from(dossier.claim.clone()),
    }))
}

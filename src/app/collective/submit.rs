//! Submitting a collective batch: one claim per valid row, in one
//! transaction, each with its audit entry and the worker's mail; many rows
//! per statement (`db::collective_bulk`), so 10,000 workers take a few
//! dozen round trips.
//!
//! Workers without an account get a participant record so that the claim
//! has an owner: their own email when no other account uses it (else
//! `NIK.kolektif@pekerja.invalid`, a reserved domain that never receives
//! mail) and the password hash [`NO_LOGIN_HASH`], which is not a PHC
//! string, so no password ever verifies against it.

use chrono::Duration;

use super::batch::SAME_LAYOFF_DAYS;
use super::{representative, Hr};
use crate::app::error::{AppError, AppResult};
use crate::app::{write_db, Ctx};
use crate::db::audit::{self, Subject};
use crate::db::claims::NewClaim;
use crate::db::collective::{self as store, Batch, BatchRow};
use crate::db::collective_bulk as bulk;
use crate::db::participants::NewParticipant;
use crate::db::{outbox, staff};
use crate::domain::collective as rules;
use crate::domain::Code;
use crate::i18n::Lang;

/// The password hash of participants created for a collective claim.
pub const NO_LOGIN_HASH: &str = "!collective-no-login";

fn placeholder_email(nik: &str) -> String {
    format!("{nik}.kolektif@pekerja.invalid")
}

/// Creates one claim per valid row of the batch, in one transaction.
pub async fn submit(
    ctx: &Ctx,
    company: Option<&str>,
    id: i64,
    lang: Lang,
) -> AppResult<(Batch, usize)> {
    let Hr { staff_id, npp } = representative(ctx, company).await?;
    let now = ctx.clock.now_naive();
    let actor = ctx.actor.clone();
    write_db(&ctx.db, move |c| -> AppResult<(Batch, usize)> {
        store::lock_company(c, &npp)?;
        let batch = store::find_batch(c, id)?
            .filter(|b| b.company_npp == npp)
            .ok_or_else(|| AppError::not_found(Code::BatchNotFound))?;
        if batch.status != crate::domain::collective::BatchStatus::Validated {
            return Err(AppError::conflict(Code::BatchSubmitted));
        }
        let company = staff::find_company(c, &npp)?
            .ok_or_else(|| AppError::not_found(Code::CompanyNotFound))?;
        let rows = store::rows_of(c, id)?;
        // A worker may have filed a claim since the upload: that row is
        // left out, and the eligibility is counted again without it.
        let niks: Vec<&str> = rows.iter().map(|r| r.nik.as_str()).collect();
        let open = store::niks_with_open_claim(c, &niks)?;
        let fileable: Vec<&BatchRow> = rows.iter().filter(|r| !open.contains(&r.nik)).collect();
        let since = now - Duration::days(SAME_LAYOFF_DAYS);
        let laid_off = i64::from(rules::laid_off(fileable.iter().map(|r| r.reason.as_str())))
            + store::earlier_laid_off(c, &npp, since, Some(id))?;
        let e = rules::eligibility(
            u32::try_from(company.headcount.max(0)).unwrap_or(0),
            u32::try_from(laid_off).unwrap_or(u32::MAX),
        );
        if !e.eligible || fileable.is_empty() {
            return Err(AppError::unprocessable(Code::NotEligible)
                .detail("batch_not_eligible")
                .param("explanation", rules::explain(&e, lang == Lang::Id)));
        }
        let mut known = store::participants_by_nik(c, &niks)?;
        let emails: Vec<&str> = fileable.iter().filter_map(|r| r.email.as_deref()).collect();
        let mut taken = store::emails_taken(c, &emails)?;
        // Workers without an account get one, all in a few statements.
        let mut new_participants = Vec::new();
        for row in fileable.iter().filter(|r| !known.contains_key(&r.nik)) {
            let email = match &row.email {
                Some(e) if taken.insert(e.clone()) => e.clone(),
                _ => placeholder_email(&row.nik),
            };
            new_participants.push(NewParticipant {
                nik: row.nik.clone(),
                kpj: row.kpj.clone(),
                full_name: row.full_name.clone(),
                email,
                phone: row.phone.clone().unwrap_or_default(),
                password_hash: NO_LOGIN_HASH.into(),
                birth_date: row.birth_date,
                sex: row.sex.clone(),
                created_at: now,
            });
        }
        let created = bulk::insert_participants(c, &new_participants).map_err(|e| {
            if e.is_unique_violation() {
                // A worker registered meanwhile.
                AppError::conflict(Code::BatchConflict)
            } else {
                AppError::from(e)
            }
        })?;
        known.extend(created);
        let mut owners = Vec::with_capacity(fileable.len());
        let mut new_claims = Vec::with_capacity(fileable.len());
        for row in &fileable {
            let participant_id = *known
                .get(&row.nik)
                .ok_or_else(|| AppError::conflict(Code::BatchConflict))?;
            owners.push(participant_id);
            let dates = rules::claim_dates(rules::claim_reason(&row.reason), row.end_date);
            new_claims.push(NewClaim {
                participant_id,
                reason: row.reason.clone(),
                channel: "collective".into(),
                last_working_day: dates.last_working_day,
                termination_date: dates.termination_date,
                contract_end_date: dates.contract_end_date,
                membership_start_date: None,
                departure_date: None,
                date_of_death: None,
                balance: None,
                created_at: now,
                updated_at: now,
                heir_is_child: false,
                heir_is_minor: false,
            });
        }
        let claim_ids = bulk::insert_claims(c, &new_claims).map_err(|e| {
            if e.is_unique_violation() {
                // A claim of one of these workers appeared concurrently.
                AppError::conflict(Code::ClaimOpen).detail("batch_claim_open")
            } else {
                AppError::from(e)
            }
        })?;
        let filed: Vec<(&BatchRow, i64, i64)> = fileable
            .iter()
            .zip(&owners)
            .map(|(row, owner)| {
                claim_ids
                    .get(owner)
                    .map(|claim| (*row, *owner, *claim))
                    .ok_or_else(|| AppError::conflict(Code::ClaimOpen).detail("batch_claim_open"))
            })
            .collect::<AppResult<_>>()?;
        let pairs: Vec<(i64, i64)> = filed
            .iter()
            .map(|(row, _, claim)| (row.id, *claim))
            .collect();
        bulk::set_row_claims(c, &pairs)?;
        audit::record_all(
            c,
            now,
            &actor,
            "collective_claim_filed",
            filed.iter().map(|(row, participant_id, claim)| {
                (
                    Subject {
                        participant_id: Some(*participant_id),
                        claim_id: Some(*claim),
                        batch_id: Some(id),
                        ..Subject::default()
                    },
                    serde_json::json!({ "company": npp, "line": row.line }),
                )
            }),
        )?;
        let mails: Vec<_> = filed
            .iter()
            .filter_map(|(row, _, claim)| {
                row.email.as_deref().map(|to| {
                    crate::mail::collective::claim_filed_mail(
                        to,
                        &row.full_name,
                        &company.name,
                        *claim,
                        now,
                    )
                })
            })
            .collect();
        outbox::enqueue_all(c, &mails)?;
        if !store::mark_submitted(c, id, staff_id, now)? {
            return Err(AppError::conflict(Code::BatchSubmitted));
        }
        audit::record(
            c,
            now,
            &actor,
            "batch_accepted",
            &Subject {
                batch_id: Some(id),
                ..Subject::default()
            },
            serde_json::json!({
                "company": npp, "claims": fileable.len(), "laid_off": laid_off,
                "headcount": company.headcount,
            }),
        )?;
        let batch =
            store::find_batch(c, id)?.ok_or_else(|| AppError::not_found(Code::BatchNotFound))?;
        Ok((batch, fileable.len()))
    })
    .await
}

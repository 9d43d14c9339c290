//! Participants' accounts: registration.

use crate::app::error::AppError;
use crate::app::Ctx;
use crate::db::participants::{self, Conflict, NewParticipant, Participant};
use crate::db::run;
use crate::domain::{email::Email, kpj::Kpj, nik, password, person_name::FullName, phone::Phone};
use crate::infra::crypto;

/// What someone typed to register.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[schema(as = RegisterRequest)]
pub struct Registration {
    pub nik: String,
    pub kpj: String,
    pub full_name: String,
    pub email: String,
    pub phone: String,
    pub password: String,
}

/// Validates every field (all problems, in form order) and creates the
/// participant. The API and the registration page both call this.
pub async fn register(ctx: &Ctx, r: Registration) -> Result<Participant, Vec<AppError>> {
    let today = ctx.clock.now().date_naive();
    let mut errors = Vec::new();
    let nik = nik::parse(&r.nik, today)
        .map_err(|e| errors.push(AppError::from(e)))
        .ok();
    let kpj = Kpj::parse(&r.kpj)
        .map_err(|e| errors.push(AppError::from(e)))
        .ok();
    let name = FullName::parse(&r.full_name, "full_name")
        .map_err(|e| errors.push(AppError::from(e)))
        .ok();
    let email = Email::parse(&r.email)
        .map_err(|e| errors.push(AppError::from(e)))
        .ok();
    let phone = Phone::parse(&r.phone)
        .map_err(|e| errors.push(AppError::from(e)))
        .ok();
    let local = r.email.split('@').next().unwrap_or("").to_string();
    let mut personal: Vec<&str> = vec![r.nik.trim(), local.as_str()];
    personal.extend(r.full_name.split_whitespace());
    if let Err(e) = password::check_strength(&r.password, &personal) {
        errors.push(e.into());
    }
    let (Some((nik, info)), Some(kpj), Some(name), Some(email), Some(phone), true) =
        (nik, kpj, name, email, phone, errors.is_empty())
    else {
        return Err(errors);
    };
    let pw = r.password.clone();
    let _permit = crypto::hashing_permit().await;
    let hash = tokio::task::spawn_blocking(move || crypto::hash_password(&pw))
        .await
        .map_err(|e| vec![AppError::internal(e)])?
        .map_err(|e| vec![AppError::internal(e)])?;
    let new = NewParticipant {
        nik: nik.as_str().to_string(),
        kpj: kpj.as_str().to_string(),
        full_name: name.as_str().to_string(),
        email: email.as_str().to_string(),
        phone: phone.as_str().to_string(),
        password_hash: hash,
        birth_date: info.birth_date,
        sex: info.sex.as_str().to_string(),
        created_at: ctx.clock.now_naive(),
    };
    let result = run(&ctx.db, move |db| {
        db.write(|c| -> Result<_, AppError> { Ok(participants::insert(c, &new)?) })
    })
    .await
    .map_err(|e| vec![e])?;
    match result {
        Ok(p) => Ok(p),
        Err(Conflict::Nik) => Err(vec![AppError::conflict("nik_taken").field("nik")]),
        Err(Conflict::Email) => Err(vec![AppError::conflict("email_taken").field("email")]),
    }
}

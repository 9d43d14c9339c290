//! Demo accounts (`ANTRE_DEMO=1`): one per role, a demo company and a
//! participant with an open claim, so every screen can be tried at once.
//! Never enable on a production database.

use chrono::{DateTime, Utc};

use super::claims::{self, NewClaim};
use super::participants::{self, NewParticipant};
use super::staff::{self, Company, NewStaff};
use super::{Db, DbError};

pub const PASSWORD: &str = "Demo-Antre-2026";
pub const COMPANY_NPP: &str = "DEMO0001";

/// (role, email, name, branch, company)
type DemoAccount = (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
);

pub const ACCOUNTS: [DemoAccount; 5] = [
    (
        "admin",
        "admin@demo.antre.id",
        "Admin Kantor Pusat",
        None,
        None,
    ),
    (
        "supervisor",
        "supervisor@demo.antre.id",
        "Sri Supervisor",
        Some("DPS-DENPASAR"),
        None,
    ),
    (
        "cs",
        "cs@demo.antre.id",
        "Made CS",
        Some("DPS-DENPASAR"),
        None,
    ),
    (
        "auditor",
        "auditor@demo.antre.id",
        "Audit Kantor Pusat",
        None,
        None,
    ),
    (
        "hr",
        "hr@demo.antre.id",
        "Rina HRD",
        None,
        Some(COMPANY_NPP),
    ),
];
pub const PARTICIPANT_EMAIL: &str = "peserta@demo.antre.id";
pub const PARTICIPANT_NIK: &str = "5171014508900001";

pub fn seed_demo(db: &Db, now: DateTime<Utc>) -> Result<(), DbError> {
    let hash = crate::infra::crypto::hash_password(PASSWORD).map_err(DbError::Task)?;
    let ts = now.naive_utc();
    db.write(|c| {
        if staff::find_company(c, COMPANY_NPP)?.is_none() {
            staff::insert_company(
                c,
                &Company {
                    npp: COMPANY_NPP.into(),
                    name: "PT Contoh Tekstil Nusantara".into(),
                    address: "Jl. Industri No. 1, Denpasar".into(),
                    headcount: 250,
                    created_at: ts,
                    branch_code: None,
                },
            )?;
        }
        for (role, email, name, branch, company) in ACCOUNTS {
            let branch = branch.filter(|b| super::branches::find(c, b).ok().flatten().is_some());
            if staff::find_by_email(c, email)?.is_none() {
                staff::insert(
                    c,
                    &NewStaff {
                        email: email.into(),
                        name: name.into(),
                        role: role.into(),
                        branch_code: branch.map(str::to_string),
                        company_npp: company.map(str::to_string),
                        password_hash: hash.clone(),
                        active: true,
                        approved: true,
                        created_at: ts,
                    },
                )?;
            }
        }
        if participants::find_by_email(c, PARTICIPANT_EMAIL)?.is_none() {
            let p = participants::insert(
                c,
                &NewParticipant {
                    nik: PARTICIPANT_NIK.into(),
                    kpj: "12345678901".into(),
                    full_name: "Ni Luh Putu Demo".into(),
                    email: PARTICIPANT_EMAIL.into(),
                    phone: "+6281234567890".into(),
                    password_hash: hash.clone(),
                    birth_date: chrono::NaiveDate::from_ymd_opt(1990, 8, 5).unwrap_or_default(),
                    sex: "female".into(),
                    created_at: ts,
                },
            )?;
            if let Ok(p) = p {
                claims::insert(
                    c,
                    &NewClaim {
                        participant_id: p.id,
                        reason: "resignation".into(),
                        channel: "online".into(),
                        last_working_day: Some(now.date_naive() - chrono::Duration::days(45)),
                        termination_date: None,
                        contract_end_date: None,
                        membership_start_date: None,
                        departure_date: None,
                        date_of_death: None,
                        balance: Some(38_500_000),
                        created_at: ts,
                        updated_at: ts,
                        heir_is_child: false,
                        heir_is_minor: false,
                    },
                )?;
            }
        }
        Ok(())
    })
}

pub fn print_accounts(public_url: &str) {
    println!("Demo accounts (password for all: {PASSWORD}):");
    println!("  participant  {PARTICIPANT_EMAIL:<28} sign in at {public_url}/login");
    for (role, email, _, branch, company) in ACCOUNTS {
        let at = branch.or(company).unwrap_or("all branches");
        println!("  {role:<12} {email:<28} {at:<14} sign in at {public_url}/staff/login");
    }
}

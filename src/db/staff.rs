//! Staff accounts (admin, supervisor, cs, auditor, hr) and companies.

use crate::db::FirstRow;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{companies, staff};
use super::{DbConnection, DbError};

crate::stored_row! {
    /// A staff account (`Staff` as stored, `NewStaff` to create one).
    staff => Staff, NewStaff {
        email: String,
        name: String,
        role: String,
        branch_code: Option<String>,
        company_npp: Option<String>,
        password_hash: String,
        active: bool,
        approved: bool,
        created_at: NaiveDateTime,
    }
    then {
        id: i64,
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = companies, treat_none_as_default_value = false)]
pub struct Company {
    pub npp: String,
    pub name: String,
    pub address: String,
    pub headcount: i32,
    pub created_at: NaiveDateTime,
    /// The branch that serves the company's collective claims.
    pub branch_code: Option<String>,
}

pub fn insert(conn: &mut DbConnection, new: &NewStaff) -> Result<Staff, DbError> {
    Ok(crate::insert_returning!(conn, staff::table, new, Staff)?)
}

pub fn find(conn: &mut DbConnection, id: i64) -> Result<Option<Staff>, DbError> {
    Ok(staff::table
        .find(id)
        .select(Staff::as_select())
        .first_row(conn)
        .optional()?)
}

pub fn find_by_email(conn: &mut DbConnection, email: &str) -> Result<Option<Staff>, DbError> {
    Ok(staff::table
        .filter(staff::email.eq(email))
        .select(Staff::as_select())
        .first_row(conn)
        .optional()?)
}

/// Replaces the password hash (a password reset).
pub fn set_password(conn: &mut DbConnection, id: i64, hash: &str) -> Result<(), DbError> {
    diesel::update(staff::table.find(id))
        .set(staff::password_hash.eq(hash))
        .execute(conn)?;
    Ok(())
}

pub fn find_company(conn: &mut DbConnection, npp: &str) -> Result<Option<Company>, DbError> {
    Ok(companies::table
        .find(npp)
        .select(Company::as_select())
        .first_row(conn)
        .optional()?)
}

pub fn insert_company(conn: &mut DbConnection, c: &Company) -> Result<(), DbError> {
    diesel::insert_into(companies::table)
        .values(c)
        .execute(conn)?;
    Ok(())
}

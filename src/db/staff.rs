//! Staff accounts (admin, supervisor, cs, auditor, hr) and companies.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{companies, staff};
use super::{DbConnection, DbError};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = staff)]
pub struct Staff {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: String,
    pub branch_code: Option<String>,
    pub company_npp: Option<String>,
    pub password_hash: String,
    pub active: bool,
    pub approved: bool,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = staff)]
pub struct NewStaff {
    pub email: String,
    pub name: String,
    pub role: String,
    pub branch_code: Option<String>,
    pub company_npp: Option<String>,
    pub password_hash: String,
    pub active: bool,
    pub approved: bool,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = companies)]
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
    Ok(
        crate::per_backend!(conn, c => diesel::insert_into(staff::table)
        .values(new)
        .returning(Staff::as_returning())
        .get_result(c))?,
    )
}

pub fn find(conn: &mut DbConnection, id: i64) -> Result<Option<Staff>, DbError> {
    Ok(staff::table
        .find(id)
        .select(Staff::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_by_email(conn: &mut DbConnection, email: &str) -> Result<Option<Staff>, DbError> {
    Ok(staff::table
        .filter(staff::email.eq(email))
        .select(Staff::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_company(conn: &mut DbConnection, npp: &str) -> Result<Option<Company>, DbError> {
    Ok(companies::table
        .find(npp)
        .select(Company::as_select())
        .first(conn)
        .optional()?)
}

pub fn insert_company(conn: &mut DbConnection, c: &Company) -> Result<(), DbError> {
    diesel::insert_into(companies::table)
        .values(c)
        .execute(conn)?;
    Ok(())
}

//! Staff administration's queries: the accounts an admin or supervisor
//! lists (with each one's last sign-in), the active admins counted before
//! one is switched off, and the single-column changes each audited on
//! their own.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{auth_sessions, staff};
use super::staff::Staff;
use super::{DbConnection, DbError};

/// Serializes staff-administration writes on PostgreSQL until the
/// transaction ends (SQLite's write lock already does that), so two admins
/// switching each other off at once cannot both see another admin left.
pub fn lock(conn: &mut DbConnection) -> Result<(), DbError> {
    if let DbConnection::Pg(c) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(4121)").execute(c)?;
    }
    Ok(())
}

/// Which accounts to list.
#[derive(Debug, Clone)]
pub enum Scope {
    Everyone,
    /// The CS agents of one branch.
    BranchCs(String),
}

/// The accounts of `scope`, by name, each with when it last signed in.
pub fn list(
    conn: &mut DbConnection,
    scope: &Scope,
) -> Result<Vec<(Staff, Option<NaiveDateTime>)>, DbError> {
    let mut q = staff::table.select(Staff::as_select()).into_boxed();
    if let Scope::BranchCs(branch) = scope {
        q = q
            .filter(staff::role.eq("cs"))
            .filter(staff::branch_code.eq(branch.clone()));
    }
    let rows: Vec<Staff> = q.order((staff::name, staff::id)).load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|s| s.id).collect();
    let last = last_sign_ins(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|s| {
            let at = last.get(&s.id).copied();
            (s, at)
        })
        .collect())
}

/// One account with when it last signed in.
pub fn one(
    conn: &mut DbConnection,
    id: i64,
) -> Result<Option<(Staff, Option<NaiveDateTime>)>, DbError> {
    let Some(s) = super::staff::find(conn, id)? else {
        return Ok(None);
    };
    let at = last_sign_ins(conn, &[id])?.get(&id).copied();
    Ok(Some((s, at)))
}

/// When each of `ids` last opened a session (sign-ins open sessions).
fn last_sign_ins(
    conn: &mut DbConnection,
    ids: &[i64],
) -> Result<HashMap<i64, NaiveDateTime>, DbError> {
    let mut out = HashMap::new();
    // In chunks: SQLite limits the number of bound parameters.
    for chunk in ids.chunks(500) {
        let rows: Vec<(Option<i64>, Option<NaiveDateTime>)> = auth_sessions::table
            .filter(auth_sessions::staff_id.eq_any(chunk))
            .group_by(auth_sessions::staff_id)
            .select((
                auth_sessions::staff_id,
                diesel::dsl::max(auth_sessions::created_at),
            ))
            .load(conn)?;
        out.extend(rows.into_iter().filter_map(|(id, at)| Some((id?, at?))));
    }
    Ok(out)
}

/// Active admin accounts.
pub fn active_admins(conn: &mut DbConnection) -> Result<i64, DbError> {
    Ok(staff::table
        .filter(staff::role.eq("admin"))
        .filter(staff::active.eq(true))
        .count()
        .get_result(conn)?)
}

pub fn set_role(conn: &mut DbConnection, id: i64, role: &str) -> Result<(), DbError> {
    diesel::update(staff::table.find(id))
        .set(staff::role.eq(role))
        .execute(conn)?;
    Ok(())
}

pub fn set_branch(conn: &mut DbConnection, id: i64, branch: Option<&str>) -> Result<(), DbError> {
    diesel::update(staff::table.find(id))
        .set(staff::branch_code.eq(branch))
        .execute(conn)?;
    Ok(())
}

pub fn set_active(conn: &mut DbConnection, id: i64, active: bool) -> Result<(), DbError> {
    diesel::update(staff::table.find(id))
        .set(staff::active.eq(active))
        .execute(conn)?;
    Ok(())
}

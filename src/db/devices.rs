//! Device credentials for kiosks and booth computers. A supervisor issues
//! one; the token is shown once and only its SHA-256 is stored.

use crate::db::FirstRow;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use super::schema::devices;
use super::{DbConnection, DbError};
use crate::domain::floor::DeviceKind;

pub const TOKEN_PREFIX: &str = "dev_";

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = devices)]
pub struct Device {
    pub id: i64,
    pub branch_code: String,
    #[diesel(deserialize_as = String)]
    pub kind: DeviceKind,
    pub booth_id: Option<i64>,
    pub token_hash: String,
    pub label: String,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Creates a device and returns it with its one-time token.
pub fn issue(
    conn: &mut DbConnection,
    branch: &str,
    kind: DeviceKind,
    booth_id: Option<i64>,
    label: &str,
    created_by: i64,
    at: NaiveDateTime,
) -> Result<(Device, String), DbError> {
    let token = format!("{TOKEN_PREFIX}{}", crate::infra::crypto::random_token(32));
    let device = crate::per_backend!(conn, c => diesel::insert_into(devices::table)
        .values((
            devices::branch_code.eq(branch),
            devices::kind.eq(kind.as_str()),
            devices::booth_id.eq(booth_id),
            devices::token_hash.eq(hash_token(&token)),
            devices::label.eq(label),
            devices::created_by.eq(created_by),
            devices::created_at.eq(at),
        ))
        .returning(Device::as_returning())
        .get_result(c))?;
    Ok((device, token))
}

pub fn by_token(conn: &mut DbConnection, token: &str) -> Result<Option<Device>, DbError> {
    Ok(devices::table
        .filter(devices::token_hash.eq(hash_token(token)))
        .filter(devices::revoked_at.is_null())
        .select(Device::as_select())
        .first_row(conn)
        .optional()?)
}

//! Machinery with no business rules: credentials (argon2 hashes, JWTs,
//! random tokens), the document store, and the audit log's signing key.

pub mod audit_key;
pub mod crypto;
pub mod storage;

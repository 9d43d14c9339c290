//! The verification log, pure: the hash chain (encoding, hashing,
//! verification walk, checkpoint message) and the anomaly rules.

pub mod anomaly;
pub mod chain;

//! The verification log, pure: an entry's canonical encoding and hash,
//! the hash chain (verification walk, checkpoint message) and the anomaly
//! rules.

pub mod anomaly;
pub mod canonical;
pub mod chain;

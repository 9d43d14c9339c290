//! Where a claim stands. Stored as text (`claims.status`); parsed once
//! where a row is read.

pub use crate::domain::status::ClaimStatus;

impl ClaimStatus {
    /// Still in progress: a member has at most one such claim.
    pub const IN_PROGRESS: [ClaimStatus; 2] = [ClaimStatus::Open, ClaimStatus::Verified];

    /// A decision staff can make on an open claim.
    pub fn is_decision(self) -> bool {
        matches!(self, ClaimStatus::Verified | ClaimStatus::Rejected)
    }
}

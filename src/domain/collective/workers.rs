//! A batch's state, and the workers of a submitted batch as the HR page
//! and CSV list them (the words are declared with the other stored states
//! in [`crate::domain::status`]).

use crate::domain::claim::ClaimStatus;
pub use crate::domain::status::{BatchStatus, WorkerState};

impl WorkerState {
    /// The state of a worker whose claim has `claim` status; `ready` tells
    /// whether an open claim's documents are all uploaded.
    pub fn of_claim(claim: ClaimStatus, ready: bool) -> WorkerState {
        match claim {
            ClaimStatus::Paid => WorkerState::Paid,
            ClaimStatus::Verified => WorkerState::Verified,
            ClaimStatus::Rejected => WorkerState::Rejected,
            ClaimStatus::Open if ready => WorkerState::DocumentsComplete,
            ClaimStatus::Open => WorkerState::Submitted,
        }
    }

    /// Whether the page lists the rejection reasons of the claim's
    /// documents (an open or rejected claim).
    pub fn shows_rejections(claim: ClaimStatus) -> bool {
        matches!(claim, ClaimStatus::Open | ClaimStatus::Rejected)
    }
}

/// One worker of a batch and where their claim stands.
#[derive(Clone, Debug)]
pub struct WorkerStatus {
    pub line: i32,
    pub nik: String,
    pub name: String,
    pub reason: String,
    pub claim_id: Option<i64>,
    pub status: WorkerState,
    /// Rejection reasons (codes) of the claim's rejected documents.
    pub rejected_because: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn a_worker_follows_their_claim() {
        use ClaimStatus as C;
        use WorkerState as W;
        let cases = [
            (C::Open, false, W::Submitted),
            (C::Open, true, W::DocumentsComplete),
            (C::Verified, true, W::Verified),
            (C::Rejected, false, W::Rejected),
            (C::Paid, false, W::Paid),
        ];
        for (claim, ready, want) in cases {
            assert_eq!(WorkerState::of_claim(claim, ready), want, "{claim} {ready}");
        }
        assert!(WorkerState::shows_rejections(C::Open));
        assert!(WorkerState::shows_rejections(C::Rejected));
        assert!(!WorkerState::shows_rejections(C::Verified));
    }
}

//! How a session ends (the words are declared with the other stored
//! states in [`crate::domain::status`]).

use super::TicketStatus;
use crate::domain::claim::ClaimStatus;
pub use crate::domain::status::Outcome;

impl Outcome {
    /// The outcomes that count as served ([`Outcome::is_served`]).
    pub const SERVED: [Outcome; 2] = [Outcome::Verified, Outcome::Rejected];

    /// The claim decision this outcome records, if it is one.
    pub fn claim_decision(self) -> Option<ClaimStatus> {
        match self {
            Outcome::Verified => Some(ClaimStatus::Verified),
            Outcome::Rejected => Some(ClaimStatus::Rejected),
            Outcome::NoShow | Outcome::Returned | Outcome::Transferred => None,
        }
    }

    /// Where the session's ticket stands once the session ends with this
    /// outcome: back in the queue, still in a seat (with the next agent),
    /// or closed.
    pub fn ticket_after(self) -> TicketStatus {
        match self {
            Outcome::Returned => TicketStatus::Waiting,
            Outcome::NoShow => TicketStatus::NoShow,
            Outcome::Transferred => TicketStatus::Serving,
            Outcome::Verified | Outcome::Rejected => TicketStatus::Done,
        }
    }

    /// A decision on the claim was made: the participant was served.
    pub fn is_served(self) -> bool {
        Outcome::SERVED.contains(&self)
    }

    pub const fn label_id(self) -> &'static str {
        match self {
            Outcome::Verified => "Terverifikasi",
            Outcome::Rejected => "Ditolak",
            Outcome::NoShow => "Tidak hadir",
            Outcome::Returned => "Dikembalikan ke antrean",
            Outcome::Transferred => "Dialihkan ke petugas lain",
        }
    }

    pub const fn label_en(self) -> &'static str {
        match self {
            Outcome::Verified => "Verified",
            Outcome::Rejected => "Rejected",
            Outcome::NoShow => "No show",
            Outcome::Returned => "Sent back to the queue",
            Outcome::Transferred => "Transferred to another agent",
        }
    }
}

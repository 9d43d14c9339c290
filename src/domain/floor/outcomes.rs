//! How a session ends.

// --- Measures ----------------------------------------------------------------

/// How a session ended. Serializes as its code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    Verified,
    Rejected,
    NoShow,
    /// Sent back to the queue.
    Returned,
    /// Handed to another agent.
    Transferred,
}

impl Outcome {
    pub const ALL: [Outcome; 5] = [
        Outcome::Verified,
        Outcome::Rejected,
        Outcome::NoShow,
        Outcome::Returned,
        Outcome::Transferred,
    ];

    /// Stable code (API, database).
    pub const fn code(self) -> &'static str {
        match self {
            Outcome::Verified => "verified",
            Outcome::Rejected => "rejected",
            Outcome::NoShow => "no_show",
            Outcome::Returned => "returned",
            Outcome::Transferred => "transferred",
        }
    }

    /// Inverse of [`Outcome::code`].
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.code() == code)
    }

    /// A decision on the claim was made: the participant was served.
    pub const fn is_served(self) -> bool {
        matches!(self, Outcome::Verified | Outcome::Rejected)
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

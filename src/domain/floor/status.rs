//! The states the floor stores as text (declared with the others in
//! [`crate::domain::status`]): a ticket's place in the day, a CS agent's
//! duty, with the agent's duty in words, and the kind of a shared device.

pub use crate::domain::status::{AgentStatus, DeviceKind, TicketStatus};

impl AgentStatus {
    pub const fn label_id(self) -> &'static str {
        match self {
            AgentStatus::OnDuty => "Bertugas",
            AgentStatus::Paused => "Istirahat",
            AgentStatus::Off => "Tidak bertugas",
        }
    }

    pub const fn label_en(self) -> &'static str {
        match self {
            AgentStatus::OnDuty => "On duty",
            AgentStatus::Paused => "On a break",
            AgentStatus::Off => "Off duty",
        }
    }
}

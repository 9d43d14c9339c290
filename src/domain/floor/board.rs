//! What the display board and the CS console show: plain read models, the
//! same for the JSON API and the pages.

use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct Call {
    pub ticket: String,
    pub booth: Option<i32>,
}

#[derive(Serialize, ToSchema)]
pub struct BoardBody {
    /// Current calls, newest first.
    pub calls: Vec<Call>,
    /// Recently finished calls.
    pub recent: Vec<Call>,
    pub waiting: i64,
    pub estimated_wait_minutes: Option<u32>,
    /// The wait a new arrival can expect, as a range (issue 17).
    pub estimated_wait_range: Option<super::WaitRange>,
    /// The ticket called last today.
    pub last_called: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ConsoleParticipant {
    pub name: Option<String>,
    pub nik_masked: String,
    pub kpj: Option<String>,
    pub age: Option<u32>,
    pub sex: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ConsoleSession {
    pub id: i64,
    pub ticket: String,
    /// The booth number; null for an online participant.
    pub booth: Option<i32>,
    pub claim_id: Option<i64>,
    pub participant: ConsoleParticipant,
    pub started_at: String,
    pub online: bool,
}

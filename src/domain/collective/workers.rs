//! The workers of a submitted batch, as the HR page and CSV list them.

/// One worker of a batch and where their claim stands.
#[derive(Clone, Debug)]
pub struct WorkerStatus {
    pub line: i32,
    pub nik: String,
    pub name: String,
    pub reason: String,
    pub claim_id: Option<i64>,
    /// not_submitted, submitted, documents_complete, verified, rejected, paid.
    pub status: &'static str,
    /// Rejection reasons (codes) of the claim's rejected documents.
    pub rejected_because: Vec<String>,
}

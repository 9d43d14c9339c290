//! The requirement matrix: which documents each claim reason requires (see
//! the table in [`super`]).

use super::{is_known_reason, DocumentKind, NPWP_BALANCE_THRESHOLD};

// --- Requirement matrix -----------------------------------------------------

/// Which claim reasons a [`Requirement`] row applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reasons {
    /// Every reason.
    All,
    /// Every reason except these.
    AllExcept(&'static [&'static str]),
    /// Only these reasons.
    Only(&'static [&'static str]),
}

impl Reasons {
    /// Whether the row applies to `reason` (assumed to be a known reason).
    pub fn includes(self, reason: &str) -> bool {
        match self {
            Reasons::All => true,
            Reasons::AllExcept(list) => !list.contains(&reason),
            Reasons::Only(list) => list.contains(&reason),
        }
    }
}

/// When a [`Requirement`] row is required, given the claim's facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    Always,
    /// Balance over [`NPWP_BALANCE_THRESHOLD`] or an earlier partial claim.
    NpwpRule,
    /// The heir (death claims) is a child of the member.
    HeirIsChild,
    /// The heir (death claims) is a minor.
    HeirIsMinor,
}

impl Condition {
    /// Whether the condition holds for `ctx`.
    pub fn holds(self, ctx: &RequirementContext) -> bool {
        match self {
            Condition::Always => true,
            Condition::NpwpRule => npwp_required(ctx.balance, ctx.earlier_partial_claim),
            Condition::HeirIsChild => ctx.heir_is_child,
            Condition::HeirIsMinor => ctx.heir_is_minor,
        }
    }
}

/// One row of the requirement matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Requirement {
    /// Stable checklist item key.
    pub item: &'static str,
    /// The document kinds that satisfy the item (any one of them).
    pub accepts: &'static [DocumentKind],
    pub reasons: Reasons,
    pub condition: Condition,
    pub label_id: &'static str,
    pub label_en: &'static str,
}

const DEATH: &[&str] = &["death"];

/// A single-document row: the item key and labels are the document's.
const fn single(
    kind: &'static [DocumentKind; 1],
    reasons: Reasons,
    condition: Condition,
) -> Requirement {
    Requirement {
        item: kind[0].code(),
        accepts: kind,
        reasons,
        condition,
        label_id: kind[0].label_id(),
        label_en: kind[0].label_en(),
    }
}

/// A single-document row every claim of the `reasons` needs.
const fn only(kind: &'static [DocumentKind; 1], reasons: &'static [&'static str]) -> Requirement {
    single(kind, Reasons::Only(reasons), Condition::Always)
}

/// A single-document row every claim needs but a death claim.
const fn all_but_death(kind: &'static [DocumentKind; 1]) -> Requirement {
    single(kind, Reasons::AllExcept(DEATH), Condition::Always)
}

/// The requirement matrix of DOMAIN.md, in checklist order. The only place
/// where the rules live.
pub const REQUIREMENTS: &[Requirement] = &[
    single(&[DocumentKind::KpjCard], Reasons::All, Condition::Always),
    // For death claims the heir's e-KTP replaces the member's e-KTP and selfie.
    all_but_death(&[DocumentKind::Ektp]),
    single(&[DocumentKind::Kk], Reasons::All, Condition::Always),
    single(&[DocumentKind::BankBook], Reasons::All, Condition::Always),
    all_but_death(&[DocumentKind::Selfie]),
    single(&[DocumentKind::Npwp], Reasons::All, Condition::NpwpRule),
    only(&[DocumentKind::ResignationLetter], &["resignation"]),
    Requirement {
        item: "phk_proof",
        accepts: &[
            DocumentKind::PhkLetter,
            DocumentKind::PhkReport,
            DocumentKind::JointAgreement,
            DocumentKind::PhiRuling,
        ],
        reasons: Reasons::Only(&["termination"]),
        condition: Condition::Always,
        label_id: concat!(
            "Bukti PHK (salah satu: surat PHK, laporan PHK ke Disnaker, ",
            "perjanjian bersama, atau putusan PHI)"
        ),
        label_en: concat!(
            "Proof of termination (one of: termination letter, ",
            "employer's report to Disnaker, joint agreement, or PHI court ruling)"
        ),
    },
    only(&[DocumentKind::Contract], &["contract_end"]),
    only(&[DocumentKind::DoctorStatement], &["disability"]),
    only(&[DocumentKind::DeathCertificate], DEATH),
    only(&[DocumentKind::HeirCertificate], DEATH),
    only(&[DocumentKind::HeirEktp], DEATH),
    single(
        &[DocumentKind::BirthCertificate],
        Reasons::Only(DEATH),
        Condition::HeirIsChild,
    ),
    single(
        &[DocumentKind::GuardianshipLetter],
        Reasons::Only(DEATH),
        Condition::HeirIsMinor,
    ),
    only(&[DocumentKind::Passport], &["leaving_indonesia"]),
    only(&[DocumentKind::LeavingStatement], &["leaving_indonesia"]),
    Requirement {
        item: "housing_proof",
        accepts: &[
            DocumentKind::Ppjb,
            DocumentKind::Ajb,
            DocumentKind::MortgageDocs,
        ],
        reasons: Reasons::Only(&["partial_30"]),
        condition: Condition::Always,
        label_id: "Bukti pembelian rumah (salah satu: PPJB, AJB, atau dokumen KPR)",
        label_en: "Proof of house purchase (one of: PPJB, AJB, or mortgage (KPR) documents)",
    },
];

/// Facts of a claim that decide the conditional documents.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequirementContext {
    /// JHT balance in rupiah, when known. Unknown counts as not over the
    /// threshold.
    pub balance: Option<i64>,
    /// A partial claim (`partial_10` / `partial_30`) was paid before.
    pub earlier_partial_claim: bool,
    /// Death claims: the heir is a child of the member.
    pub heir_is_child: bool,
    /// Death claims: the heir is a minor.
    pub heir_is_minor: bool,
}

/// Whether an NPWP is required: balance strictly over
/// [`NPWP_BALANCE_THRESHOLD`], or an earlier partial claim was paid.
pub fn npwp_required(balance: Option<i64>, earlier_partial_claim: bool) -> bool {
    earlier_partial_claim || balance.is_some_and(|b| b > NPWP_BALANCE_THRESHOLD)
}

/// One item of a claim's document checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequiredItem {
    pub item: &'static str,
    pub accepts: Vec<DocumentKind>,
    pub label_id: &'static str,
    pub label_en: &'static str,
}

/// The checklist items for a claim with this reason code, in order; `None`
/// for an unknown reason.
pub fn required_items(reason: &str, ctx: &RequirementContext) -> Option<Vec<RequiredItem>> {
    if !is_known_reason(reason) {
        return None;
    }
    Some(
        REQUIREMENTS
            .iter()
            .filter(|r| r.reasons.includes(reason) && r.condition.holds(ctx))
            .map(|r| RequiredItem {
                item: r.item,
                accepts: r.accepts.to_vec(),
                label_id: r.label_id,
                label_en: r.label_en,
            })
            .collect(),
    )
}

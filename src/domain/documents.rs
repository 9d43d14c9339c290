//! Claim documents: the document kinds, which of them each claim reason
//! requires (the requirement matrix), the checklist computed from the
//! uploaded documents, the review (rejection) reasons and the upload limits.
//!
//! Pure rules: no I/O, no database. The claim reason is taken as its API
//! code (`&str`) so that this module stays independent of
//! `crate::domain::claim`; an unknown reason gives `None`.
//!
//! # Requirement matrix ([`REQUIREMENTS`], from DOMAIN.md "Required documents")
//!
//! | item | accepts | reasons | condition |
//! |---|---|---|---|
//! | `kpj_card` | `kpj_card` | all | – |
//! | `ektp` | `ektp` | all but `death` | – |
//! | `kk` | `kk` | all | – |
//! | `bank_book` | `bank_book` | all | – |
//! | `selfie` | `selfie` | all but `death` | – |
//! | `npwp` | `npwp` | all | balance over Rp50,000,000, or an earlier partial claim was paid |
//! | `resignation_letter` | `resignation_letter` | `resignation` | – |
//! | `phk_proof` | `phk_letter`, `phk_report`, `joint_agreement`, `phi_ruling` | `termination` | – |
//! | `contract` | `contract` | `contract_end` | – |
//! | `doctor_statement` | `doctor_statement` | `disability` | – |
//! | `death_certificate` | `death_certificate` | `death` | – |
//! | `heir_certificate` | `heir_certificate` | `death` | – |
//! | `heir_ektp` | `heir_ektp` | `death` | – (replaces the member's `ektp` and `selfie`) |
//! | `birth_certificate` | `birth_certificate` | `death` | the heir is a child of the member |
//! | `guardianship_letter` | `guardianship_letter` | `death` | the heir is a minor |
//! | `passport` | `passport` | `leaving_indonesia` | – |
//! | `leaving_statement` | `leaving_statement` | `leaving_indonesia` | – |
//! | `housing_proof` | `ppjb`, `ajb`, `mortgage_docs` | `partial_30` | – |
//!
//! `retirement` and `partial_10` need only the documents every reason needs.
//! Alternatives ("one of") are ONE checklist item whose `accepts` lists the
//! document kinds that satisfy it. A single-document item's key is the
//! document code. The checklist keeps the order of the table.
//!
//! # Codes
//!
//! - Claim reasons ([`REASONS`]): `retirement`, `resignation`,
//!   `termination`, `contract_end`, `disability`, `death`,
//!   `leaving_indonesia`, `partial_10`, `partial_30`.
//! - Document kinds ([`DocumentKind::code`]): `kpj_card`, `ektp`, `kk`,
//!   `bank_book`, `selfie`, `npwp`, `resignation_letter`, `phk_letter`,
//!   `phk_report`, `joint_agreement`, `phi_ruling`, `contract`,
//!   `doctor_statement`, `death_certificate`, `heir_certificate`,
//!   `heir_ektp`, `birth_certificate`, `guardianship_letter`, `passport`,
//!   `leaving_statement`, `ppjb`, `ajb`, `mortgage_docs`, and
//!   `identity_photo` (a still taken by a CS agent during the video
//!   verification: never required, never uploadable by a participant).
//! - Checklist item keys: the single-document codes above plus
//!   `phk_proof` and `housing_proof`.
//! - Document status ([`DocStatus::code`]): `uploaded`, `accepted`,
//!   `rejected`.
//! - Checklist item status ([`ItemStatus::code`]): `missing`, `uploaded`,
//!   `accepted`, `rejected`.
//! - Rejection reasons ([`RejectReason::code`]): `name_mismatch`,
//!   `nik_mismatch`, `birth_date_mismatch`, `membership_active`,
//!   `bank_account_name_mismatch`, `unreadable`, `wrong_document`,
//!   `selfie_mismatch`, `expired_document`, `other`.
//!
//! # Detail keys (message catalog)
//!
//! - `unknown_kind` (API code, 422): the `kind` of an upload is not a
//!   document code, or is a kind a participant may not upload
//!   ([`DocumentKind::parse_participant_upload`]).
//! - `too_many_files` / `claim_storage_full` ([`check_claim_quota`]): the
//!   claim already holds [`MAX_FILES_PER_CLAIM`] files or the new file
//!   would take it over [`MAX_BYTES_PER_CLAIM`].
//!
//! # Checklist rule ([`checklist`])
//!
//! Only the current version of each kind counts (`UploadedDoc::current`);
//! replaced versions are ignored. Per item, over the current documents of
//! the kinds it accepts: `accepted` if any is accepted; else `uploaded` if
//! any awaits review; else `rejected` (with the reason of the most recently
//! uploaded rejected one) if there is at least one; else `missing`.
//! [`is_ready`]: every item uploaded or accepted (the claim may be booked /
//! sent to review). [`is_verifiable`]: every item accepted.

use serde::Serialize;

/// At most this many stored files (every version, replaced ones included)
/// per claim.
pub const MAX_FILES_PER_CLAIM: usize = 40;

/// At most this many stored bytes (every version) per claim.
pub const MAX_BYTES_PER_CLAIM: u64 = 60 * 1024 * 1024;

/// At most this many bytes per uploaded file (DOMAIN.md: 6 MB each). Pass it
/// to `crate::uploads::inspect`.
pub const MAX_BYTES_PER_FILE: u64 = 6 * 1024 * 1024;

/// Above this balance (rupiah) an NPWP is required; exactly this amount is
/// not "over". Same figure as the PPh 21 threshold on JHT.
pub const NPWP_BALANCE_THRESHOLD: i64 = 50_000_000;

/// Every claim reason code this module knows.
pub const REASONS: [&str; 9] = [
    "retirement",
    "resignation",
    "termination",
    "contract_end",
    "disability",
    "death",
    "leaving_indonesia",
    "partial_10",
    "partial_30",
];

/// Whether `reason` is one of [`REASONS`].
pub fn is_known_reason(reason: &str) -> bool {
    REASONS.contains(&reason)
}

// --- Document kinds ---------------------------------------------------------

/// A kind of claim document. Serializes as its [`code`](DocumentKind::code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocumentKind {
    KpjCard,
    Ektp,
    Kk,
    BankBook,
    Selfie,
    Npwp,
    ResignationLetter,
    PhkLetter,
    PhkReport,
    JointAgreement,
    PhiRuling,
    Contract,
    DoctorStatement,
    DeathCertificate,
    HeirCertificate,
    /// The heir's e-KTP (death claims).
    HeirEktp,
    BirthCertificate,
    GuardianshipLetter,
    Passport,
    LeavingStatement,
    Ppjb,
    Ajb,
    MortgageDocs,
    /// A still taken by a CS agent during the video verification. Never
    /// required, never uploadable by a participant.
    IdentityPhoto,
}

impl DocumentKind {
    /// Every kind, in the order of DOMAIN.md.
    pub const ALL: [DocumentKind; 24] = [
        DocumentKind::KpjCard,
        DocumentKind::Ektp,
        DocumentKind::Kk,
        DocumentKind::BankBook,
        DocumentKind::Selfie,
        DocumentKind::Npwp,
        DocumentKind::ResignationLetter,
        DocumentKind::PhkLetter,
        DocumentKind::PhkReport,
        DocumentKind::JointAgreement,
        DocumentKind::PhiRuling,
        DocumentKind::Contract,
        DocumentKind::DoctorStatement,
        DocumentKind::DeathCertificate,
        DocumentKind::HeirCertificate,
        DocumentKind::HeirEktp,
        DocumentKind::BirthCertificate,
        DocumentKind::GuardianshipLetter,
        DocumentKind::Passport,
        DocumentKind::LeavingStatement,
        DocumentKind::Ppjb,
        DocumentKind::Ajb,
        DocumentKind::MortgageDocs,
        DocumentKind::IdentityPhoto,
    ];

    /// The stable API code (`kpj_card`, `heir_ektp`, …).
    pub const fn code(self) -> &'static str {
        match self {
            DocumentKind::KpjCard => "kpj_card",
            DocumentKind::Ektp => "ektp",
            DocumentKind::Kk => "kk",
            DocumentKind::BankBook => "bank_book",
            DocumentKind::Selfie => "selfie",
            DocumentKind::Npwp => "npwp",
            DocumentKind::ResignationLetter => "resignation_letter",
            DocumentKind::PhkLetter => "phk_letter",
            DocumentKind::PhkReport => "phk_report",
            DocumentKind::JointAgreement => "joint_agreement",
            DocumentKind::PhiRuling => "phi_ruling",
            DocumentKind::Contract => "contract",
            DocumentKind::DoctorStatement => "doctor_statement",
            DocumentKind::DeathCertificate => "death_certificate",
            DocumentKind::HeirCertificate => "heir_certificate",
            DocumentKind::HeirEktp => "heir_ektp",
            DocumentKind::BirthCertificate => "birth_certificate",
            DocumentKind::GuardianshipLetter => "guardianship_letter",
            DocumentKind::Passport => "passport",
            DocumentKind::LeavingStatement => "leaving_statement",
            DocumentKind::Ppjb => "ppjb",
            DocumentKind::Ajb => "ajb",
            DocumentKind::MortgageDocs => "mortgage_docs",
            DocumentKind::IdentityPhoto => "identity_photo",
        }
    }

    /// The kind with this exact code (case-sensitive, no trimming).
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// [`parse`](Self::parse), limited to the kinds a participant may upload
    /// (everything but `identity_photo`). `None` → API code `unknown_kind`.
    pub fn parse_participant_upload(code: &str) -> Option<Self> {
        Self::parse(code).filter(|k| k.participant_uploadable())
    }

    /// Whether a participant may upload this kind (all but `identity_photo`).
    pub const fn participant_uploadable(self) -> bool {
        !matches!(self, DocumentKind::IdentityPhoto)
    }

    /// Name in Bahasa Indonesia.
    pub const fn label_id(self) -> &'static str {
        match self {
            DocumentKind::KpjCard => "Kartu peserta BPJS Ketenagakerjaan (KPJ)",
            DocumentKind::Ektp => "e-KTP",
            DocumentKind::Kk => "Kartu Keluarga (KK)",
            DocumentKind::BankBook => "Buku tabungan (halaman pertama, atas nama sendiri)",
            DocumentKind::Selfie => "Swafoto terbaru (wajah terlihat jelas)",
            DocumentKind::Npwp => "NPWP",
            DocumentKind::ResignationLetter => "Surat keterangan berhenti bekerja / paklaring",
            DocumentKind::PhkLetter => "Surat PHK",
            DocumentKind::PhkReport => "Laporan PHK ke Disnaker",
            DocumentKind::JointAgreement => "Perjanjian bersama",
            DocumentKind::PhiRuling => "Putusan PHI",
            DocumentKind::Contract => "Perjanjian kerja waktu tertentu (PKWT)",
            DocumentKind::DoctorStatement => "Surat keterangan dokter",
            DocumentKind::DeathCertificate => "Akta kematian",
            DocumentKind::HeirCertificate => "Surat keterangan ahli waris",
            DocumentKind::HeirEktp => "e-KTP ahli waris",
            DocumentKind::BirthCertificate => "Akta kelahiran anak",
            DocumentKind::GuardianshipLetter => "Surat penetapan perwalian",
            DocumentKind::Passport => "Paspor",
            DocumentKind::LeavingStatement => "Surat pernyataan tidak bekerja lagi di Indonesia",
            DocumentKind::Ppjb => "PPJB",
            DocumentKind::Ajb => "AJB",
            DocumentKind::MortgageDocs => "Dokumen KPR",
            DocumentKind::IdentityPhoto => "Foto identitas saat verifikasi video",
        }
    }

    /// Name in English.
    pub const fn label_en(self) -> &'static str {
        match self {
            DocumentKind::KpjCard => "BPJS Ketenagakerjaan membership card (KPJ)",
            DocumentKind::Ektp => "e-KTP (electronic identity card)",
            DocumentKind::Kk => "Family card (Kartu Keluarga)",
            DocumentKind::BankBook => "Savings book (first page, in your own name)",
            DocumentKind::Selfie => "Recent selfie (face clearly visible)",
            DocumentKind::Npwp => "NPWP (tax ID card)",
            DocumentKind::ResignationLetter => "Proof of end of employment / paklaring",
            DocumentKind::PhkLetter => "Termination (PHK) letter",
            DocumentKind::PhkReport => "Employer's termination report to Disnaker",
            DocumentKind::JointAgreement => "Joint agreement (perjanjian bersama)",
            DocumentKind::PhiRuling => "Industrial relations court (PHI) ruling",
            DocumentKind::Contract => "Fixed-term employment contract (PKWT)",
            DocumentKind::DoctorStatement => "Doctor's statement",
            DocumentKind::DeathCertificate => "Death certificate",
            DocumentKind::HeirCertificate => "Certificate of heirship",
            DocumentKind::HeirEktp => "Heir's e-KTP",
            DocumentKind::BirthCertificate => "Child's birth certificate",
            DocumentKind::GuardianshipLetter => "Court guardianship order",
            DocumentKind::Passport => "Passport",
            DocumentKind::LeavingStatement => "Statement of no longer working in Indonesia",
            DocumentKind::Ppjb => "House sale and purchase agreement (PPJB)",
            DocumentKind::Ajb => "Deed of sale (AJB)",
            DocumentKind::MortgageDocs => "Mortgage (KPR) documents",
            DocumentKind::IdentityPhoto => "Identity photo taken during video verification",
        }
    }
}

impl Serialize for DocumentKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl std::fmt::Display for DocumentKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

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

/// The requirement matrix of DOMAIN.md, in checklist order. The only place
/// where the rules live.
pub const REQUIREMENTS: &[Requirement] = &[
    single(&[DocumentKind::KpjCard], Reasons::All, Condition::Always),
    // For death claims the heir's e-KTP replaces the member's e-KTP and selfie.
    single(
        &[DocumentKind::Ektp],
        Reasons::AllExcept(DEATH),
        Condition::Always,
    ),
    single(&[DocumentKind::Kk], Reasons::All, Condition::Always),
    single(&[DocumentKind::BankBook], Reasons::All, Condition::Always),
    single(
        &[DocumentKind::Selfie],
        Reasons::AllExcept(DEATH),
        Condition::Always,
    ),
    single(&[DocumentKind::Npwp], Reasons::All, Condition::NpwpRule),
    single(
        &[DocumentKind::ResignationLetter],
        Reasons::Only(&["resignation"]),
        Condition::Always,
    ),
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
    single(
        &[DocumentKind::Contract],
        Reasons::Only(&["contract_end"]),
        Condition::Always,
    ),
    single(
        &[DocumentKind::DoctorStatement],
        Reasons::Only(&["disability"]),
        Condition::Always,
    ),
    single(
        &[DocumentKind::DeathCertificate],
        Reasons::Only(DEATH),
        Condition::Always,
    ),
    single(
        &[DocumentKind::HeirCertificate],
        Reasons::Only(DEATH),
        Condition::Always,
    ),
    single(
        &[DocumentKind::HeirEktp],
        Reasons::Only(DEATH),
        Condition::Always,
    ),
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
    single(
        &[DocumentKind::Passport],
        Reasons::Only(&["leaving_indonesia"]),
        Condition::Always,
    ),
    single(
        &[DocumentKind::LeavingStatement],
        Reasons::Only(&["leaving_indonesia"]),
        Condition::Always,
    ),
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

// --- Checklist --------------------------------------------------------------

/// Review state of one uploaded document. Serializes as its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocStatus {
    /// Awaiting review.
    Uploaded,
    Accepted,
    Rejected,
}

impl DocStatus {
    pub const ALL: [DocStatus; 3] = [
        DocStatus::Uploaded,
        DocStatus::Accepted,
        DocStatus::Rejected,
    ];

    /// `uploaded`, `accepted` or `rejected`.
    pub const fn code(self) -> &'static str {
        match self {
            DocStatus::Uploaded => "uploaded",
            DocStatus::Accepted => "accepted",
            DocStatus::Rejected => "rejected",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

impl Serialize for DocStatus {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// A stored document of a claim, as the checklist needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadedDoc {
    pub kind: DocumentKind,
    pub status: DocStatus,
    /// Rejection reason (a [`RejectReason`] code or the agent's note).
    pub reason: Option<String>,
    pub uploaded_at: chrono::NaiveDateTime,
    /// The latest version of its kind. Replaced versions (`false`) are ignored.
    pub current: bool,
}

/// State of one checklist item. Serializes as its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItemStatus {
    Missing,
    Uploaded,
    Accepted,
    Rejected,
}

impl ItemStatus {
    pub const ALL: [ItemStatus; 4] = [
        ItemStatus::Missing,
        ItemStatus::Uploaded,
        ItemStatus::Accepted,
        ItemStatus::Rejected,
    ];

    /// `missing`, `uploaded`, `accepted` or `rejected`.
    pub const fn code(self) -> &'static str {
        match self {
            ItemStatus::Missing => "missing",
            ItemStatus::Uploaded => "uploaded",
            ItemStatus::Accepted => "accepted",
            ItemStatus::Rejected => "rejected",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Whether the participant still has to (re)upload something.
    pub const fn needs_upload(self) -> bool {
        matches!(self, ItemStatus::Missing | ItemStatus::Rejected)
    }
}

impl Serialize for ItemStatus {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// One line of a claim's checklist. Serializes as the API's
/// `{"item","accepts":[codes…],"status","reason"?}` (labels are not
/// serialized; they are for pages).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChecklistEntry {
    pub item: &'static str,
    pub accepts: Vec<DocumentKind>,
    pub status: ItemStatus,
    /// The rejection reason, only when `status` is `rejected` (and one was
    /// given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip)]
    pub label_id: &'static str,
    #[serde(skip)]
    pub label_en: &'static str,
}

/// The checklist: one entry per item, in the items' order (see the module
/// doc for the rule).
pub fn checklist(items: &[RequiredItem], docs: &[UploadedDoc]) -> Vec<ChecklistEntry> {
    items
        .iter()
        .map(|item| {
            let relevant = || {
                docs.iter()
                    .filter(|d| d.current && item.accepts.contains(&d.kind))
            };
            let (status, reason) = if relevant().any(|d| d.status == DocStatus::Accepted) {
                (ItemStatus::Accepted, None)
            } else if relevant().any(|d| d.status == DocStatus::Uploaded) {
                (ItemStatus::Uploaded, None)
            } else if let Some(latest) = relevant()
                .filter(|d| d.status == DocStatus::Rejected)
                .max_by_key(|d| d.uploaded_at)
            {
                (ItemStatus::Rejected, latest.reason.clone())
            } else {
                (ItemStatus::Missing, None)
            };
            ChecklistEntry {
                item: item.item,
                accepts: item.accepts.clone(),
                status,
                reason,
                label_id: item.label_id,
                label_en: item.label_en,
            }
        })
        .collect()
}

/// Every item uploaded or accepted: nothing left for the participant to do.
pub fn is_ready(entries: &[ChecklistEntry]) -> bool {
    entries
        .iter()
        .all(|e| matches!(e.status, ItemStatus::Uploaded | ItemStatus::Accepted))
}

/// Every item accepted: the documents allow the claim to be verified.
pub fn is_verifiable(entries: &[ChecklistEntry]) -> bool {
    entries.iter().all(|e| e.status == ItemStatus::Accepted)
}

/// The items still to (re)upload: missing or rejected.
pub fn missing_items(entries: &[ChecklistEntry]) -> Vec<&ChecklistEntry> {
    entries.iter().filter(|e| e.status.needs_upload()).collect()
}

// --- Limits -----------------------------------------------------------------

/// Why a claim cannot take one more file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotaExceeded {
    /// Already [`MAX_FILES_PER_CLAIM`] files.
    TooManyFiles,
    /// The new file would take the claim over [`MAX_BYTES_PER_CLAIM`].
    StorageFull,
}

impl QuotaExceeded {
    /// Message catalog key: `too_many_files` or `claim_storage_full`.
    pub const fn detail(self) -> &'static str {
        match self {
            QuotaExceeded::TooManyFiles => "too_many_files",
            QuotaExceeded::StorageFull => "claim_storage_full",
        }
    }
}

/// Whether a claim that already stores `files` files of `bytes` bytes in
/// total (every version) may store one more of `new_file_bytes`.
pub fn check_claim_quota(
    files: usize,
    bytes: u64,
    new_file_bytes: u64,
) -> Result<(), QuotaExceeded> {
    if files >= MAX_FILES_PER_CLAIM {
        return Err(QuotaExceeded::TooManyFiles);
    }
    if bytes.saturating_add(new_file_bytes) > MAX_BYTES_PER_CLAIM {
        return Err(QuotaExceeded::StorageFull);
    }
    Ok(())
}

// --- Review (rejection) reasons ---------------------------------------------

/// Why a CS agent rejected a document (DOMAIN.md "rejection reasons seen in
/// practice"). Serializes as its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RejectReason {
    NameMismatch,
    NikMismatch,
    BirthDateMismatch,
    MembershipActive,
    BankAccountNameMismatch,
    Unreadable,
    WrongDocument,
    SelfieMismatch,
    ExpiredDocument,
    /// Anything else; the agent adds a note.
    Other,
}

impl RejectReason {
    pub const ALL: [RejectReason; 10] = [
        RejectReason::NameMismatch,
        RejectReason::NikMismatch,
        RejectReason::BirthDateMismatch,
        RejectReason::MembershipActive,
        RejectReason::BankAccountNameMismatch,
        RejectReason::Unreadable,
        RejectReason::WrongDocument,
        RejectReason::SelfieMismatch,
        RejectReason::ExpiredDocument,
        RejectReason::Other,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            RejectReason::NameMismatch => "name_mismatch",
            RejectReason::NikMismatch => "nik_mismatch",
            RejectReason::BirthDateMismatch => "birth_date_mismatch",
            RejectReason::MembershipActive => "membership_active",
            RejectReason::BankAccountNameMismatch => "bank_account_name_mismatch",
            RejectReason::Unreadable => "unreadable",
            RejectReason::WrongDocument => "wrong_document",
            RejectReason::SelfieMismatch => "selfie_mismatch",
            RejectReason::ExpiredDocument => "expired_document",
            RejectReason::Other => "other",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    pub const fn label_id(self) -> &'static str {
        match self {
            RejectReason::NameMismatch => "Nama tidak sesuai data kepesertaan",
            RejectReason::NikMismatch => "NIK tidak sesuai data kepesertaan",
            RejectReason::BirthDateMismatch => "Tanggal lahir tidak sesuai data kepesertaan",
            RejectReason::MembershipActive => "Kepesertaan masih aktif",
            RejectReason::BankAccountNameMismatch => "Nama pemilik rekening bukan nama peserta",
            RejectReason::Unreadable => "Dokumen tidak terbaca",
            RejectReason::WrongDocument => "Dokumen yang diunggah bukan dokumen yang diminta",
            RejectReason::SelfieMismatch => "Swafoto tidak cocok dengan foto pada e-KTP",
            RejectReason::ExpiredDocument => "Dokumen sudah tidak berlaku",
            RejectReason::Other => "Alasan lain (lihat catatan petugas)",
        }
    }

    pub const fn label_en(self) -> &'static str {
        match self {
            RejectReason::NameMismatch => "Name does not match the membership data",
            RejectReason::NikMismatch => "NIK does not match the membership data",
            RejectReason::BirthDateMismatch => "Date of birth does not match the membership data",
            RejectReason::MembershipActive => "Membership is still active",
            RejectReason::BankAccountNameMismatch => "The bank account is not in the member's name",
            RejectReason::Unreadable => "The document cannot be read",
            RejectReason::WrongDocument => "The uploaded file is not the requested document",
            RejectReason::SelfieMismatch => "The selfie does not match the e-KTP photo",
            RejectReason::ExpiredDocument => "The document has expired",
            RejectReason::Other => "Other reason (see the agent's note)",
        }
    }
}

impl Serialize for RejectReason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashSet;

    fn keys(reason: &str, ctx: &RequirementContext) -> Vec<&'static str> {
        required_items(reason, ctx)
            .unwrap()
            .into_iter()
            .map(|i| i.item)
            .collect()
    }

    const BASE: [&str; 5] = ["kpj_card", "ektp", "kk", "bank_book", "selfie"];

    fn base_plus(extra: &[&'static str]) -> Vec<&'static str> {
        BASE.iter().copied().chain(extra.iter().copied()).collect()
    }

    fn ts(minute: u32) -> chrono::NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 3, 2)
            .unwrap()
            .and_hms_opt(9, minute % 60, 0)
            .unwrap()
    }

    fn doc(kind: DocumentKind, status: DocStatus, minute: u32) -> UploadedDoc {
        UploadedDoc {
            kind,
            status,
            reason: (status == DocStatus::Rejected).then(|| format!("r{minute}")),
            uploaded_at: ts(minute),
            current: true,
        }
    }

    // --- kinds -----------------------------------------------------------

    #[test]
    fn kind_codes_round_trip_and_are_unique() {
        let mut seen = HashSet::new();
        for k in DocumentKind::ALL {
            assert_eq!(DocumentKind::parse(k.code()), Some(k));
            assert!(seen.insert(k.code()), "duplicate code {}", k.code());
            assert!(!k.label_id().is_empty() && !k.label_en().is_empty());
            assert_eq!(k.to_string(), k.code());
        }
        assert_eq!(seen.len(), 24);
        assert_eq!(DocumentKind::parse("KPJ_CARD"), None);
        assert_eq!(DocumentKind::parse(" kpj_card"), None);
        assert_eq!(
            DocumentKind::parse("heir_ektp"),
            Some(DocumentKind::HeirEktp)
        );
        assert_eq!(DocumentKind::parse(""), None);
    }

    #[test]
    fn every_domain_code_exists() {
        for code in [
            "kpj_card",
            "ektp",
            "kk",
            "bank_book",
            "selfie",
            "npwp",
            "resignation_letter",
            "phk_letter",
            "phk_report",
            "joint_agreement",
            "phi_ruling",
            "contract",
            "doctor_statement",
            "death_certificate",
            "heir_certificate",
            "heir_ektp",
            "birth_certificate",
            "guardianship_letter",
            "passport",
            "leaving_statement",
            "ppjb",
            "ajb",
            "mortgage_docs",
            "identity_photo",
        ] {
            assert!(DocumentKind::parse(code).is_some(), "{code}");
        }
    }

    #[test]
    fn labels_match_the_brief() {
        assert_eq!(
            DocumentKind::KpjCard.label_id(),
            "Kartu peserta BPJS Ketenagakerjaan (KPJ)"
        );
        assert_eq!(
            DocumentKind::BankBook.label_id(),
            "Buku tabungan (halaman pertama, atas nama sendiri)"
        );
        assert_eq!(DocumentKind::MortgageDocs.label_id(), "Dokumen KPR");
        assert_eq!(DocumentKind::HeirEktp.label_id(), "e-KTP ahli waris");
    }

    #[test]
    fn only_identity_photo_is_not_uploadable() {
        for k in DocumentKind::ALL {
            assert_eq!(k.participant_uploadable(), k != DocumentKind::IdentityPhoto);
        }
        assert_eq!(
            DocumentKind::parse_participant_upload("identity_photo"),
            None
        );
        assert_eq!(
            DocumentKind::parse_participant_upload("selfie"),
            Some(DocumentKind::Selfie)
        );
        assert_eq!(DocumentKind::parse_participant_upload("nope"), None);
    }

    // --- matrix ----------------------------------------------------------

    #[test]
    fn matrix_per_reason() {
        let ctx = RequirementContext::default();
        assert_eq!(keys("retirement", &ctx), base_plus(&[]));
        assert_eq!(
            keys("resignation", &ctx),
            base_plus(&["resignation_letter"])
        );
        assert_eq!(keys("termination", &ctx), base_plus(&["phk_proof"]));
        assert_eq!(keys("contract_end", &ctx), base_plus(&["contract"]));
        assert_eq!(keys("disability", &ctx), base_plus(&["doctor_statement"]));
        assert_eq!(
            keys("death", &ctx),
            vec![
                "kpj_card",
                "kk",
                "bank_book",
                "death_certificate",
                "heir_certificate",
                "heir_ektp"
            ]
        );
        assert_eq!(
            keys("leaving_indonesia", &ctx),
            base_plus(&["passport", "leaving_statement"])
        );
        assert_eq!(keys("partial_10", &ctx), base_plus(&[]));
        assert_eq!(keys("partial_30", &ctx), base_plus(&["housing_proof"]));
    }

    #[test]
    fn unknown_reason_is_none() {
        let ctx = RequirementContext::default();
        for r in ["", "RETIREMENT", "phk", "partial", " retirement", "death "] {
            assert_eq!(required_items(r, &ctx), None, "{r:?}");
        }
        for r in REASONS {
            assert!(required_items(r, &ctx).is_some());
        }
    }

    #[test]
    fn alternatives_are_one_item() {
        let ctx = RequirementContext::default();
        let phk = required_items("termination", &ctx).unwrap();
        let proof = phk.iter().find(|i| i.item == "phk_proof").unwrap();
        assert_eq!(
            proof.accepts,
            vec![
                DocumentKind::PhkLetter,
                DocumentKind::PhkReport,
                DocumentKind::JointAgreement,
                DocumentKind::PhiRuling
            ]
        );
        let house = required_items("partial_30", &ctx).unwrap();
        let proof = house.iter().find(|i| i.item == "housing_proof").unwrap();
        assert_eq!(
            proof.accepts,
            vec![
                DocumentKind::Ppjb,
                DocumentKind::Ajb,
                DocumentKind::MortgageDocs
            ]
        );
        assert!(!proof.label_id.is_empty() && !proof.label_en.is_empty());
    }

    #[test]
    fn single_items_use_the_document_code_and_labels() {
        for r in REQUIREMENTS {
            if r.accepts.len() == 1 {
                assert_eq!(r.item, r.accepts[0].code());
                assert_eq!(r.label_id, r.accepts[0].label_id());
                assert_eq!(r.label_en, r.accepts[0].label_en());
            }
        }
        let items: HashSet<_> = REQUIREMENTS.iter().map(|r| r.item).collect();
        assert_eq!(items.len(), REQUIREMENTS.len(), "item keys are unique");
    }

    #[test]
    fn identity_photo_is_never_required_and_every_other_kind_is_somewhere() {
        let mut accepted = HashSet::new();
        for r in REQUIREMENTS {
            accepted.extend(r.accepts.iter().copied());
        }
        for k in DocumentKind::ALL {
            assert_eq!(
                accepted.contains(&k),
                k != DocumentKind::IdentityPhoto,
                "{k}"
            );
        }
    }

    #[test]
    fn npwp_threshold() {
        let with = |balance, earlier| RequirementContext {
            balance,
            earlier_partial_claim: earlier,
            ..Default::default()
        };
        let has_npwp = |ctx: &RequirementContext| keys("retirement", ctx).contains(&"npwp");
        assert!(!has_npwp(&with(None, false)));
        assert!(!has_npwp(&with(Some(0), false)));
        assert!(!has_npwp(&with(Some(50_000_000), false)));
        assert!(has_npwp(&with(Some(50_000_001), false)));
        assert!(has_npwp(&with(None, true)));
        assert!(has_npwp(&with(Some(1), true)));
        // npwp comes right after the common documents
        assert_eq!(
            keys("resignation", &with(Some(60_000_000), false)),
            base_plus(&["npwp", "resignation_letter"])
        );
        // every reason, death included
        for r in REASONS {
            assert!(
                keys(r, &with(Some(50_000_001), false)).contains(&"npwp"),
                "{r}"
            );
            assert!(
                !keys(r, &with(Some(50_000_000), false)).contains(&"npwp"),
                "{r}"
            );
        }
    }

    #[test]
    fn death_replaces_ektp_and_selfie_and_adds_heir_documents() {
        let ctx = RequirementContext::default();
        let death = keys("death", &ctx);
        assert!(!death.contains(&"ektp"));
        assert!(!death.contains(&"selfie"));
        assert!(death.contains(&"heir_ektp"));
        for r in REASONS.iter().filter(|r| **r != "death") {
            let k = keys(r, &ctx);
            assert!(k.contains(&"ektp") && k.contains(&"selfie"), "{r}");
            assert!(!k.contains(&"heir_ektp"), "{r}");
        }
    }

    #[test]
    fn heir_conditions() {
        let child = RequirementContext {
            heir_is_child: true,
            ..Default::default()
        };
        let minor = RequirementContext {
            heir_is_minor: true,
            ..Default::default()
        };
        let minor_child = RequirementContext {
            heir_is_child: true,
            heir_is_minor: true,
            ..Default::default()
        };
        let base = [
            "kpj_card",
            "kk",
            "bank_book",
            "death_certificate",
            "heir_certificate",
            "heir_ektp",
        ];
        let with = |extra: &[&'static str]| -> Vec<&'static str> {
            base.iter().copied().chain(extra.iter().copied()).collect()
        };
        assert_eq!(keys("death", &child), with(&["birth_certificate"]));
        assert_eq!(keys("death", &minor), with(&["guardianship_letter"]));
        assert_eq!(
            keys("death", &minor_child),
            with(&["birth_certificate", "guardianship_letter"])
        );
        let all = RequirementContext {
            balance: Some(100_000_000),
            earlier_partial_claim: false,
            heir_is_child: true,
            heir_is_minor: true,
        };
        assert_eq!(
            keys("death", &all),
            vec![
                "kpj_card",
                "kk",
                "bank_book",
                "npwp",
                "death_certificate",
                "heir_certificate",
                "heir_ektp",
                "birth_certificate",
                "guardianship_letter"
            ]
        );
        // the heir flags mean nothing for other reasons
        for r in REASONS.iter().filter(|r| **r != "death") {
            assert_eq!(
                keys(r, &minor_child),
                keys(r, &RequirementContext::default()),
                "{r}"
            );
        }
    }

    // --- checklist -------------------------------------------------------

    #[test]
    fn checklist_rules() {
        let items = required_items("termination", &RequirementContext::default()).unwrap();
        let status = |docs: &[UploadedDoc], item: &str| {
            checklist(&items, docs)
                .into_iter()
                .find(|e| e.item == item)
                .unwrap()
        };
        // nothing uploaded
        assert_eq!(status(&[], "phk_proof").status, ItemStatus::Missing);
        // one alternative awaiting review
        let d = [doc(DocumentKind::JointAgreement, DocStatus::Uploaded, 1)];
        assert_eq!(status(&d, "phk_proof").status, ItemStatus::Uploaded);
        // rejected alternative + another awaiting review → uploaded
        let d = [
            doc(DocumentKind::PhkLetter, DocStatus::Rejected, 1),
            doc(DocumentKind::PhkReport, DocStatus::Uploaded, 2),
        ];
        assert_eq!(status(&d, "phk_proof").status, ItemStatus::Uploaded);
        assert_eq!(status(&d, "phk_proof").reason, None);
        // any accepted wins
        let d = [
            doc(DocumentKind::PhkLetter, DocStatus::Rejected, 1),
            doc(DocumentKind::PhiRuling, DocStatus::Accepted, 2),
            doc(DocumentKind::PhkReport, DocStatus::Uploaded, 3),
        ];
        assert_eq!(status(&d, "phk_proof").status, ItemStatus::Accepted);
        // all rejected → the latest rejection's reason
        let d = [
            doc(DocumentKind::PhkLetter, DocStatus::Rejected, 5),
            doc(DocumentKind::PhkReport, DocStatus::Rejected, 9),
            doc(DocumentKind::JointAgreement, DocStatus::Rejected, 7),
        ];
        let e = status(&d, "phk_proof");
        assert_eq!(e.status, ItemStatus::Rejected);
        assert_eq!(e.reason.as_deref(), Some("r9"));
        // a document of another kind does not count
        let d = [doc(DocumentKind::Passport, DocStatus::Accepted, 1)];
        assert_eq!(status(&d, "phk_proof").status, ItemStatus::Missing);
    }

    #[test]
    fn replaced_versions_are_ignored() {
        let items = required_items("retirement", &RequirementContext::default()).unwrap();
        let mut old = doc(DocumentKind::Ektp, DocStatus::Rejected, 1);
        old.current = false;
        let new = doc(DocumentKind::Ektp, DocStatus::Uploaded, 2);
        let e = checklist(&items, &[old.clone(), new]);
        assert_eq!(e[1].item, "ektp");
        assert_eq!(e[1].status, ItemStatus::Uploaded);
        // an old accepted version does not carry over either
        let mut old_ok = doc(DocumentKind::Ektp, DocStatus::Accepted, 1);
        old_ok.current = false;
        let e = checklist(&items, &[old_ok]);
        assert_eq!(e[1].status, ItemStatus::Missing);
        let e = checklist(&items, &[old]);
        assert_eq!(e[1].status, ItemStatus::Missing);
    }

    #[test]
    fn ready_and_verifiable() {
        let items = required_items("retirement", &RequirementContext::default()).unwrap();
        let all = |s: DocStatus| -> Vec<UploadedDoc> {
            items.iter().map(|i| doc(i.accepts[0], s, 1)).collect()
        };
        let uploaded = checklist(&items, &all(DocStatus::Uploaded));
        assert!(is_ready(&uploaded) && !is_verifiable(&uploaded));
        assert!(missing_items(&uploaded).is_empty());
        let accepted = checklist(&items, &all(DocStatus::Accepted));
        assert!(is_ready(&accepted) && is_verifiable(&accepted));
        let mut docs = all(DocStatus::Accepted);
        docs[2].status = DocStatus::Rejected;
        docs[2].reason = Some(RejectReason::Unreadable.code().to_owned());
        let one_rejected = checklist(&items, &docs);
        assert!(!is_ready(&one_rejected) && !is_verifiable(&one_rejected));
        let missing = missing_items(&one_rejected);
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0].item, "kk");
        assert_eq!(missing[0].reason.as_deref(), Some("unreadable"));
        let none = checklist(&items, &[]);
        assert_eq!(missing_items(&none).len(), items.len());
        // an empty checklist is trivially ready (never happens: kpj_card is always required)
        assert!(is_ready(&[]) && is_verifiable(&[]));
    }

    #[test]
    fn status_codes() {
        for s in ItemStatus::ALL {
            assert_eq!(ItemStatus::parse(s.code()), Some(s));
        }
        for s in DocStatus::ALL {
            assert_eq!(DocStatus::parse(s.code()), Some(s));
        }
        assert_eq!(
            ItemStatus::ALL.map(ItemStatus::code),
            ["missing", "uploaded", "accepted", "rejected"]
        );
        assert_eq!(
            DocStatus::ALL.map(DocStatus::code),
            ["uploaded", "accepted", "rejected"]
        );
    }

    #[test]
    fn reject_reasons() {
        let mut seen = HashSet::new();
        for r in RejectReason::ALL {
            assert_eq!(RejectReason::parse(r.code()), Some(r));
            assert!(seen.insert(r.code()));
            assert!(!r.label_id().is_empty() && !r.label_en().is_empty());
        }
        assert_eq!(
            RejectReason::NameMismatch.label_id(),
            "Nama tidak sesuai data kepesertaan"
        );
        assert_eq!(RejectReason::parse("Name_Mismatch"), None);
    }

    #[test]
    fn limits() {
        assert_eq!(MAX_FILES_PER_CLAIM, 40);
        assert_eq!(MAX_BYTES_PER_CLAIM, 62_914_560);
        assert_eq!(check_claim_quota(0, 0, MAX_BYTES_PER_FILE), Ok(()));
        assert_eq!(check_claim_quota(39, 0, 1), Ok(()));
        assert_eq!(
            check_claim_quota(40, 0, 1),
            Err(QuotaExceeded::TooManyFiles)
        );
        assert_eq!(check_claim_quota(1, MAX_BYTES_PER_CLAIM - 10, 10), Ok(()));
        assert_eq!(
            check_claim_quota(1, MAX_BYTES_PER_CLAIM - 10, 11),
            Err(QuotaExceeded::StorageFull)
        );
        assert_eq!(
            check_claim_quota(1, u64::MAX, u64::MAX),
            Err(QuotaExceeded::StorageFull)
        );
        assert_eq!(QuotaExceeded::TooManyFiles.detail(), "too_many_files");
    }

    // --- properties ------------------------------------------------------

    fn rank(s: ItemStatus) -> u8 {
        match s {
            ItemStatus::Missing => 0,
            ItemStatus::Rejected => 1,
            ItemStatus::Uploaded => 2,
            ItemStatus::Accepted => 3,
        }
    }

    fn arb_kind() -> impl Strategy<Value = DocumentKind> {
        prop::sample::select(DocumentKind::ALL.to_vec())
    }

    fn arb_status() -> impl Strategy<Value = DocStatus> {
        prop::sample::select(DocStatus::ALL.to_vec())
    }

    fn arb_doc() -> impl Strategy<Value = UploadedDoc> {
        (arb_kind(), arb_status(), 0u32..60, any::<bool>()).prop_map(
            |(kind, status, minute, current)| {
                let mut d = doc(kind, status, minute);
                d.current = current;
                d
            },
        )
    }

    fn arb_ctx() -> impl Strategy<Value = RequirementContext> {
        (
            prop::option::of(0i64..100_000_000),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(
                |(balance, earlier_partial_claim, heir_is_child, heir_is_minor)| {
                    RequirementContext {
                        balance,
                        earlier_partial_claim,
                        heir_is_child,
                        heir_is_minor,
                    }
                },
            )
    }

    fn arb_items() -> impl Strategy<Value = Vec<RequiredItem>> {
        (prop::sample::select(REASONS.to_vec()), arb_ctx())
            .prop_map(|(reason, ctx)| required_items(reason, &ctx).unwrap_or_default())
    }

    proptest! {
        #[test]
        fn adding_an_accepted_doc_never_makes_an_item_worse(
            items in arb_items(),
            docs in prop::collection::vec(arb_doc(), 0..12),
            kind in arb_kind(),
            minute in 0u32..60,
        ) {
            let before = checklist(&items, &docs);
            let mut more = docs.clone();
            more.push(doc(kind, DocStatus::Accepted, minute));
            let after = checklist(&items, &more);
            prop_assert_eq!(before.len(), after.len());
            for (b, a) in before.iter().zip(&after) {
                prop_assert!(
                    rank(a.status) >= rank(b.status),
                    "{} {:?} -> {:?}", b.item, b.status, a.status
                );
                if items.iter().any(|i| i.item == a.item && i.accepts.contains(&kind)) {
                    prop_assert_eq!(a.status, ItemStatus::Accepted);
                } else {
                    prop_assert_eq!(a, b);
                }
            }
        }

        #[test]
        fn ready_iff_nothing_missing_and_verifiable_implies_ready(
            items in arb_items(),
            docs in prop::collection::vec(arb_doc(), 0..16),
        ) {
            let entries = checklist(&items, &docs);
            prop_assert_eq!(is_ready(&entries), missing_items(&entries).is_empty());
            if is_verifiable(&entries) {
                prop_assert!(is_ready(&entries));
            }
            prop_assert_eq!(
                is_verifiable(&entries),
                entries.iter().all(|e| e.status == ItemStatus::Accepted)
            );
        }

        #[test]
        fn checklist_mirrors_items_and_reason_only_when_rejected(
            items in arb_items(),
            docs in prop::collection::vec(arb_doc(), 0..16),
        ) {
            let entries = checklist(&items, &docs);
            prop_assert_eq!(entries.len(), items.len());
            for (e, i) in entries.iter().zip(&items) {
                prop_assert_eq!(e.item, i.item);
                prop_assert_eq!(&e.accepts, &i.accepts);
                if e.reason.is_some() {
                    prop_assert_eq!(e.status, ItemStatus::Rejected);
                }
            }
        }

        #[test]
        fn replaced_versions_change_nothing(
            items in arb_items(),
            docs in prop::collection::vec(arb_doc(), 0..12),
            old in prop::collection::vec(arb_doc(), 0..6),
        ) {
            let mut with_old = docs.clone();
            with_old.extend(old.into_iter().map(|mut d| { d.current = false; d }));
            prop_assert_eq!(checklist(&items, &docs), checklist(&items, &with_old));
        }

        #[test]
        fn statuses_do_not_depend_on_document_order(
            items in arb_items(),
            docs in prop::collection::vec(arb_doc(), 0..12),
        ) {
            let mut reversed = docs.clone();
            reversed.reverse();
            let a: Vec<_> = checklist(&items, &docs).into_iter().map(|e| e.status).collect();
            let b: Vec<_> = checklist(&items, &reversed).into_iter().map(|e| e.status).collect();
            prop_assert_eq!(a, b);
        }

        #[test]
        fn every_reason_needs_kpj_kk_and_bank_book(
            ctx in arb_ctx(),
            reason in prop::sample::select(REASONS.to_vec()),
        ) {
            let k = keys(reason, &ctx);
            for needed in ["kpj_card", "kk", "bank_book"] {
                prop_assert!(k.contains(&needed));
            }
            let npwp = npwp_required(ctx.balance, ctx.earlier_partial_claim);
            prop_assert_eq!(k.contains(&"npwp"), npwp);
        }
    }
}

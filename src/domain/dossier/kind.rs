//! The kinds of claim document and their codes.

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

serialize_as_code!(DocumentKind);

impl std::fmt::Display for DocumentKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

//! A CS agent's verdict on a document, and why a document is rejected.

crate::text_enum! {
    /// What a reviewer decides about a document.
    pub enum Decision {
        Accept = "accept",
        /// Needs a [`RejectReason`].
        Reject = "reject",
    }
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

serialize_as_code!(RejectReason);

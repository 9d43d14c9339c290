//! Why a member withdraws the JHT, and the dates each reason takes.

use chrono::NaiveDate;

use super::*;

/// Why a member withdraws the JHT.
/// Serializes as its [`code`](ClaimReason::code).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ClaimReason {
    Retirement,
    Resignation,
    Termination,
    ContractEnd,
    Disability,
    Death,
    LeavingIndonesia,
    Partial10,
    Partial30,
}

serialize_as_code!(ClaimReason);

impl ClaimReason {
    /// Every reason, in the order of DOMAIN.md.
    pub const ALL: [ClaimReason; 9] = [
        ClaimReason::Retirement,
        ClaimReason::Resignation,
        ClaimReason::Termination,
        ClaimReason::ContractEnd,
        ClaimReason::Disability,
        ClaimReason::Death,
        ClaimReason::LeavingIndonesia,
        ClaimReason::Partial10,
        ClaimReason::Partial30,
    ];

    /// Stable code (API, database).
    pub fn code(self) -> &'static str {
        match self {
            ClaimReason::Retirement => "retirement",
            ClaimReason::Resignation => "resignation",
            ClaimReason::Termination => "termination",
            ClaimReason::ContractEnd => "contract_end",
            ClaimReason::Disability => "disability",
            ClaimReason::Death => "death",
            ClaimReason::LeavingIndonesia => "leaving_indonesia",
            ClaimReason::Partial10 => "partial_10",
            ClaimReason::Partial30 => "partial_30",
        }
    }

    /// Inverse of [`ClaimReason::code`] (exact, lowercase).
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Indonesian label.
    pub fn label_id(self) -> &'static str {
        match self {
            ClaimReason::Retirement => "Pensiun",
            ClaimReason::Resignation => "Mengundurkan diri",
            ClaimReason::Termination => "PHK",
            ClaimReason::ContractEnd => "Habis kontrak (PKWT)",
            ClaimReason::Disability => "Cacat total tetap",
            ClaimReason::Death => "Meninggal dunia",
            ClaimReason::LeavingIndonesia => "Meninggalkan Indonesia",
            ClaimReason::Partial10 => "Klaim sebagian 10%",
            ClaimReason::Partial30 => "Klaim sebagian 30%",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            ClaimReason::Retirement => "Retirement",
            ClaimReason::Resignation => "Resignation",
            ClaimReason::Termination => "Termination (layoff)",
            ClaimReason::ContractEnd => "Fixed-term contract ended",
            ClaimReason::Disability => "Permanent total disability",
            ClaimReason::Death => "Death",
            ClaimReason::LeavingIndonesia => "Leaving Indonesia",
            ClaimReason::Partial10 => "Partial claim 10%",
            ClaimReason::Partial30 => "Partial claim 30%",
        }
    }

    /// The date field this reason cannot do without.
    pub fn required_date_field(self) -> Option<&'static str> {
        match self {
            ClaimReason::Resignation => Some(LAST_WORKING_DAY),
            ClaimReason::Termination => Some(TERMINATION_DATE),
            ClaimReason::ContractEnd => Some(CONTRACT_END_DATE),
            ClaimReason::Death => Some(DATE_OF_DEATH),
            ClaimReason::Partial10 | ClaimReason::Partial30 => Some(MEMBERSHIP_START_DATE),
            ClaimReason::Retirement | ClaimReason::Disability | ClaimReason::LeavingIndonesia => {
                None
            }
        }
    }

    /// Date fields this reason may take but does not need.
    pub fn optional_date_fields(self) -> &'static [&'static str] {
        match self {
            ClaimReason::LeavingIndonesia => &[DEPARTURE_DATE],
            _ => &[],
        }
    }

    /// Every date field this reason takes (required first). Other date
    /// fields sent with a claim are ignored.
    pub fn date_fields(self) -> Vec<&'static str> {
        self.required_date_field()
            .into_iter()
            .chain(self.optional_date_fields().iter().copied())
            .collect()
    }

    /// `partial_10` or `partial_30`.
    pub fn is_partial(self) -> bool {
        matches!(self, ClaimReason::Partial10 | ClaimReason::Partial30)
    }

    /// Whether the reason waits a month after the end of work.
    pub fn has_waiting_period(self) -> bool {
        matches!(
            self,
            ClaimReason::Resignation | ClaimReason::Termination | ClaimReason::ContractEnd
        )
    }
}

/// The reason-specific dates of a claim, as submitted; only the dates of
/// the claim's own reason are kept, the others are null. Serialized as
/// part of a claim's API body.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ClaimDates {
    /// Resignation: the last day worked.
    pub last_working_day: Option<NaiveDate>,
    /// Termination: the day the employer ended the employment.
    pub termination_date: Option<NaiveDate>,
    /// Contract end: the last day of the fixed-term contract.
    pub contract_end_date: Option<NaiveDate>,
    /// Partial claims (10% or 30%): when the membership began.
    pub membership_start_date: Option<NaiveDate>,
    /// Leaving Indonesia (optional): the day of departure.
    pub departure_date: Option<NaiveDate>,
    /// Death: the member's date of death.
    pub date_of_death: Option<NaiveDate>,
}

impl ClaimDates {
    /// The date of an API field name; `None` for an unknown name.
    pub fn get(&self, field: &str) -> Option<NaiveDate> {
        match field {
            LAST_WORKING_DAY => self.last_working_day,
            TERMINATION_DATE => self.termination_date,
            CONTRACT_END_DATE => self.contract_end_date,
            MEMBERSHIP_START_DATE => self.membership_start_date,
            DEPARTURE_DATE => self.departure_date,
            DATE_OF_DEATH => self.date_of_death,
            _ => None,
        }
    }
}

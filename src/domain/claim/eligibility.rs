//! Whether a claim may be filed now (see [`super`] for the order of the
//! checks), and the tax estimate.

use chrono::{Datelike, Months, NaiveDate};

use super::*;

/// What the system knows about the member when a claim is filed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemberFacts {
    /// From the NIK.
    pub birth_date: NaiveDate,
    /// [`DEFAULT_RETIREMENT_AGE`] unless a setting or the contract says otherwise.
    pub retirement_age: u32,
    /// A `partial_10` or `partial_30` claim was paid before.
    pub earlier_partial_claim: bool,
    /// Another claim of this member is still in progress.
    pub has_open_claim: bool,
}

impl MemberFacts {
    /// Facts with the default retirement age and no earlier or open claims.
    pub fn new(birth_date: NaiveDate) -> Self {
        Self {
            birth_date,
            retirement_age: DEFAULT_RETIREMENT_AGE,
            earlier_partial_claim: false,
            has_open_claim: false,
        }
    }
}

/// Why a claim cannot be filed (now).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The reason's required date was not given.
    MissingField { field: &'static str },
    /// A date is impossible (`date_in_future`, `date_before_birth`).
    InvalidDate {
        field: &'static str,
        detail: &'static str,
    },
    /// Possible from `eligible_from` (the first day it may be filed).
    NotYetEligible {
        rule: &'static str,
        eligible_from: NaiveDate,
    },
    /// Not possible for this member at all.
    NotEligible { rule: &'static str },
    /// Another claim is still open.
    ClaimOpen,
}

impl Refusal {
    /// API error code.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::MissingField { .. } => "missing_field",
            Refusal::InvalidDate { .. } => "invalid_date",
            Refusal::NotYetEligible { .. } => "not_yet_eligible",
            Refusal::NotEligible { .. } => "not_eligible",
            Refusal::ClaimOpen => "claim_open",
        }
    }

    /// The input field concerned, if any.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Refusal::MissingField { field } | Refusal::InvalidDate { field, .. } => Some(field),
            _ => None,
        }
    }

    /// The input field a refusal of a claim for `reason` belongs to: the
    /// date whose waiting period has not passed, the membership start that
    /// is not ten years back; none for age or an open claim.
    pub fn field_for(&self, reason: ClaimReason) -> Option<&'static str> {
        match self {
            Refusal::NotYetEligible { rule, .. } | Refusal::NotEligible { rule } => match *rule {
                "waiting_period" => reason.required_date_field(),
                "membership_10_years" => Some(MEMBERSHIP_START_DATE),
                _ => None,
            },
            _ => self.field(),
        }
    }

    /// Message catalog key (see the module docs).
    pub fn detail(&self) -> &'static str {
        match self {
            Refusal::MissingField { .. } => "field_required",
            Refusal::InvalidDate { detail, .. } => detail,
            Refusal::NotYetEligible { rule, .. } | Refusal::NotEligible { rule } => rule,
            Refusal::ClaimOpen => "claim_open",
        }
    }

    /// HTTP status per API.md: 409 for an open claim, 422 otherwise.
    pub fn http_status(&self) -> u16 {
        match self {
            Refusal::ClaimOpen => 409,
            _ => 422,
        }
    }
}

/// The same day and month `years` later; 29 February → 1 March in a
/// common year. `None` past chrono's date range.
pub fn anniversary(date: NaiveDate, years: u32) -> Option<NaiveDate> {
    let year = date.year().checked_add(i32::try_from(years).ok()?)?;
    NaiveDate::from_ymd_opt(year, date.month(), date.day()).or_else(|| {
        if date.month() == 2 && date.day() == 29 {
            NaiveDate::from_ymd_opt(year, 3, 1)
        } else {
            None
        }
    })
}

/// First day a claim with a one-month waiting period may be filed: one
/// calendar month after `date`, clamped to the month's end.
pub fn waiting_period_end(date: NaiveDate) -> Option<NaiveDate> {
    date.checked_add_months(Months::new(WAITING_MONTHS))
}

/// Dates that must be today or earlier.
fn must_be_past(field: &str) -> bool {
    field != DEPARTURE_DATE
}

/// Check whether `reason` may be claimed `today` (the current date in
/// Indonesia). See the module docs for the order of the checks.
pub fn check_eligibility(
    reason: ClaimReason,
    dates: &ClaimDates,
    member: &MemberFacts,
    today: NaiveDate,
) -> Result<(), Refusal> {
    if member.has_open_claim {
        return Err(Refusal::ClaimOpen);
    }
    if let Some(field) = reason.required_date_field() {
        if dates.get(field).is_none() {
            return Err(Refusal::MissingField { field });
        }
    }
    for field in reason.date_fields() {
        if let Some(date) = dates.get(field) {
            if must_be_past(field) && date > today {
                return Err(Refusal::InvalidDate {
                    field,
                    detail: "date_in_future",
                });
            }
            if date < member.birth_date {
                return Err(Refusal::InvalidDate {
                    field,
                    detail: "date_before_birth",
                });
            }
        }
    }

    let not_before = |rule: &'static str, from: Option<NaiveDate>| match from {
        Some(eligible_from) if today < eligible_from => Err(Refusal::NotYetEligible {
            rule,
            eligible_from,
        }),
        Some(_) => Ok(()),
        None => Err(Refusal::NotEligible { rule }),
    };

    match reason {
        ClaimReason::Retirement => not_before(
            "retirement_age",
            anniversary(member.birth_date, member.retirement_age),
        ),
        ClaimReason::Resignation | ClaimReason::Termination | ClaimReason::ContractEnd => {
            let end = reason
                .required_date_field()
                .and_then(|f| dates.get(f))
                .and_then(waiting_period_end);
            not_before("waiting_period", end)
        }
        ClaimReason::Partial10 | ClaimReason::Partial30 => {
            if member.earlier_partial_claim {
                return Err(Refusal::NotEligible {
                    rule: "partial_once",
                });
            }
            let from = dates
                .membership_start_date
                .and_then(|d| anniversary(d, PARTIAL_MIN_YEARS));
            not_before("membership_10_years", from)
        }
        ClaimReason::Disability | ClaimReason::Death | ClaimReason::LeavingIndonesia => Ok(()),
    }
}

/// Estimated PPh 21 on a JHT payout: 0% up to [`NPWP_THRESHOLD`], 5% of the
/// part above, rounded down to whole rupiah. Zero for a zero or negative
/// balance.
pub fn estimated_tax(balance_rupiah: i64) -> i64 {
    if balance_rupiah <= NPWP_THRESHOLD {
        0
    } else {
        // 5% = 1/20; the operand is positive, so `/` rounds down.
        (balance_rupiah - NPWP_THRESHOLD) / 20
    }
}

/// Whether the claim needs an NPWP document: a balance over the threshold
/// (when known) or an earlier partial claim.
pub fn npwp_required(balance_rupiah: Option<i64>, earlier_partial_claim: bool) -> bool {
    earlier_partial_claim || balance_rupiah.is_some_and(|b| b > NPWP_THRESHOLD)
}

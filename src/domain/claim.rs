//! JHT claim reasons, the dates each reason takes, the eligibility rules
//! and the tax estimate.
//!
//! # Reasons and their date fields (API field names)
//!
//! | reason | required date | optional date | rule |
//! |---|---|---|---|
//! | `retirement` | – | – | from the birthday at the retirement age (56 by default, a setting) |
//! | `resignation` | `last_working_day` | – | one calendar month after the date |
//! | `termination` | `termination_date` | – | one calendar month after the date |
//! | `contract_end` | `contract_end_date` | – | one calendar month after the date |
//! | `disability` | – | – | none |
//! | `death` | `date_of_death` | – | none |
//! | `leaving_indonesia` | – | `departure_date` | none: before or after departure |
//! | `partial_10`, `partial_30` | `membership_start_date` | – | 10 years of membership; once in a lifetime (either of the two) |
//!
//! # Order of the checks ([`check_eligibility`])
//!
//! 1. an open claim → [`Refusal::ClaimOpen`];
//! 2. the reason's required date missing → [`Refusal::MissingField`];
//! 3. the reason's dates checked (dates for other reasons are ignored):
//!    `last_working_day`, `termination_date`, `contract_end_date`,
//!    `membership_start_date` and `date_of_death` may not be after today
//!    (`date_in_future`); no date may be before the member's birth
//!    (`date_before_birth`); `departure_date` may be in the future;
//! 4. partial claims: an earlier partial claim → `partial_once`;
//! 5. the waiting rule → [`Refusal::NotYetEligible`] with the first day
//!    the claim may be filed.
//!
//! # Date arithmetic
//!
//! - **One month after** uses `NaiveDate::checked_add_months`, which keeps
//!   the day of the month and clamps to the month's end: last working day
//!   15 Jan → eligible 15 Feb; 31 Jan → 28 Feb (29 Feb in a leap year);
//!   31 Mar → 30 Apr.
//! - **Anniversaries** (the retirement birthday, 10 years of membership)
//!   keep the day and month; 29 February falls on **1 March** in a common
//!   year (the day after 28 February, when the full year has passed).
//!
//! # Tax
//!
//! PPh 21 final on JHT: 0% up to Rp50,000,000, 5% on the part above,
//! rounded down to whole rupiah ([`estimated_tax`]). An NPWP is asked for
//! above the same amount or after an earlier partial claim
//! ([`npwp_required`]).
//!
//! # Codes
//!
//! [`Refusal::code`] (API error code): `missing_field`, `invalid_date`,
//! `not_yet_eligible`, `not_eligible`, `claim_open`.
//!
//! [`Refusal::detail`] (message catalog key):
//!
//! - `field_required`: a required date was not given (`MissingField`).
//! - `date_in_future`: a date that must be past or today is after today.
//! - `date_before_birth`: a date before the member's birth date.
//! - `retirement_age`: not yet at the retirement age (`NotYetEligible`),
//!   or a retirement date beyond the calendar (`NotEligible`, never in practice).
//! - `waiting_period`: less than a month since the end of work.
//! - `membership_10_years`: less than 10 years of membership.
//! - `partial_once`: a partial claim (10% or 30%) was already paid.
//! - `claim_open`: another claim is still in progress.

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

/// Retirement age unless the work contract says otherwise (a setting).
pub const DEFAULT_RETIREMENT_AGE: u32 = 56;
/// Years of membership before a partial claim.
pub const PARTIAL_MIN_YEARS: u32 = 10;
/// Months to wait after the end of work for resignation, termination and
/// contract end.
pub const WAITING_MONTHS: u32 = 1;
/// JHT up to this amount (rupiah) is taxed at 0%; above it an NPWP is needed.
pub const NPWP_THRESHOLD: i64 = 50_000_000;

/// API field names of the claim dates.
pub const LAST_WORKING_DAY: &str = "last_working_day";
pub const TERMINATION_DATE: &str = "termination_date";
pub const CONTRACT_END_DATE: &str = "contract_end_date";
pub const MEMBERSHIP_START_DATE: &str = "membership_start_date";
pub const DEPARTURE_DATE: &str = "departure_date";
pub const DATE_OF_DEATH: &str = "date_of_death";

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

impl Serialize for ClaimReason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

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

/// The reason-specific dates of a claim, as submitted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ClaimDates {
    pub last_working_day: Option<NaiveDate>,
    pub termination_date: Option<NaiveDate>,
    pub contract_end_date: Option<NaiveDate>,
    pub membership_start_date: Option<NaiveDate>,
    pub departure_date: Option<NaiveDate>,
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn member(birth: NaiveDate) -> MemberFacts {
        MemberFacts::new(birth)
    }

    fn today() -> NaiveDate {
        d(2026, 11, 23)
    }

    fn check(reason: ClaimReason, dates: ClaimDates, m: MemberFacts) -> Result<(), Refusal> {
        check_eligibility(reason, &dates, &m, today())
    }

    #[test]
    fn codes_round_trip_and_are_unique() {
        let mut codes: Vec<&str> = ClaimReason::ALL.iter().map(|r| r.code()).collect();
        for r in ClaimReason::ALL {
            assert_eq!(ClaimReason::parse(r.code()), Some(r));
            assert!(!r.label_id().is_empty() && !r.label_en().is_empty());
        }
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 9);
        assert_eq!(ClaimReason::parse("Retirement"), None);
        assert_eq!(ClaimReason::parse("phk"), None);
        assert_eq!(ClaimReason::Partial10.code(), "partial_10");
    }

    #[test]
    fn date_fields_per_reason() {
        use ClaimReason::*;
        assert_eq!(Retirement.required_date_field(), None);
        assert_eq!(Resignation.required_date_field(), Some("last_working_day"));
        assert_eq!(Termination.required_date_field(), Some("termination_date"));
        assert_eq!(ContractEnd.required_date_field(), Some("contract_end_date"));
        assert_eq!(Disability.required_date_field(), None);
        assert_eq!(Death.required_date_field(), Some("date_of_death"));
        assert_eq!(LeavingIndonesia.required_date_field(), None);
        assert_eq!(LeavingIndonesia.date_fields(), vec!["departure_date"]);
        assert_eq!(
            Partial10.required_date_field(),
            Some("membership_start_date")
        );
        assert_eq!(Partial30.date_fields(), vec!["membership_start_date"]);
        assert!(Retirement.date_fields().is_empty());
        for r in ClaimReason::ALL {
            for f in r.date_fields() {
                // Every field name is one ClaimDates knows.
                let all = ClaimDates {
                    last_working_day: Some(d(2020, 1, 1)),
                    termination_date: Some(d(2020, 1, 1)),
                    contract_end_date: Some(d(2020, 1, 1)),
                    membership_start_date: Some(d(2020, 1, 1)),
                    departure_date: Some(d(2020, 1, 1)),
                    date_of_death: Some(d(2020, 1, 1)),
                };
                assert!(all.get(f).is_some(), "{f}");
            }
        }
        assert_eq!(ClaimDates::default().get("nonsense"), None);
        // Looking up a borrowed (non-static) field name.
        let owned = String::from("departure_date");
        let field: &str = owned.as_str();
        assert!(LeavingIndonesia.date_fields().contains(&field));
        assert!(!Retirement.date_fields().contains(&field));
    }

    #[test]
    fn open_claim_is_checked_first() {
        let mut m = member(d(1960, 1, 1));
        m.has_open_claim = true;
        m.earlier_partial_claim = true;
        for r in ClaimReason::ALL {
            let e = check(r, ClaimDates::default(), m).unwrap_err();
            assert_eq!(e, Refusal::ClaimOpen);
            assert_eq!((e.code(), e.http_status()), ("claim_open", 409));
        }
    }

    #[test]
    fn missing_fields() {
        let m = member(d(1990, 1, 1));
        for r in ClaimReason::ALL {
            let res = check(r, ClaimDates::default(), m);
            match r.required_date_field() {
                Some(field) => {
                    let e = res.unwrap_err();
                    assert_eq!(e, Refusal::MissingField { field });
                    assert_eq!(
                        (e.code(), e.field(), e.detail()),
                        ("missing_field", Some(field), "field_required")
                    );
                }
                None => assert!(!matches!(res, Err(Refusal::MissingField { .. }))),
            }
        }
        // The date of another reason does not count.
        let dates = ClaimDates {
            termination_date: Some(d(2026, 1, 1)),
            ..Default::default()
        };
        assert_eq!(
            check(ClaimReason::Resignation, dates, m),
            Err(Refusal::MissingField {
                field: "last_working_day"
            })
        );
    }

    #[test]
    fn retirement_at_56() {
        let m = member(d(1970, 11, 23));
        assert_eq!(
            check(ClaimReason::Retirement, ClaimDates::default(), m),
            Ok(())
        );
        let m = member(d(1970, 11, 24));
        let e = check(ClaimReason::Retirement, ClaimDates::default(), m).unwrap_err();
        assert_eq!(
            e,
            Refusal::NotYetEligible {
                rule: "retirement_age",
                eligible_from: d(2026, 11, 24)
            }
        );
        assert_eq!(
            (e.code(), e.detail(), e.http_status()),
            ("not_yet_eligible", "retirement_age", 422)
        );
        // A contract with retirement at 55.
        let mut m = member(d(1971, 6, 1));
        m.retirement_age = 55;
        assert_eq!(
            check(ClaimReason::Retirement, ClaimDates::default(), m),
            Ok(())
        );
        // Absurd age: beyond the calendar.
        m.retirement_age = u32::MAX;
        assert_eq!(
            check(ClaimReason::Retirement, ClaimDates::default(), m),
            Err(Refusal::NotEligible {
                rule: "retirement_age"
            })
        );
    }

    #[test]
    fn leap_day_birthdays() {
        // 29 Feb 1972 + 56 = 29 Feb 2028 (leap).
        assert_eq!(anniversary(d(1972, 2, 29), 56), Some(d(2028, 2, 29)));
        // 29 Feb 1968 + 57 = 1 Mar 2025 (common year).
        assert_eq!(anniversary(d(1968, 2, 29), 57), Some(d(2025, 3, 1)));
        let m = member(d(1970, 2, 28));
        let mut leap = m;
        leap.birth_date = d(1968, 2, 29);
        leap.retirement_age = 57;
        let on = |day: NaiveDate, m: MemberFacts| {
            check_eligibility(ClaimReason::Retirement, &ClaimDates::default(), &m, day)
        };
        assert!(on(d(2025, 2, 28), leap).is_err());
        assert_eq!(on(d(2025, 3, 1), leap), Ok(()));
        assert_eq!(anniversary(d(2000, 1, 31), 1), Some(d(2001, 1, 31)));
        assert_eq!(anniversary(NaiveDate::MAX, 1), None);
    }

    #[test]
    fn waiting_period() {
        let m = member(d(1990, 1, 1));
        let res = |r: ClaimReason, date: NaiveDate, today: NaiveDate| {
            let dates = ClaimDates {
                last_working_day: Some(date),
                termination_date: Some(date),
                contract_end_date: Some(date),
                ..Default::default()
            };
            check_eligibility(r, &dates, &m, today)
        };
        for r in [
            ClaimReason::Resignation,
            ClaimReason::Termination,
            ClaimReason::ContractEnd,
        ] {
            assert_eq!(res(r, d(2026, 10, 23), d(2026, 11, 23)), Ok(()));
            assert_eq!(
                res(r, d(2026, 10, 24), d(2026, 11, 23)),
                Err(Refusal::NotYetEligible {
                    rule: "waiting_period",
                    eligible_from: d(2026, 11, 24)
                })
            );
            // Clamping to the month's end.
            assert_eq!(
                res(r, d(2026, 1, 31), d(2026, 2, 27)),
                Err(Refusal::NotYetEligible {
                    rule: "waiting_period",
                    eligible_from: d(2026, 2, 28)
                })
            );
            assert_eq!(res(r, d(2026, 1, 31), d(2026, 2, 28)), Ok(()));
            assert_eq!(waiting_period_end(d(2028, 1, 31)), Some(d(2028, 2, 29)));
            assert_eq!(waiting_period_end(d(2026, 3, 31)), Some(d(2026, 4, 30)));
            assert_eq!(waiting_period_end(d(2026, 12, 15)), Some(d(2027, 1, 15)));
            // Today's date is allowed (then not yet eligible), tomorrow's is not.
            assert!(matches!(
                res(r, d(2026, 11, 23), d(2026, 11, 23)),
                Err(Refusal::NotYetEligible { .. })
            ));
            let e = res(r, d(2026, 11, 24), d(2026, 11, 23)).unwrap_err();
            assert_eq!(e.detail(), "date_in_future");
            assert_eq!(e.code(), "invalid_date");
            assert_eq!(e.field(), r.required_date_field());
            // Before birth.
            let e = res(r, d(1989, 12, 31), d(2026, 11, 23)).unwrap_err();
            assert_eq!(e.detail(), "date_before_birth");
        }
    }

    #[test]
    fn partial_claims() {
        let m = member(d(1985, 5, 5));
        let dates = |start| ClaimDates {
            membership_start_date: Some(start),
            ..Default::default()
        };
        for r in [ClaimReason::Partial10, ClaimReason::Partial30] {
            assert_eq!(check(r, dates(d(2016, 11, 23)), m), Ok(()));
            assert_eq!(
                check(r, dates(d(2016, 11, 24)), m),
                Err(Refusal::NotYetEligible {
                    rule: "membership_10_years",
                    eligible_from: d(2026, 11, 24)
                })
            );
            let mut once = m;
            once.earlier_partial_claim = true;
            let e = check(r, dates(d(2000, 1, 1)), once).unwrap_err();
            assert_eq!(
                e,
                Refusal::NotEligible {
                    rule: "partial_once"
                }
            );
            assert_eq!((e.code(), e.detail()), ("not_eligible", "partial_once"));
            // Partial-once beats the 10 years.
            assert_eq!(
                check(r, dates(d(2020, 1, 1)), once),
                Err(Refusal::NotEligible {
                    rule: "partial_once"
                })
            );
            assert_eq!(
                check(r, dates(d(2026, 12, 1)), m).unwrap_err().detail(),
                "date_in_future"
            );
            assert_eq!(
                check(r, dates(d(1985, 5, 4)), m).unwrap_err().detail(),
                "date_before_birth"
            );
            // Leap-day start: 10 years later is 1 March.
            assert_eq!(
                check_eligibility(r, &dates(d(2016, 2, 29)), &m, d(2026, 2, 28)),
                Err(Refusal::NotYetEligible {
                    rule: "membership_10_years",
                    eligible_from: d(2026, 3, 1)
                })
            );
        }
    }

    #[test]
    fn no_waiting_reasons() {
        let m = member(d(1990, 1, 1));
        assert_eq!(
            check(ClaimReason::Disability, ClaimDates::default(), m),
            Ok(())
        );
        let death = |date| ClaimDates {
            date_of_death: Some(date),
            ..Default::default()
        };
        assert_eq!(check(ClaimReason::Death, death(today()), m), Ok(()));
        assert_eq!(
            check(ClaimReason::Death, death(d(2026, 11, 24)), m),
            Err(Refusal::InvalidDate {
                field: "date_of_death",
                detail: "date_in_future"
            })
        );
        assert_eq!(
            check(ClaimReason::Death, death(d(1980, 1, 1)), m),
            Err(Refusal::InvalidDate {
                field: "date_of_death",
                detail: "date_before_birth"
            })
        );
        let leaving = |date| ClaimDates {
            departure_date: date,
            ..Default::default()
        };
        assert_eq!(
            check(ClaimReason::LeavingIndonesia, leaving(None), m),
            Ok(())
        );
        assert_eq!(
            check(
                ClaimReason::LeavingIndonesia,
                leaving(Some(d(2027, 3, 1))),
                m
            ),
            Ok(())
        );
        assert_eq!(
            check(
                ClaimReason::LeavingIndonesia,
                leaving(Some(d(2025, 3, 1))),
                m
            ),
            Ok(())
        );
        assert_eq!(
            check(
                ClaimReason::LeavingIndonesia,
                leaving(Some(d(1989, 3, 1))),
                m
            ),
            Err(Refusal::InvalidDate {
                field: "departure_date",
                detail: "date_before_birth"
            })
        );
        // Dates of other reasons are ignored, even impossible ones.
        let odd = ClaimDates {
            termination_date: Some(d(2099, 1, 1)),
            ..Default::default()
        };
        assert_eq!(check(ClaimReason::Disability, odd, m), Ok(()));
    }

    #[test]
    fn tax() {
        assert_eq!(estimated_tax(0), 0);
        assert_eq!(estimated_tax(-5), 0);
        assert_eq!(estimated_tax(50_000_000), 0);
        assert_eq!(estimated_tax(50_000_019), 0);
        assert_eq!(estimated_tax(50_000_020), 1);
        assert_eq!(estimated_tax(60_000_000), 500_000);
        assert_eq!(estimated_tax(150_000_000), 5_000_000);
        assert_eq!(estimated_tax(i64::MAX), (i64::MAX - 50_000_000) / 20);
        assert!(!npwp_required(None, false));
        assert!(!npwp_required(Some(50_000_000), false));
        assert!(npwp_required(Some(50_000_001), false));
        assert!(npwp_required(None, true));
    }

    fn arb_date(from: NaiveDate, days: i64) -> impl Strategy<Value = NaiveDate> {
        (0..days).prop_map(move |n| from + chrono::Duration::days(n))
    }

    fn arb_waiting_reason() -> impl Strategy<Value = ClaimReason> {
        prop::sample::select(vec![
            ClaimReason::Resignation,
            ClaimReason::Termination,
            ClaimReason::ContractEnd,
        ])
    }

    fn dates_for(r: ClaimReason, date: NaiveDate) -> ClaimDates {
        let mut dates = ClaimDates::default();
        match r.required_date_field() {
            Some(LAST_WORKING_DAY) => dates.last_working_day = Some(date),
            Some(TERMINATION_DATE) => dates.termination_date = Some(date),
            Some(CONTRACT_END_DATE) => dates.contract_end_date = Some(date),
            Some(MEMBERSHIP_START_DATE) => dates.membership_start_date = Some(date),
            Some(DATE_OF_DEATH) => dates.date_of_death = Some(date),
            _ => {}
        }
        dates
    }

    proptest! {
        #[test]
        fn waiting_eligibility_is_monotonic(
            r in arb_waiting_reason(),
            end in arb_date(d(2020, 1, 1), 2500),
            later in 0i64..120,
        ) {
            let m = member(d(1980, 6, 15));
            let dates = dates_for(r, end);
            let today = end + chrono::Duration::days(later);
            let now = check_eligibility(r, &dates, &m, today);
            let tomorrow = check_eligibility(r, &dates, &m, today + chrono::Duration::days(1));
            if now.is_ok() {
                prop_assert_eq!(tomorrow, Ok(()));
            }
            match now {
                Ok(()) => prop_assert!(today >= end + chrono::Duration::days(28)),
                Err(Refusal::NotYetEligible { rule, eligible_from }) => {
                    prop_assert_eq!(rule, "waiting_period");
                    prop_assert!(eligible_from > today);
                    prop_assert!(eligible_from >= end + chrono::Duration::days(28));
                    prop_assert!(eligible_from <= end + chrono::Duration::days(31));
                    // Eligible on that day, not the day before.
                    prop_assert_eq!(check_eligibility(r, &dates, &m, eligible_from), Ok(()));
                    let eve = eligible_from - chrono::Duration::days(1);
                    prop_assert!(check_eligibility(r, &dates, &m, eve).is_err());
                }
                Err(other) => prop_assert!(false, "unexpected {:?}", other),
            }
        }

        #[test]
        fn retirement_is_monotonic_and_exact(
            birth in arb_date(d(1940, 1, 1), 25_000),
            today in arb_date(d(2020, 1, 1), 4000),
            age in 50u32..66,
        ) {
            let mut m = member(birth);
            m.retirement_age = age;
            let r = check_eligibility(ClaimReason::Retirement, &ClaimDates::default(), &m, today);
            let from = anniversary(birth, age).unwrap();
            prop_assert_eq!(r.is_ok(), today >= from);
            if r.is_ok() {
                prop_assert_eq!(
                    check_eligibility(ClaimReason::Retirement, &ClaimDates::default(), &m, today + chrono::Duration::days(1)),
                    Ok(())
                );
            } else {
                prop_assert_eq!(r, Err(Refusal::NotYetEligible { rule: "retirement_age", eligible_from: from }));
            }
            // The anniversary is at least `age` years and at most one day more.
            prop_assert_eq!(from.year() - birth.year(), i32::try_from(age).unwrap());
        }

        #[test]
        fn partial_needs_ten_full_years(
            start in arb_date(d(1995, 1, 1), 12_000),
            today in arb_date(d(2020, 1, 1), 3000),
        ) {
            let m = member(d(1975, 1, 1));
            prop_assume!(start <= today);
            let r = check_eligibility(ClaimReason::Partial10, &dates_for(ClaimReason::Partial10, start), &m, today);
            let ten = anniversary(start, 10).unwrap();
            prop_assert_eq!(r.is_ok(), today >= ten);
            prop_assert!(ten >= start + chrono::Duration::days(3652));
        }

        #[test]
        fn open_claim_always_refused(
            ri in 0usize..9,
            date in arb_date(d(1990, 1, 1), 20_000),
        ) {
            let r = ClaimReason::ALL[ri];
            let mut m = member(d(1970, 1, 1));
            m.has_open_claim = true;
            prop_assert_eq!(check_eligibility(r, &dates_for(r, date), &m, today()), Err(Refusal::ClaimOpen));
        }

        #[test]
        fn tax_bounds(balance in any::<i64>(), extra in 0i64..1_000_000_000) {
            let t = estimated_tax(balance);
            prop_assert!(t >= 0);
            prop_assert!(i128::from(t) * 100 <= i128::from(balance.max(0)) * 5);
            if balance <= NPWP_THRESHOLD {
                prop_assert_eq!(t, 0);
            } else {
                // Exactly 5% of the excess, rounded down.
                let excess = i128::from(balance) - i128::from(NPWP_THRESHOLD);
                prop_assert_eq!(i128::from(t), excess * 5 / 100);
            }
            if let Some(more) = balance.checked_add(extra) {
                prop_assert!(estimated_tax(more) >= t);
            }
        }
    }
}

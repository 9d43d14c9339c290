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

mod eligibility;
mod reason;
mod status;
#[cfg(test)]
mod tests;

pub use eligibility::*;
pub use reason::*;
pub use status::*;

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

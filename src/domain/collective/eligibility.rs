//! Eligibility ([`eligibility`])
//!
//! A company may file collectively when it is medium or large by BPS class
//! (registered headcount 20 or more: micro 1–4, small 5–19, medium 20–99,
//! large 100+, see [`size_class`]) and the laid-off workers are at least 30%
//! of the headcount: `laid_off * 100 >= headcount * 30`, in `u64`, so exactly
//! 30% qualifies. `required` is the smallest qualifying count,
//! `ceil(headcount * 30 / 100)`. `laid_off` is [`Validated::laid_off`] (valid
//! rows with reason `termination`) plus what the server counts from earlier
//! accepted batches of the same layoff.

use serde::Serialize;

use chrono::NaiveDate;

use super::values::REASON_TERMINATION;
use super::*;
use crate::domain::claim::{check_eligibility, ClaimDates, ClaimReason, MemberFacts};

/// BPS business size class by number of workers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SizeClass {
    /// 1–4 workers (and 0).
    Micro,
    /// 5–19 workers.
    Small,
    /// 20–99 workers.
    Medium,
    /// 100 or more.
    Large,
}

impl SizeClass {
    /// Stable code: `micro`, `small`, `medium`, `large`.
    pub fn code(self) -> &'static str {
        match self {
            SizeClass::Micro => "micro",
            SizeClass::Small => "small",
            SizeClass::Medium => "medium",
            SizeClass::Large => "large",
        }
    }

    /// Whether the class may file collective claims (medium or large).
    pub fn may_file_collectively(self) -> bool {
        self >= SizeClass::Medium
    }
}

/// The BPS size class of a company with `headcount` workers (0 counts as
/// micro).
pub fn size_class(headcount: u32) -> SizeClass {
    match headcount {
        0..=4 => SizeClass::Micro,
        5..=19 => SizeClass::Small,
        20..=99 => SizeClass::Medium,
        _ => SizeClass::Large,
    }
}

/// Whether a company may file collectively (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Eligibility {
    pub headcount: u32,
    pub laid_off: u32,
    /// The fewest laid-off workers that reach 30%.
    pub required: u32,
    /// Medium or large company.
    pub size_ok: bool,
    /// At least 30% laid off.
    pub share_ok: bool,
    pub eligible: bool,
}

/// The 30% rule for `laid_off` of `headcount` registered workers.
pub fn eligibility(headcount: u32, laid_off: u32) -> Eligibility {
    let h = u64::from(headcount);
    let l = u64::from(laid_off);
    let pct = u64::from(MIN_SHARE_PERCENT);
    // ceil(h * 30 / 100) <= h, so it fits a u32.
    let required = u32::try_from((h * pct).div_ceil(100)).unwrap_or(u32::MAX);
    let size_ok = size_class(headcount).may_file_collectively();
    let share_ok = l * 100 >= h * pct;
    Eligibility {
        headcount,
        laid_off,
        required,
        size_ok,
        share_ok,
        eligible: size_ok && share_ok,
    }
}

/// The figure in words: "27 dari 100 pekerja = 27%; minimal 30 diperlukan"
/// / "27 of 100 workers = 27%; at least 30 are needed" (percent rounded
/// down), followed by the size rule when the company is too small.
pub fn explain(e: &Eligibility, lang_is_id: bool) -> String {
    let percent = if e.headcount == 0 {
        0
    } else {
        u64::from(e.laid_off) * 100 / u64::from(e.headcount)
    };
    let mut s = if lang_is_id {
        format!(
            "{} dari {} pekerja = {percent}%; minimal {} diperlukan",
            e.laid_off, e.headcount, e.required
        )
    } else {
        format!(
            "{} of {} worker{} = {percent}%; at least {} {} needed",
            e.laid_off,
            e.headcount,
            if e.headcount == 1 { "" } else { "s" },
            e.required,
            if e.required == 1 { "is" } else { "are" }
        )
    };
    if !e.size_ok {
        s.push_str(if lang_is_id {
            "; klaim kolektif hanya untuk perusahaan menengah atau besar (minimal 20 pekerja terdaftar)"
        } else {
            "; collective claims are only for medium or large companies (at least 20 registered workers)"
        });
    }
    s
}

// ---------------------------------------------------------------------------
// Fingerprint and downloads
// ---------------------------------------------------------------------------

/// How many of these row reasons are a layoff (`termination`): the one
/// place the laid-off workers of a batch are counted.
pub fn laid_off<'a>(reasons: impl IntoIterator<Item = &'a str>) -> u32 {
    let n = reasons
        .into_iter()
        .filter(|r| *r == REASON_TERMINATION)
        .count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The claim reason of a batch row's reason code (`termination`,
/// `resignation` or `contract_end`; anything else counts as termination).
pub fn claim_reason(code: &str) -> ClaimReason {
    ClaimReason::parse(code).unwrap_or(ClaimReason::Termination)
}

/// A batch row's one end date, under the date field its reason takes: the
/// last working day of a resignation, the end of a contract, otherwise the
/// termination date.
pub fn claim_dates(reason: ClaimReason, end: NaiveDate) -> ClaimDates {
    let mut d = ClaimDates::default();
    match reason {
        ClaimReason::Resignation => d.last_working_day = Some(end),
        ClaimReason::ContractEnd => d.contract_end_date = Some(end),
        _ => d.termination_date = Some(end),
    }
    d
}

/// Moves rows that cannot be claimed yet (the one-month waiting rule, a
/// date before birth) from `valid` to `errors`.
pub fn apply_claim_rules(v: &mut Validated, today: NaiveDate) {
    let mut keep = Vec::with_capacity(v.valid.len());
    for w in std::mem::take(&mut v.valid) {
        let reason = claim_reason(w.reason);
        let dates = claim_dates(reason, w.termination_date);
        match check_eligibility(reason, &dates, &MemberFacts::new(w.birth_date), today) {
            Ok(()) => keep.push(w),
            Err(refusal) => v.errors.push(RowError {
                row: Some(w.line),
                column: Some("termination_date"),
                code: refusal.code(),
                value: w.termination_date.format("%Y-%m-%d").to_string(),
                detail: match refusal.detail() {
                    "waiting_period" => "batch_waiting_period",
                    "date_before_birth" => "batch_date_before_birth",
                    _ => "batch_not_claimable",
                },
            }),
        }
    }
    v.valid = keep;
}

/// Stable: whole-file errors first, then by row; whole-row errors before
/// the row's column errors.
pub fn sort_by_row(errors: &mut [RowError]) {
    errors.sort_by_key(|e| (e.row, e.column.is_some()));
}

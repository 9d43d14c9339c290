#![allow(clippy::unwrap_used)]

use super::*;
use chrono::{Datelike, NaiveDate};
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

/// [`check`] without dates: the reasons that take none, or a claim
/// missing its dates.
fn check_undated(reason: ClaimReason, m: MemberFacts) -> Result<(), Refusal> {
    check(reason, ClaimDates::default(), m)
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
        let e = check_undated(r, m).unwrap_err();
        assert_eq!(e, Refusal::ClaimOpen);
        assert_eq!((e.code(), e.http_status()), ("claim_open", 409));
    }
}

#[test]
fn missing_fields() {
    let m = member(d(1990, 1, 1));
    for r in ClaimReason::ALL {
        let res = check_undated(r, m);
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
    assert_eq!(check_undated(ClaimReason::Retirement, m), Ok(()));
    let m = member(d(1970, 11, 24));
    let e = check_undated(ClaimReason::Retirement, m).unwrap_err();
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
    assert_eq!(check_undated(ClaimReason::Retirement, m), Ok(()));
    // Absurd age: beyond the calendar.
    m.retirement_age = u32::MAX;
    assert_eq!(
        check_undated(ClaimReason::Retirement, m),
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
    assert_eq!(check_undated(ClaimReason::Disability, m), Ok(()));
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

#[test]
fn refusals_belong_to_their_field() {
    let wait = Refusal::NotYetEligible {
        rule: "waiting_period",
        eligible_from: d(2026, 11, 24),
    };
    assert_eq!(
        wait.field_for(ClaimReason::Resignation),
        Some("last_working_day")
    );
    assert_eq!(
        wait.field_for(ClaimReason::Termination),
        Some("termination_date")
    );
    assert_eq!(
        wait.field_for(ClaimReason::ContractEnd),
        Some("contract_end_date")
    );
    let ten = Refusal::NotYetEligible {
        rule: "membership_10_years",
        eligible_from: d(2030, 1, 1),
    };
    assert_eq!(
        ten.field_for(ClaimReason::Partial10),
        Some("membership_start_date")
    );
    let age = Refusal::NotYetEligible {
        rule: "retirement_age",
        eligible_from: d(2030, 1, 1),
    };
    assert_eq!(age.field_for(ClaimReason::Retirement), None);
    let missing = Refusal::MissingField {
        field: "date_of_death",
    };
    assert_eq!(missing.field_for(ClaimReason::Death), Some("date_of_death"));
    assert_eq!(Refusal::ClaimOpen.field_for(ClaimReason::Death), None);
}

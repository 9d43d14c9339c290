//! The log's time filter: a bound is an exact instant, or a day that each
//! entry reads in its own branch's time zone (the subject's branch, else
//! the actor's; Asia/Jakarta, head office's, for an entry at no branch or
//! at a branch no longer listed) — the day the log shows beside the UTC
//! instant, and the day the figures and anomalies count in. Indonesia's
//! zones keep one offset all year, so a day is one UTC window per zone.

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Nullable, Text};

use crate::db::schema::audit_log;
use crate::db::MultiBackend;

/// One bound of the time filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// An instant (UTC): from it inclusive, to it exclusive.
    At(NaiveDateTime),
    /// A branch-local day: from its start, to its end (inclusive).
    Day(NaiveDate),
}

/// A condition on `audit_log` rows.
pub type Cond =
    Box<dyn BoxableExpression<audit_log::table, MultiBackend, SqlType = Nullable<Bool>>>;

diesel::define_sql_function! {
    /// The first of two texts that is not null.
    fn coalesce(a: Nullable<Text>, b: Nullable<Text>) -> Nullable<Text>;
}

/// The instant a local day (or, for an upper bound, the next day) starts
/// in `tz`.
fn start_in(tz: Tz, day: NaiveDate, upper: bool) -> NaiveDateTime {
    let day = if upper {
        day.succ_opt().unwrap_or(day)
    } else {
        day
    };
    crate::domain::schedule::day_start_utc(tz, day)
}

/// The lower (`upper` false) or upper bound as a condition, with each
/// branch's zone from `zones` (code → zone).
pub fn condition(zones: &HashMap<String, Tz>, bound: Bound, upper: bool) -> Cond {
    let cmp = move |t: NaiveDateTime| -> Cond {
        match upper {
            true => Box::new(audit_log::at.lt(t).nullable()),
            false => Box::new(audit_log::at.ge(t).nullable()),
        }
    };
    let day = match bound {
        Bound::At(t) => return cmp(t),
        Bound::Day(day) => day,
    };
    let head_office = start_in(chrono_tz::Asia::Jakarta, day, upper);
    // The branches whose day starts at another instant than head office's,
    // grouped by that instant.
    let mut other: BTreeMap<NaiveDateTime, Vec<String>> = BTreeMap::new();
    for (code, tz) in zones {
        let start = start_in(*tz, day, upper);
        if start != head_office {
            other.entry(start).or_default().push(code.clone());
        }
    }
    let place = || coalesce(audit_log::branch_code, audit_log::actor_branch);
    let elsewhere: Vec<String> = other.values().flatten().cloned().collect();
    let mut all: Cond = Box::new(
        place()
            .is_null()
            .nullable()
            .or(place().ne_all(elsewhere))
            .and(cmp(head_office)),
    );
    for (start, codes) in other {
        all = Box::new(all.or(place().eq_any(codes).and(cmp(start))));
    }
    // Also as one window over every zone, which the index on `at` serves.
    let widest = [head_office]
        .into_iter()
        .chain(zones.values().map(|tz| start_in(*tz, day, upper)));
    let edge = match upper {
        true => widest.max(),
        false => widest.min(),
    };
    match edge {
        Some(t) => Box::new(all.and(cmp(t))),
        None => all,
    }
}

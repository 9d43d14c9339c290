//! Closing a branch-day or part of it (flood, outage): what a closure
//! request must hold. The hours are the branch's local time; a closure
//! without hours closes the whole day.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;

use super::{Code, Invalid};

/// The longest reason kept (it is mailed to everyone affected).
pub const MAX_REASON_CHARS: usize = 300;

/// A closure as requested, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosureRequest {
    pub date: NaiveDate,
    /// Local start and end; `00:00`–`24:00` for a whole day.
    pub from: NaiveTime,
    pub until: Option<NaiveTime>,
    pub reason: String,
}

fn time(field: &'static str, s: Option<&str>) -> Result<Option<NaiveTime>, Invalid> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => NaiveTime::parse_from_str(s, "%H:%M")
            .or_else(|_| NaiveTime::parse_from_str(s, "%H.%M"))
            .map(Some)
            .map_err(|_| Invalid::new(Code::InvalidTime, field, "invalid_time")),
    }
}

/// Checks a request: a date (`YYYY-MM-DD`), optional hours (`HH:MM`, from
/// before until) and a reason of 3 to [`MAX_REASON_CHARS`] characters.
/// Every problem, in form order.
pub fn parse(
    date: &str,
    from: Option<&str>,
    until: Option<&str>,
    reason: &str,
) -> Result<ClosureRequest, Vec<Invalid>> {
    let mut errors = Vec::new();
    let date = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d")
        .map_err(|_| errors.push(Invalid::new(Code::InvalidDate, "date", "invalid_date")))
        .ok();
    let from = time("from", from)
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    let until = time("until", until)
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    if let (Some(f), Some(u)) = (from, until) {
        if f >= u {
            errors.push(Invalid::new(
                Code::InvalidTime,
                "until",
                "closure_until_before_from",
            ));
        }
    }
    let reason = reason.trim();
    let n = reason.chars().count();
    if n < 3 {
        errors.push(Invalid::new(
            Code::ReasonRequired,
            "reason",
            "closure_reason_required",
        ));
    } else if n > MAX_REASON_CHARS || reason.chars().any(char::is_control) {
        errors.push(Invalid::new(
            Code::ReasonRequired,
            "reason",
            "closure_reason_too_long",
        ));
    }
    match (date, errors.is_empty()) {
        (Some(date), true) => Ok(ClosureRequest {
            date,
            from: from.unwrap_or(NaiveTime::MIN),
            until,
            reason: reason.to_string(),
        }),
        _ => Err(errors),
    }
}

impl ClosureRequest {
    /// The closed span as UTC instants [start, end) at a branch in `tz`.
    pub fn span_utc(&self, tz: Tz) -> Option<(NaiveDateTime, NaiveDateTime)> {
        let local = |t: NaiveDateTime| tz.from_local_datetime(&t).single().map(|d| d.naive_utc());
        let start = local(self.date.and_time(self.from))?;
        let end = match self.until {
            Some(u) => local(self.date.and_time(u))?,
            None => local(self.date.succ_opt()?.and_time(NaiveTime::MIN))?,
        };
        Some((start, end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(r: Result<ClosureRequest, Vec<Invalid>>) -> Vec<(&'static str, &'static str)> {
        r.err()
            .unwrap_or_default()
            .iter()
            .map(|e| (e.field, e.detail))
            .collect()
    }

    #[test]
    fn a_whole_day_closure() {
        let r = parse("2026-11-24", None, Some(" "), "Banjir di depan kantor").expect("valid");
        assert_eq!(r.from, NaiveTime::MIN);
        assert_eq!(r.until, None);
        // Makassar (WITA, +8): the local day is 16:00 the day before to 16:00 UTC.
        let (s, e) = r.span_utc(chrono_tz::Asia::Makassar).expect("span");
        assert_eq!(s.to_string(), "2026-11-23 16:00:00");
        assert_eq!(e.to_string(), "2026-11-24 16:00:00");
    }

    #[test]
    fn part_of_a_day_in_local_hours() {
        let r = parse("2026-11-24", Some("10:00"), Some("13.30"), "Listrik padam").expect("valid");
        let (s, e) = r.span_utc(chrono_tz::Asia::Jayapura).expect("span");
        assert_eq!(s.to_string(), "2026-11-24 01:00:00");
        assert_eq!(e.to_string(), "2026-11-24 04:30:00");
    }

    #[test]
    fn every_problem_is_named_in_form_order() {
        let got = codes(parse("24-11-2026", Some("25:00"), Some("x"), " "));
        assert_eq!(
            got,
            vec![
                ("date", "invalid_date"),
                ("from", "invalid_time"),
                ("until", "invalid_time"),
                ("reason", "closure_reason_required"),
            ]
        );
        let got = codes(parse("2026-11-24", Some("13:00"), Some("10:00"), "Banjir"));
        assert_eq!(got, vec![("until", "closure_until_before_from")]);
        let long = "a".repeat(MAX_REASON_CHARS + 1);
        let got = codes(parse("2026-11-24", None, None, &long));
        assert_eq!(got, vec![("reason", "closure_reason_too_long")]);
        let got = codes(parse("2026-11-24", None, None, "ban\u{0}jir"));
        assert_eq!(got, vec![("reason", "closure_reason_too_long")]);
    }
}

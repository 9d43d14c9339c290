//! Reading the verification log: the auditor's filters (parsed from what
//! was typed), pages of entries, a claim's timeline, the checkpoints, the
//! per-agent figures and the anomaly list. The console pages and the JSON
//! API both call these.

use chrono::{DateTime, NaiveDate};
use serde::Deserialize;

use crate::app::error::{AppError, AppResult};
use crate::app::read_db;
use crate::db::audit::anomalies::{self, Flag};
use crate::db::audit::read::{self, Checkpoint, Entry, Filter};
use crate::db::audit::stats::{self, Range};
use crate::db::audit::window::Bound;
use crate::db::Db;
use crate::domain::audit::anomaly::{AgentDay, Kind};
use crate::domain::Code;

/// Entries per page.
pub const PAGE: i64 = 100;
/// Rows in one CSV export at most.
pub const CSV_LIMIT: i64 = 100_000;

/// A participant id no row has: a NIK filter that found nobody.
const NOBODY: i64 = -1;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct EntriesQuery {
    /// Branch code of the subject.
    pub branch: Option<String>,
    /// Actor (staff or participant) id.
    pub actor: Option<String>,
    /// Action, e.g. `session.finished`.
    pub action: Option<String>,
    /// Participant id of the subject.
    pub participant: Option<String>,
    /// Claim id of the subject.
    pub claim: Option<String>,
    /// From (inclusive): RFC 3339, or YYYY-MM-DD (the start of that day
    /// at each entry's branch — the subject's, else the actor's — in its
    /// time zone; WIB for an entry at no branch).
    pub from: Option<String>,
    /// To: RFC 3339 (exclusive), or YYYY-MM-DD (that whole day, read as
    /// `from`'s).
    pub to: Option<String>,
    /// Cursor: the last seq seen (the previous page's `next`).
    pub after: Option<String>,
    /// The participant's NIK (16 digits): looked up to the participant.
    pub nik: Option<String>,
}

fn nonempty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// `v` parsed by `parse` unless blank; a value `parse` refuses is a `code`
/// error on `field`.
fn parsed<T>(
    field: &'static str,
    v: &Option<String>,
    code: Code,
    parse: impl FnOnce(&str) -> Option<T>,
) -> AppResult<Option<T>> {
    nonempty(v)
        .map(|s| parse(s).ok_or_else(|| AppError::unprocessable(code).field(field)))
        .transpose()
}

fn int(field: &'static str, v: &Option<String>) -> AppResult<Option<i64>> {
    parsed(field, v, Code::InvalidField, |s| s.parse().ok())
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// An instant from RFC 3339, or a day (each entry's branch-local day).
fn bound(field: &'static str, v: &Option<String>) -> AppResult<Option<Bound>> {
    parsed(
        field,
        v,
        Code::InvalidDate,
        |s| match DateTime::parse_from_rfc3339(s) {
            Ok(t) => Some(Bound::At(t.naive_utc())),
            Err(_) => date(s).map(Bound::Day),
        },
    )
}

/// A NIK as the auditor typed it: 16 digits, spaces ignored.
pub fn nik_filter(v: &Option<String>) -> AppResult<Option<String>> {
    let Some(s) = nonempty(v) else {
        return Ok(None);
    };
    let digits: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() != 16 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AppError::unprocessable(Code::InvalidNik).field("nik"));
    }
    Ok(Some(digits))
}

impl EntriesQuery {
    /// The filter, with a NIK resolved to its participant (no participant
    /// with that NIK, or another one than `participant`: nothing matches).
    pub async fn resolve(&self, db: &Db) -> AppResult<Filter> {
        let mut f = self.filter()?;
        if let Some(nik) = nik_filter(&self.nik)? {
            let found = read_db(db, move |c| stats::participant_by_nik(c, &nik)).await?;
            f.participant = match (found, f.participant) {
                (Some(id), None) => Some(id),
                (Some(id), Some(p)) if id == p => Some(id),
                _ => Some(NOBODY),
            };
        }
        Ok(f)
    }

    pub fn filter(&self) -> AppResult<Filter> {
        Ok(Filter {
            branch: nonempty(&self.branch).map(str::to_string),
            actor: int("actor", &self.actor)?,
            action: nonempty(&self.action).map(str::to_string),
            participant: int("participant", &self.participant)?,
            claim: int("claim", &self.claim)?,
            from: bound("from", &self.from)?,
            to: bound("to", &self.to)?,
            after: int("after", &self.after)?,
        })
    }
}

/// One page of entries and the cursor of the next (None on the last).
pub async fn page(db: &Db, filter: Filter) -> AppResult<(Vec<Entry>, Option<i64>)> {
    let mut rows = read_db(db, move |c| read::search(c, &filter, PAGE + 1)).await?;
    let more = rows.len() as i64 > PAGE;
    rows.truncate(PAGE as usize);
    let next = if more {
        rows.last().map(|e| e.seq)
    } else {
        None
    };
    Ok((rows, next))
}

/// The rows of one CSV export (at most [`CSV_LIMIT`]).
pub async fn export(db: &Db, filter: Filter) -> AppResult<Vec<Entry>> {
    read_db(db, move |c| read::search(c, &filter, CSV_LIMIT)).await
}

/// Everything recorded about one claim, in order.
pub async fn timeline(db: &Db, claim_id: i64) -> AppResult<Vec<Entry>> {
    read_db(db, move |c| read::timeline(c, claim_id)).await
}

/// Every signed checkpoint of the log's head.
pub async fn checkpoints(db: &Db) -> AppResult<Vec<Checkpoint>> {
    read_db(db, read::checkpoints).await
}

/// The longest range of days the figures and the anomaly list cover.
pub const MAX_RANGE_DAYS: i64 = 31;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct RangeQuery {
    /// Branch code; all branches when absent.
    pub branch: Option<String>,
    /// First branch-local day, YYYY-MM-DD (default: today in UTC).
    pub from: Option<String>,
    /// Last branch-local day, inclusive (default: `from`).
    pub to: Option<String>,
    /// Anomalies only: one kind (quick_verification, outside_hours,
    /// high_rate, unassigned_view, self_edited, shared_contact, churn,
    /// seat_passed, many_branches).
    pub kind: Option<String>,
}

fn day(field: &'static str, v: &Option<String>) -> AppResult<Option<NaiveDate>> {
    parsed(field, v, Code::InvalidDate, date)
}

impl RangeQuery {
    pub fn range(&self, today: NaiveDate) -> AppResult<Range> {
        let from = day("from", &self.from)?.unwrap_or(today);
        let to = day("to", &self.to)?.unwrap_or(from);
        if to < from {
            return Err(AppError::unprocessable(Code::InvalidDate).field("to"));
        }
        if (to - from).num_days() >= MAX_RANGE_DAYS {
            return Err(AppError::unprocessable(Code::AuditRangeTooLong).field("to"));
        }
        Ok(Range {
            branch: nonempty(&self.branch).map(str::to_string),
            from,
            to,
        })
    }

    pub fn kind(&self) -> AppResult<Option<Kind>> {
        parsed("kind", &self.kind, Code::InvalidField, Kind::parse)
    }
}

pub async fn agent_days(db: &Db, range: Range) -> AppResult<Vec<AgentDay>> {
    read_db(db, move |c| stats::agent_days(c, &range)).await
}

pub async fn anomalies(db: &Db, range: Range, kind: Option<Kind>) -> AppResult<Vec<Flag>> {
    read_db(db, move |c| anomalies::anomalies(c, &range, kind)).await
}

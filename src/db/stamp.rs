//! Instants (`TIMESTAMP`, UTC) written and read on SQLite without
//! chrono's format strings: the same text diesel writes (`%F %T%.f`:
//! `2026-11-23 07:00:00`, a fraction only when there is one, of 3, 6 or 9
//! digits). Diesel formats a `NaiveDateTime` for SQLite through `strftime`
//! items and parses one by trying up to 18 formats: about 3,000
//! instructions a value, ~45,000 of the ~570,000 a booking took. A
//! [`Stamp`] is bound where a `NaiveDateTime` was, and a row's field is read
//! through one with `#[diesel(deserialize_as = Stamp)]`; the booking's own
//! statements use it. Anything the fast path does not take (a year outside
//! 0–9999, a leap second, another of the formats diesel accepts, a number)
//! goes to diesel's own code, so what is stored and what is read are
//! exactly as before. PostgreSQL's binary form is diesel's, unchanged.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::pg::Pg;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::Timestamp;
use diesel::sqlite::{Sqlite, SqliteType};

use super::MultiBackend;

/// An instant bound or read as `Timestamp`, with SQLite's text written and
/// read directly (see the module's documentation).
#[derive(Debug, Clone, Copy, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = Timestamp)]
pub struct Stamp(pub NaiveDateTime);

impl From<Stamp> for NaiveDateTime {
    fn from(s: Stamp) -> Self {
        s.0
    }
}

/// `value` as diesel writes it for SQLite (`%F %T%.f`), `None` when the
/// fast path does not cover it (the caller uses diesel's own `ToSql`).
fn encode(value: &NaiveDateTime) -> Option<String> {
    let (date, time) = (value.date(), value.time());
    let year = u32::try_from(date.year()).ok().filter(|y| *y <= 9999)?;
    let nano = time.nanosecond();
    if nano >= 1_000_000_000 {
        return None; // a leap second: chrono writes it as :60
    }
    let mut out = String::with_capacity(29);
    digits(&mut out, year, 4);
    out.push('-');
    digits(&mut out, date.month(), 2);
    out.push('-');
    digits(&mut out, date.day(), 2);
    out.push(' ');
    digits(&mut out, time.hour(), 2);
    out.push(':');
    digits(&mut out, time.minute(), 2);
    out.push(':');
    digits(&mut out, time.second(), 2);
    // chrono's `%.f`: nothing for whole seconds, else 3, 6 or 9 digits.
    if nano != 0 {
        out.push('.');
        match nano {
            n if n % 1_000_000 == 0 => digits(&mut out, n / 1_000_000, 3),
            n if n % 1_000 == 0 => digits(&mut out, n / 1_000, 6),
            n => digits(&mut out, n, 9),
        }
    }
    Some(out)
}

/// Appends `n` as exactly `width` decimal digits (zero-padded).
fn digits(out: &mut String, n: u32, width: u32) {
    let mut scale = 10u32.pow(width - 1);
    while scale > 0 {
        out.push(char::from(b'0' + (n / scale % 10) as u8));
        scale /= 10;
    }
}

/// `text` read as `YYYY-MM-DD HH:MM:SS` with an optional fraction of 1–9
/// digits, `None` for anything else (the caller asks diesel, which tries
/// every format it knows).
fn decode(text: &str) -> Option<NaiveDateTime> {
    let b = text.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || b[10] != b' ' {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let nano = match &b[19..] {
        [] => 0,
        [b'.', fraction @ ..] if (1..=9).contains(&fraction.len()) => {
            number(fraction)? * 10u32.pow(9 - fraction.len() as u32)
        }
        _ => return None,
    };
    let date = NaiveDate::from_ymd_opt(
        i32::try_from(number(&b[0..4])?).ok()?,
        number(&b[5..7])?,
        number(&b[8..10])?,
    )?;
    date.and_hms_nano_opt(
        number(&b[11..13])?,
        number(&b[14..16])?,
        number(&b[17..19])?,
        nano,
    )
}

/// The ASCII digits `b` as a number (`None` if any byte is not a digit).
fn number(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |n, c| {
        c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
    })
}

impl ToSql<Timestamp, Sqlite> for Stamp {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        match encode(&self.0) {
            Some(text) => {
                out.set_value(text);
                Ok(IsNull::No)
            }
            None => <NaiveDateTime as ToSql<Timestamp, Sqlite>>::to_sql(&self.0, out),
        }
    }
}

impl FromSql<Timestamp, Sqlite> for Stamp {
    fn from_sql(mut value: <Sqlite as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        if value.value_type() == Some(SqliteType::Text) {
            if let Some(at) = decode(value.read_text()) {
                return Ok(Stamp(at));
            }
        }
        <NaiveDateTime as FromSql<Timestamp, Sqlite>>::from_sql(value).map(Stamp)
    }
}

impl ToSql<Timestamp, Pg> for Stamp {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        <NaiveDateTime as ToSql<Timestamp, Pg>>::to_sql(&self.0, out)
    }
}

impl FromSql<Timestamp, Pg> for Stamp {
    fn from_sql(value: <Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        <NaiveDateTime as FromSql<Timestamp, Pg>>::from_sql(value).map(Stamp)
    }
}

// Both backends behind `DbConnection` (diesel's documented way for a type
// of one's own).
impl FromSql<Timestamp, MultiBackend> for Stamp {
    fn from_sql(value: <MultiBackend as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        value.from_sql::<Stamp, Timestamp>()
    }
}

impl ToSql<Timestamp, MultiBackend> for Stamp {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
        out.set_value((Timestamp, self));
        Ok(IsNull::No)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn chrono_text(at: &NaiveDateTime) -> String {
        at.format("%F %T%.f").to_string()
    }

    #[test]
    fn writes_what_diesel_writes() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 23).expect("a day");
        for (nano, text) in [
            (0, "2026-11-23 07:05:09"),
            (500_000_000, "2026-11-23 07:05:09.500"),
            (123_456_000, "2026-11-23 07:05:09.123456"),
            (1, "2026-11-23 07:05:09.000000001"),
        ] {
            let at = day.and_hms_nano_opt(7, 5, 9, nano).expect("a time");
            assert_eq!(encode(&at).as_deref(), Some(text));
            assert_eq!(decode(text), Some(at));
        }
    }

    #[test]
    fn leaves_other_texts_and_instants_to_diesel() {
        for text in [
            "2026-11-23T07:05:09",
            "2026-11-23 07:05",
            "2026-11-23 07:05:09Z",
            "2026-11-23 07:05:09.",
            "2026-11-23 07:05:09.1234567890",
            "2026-02-30 07:05:09",
            "2026-11-23 24:00:00",
            "2026-11-23 07:05:60",
            "+2026-11-23 07:05:09",
            "2460637.5",
        ] {
            assert_eq!(decode(text), None, "{text}");
        }
        let far = NaiveDate::from_ymd_opt(12_026, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0));
        assert_eq!(far.as_ref().and_then(encode), None);
        let leap = NaiveDate::from_ymd_opt(2016, 12, 31)
            .and_then(|d| d.and_hms_milli_opt(23, 59, 59, 1_500));
        assert_eq!(leap.as_ref().and_then(encode), None);
    }

    /// Written through diesel's `NaiveDateTime` and through `Stamp` into
    /// a real SQLite file: the same text for every kind of instant (those
    /// the fast path leaves to chrono among them), and each read back the
    /// same either way.
    #[test]
    fn sqlite_stores_and_reads_the_same_either_way() {
        use diesel::connection::SimpleConnection;
        use diesel::prelude::*;
        use diesel::sql_types::BigInt;

        #[derive(QueryableByName)]
        struct Row {
            #[diesel(sql_type = Timestamp)]
            a: NaiveDateTime,
            #[diesel(sql_type = Timestamp, deserialize_as = Stamp)]
            b: NaiveDateTime,
        }
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = BigInt)]
            n: i64,
        }

        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("s.db");
        let mut c = SqliteConnection::establish(&path.to_string_lossy()).expect("open");
        c.batch_execute("CREATE TABLE t (a TIMESTAMP NOT NULL, b TIMESTAMP NOT NULL)")
            .expect("table");
        let day = NaiveDate::from_ymd_opt(2026, 11, 23).expect("a day");
        let leap = NaiveDate::from_ymd_opt(2016, 12, 31)
            .and_then(|d| d.and_hms_milli_opt(23, 59, 59, 1_500))
            .expect("a leap second");
        let far = NaiveDate::from_ymd_opt(12_026, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .expect("a far year");
        let mut samples = vec![leap, far];
        for nano in [0, 7_000_000, 7_000, 7, 999_999_999] {
            samples.push(day.and_hms_nano_opt(23, 59, 58, nano).expect("a time"));
        }
        for at in &samples {
            diesel::sql_query("INSERT INTO t (a, b) VALUES (?, ?)")
                .bind::<Timestamp, _>(at)
                .bind::<Timestamp, _>(Stamp(*at))
                .execute(&mut c)
                .expect("insert");
        }
        let differ = diesel::sql_query("SELECT count(*) AS n FROM t WHERE a <> b")
            .get_result::<N>(&mut c)
            .expect("count");
        assert_eq!(differ.n, 0, "the same text either way");
        let rows = diesel::sql_query("SELECT a, a AS b FROM t ORDER BY rowid")
            .load::<Row>(&mut c)
            .expect("read");
        assert_eq!(rows.len(), samples.len());
        for (row, at) in rows.iter().zip(&samples) {
            assert_eq!((row.a, row.b), (*at, *at));
        }
    }

    proptest! {
        #[test]
        fn same_text_and_same_instant_as_chrono(
            secs in 0i64..253_402_300_799,
            nano in prop_oneof![Just(0u32), 0u32..1_000_000_000, (0u32..1_000).prop_map(|m| m * 1_000_000), (0u32..1_000_000).prop_map(|u| u * 1_000)],
        ) {
            let at = chrono::DateTime::from_timestamp(secs, nano).expect("in range").naive_utc();
            let text = chrono_text(&at);
            prop_assert_eq!(encode(&at), Some(text.clone()));
            prop_assert_eq!(decode(&text), Some(at));
            let parsed = NaiveDateTime::parse_from_str(&text, "%F %T%.f").ok();
            prop_assert_eq!(decode(&text), parsed);
        }

        #[test]
        fn any_text_reads_as_chrono_reads_it_or_not_at_all(text in "[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?") {
            if let Some(at) = decode(&text) {
                prop_assert_eq!(Some(at), NaiveDateTime::parse_from_str(&text, "%F %T%.f").ok());
            }
        }
    }
}

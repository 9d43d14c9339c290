//! Dates and amounts as people read them, in either language.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Weekday};

use super::Lang;

const MONTHS_ID: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

pub fn weekday_name(lang: Lang, d: Weekday) -> &'static str {
    let i = d.num_days_from_monday() as usize;
    let id = [
        "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu",
    ];
    let en = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
    match lang {
        Lang::Id => id[i],
        Lang::En => en[i],
    }
}

/// "12 Desember 2026" / "12 December 2026".
pub fn long_date(lang: Lang, d: NaiveDate) -> String {
    let m = d.month0() as usize;
    let month = match lang {
        Lang::Id => MONTHS_ID[m],
        Lang::En => MONTHS_EN[m],
    };
    format!("{} {} {}", d.day(), month, d.year())
}

/// "Senin, 23 November 2026".
pub fn day_label(lang: Lang, d: NaiveDate) -> String {
    format!(
        "{}, {}",
        weekday_name(lang, d.weekday()),
        long_date(lang, d)
    )
}

/// "Sen, 23 Nov" / "Mon, 23 Nov": for compact navigation.
pub fn short_day_label(lang: Lang, d: NaiveDate) -> String {
    let wd: String = weekday_name(lang, d.weekday()).chars().take(3).collect();
    let m = d.month0() as usize;
    let month: String = match lang {
        Lang::Id => MONTHS_ID[m],
        Lang::En => MONTHS_EN[m],
    }
    .chars()
    .take(3)
    .collect();
    format!("{wd}, {} {month}", d.day())
}

/// "Senin, 23 November 2026 pukul 08.00 WITA" from a branch-local time.
pub fn local_datetime(lang: Lang, local: NaiveDateTime, zone: &str) -> String {
    match lang {
        Lang::Id => format!(
            "{} pukul {} {}",
            day_label(lang, local.date()),
            local.format("%H.%M"),
            zone
        ),
        Lang::En => format!(
            "{} at {} {}",
            day_label(lang, local.date()),
            local.format("%H:%M"),
            zone
        ),
    }
}

/// A clock time as each language writes it: "08.30" (id), "08:30" (en).
pub fn clock_time<T: chrono::Timelike>(lang: Lang, t: &T) -> String {
    let sep = match lang {
        Lang::Id => '.',
        Lang::En => ':',
    };
    format!("{:02}{sep}{:02}", t.hour(), t.minute())
}

/// A number with one decimal, comma-separated under `id`: "0,4" / "0.4";
/// "–" when there is none.
pub fn decimal(lang: Lang, x: Option<f64>) -> String {
    match x {
        Some(v) if v.is_finite() => {
            // Rounded first, so that a tiny negative is "0,0", not "-0,0".
            let v = (v * 10.0).round() / 10.0 + 0.0;
            let s = format!("{v:.1}");
            match lang {
                Lang::Id => s.replace('.', ","),
                Lang::En => s,
            }
        }
        _ => "–".into(),
    }
}

/// The digits of `n` without its sign, in groups of three joined by `sep`.
fn grouped(n: i64, sep: char) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(sep);
        }
        out.push(ch);
    }
    out
}

/// A count as each language writes it: "9.167" / "9,167".
pub fn integer(lang: Lang, n: impl Into<i64>) -> String {
    let n = n.into();
    let sep = match lang {
        Lang::Id => '.',
        Lang::En => ',',
    };
    let sign = if n < 0 { "-" } else { "" };
    format!("{sign}{}", grouped(n, sep))
}

/// A file's size as its reader would say it: "812 B", "96 KB", "2,4 MB"
/// (a kilobyte and a megabyte of 1024; never "0 KB" for a small file).
pub fn file_size(lang: Lang, bytes: i64) -> String {
    const KB: i64 = 1024;
    const MB: i64 = KB * KB;
    match bytes {
        b if b < KB => format!("{} B", b.max(0)),
        // Rounded, but a file of 1023.6 KB is not "1024 KB".
        b if b < MB - KB / 2 => format!("{} KB", (b + KB / 2) / KB),
        b => format!("{} MB", decimal(lang, Some(b as f64 / MB as f64))),
    }
}

/// Rupiah with dots as thousands separators: "Rp50.000.000".
pub fn rupiah(amount: i64) -> String {
    let sign = if amount < 0 { "-" } else { "" };
    format!("{sign}Rp{}", grouped(amount, '.'))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn file_sizes_in_the_unit_a_reader_expects() {
        assert_eq!(file_size(Lang::Id, 0), "0 B");
        assert_eq!(file_size(Lang::Id, 812), "812 B");
        assert_eq!(file_size(Lang::Id, 1023), "1023 B");
        assert_eq!(file_size(Lang::Id, 1024), "1 KB");
        assert_eq!(file_size(Lang::Id, 1535), "1 KB");
        assert_eq!(file_size(Lang::Id, 1536), "2 KB");
        assert_eq!(file_size(Lang::Id, 98_304), "96 KB");
        // Just under a megabyte rounds up into megabytes, not "1024 KB".
        assert_eq!(file_size(Lang::Id, 1024 * 1024 - 100), "1,0 MB");
        assert_eq!(file_size(Lang::Id, 2_516_582), "2,4 MB");
        assert_eq!(file_size(Lang::En, 2_516_582), "2.4 MB");
        assert_eq!(file_size(Lang::Id, -5), "0 B");
    }

    #[test]
    fn counts_grouped_by_thousands_as_each_language_writes_them() {
        assert_eq!(integer(Lang::Id, 9167), "9.167");
        assert_eq!(integer(Lang::En, 9167), "9,167");
        assert_eq!(integer(Lang::Id, 0), "0");
        assert_eq!(integer(Lang::Id, 999), "999");
        assert_eq!(integer(Lang::Id, 1_000_000), "1.000.000");
        assert_eq!(integer(Lang::En, -12_345), "-12,345");
        assert_eq!(integer(Lang::Id, i64::MIN), "-9.223.372.036.854.775.808");
        assert_eq!(rupiah(-50_000), "-Rp50.000");
    }

    #[test]
    fn decimals_and_clock_times_as_each_language_writes_them() {
        assert_eq!(decimal(Lang::Id, Some(0.44)), "0,4");
        assert_eq!(decimal(Lang::En, Some(0.44)), "0.4");
        assert_eq!(decimal(Lang::Id, Some(-0.01)), "0,0");
        assert_eq!(decimal(Lang::Id, Some(f64::NAN)), "–");
        assert_eq!(decimal(Lang::En, None), "–");
        let t = chrono::NaiveTime::from_hms_opt(8, 5, 0).unwrap();
        assert_eq!(clock_time(Lang::Id, &t), "08.05");
        assert_eq!(clock_time(Lang::En, &t), "08:05");
    }
}

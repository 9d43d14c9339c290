//! The message catalog: every sentence people read, in Bahasa Indonesia
//! first and English second, looked up by a stable key.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Weekday};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Id,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "id" | "id-id" | "in" => Some(Lang::Id),
            "en" | "en-us" | "en-gb" => Some(Lang::En),
            _ => None,
        }
    }

    /// Picks the first supported language of an `Accept-Language` header.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        header.split(',').find_map(|part| {
            let tag = part.split(';').next().unwrap_or("").trim();
            let primary = tag.split('-').next().unwrap_or("");
            Lang::parse(primary)
        })
    }
}

/// The sentence for `key`; unknown keys fall back to a generic sentence
/// (and `catalog_covers_codes` in the tests keeps that from happening).
pub fn t(lang: Lang, key: &str) -> &'static str {
    match lookup(key) {
        Some((id, en)) => match lang {
            Lang::Id => id,
            Lang::En => en,
        },
        None => match lang {
            Lang::Id => "Permintaan tidak dapat diproses.",
            Lang::En => "The request could not be processed.",
        },
    }
}

pub fn has(key: &str) -> bool {
    lookup(key).is_some()
}

fn lookup(key: &str) -> Option<(&'static str, &'static str)> {
    all_entries()
        .find(|(k, _, _)| *k == key)
        .map(|(_, id, en)| (*id, *en))
}

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

/// Rupiah with dots as thousands separators: "Rp50.000.000".
pub fn rupiah(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(ch);
    }
    if amount < 0 {
        format!("-Rp{out}")
    } else {
        format!("Rp{out}")
    }
}

include!("i18n_catalog.rs");
include!("i18n_catalog_collective.rs");
include!("i18n_catalog_audit.rs");
include!("i18n_catalog_video.rs");

/// Every catalog, one per area so that areas can grow without colliding.
const CATALOGS: [&[(&str, &str, &str)]; 4] =
    [CATALOG, CATALOG_COLLECTIVE, CATALOG_AUDIT, CATALOG_VIDEO];

fn all_entries() -> impl Iterator<Item = &'static (&'static str, &'static str, &'static str)> {
    CATALOGS.iter().flat_map(|c| c.iter())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_naturally() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 12).expect("date");
        assert_eq!(long_date(Lang::Id, d), "12 Desember 2026");
        assert_eq!(long_date(Lang::En, d), "12 December 2026");
        assert_eq!(day_label(Lang::Id, d), "Sabtu, 12 Desember 2026");
    }

    #[test]
    fn rupiah_groups_thousands() {
        assert_eq!(rupiah(50_000_000), "Rp50.000.000");
        assert_eq!(rupiah(0), "Rp0");
        assert_eq!(rupiah(1_500), "Rp1.500");
    }

    #[test]
    fn accept_language() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("id,en;q=0.5"), Some(Lang::Id));
        assert_eq!(Lang::from_accept_language("fr"), None);
    }

    #[test]
    fn catalog_keys_unique_and_complete() {
        let mut keys: Vec<&str> = all_entries().map(|(k, _, _)| *k).collect();
        keys.sort_unstable();
        let before = keys.len();
        keys.dedup();
        assert_eq!(before, keys.len(), "duplicate catalog keys");
        for (k, id, en) in all_entries() {
            assert!(!id.is_empty() && !en.is_empty(), "{k} lacks a sentence");
        }
    }
}

//! The message catalog: every sentence people read, in Bahasa Indonesia
//! first and English second, looked up by a stable key.

mod catalog;
mod format;

pub use format::{
    clock_time, day_label, decimal, file_size, integer, local_datetime, long_date, rupiah,
    short_day_label, weekday_name,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Id,
    En,
}

impl Lang {
    /// Every language the catalog speaks, Bahasa Indonesia first.
    pub const ALL: [Lang; 2] = [Lang::Id, Lang::En];

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
/// (and `every_error_code_has_a_sentence` in the tests keeps that from happening).
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
    catalog::lookup(key)
}

/// Every catalog entry: (key, Bahasa Indonesia, English), in no particular
/// order; for checks over the whole catalog.
pub fn entries() -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
    catalog::entries()
}

/// The sentence for `key` with its `{name}` placeholders filled: the one
/// place a value goes into a sentence.
pub fn tf(lang: Lang, key: &str, params: &[(&str, &str)]) -> String {
    fill(t(lang, key), params)
}

/// The sentence of `prefix` + `word` (a stored word's label: `role_cs`),
/// or the word itself when the catalog has none.
pub fn label(lang: Lang, prefix: &str, word: &str) -> String {
    let key = format!("{prefix}{word}");
    if has(&key) {
        t(lang, &key).to_string()
    } else {
        word.to_string()
    }
}

/// `text` with every `{name}` of `params` replaced by its value.
pub fn fill(text: &str, params: &[(&str, &str)]) -> String {
    let mut out = text.to_string();
    for (name, value) in params {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

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
    fn placeholders_are_filled_by_name() {
        assert_eq!(
            fill("{n} of {max_mb} MB, {n}", &[("n", "2"), ("max_mb", "10")]),
            "2 of 10 MB, 2"
        );
        assert_eq!(fill("no {such}", &[("n", "2")]), "no {such}");
    }

    #[test]
    fn lookup_finds_every_entry() {
        for (k, id, en) in entries() {
            assert_eq!(lookup(k), Some((id, en)), "{k}");
        }
        assert_eq!(t(Lang::En, "unauthenticated"), "Please sign in first.");
        assert!(!has("no_such_key"));
    }

    #[test]
    fn catalog_entries_complete() {
        for (k, id, en) in entries() {
            assert!(!id.is_empty() && !en.is_empty(), "{k} lacks a sentence");
        }
    }
}

//! The message catalog: one TOML file per area, so areas grow without
//! colliding and translators edit text rather than Rust. Each entry is
//! `key = ["Bahasa Indonesia", "English"]`; the files are embedded in the
//! binary and parsed once, on first use, into one index.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::sync::LazyLock;

/// Every area's catalog file: (name, text).
const FILES: [(&str, &str); 8] = [
    ("general.toml", include_str!("general.toml")),
    ("collective.toml", include_str!("collective.toml")),
    ("audit.toml", include_str!("audit.toml")),
    ("video.toml", include_str!("video.toml")),
    ("planner.toml", include_str!("planner.toml")),
    ("outreach.toml", include_str!("outreach.toml")),
    ("staff.toml", include_str!("staff.toml")),
    ("waits.toml", include_str!("waits.toml")),
];

/// key → (Bahasa Indonesia, English).
type Index = HashMap<String, (String, String)>;

/// The index of `files`, and what is wrong with them: a file that does not
/// parse (a key twice in one file) is left out, as is an entry without
/// exactly its two sentences, and a key already in an earlier file keeps
/// its first sentences. `catalog_files_are_sound` keeps the list empty for
/// [`FILES`].
fn load(files: &[(&str, &str)]) -> (Index, Vec<String>) {
    let mut index = Index::new();
    let mut problems = Vec::new();
    for (name, text) in files {
        // A list rather than a pair: the parser would drop a third sentence.
        let entries = match toml::from_str::<HashMap<String, Vec<String>>>(text) {
            Ok(entries) => entries,
            Err(e) => {
                problems.push(format!("{name}: {e}"));
                continue;
            }
        };
        for (key, sentences) in entries {
            let Ok([id, en]) = <[String; 2]>::try_from(sentences) else {
                problems.push(format!(
                    "{name}: {key} needs [\"Bahasa Indonesia\", \"English\"]"
                ));
                continue;
            };
            match index.entry(key) {
                Entry::Occupied(e) => {
                    problems.push(format!("{name}: {} is also in an earlier file", e.key()))
                }
                Entry::Vacant(e) => {
                    e.insert((id, en));
                }
            }
        }
    }
    (index, problems)
}

static INDEX: LazyLock<Index> = LazyLock::new(|| {
    let (index, problems) = load(&FILES);
    for problem in problems {
        tracing::error!(%problem, "message catalog");
    }
    index
});

pub fn lookup(key: &str) -> Option<(&'static str, &'static str)> {
    INDEX.get(key).map(|(id, en)| (id.as_str(), en.as_str()))
}

/// Every entry: (key, Bahasa Indonesia, English), in no particular order.
pub fn entries() -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
    INDEX
        .iter()
        .map(|(key, (id, en))| (key.as_str(), id.as_str(), en.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_files_are_sound() {
        let (index, problems) = load(&FILES);
        assert!(problems.is_empty(), "catalog problems: {problems:#?}");
        assert!(index.len() > 500, "only {} entries", index.len());
    }

    #[test]
    fn malformed_files_and_repeated_keys_are_reported() {
        let ok = r#"a = ["A id", "A en"]"#;
        let bad = [
            r#"b = ["only one language"]"#,
            r#"b = ["id", "en", "a third"]"#,
            "b = [\"id\", \"en\"]\nb = [\"id\", \"en\"]",
            r#"b = "id""#,
            r#"b = ["id", "en""#,
        ];
        for text in bad {
            let (index, problems) = load(&[("ok.toml", ok), ("bad.toml", text)]);
            assert_eq!(problems.len(), 1, "{text}: {problems:?}");
            assert!(problems[0].starts_with("bad.toml: "), "{problems:?}");
            assert_eq!(index.len(), 1, "{text}");
        }
        let (index, problems) = load(&[("ok.toml", ok), ("again.toml", r#"a = ["x", "y"]"#)]);
        assert_eq!(problems, ["again.toml: a is also in an earlier file"]);
        assert_eq!(index.get("a"), Some(&("A id".into(), "A en".into())));
    }
}

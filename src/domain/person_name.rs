//! Personal names as written on the e-KTP (and on bank books, letters of
//! termination, batch files), and the comparison used to match them across
//! documents.
//!
//! # Accepted names
//!
//! Surrounding whitespace is trimmed and every run of inner whitespace
//! becomes one space. The result must have 2–100 characters and consist of
//! letters (any script, `char::is_alphabetic`), spaces, apostrophes, periods,
//! commas and hyphens, with at least one letter. Typographic apostrophes
//! (`’`, `‘`, `ʼ`, `` ` ``) are stored as `'`. Digits are refused (a name
//! with a digit is almost always a mistyped field). Single names
//! (`Sukarno`) are fine: many Indonesians have only one.
//!
//! # Matching
//!
//! [`normalize`] makes the comparison form: uppercase, apostrophes,
//! periods and combining accents removed (`Nur'aini` → `NURAINI`,
//! `S.E.` → `SE`; a precomposed `É` stays `É`), every other
//! non-alphanumeric character (comma, hyphen, slash, whitespace…) turned
//! into a space, then spaces collapsed. So `Siti  Nur'aini, S.E.` and
//! `SITI NURAINI SE` compare equal, as do `Abdul-Rahman` and
//! `ABDUL RAHMAN`. Titles are not removed: `SITI NURAINI SE` and
//! `SITI NURAINI` differ, which a human checks.
//!
//! # Detail keys (`Invalid::detail`, code `invalid_name`, field given by the caller)
//!
//! - `name_empty`: nothing was entered.
//! - `name_too_short`: fewer than 2 characters.
//! - `name_too_long`: more than 100 characters.
//! - `name_bad_characters`: a character other than letters, spaces and `' . , -`.
//! - `name_no_letters`: only punctuation, no letter.

use super::Invalid;
use crate::domain::Code;

const CODE: Code = Code::InvalidName;

/// Shortest accepted name, in characters, after collapsing whitespace.
pub const MIN_LEN: usize = 2;
/// Longest accepted name, in characters, after collapsing whitespace.
pub const MAX_LEN: usize = 100;

/// A checked full name with whitespace collapsed, as the person wrote it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FullName(String);

impl FullName {
    /// Same as the module's [`parse`](self::parse).
    pub fn parse(input: &str, field: &'static str) -> Result<FullName, Invalid> {
        parse(input, field)
    }

    /// The name as stored (trimmed, single spaces).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name, consuming the value.
    pub fn into_string(self) -> String {
        self.0
    }

    /// Comparison form, see [`normalize`].
    pub fn normalized(&self) -> String {
        normalize(&self.0)
    }
}

impl AsRef<str> for FullName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}' | '`')
}

fn allowed(c: char) -> bool {
    c.is_alphabetic() || matches!(c, ' ' | '\'' | '.' | ',' | '-')
}

/// Parse a personal name; `field` names the input field in the error
/// (`full_name`, `account_name`, `heir_name`, …).
pub fn parse(input: &str, field: &'static str) -> Result<FullName, Invalid> {
    let err = |detail| Err(Invalid::new(CODE, field, detail));
    let collapsed: String = input
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .map(|c| if is_apostrophe(c) { '\'' } else { c })
        .collect();
    if collapsed.is_empty() {
        return err("name_empty");
    }
    let len = collapsed.chars().count();
    if len < MIN_LEN {
        return err("name_too_short");
    }
    if len > MAX_LEN {
        return err("name_too_long");
    }
    if !collapsed.chars().all(allowed) {
        return err("name_bad_characters");
    }
    if !collapsed.chars().any(char::is_alphabetic) {
        return err("name_no_letters");
    }
    Ok(FullName(collapsed))
}

/// Combining diacritical marks (the common blocks): dropped when comparing,
/// so a decomposed accent does not split a word.
fn is_combining(c: char) -> bool {
    matches!(
        c,
        '\u{0300}'..='\u{036F}'
            | '\u{1AB0}'..='\u{1AFF}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}'
            | '\u{FE20}'..='\u{FE2F}'
    )
}

/// Comparison form of any name-like text (valid [`FullName`] or not):
/// uppercase, apostrophes, periods and combining accents dropped, other
/// non-alphanumerics as spaces, single spaces, no leading/trailing space.
///
/// Each character is lowercased, then uppercased, so that characters
/// whose case mappings are not symmetric (`İ`, `ß`, `ſ`, the Ohm sign)
/// give the same result from either case.
pub fn normalize(s: &str) -> String {
    let mut spaced = String::with_capacity(s.len());
    for c in s
        .chars()
        .flat_map(char::to_lowercase)
        .flat_map(char::to_uppercase)
    {
        if is_apostrophe(c) || c == '.' || is_combining(c) {
            continue;
        }
        if c.is_alphanumeric() {
            spaced.push(c);
        } else {
            spaced.push(' ');
        }
    }
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether two names denote the same person by [`normalize`]. Two names
/// that normalize to nothing do not match.
pub fn names_match(a: &str, b: &str) -> bool {
    let na = normalize(a);
    !na.is_empty() && na == normalize(b)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::checked::testing::{assert_error, assert_refused};
    use crate::domain::Invalid;
    use proptest::prelude::*;

    fn full_name(s: &str) -> Result<FullName, Invalid> {
        parse(s, "full_name")
    }

    #[test]
    fn accepts_and_collapses() {
        let n = parse("  Siti   Nur'aini,\tS.E. ", "full_name").unwrap();
        assert_eq!(n.as_str(), "Siti Nur'aini, S.E.");
        assert_eq!(n.normalized(), "SITI NURAINI SE");
        assert_eq!(parse("Sukarno", "full_name").unwrap().as_str(), "Sukarno");
        assert_eq!(
            parse("I Gusti Ngurah Rai", "full_name").unwrap().as_str(),
            "I Gusti Ngurah Rai"
        );
        assert_eq!(parse("Nur’aini", "full_name").unwrap().as_str(), "Nur'aini");
        assert!(parse("Abdul-Rahman", "full_name").is_ok());
        assert!(parse("Ö", "full_name").is_err());
        assert!(parse("Ng", "full_name").is_ok());
        assert!(parse("张伟", "full_name").is_ok());
        assert!(parse("Zoë Müller-Lüdenscheidt", "full_name").is_ok());
    }

    #[test]
    fn associated_parse_is_the_same() {
        assert_eq!(
            FullName::parse(" Budi  Santoso ", "x"),
            parse("Budi Santoso", "x")
        );
    }

    #[test]
    fn error_shape_uses_callers_field() {
        let account_name = |s: &str| parse(s, "account_name");
        assert_error(
            account_name,
            "",
            ("invalid_name", "account_name", "name_empty"),
        );
    }

    #[test]
    fn refusals() {
        assert_refused(full_name, "name_empty", &["", " \n\t "]);
        assert_refused(full_name, "name_too_short", &["A", " A "]);
        assert!(full_name(&"a".repeat(100)).is_ok());
        assert_refused(full_name, "name_too_long", &[&"a".repeat(101)]);
        // Collapsing happens before measuring.
        assert!(full_name(&format!("{}    {}", "a".repeat(49), "b".repeat(50))).is_ok());
        let bad = ["Budi 2", "Budi & Ani", "Budi\u{0}Santoso", "Budi (Ani)"];
        assert_refused(full_name, "name_bad_characters", &bad);
        assert_refused(full_name, "name_no_letters", &["--", ". ,"]);
    }

    #[test]
    fn matching() {
        assert!(names_match("Siti  Nur'aini, S.E.", "SITI NURAINI SE"));
        assert!(names_match("siti nur’aini", "SITI NURAINI"));
        assert!(names_match("Abdul-Rahman", "ABDUL RAHMAN"));
        assert!(names_match("Siti Nur'aini,S.E.", "SITI NURAINI SE"));
        assert!(!names_match("SITI NURAINI SE", "SITI NURAINI"));
        assert!(!names_match("Siti Nur Aini", "Siti Nuraini"));
        assert!(!names_match("", ""));
        assert!(!names_match("...", "''"));
        assert_eq!(normalize("  muhammad   ali  "), "MUHAMMAD ALI");
    }

    fn arb_name() -> impl Strategy<Value = String> {
        "[A-Za-z][A-Za-z' .,-]{1,60}[A-Za-z]"
    }

    proptest! {
        #[test]
        fn parse_is_idempotent(s in arb_name()) {
            let n = parse(&s, "full_name").unwrap();
            let again = parse(n.as_str(), "full_name").unwrap();
            prop_assert_eq!(&again, &n);
            prop_assert!(!n.as_str().contains("  "));
            prop_assert_eq!(n.as_str().trim(), n.as_str());
        }

        #[test]
        fn normalize_is_idempotent(s in "\\PC{0,40}") {
            let n = normalize(&s);
            prop_assert_eq!(normalize(&n), n.clone());
            prop_assert!(!n.contains("  "));
            prop_assert_eq!(n.trim(), n.as_str());
        }

        #[test]
        fn normalize_is_case_blind(s in "\\PC{0,40}") {
            prop_assert_eq!(normalize(&s.to_lowercase()), normalize(&s.to_uppercase()));
        }

        #[test]
        fn names_match_is_reflexive_and_symmetric(a in arb_name(), b in arb_name()) {
            prop_assert!(names_match(&a, &a));
            prop_assert_eq!(names_match(&a, &b), names_match(&b, &a));
            prop_assert!(names_match(&a, &a.to_uppercase().replace('.', "")));
        }

        #[test]
        fn accepted_names_only_have_allowed_characters(s in "\\PC{0,30}") {
            if let Ok(n) = parse(&s, "full_name") {
                let len = n.as_str().chars().count();
                prop_assert!((MIN_LEN..=MAX_LEN).contains(&len));
                prop_assert!(n.as_str().chars().all(allowed));
            }
        }
    }
}

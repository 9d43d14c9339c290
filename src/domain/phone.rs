//! Indonesian mobile phone numbers, stored in E.164 form (`+628…`).
//!
//! Accepted input forms, with spaces, dashes, dots and parentheses allowed
//! anywhere as separators (they are dropped):
//!
//! - national: `0812-3456-7890`
//! - international: `+62 812 3456 7890`, `62 812 3456 7890`
//! - international with the national trunk zero kept: `+62 (0)812 3456 7890`
//!
//! After the country code `62` comes the mobile prefix `8` and then 8–11
//! more digits, so a national `08…` number has 10–13 digits in all.
//! Landlines (e.g. `021…`) are refused: the number must receive SMS/WhatsApp.
//!
//! # Detail keys (`Invalid::detail`, code `invalid_phone`, field `phone`)
//!
//! - `phone_empty`: nothing was entered.
//! - `phone_bad_characters`: a character other than digits, separators and a leading `+`.
//! - `phone_not_indonesian`: does not start with `0`, `62` or `+62`.
//! - `phone_not_mobile`: an Indonesian number that is not a mobile number (`08…`).
//! - `phone_length`: a mobile number with too few or too many digits.

use super::checked::{Checked, TextRule};
use super::Invalid;
use crate::domain::Code;

/// Digits after the leading `8` of the subscriber number.
const MIN_AFTER_8: usize = 8;
const MAX_AFTER_8: usize = 11;

/// An Indonesian mobile number in E.164 form: `+62` then `8` then 8–11 digits.
pub type Phone = Checked<PhoneRule>;

impl Phone {
    /// National form, e.g. `081234567890`.
    pub fn national(&self) -> String {
        format!("0{}", self.as_str().get(3..).unwrap_or_default())
    }
}

fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '-' | '.' | '(' | ')')
}

/// The rule of an Indonesian mobile number (see the module doc).
pub enum PhoneRule {}

impl TextRule for PhoneRule {
    const EMPTY: Invalid = Invalid::new(Code::InvalidPhone, "phone", "phone_empty");

    fn check(s: &str) -> Result<String, &'static str> {
        let mut plus = false;
        let mut digits = String::with_capacity(s.len());
        for (i, c) in s.chars().enumerate() {
            if c.is_ascii_digit() {
                digits.push(c);
            } else if c == '+' && i == 0 {
                plus = true;
            } else if !is_separator(c) {
                return Err("phone_bad_characters");
            }
        }
        if digits.is_empty() {
            return Err("phone_bad_characters");
        }

        // The subscriber part after the country code or the trunk zero.
        let subscriber = if let Some(rest) = digits.strip_prefix("62") {
            // "+62 (0)812…": a kept trunk zero is dropped.
            match rest.strip_prefix('0') {
                Some(r) if r.starts_with('8') => r,
                _ => rest,
            }
        } else if plus {
            // Another country code.
            return Err("phone_not_indonesian");
        } else if let Some(rest) = digits.strip_prefix('0') {
            rest
        } else {
            return Err("phone_not_indonesian");
        };

        let Some(after_8) = subscriber.strip_prefix('8') else {
            return Err("phone_not_mobile");
        };
        if !(MIN_AFTER_8..=MAX_AFTER_8).contains(&after_8.len()) {
            return Err("phone_length");
        }
        Ok(format!("+628{after_8}"))
    }
}

/// Parse an Indonesian mobile number.
pub fn parse(input: &str) -> Result<Phone, Invalid> {
    Phone::parse(input)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::checked::testing::{assert_error, assert_refused};
    use proptest::prelude::*;

    fn ok(s: &str) -> String {
        parse(s).unwrap().into_string()
    }

    #[test]
    fn accepts_the_three_forms() {
        assert_eq!(ok("081234567890"), "+6281234567890");
        assert_eq!(ok("+6281234567890"), "+6281234567890");
        assert_eq!(ok("6281234567890"), "+6281234567890");
    }

    #[test]
    fn accepts_separators() {
        for input in [
            "0812-3456-7890",
            "0812.3456.7890",
            "(0812) 3456 7890",
            "+62 812 3456 7890",
            "+62 (0)812 3456 7890",
        ] {
            assert_eq!(ok(input), "+6281234567890", "{input:?}");
        }
        assert_eq!(ok("  +62-812-3456-789 "), "+628123456789");
    }

    #[test]
    fn lengths() {
        // 10 digits national (08 + 8): shortest; 13 (08 + 11): longest.
        assert_eq!(ok("0812345678"), "+62812345678");
        assert_eq!(ok("0812345678901"), "+62812345678901");
        assert_refused(
            parse,
            "phone_length",
            &["081234567", "08123456789012", "08"],
        );
    }

    #[test]
    fn refusals() {
        assert_error(parse, "", ("invalid_phone", "phone", "phone_empty"));
        assert_refused(parse, "phone_empty", &["   "]);
        let bad_characters = [
            "+",
            "--",
            "0812 3456 789a",
            "0812+34567890",
            "0812/34567890",
            "++6281234567890",
        ];
        assert_refused(parse, "phone_bad_characters", &bad_characters);
        assert_refused(
            parse,
            "phone_not_indonesian",
            &["+1 415 555 0100", "81234567890"],
        );
        let not_mobile = ["021-5551234", "+62215551234", "0062 812 3456 7890"];
        assert_refused(parse, "phone_not_mobile", &not_mobile);
    }

    #[test]
    fn associated_parse_is_the_same() {
        assert_eq!(Phone::parse("0812 3456 7890"), parse("+6281234567890"));
    }

    #[test]
    fn national_form() {
        assert_eq!(parse("+6281234567890").unwrap().national(), "081234567890");
    }

    proptest! {
        #[test]
        fn all_forms_agree(rest in "[0-9]{8,11}", form in 0usize..3, sep in prop::sample::select(vec!["", " ", "-", "."])) {
            let grouped: String = rest
                .chars()
                .enumerate()
                .flat_map(|(i, c)| {
                    let s = if i % 4 == 3 { sep } else { "" };
                    std::iter::once(c).chain(s.chars())
                })
                .collect();
            let input = match form {
                0 => format!("08{grouped}"),
                1 => format!("+628{grouped}"),
                _ => format!("628{grouped}"),
            };
            let p = parse(&input).unwrap();
            prop_assert_eq!(p.as_str(), format!("+628{rest}"));
            prop_assert_eq!(p.national(), format!("08{rest}"));
            // Parsing the stored form again gives the same value.
            prop_assert_eq!(parse(p.as_str()).unwrap(), p.clone());
            prop_assert_eq!(parse(&p.national()).unwrap(), p);
        }

        #[test]
        fn wrong_lengths_refused(rest in "[0-9]{0,20}".prop_filter("bad length", |r| !(8..=11).contains(&r.len()))) {
            prop_assert_eq!(parse(&format!("08{rest}")).unwrap_err().detail, "phone_length");
        }

        #[test]
        fn stored_form_is_well_formed(s in "\\PC{0,20}") {
            if let Ok(p) = parse(&s) {
                let v = p.as_str();
                prop_assert!(v.starts_with("+628"));
                prop_assert!(v[1..].chars().all(|c| c.is_ascii_digit()));
                prop_assert!((12..=15).contains(&v.len()));
            }
        }
    }
}

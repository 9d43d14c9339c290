//! KPJ (Kartu Peserta Jamsostek): the 11-digit BPJS Ketenagakerjaan member
//! card number. One person may hold several (one per employer registration).
//!
//! Only surrounding whitespace is removed; the digits must be exactly 11
//! ASCII digits with nothing in between.
//!
//! # Detail keys (`Invalid::detail`, code `invalid_kpj`, field `kpj`)
//!
//! - `kpj_empty`: nothing was entered.
//! - `kpj_not_digits`: something other than the digits 0–9.
//! - `kpj_length`: not exactly 11 digits.

use super::checked::{Checked, TextRule};
use super::Invalid;
use crate::domain::Code;

/// Number of digits in a KPJ.
pub const KPJ_LEN: usize = 11;

/// A KPJ number: exactly 11 ASCII digits.
pub type Kpj = Checked<KpjRule>;

/// The rule of a KPJ number (see the module doc).
pub enum KpjRule {}

impl TextRule for KpjRule {
    const EMPTY: Invalid = Invalid::new(Code::InvalidKpj, "kpj", "kpj_empty");

    fn check(s: &str) -> Result<String, &'static str> {
        if !s.chars().all(|c| c.is_ascii_digit()) {
            Err("kpj_not_digits")
        } else if s.len() != KPJ_LEN {
            Err("kpj_length")
        } else {
            Ok(s.to_owned())
        }
    }
}

/// Parse a KPJ number.
pub fn parse(input: &str) -> Result<Kpj, Invalid> {
    Kpj::parse(input)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::checked::testing::{assert_error, assert_refused};
    use proptest::prelude::*;

    #[test]
    fn accepts_eleven_digits() {
        assert_eq!(parse("12345678901").unwrap().as_str(), "12345678901");
        assert_eq!(parse(" 00000000000\t").unwrap().as_str(), "00000000000");
    }

    #[test]
    fn associated_parse_is_the_same() {
        assert_eq!(Kpj::parse(" 12345678901"), parse("12345678901"));
        assert_eq!(Kpj::parse("1"), parse("1"));
    }

    #[test]
    fn rejects() {
        assert_error(parse, "", ("invalid_kpj", "kpj", "kpj_empty"));
        assert_refused(parse, "kpj_length", &["1234567890", "123456789012"]);
        assert_refused(
            parse,
            "kpj_not_digits",
            &["1234567890a", "12345 678901", "-1234567890"],
        );
    }

    proptest! {
        #[test]
        fn eleven_digits_round_trip(s in "[0-9]{11}") {
            let k = parse(&s).unwrap();
            prop_assert_eq!(k.as_str(), s.as_str());
        }

        #[test]
        fn other_lengths_refused(s in "[0-9]{1,30}".prop_filter("not 11", |s| s.len() != 11)) {
            prop_assert_eq!(parse(&s).unwrap_err().detail, "kpj_length");
        }

        #[test]
        fn non_digits_refused(a in "[0-9]{0,10}", c in any::<char>().prop_filter("non-digit", |c| !c.is_ascii_digit() && !c.is_whitespace()), b in "[0-9]{0,10}") {
            let s = format!("{a}{c}{b}");
            prop_assert_eq!(parse(&s).unwrap_err().detail, "kpj_not_digits");
        }
    }
}

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

use super::Invalid;

const CODE: &str = "invalid_kpj";
const FIELD: &str = "kpj";

/// Number of digits in a KPJ.
pub const KPJ_LEN: usize = 11;

/// A KPJ number: exactly 11 ASCII digits.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Kpj(String);

impl Kpj {
    /// Same as the module's [`parse`](self::parse).
    pub fn parse(input: &str) -> Result<Kpj, Invalid> {
        parse(input)
    }

    /// The 11 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The digits, consuming the value.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl AsRef<str> for Kpj {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Parse a KPJ number.
pub fn parse(input: &str) -> Result<Kpj, Invalid> {
    let s = input.trim();
    if s.is_empty() {
        return Err(Invalid::new(CODE, FIELD, "kpj_empty"));
    }
    if !s.chars().all(|c| c.is_ascii_digit()) {
        return Err(Invalid::new(CODE, FIELD, "kpj_not_digits"));
    }
    if s.len() != KPJ_LEN {
        return Err(Invalid::new(CODE, FIELD, "kpj_length"));
    }
    Ok(Kpj(s.to_owned()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
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
        let e = parse("").unwrap_err();
        assert_eq!(
            (e.code, e.field, e.detail),
            ("invalid_kpj", "kpj", "kpj_empty")
        );
        assert_eq!(parse("1234567890").unwrap_err().detail, "kpj_length");
        assert_eq!(parse("123456789012").unwrap_err().detail, "kpj_length");
        assert_eq!(parse("1234567890a").unwrap_err().detail, "kpj_not_digits");
        assert_eq!(parse("12345 678901").unwrap_err().detail, "kpj_not_digits");
        assert_eq!(parse("-1234567890").unwrap_err().detail, "kpj_not_digits");
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

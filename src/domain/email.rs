//! E-mail addresses, trimmed and lowercased.
//!
//! A pragmatic check, not full RFC 5322: the address must be deliverable
//! by ordinary mail systems and safe to put in a mail header.
//!
//! - at most 254 characters, no whitespace anywhere, exactly one `@`;
//! - local part: 1–64 characters from `A–Z a–z 0–9` and
//!   `` ! # $ % & ' * + / = ? ^ _ ` { | } ~ - . ``, not starting or ending
//!   with a dot and without two dots in a row (no quoted local parts);
//! - domain: at least two dot-separated labels of 1–63 characters each,
//!   letters, digits and hyphens, no label starting or ending with a hyphen;
//!   the last label (the TLD) at least 2 characters and not all digits
//!   (so `user@127.0.0.1` is refused). Internationalized domains must be
//!   entered in their `xn--` form.
//!
//! The address is stored lowercased (local part included: mail providers
//! in practice treat it case-insensitively, and this makes `email_taken`
//! checks reliable).
//!
//! # Detail keys (`Invalid::detail`, code `invalid_email`, field `email`)
//!
//! - `email_empty`: nothing was entered.
//! - `email_whitespace`: contains a space or other whitespace.
//! - `email_too_long`: longer than 254 characters.
//! - `email_at_sign`: not exactly one `@`.
//! - `email_bad_local_part`: the part before `@` is empty, too long or has invalid characters or dots.
//! - `email_bad_domain`: the part after `@` is not a valid domain name.

use super::checked::{Checked, TextRule};
use super::Invalid;
use crate::domain::Code;

/// Longest address accepted (RFC 5321 path limit minus the angle brackets).
pub const MAX_LEN: usize = 254;
const MAX_LOCAL: usize = 64;
const MAX_LABEL: usize = 63;

/// A checked, lowercased e-mail address.
pub type Email = Checked<EmailRule>;

impl Email {
    /// The part before the `@`.
    pub fn local_part(&self) -> &str {
        self.as_str().split('@').next().unwrap_or_default()
    }

    /// The part after the `@`.
    pub fn domain(&self) -> &str {
        self.as_str().rsplit('@').next().unwrap_or_default()
    }
}

fn local_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-.".contains(c)
}

fn valid_local(local: &str) -> bool {
    !local.is_empty()
        && local.len() <= MAX_LOCAL
        && local.chars().all(local_char)
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
}

fn valid_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= MAX_LABEL
        && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !label.starts_with('-')
        && !label.ends_with('-')
}

fn valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    let Some(tld) = labels.last() else {
        return false;
    };
    labels.len() >= 2
        && labels.iter().all(|l| valid_label(l))
        && tld.len() >= 2
        && !tld.chars().all(|c| c.is_ascii_digit())
}

/// The rule of an e-mail address (see the module doc).
pub enum EmailRule {}

impl TextRule for EmailRule {
    const EMPTY: Invalid = Invalid::new(Code::InvalidEmail, "email", "email_empty");

    fn check(s: &str) -> Result<String, &'static str> {
        if s.chars().any(char::is_whitespace) {
            return Err("email_whitespace");
        }
        if s.chars().count() > MAX_LEN {
            return Err("email_too_long");
        }
        let mut parts = s.split('@');
        let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err("email_at_sign");
        };
        if !valid_local(local) {
            return Err("email_bad_local_part");
        }
        if !valid_domain(domain) {
            return Err("email_bad_domain");
        }
        Ok(s.to_ascii_lowercase())
    }
}

/// Parse an e-mail address.
pub fn parse(input: &str) -> Result<Email, Invalid> {
    Email::parse(input)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::checked::testing::{assert_error, assert_refused};
    use proptest::prelude::*;

    #[test]
    fn accepts_and_normalizes() {
        let e = parse("  Siti.Nuraini+JHT@Mail.Example.CO.ID \n").unwrap();
        assert_eq!(e.as_str(), "siti.nuraini+jht@mail.example.co.id");
        assert_eq!(e.local_part(), "siti.nuraini+jht");
        assert_eq!(e.domain(), "mail.example.co.id");
        assert!(parse("a@b.co").is_ok());
        assert!(parse("o'brien@example.com").is_ok());
        assert!(parse("user@xn--80ak6aa92e.com").is_ok());
        assert!(parse("user@sub-domain.example.id").is_ok());
    }

    #[test]
    fn refusals() {
        assert_error(parse, "", ("invalid_email", "email", "email_empty"));
        assert_refused(
            parse,
            "email_whitespace",
            &["a b@example.com", "ab@exa\tmple.com"],
        );
        assert_refused(parse, "email_at_sign", &["example.com", "a@b@example.com"]);
        let bad_local = [
            "@example.com",
            ".a@example.com",
            "a.@example.com",
            "a..b@example.com",
            "\"a\"@example.com",
            "sïti@example.com",
        ];
        assert_refused(parse, "email_bad_local_part", &bad_local);
        let bad_domain = [
            "siti@éxample.com",
            "a@",
            "a@localhost",
            "a@example.",
            "a@.example.com",
            "a@example..com",
            "a@-example.com",
            "a@example-.com",
            "a@exa_mple.com",
            "a@example.c",
            "a@127.0.0.1",
            "a@[127.0.0.1]",
        ];
        assert_refused(parse, "email_bad_domain", &bad_domain);
    }

    #[test]
    fn associated_parse_is_the_same() {
        assert_eq!(Email::parse("A@B.CO"), parse("a@b.co"));
    }

    #[test]
    fn lengths() {
        let local64 = "a".repeat(64);
        let label63 = "b".repeat(63);
        assert!(parse(&format!("{local64}@example.com")).is_ok());
        assert!(parse(&format!("a@{label63}.com")).is_ok());
        assert_refused(
            parse,
            "email_bad_local_part",
            &[&format!("a{local64}@example.com")],
        );
        assert_refused(parse, "email_bad_domain", &[&format!("a@b{label63}.com")]);
        // 254 characters in all is fine, 255 is not.
        let domain = format!("{0}.{0}.{0}.{1}.com", "c".repeat(63), "d".repeat(56));
        let at254 = format!("a@{domain}");
        assert_eq!(at254.len(), 254);
        assert!(parse(&at254).is_ok());
        assert_refused(parse, "email_too_long", &[&format!("aa@{domain}")]);
    }

    proptest! {
        #[test]
        fn generated_addresses_parse(
            local in "[a-zA-Z0-9_+-]{1,20}(\\.[a-zA-Z0-9_+-]{1,10}){0,2}",
            labels in prop::collection::vec("[a-zA-Z0-9]([a-zA-Z0-9-]{0,10}[a-zA-Z0-9])?", 1..4),
            tld in "[a-zA-Z]{2,6}",
        ) {
            let input = format!("{local}@{}.{tld}", labels.join("."));
            let e = parse(&input).unwrap();
            prop_assert_eq!(e.as_str(), input.to_ascii_lowercase());
            // Idempotent.
            prop_assert_eq!(parse(e.as_str()).unwrap(), e);
        }

        #[test]
        fn accepted_values_are_clean(s in "\\PC{0,40}") {
            if let Ok(e) = parse(&s) {
                let v = e.as_str();
                prop_assert_eq!(v.matches('@').count(), 1);
                prop_assert!(!v.chars().any(|c| c.is_whitespace() || c.is_ascii_uppercase()));
                prop_assert!(v.len() <= MAX_LEN);
            }
        }
    }
}

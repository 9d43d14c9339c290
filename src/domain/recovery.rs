//! The rules of getting into an account: what a participant typed in the
//! one sign-in field (an email or a NIK), and the password-reset rules —
//! how long a link lives, when it may still be used, and how many
//! requests an account and a client address get before the throttle
//! steps in. Pure: the clock and the counts come from the caller.

use chrono::{Duration, NaiveDateTime};

/// How long a password-reset link works after it was mailed.
pub const RESET_TOKEN_MINUTES: i64 = 30;
/// Reset requests counted per account and per address within this window.
pub const RESET_WINDOW_MINUTES: i64 = 15;
/// How long an email-verification link works.
pub const VERIFY_TOKEN_HOURS: i64 = 48;
/// Verification links a participant may have mailed per hour (resends and
/// email changes together).
pub const VERIFY_MAILS_PER_HOUR: i64 = 3;
/// Reset mails one account may be sent within the window; further
/// requests are answered as usual but mail nothing (so nobody can flood
/// someone's mailbox, and the answer still tells nothing).
pub const RESETS_PER_ACCOUNT: i64 = 3;
/// Reset requests one client address may make within the window (whatever
/// the addresses asked for); further ones are refused with 429. Generous,
/// because a company's office behind one address may be laid off at once.
pub const RESETS_PER_ADDRESS: i64 = 30;

/// What someone typed in the participant sign-in field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInName {
    /// An email address, trimmed and lowercased (as accounts store it).
    Email(String),
    /// A NIK: 16 digits (spaces typed between groups are dropped).
    Nik(String),
}

impl SignInName {
    /// Sixteen digits (spaces allowed between them) are a NIK; anything
    /// else is taken as an email address.
    pub fn classify(typed: &str) -> SignInName {
        let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() == 16 && digits.bytes().all(|b| b.is_ascii_digit()) {
            SignInName::Nik(digits)
        } else {
            SignInName::Email(typed.trim().to_lowercase())
        }
    }

    /// The typed value as an identifier (the normalized email or NIK).
    pub fn as_str(&self) -> &str {
        match self {
            SignInName::Email(s) | SignInName::Nik(s) => s,
        }
    }

    pub fn is_nik(&self) -> bool {
        matches!(self, SignInName::Nik(_))
    }
}

/// When a reset link issued at `issued` stops working.
pub fn reset_expires_at(issued: NaiveDateTime) -> NaiveDateTime {
    issued + Duration::minutes(RESET_TOKEN_MINUTES)
}

/// A reset link works once, and only until it expires.
pub fn reset_usable(
    expires_at: NaiveDateTime,
    used_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> bool {
    used_at.is_none() && now < expires_at
}

/// What the throttle says about one more reset request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetThrottle {
    /// Go ahead: mail the link if the account exists.
    Send,
    /// The account had its mails for now: answer as usual, mail nothing.
    Quiet,
    /// The address asked too often: refuse (429).
    Refuse,
}

/// Decides from the requests already made within the window: for the
/// typed email (`account`, whether or not it has an account) and from the
/// client's address (`address`).
pub fn reset_throttle(account: i64, address: i64) -> ResetThrottle {
    if address >= RESETS_PER_ADDRESS {
        ResetThrottle::Refuse
    } else if account >= RESETS_PER_ACCOUNT {
        ResetThrottle::Quiet
    } else {
        ResetThrottle::Send
    }
}

/// Addresses under the reserved `.invalid` top-level domain (RFC 2606),
/// which accounts made at the counter without an email carry, never
/// receive mail: nothing is sent there.
pub fn receives_mail(email: &str) -> bool {
    // Read in place: every mail queued asks (a booking's among them).
    let tail = email.trim_end().as_bytes();
    let tld = b".invalid";
    tail.len() < tld.len() || !tail[tail.len() - tld.len()..].eq_ignore_ascii_case(tld)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32, m: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 3)
            .and_then(|d| d.and_hms_opt(h, m, 0))
            .expect("time")
    }

    #[test]
    fn sixteen_digits_are_a_nik_anything_else_an_email() {
        let nik = SignInName::classify(" 3171014101900001 ");
        assert_eq!(nik, SignInName::Nik("3171014101900001".into()));
        assert!(nik.is_nik());
        assert_eq!(
            SignInName::classify("3171 0141 0190 0001"),
            SignInName::Nik("3171014101900001".into())
        );
        assert_eq!(
            SignInName::classify(" Sri@Contoh.ID "),
            SignInName::Email("sri@contoh.id".into())
        );
        // 15 or 17 digits, or a letter: not a NIK.
        for typed in ["317101410190000", "31710141019000011", "317101410190000A"] {
            assert!(!SignInName::classify(typed).is_nik(), "{typed}");
        }
        // Full-width or other Unicode digits are not ASCII digits.
        assert!(!SignInName::classify("３１７１０１４１０１９０００１").is_nik());
        assert_eq!(SignInName::classify("").as_str(), "");
    }

    #[test]
    fn a_link_works_once_and_for_thirty_minutes() {
        let issued = at(10, 0);
        let expires = reset_expires_at(issued);
        assert_eq!(expires, at(10, 30));
        assert!(reset_usable(expires, None, at(10, 0)));
        assert!(reset_usable(expires, None, at(10, 29)));
        assert!(!reset_usable(expires, None, at(10, 30)));
        assert!(!reset_usable(expires, None, at(11, 0)));
        assert!(!reset_usable(expires, Some(at(10, 5)), at(10, 6)));
    }

    #[test]
    fn the_address_limit_wins_over_the_account_limit() {
        assert_eq!(reset_throttle(0, 0), ResetThrottle::Send);
        assert_eq!(
            reset_throttle(RESETS_PER_ACCOUNT - 1, 0),
            ResetThrottle::Send
        );
        assert_eq!(reset_throttle(RESETS_PER_ACCOUNT, 0), ResetThrottle::Quiet);
        assert_eq!(
            reset_throttle(0, RESETS_PER_ADDRESS - 1),
            ResetThrottle::Send
        );
        assert_eq!(reset_throttle(0, RESETS_PER_ADDRESS), ResetThrottle::Refuse);
        assert_eq!(
            reset_throttle(RESETS_PER_ACCOUNT, RESETS_PER_ADDRESS),
            ResetThrottle::Refuse
        );
    }

    #[test]
    fn reserved_addresses_receive_no_mail() {
        assert!(receives_mail("sri@contoh.id"));
        assert!(!receives_mail("3171014101900001.loket@pekerja.invalid"));
        assert!(!receives_mail("x@Y.INVALID "));
        assert!(receives_mail("a@b.id") && receives_mail("") && receives_mail("ä@invalid.id"));
        assert!(!receives_mail(".invalid"));
    }
}

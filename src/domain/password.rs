//! Password strength rules for participant and staff accounts.
//!
//! A password is accepted when all of these hold (checked in this order,
//! the first failure is reported):
//!
//! 1. at least 10 and at most 128 characters (Unicode scalar values;
//!    nothing is trimmed: spaces count);
//! 2. at least one letter (any alphabet) and one digit (`0`–`9`);
//! 3. at least 5 different characters (`aaaaaaaaa1`, `ab12ab12ab` are refused);
//! 4. not a well-known password: compared case-insensitively with a short
//!    built-in list, and also after removing leading/trailing digits and
//!    symbols and undoing common letter substitutions (`P@ssw0rd2024!` is
//!    `password`, `Indonesia1945` is `indonesia`);
//! 5. not containing any personal value of 4 or more characters,
//!    case-insensitively (NIK, e-mail local part and its pieces, name words:
//!    see [`personal_terms`]).
//!
//! # Detail keys (`Invalid::detail`, code `weak_password`, field `password`)
//!
//! - `password_too_short`: fewer than 10 characters.
//! - `password_too_long`: more than 128 characters.
//! - `password_no_letter`: no letter.
//! - `password_no_digit`: no digit.
//! - `password_repetitive`: fewer than 5 different characters.
//! - `password_common`: a well-known password or a small variation of one.
//! - `password_contains_personal`: contains the NIK, e-mail name or a name.

use super::Invalid;

const CODE: &str = "weak_password";
const FIELD: &str = "password";

/// Shortest password accepted, in characters.
pub const MIN_LEN: usize = 10;
/// Longest password accepted, in characters (bounds hashing work).
pub const MAX_LEN: usize = 128;
/// Fewest different characters accepted.
pub const MIN_DISTINCT: usize = 5;
/// Shortest personal value that is looked for inside the password.
pub const MIN_PERSONAL_LEN: usize = 4;

const fn invalid(detail: &'static str) -> Invalid {
    Invalid::new(CODE, FIELD, detail)
}

/// Whole passwords (lowercase) that pass the other rules but are on every
/// leaked-password list.
const COMMON_PASSWORDS: &[&str] = &[
    "1q2w3e4r5t",
    "1q2w3e4r5t6y",
    "q1w2e3r4t5",
    "q1w2e3r4t5y6",
    "1qaz2wsx3edc",
    "zaq12wsxcde3",
    "a1b2c3d4e5",
    "a1b2c3d4e5f6",
    "1a2b3c4d5e",
    "qwerty123456789",
    "1234qwerasdf",
    "qwer1234asdf",
];

/// Words that remain after stripping digits/symbols at both ends and
/// undoing letter substitutions; a password reducing to one of these is
/// common whatever the digits around it.
const COMMON_WORDS: &[&str] = &[
    // International top lists.
    "a",
    "aa",
    "aaa",
    "ab",
    "abc",
    "abcd",
    "abcde",
    "abcdef",
    "abcdefg",
    "abcdefgh",
    "admin",
    "administrator",
    "asdf",
    "asdfgh",
    "asdfghjkl",
    "baseball",
    "dragon",
    "football",
    "iloveyou",
    "letmein",
    "login",
    "master",
    "monkey",
    "pass",
    "passw",
    "passwd",
    "password",
    "princess",
    "q",
    "qwe",
    "qwer",
    "qwert",
    "qwerty",
    "qwertyuiop",
    "secret",
    "sunshine",
    "superman",
    "test",
    "trustno",
    "user",
    "welcome",
    "x",
    "zxc",
    "zxcvbn",
    "zxcvbnm",
    // Indonesian favourites.
    "alhamdulillah",
    "bandung",
    "bismillah",
    "cinta",
    "cintaku",
    "garuda",
    "indonesia",
    "jakarta",
    "medan",
    "merdeka",
    "pancasila",
    "persib",
    "persija",
    "rahasia",
    "sayang",
    "sayangku",
    "semarang",
    "surabaya",
    // This service.
    "antre",
    "bpjs",
    "bpjstk",
    "bpjsketenagakerjaan",
    "jamsostek",
    "jht",
    "klaim",
    "klaimjht",
    "ketenagakerjaan",
];

/// Undo the usual letter-for-symbol substitutions.
fn unleet(c: char) -> char {
    match c {
        '@' | '4' => 'a',
        '0' => 'o',
        '1' | '!' | '|' => 'i',
        '3' => 'e',
        '$' | '5' => 's',
        '7' | '+' => 't',
        '8' => 'b',
        '9' => 'g',
        other => other,
    }
}

/// The lowercase core of a password: non-letters stripped at both ends,
/// substitutions undone in between.
fn core_word(lower: &str) -> String {
    lower
        .trim_matches(|c: char| !c.is_alphabetic())
        .chars()
        .map(unleet)
        .collect()
}

fn is_common(password: &str) -> bool {
    let lower = password.to_lowercase();
    if COMMON_PASSWORDS.contains(&lower.as_str()) {
        return true;
    }
    let core = core_word(&lower);
    COMMON_WORDS.contains(&core.as_str())
}

/// Check a new password. `personal` lists values about the account holder
/// that must not appear in it (see [`personal_terms`]); values shorter than
/// 4 characters after trimming are ignored.
pub fn check_strength(password: &str, personal: &[&str]) -> Result<(), Invalid> {
    let len = password.chars().count();
    if len < MIN_LEN {
        return Err(invalid("password_too_short"));
    }
    if len > MAX_LEN {
        return Err(invalid("password_too_long"));
    }
    if !password.chars().any(char::is_alphabetic) {
        return Err(invalid("password_no_letter"));
    }
    if !password.chars().any(|c| c.is_ascii_digit()) {
        return Err(invalid("password_no_digit"));
    }
    let mut distinct: Vec<char> = password.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < MIN_DISTINCT {
        return Err(invalid("password_repetitive"));
    }
    if is_common(password) {
        return Err(invalid("password_common"));
    }
    let lower = password.to_lowercase();
    for term in personal {
        let term = term.trim();
        if term.chars().count() >= MIN_PERSONAL_LEN && lower.contains(&term.to_lowercase()) {
            return Err(invalid("password_contains_personal"));
        }
    }
    Ok(())
}

/// The personal values to keep out of a password: the NIK, the e-mail
/// local part and its pieces split at `.`, `_`, `-`, `+`, and the words of
/// the full name. Only values of at least 4 characters are returned,
/// lowercased and without duplicates. Any argument may be empty.
///
/// ```ignore
/// let terms = personal_terms(nik, email, full_name);
/// let refs: Vec<&str> = terms.iter().map(String::as_str).collect();
/// check_strength(password, &refs)?;
/// ```
pub fn personal_terms(nik: &str, email: &str, full_name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |s: &str| {
        let s = s.trim().to_lowercase();
        if s.chars().count() >= MIN_PERSONAL_LEN && !out.contains(&s) {
            out.push(s);
        }
    };
    push(nik);
    let local = email.trim().split('@').next().unwrap_or_default();
    push(local);
    for piece in local.split(['.', '_', '-', '+']) {
        push(piece);
    }
    for word in full_name.split(|c: char| !c.is_alphanumeric()) {
        push(word);
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn detail(pw: &str) -> &'static str {
        check_strength(pw, &[]).unwrap_err().detail
    }

    #[test]
    fn accepts_reasonable_passwords() {
        assert!(check_strength("kopi-tubruk-88", &[]).is_ok());
        assert!(check_strength("Gunung Rinjani 3726", &[]).is_ok());
        assert!(check_strength("ŝtupoj kaj 7 ŝtonoj", &[]).is_ok());
        assert!(check_strength("x839201745z", &[]).is_ok());
    }

    #[test]
    fn error_shape() {
        let e = check_strength("short1", &[]).unwrap_err();
        assert_eq!(
            (e.code, e.field, e.detail),
            ("weak_password", "password", "password_too_short")
        );
    }

    #[test]
    fn length_limits() {
        assert_eq!(detail("abcxyz789"), "password_too_short");
        assert!(check_strength("abcxyz7890", &[]).is_ok());
        // Characters, not bytes: 9 two-byte letters + 1 digit is 10.
        assert!(check_strength("éàüöñçåøß1", &[]).is_ok());
        assert_eq!(detail("éàüöñçåø1"), "password_too_short");
        let long = format!("{}{}", "ab1cd2ef3g".repeat(12), "hij4kl5m"); // 128
        assert_eq!(long.chars().count(), 128);
        assert!(check_strength(&long, &[]).is_ok());
        assert_eq!(detail(&format!("{long}n")), "password_too_long");
    }

    #[test]
    fn needs_letter_and_digit() {
        assert_eq!(detail("1234567890123"), "password_no_letter");
        assert_eq!(detail("9876-5432-10!"), "password_no_letter");
        assert_eq!(detail("correcthorsebattery"), "password_no_digit");
        assert_eq!(detail("Gunung Rinjani!"), "password_no_digit");
    }

    #[test]
    fn repetitive() {
        assert_eq!(detail("aaaaaaaaa1"), "password_repetitive");
        assert_eq!(detail("ab12ab12ab12"), "password_repetitive");
        assert!(check_strength("abc12abc12xyz", &[]).is_ok());
    }

    #[test]
    fn common_passwords() {
        for pw in [
            "password123",
            "Password2024",
            "P@ssw0rd123",
            "P@ssw0rd2024!",
            "qwerty12345",
            "Qwerty123456",
            "1q2w3e4r5t",
            "a1b2c3d4e5",
            "abc1234567",
            "a123456789",
            "123456789a",
            "iloveyou123",
            "Indonesia1945",
            "bismillah123",
            "Bism1llah99",
            "jakarta2026",
            "sayangku1234",
            "BPJS12345678",
            "2024welcome!",
        ] {
            assert_eq!(detail(pw), "password_common", "{pw}");
        }
    }

    #[test]
    fn personal_values() {
        let personal = ["3201011505900001", "siti.nuraini", "siti", "nuraini", "ab"];
        let check = |pw: &str| check_strength(pw, &personal);
        assert_eq!(
            check("nik3201011505900001").unwrap_err().detail,
            "password_contains_personal"
        );
        assert_eq!(
            check("NurAini-2024xyz").unwrap_err().detail,
            "password_contains_personal"
        );
        assert_eq!(
            check("sItI.kopi.99x").unwrap_err().detail,
            "password_contains_personal"
        );
        // Values under 4 characters are ignored.
        assert!(check("ab-kopi-tubruk-9").is_ok());
        // Empty and whitespace-only values are ignored.
        assert!(check_strength("kopi-tubruk-88", &["", "   "]).is_ok());
    }

    #[test]
    fn personal_terms_extraction() {
        let t = personal_terms(
            "3201011505900001",
            "Siti.Nur_aini+jht@example.com",
            "Siti Nur'aini, S.E.",
        );
        assert_eq!(
            t,
            vec!["3201011505900001", "siti.nur_aini+jht", "siti", "aini"]
        );
        assert!(personal_terms("", "", "").is_empty());
        let t = personal_terms("", "budi@example.com", "Budi Santoso");
        assert_eq!(t, vec!["budi", "santoso"]);
    }

    proptest! {
        #[test]
        fn short_passwords_refused(pw in "\\PC{0,9}") {
            prop_assert_eq!(check_strength(&pw, &[]).unwrap_err().detail, "password_too_short");
        }

        #[test]
        fn letterless_refused(pw in "[0-9 !@#%^&*()_+=-]{10,40}") {
            prop_assert_eq!(check_strength(&pw, &[]).unwrap_err().detail, "password_no_letter");
        }

        #[test]
        fn digitless_refused(pw in "[a-zA-Z !@#%^&*()_+=-]{10,40}") {
            let e = check_strength(&pw, &[]).unwrap_err().detail;
            prop_assert!(e == "password_no_digit" || e == "password_no_letter");
        }

        #[test]
        fn personal_value_inside_is_refused(
            pre in "[a-z0-9]{0,6}",
            term in "[a-z]{4,10}",
            post in "[0-9]{3,6}",
        ) {
            let pw = format!("{pre}Q{}{post}z", term.to_uppercase());
            let r = check_strength(&pw, &[term.as_str()]);
            if let Err(e) = r {
                prop_assert!(
                    e.detail == "password_contains_personal"
                        || e.detail == "password_repetitive"
                        || e.detail == "password_common"
                        || e.detail == "password_too_short",
                    "{}", e.detail
                );
            } else {
                prop_assert!(false, "accepted {pw}");
            }
        }

        #[test]
        fn accepted_passwords_meet_every_rule(pw in "\\PC{0,30}") {
            if check_strength(&pw, &[]).is_ok() {
                let n = pw.chars().count();
                prop_assert!((MIN_LEN..=MAX_LEN).contains(&n));
                prop_assert!(pw.chars().any(char::is_alphabetic));
                prop_assert!(pw.chars().any(|c| c.is_ascii_digit()));
            }
        }
    }
}

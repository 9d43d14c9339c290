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
use crate::domain::Code;

const CODE: Code = Code::WeakPassword;
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
mod tests;

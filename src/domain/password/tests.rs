#![allow(clippy::unwrap_used)]
use super::*;
use crate::domain::checked::testing::{assert_error, assert_refused};
use proptest::prelude::*;

/// Checked with no personal values.
fn plain(pw: &str) -> Result<(), Invalid> {
    check_strength(pw, &[])
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
    assert_error(
        plain,
        "short1",
        ("weak_password", "password", "password_too_short"),
    );
}

#[test]
fn length_limits() {
    assert!(plain("abcxyz7890").is_ok());
    // Characters, not bytes: 9 two-byte letters + 1 digit is 10.
    assert!(plain("éàüöñçåøß1").is_ok());
    assert_refused(plain, "password_too_short", &["abcxyz789", "éàüöñçåø1"]);
    let long = format!("{}{}", "ab1cd2ef3g".repeat(12), "hij4kl5m"); // 128
    assert_eq!(long.chars().count(), 128);
    assert!(plain(&long).is_ok());
    assert_refused(plain, "password_too_long", &[&format!("{long}n")]);
}

#[test]
fn needs_letter_and_digit() {
    assert_refused(
        plain,
        "password_no_letter",
        &["1234567890123", "9876-5432-10!"],
    );
    assert_refused(
        plain,
        "password_no_digit",
        &["correcthorsebattery", "Gunung Rinjani!"],
    );
}

#[test]
fn repetitive() {
    assert_refused(
        plain,
        "password_repetitive",
        &["aaaaaaaaa1", "ab12ab12ab12"],
    );
    assert!(plain("abc12abc12xyz").is_ok());
}

#[test]
fn common_passwords() {
    let common = [
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
    ];
    assert_refused(plain, "password_common", &common);
}

#[test]
fn personal_values() {
    let personal = ["3201011505900001", "siti.nuraini", "siti", "nuraini", "ab"];
    let check = |pw: &str| check_strength(pw, &personal);
    let containing = ["nik3201011505900001", "NurAini-2024xyz", "sItI.kopi.99x"];
    assert_refused(check, "password_contains_personal", &containing);
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

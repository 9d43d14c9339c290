//! Booking codes: short, easy to read aloud and type at a kiosk. The
//! alphabet leaves out 0/O and 1/I/L.

use rand::Rng;

pub const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
pub const LEN: usize = 8;

pub fn generate() -> String {
    let mut rng = rand::rng();
    (0..LEN)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

/// Normalizes what a person typed ("k7m4 qxp2" → "K7M4QXP2"); `None` when
/// it cannot be a booking code.
pub fn normalize(input: &str) -> Option<String> {
    let code: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() == LEN && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_codes_normalize_to_themselves() {
        for _ in 0..200 {
            let c = generate();
            assert_eq!(normalize(&c), Some(c.clone()));
        }
    }

    #[test]
    fn typed_codes() {
        assert_eq!(normalize("k7m4-qxp2"), Some("K7M4QXP2".into()));
        assert_eq!(normalize("K7M4QXP"), None);
        assert_eq!(normalize("O0000000"), None);
        assert_eq!(normalize("../etc/x"), None);
    }
}

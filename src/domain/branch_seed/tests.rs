use super::*;
use std::collections::HashSet;

/// Expected zone of each of the 38 current provinces.
fn province_zone(province: &str) -> Option<&'static str> {
    match province {
        "Aceh"
        | "Sumatera Utara"
        | "Sumatera Barat"
        | "Riau"
        | "Kepulauan Riau"
        | "Jambi"
        | "Bengkulu"
        | "Sumatera Selatan"
        | "Kepulauan Bangka Belitung"
        | "Lampung"
        | "Banten"
        | "DKI Jakarta"
        | "Jawa Barat"
        | "Jawa Tengah"
        | "DI Yogyakarta"
        | "Jawa Timur"
        | "Kalimantan Barat"
        | "Kalimantan Tengah" => Some("WIB"),
        "Bali"
        | "Nusa Tenggara Barat"
        | "Nusa Tenggara Timur"
        | "Kalimantan Selatan"
        | "Kalimantan Timur"
        | "Kalimantan Utara"
        | "Sulawesi Utara"
        | "Gorontalo"
        | "Sulawesi Tengah"
        | "Sulawesi Barat"
        | "Sulawesi Selatan"
        | "Sulawesi Tenggara" => Some("WITA"),
        "Maluku" | "Maluku Utara" | "Papua" | "Papua Barat" | "Papua Barat Daya"
        | "Papua Tengah" | "Papua Pegunungan" | "Papua Selatan" => Some("WIT"),
        _ => None,
    }
}

fn well_formed_code(code: &str) -> bool {
    (3..=24).contains(&code.len())
        && code.contains('-')
        && code.starts_with(|c: char| c.is_ascii_uppercase())
        && !code.ends_with('-')
        && !code.contains("--")
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
}

#[test]
fn at_least_fifteen_offices() {
    assert!(BRANCHES.len() >= 15, "only {} offices", BRANCHES.len());
}

#[test]
fn codes_are_unique_and_well_formed() {
    let mut seen = HashSet::new();
    for b in BRANCHES {
        assert!(well_formed_code(b.code), "malformed code {:?}", b.code);
        assert!(seen.insert(b.code), "duplicate code {}", b.code);
    }
}

#[test]
fn names_are_unique_and_start_with_the_kind() {
    let mut seen = HashSet::new();
    for b in BRANCHES {
        assert!(seen.insert(b.name), "duplicate name {}", b.name);
        let rest = b.name.strip_prefix(b.kind.label_id());
        assert!(
            rest.is_some_and(|r| r.starts_with(' ') && r.len() > 1),
            "{} does not start with {:?}",
            b.name,
            b.kind.label_id()
        );
        if b.kind == BranchKind::Branch {
            // "Kantor Cabang Perintis X" must be kind Pioneer.
            assert!(!b.name.starts_with("Kantor Cabang Perintis"), "{}", b.code);
        }
    }
}

#[test]
fn text_fields_are_filled_and_trimmed() {
    for b in BRANCHES {
        for (field, value) in [
            ("name", b.name),
            ("city", b.city),
            ("province", b.province),
            ("address", b.address),
        ] {
            assert!(!value.is_empty(), "{}: empty {}", b.code, field);
            assert_eq!(value, value.trim(), "{}: untrimmed {}", b.code, field);
        }
    }
}

#[test]
fn every_timezone_is_indonesian() {
    for b in BRANCHES {
        assert!(
            matches!(
                b.timezone,
                "Asia/Jakarta" | "Asia/Pontianak" | "Asia/Makassar" | "Asia/Jayapura"
            ),
            "{}: unexpected zone {}",
            b.code,
            b.timezone
        );
    }
}

#[test]
fn timezone_matches_province() {
    for b in BRANCHES {
        let expected = province_zone(b.province);
        assert!(
            expected.is_some(),
            "{}: unknown province {:?}",
            b.code,
            b.province
        );
        assert_eq!(zone_label(b.timezone), expected, "{}", b.code);
    }
}

#[test]
fn all_three_zones_present() {
    let zones: HashSet<_> = BRANCHES
        .iter()
        .filter_map(|b| zone_label(b.timezone))
        .collect();
    for z in ["WIB", "WITA", "WIT"] {
        assert!(zones.contains(z), "no office in {z}");
    }
}

#[test]
fn every_kind_present() {
    for kind in BranchKind::ALL {
        assert!(
            BRANCHES.iter().any(|b| b.kind == kind),
            "no {} office",
            kind.as_str()
        );
    }
    let pioneers = BRANCHES
        .iter()
        .filter(|b| b.kind == BranchKind::Pioneer)
        .count();
    assert!(pioneers >= 4, "only {pioneers} pioneer branches");
}

#[test]
fn service_mode_follows_kind() {
    for b in BRANCHES {
        match b.kind {
            BranchKind::Branch => {
                assert!(b.one_to_many, "{}", b.code);
                assert!((5..=10).contains(&b.booths), "{}", b.code);
                assert!((8..=15).contains(&b.session_capacity), "{}", b.code);
            }
            BranchKind::Pioneer | BranchKind::Regional => {
                assert!(!b.one_to_many, "{}", b.code);
                assert!((1..=2).contains(&b.booths), "{}", b.code);
                assert!((3..=5).contains(&b.session_capacity), "{}", b.code);
            }
        }
        assert!(b.session_capacity >= b.booths, "{}", b.code);
    }
}

#[test]
fn kind_round_trips() {
    for kind in BranchKind::ALL {
        assert_eq!(BranchKind::parse(kind.as_str()), Some(kind));
        assert!(!kind.label_id().is_empty());
        assert!(!kind.label_en().is_empty());
    }
    assert_eq!(BranchKind::parse("Branch"), None);
    assert_eq!(BranchKind::parse(""), None);
    assert_eq!(BranchKind::parse(" pioneer"), None);
    assert_eq!(BranchKind::Pioneer.label_id(), "Kantor Cabang Perintis");
    assert_eq!(BranchKind::Regional.label_id(), "Kantor Wilayah");
}

#[test]
fn zone_labels() {
    assert_eq!(zone_label("Asia/Jakarta"), Some("WIB"));
    assert_eq!(zone_label("Asia/Pontianak"), Some("WIB"));
    assert_eq!(zone_label("Asia/Makassar"), Some("WITA"));
    assert_eq!(zone_label("Asia/Ujung_Pandang"), Some("WITA"));
    assert_eq!(zone_label("Asia/Jayapura"), Some("WIT"));
    assert_eq!(zone_label("UTC"), None);
    assert_eq!(zone_label("Asia/Singapore"), None);
    assert_eq!(zone_label("asia/jakarta"), None);
    assert_eq!(zone_label(""), None);
}

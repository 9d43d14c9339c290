//! Reference list of BPJS Ketenagakerjaan offices, seeded into an empty
//! database on first start.
//!
//! This is reference data, not configuration: once the `branches` table has
//! rows, the database is the source of truth and this list is not read
//! again. Operators edit branches through the admin screens.
//!
//! The offices come from public office listings and news about BPJS
//! Ketenagakerjaan (BPJAMSOSTEK). Names, cities, provinces and time zones
//! are reliable; street addresses are written as best known and **must be
//! checked by operations** before going live (offices move, and several
//! entries give only the street, not the house number).
//!
//! Service capacity is an illustrative starting point, set by kind:
//! - branch offices (kantor cabang) run "one to many" booths (bilik):
//!   5–10 booths and 8–15 people per session, larger in big cities;
//! - pioneer branches (kantor cabang perintis) keep one-to-one desks:
//!   1–2 desks, 3–5 people per session;
//! - regional offices (kantor wilayah) supervise branches and normally do
//!   not take JHT claims. They are seeded with a single one-to-one desk and
//!   a capacity of 3 so that they exist as real rows (staff accounts and
//!   reports hang off them); operations can set their capacity to 0 or hide
//!   them from the public finder by kind.
//!
//! Time zones are IANA names. Indonesia has three zones: WIB (UTC+7,
//! `Asia/Jakarta`, and `Asia/Pontianak` for West and Central Kalimantan),
//! WITA (UTC+8, `Asia/Makassar`) and WIT (UTC+9, `Asia/Jayapura`).

/// The kind of office, as BPJS Ketenagakerjaan names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BranchKind {
    /// Kantor wilayah: supervises the branches of a region (11 nationwide).
    Regional,
    /// Kantor cabang: a full branch office (about 120).
    Branch,
    /// Kantor cabang perintis: a small branch in a smaller town (about 200).
    Pioneer,
}

impl BranchKind {
    /// Every kind, in display order.
    pub const ALL: [BranchKind; 3] = [
        BranchKind::Regional,
        BranchKind::Branch,
        BranchKind::Pioneer,
    ];

    /// Stable value stored in the database and used in URLs.
    pub fn as_str(&self) -> &'static str {
        match self {
            BranchKind::Regional => "regional",
            BranchKind::Branch => "branch",
            BranchKind::Pioneer => "pioneer",
        }
    }

    /// Inverse of [`BranchKind::as_str`]; exact match only.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "regional" => Some(BranchKind::Regional),
            "branch" => Some(BranchKind::Branch),
            "pioneer" => Some(BranchKind::Pioneer),
            _ => None,
        }
    }

    /// Official Indonesian name of the kind.
    pub fn label_id(&self) -> &'static str {
        match self {
            BranchKind::Regional => "Kantor Wilayah",
            BranchKind::Branch => "Kantor Cabang",
            BranchKind::Pioneer => "Kantor Cabang Perintis",
        }
    }

    /// English name of the kind.
    pub fn label_en(&self) -> &'static str {
        match self {
            BranchKind::Regional => "Regional Office",
            BranchKind::Branch => "Branch Office",
            BranchKind::Pioneer => "Pioneer Branch Office",
        }
    }
}

/// One office as seeded into the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BranchSeed {
    /// Short stable uppercase slug: a common city abbreviation, a dash and
    /// the office's own name, e.g. `JKT-CILANDAK`; `KW-` for regional
    /// offices. Never reused for another office.
    pub code: &'static str,
    /// Full Indonesian name, e.g. "Kantor Cabang Jakarta Cilandak".
    pub name: &'static str,
    /// City or regency seat the office is in.
    pub city: &'static str,
    /// Current province name (after the 2022 Papua split).
    pub province: &'static str,
    /// Street address; to be verified by operations.
    pub address: &'static str,
    /// IANA time zone: `Asia/Jakarta`, `Asia/Pontianak`, `Asia/Makassar`
    /// or `Asia/Jayapura`.
    pub timezone: &'static str,
    pub kind: BranchKind,
    /// Whether the office runs one-to-many booths (one CS agent serving
    /// several booths by video) instead of one-to-one desks.
    pub one_to_many: bool,
    /// Booths (one-to-many) or desks (one-to-one).
    pub booths: u32,
    /// People served per session.
    pub session_capacity: u32,
}

const WIB: &str = "Asia/Jakarta";
const WIB_KALIMANTAN: &str = "Asia/Pontianak";
const WITA: &str = "Asia/Makassar";
const WIT: &str = "Asia/Jayapura";

impl BranchSeed {
    /// Sets the booths and the people per session; the seed helpers below
    /// leave both at 0 so that every entry has to state its capacity.
    const fn capacity(self, booths: u32, session_capacity: u32) -> Self {
        BranchSeed {
            booths,
            session_capacity,
            ..self
        }
    }
}

/// A full branch office with one-to-many booths (capacity via `.capacity`).
const fn branch(
    code: &'static str,
    name: &'static str,
    city: &'static str,
    province: &'static str,
    address: &'static str,
    timezone: &'static str,
) -> BranchSeed {
    BranchSeed {
        code,
        name,
        city,
        province,
        address,
        timezone,
        kind: BranchKind::Branch,
        one_to_many: true,
        booths: 0,
        session_capacity: 0,
    }
}

/// A pioneer branch: one-to-one desks (capacity via `.capacity`).
const fn pioneer(
    code: &'static str,
    name: &'static str,
    city: &'static str,
    province: &'static str,
    address: &'static str,
    timezone: &'static str,
) -> BranchSeed {
    BranchSeed {
        code,
        name,
        city,
        province,
        address,
        timezone,
        kind: BranchKind::Pioneer,
        one_to_many: false,
        booths: 0,
        session_capacity: 0,
    }
}

/// A regional office: one desk, nominal capacity (see the module doc).
const fn regional(
    code: &'static str,
    name: &'static str,
    city: &'static str,
    province: &'static str,
    address: &'static str,
    timezone: &'static str,
) -> BranchSeed {
    BranchSeed {
        code,
        name,
        city,
        province,
        address,
        timezone,
        kind: BranchKind::Regional,
        one_to_many: false,
        booths: 1,
        session_capacity: 3,
    }
}

/// The seed list, grouped by time zone and roughly west to east.
pub const BRANCHES: &[BranchSeed] = &[
    // ---- WIB (UTC+7): Sumatra, Java, West and Central Kalimantan ----
    regional(
        "KW-DKI-JAKARTA",
        "Kantor Wilayah DKI Jakarta",
        "Jakarta Selatan",
        "DKI Jakarta",
        "Jl. Jend. Gatot Subroto, Jakarta Selatan",
        WIB,
    ),
    branch(
        "JKT-CILANDAK",
        "Kantor Cabang Jakarta Cilandak",
        "Jakarta Selatan",
        "DKI Jakarta",
        "Jl. Raya Cilandak KKO, Cilandak Timur, Pasar Minggu, Jakarta Selatan",
        WIB,
    )
    .capacity(10, 15),
    branch(
        "JKT-SALEMBA",
        "Kantor Cabang Jakarta Salemba",
        "Jakarta Pusat",
        "DKI Jakarta",
        "Jl. Salemba Raya, Kenari, Senen, Jakarta Pusat",
        WIB,
    )
    .capacity(10, 15),
    branch(
        "TNG-CIKOKOL",
        "Kantor Cabang Tangerang Cikokol",
        "Tangerang",
        "Banten",
        "Jl. M.H. Thamrin, Cikokol, Kota Tangerang",
        WIB,
    )
    .capacity(9, 14),
    branch(
        "BDG-SUCI",
        "Kantor Cabang Bandung Suci",
        "Bandung",
        "Jawa Barat",
        "Jl. PHH. Mustofa (Jl. Suci) No. 39, Cibeunying Kaler, Bandung",
        WIB,
    )
    .capacity(9, 14),
    branch(
        "SMG-PEMUDA",
        "Kantor Cabang Semarang Pemuda",
        "Semarang",
        "Jawa Tengah",
        "Jl. Pemuda, Sekayu, Semarang Tengah, Semarang",
        WIB,
    )
    .capacity(8, 12),
    branch(
        "YOG-YOGYAKARTA",
        "Kantor Cabang Yogyakarta",
        "Yogyakarta",
        "DI Yogyakarta",
        "Jl. Urip Sumoharjo No. 57, Klitren, Gondokusuman, Yogyakarta",
        WIB,
    )
    .capacity(7, 12),
    branch(
        "SBY-KARIMUNJAWA",
        "Kantor Cabang Surabaya Karimunjawa",
        "Surabaya",
        "Jawa Timur",
        "Jl. Karimun Jawa No. 2-4, Gubeng, Surabaya",
        WIB,
    )
    .capacity(10, 15),
    branch(
        "MAD-MADIUN",
        "Kantor Cabang Madiun",
        "Madiun",
        "Jawa Timur",
        "Jl. Mayjen D.I. Panjaitan, Kota Madiun",
        WIB,
    )
    .capacity(5, 8),
    branch(
        "MDN-MEDAN-KOTA",
        "Kantor Cabang Medan Kota",
        "Medan",
        "Sumatera Utara",
        "Jl. Pangeran Diponegoro, Madras Hulu, Medan Polonia, Medan",
        WIB,
    )
    .capacity(9, 14),
    branch(
        "PKU-PEKANBARU",
        "Kantor Cabang Pekanbaru Kota",
        "Pekanbaru",
        "Riau",
        "Jl. Jend. Sudirman, Pekanbaru",
        WIB,
    )
    .capacity(7, 12),
    branch(
        "BTM-BATAM-NAGOYA",
        "Kantor Cabang Batam Nagoya",
        "Batam",
        "Kepulauan Riau",
        "Jl. Raden Patah, Lubuk Baja, Batam",
        WIB,
    )
    .capacity(8, 12),
    branch(
        "PLG-PALEMBANG",
        "Kantor Cabang Palembang",
        "Palembang",
        "Sumatera Selatan",
        "Jl. Angkatan 45, Palembang",
        WIB,
    )
    .capacity(7, 12),
    branch(
        "PTK-PONTIANAK",
        "Kantor Cabang Pontianak",
        "Pontianak",
        "Kalimantan Barat",
        "Jl. Sutan Syahrir, Pontianak Kota, Pontianak",
        WIB_KALIMANTAN,
    )
    .capacity(6, 10),
    branch(
        "PKY-PALANGKA-RAYA",
        "Kantor Cabang Palangka Raya",
        "Palangka Raya",
        "Kalimantan Tengah",
        "Jl. Imam Bonjol, Palangka Raya",
        WIB_KALIMANTAN,
    )
    .capacity(5, 8),
    // ---- WITA (UTC+8): Bali, Nusa Tenggara, Sulawesi, East/South Kalimantan ----
    regional(
        "KW-SULAWESI-MALUKU",
        "Kantor Wilayah Sulawesi dan Maluku",
        "Makassar",
        "Sulawesi Selatan",
        "Jl. Urip Sumoharjo, Panakkukang, Makassar",
        WITA,
    ),
    branch(
        "BPN-BALIKPAPAN",
        "Kantor Cabang Balikpapan",
        "Balikpapan",
        "Kalimantan Timur",
        "Jl. Jend. Sudirman, Balikpapan Kota, Balikpapan",
        WITA,
    )
    .capacity(7, 12),
    branch(
        "BJM-BANJARMASIN",
        "Kantor Cabang Banjarmasin",
        "Banjarmasin",
        "Kalimantan Selatan",
        "Jl. Lambung Mangkurat, Banjarmasin Tengah, Banjarmasin",
        WITA,
    )
    .capacity(7, 12),
    branch(
        "DPS-DENPASAR",
        "Kantor Cabang Denpasar",
        "Denpasar",
        "Bali",
        "Jl. Hayam Wuruk, Sumerta Kelod, Denpasar Timur, Denpasar",
        WITA,
    )
    .capacity(9, 14),
    branch(
        "MTR-MATARAM",
        "Kantor Cabang Mataram",
        "Mataram",
        "Nusa Tenggara Barat",
        "Jl. Langko, Ampenan, Mataram",
        WITA,
    )
    .capacity(6, 10),
    branch(
        "KPG-KUPANG",
        "Kantor Cabang Kupang",
        "Kupang",
        "Nusa Tenggara Timur",
        "Jl. W.J. Lalamentik, Oebobo, Kupang",
        WITA,
    )
    .capacity(5, 9),
    branch(
        "MKS-MAKASSAR",
        "Kantor Cabang Makassar",
        "Makassar",
        "Sulawesi Selatan",
        "Jl. Urip Sumoharjo, Panakkukang, Makassar",
        WITA,
    )
    .capacity(9, 14),
    branch(
        "MDO-MANADO",
        "Kantor Cabang Manado",
        "Manado",
        "Sulawesi Utara",
        "Jl. 17 Agustus, Wanea, Manado",
        WITA,
    )
    .capacity(6, 10),
    pioneer(
        "MOF-MAUMERE",
        "Kantor Cabang Perintis Maumere",
        "Maumere",
        "Nusa Tenggara Timur",
        "Jl. Ahmad Yani, Alok, Maumere, Kabupaten Sikka",
        WITA,
    )
    .capacity(1, 3),
    pioneer(
        "ATB-ATAMBUA",
        "Kantor Cabang Perintis Atambua",
        "Atambua",
        "Nusa Tenggara Timur",
        "Jl. Basuki Rahmat, Atambua, Kabupaten Belu",
        WITA,
    )
    .capacity(1, 3),
    pioneer(
        "LWK-LUWUK",
        "Kantor Cabang Perintis Luwuk",
        "Luwuk",
        "Sulawesi Tengah",
        "Jl. Ahmad Yani, Luwuk, Kabupaten Banggai",
        WITA,
    )
    .capacity(2, 4),
    pioneer(
        "BAU-BAUBAU",
        "Kantor Cabang Perintis Baubau",
        "Baubau",
        "Sulawesi Tenggara",
        "Jl. Betoambari, Baubau",
        WITA,
    )
    .capacity(2, 4),
    // ---- WIT (UTC+9): Maluku, Maluku Utara, Papua provinces ----
    branch(
        "AMB-AMBON",
        "Kantor Cabang Ambon",
        "Ambon",
        "Maluku",
        "Jl. Diponegoro, Sirimau, Ambon",
        WIT,
    )
    .capacity(5, 9),
    branch(
        "TTE-TERNATE",
        "Kantor Cabang Ternate",
        "Ternate",
        "Maluku Utara",
        "Jl. Pahlawan Revolusi, Ternate",
        WIT,
    )
    .capacity(5, 8),
    branch(
        "JYP-JAYAPURA",
        "Kantor Cabang Jayapura",
        "Jayapura",
        "Papua",
        "Jl. Raya Abepura, Kotaraja, Abepura, Jayapura",
        WIT,
    )
    .capacity(6, 10),
    branch(
        "SOQ-SORONG",
        "Kantor Cabang Sorong",
        "Sorong",
        "Papua Barat Daya",
        "Jl. Basuki Rahmat, Sorong",
        WIT,
    )
    .capacity(5, 8),
    pioneer(
        "TUL-TUAL",
        "Kantor Cabang Perintis Tual",
        "Tual",
        "Maluku",
        "Jl. Jend. Sudirman, Tual",
        WIT,
    )
    .capacity(1, 3),
    pioneer(
        "BIK-BIAK",
        "Kantor Cabang Perintis Biak",
        "Biak",
        "Papua",
        "Samofa, Biak, Kabupaten Biak Numfor",
        WIT,
    )
    .capacity(1, 3),
    pioneer(
        "MRK-MERAUKE",
        "Kantor Cabang Perintis Merauke",
        "Merauke",
        "Papua Selatan",
        "Jl. Raya Mandala, Merauke",
        WIT,
    )
    .capacity(2, 4),
];

/// "WIB" / "WITA" / "WIT" for an IANA zone name used by Indonesian
/// branches; `None` for any other zone.
pub fn zone_label(timezone: &str) -> Option<&'static str> {
    match timezone {
        "Asia/Jakarta" | "Asia/Pontianak" => Some("WIB"),
        // `Asia/Ujung_Pandang` is the tzdb's old alias of `Asia/Makassar`.
        "Asia/Makassar" | "Asia/Ujung_Pandang" => Some("WITA"),
        "Asia/Jayapura" => Some("WIT"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
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
}

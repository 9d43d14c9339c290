//! The seeded offices: data, not logic.

use super::BranchKind::{Branch, Pioneer, Regional};
use super::{office, BranchSeed, WIB, WIB_KALIMANTAN, WIT, WITA};

/// The seed list, grouped by time zone and roughly west to east.
pub const BRANCHES: &[BranchSeed] = &[
    // ---- WIB (UTC+7): Sumatra, Java, West and Central Kalimantan ----
    office(
        Regional,
        "KW-DKI-JAKARTA",
        "Kantor Wilayah DKI Jakarta",
        "Jakarta Selatan",
        "DKI Jakarta",
        "Jl. Jend. Gatot Subroto, Jakarta Selatan",
        WIB,
    ),
    office(
        Branch,
        "JKT-CILANDAK",
        "Kantor Cabang Jakarta Cilandak",
        "Jakarta Selatan",
        "DKI Jakarta",
        "Jl. Raya Cilandak KKO, Cilandak Timur, Pasar Minggu, Jakarta Selatan",
        WIB,
    )
    .capacity(10, 15),
    office(
        Branch,
        "JKT-SALEMBA",
        "Kantor Cabang Jakarta Salemba",
        "Jakarta Pusat",
        "DKI Jakarta",
        "Jl. Salemba Raya, Kenari, Senen, Jakarta Pusat",
        WIB,
    )
    .capacity(10, 15),
    office(
        Branch,
        "TNG-CIKOKOL",
        "Kantor Cabang Tangerang Cikokol",
        "Tangerang",
        "Banten",
        "Jl. M.H. Thamrin, Cikokol, Kota Tangerang",
        WIB,
    )
    .capacity(9, 14),
    office(
        Branch,
        "BDG-SUCI",
        "Kantor Cabang Bandung Suci",
        "Bandung",
        "Jawa Barat",
        "Jl. PHH. Mustofa (Jl. Suci) No. 39, Cibeunying Kaler, Bandung",
        WIB,
    )
    .capacity(9, 14),
    office(
        Branch,
        "SMG-PEMUDA",
        "Kantor Cabang Semarang Pemuda",
        "Semarang",
        "Jawa Tengah",
        "Jl. Pemuda, Sekayu, Semarang Tengah, Semarang",
        WIB,
    )
    .capacity(8, 12),
    office(
        Branch,
        "YOG-YOGYAKARTA",
        "Kantor Cabang Yogyakarta",
        "Yogyakarta",
        "DI Yogyakarta",
        "Jl. Urip Sumoharjo No. 57, Klitren, Gondokusuman, Yogyakarta",
        WIB,
    )
    .capacity(7, 12),
    office(
        Branch,
        "SBY-KARIMUNJAWA",
        "Kantor Cabang Surabaya Karimunjawa",
        "Surabaya",
        "Jawa Timur",
        "Jl. Karimun Jawa No. 2-4, Gubeng, Surabaya",
        WIB,
    )
    .capacity(10, 15),
    office(
        Branch,
        "MAD-MADIUN",
        "Kantor Cabang Madiun",
        "Madiun",
        "Jawa Timur",
        "Jl. Mayjen D.I. Panjaitan, Kota Madiun",
        WIB,
    )
    .capacity(5, 8),
    office(
        Branch,
        "MDN-MEDAN-KOTA",
        "Kantor Cabang Medan Kota",
        "Medan",
        "Sumatera Utara",
        "Jl. Pangeran Diponegoro, Madras Hulu, Medan Polonia, Medan",
        WIB,
    )
    .capacity(9, 14),
    office(
        Branch,
        "PKU-PEKANBARU",
        "Kantor Cabang Pekanbaru Kota",
        "Pekanbaru",
        "Riau",
        "Jl. Jend. Sudirman, Pekanbaru",
        WIB,
    )
    .capacity(7, 12),
    office(
        Branch,
        "BTM-BATAM-NAGOYA",
        "Kantor Cabang Batam Nagoya",
        "Batam",
        "Kepulauan Riau",
        "Jl. Raden Patah, Lubuk Baja, Batam",
        WIB,
    )
    .capacity(8, 12),
    office(
        Branch,
        "PLG-PALEMBANG",
        "Kantor Cabang Palembang",
        "Palembang",
        "Sumatera Selatan",
        "Jl. Angkatan 45, Palembang",
        WIB,
    )
    .capacity(7, 12),
    office(
        Branch,
        "PTK-PONTIANAK",
        "Kantor Cabang Pontianak",
        "Pontianak",
        "Kalimantan Barat",
        "Jl. Sutan Syahrir, Pontianak Kota, Pontianak",
        WIB_KALIMANTAN,
    )
    .capacity(6, 10),
    office(
        Branch,
        "PKY-PALANGKA-RAYA",
        "Kantor Cabang Palangka Raya",
        "Palangka Raya",
        "Kalimantan Tengah",
        "Jl. Imam Bonjol, Palangka Raya",
        WIB_KALIMANTAN,
    )
    .capacity(5, 8),
    // ---- WITA (UTC+8): Bali, Nusa Tenggara, Sulawesi, East/South Kalimantan ----
    office(
        Regional,
        "KW-SULAWESI-MALUKU",
        "Kantor Wilayah Sulawesi dan Maluku",
        "Makassar",
        "Sulawesi Selatan",
        "Jl. Urip Sumoharjo, Panakkukang, Makassar",
        WITA,
    ),
    office(
        Branch,
        "BPN-BALIKPAPAN",
        "Kantor Cabang Balikpapan",
        "Balikpapan",
        "Kalimantan Timur",
        "Jl. Jend. Sudirman, Balikpapan Kota, Balikpapan",
        WITA,
    )
    .capacity(7, 12),
    office(
        Branch,
        "BJM-BANJARMASIN",
        "Kantor Cabang Banjarmasin",
        "Banjarmasin",
        "Kalimantan Selatan",
        "Jl. Lambung Mangkurat, Banjarmasin Tengah, Banjarmasin",
        WITA,
    )
    .capacity(7, 12),
    office(
        Branch,
        "DPS-DENPASAR",
        "Kantor Cabang Denpasar",
        "Denpasar",
        "Bali",
        "Jl. Hayam Wuruk, Sumerta Kelod, Denpasar Timur, Denpasar",
        WITA,
    )
    .capacity(9, 14),
    office(
        Branch,
        "MTR-MATARAM",
        "Kantor Cabang Mataram",
        "Mataram",
        "Nusa Tenggara Barat",
        "Jl. Langko, Ampenan, Mataram",
        WITA,
    )
    .capacity(6, 10),
    office(
        Branch,
        "KPG-KUPANG",
        "Kantor Cabang Kupang",
        "Kupang",
        "Nusa Tenggara Timur",
        "Jl. W.J. Lalamentik, Oebobo, Kupang",
        WITA,
    )
    .capacity(5, 9),
    office(
        Branch,
        "MKS-MAKASSAR",
        "Kantor Cabang Makassar",
        "Makassar",
        "Sulawesi Selatan",
        "Jl. Urip Sumoharjo, Panakkukang, Makassar",
        WITA,
    )
    .capacity(9, 14),
    office(
        Branch,
        "MDO-MANADO",
        "Kantor Cabang Manado",
        "Manado",
        "Sulawesi Utara",
        "Jl. 17 Agustus, Wanea, Manado",
        WITA,
    )
    .capacity(6, 10),
    office(
        Pioneer,
        "MOF-MAUMERE",
        "Kantor Cabang Perintis Maumere",
        "Maumere",
        "Nusa Tenggara Timur",
        "Jl. Ahmad Yani, Alok, Maumere, Kabupaten Sikka",
        WITA,
    )
    .capacity(1, 3),
    office(
        Pioneer,
        "ATB-ATAMBUA",
        "Kantor Cabang Perintis Atambua",
        "Atambua",
        "Nusa Tenggara Timur",
        "Jl. Basuki Rahmat, Atambua, Kabupaten Belu",
        WITA,
    )
    .capacity(1, 3),
    office(
        Pioneer,
        "LWK-LUWUK",
        "Kantor Cabang Perintis Luwuk",
        "Luwuk",
        "Sulawesi Tengah",
        "Jl. Ahmad Yani, Luwuk, Kabupaten Banggai",
        WITA,
    )
    .capacity(2, 4),
    office(
        Pioneer,
        "BAU-BAUBAU",
        "Kantor Cabang Perintis Baubau",
        "Baubau",
        "Sulawesi Tenggara",
        "Jl. Betoambari, Baubau",
        WITA,
    )
    .capacity(2, 4),
    // ---- WIT (UTC+9): Maluku, Maluku Utara, Papua provinces ----
    office(
        Branch,
        "AMB-AMBON",
        "Kantor Cabang Ambon",
        "Ambon",
        "Maluku",
        "Jl. Diponegoro, Sirimau, Ambon",
        WIT,
    )
    .capacity(5, 9),
    office(
        Branch,
        "TTE-TERNATE",
        "Kantor Cabang Ternate",
        "Ternate",
        "Maluku Utara",
        "Jl. Pahlawan Revolusi, Ternate",
        WIT,
    )
    .capacity(5, 8),
    office(
        Branch,
        "JYP-JAYAPURA",
        "Kantor Cabang Jayapura",
        "Jayapura",
        "Papua",
        "Jl. Raya Abepura, Kotaraja, Abepura, Jayapura",
        WIT,
    )
    .capacity(6, 10),
    office(
        Branch,
        "SOQ-SORONG",
        "Kantor Cabang Sorong",
        "Sorong",
        "Papua Barat Daya",
        "Jl. Basuki Rahmat, Sorong",
        WIT,
    )
    .capacity(5, 8),
    office(
        Pioneer,
        "TUL-TUAL",
        "Kantor Cabang Perintis Tual",
        "Tual",
        "Maluku",
        "Jl. Jend. Sudirman, Tual",
        WIT,
    )
    .capacity(1, 3),
    office(
        Pioneer,
        "BIK-BIAK",
        "Kantor Cabang Perintis Biak",
        "Biak",
        "Papua",
        "Samofa, Biak, Kabupaten Biak Numfor",
        WIT,
    )
    .capacity(1, 3),
    office(
        Pioneer,
        "MRK-MERAUKE",
        "Kantor Cabang Perintis Merauke",
        "Merauke",
        "Papua Selatan",
        "Jl. Raya Mandala, Merauke",
        WIT,
    )
    .capacity(2, 4),
];

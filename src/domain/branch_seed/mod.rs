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

/// An office of `kind`. A branch office runs one-to-many booths and a
/// pioneer branch one-to-one desks, both with their capacity set by
/// `.capacity`; a regional office has one desk and a nominal capacity
/// (see the module doc).
const fn office(
    kind: BranchKind,
    code: &'static str,
    name: &'static str,
    city: &'static str,
    province: &'static str,
    address: &'static str,
    timezone: &'static str,
) -> BranchSeed {
    let regional = matches!(kind, BranchKind::Regional);
    BranchSeed {
        code,
        name,
        city,
        province,
        address,
        timezone,
        kind,
        one_to_many: matches!(kind, BranchKind::Branch),
        booths: if regional { 1 } else { 0 },
        session_capacity: if regional { 3 } else { 0 },
    }
}

/// The zone of IANA name `timezone`; Jakarta's (WIB) for a name the
/// tz database does not know.
pub fn tz_of(timezone: &str) -> chrono_tz::Tz {
    timezone.parse().unwrap_or(chrono_tz::Asia::Jakarta)
}

/// The label a time in zone `timezone` is shown with: [`zone_label`],
/// "WIB" (as [`tz_of`]) for a zone it does not know.
pub fn shown_label(timezone: &str) -> &'static str {
    zone_label(timezone).unwrap_or("WIB")
}

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

mod table;
pub use table::BRANCHES;

#[cfg(test)]
mod tests;

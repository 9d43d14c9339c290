//! Pure rules and types of the JHT claim domain: parsing identifiers once,
//! claim eligibility, the working-day calendar and reference data.
//! No diesel, no actix, no I/O here: everything is unit-testable.

/// `impl Serialize` for a type with a stable `code()`: it serializes as its
/// code. Declared before the modules so that all of them can use it.
macro_rules! serialize_as_code {
    ($t:ty) => {
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }
    };
}

pub mod audit;
pub mod booking;
pub mod booking_code;
pub mod branch_seed;
pub mod calendar;
pub mod checked;
pub mod claim;
pub mod closure;
pub mod collective;
pub mod consent;
pub mod dossier;
pub mod draw;
pub mod email;
pub mod fair;
pub mod floor;
pub mod kpj;
pub mod nik;
pub mod outreach;
pub mod overview;
pub mod password;
pub mod person_name;
pub mod phone;
pub mod planner;
pub mod recovery;
pub mod role;
pub mod schedule;
pub mod staff_admin;
pub mod status;

pub mod code;
pub use code::Code;
pub mod video;
pub mod waitlist;

/// A value that failed to parse. `code` is the stable API error code
/// (`invalid_nik`), `field` the input field it came from, and `detail` a
/// snake_case key the message catalog turns into a sentence for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub code: Code,
    pub field: &'static str,
    pub detail: &'static str,
}

impl Invalid {
    pub const fn new(code: Code, field: &'static str, detail: &'static str) -> Self {
        Self {
            code,
            field,
            detail,
        }
    }
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}: {})", self.code, self.field, self.detail)
    }
}

impl std::error::Error for Invalid {}

//! States stored as text (the database keeps snake_case words, so both
//! backends and the audit log read the same values) and used in code as
//! enums: parsed once where a row is read, compared as values everywhere
//! else. [`text_enum!`] declares one.

/// A state word that is not one of the enum's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownState(pub String);

impl std::fmt::Display for UnknownState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown state {:?}", self.0)
    }
}

impl std::error::Error for UnknownState {}

/// Declares an enum stored as snake_case text:
/// `text_enum!(pub enum BookingStatus { Booked = "booked", … })` gives
/// `as_str()`, `parse()`, `ALL`, `Display` and `FromStr`.
#[macro_export]
macro_rules! text_enum {
    ($(#[$m:meta])* pub enum $name:ident { $($(#[$vm:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vm])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(s: &str) -> Result<Self, $crate::domain::status::UnknownState> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err($crate::domain::status::UnknownState(other.to_string())),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::domain::status::UnknownState;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    crate::text_enum!(
        /// A test state.
        pub enum Light {
            Red = "red",
            GreenArrow = "green_arrow",
        }
    );

    #[test]
    fn round_trips_and_refuses_unknown_words() {
        for l in Light::ALL {
            assert_eq!(Light::parse(l.as_str()), Ok(*l));
        }
        assert_eq!(Light::GreenArrow.to_string(), "green_arrow");
        assert!(Light::parse("Red").is_err());
        assert!("blue".parse::<Light>().is_err());
    }
}

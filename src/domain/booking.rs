//! A booking's life: booked, then checked in at the kiosk, then done or a
//! no-show; or cancelled while still booked.

pub use super::status::BookingStatus;

impl BookingStatus {
    /// A booking that still holds its seat and may be moved or cancelled.
    pub fn is_active(self) -> bool {
        self == BookingStatus::Booked
    }
}

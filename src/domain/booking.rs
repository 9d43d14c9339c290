//! A booking's life: booked, then checked in at the kiosk, then done or a
//! no-show; or cancelled while still booked.

crate::text_enum!(
    /// The states of a booking (`bookings.status`).
    pub enum BookingStatus {
        Booked = "booked",
        Cancelled = "cancelled",
        CheckedIn = "checked_in",
        Done = "done",
        NoShow = "no_show",
    }
);

impl BookingStatus {
    /// A booking that still holds its seat and may be moved or cancelled.
    pub fn is_active(self) -> bool {
        self == BookingStatus::Booked
    }
}

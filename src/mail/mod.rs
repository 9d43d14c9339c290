//! Mail: building messages (text + HTML + calendar file) and delivering the
//! outbox through SMTP or, without SMTP, as `.eml` files in the data dir.

pub mod account;
pub mod claim;
pub mod closure;
pub mod collective;
pub mod compose;
pub mod gateway;
pub mod layout;
pub mod messages;
pub mod no_show;
pub mod waitlist;
pub mod worker;

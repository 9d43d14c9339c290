//! Server-rendered HTML (maud): the layout, shared components and one
//! module per page. Views receive plain data and never touch the database.

pub mod account;
pub mod audit;
pub mod booth;
pub mod branches;
pub mod charts;
pub mod checklist;
pub mod collective;
pub mod collective_staff;
pub mod components;
pub mod contact;
pub mod first_free;
pub mod floor;
pub mod home;
pub mod journey;
pub mod layout;
pub mod me;
pub mod outreach;
pub mod overview;
pub mod password_reset;
pub mod planner;
pub mod review;
pub mod staff;
pub mod staff_accounts;
pub mod waitlist;

//! The integration test binary: one process, one harness (`common`), one
//! module per capability. Every test starts the real `antre` binary on a
//! fresh database on a pinned server clock (see `common::DEFAULT_CLOCK`).
//!
//! Run one capability with a filter, e.g. `cargo test --test it booking::`;
//! the benchmarks (`bench::`) are ignored by default (README,
//! "Performance").

#[macro_use]
mod common;

mod access_matrix;
mod accounts;
mod api_contract;
mod api_document;
mod audit;
mod balancer;
mod bench;
mod booking;
mod calo;
mod catalog;
mod claims;
mod cli;
mod collective;
mod contact;
mod documents;
mod durability;
mod fair;
mod floor;
mod fuzz;
mod journey;
mod layering;
mod mail;
mod message_language;
mod messages;
mod outreach;
mod pages;
mod password_reset;
mod planner;
mod planner_page;
mod race;
mod schema_parity;
mod screens;
mod security;
mod staff_admin;
mod storage;
mod video;
mod waitlist;
mod waits;
mod walk_in;

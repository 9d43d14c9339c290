//! Antre: JHT claim queueing, verification booths, collective claims and an
//! audit trail for BPJS Ketenagakerjaan. See README.md for the map.

pub mod app;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod domain;
pub mod i18n;
pub mod infra;
pub mod instance;
pub mod jobs;
pub mod mail;
pub mod startup;
pub mod views;
pub mod web;

//! ardesk: an accounts-receivable desk for the terminal.

pub mod domain;
pub mod store;
pub mod demo;

//! ardesk: an accounts-receivable desk for the terminal.

pub mod app;
pub mod cli;
pub mod commands;
pub mod demo;
pub mod domain;
pub mod export;
pub mod import;
pub mod store;
pub mod tui;
pub mod ui;

//! ardesk: an accounts-receivable desk for the terminal.
#![deny(clippy::unwrap_used, clippy::expect_used)]
// Text leaves for the terminal only through the edges that clean it
// (`commands::out`, and the screen's `ui::draw`).
#![cfg_attr(not(test), warn(clippy::print_stdout, clippy::print_stderr))]

pub mod app;
pub mod cli;
pub mod commands;
pub mod config;
pub mod demo;
pub mod domain;
pub mod export;
pub mod import;
pub mod statement;
pub mod store;
pub mod tui;
pub mod ui;
pub mod view;

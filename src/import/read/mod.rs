//! Stage 1, read: a file's bytes into rows and its cells into values,
//! the same for every source.
//!
//! - `csv_input`: a CSV export as it arrives (byte-order mark, UTF-8,
//!   UTF-16 or Windows-1252, `,` `;` or tab, title lines above the header
//!   and totals or footers below the data), streamed a row at a time with
//!   its line number (`csv_lines`, `sniff`);
//! - `json`: a JSON export's document;
//! - `amount`, `marks`, `decimals`: amounts as exports write them, in a
//!   file's one decimal mark, decided from all its amounts before any row
//!   is read;
//! - `fields`: dates, times and yes/no values as exports write them;
//! - `lines`: an invoice's lines and memo within what ardesk keeps;
//! - `prints`: a row's print, to tell an unchanged row before mapping it.
//!
//! Takes a path; gives a `CsvInput` (rows of cells) or a JSON `Value`, and
//! the readers a parser turns cells into values with. Knows no source.

pub mod amount;
pub mod csv_input;
mod csv_lines;
pub mod decimals;
pub mod fields;
pub(crate) mod json;
pub(crate) mod lines;
pub mod marks;
pub mod prints;
mod sniff;

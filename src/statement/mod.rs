//! A customer's statement of account, rendered: plain text for the screen
//! and `--format txt`, CSV, and PDF. Pure rendering of a `model::Statement`
//! the store side fills in: nothing here reads the database.

pub mod csv;
pub mod layout;
pub mod model;
pub mod output;
pub mod pdf;
pub mod text;
pub mod whole_file;

pub use model::Statement;

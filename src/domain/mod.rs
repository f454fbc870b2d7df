//! Pure types and rules: money, dates, statuses, metric formulas. No I/O.

pub mod address;
pub mod bounds;
pub mod collections;
pub mod columns;
pub mod currency;
pub mod customer_list;
pub mod date;
pub mod detail;
pub mod edit;
pub mod external_id;
pub mod filetype;
pub mod filter;
pub mod lines;
pub mod links;
pub mod metrics;
pub mod model;
pub mod money;
pub mod status;
pub mod tabs;
pub mod text;

pub use money::{Currency, Money};

//! What the screen shows, apart from drawing it: the regions of each screen
//! and the texts that decide their sizes. Both the app (how many rows fit,
//! for paging) and `ui` (drawing) use it; it imports only `domain` and
//! ratatui's geometry, never the store or the app.

pub mod aging;
pub mod cards;
pub mod columns;
pub mod detail;
pub mod figures;
pub mod layout;
pub mod tabs;
pub mod thread;

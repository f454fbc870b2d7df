//! Validated write paths (being written).

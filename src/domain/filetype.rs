//! Document formats detected from content and extension (being written).

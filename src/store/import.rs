//! Import upserts keyed on (source, external id) (being written).

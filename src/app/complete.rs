//! Path completion for file inputs (being written).

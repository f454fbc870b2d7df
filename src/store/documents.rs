//! Streaming document upload and download (being written).

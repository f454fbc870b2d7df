-- Version 3: the largest document ardesk stores, an organization setting
-- (`ardesk config max-document-size`, the settings dialog), in bytes:
-- 2 GiB unless changed, and between 1 KiB and 1 TiB (src/domain/edit.rs
-- says why). A column added with its default: no table is rebuilt.
ALTER TABLE organization ADD COLUMN max_document_size INTEGER NOT NULL DEFAULT 2147483648
    CONSTRAINT max_document_size_range CHECK (max_document_size BETWEEN 1024 AND 1099511627776);

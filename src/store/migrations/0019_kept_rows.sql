-- Version 19: the imported rows kept leaner (issue 19). Each imported
-- invoice kept its source row as JSON in `source_raw` (666 bytes an
-- invoice from Stripe, half of a million-invoice file): now it keeps
--
-- - `import_base`, the baseline the next import merges against: the
--   mapped fields as last imported, length-prefixed, and a fingerprint of
--   the row (`store::kept`, about 100 bytes), compared whole by an
--   unchanged re-import;
-- - `import_row`, the number of its row in `import_kept`, which keeps the
--   rows an import wrote in order, one JSON line each, zstd-compressed a
--   chunk of about 256 KiB at a time (a row decodes from its chunk alone).
--
-- The upgrade moves every invoice's `source_raw` of the import's shape
-- into the two (`migrate::kept`, in Rust: it compresses); the rest (ardesk's
-- own format may carry any JSON there) stays in `source_raw`. Put back
-- together, the two give the very text `source_raw` held.

CREATE TABLE import_kept (
    first_row     INTEGER PRIMARY KEY CHECK (first_row > 0),
    row_count     INTEGER NOT NULL CHECK (row_count > 0),
    import_source TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    data          BLOB NOT NULL
) STRICT;

ALTER TABLE invoices ADD COLUMN import_base BLOB;
ALTER TABLE invoices ADD COLUMN import_row INTEGER CHECK (import_row > 0);

-- Version 12: a credit note's lines.
--
-- `credit_note_lines`: what a credit note credits, line by line, as an
-- invoice's lines are kept (`invoice_lines`, version 6): description,
-- quantity and unit price as decimal text, amount and tax in minor units
-- of the credit's currency, in order (`seq`). Optional: a credit note
-- without lines is its amount alone. A credit note entered in ardesk with
-- lines has its amount equal to their sum (the store checks it); one from
-- an import keeps the lines its source gives as they are. Only credit
-- notes have lines; they go with their credit (ON DELETE CASCADE).
--
-- A new table, nothing rebuilt, no row refused.

CREATE TABLE credit_note_lines (
    credit_id    INTEGER NOT NULL REFERENCES credits(id) ON DELETE CASCADE,
    seq          INTEGER NOT NULL CHECK (seq BETWEEN 0 AND 999),
    kind         TEXT    NOT NULL CHECK (kind IN ('item', 'discount')),
    description  TEXT    NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
    quantity     TEXT    CHECK (quantity IS NULL OR length(quantity) BETWEEN 1 AND 40),
    unit_price   TEXT    CHECK (unit_price IS NULL OR length(unit_price) BETWEEN 1 AND 40),
    amount_minor INTEGER NOT NULL,
    tax_minor    INTEGER,
    CONSTRAINT credit_line_amount_in_range CHECK (amount_minor BETWEEN -10000000000000 AND 10000000000000),
    CONSTRAINT credit_line_tax_in_range CHECK (tax_minor IS NULL OR tax_minor BETWEEN -10000000000000 AND 10000000000000),
    CHECK (kind = 'item' OR amount_minor <= 0),
    PRIMARY KEY (credit_id, seq)
) STRICT, WITHOUT ROWID;

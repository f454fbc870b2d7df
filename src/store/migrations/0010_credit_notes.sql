-- Version 10: credit notes, small-balance adjustments, and voids.
--
-- A credit is one of three kinds (`credits.kind`):
--   'credit'       credit granted to the customer directly (goodwill and the
--                  like), as every credit before this version was;
--   'credit_note'  a numbered credit note, against an invoice or standalone;
--   'adjustment'   a small-balance write-off: a credit of exactly an
--                  invoice's last few cents, applied to it.
-- Every kind is credit, never collection: applied to an invoice it lowers
-- Total Billed (schema 8), unapplied it is Credit Balance.
--
-- `credits.number`: a credit note's number (from the organization's
-- sequence, or the source's for an import), unique among credit notes;
-- NULL for the other kinds.
--
-- `credits.status` 'issued' or 'voided', and `credits.voided_on`, the date
-- of the void (a date iff voided, in the bounds of every date, not before
-- the credit's own date). A voided credit counts nowhere: its applications
-- were reversed with the void's date first (`applications.removed_on`), so
-- nothing of it is applied (`credit_voided_unapplied`, which also refuses
-- applying it later), and its unapplied part leaves the Credit Balance (the
-- summary triggers count issued credits only). A void is final.
--
-- `credits.invoice_id`: the invoice a credit note was issued against, or
-- the invoice an adjustment closed (required for an adjustment); NULL for
-- a standalone credit note and for granted credit.
--
-- The organization gains the credit-note sequence (`credit_note_prefix`,
-- `credit_note_next_seq`, as for invoices) and `small_balance_limit_minor`:
-- the largest balance a small-balance write-off closes without asking, in
-- minor units of whatever currency the invoice is in (500 = $5.00, but
-- ¥500), from 0 (always ask) to the bound of one amount.
--
-- Existing credits become granted credit, issued, against no invoice;
-- columns are added with their defaults, no table is rebuilt.

DROP TRIGGER credits_summary_insert;
DROP TRIGGER credits_summary_delete;
DROP TRIGGER credits_summary_update;

ALTER TABLE credits ADD COLUMN kind TEXT NOT NULL DEFAULT 'credit'
    CONSTRAINT credit_kind CHECK (kind IN ('credit', 'credit_note', 'adjustment'));

ALTER TABLE credits ADD COLUMN number TEXT
    CONSTRAINT credit_note_number CHECK ((kind = 'credit_note') = (number IS NOT NULL)
        AND (number IS NULL OR length(trim(number)) BETWEEN 1 AND 64));

ALTER TABLE credits ADD COLUMN status TEXT NOT NULL DEFAULT 'issued'
    CONSTRAINT credit_status CHECK (status IN ('issued', 'voided'))
    CONSTRAINT credit_voided_unapplied CHECK (status = 'issued' OR applied_minor = 0);

ALTER TABLE credits ADD COLUMN voided_on TEXT
    CONSTRAINT credit_voided_on_in_range CHECK ((status = 'voided') = (voided_on IS NOT NULL)
        AND (voided_on IS NULL OR (date(voided_on) IS voided_on
             AND voided_on BETWEEN '1900-01-01' AND '2199-12-31' AND voided_on >= granted_on)));

ALTER TABLE credits ADD COLUMN invoice_id INTEGER REFERENCES invoices(id)
    CONSTRAINT credit_adjustment_invoice CHECK (kind <> 'adjustment' OR invoice_id IS NOT NULL);

CREATE UNIQUE INDEX credits_note_number ON credits(number) WHERE kind = 'credit_note';
CREATE INDEX credits_by_invoice ON credits(invoice_id) WHERE invoice_id IS NOT NULL;

ALTER TABLE organization ADD COLUMN credit_note_prefix TEXT NOT NULL DEFAULT 'CN-'
    CONSTRAINT organization_credit_note_prefix CHECK (length(credit_note_prefix) <= 32);
ALTER TABLE organization ADD COLUMN credit_note_next_seq INTEGER NOT NULL DEFAULT 1
    CONSTRAINT organization_credit_note_next_seq CHECK (credit_note_next_seq BETWEEN 1 AND 999999999999);
ALTER TABLE organization ADD COLUMN small_balance_limit_minor INTEGER NOT NULL DEFAULT 500
    CONSTRAINT organization_small_balance_limit CHECK (small_balance_limit_minor BETWEEN 0 AND 10000000000000);

CREATE TRIGGER credits_summary_insert AFTER INSERT ON credits BEGIN
    INSERT OR IGNORE INTO customer_summary(customer_id, currency) VALUES (NEW.customer_id, NEW.currency);
    UPDATE customer_summary SET credit_open_minor = credit_open_minor
        + CASE WHEN NEW.status = 'issued' THEN NEW.amount_minor - NEW.applied_minor ELSE 0 END
    WHERE customer_id = NEW.customer_id AND currency = NEW.currency;
END;

CREATE TRIGGER credits_summary_delete AFTER DELETE ON credits BEGIN
    UPDATE customer_summary SET credit_open_minor = credit_open_minor
        - CASE WHEN OLD.status = 'issued' THEN OLD.amount_minor - OLD.applied_minor ELSE 0 END
    WHERE customer_id = OLD.customer_id AND currency = OLD.currency;
END;

CREATE TRIGGER credits_summary_update
AFTER UPDATE OF customer_id, currency, amount_minor, applied_minor, status ON credits BEGIN
    UPDATE customer_summary SET credit_open_minor = credit_open_minor
        - CASE WHEN OLD.status = 'issued' THEN OLD.amount_minor - OLD.applied_minor ELSE 0 END
    WHERE customer_id = OLD.customer_id AND currency = OLD.currency;
    INSERT OR IGNORE INTO customer_summary(customer_id, currency) VALUES (NEW.customer_id, NEW.currency);
    UPDATE customer_summary SET credit_open_minor = credit_open_minor
        + CASE WHEN NEW.status = 'issued' THEN NEW.amount_minor - NEW.applied_minor ELSE 0 END
    WHERE customer_id = NEW.customer_id AND currency = NEW.currency;
END;

CREATE TRIGGER credits_void_final BEFORE UPDATE OF status ON credits
WHEN OLD.status = 'voided' AND NEW.status <> 'voided' BEGIN
    SELECT RAISE(ABORT, 'a voided credit stays voided');
END;

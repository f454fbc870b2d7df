-- Version 18: substring filters on the Invoices and Payments tabs by index
-- (issue 19), the two that hold a million rows for a customer.
--
-- `invoice_search` holds which invoices contain each trigram (three
-- characters, case folded) of their number and contract name, and
-- `payment_search` which payments (by id) and credits (by their id
-- negated, as the Payments tab lists them) of their reference: FTS5's
-- `trigram` tokenizer, `detail=none` (no positions, a fifth of the size)
-- and contentless (`content=''`: the text stays in `invoices` alone). A
-- filter word of three characters or more finds its candidates there
-- with `MATCH` on the AND of its trigrams, and the rows found are then
-- checked against the word itself as before (`LIKE`), so the index only
-- ever narrows: what it answers is exactly what reading every row
-- answers. `contentless_delete=1` lets a row be taken out by its id
-- alone, so no trigger has to know what was indexed before.
--
-- The triggers below keep them in step with every write; a bulk load lifts
-- the insert triggers of invoices and payments and indexes its new rows at
-- once before commit (`summaries::rebuild`). `ardesk check` compares them
-- with the rows and `ardesk check --repair` rebuilds them.

CREATE VIRTUAL TABLE invoice_search USING fts5(
    number, contract_name, content = '', contentless_delete = 1, tokenize = 'trigram', detail = 'none'
);
INSERT INTO invoice_search(rowid, number, contract_name) SELECT id, number, contract_name FROM invoices;

CREATE TRIGGER invoices_search_insert AFTER INSERT ON invoices BEGIN
    INSERT INTO invoice_search(rowid, number, contract_name) VALUES (NEW.id, NEW.number, NEW.contract_name);
END;
CREATE TRIGGER invoices_search_update AFTER UPDATE OF id, number, contract_name ON invoices
WHEN OLD.id IS NOT NEW.id OR OLD.number IS NOT NEW.number OR OLD.contract_name IS NOT NEW.contract_name BEGIN
    DELETE FROM invoice_search WHERE rowid = OLD.id;
    INSERT INTO invoice_search(rowid, number, contract_name) VALUES (NEW.id, NEW.number, NEW.contract_name);
END;
CREATE TRIGGER invoices_search_delete AFTER DELETE ON invoices BEGIN
    DELETE FROM invoice_search WHERE rowid = OLD.id;
END;

CREATE VIRTUAL TABLE payment_search USING fts5(
    reference, content = '', contentless_delete = 1, tokenize = 'trigram', detail = 'none'
);
INSERT INTO payment_search(rowid, reference) SELECT id, reference FROM payments;
-- A credit's reference as the Payments tab reads it: a credit note's
-- number, any other credit's reason.
INSERT INTO payment_search(rowid, reference)
    SELECT -id, CASE WHEN kind = 'credit_note' THEN number ELSE reason END FROM credits;

CREATE TRIGGER payments_search_insert AFTER INSERT ON payments BEGIN
    INSERT INTO payment_search(rowid, reference) VALUES (NEW.id, NEW.reference);
END;
CREATE TRIGGER payments_search_update AFTER UPDATE OF id, reference ON payments
WHEN OLD.id IS NOT NEW.id OR OLD.reference IS NOT NEW.reference BEGIN
    DELETE FROM payment_search WHERE rowid = OLD.id;
    INSERT INTO payment_search(rowid, reference) VALUES (NEW.id, NEW.reference);
END;
CREATE TRIGGER payments_search_delete AFTER DELETE ON payments BEGIN
    DELETE FROM payment_search WHERE rowid = OLD.id;
END;
CREATE TRIGGER credits_search_insert AFTER INSERT ON credits BEGIN
    INSERT INTO payment_search(rowid, reference)
    VALUES (-NEW.id, CASE WHEN NEW.kind = 'credit_note' THEN NEW.number ELSE NEW.reason END);
END;
CREATE TRIGGER credits_search_update AFTER UPDATE OF id, kind, number, reason ON credits
WHEN OLD.id IS NOT NEW.id OR OLD.kind IS NOT NEW.kind OR OLD.number IS NOT NEW.number
  OR OLD.reason IS NOT NEW.reason BEGIN
    DELETE FROM payment_search WHERE rowid = -OLD.id;
    INSERT INTO payment_search(rowid, reference)
    VALUES (-NEW.id, CASE WHEN NEW.kind = 'credit_note' THEN NEW.number ELSE NEW.reason END);
END;
CREATE TRIGGER credits_search_delete AFTER DELETE ON credits BEGIN
    DELETE FROM payment_search WHERE rowid = -OLD.id;
END;

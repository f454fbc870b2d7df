-- Version 18: substring filters on the Invoices tab by index (issue 19).
--
-- `invoice_search` holds which invoices contain each trigram (three
-- characters, case folded) of their number and contract name: FTS5's
-- `trigram` tokenizer, `detail=none` (no positions, a fifth of the size)
-- and contentless (`content=''`: the text stays in `invoices` alone). A
-- filter word of three characters or more finds its candidates there
-- with `MATCH` on the AND of its trigrams, and the rows found are then
-- checked against the word itself as before (`LIKE`), so the index only
-- ever narrows: what it answers is exactly what reading every row
-- answers. `contentless_delete=1` lets a row be taken out by its id
-- alone, so no trigger has to know what was indexed before.
--
-- The triggers below keep it in step with every write; a bulk load lifts
-- the insert trigger and indexes its new rows at once before commit
-- (`summaries::rebuild`). `ardesk check` compares it with the invoices
-- and `ardesk check --repair` rebuilds it.

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

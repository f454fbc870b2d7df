-- Version 17: the customers list at a million customers (issue 19). The
-- list reads only the rows it shows, walking an index in the order shown,
-- and searches by index instead of reading every customer.
--
-- Sorting: one index per column the list sorts on, ties in name order
-- (`name COLLATE NOCASE`, then id). Outstanding is walked on
-- `customer_outstanding`, one narrow row per customer with its name,
-- currency and the outstanding of its summary in that currency, kept by
-- the triggers below from `customers` and `customer_summary`; `ardesk
-- check` compares it with them and `ardesk check --repair` rebuilds it.
-- Overdue (it depends on the day) and broken promises are ranked on the
-- reading thread instead.
--
-- Searching: `customer_search`, an FTS5 index of trigrams (`detail=none`:
-- only which customers hold each trigram, a quarter of the size of full
-- detail) over the text the list searches (`customer_search_text`: name,
-- legal name, billing email, the source's id, the source and the
-- currency). A word of three characters or more is found through it with
-- `LIKE`, which SQLite then checks against the text itself; shorter words
-- are checked on the rows the other words or the name's prefix found. The
-- triggers below keep it in step with every write; `ardesk check` compares
-- it with the customers (FTS5's integrity check) and `ardesk check
-- --repair` rebuilds it.

CREATE INDEX customers_legal ON customers(coalesce(legal_name, '') COLLATE NOCASE, name COLLATE NOCASE, id);
CREATE INDEX customers_source ON customers(coalesce(import_source, ''), name COLLATE NOCASE, id);
CREATE INDEX customers_currency ON customers(currency, name COLLATE NOCASE, id);
-- Badges in the order the list shows their words: none, "Paused",
-- "Paused Portal", "Portal".
CREATE INDEX customers_badges
    ON customers((CASE WHEN invoices_paused = 1 THEN 1 + portal ELSE 3 * portal END), name COLLATE NOCASE, id);

CREATE TABLE customer_outstanding (
    customer_id       INTEGER PRIMARY KEY REFERENCES customers(id),
    currency          TEXT    NOT NULL,
    name              TEXT    NOT NULL,
    outstanding_minor INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO customer_outstanding(customer_id, currency, name, outstanding_minor)
    SELECT c.id, c.currency, c.name,
           coalesce((SELECT s.outstanding_minor FROM customer_summary s
                     WHERE s.customer_id = c.id AND s.currency = c.currency), 0)
    FROM customers c;
CREATE INDEX customer_outstanding_order
    ON customer_outstanding(currency, outstanding_minor, name COLLATE NOCASE, customer_id);

CREATE TRIGGER customers_outstanding_insert AFTER INSERT ON customers BEGIN
    INSERT INTO customer_outstanding(customer_id, currency, name, outstanding_minor)
    VALUES (NEW.id, NEW.currency, NEW.name,
            coalesce((SELECT s.outstanding_minor FROM customer_summary s
                      WHERE s.customer_id = NEW.id AND s.currency = NEW.currency), 0));
END;
CREATE TRIGGER customers_outstanding_update AFTER UPDATE OF name, currency ON customers BEGIN
    UPDATE customer_outstanding
    SET currency = NEW.currency, name = NEW.name,
        outstanding_minor = coalesce((SELECT s.outstanding_minor FROM customer_summary s
                                      WHERE s.customer_id = NEW.id AND s.currency = NEW.currency), 0)
    WHERE customer_id = NEW.id;
END;
CREATE TRIGGER customers_outstanding_delete BEFORE DELETE ON customers BEGIN
    DELETE FROM customer_outstanding WHERE customer_id = OLD.id;
END;
CREATE TRIGGER summary_outstanding_insert AFTER INSERT ON customer_summary BEGIN
    UPDATE customer_outstanding SET outstanding_minor = NEW.outstanding_minor
    WHERE customer_id = NEW.customer_id AND currency = NEW.currency;
END;
CREATE TRIGGER summary_outstanding_update AFTER UPDATE OF outstanding_minor ON customer_summary
    WHEN NEW.outstanding_minor IS NOT OLD.outstanding_minor BEGIN
    UPDATE customer_outstanding SET outstanding_minor = NEW.outstanding_minor
    WHERE customer_id = NEW.customer_id AND currency = NEW.currency;
END;
CREATE TRIGGER summary_outstanding_delete AFTER DELETE ON customer_summary BEGIN
    UPDATE customer_outstanding SET outstanding_minor = 0
    WHERE customer_id = OLD.customer_id AND currency = OLD.currency;
END;

CREATE VIEW customer_search_text AS
    SELECT id, name || ' ' || coalesce(legal_name, '') || ' ' || coalesce(billing_email, '') || ' '
               || coalesce(external_id, '') || ' ' || coalesce(import_source, '') || ' ' || currency AS hay
    FROM customers;

CREATE VIRTUAL TABLE customer_search USING fts5(
    hay, content = 'customer_search_text', content_rowid = 'id', tokenize = 'trigram', detail = 'none'
);
INSERT INTO customer_search(customer_search) VALUES ('rebuild');

CREATE TRIGGER customers_search_insert AFTER INSERT ON customers BEGIN
    INSERT INTO customer_search(rowid, hay) SELECT id, hay FROM customer_search_text WHERE id = NEW.id;
END;
CREATE TRIGGER customers_search_delete BEFORE DELETE ON customers BEGIN
    INSERT INTO customer_search(customer_search, rowid, hay)
        SELECT 'delete', id, hay FROM customer_search_text WHERE id = OLD.id;
END;
CREATE TRIGGER customers_search_before
    BEFORE UPDATE OF name, legal_name, billing_email, external_id, import_source, currency ON customers BEGIN
    INSERT INTO customer_search(customer_search, rowid, hay)
        SELECT 'delete', id, hay FROM customer_search_text WHERE id = OLD.id;
END;
CREATE TRIGGER customers_search_after
    AFTER UPDATE OF name, legal_name, billing_email, external_id, import_source, currency ON customers BEGIN
    INSERT INTO customer_search(rowid, hay) SELECT id, hay FROM customer_search_text WHERE id = NEW.id;
END;

-- ardesk schema, version 1.
--
-- Money is stored as integer minor units (cents; yen have none) beside a
-- three-letter currency code. Dates are ISO 'YYYY-MM-DD' text, checked to be
-- real calendar dates. Every enum has a CHECK. Rows that users edit carry a
-- `version` for optimistic concurrency.
--
-- Derived figures are kept by triggers inside the writing transaction, so no
-- code path can forget them and they can never drift from the raw rows:
--   invoices.applied_minor, payments.applied_minor, credits.applied_minor
--   customer_summary, customer_due_summary, customer_collect_summary.
-- `ardesk check` recomputes every one of them from the raw rows.
--
-- This file stays version 1: a database of every version upgrades through
-- the same steps, and the schema a version expects is what its steps make
-- (`src/store/schema.rs`). Later versions are the numbered files in
-- `src/store/migrations/`: 2 bounds every amount and date (STRICT tables),
-- 3 the document size limit, 4 the activity index by time, 5 each
-- invoice's balance (`invoices.balance_minor`, kept by triggers and sorted
-- on an index) and the Invoices tab's status-line sums in
-- `customer_summary`, 6 invoice lines and memo, refunds as rows of their
-- own, and the audit log indexed by entity, 7 applications reversed with
-- the date they stopped counting (`applications.removed_on`) instead of
-- deleted, and days to collect never negative, 8 credit is not collection:
-- each invoice's credited part (`invoices.credited_minor`) and its sum over
-- issued invoices (`customer_summary.billed_credited_minor`), which Total
-- Billed and Billed & Collected leave out, 9 the date and reason of an
-- invoice's bad-debt write-off (`invoices.written_off_on`,
-- `invoices.write_off_reason`), 10 credit notes and small-balance
-- adjustments: each credit's kind, number, status and void date and the
-- invoice it was issued against (`credits.kind`, `number`, `status`,
-- `voided_on`, `invoice_id`; a voided credit counts nowhere), and the
-- organization's credit-note sequence and small-balance limit, 11
-- imported refunds keyed by their source's id (`refunds.external_id`), 12
-- credit notes' lines (`credit_note_lines`), 13 the date a cancelled
-- invoice was cancelled (`invoices.cancelled_on`), 14 the dated events
-- behind every figure (views `dated_*_events`) and their sums per day
-- (`customer_dated_summary`), for the figures as of any date, 15 postal
-- addresses for statements (`organization.address`,
-- `customers.billing_address`), 16 collections: conversations rebuilt
-- with a channel, a 'waiting' status, who resolved them, an external id
-- and a version, and their messages, linked invoices, promises to pay and
-- invoice pauses (`conversation_messages`, `conversation_invoices`,
-- `promises`, `promise_invoices`, `invoice_pauses`), 17 the customers
-- list by index: an index per column it sorts on (Outstanding on
-- `customer_outstanding`, kept by triggers), and the trigram search index
-- (`customer_search`, over the view `customer_search_text`), 18 the
-- trigram indexes of the invoices' numbers and contracts and of the
-- payments' and credits' references for substring filters
-- (`invoice_search`, `payment_search`: contentless, kept by triggers), 19
-- the imported rows kept leanly (`invoices.import_base` and `import_row`,
-- the compressed rows in `import_kept`), 20 the dated summary one row per
-- customer, day, currency and date with a column per measure
-- (`customer_day_summary`, from the views `dated_*_rows`), 21 each
-- imported invoice row's print, to tell an unchanged row at sight
-- (`invoices.import_line`).

CREATE TABLE organization (
    id                  INTEGER PRIMARY KEY CHECK (id = 1),
    name                TEXT    NOT NULL,
    default_currency    TEXT    NOT NULL CHECK (length(default_currency) = 3 AND default_currency = upper(default_currency)),
    show_credit_balance INTEGER NOT NULL DEFAULT 1 CHECK (show_credit_balance IN (0, 1)),
    invoice_prefix      TEXT    NOT NULL DEFAULT 'INV-',
    invoice_next_seq    INTEGER NOT NULL DEFAULT 1 CHECK (invoice_next_seq >= 1),
    hubspot_portal_id   TEXT,
    salesforce_domain   TEXT,
    version             INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE customers (
    id                 INTEGER PRIMARY KEY,
    name               TEXT    NOT NULL CHECK (length(trim(name)) > 0),
    legal_name         TEXT,
    billing_email      TEXT,
    currency           TEXT    NOT NULL CHECK (length(currency) = 3 AND currency = upper(currency)),
    import_source      TEXT    CHECK (import_source IN ('stripe', 'quickbooks', 'hubspot', 'salesforce')),
    external_id        TEXT,
    external_url       TEXT,
    source_raw         TEXT,   -- the imported row as JSON, nothing lost
    invoices_paused    INTEGER NOT NULL DEFAULT 0 CHECK (invoices_paused IN (0, 1)),
    portal             INTEGER NOT NULL DEFAULT 0 CHECK (portal IN (0, 1)),
    primary_contact_id INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
    created_at         TEXT    NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1,
    CHECK ((import_source IS NULL) = (external_id IS NULL))
);
CREATE UNIQUE INDEX customers_external ON customers(import_source, external_id) WHERE import_source IS NOT NULL;
CREATE INDEX customers_name ON customers(name COLLATE NOCASE, id);

CREATE TABLE contracts (
    id                 INTEGER PRIMARY KEY,
    customer_id        INTEGER NOT NULL REFERENCES customers(id),
    name               TEXT    NOT NULL CHECK (length(trim(name)) > 0),
    kind               TEXT    NOT NULL CHECK (kind IN ('recurring', 'one_time')),
    status             TEXT    NOT NULL CHECK (status IN ('draft', 'active', 'ended', 'cancelled')),
    period_start       TEXT    NOT NULL CHECK (date(period_start) IS period_start),
    period_end         TEXT    CHECK (period_end IS NULL OR (date(period_end) IS period_end AND period_end >= period_start)),
    value_minor        INTEGER NOT NULL CHECK (value_minor >= 0),
    currency           TEXT    NOT NULL CHECK (length(currency) = 3),
    payment_terms_days INTEGER NOT NULL CHECK (payment_terms_days BETWEEN 0 AND 3650),
    billing_frequency  TEXT    CHECK (billing_frequency IN ('monthly', 'quarterly', 'semiannual', 'annual')),
    created_at         TEXT    NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1,
    CHECK (kind = 'recurring' OR billing_frequency IS NULL),
    CHECK (kind = 'recurring' OR period_end IS NOT NULL)
);
CREATE INDEX contracts_customer ON contracts(customer_id, period_start, id);

CREATE TABLE invoices (
    id             INTEGER PRIMARY KEY,
    customer_id    INTEGER NOT NULL REFERENCES customers(id),
    contract_id    INTEGER REFERENCES contracts(id),
    -- The contract's name, kept by the writers and the rename trigger, so
    -- the Invoices tab sorts and filters by it on an index.
    contract_name  TEXT    NOT NULL DEFAULT '',
    number         TEXT    NOT NULL UNIQUE CHECK (length(trim(number)) > 0),
    issue_date     TEXT    NOT NULL CHECK (date(issue_date) IS issue_date),
    due_date       TEXT    NOT NULL CHECK (date(due_date) IS due_date AND due_date >= issue_date),
    period_start   TEXT    CHECK (period_start IS NULL OR date(period_start) IS period_start),
    period_end     TEXT    CHECK (period_end IS NULL OR (date(period_end) IS period_end AND period_end >= period_start)),
    currency       TEXT    NOT NULL CHECK (length(currency) = 3 AND currency = upper(currency)),
    total_minor    INTEGER NOT NULL CHECK (total_minor >= 0),
    -- Σ applications to this invoice; kept by the application triggers.
    applied_minor  INTEGER NOT NULL DEFAULT 0 CHECK (applied_minor >= 0 AND applied_minor <= total_minor),
    status         TEXT    NOT NULL CHECK (status IN ('draft', 'open', 'paid', 'cancelled', 'uncollectible')),
    import_source  TEXT    CHECK (import_source IN ('stripe', 'quickbooks', 'hubspot', 'salesforce')),
    external_id    TEXT,
    source_raw     TEXT,
    created_at     TEXT    NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1,
    -- Draft and cancelled invoices owe nothing and hold no money.
    CHECK (status NOT IN ('draft', 'cancelled') OR applied_minor = 0),
    CHECK ((import_source IS NULL) = (external_id IS NULL))
);
-- Keyset windows: every index a screen sorts on starts with the customer and
-- ends with the id, so `(col, id) > (?, ?)` walks it directly.
CREATE INDEX invoices_by_issue  ON invoices(customer_id, issue_date, id);
CREATE INDEX invoices_by_due    ON invoices(customer_id, due_date, id);
CREATE INDEX invoices_by_total  ON invoices(customer_id, total_minor, id);
CREATE INDEX invoices_by_number ON invoices(customer_id, number, id);
CREATE INDEX invoices_by_status ON invoices(customer_id, status, id);
CREATE INDEX invoices_by_contract_name ON invoices(customer_id, contract_name, id);
CREATE INDEX invoices_by_period ON invoices(customer_id, coalesce(period_start, ''), id);
-- Oldest-first payment allocation and overdue filters walk only open invoices.
CREATE INDEX invoices_open_by_due ON invoices(customer_id, due_date, id) WHERE status = 'open';
CREATE INDEX invoices_by_contract ON invoices(contract_id) WHERE contract_id IS NOT NULL;
CREATE UNIQUE INDEX invoices_external ON invoices(import_source, external_id) WHERE import_source IS NOT NULL;

CREATE TABLE payments (
    id             INTEGER PRIMARY KEY,
    customer_id    INTEGER NOT NULL REFERENCES customers(id),
    received_on    TEXT    NOT NULL CHECK (date(received_on) IS received_on),
    amount_minor   INTEGER NOT NULL CHECK (amount_minor > 0),
    refunded_minor INTEGER NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0 AND refunded_minor <= amount_minor),
    -- Σ applications of this payment; kept by the application triggers.
    applied_minor  INTEGER NOT NULL DEFAULT 0 CHECK (applied_minor >= 0),
    currency       TEXT    NOT NULL CHECK (length(currency) = 3 AND currency = upper(currency)),
    reference      TEXT    NOT NULL DEFAULT '',
    status         TEXT    NOT NULL CHECK (status IN ('succeeded', 'pending', 'failed', 'refunded')),
    method         TEXT    NOT NULL CHECK (method IN ('manual', 'automatic')),
    import_source  TEXT    CHECK (import_source IN ('stripe', 'quickbooks', 'hubspot', 'salesforce')),
    external_id    TEXT,
    source_raw     TEXT,
    created_at     TEXT    NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1,
    -- Only money actually kept can be applied to invoices.
    CHECK (applied_minor + refunded_minor <= amount_minor),
    CHECK (status = 'succeeded' OR applied_minor = 0),
    CHECK (status <> 'refunded' OR refunded_minor = amount_minor),
    CHECK (status IN ('succeeded', 'refunded') OR refunded_minor = 0),
    CHECK ((import_source IS NULL) = (external_id IS NULL))
);
CREATE INDEX payments_by_date   ON payments(customer_id, received_on, id);
CREATE INDEX payments_by_amount ON payments(customer_id, amount_minor, id);
CREATE UNIQUE INDEX payments_external ON payments(import_source, external_id) WHERE import_source IS NOT NULL;

-- Credit granted to a customer (a credit note, a goodwill credit); applied to
-- invoices like a payment.
CREATE TABLE credits (
    id            INTEGER PRIMARY KEY,
    customer_id   INTEGER NOT NULL REFERENCES customers(id),
    granted_on    TEXT    NOT NULL CHECK (date(granted_on) IS granted_on),
    amount_minor  INTEGER NOT NULL CHECK (amount_minor > 0),
    applied_minor INTEGER NOT NULL DEFAULT 0 CHECK (applied_minor >= 0 AND applied_minor <= amount_minor),
    currency      TEXT    NOT NULL CHECK (length(currency) = 3 AND currency = upper(currency)),
    reason        TEXT    NOT NULL DEFAULT '',
    import_source TEXT    CHECK (import_source IN ('stripe', 'quickbooks', 'hubspot', 'salesforce')),
    external_id   TEXT,
    created_at    TEXT    NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX credits_customer ON credits(customer_id, granted_on, id);

-- The one kind of row that reduces what an invoice owes: a payment or a
-- credit applied to it. Immutable: undo by deleting.
CREATE TABLE applications (
    id          INTEGER PRIMARY KEY,
    invoice_id  INTEGER NOT NULL REFERENCES invoices(id),
    payment_id  INTEGER REFERENCES payments(id),
    credit_id   INTEGER REFERENCES credits(id),
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    applied_on  TEXT    NOT NULL CHECK (date(applied_on) IS applied_on),
    created_at  TEXT    NOT NULL,
    CHECK ((payment_id IS NULL) <> (credit_id IS NULL))
);
CREATE INDEX applications_invoice ON applications(invoice_id);
CREATE INDEX applications_payment ON applications(payment_id) WHERE payment_id IS NOT NULL;
CREATE INDEX applications_credit  ON applications(credit_id) WHERE credit_id IS NOT NULL;

CREATE TABLE contacts (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    name        TEXT    NOT NULL CHECK (length(trim(name)) > 0),
    email       TEXT    NOT NULL DEFAULT '',
    phone       TEXT    NOT NULL DEFAULT '',
    role        TEXT    NOT NULL DEFAULT '',
    import_source TEXT  CHECK (import_source IN ('stripe', 'quickbooks', 'hubspot', 'salesforce')),
    external_id TEXT,
    source_raw  TEXT,
    created_at  TEXT    NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX contacts_customer ON contacts(customer_id, name, id);
CREATE UNIQUE INDEX contacts_external ON contacts(import_source, external_id) WHERE import_source IS NOT NULL;

CREATE TABLE documents (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers(id),
    contract_id  INTEGER REFERENCES contracts(id),
    name         TEXT    NOT NULL CHECK (length(trim(name)) > 0),
    kind         TEXT    NOT NULL CHECK (kind IN ('contract', 'invoice', 'other')),
    format       TEXT    NOT NULL DEFAULT 'other',
    size_bytes   INTEGER NOT NULL CHECK (size_bytes >= 0),
    sha256       TEXT    NOT NULL CHECK (length(sha256) = 64),
    uploaded_at  TEXT    NOT NULL,
    uploaded_by  TEXT    NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX documents_customer ON documents(customer_id, uploaded_at, id);

-- Content apart from the metadata, so listing documents never reads a blob;
-- in chunks, so files of any size stream in and out (one SQLite value is
-- limited to about 1 GB) without holding a whole file in memory.
CREATE TABLE document_content (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL CHECK (seq >= 0),
    content     BLOB    NOT NULL,
    PRIMARY KEY (document_id, seq)
) WITHOUT ROWID;

CREATE TABLE conversations (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    subject     TEXT    NOT NULL,
    opened_on   TEXT    NOT NULL CHECK (date(opened_on) IS opened_on),
    status      TEXT    NOT NULL CHECK (status IN ('open', 'resolved')),
    resolved_on TEXT    CHECK (resolved_on IS NULL OR date(resolved_on) IS resolved_on),
    resolved_by TEXT    CHECK (resolved_by IN ('agent', 'person')),
    CHECK ((status = 'resolved') = (resolved_by IS NOT NULL AND resolved_on IS NOT NULL))
);
CREATE INDEX conversations_customer ON conversations(customer_id, status, resolved_by);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT    NOT NULL,
    who         TEXT    NOT NULL,
    customer_id INTEGER REFERENCES customers(id),
    entity      TEXT    NOT NULL,
    entity_id   INTEGER,
    action      TEXT    NOT NULL,
    summary     TEXT    NOT NULL,
    before_json TEXT,
    after_json  TEXT
);
CREATE INDEX audit_customer ON audit_log(customer_id, id);

-- ---------------------------------------------------------------------------
-- Summaries, per customer and currency, kept by the triggers below.

CREATE TABLE customer_summary (
    customer_id          INTEGER NOT NULL REFERENCES customers(id),
    currency             TEXT    NOT NULL,
    invoice_count        INTEGER NOT NULL DEFAULT 0, -- every invoice row
    invoice_total_minor  INTEGER NOT NULL DEFAULT 0, -- Σ total, every invoice row (the tab's sum)
    billed_minor         INTEGER NOT NULL DEFAULT 0, -- Σ total, issued (open, paid, uncollectible)
    billed_applied_minor INTEGER NOT NULL DEFAULT 0, -- Σ applied, issued
    outstanding_minor    INTEGER NOT NULL DEFAULT 0, -- Σ total − applied, open
    payment_count        INTEGER NOT NULL DEFAULT 0, -- every payment row
    payment_total_minor  INTEGER NOT NULL DEFAULT 0, -- Σ amount, every payment row (the tab's sum)
    collected_count      INTEGER NOT NULL DEFAULT 0, -- succeeded payments
    collected_minor      INTEGER NOT NULL DEFAULT 0, -- Σ amount − refunded, succeeded or refunded
    unapplied_minor      INTEGER NOT NULL DEFAULT 0, -- Σ amount − refunded − applied, succeeded
    credit_open_minor    INTEGER NOT NULL DEFAULT 0, -- Σ amount − applied, credits
    PRIMARY KEY (customer_id, currency)
) WITHOUT ROWID;

-- Open balance by due date: overdue and aging for any "today" in one range scan.
CREATE TABLE customer_due_summary (
    customer_id INTEGER NOT NULL,
    currency    TEXT    NOT NULL,
    due_date    TEXT    NOT NULL,
    open_minor  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (customer_id, currency, due_date)
) WITHOUT ROWID;

-- Payment applications by payment date: Avg. Days to Collect for any window.
CREATE TABLE customer_collect_summary (
    customer_id    INTEGER NOT NULL,
    currency       TEXT    NOT NULL,
    received_on    TEXT    NOT NULL,
    applied_minor  INTEGER NOT NULL DEFAULT 0,
    weighted_minor INTEGER NOT NULL DEFAULT 0, -- Σ applied × (received_on − issue_date) in days
    PRIMARY KEY (customer_id, currency, received_on)
) WITHOUT ROWID;

-- Invoices ----------------------------------------------------------------

CREATE TRIGGER invoices_summary_insert AFTER INSERT ON invoices BEGIN
    INSERT OR IGNORE INTO customer_summary(customer_id, currency) VALUES (NEW.customer_id, NEW.currency);
    UPDATE customer_summary SET
        invoice_count = invoice_count + 1,
        invoice_total_minor = invoice_total_minor + NEW.total_minor,
        billed_minor = billed_minor + CASE WHEN NEW.status IN ('open', 'paid', 'uncollectible') THEN NEW.total_minor ELSE 0 END,
        billed_applied_minor = billed_applied_minor + CASE WHEN NEW.status IN ('open', 'paid', 'uncollectible') THEN NEW.applied_minor ELSE 0 END,
        outstanding_minor = outstanding_minor + CASE WHEN NEW.status = 'open' THEN NEW.total_minor - NEW.applied_minor ELSE 0 END
    WHERE customer_id = NEW.customer_id AND currency = NEW.currency;
    INSERT INTO customer_due_summary(customer_id, currency, due_date, open_minor)
        SELECT NEW.customer_id, NEW.currency, NEW.due_date, NEW.total_minor - NEW.applied_minor
        WHERE NEW.status = 'open'
        ON CONFLICT (customer_id, currency, due_date) DO UPDATE SET open_minor = open_minor + excluded.open_minor;
END;

CREATE TRIGGER invoices_summary_delete AFTER DELETE ON invoices BEGIN
    UPDATE customer_summary SET
        invoice_count = invoice_count - 1,
        invoice_total_minor = invoice_total_minor - OLD.total_minor,
        billed_minor = billed_minor - CASE WHEN OLD.status IN ('open', 'paid', 'uncollectible') THEN OLD.total_minor ELSE 0 END,
        billed_applied_minor = billed_applied_minor - CASE WHEN OLD.status IN ('open', 'paid', 'uncollectible') THEN OLD.applied_minor ELSE 0 END,
        outstanding_minor = outstanding_minor - CASE WHEN OLD.status = 'open' THEN OLD.total_minor - OLD.applied_minor ELSE 0 END
    WHERE customer_id = OLD.customer_id AND currency = OLD.currency;
    UPDATE customer_due_summary SET open_minor = open_minor - (OLD.total_minor - OLD.applied_minor)
    WHERE OLD.status = 'open' AND customer_id = OLD.customer_id AND currency = OLD.currency AND due_date = OLD.due_date;
END;

CREATE TRIGGER invoices_summary_update
AFTER UPDATE OF customer_id, currency, status, total_minor, applied_minor, due_date ON invoices BEGIN
    UPDATE customer_summary SET
        invoice_count = invoice_count - 1,
        invoice_total_minor = invoice_total_minor - OLD.total_minor,
        billed_minor = billed_minor - CASE WHEN OLD.status IN ('open', 'paid', 'uncollectible') THEN OLD.total_minor ELSE 0 END,
        billed_applied_minor = billed_applied_minor - CASE WHEN OLD.status IN ('open', 'paid', 'uncollectible') THEN OLD.applied_minor ELSE 0 END,
        outstanding_minor = outstanding_minor - CASE WHEN OLD.status = 'open' THEN OLD.total_minor - OLD.applied_minor ELSE 0 END
    WHERE customer_id = OLD.customer_id AND currency = OLD.currency;
    UPDATE customer_due_summary SET open_minor = open_minor - (OLD.total_minor - OLD.applied_minor)
    WHERE OLD.status = 'open' AND customer_id = OLD.customer_id AND currency = OLD.currency AND due_date = OLD.due_date;
    INSERT OR IGNORE INTO customer_summary(customer_id, currency) VALUES (NEW.customer_id, NEW.currency);
    UPDATE customer_summary SET
        invoice_count = invoice_count + 1,
        invoice_total_minor = invoice_total_minor + NEW.total_minor,
        billed_minor = billed_minor + CASE WHEN NEW.status IN ('open', 'paid', 'uncollectible') THEN NEW.total_minor ELSE 0 END,
        billed_applied_minor = billed_applied_minor + CASE WHEN NEW.status IN ('open', 'paid', 'uncollectible') THEN NEW.applied_minor ELSE 0 END,
        outstanding_minor = outstanding_minor + CASE WHEN NEW.status = 'open' THEN NEW.total_minor - NEW.applied_minor ELSE 0 END
    WHERE customer_id = NEW.customer_id AND currency = NEW.currency;
    INSERT INTO customer_due_summary(customer_id, currency, due_date, open_minor)
        SELECT NEW.customer_id, NEW.currency, NEW.due_date, NEW.total_minor - NEW.applied_minor
        WHERE NEW.status = 'open'
        ON CONFLICT (customer_id, currency, due_date) DO UPDATE SET open_minor = open_minor + excluded.open_minor;
END;

-- An invoice with money applied keeps its issue date: Avg. Days to Collect
-- was weighted by it.
CREATE TRIGGER invoices_issue_date_fixed BEFORE UPDATE OF issue_date ON invoices
WHEN NEW.issue_date <> OLD.issue_date AND OLD.applied_minor > 0 BEGIN
    SELECT RAISE(ABORT, 'the issue date of an invoice with payments applied cannot change');
END;

-- Payments ----------------------------------------------------------------

CREATE TRIGGER payments_summary_insert AFTER INSERT ON payments BEGIN
    INSERT OR IGNORE INTO customer_summary(customer_id, currency) VALUES (NEW.customer_id, NEW.currency);
    UPDATE customer_summary SET
        payment_count = payment_count + 1,
        payment_total_minor = payment_total_minor + NEW.amount_minor,
        collected_count = collected_count + (NEW.status = 'succeeded'),
        collected_minor = collected_minor + CASE WHEN NEW.status IN ('succeeded', 'refunded') THEN NEW.amount_minor - NEW.refunded_minor ELSE 0 END,
        unapplied_minor = unapplied_minor + CASE WHEN NEW.status = 'succeeded' THEN NEW.amount_minor - NEW.refunded_minor - NEW.applied_minor ELSE 0 END
    WHERE customer_id = NEW.customer_id AND currency = NEW.currency;
END;

CREATE TRIGGER payments_summary_delete AFTER DELETE ON payments BEGIN
    UPDATE customer_summary SET
        payment_count = payment_count - 1,
        payment_total_minor = payment_total_minor - OLD.amount_minor,
        collected_count = collected_count - (OLD.status = 'succeeded'),
        collected_minor = collected_minor - CASE WHEN OLD.status IN ('succeeded', 'refunded') THEN OLD.amount_minor - OLD.refunded_minor ELSE 0 END,
        unapplied_minor = unapplied_minor - CASE WHEN OLD.status = 'succeeded' THEN OLD.amount_minor - OLD.refunded_minor - OLD.applied_minor ELSE 0 END
    WHERE customer_id = OLD.customer_id AND currency = OLD.currency;
END;

CREATE TRIGGER payments_summary_update
AFTER UPDATE OF customer_id, currency, status, amount_minor, refunded_minor, applied_minor ON payments BEGIN
    UPDATE customer_summary SET
        payment_count = payment_count - 1,
        payment_total_minor = payment_total_minor - OLD.amount_minor,
        collected_count = collected_count - (OLD.status = 'succeeded'),
        collected_minor = collected_minor - CASE WHEN OLD.status IN ('succeeded', 'refunded') THEN OLD.amount_minor - OLD.refunded_minor ELSE 0 END,
        unapplied_minor = unapplied_minor - CASE WHEN OLD.status = 'succeeded' THEN OLD.amount_minor - OLD.refunded_minor - OLD.applied_minor ELSE 0 END
    WHERE customer_id = OLD.customer_id AND currency = OLD.currency;
    INSERT OR IGNORE INTO customer_summary(customer_id, currency) VALUES (NEW.customer_id, NEW.currency);
    UPDATE customer_summary SET
        payment_count = payment_count + 1,
        payment_total_minor = payment_total_minor + NEW.amount_minor,
        collected_count = collected_count + (NEW.status = 'succeeded'),
        collected_minor = collected_minor + CASE WHEN NEW.status IN ('succeeded', 'refunded') THEN NEW.amount_minor - NEW.refunded_minor ELSE 0 END,
        unapplied_minor = unapplied_minor + CASE WHEN NEW.status = 'succeeded' THEN NEW.amount_minor - NEW.refunded_minor - NEW.applied_minor ELSE 0 END
    WHERE customer_id = NEW.customer_id AND currency = NEW.currency;
END;

-- A payment with money applied keeps its date: Avg. Days to Collect was
-- weighted by it.
CREATE TRIGGER payments_date_fixed BEFORE UPDATE OF received_on ON payments
WHEN NEW.received_on <> OLD.received_on AND OLD.applied_minor > 0 BEGIN
    SELECT RAISE(ABORT, 'the date of a payment that is applied to invoices cannot change');
END;

-- Credits -----------------------------------------------------------------

CREATE TRIGGER credits_summary_insert AFTER INSERT ON credits BEGIN
    INSERT OR IGNORE INTO customer_summary(customer_id, currency) VALUES (NEW.customer_id, NEW.currency);
    UPDATE customer_summary SET credit_open_minor = credit_open_minor + NEW.amount_minor - NEW.applied_minor
    WHERE customer_id = NEW.customer_id AND currency = NEW.currency;
END;

CREATE TRIGGER credits_summary_delete AFTER DELETE ON credits BEGIN
    UPDATE customer_summary SET credit_open_minor = credit_open_minor - (OLD.amount_minor - OLD.applied_minor)
    WHERE customer_id = OLD.customer_id AND currency = OLD.currency;
END;

CREATE TRIGGER credits_summary_update AFTER UPDATE OF customer_id, currency, amount_minor, applied_minor ON credits BEGIN
    UPDATE customer_summary SET credit_open_minor = credit_open_minor - (OLD.amount_minor - OLD.applied_minor)
    WHERE customer_id = OLD.customer_id AND currency = OLD.currency;
    INSERT OR IGNORE INTO customer_summary(customer_id, currency) VALUES (NEW.customer_id, NEW.currency);
    UPDATE customer_summary SET credit_open_minor = credit_open_minor + NEW.amount_minor - NEW.applied_minor
    WHERE customer_id = NEW.customer_id AND currency = NEW.currency;
END;

-- Applications --------------------------------------------------------------

CREATE TRIGGER applications_check BEFORE INSERT ON applications BEGIN
    SELECT RAISE(ABORT, 'an application must be to an issued invoice of the same customer and currency')
    WHERE NOT EXISTS (
        SELECT 1 FROM invoices i
        WHERE i.id = NEW.invoice_id AND i.status IN ('open', 'paid', 'uncollectible')
          AND i.customer_id = coalesce((SELECT customer_id FROM payments WHERE id = NEW.payment_id),
                                       (SELECT customer_id FROM credits WHERE id = NEW.credit_id))
          AND i.currency = coalesce((SELECT currency FROM payments WHERE id = NEW.payment_id),
                                    (SELECT currency FROM credits WHERE id = NEW.credit_id)));
END;

CREATE TRIGGER applications_immutable BEFORE UPDATE ON applications BEGIN
    SELECT RAISE(ABORT, 'applications are never changed, only deleted and made anew');
END;

CREATE TRIGGER applications_insert AFTER INSERT ON applications BEGIN
    UPDATE invoices SET applied_minor = applied_minor + NEW.amount_minor WHERE id = NEW.invoice_id;
    UPDATE payments SET applied_minor = applied_minor + NEW.amount_minor WHERE id = NEW.payment_id;
    UPDATE credits  SET applied_minor = applied_minor + NEW.amount_minor WHERE id = NEW.credit_id;
    INSERT INTO customer_collect_summary(customer_id, currency, received_on, applied_minor, weighted_minor)
        SELECT p.customer_id, p.currency, p.received_on, NEW.amount_minor,
               NEW.amount_minor * CAST(julianday(p.received_on) - julianday(i.issue_date) AS INTEGER)
        FROM payments p, invoices i
        WHERE p.id = NEW.payment_id AND i.id = NEW.invoice_id
        ON CONFLICT (customer_id, currency, received_on) DO UPDATE SET
            applied_minor = applied_minor + excluded.applied_minor,
            weighted_minor = weighted_minor + excluded.weighted_minor;
END;

CREATE TRIGGER applications_delete AFTER DELETE ON applications BEGIN
    UPDATE customer_collect_summary SET
        applied_minor = applied_minor - OLD.amount_minor,
        weighted_minor = weighted_minor - OLD.amount_minor * (
            SELECT CAST(julianday(p.received_on) - julianday(i.issue_date) AS INTEGER)
            FROM payments p, invoices i WHERE p.id = OLD.payment_id AND i.id = OLD.invoice_id)
    WHERE OLD.payment_id IS NOT NULL
      AND (customer_id, currency, received_on) =
          (SELECT customer_id, currency, received_on FROM payments WHERE id = OLD.payment_id);
    UPDATE invoices SET applied_minor = applied_minor - OLD.amount_minor WHERE id = OLD.invoice_id;
    UPDATE payments SET applied_minor = applied_minor - OLD.amount_minor WHERE id = OLD.payment_id;
    UPDATE credits  SET applied_minor = applied_minor - OLD.amount_minor WHERE id = OLD.credit_id;
END;

-- Contracts -------------------------------------------------------------------

CREATE TRIGGER contracts_rename AFTER UPDATE OF name ON contracts WHEN NEW.name <> OLD.name BEGIN
    UPDATE invoices SET contract_name = NEW.name WHERE contract_id = NEW.id;
END;

-- Contacts: exactly one primary per customer that has contacts --------------
-- The primary is one column on the customer, so two primaries cannot exist;
-- these triggers make sure there is one whenever the customer has contacts.

CREATE TRIGGER contacts_first_is_primary AFTER INSERT ON contacts
WHEN (SELECT primary_contact_id FROM customers WHERE id = NEW.customer_id) IS NULL BEGIN
    UPDATE customers SET primary_contact_id = NEW.id WHERE id = NEW.customer_id;
END;

CREATE TRIGGER contacts_keep_primary BEFORE DELETE ON contacts
WHEN OLD.id = (SELECT primary_contact_id FROM customers WHERE id = OLD.customer_id)
 AND EXISTS (SELECT 1 FROM contacts WHERE customer_id = OLD.customer_id AND id <> OLD.id) BEGIN
    SELECT RAISE(ABORT, 'make another contact primary before deleting the primary contact');
END;

CREATE TRIGGER contacts_stay_with_customer BEFORE UPDATE OF customer_id ON contacts
WHEN NEW.customer_id <> OLD.customer_id BEGIN
    SELECT RAISE(ABORT, 'a contact cannot move to another customer');
END;

CREATE TRIGGER customers_primary_valid BEFORE UPDATE OF primary_contact_id ON customers
WHEN (NEW.primary_contact_id IS NULL
      AND EXISTS (SELECT 1 FROM contacts WHERE customer_id = NEW.id AND id IS NOT OLD.primary_contact_id))
  OR (NEW.primary_contact_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM contacts WHERE id = NEW.primary_contact_id AND customer_id = NEW.id)) BEGIN
    SELECT RAISE(ABORT, 'the primary contact must be one of the customer''s own contacts');
END;

INSERT INTO organization(id, name, default_currency) VALUES (1, 'My Organization', 'USD');

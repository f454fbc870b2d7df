-- ardesk schema, version 2: bounded money in tables that cannot hold a REAL.
--
-- Every table but document_content (blob chunks and their key only, and the
-- largest by far: copying it would double a database's size for nothing) is
-- rebuilt as STRICT, so an INTEGER column refuses a REAL and a TEXT column
-- an integer it would have to invent. Amounts and dates get the bounds of
-- src/domain/bounds.rs as named CHECK constraints (the store turns each name
-- into a message for people); the customer summary bounds the sums of one
-- customer and currency; Avg. Days to Collect's weighted sum is kept split
-- in two so it cannot overflow. Triggers are dropped first (a table renamed
-- while a trigger names a dropped one is an error) and created again after.
-- Runs inside one transaction with foreign keys off; `migrate` checks the
-- foreign keys before committing, and refuses beforehand a database whose
-- rows lie outside the bounds, naming them, so no row is ever lost here.

DROP TRIGGER invoices_summary_insert;
DROP TRIGGER invoices_summary_delete;
DROP TRIGGER invoices_summary_update;
DROP TRIGGER invoices_issue_date_fixed;
DROP TRIGGER payments_summary_insert;
DROP TRIGGER payments_summary_delete;
DROP TRIGGER payments_summary_update;
DROP TRIGGER payments_date_fixed;
DROP TRIGGER credits_summary_insert;
DROP TRIGGER credits_summary_delete;
DROP TRIGGER credits_summary_update;
DROP TRIGGER applications_check;
DROP TRIGGER applications_immutable;
DROP TRIGGER applications_insert;
DROP TRIGGER applications_delete;
DROP TRIGGER contracts_rename;
DROP TRIGGER contacts_first_is_primary;
DROP TRIGGER contacts_keep_primary;
DROP TRIGGER contacts_stay_with_customer;
DROP TRIGGER customers_primary_valid;

CREATE TABLE new_organization (
    id                  INTEGER PRIMARY KEY CHECK (id = 1),
    name                TEXT    NOT NULL,
    default_currency    TEXT    NOT NULL CHECK (length(default_currency) = 3 AND default_currency = upper(default_currency)),
    show_credit_balance INTEGER NOT NULL DEFAULT 1 CHECK (show_credit_balance IN (0, 1)),
    invoice_prefix      TEXT    NOT NULL DEFAULT 'INV-',
    invoice_next_seq    INTEGER NOT NULL DEFAULT 1 CHECK (invoice_next_seq >= 1),
    hubspot_portal_id   TEXT,
    salesforce_domain   TEXT,
    version             INTEGER NOT NULL DEFAULT 1
) STRICT;
INSERT INTO new_organization SELECT * FROM organization;
DROP TABLE organization;
ALTER TABLE new_organization RENAME TO organization;

CREATE TABLE new_customers (
    id                 INTEGER PRIMARY KEY,
    name               TEXT    NOT NULL CHECK (length(trim(name)) > 0),
    legal_name         TEXT,
    billing_email      TEXT,
    currency           TEXT    NOT NULL CHECK (length(currency) = 3 AND currency = upper(currency)),
    import_source      TEXT    CHECK (import_source IN ('stripe', 'quickbooks', 'hubspot', 'salesforce')),
    external_id        TEXT,
    external_url       TEXT,
    source_raw         TEXT,
    invoices_paused    INTEGER NOT NULL DEFAULT 0 CHECK (invoices_paused IN (0, 1)),
    portal             INTEGER NOT NULL DEFAULT 0 CHECK (portal IN (0, 1)),
    primary_contact_id INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
    created_at         TEXT    NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1,
    CHECK ((import_source IS NULL) = (external_id IS NULL))
) STRICT;
INSERT INTO new_customers SELECT * FROM customers;
DROP TABLE customers;
ALTER TABLE new_customers RENAME TO customers;
CREATE UNIQUE INDEX customers_external ON customers(import_source, external_id) WHERE import_source IS NOT NULL;
CREATE INDEX customers_name ON customers(name COLLATE NOCASE, id);

CREATE TABLE new_contracts (
    id                 INTEGER PRIMARY KEY,
    customer_id        INTEGER NOT NULL REFERENCES customers(id),
    name               TEXT    NOT NULL CHECK (length(trim(name)) > 0),
    kind               TEXT    NOT NULL CHECK (kind IN ('recurring', 'one_time')),
    status             TEXT    NOT NULL CHECK (status IN ('draft', 'active', 'ended', 'cancelled')),
    period_start       TEXT    NOT NULL,
    period_end         TEXT    CHECK (period_end IS NULL OR period_end >= period_start),
    value_minor        INTEGER NOT NULL,
    currency           TEXT    NOT NULL CHECK (length(currency) = 3),
    payment_terms_days INTEGER NOT NULL CHECK (payment_terms_days BETWEEN 0 AND 3650),
    billing_frequency  TEXT    CHECK (billing_frequency IN ('monthly', 'quarterly', 'semiannual', 'annual')),
    created_at         TEXT    NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1,
    CHECK (kind = 'recurring' OR billing_frequency IS NULL),
    CHECK (kind = 'recurring' OR period_end IS NOT NULL),
    CONSTRAINT contract_value_in_range CHECK (value_minor BETWEEN 0 AND 10000000000000),
    CONSTRAINT contract_start_in_range CHECK (date(period_start) IS period_start AND period_start BETWEEN '1900-01-01' AND '2199-12-31'),
    CONSTRAINT contract_end_in_range CHECK (period_end IS NULL OR (date(period_end) IS period_end AND period_end BETWEEN '1900-01-01' AND '2199-12-31'))
) STRICT;
INSERT INTO new_contracts SELECT * FROM contracts;
DROP TABLE contracts;
ALTER TABLE new_contracts RENAME TO contracts;
CREATE INDEX contracts_customer ON contracts(customer_id, period_start, id);

CREATE TABLE new_invoices (
    id             INTEGER PRIMARY KEY,
    customer_id    INTEGER NOT NULL REFERENCES customers(id),
    contract_id    INTEGER REFERENCES contracts(id),
    contract_name  TEXT    NOT NULL DEFAULT '',
    number         TEXT    NOT NULL UNIQUE CHECK (length(trim(number)) > 0),
    issue_date     TEXT    NOT NULL,
    due_date       TEXT    NOT NULL CHECK (due_date >= issue_date),
    period_start   TEXT,
    period_end     TEXT    CHECK (period_end IS NULL OR period_end >= period_start),
    currency       TEXT    NOT NULL CHECK (length(currency) = 3 AND currency = upper(currency)),
    total_minor    INTEGER NOT NULL,
    applied_minor  INTEGER NOT NULL DEFAULT 0 CHECK (applied_minor >= 0 AND applied_minor <= total_minor),
    status         TEXT    NOT NULL CHECK (status IN ('draft', 'open', 'paid', 'cancelled', 'uncollectible')),
    import_source  TEXT    CHECK (import_source IN ('stripe', 'quickbooks', 'hubspot', 'salesforce')),
    external_id    TEXT,
    source_raw     TEXT,
    created_at     TEXT    NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1,
    CHECK (status NOT IN ('draft', 'cancelled') OR applied_minor = 0),
    CHECK ((import_source IS NULL) = (external_id IS NULL)),
    CONSTRAINT invoice_total_in_range CHECK (total_minor BETWEEN 0 AND 10000000000000),
    CONSTRAINT invoice_issue_date_in_range CHECK (date(issue_date) IS issue_date AND issue_date BETWEEN '1900-01-01' AND '2199-12-31'),
    CONSTRAINT invoice_due_date_in_range CHECK (date(due_date) IS due_date AND due_date BETWEEN '1900-01-01' AND '2199-12-31'),
    CONSTRAINT invoice_period_in_range CHECK ((period_start IS NULL OR (date(period_start) IS period_start AND period_start BETWEEN '1900-01-01' AND '2199-12-31'))
                                          AND (period_end IS NULL OR (date(period_end) IS period_end AND period_end BETWEEN '1900-01-01' AND '2199-12-31')))
) STRICT;
INSERT INTO new_invoices SELECT * FROM invoices;
DROP TABLE invoices;
ALTER TABLE new_invoices RENAME TO invoices;
CREATE INDEX invoices_by_issue  ON invoices(customer_id, issue_date, id);
CREATE INDEX invoices_by_due    ON invoices(customer_id, due_date, id);
CREATE INDEX invoices_by_total  ON invoices(customer_id, total_minor, id);
CREATE INDEX invoices_by_number ON invoices(customer_id, number, id);
CREATE INDEX invoices_by_status ON invoices(customer_id, status, id);
CREATE INDEX invoices_by_contract_name ON invoices(customer_id, contract_name, id);
CREATE INDEX invoices_by_period ON invoices(customer_id, coalesce(period_start, ''), id);
CREATE INDEX invoices_open_by_due ON invoices(customer_id, due_date, id) WHERE status = 'open';
CREATE INDEX invoices_by_contract ON invoices(contract_id) WHERE contract_id IS NOT NULL;
CREATE UNIQUE INDEX invoices_external ON invoices(import_source, external_id) WHERE import_source IS NOT NULL;

CREATE TABLE new_payments (
    id             INTEGER PRIMARY KEY,
    customer_id    INTEGER NOT NULL REFERENCES customers(id),
    received_on    TEXT    NOT NULL,
    amount_minor   INTEGER NOT NULL,
    refunded_minor INTEGER NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0 AND refunded_minor <= amount_minor),
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
    CHECK (applied_minor + refunded_minor <= amount_minor),
    CHECK (status = 'succeeded' OR applied_minor = 0),
    CHECK (status <> 'refunded' OR refunded_minor = amount_minor),
    CHECK (status IN ('succeeded', 'refunded') OR refunded_minor = 0),
    CHECK ((import_source IS NULL) = (external_id IS NULL)),
    CONSTRAINT payment_amount_in_range CHECK (amount_minor BETWEEN 1 AND 10000000000000),
    CONSTRAINT payment_date_in_range CHECK (date(received_on) IS received_on AND received_on BETWEEN '1900-01-01' AND '2199-12-31')
) STRICT;
INSERT INTO new_payments SELECT * FROM payments;
DROP TABLE payments;
ALTER TABLE new_payments RENAME TO payments;
CREATE INDEX payments_by_date   ON payments(customer_id, received_on, id);
CREATE INDEX payments_by_amount ON payments(customer_id, amount_minor, id);
CREATE UNIQUE INDEX payments_external ON payments(import_source, external_id) WHERE import_source IS NOT NULL;

CREATE TABLE new_credits (
    id            INTEGER PRIMARY KEY,
    customer_id   INTEGER NOT NULL REFERENCES customers(id),
    granted_on    TEXT    NOT NULL,
    amount_minor  INTEGER NOT NULL,
    applied_minor INTEGER NOT NULL DEFAULT 0 CHECK (applied_minor >= 0 AND applied_minor <= amount_minor),
    currency      TEXT    NOT NULL CHECK (length(currency) = 3 AND currency = upper(currency)),
    reason        TEXT    NOT NULL DEFAULT '',
    import_source TEXT    CHECK (import_source IN ('stripe', 'quickbooks', 'hubspot', 'salesforce')),
    external_id   TEXT,
    created_at    TEXT    NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT credit_amount_in_range CHECK (amount_minor BETWEEN 1 AND 10000000000000),
    CONSTRAINT credit_date_in_range CHECK (date(granted_on) IS granted_on AND granted_on BETWEEN '1900-01-01' AND '2199-12-31')
) STRICT;
INSERT INTO new_credits SELECT * FROM credits;
DROP TABLE credits;
ALTER TABLE new_credits RENAME TO credits;
CREATE INDEX credits_customer ON credits(customer_id, granted_on, id);

CREATE TABLE new_applications (
    id           INTEGER PRIMARY KEY,
    invoice_id   INTEGER NOT NULL REFERENCES invoices(id),
    payment_id   INTEGER REFERENCES payments(id),
    credit_id    INTEGER REFERENCES credits(id),
    amount_minor INTEGER NOT NULL,
    applied_on   TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    CHECK ((payment_id IS NULL) <> (credit_id IS NULL)),
    CONSTRAINT application_amount_in_range CHECK (amount_minor BETWEEN 1 AND 10000000000000),
    CONSTRAINT application_date_in_range CHECK (date(applied_on) IS applied_on AND applied_on BETWEEN '1900-01-01' AND '2199-12-31')
) STRICT;
INSERT INTO new_applications SELECT * FROM applications;
DROP TABLE applications;
ALTER TABLE new_applications RENAME TO applications;
CREATE INDEX applications_invoice ON applications(invoice_id);
CREATE INDEX applications_payment ON applications(payment_id) WHERE payment_id IS NOT NULL;
CREATE INDEX applications_credit  ON applications(credit_id) WHERE credit_id IS NOT NULL;

CREATE TABLE new_contacts (
    id            INTEGER PRIMARY KEY,
    customer_id   INTEGER NOT NULL REFERENCES customers(id),
    name          TEXT    NOT NULL CHECK (length(trim(name)) > 0),
    email         TEXT    NOT NULL DEFAULT '',
    phone         TEXT    NOT NULL DEFAULT '',
    role          TEXT    NOT NULL DEFAULT '',
    import_source TEXT    CHECK (import_source IN ('stripe', 'quickbooks', 'hubspot', 'salesforce')),
    external_id   TEXT,
    source_raw    TEXT,
    created_at    TEXT    NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1
) STRICT;
INSERT INTO new_contacts SELECT * FROM contacts;
DROP TABLE contacts;
ALTER TABLE new_contacts RENAME TO contacts;
CREATE INDEX contacts_customer ON contacts(customer_id, name, id);
CREATE UNIQUE INDEX contacts_external ON contacts(import_source, external_id) WHERE import_source IS NOT NULL;

CREATE TABLE new_documents (
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
) STRICT;
INSERT INTO new_documents SELECT * FROM documents;
DROP TABLE documents;
ALTER TABLE new_documents RENAME TO documents;
CREATE INDEX documents_customer ON documents(customer_id, uploaded_at, id);

CREATE TABLE new_conversations (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    subject     TEXT    NOT NULL,
    opened_on   TEXT    NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('open', 'resolved')),
    resolved_on TEXT,
    resolved_by TEXT    CHECK (resolved_by IN ('agent', 'person')),
    CHECK ((status = 'resolved') = (resolved_by IS NOT NULL AND resolved_on IS NOT NULL)),
    CONSTRAINT conversation_dates_in_range CHECK (date(opened_on) IS opened_on AND opened_on BETWEEN '1900-01-01' AND '2199-12-31'
        AND (resolved_on IS NULL OR (date(resolved_on) IS resolved_on AND resolved_on BETWEEN '1900-01-01' AND '2199-12-31')))
) STRICT;
INSERT INTO new_conversations SELECT * FROM conversations;
DROP TABLE conversations;
ALTER TABLE new_conversations RENAME TO conversations;
CREATE INDEX conversations_customer ON conversations(customer_id, status, resolved_by);

CREATE TABLE new_audit_log (
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
) STRICT;
INSERT INTO new_audit_log SELECT * FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE new_audit_log RENAME TO audit_log;
CREATE INDEX audit_customer ON audit_log(customer_id, id);

-- The summaries are computed afresh from the raw rows below rather than
-- copied: a summary that had overflowed into a REAL is mended, not carried.
DROP TABLE customer_summary;
CREATE TABLE customer_summary (
    customer_id          INTEGER NOT NULL REFERENCES customers(id),
    currency             TEXT    NOT NULL,
    invoice_count        INTEGER NOT NULL DEFAULT 0,
    invoice_total_minor  INTEGER NOT NULL DEFAULT 0,
    billed_minor         INTEGER NOT NULL DEFAULT 0,
    billed_applied_minor INTEGER NOT NULL DEFAULT 0,
    outstanding_minor    INTEGER NOT NULL DEFAULT 0,
    payment_count        INTEGER NOT NULL DEFAULT 0,
    payment_total_minor  INTEGER NOT NULL DEFAULT 0,
    collected_count      INTEGER NOT NULL DEFAULT 0,
    collected_minor      INTEGER NOT NULL DEFAULT 0,
    unapplied_minor      INTEGER NOT NULL DEFAULT 0,
    credit_open_minor    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (customer_id, currency),
    CONSTRAINT customer_invoice_total_in_range CHECK (invoice_total_minor BETWEEN 0 AND 100000000000000000),
    CONSTRAINT customer_payment_total_in_range CHECK (payment_total_minor BETWEEN 0 AND 100000000000000000),
    CONSTRAINT customer_credit_in_range CHECK (credit_open_minor BETWEEN 0 AND 100000000000000000)
) STRICT, WITHOUT ROWID;

DROP TABLE customer_due_summary;
CREATE TABLE customer_due_summary (
    customer_id INTEGER NOT NULL,
    currency    TEXT    NOT NULL,
    due_date    TEXT    NOT NULL,
    open_minor  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (customer_id, currency, due_date)
) STRICT, WITHOUT ROWID;

-- Σ applied × (received_on − issue_date) can pass i64 for one customer
-- (see src/domain/bounds.rs), so it is kept as weighted_hi × 10^6 +
-- weighted_lo, |weighted_lo| < 10^6, and added up in Rust as i128.
DROP TABLE customer_collect_summary;
CREATE TABLE customer_collect_summary (
    customer_id   INTEGER NOT NULL,
    currency      TEXT    NOT NULL,
    received_on   TEXT    NOT NULL,
    applied_minor INTEGER NOT NULL DEFAULT 0,
    weighted_hi   INTEGER NOT NULL DEFAULT 0,
    weighted_lo   INTEGER NOT NULL DEFAULT 0 CHECK (weighted_lo > -1000000 AND weighted_lo < 1000000),
    PRIMARY KEY (customer_id, currency, received_on)
) STRICT, WITHOUT ROWID;

-- Summaries from the raw rows (the same sums `store::summaries::rebuild`
-- makes for one customer), before the triggers that keep them exist.
INSERT INTO customer_summary(customer_id, currency, invoice_count, invoice_total_minor, billed_minor,
        billed_applied_minor, outstanding_minor, payment_count, payment_total_minor, collected_count,
        collected_minor, unapplied_minor, credit_open_minor)
SELECT customer_id, currency, sum(ic), sum(it), sum(b), sum(ba), sum(o), sum(pc), sum(pt), sum(cc), sum(cm), sum(u), sum(cr)
FROM (
    SELECT customer_id, currency, 1 AS ic, total_minor AS it,
           CASE WHEN status IN ('open', 'paid', 'uncollectible') THEN total_minor ELSE 0 END AS b,
           CASE WHEN status IN ('open', 'paid', 'uncollectible') THEN applied_minor ELSE 0 END AS ba,
           CASE WHEN status = 'open' THEN total_minor - applied_minor ELSE 0 END AS o,
           0 AS pc, 0 AS pt, 0 AS cc, 0 AS cm, 0 AS u, 0 AS cr
    FROM invoices
    UNION ALL
    SELECT customer_id, currency, 0, 0, 0, 0, 0, 1, amount_minor, status = 'succeeded',
           CASE WHEN status IN ('succeeded', 'refunded') THEN amount_minor - refunded_minor ELSE 0 END,
           CASE WHEN status = 'succeeded' THEN amount_minor - refunded_minor - applied_minor ELSE 0 END, 0
    FROM payments
    UNION ALL
    SELECT customer_id, currency, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, amount_minor - applied_minor
    FROM credits)
GROUP BY customer_id, currency;

INSERT INTO customer_due_summary(customer_id, currency, due_date, open_minor)
SELECT customer_id, currency, due_date, sum(total_minor - applied_minor) FROM invoices
WHERE status = 'open' GROUP BY customer_id, currency, due_date;

INSERT INTO customer_collect_summary(customer_id, currency, received_on, applied_minor, weighted_hi, weighted_lo)
SELECT customer_id, currency, received_on, sum(amount_minor),
       sum(t / 1000000) + sum(t % 1000000) / 1000000, sum(t % 1000000) % 1000000
FROM (SELECT p.customer_id, p.currency, p.received_on, a.amount_minor,
             a.amount_minor * CAST(julianday(p.received_on) - julianday(i.issue_date) AS INTEGER) AS t
      FROM applications a JOIN payments p ON p.id = a.payment_id JOIN invoices i ON i.id = a.invoice_id)
GROUP BY customer_id, currency, received_on;

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
    INSERT INTO customer_collect_summary(customer_id, currency, received_on, applied_minor, weighted_hi, weighted_lo)
        SELECT customer_id, currency, received_on, NEW.amount_minor, t / 1000000, t % 1000000
        FROM (SELECT p.customer_id, p.currency, p.received_on,
                     NEW.amount_minor * CAST(julianday(p.received_on) - julianday(i.issue_date) AS INTEGER) AS t
              FROM payments p, invoices i
              WHERE p.id = NEW.payment_id AND i.id = NEW.invoice_id)
        WHERE true
        ON CONFLICT (customer_id, currency, received_on) DO UPDATE SET
            applied_minor = applied_minor + excluded.applied_minor,
            weighted_hi = weighted_hi + excluded.weighted_hi + (weighted_lo + excluded.weighted_lo) / 1000000,
            weighted_lo = (weighted_lo + excluded.weighted_lo) % 1000000;
END;

CREATE TRIGGER applications_delete AFTER DELETE ON applications BEGIN
    UPDATE customer_collect_summary SET
        applied_minor = applied_minor - OLD.amount_minor,
        weighted_hi = weighted_hi - x.t / 1000000 + (weighted_lo - x.t % 1000000) / 1000000,
        weighted_lo = (weighted_lo - x.t % 1000000) % 1000000
    FROM (SELECT p.customer_id, p.currency, p.received_on,
                 OLD.amount_minor * CAST(julianday(p.received_on) - julianday(i.issue_date) AS INTEGER) AS t
          FROM payments p, invoices i WHERE p.id = OLD.payment_id AND i.id = OLD.invoice_id) AS x
    WHERE OLD.payment_id IS NOT NULL AND customer_collect_summary.customer_id = x.customer_id
      AND customer_collect_summary.currency = x.currency AND customer_collect_summary.received_on = x.received_on;
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


-- Version 6: what an invoice is for, what its payments gave back, and the
-- history of one row without reading a customer's whole log.
--
-- `invoices.memo`: free text shown on the invoice's detail (a PO number,
-- a note for the customer); '' when there is none.
--
-- `invoice_lines`: the lines an invoice bills, in order. `kind` is 'item'
-- or 'discount' (a discount's amount is negative); a subtotal is not a
-- line. `quantity` and `unit_price` are decimals kept as their text, as the
-- source or the user gave them (a unit price may carry more places than the
-- currency, 0.125 a unit); NULL when the source has none. `amount_minor` is
-- the line's amount in the invoice's minor units and `tax_minor` its tax
-- where the source says. The invoice's total stays what was billed: lines
-- entered in ardesk add up to it (the store refuses them otherwise), an
-- imported invoice keeps its source's total, and its detail says when the
-- lines do not add up to it.
--
-- `refunds`: one row per refund of a payment, with its date and reason
-- (until now these lived only in audit rows). `payments.refunded_minor`
-- stays the sum the summaries add; every write that refunds writes the row
-- in the same transaction, and `ardesk check` compares the sum with the
-- rows. `dated_from` says where the date came from: 'recorded' (entered in
-- ardesk), 'source' (an import's refund date), 'payment' (neither was known:
-- an imported refund without a date in its export takes the payment's).
-- The upgrade moves the refunds recorded in the audit log into this table
-- (`migrate::after`, in the same transaction) and dates what no audit row
-- accounts for, imported refunds, on the payment's date.
--
-- `audit_entity`: an invoice's or a payment's history in its detail is one
-- index range, also on a customer with a million rows.

ALTER TABLE invoices ADD COLUMN memo TEXT NOT NULL DEFAULT ''
    CONSTRAINT invoice_memo_length CHECK (length(memo) <= 2000);

CREATE TABLE invoice_lines (
    invoice_id   INTEGER NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,
    seq          INTEGER NOT NULL CHECK (seq BETWEEN 0 AND 999),
    kind         TEXT    NOT NULL CHECK (kind IN ('item', 'discount')),
    description  TEXT    NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
    quantity     TEXT    CHECK (quantity IS NULL OR length(quantity) BETWEEN 1 AND 40),
    unit_price   TEXT    CHECK (unit_price IS NULL OR length(unit_price) BETWEEN 1 AND 40),
    amount_minor INTEGER NOT NULL,
    tax_minor    INTEGER,
    CONSTRAINT line_amount_in_range CHECK (amount_minor BETWEEN -10000000000000 AND 10000000000000),
    CONSTRAINT line_tax_in_range CHECK (tax_minor IS NULL OR tax_minor BETWEEN -10000000000000 AND 10000000000000),
    CHECK (kind = 'item' OR amount_minor <= 0),
    PRIMARY KEY (invoice_id, seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE refunds (
    id           INTEGER PRIMARY KEY,
    payment_id   INTEGER NOT NULL REFERENCES payments(id) ON DELETE CASCADE,
    refunded_on  TEXT    NOT NULL,
    amount_minor INTEGER NOT NULL,
    reason       TEXT    NOT NULL DEFAULT '' CHECK (length(reason) <= 1000),
    dated_from   TEXT    NOT NULL CHECK (dated_from IN ('recorded', 'source', 'payment')),
    created_at   TEXT    NOT NULL,
    CONSTRAINT refund_amount_in_range CHECK (amount_minor BETWEEN 1 AND 10000000000000),
    CONSTRAINT refund_date_in_range CHECK (date(refunded_on) IS refunded_on AND refunded_on BETWEEN '1900-01-01' AND '2199-12-31')
) STRICT;
CREATE INDEX refunds_payment ON refunds(payment_id, refunded_on, id);

CREATE INDEX audit_entity ON audit_log(entity, entity_id, at, id);

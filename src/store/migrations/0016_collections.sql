-- Version 16: collections (issue 18) — the conversations behind the
-- Auto-Resolved card, their messages, the invoices they concern, promises
-- to pay, and invoices whose collections are paused.
--
-- `conversations` is rebuilt, every row kept with its id, so the card's
-- "N of M" reads the same before and after:
-- - `channel`: email, phone, portal or letter. Rows from before read
--   'email', the channel the collections agent works in;
-- - `status` gains 'waiting' (on the customer); 'resolved' still needs who
--   resolved it (`resolved_by`: the agent or a person) and the day;
-- - `resolver`: the agent's or the person's name ('' when not known, as
--   for every row from before, and while not resolved);
-- - `external_id`: the id an agent or another system gave it, so that
--   `ardesk import` of ardesk's JSON is idempotent (unique per customer);
-- - `created_at`, `version`, like every row users change.
--
-- `conversation_messages`: what was said, in order of `at` (UTC, ISO
-- 8601 to the second): `direction` 'out' (to the customer), 'in' (from
-- them) or 'internal' (a note no one outside saw); `kind` what it was
-- (an email, a call, a note, a letter, a portal message); `author_kind`
-- the agent, a person of ours or the customer's contact, `author` the
-- name; `outcome` what a logged call or email came to.
--
-- `conversation_invoices`: the invoices a conversation concerns.
--
-- `promises` and `promise_invoices`: the customer's promise to pay
-- `amount_minor` (in the customer's currency) on the promise's invoices
-- by `due_on`, made on `made_on`. Whether it is kept, open or broken is
-- derived, never stored (`store::collections`): kept once the live
-- applications to those invoices of succeeded payments received from
-- `made_on` through `due_on` reach the amount; broken when `due_on` has
-- passed first; open until then.
--
-- `invoice_pauses`: an invoice's collections paused from `paused_on`
-- until `until_on` (collections resume that day by themselves), with a
-- reason; `ended_on` when resumed early. An invoice is paused on a day d
-- when paused_on <= d < coalesce(ended_on, until_on).
--
-- Every row here is audited under its customer, so all of it shows in
-- Activity: entity 'conversation', 'message' and 'promise'; a pause and a
-- resume as entity 'invoice' (actions 'pause', 'resume'), so that they
-- also show in the invoice's history.

CREATE TABLE new_conversations (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    subject     TEXT    NOT NULL,
    channel     TEXT    NOT NULL DEFAULT 'email' CHECK (channel IN ('email', 'phone', 'portal', 'letter')),
    opened_on   TEXT    NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('open', 'waiting', 'resolved')),
    resolved_on TEXT,
    resolved_by TEXT    CHECK (resolved_by IN ('agent', 'person')),
    resolver    TEXT    NOT NULL DEFAULT '' CHECK (length(resolver) <= 200),
    external_id TEXT    CHECK (external_id IS NULL OR length(external_id) BETWEEN 1 AND 200),
    created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    version     INTEGER NOT NULL DEFAULT 1,
    CHECK ((status = 'resolved') = (resolved_by IS NOT NULL AND resolved_on IS NOT NULL)),
    CHECK (status = 'resolved' OR resolver = ''),
    CONSTRAINT conversation_dates_in_range CHECK (date(opened_on) IS opened_on AND opened_on BETWEEN '1900-01-01' AND '2199-12-31'
        AND (resolved_on IS NULL OR (date(resolved_on) IS resolved_on AND resolved_on BETWEEN '1900-01-01' AND '2199-12-31')))
) STRICT;
INSERT INTO new_conversations(id, customer_id, subject, channel, opened_on, status, resolved_on, resolved_by,
                              resolver, external_id, created_at, version)
SELECT id, customer_id, subject, 'email', opened_on, status, resolved_on, resolved_by,
       '', NULL, opened_on || 'T00:00:00Z', 1
FROM conversations;
DROP TABLE conversations;
ALTER TABLE new_conversations RENAME TO conversations;
CREATE INDEX conversations_customer ON conversations(customer_id, status, resolved_by);
CREATE UNIQUE INDEX conversations_external ON conversations(customer_id, external_id) WHERE external_id IS NOT NULL;

CREATE TABLE conversation_messages (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    at              TEXT    NOT NULL CHECK (length(at) = 20 AND at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'
                                            AND datetime(at) IS replace(substr(at, 1, 19), 'T', ' ')
                                            AND at BETWEEN '1900-01-01' AND '2199-12-31T23:59:59Z'),
    direction       TEXT    NOT NULL CHECK (direction IN ('out', 'in', 'internal')),
    kind            TEXT    NOT NULL CHECK (kind IN ('email', 'call', 'note', 'letter', 'portal')),
    author_kind     TEXT    NOT NULL CHECK (author_kind IN ('agent', 'person', 'contact')),
    author          TEXT    NOT NULL CHECK (length(author) <= 200),
    body            TEXT    NOT NULL CHECK (length(body) <= 20000),
    outcome         TEXT    NOT NULL DEFAULT '' CHECK (length(outcome) <= 1000),
    external_id     TEXT    CHECK (external_id IS NULL OR length(external_id) BETWEEN 1 AND 200),
    created_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    version         INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX conversation_messages_thread ON conversation_messages(conversation_id, at, id);
CREATE UNIQUE INDEX conversation_messages_external ON conversation_messages(conversation_id, external_id)
    WHERE external_id IS NOT NULL;

CREATE TABLE conversation_invoices (
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    invoice_id      INTEGER NOT NULL REFERENCES invoices(id),
    PRIMARY KEY (conversation_id, invoice_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX conversation_invoices_invoice ON conversation_invoices(invoice_id, conversation_id);

CREATE TABLE promises (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    customer_id     INTEGER NOT NULL REFERENCES customers(id),
    made_on         TEXT    NOT NULL,
    due_on          TEXT    NOT NULL,
    amount_minor    INTEGER NOT NULL CHECK (amount_minor BETWEEN 1 AND 10000000000000),
    currency        TEXT    NOT NULL CHECK (length(currency) = 3 AND currency = upper(currency)),
    external_id     TEXT    CHECK (external_id IS NULL OR length(external_id) BETWEEN 1 AND 200),
    created_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    version         INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT promise_dates_in_range CHECK (date(made_on) IS made_on AND date(due_on) IS due_on
        AND made_on BETWEEN '1900-01-01' AND '2199-12-31' AND due_on BETWEEN made_on AND '2199-12-31')
) STRICT;
CREATE INDEX promises_customer ON promises(customer_id, due_on);
CREATE INDEX promises_conversation ON promises(conversation_id);
CREATE UNIQUE INDEX promises_external ON promises(conversation_id, external_id) WHERE external_id IS NOT NULL;

CREATE TABLE promise_invoices (
    promise_id INTEGER NOT NULL REFERENCES promises(id),
    invoice_id INTEGER NOT NULL REFERENCES invoices(id),
    PRIMARY KEY (promise_id, invoice_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX promise_invoices_invoice ON promise_invoices(invoice_id, promise_id);

CREATE TABLE invoice_pauses (
    id          INTEGER PRIMARY KEY,
    invoice_id  INTEGER NOT NULL REFERENCES invoices(id),
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    paused_on   TEXT    NOT NULL,
    until_on    TEXT    NOT NULL,
    reason      TEXT    NOT NULL CHECK (length(trim(reason)) BETWEEN 1 AND 1000),
    ended_on    TEXT,
    created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    version     INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT pause_dates_in_range CHECK (date(paused_on) IS paused_on AND date(until_on) IS until_on
        AND paused_on BETWEEN '1900-01-01' AND '2199-12-31' AND until_on > paused_on AND until_on <= '2199-12-31'
        AND (ended_on IS NULL OR (date(ended_on) IS ended_on AND ended_on BETWEEN paused_on AND until_on)))
) STRICT;
CREATE INDEX invoice_pauses_invoice ON invoice_pauses(invoice_id, until_on);
CREATE INDEX invoice_pauses_customer ON invoice_pauses(customer_id, until_on);

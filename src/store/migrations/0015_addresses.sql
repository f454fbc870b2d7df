-- Version 15: postal addresses, for statements of account (issue 17).
--
-- `organization.address`: where the organization is, printed under its
-- name at the head of every statement; `customers.billing_address`: where
-- the customer's bills go, printed under "Statement for". Each is free
-- text of several lines ('\n' between them), '' when unknown, at most
-- 1,000 characters (`domain::address::ADDRESS_MAX`), like the other free
-- texts (a write-off's reason, a refund's). Set by hand (`ardesk config
-- address`, the settings form, the customer form) or by an import whose
-- source carries one.
--
-- Columns added, no table rebuilt: every row reads ''.

ALTER TABLE organization ADD COLUMN address TEXT NOT NULL DEFAULT ''
    CONSTRAINT organization_address_length CHECK (length(address) <= 1000);

ALTER TABLE customers ADD COLUMN billing_address TEXT NOT NULL DEFAULT ''
    CONSTRAINT customer_billing_address_length CHECK (length(billing_address) <= 1000);

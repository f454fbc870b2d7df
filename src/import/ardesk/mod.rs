//! ardesk's own format: one customer's whole record as JSON — the
//! customer, contracts, invoices (with their memo and lines, in order),
//! payments with their applications and refunds (date, amount, reason,
//! where the date came from), credits with their applications and their
//! kind (granted credit, credit note, small-balance adjustment), number,
//! status, void date and invoice (its exported id, as applications name
//! invoices; an export from before credit kinds imports its credits as
//! granted credit, issued), contacts
//! (with the primary flag), documents'
//! metadata (name, kind, size, SHA-256; never the content) and
//! conversations (channel, status, resolver, external id, the invoices
//! they concern by number, their messages in order and promises to pay);
//! invoices carry their pauses. Amounts are exact decimal strings in the
//! row's currency.
//! `{"ardesk_export": 1, ...}` marks the file.
//!
//! Importing it recreates the customer in another database. A customer
//! with an import source keeps it and its external ids, and when that
//! (source, external id) exists already it is updated like any import;
//! rows that exist already are left as they are. A native customer gets a
//! new id; importing the same export again is refused for it (the
//! customer remembers the export it came from) instead of duplicating it.
//! Documents are not recreated: the export has no content. Conversations
//! and pauses merge even then, idempotent on their external ids, and a
//! file holding only conversations (an agent's) adds them to the customer
//! it names here, never creating one (README: "Conversations in ardesk's
//! JSON").
//!
//! It is not a `Source`: exporting reads the store, and importing merges as
//! it reads (`import`); recognising it is stage 2's (`ardesk_export`).

mod export;
pub(crate) mod import;

pub use export::export_customer_json;

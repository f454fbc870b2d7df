//! Stored enums and the statuses derived from them. Each stored enum has the
//! same spelling as the CHECK constraint in `schema.sql`.

use chrono::NaiveDate;

macro_rules! stored_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $db:literal, $label:literal;)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The spelling stored in SQLite.
            pub fn as_db(self) -> &'static str {
                match self { $($name::$variant => $db),+ }
            }

            /// The words shown to people.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            pub fn from_db(s: &str) -> Option<Self> {
                match s { $($db => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

stored_enum!(InvoiceStatus {
    Draft => "draft", "Draft";
    Open => "open", "Open";
    Paid => "paid", "Paid";
    Cancelled => "cancelled", "Cancelled";
    Uncollectible => "uncollectible", "Uncollectible";
});

impl InvoiceStatus {
    /// Issued invoices count towards Total Billed.
    pub fn is_issued(self) -> bool {
        matches!(self, InvoiceStatus::Open | InvoiceStatus::Paid | InvoiceStatus::Uncollectible)
    }

    /// An invoice's balance (design §3): total − applied while it is open,
    /// and for an uncollectible one what was written off; a draft, a paid
    /// and a cancelled invoice owe nothing. The same rule as the balance
    /// triggers of schema version 5.
    pub fn balance_minor(self, total_minor: i64, applied_minor: i64) -> i64 {
        match self {
            InvoiceStatus::Open | InvoiceStatus::Uncollectible => total_minor - applied_minor,
            InvoiceStatus::Draft | InvoiceStatus::Paid | InvoiceStatus::Cancelled => 0,
        }
    }
}

/// The date an invoice cancelled on `on` is written with: `on`, or its
/// issue date when that is later (an invoice cancelled before it was
/// issued never counted). Every path that cancels writes this (schema 13).
pub fn cancel_date(on: NaiveDate, issue_date: NaiveDate) -> NaiveDate {
    on.max(issue_date)
}

/// For a reading as of a past date: the first day a cancelled invoice no
/// longer counts. An undated cancellation (`None`, from before schema 13 or
/// a source that did not say) counts from the issue date: it never counted.
/// `CANCELLED_AS_OF_SQL` is the same in SQL.
pub fn cancelled_as_of(cancelled_on: Option<NaiveDate>, issue_date: NaiveDate) -> NaiveDate {
    cancelled_on.map_or(issue_date, |on| cancel_date(on, issue_date))
}

/// `cancelled_as_of` over the invoices table aliased `i`.
pub const CANCELLED_AS_OF_SQL: &str = "max(coalesce(i.cancelled_on, i.issue_date), i.issue_date)";

stored_enum!(
    /// A payment's status; `Voided` is a voided credit note or adjustment's
    /// (schema 10), read on the Payments tab only: it counts nowhere, and a
    /// payment is never voided.
    PaymentStatus {
    Succeeded => "succeeded", "Succeeded";
    Pending => "pending", "Pending";
    Failed => "failed", "Failed";
    Refunded => "refunded", "Refunded";
    Voided => "voided", "Voided";
});

stored_enum!(
    /// What a row of the Payments tab is: money received, or credit
    /// (`credits.kind`, schema 10): granted to the customer (goodwill), a
    /// numbered credit note, or the adjustment of a small-balance
    /// write-off. Credit of any kind is never money collected.
    PayKind {
    Payment => "payment", "Payment";
    Credit => "credit", "Credit";
    CreditNote => "credit_note", "Credit note";
    Adjustment => "adjustment", "Adjustment";
});

impl PayKind {
    /// Credit of some kind (a row of `credits`), not money received.
    pub fn is_credit(self) -> bool {
        self != PayKind::Payment
    }

    /// A credit note or an adjustment: what can be voided.
    pub fn voidable(self) -> bool {
        matches!(self, PayKind::CreditNote | PayKind::Adjustment)
    }
}

stored_enum!(PaymentMethod {
    Manual => "manual", "Manual";
    Automatic => "automatic", "Automatic";
});

stored_enum!(ContractKind {
    Recurring => "recurring", "Recurring";
    OneTime => "one_time", "One-time";
});

stored_enum!(ContractStatus {
    Draft => "draft", "Draft";
    Active => "active", "Active";
    Ended => "ended", "Ended";
    Cancelled => "cancelled", "Cancelled";
});

impl ContractStatus {
    /// Whether new invoices are made under a contract in this status: not
    /// once it has ended or was cancelled ("no new invoices are expected").
    pub fn takes_invoices(self) -> bool {
        matches!(self, ContractStatus::Draft | ContractStatus::Active)
    }
}

stored_enum!(BillingFrequency {
    Monthly => "monthly", "Monthly";
    Quarterly => "quarterly", "Quarterly";
    Semiannual => "semiannual", "Semi-annual";
    Annual => "annual", "Annual";
});

stored_enum!(DocumentKind {
    Contract => "contract", "Contract";
    Invoice => "invoice", "Invoice";
    Other => "other", "Other";
});

stored_enum!(ImportSource {
    Stripe => "stripe", "Stripe";
    QuickBooks => "quickbooks", "QuickBooks";
    HubSpot => "hubspot", "HubSpot";
    Salesforce => "salesforce", "Salesforce";
});

/// What an invoice's row shows: the stored status refined by its balance and
/// due date. Never stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DisplayStatus {
    Draft,
    Open,
    PartiallyPaid,
    Overdue,
    OverduePartial,
    Paid,
    Cancelled,
    Uncollectible,
}

impl DisplayStatus {
    pub fn derive(
        status: InvoiceStatus,
        total_minor: i64,
        applied_minor: i64,
        due: NaiveDate,
        today: NaiveDate,
    ) -> Self {
        match status {
            InvoiceStatus::Draft => DisplayStatus::Draft,
            InvoiceStatus::Paid => DisplayStatus::Paid,
            InvoiceStatus::Cancelled => DisplayStatus::Cancelled,
            InvoiceStatus::Uncollectible => DisplayStatus::Uncollectible,
            InvoiceStatus::Open => {
                let partial = applied_minor > 0 && applied_minor < total_minor;
                let overdue = total_minor > applied_minor && due < today;
                match (overdue, partial) {
                    (true, true) => DisplayStatus::OverduePartial,
                    (true, false) => DisplayStatus::Overdue,
                    (false, true) => DisplayStatus::PartiallyPaid,
                    (false, false) => DisplayStatus::Open,
                }
            }
        }
    }

    /// The label as exports write it (`overdue`, `partially paid`): what
    /// the screen shows, in lower case.
    pub fn export(self) -> String {
        self.label().to_lowercase()
    }

    pub fn label(self) -> &'static str {
        match self {
            DisplayStatus::Draft => "Draft",
            DisplayStatus::Open => "Open",
            DisplayStatus::PartiallyPaid => "Partially paid",
            DisplayStatus::Overdue => "Overdue",
            DisplayStatus::OverduePartial => "Overdue, partial",
            DisplayStatus::Paid => "Paid",
            DisplayStatus::Cancelled => "Cancelled",
            DisplayStatus::Uncollectible => "Uncollectible",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_stored_spelling() {
        for s in InvoiceStatus::ALL {
            assert_eq!(InvoiceStatus::from_db(s.as_db()), Some(*s));
        }
        for s in ImportSource::ALL {
            assert_eq!(ImportSource::from_db(s.as_db()), Some(*s));
        }
        assert_eq!(InvoiceStatus::from_db("void"), None);
    }

    #[test]
    fn derives_partial_and_overdue() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let today = d("2026-03-01");
        let open = InvoiceStatus::Open;
        assert_eq!(DisplayStatus::derive(open, 100, 0, d("2026-03-01"), today), DisplayStatus::Open);
        assert_eq!(DisplayStatus::derive(open, 100, 0, d("2026-02-28"), today), DisplayStatus::Overdue);
        assert_eq!(DisplayStatus::derive(open, 100, 40, d("2026-03-05"), today), DisplayStatus::PartiallyPaid);
        assert_eq!(DisplayStatus::derive(open, 100, 40, d("2026-02-01"), today), DisplayStatus::OverduePartial);
        let paid = InvoiceStatus::Paid;
        assert_eq!(DisplayStatus::derive(paid, 100, 100, d("2026-02-01"), today), DisplayStatus::Paid);
    }
}

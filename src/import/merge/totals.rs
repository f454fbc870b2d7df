//! What one run brings each customer, added up as the rows arrive, so that
//! no file can push a customer's figures past what they may hold.
//!
//! Every amount is within `MAX_AMOUNT_MINOR` when parsed; but a million
//! rows of that size for one customer add up to 10^19, past i64, and
//! the database's sums would overflow ("integer overflow", on the bulk
//! path only at the very end). So each kind of money a customer gets —
//! invoice totals, payments (including those made for an invoice's paid
//! amount), credits — is added up here per currency, and the row that would
//! take the run's own sum past `MAX_CUSTOMER_TOTAL_MINOR` is refused with
//! its line. What the database held before is within that bound too (the
//! store refuses more), so the two together stay far below i64.

use crate::domain::Currency;
use crate::domain::bounds::{MAX_CUSTOMER_TOTAL_MINOR, largest_total};
use crate::domain::status::ImportSource;
use std::collections::HashMap;

/// The kinds of money a customer's figures add up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    Invoices,
    Payments,
    Credits,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::Invoices => "invoice totals",
            Kind::Payments => "payments",
            Kind::Credits => "credits",
        }
    }
}

/// Per customer (a source's external id, or `None` and a local key), kind
/// and currency: what this run has brought so far.
#[derive(Debug, Default)]
pub(crate) struct RunTotals {
    sums: HashMap<(Option<ImportSource>, Kind, Currency), HashMap<String, i64>>,
}

impl RunTotals {
    /// Adds the amounts of one row, all or none: why not when one would pass
    /// the bound. `amounts` are each within the bound of one amount.
    pub fn add(
        &mut self,
        source: Option<ImportSource>,
        customer: &str,
        currency: Currency,
        amounts: &[(Kind, i64)],
    ) -> Result<(), String> {
        for &(kind, amount) in amounts {
            let now = self.get(source, customer, kind, currency);
            if now.saturating_add(amount.max(0)) > MAX_CUSTOMER_TOTAL_MINOR {
                return Err(format!(
                    "with this row the {} of customer {customer} in this import add up to more than {}, \
                     the most one customer's {} in one currency may add up to",
                    kind.label(),
                    largest_total(currency),
                    kind.label()
                ));
            }
        }
        for &(kind, amount) in amounts {
            if amount > 0 {
                let per = self.sums.entry((source, kind, currency)).or_default();
                match per.get_mut(customer) {
                    Some(sum) => *sum += amount,
                    None => {
                        per.insert(customer.to_string(), amount);
                    }
                }
            }
        }
        Ok(())
    }

    fn get(&self, source: Option<ImportSource>, customer: &str, kind: Kind, currency: Currency) -> i64 {
        self.sums.get(&(source, kind, currency)).and_then(|m| m.get(customer)).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::bounds::MAX_AMOUNT_MINOR;

    #[test]
    fn the_row_that_passes_the_bound_is_refused_and_adds_nothing() {
        let mut t = RunTotals::default();
        let src = Some(ImportSource::Stripe);
        let per = MAX_CUSTOMER_TOTAL_MINOR / MAX_AMOUNT_MINOR;
        for _ in 0..per {
            t.add(src, "cus_1", Currency::USD, &[(Kind::Invoices, MAX_AMOUNT_MINOR)]).unwrap();
        }
        let e = t.add(src, "cus_1", Currency::USD, &[(Kind::Payments, 1), (Kind::Invoices, 1)]).unwrap_err();
        assert!(e.contains("invoice totals of customer cus_1") && e.contains("$1,000,000,000,000,000.00"), "{e}");
        // Nothing of the refused row was added; other customers, kinds and
        // currencies have their own sums.
        assert_eq!(t.get(src, "cus_1", Kind::Payments, Currency::USD), 0);
        t.add(src, "cus_1", Currency::EUR, &[(Kind::Invoices, 1)]).unwrap();
        t.add(src, "cus_2", Currency::USD, &[(Kind::Invoices, 1)]).unwrap();
        t.add(None, "cus_1", Currency::USD, &[(Kind::Invoices, 1)]).unwrap();
        t.add(src, "cus_1", Currency::USD, &[(Kind::Credits, MAX_AMOUNT_MINOR)]).unwrap();
    }
}

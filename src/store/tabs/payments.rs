//! The Payments tab's SQL.

use super::{currency, date, stored};
use crate::domain::Money;
use crate::domain::columns::Col;
use crate::domain::filter::StatusWord;
use crate::domain::model::PaymentRow;
use crate::domain::status::{PayKind, PaymentMethod, PaymentStatus};
use crate::store::filter_sql::StatusSql;
use crate::store::window::{Searched, TabRow};
use rusqlite::Row;

/// Credits read as payments: the same column names under the same alias,
/// a negative id, status 'granted' and method 'credit' (words no payment
/// has), the reason as the reference. One index range per customer
/// (`credits_customer`); a customer has few.
/// A credit's kind is its own (`credit`, `credit_note`, `adjustment`); a
/// credit note's reference is its number; a voided credit (schema 10)
/// reads status 'voided', so nothing of it is unapplied.
const CREDITS: &str = "(SELECT -id AS id, customer_id, kind, granted_on AS received_on, amount_minor, \
     currency, 0 AS refunded_minor, applied_minor, \
     CASE WHEN kind = 'credit_note' THEN number ELSE reason END AS reference, \
     CASE WHEN status = 'voided' THEN 'voided' ELSE 'granted' END AS status, 'credit' AS method, \
     version FROM credits) p";

/// A row's unapplied remainder: a succeeded payment's amount less
/// refunds and applications, a credit's amount less applications.
macro_rules! unapplied {
    () => {
        "(CASE WHEN p.status IN ('succeeded', 'granted') \
          THEN p.amount_minor - p.refunded_minor - p.applied_minor ELSE 0 END)"
    };
}

impl TabRow for PaymentRow {
    const SELECT: &'static str = "p.id, p.received_on, p.amount_minor, p.currency, p.refunded_minor, \
         p.applied_minor, p.reference, p.status, p.method, \
         (SELECT group_concat(number, ', ') FROM (SELECT i.number FROM applications a \
            JOIN invoices i ON i.id = a.invoice_id WHERE a.payment_id = p.id AND a.removed_on IS NULL ORDER BY i.issue_date, i.id LIMIT 4)), \
         (SELECT count(*) FROM applications a WHERE a.payment_id = p.id AND a.removed_on IS NULL), p.version, p.kind";
    // `kind` beside the payment's own columns; flattened by SQLite, so the
    // payments' indexes serve as before.
    const FROM: &'static str = "(SELECT *, 'payment' AS kind FROM payments) p";
    const ALSO: Option<(&'static str, &'static str)> = Some((
        "p.id, p.received_on, p.amount_minor, p.currency, p.refunded_minor, \
         p.applied_minor, p.reference, p.status, p.method, \
         (SELECT group_concat(number, ', ') FROM (SELECT i.number FROM applications a \
            JOIN invoices i ON i.id = a.invoice_id WHERE a.credit_id = -p.id AND a.removed_on IS NULL ORDER BY i.issue_date, i.id LIMIT 4)), \
         (SELECT count(*) FROM applications a WHERE a.credit_id = -p.id AND a.removed_on IS NULL), p.version, p.kind",
        CREDITS,
    ));
    const WHERE: &'static str = "p.customer_id = ?1";
    const ID: &'static str = "p.id";
    const SORT: &'static [(Col, &'static str)] = &[
        (Col::PayDate, "p.received_on"),
        (Col::PayAmount, "p.amount_minor"),
        (Col::PayKind, "p.kind"),
        (Col::PayRefunded, "p.refunded_minor"),
        (Col::PayReference, "lower(p.reference)"),
        (Col::PayStatus, "p.status"),
        (Col::PayMethod, "p.method"),
        (Col::PayAppliedTo, "p.applied_minor"),
    ];
    // `kind:credit-note` as the Kind column's words are typed (a hyphen
    // for the stored underscore, which LIKE would read as any character).
    const FILTER: &'static [(Col, &'static str)] = &[(Col::PayKind, "replace(p.kind, '_', '-')")];
    const TEXT_COLS: &'static [&'static str] = &["p.reference"];
    // Payments by id, credits by their id negated (`CREDITS`), as listed.
    const SEARCH: Option<Searched> =
        Some(Searched { table: "payment_search", cols: &["p.reference", "lower(p.reference)"] });
    const SCATTERED: &'static [Col] = &[Col::PayAmount];
    // The money kept: succeeded payments net of refunds (pending and
    // failed ones are no money; a refunded one nets to nothing; credit is
    // not money received).
    const SUM: Option<(&'static str, &'static str)> =
        Some(("CASE WHEN p.status = 'succeeded' THEN p.amount_minor - p.refunded_minor ELSE 0 END", "p.currency"));
    // What is left to apply: the Credit Balance of the rows shown.
    const BALANCE: Option<&'static str> = Some(unapplied!());

    fn status_sql(w: StatusWord) -> Option<StatusSql> {
        use StatusWord::*;
        Some(StatusSql::Plain(match w {
            Succeeded => "p.status = 'succeeded'",
            Pending => "p.status = 'pending'",
            Failed => "p.status = 'failed'",
            Refunded => "(p.status = 'refunded' OR p.refunded_minor > 0)",
            Unapplied => concat!(unapplied!(), " > 0"),
            _ => return None,
        }))
    }

    fn map(r: &Row<'_>) -> rusqlite::Result<Self> {
        let shown: Option<String> = r.get(9)?;
        let count: i64 = r.get(10)?;
        let mut applied_to = shown.unwrap_or_default();
        if count > 4 {
            applied_to.push_str(&format!(" +{}", count - 4));
        }
        let kind = stored(r, 12, PayKind::from_db)?;
        // A credit has no payment status or method of its own: it is
        // money kept, applied by hand.
        let (status, method) = match kind {
            PayKind::Payment => (stored(r, 7, PaymentStatus::from_db)?, stored(r, 8, PaymentMethod::from_db)?),
            // A voided credit (schema 10) counts nowhere: nothing of it
            // is unapplied.
            _ => match r.get_ref(7)?.as_str()? {
                "voided" => (PaymentStatus::Voided, PaymentMethod::Manual),
                _ => (PaymentStatus::Succeeded, PaymentMethod::Manual),
            },
        };
        Ok(PaymentRow {
            id: r.get(0)?,
            kind,
            received_on: date(r, 1)?,
            amount: Money::new(r.get(2)?, currency(r, 3)?),
            refunded_minor: r.get(4)?,
            applied_minor: r.get(5)?,
            reference: r.get(6)?,
            status,
            method,
            applied_to,
            version: r.get(11)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::Currency;
    use crate::domain::columns::{Col, Seek, Sort};
    use crate::domain::date::parse_date;
    use crate::domain::model::PaymentRow;
    use crate::domain::status::{PayKind, PaymentMethod, PaymentStatus};
    use crate::store::Store;
    use crate::store::seed::{NewCustomer, NewPayment};
    use crate::store::window::window_sql;

    /// Payments on the 1st, 3rd, 5th…, credits on the 2nd, 4th…: a window
    /// of any size, walked either way from either end, lists them
    /// interleaved by date, each once, credits with their own words.
    #[test]
    fn credits_interleave_with_payments_in_every_window() {
        let mut store = Store::open_in_memory().unwrap();
        let s = store.seeder().unwrap();
        s.organization("Org", Currency::USD, true, "INV-", None, None).unwrap();
        let customer = NewCustomer {
            name: "Acme",
            legal_name: "",
            billing_email: "",
            currency: Currency::USD,
            import: None,
            invoices_paused: false,
            portal: false,
        };
        let c = s.customer(&customer).unwrap();
        let other = s.customer(&NewCustomer { name: "Other", ..customer }).unwrap();
        let day = |n: u32| parse_date(&format!("2026-01-{n:02}")).unwrap();
        for n in 1..=20 {
            if n % 2 == 1 {
                let p = NewPayment {
                    customer_id: c,
                    received_on: day(n),
                    amount_minor: 1_000 * i64::from(n),
                    refunded_minor: 0,
                    currency: Currency::USD,
                    reference: "wire",
                    status: PaymentStatus::Succeeded,
                    method: PaymentMethod::Manual,
                };
                s.payment(&p).unwrap();
            } else {
                s.credit(c, day(n), 1_000 * i64::from(n), Currency::USD, "goodwill").unwrap();
            }
        }
        s.credit(other, day(5), 99, Currency::USD, "another customer's").unwrap();
        s.commit().unwrap();
        let sort = Sort { col: Col::PayDate, desc: false };
        let all: Vec<_> = store.window::<PaymentRow>(c, sort, &Seek::First, 100).unwrap();
        let days: Vec<u32> = all.iter().map(|k| chrono::Datelike::day(&k.row.received_on)).collect();
        assert_eq!(days, (1..=20).collect::<Vec<_>>());
        for k in &all {
            let credit = chrono::Datelike::day(&k.row.received_on) % 2 == 0;
            assert_eq!(k.row.kind, if credit { PayKind::Credit } else { PayKind::Payment });
            assert_eq!(k.row.id < 0, credit, "a credit's id is negative, so keys never meet");
            assert_eq!(k.row.unapplied_minor(), k.row.amount.minor);
        }
        for size in [1, 3, 7] {
            let mut seen = Vec::new();
            let mut seek = Seek::First;
            loop {
                let w = store.window::<PaymentRow>(c, sort, &seek, size).unwrap();
                let Some(last) = w.last() else { break };
                seek = Seek::After(last.key.clone());
                seen.extend(w.iter().map(|k| k.key.id));
            }
            assert_eq!(seen, all.iter().map(|k| k.key.id).collect::<Vec<_>>(), "forwards by {size}");
            let mut back = Vec::new();
            let mut seek = Seek::Last;
            loop {
                let w = store.window::<PaymentRow>(c, sort, &seek, size).unwrap();
                let Some(first) = w.first() else { break };
                seek = Seek::Before(first.key.clone());
                back.splice(0..0, w.iter().map(|k| k.key.id));
            }
            assert_eq!(back, seen, "backwards by {size}");
        }
    }

    /// Each kind walks its own index and the two are merged: the payments'
    /// side never sorts the customer's payments.
    #[test]
    fn the_window_merges_two_index_walks() {
        let store = Store::open_in_memory().unwrap();
        for (col, index) in [(Col::PayDate, "payments_by_date"), (Col::PayAmount, "payments_by_amount")] {
            for desc in [false, true] {
                let sql = window_sql::<PaymentRow>(Sort { col, desc }, &Seek::First, "").unwrap();
                let mut stmt = store.conn().prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
                let n = stmt.parameter_count();
                let plan: Vec<(i64, i64, String)> = stmt
                    .query_map(rusqlite::params_from_iter(std::iter::repeat_n(1, n)), |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(3)?))
                    })
                    .unwrap()
                    .map(Result::unwrap)
                    .collect();
                let text: Vec<&str> = plan.iter().map(|(.., t)| t.as_str()).collect();
                let text = text.join("; ");
                assert!(text.contains("MERGE (UNION ALL)") && text.contains(index), "{sql}\n{text}");
                // The payments' side (LEFT) walks its index; it sorts
                // nothing but what a row's own subqueries read.
                let left = plan.iter().find(|(.., t)| t == "LEFT").map(|(id, ..)| *id).expect("a LEFT side");
                for (_, parent, t) in &plan {
                    assert!(!(t.contains("TEMP B-TREE") && *parent == left), "the payments are sorted: {text}");
                }
            }
        }
    }
}

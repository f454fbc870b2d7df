//! Customers and the organization on PostgreSQL (`store/customers.rs`).

use super::super::customers::{CustomerSpec, list_row};
use super::super::{Result, StoreError};
use super::prepared::Sql;
use super::store::PgStore;
use crate::domain::Money;
use crate::domain::model::{Customer, CustomerListRow, Organization};
use crate::domain::status::ImportSource;
use postgres::Row;

const CUSTOMER_COLS: &str = "id, name, coalesce(legal_name, ''), coalesce(billing_email, ''), currency, \
     import_source, external_id, external_url, invoices_paused, portal, version, billing_address";

/// A currency code as stored; a damaged one is an error, not a guess.
pub(super) fn currency(code: String) -> Result<crate::domain::Currency> {
    code.parse().map_err(|_| StoreError::Invalid(format!("bad currency {code}")))
}

fn map_customer(r: &Row) -> Result<Customer> {
    Ok(Customer {
        id: r.try_get(0)?,
        name: r.try_get(1)?,
        legal_name: r.try_get(2)?,
        billing_email: r.try_get(3)?,
        currency: currency(r.try_get(4)?)?,
        import_source: r.try_get::<_, Option<String>>(5)?.and_then(|s| ImportSource::from_db(&s)),
        external_id: r.try_get(6)?,
        external_url: r.try_get(7)?,
        invoices_paused: r.try_get(8)?,
        portal: r.try_get(9)?,
        version: r.try_get(10)?,
        billing_address: r.try_get(11)?,
    })
}

/// The organization's row, on a connection or in a transaction.
pub(super) fn organization(c: &mut impl Sql) -> Result<Organization> {
    let r = c.query_one(
        "SELECT name, default_currency, show_credit_balance, invoice_prefix, invoice_next_seq,
                hubspot_portal_id, salesforce_domain, version, address
         FROM organization",
        &[],
    )?;
    Ok(Organization {
        name: r.try_get(0)?,
        default_currency: currency(r.try_get(1)?)?,
        show_credit_balance: r.try_get(2)?,
        invoice_prefix: r.try_get(3)?,
        invoice_next_seq: r.try_get(4)?,
        hubspot_portal_id: r.try_get(5)?,
        salesforce_domain: r.try_get(6)?,
        version: r.try_get(7)?,
        address: r.try_get(8)?,
    })
}

impl PgStore {
    pub fn organization(&self) -> Result<Organization> {
        organization(&mut self.client()?)
    }

    pub fn customer(&self, id: i64) -> Result<Customer> {
        let sql = format!("SELECT {CUSTOMER_COLS} FROM customers WHERE id = $1");
        match self.client()?.query_opt(&sql, &[&id])? {
            Some(r) => map_customer(&r),
            None => Err(StoreError::NotFound(format!("customer {id}"))),
        }
    }

    /// Finds a customer by ardesk id ("42") or by `SOURCE:EXTERNAL_ID`
    /// ("stripe:cus_123"), as the SQLite store does.
    pub fn resolve_customer(&self, spec: &str) -> Result<i64> {
        match CustomerSpec::parse(spec)? {
            CustomerSpec::Id(id) => self.customer(id).map(|c| c.id),
            CustomerSpec::InSource(source, ext) => self
                .client()?
                .query_opt(
                    "SELECT id FROM customers WHERE import_source = $1 AND external_id = $2",
                    &[&source.as_db(), &ext],
                )?
                .map(|r| r.try_get(0))
                .transpose()?
                .ok_or_else(|| StoreError::NotFound(format!("customer {}", spec.trim()))),
            CustomerSpec::Bare(ext, candidates) => {
                let sql = format!(
                    "SELECT id, import_source FROM customers WHERE import_source IN ({}) AND external_id = $1",
                    CustomerSpec::sources()
                );
                let mut found: Vec<(i64, String)> = Vec::new();
                for c in &candidates {
                    for r in self.client()?.query(&sql, &[c])? {
                        found.push((r.try_get(0)?, r.try_get(1)?));
                    }
                }
                CustomerSpec::one_of(&ext, &found)
            }
        }
    }

    /// Ids of all customers, in order.
    pub fn customer_ids(&self) -> Result<Vec<i64>> {
        let rows = self.client()?.query("SELECT id FROM customers ORDER BY id", &[])?;
        Ok(rows.iter().map(|r| r.try_get(0)).collect::<Result<_, _>>()?)
    }
}

/// A customer's outstanding in its own currency (`c`): from the summary,
/// or as of the store's date (`$1`) from the dated open balances, as
/// `customers::outstanding_sql`.
pub(super) fn outstanding_sql(as_of: bool) -> &'static str {
    if as_of {
        "coalesce((SELECT sum(open_by_due) FROM customer_day_summary s WHERE s.customer_id = c.id AND s.day <= $1
                   AND s.currency = c.currency AND s.on_date <> '-infinity'), 0)::bigint"
    } else {
        "coalesce((SELECT outstanding_minor FROM customer_summary s
                   WHERE s.customer_id = c.id AND s.currency = c.currency), 0)"
    }
}

/// The part of it due before `$1` (today, or the store's date).
pub(super) fn overdue_sql(as_of: bool) -> &'static str {
    if as_of {
        "coalesce((SELECT sum(open_by_due) FROM customer_day_summary s WHERE s.customer_id = c.id AND s.day <= $1
                   AND s.currency = c.currency AND s.on_date <> '-infinity' AND s.on_date < $1), 0)::bigint"
    } else {
        "coalesce((SELECT sum(open_minor) FROM customer_due_summary d
                   WHERE d.customer_id = c.id AND d.currency = c.currency AND d.due_date < $1), 0)::bigint"
    }
}

impl PgStore {
    /// Every customer with outstanding and overdue in their own currency,
    /// in `customer_list`'s order (name case-folded as SQLite's NOCASE,
    /// then id), handed to `f` one at a time.
    pub fn each_customer<E: From<StoreError>>(
        &self,
        today: chrono::NaiveDate,
        mut f: impl FnMut(Customer, Money, Money) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let as_of = self.as_of;
        let (a, o) = (outstanding_sql(as_of.is_some()), overdue_sql(as_of.is_some()));
        let sql = format!("SELECT {CUSTOMER_COLS}, {a}, {o} FROM customers c ORDER BY lower(c.name), c.id");
        let day = as_of.unwrap_or(today);
        let rows = self.client().map_err(E::from)?.query(&sql, &[&day]).map_err(|e| E::from(e.into()))?;
        for r in &rows {
            let c = map_customer(r).map_err(E::from)?;
            let outstanding = Money::new(r.try_get(12).map_err(|e| E::from(e.into()))?, c.currency);
            let overdue = Money::new(r.try_get(13).map_err(|e| E::from(e.into()))?, c.currency);
            f(c, outstanding, overdue)?;
        }
        Ok(())
    }

    /// Every customer's line of the customers list, as `Store::customer_list`.
    pub fn customer_list(&self, today: chrono::NaiveDate) -> Result<Vec<CustomerListRow>> {
        let broken = self.broken_promises(self.as_of.unwrap_or(today))?;
        let mut rows = Vec::new();
        self.each_customer(today, |c, outstanding, overdue| {
            rows.push(list_row(c, outstanding, overdue, &broken));
            Ok::<_, StoreError>(())
        })?;
        Ok(rows)
    }

    /// The number of broken promises of each customer that has any: due
    /// before `today` and not paid in full.
    pub fn broken_promises(&self, today: chrono::NaiveDate) -> Result<std::collections::BTreeMap<i64, i64>> {
        let sql = concat!(
            "SELECT pr.customer_id, count(*) FROM promises pr WHERE pr.due_on < $1 AND ",
            crate::paid_sql!(),
            " < pr.amount_minor GROUP BY pr.customer_id"
        );
        let rows = self.client()?.query(sql, &[&today])?;
        rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect()
    }
}

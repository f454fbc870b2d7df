//! Customers and the organization.

use super::tabs::currency;
use super::{Result, Store, StoreError};
use crate::domain::date::iso;
use crate::domain::model::{Customer, CustomerListRow, Organization};
use crate::domain::status::ImportSource;
use crate::domain::{Currency, Money};
use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Row};

const CUSTOMER_COLS: &str = "id, name, coalesce(legal_name, ''), coalesce(billing_email, ''), currency, \
     import_source, external_id, external_url, invoices_paused, portal, version, billing_address";

fn map_customer(r: &Row<'_>) -> rusqlite::Result<Customer> {
    Ok(Customer {
        id: r.get(0)?,
        name: r.get(1)?,
        legal_name: r.get(2)?,
        billing_email: r.get(3)?,
        currency: currency(r, 4)?,
        import_source: r.get::<_, Option<String>>(5)?.and_then(|s| ImportSource::from_db(&s)),
        external_id: r.get(6)?,
        external_url: r.get(7)?,
        invoices_paused: r.get(8)?,
        portal: r.get(9)?,
        version: r.get(10)?,
        billing_address: r.get(11)?,
    })
}

impl Store {
    pub fn organization(&self) -> Result<Organization> {
        Ok(self.conn().query_row(
            "SELECT name, default_currency, show_credit_balance, invoice_prefix, invoice_next_seq,
                    hubspot_portal_id, salesforce_domain, version, address
             FROM organization",
            [],
            |r| {
                Ok(Organization {
                    name: r.get(0)?,
                    default_currency: currency(r, 1)?,
                    show_credit_balance: r.get(2)?,
                    invoice_prefix: r.get(3)?,
                    invoice_next_seq: r.get(4)?,
                    hubspot_portal_id: r.get(5)?,
                    salesforce_domain: r.get(6)?,
                    version: r.get(7)?,
                    address: r.get(8)?,
                })
            },
        )?)
    }

    /// Every customer with outstanding and overdue in their own currency,
    /// read from the summaries (one index range per customer).
    pub fn customer_list(&self, today: NaiveDate) -> Result<Vec<CustomerListRow>> {
        let mut rows = Vec::new();
        let broken = self.broken_promises(self.as_of().unwrap_or(today))?;
        self.each_customer(today, |c, outstanding, overdue| {
            rows.push(list_row(c, outstanding, overdue, &broken));
            Ok::<_, StoreError>(())
        })?;
        Ok(rows)
    }

    /// Every customer in `customer_list`'s order, with its outstanding and
    /// overdue, handed to `f` one at a time, so a list of any length is
    /// written out in constant memory.
    pub fn each_customer<E: From<StoreError>>(
        &self,
        today: NaiveDate,
        mut f: impl FnMut(Customer, Money, Money) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let (a, o) = (outstanding_sql(self.as_of()), overdue_sql(self.as_of()));
        let sql = format!("SELECT {CUSTOMER_COLS}, {a}, {o} FROM customers c ORDER BY c.name COLLATE NOCASE, c.id");
        let mut stmt = self.conn().prepare_cached(&sql).map_err(StoreError::from)?;
        let mut rows = stmt.query([iso(self.as_of().unwrap_or(today))]).map_err(StoreError::from)?;
        while let Some(r) = rows.next().map_err(StoreError::from)? {
            let c = map_customer(r).map_err(StoreError::from)?;
            let outstanding = Money::new(r.get(12).map_err(StoreError::from)?, c.currency);
            let overdue = Money::new(r.get(13).map_err(StoreError::from)?, c.currency);
            f(c, outstanding, overdue)?;
        }
        Ok(())
    }

    /// The largest customer id and, per currency, the largest outstanding
    /// balance of a customer in its own currency (overdue is a part of it):
    /// what a table of every customer needs to size its columns before the
    /// first row is written.
    pub fn customer_list_extent(&self) -> Result<(i64, Vec<(Currency, i64)>)> {
        let max_id: i64 = self.conn().query_row("SELECT coalesce(max(id), 0) FROM customers", [], |r| r.get(0))?;
        let sql = match self.as_of() {
            None => "SELECT s.currency, max(abs(s.outstanding_minor)) FROM customer_summary s
                     JOIN customers c ON c.id = s.customer_id AND c.currency = s.currency
                     WHERE ?1 IS NOT NULL GROUP BY s.currency"
                .to_string(),
            Some(d) => format!(
                "SELECT currency, max(abs(o)) FROM (SELECT c.currency, {} AS o FROM customers c) GROUP BY currency",
                outstanding_sql(Some(d))
            ),
        };
        let day = iso(self.as_of().unwrap_or_default());
        let most = self
            .conn()
            .prepare_cached(&sql)?
            .query_map([day], |r| Ok((currency(r, 0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok((max_id, most))
    }

    /// Calls `f` with every customer's name, in no order: a table of every
    /// customer sizes its name column by them before its first row, without
    /// holding them.
    pub fn each_customer_name(&self, mut f: impl FnMut(&str)) -> Result<()> {
        let mut stmt = self.conn().prepare_cached("SELECT name FROM customers")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            f(&r.get::<_, String>(0)?);
        }
        Ok(())
    }

    pub fn customer(&self, id: i64) -> Result<Customer> {
        self.conn()
            .query_row(&format!("SELECT {CUSTOMER_COLS} FROM customers WHERE id = ?1"), [id], map_customer)
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("customer {id}")))
    }

    /// Finds a customer by ardesk id ("42") or by `SOURCE:EXTERNAL_ID`
    /// ("stripe:cus_123").
    pub fn resolve_customer(&self, spec: &str) -> Result<i64> {
        match CustomerSpec::parse(spec)? {
            CustomerSpec::Id(id) => self.customer(id).map(|c| c.id),
            CustomerSpec::InSource(source, ext) => self
                .conn()
                .query_row(
                    "SELECT id FROM customers WHERE import_source = ?1 AND external_id = ?2",
                    (source.as_db(), &ext),
                    |r| r.get(0),
                )
                .optional()?
                .ok_or_else(|| StoreError::NotFound(format!("customer {}", spec.trim()))),
            CustomerSpec::Bare(ext, candidates) => {
                // Every source named, so the (source, external id) index is used.
                let sql = format!(
                    "SELECT id, import_source FROM customers WHERE import_source IN ({}) AND external_id = ?1",
                    CustomerSpec::sources()
                );
                let mut found: Vec<(i64, String)> = Vec::new();
                for c in &candidates {
                    let mut stmt = self.conn().prepare_cached(&sql)?;
                    found.extend(
                        stmt.query_map([c], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<Vec<_>>>()?,
                    );
                }
                CustomerSpec::one_of(&ext, &found)
            }
        }
    }

    /// Ids of all customers, for `ardesk check`.
    pub fn customer_ids(&self) -> Result<Vec<i64>> {
        let mut stmt = self.conn().prepare("SELECT id FROM customers ORDER BY id")?;
        let ids = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        Ok(ids)
    }
}

/// A customer's line of the customers list, for either backend.
pub(crate) fn list_row(
    c: Customer,
    outstanding: Money,
    overdue: Money,
    broken: &std::collections::BTreeMap<i64, i64>,
) -> CustomerListRow {
    CustomerListRow {
        broken_promises: broken.get(&c.id).copied().unwrap_or(0),
        id: c.id,
        name: c.name,
        legal_name: c.legal_name,
        import_source: c.import_source,
        external_id: c.external_id,
        billing_email: c.billing_email,
        currency: c.currency,
        invoices_paused: c.invoices_paused,
        portal: c.portal,
        outstanding,
        overdue,
    }
}

/// A customer's outstanding in its own currency (`c`): from the summary,
/// or as of the store's date (`?1`) from the dated open balances
/// (`open_by_due`, `as_of`).
pub(super) fn outstanding_sql(as_of: Option<NaiveDate>) -> &'static str {
    match as_of {
        None => {
            "coalesce((SELECT outstanding_minor FROM customer_summary s
                       WHERE s.customer_id = c.id AND s.currency = c.currency), 0)"
        }
        Some(_) => {
            "coalesce((SELECT sum(open_by_due) FROM customer_day_summary s WHERE s.customer_id = c.id AND s.day <= ?1
                       AND s.currency = c.currency AND s.on_date <> ''), 0)"
        }
    }
}

/// The part of it due before `?1` (today, or the store's date).
pub(super) fn overdue_sql(as_of: Option<NaiveDate>) -> &'static str {
    match as_of {
        None => {
            "coalesce((SELECT sum(open_minor) FROM customer_due_summary d
                       WHERE d.customer_id = c.id AND d.currency = c.currency AND d.due_date < ?1), 0)"
        }
        Some(_) => {
            "coalesce((SELECT sum(open_by_due) FROM customer_day_summary s WHERE s.customer_id = c.id AND s.day <= ?1
                       AND s.currency = c.currency AND s.on_date <> '' AND s.on_date < ?1), 0)"
        }
    }
}

/// What `resolve_customer` was given, for either backend: an ardesk id, a
/// source's id in a named source, or a source's id alone (with its
/// 18-character Salesforce form when it has one).
pub(crate) enum CustomerSpec {
    Id(i64),
    InSource(ImportSource, String),
    Bare(String, Vec<String>),
}

impl CustomerSpec {
    pub(crate) fn parse(spec: &str) -> Result<CustomerSpec> {
        let spec = spec.trim();
        if let Ok(id) = spec.parse::<i64>() {
            return Ok(CustomerSpec::Id(id));
        }
        let Some((source, ext)) = spec.split_once(':') else {
            let mut candidates = vec![spec.to_string()];
            if let Ok(long) = crate::domain::external_id::to_18(spec)
                && long != spec
            {
                candidates.push(long);
            }
            return Ok(CustomerSpec::Bare(spec.to_string(), candidates));
        };
        let source = ImportSource::from_db(&source.to_ascii_lowercase()).ok_or_else(|| {
            StoreError::Invalid(format!("\"{source}\" is not a source: use stripe, quickbooks, hubspot or salesforce"))
        })?;
        // Salesforce ids are stored in their 18-character form; the UI shows 15.
        let ext = match source {
            ImportSource::Salesforce => crate::domain::external_id::to_18(ext).unwrap_or_else(|_| ext.to_string()),
            _ => ext.to_string(),
        };
        Ok(CustomerSpec::InSource(source, ext))
    }

    /// Every source, quoted, for `import_source IN (…)`.
    pub(crate) fn sources() -> String {
        let sources: Vec<String> = ImportSource::ALL.iter().map(|s| format!("'{}'", s.as_db())).collect();
        sources.join(",")
    }

    /// The one customer a bare id found, or why there is not one.
    pub(crate) fn one_of(ext: &str, found: &[(i64, String)]) -> Result<i64> {
        match found {
            [(id, _)] => Ok(*id),
            [] => Err(StoreError::Invalid(format!(
                "\"{ext}\" is neither a customer id nor a source's id of a customer (SOURCE:EXTERNAL_ID, e.g. stripe:cus_123)"
            ))),
            many => {
                let named: Vec<String> = many.iter().map(|(_, s)| format!("{s}:{ext}")).collect();
                Err(StoreError::Invalid(format!(
                    "\"{ext}\" is the id of customers in several sources; say which: {}",
                    named.join(", ")
                )))
            }
        }
    }
}

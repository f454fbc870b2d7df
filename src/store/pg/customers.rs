//! Customers and the organization on PostgreSQL (`store/customers.rs`).

use super::super::customers::CustomerSpec;
use super::super::{Result, StoreError};
use super::store::PgStore;
use crate::domain::model::{Customer, Organization};
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

impl PgStore {
    pub fn organization(&self) -> Result<Organization> {
        let r = self.client()?.query_one(
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
                .map(|r| r.get(0))
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
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }
}

//! The customers and contacts an import finds, creates and updates on
//! PostgreSQL (`store/import/parties.rs`).

use super::super::super::Result;
use super::super::super::import::{ContactState, CustomerSource, CustomerState, CustomerWrite};
use super::{PgImportTx, currency_of, source_of};
use crate::domain::Currency;
use crate::domain::status::ImportSource;
use postgres::Row;

fn customer_state(r: &Row) -> Result<CustomerState> {
    Ok(CustomerState {
        id: r.try_get(0)?,
        name: r.try_get(1)?,
        legal_name: r.try_get(2)?,
        billing_email: r.try_get(3)?,
        currency: currency_of(r.try_get(4)?)?,
        external_url: r.try_get(5)?,
        source_raw: r.try_get(6)?,
        billing_address: r.try_get(7)?,
    })
}

/// Whether `raw` is JSON with a text at `path` (an object's keys); that text.
fn json_text<'a>(raw: &'a serde_json::Value, path: &[&str]) -> Option<&'a str> {
    path.iter().try_fold(raw, |v, k| v.get(k))?.as_str()
}

impl PgImportTx<'_> {
    pub fn find_customer(&self, source: ImportSource, external_id: &str) -> Result<Option<CustomerState>> {
        self.row_opt(
            "SELECT id, name, coalesce(legal_name, ''), coalesce(billing_email, ''), currency, external_url, source_raw,
                    billing_address
             FROM customers WHERE import_source = $1 AND external_id = $2",
            &[&source.as_db(), &external_id],
        )?
        .map(|r| customer_state(&r))
        .transpose()
    }

    pub fn customer_source(&self, id: i64) -> Result<Option<CustomerSource>> {
        self.row_opt(
            "SELECT import_source, coalesce(external_id, ''), currency, source_raw FROM customers WHERE id = $1",
            &[&id],
        )?
        .map(|r| {
            Ok(CustomerSource {
                source: source_of(r.try_get(0)?),
                external_id: r.try_get(1)?,
                currency: currency_of(r.try_get(2)?)?,
                source_raw: r.try_get(3)?,
            })
        })
        .transpose()
    }

    pub fn set_customer_external_id(&self, id: i64, external_id: &str) -> Result<()> {
        self.exec("UPDATE customers SET external_id = $2, version = version + 1 WHERE id = $1", &[&id, &external_id])?;
        Ok(())
    }

    pub fn set_customer_url(&self, id: i64, url: Option<&str>) -> Result<()> {
        self.exec("UPDATE customers SET external_url = $2 WHERE id = $1", &[&id, &url])?;
        Ok(())
    }

    /// The customers of `source` that have an id (not a `name:` key): the
    /// name each was last imported under, and its external id. The JSON is
    /// read here, as SQLite's `json_valid`/`json_extract` read it there.
    pub fn customer_names(&self, source: ImportSource) -> Result<Vec<(String, String)>> {
        let key = crate::domain::external_id::NAME_KEY;
        let rows = self.rows(
            "SELECT source_raw, external_id FROM customers
             WHERE import_source = $1 AND substr(external_id, 1, length($2)) <> $2 AND source_raw IS NOT NULL",
            &[&source.as_db(), &key],
        )?;
        let mut out = Vec::new();
        for r in rows {
            let raw: String = r.try_get(0)?;
            let Ok(v) = serde_json::from_str::<serde_json::Value>(&raw) else { continue };
            if let Some(name) = json_text(&v, &["imported", "name"]) {
                out.push((name.to_string(), r.try_get(1)?));
            }
        }
        Ok(out)
    }

    pub fn find_customer_by_origin(&self, origin: &str) -> Result<Option<i64>> {
        let rows = self.rows(
            "SELECT id, source_raw FROM customers WHERE import_source IS NULL AND source_raw IS NOT NULL
               AND strpos(source_raw, 'ardesk_origin') > 0 ORDER BY id",
            &[],
        )?;
        for r in rows {
            let raw: String = r.try_get(1)?;
            let Ok(v) = serde_json::from_str::<serde_json::Value>(&raw) else { continue };
            if json_text(&v, &["ardesk_origin"]) == Some(origin) {
                return Ok(Some(r.try_get(0)?));
            }
        }
        Ok(None)
    }

    pub fn insert_customer(&self, source: Option<(ImportSource, &str)>, c: &CustomerWrite<'_>) -> Result<i64> {
        self.one(
            "INSERT INTO customers(name, legal_name, billing_email, currency, import_source, external_id,
                                   external_url, source_raw, created_at, billing_address)
             VALUES ($1, nullif($2, ''), nullif($3, ''), $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            &[
                &c.name,
                &c.legal_name,
                &c.billing_email,
                &c.currency.code(),
                &source.map(|s| s.0.as_db()),
                &source.map(|s| s.1),
                &c.external_url,
                &c.source_raw,
                &self.now,
                &c.billing_address,
            ],
        )
    }

    pub fn update_customer(&self, id: i64, c: &CustomerWrite<'_>) -> Result<()> {
        self.exec(
            "UPDATE customers SET name = $2, legal_name = nullif($3, ''), billing_email = nullif($4, ''),
                    currency = $5, external_url = $6, source_raw = $7, billing_address = $8,
                    version = version + 1 WHERE id = $1",
            &[
                &id,
                &c.name,
                &c.legal_name,
                &c.billing_email,
                &c.currency.code(),
                &c.external_url,
                &c.source_raw,
                &c.billing_address,
            ],
        )?;
        Ok(())
    }

    pub fn set_customer_flags(&self, id: i64, invoices_paused: bool, portal: bool) -> Result<()> {
        self.exec(
            "UPDATE customers SET invoices_paused = $2, portal = $3 WHERE id = $1",
            &[&id, &invoices_paused, &portal],
        )?;
        Ok(())
    }

    pub fn set_customer_raw(&self, id: i64, source_raw: &str) -> Result<()> {
        self.exec("UPDATE customers SET source_raw = $2 WHERE id = $1", &[&id, &source_raw])?;
        Ok(())
    }

    pub fn set_customer_currency(&self, id: i64, cur: Currency) -> Result<()> {
        self.exec("UPDATE customers SET currency = $2, version = version + 1 WHERE id = $1", &[&id, &cur.code()])?;
        Ok(())
    }

    pub fn customer_has_money(&self, id: i64) -> Result<bool> {
        self.one(
            "SELECT EXISTS (SELECT 1 FROM invoices WHERE customer_id = $1 AND status IN ('open', 'paid', 'uncollectible'))
                 OR EXISTS (SELECT 1 FROM payments WHERE customer_id = $1)
                 OR EXISTS (SELECT 1 FROM credits WHERE customer_id = $1)",
            &[&id],
        )
    }

    // Contacts -------------------------------------------------------------

    pub fn find_contact(&self, source: ImportSource, external_id: &str) -> Result<Option<ContactState>> {
        self.row_opt(
            "SELECT id, customer_id, name, email, phone, role, source_raw FROM contacts
             WHERE import_source = $1 AND external_id = $2",
            &[&source.as_db(), &external_id],
        )?
        .map(|r| {
            Ok(ContactState {
                id: r.try_get(0)?,
                customer_id: r.try_get(1)?,
                name: r.try_get(2)?,
                email: r.try_get(3)?,
                phone: r.try_get(4)?,
                role: r.try_get(5)?,
                source_raw: r.try_get(6)?,
            })
        })
        .transpose()
    }

    #[allow(clippy::too_many_arguments)]
    pub fn insert_contact(
        &self,
        source: Option<(ImportSource, &str)>,
        customer_id: i64,
        name: &str,
        email: &str,
        phone: &str,
        role: &str,
        source_raw: Option<&str>,
    ) -> Result<i64> {
        self.one(
            "INSERT INTO contacts(customer_id, name, email, phone, role, import_source, external_id, source_raw,
                                  created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            &[
                &customer_id,
                &name,
                &email,
                &phone,
                &role,
                &source.map(|s| s.0.as_db()),
                &source.map(|s| s.1),
                &source_raw,
                &self.now,
            ],
        )
    }

    pub fn update_contact(&self, id: i64, name: &str, email: &str, phone: &str, role: &str, raw: &str) -> Result<()> {
        self.exec(
            "UPDATE contacts SET name = $2, email = $3, phone = $4, role = $5, source_raw = $6, version = version + 1
             WHERE id = $1",
            &[&id, &name, &email, &phone, &role, &raw],
        )?;
        Ok(())
    }

    pub fn set_contact_raw(&self, id: i64, raw: &str) -> Result<()> {
        self.exec("UPDATE contacts SET source_raw = $2 WHERE id = $1", &[&id, &raw])?;
        Ok(())
    }

    pub fn primary_contact(&self, customer_id: i64) -> Result<Option<i64>> {
        self.one("SELECT primary_contact_id FROM customers WHERE id = $1", &[&customer_id])
    }

    pub fn make_primary(&self, customer_id: i64, contact_id: i64) -> Result<()> {
        self.exec(
            "UPDATE customers SET primary_contact_id = $2 WHERE id = $1 AND primary_contact_id IS DISTINCT FROM $2",
            &[&customer_id, &contact_id],
        )?;
        Ok(())
    }

    /// The currency a customer is billed in.
    pub fn customer_currency(&self, customer_id: i64) -> Result<Currency> {
        currency_of(self.one("SELECT currency FROM customers WHERE id = $1", &[&customer_id])?)
    }
}

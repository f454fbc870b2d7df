//! The customers and contacts an import finds, creates and updates, by
//! (source, external id), inside the run's transaction.

use super::*;

impl ImportTx<'_> {
    // Customers ------------------------------------------------------------

    pub fn find_customer(&self, source: ImportSource, external_id: &str) -> Result<Option<CustomerState>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT id, name, coalesce(legal_name, ''), coalesce(billing_email, ''), currency, external_url, source_raw,
                    billing_address
             FROM customers WHERE import_source = ?1 AND external_id = ?2",
        )?;
        Ok(stmt
            .query_row(params![source.as_db(), external_id], |r| {
                Ok(CustomerState {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    legal_name: r.get(2)?,
                    billing_email: r.get(3)?,
                    currency: currency(r, 4)?,
                    external_url: r.get(5)?,
                    source_raw: r.get(6)?,
                    billing_address: r.get(7)?,
                })
            })
            .optional()?)
    }

    /// A customer's source, external id, currency and `source_raw`, by id.
    pub fn customer_source(&self, id: i64) -> Result<Option<CustomerSource>> {
        Ok(self
            .tx
            .prepare_cached(
                "SELECT import_source, coalesce(external_id, ''), currency, source_raw FROM customers WHERE id = ?1",
            )?
            .query_row([id], |r| {
                Ok(CustomerSource {
                    source: source_of(r.get(0)?),
                    external_id: r.get(1)?,
                    currency: currency(r, 2)?,
                    source_raw: r.get(3)?,
                })
            })
            .optional()?)
    }

    /// Gives a customer the external id its source now names it by (one
    /// first imported from a report, keyed on its name).
    pub fn set_customer_external_id(&self, id: i64, external_id: &str) -> Result<()> {
        self.tx.execute(
            "UPDATE customers SET external_id = ?2, version = version + 1 WHERE id = ?1",
            params![id, external_id],
        )?;
        Ok(())
    }

    pub fn set_customer_url(&self, id: i64, url: Option<&str>) -> Result<()> {
        self.tx.execute("UPDATE customers SET external_url = ?2 WHERE id = ?1", params![id, url])?;
        Ok(())
    }

    /// The customers of `source` that have an id (not a `name:` key): the
    /// name each was last imported under, and its external id.
    pub fn customer_names(&self, source: ImportSource) -> Result<Vec<(String, String)>> {
        let mut stmt = self.tx.prepare(
            "SELECT CASE WHEN json_type(source_raw, '$.imported.name') = 'text'
                         THEN json_extract(source_raw, '$.imported.name') END, external_id
             FROM customers
             WHERE import_source = ?1 AND substr(external_id, 1, length(?2)) <> ?2 AND json_valid(source_raw)",
        )?;
        let rows = stmt.query_map([source.as_db(), crate::domain::external_id::NAME_KEY], |r| {
            Ok((r.get::<_, Option<String>>(0)?, r.get(1)?))
        })?;
        let rows: Vec<(Option<String>, String)> = rows.collect::<rusqlite::Result<_>>()?;
        Ok(rows.into_iter().filter_map(|(name, ext)| Some((name?, ext))).collect())
    }

    /// A customer created by an ardesk export import from `origin`, if any.
    pub fn find_customer_by_origin(&self, origin: &str) -> Result<Option<i64>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT id FROM customers WHERE import_source IS NULL AND json_valid(source_raw)
               AND json_extract(source_raw, '$.ardesk_origin') = ?1",
        )?;
        Ok(stmt.query_row([origin], |r| r.get(0)).optional()?)
    }

    pub fn insert_customer(&self, source: Option<(ImportSource, &str)>, c: &CustomerWrite<'_>) -> Result<i64> {
        self.tx
            .prepare_cached(
                "INSERT INTO customers(name, legal_name, billing_email, currency, import_source, external_id,
                                       external_url, source_raw, created_at, billing_address)
                 VALUES (?1, nullif(?2, ''), nullif(?3, ''), ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                c.name,
                c.legal_name,
                c.billing_email,
                c.currency.code(),
                source.map(|s| s.0.as_db()),
                source.map(|s| s.1),
                c.external_url,
                c.source_raw,
                self.now,
                c.billing_address
            ])?;
        Ok(self.tx.last_insert_rowid())
    }

    pub fn update_customer(&self, id: i64, c: &CustomerWrite<'_>) -> Result<()> {
        self.tx
            .prepare_cached(
                "UPDATE customers SET name = ?2, legal_name = nullif(?3, ''), billing_email = nullif(?4, ''),
                        currency = ?5, external_url = ?6, source_raw = ?7, billing_address = ?8,
                        version = version + 1 WHERE id = ?1",
            )?
            .execute(params![
                id,
                c.name,
                c.legal_name,
                c.billing_email,
                c.currency.code(),
                c.external_url,
                c.source_raw,
                c.billing_address
            ])?;
        Ok(())
    }

    /// Flags that ardesk JSON carries (not part of any source's data).
    pub fn set_customer_flags(&self, id: i64, invoices_paused: bool, portal: bool) -> Result<()> {
        self.tx.execute(
            "UPDATE customers SET invoices_paused = ?2, portal = ?3 WHERE id = ?1",
            params![id, invoices_paused, portal],
        )?;
        Ok(())
    }

    pub fn set_customer_raw(&self, id: i64, source_raw: &str) -> Result<()> {
        self.tx
            .prepare_cached("UPDATE customers SET source_raw = ?2 WHERE id = ?1")?
            .execute(params![id, source_raw])?;
        Ok(())
    }

    /// Changes the currency of a customer that has no issued invoices,
    /// payments or credits yet.
    pub fn set_customer_currency(&self, id: i64, cur: Currency) -> Result<()> {
        self.tx.execute(
            "UPDATE customers SET currency = ?2, version = version + 1 WHERE id = ?1",
            params![id, cur.code()],
        )?;
        Ok(())
    }

    pub fn customer_has_money(&self, id: i64) -> Result<bool> {
        Ok(self.tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM invoices WHERE customer_id = ?1 AND status IN ('open', 'paid', 'uncollectible'))
                 OR EXISTS (SELECT 1 FROM payments WHERE customer_id = ?1)
                 OR EXISTS (SELECT 1 FROM credits WHERE customer_id = ?1)",
            [id],
            |r| r.get(0),
        )?)
    }

    // Contacts -------------------------------------------------------------

    pub fn find_contact(&self, source: ImportSource, external_id: &str) -> Result<Option<ContactState>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT id, customer_id, name, email, phone, role, source_raw FROM contacts
             WHERE import_source = ?1 AND external_id = ?2",
        )?;
        Ok(stmt
            .query_row(params![source.as_db(), external_id], |r| {
                Ok(ContactState {
                    id: r.get(0)?,
                    customer_id: r.get(1)?,
                    name: r.get(2)?,
                    email: r.get(3)?,
                    phone: r.get(4)?,
                    role: r.get(5)?,
                    source_raw: r.get(6)?,
                })
            })
            .optional()?)
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
        self.tx
            .prepare_cached(
                "INSERT INTO contacts(customer_id, name, email, phone, role, import_source, external_id, source_raw,
                                      created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                customer_id,
                name,
                email,
                phone,
                role,
                source.map(|s| s.0.as_db()),
                source.map(|s| s.1),
                source_raw,
                self.now
            ])?;
        Ok(self.tx.last_insert_rowid())
    }

    pub fn update_contact(&self, id: i64, name: &str, email: &str, phone: &str, role: &str, raw: &str) -> Result<()> {
        self.tx.execute(
            "UPDATE contacts SET name = ?2, email = ?3, phone = ?4, role = ?5, source_raw = ?6, version = version + 1
             WHERE id = ?1",
            params![id, name, email, phone, role, raw],
        )?;
        Ok(())
    }

    pub fn set_contact_raw(&self, id: i64, raw: &str) -> Result<()> {
        self.tx.execute("UPDATE contacts SET source_raw = ?2 WHERE id = ?1", params![id, raw])?;
        Ok(())
    }

    pub fn primary_contact(&self, customer_id: i64) -> Result<Option<i64>> {
        Ok(self.tx.query_row("SELECT primary_contact_id FROM customers WHERE id = ?1", [customer_id], |r| r.get(0))?)
    }

    pub fn make_primary(&self, customer_id: i64, contact_id: i64) -> Result<()> {
        self.tx.execute(
            "UPDATE customers SET primary_contact_id = ?2 WHERE id = ?1 AND primary_contact_id IS NOT ?2",
            params![customer_id, contact_id],
        )?;
        Ok(())
    }
}

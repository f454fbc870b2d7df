//! Creating and editing a customer on PostgreSQL
//! (`store/writes/customer.rs`), checked by the same functions.

use super::super::super::writes::customer::{CURRENCY_USED, after_json, checked, known_currency};
use super::super::super::{Audit, Result, StoreError};
use super::super::store::PgStore;
use super::{audit, versioned};
use crate::domain::edit::CustomerEdit;
use serde_json::json;

impl PgStore {
    /// Creates a customer typed in by a person (not imported) and returns
    /// its id.
    pub fn create_customer(&mut self, e: &CustomerEdit) -> Result<i64> {
        let address = checked(e)?;
        known_currency(e.currency)?;
        let who = self.who().to_string();
        self.write(None, |tx| {
            let id: i64 = tx
                .query_one(
                    "INSERT INTO customers(name, legal_name, billing_email, currency, invoices_paused, portal,
                                           created_at, billing_address)
                     VALUES ($1, nullif($2, ''), nullif($3, ''), $4, $5, $6, $7, $8) RETURNING id",
                    &[
                        &e.name.trim(),
                        &e.legal_name.trim(),
                        &e.billing_email.trim(),
                        &e.currency.code(),
                        &e.invoices_paused,
                        &e.portal,
                        &super::super::super::now_utc(),
                        &address,
                    ],
                )?
                .try_get(0)?;
            let a = Audit {
                customer_id: Some(id),
                entity: "customer",
                entity_id: Some(id),
                action: "create",
                summary: format!("created customer {}", e.name.trim()),
                before: None,
                after: Some(after_json(e, &address)),
            };
            audit(tx, &a, &who)?;
            Ok(id)
        })
    }

    /// Saves the customer's fields at the version the user saw; the
    /// currency may change only while nothing has been billed or paid in it.
    pub fn update_customer(&mut self, id: i64, version: i64, e: &CustomerEdit) -> Result<()> {
        let address = checked(e)?;
        let who = self.who().to_string();
        self.write(Some(id), |tx| {
            let r = tx.query_one(
                "SELECT name, coalesce(legal_name, ''), coalesce(billing_email, ''), currency, invoices_paused, portal,
                        billing_address
                 FROM customers WHERE id = $1",
                &[&id],
            )?;
            let before = json!({"name": r.try_get::<_, String>(0)?, "legal_name": r.try_get::<_, String>(1)?,
                "billing_email": r.try_get::<_, String>(2)?, "billing_address": r.try_get::<_, String>(6)?,
                "currency": r.try_get::<_, String>(3)?,
                "invoices_paused": r.try_get::<_, bool>(4)?, "portal": r.try_get::<_, bool>(5)?});
            if before["currency"] != e.currency.code() {
                known_currency(e.currency)?;
                let used: i64 = tx
                    .query_one(
                        "SELECT (SELECT count(*) FROM invoices
                                  WHERE customer_id = $1 AND status IN ('open', 'paid', 'uncollectible'))
                              + (SELECT count(*) FROM payments WHERE customer_id = $1)
                              + (SELECT count(*) FROM credits WHERE customer_id = $1)
                              + (SELECT count(*) FROM promises WHERE customer_id = $1)",
                        &[&id],
                    )?
                    .try_get(0)?;
                if used > 0 {
                    return Err(StoreError::Invalid(CURRENCY_USED.into()));
                }
                tx.execute("UPDATE invoices SET currency = $2 WHERE customer_id = $1", &[&id, &e.currency.code()])?;
                tx.execute("UPDATE contracts SET currency = $2 WHERE customer_id = $1", &[&id, &e.currency.code()])?;
            }
            versioned(
                tx,
                "UPDATE customers SET name = $3, legal_name = $4, billing_email = $5,
                        currency = $6, invoices_paused = $7, portal = $8, billing_address = $9, version = version + 1
                 WHERE id = $1 AND version = $2",
                &[
                    &id,
                    &version,
                    &e.name.trim(),
                    &e.legal_name.trim(),
                    &e.billing_email.trim(),
                    &e.currency.code(),
                    &e.invoices_paused,
                    &e.portal,
                    &address,
                ],
                "customers",
                id,
                "this customer",
            )?;
            let after = after_json(e, &address);
            let a = Audit {
                customer_id: Some(id),
                entity: "customer",
                entity_id: Some(id),
                action: "update",
                summary: super::super::super::audit::edit_summary("customer", &before, &after),
                before: Some(before),
                after: Some(after),
            };
            audit(tx, &a, &who)
        })
    }
}

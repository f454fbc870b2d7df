//! Creating and editing a customer.

use super::{invalid, versioned};
use crate::domain::address::parse_address;
use crate::domain::edit::{CustomerEdit, check_email, check_required};
use crate::store::{Audit, Result, Store};
use serde_json::json;

impl Store {
    /// Creates a customer typed in by a person (not imported) and returns
    /// its id.
    pub fn create_customer(&mut self, e: &CustomerEdit) -> Result<i64> {
        let address = checked(e)?;
        known_currency(e.currency)?;
        let who = self.who().to_string();
        self.write(|tx| {
            tx.execute(
                "INSERT INTO customers(name, legal_name, billing_email, currency, invoices_paused, portal, created_at,
                                       billing_address)
                 VALUES (?1, nullif(?2, ''), nullif(?3, ''), ?4, ?5, ?6, ?7, ?8)",
                rusqlite::params![
                    e.name.trim(),
                    e.legal_name.trim(),
                    e.billing_email.trim(),
                    e.currency.code(),
                    e.invoices_paused,
                    e.portal,
                    crate::store::now_utc(),
                    address
                ],
            )?;
            let id = tx.last_insert_rowid();
            let after = after_json(e, &address);
            Audit {
                customer_id: Some(id),
                entity: "customer",
                entity_id: Some(id),
                action: "create",
                summary: format!("created customer {}", e.name.trim()),
                before: None,
                after: Some(after),
            }
            .write(tx, &who)?;
            Ok(id)
        })
    }

    /// Saves the customer's fields; the currency may change only while
    /// nothing has been billed or paid in it.
    pub fn update_customer(&mut self, id: i64, version: i64, e: &CustomerEdit) -> Result<()> {
        let address = checked(e)?;
        let who = self.who().to_string();
        self.write(|tx| {
            let before = tx.query_row(
                "SELECT name, coalesce(legal_name, ''), coalesce(billing_email, ''), currency, invoices_paused, portal,
                        billing_address
                 FROM customers WHERE id = ?1",
                [id],
                |r| {
                    Ok(json!({"name": r.get::<_, String>(0)?, "legal_name": r.get::<_, String>(1)?,
                        "billing_email": r.get::<_, String>(2)?, "billing_address": r.get::<_, String>(6)?,
                        "currency": r.get::<_, String>(3)?,
                        "invoices_paused": r.get::<_, bool>(4)?, "portal": r.get::<_, bool>(5)?}))
                },
            );
            let before = match before {
                Ok(b) => b,
                Err(rusqlite::Error::QueryReturnedNoRows) => {
                    return Err(crate::store::StoreError::NotFound(format!("customer {id}")));
                }
                Err(e) => return Err(e.into()),
            };
            if before["currency"] != e.currency.code() {
                known_currency(e.currency)?;
                let used: i64 = tx.query_row(
                    "SELECT (SELECT count(*) FROM invoices WHERE customer_id = ?1 AND status IN ('open', 'paid', 'uncollectible'))
                          + (SELECT count(*) FROM payments WHERE customer_id = ?1)
                          + (SELECT count(*) FROM credits WHERE customer_id = ?1)
                          + (SELECT count(*) FROM promises WHERE customer_id = ?1)",
                    [id],
                    |r| r.get(0),
                )?;
                if used > 0 {
                    return Err(invalid(CURRENCY_USED));
                }
                tx.execute("UPDATE invoices SET currency = ?2 WHERE customer_id = ?1", (id, e.currency.code()))?;
                tx.execute("UPDATE contracts SET currency = ?2 WHERE customer_id = ?1", (id, e.currency.code()))?;
            }
            versioned(
                tx,
                "UPDATE customers SET name = ?3, legal_name = ?4, billing_email = ?5, currency = ?6,
                        invoices_paused = ?7, portal = ?8, billing_address = ?9, version = version + 1
                 WHERE id = ?1 AND version = ?2",
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
            let summary = crate::store::audit::edit_summary("customer", &before, &after);
            Audit {
                customer_id: Some(id),
                entity: "customer",
                entity_id: Some(id),
                action: "update",
                summary,
                before: Some(before),
                after: Some(after),
            }
            .write(tx, &who)?;
            Ok(())
        })
    }
}

/// The edit's fields checked, for either backend: the address as stored.
pub(crate) fn checked(e: &CustomerEdit) -> Result<String> {
    check_required("Name", &e.name).map_err(invalid)?;
    check_email(&e.billing_email).map_err(invalid)?;
    parse_address(&e.billing_address).map_err(invalid)
}

/// The customer's fields as the audit log records them after a save.
pub(crate) fn after_json(e: &CustomerEdit, address: &str) -> serde_json::Value {
    json!({"name": e.name.trim(), "legal_name": e.legal_name.trim(),
        "billing_email": e.billing_email.trim(), "billing_address": address, "currency": e.currency.code(),
        "invoices_paused": e.invoices_paused, "portal": e.portal})
}

/// What makes a currency unchangeable: invoices issued, payments,
/// credits or promises in it.
pub(crate) const CURRENCY_USED: &str =
    "the currency cannot change: the customer has issued invoices, payments or promises to pay";

/// Refuses a currency ISO 4217 does not know (any three letters used to
/// pass, and the cards then read "UDS 0.00"). Only where a currency is set:
/// a code an older ardesk stored is kept and reported by `check`.
pub(crate) fn known_currency(c: crate::domain::Currency) -> Result<()> {
    if c.is_known() {
        Ok(())
    } else {
        Err(invalid(crate::domain::money::MoneyError::UnknownCurrency(c.code().to_string()).to_string()))
    }
}

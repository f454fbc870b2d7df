//! Contacts on PostgreSQL (`store/writes/contacts.rs`): created, edited,
//! deleted and made primary with the same checks, words and audit
//! entries.

use super::super::super::writes::contacts::{
    ContactParts, check, created, deleted, edited, gone, made_primary, not_the_customers, primary_stays, what,
};
use super::super::super::{Result, now_utc};
use super::super::store::PgStore;
use super::invoices::customer_currency;
use super::{audit, hold, versioned};
use crate::domain::edit::ContactDraft;
use crate::store::pg::prepared::Tx;

/// The contact as it is, its customer's row held first (a contact stays
/// with its customer: the trigger `contacts_stay_with_customer`).
fn load(tx: &mut Tx<'_>, id: i64) -> Result<ContactParts> {
    let Some(r) = tx.query_opt("SELECT customer_id FROM contacts WHERE id = $1", &[&id])? else {
        return Err(gone(id));
    };
    hold(tx, r.try_get(0)?)?;
    read(tx, id)
}

/// The contact as it is, with no lock.
fn read(tx: &mut Tx<'_>, id: i64) -> Result<ContactParts> {
    let Some(r) = tx.query_opt("SELECT customer_id, name, email, phone, role FROM contacts WHERE id = $1", &[&id])?
    else {
        return Err(gone(id));
    };
    Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?, r.try_get(4)?))
}

impl PgStore {
    pub fn create_contact(&mut self, customer_id: i64, d: &ContactDraft) -> Result<i64> {
        check(d)?;
        let who = self.who().to_string();
        self.write(Some(customer_id), |tx| {
            customer_currency(tx, customer_id)?;
            let id: i64 = tx
                .query_one(
                    "INSERT INTO contacts(customer_id, name, email, phone, role, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                    &[&customer_id, &d.name.trim(), &d.email.trim(), &d.phone.trim(), &d.role.trim(), &now_utc()],
                )?
                .try_get(0)?;
            audit(tx, &created(customer_id, id, d), &who)?;
            Ok(id)
        })
    }

    pub fn update_contact(&mut self, id: i64, version: i64, d: &ContactDraft) -> Result<()> {
        check(d)?;
        let who = self.who().to_string();
        self.write(None, |tx| {
            let old = load(tx, id)?;
            versioned(
                tx,
                "UPDATE contacts SET name = $3, email = $4, phone = $5, role = $6, version = version + 1
                 WHERE id = $1 AND version = $2",
                &[&id, &version, &d.name.trim(), &d.email.trim(), &d.phone.trim(), &d.role.trim()],
                "contacts",
                id,
                &what(&old),
            )?;
            audit(tx, &edited(id, &old, d), &who)
        })
    }

    pub fn delete_contact(&mut self, id: i64, version: i64) -> Result<()> {
        let who = self.who().to_string();
        self.write(None, |tx| {
            let old = load(tx, id)?;
            let primary_with_others: bool = tx
                .query_one(
                    "SELECT (SELECT primary_contact_id FROM customers WHERE id = $1) = $2
                        AND EXISTS (SELECT 1 FROM contacts WHERE customer_id = $1 AND id <> $2)",
                    &[&old.0, &id],
                )?
                .try_get(0)?;
            if primary_with_others {
                return Err(primary_stays(&old));
            }
            versioned(
                tx,
                "DELETE FROM contacts WHERE id = $1 AND version = $2",
                &[&id, &version],
                "contacts",
                id,
                &what(&old),
            )?;
            audit(tx, &deleted(id, &old), &who)
        })
    }

    /// Moves the primary label to this contact (exactly one primary: it is
    /// one column on the customer).
    pub fn make_primary(&mut self, customer_id: i64, contact_id: i64) -> Result<()> {
        let who = self.who().to_string();
        self.write(None, |tx| {
            // Held if it is there; if not, the contact is not its.
            hold(tx, customer_id)?;
            let (owner, name, ..) = read(tx, contact_id)?;
            if owner != customer_id {
                return Err(not_the_customers());
            }
            let before: Option<String> = match tx.query_opt(
                "SELECT c.name FROM customers cu JOIN contacts c ON c.id = cu.primary_contact_id WHERE cu.id = $1",
                &[&customer_id],
            )? {
                Some(r) => r.try_get(0)?,
                None => None,
            };
            tx.execute("UPDATE customers SET primary_contact_id = $2 WHERE id = $1", &[&customer_id, &contact_id])?;
            audit(tx, &made_primary(customer_id, contact_id, before, &name), &who)
        })
    }
}

//! Contacts: create, edit, delete, make primary. The checks, the words
//! and the audit entries are shared with PostgreSQL's
//! (`store/pg/writes/contacts.rs`).

use super::{invalid, versioned};
use crate::domain::edit::{ContactDraft, check_email, check_phone, check_required};
use crate::store::{Audit, Result, Store, StoreError, now_utc};
use rusqlite::OptionalExtension;
use serde_json::json;

/// A contact's fields checked, for either backend.
pub(crate) fn check(d: &ContactDraft) -> Result<()> {
    check_required("Name", &d.name).map_err(invalid)?;
    check_email(&d.email).map_err(invalid)?;
    check_phone(&d.phone).map_err(invalid)?;
    Ok(())
}

fn draft_json(d: &ContactDraft) -> serde_json::Value {
    json!({"name": d.name.trim(), "email": d.email.trim(), "phone": d.phone.trim(), "role": d.role.trim()})
}

/// (customer id, name, email, phone, role) of a contact.
pub(crate) type ContactParts = (i64, String, String, String, String);

fn parts_json(c: &ContactParts) -> serde_json::Value {
    json!({"name": c.1, "email": c.2, "phone": c.3, "role": c.4})
}

/// A contact that is not there (any more).
pub(crate) fn gone(id: i64) -> StoreError {
    StoreError::NotFound(format!("contact {id} (it was deleted elsewhere)"))
}

/// What a stale save or delete of the contact names.
pub(crate) fn what(c: &ContactParts) -> String {
    format!("contact {}", c.1)
}

/// Why the primary contact stays while the customer has others.
pub(crate) fn primary_stays(c: &ContactParts) -> StoreError {
    invalid(format!("{} is the primary contact: make another contact primary first", c.1))
}

/// Why a contact of another customer cannot become this one's primary.
pub(crate) fn not_the_customers() -> StoreError {
    invalid("the contact belongs to another customer")
}

/// The audit entry of a new contact.
pub(crate) fn created(customer_id: i64, id: i64, d: &ContactDraft) -> Audit<'static> {
    Audit {
        customer_id: Some(customer_id),
        entity: "contact",
        entity_id: Some(id),
        action: "create",
        summary: format!("added contact {}", d.name.trim()),
        before: None,
        after: Some(draft_json(d)),
    }
}

/// The audit entry of a contact's edit (`old` as it was).
pub(crate) fn edited(id: i64, old: &ContactParts, d: &ContactDraft) -> Audit<'static> {
    Audit {
        customer_id: Some(old.0),
        entity: "contact",
        entity_id: Some(id),
        action: "update",
        summary: format!("edited contact {}", d.name.trim()),
        before: Some(parts_json(old)),
        after: Some(draft_json(d)),
    }
}

/// The audit entry of a deleted contact.
pub(crate) fn deleted(id: i64, old: &ContactParts) -> Audit<'static> {
    Audit {
        customer_id: Some(old.0),
        entity: "contact",
        entity_id: Some(id),
        action: "delete",
        summary: format!("deleted contact {}", old.1),
        before: Some(parts_json(old)),
        after: None,
    }
}

/// The audit entry of a new primary contact (`before`: the one it was).
pub(crate) fn made_primary(customer_id: i64, contact_id: i64, before: Option<String>, name: &str) -> Audit<'static> {
    Audit {
        customer_id: Some(customer_id),
        entity: "contact",
        entity_id: Some(contact_id),
        action: "make_primary",
        summary: format!("made {name} the primary contact"),
        before: Some(json!({"primary": before})),
        after: Some(json!({"primary": name})),
    }
}

fn load(tx: &rusqlite::Connection, id: i64) -> Result<ContactParts> {
    tx.query_row("SELECT customer_id, name, email, phone, role FROM contacts WHERE id = ?1", [id], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
    })
    .optional()?
    .ok_or_else(|| gone(id))
}

impl Store {
    pub fn create_contact(&mut self, customer_id: i64, d: &ContactDraft) -> Result<i64> {
        check(d)?;
        let who = self.who().to_string();
        self.write(|tx| {
            super::customer_currency(tx, customer_id)?;
            tx.execute(
                "INSERT INTO contacts(customer_id, name, email, phone, role, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                (customer_id, d.name.trim(), d.email.trim(), d.phone.trim(), d.role.trim(), now_utc()),
            )?;
            let id = tx.last_insert_rowid();
            created(customer_id, id, d).write(tx, &who)?;
            Ok(id)
        })
    }

    pub fn update_contact(&mut self, id: i64, version: i64, d: &ContactDraft) -> Result<()> {
        check(d)?;
        let who = self.who().to_string();
        self.write(|tx| {
            let old = load(tx, id)?;
            versioned(
                tx,
                "UPDATE contacts SET name = ?3, email = ?4, phone = ?5, role = ?6, version = version + 1
                 WHERE id = ?1 AND version = ?2",
                &[&id, &version, &d.name.trim(), &d.email.trim(), &d.phone.trim(), &d.role.trim()],
                "contacts",
                id,
                &what(&old),
            )?;
            edited(id, &old, d).write(tx, &who)?;
            Ok(())
        })
    }

    pub fn delete_contact(&mut self, id: i64, version: i64) -> Result<()> {
        let who = self.who().to_string();
        self.write(|tx| {
            let old = load(tx, id)?;
            let primary_with_others: bool = tx.query_row(
                "SELECT (SELECT primary_contact_id FROM customers WHERE id = ?1) = ?2
                    AND EXISTS (SELECT 1 FROM contacts WHERE customer_id = ?1 AND id <> ?2)",
                (old.0, id),
                |r| r.get(0),
            )?;
            if primary_with_others {
                return Err(primary_stays(&old));
            }
            versioned(
                tx,
                "DELETE FROM contacts WHERE id = ?1 AND version = ?2",
                &[&id, &version],
                "contacts",
                id,
                &what(&old),
            )?;
            deleted(id, &old).write(tx, &who)?;
            Ok(())
        })
    }

    /// Moves the primary label to this contact (exactly one primary: it is
    /// one column on the customer).
    pub fn make_primary(&mut self, customer_id: i64, contact_id: i64) -> Result<()> {
        let who = self.who().to_string();
        self.write(|tx| {
            let (owner, name, ..) = load(tx, contact_id)?;
            if owner != customer_id {
                return Err(not_the_customers());
            }
            let before: Option<String> = tx
                .query_row(
                    "SELECT c.name FROM customers cu JOIN contacts c ON c.id = cu.primary_contact_id WHERE cu.id = ?1",
                    [customer_id],
                    |r| r.get(0),
                )
                .optional()?;
            tx.execute("UPDATE customers SET primary_contact_id = ?2 WHERE id = ?1", (customer_id, contact_id))?;
            made_primary(customer_id, contact_id, before, &name).write(tx, &who)?;
            Ok(())
        })
    }
}

//! Contacts: create, edit, delete, make primary.

use super::{invalid, versioned};
use crate::domain::edit::{ContactDraft, check_email, check_phone, check_required};
use crate::store::{Audit, Result, Store, StoreError, now_utc};
use rusqlite::OptionalExtension;
use serde_json::json;

fn check(d: &ContactDraft) -> Result<()> {
    check_required("Name", &d.name).map_err(invalid)?;
    check_email(&d.email).map_err(invalid)?;
    check_phone(&d.phone).map_err(invalid)?;
    Ok(())
}

fn draft_json(d: &ContactDraft) -> serde_json::Value {
    json!({"name": d.name.trim(), "email": d.email.trim(), "phone": d.phone.trim(), "role": d.role.trim()})
}

/// (customer id, name, email, phone, role) of a contact.
type ContactParts = (i64, String, String, String, String);

fn load(tx: &rusqlite::Connection, id: i64) -> Result<ContactParts> {
    tx.query_row("SELECT customer_id, name, email, phone, role FROM contacts WHERE id = ?1", [id], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
    })
    .optional()?
    .ok_or_else(|| StoreError::NotFound(format!("contact {id} (it was deleted elsewhere)")))
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
            Audit {
                customer_id: Some(customer_id),
                entity: "contact",
                entity_id: Some(id),
                action: "create",
                summary: format!("added contact {}", d.name.trim()),
                before: None,
                after: Some(draft_json(d)),
            }
            .write(tx, &who)?;
            Ok(id)
        })
    }

    pub fn update_contact(&mut self, id: i64, version: i64, d: &ContactDraft) -> Result<()> {
        check(d)?;
        let who = self.who().to_string();
        self.write(|tx| {
            let (customer_id, name, email, phone, role) = load(tx, id)?;
            versioned(
                tx,
                "UPDATE contacts SET name = ?3, email = ?4, phone = ?5, role = ?6, version = version + 1
                 WHERE id = ?1 AND version = ?2",
                &[&id, &version, &d.name.trim(), &d.email.trim(), &d.phone.trim(), &d.role.trim()],
                "contacts",
                id,
                &format!("contact {name}"),
            )?;
            Audit {
                customer_id: Some(customer_id),
                entity: "contact",
                entity_id: Some(id),
                action: "update",
                summary: format!("edited contact {}", d.name.trim()),
                before: Some(json!({"name": name, "email": email, "phone": phone, "role": role})),
                after: Some(draft_json(d)),
            }
            .write(tx, &who)?;
            Ok(())
        })
    }

    pub fn delete_contact(&mut self, id: i64, version: i64) -> Result<()> {
        let who = self.who().to_string();
        self.write(|tx| {
            let (customer_id, name, email, phone, role) = load(tx, id)?;
            let primary_with_others: bool = tx.query_row(
                "SELECT (SELECT primary_contact_id FROM customers WHERE id = ?1) = ?2
                    AND EXISTS (SELECT 1 FROM contacts WHERE customer_id = ?1 AND id <> ?2)",
                (customer_id, id),
                |r| r.get(0),
            )?;
            if primary_with_others {
                return Err(invalid(format!("{name} is the primary contact: make another contact primary first")));
            }
            versioned(
                tx,
                "DELETE FROM contacts WHERE id = ?1 AND version = ?2",
                &[&id, &version],
                "contacts",
                id,
                &format!("contact {name}"),
            )?;
            Audit {
                customer_id: Some(customer_id),
                entity: "contact",
                entity_id: Some(id),
                action: "delete",
                summary: format!("deleted contact {name}"),
                before: Some(json!({"name": name, "email": email, "phone": phone, "role": role})),
                after: None,
            }
            .write(tx, &who)?;
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
                return Err(invalid("the contact belongs to another customer"));
            }
            let before: Option<String> = tx
                .query_row(
                    "SELECT c.name FROM customers cu JOIN contacts c ON c.id = cu.primary_contact_id WHERE cu.id = ?1",
                    [customer_id],
                    |r| r.get(0),
                )
                .optional()?;
            tx.execute("UPDATE customers SET primary_contact_id = ?2 WHERE id = ?1", (customer_id, contact_id))?;
            Audit {
                customer_id: Some(customer_id),
                entity: "contact",
                entity_id: Some(contact_id),
                action: "make_primary",
                summary: format!("made {name} the primary contact"),
                before: Some(json!({"primary": before})),
                after: Some(json!({"primary": name})),
            }
            .write(tx, &who)?;
            Ok(())
        })
    }
}

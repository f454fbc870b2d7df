//! Contacts: keyed on (source, external id), merged field by field, each
//! filed under its customer (found, or made from what the row says about
//! it); the one a source marks primary becomes the customer's primary.

use super::Cx;
use super::customers::Customers;
use super::raw::{baseline, last, put, raw_text};
use crate::domain::status::ImportSource;
use crate::import::ImportError;
use crate::import::parse::record::ImportedContact;
use crate::import::report::{Counted, Outcome};
use crate::store::import::ImportOps;
use serde_json::Map;

pub(super) fn apply_contact<X: ImportOps>(
    cx: &mut Cx<'_, X>,
    people: &mut Customers,
    src: ImportSource,
    c: &ImportedContact,
) -> Result<(), ImportError> {
    let (what, line, ext) = (Counted::Contacts, c.line, c.external_id.as_str());
    let Some(cust) = people.resolve(cx, src, &c.customer, people.default_currency(), "contact")? else {
        let reason = format!("unknown customer {}: import its customer or company first", c.customer.external_id);
        cx.book.skip(line, what, reason);
        return Ok(());
    };
    let mut imported = Map::new();
    for (k, v) in [("name", &c.name), ("email", &c.email), ("phone", &c.phone), ("role", &c.role)] {
        put(&mut imported, k, v.as_str());
    }
    let raw = raw_text(&imported, &c.raw);
    let id = match cx.itx.find_contact(src, ext)? {
        None => {
            let id =
                cx.itx.insert_contact(Some((src, ext)), cust.id, &c.name, &c.email, &c.phone, &c.role, Some(&raw))?;
            cx.book.count(cust.id, what, Outcome::Created, src.label());
            id
        }
        Some(db) if db.source_raw.as_deref() == Some(raw.as_str()) => {
            cx.book.count(db.customer_id, what, Outcome::Unchanged, src.label());
            db.id
        }
        Some(db) => {
            let base = baseline(db.source_raw.as_deref());
            let cid = db.customer_id;
            let name = cx.book.merge(cid, line, what, ext, "name", &db.name, last(&base, "name"), &c.name);
            let email = cx.book.merge(cid, line, what, ext, "email", &db.email, last(&base, "email"), &c.email);
            let phone = cx.book.merge(cid, line, what, ext, "phone", &db.phone, last(&base, "phone"), &c.phone);
            let role = cx.book.merge(cid, line, what, ext, "role", &db.role, last(&base, "role"), &c.role);
            let changed = name != db.name || email != db.email || phone != db.phone || role != db.role;
            if changed {
                cx.itx.update_contact(db.id, &name, &email, &phone, &role, &raw)?;
            } else {
                cx.itx.set_contact_raw(db.id, &raw)?;
            }
            cx.book.count(cid, what, if changed { Outcome::Updated } else { Outcome::Unchanged }, src.label());
            db.id
        }
    };
    if c.primary && cx.itx.primary_contact(cust.id)? != Some(id) {
        cx.itx.make_primary(cust.id, id)?;
    }
    Ok(())
}

//! The Contacts tab's SQL.

use crate::domain::columns::Col;
use crate::domain::model::ContactRow;
use crate::store::window::TabRow;
use rusqlite::Row;

impl TabRow for ContactRow {
    const SELECT: &'static str = "ct.id, ct.name, ct.email, ct.phone, ct.role, \
         (cu.primary_contact_id IS ct.id), ct.version";
    const FROM: &'static str = "contacts ct JOIN customers cu ON cu.id = ct.customer_id";
    const WHERE: &'static str = "ct.customer_id = ?1";
    const ID: &'static str = "ct.id";
    const SORT: &'static [(Col, &'static str)] = &[
        (Col::CtName, "lower(ct.name)"),
        (Col::CtEmail, "lower(ct.email)"),
        (Col::CtPhone, "ct.phone"),
        (Col::CtRole, "lower(ct.role)"),
        (Col::CtPrimary, "(cu.primary_contact_id IS ct.id)"),
    ];
    const TEXT_COLS: &'static [&'static str] = &["ct.name", "ct.email", "ct.phone", "ct.role"];

    fn map(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(ContactRow {
            id: r.get(0)?,
            name: r.get(1)?,
            email: r.get(2)?,
            phone: r.get(3)?,
            role: r.get(4)?,
            primary: r.get(5)?,
            version: r.get(6)?,
        })
    }
}

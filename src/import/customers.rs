//! Customers (and the credit a source holds for them) and contacts: keyed
//! on (source, external id), merged field by field with `Run::merge`.

use super::ImportError;
use super::apply::{Cust, Outcome, Run, baseline, last, put, raw_text};
use super::name_keys::Found;
use super::record::{ImportedContact, ImportedCustomer};
use super::report::Counted;
use crate::domain::Currency;
use crate::domain::status::ImportSource;
use crate::store::import::CustomerWrite;
use serde_json::{Map, Value};

impl Run<'_, '_> {
    pub fn apply_customer(&mut self, src: ImportSource, c: &ImportedCustomer) -> Result<(), ImportError> {
        let (ext, line, what) = (c.external_id.as_str(), c.line, Counted::Customers);
        let mut imported = Map::new();
        put(&mut imported, "name", c.name.as_str());
        put(&mut imported, "legal_name", c.legal_name.clone().unwrap_or_default());
        put(&mut imported, "billing_email", c.email.clone().unwrap_or_default());
        put(&mut imported, "currency", c.currency.map_or(Value::Null, |x| x.code().into()));
        put(&mut imported, "credit", c.credit_minor.to_string());
        let raw = raw_text(&imported, &c.raw);
        let (legal, email) = (c.legal_name.as_deref().unwrap_or(""), c.email.as_deref().unwrap_or(""));
        let (id, currency) = match self.find_customer_row(src, ext, &c.name)? {
            Found::ById(db) => {
                // A report row of a customer imported with its id: the
                // customer stays as that import left it.
                let base = baseline(db.source_raw.as_deref());
                let defaulted = matches!(base.get("currency"), Some(Value::Null) | None);
                self.cache_customer(src, ext, Cust { id: db.id, currency: db.currency, defaulted, has_money: None });
                self.count(db.id, what, Outcome::Unchanged, src.label());
                return Ok(());
            }
            Found::None => {
                let currency = c.currency.unwrap_or(self.default_currency);
                let w = CustomerWrite {
                    name: &c.name,
                    legal_name: legal,
                    billing_email: email,
                    currency,
                    external_url: c.external_url.as_deref(),
                    source_raw: &raw,
                };
                let id = self.itx.insert_customer(Some((src, ext)), &w)?;
                self.keys.inserted(src, &c.name, ext);
                self.cache_customer(
                    src,
                    ext,
                    Cust { id, currency, defaulted: c.currency.is_none(), has_money: Some(false) },
                );
                self.count(id, what, Outcome::Created, src.label());
                (id, currency)
            }
            Found::Keyed(db, rekeyed) => {
                let base = baseline(db.source_raw.as_deref());
                let never_said = matches!(base.get("currency"), Some(Value::Null) | None);
                let defaulted = c.currency.is_none() && never_said;
                self.cache_customer(src, ext, Cust { id: db.id, currency: db.currency, defaulted, has_money: None });
                if !rekeyed && db.source_raw.as_deref() == Some(raw.as_str()) {
                    self.count(db.id, what, Outcome::Unchanged, src.label());
                    return self.apply_balance_credit(src, c, db.id, db.currency);
                }
                let id = db.id;
                let name = self.merge(id, line, what, ext, "name", &db.name, last(&base, "name"), &c.name);
                let legal =
                    self.merge(id, line, what, ext, "legal_name", &db.legal_name, last(&base, "legal_name"), legal);
                let email = self.merge(
                    id,
                    line,
                    what,
                    ext,
                    "billing_email",
                    &db.billing_email,
                    last(&base, "billing_email"),
                    email,
                );
                let mut currency = db.currency;
                if let Some(cur) = c.currency {
                    // A currency the source never gave was the default, not
                    // a choice: the first one the source gives replaces it.
                    let last_currency = if never_said { Some(db.currency.code()) } else { last(&base, "currency") };
                    let want =
                        self.merge(id, line, what, ext, "currency", db.currency.code(), last_currency, cur.code());
                    if want != db.currency.code() {
                        if self.itx.customer_has_money(id)? {
                            self.conflict(
                                id,
                                line,
                                what,
                                ext,
                                "currency (it has invoices or payments)",
                                db.currency.code(),
                                cur.code(),
                            );
                        } else {
                            currency = cur;
                        }
                    }
                }
                let url = c.external_url.clone().or(db.external_url.clone());
                let changed = rekeyed
                    || name != db.name
                    || legal != db.legal_name
                    || email != db.billing_email
                    || currency != db.currency;
                if changed || url != db.external_url {
                    let w = CustomerWrite {
                        name: &name,
                        legal_name: &legal,
                        billing_email: &email,
                        currency,
                        external_url: url.as_deref(),
                        source_raw: &raw,
                    };
                    self.itx.update_customer(id, &w)?;
                } else {
                    self.itx.set_customer_raw(id, &raw)?;
                }
                let outcome = if changed { Outcome::Updated } else { Outcome::Unchanged };
                self.count(id, what, outcome, src.label());
                if currency != db.currency {
                    self.cache_customer(src, ext, Cust { id, currency, defaulted, has_money: Some(false) });
                }
                (id, currency)
            }
        };
        self.apply_balance_credit(src, c, id, currency)
    }

    /// A credit the source holds for the customer becomes (or updates) one
    /// `credits` row keyed "<customer id>#balance".
    fn apply_balance_credit(
        &mut self,
        src: ImportSource,
        c: &ImportedCustomer,
        customer_id: i64,
        currency: Currency,
    ) -> Result<(), ImportError> {
        let key = format!("{}#balance", c.external_id);
        let what = Counted::Credits;
        let label = src.label();
        match (self.itx.find_credit(src, &key)?, c.credit_minor > 0) {
            (None, false) => {}
            (None, true) => {
                let cur = c.currency.unwrap_or(currency);
                let reason = format!("credit balance in {label}");
                self.itx.insert_credit(Some((src, &key)), customer_id, self.today, c.credit_minor, cur, &reason)?;
                self.count(customer_id, what, Outcome::Created, label);
            }
            (Some(cr), true) if cr.amount_minor == c.credit_minor => {
                self.count(customer_id, what, Outcome::Unchanged, label)
            }
            (Some(cr), want) => {
                let amount = if want { c.credit_minor } else { 0 };
                if amount < cr.applied_minor {
                    let (local, incoming) = (cr.amount_minor.to_string(), amount.to_string());
                    self.conflict(customer_id, c.line, what, &key, "amount (applied in ardesk)", &local, &incoming);
                } else if amount == 0 {
                    self.itx.delete_credit(cr.id)?;
                    self.report
                        .notes
                        .push(format!("{}: the credit balance is gone; its credit was removed", c.external_id));
                    self.count(customer_id, what, Outcome::Updated, label);
                } else {
                    self.itx.update_credit_amount(cr.id, amount)?;
                    self.count(customer_id, what, Outcome::Updated, label);
                }
            }
        }
        Ok(())
    }

    pub fn apply_contact(&mut self, src: ImportSource, c: &ImportedContact) -> Result<(), ImportError> {
        let (what, line, ext) = (Counted::Contacts, c.line, c.external_id.as_str());
        let Some(cust) = self.resolve_customer(src, &c.customer, self.default_currency, "contact")? else {
            let reason = format!("unknown customer {}: import its customer or company first", c.customer.external_id);
            self.skip(line, what, reason);
            return Ok(());
        };
        let mut imported = Map::new();
        for (k, v) in [("name", &c.name), ("email", &c.email), ("phone", &c.phone), ("role", &c.role)] {
            put(&mut imported, k, v.as_str());
        }
        let raw = raw_text(&imported, &c.raw);
        let id = match self.itx.find_contact(src, ext)? {
            None => {
                let id = self.itx.insert_contact(
                    Some((src, ext)),
                    cust.id,
                    &c.name,
                    &c.email,
                    &c.phone,
                    &c.role,
                    Some(&raw),
                )?;
                self.count(cust.id, what, Outcome::Created, src.label());
                id
            }
            Some(db) if db.source_raw.as_deref() == Some(raw.as_str()) => {
                self.count(db.customer_id, what, Outcome::Unchanged, src.label());
                db.id
            }
            Some(db) => {
                let base = baseline(db.source_raw.as_deref());
                let cid = db.customer_id;
                let name = self.merge(cid, line, what, ext, "name", &db.name, last(&base, "name"), &c.name);
                let email = self.merge(cid, line, what, ext, "email", &db.email, last(&base, "email"), &c.email);
                let phone = self.merge(cid, line, what, ext, "phone", &db.phone, last(&base, "phone"), &c.phone);
                let role = self.merge(cid, line, what, ext, "role", &db.role, last(&base, "role"), &c.role);
                let changed = name != db.name || email != db.email || phone != db.phone || role != db.role;
                if changed {
                    self.itx.update_contact(db.id, &name, &email, &phone, &role, &raw)?;
                } else {
                    self.itx.set_contact_raw(db.id, &raw)?;
                }
                self.count(cid, what, if changed { Outcome::Updated } else { Outcome::Unchanged }, src.label());
                db.id
            }
        };
        if c.primary && self.itx.primary_contact(cust.id)? != Some(id) {
            self.itx.make_primary(cust.id, id)?;
        }
        Ok(())
    }
}

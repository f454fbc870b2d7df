//! Customers (and the credit a source holds for them): keyed on (source,
//! external id), merged field by field (`Book::merge`). The run's customers
//! are kept here once found, so that every row of a customer costs one
//! look-up; the other steps ask for them (`resolve`, `adopt_currency`).

use super::Cx;
use super::name_keys::{Found, NameKeys};
use super::raw::{baseline, last, put, raw_text};
use crate::domain::Currency;
use crate::domain::links::stored_link;
use crate::domain::status::ImportSource;
use crate::import::ImportError;
use crate::import::parse::record::{CustomerRef, ImportedCustomer};
use crate::import::report::{Counted, Outcome};
use crate::store::StoreError;
use crate::store::import::ImportOps;
use crate::store::import::{CustomerState, CustomerWrite};
use chrono::NaiveDate;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A customer as the run knows it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Cust {
    pub id: i64,
    pub currency: Currency,
    /// Its currency came from the organization's default, not the source.
    pub defaulted: bool,
    pub has_money: Option<bool>,
}

pub(super) struct Customers {
    known: HashMap<ImportSource, HashMap<String, Cust>>,
    keys: NameKeys,
    /// The organization's, for customers whose source gives none.
    default_currency: Currency,
    /// When a source's credit balance is granted.
    today: NaiveDate,
    /// Customers made from what an invoice, payment or contact row says.
    from_rows: u64,
    /// Stripe customers of this run, with their line: their credit
    /// balance is settled once every credit note and invoice is in
    /// (`settle_balances`).
    balances: BTreeMap<i64, usize>,
}

impl Customers {
    pub fn new(default_currency: Currency, today: NaiveDate) -> Self {
        Customers {
            known: HashMap::new(),
            keys: NameKeys::default(),
            default_currency,
            today,
            from_rows: 0,
            balances: BTreeMap::new(),
        }
    }

    pub fn default_currency(&self) -> Currency {
        self.default_currency
    }

    fn cache(&mut self, src: ImportSource, ext: &str, c: Cust) {
        self.known.entry(src).or_default().insert(ext.to_string(), c);
    }

    /// The report's notes on customers made from rows (before the money
    /// steps' notes) and on name-keyed customers (after them).
    pub fn notes(&self, notes: &mut Vec<String>, between: impl FnOnce(&mut Vec<String>)) {
        if self.from_rows > 0 {
            notes.push(format!(
                "{} customer(s) were created from invoice, payment or contact rows (name or email on the row); \
                 a customers or companies export imported later fills in the rest",
                self.from_rows
            ));
        }
        between(notes);
        self.keys.notes(notes);
    }

    pub fn apply<X: ImportOps>(
        &mut self,
        cx: &mut Cx<'_, X>,
        src: ImportSource,
        c: &ImportedCustomer,
    ) -> Result<(), ImportError> {
        let ext = c.external_id.as_str();
        let raw = customer_raw(c);
        let (id, currency) = match self.keys.find_row(cx.itx, src, ext, &c.name)? {
            Found::ById(db) => {
                // A report row of a customer imported with its id: the
                // customer stays as that import left it.
                let base = baseline(db.source_raw.as_deref());
                let defaulted = matches!(base.get("currency"), Some(Value::Null) | None);
                self.cache(src, ext, Cust { id: db.id, currency: db.currency, defaulted, has_money: None });
                cx.book.count(db.id, Counted::Customers, Outcome::Unchanged, src.label());
                return Ok(());
            }
            Found::None => self.insert(cx, src, c, &raw)?,
            Found::Keyed(db, rekeyed) => self.update(cx, src, c, db, rekeyed, &raw)?,
        };
        if src == ImportSource::Stripe {
            // Stripe's balance holds its credit notes' credit too: settled
            // at the end of the run, against them (`settle_balances`).
            self.balances.insert(id, c.line);
            return Ok(());
        }
        let cur = c.currency.unwrap_or(currency);
        self.balance_credit(cx, src, (&c.external_id, c.line, false), id, c.credit_minor, cur)
    }

    /// The credit balances of this run's Stripe customers and of those
    /// whose Stripe credit notes changed (`dirty`), once every record is
    /// in. A Stripe customer's `balance` is one sum of what it was
    /// credited and what its invoices used: the customer-balance part of
    /// its post-payment credit notes is in it, and so is what its invoices
    /// took (`total − amount_due`). Those credit notes are rows of their
    /// own here, their unapplied credit the customer's credit already, and
    /// what an invoice took is applied from them first (oldest first,
    /// `settle`). So the balance's own credit row ("<customer>#balance") is
    /// what the balance says less what is left of those credit notes, and
    /// never less than zero: the Credit Balance is then the balance itself
    /// (or what is left of the credit notes, if that is more: an invoice
    /// that used it is not in ardesk, or the export is older than one of
    /// them).
    pub fn settle_balances<X: ImportOps>(
        &mut self,
        cx: &mut Cx<'_, X>,
        dirty: BTreeSet<i64>,
    ) -> Result<(), ImportError> {
        let mut ids = std::mem::take(&mut self.balances);
        for id in dirty {
            ids.entry(id).or_insert(0);
        }
        for (id, line) in ids {
            let Some(cs) = cx.itx.customer_source(id)? else { continue };
            let (Some(src), ext, cur) = (cs.source, cs.external_id, cs.currency) else { continue };
            let base = baseline(cs.source_raw.as_deref());
            let Some(said) = last(&base, "credit").and_then(|v| v.parse::<i64>().ok()) else { continue };
            if src != ImportSource::Stripe || ext.is_empty() {
                continue;
            }
            let notes: i64 = cx.itx.credit_notes_left(id, src, cur, None)?.iter().map(|(_, left)| left).sum();
            let covered = said > 0 && notes >= said;
            self.balance_credit(cx, src, (&ext, line, covered), id, (said - notes).max(0), cur)?;
        }
        Ok(())
    }

    /// A customer new to ardesk; its id and currency.
    fn insert<X: ImportOps>(
        &mut self,
        cx: &mut Cx<'_, X>,
        src: ImportSource,
        c: &ImportedCustomer,
        raw: &str,
    ) -> Result<(i64, Currency), ImportError> {
        let ext = c.external_id.as_str();
        let currency = c.currency.unwrap_or(self.default_currency);
        let w = CustomerWrite {
            name: &c.name,
            legal_name: c.legal_name.as_deref().unwrap_or(""),
            billing_email: c.email.as_deref().unwrap_or(""),
            billing_address: c.address.as_ref().map_or("", |a| a.text.as_str()),
            currency,
            external_url: c.external_url.as_deref(),
            source_raw: raw,
        };
        let id = cx.itx.insert_customer(Some((src, ext)), &w)?;
        self.keys.inserted(src, &c.name, ext);
        self.cache(src, ext, Cust { id, currency, defaulted: c.currency.is_none(), has_money: Some(false) });
        cx.book.count(id, Counted::Customers, Outcome::Created, src.label());
        Ok((id, currency))
    }

    /// A customer found under the row's key (`rekeyed`: it took the row's
    /// id just now), merged field by field; its id and currency.
    fn update<X: ImportOps>(
        &mut self,
        cx: &mut Cx<'_, X>,
        src: ImportSource,
        c: &ImportedCustomer,
        db: CustomerState,
        rekeyed: bool,
        raw: &str,
    ) -> Result<(i64, Currency), ImportError> {
        let (ext, line, what, id) = (c.external_id.as_str(), c.line, Counted::Customers, db.id);
        let base = baseline(db.source_raw.as_deref());
        let never_said = matches!(base.get("currency"), Some(Value::Null) | None);
        let defaulted = c.currency.is_none() && never_said;
        self.cache(src, ext, Cust { id, currency: db.currency, defaulted, has_money: None });
        if !rekeyed && db.source_raw.as_deref() == Some(raw) {
            cx.book.count(id, what, Outcome::Unchanged, src.label());
            return Ok((id, db.currency));
        }
        let (legal, email) = (c.legal_name.as_deref().unwrap_or(""), c.email.as_deref().unwrap_or(""));
        let mut m = |f: &str, d: &str, n: &str| cx.book.merge(id, line, what, ext, f, d, last(&base, f), n);
        let (name, legal, email) = (
            m("name", &db.name, &c.name),
            m("legal_name", &db.legal_name, legal),
            m("billing_email", &db.billing_email, email),
        );
        // An address with a street is merged like the other fields; one
        // without (a report's city and state) fills an empty one only.
        let address = match &c.address {
            Some(a) if a.street || db.billing_address.is_empty() => m("billing_address", &db.billing_address, &a.text),
            _ => db.billing_address.clone(),
        };
        let currency = merge_currency(cx, c, &db, &base, never_said)?;
        let url = c.external_url.clone().or(db.external_url.clone());
        let changed = rekeyed
            || name != db.name
            || legal != db.legal_name
            || email != db.billing_email
            || address != db.billing_address
            || currency != db.currency;
        if changed || url != db.external_url {
            let w = CustomerWrite {
                name: &name,
                legal_name: &legal,
                billing_email: &email,
                billing_address: &address,
                currency,
                external_url: url.as_deref(),
                source_raw: raw,
            };
            cx.itx.update_customer(id, &w)?;
        } else {
            cx.itx.set_customer_raw(id, raw)?;
        }
        let outcome = if changed { Outcome::Updated } else { Outcome::Unchanged };
        cx.book.count(id, what, outcome, src.label());
        if currency != db.currency {
            self.cache(src, ext, Cust { id, currency, defaulted, has_money: Some(false) });
        }
        Ok((id, currency))
    }

    /// A credit the source holds for the customer (`credit`) becomes (or
    /// updates) one `credits` row keyed "<customer id>#balance"; `covered`:
    /// the source's balance is there but its credit notes hold all of it.
    fn balance_credit<X: ImportOps>(
        &mut self,
        cx: &mut Cx<'_, X>,
        src: ImportSource,
        (ext, line, covered): (&str, usize, bool),
        customer_id: i64,
        credit: i64,
        cur: Currency,
    ) -> Result<(), ImportError> {
        let key = format!("{ext}#balance");
        let what = Counted::Credits;
        let label = src.label();
        match (cx.itx.find_credit(src, &key)?, credit > 0) {
            (None, false) => {}
            (None, true) => {
                let reason = format!("credit balance in {label}");
                cx.itx.insert_credit(Some((src, &key)), customer_id, self.today, credit, cur, &reason)?;
                cx.book.count(customer_id, what, Outcome::Created, label);
            }
            (Some(cr), true) if cr.amount_minor == credit => {
                cx.book.count(customer_id, what, Outcome::Unchanged, label)
            }
            (Some(cr), want) => {
                let amount = if want { credit } else { 0 };
                if amount < cr.applied_minor {
                    let (local, incoming) = (cr.amount_minor.to_string(), amount.to_string());
                    cx.book.conflict(customer_id, line, what, &key, "amount (applied in ardesk)", &local, &incoming);
                } else if amount == 0 {
                    cx.itx.delete_credit(cr.id)?;
                    cx.book.note(if covered {
                        format!("{ext}: its {label} credit balance is its credit notes' unapplied credit; the balance's own credit was removed")
                    } else {
                        format!("{ext}: the credit balance is gone; its credit was removed")
                    });
                    cx.book.count(customer_id, what, Outcome::Updated, label);
                } else {
                    cx.itx.update_credit_amount(cr.id, amount)?;
                    cx.book.count(customer_id, what, Outcome::Updated, label);
                }
            }
        }
        Ok(())
    }

    /// The customer a row belongs to: known to the run, in the database, or
    /// created from what the row says about it (name or email). `None` when
    /// none of these.
    pub fn resolve<X: ImportOps>(
        &mut self,
        cx: &mut Cx<'_, X>,
        src: ImportSource,
        r: &CustomerRef,
        currency: Currency,
        from: &str,
    ) -> Result<Option<Cust>, ImportError> {
        if let Some(c) = self.known.get(&src).and_then(|m| m.get(r.external_id.as_str())) {
            return Ok(Some(*c));
        }
        if let Some(db) = cx.itx.find_customer(src, &r.external_id)? {
            let base = baseline(db.source_raw.as_deref());
            let defaulted = matches!(base.get("currency"), Some(Value::Null));
            let c = Cust { id: db.id, currency: db.currency, defaulted, has_money: None };
            self.cache(src, &r.external_id, c);
            return Ok(Some(c));
        }
        if let Some(name) = r.name.as_deref()
            && let Some(db) = self.keys.adopt_id(cx.itx, src, name, &r.external_id)?
        {
            let base = baseline(db.source_raw.as_deref());
            let defaulted = matches!(base.get("currency"), Some(Value::Null) | None);
            let c = Cust { id: db.id, currency: db.currency, defaulted, has_money: None };
            self.cache(src, &r.external_id, c);
            let url = stored_link(src, &r.external_id, false);
            if url.is_some() && db.external_url.is_none() {
                cx.itx.set_customer_url(db.id, url.as_deref())?;
            }
            cx.book.count(db.id, Counted::Customers, Outcome::Updated, src.label());
            return Ok(Some(c));
        }
        self.made_from_row(cx, src, r, currency, from)
    }

    /// A customer made from what a row says about it (`from`: "invoice",
    /// "payment", "contact"): its name or email; `None` when it says neither.
    fn made_from_row<X: ImportOps>(
        &mut self,
        cx: &mut Cx<'_, X>,
        src: ImportSource,
        r: &CustomerRef,
        currency: Currency,
        from: &str,
    ) -> Result<Option<Cust>, ImportError> {
        let Some(name) = r.name.clone().or_else(|| r.email.clone()) else { return Ok(None) };
        let mut imported = Map::new();
        put(&mut imported, "name", name.as_str());
        put(&mut imported, "legal_name", "");
        put(&mut imported, "billing_email", r.email.clone().unwrap_or_default());
        put(&mut imported, "currency", Value::Null);
        let raw = raw_text(&imported, &serde_json::json!({"from": from}));
        let url = stored_link(src, &r.external_id, false);
        let id = cx.itx.insert_customer(
            Some((src, &r.external_id)),
            &CustomerWrite {
                name: &name,
                legal_name: "",
                billing_email: r.email.as_deref().unwrap_or(""),
                billing_address: "",
                currency,
                external_url: url.as_deref(),
                source_raw: &raw,
            },
        )?;
        let c = Cust { id, currency, defaulted: true, has_money: Some(false) };
        self.cache(src, &r.external_id, c);
        self.keys.inserted(src, &name, &r.external_id);
        cx.book.count(id, Counted::Customers, Outcome::Created, src.label());
        self.from_rows += 1;
        Ok(Some(c))
    }

    /// A customer whose currency was only the default takes the currency
    /// of its first money row.
    pub fn adopt_currency<X: ImportOps>(
        &mut self,
        cx: &mut Cx<'_, X>,
        src: ImportSource,
        ext: &str,
        currency: Currency,
    ) -> Result<Cust, ImportError> {
        let known = self.known.get(&src).and_then(|m| m.get(ext));
        let mut c = *known.ok_or_else(|| StoreError::NotFound(format!("customer {ext} in this run")))?;
        if c.currency != currency && c.defaulted {
            let has = match c.has_money {
                Some(h) => h,
                None => cx.itx.customer_has_money(c.id)?,
            };
            if !has {
                cx.itx.set_customer_currency(c.id, currency)?;
                c.currency = currency;
            }
        }
        c.has_money = Some(true);
        self.cache(src, ext, c);
        Ok(c)
    }
}

/// A customer's `source_raw` text: the values imported and the row.
fn customer_raw(c: &ImportedCustomer) -> String {
    let mut imported = Map::new();
    put(&mut imported, "name", c.name.as_str());
    put(&mut imported, "legal_name", c.legal_name.clone().unwrap_or_default());
    put(&mut imported, "billing_email", c.email.clone().unwrap_or_default());
    // Only an address that replaces the one here is the baseline of the
    // next merge (`ImportedAddress::street`).
    if let Some(a) = c.address.as_ref().filter(|a| a.street) {
        put(&mut imported, "billing_address", a.text.as_str());
    }
    put(&mut imported, "currency", c.currency.map_or(Value::Null, |x| x.code().into()));
    put(&mut imported, "credit", c.credit_minor.to_string());
    raw_text(&imported, &c.raw)
}

/// The currency a customer keeps after the merge. A currency the source
/// never gave (`never_said`) was the default, not a choice: the first one
/// the source gives replaces it. A customer with money keeps its own.
fn merge_currency<X: ImportOps>(
    cx: &mut Cx<'_, X>,
    c: &ImportedCustomer,
    db: &CustomerState,
    base: &Map<String, Value>,
    never_said: bool,
) -> Result<Currency, ImportError> {
    let Some(cur) = c.currency else { return Ok(db.currency) };
    let (ext, line, what, id) = (c.external_id.as_str(), c.line, Counted::Customers, db.id);
    let last_currency = if never_said { Some(db.currency.code()) } else { last(base, "currency") };
    let want = cx.book.merge(id, line, what, ext, "currency", db.currency.code(), last_currency, cur.code());
    if want == db.currency.code() {
        return Ok(db.currency);
    }
    if cx.itx.customer_has_money(id)? {
        let field = "currency (it has invoices or payments)";
        cx.book.conflict(id, line, what, ext, field, db.currency.code(), cur.code());
        return Ok(db.currency);
    }
    Ok(cur)
}

//! Importing ardesk's own format: the customer recreated, and its rows.
//! Unlike a source's parser it merges as it reads (the rows name each
//! other by the exported ids), so it works with the merge stage's
//! transaction and book (`merge::Cx`) directly.

mod collections;

use crate::domain::Currency;
use crate::domain::bounds::{MAX_AMOUNT_MINOR, date_error};
use crate::domain::detail::{REFUND_REASON_MAX, RefundDate};
use crate::domain::lines::{Line, LineKind};
use crate::domain::status::*;
use crate::import::ImportError;
use crate::import::merge::Cx;
use crate::import::merge::raw::{baseline, last};
use crate::import::merge::totals::{Kind, RunTotals};
use crate::import::read::amount::{AmountParser, parse_currency};
use crate::import::read::fields::{due_not_before, parse_date};
use crate::import::read::marks::Mark;
use crate::import::report::{Counted, Outcome};
use crate::store::StoreError;
use crate::store::import::ImportOps;
use crate::store::import::{AppsOf, CustomerWrite, InvoiceWrite, NativeTable, PaymentWrite, RefundWrite};
use collections::pauses_of;
use rusqlite::types::Value as Sql;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::str::FromStr;

fn text(v: &Value, k: &str) -> String {
    v.get(k).and_then(Value::as_str).unwrap_or("").to_string()
}

fn opt(v: &Value, k: &str) -> Option<String> {
    v.get(k).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string)
}

fn raw_of(v: &Value) -> Option<String> {
    match v.get("source_raw") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Null) | None => None,
        Some(other) => Some(other.to_string()),
    }
}

/// An amount of the export: written by `Money::plain`, so with a decimal
/// point and no grouping ("1234.50").
fn minor(v: &Value, k: &str, cur: Currency) -> Result<i64, String> {
    let plain = AmountParser::settled(Mark::Point, "ardesk writes amounts with a decimal point");
    match v.get(k) {
        Some(Value::String(s)) => plain.parse(s, cur).map_err(|e| format!("{k}: {e}")),
        Some(Value::Number(n)) => plain.parse(&n.to_string(), cur).map_err(|e| format!("{k}: {e}")),
        _ => Err(format!("{k} is missing")),
    }
}

/// An exported invoice's or credit note's lines (`export::lines`): amounts as decimal
/// text like the invoice's, quantity and unit price as their decimal text;
/// bounded as a source's lines are (`read::lines`).
fn exported_lines(v: &Value, cur: Currency) -> Result<Vec<Line>, String> {
    let mut out = Vec::new();
    for (n, l) in v.get("lines").and_then(Value::as_array).into_iter().flatten().enumerate() {
        let at = |e: String| format!("lines[{}]: {e}", n + 1);
        let kind = LineKind::from_db(&text(l, "kind")).ok_or_else(|| at("kind is not item or discount".into()))?;
        let dec = |k: &str| -> Result<Option<Decimal>, String> {
            opt(l, k)
                .map(|s| Decimal::from_str(&s).map_err(|_| at(format!("{k}: \"{s}\" is not a number"))))
                .transpose()
        };
        let tax = match l.get("tax") {
            None | Some(Value::Null) => None,
            Some(_) => Some(minor(l, "tax", cur).map_err(at)?),
        };
        out.push(Line {
            kind,
            description: text(l, "description"),
            quantity: dec("quantity")?,
            unit_price: dec("unit_price")?,
            amount_minor: minor(l, "amount", cur).map_err(at)?,
            tax_minor: tax,
        });
    }
    // ardesk's own export holds only what the store kept: nothing to cut.
    crate::import::read::lines::bounded(&mut out, cur)?;
    Ok(out)
}

fn day(v: &Value, k: &str) -> Result<chrono::NaiveDate, String> {
    parse_date(&text(v, k)).map_err(|e| format!("{k}: {e}"))
}

fn opt_day(v: &Value, k: &str) -> Result<Option<chrono::NaiveDate>, String> {
    opt(v, k).map(|s| parse_date(&s).map_err(|e| format!("{k}: {e}"))).transpose()
}

fn keyed(v: &Value) -> Option<(ImportSource, String)> {
    let src = v.get("import_source").and_then(Value::as_str).and_then(ImportSource::from_db)?;
    Some((src, opt(v, "external_id")?))
}

fn list<'a>(doc: &'a Value, k: &str) -> &'a [Value] {
    doc.get(k).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

/// A payment's refunds as the export lists them, checked as the refund
/// action checks them; `None` for an export made before refunds were rows
/// (the payment's refunded amount is then dated on the payment). They must
/// add up to `refunded`.
fn refunds(
    v: &Value,
    cur: Currency,
    received: chrono::NaiveDate,
    refunded: i64,
) -> Result<Option<Vec<RefundWrite>>, String> {
    let Some(list) = v.get("refunds") else { return Ok(None) };
    let list = list.as_array().ok_or("refunds is not a list")?;
    let mut out = Vec::with_capacity(list.len());
    for (i, r) in list.iter().enumerate() {
        let at = |e: String| format!("refund {}: {e}", i + 1);
        let on = day(r, "refunded_on").map_err(at)?;
        if let Some(e) = date_error(on) {
            return Err(at(e));
        }
        if on < received {
            return Err(at(format!("dated {on}, before the payment was received ({received})")));
        }
        let amount_minor = minor(r, "amount", cur).map_err(at)?;
        if !(1..=MAX_AMOUNT_MINOR).contains(&amount_minor) {
            return Err(at(format!("the amount must be more than zero and at most {MAX_AMOUNT_MINOR} minor units")));
        }
        let reason = text(r, "reason");
        if reason.chars().count() > REFUND_REASON_MAX {
            return Err(at(format!("the reason is longer than {REFUND_REASON_MAX} characters")));
        }
        let dated = text(r, "dated_from");
        let dated_from = RefundDate::from_db(&dated).ok_or_else(|| at(format!("unknown dated_from {dated:?}")))?;
        // The source's own id of an imported refund (schema 11); an export
        // from before has none.
        let external_id = opt(r, "external_id");
        match &external_id {
            Some(k) if dated_from != RefundDate::Source => {
                return Err(at(format!("external_id {k:?} on a refund not dated by its source")));
            }
            Some(k) if k.is_empty() || k.chars().count() > 255 => {
                return Err(at("external_id is 1 to 255 characters".into()));
            }
            _ => {}
        }
        out.push(RefundWrite { refunded_on: on, amount_minor, reason, dated_from, external_id });
    }
    // Each at most 10^13: summed wide, a long list cannot overflow.
    let sum: i128 = out.iter().map(|r| i128::from(r.amount_minor)).sum();
    if sum != i128::from(refunded) {
        let m = |x| crate::domain::Money::new(x, cur).plain();
        let sum = i64::try_from(sum).map_or_else(|_| "more than any payment holds".into(), m);
        return Err(format!("its refunds add up to {sum}, but it says {} was refunded", m(refunded)));
    }
    Ok(Some(out))
}

/// What an exported credit is (schema 10): granted credit, a credit note
/// (numbered, against an invoice or standalone) or a small-balance
/// adjustment (of an invoice), issued or voided. An export made before
/// credits had kinds has none of these fields: granted credit, issued.
struct CreditKind {
    kind: &'static str,
    number: Option<String>,
    /// The invoice here.
    invoice: Option<i64>,
    voided_on: Option<chrono::NaiveDate>,
}

impl CreditKind {
    fn of(v: &Value, granted: chrono::NaiveDate, invoices: &HashMap<i64, i64>) -> Result<CreditKind, String> {
        let kind = match opt(v, "kind").as_deref() {
            None | Some("credit") => "credit",
            Some("credit_note") => "credit_note",
            Some("adjustment") => "adjustment",
            Some(other) => return Err(format!("unknown kind {other:?} (credit, credit_note or adjustment)")),
        };
        let number = opt(v, "number").map(|n| n.trim().to_string());
        match (kind, &number) {
            ("credit_note", None) => return Err("a credit note without its number".into()),
            ("credit_note", Some(n)) if n.is_empty() || n.chars().count() > 64 => {
                return Err("a credit note's number is 1 to 64 characters".into());
            }
            ("credit" | "adjustment", Some(n)) => return Err(format!("a {kind} has no number, but it says {n:?}")),
            _ => {}
        }
        let invoice = match v.get("invoice") {
            None | Some(Value::Null) => None,
            Some(x) => {
                let old = x.as_i64().ok_or("invoice is not an exported invoice id")?;
                let here =
                    invoices.get(&old).ok_or_else(|| format!("it names invoice {old}, which is not in the export"))?;
                Some(*here)
            }
        };
        if kind == "adjustment" && invoice.is_none() {
            return Err("an adjustment without the invoice it closed".into());
        }
        if kind == "credit" && invoice.is_some() {
            return Err("granted credit is issued against no invoice".into());
        }
        let voided_on = match opt(v, "status").as_deref() {
            None | Some("issued") => {
                if opt(v, "voided_on").is_some() {
                    return Err("issued, but it has a void date".into());
                }
                None
            }
            Some("voided") => {
                let on = opt_day(v, "voided_on")?.ok_or("voided, without its void date")?;
                if let Some(e) = date_error(on) {
                    return Err(format!("voided_on: {e}"));
                }
                if on < granted {
                    return Err(format!("voided on {on}, before it was issued ({granted})"));
                }
                if kind == "credit" {
                    return Err("granted credit is never voided (it is unapplied instead)".into());
                }
                if v.get("applications").and_then(Value::as_array).is_some_and(|a| !a.is_empty()) {
                    return Err("voided, yet it lists applications: a voided credit has nothing applied".into());
                }
                Some(on)
            }
            Some(other) => return Err(format!("unknown status {other:?} (issued or voided)")),
        };
        Ok(CreditKind { kind, number, invoice, voided_on })
    }
}

/// Recreates the customer of an ardesk export inside the run.
pub(crate) fn import<X: ImportOps>(cx: &mut Cx<'_, X>, totals: &mut RunTotals, doc: &Value) -> Result<(), ImportError> {
    let sections = ["contracts", "invoices", "payments", "credits", "contacts", "documents", "conversations"];
    let items: usize = sections.iter().map(|k| list(doc, k).len()).sum();
    cx.book.rows_read(1 + items as u64);
    let c = &doc["customer"];
    let head = Head::of(c)?;
    let cur = head.cur;
    // A file of conversations only (an agent's, another system's) names a
    // customer here and changes nothing of it but its conversations.
    let others = sections.iter().filter(|k| **k != "conversations").any(|k| !list(doc, k).is_empty());
    if !others && !list(doc, "conversations").is_empty() && text(doc, "origin").is_empty() {
        let Some(cid) = existing_customer(cx, c, &head)? else { return Ok(()) };
        let mut rows = Rows { cx, totals, cid, cur, fresh: false, contracts: HashMap::new(), invoices: HashMap::new() };
        return rows.conversations(doc);
    }
    let before = cx.book.counts(Counted::Customers).created;
    let cid = match keyed(c) {
        Some((src, ext)) => keyed_customer(cx, src, &ext, &head)?,
        None => match native_customer(cx, doc, &head)? {
            Native::New(id) => id,
            // Imported before: its rows stay as they are, but its
            // conversations and pauses merge (both are idempotent).
            Native::Again(cid) => {
                let mut rows =
                    Rows { cx, totals, cid, cur, fresh: false, contracts: HashMap::new(), invoices: HashMap::new() };
                rows.pauses_only(doc)?;
                return rows.conversations(doc);
            }
        },
    };
    let flag = |k: &str| c.get(k).and_then(Value::as_i64) == Some(1) || c.get(k) == Some(&Value::Bool(true));
    cx.itx.set_customer_flags(cid, flag("invoices_paused"), flag("portal"))?;
    let fresh = cx.book.counts(Counted::Customers).created > before;
    let mut rows = Rows { cx, totals, cid, cur, fresh, contracts: HashMap::new(), invoices: HashMap::new() };
    rows.contracts(doc)?;
    rows.invoices(doc)?;
    rows.money(doc, false)?;
    rows.money(doc, true)?;
    rows.contacts(doc)?;
    rows.conversations(doc)?;
    let docs = list(doc, "documents").len();
    if docs > 0 {
        let why = format!(
            "{docs} document(s): the export holds their metadata only (no content), so they were not recreated"
        );
        rows.cx.book.skip(0, Counted::Documents, why);
    }
    Ok(())
}

const LABEL: &str = "ardesk";

/// The exported customer's own fields.
struct Head {
    cur: Currency,
    name: String,
    legal: String,
    email: String,
    /// `None` in an export made before addresses (what is stored stays).
    address: Option<String>,
    url: Option<String>,
    raw: Option<String>,
}

impl Head {
    fn of(c: &Value) -> Result<Head, ImportError> {
        let bad = |why: String| ImportError::File { path: Default::default(), reason: why };
        let cur = parse_currency(&text(c, "currency")).map_err(|e| bad(format!("customer currency: {e}")))?;
        let (name, legal, email) = (text(c, "name"), text(c, "legal_name"), text(c, "billing_email"));
        // Its lines as stored, control characters out, within the bound.
        let address = c.get("billing_address").and_then(Value::as_str).map(|a| {
            let lines: Vec<&str> = a.lines().collect();
            crate::domain::address::from_parts(&lines, "", "", "", "")
        });
        Ok(Head { cur, name, legal, email, address, url: opt(c, "external_url"), raw: raw_of(c) })
    }

    /// What a new customer is written as, with this `source_raw`.
    fn write<'a>(&'a self, source_raw: &'a str) -> CustomerWrite<'a> {
        CustomerWrite {
            name: &self.name,
            legal_name: &self.legal,
            billing_email: &self.email,
            billing_address: self.address.as_deref().unwrap_or(""),
            currency: self.cur,
            external_url: self.url.as_deref(),
            source_raw,
        }
    }
}

/// A customer imported from a source: created with its (source, external
/// id), or the one here merged with the export's fields.
fn keyed_customer<X: ImportOps>(
    cx: &mut Cx<'_, X>,
    src: ImportSource,
    ext: &str,
    head: &Head,
) -> Result<i64, ImportError> {
    let Some(db) = cx.itx.find_customer(src, ext)? else {
        let id = cx.itx.insert_customer(Some((src, ext)), &head.write(head.raw.as_deref().unwrap_or("")))?;
        cx.book.count(id, Counted::Customers, Outcome::Created, LABEL);
        return Ok(id);
    };
    let base = baseline(db.source_raw.as_deref());
    let (id, what) = (db.id, Counted::Customers);
    let last_name = last(&base, "name").or(Some(&db.name));
    let n = cx.book.merge(id, 0, what, ext, "name", &db.name, last_name, &head.name);
    let l = cx.book.merge(id, 0, what, ext, "legal_name", &db.legal_name, Some(&db.legal_name), &head.legal);
    let e = cx.book.merge(id, 0, what, ext, "billing_email", &db.billing_email, Some(&db.billing_email), &head.email);
    let a = match &head.address {
        Some(a) => {
            cx.book.merge(id, 0, what, ext, "billing_address", &db.billing_address, Some(&db.billing_address), a)
        }
        None => db.billing_address.clone(),
    };
    let changed = n != db.name || l != db.legal_name || e != db.billing_email || a != db.billing_address;
    if changed {
        let w = CustomerWrite {
            name: &n,
            legal_name: &l,
            billing_email: &e,
            billing_address: &a,
            currency: db.currency,
            external_url: db.external_url.as_deref(),
            source_raw: db.source_raw.as_deref().unwrap_or(""),
        };
        cx.itx.update_customer(id, &w)?;
    }
    cx.book.count(id, what, if changed { Outcome::Updated } else { Outcome::Unchanged }, LABEL);
    Ok(id)
}

/// The customer a file of conversations only is for: by its (source,
/// external id) when it gives them, else by its exact name; refused when
/// there is none (such a file never creates a customer).
fn existing_customer<X: ImportOps>(cx: &mut Cx<'_, X>, c: &Value, head: &Head) -> Result<Option<i64>, ImportError> {
    let found = match keyed(c) {
        Some((src, ext)) => cx.itx.find_customer(src, &ext)?.map(|d| d.id),
        None => match cx.itx.customer_named(&head.name) {
            Ok(id) => id,
            Err(StoreError::Invalid(why)) => {
                cx.book.refuse(0, Counted::Customers, why);
                return Ok(None);
            }
            Err(e) => return Err(e.into()),
        },
    };
    match found {
        Some(id) if cx.itx.customer_currency(id)? == head.cur => Ok(Some(id)),
        Some(id) => {
            let why = format!("customer #{id} is billed in another currency than {}", head.cur.code());
            cx.book.refuse(0, Counted::Customers, why);
            Ok(None)
        }
        None => {
            let why = format!(
                "no customer {:?} here: a file of conversations only adds to a customer, it never creates one",
                head.name
            );
            cx.book.refuse(0, Counted::Customers, why);
            Ok(None)
        }
    }
}

/// A native customer: new, or imported from this export before.
enum Native {
    New(i64),
    Again(i64),
}

/// A customer made in ardesk: created anew, remembering the export it
/// came from; when it was imported before, its other rows are skipped.
fn native_customer<X: ImportOps>(cx: &mut Cx<'_, X>, doc: &Value, head: &Head) -> Result<Native, ImportError> {
    let origin = text(doc, "origin");
    if let Some(id) = cx.itx.find_customer_by_origin(&origin)? {
        let name = &head.name;
        let why = format!(
            "{name} was imported from this export before (customer #{id}): only its conversations and pauses \
             merge; delete it to import the rest again"
        );
        cx.book.skip(0, Counted::Customers, why);
        return Ok(Native::Again(id));
    }
    let marker = json!({"ardesk_origin": origin}).to_string();
    let id = cx.itx.insert_customer(None, &head.write(&marker))?;
    cx.book.count(id, Counted::Customers, Outcome::Created, LABEL);
    Ok(Native::New(id))
}

struct Rows<'a, 'b, X> {
    cx: &'a mut Cx<'b, X>,
    totals: &'a mut RunTotals,
    cid: i64,
    /// The customer's currency (a promise's).
    cur: Currency,
    /// The customer was created by this import: nothing to match rows with.
    fresh: bool,
    /// Exported id → id here.
    contracts: HashMap<i64, i64>,
    invoices: HashMap<i64, i64>,
}

impl<X: ImportOps> Rows<'_, '_, X> {
    /// Adds a new row's amount to what the run brings the customer.
    fn add_up(&mut self, cur: Currency, kind: Kind, amount: i64) -> Result<(), String> {
        self.totals.add(None, &format!("#{}", self.cid), cur, &[(kind, amount)])
    }

    /// A row of the customer's with these identifying values; none for a
    /// customer this import created (two rows may share them).
    fn find(&self, table: NativeTable, key: &[Sql]) -> Result<Option<i64>, String> {
        if self.fresh {
            return Ok(None);
        }
        self.cx.itx.find_native(table, self.cid, key).map_err(|e| e.to_string())
    }

    fn outcome(&mut self, what: Counted, line: usize, r: Result<Option<Outcome>, String>) {
        match r {
            Ok(Some(o)) => self.cx.book.count(self.cid, what, o, LABEL),
            Ok(None) => {}
            Err(why) => self.cx.book.refuse(line, what, format!("{}: {why}", what.label())),
        }
    }

    fn contracts(&mut self, doc: &Value) -> Result<(), ImportError> {
        for (i, k) in list(doc, "contracts").iter().enumerate() {
            let r = self.contract(k);
            self.outcome(Counted::Contracts, i + 1, r.map(Some));
        }
        Ok(())
    }

    fn contract(&mut self, k: &Value) -> Result<Outcome, String> {
        let cur = parse_currency(&text(k, "currency"))?;
        let key = [Sql::Text(text(k, "name")), Sql::Text(text(k, "period_start"))];
        let old = k.get("id").and_then(Value::as_i64).unwrap_or(0);
        if let Some(id) = self.find(NativeTable::Contracts, &key)? {
            self.contracts.insert(old, id);
            return Ok(Outcome::Unchanged);
        }
        let t = |f: &str| opt(k, f).map_or(Sql::Null, Sql::Text);
        let cols = [
            ("name", Sql::Text(text(k, "name"))),
            ("kind", Sql::Text(text(k, "kind"))),
            ("status", Sql::Text(text(k, "status"))),
            ("period_start", Sql::Text(day(k, "period_start")?.to_string())),
            ("period_end", opt_day(k, "period_end")?.map_or(Sql::Null, |d| Sql::Text(d.to_string()))),
            ("value_minor", Sql::Integer(minor(k, "value", cur)?)),
            ("currency", Sql::Text(cur.code().into())),
            ("payment_terms_days", Sql::Integer(k.get("payment_terms_days").and_then(Value::as_i64).unwrap_or(0))),
            ("billing_frequency", t("billing_frequency")),
        ];
        let id = self.cx.itx.insert_native(NativeTable::Contracts, self.cid, &cols).map_err(|e| e.to_string())?;
        self.contracts.insert(old, id);
        Ok(Outcome::Created)
    }

    fn invoices(&mut self, doc: &Value) -> Result<(), ImportError> {
        for (i, inv) in list(doc, "invoices").iter().enumerate() {
            let pauses = match pauses_of(inv) {
                Ok(p) => p,
                Err(why) => {
                    self.outcome(Counted::Invoices, i + 1, Err(why));
                    continue;
                }
            };
            let r = self.invoice(inv);
            let ok = r.is_ok();
            self.outcome(Counted::Invoices, i + 1, r.map(Some));
            let old = inv.get("id").and_then(Value::as_i64).unwrap_or(0);
            if let (true, false, Some(&id)) = (ok, pauses.is_empty(), self.invoices.get(&old)) {
                let r = self.pauses(id, &pauses);
                self.counted(Counted::Pauses, i + 1, r);
            }
        }
        Ok(())
    }

    fn invoice(&mut self, v: &Value) -> Result<Outcome, String> {
        let cur = parse_currency(&text(v, "currency"))?;
        let number = text(v, "number");
        let old = v.get("id").and_then(Value::as_i64).unwrap_or(0);
        let e = |e: StoreError| e.to_string();
        let existing = match keyed(v) {
            Some((src, ext)) => self.cx.itx.find_invoice(src, &ext).map_err(e)?,
            None => None,
        };
        let existing = match existing {
            Some(x) => Some(x),
            None => self.cx.itx.invoice_by_number(&number).map_err(e)?,
        };
        if let Some(x) = existing {
            if x.customer_id != self.cid {
                return Err(format!("number {number} is already used by an invoice of another customer"));
            }
            self.invoices.insert(old, x.id);
            return Ok(Outcome::Unchanged);
        }
        let status = InvoiceStatus::from_db(&text(v, "status")).ok_or("unknown status")?;
        let (start, end) = (opt_day(v, "period_start")?, opt_day(v, "period_end")?);
        let raw = raw_of(v).unwrap_or_default();
        // What an import of another source kept is kept the same lean way
        // here; anything else as it came.
        let lean = crate::store::kept::KeptRow::from_json(&raw);
        let kept = match &lean {
            Some(k) => crate::store::kept::Kept::Row(k),
            None => crate::store::kept::Kept::Json(&raw),
        };
        let contract_id = v.get("contract_id").and_then(Value::as_i64).and_then(|k| self.contracts.get(&k).copied());
        let (issue, due) = (day(v, "issue_date")?, day(v, "due_date")?);
        due_not_before(issue, due, || (text(v, "issue_date"), text(v, "due_date")))?;
        let (lines, memo) = (exported_lines(v, cur)?, text(v, "memo"));
        if memo.chars().count() > crate::store::writes::MAX_MEMO {
            return Err(format!("memo: longer than {} characters", crate::store::writes::MAX_MEMO));
        }
        let w = InvoiceWrite {
            customer_id: self.cid,
            contract_id,
            number: &number,
            issue_date: issue,
            due_date: due,
            period: start.zip(end),
            currency: cur,
            total_minor: minor(v, "total", cur)?,
            status,
            kept,
            memo: &memo,
            lines: &lines,
            // An export from before schema 13 says nothing: date unknown.
            cancelled_on: opt_day(v, "cancelled_on")?,
        };
        self.add_up(cur, Kind::Invoices, w.total_minor)?;
        let key = keyed(v);
        let id = self.cx.itx.insert_invoice(key.as_ref().map(|(s, x)| (*s, x.as_str())), &w).map_err(e)?;
        // A bad-debt write-off's date and reason (schema 9), kept while the
        // invoice is uncollectible (a reversed one's reason is history: the
        // log has it); an export from before says nothing: date unknown.
        let (written_off_on, reason) = match status {
            InvoiceStatus::Uncollectible => (opt_day(v, "written_off_on")?, text(v, "write_off_reason")),
            _ => (None, String::new()),
        };
        if let Some(on) = written_off_on {
            if let Some(err) = date_error(on) {
                return Err(format!("written_off_on: {err}"));
            }
            if on < issue {
                return Err(format!("written off on {on}, before it was issued ({issue})"));
            }
        }
        if reason.chars().count() > crate::store::writes::MAX_WRITE_OFF_REASON {
            return Err(format!(
                "write_off_reason: longer than {} characters",
                crate::store::writes::MAX_WRITE_OFF_REASON
            ));
        }
        if written_off_on.is_some() || !reason.is_empty() {
            self.cx.itx.set_write_off(id, written_off_on, &reason).map_err(e)?;
        }
        self.invoices.insert(old, id);
        Ok(Outcome::Created)
    }

    /// Payments (or credits) and their applications.
    fn money(&mut self, doc: &Value, credits: bool) -> Result<(), ImportError> {
        let (section, what) = if credits { ("credits", Counted::Credits) } else { ("payments", Counted::Payments) };
        for (i, p) in list(doc, section).iter().enumerate() {
            let r = self.money_row(p, credits);
            self.outcome(what, i + 1, r.map(Some));
        }
        Ok(())
    }

    fn money_row(&mut self, v: &Value, credit: bool) -> Result<Outcome, String> {
        let e = |e: StoreError| e.to_string();
        let cur = parse_currency(&text(v, "currency"))?;
        let amount = minor(v, "amount", cur)?;
        let key = keyed(v);
        let src_key = key.as_ref().map(|(s, x)| (*s, x.as_str()));
        let (date_key, table) =
            if credit { ("granted_on", NativeTable::Credits) } else { ("received_on", NativeTable::Payments) };
        let on = day(v, date_key)?;
        let found = match (&key, credit) {
            (Some((s, x)), false) => self.cx.itx.find_payment(*s, x).map_err(e)?.map(|p| p.id),
            (Some((s, x)), true) => self.cx.itx.find_credit(*s, x).map_err(e)?.map(|c| c.id),
            (None, _) => {
                let label = if credit { text(v, "reason") } else { text(v, "reference") };
                let k =
                    [Sql::Text(on.to_string()), Sql::Integer(amount), Sql::Text(cur.code().into()), Sql::Text(label)];
                self.find(table, &k)?
            }
        };
        if found.is_none() {
            self.add_up(cur, if credit { Kind::Credits } else { Kind::Payments }, amount)?;
        }
        let mut voided = None;
        let (id, outcome) = match found {
            Some(id) => (id, Outcome::Unchanged),
            None if credit => {
                let kind = CreditKind::of(v, on, &self.invoices)?;
                if let Some(n) = &kind.number
                    && self.cx.itx.credit_note_number_taken(n).map_err(e)?.is_some()
                {
                    return Err(format!("credit note {n} exists already in this database"));
                }
                let id =
                    self.cx.itx.insert_credit(src_key, self.cid, on, amount, cur, &text(v, "reason")).map_err(e)?;
                if kind.kind != "credit" {
                    self.cx.itx.mark_native_credit(id, kind.kind, kind.number.as_deref(), kind.invoice).map_err(e)?;
                }
                let lines = exported_lines(v, cur)?;
                if !lines.is_empty() {
                    if kind.kind != "credit_note" {
                        return Err(format!(
                            "only a credit note has lines, but this {} has {}",
                            kind.kind,
                            lines.len()
                        ));
                    }
                    self.cx.itx.set_credit_note_lines(id, &lines).map_err(e)?;
                }
                voided = kind.voided_on;
                (id, Outcome::Created)
            }
            None => {
                let raw = raw_of(v);
                let refunded_minor = minor(v, "refunded", cur)?;
                let refunds = refunds(v, cur, on, refunded_minor)?;
                let w = PaymentWrite {
                    customer_id: self.cid,
                    received_on: on,
                    amount_minor: amount,
                    refunded_minor,
                    refunded_on: None,
                    currency: cur,
                    reference: &text(v, "reference"),
                    status: PaymentStatus::from_db(&text(v, "status")).ok_or("unknown status")?,
                    method: PaymentMethod::from_db(&text(v, "method")).ok_or("unknown method")?,
                    source_raw: raw.as_deref(),
                };
                let id = self.cx.itx.insert_payment(src_key, &w).map_err(e)?;
                if let Some(refunds) = refunds {
                    self.cx.itx.set_refunds(id, &refunds).map_err(e)?;
                }
                (id, Outcome::Created)
            }
        };
        let of = if credit { AppsOf::Credit } else { AppsOf::Payment };
        let have = self.cx.itx.applications(id, of).map_err(e)?;
        for a in v.get("applications").and_then(Value::as_array).into_iter().flatten() {
            let old = a.get("invoice").and_then(Value::as_i64).unwrap_or(0);
            let Some(&invoice) = self.invoices.get(&old) else {
                return Err(format!("an application names invoice {old}, which is not in the export"));
            };
            let (amt, on) = (minor(a, "amount", cur)?, day(a, "applied_on")?);
            if have.iter().any(|h| h.invoice_id == invoice && h.amount_minor == amt && h.applied_on == on) {
                continue;
            }
            self.cx.itx.apply(invoice, id, credit, amt, on).map_err(e)?;
        }
        if let Some(on) = voided {
            self.cx.itx.void_credit_note(id, on).map_err(e)?;
        }
        Ok(outcome)
    }

    fn contacts(&mut self, doc: &Value) -> Result<(), ImportError> {
        for (i, k) in list(doc, "contacts").iter().enumerate() {
            let r = self.contact(k);
            self.outcome(Counted::Contacts, i + 1, r.map(Some));
        }
        Ok(())
    }

    fn contact(&mut self, v: &Value) -> Result<Outcome, String> {
        let e = |e: StoreError| e.to_string();
        let (name, email) = (text(v, "name"), text(v, "email"));
        let key = keyed(v);
        let found = match &key {
            Some((s, x)) => self.cx.itx.find_contact(*s, x).map_err(e)?.map(|c| c.id),
            None => {
                let k = [Sql::Text(name.clone()), Sql::Text(email.clone())];
                self.find(NativeTable::Contacts, &k)?
            }
        };
        let (id, outcome) = match found {
            Some(id) => (id, Outcome::Unchanged),
            None => {
                let src = key.as_ref().map(|(s, x)| (*s, x.as_str()));
                let raw = raw_of(v);
                let (phone, role) = (text(v, "phone"), text(v, "role"));
                let id = self
                    .cx
                    .itx
                    .insert_contact(src, self.cid, &name, &email, &phone, &role, raw.as_deref())
                    .map_err(e)?;
                (id, Outcome::Created)
            }
        };
        if v.get("primary") == Some(&Value::Bool(true)) {
            self.cx.itx.make_primary(self.cid, id).map_err(e)?;
        }
        Ok(outcome)
    }
}

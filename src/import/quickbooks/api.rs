//! QuickBooks Online Accounting API (v3) JSON: query responses
//! (`{"QueryResponse": {"Customer": [...], "startPosition": 1, ...},
//! "time": ...}`), their bare payload (`{"Invoice": [...], ...}`), single
//! reads (`{"Payment": {...}, "time": ...}`), or, with `--object`, an array
//! of one kind. Amounts are JSON numbers in major units, read from their
//! exact text (never through binary floating point) into the currency's minor units; a
//! transaction without `CurrencyRef` is in the home currency (the
//! organization's default).
//!
//! Customers: named by `FullyQualifiedName` ("Parent:Child" for a job),
//! `CompanyName` the legal name; inactive ones (QuickBooks' "deleted")
//! are imported, since their invoices may still be owed, and counted in a
//! note. `Balance` is left out: balances come from invoices.
//! Invoices: paid = `TotalAmt` − `Balance` (deposits included); a voided
//! invoice (zeroed, "Voided" in `PrivateNote`) is cancelled; the payments
//! its `LinkedTxn` names are its `payment_refs`; its lines are items and
//! discounts (`invoice_lines`), its memo the customer's message and the
//! private note (`memo`). Credit memos: credit notes (`credit_memo`).
//! Payments: `TotalAmt` is the money; what each line applies to each
//! invoice becomes a split of it, and what credit memos put on invoices
//! is credit (`payment_lines`), never a payment; `UnappliedAmt` stays
//! unapplied (the customer's credit). Voided payments are skipped with the
//! reason; one of no money that applies a credit memo is credit only.

use crate::domain::Currency;
use crate::domain::lines::{Line, LineKind};
use crate::domain::links::quickbooks_customer_url;
use crate::domain::status::{InvoiceStatus, PaymentMethod, PaymentStatus};
use crate::import::ImportError;
use crate::import::parse::address::{Keys, from_json};
use crate::import::parse::record::*;
use crate::import::parse::{Row, Sink, tri};
use crate::import::read::amount::{bounded, parse_currency};
use crate::import::read::fields::{due_not_before, negative_total, parse_date};
use crate::import::read::json::decimal;
use crate::import::read::lines::from_source;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde_json::Value;

/// The entities ardesk reads, in the order a mixed document is applied.
const KINDS: [(&str, ObjectKind); 4] = [
    ("Customer", ObjectKind::Customers),
    ("Invoice", ObjectKind::Invoices),
    ("CreditMemo", ObjectKind::CreditNotes),
    ("Payment", ObjectKind::Payments),
];

/// Entities a QuickBooks response may carry that ardesk does not read.
const OTHER: &[&str] = &[
    "CompanyInfo",
    "Estimate",
    "SalesReceipt",
    "RefundReceipt",
    "Deposit",
    "JournalEntry",
    "Vendor",
    "Bill",
    "Item",
    "Account",
    "Employee",
];

/// The body that holds the entities: a query response's, or the document.
fn body(doc: &Value) -> Option<&serde_json::Map<String, Value>> {
    let o = doc.as_object()?;
    match o.get("QueryResponse") {
        Some(q) => q.as_object(),
        None => Some(o),
    }
}

/// An entity key's items: a list, or one object (a read).
fn list(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(a) => a.iter().collect(),
        Value::Object(_) => vec![v],
        _ => Vec::new(),
    }
}

pub(super) fn detect(doc: &Value) -> Option<ObjectKind> {
    let o = doc.as_object()?;
    if o.get("Fault").is_some_and(|f| f.get("Error").is_some()) {
        return Some(ObjectKind::Mixed);
    }
    let b = body(doc)?;
    let kinds: Vec<ObjectKind> = KINDS.iter().filter(|(k, _)| b.contains_key(*k)).map(|(_, o)| *o).collect();
    let entity_like = KINDS
        .iter()
        .filter_map(|(k, _)| b.get(*k))
        .all(|v| (v.is_array() || v.is_object()) && list(v).iter().all(|e| e.get("Id").is_some()));
    match kinds.as_slice() {
        [one] if entity_like => Some(*one),
        [_, _, ..] if entity_like => Some(ObjectKind::Mixed),
        [] if o.contains_key("QueryResponse") || OTHER.iter().any(|k| b.contains_key(*k)) => Some(ObjectKind::Mixed),
        _ => None,
    }
}

/// What a QuickBooks error response (`{"Fault": {"Error": [...]}}`) says.
fn fault(doc: &Value) -> Option<String> {
    let errors = doc.get("Fault")?.get("Error")?.as_array()?;
    let said: Vec<String> = errors
        .iter()
        .map(|e| [s(e, "Message"), s(e, "Detail")].into_iter().flatten().collect::<Vec<_>>().join(": "))
        .collect();
    Some(said.join("; "))
}

pub(super) fn parse(object: ObjectKind, doc: Value, sink: &mut dyn Sink) -> Result<(), ImportError> {
    if let Some(said) = fault(&doc) {
        return Err(ImportError::File {
            path: Default::default(),
            reason: format!("a QuickBooks error response, not data ({said}): export the data again"),
        });
    }
    let mut entities: Vec<(ObjectKind, &Value)> = Vec::new();
    if let Value::Array(items) = &doc {
        entities.extend(items.iter().map(|v| (object, v)));
    } else if let Some(b) = body(&doc) {
        for (key, kind) in KINDS {
            entities.extend(b.get(key).map(list).unwrap_or_default().into_iter().map(|v| (kind, v)));
        }
        if entities.is_empty()
            && let Some(other) = OTHER.iter().find(|k| b.contains_key(**k))
        {
            return Err(ImportError::NotSupported {
                path: Default::default(),
                what: format!(
                    "QuickBooks {other} objects are not supported: export customers, invoices, credit memos or payments"
                ),
            });
        }
    }
    if entities.is_empty() {
        sink.note("a QuickBooks response with no customers, invoices, credit memos or payments in it".into());
    }
    let home = sink.default_currency();
    let mut notes = Notes::default();
    for (i, (kind, v)) in entities.into_iter().enumerate() {
        let line = i + 1;
        let row = match kind {
            ObjectKind::Customers | ObjectKind::Companies => customer(line, v, &mut notes),
            ObjectKind::Invoices => invoice(line, v, home, &mut notes),
            ObjectKind::CreditNotes => credit_memo(line, v, home, &mut notes),
            ObjectKind::Payments => payment(line, v, home, &mut notes),
            other => Row::Skip(format!("QuickBooks has no {} objects", other.label())),
        };
        row.send(line, kind, sink)?;
    }
    notes.send(sink);
    Ok(())
}

/// What a document has worth a line in the report.
#[derive(Default)]
struct Notes {
    inactive: u64,
    /// Payments whose credit memo lines credit more than their invoice
    /// lines take: the rest is applied to no invoice.
    credit_left: Vec<String>,
    /// Descriptions and memos cut to what ardesk keeps.
    cut: Vec<String>,
}

impl Notes {
    fn send(self, sink: &mut dyn Sink) {
        for c in self.cut {
            sink.note(c);
        }
        if self.inactive > 0 {
            sink.note(format!(
                "{} QuickBooks customer(s) are inactive (deleted in QuickBooks): imported, as their invoices may still be owed",
                self.inactive
            ));
        }
        for c in self.credit_left {
            sink.note(c);
        }
    }
}

fn s<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
}

/// A reference's id or a nested value: `{"value": "58", "name": ...}`.
fn ref_value<'a>(v: &'a Value, k: &str, field: &str) -> Option<&'a str> {
    v.get(k).and_then(|r| s(r, field))
}

/// An amount in major units (a JSON number, or a string of one) as minor
/// units of `cur`, exactly.
fn major_to_minor(text: &str, cur: Currency) -> Result<i64, String> {
    let t = text.trim();
    let parsed = if t.contains(['e', 'E']) { Decimal::from_scientific(t) } else { Decimal::from_str_exact(t) };
    let numeric = !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
    let d = parsed.map_err(|_| {
        if numeric {
            format!("{t}: the amount is too large or has too many digits")
        } else {
            format!("{t} is not an amount")
        }
    })?;
    let exp = cur.exponent();
    let scaled = d.checked_mul(Decimal::from(10i64.pow(exp))).ok_or_else(|| format!("{t}: the amount is too large"))?;
    if !scaled.fract().is_zero() {
        return Err(format!("{t}: {cur} has {exp} decimal places"));
    }
    let minor = scaled.to_i64().ok_or_else(|| format!("{t}: the amount is too large"))?;
    bounded(t, minor, cur)
}

/// Adds what one line applies to a payment's running sum, which must stay
/// within the bound of one amount like any amount the payment holds.
fn add_line(sum: i64, amount: i64, cur: Currency) -> Result<i64, String> {
    use crate::domain::bounds::{amount_error, largest};
    match sum.checked_add(amount).filter(|t| amount_error(*t, cur).is_none()) {
        Some(t) => Ok(t),
        None => Err(format!("its lines apply more than the largest amount, {}", largest(cur))),
    }
}

fn money(v: &Value, k: &str, cur: Currency) -> Result<Option<i64>, String> {
    let text = match v.get(k) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(t)) => t.clone(),
        Some(other) => return Err(format!("{k}: {other} is not an amount")),
    };
    major_to_minor(&text, cur).map(Some).map_err(|e| format!("{k}: {e}"))
}

fn date(v: &Value, k: &str) -> Result<Option<NaiveDate>, String> {
    s(v, k).map(|d| parse_date(d).map_err(|e| format!("{k}: {e}"))).transpose()
}

fn currency(v: &Value, home: Currency) -> Result<Currency, String> {
    match ref_value(v, "CurrencyRef", "value") {
        Some(c) => parse_currency(c).map_err(|e| format!("CurrencyRef: {e}")),
        None => Ok(home),
    }
}

/// Voided in QuickBooks: amounts zeroed, "Voided" put before the note.
fn voided(v: &Value) -> bool {
    let note = s(v, "PrivateNote").unwrap_or("");
    let zero =
        v.get("TotalAmt").and_then(Value::as_number).is_some_and(|n| n.to_string().trim_matches(['0', '.']).is_empty());
    zero && note.get(..6).is_some_and(|p| p.eq_ignore_ascii_case("voided"))
}

fn customer_ref(v: &Value) -> CustomerRef {
    CustomerRef {
        external_id: ref_value(v, "CustomerRef", "value").unwrap_or("").to_string(),
        name: ref_value(v, "CustomerRef", "name").map(str::to_string),
        email: ref_value(v, "BillEmail", "Address").map(str::to_string),
    }
}

fn customer(line: usize, v: &Value, notes: &mut Notes) -> Row {
    let Some(id) = s(v, "Id") else { return Row::Refuse("the customer has no Id".into()) };
    let person = [s(v, "GivenName"), s(v, "MiddleName"), s(v, "FamilyName")].into_iter().flatten().collect::<Vec<_>>();
    let person = (!person.is_empty()).then(|| person.join(" "));
    let name = [s(v, "FullyQualifiedName"), s(v, "DisplayName"), s(v, "CompanyName"), person.as_deref()]
        .into_iter()
        .flatten()
        .next()
        .map_or_else(|| format!("QuickBooks customer {id}"), str::to_string);
    let currency = match ref_value(v, "CurrencyRef", "value") {
        Some(c) => Some(tri!(parse_currency(c).map_err(|e| format!("CurrencyRef: {e}")))),
        None => None,
    };
    if v.get("Active").and_then(Value::as_bool) == Some(false) {
        notes.inactive += 1;
    }
    Row::Record(Box::new(Record::Customer(ImportedCustomer {
        line,
        external_id: id.to_string(),
        name,
        legal_name: s(v, "CompanyName").map(str::to_string),
        email: ref_value(v, "PrimaryEmailAddr", "Address").map(str::to_string),
        address: from_json(
            v.get("BillAddr"),
            &Keys {
                street: &["Line1", "Line2", "Line3", "Line4", "Line5"],
                city: "City",
                region: "CountrySubDivisionCode",
                postal: "PostalCode",
                country: "Country",
            },
        ),
        currency,
        credit_minor: 0,
        external_url: quickbooks_customer_url(id),
        test_mode: false,
        raw: v.clone(),
    })))
}

/// An invoice's `Line` list as ardesk's lines: a `SalesItemLineDetail`
/// is an item (description, quantity, unit price, amount), a
/// `DiscountLineDetail` a discount (QuickBooks writes its amount positive),
/// a `GroupLineDetail` (a bundle) one item of its amount (its components
/// are inside it: listing them too would count them twice). A subtotal is
/// not a line; a `DescriptionOnly` line of no amount is a heading or a note
/// and bills nothing, so it is left out (one with an amount is an item).
/// Tax is the invoice's (`TxnTaxDetail`), not a line's.
fn invoice_lines(v: &Value, cur: Currency) -> Result<Vec<Line>, String> {
    let mut out = Vec::new();
    for (n, l) in v.get("Line").and_then(Value::as_array).into_iter().flatten().enumerate() {
        let at = |e: String| format!("Line {}: {e}", n + 1);
        let amount = money(l, "Amount", cur).map_err(at)?.unwrap_or(0);
        let description = s(l, "Description").map(str::to_string);
        let kind = s(l, "DetailType").unwrap_or("");
        let detail = l.get(kind).unwrap_or(&Value::Null);
        let line = match kind {
            "SubTotalLineDetail" => continue,
            "DiscountLineDetail" => {
                let percent = detail.get("DiscountPercent").filter(|_| detail["PercentBased"] == true);
                let named = percent.map_or_else(|| "Discount".to_string(), |p| format!("Discount {p}%"));
                Line {
                    kind: LineKind::Discount,
                    description: description.unwrap_or(named),
                    quantity: None,
                    unit_price: None,
                    amount_minor: -amount.abs(),
                    tax_minor: None,
                }
            }
            "SalesItemLineDetail" | "GroupLineDetail" => {
                let (qty, price) = if kind == "GroupLineDetail" {
                    (decimal(detail, "Quantity").map_err(at)?, None)
                } else {
                    (decimal(detail, "Qty").map_err(at)?, decimal(detail, "UnitPrice").map_err(at)?)
                };
                let item = ["ItemRef", "GroupItemRef"].iter().find_map(|k| ref_value(detail, k, "name"));
                Line {
                    kind: LineKind::Item,
                    description: description.or(item.map(str::to_string)).unwrap_or_default(),
                    quantity: qty,
                    unit_price: price,
                    amount_minor: amount,
                    tax_minor: None,
                }
            }
            _ if amount == 0 => continue,
            _ => Line {
                kind: LineKind::Item,
                description: description.unwrap_or_default(),
                quantity: None,
                unit_price: None,
                amount_minor: amount,
                tax_minor: None,
            },
        };
        out.push(line);
    }
    Ok(out)
}

/// The invoice's memo: the message printed on it for the customer
/// (`CustomerMemo`), then the note kept in QuickBooks (`PrivateNote`,
/// what a person collecting it most wants to see), marked as such.
fn memo(v: &Value) -> String {
    let printed = ref_value(v, "CustomerMemo", "value");
    let private = s(v, "PrivateNote").map(|p| format!("Private note: {p}"));
    [printed.map(str::to_string), private].into_iter().flatten().collect::<Vec<_>>().join("\n")
}

fn invoice(line: usize, v: &Value, home: Currency, notes: &mut Notes) -> Row {
    let Some(id) = s(v, "Id") else { return Row::Refuse("the invoice has no Id".into()) };
    let cur = tri!(currency(v, home));
    let Some(issue) = tri!(date(v, "TxnDate")) else { return Row::Refuse("the invoice has no TxnDate".into()) };
    let due = tri!(date(v, "DueDate")).unwrap_or(issue);
    tri!(due_not_before(issue, due, || (s(v, "TxnDate").unwrap_or("").into(), s(v, "DueDate").unwrap_or("").into())));
    let Some(total) = tri!(money(v, "TotalAmt", cur)) else { return Row::Refuse("the invoice has no TotalAmt".into()) };
    let Some(balance) = tri!(money(v, "Balance", cur)) else { return Row::Refuse("the invoice has no Balance".into()) };
    if total < 0 {
        return Row::Refuse(negative_total("TotalAmt", &v["TotalAmt"].to_string()));
    }
    if !(0..=total).contains(&balance) {
        return Row::Refuse(format!("Balance {balance} is not between 0 and TotalAmt {total} (minor units)"));
    }
    let status = if voided(v) {
        InvoiceStatus::Cancelled
    } else if balance == 0 {
        InvoiceStatus::Paid
    } else {
        InvoiceStatus::Open
    };
    let number = s(v, "DocNumber").map_or_else(|| format!("QBO-{id}"), str::to_string);
    let mut lines = tri!(invoice_lines(v, cur));
    let mut memo = memo(v);
    notes.cut.extend(tri!(from_source(&format!("invoice {number}"), &mut lines, &mut memo, cur)));
    let payment_refs = v
        .get("LinkedTxn")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|t| s(t, "TxnType") == Some("Payment"))
        .filter_map(|t| s(t, "TxnId").map(str::to_string))
        .collect();
    Row::Record(Box::new(Record::Invoice(ImportedInvoice {
        lines,
        memo,
        line,
        external_id: id.to_string(),
        customer: customer_ref(v),
        number,
        issue_date: issue,
        due_date: due,
        period: None,
        currency: cur,
        total_minor: total,
        status,
        amount_paid_minor: if status == InvoiceStatus::Cancelled { 0 } else { total - balance },
        credit_applied_minor: 0,
        paid_on: None,
        // Voided: the day QuickBooks last updated it, which is when.
        voided_on: match status {
            InvoiceStatus::Cancelled => {
                v.get("MetaData").and_then(|m| s(m, "LastUpdatedTime")).and_then(|t| parse_date(t.get(..10)?).ok())
            }
            _ => None,
        },
        payment_refs,
        test_mode: false,
        raw: v.clone(),
        print: None,
    })))
}

/// A credit memo: a credit note of the customer's, for `TotalAmt`, dated
/// `TxnDate`, numbered by `DocNumber`. `RemainingCredit` is what is still
/// to be applied (the payments that applied the rest say where); an
/// `InvoiceRef` (newer minor versions) names the invoice it was issued
/// against. A voided one (zeroed, "Voided" in `PrivateNote`) is voided on
/// the day it was last updated (`MetaData.LastUpdatedTime`), which is when
/// QuickBooks voided it; its amount is no longer in the export, so ardesk
/// keeps the one it has.
fn credit_memo(line: usize, v: &Value, home: Currency, notes: &mut Notes) -> Row {
    let Some(id) = s(v, "Id") else { return Row::Refuse("the credit memo has no Id".into()) };
    let customer = customer_ref(v);
    if customer.external_id.is_empty() {
        return Row::Refuse(format!("credit memo {id} names no customer (CustomerRef)"));
    }
    let cur = tri!(currency(v, home));
    let Some(issued) = tri!(date(v, "TxnDate")) else { return Row::Refuse("the credit memo has no TxnDate".into()) };
    let Some(total) = tri!(money(v, "TotalAmt", cur)) else {
        return Row::Refuse("the credit memo has no TotalAmt".into());
    };
    if total < 0 {
        return Row::Refuse(negative_total("TotalAmt", &v["TotalAmt"].to_string()));
    }
    let remaining = tri!(money(v, "RemainingCredit", cur));
    if let Some(r) = remaining
        && !(0..=total).contains(&r)
    {
        return Row::Refuse(format!("RemainingCredit {r} is not between 0 and TotalAmt {total} (minor units)"));
    }
    let voided_on = if voided(v) {
        let updated = v.get("MetaData").and_then(|m| s(m, "LastUpdatedTime")).and_then(|t| t.get(..10));
        Some(match updated.map(parse_date) {
            Some(Ok(d)) if d >= issued => d,
            _ => issued,
        })
    } else {
        if total == 0 {
            return Row::Skip(format!("credit memo {id} credits nothing (TotalAmt 0)"));
        }
        None
    };
    let number = s(v, "DocNumber").map_or_else(|| format!("QBO-CM-{id}"), str::to_string);
    // Its lines are read as an invoice's (the same `Line` shapes).
    let mut lines = tri!(invoice_lines(v, cur));
    // The reason is kept as credits keep it (cleaned where it is drawn).
    notes.cut.extend(tri!(from_source(&format!("credit memo {number}"), &mut lines, &mut String::new(), cur)));
    Row::Record(Box::new(Record::CreditNote(ImportedCreditNote {
        lines,
        line,
        external_id: id.to_string(),
        customer,
        number,
        issued_on: issued,
        currency: cur,
        amount_minor: total,
        remaining_minor: if voided_on.is_some() { None } else { remaining },
        voided_on,
        invoice: ref_value(v, "InvoiceRef", "value").map(|i| InvoiceRef::External(i.to_string())),
        applied: Vec::new(),
        reason: memo(v),
        test_mode: false,
        raw: v.clone(),
    })))
}

/// A payment's lines read as QuickBooks writes them: what goes to each
/// invoice (`money`, as a payment's splits) and what credit memos put on
/// invoices (`credit`).
#[derive(Debug, Default, PartialEq)]
struct Lines {
    money: Vec<(InvoiceRef, i64)>,
    credit: Vec<CreditUse>,
    /// Credit of credit memo lines that no invoice line took.
    credit_left: i64,
}

/// Adds `amount` to `key`'s entry of a list, within the bound of one amount.
fn add_to<K: PartialEq>(out: &mut Vec<(K, i64)>, key: K, amount: i64, cur: Currency) -> Result<(), String> {
    match out.iter_mut().find(|(k, _)| *k == key) {
        Some((_, a)) => *a = add_line(*a, amount, cur)?,
        None => out.push((key, amount)),
    }
    Ok(())
}

/// Reads a payment's `Line` list. QuickBooks writes a credit memo used by
/// a payment in one of two ways, and both are read:
/// - a line of its own linking the `CreditMemo`, beside the lines linking
///   invoices: each invoice line's `Amount` is all that the invoice gets
///   (money and credit), the credit memo line's `Amount` the credit used,
///   and `TotalAmt` the money (invoice lines − credit memo lines, less any
///   unapplied rest). The credit is put on the invoice lines in their
///   order (the first invoice takes it first), the rest of each invoice
///   line is money;
/// - one line linking both the `CreditMemo` and the `Invoice` (how a
///   payment of `TotalAmt` 0 applying a credit memo is often written):
///   its `Amount` is credit put on that invoice.
///
/// Lines linking anything else (a journal entry, a deposit) are left out.
fn payment_lines(v: &Value, cur: Currency) -> Result<Lines, String> {
    let mut invoice_lines: Vec<(InvoiceRef, i64)> = Vec::new();
    let mut memo_lines: Vec<(String, i64)> = Vec::new();
    let mut direct: Vec<((String, InvoiceRef), i64)> = Vec::new();
    for (n, l) in v.get("Line").and_then(Value::as_array).into_iter().flatten().enumerate() {
        let at = |e: String| format!("Line {}: {e}", n + 1);
        let links = l.get("LinkedTxn").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        let of = |kind: &str| links.iter().filter(|t| s(t, "TxnType") == Some(kind)).find_map(|t| s(t, "TxnId"));
        let (invoice, memo) = (of("Invoice"), of("CreditMemo"));
        if invoice.is_none() && memo.is_none() {
            continue;
        }
        let amount = money(l, "Amount", cur).map_err(at)?.unwrap_or(0);
        if amount < 0 {
            let what =
                invoice.map_or_else(|| format!("credit memo {}", memo.unwrap_or_default()), |i| format!("invoice {i}"));
            return Err(at(format!("a negative amount linked to {what}")));
        }
        let r = |i: &str| InvoiceRef::External(i.to_string());
        match (invoice, memo) {
            (Some(i), Some(m)) => add_to(&mut direct, (m.to_string(), r(i)), amount, cur).map_err(at)?,
            (Some(i), None) => add_to(&mut invoice_lines, r(i), amount, cur).map_err(at)?,
            (None, Some(m)) => add_to(&mut memo_lines, m.to_string(), amount, cur).map_err(at)?,
            (None, None) => {}
        }
    }
    let mut out = Lines::default();
    let mut memos = memo_lines.into_iter().filter(|(_, a)| *a > 0).peekable();
    let mut memo_left = memos.peek().map_or(0, |(_, a)| *a);
    for (invoice, mut amount) in invoice_lines {
        while amount > 0 {
            let Some((memo, _)) = memos.peek() else { break };
            let take = amount.min(memo_left);
            if take > 0 {
                out.credit.push(CreditUse { credit_note: memo.clone(), invoice: invoice.clone(), amount_minor: take });
            }
            amount -= take;
            memo_left -= take;
            if memo_left == 0 {
                memos.next();
                memo_left = memos.peek().map_or(0, |(_, a)| *a);
            }
        }
        if amount > 0 {
            add_to(&mut out.money, invoice, amount, cur)?;
        }
    }
    out.credit_left = memo_left + memos.skip(1).map(|(_, a)| a).sum::<i64>();
    for ((memo, invoice), amount) in direct.into_iter().filter(|(_, a)| *a > 0) {
        out.credit.push(CreditUse { credit_note: memo, invoice, amount_minor: amount });
    }
    // The same credit memo on the same invoice in two ways: one use.
    let mut merged: Vec<CreditUse> = Vec::new();
    for u in out.credit {
        match merged.iter_mut().find(|m| m.credit_note == u.credit_note && m.invoice == u.invoice) {
            Some(m) => m.amount_minor = add_line(m.amount_minor, u.amount_minor, cur)?,
            None => merged.push(u),
        }
    }
    out.credit = merged;
    Ok(out)
}

/// A payment: `TotalAmt` is the money, and the only money; what its lines
/// put on invoices from credit memos is credit (`credit_uses`), never a
/// payment. A payment of `TotalAmt` 0 that links a credit memo to an
/// invoice applies credit and nothing else.
fn payment(line: usize, v: &Value, home: Currency, notes: &mut Notes) -> Row {
    let Some(id) = s(v, "Id") else { return Row::Refuse("the payment has no Id".into()) };
    if voided(v) {
        return Row::Skip(format!("payment {id} was voided in QuickBooks"));
    }
    let cur = tri!(currency(v, home));
    let Some(amount) = tri!(money(v, "TotalAmt", cur)) else {
        return Row::Refuse("the payment has no TotalAmt".into());
    };
    if amount < 0 {
        return Row::Refuse(format!("TotalAmt is negative ({amount} minor units)"));
    }
    let lines = tri!(payment_lines(v, cur));
    if amount == 0 && lines.credit.is_empty() {
        return Row::Skip(format!("payment {id} moved no money and applies no credit memo"));
    }
    let Some(received) = tri!(date(v, "TxnDate")) else { return Row::Refuse("the payment has no TxnDate".into()) };
    let applied = tri!(lines.money.iter().try_fold(0, |sum, (_, a)| add_line(sum, *a, cur)));
    if applied > amount {
        return Row::Refuse(format!(
            "its lines apply {applied} of money to invoices (credit memos left out), more than TotalAmt {amount} \
             (minor units)"
        ));
    }
    if lines.credit_left > 0 {
        let m = crate::domain::Money::new(lines.credit_left, cur).display();
        notes.credit_left.push(format!(
            "QuickBooks payment {id}: {m} of the credit memos it links is put on no invoice it names: \
             left as the credit memos' unapplied credit"
        ));
    }
    let status = match s(v, "TxnStatus").map(str::to_ascii_lowercase).as_deref() {
        Some("pending") => PaymentStatus::Pending,
        Some("declined") => PaymentStatus::Failed,
        _ => PaymentStatus::Succeeded,
    };
    let online = v.get("CreditCardPayment").is_some() || s(v, "TxnSource").is_some();
    Row::Record(Box::new(Record::Payment(ImportedPayment {
        refunded_on: None,
        line,
        external_id: id.to_string(),
        aliases: Vec::new(),
        customer: customer_ref(v),
        received_on: received,
        currency: cur,
        amount_minor: amount,
        refunded_minor: 0,
        status,
        method: if online { PaymentMethod::Automatic } else { PaymentMethod::Manual },
        reference: s(v, "PaymentRefNum").unwrap_or(id).to_string(),
        invoice: None,
        splits: lines.money,
        credit_uses: lines.credit,
        test_mode: false,
        raw: v.clone(),
    })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn exact_amounts_in_minor_units() {
        let jpy: Currency = "JPY".parse().unwrap();
        let kwd: Currency = "KWD".parse().unwrap();
        assert_eq!(major_to_minor("362.07", Currency::USD), Ok(36_207));
        assert_eq!(major_to_minor("629.1", Currency::USD), Ok(62_910));
        assert_eq!(major_to_minor("239", Currency::USD), Ok(23_900));
        assert_eq!(major_to_minor("1E+2", Currency::USD), Ok(10_000));
        assert_eq!(major_to_minor("120000", jpy), Ok(120_000));
        assert_eq!(major_to_minor("1000.0", jpy), Ok(1_000));
        assert_eq!(major_to_minor("1.235", kwd), Ok(1_235));
        assert!(major_to_minor("5.5", jpy).unwrap_err().contains("0 decimal places"));
        assert!(major_to_minor("0.001", Currency::USD).is_err());
        assert!(major_to_minor("abc", Currency::USD).is_err());
        // Digits beyond what a binary float holds stay exact, and past the
        // bound of one amount they are refused as written.
        assert_eq!(major_to_minor("99999999999.99", Currency::USD), Ok(9_999_999_999_999));
        assert_eq!(major_to_minor("100000000000.00", Currency::USD), Ok(10_000_000_000_000));
        assert_eq!(
            major_to_minor("90071992547409.93", Currency::USD).unwrap_err(),
            "\"90071992547409.93\": the amount is too large: at most $100,000,000,000.00 in USD"
        );
        assert!(major_to_minor("1e40", Currency::USD).unwrap_err().contains("too large"));
        assert!(major_to_minor("123456789012345678901234567890", Currency::USD).unwrap_err().contains("too large"));
        let doc: Value = serde_json::from_str(r#"{"TotalAmt": 0.1}"#).unwrap();
        assert_eq!(money(&doc, "TotalAmt", Currency::USD), Ok(Some(10)));
    }

    #[test]
    fn shapes_are_recognized() {
        let q = json!({"QueryResponse": {"Customer": [{"Id": "1"}], "startPosition": 1}, "time": "x"});
        assert_eq!(detect(&q), Some(ObjectKind::Customers));
        assert_eq!(detect(&json!({"Invoice": [{"Id": "9"}], "maxResults": 1})), Some(ObjectKind::Invoices));
        assert_eq!(detect(&json!({"Payment": {"Id": "5"}, "time": "x"})), Some(ObjectKind::Payments));
        let mixed = json!({"QueryResponse": {"Invoice": [{"Id": "9"}], "Payment": [{"Id": "5"}]}});
        assert_eq!(detect(&mixed), Some(ObjectKind::Mixed));
        assert_eq!(detect(&json!({"QueryResponse": {}, "time": "x"})), Some(ObjectKind::Mixed));
        assert_eq!(detect(&json!({"object": "list", "data": []})), None);
        assert_eq!(detect(&json!({"Customer": "not an entity"})), None);
        let err = json!({"Fault": {"Error": [{"Message": "message=AuthenticationFailed", "Detail": "Token expired",
            "code": "3200"}], "type": "AUTHENTICATION"}, "time": "x"});
        assert_eq!(detect(&err), Some(ObjectKind::Mixed));
        assert_eq!(fault(&err).as_deref(), Some("message=AuthenticationFailed: Token expired"));
    }

    #[test]
    fn voided_transactions() {
        assert!(voided(&json!({"TotalAmt": 0, "PrivateNote": "Voided"})));
        assert!(voided(&json!({"TotalAmt": 0.0, "PrivateNote": "Voided - wrong customer"})));
        assert!(!voided(&json!({"TotalAmt": 10, "PrivateNote": "Voided"})));
        assert!(!voided(&json!({"TotalAmt": 0})));
    }

    #[test]
    fn a_payment_of_two_invoices_with_a_remainder() {
        let p = json!({"Id": "7", "TxnDate": "2026-01-10", "TotalAmt": 300, "UnappliedAmt": 20,
            "CustomerRef": {"value": "3"}, "CurrencyRef": {"value": "USD"}, "PaymentRefNum": "1044",
            "Line": [{"Amount": 200, "LinkedTxn": [{"TxnId": "11", "TxnType": "Invoice"}]},
                     {"Amount": 80.5, "LinkedTxn": [{"TxnId": "12", "TxnType": "Invoice"}]}]});
        let Row::Record(r) = payment(1, &p, Currency::USD, &mut Notes::default()) else { panic!() };
        let Record::Payment(p) = *r else { panic!() };
        assert_eq!(p.amount_minor, 30_000);
        assert_eq!(p.reference, "1044");
        assert_eq!(p.method, PaymentMethod::Manual);
        let ext = |s: &str| InvoiceRef::External(s.into());
        assert_eq!(p.splits, vec![(ext("11"), 20_000), (ext("12"), 8_050)]);
    }

    fn read(p: &Value) -> Row {
        payment(1, p, Currency::USD, &mut Notes::default())
    }

    fn uses(r: Row) -> (i64, Vec<(InvoiceRef, i64)>, Vec<CreditUse>) {
        let Row::Record(r) = r else { panic!("not a record") };
        let Record::Payment(p) = *r else { panic!() };
        (p.amount_minor, p.splits, p.credit_uses)
    }

    #[test]
    fn money_beside_a_credit_memo_is_the_money_only() {
        // Invoice 21 of 500.00 settled by 380.00 of money and credit memo
        // 31 of 120.00: the invoice line carries all 500.00, the credit
        // memo line the 120.00, TotalAmt the money.
        let p = json!({"Id": "8", "TxnDate": "2026-02-01", "TotalAmt": 380, "CustomerRef": {"value": "3"},
            "Line": [{"Amount": 500, "LinkedTxn": [{"TxnId": "21", "TxnType": "Invoice"}]},
                     {"Amount": 120, "LinkedTxn": [{"TxnId": "31", "TxnType": "CreditMemo"}]}]});
        let ext = |s: &str| InvoiceRef::External(s.into());
        let cu = |m: &str, i: &str, a| CreditUse { credit_note: m.into(), invoice: ext(i), amount_minor: a };
        assert_eq!(uses(read(&p)), (38_000, vec![(ext("21"), 38_000)], vec![cu("31", "21", 12_000)]));
        // Two invoices: the first takes the credit first.
        let p = json!({"Id": "9", "TxnDate": "2026-02-01", "TotalAmt": 150, "CustomerRef": {"value": "3"},
            "Line": [{"Amount": 100, "LinkedTxn": [{"TxnId": "21", "TxnType": "Invoice"}]},
                     {"Amount": 200, "LinkedTxn": [{"TxnId": "22", "TxnType": "Invoice"}]},
                     {"Amount": 150, "LinkedTxn": [{"TxnId": "31", "TxnType": "CreditMemo"}]}]});
        assert_eq!(
            uses(read(&p)),
            (15_000, vec![(ext("22"), 15_000)], vec![cu("31", "21", 10_000), cu("31", "22", 5_000)])
        );
        // No money: credit only, in either way QuickBooks writes it.
        let sep = json!({"Id": "10", "TxnDate": "2026-02-01", "TotalAmt": 0, "CustomerRef": {"value": "3"},
            "Line": [{"Amount": 60, "LinkedTxn": [{"TxnId": "21", "TxnType": "Invoice"}]},
                     {"Amount": 60, "LinkedTxn": [{"TxnId": "31", "TxnType": "CreditMemo"}]}]});
        let one = json!({"Id": "10", "TxnDate": "2026-02-01", "TotalAmt": 0, "CustomerRef": {"value": "3"},
            "Line": [{"Amount": 60, "LinkedTxn": [{"TxnId": "31", "TxnType": "CreditMemo"},
                                                  {"TxnId": "21", "TxnType": "Invoice"}]}]});
        assert_eq!(uses(read(&sep)), (0, vec![], vec![cu("31", "21", 6_000)]));
        assert_eq!(uses(read(&one)), uses(read(&sep)));
    }

    #[test]
    fn hostile_payment_lines_are_refused() {
        let neg = json!({"Id": "8", "TxnDate": "2026-02-01", "TotalAmt": 0, "CustomerRef": {"value": "3"},
            "Line": [{"Amount": -60, "LinkedTxn": [{"TxnId": "31", "TxnType": "CreditMemo"}]}]});
        let Row::Refuse(why) = read(&neg) else { panic!() };
        assert!(why.contains("negative amount linked to credit memo 31"), "{why}");
        // Money lines past TotalAmt once the credit is taken out.
        let over = json!({"Id": "8", "TxnDate": "2026-02-01", "TotalAmt": 100, "CustomerRef": {"value": "3"},
            "Line": [{"Amount": 500, "LinkedTxn": [{"TxnId": "21", "TxnType": "Invoice"}]},
                     {"Amount": 120, "LinkedTxn": [{"TxnId": "31", "TxnType": "CreditMemo"}]}]});
        let Row::Refuse(why) = read(&over) else { panic!() };
        assert!(why.contains("apply 38000 of money"), "{why}");
        let nothing = json!({"Id": "8", "TxnDate": "2026-02-01", "TotalAmt": 0, "CustomerRef": {"value": "3"}});
        assert!(matches!(read(&nothing), Row::Skip(_)));
        let big = json!({"Id": "8", "TxnDate": "2026-02-01", "TotalAmt": 0, "CustomerRef": {"value": "3"},
            "Line": [{"Amount": 100000000000.01, "LinkedTxn": [{"TxnId": "31", "TxnType": "CreditMemo"}]}]});
        assert!(matches!(read(&big), Row::Refuse(_)));
    }

    #[test]
    fn credit_memos_open_partly_used_and_voided() {
        let cm = json!({"Id": "31", "DocNumber": "CM-7", "TxnDate": "2026-01-10", "TotalAmt": 120,
            "RemainingCredit": 20, "CustomerRef": {"value": "3", "name": "Acme"}, "PrivateNote": "damaged goods"});
        let Row::Record(r) = credit_memo(1, &cm, Currency::USD, &mut Notes::default()) else { panic!() };
        let Record::CreditNote(c) = *r else { panic!() };
        assert_eq!((c.number.as_str(), c.amount_minor, c.remaining_minor), ("CM-7", 12_000, Some(2_000)));
        assert_eq!((c.voided_on, c.reason.as_str()), (None, "Private note: damaged goods"));
        let void = json!({"Id": "32", "TxnDate": "2026-01-10", "TotalAmt": 0, "PrivateNote": "Voided",
            "CustomerRef": {"value": "3"}, "MetaData": {"LastUpdatedTime": "2026-01-20T09:00:00-08:00"}});
        let Row::Record(r) = credit_memo(1, &void, Currency::USD, &mut Notes::default()) else { panic!() };
        let Record::CreditNote(c) = *r else { panic!() };
        assert_eq!((c.number.as_str(), c.voided_on), ("QBO-CM-32", Some("2026-01-20".parse().unwrap())));
        let no_customer = json!({"Id": "33", "TxnDate": "2026-01-10", "TotalAmt": 5});
        assert!(matches!(credit_memo(1, &no_customer, Currency::USD, &mut Notes::default()), Row::Refuse(_)));
        let negative = json!({"Id": "33", "TxnDate": "2026-01-10", "TotalAmt": -5, "CustomerRef": {"value": "3"}});
        assert!(matches!(credit_memo(1, &negative, Currency::USD, &mut Notes::default()), Row::Refuse(_)));
        let over = json!({"Id": "33", "TxnDate": "2026-01-10", "TotalAmt": 5, "RemainingCredit": 6,
            "CustomerRef": {"value": "3"}});
        assert!(matches!(credit_memo(1, &over, Currency::USD, &mut Notes::default()), Row::Refuse(_)));
    }
}

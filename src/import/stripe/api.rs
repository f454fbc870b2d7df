//! Stripe API JSON: one object, an array of objects, or a list
//! (`{"object": "list", "data": [...]}`, what `stripe customers list` and
//! the API return) of customers, invoices, charges and payment intents.
//! Credit notes (`credit_note`) too: see `credit_note`; and refunds
//! (`refund`, what `stripe refunds list` gives): see `refund`.
//! Both invoice shapes: before 2025-03-31 (`charge`, `payment_intent`,
//! `paid` on the invoice; `invoice` on the charge) and after (`payments`
//! on the invoice, nothing on the charge). Amounts are integers in Stripe's
//! minor unit; `livemode: false` is test data. An invoice's `lines.data`
//! are its lines, its discounts discount lines, its `description` (the
//! Dashboard's "Memo") its memo.

use super::invoice_status;
use crate::domain::Currency;
use crate::domain::lines::{Line, LineKind};
use crate::domain::links::stripe_customer_url;
use crate::domain::status::{PaymentMethod, PaymentStatus};
use crate::import::ImportError;
use crate::import::parse::address::{Keys, from_json};
use crate::import::parse::record::*;
use crate::import::parse::{Row, Sink, tri};
use crate::import::read::amount::{parse_currency, stripe_exponent, stripe_minor_to_ardesk};
use crate::import::read::fields::{due_not_before, negative_total, unix_date};
use crate::import::read::json::decimal;
use crate::import::read::lines::from_source;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::Value;

const KNOWN: &[&str] = &["customer", "invoice", "charge", "payment_intent", "credit_note", "refund"];
const PREFIXES: &[&str] = &["cus_", "in_", "ch_", "py_", "pi_", "re_", "cn_", "sub_", "prod_", "price_", "txn_"];

/// The objects of a document: a list's data, an array, or one object.
fn items(doc: &Value) -> Option<Vec<&Value>> {
    match doc {
        Value::Array(a) => Some(a.iter().collect()),
        Value::Object(o) => match o.get("data").and_then(Value::as_array) {
            Some(data)
                if o.get("object").and_then(Value::as_str).is_none_or(|k| k == "list" || k == "search_result") =>
            {
                Some(data.iter().collect())
            }
            _ => Some(vec![doc]),
        },
        _ => None,
    }
}

fn is_stripe_object(v: &Value) -> bool {
    let id = v.get("id").and_then(Value::as_str).unwrap_or("");
    v.get("object").and_then(Value::as_str).is_some() && PREFIXES.iter().any(|p| id.starts_with(p))
}

pub(super) fn detect(doc: &Value) -> Option<ObjectKind> {
    let items = items(doc)?;
    if items.is_empty() || !items.iter().all(|v| is_stripe_object(v)) {
        return None;
    }
    let kinds: std::collections::BTreeSet<&str> = items.iter().filter_map(|v| v["object"].as_str()).collect();
    Some(match kinds.iter().copied().collect::<Vec<_>>().as_slice() {
        ["customer"] => ObjectKind::Customers,
        ["invoice"] => ObjectKind::Invoices,
        ["charge"] | ["payment_intent"] | ["charge", "payment_intent"] => ObjectKind::Payments,
        ["credit_note"] => ObjectKind::CreditNotes,
        ["refund"] => ObjectKind::Refunds,
        _ => ObjectKind::Mixed,
    })
}

pub(super) fn parse(_object: ObjectKind, doc: Value, sink: &mut dyn Sink) -> Result<(), ImportError> {
    let items = items(&doc).unwrap_or_default();
    let unsupported: Vec<&str> =
        items.iter().filter_map(|v| v["object"].as_str()).filter(|k| !KNOWN.contains(k)).collect();
    if !items.is_empty() && unsupported.len() == items.len() {
        return Err(ImportError::NotSupported {
            path: Default::default(),
            what: format!("Stripe {} objects are not supported yet", unsupported[0]),
        });
    }
    let mut notes = Vec::new();
    for (i, v) in items.iter().enumerate() {
        let line = i + 1;
        let kind = v["object"].as_str().unwrap_or("");
        let object = match kind {
            "customer" => ObjectKind::Customers,
            "invoice" => ObjectKind::Invoices,
            "credit_note" => ObjectKind::CreditNotes,
            "refund" => ObjectKind::Refunds,
            _ => ObjectKind::Payments,
        };
        let row = match kind {
            "customer" => customer(line, v),
            "invoice" => invoice(line, v, &mut notes),
            "charge" => charge(line, v),
            "payment_intent" => payment_intent(line, v),
            "credit_note" => credit_note(line, v, &mut notes),
            "refund" => refund(line, v),
            other => Row::Skip(format!("Stripe {other} objects are not supported yet")),
        };
        row.send(line, object, sink)?;
    }
    for n in notes {
        sink.note(n);
    }
    Ok(())
}

fn s<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// An id field that may be expanded into an object.
fn id_of(v: &Value, k: &str) -> Option<String> {
    match v.get(k) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(Value::Object(o)) => o.get("id").and_then(Value::as_str).map(str::to_string),
        _ => None,
    }
}

/// An integer field (amounts in minor units, timestamps): `None` when
/// absent or null, and what is wrong with the value when it is something
/// else, quoted as written (a float, a string, a number past i64).
fn int(v: &Value, k: &str) -> Result<Option<i64>, String> {
    match v.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => match n.as_i64() {
            Some(i) => Ok(Some(i)),
            None if n.to_string().contains(['.', 'e', 'E']) => Err(format!(
                "{k}: {n} is not a whole number (Stripe writes amounts in minor units and times in seconds)"
            )),
            None => Err(format!("{k}: {n} is too large")),
        },
        Some(Value::String(t)) => Err(format!("{k}: \"{t}\" is text, not a number")),
        Some(other) => Err(format!("{k}: {other} is not a number")),
    }
}

fn date(v: &Value, k: &str) -> Result<Option<NaiveDate>, String> {
    match int(v, k)? {
        Some(t) => unix_date(t).map(Some).map_err(|e| format!("{k}: {e}")),
        None => Ok(None),
    }
}

fn test(v: &Value) -> bool {
    v.get("livemode").and_then(Value::as_bool) == Some(false)
}

fn money(v: &Value, k: &str, cur: crate::domain::Currency) -> Result<Option<i64>, String> {
    int(v, k)?.map(|a| stripe_minor_to_ardesk(a, cur).map_err(|e| format!("{k}: {e}"))).transpose()
}

fn customer(line: usize, v: &Value) -> Row {
    let Some(id) = s(v, "id") else { return Row::Refuse("the customer has no id".into()) };
    if v.get("deleted").and_then(Value::as_bool) == Some(true) {
        return Row::Skip(format!("customer {id} was deleted in Stripe"));
    }
    let currency = match s(v, "currency") {
        Some(c) => Some(tri!(parse_currency(c))),
        None => None,
    };
    let balance = match currency {
        Some(c) => tri!(money(v, "balance", c)).unwrap_or(0),
        None => 0,
    };
    let email = s(v, "email").map(str::to_string);
    let name = [s(v, "name"), s(v, "description"), s(v, "email")].into_iter().flatten().next().unwrap_or(id);
    Row::Record(Box::new(Record::Customer(ImportedCustomer {
        line,
        external_id: id.to_string(),
        name: name.to_string(),
        legal_name: None,
        email,
        address: from_json(
            v.get("address"),
            &Keys {
                street: &["line1", "line2"],
                city: "city",
                region: "state",
                postal: "postal_code",
                country: "country",
            },
        ),
        currency,
        credit_minor: (-balance).max(0),
        external_url: stripe_customer_url(id, test(v)),
        test_mode: test(v),
        raw: v.clone(),
    })))
}

/// A line's unit price in the currency's major units: Stripe gives it in
/// its minor unit, as a decimal string (`unit_amount_excluding_tax`, a
/// price's or the 2025 pricing's `unit_amount_decimal`, a credit note
/// line's own `unit_amount_decimal`) or an integer (`price.unit_amount`,
/// a credit note line's `unit_amount`).
fn unit_price(l: &Value, cur: Currency) -> Result<Option<Decimal>, String> {
    let price = l.get("price").unwrap_or(&Value::Null);
    let pricing = l.get("pricing").unwrap_or(&Value::Null);
    let minor = [
        decimal(l, "unit_amount_excluding_tax")?,
        decimal(price, "unit_amount_decimal")?,
        decimal(pricing, "unit_amount_decimal")?,
        decimal(price, "unit_amount")?,
        decimal(l, "unit_amount_decimal")?,
        decimal(l, "unit_amount")?,
    ]
    .into_iter()
    .flatten()
    .next();
    let scale = Decimal::from(10_i64.pow(stripe_exponent(cur)));
    Ok(minor.and_then(|m| m.checked_div(scale)).map(|d| d.normalize()))
}

/// Σ of a list of `{amount}` in minor units, `None` when the list is
/// absent or empty (the source says nothing).
fn amounts_sum(v: &Value, k: &str, cur: Currency) -> Result<Option<i64>, String> {
    let list = v.get(k).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    if list.is_empty() {
        return Ok(None);
    }
    let mut sum = 0_i64;
    for a in list {
        let m = money(a, "amount", cur).map_err(|e| format!("{k}: {e}"))?.unwrap_or(0);
        sum = sum.checked_add(m).ok_or_else(|| format!("{k}: the amounts are too large"))?;
    }
    Ok(Some(sum))
}

/// An invoice's `lines.data` as ardesk's lines (description, quantity,
/// unit price, amount, the tax of `tax_amounts` or the 2025 `taxes`), then
/// one discount line for each of the invoice's `total_discount_amounts`
/// (a line's `amount` is before discounts, so the discounts are lines of
/// their own for the lines to add up to the total). Whether the list is
/// cut short (`has_more`).
fn invoice_lines(v: &Value, cur: Currency) -> Result<(Vec<Line>, bool), String> {
    let list = v.get("lines").unwrap_or(&Value::Null);
    let mut out = Vec::new();
    for (n, l) in list.get("data").and_then(Value::as_array).into_iter().flatten().enumerate() {
        let at = |e: String| format!("lines.data[{n}]: {e}");
        let nickname = l.pointer("/price/nickname").and_then(Value::as_str);
        let quantity = match decimal(l, "quantity_decimal").map_err(at)? {
            Some(q) => Some(q.normalize()),
            None => decimal(l, "quantity").map_err(at)?,
        };
        let tax = match amounts_sum(l, "tax_amounts", cur).map_err(at)? {
            Some(t) => Some(t),
            None => amounts_sum(l, "taxes", cur).map_err(at)?,
        };
        out.push(Line {
            kind: LineKind::Item,
            description: s(l, "description").or(nickname).unwrap_or("").to_string(),
            quantity,
            unit_price: unit_price(l, cur).map_err(at)?,
            amount_minor: money(l, "amount", cur).map_err(at)?.unwrap_or(0),
            tax_minor: tax,
        });
    }
    for (n, d) in v.get("total_discount_amounts").and_then(Value::as_array).into_iter().flatten().enumerate() {
        let amount = money(d, "amount", cur).map_err(|e| format!("total_discount_amounts[{n}]: {e}"))?.unwrap_or(0);
        let coupon = d.pointer("/discount/coupon/name").and_then(Value::as_str).filter(|c| !c.is_empty());
        out.push(Line {
            kind: LineKind::Discount,
            description: coupon.map_or_else(|| "Discount".to_string(), |c| format!("Discount: {c}")),
            quantity: None,
            unit_price: None,
            amount_minor: -amount.abs(),
            tax_minor: None,
        });
    }
    Ok((out, list.get("has_more").and_then(Value::as_bool) == Some(true)))
}

fn invoice(line: usize, v: &Value, notes: &mut Vec<String>) -> Row {
    let Some(id) = s(v, "id") else { return Row::Refuse("the invoice has no id".into()) };
    let status = tri!(invoice_status(s(v, "status").unwrap_or("")));
    let currency = tri!(parse_currency(s(v, "currency").unwrap_or("")));
    let Some(total) = tri!(money(v, "total", currency)) else { return Row::Refuse("the invoice has no total".into()) };
    if total < 0 {
        return Row::Refuse(negative_total("total", &v["total"].to_string()));
    }
    let due_amount = tri!(money(v, "amount_due", currency)).unwrap_or(total).clamp(0, total);
    let paid = tri!(money(v, "amount_paid", currency)).unwrap_or(0);
    if paid < 0 {
        return Row::Refuse(format!("amount_paid: {} is negative", v["amount_paid"]));
    }
    let transitions = v.get("status_transitions").cloned().unwrap_or(Value::Null);
    let issue = tri!(date(v, "effective_at")).or(tri!(date(&transitions, "finalized_at"))).or(tri!(date(v, "created")));
    let Some(issue) = issue else { return Row::Refuse("the invoice has no date".into()) };
    let due = tri!(date(v, "due_date")).unwrap_or(issue);
    tri!(due_not_before(issue, due, || (issue.to_string(), due.to_string())));
    let period = match (tri!(date(v, "period_start")), tri!(date(v, "period_end"))) {
        (Some(a), Some(b)) if b >= a => Some((a, b)),
        _ => None,
    };
    let mut refs: Vec<String> = ["charge", "payment_intent"].iter().filter_map(|k| id_of(v, k)).collect();
    for p in v.pointer("/payments/data").and_then(Value::as_array).into_iter().flatten() {
        for k in ["charge", "payment_intent"] {
            refs.extend(p.get("payment").and_then(|x| id_of(x, k)));
        }
    }
    let customer_id = id_of(v, "customer").unwrap_or_default();
    let number = s(v, "number").unwrap_or(id).to_string();
    let (mut lines, more) = tri!(invoice_lines(v, currency));
    let mut memo = s(v, "description").unwrap_or("").to_string();
    notes.extend(tri!(from_source(&format!("invoice {number}"), &mut lines, &mut memo, currency)));
    if more {
        notes.push(format!(
            "invoice {number}: the export lists only the first {} of its lines (has_more): its detail says what \
             they do not add up to",
            lines.iter().filter(|l| l.kind == LineKind::Item).count()
        ));
    }
    Row::Record(Box::new(Record::Invoice(ImportedInvoice {
        lines,
        memo,
        line,
        external_id: id.to_string(),
        customer: CustomerRef {
            external_id: customer_id,
            name: s(v, "customer_name").map(str::to_string),
            email: s(v, "customer_email").map(str::to_string),
        },
        number,
        issue_date: issue,
        due_date: due,
        period,
        currency,
        total_minor: total,
        status,
        amount_paid_minor: paid,
        credit_applied_minor: if status.is_issued() { total - due_amount } else { 0 },
        paid_on: tri!(date(&transitions, "paid_at")),
        voided_on: match status {
            crate::domain::status::InvoiceStatus::Cancelled => tri!(date(&transitions, "voided_at")),
            _ => None,
        },
        payment_refs: refs,
        test_mode: test(v),
        raw: v.clone(),
        print: None,
    })))
}

fn customer_ref(v: &Value) -> CustomerRef {
    let expanded = v.get("customer").filter(|c| c.is_object());
    CustomerRef {
        external_id: id_of(v, "customer").unwrap_or_default(),
        name: expanded.and_then(|c| s(c, "name")).map(str::to_string),
        email: expanded.and_then(|c| s(c, "email")).or_else(|| s(v, "receipt_email")).map(str::to_string),
    }
}

fn charge(line: usize, v: &Value) -> Row {
    let Some(id) = s(v, "id") else { return Row::Refuse("the charge has no id".into()) };
    let currency = tri!(parse_currency(s(v, "currency").unwrap_or("")));
    let status = match s(v, "status").unwrap_or("") {
        "succeeded" => PaymentStatus::Succeeded,
        "pending" => PaymentStatus::Pending,
        "failed" => PaymentStatus::Failed,
        other => return Row::Refuse(format!("\"{other}\" is not a charge status")),
    };
    let captured = v.get("captured").and_then(Value::as_bool).unwrap_or(true);
    if status == PaymentStatus::Succeeded && !captured {
        return Row::Skip(format!("charge {id} was authorized but never captured: no money moved"));
    }
    let amount = tri!(money(v, "amount", currency)).unwrap_or(0);
    let captured_amount = tri!(money(v, "amount_captured", currency)).filter(|a| *a > 0).unwrap_or(amount);
    let amount = if status == PaymentStatus::Succeeded { captured_amount } else { amount };
    if amount <= 0 {
        return Row::Skip(format!("charge {id} has no amount"));
    }
    let refunded = if status == PaymentStatus::Succeeded {
        tri!(money(v, "amount_refunded", currency)).unwrap_or(0).clamp(0, amount)
    } else {
        0
    };
    let status =
        if status == PaymentStatus::Succeeded && refunded == amount { PaymentStatus::Refunded } else { status };
    let Some(received) = tri!(date(v, "created")) else { return Row::Refuse("the charge has no date".into()) };
    // The charge's refunds as listed with it (`refunds.data[].created`): the
    // sum is dated on the latest. A list cut short (`has_more`) still names
    // the latest first, as Stripe lists newest first.
    let mut refunded_on = None;
    if refunded > 0 {
        for r in v.pointer("/refunds/data").and_then(Value::as_array).into_iter().flatten() {
            let on = tri!(date(r, "created").map_err(|e| format!("refund {e}")));
            refunded_on = refunded_on.max(on);
        }
    }
    Row::Record(Box::new(Record::Payment(ImportedPayment {
        credit_uses: Vec::new(),
        refunded_on,
        line,
        external_id: id.to_string(),
        aliases: id_of(v, "payment_intent").into_iter().collect(),
        customer: customer_ref(v),
        received_on: received,
        currency,
        amount_minor: amount,
        refunded_minor: refunded,
        status,
        method: PaymentMethod::Automatic,
        reference: id.to_string(),
        invoice: id_of(v, "invoice").map(InvoiceRef::External),
        splits: Vec::new(),
        test_mode: test(v),
        raw: v.clone(),
    })))
}

fn payment_intent(line: usize, v: &Value) -> Row {
    let Some(id) = s(v, "id") else { return Row::Refuse("the payment intent has no id".into()) };
    let st = s(v, "status").unwrap_or("");
    let status = match st {
        "succeeded" => PaymentStatus::Succeeded,
        "processing" => PaymentStatus::Pending,
        _ => return Row::Skip(format!("payment intent {id} moved no money (status {st})")),
    };
    let currency = tri!(parse_currency(s(v, "currency").unwrap_or("")));
    let key = if status == PaymentStatus::Succeeded { "amount_received" } else { "amount" };
    let amount = tri!(money(v, key, currency)).unwrap_or(0);
    if amount <= 0 {
        return Row::Skip(format!("payment intent {id} has no amount"));
    }
    let Some(received) = tri!(date(v, "created")) else { return Row::Refuse("the payment intent has no date".into()) };
    // Keyed on its charge when it names one, so the charge and the intent
    // are one payment.
    let charge = id_of(v, "latest_charge");
    Row::Record(Box::new(Record::Payment(ImportedPayment {
        credit_uses: Vec::new(),
        refunded_on: None,
        line,
        external_id: charge.clone().unwrap_or_else(|| id.to_string()),
        aliases: if charge.is_some() { vec![id.to_string()] } else { Vec::new() },
        customer: customer_ref(v),
        received_on: received,
        currency,
        amount_minor: amount,
        refunded_minor: 0,
        status,
        method: PaymentMethod::Automatic,
        reference: id.to_string(),
        invoice: id_of(v, "invoice").map(InvoiceRef::External),
        splits: Vec::new(),
        test_mode: test(v),
        raw: v.clone(),
    })))
}

/// A part of a credit note in minor units: absent or null is 0, a
/// negative one is refused.
fn part(v: &Value, k: &str, cur: Currency) -> Result<i64, String> {
    let m = money(v, k, cur)?.unwrap_or(0);
    if m < 0 {
        return Err(format!("{k}: {} is negative", v[k]));
    }
    Ok(m)
}

/// A credit note: credit against its invoice, never money. Its `amount` is
/// its `pre_payment_amount` (credit that lowers what the open invoice
/// owes) and its `post_payment_amount` (issued after the invoice was paid);
/// when neither is given, its `type` says which the whole amount is. The
/// post-payment part splits into what its `refunds` (or the older `refund`
/// with `amount_refunded`) gave back, its `out_of_band_amount` (credited
/// outside Stripe) and the rest, which went to the customer's balance.
/// The pre-payment part, the refunded part and the out-of-band part are
/// put on the invoice (`applied`), the customer-balance part stays
/// unapplied: customer credit. The refunds themselves are money and come
/// with the charge they refunded (its `refunds`). `status: void` voids it
/// as of `voided_at`. Parts that are negative or do not add up to the
/// amount are refused.
fn credit_note(line: usize, v: &Value, notes: &mut Vec<String>) -> Row {
    let Some(id) = s(v, "id") else { return Row::Refuse("the credit note has no id".into()) };
    let currency = tri!(parse_currency(s(v, "currency").unwrap_or("")));
    let Some(amount) = tri!(money(v, "amount", currency)) else {
        return Row::Refuse(format!("credit note {id} has no amount"));
    };
    if amount <= 0 {
        return Row::Refuse(format!("credit note {id}: amount {} is not more than zero", v["amount"]));
    }
    let Some(invoice) = id_of(v, "invoice") else {
        return Row::Refuse(format!("credit note {id} names no invoice (Stripe issues credit notes on invoices)"));
    };
    let on = tri!(date(v, "effective_at")).or(tri!(date(v, "created")));
    let Some(issued_on) = on else { return Row::Refuse(format!("credit note {id} has no date")) };
    let voided_on = match s(v, "status").unwrap_or("issued") {
        "issued" => None,
        "void" => Some(tri!(date(v, "voided_at")).unwrap_or(issued_on).max(issued_on)),
        other => return Row::Refuse(format!("credit note {id}: \"{other}\" is not a credit note status")),
    };
    let (mut pre, mut post) =
        (tri!(part(v, "pre_payment_amount", currency)), tri!(part(v, "post_payment_amount", currency)));
    let given = |k: &str| v.get(k).is_some_and(|x| !x.is_null());
    if !given("pre_payment_amount") && !given("post_payment_amount") {
        match s(v, "type").unwrap_or("pre_payment") {
            "pre_payment" => pre = amount,
            "post_payment" => post = amount,
            other => return Row::Refuse(format!("credit note {id}: \"{other}\" is not a credit note type")),
        }
    }
    let m = |x: i64| crate::domain::Money::new(x, currency).plain();
    if pre.checked_add(post) != Some(amount) {
        return Row::Refuse(format!(
            "credit note {id}: pre_payment_amount {} and post_payment_amount {} do not add up to its amount {}",
            m(pre),
            m(post),
            m(amount)
        ));
    }
    let mut refunded = 0_i64;
    let listed = v.get("refunds").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    for (n, r) in listed.iter().enumerate() {
        let a = tri!(part(r, "amount_refunded", currency).map_err(|e| format!("refunds[{n}]: {e}")));
        refunded = tri!(refunded.checked_add(a).ok_or_else(|| format!("credit note {id}: its refunds are too large")));
    }
    if listed.is_empty() && id_of(v, "refund").is_some() {
        // The older shape: one `refund`, expanded or not; its amount is
        // the expanded refund's, else the whole post-payment part.
        refunded = match v.get("refund").filter(|r| r.is_object()) {
            Some(r) => tri!(part(r, "amount", currency)),
            None => post,
        };
    }
    let out_of_band = tri!(part(v, "out_of_band_amount", currency));
    let to_balance = post - refunded - out_of_band;
    if to_balance < 0 {
        return Row::Refuse(format!(
            "credit note {id}: refunded {} and out of band {} are more than its post-payment part {}",
            m(refunded),
            m(out_of_band),
            m(post)
        ));
    }
    let on_invoice = pre + refunded + out_of_band;
    let reason = [s(v, "memo"), s(v, "reason")].into_iter().flatten().next().unwrap_or("").replace('_', " ");
    // Its `lines.data` are read as an invoice's; they are before tax and
    // its discounts, so they need not add up to the amount.
    let number = s(v, "number").unwrap_or(id).to_string();
    let (mut lines, _) = tri!(invoice_lines(v, currency));
    // The reason is kept as credits keep it (cleaned where it is drawn).
    notes.extend(tri!(from_source(&format!("credit note {number}"), &mut lines, &mut String::new(), currency)));
    Row::Record(Box::new(Record::CreditNote(ImportedCreditNote {
        lines,
        line,
        external_id: id.to_string(),
        customer: customer_ref(v),
        number,
        issued_on,
        currency,
        amount_minor: amount,
        remaining_minor: None,
        voided_on,
        invoice: Some(InvoiceRef::External(invoice.clone())),
        applied: if on_invoice > 0 { vec![(InvoiceRef::External(invoice), on_invoice)] } else { Vec::new() },
        reason,
        test_mode: test(v),
        raw: v.clone(),
    })))
}

/// A refund object: money taken back from the charge (`charge`, or its
/// `payment_intent`) it names, keyed by its own id, dated `created`, with
/// its `reason`. Only a `succeeded` refund moved money: a `pending`,
/// `requires_action`, `failed` or `canceled` one is skipped with why. The
/// amount is a whole number of minor units, more than zero.
fn refund(line: usize, v: &Value) -> Row {
    let Some(id) = s(v, "id") else { return Row::Refuse("the refund has no id".into()) };
    let currency = tri!(parse_currency(s(v, "currency").unwrap_or("")));
    let Some(amount) = tri!(money(v, "amount", currency)) else {
        return Row::Refuse(format!("refund {id} has no amount"));
    };
    if amount <= 0 {
        return Row::Refuse(format!("refund {id}: amount {} is not more than zero", v["amount"]));
    }
    match s(v, "status").unwrap_or("succeeded") {
        "succeeded" => {}
        st @ ("pending" | "requires_action" | "failed" | "canceled") => {
            return Row::Skip(format!("refund {id} moved no money (status {st})"));
        }
        other => return Row::Refuse(format!("refund {id}: \"{other}\" is not a refund status")),
    }
    let Some(on) = tri!(date(v, "created")) else { return Row::Refuse(format!("refund {id} has no date")) };
    let (charge, intent) = (id_of(v, "charge"), id_of(v, "payment_intent"));
    if charge.is_none() && intent.is_none() {
        return Row::Refuse(format!(
            "refund {id} names no charge or payment intent (a refund of customer balance is not a payment's)"
        ));
    }
    let reason = [s(v, "description"), s(v, "reason")].into_iter().flatten().next().unwrap_or("").replace('_', " ");
    Row::Record(Box::new(Record::Refund(ImportedRefund {
        line,
        external_id: id.to_string(),
        payment: charge,
        payment_alias: intent,
        refunded_on: on,
        currency,
        amount_minor: amount,
        reason,
        test_mode: test(v),
        raw: v.clone(),
    })))
}

//! Stripe's Dashboard CSV exports of customers, invoices and payments:
//! columns by the names of every header generation, one row at a time.

use super::invoice_status;
use crate::domain::Currency;
use crate::domain::links::stripe_customer_url;
use crate::domain::status::{ImportSource, PaymentMethod, PaymentStatus};
use crate::import::ImportError;
use crate::import::parse::record::*;
use crate::import::parse::{Row, Sink, each_row, each_row_asking, tri};
use crate::import::read::amount::{AmountParser, parse_currency};
use crate::import::read::csv_input::CsvInput;
use crate::import::read::decimals::decide;
use crate::import::read::fields::{due_not_before, negative_total, parse_bool, parse_date, parse_opt_date, text};
use crate::import::read::prints::Printer;
use sha2::{Digest, Sha256};

pub(super) fn parse(object: ObjectKind, input: &mut CsvInput, sink: &mut dyn Sink) -> Result<(), ImportError> {
    let cols = Cols::new(input);
    // Invoice rows are printed (below): `None`.
    let row: Option<fn(&CsvInput, &Cols, &AmountParser) -> Row> = match object {
        ObjectKind::Customers | ObjectKind::Companies => Some(customer_row),
        ObjectKind::Invoices => None,
        ObjectKind::Payments => Some(payment_row),
        _ => {
            return Err(ImportError::NotSupported {
                path: input.path.clone(),
                what: format!("Stripe has no {} export", object.label()),
            });
        }
    };
    if object == ObjectKind::Payments && cols.id.is_none() {
        sink.note(format!(
            "{}: the file has no id column (a spreadsheet re-save?): payments are keyed on date, amount, \
             customer and invoice; importing the original export later would add them again",
            input.path.display()
        ));
    }
    input.set_key_column(cols.id.or(cols.created));
    let amounts = match object {
        ObjectKind::Invoices => decide(input, &[cols.total, cols.amount_due, cols.amount_paid], &|i| {
            parse_currency(&i.get(cols.currency)).ok()
        }),
        ObjectKind::Payments => {
            decide(input, &[cols.amount, cols.refunded, cols.disputed], &|i| parse_currency(&i.get(cols.currency)).ok())
        }
        _ => decide(input, &[cols.balance], &|i| balance_currency(i, &cols).ok()),
    }?;
    if let Some(row) = row {
        return each_row(input, object, sink, |input| row(input, &cols, &amounts));
    }
    // Each invoice row printed, so that its invoice keeps the print and
    // the next import can tell the row unchanged at sight (`read::prints`).
    let mut printer = Printer::new(ImportSource::Stripe, object, &input.header, amounts.mark());
    each_row_asking(input, object, sink, |input, sink| {
        let print = printer.print(input);
        let id = input.get(cols.id);
        let unchanged = if id.is_empty() { None } else { sink.known_line(&id, print) };
        invoice_row(input, &cols, &amounts, LinePrint { print, unchanged })
    })
}

/// Column positions, by the names of every header generation.
struct Cols {
    id: Option<usize>,
    created: Option<usize>,
    name: Option<usize>,
    email: Option<usize>,
    description: Option<usize>,
    balance: Option<usize>,
    currency: Option<usize>,
    business_name: Option<usize>,
    mode: Option<usize>,
    livemode: Option<usize>,
    customer: Option<usize>,
    customer_name: Option<usize>,
    customer_email: Option<usize>,
    amount_due: Option<usize>,
    amount_paid: Option<usize>,
    total: Option<usize>,
    paid: Option<usize>,
    status: Option<usize>,
    date: Option<usize>,
    due: Option<usize>,
    number: Option<usize>,
    charge: Option<usize>,
    payment_intent: Option<usize>,
    paid_at: Option<usize>,
    period_start: Option<usize>,
    period_end: Option<usize>,
    amount: Option<usize>,
    refunded: Option<usize>,
    refunded_at: Option<usize>,
    captured: Option<usize>,
    invoice_id: Option<usize>,
    invoice_number: Option<usize>,
    disputed: Option<usize>,
    dispute_status: Option<usize>,
}

impl Cols {
    fn new(input: &CsvInput) -> Cols {
        let c = |names: &[&str]| names.iter().find_map(|n| input.column(n));
        Cols {
            id: c(&["id"]),
            created: c(&["Created (UTC)", "Created date (UTC)"]),
            name: c(&["Name"]),
            email: c(&["Email"]),
            description: c(&["Description"]),
            balance: c(&["Account Balance", "Balance"]),
            currency: c(&["Currency"]),
            business_name: c(&["Business Name"]),
            mode: c(&["Mode"]),
            livemode: c(&["Livemode", "Live Mode"]),
            customer: c(&["Customer", "Customer ID"]),
            customer_name: c(&["Customer Name", "Customer Description"]),
            customer_email: c(&["Customer Email"]),
            amount_due: c(&["Amount Due"]),
            amount_paid: c(&["Amount Paid"]),
            total: c(&["Total"]),
            paid: c(&["Paid"]),
            status: c(&["Status"]),
            date: c(&["Date (UTC)", "Created (UTC)", "Created date (UTC)", "Finalized At (UTC)"]),
            due: c(&["Due Date (UTC)", "Due Date"]),
            number: c(&["Number"]),
            charge: c(&["Charge"]),
            payment_intent: c(&["Payment Intent", "PaymentIntent ID"]),
            paid_at: c(&["Paid At (UTC)"]),
            period_start: c(&["Period Start (UTC)", "Minimum Line Item Period Start (UTC)"]),
            period_end: c(&["Period End (UTC)", "Maximum Line Item Period End (UTC)"]),
            amount: c(&["Amount"]),
            refunded: c(&["Amount Refunded"]),
            refunded_at: c(&["Refunded date (UTC)"]),
            captured: c(&["Captured"]),
            invoice_id: c(&["Invoice ID"]),
            invoice_number: c(&["Invoice Number"]),
            disputed: c(&["Disputed Amount"]),
            dispute_status: c(&["Dispute Status"]),
        }
    }
}

fn test_mode(input: &CsvInput, cols: &Cols) -> bool {
    input.get(cols.mode).eq_ignore_ascii_case("test") || parse_bool(&input.get(cols.livemode)) == Ok(Some(false))
}

/// The currency a customer's balance is in: its own, else dollars.
fn balance_currency(input: &CsvInput, cols: &Cols) -> Result<Currency, String> {
    text(&input.get(cols.currency)).map_or(Ok(Currency::USD), |c| parse_currency(&c))
}

fn customer_row(input: &CsvInput, cols: &Cols, amounts: &AmountParser) -> Row {
    let id = input.get(cols.id);
    let email = text(&input.get(cols.email));
    if id.is_empty() {
        let who = email.as_deref().unwrap_or("no email");
        return Row::Skip(format!("guest customer ({who}): no Stripe customer id to match it on"));
    }
    let currency = match text(&input.get(cols.currency)) {
        Some(c) => Some(tri!(parse_currency(&c))),
        None => None,
    };
    let balance = match text(&input.get(cols.balance)) {
        Some(b) => {
            tri!(amounts.parse(&b, currency.unwrap_or(Currency::USD)).map_err(|e| format!("Account Balance: {e}")))
        }
        None => 0,
    };
    let test = test_mode(input, cols);
    let name = [cols.name, cols.description, cols.email]
        .into_iter()
        .find_map(|c| text(&input.get(c)))
        .unwrap_or_else(|| id.to_string());
    Row::Record(Box::new(Record::Customer(ImportedCustomer {
        line: input.line(),
        external_id: id.to_string(),
        name,
        legal_name: text(&input.get(cols.business_name)),
        email,
        // No billing address columns in the exports seen (a Stripe
        // customer's "Card Address" is the card's).
        address: None,
        currency,
        credit_minor: (-balance).max(0),
        external_url: stripe_customer_url(&id, test),
        test_mode: test,
        raw: input.raw(),
    })))
}

/// An invoice row; `print` is its print and, when known, the invoice it
/// leaves unchanged (its row is then not kept again: no `raw`).
fn invoice_row(input: &CsvInput, cols: &Cols, amounts: &AmountParser, print: LinePrint) -> Row {
    let id = input.get(cols.id);
    if id.is_empty() {
        return Row::Refuse("the invoice has no id".into());
    }
    let status_text = input.get(cols.status);
    if status_text.eq_ignore_ascii_case("deleted") {
        return Row::Skip(format!("invoice {id} was deleted in Stripe"));
    }
    let status = tri!(invoice_status(&status_text));
    let currency = tri!(parse_currency(&input.get(cols.currency)));
    let amount = |col: Option<usize>, what: &str| -> Result<Option<(i64, String)>, String> {
        match text(&input.get(col)) {
            Some(v) => amounts.parse(&v, currency).map(|m| Some((m, v))).map_err(|e| format!("{what}: {e}")),
            None => Ok(None),
        }
    };
    let total = tri!(amount(cols.total, "Total")).map(|t| ("Total", t));
    let due_amount = tri!(amount(cols.amount_due, "Amount Due"));
    let paid_amount = tri!(amount(cols.amount_paid, "Amount Paid"));
    let Some((field, (total, written))) = total.or(due_amount.clone().map(|d| ("Amount Due", d))) else {
        return Row::Refuse("no Total or Amount Due".into());
    };
    if total < 0 {
        return Row::Refuse(negative_total(field, &written));
    }
    let due_amount = due_amount.map_or(total, |d| d.0).clamp(0, total);
    if let Some((paid, written)) = &paid_amount
        && *paid < 0
    {
        return Row::Refuse(format!("Amount Paid: \"{written}\" is negative"));
    }
    let paid_flag = tri!(parse_bool(&input.get(cols.paid)).map_err(|e| format!("Paid: {e}")));
    let amount_paid = paid_amount.map(|p| p.0).unwrap_or(if paid_flag == Some(true) { due_amount } else { 0 });
    let issue = tri!(parse_date(&input.get(cols.date)).map_err(|e| format!("date: {e}")));
    let due = tri!(parse_opt_date(&input.get(cols.due)).map_err(|e| format!("due date: {e}"))).unwrap_or(issue);
    tri!(due_not_before(issue, due, || (input.get(cols.date).into_owned(), input.get(cols.due).into_owned())));
    let start = tri!(parse_opt_date(&input.get(cols.period_start)).map_err(|e| format!("period start: {e}")));
    let end = tri!(parse_opt_date(&input.get(cols.period_end)).map_err(|e| format!("period end: {e}")));
    let period = match (start, end) {
        (Some(a), Some(b)) if b >= a => Some((a, b)),
        _ => None,
    };
    let paid_on = tri!(parse_opt_date(&input.get(cols.paid_at)).map_err(|e| format!("paid at: {e}")));
    let payment_refs = [cols.charge, cols.payment_intent].into_iter().filter_map(|c| text(&input.get(c))).collect();
    Row::Record(Box::new(Record::Invoice(ImportedInvoice {
        lines: Vec::new(),
        memo: String::new(),
        line: input.line(),
        external_id: id.to_string(),
        customer: CustomerRef {
            external_id: input.get(cols.customer).into_owned(),
            name: text(&input.get(cols.customer_name)),
            email: text(&input.get(cols.customer_email)),
        },
        number: text(&input.get(cols.number)).unwrap_or_else(|| id.to_string()),
        issue_date: issue,
        due_date: due,
        period,
        currency,
        total_minor: total,
        status,
        amount_paid_minor: amount_paid,
        credit_applied_minor: if status.is_issued() { total - due_amount } else { 0 },
        paid_on,
        // The invoices export has no void date: a void one is dated by the run.
        voided_on: None,
        payment_refs,
        test_mode: test_mode(input, cols),
        raw: if print.unchanged.is_some() { serde_json::Value::Null } else { input.raw() },
        print: Some(print),
    })))
}

/// Stripe payment statuses as ardesk's; `None` for those that moved no money.
fn payment_status(s: &str) -> Result<Option<PaymentStatus>, String> {
    Ok(Some(match s.trim().to_ascii_lowercase().replace(' ', "_").as_str() {
        "paid" | "succeeded" | "partially_refunded" | "disputed" | "won" => PaymentStatus::Succeeded,
        "refunded" => PaymentStatus::Refunded,
        "failed" => PaymentStatus::Failed,
        "pending" | "processing" => PaymentStatus::Pending,
        "canceled" | "cancelled" | "uncaptured" | "blocked" | "incomplete" | "expired" => return Ok(None),
        s if s.starts_with("requires_") => return Ok(None),
        other => return Err(format!("\"{other}\" is not a Stripe payment status")),
    }))
}

fn payment_row(input: &CsvInput, cols: &Cols, amounts: &AmountParser) -> Row {
    let status_text = input.get(cols.status);
    let Some(mut status) = tri!(payment_status(&status_text)) else {
        let what = input.get(cols.payment_intent);
        return Row::Skip(format!("{what} moved no money (status {status_text})").trim_start().to_string());
    };
    let currency = tri!(parse_currency(&input.get(cols.currency)));
    let amount = tri!(amounts.parse_unsigned(&input.get(cols.amount), currency).map_err(|e| format!("Amount: {e}")));
    let refunded = match text(&input.get(cols.refunded)) {
        Some(r) => tri!(amounts.parse_unsigned(&r, currency).map_err(|e| format!("Amount Refunded: {e}"))),
        None if status == PaymentStatus::Refunded => amount,
        None => 0,
    };
    if amount == 0 {
        return Row::Skip("the amount is zero".into());
    }
    if refunded > amount {
        return Row::Refuse(format!("refunded {refunded} is more than the amount {amount} (minor units)"));
    }
    if tri!(parse_bool(&input.get(cols.captured)).map_err(|e| format!("Captured: {e}"))) == Some(false)
        && status == PaymentStatus::Succeeded
    {
        return Row::Skip("authorized but never captured: no money moved".into());
    }
    let mut refunded = refunded;
    if input.get(cols.dispute_status).eq_ignore_ascii_case("lost") {
        let disputed = match text(&input.get(cols.disputed)) {
            Some(d) => tri!(amounts.parse_unsigned(&d, currency).map_err(|e| format!("Disputed Amount: {e}"))),
            None => amount,
        };
        refunded = (refunded + disputed).min(amount);
    }
    status = match status {
        PaymentStatus::Refunded | PaymentStatus::Succeeded if refunded == amount => PaymentStatus::Refunded,
        PaymentStatus::Refunded => PaymentStatus::Succeeded,
        s => s,
    };
    if matches!(status, PaymentStatus::Failed | PaymentStatus::Pending) {
        refunded = 0;
    }
    let received = tri!(parse_date(&input.get(cols.created)).map_err(|e| format!("created: {e}")));
    // The date of the refund, when the export has the column and a refund.
    let refunded_on = match refunded > 0 {
        true => tri!(parse_opt_date(&input.get(cols.refunded_at)).map_err(|e| format!("refunded date: {e}"))),
        false => None,
    };
    let customer = input.get(cols.customer).into_owned();
    let invoice = match (text(&input.get(cols.invoice_id)), text(&input.get(cols.invoice_number))) {
        (Some(id), _) => Some(InvoiceRef::External(id)),
        (None, Some(n)) => Some(InvoiceRef::Number(n)),
        _ => None,
    };
    let id = match text(&input.get(cols.id)) {
        Some(id) => id,
        None if cols.id.is_some() => return Row::Refuse("the payment has no id".into()),
        None => {
            let key = format!("{}|{}|{}|{}|{:?}", input.get(cols.created), amount, currency, customer, invoice);
            let hash = Sha256::digest(key.as_bytes());
            let hex: String = hash.iter().take(10).map(|b| format!("{b:02x}")).collect();
            format!("row_{hex}")
        }
    };
    let aliases = text(&input.get(cols.payment_intent)).into_iter().collect();
    Row::Record(Box::new(Record::Payment(ImportedPayment {
        credit_uses: Vec::new(),
        refunded_on,
        line: input.line(),
        reference: id.clone(),
        external_id: id,
        aliases,
        customer: CustomerRef {
            external_id: customer,
            name: text(&input.get(cols.customer_name)),
            email: text(&input.get(cols.customer_email)),
        },
        received_on: received,
        currency,
        amount_minor: amount,
        refunded_minor: refunded,
        status,
        method: PaymentMethod::Automatic,
        invoice,
        splits: Vec::new(),
        test_mode: test_mode(input, cols),
        raw: input.raw(),
    })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::merge::invoice_raw;
    use crate::import::read::prints::PRINT_VERSION;
    use std::io::Write;

    /// Collects the invoices a parser gives.
    struct Invoices(Vec<ImportedInvoice>);

    impl Sink for Invoices {
        fn record(&mut self, record: Record) -> Result<(), ImportError> {
            if let Record::Invoice(i) = record {
                self.0.push(i);
            }
            Ok(())
        }

        fn issue(&mut self, _: usize, _: IssueKind, _: ObjectKind, reason: String) {
            panic!("{reason}");
        }

        fn default_currency(&self) -> Currency {
            Currency::USD
        }
    }

    /// What a printed row maps to is what its print stands for
    /// (`read::prints`): a change here must come with a new
    /// `PRINT_VERSION`, or rows printed before would be taken for
    /// unchanged though they now map to another baseline.
    #[test]
    fn the_mapping_is_pinned() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(
            b"id,Amount Due,Currency,Customer,Customer Name,Date (UTC),Due Date (UTC),Number,Paid,Total,Amount Paid,\
              Status,Charge,Period Start (UTC),Period End (UTC),Paid At (UTC),Mode\n\
              in_1, 1331.71 ,usd,cus_1,Acme,2016-01-02 10:00,2016-02-01 10:00,A-1,true,1331.71,1331.71,paid,ch_1,\
              2016-01-01,2016-01-31,2016-01-05 09:00,live\n",
        )
        .unwrap();
        let mut input = CsvInput::open(f.path(), &|h| h.first().is_some_and(|c| c == "id"), false).unwrap();
        let mut sink = Invoices(Vec::new());
        parse(ObjectKind::Invoices, &mut input, &mut sink).unwrap();
        let inv = &sink.0[0];
        let kept = invoice_raw(inv);
        let base: String = kept.base.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            (PRINT_VERSION, base.as_str(), kept.line),
            (
                1,
                "0104412d310b323031362d30312d30320b323031362d30322d30310b323031362d30312d30310b323031362d30312d33310455\
                 53440731333331373105706169640731333331373102300b323031362d30312d3035066375735f310563685f31010c13c5adc3\
                 94aa86",
                Some(18144364886785199386)
            ),
            "the mapping of a Stripe invoice row changed: bump read::prints::PRINT_VERSION, then update this pin"
        );
    }
}

//! The Customer Contact List report as CSV: title rows above the header, a
//! TOTAL row and the run's timestamp below it, customers keyed on their
//! full name, and the Open balance column counted but not imported.

use crate::domain::external_id::name_key;
use crate::domain::{Currency, Money};
use crate::import::ImportError;
use crate::import::parse::record::*;
use crate::import::parse::{Row, Sink, each_row, tri};
use crate::import::read::amount::{AmountParser, parse_currency};
use crate::import::read::csv_input::CsvInput;
use crate::import::read::decimals::decide;
use crate::import::read::fields::text;
use std::collections::BTreeMap;

pub(super) fn parse(object: ObjectKind, input: &mut CsvInput, sink: &mut dyn Sink) -> Result<(), ImportError> {
    if !matches!(object, ObjectKind::Customers | ObjectKind::Companies) {
        return Err(ImportError::NotSupported {
            path: input.path.clone(),
            what: format!(
                "QuickBooks {} reports are not supported: import the Customer Contact List report, \
                 or the API's JSON for invoices and payments",
                object.label()
            ),
        });
    }
    let cols = Cols::new(input);
    if cols.name.is_none() {
        return Err(ImportError::File {
            path: input.path.clone(),
            reason: "the report has no Customer or Customer full name column".into(),
        });
    }
    input.set_key_column(cols.name);
    input.set_footer_test(is_footer);
    let home = sink.default_currency();
    let amounts = decide(input, &[cols.open_balance], &|i| {
        let total = is_total(&i.get(cols.name));
        let cur = text(&i.get(cols.currency)).map_or(Ok(home), |c| currency_cell(&c));
        if total { None } else { cur.ok() }
    })?;
    // Summed wide: a file's balances may add up past i64 (each is
    // bounded, their number is not).
    let mut open: BTreeMap<Currency, i128> = BTreeMap::new();
    each_row(input, object, sink, |input| {
        if is_total(&input.get(cols.name)) {
            return Row::NotData;
        }
        customer_row(input, &cols, &amounts, home, &mut open)
    })?;
    let owed: Vec<String> = open.iter().filter(|(_, m)| **m != 0).map(|(c, m)| shown(*m, *c)).collect();
    if !owed.is_empty() {
        sink.note(format!(
            "{}: its Open balance column ({}) was not imported: ardesk derives balances from invoices, \
             so import the QuickBooks invoices (API JSON) to bring them in",
            input.path.display(),
            owed.join(", ")
        ));
    }
    Ok(())
}

/// A sum of balances as people read it, however large.
fn shown(minor: i128, cur: Currency) -> String {
    match i64::try_from(minor) {
        Ok(m) => Money::new(m, cur).display(),
        Err(_) => match rust_decimal::Decimal::try_from_i128_with_scale(minor, cur.exponent()) {
            Ok(d) => format!("{d} {}", cur.code()),
            Err(_) => format!("{minor} minor units of {}", cur.code()),
        },
    }
}

/// Column positions, by the names of both header generations.
struct Cols {
    name: Option<usize>,
    email: Option<usize>,
    company: Option<usize>,
    open_balance: Option<usize>,
    currency: Option<usize>,
}

impl Cols {
    fn new(input: &CsvInput) -> Cols {
        let c = |names: &[&str]| names.iter().find_map(|n| input.column(n));
        Cols {
            name: c(&["Customer full name", "Customer", "Customer name", "Display name"]),
            email: c(&["Email", "Email address"]),
            company: c(&["Company name", "Company"]),
            open_balance: c(&["Open balance", "Balance"]),
            currency: c(&["Currency"]),
        }
    }
}

/// The report's TOTAL row.
fn is_total(name: &str) -> bool {
    let n = name.trim().to_ascii_lowercase();
    n == "total" || n == "grand total" || n.starts_with("total for ")
}

/// The line QuickBooks writes under a report: when it ran ("Wednesday,
/// September 30, 2026 01:46 PM GMT-05:00"), maybe after the basis.
pub(crate) fn is_footer(cell: &str) -> bool {
    const DAYS: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
    let lower = cell.trim().to_ascii_lowercase();
    let rest = ["accrual basis", "cash basis"].iter().find_map(|b| lower.strip_prefix(b)).unwrap_or(&lower);
    let rest = rest.trim_start_matches([' ', '-']);
    if rest.is_empty() {
        return true;
    }
    let Some(day) = DAYS.iter().find(|d| rest.starts_with(**d)) else { return false };
    let Some(after) = rest[day.len()..].strip_prefix(',') else { return false };
    let month = after.trim_start().get(..3).unwrap_or("");
    MONTHS.contains(&month) && after.split(|c: char| !c.is_ascii_digit()).any(|n| n.len() == 4)
}

const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/// A currency cell: "USD", or "USD - United States Dollar".
fn currency_cell(cell: &str) -> Result<Currency, String> {
    let code = cell.split([' ', '-', '(']).find(|p| !p.is_empty()).unwrap_or("");
    parse_currency(code).map_err(|e| format!("Currency: {e}"))
}

fn customer_row(
    input: &CsvInput,
    cols: &Cols,
    amounts: &AmountParser,
    default: Currency,
    open: &mut BTreeMap<Currency, i128>,
) -> Row {
    let Some(name) = text(&input.get(cols.name)) else {
        return Row::Skip("the row names no customer".into());
    };
    let currency = match text(&input.get(cols.currency)) {
        Some(c) => Some(tri!(currency_cell(&c))),
        None => None,
    };
    if let Some(b) = text(&input.get(cols.open_balance)) {
        let cur = currency.unwrap_or(default);
        let minor = tri!(amounts.parse(&b, cur).map_err(|e| format!("Open balance: {e}")));
        *open.entry(cur).or_default() += i128::from(minor);
    }
    Row::Record(Box::new(Record::Customer(ImportedCustomer {
        line: input.line(),
        external_id: name_key(&name),
        name,
        legal_name: text(&input.get(cols.company)),
        email: text(&input.get(cols.email)),
        // No billing address columns in the exports seen.
        address: None,
        currency,
        credit_minor: 0,
        external_url: None,
        test_mode: false,
        raw: input.raw(),
    })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::links::quickbooks_customer_url;

    #[test]
    fn footers_and_totals() {
        assert!(is_footer(" Wednesday, September 30, 2026 01:46 PM GMT-05:00"));
        assert!(is_footer("Friday, June 12, 2026 07:33 AM GMTZ"));
        assert!(is_footer("Accrual Basis Monday, May 14, 2018 11:25:38 AM GMT-7"));
        assert!(!is_footer("Monday Consulting Group"));
        assert!(!is_footer("Sunday, Bloody Sunday Ltd"));
        assert!(!is_footer("Amy's Bird Sanctuary"));
        assert!(!is_footer("Monday, (555) 010-4004"));
        assert!(is_total("TOTAL") && is_total("Total for Acme") && !is_total("Totally Fit Gym"));
    }

    #[test]
    fn currency_cells_and_links() {
        assert_eq!(currency_cell("USD - United States Dollar"), Ok(Currency::USD));
        assert_eq!(currency_cell("eur"), Ok(Currency::EUR));
        assert!(currency_cell("Dollars").is_err());
        assert_eq!(
            quickbooks_customer_url("58").as_deref(),
            Some("https://app.qbo.intuit.com/app/customerdetail?nameId=58")
        );
        assert_eq!(quickbooks_customer_url("name:Acme"), None);
        assert_eq!(quickbooks_customer_url(""), None);
    }
}

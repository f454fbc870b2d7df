//! Salesforce CSV: Data Loader extracts and success files, the Data
//! Export's object files and report exports, one row at a time, every id
//! in its 18-character form.

use super::IMPORTS;
use crate::domain::external_id::to_18;
use crate::import::ImportError;
use crate::import::parse::address::from_cells;
use crate::import::parse::record::*;
use crate::import::parse::{Row, Sink, each_row, tri};
use crate::import::read::amount::parse_currency;
use crate::import::read::csv_input::CsvInput;
use crate::import::read::fields::{parse_bool, text};

pub(super) fn parse(object: ObjectKind, input: &mut CsvInput, sink: &mut dyn Sink) -> Result<(), ImportError> {
    let cols = Cols::new(input, object);
    let row: fn(&CsvInput, &Cols) -> Row = match object {
        ObjectKind::Companies | ObjectKind::Customers => account_row,
        ObjectKind::Contacts => contact_row,
        _ => {
            return Err(ImportError::NotSupported {
                path: input.path.clone(),
                what: format!("{IMPORTS}, not {}", object.label()),
            });
        }
    };
    let id = if object == ObjectKind::Contacts { cols.contact_id } else { cols.account_id };
    if id.is_none() {
        return Err(ImportError::File {
            path: input.path.clone(),
            reason: "no Id column (Id, Account ID or Contact ID): export again with the record Id, which is \
                     what re-imports match on"
                .into(),
        });
    }
    input.set_key_column(id);
    each_row(input, object, sink, |input| row(input, &cols))
}

/// Column positions by API name or report label.
struct Cols {
    account_id: Option<usize>,
    contact_id: Option<usize>,
    account_name: Option<usize>,
    name: Option<usize>,
    first: Option<usize>,
    last: Option<usize>,
    email: Option<usize>,
    phone: Option<usize>,
    mobile: Option<usize>,
    title: Option<usize>,
    currency: Option<usize>,
    deleted: Option<usize>,
    street: Option<usize>,
    city: Option<usize>,
    state: Option<usize>,
    postal: Option<usize>,
    country: Option<usize>,
}

impl Cols {
    fn new(input: &CsvInput, object: ObjectKind) -> Cols {
        let c = |names: &[&str]| names.iter().find_map(|n| input.column(n));
        let contact = object == ObjectKind::Contacts;
        Cols {
            account_id: if contact { c(&["AccountId", "Account ID"]) } else { c(&["Id", "Account ID"]) },
            contact_id: c(&["Id", "Contact ID"]),
            account_name: c(&["Account.Name", "Account Name"]),
            name: if contact { c(&["Name", "Full Name", "Contact Name"]) } else { c(&["Name", "Account Name"]) },
            first: c(&["FirstName", "First Name"]),
            last: c(&["LastName", "Last Name"]),
            email: c(&["Email"]),
            phone: c(&["Phone"]),
            mobile: c(&["MobilePhone", "Mobile"]),
            title: c(&["Title"]),
            currency: c(&["CurrencyIsoCode", "Account Currency", "Contact Currency", "Currency"]),
            street: c(&["BillingStreet", "Billing Street"]),
            city: c(&["BillingCity", "Billing City"]),
            state: c(&["BillingState", "Billing State/Province"]),
            postal: c(&["BillingPostalCode", "Billing Zip/Postal Code"]),
            country: c(&["BillingCountry", "Billing Country"]),
            deleted: c(&["IsDeleted"]),
        }
    }
}

fn cell(input: &CsvInput, col: Option<usize>) -> Option<String> {
    text(&input.get(col))
}

/// Whether the row is in the recycle bin.
fn deleted(input: &CsvInput, cols: &Cols) -> Result<bool, String> {
    parse_bool(&input.get(cols.deleted)).map(|d| d == Some(true)).map_err(|e| format!("IsDeleted: {e}"))
}

fn account_row(input: &CsvInput, cols: &Cols) -> Row {
    let id = tri!(to_18(&input.get(cols.account_id)).map_err(|e| format!("Id: {e}")));
    let name = cell(input, cols.name);
    if tri!(deleted(input, cols)) {
        return Row::Skip(format!("account {id} is in the Salesforce recycle bin (IsDeleted)"));
    }
    let currency = match cell(input, cols.currency) {
        Some(c) => Some(tri!(parse_currency(&c).map_err(|e| format!("CurrencyIsoCode: {e}")))),
        None => None,
    };
    Row::Record(Box::new(Record::Customer(ImportedCustomer {
        line: input.line(),
        name: name.unwrap_or_else(|| format!("Salesforce account {id}")),
        external_id: id,
        legal_name: None,
        email: None,
        address: from_cells(
            &[cell(input, cols.street)],
            cell(input, cols.city),
            cell(input, cols.state),
            cell(input, cols.postal),
            cell(input, cols.country),
        ),
        currency,
        credit_minor: 0,
        external_url: None,
        test_mode: false,
        raw: input.raw(),
    })))
}

/// "First Last", else the full name, else what else names the contact.
pub(super) fn contact_name(parts: [Option<String>; 3], email: &str, phone: &str, id: &str) -> String {
    let [first, last, full] = parts;
    let joined = [first, last].into_iter().flatten().collect::<Vec<_>>().join(" ");
    [joined, full.unwrap_or_default(), email.to_string(), phone.to_string()]
        .into_iter()
        .find(|n| !n.is_empty())
        .unwrap_or_else(|| format!("Salesforce contact {id}"))
}

fn contact_row(input: &CsvInput, cols: &Cols) -> Row {
    let id = tri!(to_18(&input.get(cols.contact_id)).map_err(|e| format!("Id: {e}")));
    let email = cell(input, cols.email).unwrap_or_default();
    let phone = cell(input, cols.phone).or_else(|| cell(input, cols.mobile)).unwrap_or_default();
    let name =
        contact_name([cell(input, cols.first), cell(input, cols.last), cell(input, cols.name)], &email, &phone, &id);
    if tri!(deleted(input, cols)) {
        return Row::Skip(format!("contact {id} ({name}) is in the Salesforce recycle bin (IsDeleted)"));
    }
    let Some(account) = cell(input, cols.account_id) else {
        return Row::Skip(format!("contact {id} ({name}) belongs to no account in Salesforce (a private contact)"));
    };
    let account = tri!(to_18(&account).map_err(|e| format!("AccountId: {e}")));
    Row::Record(Box::new(Record::Contact(ImportedContact {
        line: input.line(),
        external_id: id,
        customer: CustomerRef { external_id: account, name: cell(input, cols.account_name), email: None },
        name,
        email,
        phone,
        role: cell(input, cols.title).unwrap_or_default(),
        primary: false,
        test_mode: false,
        raw: input.raw(),
    })))
}

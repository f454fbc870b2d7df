//! HubSpot's CSV exports of companies and contacts, read by the labels of
//! the file's language, one row at a time.

use super::labels::{self as hl, Labels};
use crate::import::ImportError;
use crate::import::parse::address::from_cells;
use crate::import::parse::record::*;
use crate::import::parse::{Row, Sink, each_row, tri};
use crate::import::read::amount::parse_currency;
use crate::import::read::csv_input::CsvInput;
use crate::import::read::fields;

pub(super) fn parse(object: ObjectKind, input: &mut CsvInput, sink: &mut dyn Sink) -> Result<(), ImportError> {
    let cols = Cols::new(input);
    let row: fn(&CsvInput, &Cols) -> Row = match object {
        ObjectKind::Companies | ObjectKind::Customers => company_row,
        ObjectKind::Contacts => contact_row,
        _ => {
            return Err(ImportError::NotSupported {
                path: input.path.clone(),
                what: format!("ardesk imports HubSpot companies and contacts, not {}", object.label()),
            });
        }
    };
    if cols.id.is_none() {
        return Err(ImportError::File {
            path: input.path.clone(),
            reason: "no Record ID column: export from HubSpot again with the Record ID (it is what \
                     re-imports match on)"
                .into(),
        });
    }
    input.set_key_column(cols.id);
    each_row(input, object, sink, |input| row(input, &cols))
}

struct Cols {
    lang: Option<&'static Labels>,
    id: Option<usize>,
    first: Option<usize>,
    last: Option<usize>,
    email: Option<usize>,
    phone: Option<usize>,
    mobile: Option<usize>,
    title: Option<usize>,
    company: Option<usize>,
    domain: Option<usize>,
    currency: Option<usize>,
    company_ids: Option<usize>,
    company_names: Option<usize>,
    street: Option<usize>,
    street2: Option<usize>,
    city: Option<usize>,
    state: Option<usize>,
    zip: Option<usize>,
    country: Option<usize>,
}

impl Cols {
    fn new(input: &CsvInput) -> Cols {
        let lang = hl::language(&input.header);
        let c =
            |pick: fn(&Labels) -> &'static [&'static str]| hl::labels(lang, pick).iter().find_map(|n| input.column(n));
        let list = |names: &[&str]| names.iter().find_map(|n| input.column(n));
        Cols {
            lang,
            id: c(|l| l.record_id).or_else(|| list(hl::LEGACY_IDS)),
            first: c(|l| l.first_name),
            last: c(|l| l.last_name),
            email: c(|l| l.email),
            phone: c(|l| l.phone),
            mobile: c(|l| l.mobile),
            title: c(|l| l.job_title),
            company: c(|l| l.company_name),
            domain: c(|l| l.company_domain),
            currency: c(|l| l.currency),
            company_ids: list(hl::COMPANY_IDS),
            company_names: list(hl::COMPANY_NAMES),
            // A company's address: the English export's labels, then the
            // property names.
            street: list(&["Street Address", "address"]),
            street2: list(&["Street Address 2", "address2"]),
            city: list(&["City", "city"]),
            state: list(&["State/Region", "state"]),
            zip: list(&["Postal Code", "zip"]),
            country: list(&["Country/Region", "country"]),
        }
    }
}

/// A HubSpot id as written, or as a spreadsheet rewrote it: plain digits,
/// digits with ".0", or scientific notation whose mantissa holds every
/// digit. Anything else is refused with what to do.
pub(super) fn parse_id(input: &str) -> Result<String, String> {
    let s = input.trim();
    let plain = s.strip_suffix(".0").unwrap_or(s);
    if !plain.is_empty() && plain.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(plain.to_string());
    }
    let Some((mantissa, exp)) = s.split_once(['E', 'e']) else {
        return Err(format!("\"{s}\" is not a HubSpot id (ids are whole numbers)"));
    };
    let exp: usize =
        exp.strip_prefix('+').unwrap_or(exp).parse().map_err(|_| format!("\"{s}\" is not a HubSpot id"))?;
    let (int, frac) = mantissa.split_once(['.', ',']).unwrap_or((mantissa, ""));
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !digits(int) || !digits(frac) || frac.len() > exp {
        return Err(format!("\"{s}\" is not a HubSpot id (ids are whole numbers)"));
    }
    if frac.len() < exp {
        return Err(format!(
            "the id \"{s}\" was turned into scientific notation by a spreadsheet and its last {} digit(s) are lost, \
             so it cannot be matched: export from HubSpot again and import that file as it is (or open it in the \
             spreadsheet with the id columns as Text)",
            exp - frac.len()
        ));
    }
    Ok(format!("{int}{frac}"))
}

fn text(input: &CsvInput, col: Option<usize>) -> Option<String> {
    fields::text(&input.get(col))
}

fn company_row(input: &CsvInput, cols: &Cols) -> Row {
    let id = tri!(parse_id(&input.get(cols.id)).map_err(|e| format!("Record ID: {e}")));
    let currency = match text(input, cols.currency) {
        Some(c) => Some(tri!(parse_currency(&c))),
        None => None,
    };
    let name = text(input, cols.company)
        .or_else(|| text(input, cols.domain))
        .unwrap_or_else(|| format!("HubSpot company {id}"));
    Row::Record(Box::new(Record::Customer(ImportedCustomer {
        line: input.line(),
        external_id: id,
        name,
        legal_name: None,
        email: None,
        address: from_cells(
            &[text(input, cols.street), text(input, cols.street2)],
            text(input, cols.city),
            text(input, cols.state),
            text(input, cols.zip),
            text(input, cols.country),
        ),
        currency,
        credit_minor: 0,
        external_url: None,
        test_mode: false,
        raw: input.raw(),
    })))
}

/// The first of a `;`-separated list.
fn first_of(cell: &str) -> Option<&str> {
    cell.split(';').map(str::trim).find(|p| !p.is_empty())
}

fn contact_row(input: &CsvInput, cols: &Cols) -> Row {
    let id = tri!(parse_id(&input.get(cols.id)).map_err(|e| format!("Record ID: {e}")));
    let (first, last) = (text(input, cols.first), text(input, cols.last));
    let email = text(input, cols.email).unwrap_or_default();
    let phone = text(input, cols.phone).or_else(|| text(input, cols.mobile)).unwrap_or_default();
    // Japanese names read family name first.
    let parts = if cols.lang.is_some_and(|l| l.lang == "ja") { [last, first] } else { [first, last] };
    let name = parts.into_iter().flatten().collect::<Vec<_>>().join(" ");
    let name = [name, email.clone(), phone.clone()]
        .into_iter()
        .find(|n| !n.is_empty())
        .unwrap_or_else(|| format!("HubSpot contact {id}"));
    let ids = input.get(cols.company_ids);
    let Some(company) = first_of(&ids) else {
        return Row::Skip(format!(
            "contact {id} ({name}) is associated with no company in HubSpot: associate it with one and export \
             again, or add it by hand to its customer"
        ));
    };
    let company = tri!(parse_id(company).map_err(|e| format!("Associated Company IDs: {e}")));
    let names = input.get(cols.company_names);
    let several = ids.split(';').filter(|p| !p.trim().is_empty()).count() > 1;
    let company_name = if several { first_of(&names).map(str::to_string) } else { fields::text(&names) };
    Row::Record(Box::new(Record::Contact(ImportedContact {
        line: input.line(),
        external_id: id,
        customer: CustomerRef { external_id: company, name: company_name, email: None },
        name,
        email,
        phone,
        role: text(input, cols.title).unwrap_or_default(),
        primary: false,
        test_mode: false,
        raw: input.raw(),
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_what_spreadsheets_do_to_them() {
        assert_eq!(parse_id("201234567891").as_deref(), Ok("201234567891"));
        assert_eq!(parse_id("201234567891.0").as_deref(), Ok("201234567891"));
        assert_eq!(parse_id("2.01234567891E+11").as_deref(), Ok("201234567891"));
        assert_eq!(parse_id("2,01234567891E+11").as_deref(), Ok("201234567891"));
        let lost = parse_id("2.01235E+11").unwrap_err();
        assert!(lost.contains("scientific notation") && lost.contains("6 digit(s) are lost"), "{lost}");
        assert!(parse_id("2E+11").unwrap_err().contains("export from HubSpot again"));
        assert!(parse_id("1.5").unwrap_err().contains("whole numbers"));
        assert!(parse_id("abc").is_err());
        assert!(parse_id("").is_err());
    }
}

//! Currencies are ISO 4217's (issue 14, defect 3): any three letters used
//! to pass, and the cards then read "UDS 0.00". One table gives the codes
//! and their minor units; a code already stored that it lacks is kept and
//! reported by `check`, never dropped.

mod common;
mod support;

use ardesk::domain::Currency;
use ardesk::domain::edit::CustomerEdit;
use ardesk::domain::money::Money;
use ardesk::store::{OpenMode, Store};
use common::*;

fn edit(name: &str, currency: &str) -> CustomerEdit {
    CustomerEdit {
        name: name.into(),
        legal_name: String::new(),
        billing_email: String::new(),
        billing_address: String::new(),
        currency: currency.parse().unwrap(),
        invoices_paused: false,
        portal: false,
    }
}

on_both! {
fn any_three_letters_are_not_a_currency(s: &mut Books) {
    for code in ["XYZ", "UDS", "XAU"] {
        let err = s.create_customer(&edit("Typo Ltd", code)).unwrap_err().to_string();
        assert_eq!(err, format!("\"{code}\" is not a currency ISO 4217 knows (e.g. USD, EUR, JPY)"));
    }
    // Withdrawn codes old exports carry still work, with their minor units.
    let id = s.create_customer(&edit("Zagreb d.o.o.", "HRK")).unwrap();
    assert_eq!(s.customer(id).unwrap().currency.exponent(), 2);
    assert_eq!(Currency::known(" usd ").unwrap(), Currency::USD);
    assert!(Currency::known("UDS").is_err());
    // Minor units from the table: four for the Chilean UF.
    let clf: Currency = "CLF".parse().unwrap();
    assert_eq!(Money::new(12_345_678, clf).plain(), "1234.5678");
}
}

#[test]
fn a_stored_unknown_code_is_kept_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("c.db");
    let mut s = Store::open(&p, OpenMode::Create).unwrap();
    let id = s.create_customer(&edit("Typo Ltd", "USD")).unwrap();
    drop(s);
    {
        let c = rusqlite::Connection::open(&p).unwrap();
        c.execute("UPDATE customers SET currency = 'UDS' WHERE id = ?1", [id]).unwrap();
        c.execute("UPDATE organization SET default_currency = 'XYZ'", []).unwrap();
    }
    let mut s = Store::open(&p, OpenMode::MustExist).unwrap();
    let c = s.customer(id).unwrap();
    assert_eq!(c.currency.code(), "UDS", "read as stored");
    // Other edits of the customer still save; changing to another unknown
    // code does not.
    s.update_customer(id, c.version, &CustomerEdit { name: "Renamed".into(), ..edit("", "UDS") }).unwrap();
    let problems = s.check(d("2026-12-05")).unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p == "currency \"UDS\" is not one ISO 4217 knows: 1 row(s) of customers (kept as they are)"),
        "{problems:?}"
    );
    assert!(problems.iter().any(|p| p.contains("\"XYZ\"") && p.contains("organization's default")), "{problems:?}");
    drop(s);
    // The command line's setting refuses one too.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ardesk"))
        .args(["org", "default-currency", "ABC", "--db"])
        .arg(&p)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("\"ABC\" is not a currency ISO 4217 knows"), "{err}");
}

//! Whole imports of one Stripe invoices export whose amounts the input
//! writes (any text, or amounts in one convention), its rows in two
//! orders, each into a fresh database: the invoices land with the same
//! totals either way, or the same rows are refused either way — the order
//! of a file's rows never changes what is stored — and amounts written in
//! one convention land with their value unless the file is refused as
//! ambiguous.
#![no_main]

use ardesk::domain::Currency;
use ardesk::domain::bounds::MAX_AMOUNT_MINOR;
use ardesk::domain::columns::{Seek, Sort, Tab};
use ardesk::domain::model::InvoiceRow;
use ardesk::import::marks::Mark;
use ardesk::import::{ImportError, ImportOptions, run_import};
use ardesk::store::{Store, StoreError};
use ardesk_fuzz::{AMOUNT_CURRENCIES, write_amount};
use libfuzzer_sys::fuzz_target;
use std::fmt::Write as _;

const HEADER: &str =
    "id;Amount Due;Amount Paid;Currency;Customer;Customer Name;Date (UTC);Due Date (UTC);Number;Status;Total\n";

/// One row: number, currency code, total and amount paid as written, and
/// the total's value when the input wrote it from one.
struct Row {
    number: String,
    currency: &'static str,
    total: String,
    paid: String,
    value: Option<i64>,
}

/// What one import did: every invoice's total by number, or the refused
/// rows (by number) and reasons, or the file's refusal, without the cells
/// named as evidence (`unlined`).
fn import(rows: &[&Row], opts: &ImportOptions) -> Result<Vec<(String, i64)>, String> {
    let mut text = String::from(HEADER);
    for r in rows {
        let clean = |s: &str| s.replace(['\n', '\r', ';', '"'], " ");
        let (n, cur, total, paid) = (&r.number, r.currency, clean(&r.total), clean(&r.paid));
        let _ = writeln!(text, "in_{n};{total};{paid};{cur};cus_{cur};C {cur};2026-01-05;2026-02-04;{n};open;{total}");
    }
    let path = ardesk_fuzz::scratch("invoices.csv", text.as_bytes());
    let mut store = Store::open_in_memory().expect("in-memory database");
    match run_import(&mut store, &[path], opts, false) {
        Ok(_) => {}
        Err(ImportError::Store(StoreError::Sql(e))) => panic!("a database error instead of a reason: {e}"),
        Err(ImportError::Refused { report }) => {
            let mut why: Vec<String> = report
                .issues
                .iter()
                .map(|i| {
                    format!("{}: {}", rows.get(i.line.wrapping_sub(2)).map_or("?", |r| &r.number), unlined(&i.reason))
                })
                .collect();
            why.sort();
            return Err(why.join("\n"));
        }
        Err(e) => return Err(unlined(&e.to_string())),
    }
    let mut totals = Vec::new();
    for cur in AMOUNT_CURRENCIES {
        let Ok(id) = store.resolve_customer(&format!("stripe:cus_{cur}")) else { continue };
        let shown =
            store.window::<InvoiceRow>(id, Sort::default_for(Tab::Invoices), &Seek::First, 100).expect("invoices");
        totals.extend(shown.into_iter().map(|k| (k.row.number, k.row.total.minor)));
    }
    totals.sort();
    Ok(totals)
}

/// A message without the cell it names as the evidence for the file's
/// decimal mark: the first such cell by line, which moves with the rows.
fn unlined(s: &str) -> String {
    if s.contains("do not show which mark") {
        return "ambiguous".into();
    }
    if s.contains("written both ways") {
        return "written both ways".into();
    }
    s.split(" (line ").next().unwrap_or(s).to_string()
}

fuzz_target!(|data: &[u8]| {
    let [sel, rest @ ..] = data else { return };
    let opts = ImportOptions {
        decimal: [None, Some(Mark::Point), Some(Mark::Comma)][usize::from(sel >> 4) % 3],
        ..Default::default()
    };
    let cur = |b: usize| AMOUNT_CURRENCIES[b % AMOUNT_CURRENCIES.len()];
    let mark = if sel & 2 == 0 { Mark::Point } else { Mark::Comma };
    let rows: Vec<Row> = if sel & 1 == 0 {
        // Any text: a line a total, the next its amount paid.
        let Ok(text) = std::str::from_utf8(rest) else { return };
        let cells: Vec<&str> = text.split('\n').take(16).collect();
        cells
            .chunks(2)
            .enumerate()
            .map(|(i, c)| Row {
                number: format!("F-{i}"),
                currency: cur(usize::from(*sel / 4) + i),
                total: c[0].to_string(),
                paid: c.get(1).copied().unwrap_or("0").to_string(),
                value: None,
            })
            .collect()
    } else {
        // Amounts written in one convention: 10 bytes each (8 of value, a
        // style, a currency); small values more often.
        rest.chunks_exact(10)
            .take(16)
            .enumerate()
            .map(|(i, c)| {
                let mut raw = [0u8; 8];
                raw.copy_from_slice(&c[..8]);
                let currency = cur(usize::from(c[9]));
                let exp = currency.parse::<Currency>().map_or(2, |x| x.exponent());
                let v = u64::from_le_bytes(raw);
                let v = if c[9] & 0x80 != 0 { v % 10_000_000 } else { v % (MAX_AMOUNT_MINOR as u64 + 1) };
                let total = write_amount(v, exp, mark, c[8]);
                Row { number: format!("W-{i}"), currency, total, paid: "0".into(), value: Some(v as i64) }
            })
            .collect()
    };
    if rows.is_empty() {
        return;
    }
    let forward: Vec<&Row> = rows.iter().collect();
    let backward: Vec<&Row> = rows.iter().rev().collect();
    let (a, b) = (import(&forward, &opts), import(&backward, &opts));
    assert_eq!(a, b, "row order changed what the import did");
    if sel & 1 == 1 && opts.decimal.is_none() {
        match &a {
            Ok(totals) => {
                for r in &rows {
                    let got = totals.iter().find(|t| t.0 == r.number).map(|t| t.1);
                    assert_eq!(got, r.value, "{:?} written {mark:?}", r.total);
                }
            }
            Err(why) => assert_eq!(why, "ambiguous"),
        }
    }
});

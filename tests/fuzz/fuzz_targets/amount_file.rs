//! Amounts in the context of their file: the decimal mark decided once
//! from all of a file's amounts (`import::decimals::settle`), then every
//! cell read that way. Nothing panics; the decision and every value are
//! the same in any row order; and amounts written in one convention read
//! back to their value, or the file is refused as ambiguous — never
//! another value.
#![no_main]

use ardesk::domain::Currency;
use ardesk::domain::bounds::MAX_AMOUNT_MINOR;
use ardesk::import::amount::AmountParser;
use ardesk::import::decimals::{Cell, settle};
use ardesk::import::marks::Mark;
use ardesk_fuzz::{AMOUNT_CURRENCIES, write_amount};
use libfuzzer_sys::fuzz_target;

fn currency(i: usize) -> Currency {
    AMOUNT_CURRENCIES[i % AMOUNT_CURRENCIES.len()].parse().expect("a currency")
}

/// Every cell read by the file's parser, or why not.
fn read(parser: &AmountParser, cells: &[Cell<'_>]) -> Vec<Result<i64, String>> {
    cells.iter().map(|(_, _, text, cur)| parser.parse(text, *cur)).collect()
}

/// The same cells in two orders settle alike and read alike.
fn order_free(cells: &[Cell<'_>]) -> Option<AmountParser> {
    let forward = settle(cells.iter().copied());
    let backward = settle(cells.iter().rev().copied());
    match (&forward, &backward) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a.mark(), b.mark(), "row order changed the decimal mark");
            let (ra, rb) = (read(a, cells), read(b, cells));
            for (x, y) in ra.iter().zip(&rb) {
                assert_eq!(x.as_ref().ok(), y.as_ref().ok(), "row order changed a value");
            }
        }
        (Err(a), Err(b)) => assert_eq!(a, b, "row order changed the refusal"),
        _ => panic!("row order decided whether the file is read: {forward:?} / {backward:?}"),
    }
    forward.ok()
}

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else { return };
    if sel & 1 == 0 {
        // Any text: one cell a line, currencies in turn.
        let Ok(text) = std::str::from_utf8(rest) else { return };
        let cells: Vec<Cell<'_>> = text
            .split('\n')
            .enumerate()
            .map(|(i, c)| (i + 2, "Total", c, currency(usize::from(sel >> 2) + i)))
            .collect();
        order_free(&cells);
        return;
    }
    // Amounts written in one convention: 10 bytes each (8 of value, a
    // style, a currency).
    let mark = if sel & 2 == 0 { Mark::Point } else { Mark::Comma };
    let written: Vec<(String, Currency, i64)> = rest
        .chunks_exact(10)
        .map(|c| {
            let mut raw = [0u8; 8];
            raw.copy_from_slice(&c[..8]);
            let cur = currency(usize::from(c[9]));
            // Small values more often: they are the ones that read two ways.
            let v = u64::from_le_bytes(raw);
            let v = if c[9] & 0x80 != 0 { v % 10_000_000 } else { v % (MAX_AMOUNT_MINOR as u64 + 1) };
            (write_amount(v, cur.exponent(), mark, c[8]), cur, v as i64)
        })
        .collect();
    let cells: Vec<Cell<'_>> =
        written.iter().enumerate().map(|(i, (t, cur, _))| (i + 2, "Total", t.as_str(), *cur)).collect();
    match order_free(&cells) {
        Some(parser) => {
            assert!(parser.mark().is_none_or(|m| m == mark), "{mark:?} amounts settled on {:?}", parser.mark());
            for (text, cur, minor) in &written {
                assert_eq!(parser.parse(text, *cur), Ok(*minor), "{text:?} written {mark:?}");
            }
        }
        None => {
            let why = settle(cells.iter().copied()).err().unwrap_or_default();
            assert!(why.contains("do not show which mark"), "amounts written one way refused otherwise: {why}");
        }
    }
});

//! What the fuzz targets share: the input written to a scratch file (the
//! importers read files), and the checks every parsed record must pass —
//! the same rules `schema.sql` enforces, so a record that passes them can
//! be written without a database error.

use ardesk::domain::status::PaymentStatus;
use ardesk::import::marks::Mark;
use ardesk::import::{ImportError, IssueKind, ObjectKind, Record, Sink};
use std::path::PathBuf;
use std::sync::OnceLock;

/// Writes `bytes` to this process's scratch file named `name` and returns
/// its path.
pub fn scratch(name: &str, bytes: &[u8]) -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("ardesk-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&d).expect("scratch directory");
        d
    });
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("scratch file");
    path
}

/// The scratch file's name for a selector: no extension (sniffed), `.csv`
/// or `.json`.
pub fn scratch_name(sel: u8) -> &'static str {
    ["input", "input.csv", "input.json"][sel as usize % 3]
}

/// Panics when a record breaks a rule the database would refuse it for.
pub fn check_record(r: &Record) {
    match r {
        Record::Customer(c) => {
            assert!(!c.external_id.trim().is_empty(), "customer without an id: {c:?}");
            assert!(!c.name.trim().is_empty(), "customer without a name: {c:?}");
            assert!(c.credit_minor >= 0, "negative credit: {c:?}");
        }
        Record::Invoice(i) => {
            assert!(!i.external_id.trim().is_empty(), "invoice without an id: {i:?}");
            assert!(!i.number.trim().is_empty(), "invoice without a number: {i:?}");
            assert!(i.due_date >= i.issue_date, "due before issue: {i:?}");
            if let Some((a, b)) = i.period {
                assert!(b >= a, "period ends before it starts: {i:?}");
            }
            assert!(i.total_minor >= 0, "negative total: {i:?}");
            assert!(i.amount_paid_minor >= 0 && i.credit_applied_minor >= 0, "negative paid or credit: {i:?}");
        }
        Record::Payment(p) => {
            assert!(!p.external_id.trim().is_empty(), "payment without an id: {p:?}");
            assert!(p.amount_minor > 0 || !p.credit_uses.is_empty(), "payment of nothing: {p:?}");
            assert!(p.amount_minor >= 0, "negative payment: {p:?}");
            assert!(p.credit_uses.iter().all(|u| u.amount_minor > 0), "credit of nothing: {p:?}");
            assert!((0..=p.amount_minor).contains(&p.refunded_minor), "refund out of range: {p:?}");
            if p.status == PaymentStatus::Refunded {
                assert_eq!(p.refunded_minor, p.amount_minor, "refunded status with a partial refund: {p:?}");
            }
            if !matches!(p.status, PaymentStatus::Succeeded | PaymentStatus::Refunded) {
                assert_eq!(p.refunded_minor, 0, "refund on a payment that did not succeed: {p:?}");
            }
        }
        Record::Contact(c) => {
            assert!(!c.external_id.trim().is_empty(), "contact without an id: {c:?}");
            assert!(!c.name.trim().is_empty(), "contact without a name: {c:?}");
        }
        Record::CreditNote(c) => {
            assert!(!c.external_id.trim().is_empty(), "credit note without an id: {c:?}");
            assert!(!c.number.trim().is_empty(), "credit note without a number: {c:?}");
            assert!(c.amount_minor > 0 || c.voided_on.is_some(), "credit note of nothing: {c:?}");
            assert!(
                c.remaining_minor.is_none_or(|r| (0..=c.amount_minor).contains(&r)),
                "remaining out of range: {c:?}"
            );
            assert!(c.voided_on.is_none_or(|v| v >= c.issued_on), "voided before issued: {c:?}");
        }
        Record::Refund(r) => {
            assert!(!r.external_id.trim().is_empty(), "refund without an id: {r:?}");
            assert!(r.amount_minor > 0, "refund of nothing: {r:?}");
            assert!(r.payment.is_some() || r.payment_alias.is_some(), "refund of no payment: {r:?}");
        }
    }
    assert!(r.line() >= 1, "a record without its line: {r:?}");
}

/// A sink that checks and counts what a parser sends.
#[derive(Debug, Default)]
pub struct Checker {
    pub records: usize,
    pub issues: usize,
}

impl Sink for Checker {
    fn record(&mut self, record: Record) -> Result<(), ImportError> {
        check_record(&record);
        self.records += 1;
        Ok(())
    }

    fn issue(&mut self, line: usize, _kind: IssueKind, _object: ObjectKind, reason: String) {
        assert!(!reason.trim().is_empty(), "an issue without a reason at line {line}");
        assert!(line >= 1, "an issue without its line: {reason}");
        self.issues += 1;
    }

    fn default_currency(&self) -> ardesk::domain::Currency {
        ardesk::domain::Currency::USD
    }
}

/// An error must say something.
pub fn check_error(e: &ImportError) {
    assert!(!e.to_string().trim().is_empty(), "an error without a message: {e:?}");
}

/// Stripe's customers, invoices and payments fixtures imported into an
/// in-memory database: something to filter and to merge imports into.
pub fn books() -> ardesk::store::Store {
    let mut store = ardesk::store::Store::open_in_memory().expect("in-memory database");
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/import/stripe");
    let files: Vec<PathBuf> =
        ["customers_all_columns_2025.csv", "invoices_default_2023.csv", "payments_default_2023.csv"]
            .iter()
            .map(|f| dir.join(f))
            .collect();
    ardesk::import::run_import(&mut store, &files, &ardesk::import::ImportOptions::default(), false)
        .expect("the fixtures import");
    store
}

/// Import options from two selector bytes: `--source` one of the
/// registered sources (`sources()`, so a new source is fuzzed as soon as it
/// is registered) or none, `--decimal-point`, `--decimal-comma` or
/// neither, `--object` one of the kinds or none, and the flags.
pub fn options(a: u8, b: u8) -> ardesk::import::ImportOptions {
    use ardesk::import::ObjectKind::*;
    let sources = ardesk::import::sources();
    let source = match (a as usize / 3) % (sources.len() + 1) {
        0 => None,
        i => Some(sources[i - 1].id()),
    };
    let object = [None, Some(Customers), Some(Companies), Some(Invoices), Some(Payments), Some(Contacts), Some(Mixed)]
        [b as usize % 7];
    let decimal = [None, Some(Mark::Point), Some(Mark::Comma)][(a as usize / 3 / (sources.len() + 1)) % 3];
    ardesk::import::ImportOptions {
        source,
        object,
        dry_run: true,
        allow_test_mode: b & 0x40 != 0,
        skip_bad_rows: b & 0x80 != 0,
        decimal,
        whole_way: false,
    }
}

/// The currencies amounts are fuzzed in: two decimals, none, three.
pub const AMOUNT_CURRENCIES: [&str; 4] = ["USD", "EUR", "JPY", "KWD"];

/// `minor` of a currency with `exp` decimals written the way a file with
/// `mark` writes it, in a style `style` picks: grouped by the other mark, a
/// space, a no-break space, an apostrophe or not at all; decimals trimmed,
/// as many as the currency has or one more zero; a whole amount with or
/// without its decimals. The forms that read two ways ("1.500",
/// "2,000") are among them.
pub fn write_amount(minor: u64, exp: u32, mark: Mark, style: u8) -> String {
    let (dec, other) = if mark == Mark::Point { ('.', ',') } else { (',', '.') };
    let scale = 10u64.pow(exp);
    let (units, frac) = (minor / scale, minor % scale);
    let digits = units.to_string();
    let mut int = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            match style % 5 {
                1 => int.push(other),
                2 => int.push(' '),
                3 => int.push('\u{a0}'),
                4 => int.push('\''),
                _ => {}
            }
        }
        int.push(c);
    }
    let whole_decimals = style & 0x20 != 0;
    if exp == 0 {
        return if whole_decimals {
            format!("{int}{dec}{}", "0".repeat(1 + usize::from(style & 0x40 != 0)))
        } else {
            int
        };
    }
    if frac == 0 && !whole_decimals {
        return int;
    }
    let mut f = format!("{frac:0width$}", width = exp as usize);
    match (style / 5) % 3 {
        0 => {
            let kept = f.trim_end_matches('0').len().max(1);
            f.truncate(kept);
        }
        1 => {}
        _ => f.push('0'),
    }
    format!("{int}{dec}{f}")
}

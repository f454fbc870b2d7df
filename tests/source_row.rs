//! `R` on an invoice's detail: the source row its import kept (schema 19,
//! `store::kept`), decoded on demand: the row's cells in the file's order,
//! then the 14 mapped fields as last imported. An invoice made in ardesk
//! has none and the status line says so; a damaged kept row is the
//! store's error in the status line, never a panic; every text from the
//! file reaches the terminal inert.

mod support;

use ardesk::app::App;
use ardesk::domain::Currency;
use ardesk::domain::edit::InvoiceDraft;
use ardesk::domain::status::InvoiceStatus;
use ardesk::import::{ImportOptions, run_import};
use ardesk::store::{OpenMode, Store};
use ratatui::layout::Rect;
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use support::fixture::d;
use support::keys::{press, render};

fn stripe(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/stripe").join(name)
}

/// The Stripe fixtures imported into a new database at `p`.
fn imported(p: &Path) -> Store {
    let mut s = Store::open(p, OpenMode::Create).unwrap();
    s.set_who("tester");
    let files = [stripe("customers_all_columns_2025.csv"), stripe("invoices_default_2023.csv")];
    run_import(&mut s, &files, &ImportOptions::default(), false).unwrap();
    s
}

/// The (customer, invoice) ids of the invoice whose source id is `ext`.
fn ids(p: &Path, ext: &str) -> (i64, i64) {
    Connection::open(p)
        .unwrap()
        .query_row("SELECT customer_id, id FROM invoices WHERE external_id = ?1", [ext], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
}

/// An invoice made in ardesk for `customer`.
fn made_here(s: &mut Store, customer: i64) -> i64 {
    s.create_invoice(
        customer,
        &InvoiceDraft {
            contract_id: None,
            number: "INV-HERE-1".into(),
            issue_date: d("2026-02-25"),
            due_date: d("2026-03-27"),
            period: None,
            total_minor: 12_300,
            currency: Currency::USD,
            status: InvoiceStatus::Open,
            memo: String::new(),
            lines: Vec::new(),
        },
    )
    .unwrap()
}

#[test]
fn the_store_decodes_an_imported_row_in_order_and_none_for_one_made_here() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let mut s = imported(&db);
    let (customer, id) = ids(&db, "in_T0A1");
    let kept: (Option<Vec<u8>>, Option<i64>) = Connection::open(&db)
        .unwrap()
        .query_row("SELECT import_base, import_row FROM invoices WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert!(kept.0.is_some() && kept.1.is_some(), "the import kept the row leanly");
    let row = s.invoice_source_row(id).unwrap().expect("an imported invoice has its row");
    assert_eq!((row.source.as_str(), row.external_id.as_str()), ("Stripe", "in_T0A1"));
    // The cells in the file's order: its header and the row's values (the
    // import keeps the cells that are not empty).
    let csv = std::fs::read_to_string(stripe("invoices_default_2023.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let values: Vec<&str> = lines.next().unwrap().split(',').collect();
    let want: Vec<(String, String)> = header
        .iter()
        .zip(&values)
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    assert_eq!(row.cells, want);
    assert_eq!(row.cells[1], ("Amount Due".to_string(), "1000.00".to_string()));
    // The 14 fields as last imported, in the baseline's order.
    let names: Vec<&str> = row.imported.iter().map(|f| f.0).collect();
    assert_eq!(names, ardesk::store::kept::INVOICE_FIELDS);
    assert_eq!(row.imported[0].1, "ACME-0001");
    assert!(row.imported.iter().any(|f| f.1 == "—"), "a null field shows as —: {:?}", row.imported);
    // Made in ardesk: no source row.
    let here = made_here(&mut s, customer);
    assert_eq!(s.invoice_source_row(here).unwrap(), None);
    // The same text kept as JSON in `source_raw` (an older database's
    // adapted view, a row past the size limit) reads the same.
    let text = {
        let c = Connection::open(&db).unwrap();
        let (raw, base, n): (Option<String>, Option<Vec<u8>>, Option<i64>) = c
            .query_row("SELECT source_raw, import_base, import_row FROM invoices WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap();
        ardesk::store::kept::KeptReader::default().source_raw(&c, raw, base.as_deref(), n).unwrap().unwrap()
    };
    let c = Connection::open(&db).unwrap();
    c.execute(
        "UPDATE invoices SET import_source = 'stripe', external_id = 'in_HERE', source_raw = ?2,
                import_base = NULL, import_row = NULL WHERE id = ?1",
        rusqlite::params![here, text],
    )
    .unwrap();
    let as_json = s.invoice_source_row(here).unwrap().unwrap();
    assert_eq!((as_json.cells, as_json.imported), (row.cells, row.imported));
}

/// The app on the imported database, on in_T0A1's detail.
fn on_detail(db: &Path, w: u16, h: u16) -> App {
    let (customer, _) = ids(db, "in_T0A1");
    let store = Store::open(db, OpenMode::MustExist).unwrap();
    let mut app = App::new(store, d("2026-03-01"), Rect::new(0, 0, w, h)).unwrap();
    app.open_customer(customer);
    press(&mut app, &["1", "/", "type:number:ACME-0001", "Enter", "Enter"]);
    let s = render(&app, w, h);
    assert!(s.contains("Invoice ACME-0001") || s.contains("ACME-0001"), "on the detail:\n{s}");
    app
}

/// The value after `label` on the screen's line that has it.
fn value_of<'a>(screen: &'a str, label: &str) -> &'a str {
    let line = screen.lines().find(|l| l.contains(label)).unwrap_or_else(|| panic!("no {label:?}:\n{screen}"));
    let after = line.split_once(label).unwrap().1;
    after.split('│').next().unwrap_or_default().trim()
}

#[test]
fn r_shows_the_source_row_at_80x24_and_120x40() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    drop(imported(&db));
    for (w, h) in [(80, 24), (120, 40)] {
        let mut app = on_detail(&db, w, h);
        press(&mut app, &["R"]);
        let s = render(&app, w, h);
        if std::env::var_os("SHOW").is_some() {
            println!("{s}");
        }
        assert!(s.contains("Source row · Stripe in_T0A1"), "{w}×{h}:\n{s}");
        assert_eq!(value_of(&s, "│Amount Due"), "1000.00", "{w}×{h}:\n{s}");
        assert_eq!(value_of(&s, "│Billing "), "send_invoice", "{w}×{h}:\n{s}");
        assert_eq!(value_of(&s, "│id "), "in_T0A1", "{w}×{h}:\n{s}");
        // The labels in one column: each value starts where the others do.
        let at = |label: &str| {
            let line = s.lines().find(|l| l.contains(label)).unwrap();
            let after = line.split_once(label).unwrap().1;
            label.chars().count() + after.chars().take_while(|c| *c == ' ').count()
        };
        assert_eq!(at("│Amount Due"), at("│Billing "), "{w}×{h}:\n{s}");
        // The end: the fields as last imported.
        press(&mut app, &["End"]);
        let s = render(&app, w, h);
        assert!(s.contains("As last imported"), "{w}×{h}:\n{s}");
        assert_eq!(value_of(&s, "│number "), "ACME-0001", "{w}×{h}:\n{s}");
        // Esc: back on the detail.
        press(&mut app, &["Esc"]);
        let s = render(&app, w, h);
        assert!(!s.contains("Source row ·") && s.contains("ACME-0001"), "{w}×{h}:\n{s}");
    }
}

#[test]
fn the_footer_and_help_name_the_key_from_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    drop(imported(&db));
    let mut app = on_detail(&db, 200, 60);
    assert!(render(&app, 200, 60).contains("R source row"), "{}", render(&app, 200, 60));
    press(&mut app, &["?"]);
    let s = render(&app, 200, 60);
    assert!(s.contains("source row"), "{s}");
}

#[test]
fn made_here_says_so_and_a_damaged_row_is_an_error_in_the_status_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let mut s = imported(&db);
    let (customer, _) = ids(&db, "in_T0A1");
    made_here(&mut s, customer);
    drop(s);
    let store = Store::open(&db, OpenMode::MustExist).unwrap();
    let mut app = App::new(store, d("2026-03-01"), Rect::new(0, 0, 120, 40)).unwrap();
    app.open_customer(customer);
    press(&mut app, &["1", "/", "type:number:INV-HERE-1", "Enter", "Enter", "R"]);
    let screen = render(&app, 120, 40);
    assert!(screen.contains("Made in ardesk: no source row"), "{screen}");
    assert!(!screen.contains("Source row ·"), "{screen}");
    // Every chunk of kept rows damaged: the store's error, no popup.
    Connection::open(&db).unwrap().execute("UPDATE import_kept SET data = x'28b52ffd00'", []).unwrap();
    let mut app = on_detail(&db, 120, 40);
    press(&mut app, &["R"]);
    let screen = render(&app, 120, 40);
    assert!(screen.contains("Cannot read the source row") && screen.contains("damaged"), "{screen}");
    assert!(!screen.contains("Source row ·"), "{screen}");
}

#[test]
fn hostile_cells_reach_the_terminal_inert() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    drop(imported(&db));
    let (_, id) = ids(&db, "in_T0A1");
    // in_T0A1's row kept as JSON, with escape sequences, controls and a
    // bidi override in a column's name and in values.
    let text = serde_json::json!({
        "imported": {"number": "ACME-0001", "issue_date": null, "due_date": null, "period_start": null,
                     "period_end": null, "currency": "USD", "total": "1000.00", "status": "paid",
                     "amount_paid": null, "credit_applied": null, "paid_on": null, "customer": "cus_T001Acme",
                     "payment_refs": null, "memo": "memo \u{1b}[31mred\u{7}"},
        "row": {"id": "in_T0A1", "Evil\u{1b}[2J": "x\u{1b}]52;c;aGk=\u{7}clip", "Note": "a\u{202e}b\tc\rd\ne",
                "Count": 3, "Long": format!("{}END", "word ".repeat(40))}
    })
    .to_string();
    Connection::open(&db)
        .unwrap()
        .execute(
            "UPDATE invoices SET source_raw = ?2, import_base = NULL, import_row = NULL WHERE id = ?1",
            rusqlite::params![id, text],
        )
        .unwrap();
    for (w, h) in [(80, 24), (120, 40)] {
        let mut app = on_detail(&db, w, h);
        press(&mut app, &["R"]);
        let s = render(&app, w, h);
        assert!(s.contains("Source row · Stripe in_T0A1"), "{s}");
        assert!(!s.chars().any(|c| c.is_control() && c != '\n'), "no control character reaches the screen:\n{s}");
        assert!(!s.contains('\u{202e}'), "{s}");
        assert!(s.contains("Evil␛[2J"), "the column's name, inert:\n{s}");
        assert!(s.contains("x␛]52;c;aGk=␇clip"), "{s}");
        assert!(s.contains("a�b␉c␍d␊e"), "{s}");
        assert_eq!(value_of(&s, "│Count"), "3", "a number shows as its JSON text:\n{s}");
        // A value longer than the popup is wrapped inside it, none of it lost.
        assert!(value_of(&s, "│Long").starts_with("word word"), "{s}");
        assert!(s.lines().any(|l| l.contains("│word") && l.contains("END")), "the value's last row:\n{s}");
        press(&mut app, &["End"]);
        let s = render(&app, w, h);
        assert!(s.contains("memo ␛[31mred␇"), "{s}");
        assert!(!s.chars().any(|c| c.is_control() && c != '\n'), "{s}");
    }
}

/// While the books are read as of a date, `R` still reads the row (it
/// writes nothing).
#[test]
fn r_reads_the_row_while_the_books_are_as_of_a_date() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    drop(imported(&db));
    let (customer, _) = ids(&db, "in_T0A1");
    let store = Store::open(&db, OpenMode::MustExist).unwrap();
    let mut app = App::new(store, d("2026-03-01"), Rect::new(0, 0, 120, 40)).unwrap();
    app.open_customer(customer);
    press(&mut app, &["t", "C-s"]);
    app.tick();
    assert!(render(&app, 120, 40).contains("2026-02-28"), "{}", render(&app, 120, 40));
    press(&mut app, &["1", "/", "type:number:ACME-0001", "Enter", "Enter", "R"]);
    let s = render(&app, 120, 40);
    assert!(s.contains("Source row · Stripe in_T0A1"), "{s}");
    assert_eq!(value_of(&s, "│Amount Due"), "1000.00", "{s}");
}

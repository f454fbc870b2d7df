//! What an import keeps of each invoice's source row (schema 19,
//! `store::kept`): a baseline beside the invoice and the row in a
//! compressed chunk, put back together into the very `source_raw` text an
//! import kept before, through both the row path and the bulk path; an
//! unchanged re-import compares the baseline alone; a row changed only in
//! columns ardesk does not map is kept again and the row it replaced goes;
//! a damaged chunk is an error, never a panic or a wrong row.

#[path = "import_support.rs"]
mod support;

use ardesk::import::{Counted, ImportOptions, export_customer_json, run_import_tuned};
use ardesk::store::kept::{KeptReader, KeptRow, fields, source_json};
use ardesk::store::{OpenMode, Store};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use support::{assert_consistent, fixture, variant};

fn open(p: &Path) -> Store {
    let mut s = Store::open(p, OpenMode::Create).unwrap();
    s.set_who("tester");
    s
}

/// Imports `files` through the bulk path (`bulk`) or the row path.
fn import(s: &mut Store, files: &[PathBuf], bulk: bool) -> ardesk::import::ImportReport {
    let opts = ImportOptions::default();
    run_import_tuned(s, files, &opts, false, if bulk { 0 } else { u64::MAX }).unwrap()
}

fn stripe() -> Vec<PathBuf> {
    vec![fixture("customers_all_columns_2025.csv"), fixture("invoices_default_2023.csv")]
}

/// Each invoice's (number, source_raw column, baseline, kept row number).
type Kept = (String, Option<String>, Option<Vec<u8>>, Option<i64>);

fn kept(p: &Path) -> Vec<Kept> {
    let c = Connection::open(p).unwrap();
    c.prepare("SELECT number, source_raw, import_base, import_row FROM invoices ORDER BY number")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

/// Every invoice's `source_raw` text as the store puts it back together.
fn texts(p: &Path) -> Vec<(String, String)> {
    let c = Connection::open(p).unwrap();
    let mut reader = KeptReader::default();
    kept(p)
        .into_iter()
        .map(|(n, raw, base, row)| {
            let text = reader.source_raw(&c, raw, base.as_deref(), row).unwrap().unwrap_or_default();
            (n, text)
        })
        .collect()
}

/// A customer's export without the lines that name when and where it ran.
fn export(s: &Store, id: i64) -> String {
    let mut out = Vec::new();
    export_customer_json(s, id, &mut out).unwrap();
    String::from_utf8(out)
        .unwrap()
        .lines()
        .filter(|l| {
            !l.starts_with("\"exported_at\"") && !l.starts_with(",\n\"origin\"") && !l.starts_with("\"origin\"")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn both_paths_keep_every_imported_row_leanly_and_give_back_the_same_text() {
    let dir = tempfile::tempdir().unwrap();
    let (rows_db, bulk_db) = (dir.path().join("rows.db"), dir.path().join("bulk.db"));
    import(&mut open(&rows_db), &stripe(), false);
    import(&mut open(&bulk_db), &stripe(), true);
    for p in [&rows_db, &bulk_db] {
        let k = kept(p);
        assert!(k.len() >= 10, "{k:?}");
        for (number, raw, base, row) in &k {
            assert_eq!(raw, &None, "{number}: no JSON beside the invoice");
            let fields = fields(base.as_deref().unwrap()).unwrap();
            assert_eq!(fields[0].as_deref(), Some(number.as_str()), "the baseline's number");
            assert!(row.is_some(), "{number}");
        }
    }
    // The text each gives back is the import's shape, the row's cells in
    // it, and the same through either path.
    let (a, b) = (texts(&rows_db), texts(&bulk_db));
    assert_eq!(a, b);
    let (_, acme1) = a.iter().find(|(n, _)| n == "ACME-0001").unwrap();
    assert!(acme1.starts_with("{\"imported\":{\"number\":\"ACME-0001\",\"issue_date\":\"2026-01-05\""), "{acme1}");
    assert!(acme1.contains("\"row\":{\"id\":\"in_T0A1\",\"Amount Due\":\"1000.00\""), "{acme1}");
    assert_eq!(KeptRow::from_json(acme1).map(|k| source_json(&k.base, &k.row).unwrap()).as_deref(), Some(&**acme1));
    assert_consistent(&open(&rows_db));
    assert_consistent(&open(&bulk_db));
}

#[test]
fn an_unchanged_reimport_writes_nothing_and_a_changed_unmapped_cell_is_kept_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let mut s = open(&db);
    import(&mut s, &stripe(), true);
    let before = kept(&db);
    let chunks = |p: &Path| -> Vec<i64> {
        Connection::open(p)
            .unwrap()
            .prepare("SELECT first_row FROM import_kept ORDER BY first_row")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    };
    let first_chunks = chunks(&db);
    assert_eq!(first_chunks.len(), 1, "a few rows are one chunk");

    let again = import(&mut s, &stripe(), false);
    let inv = again.count(Counted::Invoices);
    assert_eq!((inv.created, inv.updated, inv.unchanged), (0, 0, before.len() as _), "{again}");
    assert_eq!(kept(&db), before, "nothing rewritten");
    assert_eq!(chunks(&db), first_chunks, "nothing kept again");

    // "Billing" is a column ardesk does not map: the row changes, the
    // fields do not. Each invoice keeps its new row; the old chunk, read by
    // no invoice now, goes.
    let tmp = tempfile::tempdir().unwrap();
    let changed = variant(&tmp, "invoices_default_2023.csv", |t| t.replace("send_invoice", "charge_automatically"));
    let files = vec![fixture("customers_all_columns_2025.csv"), changed];
    let third = import(&mut s, &files, false);
    let inv = third.count(Counted::Invoices);
    assert_eq!((inv.created, inv.updated, inv.unchanged), (0, 0, before.len() as _), "{third}");
    let after = kept(&db);
    for ((n, _, b0, r0), (_, _, b1, r1)) in before.iter().zip(&after) {
        assert_ne!(b0, b1, "{n}: the row's fingerprint changed");
        assert_ne!(r0, r1, "{n}: kept again");
        assert_eq!(fields(b0.as_deref().unwrap()).unwrap(), fields(b1.as_deref().unwrap()).unwrap());
    }
    assert!(texts(&db).iter().all(|(_, t)| t.contains("charge_automatically") && !t.contains("send_invoice")));
    assert!(!chunks(&db).contains(&first_chunks[0]), "the chunk no invoice reads is dropped");
    assert_consistent(&s);
}

#[test]
fn the_export_carries_the_rows_as_before_and_ardesk_format_keeps_them_lean_again() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    let mut s = open(&a);
    import(&mut s, &stripe(), false);
    let id = s.resolve_customer("stripe:cus_T001Acme").unwrap();
    let out = export(&s, id);
    assert!(out.contains("\"source_raw\":{\"imported\":{\"number\":\"ACME-0001\""), "{out}");
    // Into another database through ardesk's own format.
    let file = dir.path().join("acme.json");
    let mut bytes = Vec::new();
    export_customer_json(&s, id, &mut bytes).unwrap();
    std::fs::write(&file, bytes).unwrap();
    let mut t = open(&b);
    import(&mut t, &[file], false);
    let mine: Vec<_> = texts(&a).into_iter().filter(|(_, t)| t.contains("\"customer\":\"cus_T001Acme\"")).collect();
    let theirs = texts(&b);
    let names = |v: &[(String, String)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&theirs), names(&mine));
    for ((n, x), (_, y)) in theirs.iter().zip(&mine) {
        assert_eq!(x, y, "{n}: the same text");
    }
    assert!(kept(&b).iter().all(|(_, raw, base, _)| raw.is_none() && base.is_some()), "kept leanly");
    let id_b = t.resolve_customer("stripe:cus_T001Acme").unwrap_or_else(|_| t.resolve_customer("Acme").unwrap());
    assert!(export(&t, id_b).contains("\"source_raw\":{\"imported\":{\"number\":\"ACME-0001\""));
}

#[test]
fn a_damaged_chunk_is_an_error_that_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let mut s = open(&db);
    import(&mut s, &stripe(), false);
    let id = s.resolve_customer("stripe:cus_T001Acme").unwrap();
    let c = Connection::open(&db).unwrap();
    for (what, data) in [
        ("not zstd", b"garbage".to_vec()),
        ("cut short", {
            let d: Vec<u8> = c.query_row("SELECT data FROM import_kept", [], |r| r.get(0)).unwrap();
            d[..d.len() / 2].to_vec()
        }),
        // A frame that decodes to more than any chunk may hold.
        ("a bomb", zstd::bulk::compress(&vec![b'a'; 20 * 1024 * 1024], 19).unwrap()),
    ] {
        c.execute("UPDATE import_kept SET data = ?1", [&data]).unwrap();
        let mut out = Vec::new();
        let err = export_customer_json(&s, id, &mut out).unwrap_err().to_string();
        assert!(err.contains("imported rows from 1 is damaged"), "{what}: {err}");
    }
    // A row number no chunk holds.
    c.execute("UPDATE invoices SET import_row = 999999 WHERE number = 'ACME-0001'", []).unwrap();
    let mut reader = KeptReader::default();
    let err = reader.row(&c, 999_999).unwrap_err().to_string();
    assert!(err.contains("imported row 999999 is not kept"), "{err}");
}

/// Rewrites the lines of a fixture whose first cell is one of `ids`.
fn with_rows(dir: &tempfile::TempDir, ids: &[&str], edit: impl Fn(&str) -> String) -> PathBuf {
    variant(dir, "invoices_default_2023.csv", |t| {
        let mut out: String = t
            .lines()
            .map(|l| if ids.iter().any(|id| l.starts_with(&format!("{id},"))) { edit(l) } else { l.to_string() })
            .collect::<Vec<_>>()
            .join("\n");
        out.push('\n');
        out
    })
}

#[test]
fn a_chunk_mostly_replaced_is_compacted_and_one_mostly_read_stays() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let mut s = open(&db);
    import(&mut s, &stripe(), false);
    let chunk_starts = |p: &Path| -> Vec<i64> {
        let c = Connection::open(p).unwrap();
        let mut st = c.prepare("SELECT first_row FROM import_kept ORDER BY first_row").unwrap();
        st.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    let first = chunk_starts(&db);
    let customers = fixture("customers_all_columns_2025.csv");
    let billing = |l: &str| l.replace("send_invoice", "charge_automatically");
    // Four of ten rows changed: the first chunk is still mostly read.
    let tmp = tempfile::tempdir().unwrap();
    let four = with_rows(&tmp, &["in_T0A1", "in_T0A2", "in_T0A3", "in_T0A4"], billing);
    import(&mut s, &[customers.clone(), four], false);
    let now = chunk_starts(&db);
    assert_eq!(now.len(), 2, "{now:?}");
    assert_eq!(now[0], first[0], "kept: six of its ten rows are read");
    // Three more: it holds three rows read of ten, and goes; they move.
    let tmp2 = tempfile::tempdir().unwrap();
    let seven =
        with_rows(&tmp2, &["in_T0A1", "in_T0A2", "in_T0A3", "in_T0A4", "in_T0A5", "in_T0G1", "in_T0G2"], billing);
    import(&mut s, &[customers, seven], false);
    let last = chunk_starts(&db);
    assert!(!last.contains(&first[0]), "{last:?}");
    let t = texts(&db);
    let changed = ["ACME-0001", "ACME-0002", "ACME-0003", "in_T0A4", "ACME-0004", "GLOB-0001", "GLOB-0002"];
    for (n, text) in &t {
        let want = if changed.contains(&n.as_str()) { "charge_automatically" } else { "send_invoice" };
        assert!(text.contains(want), "{n}: {text}");
    }
    assert_eq!(t.len(), 10);
    assert_consistent(&s);
}

#[test]
fn a_row_past_a_mebibyte_stays_json_and_still_merges() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let mut s = open(&db);
    let huge = "x".repeat(ardesk::store::kept::MAX_ROW + 10);
    let tmp = tempfile::tempdir().unwrap();
    let file = variant(&tmp, "invoices_default_2023.csv", |t| {
        let mut out = String::new();
        for (i, l) in t.lines().enumerate() {
            let extra = match i {
                0 => ",Notes".to_string(),
                1 => format!(",{huge}"),
                _ => ",".to_string(),
            };
            out.push_str(l);
            out.push_str(&extra);
            out.push('\n');
        }
        out
    });
    let files = vec![fixture("customers_all_columns_2025.csv"), file];
    import(&mut s, &files, false);
    let k = kept(&db);
    let (_, raw, base, row) = k.iter().find(|(n, ..)| n == "ACME-0001").unwrap();
    assert!(raw.as_deref().is_some_and(|r| r.contains(&huge)), "kept as JSON");
    assert_eq!((base, row), (&None, &None));
    assert!(k.iter().filter(|(n, ..)| n != "ACME-0001").all(|(_, raw, base, _)| raw.is_none() && base.is_some()));
    let again = import(&mut s, &files, false);
    let inv = again.count(Counted::Invoices);
    assert_eq!((inv.created, inv.updated, inv.unchanged), (0, 0, 10), "{again}");
    assert_consistent(&s);
}

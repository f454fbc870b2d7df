//! `ardesk export --customer ID` on PostgreSQL (issue 21): a customer's
//! whole record in ardesk's own JSON, the same bytes from either backend
//! (all but the lines naming when and where it ran): every demo customer
//! copied over; imported Stripe customers whose invoices' source rows are
//! kept compressed (`import_kept`); a customer whose every text is
//! hostile, with documents, conversations, promises and pauses. An
//! unknown customer is refused in the same words, and an export taken
//! from PostgreSQL imports into an empty PostgreSQL database as it does
//! into an empty SQLite one, giving the record it came from.

mod support;

use ardesk::domain::Money;
use ardesk::domain::collections::{Channel, ConvStatus, Direction, LogEntry, MessageKind, PauseDraft, PromiseDraft};
use ardesk::domain::edit::{Allocation, CustomerEdit, InvoiceDraft, PaymentDraft};
use ardesk::domain::lines::Line;
use ardesk::domain::status::{DocumentKind, InvoiceStatus};
use ardesk::import::{ImportError, ImportOptions, ImportReport, export_customer_json, run_import};
use ardesk::store::import::ExportRead;
use ardesk::store::pg::PgStore;
use ardesk::store::{Books, OpenMode, Store};
use serde_json::Value;
use std::path::{Path, PathBuf};
use support::both::*;
use support::pg::{TestDb, fresh};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import").join(rel)
}

/// A customer's export, whole.
fn export_of<S: ExportRead>(s: &S, id: i64) -> Result<String, String> {
    let mut out = Vec::new();
    export_customer_json(s, id, &mut out).map_err(|e| e.to_string())?;
    Ok(String::from_utf8(out).expect("an export is UTF-8"))
}

/// An export without the lines that name when and where it ran.
fn body(text: &str) -> String {
    text.lines()
        .filter(|l| !l.starts_with("\"exported_at\":") && !l.starts_with("\"origin\":"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The same export of `id` from both backends, byte for byte but for its
/// time and origin; the export (PostgreSQL's).
fn same_export(pg: &PgStore, lite: &Store, id: i64) -> String {
    let (a, b) = (export_of(pg, id).unwrap(), export_of(lite, id).unwrap());
    assert_eq!(body(&a), body(&b), "customer {id}");
    a
}

/// Both backends, empty, the same person writing; SQLite's a file in
/// `dir` (`books.db`), for the test to reach round the store.
fn empty(dir: &Path) -> Option<(TestDb, PgStore, Store)> {
    let db = fresh()?;
    let mut pg = PgStore::open(&db.url).unwrap();
    let mut lite = Store::open(&dir.join("books.db"), OpenMode::Create).unwrap();
    pg.set_who("ann");
    lite.set_who("ann");
    Some((db, pg, lite))
}

/// The same report of an import on both backends (its words); the report.
fn import_both(pg: &mut PgStore, lite: &mut Store, files: &[PathBuf]) -> ImportReport {
    let opts = ImportOptions::default();
    let (a, b) = (run_import(pg, files, &opts, false).unwrap(), run_import(lite, files, &opts, false).unwrap());
    let (mut ta, mut tb) = (a.clone(), b);
    ta.elapsed = Default::default();
    tb.elapsed = Default::default();
    assert_eq!(ta.to_string(), tb.to_string());
    a
}

fn stripe() -> Vec<PathBuf> {
    vec![
        fixture("stripe/customers_all_columns_2025.csv"),
        fixture("stripe/invoices_default_2023.csv"),
        fixture("stripe/payments_default_2023.csv"),
    ]
}

/// Text a person or a file could put anywhere.
const HOSTILE: [&str; 5] = [
    "Robert'); DROP TABLE customers;--",
    "Ünïcødé ☃ 𝄞 \u{202e}gnp.exe",
    "line\nbreak \"quoted\", comma\ttab \\ back",
    "$1 $$ \\x00 %s %n {} \u{1b}[31mred\u{1b}[0m ]}\"",
    "</script><!-- ' \" ` -->",
];

/// One of the hostile texts, cut to `max` characters.
fn hostile(i: usize, max: usize) -> String {
    HOSTILE[i % HOSTILE.len()].chars().take(max).collect()
}

/// Builds the same hostile customer on both backends, with an invoice
/// (memo and lines), a payment, a credit, documents, conversations with
/// messages, a promise and a pause; its id.
fn hostile_customer(db: &TestDb, pg: &mut PgStore, lite: &mut Store, dir: &Path) -> i64 {
    let edit = CustomerEdit {
        name: hostile(0, 200),
        legal_name: hostile(1, 200),
        billing_email: "ap+o'brien@example.test".into(),
        billing_address: format!("{}\n{}", hostile(0, 200), hostile(1, 200)),
        currency: usd(),
        invoices_paused: false,
        portal: true,
    };
    let c = pg.create_customer(&edit).unwrap();
    assert_eq!(lite.create_customer(&edit).unwrap(), c);
    let mut invoices = Vec::new();
    for (i, total) in [(0, 120_000), (1, 45_055)] {
        let draft = InvoiceDraft {
            contract_id: None,
            number: format!("H-{}-{i}", hostile(i + 1, 20).replace(char::is_whitespace, "_")),
            issue_date: d("2026-11-01"),
            due_date: d("2026-11-30"),
            period: None,
            total_minor: total,
            currency: usd(),
            status: InvoiceStatus::Open,
            memo: hostile(i + 2, 500),
            lines: vec![Line::item(&hostile(i + 3, 200), total)],
        };
        let id = pg.create_invoice(c, &draft).unwrap();
        assert_eq!(lite.create_invoice(c, &draft).unwrap(), id);
        invoices.push(id);
    }
    let p = PaymentDraft {
        received_on: d("2026-11-20"),
        amount_minor: 30_000,
        currency: usd(),
        reference: hostile(4, 100),
        allocation: Allocation::Invoices(vec![invoices[0]]),
    };
    ok(pg.record_payment(c, &p), lite.record_payment(c, &p), "payment");
    let cr = credit("2026-11-21", 5_000, &hostile(3, 100));
    ok(pg.grant_credit(c, &cr), lite.grant_credit(c, &cr), "credit");
    // Documents: their metadata goes out, never their content.
    for (i, kind) in [(0, DocumentKind::Contract), (1, DocumentKind::Other)] {
        let src = dir.join(format!("doc-{i}.pdf"));
        std::fs::write(&src, format!("%PDF-1.4 {}", hostile(i, 100))).unwrap();
        let name = format!("{}.pdf", hostile(i + 1, 60));
        ok(pg.upload_document(c, &src, &name, kind, None), lite.upload_document(c, &src, &name, kind, None), "doc");
    }
    // Conversations: hostile subjects, bodies and outcomes; one resolved
    // with a promise on both invoices.
    let entry = |i: usize, at: &str| LogEntry {
        conversation_id: None,
        version: None,
        subject: hostile(i, 200),
        channel: Channel::Email,
        kind: MessageKind::Email,
        direction: Direction::Out,
        body: format!("{}\n\n{}", hostile(i + 1, 500), hostile(i + 2, 500)),
        outcome: hostile(i + 3, 100),
        at: Some(at.into()),
        invoice_ids: invoices.clone(),
        status: None,
        promise: None,
    };
    let today = d("2026-12-01");
    let first = entry(0, "2026-12-01T09:00:00Z");
    let (cv, _) = ok(pg.log_entry(c, &first, today), lite.log_entry(c, &first, today), "first message");
    let mut reply = entry(1, "2026-12-01T10:30:00Z");
    reply.conversation_id = Some(cv);
    reply.version = Some(version_of(db, cv));
    reply.direction = Direction::In;
    ok(pg.log_entry(c, &reply, today), lite.log_entry(c, &reply, today), "reply");
    let promise =
        PromiseDraft { amount: Money::new(60_055, usd()), due_on: d("2026-12-15"), invoice_ids: invoices.clone() };
    ok(pg.add_promise(cv, &promise, today), lite.add_promise(cv, &promise, today), "promise");
    let mut other = entry(2, "2026-12-02T08:00:00Z");
    other.channel = Channel::Phone;
    other.kind = MessageKind::Call;
    other.status = Some(ConvStatus::Resolved);
    other.invoice_ids = vec![invoices[1]];
    ok(pg.log_entry(c, &other, d("2026-12-02")), lite.log_entry(c, &other, d("2026-12-02")), "resolved");
    let pause = PauseDraft { invoice_ids: vec![invoices[1]], until_on: d("2027-01-04"), reason: hostile(4, 200) };
    ok(pg.pause_invoices(c, &pause, today), lite.pause_invoices(c, &pause, today), "pause");
    // When each document was uploaded, the same on both (the exports
    // carry it; the backends' clocks are a second apart at times).
    let at = "2026-12-01T08:00:00Z";
    db.client().execute("UPDATE documents SET uploaded_at = $1 WHERE customer_id = $2", &[&at, &c]).unwrap();
    rusqlite::Connection::open(lite.path())
        .unwrap()
        .execute("UPDATE documents SET uploaded_at = ?1 WHERE customer_id = ?2", rusqlite::params![at, c])
        .unwrap();
    c
}

/// A conversation's version on PostgreSQL (the same on SQLite).
fn version_of(db: &TestDb, id: i64) -> i64 {
    db.client().query_one("SELECT version FROM conversations WHERE id = $1", &[&id]).unwrap().get(0)
}

#[test]
fn every_demo_customer_exports_the_same_bytes_from_both_backends() {
    let lite = Store::open(support::demo_db(), OpenMode::MustExist).unwrap();
    let Some((db, pg)) = copy_of(&lite) else { return };
    let ids = lite.customer_ids().unwrap();
    assert_eq!(pg.customer_ids().unwrap(), ids);
    let (mut documents, mut conversations, mut pauses) = (0, 0, 0);
    for &id in &ids {
        let text = same_export(&pg, &lite, id);
        let doc: Value = serde_json::from_str(&text).unwrap();
        documents += doc["documents"].as_array().unwrap().len();
        conversations += doc["conversations"].as_array().unwrap().len();
        pauses +=
            doc["invoices"].as_array().unwrap().iter().map(|i| i["pauses"].as_array().unwrap().len()).sum::<usize>();
    }
    assert!(
        documents > 0 && conversations > 0,
        "the demo has documents ({documents}) and conversations ({conversations})"
    );
    eprintln!("{} customers, {documents} documents, {conversations} conversations, {pauses} pauses", ids.len());
    // The command itself, from the books on either backend, to a file.
    let dir = tempfile::tempdir().unwrap();
    let books = Books::from(PgStore::open(&db.url).unwrap());
    let out = dir.path().join("one.json");
    ardesk::commands::export_json(&books, &ids[0].to_string(), Some(&out), &mut Vec::new()).unwrap();
    let written = std::fs::read_to_string(&out).unwrap();
    assert_eq!(body(&written), body(&export_of(&lite, ids[0]).unwrap()));
    let shown = books.shown();
    assert!(written.contains(&format!("\"origin\": {}", Value::from(format!("{shown}#{}", ids[0])))), "{written}");
    assert!(!shown.contains("password"), "the origin names the server without a password");
    let again = ardesk::commands::export_json(&books, &ids[0].to_string(), Some(&out), &mut Vec::new());
    assert!(again.unwrap_err().to_string().contains("already exists"));
}

#[test]
fn kept_import_rows_and_hostile_text_export_the_same_from_both_backends() {
    let dir = tempfile::tempdir().unwrap();
    let Some((db, mut pg, mut lite)) = empty(dir.path()) else { return };
    let report = import_both(&mut pg, &mut lite, &stripe());
    assert!(report.changes() > 0, "{report}");
    let kept: i64 =
        db.client().query_one("SELECT count(*) FROM invoices WHERE import_row IS NOT NULL", &[]).unwrap().get(0);
    assert!(kept > 0, "the import kept its invoices' rows compressed");
    let h = hostile_customer(&db, &mut pg, &mut lite, dir.path());
    let ids = lite.customer_ids().unwrap();
    assert_eq!(pg.customer_ids().unwrap(), ids);
    let mut raw = 0;
    for &id in &ids {
        let text = same_export(&pg, &lite, id);
        let doc: Value = serde_json::from_str(&text).unwrap();
        raw += doc["invoices"].as_array().unwrap().iter().filter(|i| i["source_raw"].is_object()).count();
    }
    assert!(raw as i64 >= kept, "each kept row goes out as its source_raw ({raw} of {kept})");
    let doc: Value = serde_json::from_str(&same_export(&pg, &lite, h)).unwrap();
    assert_eq!(doc["customer"]["name"], HOSTILE[0]);
    assert_eq!(doc["documents"].as_array().unwrap().len(), 2);
    let convs = doc["conversations"].as_array().unwrap();
    assert_eq!(convs.len(), 2);
    assert_eq!(convs[0]["messages"].as_array().unwrap().len(), 2);
    assert_eq!(convs[0]["promises"][0]["amount"], "600.55");
    assert_eq!(doc["invoices"][1]["pauses"][0]["reason"], HOSTILE[4]);
    assert_eq!(doc["payments"][0]["applications"].as_array().unwrap().len(), 1);
    // As of a past date the same on both too (the reads' views).
    pg.set_as_of(Some(d("2026-11-10"))).unwrap();
    lite.set_as_of(Some(d("2026-11-10"))).unwrap();
    same_export(&pg, &lite, h);
}

#[test]
fn an_unknown_customer_is_refused_in_the_same_words() {
    let Some((db, pg, lite)) = both(&["Acme"]) else { return };
    let (a, b) = (export_of(&pg, 999), export_of(&lite, 999));
    assert_eq!(a, b);
    assert!(matches!(a.as_deref(), Err(words) if words.contains("999")), "{a:?}");
    let mut out = Vec::new();
    assert!(matches!(export_customer_json(&pg, 999, &mut out), Err(ImportError::NoCustomer(999))));
    assert!(out.is_empty(), "nothing written before the refusal");
    // The command: the same words from the books on either backend.
    let pg_books = Books::from(PgStore::open(&db.url).unwrap());
    let lite_books = Books::from(lite);
    for spec in ["999", "stripe:cus_nobody", "nonsense"] {
        let on_pg = ardesk::commands::export_json(&pg_books, spec, None, &mut Vec::new()).unwrap_err();
        let on_lite = ardesk::commands::export_json(&lite_books, spec, None, &mut Vec::new()).unwrap_err();
        assert_eq!(format!("{on_pg:#}"), format!("{on_lite:#}"), "{spec}");
    }
}

/// An export with what differs between two databases holding the same
/// record taken out: when and where it ran, ids (each database numbers its
/// rows), the customer's `source_raw` (a native customer remembers the
/// export it came from; an imported one without any comes back with ``,
/// on SQLite as here) and documents (an export has no content, so none is
/// recreated).
fn record(text: &str) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(m) => {
                for k in ["id", "contract_id", "invoice", "exported_at", "origin", "documents"] {
                    m.remove(k);
                }
                m.values_mut().for_each(strip);
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut v: Value = serde_json::from_str(text).unwrap();
    strip(&mut v);
    let customer = &mut v["customer"];
    if customer["import_source"].is_null() || customer["source_raw"].is_null() || customer["source_raw"] == "" {
        customer.as_object_mut().unwrap().remove("source_raw");
    }
    v
}

#[test]
fn an_export_from_postgresql_imports_into_an_empty_postgresql_database_as_the_record_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let Some((db, mut pg, mut lite)) = empty(dir.path()) else { return };
    import_both(&mut pg, &mut lite, &stripe());
    let h = hostile_customer(&db, &mut pg, &mut lite, dir.path());
    let demo = Store::open(support::demo_db(), OpenMode::MustExist).unwrap();
    let Some((_demo_db, demo_pg)) = copy_of(&demo) else { return };
    // Every customer of each, one file each, from PostgreSQL.
    let mut files = Vec::new();
    for (from, ids) in [(&pg, pg.customer_ids().unwrap()), (&demo_pg, demo_pg.customer_ids().unwrap())] {
        for id in ids {
            let path = dir.path().join(format!("export-{}.json", files.len()));
            std::fs::write(&path, export_of(from, id).unwrap()).unwrap();
            files.push((record(&std::fs::read_to_string(&path).unwrap()), path));
        }
    }
    let hostile_at = files.iter().position(|(r, _)| r["customer"]["name"] == HOSTILE[0]).unwrap();
    assert_eq!(hostile_at as i64, h - 1, "customers go out in id order");
    assert_eq!(files[hostile_at].0["conversations"].as_array().unwrap().len(), 2);
    // Into an empty database on each backend: the same report, the same
    // exports again, and each the record it was.
    let to = tempfile::tempdir().unwrap();
    let Some((_to_db, mut to_pg, mut to_lite)) = empty(to.path()) else { return };
    let paths: Vec<PathBuf> = files.iter().map(|f| f.1.clone()).collect();
    let report = import_both(&mut to_pg, &mut to_lite, &paths);
    assert!(report.changes() > 0 && report.refused() == 0, "{report}");
    let ids = to_pg.customer_ids().unwrap();
    assert_eq!(to_lite.customer_ids().unwrap(), ids);
    assert_eq!(ids.len(), files.len());
    for (&id, (was, path)) in ids.iter().zip(&files) {
        let now = same_export(&to_pg, &to_lite, id);
        assert_eq!(record(&now), *was, "{}", path.display());
    }
    assert_eq!(to_pg.check(d("2026-12-07")).unwrap(), Vec::<String>::new());
    // Again: nothing changes, nothing is duplicated.
    let again = import_both(&mut to_pg, &mut to_lite, &paths);
    assert_eq!(again.changes(), 0, "{again}");
    assert_eq!(to_pg.customer_ids().unwrap().len(), files.len());
}

#[test]
fn the_command_exports_from_a_server_what_it_exports_from_the_file() {
    let lite = Store::open(support::demo_db(), OpenMode::MustExist).unwrap();
    let Some((db, _pg)) = copy_of(&lite) else { return };
    let file = support::demo_db().display().to_string();
    let dir = tempfile::tempdir().unwrap();
    for id in ["1", "2", "17", "40"] {
        let (code, on_lite, err) = support::run(&["--db", &file, "export", "--customer", id]);
        assert_eq!(code, 0, "{err}");
        let (code, on_pg, err) = support::run(&["--db", &db.url, "export", "--customer", id]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(body(&on_pg), body(&on_lite), "customer {id}");
        let out = dir.path().join(format!("customer-{id}.json"));
        let (code, said, err) =
            support::run(&["--db", &db.url, "export", "--customer", id, "--out", &out.display().to_string()]);
        assert_eq!(code, 0, "{said}{err}");
        assert_eq!(body(&std::fs::read_to_string(&out).unwrap()), body(&on_lite), "customer {id} to a file");
    }
    let (code_lite, _, on_lite) = support::run(&["--db", &file, "export", "--customer", "999"]);
    let (code_pg, _, on_pg) = support::run(&["--db", &db.url, "export", "--customer", "999"]);
    assert_ne!(code_pg, 0);
    assert_eq!((code_pg, on_pg), (code_lite, on_lite));
}

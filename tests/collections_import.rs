//! Collections in ardesk's own JSON (issue 18): conversations with their
//! messages, linked invoices and promises, and invoices' pauses, exported
//! and imported again; importing is idempotent on external ids, a changed
//! status updates, hostile values are refused per row with nothing half
//! written; and `ardesk conversation ID --json` on a demo database.

use ardesk::demo::{DemoOptions, generate};
use ardesk::import::{Counted, ImportError, ImportOptions, ImportReport, export_customer_json, run_import};
use ardesk::store::import::ConversationWrite;
use ardesk::store::{OpenMode, Store, StoreError};
use chrono::NaiveDate;
use rusqlite::Connection;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 5).unwrap()
}

fn demo_at(path: &Path) -> Store {
    let mut s = Store::open(path, OpenMode::Create).unwrap();
    generate(&mut s, &DemoOptions { today: today(), big_invoices: None, extra_customers: None }).unwrap();
    s
}

fn fresh(path: &Path) -> Store {
    let mut s = Store::open(path, OpenMode::Create).unwrap();
    s.set_who("tester");
    s
}

fn export(s: &Store, id: i64, path: &Path) -> Value {
    let mut f = std::fs::File::create(path).unwrap();
    export_customer_json(s, id, &mut f).unwrap();
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn write(path: &Path, doc: &Value) -> PathBuf {
    std::fs::write(path, serde_json::to_string_pretty(doc).unwrap()).unwrap();
    path.to_path_buf()
}

fn import(s: &mut Store, file: &Path) -> Result<ImportReport, ImportError> {
    run_import(s, &[file.to_path_buf()], &ImportOptions::default(), false)
}

const TABLES: [&str; 7] = [
    "conversations",
    "conversation_messages",
    "conversation_invoices",
    "promises",
    "promise_invoices",
    "invoice_pauses",
    "audit_log",
];

/// How many rows each collections table (and the audit log) holds.
fn counts(db: &Path) -> Vec<(String, i64)> {
    let c = Connection::open(db).unwrap();
    TABLES
        .iter()
        .map(|t| (t.to_string(), c.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0)).unwrap()))
        .collect()
}

/// A customer's collections as the export writes them, ids left out (they
/// differ from one database to another): conversations with their
/// invoices, messages and promises, and each invoice's pauses by number.
fn collections(s: &Store, id: i64, dir: &Path) -> (Value, Vec<(Value, Value)>) {
    let doc = export(s, id, &dir.join(format!("cmp-{id}.json")));
    let mut convs = doc["conversations"].clone();
    for c in convs.as_array_mut().unwrap() {
        c.as_object_mut().unwrap().remove("id");
    }
    let pauses = doc["invoices"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| !i["pauses"].as_array().unwrap().is_empty())
        .map(|i| (i["number"].clone(), i["pauses"].clone()))
        .collect();
    (convs, pauses)
}

/// The demo's Acme exported and imported into a new database: the files
/// and databases of a test.
struct Trip {
    dir: tempfile::TempDir,
    from: Store,
    file: PathBuf,
    doc: Value,
}

fn trip() -> Trip {
    let dir = tempfile::tempdir().unwrap();
    let from = demo_at(&dir.path().join("from.db"));
    let file = dir.path().join("acme.json");
    let doc = export(&from, 1, &file);
    Trip { dir, from, file, doc }
}

impl Trip {
    fn to(&self) -> (Store, PathBuf, i64) {
        let path = self.dir.path().join("to.db");
        let mut to = fresh(&path);
        let r = import(&mut to, &self.file).unwrap();
        assert_eq!(r.refused(), 0, "{r}");
        let id = to.customer_ids().unwrap()[0];
        (to, path, id)
    }
}

#[test]
fn the_export_carries_every_field_of_the_shape() {
    let t = trip();
    let convs = t.doc["conversations"].as_array().unwrap();
    let plan = convs.iter().find(|c| c["external_id"] == "acme-portal-plan").expect("the demo's portal thread");
    for k in ["subject", "channel", "opened_on", "status", "resolved_on", "resolved_by", "resolver", "invoices"] {
        assert!(plan.get(k).is_some(), "{k} in {plan}");
    }
    assert_eq!(plan["channel"], "portal");
    assert_eq!(plan["status"], "waiting");
    let m = &plan["messages"][0];
    for k in ["external_id", "at", "direction", "kind", "author_kind", "author", "body", "outcome"] {
        assert!(m.get(k).is_some(), "{k} in {m}");
    }
    let p = &plan["promises"][0];
    assert!(p["amount"].as_str().unwrap().contains('.'), "an exact decimal string: {p}");
    assert!(p.get("currency").is_none() && p.get("amount_minor").is_none(), "{p}");
    assert_eq!(p["invoices"], plan["invoices"]);
    let paused: Vec<&Value> =
        t.doc["invoices"].as_array().unwrap().iter().filter(|i| !i["pauses"].as_array().unwrap().is_empty()).collect();
    assert_eq!(paused.len(), 2, "one pause in force, one ended");
    assert!(paused.iter().any(|i| i["pauses"][0]["ended_on"].is_null()));
    assert!(paused.iter().any(|i| i["pauses"][0]["ended_on"].is_string()));
}

#[test]
fn export_then_import_brings_back_the_same_collections() {
    let t = trip();
    let (to, _, id) = t.to();
    assert_eq!(collections(&to, id, t.dir.path()), collections(&t.from, 1, t.dir.path()));
    // And the promises stand where they stood.
    let states = |s: &Store, cid: i64| {
        let ids: Vec<i64> = {
            let c = Connection::open(s.path()).unwrap();
            let mut st =
                c.prepare("SELECT id FROM conversations WHERE customer_id = ?1 ORDER BY opened_on, subject").unwrap();
            st.query_map([cid], |r| r.get(0)).unwrap().collect::<rusqlite::Result<_>>().unwrap()
        };
        let mut out = Vec::new();
        for conv in ids {
            let d = s.conversation_detail(cid, conv).unwrap();
            let ps: Vec<_> =
                d.promises.iter().map(|p| (p.amount.plain(), p.paid.plain(), p.state(today()).label())).collect();
            let inv: Vec<_> = d.invoices.iter().map(|i| (i.number.clone(), i.balance.plain(), i.pause)).collect();
            out.push((d.conversation.subject, ps, inv, d.messages.len()));
        }
        out
    };
    let there = states(&to, id);
    assert_eq!(there, states(&t.from, 1));
    let all: Vec<&str> = there.iter().flat_map(|c| c.1.iter().map(|p| p.2)).collect();
    for s in ["kept", "open", "broken"] {
        assert!(all.contains(&s), "{s} in {all:?}");
    }
}

#[test]
fn importing_the_same_file_twice_changes_nothing() {
    let t = trip();
    let (mut to, path, id) = t.to();
    let before = counts(&path);
    let figures = to.figures(&to.customer(id).unwrap(), today()).unwrap();
    let again = import(&mut to, &t.file).unwrap();
    assert_eq!(again.changes(), 0, "{again}");
    assert!(again.count(Counted::Conversations).unchanged > 0, "its conversations were merged: {again}");
    assert!(again.count(Counted::Messages).unchanged > 0 && again.count(Counted::Promises).unchanged > 0, "{again}");
    assert!(again.count(Counted::Pauses).unchanged == 2, "{again}");
    assert_eq!(counts(&path), before, "no row and no audit row added");
    assert_eq!(to.figures(&to.customer(id).unwrap(), today()).unwrap(), figures);
}

#[test]
fn a_changed_status_updates_the_conversation_and_new_messages_are_added() {
    let t = trip();
    let (mut to, path, id) = t.to();
    let before = counts(&path);
    let mut doc = t.doc.clone();
    let convs = doc["conversations"].as_array_mut().unwrap();
    let plan = convs.iter_mut().find(|c| c["external_id"] == "acme-portal-plan").unwrap();
    plan["status"] = "resolved".into();
    plan["resolved_on"] = "2026-12-06".into();
    plan["resolved_by"] = "person".into();
    plan["resolver"] = "jkim".into();
    plan["messages"].as_array_mut().unwrap().push(json!({
        "external_id": "agent-msg-77", "at": "2026-12-06T08:00:00Z", "direction": "in", "kind": "portal",
        "author_kind": "contact", "author": "Fatima Doe", "body": "Paid today.\nRemittance attached.", "outcome": "paid"
    }));
    let file = write(&t.dir.path().join("changed.json"), &doc);
    let r = import(&mut to, &file).unwrap();
    assert_eq!(r.count(Counted::Conversations).updated, 1, "{r}");
    assert_eq!(r.count(Counted::Messages).created, 1, "{r}");
    assert_eq!(r.changes(), 2, "{r}");
    let c = Connection::open(&path).unwrap();
    let (status, by, who, version): (String, String, String, i64) = c
        .query_row(
            "SELECT status, resolved_by, resolver, version FROM conversations
             WHERE customer_id = ?1 AND external_id = 'acme-portal-plan'",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!((status.as_str(), by.as_str(), who.as_str(), version), ("resolved", "person", "jkim", 2));
    let after = counts(&path);
    let delta: Vec<_> =
        before.iter().zip(&after).map(|(b, a)| (b.0.as_str(), a.1 - b.1)).filter(|d| d.1 != 0).collect();
    assert_eq!(delta, [("conversation_messages", 1), ("audit_log", 1)], "one message and the run's audit row");
    let summary: String = c
        .query_row("SELECT summary FROM audit_log WHERE customer_id = ?1 ORDER BY id DESC LIMIT 1", [id], |r| r.get(0))
        .unwrap();
    assert!(summary.contains("1 conversation updated") && summary.contains("1 message created"), "{summary}");
    // The same file again: nothing more.
    assert_eq!(import(&mut to, &file).unwrap().changes(), 0);
}

#[test]
fn a_file_of_conversations_only_adds_to_the_customer_of_that_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    let mut s = demo_at(&path);
    let number: String = Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT number FROM invoices WHERE customer_id = 1 AND status = 'open' ORDER BY number LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let doc = json!({
        "ardesk_export": 1,
        "customer": {"name": "Acme Corp", "currency": "USD"},
        "conversations": [{
            "external_id": "agent-7f3a", "subject": "Card declined", "channel": "email", "opened_on": "2026-12-01",
            "status": "waiting", "invoices": [number],
            "messages": [{"external_id": "m1", "at": "2026-12-01T09:00:00Z", "direction": "out", "kind": "email",
                          "author_kind": "agent", "author": "Agent", "body": "Your card was declined.\nPlease update it."}],
            "promises": [{"external_id": "p1", "made_on": "2026-12-02", "due_on": "2026-12-20", "amount": "12.34",
                          "invoices": [number]}]
        }]
    });
    let file = write(&dir.path().join("agent.json"), &doc);
    let before = counts(&path);
    let r = import(&mut s, &file).unwrap();
    assert_eq!(r.count(Counted::Customers).created, 0, "{r}");
    assert_eq!(
        [Counted::Conversations, Counted::Messages, Counted::Promises].map(|w| r.count(w).created),
        [1, 1, 1],
        "{r}"
    );
    let after = counts(&path);
    assert_eq!(after[0].1, before[0].1 + 1);
    let c = Connection::open(&path).unwrap();
    let (cid, amount): (i64, i64) = c
        .query_row(
            "SELECT c.customer_id, p.amount_minor FROM conversations c JOIN promises p ON p.conversation_id = c.id
             WHERE c.external_id = 'agent-7f3a'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((cid, amount), (1, 1234));
    assert_eq!(import(&mut s, &file).unwrap().changes(), 0, "idempotent on its external ids");
    // A customer not here is refused, never created.
    let mut other = doc.clone();
    other["customer"]["name"] = "Nobody Ltd".into();
    let file = write(&dir.path().join("nobody.json"), &other);
    match import(&mut s, &file) {
        Err(ImportError::Refused { report }) => {
            assert!(report.issues.iter().any(|i| i.reason.contains("never creates one")), "{report}")
        }
        other => panic!("{other:?}"),
    }
}

/// One hostile change to the first conversation (or its first message or
/// promise), and the words the refusal must hold.
type Edit = fn(&mut Value);

#[test]
fn hostile_values_are_refused_per_row_and_nothing_is_half_written() {
    let t = trip();
    let (mut to, path, _) = t.to();
    let before = counts(&path);
    let number = |v: &Value| v["invoices"][0].clone();
    let cases: [(&str, Edit, &str); 9] = [
        ("bad channel", |c| c["channel"] = "fax".into(), "channel \"fax\" is not one of"),
        ("long body", |c| c["messages"][0]["body"] = "x".repeat(20_001).into(), "body is longer than 20000"),
        ("bad time", |c| c["messages"][0]["at"] = "2026-12-05 10:00:00".into(), "is not a UTC time"),
        ("bad day", |c| c["messages"][0]["at"] = "2026-02-30T10:00:00Z".into(), "is not a UTC time"),
        ("zero promise", |c| c["promises"][0]["amount"] = "0.00".into(), "more than zero"),
        ("huge promise", |c| c["promises"][0]["amount"] = "100000000000.01".into(), "promise 1: "),
        ("unknown invoice", |c| c["invoices"] = json!(["INV-999999"]), "\"INV-999999\" is not one of this customer's"),
        ("bad status", |c| c["status"] = "closed".into(), "status \"closed\" is not one of"),
        ("long resolver", |c| c["resolver"] = "r".repeat(201).into(), "resolver is longer than 200"),
    ];
    for (name, edit, words) in cases {
        let mut doc = t.doc.clone();
        let convs = doc["conversations"].as_array_mut().unwrap();
        let c = convs.iter_mut().find(|c| c["external_id"] == "acme-portal-plan").unwrap();
        // A new thread, so that the row would be created.
        c["external_id"] = format!("hostile-{name}").into();
        c["subject"] = format!("Hostile {name}").into();
        assert!(!number(c).is_null());
        edit(c);
        let file = write(&t.dir.path().join("hostile.json"), &doc);
        match import(&mut to, &file) {
            Err(ImportError::Refused { report }) => {
                let reasons: Vec<&str> = report.issues.iter().map(|i| i.reason.as_str()).collect();
                assert!(reasons.iter().any(|r| r.contains(words)), "{name}: {reasons:?}");
                assert_eq!(report.refused(), 1, "{name}: only that row: {report}");
            }
            other => panic!("{name}: {other:?}"),
        }
        assert_eq!(counts(&path), before, "{name}: nothing written");
        // With --skip-bad-rows the rest goes in, the bad row not at all.
        let opts = ImportOptions { skip_bad_rows: true, ..ImportOptions::default() };
        let r = run_import(&mut to, std::slice::from_ref(&file), &opts, false).unwrap();
        assert_eq!((r.refused(), r.changes()), (1, 0), "{name}: {r}");
        assert_eq!(counts(&path), before, "{name}: nothing of the bad row");
    }
    // A pause past its bounds refuses its invoice.
    let mut doc = t.doc.clone();
    let inv = doc["invoices"].as_array_mut().unwrap().iter_mut().find(|i| !i["pauses"][0].is_null()).unwrap();
    inv["pauses"][0]["until_on"] = inv["pauses"][0]["paused_on"].clone();
    let file = write(&t.dir.path().join("pause.json"), &doc);
    match import(&mut to, &file) {
        Err(ImportError::Refused { report }) => {
            assert!(report.issues.iter().any(|i| i.reason.contains("not after it was paused")), "{report}")
        }
        other => panic!("{other:?}"),
    }
    // What fails in the database after a conversation was written (none
    // of the file's values can, once checked) undoes the row whole.
    let cid = to.customer_ids().unwrap()[0];
    to.import_session(|itx| {
        let w = ConversationWrite {
            external_id: Some("half".into()),
            subject: "Half".into(),
            channel: "email",
            opened_on: "2026-12-01".into(),
            status: "open",
            resolved_on: None,
            resolved_by: None,
            resolver: String::new(),
        };
        let r = itx.whole(|| -> Result<(), String> {
            itx.insert_conversation(cid, &w).map_err(|e| e.to_string())?;
            Err("a message failed".into())
        })?;
        assert!(r.is_err());
        Ok::<_, StoreError>(((), true))
    })
    .unwrap();
    assert_eq!(counts(&path), before, "no conversation without its messages");
}

fn conversation_json(db: &Path, args: &[&str]) -> (Value, String, bool) {
    let out = Command::new(env!("CARGO_BIN_EXE_ardesk"))
        .args(["--db", db.to_str().unwrap(), "--today", "2026-12-05"])
        .args(args)
        .output()
        .unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (v, String::from_utf8_lossy(&out.stderr).into_owned(), out.status.success())
}

#[test]
fn conversation_json_on_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    drop(demo_at(&path));
    let c = Connection::open(&path).unwrap();
    let id: i64 =
        c.query_row("SELECT id FROM conversations WHERE external_id = 'acme-overdue-call'", [], |r| r.get(0)).unwrap();
    let (v, err, ok) = conversation_json(&path, &["conversation", &id.to_string(), "--json"]);
    assert!(ok, "{err}");
    assert_eq!(v["id"], id);
    assert_eq!(v["customer"], json!({"id": 1, "name": "Acme Corp"}));
    assert_eq!((v["channel"].as_str(), v["status"].as_str()), (Some("phone"), Some("open")));
    assert_eq!(v["today"], "2026-12-05");
    let msgs = v["messages"].as_array().unwrap();
    assert_eq!(msgs.len(), 2);
    assert!(msgs[0]["at"].as_str() < msgs[1]["at"].as_str(), "in order");
    assert_eq!((msgs[0]["kind"].as_str(), msgs[0]["author"].as_str()), (Some("call"), Some("maria")));
    assert!(msgs[0]["body"].as_str().unwrap().contains('\n'), "bodies as stored, line breaks and all");
    let inv = &v["invoices"][0];
    let (total, balance): (i64, i64) = c
        .query_row("SELECT total_minor, balance_minor FROM invoices WHERE number = ?1", [inv["number"].as_str()], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(inv["balance"], format!("{}.{:02}", balance / 100, balance % 100));
    assert_eq!(inv["total"], format!("{}.{:02}", total / 100, total % 100));
    let p = &v["promises"][0];
    assert_eq!((p["state"].as_str(), p["paid"].as_str()), (Some("broken"), Some("0.00")));
    assert_eq!(p["amount"], inv["balance"]);
    assert_eq!(p["invoices"], json!([inv["number"]]));
    // --format json is the same.
    let (same, _, _) = conversation_json(&path, &["conversation", &id.to_string(), "--format", "json"]);
    assert_eq!(same, v);
    // As of the day before the promise was made: the promise and the
    // chasing email are not there yet.
    let made = p["made_on"].as_str().unwrap();
    let before = (NaiveDate::parse_from_str(made, "%Y-%m-%d").unwrap() - chrono::Duration::days(1)).to_string();
    let (past, err, ok) = conversation_json(&path, &["--as-of", &before, "conversation", &id.to_string(), "--json"]);
    assert!(ok, "{err}");
    assert_eq!(past["as_of"], before);
    assert!(past["promises"].as_array().unwrap().is_empty() && past["messages"].as_array().unwrap().is_empty());
    // The kept one, on the agent's thread.
    let kept: i64 = c
        .query_row("SELECT id FROM conversations WHERE customer_id = 1 AND subject LIKE 'Payment link%'", [], |r| {
            r.get(0)
        })
        .unwrap();
    let (k, _, _) = conversation_json(&path, &["conversation", &kept.to_string(), "--json"]);
    assert_eq!((k["resolved_by"].as_str(), k["promises"][0]["state"].as_str()), (Some("agent"), Some("kept")));
    assert_eq!(k["invoices"][0]["balance"], "0.00");
    // An unknown id.
    let (_, err, ok) = conversation_json(&path, &["conversation", "999999", "--json"]);
    assert!(!ok && err.contains("no conversation #999999"), "{err}");
}

//! The non-interactive subcommands: their output for people and scripts.

mod backup;
pub mod completions;
mod config_file;
mod list;
pub mod man;
mod migrate;
mod org;
pub mod out;
pub mod server;
mod statement;

pub use backup::backup;
pub use completions::completions;
pub use config_file::config_file;
pub use list::customers;
pub use man::man;
pub use migrate::migrate;
pub use org::{org, vacuum};
pub use statement::{Batch, One, statement, statements};

/// The aging buckets' keys in JSON, in bucket order.
const AGING_KEYS: [&str; 5] = ["current", "days_1_30", "days_31_60", "days_61_90", "days_90_plus"];
use crate::domain::links::customer_link;
use crate::domain::model::{Customer, Organization};
use crate::domain::text::clean;
use crate::store::{Books, CustomerFigures, OpenMode, Store};
use chrono::NaiveDate;
use color_eyre::eyre::{Result, WrapErr, bail};
use serde_json::{Value, json};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// The default database: `ardesk.db` in the user's data directory.
pub fn default_db_path() -> PathBuf {
    data_dir().join("ardesk.db")
}

/// Where `--demo` keeps its database.
pub fn demo_db_path() -> PathBuf {
    data_dir().join("demo.db")
}

pub fn data_dir() -> PathBuf {
    directories::ProjectDirs::from("", "", "ardesk")
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from("."))
}

fn customer_base_json(c: &Customer, org: &Organization) -> serde_json::Map<String, Value> {
    let v = json!({
        "id": c.id,
        "name": c.name,
        "legal_name": c.legal_name,
        "currency": c.currency,
        "import_source": c.import_source.map(|s| s.as_db()),
        "external_id": c.external_id,
        "external_url": customer_link(c, org),
        "invoices_paused": c.invoices_paused,
        "portal": c.portal,
    });
    match v {
        Value::Object(m) => m,
        _ => serde_json::Map::new(),
    }
}

/// One customer with its metrics, in the keys scripts rely on.
pub fn customer_json(c: &Customer, f: &CustomerFigures, org: &Organization) -> Value {
    let m = &f.metrics;
    let mut obj = customer_base_json(c, org);
    obj.insert(
        "metrics".into(),
        json!({
            "total_billed": m.total_billed.plain(),
            "billed_collected": m.billed_collected.plain(),
            "outstanding": m.outstanding.plain(),
            "overdue": m.overdue.plain(),
            "credit_balance": m.credit_balance.plain(),
            "auto_resolved": {"resolved": m.conversations.auto_resolved, "total": m.conversations.total},
            "avg_days_to_collect": m.avg_days_to_collect.and_then(|d| d.to_string().parse::<serde_json::Number>().ok()),
            "total_collected": m.total_collected.plain(),
            "payments_collected": m.collected_count,
        }),
    );
    let aging: serde_json::Map<String, Value> =
        AGING_KEYS.iter().zip(m.aging).map(|(k, a)| ((*k).to_string(), Value::from(a.plain()))).collect();
    obj.insert("aging".into(), Value::Object(aging));
    let others: Vec<Value> = f
        .others
        .iter()
        .map(|(cur, p)| {
            let money = |minor| crate::domain::Money::new(minor, *cur).plain();
            json!({
                "currency": cur,
                // Net of credit, as the cards' Total Billed (credit is not collection).
                "total_billed": money(p.billed_minor - p.billed_credited_minor),
                "outstanding": money(p.outstanding_minor),
                "overdue": money(p.overdue_minor),
                "total_collected": money(p.collected_minor),
            })
        })
        .collect();
    obj.insert("other_currencies".into(), Value::Array(others));
    let counts: serde_json::Map<String, Value> = crate::domain::columns::Tab::ALL
        .iter()
        .map(|t| (t.title().to_lowercase(), Value::from(f.counts[t.index()])))
        .collect();
    obj.insert("counts".into(), Value::Object(counts));
    Value::Object(obj)
}

pub fn customer(store: &Books, spec: &str, today: NaiveDate, json_out: bool, out: &mut impl Write) -> Result<()> {
    let id = store.resolve_customer(spec)?;
    let c = store.customer(id)?;
    let f = store.figures(&c, today)?;
    if json_out {
        let mut v = customer_json(&c, &f, &store.organization()?);
        if let (Some(d), Value::Object(obj)) = (store.as_of(), &mut v) {
            obj.insert("as_of".into(), Value::from(crate::domain::date::iso(d)));
        }
        serde_json::to_writer_pretty(&mut *out, &v)?;
        writeln!(out)?;
        return Ok(());
    }
    let m = &f.metrics;
    writeln!(out, "{} (#{})", clean(&c.name), c.id)?;
    if let Some(d) = store.as_of() {
        writeln!(out, "as of {}", crate::domain::date::iso(d))?;
    }
    if !c.legal_name.is_empty() {
        writeln!(out, "{}", clean(&c.legal_name))?;
    }
    let avg = m.avg_days_to_collect.map_or("—".to_string(), |d| format!("{d} days"));
    for (label, value) in [
        (
            "Billed & Collected",
            format!("{} / {} ({}%)", m.billed_collected.display(), m.total_billed.display(), m.collected_percent),
        ),
        ("Outstanding", format!("{} ({} overdue)", m.outstanding.display(), m.overdue.display())),
        ("Credit Balance", m.credit_balance.display()),
        ("Auto-Resolved", format!("{} of {} conversations", m.conversations.auto_resolved, m.conversations.total)),
        ("Avg. Days to Collect", avg),
        (
            "Total Collected",
            format!(
                "{} ({} payment{})",
                m.total_collected.display(),
                crate::domain::money::group_thousands(m.collected_count.unsigned_abs()),
                if m.collected_count == 1 { "" } else { "s" }
            ),
        ),
    ] {
        writeln!(out, "  {label:<22}{value}")?;
    }
    Ok(())
}

/// `ardesk conversation ID --json`: the conversation, its messages in
/// order, the invoices it concerns with their balances and its promises
/// with their state on `today` (the day the books are read as of, under
/// `--as-of`; then messages and promises made after it are left out). Text
/// as stored: the caller shows control characters on a terminal.
pub fn conversation(store: &Books, id: i64, today: NaiveDate, out: &mut impl Write) -> Result<()> {
    use crate::domain::date::iso;
    let Some(customer_id) = store.conversation_customer(id)? else {
        bail!("no conversation #{id}: `ardesk conversations --customer ID` lists a customer's");
    };
    let customer = store.customer(customer_id)?;
    let d = store.conversation_detail(customer_id, id)?;
    let c = &d.conversation;
    let as_of = store.as_of();
    let until = as_of.map(|d| format!("{}T23:59:59Z", iso(d)));
    let messages: Vec<Value> = d
        .messages
        .iter()
        .filter(|m| until.as_ref().is_none_or(|u| m.at.as_str() <= u.as_str()))
        .map(|m| {
            json!({
                "id": m.id,
                "at": m.at,
                "direction": m.direction.as_db(),
                "kind": m.kind.as_db(),
                "author_kind": m.author_kind.as_db(),
                "author": m.author,
                "body": m.body,
                "outcome": m.outcome,
            })
        })
        .collect();
    let invoices: Vec<Value> = d
        .invoices
        .iter()
        .map(|i| {
            let cur = i.balance.currency;
            json!({
                "id": i.id,
                "number": i.number,
                "status": i.display_status(today).export(),
                "currency": cur,
                "total": crate::domain::Money::new(i.total_minor, cur).plain(),
                "balance": i.balance.plain(),
                "due_date": iso(i.due_date),
                "paused_until": i.pause.filter(|_| i.paused(today)).map(|p| iso(p.1)),
            })
        })
        .collect();
    let promises: Vec<Value> = d
        .promises
        .iter()
        .filter(|p| as_of.is_none_or(|a| p.made_on <= a))
        .map(|p| {
            json!({
                "id": p.id,
                "made_on": iso(p.made_on),
                "due_on": iso(p.due_on),
                "currency": p.amount.currency,
                "amount": p.amount.plain(),
                "paid": p.paid.plain(),
                "state": p.state(today).label(),
                "invoices": p.invoices,
            })
        })
        .collect();
    let mut v = json!({
        "id": c.id,
        "customer": {"id": customer.id, "name": customer.name},
        "external_id": d.external_id,
        "subject": c.subject,
        "channel": c.channel.as_db(),
        "opened_on": iso(c.opened_on),
        "status": c.status.as_db(),
        "resolved_on": c.resolved_on.map(iso),
        "resolved_by": c.resolved_by.map(|b| b.as_db()),
        "resolver": c.resolver,
        "last_activity": c.last_activity,
        "version": c.version,
        "today": iso(today),
        "messages": messages,
        "invoices": invoices,
        "promises": promises,
    });
    if let (Some(a), Value::Object(obj)) = (as_of, &mut v) {
        obj.insert("as_of".into(), Value::from(iso(a)));
    }
    serde_json::to_writer_pretty(&mut *out, &v)?;
    writeln!(out)?;
    Ok(())
}

/// Streams one tab's rows for scripts: the TUI's filter language and sort.
/// Text goes out exactly as stored, unless `terminal`: then its control
/// characters are shown as the screen shows them.
pub fn tab_rows(
    store: &Books,
    tab: crate::domain::columns::Tab,
    a: &crate::cli::TabArgs,
    today: NaiveDate,
    terminal: bool,
    out: &mut impl Write,
) -> Result<()> {
    use crate::domain::columns::Sort;
    let id = store.resolve_customer(&a.customer)?;
    let customer = store.customer(id)?;
    let filter = crate::domain::filter::parse(&a.filter, tab, customer.currency)
        .map_err(|e| color_eyre::eyre::eyre!("--filter: {e}"))?;
    let sort = match &a.sort {
        Some(s) => crate::export::parse_sort(tab, s).map_err(|e| color_eyre::eyre::eyre!("--sort: {e}"))?,
        None => Sort::default_for(tab),
    };
    let view = crate::store::window::View { sort, filter, today };
    let format = match a.format {
        crate::cli::OutFormat::Csv => crate::export::Format::Csv,
        crate::cli::OutFormat::Json => crate::export::Format::Json,
    };
    let mut w = std::io::BufWriter::new(out);
    let text = if terminal { crate::export::Text::Shown } else { crate::export::Text::Exact };
    crate::export::write_tab(store, id, tab, &view, format, text, &mut w)?;
    w.flush()?;
    Ok(())
}

/// `ardesk import`: the report on stdout; exit 1 when rows were refused
/// (nothing written), 2 for other errors.
#[allow(clippy::too_many_arguments)]
pub fn import(
    store: &mut Books,
    source: Option<String>,
    object: Option<String>,
    dry_run: bool,
    allow_test_mode: bool,
    skip_bad_rows: bool,
    (decimal_comma, decimal_point): (bool, bool),
    files: &[PathBuf],
    out: &mut impl Write,
) -> Result<std::process::ExitCode> {
    use crate::import::{ImportError, ImportOptions, ObjectKind};
    let source = match source {
        Some(s) => {
            Some(crate::domain::status::ImportSource::from_db(&s.to_ascii_lowercase()).ok_or_else(|| {
                color_eyre::eyre::eyre!("--source {s}: use stripe, quickbooks, hubspot or salesforce")
            })?)
        }
        None => None,
    };
    let object = match object {
        Some(o) => Some(ObjectKind::parse(&o).ok_or_else(|| {
            color_eyre::eyre::eyre!("--object {o}: use customers, invoices, payments, contacts or companies")
        })?),
        None => None,
    };
    use crate::import::marks::Mark;
    let decimal = match (decimal_comma, decimal_point) {
        (true, _) => Some(Mark::Comma),
        (_, true) => Some(Mark::Point),
        _ => None,
    };
    let opts = ImportOptions { source, object, dry_run, allow_test_mode, skip_bad_rows, decimal, whole_way: false };
    match crate::import::run_import_into(store, files, &opts, true) {
        Ok(report) => {
            write!(out, "{report}")?;
            Ok(std::process::ExitCode::SUCCESS)
        }
        Err(ImportError::Refused { report }) => {
            write!(out, "{report}")?;
            out.flush()?;
            out::say(&report.refusal(&crate::import::report::cli));
            Ok(std::process::ExitCode::from(1))
        }
        Err(e) => Err(e.into()),
    }
}

/// `ardesk export --customer ID --format json`.
pub fn export_json(store: &Books, spec: &str, file: Option<&Path>, out: &mut impl Write) -> Result<()> {
    let id = store.resolve_customer(spec)?;
    match file {
        Some(path) => {
            if path.exists() {
                bail!("{} already exists; choose another file", path.display());
            }
            let mut w = std::io::BufWriter::new(
                std::fs::File::create(path).wrap_err_with(|| format!("cannot create {}", path.display()))?,
            );
            crate::import::export_customer_json(store, id, &mut w)?;
            w.flush()?;
        }
        None => crate::import::export_customer_json(store, id, out)?,
    }
    Ok(())
}

/// Prints every problem; returns whether the database is consistent.
/// `ardesk check PATH`: the database as it is (never created, upgraded or
/// written). Returns whether it is consistent; a file that opens as
/// damaged, or as not an ardesk database, is a problem found, listed like
/// the others. An error means it could not be checked at all.
/// `ardesk check --repair`: makes the customers list's derived tables and
/// the tabs' search indexes again (the file is opened for work, so upgraded first if it is older).
pub fn repair(path: &Path, out: &mut impl Write) -> Result<()> {
    let mut store = Store::open(path, crate::store::OpenMode::MustExist)?;
    let mut done = store.repair_list_index()?;
    done.extend(store.repair_text_indexes()?);
    for done in done {
        writeln!(out, "repaired: {done}")?;
    }
    Ok(())
}

pub fn check(path: &Path, today: NaiveDate, out: &mut impl Write) -> Result<bool> {
    use crate::store::StoreError;
    let problems = match Store::inspect(path) {
        Ok(store) => {
            let on_terminal = std::io::stderr().is_terminal();
            let mut say = |what: &str| {
                if on_terminal {
                    // One line, rewritten: \r to its start, ESC [K to clear it.
                    let _ = write!(std::io::stderr(), "\rchecking {what}…\x1b[K");
                }
            };
            let found = store.check_saying(today, &mut say)?;
            if on_terminal {
                let _ = write!(std::io::stderr(), "\r\x1b[K");
            }
            found
        }
        Err(e @ (StoreError::Corrupt { .. } | StoreError::Damaged { .. } | StoreError::NotArdesk { .. })) => {
            vec![e.to_string()]
        }
        Err(e) => return Err(e.into()),
    };
    if let Ok(store) = Store::inspect(path) {
        for note in store.check_notes().unwrap_or_default() {
            writeln!(out, "note: {}", clean(&note))?;
        }
    }
    if problems.is_empty() {
        writeln!(out, "ok: {} is consistent", clean(&path.display().to_string()))?;
        return Ok(true);
    }
    for p in &problems {
        writeln!(out, "problem: {}", clean(p))?;
    }
    writeln!(out, "{} problem(s) in {}", problems.len(), clean(&path.display().to_string()))?;
    Ok(false)
}

/// `ardesk upgrade [--set-aside]`: brings the database to this version's
/// schema and says what was done; false when it could not be upgraded
/// (the reason is printed).
pub fn upgrade(path: &Path, set_aside: bool, out: &mut impl Write) -> Result<bool> {
    let shown = clean(&path.display().to_string()).into_owned();
    let (store, moved) = if set_aside {
        Store::open_setting_aside(path)?
    } else {
        (Store::open(path, OpenMode::MustExist)?, Vec::new())
    };
    for m in &moved {
        writeln!(out, "{}", clean(m))?;
    }
    if let Some(why) = store.read_only() {
        writeln!(out, "not upgraded: {shown}: {}", clean(why))?;
        return Ok(false);
    }
    writeln!(out, "ok: {shown} is at schema version {}", crate::store::SCHEMA_VERSION)?;
    Ok(true)
}

/// Generates a demo database at `path` through a temporary file and an
/// atomic rename, so a crash never leaves half a demo behind.
/// `invoices`: give one extra customer that many; `customers`: add that
/// many generated customers.
pub fn demo(
    path: &Path,
    invoices: Option<u64>,
    customers: Option<u64>,
    force: bool,
    today: NaiveDate,
    out: &mut impl Write,
) -> Result<()> {
    if path.exists() && !force {
        bail!("{} already exists; pass --force to replace it, or --db to choose another file", path.display());
    }
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).wrap_err_with(|| format!("cannot create {}", dir.display()))?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("demo.db"),
        std::process::id()
    ));
    remove_db_files(&tmp);
    let started = std::time::Instant::now();
    let result = (|| -> Result<crate::demo::DemoReport> {
        let mut store = Store::open(&tmp, OpenMode::Create)?;
        // A temporary file renamed only when complete: it needs no journal.
        store.scratch_mode()?;
        let options = crate::demo::DemoOptions { today, big_invoices: invoices, extra_customers: customers };
        let report = crate::demo::generate(&mut store, &options)?;
        store.normal_mode()?;
        store.checkpoint()?;
        Ok(report)
    })();
    let report = match result {
        Ok(r) => r,
        Err(e) => {
            remove_db_files(&tmp);
            return Err(e);
        }
    };
    remove_db_files(path);
    std::fs::rename(&tmp, path).wrap_err_with(|| format!("cannot move the demo into {}", path.display()))?;
    remove_db_files(&tmp);
    writeln!(
        out,
        "demo database {}: {} customers{}, {} invoices, {} payments in {:.1?}",
        path.display(),
        report.customers,
        match report.generated_customers {
            0 => String::new(),
            n => format!(" ({n} of them generated)"),
        },
        report.invoices,
        report.payments,
        started.elapsed()
    )?;
    if let Some(id) = report.big_customer_id {
        writeln!(
            out,
            "the customer with {} invoices is #{id}: ardesk --db {} --customer {id}",
            invoices.unwrap_or(0),
            path.display()
        )?;
    }
    Ok(())
}

fn remove_db_files(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

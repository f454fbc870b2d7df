//! One run against the open transaction: the files in phase order, the
//! customers (and their credit balances) and contacts, the per-customer
//! tallies that become one audit row each, and the three-way merge that
//! keeps a user's edits. Customers are in `customers`, invoices and
//! payments in `invoices`, `payments` and `settle`.
//!
//! `source_raw` holds `{"imported": {field: value as last written}, "row":
//! {the source's row}}`. A field changes on re-import only when the file
//! changed it since the last import and the user did not; when both did,
//! the user's value stays and the run reports a conflict.

use super::csv_input::CsvInput;
use super::recognise::Plan;
use super::record::*;
use super::report::{Conflict, Counted, FileReport, ImportReport};
use super::sinks::{Collector, Links, Stream};
use super::{ImportError, ImportOptions};
use crate::domain::Currency;
use crate::domain::status::ImportSource;
use crate::store::StoreError;
use crate::store::import::{CustomerWrite, ImportTx};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Invoice rows applied together, sorted by customer and number so that
/// the indexes are written in order.
pub const BATCH: usize = 20_000;

/// Bytes an invoice row takes at least in a CSV export, to reckon how many
/// rows a file holds.
const LOAD_ROW_BYTES: u64 = 200;

/// A CSV file of the run: its file number, parser, object and input.
type CsvPlan = (usize, &'static dyn super::Source, ObjectKind, Box<CsvInput>);

/// An invoice record waiting in a batch, with its `source_raw` text.
pub(crate) struct Queued {
    pub file: usize,
    pub src: ImportSource,
    pub inv: ImportedInvoice,
    pub raw: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Created,
    Updated,
    Unchanged,
}

/// A customer as the run knows it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cust {
    pub id: i64,
    pub currency: Currency,
    /// Its currency came from the organization's default, not the source.
    pub defaulted: bool,
    pub has_money: Option<bool>,
}

#[derive(Debug, Default)]
struct Tally {
    sources: BTreeSet<&'static str>,
    /// created, updated, conflicts.
    counts: BTreeMap<Counted, (u64, u64, u64)>,
}

/// Records read from the non-streamed files, by kind, with their file.
#[derive(Default)]
pub(crate) struct Buckets {
    pub customers: Vec<(usize, ImportSource, ImportedCustomer)>,
    pub contacts: Vec<(usize, ImportSource, ImportedContact)>,
    pub invoices: Vec<(usize, ImportSource, ImportedInvoice)>,
    pub payments: Vec<(usize, ImportSource, ImportedPayment)>,
}

pub(crate) struct Run<'r, 'c> {
    pub itx: &'r mut ImportTx<'c>,
    pub opts: ImportOptions,
    pub report: ImportReport,
    /// The file whose rows are being applied.
    pub file: usize,
    pub default_currency: Currency,
    pub today: chrono::NaiveDate,
    customers: HashMap<ImportSource, HashMap<String, Cust>>,
    tallies: BTreeMap<i64, Tally>,
    pub touched: BTreeSet<i64>,
    pub buckets: Buckets,
    pub money: super::invoices::MoneyState,
    pub keys: super::name_keys::NameKeys,
    /// What the run brings each customer so far (`totals`).
    pub totals: super::totals::RunTotals,
    progress: Option<indicatif::ProgressBar>,
    /// Set when another thread watches the run and may cancel it.
    watch: Option<super::Watch>,
    progress_base: u64,
}

/// `source_raw`'s text: the imported values and the row.
pub(crate) fn raw_text(imported: &Map<String, Value>, row: &Value) -> String {
    let mut f = Fields::new();
    for (k, v) in imported {
        f.value(k, v);
    }
    f.finish(row)
}

/// The imported values written straight into `source_raw`'s text, each a
/// string or null (the hot path of a million invoices).
pub(crate) struct Fields(Vec<u8>);

impl Fields {
    pub fn new() -> Self {
        let mut b = Vec::with_capacity(640);
        b.extend_from_slice(b"{\"imported\":{");
        Fields(b)
    }

    fn key(&mut self, k: &str) {
        if self.0.last() != Some(&b'{') {
            self.0.push(b',');
        }
        let _ = serde_json::to_writer(&mut self.0, k);
        self.0.push(b':');
    }

    pub fn str(&mut self, k: &str, v: &str) -> &mut Self {
        self.key(k);
        let _ = serde_json::to_writer(&mut self.0, v);
        self
    }

    pub fn opt(&mut self, k: &str, v: Option<&str>) -> &mut Self {
        match v {
            Some(v) => self.str(k, v),
            None => {
                self.key(k);
                self.0.extend_from_slice(b"null");
                self
            }
        }
    }

    pub fn value(&mut self, k: &str, v: &Value) -> &mut Self {
        self.key(k);
        let _ = serde_json::to_writer(&mut self.0, v);
        self
    }

    pub fn finish(mut self, row: &Value) -> String {
        self.0.extend_from_slice(b"},\"row\":");
        let _ = serde_json::to_writer(&mut self.0, row);
        self.0.push(b'}');
        String::from_utf8(self.0).unwrap_or_default()
    }
}

/// The values last imported, from `source_raw`.
pub(crate) fn baseline(source_raw: Option<&str>) -> Map<String, Value> {
    source_raw
        .and_then(|s| serde_json::from_str::<Value>(s).ok())
        .and_then(|v| v.get("imported").and_then(Value::as_object).cloned())
        .unwrap_or_default()
}

/// A baseline field as text; `None` when there is no baseline for it.
pub(crate) fn last<'a>(base: &'a Map<String, Value>, field: &str) -> Option<&'a str> {
    match base.get(field) {
        Some(Value::String(s)) => Some(s),
        Some(Value::Null) => Some(""),
        _ => None,
    }
}

pub(crate) fn put(m: &mut Map<String, Value>, k: &str, v: impl Into<Value>) {
    m.insert(k.to_string(), v.into());
}

impl<'r, 'c> Run<'r, 'c> {
    pub fn new(
        itx: &'r mut ImportTx<'c>,
        opts: ImportOptions,
        watch: Option<super::Watch>,
    ) -> Result<Self, ImportError> {
        let default_currency = itx.default_currency()?;
        Ok(Run {
            itx,
            opts,
            report: ImportReport::default(),
            file: 0,
            default_currency,
            today: chrono::Utc::now().date_naive(),
            customers: HashMap::new(),
            tallies: BTreeMap::new(),
            touched: BTreeSet::new(),
            buckets: Buckets::default(),
            money: Default::default(),
            keys: Default::default(),
            totals: Default::default(),
            progress: watch.as_ref().map(|w| w.bar.clone()),
            watch,
            progress_base: 0,
        })
    }

    /// Reads every file and applies its records in phase order: customers,
    /// contacts, invoices, payments (each file's own order kept), then the
    /// invoices that waited for payments.
    pub fn run(&mut self, plans: Vec<Plan>) -> Result<(), ImportError> {
        let mut csv: Vec<CsvPlan> = Vec::new();
        let mut native = Vec::new();
        for plan in plans {
            let file = self.report.files.len();
            self.report.files.push(FileReport {
                path: plan.path().to_path_buf(),
                source: plan.source_label(),
                object: plan.object(),
                json: !matches!(plan, Plan::Csv { .. }),
                rows: 0,
            });
            let size = std::fs::metadata(plan.path()).map(|m| m.len()).unwrap_or(0);
            let path = plan.path().to_path_buf();
            match plan {
                Plan::Csv { source, object, input } => csv.push((file, source, object, input)),
                Plan::Json { source, object, doc, .. } => {
                    let mut sink = Collector { run: self, file, source: source.id() };
                    source.parse_json(object, doc, &mut sink).map_err(|e| e.at(&path))?;
                    self.advance(size);
                }
                Plan::Ardesk { doc, .. } => native.push((file, doc, size, path)),
            }
        }
        // Which invoices this run's payments name, before any invoice lands.
        for (_, source, object, input) in &mut csv {
            if *object == ObjectKind::Payments {
                let mut again = input.reopen()?;
                source.parse_csv(ObjectKind::Payments, &mut again, &mut Links { run: self })?;
                // The file's decimal mark, decided on this pass, holds for the next.
                input.amounts = again.amounts.take();
            }
        }
        for (_, _, p) in &self.buckets.payments {
            self.money.note_link(p);
        }
        for (file, doc, size, path) in native {
            self.file = file;
            super::ardesk_json::import(self, &doc).map_err(|e| e.at(&path))?;
            self.advance(size);
        }
        let payments_later = csv.iter().any(|c| c.2.phase() > ObjectKind::Invoices.phase());
        for phase in 0..=ObjectKind::Payments.phase() {
            self.check_cancelled()?;
            if phase == ObjectKind::Invoices.phase() {
                self.lift_indexes_for(&csv)?;
            }
            for (file, source, object, input) in csv.iter_mut().filter(|c| c.2.phase() == phase) {
                let home = self.default_currency;
                let mut sink = Stream { run: self, file: *file, source: source.id(), batch: Vec::new() };
                super::pipeline::parse_beside(*source, *object, input, home, |item| sink.take(item))?;
                sink.flush()?;
                self.advance(input.size);
            }
            let b = &mut self.buckets;
            match phase {
                0 => std::mem::take(&mut b.customers).into_iter().try_for_each(|(f, s, c)| {
                    self.file = f;
                    self.apply_customer(s, &c)
                })?,
                1 => std::mem::take(&mut b.contacts).into_iter().try_for_each(|(f, s, c)| {
                    self.file = f;
                    self.apply_contact(s, &c)
                })?,
                3 => {
                    let invoices = std::mem::take(&mut b.invoices).into_iter();
                    let queued =
                        invoices.map(|(file, src, inv)| Queued { file, src, raw: super::invoices::raw_of(&inv), inv });
                    self.apply_invoices(queued.collect())?;
                    // A dry run rolls back, which puts the indexes back as
                    // they were: built again only for what comes after.
                    let later = payments_later || !self.buckets.payments.is_empty();
                    if self.itx.indexes_lifted() && (!self.opts.dry_run || later) {
                        self.stage("building the indexes of the new rows");
                        self.itx.restore_indexes()?;
                        if let Some(b) = &self.progress {
                            super::reading(b);
                        }
                    }
                }
                4 => std::mem::take(&mut b.payments).into_iter().try_for_each(|(f, s, p)| {
                    self.file = f;
                    self.apply_payment(s, &p)
                })?,
                _ => {}
            }
        }
        self.settle_pending()
    }

    /// A bulk run whose invoice files are all new to their sources and
    /// large next to the invoices already here loads them with the screen
    /// indexes dropped (`store::bulk`), and the external-id ones too when
    /// those sources have no payments here either; they are built again
    /// once the invoices are in (the external-id ones sooner, as soon as
    /// a row is looked up by its id).
    fn lift_indexes_for(&mut self, csv: &[CsvPlan]) -> Result<(), ImportError> {
        let invoices: Vec<&CsvPlan> = csv.iter().filter(|c| c.2 == ObjectKind::Invoices).collect();
        if !self.itx.is_bulk() || invoices.is_empty() {
            return Ok(());
        }
        for (_, source, ..) in &invoices {
            if !self.fresh(source.id())? {
                return Ok(());
            }
        }
        let rows = invoices.iter().map(|c| c.3.size).sum::<u64>() / LOAD_ROW_BYTES;
        if rows >= self.itx.invoice_rows_at_most()?.max(0) as u64 {
            let mut external = true;
            for (_, source, ..) in &invoices {
                external = external && !self.itx.source_has_payments(source.id())?;
            }
            self.itx.lift_indexes(external)?;
        }
        Ok(())
    }

    fn advance(&mut self, bytes: u64) {
        self.progress_base += bytes;
        if let Some(b) = &self.progress {
            b.set_position(self.progress_base);
        }
    }

    /// `ImportError::Cancelled` once whoever watches the run cancelled it.
    pub fn check_cancelled(&self) -> Result<(), ImportError> {
        match &self.watch {
            Some(w) if w.cancelled() => Err(ImportError::Cancelled),
            _ => Ok(()),
        }
    }

    /// Says on the progress bar what the run does now that no file is read.
    fn stage(&self, what: &str) {
        if let Some(w) = &self.watch {
            w.stage(what);
        }
    }

    pub fn progress_at(&self, bytes: u64) {
        if let Some(b) = &self.progress {
            b.set_position(self.progress_base + bytes);
        }
    }

    pub(crate) fn apply_invoices(&mut self, mut batch: Vec<Queued>) -> Result<(), ImportError> {
        batch.sort_by(|a, b| {
            (&a.inv.customer.external_id, &a.inv.number).cmp(&(&b.inv.customer.external_id, &b.inv.number))
        });
        self.apply_sorted(batch)
    }

    /// Writes the audit rows, rebuilds summaries after a bulk run, and
    /// returns the report.
    pub fn finish(mut self) -> Result<ImportReport, ImportError> {
        for (id, t) in std::mem::take(&mut self.tallies) {
            let mut parts = Vec::new();
            let mut after = Map::new();
            for (what, (created, updated, conflicts)) in &t.counts {
                let (one, label) = (what.label().trim_end_matches('s'), what.label());
                let name = |n: u64| if n == 1 { one } else { label };
                if *what == Counted::Customers {
                    if *created > 0 {
                        parts.push("customer created".to_string());
                    } else if *updated > 0 {
                        parts.push("customer updated".to_string());
                    }
                } else {
                    if *created > 0 {
                        parts.push(format!("{created} {} created", name(*created)));
                    }
                    if *updated > 0 {
                        parts.push(format!("{updated} {} updated", name(*updated)));
                    }
                }
                if *conflicts > 0 {
                    parts.push(format!("{conflicts} {} kept your edits", name(*conflicts)));
                }
                put(
                    &mut after,
                    label,
                    serde_json::json!({"created": created, "updated": updated, "conflicts": conflicts}),
                );
            }
            if parts.is_empty() {
                continue;
            }
            let from: Vec<&str> = t.sources.iter().copied().collect();
            self.itx.audit(
                id,
                format!("imported from {}: {}", from.join(" and "), parts.join(", ")),
                Value::Object(after),
            )?;
        }
        let touched: Vec<i64> = self.touched.iter().copied().collect();
        // A run that will not commit (a dry run, refused rows) rolls its
        // bulk mode back with everything else.
        if self.opts.commits(&self.report) {
            if self.itx.is_bulk() {
                self.stage("adding up the customers' figures");
            }
            // Between steps the flag stops the run; within one, the interrupt.
            self.check_cancelled()?;
            self.itx.end_bulk(&touched)?;
            self.check_cancelled()?;
        }
        self.money.notes(&mut self.report.notes);
        self.keys.notes(&mut self.report.notes);
        self.report.rows = self.report.files.iter().map(|f| f.rows).sum();
        self.report.issues.sort_by_key(|i| (i.file, i.line));
        self.report.conflicts.sort_by_key(|c| (c.file, c.line));
        Ok(self.report)
    }

    /// Counts a row's outcome in the report and in its customer's tally.
    pub fn count(&mut self, customer_id: i64, what: Counted, outcome: Outcome, source: &'static str) {
        let c = self.report.tally(what);
        match outcome {
            Outcome::Created => c.created += 1,
            Outcome::Updated => c.updated += 1,
            Outcome::Unchanged => c.unchanged += 1,
        }
        if outcome != Outcome::Unchanged {
            self.touched.insert(customer_id);
            let t = self.tallies.entry(customer_id).or_default();
            t.sources.insert(source);
            let e = t.counts.entry(what).or_default();
            match outcome {
                Outcome::Created => e.0 += 1,
                _ => e.1 += 1,
            }
        }
    }

    pub fn skip(&mut self, line: usize, what: Counted, reason: String) {
        self.report.issue(self.file, line, IssueKind::Skipped, what, reason);
    }

    pub fn refuse(&mut self, line: usize, what: Counted, reason: String) {
        self.report.issue(self.file, line, IssueKind::Refused, what, reason);
    }

    /// The three-way merge of one field: the value to keep in ardesk.
    #[allow(clippy::too_many_arguments)]
    pub fn merge(
        &mut self,
        customer_id: i64,
        line: usize,
        what: Counted,
        external_id: &str,
        field: &str,
        db: &str,
        last: Option<&str>,
        new: &str,
    ) -> String {
        let last = last.unwrap_or(db);
        if db == new || new == last {
            return db.to_string();
        }
        if db == last {
            return new.to_string();
        }
        self.conflict(customer_id, line, what, external_id, field, db, new);
        db.to_string()
    }

    #[allow(clippy::too_many_arguments)]
    pub fn conflict(
        &mut self,
        customer_id: i64,
        line: usize,
        what: Counted,
        external_id: &str,
        field: &str,
        local: &str,
        incoming: &str,
    ) {
        let first_for_row =
            !self.report.conflicts.last().is_some_and(|c| c.file == self.file && c.line == line && c.object == what);
        if first_for_row {
            self.report.tally(what).conflicts += 1;
            let t = self.tallies.entry(customer_id).or_default();
            t.counts.entry(what).or_default().2 += 1;
        }
        self.report.conflicts.push(Conflict {
            file: self.file,
            line,
            object: what,
            external_id: external_id.to_string(),
            field: field.to_string(),
            local: local.to_string(),
            incoming: incoming.to_string(),
        });
    }

    pub fn cache_customer(&mut self, src: ImportSource, ext: &str, c: Cust) {
        self.customers.entry(src).or_default().insert(ext.to_string(), c);
    }

    /// The customer a row belongs to: known to the run, in the database, or
    /// created from what the row says about it (name or email). `None` when
    /// none of these.
    pub fn resolve_customer(
        &mut self,
        src: ImportSource,
        r: &CustomerRef,
        currency: Currency,
        from: &str,
    ) -> Result<Option<Cust>, ImportError> {
        if let Some(c) = self.customers.get(&src).and_then(|m| m.get(r.external_id.as_str())) {
            return Ok(Some(*c));
        }
        if let Some(db) = self.itx.find_customer(src, &r.external_id)? {
            let base = baseline(db.source_raw.as_deref());
            let defaulted = matches!(base.get("currency"), Some(Value::Null));
            let c = Cust { id: db.id, currency: db.currency, defaulted, has_money: None };
            self.cache_customer(src, &r.external_id, c);
            return Ok(Some(c));
        }
        if let Some(name) = r.name.as_deref()
            && let Some(db) = self.adopt_id(src, name, &r.external_id)?
        {
            let base = baseline(db.source_raw.as_deref());
            let defaulted = matches!(base.get("currency"), Some(Value::Null) | None);
            let c = Cust { id: db.id, currency: db.currency, defaulted, has_money: None };
            self.cache_customer(src, &r.external_id, c);
            let url = crate::domain::links::stored_link(src, &r.external_id, false);
            if url.is_some() && db.external_url.is_none() {
                self.itx.set_customer_url(db.id, url.as_deref())?;
            }
            self.count(db.id, Counted::Customers, Outcome::Updated, src.label());
            return Ok(Some(c));
        }
        let Some(name) = r.name.clone().or_else(|| r.email.clone()) else { return Ok(None) };
        let mut imported = Map::new();
        put(&mut imported, "name", name.as_str());
        put(&mut imported, "legal_name", "");
        put(&mut imported, "billing_email", r.email.clone().unwrap_or_default());
        put(&mut imported, "currency", Value::Null);
        let raw = raw_text(&imported, &serde_json::json!({"from": from}));
        let url = crate::domain::links::stored_link(src, &r.external_id, false);
        let id = self.itx.insert_customer(
            Some((src, &r.external_id)),
            &CustomerWrite {
                name: &name,
                legal_name: "",
                billing_email: r.email.as_deref().unwrap_or(""),
                currency,
                external_url: url.as_deref(),
                source_raw: &raw,
            },
        )?;
        let c = Cust { id, currency, defaulted: true, has_money: Some(false) };
        self.cache_customer(src, &r.external_id, c);
        self.keys.inserted(src, &name, &r.external_id);
        self.count(id, Counted::Customers, Outcome::Created, src.label());
        self.money.customers_from_rows += 1;
        Ok(Some(c))
    }

    /// A customer whose currency was only the default takes the currency
    /// of its first money row.
    pub fn adopt_currency(&mut self, src: ImportSource, ext: &str, currency: Currency) -> Result<Cust, ImportError> {
        let known = self.customers.get(&src).and_then(|m| m.get(ext));
        let mut c = *known.ok_or_else(|| StoreError::NotFound(format!("customer {ext} in this run")))?;
        if c.currency != currency && c.defaulted {
            let has = match c.has_money {
                Some(h) => h,
                None => self.itx.customer_has_money(c.id)?,
            };
            if !has {
                self.itx.set_customer_currency(c.id, currency)?;
                c.currency = currency;
            }
        }
        c.has_money = Some(true);
        self.cache_customer(src, ext, c);
        Ok(c)
    }
}

/// Link keys for invoices: the external id, or "#number:" and the number.
pub(crate) fn number_key(number: &str) -> String {
    format!("#number:{number}")
}

/// The link key of the invoice a payment names.
pub(crate) fn link_key(r: &InvoiceRef) -> String {
    match r {
        InvoiceRef::External(x) => x.clone(),
        InvoiceRef::Number(n) => number_key(n),
    }
}

pub(crate) type LinkSet = HashSet<String>;

//! What the invoice and payment detail views read (issue 15, §2–§3): one
//! record by its id as its tab shows it (`tab_row`), its applications on
//! their indexes (`applications_invoice`, `applications_payment`), the
//! invoice's own history from the audit log (`audit_entity`, version 6),
//! and the payment's refunds (`refund_rows`, on `refunds_payment`).

use super::tabs::{currency, date, stored};
use super::{Result, Store, StoreError};
use crate::domain::Money;
use crate::domain::detail::*;
use crate::domain::model::{ActivityRow, InvoiceRow, PaymentRow};
use crate::domain::status::{ImportSource, InvoiceStatus, PayKind, PaymentMethod, PaymentStatus};
use rusqlite::{OptionalExtension, Row};

/// An invoice's history, newest first (the Activity tab's order): its own
/// audit rows, and those of the credit notes and small-balance write-offs
/// issued against it (`credits.invoice_id`: issued, voided), which are
/// rows of the credit. Each arm is a range of the entity index (the `+`
/// keeps the planner off the customer's whole log); the credits' arm is as
/// long as the invoice has credit notes.
const HISTORY: &str = "SELECT id, at, who, summary FROM (
         SELECT id, at, who, summary FROM audit_log
         WHERE customer_id = ?1 AND entity = 'invoice' AND entity_id = ?2
         UNION ALL
         SELECT id, at, who, summary FROM audit_log
         WHERE entity = 'credit' AND entity_id IN (SELECT id FROM credits WHERE invoice_id = ?2)
           AND +customer_id = ?1)
     ORDER BY at DESC, id DESC LIMIT ?3";

fn invoice_application(r: &Row<'_>) -> rusqlite::Result<InvoiceApplication> {
    let amount = Money::new(r.get(2)?, currency(r, 3)?);
    let from = match r.get::<_, Option<i64>>(4)? {
        Some(id) => Source::Payment {
            id,
            reference: r.get(5)?,
            method: stored(r, 6, PaymentMethod::from_db)?,
            status: stored(r, 7, PaymentStatus::from_db)?,
        },
        None => Source::Credit {
            id: r.get(8)?,
            reason: r.get(9)?,
            kind: stored(r, 10, PayKind::from_db)?,
            number: r.get::<_, Option<String>>(11)?.unwrap_or_default(),
        },
    };
    let removed_on = r.get::<_, Option<String>>(12)?.and_then(|s| s.parse().ok());
    Ok(InvoiceApplication { id: r.get(0)?, applied_on: date(r, 1)?, amount, from, removed_on })
}

fn payment_application(r: &Row<'_>) -> rusqlite::Result<PaymentApplication> {
    let invoice = AppliedInvoice {
        id: r.get(4)?,
        number: r.get(5)?,
        status: stored(r, 6, InvoiceStatus::from_db)?,
        total_minor: r.get(7)?,
        applied_minor: r.get(8)?,
        due_date: date(r, 9)?,
    };
    Ok(PaymentApplication {
        id: r.get(0)?,
        applied_on: date(r, 1)?,
        amount: Money::new(r.get(2)?, currency(r, 3)?),
        invoice,
        removed_on: r.get::<_, Option<String>>(10)?.and_then(|s| s.parse().ok()),
    })
}

/// A JSON value as a cell shows it: text as it is, anything else as its
/// JSON text ("12", "true", "null" — never a missing cell).
fn cell(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// An invoice's source row from the `source_raw` text it stands for
/// (`{"imported":{…},"row":{…}}`, `store::kept`): the row's cells in order
/// and the 14 mapped fields. A text of another shape shows what it has: a
/// row that is not an object as one cell, no `imported` as no fields.
pub(crate) fn source_row(source: String, external_id: String, text: Option<&str>) -> Result<SourceRow> {
    let mut out = SourceRow { source, external_id, cells: Vec::new(), imported: Vec::new() };
    let Some(text) = text.filter(|t| !t.is_empty()) else { return Ok(out) };
    let v: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| StoreError::Invalid(format!("the invoice's source row is not JSON: {e}")))?;
    let Some(o) = v.as_object() else {
        out.cells.push(("row".into(), cell(&v)));
        return Ok(out);
    };
    match o.get("row") {
        Some(serde_json::Value::Object(row)) => out.cells = row.iter().map(|(k, v)| (k.clone(), cell(v))).collect(),
        Some(other) => out.cells.push(("row".into(), cell(other))),
        None => out.cells = o.iter().filter(|(k, _)| *k != "imported").map(|(k, v)| (k.clone(), cell(v))).collect(),
    }
    if let Some(imported) = o.get("imported").and_then(|i| i.as_object()) {
        out.imported = super::kept::INVOICE_FIELDS
            .iter()
            .map(|f| {
                let v = match imported.get(*f) {
                    None | Some(serde_json::Value::Null) => "—".to_string(),
                    Some(v) => cell(v),
                };
                (*f, v)
            })
            .collect();
    }
    Ok(out)
}

impl Store {
    /// An invoice's source row, decoded from what the import kept (its
    /// baseline and kept row, or `source_raw`'s JSON); `None` for an
    /// invoice made in ardesk. Reads `invoices` alone, so an older
    /// database's adapted view (no baseline, the JSON in `source_raw`) and
    /// the books as of a date read it alike. A damaged kept row is the
    /// store's error.
    pub fn invoice_source_row(&self, invoice_id: i64) -> Result<Option<SourceRow>> {
        type Cols = (Option<String>, Option<String>, Option<String>, Option<Vec<u8>>, Option<i64>);
        let (source, external_id, raw, base, row): Cols = self
            .conn()
            .prepare_cached(
                "SELECT import_source, external_id, source_raw, import_base, import_row FROM invoices WHERE id = ?1",
            )?
            .query_row([invoice_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("invoice #{invoice_id} (deleted elsewhere?)")))?;
        // Made in ardesk: no source. One that came in ardesk's own format
        // without a source's key may still carry the row another import
        // kept.
        if source.is_none() && raw.is_none() && base.is_none() {
            return Ok(None);
        }
        let text = super::kept::KeptReader::default().source_raw(self.conn(), raw, base.as_deref(), row)?;
        let label = match source.as_deref() {
            Some(s) => ImportSource::from_db(s).map_or_else(|| s.to_string(), |s| s.label().to_string()),
            None => "ardesk".to_string(),
        };
        source_row(label, external_id.unwrap_or_default(), text.as_deref()).map(Some)
    }

    /// An invoice of `customer_id` with its applications and history.
    pub fn invoice_detail(&self, customer_id: i64, invoice_id: i64) -> Result<InvoiceDetail> {
        let gone = || StoreError::NotFound(format!("invoice #{invoice_id} (deleted elsewhere?)"));
        // Another customer's invoice is none of this one's: as if missing.
        if !self.owned_by("invoices", customer_id, invoice_id)? {
            return Err(gone());
        }
        let invoice = self.tab_row::<InvoiceRow>(invoice_id)?.ok_or_else(gone)?;
        let applications = self
            .conn()
            .prepare_cached(
                "SELECT a.id, a.applied_on, a.amount_minor, i.currency,
                        a.payment_id, p.reference, p.method, p.status, a.credit_id, c.reason, c.kind, c.number,
                        a.removed_on
                 FROM applications a
                 JOIN invoices i ON i.id = a.invoice_id
                 LEFT JOIN payments p ON p.id = a.payment_id
                 LEFT JOIN credits c ON c.id = a.credit_id
                 WHERE a.invoice_id = ?1
                 ORDER BY a.removed_on IS NOT NULL, a.applied_on, a.id",
            )?
            .query_map([invoice_id], invoice_application)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut history = self.history(customer_id, invoice_id, HISTORY_ROWS + 1)?;
        let more_history = history.len() > HISTORY_ROWS;
        history.truncate(HISTORY_ROWS);
        type Dates = (i64, Option<i64>, Option<String>, String, Option<String>);
        let (version, contract_id, written_off_on, write_off_reason, cancelled_on): Dates = self
            .conn()
            .prepare_cached(
                "SELECT version, contract_id, written_off_on, write_off_reason, cancelled_on FROM invoices WHERE id = ?1",
            )?
            .query_row([invoice_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
        let cancelled = (invoice.status == InvoiceStatus::Cancelled).then(|| cancelled_on.and_then(|d| d.parse().ok()));
        let write_off = (invoice.status == InvoiceStatus::Uncollectible)
            .then(|| WriteOff { on: written_off_on.and_then(|d| d.parse().ok()), reason: write_off_reason });
        let lines = super::lines::invoice_lines(self.conn(), invoice_id)?;
        Ok(InvoiceDetail {
            customer_id,
            invoice,
            version,
            contract_id,
            lines,
            applications,
            history,
            more_history,
            write_off,
            cancelled,
            promises: self.invoice_promises(invoice_id)?,
            pauses: self.invoice_pauses(invoice_id)?,
        })
    }

    /// A payment of `customer_id` with where its money went and its
    /// refunds.
    pub fn payment_detail(&self, customer_id: i64, payment_id: i64) -> Result<PaymentDetail> {
        let gone = || StoreError::NotFound(format!("payment #{payment_id} (deleted elsewhere?)"));
        if !self.owned_by("payments", customer_id, payment_id)? {
            return Err(gone());
        }
        let payment = self.tab_row::<PaymentRow>(payment_id)?.ok_or_else(gone)?;
        let applications = self
            .conn()
            .prepare_cached(
                "SELECT a.id, a.applied_on, a.amount_minor, i.currency,
                        i.id, i.number, i.status, i.total_minor, i.applied_minor, i.due_date, a.removed_on
                 FROM applications a JOIN invoices i ON i.id = a.invoice_id
                 WHERE a.payment_id = ?1
                 ORDER BY a.removed_on IS NOT NULL, a.applied_on, a.id",
            )?
            .query_map([payment_id], payment_application)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let refunds = super::refund_rows::read(self.conn(), payment_id, payment.amount.currency)?;
        Ok(PaymentDetail { customer_id, payment, applications, refunds })
    }

    /// Whether row `id` of `table` (invoices or payments) is there and
    /// `customer_id`'s.
    fn owned_by(&self, table: &'static str, customer_id: i64, id: i64) -> Result<bool> {
        let sql = format!("SELECT 1 FROM {table} WHERE id = ?1 AND customer_id = ?2");
        Ok(self.conn().prepare_cached(&sql)?.query_row([id, customer_id], |_| Ok(())).optional()?.is_some())
    }

    /// An invoice's history (`HISTORY`), newest first, at most `limit`.
    fn history(&self, customer_id: i64, id: i64, limit: usize) -> Result<Vec<ActivityRow>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        Ok(self
            .conn()
            .prepare_cached(HISTORY)?
            .query_map(rusqlite::params![customer_id, id, limit], |r| {
                Ok(ActivityRow { id: r.get(0)?, at: r.get(1)?, who: r.get(2)?, summary: r.get(3)? })
            })?
            .collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::Currency;
    use crate::domain::date::parse_date;
    use crate::domain::detail::{RefundDate, Source};
    use crate::domain::edit::RefundDraft;
    use crate::domain::status::*;
    use crate::store::Store;
    use crate::store::seed::*;

    fn d(s: &str) -> chrono::NaiveDate {
        parse_date(s).unwrap()
    }

    /// One customer: an invoice paid in part by a payment and in part by
    /// credit, and a payment that came in refunded (an import).
    fn store() -> (Store, i64, i64, i64, i64) {
        let mut store = Store::open_in_memory().unwrap();
        let s = store.seeder().unwrap();
        s.organization("Org", Currency::USD, true, "INV-", None, None).unwrap();
        let c = s
            .customer(&NewCustomer {
                name: "Acme",
                legal_name: "",
                billing_email: "",
                currency: Currency::USD,
                import: None,
                invoices_paused: false,
                portal: false,
            })
            .unwrap();
        let inv = s
            .invoice(&NewInvoice {
                customer_id: c,
                contract_id: None,
                number: "INV-1",
                issue_date: d("2026-01-01"),
                due_date: d("2026-01-31"),
                period: None,
                currency: Currency::USD,
                total_minor: 100_000,
                status: InvoiceStatus::Open,
            })
            .unwrap();
        let pay = |amount, refunded, reference, status| {
            s.payment(&NewPayment {
                customer_id: c,
                received_on: d("2026-01-10"),
                amount_minor: amount,
                refunded_minor: refunded,
                currency: Currency::USD,
                reference,
                status,
                method: PaymentMethod::Manual,
            })
            .unwrap()
        };
        let p = pay(50_000, 0, "WIRE-1", PaymentStatus::Succeeded);
        let imported = pay(9_000, 4_000, "ch_1", PaymentStatus::Succeeded);
        s.apply(inv, AppliedFrom::Payment(p), 30_000, d("2026-01-10")).unwrap();
        let credit = s.credit(c, d("2026-01-12"), 5_000, Currency::USD, "goodwill").unwrap();
        s.apply(inv, AppliedFrom::Credit(credit), 5_000, d("2026-01-12")).unwrap();
        s.commit().unwrap();
        (store, c, inv, p, imported)
    }

    #[test]
    fn an_invoice_lists_payments_and_credit_applied() {
        let (store, c, inv, p, _) = store();
        let dt = store.invoice_detail(c, inv).unwrap();
        assert_eq!(dt.invoice.number, "INV-1");
        assert_eq!(dt.applications.len(), 2);
        assert!(
            matches!(&dt.applications[0].from, Source::Payment { id, reference, .. } if *id == p && reference == "WIRE-1")
        );
        assert!(matches!(&dt.applications[1].from, Source::Credit { reason, .. } if reason == "goodwill"));
        assert_eq!((dt.paid().minor, dt.credited().minor, dt.balance().minor), (30_000, 5_000, 65_000));
    }

    #[test]
    fn a_payment_lists_its_invoices_refunds_and_remainder() {
        let (mut store, c, inv, p, imported) = store();
        let draft = RefundDraft { amount_minor: 12_000, refunded_on: d("2026-02-01"), reason: "double charge".into() };
        let version = store.tab_row::<crate::domain::model::PaymentRow>(p).unwrap().unwrap().version;
        store.refund_payment(p, version, &draft).unwrap();
        let dt = store.payment_detail(c, p).unwrap();
        assert_eq!(dt.applications.len(), 1);
        assert_eq!((dt.applications[0].invoice.id, dt.applications[0].amount.minor), (inv, 30_000));
        assert_eq!(dt.refunds.len(), 1);
        let r = &dt.refunds[0];
        assert_eq!(
            (r.on, r.amount.minor, r.reason.as_str(), r.dated_from),
            (d("2026-02-01"), 12_000, "double charge", RefundDate::Recorded)
        );
        // 50,000 − 12,000 refunded (from the remainder) − 30,000 applied.
        assert_eq!(dt.unapplied().minor, 8_000);
        let history = store.invoice_detail(c, inv).unwrap().history;
        assert!(history.is_empty(), "a refund from the remainder leaves the invoice alone: {history:?}");

        // Refunded on arrival (seeded as a source would bring it): dated a
        // few days after the money came, no reason.
        let dt = store.payment_detail(c, imported).unwrap();
        assert_eq!(dt.refunds.len(), 1);
        let r = &dt.refunds[0];
        assert_eq!(
            (r.on, r.amount.minor, r.reason.as_str(), r.dated_from),
            (d("2026-01-13"), 4_000, "", RefundDate::Source)
        );
        assert_eq!(dt.unapplied().minor, 5_000);
    }

    #[test]
    fn an_invoice_has_its_own_history_newest_first() {
        let (mut store, c, inv, ..) = store();
        let draft = crate::domain::edit::InvoiceDraft {
            memo: String::new(),
            lines: Vec::new(),
            contract_id: None,
            number: "INV-2".into(),
            issue_date: d("2026-02-01"),
            due_date: d("2026-03-01"),
            period: None,
            total_minor: 20_000,
            currency: Currency::USD,
            status: InvoiceStatus::Open,
        };
        let id = store.create_invoice(c, &draft).unwrap();
        store.cancel_invoices(c, &[id], d("2026-02-10")).unwrap();
        assert_eq!(store.invoice_detail(c, id).unwrap().cancelled, Some(Some(d("2026-02-10"))));
        let dt = store.invoice_detail(c, id).unwrap();
        let what: Vec<&str> = dt.history.iter().map(|h| h.summary.as_str()).collect();
        assert_eq!(what, ["cancelled invoice INV-2", "created open invoice INV-2 for $200.00"]);
        assert!(!dt.more_history);
        assert_eq!(dt.balance().minor, 0, "cancelled: owes nothing");
        assert!(store.invoice_detail(c, inv).unwrap().history.is_empty(), "another invoice's rows stay apart");
    }

    /// A credit note against the invoice is part of its history: its
    /// issue and its void are rows of the credit, read with the invoice's.
    #[test]
    fn an_invoice_history_has_its_credit_notes() {
        let (mut store, c, inv, ..) = store();
        let note = crate::domain::edit::CreditNoteDraft {
            issued_on: d("2026-01-20"),
            amount_minor: 1_000,
            currency: Currency::USD,
            reason: "short shipped".into(),
            invoice_id: Some(inv),
            refund_excess: false,
            lines: Vec::new(),
        };
        let done = store.issue_credit_note(c, &note).unwrap();
        let standalone = crate::domain::edit::CreditNoteDraft { invoice_id: None, ..note };
        store.issue_credit_note(c, &standalone).unwrap();
        let version: i64 = store
            .conn()
            .query_row("SELECT version FROM credits WHERE id = ?1", [done.credit_id], |r| r.get(0))
            .unwrap();
        store.void_credit(c, done.credit_id, version, d("2026-01-21")).unwrap();
        let dt = store.invoice_detail(c, inv).unwrap();
        let what: Vec<&str> = dt.history.iter().map(|h| h.summary.as_str()).collect();
        assert_eq!(what.len(), 2, "{what:?}: the standalone note is not this invoice's");
        assert!(what[0].starts_with("voided credit note CN-000001 of $10.00 on 2026-01-21"), "{what:?}");
        assert!(what[1].starts_with("issued credit note CN-000001 of $10.00 against INV-1 on 2026-01-20"), "{what:?}");
    }

    #[test]
    fn a_missing_record_is_not_found() {
        let (store, c, ..) = store();
        assert!(matches!(store.invoice_detail(c, 999), Err(crate::store::StoreError::NotFound(_))));
        assert!(matches!(store.payment_detail(c, 999), Err(crate::store::StoreError::NotFound(_))));
    }

    /// The history is ranges of the entity index (version 6), never a
    /// walk of the customer's whole log.
    #[test]
    fn the_history_query_takes_the_entity_index() {
        let (store, ..) = store();
        let sql = format!("EXPLAIN QUERY PLAN {}", super::HISTORY);
        let mut stmt = store.conn().prepare(&sql).unwrap();
        let rows = stmt.query_map(rusqlite::params![1, 1, 10], |r| r.get::<_, String>(3)).unwrap();
        let p = rows.map(|r| r.unwrap()).collect::<Vec<_>>().join("; ");
        assert!(!p.contains("SCAN audit_log") && !p.contains("SCAN l"), "{p}");
        assert_eq!(p.matches("audit_entity").count(), 2, "{p}");
        assert!(p.contains("credits_by_invoice"), "{p}");
    }
}

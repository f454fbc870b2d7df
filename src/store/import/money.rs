//! The money rows an import writes: invoices, payments, credits and the
//! applications between them.

use super::*;
use crate::store::inserts;
use crate::store::refund_rows::{self, Refunded};
use crate::store::seed::AppliedFrom;

impl ImportTx<'_> {
    // Invoices -------------------------------------------------------------

    pub fn find_invoice(&self, source: ImportSource, external_id: &str) -> Result<Option<InvoiceState>> {
        self.external_indexes()?;
        let sql = format!("SELECT {INVOICE_COLS} FROM invoices WHERE import_source = ?1 AND external_id = ?2");
        Ok(self.tx.prepare_cached(&sql)?.query_row(params![source.as_db(), external_id], map_invoice).optional()?)
    }

    /// The (id, customer) of the invoice of `source` with this external id
    /// when its baseline is `base` (compared in SQLite: a re-import of
    /// unchanged rows reads nothing else).
    pub fn invoice_if_unchanged(
        &self,
        source: ImportSource,
        external_id: &str,
        base: &[u8],
    ) -> Result<Option<(i64, i64)>> {
        self.external_indexes()?;
        Ok(self
            .tx
            .prepare_cached(
                "SELECT id, customer_id FROM invoices WHERE import_source = ?1 AND external_id = ?2 AND import_base = ?3",
            )?
            .query_row(params![source.as_db(), external_id, base], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    /// Keeps the source row of `i`, about to be written, of `source`, and
    /// returns its number (`None`: it keeps none, or keeps it as JSON). Kept
    /// first, so no number is ever given twice: a write that then fails
    /// leaves a row nothing reads, which `kept::collect` takes away.
    pub(crate) fn keep_row(&self, source: Option<ImportSource>, i: &InvoiceWrite<'_>) -> Result<Option<i64>> {
        match i.kept.lean() {
            Some(k) => {
                let label = source.map_or("ardesk", |s| s.as_db());
                Ok(Some(self.kept.borrow_mut().push(&self.tx, label, &k.row)?))
            }
            None => Ok(None),
        }
    }

    pub fn invoice(&self, id: i64) -> Result<InvoiceState> {
        let sql = format!("SELECT {INVOICE_COLS} FROM invoices WHERE id = ?1");
        Ok(self.tx.prepare_cached(&sql)?.query_row([id], map_invoice)?)
    }

    /// The invoice that has this number, any customer.
    pub fn invoice_by_number(&self, number: &str) -> Result<Option<InvoiceState>> {
        let sql = format!("SELECT {INVOICE_COLS} FROM invoices WHERE number = ?1");
        Ok(self.tx.prepare_cached(&sql)?.query_row([number], map_invoice).optional()?)
    }

    /// The id of the invoice with this number, if any (cheap: the unique index).
    pub fn invoice_number_taken(&self, number: &str) -> Result<Option<i64>> {
        Ok(self
            .tx
            .prepare_cached("SELECT id FROM invoices WHERE number = ?1")?
            .query_row([number], |r| r.get(0))
            .optional()?)
    }

    /// An uncollectible invoice's write-off date (`None`: unknown) and
    /// reason, as ardesk's own export carries them.
    pub fn set_write_off(&self, id: i64, on: Option<NaiveDate>, reason: &str) -> Result<()> {
        self.tx
            .prepare_cached(
                "UPDATE invoices SET written_off_on = ?2, write_off_reason = ?3 WHERE id = ?1 AND status = 'uncollectible'",
            )?
            .execute(params![id, on.map(crate::domain::date::iso), reason])?;
        Ok(())
    }

    pub fn insert_invoice(&self, source: Option<(ImportSource, &str)>, i: &InvoiceWrite<'_>) -> Result<i64> {
        self.external_indexes()?;
        self.touch(i.customer_id);
        let contract_name = inserts::contract_name(&self.tx, i.contract_id)?;
        let row = inserts::NewInvoiceRow {
            id: None,
            invoice: i,
            contract_name: &contract_name,
            applied_minor: 0,
            credited_minor: 0,
            source,
            created_at: &self.now,
            kept_row: self.keep_row(source.map(|s| s.0), i)?,
        };
        Ok(inserts::insert_invoice(&self.tx, &row)?)
    }

    /// Inserts an invoice unless its (source, external id) or its number
    /// exists already, which is reported instead of raised.
    pub fn try_insert_invoice(&self, source: Option<(ImportSource, &str)>, i: &InvoiceWrite<'_>) -> Result<Inserted> {
        match self.insert_invoice(source, i) {
            Ok(id) => Ok(Inserted::New(id)),
            Err(StoreError::Sql(e)) if e.unique_violation() => {
                let msg = e.message();
                if msg.contains("invoices.number") {
                    Ok(Inserted::NumberTaken)
                } else if msg.contains("invoices.external_id") {
                    Ok(Inserted::Exists)
                } else {
                    Err(StoreError::Invalid(msg.to_string()))
                }
            }
            Err(e) => Err(e),
        }
    }

    /// Whether any payment came from `source`.
    pub fn source_has_payments(&self, source: ImportSource) -> Result<bool> {
        self.source_has("payments", source)
    }

    /// Whether any invoice came from `source`.
    pub fn source_has_invoices(&self, source: ImportSource) -> Result<bool> {
        self.source_has("invoices", source)
    }

    fn source_has(&self, table: &str, source: ImportSource) -> Result<bool> {
        self.external_indexes()?;
        let sql = format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE import_source = ?1)");
        Ok(self.tx.query_row(&sql, [source.as_db()], |r| r.get(0))?)
    }

    /// Writes an invoice's fields, its memo and, when they differ from the
    /// ones it has, its lines (the source's replace them); returns whether
    /// the lines changed.
    pub fn update_invoice(&self, id: i64, i: &InvoiceWrite<'_>) -> Result<bool> {
        self.touch(i.customer_id);
        let kept_row = match i.kept.lean() {
            Some(_) => {
                let source: Option<String> = self
                    .tx
                    .prepare_cached("SELECT import_source FROM invoices WHERE id = ?1")?
                    .query_row([id], |r| r.get(0))?;
                self.keep_row(source.as_deref().and_then(ImportSource::from_db), i)?
            }
            None => None,
        };
        self.tx
            .prepare_cached(
                "UPDATE invoices SET number = ?2, issue_date = ?3, due_date = ?4, period_start = ?5, period_end = ?6,
                        currency = ?7, total_minor = ?8, status = ?9, source_raw = ?10, memo = ?11,
                        import_base = ?13, import_row = ?14, import_line = ?15,
                        written_off_on = CASE WHEN ?9 = 'uncollectible' THEN written_off_on END,
                        cancelled_on = CASE WHEN ?9 = 'cancelled' THEN max(coalesce(cancelled_on, ?12), ?3) END,
                        version = version + 1
                 WHERE id = ?1",
            )?
            .execute(params![
                id,
                i.number,
                iso(i.issue_date),
                iso(i.due_date),
                i.period.map(|p| iso(p.0)),
                i.period.map(|p| iso(p.1)),
                i.currency.code(),
                i.total_minor,
                i.status.as_db(),
                i.kept.json(),
                i.memo,
                i.cancelled_on().map(iso),
                i.kept.base(),
                kept_row,
                i.kept.line()
            ])?;
        // The row it kept before, if any, is kept for nothing now.
        self.kept.borrow_mut().replaced = true;
        let changed = crate::store::lines::invoice_lines(&self.tx, id)? != i.lines;
        if changed {
            inserts::replace_lines(&self.tx, id, i.lines)?;
        }
        Ok(changed)
    }

    pub fn set_invoice_status(&self, id: i64, status: InvoiceStatus) -> Result<()> {
        self.touch_row("invoices", id)?;
        self.tx
            .prepare_cached("UPDATE invoices SET status = ?2, written_off_on = CASE WHEN ?2 = 'uncollectible' THEN written_off_on END,
                 cancelled_on = CASE WHEN ?2 = 'cancelled' THEN cancelled_on END,
                 version = version + 1 WHERE id = ?1 AND status <> ?2")?
            .execute(params![id, status.as_db()])?;
        Ok(())
    }

    // Payments -------------------------------------------------------------

    pub fn find_payment(&self, source: ImportSource, external_id: &str) -> Result<Option<PaymentState>> {
        self.external_indexes()?;
        let sql = format!("SELECT {PAYMENT_COLS} FROM payments WHERE import_source = ?1 AND external_id = ?2");
        Ok(self.tx.prepare_cached(&sql)?.query_row(params![source.as_db(), external_id], map_payment).optional()?)
    }

    pub fn payment(&self, id: i64) -> Result<PaymentState> {
        let sql = format!("SELECT {PAYMENT_COLS} FROM payments WHERE id = ?1");
        Ok(self.tx.prepare_cached(&sql)?.query_row([id], map_payment)?)
    }

    /// Payments of `source` and the keys that find them: (payment id, key),
    /// the key being the external id of the invoice it names, "#number:"
    /// and the invoice's number, or "#payment:" and another id of the
    /// payment (a PaymentIntent beside its charge).
    pub fn payment_links(&self, source: ImportSource) -> Result<Vec<(i64, String)>> {
        // Most payments name no invoice this way: a source without payments
        // makes one for each paid invoice (`{"imported":{"made_for":…}}`),
        // 0.8 million of them for a million invoices. Only a text holding one
        // of the keys, or an escape that could spell one, is parsed (JSON
        // five times a row was 2 of the 12 s of an unchanged re-import). And
        // the table is read in its order, not through the external-id index:
        // that visits the rows in the order of their external ids, at random on disk, 2.6 s
        // against 0.4 s for the whole table of 0.8 million payments.
        let mut stmt = self.tx.prepare(
            "SELECT id, json_extract(source_raw, '$.imported.invoice'), json_extract(source_raw, '$.imported.invoice_number'),
                    json_extract(source_raw, '$.imported.aliases'), json_extract(source_raw, '$.imported.splits')
             FROM payments NOT INDEXED
             WHERE import_source = ?1
               AND (instr(source_raw, 'invoice') OR instr(source_raw, 'aliases') OR instr(source_raw, 'splits')
                    OR instr(source_raw, '\\'))
               AND json_valid(source_raw)",
        )?;
        let mut out = Vec::new();
        let mut rows = stmt.query([source.as_db()])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            if let Some(ext) = r.get::<_, Option<String>>(1)? {
                out.push((id, ext));
            }
            if let Some(num) = r.get::<_, Option<String>>(2)? {
                out.push((id, format!("#number:{num}")));
            }
            for alias in r.get::<_, Option<String>>(3)?.unwrap_or_default().split(',').filter(|a| !a.is_empty()) {
                out.push((id, format!("#payment:{alias}")));
            }
            // A payment of several invoices: [[invoice link key, amount], ...].
            if let Some(splits) = r.get::<_, Option<String>>(4)? {
                let parsed: serde_json::Value = serde_json::from_str(&splits).unwrap_or_default();
                for key in parsed.as_array().into_iter().flatten().filter_map(|s| s.get(0)?.as_str()) {
                    out.push((id, key.to_string()));
                }
            }
        }
        Ok(out)
    }

    pub fn insert_payment(&self, source: Option<(ImportSource, &str)>, p: &PaymentWrite<'_>) -> Result<i64> {
        self.external_indexes()?;
        self.touch(p.customer_id);
        let row = inserts::NewPaymentRow { id: None, payment: p, applied_minor: 0, source, created_at: &self.now };
        Ok(inserts::insert_payment(&self.tx, &row)?)
    }

    pub fn update_payment(&self, id: i64, p: &PaymentWrite<'_>) -> Result<()> {
        self.touch_row("payments", id)?;
        self.tx
            .prepare_cached(
                "UPDATE payments SET received_on = ?2, amount_minor = ?3, refunded_minor = ?4, currency = ?5,
                        reference = ?6, status = ?7, method = ?8, source_raw = ?9, version = version + 1 WHERE id = ?1",
            )?
            .execute(params![
                id,
                iso(p.received_on),
                p.amount_minor,
                p.refunded_minor,
                p.currency.code(),
                p.reference,
                p.status.as_db(),
                p.method.as_db(),
                p.source_raw
            ])?;
        // The refund rows follow the refunded amount: those recorded in
        // ardesk stay, the imported ones give way to the source's.
        let refunded = Refunded {
            payment_id: id,
            total_minor: p.refunded_minor,
            received_on: p.received_on,
            source_on: p.refunded_on,
        };
        refund_rows::settle(&self.tx, &refunded, &self.now)
    }

    /// A payment's refunds keyed by their source's ids, oldest first.
    pub fn keyed_refunds(&self, payment_id: i64) -> Result<Vec<KeyedRefund>> {
        refund_rows::keyed(&self.tx, payment_id)
    }

    /// Σ a payment's refunds recorded in ardesk (not imported).
    pub fn recorded_refunds_minor(&self, payment_id: i64) -> Result<i64> {
        refund_rows::recorded_minor(&self.tx, payment_id)
    }

    /// Writes a refund keyed by its source's id (`k.id` 0 for a new one)
    /// and makes the payment's refunded amount `total_minor` with `status`,
    /// its other rows settled to it (`refund_rows::settle`). The caller has
    /// taken back what the payment applies beyond what it keeps.
    pub fn put_keyed_refund(
        &self,
        payment_id: i64,
        k: &KeyedRefund,
        total_minor: i64,
        status: PaymentStatus,
        source_on: Option<NaiveDate>,
    ) -> Result<()> {
        self.touch_row("payments", payment_id)?;
        let p = self.payment(payment_id)?;
        let reason: String = k.reason.chars().take(1000).collect();
        refund_rows::put_keyed(&self.tx, payment_id, &KeyedRefund { reason, ..k.clone() }, &self.now)?;
        self.tx
            .prepare_cached(
                "UPDATE payments SET refunded_minor = ?2, status = ?3, version = version + 1
                 WHERE id = ?1 AND (refunded_minor <> ?2 OR status <> ?3)",
            )?
            .execute(params![payment_id, total_minor, status.as_db()])?;
        let refunded = Refunded { payment_id, total_minor, received_on: p.received_on, source_on };
        refund_rows::settle(&self.tx, &refunded, &self.now)
    }

    /// Makes a payment's refunds these rows (ardesk's own export, which
    /// carries them); they must add up to what the payment says was
    /// refunded.
    pub fn set_refunds(&self, payment_id: i64, refunds: &[RefundWrite]) -> Result<()> {
        let refunded: i64 = self.payment(payment_id)?.refunded_minor;
        let sum: i128 = refunds.iter().map(|r| i128::from(r.amount_minor)).sum();
        if sum != i128::from(refunded) {
            return Err(StoreError::Invalid(format!(
                "its refunds add up to {sum} minor units, but it says {refunded} were refunded"
            )));
        }
        self.tx.prepare_cached("DELETE FROM refunds WHERE payment_id = ?1")?.execute([payment_id])?;
        for r in refunds {
            let row = inserts::NewRefundRow {
                payment_id,
                refunded_on: r.refunded_on,
                amount_minor: r.amount_minor,
                reason: &r.reason,
                dated_from: r.dated_from,
                created_at: &self.now,
            };
            let id = inserts::insert_refund(&self.tx, &row)?;
            if let Some(key) = &r.external_id {
                self.tx
                    .prepare_cached("UPDATE refunds SET external_id = ?2 WHERE id = ?1")?
                    .execute(params![id, key])?;
            }
        }
        Ok(())
    }

    /// Deletes a payment the import made (a stand-in for what a source
    /// said was paid, "…#paid"): its applications are reversed, then go
    /// with it (`drop_with_reversed`).
    pub fn delete_payment(&self, id: i64) -> Result<()> {
        self.touch_row("payments", id)?;
        for a in self.applications(id, AppsOf::Payment)? {
            self.reverse_application(a.id)?;
        }
        self.drop_with_reversed("payments", "payment_id", id)
    }

    // Credits --------------------------------------------------------------

    pub fn find_credit(&self, source: ImportSource, external_id: &str) -> Result<Option<CreditState>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT id, customer_id, granted_on, amount_minor,
                    (SELECT coalesce(sum(amount_minor), 0) FROM applications a WHERE a.removed_on IS NULL AND a.credit_id = credits.id),
                    currency, reason
             FROM credits WHERE import_source = ?1 AND external_id = ?2",
        )?;
        Ok(stmt
            .query_row(params![source.as_db(), external_id], |r| {
                Ok(CreditState {
                    id: r.get(0)?,
                    customer_id: r.get(1)?,
                    granted_on: date(r, 2)?,
                    amount_minor: r.get(3)?,
                    applied_minor: r.get(4)?,
                    currency: currency(r, 5)?,
                    reason: r.get(6)?,
                })
            })
            .optional()?)
    }

    #[allow(clippy::too_many_arguments)]
    pub fn insert_credit(
        &self,
        source: Option<(ImportSource, &str)>,
        customer_id: i64,
        granted_on: NaiveDate,
        amount_minor: i64,
        cur: Currency,
        reason: &str,
    ) -> Result<i64> {
        self.touch(customer_id);
        let row = inserts::NewCreditRow {
            id: None,
            customer_id,
            granted_on,
            amount_minor,
            applied_minor: 0,
            currency: cur,
            reason,
            source,
            created_at: &self.now,
        };
        Ok(inserts::insert_credit(&self.tx, &row)?)
    }

    pub fn update_credit_amount(&self, id: i64, amount_minor: i64) -> Result<()> {
        self.touch_row("credits", id)?;
        self.tx.execute(
            "UPDATE credits SET amount_minor = ?2, version = version + 1 WHERE id = ?1",
            params![id, amount_minor],
        )?;
        Ok(())
    }

    /// Deletes a credit the import made (a stand-in for a source's credit,
    /// or a credit balance the source no longer has): its applications are
    /// reversed, then go with it (`drop_with_reversed`).
    pub fn delete_credit(&self, id: i64) -> Result<()> {
        self.touch_row("credits", id)?;
        for a in self.applications(id, AppsOf::Credit)? {
            self.reverse_application(a.id)?;
        }
        self.drop_with_reversed("credits", "credit_id", id)
    }

    /// The one way an application leaves the database: reversed, with the
    /// payment or credit it drew on, which the import made and now removes
    /// (`applications_never_deleted` refuses any other). The row goes
    /// first, its applications after; foreign keys are checked at commit,
    /// when neither is left.
    fn drop_with_reversed(&self, table: &str, column: &str, id: i64) -> Result<()> {
        self.tx.execute_batch("PRAGMA defer_foreign_keys = ON")?;
        self.tx.prepare_cached(&format!("DELETE FROM {table} WHERE id = ?1"))?.execute([id])?;
        self.tx.prepare_cached(&format!("DELETE FROM applications WHERE {column} = ?1"))?.execute([id])?;
        Ok(())
    }

    // Applications ---------------------------------------------------------

    /// Applies a payment (`credit` false) or a credit to an invoice.
    pub fn apply(&self, invoice_id: i64, from: i64, credit: bool, amount_minor: i64, on: NaiveDate) -> Result<()> {
        self.touch_row("invoices", invoice_id)?;
        let from = if credit { AppliedFrom::Credit(from) } else { AppliedFrom::Payment(from) };
        let row = inserts::NewApplicationRow { invoice_id, from, amount_minor, applied_on: on, created_at: &self.now };
        Ok(inserts::insert_application(&self.tx, &row)?)
    }

    /// Reverses an application (re-settling an invoice): it stops counting
    /// on the import's date, or on the day it was applied if that is later.
    pub fn reverse_application(&self, id: i64) -> Result<()> {
        let today = self.now.get(..10).unwrap_or(&self.now).to_string();
        self.reverse_application_at(id, &today)
    }

    /// Reverses an application as of `on` (a void's date), or the day it
    /// was applied if that is later.
    pub fn reverse_application_on(&self, id: i64, on: NaiveDate) -> Result<()> {
        self.reverse_application_at(id, &iso(on))
    }

    fn reverse_application_at(&self, id: i64, today: &str) -> Result<()> {
        let owners: Option<(i64, Option<i64>, Option<i64>)> = self
            .tx
            .prepare_cached("SELECT invoice_id, payment_id, credit_id FROM applications WHERE id = ?1")?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        self.tx
            .prepare_cached(
                "UPDATE applications SET removed_on = max(?2, applied_on) WHERE id = ?1 AND removed_on IS NULL",
            )?
            .execute(params![id, today])?;
        if let (Some((invoice, payment, credit)), true) = (owners, self.suspended.is_some()) {
            self.touch_row("invoices", invoice)?;
            self.refresh_applied(invoice, payment, credit)?;
        }
        Ok(())
    }

    /// In bulk mode the triggers that keep `applied_minor` are lifted; a
    /// row about to lose money must show it before its status changes.
    fn refresh_applied(&self, invoice: i64, payment: Option<i64>, credit: Option<i64>) -> Result<()> {
        for (table, col, id) in [
            ("invoices", "invoice_id", Some(invoice)),
            ("payments", "payment_id", payment),
            ("credits", "credit_id", credit),
        ] {
            if let Some(id) = id {
                // An invoice keeps its credited part beside (`credited_minor`).
                let credited = match table {
                    "invoices" => {
                        ", credited_minor = (SELECT coalesce(sum(amount_minor), 0) FROM applications
                                    WHERE invoice_id = ?1 AND credit_id IS NOT NULL AND removed_on IS NULL)"
                    }
                    _ => "",
                };
                let sql = format!(
                    "UPDATE {table} SET applied_minor =
                         (SELECT coalesce(sum(amount_minor), 0) FROM applications
                          WHERE {col} = ?1 AND removed_on IS NULL){credited} WHERE id = ?1"
                );
                self.tx.prepare_cached(&sql)?.execute([id])?;
            }
        }
        Ok(())
    }

    /// Live applications to an invoice, or of a payment or a credit.
    pub fn applications(&self, id: i64, of: AppsOf) -> Result<Vec<ApplicationState>> {
        let sql = format!(
            "SELECT a.id, a.invoice_id, a.payment_id, a.credit_id, a.amount_minor, a.applied_on,
                    coalesce(p.import_source, c.import_source), coalesce(p.external_id, c.external_id)
             FROM applications a LEFT JOIN payments p ON p.id = a.payment_id LEFT JOIN credits c ON c.id = a.credit_id
             WHERE a.{} = ?1 AND a.removed_on IS NULL ORDER BY a.id",
            match of {
                AppsOf::Invoice => "invoice_id",
                AppsOf::Payment => "payment_id",
                AppsOf::Credit => "credit_id",
            }
        );
        let mut stmt = self.tx.prepare_cached(&sql)?;
        let rows = stmt.query_map([id], |r| {
            Ok(ApplicationState {
                id: r.get(0)?,
                invoice_id: r.get(1)?,
                payment_id: r.get(2)?,
                credit_id: r.get(3)?,
                amount_minor: r.get(4)?,
                applied_on: date(r, 5)?,
                from_source: source_of(r.get(6)?),
                from_external_id: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

//! The money rows an import writes on PostgreSQL
//! (`store/import/money.rs`): invoices, payments, credits and the
//! applications between them. The summaries and applied amounts are the
//! triggers'; applied amounts are read from the applications themselves.

use super::super::super::import::{
    ApplicationState, AppsOf, Inserted, InvoiceState, InvoiceWrite, PaymentState, PaymentWrite,
};
use super::super::super::seed::AppliedFrom;
use super::super::super::{Result, StoreError};
use super::super::inserts;
use super::{PgImportTx, currency_of, source_of};
use crate::domain::status::*;
use chrono::NaiveDate;
use postgres::Row;
use postgres::error::SqlState;

const INVOICE_COLS: &str = "id, customer_id, number, issue_date, due_date, period_start, period_end, currency, \
     total_minor, (SELECT coalesce(sum(amount_minor), 0)::bigint FROM applications a WHERE a.removed_on IS NULL AND a.invoice_id = invoices.id), \
     status, external_id, source_raw, memo, import_base";

fn invoice_state(r: &Row) -> Result<InvoiceState> {
    let period = match (r.try_get::<_, Option<NaiveDate>>(5)?, r.try_get::<_, Option<NaiveDate>>(6)?) {
        (Some(a), Some(b)) => Some((a, b)),
        _ => None,
    };
    let status: String = r.try_get(10)?;
    Ok(InvoiceState {
        id: r.try_get(0)?,
        customer_id: r.try_get(1)?,
        number: r.try_get(2)?,
        issue_date: r.try_get(3)?,
        due_date: r.try_get(4)?,
        period,
        currency: currency_of(r.try_get(7)?)?,
        total_minor: r.try_get(8)?,
        applied_minor: r.try_get(9)?,
        status: InvoiceStatus::from_db(&status)
            .ok_or_else(|| StoreError::Invalid(format!("unknown invoice status {status}")))?,
        external_id: r.try_get(11)?,
        source_raw: r.try_get(12)?,
        memo: r.try_get(13)?,
        import_base: r.try_get(14)?,
    })
}

const PAYMENT_COLS: &str = "id, customer_id, received_on, amount_minor, refunded_minor, \
     (SELECT coalesce(sum(amount_minor), 0)::bigint FROM applications a WHERE a.removed_on IS NULL AND a.payment_id = payments.id), \
     currency, reference, status, method, external_id, source_raw";

fn payment_state(r: &Row) -> Result<PaymentState> {
    let (status, method): (String, String) = (r.try_get(8)?, r.try_get(9)?);
    Ok(PaymentState {
        id: r.try_get(0)?,
        customer_id: r.try_get(1)?,
        received_on: r.try_get(2)?,
        amount_minor: r.try_get(3)?,
        refunded_minor: r.try_get(4)?,
        applied_minor: r.try_get(5)?,
        currency: currency_of(r.try_get(6)?)?,
        reference: r.try_get(7)?,
        status: PaymentStatus::from_db(&status)
            .ok_or_else(|| StoreError::Invalid(format!("unknown payment status {status}")))?,
        method: PaymentMethod::from_db(&method)
            .ok_or_else(|| StoreError::Invalid(format!("unknown payment method {method}")))?,
        external_id: r.try_get(10)?,
        source_raw: r.try_get(11)?,
    })
}

impl PgImportTx<'_> {
    // Invoices -------------------------------------------------------------

    pub fn find_invoice(&self, source: ImportSource, external_id: &str) -> Result<Option<InvoiceState>> {
        let sql = format!("SELECT {INVOICE_COLS} FROM invoices WHERE import_source = $1 AND external_id = $2");
        self.row_opt(&sql, &[&source.as_db(), &external_id])?.map(|r| invoice_state(&r)).transpose()
    }

    pub fn invoice_if_unchanged(
        &self,
        source: ImportSource,
        external_id: &str,
        base: &[u8],
    ) -> Result<Option<(i64, i64)>> {
        Ok(self
            .row_opt(
                "SELECT id, customer_id FROM invoices WHERE import_source = $1 AND external_id = $2 AND import_base = $3",
                &[&source.as_db(), &external_id, &base],
            )?
            .map(|r| (r.get(0), r.get(1))))
    }

    /// Keeps the source row of `i`, about to be written (`ImportTx::keep_row`).
    pub(super) fn keep_row(&self, source: Option<ImportSource>, i: &InvoiceWrite<'_>) -> Result<Option<i64>> {
        match i.kept.lean() {
            Some(k) => {
                let label = source.map_or("ardesk", |s| s.as_db());
                Ok(Some(self.kept.borrow_mut().push_in(self, label, &k.row)?))
            }
            None => Ok(None),
        }
    }

    pub fn invoice(&self, id: i64) -> Result<InvoiceState> {
        let sql = format!("SELECT {INVOICE_COLS} FROM invoices WHERE id = $1");
        invoice_state(&self.row(&sql, &[&id])?)
    }

    pub fn invoice_by_number(&self, number: &str) -> Result<Option<InvoiceState>> {
        let sql = format!("SELECT {INVOICE_COLS} FROM invoices WHERE number = $1");
        self.row_opt(&sql, &[&number])?.map(|r| invoice_state(&r)).transpose()
    }

    pub fn invoice_number_taken(&self, number: &str) -> Result<Option<i64>> {
        self.one_opt("SELECT id FROM invoices WHERE number = $1", &[&number])
    }

    pub fn set_write_off(&self, id: i64, on: Option<NaiveDate>, reason: &str) -> Result<()> {
        self.exec(
            "UPDATE invoices SET written_off_on = $2, write_off_reason = $3 WHERE id = $1 AND status = 'uncollectible'",
            &[&id, &on, &reason],
        )?;
        Ok(())
    }

    pub fn insert_invoice(&self, source: Option<(ImportSource, &str)>, i: &InvoiceWrite<'_>) -> Result<i64> {
        let contract_name = inserts::contract_name(&mut *self.tx(), i.contract_id)?;
        let kept_row = self.keep_row(source.map(|s| s.0), i)?;
        let id: i64 = self.one(
            "INSERT INTO invoices(customer_id, contract_id, contract_name, number, issue_date, due_date, period_start,
                                  period_end, currency, total_minor, applied_minor, status, import_source, external_id,
                                  source_raw, created_at, balance_minor, memo, credited_minor, cancelled_on,
                                  import_base, import_row, import_line)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11, $12, $13, $14, $15, $16, $17, 0, $18, $19, $20,
                     $21)
             RETURNING id",
            &[
                &i.customer_id,
                &i.contract_id,
                &contract_name,
                &i.number,
                &i.issue_date,
                &i.due_date,
                &i.period.map(|p| p.0),
                &i.period.map(|p| p.1),
                &i.currency.code(),
                &i.total_minor,
                &i.status.as_db(),
                &source.map(|s| s.0.as_db()),
                &source.map(|s| s.1),
                &i.kept.json().as_deref(),
                &self.now,
                &i.status.balance_minor(i.total_minor, 0),
                &i.memo,
                &i.cancelled_on(),
                &i.kept.base(),
                &kept_row,
                &i.kept.line(),
            ],
        )?;
        inserts::replace_lines(&mut *self.tx(), id, i.lines)?;
        self.grown(1)?;
        Ok(id)
    }

    /// Inserts an invoice unless its (source, external id) or its number
    /// exists already, which is reported instead of raised. Asked first,
    /// since a refused statement would end PostgreSQL's transaction; the
    /// customers table is held, so no other writer adds one meanwhile.
    pub fn try_insert_invoice(&self, source: Option<(ImportSource, &str)>, i: &InvoiceWrite<'_>) -> Result<Inserted> {
        if let Some((s, ext)) = source
            && self
                .one_opt::<i64>(
                    "SELECT id FROM invoices WHERE import_source = $1 AND external_id = $2",
                    &[&s.as_db(), &ext],
                )?
                .is_some()
        {
            return Ok(Inserted::Exists);
        }
        if self.invoice_number_taken(i.number)?.is_some() {
            return Ok(Inserted::NumberTaken);
        }
        match self.insert_invoice(source, i) {
            Ok(id) => Ok(Inserted::New(id)),
            Err(StoreError::Sql(e)) if e.unique_violation() => Err(StoreError::Invalid(e.to_string())),
            Err(e) => Err(e),
        }
    }

    pub fn source_has_payments(&self, source: ImportSource) -> Result<bool> {
        self.one("SELECT EXISTS (SELECT 1 FROM payments WHERE import_source = $1)", &[&source.as_db()])
    }

    pub fn source_has_invoices(&self, source: ImportSource) -> Result<bool> {
        self.one("SELECT EXISTS (SELECT 1 FROM invoices WHERE import_source = $1)", &[&source.as_db()])
    }

    pub fn update_invoice(&self, id: i64, i: &InvoiceWrite<'_>) -> Result<bool> {
        self.forget_line(id);
        let kept_row = match i.kept.lean() {
            Some(_) => {
                let source: Option<String> = self.one("SELECT import_source FROM invoices WHERE id = $1", &[&id])?;
                self.keep_row(source.as_deref().and_then(ImportSource::from_db), i)?
            }
            None => None,
        };
        self.exec(
            "UPDATE invoices SET number = $2, issue_date = $3, due_date = $4, period_start = $5, period_end = $6,
                    currency = $7, total_minor = $8, status = $9, source_raw = $10, memo = $11,
                    import_base = $13, import_row = $14, import_line = $15,
                    written_off_on = CASE WHEN $9 = 'uncollectible' THEN written_off_on END,
                    cancelled_on = CASE WHEN $9 = 'cancelled' THEN greatest(coalesce(cancelled_on, $12), $3) END,
                    version = version + 1
             WHERE id = $1",
            &[
                &id,
                &i.number,
                &i.issue_date,
                &i.due_date,
                &i.period.map(|p| p.0),
                &i.period.map(|p| p.1),
                &i.currency.code(),
                &i.total_minor,
                &i.status.as_db(),
                &i.kept.json().as_deref(),
                &i.memo,
                &i.cancelled_on(),
                &i.kept.base(),
                &kept_row,
                &i.kept.line(),
            ],
        )?;
        self.kept.borrow_mut().replaced = true;
        let had = self.lines_of("invoice_lines", "invoice_id", id)?;
        let changed = had != i.lines;
        if changed {
            inserts::replace_lines(&mut *self.tx(), id, i.lines)?;
        }
        Ok(changed)
    }

    pub fn set_invoice_status(&self, id: i64, status: InvoiceStatus) -> Result<()> {
        self.exec(
            "UPDATE invoices SET status = $2, written_off_on = CASE WHEN $2 = 'uncollectible' THEN written_off_on END,
                 cancelled_on = CASE WHEN $2 = 'cancelled' THEN cancelled_on END,
                 version = version + 1 WHERE id = $1 AND status <> $2",
            &[&id, &status.as_db()],
        )?;
        Ok(())
    }

    // Payments -------------------------------------------------------------

    pub fn find_payment(&self, source: ImportSource, external_id: &str) -> Result<Option<PaymentState>> {
        let sql = format!("SELECT {PAYMENT_COLS} FROM payments WHERE import_source = $1 AND external_id = $2");
        self.row_opt(&sql, &[&source.as_db(), &external_id])?.map(|r| payment_state(&r)).transpose()
    }

    pub fn payment(&self, id: i64) -> Result<PaymentState> {
        let sql = format!("SELECT {PAYMENT_COLS} FROM payments WHERE id = $1");
        payment_state(&self.row(&sql, &[&id])?)
    }

    /// Payments of `source` and the keys that find them (as
    /// `ImportTx::payment_links`): the JSON read here, only that of a text
    /// that could name an invoice.
    pub fn payment_links(&self, source: ImportSource) -> Result<Vec<(i64, String)>> {
        let rows = self.rows(
            "SELECT id, source_raw FROM payments
             WHERE import_source = $1
               AND (strpos(source_raw, 'invoice') > 0 OR strpos(source_raw, 'aliases') > 0
                    OR strpos(source_raw, 'splits') > 0 OR strpos(source_raw, '\\') > 0)
             ORDER BY id",
            &[&source.as_db()],
        )?;
        let mut out = Vec::new();
        for r in rows {
            let id: i64 = r.try_get(0)?;
            let raw: String = r.try_get(1)?;
            let Ok(v) = serde_json::from_str::<serde_json::Value>(&raw) else { continue };
            let imported = v.get("imported");
            let text = |k: &str| imported.and_then(|i| i.get(k)).and_then(json_scalar);
            if let Some(ext) = text("invoice") {
                out.push((id, ext));
            }
            if let Some(num) = text("invoice_number") {
                out.push((id, format!("#number:{num}")));
            }
            for alias in text("aliases").unwrap_or_default().split(',').filter(|a| !a.is_empty()) {
                out.push((id, format!("#payment:{alias}")));
            }
            if let Some(splits) = imported.and_then(|i| i.get("splits")).filter(|s| !s.is_null()) {
                for key in splits.as_array().into_iter().flatten().filter_map(|s| s.get(0)?.as_str()) {
                    out.push((id, key.to_string()));
                }
            }
        }
        Ok(out)
    }

    pub fn insert_payment(&self, source: Option<(ImportSource, &str)>, p: &PaymentWrite<'_>) -> Result<i64> {
        let id: i64 = self.one(
            "INSERT INTO payments(customer_id, received_on, amount_minor, refunded_minor, applied_minor, currency,
                                  reference, status, method, import_source, external_id, source_raw, created_at)
             VALUES ($1, $2, $3, $4, 0, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
            &[
                &p.customer_id,
                &p.received_on,
                &p.amount_minor,
                &p.refunded_minor,
                &p.currency.code(),
                &p.reference,
                &p.status.as_db(),
                &p.method.as_db(),
                &source.map(|s| s.0.as_db()),
                &source.map(|s| s.1),
                &p.source_raw,
                &self.now,
            ],
        )?;
        if p.refunded_minor > 0 {
            let (on, dated_from) = crate::store::inserts::imported_refund_date(p.received_on, p.refunded_on);
            inserts::insert_refund(&mut *self.tx(), id, on, p.refunded_minor, "", dated_from, &self.now)?;
        }
        Ok(id)
    }

    pub fn update_payment(&self, id: i64, p: &PaymentWrite<'_>) -> Result<()> {
        self.exec(
            "UPDATE payments SET received_on = $2, amount_minor = $3, refunded_minor = $4, currency = $5,
                    reference = $6, status = $7, method = $8, source_raw = $9, version = version + 1 WHERE id = $1",
            &[
                &id,
                &p.received_on,
                &p.amount_minor,
                &p.refunded_minor,
                &p.currency.code(),
                &p.reference,
                &p.status.as_db(),
                &p.method.as_db(),
                &p.source_raw,
            ],
        )?;
        self.settle_refunds(id, p.refunded_minor, p.received_on, p.refunded_on)
    }

    pub fn delete_payment(&self, id: i64) -> Result<()> {
        for a in self.applications(id, AppsOf::Payment)? {
            self.reverse_application(a.id)?;
        }
        self.drop_with_reversed("payments", "payment_id", id)
    }

    // Credits --------------------------------------------------------------

    pub fn find_credit(
        &self,
        source: ImportSource,
        external_id: &str,
    ) -> Result<Option<super::super::super::import::CreditState>> {
        self.row_opt(
            "SELECT id, customer_id, granted_on, amount_minor,
                    (SELECT coalesce(sum(amount_minor), 0)::bigint FROM applications a
                     WHERE a.removed_on IS NULL AND a.credit_id = credits.id),
                    currency, reason
             FROM credits WHERE import_source = $1 AND external_id = $2",
            &[&source.as_db(), &external_id],
        )?
        .map(|r| {
            Ok(super::super::super::import::CreditState {
                id: r.try_get(0)?,
                customer_id: r.try_get(1)?,
                granted_on: r.try_get(2)?,
                amount_minor: r.try_get(3)?,
                applied_minor: r.try_get(4)?,
                currency: currency_of(r.try_get(5)?)?,
                reason: r.try_get(6)?,
            })
        })
        .transpose()
    }

    #[allow(clippy::too_many_arguments)]
    pub fn insert_credit(
        &self,
        source: Option<(ImportSource, &str)>,
        customer_id: i64,
        granted_on: NaiveDate,
        amount_minor: i64,
        cur: crate::domain::Currency,
        reason: &str,
    ) -> Result<i64> {
        self.one(
            "INSERT INTO credits(customer_id, granted_on, amount_minor, applied_minor, currency, reason, import_source,
                                 external_id, created_at)
             VALUES ($1, $2, $3, 0, $4, $5, $6, $7, $8) RETURNING id",
            &[
                &customer_id,
                &granted_on,
                &amount_minor,
                &cur.code(),
                &reason,
                &source.map(|s| s.0.as_db()),
                &source.map(|s| s.1),
                &self.now,
            ],
        )
    }

    pub fn update_credit_amount(&self, id: i64, amount_minor: i64) -> Result<()> {
        self.exec("UPDATE credits SET amount_minor = $2, version = version + 1 WHERE id = $1", &[&id, &amount_minor])?;
        Ok(())
    }

    pub fn delete_credit(&self, id: i64) -> Result<()> {
        for a in self.applications(id, AppsOf::Credit)? {
            self.reverse_application(a.id)?;
        }
        self.drop_with_reversed("credits", "credit_id", id)
    }

    /// The row goes first, its applications after; the foreign keys are
    /// checked at the end of the statement pair (deferred).
    fn drop_with_reversed(&self, table: &str, column: &str, id: i64) -> Result<()> {
        self.tx().batch_execute("SET CONSTRAINTS ALL DEFERRED")?;
        self.exec(&format!("DELETE FROM {table} WHERE id = $1"), &[&id])?;
        self.exec(&format!("DELETE FROM applications WHERE {column} = $1"), &[&id])?;
        self.tx().batch_execute("SET CONSTRAINTS ALL IMMEDIATE")?;
        Ok(())
    }

    // Applications ---------------------------------------------------------

    pub fn apply(&self, invoice_id: i64, from: i64, credit: bool, amount_minor: i64, on: NaiveDate) -> Result<()> {
        let from = if credit { AppliedFrom::Credit(from) } else { AppliedFrom::Payment(from) };
        inserts::insert_application(&mut *self.tx(), invoice_id, from, amount_minor, on, &self.now)
    }

    pub fn reverse_application(&self, id: i64) -> Result<()> {
        self.reverse_application_on(id, self.today())
    }

    pub fn reverse_application_on(&self, id: i64, on: NaiveDate) -> Result<()> {
        self.exec(
            "UPDATE applications SET removed_on = greatest($2, applied_on) WHERE id = $1 AND removed_on IS NULL",
            &[&id, &on],
        )?;
        Ok(())
    }

    pub fn applications(&self, id: i64, of: AppsOf) -> Result<Vec<ApplicationState>> {
        let sql = format!(
            "SELECT a.id, a.invoice_id, a.payment_id, a.credit_id, a.amount_minor, a.applied_on,
                    coalesce(p.import_source, c.import_source), coalesce(p.external_id, c.external_id)
             FROM applications a LEFT JOIN payments p ON p.id = a.payment_id LEFT JOIN credits c ON c.id = a.credit_id
             WHERE a.{} = $1 AND a.removed_on IS NULL ORDER BY a.id",
            match of {
                AppsOf::Invoice => "invoice_id",
                AppsOf::Payment => "payment_id",
                AppsOf::Credit => "credit_id",
            }
        );
        self.rows(&sql, &[&id])?
            .iter()
            .map(|r| {
                Ok(ApplicationState {
                    id: r.try_get(0)?,
                    invoice_id: r.try_get(1)?,
                    payment_id: r.try_get(2)?,
                    credit_id: r.try_get(3)?,
                    amount_minor: r.try_get(4)?,
                    applied_on: r.try_get(5)?,
                    from_source: source_of(r.try_get(6)?),
                    from_external_id: r.try_get(7)?,
                })
            })
            .collect()
    }
}

/// A JSON value as `json_extract` gives it as text: a string as itself, a
/// number or a boolean as its text; `None` for null, an object or an array
/// (which SQLite would give as JSON text: no source writes one there).
fn json_scalar(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(if *b { "1" } else { "0" }.to_string()),
        _ => None,
    }
}

/// Whether a driver error is a unique index's refusal.
#[allow(dead_code)]
pub(super) fn unique(e: &postgres::Error) -> bool {
    e.code() == Some(&SqlState::UNIQUE_VIOLATION)
}

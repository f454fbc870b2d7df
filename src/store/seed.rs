//! Plain inserts in one transaction, for demo data, benchmarks and test
//! fixtures. The triggers keep every summary right; the CHECK constraints
//! refuse impossible rows. Interactive edits use the validated write paths.

use super::audit::Audit;
use super::import::{InvoiceWrite, PaymentWrite};
use super::inserts::{self, NewApplicationRow, NewCreditRow, NewInvoiceRow, NewPaymentRow};
use super::{Result, Store, StoreError, now_utc};
use crate::domain::Currency;
use crate::domain::collections::{AuthorKind, Channel, ConvStatus, Direction, MessageKind, ResolvedBy};
use crate::domain::date::iso;
use crate::domain::status::*;
use chrono::NaiveDate;
use rusqlite::{Transaction, params};

/// A conversation for `Seeder::thread`.
#[derive(Debug, Clone)]
pub struct NewThread<'a> {
    pub subject: &'a str,
    pub channel: Channel,
    pub opened_on: NaiveDate,
    /// Open or waiting (when not resolved).
    pub status: ConvStatus,
    /// Resolved on a day, by the agent or a person, and their name.
    pub resolved: Option<(NaiveDate, ResolvedBy, &'a str)>,
    pub external_id: Option<&'a str>,
}

/// A message for `Seeder::message`.
#[derive(Debug, Clone)]
pub struct NewMessage<'a> {
    pub at: &'a str,
    pub direction: Direction,
    pub kind: MessageKind,
    pub author_kind: AuthorKind,
    pub author: &'a str,
    pub body: &'a str,
    pub outcome: &'a str,
    pub external_id: Option<&'a str>,
}

/// An invoice as `Seeder::invoices_of` reads it.
#[derive(Debug, Clone)]
pub struct SeededInvoice {
    pub id: i64,
    pub number: String,
    pub status: String,
    pub balance_minor: i64,
    pub due_date: String,
    pub issue_date: String,
}

#[derive(Debug, Clone)]
pub struct NewCustomer<'a> {
    pub name: &'a str,
    pub legal_name: &'a str,
    pub billing_email: &'a str,
    pub currency: Currency,
    pub import: Option<(ImportSource, &'a str, Option<&'a str>)>,
    pub invoices_paused: bool,
    pub portal: bool,
}

#[derive(Debug, Clone)]
pub struct NewContract<'a> {
    pub customer_id: i64,
    pub name: &'a str,
    pub kind: ContractKind,
    pub status: ContractStatus,
    pub period_start: NaiveDate,
    pub period_end: Option<NaiveDate>,
    pub value_minor: i64,
    pub currency: Currency,
    pub payment_terms_days: i64,
    pub billing_frequency: Option<BillingFrequency>,
}

#[derive(Debug, Clone)]
pub struct NewInvoice<'a> {
    pub customer_id: i64,
    pub contract_id: Option<i64>,
    pub number: &'a str,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub period: Option<(NaiveDate, NaiveDate)>,
    pub currency: Currency,
    pub total_minor: i64,
    pub status: InvoiceStatus,
}

#[derive(Debug, Clone)]
pub struct NewPayment<'a> {
    pub customer_id: i64,
    pub received_on: NaiveDate,
    pub amount_minor: i64,
    pub refunded_minor: i64,
    pub currency: Currency,
    pub reference: &'a str,
    pub status: PaymentStatus,
    pub method: PaymentMethod,
}

#[derive(Debug, Clone, Copy)]
pub enum AppliedFrom {
    Payment(i64),
    Credit(i64),
}

#[derive(Debug, Clone)]
pub struct NewContact<'a> {
    pub customer_id: i64,
    pub name: &'a str,
    pub email: &'a str,
    pub phone: &'a str,
    pub role: &'a str,
}

#[derive(Debug, Clone)]
pub struct NewDocument<'a> {
    pub customer_id: i64,
    pub contract_id: Option<i64>,
    pub name: &'a str,
    pub kind: DocumentKind,
    pub format: &'a str,
    pub content: &'a [u8],
    pub uploaded_at: &'a str,
}

/// A payment seeded refunded stands for one that came so from a source:
/// its refund row is dated as a source would date it, a few days after the
/// money came (within the bounds).
fn seeded_refund_date(received_on: NaiveDate) -> NaiveDate {
    (received_on + chrono::Duration::days(3)).min(crate::domain::bounds::MAX_DATE)
}

pub struct Seeder<'c> {
    tx: Transaction<'c>,
    who: String,
    now: String,
}

impl Store {
    /// Starts a seeding transaction; nothing lands until `commit`.
    pub fn seeder(&mut self) -> Result<Seeder<'_>> {
        let who = self.who().to_string();
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        Ok(Seeder { tx, who, now: now_utc() })
    }
}

impl Seeder<'_> {
    /// Lifts the summary triggers for a bulk load; `rebuild_summaries` must
    /// follow before `commit`.
    pub fn suspend_summaries(&self) -> Result<super::summaries::Suspended> {
        super::summaries::suspend(&self.tx)
    }

    /// Recomputes the loaded customers' caches and summaries and restores
    /// the triggers.
    pub fn rebuild_summaries(&self, customers: &[i64], suspended: super::summaries::Suspended) -> Result<()> {
        super::summaries::rebuild(&self.tx, customers, suspended)
    }

    /// Drops the screen indexes for a load of many rows (`store::bulk`);
    /// `restore_indexes` must follow before `commit`.
    pub fn lift_indexes(&self) -> Result<super::bulk::Lifted> {
        super::bulk::lift(&self.tx)
    }

    /// Creates the indexes `lift_indexes` dropped.
    pub fn restore_indexes(&self, lifted: super::bulk::Lifted) -> Result<()> {
        super::bulk::restore(&self.tx, lifted)
    }

    /// Stops indexing each new customer for search, for a load of many
    /// customers: `resume_search` must follow before `commit`, and indexes
    /// them all at once (a million customers: 193 s indexed one by one).
    pub fn suspend_search(&self) -> Result<SuspendedSearch> {
        let sql: String = self.tx.query_row(
            "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = 'customers_search_insert'",
            [],
            |r| r.get(0),
        )?;
        self.tx.execute_batch("DROP TRIGGER customers_search_insert")?;
        Ok(SuspendedSearch(sql))
    }

    /// Puts back what `suspend_search` took and rebuilds the search index
    /// from every customer.
    pub fn resume_search(&self, s: SuspendedSearch) -> Result<()> {
        self.tx.execute_batch(&s.0)?;
        self.tx.execute_batch("INSERT INTO customer_search(customer_search) VALUES ('rebuild')")?;
        Ok(())
    }

    pub fn commit(self) -> Result<()> {
        self.tx.commit()?;
        Ok(())
    }

    pub fn organization(
        &self,
        name: &str,
        currency: Currency,
        show_credit_balance: bool,
        invoice_prefix: &str,
        hubspot_portal_id: Option<&str>,
        salesforce_domain: Option<&str>,
    ) -> Result<()> {
        self.tx.execute(
            "UPDATE organization SET name = ?1, default_currency = ?2, show_credit_balance = ?3,
                    invoice_prefix = ?4, hubspot_portal_id = ?5, salesforce_domain = ?6, version = version + 1",
            params![name, currency.code(), show_credit_balance, invoice_prefix, hubspot_portal_id, salesforce_domain],
        )?;
        Ok(())
    }

    pub fn set_invoice_next_seq(&self, next: i64) -> Result<()> {
        self.tx.execute("UPDATE organization SET invoice_next_seq = ?1", [next])?;
        Ok(())
    }

    pub fn customer(&self, c: &NewCustomer<'_>) -> Result<i64> {
        let (source, ext, url) = match c.import {
            Some((s, e, u)) => (Some(s.as_db()), Some(e), u),
            None => (None, None, None),
        };
        self.tx
            .prepare_cached(
                "INSERT INTO customers(name, legal_name, billing_email, currency, import_source, external_id,
                                       external_url, invoices_paused, portal, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                c.name,
                c.legal_name,
                c.billing_email,
                c.currency.code(),
                source,
                ext,
                url,
                c.invoices_paused,
                c.portal,
                self.now
            ])?;
        Ok(self.tx.last_insert_rowid())
    }

    pub fn contract(&self, c: &NewContract<'_>) -> Result<i64> {
        self.tx
            .prepare_cached(
                "INSERT INTO contracts(customer_id, name, kind, status, period_start, period_end, value_minor,
                                       currency, payment_terms_days, billing_frequency, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?
            .execute(params![
                c.customer_id,
                c.name,
                c.kind.as_db(),
                c.status.as_db(),
                iso(c.period_start),
                c.period_end.map(iso),
                c.value_minor,
                c.currency.code(),
                c.payment_terms_days,
                c.billing_frequency.map(|f| f.as_db()),
                self.now
            ])?;
        Ok(self.tx.last_insert_rowid())
    }

    pub fn invoice(&self, i: &NewInvoice<'_>) -> Result<i64> {
        let invoice = InvoiceWrite {
            customer_id: i.customer_id,
            contract_id: i.contract_id,
            number: i.number,
            issue_date: i.issue_date,
            due_date: i.due_date,
            period: i.period,
            currency: i.currency,
            total_minor: i.total_minor,
            status: i.status,
            kept: crate::store::kept::Kept::Nothing,
            memo: "",
            lines: &[],
            cancelled_on: None,
        };
        let contract_name = inserts::contract_name(&self.tx, i.contract_id)?;
        let row = NewInvoiceRow {
            kept_row: None,
            id: None,
            invoice: &invoice,
            contract_name: &contract_name,
            applied_minor: 0,
            credited_minor: 0,
            source: None,
            created_at: &self.now,
        };
        Ok(inserts::insert_invoice(&self.tx, &row)?)
    }

    /// Gives an invoice its lines (it has none yet).
    pub fn invoice_lines(&self, invoice_id: i64, lines: &[crate::domain::lines::Line]) -> Result<()> {
        Ok(inserts::insert_lines(&self.tx, &inserts::lines_of(invoice_id, lines))?)
    }

    /// Dates a cancelled invoice's cancellation (`cancel_date`: never
    /// before its issue date); an invoice seeded cancelled has none yet.
    pub fn invoice_cancelled_on(&self, invoice_id: i64, on: NaiveDate) -> Result<()> {
        let n = self
            .tx
            .prepare_cached(
                "UPDATE invoices SET cancelled_on = max(?2, issue_date) WHERE id = ?1 AND status = 'cancelled'",
            )?
            .execute(params![invoice_id, iso(on)])?;
        match n {
            1 => Ok(()),
            _ => Err(StoreError::Invalid(format!("invoice #{invoice_id} is not a cancelled invoice"))),
        }
    }

    /// Gives an invoice its memo.
    pub fn invoice_memo(&self, invoice_id: i64, memo: &str) -> Result<()> {
        self.tx.prepare_cached("UPDATE invoices SET memo = ?2 WHERE id = ?1")?.execute(params![invoice_id, memo])?;
        Ok(())
    }

    pub fn set_invoice_status(&self, invoice_id: i64, status: InvoiceStatus) -> Result<()> {
        self.tx
            .prepare_cached(
                "UPDATE invoices SET status = ?2, cancelled_on = CASE WHEN ?2 = 'cancelled' THEN cancelled_on END,
                        version = version + 1 WHERE id = ?1",
            )?
            .execute(params![invoice_id, status.as_db()])?;
        Ok(())
    }

    pub fn payment(&self, p: &NewPayment<'_>) -> Result<i64> {
        let payment = PaymentWrite {
            customer_id: p.customer_id,
            received_on: p.received_on,
            amount_minor: p.amount_minor,
            refunded_minor: p.refunded_minor,
            refunded_on: Some(seeded_refund_date(p.received_on)),
            currency: p.currency,
            reference: p.reference,
            status: p.status,
            method: p.method,
            source_raw: None,
        };
        let row = NewPaymentRow { id: None, payment: &payment, applied_minor: 0, source: None, created_at: &self.now };
        Ok(inserts::insert_payment(&self.tx, &row)?)
    }

    pub fn credit(
        &self,
        customer_id: i64,
        granted_on: NaiveDate,
        amount_minor: i64,
        currency: Currency,
        reason: &str,
    ) -> Result<i64> {
        let row = NewCreditRow {
            id: None,
            customer_id,
            granted_on,
            amount_minor,
            applied_minor: 0,
            currency,
            reason,
            source: None,
            created_at: &self.now,
        };
        Ok(inserts::insert_credit(&self.tx, &row)?)
    }

    /// Applies money to an invoice; the triggers update every balance.
    /// Seeded books reverse nothing, so the application counts from its own
    /// date (`insert_application`'s look for a later reversal is skipped: a
    /// million of them made the demo four times slower).
    pub fn apply(&self, invoice_id: i64, from: AppliedFrom, amount_minor: i64, on: NaiveDate) -> Result<()> {
        let row = NewApplicationRow { invoice_id, from, amount_minor, applied_on: on, created_at: &self.now };
        Ok(inserts::insert_application_as_given(&self.tx, &row)?)
    }

    pub fn contact(&self, c: &NewContact<'_>) -> Result<i64> {
        self.tx
            .prepare_cached(
                "INSERT INTO contacts(customer_id, name, email, phone, role, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![c.customer_id, c.name, c.email, c.phone, c.role, self.now])?;
        Ok(self.tx.last_insert_rowid())
    }

    pub fn make_primary(&self, customer_id: i64, contact_id: i64) -> Result<()> {
        self.tx
            .execute("UPDATE customers SET primary_contact_id = ?2 WHERE id = ?1", params![customer_id, contact_id])?;
        Ok(())
    }

    /// Stores a small document from memory (demo assets); uploads of real
    /// files stream instead.
    pub fn document(&self, d: &NewDocument<'_>) -> Result<i64> {
        use sha2::{Digest, Sha256};
        let sha = Sha256::digest(d.content);
        let hex: String = sha.iter().map(|b| format!("{b:02x}")).collect();
        self.tx.execute(
            "INSERT INTO documents(customer_id, contract_id, name, kind, format, size_bytes, sha256, uploaded_at, uploaded_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                d.customer_id,
                d.contract_id,
                d.name,
                d.kind.as_db(),
                d.format,
                d.content.len() as i64,
                hex,
                d.uploaded_at,
                self.who
            ],
        )?;
        let id = self.tx.last_insert_rowid();
        self.tx.execute(
            "INSERT INTO document_content(document_id, seq, content) VALUES (?1, 0, ?2)",
            params![id, d.content],
        )?;
        Ok(id)
    }

    pub fn conversation(
        &self,
        customer_id: i64,
        subject: &str,
        opened_on: NaiveDate,
        resolved: Option<(NaiveDate, bool)>,
    ) -> Result<i64> {
        let (status, on, by) = match resolved {
            Some((d, by_agent)) => ("resolved", Some(iso(d)), Some(if by_agent { "agent" } else { "person" })),
            None => ("open", None, None),
        };
        self.tx
            .prepare_cached(
                "INSERT INTO conversations(customer_id, subject, opened_on, status, resolved_on, resolved_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![customer_id, subject, iso(opened_on), status, on, by])?;
        Ok(self.tx.last_insert_rowid())
    }

    /// A conversation as collections hold it (schema 16): its channel,
    /// status, who resolved it and their name, and an external id.
    pub fn thread(&self, customer_id: i64, t: &NewThread<'_>) -> Result<i64> {
        let (status, on, by, resolver) = match t.resolved {
            Some((d, by, who)) => (ConvStatus::Resolved, Some(iso(d)), Some(by.as_db()), who),
            None => (t.status, None, None, ""),
        };
        self.tx
            .prepare_cached(
                "INSERT INTO conversations(customer_id, subject, channel, opened_on, status, resolved_on, resolved_by,
                                           resolver, external_id, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?4 || 'T08:00:00Z')",
            )?
            .execute(params![
                customer_id,
                t.subject,
                t.channel.as_db(),
                iso(t.opened_on),
                status.as_db(),
                on,
                by,
                resolver,
                t.external_id
            ])?;
        Ok(self.tx.last_insert_rowid())
    }

    /// A message of a conversation; `at` is UTC, ISO 8601 to the second.
    pub fn message(&self, conversation_id: i64, m: &NewMessage<'_>) -> Result<i64> {
        self.tx
            .prepare_cached(
                "INSERT INTO conversation_messages(conversation_id, at, direction, kind, author_kind, author, body,
                                                   outcome, external_id, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?2)",
            )?
            .execute(params![
                conversation_id,
                m.at,
                m.direction.as_db(),
                m.kind.as_db(),
                m.author_kind.as_db(),
                m.author,
                m.body,
                m.outcome,
                m.external_id
            ])?;
        Ok(self.tx.last_insert_rowid())
    }

    /// Links an invoice to a conversation.
    pub fn link_invoice(&self, conversation_id: i64, invoice_id: i64) -> Result<()> {
        self.tx
            .prepare_cached("INSERT OR IGNORE INTO conversation_invoices(conversation_id, invoice_id) VALUES (?1, ?2)")?
            .execute([conversation_id, invoice_id])?;
        Ok(())
    }

    /// A promise to pay `amount_minor` (the customer's currency) on
    /// `invoices` by `due_on`, made in a conversation on `made_on`.
    pub fn promise(
        &self,
        conversation_id: i64,
        made_on: NaiveDate,
        due_on: NaiveDate,
        amount_minor: i64,
        invoices: &[i64],
        external_id: Option<&str>,
    ) -> Result<i64> {
        self.tx
            .prepare_cached(
                "INSERT INTO promises(conversation_id, customer_id, made_on, due_on, amount_minor, currency,
                                      external_id, created_at)
                 SELECT c.id, c.customer_id, ?2, ?3, ?4, cu.currency, ?5, ?2 || 'T12:00:00Z'
                 FROM conversations c JOIN customers cu ON cu.id = c.customer_id WHERE c.id = ?1",
            )?
            .execute(params![conversation_id, iso(made_on), iso(due_on), amount_minor, external_id])?;
        let id = self.tx.last_insert_rowid();
        for inv in invoices {
            self.tx
                .prepare_cached("INSERT OR IGNORE INTO promise_invoices(promise_id, invoice_id) VALUES (?1, ?2)")?
                .execute([id, *inv])?;
        }
        Ok(id)
    }

    /// Pauses an invoice's collections from `paused_on` until `until_on`,
    /// resumed early on `ended_on`.
    pub fn pause(
        &self,
        invoice_id: i64,
        paused_on: NaiveDate,
        until_on: NaiveDate,
        reason: &str,
        ended_on: Option<NaiveDate>,
    ) -> Result<i64> {
        self.tx
            .prepare_cached(
                "INSERT INTO invoice_pauses(invoice_id, customer_id, paused_on, until_on, reason, ended_on, created_at)
                 SELECT id, customer_id, ?2, ?3, ?4, ?5, ?2 || 'T10:00:00Z' FROM invoices WHERE id = ?1",
            )?
            .execute(params![invoice_id, iso(paused_on), iso(until_on), reason, ended_on.map(iso)])?;
        Ok(self.tx.last_insert_rowid())
    }

    /// A customer's invoices as collections pick them: id, number, status,
    /// balance (minor units), due date, in number order.
    pub fn invoices_of(&self, customer_id: i64) -> Result<Vec<SeededInvoice>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT id, number, status, balance_minor, due_date, issue_date FROM invoices
             WHERE customer_id = ?1 ORDER BY number",
        )?;
        let rows = stmt.query_map([customer_id], |r| {
            Ok(SeededInvoice {
                id: r.get(0)?,
                number: r.get(1)?,
                status: r.get(2)?,
                balance_minor: r.get(3)?,
                due_date: r.get(4)?,
                issue_date: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The payments applied to an invoice: the day each was received and
    /// what it applied, oldest first (succeeded payments only).
    pub fn payments_to(&self, invoice_id: i64) -> Result<Vec<(String, i64)>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT p.received_on, a.amount_minor FROM applications a JOIN payments p ON p.id = a.payment_id
             WHERE a.invoice_id = ?1 AND a.removed_on IS NULL AND p.status = 'succeeded'
             ORDER BY p.received_on, a.id",
        )?;
        let rows = stmt.query_map([invoice_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A customer's first contact's name ('' without one).
    pub fn first_contact(&self, customer_id: i64) -> Result<String> {
        Ok(self
            .tx
            .prepare_cached(
                "SELECT coalesce((SELECT name FROM contacts WHERE customer_id = ?1 ORDER BY id LIMIT 1), '')",
            )?
            .query_row([customer_id], |r| r.get(0))?)
    }

    /// An audit entry with an explicit time and author (demo history).
    pub fn audit(&self, entry: &Audit<'_>, at: &str, who: &str) -> Result<()> {
        entry.write_at(&self.tx, who, at)?;
        Ok(())
    }
}

/// The search trigger `Seeder::suspend_search` dropped.
#[must_use = "resume the search index before committing"]
pub struct SuspendedSearch(String);

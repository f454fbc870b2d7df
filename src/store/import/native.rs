//! ardesk's own format: rows without an external id matched on what
//! identifies them to a person, and the sections an export reads.

use super::*;

impl ImportTx<'_> {
    // ardesk's own format: rows without an external id match on what
    // identifies them to a person.

    /// A row of a customer's that has the same identifying values, if any:
    /// `table` is one of `NATIVE_KEYS`' tables, `key` its columns' values.
    pub fn find_native(&self, table: NativeTable, customer_id: i64, key: &[Value]) -> Result<Option<i64>> {
        let (name, cols) = table.key();
        let conds: Vec<String> = cols.iter().enumerate().map(|(i, c)| format!("{c} IS ?{}", i + 2)).collect();
        let sql =
            format!("SELECT id FROM {name} WHERE customer_id = ?1 AND {} ORDER BY id LIMIT 1", conds.join(" AND "));
        let mut stmt = self.tx.prepare_cached(&sql)?;
        let mut params: Vec<Value> = vec![customer_id.into()];
        params.extend(key.iter().cloned());
        Ok(stmt.query_row(rusqlite::params_from_iter(params), |r| r.get(0)).optional()?)
    }

    /// Inserts a row of `table` from exported values (`cols` are checked
    /// against the table's whitelist).
    pub fn insert_native(&self, table: NativeTable, customer_id: i64, cols: &[(&str, Value)]) -> Result<i64> {
        self.touch(customer_id);
        let (name, allowed) = table.columns();
        if let Some((bad, _)) = cols.iter().find(|(c, _)| !allowed.contains(c)) {
            return Err(StoreError::Invalid(format!("{name} has no column {bad}")));
        }
        let mut names: Vec<&str> = vec!["customer_id"];
        names.extend(cols.iter().map(|(c, _)| *c));
        let mut values: Vec<Value> = vec![customer_id.into()];
        values.extend(cols.iter().map(|(_, v)| v.clone()));
        if table == NativeTable::Contracts {
            names.push("created_at");
            values.push(self.now.clone().into());
        }
        let marks: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
        let sql = format!("INSERT INTO {name}({}) VALUES ({})", names.join(", "), marks.join(", "));
        self.tx.prepare_cached(&sql)?.execute(rusqlite::params_from_iter(values))?;
        Ok(self.tx.last_insert_rowid())
    }
}

impl NativeTable {
    pub(crate) fn key(self) -> (&'static str, &'static [&'static str]) {
        match self {
            NativeTable::Contracts => ("contracts", &["name", "period_start"]),
            NativeTable::Payments => ("payments", &["received_on", "amount_minor", "currency", "reference"]),
            NativeTable::Credits => ("credits", &["granted_on", "amount_minor", "currency", "reason"]),
            NativeTable::Contacts => ("contacts", &["name", "email"]),
            NativeTable::Conversations => ("conversations", &["subject", "opened_on"]),
        }
    }

    pub(crate) fn columns(self) -> (&'static str, &'static [&'static str]) {
        match self {
            NativeTable::Contracts => (
                "contracts",
                &[
                    "name",
                    "kind",
                    "status",
                    "period_start",
                    "period_end",
                    "value_minor",
                    "currency",
                    "payment_terms_days",
                    "billing_frequency",
                ],
            ),
            NativeTable::Conversations => {
                ("conversations", &["subject", "opened_on", "status", "resolved_on", "resolved_by"])
            }
            other => (other.key().0, &[]),
        }
    }
}

impl ExportSection {
    fn sql(self) -> &'static str {
        match self {
            ExportSection::Customer => {
                "SELECT id, name, legal_name, billing_email, currency, import_source, external_id, external_url,
                        source_raw, invoices_paused, portal, billing_address FROM customers WHERE id = ?1"
            }
            ExportSection::Contracts => {
                "SELECT id, name, kind, status, period_start, period_end, value_minor, currency, payment_terms_days,
                        billing_frequency FROM contracts WHERE customer_id = ?1 ORDER BY id"
            }
            ExportSection::Invoices => {
                "SELECT id, contract_id, number, issue_date, due_date, period_start, period_end, currency, total_minor,
                        status, import_source, external_id, source_raw, import_base, import_row, memo, cancelled_on,
                        written_off_on, write_off_reason,
                        (SELECT json_group_array(json_object('kind', kind, 'description', description,
                                    'quantity', quantity, 'unit_price', unit_price, 'amount_minor', amount_minor,
                                    'tax_minor', tax_minor))
                         FROM (SELECT * FROM invoice_lines l WHERE l.invoice_id = invoices.id ORDER BY l.seq)) AS lines,
                        (SELECT json_group_array(json_object('paused_on', paused_on, 'until_on', until_on,
                                    'reason', reason, 'ended_on', ended_on))
                         FROM (SELECT * FROM invoice_pauses p WHERE p.invoice_id = invoices.id ORDER BY p.paused_on, p.id))
                            AS pauses
                 FROM invoices WHERE customer_id = ?1 ORDER BY id"
            }
            ExportSection::Payments => {
                "SELECT p.id, p.received_on, p.amount_minor, p.refunded_minor, p.currency, p.reference, p.status,
                        p.method, p.import_source, p.external_id, p.source_raw, a.invoice_id AS app_invoice,
                        a.amount_minor AS app_amount_minor, a.applied_on AS app_applied_on
                 FROM payments p LEFT JOIN applications a ON a.payment_id = p.id AND a.removed_on IS NULL
                 WHERE p.customer_id = ?1 ORDER BY p.id, a.id"
            }
            ExportSection::Refunds => {
                "SELECT r.payment_id, r.refunded_on, r.amount_minor, p.currency, r.reason, r.dated_from, r.external_id
                 FROM payments p JOIN refunds r ON r.payment_id = p.id
                 WHERE p.customer_id = ?1 ORDER BY p.id, r.refunded_on, r.id"
            }
            ExportSection::Credits => {
                "SELECT c.id, c.granted_on, c.amount_minor, c.currency, c.reason, c.import_source, c.external_id,
                        c.kind, c.number, c.status, c.voided_on, c.invoice_id AS invoice,
                        (SELECT json_group_array(json_object('kind', kind, 'description', description,
                                    'quantity', quantity, 'unit_price', unit_price, 'amount_minor', amount_minor,
                                    'tax_minor', tax_minor))
                         FROM (SELECT * FROM credit_note_lines l WHERE l.credit_id = c.id ORDER BY l.seq)) AS lines,
                        a.invoice_id AS app_invoice, a.amount_minor AS app_amount_minor, a.applied_on AS app_applied_on
                 FROM credits c LEFT JOIN applications a ON a.credit_id = c.id AND a.removed_on IS NULL
                 WHERE c.customer_id = ?1 ORDER BY c.id, a.id"
            }
            ExportSection::Contacts => {
                "SELECT c.id, c.name, c.email, c.phone, c.role, c.import_source, c.external_id, c.source_raw,
                        cu.primary_contact_id IS c.id AS is_primary
                 FROM contacts c JOIN customers cu ON cu.id = c.customer_id WHERE c.customer_id = ?1 ORDER BY c.id"
            }
            ExportSection::Documents => {
                "SELECT id, contract_id, name, kind, format, size_bytes, sha256, uploaded_at, uploaded_by
                 FROM documents WHERE customer_id = ?1 ORDER BY id"
            }
            // Its invoices by number, messages in order, promises by day
            // (JSON text: `export` unpacks them).
            ExportSection::Conversations => {
                "SELECT c.id, c.external_id, c.subject, c.channel, c.opened_on, c.status, c.resolved_on, c.resolved_by,
                        c.resolver,
                        (SELECT json_group_array(number) FROM (SELECT i.number FROM conversation_invoices ci
                            JOIN invoices i ON i.id = ci.invoice_id WHERE ci.conversation_id = c.id ORDER BY i.number))
                            AS invoices,
                        (SELECT json_group_array(json_object('external_id', external_id, 'at', at, 'direction', direction,
                                    'kind', kind, 'author_kind', author_kind, 'author', author, 'body', body,
                                    'outcome', outcome))
                         FROM (SELECT * FROM conversation_messages m WHERE m.conversation_id = c.id ORDER BY m.at, m.id))
                            AS messages,
                        (SELECT json_group_array(json_object('external_id', external_id, 'made_on', made_on,
                                    'due_on', due_on, 'amount_minor', amount_minor, 'currency', currency,
                                    'invoices', json(invoices)))
                         FROM (SELECT pr.*, (SELECT json_group_array(number) FROM (SELECT i.number FROM promise_invoices pi
                                    JOIN invoices i ON i.id = pi.invoice_id WHERE pi.promise_id = pr.id ORDER BY i.number))
                                    AS invoices
                               FROM promises pr WHERE pr.conversation_id = c.id ORDER BY pr.due_on, pr.id)) AS promises
                 FROM conversations c WHERE c.customer_id = ?1 ORDER BY c.id"
            }
        }
    }
}

impl Store {
    /// Streams one part of a customer's record as JSON objects keyed by
    /// column (integers, text, null), in id order.
    pub fn export_section<E: From<StoreError>>(
        &self,
        customer_id: i64,
        section: ExportSection,
        mut f: impl FnMut(serde_json::Map<String, serde_json::Value>) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        use rusqlite::types::ValueRef;
        let mut stmt = self.conn.prepare_cached(section.sql()).map_err(StoreError::from)?;
        let names: Vec<String> = stmt.column_names().map(str::to_string).collect();
        // An invoice's kept row and baseline go out as the `source_raw`
        // they stand for (`store::kept`).
        let at = |name: &str| names.iter().position(|n| n == name);
        let kept_cols = at("source_raw").zip(at("import_base")).zip(at("import_row"));
        let mut reader = super::super::kept::KeptReader::default();
        let mut rows = stmt.query([customer_id]).map_err(StoreError::from)?;
        while let Some(r) = rows.next().map_err(StoreError::from)? {
            let mut m = serde_json::Map::with_capacity(names.len());
            let mut source_raw = None;
            if let Some(((raw, base), row)) = kept_cols {
                let base = match r.get_ref(base).map_err(StoreError::from)? {
                    ValueRef::Null => None,
                    ValueRef::Blob(b) => Some(b.to_vec()),
                    _ => Some(Vec::new()),
                };
                let row = match r.get_ref(row).map_err(StoreError::from)? {
                    ValueRef::Integer(n) => Some(n),
                    ValueRef::Null => None,
                    _ => Some(0),
                };
                let raw = match r.get_ref(raw).map_err(StoreError::from)? {
                    ValueRef::Text(t) | ValueRef::Blob(t) => Some(String::from_utf8_lossy(t).into_owned()),
                    _ => None,
                };
                source_raw = Some(reader.source_raw(&self.conn, raw, base.as_deref(), row)?);
            }
            for (i, n) in names.iter().enumerate() {
                if source_raw.is_some() && matches!(n.as_str(), "import_base" | "import_row") {
                    continue;
                }
                if n == "source_raw"
                    && let Some(text) = &source_raw
                {
                    m.insert(n.clone(), text.clone().map_or(serde_json::Value::Null, serde_json::Value::String));
                    continue;
                }
                let v = match r.get_ref(i).map_err(StoreError::from)? {
                    ValueRef::Null => serde_json::Value::Null,
                    ValueRef::Integer(x) => x.into(),
                    ValueRef::Real(x) => x.to_string().into(),
                    ValueRef::Text(t) | ValueRef::Blob(t) => String::from_utf8_lossy(t).into_owned().into(),
                };
                m.insert(n.clone(), v);
            }
            f(m)?;
        }
        Ok(())
    }
}

impl ExportRead for Store {
    fn export_customer(&self, customer_id: i64) -> Result<crate::domain::model::Customer> {
        self.customer(customer_id)
    }

    fn export_origin(&self) -> Option<String> {
        match self.path().to_str() {
            Some(":memory:") | None => None,
            Some(p) => Some(p.to_string()),
        }
    }

    fn read_section<E: From<StoreError>>(
        &self,
        customer_id: i64,
        section: ExportSection,
        f: impl FnMut(serde_json::Map<String, serde_json::Value>) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        self.export_section(customer_id, section, f)
    }
}

/// A conversation as ardesk's format carries it, checked (`ardesk::import`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationWrite {
    pub external_id: Option<String>,
    pub subject: String,
    pub channel: &'static str,
    pub opened_on: String,
    pub status: &'static str,
    pub resolved_on: Option<String>,
    pub resolved_by: Option<&'static str>,
    pub resolver: String,
}

/// A message as ardesk's format carries it, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageWrite {
    pub external_id: Option<String>,
    pub at: String,
    pub direction: &'static str,
    pub kind: &'static str,
    pub author_kind: &'static str,
    pub author: String,
    pub body: String,
    pub outcome: String,
}

/// A promise to pay as ardesk's format carries it, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromiseWrite {
    pub external_id: Option<String>,
    pub made_on: String,
    pub due_on: String,
    pub amount_minor: i64,
    pub currency: Currency,
    /// Its invoices here.
    pub invoice_ids: Vec<i64>,
}

/// An invoice's pause as ardesk's format carries it, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PauseWrite {
    pub paused_on: String,
    pub until_on: String,
    pub reason: String,
    pub ended_on: Option<String>,
}

impl ImportTx<'_> {
    /// Runs `f` so that what it writes lands whole or not at all (a
    /// savepoint inside the run's transaction): one row of ardesk's format
    /// that writes several (a conversation and its messages) is refused
    /// without leaving half of it.
    pub fn whole<T, E>(&self, f: impl FnOnce() -> std::result::Result<T, E>) -> Result<std::result::Result<T, E>> {
        self.tx.execute_batch("SAVEPOINT ardesk_row")?;
        let r = f();
        match &r {
            Ok(_) => self.tx.execute_batch("RELEASE ardesk_row")?,
            Err(_) => self.tx.execute_batch("ROLLBACK TO ardesk_row; RELEASE ardesk_row")?,
        }
        Ok(r)
    }

    /// A customer's conversation: by its external id when it has one, else
    /// by subject and the day it was opened (among those without one).
    pub fn find_conversation(
        &self,
        customer_id: i64,
        c: &ConversationWrite,
    ) -> Result<Option<(i64, ConversationWrite)>> {
        let cols = "id, external_id, subject, channel, opened_on, status, resolved_on, resolved_by, resolver";
        let map = |r: &rusqlite::Row<'_>| -> rusqlite::Result<(i64, ConversationWrite)> {
            let word = |i: usize, all: &[&'static str]| -> rusqlite::Result<&'static str> {
                let s: String = r.get(i)?;
                Ok(all.iter().copied().find(|w| *w == s).unwrap_or(""))
            };
            let by: Option<String> = r.get(7)?;
            Ok((
                r.get(0)?,
                ConversationWrite {
                    external_id: r.get(1)?,
                    subject: r.get(2)?,
                    channel: word(3, &["email", "phone", "portal", "letter"])?,
                    opened_on: r.get(4)?,
                    status: word(5, &["open", "waiting", "resolved"])?,
                    resolved_on: r.get(6)?,
                    resolved_by: by.map(|b| if b == "agent" { "agent" } else { "person" }),
                    resolver: r.get(8)?,
                },
            ))
        };
        Ok(match &c.external_id {
            Some(x) => self
                .tx
                .prepare_cached(&format!(
                    "SELECT {cols} FROM conversations WHERE customer_id = ?1 AND external_id = ?2"
                ))?
                .query_row(params![customer_id, x], map)
                .optional()?,
            None => self
                .tx
                .prepare_cached(&format!(
                    "SELECT {cols} FROM conversations WHERE customer_id = ?1 AND external_id IS NULL
                       AND subject = ?2 AND opened_on = ?3 ORDER BY id LIMIT 1"
                ))?
                .query_row(params![customer_id, c.subject, c.opened_on], map)
                .optional()?,
        })
    }

    pub fn insert_conversation(&self, customer_id: i64, c: &ConversationWrite) -> Result<i64> {
        self.tx
            .prepare_cached(
                "INSERT INTO conversations(customer_id, subject, channel, opened_on, status, resolved_on, resolved_by,
                                           resolver, external_id, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                customer_id,
                c.subject,
                c.channel,
                c.opened_on,
                c.status,
                c.resolved_on,
                c.resolved_by,
                c.resolver,
                c.external_id,
                self.now
            ])?;
        Ok(self.tx.last_insert_rowid())
    }

    /// Where a conversation stands (status, resolution, channel, subject)
    /// as the file says; its version moves on.
    pub fn update_conversation(&self, id: i64, c: &ConversationWrite) -> Result<()> {
        self.tx
            .prepare_cached(
                "UPDATE conversations SET subject = ?2, channel = ?3, status = ?4, resolved_on = ?5, resolved_by = ?6,
                        resolver = ?7, version = version + 1 WHERE id = ?1",
            )?
            .execute(params![id, c.subject, c.channel, c.status, c.resolved_on, c.resolved_by, c.resolver])?;
        Ok(())
    }

    /// Links an invoice to a conversation; whether it was not linked yet.
    pub fn link_conversation_invoice(&self, conversation_id: i64, invoice_id: i64) -> Result<bool> {
        Ok(self
            .tx
            .prepare_cached("INSERT OR IGNORE INTO conversation_invoices(conversation_id, invoice_id) VALUES (?1, ?2)")?
            .execute([conversation_id, invoice_id])?
            > 0)
    }

    /// Whether an invoice is linked to a conversation.
    pub fn conversation_has_invoice(&self, conversation_id: i64, invoice_id: i64) -> Result<bool> {
        Ok(self
            .tx
            .prepare_cached("SELECT 1 FROM conversation_invoices WHERE conversation_id = ?1 AND invoice_id = ?2")?
            .exists([conversation_id, invoice_id])?)
    }

    /// Whether the conversation holds this message already: by its external
    /// id when it has one, else by everything it says.
    pub fn has_message(&self, conversation_id: i64, m: &MessageWrite) -> Result<bool> {
        Ok(match &m.external_id {
            Some(x) => self
                .tx
                .prepare_cached("SELECT 1 FROM conversation_messages WHERE conversation_id = ?1 AND external_id = ?2")?
                .exists(params![conversation_id, x])?,
            None => self
                .tx
                .prepare_cached(
                    "SELECT 1 FROM conversation_messages WHERE conversation_id = ?1 AND external_id IS NULL AND at = ?2
                       AND direction = ?3 AND kind = ?4 AND author_kind = ?5 AND author = ?6 AND body = ?7",
                )?
                .exists(params![conversation_id, m.at, m.direction, m.kind, m.author_kind, m.author, m.body])?,
        })
    }

    pub fn insert_message(&self, conversation_id: i64, m: &MessageWrite) -> Result<i64> {
        self.tx
            .prepare_cached(
                "INSERT INTO conversation_messages(conversation_id, at, direction, kind, author_kind, author, body,
                                                   outcome, external_id, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                conversation_id,
                m.at,
                m.direction,
                m.kind,
                m.author_kind,
                m.author,
                m.body,
                m.outcome,
                m.external_id,
                self.now
            ])?;
        Ok(self.tx.last_insert_rowid())
    }

    /// Whether the conversation holds this promise already: by its external
    /// id when it has one, else by its days and amount.
    pub fn has_promise(&self, conversation_id: i64, p: &PromiseWrite) -> Result<bool> {
        Ok(match &p.external_id {
            Some(x) => self
                .tx
                .prepare_cached("SELECT 1 FROM promises WHERE conversation_id = ?1 AND external_id = ?2")?
                .exists(params![conversation_id, x])?,
            None => self
                .tx
                .prepare_cached(
                    "SELECT 1 FROM promises WHERE conversation_id = ?1 AND external_id IS NULL AND made_on = ?2
                       AND due_on = ?3 AND amount_minor = ?4 AND currency = ?5",
                )?
                .exists(params![conversation_id, p.made_on, p.due_on, p.amount_minor, p.currency.code()])?,
        })
    }

    pub fn insert_promise(&self, conversation_id: i64, customer_id: i64, p: &PromiseWrite) -> Result<i64> {
        self.tx
            .prepare_cached(
                "INSERT INTO promises(conversation_id, customer_id, made_on, due_on, amount_minor, currency,
                                      external_id, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                conversation_id,
                customer_id,
                p.made_on,
                p.due_on,
                p.amount_minor,
                p.currency.code(),
                p.external_id,
                self.now
            ])?;
        let id = self.tx.last_insert_rowid();
        let mut link =
            self.tx.prepare_cached("INSERT OR IGNORE INTO promise_invoices(promise_id, invoice_id) VALUES (?1, ?2)")?;
        for inv in &p.invoice_ids {
            link.execute([id, *inv])?;
        }
        Ok(id)
    }

    /// An invoice's pause that began on `paused_on`, as stored.
    pub fn find_pause(&self, invoice_id: i64, paused_on: &str) -> Result<Option<(i64, PauseWrite)>> {
        Ok(self
            .tx
            .prepare_cached(
                "SELECT id, paused_on, until_on, reason, ended_on FROM invoice_pauses
                 WHERE invoice_id = ?1 AND paused_on = ?2 ORDER BY id LIMIT 1",
            )?
            .query_row(params![invoice_id, paused_on], |r| {
                Ok((
                    r.get(0)?,
                    PauseWrite { paused_on: r.get(1)?, until_on: r.get(2)?, reason: r.get(3)?, ended_on: r.get(4)? },
                ))
            })
            .optional()?)
    }

    pub fn insert_pause(&self, invoice_id: i64, customer_id: i64, p: &PauseWrite) -> Result<i64> {
        self.tx
            .prepare_cached(
                "INSERT INTO invoice_pauses(invoice_id, customer_id, paused_on, until_on, reason, ended_on, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![invoice_id, customer_id, p.paused_on, p.until_on, p.reason, p.ended_on, self.now])?;
        Ok(self.tx.last_insert_rowid())
    }

    /// A pause's end, day and reason as the file says; its version moves on.
    pub fn update_pause(&self, id: i64, p: &PauseWrite) -> Result<()> {
        self.tx
            .prepare_cached(
                "UPDATE invoice_pauses SET until_on = ?2, reason = ?3, ended_on = ?4, version = version + 1 WHERE id = ?1",
            )?
            .execute(params![id, p.until_on, p.reason, p.ended_on])?;
        Ok(())
    }

    /// The customer whose name is exactly `name`, when one has it; an
    /// error naming the ambiguity when several do.
    pub fn customer_named(&self, name: &str) -> Result<Option<i64>> {
        let ids: Vec<i64> = self
            .tx
            .prepare_cached("SELECT id FROM customers WHERE name = ?1 ORDER BY id LIMIT 2")?
            .query_map([name], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        match ids.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(*one)),
            _ => Err(StoreError::Invalid(format!(
                "several customers are named {name:?}: give its import_source and external_id"
            ))),
        }
    }
}

impl ImportTx<'_> {
    /// The currency a customer is billed in.
    pub fn customer_currency(&self, customer_id: i64) -> Result<Currency> {
        Ok(self
            .tx
            .prepare_cached("SELECT currency FROM customers WHERE id = ?1")?
            .query_row([customer_id], |r| currency(r, 0))?)
    }
}

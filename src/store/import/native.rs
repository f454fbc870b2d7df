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
    fn key(self) -> (&'static str, &'static [&'static str]) {
        match self {
            NativeTable::Contracts => ("contracts", &["name", "period_start"]),
            NativeTable::Payments => ("payments", &["received_on", "amount_minor", "currency", "reference"]),
            NativeTable::Credits => ("credits", &["granted_on", "amount_minor", "currency", "reason"]),
            NativeTable::Contacts => ("contacts", &["name", "email"]),
            NativeTable::Conversations => ("conversations", &["subject", "opened_on"]),
        }
    }

    fn columns(self) -> (&'static str, &'static [&'static str]) {
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
                        status, import_source, external_id, source_raw, memo, cancelled_on, written_off_on, write_off_reason,
                        (SELECT json_group_array(json_object('kind', kind, 'description', description,
                                    'quantity', quantity, 'unit_price', unit_price, 'amount_minor', amount_minor,
                                    'tax_minor', tax_minor))
                         FROM (SELECT * FROM invoice_lines l WHERE l.invoice_id = invoices.id ORDER BY l.seq)) AS lines
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
            ExportSection::Conversations => {
                "SELECT id, subject, opened_on, status, resolved_on, resolved_by FROM conversations
                 WHERE customer_id = ?1 ORDER BY id"
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
        let mut rows = stmt.query([customer_id]).map_err(StoreError::from)?;
        while let Some(r) = rows.next().map_err(StoreError::from)? {
            let mut m = serde_json::Map::with_capacity(names.len());
            for (i, n) in names.iter().enumerate() {
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

//! ardesk's own format on PostgreSQL (`store/import/native.rs`): rows
//! without an external id matched on what identifies them to a person,
//! conversations, messages, promises and pauses. The exported values come
//! as SQLite's dynamic values; here each is compared and written as its
//! text, cast to the column's type.

use super::super::super::import::{ConversationWrite, MessageWrite, NativeTable, PauseWrite, PromiseWrite};
use super::super::super::{Result, StoreError};
use super::PgImportTx;
use postgres::Row;
use postgres::types::ToSql;
use rusqlite::types::Value;

/// A value as the text PostgreSQL reads it from.
fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::Integer(i) => Some(i.to_string()),
        Value::Real(f) => Some(f.to_string()),
        Value::Text(s) => Some(s.clone()),
        Value::Blob(b) => Some(String::from_utf8_lossy(b).into_owned()),
    }
}

/// The type of a column ardesk's format writes (dates and amounts; the
/// rest are text).
fn pg_type(col: &str) -> &'static str {
    match col {
        "period_start" | "period_end" | "received_on" | "granted_on" | "opened_on" | "resolved_on" => "date",
        "value_minor" | "payment_terms_days" | "amount_minor" => "bigint",
        _ => "text",
    }
}

fn conversation(r: &Row) -> Result<(i64, ConversationWrite)> {
    let word = |i: usize, all: &[&'static str]| -> Result<&'static str> {
        let s: String = r.try_get(i)?;
        Ok(all.iter().copied().find(|w| *w == s).unwrap_or(""))
    };
    let by: Option<String> = r.try_get(7)?;
    Ok((
        r.try_get(0)?,
        ConversationWrite {
            external_id: r.try_get(1)?,
            subject: r.try_get(2)?,
            channel: word(3, &["email", "phone", "portal", "letter"])?,
            opened_on: r.try_get(4)?,
            status: word(5, &["open", "waiting", "resolved"])?,
            resolved_on: r.try_get(6)?,
            resolved_by: by.map(|b| if b == "agent" { "agent" } else { "person" }),
            resolver: r.try_get(8)?,
        },
    ))
}

const CONVERSATION_COLS: &str =
    "id, external_id, subject, channel, opened_on::text, status, resolved_on::text, resolved_by, resolver";

impl PgImportTx<'_> {
    pub fn find_native(&self, table: NativeTable, customer_id: i64, key: &[Value]) -> Result<Option<i64>> {
        let (name, cols) = table.key();
        let conds: Vec<String> =
            cols.iter().enumerate().map(|(i, c)| format!("{c}::text IS NOT DISTINCT FROM ${}::text", i + 2)).collect();
        let sql =
            format!("SELECT id FROM {name} WHERE customer_id = $1 AND {} ORDER BY id LIMIT 1", conds.join(" AND "));
        let texts: Vec<Option<String>> = key.iter().map(text_of).collect();
        let mut params: Vec<&(dyn ToSql + Sync)> = vec![&customer_id];
        params.extend(texts.iter().map(|t| t as &(dyn ToSql + Sync)));
        self.one_opt(&sql, &params)
    }

    pub fn insert_native(&self, table: NativeTable, customer_id: i64, cols: &[(&str, Value)]) -> Result<i64> {
        let (name, allowed) = table.columns();
        if let Some((bad, _)) = cols.iter().find(|(c, _)| !allowed.contains(c)) {
            return Err(StoreError::Invalid(format!("{name} has no column {bad}")));
        }
        let mut names: Vec<&str> = vec!["customer_id"];
        names.extend(cols.iter().map(|(c, _)| *c));
        let mut texts: Vec<Option<String>> = cols.iter().map(|(_, v)| text_of(v)).collect();
        if table == NativeTable::Contracts {
            names.push("created_at");
            texts.push(Some(self.now.clone()));
        }
        let marks: Vec<String> = names
            .iter()
            .enumerate()
            .skip(1)
            .map(|(i, c)| format!("CAST(${}::text AS {})", i + 1, pg_type(c)))
            .collect();
        let sql = format!("INSERT INTO {name}({}) VALUES ($1, {}) RETURNING id", names.join(", "), marks.join(", "));
        let mut params: Vec<&(dyn ToSql + Sync)> = vec![&customer_id];
        params.extend(texts.iter().map(|t| t as &(dyn ToSql + Sync)));
        self.one(&sql, &params)
    }

    pub fn find_conversation(
        &self,
        customer_id: i64,
        c: &ConversationWrite,
    ) -> Result<Option<(i64, ConversationWrite)>> {
        let found = match &c.external_id {
            Some(x) => self.row_opt(
                &format!("SELECT {CONVERSATION_COLS} FROM conversations WHERE customer_id = $1 AND external_id = $2"),
                &[&customer_id, x],
            )?,
            None => self.row_opt(
                &format!(
                    "SELECT {CONVERSATION_COLS} FROM conversations WHERE customer_id = $1 AND external_id IS NULL
                       AND subject = $2 AND opened_on = $3::text::date ORDER BY id LIMIT 1"
                ),
                &[&customer_id, &c.subject, &c.opened_on],
            )?,
        };
        found.map(|r| conversation(&r)).transpose()
    }

    pub fn insert_conversation(&self, customer_id: i64, c: &ConversationWrite) -> Result<i64> {
        self.one(
            "INSERT INTO conversations(customer_id, subject, channel, opened_on, status, resolved_on, resolved_by,
                                       resolver, external_id, created_at)
             VALUES ($1, $2, $3, $4::text::date, $5, $6::text::date, $7, $8, $9, $10) RETURNING id",
            &[
                &customer_id,
                &c.subject,
                &c.channel,
                &c.opened_on,
                &c.status,
                &c.resolved_on,
                &c.resolved_by,
                &c.resolver,
                &c.external_id,
                &self.now,
            ],
        )
    }

    pub fn update_conversation(&self, id: i64, c: &ConversationWrite) -> Result<()> {
        self.exec(
            "UPDATE conversations SET subject = $2, channel = $3, status = $4, resolved_on = $5::text::date,
                    resolved_by = $6, resolver = $7, version = version + 1 WHERE id = $1",
            &[&id, &c.subject, &c.channel, &c.status, &c.resolved_on, &c.resolved_by, &c.resolver],
        )?;
        Ok(())
    }

    pub fn link_conversation_invoice(&self, conversation_id: i64, invoice_id: i64) -> Result<bool> {
        Ok(self.exec(
            "INSERT INTO conversation_invoices(conversation_id, invoice_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&conversation_id, &invoice_id],
        )? > 0)
    }

    pub fn conversation_has_invoice(&self, conversation_id: i64, invoice_id: i64) -> Result<bool> {
        Ok(self
            .row_opt(
                "SELECT 1 FROM conversation_invoices WHERE conversation_id = $1 AND invoice_id = $2",
                &[&conversation_id, &invoice_id],
            )?
            .is_some())
    }

    pub fn has_message(&self, conversation_id: i64, m: &MessageWrite) -> Result<bool> {
        Ok(match &m.external_id {
            Some(x) => self.row_opt(
                "SELECT 1 FROM conversation_messages WHERE conversation_id = $1 AND external_id = $2",
                &[&conversation_id, x],
            )?,
            None => self.row_opt(
                "SELECT 1 FROM conversation_messages WHERE conversation_id = $1 AND external_id IS NULL AND at = $2
                   AND direction = $3 AND kind = $4 AND author_kind = $5 AND author = $6 AND body = $7",
                &[&conversation_id, &m.at, &m.direction, &m.kind, &m.author_kind, &m.author, &m.body],
            )?,
        }
        .is_some())
    }

    pub fn insert_message(&self, conversation_id: i64, m: &MessageWrite) -> Result<i64> {
        self.one(
            "INSERT INTO conversation_messages(conversation_id, at, direction, kind, author_kind, author, body,
                                               outcome, external_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            &[
                &conversation_id,
                &m.at,
                &m.direction,
                &m.kind,
                &m.author_kind,
                &m.author,
                &m.body,
                &m.outcome,
                &m.external_id,
                &self.now,
            ],
        )
    }

    pub fn has_promise(&self, conversation_id: i64, p: &PromiseWrite) -> Result<bool> {
        Ok(match &p.external_id {
            Some(x) => self.row_opt(
                "SELECT 1 FROM promises WHERE conversation_id = $1 AND external_id = $2",
                &[&conversation_id, x],
            )?,
            None => self.row_opt(
                "SELECT 1 FROM promises WHERE conversation_id = $1 AND external_id IS NULL AND made_on = $2::text::date
                   AND due_on = $3::text::date AND amount_minor = $4 AND currency = $5",
                &[&conversation_id, &p.made_on, &p.due_on, &p.amount_minor, &p.currency.code()],
            )?,
        }
        .is_some())
    }

    pub fn insert_promise(&self, conversation_id: i64, customer_id: i64, p: &PromiseWrite) -> Result<i64> {
        let id: i64 = self.one(
            "INSERT INTO promises(conversation_id, customer_id, made_on, due_on, amount_minor, currency,
                                  external_id, created_at)
             VALUES ($1, $2, $3::text::date, $4::text::date, $5, $6, $7, $8) RETURNING id",
            &[
                &conversation_id,
                &customer_id,
                &p.made_on,
                &p.due_on,
                &p.amount_minor,
                &p.currency.code(),
                &p.external_id,
                &self.now,
            ],
        )?;
        for inv in &p.invoice_ids {
            self.exec(
                "INSERT INTO promise_invoices(promise_id, invoice_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &[&id, inv],
            )?;
        }
        Ok(id)
    }

    pub fn find_pause(&self, invoice_id: i64, paused_on: &str) -> Result<Option<(i64, PauseWrite)>> {
        self.row_opt(
            "SELECT id, paused_on::text, until_on::text, reason, ended_on::text FROM invoice_pauses
             WHERE invoice_id = $1 AND paused_on = $2::text::date ORDER BY id LIMIT 1",
            &[&invoice_id, &paused_on],
        )?
        .map(|r| {
            Ok((
                r.try_get(0)?,
                PauseWrite {
                    paused_on: r.try_get(1)?,
                    until_on: r.try_get(2)?,
                    reason: r.try_get(3)?,
                    ended_on: r.try_get(4)?,
                },
            ))
        })
        .transpose()
    }

    pub fn insert_pause(&self, invoice_id: i64, customer_id: i64, p: &PauseWrite) -> Result<i64> {
        self.one(
            "INSERT INTO invoice_pauses(invoice_id, customer_id, paused_on, until_on, reason, ended_on, created_at)
             VALUES ($1, $2, $3::text::date, $4::text::date, $5, $6::text::date, $7) RETURNING id",
            &[&invoice_id, &customer_id, &p.paused_on, &p.until_on, &p.reason, &p.ended_on, &self.now],
        )
    }

    pub fn update_pause(&self, id: i64, p: &PauseWrite) -> Result<()> {
        self.exec(
            "UPDATE invoice_pauses SET until_on = $2::text::date, reason = $3, ended_on = $4::text::date,
                    version = version + 1 WHERE id = $1",
            &[&id, &p.until_on, &p.reason, &p.ended_on],
        )?;
        Ok(())
    }

    pub fn customer_named(&self, name: &str) -> Result<Option<i64>> {
        let ids: Vec<i64> = self
            .rows("SELECT id FROM customers WHERE name = $1 ORDER BY id LIMIT 2", &[&name])?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<std::result::Result<_, _>>()?;
        match ids.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(*one)),
            _ => Err(StoreError::Invalid(format!(
                "several customers are named {name:?}: give its import_source and external_id"
            ))),
        }
    }
}

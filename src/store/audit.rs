//! The audit log: who changed what, when, with the values before and after.

use super::now_utc;
use rusqlite::Transaction;

/// One audit entry, written inside the transaction of the change it records.
#[derive(Debug, Clone, Default)]
pub struct Audit<'a> {
    pub customer_id: Option<i64>,
    pub entity: &'a str,
    pub entity_id: Option<i64>,
    pub action: &'a str,
    /// One line for the Activity tab: "cancelled invoice INV-0042".
    pub summary: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl Audit<'_> {
    pub fn write(&self, tx: &Transaction<'_>, who: &str) -> rusqlite::Result<()> {
        self.write_at(tx, who, &now_utc())
    }

    pub fn write_at(&self, tx: &Transaction<'_>, who: &str, at: &str) -> rusqlite::Result<()> {
        let mut stmt = tx.prepare_cached(
            "INSERT INTO audit_log(at, who, customer_id, entity, entity_id, action, summary, before_json, after_json)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        stmt.execute(rusqlite::params![
            at,
            who,
            self.customer_id,
            self.entity,
            self.entity_id,
            self.action,
            self.summary,
            self.before.as_ref().map(|v| v.to_string()),
            self.after.as_ref().map(|v| v.to_string()),
        ])?;
        Ok(())
    }
}

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

/// The audit summary of an edit: "edited {what}: field old → new, …" for
/// each field of `after` whose value differs in `before`, or "saved {what}
/// (no changes)".
pub(crate) fn edit_summary(what: &str, before: &serde_json::Value, after: &serde_json::Value) -> String {
    let changes: Vec<String> = after
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, v)| before.get(k.as_str()) != Some(v))
        .map(|(k, v)| format!("{k} {} → {v}", before.get(k.as_str()).unwrap_or(&serde_json::Value::Null)))
        .collect();
    if changes.is_empty() {
        format!("saved {what} (no changes)")
    } else {
        format!("edited {what}: {}", changes.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn edit_summaries_name_what_changed() {
        let before = json!({"name": "Acme", "portal": false});
        assert_eq!(super::edit_summary("customer", &before, &before), "saved customer (no changes)");
        let after = json!({"name": "Acme Corp", "portal": false, "new": 1});
        assert_eq!(
            super::edit_summary("customer", &before, &after),
            "edited customer: name \"Acme\" → \"Acme Corp\", new null → 1"
        );
    }
}

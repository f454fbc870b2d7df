//! The tabs' trigram indexes (version 18), compared with the rows they
//! index by `ardesk check` and made again from them by `ardesk check
//! --repair`.
//!
//! The indexes are contentless: FTS5's own check cannot compare them with
//! the text they were made from. `check` makes the index the rows call for
//! in a temporary table (the same tokenizer, so exactly what the triggers
//! would have written) and compares the two term by term: how many rows
//! hold each trigram and a checksum of which. About 5 s for a million
//! invoices.

use super::{Result, Store};

/// One trigram index: its name, its columns, the rows it indexes (id
/// first, as its rowid), and what they are, for messages.
struct TextIndex {
    table: &'static str,
    columns: &'static str,
    rows: &'static str,
    ids: &'static str,
    of: &'static str,
}

const INDEXES: [TextIndex; 2] = [
    TextIndex {
        table: "invoice_search",
        columns: "number, contract_name",
        rows: "SELECT id, number, contract_name FROM main.invoices",
        ids: "SELECT id FROM main.invoices",
        of: "invoices",
    },
    TextIndex {
        table: "payment_search",
        columns: "reference",
        rows: "SELECT id, reference FROM main.payments
               UNION ALL SELECT -id, CASE WHEN kind = 'credit_note' THEN number ELSE reason END FROM main.credits",
        ids: "SELECT id FROM main.payments UNION ALL SELECT -id FROM main.credits",
        of: "payments and credits",
    },
];

impl TextIndex {
    /// The index the rows call for, as a temporary table, and both
    /// indexes' entries.
    fn expected(&self) -> String {
        let t = self.table;
        format!(
            "DROP TABLE IF EXISTS temp.{t}_expected;
             CREATE VIRTUAL TABLE temp.{t}_expected USING fts5({cols}, content = '', contentless_delete = 1,
                 tokenize = 'trigram', detail = 'none');
             INSERT INTO temp.{t}_expected(rowid, {cols}) {rows};
             DROP TABLE IF EXISTS temp.{t}_has;
             DROP TABLE IF EXISTS temp.{t}_wants;
             CREATE VIRTUAL TABLE temp.{t}_has USING fts5vocab(main, {t}, 'instance');
             CREATE VIRTUAL TABLE temp.{t}_wants USING fts5vocab(temp, {t}_expected, 'instance');",
            cols = self.columns,
            rows = self.rows
        )
    }

    fn drop_expected(&self) -> String {
        let t = self.table;
        format!(
            "DROP TABLE IF EXISTS temp.{t}_has; DROP TABLE IF EXISTS temp.{t}_wants;
             DROP TABLE IF EXISTS temp.{t}_expected;"
        )
    }

    /// Trigrams whose rows differ between the two: per trigram, how many
    /// rows hold it and two sums of their ids, folded so they cannot
    /// overflow (ids may be negative: credits).
    fn differing_terms(&self) -> String {
        let sums = |v: &str| {
            format!(
                "SELECT term, count(*) AS n, sum(abs(doc) % 1000003) AS a,
                        sum((abs(doc) % 999983) * (abs(doc) % 1000033) % 1000037 * sign(doc)) AS b
                 FROM temp.{}_{v} GROUP BY term",
                self.table
            )
        };
        format!(
            "WITH has AS ({}), wants AS ({})
             SELECT count(*), group_concat(quote(term), ', ') FROM (
                 SELECT term FROM (SELECT * FROM has EXCEPT SELECT * FROM wants)
                 UNION
                 SELECT term FROM (SELECT * FROM wants EXCEPT SELECT * FROM has)
                 ORDER BY term)",
            sums("has"),
            sums("wants")
        )
    }

    fn repair(&self) -> String {
        format!(
            "INSERT INTO {t}({t}) VALUES ('delete-all'); INSERT INTO {t}(rowid, {cols}) {rows};",
            t = self.table,
            cols = self.columns,
            rows = self.rows
        )
    }
}

impl Store {
    /// How the tabs' search indexes differ from their rows; empty when they
    /// agree (or the file is older than version 18).
    pub(super) fn text_index_problems(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        if !self.text_indexed() {
            return Ok(out);
        }
        for index in &INDEXES {
            let (t, of, ids) = (index.table, index.of, index.ids);
            let mut found = Vec::new();
            let pairs = [
                (
                    format!("{of} missing from their search index"),
                    format!("SELECT id FROM ({ids}) EXCEPT SELECT id FROM {t}_docsize"),
                ),
                (
                    format!("entries in the search index of {of} that are none of them"),
                    format!("SELECT id FROM {t}_docsize EXCEPT SELECT id FROM ({ids})"),
                ),
            ];
            for (what, rows) in pairs {
                let (n, first): (i64, Option<String>) = self.conn().query_row(
                    &format!(
                        "SELECT count(*), (SELECT group_concat(id, ', ') FROM ({rows} ORDER BY 1 LIMIT 5)) FROM ({rows})"
                    ),
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                if n > 0 {
                    let first = first.unwrap_or_default();
                    found.push(format!("{n} {what} (first ids: {first}): `ardesk check --repair` rebuilds it"));
                }
            }
            found.extend(self.fts_integrity_problems(t, 0, of));
            if found.is_empty() {
                self.conn().execute_batch(&index.expected())?;
                let differing =
                    self.conn().query_row(&index.differing_terms(), [], |r| Ok((r.get::<_, i64>(0)?, r.get(1)?)));
                self.conn().execute_batch(&index.drop_expected())?;
                let (n, terms): (i64, Option<String>) = differing?;
                if n > 0 {
                    let terms = terms.unwrap_or_default();
                    let shown: String = terms.chars().take(80).collect();
                    found.push(format!(
                        "the search index of {of} does not match their text ({n} trigrams differ: {shown}{}): \
                         `ardesk check --repair` rebuilds it",
                        if shown.len() < terms.len() { "…" } else { "" }
                    ));
                }
            }
            out.extend(found);
        }
        Ok(out)
    }

    /// Makes the tabs' search indexes again from their rows, in one
    /// transaction (`ardesk check --repair`). Says what it rebuilt.
    pub fn repair_text_indexes(&mut self) -> Result<Vec<String>> {
        if !self.text_indexed() {
            return Ok(Vec::new());
        }
        self.write(|tx| INDEXES.iter().try_for_each(|index| tx.execute_batch(&index.repair())).map_err(Into::into))?;
        Ok(INDEXES.iter().map(|i| format!("rebuilt the search index of {}", i.of)).collect())
    }
}

/// Makes every search index again from its rows, inside `tx`: the tabs'
/// and the customers list's (a database filled by `copy_from_postgres`,
/// whose rows went in with the triggers that keep them lifted).
pub(crate) fn rebuild_search(tx: &rusqlite::Transaction<'_>) -> Result<()> {
    for index in &INDEXES {
        tx.execute_batch(&index.repair())?;
    }
    tx.execute_batch("INSERT INTO customer_search(customer_search) VALUES ('rebuild')")?;
    Ok(())
}

//! The invoices' trigram index (version 18), compared with the invoices by
//! `ardesk check` and made again from them by `ardesk check --repair`.
//!
//! The index is contentless: it cannot be compared with the text it was
//! made from by FTS5's own check. `check` makes the index the invoices
//! call for in a temporary table (its own tokenizer, so exactly what the
//! triggers would have written) and compares the two term by term: how
//! many invoices hold each trigram and a checksum of which. About 5 s for
//! a million invoices.

use super::{Result, Store};

/// Invoices missing from the index, and entries of invoices that are not
/// there: a count and the first few ids of each.
const ROWS: [(&str, &str); 2] = [
    ("invoices missing from the search index", "SELECT id FROM invoices EXCEPT SELECT id FROM invoice_search_docsize"),
    (
        "entries in the invoices' search index of no invoice",
        "SELECT id FROM invoice_search_docsize EXCEPT SELECT id FROM invoices",
    ),
];

/// The index the invoices call for, and both indexes' entries.
const EXPECTED: &str = "
    DROP TABLE IF EXISTS temp.invoice_search_expected;
    CREATE VIRTUAL TABLE temp.invoice_search_expected USING fts5(
        number, contract_name, content = '', contentless_delete = 1, tokenize = 'trigram', detail = 'none');
    INSERT INTO temp.invoice_search_expected(rowid, number, contract_name)
        SELECT id, number, contract_name FROM main.invoices;
    DROP TABLE IF EXISTS temp.invoice_search_has;
    DROP TABLE IF EXISTS temp.invoice_search_wants;
    CREATE VIRTUAL TABLE temp.invoice_search_has USING fts5vocab(main, invoice_search, 'instance');
    CREATE VIRTUAL TABLE temp.invoice_search_wants USING fts5vocab(temp, invoice_search_expected, 'instance');";

const DROP_EXPECTED: &str = "
    DROP TABLE IF EXISTS temp.invoice_search_has;
    DROP TABLE IF EXISTS temp.invoice_search_wants;
    DROP TABLE IF EXISTS temp.invoice_search_expected;";

/// Trigrams whose invoices differ between the two: per trigram, how many
/// invoices hold it and two sums of their ids, folded so they cannot
/// overflow.
const DIFFERING_TERMS: &str = "
    WITH has AS (SELECT term, count(*) AS n, sum(doc % 1000003) AS a, sum((doc % 999983) * (doc % 1000033) % 1000037) AS b
                 FROM temp.invoice_search_has GROUP BY term),
         wants AS (SELECT term, count(*) AS n, sum(doc % 1000003) AS a,
                          sum((doc % 999983) * (doc % 1000033) % 1000037) AS b
                   FROM temp.invoice_search_wants GROUP BY term)
    SELECT count(*), group_concat(quote(term), ', ') FROM (
        SELECT term FROM (SELECT * FROM has EXCEPT SELECT * FROM wants)
        UNION
        SELECT term FROM (SELECT * FROM wants EXCEPT SELECT * FROM has)
        ORDER BY term)";

const REPAIR: &str = "
    INSERT INTO invoice_search(invoice_search) VALUES ('delete-all');
    INSERT INTO invoice_search(rowid, number, contract_name) SELECT id, number, contract_name FROM invoices;";

impl Store {
    /// How the invoices' search index differs from the invoices; empty
    /// when they agree (or the file is older than version 18).
    pub(super) fn invoice_index_problems(&self) -> Result<Vec<String>> {
        if !self.text_indexed() {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        for (what, ids) in ROWS {
            let (n, first): (i64, Option<String>) = self.conn().query_row(
                &format!(
                    "SELECT count(*), (SELECT group_concat(id, ', ') FROM ({ids} ORDER BY 1 LIMIT 5)) FROM ({ids})"
                ),
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            if n > 0 {
                out.push(format!(
                    "{n} {what} (first: {}): `ardesk check --repair` rebuilds it",
                    first.unwrap_or_default()
                ));
            }
        }
        out.extend(self.fts_integrity_problems("invoice_search", 0, "the invoices"));
        if out.is_empty() {
            self.conn().execute_batch(EXPECTED)?;
            let found = self.conn().query_row(DIFFERING_TERMS, [], |r| Ok((r.get::<_, i64>(0)?, r.get(1)?)));
            self.conn().execute_batch(DROP_EXPECTED)?;
            let (n, terms): (i64, Option<String>) = found?;
            if n > 0 {
                let terms = terms.unwrap_or_default();
                let shown: String = terms.chars().take(80).collect();
                out.push(format!(
                    "the invoices' search index does not match their numbers and contracts \
                     ({n} trigrams differ: {shown}{}): `ardesk check --repair` rebuilds it",
                    if shown.len() < terms.len() { "…" } else { "" }
                ));
            }
        }
        Ok(out)
    }

    /// Makes the invoices' search index again from the invoices, in one
    /// transaction (`ardesk check --repair`). Says what it rebuilt.
    pub fn repair_invoice_index(&mut self) -> Result<Vec<String>> {
        if !self.text_indexed() {
            return Ok(Vec::new());
        }
        self.write(|tx| Ok(tx.execute_batch(REPAIR)?))?;
        Ok(vec!["rebuilt the invoices' search index".to_string()])
    }
}

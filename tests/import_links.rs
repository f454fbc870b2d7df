//! Which stored payments name an invoice (`ImportTx::payment_links`): read
//! from the `imported` object of each payment's source row. Only texts that
//! could name one are parsed; every way of naming one is still found,
//! escaped keys included, and texts that name none give nothing.

mod support;

use ardesk::domain::status::ImportSource;
use ardesk::store::import::{ImportOps, ImportStore};
use ardesk::store::{Books, StoreError};
use support::backends::execute;

/// `payment_links` of Stripe, read in an import's transaction.
fn stripe_links<S: ImportStore>(s: &mut S) -> Vec<(i64, String)> {
    s.import_session(|itx| -> Result<_, StoreError> { Ok((itx.payment_links(ImportSource::Stripe)?, false)) }).unwrap()
}

on_both! {
fn payments_name_invoices_however_their_keys_are_written(b: &mut Books) {
    let raws = [
        // Made for a paid invoice: names nothing this way.
        r#"{"imported":{"made_for":"in_1"}}"#,
        r#"{"imported":{"invoice":"in_2"}}"#,
        // The same key with an escape: JSON reads it as "invoice".
        r#"{"imported":{"\u0069nvoice":"in_3"}}"#,
        r#"{"imported":{"invoice_number":"N-4"}}"#,
        r#"{"imported":{"aliases":"ch_5,py_5"}}"#,
        r#"{"imported":{"splits":[["in_6",100],["in_7",200]]}}"#,
        r#"{"imported":{"al\u0069ases":"ch_8"}}"#,
        // Not JSON, and JSON holding the words only as values.
        r#"{"imported":{"invoice":"#,
        r#"{"imported":{"note":"invoice aliases splits"}}"#,
        "",
    ];
    execute(b, "INSERT INTO customers(id, name, currency, created_at) VALUES (1, 'Links', 'USD', '2026-01-01T00:00:00Z')");
    for (i, raw) in raws.iter().enumerate() {
        let id = i + 1;
        execute(
            b,
            &format!(
                "INSERT INTO payments(id, customer_id, received_on, amount_minor, currency, reference, status, method,
                                      import_source, external_id, source_raw, created_at)
                 VALUES ({id}, 1, '2026-01-02', 100, 'USD', '', 'succeeded', 'automatic', 'stripe', 'py_{id}', '{}',
                         '2026-01-02T00:00:00Z')",
                raw.replace('\'', "''")
            ),
        );
    }
    let mut links = match b {
        Books::Lite(s) => stripe_links(s),
        Books::Pg(s) => stripe_links(s),
    };
    links.sort();
    let want: Vec<(i64, String)> = vec![
        (2, "in_2".into()),
        (3, "in_3".into()),
        (4, "#number:N-4".into()),
        (5, "#payment:ch_5".into()),
        (5, "#payment:py_5".into()),
        (6, "in_6".into()),
        (6, "in_7".into()),
        (7, "#payment:ch_8".into()),
    ];
    assert_eq!(links, want);
}
}

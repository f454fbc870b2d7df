//! What the merge stage asks of the transaction it writes through
//! (`import::merge`), as a trait: the SQLite `ImportTx` and PostgreSQL's
//! `PgImportTx` (`store::pg::import`) both take it, with the same results
//! and errors, so one merge writes to either. The merge is generic over it
//! (monomorphised: the SQLite path calls `ImportTx`'s own methods, inlined,
//! as before).
//!
//! Each operation is documented on `ImportTx`, whose method of the same
//! name the SQLite implementation calls.

use super::*;
use crate::domain::lines::Line;
use crate::store::load::LoadInvoice;
use crate::store::pg::PgImportTx;

/// Declares `ImportOps` and implements it for `ImportTx` and `PgImportTx`
/// by calling their inherent methods (which method resolution prefers to the trait's).
macro_rules! import_ops {
    (
        $(fn $name:ident $(<$($g:ident),*>)? (&self $(, $arg:ident : $ty:ty)* $(,)?) -> $ret:ty;)*
        mut:
        $(fn $mname:ident (&mut self $(, $marg:ident : $mty:ty)* $(,)?) -> $mret:ty;)*
    ) => {
        /// The operations of an import's transaction (see the module).
        #[allow(clippy::too_many_arguments)]
        pub trait ImportOps {
            $(fn $name $(<$($g),*>)? (&self $(, $arg: $ty)*) -> $ret;)*
            $(fn $mname (&mut self $(, $marg: $mty)*) -> $mret;)*
        }

        import_ops!(@impl ImportTx; $(fn $name $(<$($g),*>)? (&self $(, $arg: $ty)*) -> $ret;)* mut: $(fn $mname (&mut self $(, $marg: $mty)*) -> $mret;)*);
        import_ops!(@impl PgImportTx; $(fn $name $(<$($g),*>)? (&self $(, $arg: $ty)*) -> $ret;)* mut: $(fn $mname (&mut self $(, $marg: $mty)*) -> $mret;)*);
    };
    (@impl $tx:ident;
        $(fn $name:ident $(<$($g:ident),*>)? (&self $(, $arg:ident : $ty:ty)*) -> $ret:ty;)*
        mut:
        $(fn $mname:ident (&mut self $(, $marg:ident : $mty:ty)*) -> $mret:ty;)*
    ) => {
        #[allow(clippy::too_many_arguments)]
        impl ImportOps for $tx<'_> {
            $(
                #[inline]
                fn $name $(<$($g),*>)? (&self $(, $arg: $ty)*) -> $ret {
                    $tx::$name(self $(, $arg)*)
                }
            )*
            $(
                #[inline]
                fn $mname (&mut self $(, $marg: $mty)*) -> $mret {
                    $tx::$mname(self $(, $marg)*)
                }
            )*
        }
    };
}

import_ops! {
    fn applications(&self, id: i64, of: AppsOf) -> Result<Vec<ApplicationState>>;
    fn apply(&self, invoice_id: i64, from: i64, credit: bool, amount_minor: i64, on: NaiveDate) -> Result<()>;
    fn audit(&self, customer_id: i64, summary: String, after: serde_json::Value) -> Result<()>;
    fn conversation_has_invoice(&self, conversation_id: i64, invoice_id: i64) -> Result<bool>;
    fn credit_note_by_id(&self, id: i64) -> Result<Option<CreditNoteState>>;
    fn credit_note_lines(&self, id: i64) -> Result<Vec<Line>>;
    fn credit_note_number_taken(&self, number: &str) -> Result<Option<i64>>;
    fn credit_notes_left(&self, customer_id: i64, source: ImportSource, cur: Currency, on: Option<NaiveDate>) -> Result<Vec<(i64, i64)>>;
    fn customer_currency(&self, customer_id: i64) -> Result<Currency>;
    fn customer_has_money(&self, id: i64) -> Result<bool>;
    fn customer_named(&self, name: &str) -> Result<Option<i64>>;
    fn customer_names(&self, source: ImportSource) -> Result<Vec<(String, String)>>;
    fn customer_source(&self, id: i64) -> Result<Option<CustomerSource>>;
    fn default_currency(&self) -> Result<Currency>;
    fn delete_credit(&self, id: i64) -> Result<()>;
    fn delete_payment(&self, id: i64) -> Result<()>;
    fn external_lifted(&self) -> bool;
    fn find_contact(&self, source: ImportSource, external_id: &str) -> Result<Option<ContactState>>;
    fn find_conversation(&self, customer_id: i64, c: &ConversationWrite) -> Result<Option<(i64, ConversationWrite)>>;
    fn find_credit(&self, source: ImportSource, external_id: &str) -> Result<Option<CreditState>>;
    fn find_credit_note(&self, source: ImportSource, external_id: &str) -> Result<Option<CreditNoteState>>;
    fn find_customer(&self, source: ImportSource, external_id: &str) -> Result<Option<CustomerState>>;
    fn find_customer_by_origin(&self, origin: &str) -> Result<Option<i64>>;
    fn find_invoice(&self, source: ImportSource, external_id: &str) -> Result<Option<InvoiceState>>;
    fn find_native(&self, table: NativeTable, customer_id: i64, key: &[Value]) -> Result<Option<i64>>;
    fn find_pause(&self, invoice_id: i64, paused_on: &str) -> Result<Option<(i64, PauseWrite)>>;
    fn find_payment(&self, source: ImportSource, external_id: &str) -> Result<Option<PaymentState>>;
    fn has_message(&self, conversation_id: i64, m: &MessageWrite) -> Result<bool>;
    fn has_promise(&self, conversation_id: i64, p: &PromiseWrite) -> Result<bool>;
    fn indexes_lifted(&self) -> bool;
    fn insert_contact(&self, source: Option<(ImportSource, &str)>, customer_id: i64, name: &str, email: &str, phone: &str, role: &str, source_raw: Option<&str>) -> Result<i64>;
    fn insert_conversation(&self, customer_id: i64, c: &ConversationWrite) -> Result<i64>;
    fn insert_credit(&self, source: Option<(ImportSource, &str)>, customer_id: i64, granted_on: NaiveDate, amount_minor: i64, cur: Currency, reason: &str) -> Result<i64>;
    fn insert_credit_note(&self, source: (ImportSource, &str), w: &CreditNoteWrite<'_>) -> Result<i64>;
    fn insert_customer(&self, source: Option<(ImportSource, &str)>, c: &CustomerWrite<'_>) -> Result<i64>;
    fn insert_invoice(&self, source: Option<(ImportSource, &str)>, i: &InvoiceWrite<'_>) -> Result<i64>;
    fn insert_message(&self, conversation_id: i64, m: &MessageWrite) -> Result<i64>;
    fn insert_native(&self, table: NativeTable, customer_id: i64, cols: &[(&str, Value)]) -> Result<i64>;
    fn insert_pause(&self, invoice_id: i64, customer_id: i64, p: &PauseWrite) -> Result<i64>;
    fn insert_payment(&self, source: Option<(ImportSource, &str)>, p: &PaymentWrite<'_>) -> Result<i64>;
    fn insert_promise(&self, conversation_id: i64, customer_id: i64, p: &PromiseWrite) -> Result<i64>;
    fn invoice(&self, id: i64) -> Result<InvoiceState>;
    fn invoice_by_number(&self, number: &str) -> Result<Option<InvoiceState>>;
    fn invoice_if_unchanged(&self, source: ImportSource, external_id: &str, base: &[u8]) -> Result<Option<(i64, i64)>>;
    fn invoice_number_taken(&self, number: &str) -> Result<Option<i64>>;
    fn invoice_rows_at_most(&self) -> Result<i64>;
    fn invoices_with_own_credit(&self, customer_id: i64, source: ImportSource, on: NaiveDate) -> Result<Vec<i64>>;
    fn is_bulk(&self) -> bool;
    fn keyed_refunds(&self, payment_id: i64) -> Result<Vec<KeyedRefund>>;
    fn keep_line(&self, id: i64, line: i64) -> Result<()>;
    fn known_lines(&self, source: ImportSource) -> Result<Option<crate::store::known_lines::KnownLines>>;
    fn link_conversation_invoice(&self, conversation_id: i64, invoice_id: i64) -> Result<bool>;
    fn load_invoices(&self, rows: &[LoadInvoice<'_>]) -> Result<usize>;
    fn load_rows(&self) -> usize;
    fn make_primary(&self, customer_id: i64, contact_id: i64) -> Result<()>;
    fn mark_native_credit(&self, id: i64, kind: &str, number: Option<&str>, invoice_id: Option<i64>) -> Result<()>;
    fn payment(&self, id: i64) -> Result<PaymentState>;
    fn payment_links(&self, source: ImportSource) -> Result<Vec<(i64, String)>>;
    fn primary_contact(&self, customer_id: i64) -> Result<Option<i64>>;
    fn put_keyed_refund(&self, payment_id: i64, k: &KeyedRefund, total_minor: i64, status: PaymentStatus, source_on: Option<NaiveDate>) -> Result<()>;
    fn recorded_refunds_minor(&self, payment_id: i64) -> Result<i64>;
    fn reverse_application(&self, id: i64) -> Result<()>;
    fn set_contact_raw(&self, id: i64, raw: &str) -> Result<()>;
    fn set_credit_note_lines(&self, id: i64, lines: &[Line]) -> Result<()>;
    fn set_customer_currency(&self, id: i64, cur: Currency) -> Result<()>;
    fn set_customer_external_id(&self, id: i64, external_id: &str) -> Result<()>;
    fn set_customer_flags(&self, id: i64, invoices_paused: bool, portal: bool) -> Result<()>;
    fn set_customer_raw(&self, id: i64, source_raw: &str) -> Result<()>;
    fn set_customer_url(&self, id: i64, url: Option<&str>) -> Result<()>;
    fn set_invoice_status(&self, id: i64, status: InvoiceStatus) -> Result<()>;
    fn set_refunds(&self, payment_id: i64, refunds: &[RefundWrite]) -> Result<()>;
    fn set_write_off(&self, id: i64, on: Option<NaiveDate>, reason: &str) -> Result<()>;
    fn source_has_invoices(&self, source: ImportSource) -> Result<bool>;
    fn source_has_payments(&self, source: ImportSource) -> Result<bool>;
    fn today(&self) -> NaiveDate;
    fn try_insert_invoice(&self, source: Option<(ImportSource, &str)>, i: &InvoiceWrite<'_>) -> Result<Inserted>;
    fn update_contact(&self, id: i64, name: &str, email: &str, phone: &str, role: &str, raw: &str) -> Result<()>;
    fn update_conversation(&self, id: i64, c: &ConversationWrite) -> Result<()>;
    fn update_credit_amount(&self, id: i64, amount_minor: i64) -> Result<()>;
    fn update_credit_note(&self, id: i64, w: &CreditNoteWrite<'_>) -> Result<()>;
    fn update_customer(&self, id: i64, c: &CustomerWrite<'_>) -> Result<()>;
    fn update_invoice(&self, id: i64, i: &InvoiceWrite<'_>) -> Result<bool>;
    fn update_pause(&self, id: i64, p: &PauseWrite) -> Result<()>;
    fn update_payment(&self, id: i64, p: &PaymentWrite<'_>) -> Result<()>;
    fn void_credit_note(&self, id: i64, on: NaiveDate) -> Result<Vec<i64>>;
    fn whole<T, E>(&self, f: impl FnOnce() -> std::result::Result<T, E>) -> Result<std::result::Result<T, E>>;
    mut:
    fn begin_bulk(&mut self) -> Result<()>;
    fn end_bulk(&mut self, customers: &[i64]) -> Result<()>;
    fn lift_indexes(&mut self, external: bool) -> Result<()>;
    fn restore_indexes(&mut self) -> Result<()>;
}

/// A store an import runs on: one transaction per run (`import_session`),
/// written through its `ImportOps`.
pub trait ImportStore {
    /// The run's open transaction.
    type Tx<'a>: ImportOps
    where
        Self: 'a;

    /// Runs `f` in one transaction: it returns its value and whether to
    /// commit (a dry run or a run with refused rows rolls back); an error
    /// rolls back too.
    fn import_session<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&mut Self::Tx<'_>) -> std::result::Result<(T, bool), E>,
    ) -> std::result::Result<T, E>;
}

impl ImportStore for Store {
    type Tx<'a> = ImportTx<'a>;

    #[inline]
    fn import_session<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&mut ImportTx<'_>) -> std::result::Result<(T, bool), E>,
    ) -> std::result::Result<T, E> {
        Store::import_session(self, f)
    }
}

//! Demo data (placeholder signatures; the generator replaces this file).

pub struct DemoOptions {
    pub today: chrono::NaiveDate,
    pub big_invoices: Option<u64>,
}

pub struct DemoReport {
    pub customers: usize,
    pub invoices: u64,
    pub payments: u64,
    pub big_customer_id: Option<i64>,
}

pub fn generate(_store: &mut crate::store::Store, _opts: &DemoOptions) -> crate::store::Result<DemoReport> {
    Err(crate::store::StoreError::Invalid("demo generator not built yet".into()))
}

//! Whole imports as dry runs into a database that already holds Stripe's
//! fixtures (so rows merge, conflict and link as well as insert): every
//! source, ardesk's own JSON export, and the shared matching and writing.
//! Nothing panics, and bad data is explained — a record the database
//! refuses with a constraint error is a parser bug.
#![no_main]

use ardesk::import::{ImportError, run_import};
use ardesk::store::{Store, StoreError};
use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;

thread_local! {
    static STORE: RefCell<Store> = RefCell::new(ardesk_fuzz::books());
}

fuzz_target!(|data: &[u8]| {
    let [a, b, rest @ ..] = data else { return };
    let path = ardesk_fuzz::scratch(ardesk_fuzz::scratch_name(*a), rest);
    let opts = ardesk_fuzz::options(*a, *b);
    STORE.with(|s| {
        let mut store = s.borrow_mut();
        match run_import(&mut *store, &[path], &opts, false) {
            Ok(report) => assert!(!report.written, "a dry run wrote"),
            Err(ImportError::Store(StoreError::Sql(e))) => panic!("a database error instead of a reason: {e}"),
            Err(e) => ardesk_fuzz::check_error(&e),
        }
    });
});

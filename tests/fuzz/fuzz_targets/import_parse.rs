//! Every registered source's CSV and JSON parser (`sources()`), reached
//! the way `ardesk import` reaches it: the file recognized by its header or
//! shape, or forced with `--source`/`--object`. No database. Nothing
//! panics, every refused row has a reason and a line, and every record
//! obeys the rules the database would refuse it for.
#![no_main]

use ardesk::import::probe::probe;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [a, b, rest @ ..] = data else { return };
    let path = ardesk_fuzz::scratch(ardesk_fuzz::scratch_name(*a), rest);
    let opts = ardesk_fuzz::options(*a, *b);
    let mut sink = ardesk_fuzz::Checker::default();
    if let Err(e) = probe(&path, &opts, &mut sink) {
        ardesk_fuzz::check_error(&e);
    }
});

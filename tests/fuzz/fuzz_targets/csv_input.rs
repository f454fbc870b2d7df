//! Reading CSV files as they arrive: encodings, byte-order marks,
//! delimiters, `sep=` lines, title lines above the header and totals or
//! footers below. Nothing panics, and every data row's line is after the
//! header and after the row before it.
#![no_main]

use ardesk::import::csv_input::CsvInput;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else { return };
    let path = ardesk_fuzz::scratch("input.csv", rest);
    // The header: a row whose first cell is "id" (else none), or the
    // widest row when `fallback`.
    let fallback = sel & 1 == 1;
    let is_header = |cells: &[String]| cells.first().is_some_and(|c| c.eq_ignore_ascii_case("id"));
    let mut input = match CsvInput::open(&path, &is_header, fallback) {
        Ok(i) => i,
        Err(e) => return ardesk_fuzz::check_error(&e),
    };
    assert!(input.header_line >= 1);
    input.set_key_column((sel & 2 == 2).then_some(0));
    let mut last = input.header_line;
    let mut read = 0;
    loop {
        match input.next_row() {
            Ok(Some(line)) => {
                assert!(line.line > last, "row at line {} after line {last}", line.line);
                last = line.line;
                let _ = input.raw();
                for i in 0..input.header.len() + 1 {
                    let _ = input.cell(i);
                }
                assert!(input.bytes_read() >= read);
                read = input.bytes_read();
            }
            Ok(None) => break,
            Err(e) => return ardesk_fuzz::check_error(&e),
        }
    }
});

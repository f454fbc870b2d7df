//! Line prints: an unchanged row of an invoices export told at sight,
//! before it is mapped (issue 19: re-importing the same million rows).
//!
//! A row's print is a 64-bit xxh3 hash of its cells as the mapping reads
//! them — each trimmed and decoded, length-prefixed, the header's width of
//! them — seeded with everything else that decides what the row maps to:
//! the source, the object, the header (which names the columns and keys
//! the kept row), the file's decimal mark, and `PRINT_VERSION`. So two rows
//! with the same print map to the same record and the same baseline
//! (`merge::raw::invoice_raw`), whatever their quoting or the white space
//! around their cells (which the mapping trims too). The import keeps it
//! beside the baseline it wrote from the same row (`invoices.import_line`).
//!
//! The next import of that source loads the prints (`store::known_lines`,
//! keyed by a hash of the external id) and hands the parser the invoice a row names
//! when the row's print is the one kept: the row is then mapped without
//! its kept text, and the merge takes the invoice as unchanged without
//! looking it up (`merge::invoices`) — what the lookup would have answered,
//! since the baseline it compares is the one written with that print. A
//! false match needs the same key hash and the same print: two 64-bit
//! hashes of different inputs for rows with different ids (about 2^-128
//! a pair), or a 64-bit collision between a changed row and its own older
//! version (about 5·10^-20 a changed row).
//!
//! xxh3: it hashes a row's 150 bytes in a few nanoseconds, is specified
//! (the same output on every platform and in every version of the crate
//! for a given seed) and is kept well; a cryptographic hash buys nothing
//! here (a user who can write the export can write the rows it imports).

use super::csv_input::CsvInput;
use super::marks::Mark;
use crate::domain::status::ImportSource;
use crate::import::parse::record::ObjectKind;
use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

/// The version of what a row maps to. Bump it whenever a change to a
/// parser that prints its rows (Stripe's invoices: `stripe::csv`), to the
/// fields of the baseline (`store::kept`) or to the cells' reading
/// (`CsvInput::cell`, `raw`) could map the same cells to another record
/// or baseline: every print kept before then stops matching, and the
/// next import reads those rows the whole way once. `tests::the_mapping_is_pinned`
/// (in `stripe::csv`)
/// fails on such a change until it is bumped and the pin updated.
pub const PRINT_VERSION: u32 = 1;

/// Prints the rows of one file.
pub struct Printer {
    seed: u64,
    width: usize,
    buf: Vec<u8>,
}

fn put(buf: &mut Vec<u8>, bytes: &[u8]) {
    buf.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
    buf.extend_from_slice(bytes);
}

impl Printer {
    /// The printer of a file of `source`'s `object` rows under `header`,
    /// its amounts read with `mark` (`None`: read alike either way).
    pub fn new(source: ImportSource, object: ObjectKind, header: &[String], mark: Option<Mark>) -> Printer {
        let mut ctx = Vec::with_capacity(256);
        put(&mut ctx, b"ardesk line print");
        put(&mut ctx, &PRINT_VERSION.to_le_bytes());
        put(&mut ctx, source.as_db().as_bytes());
        put(&mut ctx, object.label().as_bytes());
        let mark = match mark {
            None => b"none".as_slice(),
            Some(Mark::Point) => b"point",
            Some(Mark::Comma) => b"comma",
        };
        put(&mut ctx, mark);
        put(&mut ctx, &(header.len() as u64).to_le_bytes());
        for h in header {
            put(&mut ctx, h.as_bytes());
        }
        Printer { seed: xxh3_64(&ctx), width: header.len(), buf: Vec::with_capacity(512) }
    }

    /// The print of the row `input` is at.
    pub fn print(&mut self, input: &CsvInput) -> u64 {
        self.buf.clear();
        for i in 0..self.width {
            put(&mut self.buf, input.cell(i).as_bytes());
        }
        xxh3_64_with_seed(&self.buf, self.seed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn input(text: &str) -> (tempfile::NamedTempFile, CsvInput) {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        let i = CsvInput::open(f.path(), &|h| h.first().is_some_and(|c| c == "id"), false).unwrap();
        (f, i)
    }

    fn prints(text: &str, mark: Option<Mark>) -> Vec<u64> {
        let (_f, mut i) = input(text);
        let mut p = Printer::new(ImportSource::Stripe, ObjectKind::Invoices, &i.header.clone(), mark);
        let mut out = Vec::new();
        while i.next_row().unwrap().is_some() {
            out.push(p.print(&i));
        }
        out
    }

    #[test]
    fn quoting_and_white_space_do_not_count_cells_and_context_do() {
        let a = prints("id,Total,Number\nin_1,12.50,A-1\n", None)[0];
        assert_eq!(a, prints("id,Total,Number\n\"in_1\", 12.50 ,\"A-1\"\n", None)[0]);
        // A trailing empty cell past the header is no cell of the row.
        assert_eq!(a, prints("id,Total,Number\nin_1,12.50,A-1,\n", None)[0]);
        assert_ne!(a, prints("id,Total,Number\nin_1,12.51,A-1\n", None)[0]);
        // Cells do not run into each other.
        assert_ne!(prints("id,Total,Number\nin_1,12.5,0A-1\n", None)[0], a);
        assert_ne!(a, prints("id,Total,Number\nin_1,12.50,A-1\n", Some(Mark::Point))[0]);
        assert_ne!(a, prints("id,Total,Memo\nin_1,12.50,A-1\n", None)[0]);
        assert_ne!(a, prints("id,Number,Total\nin_1,A-1,12.50\n", None)[0]);
    }

    #[test]
    fn prints_are_the_same_on_every_platform() {
        // A change here strands every print kept: bump PRINT_VERSION instead.
        let p = prints("id,Total\nin_1,12.50\n", Some(Mark::Point))[0];
        assert_eq!(p, 0xe78b_eb3a_bf86_ca04_u64, "{p:#x}");
    }
}

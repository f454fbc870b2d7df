//! A CSV file's decimal mark, decided once from all its amounts before any
//! row is read as money. Reading row by row and learning the mark as it
//! went made row order change values: in a EUR file `1.500` then
//! `2.500,00` stored €1.50 and €2,500.00, the other way round €1,500.00.
//!
//! The file is read an extra time for it, looking only at its amount
//! columns (memory stays flat however long the file). Each amount reads
//! under one convention only, under both to the same value, or under both
//! to different values (`marks`). The file's mark is the one some amount
//! reads only under; a file with amounts that read only one way and
//! others only the other way, or with ambiguous amounts and none that
//! settles them, is refused whole, naming a line, unless the user says
//! which with `--decimal-point` / `--decimal-comma`. So amounts written in
//! one convention read back to their value in any row order, or the file
//! is refused: never another value.

use super::amount::{AmountParser, sign_and_body};
use super::csv_input::CsvInput;
use super::marks::{Both, Mark, Read, Says};
use crate::domain::{Currency, Money};
use crate::import::ImportError;

/// A cell that showed something about the file's mark.
struct Witness {
    line: usize,
    column: String,
    cell: String,
    currency: Currency,
    both: Both,
}

impl Witness {
    /// "line 4's Total \"2.500,00\"".
    fn place(&self) -> String {
        format!("line {}'s {} \"{}\"", self.line, self.column, self.cell)
    }

    fn value(&self, mark: Mark) -> String {
        match self.both.get(mark) {
            Read::Minor(v) => Money::new(v, self.currency).display(),
            _ => "too large".into(),
        }
    }
}

/// What the amounts seen so far show, each kind with its first cell.
#[derive(Default)]
struct Seen {
    point: Option<Witness>,
    comma: Option<Witness>,
    ambiguous: Option<Witness>,
}

impl Seen {
    /// Notes what one amount (`cell`, in `column` on `line`) shows.
    fn note(&mut self, line: usize, column: &str, cell: &str, currency: Currency) {
        let Ok((_, body)) = sign_and_body(cell, currency) else { return };
        let both = Both::of(&body, currency.exponent());
        let slot = match both.says() {
            Says::Only(Mark::Point) => &mut self.point,
            Says::Only(Mark::Comma) => &mut self.comma,
            Says::Ambiguous => &mut self.ambiguous,
            Says::Nothing => return,
        };
        // The first of each kind by line, whatever order they came in, so
        // the message too is the same for any row order.
        if slot.as_ref().is_none_or(|w| line < w.line) {
            *slot = Some(Witness { line, column: column.to_string(), cell: cell.to_string(), currency, both });
        }
    }

    fn decide(self) -> Result<AmountParser, String> {
        match (self.point, self.comma, self.ambiguous) {
            (Some(p), Some(c), _) => Err(format!(
                "its amounts are written both ways: {} reads only with a decimal point, {} only with a decimal \
                 comma; correct the file, or pass --decimal-point or --decimal-comma to read every amount one way \
                 (the rows that do not read that way are then refused)",
                p.place(),
                c.place()
            )),
            (Some(w), None, _) => Ok(AmountParser::settled(Mark::Point, w.place())),
            (None, Some(w), _) => Ok(AmountParser::settled(Mark::Comma, w.place())),
            (None, None, Some(a)) => Err(format!(
                "its amounts do not show which mark is the decimal mark: {} is {} with a decimal point and {} with \
                 a decimal comma, and no amount in the file reads only one way; pass --decimal-point or \
                 --decimal-comma to say which",
                a.place(),
                a.value(Mark::Point),
                a.value(Mark::Comma)
            )),
            // Every amount reads the same either way.
            (None, None, None) => Ok(AmountParser::new()),
        }
    }
}

/// One amount of a file: its line, column, text as written and currency.
pub type Cell<'a> = (usize, &'a str, &'a str, Currency);

/// What `decide` settles on for a file whose amounts are `cells` (in any
/// order), or why the file is refused: the decision alone, for tests and
/// fuzzing.
pub fn settle<'a>(cells: impl IntoIterator<Item = Cell<'a>>) -> Result<AmountParser, String> {
    let mut seen = Seen::default();
    for (line, column, cell, currency) in cells {
        seen.note(line, column, cell, currency);
    }
    seen.decide()
}

/// The parser for a file's amounts in the columns `cols`: settled by
/// `--decimal-point` / `--decimal-comma`, or by every amount in those
/// columns, each in the currency `currency` gives for its row (a row it
/// gives none for, a bad currency or a report's total, is not looked at).
/// Decided once per file; the file is refused when its amounts do not say.
pub(crate) fn decide(
    input: &mut CsvInput,
    cols: &[Option<usize>],
    currency: &dyn Fn(&CsvInput) -> Option<Currency>,
) -> Result<AmountParser, ImportError> {
    if let Some(p) = &input.amounts {
        return Ok(p.clone());
    }
    let cols: Vec<usize> = cols.iter().flatten().copied().collect();
    let parser = match input.forced_mark {
        Some(m) => AmountParser::settled(m, m.flag()),
        None if cols.is_empty() => AmountParser::new(),
        None => {
            let mut scan = input.reopen()?;
            let mut seen = Seen::default();
            while let Some(line) = scan.next_row()? {
                if line.problem.is_some() {
                    continue;
                }
                let Some(cur) = currency(&scan) else { continue };
                for &col in &cols {
                    let cell = scan.cell(col);
                    if !cell.is_empty() {
                        let column = scan.header.get(col).map_or("", String::as_str);
                        seen.note(line.line, column, &cell, cur);
                    }
                }
            }
            seen.decide().map_err(|reason| ImportError::File { path: input.path.clone(), reason })?
        }
    };
    input.amounts = Some(parser.clone());
    Ok(parser)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file(text: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        f
    }

    fn parser(text: &str) -> Result<AmountParser, String> {
        let f = file(text);
        let mut input = CsvInput::open(f.path(), &|h| h.first().is_some_and(|c| c == "id"), false).unwrap();
        let cur = |i: &CsvInput| i.cell(2).parse::<Currency>().ok();
        decide(&mut input, &[Some(1)], &cur).map_err(|e| e.to_string())
    }

    #[test]
    fn one_amount_that_reads_one_way_settles_the_file_in_any_row_order() {
        let a = parser("id;Total;Cur\n1;1.500;EUR\n2;2.500,00;EUR\n").unwrap();
        let b = parser("id;Total;Cur\n2;2.500,00;EUR\n1;1.500;EUR\n").unwrap();
        assert_eq!((a.mark(), b.mark()), (Some(Mark::Comma), Some(Mark::Comma)));
        assert_eq!(a.parse("1.500", Currency::EUR), Ok(150_000));
        // In yen "1.000" can only be a thousand.
        let y = parser("id;Total;Cur\n1;1.000;JPY\n2;1.000.000;JPY\n").unwrap();
        assert_eq!(y.parse("1.000", Currency::JPY), Ok(1_000));
    }

    #[test]
    fn files_that_do_not_say_or_say_both_are_refused_with_a_line() {
        let e = parser("id,Total,Cur\n1,12,USD\n2,\"1,500\",USD\n").unwrap_err();
        assert!(
            e.contains("line 3's Total \"1,500\" is $1,500.00 with a decimal point and $1.50 with a decimal comma"),
            "{e}"
        );
        let e = parser("id;Total;Cur\n1;1,000.50;USD\n2;2.500,00;USD\n").unwrap_err();
        assert!(
            e.contains("line 2's Total \"1,000.50\" reads only with a decimal point, line 3's Total \"2.500,00\" only"),
            "{e}"
        );
        // Amounts that read alike either way settle nothing and need nothing.
        assert_eq!(parser("id,Total,Cur\n1,12,USD\n2,1500,JPY\n").unwrap().mark(), None);
    }

    #[test]
    fn the_cell_named_is_the_first_by_line_in_any_order() {
        let cells = [(9, "Total", "1.500", Currency::EUR), (4, "Total", "2.000", Currency::EUR)];
        let e = settle(cells).unwrap_err();
        let r = settle(cells.into_iter().rev()).unwrap_err();
        assert_eq!(e, r);
        assert!(e.contains("line 4's Total \"2.000\""), "{e}");
    }

    #[test]
    fn the_flag_settles_it_without_reading_the_file() {
        let f = file("id,Total,Cur\n1,\"1,500\",USD\n");
        let mut input = CsvInput::open(f.path(), &|h| h.first().is_some_and(|c| c == "id"), false).unwrap();
        input.forced_mark = Some(Mark::Comma);
        let p = decide(&mut input, &[Some(1)], &|_| Some(Currency::USD)).unwrap();
        assert_eq!(p.parse("1,500", Currency::USD), Ok(150));
    }
}

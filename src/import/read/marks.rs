//! How one amount cell reads under each of the two ways of writing
//! numbers: a decimal point ("1,234.56", "1 234.56", "1'234.56") or a
//! decimal comma ("1.234,56", "1 234,56"). A file uses one of them for all
//! its amounts; which one is decided from all of them (`decimals`), never
//! from the cells read so far, so that no row's value depends on the rows
//! before it.
//!
//! A cell may read under one convention only (it shows which the file
//! uses), under both to the same value ("1500", "12"), or under both to
//! different values ("1.500": 1.50 or 1,500.00) — ambiguous on its own.
//! A currency without minor units (yen) never takes three digits after a
//! mark as decimals: "1.000" is ¥1,000 or refused, never ¥1.

/// The decimal mark of a file's amounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mark {
    /// "1,234.56"
    Point,
    /// "1.234,56"
    Comma,
}

impl Mark {
    fn decimal(self) -> u8 {
        match self {
            Mark::Point => b'.',
            Mark::Comma => b',',
        }
    }

    /// The other mark, which groups thousands under this convention.
    fn grouping(self) -> u8 {
        match self {
            Mark::Point => b',',
            Mark::Comma => b'.',
        }
    }

    pub fn with(self) -> &'static str {
        match self {
            Mark::Point => "with a decimal point",
            Mark::Comma => "with a decimal comma",
        }
    }

    pub fn flag(self) -> &'static str {
        match self {
            Mark::Point => "--decimal-point",
            Mark::Comma => "--decimal-comma",
        }
    }
}

/// Why a cell does not read under a convention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bad {
    /// Not digits and marks at all, or two decimal marks.
    NotAmount,
    /// Thousands groups that are not of three digits.
    Groups,
    /// More decimals than the currency has.
    Places,
    /// Three digits after the mark in a currency without minor units.
    ZeroDecimal,
}

/// What a cell's body (no sign, no symbol) reads as under one convention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    /// Minor units, not negative.
    Minor(i64),
    /// A well-formed number past i64 (refused as too large either way).
    TooLarge,
    Bad(Bad),
}

impl Read {
    pub fn ok(self) -> bool {
        !matches!(self, Read::Bad(_))
    }
}

/// Separators that group thousands under both conventions.
fn neutral_group(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\'')
}

/// Reads `body` (digits and marks only; sign and symbols taken off) under
/// `mark` into minor units of a currency with `exp` decimals.
pub fn read(body: &str, mark: Mark, exp: u32) -> Read {
    let (dec, grp) = (mark.decimal() as char, mark.grouping() as char);
    let (int, frac) = match body.split_once(dec) {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let frac_digits = frac.unwrap_or("");
    if !frac_digits.bytes().all(|b| b.is_ascii_digit()) || (int.is_empty() && frac_digits.is_empty()) {
        return Read::Bad(Bad::NotAmount);
    }
    // Groups: the first of one to three digits, the others of three.
    let is_sep = |c: char| c == grp || neutral_group(c);
    if int.contains(is_sep) {
        let mut groups = int.split(is_sep);
        let first_ok = groups.next().is_some_and(|g| (1..=3).contains(&g.len()));
        if !first_ok || !groups.all(|g| g.len() == 3) {
            return Read::Bad(Bad::Groups);
        }
    }
    if !int.chars().all(|c| c.is_ascii_digit() || is_sep(c)) {
        return Read::Bad(Bad::NotAmount);
    }
    if exp == 0 && frac_digits.len() == 3 {
        return Read::Bad(Bad::ZeroDecimal);
    }
    let kept = frac_digits.trim_end_matches('0');
    if kept.len() > exp as usize {
        return Read::Bad(Bad::Places);
    }
    let mut v: i64 = 0;
    for b in int.bytes().filter(u8::is_ascii_digit) {
        match v.checked_mul(10).and_then(|x| x.checked_add(i64::from(b - b'0'))) {
            Some(x) => v = x,
            None => return Read::TooLarge,
        }
    }
    for i in 0..exp as usize {
        let d = kept.as_bytes().get(i).map_or(0, |b| i64::from(b - b'0'));
        match v.checked_mul(10).and_then(|x| x.checked_add(d)) {
            Some(x) => v = x,
            None => return Read::TooLarge,
        }
    }
    Read::Minor(v)
}

/// What a cell says about the file's convention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Says {
    /// It reads under this convention only.
    Only(Mark),
    /// Under both, to different values.
    Ambiguous,
    /// Nothing: the same value either way, or no value either way.
    Nothing,
}

/// Both readings of a cell's body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Both {
    pub point: Read,
    pub comma: Read,
}

impl Both {
    pub fn of(body: &str, exp: u32) -> Both {
        Both { point: read(body, Mark::Point, exp), comma: read(body, Mark::Comma, exp) }
    }

    pub fn get(self, mark: Mark) -> Read {
        match mark {
            Mark::Point => self.point,
            Mark::Comma => self.comma,
        }
    }

    pub fn says(self) -> Says {
        match (self.point.ok(), self.comma.ok()) {
            (true, false) => Says::Only(Mark::Point),
            (false, true) => Says::Only(Mark::Comma),
            (true, true) if self.point != self.comma => Says::Ambiguous,
            _ => Says::Nothing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Mark::*;

    fn both(s: &str, exp: u32) -> (Read, Read) {
        let b = Both::of(s, exp);
        (b.point, b.comma)
    }

    #[test]
    fn each_form_under_each_convention() {
        use Read::*;
        assert_eq!(both("1234.50", 2), (Minor(123_450), Bad(super::Bad::Groups)));
        assert_eq!(both("1,234.50", 2), (Minor(123_450), Bad(super::Bad::NotAmount)));
        assert_eq!(both("1.234,50", 2), (Bad(super::Bad::NotAmount), Minor(123_450)));
        assert_eq!(both("1 234,50", 2), (Bad(super::Bad::Groups), Minor(123_450)));
        assert_eq!(both("1'234.50", 2), (Minor(123_450), Bad(super::Bad::Groups)));
        assert_eq!(both("1500", 2), (Minor(150_000), Minor(150_000)));
        assert_eq!(both("1.500", 2), (Minor(150), Minor(150_000)));
        assert_eq!(both("1,500", 2), (Minor(150_000), Minor(150)));
        assert_eq!(both("1.234", 2), (Bad(super::Bad::Places), Minor(123_400)));
        assert_eq!(both("1.000.000", 0), (Bad(super::Bad::NotAmount), Minor(1_000_000)));
        assert_eq!(both(".5", 2), (Minor(50), Bad(super::Bad::Groups)));
        assert_eq!(both("99999999999999999999", 2), (TooLarge, TooLarge));
    }

    #[test]
    fn a_currency_without_minor_units_never_takes_three_digits_as_decimals() {
        use Read::*;
        assert_eq!(both("1.000", 0), (Bad(super::Bad::ZeroDecimal), Minor(1_000)));
        assert_eq!(Both::of("1.000", 0).says(), Says::Only(Comma));
        assert_eq!(both("1000.00", 0), (Minor(1_000), Bad(super::Bad::Groups)));
        assert_eq!(both("5.5", 0), (Bad(super::Bad::Places), Bad(super::Bad::Groups)));
    }

    #[test]
    fn what_a_cell_says_about_its_file() {
        assert_eq!(Both::of("1,000.00", 2).says(), Says::Only(Point));
        assert_eq!(Both::of("399,00", 2).says(), Says::Only(Comma));
        assert_eq!(Both::of("1.500", 2).says(), Says::Ambiguous);
        assert_eq!(Both::of("1.500", 3).says(), Says::Ambiguous);
        assert_eq!(Both::of("120000", 0).says(), Says::Nothing);
        assert_eq!(Both::of("12,34.5", 2).says(), Says::Nothing);
    }
}

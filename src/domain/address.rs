//! Postal addresses (the organization's, a customer's billing address):
//! free text of several lines, kept with '\n' between them. Typed on one
//! line (a form field, a command-line value) the lines are separated by
//! ';' or by line breaks; `one_line` gives them back that way.

/// The most characters an address holds (the CHECKs of
/// `migrations/0015_addresses.sql`).
pub const ADDRESS_MAX: usize = 1000;

/// The address as stored: each line trimmed, empty lines dropped, '\n'
/// between them; refused when too long or holding control characters.
pub fn parse_address(input: &str) -> Result<String, String> {
    if input.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err("an address cannot hold control characters".into());
    }
    let lines: Vec<&str> = input.split(['\n', ';']).map(str::trim).filter(|l| !l.is_empty()).collect();
    let address = lines.join("\n").replace('\t', " ");
    let n = address.chars().count();
    if n > ADDRESS_MAX {
        return Err(format!("an address is at most {ADDRESS_MAX} characters (this one is {n})"));
    }
    Ok(address)
}

/// The stored address's lines.
pub fn lines(address: &str) -> Vec<String> {
    address.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect()
}

/// The address on one line, "; " between its lines (what a one-line field
/// shows and reads back).
pub fn one_line(address: &str) -> String {
    lines(address).join("; ")
}

/// An address from its parts as sources give them (street lines, city,
/// region, postal code, country): the non-empty ones, city, region and
/// postal code on one line; cut to `ADDRESS_MAX`, control characters
/// taken out.
pub fn from_parts(street: &[&str], city: &str, region: &str, postal: &str, country: &str) -> String {
    let clean = |s: &str| s.chars().filter(|c| !c.is_control()).collect::<String>().trim().to_string();
    let mut out: Vec<String> = street.iter().map(|s| clean(s)).filter(|s| !s.is_empty()).collect();
    let place: Vec<String> = [city, region, postal].iter().map(|s| clean(s)).filter(|s| !s.is_empty()).collect();
    if !place.is_empty() {
        out.push(place.join(" "));
    }
    let country = clean(country);
    if !country.is_empty() {
        out.push(country);
    }
    out.join("\n").chars().take(ADDRESS_MAX).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_by_semicolon_or_break_trimmed() {
        assert_eq!(
            parse_address(" 1 Main St ; ; Springfield IL 62701\nUSA ").unwrap(),
            "1 Main St\nSpringfield IL 62701\nUSA"
        );
        assert_eq!(one_line("1 Main St\nSpringfield"), "1 Main St; Springfield");
        assert_eq!(parse_address("").unwrap(), "");
        assert!(parse_address("a\u{1b}]52;x").is_err());
        assert!(parse_address(&"x".repeat(ADDRESS_MAX + 1)).is_err());
        assert_eq!(
            from_parts(&["1 Main St", ""], "Springfield", "IL", "62701", "US"),
            "1 Main St\nSpringfield IL 62701\nUS"
        );
    }
}

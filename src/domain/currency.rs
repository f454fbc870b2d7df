//! The currencies ardesk knows: ISO 4217's codes with their minor units (the
//! digits after the decimal point), plus the withdrawn codes still met in
//! historical exports. One table for every place a currency enters (forms,
//! settings, imports) and for how amounts in it are read and shown.
//!
//! Codes for gold, silver, testing and the like ("N.A." minor units in ISO
//! 4217: XAU, XAG, XPD, XPT, XDR, XSU, XUA, XTS, XXX, XBA–XBD) are not money
//! an invoice is written in, and are not here.

/// Active ISO 4217 codes and their minor units, sorted by code (amendment
/// 179, 2025), with CNH, Stripe's offshore yuan.
#[rustfmt::skip]
const ACTIVE: &[(&str, u8)] = &[
    ("AED", 2), ("AFN", 2), ("ALL", 2), ("AMD", 2), ("AOA", 2), ("ARS", 2), ("AUD", 2), ("AWG", 2),
    ("AZN", 2), ("BAM", 2), ("BBD", 2), ("BDT", 2), ("BHD", 3), ("BIF", 0), ("BMD", 2), ("BND", 2),
    ("BOB", 2), ("BOV", 2), ("BRL", 2), ("BSD", 2), ("BTN", 2), ("BWP", 2), ("BYN", 2), ("BZD", 2),
    ("CAD", 2), ("CDF", 2), ("CHE", 2), ("CHF", 2), ("CHW", 2), ("CLF", 4), ("CLP", 0), ("CNH", 2),
    ("CNY", 2), ("COP", 2), ("COU", 2), ("CRC", 2), ("CUP", 2), ("CVE", 2), ("CZK", 2), ("DJF", 0),
    ("DKK", 2), ("DOP", 2), ("DZD", 2), ("EGP", 2), ("ERN", 2), ("ETB", 2), ("EUR", 2), ("FJD", 2),
    ("FKP", 2), ("GBP", 2), ("GEL", 2), ("GHS", 2), ("GIP", 2), ("GMD", 2), ("GNF", 0), ("GTQ", 2),
    ("GYD", 2), ("HKD", 2), ("HNL", 2), ("HTG", 2), ("HUF", 2), ("IDR", 2), ("ILS", 2), ("INR", 2),
    ("IQD", 3), ("IRR", 2), ("ISK", 0), ("JMD", 2), ("JOD", 3), ("JPY", 0), ("KES", 2), ("KGS", 2),
    ("KHR", 2), ("KMF", 0), ("KPW", 2), ("KRW", 0), ("KWD", 3), ("KYD", 2), ("KZT", 2), ("LAK", 2),
    ("LBP", 2), ("LKR", 2), ("LRD", 2), ("LSL", 2), ("LYD", 3), ("MAD", 2), ("MDL", 2), ("MGA", 2),
    ("MKD", 2), ("MMK", 2), ("MNT", 2), ("MOP", 2), ("MRU", 2), ("MUR", 2), ("MVR", 2), ("MWK", 2),
    ("MXN", 2), ("MXV", 2), ("MYR", 2), ("MZN", 2), ("NAD", 2), ("NGN", 2), ("NIO", 2), ("NOK", 2),
    ("NPR", 2), ("NZD", 2), ("OMR", 3), ("PAB", 2), ("PEN", 2), ("PGK", 2), ("PHP", 2), ("PKR", 2),
    ("PLN", 2), ("PYG", 0), ("QAR", 2), ("RON", 2), ("RSD", 2), ("RUB", 2), ("RWF", 0), ("SAR", 2),
    ("SBD", 2), ("SCR", 2), ("SDG", 2), ("SEK", 2), ("SGD", 2), ("SHP", 2), ("SLE", 2), ("SOS", 2),
    ("SRD", 2), ("SSP", 2), ("STN", 2), ("SVC", 2), ("SYP", 2), ("SZL", 2), ("THB", 2), ("TJS", 2),
    ("TMT", 2), ("TND", 3), ("TOP", 2), ("TRY", 2), ("TTD", 2), ("TWD", 2), ("TZS", 2), ("UAH", 2),
    ("UGX", 0), ("USD", 2), ("USN", 2), ("UYI", 0), ("UYU", 2), ("UYW", 4), ("UZS", 2), ("VED", 2),
    ("VES", 2), ("VND", 0), ("VUV", 0), ("WST", 2), ("XAF", 0), ("XCD", 2), ("XCG", 2), ("XOF", 0),
    ("XPF", 0), ("YER", 2), ("ZAR", 2), ("ZMW", 2), ("ZWG", 2),
];

/// Withdrawn codes that historical exports still carry, with the minor
/// units they had: imported and shown as they were, never refused.
#[rustfmt::skip]
const WITHDRAWN: &[(&str, u8)] = &[
    ("ANG", 2), ("BGN", 2), ("CUC", 2), ("HRK", 2), ("LTL", 2), ("LVL", 2), ("MRO", 2), ("SLL", 2),
    ("STD", 2), ("VEF", 2), ("ZWL", 2),
];

/// The minor units of a known code, or `None`.
pub fn minor_units(code: &str) -> Option<u8> {
    let find = |table: &[(&str, u8)]| table.binary_search_by(|(c, _)| (*c).cmp(code)).ok().map(|i| table[i].1);
    find(ACTIVE).or_else(|| find(WITHDRAWN))
}

/// Whether ISO 4217 withdrew the code.
pub fn withdrawn(code: &str) -> bool {
    WITHDRAWN.binary_search_by(|(c, _)| (*c).cmp(code)).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tables_are_sorted_and_apart() {
        for t in [ACTIVE, WITHDRAWN] {
            assert!(t.windows(2).all(|w| w[0].0 < w[1].0), "sorted, no duplicate");
            assert!(t.iter().all(|(c, _)| c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase())));
        }
        assert!(WITHDRAWN.iter().all(|(c, _)| ACTIVE.binary_search_by(|(a, _)| (*a).cmp(c)).is_err()));
    }

    #[test]
    fn minor_units_as_iso_says() {
        assert_eq!(minor_units("USD"), Some(2));
        assert_eq!(minor_units("JPY"), Some(0));
        assert_eq!(minor_units("KWD"), Some(3));
        assert_eq!(minor_units("CLF"), Some(4));
        assert_eq!(minor_units("HRK"), Some(2));
        assert!(withdrawn("HRK") && !withdrawn("EUR"));
        for nonsense in ["XYZ", "UDS", "XAU", "XXX", "usd", ""] {
            assert_eq!(minor_units(nonsense), None, "{nonsense}");
        }
    }
}

//! How ardesk writes the external ids of imported records, so that the
//! importer that keys records on them and the store that finds them by
//! them agree.
//!
//! - A customer that an export names without an id (a report keyed on the
//!   customer's unique name) is keyed `name:` and its name (`name_key`)
//!   until its real id arrives.
//! - Salesforce record ids: the UI and report exports show 15 characters,
//!   case-sensitive; the API, Data Loader and the Data Export show 18: the
//!   same 15 and a 3-character checksum that says which of them are upper
//!   case (one character per block of 5, a 5-bit mask into `A–Z0–5`).
//!   ardesk keys every Salesforce record on the 18-character form (`to_18`),
//!   so a report export and a Data Loader export of the same accounts match.

/// The external id of a customer that an export names without an id (a
/// report keyed on the customer's unique name): `name:` and the name. A
/// customer that arrives later with its id and the same name is matched to
/// it and takes the id (the importer's `merge::customers`).
pub fn name_key(name: &str) -> String {
    format!("{NAME_KEY}{name}")
}

/// The prefix of `name_key`s.
pub const NAME_KEY: &str = "name:";

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

/// The checksum of the first 15 characters.
fn checksum(id15: &[u8]) -> [u8; 3] {
    let mut out = [0u8; 3];
    for (block, c) in out.iter_mut().enumerate() {
        let mask = id15[block * 5..block * 5 + 5]
            .iter()
            .enumerate()
            .filter(|(_, b)| b.is_ascii_uppercase())
            .fold(0usize, |m, (i, _)| m | (1 << i));
        *c = ALPHABET[mask];
    }
    out
}

/// The 18-character id of a 15- or 18-character one. An 18-character id
/// whose letters lost their case (a tool that upper-cased the cell) gets
/// it back from its checksum; one whose checksum cannot match is refused.
pub fn to_18(input: &str) -> Result<String, String> {
    let id = input.trim();
    if !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(format!("\"{id}\" is not a Salesforce id (letters and digits only)"));
    }
    match id.len() {
        15 => {
            let sum = checksum(id.as_bytes());
            Ok(format!("{id}{}", String::from_utf8_lossy(&sum)))
        }
        18 => {
            let (head, tail) = id.split_at(15);
            let tail = tail.to_ascii_uppercase();
            if checksum(head.as_bytes()) == tail.as_bytes() {
                return Ok(format!("{head}{tail}"));
            }
            restore_case(head, tail.as_bytes()).ok_or_else(|| {
                format!("\"{id}\" is not a Salesforce id: its last 3 characters do not match the first 15")
            })
        }
        n => Err(format!("\"{id}\" is not a Salesforce id ({n} characters; ids have 15 or 18)")),
    }
}

/// The first 15 characters with the case the checksum says, if it can say.
fn restore_case(head: &str, tail: &[u8]) -> Option<String> {
    let mut out = head.as_bytes().to_vec();
    for (block, c) in tail.iter().enumerate() {
        let mask = ALPHABET.iter().position(|a| a == c)?;
        for i in 0..5 {
            let b = &mut out[block * 5 + i];
            let upper = mask & (1 << i) != 0;
            if upper && !b.is_ascii_alphabetic() {
                return None;
            }
            *b = if upper { b.to_ascii_uppercase() } else { b.to_ascii_lowercase() };
        }
    }
    let head = String::from_utf8(out).ok()?;
    Some(format!("{head}{}", String::from_utf8_lossy(tail)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_pairs() {
        // Published pairs (django-salesforce's tests, Salesforce's own
        // record URLs) and the checksum worked by hand for 2xLCV: L, C
        // and V are upper case at positions 2, 3, 4 → 4+8+16 = 28 → '2'.
        for (short, long) in [
            ("00A000000000000", "00A000000000000EAA"),
            ("000000000000000", "000000000000000AAA"),
            ("00000000000000A", "00000000000000AAAQ"),
            ("0000A0000A0000A", "0000A0000A0000AQQQ"),
            ("000A0000A0000A0", "000A0000A0000A0III"),
            ("a0f1a000003yDoI", "a0f1a000003yDoIAAU"),
            ("001x0000002xLCV", "001x0000002xLCVAA2"),
        ] {
            assert_eq!(to_18(short).as_deref(), Ok(long), "{short}");
            assert_eq!(to_18(long).as_deref(), Ok(long), "{long}");
        }
    }

    #[test]
    fn case_is_restored_and_bad_ids_refused() {
        assert_eq!(to_18("A0F1A000003YDOIAAU").as_deref(), Ok("a0f1a000003yDoIAAU"));
        assert_eq!(to_18("a0f1a000003ydoiaau").as_deref(), Ok("a0f1a000003yDoIAAU"));
        assert!(to_18("0010000000000001AA").unwrap_err().contains("do not match"));
        assert!(to_18("001000000000").unwrap_err().contains("12 characters"));
        assert!(to_18("001-00000000000").unwrap_err().contains("letters and digits"));
    }
}

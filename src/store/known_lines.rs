//! The prints of the invoices an import wrote, by their external id: what
//! the next import of the same source knows an unchanged row by at sight
//! (`import::read::prints`, `invoices.import_line`). Loaded by the store
//! (`ImportTx::known_lines`), asked by the parser's sink.

use xxhash_rust::xxh3::xxh3_64;

/// An invoice as its last import left it: the hash of its external id,
/// the print of its row, its id and its customer (what the
/// unchanged-row lookup answers). A slot with key 0 is empty.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Slot {
    key: u64,
    print: u64,
    id: i64,
    customer_id: i64,
}

/// The id of a slot that is handed out to nobody: taken already, or two
/// external ids that hash alike.
const NOBODY: i64 = i64::MIN;

/// The invoices of one source with a kept print, by the hash of their
/// external id: an open-addressing table (linear probing, at most half
/// full). Each is handed out at most once: the first row of the file that
/// names it takes it (matching or not), so a row repeated in the file,
/// which the first may have changed, goes the whole way.
///
/// A million invoices take 64 MiB, looked up in the file's order, which
/// is no order of the table's: on Linux the table asks for huge pages,
/// since a lookup that misses the TLB as well as the cache cost half a
/// microsecond on this machine kind (a million lookups and inserts, about
/// 1.3 s with 4 KiB pages).
pub struct KnownLines {
    slots: Vec<Slot>,
    mask: usize,
    len: usize,
}

impl KnownLines {
    pub fn with_capacity(n: usize) -> KnownLines {
        let size = (n.max(8) * 2).next_power_of_two();
        let slots = vec![Slot::default(); size];
        huge_pages(&slots);
        KnownLines { slots, mask: size - 1, len: 0 }
    }

    /// Adds an invoice: its external id, the print kept, its id and customer.
    pub fn add(&mut self, external_id: &str, print: i64, id: i64, customer_id: i64) {
        self.add_bytes(external_id.as_bytes(), print, id, customer_id);
    }

    /// `add`, the external id as its UTF-8 bytes.
    pub fn add_bytes(&mut self, external_id: &[u8], print: i64, id: i64, customer_id: i64) {
        self.insert(Slot { key: key_of(external_id), print: print as u64, id, customer_id });
    }

    fn insert(&mut self, slot: Slot) {
        if self.len * 2 >= self.slots.len() {
            self.grow();
        }
        let at = self.find(slot.key);
        let s = &mut self.slots[at];
        if s.key == slot.key {
            s.id = NOBODY;
        } else {
            *s = slot;
            self.len += 1;
        }
    }

    /// Where `key` is, or the empty slot where it would go.
    fn find(&self, key: u64) -> usize {
        let mut at = (key as usize) & self.mask;
        loop {
            let k = self.slots[at].key;
            if k == key || k == 0 {
                return at;
            }
            at = (at + 1) & self.mask;
        }
    }

    fn grow(&mut self) {
        let old = std::mem::take(&mut self.slots);
        let mut bigger = KnownLines::with_capacity(old.len());
        for s in old.into_iter().filter(|s| s.key != 0) {
            let at = bigger.find(s.key);
            bigger.slots[at] = s;
            bigger.len += 1;
        }
        *self = bigger;
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The invoice (id, customer) a row with `external_id` and `print`
    /// left unchanged, if its print is the one kept; the invoice is not
    /// handed out again either way.
    pub fn take(&mut self, external_id: &str, print: u64) -> Option<(i64, i64)> {
        let at = self.find(key_of(external_id.as_bytes()));
        let s = &mut self.slots[at];
        if s.key == 0 || s.id == NOBODY {
            return None;
        }
        let found = (s.print == print).then_some((s.id, s.customer_id));
        s.id = NOBODY;
        found
    }
}

/// The key of an external id (0 marks an empty slot, so never 0).
fn key_of(external_id: &[u8]) -> u64 {
    xxh3_64(external_id).max(1)
}

/// Asks Linux to back `slots` with huge pages (an advice: nothing changes
/// but the speed if it is not taken, nor on other systems).
fn huge_pages(slots: &[Slot]) {
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        let start = slots.as_ptr() as usize;
        let end = start + std::mem::size_of_val(slots);
        let (from, to) = (start.next_multiple_of(HUGE), end / HUGE * HUGE);
        if to > from {
            // SAFETY: the range lies inside the allocation of `slots`, and
            // MADV_HUGEPAGE changes how its pages are backed, not what
            // they hold.
            unsafe {
                libc::madvise(from as *mut libc::c_void, to - from, libc::MADV_HUGEPAGE);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = slots;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invoice_is_handed_out_once_and_never_when_ids_collide() {
        let mut k = KnownLines::with_capacity(2);
        k.add("in_1", 7, 10, 100);
        assert_eq!(k.take("in_1", 8), None);
        assert_eq!(k.take("in_1", 7), None, "taken by the first row that named it");
        k.add("in_2", 7, 11, 100);
        assert_eq!(k.take("in_2", 7), Some((11, 100)));
        assert_eq!(k.take("in_9", 7), None);
        // Two ids with the same key (forced here): neither is known.
        for print in [5, 6] {
            let key = key_of(b"in_3") ^ print;
            k.insert(Slot { key, print: 5, id: 12, customer_id: 1 });
            k.insert(Slot { key, print: 6, id: 13, customer_id: 1 });
            assert_eq!(k.slots[k.find(key)].id, NOBODY);
        }
        // It grows past half full and keeps what it holds.
        for i in 0..1000 {
            k.add(&format!("in_x{i}"), i, i + 1, 0);
        }
        assert!(k.len() >= 1000 && k.slots.len() >= 2 * k.len());
        assert_eq!(key_of(b"in_1"), xxh3_64(b"in_1"));
        assert_eq!(k.take("in_x500", 500), Some((501, 0)));
    }
}

//! `e` on an issued invoice's detail: its memo, the one thing of an issued
//! invoice that may change (its other fields are what the customer was
//! sent; a draft's are all edited with `invoice::edit_draft`).

use super::{FormDialog, FormOf, Spec, build_stored};
use crate::app::effect::Effect;
use crate::app::form::Field;
use crate::app::forms::invoice::MAX_MEMO;
use crate::domain::detail::InvoiceDetail;

field_ids! {
    pub enum MemoField { Memo }
}
use MemoField as F;

struct MemoForm {
    customer_id: i64,
    invoice_id: i64,
    version: i64,
    number: String,
}

pub fn open(d: &InvoiceDetail) -> FormDialog {
    let i = &d.invoice;
    let spec = MemoForm { customer_id: d.customer_id, invoice_id: i.id, version: d.version, number: i.number.clone() };
    let (customer_id, id) = (d.customer_id, i.id);
    build_stored(format!("Memo of invoice {}", i.number), spec, |f| match f {
        F::Memo => Field::text("Memo", &i.memo).with_hint("shown on the invoice's detail; empty clears it"),
    })
    .rereads(move |s| super::reread(s.invoice_detail(customer_id, id), "This invoice", |d| open(&d)))
}

impl Spec for MemoForm {
    type Field = MemoField;

    fn validate(&self, form: &mut FormOf<'_, F>) -> Option<Effect> {
        let memo = form.text(F::Memo);
        let n = memo.chars().count();
        if n > MAX_MEMO {
            form.set_error(F::Memo, format!("at most {MAX_MEMO} characters ({n} typed)"));
            return None;
        }
        Some(Effect::SetInvoiceMemo {
            customer_id: self.customer_id,
            invoice_id: self.invoice_id,
            version: self.version,
            number: self.number.clone(),
            memo,
        })
    }
}

//! "End" in a contract's menu: the date the contract ends.

use super::{FormDialog, FormOf, Spec, build, reread};
use crate::app::effect::Effect;
use crate::app::form::Field;
use crate::domain::date::iso;
use crate::domain::model::ContractRow;
use chrono::NaiveDate;

field_ids! {
    pub enum EndField { EndDate }
}
use EndField as F;

/// The contract seen at `version`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EndContract {
    pub id: i64,
    pub version: i64,
    /// An end after today sets the date; the contract runs until then.
    pub today: NaiveDate,
}

/// Proposes today, or the contract's own end when that is sooner, never
/// before its start.
pub fn open(k: &ContractRow, today: NaiveDate) -> FormDialog {
    let end = k.period_end.unwrap_or(today).max(k.period_start);
    let proposed = iso(end.min(today.max(k.period_start)));
    let id = k.id;
    build(format!("End {}", k.name), EndContract { id, version: k.version, today }, |f| match f {
        F::EndDate => Field::text("End date", &proposed),
    })
    .rereads(move |s| reread(s.contract(id), "This contract", |k| open(&k, today)))
}

impl Spec for EndContract {
    type Field = EndField;

    fn validate(&self, form: &mut FormOf<'_, F>) -> Option<Effect> {
        let end = form.date(F::EndDate)?;
        Some(Effect::EndContract { id: self.id, version: self.version, end, today: self.today })
    }
}

//! The Activity tab: the customer's audit log.

use super::FieldKind::{Date, Text};
use super::{Column, Field, Tabular};
use crate::domain::columns::{Col, Sort, Tab};
use crate::domain::model::ActivityRow;

type C = Column<ActivityRow>;

impl Tabular for ActivityRow {
    const TAB: Tab = Tab::Activity;
    const TITLE: &'static str = "Activity";
    const SHORT_TITLE: &'static str = "Act";
    const EMPTY: &'static str = "No activity recorded yet.";
    const EXAMPLE: &'static str = "--filter 'what:cancelled' --sort=-when";
    const DEFAULT_SORT: Sort = Sort { col: Col::ActWhen, desc: true };
    const COLUMNS: &'static [C] = &[
        C::new("When (UTC)", 16, |r, ctx| ctx.dates.show_minute(&r.at).into())
            .key(Col::ActWhen)
            .filter(&[Field::new("when", Date)])
            .export(&[("at", |r, _| r.at.clone())]),
        C::new("Who", 10, |r, _| r.who.as_str().into())
            .priority(1)
            .key(Col::ActWho)
            .filter(&[Field::new("who", Text)])
            .export(&[("who", |r, _| r.who.clone())]),
        C::new("What", 20, |r, _| r.summary.as_str().into())
            .fill()
            .key(Col::ActWhat)
            .filter(&[Field::new("what", Text)])
            .export(&[("what", |r, _| r.summary.clone())]),
    ];
}

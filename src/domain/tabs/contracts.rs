//! The Contracts tab.

use super::FieldKind::{Date, Days, Money, Period, Status, Text};
use super::{Column, Field, Tabular};
use crate::domain::columns::{Col, Sort, Tab};
use crate::domain::date::iso;
use crate::domain::filter::StatusWord::{self, *};
use crate::domain::model::{ContractRow, terms_label};

type C = Column<ContractRow>;

const STATUSES: &[(&str, StatusWord)] =
    &[("draft", Draft), ("active", Active), ("ended", Ended), ("cancelled", Cancelled)];

impl Tabular for ContractRow {
    const TAB: Tab = Tab::Contracts;
    const TITLE: &'static str = "Contracts";
    const SHORT_TITLE: &'static str = "Contr";
    const EMPTY: &'static str = "No contracts yet.";
    const EXAMPLE: &'static str = "--filter 'status:active type:recurring' --sort=start";
    const DEFAULT_SORT: Sort = Sort { col: Col::ConPeriod, desc: true };
    const COLUMNS: &'static [C] = &[
        C::new("Name", 18, |r, _| r.name.as_str().into())
            .fill()
            .key(Col::ConName)
            .filter(&[Field::new("name", Text)])
            .export(&[("name", |r, _| r.name.clone())]),
        C::new("Period", 23, |r, ctx| {
            let show = |d| ctx.dates.show(d);
            match r.period_end {
                Some(e) => format!("{} – {}", show(r.period_start), show(e)),
                None => format!("{} – open-ended", show(r.period_start)),
            }
            .into()
        })
        .priority(1)
        .key(Col::ConPeriod)
        .filter(&[Field::new("start", Date), Field::new("period", Period)])
        .export(&[
            ("period_start", |r, _| iso(r.period_start)),
            ("period_end", |r, _| r.period_end.map(iso).unwrap_or_default()),
        ]),
        C::new("Type", 21, |r, _| {
            match r.billing_frequency {
                Some(f) => format!("{} ({})", r.kind.label(), f.label()),
                None => r.kind.label().to_string(),
            }
            .into()
        })
        .priority(2)
        .key(Col::ConKind)
        .filter(&[Field::new("type", Text)])
        .export(&[
            ("type", |r, _| r.kind.as_db().to_string()),
            ("billing_frequency", |r, _| r.billing_frequency.map(|f| f.as_db().to_string()).unwrap_or_default()),
        ]),
        C::new("Status", 9, |r, cx| r.shown_status(cx.today).label().into())
            .key(Col::ConStatus)
            .filter(&[Field::new("status", Status(STATUSES))])
            .export(&[("status", |r, _| r.status.as_db().to_string())]),
        C::new("Value", 14, |r, _| r.value.display().into())
            .right()
            .key(Col::ConValue)
            .filter(&[Field::new("value", Money)])
            .export(&[("value", |r, _| r.value.plain()), ("currency", |r, _| r.value.currency.to_string())]),
        C::new("Terms", 14, |r, _| terms_label(r.payment_terms_days).into())
            .priority(3)
            .key(Col::ConTerms)
            .filter(&[Field::new("terms", Days)])
            .export(&[("payment_terms_days", |r, _| r.payment_terms_days.to_string())]),
    ];
    const EXPORT_ORDER: &'static [&'static str] = &[
        "name",
        "type",
        "status",
        "period_start",
        "period_end",
        "value",
        "currency",
        "payment_terms_days",
        "billing_frequency",
    ];
}

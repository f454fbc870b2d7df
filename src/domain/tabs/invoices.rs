//! The Invoices tab.

use super::FieldKind::{Date, Money, Period, Status, Text};
use super::{CellText, Column, Field, Summary, Tabular};
use crate::domain::columns::{Col, Sort, Tab};
use crate::domain::date::{iso, period_label};
use crate::domain::filter::StatusWord::{self, *};
use crate::domain::model::InvoiceRow;
use crate::domain::status::DisplayStatus;

type C = Column<InvoiceRow>;

/// `open` is every unpaid issued invoice, overdue ones included.
const STATUSES: &[(&str, StatusWord)] = &[
    ("draft", Draft),
    ("open", Open),
    ("overdue", Overdue),
    ("partial", Partial),
    ("partially_paid", Partial),
    ("paid", Paid),
    ("cancelled", Cancelled),
    ("canceled", Cancelled),
    ("void", Cancelled),
    ("uncollectible", Uncollectible),
    ("paused", Paused),
];

/// The aging buckets by days past due, as the strip shows them: open
/// invoices only, as the strip counts them.
const AGING: &[(&str, StatusWord)] =
    &[("current", Aging(0)), ("1-30", Aging(1)), ("31-60", Aging(2)), ("61-90", Aging(3)), ("90+", Aging(4))];

impl Tabular for InvoiceRow {
    const TAB: Tab = Tab::Invoices;
    const TITLE: &'static str = "Invoices";
    const SHORT_TITLE: &'static str = "Inv";
    const EMPTY: &'static str = "No invoices yet.";
    const EXAMPLE: &'static str = "--filter 'status:overdue total>1000' --sort=-due";
    const DEFAULT_SORT: Sort = Sort { col: Col::InvDate, desc: true };
    /// Σ total and Σ balance leave cancelled invoices out (a cancelled
    /// invoice's balance is 0 anyway; its total is no money anyone owes).
    const SUMMARY: Option<Summary> = Some(Summary {
        count: |p| p.invoice_count,
        sum: |p| p.invoice_shown_total_minor,
        balance: Some(|p| p.invoice_balance_minor),
    });
    const COLUMNS: &'static [C] = &[
        C::new("☐", 1, |r, ctx| {
            let ticked = ctx.selection.is_some_and(|s| s.contains_key(&r.id));
            if ticked { "☑" } else { "☐" }.into()
        }),
        // Stripe's numbers ("3C512330-0001") and most others fit whole.
        C::new("Number", 14, |r, _| r.number.as_str().into())
            .key(Col::InvNumber)
            .filter(&[Field::new("number", Text)])
            .export(&[("number", |r, _| r.number.clone())]),
        C::new("Total", 13, |r, _| r.total.display().into())
            .right()
            .key(Col::InvTotal)
            .filter(&[Field::new("total", Money)])
            .export(&[("total", |r, _| r.total.plain()), ("currency", |r, _| r.total.currency.to_string())]),
        // What is still owed: after Total, so that at 80 columns the home
        // view shows both and the issue date gives way first.
        C::new("Balance", 13, |r, _| r.balance().display().into())
            .right()
            .priority(1)
            .key(Col::InvBalance)
            .filter(&[Field::new("balance", Money)])
            .export(&[("balance", |r, _| r.balance().plain())]),
        C::new("Date", 10, |r, ctx| ctx.dates.show(r.issue_date).into())
            .priority(2)
            .key(Col::InvDate)
            .filter(&[Field::new("date", Date), Field::new("issued", Date)])
            .export(&[("issue_date", |r, _| iso(r.issue_date))]),
        C::new("Due", 10, |r, ctx| ctx.dates.show(r.due_date).into())
            .priority(1)
            .key(Col::InvDue)
            .filter(&[Field::new("due", Date), Field::new("aging", Status(AGING))])
            .export(&[("due_date", |r, _| iso(r.due_date))]),
        // A paused invoice says so first ("Paused · Overdue").
        C::new("Status", 16, |r, ctx| {
            let s = r.display_status(ctx.today);
            let paused = if r.paused(ctx.today) { "Paused · " } else { "" };
            CellText {
                text: format!("{paused}{}", s.label()),
                alert: matches!(s, DisplayStatus::Overdue | DisplayStatus::OverduePartial),
            }
        })
        .key(Col::InvStatus)
        .filter(&[Field::new("status", Status(STATUSES))])
        // `status` is the stored status (what `ardesk import` reads back),
        // `display_status` the one the screen shows as of the day; the
        // balance is what the status is derived from.
        .export(&[
            ("status", |r, _| r.status.as_db().to_string()),
            ("display_status", |r, today| r.display_status(today).export()),
            ("open_balance", |r, _| r.open_balance().plain()),
        ]),
        C::new("Contract", 10, |r, _| r.contract_name.clone().unwrap_or_default().into())
            .fill()
            .priority(3)
            .key(Col::InvContract)
            .filter(&[Field::new("contract", Text)])
            .export(&[("contract", |r, _| r.contract_name.clone().unwrap_or_default())]),
        C::new("Period", 23, |r, _| r.period.map(|(a, b)| period_label(a, b)).unwrap_or_default().into())
            .priority(4)
            .key(Col::InvPeriod)
            .filter(&[Field::new("period", Period)])
            .export(&[
                ("period_start", |r, _| r.period.map(|p| iso(p.0)).unwrap_or_default()),
                ("period_end", |r, _| r.period.map(|p| iso(p.1)).unwrap_or_default()),
                // Shown on no column: the invoice's note, last so that
                // readers of the older columns find them where they were.
                ("memo", |r, _| r.memo.clone()),
                // What of the invoice credit settled (no money): Total
                // Billed is Σ total − credited of issued invoices. After
                // the memo, for the same reason.
                ("credited", |r, _| crate::domain::Money::new(r.credited_minor, r.total.currency).plain()),
                // The day its collections resume while they are paused.
                ("paused_until", |r, today| r.pause.filter(|_| r.paused(today)).map(|p| iso(p.1)).unwrap_or_default()),
            ]),
    ];
}

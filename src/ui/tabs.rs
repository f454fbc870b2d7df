//! The columns of each tab: titles, widths and how a row reads.

use super::grid::{CellCtx, CellText, Column};
use crate::domain::columns::Col;
use crate::domain::date::{iso, period_label};
use crate::domain::model::*;
use crate::domain::status::DisplayStatus;

fn col<R>(
    key: Col,
    title: &'static str,
    width: u16,
    drop_order: u8,
    cell: fn(&R, &CellCtx<'_>) -> CellText,
) -> Column<R> {
    Column { key, title, width, fill: false, right: false, drop_order, cell }
}

fn right<R>(c: Column<R>) -> Column<R> {
    Column { right: true, ..c }
}

fn fill<R>(c: Column<R>) -> Column<R> {
    Column { fill: true, ..c }
}

pub fn invoices() -> Vec<Column<InvoiceRow>> {
    vec![
        col(Col::InvSelect, "☐", 1, 0, |r, ctx| {
            let ticked = ctx.selection.is_some_and(|s| s.contains_key(&r.id));
            if ticked { "☑" } else { "☐" }.into()
        }),
        // Stripe's numbers ("3C512330-0001") and most others fit whole.
        col(Col::InvNumber, "Number", 14, 0, |r, _| r.number.as_str().into()),
        right(col(Col::InvTotal, "Total", 13, 0, |r, _| r.total.display().into())),
        col(Col::InvDate, "Date", 10, 2, |r, _| iso(r.issue_date).into()),
        col(Col::InvDue, "Due", 10, 1, |r, _| iso(r.due_date).into()),
        col(Col::InvStatus, "Status", 16, 0, |r, ctx| {
            let s = r.display_status(ctx.today);
            CellText {
                text: s.label().to_string(),
                alert: matches!(s, DisplayStatus::Overdue | DisplayStatus::OverduePartial),
            }
        }),
        fill(col(Col::InvContract, "Contract", 10, 3, |r, _| r.contract_name.clone().unwrap_or_default().into())),
        col(Col::InvPeriod, "Period", 18, 4, |r, _| {
            r.period.map(|(a, b)| period_label(a, b)).unwrap_or_default().into()
        }),
    ]
}

pub fn contracts() -> Vec<Column<ContractRow>> {
    vec![
        fill(col(Col::ConName, "Name", 18, 0, |r, _| r.name.as_str().into())),
        col(Col::ConPeriod, "Period", 23, 1, |r, _| {
            match r.period_end {
                Some(e) => format!("{} – {}", iso(r.period_start), iso(e)),
                None => format!("{} – open-ended", iso(r.period_start)),
            }
            .into()
        }),
        col(Col::ConKind, "Type", 21, 2, |r, _| {
            match r.billing_frequency {
                Some(f) => format!("{} ({})", r.kind.label(), f.label()),
                None => r.kind.label().to_string(),
            }
            .into()
        }),
        col(Col::ConStatus, "Status", 9, 0, |r, _| r.status.label().into()),
        right(col(Col::ConValue, "Value", 14, 0, |r, _| r.value.display().into())),
        col(Col::ConTerms, "Terms", 14, 3, |r, _| terms_label(r.payment_terms_days).into()),
    ]
}

pub fn payments() -> Vec<Column<PaymentRow>> {
    vec![
        col(Col::PayDate, "Date", 10, 0, |r, _| iso(r.received_on).into()),
        right(col(Col::PayAmount, "Amount", 13, 0, |r, _| r.amount.display().into())),
        right(col(Col::PayRefunded, "Refunded", 12, 2, |r, _| {
            let refunded = crate::domain::Money::new(r.refunded_minor, r.amount.currency);
            if r.refunded_minor > 0 { refunded.display().into() } else { "".into() }
        })),
        col(Col::PayReference, "Reference", 16, 2, |r, _| r.reference.as_str().into()),
        col(Col::PayStatus, "Status", 11, 0, |r, _| {
            let partly = r.refunded_minor > 0 && r.refunded_minor < r.amount.minor;
            CellText {
                text: if partly { "Part refund".to_string() } else { r.status.label().to_string() },
                alert: r.status == crate::domain::status::PaymentStatus::Failed,
            }
        }),
        col(Col::PayMethod, "Method", 9, 3, |r, _| r.method.label().into()),
        fill(col(Col::PayAppliedTo, "Applied to", 12, 1, |r, _| {
            let unapplied = r.amount.minor - r.refunded_minor - r.applied_minor;
            let mut s = r.applied_to.clone();
            if r.status == crate::domain::status::PaymentStatus::Succeeded && unapplied > 0 {
                let credit = crate::domain::Money::new(unapplied, r.amount.currency).display();
                s = if s.is_empty() { format!("{credit} unapplied") } else { format!("{s} (+{credit} unapplied)") };
            }
            s.into()
        })),
    ]
}

pub fn contacts() -> Vec<Column<ContactRow>> {
    vec![
        col(Col::CtName, "Name", 20, 0, |r, _| r.name.as_str().into()),
        fill(col(Col::CtEmail, "Email", 24, 0, |r, _| r.email.as_str().into())),
        col(Col::CtPhone, "Phone", 16, 1, |r, _| r.phone.as_str().into()),
        col(Col::CtRole, "Role", 18, 2, |r, _| r.role.as_str().into()),
        col(Col::CtPrimary, "", 7, 0, |r, _| if r.primary { "Primary" } else { "" }.into()),
    ]
}

pub fn documents() -> Vec<Column<DocumentRow>> {
    vec![
        fill(col(Col::DocName, "Name", 20, 0, |r, _| r.name.as_str().into())),
        col(Col::DocUploaded, "Uploaded", 16, 1, |r, _| {
            r.uploaded_at.replace('T', " ").chars().take(16).collect::<String>().into()
        }),
        col(Col::DocKind, "Type", 22, 1, |r, _| format!("{} · {}", r.kind.label(), r.format).into()),
        col(Col::DocContract, "Contract", 16, 2, |r, _| r.contract_name.clone().unwrap_or_default().into()),
        right(col(Col::DocSize, "Size", 9, 0, |r, _| size_label(r.size_bytes).into())),
    ]
}

pub fn activity() -> Vec<Column<ActivityRow>> {
    vec![
        col(Col::ActWhen, "When (UTC)", 16, 0, |r, _| {
            r.at.replace('T', " ").chars().take(16).collect::<String>().into()
        }),
        col(Col::ActWho, "Who", 10, 1, |r, _| r.who.as_str().into()),
        fill(col(Col::ActWhat, "What", 20, 0, |r, _| r.summary.as_str().into())),
    ]
}

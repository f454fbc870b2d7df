//! Avg. Days to Collect's rows (a figure opens them, `view::figures`): each
//! payment application of the 365 days to today with its days from issue to
//! payment, and the weighted mean they make, which is the card's figure.
//! Shown in the scrolling report dialog.

use super::import_report::ReportDialog;
use super::scroll::{Look, TextLine};
use crate::domain::date::iso;
use crate::domain::metrics::{Collection, collect_window_start, collections_mean};
use crate::domain::text::pad;
use chrono::NaiveDate;

pub fn dialog(rows: &[Collection], today: NaiveDate) -> ReportDialog {
    let mean = collections_mean(rows);
    let title = match mean {
        Some(d) => format!("Avg. Days to Collect: {d} days"),
        None => "Avg. Days to Collect: nothing collected".into(),
    };
    let mut lines = vec![TextLine::one(
        Look::Plain,
        format!(
            "Payments received {} to {} and what they paid, weighted by the amount applied (credit left out).",
            iso(collect_window_start(today)),
            iso(today)
        ),
    )];
    lines.push(TextLine::one(Look::Plain, ""));
    let amount_w = rows.iter().map(|r| crate::domain::text::width(&r.amount.display())).max().unwrap_or(6).max(6);
    let invoice_w = rows.iter().map(|r| crate::domain::text::width(&r.invoice)).max().unwrap_or(7).max(7);
    lines.push(TextLine::one(
        Look::Title,
        format!(
            "{}  {}  {}  {}  {}",
            pad("Paid", 10, false),
            pad("Invoice", invoice_w, false),
            pad("Issued", 10, false),
            pad("Amount", amount_w, true),
            pad("Days", 5, true),
        ),
    ));
    for r in rows {
        let reference = if r.reference.is_empty() { String::new() } else { format!("  {}", r.reference) };
        lines.push(TextLine(vec![(
            Look::Plain,
            format!(
                "{}  {}  {}  {}  {}{reference}",
                iso(r.received_on),
                pad(&r.invoice, invoice_w, false),
                iso(r.issue_date),
                pad(&r.amount.display(), amount_w, true),
                pad(&r.days.to_string(), 5, true),
            ),
        )]));
    }
    lines.push(TextLine::one(Look::Plain, ""));
    let applied: i64 = rows.iter().map(|r| r.amount.minor).sum();
    let summary = match (mean, rows.first()) {
        (Some(d), Some(first)) => format!(
            "{} application{} of {} in all: Σ(amount × days) ÷ Σ amount = {d} days",
            crate::domain::money::group_thousands(rows.len() as u64),
            if rows.len() == 1 { "" } else { "s" },
            crate::domain::Money::new(applied, first.amount.currency).display(),
        ),
        _ => "No payment was applied to an invoice in these 365 days.".into(),
    };
    lines.push(TextLine::one(Look::Name, summary));
    ReportDialog { title, lines, scroll: 0, on_yes: None }
}

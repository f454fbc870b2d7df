//! `L` on an invoice's detail: its memo and every line whole, in the
//! scrolling report dialog. The detail shows what fits beside the
//! applications ("first 3 shown" at 80×24); this is where the rest reads.
//! A credit note with lines opens the same way (`credit_note`).

use super::import_report::ReportDialog;
use super::scroll::{Look, TextLine};
use crate::domain::Money;
use crate::domain::detail::InvoiceDetail;
use crate::domain::lines::{self, LineKind};
use crate::domain::text::{pad, width};

pub fn dialog(d: &InvoiceDetail) -> ReportDialog {
    let inv = &d.invoice;
    let cur = inv.total.currency;
    let money = |m: i64| Money::new(m, cur).display();
    let n = d.lines.len();
    let title = format!("Invoice {} · {} line{}", inv.number, n, if n == 1 { "" } else { "s" });
    let mut out = Vec::new();
    if !inv.memo.trim().is_empty() {
        out.push(TextLine::one(Look::Name, "Memo"));
        out.extend(inv.memo.lines().map(|l| TextLine::one(Look::Plain, l.to_string())));
        out.push(TextLine::one(Look::Plain, ""));
    }
    if d.lines.is_empty() {
        out.push(TextLine::one(
            Look::Plain,
            format!("No lines: the invoice bills {} as one total.", inv.total.display()),
        ));
        return ReportDialog { title, lines: out, scroll: 0, on_yes: None };
    }
    out.extend(table(&d.lines, cur));
    out.push(TextLine::one(Look::Plain, ""));
    let sum = lines::sum(&d.lines);
    let shown = |v: i128| i64::try_from(v).map_or_else(|_| v.to_string(), money);
    out.push(TextLine::one(Look::Name, format!("Σ lines {} · total {}", shown(sum), inv.total.display())));
    if let Some(said) = crate::view::detail::mismatch_line(d) {
        out.push(TextLine::one(Look::Plain, said));
    }
    ReportDialog { title, lines: out, scroll: 0, on_yes: None }
}

/// Lines as a table: a title row, then each line numbered with its
/// quantity, unit price, amount (and tax, when any line has one) and
/// description, every text cleaned of line breaks.
pub fn table(rows: &[lines::Line], cur: crate::domain::Currency) -> Vec<TextLine> {
    let money = |m: i64| Money::new(m, cur).display();
    let mut out = Vec::new();
    let qty = |l: &lines::Line| l.quantity.map(|q| q.normalize().to_string()).unwrap_or_default();
    let price = |l: &lines::Line| l.unit_price.map(|p| crate::view::detail::unit_price(p, cur)).unwrap_or_default();
    let tax = |l: &lines::Line| l.tax_minor.map(money).unwrap_or_default();
    let w = |f: &dyn Fn(&lines::Line) -> String, title: &str| {
        rows.iter().map(|l| width(&f(l))).max().unwrap_or(0).max(width(title))
    };
    let (qw, pw, aw) = (w(&qty, "Qty"), w(&price, "Unit price"), w(&|l| money(l.amount_minor), "Amount"));
    let taxed = rows.iter().any(|l| l.tax_minor.is_some());
    let tw = w(&tax, "Tax");
    let numbers = |q: &str, p: &str, a: &str, t: &str| {
        let mut s = format!("{}  {}  {}", pad(q, qw, true), pad(p, pw, true), pad(a, aw, true));
        if taxed {
            s.push_str(&format!("  {}", pad(t, tw, true)));
        }
        s
    };
    out.push(TextLine::one(
        Look::Title,
        format!("  #  {}  Description", numbers("Qty", "Unit price", "Amount", "Tax")),
    ));
    for (i, l) in rows.iter().enumerate() {
        let desc = l.description.replace(['\n', '\r', '\t'], " ");
        let desc = match (l.kind, desc.trim().is_empty()) {
            (LineKind::Discount, true) => "Discount".to_string(),
            (_, true) => "—".to_string(),
            _ => desc,
        };
        let row = numbers(&qty(l), &price(l), &money(l.amount_minor), &tax(l));
        out.push(TextLine::one(Look::Plain, format!("{:>3}  {row}  {desc}", i + 1)));
    }
    out
}

/// A credit note with lines, opened from the Payments tab or an invoice's
/// detail: its row's fields, then its lines and their sum.
pub fn credit_note(
    title: String,
    fields: &[(&'static str, String)],
    rows: &[lines::Line],
    amount: Money,
) -> ReportDialog {
    let label = fields.iter().map(|f| width(f.0)).max().unwrap_or(0);
    let mut out: Vec<TextLine> =
        fields.iter().map(|(k, v)| TextLine::one(Look::Plain, format!("{}  {v}", pad(k, label, false)))).collect();
    out.push(TextLine::one(Look::Plain, ""));
    out.extend(table(rows, amount.currency));
    out.push(TextLine::one(Look::Plain, ""));
    let sum = i64::try_from(lines::sum(rows)).map_or_else(|_| "—".into(), |s| Money::new(s, amount.currency).display());
    out.push(TextLine::one(Look::Name, format!("Σ lines {sum} · credit note {}", amount.display())));
    ReportDialog { title, lines: out, scroll: 0, on_yes: None }
}

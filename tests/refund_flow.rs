//! The refund flow through the real keymap: `r` on the Payments tab opens
//! the form with what is refundable and today, bad input is refused next to
//! the field with nothing written, and a refund that takes money back from
//! invoices asks first, listing them.

mod support;

use ardesk::app::App;
use ardesk::domain::columns::{Seek, Sort, Tab};
use ardesk::domain::model::{InvoiceRow, PaymentRow};
use ardesk::domain::status::{InvoiceStatus, PaymentStatus};
use ardesk::store::{Books, OpenMode};
use ratatui::layout::Rect;
use support::backends::seed;
use support::fixture::{d, fill};
use support::keys::{press, render};

/// The fixture in `b`, and the app on its own connection to it.
fn app(b: &mut Books, w: u16, h: u16) -> App {
    seed(b, fill);
    let mine = Books::open(&b.location(), OpenMode::MustExist).unwrap();
    App::new(mine, d("2026-03-01"), Rect::new(0, 0, w, h)).unwrap()
}

fn wire(app: &App) -> PaymentRow {
    let rows = app.store().window::<PaymentRow>(1, Sort::default_for(Tab::Payments), &Seek::First, 10).unwrap();
    rows.into_iter().map(|k| k.row).find(|p| p.reference == "WIRE-7781").unwrap()
}

fn invoice(app: &App, number: &str) -> InvoiceRow {
    let rows = app.store().window::<InvoiceRow>(1, Sort::default_for(Tab::Invoices), &Seek::First, 50).unwrap();
    rows.into_iter().map(|k| k.row).find(|i| i.number == number).unwrap()
}

on_both! {
fn the_form_proposes_the_refundable_amount_and_closes_clean(b: &mut Books) {
    let mut app = app(b, 100, 40);
    press(&mut app, &["Enter", "3"]);
    assert!(render(&app, 100, 40).contains("r refund"), "the footer names the key");
    press(&mut app, &["r"]);
    let s = render(&app, 100, 40);
    assert!(s.contains("Refund WIRE-7781 ($14,000.00)"), "{s}");
    assert!(s.contains("14000.00") && s.contains("2026-03-01"), "{s}");
    assert!(s.contains("at most $14,000.00; taken back from the invoices it paid"), "{s}");
    press(&mut app, &["Esc"]);
    let s = render(&app, 100, 40);
    assert!(!s.contains("Refund WIRE-7781") && !s.contains("Discard changes?"), "nothing typed, nothing asked:\n{s}");
}
}

on_both! {
fn bad_input_is_refused_by_field_and_nothing_is_written(b: &mut Books) {
    let mut app = app(b, 100, 40);
    press(&mut app, &["Enter", "3", "r", "C-u", "type:14000.01", "Tab", "C-u", "type:2026-01-09", "C-s"]);
    let s = render(&app, 100, 40);
    assert!(s.contains("at most $14,000.00 can be refunded"), "{s}");
    assert!(s.contains("2026-01-09 is before the payment was received (2026-01-10)"), "{s}");
    assert!(s.contains("say why the money goes back"), "{s}");
    press(&mut app, &["C-u", "type:2026-03-02", "C-s"]);
    assert!(render(&app, 100, 40).contains("2026-03-02 is in the future"));
    let p = wire(&app);
    assert_eq!((p.refunded_minor, p.status), (0, PaymentStatus::Succeeded), "nothing written");
}
}

on_both! {
fn a_refund_that_reopens_invoices_asks_first_and_lists_them(b: &mut Books) {
    let mut app = app(b, 100, 40);
    press(&mut app, &["Enter", "3", "r", "C-u", "type:5,000", "Tab", "Tab", "type:duplicate wire", "C-s"]);
    let s = render(&app, 100, 40);
    insta::with_settings!({ prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("refund_flow__refund_confirm", s);
    });
    assert_eq!(wire(&app).refunded_minor, 0, "nothing written before yes");
    // No: back at the form, still as typed.
    press(&mut app, &["n"]);
    assert!(render(&app, 100, 40).contains("duplicate wire"));
    press(&mut app, &["C-s", "y"]);
    let s = render(&app, 100, 40);
    // Issue 14 defect 14: INV-000002 was never paid, so it owes more, not again.
    assert!(s.contains("Refunded $5,000.00; INV-000001 owes again; INV-000002 owes more"), "{s}");
    let p = wire(&app);
    assert_eq!((p.refunded_minor, p.applied_minor, p.status), (500_000, 900_000, PaymentStatus::Succeeded));
    assert_eq!(invoice(&app, "INV-000001").status, InvoiceStatus::Open, "paid → open");
    assert_eq!(invoice(&app, "INV-000002").applied_minor, 0);
    insta::with_settings!({ prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("refund_flow__refund_done_payments_tab", render(&app, 100, 40));
    });
    assert_eq!(app.store().check(d("2026-03-01")).unwrap(), Vec::<String>::new());
    // The Activity tab tells what happened.
    press(&mut app, &["6"]);
    let s = render(&app, 100, 40);
    assert!(s.contains("refunded $5,000.00 of payment WIRE-7781 on 2026-03-01"), "{s}");
}
}

on_both! {
fn a_refund_of_the_rest_needs_no_question_when_credit_covers_it(b: &mut Books) {
    let mut app = app(b, 100, 40);
    // Refund everything, then nothing is refundable any more.
    press(&mut app, &["Enter", "3", "r", "Tab", "Tab", "type:contract ended", "C-s", "y"]);
    let p = wire(&app);
    assert_eq!((p.refunded_minor, p.status), (1_400_000, PaymentStatus::Refunded));
    press(&mut app, &["r"]);
    let s = render(&app, 100, 40);
    assert!(s.contains("Nothing is left to refund: WIRE-7781 was refunded in full."), "{s}");
}
}

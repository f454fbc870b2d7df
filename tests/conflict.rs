//! "Changed elsewhere" under an open edit form (issue 14, defect 10): the
//! save is refused, but what the user typed stays, rebased onto the record
//! as it is now; the fields changed elsewhere say so; the next Ctrl-S
//! saves the user's edits over the new version. A record deleted
//! elsewhere keeps the form for copying and refuses to save.

mod support;

use ardesk::app::App;
use ardesk::domain::edit::{ContractDraft, CustomerEdit, RefundDraft};
use ardesk::domain::model::{ContactRow, PaymentRow};
use ardesk::store::{Books, OpenMode};
use ratatui::layout::Rect;
use support::backends::seed;
use support::fixture::{d, fill};
use support::keys::{press, render};

/// The app (80×24) on its own connection to `other`'s books, which are
/// the fixture's: `other` is the other ardesk.
fn app_beside(other: &mut Books) -> App {
    seed(other, fill);
    let mine = Books::open(&other.location(), OpenMode::MustExist).unwrap();
    App::new(mine, d("2026-03-01"), Rect::new(0, 0, 80, 24)).unwrap()
}

/// The form's box as drawn at 80 columns (it spans the width): from its
/// titled top border to its bottom one.
fn form_box(screen: &str) -> String {
    let lines: Vec<&str> = screen.lines().collect();
    let top = lines.iter().position(|l| l.starts_with("╭ ")).unwrap_or_else(|| panic!("no form:\n{screen}"));
    let bottom = top + lines[top..].iter().position(|l| l.starts_with('╰')).expect("its bottom border");
    lines[top..=bottom].join("\n")
}

/// The form's text read as prose: borders gone, lines joined, runs of
/// spaces one (a wrapped message reads whole).
fn prose(form: &str) -> String {
    let text: Vec<&str> = form.lines().map(|l| l.trim_matches(|c| c == '│' || c == ' ')).collect();
    text.join(" ").split_whitespace().collect::<Vec<_>>().join(" ")
}

on_both! {
fn a_conflict_keeps_the_typed_edits_over_the_fresh_row_and_marks_what_changed(other: &mut Books) {
    let mut app = app_beside(other);
    press(&mut app, &["Enter", "e"]);
    assert!(render(&app, 80, 24).contains("Edit Acme Corp"));

    // Elsewhere, while the form is open: the legal name and the billing
    // email change.
    let c = other.customer(1).unwrap();
    let theirs = CustomerEdit {
        name: c.name.clone(),
        legal_name: "Acme Holdings plc".into(),
        billing_email: "billing@acme.example".into(),
        billing_address: String::new(),
        currency: c.currency,
        invoices_paused: c.invoices_paused,
        portal: c.portal,
    };
    other.update_customer(1, c.version, &theirs).unwrap();

    // Here: the name, and the billing email too.
    press(&mut app, &["type: West", "Tab", "Tab", "C-u", "type:ap-team@acme.example", "C-s"]);
    let s = render(&app, 80, 24);
    let boxed = form_box(&s);
    let form = prose(&boxed);
    assert!(form.contains("Edit Acme Corp"), "the form stays:\n{s}");
    assert!(form.contains("Name") && form.contains("Acme Corp West"), "the typed name stays:\n{form}");
    assert!(form.contains("Acme Holdings plc"), "the untouched legal name takes the stored one:\n{form}");
    assert!(form.contains("changed elsewhere: was \"Acme Corporation Ltd.\""), "{form}");
    assert!(form.contains("ap-team@acme.example"), "the typed email stays:\n{form}");
    assert!(
        form.contains("changed elsewhere: was \"ap@acme.example\", now \"billing@acme.example\"; yours kept"),
        "{form}"
    );
    assert!(form.contains("your edits are kept") && form.contains("Ctrl-S saves them over the new version"), "{form}");
    // One snapshot for both backends: the same form, word for word.
    insta::with_settings!({ prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("conflict__customer_rebased_80x24", boxed);
    });
    assert_eq!(other.customer(1).unwrap().name, "Acme Corp", "nothing was saved");

    // The form now saves against the new version: both sides' changes land.
    press(&mut app, &["C-s"]);
    let s = render(&app, 80, 24);
    assert!(!s.contains("╭ Edit") && s.contains("Saved Acme Corp West"), "saved and closed:\n{s}");
    let now = other.customer(1).unwrap();
    assert_eq!(
        (now.name.as_str(), now.legal_name.as_str(), now.billing_email.as_str()),
        ("Acme Corp West", "Acme Holdings plc", "ap-team@acme.example")
    );
}
}

on_both! {
fn every_edit_form_with_a_version_takes_the_same_path_choices_included(other: &mut Books) {
    let mut app = app_beside(other);
    // Contracts tab, the contract's menu, "Edit".
    press(&mut app, &["Enter", "2", "Enter", "Enter"]);
    assert!(render(&app, 80, 24).contains("Edit contract"));

    let k = other.contract(1).unwrap();
    let draft = ContractDraft {
        name: k.name.clone(),
        kind: k.kind,
        status: k.status,
        period_start: k.period_start,
        period_end: k.period_end,
        value_minor: k.value.minor,
        currency: k.value.currency,
        payment_terms_days: 45,
        billing_frequency: k.billing_frequency,
    };
    other.update_contract(1, k.version, &draft).unwrap();

    // The name here; Type and Status are choices, Right changes Status.
    press(&mut app, &["type: 2027", "Tab", "Tab", "Right", "C-s"]);
    let form = prose(&form_box(&render(&app, 80, 24)));
    assert!(form.contains("Annual platform 2027"), "{form}");
    assert!(form.contains("Net 45") && form.contains("changed elsewhere: was \"Net 30\""), "{form}");
    assert!(form.contains("(1 field marked below)"), "{form}");

    press(&mut app, &["C-s"]);
    let now = other.contract(1).unwrap();
    assert_eq!((now.name.as_str(), now.payment_terms_days), ("Annual platform 2027", 45));
    assert_ne!(now.status, k.status, "the status chosen here was saved too");
}
}

on_both! {
fn a_record_deleted_elsewhere_keeps_the_form_to_copy_from_and_refuses_to_save(other: &mut Books) {
    let mut app = app_beside(other);
    press(&mut app, &["Enter", "4", "j", "Enter"]);
    assert!(render(&app, 80, 24).contains("Edit contact"));
    let sam = other.tab_row::<ContactRow>(2).unwrap().unwrap();
    assert_eq!(sam.name, "Sam Lee");
    other.delete_contact(sam.id, sam.version).unwrap();

    press(&mut app, &["type: Jr", "C-s"]);
    let form = prose(&form_box(&render(&app, 80, 24)));
    assert!(form.contains("Sam Lee Jr"), "what was typed stays:\n{form}");
    assert!(form.contains("This contact was deleted elsewhere.") && form.contains("still here to copy"), "{form}");

    press(&mut app, &["C-s"]);
    let form = prose(&form_box(&render(&app, 80, 24)));
    assert!(form.contains("This contact was deleted elsewhere. It cannot be saved; Esc closes the form."), "{form}");
    assert_eq!(other.tab_row::<ContactRow>(2).unwrap(), None, "nothing came back");

    // Esc asks, as for any typed form, then closes it.
    press(&mut app, &["Esc", "y"]);
    assert!(!render(&app, 80, 24).contains("Edit contact"));
}
}

on_both! {
/// The refund form proposes what is refundable: refunded in part
/// elsewhere, it proposes what is left, the reason typed kept.
fn a_refund_meets_its_conflict_before_the_preview_and_proposes_what_is_left(other: &mut Books) {
    let mut app = app_beside(other);
    press(&mut app, &["Enter", "3", "r"]);
    assert!(render(&app, 80, 24).contains("Refund WIRE-7781"));
    let p = other.tab_row::<PaymentRow>(1).unwrap().unwrap();
    let theirs = RefundDraft { refunded_on: d("2026-02-01"), amount_minor: 100_000, reason: "goodwill".into() };
    other.refund_payment(p.id, p.version, &theirs).unwrap();

    press(&mut app, &["Tab", "Tab", "type:duplicate charge", "C-s"]);
    let form = prose(&form_box(&render(&app, 80, 24)));
    assert!(form.contains("Amount 13000.00 changed elsewhere: was \"14000.00\""), "{form}");
    assert!(form.contains("Reason duplicate charge"), "{form}");
    assert!(form.contains("your edits are kept"), "{form}");

    // Saved over the new version: it takes money back from invoices, so
    // it asks first.
    press(&mut app, &["C-s", "y"]);
    let now = other.tab_row::<PaymentRow>(1).unwrap().unwrap();
    assert_eq!(now.refunded_minor, 1_400_000, "both refunds: {now:?}");
}
}

on_both! {
fn a_payment_refunded_in_full_elsewhere_leaves_nothing_to_save(other: &mut Books) {
    let mut app = app_beside(other);
    press(&mut app, &["Enter", "3", "r"]);
    let p = other.tab_row::<PaymentRow>(1).unwrap().unwrap();
    let all = RefundDraft { refunded_on: d("2026-02-01"), amount_minor: 1_400_000, reason: "cancelled".into() };
    other.refund_payment(p.id, p.version, &all).unwrap();

    press(&mut app, &["Tab", "Tab", "type:duplicate charge", "C-s"]);
    let form = prose(&form_box(&render(&app, 80, 24)));
    assert!(form.contains("Nothing is left to refund: WIRE-7781 was refunded in full."), "{form}");
    assert!(form.contains("Reason duplicate charge"), "{form}");
    press(&mut app, &["C-s"]);
    let form = prose(&form_box(&render(&app, 80, 24)));
    assert!(form.contains("It cannot be saved; Esc closes the form."), "{form}");
}
}

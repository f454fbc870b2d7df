//! The invoice and payment detail screens (issue 15, §2–§3): pushed over
//! the customer page by `Enter` on a row, and over each other by `Enter` on
//! an application, so `Esc` walks back the way the user came; the page
//! below keeps its row and scroll. The cursor moves in the applications;
//! the second list (history, refunds) is read, not chosen from.

use super::action::Action;
use super::effect::Effect;
use super::keymap::Context;
use super::table::Scroll;
use super::{App, Screen};
use crate::domain::collections::ConversationDetail;
use crate::domain::detail::{InvoiceDetail, PaymentDetail, Source};
use crate::domain::model::{Customer, InvoiceRow, PaymentRow};
use crate::domain::status::{InvoiceStatus, PayKind};
use crate::store::{Books, Result};
use crate::view::detail::{self as view, DetailLayout};
use chrono::NaiveDate;
use ratatui::layout::Rect;

pub enum Detail {
    Invoice(InvoiceDetail),
    Payment(PaymentDetail),
    /// A conversation's thread: the cursor on the invoices it concerns.
    Conversation(ConversationDetail),
}

/// What `Enter` on the highlighted application opens.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Invoice(i64),
    Payment(i64),
    /// Credit has no detail of its own: its Payments row, whole.
    Credit(i64),
}

pub struct DetailScreen {
    /// Whose it is: the header names the customer.
    pub customer: Customer,
    pub detail: Detail,
    /// Selection and scroll over the applications.
    pub scroll: Scroll,
}

/// The highlighted application as `u` names it.
pub struct UnapplyTarget {
    customer_id: i64,
    application_id: i64,
    amount: crate::domain::Money,
    /// The invoice's number.
    number: String,
    /// What the money came from: "payment WIRE-7001", "credit (goodwill)".
    from: String,
}

impl DetailScreen {
    /// The highlighted application, for `u`.
    fn unapply_target(&self) -> Option<UnapplyTarget> {
        let i = self.scroll.selected;

        match &self.detail {
            Detail::Invoice(d) => d.applications.get(i).map(|a| UnapplyTarget {
                customer_id: d.customer_id,
                application_id: a.id,
                amount: a.amount,
                number: d.invoice.number.clone(),
                from: match &a.from {
                    Source::Payment { reference, .. } if !reference.trim().is_empty() => format!("payment {reference}"),
                    Source::Payment { .. } => "the payment".into(),
                    Source::Credit { kind: PayKind::CreditNote, number, .. } => format!("credit note {number}"),
                    Source::Credit { kind: PayKind::Adjustment, .. } => "the small-balance write-off".into(),
                    Source::Credit { reason, .. } if !reason.trim().is_empty() => format!("the credit ({reason})"),
                    Source::Credit { .. } => "the credit".into(),
                },
            }),
            Detail::Payment(d) => d.applications.get(i).map(|a| UnapplyTarget {
                customer_id: d.customer_id,
                application_id: a.id,
                amount: a.amount,
                number: a.invoice.number.clone(),
                from: if d.payment.reference.trim().is_empty() {
                    "the payment".into()
                } else {
                    format!("payment {}", d.payment.reference)
                },
            }),
            Detail::Conversation(_) => None,
        }
    }

    fn invoice(store: &Books, customer: Customer, id: i64) -> Result<Self> {
        let d = store.invoice_detail(customer.id, id)?;
        Ok(Self::new(customer, Detail::Invoice(d)))
    }

    fn payment(store: &Books, customer: Customer, id: i64) -> Result<Self> {
        let d = store.payment_detail(customer.id, id)?;
        Ok(Self::new(customer, Detail::Payment(d)))
    }

    pub(super) fn new(customer: Customer, detail: Detail) -> Self {
        let mut s = DetailScreen { customer, detail, scroll: Scroll::default() };
        s.scroll.set_total(s.rows());
        s
    }

    /// Reads the record again after a change, keeping the cursor's place.
    pub fn reload(&mut self, store: &Books) -> Result<()> {
        self.customer = store.customer(self.customer.id)?;
        self.detail = match &self.detail {
            Detail::Invoice(d) => Detail::Invoice(store.invoice_detail(d.customer_id, d.invoice.id)?),
            Detail::Payment(d) => Detail::Payment(store.payment_detail(d.customer_id, d.payment.id)?),
            Detail::Conversation(d) => {
                Detail::Conversation(store.conversation_detail(d.customer_id, d.conversation.id)?)
            }
        };
        self.scroll.set_total(self.rows());
        Ok(())
    }

    /// When the highlighted application was reversed, if it was.
    fn reversed_on(&self) -> Option<chrono::NaiveDate> {
        let i = self.scroll.selected;
        match &self.detail {
            Detail::Invoice(d) => d.applications.get(i).and_then(|a| a.removed_on),
            Detail::Payment(d) => d.applications.get(i).and_then(|a| a.removed_on),
            Detail::Conversation(_) => None,
        }
    }

    /// Rows the cursor moves over: the applications.
    pub fn rows(&self) -> usize {
        match &self.detail {
            Detail::Invoice(d) => d.applications.len(),
            Detail::Payment(d) => d.applications.len(),
            Detail::Conversation(d) => d.invoices.len(),
        }
    }

    /// Rows of the second list: the invoice's history, the refunds, the
    /// lines of a thread's transcript at `width`.
    pub fn more_rows(&self, width: u16) -> usize {
        match &self.detail {
            Detail::Invoice(d) => d.history.len(),
            Detail::Payment(d) => d.refunds.len(),
            // A heading is one line in every date style.
            Detail::Conversation(d) => {
                crate::view::thread::transcript(&d.messages, usize::from(width), Default::default()).len()
            }
        }
    }

    pub fn context(&self) -> Context {
        match self.detail {
            Detail::Invoice(_) => Context::InvoiceDetail,
            Detail::Payment(_) => Context::PaymentDetail,
            Detail::Conversation(_) => Context::ConversationDetail,
        }
    }

    pub fn facts(&self, today: NaiveDate, dates: crate::domain::date::DateStyle) -> view::Facts {
        match &self.detail {
            Detail::Invoice(d) => view::invoice_facts(d, today, dates),
            Detail::Payment(d) => view::payment_facts(d, dates),
            Detail::Conversation(d) => crate::view::thread::facts(d, today, dates),
        }
    }

    /// An invoice's memo and lines, between its facts and its applications.
    pub fn extra(&self, area: Rect) -> view::Extra {
        match &self.detail {
            Detail::Invoice(d) => view::invoice_extra(d, area),
            Detail::Payment(_) | Detail::Conversation(_) => view::Extra::default(),
        }
    }

    pub fn layout(&self, area: Rect, today: NaiveDate) -> DetailLayout {
        // Every date style writes ten characters: the facts take the same
        // rows whatever the configuration says.
        let facts = self.facts(today, crate::domain::date::DateStyle::Iso).height(area.width);
        view::layout(area, facts, self.extra(area), self.rows(), self.more_rows(area.width))
    }

    fn target(&self) -> Option<Target> {
        let i = self.scroll.selected;
        match &self.detail {
            Detail::Invoice(d) => d.applications.get(i).map(|a| match &a.from {
                Source::Payment { id, .. } => Target::Payment(*id),
                Source::Credit { id, .. } => Target::Credit(*id),
            }),
            Detail::Payment(d) => d.applications.get(i).map(|a| Target::Invoice(a.invoice.id)),
            Detail::Conversation(d) => d.invoices.get(i).map(|a| Target::Invoice(a.id)),
        }
    }
}

impl App {
    fn detail(&self) -> Option<&DetailScreen> {
        match self.screens.last() {
            Some(Screen::Detail(d)) => Some(d),
            _ => None,
        }
    }

    fn detail_mut(&mut self) -> Option<&mut DetailScreen> {
        match self.screens.last_mut() {
            Some(Screen::Detail(d)) => Some(d),
            _ => None,
        }
    }

    /// `Enter` on the Invoices or Payments tab: the highlighted row's detail.
    pub(super) fn open_row_detail(&mut self) {
        let Some(p) = self.page() else { return };
        let customer = p.customer.clone();
        let opened = match p.tab {
            crate::domain::columns::Tab::Invoices => {
                p.selected::<InvoiceRow>().map(|r| r.id).map(|id| DetailScreen::invoice(&self.store, customer, id))
            }
            crate::domain::columns::Tab::Payments => match p.selected::<PaymentRow>() {
                Some(r) => match r.payment_id() {
                    Some(id) => Some(DetailScreen::payment(&self.store, customer, id)),
                    // A credit has no detail of its own: its row, whole,
                    // with a credit note's lines.
                    None => {
                        let r = r.clone();
                        return self.open_credit_view(&r);
                    }
                },
                None => None,
            },
            crate::domain::columns::Tab::Conversations => p
                .selected::<crate::domain::collections::ConversationRow>()
                .map(|r| DetailScreen::conversation(&self.store, customer, r.id)),
            _ => None,
        };
        self.push_detail(opened);
    }

    fn push_detail(&mut self, opened: Option<Result<DetailScreen>>) {
        match opened {
            Some(Ok(d)) => {
                self.screens.push(Screen::Detail(Box::new(d)));
                self.resize(self.size);
            }
            Some(Err(e)) => self.error("Cannot open the detail", &e.to_string()),
            None => {}
        }
    }

    pub(super) fn detail_action(&mut self, action: Action) {
        if self.refuse_read_only(action) {
            return;
        }
        let Some(d) = self.detail() else { return };
        match action {
            Action::Open => {
                let customer = d.customer.clone();
                let opened = match d.target() {
                    Some(Target::Payment(id)) => Some(DetailScreen::payment(&self.store, customer, id)),
                    Some(Target::Invoice(id)) => Some(DetailScreen::invoice(&self.store, customer, id)),
                    Some(Target::Credit(id)) => {
                        match self.store.credit_row(customer.id, id) {
                            Ok(Some(row)) => self.open_credit_view(&row),
                            Ok(None) => self.error("Cannot open the credit", "It is gone (deleted elsewhere?)"),
                            Err(e) => self.error("Cannot open the credit", &e.to_string()),
                        }
                        None
                    }
                    None => None,
                };
                self.push_detail(opened);
            }
            Action::CancelSelected => {
                if let Detail::Invoice(i) = &d.detail {
                    let (customer_id, id) = (i.customer_id, i.invoice.id);
                    self.ask_cancel(customer_id, vec![id]);
                }
            }
            Action::EditInvoice => {
                if let Detail::Invoice(i) = &d.detail {
                    let (customer, i) = (d.customer.clone(), i.clone());
                    self.edit_invoice(&customer, &i);
                }
            }
            Action::WriteOff => {
                if let Detail::Invoice(i) = &d.detail {
                    let i = i.clone();
                    self.write_off_detail(&i);
                }
            }
            Action::CreditNote => {
                if let Detail::Invoice(i) = &d.detail {
                    let i = i.clone();
                    self.credit_note_detail(&i);
                }
            }
            Action::VoidCredit => {
                if let Detail::Invoice(i) = &d.detail {
                    let customer_id = i.customer_id;
                    let credit = i.applications.get(d.scroll.selected).map(|a| match a.from {
                        Source::Credit { id, .. } => Some(id),
                        Source::Payment { .. } => None,
                    });
                    match credit {
                        Some(credit) => self.void_from_detail(customer_id, credit),
                        None => self.say("Nothing is applied here to void"),
                    }
                }
            }
            Action::SmallBalance => {
                if let Detail::Invoice(i) = &d.detail {
                    let i = i.clone();
                    self.small_balance_detail(&i);
                }
            }
            Action::Unapply => {
                if let Some(on) = d.reversed_on() {
                    return self.say(format!("This application was reversed on {on}: nothing to unapply"));
                }
                let d = d.unapply_target();
                self.ask_unapply(d);
            }
            Action::ShowLines => {
                if let Detail::Invoice(i) = &d.detail {
                    let report = super::invoice_lines::dialog(i);
                    self.dialogs.push(super::dialog::Dialog::Report(report));
                }
            }
            Action::ShowSourceRow => {
                if let Detail::Invoice(i) = &d.detail {
                    match self.store.invoice_source_row(i.invoice.id) {
                        Ok(Some(row)) => {
                            let report = super::source_row::dialog(&row);
                            self.dialogs.push(super::dialog::Dialog::Report(report));
                        }
                        Ok(None) => self.say("Made in ardesk: no source row"),
                        Err(e) => self.say(format!("Cannot read the source row: {e}")),
                    }
                }
            }
            Action::IssueInvoice => {
                if let Detail::Invoice(i) = &d.detail {
                    let i = i.clone();
                    self.ask_issue(&i);
                }
            }
            Action::RefundPayment => {
                if let Detail::Payment(p) = &d.detail {
                    let payment = p.payment.clone();
                    self.open_refund_of(&payment);
                }
            }
            Action::ApplyRemainder => {
                if let Detail::Payment(p) = &d.detail {
                    let (customer_id, payment) = (d.customer.id, p.payment.clone());
                    self.open_apply_of(customer_id, &payment);
                }
            }
            Action::LogMessage => self.log_on_thread(),
            Action::ResolveConversation => self.resolve_thread(),
            Action::ViewRow => self.whole_thread(),
            Action::PauseCollections => {
                if let Some((customer_id, id)) = self.detail_invoice() {
                    self.open_pause(customer_id, &[id]);
                }
            }
            Action::ResumeCollections => {
                if let Some((customer_id, id)) = self.detail_invoice() {
                    self.resume(customer_id, &[id]);
                }
            }
            _ => {
                if let Some(d) = self.detail_mut() {
                    super::dispatch::move_scroll(&mut d.scroll, action);
                }
            }
        }
    }

    /// `e` on an invoice's detail: a draft's every field, or an issued
    /// invoice's memo (what the customer was sent stays as sent).
    fn edit_invoice(&mut self, customer: &Customer, i: &InvoiceDetail) {
        if i.invoice.status != InvoiceStatus::Draft {
            return self.open_form(super::forms::invoice_memo::open(i));
        }
        let today = self.today;
        match self.store.contracts_for(customer.id) {
            Ok(all) => {
                let contracts = all
                    .into_iter()
                    .filter(|k| k.shown_status(today).takes_invoices() || Some(k.id) == i.contract_id)
                    .collect();
                self.open_form(super::forms::invoice::edit_draft(customer, contracts, i));
            }
            Err(e) => self.error("Cannot edit the invoice", &e.to_string()),
        }
    }

    /// `I` on a draft's detail: asks before the draft becomes open (what is
    /// issued is what the customer is sent, and keeps its fields).
    fn ask_issue(&mut self, i: &InvoiceDetail) {
        let inv = &i.invoice;
        if inv.status != InvoiceStatus::Draft {
            let status = inv.status.label().to_lowercase();
            return self.say(format!("Invoice {} is {status}: only a draft is issued", inv.number));
        }
        let mut lines = vec![format!(
            "It becomes open for {}, due {}; its fields are then kept as sent (its memo can still change).",
            inv.total.display(),
            inv.due_date
        )];
        if inv.due_date < self.today {
            lines.push(format!("Its due date {} has passed: it will be overdue at once.", inv.due_date));
        }
        let effect = Effect::IssueInvoice {
            customer_id: i.customer_id,
            invoice_id: inv.id,
            version: i.version,
            number: inv.number.clone(),
        };
        self.confirm(format!("Issue invoice {}?", inv.number), lines, effect);
    }

    /// `u` on a detail: asks before the highlighted application stops
    /// counting today, saying what owes again and where the money goes.
    fn ask_unapply(&mut self, target: Option<UnapplyTarget>) {
        let Some(t) = target else {
            return self.say("Nothing is applied here to unapply");
        };
        let title = format!("Unapply {} of {} from {}?", t.amount.display(), t.from, t.number);
        let lines = vec![
            format!(
                "{} owes {} more; the money goes back to {}, unapplied until it is applied again or refunded.",
                t.number,
                t.amount.display(),
                t.from
            ),
            format!("The application stays in the records, marked removed on {}.", self.today),
        ];
        let effect = Effect::Unapply { customer_id: t.customer_id, application_id: t.application_id, on: self.today };
        self.confirm(title, lines, effect);
    }

    /// Sets the list's height for the screen's size.
    pub(super) fn resize_detail(&mut self) {
        let (size, today) = (self.size, self.today);
        if let Some(d) = self.detail_mut() {
            let rows = view::list_rows(&d.layout(size, today));
            d.scroll.set_height(rows);
        }
    }
}

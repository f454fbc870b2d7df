//! Collections on the page (issue 18): a conversation's thread opened over
//! the page, logging a call, an email or a note (with a promise to pay),
//! resolving or reopening a conversation, and pausing or resuming an
//! invoice's collections. The forms are `forms::log` and `forms::pause`;
//! the thread is a `Detail` like an invoice's.

use super::detail::{Detail, DetailScreen};
use super::dialog::Dialog;
use super::effect::Effect;
use super::import_report::ReportDialog;
use super::scroll::{Look, TextLine};
use super::{App, Screen, forms};
use crate::domain::collections::{ConvStatus, ConversationDetail, ConversationRow};
use crate::domain::model::{Customer, InvoiceRow};
use crate::store::{Books, Result};

/// The most invoices one pause or resume takes (their numbers are listed).
const MOST_AT_ONCE: usize = 1_000;

impl DetailScreen {
    pub(super) fn conversation(store: &Books, customer: Customer, id: i64) -> Result<Self> {
        let d = store.conversation_detail(customer.id, id)?;
        Ok(Self::new(customer, Detail::Conversation(d)))
    }
}

impl App {
    /// The thread shown, if a thread is on top.
    fn thread(&self) -> Option<&ConversationDetail> {
        match self.screens.last() {
            Some(Screen::Detail(d)) => match &d.detail {
                Detail::Conversation(c) => Some(c),
                _ => None,
            },
            _ => None,
        }
    }

    /// `L` on the Conversations tab: log on the highlighted conversation
    /// (on a new one when there is none).
    pub(super) fn log_on_selected(&mut self) {
        let Some(p) = self.page() else { return };
        let c = p.selected::<ConversationRow>().cloned();
        let (id, currency) = (p.customer.id, p.customer.currency);
        let invoices = c.as_ref().map(|c| c.invoices.clone()).unwrap_or_default();
        self.open_form(forms::log::open(id, currency, c.as_ref(), &invoices, self.today));
    }

    /// `n` on the Conversations tab: log on a new conversation, about the
    /// invoices ticked on the Invoices tab if any.
    pub(super) fn new_conversation(&mut self) {
        let Some(p) = self.page() else { return };
        let (id, currency) = (p.customer.id, p.customer.currency);
        let picked: Vec<i64> = p.selection.keys().copied().take(MOST_AT_ONCE).collect();
        let numbers = self.numbers(&picked).join(", ");
        self.open_form(forms::log::open(id, currency, None, &numbers, self.today));
    }

    /// `L` on a thread: log on it.
    pub(super) fn log_on_thread(&mut self) {
        let Some(d) = self.thread() else { return };
        let (customer_id, c) = (d.customer_id, d.conversation.clone());
        let Some(Screen::Detail(s)) = self.screens.last() else { return };
        let currency = s.customer.currency;
        let invoices = c.invoices.clone();
        self.open_form(forms::log::open(customer_id, currency, Some(&c), &invoices, self.today));
    }

    /// `R`: resolve an open or waiting conversation (by the user), or reopen
    /// a resolved one — asked first, saying what the card will count.
    pub(super) fn resolve_or_reopen(&mut self, c: Option<ConversationRow>) {
        let Some(c) = c else { return self.say("No conversation here") };
        let (status, title, line) = match c.status {
            ConvStatus::Resolved => (
                ConvStatus::Open,
                format!("Reopen “{}”?", c.subject),
                match c.resolved_by {
                    Some(crate::domain::collections::ResolvedBy::Agent) => {
                        "The agent resolved it: Auto-Resolved counts one conversation fewer.".to_string()
                    }
                    _ => "It becomes open again.".to_string(),
                },
            ),
            _ => (
                ConvStatus::Resolved,
                format!("Resolve “{}”?", c.subject),
                format!(
                    "Resolved by you ({}) today, {}: Auto-Resolved counts only what the agent resolves.",
                    self.store.who(),
                    self.today
                ),
            ),
        };
        let effect = Effect::SetConversationStatus {
            id: c.id,
            version: c.version,
            status,
            subject: c.subject,
            today: self.today,
        };
        self.confirm(title, vec![line], effect);
    }

    /// `R` on the Conversations tab.
    pub(super) fn resolve_selected(&mut self) {
        let c = self.page().and_then(|p| p.selected::<ConversationRow>().cloned());
        self.resolve_or_reopen(c);
    }

    /// `R` on a thread.
    pub(super) fn resolve_thread(&mut self) {
        let c = self.thread().map(|d| d.conversation.clone());
        self.resolve_or_reopen(c);
    }

    /// `v` on a thread: every message whole, in a scrolling dialog.
    pub(super) fn whole_thread(&mut self) {
        let Some(d) = self.thread() else { return };
        let width = usize::from(self.size.width.clamp(40, 110).saturating_sub(4));
        let mut lines = vec![
            TextLine::one(Look::Name, crate::domain::text::clean(&crate::view::thread::status_line(d, self.dates))),
            TextLine::one(Look::Plain, ""),
        ];
        lines.extend(
            crate::view::thread::transcript(&d.messages, width, self.dates)
                .into_iter()
                .map(|l| TextLine::one(if l.heading { Look::Title } else { Look::Plain }, l.text)),
        );
        if d.messages.is_empty() {
            lines.push(TextLine::one(Look::Plain, "No messages yet: L logs a call, an email or a note."));
        }
        let title = format!("Thread: {}", d.conversation.subject);
        self.dialogs.push(Dialog::Report(ReportDialog { title, lines, scroll: 0, on_yes: None }));
    }

    /// The numbers of `ids`, in order (those gone left out).
    fn numbers(&self, ids: &[i64]) -> Vec<String> {
        ids.iter().filter_map(|id| self.store.tab_row::<InvoiceRow>(*id).ok().flatten()).map(|r| r.number).collect()
    }

    /// `p`: the pause form for `ids` of `customer_id`.
    pub(super) fn open_pause(&mut self, customer_id: i64, ids: &[i64]) {
        if ids.is_empty() {
            return self.say("No invoice here to pause");
        }
        if ids.len() > MOST_AT_ONCE {
            return self.error(
                "Too many invoices",
                &format!("Pause at most {MOST_AT_ONCE} invoices at once ({} are selected).", ids.len()),
            );
        }
        let picked: Vec<(i64, String)> = ids.iter().copied().zip(self.numbers(ids)).collect();
        self.open_form(forms::pause::open(customer_id, &picked, self.today));
    }

    /// `P`: ends the pauses of `ids` today, at once — one key, as a pause
    /// is undone by pausing again (`p`).
    pub(super) fn resume(&mut self, customer_id: i64, ids: &[i64]) {
        let today = self.today;
        let paused: Vec<(i64, String)> = ids
            .iter()
            .take(MOST_AT_ONCE + 1)
            .filter_map(|id| self.store.tab_row::<InvoiceRow>(*id).ok().flatten())
            .filter(|r| r.paused(today))
            .map(|r| (r.id, r.number))
            .collect();
        if paused.is_empty() {
            return self.say("Not paused: nothing to resume");
        }
        if paused.len() > MOST_AT_ONCE {
            return self.error("Too many invoices", &format!("Resume at most {MOST_AT_ONCE} invoices at once."));
        }
        let (ids, numbers): (Vec<i64>, Vec<String>) = paused.into_iter().unzip();
        self.run_effect(Effect::ResumeInvoices { customer_id, ids, numbers, today });
    }

    /// The invoice a detail is on: the invoice itself, or a thread's
    /// highlighted invoice.
    pub(super) fn detail_invoice(&self) -> Option<(i64, i64)> {
        let Some(Screen::Detail(d)) = self.screens.last() else { return None };
        match &d.detail {
            Detail::Invoice(i) => Some((i.customer_id, i.invoice.id)),
            Detail::Conversation(c) => c.invoices.get(d.scroll.selected).map(|i| (c.customer_id, i.id)),
            Detail::Payment(_) => None,
        }
    }
}

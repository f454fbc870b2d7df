//! What the customer page's keys do: open forms, menus and confirmations.

use super::dialog::{Confirm, Dialog, FormDialog, Menu, MenuItem, OnYes};
use super::effect::Effect;
use super::forms;
use super::{App, Screen};
use crate::app::action::Action;
use crate::domain::Money;
use crate::domain::columns::Tab;
use crate::domain::model::{ContactRow, ContractRow, DocumentRow, InvoiceRow, PaymentRow};
use std::collections::BTreeMap;

impl App {
    fn page_mut(&mut self) -> Option<&mut super::customer::CustomerPage> {
        match self.screens.last_mut() {
            Some(Screen::Customer(p)) => Some(p),
            _ => None,
        }
    }

    pub(super) fn open_form(&mut self, form: FormDialog) {
        self.dialogs.push(Dialog::Form(Box::new(form)));
    }

    /// Refuses an action that writes while the database is open read-only,
    /// saying why, before any form opens; true when it refused.
    pub(super) fn refuse_read_only(&mut self, action: Action) -> bool {
        let Some(why) = self.store.read_only().filter(|_| action.writes()) else { return false };
        if let Some(d) = self.store.as_of() {
            let text = format!(
                "The page shows the books as of {d}: nothing can be changed while it does, so nothing meant for \
                 today is booked into the past by mistake. Press t and leave the date empty to return to today."
            );
            self.error(&format!("As of {d}"), &text);
            return true;
        }
        let text =
            format!("The database is open read-only: {why}. Viewing, filtering, downloading and exporting still work.");
        self.error("Read-only", &text);
        true
    }

    pub(super) fn page_action(&mut self, action: Action, ch: Option<char>) {
        if self.refuse_read_only(action) {
            return;
        }
        let Some(p) = self.page() else { return };
        let customer = p.customer.clone();
        let today = self.today;
        // The tables span the screen's width.
        let width = self.size.width;
        match action {
            Action::AsOf => self.open_as_of(),
            Action::Statement => self.open_statement(),
            Action::NextTab | Action::PrevTab | Action::GoTab => {
                if let Some(p) = self.page_mut() {
                    p.tab = match (action, ch.and_then(|c| c.to_digit(10))) {
                        (Action::NextTab, _) => p.tab.next(),
                        (Action::PrevTab, _) => p.tab.prev(),
                        (_, Some(n)) => Tab::ALL[(n as usize).clamp(1, Tab::ALL.len()) - 1],
                        _ => p.tab,
                    };
                }
            }
            Action::Filter => {
                if let Some(p) = self.page_mut() {
                    let current = p.state(p.tab).filter.source.clone();
                    let mut input = ratatui_textarea::TextArea::new(vec![current]);
                    input.move_cursor(ratatui_textarea::CursorMove::End);
                    p.filter_input = Some(input);
                    p.filter_error = None;
                }
            }
            Action::SortNext | Action::SortPrev | Action::SortReverse => {
                if let Some(p) = self.page_mut() {
                    let cols = crate::domain::columns::Col::for_tab(p.tab);
                    let tab = p.tab;
                    let sort = p.state(tab).sort;
                    let i = cols.iter().position(|c| *c == sort.col).unwrap_or(0);
                    match action {
                        Action::SortReverse => {
                            p.state_mut(tab).sort.desc = !sort.desc;
                            p.table_mut(tab).resort();
                        }
                        Action::SortNext => p.sort_by(cols[(i + 1) % cols.len()], width),
                        _ => p.sort_by(cols[(i + cols.len() - 1) % cols.len()], width),
                    }
                }
            }
            Action::Figures => {
                if let Some(p) = self.page_mut() {
                    p.figures_focus = Some(0);
                }
            }
            Action::ViewRow => self.open_row_view(),
            Action::PanLeft | Action::PanRight => {
                if let Some(p) = self.page_mut() {
                    let tab = p.tab;
                    let state = p.state_mut(tab);
                    state.pan = crate::per_tab!(tab, |R| super::dispatch::pan(
                        <R as crate::domain::tabs::Tabular>::COLUMNS,
                        width,
                        state.pan,
                        action
                    ));
                }
            }
            Action::OpenLink => {
                let label = customer.import_source.map_or("View".to_string(), |s| format!("View in {}", s.label()));
                match crate::domain::links::customer_link(&customer, &self.org) {
                    Some(url) if safe_url(&url) => {
                        self.osc_link = Some(url.clone());
                        self.dialogs.push(Dialog::Link { label, url });
                    }
                    Some(_) => {
                        self.error(
                            "No usable link",
                            "The stored link is not a plain https:// address, so it is not shown.",
                        );
                    }
                    None => self.error("No link", &crate::domain::links::missing_link_reason(&customer)),
                }
            }
            Action::Export => {
                let (tab, id) = (p.tab, customer.id);
                let Some(page) = self.page_mut() else { return };
                let view = page.state(tab).view(today);
                let slug: String = customer
                    .name
                    .chars()
                    .map(|c| if c.is_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
                    .collect::<String>()
                    .split('-')
                    .filter(|w| !w.is_empty())
                    .collect::<Vec<_>>()
                    .join("-");
                let cwd = std::env::current_dir().unwrap_or_default();
                let file = cwd.join(format!("{slug}-{}-{today}.csv", tab.title().to_lowercase()));
                self.open_form(forms::export::open(id, tab, view, &file.display().to_string()));
            }
            Action::EditCustomer => {
                let f = &p.figures;
                let locked = f.metrics.total_billed.minor != 0
                    || f.metrics.total_collected.minor != 0
                    || f.counts[Tab::Payments.index()] > 0
                    || !f.others.is_empty();
                self.open_form(forms::customer::edit(&customer, locked));
            }
            Action::NewInvoice => self.new_invoice(None),
            Action::NewContract => self.open_form(forms::contract::new(customer.id, customer.currency, today)),
            Action::ToggleSelect => {
                if let Some(p) = self.page_mut()
                    && let Some(inv) = p.selected::<InvoiceRow>().cloned()
                {
                    if p.selection.remove(&inv.id).is_none() {
                        p.selection.insert(inv.id, inv.total);
                    }
                    p.state_mut(Tab::Invoices).scroll.move_by(1);
                }
            }
            Action::Open => self.open_row_detail(),
            Action::SelectAll => self.select_all(),
            Action::CancelSelected => self.confirm_cancel(),
            Action::WriteOff => self.open_write_off(),
            Action::SmallBalance => self.open_small_balance(),
            Action::CreditNote => self.open_credit_note(),
            Action::VoidCredit => self.open_void(),
            Action::ContractMenu => {
                if let Some(k) = p.selected::<ContractRow>() {
                    let id = k.id;
                    let mut items = vec![("Edit".to_string(), MenuItem::EditContract(id))];
                    // A cancelled or ended contract takes no new invoices.
                    if k.shown_status(today).takes_invoices() {
                        items.push(("Create invoice from this contract".into(), MenuItem::InvoiceFromContract(id)));
                        items.push(("End (set the end date)".into(), MenuItem::EndContract(id)));
                        items.push(("Cancel".into(), MenuItem::CancelContract(id)));
                    }
                    items.push(("Delete".into(), MenuItem::DeleteContract(id)));
                    self.dialogs.push(Dialog::Menu(Menu { title: k.name.clone(), items, selected: 0 }));
                }
            }
            Action::RecordPayment => match self.store.open_invoices(customer.id, customer.currency, 500) {
                Ok(open) => self.open_form(forms::payment::open(&customer, &open, today)),
                Err(e) => self.error("Cannot record a payment", &e.to_string()),
            },
            Action::RefundPayment => self.open_refund(),
            Action::ApplyRemainder => self.open_apply(),
            Action::GrantCredit => self.open_grant_credit(),
            Action::NewContact => self.open_form(forms::contact::new(customer.id)),
            Action::LogMessage => self.log_on_selected(),
            Action::NewConversation => self.new_conversation(),
            Action::ResolveConversation => self.resolve_selected(),
            Action::PauseCollections => {
                if let Some((customer_id, ids)) = self.picked_invoices() {
                    self.open_pause(customer_id, &ids);
                }
            }
            Action::ResumeCollections => {
                if let Some((customer_id, ids)) = self.picked_invoices() {
                    self.resume(customer_id, &ids);
                }
            }
            Action::EditContact => {
                if let Some(c) = p.selected::<ContactRow>().cloned() {
                    self.open_form(forms::contact::edit(&c));
                }
            }
            Action::MakePrimary => {
                if let Some(c) = p.selected::<ContactRow>().filter(|c| !c.primary) {
                    let effect = Effect::MakePrimary { customer_id: customer.id, contact_id: c.id };
                    self.run_effect(effect);
                }
            }
            Action::DeleteContact => {
                if let Some(c) = p.selected::<ContactRow>() {
                    if c.primary && p.count(Tab::Contacts) > 1 {
                        let text =
                            format!("{} is the primary contact. Make another contact primary first (P).", c.name);
                        self.error("Cannot delete the primary contact", &text);
                        return;
                    }
                    let lines = vec![format!("{} <{}> will be removed.", c.name, c.email)];
                    let effect = Effect::DeleteContact { id: c.id, version: c.version };
                    self.confirm(format!("Delete contact {}?", c.name), lines, effect);
                }
            }
            Action::Upload => {
                match self.store.contracts_for(customer.id).and_then(|k| Ok((k, self.store.max_document_size()?))) {
                    Ok((contracts, limit)) => self.open_form(forms::upload::open(customer.id, contracts, limit)),
                    Err(e) => self.error("Cannot upload", &e.to_string()),
                }
            }
            Action::Download => {
                if let Some(d) = p.selected::<DocumentRow>() {
                    let cwd = std::env::current_dir().map(|c| c.display().to_string()).unwrap_or_else(|_| ".".into());
                    self.open_form(forms::download::open(d.id, &d.name, &cwd));
                }
            }
            Action::DeleteDocument => {
                if let Some(d) = p.selected::<DocumentRow>() {
                    let (id, name) = (d.id, d.name.clone());
                    match self.store.document_version(id) {
                        Ok(version) => self.confirm(
                            format!("Delete document {name}?"),
                            vec!["The file stored in ardesk is removed for good.".into()],
                            Effect::DeleteDocument { id, version },
                        ),
                        Err(e) => self.error("Cannot delete", &e.to_string()),
                    }
                }
            }
            _ => self.tab_move(action),
        }
    }

    pub(super) fn confirm(&mut self, title: String, lines: Vec<String>, effect: Effect) {
        self.dialogs.push(Dialog::Confirm(Confirm { title, lines, on_yes: OnYes::Run(effect) }));
    }

    fn new_invoice(&mut self, contract_id: Option<i64>) {
        let Some(p) = self.page() else { return };
        let customer = p.customer.clone();
        let opened = self
            .store
            .contracts_for(customer.id)
            .map(|all| all.into_iter().filter(|k| k.shown_status(self.today).takes_invoices()).collect::<Vec<_>>())
            .and_then(|contracts| Ok((contracts, self.store.next_invoice_number()?)));
        match opened {
            Ok((contracts, number)) => {
                self.open_form(forms::invoice::open(&customer, contracts, &number, self.today, contract_id))
            }
            Err(e) => self.error("Cannot create an invoice", &e.to_string()),
        }
    }

    /// `a`: select every invoice shown (the filter applied), or clear the
    /// selection when there is one.
    fn select_all(&mut self) {
        let Some(p) = self.page() else { return };
        if !p.selection.is_empty() {
            if let Some(p) = self.page_mut() {
                p.selection.clear();
                p.hidden_selected = 0;
            }
            return;
        }
        let id = p.customer.id;
        let view = p.state(Tab::Invoices).view(self.today);
        match self.store.invoice_totals(id, &view) {
            Ok(all) => {
                if let Some(p) = self.page_mut() {
                    p.selection = all.into_iter().collect::<BTreeMap<_, _>>();
                    p.hidden_selected = 0;
                }
            }
            Err(e) => self.error("Cannot select", &e.to_string()),
        }
    }

    /// Counts the ticked invoices the Invoices filter hides, for the status
    /// line ("2 selected, 1 not shown"). Only a new filter, a reload or a
    /// restored selection can change it: ticking works on rows shown.
    /// Past `LIVE_HIDDEN_COUNT` ticked invoices the line does not count them
    /// (it would hold up every filter change); the cancel confirmation
    /// always does.
    pub(super) fn count_hidden(&mut self) {
        const LIVE_HIDDEN_COUNT: usize = 10_000;
        let Some(p) = self.page() else { return };
        if p.selection.len() > LIVE_HIDDEN_COUNT {
            if let Some(p) = self.page_mut() {
                p.hidden_selected = 0;
            }
            return;
        }
        let ids: Vec<i64> = p.selection.keys().copied().collect();
        let view = p.state(Tab::Invoices).view(self.today);
        let hidden = match self.store.invoices_shown(p.customer.id, &view, &ids) {
            Ok(shown) => ids.len().saturating_sub(shown),
            Err(_) => 0,
        };
        if let Some(p) = self.page_mut() {
            p.hidden_selected = hidden;
        }
    }

    /// The customer and the invoices an Invoices-tab action is about: the
    /// selection, or without one the highlighted invoice.
    pub(super) fn picked_invoices(&self) -> Option<(i64, Vec<i64>)> {
        let p = self.page()?;
        let ids = if p.selection.is_empty() {
            p.selected::<InvoiceRow>().map(|i| i.id).into_iter().collect()
        } else {
            p.selection.keys().copied().collect()
        };
        Some((p.customer.id, ids))
    }

    /// `x`: asks "Cancel N invoices totalling X?", listing what cannot be
    /// cancelled and why. Without a selection, the highlighted invoice.
    fn confirm_cancel(&mut self) {
        let Some((customer_id, ids)) = self.picked_invoices() else { return };
        self.ask_cancel(customer_id, ids);
    }

    /// The cancel confirmation for `ids` (from the Invoices tab, or one
    /// invoice's detail, where there is no filter to hide any).
    pub(super) fn ask_cancel(&mut self, customer_id: i64, ids: Vec<i64>) {
        if ids.is_empty() {
            return;
        }
        let preview = match self.store.cancel_preview(customer_id, &ids) {
            Ok(pr) => pr,
            Err(e) => return self.error("Cannot cancel", &e.to_string()),
        };
        let mut lines: Vec<String> = preview
            .refused
            .iter()
            .take(8)
            .map(|(number, reason)| format!("  {number}: not cancelled, {reason}"))
            .collect();
        if preview.refused.len() > 8 {
            lines.push(format!(
                "  … and {} more not cancelled",
                crate::domain::money::group_thousands((preview.refused.len() - 8) as u64)
            ));
        }
        if preview.cancel.is_empty() {
            let which = if ids.len() == 1 { "This invoice cannot" } else { "None of the selected invoices can" };
            lines.insert(0, format!("{which} be cancelled:"));
            self.error("Nothing to cancel", &lines.join("\n"));
            return;
        }
        let totals: Vec<String> = preview.currency_totals.iter().map(|(c, m)| Money::new(*m, *c).display()).collect();
        let n = preview.cancel.len();
        let title = format!(
            "Cancel {} totalling {}?",
            crate::domain::money::counted(n, "invoice", "invoices"),
            totals.join(" + ")
        );
        if !preview.refused.is_empty() {
            lines.insert(
                0,
                format!(
                    "{} of the selected invoices stay as they are:",
                    crate::domain::money::group_thousands(preview.refused.len() as u64)
                ),
            );
            lines
                .push(format!("Only the other {} will be cancelled.", crate::domain::money::group_thousands(n as u64)));
        }
        // The invoices by number, so none goes unseen: a selection may hold
        // invoices the filter hides.
        lines.insert(0, named(preview.cancel.iter().map(|c| c.1.as_str()), n));
        let view = self.page().map(|p| p.state(Tab::Invoices).view(self.today));
        let shown = view.map_or(ids.len(), |v| self.store.invoices_shown(customer_id, &v, &ids).unwrap_or(ids.len()));
        if shown < ids.len() {
            let hidden = ids.len() - shown;
            lines.insert(
                1,
                match hidden {
                    1 => "1 selected invoice is not shown by the filter.".to_string(),
                    h => format!("{h} selected invoices are not shown by the filter."),
                },
            );
        }
        let ids = preview.cancel.iter().map(|c| c.0).collect();
        self.confirm(title, lines, Effect::CancelInvoices { customer_id, ids, on: self.today });
    }

    pub(super) fn menu_pick(&mut self, item: MenuItem) {
        let Some(p) = self.page() else { return };
        let currency = p.customer.currency;
        let id = match item {
            MenuItem::EditContract(id)
            | MenuItem::InvoiceFromContract(id)
            | MenuItem::EndContract(id)
            | MenuItem::CancelContract(id)
            | MenuItem::DeleteContract(id) => id,
        };
        let k = match self.store.contract(id) {
            Ok(k) => k,
            Err(e) => return self.error("Cannot open the contract", &e.to_string()),
        };
        match item {
            MenuItem::EditContract(_) => self.open_form(forms::contract::edit(&k, currency)),
            MenuItem::InvoiceFromContract(_) => self.new_invoice(Some(id)),
            MenuItem::EndContract(_) => self.open_form(forms::end_contract::open(&k, self.today)),
            MenuItem::CancelContract(_) => self.confirm(
                format!("Cancel contract {}?", k.name),
                vec!["Its invoices stay as they are; no new invoices are expected.".into()],
                Effect::CancelContract { id, version: k.version },
            ),
            // Said before asking, not after a "yes".
            MenuItem::DeleteContract(_) => match self.store.contract_kept_by(id) {
                Ok(Some(why)) => self.error("Cannot delete the contract", &why),
                Ok(None) => self.confirm(
                    format!("Delete contract {}?", k.name),
                    vec!["It has no invoices or documents; its history stays in Activity.".into()],
                    Effect::DeleteContract { id, version: k.version },
                ),
                Err(e) => self.error("Cannot delete the contract", &e.to_string()),
            },
        }
    }
}

/// Only plain https addresses go to the terminal as hyperlinks: printable
/// ASCII, no spaces or escapes.
pub fn safe_url(url: &str) -> bool {
    url.starts_with("https://") && url.len() < 2048 && url.bytes().all(|b| (0x21..0x7f).contains(&b))
}

/// "INV-1, INV-2, INV-3 and 4 more": the first few of `n` numbers.
fn named<'a>(numbers: impl Iterator<Item = &'a str>, n: usize) -> String {
    const FEW: usize = 5;
    let first: Vec<&str> = numbers.take(FEW).collect();
    match n.saturating_sub(first.len()) {
        0 => first.join(", "),
        more => format!("{} and {} more", first.join(", "), crate::domain::money::group_thousands(more as u64)),
    }
}

impl App {
    /// `v` (and `Enter` on a row without a detail of its own, a credit):
    /// the highlighted row with every column whole.
    pub(super) fn open_row_view(&mut self) {
        let Some(p) = self.page() else { return };
        let (today, dates) = (self.today, self.dates);
        if let Some(d) = crate::per_tab!(p.tab, |R| p.selected::<R>().map(|r| row_view(r, today, dates))) {
            self.dialogs.push(d);
        }
    }
}

impl App {
    /// A credit (granted, a credit note, an adjustment) whole: its row, and
    /// a credit note's lines when it has them.
    pub(super) fn open_credit_view(&mut self, row: &PaymentRow) {
        let Some(credit_id) = (row.id < 0).then_some(-row.id) else { return };
        let Dialog::Row { mut fields, .. } = row_view(row, self.today, self.dates) else { return };
        // Named as what it is; a credit note's reason beside its number.
        let title = match row.kind {
            crate::domain::status::PayKind::CreditNote => format!("Credit note {}", row.reference),
            kind => format!("{} · {}", kind.label(), self.dates.show(row.received_on)),
        };
        let read = self.store.credit_reason(credit_id).and_then(|r| Ok((r, self.store.credit_note_lines(credit_id)?)));
        match read {
            Ok((reason, lines)) => {
                if row.kind == crate::domain::status::PayKind::CreditNote {
                    fields.push(("Reason", reason));
                }
                if lines.is_empty() {
                    self.dialogs.push(Dialog::Row { title, fields });
                } else {
                    let report = super::invoice_lines::credit_note(title, &fields, &lines, row.amount);
                    self.dialogs.push(Dialog::Report(report));
                }
            }
            Err(e) => self.error("Cannot open the credit", &e.to_string()),
        }
    }
}

/// A row whole, as its tab's columns show it (`v`, and a credit opened
/// from an invoice's detail).
pub(super) fn row_view<R: crate::domain::tabs::Tabular>(
    r: &R,
    today: chrono::NaiveDate,
    dates: crate::domain::date::DateStyle,
) -> Dialog {
    let ctx = crate::domain::tabs::CellCtx { today, selection: None, dates };
    // The tick box says nothing about the row.
    let fields: Vec<(&'static str, String)> =
        R::COLUMNS.iter().filter(|c| c.key.is_some()).map(|c| (c.title, (c.cell)(r, &ctx).text)).collect();
    let title = fields.first().map(|f| f.1.clone()).unwrap_or_default();
    Dialog::Row { title: format!("{} · {title}", R::TITLE), fields }
}

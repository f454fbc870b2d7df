//! A conversation's thread apart from drawing it (issue 18): its facts,
//! the columns of the invoices it concerns (the list the cursor moves in),
//! and its messages laid out as a transcript — a heading line per message
//! (when, which way, what, who) over its body and outcome, indented. Text
//! from data is cleaned where it is drawn.

use super::detail::{Col, Fact, Facts, fact};
use crate::domain::Money;
use crate::domain::collections::{ConvStatus, ConversationDetail, LinkedInvoice, Message, PromiseState};
use crate::domain::date::DateStyle;
use crate::domain::status::DisplayStatus;
use crate::domain::tabs::CellText;
use crate::domain::text::{clean_lines, ellipsize, wrap};
use chrono::NaiveDate;

/// The title line's status: "Resolved by the agent", "Waiting on the
/// customer", "Open".
pub fn status_line(d: &ConversationDetail, dates: DateStyle) -> String {
    let c = &d.conversation;
    match c.status {
        ConvStatus::Resolved => {
            let on = c.resolved_on.map(|d| format!(" on {}", dates.show(d))).unwrap_or_default();
            format!("Resolved · {}{on}", c.resolved_label())
        }
        ConvStatus::Waiting => "Waiting on the customer".into(),
        ConvStatus::Open => "Open".into(),
    }
}

/// A promise's line: its summary, drawn as overdue when broken.
fn promise_fact(p: &crate::domain::collections::Promise, today: NaiveDate, dates: DateStyle) -> Fact {
    Fact { alert: p.state(today) == PromiseState::Broken, ..fact("Promise", p.summary_shown(today, dates)) }
}

pub fn facts(d: &ConversationDetail, today: NaiveDate, dates: DateStyle) -> Facts {
    let c = &d.conversation;
    let left = vec![
        fact("Channel", c.channel.label()),
        fact("Opened", dates.show(c.opened_on)),
        fact("Last activity", dates.show_minute(&c.last_activity)),
        fact("Messages", d.messages.len().to_string()),
    ];
    let mut right: Vec<Fact> = d.promises.iter().map(|p| promise_fact(p, today, dates)).collect();
    if right.is_empty() {
        right.push(fact("Promise", "none"));
    }
    let paused = d.invoices.iter().filter(|i| i.paused(today)).count();
    if paused > 0 {
        right.push(fact(
            "Paused",
            format!("{paused} of {}", crate::domain::money::counted(d.invoices.len(), "invoice", "invoices")),
        ));
    }
    Facts { left, right }
}

/// The invoices it concerns, with what each owes now.
pub const LINKED_INVOICES: &[Col<LinkedInvoice>] = &[
    Col::new("Invoice", 14, |i: &LinkedInvoice, _| i.number.as_str().into()),
    Col::new("Balance", 13, |i: &LinkedInvoice, _| i.balance.display().into()).right(),
    Col::new("Due", 10, |i: &LinkedInvoice, ctx| ctx.dates.show(i.due_date).into()),
    Col::new("Status", 16, |i: &LinkedInvoice, ctx| {
        let s = i.display_status(ctx.today);
        let paused = if i.paused(ctx.today) { "Paused · " } else { "" };
        CellText {
            text: format!("{paused}{}", s.label()),
            alert: matches!(s, DisplayStatus::Overdue | DisplayStatus::OverduePartial),
        }
    })
    .fill(),
];

/// Σ of what the invoices it concerns owe, in their currency.
pub fn owed(d: &ConversationDetail) -> Option<Money> {
    let first = d.invoices.first()?;
    Some(Money::new(d.invoices.iter().map(|i| i.balance.minor).sum(), first.balance.currency))
}

/// A line of the transcript: a message's heading or a line of its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadLine {
    pub heading: bool,
    pub text: String,
}

/// Columns a message's text is indented by.
const INDENT: usize = 3;

/// "2026-12-01 09:14  → Email · Ava (agent)".
pub fn heading(m: &Message, dates: DateStyle) -> String {
    format!("{}  {} {} · {}", dates.show_minute(&m.at), m.direction.arrow(), m.kind.label(), m.author_label())
}

/// The messages in order, laid out `width` columns wide: each a heading,
/// its text wrapped under it (line breaks kept), its outcome, and a blank
/// line between messages.
pub fn transcript(messages: &[Message], width: usize, dates: DateStyle) -> Vec<ThreadLine> {
    let room = width.saturating_sub(INDENT + 1).max(8);
    let pad = " ".repeat(INDENT);
    let mut out = Vec::new();
    for (i, m) in messages.iter().enumerate() {
        if i > 0 {
            out.push(ThreadLine { heading: false, text: String::new() });
        }
        let head = format!(" {}", clean_lines(&heading(m, dates)).replace('\n', " "));
        out.push(ThreadLine { heading: true, text: ellipsize(&head, width).into_owned() });
        let body = clean_lines(m.body.trim());
        let outcome = m.outcome.trim();
        let outcome = (!outcome.is_empty()).then(|| format!("Outcome: {}", clean_lines(outcome)));
        for para in body.lines().chain(outcome.as_deref().map(str::lines).into_iter().flatten()) {
            if para.trim().is_empty() {
                out.push(ThreadLine { heading: false, text: String::new() });
                continue;
            }
            for row in wrap(&[((), para)], room) {
                let text: String = row.into_iter().map(|(_, s)| s).collect();
                out.push(ThreadLine { heading: false, text: format!("{pad}{}", text.trim_end()) });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::collections::{AuthorKind, Direction, MessageKind};

    fn msg(body: &str, outcome: &str) -> Message {
        Message {
            id: 1,
            at: "2026-12-01T09:14:00Z".into(),
            direction: Direction::Out,
            kind: MessageKind::Call,
            author_kind: AuthorKind::Person,
            author: "mia".into(),
            body: body.into(),
            outcome: outcome.into(),
        }
    }

    #[test]
    fn a_transcript_wraps_each_message_under_its_heading() {
        let lines = transcript(
            &[msg("Called Dana about INV-000023.\nShe will pay Friday.", "promised"), msg("x", "")],
            30,
            DateStyle::Iso,
        );
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts[0], " 2026-12-01 09:14  → Call · m…");
        assert!(lines[0].heading && !lines[1].heading);
        assert_eq!(texts[1], "   Called Dana about");
        assert_eq!(texts[2], "   INV-000023.");
        assert_eq!(texts[3], "   She will pay Friday.");
        assert_eq!(texts[4], "   Outcome: promised");
        assert_eq!(texts[5], "");
        assert!(lines[6].heading);
        assert!(lines.iter().all(|l| crate::domain::text::width(&l.text) <= 30), "{texts:?}");
    }

    #[test]
    fn hostile_text_is_inert_in_the_transcript() {
        let lines = transcript(&[msg("\u{1b}[2J\u{1b}]0;pwned\u{7}hi\r\nthere", "")], 60, DateStyle::Iso);
        for l in &lines {
            assert!(!l.text.chars().any(|c| c.is_control()), "{:?}", l.text);
        }
    }
}

//! The Conversations tab: the collections conversations with the customer
//! (the rows behind the Auto-Resolved card).

use super::FieldKind::{Date, Status, Text};
use super::{CellText, Column, Field, Tabular};
use crate::domain::collections::{ConversationRow, PromiseState, first_line};
use crate::domain::columns::{Col, Sort, Tab};
use crate::domain::date::iso;
use crate::domain::filter::StatusWord::{self, *};

type C = Column<ConversationRow>;

const STATUSES: &[(&str, StatusWord)] = &[("open", Open), ("waiting", Waiting), ("resolved", Resolved)];
const RESOLVERS: &[(&str, StatusWord)] = &[("agent", ByAgent), ("person", ByPerson)];
const PROMISES: &[(&str, StatusWord)] = &[("kept", PromiseKept), ("open", PromiseOpen), ("broken", PromiseBroken)];

impl Tabular for ConversationRow {
    const TAB: Tab = Tab::Conversations;
    const TITLE: &'static str = "Conversations";
    const SHORT_TITLE: &'static str = "Threads";
    const EMPTY: &'static str = "No collections conversations yet (l logs a call, an email or a note).";
    const EXAMPLE: &'static str = "--filter 'status:resolved resolved_by:agent' --format json";
    const DEFAULT_SORT: Sort = Sort { col: Col::CvLast, desc: true };
    const COLUMNS: &'static [C] = &[
        C::new("Subject", 18, |r, _| r.subject.as_str().into())
            .fill()
            .key(Col::CvSubject)
            .filter(&[Field::new("subject", Text)])
            // Its id first: what `ardesk conversation ID` takes.
            .export(&[("id", |r, _| r.id.to_string()), ("subject", |r, _| r.subject.clone())]),
        C::new("Channel", 7, |r, _| r.channel.label().into())
            .priority(4)
            .key(Col::CvChannel)
            .filter(&[Field::new("channel", Text)])
            .export(&[("channel", |r, _| r.channel.as_db().to_string())]),
        C::new("Opened", 10, |r, ctx| ctx.dates.show(r.opened_on).into())
            .priority(3)
            .key(Col::CvOpened)
            .filter(&[Field::new("opened", Date)])
            .export(&[("opened_on", |r, _| iso(r.opened_on))]),
        C::new("Last activity", 16, |r, ctx| ctx.dates.show_minute(&r.last_activity).into())
            .priority(1)
            .key(Col::CvLast)
            .filter(&[Field::new("last", Date)])
            .export(&[("last_activity", |r, _| r.last_activity.clone())]),
        C::new("Status", 8, |r, _| r.status.label().into())
            .key(Col::CvStatus)
            .filter(&[Field::new("status", Status(STATUSES))])
            .export(&[("status", |r, _| r.status.as_db().to_string())]),
        C::new("Resolved by", 12, |r, _| r.resolved_label().into())
            .priority(2)
            .key(Col::CvResolvedBy)
            .filter(&[Field::new("resolved_by", Status(RESOLVERS))])
            .export(&[
                ("resolved_by", |r, _| r.resolved_by.map(|b| b.as_db().to_string()).unwrap_or_default()),
                ("resolver", |r, _| r.resolver.clone()),
                ("resolved_on", |r, _| r.resolved_on.map(iso).unwrap_or_default()),
            ]),
        C::new("Invoices", 11, |r, _| r.invoices.as_str().into())
            .priority(2)
            .key(Col::CvInvoices)
            .filter(&[Field::new("invoice", Text)])
            .export(&[("invoices", |r, _| r.invoices.clone())]),
        C::new("Promise", 7, |r, cx| {
            let state = r.promise_state(cx.today);
            CellText {
                text: state.map_or("", PromiseState::label).to_string(),
                alert: state == Some(PromiseState::Broken),
            }
        })
        .key(Col::CvPromise)
        .filter(&[Field::new("promise", Status(PROMISES))])
        .export(&[("promise", |r, today| r.promise_state(today).map_or("", PromiseState::label).to_string())]),
        C::new("Latest message", 20, |r, _| first_line(&r.latest).into())
            .priority(1)
            .key(Col::CvLatest)
            .filter(&[Field::new("message", Text)])
            .export(&[("latest_message", |r, _| first_line(&r.latest).to_string())]),
    ];
}

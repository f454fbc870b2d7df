//! ardesk's JSON, collections (issue 18): conversations with their
//! messages, linked invoices and promises, and invoices' pauses — each
//! value checked against the schema's bounds, each conversation written
//! whole or not at all, idempotent on external ids. The rest of the
//! customer's rows are the parent module's.

use super::*;
use crate::domain::collections::{
    AuthorKind, BODY_MAX, Channel, ConvStatus, Direction, MessageKind, NAME_MAX, OUTCOME_MAX, REASON_MAX, ResolvedBy,
    SUBJECT_MAX,
};
use crate::store::import::ImportOps;
use crate::store::import::{ConversationWrite, MessageWrite, PauseWrite, PromiseWrite};

impl<X: ImportOps> Rows<'_, '_, X> {
    pub(super) fn conversations(&mut self, doc: &Value) -> Result<(), ImportError> {
        for (i, k) in list(doc, "conversations").iter().enumerate() {
            let r = self.conversation(k);
            match r {
                Ok(counts) => {
                    for (what, o) in counts {
                        self.cx.book.count(self.cid, what, o, LABEL);
                    }
                }
                Err(why) => self.outcome(Counted::Conversations, i + 1, Err(why)),
            }
        }
        Ok(())
    }

    /// The customer's invoice with this number.
    fn invoice_numbered(&self, number: &str) -> Result<i64, String> {
        match self.cx.itx.invoice_by_number(number).map_err(|e| e.to_string())? {
            Some(x) if x.customer_id == self.cid => Ok(x.id),
            _ => Err(format!("invoice {number:?} is not one of this customer's")),
        }
    }

    /// Invoice numbers (`invoices` of a conversation or a promise) → ids here.
    fn numbers(&self, v: &Value) -> Result<Vec<i64>, String> {
        let Some(list) = v.get("invoices").filter(|x| !x.is_null()) else { return Ok(Vec::new()) };
        let list = list.as_array().ok_or("invoices is not a list of invoice numbers")?;
        let mut ids = Vec::with_capacity(list.len());
        for n in list {
            let n = n.as_str().ok_or("invoices is not a list of invoice numbers")?;
            let id = self.invoice_numbered(n)?;
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        Ok(ids)
    }

    /// One conversation with its messages and promises, checked whole
    /// first and then written whole (`ImportTx::whole`): what each of its
    /// rows came to, counted once it is in.
    fn conversation(&mut self, v: &Value) -> Result<Vec<(Counted, Outcome)>, String> {
        let c = conversation_of(v)?;
        let invoices = self.numbers(v)?;
        let messages = match v.get("messages").filter(|x| !x.is_null()) {
            None => Vec::new(),
            Some(m) => {
                let m = m.as_array().ok_or("messages is not a list")?;
                m.iter()
                    .enumerate()
                    .map(|(i, m)| message_of(m).map_err(|e| format!("message {}: {e}", i + 1)))
                    .collect::<Result<Vec<_>, _>>()?
            }
        };
        let mut promises = Vec::new();
        if let Some(p) = v.get("promises").filter(|x| !x.is_null()) {
            for (i, p) in p.as_array().ok_or("promises is not a list")?.iter().enumerate() {
                let at = |e: String| format!("promise {}: {e}", i + 1);
                let mut w = promise_of(p, self.cur).map_err(at)?;
                w.invoice_ids = self.numbers(p).map_err(at)?;
                promises.push(w);
            }
        }
        let (itx, cid) = (self.cx.itx, self.cid);
        // A customer this import created has only what the file brought:
        // two threads of one subject and day without external ids are two.
        let look = !self.fresh || c.external_id.is_some();
        let e = |e: StoreError| e.to_string();
        itx.whole(|| {
            let mut out = Vec::new();
            let found = if look { itx.find_conversation(cid, &c).map_err(e)? } else { None };
            let id = match found {
                None => {
                    out.push((Counted::Conversations, Outcome::Created));
                    itx.insert_conversation(cid, &c).map_err(e)?
                }
                Some((id, was)) => {
                    // Found by its external id: where it stands now is the
                    // file's. Found by subject and day (which two threads
                    // may share), it is left as it is, like other rows of
                    // ardesk's own without an id.
                    let now = if c.external_id.is_some() {
                        ConversationWrite { opened_on: was.opened_on.clone(), ..c.clone() }
                    } else {
                        was.clone()
                    };
                    let linked = invoices.iter().any(|i| !itx.conversation_has_invoice(id, *i).unwrap_or(true));
                    if now != was || linked {
                        itx.update_conversation(id, &now).map_err(e)?;
                        out.push((Counted::Conversations, Outcome::Updated));
                    } else {
                        out.push((Counted::Conversations, Outcome::Unchanged));
                    }
                    id
                }
            };
            for i in &invoices {
                itx.link_conversation_invoice(id, *i).map_err(e)?;
            }
            for m in &messages {
                if itx.has_message(id, m).map_err(e)? {
                    out.push((Counted::Messages, Outcome::Unchanged));
                } else {
                    itx.insert_message(id, m).map_err(e)?;
                    out.push((Counted::Messages, Outcome::Created));
                }
            }
            for p in &promises {
                if itx.has_promise(id, p).map_err(e)? {
                    out.push((Counted::Promises, Outcome::Unchanged));
                } else {
                    itx.insert_promise(id, cid, p).map_err(e)?;
                    out.push((Counted::Promises, Outcome::Created));
                }
            }
            Ok(out)
        })
        .map_err(e)?
    }

    /// An invoice's pauses (`pauses`), merged by the day each began: a
    /// changed end or reason updates it.
    pub(super) fn pauses(&mut self, invoice_id: i64, ps: &[PauseWrite]) -> Result<Vec<(Counted, Outcome)>, String> {
        let (itx, cid) = (self.cx.itx, self.cid);
        let e = |e: StoreError| e.to_string();
        itx.whole(|| {
            let mut out = Vec::new();
            for p in ps {
                let o = match itx.find_pause(invoice_id, &p.paused_on).map_err(e)? {
                    None => {
                        itx.insert_pause(invoice_id, cid, p).map_err(e)?;
                        Outcome::Created
                    }
                    Some((_, was)) if was == *p => Outcome::Unchanged,
                    Some((id, _)) => {
                        itx.update_pause(id, p).map_err(e)?;
                        Outcome::Updated
                    }
                };
                out.push((Counted::Pauses, o));
            }
            Ok(out)
        })
        .map_err(e)?
    }

    /// The pauses of the export's invoices, found by number (the customer
    /// was imported before: its invoices are left as they are).
    pub(super) fn pauses_only(&mut self, doc: &Value) -> Result<(), ImportError> {
        for (i, inv) in list(doc, "invoices").iter().enumerate() {
            let r = pauses_of(inv).and_then(|ps| {
                if ps.is_empty() {
                    return Ok(Vec::new());
                }
                let id = self.invoice_numbered(&text(inv, "number"))?;
                self.pauses(id, &ps)
            });
            self.counted(Counted::Pauses, i + 1, r);
        }
        Ok(())
    }

    /// Counts what a row of several came to, or refuses it.
    pub(super) fn counted(&mut self, what: Counted, line: usize, r: Result<Vec<(Counted, Outcome)>, String>) {
        match r {
            Ok(counts) => {
                for (what, o) in counts {
                    self.cx.book.count(self.cid, what, o, LABEL);
                }
            }
            Err(why) => self.outcome(what, line, Err(why)),
        }
    }
}

/// A bounded text: at most `max` characters.
fn bounded(v: &Value, k: &str, max: usize) -> Result<String, String> {
    match v.get(k) {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(s)) if s.chars().count() <= max => Ok(s.clone()),
        Some(Value::String(_)) => Err(format!("{k} is longer than {max} characters")),
        Some(_) => Err(format!("{k} is not text")),
    }
}

/// An external id: absent, or 1 to 200 characters.
fn external_id(v: &Value) -> Result<Option<String>, String> {
    match v.get("external_id") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if !s.is_empty() && s.chars().count() <= NAME_MAX => Ok(Some(s.clone())),
        Some(_) => Err(format!("external_id is 1 to {NAME_MAX} characters of text")),
    }
}

/// A day within the bounds every date keeps.
fn bounded_day(v: &Value, k: &str) -> Result<chrono::NaiveDate, String> {
    let d = day(v, k)?;
    match date_error(d) {
        Some(e) => Err(format!("{k}: {e}")),
        None => Ok(d),
    }
}

fn opt_bounded_day(v: &Value, k: &str) -> Result<Option<chrono::NaiveDate>, String> {
    match v.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(_) => bounded_day(v, k).map(Some),
    }
}

/// One of a stored enum's words.
fn word<T: Copy>(
    v: &Value,
    k: &str,
    of: fn(&str) -> Option<T>,
    all: &[T],
    db: fn(T) -> &'static str,
) -> Result<T, String> {
    let s = text(v, k);
    of(&s).ok_or_else(|| {
        let words: Vec<&str> = all.iter().map(|w| db(*w)).collect();
        format!("{k} {s:?} is not one of {}", words.join(", "))
    })
}

fn conversation_of(v: &Value) -> Result<ConversationWrite, String> {
    let external_id = external_id(v)?;
    let subject = bounded(v, "subject", SUBJECT_MAX)?;
    if subject.trim().is_empty() {
        return Err("subject is empty".into());
    }
    // An export from before schema 16 has no channel: email.
    let channel = match v.get("channel") {
        None | Some(Value::Null) => Channel::Email,
        Some(_) => word(v, "channel", Channel::from_db, Channel::ALL, Channel::as_db)?,
    };
    let opened_on = bounded_day(v, "opened_on")?;
    let status = word(v, "status", ConvStatus::from_db, ConvStatus::ALL, ConvStatus::as_db)?;
    let resolved_on = opt_bounded_day(v, "resolved_on")?;
    let resolved_by = match v.get("resolved_by") {
        None | Some(Value::Null) => None,
        Some(_) => Some(word(v, "resolved_by", ResolvedBy::from_db, ResolvedBy::ALL, ResolvedBy::as_db)?),
    };
    let resolver = bounded(v, "resolver", NAME_MAX)?;
    if status == ConvStatus::Resolved {
        if resolved_on.is_none() || resolved_by.is_none() {
            return Err("resolved, without resolved_on and resolved_by (agent or person)".into());
        }
    } else if resolved_on.is_some() || resolved_by.is_some() || !resolver.is_empty() {
        return Err(format!("{}, yet it says who resolved it or when", status.as_db()));
    }
    Ok(ConversationWrite {
        external_id,
        subject,
        channel: channel.as_db(),
        opened_on: opened_on.to_string(),
        status: status.as_db(),
        resolved_on: resolved_on.map(|d| d.to_string()),
        resolved_by: resolved_by.map(ResolvedBy::as_db),
        resolver,
    })
}

/// A message's time: UTC, `YYYY-MM-DDTHH:MM:SSZ`, within the date bounds.
fn timestamp(v: &Value) -> Result<String, String> {
    let s = text(v, "at");
    let t = chrono::NaiveDateTime::parse_from_str(&s, "%Y-%m-%dT%H:%M:%SZ")
        .ok()
        .filter(|_| s.len() == 20)
        .ok_or_else(|| format!("at {s:?} is not a UTC time like 2026-12-05T09:30:00Z"))?;
    match date_error(t.date()) {
        Some(e) => Err(format!("at: {e}")),
        None => Ok(s),
    }
}

fn message_of(v: &Value) -> Result<MessageWrite, String> {
    Ok(MessageWrite {
        external_id: external_id(v)?,
        at: timestamp(v)?,
        direction: word(v, "direction", Direction::from_db, Direction::ALL, Direction::as_db)?.as_db(),
        kind: word(v, "kind", MessageKind::from_db, MessageKind::ALL, MessageKind::as_db)?.as_db(),
        author_kind: word(v, "author_kind", AuthorKind::from_db, AuthorKind::ALL, AuthorKind::as_db)?.as_db(),
        author: bounded(v, "author", NAME_MAX)?,
        body: bounded(v, "body", BODY_MAX)?,
        outcome: bounded(v, "outcome", OUTCOME_MAX)?,
    })
}

/// A promise (its invoices apart): amount in the customer's currency, more
/// than zero and within the bounds; promised no earlier than it was made.
fn promise_of(v: &Value, cur: Currency) -> Result<PromiseWrite, String> {
    let external_id = external_id(v)?;
    let (made_on, due_on) = (bounded_day(v, "made_on")?, bounded_day(v, "due_on")?);
    if due_on < made_on {
        return Err(format!("due on {due_on}, before it was made ({made_on})"));
    }
    let amount_minor = minor(v, "amount", cur)?;
    if !(1..=MAX_AMOUNT_MINOR).contains(&amount_minor) {
        return Err(format!("the amount must be more than zero and at most {MAX_AMOUNT_MINOR} minor units"));
    }
    Ok(PromiseWrite {
        external_id,
        made_on: made_on.to_string(),
        due_on: due_on.to_string(),
        amount_minor,
        currency: cur,
        invoice_ids: Vec::new(),
    })
}

/// An invoice's pauses: until a day after it began, ended (if early) within
/// it, with a reason.
pub(super) fn pauses_of(v: &Value) -> Result<Vec<PauseWrite>, String> {
    let Some(list) = v.get("pauses").filter(|x| !x.is_null()) else { return Ok(Vec::new()) };
    let list = list.as_array().ok_or("pauses is not a list")?;
    let mut out = Vec::with_capacity(list.len());
    for (i, p) in list.iter().enumerate() {
        let at = |e: String| format!("pause {}: {e}", i + 1);
        let from = bounded_day(p, "paused_on").map_err(at)?;
        let until = bounded_day(p, "until_on").map_err(at)?;
        if until <= from {
            return Err(at(format!("until {until}, not after it was paused ({from})")));
        }
        let ended = opt_bounded_day(p, "ended_on").map_err(at)?;
        if let Some(end) = ended
            && !(from..=until).contains(&end)
        {
            return Err(at(format!("ended on {end}, outside {from} to {until}")));
        }
        let reason = bounded(p, "reason", REASON_MAX).map_err(at)?;
        if reason.trim().is_empty() {
            return Err(at("the reason is empty".into()));
        }
        out.push(PauseWrite {
            paused_on: from.to_string(),
            until_on: until.to_string(),
            reason,
            ended_on: ended.map(|d| d.to_string()),
        });
    }
    Ok(out)
}

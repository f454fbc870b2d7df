//! Collections (issue 18): conversations with the customer, their
//! messages, promises to pay and paused invoices — plain data and the rules
//! that decide a promise's state and a pause's end. The store reads and
//! writes them (`store::collections`, `store::writes::collections`); the
//! SQL that filters by a promise's state states the same rule and a test
//! holds the two equal.

use super::Money;
use chrono::NaiveDate;

macro_rules! stored_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = ($db:literal, $label:literal)),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vm])* $v),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),+];

            /// As the database stores it (its CHECK lists the same words).
            pub fn as_db(self) -> &'static str {
                match self { $($name::$v => $db),+ }
            }

            pub fn from_db(s: &str) -> Option<$name> {
                match s { $($db => Some($name::$v),)+ _ => None }
            }

            /// As the screen shows it.
            pub fn label(self) -> &'static str {
                match self { $($name::$v => $label),+ }
            }
        }
    };
}

stored_enum!(
    /// How a conversation is held.
    Channel {
        Email = ("email", "Email"),
        Phone = ("phone", "Phone"),
        Portal = ("portal", "Portal"),
        Letter = ("letter", "Letter"),
    }
);

stored_enum!(
    /// Where a conversation stands.
    ConvStatus {
        Open = ("open", "Open"),
        /// The next move is the customer's.
        Waiting = ("waiting", "Waiting"),
        Resolved = ("resolved", "Resolved"),
    }
);

stored_enum!(
    /// Who resolved a conversation: the AI collections agent by itself, or
    /// a person. The Auto-Resolved card counts the agent's.
    ResolvedBy {
        Agent = ("agent", "Agent"),
        Person = ("person", "Person"),
    }
);

stored_enum!(
    /// Which way a message went.
    Direction {
        /// To the customer.
        Out = ("out", "To customer"),
        /// From the customer.
        In = ("in", "From customer"),
        /// A note no one outside saw.
        Internal = ("internal", "Note"),
    }
);

stored_enum!(
    /// What a message was.
    MessageKind {
        Email = ("email", "Email"),
        Call = ("call", "Call"),
        Note = ("note", "Note"),
        Letter = ("letter", "Letter"),
        Portal = ("portal", "Portal message"),
    }
);

stored_enum!(
    /// Who wrote or said a message.
    AuthorKind {
        /// The AI collections agent.
        Agent = ("agent", "Agent"),
        /// One of ours, by name.
        Person = ("person", "Person"),
        /// The customer's contact.
        Contact = ("contact", "Contact"),
    }
);

impl Direction {
    /// The arrow the thread shows: → to the customer, ← from them, · a note.
    pub fn arrow(self) -> &'static str {
        match self {
            Direction::Out => "→",
            Direction::In => "←",
            Direction::Internal => "·",
        }
    }
}

/// The most characters a message's body keeps (`conversation_messages.body`).
pub const BODY_MAX: usize = 20_000;
/// The most characters of a subject, an outcome, a pause's reason.
pub const SUBJECT_MAX: usize = 500;
pub const OUTCOME_MAX: usize = 1_000;
pub const REASON_MAX: usize = 1_000;
/// The most characters of a name (an author, a resolver) or an external id.
pub const NAME_MAX: usize = 200;

/// A promise to pay, as of a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PromiseState {
    /// Paid in full on time.
    Kept,
    /// Not yet paid in full, and the promised day has not passed.
    Open,
    /// The promised day passed before it was paid in full.
    Broken,
}

impl PromiseState {
    pub fn label(self) -> &'static str {
        match self {
            PromiseState::Kept => "kept",
            PromiseState::Open => "open",
            PromiseState::Broken => "broken",
        }
    }

    /// The rule, once: kept when `paid` — the live applications to the
    /// promise's invoices of succeeded payments received from the day it
    /// was made through the promised day (the payment's date, not the day
    /// it was applied) — reaches the amount; broken when `today` is past
    /// the promised day first; open until then. On the promised day itself
    /// an unpaid promise is still open.
    pub fn of(amount_minor: i64, paid_minor: i64, due_on: NaiveDate, today: NaiveDate) -> PromiseState {
        if paid_minor >= amount_minor {
            PromiseState::Kept
        } else if today > due_on {
            PromiseState::Broken
        } else {
            PromiseState::Open
        }
    }
}

/// A promise to pay and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Promise {
    pub id: i64,
    pub conversation_id: i64,
    pub made_on: NaiveDate,
    pub due_on: NaiveDate,
    pub amount: Money,
    /// What counts towards it (see `PromiseState::of`).
    pub paid: Money,
    /// The numbers of its invoices, in order.
    pub invoices: Vec<String>,
    pub version: i64,
}

impl Promise {
    /// Where it stands on `today` (`PromiseState::of`).
    pub fn state(&self, today: NaiveDate) -> PromiseState {
        PromiseState::of(self.amount.minor, self.paid.minor, self.due_on, today)
    }

    /// "open · $500.00 by 2026-12-15, $200.00 paid (INV-000012)": the
    /// state first, so a narrow screen cuts the invoices rather than it.
    pub fn summary(&self, today: NaiveDate) -> String {
        self.summary_shown(today, super::date::DateStyle::Iso)
    }

    /// `summary` with the due date as the screen shows dates.
    pub fn summary_shown(&self, today: NaiveDate, dates: super::date::DateStyle) -> String {
        let state = self.state(today);
        let invoices =
            if self.invoices.is_empty() { String::new() } else { format!(" ({})", self.invoices.join(", ")) };
        let paid = if self.paid.minor > 0 && state != PromiseState::Kept {
            format!(", {} paid", self.paid.display())
        } else {
            String::new()
        };
        format!("{} · {} by {}{paid}{invoices}", state.label(), self.amount.display(), dates.show(self.due_on))
    }
}

/// An invoice's collections paused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pause {
    pub id: i64,
    pub invoice_id: i64,
    pub paused_on: NaiveDate,
    /// Collections resume on this day by themselves.
    pub until_on: NaiveDate,
    pub reason: String,
    /// Resumed early on this day.
    pub ended_on: Option<NaiveDate>,
    pub version: i64,
}

impl Pause {
    /// The first day the invoice is no longer paused.
    pub fn ends_on(&self) -> NaiveDate {
        self.ended_on.unwrap_or(self.until_on)
    }

    /// Paused on `day`: from the day it was paused up to, not including,
    /// the day it ends.
    pub fn active_on(&self, day: NaiveDate) -> bool {
        paused_on_day(self.paused_on, self.ends_on(), day)
    }
}

/// The rule, once: a pause from `from` ending on `ends` holds on `day`
/// when from <= day < ends.
pub fn paused_on_day(from: NaiveDate, ends: NaiveDate, day: NaiveDate) -> bool {
    from <= day && day < ends
}

/// A conversation as the Conversations tab lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationRow {
    pub id: i64,
    pub subject: String,
    pub channel: Channel,
    pub opened_on: NaiveDate,
    /// The latest message's time (UTC, ISO 8601), or the day it was opened
    /// when it has none.
    pub last_activity: String,
    pub status: ConvStatus,
    pub resolved_by: Option<ResolvedBy>,
    /// Who resolved it ('' when not known or not resolved).
    pub resolver: String,
    pub resolved_on: Option<NaiveDate>,
    /// The numbers of the invoices it concerns, ", " between them.
    pub invoices: String,
    /// The latest message's first line ('' without messages).
    pub latest: String,
    /// How many promises to pay it holds.
    pub promises: i64,
    /// The earliest promised day of those not kept: broken once it has
    /// passed (`promise_state`).
    pub unkept_due: Option<NaiveDate>,
    pub version: i64,
}

impl ConversationRow {
    /// Its promises' worst state on `today`: broken when one not kept is
    /// past its day, else open when one is not kept, else kept; `None`
    /// without promises.
    pub fn promise_state(&self, today: NaiveDate) -> Option<PromiseState> {
        match self.unkept_due {
            Some(due) => Some(PromiseState::of(1, 0, due, today)),
            None if self.promises > 0 => Some(PromiseState::Kept),
            None => None,
        }
    }

    /// "Agent", "Person (mia)", '' while not resolved.
    pub fn resolved_label(&self) -> String {
        match (self.resolved_by, self.resolver.trim()) {
            (None, _) => String::new(),
            (Some(by), "") => by.label().to_string(),
            (Some(by), who) => format!("{} ({who})", by.label()),
        }
    }
}

/// One message of a thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: i64,
    /// UTC, ISO 8601 to the second.
    pub at: String,
    pub direction: Direction,
    pub kind: MessageKind,
    pub author_kind: AuthorKind,
    pub author: String,
    pub body: String,
    /// What a logged call or email came to ('' for none).
    pub outcome: String,
}

impl Message {
    /// "Agent", "Mia Chen", "Dana Wills (contact)".
    pub fn author_label(&self) -> String {
        let name = self.author.trim();
        match (self.author_kind, name) {
            (AuthorKind::Agent, "") => "Agent".into(),
            (AuthorKind::Agent, n) => format!("{n} (agent)"),
            (AuthorKind::Person, "") => "Person".into(),
            (AuthorKind::Person, n) => n.to_string(),
            (AuthorKind::Contact, "") => "Contact".into(),
            (AuthorKind::Contact, n) => format!("{n} (contact)"),
        }
    }
}

/// The first line of a text with something on it ('' for none).
pub fn first_line(text: &str) -> &str {
    text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("")
}

/// An invoice a conversation concerns, as the thread lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedInvoice {
    pub id: i64,
    pub number: String,
    pub status: super::status::InvoiceStatus,
    pub total_minor: i64,
    pub applied_minor: i64,
    pub balance: Money,
    pub due_date: NaiveDate,
    /// Its latest collections pause, first day and end (as `InvoiceRow::pause`).
    pub pause: Option<(NaiveDate, NaiveDate)>,
}

impl LinkedInvoice {
    /// Its collections paused on `today`.
    pub fn paused(&self, today: NaiveDate) -> bool {
        self.pause.is_some_and(|(from, end)| paused_on_day(from, end, today))
    }

    pub fn display_status(&self, today: NaiveDate) -> super::status::DisplayStatus {
        super::status::DisplayStatus::derive(self.status, self.total_minor, self.applied_minor, self.due_date, today)
    }
}

/// A conversation's thread: the conversation, its messages in order, the
/// invoices it concerns and its promises.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationDetail {
    pub customer_id: i64,
    pub conversation: ConversationRow,
    pub external_id: Option<String>,
    pub messages: Vec<Message>,
    pub invoices: Vec<LinkedInvoice>,
    pub promises: Vec<Promise>,
}

/// What a person logs: a call, an email or a note, on a conversation that
/// exists or on a new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// `None`: open a new conversation with `subject` and `channel`.
    pub conversation_id: Option<i64>,
    /// The conversation's version when it exists (its status may change).
    pub version: Option<i64>,
    pub subject: String,
    pub channel: Channel,
    pub kind: MessageKind,
    pub direction: Direction,
    pub body: String,
    pub outcome: String,
    /// When it happened (UTC, ISO 8601); `None`: now.
    pub at: Option<String>,
    /// Invoices to link to the conversation (those already linked stay).
    pub invoice_ids: Vec<i64>,
    /// The conversation's status after it; `None` leaves it as it is (a new
    /// one is open).
    pub status: Option<ConvStatus>,
    /// A promise to pay made in it.
    pub promise: Option<PromiseDraft>,
}

/// A promise to pay as entered: the amount in the customer's currency, the
/// day it is promised by, the invoices it pays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromiseDraft {
    pub amount: Money,
    pub due_on: NaiveDate,
    pub invoice_ids: Vec<i64>,
}

/// A pause as entered: until a day (collections resume then), and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PauseDraft {
    pub invoice_ids: Vec<i64>,
    pub until_on: NaiveDate,
    pub reason: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::date::from_iso;

    #[test]
    fn a_promise_at_each_boundary_day() {
        let due = from_iso("2026-12-15");
        let day = |s| from_iso(s);
        // Not paid: open through the promised day, broken the day after.
        assert_eq!(PromiseState::of(500, 0, due, day("2026-12-14")), PromiseState::Open);
        assert_eq!(PromiseState::of(500, 0, due, day("2026-12-15")), PromiseState::Open);
        assert_eq!(PromiseState::of(500, 0, due, day("2026-12-16")), PromiseState::Broken);
        // Paid in part: the same.
        assert_eq!(PromiseState::of(500, 499, due, day("2026-12-16")), PromiseState::Broken);
        // Paid in full (or more): kept, whatever the day.
        assert_eq!(PromiseState::of(500, 500, due, day("2026-12-14")), PromiseState::Kept);
        assert_eq!(PromiseState::of(500, 900, due, day("2027-06-01")), PromiseState::Kept);
    }

    #[test]
    fn a_pause_ends_on_its_day() {
        let p = Pause {
            id: 1,
            invoice_id: 1,
            paused_on: from_iso("2026-12-05"),
            until_on: from_iso("2027-01-04"),
            reason: "dispute".into(),
            ended_on: None,
            version: 1,
        };
        assert!(!p.active_on(from_iso("2026-12-04")));
        assert!(p.active_on(from_iso("2026-12-05")));
        assert!(p.active_on(from_iso("2027-01-03")));
        assert!(!p.active_on(from_iso("2027-01-04")));
        let resumed = Pause { ended_on: Some(from_iso("2026-12-10")), ..p };
        assert!(resumed.active_on(from_iso("2026-12-09")));
        assert!(!resumed.active_on(from_iso("2026-12-10")));
    }

    #[test]
    fn stored_words_round_trip() {
        for c in Channel::ALL {
            assert_eq!(Channel::from_db(c.as_db()), Some(*c));
        }
        for s in ConvStatus::ALL {
            assert_eq!(ConvStatus::from_db(s.as_db()), Some(*s));
        }
        assert_eq!(first_line("\n  \nHello there\nsecond"), "Hello there");
    }
}

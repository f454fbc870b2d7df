//! Command-line definitions only.

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "ardesk", version, about = "An accounts-receivable desk for the terminal")]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,

    /// Open this customer (ardesk id or SOURCE:EXTERNAL_ID, e.g. stripe:cus_123).
    #[arg(long, value_name = "ID", add = ids())]
    pub customer: Option<String>,

    /// Open the demo database, creating it first if needed.
    #[arg(long)]
    pub demo: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args)]
pub struct Global {
    /// The database file (default: ARDESK_DB, else the configuration's
    /// database, else ardesk.db in the user's data directory).
    #[arg(long, value_name = "PATH", global = true)]
    pub db: Option<PathBuf>,

    /// Fix today's date (YYYY-MM-DD) for overdue, aging and the 365-day window;
    /// ARDESK_TODAY does the same.
    #[arg(long, value_name = "DATE", global = true, value_parser = parse_date_arg)]
    pub today: Option<NaiveDate>,

    /// Read the books as they stood at the end of this day (YYYY-MM-DD): the
    /// figures, aging and the 365-day window as of it, and the invoices,
    /// payments, credits and activity that existed then with their balances
    /// and statuses then. Read-only: commands and keys that write are
    /// refused. Contracts, contacts and documents are listed as they are.
    #[arg(long, value_name = "DATE", global = true, value_parser = parse_date_arg)]
    pub as_of: Option<NaiveDate>,

    /// Refuse to create a database that does not exist.
    #[arg(long, global = true)]
    pub no_create: bool,

    /// Read the configuration from FILE (default: config.toml in the user's
    /// configuration directory; ARDESK_CONFIG does the same, this wins).
    #[arg(long, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,

    /// Let the screen take the mouse (over the configuration's `mouse`).
    #[arg(long, global = true, overrides_with = "no_mouse")]
    pub mouse: bool,

    /// Leave the mouse to the terminal (over the configuration's `mouse`).
    #[arg(long, global = true, overrides_with = "mouse")]
    pub no_mouse: bool,
}

impl Global {
    /// The mouse as the flags say, when they say: the last one given wins,
    /// and `--mouse` when both are given on either side of a subcommand
    /// (clap overrides only among the arguments of one level).
    pub fn mouse(&self) -> Option<bool> {
        match (self.mouse, self.no_mouse) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a demo database (refuses to overwrite an existing file without --force).
    Demo {
        /// Give one extra customer this many invoices, for benchmarks.
        #[arg(long, value_name = "N")]
        invoices: Option<u64>,
        /// Add this many generated customers beside the demo's own, for
        /// benchmarks of the customers list.
        #[arg(long, value_name = "N")]
        customers: Option<u64>,
        /// Replace an existing file.
        #[arg(long)]
        force: bool,
    },
    /// List customers.
    Customers {
        /// Print JSON: text exactly as stored to a file or a pipe; on a
        /// terminal, control characters are shown as on the screen (␛).
        #[arg(long)]
        json: bool,
    },
    /// Show one customer with its metrics.
    Customer {
        /// ardesk id, or SOURCE:EXTERNAL_ID (e.g. stripe:cus_123).
        #[arg(add = ids())]
        id: String,
        /// Print JSON: text exactly as stored to a file or a pipe; on a
        /// terminal, control characters are shown as on the screen (␛).
        #[arg(long)]
        json: bool,
    },
    /// Import exports of Stripe, QuickBooks, HubSpot or Salesforce, or an
    /// ardesk JSON export: all files in one transaction, with a report.
    Import {
        /// Read every file as this source's export (else detected from its header).
        #[arg(long, value_name = "SOURCE")]
        source: Option<String>,
        /// Read every file as this kind of export: customers, invoices, payments, contacts, companies,
        /// credit-notes, refunds.
        #[arg(long, value_name = "OBJECT")]
        object: Option<String>,
        /// Do everything and print the report, but write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Import Stripe test-mode rows instead of refusing them.
        #[arg(long)]
        allow_test_mode: bool,
        /// Import the good rows even when some are refused.
        #[arg(long)]
        skip_bad_rows: bool,
        /// Read every CSV amount with a decimal comma ("1.234,56"). Without
        /// it, or --decimal-point, each file's mark is decided from all its
        /// amounts, and a file whose amounts do not show it is refused.
        #[arg(long, conflicts_with = "decimal_point")]
        decimal_comma: bool,
        /// Read every CSV amount with a decimal point ("1,234.56").
        #[arg(long)]
        decimal_point: bool,
        /// The export files (CSV or JSON); their source and kind are
        /// recognized from each file's header or shape.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Write one customer's complete record as JSON (for `ardesk import`
    /// into another database).
    Export {
        /// ardesk id, or SOURCE:EXTERNAL_ID.
        #[arg(long, value_name = "ID", add = ids())]
        customer: String,
        /// The only format: json.
        #[arg(long, default_value = "json", value_parser = ["json"])]
        format: String,
        /// Write here instead of to standard output. Text is written exactly as
        /// stored, except to a terminal, where control characters are shown (␛).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// A customer's invoices, as CSV or JSON (filter and sort as in the TUI).
    Invoices(TabArgs),
    /// A customer's contracts.
    Contracts(TabArgs),
    /// A customer's payments.
    Payments(TabArgs),
    /// A customer's contacts.
    Contacts(TabArgs),
    /// A customer's documents (metadata).
    Documents(TabArgs),
    /// A customer's activity log.
    Activity(TabArgs),
    /// A customer's collections conversations (filter: status:open|waiting|resolved,
    /// resolved_by:agent|person, invoice:NUMBER, promise:kept|open|broken).
    Conversations(TabArgs),
    /// One collections conversation: its messages in order, the invoices it
    /// concerns with their balances, and its promises with their state as
    /// of today (or --as-of).
    Conversation {
        /// The conversation's id (the Conversations tab's and `ardesk
        /// conversations` ids).
        id: i64,
        /// Print JSON (the only form for now): text exactly as stored to a
        /// file or a pipe; on a terminal, control characters are shown as
        /// on the screen (␛).
        #[arg(long)]
        json: bool,
        /// The same as --json.
        #[arg(long, value_parser = ["json"])]
        format: Option<String>,
    },
    /// Show or change the organization's settings (kept in the database):
    /// `ardesk org` lists them, `ardesk org KEY` prints one, `ardesk org KEY
    /// VALUE` sets it.
    Org(OrgArgs),
    /// The old name of `ardesk org`, kept working (with a note on standard
    /// error) for scripts written before the rename.
    #[command(hide = true)]
    Config(OrgArgs),
    /// A customer's statement of account as of the end of a day (the global
    /// --as-of, else today): the invoices open then, unapplied payments and
    /// credit, aging and the total due, per currency; with --from also every
    /// movement since that day with a running balance (an activity
    /// statement).
    Statement {
        /// ardesk id, or SOURCE:EXTERNAL_ID.
        #[arg(long, value_name = "ID", add = ids())]
        customer: String,
        /// Make it an activity statement from this day (YYYY-MM-DD, on or
        /// before the statement date): the balance brought forward, then
        /// every invoice, payment, credit, refund, write-off, cancellation
        /// and void.
        #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
        from: Option<NaiveDate>,
        /// txt (to standard output by default), csv or pdf (pdf needs --out
        /// or a pipe).
        #[arg(long, value_enum, default_value = "txt")]
        format: StatementFormat,
        /// Write here (atomically: the whole file or none). An existing file
        /// is refused without --force.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Replace the --out file when it exists.
        #[arg(long, requires = "out")]
        force: bool,
    },
    /// Open-item statements of many customers as of a day (--as-of is
    /// required), one file each in DIR named statement-<id>-<date>.<ext>.
    /// Restartable: a file already there is kept (skipped) unless --force,
    /// and each is written whole or not at all.
    Statements {
        /// The directory for the files (created if missing).
        #[arg(long, value_name = "DIR")]
        out_dir: PathBuf,
        /// Only customers with something overdue as of the day (any currency).
        #[arg(long)]
        only_overdue: bool,
        /// Which customers: a comma list of ardesk ids ("4,12,31"), or else
        /// text found in the name (any case, e.g. "freight").
        #[arg(long, value_name = "FILTER")]
        customers: Option<String>,
        /// pdf, txt or csv.
        #[arg(long, value_enum, default_value = "pdf")]
        format: StatementFormat,
        /// Write over the files already there.
        #[arg(long)]
        force: bool,
    },
    /// Check the database as it is (never upgraded or written): SQLite
    /// integrity, the schema against this version's, bounds, money invariants
    /// and every summary against a recomputation. Exits 1 listing every
    /// problem, 2 only when the file could not be checked at all.
    Check {
        /// First make again what ardesk derives for the customers list (its
        /// search index and its order by Outstanding) from the customers and
        /// their summaries, in one transaction, when a check found them
        /// drifted (another tool wrote the file); then check. This writes.
        #[arg(long)]
        repair: bool,
    },
    /// Give the space of deleted documents back to the disk. This rewrites
    /// the whole database file (SQLite's VACUUM): it needs free disk space of
    /// about twice the file's size while it runs (a copy in the temporary
    /// directory, $TMPDIR or /tmp, and the write-ahead log beside the
    /// database), takes a while on a large file, and waits for other ardesk
    /// processes to finish writing. Afterwards deleting a document gives its
    /// space back by itself (databases made by this ardesk do so from the
    /// start). Refused on a read-only database.
    Vacuum,
    /// Say where the configuration is read from and whether it is there
    /// (and whether it is taken); with --default, print a configuration
    /// file with every setting, screen and key at its default.
    ConfigFile {
        /// Print the default configuration file.
        #[arg(long)]
        default: bool,
    },
    /// Upgrade the database to this ardesk's schema (opening it for work does
    /// so too) and say what happened.
    Upgrade {
        /// Take out first the rows an older ardesk accepted that this one
        /// cannot keep (amounts past 10^13 minor units, dates outside
        /// 1900–2199), each kept whole in its customer's activity, with the
        /// money applied from or to them; then upgrade the rest.
        #[arg(long)]
        set_aside: bool,
    },
    /// Copy the database to FILE while others keep working (SQLite's online
    /// backup: a consistent copy, written beside FILE and renamed into place,
    /// so FILE is the whole copy or is not touched), then check the copy as
    /// `ardesk check` does. Exits 1 when the copy fails the check (it is
    /// kept, and said so). A copy of the file by `cp` while ardesk runs is
    /// not a backup.
    Backup {
        /// Where the copy goes (its directory must exist).
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Replace FILE when it exists.
        #[arg(long)]
        force: bool,
    },
    /// Move the whole books between a SQLite file and a PostgreSQL database:
    /// every table (documents and the audit log included) in one
    /// transaction on the side written, which must hold no books yet (a new
    /// file, or a database with nothing in it but ardesk's schema). The
    /// source is checked first and refused with its problems; the copy is
    /// then verified — `check` on both sides, every table's rows, every
    /// customer's record and figures equal — and taken out again when it
    /// does not verify. A SQLite file of an older ardesk is upgraded first,
    /// as opening it for work does. Stop the other ardesks on the source first: what
    /// they write meanwhile is not copied, and the verification then fails.
    /// Exits 1 when the copy did not verify.
    Migrate {
        /// The books to copy: a SQLite file, or postgres://user@host/dbname.
        #[arg(long, value_name = "FILE|URL")]
        from: PathBuf,
        /// Where to copy them: a new SQLite file, or postgres://user@host/dbname.
        #[arg(long, value_name = "FILE|URL")]
        to: PathBuf,
    },
    /// Print the shell completion script for bash, zsh or fish (README,
    /// Installing, says where each goes).
    Completions {
        shell: Shell,
        /// A script that never calls ardesk back: subcommands, flags and
        /// their values, but no customer ids from the database.
        #[arg(long = "static")]
        fixed: bool,
    },
    /// Print this manual page as roff: `ardesk man | man -l -`.
    Man,
}

/// `ardesk org`'s arguments (and its old name's, `ardesk config`).
#[derive(Debug, Args)]
pub struct OrgArgs {
    /// name, address (for statements: lines separated by ; or line breaks),
    /// default-currency, show-credit-balance, invoice-prefix,
    /// hubspot-portal-id (for HubSpot links), salesforce-domain (My Domain, for Salesforce links)
    /// or max-document-size (the largest upload: bytes or whole KiB, MiB, GiB, e.g. 500MiB;
    /// 1 KiB to 1 TiB, default 2 GiB).
    pub key: Option<String>,
    /// The new value.
    pub value: Option<String>,
    /// Clear the setting (address, hubspot-portal-id, salesforce-domain, invoice-prefix).
    #[arg(long, conflicts_with = "value", requires = "key")]
    pub unset: bool,
    /// Print the settings as JSON.
    #[arg(long)]
    pub json: bool,
}

/// The shells `ardesk completions` writes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

/// Customer ids complete from the database (`commands::completions`).
fn ids() -> clap_complete::ArgValueCompleter {
    clap_complete::ArgValueCompleter::new(crate::commands::completions::customer_ids)
}

#[derive(Debug, Args)]
pub struct TabArgs {
    /// ardesk id, or SOURCE:EXTERNAL_ID.
    #[arg(long, value_name = "ID", add = ids())]
    pub customer: String,
    /// The filter bar's language: words and field terms, all of which must
    /// match (this tab's fields and an example are below).
    #[arg(long, value_name = "EXPR", default_value = "")]
    pub filter: String,
    /// A column (the filter's field names); due:desc or --sort=-due for descending.
    #[arg(long, value_name = "COL", allow_hyphen_values = true)]
    pub sort: Option<String>,
    /// csv or json. Text is written exactly as stored to a file or a pipe;
    /// to a terminal, control characters and escape sequences are shown as
    /// on the screen (ESC as ␛), so stored text cannot act on the terminal.
    #[arg(long, value_enum, default_value = "csv")]
    pub format: OutFormat,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum OutFormat {
    Csv,
    Json,
}

/// The formats of a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatementFormat {
    Pdf,
    Txt,
    Csv,
}

impl StatementFormat {
    /// The file name's extension.
    pub fn ext(self) -> &'static str {
        match self {
            StatementFormat::Pdf => "pdf",
            StatementFormat::Txt => "txt",
            StatementFormat::Csv => "csv",
        }
    }
}

fn parse_date_arg(s: &str) -> Result<NaiveDate, String> {
    crate::domain::date::parse_date(s)
}

/// The command line as clap reads it, with each tab subcommand's own filter
/// fields and example under its `--help`, taken from the filter grammar
/// (`domain::filter`) so they cannot drift from what the filter accepts.
pub fn command() -> clap::Command {
    use crate::domain::columns::Tab;
    use clap::CommandFactory;
    let mut cmd = Cli::command();
    for tab in Tab::ALL {
        let name = tab.title().to_ascii_lowercase();
        let fields = crate::domain::filter::field_names(tab).join(" ");
        let after = format!("Filter fields: {fields}\nExample: {}", crate::domain::tabs::cli_example(tab));
        cmd = cmd.mut_subcommand(name, |c| c.after_help(after));
    }
    cmd
}

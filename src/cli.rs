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
    #[arg(long, value_name = "ID")]
    pub customer: Option<String>,

    /// Open the demo database, creating it first if needed.
    #[arg(long)]
    pub demo: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args)]
pub struct Global {
    /// The database file (default: ardesk.db in the user's data directory).
    #[arg(long, value_name = "PATH", global = true)]
    pub db: Option<PathBuf>,

    /// Fix today's date (YYYY-MM-DD) for overdue, aging and the 365-day window;
    /// ARDESK_TODAY does the same.
    #[arg(long, value_name = "DATE", global = true, value_parser = parse_date_arg)]
    pub today: Option<NaiveDate>,

    /// Refuse to create a database that does not exist.
    #[arg(long, global = true)]
    pub no_create: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a demo database (refuses to overwrite an existing file without --force).
    Demo {
        /// Give one extra customer this many invoices, for benchmarks.
        #[arg(long, value_name = "N")]
        invoices: Option<u64>,
        /// Replace an existing file.
        #[arg(long)]
        force: bool,
    },
    /// List customers.
    Customers {
        #[arg(long)]
        json: bool,
    },
    /// Show one customer with its metrics.
    Customer {
        /// ardesk id, or SOURCE:EXTERNAL_ID (e.g. stripe:cus_123).
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Check the database: SQLite integrity, foreign keys, money invariants
    /// and every summary against a recomputation. Exits 1 on any problem.
    Check,
}

fn parse_date_arg(s: &str) -> Result<NaiveDate, String> {
    crate::domain::date::parse_date(s)
}

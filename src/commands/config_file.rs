//! `ardesk config-file`: where the user's configuration is read from, or
//! (`--default`) a configuration file with every default in it.

use crate::config::{Loaded, default_file};
use crate::domain::text::clean;
use std::io::Write;

pub fn config_file(loaded: &Loaded, default: bool, out: &mut dyn Write) -> std::io::Result<()> {
    if default {
        let database = super::default_db_path().display().to_string();
        return write!(out, "{}", default_file(&database));
    }
    let Some(source) = &loaded.source else {
        return writeln!(
            out,
            "no configuration directory on this system: name a file with --config FILE or ARDESK_CONFIG=FILE"
        );
    };
    let path = source.path();
    writeln!(out, "{}", clean(&path.display().to_string()))?;
    let state = match (&loaded.problem, path.is_file()) {
        (Some(why), _) => format!("not taken: {why}"),
        (None, true) => "exists, and is in force".to_string(),
        (None, false) => {
            "does not exist: the defaults are in force (`ardesk config-file --default` prints a file to start from)"
                .to_string()
        }
    };
    writeln!(out, "  from {}; {state}", source.origin())
}

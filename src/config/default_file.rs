//! `ardesk config-file --default`: a configuration file that says what the
//! defaults are, generated from the settings and the key table (never a
//! copy of them), so that it cannot drift; read back, it gives the
//! defaults (a test says so).

use super::ThemeName;
use crate::app::keymap::{self, BINDINGS, Context};
use std::fmt::Write;

/// A TOML string, quoted and escaped as TOML wants.
fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The whole file, every setting at its default, every screen's actions
/// with their default keys.
pub fn default_file(database: &str) -> String {
    let themes: Vec<&str> = ThemeName::ALL.iter().map(|(_, n)| *n).collect();
    let mut f = String::new();
    let _ = write!(
        f,
        "\
# ardesk's configuration. Every setting is shown at its default; delete
# what you do not change. `ardesk config-file` says where this file is read
# from; --config FILE or ARDESK_CONFIG=FILE read another.

# The database when --db is not given (~ is your home directory).
# database = {database}

# Colours: {themes}.
# NO_COLOR in the environment turns colours off whatever this says.
theme = \"default\"

# Dates on the screen: \"iso\" (2026-12-07), or \"locale\" for the order
# your locale (LC_ALL, LC_TIME or LANG) writes them in: en_US 12/07/2026,
# en_GB fr es it 07/12/2026, de ru pl 07.12.2026. Files, exports and the
# dates you type stay ISO.
dates = \"iso\"

# Whether the screen takes the mouse; --mouse or --no-mouse win.
mouse = false

# Keys, per screen: action = \"key\" or [\"key\", \"key\"]. The keys given
# replace all of the action's keys on that screen. Keys are written as the
# footer and the help write them: \"j\", \"G\", \"?\", \"Ctrl-D\", \"Enter\", \"Esc\",
# \"Tab\", \"S-Tab\" (or \"Shift-Tab\"), \"Space\", \"↑\" \"↓\" \"←\" \"→\" (or \"Up\"...),
# \"PgUp\", \"PgDn\", \"Home\", \"End\", \"F1\"... A key may do one thing per
# screen, and a screen's keys hide those of the screens it falls through
# to (a tab's, the customer page's, then global), so a remap that would
# make two actions share a key is refused with both named.
",
        database = quoted(database),
        themes = themes.join(", ")
    );
    for ctx in Context::ALL {
        let bindings: Vec<_> = BINDINGS.iter().filter(|b| b.ctx == *ctx).collect();
        if bindings.is_empty() {
            continue;
        }
        let _ = write!(f, "\n[keys.{}]\n", ctx.name());
        for b in bindings {
            let name = keymap::action_name(b.action);
            let keys: Vec<String> = b.keys.iter().map(|k| quoted(&keymap::name(*k))).collect();
            if !keymap::remappable(*ctx, b.action) {
                let _ = writeln!(f, "# {name} = {}: {} (fixed)", keymap::keys_label(&b.keys), b.hint);
                continue;
            }
            let value = if let [one] = keys.as_slice() { one.clone() } else { format!("[{}]", keys.join(", ")) };
            let _ = writeln!(f, "{name} = {value}  # {}", b.hint);
        }
    }
    f
}

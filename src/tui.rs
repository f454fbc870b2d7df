//! The terminal loop: draw, wait for a key (or a second, to notice other
//! processes' commits), update, repeat. The terminal is restored on every
//! way out, panics included.

use crate::app::App;
use color_eyre::eyre::{Result, bail};
use ratatui::crossterm::event::{self, Event};
use std::io::IsTerminal;

/// Refuses terminals that cannot show the interface, with a reason.
pub fn check_terminal() -> Result<()> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        bail!(
            "ardesk needs an interactive terminal; for scripts use the subcommands (ardesk customers --json, ardesk customer ID --json)"
        );
    }
    if std::env::var("TERM").is_ok_and(|t| t == "dumb") {
        bail!("TERM=dumb cannot show ardesk's screens; set TERM (e.g. xterm-256color) or use the subcommands");
    }
    Ok(())
}

pub fn run(app: &mut App) -> Result<()> {
    // ratatui::init installs a panic hook that restores the terminal first.
    let mut terminal = ratatui::init();
    let result = event_loop(&mut terminal, app);
    ratatui::restore();
    result
}

fn event_loop(terminal: &mut ratatui::DefaultTerminal, app: &mut App) -> Result<()> {
    let size = terminal.size()?;
    app.resize(ratatui::layout::Rect::new(0, 0, size.width, size.height));
    let mut dirty = true;
    while !app.quit {
        if dirty {
            terminal.draw(|f| crate::ui::draw(app, f))?;
            dirty = false;
        }
        if event::poll(app.poll_interval())? {
            match event::read()? {
                Event::Key(key) => {
                    app.handle_key(key);
                    dirty = true;
                }
                Event::Resize(w, h) => {
                    app.resize(ratatui::layout::Rect::new(0, 0, w, h));
                    dirty = true;
                }
                _ => {}
            }
        } else {
            dirty = app.tick();
        }
    }
    Ok(())
}

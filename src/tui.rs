//! The terminal loop: draw, wait for a key (or a second, to notice other
//! processes' commits), update, repeat. The terminal is restored on every
//! way out, panics included.

use crate::app::App;
use color_eyre::eyre::{Result, bail};
use ratatui::crossterm::event::{self, Event};
use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

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
    // SIGTERM (kill), SIGHUP (the SSH connection dropped) and SIGQUIT end
    // the loop like `q` does, so the terminal is restored on the way out.
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP, signal_hook::consts::SIGQUIT] {
        signal_hook::flag::register(sig, stop.clone())?;
    }
    // ratatui::init installs a panic hook that restores the terminal first.
    let mut terminal = ratatui::init();
    let result = event_loop(&mut terminal, app, &stop);
    ratatui::restore();
    result
}

fn event_loop(terminal: &mut ratatui::DefaultTerminal, app: &mut App, stop: &AtomicBool) -> Result<()> {
    let size = terminal.size()?;
    app.resize(ratatui::layout::Rect::new(0, 0, size.width, size.height));
    let mut dirty = true;
    while !app.quit && !stop.load(Ordering::Relaxed) {
        if dirty {
            terminal.draw(|f| crate::ui::draw(app, f))?;
            dirty = false;
            // Test builds only: prove the terminal is restored after a panic.
            #[cfg(debug_assertions)]
            if std::env::var_os("ARDESK_FORCE_PANIC").is_some() {
                panic!("forced panic (ARDESK_FORCE_PANIC) to test terminal restore");
            }
        }
        let ready = match event::poll(app.poll_interval()) {
            Ok(r) => r,
            // A signal (see `run`) interrupted the wait: look at the flag.
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.into()),
        };
        if ready {
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

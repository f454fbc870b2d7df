//! The terminal loop: draw, wait for a key (or a second, to notice other
//! processes' commits), update, repeat. The terminal is restored on every
//! way out, panics included.

use crate::app::App;
use color_eyre::eyre::{Result, bail};
use ratatui::crossterm::event::{self, Event};
use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Copies `url` with OSC 52 and turns the link dialog's label into an
/// OSC 8 hyperlink. `url` passed `safe_url`: printable ASCII only.
fn hyperlink(terminal: &mut ratatui::DefaultTerminal, app: &App, url: &str) -> Result<()> {
    use std::io::Write;
    let Some(crate::app::dialog::Dialog::Link { label, .. }) = app.dialogs.last() else { return Ok(()) };
    let size = terminal.size()?;
    let at = crate::ui::popup::link_label_area(ratatui::layout::Rect::new(0, 0, size.width, size.height), label, url);
    // Written past ratatui, so cleaned and cut here as a cell would be.
    let label = crate::domain::text::clean(label);
    let text = crate::domain::text::ellipsize(&label, at.width as usize);
    let out = terminal.backend_mut();
    write!(out, "\x1b]52;c;{}\x07", base64(url.as_bytes()))?;
    write!(out, "\x1b[{};{}H\x1b]8;;{url}\x1b\\{text}\x1b]8;;\x1b\\", at.y + 1, at.x + 1)?;
    out.flush()?;
    Ok(())
}

/// Standard base64, for OSC 52.
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

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

/// How the TUI ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// Quit, or ended by a signal, with the terminal restored.
    Quit,
    /// Its terminal went away (a dropped SSH connection, a closed window):
    /// nothing can be shown or restored, so it ends quietly (status 129,
    /// as after SIGHUP).
    HungUp,
}

pub fn run(app: &mut App) -> Result<Ended> {
    // SIGTERM (kill), SIGHUP (the SSH connection dropped), SIGQUIT and
    // SIGINT (`kill -INT`; Ctrl-C is a key in raw mode) end the loop like
    // `q` does, so the terminal is restored on the way out.
    let stop = Arc::new(AtomicBool::new(false));
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
    for sig in [SIGTERM, SIGHUP, SIGQUIT, SIGINT] {
        signal_hook::flag::register(sig, stop.clone())?;
    }
    // ratatui::init installs a panic hook that restores the terminal first.
    let mut terminal = ratatui::init();
    if app.mouse
        && let Err(e) = capture_mouse()
    {
        release_mouse();
        let _ = ratatui::try_restore();
        return Err(e);
    }
    let done = Arc::new(AtomicBool::new(false));
    watchdog(stop.clone(), done.clone(), app.mouse);
    let result = event_loop(&mut terminal, app, &stop);
    // ratatui::restore prints with eprintln!, which panics on a terminal
    // that has gone away (EIO), and a panic there aborted the process.
    if app.mouse {
        release_mouse();
    }
    let restored = ratatui::try_restore();
    // Terminal's Drop shows the cursor, and when that fails (the terminal
    // is gone) says so with eprintln!, which panics on that same dead
    // terminal; the panic hook's restore then panics again and the process
    // aborts. Show it here, and forget the terminal when it cannot be.
    if terminal.show_cursor().is_err() {
        std::mem::forget(terminal);
    }
    done.store(true, Ordering::SeqCst);
    if terminal_hung_up() {
        return Ok(Ended::HungUp);
    }
    if let Err(e) = restored {
        crate::commands::out::say(&format!("could not restore the terminal: {e}"));
    }
    result.map(|()| Ended::Quit)
}

/// Clicks, drags and the wheel, reported in SGR form. Not crossterm's
/// `EnableMouseCapture`, which also asks for every movement (1003): each
/// would wake the loop, and a pointer kept moving would hold off the
/// answers, progress and reloads that come while no key is pressed.
const MOUSE_ON: &str = "\x1b[?1000h\x1b[?1002h\x1b[?1006h";
/// Every report mode off, 1003 and 1015 too, whoever turned them on.
const MOUSE_OFF: &str = "\x1b[?1006l\x1b[?1015l\x1b[?1003l\x1b[?1002l\x1b[?1000l";

/// Asks the terminal to report the mouse, and makes every way out (a
/// panic included: ratatui's hook restores the rest) ask it to stop, or
/// the shell after ardesk would get escape codes for every click.
fn capture_mouse() -> Result<()> {
    use std::io::Write;
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        release_mouse();
        hook(info);
    }));
    let mut out = std::io::stdout();
    out.write_all(MOUSE_ON.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// Stops the mouse reports; quietly, as the terminal may be gone.
fn release_mouse() {
    use std::io::Write;
    let mut out = std::io::stdout();
    let _ = out.write_all(MOUSE_OFF.as_bytes()).and_then(|()| out.flush());
}

/// How long the loop gets to end by itself once it should.
const GRACE: Duration = Duration::from_millis(500);

/// crossterm's event reader spins on a terminal that has gone away (`read`
/// returns 0 forever: crossterm-rs/crossterm#793), so the loop never sees
/// the signal flag, nor that the SSH connection dropped, and the orphan
/// burns a core. This thread watches for both; when the loop has not ended
/// `GRACE` later it restores the terminal if there still is one and exits.
/// Nothing is lost: every write is one transaction, and one cut short is
/// rolled back as after a kill (tests/crash.rs).
fn watchdog(stop: Arc<AtomicBool>, done: Arc<AtomicBool>, mouse: bool) {
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(Duration::from_millis(200));
            if done.load(Ordering::SeqCst) {
                return;
            }
            let hung_up = terminal_hung_up();
            if hung_up {
                stop.store(true, Ordering::SeqCst);
            }
            if !stop.load(Ordering::SeqCst) {
                continue;
            }
            let deadline = Instant::now() + GRACE;
            while Instant::now() < deadline {
                if done.load(Ordering::SeqCst) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            // The terminal may have gone since the flag was seen (a SIGHUP
            // comes before its hang-up shows on standard input): restoring
            // it then fails with EIO, and `ratatui::restore` would say so
            // with eprintln!, which panics on a dead terminal inside the
            // panic hook and aborts. try_restore only reports.
            let hung_up = hung_up || terminal_hung_up();
            if !hung_up {
                if mouse {
                    release_mouse();
                }
                let _ = ratatui::try_restore();
            }
            std::process::exit(if hung_up { 129 } else { 143 });
        }
    });
}

/// Keys typed and not read. crossterm waits on an edge-triggered epoll,
/// and when a resize and keys are ready at once it returns the resize and
/// forgets that the keys are ready (its `SIGNAL_TOKEN` arm returns before
/// the terminal's; likewise past the first 1,024 bytes of a burst): the
/// keys then sit unread until another is typed. Two `q`s typed just after
/// a resize left ardesk running (e2e_tui's resize storm, one run in about
/// forty); `tests/resize_keys.rs` loses one key in two without this. When
/// bytes wait on standard input that crossterm does not report, setting
/// the terminal's modes to what they are wakes its readers, which gives
/// the epoll a new edge, and the next wait reads them.
fn rearm_if_unread() {
    let mut fd = libc::pollfd { fd: libc::STDIN_FILENO, events: libc::POLLIN, revents: 0 };
    // SAFETY: one valid pollfd, a count of one, and no wait.
    let waiting = unsafe { libc::poll(&mut fd, 1, 0) } > 0 && fd.revents & libc::POLLIN != 0;
    if !waiting || event::poll(Duration::ZERO).unwrap_or(true) {
        return;
    }
    // SAFETY: tcgetattr fills the termios it is given, which tcsetattr then
    // sets unchanged on the same descriptor.
    unsafe {
        let mut t: libc::termios = std::mem::zeroed();
        if libc::tcgetattr(libc::STDIN_FILENO, &mut t) == 0 {
            libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &t);
        }
    }
}

/// Whether the terminal on standard input has hung up (its other end, the
/// SSH session or the terminal window, is gone).
fn terminal_hung_up() -> bool {
    let mut fd = libc::pollfd { fd: libc::STDIN_FILENO, events: libc::POLLIN, revents: 0 };
    // SAFETY: one valid pollfd, a count of one, and no wait.
    let n = unsafe { libc::poll(&mut fd, 1, 0) };
    n > 0 && fd.revents & (libc::POLLHUP | libc::POLLNVAL) != 0
}

fn event_loop(terminal: &mut ratatui::DefaultTerminal, app: &mut App, stop: &AtomicBool) -> Result<()> {
    let size = terminal.size()?;
    app.resize(ratatui::layout::Rect::new(0, 0, size.width, size.height));
    let mut dirty = true;
    while !app.quit && !stop.load(Ordering::Relaxed) {
        // Keys typed ahead into a search line are all handled before a
        // frame is drawn (elsewhere, a key held down still shows each step).
        let ahead = dirty && app.typing() && event::poll(Duration::ZERO).unwrap_or(false);
        if !ahead {
            app.catch_up();
        }
        // A resize crossterm did not report (its reader forgets a resize
        // that comes with a key, as it forgets keys that come with one:
        // `rearm_if_unread`) is seen here, at the next pass of the loop.
        if let Ok(now) = terminal.size()
            && (now.width, now.height) != (app.size.width, app.size.height)
        {
            app.resize(ratatui::layout::Rect::new(0, 0, now.width, now.height));
            dirty = true;
        }
        if dirty && !ahead {
            terminal.draw(|f| crate::ui::draw(app, f))?;
            dirty = false;
            if let Some(url) = app.osc_link.take() {
                hyperlink(terminal, app, &url)?;
            }
            // Test builds only: prove the terminal is restored after a panic.
            #[cfg(debug_assertions)]
            if std::env::var_os("ARDESK_FORCE_PANIC").is_some() {
                panic!("forced panic (ARDESK_FORCE_PANIC) to test terminal restore");
            }
            app.drawn(event::poll(Duration::ZERO).unwrap_or(false));
            // A large bulk write runs once the frame announcing it is up.
            if app.run_bulk() {
                dirty = true;
                continue;
            }
        }
        rearm_if_unread();
        let ready = match event::poll(app.poll_interval()) {
            Ok(r) => r,
            // A signal (see `run`) interrupted the wait: look at the flag.
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.into()),
        };
        if ready {
            match event::read()? {
                Event::Key(key) => {
                    let more = event::poll(Duration::ZERO).unwrap_or(false);
                    app.handle_key_ahead(key, more);
                    dirty = true;
                }
                Event::Mouse(m) if app.mouse => dirty |= app.handle_mouse(m),
                Event::Resize(w, h) => {
                    app.resize(ratatui::layout::Rect::new(0, 0, w, h));
                    dirty = true;
                }
                _ => {}
            }
            // What waited after a question's first frame may have been a
            // mouse move or a resize, not a key: it counts only while
            // something still waits.
            app.still_waiting(event::poll(Duration::ZERO).unwrap_or(false));
        } else {
            dirty = app.tick();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_matches_the_standard() {
        assert_eq!(super::base64(b"https://x"), "aHR0cHM6Ly94");
        assert_eq!(super::base64(b"ab"), "YWI=");
        assert_eq!(super::base64(b"a"), "YQ==");
    }
}

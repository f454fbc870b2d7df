//! The SSH connection drops (the terminal's other end closes): ardesk must
//! end, not linger. crossterm's reader spins on a dead terminal (read
//! returns 0 forever), so without the watchdog in src/tui.rs the orphan
//! stayed alive burning a core, deaf to SIGHUP and SIGTERM alike.

mod support;

use std::io::Read;
use std::time::{Duration, Instant};

/// The terminal's other end; dropping it is the SSH connection going away.
struct Terminal {
    _master: Box<dyn portable_pty::MasterPty + Send>,
    _writer: Box<dyn std::io::Write + Send>,
}

/// Starts `cmd` in a fresh 80×24 terminal and waits for the customers list;
/// the reader lets go of its handle once the list is on screen.
fn start_and_wait_for_first_screen(
    mut cmd: portable_pty::CommandBuilder,
) -> (Box<dyn portable_pty::Child + Send + Sync>, Terminal) {
    use portable_pty::{PtySize, native_pty_system};
    let pty = native_pty_system().openpty(PtySize { rows: 24, cols: 80, pixel_width: 0, pixel_height: 0 }).unwrap();
    cmd.env("TERM", "xterm-256color");
    let child = pty.slave.spawn_command(cmd).unwrap();
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().unwrap();
    let writer = pty.master.take_writer().unwrap();
    let seen = std::thread::spawn(move || {
        let (mut buf, mut all) = ([0u8; 4096], Vec::new());
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            all.extend_from_slice(&buf[..n]);
            if String::from_utf8_lossy(&all).contains("Customers (") {
                return true;
            }
        }
        false
    });
    assert!(seen.join().unwrap(), "ardesk drew its first screen");
    (child, Terminal { _master: pty.master, _writer: writer })
}

/// Whether process `pid` is alive (not gone, not a zombie).
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .is_ok_and(|s| s.rsplit_once(')').is_some_and(|(_, rest)| !rest.trim_start().starts_with('Z')))
}

/// The children of process `pid`.
fn children(pid: u32) -> Vec<u32> {
    let list = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).unwrap_or_default();
    list.split_whitespace().filter_map(|p| p.parse().ok()).collect()
}

/// ardesk started by a shell, as in an SSH session or a tmux window: the
/// shell leads the session, so when the terminal goes the kernel's SIGHUP
/// goes to the shell and ardesk only finds a terminal that reads as empty.
#[test]
fn a_dropped_terminal_ends_ardesk_started_by_a_shell() {
    let line = format!("'{}' --db '{}' --today {}; true", support::bin(), support::demo_db().display(), support::TODAY);
    let mut cmd = portable_pty::CommandBuilder::new("sh");
    cmd.args(["-c", &line]);
    let (mut shell, terminal) = start_and_wait_for_first_screen(cmd);
    let ardesk = *children(shell.process_id().unwrap()).first().expect("ardesk runs under the shell");
    drop(terminal);
    let start = Instant::now();
    while alive(ardesk) {
        if start.elapsed() > Duration::from_secs(10) {
            // SAFETY: a plain kill(2) of the pid this test started.
            unsafe { libc::kill(ardesk as i32, libc::SIGKILL) };
            panic!("ardesk was still running 10 s after its terminal went away");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    eprintln!("ardesk ended {:?} after the terminal went away", start.elapsed());
    let _ = shell.wait();
}

/// ardesk leading its own session: the kernel's SIGHUP reaches it.
#[test]
fn a_dropped_terminal_ends_ardesk_within_seconds() {
    let mut cmd = portable_pty::CommandBuilder::new(support::bin());
    cmd.args(["--db", support::demo_db().to_str().unwrap(), "--today", support::TODAY]);
    let (mut child, terminal) = start_and_wait_for_first_screen(cmd);
    drop(terminal);
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(start.elapsed() < Duration::from_secs(3), "took {:?}", start.elapsed());
            eprintln!("ended after {:?} with {status:?}", start.elapsed());
            return;
        }
        if start.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            panic!("ardesk was still running 10 s after its terminal went away");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `kill -INT` (Ctrl-C is a key in raw mode, so SIGINT only comes from
/// outside) restores the terminal as SIGTERM, SIGHUP and SIGQUIT do: it used
/// to kill ardesk on the alternate screen with the cursor hidden and the tty
/// left raw.
#[test]
fn sigint_restores_the_terminal() {
    let db = support::demo_db().to_str().unwrap().to_string();
    let mut tui = support::Tui::start(&["--db", &db, "--today", support::TODAY], 80, 24);
    tui.wait_for("Customers (");
    assert!(!tui.line_mode(), "ardesk runs in raw mode");
    tui.signal("INT");
    assert_eq!(tui.wait_exit(), 0, "SIGINT ends ardesk cleanly");
    let raw = tui.wait_raw("\x1b[?1049l");
    assert!(raw.contains("\x1b[?1049l"), "the alternate screen is left");
    assert!(raw.rfind("\x1b[?25h") > raw.rfind("\x1b[?25l"), "the cursor is shown again");
    assert!(tui.line_mode(), "canonical input and echo are back on");
}

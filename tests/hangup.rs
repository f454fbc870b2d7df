//! The SSH connection drops (the terminal's other end closes): ardesk must
//! end by itself, with an exit of its own. crossterm's reader spins on a
//! dead terminal (read returns 0 forever), so without the watchdog in
//! src/tui.rs the orphan stayed alive burning a core, deaf to SIGHUP and
//! SIGTERM alike (today's build without it dies of SIGABRT instead). The
//! watchdog looks every 200 ms and gives the loop 500 ms, about 0.7 s on an
//! idle machine; the tests print the time but assert the outcome, since a
//! loaded machine can take longer.

mod support;

use std::io::Read;
use std::time::{Duration, Instant};

/// The terminal's other end; dropping it is the SSH connection going away.
struct Terminal {
    _master: Box<dyn portable_pty::MasterPty + Send>,
    _writer: Box<dyn std::io::Write + Send>,
}

/// Starts `cmd` in a fresh 80×24 terminal and waits for the customers list;
/// the reader lets go of its handle once the list is on screen. The reader
/// is joined only once it has answered, and a process that never draws is
/// killed and reported instead of hanging the test.
fn start_and_wait_for_first_screen(
    mut cmd: portable_pty::CommandBuilder,
) -> (Box<dyn portable_pty::Child + Send + Sync>, Terminal) {
    use portable_pty::{PtySize, native_pty_system};
    let pty = native_pty_system().openpty(PtySize { rows: 24, cols: 80, pixel_width: 0, pixel_height: 0 }).unwrap();
    cmd.env("TERM", "xterm-256color");
    let mut child = pty.slave.spawn_command(cmd).unwrap();
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().unwrap();
    let writer = pty.master.take_writer().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let seen = std::thread::spawn(move || {
        let (mut buf, mut all) = ([0u8; 4096], Vec::new());
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            all.extend_from_slice(&buf[..n]);
            if String::from_utf8_lossy(&all).contains("Customers (") {
                let _ = tx.send(true);
                return;
            }
        }
        let _ = tx.send(false);
    });
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(drew) => {
            seen.join().expect("the reader thread");
            assert!(drew, "ardesk ended before drawing its first screen");
        }
        Err(_) => {
            // The reader is blocked in read(2); ending the process ends it.
            let _ = child.kill();
            drop(pty.master);
            panic!("ardesk drew no first screen in 60 s");
        }
    }
    (child, Terminal { _master: pty.master, _writer: writer })
}

/// How long `ended` took to hold after the terminal went away, or `None`
/// when it still did not after 60 s. No clock decides a test's outcome:
/// the deadline only keeps a process that never ends from hanging the test.
fn wait_until_it_ends(mut ended: impl FnMut() -> bool) -> Option<Duration> {
    let start = Instant::now();
    while !ended() {
        if start.elapsed() > Duration::from_secs(60) {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Some(start.elapsed())
}

/// The children of process `pid`.
fn children(pid: u32) -> Vec<u32> {
    let list = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).unwrap_or_default();
    list.split_whitespace().filter_map(|p| p.parse().ok()).collect()
}

/// ardesk started by a shell, as in an SSH session or a tmux window: the
/// shell leads the session, so when the terminal goes the kernel's SIGHUP
/// goes to the shell and ardesk only finds a terminal that reads as empty.
/// It ends by itself with an exit of its own. (The shell dies of the
/// hang-up first; this test process is made the subreaper of the orphan,
/// so it can read how ardesk ended.)
#[test]
fn a_dropped_terminal_ends_ardesk_started_by_a_shell() {
    // SAFETY: prctl with PR_SET_CHILD_SUBREAPER takes an integer flag.
    assert_eq!(unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1) }, 0);
    let line = format!("'{}' --db '{}' --today {}; true", support::bin(), support::demo_db().display(), support::TODAY);
    let mut cmd = portable_pty::CommandBuilder::new("sh");
    cmd.args(["-c", &line]);
    let (mut shell, terminal) = start_and_wait_for_first_screen(cmd);
    let ardesk = *children(shell.process_id().unwrap()).first().expect("ardesk runs under the shell");
    drop(terminal);
    let _ = shell.wait();
    let mut status = None;
    let took = wait_until_it_ends(|| {
        let mut st = 0;
        // SAFETY: waitpid on the pid this test's shell started, now ours.
        let r = unsafe { libc::waitpid(ardesk as i32, &mut st, libc::WNOHANG) };
        assert!(r >= 0, "ardesk was reaped by its shell, not handed to this test: {}", std::io::Error::last_os_error());
        if r > 0 {
            status = Some(st);
        }
        r > 0
    });
    let Some(took) = took else {
        // SAFETY: a plain kill(2) of the pid this test started.
        unsafe { libc::kill(ardesk as i32, libc::SIGKILL) };
        panic!("ardesk was still running 60 s after its terminal went away");
    };
    let st = status.unwrap();
    eprintln!("ardesk ended {took:?} after its shell, status {st:#x}");
    assert!(libc::WIFEXITED(st), "ardesk was killed by signal {}, not ended by itself", libc::WTERMSIG(st));
    assert!(matches!(libc::WEXITSTATUS(st), 0 | 129), "exit {}", libc::WEXITSTATUS(st));
}

/// ardesk leading its own session: the kernel's SIGHUP reaches it, and it
/// ends by itself with an exit of its own (0 from its loop, or 129 from the
/// watchdog when crossterm's reader spins), not killed by the signal.
#[test]
fn a_dropped_terminal_ends_ardesk_leading_its_session() {
    let mut cmd = portable_pty::CommandBuilder::new(support::bin());
    cmd.args(["--db", support::demo_db().to_str().unwrap(), "--today", support::TODAY]);
    let (mut child, terminal) = start_and_wait_for_first_screen(cmd);
    drop(terminal);
    let mut status = None;
    let took = wait_until_it_ends(|| {
        status = child.try_wait().unwrap();
        status.is_some()
    });
    let Some(took) = took else {
        let _ = child.kill();
        panic!("ardesk was still running 60 s after its terminal went away");
    };
    eprintln!("ended after {took:?} with {status:?}");
    let code = status.as_ref().map(|s| s.exit_code());
    assert!(matches!(code, Some(0 | 129)), "{status:?}");
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

//! Shared helpers for the integration tests: a demo database made once per
//! test binary, and the real binary driven in a pseudo-terminal.
#![allow(dead_code)]

pub mod backends;
pub mod both;
pub mod fixture;
pub mod keys;
pub mod pg;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

pub const TODAY: &str = "2026-03-01";

/// How long a wait on the screen or the process may take before the test
/// gives up: a guard against hanging, never a measure of speed (a loaded
/// 2-core machine running the whole suite is slow, not broken).
pub const PATIENCE: Duration = Duration::from_secs(30);

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_ardesk")
}

/// A demo database generated once for this test binary (read-only use).
pub fn demo_db() -> &'static Path {
    static DB: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = DB.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("demo.db");
        make_demo(&path, None);
        (dir, path)
    });
    path
}

/// Generates a demo database at `path` with the real binary.
pub fn make_demo(path: &Path, invoices: Option<u64>) {
    let mut cmd = std::process::Command::new(bin());
    cmd.args(["demo", "--db"]).arg(path).args(["--today", TODAY]);
    if let Some(n) = invoices {
        cmd.args(["--invoices", &n.to_string()]);
    }
    let out = cmd.output().expect("run ardesk demo");
    assert!(out.status.success(), "ardesk demo failed: {}", String::from_utf8_lossy(&out.stderr));
}

/// A configuration directory with nothing in it: the binary under test
/// reads the defaults, not the configuration of whoever runs the tests.
/// (`ARDESK_CONFIG` still wins where a test sets it.)
pub fn no_config() -> PathBuf {
    std::env::temp_dir().join("ardesk-tests-no-config")
}

/// Runs the binary to completion and returns (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    let out =
        std::process::Command::new(bin()).args(args).env("XDG_CONFIG_HOME", no_config()).output().expect("run ardesk");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The real binary in a pseudo-terminal, its screen parsed by vt100.
pub struct Tui {
    pub parser: Arc<Mutex<vt100::Parser>>,
    pub raw: Arc<Mutex<Vec<u8>>>,
    master: Box<dyn portable_pty::MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
}

impl Tui {
    pub fn start(args: &[&str], cols: u16, rows: u16) -> Tui {
        Tui::start_env(args, &[], cols, rows)
    }

    pub fn start_env(args: &[&str], env: &[(&str, &str)], cols: u16, rows: u16) -> Tui {
        use portable_pty::{CommandBuilder, PtySize, native_pty_system};
        let pair =
            native_pty_system().openpty(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 }).expect("openpty");
        let mut cmd = CommandBuilder::new(bin());
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env("XDG_CONFIG_HOME", no_config());
        cmd.env_remove("NO_COLOR");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn ardesk");
        drop(pair.slave);
        let parser = Arc::new(Mutex::new(vt100::Parser::new(nz(rows), nz(cols), 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let (p, r) = (parser.clone(), raw.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                p.lock().unwrap().process(&buf[..n]);
                r.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        let writer = pair.master.take_writer().expect("writer");
        Tui { parser, raw, master: pair.master, writer, child }
    }

    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Waits until the screen satisfies `pred`; panics with the screen if
    /// it does not within `PATIENCE`.
    pub fn wait(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for a whole customer page, not a frame caught half drawn: the
    /// tab bar comes after the cards.
    pub fn wait_page(&self) -> String {
        self.wait("the customer page", |s| s.contains("Billed & Collected") && s.contains("1 Invoices ("))
    }

    pub fn wait_for(&self, text: &str) -> String {
        self.wait(text, |s| s.contains(text))
    }

    pub fn send(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.parser.lock().unwrap().screen_mut().set_size(nz(rows), nz(cols));
        self.master.resize(portable_pty::PtySize { rows, cols, pixel_width: 0, pixel_height: 0 }).unwrap();
    }

    /// Waits until everything the process wrote contains `needle` (the
    /// reader thread may lag behind the exit); returns it all.
    pub fn wait_raw(&self, needle: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let raw = String::from_utf8_lossy(&self.raw.lock().unwrap()).into_owned();
            if raw.contains(needle) || Instant::now() > deadline {
                return raw;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Whether the terminal is in line mode (canonical input, echo on), as
    /// a shell needs it; raw mode turns both off.
    pub fn line_mode(&self) -> bool {
        let fd = self.master.as_raw_fd().expect("pty fd");
        // SAFETY: tcgetattr fills a termios it is given; fd stays open while
        // `self.master` lives.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        assert_eq!(unsafe { libc::tcgetattr(fd, &mut t) }, 0, "tcgetattr on the pty");
        t.c_lflag & libc::ICANON != 0 && t.c_lflag & libc::ECHO != 0
    }

    /// Sends a signal (by name, e.g. "TERM") to the process.
    pub fn signal(&self, name: &str) {
        let pid = self.child.process_id().expect("pid").to_string();
        let ok = std::process::Command::new("kill").args([&format!("-{name}"), &pid]).status().unwrap();
        assert!(ok.success());
    }

    /// Each thread of the process, from /proc: its name, its state and
    /// the kernel function it waits in (what a hang is diagnosed from).
    pub fn threads(&self) -> String {
        let Some(pid) = self.child.process_id() else { return "no process id".into() };
        let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else { return "no /proc entry".into() };
        let read = |p: std::path::PathBuf| std::fs::read_to_string(p).unwrap_or_default().trim().to_string();
        let mut out = Vec::new();
        for task in tasks.flatten() {
            let dir = task.path();
            let stat = read(dir.join("stat"));
            let state = stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().next()).unwrap_or("?");
            let stack = read(dir.join("stack"));
            let stack: Vec<&str> = stack.lines().take(6).collect();
            out.push(format!(
                "  {} {} {} {}",
                read(dir.join("comm")),
                state,
                read(dir.join("wchan")),
                stack.join(" < ")
            ));
        }
        out.join("\n")
    }

    /// What the process's terminal holds: its line mode, the bytes typed
    /// and not yet read by it, and the size and screen the test's parser
    /// keeps (what a hang is diagnosed from).
    pub fn terminal_state(&self) -> String {
        let pending = self
            .child
            .process_id()
            .and_then(|pid| std::fs::File::open(format!("/proc/{pid}/fd/0")).ok())
            .map(|f| {
                use std::os::fd::AsRawFd;
                let mut n: libc::c_int = 0;
                // SAFETY: FIONREAD writes one int; the file is open.
                let r = unsafe { libc::ioctl(f.as_raw_fd(), libc::FIONREAD, &mut n) };
                if r == 0 { n.to_string() } else { "unknown".into() }
            })
            .unwrap_or_else(|| "unknown".into());
        let p = self.parser.lock().unwrap();
        format!(
            "  line mode {}, {pending} typed bytes unread, parser {:?} alternate screen {}",
            self.line_mode(),
            p.screen().size(),
            p.screen().alternate_screen()
        )
    }

    /// Waits for the process to end and returns its exit code.
    pub fn wait_exit(&mut self) -> u32 {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.exit_code();
            }
            if Instant::now() > deadline {
                let threads = format!("{}\n{}", self.threads(), self.terminal_state());
                let raw = self.raw.lock().unwrap().clone();
                let tail = String::from_utf8_lossy(&raw[raw.len().saturating_sub(600)..]).escape_debug().to_string();
                let _ = self.child.kill();
                panic!(
                    "ardesk did not exit; its threads (name, state, where it waits):\n{threads}\n\
                     the last it wrote: {tail}\nscreen:\n{}",
                    self.screen()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

fn nz(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n.max(1)).unwrap()
}

//! The edges where the command line's text leaves ardesk. Everything on
//! standard error goes through `say`, and every human-readable output
//! (and data output to a terminal) through `Shown`: both clean it as the
//! screen does (`domain::text::clean_lines`), so a message that quotes a
//! file name, a cell or an id cannot drive the terminal, whoever wrote it.
//! Data to a file or a pipe goes out exactly as stored.

use crate::domain::text::clean_lines;
use std::io::{self, Write};

/// Prints `ardesk: MESSAGE` on standard error, cleaned. A message of
/// several lines keeps its line breaks; nothing else acts on the terminal.
pub fn say(message: &str) {
    // Never eprintln!: it panics when standard error is gone (a terminal
    // that hung up), and there is nothing left to tell then.
    let _ = writeln!(io::stderr(), "ardesk: {}", clean_lines(message));
}

/// The error that ended a command, with its causes, through `say`.
pub fn report(e: &color_eyre::eyre::Report) {
    say(&e.to_string());
    for cause in e.chain().skip(1) {
        let _ = writeln!(io::stderr(), "  caused by: {}", clean_lines(&cause.to_string()));
    }
}

/// A command line clap refused (it quotes the arguments), or `--help` and
/// `--version`; returns the exit code.
pub fn usage(e: &clap::Error) -> std::process::ExitCode {
    let text = e.render().to_string();
    if e.use_stderr() {
        let _ = write!(io::stderr(), "{}", clean_lines(&text));
    } else {
        let _ = io::stdout().write_all(clean_lines(&text).as_bytes());
    }
    std::process::ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2))
}

/// Like other Unix tools, ends quietly (killed by SIGPIPE, status 141 in a
/// shell) when the reader of standard output goes away, as `head` does,
/// instead of failing with "Broken pipe". Rust ignores SIGPIPE by default,
/// so every write would otherwise have to tell a closed pipe from a real
/// error. Every write ardesk makes to its database is one transaction, so
/// ending mid-command leaves it whole.
pub fn end_quietly_on_closed_pipe() {
    // SAFETY: setting a signal's disposition to the default, before any
    // other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// A writer that cleans what passes through it line by line, keeping line
/// breaks: for people's text, and for data shown on a terminal.
pub struct Shown<W: Write> {
    inner: W,
    /// Bytes of an unfinished line.
    pending: Vec<u8>,
}

impl<W: Write> Shown<W> {
    pub fn new(inner: W) -> Self {
        Shown { inner, pending: Vec::new() }
    }

    /// Cleans and writes the first `n` pending bytes.
    fn emit(&mut self, n: usize) -> io::Result<()> {
        if n == 0 {
            return Ok(());
        }
        let text = String::from_utf8_lossy(&self.pending[..n]);
        self.inner.write_all(clean_lines(&text).as_bytes())?;
        self.pending.drain(..n);
        Ok(())
    }
}

impl<W: Write> Write for Shown<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        if let Some(end) = self.pending.iter().rposition(|&b| b == b'\n') {
            self.emit(end + 1)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        // Keep a character cut in two by the caller's buffer for later.
        let whole = match std::str::from_utf8(&self.pending) {
            Ok(_) => self.pending.len(),
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(_) => self.pending.len(),
        };
        self.emit(whole)?;
        self.inner.flush()
    }
}

impl<W: Write> Drop for Shown<W> {
    fn drop(&mut self) {
        let n = self.pending.len();
        let _ = self.emit(n);
        let _ = self.inner.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_cleans_each_line_and_keeps_the_breaks() {
        let mut buf = Vec::new();
        {
            let mut w = Shown::new(&mut buf);
            write!(w, "name: \u{1b}]52;c;eA==\u{7}").unwrap();
            writeln!(w, " end").unwrap();
            write!(w, "🇫").unwrap();
            w.flush().unwrap();
            write!(w, "\u{9b}2J").unwrap();
        }
        assert_eq!(String::from_utf8(buf).unwrap(), "name: ␛]52;c;eA==␇ end\nF\u{fffd}2J");
    }

    #[test]
    fn a_character_cut_by_a_flush_waits_for_its_end() {
        let mut buf = Vec::new();
        {
            let mut w = Shown::new(&mut buf);
            let e = "é".as_bytes();
            w.write_all(&e[..1]).unwrap();
            w.flush().unwrap();
            w.write_all(&e[1..]).unwrap();
        }
        assert_eq!(String::from_utf8(buf).unwrap(), "é");
    }
}

//! Overlays: help, messages, confirmations and menus, centred over the page.

use super::theme::Theme;
use crate::app::action::Action;
use crate::app::dialog::{Confirm, Menu};
use crate::app::document_job::{JobStatus, Task};
use crate::app::import_job::ImportStatus;
use crate::app::keymap::{self, Context};
use crate::domain::text::clean;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

pub(super) use crate::view::layout::centered;

fn keys_line(ctx: Context, theme: &Theme) -> Line<'static> {
    Line::from(
        keymap::footer(&[ctx])
            .into_iter()
            .flat_map(|h| [Span::styled(h.keys, theme.key), Span::styled(format!(" {}   ", h.hint), theme.muted)])
            .collect::<Vec<_>>(),
    )
}

fn boxed(frame: &mut Frame, area: Rect, title: &str, lines: Vec<Line<'_>>, style: ratatui::style::Style) {
    let longest = lines.iter().map(super::line_width).max().unwrap_or(0) as u16 + 4;
    let width = longest.clamp(72, 110).min(area.width);
    let inner_w = width.saturating_sub(2).max(1) as usize;
    let height: usize = lines.iter().map(|l| super::line_width(l).div_ceil(inner_w).max(1)).sum::<usize>() + 2;
    let rect = centered(area, width, height as u16);
    let block =
        Block::bordered().border_type(BorderType::Rounded).border_style(style).title(format!(" {} ", clean(title)));
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), rect);
}

pub fn help(frame: &mut Frame, area: Rect, contexts: &[Context], scroll: u16, theme: &Theme) {
    use crate::app::help::{self, Look};
    let text = help::lines(contexts);
    let rect = help::area(area, &text);
    let scroll = scroll.min(help::max_scroll(area, &text));
    let lines: Vec<Line> = text
        .into_iter()
        .map(|l| {
            Line::from(
                l.0.into_iter()
                    .map(|(look, t)| {
                        let style = match look {
                            Look::Title => theme.title,
                            Look::Key => theme.key,
                            Look::Name => theme.card_title,
                            Look::Plain => ratatui::style::Style::new(),
                        };
                        Span::styled(t, style)
                    })
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    let block = Block::bordered().border_type(BorderType::Rounded).border_style(theme.popup_border).title(format!(
        " Help — {} closes, {} {} scroll ",
        keymap::label(Context::Help, Action::Back),
        keymap::label(Context::Help, Action::Up),
        keymap::label(Context::Help, Action::Down)
    ));
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }).scroll((scroll, 0)), rect);
}

pub fn message(frame: &mut Frame, area: Rect, title: &str, text: &str, reload: bool, theme: &Theme) {
    let mut lines: Vec<Line> = text.lines().map(|l| Line::raw(clean(l).into_owned())).collect();
    lines.push(Line::raw(""));
    lines.push(if reload {
        Line::from(vec![
            Span::styled(keymap::label(Context::Message, Action::Yes), theme.key),
            Span::styled(" reload   ", theme.muted),
            Span::styled(keymap::label(Context::Message, Action::Close), theme.key),
            Span::styled(" close", theme.muted),
        ])
    } else {
        keys_line(Context::Message, theme)
    });
    boxed(frame, area, title, lines, theme.error);
}

pub fn confirm(frame: &mut Frame, area: Rect, c: &Confirm, theme: &Theme) {
    let mut lines: Vec<Line> = c.lines.iter().map(|l| Line::raw(clean(l).into_owned())).collect();
    lines.push(Line::raw(""));
    lines.push(keys_line(Context::Confirm, theme));
    boxed(frame, area, &c.title, lines, theme.popup_border);
}

pub fn menu(frame: &mut Frame, area: Rect, m: &Menu, theme: &Theme) {
    let mut lines: Vec<Line> = m
        .items
        .iter()
        .enumerate()
        .map(|(i, (label, _))| {
            if i == m.selected {
                Line::styled(format!("▶ {}", clean(label)), theme.selected)
            } else {
                Line::raw(format!("  {}", clean(label)))
            }
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(keys_line(Context::Menu, theme));
    boxed(frame, area, &m.title, lines, theme.popup_border);
}

/// Where `link` draws its label: the place the terminal loop underlines
/// with an OSC 8 hyperlink after the frame is drawn.
pub fn link_label_area(area: Rect, label: &str) -> Rect {
    let rect = centered(area, 72.min(area.width), 7);
    Rect {
        x: rect.x + 1,
        y: rect.y + 1,
        width: (crate::domain::text::width(&clean(label)) as u16).min(rect.width.saturating_sub(2)),
        height: 1,
    }
}

pub fn link(frame: &mut Frame, area: Rect, label: &str, url: &str, theme: &Theme) {
    let rect = centered(area, 72.min(area.width), 7);
    let lines = vec![
        Line::styled(clean(label).into_owned(), theme.key.add_modifier(ratatui::style::Modifier::UNDERLINED)),
        Line::raw(clean(url).into_owned()),
        Line::styled("Copied to the clipboard (OSC 52; works over SSH where the terminal allows it).", theme.muted),
        Line::raw(""),
        keys_line(Context::Message, theme),
    ];
    let block = Block::bordered().border_type(BorderType::Rounded).border_style(theme.popup_border).title(" Link ");
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), rect);
}

/// Tenths of a MiB, in whole numbers.
fn mib(b: u64) -> String {
    let tenths = b * 10 / (1024 * 1024);
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// The share of `total` done, in percent, and a 40-cell bar of it.
fn bar(done: u64, total: u64, theme: &Theme) -> (usize, Line<'static>) {
    let share = |of: u64| (done.min(total) * of).checked_div(total).unwrap_or(0) as usize;
    let filled = share(40);
    let line = Line::from(vec![
        Span::styled("█".repeat(filled), theme.key),
        Span::styled("░".repeat(40 - filled), theme.muted),
    ]);
    (share(100), line)
}

/// An import's progress: bytes read with a bar, then what it is doing.
pub fn importing(frame: &mut Frame, area: Rect, st: &ImportStatus, theme: &Theme) {
    let title = if st.dry_run { "Checking what the import would change" } else { "Importing" };
    let mut lines = Vec::new();
    if st.stage.is_empty() {
        let (percent, bar) = bar(st.done, st.total, theme);
        lines.push(Line::raw(format!(
            "Reading {} file(s): {} of {} MiB ({percent}%)",
            st.files,
            mib(st.done),
            mib(st.total),
        )));
        lines.push(bar);
    } else {
        let mut stage = clean(&st.stage).into_owned();
        if let Some(first) = stage.get(..1) {
            stage = first.to_uppercase() + &stage[1..];
        }
        lines.push(Line::raw(format!("Files read; {stage}…")));
    }
    lines.push(Line::styled(format!("{} s", st.elapsed.as_secs()), theme.muted));
    lines.push(Line::styled(
        if st.dry_run {
            "Nothing is written until you confirm what it shows."
        } else if st.too_late {
            "Past the point of no return: everything will be written."
        } else {
            "All or nothing: cancelled, it writes nothing."
        },
        theme.muted,
    ));
    lines.push(Line::raw(""));
    lines.push(if st.too_late {
        Line::styled("Too late to cancel: it is being written to disk and will finish.", theme.muted)
    } else if st.cancelling {
        Line::styled("Cancelling: stopping and writing nothing…", theme.muted)
    } else {
        keys_line(Context::Importing, theme)
    });
    boxed(frame, area, title, lines, theme.popup_border);
}

/// A document upload, download or delete: the file, bytes with a bar, the
/// time taken, what a cancel does, and `Esc` (or where the cancel stands).
pub fn transfer(frame: &mut Frame, area: Rect, st: &JobStatus, theme: &Theme) {
    let (title, name, note) = match &st.task {
        Task::Upload { files, .. } => (
            match files.len() {
                1 => "Uploading".to_string(),
                n => format!("Uploading file {} of {n}", st.index + 1),
            },
            files.get(st.index).map_or(String::new(), |f| f.1.clone()),
            match files.len() {
                1 => "All or nothing: cancelled, nothing of it is stored.",
                _ => "Each file all or nothing: cancelled, this one is not stored, nor any after it.",
            },
        ),
        Task::Download { name, dir, .. } => {
            ("Downloading".to_string(), format!("{name} to {}", dir.display()), "Cancelled, it leaves no file behind.")
        }
        Task::Delete { name, .. } => {
            ("Deleting".to_string(), name.clone(), "One transaction, so it cannot be stopped part way.")
        }
    };
    let mut lines = vec![Line::styled(clean(&name).into_owned(), theme.title)];
    if !matches!(st.task, Task::Delete { .. }) {
        let (percent, bar) = bar(st.done, st.total, theme);
        lines.push(Line::raw(format!("{} of {} MiB ({percent}%)", mib(st.done), mib(st.total))));
        lines.push(bar);
    }
    lines.push(Line::styled(format!("{} s", st.elapsed.as_secs()), theme.muted));
    lines.push(Line::styled(note, theme.muted));
    lines.push(Line::raw(""));
    lines.push(match (&st.task, st.cancelling, st.finishing) {
        (Task::Delete { .. }, _, _) => Line::styled("Please wait…", theme.muted),
        (_, true, true) => Line::styled("Too late to cancel this file: it is being saved.", theme.muted),
        (_, true, false) => Line::styled("Cancelling…", theme.muted),
        (_, false, true) => Line::styled("Saving it to disk…", theme.muted),
        _ => keys_line(Context::Transfer, theme),
    });
    boxed(frame, area, &title, lines, theme.popup_border);
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use std::time::Duration;

    fn draw(st: &ImportStatus) -> String {
        let mut t = Terminal::new(TestBackend::new(90, 14)).unwrap();
        t.draw(|f| importing(f, f.area(), st, &Theme::new(true))).unwrap();
        let buf = t.backend().buffer();
        (0..buf.area.height)
            .map(|y| (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect::<String>().trim_end().to_string())
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn draw_transfer(st: &JobStatus, width: u16) -> String {
        let mut t = Terminal::new(TestBackend::new(width, 14)).unwrap();
        t.draw(|f| transfer(f, f.area(), st, &Theme::new(true))).unwrap();
        let buf = t.backend().buffer();
        (0..buf.area.height)
            .map(|y| (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect::<String>().trim_end().to_string())
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn upload(files: &[&str], index: usize) -> JobStatus {
        let files = files.iter().map(|f| (std::path::PathBuf::from(f), f.to_string())).collect();
        let task =
            Task::Upload { customer_id: 1, files, kind: crate::domain::status::DocumentKind::Other, contract_id: None };
        JobStatus {
            task,
            index,
            done: 512 << 20,
            total: 2048 << 20,
            elapsed: Duration::from_secs(7),
            cancelling: false,
            finishing: false,
        }
    }

    #[test]
    fn the_transfer_popup_shows_the_file_its_bytes_and_what_esc_does() {
        let s = draw_transfer(&upload(&["report.pdf"], 0), 80);
        assert!(s.contains("╭ Uploading ─"), "{s}");
        assert!(s.contains("report.pdf") && s.contains("512.0 of 2048.0 MiB (25%)"), "{s}");
        assert!(s.contains(&format!("{}{}", "█".repeat(10), "░".repeat(30))), "a quarter of the bar:\n{s}");
        assert!(s.contains("7 s") && s.contains("All or nothing: cancelled, nothing of it is stored."), "{s}");
        assert!(s.contains("Esc cancel"), "{s}");

        let s = draw_transfer(&upload(&["a.pdf", "b.pdf", "c.pdf"], 1), 80);
        assert!(s.contains("╭ Uploading file 2 of 3 ─") && s.contains("b.pdf"), "{s}");
        assert!(s.contains("this one is not stored, nor any after it."), "{s}");
        let s = draw_transfer(&JobStatus { cancelling: true, ..upload(&["a.pdf"], 0) }, 80);
        assert!(s.contains("Cancelling…") && !s.contains("Esc cancel"), "{s}");
        let s = draw_transfer(&JobStatus { cancelling: true, finishing: true, ..upload(&["a.pdf"], 0) }, 80);
        assert!(s.contains("Too late to cancel this file: it is being saved."), "{s}");
        let s = draw_transfer(&JobStatus { finishing: true, ..upload(&["a.pdf"], 0) }, 80);
        assert!(s.contains("Saving it to disk…") && !s.contains("Esc cancel"), "{s}");

        let task =
            Task::Download { id: 1, name: "scan\x1b]52;c;x\x07.pdf".into(), dir: "/tmp/out".into(), overwrite: false };
        let s = draw_transfer(&JobStatus { task, ..upload(&["a"], 0) }, 80);
        assert!(s.contains("╭ Downloading ─") && s.contains("to /tmp/out"), "{s}");
        assert!(s.contains("scan␛]52;c;x") && !s.contains('\x1b'), "the name is shown inert:\n{s}");
        assert!(s.contains("Cancelled, it leaves no file behind."), "{s}");

        let task = Task::Delete { id: 1, version: 1, name: "big.bin".into() };
        let s = draw_transfer(&JobStatus { task, ..upload(&["a"], 0) }, 80);
        assert!(s.contains("╭ Deleting ─") && s.contains("big.bin") && s.contains("Please wait…"), "{s}");
        assert!(!s.contains("MiB") && !s.contains("Esc"), "{s}");
        // A narrow terminal still shows the whole popup, cut to its width.
        let s = draw_transfer(&upload(&["report.pdf"], 0), 40);
        assert!(s.contains("report.pdf") && s.contains("Esc"), "{s}");
    }

    fn status() -> ImportStatus {
        ImportStatus {
            dry_run: false,
            files: 2,
            done: 50 << 20,
            total: 200 << 20,
            stage: String::new(),
            elapsed: Duration::from_secs(7),
            cancelling: false,
            too_late: false,
        }
    }

    #[test]
    fn the_import_popup_shows_bytes_read_then_the_stage() {
        let s = draw(&status());
        assert!(s.contains("╭ Importing "), "{s}");
        assert!(s.contains("Reading 2 file(s): 50.0 of 200.0 MiB (25%)"), "{s}");
        assert!(s.contains(&format!("{}{}", "█".repeat(10), "░".repeat(30))), "a quarter of the bar:\n{s}");
        assert!(s.contains("7 s") && s.contains("All or nothing") && s.contains("Esc cancel"), "{s}");

        let s = draw(&ImportStatus { stage: "building the indexes of the new rows".into(), dry_run: true, ..status() });
        assert!(s.contains("Checking what the import would change"), "{s}");
        assert!(s.contains("Files read; Building the indexes of the new rows…"), "{s}");
        assert!(s.contains("Nothing is written until you confirm"), "{s}");
        assert!(!s.contains("Reading"), "{s}");

        let s = draw(&ImportStatus { cancelling: true, total: 0, ..status() });
        assert!(s.contains("Cancelling: stopping and writing nothing…") && !s.contains("Esc cancel"), "{s}");
        assert!(s.contains("(0%)"), "an unknown total reads as nothing yet:\n{s}");
        let s = draw(&ImportStatus { too_late: true, stage: "writing it to disk".into(), ..status() });
        assert!(s.contains("Too late to cancel: it is being written to disk and will finish."), "{s}");
        assert!(!s.contains("Esc cancel") && !s.contains("Cancelling") && !s.contains("All or nothing"), "{s}");
    }
}

//! Overlays: help, messages, confirmations and menus, centred over the page.

use super::theme::Theme;
use crate::app::action::Action;
use crate::app::dialog::{Confirm, Menu, ReportDialog};
use crate::app::document_job::{JobStatus, Task};
use crate::app::import_job::ImportStatus;
use crate::app::keymap::{self, Context};
use crate::app::scroll::Look;
use crate::domain::text::clean;
use crate::domain::text::{Row, wrap};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
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

/// `lines` laid out in rows of `width` columns as `text::wrap` does, each
/// piece in its style: what a popup counts is what it draws.
pub(super) fn wrapped(lines: &[Line<'_>], width: usize) -> Vec<Line<'static>> {
    lines
        .iter()
        .flat_map(|l| {
            let pieces: Vec<(Style, &str)> = l.spans.iter().map(|s| (s.style, s.content.as_ref())).collect();
            wrap(&pieces, width).into_iter().map(|row| {
                Line::from(row.into_iter().map(|(st, t)| Span::styled(t, st)).collect::<Vec<_>>()).style(l.style)
            })
        })
        .collect()
}

/// A popup: `lines`, a blank row, then `last` (its keys, or what it is
/// doing) pinned to the bottom: the popup is as tall as its rows wrapped
/// to its width, and on a screen too short for them the text is cut, never
/// the keys.
fn boxed(frame: &mut Frame, area: Rect, title: &str, lines: Vec<Line<'_>>, last: Line<'_>, style: Style) {
    let longest = lines.iter().chain([&last]).map(super::line_width).max().unwrap_or(0) as u16 + 4;
    let width = longest.clamp(72, 110).min(area.width);
    let inner_w = width.saturating_sub(2).max(1) as usize;
    let (body, last) = (wrapped(&lines, inner_w), wrapped(&[last], inner_w));
    let height = body.len() + 1 + last.len() + 2;
    let rect = centered(area, width, u16::try_from(height).unwrap_or(u16::MAX));
    let block =
        Block::bordered().border_type(BorderType::Rounded).border_style(style).title(format!(" {} ", clean(title)));
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    let keys_h = (last.len() as u16).min(inner.height);
    let keys = Rect { y: inner.bottom() - keys_h, height: keys_h, ..inner };
    let text = Rect { height: inner.height.saturating_sub(keys_h + 1), ..inner };
    frame.render_widget(Paragraph::new(body), text);
    frame.render_widget(Paragraph::new(last), keys);
}

/// One row of a tab with every column whole (`Dialog::Row`): the columns'
/// titles in a column of their own, each value wrapped beside its title.
pub fn row(frame: &mut Frame, area: Rect, title: &str, fields: &[(&'static str, String)], theme: &Theme) {
    let label_w = fields.iter().map(|f| crate::domain::text::width(f.0)).max().unwrap_or(0);
    let lines: Vec<Line> = fields
        .iter()
        .map(|(name, value)| {
            Line::from(vec![
                Span::styled(format!("{name:<label_w$}  "), theme.muted),
                Span::styled(clean(value).into_owned(), theme.figure),
            ])
        })
        .collect();
    // The title is a value (an invoice number, a contact's name): cut with
    // "…" to the narrowest the box can be.
    let title =
        crate::domain::text::ellipsize(&clean(title), usize::from(area.width.min(72)).saturating_sub(4)).into_owned();
    boxed(frame, area, &title, lines, keys_line(Context::Message, theme), theme.popup_border);
}

/// Rows of a `scroll::Pane` as lines, each piece in the theme's style for
/// its look (its text made inert: help is built from the key table, a
/// report from files).
fn pane_lines(rows: &[Row<Look>], theme: &Theme) -> Vec<Line<'static>> {
    rows.iter()
        .map(|row| {
            Line::from(
                row.iter()
                    .map(|(look, t)| {
                        let style = match look {
                            Look::Title => theme.title,
                            Look::Key => theme.key,
                            Look::Name => theme.card_title,
                            Look::Plain => Style::new(),
                        };
                        Span::styled(clean(t).into_owned(), style)
                    })
                    .collect::<Vec<_>>(),
            )
        })
        .collect()
}

pub fn help(frame: &mut Frame, area: Rect, contexts: &[Context], scroll: u16, mouse: bool, theme: &Theme) {
    let pane = crate::app::help::pane(area, &crate::app::help::lines(contexts, mouse));
    let block = Block::bordered().border_type(BorderType::Rounded).border_style(theme.popup_border).title(format!(
        " Help — {} closes, {} {} scroll ",
        keymap::label(Context::Help, Action::Back),
        keymap::label(Context::Scroll, Action::Up),
        keymap::label(Context::Scroll, Action::Down)
    ));
    frame.render_widget(Clear, pane.rect);
    frame.render_widget(Paragraph::new(pane_lines(pane.shown(scroll), theme)).block(block), pane.rect);
}

/// An import's report: its text scrolled in its pane, a row saying what
/// is out of sight above and below (with the keys that bring it), and its
/// keys pinned to the bottom.
pub fn report(frame: &mut Frame, area: Rect, r: &ReportDialog, theme: &Theme) {
    let pane = r.pane(area);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.popup_border)
        .title(format!(" {} ", clean(&r.title)));
    let inner = block.inner(pane.rect);
    frame.render_widget(Clear, pane.rect);
    frame.render_widget(block, pane.rect);
    let text = Rect { height: inner.height.saturating_sub(2), ..inner };
    frame.render_widget(Paragraph::new(pane_lines(pane.shown(r.scroll), theme)), text);
    let row = |from_bottom: u16| {
        (inner.height >= from_bottom).then(|| Rect { y: inner.bottom() - from_bottom, height: 1, ..inner })
    };
    if let Some(at) = row(2) {
        frame.render_widget(Paragraph::new(Span::styled(out_of_sight(pane.hidden(r.scroll)), theme.muted)), at);
    }
    if let Some(at) = row(1) {
        frame.render_widget(Paragraph::new(keys_line(r.keys(), theme)), at);
    }
}

/// What a scrolled text has out of sight, and the keys that bring it:
/// "↓ 12 more lines: ↓/j PgDn/Ctrl-D End/G"; "" when it all shows.
fn out_of_sight((above, below): (usize, usize)) -> String {
    let key = |a| keymap::label(Context::Scroll, a);
    let n = |n: usize| crate::domain::money::group_thousands(n as u64);
    let lines = |n: usize| if n == 1 { "line" } else { "lines" };
    match (above, below) {
        (0, 0) => String::new(),
        (0, b) => format!(
            "↓ {} more {}: {} {} {}",
            n(b),
            lines(b),
            key(Action::Down),
            key(Action::PageDown),
            key(Action::End)
        ),
        (a, 0) => {
            format!("↑ {} {} above: {} {} {}", n(a), lines(a), key(Action::Up), key(Action::PageUp), key(Action::Home))
        }
        (a, b) => format!(
            "↑ {} above · ↓ {} more {}: {} {} {} {}",
            n(a),
            n(b),
            lines(b),
            key(Action::Down),
            key(Action::Up),
            key(Action::PageDown),
            key(Action::End)
        ),
    }
}

pub fn message(frame: &mut Frame, area: Rect, title: &str, text: &str, reload: bool, theme: &Theme) {
    let lines: Vec<Line> = text.lines().map(|l| Line::raw(clean(l).into_owned())).collect();
    let keys = if reload {
        Line::from(vec![
            Span::styled(keymap::label(Context::Message, Action::Yes), theme.key),
            Span::styled(" reload   ", theme.muted),
            Span::styled(keymap::label(Context::Message, Action::Close), theme.key),
            Span::styled(" close", theme.muted),
        ])
    } else {
        keys_line(Context::Message, theme)
    };
    boxed(frame, area, title, lines, keys, theme.error);
}

pub fn confirm(frame: &mut Frame, area: Rect, c: &Confirm, theme: &Theme) {
    let lines: Vec<Line> = c.lines.iter().map(|l| Line::raw(clean(l).into_owned())).collect();
    boxed(frame, area, &c.title, lines, keys_line(Context::Confirm, theme), theme.popup_border);
}

pub fn menu(frame: &mut Frame, area: Rect, m: &Menu, theme: &Theme) {
    let lines: Vec<Line> = m
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
    boxed(frame, area, &m.title, lines, keys_line(Context::Menu, theme), theme.popup_border);
}

/// Where `link` draws its label: the place the terminal loop underlines
/// with an OSC 8 hyperlink after the frame is drawn.
pub fn link_label_area(area: Rect, label: &str, url: &str) -> Rect {
    let rect = link_rect(area, &link_lines(label, url, &Theme::new(true)));
    Rect {
        x: rect.x + 1,
        y: rect.y + 1,
        width: (crate::domain::text::width(&clean(label)) as u16).min(rect.width.saturating_sub(2)),
        height: 1,
    }
}

fn link_lines(label: &str, url: &str, theme: &Theme) -> Vec<Line<'static>> {
    vec![
        Line::styled(clean(label).into_owned(), theme.key.add_modifier(ratatui::style::Modifier::UNDERLINED)),
        Line::raw(clean(url).into_owned()),
        Line::styled("Copied to the clipboard (OSC 52; works over SSH where the terminal allows it).", theme.muted),
        Line::raw(""),
        keys_line(Context::Message, theme),
    ]
}

/// The link's box: as tall as its lines wrapped (the clipboard line wraps
/// at 72 and pushed the keys out of a box of fixed height).
fn link_rect(area: Rect, lines: &[Line<'_>]) -> Rect {
    let width = 72.min(area.width);
    let rows = wrapped(lines, usize::from(width.saturating_sub(2)).max(1)).len();
    centered(area, width, u16::try_from(rows + 2).unwrap_or(u16::MAX))
}

pub fn link(frame: &mut Frame, area: Rect, label: &str, url: &str, theme: &Theme) {
    let lines = link_lines(label, url, theme);
    let rect = link_rect(area, &lines);
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
    let last = if st.too_late {
        Line::styled("Too late to cancel: it is being written to disk and will finish.", theme.muted)
    } else if st.cancelling {
        Line::styled("Cancelling: stopping and writing nothing…", theme.muted)
    } else {
        keys_line(Context::Importing, theme)
    };
    boxed(frame, area, title, lines, last, theme.popup_border);
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
    let last = match (&st.task, st.cancelling, st.finishing) {
        (Task::Delete { .. }, _, _) => Line::styled("Please wait…", theme.muted),
        (_, true, true) => Line::styled("Too late to cancel this file: it is being saved.", theme.muted),
        (_, true, false) => Line::styled("Cancelling…", theme.muted),
        (_, false, true) => Line::styled("Saving it to disk…", theme.muted),
        _ => keys_line(Context::Transfer, theme),
    };
    boxed(frame, area, &title, lines, last, theme.popup_border);
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

    fn draw_confirm(c: &Confirm, w: u16, h: u16) -> String {
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| confirm(f, f.area(), c, &Theme::new(true))).unwrap();
        let buf = t.backend().buffer();
        (0..buf.area.height)
            .map(|y| (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect::<String>().trim_end().to_string())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Issue 14 (day one): the height was counted as width / columns, before
    /// a long path wrapped at its spaces, so the popup was a row short and
    /// its keys were the row cut off; on a short screen the keys go last.
    #[test]
    fn a_popup_counts_its_wrapped_rows_and_keeps_its_keys() {
        let c = Confirm {
            title: "Import these files?".into(),
            lines: vec![
                "Import of 1 file(s), 0 row(s) in 0.00s (dry run: nothing was written)".into(),
                "  HubSpot contacts: /home/someone/Downloads/exports/hubspot/contacts_all-properties_2023-02_\
                 HEADER-ONLY.csv (0 row(s))"
                    .into(),
                "Nothing has been written yet.".into(),
            ],
            on_yes: crate::app::dialog::OnYes::DiscardForm,
        };
        let s = draw_confirm(&c, 80, 24);
        assert!(s.contains("HEADER-ONLY.csv (0 row(s))") && s.contains("Nothing has been written yet."), "{s}");
        assert!(s.contains("y/Enter yes") && s.contains("n/Esc no"), "{s}");
        let long = Confirm { lines: (1..=40).map(|i| format!("line {i}")).collect(), ..c };
        let s = draw_confirm(&long, 80, 12);
        assert!(s.contains("line 1") && !s.contains("line 40"), "{s}");
        assert!(s.contains("y/Enter yes"), "the keys stay on a short screen:\n{s}");
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

//! An import's report in a dialog of its own: the preview that asks before
//! anything is written, a run refused, and what a run did. The whole report
//! is there (it was cut to 16 lines, and after the run only a status line
//! cut at the screen's edge remained), scrolled with the `Scroll` keys when
//! it is longer than the screen (`scroll::Pane`), with its keys pinned
//! under it and a row saying how much is above or below.

use super::effect::Effect;
use super::keymap::Context;
use super::scroll::{Look, Pane, TextLine};
use crate::domain::text::clean;
use crate::import::ImportReport;
use ratatui::layout::Rect;

/// Lines of a report shown at most: a file refused row by row for as many
/// reasons as it has rows stays a dialog that draws at once.
/// `ardesk import --dry-run FILE…` prints them all.
const SHOWN: usize = 2_000;

/// Rows of the box that are not the report: its borders, the row that
/// says what is scrolled out of sight, and its keys.
pub const CHROME: u16 = 4;

pub struct ReportDialog {
    pub title: String,
    pub lines: Vec<TextLine>,
    pub scroll: u16,
    /// What "yes" runs: the import for real, after its preview. `None`: the
    /// report only tells, and closes.
    pub on_yes: Option<Effect>,
}

impl ReportDialog {
    /// The dry run's report, asking whether to run `import` for real.
    pub fn preview(report: &str, import: Effect) -> ReportDialog {
        let mut lines = text_lines(report);
        lines.push(TextLine::one(Look::Title, "Nothing has been written yet."));
        ReportDialog { title: "Import these files?".into(), lines, scroll: 0, on_yes: Some(import) }
    }

    /// A run that wrote nothing because rows were refused: the report, then
    /// `why` (what to do about it).
    pub fn refused(report: &str, why: &str) -> ReportDialog {
        let mut lines = text_lines(report);
        lines.push(TextLine::one(Look::Title, clean(why)));
        ReportDialog { title: "Import refused".into(), lines, scroll: 0, on_yes: None }
    }

    /// What a run of `files` files did: one line of what changed and what
    /// of the user's own edits was kept, then the whole report.
    pub fn done(files: usize, report: &ImportReport, text: &str) -> ReportDialog {
        let mut lines = vec![TextLine::one(Look::Title, clean(&report.summary())), TextLine::one(Look::Plain, "")];
        lines.extend(text_lines(text));
        ReportDialog { title: format!("Imported {files} file(s)"), lines, scroll: 0, on_yes: None }
    }

    /// The keys it takes, most specific first: its text scrolls under
    /// "yes"/"no" for a preview, under "close" for a report that only tells.
    pub fn contexts(&self) -> Vec<Context> {
        vec![Context::Scroll, self.keys()]
    }

    /// The context whose keys its bottom row names.
    pub fn keys(&self) -> Context {
        if self.on_yes.is_some() { Context::Confirm } else { Context::Message }
    }

    /// It laid out on a screen of `size`: as wide as its longest line
    /// wants (72 to 110 columns, less on a narrow screen), as tall as its
    /// rows, leaving the screen's top line and footer in sight.
    pub fn pane(&self, size: Rect) -> Pane {
        let longest = self.lines.iter().map(TextLine::width).max().unwrap_or(0);
        let width = u16::try_from(longest + 4).unwrap_or(u16::MAX).clamp(72, 110);
        Pane::new(size, &self.lines, width, CHROME, size.height.saturating_sub(2).max(CHROME + 1))
    }
}

/// A report's text as lines to show, made inert, at most `SHOWN` of them.
fn text_lines(text: &str) -> Vec<TextLine> {
    let mut lines: Vec<TextLine> = text.lines().take(SHOWN).map(|l| TextLine::one(Look::Plain, clean(l))).collect();
    let more = text.lines().count().saturating_sub(SHOWN);
    if more > 0 {
        let more = crate::domain::money::group_thousands(more as u64);
        lines.push(TextLine::one(
            Look::Plain,
            format!("… {more} more line(s): ardesk import --dry-run FILE… prints them all"),
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_report_is_listed_up_to_its_bound_and_says_how_much_more() {
        let text: String = (1..=2_500).map(|i| format!("  a.csv:{i} REFUSED (payments): unknown customer\n")).collect();
        let r = ReportDialog::refused(&text, "2,500 row(s) refused");
        assert_eq!(r.lines.len(), SHOWN + 2);
        assert_eq!(r.lines[SHOWN].0[0].1, "… 500 more line(s): ardesk import --dry-run FILE… prints them all");
        assert_eq!(r.contexts(), [Context::Scroll, Context::Message]);
        let p = ReportDialog::preview(
            "Import of 1 file(s)\n\x1b[2J",
            Effect::Import { files: vec![], opts: Default::default() },
        );
        assert_eq!(p.lines[1].0[0].1, "␛[2J", "text from files is made inert");
        assert_eq!(p.contexts(), [Context::Scroll, Context::Confirm]);
    }

    #[test]
    fn it_leaves_the_screens_top_line_and_footer_in_sight() {
        let text: String = (1..=100).map(|i| format!("line {i}\n")).collect();
        let pane = ReportDialog::refused(&text, "why").pane(Rect::new(0, 0, 80, 24));
        assert_eq!((pane.rect.y, pane.rect.height, pane.visible), (1, 22, 18));
        let short = ReportDialog::refused("one line", "why").pane(Rect::new(0, 0, 80, 24));
        assert_eq!(short.rect.height, 2 + 4);
    }
}

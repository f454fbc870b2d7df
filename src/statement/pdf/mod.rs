//! A statement as the PDF a customer receives, written with krilla (the
//! typst project's PDF library): US Letter pages, fonts embedded as
//! subsets with ToUnicode maps so the text extracts (`pdftotext`), "Page N
//! of M" on every page. Text from data arrives cleaned (`layout::shown`),
//! and whatever the fonts cannot draw becomes U+FFFD (`fonts`): glyphs on a
//! page are only ever glyphs, a hostile name is printed, never interpreted.

mod flow;
mod fonts;

use flow::{Ink, Op, PAGE_H, PAGE_W};
use fonts::Fonts;
use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;

use super::layout;
use super::model::Statement;

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the statement's font cannot be used: {0}")]
    Font(String),
    #[error("the statement's PDF could not be written: {0}")]
    Write(String),
}

pub fn render(s: &Statement) -> Result<Vec<u8>, PdfError> {
    let fonts = Fonts::load()?;
    let pages = flow::pages(s, &fonts);
    let total = pages.len();
    let mut doc = Document::new();
    let title = format!("{} — {}", layout::TITLE, layout::shown(&s.customer.name));
    doc.set_metadata(Metadata::new().title(title).creator("ardesk".to_string()));
    let size = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| PdfError::Write("page size".into()))?;
    for (n, ops) in pages.iter().enumerate() {
        let mut page = doc.start_page_with(size.clone());
        let mut surface = page.surface();
        for op in ops {
            draw(&mut surface, &fonts, op);
        }
        let footer = format!("Page {} of {total}", n + 1);
        let x = PAGE_W - 54.0 - fonts.width(&footer, 8.0);
        let op = Op::Text { x, y: PAGE_H - 36.0, size: 8.0, bold: false, ink: Ink::Grey, text: footer };
        draw(&mut surface, &fonts, &op);
        surface.finish();
        page.finish();
    }
    doc.finish().map_err(|e| PdfError::Write(e.to_string()))
}

fn colour(ink: Ink) -> rgb::Color {
    match ink {
        Ink::Black => rgb::Color::new(0, 0, 0),
        Ink::Grey => rgb::Color::new(96, 96, 96),
    }
}

fn draw(surface: &mut Surface<'_>, fonts: &Fonts, op: &Op) {
    match op {
        Op::Text { x, y, size, bold, ink, text } => {
            surface.set_fill(Some(Fill { paint: colour(*ink).into(), ..Fill::default() }));
            // Bold without a second font file: the outline stroked thinly.
            let stroke = bold.then(|| Stroke { paint: colour(*ink).into(), width: size * 0.035, ..Stroke::default() });
            surface.set_stroke(stroke);
            let mut x = *x;
            for run in fonts.runs(text) {
                surface.draw_glyphs(Point::from_xy(x, *y), &run.glyphs, run.font, &run.text, *size, false);
                x += run.width_em * size;
            }
            surface.set_stroke(None);
        }
        Op::Rule { x1, x2, y, width } => {
            let mut p = PathBuilder::new();
            p.move_to(*x1, *y);
            p.line_to(*x2, *y);
            if let Some(path) = p.finish() {
                surface.set_fill(None);
                surface.set_stroke(Some(Stroke {
                    paint: rgb::Color::new(128, 128, 128).into(),
                    width: *width,
                    ..Stroke::default()
                }));
                surface.draw_path(&path);
                surface.set_stroke(None);
            }
        }
        Op::Band { x, y, w, h } => {
            let mut p = PathBuilder::new();
            if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                p.push_rect(rect);
            }
            if let Some(path) = p.finish() {
                surface.set_stroke(None);
                surface.set_fill(Some(Fill { paint: rgb::Color::new(232, 232, 232).into(), ..Fill::default() }));
                surface.draw_path(&path);
            }
        }
    }
}

//! The embedded fonts (`assets/fonts/`, licences beside them) and the one
//! measure of text on the page. DejaVu Sans draws Latin (accents included),
//! the currency symbols and the rules; Droid Sans Fallback draws what DejaVu
//! lacks (CJK: kanji, kana, hangul), character by character from the first
//! font whose cmap has it. A character neither has is drawn, and extracts,
//! as U+FFFD: the page never carries a character it cannot show.
//!
//! Glyphs are placed one by one at their advance (no shaping): statements
//! hold names, numbers and amounts, which need no ligatures, and the width
//! measured here is then exactly the width drawn, so right-aligned amounts
//! line up.

use super::PdfError;
use krilla::text::{Font, GlyphId, KrillaGlyph};
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::{FontRef, MetadataProvider, charmap::Charmap};

static SANS: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
static CJK: &[u8] = include_bytes!("../../../assets/fonts/DroidSansFallbackFull.ttf");

/// Drawn for a character no font has.
const MISSING: char = '\u{fffd}';

struct Face {
    pdf: Font,
    charmap: Charmap<'static>,
    metrics: GlyphMetrics<'static>,
    upem: f32,
}

impl Face {
    fn load(data: &'static [u8], name: &str) -> Result<Face, PdfError> {
        let bad = |why: &str| PdfError::Font(format!("{name}: {why}"));
        let font = FontRef::new(data).map_err(|e| bad(&e.to_string()))?;
        let pdf = Font::new(data.into(), 0).ok_or_else(|| bad("not a font krilla reads"))?;
        let upem = f32::from(font.metrics(Size::unscaled(), LocationRef::default()).units_per_em);
        let metrics = font.glyph_metrics(Size::unscaled(), LocationRef::default());
        Ok(Face { pdf, charmap: font.charmap(), metrics, upem: upem.max(1.0) })
    }

    /// The glyph and its advance in ems, when the font has the character.
    fn glyph(&self, c: char) -> Option<(u32, f32)> {
        let gid = self.charmap.map(c).filter(|g| g.to_u32() != 0)?;
        let advance = self.metrics.advance_width(gid).unwrap_or(0.0) / self.upem;
        Some((gid.to_u32(), advance))
    }
}

pub struct Fonts {
    faces: Vec<Face>,
}

/// Text in one font, ready to draw: the text it stands for (what a PDF
/// reader extracts), its glyphs, and its width in ems.
pub struct Run {
    pub font: Font,
    pub text: String,
    pub glyphs: Vec<KrillaGlyph>,
    pub width_em: f32,
}

impl Fonts {
    pub fn load() -> Result<Fonts, PdfError> {
        Ok(Fonts { faces: vec![Face::load(SANS, "DejaVuSans.ttf")?, Face::load(CJK, "DroidSansFallbackFull.ttf")?] })
    }

    /// Which face draws `c` (the first that has it), its glyph and advance;
    /// `None` when none does.
    fn pick(&self, c: char) -> Option<(usize, u32, f32)> {
        self.faces.iter().enumerate().find_map(|(i, f)| f.glyph(c).map(|(g, a)| (i, g, a)))
    }

    fn pick_or_missing(&self, c: char) -> (char, usize, u32, f32) {
        match self.pick(c) {
            Some((i, g, a)) => (c, i, g, a),
            None => {
                let (i, g, a) = self.pick(MISSING).unwrap_or((0, 0, 0.5));
                (MISSING, i, g, a)
            }
        }
    }

    /// `text` in runs of one font each.
    pub fn runs(&self, text: &str) -> Vec<Run> {
        let mut out: Vec<(usize, Run)> = Vec::new();
        for c in text.chars() {
            let (c, face, gid, advance) = self.pick_or_missing(c);
            if out.last().is_none_or(|(f, _)| *f != face) {
                let font = self.faces.get(face).map(|f| f.pdf.clone()).unwrap_or_else(|| self.faces[0].pdf.clone());
                out.push((face, Run { font, text: String::new(), glyphs: Vec::new(), width_em: 0.0 }));
            }
            if let Some((_, run)) = out.last_mut() {
                let start = run.text.len();
                run.text.push(c);
                run.glyphs.push(KrillaGlyph {
                    glyph_id: GlyphId::new(gid),
                    text_range: start..run.text.len(),
                    x_advance: advance,
                    x_offset: 0.0,
                    y_offset: 0.0,
                    y_advance: 0.0,
                    location: None,
                });
                run.width_em += advance;
            }
        }
        out.into_iter().map(|(_, r)| r).collect()
    }

    /// Width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.pick_or_missing(c).3).sum::<f32>() * size
    }

    /// `text` cut to `max` points, ending in `…` when cut (as the text
    /// format's `ellipsize` does), so a clipped value never passes for a
    /// whole one.
    pub fn fit(&self, text: &str, size: f32, max: f32) -> String {
        if self.width(text, size) <= max {
            return text.to_string();
        }
        let room = max - self.width("…", size);
        let mut out = String::new();
        let mut used = 0.0;
        for c in text.chars() {
            let w = self.pick_or_missing(c).3 * size;
            if used + w > room {
                break;
            }
            out.push(c);
            used += w;
        }
        if room >= 0.0 {
            out.push('…');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_symbols_and_cjk_each_have_a_font() {
        let fonts = Fonts::load().unwrap();
        for c in "Société Générale $€£¥ … ─".chars() {
            assert_eq!(fonts.pick(c).map(|p| p.0), Some(0), "{c:?} from DejaVu Sans");
        }
        for c in "山田商事株式会社 翻訳サービス".chars().filter(|c| *c != ' ') {
            assert_eq!(fonts.pick(c).map(|p| p.0), Some(1), "{c:?} from the CJK fallback");
        }
    }

    #[test]
    fn what_no_font_has_is_drawn_and_read_as_a_replacement() {
        let fonts = Fonts::load().unwrap();
        let runs = fonts.runs("a\u{1b}b\u{241b}");
        let text: String = runs.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(text, "a\u{fffd}b\u{fffd}");
        assert!(runs.iter().flat_map(|r| &r.glyphs).all(|g| g.glyph_id.to_u32() != 0));
    }

    #[test]
    fn fitting_cuts_with_an_ellipsis_within_the_width() {
        let fonts = Fonts::load().unwrap();
        assert_eq!(fonts.fit("INV-0001", 9.0, 500.0), "INV-0001");
        let cut = fonts.fit("A long description of the work done", 9.0, 60.0);
        assert!(cut.ends_with('…') && fonts.width(&cut, 9.0) <= 60.0, "{cut}");
        let runs = fonts.runs("山田 Co");
        assert_eq!(runs.len(), 2);
        assert!((fonts.width("山田 Co", 10.0) - runs.iter().map(|r| r.width_em).sum::<f32>() * 10.0).abs() < 0.01);
    }
}

//! A statement as the bytes of a file: PDF, plain text or CSV, one entry
//! point for the command line and the screen.

use super::Statement;

/// The width of a text statement written to a file or a pipe.
pub const TEXT_WIDTH: usize = 80;

/// The formats a statement is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pdf,
    Txt,
    Csv,
}

/// Why a statement could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("the PDF could not be made: {0}")]
    Pdf(#[from] super::pdf::PdfError),
    #[error("the CSV could not be made: {0}")]
    Csv(#[from] csv::Error),
}

/// The statement in `format`; text ends with a line break.
pub fn render(s: &Statement, format: Format) -> Result<Vec<u8>, RenderError> {
    Ok(match format {
        Format::Txt => {
            let mut t = super::text::render(s, TEXT_WIDTH);
            if !t.ends_with('\n') {
                t.push('\n');
            }
            t.into_bytes()
        }
        Format::Csv => super::csv::render(s)?,
        Format::Pdf => super::pdf::render(s)?,
    })
}

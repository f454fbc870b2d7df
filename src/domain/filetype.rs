//! What kind of file a document is: magic bytes first, the extension to
//! tell Office formats apart or when the content says nothing.

/// A label for people: "PDF", "PNG image", "Excel spreadsheet", ….
pub fn detect(head: &[u8], file_name: &str) -> &'static str {
    let ext = file_name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let starts = |magic: &[u8]| head.starts_with(magic);
    if starts(b"%PDF-") {
        return "PDF";
    }
    if starts(b"\x89PNG\r\n\x1a\n") {
        return "PNG image";
    }
    if starts(b"\xff\xd8\xff") {
        return "JPEG image";
    }
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return "GIF image";
    }
    if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        return "WebP image";
    }
    if starts(b"II*\0") || starts(b"MM\0*") {
        return "TIFF image";
    }
    if starts(b"PK\x03\x04") {
        return match ext.as_str() {
            "xlsx" | "xlsm" => "Excel spreadsheet",
            "docx" => "Word document",
            "pptx" => "PowerPoint presentation",
            "ods" => "OpenDocument spreadsheet",
            "odt" => "OpenDocument text",
            _ => "ZIP archive",
        };
    }
    if starts(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") {
        return match ext.as_str() {
            "xls" => "Excel spreadsheet",
            "doc" => "Word document",
            "ppt" => "PowerPoint presentation",
            _ => "Office document",
        };
    }
    let text = !head.contains(&0) && std::str::from_utf8(head).is_ok();
    match ext.as_str() {
        "csv" | "tsv" if text => "CSV spreadsheet",
        "json" if text => "JSON",
        "xml" if text => "XML",
        "html" | "htm" if text => "HTML",
        _ if text && !head.is_empty() => "Text",
        "pdf" => "PDF (unreadable)",
        _ => "Other",
    }
}

/// The extensions a file of this kind (`detect`'s label) has, the usual
/// one first; empty for a kind without one. `head` tells the Office
/// formats' older binary files (`.xls`) from the zipped ones (`.xlsx`).
pub fn extensions(label: &str, head: &[u8]) -> &'static [&'static str] {
    let ole = head.starts_with(b"\xd0\xcf\x11\xe0");
    match label {
        "PDF" | "PDF (unreadable)" => &["pdf"],
        "PNG image" => &["png"],
        "JPEG image" => &["jpg", "jpeg"],
        "GIF image" => &["gif"],
        "WebP image" => &["webp"],
        "TIFF image" => &["tiff", "tif"],
        "Excel spreadsheet" if ole => &["xls"],
        "Excel spreadsheet" => &["xlsx", "xlsm"],
        "Word document" if ole => &["doc"],
        "Word document" => &["docx"],
        "PowerPoint presentation" if ole => &["ppt"],
        "PowerPoint presentation" => &["pptx"],
        "OpenDocument spreadsheet" => &["ods"],
        "OpenDocument text" => &["odt"],
        "ZIP archive" => &["zip"],
        "CSV spreadsheet" => &["csv", "tsv"],
        "JSON" => &["json"],
        "XML" => &["xml"],
        "HTML" => &["html", "htm"],
        "Text" => &["txt", "text", "md", "log"],
        _ => &[],
    }
}

/// The name a document is saved under: its name, with the extension of its
/// kind added when the name does not already end in one ("Big statement
/// Q4" of a PDF is saved as "Big statement Q4.pdf"; "notes.txt" stays).
pub fn file_name(name: &str, label: &str, head: &[u8]) -> String {
    let wanted = extensions(label, head);
    let has = name
        .rsplit_once('.')
        .is_some_and(|(stem, ext)| !stem.is_empty() && wanted.iter().any(|w| w.eq_ignore_ascii_case(ext)));
    match wanted.first() {
        Some(ext) if !has => format!("{name}.{ext}"),
        _ => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_wins_over_extension() {
        assert_eq!(detect(b"%PDF-1.4\n", "x.pdf"), "PDF");
        assert_eq!(detect(b"\x89PNG\r\n\x1a\n....", "lies.pdf"), "PNG image");
        assert_eq!(detect(b"\xff\xd8\xff\xe0", "a.bin"), "JPEG image");
        assert_eq!(detect(b"RIFF\0\0\0\0WEBPVP8", "a"), "WebP image");
    }

    #[test]
    fn office_formats_by_extension_inside_zip_and_ole() {
        assert_eq!(detect(b"PK\x03\x04rest", "book.xlsx"), "Excel spreadsheet");
        assert_eq!(detect(b"PK\x03\x04rest", "letter.docx"), "Word document");
        assert_eq!(detect(b"PK\x03\x04rest", "bundle.zip"), "ZIP archive");
        assert_eq!(detect(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old.xls"), "Excel spreadsheet");
    }

    #[test]
    fn text_and_unknown() {
        assert_eq!(detect(b"a,b\n1,2\n", "usage.csv"), "CSV spreadsheet");
        assert_eq!(detect(b"hello", "notes.txt"), "Text");
        assert_eq!(detect(b"\0\x01\x02", "blob.bin"), "Other");
        assert_eq!(detect(b"", "empty"), "Other");
    }

    #[test]
    fn a_downloaded_name_keeps_or_gains_its_kinds_extension() {
        assert_eq!(file_name("Big statement Q4", "PDF", b"%PDF-1.7"), "Big statement Q4.pdf");
        assert_eq!(file_name("scan.PDF", "PDF", b"%PDF-1.7"), "scan.PDF");
        assert_eq!(file_name("statement 2026.12", "PDF", b"%PDF-1.7"), "statement 2026.12.pdf");
        assert_eq!(file_name("photo.jpeg", "JPEG image", b"\xff\xd8\xff"), "photo.jpeg");
        assert_eq!(file_name("ledger", "Excel spreadsheet", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), "ledger.xls");
        assert_eq!(file_name("ledger", "Excel spreadsheet", b"PK\x03\x04"), "ledger.xlsx");
        assert_eq!(file_name(".pdf", "PDF", b"%PDF-"), ".pdf.pdf", "a dot file's name is all stem");
        assert_eq!(file_name("blob", "Other", b"\0\x01"), "blob", "no extension is made up");
        assert_eq!(file_name("notes.txt", "Text", b"hi"), "notes.txt");
    }
}

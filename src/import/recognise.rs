//! Stage 2, recognise: which source and object a file is, from its header
//! row (CSV) or its shape (JSON). Takes a path and the options
//! (`--source`, `--object` win); gives a `Plan`: the file opened (stage 1,
//! `read`) with the source that parses it, or why no source takes it.
//!
//! Each source says so itself (`Source::detect_*`), and names what of its
//! own it does not import (`Source::refuse_*`), so that the user hears
//! what the file is and what to import instead rather than "unknown
//! format". Sources are asked in the order `sources()` lists them.

use super::parse::record::ObjectKind;
use super::read::csv_input::CsvInput;
use super::read::json::{looks_like_json, read_json};
use super::{ImportError, ImportOptions, Source, sources};
use crate::domain::status::ImportSource;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A file, understood and opened.
pub(crate) enum Plan {
    Csv { source: &'static dyn Source, object: ObjectKind, input: Box<CsvInput> },
    Json { source: &'static dyn Source, object: ObjectKind, doc: Value, path: PathBuf },
    Ardesk { doc: Value, path: PathBuf },
}

impl Plan {
    pub fn path(&self) -> &Path {
        match self {
            Plan::Csv { input, .. } => &input.path,
            Plan::Json { path, .. } | Plan::Ardesk { path, .. } => path,
        }
    }

    pub fn object(&self) -> ObjectKind {
        match self {
            Plan::Csv { object, .. } | Plan::Json { object, .. } => *object,
            Plan::Ardesk { .. } => ObjectKind::Customers,
        }
    }

    pub fn source_label(&self) -> String {
        match self {
            Plan::Csv { source, .. } | Plan::Json { source, .. } => source.id().label().to_string(),
            Plan::Ardesk { .. } => "ardesk".into(),
        }
    }
}

/// Whether a source other than `me` owns a CSV header row (it is written
/// in that source's own labels, `Source::owns_csv`): a guess from labels
/// alone (a Salesforce report's) leaves such a file to its owner.
pub(crate) fn owned_by_another(me: ImportSource, header: &[String]) -> bool {
    sources().iter().any(|s| s.id() != me && s.owns_csv(header))
}

fn not_supported(path: &Path, source: ImportSource, what: &str) -> ImportError {
    ImportError::NotSupported {
        path: path.to_path_buf(),
        what: format!(
            "this looks like a {} export ({what}); importing from {} is not supported yet",
            source.label(),
            source.label()
        ),
    }
}

fn module(source: ImportSource) -> Option<&'static dyn Source> {
    sources().iter().copied().find(|s| s.id() == source)
}

/// Opens and recognizes one file. `--source` and `--object` win over what
/// the file looks like.
pub(crate) fn plan(path: &Path, opts: &ImportOptions) -> Result<Plan, ImportError> {
    let forced = opts.source.map(|s| module(s).ok_or_else(|| not_supported(path, s, "chosen with --source")));
    let forced = forced.transpose()?;
    if looks_like_json(path)? {
        return plan_json(path, opts, forced);
    }
    let recognizes = |header: &[String]| match forced {
        Some(src) => src.detect_csv(header).is_some() || src.refuse_csv(header).is_some(),
        None => sources().iter().any(|s| s.detect_csv(header).is_some() || s.refuse_csv(header).is_some()),
    };
    let fallback = forced.is_some() && opts.object.is_some();
    let mut input = CsvInput::open(path, &recognizes, fallback)?;
    input.forced_mark = opts.decimal;
    let found = match forced {
        Some(src) => src.detect_csv(&input.header).map(|o| (src, o)),
        None => sources().iter().find_map(|s| s.detect_csv(&input.header).map(|o| (*s, o))),
    };
    match (found, forced, opts.object) {
        (_, Some(src), Some(obj)) => Ok(Plan::Csv { source: src, object: obj, input: Box::new(input) }),
        (Some((src, obj)), _, forced_obj) => {
            Ok(Plan::Csv { source: src, object: forced_obj.unwrap_or(obj), input: Box::new(input) })
        }
        (None, forced, _) => match refusal(forced, |s| s.refuse_csv(&input.header)) {
            Some(what) => Err(ImportError::NotSupported { path: path.to_path_buf(), what }),
            None => Err(ImportError::UnknownFormat {
                path: path.to_path_buf(),
                detail: format!("the header ({}) matches no export ardesk knows", preview(&input.header)),
            }),
        },
    }
}

/// Why the chosen source, or any source, refuses the file.
fn refusal(forced: Option<&'static dyn Source>, why: impl Fn(&dyn Source) -> Option<String>) -> Option<String> {
    match forced {
        Some(src) => why(src),
        None => sources().iter().find_map(|s| why(*s)),
    }
}

fn preview(header: &[String]) -> String {
    let shown: Vec<&str> = header.iter().take(6).map(String::as_str).collect();
    let more = if header.len() > 6 { ", …" } else { "" };
    format!("{}{more}", shown.join(", "))
}

fn plan_json(path: &Path, opts: &ImportOptions, forced: Option<&'static dyn Source>) -> Result<Plan, ImportError> {
    let doc = read_json(path)?;
    if doc.get("ardesk_export").is_some() {
        return match doc.get("ardesk_export").and_then(Value::as_i64) {
            Some(1) => Ok(Plan::Ardesk { doc, path: path.to_path_buf() }),
            _ => Err(ImportError::NotSupported {
                path: path.to_path_buf(),
                what: format!("ardesk export version {}", doc["ardesk_export"]),
            }),
        };
    }
    let found = match forced {
        Some(src) => src.detect_json(&doc).map(|o| (src, o)),
        None => sources().iter().find_map(|s| s.detect_json(&doc).map(|o| (*s, o))),
    };
    match (found, forced) {
        (Some((source, object)), _) => {
            Ok(Plan::Json { source, object: opts.object.unwrap_or(object), doc, path: path.to_path_buf() })
        }
        (None, Some(source)) if opts.object.is_some() => {
            Ok(Plan::Json { source, object: opts.object.unwrap_or(ObjectKind::Mixed), doc, path: path.to_path_buf() })
        }
        (None, forced) => match refusal(forced, |s| s.refuse_json(&doc)) {
            Some(what) => Err(ImportError::NotSupported { path: path.to_path_buf(), what }),
            None => Err(ImportError::UnknownFormat {
                path: path.to_path_buf(),
                detail: "a JSON document ardesk does not know (expected a Stripe or QuickBooks API response, \
                         Salesforce or HubSpot records, or an ardesk export)"
                    .into(),
            }),
        },
    }
}

//! What stops a run, or a file: every stage's errors, one type, so the
//! command line and the TUI tell them apart by variant.

use super::report::ImportReport;
use crate::store::StoreError;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{}: {reason}", path.display())]
    File { path: PathBuf, reason: String },
    #[error("{}: unknown format: {detail}", path.display())]
    UnknownFormat { path: PathBuf, detail: String },
    #[error("{}: {what}", path.display())]
    NotSupported { path: PathBuf, what: String },
    #[error("{report}{}", report.refusal(&super::report::cli))]
    Refused { report: Box<ImportReport> },
    #[error("no files to import")]
    NoFiles,
    #[error("the import was cancelled; nothing was written")]
    Cancelled,
    #[error("customer {0} does not exist")]
    NoCustomer(i64),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("cannot write: {0}")]
    Io(#[from] std::io::Error),
}

impl ImportError {
    /// Names the file in errors raised where it was not known.
    pub(crate) fn at(self, file: &Path) -> Self {
        match self {
            ImportError::File { path, reason } if path.as_os_str().is_empty() => {
                ImportError::File { path: file.to_path_buf(), reason }
            }
            ImportError::NotSupported { path, what } if path.as_os_str().is_empty() => {
                ImportError::NotSupported { path: file.to_path_buf(), what }
            }
            e => e,
        }
    }
}

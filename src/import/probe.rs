//! Parse only: a file recognized as `ardesk import` would recognize it and
//! read by its source's parser into the caller's sink, with no database.
//! For fuzzing every registered source (`sources()`) and for tests. ardesk's
//! own JSON writes as it reads, so it is recognized here but not parsed.

use super::parse::Sink;
use super::parse::record::ObjectKind;
use super::recognise::{self, Plan};
use super::{ImportError, ImportOptions};
use std::path::Path;

/// What a file was taken for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probed {
    /// "Stripe", …, or "ardesk".
    pub source: String,
    pub object: ObjectKind,
    /// ardesk's own export: recognized, not parsed.
    pub native: bool,
}

/// Recognizes `path` (`opts.source` and `opts.object` win, as on the
/// command line) and parses it into `sink`.
pub fn probe(path: &Path, opts: &ImportOptions, sink: &mut dyn Sink) -> Result<Probed, ImportError> {
    let plan = recognise::plan(path, opts)?;
    let probed =
        Probed { source: plan.source_label(), object: plan.object(), native: matches!(plan, Plan::Ardesk { .. }) };
    match plan {
        Plan::Csv { source, object, mut input } => source.parse_csv(object, &mut input, sink)?,
        Plan::Json { source, object, doc, .. } => source.parse_json(object, doc, sink).map_err(|e| e.at(path))?,
        Plan::Ardesk { .. } => {}
    }
    Ok(probed)
}

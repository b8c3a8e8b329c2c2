//! Raw record → stored record: decode (leniently, keeping the reader's
//! warnings), read the id, normalise, read the holdings, encode. Runs on rayon, a batch at a time, keeping order.

use crate::report::{RecordProblem, RecordWarningLine};
use rayon::prelude::*;
use unicat_bib::BibRecord;
use unicat_config::Library;
use unicat_marc::{Decoded, Format, RawRecord, RecordError};
use unicat_store::StoredRecord;

/// A processed record, ready for the store.
pub(crate) struct Ready {
    pub id: String,
    pub encoded: Vec<u8>,
    /// What the reader repaired to read it (empty for nearly every record).
    pub warnings: Vec<RecordWarningLine>,
}

/// Records per rayon batch: large enough to amortise the fan-out, small
/// enough to keep memory flat.
pub(crate) const BATCH: usize = 2048;

/// Turns a decoded record into its stored form.
pub(crate) fn ready(
    decoded: &Decoded,
    id: Option<String>,
    library: &Library,
    source: &str,
    position: Option<unicat_marc::Position>,
) -> Result<Ready, RecordProblem> {
    let record = &decoded.record;
    let id = match id.or_else(|| library.record_id(record).map(str::to_string)) {
        Some(id) => id,
        None => {
            return Err(RecordProblem {
                source: source.to_string(),
                position,
                record_id: None,
                reason: format!("no record id in {}", library.id_fields_text()),
            });
        }
    };
    let problem = |reason: String| RecordProblem {
        source: source.to_string(),
        position,
        record_id: Some(id.clone()),
        reason,
    };
    let mut marc = Vec::with_capacity(2048);
    unicat_marc::iso2709::write_record(record, &mut marc).map_err(|e| problem(e.to_string()))?;
    let stored = StoredRecord {
        bib: BibRecord::from_marc(record),
        items: library.holdings.extract(record),
        marc,
    };
    let encoded = stored.encode().map_err(problem)?;
    let warnings = decoded
        .warnings
        .iter()
        .map(|w| RecordWarningLine::new(w, source, &id))
        .collect();
    Ok(Ready {
        id,
        encoded,
        warnings,
    })
}

pub(crate) fn record_problem(e: &RecordError, source: &str) -> RecordProblem {
    RecordProblem {
        source: source.to_string(),
        position: Some(e.position),
        record_id: e.control_number.clone(),
        reason: e.kind.to_string(),
    }
}

/// Decodes and prepares a batch of raw records on rayon, in order.
pub(crate) fn process_batch(
    batch: &[Result<RawRecord, RecordError>],
    format: Format,
    library: &Library,
    source: &str,
) -> Vec<Result<Ready, RecordProblem>> {
    batch
        .par_iter()
        .map(|raw| {
            let raw = raw.as_ref().map_err(|e| record_problem(e, source))?;
            let decoded = unicat_marc::decode_with_warnings(format, raw)
                .map_err(|e| record_problem(&e, source))?;
            ready(&decoded, None, library, source, Some(raw.position))
        })
        .collect()
}

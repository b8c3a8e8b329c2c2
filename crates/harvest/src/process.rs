//! Raw record → stored record: decode (leniently, keeping the reader's
//! warnings), read the id, normalise, read the holdings, encode. Runs on rayon, a batch at a time, keeping order.

use crate::report::{LibraryReport, RecordProblem, RecordWarningLine};
use rayon::prelude::*;
use unicat_bib::{BibRecord, HoldingsRecord, RecordKind};
use unicat_config::Library;
use unicat_marc::{Decoded, Format, RawRecord, RecordError};
use unicat_store::{HarvestSession, StoreError, StoredRecord, encode_holdings, holdings_key};

/// A processed record, ready for the store.
pub(crate) struct Ready {
    /// The record id (for a holdings record, its store key).
    pub id: String,
    pub encoded: Vec<u8>,
    /// What the reader repaired to read it (empty for nearly every record).
    pub warnings: Vec<RecordWarningLine>,
    /// What kind of record it is.
    pub what: What,
}

/// What a processed record is, for the store and the report.
pub(crate) enum What {
    /// A bibliographic record, with its 001 when that is not its id, and
    /// the summary holdings it carries itself (encoded), if any.
    Bib {
        control_number: Option<String>,
        embedded: Option<Vec<u8>>,
    },
    /// A holdings record of the bib `link`; `id` is its own id.
    Holdings {
        link: String,
        id: String,
        source: String,
        position: Option<unicat_marc::Position>,
    },
    /// Not bibliographic (authority, classification, community): counted
    /// and ignored.
    Ignored(RecordKind),
}

impl Ready {
    fn ignored(kind: RecordKind) -> Ready {
        Ready {
            id: String::new(),
            encoded: Vec::new(),
            warnings: Vec::new(),
            what: What::Ignored(kind),
        }
    }

    /// Counts a record in the report (on the reading thread); the record
    /// then goes to [`stage`](Self::stage).
    pub(crate) fn account(&mut self, report: &mut LibraryReport) {
        report.warned(std::mem::take(&mut self.warnings));
        match &self.what {
            What::Bib { control_number, .. } => {
                report.read += 1;
                report.links.bib(&self.id, control_number.as_deref());
            }
            What::Holdings {
                link,
                id,
                source,
                position,
            } => {
                report.holdings_read += 1;
                report.links.holdings(link, id, source, *position);
            }
            What::Ignored(kind) => report.ignore(*kind),
        }
    }

    /// Stages a record (on the writing thread).
    pub(crate) fn stage(self, session: &mut HarvestSession<'_>) -> Result<(), StoreError> {
        match self.what {
            What::Bib { embedded, .. } => {
                if let Some(e) = embedded {
                    session.put_holdings(holdings_key(&self.id, ""), e)?;
                }
                session.put(self.id, self.encoded)
            }
            What::Holdings { .. } => session.put_holdings(self.id, self.encoded),
            What::Ignored(_) => Ok(()),
        }
    }
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
    let kind = RecordKind::of(&record.leader);
    if kind.is_ignored() {
        return Ok(Ready::ignored(kind));
    }
    if kind == RecordKind::Holdings {
        return ready_holdings(decoded, id, source, position);
    }
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
    let statements = HoldingsRecord::embedded_statements(record);
    let embedded = if statements.is_empty() {
        None
    } else {
        let own = HoldingsRecord {
            id: None,
            bib_links: vec![id.clone()],
            items: Vec::new(),
            statements,
        };
        Some(encode_holdings(&own).map_err(problem)?)
    };
    let control_number = stored.bib.control_number.clone().filter(|c| c.trim() != id);
    let warnings = decoded
        .warnings
        .iter()
        .map(|w| RecordWarningLine::new(w, source, &id))
        .collect();
    Ok(Ready {
        id,
        encoded,
        warnings,
        what: What::Bib {
            control_number,
            embedded,
        },
    })
}

/// A MARC holdings record: keyed by the bib it belongs to.
fn ready_holdings(
    decoded: &Decoded,
    id: Option<String>,
    source: &str,
    position: Option<unicat_marc::Position>,
) -> Result<Ready, RecordProblem> {
    let holdings = HoldingsRecord::from_marc(&decoded.record);
    let own = id
        .or_else(|| holdings.id.clone())
        .unwrap_or_else(|| match position {
            Some(p) => format!("#{}", p.record),
            None => "#?".to_string(),
        });
    let problem = |reason: String| RecordProblem {
        source: source.to_string(),
        position,
        record_id: Some(own.clone()),
        reason,
    };
    let Some(link) = holdings.bib_links.first().cloned() else {
        return Err(problem(
            "holdings record without a link to its bibliographic record (no 004)".into(),
        ));
    };
    let encoded = encode_holdings(&holdings).map_err(problem)?;
    let warnings = decoded
        .warnings
        .iter()
        .map(|w| RecordWarningLine::new(w, source, &own))
        .collect();
    Ok(Ready {
        id: holdings_key(&link, &own),
        encoded,
        warnings,
        what: What::Holdings {
            link,
            id: own,
            source: source.to_string(),
            position,
        },
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

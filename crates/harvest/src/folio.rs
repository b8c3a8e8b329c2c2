//! FOLIO inventory JSON sources: each file holds instances with their
//! holdings and items (one object, an array, or one object per line), read
//! by `unicat_bib::folio` into a bibliographic record and its holdings
//! records, staged like any other library's.

use crate::HarvestError;
use crate::file;
use crate::observer::Observer;
use crate::process::{Ready, What};
use crate::report::{LibraryReport, RecordProblem};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use unicat_bib::folio::{FolioInstance, read_value};
use unicat_bib::{BibRecord, RecordKind};
use unicat_config::Library;
use unicat_marc::Position;
use unicat_store::{HarvestSession, StoredRecord, encode_holdings, holdings_key};

/// Reads FOLIO JSON files into the session. A file that is not JSON is
/// reported (and the rest of it skipped); the next file is still read.
pub(crate) fn harvest_files(
    files: &[PathBuf],
    library: &Library,
    session: &mut HarvestSession<'_>,
    report: &mut LibraryReport,
    observer: &dyn Observer,
) -> Result<(), HarvestError> {
    let count = Arc::new(AtomicU64::new(0));
    let total: u64 = files
        .iter()
        .filter_map(|f| f.metadata().ok())
        .map(|m| m.len())
        .sum();
    observer.started(library.id.as_str(), Some(total));
    for path in files {
        let name = path.display().to_string();
        let input = file::open(path, count.clone())?;
        let mut n = 0u64;
        for value in serde_json::Deserializer::from_reader(input).into_iter::<serde_json::Value>() {
            let value = match value {
                Ok(v) => v,
                Err(e) => {
                    report.problem(RecordProblem {
                        source: name.clone(),
                        position: Some(Position {
                            record: n + 1,
                            offset: 0,
                        }),
                        record_id: None,
                        reason: format!("not FOLIO JSON ({e}); the rest of the file is skipped"),
                    });
                    break;
                }
            };
            for instance in read_value(&value) {
                n += 1;
                let position = Position {
                    record: n,
                    offset: 0,
                };
                let problem = |record_id: Option<String>, reason: String| RecordProblem {
                    source: name.clone(),
                    position: Some(position),
                    record_id,
                    reason,
                };
                match instance {
                    Err(e) => report.problem(problem(None, e.to_string())),
                    Ok(i) => {
                        for mut ready in
                            prepare(i, library, &name, position).map_err(|(id, reason)| {
                                HarvestError::File {
                                    path: name.clone(),
                                    reason: format!("{}: {reason}", id.unwrap_or_default()),
                                }
                            })?
                        {
                            ready.account(report);
                            ready.stage(session)?;
                        }
                    }
                }
            }
            observer.progress(
                library.id.as_str(),
                report.read,
                count.load(Ordering::Relaxed),
            );
        }
    }
    report.bytes = count.load(Ordering::Relaxed);
    Ok(())
}

/// An instance as records to stage: the bib first, then its holdings.
fn prepare(
    i: FolioInstance,
    library: &Library,
    source: &str,
    position: Position,
) -> Result<Vec<Ready>, (Option<String>, String)> {
    let kind = RecordKind::of(&i.record.leader);
    if kind.is_ignored() {
        return Ok(vec![Ready {
            id: String::new(),
            encoded: Vec::new(),
            warnings: Vec::new(),
            what: What::Ignored(kind),
        }]);
    }
    let Some(id) =
        i.id.clone()
            .or_else(|| library.record_id(&i.record).map(str::to_string))
    else {
        return Err((None, "an instance without hrid or id".into()));
    };
    let mut marc = Vec::with_capacity(2048);
    unicat_marc::iso2709::write_record(&i.record, &mut marc)
        .map_err(|e| (Some(id.clone()), e.to_string()))?;
    let bib = BibRecord::from_marc(&i.record);
    let control_number = bib.control_number.clone().filter(|c| c.trim() != id);
    let stored = StoredRecord {
        items: library.holdings.extract(&i.record),
        bib,
        marc,
    };
    let encoded = stored.encode().map_err(|e| (Some(id.clone()), e))?;
    let mut out = vec![Ready {
        id: id.clone(),
        encoded,
        warnings: Vec::new(),
        what: What::Bib {
            control_number,
            embedded: None,
        },
    }];
    for (n, mut h) in i.holdings.into_iter().enumerate() {
        let own = h.id.clone().unwrap_or_else(|| format!("{id}#{}", n + 1));
        h.bib_links = vec![id.clone()];
        let encoded = encode_holdings(&h).map_err(|e| (Some(own.clone()), e))?;
        out.push(Ready {
            id: holdings_key(&id, &own),
            encoded,
            warnings: Vec::new(),
            what: What::Holdings {
                link: id.clone(),
                id: own,
                source: source.to_string(),
                position: Some(position),
            },
        });
    }
    Ok(out)
}

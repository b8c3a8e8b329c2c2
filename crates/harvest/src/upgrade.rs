//! Records written by an earlier version of Unicat, brought up to date
//! from what the store kept — never by re-reading the libraries' sources,
//! which may be slow, incremental (OAI-PMH) or gone.
//!
//! A record whose description was written in an older layout is read again
//! from its stored MARC (description and holdings, through the library's
//! holdings mapping); a record whose matching view alone is stale is
//! re-encoded from its description. Each record carries its own version, so
//! an upgrade cut short by a crash resumes where it stopped.

use crate::HarvestError;
use rayon::prelude::*;
use unicat_bib::BibRecord;
use unicat_config::{Library, Network};
use unicat_marc::{Format, Reader};
use unicat_store::{Store, StoreError, StoredRecord};

/// Records upgraded at a time (one write transaction each).
const BATCH: usize = 8192;

/// Upgrades every stale record of the network's libraries. Returns how many
/// were upgraded, and the records that could not be read again (reported,
/// and left for the next harvest of their library to replace).
pub(crate) fn upgrade_records(
    network: &Network,
    store: &Store,
) -> Result<(u64, Vec<String>), HarvestError> {
    if store.records_current()? {
        return Ok((0, Vec::new()));
    }
    let mut upgraded = 0;
    let mut failed = Vec::new();
    for id in store.libraries()? {
        // A library no longer in the network leaves the store anyway.
        let Some(library) = network.library(&id) else {
            continue;
        };
        let mut stale: Vec<(String, Vec<u8>)> = Vec::new();
        let mut flush = |stale: &mut Vec<(String, Vec<u8>)>| -> Result<(), StoreError> {
            let done: Vec<Result<(String, Vec<u8>), String>> = stale
                .par_iter()
                .map(|(record_id, bytes)| {
                    upgrade_one(library, bytes)
                        .map(|v| (record_id.clone(), v))
                        .map_err(|reason| format!("{id}/{record_id}: {reason}"))
                })
                .collect();
            let mut values = Vec::with_capacity(done.len());
            for d in done {
                match d {
                    Ok(v) => values.push(v),
                    Err(e) => failed.push(e),
                }
            }
            upgraded += values.len() as u64;
            store.replace_values(&id, &values)?;
            stale.clear();
            Ok(())
        };
        store.for_each_encoded(&id, |record_id, bytes| {
            if !StoredRecord::is_current(bytes) {
                stale.push((record_id.to_string(), bytes.to_vec()));
                if stale.len() == BATCH {
                    flush(&mut stale)?;
                }
            }
            Ok(())
        })?;
        flush(&mut stale)?;
    }
    if failed.is_empty() {
        store.set_records_current()?;
    }
    if upgraded > 0 {
        tracing::info!(
            upgraded,
            "records written by an earlier version upgraded from the store"
        );
    }
    Ok((upgraded, failed))
}

/// One stored value brought up to date.
fn upgrade_one(library: &Library, bytes: &[u8]) -> Result<Vec<u8>, String> {
    if StoredRecord::layout_is_current(bytes) {
        return StoredRecord::decode(bytes)?.encode();
    }
    let marc = StoredRecord::decode_marc(bytes)?;
    let record = Reader::new(&marc[..], Format::Iso2709)
        .next()
        .ok_or("no MARC record stored")?
        .map_err(|e| e.to_string())?;
    StoredRecord {
        bib: BibRecord::from_marc(&record),
        items: library.holdings.extract(&record),
        marc,
    }
    .encode()
}

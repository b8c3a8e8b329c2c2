//! One library's harvest, from its source to a committed (or untouched)
//! set of records.

use crate::HarvestError;
use crate::file;
use crate::http::Fetcher;
use crate::oai;
use crate::observer::Observer;
use crate::report::{LibraryReport, Outcome};
use std::time::{Instant, SystemTime};
use tokio::runtime::Handle;
use unicat_config::{Library, Network, Source};
use unicat_store::{HarvestMode, HarvestSession, HarvestState, Store};

fn now() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Harvests one library; never panics on input, never returns an error:
/// failures are in the report, and leave the library as it was.
pub(crate) fn harvest_library(
    network: &Network,
    store: &Store,
    library: &Library,
    full: bool,
    client: &reqwest::Client,
    handle: &Handle,
    observer: &dyn Observer,
) -> LibraryReport {
    let started = Instant::now();
    let mut report = LibraryReport::new(library.id.as_str());
    let result = run(
        network,
        store,
        library,
        full,
        client,
        handle,
        observer,
        &mut report,
    );
    report.elapsed = started.elapsed();
    if let Err(e) = result {
        let reason = e.to_string();
        tracing::warn!(library = %library.id, "{reason}");
        if let Err(store_err) = store.record_failure(library.id.as_str(), now(), &reason) {
            tracing::error!(library = %library.id, "cannot record the failure: {store_err}");
        }
        report.outcome = Outcome::Failed(reason);
        report.changes = Default::default();
    }
    observer.finished(&report);
    report
}

#[allow(clippy::too_many_arguments)]
fn run(
    network: &Network,
    store: &Store,
    library: &Library,
    full: bool,
    client: &reqwest::Client,
    handle: &Handle,
    observer: &dyn Observer,
    report: &mut LibraryReport,
) -> Result<(), HarvestError> {
    let id = library.id.as_str();
    let previous = store.harvest_state(id)?.unwrap_or_default();
    let had_records = store.count(id)? > 0;
    let mut state = HarvestState {
        last_attempt: Some(now()),
        ..previous.clone()
    };
    if library.sources.len() > 1 {
        return harvest_sources(
            network,
            store,
            library,
            client,
            handle,
            observer,
            report,
            had_records,
            full,
            state,
        );
    }
    let Some(source) = library.sources.first() else {
        return Err(HarvestError::File {
            path: id.to_string(),
            reason: "the library has no source".into(),
        });
    };
    match source {
        Source::Folio { path, kind } => {
            let files = file::list(path, *kind)?;
            if skip_unchanged(
                store,
                library,
                &files,
                full,
                had_records,
                &mut state,
                report,
            )? {
                return Ok(());
            }
            let session = read_export(store, library, report, |library, session, report| {
                crate::folio::harvest_files(&files, library, session, report, observer)
            })?;
            refuse_empty(report, had_records, &path.display().to_string())?;
            commit(store, library, session, state, report, false)
        }
        Source::File { path, kind, format } => {
            let files = file::list(path, *kind)?;
            if skip_unchanged(
                store,
                library,
                &files,
                full,
                had_records,
                &mut state,
                report,
            )? {
                return Ok(());
            }
            let session = read_export(store, library, report, |library, session, report| {
                file::harvest_files(&files, *format, library, session, report, observer)
            })?;
            refuse_empty(report, had_records, &path.display().to_string())?;
            commit(store, library, session, state, report, false)
        }
        Source::Http { url, format } => {
            let mut fetcher = Fetcher::new(client, &network.harvest, handle, observer, id);
            let validator = if full {
                None
            } else {
                previous.http_validator.clone()
            };
            let mut headers = Vec::new();
            if let Some(v) = &validator {
                if v.starts_with('"') || v.starts_with("W/") {
                    headers.push(("If-None-Match", v.clone()));
                } else {
                    headers.push(("If-Modified-Since", v.clone()));
                }
            }
            observer.started(id, None);
            let tmp_dir = network.index_dir.join("tmp");
            std::fs::create_dir_all(&tmp_dir).map_err(|e| HarvestError::File {
                path: tmp_dir.display().to_string(),
                reason: e.to_string(),
            })?;
            // Library ids are [a-z0-9_-]: the name stays inside tmp/.
            let tmp = tmp_dir.join(format!("{id}.download"));
            let progress = |n: u64| observer.progress(id, 0, n);
            let fetched = fetcher.download(url, &headers, &tmp, &progress);
            report.requests = fetcher.requests;
            let (status, resp_headers, bytes) = fetched?;
            report.bytes = bytes;
            if status == reqwest::StatusCode::NOT_MODIFIED && had_records {
                let _ = std::fs::remove_file(&tmp);
                return unchanged(store, id, state, report);
            }
            state.http_validator = resp_headers
                .get(reqwest::header::ETAG)
                .or_else(|| resp_headers.get(reqwest::header::LAST_MODIFIED))
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let result = read_export(store, library, report, |library, session, report| {
                file::harvest_files(
                    std::slice::from_ref(&tmp),
                    *format,
                    library,
                    session,
                    report,
                    observer,
                )
            })
            .map_err(|e| match e {
                HarvestError::NotMarc(_) => HarvestError::NotMarc(url.clone()),
                other => other,
            });
            report.bytes = bytes;
            report.requests = fetcher.requests;
            let _ = std::fs::remove_file(&tmp);
            let session = result?;
            refuse_empty(report, had_records, url)?;
            commit(store, library, session, state, report, false)
        }
        Source::OaiPmh {
            url,
            metadata_prefix,
            set,
        } => {
            let mut fetcher = Fetcher::new(client, &network.harvest, handle, observer, id);
            observer.started(id, None);
            let result = harvest_oai(
                store,
                library,
                full,
                &previous,
                &mut state,
                &mut fetcher,
                url,
                metadata_prefix,
                set.as_deref(),
                report,
                had_records,
            );
            report.requests = fetcher.requests;
            result
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn harvest_oai(
    store: &Store,
    library: &Library,
    full: bool,
    previous: &HarvestState,
    state: &mut HarvestState,
    fetcher: &mut Fetcher<'_>,
    url: &str,
    metadata_prefix: &str,
    set: Option<&str>,
    report: &mut LibraryReport,
    had_records: bool,
) -> Result<(), HarvestError> {
    let id = library.id.as_str();
    let incremental = !full && had_records && previous.oai_from.is_some();
    if state.oai_granularity.is_none() || !incremental {
        state.oai_granularity = oai::identify(fetcher, url)?;
    }
    let from = if incremental {
        previous
            .oai_from
            .as_deref()
            .map(|f| oai::at_granularity(f, state.oai_granularity.as_deref()))
    } else {
        None
    };
    report.incremental = incremental;
    let mode = if incremental {
        HarvestMode::Merge
    } else {
        HarvestMode::Replace
    };
    let request = oai::OaiRequest {
        base: url,
        metadata_prefix,
        set,
        from,
    };
    let mut restarted = false;
    loop {
        let mut session = store.begin_harvest(id, mode)?;
        let read_before = report.read;
        match oai::list_records(fetcher, &request, library, &mut session, report) {
            Ok(listed) => {
                if listed.response_date.is_some() {
                    state.oai_from = listed.response_date;
                }
                if listed.no_records && incremental {
                    report.outcome = Outcome::Unchanged;
                }
                if !incremental {
                    refuse_empty(report, had_records, url)?;
                }
                return commit(store, library, session, state.clone(), report, incremental);
            }
            Err(None) if !restarted => {
                restarted = true;
                report.read = read_before;
                session.abort()?;
            }
            Err(None) => {
                return Err(HarvestError::Oai {
                    url: url.to_string(),
                    code: "badResumptionToken".into(),
                    message: "the list failed twice with an expired or bad resumption token".into(),
                });
            }
            Err(Some(e)) => return Err(e),
        }
    }
}

/// A library with several sources (bibliographic records in one export,
/// holdings records in another): every source is read into one session,
/// as one catalogue; HTTP exports are fetched in full each time (one
/// checkpoint cannot say which of them changed).
#[allow(clippy::too_many_arguments)]
fn harvest_sources(
    network: &Network,
    store: &Store,
    library: &Library,
    client: &reqwest::Client,
    handle: &Handle,
    observer: &dyn Observer,
    report: &mut LibraryReport,
    had_records: bool,
    full: bool,
    mut state: HarvestState,
) -> Result<(), HarvestError> {
    let id = library.id.as_str();
    // Exports that are all files are fingerprinted together: the library
    // is read again when any of them changed.
    if library
        .sources
        .iter()
        .all(|s| matches!(s, Source::File { .. } | Source::Folio { .. }))
    {
        let mut files = Vec::new();
        for source in &library.sources {
            if let Source::File { path, kind, .. } | Source::Folio { path, kind } = source {
                files.extend(file::list(path, *kind)?);
            }
        }
        if skip_unchanged(
            store,
            library,
            &files,
            full,
            had_records,
            &mut state,
            report,
        )? {
            return Ok(());
        }
    }
    let mut fetcher = Fetcher::new(client, &network.harvest, handle, observer, id);
    // (files, format, FOLIO JSON?)
    let mut inputs: Vec<(Vec<std::path::PathBuf>, Option<unicat_marc::Format>, bool)> = Vec::new();
    let mut downloads = Vec::new();
    let mut names = Vec::new();
    let result = (|| -> Result<(), HarvestError> {
        for (n, source) in library.sources.iter().enumerate() {
            match source {
                Source::File { path, kind, format } => {
                    names.push(path.display().to_string());
                    inputs.push((file::list(path, *kind)?, *format, false));
                }
                Source::Folio { path, kind } => {
                    names.push(path.display().to_string());
                    inputs.push((file::list(path, *kind)?, None, true));
                }
                Source::Http { url, format } => {
                    names.push(url.clone());
                    let tmp_dir = network.index_dir.join("tmp");
                    std::fs::create_dir_all(&tmp_dir).map_err(|e| HarvestError::File {
                        path: tmp_dir.display().to_string(),
                        reason: e.to_string(),
                    })?;
                    let tmp = tmp_dir.join(format!("{id}.{n}.download"));
                    downloads.push(tmp.clone());
                    let progress = |b: u64| observer.progress(id, 0, b);
                    let (_, _, bytes) = fetcher.download(url, &[], &tmp, &progress)?;
                    report.bytes += bytes;
                    inputs.push((vec![tmp], *format, false));
                }
                Source::OaiPmh { url, .. } => {
                    return Err(HarvestError::Oai {
                        url: url.clone(),
                        code: "config".into(),
                        message: "an OAI-PMH repository must be a library's only source".into(),
                    });
                }
            }
        }
        Ok(())
    })();
    report.requests = fetcher.requests;
    let read = result.and_then(|()| {
        read_export(store, library, report, |library, session, report| {
            for (files, format, folio) in &inputs {
                if *folio {
                    crate::folio::harvest_files(files, library, session, report, observer)?;
                } else {
                    file::harvest_files(files, *format, library, session, report, observer)?;
                }
            }
            Ok(())
        })
    });
    for tmp in &downloads {
        let _ = std::fs::remove_file(tmp);
    }
    let session = read?;
    refuse_empty(report, had_records, &names.join(" + "))?;
    commit(store, library, session, state, report, false)
}

/// Fingerprints a file export (see [`fingerprint`](crate::fingerprint));
/// when it is the export last read, commits the checkpoint alone and
/// returns true. Otherwise the new fingerprint goes into `state`, to be
/// committed with the records read. `--full` always reads.
fn skip_unchanged(
    store: &Store,
    library: &Library,
    files: &[std::path::PathBuf],
    full: bool,
    had_records: bool,
    state: &mut HarvestState,
    report: &mut LibraryReport,
) -> Result<bool, HarvestError> {
    let previous = if full { None } else { state.export.as_ref() };
    let taken = crate::fingerprint::take(files, library, previous)?;
    state.export = Some(taken.fingerprint);
    if !(taken.unchanged && had_records) {
        return Ok(false);
    }
    tracing::info!(library = %library.id, "export unchanged since the last harvest: not read");
    unchanged(store, library.id.as_str(), state.clone(), report)?;
    Ok(true)
}

/// An export unchanged since the last harvest: only the checkpoint is
/// committed (when it was tried, when it last succeeded), in one store
/// transaction — every commit is a disk sync, and a night of unchanged
/// exports is one per library.
fn unchanged(
    store: &Store,
    id: &str,
    mut state: HarvestState,
    report: &mut LibraryReport,
) -> Result<(), HarvestError> {
    report.outcome = Outcome::Unchanged;
    report.incremental = true;
    state.last_success = Some(now());
    state.last_error = None;
    state.added = 0;
    state.updated = 0;
    state.deleted = 0;
    let (total, holdings_total) = store.write_checkpoint(id, &state)?;
    report.changes = unicat_store::Changes {
        total,
        holdings_total,
        ..Default::default()
    };
    Ok(())
}

/// Reads a whole export (a file source, or an HTTP export saved to disk)
/// into a new session, with `read`.
///
/// When the record id comes from a preset's chain of fields (Koha: 999 $c,
/// then 001) and the first field repeats across different records of the
/// export, it is not a record id there, and keeping the last record of each
/// repeat would lose the others. The export is then read again with the
/// chain turned (001, then 999 $c); the turn is kept if it repeats less,
/// and the report says which field identified the records. A configured
/// `id_field` is never second-guessed: its repeats are reported.
fn read_export<'s>(
    store: &'s Store,
    library: &Library,
    report: &mut LibraryReport,
    read: impl Fn(&Library, &mut HarvestSession<'s>, &mut LibraryReport) -> Result<(), HarvestError>,
) -> Result<HarvestSession<'s>, HarvestError> {
    let id = library.id.as_str();
    let mut session = store.begin_harvest(id, HarvestMode::Replace)?;
    read(library, &mut session, report)?;
    let repeats = session.duplicates()?.len();
    if repeats == 0 || library.id_fields.len() < 2 {
        return Ok(session);
    }
    let mut turned = library.clone();
    turned.id_fields.rotate_left(1);
    session.abort()?;
    let mut second = LibraryReport::new(id);
    second.requests = report.requests;
    let mut session = store.begin_harvest(id, HarvestMode::Replace)?;
    read(&turned, &mut session, &mut second)?;
    let second_repeats = session.duplicates()?.len();
    let lost = |r: &LibraryReport, repeats: usize| r.problems_total as usize + repeats;
    if lost(&second, second_repeats) < lost(report, repeats) {
        second.notes.push(format!(
            "{} repeats in this export ({repeats} records share another's value), so it does not \
             identify the records: they are identified by {} (set id_field to choose)",
            library.id_fields[0],
            turned.id_fields_text()
        ));
        *report = second;
        return Ok(session);
    }
    // The turn is no better: read the export as configured again.
    session.abort()?;
    let mut third = LibraryReport::new(id);
    third.requests = report.requests;
    let mut session = store.begin_harvest(id, HarvestMode::Replace)?;
    read(library, &mut session, &mut third)?;
    *report = third;
    Ok(session)
}

/// A full harvest that read no record at all would empty the library: when
/// it has records, that is far more likely a broken export than a library
/// that has given away its whole collection.
fn refuse_empty(
    report: &LibraryReport,
    had_records: bool,
    source: &str,
) -> Result<(), HarvestError> {
    if report.read == 0 && report.problems_total > 0 {
        return Err(HarvestError::NothingReadable(source.to_string()));
    }
    if report.read == 0 && had_records {
        return Err(HarvestError::NothingReadable(format!(
            "{source} (the source is empty; the library's records are kept)"
        )));
    }
    Ok(())
}

/// Attaches the holdings read to their bibs (relinking those that named a
/// bib by its 001, reporting orphans), then commits.
fn commit(
    store: &Store,
    library: &Library,
    mut session: HarvestSession<'_>,
    mut state: HarvestState,
    report: &mut LibraryReport,
    incremental: bool,
) -> Result<(), HarvestError> {
    let linked = report
        .links
        .finish(&mut session, store, library.id.as_str(), incremental)?;
    report.holdings_attached = linked.attached;
    report.orphans = linked.orphans;
    state.last_success = Some(now());
    state.errors = report.problems_total;
    report.changes = session.commit(state)?;
    Ok(())
}

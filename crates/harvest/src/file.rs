//! Reading exports from disk: a file, a folder or a glob; `.gz` (detected
//! by its magic bytes) read transparently; the format detected from the
//! content when not configured.

use crate::HarvestError;
use crate::observer::Observer;
use crate::process::{BATCH, Ready, process_batch};
use crate::report::{LibraryReport, RecordProblem};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use unicat_config::{FileKind, Library};
use unicat_marc::{Format, Framer};
use unicat_store::HarvestSession;

/// Counts the bytes read from the underlying file (compressed bytes for
/// `.gz`), for progress.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// The files a file source names, in a stable order.
pub(crate) fn list(path: &Path, kind: FileKind) -> Result<Vec<PathBuf>, HarvestError> {
    let err = |reason: String| HarvestError::File {
        path: path.display().to_string(),
        reason,
    };
    let mut files = match kind {
        FileKind::File => vec![path.to_path_buf()],
        FileKind::Folder => std::fs::read_dir(path)
            .map_err(|e| err(e.to_string()))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.is_file()
                    && !p
                        .file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            })
            .collect(),
        FileKind::Glob => glob::glob(&path.to_string_lossy())
            .map_err(|e| err(e.to_string()))?
            .filter_map(Result::ok)
            .filter(|p| p.is_file())
            .collect(),
    };
    files.sort();
    if files.is_empty() {
        return Err(err("no file to read".into()));
    }
    Ok(files)
}

/// Opens a file, decompressing gzip when its first bytes say so.
pub(crate) fn open(
    path: &Path,
    count: Arc<AtomicU64>,
) -> Result<Box<dyn BufRead + Send>, HarvestError> {
    let file = std::fs::File::open(path).map_err(|e| HarvestError::File {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    let mut buffered = BufReader::with_capacity(1 << 20, Counting { inner: file, count });
    let magic = buffered.fill_buf().map_err(|e| HarvestError::File {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    Ok(if magic.starts_with(&[0x1f, 0x8b]) {
        Box::new(BufReader::with_capacity(
            1 << 20,
            flate2::read::MultiGzDecoder::new(buffered),
        ))
    } else {
        Box::new(buffered)
    })
}

/// Reads the files into the session. A file that cannot be read fails the
/// library; in a folder or glob, a file that is not MARC is reported and
/// skipped, but a single configured file that is not MARC fails it.
pub(crate) fn harvest_files(
    files: &[PathBuf],
    format: Option<Format>,
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
    let mut marc_files = 0;
    for path in files {
        let name = path.display().to_string();
        let mut input = open(path, count.clone())?;
        let detected = match format {
            Some(f) => Some(f),
            None => Format::detect(input.fill_buf().map_err(|e| HarvestError::File {
                path: name.clone(),
                reason: e.to_string(),
            })?),
        };
        let Some(format) = detected else {
            if files.len() == 1 {
                return Err(HarvestError::NotMarc(name));
            }
            report.problem(RecordProblem {
                source: name.clone(),
                position: None,
                record_id: None,
                reason: "not MARC (neither ISO 2709, MARCXML nor MARC-in-JSON); file skipped"
                    .into(),
            });
            continue;
        };
        marc_files += 1;
        read_stream(
            input, format, library, &name, session, report, observer, &count,
        )?;
    }
    report.bytes = count.load(Ordering::Relaxed);
    if marc_files == 0 {
        return Err(HarvestError::NotMarc(
            files
                .first()
                .map(|f| f.display().to_string())
                .unwrap_or_default(),
        ));
    }
    Ok(())
}

/// Frames a stream, processes it batch by batch on rayon, and stages the
/// good records. Three stages, each on its own thread and a batch apart:
/// framing (finding record boundaries, which is serial), decoding and
/// normalising (on rayon), and staging into the store's write transaction.
/// A library harvested alone, like the last one of a network, thus still
/// keeps both cores busy.
#[allow(clippy::too_many_arguments)]
pub(crate) fn read_stream<R: BufRead + Send>(
    input: R,
    format: Format,
    library: &Library,
    source: &str,
    session: &mut HarvestSession<'_>,
    report: &mut LibraryReport,
    observer: &dyn Observer,
    count: &AtomicU64,
) -> Result<(), HarvestError> {
    type Framed = Vec<Result<unicat_marc::RawRecord, unicat_marc::RecordError>>;
    let (framed_tx, framed_rx) = std::sync::mpsc::sync_channel::<Framed>(2);
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Ready>>(2);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut framer = Framer::new(input, format);
            loop {
                let mut batch = Vec::with_capacity(BATCH);
                while batch.len() < BATCH {
                    match framer.next_raw() {
                        Some(raw) => batch.push(raw),
                        None => break,
                    }
                }
                let last = batch.len() < BATCH;
                // Stops when the input ends or the reader gave up.
                if batch.is_empty() || framed_tx.send(batch).is_err() || last {
                    return;
                }
            }
        });
        let writer = scope.spawn(move || -> Result<(), HarvestError> {
            for batch in rx {
                for ready in batch {
                    ready.stage(session)?;
                }
            }
            Ok(())
        });
        let read = (|| -> Result<(), HarvestError> {
            for batch in framed_rx {
                // A read error (not a bad record) fails the library.
                if let Some(Err(e)) = batch.last()
                    && let unicat_marc::ErrorKind::Io(reason) = &e.kind
                {
                    return Err(HarvestError::File {
                        path: source.to_string(),
                        reason: reason.clone(),
                    });
                }
                let mut ready = Vec::with_capacity(batch.len());
                for result in process_batch(&batch, format, library, source) {
                    match result {
                        Ok(mut r) => {
                            r.account(report);
                            ready.push(r);
                        }
                        Err(problem) => report.problem(problem),
                    }
                }
                observer.progress(
                    library.id.as_str(),
                    report.read,
                    count.load(Ordering::Relaxed),
                );
                if tx.send(ready).is_err() {
                    // The writer stopped on an error, which join reports.
                    return Ok(());
                }
            }
            Ok(())
        })();
        drop(tx);
        let written = writer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        read.and(written)
    })
}

//! What a harvest did, per library: counts, problems, time.

use std::fmt;
use std::io::Write;
use std::path::Path;
use std::time::Duration;
use unicat_store::Changes;

/// How many record problems a report keeps in memory (all are written to
/// the report file as they come).
pub const PROBLEMS_KEPT: usize = 10;

/// A bad record: where it was and why it was skipped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordProblem {
    /// The file or URL it came from.
    pub source: String,
    /// 1-based record number in that source, and byte offset.
    pub position: Option<unicat_marc::Position>,
    /// Its id (001 or the configured id field), when readable.
    pub record_id: Option<String>,
    /// Why.
    pub reason: String,
}

impl fmt::Display for RecordProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.source)?;
        if let Some(p) = &self.position {
            write!(f, ": {p}")?;
        }
        if let Some(id) = &self.record_id {
            write!(f, " (id {id})")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// How a library's harvest ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Committed.
    Harvested,
    /// Nothing had changed at the source (HTTP 304, OAI noRecordsMatch).
    Unchanged,
    /// Could not be harvested; the library's previous records are untouched.
    Failed(String),
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Harvested => f.write_str("harvested"),
            Outcome::Unchanged => f.write_str("unchanged"),
            Outcome::Failed(why) => write!(f, "FAILED: {why}"),
        }
    }
}

/// One library's harvest.
#[derive(Clone, Debug)]
pub struct LibraryReport {
    /// The library id.
    pub library: String,
    /// How it ended.
    pub outcome: Outcome,
    /// Full or incremental.
    pub incremental: bool,
    /// Records read (good ones).
    pub read: u64,
    /// What changed in the store (empty when failed).
    pub changes: Changes,
    /// The first problems (see [`PROBLEMS_KEPT`]); all are in the report file.
    pub problems: Vec<RecordProblem>,
    /// How many problems in all.
    pub problems_total: u64,
    /// Bytes read from the source.
    pub bytes: u64,
    /// Requests made (HTTP and OAI-PMH).
    pub requests: u64,
    /// Wall time.
    pub elapsed: Duration,
    /// What the harvest decided on its own that the librarian should know
    /// (which field identified the records, and why).
    pub notes: Vec<String>,
    /// Every problem, for the report file.
    pub(crate) all_problems: Vec<RecordProblem>,
}

impl LibraryReport {
    pub(crate) fn new(library: &str) -> LibraryReport {
        LibraryReport {
            library: library.to_string(),
            outcome: Outcome::Harvested,
            incremental: false,
            read: 0,
            changes: Changes::default(),
            problems: Vec::new(),
            problems_total: 0,
            bytes: 0,
            requests: 0,
            elapsed: Duration::ZERO,
            notes: Vec::new(),
            all_problems: Vec::new(),
        }
    }

    pub(crate) fn failed(library: &str, reason: String) -> LibraryReport {
        let mut r = LibraryReport::new(library);
        r.outcome = Outcome::Failed(reason);
        r
    }

    pub(crate) fn problem(&mut self, p: RecordProblem) {
        self.problems_total += 1;
        if self.problems.len() < PROBLEMS_KEPT {
            self.problems.push(p.clone());
        }
        self.all_problems.push(p);
    }

    /// Records per second.
    pub fn rate(&self) -> f64 {
        let s = self.elapsed.as_secs_f64();
        if s > 0.0 { self.read as f64 / s } else { 0.0 }
    }

    /// True when the library could not be harvested.
    pub fn is_failure(&self) -> bool {
        matches!(self.outcome, Outcome::Failed(_))
    }

    /// Every problem (the report file's content).
    pub fn all_problems(&self) -> &[RecordProblem] {
        &self.all_problems
    }
}

/// The whole network's harvest.
#[derive(Clone, Debug)]
pub struct NetworkReport {
    /// Per library, in the network's order.
    pub libraries: Vec<LibraryReport>,
    /// Wall time.
    pub elapsed: Duration,
}

impl NetworkReport {
    /// True when some library could not be harvested at all.
    pub fn any_failed(&self) -> bool {
        self.libraries.iter().any(LibraryReport::is_failure)
    }

    /// Records read in all.
    pub fn records(&self) -> u64 {
        self.libraries.iter().map(|l| l.read).sum()
    }
}

/// Writes `reports/<library>.txt` in `index_dir` for every library: the
/// outcome, counts, and every bad record. Library ids are
/// `[a-z0-9][a-z0-9_-]*`, so the file name cannot leave the folder.
pub(crate) fn write_report_files(index_dir: &Path, report: &NetworkReport) {
    let dir = index_dir.join("reports");
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    for lib in &report.libraries {
        let path = dir.join(format!("{}.txt", lib.library));
        let Ok(mut f) = std::fs::File::create(&path) else {
            tracing::warn!(library = %lib.library, path = %path.display(), "cannot write the harvest report");
            continue;
        };
        let _ = writeln!(f, "library: {}", lib.library);
        let _ = writeln!(f, "outcome: {}", lib.outcome);
        let _ = writeln!(
            f,
            "mode: {}",
            if lib.incremental {
                "incremental"
            } else {
                "full"
            }
        );
        let _ = writeln!(
            f,
            "records read: {}\nadded: {}\nupdated: {}\ndeleted: {}\nunchanged: {}\nheld: {}\nbad records: {}\nbytes: {}\nrequests: {}\ntime: {:.2}s\nrecords/s: {:.0}",
            lib.read,
            lib.changes.added.len(),
            lib.changes.updated.len(),
            lib.changes.deleted.len(),
            lib.changes.unchanged,
            lib.changes.total,
            lib.problems_total,
            lib.bytes,
            lib.requests,
            lib.elapsed.as_secs_f64(),
            lib.rate()
        );
        for note in &lib.notes {
            let _ = writeln!(f, "note: {note}");
        }
        for id in &lib.changes.duplicates {
            let _ = writeln!(f, "duplicate record id (last one kept): {id}");
        }
        for p in &lib.all_problems {
            let _ = writeln!(f, "bad record: {p}");
        }
    }
}

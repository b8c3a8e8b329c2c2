//! What a harvest did, per library: counts, problems (records skipped),
//! warnings (records read after a repair), time.

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

/// How many warnings a report keeps in memory (all are written to the
/// report file).
pub const WARNINGS_KEPT: usize = 10;

/// A repair made to read a record, which was kept: where it was, the field,
/// and what was done (see [`unicat_marc::WarningKind`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordWarningLine {
    /// The file or URL it came from.
    pub source: String,
    /// 1-based record number in that source, and byte offset.
    pub position: unicat_marc::Position,
    /// Its id (001 or the configured id field).
    pub record_id: String,
    /// The field repaired.
    pub field: String,
    /// What was wrong and what was done.
    pub reason: String,
}

impl RecordWarningLine {
    pub(crate) fn new(w: &unicat_marc::RecordWarning, source: &str, id: &str) -> Self {
        RecordWarningLine {
            source: source.to_string(),
            position: w.position,
            record_id: id.to_string(),
            field: w.tag.to_string(),
            reason: w.kind.to_string(),
        }
    }
}

impl fmt::Display for RecordWarningLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} (id {}): field {}: {}",
            self.source, self.position, self.record_id, self.field, self.reason
        )
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
    /// Records read (and counted in `read`) after a repair.
    pub warned: u64,
    /// The first warnings (see [`WARNINGS_KEPT`]); all are in the report file.
    pub warnings: Vec<RecordWarningLine>,
    /// How many warnings in all (a record may have several).
    pub warnings_total: u64,
    /// Bytes read from the source.
    pub bytes: u64,
    /// Requests made (HTTP and OAI-PMH).
    pub requests: u64,
    /// Wall time.
    pub elapsed: Duration,
    /// What the harvest decided on its own that the librarian should know
    /// (which field identified the records, and why).
    pub notes: Vec<String>,
    /// Holdings records read (MARC holdings records, FOLIO holdings).
    pub holdings_read: u64,
    /// Holdings records attached to a bibliographic record of the library.
    pub holdings_attached: u64,
    /// Holdings records whose bibliographic record never arrived (all of
    /// them; they are kept, and attach when it does).
    pub orphans: Vec<RecordProblem>,
    /// Records that are not bibliographic (authority, classification,
    /// community information), by kind: counted, never catalogued.
    pub ignored: Vec<(unicat_bib::RecordKind, u64)>,
    /// Bibs and holdings links seen, while reading.
    pub(crate) links: crate::links::Links,
    /// Every problem, for the report file.
    pub(crate) all_problems: Vec<RecordProblem>,
    /// Every warning, for the report file.
    pub(crate) all_warnings: Vec<RecordWarningLine>,
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
            warned: 0,
            warnings: Vec::new(),
            warnings_total: 0,
            bytes: 0,
            requests: 0,
            elapsed: Duration::ZERO,
            notes: Vec::new(),
            holdings_read: 0,
            holdings_attached: 0,
            orphans: Vec::new(),
            ignored: Vec::new(),
            links: Default::default(),
            all_problems: Vec::new(),
            all_warnings: Vec::new(),
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

    /// A record that is not bibliographic, ignored.
    pub(crate) fn ignore(&mut self, kind: unicat_bib::RecordKind) {
        match self.ignored.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n += 1,
            None => self.ignored.push((kind, 1)),
        }
    }

    /// The lines saying what was ignored: `1,066 authority records: not
    /// bibliographic, ignored`.
    pub fn ignored_lines(&self) -> Vec<String> {
        self.ignored
            .iter()
            .map(|(kind, n)| {
                format!(
                    "{} {}: not bibliographic, ignored",
                    thousands(*n),
                    if *n == 1 {
                        kind.plural().trim_end_matches('s')
                    } else {
                        kind.plural()
                    }
                )
            })
            .collect()
    }

    /// A record read after repairs (it is also counted in `read`).
    pub(crate) fn warned(&mut self, warnings: Vec<RecordWarningLine>) {
        if warnings.is_empty() {
            return;
        }
        self.warned += 1;
        self.warnings_total += warnings.len() as u64;
        let room = WARNINGS_KEPT.saturating_sub(self.warnings.len());
        self.warnings.extend(warnings.iter().take(room).cloned());
        self.all_warnings.extend(warnings);
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

    /// Every warning (the report file's content).
    pub fn all_warnings(&self) -> &[RecordWarningLine] {
        &self.all_warnings
    }
}

/// 1066 → `1,066`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
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

    /// Records read after repairs, in all.
    pub fn warned(&self) -> u64 {
        self.libraries.iter().map(|l| l.warned).sum()
    }
}

/// Writes `reports/<library>.txt` in `index_dir` for every library: the
/// outcome, counts, every bad record (skipped) and every warning (a record
/// read after a repair). Library ids are
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
        let _ = writeln!(
            f,
            "records read with warnings: {}\nwarnings: {}",
            lib.warned, lib.warnings_total
        );
        let _ = writeln!(
            f,
            "holdings records: {}\nholdings attached: {}\norphan holdings records: {}\nholdings held: {}",
            lib.holdings_read,
            lib.holdings_attached,
            lib.orphans.len(),
            lib.changes.holdings_total
        );
        for line in lib.ignored_lines() {
            let _ = writeln!(f, "ignored: {line}");
        }
        for note in &lib.notes {
            let _ = writeln!(f, "note: {note}");
        }
        for o in &lib.orphans {
            let _ = writeln!(f, "orphan holdings record: {o}");
        }
        for id in &lib.changes.duplicates {
            let _ = writeln!(f, "duplicate record id (last one kept): {id}");
        }
        for p in &lib.all_problems {
            let _ = writeln!(f, "bad record: {p}");
        }
        for w in &lib.all_warnings {
            let _ = writeln!(f, "warning: {w}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(record: u64, field: &str) -> RecordWarningLine {
        RecordWarningLine {
            source: "lib.mrc".into(),
            position: unicat_marc::Position {
                record,
                offset: record * 100,
            },
            record_id: format!("r{record}"),
            field: field.into(),
            reason: "indicator 1 (byte 0x14) read as blank".into(),
        }
    }

    #[test]
    fn warnings_count_records_and_keep_the_first_ones() {
        let mut r = LibraryReport::new("lib");
        r.warned(Vec::new());
        assert_eq!((r.warned, r.warnings_total), (0, 0));
        for n in 1..=6 {
            r.warned(vec![line(n, "010"), line(n, "245")]);
        }
        assert_eq!((r.warned, r.warnings_total), (6, 12));
        assert_eq!(r.warnings.len(), WARNINGS_KEPT);
        assert_eq!(r.all_warnings().len(), 12);
        // Warnings are no problems: nothing was skipped.
        assert_eq!(r.problems_total, 0);
        assert_eq!(
            r.warnings[0].to_string(),
            "lib.mrc: record 1 (byte 100) (id r1): field 010: indicator 1 (byte 0x14) read as blank"
        );
    }

    #[test]
    fn the_report_file_gives_warnings_apart_from_bad_records() {
        let dir = tempfile::tempdir().unwrap();
        let mut lib = LibraryReport::new("lib00");
        lib.read = 2;
        lib.warned(vec![line(2, "110")]);
        lib.problem(RecordProblem {
            source: "lib.mrc".into(),
            position: None,
            record_id: None,
            reason: "bad tag \"42\"".into(),
        });
        let report = NetworkReport {
            libraries: vec![lib],
            elapsed: Duration::ZERO,
        };
        write_report_files(dir.path(), &report);
        let text = std::fs::read_to_string(dir.path().join("reports/lib00.txt")).unwrap();
        assert!(text.contains("records read: 2\nadded: 0\n"), "{text}");
        assert!(text.contains("\nbad records: 1\n"), "{text}");
        assert!(
            text.contains("\nrecords read with warnings: 1\nwarnings: 1\n"),
            "{text}"
        );
        assert!(
            text.contains("\nbad record: lib.mrc: bad tag \"42\"\n"),
            "{text}"
        );
        assert!(
            text.ends_with(
                "\nwarning: lib.mrc: record 2 (byte 200) (id r2): field 110: indicator 1 (byte 0x14) read as blank\n"
            ),
            "{text}"
        );
    }
}

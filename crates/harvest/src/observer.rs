//! Progress events, for progress bars on a terminal or log lines elsewhere.

use crate::report::LibraryReport;

/// Receives a harvest's progress. Called from worker threads.
pub trait Observer: Send + Sync {
    /// A library's harvest starts; `total_bytes` when known (files,
    /// HTTP with a length).
    fn started(&self, library: &str, total_bytes: Option<u64>);
    /// Records read so far and bytes consumed so far.
    fn progress(&self, library: &str, records: u64, bytes: u64);
    /// A message about the library's harvest (a retry, a page fetched).
    fn note(&self, library: &str, message: &str);
    /// The library is done (committed, or failed and left as it was).
    fn finished(&self, report: &LibraryReport);
}

/// Plain log lines through `tracing`.
pub struct LogObserver;

impl Observer for LogObserver {
    fn started(&self, library: &str, total_bytes: Option<u64>) {
        tracing::info!(library, total_bytes, "harvest started");
    }
    fn progress(&self, library: &str, records: u64, bytes: u64) {
        tracing::debug!(library, records, bytes, "harvest progress");
    }
    fn note(&self, library: &str, message: &str) {
        tracing::info!(library, "{message}");
    }
    fn finished(&self, report: &LibraryReport) {
        tracing::info!(library = %report.library, outcome = %report.outcome, records = report.read, errors = report.problems_total, warned = report.warned, "harvest finished");
    }
}

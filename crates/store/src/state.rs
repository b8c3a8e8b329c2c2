//! A library's harvest checkpoint.

use serde::{Deserialize, Serialize};

/// What the store remembers of a library's harvests.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HarvestState {
    /// When the last successful harvest committed (seconds since the epoch).
    pub last_success: Option<u64>,
    /// When the last harvest was attempted.
    pub last_attempt: Option<u64>,
    /// Why the last attempt failed, if it did.
    pub last_error: Option<String>,
    /// OAI-PMH: the `responseDate` of the last successful harvest's first
    /// response, the `from` of the next incremental one.
    pub oai_from: Option<String>,
    /// OAI-PMH: the repository's datestamp granularity (`YYYY-MM-DD` or
    /// `YYYY-MM-DDThh:mm:ssZ`).
    pub oai_granularity: Option<String>,
    /// HTTP: the ETag or Last-Modified of the last export fetched.
    pub http_validator: Option<String>,
    /// Records held after the last success.
    pub records: u64,
    /// Counts of the last success.
    pub added: u64,
    /// Counts of the last success.
    pub updated: u64,
    /// Counts of the last success.
    pub deleted: u64,
    /// Bad records skipped in the last success.
    pub errors: u64,
}

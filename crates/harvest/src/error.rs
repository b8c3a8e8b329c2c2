//! The crate's one error, and the reasons a library's harvest fails.

/// Why a harvest (or one library's) could not be done.
#[derive(Debug, thiserror::Error)]
pub enum HarvestError {
    /// `--library` named a library that is not in the network.
    #[error("no library {0:?} in the network")]
    UnknownLibrary(String),
    /// The HTTP client could not be built.
    #[error("cannot set up HTTP: {0}")]
    Client(String),
    /// A file could not be read.
    #[error("cannot read {path}: {reason}")]
    File {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// The input is not MARC in any format we read.
    #[error("{0}: not MARC (neither ISO 2709, MARCXML nor MARC-in-JSON)")]
    NotMarc(String),
    /// Every record of the source was bad: nothing to replace the library's
    /// records with.
    #[error("no readable record in {0}: every record was bad")]
    NothingReadable(String),
    /// A request failed after all retries.
    #[error("{url}: {reason}")]
    Http {
        /// The URL.
        url: String,
        /// Why, after how many attempts.
        reason: String,
    },
    /// The OAI-PMH repository answered with an error.
    #[error("OAI-PMH error {code} from {url}: {message}")]
    Oai {
        /// The URL.
        url: String,
        /// The OAI-PMH error code.
        code: String,
        /// The repository's message.
        message: String,
    },
    /// The OAI-PMH response could not be understood.
    #[error("bad OAI-PMH response from {url}: {reason}")]
    OaiResponse {
        /// The URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// The search index failed.
    #[error("search index: {0}")]
    Index(String),
    /// A backup could not be made or restored.
    #[error("{path}: {reason}")]
    Backup {
        /// The backup folder, or the file concerned.
        path: String,
        /// Why.
        reason: String,
    },
    /// The record store failed.
    #[error(transparent)]
    Store(#[from] unicat_store::StoreError),
}

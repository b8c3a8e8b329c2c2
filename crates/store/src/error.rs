//! The crate's one error.

use std::path::{Path, PathBuf};

/// Something went wrong with the record store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The store could not be opened.
    #[error("cannot open the record store {path}: {reason}")]
    Open {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The store was written by an incompatible version of Unicat.
    #[error(
        "the record store {path} has schema version {found}; rebuild it with `unicat harvest --full`"
    )]
    Version {
        /// The file.
        path: PathBuf,
        /// The version found.
        found: String,
    },
    /// A stored value cannot be decoded.
    #[error("corrupt record {library}/{record_id} in the store: {reason}")]
    Corrupt {
        /// Library.
        library: String,
        /// Record id.
        record_id: String,
        /// Why.
        reason: String,
    },
    /// A value could not be encoded.
    #[error("cannot encode: {0}")]
    Encode(String),
    /// A harvest session was used wrongly (a bug in the caller).
    #[error("{0}")]
    Misuse(&'static str),
    /// A file system error.
    #[error("{0}: {1}")]
    Io(PathBuf, std::io::Error),
    /// An error from redb.
    #[error("record store: {0}")]
    Db(String),
}

impl StoreError {
    pub(crate) fn open(path: &Path, e: redb::DatabaseError) -> StoreError {
        let reason = match e {
            redb::DatabaseError::DatabaseAlreadyOpen => {
                "another process has it open exclusively (an older Unicat?)".to_string()
            }
            other => other.to_string(),
        };
        StoreError::Open {
            path: path.to_path_buf(),
            reason,
        }
    }
}

macro_rules! from_redb {
    ($($t:ty),*) => {
        $(impl From<$t> for StoreError {
            fn from(e: $t) -> Self {
                StoreError::Db(e.to_string())
            }
        })*
    };
}

from_redb!(
    redb::Error,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);

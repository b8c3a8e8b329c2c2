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
    /// Files and folders: what the export was when last read, so that an
    /// unchanged export is not read again.
    pub export: Option<ExportFingerprint>,
}

/// What a file export looked like when it was last read: the library's
/// settings that shape its records, then each file's size, modification
/// time and content hash.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportFingerprint {
    /// A hash of the library's settings (holdings mapping, record id
    /// fields, format…): other settings read the same export differently.
    pub settings: u64,
    /// Every file read, in the order read.
    pub files: Vec<ExportFile>,
}

/// One file of an export, as it was when read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportFile {
    /// The path, as listed.
    pub path: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its modification time, in nanoseconds since the epoch.
    pub modified_ns: u128,
    /// A hash of its bytes (`content_hash` read in blocks).
    pub hash: u64,
}

/// The checkpoint as written before exports had a fingerprint: read so that
/// a store written by an earlier version keeps its checkpoints.
#[derive(Deserialize)]
struct HarvestStateV1 {
    last_success: Option<u64>,
    last_attempt: Option<u64>,
    last_error: Option<String>,
    oai_from: Option<String>,
    oai_granularity: Option<String>,
    http_validator: Option<String>,
    records: u64,
    added: u64,
    updated: u64,
    deleted: u64,
    errors: u64,
}

impl HarvestState {
    /// Reads a stored checkpoint, of this layout or the one before.
    pub(crate) fn decode(bytes: &[u8]) -> Result<HarvestState, postcard::Error> {
        match postcard::from_bytes::<HarvestState>(bytes) {
            Ok(state) => Ok(state),
            Err(e) => {
                let Ok(v1) = postcard::from_bytes::<HarvestStateV1>(bytes) else {
                    return Err(e);
                };
                Ok(HarvestState {
                    last_success: v1.last_success,
                    last_attempt: v1.last_attempt,
                    last_error: v1.last_error,
                    oai_from: v1.oai_from,
                    oai_granularity: v1.oai_granularity,
                    http_validator: v1.http_validator,
                    records: v1.records,
                    added: v1.added,
                    updated: v1.updated,
                    deleted: v1.deleted,
                    errors: v1.errors,
                    export: None,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkpoint_written_before_fingerprints_still_reads() {
        #[derive(Serialize)]
        struct Old {
            last_success: Option<u64>,
            last_attempt: Option<u64>,
            last_error: Option<String>,
            oai_from: Option<String>,
            oai_granularity: Option<String>,
            http_validator: Option<String>,
            records: u64,
            added: u64,
            updated: u64,
            deleted: u64,
            errors: u64,
        }
        let old = Old {
            last_success: Some(7),
            last_attempt: Some(8),
            last_error: None,
            oai_from: Some("2026-01-01".into()),
            oai_granularity: None,
            http_validator: Some("\"abc\"".into()),
            records: 12,
            added: 1,
            updated: 2,
            deleted: 3,
            errors: 4,
        };
        let bytes = postcard::to_stdvec(&old).unwrap();
        let state = HarvestState::decode(&bytes).unwrap();
        assert_eq!(state.records, 12);
        assert_eq!(state.http_validator.as_deref(), Some("\"abc\""));
        assert_eq!(state.export, None);
        let new = HarvestState {
            export: Some(ExportFingerprint {
                settings: 9,
                files: vec![ExportFile {
                    path: "a.mrc".into(),
                    size: 10,
                    modified_ns: 11,
                    hash: 12,
                }],
            }),
            ..state.clone()
        };
        let bytes = postcard::to_stdvec(&new).unwrap();
        assert_eq!(HarvestState::decode(&bytes).unwrap(), new);
        assert!(HarvestState::decode(b"\xff\xff").is_err());
    }
}

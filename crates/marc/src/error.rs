//! Errors: one per bad record ([`RecordError`]), never one per file, and only
//! for a record whose structure cannot be read (a bad byte inside a field is
//! repaired and reported as a [`RecordWarning`](crate::RecordWarning)). A
//! failure of the underlying stream is reported as [`ErrorKind::Io`] and ends
//! the reader.

use std::fmt;

/// Where a record sits in its input: its ordinal (1-based, as a librarian
/// counts) and the byte offset where it starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Position {
    /// 1-based record number in the input.
    pub record: u64,
    /// Byte offset of the record's first byte in the input.
    pub offset: u64,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "record {} (byte {})", self.record, self.offset)
    }
}

/// Why a record could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ErrorKind {
    /// The input ended inside a record.
    #[error("truncated record: input ends after {got} bytes without the record terminator")]
    Truncated {
        /// Bytes present.
        got: usize,
    },
    /// The leader is malformed (too short, non-numeric length or base address).
    #[error("bad leader: {0}")]
    BadLeader(String),
    /// The directory cannot be parsed or points outside the record.
    #[error("bad directory: {0}")]
    BadDirectory(String),
    /// A field tag is not three letters or digits.
    #[error("bad tag {0:?}")]
    BadTag(String),
    /// A MARCXML record whose bytes are not UTF-8 (in ISO 2709, bytes that
    /// are not UTF-8 in a UTF-8 record are repaired, with a warning).
    #[error("invalid UTF-8 in field {tag} at byte {offset} of the field")]
    InvalidUtf8 {
        /// Field tag (`xml` for a whole MARCXML record).
        tag: String,
        /// Offset inside the field data.
        offset: usize,
    },
    /// A control character in a MARCXML leader (in a field's value it is
    /// replaced by a space, with a warning).
    #[error("control character U+{code:04X} in field {tag} is not allowed there")]
    ControlCharacter {
        /// Field tag (or `leader`).
        tag: String,
        /// The code point.
        code: u32,
    },
    /// The XML is not well formed (unterminated element, bad entity, …).
    #[error("malformed XML: {0}")]
    Xml(String),
    /// The JSON is not well formed or not MARC-in-JSON.
    #[error("malformed MARC-in-JSON: {0}")]
    Json(String),
    /// The record has no fields at all.
    #[error("record has no fields")]
    NoFields,
    /// The record is larger than the reader accepts.
    #[error("record too large: more than {0} bytes without a record terminator")]
    TooLarge(usize),
    /// The input stream itself failed; the reader stops after this error.
    #[error("read error: {0}")]
    Io(String),
}

/// A record that could not be read, with where it was and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{position}{}: {kind}", control_number.as_deref().map(|c| format!(" (001 {c})")).unwrap_or_default())]
pub struct RecordError {
    /// Where the record started.
    pub position: Position,
    /// The record's 001, when it could be read.
    pub control_number: Option<String>,
    /// Why it failed.
    pub kind: ErrorKind,
}

/// Why a record could not be written in the requested format.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// ISO 2709 cannot express a field longer than 9 999 bytes.
    #[error("field {tag} is {len} bytes; ISO 2709 allows at most 9999")]
    FieldTooLong {
        /// Tag.
        tag: String,
        /// Length in bytes.
        len: usize,
    },
    /// ISO 2709 cannot express a record longer than 99 999 bytes.
    #[error("record is {0} bytes; ISO 2709 allows at most 99999")]
    RecordTooLong(usize),
    /// The output failed.
    #[error("write error: {0}")]
    Io(#[from] std::io::Error),
}

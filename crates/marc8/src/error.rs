//! Decoding errors.

use std::fmt;

use crate::charset::Charset;

/// A MARC-8 decoding failure: where in the input, and why.
///
/// `offset` is the index into the input byte slice of the first byte of the
/// offending unit: the `ESC` of a bad escape sequence, the first byte of a bad
/// EACC character, or the undecodable byte itself.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid MARC-8 at byte offset {offset}: {reason}")]
pub struct Marc8Error {
    /// Byte offset into the input.
    pub offset: usize,
    /// What is wrong there.
    pub reason: ErrorReason,
}

/// Why a MARC-8 byte sequence could not be decoded.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorReason {
    /// The input ends inside an escape sequence (a lone trailing `ESC`, or
    /// `ESC (` with no final byte).
    #[error("escape sequence {} cut short by the end of the input", Hex(.sequence))]
    TruncatedEscape {
        /// The bytes of the incomplete sequence, starting with `ESC`.
        sequence: Vec<u8>,
    },
    /// An escape sequence that designates no MARC-8 character set.
    #[error("unknown escape sequence {}", Hex(.sequence))]
    UnknownEscape {
        /// The bytes of the sequence, starting with `ESC` (intermediate bytes and
        /// the final byte, when there is one).
        sequence: Vec<u8>,
    },
    /// A byte that is not assigned in the set designated as its working set.
    #[error("byte 0x{byte:02X} is not assigned in {set} (designated as {working_set})")]
    Unassigned {
        /// The byte.
        byte: u8,
        /// The set it was looked up in.
        set: Charset,
        /// The working set the byte addresses (G0 for 0x21..=0x7E, G1 above).
        working_set: WorkingSet,
    },
    /// Three bytes that are not a character of the EACC code table.
    #[error("EACC code 0x{code:06X} is not in the code table (designated as {working_set})")]
    UnassignedEacc {
        /// The three bytes as a big-endian number, with the high bits as read.
        code: u32,
        /// The working set EACC was designated to.
        working_set: WorkingSet,
    },
    /// An EACC character cut short: by the end of the input, or by a byte that
    /// cannot continue a three-byte character (`ESC`, another control byte, or a
    /// byte of the other working set).
    #[error("truncated EACC character: {available} of 3 bytes before {}", Interrupter(*.next))]
    TruncatedEacc {
        /// How many bytes of the character were present (1 or 2).
        available: usize,
        /// The byte that cut it short; `None` at the end of the input.
        next: Option<u8>,
    },
    /// A C1 control byte (0x80..=0x9F) other than the four MARC-8 defines
    /// (0x88 NSB, 0x89 NSE, 0x8D ZWJ, 0x8E ZWNJ).
    #[error("C1 control byte 0x{byte:02X} is not used by MARC-8")]
    UndefinedControl {
        /// The byte.
        byte: u8,
    },
}

/// The working set (code page half) a graphic byte addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WorkingSet {
    /// Bytes 0x21..=0x7E.
    G0,
    /// Bytes 0xA1..=0xFE.
    G1,
}

impl fmt::Display for WorkingSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::G0 => "G0",
            Self::G1 => "G1",
        })
    }
}

/// Names what cut an EACC character short.
struct Interrupter(Option<u8>);

impl fmt::Display for Interrupter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            None => f.write_str("the end of the input"),
            Some(0x1B) => f.write_str("an escape sequence"),
            Some(byte) => write!(f, "byte 0x{byte:02X}"),
        }
    }
}

/// Formats bytes as `ESC 28 5A`-style hex, naming the escape byte.
struct Hex<'a>(&'a [u8]);

impl fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, byte) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str(" ")?;
            }
            if *byte == 0x1B {
                f.write_str("ESC")?;
            } else {
                write!(f, "{byte:02X}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_readable() {
        let error = Marc8Error {
            offset: 7,
            reason: ErrorReason::UnknownEscape {
                sequence: vec![0x1B, b'(', b'Z'],
            },
        };
        assert_eq!(
            error.to_string(),
            "invalid MARC-8 at byte offset 7: unknown escape sequence ESC 28 5A"
        );
        let reason = ErrorReason::Unassigned {
            byte: 0xFD,
            set: Charset::ExtendedLatin,
            working_set: WorkingSet::G1,
        };
        assert_eq!(
            reason.to_string(),
            "byte 0xFD is not assigned in Extended Latin (ANSEL) (designated as G1)"
        );
        let reason = ErrorReason::TruncatedEacc {
            available: 2,
            next: None,
        };
        assert_eq!(
            reason.to_string(),
            "truncated EACC character: 2 of 3 bytes before the end of the input"
        );
        let reason = ErrorReason::TruncatedEacc {
            available: 1,
            next: Some(0x1B),
        };
        assert_eq!(
            reason.to_string(),
            "truncated EACC character: 1 of 3 bytes before an escape sequence"
        );
    }
}

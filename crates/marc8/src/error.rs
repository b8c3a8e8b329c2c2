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

/// A character that cannot be written in MARC-8: which, where, and why.
///
/// `offset` is the byte offset of the character in the NFC form of the text
/// given to [`unicode_to_marc8`](crate::unicode_to_marc8); for text that is
/// already in NFC (as every decoder's output is), that is the text itself.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "cannot encode {} (U+{:04X}) in MARC-8 at byte offset {offset}: {reason}",
    Quoted(*.character),
    u32::from(*.character)
)]
pub struct EncodeError {
    /// Byte offset into the (NFC) text.
    pub offset: usize,
    /// The character.
    pub character: char,
    /// Why it cannot be written.
    pub reason: EncodeReason,
}

/// Why a character cannot be written in MARC-8.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeReason {
    /// No MARC-8 character set has it, nor the parts of its canonical
    /// decomposition (an emoji, an em dash, a curly apostrophe, a
    /// no-break space).
    #[error("no MARC-8 character set has it")]
    NotInMarc8,
    /// ESC: in MARC-8 it starts an escape sequence.
    #[error("ESC starts an escape sequence in MARC-8")]
    Escape,
    /// A combining mark with no base character before it (at the start of the
    /// text or after a control character) and a base character after it: MARC-8
    /// writes marks before their base, so it would attach to that character.
    #[error("combining mark with no base character before it")]
    NoBaseCharacter,
}

/// Shows a character for people: itself when printable, else nothing.
struct Quoted(char);

impl fmt::Display for Quoted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_control() {
            f.write_str("a control character")
        } else {
            write!(f, "{:?}", self.0)
        }
    }
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
    fn encode_messages_are_readable() {
        let error = EncodeError {
            offset: 4,
            character: '\u{1F600}',
            reason: EncodeReason::NotInMarc8,
        };
        assert_eq!(
            error.to_string(),
            "cannot encode '😀' (U+1F600) in MARC-8 at byte offset 4: no MARC-8 character set has it"
        );
        let error = EncodeError {
            offset: 0,
            character: '\u{1B}',
            reason: EncodeReason::Escape,
        };
        assert_eq!(
            error.to_string(),
            "cannot encode a control character (U+001B) in MARC-8 at byte offset 0: ESC starts an escape sequence in MARC-8"
        );
    }

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

//! Warnings: what a reader changed in a record to read it instead of
//! refusing it ([`RecordWarning`]), and the record with them ([`Decoded`]).
//!
//! A record whose *structure* cannot be read (leader, directory, tags,
//! framing, XML or JSON syntax) is still a [`RecordError`](crate::RecordError).
//! A record with one bad byte inside a field is read, and each repair is
//! reported here, so that a librarian can find and fix it at the source.

use crate::error::Position;
use crate::record::{Record, Tag};
use std::fmt;

/// A record read leniently, with what was changed to read it (empty for
/// nearly every record).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// The record as read.
    pub record: Record,
    /// What was repaired, in field order.
    pub warnings: Vec<RecordWarning>,
}

/// One repair made while reading a record: where the record was, its 001,
/// the field and what was done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordWarning {
    /// Where the record started.
    pub position: Position,
    /// The record's 001, when it has one.
    pub control_number: Option<String>,
    /// The field repaired.
    pub tag: Tag,
    /// What was wrong and what was done.
    pub kind: WarningKind,
}

impl fmt::Display for RecordWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.position)?;
        if let Some(c) = &self.control_number {
            write!(f, " (001 {c})")?;
        }
        write!(f, ": field {}: {}", self.tag, self.kind)
    }
}

/// What was wrong in a field, and how it was read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WarningKind {
    /// An indicator that is neither a visible ASCII character nor a blank
    /// (a control byte, a non-ASCII byte, two characters in MARCXML) was
    /// read as a blank.
    IndicatorBlanked {
        /// 1 or 2.
        which: u8,
        /// What stood there (`byte 0x14`, `"ab"`).
        found: String,
    },
    /// A data field with fewer than two indicators (ISO 2709): the missing
    /// ones were read as blanks, as pymarc does.
    IndicatorsMissing {
        /// How many there were.
        found: usize,
    },
    /// A subfield code that is not a visible ASCII character was read as
    /// the ASCII character it folds to (without its diacritics, as pymarc
    /// does: `á` is `a`).
    SubfieldCodeFolded {
        /// What stood there (`byte 0xC3`, `"é"`).
        found: String,
        /// The code it was read as.
        code: char,
    },
    /// A subfield whose code could not be read (a control byte, nothing,
    /// or a character with no ASCII letter in it) was left out.
    SubfieldDropped {
        /// What stood there.
        found: String,
    },
    /// Bytes that are not UTF-8 in a field of a UTF-8 record were replaced
    /// by U+FFFD.
    InvalidUtf8Replaced {
        /// How many invalid sequences.
        count: usize,
    },
    /// A field of a record labelled UTF-8 whose bytes are not UTF-8 but
    /// decode cleanly as MARC-8 (and hold no UTF-8 at all) was read as MARC-8.
    ReadAsMarc8,
    /// MARC-8 that the code tables cannot decode was replaced by U+FFFD.
    InvalidMarc8Replaced {
        /// The first thing the decoder could not read.
        reason: String,
        /// How many undecodable units.
        count: usize,
    },
    /// Control characters that cannot stand in a value (C0 controls other
    /// than tab, newline and carriage return in MARCXML; a MARC field or
    /// record terminator, or a subfield delimiter inside a subfield, in any
    /// format) were each replaced by a space.
    ControlCharacterReplaced {
        /// The first one.
        code: u32,
        /// How many.
        count: usize,
    },
}

impl fmt::Display for WarningKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WarningKind::IndicatorBlanked { which, found } => {
                write!(f, "indicator {which} ({found}) read as blank")
            }
            WarningKind::IndicatorsMissing { found } => {
                write!(f, "{found} indicator(s) instead of 2; read as blank")
            }
            WarningKind::SubfieldCodeFolded { found, code } => {
                write!(f, "subfield code {found} read as ${code}")
            }
            WarningKind::SubfieldDropped { found } => {
                write!(f, "subfield with code {found} left out")
            }
            WarningKind::InvalidUtf8Replaced { count } => {
                write!(f, "{count} invalid UTF-8 sequence(s) replaced by U+FFFD")
            }
            WarningKind::ReadAsMarc8 => f.write_str("not UTF-8; read as MARC-8"),
            WarningKind::InvalidMarc8Replaced { reason, count } => {
                write!(
                    f,
                    "{count} undecodable MARC-8 unit(s) replaced by U+FFFD ({reason})"
                )
            }
            WarningKind::ControlCharacterReplaced { code, count } => {
                write!(
                    f,
                    "{count} control character(s) (first U+{code:04X}) replaced by a space"
                )
            }
        }
    }
}

/// Repairs collected while a record is decoded, before its 001 is known.
#[derive(Default)]
pub(crate) struct Repairs(Vec<(Tag, WarningKind)>);

impl Repairs {
    pub(crate) fn push(&mut self, tag: Tag, kind: WarningKind) {
        self.0.push((tag, kind));
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    /// Forgets the repairs after the first `len` (a field read again).
    pub(crate) fn truncate(&mut self, len: usize) {
        self.0.truncate(len);
    }

    /// The record with its warnings, now that its 001 is known.
    pub(crate) fn finish(self, record: Record, position: Position) -> Decoded {
        if self.0.is_empty() {
            return Decoded {
                record,
                warnings: Vec::new(),
            };
        }
        let control_number = record.control_number().map(str::to_string);
        let warnings = self
            .0
            .into_iter()
            .map(|(tag, kind)| RecordWarning {
                position,
                control_number: control_number.clone(),
                tag,
                kind,
            })
            .collect();
        Decoded { record, warnings }
    }
}

/// How a reader describes one byte it could not use.
pub(crate) fn byte(b: u8) -> String {
    format!("byte 0x{b:02X}")
}

/// The subfield code pymarc 5 reads for a subfield whose code byte is not
/// ASCII: the subfield (code and value) is taken as UTF-8 when it is valid,
/// else as Latin-1, decomposed (NFKD) and stripped of everything that is not
/// ASCII; the first character left is the code, and the first character of
/// the subfield (one byte, or one UTF-8 character) is skipped. Returns the
/// code, if it is a visible ASCII character or blank, and the bytes to skip.
pub(crate) fn fold_code(subfield: &[u8]) -> (Option<char>, usize) {
    use unicode_normalization::UnicodeNormalization;
    let (first, skip) = match std::str::from_utf8(subfield) {
        Ok(text) => {
            let skip = text.chars().next().map_or(1, char::len_utf8);
            (text.nfkd().find(char::is_ascii), skip)
        }
        Err(_) => (
            subfield
                .iter()
                .map(|&b| char::from(b))
                .nfkd()
                .find(char::is_ascii),
            1,
        ),
    };
    (first.filter(|c| is_code(*c)), skip)
}

/// The subfield code of a MARCXML or MARC-in-JSON subfield whose code is
/// not one visible ASCII character: a single character that folds (NFKD,
/// ASCII only) to one is read as it; anything else (empty, several
/// characters, a control character) is not a code.
pub(crate) fn fold_code_text(code: &str) -> Option<char> {
    use unicode_normalization::UnicodeNormalization;
    let mut chars = code.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if !c.is_ascii() => std::iter::once(c)
            .nfkd()
            .find(char::is_ascii)
            .filter(|c| is_code(*c)),
        _ => None,
    }
}

/// Subfield codes accepted from ISO 2709: a visible ASCII character or a
/// blank (pymarc and yaz read a blank code; MARC 21 defines only lowercase
/// letters and digits).
pub(crate) fn is_code(c: char) -> bool {
    c.is_ascii_graphic() || c == ' '
}

/// Replaces every character `bad` picks with a space; returns the first one
/// and how many, or `None` when there was none (the value is untouched).
pub(crate) fn replace_controls(
    value: &mut String,
    bad: impl Fn(char) -> bool,
) -> Option<(u32, usize)> {
    let first = value.chars().find(|&c| bad(c))?;
    let mut count = 0;
    *value = value
        .chars()
        .map(|c| {
            if bad(c) {
                count += 1;
                ' '
            } else {
                c
            }
        })
        .collect();
    Some((u32::from(first), count))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_fold_as_pymarc_folds_them() {
        // UTF-8 `á` (the real `bad_subfield_code.dat`): `a`, two bytes skipped.
        assert_eq!(fold_code(b"\xc3\xa1ActivePerl"), (Some('a'), 2));
        // U+FFFD folds to nothing: the next ASCII character is the code, and
        // only the replacement character is skipped (pymarc's
        // `utf8_invalid.mrc`: `$b bAssociation`).
        assert_eq!(fold_code(b"\xef\xbf\xbdbAssoc"), (Some('b'), 3));
        // Not UTF-8: Latin-1. 0xB9 is `¹`, which folds to `1`.
        assert_eq!(fold_code(b"\xb9foo \xff"), (Some('1'), 1));
        // MARC-8 diacritics read as Latin-1 (traject's bad_subfield_code).
        assert_eq!(fold_code(b"\xe2\xe2bEditions"), (Some('a'), 1));
        // Nothing ASCII at all, or a control character first: no code.
        assert_eq!(fold_code("€".as_bytes()), (None, 3));
        assert_eq!(fold_code(b"\x80\x1bx"), (None, 1));
    }

    #[test]
    fn text_codes_fold_only_single_characters() {
        assert_eq!(fold_code_text("é"), Some('e'));
        assert_eq!(fold_code_text("η"), None);
        assert_eq!(fold_code_text("ab"), None);
        assert_eq!(fold_code_text(""), None);
        assert_eq!(fold_code_text("\u{7}"), None);
    }

    #[test]
    fn controls_become_spaces() {
        let mut v = "(Sirsi) AAY-1602\u{1e}  ".to_string();
        assert_eq!(replace_controls(&mut v, |c| c == '\u{1e}'), Some((0x1e, 1)));
        assert_eq!(v, "(Sirsi) AAY-1602   ");
        let mut clean = "plain".to_string();
        assert_eq!(replace_controls(&mut clean, |c| c < ' '), None);
    }

    #[test]
    fn warnings_name_position_001_and_field() {
        let w = RecordWarning {
            position: Position {
                record: 3,
                offset: 1200,
            },
            control_number: Some("ocm1".into()),
            tag: Tag::parse("010").unwrap(),
            kind: WarningKind::IndicatorBlanked {
                which: 1,
                found: byte(0x14),
            },
        };
        assert_eq!(
            w.to_string(),
            "record 3 (byte 1200) (001 ocm1): field 010: indicator 1 (byte 0x14) read as blank"
        );
    }
}

//! One raw ISO 2709 record → [`Record`].

use super::{FIELD_TERMINATOR, RECORD_TERMINATOR, SUBFIELD_DELIMITER};
use crate::error::{ErrorKind, Position, RecordError};
use crate::record::{DataField, Field, Indicators, Leader, Record, Subfield, Tag};

const LEADER_LEN: usize = 24;
const ENTRY_LEN: usize = 12;

/// How the bytes of a record's fields are to be turned into text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Encoding {
    /// UTF-8 (leader/09 `a`, or plain ASCII, or a MARC-8 label on bytes that
    /// are in fact UTF-8).
    Utf8,
    /// MARC-8, converted to Unicode NFC.
    Marc8,
}

/// Decides the encoding of one record. Leader/09 is honoured, with one
/// correction seen in real exports (Evergreen's `FSL.marc`, `map_data.mrc`):
/// a record labelled MARC-8 whose bytes contain no escape sequence and form
/// valid multi-byte UTF-8 is read as UTF-8. Genuine MARC-8 almost never forms
/// valid UTF-8, because its diacritics (0xE0–0xFE) precede ASCII letters.
pub(crate) fn detect_encoding(leader: &Leader, body: &[u8]) -> Encoding {
    let has_escape = memchr::memchr(0x1B, body).is_some();
    if leader.is_unicode() || (body.is_ascii() && !has_escape) {
        return Encoding::Utf8;
    }
    if !has_escape && std::str::from_utf8(body).is_ok() {
        Encoding::Utf8
    } else {
        Encoding::Marc8
    }
}

/// Decodes one raw record (as cut by the [`Framer`](super::Framer)).
pub fn decode(bytes: &[u8], position: Position) -> Result<Record, RecordError> {
    decode_inner(bytes).map_err(|kind| RecordError {
        position,
        control_number: control_number_of(bytes),
        kind,
    })
}

fn digits(bytes: &[u8]) -> Option<usize> {
    if bytes.is_empty() || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(
        bytes
            .iter()
            .fold(0usize, |n, &b| n * 10 + usize::from(b - b'0')),
    )
}

fn decode_inner(bytes: &[u8]) -> Result<Record, ErrorKind> {
    // The framer includes the terminator; a record handed in without one is
    // treated the same.
    let bytes = bytes.strip_suffix(&[RECORD_TERMINATOR]).unwrap_or(bytes);
    if bytes.len() < LEADER_LEN {
        return Err(ErrorKind::Truncated { got: bytes.len() });
    }
    let leader_bytes: [u8; LEADER_LEN] =
        bytes[..LEADER_LEN].try_into().expect("slice of length 24");
    // Only the numbers in the leader are checked here; other positions may
    // hold any ASCII (real exports carry stray control bytes in positions
    // 20-23, which pymarc and yaz read too).
    if !leader_bytes.is_ascii() {
        return Err(ErrorKind::BadLeader(
            "leader contains non-ASCII bytes".into(),
        ));
    }
    let leader = Leader(leader_bytes);
    digits(&leader_bytes[0..5]).ok_or_else(|| {
        ErrorKind::BadLeader(format!(
            "record length {:?} is not a number",
            leader.as_str().get(0..5).unwrap_or("")
        ))
    })?;
    let base = digits(&leader_bytes[12..17]).ok_or_else(|| {
        ErrorKind::BadLeader(format!(
            "base address of data {:?} is not a number",
            leader.as_str().get(12..17).unwrap_or("")
        ))
    })?;
    if base <= LEADER_LEN || base > bytes.len() {
        return Err(ErrorKind::BadLeader(format!(
            "base address {base} lies outside the record of {} bytes",
            bytes.len() + 1
        )));
    }
    // The directory ends with a field terminator just before the base address.
    let mut dir = &bytes[LEADER_LEN..base];
    if let Some(stripped) = dir.strip_suffix(&[FIELD_TERMINATOR]) {
        dir = stripped;
    }
    if dir.len() % ENTRY_LEN != 0 {
        return Err(ErrorKind::BadDirectory(format!(
            "directory of {} bytes is not a whole number of 12-byte entries",
            dir.len()
        )));
    }
    let data = &bytes[base..];
    let encoding = detect_encoding(&leader, data);
    let mut record = Record {
        leader,
        fields: Vec::with_capacity(dir.len() / ENTRY_LEN),
    };
    for entry in dir.chunks_exact(ENTRY_LEN) {
        let tag = Tag::from_bytes(&entry[0..3])
            .ok_or_else(|| ErrorKind::BadTag(String::from_utf8_lossy(&entry[0..3]).into_owned()))?;
        let (Some(len), Some(start)) = (digits(&entry[3..7]), digits(&entry[7..12])) else {
            return Err(ErrorKind::BadDirectory(format!(
                "entry for {tag} has a non-numeric length or offset: {:?}",
                String::from_utf8_lossy(entry)
            )));
        };
        let end = start + len;
        if len == 0 || end > data.len() {
            return Err(ErrorKind::BadDirectory(format!(
                "field {tag} at offset {start} with length {len} lies outside the {} bytes of data",
                data.len()
            )));
        }
        // The length counts the field terminator.
        let raw = &data[start..end - 1];
        record.fields.push(decode_field(tag, raw, encoding)?);
    }
    if record.fields.is_empty() {
        return Err(ErrorKind::NoFields);
    }
    Ok(record)
}

fn decode_field(tag: Tag, raw: &[u8], encoding: Encoding) -> Result<Field, ErrorKind> {
    if tag.is_control() {
        return Ok(Field::Control {
            tag,
            value: text(tag, raw, encoding)?,
        });
    }
    let mut parts = raw.split(|&b| b == SUBFIELD_DELIMITER);
    let ind = parts.next().unwrap_or_default();
    // Exactly two indicators are required. More than two is tolerated as
    // pymarc and MARC::Record do (the first two are kept; a real Nepali
    // record in Evergreen's test data has three), fewer is an error.
    let indicators = match ind {
        [a, b, ..] => Indicators::new(indicator(tag, *a)?, indicator(tag, *b)?),
        _ => {
            return Err(ErrorKind::BadIndicator {
                tag: tag.to_string(),
                reason: format!("expected 2 indicators, found {} bytes", ind.len()),
            });
        }
    };
    let mut subfields = Vec::with_capacity(raw.len() / 16 + 1);
    for part in parts {
        let Some((&code, value)) = part.split_first() else {
            continue; // two delimiters in a row: nothing to keep
        };
        if !(code.is_ascii_graphic() || code == b' ') {
            return Err(ErrorKind::BadSubfieldCode {
                tag: tag.to_string(),
                reason: format!("byte 0x{code:02X} is not a subfield code"),
            });
        }
        subfields.push(Subfield {
            code: char::from(code),
            value: text(tag, value, encoding)?,
        });
    }
    Ok(Field::Data(DataField {
        tag,
        indicators,
        subfields,
    }))
}

fn indicator(tag: Tag, b: u8) -> Result<char, ErrorKind> {
    if crate::record::is_indicator(char::from(b)) {
        Ok(char::from(b))
    } else {
        Err(ErrorKind::BadIndicator {
            tag: tag.to_string(),
            reason: format!("byte 0x{b:02X} is not an indicator value"),
        })
    }
}

fn text(tag: Tag, bytes: &[u8], encoding: Encoding) -> Result<String, ErrorKind> {
    match encoding {
        Encoding::Utf8 => match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.to_owned()),
            Err(e) => Err(ErrorKind::InvalidUtf8 {
                tag: tag.to_string(),
                offset: e.valid_up_to(),
            }),
        },
        Encoding::Marc8 => {
            if bytes.is_ascii() && !bytes.contains(&0x1B) {
                // ASCII is the same in MARC-8 and UTF-8.
                return Ok(String::from_utf8_lossy(bytes).into_owned());
            }
            unicat_marc8::marc8_to_unicode(bytes).map_err(|e| ErrorKind::InvalidMarc8 {
                tag: tag.to_string(),
                reason: e.to_string(),
            })
        }
    }
}

/// Best-effort 001 of a raw record, for error messages about it.
pub(crate) fn control_number_of(bytes: &[u8]) -> Option<String> {
    let base = digits(bytes.get(12..17)?)?;
    let dir = bytes.get(LEADER_LEN..base.checked_sub(1)?)?;
    let data = bytes.get(base..)?;
    dir.chunks_exact(ENTRY_LEN).find_map(|e| {
        if &e[0..3] != b"001" {
            return None;
        }
        let len = digits(&e[3..7])?;
        let start = digits(&e[7..12])?;
        let raw = data.get(start..start + len.checked_sub(1)?)?;
        let s = String::from_utf8_lossy(raw).trim().to_string();
        (!s.is_empty()).then_some(s)
    })
}

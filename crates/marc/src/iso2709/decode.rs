//! One raw ISO 2709 record → [`Record`].

use super::{FIELD_TERMINATOR, RECORD_TERMINATOR, SUBFIELD_DELIMITER};
use crate::error::{ErrorKind, Position, RecordError};
use crate::record::{DataField, Field, Indicators, Leader, Record, Subfield, Tag};
use crate::warning::{Decoded, Repairs, WarningKind, byte, fold_code, is_code, replace_controls};

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

/// Decodes one raw record (as cut by the [`Framer`](super::Framer)),
/// leniently: see [`decode_with_warnings`] for what is repaired; the
/// warnings are dropped.
pub fn decode(bytes: &[u8], position: Position) -> Result<Record, RecordError> {
    decode_with_warnings(bytes, position).map(|d| d.record)
}

/// Decodes one raw record, with a warning for every repair made to read it.
///
/// The structure must be sound: a bad leader, directory or tag, a field
/// outside the record, or no field at all is an error. Inside a field,
/// one bad byte does not lose the record:
///
/// - an indicator that is neither a visible ASCII character nor a blank is
///   read as a blank, and missing indicators as blanks (as pymarc does);
/// - a subfield code byte that is not ASCII is folded as pymarc 5 folds it
///   (`0xC3 0xA1`, UTF-8 `á`, is `$a`; `0xB9`, Latin-1 `¹`, is `$1`), and a
///   subfield whose code is a control byte, or folds to nothing, is left out;
/// - in a UTF-8 record, a field whose bytes are not UTF-8 is read as MARC-8
///   when it holds no UTF-8 sequence at all and decodes cleanly as MARC-8
///   (a MARC-8 record labelled UTF-8), else its invalid sequences become
///   U+FFFD;
/// - MARC-8 that the code tables cannot decode becomes U+FFFD;
/// - a field or record terminator inside a value becomes a space.
pub fn decode_with_warnings(bytes: &[u8], position: Position) -> Result<Decoded, RecordError> {
    let mut repairs = Repairs::default();
    match decode_inner(bytes, &mut repairs) {
        Ok(record) => Ok(repairs.finish(record, position)),
        Err(kind) => Err(RecordError {
            position,
            control_number: control_number_of(bytes),
            kind,
        }),
    }
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

fn decode_inner(bytes: &[u8], repairs: &mut Repairs) -> Result<Record, ErrorKind> {
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
        record
            .fields
            .push(decode_field(tag, raw, encoding, repairs));
    }
    if record.fields.is_empty() {
        return Err(ErrorKind::NoFields);
    }
    Ok(record)
}

/// Replaces the field and record terminators inside a field's values by
/// spaces, with a warning.
fn repair_terminators(field: &mut Field, repairs: &mut Repairs) {
    let bad = |c: char| matches!(c, '\u{1D}' | '\u{1E}');
    let (mut first, mut count) = (None, 0);
    let mut fix = |value: &mut String| {
        if let Some((code, n)) = replace_controls(value, bad) {
            first.get_or_insert(code);
            count += n;
        }
    };
    let tag = field.tag();
    match field {
        Field::Control { value, .. } => fix(value),
        Field::Data(d) => d.subfields.iter_mut().for_each(|s| fix(&mut s.value)),
    }
    if let Some(code) = first {
        repairs.push(tag, WarningKind::ControlCharacterReplaced { code, count });
    }
}

/// How one field's bytes are turned into text.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Text {
    /// UTF-8; a field that is not gives up and is read again.
    Utf8,
    /// UTF-8, invalid sequences replaced by U+FFFD.
    Utf8Lossy,
    /// MARC-8; what the tables cannot decode becomes U+FFFD.
    Marc8,
    /// MARC-8 that must decode cleanly, for a UTF-8 record's field that is
    /// not UTF-8; a field that does not gives up and is read again.
    Marc8Strict,
}

/// The field cannot be read with this [`Text`]; try another.
#[derive(Debug)]
struct GiveUp;

/// What reading one field found to repair.
#[derive(Default)]
struct Replaced {
    invalid_utf8: usize,
    invalid_marc8: usize,
    marc8_reason: Option<String>,
    /// A field or record terminator inside the field (its directory length
    /// runs past its end, or a record terminator in bytes not cut by the
    /// framer).
    terminator: bool,
}

impl Text {
    fn decode(self, bytes: &[u8], replaced: &mut Replaced) -> Result<String, GiveUp> {
        match self {
            Text::Utf8 => std::str::from_utf8(bytes)
                .map(str::to_owned)
                .map_err(|_| GiveUp),
            Text::Utf8Lossy => {
                replaced.invalid_utf8 += bytes
                    .utf8_chunks()
                    .filter(|c| !c.invalid().is_empty())
                    .count();
                Ok(String::from_utf8_lossy(bytes).into_owned())
            }
            // ASCII is the same in MARC-8 and UTF-8 (an escape aside).
            Text::Marc8 | Text::Marc8Strict if bytes.is_ascii() && !bytes.contains(&0x1B) => {
                Ok(String::from_utf8_lossy(bytes).into_owned())
            }
            Text::Marc8 => match unicat_marc8::marc8_to_unicode(bytes) {
                Ok(text) => Ok(text),
                Err(_) => {
                    let (text, errors) = unicat_marc8::marc8_to_unicode_lossy(bytes);
                    replaced.invalid_marc8 += errors.len().max(1);
                    if replaced.marc8_reason.is_none() {
                        replaced.marc8_reason = errors.first().map(ToString::to_string);
                    }
                    Ok(text)
                }
            },
            Text::Marc8Strict => unicat_marc8::marc8_to_unicode(bytes).map_err(|_| GiveUp),
        }
    }
}

/// Reads one field, repairing what one bad byte would otherwise lose.
fn decode_field(tag: Tag, raw: &[u8], encoding: Encoding, repairs: &mut Repairs) -> Field {
    let mark = repairs.len();
    let mut replaced = Replaced::default();
    let text = match encoding {
        Encoding::Utf8 => Text::Utf8,
        Encoding::Marc8 => Text::Marc8,
    };
    let mut field = match read_field(tag, raw, text, repairs, &mut replaced) {
        Ok(field) => field,
        Err(GiveUp) => {
            // A UTF-8 field that is not: MARC-8 when it holds no UTF-8 at all
            // and decodes cleanly as MARC-8 (a MARC-8 record labelled
            // UTF-8), else UTF-8 with U+FFFD for what is not.
            repairs.truncate(mark);
            let holds_utf8 = raw.utf8_chunks().any(|c| !c.valid().is_ascii());
            let as_marc8 = if holds_utf8 {
                None
            } else {
                read_field(tag, raw, Text::Marc8Strict, repairs, &mut replaced).ok()
            };
            match as_marc8 {
                Some(field) => {
                    repairs.push(tag, WarningKind::ReadAsMarc8);
                    field
                }
                None => {
                    repairs.truncate(mark);
                    replaced = Replaced::default();
                    read_field(tag, raw, Text::Utf8Lossy, repairs, &mut replaced)
                        .expect("lossy UTF-8 reads any bytes")
                }
            }
        }
    };
    if replaced.invalid_utf8 > 0 {
        repairs.push(
            tag,
            WarningKind::InvalidUtf8Replaced {
                count: replaced.invalid_utf8,
            },
        );
    }
    if replaced.invalid_marc8 > 0 {
        repairs.push(
            tag,
            WarningKind::InvalidMarc8Replaced {
                reason: replaced.marc8_reason.unwrap_or_default(),
                count: replaced.invalid_marc8,
            },
        );
    }
    if replaced.terminator {
        repair_terminators(&mut field, repairs);
    }
    field
}

fn read_field(
    tag: Tag,
    raw: &[u8],
    text: Text,
    repairs: &mut Repairs,
    replaced: &mut Replaced,
) -> Result<Field, GiveUp> {
    if tag.is_control() {
        replaced.terminator = memchr::memchr2(FIELD_TERMINATOR, RECORD_TERMINATOR, raw).is_some();
        return Ok(Field::Control {
            tag,
            value: text.decode(raw, replaced)?,
        });
    }
    let mut parts = Parts {
        rest: Some(raw),
        terminator: false,
    };
    let ind = parts.next().unwrap_or_default();
    // Two indicators are expected. More than two is tolerated as pymarc and
    // MARC::Record do (the first two are kept; a real Nepali record in
    // Evergreen's test data has three); missing ones are blanks, as in
    // pymarc.
    let indicators = match ind {
        [a, b, ..] => Indicators::new(
            indicator(tag, 1, *a, repairs),
            indicator(tag, 2, *b, repairs),
        ),
        [a] => {
            repairs.push(tag, WarningKind::IndicatorsMissing { found: 1 });
            Indicators::new(indicator(tag, 1, *a, repairs), ' ')
        }
        [] => {
            repairs.push(tag, WarningKind::IndicatorsMissing { found: 0 });
            Indicators::BLANK
        }
    };
    let mut subfields = Vec::with_capacity(raw.len() / 16 + 1);
    for part in parts.by_ref() {
        let Some((&code, value)) = part.split_first() else {
            continue; // two delimiters in a row: nothing to keep
        };
        let (code, value) = if is_code(char::from(code)) {
            (char::from(code), value)
        } else {
            match (code.is_ascii(), fold_code(part)) {
                (false, (Some(folded), skip)) => {
                    repairs.push(
                        tag,
                        WarningKind::SubfieldCodeFolded {
                            found: byte(code),
                            code: folded,
                        },
                    );
                    (folded, part.get(skip..).unwrap_or_default())
                }
                _ => {
                    repairs.push(tag, WarningKind::SubfieldDropped { found: byte(code) });
                    continue;
                }
            }
        };
        subfields.push(Subfield {
            code,
            value: text.decode(value, replaced)?,
        });
    }
    replaced.terminator |= parts.terminator;
    Ok(Field::Data(DataField {
        tag,
        indicators,
        subfields,
    }))
}

/// A data field's parts: its indicators, then each subfield (code and
/// value), split at the subfield delimiters. The same search (SIMD, as
/// `memchr` does it) notes a field or record terminator inside the field,
/// so that checking for one costs nothing.
struct Parts<'a> {
    rest: Option<&'a [u8]>,
    terminator: bool,
}

impl<'a> Iterator for Parts<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let rest = self.rest?;
        let mut from = 0;
        loop {
            let found = memchr::memchr3(
                SUBFIELD_DELIMITER,
                FIELD_TERMINATOR,
                RECORD_TERMINATOR,
                &rest[from..],
            );
            match found.map(|i| from + i) {
                Some(at) if rest[at] == SUBFIELD_DELIMITER => {
                    self.rest = Some(&rest[at + 1..]);
                    return Some(&rest[..at]);
                }
                Some(at) => {
                    self.terminator = true;
                    from = at + 1;
                }
                None => {
                    self.rest = None;
                    return Some(rest);
                }
            }
        }
    }
}

/// One indicator byte: a visible ASCII character or blank as it is (see
/// [`is_indicator`](crate::record::is_indicator)), anything else a blank.
fn indicator(tag: Tag, which: u8, b: u8, repairs: &mut Repairs) -> char {
    if crate::record::is_indicator(char::from(b)) {
        char::from(b)
    } else {
        repairs.push(
            tag,
            WarningKind::IndicatorBlanked {
                which,
                found: byte(b),
            },
        );
        ' '
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

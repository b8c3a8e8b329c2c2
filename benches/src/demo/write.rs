//! Writing the exports: `unicat-marc`'s writers for MARCXML, UTF-8 ISO 2709
//! and MARC-in-JSON, and two variants it does not have — ISO 2709 in MARC-8
//! (leader/09 blank, field data encoded with `unicat-marc8`, directory
//! lengths in bytes) and MARCXML with the `marc:` namespace prefix.

use super::libraries::Export;
use unicat_marc::{Field, Record, WriteError, iso2709, json, xml};
use unicat_marc8::{EncodeError, unicode_to_marc8_lossy};

const FIELD_TERMINATOR: u8 = 0x1E;
const RECORD_TERMINATOR: u8 = 0x1D;
const SUBFIELD_DELIMITER: u8 = 0x1F;

/// A character MARC-8 could not carry, written as a numeric character
/// reference: where.
#[derive(Clone, Debug)]
pub struct Substitution {
    /// The record's id.
    pub record: String,
    /// Tag and subfield code.
    pub field: String,
    /// The character.
    pub character: char,
}

/// Appends one record in ISO 2709 with MARC-8 field data. Characters MARC-8
/// cannot represent are written as `&#xXXXX;` (the Library of Congress's
/// lossless-conversion convention) and returned.
pub fn write_marc8_record(
    record: &Record,
    out: &mut Vec<u8>,
) -> Result<Vec<(String, EncodeError)>, WriteError> {
    let mut substituted = Vec::new();
    let mut encode = |place: String, text: &str, into: &mut Vec<u8>| {
        let (bytes, errors) = unicode_to_marc8_lossy(text);
        into.extend_from_slice(&bytes);
        substituted.extend(errors.into_iter().map(|e| (place.clone(), e)));
    };
    let mut data: Vec<u8> = Vec::with_capacity(1024);
    let mut directory: Vec<u8> = Vec::with_capacity(record.fields.len() * 12 + 1);
    for field in &record.fields {
        let start = data.len();
        match field {
            Field::Control { tag, value } => encode(tag.to_string(), value, &mut data),
            Field::Data(d) => {
                push_ascii(&mut data, d.indicators.first);
                push_ascii(&mut data, d.indicators.second);
                for s in &d.subfields {
                    data.push(SUBFIELD_DELIMITER);
                    push_ascii(&mut data, s.code);
                    encode(format!("{}${}", d.tag, s.code), &s.value, &mut data);
                }
            }
        }
        data.push(FIELD_TERMINATOR);
        let len = data.len() - start;
        if len > 9999 {
            return Err(WriteError::FieldTooLong {
                tag: field.tag().to_string(),
                len,
            });
        }
        directory.extend_from_slice(format!("{}{len:04}{start:05}", field.tag()).as_bytes());
    }
    directory.push(FIELD_TERMINATOR);
    let base = 24 + directory.len();
    let total = base + data.len() + 1;
    if total > 99_999 {
        return Err(WriteError::RecordTooLong(total));
    }
    let mut leader = record.leader;
    for b in &mut leader.0 {
        if !(b.is_ascii_graphic() || *b == b' ') {
            *b = b' ';
        }
    }
    leader.0[0..5].copy_from_slice(format!("{total:05}").as_bytes());
    // MARC-8.
    leader.0[9] = b' ';
    leader.0[10..12].copy_from_slice(b"22");
    leader.0[12..17].copy_from_slice(format!("{base:05}").as_bytes());
    leader.0[20..24].copy_from_slice(b"4500");
    out.extend_from_slice(&leader.0);
    out.extend_from_slice(&directory);
    out.extend_from_slice(&data);
    out.push(RECORD_TERMINATOR);
    Ok(substituted)
}

/// Indicators and subfield codes are ASCII in every record the demo writes
/// (the reader checks them); anything else would be written as `?`.
fn push_ascii(out: &mut Vec<u8>, c: char) {
    out.push(u8::try_from(c).ok().filter(u8::is_ascii).unwrap_or(b'?'));
}

/// Appends one `<marc:record>` (every element with the `marc:` prefix).
fn write_prefixed_record(record: &Record, out: &mut String) {
    let mut plain = String::with_capacity(4096);
    xml::write_record(record, &mut plain, false);
    // Element text and attribute values are escaped, so `<` only starts tags.
    let prefixed = plain.replace("</", "\u{0}").replace('<', "<marc:");
    out.push_str(&prefixed.replace('\u{0}', "</marc:"));
}

/// One library's export, written into memory.
pub(crate) struct Written {
    pub(crate) bytes: Vec<u8>,
    pub(crate) substitutions: Vec<Substitution>,
}

/// Writes records (with their ids) in a library's export form.
pub(crate) fn export<'a>(
    kind: Export,
    records: impl Iterator<Item = (&'a str, &'a Record)>,
) -> Result<Written, WriteError> {
    let mut substitutions = Vec::new();
    let bytes = match kind {
        Export::MarcXml => {
            let mut w = xml::Writer::new(Vec::new());
            for (_, r) in records {
                w.write(r)?;
            }
            w.finish()?
        }
        Export::MarcXmlPrefixed => {
            let mut s = String::from(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
                 <marc:collection xmlns:marc=\"http://www.loc.gov/MARC21/slim\" \
                 xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
                 xsi:schemaLocation=\"http://www.loc.gov/MARC21/slim \
                 http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd\">\n",
            );
            for (_, r) in records {
                write_prefixed_record(r, &mut s);
            }
            s.push_str("</marc:collection>\n");
            s.into_bytes()
        }
        Export::Iso2709Marc8 => {
            let mut out = Vec::new();
            for (id, r) in records {
                for (field, error) in write_marc8_record(r, &mut out)? {
                    substitutions.push(Substitution {
                        record: id.to_string(),
                        field,
                        character: error.character,
                    });
                }
            }
            out
        }
        Export::Iso2709Utf8 => {
            let mut w = iso2709::Writer::new(Vec::new());
            for (_, r) in records {
                w.write(r)?;
            }
            w.finish()?
        }
        Export::MarcJsonLines => {
            let mut w = json::Writer::new(Vec::new(), json::Container::Lines);
            for (_, r) in records {
                w.write(r)?;
            }
            w.finish()?
        }
    };
    Ok(Written {
        bytes,
        substitutions,
    })
}

//! One MARC-in-JSON object → [`Record`].

use crate::error::{ErrorKind, Position, RecordError};
use crate::record::{DataField, Field, Indicators, Record, Subfield, Tag};
use crate::warning::{Decoded, Repairs, WarningKind, fold_code_text, is_code, replace_controls};
use serde_json::Value;

/// Decodes one MARC-in-JSON object: `{"leader": "…", "fields": [{"001":
/// "…"}, {"245": {"ind1": "1", "ind2": "0", "subfields": [{"a": "…"}]}}]}`,
/// leniently: see [`decode_with_warnings`]; the warnings are dropped.
pub fn decode(bytes: &[u8], position: Position) -> Result<Record, RecordError> {
    decode_with_warnings(bytes, position).map(|d| d.record)
}

/// Decodes one MARC-in-JSON object, with a warning for every repair made to
/// read it.
///
/// Malformed JSON, a bad leader or tag, or a field or subfield of the wrong
/// shape is an error. An indicator that is not one visible ASCII character
/// or blank is read as a blank; a subfield code that is one non-ASCII
/// character is folded to ASCII (`é` is `e`), and a subfield whose code is
/// anything else is left out; a MARC record or field terminator in a value,
/// or a subfield delimiter in a subfield, is replaced by a space.
pub fn decode_with_warnings(bytes: &[u8], position: Position) -> Result<Decoded, RecordError> {
    if let Some(record) = super::fast::decode(bytes) {
        return Ok(Decoded {
            record,
            warnings: Vec::new(),
        });
    }
    let value: Value = serde_json::from_slice(bytes)
        .or_else(|e| {
            // Python's json (strict=False), and so pymarc, accept raw control
            // characters such as newlines inside strings; do the same.
            if e.to_string().contains("control character") {
                serde_json::from_slice(&escape_raw_controls(bytes)).map_err(|_| e)
            } else {
                Err(e)
            }
        })
        .map_err(|e| RecordError {
            position,
            control_number: None,
            kind: ErrorKind::Json(e.to_string()),
        })?;
    let mut repairs = Repairs::default();
    match from_value(&value, &mut repairs) {
        Ok(record) => Ok(repairs.finish(record, position)),
        Err(kind) => Err(RecordError {
            position,
            control_number: control_number(&value),
            kind,
        }),
    }
}

/// Escapes control characters that appear raw inside JSON strings.
fn escape_raw_controls(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 16);
    let (mut in_string, mut escaped) = (false, false);
    for &b in bytes {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            } else if b < 0x20 {
                out.extend_from_slice(format!("\\u{b:04x}").as_bytes());
                continue;
            }
        } else if b == b'"' {
            in_string = true;
        }
        out.push(b);
    }
    out
}

fn control_number(value: &Value) -> Option<String> {
    value
        .get("fields")?
        .as_array()?
        .iter()
        .find_map(|f| f.get("001")?.as_str().map(|s| s.trim().to_string()))
}

/// Converts an already-parsed MARC-in-JSON value.
pub(crate) fn from_value(value: &Value, repairs: &mut Repairs) -> Result<Record, ErrorKind> {
    let obj = value
        .as_object()
        .ok_or_else(|| ErrorKind::Json("a record must be a JSON object".into()))?;
    let mut record = Record::new();
    if let Some(leader) = obj.get("leader") {
        let text = leader
            .as_str()
            .ok_or_else(|| ErrorKind::Json("\"leader\" must be a string".into()))?;
        record.leader = crate::xml::parse_leader(text)?;
    }
    let fields = obj
        .get("fields")
        .and_then(Value::as_array)
        .ok_or_else(|| ErrorKind::Json("a record needs a \"fields\" array".into()))?;
    record.fields.reserve(fields.len());
    for field in fields {
        let map = field
            .as_object()
            .filter(|m| m.len() == 1)
            .ok_or_else(|| ErrorKind::Json("each field must be an object with one tag".into()))?;
        let (tag_text, body) = map.iter().next().expect("checked: one entry");
        let tag = Tag::parse(tag_text).ok_or_else(|| ErrorKind::BadTag(tag_text.clone()))?;
        match body {
            Value::String(s) => {
                let mut value = s.clone();
                repair(&mut value, tag, false, repairs);
                record.fields.push(Field::Control { tag, value });
            }
            Value::Object(df) => {
                let mut ind = |name: &str, which: u8| -> char {
                    let raw = df.get(name).and_then(Value::as_str).unwrap_or(" ");
                    let mut chars = raw.chars();
                    match (chars.next(), chars.next()) {
                        (None, _) => ' ',
                        (Some(c), None) if crate::record::is_indicator(c) => c,
                        _ => {
                            repairs.push(
                                tag,
                                WarningKind::IndicatorBlanked {
                                    which,
                                    found: format!("{name} {raw:?}"),
                                },
                            );
                            ' '
                        }
                    }
                };
                let indicators = Indicators::new(ind("ind1", 1), ind("ind2", 2));
                let subs = df
                    .get("subfields")
                    .and_then(Value::as_array)
                    .ok_or_else(|| {
                        ErrorKind::Json(format!("field {tag} has no \"subfields\" array"))
                    })?;
                let mut subfields = Vec::with_capacity(subs.len());
                for sub in subs {
                    let (code, value) = sub
                        .as_object()
                        .filter(|m| m.len() == 1)
                        .and_then(|m| m.iter().next())
                        .ok_or_else(|| {
                            ErrorKind::Json(format!(
                                "a subfield of {tag} must be an object with one code"
                            ))
                        })?;
                    let value = value.as_str().ok_or_else(|| {
                        ErrorKind::Json(format!("subfield {tag} ${code} is not a string"))
                    })?;
                    let mut chars = code.chars();
                    let code = match (chars.next(), chars.next()) {
                        (Some(c), None) if is_code(c) => c,
                        _ => match fold_code_text(code) {
                            Some(folded) => {
                                repairs.push(
                                    tag,
                                    WarningKind::SubfieldCodeFolded {
                                        found: format!("{code:?}"),
                                        code: folded,
                                    },
                                );
                                folded
                            }
                            None => {
                                repairs.push(
                                    tag,
                                    WarningKind::SubfieldDropped {
                                        found: format!("{code:?}"),
                                    },
                                );
                                continue;
                            }
                        },
                    };
                    let mut value = value.to_string();
                    repair(&mut value, tag, true, repairs);
                    subfields.push(Subfield::new(code, value));
                }
                record.fields.push(Field::Data(DataField {
                    tag,
                    indicators,
                    subfields,
                }));
            }
            _ => {
                return Err(ErrorKind::Json(format!(
                    "field {tag} must be a string or an object"
                )));
            }
        }
    }
    if record.fields.is_empty() {
        return Err(ErrorKind::NoFields);
    }
    Ok(record)
}

/// JSON can carry any character, but the record must still be writable as
/// MARC: the ISO 2709 terminators may not appear inside values, and become
/// spaces.
fn repair(value: &mut String, tag: Tag, subfield: bool, repairs: &mut Repairs) {
    // A subfield delimiter inside a control field is harmless (the LC
    // corpus has one in an 001, and the ISO 2709 reader keeps it); inside a
    // subfield it would split the subfield when written as ISO 2709.
    let bad = |c: char| matches!(c, '\u{1D}' | '\u{1E}') || (subfield && c == '\u{1F}');
    if let Some((code, count)) = replace_controls(value, bad) {
        repairs.push(tag, WarningKind::ControlCharacterReplaced { code, count });
    }
}

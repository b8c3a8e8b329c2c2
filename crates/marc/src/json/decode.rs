//! One MARC-in-JSON object → [`Record`].

use crate::error::{ErrorKind, Position, RecordError};
use crate::record::{DataField, Field, Indicators, Record, Subfield, Tag};
use serde_json::Value;

/// Decodes one MARC-in-JSON object: `{"leader": "…", "fields": [{"001":
/// "…"}, {"245": {"ind1": "1", "ind2": "0", "subfields": [{"a": "…"}]}}]}`.
pub fn decode(bytes: &[u8], position: Position) -> Result<Record, RecordError> {
    if let Some(record) = super::fast::decode(bytes) {
        return Ok(record);
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
    from_value(&value).map_err(|kind| RecordError {
        position,
        control_number: control_number(&value),
        kind,
    })
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
pub(crate) fn from_value(value: &Value) -> Result<Record, ErrorKind> {
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
                check(s, tag, false)?;
                record.fields.push(Field::Control {
                    tag,
                    value: s.clone(),
                });
            }
            Value::Object(df) => {
                let ind = |name: &str| -> Result<char, ErrorKind> {
                    let raw = df.get(name).and_then(Value::as_str).unwrap_or(" ");
                    let mut chars = raw.chars();
                    match (chars.next(), chars.next()) {
                        (None, _) => Ok(' '),
                        (Some(c), None) if crate::record::is_indicator(c) => Ok(c),
                        _ => Err(ErrorKind::BadIndicator {
                            tag: tag.to_string(),
                            reason: format!("{name} is {raw:?}"),
                        }),
                    }
                };
                let indicators = Indicators::new(ind("ind1")?, ind("ind2")?);
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
                    let mut chars = code.chars();
                    let code = match (chars.next(), chars.next()) {
                        (Some(c), None) if c.is_ascii_graphic() => c,
                        _ => {
                            return Err(ErrorKind::BadSubfieldCode {
                                tag: tag.to_string(),
                                reason: format!("code is {code:?}"),
                            });
                        }
                    };
                    let value = value.as_str().ok_or_else(|| {
                        ErrorKind::Json(format!("subfield {tag} ${code} is not a string"))
                    })?;
                    check(value, tag, true)?;
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
/// MARC: the ISO 2709 delimiters may not appear inside values.
fn check(value: &str, tag: Tag, subfield: bool) -> Result<(), ErrorKind> {
    // A subfield delimiter inside a control field is harmless (the LC
    // corpus has one in an 001, and the ISO 2709 reader keeps it); inside a
    // subfield it would split the subfield when written as ISO 2709.
    if let Some(c) = value
        .chars()
        .find(|&c| matches!(c, '\u{1D}' | '\u{1E}') || (subfield && c == '\u{1F}'))
    {
        return Err(ErrorKind::ControlCharacter {
            tag: tag.to_string(),
            code: u32::from(c),
        });
    }
    Ok(())
}

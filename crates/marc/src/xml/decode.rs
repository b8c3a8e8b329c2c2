//! One `<record>` element → [`Record`], with quick-xml.
//!
//! Elements are matched by local name, so the default namespace, a `marc:`
//! prefix, or no namespace at all read the same; anything that is not a MARC
//! element (an OAI-PMH `<header>`, `<metadata>`, …) is skipped.

use crate::error::{ErrorKind, Position, RecordError};
use crate::record::{
    DataField, Field, Indicators, Leader, Record, Subfield, Tag, has_xml_illegal, is_xml_illegal,
};
use crate::warning::{Decoded, Repairs, WarningKind, fold_code_text, is_code, replace_controls};
use quick_xml::events::{BytesStart, Event};
use std::borrow::Cow;

#[derive(Clone, Copy, PartialEq)]
enum Ctx {
    Outside,
    Leader,
    Control(Tag),
    Subfield(char),
    /// A subfield whose code cannot be read: its text is left out.
    Dropped,
}

/// Decodes one MARCXML `<record>` element (as cut by the
/// [`Framer`](super::Framer), or any standalone record document),
/// leniently: see [`decode_with_warnings`]; the warnings are dropped.
pub fn decode(bytes: &[u8], position: Position) -> Result<Record, RecordError> {
    decode_with_warnings(bytes, position).map(|d| d.record)
}

/// Decodes one MARCXML `<record>` element, with a warning for every repair
/// made to read it.
///
/// Malformed XML, a bad leader or tag, or a record without fields is an
/// error. Inside a field, an indicator attribute that is not one visible
/// ASCII character or blank is read as a blank; a subfield code that is one
/// non-ASCII character is folded to ASCII (`é` is `e`), and a subfield whose
/// code is anything else is left out; a character XML 1.0 cannot carry
/// (C0 controls other than tab, newline and carriage return, U+FFFE,
/// U+FFFF) is replaced by a space.
pub fn decode_with_warnings(bytes: &[u8], position: Position) -> Result<Decoded, RecordError> {
    let fail = |kind, record: Option<&Record>| RecordError {
        position,
        control_number: record
            .and_then(|r| r.control_number().map(str::to_string))
            .or_else(|| super::frame::control_number_in(bytes)),
        kind,
    };
    let text = std::str::from_utf8(bytes).map_err(|e| {
        fail(
            ErrorKind::InvalidUtf8 {
                tag: "xml".into(),
                offset: e.valid_up_to(),
            },
            None,
        )
    })?;
    let mut record = Record {
        leader: Leader::DEFAULT,
        fields: Vec::with_capacity(32),
    };
    if super::fast::decode(text, &mut record).is_some() {
        return Ok(Decoded {
            record,
            warnings: Vec::new(),
        });
    }
    // Any other shape, or a broken record: quick-xml reads it, or says why not.
    record.leader = Leader::DEFAULT;
    record.fields.clear();
    let mut repairs = Repairs::default();
    decode_str(text, &mut record, &mut repairs).map_err(|kind| fail(kind, Some(&record)))?;
    Ok(repairs.finish(record, position))
}

/// [`decode`] with quick-xml only, for comparing the fast path against it.
#[cfg(test)]
pub(crate) fn decode_with_quick_xml(bytes: &[u8]) -> Result<Record, ErrorKind> {
    let text = std::str::from_utf8(bytes).map_err(|e| ErrorKind::InvalidUtf8 {
        tag: "xml".into(),
        offset: e.valid_up_to(),
    })?;
    let mut record = Record {
        leader: Leader::DEFAULT,
        fields: Vec::with_capacity(32),
    };
    decode_str(text, &mut record, &mut Repairs::default())?;
    Ok(record)
}

fn attr<'a>(e: &'a BytesStart<'_>, name: &str) -> Result<Option<Cow<'a, str>>, ErrorKind> {
    for a in e.attributes().with_checks(false) {
        let a = a.map_err(|err| ErrorKind::Xml(err.to_string()))?;
        if a.key.local_name().as_ref() == name {
            // Tags, indicators and codes are short and almost never escaped:
            // borrowed from the element, no copy.
            if !a.value.contains(['&', '\t', '\n', '\r']) {
                return Ok(Some(a.value));
            }
            let v = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|err| ErrorKind::Xml(err.to_string()))?;
            return Ok(Some(Cow::Owned(v.into_owned())));
        }
    }
    Ok(None)
}

fn tag_attr(e: &BytesStart<'_>) -> Result<Tag, ErrorKind> {
    let raw = attr(e, "tag")?.ok_or_else(|| ErrorKind::BadTag("(missing)".into()))?;
    Tag::parse(&raw).ok_or_else(|| ErrorKind::BadTag(raw.into_owned()))
}

/// One of XML's five predefined entities, by name (`amp` → `&`); no other
/// entity is ever expanded.
pub(super) fn predefined_entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => return None,
    })
}

/// An `ind1`/`ind2` attribute's value as an indicator: missing or empty is
/// blank, otherwise one indicator character; `None` when it is not one.
pub(super) fn indicator(raw: Option<&str>) -> Option<char> {
    let mut chars = raw.unwrap_or("").chars();
    match (chars.next(), chars.next()) {
        (None, _) => Some(' '),
        (Some(c), None) if crate::record::is_indicator(c) => Some(c),
        _ => None,
    }
}

/// A `code` attribute's value as a subfield code: one visible ASCII
/// character or a blank (as in ISO 2709); `None` when missing or anything
/// else.
pub(super) fn code(raw: Option<&str>) -> Option<char> {
    let mut chars = raw?.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if is_code(c) => Some(c),
        _ => None,
    }
}

fn indicator_attr(
    e: &BytesStart<'_>,
    name: &str,
    which: u8,
    tag: Tag,
    repairs: &mut Repairs,
) -> Result<char, ErrorKind> {
    let raw = attr(e, name)?;
    Ok(indicator(raw.as_deref()).unwrap_or_else(|| {
        repairs.push(
            tag,
            WarningKind::IndicatorBlanked {
                which,
                found: format!("{name} {:?}", raw.unwrap_or_default()),
            },
        );
        ' '
    }))
}

/// The subfield's code, folded when it is one non-ASCII character; `None`
/// when the subfield is to be left out.
fn subfield_code(
    e: &BytesStart<'_>,
    tag: Tag,
    repairs: &mut Repairs,
) -> Result<Option<char>, ErrorKind> {
    let raw = attr(e, "code")?;
    if let Some(c) = code(raw.as_deref()) {
        return Ok(Some(c));
    }
    let found = match raw.as_deref() {
        Some(raw) => format!("{raw:?}"),
        None => "(missing)".to_string(),
    };
    Ok(match raw.as_deref().and_then(fold_code_text) {
        Some(code) => {
            repairs.push(tag, WarningKind::SubfieldCodeFolded { found, code });
            Some(code)
        }
        None => {
            repairs.push(tag, WarningKind::SubfieldDropped { found });
            None
        }
    })
}

/// Replaces the characters XML 1.0 cannot carry by spaces, with a warning.
fn repair_text(value: &mut String, tag: Tag, repairs: &mut Repairs) {
    if has_xml_illegal(value)
        && let Some((code, count)) = replace_controls(value, is_xml_illegal)
    {
        repairs.push(tag, WarningKind::ControlCharacterReplaced { code, count });
    }
}

fn check_leader(value: &str) -> Result<(), ErrorKind> {
    if has_xml_illegal(value) {
        let c = value.chars().find(|&c| is_xml_illegal(c)).unwrap_or('\0');
        return Err(ErrorKind::ControlCharacter {
            tag: "leader".to_string(),
            code: u32::from(c),
        });
    }
    Ok(())
}

fn decode_str(text: &str, record: &mut Record, repairs: &mut Repairs) -> Result<(), ErrorKind> {
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut ctx = Ctx::Outside;
    let mut value = String::new();
    let mut field: Option<DataField> = None;
    let mut saw_leader = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| ErrorKind::Xml(format!("{e} at byte {}", reader.buffer_position())))?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                match e.local_name().as_ref() {
                    "record" => {
                        // An OAI-PMH or SRU wrapper's own <record> comes
                        // first; the MARC record nested in it starts afresh.
                        record.fields.clear();
                        saw_leader = false;
                        field = None;
                        ctx = Ctx::Outside;
                    }
                    "leader" => {
                        value.clear();
                        ctx = Ctx::Leader;
                    }
                    "controlfield" => {
                        value.clear();
                        ctx = Ctx::Control(tag_attr(e)?);
                    }
                    "datafield" => {
                        let tag = tag_attr(e)?;
                        let indicators = Indicators::new(
                            indicator_attr(e, "ind1", 1, tag, repairs)?,
                            indicator_attr(e, "ind2", 2, tag, repairs)?,
                        );
                        let df = DataField {
                            tag,
                            indicators,
                            subfields: Vec::new(),
                        };
                        if empty {
                            record.fields.push(Field::Data(df));
                        } else {
                            field = Some(df);
                        }
                        continue;
                    }
                    "subfield" => {
                        let Some(df) = field.as_ref() else {
                            return Err(ErrorKind::Xml("<subfield> outside <datafield>".into()));
                        };
                        value.clear();
                        ctx = match subfield_code(e, df.tag, repairs)? {
                            Some(code) => Ctx::Subfield(code),
                            None => Ctx::Dropped,
                        };
                    }
                    _ => continue,
                }
                if empty {
                    finish(
                        ctx,
                        &mut value,
                        record,
                        &mut field,
                        &mut saw_leader,
                        repairs,
                    )?;
                    ctx = Ctx::Outside;
                }
            }
            Event::Text(t) if ctx != Ctx::Outside => value.push_str(&t.xml10_content()),
            Event::CData(c) if ctx != Ctx::Outside => value.push_str(&c),
            Event::GeneralRef(r) if ctx != Ctx::Outside => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => c,
                    Ok(None) => match predefined_entity(r.as_ref()) {
                        Some(c) => c,
                        None => {
                            return Err(ErrorKind::Xml(format!(
                                "unknown entity &{}; (entities are not expanded)",
                                r.as_ref()
                            )));
                        }
                    },
                    Err(e) => return Err(ErrorKind::Xml(e.to_string())),
                };
                value.push(c);
            }
            Event::GeneralRef(r) => {
                // Outside MARC content: still refuse undeclared entities
                // quietly, they carry nothing we keep.
                let _ = r;
            }
            Event::End(ref e) => match e.local_name().as_ref() {
                "leader" | "controlfield" | "subfield" if ctx != Ctx::Outside => {
                    finish(
                        ctx,
                        &mut value,
                        record,
                        &mut field,
                        &mut saw_leader,
                        repairs,
                    )?;
                    ctx = Ctx::Outside;
                }
                "datafield" => {
                    if let Some(df) = field.take() {
                        record.fields.push(Field::Data(df));
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    if record.fields.is_empty() {
        return Err(ErrorKind::NoFields);
    }
    Ok(())
}

fn finish(
    ctx: Ctx,
    value: &mut String,
    record: &mut Record,
    field: &mut Option<DataField>,
    saw_leader: &mut bool,
    repairs: &mut Repairs,
) -> Result<(), ErrorKind> {
    match ctx {
        Ctx::Outside | Ctx::Dropped => {}
        Ctx::Leader => {
            check_leader(value)?;
            record.leader = parse_leader(value)?;
            *saw_leader = true;
        }
        Ctx::Control(tag) => {
            repair_text(value, tag, repairs);
            record.fields.push(Field::Control {
                tag,
                value: std::mem::take(value),
            });
        }
        Ctx::Subfield(code) => {
            if let Some(df) = field.as_mut() {
                repair_text(value, df.tag, repairs);
                df.subfields.push(Subfield {
                    code,
                    value: std::mem::take(value),
                });
            }
        }
    }
    value.clear();
    Ok(())
}

/// A MARCXML or MARC-in-JSON leader: 24 printable ASCII characters. Odd
/// values are kept as they are (real records carry `?`, `^` or `#` in coded
/// positions), but XML markup characters (`<`, `>`, `&`, `"`) can only come
/// from a mangled export, and a leader of another length is no leader.
pub(crate) fn parse_leader(text: &str) -> Result<Leader, ErrorKind> {
    let n = text.chars().count();
    if n != 24 {
        return Err(ErrorKind::BadLeader(format!(
            "leader {text:?} has {n} characters, not 24"
        )));
    }
    if let Some(c) = text
        .chars()
        .find(|c| !(c.is_ascii_graphic() || *c == ' ') || matches!(c, '<' | '>' | '&' | '"'))
    {
        return Err(ErrorKind::BadLeader(format!(
            "leader {text:?} contains {c:?}"
        )));
    }
    Ok(Leader::from_text(text))
}

//! The fast path of the MARC-in-JSON reader: serde visitors that build a
//! [`Record`] straight from the JSON text, borrowing the tag and code keys
//! instead of building a `serde_json::Value` tree first (a third of the
//! decoding time of a MARC-in-JSON export).
//!
//! It accepts only well-formed records and says nothing about the others:
//! on any problem it gives up, and [`super::decode`] reads the record again
//! through `serde_json::Value`, which names the problem.

use crate::record::{DataField, Field, Indicators, Record, Subfield, Tag, is_indicator};
use crate::warning::is_code;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// Decodes one well-formed record, or `None`.
pub(super) fn decode(bytes: &[u8]) -> Option<Record> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let record = de.deserialize_map(RecordVisitor).ok()?;
    de.end().ok()?;
    Some(record)
}

/// A string, borrowed from the input when it has no escapes.
struct Text<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

fn fail<E: de::Error>() -> E {
    E::custom("not a well-formed MARC-in-JSON record")
}

/// ISO 2709's delimiters may not appear in values (see `decode::check`).
fn clean(value: &str, subfield: bool) -> bool {
    !value
        .bytes()
        .any(|b| b == 0x1D || b == 0x1E || (subfield && b == 0x1F))
}

struct RecordVisitor;

impl<'de> Visitor<'de> for RecordVisitor {
    type Value = Record;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a MARC-in-JSON record")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Record, A::Error> {
        let mut record = Record::new();
        let (mut leader, mut fields) = (false, false);
        while let Some(key) = map.next_key::<Text>()? {
            match &*key.0 {
                "leader" if !leader => {
                    leader = true;
                    let text = map.next_value::<Text>()?;
                    record.leader = crate::xml::parse_leader(&text.0).map_err(|_| fail())?;
                }
                "fields" if !fields => {
                    fields = true;
                    map.next_value_seed(Fields(&mut record.fields))?;
                }
                "leader" | "fields" => return Err(fail()),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if record.fields.is_empty() {
            return Err(fail());
        }
        Ok(record)
    }
}

struct Fields<'r>(&'r mut Vec<Field>);

impl<'de> DeserializeSeed<'de> for Fields<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Fields<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of fields")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        if let Some(n) = seq.size_hint() {
            self.0.reserve(n);
        }
        while let Some(field) = seq.next_element_seed(OneField)? {
            self.0.push(field);
        }
        Ok(())
    }
}

/// `{"245": …}`: exactly one tag.
struct OneField;

impl<'de> DeserializeSeed<'de> for OneField {
    type Value = Field;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Field, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for OneField {
    type Value = Field;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Field, A::Error> {
        let tag = map.next_key::<Text>()?.ok_or_else(fail)?;
        let tag = Tag::parse(&tag.0).ok_or_else(fail)?;
        let field = map.next_value_seed(FieldBody(tag))?;
        if map.next_key::<IgnoredAny>()?.is_some() {
            return Err(fail());
        }
        Ok(field)
    }
}

/// A control field's string or a data field's object.
struct FieldBody(Tag);

impl<'de> DeserializeSeed<'de> for FieldBody {
    type Value = Field;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Field, D::Error> {
        d.deserialize_any(self)
    }
}

impl FieldBody {
    fn control<E: de::Error>(self, value: String) -> Result<Field, E> {
        if !clean(&value, false) {
            return Err(fail());
        }
        Ok(Field::Control { tag: self.0, value })
    }
}

fn indicator(text: &str) -> Option<char> {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (None, _) => Some(' '),
        (Some(c), None) if is_indicator(c) => Some(c),
        _ => None,
    }
}

impl<'de> Visitor<'de> for FieldBody {
    type Value = Field;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string or a data field")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Field, E> {
        self.control(v.to_string())
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Field, E> {
        self.control(v)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Field, A::Error> {
        let (mut ind1, mut ind2) = (None, None);
        let mut subfields: Option<Vec<Subfield>> = None;
        while let Some(key) = map.next_key::<Text>()? {
            match &*key.0 {
                "ind1" if ind1.is_none() => {
                    ind1 = Some(indicator(&map.next_value::<Text>()?.0).ok_or_else(fail)?)
                }
                "ind2" if ind2.is_none() => {
                    ind2 = Some(indicator(&map.next_value::<Text>()?.0).ok_or_else(fail)?)
                }
                "subfields" if subfields.is_none() => {
                    subfields = Some(map.next_value_seed(Subfields)?);
                }
                "ind1" | "ind2" | "subfields" => return Err(fail()),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Field::Data(DataField {
            tag: self.0,
            indicators: Indicators::new(ind1.unwrap_or(' '), ind2.unwrap_or(' ')),
            subfields: subfields.ok_or_else(fail)?,
        }))
    }
}

struct Subfields;

impl<'de> DeserializeSeed<'de> for Subfields {
    type Value = Vec<Subfield>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<Subfield>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Subfields {
    type Value = Vec<Subfield>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of subfields")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Subfield>, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(4));
        while let Some(sub) = seq.next_element_seed(OneSubfield)? {
            out.push(sub);
        }
        Ok(out)
    }
}

/// `{"a": "…"}`: exactly one code.
struct OneSubfield;

impl<'de> DeserializeSeed<'de> for OneSubfield {
    type Value = Subfield;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Subfield, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for OneSubfield {
    type Value = Subfield;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a subfield")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Subfield, A::Error> {
        let code = map.next_key::<Text>()?.ok_or_else(fail)?;
        let mut chars = code.0.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) if is_code(c) => c,
            _ => return Err(fail()),
        };
        let value = map.next_value::<Text>()?.0;
        if !clean(&value, true) || map.next_key::<IgnoredAny>()?.is_some() {
            return Err(fail());
        }
        Ok(Subfield::new(code, value.into_owned()))
    }
}

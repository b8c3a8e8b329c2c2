//! A fast path for the common shape of a MARCXML record.
//!
//! Nearly every record an ILS exports is the same few elements (`record`,
//! `leader`, `controlfield`, `datafield`, `subfield`) with quoted attributes
//! and plain text. Tokenising those with quick-xml costs about 18 µs per
//! record (an event per tag and text, each re-checked as UTF-8); scanning
//! them with `memchr` costs a fraction of that, and MARCXML is the slowest
//! format a consortium's libraries send.
//!
//! This is not an XML parser. It reads a record only when the record has
//! exactly that shape and gives up (returns `None`) at anything else: a
//! comment, CDATA, a processing instruction, another element, an unknown
//! entity, a carriage return, a mismatched end tag, a bad tag or indicator,
//! a control character. The caller then decodes the record with quick-xml,
//! which reads what is valid and reports what is not, so the answer (the
//! record, or the error) is always quick-xml's. The tests run both paths
//! over every MARCXML file in `fixtures/` and compare them.

use super::decode::{code, indicator, predefined_entity};
use crate::record::{DataField, Field, Indicators, Record, Subfield, Tag, has_xml_illegal};

/// Reads `text` (one `<record>` element, already checked as UTF-8) into
/// `record`, or returns `None` when the record has any other shape.
pub(super) fn decode(text: &str, record: &mut Record) -> Option<()> {
    let mut s = Scanner { text, at: 0 };
    s.skip_space();
    let root = s.start_tag()?;
    if root.local != "record" || root.empty {
        return None;
    }
    let mut saw_leader = false;
    loop {
        s.skip_space();
        if s.peek_end_tag() {
            let name = s.end_tag()?;
            if name != root.name {
                return None;
            }
            break;
        }
        let tag = s.start_tag()?;
        match tag.local {
            "leader" if !saw_leader => {
                let value = s.leaf_text(&tag)?;
                record.leader = super::decode::parse_leader(&value).ok()?;
                saw_leader = true;
            }
            "controlfield" => {
                let t = Tag::parse(tag.attr("tag")?)?;
                let value = s.leaf_text(&tag)?;
                record.fields.push(Field::Control { tag: t, value });
            }
            "datafield" => {
                let t = Tag::parse(tag.attr("tag")?)?;
                let indicators =
                    Indicators::new(indicator(tag.attr("ind1"))?, indicator(tag.attr("ind2"))?);
                let mut field = DataField {
                    tag: t,
                    indicators,
                    subfields: Vec::new(),
                };
                if !tag.empty {
                    loop {
                        s.skip_space();
                        if s.peek_end_tag() {
                            if s.end_tag()? != tag.name {
                                return None;
                            }
                            break;
                        }
                        let sub = s.start_tag()?;
                        if sub.local != "subfield" {
                            return None;
                        }
                        let code = code(sub.attr("code"))?;
                        let value = s.leaf_text(&sub)?;
                        field.subfields.push(Subfield { code, value });
                    }
                }
                record.fields.push(Field::Data(field));
            }
            _ => return None,
        }
    }
    s.skip_space();
    (s.at == text.len() && !record.fields.is_empty()).then_some(())
}

/// Attributes kept per start tag; a tag with more is left to quick-xml.
const MAX_ATTRIBUTES: usize = 6;

/// A start tag as read.
struct StartTag<'a> {
    /// The qualified name (`marc:datafield`), for matching its end tag.
    name: &'a str,
    /// The name without its prefix.
    local: &'a str,
    /// Attributes as (local name, value), in document order.
    attrs: [(&'a str, &'a str); MAX_ATTRIBUTES],
    /// How many of `attrs` are set.
    n_attrs: usize,
    /// `<x/>`.
    empty: bool,
}

impl<'a> StartTag<'a> {
    /// The value of the first attribute with this local name; `None` when
    /// absent. Values were checked when the tag was read.
    fn attr(&self, wanted: &str) -> Option<&'a str> {
        self.attrs[..self.n_attrs]
            .iter()
            .find(|(key, _)| *key == wanted)
            .map(|(_, value)| *value)
    }
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// A byte of a qualified name (the framer's name bytes, or the prefix colon).
fn is_name_byte(b: u8) -> bool {
    super::frame::is_name_byte(b) || b == b':'
}

/// The part of a name after its prefix; a name with more than one colon
/// is left to quick-xml.
fn local_name(name: &str) -> &str {
    match name.split_once(':') {
        Some((_, local)) => local,
        None => name,
    }
}

struct Scanner<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Scanner<'a> {
    fn bytes(&self) -> &'a [u8] {
        &self.text.as_bytes()[self.at..]
    }

    fn skip_space(&mut self) {
        let n = self
            .bytes()
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
            .count();
        self.at += n;
    }

    fn peek_end_tag(&self) -> bool {
        self.bytes().starts_with(b"</")
    }

    /// Reads `</name>` and returns the name.
    fn end_tag(&mut self) -> Option<&'a str> {
        let b = self.bytes();
        let gt = memchr::memchr(b'>', b)?;
        let name = self
            .text
            .get(self.at + 2..self.at + gt)?
            .trim_end_matches(is_space);
        if name.is_empty() || !name.bytes().all(is_name_byte) {
            return None;
        }
        self.at += gt + 1;
        Some(name)
    }

    /// Reads `<name attr="v" …>` or `<name …/>`. Attribute values must be
    /// quoted and free of `<`, `&`, tabs and line breaks (which quick-xml
    /// would expand or normalise); anything else gives up.
    fn start_tag(&mut self) -> Option<StartTag<'a>> {
        let b = self.bytes();
        if b.first() != Some(&b'<') {
            return None;
        }
        let name_len = b[1..].iter().take_while(|&&c| is_name_byte(c)).count();
        if name_len == 0 {
            return None; // `</`, `<!`, `<?`, or not a tag at all
        }
        let name = self.text.get(self.at + 1..self.at + 1 + name_len)?;
        if name.bytes().filter(|&c| c == b':').count() > 1 {
            return None;
        }
        let mut tag = StartTag {
            name,
            local: local_name(name),
            attrs: [("", ""); MAX_ATTRIBUTES],
            n_attrs: 0,
            empty: false,
        };
        let spaces = |from: usize| {
            b[from..]
                .iter()
                .take_while(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
                .count()
        };
        let mut i = 1 + name_len;
        loop {
            let gap = spaces(i);
            i += gap;
            match b.get(i)? {
                b'>' => {
                    self.at += i + 1;
                    return Some(tag);
                }
                b'/' => {
                    if b.get(i + 1) != Some(&b'>') {
                        return None;
                    }
                    self.at += i + 2;
                    tag.empty = true;
                    return Some(tag);
                }
                _ if gap == 0 => return None, // attributes need a space before them
                _ => {}
            }
            // One attribute: name = "value".
            let key_len = b[i..].iter().take_while(|&&c| is_name_byte(c)).count();
            if key_len == 0 || tag.n_attrs == MAX_ATTRIBUTES {
                return None;
            }
            let key = self.text.get(self.at + i..self.at + i + key_len)?;
            i += key_len;
            i += spaces(i);
            if b.get(i) != Some(&b'=') {
                return None;
            }
            i += 1;
            i += spaces(i);
            let quote = *b.get(i)?;
            if quote != b'"' && quote != b'\'' {
                return None;
            }
            let len = memchr::memchr(quote, &b[i + 1..])?;
            let value = &b[i + 1..i + 1 + len];
            if value
                .iter()
                .any(|c| matches!(c, b'<' | b'&' | b'\t' | b'\n' | b'\r'))
            {
                return None;
            }
            let value = self.text.get(self.at + i + 1..self.at + i + 1 + len)?;
            tag.attrs[tag.n_attrs] = (local_name(key), value);
            tag.n_attrs += 1;
            i += len + 2;
        }
    }

    /// The text of a leaf element whose start tag was just read, up to and
    /// including its end tag: empty for `<x/>`. Entities are XML's five and
    /// character references; anything else, markup inside, a carriage
    /// return or a character XML cannot carry gives up.
    fn leaf_text(&mut self, tag: &StartTag<'_>) -> Option<String> {
        if tag.empty {
            return Some(String::new());
        }
        let b = self.bytes();
        let lt = memchr::memchr(b'<', b)?;
        let raw = self.text.get(self.at..self.at + lt)?;
        let value = match memchr::memchr2(b'&', b'\r', raw.as_bytes()) {
            None => raw.to_string(),
            Some(_) if raw.as_bytes().contains(&b'\r') => return None,
            Some(_) => unescape(raw)?,
        };
        if has_xml_illegal(&value) {
            return None;
        }
        self.at += lt;
        (self.end_tag()? == tag.name).then_some(value)
    }
}

/// Expands XML's predefined entities and character references.
fn unescape(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let semi = after.find(';')?;
        let name = &after[..semi];
        let c = match predefined_entity(name) {
            Some(c) => c,
            None => {
                let (digits, radix) = match name.strip_prefix("#x") {
                    Some(hex) => (hex, 16),
                    None => (name.strip_prefix('#')?, 10),
                };
                if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
                    return None;
                }
                let c = char::from_u32(u32::from_str_radix(digits, radix).ok()?)?;
                if c == '\0' {
                    return None;
                }
                c
            }
        };
        out.push(c);
        rest = &after[semi + 1..];
    }
    out.push_str(rest);
    Some(out)
}

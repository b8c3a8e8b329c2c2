//! The MARC record model: a [`Leader`], then [`Field`]s that are either control
//! fields (`001`–`009`, a single value) or data fields (two [`Indicators`] and a
//! list of [`Subfield`]s).

use std::fmt;

/// The 24-character record leader.
///
/// Kept as raw bytes so that a leader with odd content (a blank where a digit
/// should be, a lowercase letter in position 9) survives a round trip; the
/// accessors below read the positions a cataloguer looks at.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Leader(pub [u8; 24]);

impl Leader {
    /// A leader for a new UTF-8 record of type "language material, monograph".
    pub const DEFAULT: Leader = Leader(*b"00000nam a2200000 i 4500");

    /// Builds a leader from text, padding with blanks or truncating to 24 bytes.
    /// Non-ASCII characters are replaced by blanks.
    pub fn from_text(text: &str) -> Leader {
        let mut bytes = [b' '; 24];
        for (slot, ch) in bytes.iter_mut().zip(text.chars()) {
            *slot = if ch.is_ascii() && !ch.is_ascii_control() {
                ch as u8
            } else {
                b' '
            };
        }
        Leader(bytes)
    }

    /// The leader as text.
    pub fn as_str(&self) -> &str {
        // Every constructor only stores printable ASCII or bytes checked by the
        // ISO 2709 reader to be ASCII.
        std::str::from_utf8(&self.0).unwrap_or("                        ")
    }

    /// Leader/05: record status (`n` new, `c` corrected, `d` deleted, …).
    pub fn record_status(&self) -> u8 {
        self.0[5]
    }
    /// Leader/06: type of record (`a` language material, `i` nonmusical sound recording, …).
    pub fn record_type(&self) -> u8 {
        self.0[6]
    }
    /// Leader/07: bibliographic level (`m` monograph, `s` serial, …).
    pub fn bibliographic_level(&self) -> u8 {
        self.0[7]
    }
    /// Leader/09: character coding scheme (`a` = UCS/Unicode, blank = MARC-8).
    pub fn coding_scheme(&self) -> u8 {
        self.0[9]
    }
    /// True when leader/09 declares Unicode.
    pub fn is_unicode(&self) -> bool {
        self.0[9] == b'a'
    }
    /// True when leader/05 marks the record deleted.
    pub fn is_deleted(&self) -> bool {
        self.0[5] == b'd'
    }
    /// Sets one position (ignored when out of range or not ASCII).
    pub fn set(&mut self, position: usize, value: u8) {
        if position < 24 && value.is_ascii() {
            self.0[position] = value;
        }
    }
}

impl Default for Leader {
    fn default() -> Self {
        Leader::DEFAULT
    }
}

impl fmt::Debug for Leader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Leader({:?})", self.as_str())
    }
}

impl fmt::Display for Leader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A three-character field tag such as `245` or Alma's `AVA`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag(pub(crate) [u8; 3]);

impl Tag {
    /// Parses a tag: exactly three ASCII letters or digits.
    pub fn parse(text: &str) -> Option<Tag> {
        Tag::from_bytes(text.as_bytes())
    }

    /// Parses a tag from raw bytes: exactly three ASCII letters or digits.
    pub fn from_bytes(bytes: &[u8]) -> Option<Tag> {
        match bytes {
            [a, b, c] if bytes.iter().all(u8::is_ascii_alphanumeric) => Some(Tag([*a, *b, *c])),
            _ => None,
        }
    }

    /// The tag as text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("tags are ASCII alphanumeric by construction")
    }

    /// Control field tags are `001`–`009` (numeric tags below `010`), as in
    /// pymarc and ruby-marc.
    pub fn is_control(&self) -> bool {
        self.0[0] == b'0' && self.0[1] == b'0' && self.0[2].is_ascii_digit()
    }
}

impl fmt::Debug for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for Tag {
    fn eq(&self, other: &&str) -> bool {
        self.0 == other.as_bytes()
    }
}

/// The two indicator positions of a data field. A blank indicator is `' '`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Indicators {
    /// First indicator.
    pub first: char,
    /// Second indicator.
    pub second: char,
}

impl Indicators {
    /// Two blanks.
    pub const BLANK: Indicators = Indicators {
        first: ' ',
        second: ' ',
    };

    /// Builds indicators from two characters.
    pub fn new(first: char, second: char) -> Indicators {
        Indicators { first, second }
    }

    /// The second indicator read as a digit (non-filing characters in 245, 130, 240…).
    pub fn second_digit(&self) -> Option<u32> {
        self.second.to_digit(10)
    }
}

impl Default for Indicators {
    fn default() -> Self {
        Indicators::BLANK
    }
}

/// One subfield: a code and its value.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Subfield {
    /// The subfield code (`a`, `b`, `6`, …).
    pub code: char,
    /// The value, in Unicode (NFC when decoded from MARC-8).
    pub value: String,
}

impl Subfield {
    /// Builds a subfield.
    pub fn new(code: char, value: impl Into<String>) -> Subfield {
        Subfield {
            code,
            value: value.into(),
        }
    }
}

/// A data field: tag, indicators and subfields.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct DataField {
    /// The tag.
    pub tag: Tag,
    /// The two indicators.
    pub indicators: Indicators,
    /// The subfields, in order.
    pub subfields: Vec<Subfield>,
}

impl DataField {
    /// The first value of subfield `code`.
    pub fn first(&self, code: char) -> Option<&str> {
        self.subfields
            .iter()
            .find(|s| s.code == code)
            .map(|s| s.value.as_str())
    }

    /// Every value of subfield `code`, in order.
    pub fn values(&self, code: char) -> impl Iterator<Item = &str> + '_ {
        self.subfields
            .iter()
            .filter(move |s| s.code == code)
            .map(|s| s.value.as_str())
    }

    /// Values of any of the given subfield codes, in field order.
    pub fn values_of<'a>(&'a self, codes: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.subfields
            .iter()
            .filter(move |s| codes.contains(s.code))
            .map(|s| s.value.as_str())
    }
}

/// A field of a record.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum Field {
    /// A control field (`001`–`009`): a tag and a single value.
    Control {
        /// The tag.
        tag: Tag,
        /// The value.
        value: String,
    },
    /// A data field with indicators and subfields.
    Data(DataField),
}

impl Field {
    /// The field's tag.
    pub fn tag(&self) -> Tag {
        match self {
            Field::Control { tag, .. } => *tag,
            Field::Data(d) => d.tag,
        }
    }

    /// The data field, if this is one.
    pub fn as_data(&self) -> Option<&DataField> {
        match self {
            Field::Data(d) => Some(d),
            Field::Control { .. } => None,
        }
    }

    /// The control field's value, if this is one.
    pub fn as_control(&self) -> Option<&str> {
        match self {
            Field::Control { value, .. } => Some(value),
            Field::Data(_) => None,
        }
    }
}

/// A MARC record: leader and fields in their original order.
#[derive(Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct Record {
    /// The leader.
    pub leader: Leader,
    /// The fields, in order.
    pub fields: Vec<Field>,
}

impl Record {
    /// An empty record with the default leader.
    pub fn new() -> Record {
        Record::default()
    }

    /// The value of the first control field with this tag.
    pub fn control(&self, tag: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|f| f.tag() == tag)
            .and_then(Field::as_control)
    }

    /// The control number (001), trimmed.
    pub fn control_number(&self) -> Option<&str> {
        self.control("001").map(str::trim).filter(|s| !s.is_empty())
    }

    /// Every data field with this tag.
    pub fn data_fields(&self, tag: &str) -> impl Iterator<Item = &DataField> + '_ {
        let tag = Tag::parse(tag);
        self.fields
            .iter()
            .filter_map(Field::as_data)
            .filter(move |d| Some(d.tag) == tag)
    }

    /// The first data field with this tag.
    pub fn data_field(&self, tag: &str) -> Option<&DataField> {
        self.data_fields(tag).next()
    }

    /// Every data field whose tag is one of `tags`.
    pub fn data_fields_any<'a>(
        &'a self,
        tags: &'a [&'a str],
    ) -> impl Iterator<Item = &'a DataField> + 'a {
        self.fields
            .iter()
            .filter_map(Field::as_data)
            .filter(move |d| tags.iter().any(|t| d.tag == *t))
    }

    /// Adds a control field.
    pub fn push_control(&mut self, tag: Tag, value: impl Into<String>) {
        self.fields.push(Field::Control {
            tag,
            value: value.into(),
        });
    }

    /// Adds a data field.
    pub fn push_data(&mut self, tag: Tag, indicators: Indicators, subfields: Vec<Subfield>) {
        self.fields.push(Field::Data(DataField {
            tag,
            indicators,
            subfields,
        }));
    }

    /// True when some value holds a character that XML 1.0 cannot carry
    /// (C0 controls other than tab, newline and carriage return).
    pub fn has_xml_illegal_chars(&self) -> bool {
        self.fields.iter().any(|f| match f {
            Field::Control { value, .. } => has_xml_illegal(value),
            Field::Data(d) => d.subfields.iter().any(|s| has_xml_illegal(&s.value)),
        })
    }
}

/// Indicator values accepted on input: any visible ASCII character or blank.
/// MARC 21 defines only digits, lowercase letters and blank, but real exports
/// carry `#` for blank (Aleph, in Evergreen's `FSL.marc`), `|` fill
/// characters and `-` (Internet Archive records); pymarc and MARC::Record
/// read those too. Control characters and non-ASCII bytes are a broken
/// field.
pub(crate) fn is_indicator(c: char) -> bool {
    c.is_ascii_graphic() || c == ' '
}

/// Characters XML 1.0 cannot carry: C0 controls except tab, LF, CR, plus U+FFFE/U+FFFF.
pub(crate) fn is_xml_illegal(c: char) -> bool {
    (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{FFFE}' || c == '\u{FFFF}'
}

pub(crate) fn has_xml_illegal(s: &str) -> bool {
    let b = s.as_bytes();
    // One pass over the bytes: U+FFFE and U+FFFF are EF BF BE and EF BF BF.
    b.iter().enumerate().any(|(i, &c)| {
        (c < 0x20 && !matches!(c, b'\t' | b'\n' | b'\r'))
            || (c == 0xEF && matches!(b.get(i + 1..i + 3), Some([0xBF, 0xBE | 0xBF])))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_tags_are_001_to_009() {
        assert!(Tag::parse("001").unwrap().is_control());
        assert!(Tag::parse("009").unwrap().is_control());
        assert!(!Tag::parse("010").unwrap().is_control());
        assert!(!Tag::parse("AVA").unwrap().is_control());
        assert!(!Tag::parse("00A").unwrap().is_control());
        assert!(Tag::parse("24").is_none());
        assert!(Tag::parse("2 5").is_none());
    }

    #[test]
    fn leader_positions() {
        let l = Leader::from_text("01142cam  2200301 a 4500");
        assert_eq!(l.record_type(), b'a');
        assert_eq!(l.bibliographic_level(), b'm');
        assert!(!l.is_unicode());
        assert_eq!(
            Leader::from_text("short").as_str(),
            "short                   "
        );
    }

    #[test]
    fn xml_illegal_detection() {
        assert!(has_xml_illegal("a\u{1f}b"));
        assert!(!has_xml_illegal("a\tb\r\n"));
        assert!(has_xml_illegal("end \u{FFFE}"));
        assert!(has_xml_illegal("\u{FFFF} start"));
        // Neighbours of the two non-characters, sharing their first bytes.
        assert!(!has_xml_illegal("\u{FFFD} \u{FFEE} \u{F000} é 書"));
        assert!(is_xml_illegal('\u{0}'));
    }
}

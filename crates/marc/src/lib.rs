//! MARC 21 records and their three interchange formats.
//!
//! This crate owns the librarian's model of a record — a [`Leader`], then
//! [`Field`]s that are either control fields or data fields with
//! [`Indicators`] and [`Subfield`]s — and streaming codecs for
//! [ISO 2709](iso2709) (binary MARC, in MARC-8 or UTF-8), [MARCXML](xml) and
//! [MARC-in-JSON](json). It does no I/O of its own beyond `BufRead`/`Write`,
//! and it knows nothing of what the fields *mean*: titles, identifiers and
//! holdings are the `unicat-bib` crate's business.
//!
//! Start from [`Reader`]: an iterator of `Result<Record, RecordError>` over
//! any input whose format is given or [detected](Format::detect). A bad
//! record is one `Err` item carrying its position, its 001 when readable and
//! the reason; the reader then goes on with the next record. Nothing panics
//! on any input.
//!
//! # Lenient reading
//!
//! A record is an `Err` only when its *structure* cannot be read: a bad
//! leader, directory or tag, a field outside the record, malformed XML or
//! JSON, no field at all. One bad byte inside a field does not lose the
//! record (and with it a library's holdings): it is read as pymarc and
//! marc4j read it, and each repair is a [`RecordWarning`] (position, 001,
//! field, [what was done](WarningKind)), which
//! [`Reader::next_with_warnings`] and [`decode_with_warnings`] return with
//! the record ([`Decoded`]):
//!
//! - an indicator that is not a visible ASCII character or blank (a 0x14
//!   byte, `ind1="ab"`) is a blank, and missing indicators are blanks;
//! - a subfield code that is not ASCII is folded as pymarc 5 folds it (the
//!   subfield taken as UTF-8, else Latin-1, without diacritics: UTF-8 `á`
//!   is `$a`, a 0xB9 byte, Latin-1 `¹`, is `$1`); a subfield whose code is a
//!   control character or folds to nothing is left out (pymarc would keep a
//!   control character as the code, which XML cannot carry);
//! - in an ISO 2709 record labelled UTF-8, a field whose bytes are not
//!   UTF-8 is read as MARC-8 when it holds no UTF-8 sequence at all and
//!   decodes cleanly with LC's tables (a MARC-8 record labelled UTF-8, like
//!   ruby-marc's `marc8_accented_chars.marc`); otherwise each invalid
//!   sequence becomes U+FFFD;
//! - MARC-8 that LC's code tables cannot decode becomes U+FFFD;
//! - a control character that cannot stand in a value — one XML 1.0 cannot
//!   carry (C0 other than tab, LF, CR) in MARCXML, a MARC record or field
//!   terminator (0x1D, 0x1E) anywhere, a subfield delimiter (0x1F) inside a
//!   subfield — is replaced by a **space**, not dropped, so that the words
//!   it stood between stay apart.
//!
//! The fast paths (below) read only clean records; a record that needs a
//! repair always takes the slower path, so clean input costs what it did.
//!
//! For throughput, every format is read in two steps: a sequential *framer*
//! cuts the stream into [`RawRecord`]s (cheap), and [`decode`] turns each into
//! a [`Record`] (the costly part), which callers may run on many threads.
//!
//! ```
//! use unicat_marc::{Format, Reader};
//! let xml = br#"<collection xmlns="http://www.loc.gov/MARC21/slim"><record>
//!   <leader>00000nam a2200000 a 4500</leader>
//!   <controlfield tag="001">ocm123</controlfield>
//!   <datafield tag="245" ind1="1" ind2="4"><subfield code="a">The title</subfield></datafield>
//! </record></collection>"#;
//! let records: Vec<_> = Reader::new(&xml[..], Format::MarcXml).collect();
//! let record = records[0].as_ref().unwrap();
//! assert_eq!(record.control_number(), Some("ocm123"));
//! assert_eq!(record.data_field("245").unwrap().first('a'), Some("The title"));
//! ```
//!
//! MARCXML is decoded with quick-xml, after a hand-written fast path for the
//! plain shape nearly every export has (the five MARC elements, quoted
//! attributes, text with XML's predefined entities): quick-xml spends most
//! of its time on events and re-checking each piece as UTF-8, which made
//! MARCXML the slowest format to harvest (4.4 s per 250,000 LC records on
//! one core, 2.4 s with the fast path). The fast path gives up at anything
//! else, and quick-xml then reads the record or reports why it cannot; the
//! tests compare the two on every MARCXML record in `fixtures/`.
//!
//! MARC-8 decoding lives in the sibling crate `unicat-marc8`; the ISO 2709
//! reader honours leader/09 and corrects one real-world mislabelling (a MARC-8
//! label on bytes that are valid UTF-8).

mod error;
pub mod iso2709;
pub mod json;
mod record;
mod warning;
pub mod xml;

pub use error::{ErrorKind, Position, RecordError, WriteError};
pub use record::{DataField, Field, Indicators, Leader, Record, Subfield, Tag};
pub use warning::{Decoded, RecordWarning, WarningKind};

use std::fmt;
use std::io::BufRead;

/// One record's bytes cut from an input by a framer, not yet decoded.
#[derive(Debug, Clone)]
pub struct RawRecord {
    /// Where it started.
    pub position: Position,
    /// Its bytes in the input's format.
    pub bytes: Vec<u8>,
}

/// A MARC serialisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// ISO 2709 ("binary MARC", `.mrc`).
    Iso2709,
    /// MARCXML.
    MarcXml,
    /// MARC-in-JSON.
    MarcJson,
}

impl Format {
    /// The name used in configuration and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Iso2709 => "iso2709",
            Format::MarcXml => "marcxml",
            Format::MarcJson => "marc-json",
        }
    }

    /// Parses a format name (`iso2709`/`marc`/`mrc`, `marcxml`/`xml`,
    /// `marc-json`/`json`/`mij`).
    pub fn from_name(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().as_str() {
            "iso2709" | "marc" | "mrc" | "marc21" | "binary" => Some(Format::Iso2709),
            "marcxml" | "xml" | "marc-xml" => Some(Format::MarcXml),
            "marc-json" | "json" | "mij" | "marcjson" | "marc-in-json" => Some(Format::MarcJson),
            _ => None,
        }
    }

    /// Guesses the format from the first bytes of an input: `<` starts XML,
    /// `{` or `[` JSON, five digits ISO 2709. Leading whitespace and a UTF-8
    /// byte-order mark are skipped. None when it looks like none of them.
    pub fn detect(prefix: &[u8]) -> Option<Format> {
        let trimmed = prefix.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(prefix);
        let start = trimmed
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(trimmed.len());
        let t = &trimmed[start..];
        match t.first()? {
            b'<' => Some(Format::MarcXml),
            b'{' | b'[' => Some(Format::MarcJson),
            _ if t.len() >= 5 && t[..5].iter().all(u8::is_ascii_digit) => Some(Format::Iso2709),
            // A short input of digits only cannot be told apart; call it
            // ISO 2709 and let the reader report what is wrong.
            _ if t.len() < 5 && t.iter().all(u8::is_ascii_digit) => Some(Format::Iso2709),
            _ => None,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Decodes one raw record of the given format, leniently (see
/// [`decode_with_warnings`]); the warnings are dropped.
pub fn decode(format: Format, raw: &RawRecord) -> Result<Record, RecordError> {
    decode_with_warnings(format, raw).map(|d| d.record)
}

/// Decodes one raw record of the given format, with a [`RecordWarning`] for
/// every repair made to read it: an `Err` only when its structure cannot be
/// read.
pub fn decode_with_warnings(format: Format, raw: &RawRecord) -> Result<Decoded, RecordError> {
    match format {
        Format::Iso2709 => iso2709::decode_with_warnings(&raw.bytes, raw.position),
        Format::MarcXml => xml::decode_with_warnings(&raw.bytes, raw.position),
        Format::MarcJson => json::decode_with_warnings(&raw.bytes, raw.position),
    }
}

/// A framer for any format: cuts an input into [`RawRecord`]s.
pub enum Framer<R> {
    /// ISO 2709.
    Iso2709(iso2709::Framer<R>),
    /// MARCXML.
    MarcXml(xml::Framer<R>),
    /// MARC-in-JSON.
    MarcJson(json::Framer<R>),
}

impl<R: BufRead> Framer<R> {
    /// Frames `input` as `format`.
    pub fn new(input: R, format: Format) -> Self {
        match format {
            Format::Iso2709 => Framer::Iso2709(iso2709::Framer::new(input)),
            Format::MarcXml => Framer::MarcXml(xml::Framer::new(input)),
            Format::MarcJson => Framer::MarcJson(json::Framer::new(input)),
        }
    }

    /// The format being framed.
    pub fn format(&self) -> Format {
        match self {
            Framer::Iso2709(_) => Format::Iso2709,
            Framer::MarcXml(_) => Format::MarcXml,
            Framer::MarcJson(_) => Format::MarcJson,
        }
    }

    /// The next raw record, a framing error, or None at the end.
    pub fn next_raw(&mut self) -> Option<Result<RawRecord, RecordError>> {
        match self {
            Framer::Iso2709(f) => f.next_raw(),
            Framer::MarcXml(f) => f.next_raw(),
            Framer::MarcJson(f) => f.next_raw(),
        }
    }

    /// Bytes consumed so far.
    pub fn bytes_read(&self) -> u64 {
        match self {
            Framer::Iso2709(f) => f.bytes_read(),
            Framer::MarcXml(f) => f.bytes_read(),
            Framer::MarcJson(f) => f.bytes_read(),
        }
    }
}

impl<R: BufRead> Iterator for Framer<R> {
    type Item = Result<RawRecord, RecordError>;
    fn next(&mut self) -> Option<Self::Item> {
        self.next_raw()
    }
}

/// Reads records of any format one at a time.
pub struct Reader<R> {
    framer: Framer<R>,
}

impl<R: BufRead> Reader<R> {
    /// Reads `input` as `format`.
    pub fn new(input: R, format: Format) -> Self {
        Reader {
            framer: Framer::new(input, format),
        }
    }

    /// Reads `input`, detecting its format from the first bytes; None when
    /// the input is empty or looks like no MARC format.
    pub fn detect(mut input: R) -> std::io::Result<Option<Self>> {
        let prefix = input.fill_buf()?;
        Ok(Format::detect(prefix).map(|format| Reader::new(input, format)))
    }

    /// Bytes consumed so far.
    pub fn bytes_read(&self) -> u64 {
        self.framer.bytes_read()
    }

    /// The next record with its warnings, a bad record, or None at the end
    /// (the iterator gives the same records without their warnings).
    pub fn next_with_warnings(&mut self) -> Option<Result<Decoded, RecordError>> {
        let format = self.framer.format();
        let raw = self.framer.next_raw()?;
        Some(raw.and_then(|raw| decode_with_warnings(format, &raw)))
    }
}

impl<R: BufRead> Iterator for Reader<R> {
    type Item = Result<Record, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_with_warnings().map(|r| r.map(|d| d.record))
    }
}

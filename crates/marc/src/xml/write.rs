//! [`Record`] → MARCXML.

use crate::error::WriteError;
use crate::record::{Field, Record, is_xml_illegal};
use std::io::Write;

/// The MARC 21 slim namespace.
pub const MARCXML_NAMESPACE: &str = "http://www.loc.gov/MARC21/slim";

/// Appends one `<record>` element to `out`. With `namespace` the element
/// declares the MARC 21 slim namespace itself (for embedding in SRU or
/// OAI-PMH responses); inside a `<collection>` it inherits it. Characters
/// XML cannot carry are written as U+FFFD; leader/09 is set to `a`, since
/// the output is Unicode.
pub fn write_record(record: &Record, out: &mut String, namespace: bool) {
    out.push_str(if namespace {
        "<record xmlns=\"http://www.loc.gov/MARC21/slim\">\n"
    } else {
        "<record>\n"
    });
    let mut leader = record.leader;
    leader.0[9] = b'a';
    for b in &mut leader.0 {
        if !b.is_ascii_graphic() {
            *b = b' ';
        }
    }
    out.push_str("  <leader>");
    escape_into(leader.as_str(), out);
    out.push_str("</leader>\n");
    for field in &record.fields {
        match field {
            Field::Control { tag, value } => {
                out.push_str("  <controlfield tag=\"");
                out.push_str(tag.as_str());
                out.push_str("\">");
                escape_into(value, out);
                out.push_str("</controlfield>\n");
            }
            Field::Data(d) => {
                out.push_str("  <datafield tag=\"");
                out.push_str(d.tag.as_str());
                out.push_str("\" ind1=\"");
                escape_char(d.indicators.first, out);
                out.push_str("\" ind2=\"");
                escape_char(d.indicators.second, out);
                out.push_str("\">\n");
                for s in &d.subfields {
                    out.push_str("    <subfield code=\"");
                    escape_char(s.code, out);
                    out.push_str("\">");
                    escape_into(&s.value, out);
                    out.push_str("</subfield>\n");
                }
                out.push_str("  </datafield>\n");
            }
        }
    }
    out.push_str("</record>\n");
}

fn escape_char(c: char, out: &mut String) {
    let mut buf = [0u8; 4];
    escape_into(c.encode_utf8(&mut buf), out);
}

/// Escapes text for element content and attribute values.
pub(crate) fn escape_into(text: &str, out: &mut String) {
    let needs = |b: u8| {
        matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'') || (b < 0x20 && !matches!(b, b'\t' | b'\n'))
    };
    if !text.bytes().any(needs) && !text.contains(['\u{FFFE}', '\u{FFFF}']) {
        out.push_str(text);
        return;
    }
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // A raw CR would be normalised away by any XML parser.
            '\r' => out.push_str("&#13;"),
            c if is_xml_illegal(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

/// Writes a `<collection>` of records to any [`Write`].
pub struct Writer<W: Write> {
    out: W,
    buf: String,
    started: bool,
}

impl<W: Write> Writer<W> {
    /// Writes to `out`; the XML declaration and `<collection>` come with the
    /// first record (or at [`finish`](Self::finish) for an empty collection).
    pub fn new(out: W) -> Self {
        Writer {
            out,
            buf: String::with_capacity(8192),
            started: false,
        }
    }

    fn start(&mut self) -> Result<(), WriteError> {
        if !self.started {
            self.started = true;
            self.out.write_all(
                b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<collection xmlns=\"http://www.loc.gov/MARC21/slim\">\n",
            )?;
        }
        Ok(())
    }

    /// Writes one record.
    pub fn write(&mut self, record: &Record) -> Result<(), WriteError> {
        self.start()?;
        self.buf.clear();
        write_record(record, &mut self.buf, false);
        self.out.write_all(self.buf.as_bytes())?;
        Ok(())
    }

    /// Closes the collection, flushes, and returns the output.
    pub fn finish(mut self) -> Result<W, WriteError> {
        self.start()?;
        self.out.write_all(b"</collection>\n")?;
        self.out.flush()?;
        Ok(self.out)
    }
}

//! Cuts an XML stream into one chunk of bytes per `<record>` element.
//!
//! A light tokenizer (memchr for `<`, quotes respected inside tags, comments,
//! CDATA, processing instructions and DOCTYPE skipped) tracks the elements
//! open inside the current record. It finds the record whatever wraps it
//! (`<collection>`, an OAI-PMH or SRU response) and whatever its namespace
//! prefix, and it resynchronises after a broken record: an end tag that closes
//! something the record never opened, or a new MARC record starting inside one
//! that already has fields, ends the broken record with an error and reading
//! goes on with the next.

use crate::RawRecord;
use crate::error::{ErrorKind, Position, RecordError};
use std::io::BufRead;

/// The largest record element accepted (bytes).
pub const MAX_RECORD_XML_BYTES: usize = 16 << 20;

enum Markup {
    /// `<name …>`: the local name, and whether it is self-closing.
    Start { local: Vec<u8>, empty: bool },
    /// `</name>`.
    End { local: Vec<u8> },
    /// Comment, CDATA, PI, DOCTYPE, declaration.
    Other,
}

/// Frames `<record>` elements from an XML byte stream.
pub struct Framer<R> {
    input: R,
    buf: Vec<u8>,
    /// Scan position in `buf`.
    pos: usize,
    /// Offset in the input of `buf[0]`.
    base: u64,
    eof: bool,
    count: u64,
    /// Set once the input failed; the framer stops.
    failed: bool,
}

impl<R: BufRead> Framer<R> {
    /// Frames records from `input`.
    pub fn new(input: R) -> Self {
        Framer {
            input,
            buf: Vec::with_capacity(1 << 16),
            pos: 0,
            base: 0,
            eof: false,
            count: 0,
            failed: false,
        }
    }

    /// Bytes consumed so far.
    pub fn bytes_read(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// Reads more input into `buf`; false at end of input.
    fn fill(&mut self) -> std::io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        loop {
            let chunk = match self.input.fill_buf() {
                Ok(c) => c,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if chunk.is_empty() {
                self.eof = true;
                return Ok(false);
            }
            let n = chunk.len();
            self.buf.extend_from_slice(chunk);
            self.input.consume(n);
            return Ok(true);
        }
    }

    /// Drops bytes before `keep_from` from the buffer.
    fn compact(&mut self, keep_from: usize) {
        if keep_from > 0 {
            self.buf.drain(..keep_from);
            self.base += keep_from as u64;
            self.pos -= keep_from;
        }
    }

    /// Finds the next `<` at or after `self.pos`, reading more input as
    /// needed. When `keep` is None, bytes before it are discarded.
    fn next_lt(&mut self, keep: Option<usize>) -> std::io::Result<Option<usize>> {
        loop {
            if let Some(i) = memchr::memchr(b'<', &self.buf[self.pos..]) {
                return Ok(Some(self.pos + i));
            }
            self.pos = self.buf.len();
            if keep.is_none() {
                self.compact(self.pos);
            }
            if !self.fill()? {
                return Ok(None);
            }
        }
    }

    /// Finds `needle` at or after `from`, reading more input as needed;
    /// returns the index just past it.
    fn find_from(&mut self, from: usize, needle: &[u8]) -> std::io::Result<Option<usize>> {
        let mut search = from;
        loop {
            if let Some(i) = memchr::memmem::find(&self.buf[search..], needle) {
                return Ok(Some(search + i + needle.len()));
            }
            search = self.buf.len().saturating_sub(needle.len() - 1).max(from);
            if !self.fill()? {
                return Ok(None);
            }
        }
    }

    /// Finds the `>` closing a tag that starts at `from`, skipping quoted
    /// attribute values; returns the index just past it.
    fn tag_end(&mut self, from: usize) -> std::io::Result<Option<usize>> {
        let mut i = from;
        let mut quote: Option<u8> = None;
        loop {
            while i < self.buf.len() {
                let b = self.buf[i];
                match quote {
                    Some(q) if b == q => quote = None,
                    Some(_) => {}
                    None if b == b'"' || b == b'\'' => quote = Some(b),
                    None if b == b'>' => return Ok(Some(i + 1)),
                    None => {}
                }
                i += 1;
            }
            if !self.fill()? {
                return Ok(None);
            }
        }
    }

    /// Reads the markup starting at `lt` (a `<`); returns it and the index
    /// just past it, or None if the input ends inside it.
    fn markup(&mut self, lt: usize) -> std::io::Result<Option<(Markup, usize)>> {
        while self.buf.len() < lt + 9 && self.fill()? {}
        let rest = &self.buf[lt..];
        if rest.starts_with(b"<!--") {
            return Ok(self.find_from(lt + 4, b"-->")?.map(|e| (Markup::Other, e)));
        }
        if rest.starts_with(b"<![CDATA[") {
            return Ok(self.find_from(lt + 9, b"]]>")?.map(|e| (Markup::Other, e)));
        }
        if rest.starts_with(b"<?") {
            return Ok(self.find_from(lt + 2, b"?>")?.map(|e| (Markup::Other, e)));
        }
        if rest.starts_with(b"<!") {
            // DOCTYPE, possibly with an internal subset in brackets.
            let mut depth = 0i32;
            let mut i = lt + 2;
            loop {
                while i < self.buf.len() {
                    match self.buf[i] {
                        b'[' => depth += 1,
                        b']' => depth -= 1,
                        b'>' if depth <= 0 => return Ok(Some((Markup::Other, i + 1))),
                        _ => {}
                    }
                    i += 1;
                }
                if !self.fill()? {
                    return Ok(None);
                }
            }
        }
        let Some(end) = self.tag_end(lt + 1)? else {
            return Ok(None);
        };
        let inner = &self.buf[lt + 1..end - 1];
        let (is_end, inner) = match inner.split_first() {
            Some((b'/', rest)) => (true, rest),
            _ => (false, inner),
        };
        let name_len = inner
            .iter()
            .position(|b| b.is_ascii_whitespace() || *b == b'/')
            .unwrap_or(inner.len());
        let name = &inner[..name_len];
        let local = match memchr::memrchr(b':', name) {
            Some(c) => &name[c + 1..],
            None => name,
        }
        .to_vec();
        let markup = if is_end {
            Markup::End { local }
        } else {
            let empty = inner.last() == Some(&b'/');
            Markup::Start { local, empty }
        };
        Ok(Some((markup, end)))
    }

    /// The next `<record>` element, an error for a broken one, or None at
    /// the end of the input.
    pub fn next_raw(&mut self) -> Option<Result<RawRecord, RecordError>> {
        if self.failed {
            return None;
        }
        match self.next_record() {
            Ok(r) => r,
            Err(e) => {
                self.failed = true;
                Some(Err(RecordError {
                    position: Position {
                        record: self.count,
                        offset: self.bytes_read(),
                    },
                    control_number: None,
                    kind: ErrorKind::Io(e.to_string()),
                }))
            }
        }
    }

    fn next_record(&mut self) -> std::io::Result<Option<Result<RawRecord, RecordError>>> {
        // Outside a record: look for a start tag named `record`.
        let start = loop {
            let Some(lt) = self.next_lt(None)? else {
                return Ok(None);
            };
            self.pos = lt;
            self.compact(lt);
            let lt = self.pos;
            let Some((markup, end)) = self.markup(lt)? else {
                self.pos = self.buf.len();
                return Ok(None);
            };
            self.pos = end;
            if let Markup::Start { local, empty } = markup
                && local == b"record"
            {
                if empty {
                    self.count += 1;
                    return Ok(Some(Ok(self.take(lt, end))));
                }
                break lt;
            }
        };
        self.count += 1;
        let position = Position {
            record: self.count,
            offset: self.base + start as u64,
        };
        // Inside: track open elements until the record closes.
        let mut open: Vec<Vec<u8>> = vec![b"record".to_vec()];
        let mut has_fields = false;
        loop {
            if self.pos - start > MAX_RECORD_XML_BYTES {
                return Ok(Some(Err(self.broken(
                    start,
                    self.pos,
                    position,
                    ErrorKind::TooLarge(MAX_RECORD_XML_BYTES),
                ))));
            }
            let Some(lt) = self.next_lt(Some(start))? else {
                let end = self.buf.len();
                let kind = ErrorKind::Xml(format!(
                    "input ends inside <{}>",
                    String::from_utf8_lossy(open.last().map(Vec::as_slice).unwrap_or(b"record"))
                ));
                return Ok(Some(Err(self.broken(start, end, position, kind))));
            };
            let Some((markup, end)) = self.markup(lt)? else {
                let end = self.buf.len();
                let kind = ErrorKind::Xml("input ends inside a tag".into());
                return Ok(Some(Err(self.broken(start, end, position, kind))));
            };
            match markup {
                Markup::Other => self.pos = end,
                Markup::Start { local, empty } => {
                    if local == b"record" && has_fields {
                        // A new record while this one is still open: this one
                        // was never closed. Leave the new one for the next call.
                        self.pos = lt;
                        let kind = ErrorKind::Xml(format!(
                            "unterminated element <{}>",
                            String::from_utf8_lossy(
                                open.last().map(Vec::as_slice).unwrap_or(b"record")
                            )
                        ));
                        return Ok(Some(Err(self.broken(start, lt, position, kind))));
                    }
                    self.pos = end;
                    if matches!(local.as_slice(), b"leader" | b"controlfield" | b"datafield") {
                        has_fields = true;
                    }
                    if !empty {
                        open.push(local);
                    }
                }
                Markup::End { local } => {
                    self.pos = end;
                    if open.last() == Some(&local) {
                        open.pop();
                        if open.is_empty() {
                            return Ok(Some(Ok(self.take(start, end))));
                        }
                    } else if let Some(depth) = open.iter().rposition(|o| *o == local) {
                        let kind = ErrorKind::Xml(format!(
                            "</{}> closes <{}>, which is still open",
                            String::from_utf8_lossy(&local),
                            String::from_utf8_lossy(open.last().map(Vec::as_slice).unwrap_or(b""))
                        ));
                        if depth == 0 {
                            return Ok(Some(Err(self.broken(start, end, position, kind))));
                        }
                        open.truncate(depth);
                        // Record the damage; keep framing to the record's end.
                        let err = self.broken_keep(start, position, kind);
                        // Skip to the end of this record element.
                        return self.skip_rest(open, err).map(Some);
                    } else {
                        // Closes an element opened before the record: the
                        // record itself was never terminated.
                        let kind = ErrorKind::Xml(format!(
                            "unterminated element <{}> (found </{}>)",
                            String::from_utf8_lossy(
                                open.last().map(Vec::as_slice).unwrap_or(b"record")
                            ),
                            String::from_utf8_lossy(&local)
                        ));
                        return Ok(Some(Err(self.broken(start, end, position, kind))));
                    }
                }
            }
        }
    }

    /// After a mismatched end tag: read on until the record's own end tag
    /// (or something that cannot belong to it), then report `err`.
    fn skip_rest(
        &mut self,
        mut open: Vec<Vec<u8>>,
        err: RecordError,
    ) -> std::io::Result<Result<RawRecord, RecordError>> {
        loop {
            let Some(lt) = self.next_lt(None)? else {
                return Ok(Err(err));
            };
            let Some((markup, end)) = self.markup(lt)? else {
                self.pos = self.buf.len();
                return Ok(Err(err));
            };
            match markup {
                Markup::Start { local, .. } if local == b"record" => {
                    self.pos = lt;
                    return Ok(Err(err));
                }
                Markup::Start { local, empty } => {
                    self.pos = end;
                    if !empty {
                        open.push(local);
                    }
                }
                Markup::End { local } => {
                    self.pos = end;
                    match open.iter().rposition(|o| *o == local) {
                        Some(0) => return Ok(Err(err)),
                        Some(d) => open.truncate(d),
                        None => return Ok(Err(err)),
                    }
                }
                Markup::Other => self.pos = end,
            }
        }
    }

    fn take(&mut self, start: usize, end: usize) -> RawRecord {
        let bytes = self.buf[start..end].to_vec();
        let position = Position {
            record: self.count,
            offset: self.base + start as u64,
        };
        self.pos = end;
        self.compact(end);
        RawRecord { position, bytes }
    }

    fn broken(
        &mut self,
        start: usize,
        end: usize,
        position: Position,
        kind: ErrorKind,
    ) -> RecordError {
        let control_number = control_number_in(&self.buf[start..end.min(self.buf.len())]);
        self.pos = end.min(self.buf.len());
        let keep = self.pos;
        self.compact(keep);
        RecordError {
            position,
            control_number,
            kind,
        }
    }

    fn broken_keep(&mut self, start: usize, position: Position, kind: ErrorKind) -> RecordError {
        let control_number = control_number_in(&self.buf[start..self.pos]);
        RecordError {
            position,
            control_number,
            kind,
        }
    }
}

/// Best-effort 001 of a broken record, for the error message.
pub(crate) fn control_number_in(bytes: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(bytes);
    let at = text
        .find("tag=\"001\"")
        .or_else(|| text.find("tag='001'"))?;
    let rest = &text[at..];
    let open = rest.find('>')? + 1;
    let close = rest[open..].find('<')?;
    let value = rest[open..open + close].trim();
    (!value.is_empty()).then(|| value.to_string())
}

//! Cuts an XML stream into one chunk of bytes per `<record>` element.
//!
//! The framer does not tokenize the whole document: it searches (SIMD
//! `memmem`) for the tags named `record`, with or without a namespace prefix,
//! and counts their nesting, which is enough to find a record whatever wraps
//! it (`<collection>`, an OAI-PMH or SRU response). Everything inside a chunk
//! is checked later by the decoder (quick-xml with end-name checks).
//!
//! It resynchronises after a broken record: when a new MARC record starts
//! inside one that already has fields, the open one was never closed; it is
//! reported as an error and reading goes on from the new one. A record cut
//! off by the end of the input is an error too.

use crate::RawRecord;
use crate::error::{ErrorKind, Position, RecordError};
use std::io::BufRead;

/// The largest record element accepted (bytes).
pub const MAX_RECORD_XML_BYTES: usize = 16 << 20;

/// A tag named `record` found in the buffer.
struct RecordTag {
    /// Index of its `<`.
    lt: usize,
    /// Index just past its `>`.
    end: usize,
    kind: TagKind,
}

#[derive(PartialEq)]
enum TagKind {
    Start,
    Empty,
    End,
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

/// A byte of an XML name (without the prefix colon); non-ASCII bytes count.
pub(super) fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.') || b >= 0x80
}

impl<R: BufRead> Framer<R> {
    /// Frames records from `input`.
    pub fn new(input: R) -> Self {
        Framer {
            input,
            buf: Vec::with_capacity(1 << 17),
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

    /// Drops bytes before `keep_from` from the buffer, once enough have
    /// accumulated that moving the rest is cheap by comparison.
    fn compact(&mut self, keep_from: usize) {
        if keep_from >= (1 << 16) && keep_from * 2 >= self.buf.len() {
            self.buf.drain(..keep_from);
            self.base += keep_from as u64;
            self.pos -= keep_from;
        }
    }

    /// Finds the next tag named `record` (start, empty or end) at or after
    /// `self.pos`, reading more input as needed. None at the end of input.
    /// With `discard`, bytes before the search position may be dropped
    /// (outside a record nothing before it is needed again).
    fn next_record_tag(&mut self, discard: bool) -> std::io::Result<Option<RecordTag>> {
        let finder = memchr::memmem::Finder::new(b"record");
        let mut from = self.pos;
        loop {
            let Some(i) = finder.find(&self.buf[from..]).map(|i| from + i) else {
                // Keep a tail that may hold the start of a split tag.
                from = self.buf.len().saturating_sub(64).max(self.pos);
                if discard {
                    self.pos = from;
                    self.compact(from);
                    from = self.pos;
                }
                if !self.fill()? {
                    return Ok(None);
                }
                continue;
            };
            // The word must end the tag name…
            while self.buf.len() < i + 7 && self.fill()? {}
            let after = self.buf.get(i + 6).copied();
            let ends_name = matches!(after, Some(b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r'));
            // …and start it, or follow a namespace prefix.
            let mut j = i;
            if j > 0 && self.buf[j - 1] == b':' {
                j -= 1;
                while j > 0 && is_name_byte(self.buf[j - 1]) {
                    j -= 1;
                }
            }
            let (lt, end_tag) = match (
                j.checked_sub(1).map(|k| self.buf[k]),
                j.checked_sub(2).map(|k| self.buf[k]),
            ) {
                (Some(b'<'), _) => (j - 1, false),
                (Some(b'/'), Some(b'<')) => (j - 2, true),
                _ => (usize::MAX, false),
            };
            if !ends_name || lt == usize::MAX || lt < self.pos {
                from = i + 6;
                continue;
            }
            // Find the end of the tag, respecting quoted attribute values.
            let mut k = i + 6;
            let mut quote = None;
            loop {
                while k < self.buf.len() {
                    let b = self.buf[k];
                    match quote {
                        Some(q) if b == q => quote = None,
                        Some(_) => {}
                        None if b == b'"' || b == b'\'' => quote = Some(b),
                        None if b == b'>' => break,
                        None => {}
                    }
                    k += 1;
                }
                if k < self.buf.len() || !self.fill()? {
                    break;
                }
            }
            if k >= self.buf.len() {
                return Ok(None);
            }
            let kind = if end_tag {
                TagKind::End
            } else if self.buf[k - 1] == b'/' {
                TagKind::Empty
            } else {
                TagKind::Start
            };
            return Ok(Some(RecordTag {
                lt,
                end: k + 1,
                kind,
            }));
        }
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
        // Outside a record: the next start tag named `record`.
        let start = loop {
            let Some(tag) = self.next_record_tag(true)? else {
                self.pos = self.buf.len();
                return Ok(None);
            };
            self.pos = tag.end;
            match tag.kind {
                TagKind::End => continue, // a stray end tag outside any record
                TagKind::Empty => {
                    self.count += 1;
                    return Ok(Some(Ok(self.take(tag.lt, tag.end))));
                }
                TagKind::Start => break tag.lt,
            }
        };
        self.count += 1;
        let position = Position {
            record: self.count,
            offset: self.base + start as u64,
        };
        let mut depth = 1usize;
        loop {
            if self.pos - start > MAX_RECORD_XML_BYTES {
                let end = self.pos;
                return Ok(Some(Err(self.broken(
                    start,
                    end,
                    position,
                    ErrorKind::TooLarge(MAX_RECORD_XML_BYTES),
                ))));
            }
            let Some(tag) = self.next_record_tag(false)? else {
                let end = self.buf.len();
                let kind = ErrorKind::Xml("input ends inside <record>".into());
                return Ok(Some(Err(self.broken(start, end, position, kind))));
            };
            match tag.kind {
                TagKind::Empty => self.pos = tag.end,
                TagKind::Start => {
                    let so_far = &self.buf[start..tag.lt];
                    let has_fields = [&b"leader"[..], b"controlfield", b"datafield"]
                        .iter()
                        .any(|n| memchr::memmem::find(so_far, n).is_some());
                    if has_fields {
                        // A new record while this one is still open: this one
                        // was never closed. Leave the new one for the next call.
                        let kind = ErrorKind::Xml(
                            "unterminated element: a new <record> starts before </record>".into(),
                        );
                        let lt = tag.lt;
                        return Ok(Some(Err(self.broken(start, lt, position, kind))));
                    }
                    // A record nested in a wrapper's record (OAI-PMH).
                    depth += 1;
                    self.pos = tag.end;
                }
                TagKind::End => {
                    self.pos = tag.end;
                    depth -= 1;
                    if depth == 0 {
                        return Ok(Some(Ok(self.take(start, tag.end))));
                    }
                }
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
        let end = end.min(self.buf.len());
        let control_number = control_number_in(&self.buf[start..end]);
        self.pos = end;
        self.compact(end);
        RecordError {
            position,
            control_number,
            kind,
        }
    }
}

/// Best-effort 001 of a broken record, for the error message.
pub(crate) fn control_number_in(bytes: &[u8]) -> Option<String> {
    let at = memchr::memmem::find(bytes, b"tag=\"001\"")
        .or_else(|| memchr::memmem::find(bytes, b"tag='001'"))?;
    let rest = &bytes[at..];
    let open = memchr::memchr(b'>', rest)? + 1;
    let close = memchr::memchr(b'<', &rest[open..])?;
    let value = String::from_utf8_lossy(&rest[open..open + close])
        .trim()
        .to_string();
    (!value.is_empty()).then_some(value)
}

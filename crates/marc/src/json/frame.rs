//! Cuts a MARC-in-JSON stream into one top-level object per record.

use crate::RawRecord;
use crate::error::{ErrorKind, Position, RecordError};
use std::io::BufRead;

/// The largest JSON object accepted as one record (bytes).
pub const MAX_RECORD_JSON_BYTES: usize = 16 << 20;

/// Frames top-level JSON objects: inside an array, one per line, or
/// concatenated.
pub struct Framer<R> {
    input: R,
    offset: u64,
    count: u64,
    done: bool,
}

impl<R: BufRead> Framer<R> {
    /// Frames records from `input`.
    pub fn new(input: R) -> Self {
        Framer {
            input,
            offset: 0,
            count: 0,
            done: false,
        }
    }

    /// Bytes consumed so far.
    pub fn bytes_read(&self) -> u64 {
        self.offset
    }

    fn peek(&mut self) -> std::io::Result<Option<u8>> {
        loop {
            match self.input.fill_buf() {
                Ok(b) => return Ok(b.first().copied()),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    fn error(&self, position: Position, kind: ErrorKind) -> RecordError {
        RecordError {
            position,
            control_number: None,
            kind,
        }
    }

    /// The next object, an error for text that is not one, or None at the end.
    pub fn next_raw(&mut self) -> Option<Result<RawRecord, RecordError>> {
        if self.done {
            return None;
        }
        match self.next_inner() {
            Ok(r) => r,
            Err(e) => {
                self.done = true;
                let position = Position {
                    record: self.count,
                    offset: self.offset,
                };
                Some(Err(self.error(position, ErrorKind::Io(e.to_string()))))
            }
        }
    }

    fn next_inner(&mut self) -> std::io::Result<Option<Result<RawRecord, RecordError>>> {
        // Between records: whitespace and the array's punctuation.
        loop {
            match self.peek()? {
                None => {
                    self.done = true;
                    return Ok(None);
                }
                Some(b' ' | b'\t' | b'\r' | b'\n' | b'[' | b']' | b',' | 0xEF | 0xBB | 0xBF) => {
                    self.input.consume(1);
                    self.offset += 1;
                }
                Some(b'{') => break,
                Some(_) => {
                    // Not JSON we understand: report it once and skip to the
                    // next object.
                    self.count += 1;
                    let position = Position {
                        record: self.count,
                        offset: self.offset,
                    };
                    let mut skipped = 0usize;
                    while let Some(b) = self.peek()? {
                        if b == b'{' {
                            break;
                        }
                        self.input.consume(1);
                        skipped += 1;
                    }
                    self.offset += skipped as u64;
                    return Ok(Some(Err(self.error(
                        position,
                        ErrorKind::Json(format!(
                            "{skipped} bytes of text that is not a JSON object"
                        )),
                    ))));
                }
            }
        }
        self.count += 1;
        let position = Position {
            record: self.count,
            offset: self.offset,
        };
        let mut bytes = Vec::with_capacity(4096);
        let mut depth = 0usize;
        let mut in_string = false;
        let mut escaped = false;
        let mut too_large = false;
        loop {
            let buf = loop {
                match self.input.fill_buf() {
                    Ok(b) => break b,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                }
            };
            if buf.is_empty() {
                self.done = true;
                return Ok(Some(Err(self.error(
                    position,
                    ErrorKind::Json("input ends inside a JSON object".into()),
                ))));
            }
            let mut end = None;
            let mut i = 0;
            while i < buf.len() {
                if in_string {
                    // Most of a record is inside strings: jump to the next
                    // quote or backslash.
                    if escaped {
                        escaped = false;
                        i += 1;
                        continue;
                    }
                    match memchr::memchr2(b'"', b'\\', &buf[i..]) {
                        None => i = buf.len(),
                        Some(k) => {
                            i += k;
                            if buf[i] == b'\\' {
                                escaped = true;
                            } else {
                                in_string = false;
                            }
                            i += 1;
                        }
                    }
                    continue;
                }
                match buf[i] {
                    b'"' => in_string = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            end = Some(i + 1);
                            break;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            let take = end.unwrap_or(buf.len());
            if !too_large {
                if bytes.len() + take > MAX_RECORD_JSON_BYTES {
                    too_large = true;
                    bytes = Vec::new();
                } else {
                    bytes.extend_from_slice(&buf[..take]);
                }
            }
            self.input.consume(take);
            self.offset += take as u64;
            if end.is_some() {
                if too_large {
                    return Ok(Some(Err(
                        self.error(position, ErrorKind::TooLarge(MAX_RECORD_JSON_BYTES))
                    )));
                }
                return Ok(Some(Ok(RawRecord { position, bytes })));
            }
        }
    }
}

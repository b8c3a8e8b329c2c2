//! ISO 2709 ("binary MARC", MARC 21 transmission format).
//!
//! Reading is split in two so that callers can parallelise: a [`Framer`] cuts
//! the byte stream into raw records at the record terminator (cheap,
//! sequential), and [`decode`] turns one raw record into a [`Record`](crate::Record) (the
//! costly part, safe to run on many threads). [`crate::Reader`] joins both for
//! the common one-thread case.
//!
//! Framing uses the record terminator (0x1D) rather than the length in the
//! leader: lengths are often wrong in the wild, and a wrong length must not
//! desynchronise every following record. The directory is then checked
//! against the framed bytes.

mod decode;
mod write;

pub use decode::{decode, decode_with_warnings};
pub use write::{Writer, write_record};

use crate::RawRecord;
use crate::error::{ErrorKind, Position, RecordError};
use std::io::BufRead;

/// Record terminator.
pub const RECORD_TERMINATOR: u8 = 0x1D;
/// Field terminator.
pub const FIELD_TERMINATOR: u8 = 0x1E;
/// Subfield delimiter.
pub const SUBFIELD_DELIMITER: u8 = 0x1F;

/// The longest raw record the framer accepts before giving up on finding a
/// terminator (ISO 2709 itself cannot express more than 99 999 bytes).
pub const MAX_RECORD_BYTES: usize = 1 << 20;

/// Cuts an ISO 2709 stream into raw records at the record terminator, holding
/// at most one record in memory.
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

    /// The next raw record, an error for a record that could not be framed
    /// (too large, truncated at end of input), or `None` at the end.
    pub fn next_raw(&mut self) -> Option<Result<RawRecord, RecordError>> {
        if self.done {
            return None;
        }
        match self.skip_separators() {
            Ok(true) => {}
            Ok(false) => {
                self.done = true;
                return None;
            }
            Err(e) => return Some(Err(self.io_error(e))),
        }
        self.count += 1;
        let position = Position {
            record: self.count,
            offset: self.offset,
        };
        let mut bytes = Vec::with_capacity(2048);
        match read_record(&mut self.input, &mut bytes) {
            Ok(Framed::Complete(consumed)) => {
                self.offset += consumed as u64;
                Some(Ok(RawRecord { position, bytes }))
            }
            Ok(Framed::Eof(consumed)) => {
                self.offset += consumed as u64;
                self.done = true;
                Some(Err(RecordError {
                    position,
                    control_number: decode::control_number_of(&bytes),
                    kind: ErrorKind::Truncated { got: consumed },
                }))
            }
            Ok(Framed::TooLarge(consumed)) => {
                self.offset += consumed as u64;
                Some(Err(RecordError {
                    position,
                    control_number: None,
                    kind: ErrorKind::TooLarge(MAX_RECORD_BYTES),
                }))
            }
            Err(e) => Some(Err(self.io_error(e))),
        }
    }

    /// Bytes consumed so far.
    pub fn bytes_read(&self) -> u64 {
        self.offset
    }

    fn io_error(&mut self, e: std::io::Error) -> RecordError {
        self.done = true;
        RecordError {
            position: Position {
                record: self.count,
                offset: self.offset,
            },
            control_number: None,
            kind: ErrorKind::Io(e.to_string()),
        }
    }

    /// Skips newlines, NULs and DOS end-of-file marks that some exporters put
    /// between records. Returns false at the end of input.
    fn skip_separators(&mut self) -> std::io::Result<bool> {
        loop {
            let buf = match self.input.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if buf.is_empty() {
                return Ok(false);
            }
            let skip = buf
                .iter()
                .take_while(|&&b| matches!(b, b'\n' | b'\r' | 0 | 0x1A | b' ' | b'\t'))
                .count();
            let found = skip < buf.len();
            self.input.consume(skip);
            self.offset += skip as u64;
            if found {
                return Ok(true);
            }
        }
    }
}

enum Framed {
    Complete(usize),
    Eof(usize),
    TooLarge(usize),
}

/// Reads up to and including the next record terminator into `out`. Past
/// [`MAX_RECORD_BYTES`] it stops storing and skips to the terminator.
fn read_record<R: BufRead>(input: &mut R, out: &mut Vec<u8>) -> std::io::Result<Framed> {
    let mut consumed = 0usize;
    let mut overflow = false;
    loop {
        let buf = match input.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            return Ok(if overflow {
                Framed::TooLarge(consumed)
            } else {
                Framed::Eof(consumed)
            });
        }
        let (take, found) = match memchr::memchr(RECORD_TERMINATOR, buf) {
            Some(i) => (i + 1, true),
            None => (buf.len(), false),
        };
        if !overflow {
            if out.len() + take > MAX_RECORD_BYTES {
                overflow = true;
                out.clear();
            } else {
                out.extend_from_slice(&buf[..take]);
            }
        }
        input.consume(take);
        consumed += take;
        if found {
            return Ok(if overflow {
                Framed::TooLarge(consumed)
            } else {
                Framed::Complete(consumed)
            });
        }
    }
}

#[cfg(test)]
mod tests;

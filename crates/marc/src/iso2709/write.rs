//! [`Record`] → ISO 2709, always UTF-8 (leader/09 `a`).

use super::{FIELD_TERMINATOR, RECORD_TERMINATOR, SUBFIELD_DELIMITER};
use crate::error::WriteError;
use crate::record::{Field, Record};
use std::io::Write;

/// Appends one record in ISO 2709 to `out`, recomputing the record length,
/// base address and directory, and setting leader/09 to `a` (UTF-8).
pub fn write_record(record: &Record, out: &mut Vec<u8>) -> Result<(), WriteError> {
    let mut data: Vec<u8> = Vec::with_capacity(1024);
    let mut directory: Vec<u8> = Vec::with_capacity(record.fields.len() * 12 + 1);
    for field in &record.fields {
        let start = data.len();
        match field {
            Field::Control { value, .. } => data.extend_from_slice(value.as_bytes()),
            Field::Data(d) => {
                push_char(&mut data, d.indicators.first);
                push_char(&mut data, d.indicators.second);
                for s in &d.subfields {
                    data.push(SUBFIELD_DELIMITER);
                    push_char(&mut data, s.code);
                    data.extend_from_slice(s.value.as_bytes());
                }
            }
        }
        data.push(FIELD_TERMINATOR);
        let len = data.len() - start;
        if len > 9999 {
            return Err(WriteError::FieldTooLong {
                tag: field.tag().to_string(),
                len,
            });
        }
        directory.extend_from_slice(&field.tag().0);
        push_digits::<4>(&mut directory, len);
        push_digits::<5>(&mut directory, start);
    }
    directory.push(FIELD_TERMINATOR);
    let base = 24 + directory.len();
    let total = base + data.len() + 1;
    if total > 99_999 {
        return Err(WriteError::RecordTooLong(total));
    }
    let mut leader = record.leader;
    leader.0[0..5].copy_from_slice(&digits::<5>(total));
    leader.0[9] = b'a';
    leader.0[10] = b'2';
    leader.0[11] = b'2';
    leader.0[12..17].copy_from_slice(&digits::<5>(base));
    leader.0[20..24].copy_from_slice(b"4500");
    out.reserve(total);
    out.extend_from_slice(&leader.0);
    out.extend_from_slice(&directory);
    out.extend_from_slice(&data);
    out.push(RECORD_TERMINATOR);
    Ok(())
}

/// `n` as exactly `N` ASCII digits, zero-padded (callers check the range).
fn digits<const N: usize>(mut n: usize) -> [u8; N] {
    let mut out = [b'0'; N];
    for slot in out.iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        n /= 10;
    }
    out
}

fn push_digits<const N: usize>(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(&digits::<N>(n));
}

fn push_char(out: &mut Vec<u8>, c: char) {
    let mut buf = [0u8; 4];
    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
}

/// Writes records as ISO 2709 to any [`Write`].
pub struct Writer<W> {
    out: W,
    buf: Vec<u8>,
}

impl<W: Write> Writer<W> {
    /// Writes to `out`.
    pub fn new(out: W) -> Self {
        Writer {
            out,
            buf: Vec::with_capacity(4096),
        }
    }

    /// Writes one record.
    pub fn write(&mut self, record: &Record) -> Result<(), WriteError> {
        self.buf.clear();
        write_record(record, &mut self.buf)?;
        self.out.write_all(&self.buf)?;
        Ok(())
    }

    /// Flushes and returns the output.
    pub fn finish(mut self) -> Result<W, WriteError> {
        self.out.flush()?;
        Ok(self.out)
    }
}

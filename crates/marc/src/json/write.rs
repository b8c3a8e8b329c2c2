//! [`Record`] → MARC-in-JSON.

use crate::error::WriteError;
use crate::record::{Field, Record};
use serde_json::{Map, Value, json};
use std::io::Write;

/// The record as a MARC-in-JSON value (leader/09 set to `a`).
pub fn to_value(record: &Record) -> Value {
    let mut leader = record.leader;
    leader.0[9] = b'a';
    // Stray control bytes in a binary leader cannot be read back.
    for b in &mut leader.0 {
        if !b.is_ascii_graphic() {
            *b = b' ';
        }
    }
    let fields: Vec<Value> = record
        .fields
        .iter()
        .map(|f| {
            let mut m = Map::with_capacity(1);
            match f {
                Field::Control { tag, value } => {
                    m.insert(tag.to_string(), Value::String(value.clone()));
                }
                Field::Data(d) => {
                    let subfields: Vec<Value> = d
                        .subfields
                        .iter()
                        .map(|s| {
                            let mut sm = Map::with_capacity(1);
                            sm.insert(s.code.to_string(), Value::String(s.value.clone()));
                            Value::Object(sm)
                        })
                        .collect();
                    m.insert(
                        d.tag.to_string(),
                        json!({
                            "ind1": d.indicators.first.to_string(),
                            "ind2": d.indicators.second.to_string(),
                            "subfields": subfields,
                        }),
                    );
                }
            }
            Value::Object(m)
        })
        .collect();
    json!({ "leader": leader.as_str(), "fields": fields })
}

/// Appends one record as a compact JSON object to `out`.
pub fn write_record(record: &Record, out: &mut Vec<u8>) {
    // Serialising a Value into a Vec cannot fail.
    let _ = serde_json::to_writer(out, &to_value(record));
}

/// How several records are put together.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Container {
    /// A JSON array, as pymarc writes (one valid JSON document).
    #[default]
    Array,
    /// One record per line (NDJSON), as MARC::File::MiJ writes.
    Lines,
}

/// Writes records as MARC-in-JSON to any [`Write`].
pub struct Writer<W: Write> {
    out: W,
    container: Container,
    count: u64,
    buf: Vec<u8>,
}

impl<W: Write> Writer<W> {
    /// Writes to `out` in the given container.
    pub fn new(out: W, container: Container) -> Self {
        Writer {
            out,
            container,
            count: 0,
            buf: Vec::with_capacity(8192),
        }
    }

    /// Writes one record.
    pub fn write(&mut self, record: &Record) -> Result<(), WriteError> {
        self.buf.clear();
        match (self.container, self.count) {
            (Container::Array, 0) => self.buf.extend_from_slice(b"[\n"),
            (Container::Array, _) => self.buf.extend_from_slice(b",\n"),
            (Container::Lines, _) => {}
        }
        write_record(record, &mut self.buf);
        if self.container == Container::Lines {
            self.buf.push(b'\n');
        }
        self.out.write_all(&self.buf)?;
        self.count += 1;
        Ok(())
    }

    /// Closes the array, flushes, and returns the output.
    pub fn finish(mut self) -> Result<W, WriteError> {
        if self.container == Container::Array {
            self.out
                .write_all(if self.count == 0 { b"[]\n" } else { b"\n]\n" })?;
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

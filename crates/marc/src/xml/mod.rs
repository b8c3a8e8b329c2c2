//! MARCXML (the MARC 21 slim schema, `http://www.loc.gov/MARC21/slim`).
//!
//! As for ISO 2709, reading is a cheap sequential [`Framer`] that cuts the
//! stream into `<record>` elements and a [`decode`] step that can run on many
//! threads; [`crate::Reader`] joins them. Records may sit in a `<collection>`, stand
//! alone, or be wrapped in an OAI-PMH or SRU response; the default namespace,
//! any prefix (`marc:`), or none are all read. Entities other than XML's five
//! predefined ones are refused, never expanded.

mod decode;
mod fast;
mod frame;
mod write;

pub(crate) use decode::parse_leader;
pub use decode::{decode, decode_with_warnings};
pub use frame::{Framer, MAX_RECORD_XML_BYTES};
pub use write::{MARCXML_NAMESPACE, Writer, write_record};

#[cfg(test)]
mod tests;

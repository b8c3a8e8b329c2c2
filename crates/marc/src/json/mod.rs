//! MARC-in-JSON (Ross Singer's 2010 proposal, as written by pymarc, yaz,
//! MARC::File::MiJ and ruby-marc).
//!
//! Three containers are seen in the wild and all are read: a JSON array of
//! records (pymarc), one record per line (MARC::File::MiJ, Catmandu), and
//! records simply concatenated (yaz-marcdump). The [`Framer`] finds each
//! top-level object by brace matching, so one malformed object is one
//! record error and the next object still loads.

mod decode;
mod fast;
mod frame;
mod write;

pub use decode::{decode, decode_with_warnings};
pub use frame::{Framer, MAX_RECORD_JSON_BYTES};
pub use write::{Container, Writer, to_value, write_record};

#[cfg(test)]
mod tests;

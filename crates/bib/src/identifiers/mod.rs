//! Identifiers as types: parse at the edge, compare normalised values only.

mod isbn;
mod issn;
mod lccn;
mod oclc;

pub use isbn::Isbn13;
pub use issn::Issn;
pub use lccn::Lccn;
pub use oclc::OclcNumber;

//! The normalised bibliographic description of a MARC record.
//!
//! This crate owns what a record *means* for a union catalog: a
//! [`BibRecord`] with display fields (title, authors, publisher, year,
//! edition, extent, format, language, subjects, classification), folded keys
//! for matching and sorting, and typed identifiers ([`Isbn13`], [`Issn`],
//! [`OclcNumber`], [`Lccn`]) that can only hold valid, normalised values. It
//! also reads holdings through the presets real exports use
//! ([`HoldingsMapping`]) and sums them up per record.
//!
//! It is pure: no I/O, no clock, no randomness. It does not decide whether
//! two records are the same manifestation (that is `unicat-match`, which reads
//! only the getters here, never raw MARC).
//!
//! Start from [`BibRecord::from_marc`].
//!
//! ```
//! use unicat_bib::{BibRecord, Isbn13};
//! use unicat_marc::{Format, Reader};
//! let xml = br#"<record><leader>00000cam a2200000 a 4500</leader>
//!   <datafield tag="020" ind1=" " ind2=" "><subfield code="a">0-940787-08-3 (pbk.)</subfield></datafield>
//!   <datafield tag="245" ind1="1" ind2="4"><subfield code="a">The title :</subfield><subfield code="b">a novel /</subfield></datafield>
//! </record>"#;
//! let record = Reader::new(&xml[..], Format::MarcXml).next().unwrap().unwrap();
//! let bib = BibRecord::from_marc(&record);
//! assert_eq!(bib.title, "The title");
//! assert_eq!(bib.title_key, "title a novel");
//! assert_eq!(bib.isbns[0].isbn, Isbn13::parse("9780940787087").unwrap());
//! ```

mod date;
pub mod fold;
pub mod folio;
mod format;
mod hash;
pub mod holdings;
mod identifiers;
mod kind;
mod record;

pub use date::{copyright_year_from_008, year_from_008, year_in, years_in};
pub use format::{MaterialFormat, detect as detect_format, is_online};
pub use hash::content_hash;
pub use holdings::{
    Availability, Coverage, CoverageVerdict, HoldingsMapping, HoldingsRecord, HoldingsStatement,
    HoldingsSummary, Item, StatementKind, summarize,
};
pub use identifiers::{Isbn13, Issn, Lccn, OclcNumber};
pub use kind::RecordKind;
pub use record::{BibRecord, Extent, IsbnEntry, parse_extent};

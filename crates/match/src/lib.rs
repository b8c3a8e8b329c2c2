//! Manifestation matching: which library records describe the same thing.
//!
//! Records from different libraries that describe the same manifestation —
//! same work, same edition, same format and carrier, same volume — form one
//! cluster; other editions, large print, audiobooks, e-books, other volumes
//! and translations stay apart, even when careless cataloguing gives them a
//! shared ISBN. Precision comes first.
//!
//! The crate is pure: no I/O. It reads only the bibliographic crate's
//! getters ([`Manifestation::from_bib`]), never raw MARC.
//!
//! - **Candidates** come from shared [keys]: OCLC number, ISBN-13, LCCN,
//!   ISSN, and a title key (the first words of the folded title with the
//!   main author's surname, or the year when there is no author).
//!   Identifiers that many unrelated records carry (set ISBNs, reused ISBNs)
//!   stop being keys.
//! - **Guards** ([`guards::GUARDS`]) each can veto a candidate pair:
//!   format, year, edition, part/volume, language, ISSN, completeness (a
//!   bare record never matches a full one), pages, author, publisher (when
//!   no identifier is shared) and title (even when one is).
//! - **Clusters** ([`Clustering`]) grow one record at a time by complete
//!   linkage (groups of records that share no key are placed in parallel),
//!   and each join records the keys it shares; [`compare`] gives the full
//!   [`MatchEvidence`] of any pair.
//! - **Ids** ([`ClusterId`]) are stable.
//!
//! ```
//! use unicat_match::{Manifestation, compare};
//! # fn m(t: &str, isbn: &str, format: unicat_bib::MaterialFormat) -> Manifestation {
//! #   let mut b = unicat_bib::BibRecord::default();
//! #   b.title = t.into(); b.year = Some(2001); b.author_key = Some("smith".into());
//! #   b.publisher = Some("Penguin".into()); b.format = format;
//! #   b.isbns = vec![unicat_bib::IsbnEntry { isbn: unicat_bib::Isbn13::parse(isbn).unwrap(), qualifier: None }];
//! #   Manifestation::from_bib(&b)
//! # }
//! use unicat_bib::MaterialFormat::{Book, Ebook};
//! let print = m("A history of Rome", "0940787083", Book);
//! let ebook = m("A history of Rome", "0940787083", Ebook);
//! let evidence = compare(&print, &ebook);
//! assert!(!evidence.is_match());
//! assert_eq!(evidence.vetoes().next().unwrap().guard, "format");
//! ```

mod cluster;
mod decide;
mod evidence;
mod features;
pub mod guards;
mod ids;
pub mod keys;
pub mod quality;
pub mod similarity;

pub use cluster::{ClusterBuild, Clustering, Join, cluster_all};
pub use decide::{compare, compatible, explain, passes};
pub use evidence::{GuardCheck, MatchEvidence, SharedKey, Verdict};
pub use features::{
    Manifestation, VIEW_VERSION, edition_key, part_key, publisher_words, title_key,
};
pub use ids::ClusterId;
pub use keys::KeyIndex;

#[cfg(test)]
mod tests;

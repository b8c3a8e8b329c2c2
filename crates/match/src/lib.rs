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
//! - **Candidates** come from shared [keys]: OCLC numbers (merged ones
//!   too), ISBN-13, LCCN, ISSN, and title keys (the beginning of the folded
//!   title with each name the record gives, a name with the year, or the
//!   title with the year when it names nobody). Identifiers that many
//!   unrelated records carry (set ISBNs, reused ISBNs) stop being keys.
//! - **Comparisons** ([`comparisons::COMPARISONS`]) weigh the evidence of a
//!   candidate pair, Fellegi–Sunter style ([`weights`]): identifiers,
//!   title (forgiving typing slips), every name, years, publisher, pages,
//!   host item each agree, nearly agree, disagree, or are missing on one
//!   side — which is no evidence either way. A pair whose weights reach
//!   [`weights::THRESHOLD`] is a match; a shared OCLC number is decisive.
//!   A few differences veto a pair whatever else agrees: format or carrier,
//!   edition, volume or part, language, two different OCLC numbers, and a
//!   generic title ("Annual report") with nothing to back it.
//! - **Clusters** ([`Clustering`]) grow one record at a time by complete
//!   linkage: a record joins a cluster when it matches one member and no
//!   other member is strong evidence against it (groups of records that
//!   share no key are placed in parallel); each join records the keys it
//!   shares, and [`compare`] gives the full [`MatchEvidence`] of any pair:
//!   every comparison with its verdict and weight.
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
pub mod comparisons;
mod decide;
mod evidence;
mod features;
mod ids;
pub mod keys;
pub mod quality;
pub mod similarity;
pub mod weights;
pub mod works;

pub use cluster::{ClusterBuild, Clustering, Join, cluster_all};
pub use decide::{Decision, compare, compatible, decide, explain, passes};
pub use evidence::{GuardCheck, MatchEvidence, SharedKey, Verdict};
pub use features::{
    Manifestation, VIEW_VERSION, edition_key, is_generic_title, name_key, part_key,
    publisher_words, split_part, statement_surnames, title_key,
};
pub use ids::ClusterId;
pub use keys::KeyIndex;

#[cfg(test)]
mod tests;

//! How much each comparison counts: weights of evidence, in bits.
//!
//! Matching follows the Fellegi–Sunter model of record linkage: each field
//! compared gives a level of agreement (agree, close, disagree, missing),
//! and each level a weight — the log₂ of how much likelier that level is
//! between two records of one manifestation (the m probability) than
//! between two records of different manifestations that share a candidate
//! key (the u probability). The weights add up; a pair whose total reaches
//! [`THRESHOLD`] is a match. A field that one record lacks weighs nothing:
//! absence is no evidence either way.
//!
//! The weights are fixed here rather than re-estimated from each network
//! (as Splink and fastLink do with EM) so that a decision is the same in
//! every network and every harvest: cluster ids must stay stable, and a
//! librarian reading the evidence of a merge must be able to check it
//! against this page. They were set from the chance agreement of each
//! field among unrelated records of the Library of Congress corpus and
//! checked on three networks made outside the project (BENCHMARKS.md,
//! "Matching quality").
//!
//! Some differences are decisive and veto a pair whatever else agrees
//! (format or carrier, edition, volume or part, language, two different
//! OCLC numbers, a generic title with nothing to back it); a shared OCLC
//! number is decisive the other way: only a veto overrules it.

/// The total a pair needs to be a match. Above a title and a year alone
/// (7 + 3 = 10: a bare record with a date is not enough), reached by a
/// title with a date and a publisher, or with an identifier.
pub const THRESHOLD: f32 = 11.0;

/// A comparison at or below this weight is evidence strong enough to keep
/// a record out of a cluster however well it matches another member
/// (complete linkage): a different title, year, ISBN, ISSN or host item.
pub const STRONGLY_AGAINST: f32 = -7.0;

/// Shared ISBN (not one qualified as a set's).
pub const ISBN_SHARED: f32 = 10.0;
/// Both have their own ISBNs and none is shared: a hardcover and a
/// paperback, two national editions.
pub const ISBN_DIFFERENT: f32 = -9.0;
/// Same LCCN.
pub const LCCN_SHARED: f32 = 7.0;
/// Different LCCNs.
pub const LCCN_DIFFERENT: f32 = -5.0;
/// Shared ISSN.
pub const ISSN_SHARED: f32 = 7.0;
/// Both have ISSNs and none is shared.
pub const ISSN_DIFFERENT: f32 = -9.0;
/// Shared OCLC number: decisive (shown with this weight).
pub const OCLC_SHARED: f32 = 20.0;

/// Title and subtitle the same.
pub const TITLE_SAME: f32 = 7.0;
/// Same title, subtitle missing on one side or folded into the title.
pub const TITLE_SUBTITLE_DIFFERS: f32 = 6.0;
/// Nearly the same title: a typing slip or two, a missing space.
pub const TITLE_CLOSE: f32 = 4.0;
/// Different titles: nearly decisive. Shared identifiers alone do not make
/// up for it (an ISBN or an LCCN printed in several books must not glue
/// them); a shared OCLC number does.
pub const TITLE_DIFFERENT: f32 = -20.0;
/// A generic title that agrees ("Annual report"): it says next to nothing.
pub const TITLE_GENERIC: f32 = 1.0;

/// A name in common (main or added entry, or statement of responsibility).
pub const NAMES_AGREE: f32 = 4.0;
/// Both have main or added entries and none is shared.
pub const NAMES_DIFFER: f32 = -6.0;
/// One side names people only in its statement of responsibility, and
/// none of them is among the other's names.
pub const NAMES_UNCONFIRMED: f32 = -1.0;

/// A year in common (imprint, copyright or 008 date).
pub const YEAR_AGREE: f32 = 3.0;
/// Years one apart (copyright against publication year, a printing).
pub const YEAR_CLOSE: f32 = -1.0;
/// Years further apart.
pub const YEAR_DIFFERENT: f32 = -7.0;

/// A publisher word in common.
pub const PUBLISHER_AGREE: f32 = 2.0;
/// Different publishers, with no identifier shared (with one, imprints
/// and co-publishers differ freely): strong evidence against, since a
/// reprint by another publisher often keeps the title, the author, the
/// year and even the paging (Grosset & Dunlap's reprints of Appleton).
pub const PUBLISHER_DIFFERENT: f32 = -7.0;

/// Page counts within 10 pages or 15 %.
pub const PAGES_AGREE: f32 = 2.0;
/// Page counts further apart.
pub const PAGES_DIFFERENT: f32 = -5.0;

/// Same host item (773), for component parts.
pub const HOST_AGREE: f32 = 3.0;
/// Different host items: two articles in two issues.
pub const HOST_DIFFERENT: f32 = -10.0;

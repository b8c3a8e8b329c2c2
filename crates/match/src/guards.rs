//! Guards: each a small named rule that can keep two candidate records
//! apart. A pair that shares a key is merged only if no guard vetoes it.
//! Precision comes first: an interlibrary-loan request sent for the wrong
//! edition costs a librarian more than a missed merge.

use crate::evidence::Verdict;
use crate::features::Manifestation;
use crate::similarity::{TitleAgreement, authors_agree, publishers_agree, titles};

/// One rule. `strong` is true when the pair shares an identifier (ISBN,
/// OCLC number, LCCN, ISSN) rather than only a title key.
pub trait Guard: Sync {
    /// A short name for the evidence (`format`, `year`…).
    fn name(&self) -> &'static str;
    /// The verdict on a pair.
    fn check(&self, a: &Manifestation, b: &Manifestation, strong: bool) -> Verdict;
    /// The values compared, in words, for the evidence.
    fn detail(&self, a: &Manifestation, b: &Manifestation) -> String;
}

fn show<T: std::fmt::Display>(v: &Option<T>) -> String {
    v.as_ref()
        .map(|x| x.to_string())
        .unwrap_or_else(|| "none".into())
}

/// Different format or carrier: a large-print edition, an e-book, an
/// audiobook is not the printed book, even with the same ISBN.
pub struct FormatGuard;
impl Guard for FormatGuard {
    fn name(&self) -> &'static str {
        "format"
    }
    fn check(&self, a: &Manifestation, b: &Manifestation, _: bool) -> Verdict {
        if a.format == b.format {
            Verdict::Pass
        } else {
            Verdict::Veto
        }
    }
    fn detail(&self, a: &Manifestation, b: &Manifestation) -> String {
        format!("{} / {}", a.format.code(), b.format.code())
    }
}

/// Different edition statements. A second (or revised) edition never
/// merges with a record that states none, since the first edition usually
/// states none; a stated first edition may.
pub struct EditionGuard;
impl Guard for EditionGuard {
    fn name(&self) -> &'static str {
        "edition"
    }
    fn check(&self, a: &Manifestation, b: &Manifestation, _: bool) -> Verdict {
        match (&a.edition, &b.edition) {
            (None, None) => Verdict::NotApplicable,
            (Some(x), Some(y)) if x == y => Verdict::Pass,
            (Some(_), Some(_)) => Verdict::Veto,
            (Some(e), None) | (None, Some(e)) => {
                if e == "1" {
                    Verdict::Pass
                } else {
                    Verdict::Veto
                }
            }
        }
    }
    fn detail(&self, a: &Manifestation, b: &Manifestation) -> String {
        format!("{} / {}", show(&a.edition), show(&b.edition))
    }
}

/// Different years of publication, when both records have one.
pub struct YearGuard;
impl Guard for YearGuard {
    fn name(&self) -> &'static str {
        "year"
    }
    fn check(&self, a: &Manifestation, b: &Manifestation, _: bool) -> Verdict {
        match (a.year, b.year) {
            (Some(x), Some(y)) if x == y => Verdict::Pass,
            (Some(_), Some(_)) => Verdict::Veto,
            _ => Verdict::NotApplicable,
        }
    }
    fn detail(&self, a: &Manifestation, b: &Manifestation) -> String {
        format!("{} / {}", show(&a.year), show(&b.year))
    }
}

/// Different volume or part (245 $n/$p; 490 $v when both have one), or a
/// multi-volume set against a single volume.
pub struct PartGuard;
impl Guard for PartGuard {
    fn name(&self) -> &'static str {
        "part"
    }
    fn check(&self, a: &Manifestation, b: &Manifestation, _: bool) -> Verdict {
        if a.part != b.part {
            return Verdict::Veto;
        }
        if let (Some(x), Some(y)) = (&a.series_number, &b.series_number)
            && x != y
        {
            return Verdict::Veto;
        }
        match (a.volumes, b.volumes) {
            (Some(x), Some(y)) if x != y => return Verdict::Veto,
            (Some(_), None) | (None, Some(_)) => return Verdict::Veto,
            _ => {}
        }
        if a.part.is_none()
            && a.series_number.is_none()
            && b.series_number.is_none()
            && a.volumes.is_none()
        {
            Verdict::NotApplicable
        } else {
            Verdict::Pass
        }
    }
    fn detail(&self, a: &Manifestation, b: &Manifestation) -> String {
        let one = |m: &Manifestation| {
            format!(
                "part {}, series no. {}, volumes {}",
                show(&m.part),
                show(&m.series_number),
                show(&m.volumes)
            )
        };
        format!("{} / {}", one(a), one(b))
    }
}

/// Page counts far apart (more than 10 pages and 15 %).
pub struct PagesGuard;
impl Guard for PagesGuard {
    fn name(&self) -> &'static str {
        "pages"
    }
    fn check(&self, a: &Manifestation, b: &Manifestation, _: bool) -> Verdict {
        match (a.pages, b.pages) {
            (Some(x), Some(y)) => {
                let diff = x.abs_diff(y);
                if diff > 10 && diff * 100 > x.max(y) * 15 {
                    Verdict::Veto
                } else {
                    Verdict::Pass
                }
            }
            _ => Verdict::NotApplicable,
        }
    }
    fn detail(&self, a: &Manifestation, b: &Manifestation) -> String {
        format!("{} / {}", show(&a.pages), show(&b.pages))
    }
}

/// Both have ISSNs and none is shared.
pub struct IssnGuard;
impl Guard for IssnGuard {
    fn name(&self) -> &'static str {
        "issn"
    }
    fn check(&self, a: &Manifestation, b: &Manifestation, _: bool) -> Verdict {
        if a.issns.is_empty() || b.issns.is_empty() {
            Verdict::NotApplicable
        } else if a.issns.iter().any(|i| b.issns.contains(i)) {
            Verdict::Pass
        } else {
            Verdict::Veto
        }
    }
    fn detail(&self, a: &Manifestation, b: &Manifestation) -> String {
        format!("{:?} / {:?}", a.issns, b.issns)
    }
}

/// Both have ISBNs (other than a set's) and none is shared: the ISBN
/// identifies the manifestation, so two sets of different ISBNs are two
/// manifestations (a hardcover and a paperback, two national editions),
/// however alike the rest.
pub struct IsbnGuard;
impl Guard for IsbnGuard {
    fn name(&self) -> &'static str {
        "isbn"
    }
    fn check(&self, a: &Manifestation, b: &Manifestation, _: bool) -> Verdict {
        let own = |m: &Manifestation| {
            m.isbns
                .iter()
                .filter(|(_, set)| !set)
                .map(|(i, _)| *i)
                .collect::<Vec<_>>()
        };
        let (x, y) = (own(a), own(b));
        if x.is_empty() || y.is_empty() {
            Verdict::NotApplicable
        } else if x.iter().any(|i| y.contains(i)) {
            Verdict::Pass
        } else {
            Verdict::Veto
        }
    }
    fn detail(&self, a: &Manifestation, b: &Manifestation) -> String {
        let show = |m: &Manifestation| {
            m.isbns
                .iter()
                .map(|(i, _)| i.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        };
        format!("{} / {}", show(a), show(b))
    }
}

/// Different language of the text: a translation is another manifestation.
pub struct LanguageGuard;
impl Guard for LanguageGuard {
    fn name(&self) -> &'static str {
        "language"
    }
    fn check(&self, a: &Manifestation, b: &Manifestation, _: bool) -> Verdict {
        match (&a.language, &b.language) {
            (Some(x), Some(y)) if x == y => Verdict::Pass,
            (Some(_), Some(_)) => Verdict::Veto,
            _ => Verdict::NotApplicable,
        }
    }
    fn detail(&self, a: &Manifestation, b: &Manifestation) -> String {
        format!("{} / {}", show(&a.language), show(&b.language))
    }
}

/// Only one side has an author, a date or a publisher: a bare record never
/// matches a full one.
pub struct CompletenessGuard;
impl Guard for CompletenessGuard {
    fn name(&self) -> &'static str {
        "completeness"
    }
    fn check(&self, a: &Manifestation, b: &Manifestation, _: bool) -> Verdict {
        let one_sided = a.author.is_some() != b.author.is_some()
            || a.year.is_some() != b.year.is_some()
            || a.publisher.is_empty() != b.publisher.is_empty();
        if one_sided {
            Verdict::Veto
        } else {
            Verdict::Pass
        }
    }
    fn detail(&self, a: &Manifestation, b: &Manifestation) -> String {
        let one = |m: &Manifestation| {
            format!(
                "author {}, year {}, publisher {}",
                if m.author.is_some() { "yes" } else { "no" },
                if m.year.is_some() { "yes" } else { "no" },
                if m.publisher.is_empty() { "no" } else { "yes" }
            )
        };
        format!("{} / {}", one(a), one(b))
    }
}

/// The titles must roughly agree, even when an identifier is shared: an
/// LCCN or an ISBN printed in several books must not glue different books.
pub struct TitleGuard;
impl Guard for TitleGuard {
    fn name(&self) -> &'static str {
        "title"
    }
    fn check(&self, a: &Manifestation, b: &Manifestation, _: bool) -> Verdict {
        if titles(a, b) == TitleAgreement::Different {
            Verdict::Veto
        } else {
            Verdict::Pass
        }
    }
    fn detail(&self, a: &Manifestation, b: &Manifestation) -> String {
        format!(
            "\"{}\" / \"{}\" ({:?})",
            a.full_title(),
            b.full_title(),
            titles(a, b)
        )
    }
}

/// Different main authors, when both have one.
pub struct AuthorGuard;
impl Guard for AuthorGuard {
    fn name(&self) -> &'static str {
        "author"
    }
    fn check(&self, a: &Manifestation, b: &Manifestation, _: bool) -> Verdict {
        match (&a.author, &b.author) {
            (Some(x), Some(y)) if authors_agree(x, y) => Verdict::Pass,
            (Some(_), Some(_)) => Verdict::Veto,
            _ => Verdict::NotApplicable,
        }
    }
    fn detail(&self, a: &Manifestation, b: &Manifestation) -> String {
        format!("{} / {}", show(&a.author), show(&b.author))
    }
}

/// Without a shared identifier, the publishers must agree: same title,
/// author and year from different publishers are different manifestations.
/// (With an identifier, co-publishers and imprint spellings are tolerated.)
pub struct PublisherGuard;
impl Guard for PublisherGuard {
    fn name(&self) -> &'static str {
        "publisher"
    }
    fn check(&self, a: &Manifestation, b: &Manifestation, strong: bool) -> Verdict {
        if a.publisher.is_empty() || b.publisher.is_empty() {
            return Verdict::NotApplicable;
        }
        if publishers_agree(&a.publisher, &b.publisher) {
            Verdict::Pass
        } else if strong {
            Verdict::NotApplicable
        } else {
            Verdict::Veto
        }
    }
    fn detail(&self, a: &Manifestation, b: &Manifestation) -> String {
        format!("{} / {}", a.publisher.join(" "), b.publisher.join(" "))
    }
}

/// Every guard, in the order they are checked (cheapest and most decisive
/// first).
pub static GUARDS: &[&dyn Guard] = &[
    &FormatGuard,
    &YearGuard,
    &EditionGuard,
    &PartGuard,
    &LanguageGuard,
    &IssnGuard,
    &IsbnGuard,
    &CompletenessGuard,
    &PagesGuard,
    &AuthorGuard,
    &PublisherGuard,
    &TitleGuard,
];

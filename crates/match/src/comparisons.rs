//! Comparisons: each a small named rule that looks at one aspect of two
//! candidate records and says how far they agree, with the weight of that
//! evidence (see [`crate::weights`]). A few differences are decisive and
//! veto the pair; everything else adds or subtracts evidence.
//!
//! Precision comes first: an interlibrary-loan request sent for the wrong
//! edition costs a librarian more than a missed merge. But absence is not
//! difference: a field that only one record has weighs nothing.

use crate::evidence::Verdict;
use crate::features::Manifestation;
use crate::similarity::{
    NameAgreement, TitleAgreement, names, nearly_same, publishers_agree, same_numbers, titles,
};
use crate::weights as w;

/// What a comparison found: a verdict and its weight.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Outcome {
    /// The level of agreement (or a veto).
    pub verdict: Verdict,
    /// The weight of evidence, in bits (0 for a veto or a missing field).
    pub weight: f32,
    /// True for evidence that only a veto overrules (a shared OCLC number).
    pub decisive: bool,
}

impl Outcome {
    fn new(verdict: Verdict, weight: f32) -> Outcome {
        Outcome {
            verdict,
            weight,
            decisive: false,
        }
    }
    const VETO: Outcome = Outcome {
        verdict: Verdict::Veto,
        weight: 0.0,
        decisive: false,
    };
    const MISSING: Outcome = Outcome {
        verdict: Verdict::Missing,
        weight: 0.0,
        decisive: false,
    };
    const AGREE: Outcome = Outcome {
        verdict: Verdict::Agree,
        weight: 0.0,
        decisive: false,
    };
}

/// One rule.
pub trait Comparison: Sync {
    /// A short name for the evidence (`format`, `year`…).
    fn name(&self) -> &'static str;
    /// The outcome for a pair.
    fn compare(&self, a: &Manifestation, b: &Manifestation) -> Outcome;
    /// The values compared, in words, for the evidence.
    fn detail(&self, a: &Manifestation, b: &Manifestation) -> String;
}

fn show<T: std::fmt::Display>(v: &Option<T>) -> String {
    v.as_ref()
        .map(|x| x.to_string())
        .unwrap_or_else(|| "none".into())
}

/// Different format or carrier: a large-print edition, an e-book, an
/// audiobook, a streamed recording or an online score is not the printed
/// book, the disc or the printed score, even with the same ISBN.
pub struct FormatGuard;
impl Comparison for FormatGuard {
    fn name(&self) -> &'static str {
        "format"
    }
    fn compare(&self, a: &Manifestation, b: &Manifestation) -> Outcome {
        if a.format == b.format && a.online == b.online {
            Outcome::AGREE
        } else {
            Outcome::VETO
        }
    }
    fn detail(&self, a: &Manifestation, b: &Manifestation) -> String {
        let one = |m: &Manifestation| {
            format!(
                "{}{}",
                m.format.code(),
                if m.online { " (online)" } else { "" }
            )
        };
        format!("{} / {}", one(a), one(b))
    }
}

/// Different edition statements. A second (or revised) edition never
/// merges with a record that states none, since the first edition usually
/// states none; a stated first edition may.
pub struct EditionGuard;
impl Comparison for EditionGuard {
    fn name(&self) -> &'static str {
        "edition"
    }
    fn compare(&self, a: &Manifestation, b: &Manifestation) -> Outcome {
        match (&a.edition, &b.edition) {
            (None, None) => Outcome::MISSING,
            (Some(x), Some(y)) if x == y => Outcome::AGREE,
            (Some(_), Some(_)) => Outcome::VETO,
            (Some(e), None) | (None, Some(e)) => {
                if e == "1" {
                    Outcome::AGREE
                } else {
                    Outcome::VETO
                }
            }
        }
    }
    fn detail(&self, a: &Manifestation, b: &Manifestation) -> String {
        format!("{} / {}", show(&a.edition), show(&b.edition))
    }
}

/// Different volume or part, wherever the record puts it (245 $n/$p, the
/// end of the title proper, 490 $v), or a multi-volume set against a
/// single volume.
pub struct PartGuard;
impl Comparison for PartGuard {
    fn name(&self) -> &'static str {
        "part"
    }
    fn compare(&self, a: &Manifestation, b: &Manifestation) -> Outcome {
        let parts_agree = match (&a.part, &b.part) {
            (Some(x), Some(y)) => x == y,
            (None, None) => true,
            // A part given only as the series number on the other side.
            (Some(p), None) => b.series_number.as_ref() == Some(p),
            (None, Some(p)) => a.series_number.as_ref() == Some(p),
        };
        if !parts_agree {
            return Outcome::VETO;
        }
        match (&a.series_number, &b.series_number) {
            (Some(x), Some(y)) if x != y => return Outcome::VETO,
            // A numbered volume against a record that gives no number at
            // all (neither a part nor a series number): the set, or
            // another volume.
            (Some(_), None) if b.part.is_none() => return Outcome::VETO,
            (None, Some(_)) if a.part.is_none() => return Outcome::VETO,
            _ => {}
        }
        match (a.volumes, b.volumes) {
            (Some(x), Some(y)) if x != y => return Outcome::VETO,
            // A set against a record that describes one volume's pages.
            (Some(_), None) if b.pages.is_some() => return Outcome::VETO,
            (None, Some(_)) if a.pages.is_some() => return Outcome::VETO,
            _ => {}
        }
        if a.part.is_none()
            && b.part.is_none()
            && (a.series_number.is_none() || b.series_number.is_none())
            && a.volumes.is_none()
            && b.volumes.is_none()
        {
            Outcome::MISSING
        } else {
            Outcome::AGREE
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

/// Different language of the text: a translation is another manifestation.
pub struct LanguageGuard;
impl Comparison for LanguageGuard {
    fn name(&self) -> &'static str {
        "language"
    }
    fn compare(&self, a: &Manifestation, b: &Manifestation) -> Outcome {
        match (&a.language, &b.language) {
            (Some(x), Some(y)) if x == y => Outcome::AGREE,
            (Some(_), Some(_)) => Outcome::VETO,
            _ => Outcome::MISSING,
        }
    }
    fn detail(&self, a: &Manifestation, b: &Manifestation) -> String {
        format!("{} / {}", show(&a.language), show(&b.language))
    }
}

/// OCLC numbers: one in common (or one of them among the other's merged
/// numbers, 019) is the strongest evidence there is; two records that both
/// carry OCLC numbers and share none describe two manifestations.
pub struct OclcComparison;
impl Comparison for OclcComparison {
    fn name(&self) -> &'static str {
        "oclc"
    }
    fn compare(&self, a: &Manifestation, b: &Manifestation) -> Outcome {
        if a.oclc.is_empty() || b.oclc.is_empty() {
            return Outcome::MISSING;
        }
        let linked = a
            .oclc
            .iter()
            .any(|n| b.oclc.contains(n) || b.merged_oclc.contains(n))
            || b.oclc.iter().any(|n| a.merged_oclc.contains(n));
        if linked {
            Outcome {
                verdict: Verdict::Agree,
                weight: w::OCLC_SHARED,
                decisive: true,
            }
        } else {
            Outcome::VETO
        }
    }
    fn detail(&self, a: &Manifestation, b: &Manifestation) -> String {
        let one = |m: &Manifestation| {
            let mut s: Vec<String> = m.oclc.iter().map(|o| o.to_string()).collect();
            s.extend(m.merged_oclc.iter().map(|o| format!("019 {o}")));
            if s.is_empty() {
                "none".to_string()
            } else {
                s.join(" ")
            }
        };
        format!("{} / {}", one(a), one(b))
    }
}

/// The record's own ISBNs (not those qualified as a set's).
fn own_isbns(m: &Manifestation) -> impl Iterator<Item = unicat_bib::Isbn13> + '_ {
    m.isbns.iter().filter(|(_, set)| !set).map(|(i, _)| *i)
}

/// True when the pair shares an ISBN, an LCCN or an OCLC number: with one,
/// publishers' names may differ (imprints, co-publishers).
fn share_identifier(a: &Manifestation, b: &Manifestation) -> bool {
    own_isbns(a).any(|i| own_isbns(b).any(|j| i == j))
        || (a.lccn.is_some() && a.lccn == b.lccn)
        || a.oclc.iter().any(|n| b.oclc.contains(n))
}

/// ISBNs: one in common, or both records have their own and none is
/// shared (a hardcover and a paperback, two national editions).
pub struct IsbnComparison;
impl Comparison for IsbnComparison {
    fn name(&self) -> &'static str {
        "isbn"
    }
    fn compare(&self, a: &Manifestation, b: &Manifestation) -> Outcome {
        if own_isbns(a).next().is_none() || own_isbns(b).next().is_none() {
            Outcome::MISSING
        } else if own_isbns(a).any(|i| own_isbns(b).any(|j| i == j)) {
            Outcome::new(Verdict::Agree, w::ISBN_SHARED)
        } else {
            Outcome::new(Verdict::Disagree, w::ISBN_DIFFERENT)
        }
    }
    fn detail(&self, a: &Manifestation, b: &Manifestation) -> String {
        let show = |m: &Manifestation| {
            m.isbns
                .iter()
                .map(|(i, set)| format!("{i}{}", if *set { " (set)" } else { "" }))
                .collect::<Vec<_>>()
                .join(" ")
        };
        format!("{} / {}", show(a), show(b))
    }
}

/// LCCNs.
pub struct LccnComparison;
impl Comparison for LccnComparison {
    fn name(&self) -> &'static str {
        "lccn"
    }
    fn compare(&self, a: &Manifestation, b: &Manifestation) -> Outcome {
        match (&a.lccn, &b.lccn) {
            (Some(x), Some(y)) if x == y => Outcome::new(Verdict::Agree, w::LCCN_SHARED),
            (Some(_), Some(_)) => Outcome::new(Verdict::Disagree, w::LCCN_DIFFERENT),
            _ => Outcome::MISSING,
        }
    }
    fn detail(&self, a: &Manifestation, b: &Manifestation) -> String {
        let one = |m: &Manifestation| {
            m.lccn
                .as_ref()
                .map(|l| l.as_str().to_string())
                .unwrap_or_else(|| "none".into())
        };
        format!("{} / {}", one(a), one(b))
    }
}

/// ISSNs.
pub struct IssnComparison;
impl Comparison for IssnComparison {
    fn name(&self) -> &'static str {
        "issn"
    }
    fn compare(&self, a: &Manifestation, b: &Manifestation) -> Outcome {
        if a.issns.is_empty() || b.issns.is_empty() {
            Outcome::MISSING
        } else if a.issns.iter().any(|i| b.issns.contains(i)) {
            Outcome::new(Verdict::Agree, w::ISSN_SHARED)
        } else {
            Outcome::new(Verdict::Disagree, w::ISSN_DIFFERENT)
        }
    }
    fn detail(&self, a: &Manifestation, b: &Manifestation) -> String {
        let one = |m: &Manifestation| {
            m.issns
                .iter()
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        };
        format!("{} / {}", one(a), one(b))
    }
}

/// The titles, forgiving a dropped subtitle and a typing slip in a long
/// title. A generic title that agrees counts for little.
pub struct TitleComparison;
impl Comparison for TitleComparison {
    fn name(&self) -> &'static str {
        "title"
    }
    fn compare(&self, a: &Manifestation, b: &Manifestation) -> Outcome {
        let generic = a.generic_title || b.generic_title;
        match titles(a, b) {
            TitleAgreement::Same if generic => Outcome::new(Verdict::Agree, w::TITLE_GENERIC),
            TitleAgreement::SubtitleDiffers if generic => {
                Outcome::new(Verdict::Agree, w::TITLE_GENERIC)
            }
            TitleAgreement::Same => Outcome::new(Verdict::Agree, w::TITLE_SAME),
            TitleAgreement::SubtitleDiffers => {
                Outcome::new(Verdict::Agree, w::TITLE_SUBTITLE_DIFFERS)
            }
            TitleAgreement::Close if generic => Outcome::new(Verdict::Close, 0.0),
            TitleAgreement::Close => Outcome::new(Verdict::Close, w::TITLE_CLOSE),
            TitleAgreement::Different => Outcome::new(Verdict::Disagree, w::TITLE_DIFFERENT),
        }
    }
    fn detail(&self, a: &Manifestation, b: &Manifestation) -> String {
        format!(
            "\"{}\" / \"{}\" ({:?}{})",
            a.full_title(),
            b.full_title(),
            titles(a, b),
            if a.generic_title || b.generic_title {
                ", generic"
            } else {
                ""
            }
        )
    }
}

/// Pages from which a description with a generic title is a book's rather
/// than an article's or a column's.
const BOOK_PAGES: u32 = 40;

/// A generic title ("Annual report", "Poems", "Editor's notes") with the
/// same author and year is no evidence of one manifestation: the pair needs
/// an identifier, a host item or a part that agrees — or, for a book, the
/// same publisher and paging (Yeats's *The poems*, Macmillan 1984, 747 p.).
pub struct GenericTitleGuard;
impl Comparison for GenericTitleGuard {
    fn name(&self) -> &'static str {
        "generic title"
    }
    fn compare(&self, a: &Manifestation, b: &Manifestation) -> Outcome {
        if !a.generic_title && !b.generic_title {
            return Outcome::MISSING;
        }
        let host = matches!((&a.host, &b.host), (Some(x), Some(y)) if x == y);
        let part = a.part.is_some() && a.part == b.part;
        let issn = a.issns.iter().any(|i| b.issns.contains(i));
        // A whole book's description: the same publisher and paging.
        let book = !a.publisher.is_empty()
            && !b.publisher.is_empty()
            && publishers_agree(&a.publisher, &b.publisher)
            && matches!((a.pages, b.pages), (Some(x), Some(y)) if x.min(y) >= BOOK_PAGES && x.abs_diff(y) <= 10);
        if host || part || issn || book || share_identifier(a, b) {
            Outcome::AGREE
        } else {
            Outcome::VETO
        }
    }
    fn detail(&self, a: &Manifestation, b: &Manifestation) -> String {
        format!(
            "host {} / {}; part {} / {}",
            show(&a.host),
            show(&b.host),
            show(&a.part),
            show(&b.part)
        )
    }
}

/// The people and bodies named: main and added entries and statements of
/// responsibility, in any order.
pub struct NamesComparison;
impl Comparison for NamesComparison {
    fn name(&self) -> &'static str {
        "names"
    }
    fn compare(&self, a: &Manifestation, b: &Manifestation) -> Outcome {
        match names(a, b) {
            NameAgreement::Agree => Outcome::new(Verdict::Agree, w::NAMES_AGREE),
            NameAgreement::Differ => Outcome::new(Verdict::Disagree, w::NAMES_DIFFER),
            NameAgreement::Unconfirmed => Outcome::new(Verdict::Disagree, w::NAMES_UNCONFIRMED),
            NameAgreement::Missing => Outcome::MISSING,
        }
    }
    fn detail(&self, a: &Manifestation, b: &Manifestation) -> String {
        let one = |m: &Manifestation| {
            let mut s = m.names.join(", ");
            if !m.statement.is_empty() {
                if !s.is_empty() {
                    s.push_str("; ");
                }
                s.push_str("245 $c: ");
                s.push_str(&m.statement.join(", "));
            }
            if s.is_empty() { "none".into() } else { s }
        };
        format!("{} / {}", one(a), one(b))
    }
}

/// The year the first standard book numbers were given (SBN, 1966).
const FIRST_ISBN_YEAR: u16 = 1966;

/// The years: any year of one (imprint, copyright, 008 dates) among the
/// other's agrees; one year apart is a copyright or printing date.
pub struct YearComparison;
impl Comparison for YearComparison {
    fn name(&self) -> &'static str {
        "year"
    }
    fn compare(&self, a: &Manifestation, b: &Manifestation) -> Outcome {
        if a.years.is_empty() || b.years.is_empty() {
            // An undated record with an ISBN was published after ISBNs
            // began (SBNs in 1966): it is not a book of 1913.
            let isbn_era = |undated: &Manifestation, dated: &Manifestation| {
                undated.years.is_empty()
                    && own_isbns(undated).next().is_some()
                    && dated.years.iter().all(|y| *y < FIRST_ISBN_YEAR)
            };
            if isbn_era(a, b) && !b.years.is_empty() || isbn_era(b, a) && !a.years.is_empty() {
                return Outcome::new(Verdict::Disagree, w::YEAR_DIFFERENT);
            }
            return Outcome::MISSING;
        }
        let gap = a
            .years
            .iter()
            .flat_map(|x| b.years.iter().map(move |y| x.abs_diff(*y)))
            .min()
            .unwrap_or(u16::MAX);
        match gap {
            0 => Outcome::new(Verdict::Agree, w::YEAR_AGREE),
            1 => Outcome::new(Verdict::Close, w::YEAR_CLOSE),
            _ => Outcome::new(Verdict::Disagree, w::YEAR_DIFFERENT),
        }
    }
    fn detail(&self, a: &Manifestation, b: &Manifestation) -> String {
        let one = |m: &Manifestation| {
            if m.years.is_empty() {
                "none".to_string()
            } else {
                m.years
                    .iter()
                    .map(|y| y.to_string())
                    .collect::<Vec<_>>()
                    .join(" ")
            }
        };
        format!("{} / {}", one(a), one(b))
    }
}

/// The publishers. Without a shared identifier, same title, author and
/// year from different publishers are different manifestations; with one,
/// imprint spellings and co-publishers differ freely.
pub struct PublisherComparison;
impl Comparison for PublisherComparison {
    fn name(&self) -> &'static str {
        "publisher"
    }
    fn compare(&self, a: &Manifestation, b: &Manifestation) -> Outcome {
        if a.publisher.is_empty() || b.publisher.is_empty() {
            Outcome::MISSING
        } else if publishers_agree(&a.publisher, &b.publisher) {
            Outcome::new(Verdict::Agree, w::PUBLISHER_AGREE)
        } else if share_identifier(a, b) {
            Outcome::new(Verdict::Disagree, 0.0)
        } else {
            Outcome::new(Verdict::Disagree, w::PUBLISHER_DIFFERENT)
        }
    }
    fn detail(&self, a: &Manifestation, b: &Manifestation) -> String {
        format!("{} / {}", a.publisher.join(" "), b.publisher.join(" "))
    }
}

/// Page counts: close (within 10 pages or 15 %) or far apart.
pub struct PagesComparison;
impl Comparison for PagesComparison {
    fn name(&self) -> &'static str {
        "pages"
    }
    fn compare(&self, a: &Manifestation, b: &Manifestation) -> Outcome {
        match (a.pages, b.pages) {
            (Some(x), Some(y)) => {
                let diff = x.abs_diff(y);
                if diff > 10 && diff * 100 > x.max(y) * 15 {
                    Outcome::new(Verdict::Disagree, w::PAGES_DIFFERENT)
                } else {
                    Outcome::new(Verdict::Agree, w::PAGES_AGREE)
                }
            }
            _ => Outcome::MISSING,
        }
    }
    fn detail(&self, a: &Manifestation, b: &Manifestation) -> String {
        format!("{} / {}", show(&a.pages), show(&b.pages))
    }
}

/// The host item of a component part (773): an article or a chapter is
/// one manifestation only within one host.
pub struct HostComparison;
impl Comparison for HostComparison {
    fn name(&self) -> &'static str {
        "host"
    }
    fn compare(&self, a: &Manifestation, b: &Manifestation) -> Outcome {
        match (&a.host, &b.host) {
            (Some(x), Some(y)) if x == y || (same_numbers(x, y) && nearly_same(x, y)) => {
                Outcome::new(Verdict::Agree, w::HOST_AGREE)
            }
            (Some(_), Some(_)) => Outcome::new(Verdict::Disagree, w::HOST_DIFFERENT),
            _ => Outcome::MISSING,
        }
    }
    fn detail(&self, a: &Manifestation, b: &Manifestation) -> String {
        format!("{} / {}", show(&a.host), show(&b.host))
    }
}

/// Every comparison, in the order they are made: the decisive ones first
/// (cheap, and a veto ends the comparison), then the weighted ones.
pub static COMPARISONS: &[&dyn Comparison] = &[
    &FormatGuard,
    &EditionGuard,
    &PartGuard,
    &LanguageGuard,
    &OclcComparison,
    &GenericTitleGuard,
    &IsbnComparison,
    &LccnComparison,
    &IssnComparison,
    &YearComparison,
    &PagesComparison,
    &PublisherComparison,
    &HostComparison,
    &NamesComparison,
    &TitleComparison,
];

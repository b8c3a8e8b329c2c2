//! The cluster document: what the index stores and every answer shows.

use serde::{Deserialize, Serialize};
use unicat_bib::{
    Availability, BibRecord, Coverage, CoverageVerdict, HoldingsRecord, Item, summarize,
};

/// One library's holding of a cluster (INTERFACE.md's `Holding`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Holding {
    /// Library id.
    pub library: String,
    /// Library name.
    pub library_name: String,
    /// The library's own record id.
    pub record_id: String,
    /// Call number.
    pub call_number: Option<String>,
    /// Locations (branch and shelving location), joined.
    pub location: Option<String>,
    /// Copies, when the source says.
    pub items: Option<u32>,
    /// Copies available, when the source says.
    pub available: Option<u32>,
    /// `available`, `checked_out`, `unavailable` or `unknown`.
    pub status: String,
    /// Link to the record in the library's own catalogue.
    pub url: Option<String>,
    /// Summary holdings (866–868, or built from 853–855 with 863–865; FOLIO
    /// holdings statements), verbatim: what the library says it holds of a
    /// serial or a set.
    #[serde(default)]
    pub summary_holdings: Vec<SummaryHolding>,
    /// The basic unit's statements read into volume and year ranges (best
    /// effort); None when the library gives no statement.
    #[serde(default)]
    pub coverage: Option<Coverage>,
}

/// One summary holdings statement, as shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummaryHolding {
    /// `basic`, `supplements` or `indexes`.
    pub kind: String,
    /// The statement, verbatim.
    pub statement: String,
    /// The library's public note.
    pub note: Option<String>,
    /// False when no range could be read from it: coverage unknown.
    pub parsed: bool,
}

impl Holding {
    /// Whether this library's coverage includes a year and/or a volume:
    /// `Unknown` when it gives no statement or one that could not be read.
    pub fn covers(&self, year: Option<u16>, volume: Option<u32>) -> CoverageVerdict {
        match &self.coverage {
            Some(c) => c.includes(year, volume),
            None => CoverageVerdict::Unknown,
        }
    }

    /// The availability as a type.
    pub fn availability(&self) -> Availability {
        match self.status.as_str() {
            "available" => Availability::Available,
            "checked_out" => Availability::CheckedOut,
            "unavailable" => Availability::Unavailable,
            _ => Availability::Unknown,
        }
    }
}

/// A cluster as shown: display metadata from its best member, identifiers
/// of all members, merged holdings (INTERFACE.md's `Cluster`, plus a few
/// fields the pages use).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ClusterDoc {
    /// The stable cluster id.
    pub id: String,
    /// Title proper.
    pub title: String,
    /// Remainder of title.
    pub subtitle: Option<String>,
    /// Authors, main entry first.
    pub authors: Vec<String>,
    /// Publisher.
    pub publisher: Option<String>,
    /// Place of publication.
    pub place: Option<String>,
    /// Year.
    pub year: Option<u16>,
    /// Edition statement.
    pub edition: Option<String>,
    /// Format code (`book`, `large-print`, …).
    pub format: String,
    /// Language code.
    pub language: Option<String>,
    /// ISBN-13s of every member.
    pub isbns: Vec<String>,
    /// ISSNs.
    pub issns: Vec<String>,
    /// OCLC numbers.
    pub oclc: Vec<String>,
    /// LCCNs.
    pub lccn: Vec<String>,
    /// Holdings, one per member record.
    pub holdings: Vec<Holding>,
    /// Physical description.
    pub pagination: Option<String>,
    /// Series.
    pub series: Vec<String>,
    /// Subjects.
    pub subjects: Vec<String>,
    /// LC class letters (`QA`), for collection analysis.
    pub lc_class: Option<String>,
    /// LC call number.
    pub lc_call_number: Option<String>,
    /// The work it is an edition of (`unicat_match::works`); None until the
    /// harvest has grouped works.
    #[serde(default)]
    pub work: Option<String>,
}

impl ClusterDoc {
    /// Libraries holding it.
    pub fn libraries(&self) -> impl Iterator<Item = &str> {
        self.holdings.iter().map(|h| h.library.as_str())
    }

    /// True when some library reports a copy available.
    pub fn any_available(&self) -> bool {
        self.holdings
            .iter()
            .any(|h| h.availability() == Availability::Available)
    }
}

/// A library as the document builder needs it.
pub struct LibraryInfo<'a> {
    /// Id.
    pub id: &'a str,
    /// Name.
    pub name: &'a str,
    /// OPAC link for this record, if the library has one.
    pub url: Option<String>,
}

/// One member for the builder.
pub struct Member<'a> {
    /// Its library.
    pub library: LibraryInfo<'a>,
    /// Its record id.
    pub record_id: &'a str,
    /// Its description.
    pub bib: &'a BibRecord,
    /// Its items.
    pub items: &'a [Item],
    /// Its holdings records (MARC holdings records attached by 004, FOLIO
    /// holdings, its own summary statements).
    pub holdings: &'a [HoldingsRecord],
}

/// How complete and presentable a description is: more fields, a longer
/// title, and not shouted in capitals.
fn score(b: &BibRecord) -> i64 {
    let mut s = 0i64;
    s += i64::from(b.subtitle.is_some()) * 2;
    s += b.authors.len().min(3) as i64 * 2;
    s += i64::from(b.publisher.is_some()) * 2;
    s += i64::from(b.year.is_some()) * 2;
    s += i64::from(b.edition.is_some());
    s += i64::from(b.pagination.is_some());
    s += b.subjects.len().min(5) as i64;
    s += i64::from(!b.isbns.is_empty()) * 2;
    s += i64::from(b.language.is_some());
    s += (b.title.chars().count().min(80) / 10) as i64;
    let letters = b.title.chars().filter(|c| c.is_alphabetic()).count();
    let upper = b.title.chars().filter(|c| c.is_uppercase()).count();
    if letters >= 4 && upper * 10 > letters * 7 {
        s -= 12;
    }
    s
}

fn push_unique(list: &mut Vec<String>, v: String) {
    if !list.contains(&v) {
        list.push(v);
    }
}

/// Builds a cluster's document from its members: display fields from the
/// best member, identifiers unioned, one holding per member.
pub fn build(id: &str, members: &[Member<'_>]) -> ClusterDoc {
    let best = members
        .iter()
        .enumerate()
        .max_by_key(|(i, m)| (score(m.bib), std::cmp::Reverse(*i)))
        .map(|(_, m)| m.bib)
        .expect("a cluster has at least one member");
    let mut doc = ClusterDoc {
        id: id.to_string(),
        title: best.display_title(),
        subtitle: best.subtitle.clone(),
        authors: best.authors.clone(),
        publisher: best.publisher.clone(),
        place: best.place.clone(),
        year: best.year,
        edition: best.edition.clone(),
        format: best.format.code().to_string(),
        language: best.language.clone(),
        isbns: Vec::new(),
        issns: Vec::new(),
        oclc: Vec::new(),
        lccn: Vec::new(),
        holdings: Vec::with_capacity(members.len()),
        pagination: best.pagination.clone(),
        series: best.series.clone(),
        subjects: best.subjects.clone(),
        lc_class: best.lc_class.clone(),
        lc_call_number: best.lc_call_number.clone(),
        work: None,
    };
    for m in members {
        for i in m.bib.isbn_list() {
            push_unique(&mut doc.isbns, i.to_string());
        }
        for i in &m.bib.issns {
            push_unique(&mut doc.issns, i.to_string());
        }
        for o in &m.bib.oclc_numbers {
            push_unique(&mut doc.oclc, o.to_string());
        }
        if let Some(l) = &m.bib.lccn {
            push_unique(&mut doc.lccn, l.to_string());
        }
        if doc.lc_class.is_none() {
            doc.lc_class = m.bib.lc_class.clone();
        }
        let mut all_items: Vec<Item>;
        let items = if m.holdings.iter().any(|h| !h.items.is_empty()) {
            all_items = m.items.to_vec();
            for h in m.holdings {
                all_items.extend(h.items.iter().cloned());
            }
            &all_items[..]
        } else {
            m.items
        };
        let s = summarize(items);
        let mut summary_holdings = Vec::new();
        let mut coverage: Option<Coverage> = None;
        for h in m.holdings {
            for st in &h.statements {
                summary_holdings.push(SummaryHolding {
                    kind: st.kind.code().to_string(),
                    statement: st.text.clone(),
                    note: st.note.clone(),
                    parsed: st.coverage.is_known(),
                });
                if st.kind == unicat_bib::StatementKind::Basic {
                    coverage
                        .get_or_insert_with(Coverage::default)
                        .extend(&st.coverage);
                }
            }
        }
        doc.holdings.push(Holding {
            library: m.library.id.to_string(),
            library_name: m.library.name.to_string(),
            record_id: m.record_id.to_string(),
            call_number: s
                .call_number
                .or_else(|| m.bib.lc_call_number.clone())
                .or_else(|| m.bib.dewey.clone()),
            location: (!s.locations.is_empty()).then(|| s.locations.join("; ")),
            items: s.items,
            available: s.available,
            status: s.availability.code().to_string(),
            url: m.library.url.clone(),
            summary_holdings,
            coverage,
        });
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn best_member_and_unions() {
        let mut shouting = BibRecord {
            title: "THE AGE OF INNOCENCE".into(),
            authors: vec!["Wharton, Edith".into()],
            year: Some(1920),
            publisher: Some("Appleton".into()),
            ..BibRecord::default()
        };
        shouting.isbns = vec![unicat_bib::IsbnEntry {
            isbn: unicat_bib::Isbn13::parse("0940787083").unwrap(),
            qualifier: None,
        }];
        let plain = BibRecord {
            title: "The age of innocence".into(),
            authors: vec!["Wharton, Edith".into()],
            year: Some(1920),
            publisher: Some("Appleton".into()),
            oclc_numbers: vec![unicat_bib::OclcNumber::parse("12345").unwrap()],
            ..BibRecord::default()
        };
        let items = vec![Item {
            availability: Some(Availability::Available),
            ..Item::default()
        }];
        let m = |id, bib, url: Option<&str>| Member {
            library: LibraryInfo {
                id,
                name: "Library",
                url: url.map(str::to_string),
            },
            record_id: "r1",
            bib,
            items: &items,
            holdings: &[],
        };
        let doc = build(
            "c1",
            &[
                m("a", &shouting, None),
                m("b", &plain, Some("https://x/r1")),
            ],
        );
        assert_eq!(doc.title, "The age of innocence");
        assert_eq!(doc.isbns, vec!["9780940787087"]);
        assert_eq!(doc.oclc, vec!["12345"]);
        assert_eq!(doc.holdings.len(), 2);
        assert_eq!(doc.holdings[1].url.as_deref(), Some("https://x/r1"));
        assert_eq!(doc.holdings[0].status, "available");
        assert_eq!(doc.holdings[0].items, Some(1));
        assert!(doc.any_available());
    }
}

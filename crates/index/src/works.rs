//! Searching by work: the matching clusters collapsed on their `work`
//! column, one group per work with its best-ranked cluster (as Solr's
//! collapsing query parser does), and a work's editions summarised from
//! column data (formats, editions, holding libraries) without reading
//! stored documents.
//!
//! Every matching cluster is looked at once (the total counts works, so a
//! top-k window would not do); a cluster without a work (an index written
//! before works were grouped) is a group of its own.

use crate::Sort;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// Groups without a work id are keyed above this (the document's address).
const NO_WORK: u64 = 1 << 63;

/// The best cluster of one work among the matches.
#[derive(Clone, Debug)]
pub(crate) struct GroupBest {
    /// Higher is better (score, year or minus year); unused for titles.
    pub rank: f64,
    /// The sort title, when sorting by title.
    pub title: Option<String>,
    /// The best cluster.
    pub doc: DocAddress,
    /// Matching clusters of the work.
    pub matched: u32,
}

impl GroupBest {
    /// Orders best first.
    fn before(&self, other: &GroupBest) -> std::cmp::Ordering {
        match (&self.title, &other.title) {
            (Some(a), Some(b)) => a.cmp(b),
            _ => other
                .rank
                .partial_cmp(&self.rank)
                .unwrap_or(std::cmp::Ordering::Equal),
        }
        .then(self.doc.cmp(&other.doc))
    }

    fn absorb(&mut self, other: GroupBest) {
        let matched = self.matched + other.matched;
        if other.before(self) == std::cmp::Ordering::Less {
            *self = other;
        }
        self.matched = matched;
    }
}

/// Collapses matches by work.
pub(crate) struct ByWork {
    pub sort: Sort,
    pub holders_weight: f32,
}

pub(crate) struct SegmentByWork {
    segment: SegmentOrdinal,
    sort: Sort,
    holders_weight: f32,
    work: Option<Column<u64>>,
    holders: Option<Column<u64>>,
    year: Option<Column<i64>>,
    title: Option<StrColumn>,
    /// Work → (rank, title ordinal, doc, matched).
    groups: HashMap<u64, (f64, u64, DocId, u32)>,
}

impl Collector for ByWork {
    type Fruit = Vec<(u64, GroupBest)>;
    type Child = SegmentByWork;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentByWork> {
        let ff = reader.fast_fields();
        Ok(SegmentByWork {
            segment,
            sort: self.sort,
            holders_weight: self.holders_weight,
            work: ff.u64("work").ok(),
            holders: ff.u64("holders").ok(),
            year: ff.i64("year").ok(),
            title: if self.sort == Sort::Title {
                ff.str("sort_title")?
            } else {
                None
            },
            groups: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.sort == Sort::Relevance
    }

    fn merge_fruits(
        &self,
        fruits: Vec<Vec<(u64, GroupBest)>>,
    ) -> tantivy::Result<Vec<(u64, GroupBest)>> {
        let mut all: HashMap<u64, GroupBest> = HashMap::new();
        for fruit in fruits {
            for (work, best) in fruit {
                match all.entry(work) {
                    std::collections::hash_map::Entry::Occupied(mut e) => e.get_mut().absorb(best),
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(best);
                    }
                }
            }
        }
        let mut groups: Vec<(u64, GroupBest)> = all.into_iter().collect();
        groups.sort_unstable_by(|a, b| a.1.before(&b.1));
        Ok(groups)
    }
}

impl SegmentCollector for SegmentByWork {
    type Fruit = Vec<(u64, GroupBest)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let work = self
            .work
            .as_ref()
            .and_then(|c| c.first(doc))
            .unwrap_or(NO_WORK | (u64::from(self.segment) << 32) | u64::from(doc));
        // Rank: higher is better; for titles, a lower ordinal is better.
        let (rank, ord) = match self.sort {
            Sort::Relevance => {
                let n = self
                    .holders
                    .as_ref()
                    .and_then(|c| c.first(doc))
                    .unwrap_or(0);
                let s = score * (1.0 + self.holders_weight * (1.0 + n as f32).ln());
                (f64::from(s), 0)
            }
            Sort::YearNewest | Sort::YearOldest => {
                let y = self.year.as_ref().and_then(|c| c.first(doc));
                let r = match (y, self.sort) {
                    (None, _) => f64::MIN,
                    (Some(y), Sort::YearNewest) => y as f64,
                    (Some(y), _) => -(y as f64),
                };
                (r, 0)
            }
            Sort::Title => {
                let ord = self
                    .title
                    .as_ref()
                    .and_then(|c| c.term_ords(doc).next())
                    .unwrap_or(u64::MAX);
                (0.0, ord)
            }
        };
        let entry = self.groups.entry(work).or_insert((rank, ord, doc, 0));
        entry.3 += 1;
        let better = if self.sort == Sort::Title {
            ord < entry.1
        } else {
            rank > entry.0
        };
        if better {
            entry.0 = rank;
            entry.1 = ord;
            entry.2 = doc;
        }
    }

    fn harvest(self) -> Vec<(u64, GroupBest)> {
        let segment = self.segment;
        let title = self.title;
        self.groups
            .into_iter()
            .map(|(work, (rank, ord, doc, matched))| {
                let title = title.as_ref().map(|c| {
                    let mut s = String::new();
                    if ord != u64::MAX {
                        let _ = c.ord_to_str(ord, &mut s);
                    } else {
                        s.push('\u{10ffff}');
                    }
                    s
                });
                (
                    work,
                    GroupBest {
                        rank,
                        title,
                        doc: DocAddress::new(segment, doc),
                        matched,
                    },
                )
            })
            .collect()
    }
}

/// Whether a group key is a real work id (not a lone cluster's address).
pub(crate) fn is_work(key: u64) -> bool {
    key & NO_WORK == 0
}

/// What a work holds, by format: for a grouped result line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkHoldings {
    /// Its clusters (editions and formats) in the index.
    pub editions: u32,
    /// Distinct holding libraries.
    pub libraries: u32,
    /// Per format code: editions and distinct libraries, most editions first.
    pub formats: Vec<FormatHoldings>,
}

/// One format's share of a work.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatHoldings {
    /// Format code.
    pub format: String,
    /// Clusters of this format.
    pub editions: u32,
    /// Distinct libraries holding one of them.
    pub libraries: u32,
}

/// Tallies the clusters of a page's works from their columns, by work.
pub(crate) struct Tally;

pub(crate) struct SegmentTally {
    work: Option<Column<u64>>,
    format: Option<StrColumn>,
    library: Option<StrColumn>,
    /// Work → format ordinal → (editions, library ordinals).
    by_work: HashMap<u64, BTreeMap<u64, (u32, BTreeSet<u64>)>>,
}

/// Per format name: editions and library names.
pub(crate) type Formats = BTreeMap<String, (u32, BTreeSet<String>)>;
type Fruit = HashMap<u64, Formats>;

impl Collector for Tally {
    type Fruit = Fruit;
    type Child = SegmentTally;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentTally> {
        let ff = reader.fast_fields();
        Ok(SegmentTally {
            work: ff.u64("work").ok(),
            format: ff.str("format")?,
            library: ff.str("library")?,
            by_work: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Fruit>) -> tantivy::Result<Fruit> {
        let mut all = Fruit::new();
        for f in fruits {
            for (work, formats) in f {
                let w = all.entry(work).or_default();
                for (format, (n, libs)) in formats {
                    let e = w.entry(format).or_default();
                    e.0 += n;
                    e.1.extend(libs);
                }
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentTally {
    type Fruit = Fruit;

    fn collect(&mut self, doc: DocId, _: Score) {
        let Some(work) = self.work.as_ref().and_then(|c| c.first(doc)) else {
            return;
        };
        let format = self
            .format
            .as_ref()
            .and_then(|c| c.term_ords(doc).next())
            .unwrap_or(u64::MAX);
        let e = self
            .by_work
            .entry(work)
            .or_default()
            .entry(format)
            .or_default();
        e.0 += 1;
        if let Some(c) = &self.library {
            e.1.extend(c.term_ords(doc));
        }
    }

    fn harvest(self) -> Fruit {
        let name = |c: &Option<StrColumn>, ord: u64| {
            let mut s = String::new();
            if let Some(c) = c {
                let _ = c.ord_to_str(ord, &mut s);
            }
            s
        };
        self.by_work
            .into_iter()
            .map(|(work, formats)| {
                (
                    work,
                    formats
                        .into_iter()
                        .map(|(f, (n, libs))| {
                            (
                                name(&self.format, f),
                                (
                                    n,
                                    libs.into_iter().map(|l| name(&self.library, l)).collect(),
                                ),
                            )
                        })
                        .collect(),
                )
            })
            .collect()
    }
}

/// The summary of a tally.
pub(crate) fn summarise(fruit: Formats) -> WorkHoldings {
    let mut all = BTreeSet::new();
    let mut editions = 0;
    let mut formats: Vec<FormatHoldings> = fruit
        .into_iter()
        .map(|(format, (n, libs))| {
            editions += n;
            let libraries = libs.len() as u32;
            all.extend(libs);
            FormatHoldings {
                format,
                editions: n,
                libraries,
            }
        })
        .collect();
    FormatHoldings::order(&mut formats);
    WorkHoldings {
        editions,
        libraries: all.len() as u32,
        formats,
    }
}

impl FormatHoldings {
    /// Puts a work's formats in the order shown: most editions, then most
    /// libraries, then by format code.
    pub fn order(formats: &mut [FormatHoldings]) {
        formats.sort_by(|a, b| {
            b.editions
                .cmp(&a.editions)
                .then(b.libraries.cmp(&a.libraries))
                .then(a.format.cmp(&b.format))
        });
    }
}

impl WorkHoldings {
    /// A cluster that is its own work: one edition, its libraries.
    pub fn of_one(doc: &crate::ClusterDoc) -> WorkHoldings {
        let mut libs: Vec<&str> = doc.libraries().collect();
        libs.sort_unstable();
        libs.dedup();
        WorkHoldings {
            editions: 1,
            libraries: libs.len() as u32,
            formats: vec![FormatHoldings {
                format: doc.format.clone(),
                editions: 1,
                libraries: libs.len() as u32,
            }],
        }
    }
}

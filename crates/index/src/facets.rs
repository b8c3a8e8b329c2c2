//! Facet counts from column (fast-field) data: one collector counts the
//! matching clusters per library, format, language and year by term
//! ordinal, and only the ordinals that were hit are turned into names at
//! the end of each segment. This replaces tantivy's `FacetCollector`, which
//! resolves facet paths through the term dictionary on every search and was
//! the largest single cost of a faceted search.
//!
//! Opening a segment's columns decodes their block metadata, which cost a
//! fifth of a search when done per query; [`ColumnCache`] opens them once
//! per segment (a segment's columns never change; deletes do not touch
//! them).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::index::SegmentId;
use tantivy::{DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

/// The facet columns of one segment, opened.
pub(crate) struct SegmentColumns {
    library: Option<StrColumn>,
    format: Option<StrColumn>,
    language: Option<StrColumn>,
    year: Option<Column<i64>>,
}

impl SegmentColumns {
    fn open(reader: &SegmentReader) -> tantivy::Result<SegmentColumns> {
        let ff = reader.fast_fields();
        Ok(SegmentColumns {
            library: ff.str("library")?,
            format: ff.str("format")?,
            language: ff.str("language")?,
            year: ff.i64("year").ok(),
        })
    }
}

/// Opened facet columns by segment, shared by every search.
#[derive(Default)]
pub(crate) struct ColumnCache(Mutex<HashMap<SegmentId, Arc<SegmentColumns>>>);

impl ColumnCache {
    /// The collector for a search on `searcher`: its segments' columns,
    /// opened now for segments not seen before. Segments gone from the
    /// index (merged away) are forgotten.
    pub(crate) fn collector(&self, searcher: &Searcher) -> tantivy::Result<FacetTally> {
        let readers = searcher.segment_readers();
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let mut columns = Vec::with_capacity(readers.len());
        for r in readers {
            let c = match map.get(&r.segment_id()) {
                Some(c) => c.clone(),
                None => {
                    let c = Arc::new(SegmentColumns::open(r)?);
                    map.insert(r.segment_id(), c.clone());
                    c
                }
            };
            columns.push(c);
        }
        if map.len() > readers.len() {
            map.retain(|id, _| readers.iter().any(|r| r.segment_id() == *id));
        }
        Ok(FacetTally { columns })
    }
}

/// Counts per value, unordered.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub library: HashMap<String, u64>,
    pub format: HashMap<String, u64>,
    pub language: HashMap<String, u64>,
    pub year: HashMap<i64, u64>,
}

/// The collector, holding the columns of one searcher's segments (by
/// segment ordinal).
pub(crate) struct FacetTally {
    columns: Vec<Arc<SegmentColumns>>,
}

/// Counts by ordinal for one string column.
struct StrCounts {
    column: Option<StrColumn>,
    counts: Vec<u64>,
}

impl StrCounts {
    fn new(column: &Option<StrColumn>) -> StrCounts {
        let column = column.clone();
        let n = column.as_ref().map_or(0, |c| c.num_terms());
        StrCounts {
            column,
            counts: vec![0; n],
        }
    }

    #[inline]
    fn collect(&mut self, doc: DocId) {
        if let Some(c) = &self.column {
            for ord in c.term_ords(doc) {
                if let Some(n) = self.counts.get_mut(ord as usize) {
                    *n += 1;
                }
            }
        }
    }

    fn harvest(self) -> HashMap<String, u64> {
        let mut out = HashMap::new();
        let Some(column) = self.column else {
            return out;
        };
        for (ord, n) in self.counts.into_iter().enumerate() {
            if n == 0 {
                continue;
            }
            let mut name = String::new();
            if column.ord_to_str(ord as u64, &mut name).unwrap_or(false) {
                *out.entry(name).or_default() += n;
            }
        }
        out
    }
}

/// Years: a dense array over the segment's range of years.
struct YearCounts {
    column: Option<Column<i64>>,
    min: i64,
    counts: Vec<u64>,
    sparse: HashMap<i64, u64>,
}

/// Widest range of years counted in an array (beyond it, a map).
const DENSE_YEARS: i64 = 4096;

impl YearCounts {
    fn new(column: &Option<Column<i64>>) -> YearCounts {
        let column = column.clone();
        let (min, len) = match &column {
            Some(c) if c.max_value() >= c.min_value() => {
                let span = c
                    .max_value()
                    .saturating_sub(c.min_value())
                    .saturating_add(1);
                (
                    c.min_value(),
                    if span <= DENSE_YEARS {
                        span as usize
                    } else {
                        0
                    },
                )
            }
            _ => (0, 0),
        };
        YearCounts {
            column,
            min,
            counts: vec![0; len],
            sparse: HashMap::new(),
        }
    }

    #[inline]
    fn collect(&mut self, doc: DocId) {
        let Some(y) = self.column.as_ref().and_then(|c| c.first(doc)) else {
            return;
        };
        match self.counts.get_mut(y.wrapping_sub(self.min) as usize) {
            Some(n) if y >= self.min => *n += 1,
            _ => *self.sparse.entry(y).or_default() += 1,
        }
    }

    fn harvest(self) -> HashMap<i64, u64> {
        let mut out = self.sparse;
        for (i, n) in self.counts.into_iter().enumerate() {
            if n > 0 {
                *out.entry(self.min + i as i64).or_default() += n;
            }
        }
        out
    }
}

pub(crate) struct SegmentTally {
    library: StrCounts,
    format: StrCounts,
    language: StrCounts,
    year: YearCounts,
}

impl Collector for FacetTally {
    type Fruit = Tally;
    type Child = SegmentTally;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentTally> {
        let opened;
        let columns = match self.columns.get(segment as usize) {
            Some(c) => c.as_ref(),
            None => {
                opened = SegmentColumns::open(reader)?;
                &opened
            }
        };
        Ok(SegmentTally {
            library: StrCounts::new(&columns.library),
            format: StrCounts::new(&columns.format),
            language: StrCounts::new(&columns.language),
            year: YearCounts::new(&columns.year),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Tally>) -> tantivy::Result<Tally> {
        let mut all = Tally::default();
        for t in fruits {
            merge(&mut all.library, t.library);
            merge(&mut all.format, t.format);
            merge(&mut all.language, t.language);
            merge(&mut all.year, t.year);
        }
        Ok(all)
    }
}

fn merge<K: std::hash::Hash + Eq>(into: &mut HashMap<K, u64>, from: HashMap<K, u64>) {
    for (k, n) in from {
        *into.entry(k).or_default() += n;
    }
}

impl SegmentCollector for SegmentTally {
    type Fruit = Tally;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.library.collect(doc);
        self.format.collect(doc);
        self.language.collect(doc);
        self.year.collect(doc);
    }

    fn harvest(self) -> Tally {
        Tally {
            library: self.library.harvest(),
            format: self.format.harvest(),
            language: self.language.harvest(),
            year: self.year.harvest(),
        }
    }
}

/// The `k` largest counts, largest first, ties by name.
pub(crate) fn top<K: ToString>(counts: HashMap<K, u64>, k: usize) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = counts
        .into_iter()
        .map(|(name, n)| (name.to_string(), n))
        .collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.truncate(k);
    v
}

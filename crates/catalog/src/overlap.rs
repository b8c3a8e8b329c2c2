//! Collection overlap: for collection development, which titles each
//! library shares with the others and which are the network's last copies.
//!
//! Per library: clusters held (`total`), held by no other library
//! (`unique`, the last copies in the network), held by 2 or 3 libraries in
//! all (`shared_2_3`: this one and one or two others), held by 4 or more
//! (`widely_held`); the three partition `total`. A library × library matrix
//! counts clusters held by both (the diagonal is each library's total).
//! Both come again broken down by format and by LC class letter (050 $a,
//! where the records have one). Computed in one pass over the index's
//! columns and cached until the index changes (the next harvest).
//!
//! At the work level ([`Group::Work`]) the same figures count works: a
//! library holds a work when it holds any of its editions, so the only
//! large-print copy of a widely held title is not a unique title. By
//! format, a work counts once per format it is held in; its LC class is
//! that of its first classed edition.

use crate::{Catalog, CatalogError, Group};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// One library's figures.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, Default)]
pub struct LibraryOverlap {
    /// Library id.
    pub library: String,
    /// Library name.
    pub library_name: String,
    /// Clusters it holds.
    pub total: u64,
    /// Held by no other library.
    pub unique: u64,
    /// Held by 2 or 3 libraries in all.
    pub shared_2_3: u64,
    /// Held by 4 or more libraries.
    pub widely_held: u64,
}

/// Clusters held by both of two libraries.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, Default)]
pub struct Matrix {
    /// Library ids, in the network's order.
    pub libraries: Vec<String>,
    /// `counts[i][j]`: clusters held by both `libraries[i]` and `libraries[j]`.
    pub counts: Vec<Vec<u64>>,
}

/// Per-library figures and matrix for one slice of the catalog.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, Default)]
pub struct Breakdown {
    /// Clusters in this slice.
    pub clusters: u64,
    /// Per library.
    pub libraries: Vec<LibraryOverlap>,
    /// Library × library.
    pub matrix: Matrix,
}

/// The whole report (`/api/overlap`).
#[derive(Clone, Debug, Serialize, PartialEq, Eq, Default)]
pub struct OverlapReport {
    /// What is counted: `manifestation` (clusters) or `work`.
    pub level: Group,
    /// Clusters (or works) in the catalog.
    pub clusters: u64,
    /// Per library.
    pub libraries: Vec<LibraryOverlap>,
    /// Library × library.
    pub matrix: Matrix,
    /// The same, per format code.
    pub by_format: BTreeMap<String, Breakdown>,
    /// The same, per LC class letter.
    pub by_lc_class: BTreeMap<String, Breakdown>,
}

/// One work's holders, gathered over its editions.
#[derive(Default)]
struct WorkProfile {
    holders: Vec<usize>,
    formats: Vec<(String, Vec<usize>)>,
    class: Option<String>,
}

struct Acc {
    clusters: u64,
    per: Vec<[u64; 4]>,
    matrix: Vec<Vec<u64>>,
}

impl Acc {
    fn new(n: usize) -> Acc {
        Acc {
            clusters: 0,
            per: vec![[0; 4]; n],
            matrix: vec![vec![0; n]; n],
        }
    }

    fn add(&mut self, holders: &[usize]) {
        self.clusters += 1;
        let bucket = match holders.len() {
            1 => 1,
            2 | 3 => 2,
            _ => 3,
        };
        for &i in holders {
            self.per[i][0] += 1;
            self.per[i][bucket] += 1;
            for &j in holders {
                self.matrix[i][j] += 1;
            }
        }
    }

    fn finish(self, ids: &[String], names: &[String]) -> Breakdown {
        Breakdown {
            clusters: self.clusters,
            libraries: ids
                .iter()
                .zip(names)
                .zip(&self.per)
                .map(|((id, name), p)| LibraryOverlap {
                    library: id.clone(),
                    library_name: name.clone(),
                    total: p[0],
                    unique: p[1],
                    shared_2_3: p[2],
                    widely_held: p[3],
                })
                .collect(),
            matrix: Matrix {
                libraries: ids.to_vec(),
                counts: self.matrix,
            },
        }
    }
}

impl OverlapReport {
    /// The report as CSV: the per-library table, then the matrix.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("library,library_name,total,unique,shared_2_3,widely_held\n");
        for l in &self.libraries {
            out.push_str(&format!(
                "{},{},{},{},{},{}\n",
                l.library,
                csv_field(&l.library_name),
                l.total,
                l.unique,
                l.shared_2_3,
                l.widely_held
            ));
        }
        out.push('\n');
        out.push_str("held_by_both");
        for id in &self.matrix.libraries {
            out.push(',');
            out.push_str(id);
        }
        out.push('\n');
        for (id, row) in self.matrix.libraries.iter().zip(&self.matrix.counts) {
            out.push_str(id);
            for c in row {
                out.push_str(&format!(",{c}"));
            }
            out.push('\n');
        }
        out
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

impl Catalog {
    /// The collection-overlap report, from the cache when the index has not
    /// changed since it was computed.
    pub fn overlap(&self) -> Result<Arc<OverlapReport>, CatalogError> {
        self.overlap_at(Group::Manifestation)
    }

    /// The report counting clusters or works.
    pub fn overlap_at(&self, level: Group) -> Result<Arc<OverlapReport>, CatalogError> {
        let slot = usize::from(level == Group::Work);
        let generation = self.generation()?;
        if let Ok(cache) = self.overlap_cache.lock()
            && let Some((g, report)) = cache[slot].as_ref()
            && *g == generation
        {
            return Ok(report.clone());
        }
        let report = Arc::new(self.compute_overlap(level)?);
        if let Ok(mut cache) = self.overlap_cache.lock() {
            cache[slot] = Some((generation, report.clone()));
        }
        Ok(report)
    }

    fn compute_overlap(&self, level: Group) -> Result<OverlapReport, CatalogError> {
        let ids: Vec<String> = self
            .network
            .libraries
            .iter()
            .map(|l| l.id.to_string())
            .collect();
        let names: Vec<String> = self
            .network
            .libraries
            .iter()
            .map(|l| l.name.clone())
            .collect();
        let n = ids.len();
        let position: std::collections::HashMap<&str, usize> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.as_str(), i))
            .collect();
        let mut all = Acc::new(n);
        let mut by_format: BTreeMap<String, Acc> = BTreeMap::new();
        let mut by_class: BTreeMap<String, Acc> = BTreeMap::new();
        let mut holders: Vec<usize> = Vec::with_capacity(n);
        // Works: every work's holders (all, by format) and class, added
        // once all its editions are seen.
        let mut works: std::collections::HashMap<u64, WorkProfile> =
            std::collections::HashMap::new();
        self.for_each_work_profile(|libs, format, class, work| {
            holders.clear();
            holders.extend(libs.iter().filter_map(|l| position.get(l).copied()));
            holders.sort_unstable();
            holders.dedup();
            if holders.is_empty() {
                return;
            }
            if let (Group::Work, Some(work)) = (level, work) {
                let w = works.entry(work).or_default();
                w.holders.extend(&holders);
                match w.formats.iter_mut().find(|(f, _)| f == format) {
                    Some((_, h)) => h.extend(&holders),
                    None => w.formats.push((format.to_string(), holders.clone())),
                }
                // The first class letter of its editions, whatever
                // order they come in.
                if let Some(c) = class
                    && w.class.as_deref().is_none_or(|have| c < have)
                {
                    w.class = Some(c.to_string());
                }
                return;
            }
            all.add(&holders);
            by_format
                .entry(format.to_string())
                .or_insert_with(|| Acc::new(n))
                .add(&holders);
            if let Some(c) = class {
                by_class
                    .entry(c.to_string())
                    .or_insert_with(|| Acc::new(n))
                    .add(&holders);
            }
        })
        .map_err(CatalogError::internal)?;
        for (_, mut w) in works {
            let set = |h: &mut Vec<usize>| {
                h.sort_unstable();
                h.dedup();
            };
            set(&mut w.holders);
            all.add(&w.holders);
            for (format, mut h) in w.formats {
                set(&mut h);
                by_format
                    .entry(format)
                    .or_insert_with(|| Acc::new(n))
                    .add(&h);
            }
            if let Some(c) = w.class {
                by_class
                    .entry(c)
                    .or_insert_with(|| Acc::new(n))
                    .add(&w.holders);
            }
        }
        let all = all.finish(&ids, &names);
        Ok(OverlapReport {
            level,
            clusters: all.clusters,
            libraries: all.libraries,
            matrix: all.matrix,
            by_format: by_format
                .into_iter()
                .map(|(k, a)| (k, a.finish(&ids, &names)))
                .collect(),
            by_lc_class: by_class
                .into_iter()
                .map(|(k, a)| (k, a.finish(&ids, &names)))
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_partition_and_matrix_is_symmetric() {
        let mut a = Acc::new(5);
        a.add(&[0]);
        a.add(&[0, 1]);
        a.add(&[0, 1, 2]);
        a.add(&[0, 1, 2, 3]);
        a.add(&[4]);
        let ids: Vec<String> = (0..5).map(|i| format!("l{i}")).collect();
        let b = a.finish(&ids, &ids);
        assert_eq!(b.clusters, 5);
        let l0 = &b.libraries[0];
        assert_eq!(
            (l0.total, l0.unique, l0.shared_2_3, l0.widely_held),
            (4, 1, 2, 1)
        );
        for l in &b.libraries {
            assert_eq!(l.total, l.unique + l.shared_2_3 + l.widely_held);
        }
        assert_eq!(b.matrix.counts[0][0], 4);
        assert_eq!(b.matrix.counts[0][1], 3);
        assert_eq!(b.matrix.counts[1][0], 3);
        assert_eq!(b.matrix.counts[0][4], 0);
        let report = OverlapReport {
            clusters: 5,
            libraries: b.libraries.clone(),
            matrix: b.matrix.clone(),
            ..Default::default()
        };
        let csv = report.to_csv();
        assert!(csv.starts_with(
            "library,library_name,total,unique,shared_2_3,widely_held\nl0,l0,4,1,2,1\n"
        ));
        assert!(csv.contains("held_by_both,l0,l1,l2,l3,l4\nl0,4,3,2,1,0\n"));
    }
}

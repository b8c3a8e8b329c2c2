//! Clustering: records join clusters one at a time, in a fixed order.
//!
//! A record joins a cluster only if it shares a key with one member that
//! passes every guard, *and* no guard vetoes it against any other member
//! (complete linkage): one bridging record cannot glue two different
//! manifestations together through a chain of near-matches. Among several
//! clusters it could join, it takes the one it shares the strongest key
//! with (OCLC number, then ISBN, LCCN, ISSN, title), then the larger.
//!
//! The same procedure serves a full build (every record, no clusters yet)
//! and a re-clustering after a harvest (only the records whose clusters the
//! harvest touched, with every other cluster fixed but open to joiners).

use crate::decide::{compatible, explain, passes};
use crate::evidence::{MatchEvidence, SharedKey};
use crate::features::Manifestation;
use crate::keys::KeyIndex;
use serde::{Deserialize, Serialize};

/// Why a record is in its cluster: the member it matched and the evidence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Join<R> {
    /// The record that joined.
    pub record: R,
    /// The member it matched.
    pub with: R,
    /// Shared keys and guard verdicts.
    pub evidence: MatchEvidence,
}

impl<R> Join<R> {
    /// The same join about other record references.
    pub fn map<S>(self, f: impl Fn(R) -> S) -> Join<S> {
        Join {
            record: f(self.record),
            with: f(self.with),
            evidence: self.evidence,
        }
    }
}

/// A cluster being built: record indexes, and how each joiner joined.
#[derive(Clone, Debug, Default)]
pub struct ClusterBuild {
    /// Members, by index into the input.
    pub members: Vec<u32>,
    /// One join per member after the first (for fixed clusters: only the
    /// members that joined in this run).
    pub joins: Vec<Join<u32>>,
    /// Set when the cluster existed before this run (its caller's label).
    pub existing: Option<u64>,
}

/// How good a cluster is for a joiner: strongest shared key, then size,
/// then the older cluster.
type Score = (u8, usize, std::cmp::Reverse<u32>);

/// Assigns records to clusters.
pub struct Clustering<'a> {
    records: &'a [Manifestation],
    index: &'a KeyIndex,
    label: Vec<Option<u32>>,
    clusters: Vec<ClusterBuild>,
}

impl<'a> Clustering<'a> {
    /// Starts with no clusters.
    pub fn new(records: &'a [Manifestation], index: &'a KeyIndex) -> Clustering<'a> {
        Clustering {
            records,
            index,
            label: vec![None; records.len()],
            clusters: Vec::new(),
        }
    }

    /// Adds a cluster that stays as it is (it may gain members).
    pub fn add_fixed(&mut self, id: u64, members: Vec<u32>) {
        let label = self.clusters.len() as u32;
        for &m in &members {
            if let Some(slot) = self.label.get_mut(m as usize) {
                *slot = Some(label);
            }
        }
        self.clusters.push(ClusterBuild {
            members,
            joins: Vec::new(),
            existing: Some(id),
        });
    }

    /// Places each record, in the given order.
    pub fn assign(&mut self, order: &[u32]) {
        for &r in order {
            self.place(r);
        }
    }

    fn place(&mut self, r: u32) {
        let rec = &self.records[r as usize];
        let candidates = self.index.candidates(rec);
        // Best joinable cluster: (key strength, size, -label), and the
        // member matched with its keys.
        let mut best: Option<(Score, u32, Vec<SharedKey>)> = None;
        let mut seen_labels: Vec<u32> = Vec::new();
        for (&c, _) in candidates.iter() {
            if c == r {
                continue;
            }
            let Some(label) = self.label[c as usize] else {
                continue;
            };
            if seen_labels.contains(&label) {
                continue;
            }
            seen_labels.push(label);
            let cluster = &self.clusters[label as usize];
            // The member that shares the strongest key and passes.
            let mut anchor: Option<(u8, u32, &Vec<SharedKey>)> = None;
            for &m in &cluster.members {
                if let Some(keys) = candidates.get(&m) {
                    let strength = keys.iter().map(SharedKey::strength).max().unwrap_or(0);
                    if anchor.as_ref().is_none_or(|(s, _, _)| strength > *s)
                        && passes(rec, &self.records[m as usize], keys)
                    {
                        anchor = Some((strength, m, keys));
                    }
                }
            }
            let Some((strength, with, keys)) = anchor else {
                continue;
            };
            // Complete linkage: no veto against any member.
            let all_ok = cluster.members.iter().all(|&m| {
                m == with || {
                    let strong = candidates
                        .get(&m)
                        .is_some_and(|k| k.iter().any(SharedKey::is_identifier));
                    compatible(rec, &self.records[m as usize], strong)
                }
            });
            if !all_ok {
                continue;
            }
            let score = (strength, cluster.members.len(), std::cmp::Reverse(label));
            if best.as_ref().is_none_or(|(s, _, _)| score > *s) {
                best = Some((score, with, keys.clone()));
            }
        }
        match best {
            Some(((_, _, std::cmp::Reverse(label)), with, keys)) => {
                let evidence = explain(rec, &self.records[with as usize], &keys);
                let cluster = &mut self.clusters[label as usize];
                cluster.members.push(r);
                cluster.joins.push(Join {
                    record: r,
                    with,
                    evidence,
                });
                self.label[r as usize] = Some(label);
            }
            None => {
                self.label[r as usize] = Some(self.clusters.len() as u32);
                self.clusters.push(ClusterBuild {
                    members: vec![r],
                    joins: Vec::new(),
                    existing: None,
                });
            }
        }
    }

    /// The clusters: fixed ones first (in the order added), then new ones.
    pub fn finish(self) -> Vec<ClusterBuild> {
        self.clusters
    }
}

/// Clusters a whole set of records from scratch, in index order.
pub fn cluster_all(records: &[Manifestation]) -> Vec<ClusterBuild> {
    let index = KeyIndex::build(records);
    let mut c = Clustering::new(records, &index);
    let order: Vec<u32> = (0..records.len() as u32).collect();
    c.assign(&order);
    c.finish()
}

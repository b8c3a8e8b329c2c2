//! Clustering: records join clusters one at a time, in a fixed order.
//!
//! A record joins a cluster only if it shares a key with one member it
//! matches, *and* every other member is compatible with it (complete
//! linkage: no veto, and either a match or no strong evidence against):
//! one bridging record cannot glue two different manifestations together
//! through a chain of near-matches. Among several
//! clusters it could join, it takes the one it shares the strongest key
//! with (OCLC number, then ISBN, LCCN, ISSN, title), then the larger.
//!
//! The same procedure serves a full build (every record, no clusters yet)
//! and a re-clustering after a harvest (only the records whose clusters the
//! harvest touched, with every other cluster fixed but open to joiners).

use crate::decide::{decide, passes};
use crate::features::Manifestation;
use crate::keys::{Candidate, KeyIndex};
use serde::{Deserialize, Serialize};

/// Why a record is in its cluster: the member it matched and the kinds of
/// key they share. Neither the keys in words nor the comparisons' verdicts
/// are kept (writing them out for every join would cost more than the
/// clustering); [`compare`](crate::compare) gives them again when asked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Join<R> {
    /// The record that joined.
    pub record: R,
    /// The member it matched.
    pub with: R,
    /// The kinds of usable key they share: bit `1 << strength` for each
    /// (see [`SharedKey::strength`](crate::SharedKey::strength)).
    pub kinds: u8,
}

impl<R> Join<R> {
    /// The same join about other record references.
    pub fn map<S>(self, f: impl Fn(R) -> S) -> Join<S> {
        Join {
            record: f(self.record),
            with: f(self.with),
            kinds: self.kinds,
        }
    }

    /// True when an identifier (not only a title or name key) is shared.
    pub fn by_identifier(&self) -> bool {
        self.kinds >> 3 != 0
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
///
/// Records that share no usable key, directly or through a chain of other
/// records and fixed clusters, can never meet: placing one cannot change
/// where the other goes. So [`assign`](Self::assign) splits the records
/// into such groups and places each group on rayon, in the given order
/// within it; the result is the same as placing every record in one loop.
pub struct Clustering<'a> {
    records: &'a [Manifestation],
    index: &'a KeyIndex,
    fixed: Vec<(u64, Vec<u32>)>,
    clusters: Vec<ClusterBuild>,
}

impl<'a> Clustering<'a> {
    /// Starts with no clusters.
    pub fn new(records: &'a [Manifestation], index: &'a KeyIndex) -> Clustering<'a> {
        Clustering {
            records,
            index,
            fixed: Vec::new(),
            clusters: Vec::new(),
        }
    }

    /// Adds a cluster that stays as it is (it may gain members). Call
    /// before [`assign`](Self::assign).
    pub fn add_fixed(&mut self, id: u64, members: Vec<u32>) {
        self.fixed.push((id, members));
    }

    /// Places each record, in the given order (once, after the fixed
    /// clusters are added).
    pub fn assign(&mut self, order: &[u32]) {
        use rayon::prelude::*;
        let n = self.records.len();
        // Groups: records linked by a usable key or a fixed cluster.
        let mut groups = UnionFind::new(n);
        self.index.for_each_link(|a, b| groups.union(a, b));
        for (_, members) in &self.fixed {
            for w in members.windows(2) {
                groups.union(w[0], w[1]);
            }
        }
        // Records that share no usable key with any other record and belong
        // to no fixed cluster found clusters of their own: nothing to
        // compare (in a network of mostly unique records, most of them).
        let mut size: Vec<u32> = vec![0; n];
        for (_, members) in &self.fixed {
            if let Some(&first) = members.first() {
                size[groups.find(first) as usize] += 2;
            }
        }
        for &r in order {
            size[groups.find(r) as usize] += 1;
        }
        let mut alone: Vec<(Origin, ClusterBuild)> = Vec::new();
        // Each group's work: its fixed clusters (in the order added) and its
        // records to place (in the given order).
        // A group's slot in `work`, by its root record (u32::MAX: none yet).
        let mut group_of: Vec<u32> = vec![u32::MAX; n];
        let mut work: Vec<Group> = Vec::new();
        let mut slot = |root: u32, work: &mut Vec<Group>| -> usize {
            let g = &mut group_of[root as usize];
            if *g == u32::MAX {
                *g = work.len() as u32;
                work.push(Group::default());
            }
            *g as usize
        };
        for (f, (_, members)) in self.fixed.iter().enumerate() {
            let Some(&first) = members.first() else {
                continue;
            };
            let g = slot(groups.find(first), &mut work);
            work[g].fixed.push(f as u32);
        }
        for (at, &r) in order.iter().enumerate() {
            let root = groups.find(r);
            if size[root as usize] == 1 {
                alone.push((
                    Origin::New(at as u32),
                    ClusterBuild {
                        members: vec![r],
                        joins: Vec::new(),
                        existing: None,
                    },
                ));
                continue;
            }
            let g = slot(root, &mut work);
            work[g].order.push((at as u32, r));
        }
        // A group with no record to place keeps its fixed clusters as they
        // are (below): in a re-clustering after a small harvest, nearly all.
        let placed: Vec<Vec<(Origin, ClusterBuild)>> = work
            .par_iter()
            .filter(|group| !group.order.is_empty())
            .map_init(
                || (vec![u32::MAX; 0], Vec::new()),
                |(label, scratch), group| self.place_group(group, label, scratch),
            )
            .collect();
        // Back to one list: fixed clusters in the order added, then new ones
        // in the order their founders were placed.
        let mut fixed: Vec<Option<ClusterBuild>> = vec![None; self.fixed.len()];
        let mut new: Vec<(u32, ClusterBuild)> = Vec::new();
        for (origin, c) in placed.into_iter().flatten().chain(alone) {
            match origin {
                Origin::Fixed(f) => fixed[f as usize] = Some(c),
                Origin::New(at) => new.push((at, c)),
            }
        }
        new.sort_unstable_by_key(|(at, _)| *at);
        self.clusters = fixed
            .into_iter()
            .zip(&self.fixed)
            .map(|(c, (id, members))| {
                c.unwrap_or_else(|| ClusterBuild {
                    members: members.clone(),
                    joins: Vec::new(),
                    existing: Some(*id),
                })
            })
            .chain(new.into_iter().map(|(_, c)| c))
            .collect();
    }

    /// Places one group's records. `label` maps a record to its cluster in
    /// this group (grown on demand, reset after).
    fn place_group(
        &self,
        group: &Group,
        label: &mut Vec<u32>,
        scratch: &mut Vec<Candidate>,
    ) -> Vec<(Origin, ClusterBuild)> {
        let mut local = Local {
            clusters: Vec::with_capacity(group.fixed.len() + group.order.len()),
            origin: Vec::with_capacity(group.fixed.len() + group.order.len()),
            labelled: Vec::new(),
        };
        let set = |label: &mut Vec<u32>, labelled: &mut Vec<u32>, r: u32, l: u32| {
            if label.len() <= r as usize {
                label.resize(self.records.len(), u32::MAX);
            }
            label[r as usize] = l;
            labelled.push(r);
        };
        for &f in &group.fixed {
            let (id, members) = &self.fixed[f as usize];
            let l = local.clusters.len() as u32;
            for &m in members {
                set(label, &mut local.labelled, m, l);
            }
            local.clusters.push(ClusterBuild {
                members: members.clone(),
                joins: Vec::new(),
                existing: Some(*id),
            });
            local.origin.push(Origin::Fixed(f));
        }
        for &(at, r) in &group.order {
            let l = self.place(r, label, &local.clusters, scratch);
            let l = match l {
                Some((l, join)) => {
                    let cluster = &mut local.clusters[l as usize];
                    cluster.members.push(r);
                    cluster.joins.push(join);
                    l
                }
                None => {
                    local.clusters.push(ClusterBuild {
                        members: vec![r],
                        joins: Vec::new(),
                        existing: None,
                    });
                    local.origin.push(Origin::New(at));
                    local.clusters.len() as u32 - 1
                }
            };
            set(label, &mut local.labelled, r, l);
        }
        for r in local.labelled {
            label[r as usize] = u32::MAX;
        }
        local.origin.into_iter().zip(local.clusters).collect()
    }

    /// Where record `r` goes: the best cluster it may join and how, or None
    /// for a cluster of its own.
    fn place(
        &self,
        r: u32,
        label: &[u32],
        clusters: &[ClusterBuild],
        candidates: &mut Vec<Candidate>,
    ) -> Option<(u32, Join<u32>)> {
        let rec = &self.records[r as usize];
        // Only records already placed can be joined.
        self.index.candidates(
            r,
            |c| c != r && label.get(c as usize).is_some_and(|&l| l != u32::MAX),
            candidates,
        );
        let kinds_of = |m: u32| {
            candidates
                .binary_search_by_key(&m, |c| c.record)
                .ok()
                .map(|i| candidates[i])
        };
        let label_of = |c: u32| label.get(c as usize).copied().filter(|&l| l != u32::MAX);
        // Best joinable cluster: (key strength, size, -label), and the
        // member matched.
        let mut best: Option<(Score, u32)> = None;
        let mut seen_labels: Vec<u32> = Vec::new();
        for c in candidates.iter() {
            if c.record == r {
                continue;
            }
            let Some(l) = label_of(c.record) else {
                continue;
            };
            if seen_labels.contains(&l) {
                continue;
            }
            seen_labels.push(l);
            let cluster = &clusters[l as usize];
            // One decision per member: the member that shares the
            // strongest key and matches is the anchor; complete linkage
            // wants every member compatible (a match is compatible).
            let mut anchor: Option<(u8, u32)> = None;
            let mut all_ok = true;
            for &m in &cluster.members {
                let d = decide(rec, &self.records[m as usize]);
                if !d.is_compatible() {
                    all_ok = false;
                    break;
                }
                if let Some(k) = kinds_of(m) {
                    let strength = k.strength();
                    if d.is_match() && anchor.is_none_or(|(s, _)| strength > s) {
                        anchor = Some((strength, m));
                    }
                }
            }
            let (true, Some((strength, with))) = (all_ok, anchor) else {
                continue;
            };
            let score = (strength, cluster.members.len(), std::cmp::Reverse(l));
            if best.is_none_or(|(s, _)| score > s) {
                best = Some((score, with));
            }
        }
        let ((_, _, std::cmp::Reverse(l)), with) = best?;
        let kinds = kinds_of(with).map_or(0, |c| c.kinds);
        debug_assert!(passes(
            rec,
            &self.records[with as usize],
            &self.index.shared(rec, &self.records[with as usize])
        ));
        Some((
            l,
            Join {
                record: r,
                with,
                kinds,
            },
        ))
    }

    /// The clusters: fixed ones first (in the order added), then new ones.
    pub fn finish(self) -> Vec<ClusterBuild> {
        self.clusters
    }
}

/// One group's work.
#[derive(Default)]
struct Group {
    /// Fixed clusters, by index into `Clustering::fixed`.
    fixed: Vec<u32>,
    /// Records to place: (position in the order, record).
    order: Vec<(u32, u32)>,
}

/// Where a cluster of a group came from.
#[derive(Clone, Copy)]
enum Origin {
    Fixed(u32),
    /// Founded by the record at this position of the order.
    New(u32),
}

struct Local {
    clusters: Vec<ClusterBuild>,
    origin: Vec<Origin>,
    labelled: Vec<u32>,
}

/// Disjoint sets of records, with path halving.
struct UnionFind {
    parent: Vec<u32>,
}

impl UnionFind {
    fn new(n: usize) -> UnionFind {
        UnionFind {
            parent: (0..n as u32).collect(),
        }
    }
    fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let p = self.parent[x as usize];
            self.parent[x as usize] = self.parent[p as usize];
            x = p;
        }
        x
    }
    fn union(&mut self, a: u32, b: u32) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            // The smaller root wins: deterministic.
            let (lo, hi) = if a < b { (a, b) } else { (b, a) };
            self.parent[hi as usize] = lo;
        }
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

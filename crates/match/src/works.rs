//! Works: the manifestation clusters that are editions, formats, volumes,
//! reprints or translations of one work (FRBR's work, Aspen's grouped work,
//! WorldCat's "all editions and formats").
//!
//! Two clusters are one work when they name the same work and share a
//! creator:
//!
//! - the same **uniform title** (130, 240: a translation names its original
//!   there) or the same folded **title proper** (without subtitle, edition,
//!   volume or statement of responsibility), and
//! - at least one **name** in common (1XX, 7XX, or a surname of 245 $c).
//!   A title alone never makes a work (`Emma` by two authors is two works),
//!   except a uniform title main entry (130) on both sides, where a
//!   cataloguer has named the work itself (`Beowulf`).
//!
//! and they are the same **kind of work**: text (print, large print,
//! braille, e-book, audiobook: one work read or listened to), music (score
//! and recording), film, map, serial, or any other format with itself. A
//! film and the novel it adapts, which share a title and often the novelist
//! as a name, are two works, linked as **related**.
//!
//! Generic and collective titles (`Poems`, `Selected works`, `Works.
//! Selections`, `Annual report`) never make a work: two selections of one
//! poet are two works. Every grouping keeps its evidence ([`WorkLink`]),
//! as manifestation merges do.

use crate::ClusterId;
use crate::features::Manifestation;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use unicat_bib::MaterialFormat;

/// A work id: shown like a cluster id (10 characters of Crockford base32),
/// kept across harvests by overlap ([`assign_work_ids`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct WorkId(pub u64);

impl WorkId {
    /// Parses the 10-character form.
    pub fn parse(text: &str) -> Option<WorkId> {
        ClusterId::parse(text).map(|c| WorkId(c.0))
    }
}

impl fmt::Display for WorkId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        ClusterId(self.0).fmt(f)
    }
}

/// The kind of work a format carries: clusters of different kinds are never
/// one work.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WorkKind {
    /// Something read or read aloud: print, large print, braille, e-book,
    /// audiobook, microform, manuscript.
    Text,
    /// Printed or recorded music.
    Music,
    /// A film or video.
    Film,
    /// A map.
    Map,
    /// A serial, in print or online.
    Serial,
    /// Any other format, only with itself.
    Other(MaterialFormat),
}

impl WorkKind {
    /// The kind of work of a format.
    pub fn of(format: MaterialFormat) -> WorkKind {
        use MaterialFormat as F;
        match format {
            F::Book
            | F::LargePrint
            | F::Braille
            | F::Ebook
            | F::Audiobook
            | F::Eaudiobook
            | F::Microform
            | F::Manuscript => WorkKind::Text,
            F::MusicRecording | F::Score => WorkKind::Music,
            F::Video => WorkKind::Film,
            F::Map => WorkKind::Map,
            F::Serial | F::Ejournal => WorkKind::Serial,
            other => WorkKind::Other(other),
        }
    }
}

/// What makes two clusters one work.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkLink {
    /// The clusters (indexes into the input).
    pub a: u32,
    /// The other cluster.
    pub b: u32,
    /// The work's title they share (folded): a uniform title or a title
    /// proper.
    pub title: String,
    /// How the title is given on each side: `uniform` (130/240) or `title`
    /// (245 $a).
    pub title_from: (TitleSource, TitleSource),
    /// A name both give (folded surname or body), if any (none only for two
    /// uniform title main entries).
    pub name: Option<String>,
}

/// Where a work title comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TitleSource {
    /// 130 or 240.
    Uniform,
    /// 245 $a.
    Title,
}

/// One work: its clusters (indexes into the input, ascending) and the links
/// that joined them (a spanning set, one per joined cluster).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkBuild {
    /// The clusters.
    pub clusters: Vec<u32>,
    /// Why they are one work.
    pub links: Vec<WorkLink>,
}

/// Every work of a network, and the related ones (a film and its novel).
#[derive(Clone, Debug, Default)]
pub struct Works {
    /// Works, ordered by their first cluster; every input cluster is in
    /// exactly one.
    pub works: Vec<WorkBuild>,
    /// Pairs of works (indexes into `works`, lower first) that share a title
    /// and a name but are different kinds of work.
    pub related: Vec<(u32, u32)>,
}

/// A cluster as work grouping sees it: all that [`group_profiles`] reads of
/// its members, so that a caller may keep it (the record store does, per
/// cluster) and group works again without reading the members' views.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    format: MaterialFormat,
    kind: WorkKind,
    /// A compilation (its uniform title is collective: `Plays.
    /// Selections`): its title proper names it only with the same names
    /// (author, editor, translator) on both sides, since two selections of
    /// one author may share a title.
    compilation: bool,
    names: Vec<String>,
    /// (title, source) pairs, without repeats.
    titles: Vec<(String, TitleSource)>,
}

/// A cluster's profile, from its members' views.
pub fn profile(members: &[&Manifestation]) -> Profile {
    let format = members.first().map_or(MaterialFormat::Other, |m| m.format);
    let kind = WorkKind::of(format);
    let mut names: Vec<String> = members
        .iter()
        .flat_map(|m| m.names.iter().chain(&m.statement))
        .filter(|n| n.len() > 1)
        .cloned()
        .collect();
    names.sort_unstable();
    names.dedup();
    let mut titles: Vec<(String, TitleSource)> = Vec::new();
    // One member with a generic title (`President's report`) makes the
    // cluster's title generic: another copy may only add a subtitle.
    let generic = members.iter().any(|m| m.generic_title);
    for m in members {
        if let Some(u) = &m.work_title {
            titles.push((u.clone(), TitleSource::Uniform));
        }
        if !generic && !m.title.is_empty() {
            titles.push((m.title.clone(), TitleSource::Title));
            // `The hobbit, or, There and back again`: the title before an
            // alternative title names the work too (as a uniform title
            // would: `Hobbit`).
            if let Some((before, _)) = m.title.split_once(" or ")
                && before.len() >= 3
            {
                titles.push((before.to_string(), TitleSource::Title));
            }
        }
    }
    titles.sort();
    titles.dedup();
    Profile {
        format,
        kind,
        compilation: members.iter().any(|m| m.uniform_is_collective),
        names,
        titles,
    }
}

/// Can clusters of these formats be one work? The same kind of work; or a
/// format not recognised (`Other`), which may be anything; or a spoken
/// recording and music, which catalogues often tell apart wrongly.
fn kinds_agree(a: &Profile, b: &Profile) -> bool {
    use MaterialFormat as F;
    let spoken = |f: MaterialFormat| matches!(f, F::Audiobook | F::Eaudiobook);
    a.kind == b.kind
        || a.format == F::Other
        || b.format == F::Other
        || (spoken(a.format) && b.kind == WorkKind::Music)
        || (spoken(b.format) && a.kind == WorkKind::Music)
}

fn shared_name<'a>(a: &'a [String], b: &[String]) -> Option<&'a String> {
    // Both sorted.
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => return Some(&a[i]),
        }
    }
    None
}

/// A title shared by more clusters than this (of one kind) is compared only
/// among the first this many: no bucket is unbounded.
const MAX_TITLE_BUCKET: usize = 2000;

/// A name and the first letters of a title: where titles with a slip meet.
type NameAndStart<'a> = (&'a str, &'a str);

/// Joins the sets of `a` and `b` (the lower root stays the root); false
/// when they were one set already.
fn union(parent: &mut [u32], a: u32, b: u32) -> bool {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        parent[ra.max(rb) as usize] = ra.min(rb);
    }
    ra != rb
}

fn find(parent: &mut [u32], mut x: u32) -> u32 {
    while parent[x as usize] != x {
        let up = parent[parent[x as usize] as usize];
        parent[x as usize] = up;
        x = up;
    }
    x
}

/// Groups manifestation clusters (each given by its members' views) into
/// works. Deterministic: the same clusters in the same order give the same
/// works.
pub fn group_works(clusters: &[Vec<&Manifestation>]) -> Works {
    use rayon::prelude::*;
    let profiles: Vec<Profile> = clusters.par_iter().map(|m| profile(m)).collect();
    group_profiles(&profiles)
}

/// Groups clusters, each given by its [`Profile`], into works: the same as
/// [`group_works`] on the clusters the profiles were made from.
pub fn group_profiles(profiles: &[Profile]) -> Works {
    // Title → the clusters that give it, with how.
    // Fx-hashed and sized up front: with SipHash and growing tables,
    // filling the two maps below was half of grouping net500k's works.
    let mut by_title: FxHashMap<&str, Vec<(u32, TitleSource)>> =
        FxHashMap::with_capacity_and_hasher(profiles.len() * 2, Default::default());
    for (i, p) in profiles.iter().enumerate() {
        for (t, source) in &p.titles {
            let list = by_title.entry(t.as_str()).or_default();
            if list.last().is_none_or(|&(last, _)| last != i as u32) {
                list.push((i as u32, *source));
            }
        }
    }
    let mut titles: Vec<(&str, Vec<(u32, TitleSource)>)> =
        by_title.into_iter().filter(|(_, v)| v.len() > 1).collect();
    titles.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let n = profiles.len();
    let mut parent: Vec<u32> = (0..n as u32).collect();
    let mut links: Vec<WorkLink> = Vec::new();
    let mut related: Vec<(u32, u32)> = Vec::new();
    for (title, list) in &titles {
        let list = &list[..list.len().min(MAX_TITLE_BUCKET)];
        for (x, &(a, sa)) in list.iter().enumerate() {
            for &(b, sb) in &list[x + 1..] {
                let (pa, pb) = (&profiles[a as usize], &profiles[b as usize]);
                let name = shared_name(&pa.names, &pb.names);
                let both_uniform_entries = sa == TitleSource::Uniform
                    && sb == TitleSource::Uniform
                    && pa.names.is_empty()
                    && pb.names.is_empty();
                if name.is_none() && !both_uniform_entries {
                    continue;
                }
                if (pa.compilation || pb.compilation) && pa.names != pb.names {
                    continue;
                }
                if !kinds_agree(pa, pb) {
                    related.push((a, b));
                    continue;
                }
                if union(&mut parent, a, b) {
                    links.push(WorkLink {
                        a,
                        b,
                        title: (*title).to_string(),
                        title_from: (sa, sb),
                        name: name.cloned(),
                    });
                }
            }
        }
    }
    // Titles that differ by a typing slip (`Vixens` / `Vixes`), between
    // clusters that share a name: candidates share the name and the first
    // three letters of the title (slips never come first often enough to
    // matter), and their titles must be nearly the same, numbers alike.
    let mut by_name: FxHashMap<NameAndStart<'_>, Vec<(u32, &str)>> =
        FxHashMap::with_capacity_and_hasher(profiles.len(), Default::default());
    for (i, p) in profiles.iter().enumerate() {
        for name in p.names.iter().take(3) {
            for (t, source) in &p.titles {
                if *source != TitleSource::Title || crate::similarity::slips_allowed(t.len()) == 0 {
                    continue;
                }
                let Some((cut, _)) = t.char_indices().nth(3) else {
                    continue;
                };
                by_name
                    .entry((name.as_str(), &t[..cut]))
                    .or_default()
                    .push((i as u32, t.as_str()));
            }
        }
    }
    let mut near: Vec<(NameAndStart<'_>, Vec<(u32, &str)>)> =
        by_name.into_iter().filter(|(_, v)| v.len() > 1).collect();
    near.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    // The comparisons are pure: made on every core, bucket by bucket; the
    // pairs that pass are then joined in order, so the links do not depend
    // on the threads.
    let passing: Vec<Vec<(u32, u32, &str)>> = near
        .par_iter()
        .map(|(_, list)| {
            let list = &list[..list.len().min(MAX_TITLE_BUCKET / 10)];
            let mut pairs = Vec::new();
            for (x, &(a, ta)) in list.iter().enumerate() {
                for &(b, tb) in &list[x + 1..] {
                    let (pa, pb) = (&profiles[a as usize], &profiles[b as usize]);
                    if ta == tb
                        || !kinds_agree(pa, pb)
                        || ((pa.compilation || pb.compilation) && pa.names != pb.names)
                        || !crate::similarity::nearly_same(ta, tb)
                        || !crate::similarity::same_numbers(ta, tb)
                    {
                        continue;
                    }
                    pairs.push((a, b, ta));
                }
            }
            pairs
        })
        .collect();
    for (((name, _), _), pairs) in near.iter().zip(passing) {
        for (a, b, ta) in pairs {
            if union(&mut parent, a, b) {
                links.push(WorkLink {
                    a,
                    b,
                    title: ta.to_string(),
                    title_from: (TitleSource::Title, TitleSource::Title),
                    name: Some((*name).to_string()),
                });
            }
        }
    }
    // Works in the order of their first cluster.
    let mut slot: Vec<u32> = vec![u32::MAX; n];
    let mut works: Vec<WorkBuild> = Vec::new();
    let mut work_of: Vec<u32> = vec![0; n];
    for i in 0..n as u32 {
        let root = find(&mut parent, i) as usize;
        if slot[root] == u32::MAX {
            slot[root] = works.len() as u32;
            works.push(WorkBuild::default());
        }
        work_of[i as usize] = slot[root];
        works[slot[root] as usize].clusters.push(i);
    }
    for link in links {
        let w = work_of[link.a as usize] as usize;
        works[w].links.push(link);
    }
    let mut related: Vec<(u32, u32)> = related
        .into_iter()
        .map(|(a, b)| {
            let (x, y) = (work_of[a as usize], work_of[b as usize]);
            (x.min(y), x.max(y))
        })
        .filter(|(x, y)| x != y)
        .collect();
    related.sort_unstable();
    related.dedup();
    Works { works, related }
}

/// Ids for works, kept by overlap with the previous grouping: each work
/// takes the id most of its clusters had (a larger share first), and a work
/// that inherits none gets a new id derived from its first cluster's id.
/// `works[i]` lists cluster ids; `previous` maps a cluster id to the work
/// id it had.
pub fn assign_work_ids(works: &[Vec<u64>], previous: &HashMap<u64, u64>) -> Vec<WorkId> {
    let mut claims: Vec<(u32, usize, u64)> = Vec::new(); // (share, work, old id)
    for (w, clusters) in works.iter().enumerate() {
        let mut counts: HashMap<u64, u32> = HashMap::new();
        for c in clusters {
            if let Some(&old) = previous.get(c) {
                *counts.entry(old).or_default() += 1;
            }
        }
        claims.extend(counts.into_iter().map(|(old, k)| (k, w, old)));
    }
    // Larger shares first; ties by work, then by id, for determinism.
    claims.sort_unstable_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    let mut ids: Vec<Option<u64>> = vec![None; works.len()];
    let mut taken: std::collections::HashSet<u64> = previous.values().copied().collect();
    let mut used: std::collections::HashSet<u64> = std::collections::HashSet::new();
    for (_, w, old) in claims {
        if ids[w].is_none() && !used.contains(&old) {
            ids[w] = Some(old);
            used.insert(old);
        }
    }
    taken.extend(used.iter().copied());
    ids.iter()
        .zip(works)
        .map(|(id, clusters)| {
            WorkId(id.unwrap_or_else(|| {
                let first = clusters.iter().min().copied().unwrap_or(0);
                let mut salt = 0u32;
                loop {
                    let id = ClusterId::for_founder("work", &first.to_string(), salt).0;
                    if taken.insert(id) {
                        break id;
                    }
                    salt += 1;
                }
            }))
        })
        .collect()
}

#[cfg(test)]
mod tests;

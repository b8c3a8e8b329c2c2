//! After a harvest: re-cluster what its changes touch, keep every other
//! cluster (and its id) as it is.
//!
//! The records of every cluster that held a changed or deleted record,
//! plus every new or changed record, are placed again, in a fixed order;
//! all other clusters stay as they are but may gain members. A cluster
//! that comes out of this with members of an old cluster keeps that
//! cluster's id (the one it shares most members with), so links and
//! interlibrary-loan requests that name it keep working.

use crate::HarvestError;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use unicat_match::works::Profile;
use unicat_match::{ClusterId, Clustering, KeyIndex, Manifestation};
use unicat_store::{
    Changes, ClusterEntry, MatchRecord, MemberRef, Store, StoredRecord, WorkEntry, WorkLinkEntry,
};

/// What re-clustering changed.
#[derive(Clone, Debug, Default)]
pub struct ClusterUpdate {
    /// Clusters created or changed: their documents must be rebuilt.
    pub upserted: Vec<u64>,
    /// Their members, as written to the store.
    pub entries: Vec<(u64, ClusterEntry)>,
    /// Clusters that no longer exist.
    pub removed: Vec<u64>,
    /// Clusters in all afterwards.
    pub total: u64,
    /// Records considered.
    pub records: u64,
    /// Records placed again.
    pub placed: u64,
    /// Records whose matching view was read (every record, unless the
    /// store's key index let only those near the changes be read).
    pub read: u64,
    /// True when every record was placed again.
    pub full: bool,
    /// Every work, with its id (kept by overlap with the stored works).
    pub works: Vec<(u64, WorkEntry)>,
    /// Works stored before and no longer there (after an incremental
    /// re-clustering; a full one replaces every work).
    pub works_removed: Vec<u64>,
    /// Works new or not as stored (after an incremental re-clustering).
    pub works_changed: HashSet<u64>,
    /// The work of every cluster.
    pub work_of: HashMap<u64, u64>,
    /// Clusters unchanged but now in another work: their documents are
    /// rebuilt too (a document names its work).
    pub rework: Vec<(u64, ClusterEntry)>,
    /// The key index and work profiles to write with the clusters (taken
    /// by [`write_cluster_tables`]).
    pub index: IndexTables,
    /// Works still to group (after a re-clustering from every view, see
    /// [`recluster`]); the work fields above are empty until they are.
    pub pending_works: Option<PendingWorks>,
}

/// The key index and work profiles that describe a re-clustering (see
/// `unicat_store::MatchIndexWriter`), held until the clusters are written.
#[derive(Default)]
pub struct IndexTables(std::sync::Mutex<Option<Box<TablesChange>>>);

impl IndexTables {
    pub(crate) fn new(change: TablesChange) -> IndexTables {
        IndexTables(std::sync::Mutex::new(Some(Box::new(change))))
    }

    fn take(&self) -> Option<Box<TablesChange>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
    }
}

impl Clone for IndexTables {
    /// A copy holds nothing to write: the tables are written once.
    fn clone(&self) -> IndexTables {
        IndexTables::default()
    }
}

impl std::fmt::Debug for IndexTables {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IndexTables")
    }
}

/// A key's records with their title hashes.
pub(crate) type Carriers = Vec<(MemberRef, (u64, u64))>;

/// A key's entry to write: hash, strength, records (none: it goes).
pub(crate) type KeyChange = (u64, u8, Carriers);

pub(crate) enum TablesChange {
    /// Every record, key and profile, written anew.
    Whole {
        refs: Vec<MemberRef>,
        keys: KeyIndex,
        cluster_of: Vec<u64>,
        /// Each cluster's profile, in the order clusters were built.
        profiles: Arc<Vec<Profile>>,
        /// (cluster id, index into `profiles`), by id.
        profile_order: Vec<(u64, u32)>,
    },
    /// The entries that changed.
    Near {
        records: Vec<(MemberRef, Option<MatchRecord>)>,
        keys: Vec<KeyChange>,
        profiles: Vec<(u64, Option<Profile>)>,
    },
}

/// Works grouped again, and how they differ from the stored ones.
pub(crate) struct Regrouped {
    /// Every work, by id.
    pub works: Vec<(u64, WorkEntry)>,
    /// The works that are not as stored (only those are written).
    pub changed: HashSet<u64>,
    /// Stored works that no longer exist.
    pub removed: Vec<u64>,
    /// Each cluster's work now.
    pub work_of: HashMap<u64, u64>,
    /// Each cluster's stored work.
    pub previous: HashMap<u64, u64>,
}

/// Each cluster's work, from works with their clusters.
fn clusters_to_works<'a>(
    works: impl IntoIterator<Item = (&'a u64, &'a WorkEntry)>,
) -> HashMap<u64, u64> {
    works
        .into_iter()
        .flat_map(|(w, e)| e.clusters.iter().map(move |c| (*c, *w)))
        .collect()
}

/// Groups the clusters `ids` (each with its [`Profile`]) into works, keeping
/// the stored works' ids where their clusters stay together, and says what
/// changed against `stored`.
pub(crate) fn regroup_works(
    stored: &HashMap<u64, WorkEntry>,
    profiles: &[Profile],
    ids: &[u64],
) -> Regrouped {
    let previous = clusters_to_works(stored);
    let works = group_works(&previous, profiles, ids);
    let changed: HashSet<u64> = works
        .iter()
        .filter(|(id, e)| stored.get(id) != Some(e))
        .map(|(id, _)| *id)
        .collect();
    let removed: Vec<u64> = {
        let now: HashSet<u64> = works.iter().map(|(id, _)| *id).collect();
        stored
            .keys()
            .copied()
            .filter(|id| !now.contains(id))
            .collect()
    };
    let work_of = clusters_to_works(works.iter().map(|(w, e)| (w, e)));
    Regrouped {
        works,
        changed,
        removed,
        work_of,
        previous,
    }
}

/// Groups every cluster into works (see `unicat_match::works`), keeping the
/// stored works' ids where their clusters stay together.
fn group_works(
    previous: &HashMap<u64, u64>,
    profiles: &[Profile],
    ids: &[u64],
) -> Vec<(u64, WorkEntry)> {
    use unicat_match::works::TitleSource;
    let grouped = unicat_match::works::group_profiles(profiles);
    let cluster_ids: Vec<Vec<u64>> = grouped
        .works
        .iter()
        .map(|w| w.clusters.iter().map(|&c| ids[c as usize]).collect())
        .collect();
    let work_ids = unicat_match::works::assign_work_ids(&cluster_ids, previous);
    let source = |s: TitleSource| match s {
        TitleSource::Uniform => "uniform".to_string(),
        TitleSource::Title => "title".to_string(),
    };
    let mut related: Vec<Vec<u64>> = vec![Vec::new(); grouped.works.len()];
    for &(a, b) in &grouped.related {
        related[a as usize].push(work_ids[b as usize].0);
        related[b as usize].push(work_ids[a as usize].0);
    }
    grouped
        .works
        .iter()
        .zip(cluster_ids)
        .zip(related)
        .zip(&work_ids)
        .map(|(((w, mut clusters), related), id)| {
            clusters.sort_unstable();
            let links = w
                .links
                .iter()
                .map(|l| WorkLinkEntry {
                    a: ids[l.a as usize],
                    b: ids[l.b as usize],
                    title: l.title.clone(),
                    from: (source(l.title_from.0), source(l.title_from.1)),
                    name: l.name.clone(),
                })
                .collect();
            (
                id.0,
                WorkEntry {
                    clusters,
                    links,
                    related,
                },
            )
        })
        .collect()
}

/// A cluster's stored entry: its members (positions in `refs`) by
/// reference, and its joins as positions among those members.
pub(crate) fn cluster_entry(
    refs: &[MemberRef],
    members: &[u32],
    joins: &[unicat_match::Join<u32>],
) -> ClusterEntry {
    let at = |r: u32| members.iter().position(|&m| m == r).map(|i| i as u32);
    ClusterEntry {
        members: members.iter().map(|&m| refs[m as usize].clone()).collect(),
        joins: joins
            .iter()
            .filter_map(|j| Some((at(j.record)?, at(j.with)?)))
            .collect(),
    }
}

/// Keeps the joins a reopened cluster recorded before this run (`old`,
/// its stored entry) in its new entry, before this run's joins: positions
/// are moved to where each member now stands, joins of members that left
/// are dropped.
pub(crate) fn keep_old_joins(entry: &mut ClusterEntry, old: &ClusterEntry) {
    let shift: HashMap<&MemberRef, u32> = entry
        .members
        .iter()
        .enumerate()
        .map(|(i, m)| (m, i as u32))
        .collect();
    let mut joins: Vec<(u32, u32)> = old
        .joins
        .iter()
        .filter_map(|(a, b)| {
            let a = shift.get(old.members.get(*a as usize)?)?;
            let b = shift.get(old.members.get(*b as usize)?)?;
            Some((*a, *b))
        })
        .collect();
    joins.append(&mut entry.joins);
    entry.joins = joins;
}

/// The id of a cluster made anew: the old id it shares most members with
/// (`previous`, one per member that had one, among the clusters re-opened
/// and not yet reused; the smaller id on a tie), else a new id from its
/// founder that is neither `used` nor `kept` by an untouched cluster.
pub(crate) fn id_for_new_cluster<E>(
    previous: impl IntoIterator<Item = u64>,
    founder: &MemberRef,
    used: &HashSet<u64>,
    mut kept: impl FnMut(u64) -> Result<bool, E>,
) -> Result<u64, E> {
    let mut overlap: HashMap<u64, usize> = HashMap::new();
    for prev in previous {
        *overlap.entry(prev).or_default() += 1;
    }
    if let Some((id, _)) = overlap
        .into_iter()
        .max_by_key(|(id, n)| (*n, std::cmp::Reverse(*id)))
    {
        return Ok(id);
    }
    let mut salt = 0;
    loop {
        let id = ClusterId::for_founder(&founder.library, &founder.record_id, salt).0;
        if !used.contains(&id) && !kept(id)? {
            return Ok(id);
        }
        salt += 1;
    }
}

/// Each cluster's work profile, from its members' views.
pub(crate) fn profiles_of(ms: &[Manifestation], clusters: &[&[u32]]) -> Vec<Profile> {
    clusters
        .par_iter()
        .map(|members| {
            let views: Vec<&Manifestation> = members.iter().map(|&m| &ms[m as usize]).collect();
            unicat_match::works::profile(&views)
        })
        .collect()
}

/// Every record's matching view, in a fixed order (library, record id).
/// Views are stored with each record at harvest time, so this reads a few
/// hundred bytes per record. Libraries are read side by side on rayon,
/// each batch of views decoded on rayon too, then joined into one vector
/// sized beforehand. (Read one after the other, straight into that vector,
/// the B-tree walk left a core idle; joining costs a copy of the views,
/// less than the idle core did: net500k 1.4–2.8 s → 1.4–2.2 s, split10
/// 0.45 → 0.32 s.)
pub(crate) fn load_manifestations(
    store: &Store,
) -> Result<(Vec<MemberRef>, Vec<Manifestation>), HarvestError> {
    let libraries = store.libraries()?;
    let mut counts = Vec::with_capacity(libraries.len());
    for library in &libraries {
        counts.push(store.count(library)? as usize);
    }
    let total = counts.iter().sum();
    // Libraries are read side by side: reading one library's table is a
    // single thread's walk of its B-tree, which left the other core idle
    // between two batches of decoding (net500k: 1.4 s at 1.1 cores). Each
    // library's vectors are sized beforehand: grown by doubling, they were
    // copied again and again into fresh pages.
    let loaded: Vec<(Vec<MemberRef>, Vec<Manifestation>)> = libraries
        .par_iter()
        .zip(&counts)
        .map(|(library, &count)| {
            let (mut refs, mut ms) = (Vec::with_capacity(count), Vec::with_capacity(count));
            load_library(store, library, &mut refs, &mut ms)?;
            Ok((refs, ms))
        })
        .collect::<Result<_, HarvestError>>()?;
    let mut refs = Vec::with_capacity(total);
    let mut ms = Vec::with_capacity(total);
    for (r, m) in loaded {
        refs.extend(r);
        ms.extend(m);
    }
    Ok((refs, ms))
}

/// One library's views, in record id order, appended to `refs` and `ms`.
fn load_library(
    store: &Store,
    library: &str,
    refs: &mut Vec<MemberRef>,
    ms: &mut Vec<Manifestation>,
) -> Result<(), HarvestError> {
    const BATCH: usize = 8192;
    let mut ids: Vec<String> = Vec::with_capacity(BATCH);
    let mut values: Vec<u8> = Vec::new();
    let mut ends: Vec<usize> = Vec::with_capacity(BATCH);
    let flush = |ids: &mut Vec<String>,
                 values: &mut Vec<u8>,
                 ends: &mut Vec<usize>,
                 refs: &mut Vec<MemberRef>,
                 ms: &mut Vec<Manifestation>|
     -> Result<(), HarvestError> {
        // Decoded straight into `ms` (rayon writes an indexed iterator's
        // items in place); the first failure is kept and reported.
        let failed: std::sync::Mutex<Option<(usize, String)>> = std::sync::Mutex::new(None);
        ms.par_extend((0..ends.len()).into_par_iter().map(|i| {
            let start = if i == 0 { 0 } else { ends[i - 1] };
            StoredRecord::decode_view(&values[start..ends[i]]).unwrap_or_else(|e| {
                let mut f = failed.lock().unwrap_or_else(|p| p.into_inner());
                if f.as_ref().is_none_or(|(at, _)| i < *at) {
                    *f = Some((i, e));
                }
                Manifestation::default()
            })
        }));
        if let Some((i, reason)) = failed.into_inner().unwrap_or_else(|p| p.into_inner()) {
            return Err(unicat_store::StoreError::Corrupt {
                library: library.to_string(),
                record_id: ids[i].clone(),
                reason,
            }
            .into());
        }
        refs.extend(ids.drain(..).map(|id| MemberRef {
            library: library.to_string(),
            record_id: id,
        }));
        values.clear();
        ends.clear();
        Ok(())
    };
    store.for_each_encoded(library, |id, bytes| {
        ids.push(id.to_string());
        values.extend_from_slice(StoredRecord::view_prefix(bytes));
        ends.push(values.len());
        if ids.len() >= BATCH {
            flush(&mut ids, &mut values, &mut ends, refs, ms)
                .map_err(|e| unicat_store::StoreError::Db(e.to_string()))?;
        }
        Ok(())
    })?;
    flush(&mut ids, &mut values, &mut ends, refs, ms)
}

/// Re-clusters after the given changes (or everything, with `full`). The
/// new assignments are written by [`write_cluster_tables`], then
/// [`write_works`].
///
/// When the store keeps its key index (see `unicat_store::MatchIndexWriter`)
/// only the records near the change are read ([`recluster_near`]);
/// otherwise, or with `full`, every record's view is. A re-clustering from
/// every view leaves its works to group ([`ClusterUpdate::pending_works`]):
/// the caller groups them ([`PendingWorks::group`]) while the clusters are
/// written, before it writes the works or builds documents.
pub fn recluster(
    store: &Store,
    changes: &[(String, Changes)],
    full: bool,
) -> Result<ClusterUpdate, HarvestError> {
    if !full {
        let snapshot = store.snapshot()?;
        if snapshot.match_index_ready()? {
            if let Some(update) = crate::near::recluster_near(store, &snapshot, changes)? {
                return Ok(update);
            }
            tracing::warn!(
                "the key index does not describe the stored clusters: re-clustering from every view"
            );
        }
    }
    recluster_whole(store, changes, full)
}

/// [`recluster`] from every record's view.
fn recluster_whole(
    store: &Store,
    changes: &[(String, Changes)],
    full: bool,
) -> Result<ClusterUpdate, HarvestError> {
    // The stored clusters and works are read on a thread of their own while
    // the views are (each is a whole table read and decoded).
    let (loaded, stored) = std::thread::scope(|s| {
        let stored = s.spawn(|| {
            let t = std::time::Instant::now();
            let mut old: Vec<(u64, ClusterEntry)> = Vec::new();
            store.for_each_cluster(|id, e| {
                old.push((id, e));
                Ok(())
            })?;
            let works = store.works()?;
            tracing::debug!(elapsed = ?t.elapsed(), clusters = old.len(), works = works.len(), "stored clusters and works read");
            Ok::<_, HarvestError>((old, works))
        });
        let t = std::time::Instant::now();
        let loaded = load_manifestations(store);
        tracing::debug!(elapsed = ?t.elapsed(), "matching views loaded");
        let stored = stored
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (loaded, stored)
    });
    let (refs, ms) = loaded?;
    let (old, stored_works) = stored?;
    let t = std::time::Instant::now();
    let full = full || old.is_empty();
    // A record's position, by its reference: hashed, since a binary search
    // over the sorted references (two strings compared some twenty times
    // for each of a network's members) cost seconds.
    let position: HashMap<&MemberRef, u32> = refs
        .iter()
        .enumerate()
        .map(|(i, r)| (r, i as u32))
        .collect();
    let pos = |r: &MemberRef| position.get(r).copied();
    // Each old cluster's members that are still stored, by position, in
    // their stored order.
    let mut old_members: Vec<Vec<u32>> = old
        .par_iter()
        .map(|(_, e)| e.members.iter().filter_map(pos).collect())
        .collect();
    // The old cluster of each record (an index into `old`), by position;
    // of members no longer stored, by reference.
    let mut cluster_at: Vec<u32> = vec![u32::MAX; refs.len()];
    let mut gone_of: HashMap<&MemberRef, u32> = HashMap::new();
    for (i, ((_, e), at)) in old.iter().zip(&old_members).enumerate() {
        for &p in at {
            cluster_at[p as usize] = i as u32;
        }
        if at.len() < e.members.len() {
            gone_of.extend(
                e.members
                    .iter()
                    .filter(|m| pos(m).is_none())
                    .map(|m| (m, i as u32)),
            );
        }
    }
    let old_id_at = |p: u32| Some(cluster_at[p as usize]).filter(|&i| i != u32::MAX);
    tracing::debug!(elapsed = ?t.elapsed(), "members placed by position");

    // Which old clusters are reopened, which records are placed again.
    let mut affected: HashSet<u64> = HashSet::new();
    let mut pending: HashSet<u32> = HashSet::new();
    if full {
        affected.extend(old.iter().map(|(id, _)| *id));
        pending.extend(0..refs.len() as u32);
    } else {
        for (library, c) in changes {
            for id in c.touched() {
                let r = MemberRef::new(library, id);
                let p = pos(&r);
                if let Some(i) = p.and_then(old_id_at).or_else(|| gone_of.get(&r).copied()) {
                    affected.insert(old[i as usize].0);
                }
                if let Some(p) = p {
                    pending.insert(p);
                }
            }
        }
        for ((id, _), at) in old.iter().zip(&old_members) {
            if affected.contains(id) {
                pending.extend(at.iter().copied());
            }
        }
    }
    let t = std::time::Instant::now();
    let index = KeyIndex::build(&ms);
    tracing::debug!(elapsed = ?t.elapsed(), "key index built");
    let t = std::time::Instant::now();
    let mut clustering = Clustering::new(&ms, &index);
    let mut fixed_entries: HashMap<u64, &ClusterEntry> = HashMap::new();
    for ((id, e), members) in old.iter().zip(&mut old_members) {
        if affected.contains(id) || members.is_empty() {
            continue;
        }
        clustering.add_fixed(*id, std::mem::take(members));
        fixed_entries.insert(*id, e);
    }
    drop(old_members);
    tracing::debug!(elapsed = ?t.elapsed(), fixed = fixed_entries.len(), "fixed clusters set up");
    let mut order: Vec<u32> = pending.iter().copied().collect();
    order.sort_unstable();
    let t = std::time::Instant::now();
    clustering.assign(&order);
    let built = clustering.finish();
    tracing::debug!(elapsed = ?t.elapsed(), "records placed");
    let t = std::time::Instant::now();

    let mut used: HashSet<u64> = fixed_entries.keys().copied().collect();
    // Ids of old clusters that are not reopened stay theirs.
    let kept: HashSet<u64> = old
        .iter()
        .map(|(id, _)| *id)
        .filter(|id| !affected.contains(id))
        .collect();
    // Ids are chosen in order (a reused id is taken once); the entries,
    // which copy every member's reference, are then written on rayon.
    let entry_of =
        |members: &[u32], joins: &[unicat_match::Join<u32>]| cluster_entry(&refs, members, joins);
    let mut chosen: Vec<(u64, &unicat_match::ClusterBuild)> = Vec::new();
    // Every cluster's id, in the order of `built`.
    let mut ids: Vec<u64> = Vec::with_capacity(built.len());
    for cluster in &built {
        match cluster.existing {
            Some(id) => {
                ids.push(id);
                if !cluster.joins.is_empty() {
                    chosen.push((id, cluster));
                } // else untouched
            }
            None => {
                // Reuse the old id it shares most members with.
                let previous = cluster
                    .members
                    .iter()
                    .filter_map(|&m| old_id_at(m).map(|i| old[i as usize].0))
                    .filter(|prev| affected.contains(prev) && !used.contains(prev));
                let id =
                    id_for_new_cluster(previous, &refs[cluster.members[0] as usize], &used, |id| {
                        Ok::<_, std::convert::Infallible>(kept.contains(&id))
                    })
                    .unwrap_or_else(|never| match never {});
                used.insert(id);
                ids.push(id);
                chosen.push((id, cluster));
            }
        }
    }
    let upserted: Vec<(u64, ClusterEntry)> = chosen
        .par_iter()
        .map(|&(id, cluster)| {
            let mut entry = entry_of(&cluster.members, &cluster.joins);
            if cluster.existing.is_some() {
                keep_old_joins(&mut entry, fixed_entries[&id]);
            }
            (id, entry)
        })
        .collect();
    let reused: HashSet<u64> = upserted.iter().map(|(id, _)| *id).collect();
    let removed: Vec<u64> = affected
        .iter()
        .copied()
        .filter(|id| !reused.contains(id))
        .collect();
    tracing::debug!(elapsed = ?t.elapsed(), "cluster entries built");
    // Old clusters not reopened, and the clusters written that are not one
    // of them.
    let total =
        kept.len() as u64 + upserted.iter().filter(|(id, _)| !kept.contains(id)).count() as u64;
    let members: Vec<&[u32]> = built.iter().map(|c| c.members.as_slice()).collect();
    let profiles = Arc::new(profiles_of(&ms, &members));
    drop(members);
    // The key index and profiles, written whole with the clusters.
    let mut cluster_of: Vec<u64> = vec![0; refs.len()];
    for (cluster, id) in built.iter().zip(&ids) {
        for &m in &cluster.members {
            cluster_of[m as usize] = *id;
        }
    }
    let records = refs.len() as u64;
    drop(position);
    drop(ms);
    // Profiles in id order: inserted at random, they cost redb three
    // times as much (its small page cache).
    let mut profile_order: Vec<(u64, u32)> = ids
        .iter()
        .enumerate()
        .map(|(i, &id)| (id, i as u32))
        .collect();
    profile_order.sort_unstable_by_key(|&(id, _)| id);
    let index = IndexTables::new(TablesChange::Whole {
        refs,
        keys: index,
        cluster_of,
        profiles: profiles.clone(),
        profile_order,
    });
    Ok(ClusterUpdate {
        index,
        pending_works: Some(PendingWorks {
            stored: stored_works,
            profiles,
            ids,
            // Clusters not reopened, whose documents are rebuilt only if
            // their work changes.
            old: if full {
                Vec::new()
            } else {
                old.into_iter()
                    .filter(|(id, _)| !reused.contains(id))
                    .collect()
            },
        }),
        works: Vec::new(),
        works_removed: Vec::new(),
        works_changed: HashSet::new(),
        work_of: HashMap::new(),
        rework: Vec::new(),
        upserted: upserted.iter().map(|(id, _)| *id).collect(),
        entries: upserted,
        removed,
        total,
        read: records,
        records,
        placed: order.len() as u64,
        full,
    })
}

/// What grouping a whole re-clustering's works needs, kept in its
/// [`ClusterUpdate`] until [`PendingWorks::group`] runs: `unicat harvest`
/// groups works while the clusters and their key index are written (work
/// grouping is mostly one thread's, and the writing is one thread's too).
#[derive(Clone)]
pub struct PendingWorks {
    /// The works stored before.
    stored: HashMap<u64, WorkEntry>,
    /// Each cluster's profile, in the order of `ids`.
    profiles: Arc<Vec<Profile>>,
    /// Every cluster's id.
    ids: Vec<u64>,
    /// Stored clusters that were not placed again (their documents are
    /// rebuilt when their work changes).
    old: Vec<(u64, ClusterEntry)>,
}

impl std::fmt::Debug for PendingWorks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PendingWorks({} clusters)", self.ids.len())
    }
}

/// A re-clustering's works, grouped.
pub struct GroupedWorks {
    pub(crate) works: Vec<(u64, WorkEntry)>,
    pub(crate) changed: HashSet<u64>,
    pub(crate) removed: Vec<u64>,
    pub(crate) work_of: HashMap<u64, u64>,
    pub(crate) rework: Vec<(u64, ClusterEntry)>,
}

impl PendingWorks {
    /// Groups the clusters into works and says what changed.
    pub fn group(self) -> GroupedWorks {
        let t = std::time::Instant::now();
        let Regrouped {
            works,
            changed,
            removed,
            work_of,
            previous,
        } = regroup_works(&self.stored, &self.profiles, &self.ids);
        let rework: Vec<(u64, ClusterEntry)> = self
            .old
            .into_iter()
            .filter(|(id, _)| work_of.get(id).is_some_and(|w| previous.get(id) != Some(w)))
            .collect();
        tracing::debug!(
            elapsed = ?t.elapsed(),
            works = works.len(),
            changed = changed.len(),
            removed = removed.len(),
            rework = rework.len(),
            "works grouped"
        );
        GroupedWorks {
            works,
            changed,
            removed,
            work_of,
            rework,
        }
    }
}

/// Writes the clusters with the key index and work profiles that describe
/// them, in one transaction (it needs no works: see [`recluster`]).
pub fn write_cluster_tables(
    store: &Store,
    full: bool,
    removed: &[u64],
    entries: &[(u64, ClusterEntry)],
    index: &IndexTables,
) -> Result<(), HarvestError> {
    let t = std::time::Instant::now();
    match index.take().map(|b| *b) {
        None if full => store.replace_clusters(entries)?,
        None => store.apply_clusters(removed, entries)?,
        Some(TablesChange::Whole {
            refs,
            keys,
            cluster_of,
            profiles,
            profile_order,
        }) => store.write_clustering(full, true, removed, entries, |w| {
            // Each record named once, all names in one buffer; records are
            // in (library, record id) order, which is their names' order too.
            let mut all = String::with_capacity(refs.len() * 24);
            let mut ends = Vec::with_capacity(refs.len() + 1);
            ends.push(0);
            for r in refs.iter() {
                unicat_store::push_record_name(r, &mut all);
                ends.push(all.len());
            }
            let name = |r: u32| &all[ends[r as usize]..ends[r as usize + 1]];
            debug_assert!((1..refs.len() as u32).all(|r| name(r - 1) < name(r)));
            for p in 0..refs.len() as u32 {
                w.put_record_named(name(p), cluster_of[p as usize], keys.titles(p), keys.keys_of(p))?;
            }
            tracing::debug!(elapsed = ?t.elapsed(), records = refs.len(), "key index: records written");
            let mut failed = None;
            keys.for_each_key(|key, strength, run| {
                if failed.is_none()
                    && let Err(e) = w.put_key_named(
                        key,
                        strength,
                        run.iter()
                            .map(|&(_, r, _)| (name(r), keys.titles(r))),
                    )
                {
                    failed = Some(e);
                }
            });
            if let Some(e) = failed {
                return Err(e);
            }
            tracing::debug!(elapsed = ?t.elapsed(), "key index: keys written");
            for &(id, i) in &profile_order {
                w.put_profile(id, &profiles[i as usize])?;
            }
            tracing::debug!(elapsed = ?t.elapsed(), "key index: profiles written");
            Ok(())
        })?,
        Some(TablesChange::Near {
            records,
            keys,
            profiles,
        }) => store.write_clustering(false, false, removed, entries, |w| {
            for (r, entry) in &records {
                match entry {
                    Some(e) => w.put_record(r, e)?,
                    None => w.remove_record(r)?,
                }
            }
            for (key, strength, run) in &keys {
                w.put_key(*key, *strength, run.iter().map(|(r, t)| (r, *t)))?;
            }
            for (id, p) in &profiles {
                match p {
                    Some(p) => w.put_profile(*id, p)?,
                    None => w.remove_profile(*id)?,
                }
            }
            Ok(())
        })?,
    }
    tracing::debug!(elapsed = ?t.elapsed(), "clusters and key index written");
    Ok(())
}

/// Writes a re-clustering's works, once grouped (after
/// [`write_cluster_tables`]).
pub fn write_works(store: &Store, update: &ClusterUpdate) -> Result<(), HarvestError> {
    let t = std::time::Instant::now();
    if update.full {
        store.replace_works(&update.works)?;
    } else {
        let changed: Vec<(u64, &WorkEntry)> = update
            .works
            .iter()
            .filter(|(id, _)| update.works_changed.contains(id))
            .map(|(id, w)| (*id, w))
            .collect();
        store.apply_works(&update.works_removed, &changed)?;
    }
    tracing::debug!(elapsed = ?t.elapsed(), "works written");
    Ok(())
}

//! Re-clustering near a change: only the records a change can reach are
//! read, through the key index the store keeps (`match_records`,
//! `match_keys`), and works are grouped again from the stored work
//! profiles (`work_profiles`) instead of every cluster's views.
//!
//! The result is the one [`recluster`](crate::recluster::recluster) gets
//! from every view. A record to place (a new or changed one, or a member of
//! a cluster a change reopened) is compared only with the records that
//! share a usable key with it and with the members of their clusters; so
//! those are all that is read: the records to place, every record in the
//! stored bucket of each of their keys that is still usable (judged over
//! the bucket as it is after the change, that is over the whole network),
//! and the members of those records' clusters, which stay fixed. Fixed
//! clusters are added in id order and records placed in (library, record
//! id) order, as the whole re-clustering does, so every choice and every
//! tie is the same.

use crate::HarvestError;
use crate::recluster::{
    Carriers, ClusterUpdate, IndexTables, KeyChange, Regrouped, TablesChange, cluster_entry,
    id_for_new_cluster, keep_old_joins, profiles_of, regroup_works,
};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use unicat_match::keys::{RecordKeys, key_stops};
use unicat_match::works::Profile;
use unicat_match::{Clustering, KeyIndex, Manifestation};
use unicat_store::{
    Changes, ClusterEntry, KeyBucket, MatchRecord, MemberRef, Snapshot, Store, WorkEntry,
};

/// The records read: references, views, and the cluster each was in.
#[derive(Default)]
struct Loaded {
    refs: Vec<MemberRef>,
    ms: Vec<Manifestation>,
    old: Vec<Option<u64>>,
    at: HashMap<MemberRef, u32>,
}

impl Loaded {
    fn push(&mut self, r: MemberRef, m: Manifestation, old: Option<u64>) -> u32 {
        let p = self.refs.len() as u32;
        self.at.insert(r.clone(), p);
        self.refs.push(r);
        self.ms.push(m);
        self.old.push(old);
        p
    }
}

/// Re-clusters after `changes` from the key index; `None` when the index
/// does not describe the stored clusters (a record or cluster it names is
/// missing), so that the caller reads every view instead.
pub(crate) fn recluster_near(
    store: &Store,
    snap: &Snapshot,
    changes: &[(String, Changes)],
) -> Result<Option<ClusterUpdate>, HarvestError> {
    // The stored works and profiles are read beside the rest (each a whole
    // table, and needed only at the end).
    std::thread::scope(|s| {
        let stored = s.spawn(|| {
            let t = std::time::Instant::now();
            let works = store.works()?;
            let mut profiles: Vec<(u64, Profile)> = Vec::new();
            store.snapshot()?.for_each_profile(|id, p| {
                profiles.push((id, p));
                Ok(())
            })?;
            tracing::debug!(elapsed = ?t.elapsed(), works = works.len(), profiles = profiles.len(), "stored works and profiles read");
            Ok::<_, HarvestError>((works, profiles))
        });
        let near = place_near(snap, changes);
        let stored = stored
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        let Some(near) = near? else {
            return Ok(None);
        };
        let (works, profiles) = stored?;
        finish(store, snap, near, works, profiles)
    })
}

/// What placing the records near the change gave.
struct Placed {
    loaded: Loaded,
    index: KeyIndex,
    built: Vec<unicat_match::ClusterBuild>,
    /// Every built cluster's id.
    ids: Vec<u64>,
    /// The clusters written: new, reopened, or fixed with new members.
    upserted: Vec<(u64, ClusterEntry)>,
    affected: BTreeSet<u64>,
    removed: Vec<u64>,
    /// Records no longer stored, which leave the key index.
    gone: Vec<MemberRef>,
    /// Buckets changed by the change.
    buckets: Vec<KeyChange>,
    placed: u64,
}

fn place_near(
    snap: &Snapshot,
    changes: &[(String, Changes)],
) -> Result<Option<Placed>, HarvestError> {
    let t = std::time::Instant::now();
    let touched: BTreeSet<MemberRef> = changes
        .iter()
        .flat_map(|(library, c)| c.touched().map(|id| MemberRef::new(library, id)))
        .collect();
    // Each touched record's entry as clustered, and its view now.
    let mut loaded = Loaded::default();
    let mut affected: BTreeSet<u64> = BTreeSet::new();
    let mut old_keys: Vec<(MemberRef, RecordKeys)> = Vec::new();
    let mut gone: Vec<MemberRef> = Vec::new();
    for r in &touched {
        let old = snap.match_record(r)?;
        let old_cluster = old.as_ref().map(|o| o.cluster);
        if let Some(o) = old {
            affected.insert(o.cluster);
            old_keys.push((r.clone(), o.keys));
        }
        match snap.view(&r.library, &r.record_id)? {
            Some(m) => {
                loaded.push(r.clone(), m, old_cluster);
            }
            None if old_cluster.is_some() => gone.push(r.clone()),
            None => {}
        }
    }
    // Every member of a reopened cluster is placed again.
    let mut reopened: Vec<(u64, ClusterEntry)> = Vec::with_capacity(affected.len());
    for &id in &affected {
        let Some(entry) = snap.cluster(id)? else {
            return Ok(None);
        };
        for m in &entry.members {
            if touched.contains(m) {
                continue;
            }
            let Some(view) = snap.view(&m.library, &m.record_id)? else {
                return Ok(None);
            };
            loaded.push(m.clone(), view, Some(id));
        }
        reopened.push((id, entry));
    }
    let pending = loaded.refs.len();
    let pending_keys: Vec<RecordKeys> = loaded.ms.iter().map(RecordKeys::of).collect();

    // The buckets of every key a touched record had or has, as they are
    // after the change; and those of the other records to place, as
    // stored (their keys did not change).
    let mut added: HashMap<u64, (u8, Carriers)> = HashMap::new();
    let mut keys_changed: BTreeSet<u64> = BTreeSet::new();
    for (p, keys) in pending_keys.iter().enumerate() {
        let r = &loaded.refs[p];
        if touched.contains(r) {
            for &(k, strength) in &keys.keys {
                added
                    .entry(k)
                    .or_insert_with(|| (strength, Vec::new()))
                    .1
                    .push((r.clone(), keys.titles));
                keys_changed.insert(k);
            }
        }
    }
    let mut old_strength: HashMap<u64, u8> = HashMap::new();
    for (_, keys) in &old_keys {
        for &(k, strength) in &keys.keys {
            keys_changed.insert(k);
            old_strength.insert(k, strength);
        }
    }
    let mut buckets: HashMap<u64, KeyBucket> = HashMap::new();
    let bucket_after = |k: u64| -> Result<KeyBucket, HarvestError> {
        let mut b = snap.key_bucket(k)?.unwrap_or_default();
        if keys_changed.contains(&k) {
            b.records.retain(|(r, _)| !touched.contains(r));
            if let Some((strength, more)) = added.get(&k) {
                b.strength = *strength;
                b.records.extend(more.iter().cloned());
            } else if let Some(s) = old_strength.get(&k) {
                b.strength = *s;
            }
            b.records.sort_unstable();
        }
        Ok(b)
    };
    for k in &keys_changed {
        buckets.insert(*k, bucket_after(*k)?);
    }
    let mut usable: HashMap<u64, bool> = HashMap::new();
    for keys in &pending_keys {
        for &(k, _) in &keys.keys {
            if usable.contains_key(&k) {
                continue;
            }
            let b = match buckets.entry(k) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => e.insert(bucket_after(k)?),
            };
            let titles: Vec<(u64, u64)> = b.records.iter().map(|(_, t)| *t).collect();
            usable.insert(k, !key_stops(b.strength, &titles));
        }
    }
    // The records that share a usable key with one to place: their
    // clusters stay, fixed, and every member is read.
    let mut fixed_ids: BTreeSet<u64> = BTreeSet::new();
    for (k, ok) in &usable {
        if !ok {
            continue;
        }
        for (r, _) in &buckets[k].records {
            if loaded.at.contains_key(r) {
                continue;
            }
            let Some(entry) = snap.match_record(r)? else {
                return Ok(None);
            };
            if affected.contains(&entry.cluster) {
                // A member of a reopened cluster that was not read.
                return Ok(None);
            }
            fixed_ids.insert(entry.cluster);
        }
    }
    let mut fixed: Vec<(u64, ClusterEntry, Vec<u32>)> = Vec::with_capacity(fixed_ids.len());
    for id in fixed_ids {
        let Some(entry) = snap.cluster(id)? else {
            return Ok(None);
        };
        let mut at = Vec::with_capacity(entry.members.len());
        for m in &entry.members {
            if loaded.at.contains_key(m) {
                return Ok(None);
            }
            let Some(view) = snap.view(&m.library, &m.record_id)? else {
                return Ok(None);
            };
            at.push(loaded.push(m.clone(), view, Some(id)));
        }
        fixed.push((id, entry, at));
    }
    tracing::debug!(
        elapsed = ?t.elapsed(),
        touched = touched.len(),
        reopened = reopened.len(),
        to_place = pending,
        fixed = fixed.len(),
        read = loaded.refs.len(),
        "records near the change read"
    );

    let t = std::time::Instant::now();
    let index = KeyIndex::build_partial(&loaded.ms, &usable);
    let mut clustering = Clustering::new(&loaded.ms, &index);
    let mut fixed_entries: HashMap<u64, &ClusterEntry> = HashMap::new();
    for (id, entry, at) in &fixed {
        clustering.add_fixed(*id, at.clone());
        fixed_entries.insert(*id, entry);
    }
    let mut order: Vec<u32> = (0..pending as u32).collect();
    order.sort_unstable_by(|a, b| loaded.refs[*a as usize].cmp(&loaded.refs[*b as usize]));
    clustering.assign(&order);
    let built = clustering.finish();
    tracing::debug!(elapsed = ?t.elapsed(), "records placed");

    // Ids, as the whole re-clustering chooses them.
    let mut used: HashSet<u64> = fixed_entries.keys().copied().collect();
    let kept = |id: u64| -> Result<bool, HarvestError> {
        Ok(!affected.contains(&id) && snap.cluster(id)?.is_some())
    };
    let refs = &loaded.refs;
    let entry_of =
        |members: &[u32], joins: &[unicat_match::Join<u32>]| cluster_entry(refs, members, joins);
    let mut ids: Vec<u64> = Vec::with_capacity(built.len());
    let mut upserted: Vec<(u64, ClusterEntry)> = Vec::new();
    for cluster in &built {
        match cluster.existing {
            Some(id) => {
                ids.push(id);
                if cluster.joins.is_empty() {
                    continue;
                }
                let mut entry = entry_of(&cluster.members, &cluster.joins);
                keep_old_joins(&mut entry, fixed_entries[&id]);
                upserted.push((id, entry));
            }
            None => {
                let previous = cluster
                    .members
                    .iter()
                    .filter_map(|&m| loaded.old[m as usize])
                    .filter(|prev| affected.contains(prev) && !used.contains(prev));
                let id =
                    id_for_new_cluster(previous, &refs[cluster.members[0] as usize], &used, &kept)?;
                used.insert(id);
                ids.push(id);
                upserted.push((id, entry_of(&cluster.members, &cluster.joins)));
            }
        }
    }
    let reused: HashSet<u64> = upserted.iter().map(|(id, _)| *id).collect();
    let removed: Vec<u64> = affected
        .iter()
        .copied()
        .filter(|id| !reused.contains(id))
        .collect();
    // The buckets to write: those a touched record left or joined.
    let buckets: Vec<KeyChange> = keys_changed
        .into_iter()
        .map(|k| {
            let b = buckets
                .remove(&k)
                .expect("every changed key's bucket is read");
            (k, b.strength, b.records)
        })
        .collect();
    drop(fixed_entries);
    Ok(Some(Placed {
        loaded,
        index,
        built,
        ids,
        upserted,
        affected,
        removed,
        gone,
        buckets,
        placed: order.len() as u64,
    }))
}

/// Groups works from the stored profiles (the changed clusters' made anew)
/// and puts the update together.
fn finish(
    store: &Store,
    snap: &Snapshot,
    near: Placed,
    stored_works: HashMap<u64, WorkEntry>,
    stored_profiles: Vec<(u64, Profile)>,
) -> Result<Option<ClusterUpdate>, HarvestError> {
    let t = std::time::Instant::now();
    let Placed {
        loaded,
        index,
        built,
        ids,
        upserted,
        affected,
        removed,
        gone,
        buckets,
        placed,
    } = near;
    let stored_clusters = store.cluster_count()?;
    if stored_profiles.len() as u64 != stored_clusters {
        return Ok(None);
    }
    // Profiles of the clusters written.
    let (changed_ids, changed): (Vec<u64>, Vec<&[u32]>) = built
        .iter()
        .zip(&ids)
        .filter(|(c, _)| c.existing.is_none() || !c.joins.is_empty())
        .map(|(c, id)| (*id, c.members.as_slice()))
        .unzip();
    let mut fresh: BTreeMap<u64, Profile> = changed_ids
        .iter()
        .copied()
        .zip(profiles_of(&loaded.ms, &changed))
        .collect();
    // Every cluster in the order the whole re-clustering groups them: the
    // clusters kept (reopened ones left out), in id order, then the new
    // ones in the order they were founded.
    let mut order_ids: Vec<u64> = Vec::with_capacity(stored_profiles.len() + fresh.len());
    let mut profiles: Vec<Profile> = Vec::with_capacity(order_ids.capacity());
    for (id, p) in stored_profiles {
        if affected.contains(&id) {
            continue;
        }
        order_ids.push(id);
        profiles.push(fresh.get(&id).cloned().unwrap_or(p));
    }
    for (c, id) in built.iter().zip(&ids) {
        if c.existing.is_none() {
            order_ids.push(*id);
            profiles.push(fresh[id].clone());
        }
    }
    let Regrouped {
        works,
        changed: works_changed,
        removed: works_removed,
        work_of,
        previous,
    } = regroup_works(&stored_works, &profiles, &order_ids);
    drop(profiles);
    let reused: HashSet<u64> = upserted.iter().map(|(id, _)| *id).collect();
    let mut rework: Vec<(u64, ClusterEntry)> = Vec::new();
    for id in &order_ids {
        if reused.contains(id) || work_of.get(id).is_none_or(|w| previous.get(id) == Some(w)) {
            continue;
        }
        let Some(entry) = snap.cluster(*id)? else {
            return Ok(None);
        };
        rework.push((*id, entry));
    }
    tracing::debug!(
        elapsed = ?t.elapsed(),
        works = works.len(),
        changed = works_changed.len(),
        removed = works_removed.len(),
        rework = rework.len(),
        "works grouped"
    );

    // The key index's changed entries.
    let mut records: Vec<(MemberRef, Option<MatchRecord>)> =
        gone.into_iter().map(|r| (r, None)).collect();
    for ((id, _), c) in upserted.iter().zip(
        built
            .iter()
            .filter(|c| c.existing.is_none() || !c.joins.is_empty()),
    ) {
        for &m in &c.members {
            records.push((
                loaded.refs[m as usize].clone(),
                Some(MatchRecord {
                    cluster: *id,
                    keys: index.record_keys(m),
                }),
            ));
        }
    }
    let mut profile_changes: Vec<(u64, Option<Profile>)> =
        removed.iter().map(|id| (*id, None)).collect();
    profile_changes.extend(
        std::mem::take(&mut fresh)
            .into_iter()
            .map(|(id, p)| (id, Some(p))),
    );
    let kept = stored_clusters - affected.len() as u64;
    let total = kept + built.iter().filter(|c| c.existing.is_none()).count() as u64;
    let records_in_store: u64 = {
        let mut n = 0;
        for library in store.libraries()? {
            n += store.count(&library)?;
        }
        n
    };
    Ok(Some(ClusterUpdate {
        upserted: upserted.iter().map(|(id, _)| *id).collect(),
        entries: upserted,
        removed,
        total,
        records: records_in_store,
        placed,
        read: loaded.refs.len() as u64,
        full: false,
        works,
        works_removed,
        works_changed,
        work_of,
        rework,
        index: IndexTables::new(TablesChange::Near {
            records,
            keys: buckets,
            profiles: profile_changes,
        }),
        pending_works: None,
    }))
}

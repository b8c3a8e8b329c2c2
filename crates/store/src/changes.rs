//! When each cluster last changed, and which went: what the OAI-PMH
//! provider lists by `from`/`until`, with persistent deletions.
//!
//! Two tables, written in one transaction after each harvest's index
//! commit ([`Store::record_cluster_changes`]):
//!
//! - `cluster_changes`: cluster id → its stamp (seconds since the epoch),
//!   the hash of its document as last published, whether it is deleted,
//!   and the libraries that held it (a deleted cluster keeps the libraries
//!   it had, so that a harvest of one library's set learns of its deletion);
//! - `changes_by_time`: (stamp, cluster id) → deleted and libraries: the
//!   same entries in the order a listing walks them.
//!
//! A cluster whose document is published again with the same hash keeps
//! its stamp (a full re-clustering does not make every record new). One
//! harvest's changes share one stamp, and stamps only grow: each is at
//! least one second after the last, so a listing that began before a
//! harvest (its `until` fixed at that moment) never meets that harvest's
//! changes, and a change always moves an entry forward, never into the
//! part of a listing already walked. Deleted clusters stay (persistent
//! deletions). A store written before these tables existed has none: the
//! next harvest rebuilds the index, which fills them
//! ([`Store::has_change_times`]).

use crate::{Store, StoreError};
use redb::{ReadableDatabase, ReadableTable, TableDefinition};

const CHANGES: TableDefinition<u64, &[u8]> = TableDefinition::new("cluster_changes");
const BY_TIME: TableDefinition<(u64, u64), &[u8]> = TableDefinition::new("changes_by_time");
const LAST_STAMP: &str = "changes_last_stamp";

/// A cluster as published: its id, the hash of its document, and the
/// libraries holding it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishedCluster {
    /// Cluster id.
    pub id: u64,
    /// A hash of its document (any stable hash of what is served).
    pub hash: u64,
    /// Library ids holding it.
    pub libraries: Vec<String>,
}

/// When a cluster last changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterChange {
    /// Cluster id.
    pub id: u64,
    /// Seconds since the epoch.
    pub stamp: u64,
    /// True when the cluster no longer exists.
    pub deleted: bool,
    /// Library ids that hold it (held it, when deleted).
    pub libraries: Vec<String>,
}

fn encode_value(stamp: u64, hash: u64, deleted: bool, libraries: &[String]) -> Vec<u8> {
    let mut v = Vec::with_capacity(17 + libraries.len() * 8);
    v.extend_from_slice(&stamp.to_le_bytes());
    v.extend_from_slice(&hash.to_le_bytes());
    v.push(u8::from(deleted));
    v.extend_from_slice(libraries.join(" ").as_bytes());
    v
}

fn corrupt(reason: &str) -> StoreError {
    StoreError::Corrupt {
        library: "(cluster changes)".into(),
        record_id: String::new(),
        reason: reason.into(),
    }
}

fn libraries(bytes: &[u8]) -> Result<Vec<String>, StoreError> {
    let s = std::str::from_utf8(bytes).map_err(|_| corrupt("library ids are not UTF-8"))?;
    Ok(s.split(' ')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect())
}

/// (stamp, hash, deleted, libraries) of a `cluster_changes` value.
fn decode_value(v: &[u8]) -> Result<(u64, u64, bool, Vec<String>), StoreError> {
    let (stamp, hash, deleted) = head(v)?;
    Ok((stamp, hash, deleted, libraries(&v[17..])?))
}

/// (stamp, hash, deleted) of a `cluster_changes` value, without its
/// libraries.
fn head(v: &[u8]) -> Result<(u64, u64, bool), StoreError> {
    if v.len() < 17 {
        return Err(corrupt("a value shorter than 17 bytes"));
    }
    let stamp = u64::from_le_bytes(v[..8].try_into().expect("eight bytes"));
    let hash = u64::from_le_bytes(v[8..16].try_into().expect("eight bytes"));
    Ok((stamp, hash, v[16] == 1))
}

/// Changes staged by [`Store::stage_cluster_changes`], not yet durable.
pub struct StagedChanges {
    txn: redb::WriteTransaction,
    stamp: Option<u64>,
}

impl StagedChanges {
    /// Makes the changes durable. Returns the stamp given to them (None
    /// when nothing changed).
    pub fn commit(self) -> Result<Option<u64>, StoreError> {
        self.txn.commit()?;
        Ok(self.stamp)
    }
}

fn by_time_value(deleted: bool, libraries: &[String]) -> Vec<u8> {
    let mut v = vec![u8::from(deleted)];
    v.extend_from_slice(libraries.join(" ").as_bytes());
    v
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Store {
    /// True when the change times have been recorded (by a harvest of this
    /// version), or there are no clusters to record.
    pub fn has_change_times(&self) -> Result<bool, StoreError> {
        Ok(self.meta(LAST_STAMP)?.is_some() || self.cluster_count()? == 0)
    }

    /// The stamp of the last recorded change (0 when none).
    pub fn last_change_stamp(&self) -> Result<u64, StoreError> {
        Ok(self
            .meta(LAST_STAMP)?
            .and_then(|v| v.try_into().ok().map(u64::from_le_bytes))
            .unwrap_or(0))
    }

    /// Records what a harvest published: `published` clusters (changed
    /// when their hash differs or they are new, or were deleted), and
    /// `removed` ones, which become deleted. With `complete`, `published`
    /// is every cluster there is, and any other recorded cluster is
    /// deleted too. Returns the stamp given to the changes (None when
    /// nothing changed).
    pub fn record_cluster_changes(
        &self,
        published: &[PublishedCluster],
        removed: &[u64],
        complete: bool,
    ) -> Result<Option<u64>, StoreError> {
        self.stage_cluster_changes(published, removed, complete)?
            .commit()
    }

    /// [`record_cluster_changes`](Self::record_cluster_changes) in two
    /// steps: the changes are written into a transaction that only
    /// [`StagedChanges::commit`] makes durable (dropping it leaves the log
    /// as it was), so that a harvest can stage them while its index
    /// commits and commit them after it.
    pub fn stage_cluster_changes(
        &self,
        published: &[PublishedCluster],
        removed: &[u64],
        complete: bool,
    ) -> Result<StagedChanges, StoreError> {
        let stamp = now().max(self.last_change_stamp()? + 1);
        let mut changed = 0u64;
        let first = self.meta(LAST_STAMP)?.is_none();
        let txn = self.db().begin_write()?;
        {
            let mut changes = txn.open_table(CHANGES)?;
            let mut by_time = txn.open_table(BY_TIME)?;
            // In id order: redb's B-trees take sorted inserts for less.
            let mut order: Vec<&PublishedCluster> = published.iter().collect();
            order.sort_unstable_by_key(|p| p.id);
            let mut joined = String::new();
            for p in &order {
                joined.clear();
                for (i, l) in p.libraries.iter().enumerate() {
                    if i > 0 {
                        joined.push(' ');
                    }
                    joined.push_str(l);
                }
                let old = changes.get(p.id)?.map(|v| {
                    let v = v.value();
                    head(v).map(|(stamp, hash, deleted)| {
                        (stamp, hash, deleted, v.get(17..) == Some(joined.as_bytes()))
                    })
                });
                if let Some(old) = old {
                    let (old_stamp, hash, deleted, same_libraries) = old?;
                    if !deleted && hash == p.hash && same_libraries {
                        continue;
                    }
                    by_time.remove((old_stamp, p.id))?;
                }
                changes.insert(
                    p.id,
                    encode_value(stamp, p.hash, false, &p.libraries).as_slice(),
                )?;
                by_time.insert((stamp, p.id), by_time_value(false, &p.libraries).as_slice())?;
                changed += 1;
            }
            let mut gone: Vec<u64> = removed.to_vec();
            if complete {
                // Every recorded cluster not published, by one walk beside
                // the published ids (both in id order).
                let mut live = order.iter().map(|p| p.id).peekable();
                for entry in changes.iter()? {
                    let (k, v) = entry?;
                    let id = k.value();
                    while live.next_if(|&l| l < id).is_some() {}
                    if live.peek() == Some(&id) {
                        continue;
                    }
                    let (_, _, deleted) = head(v.value())?;
                    if !deleted {
                        gone.push(id);
                    }
                }
            }
            for id in gone {
                let Some((old_stamp, hash, deleted, libs)) = changes
                    .get(id)?
                    .map(|v| decode_value(v.value()))
                    .transpose()?
                else {
                    continue;
                };
                if deleted {
                    continue;
                }
                by_time.remove((old_stamp, id))?;
                changes.insert(id, encode_value(stamp, hash, true, &libs).as_slice())?;
                by_time.insert((stamp, id), by_time_value(true, &libs).as_slice())?;
                changed += 1;
            }
            if changed > 0 || first {
                let mut meta = txn.open_table(crate::META)?;
                let last = if changed > 0 {
                    stamp
                } else {
                    self.last_change_stamp()?
                };
                meta.insert(LAST_STAMP, &last.to_le_bytes()[..])?;
            }
        }
        Ok(StagedChanges {
            txn,
            stamp: (changed > 0).then_some(stamp),
        })
    }

    /// When one cluster last changed (deleted ones too); None when it never
    /// existed.
    pub fn cluster_change(&self, id: u64) -> Result<Option<ClusterChange>, StoreError> {
        let txn = self.db().begin_read()?;
        let t = match txn.open_table(CHANGES) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        t.get(id)?
            .map(|v| {
                let (stamp, _, deleted, libraries) = decode_value(v.value())?;
                Ok(ClusterChange {
                    id,
                    stamp,
                    deleted,
                    libraries,
                })
            })
            .transpose()
    }

    /// The earliest stamp recorded, if any.
    pub fn earliest_change(&self) -> Result<Option<u64>, StoreError> {
        let txn = self.db().begin_read()?;
        let t = match txn.open_table(BY_TIME) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        Ok(t.first()?.map(|(k, _)| k.value().0))
    }

    /// Changes with stamps in `from..=until`, in (stamp, id) order, after
    /// the position `after` (exclusive), that `keep` accepts; at most
    /// `limit` of them. The bool says whether more follow.
    pub fn changes(
        &self,
        from: u64,
        until: u64,
        after: Option<(u64, u64)>,
        limit: usize,
        keep: impl Fn(&ClusterChange) -> bool,
    ) -> Result<(Vec<ClusterChange>, bool), StoreError> {
        let txn = self.db().begin_read()?;
        let t = match txn.open_table(BY_TIME) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok((Vec::new(), false)),
            Err(e) => return Err(e.into()),
        };
        let mut out = Vec::with_capacity(limit.min(1024));
        if from > until {
            return Ok((out, false));
        }
        let start = match after {
            None => (from, 0),
            Some((s, id)) if id == u64::MAX => (s.saturating_add(1), 0),
            Some((s, id)) => (s, id + 1),
        }
        .max((from, 0));
        if start > (until, u64::MAX) {
            return Ok((out, false));
        }
        for entry in t.range(start..=(until, u64::MAX))? {
            let (k, v) = entry?;
            let (stamp, id) = k.value();
            let v = v.value();
            if v.is_empty() {
                return Err(corrupt("an empty listing entry"));
            }
            let change = ClusterChange {
                id,
                stamp,
                deleted: v[0] == 1,
                libraries: libraries(&v[1..])?,
            };
            if !keep(&change) {
                continue;
            }
            if out.len() == limit {
                return Ok((out, true));
            }
            out.push(change);
        }
        Ok((out, false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(id: u64, hash: u64, libs: &[&str]) -> PublishedCluster {
        PublishedCluster {
            id,
            hash,
            libraries: libs.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn changes_move_forward_unchanged_ones_stay_and_deletions_persist() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let first = store
            .record_cluster_changes(&[p(1, 10, &["a"]), p(2, 20, &["a", "b"])], &[], true)
            .unwrap()
            .unwrap();
        // The same documents again: nothing changes.
        assert_eq!(
            store
                .record_cluster_changes(&[p(1, 10, &["a"]), p(2, 20, &["a", "b"])], &[], true)
                .unwrap(),
            None
        );
        // 2 changes, 1 goes (a complete publish without it), 3 is new.
        let second = store
            .record_cluster_changes(&[p(2, 21, &["b"]), p(3, 30, &["c"])], &[], true)
            .unwrap()
            .unwrap();
        assert!(second > first);
        let (all, more) = store.changes(0, u64::MAX, None, 10, |_| true).unwrap();
        assert!(!more);
        let ids: Vec<(u64, bool)> = all.iter().map(|c| (c.id, c.deleted)).collect();
        assert_eq!(ids, vec![(1, true), (2, false), (3, false)]);
        assert_eq!(
            all[0].libraries,
            vec!["a"],
            "a deletion keeps its libraries"
        );
        let (since, _) = store.changes(second, u64::MAX, None, 10, |_| true).unwrap();
        assert_eq!(since.len(), 3);
        let (before, _) = store.changes(0, first, None, 10, |_| true).unwrap();
        assert!(before.is_empty());
        // Paging: one at a time, after the last position.
        let (page, more) = store.changes(0, u64::MAX, None, 1, |_| true).unwrap();
        assert!(more);
        let (next, _) = store
            .changes(0, u64::MAX, Some((page[0].stamp, page[0].id)), 1, |_| true)
            .unwrap();
        assert_eq!(next[0].id, 2);
        // By library.
        let (held_by_b, _) = store
            .changes(0, u64::MAX, None, 10, |c| {
                c.libraries.iter().any(|l| l == "b")
            })
            .unwrap();
        assert_eq!(held_by_b.len(), 1);
        assert!(store.cluster_change(1).unwrap().unwrap().deleted);
        assert_eq!(store.earliest_change().unwrap(), Some(second));
    }

    #[test]
    fn removed_clusters_become_deleted_records() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store
            .record_cluster_changes(&[p(1, 10, &["a"]), p(2, 20, &["a"])], &[], false)
            .unwrap();
        store.record_cluster_changes(&[], &[2, 99], false).unwrap();
        assert!(store.cluster_change(2).unwrap().unwrap().deleted);
        assert!(!store.cluster_change(1).unwrap().unwrap().deleted);
        assert!(store.cluster_change(99).unwrap().is_none());
    }

    #[test]
    fn staged_changes_count_only_once_committed() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let staged = store
            .stage_cluster_changes(&[p(1, 10, &["a"])], &[], true)
            .unwrap();
        drop(staged); // the index commit failed
        assert!(store.cluster_change(1).unwrap().is_none());
        assert_eq!(store.last_change_stamp().unwrap(), 0);
        let stamp = store
            .stage_cluster_changes(&[p(1, 10, &["a"])], &[], true)
            .unwrap()
            .commit()
            .unwrap();
        assert!(stamp.is_some());
        assert_eq!(
            store.cluster_change(1).unwrap().unwrap().stamp,
            stamp.unwrap()
        );
    }

    #[test]
    fn a_complete_publish_in_any_order_deletes_exactly_the_clusters_it_lacks() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let all = [
            p(5, 50, &["a"]),
            p(1, 10, &["a"]),
            p(3, 30, &["b"]),
            p(2, 20, &["a", "b"]),
        ];
        store.record_cluster_changes(&all, &[], true).unwrap();
        // Published out of id order, 1 and 3 missing; 2 only changes its
        // libraries (same hash), 5 is as it was.
        let stamp = store
            .record_cluster_changes(&[p(5, 50, &["a"]), p(2, 20, &["b"])], &[], true)
            .unwrap()
            .unwrap();
        let state = |id| store.cluster_change(id).unwrap().unwrap();
        assert!(state(1).deleted && state(3).deleted);
        assert_eq!(state(1).stamp, stamp);
        assert!(!state(2).deleted);
        assert_eq!(
            (state(2).stamp, state(2).libraries.clone()),
            (stamp, vec!["b".to_string()])
        );
        assert!(!state(5).deleted);
        assert!(
            state(5).stamp < stamp,
            "an unchanged cluster keeps its stamp"
        );
    }
}

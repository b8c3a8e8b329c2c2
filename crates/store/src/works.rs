//! Works: which manifestation clusters are editions, formats, volumes or
//! translations of one work, and why. Rewritten whole after a full
//! re-clustering; after an incremental one (work grouping still looks at
//! every cluster) only the works not as stored are written and those gone
//! removed. Ids are kept by overlap, so the table changes only where works
//! did.

use crate::{Store, StoreError};
use redb::{ReadableDatabase, ReadableTable, TableDefinition};
use serde::{Deserialize, Serialize};

const WORKS: TableDefinition<u64, &[u8]> = TableDefinition::new("works");

/// Why two clusters are one work (see `unicat_match::works::WorkLink`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkLinkEntry {
    /// One cluster.
    pub a: u64,
    /// The other.
    pub b: u64,
    /// The work title they share, folded.
    pub title: String,
    /// Where each side gives it: `uniform` (130/240) or `title` (245).
    pub from: (String, String),
    /// A name both give, folded.
    pub name: Option<String>,
}

/// One work as stored.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkEntry {
    /// Its manifestation clusters, in id order.
    pub clusters: Vec<u64>,
    /// Why they are one work: one link per cluster joined.
    pub links: Vec<WorkLinkEntry>,
    /// Related works (a film and the novel it adapts).
    pub related: Vec<u64>,
}

fn decode(bytes: &[u8]) -> Result<WorkEntry, StoreError> {
    postcard::from_bytes(bytes).map_err(|e| StoreError::Corrupt {
        library: "(works)".into(),
        record_id: String::new(),
        reason: e.to_string(),
    })
}

impl Store {
    /// One work.
    pub fn work(&self, id: u64) -> Result<Option<WorkEntry>, StoreError> {
        let txn = self.db().begin_read()?;
        let t = match txn.open_table(WORKS) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        t.get(id)?.map(|v| decode(v.value())).transpose()
    }

    /// The clusters of several works (empty for an unknown id), in the
    /// order asked, from one read transaction: a page of grouped results.
    pub fn clusters_of_works(&self, ids: &[u64]) -> Result<Vec<Vec<u64>>, StoreError> {
        let txn = self.db().begin_read()?;
        let t = match txn.open_table(WORKS) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(vec![Vec::new(); ids.len()]),
            Err(e) => return Err(e.into()),
        };
        ids.iter()
            .map(|&id| {
                Ok(t.get(id)?
                    .map(|v| decode(v.value()))
                    .transpose()?
                    .map(|w| w.clusters)
                    .unwrap_or_default())
            })
            .collect()
    }

    /// Calls `f` with every work, in id order, from one snapshot.
    pub fn for_each_work(
        &self,
        mut f: impl FnMut(u64, WorkEntry) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let txn = self.db().begin_read()?;
        let t = match txn.open_table(WORKS) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(()),
            Err(e) => return Err(e.into()),
        };
        for entry in t.iter()? {
            let (k, v) = entry?;
            f(k.value(), decode(v.value())?)?;
        }
        Ok(())
    }

    /// Every cluster's work id.
    pub fn work_of_clusters(&self) -> Result<std::collections::HashMap<u64, u64>, StoreError> {
        let mut out = std::collections::HashMap::new();
        self.for_each_work(|id, w| {
            out.extend(w.clusters.iter().map(|&c| (c, id)));
            Ok(())
        })?;
        Ok(out)
    }

    /// Every work, by id, from one snapshot.
    pub fn works(&self) -> Result<std::collections::HashMap<u64, WorkEntry>, StoreError> {
        let mut out = std::collections::HashMap::new();
        self.for_each_work(|id, w| {
            out.insert(id, w);
            Ok(())
        })?;
        Ok(out)
    }

    /// Removes and writes works in one transaction: after a re-clustering
    /// that changed a few works, the others stay as they are.
    pub fn apply_works(
        &self,
        removed: &[u64],
        upserted: &[(u64, &WorkEntry)],
    ) -> Result<(), StoreError> {
        let txn = self.db().begin_write()?;
        {
            let mut t = txn.open_table(WORKS)?;
            for id in removed {
                t.remove(*id)?;
            }
            for (id, w) in upserted {
                let bytes =
                    postcard::to_stdvec(w).map_err(|e| StoreError::Encode(e.to_string()))?;
                t.insert(*id, bytes.as_slice())?;
            }
        }
        txn.commit()?;
        Ok(())
    }

    /// Replaces every work at once.
    pub fn replace_works(&self, works: &[(u64, WorkEntry)]) -> Result<(), StoreError> {
        let mut by_id: Vec<(u64, Vec<u8>)> = works
            .iter()
            .map(|(id, w)| {
                postcard::to_stdvec(w)
                    .map(|b| (*id, b))
                    .map_err(|e| StoreError::Encode(e.to_string()))
            })
            .collect::<Result<_, _>>()?;
        by_id.sort_unstable_by_key(|(id, _)| *id);
        let txn = self.db().begin_write()?;
        txn.delete_table(WORKS)?;
        {
            let mut t = txn.open_table(WORKS)?;
            for (id, bytes) in &by_id {
                t.insert(*id, bytes.as_slice())?;
            }
        }
        txn.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn works_are_replaced_whole_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert!(store.work(1).unwrap().is_none());
        let w = WorkEntry {
            clusters: vec![10, 11],
            links: vec![WorkLinkEntry {
                a: 10,
                b: 11,
                title: "hobbit".into(),
                from: ("title".into(), "uniform".into()),
                name: Some("tolkien".into()),
            }],
            related: vec![2],
        };
        store
            .replace_works(&[
                (1, w.clone()),
                (
                    2,
                    WorkEntry {
                        clusters: vec![12],
                        ..WorkEntry::default()
                    },
                ),
            ])
            .unwrap();
        assert_eq!(store.work(1).unwrap(), Some(w));
        assert_eq!(store.work_of_clusters().unwrap()[&12], 2);
        store
            .replace_works(&[(
                3,
                WorkEntry {
                    clusters: vec![10],
                    ..WorkEntry::default()
                },
            )])
            .unwrap();
        assert!(store.work(1).unwrap().is_none());
        assert_eq!(store.work_of_clusters().unwrap().len(), 1);
    }

    #[test]
    fn applied_works_replace_and_remove_only_those_named() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let work = |clusters: Vec<u64>| WorkEntry {
            clusters,
            ..WorkEntry::default()
        };
        store
            .replace_works(&[
                (1, work(vec![10])),
                (2, work(vec![11])),
                (3, work(vec![12])),
            ])
            .unwrap();
        let joined = work(vec![10, 12]);
        store.apply_works(&[3], &[(1, &joined)]).unwrap();
        let works = store.works().unwrap();
        assert_eq!(works.len(), 2);
        assert_eq!(works[&1], joined);
        assert_eq!(works[&2], work(vec![11]));
        assert_eq!(store.work_of_clusters().unwrap()[&12], 1);
    }
}

//! Cluster assignments: which records form each cluster, and how each
//! member joined (the evidence itself is recomputed from the records when
//! asked, so it always says what the comparisons say now).

use crate::match_index::MatchIndexWriter;
use crate::{Store, StoreError};
use redb::{ReadableDatabase, ReadableTable, ReadableTableMetadata, TableDefinition};
use serde::{Deserialize, Serialize};

/// Written by stores before 2026-11-29 (record → cluster); nothing read
/// it, so it is no longer kept, and dropped at the next full re-clustering.
const CLUSTER_OF: TableDefinition<(&str, &str), u64> = TableDefinition::new("cluster_of");
pub(crate) const CLUSTERS: TableDefinition<u64, &[u8]> = TableDefinition::new("clusters");

/// A library record, by library id and record id.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MemberRef {
    /// Library id.
    pub library: String,
    /// The library's record id.
    pub record_id: String,
}

impl MemberRef {
    /// A reference.
    pub fn new(library: &str, record_id: &str) -> MemberRef {
        MemberRef {
            library: library.to_string(),
            record_id: record_id.to_string(),
        }
    }
}

/// One cluster as stored.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ClusterEntry {
    /// Its members, in the order they joined.
    pub members: Vec<MemberRef>,
    /// How members joined: (joiner, member it matched), as indexes into
    /// `members`.
    pub joins: Vec<(u32, u32)>,
}

pub(crate) fn decode(bytes: &[u8]) -> Result<ClusterEntry, StoreError> {
    postcard::from_bytes(bytes).map_err(|e| StoreError::Corrupt {
        library: "(clusters)".into(),
        record_id: String::new(),
        reason: e.to_string(),
    })
}

fn missing_ok<T>(r: Result<T, redb::TableError>) -> Result<Option<T>, StoreError> {
    match r {
        Ok(t) => Ok(Some(t)),
        Err(redb::TableError::TableDoesNotExist(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

impl Store {
    /// One cluster.
    pub fn cluster(&self, id: u64) -> Result<Option<ClusterEntry>, StoreError> {
        let txn = self.db().begin_read()?;
        let Some(t) = missing_ok(txn.open_table(CLUSTERS))? else {
            return Ok(None);
        };
        t.get(id)?.map(|v| decode(v.value())).transpose()
    }

    /// Number of clusters.
    pub fn cluster_count(&self) -> Result<u64, StoreError> {
        let txn = self.db().begin_read()?;
        Ok(missing_ok(txn.open_table(CLUSTERS))?
            .map(|t| t.len())
            .transpose()?
            .unwrap_or(0))
    }

    /// Calls `f` with every cluster, in id order, from one snapshot.
    pub fn for_each_cluster(
        &self,
        mut f: impl FnMut(u64, ClusterEntry) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let txn = self.db().begin_read()?;
        let Some(t) = missing_ok(txn.open_table(CLUSTERS))? else {
            return Ok(());
        };
        for entry in t.iter()? {
            let (k, v) = entry?;
            f(k.value(), decode(v.value())?)?;
        }
        Ok(())
    }

    /// Replaces clusters in one transaction: `removed` go, `upserted` are
    /// written (their previous membership, if any, replaced). The key
    /// index is not kept (see [`write_clustering`](Self::write_clustering)):
    /// the next re-clustering reads every view.
    pub fn apply_clusters(
        &self,
        removed: &[u64],
        upserted: &[(u64, ClusterEntry)],
    ) -> Result<(), StoreError> {
        let txn = self.db().begin_write()?;
        write_incremental(&txn, removed, upserted)?;
        crate::match_index::invalidate(&txn)?;
        txn.commit()?;
        Ok(())
    }

    /// Replaces every cluster at once (a full re-clustering): both tables
    /// are dropped and written again in key order, which is much faster
    /// than removing and inserting cluster by cluster. The key index is not
    /// kept, as with [`apply_clusters`](Self::apply_clusters).
    pub fn replace_clusters(&self, entries: &[(u64, ClusterEntry)]) -> Result<(), StoreError> {
        let txn = self.db().begin_write()?;
        write_full(&txn, entries)?;
        crate::match_index::invalidate(&txn)?;
        txn.commit()?;
        Ok(())
    }

    /// Writes a re-clustering (every cluster when `full`, else `removed`
    /// and `upserted` as [`apply_clusters`](Self::apply_clusters) does)
    /// with the key index and work profiles that describe it, which `fill`
    /// writes (after dropping them, when `full`), in one transaction.
    ///
    /// `whole_index` drops the key index and profiles first (they are
    /// written whole even after an incremental re-clustering, when the
    /// store had none).
    pub fn write_clustering(
        &self,
        full: bool,
        whole_index: bool,
        removed: &[u64],
        upserted: &[(u64, ClusterEntry)],
        fill: impl FnOnce(&mut MatchIndexWriter<'_>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let txn = self.db().begin_write()?;
        if full {
            write_full(&txn, upserted)?;
        } else {
            write_incremental(&txn, removed, upserted)?;
        }
        crate::match_index::write(&txn, full || whole_index, fill)?;
        txn.commit()?;
        Ok(())
    }
}

fn write_incremental(
    txn: &redb::WriteTransaction,
    removed: &[u64],
    upserted: &[(u64, ClusterEntry)],
) -> Result<(), StoreError> {
    let mut clusters = txn.open_table(CLUSTERS)?;
    for id in removed {
        clusters.remove(*id)?;
    }
    for (id, entry) in upserted {
        let bytes = postcard::to_stdvec(entry).map_err(|e| StoreError::Encode(e.to_string()))?;
        clusters.insert(*id, bytes.as_slice())?;
    }
    Ok(())
}

fn write_full(
    txn: &redb::WriteTransaction,
    entries: &[(u64, ClusterEntry)],
) -> Result<(), StoreError> {
    let mut by_id: Vec<(u64, Vec<u8>)> = entries
        .iter()
        .map(|(id, e)| {
            postcard::to_stdvec(e)
                .map(|b| (*id, b))
                .map_err(|e| StoreError::Encode(e.to_string()))
        })
        .collect::<Result<_, _>>()?;
    by_id.sort_unstable_by_key(|(id, _)| *id);
    txn.delete_table(CLUSTERS)?;
    txn.delete_table(CLUSTER_OF)?;
    let mut clusters = txn.open_table(CLUSTERS)?;
    for (id, bytes) in &by_id {
        clusters.insert(*id, bytes.as_slice())?;
    }
    Ok(())
}

//! One library's harvest: staged in batches, committed atomically.

use crate::{HarvestState, STATE, Store, StoreError, StoredRecord, records_table, staging_table};
use redb::{ReadableTable, ReadableTableMetadata, TableDefinition};

/// How a harvest's records relate to what the store already holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HarvestMode {
    /// The harvest is the library's whole catalogue: records not seen again
    /// are deleted (files, HTTP exports, full OAI-PMH harvests, `--full`).
    Replace,
    /// The harvest carries changes only: upserts and explicit deletions
    /// (incremental OAI-PMH).
    Merge,
}

/// What a committed harvest changed, by record id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// New records.
    pub added: Vec<String>,
    /// Records whose content changed.
    pub updated: Vec<String>,
    /// Records removed.
    pub deleted: Vec<String>,
    /// Records seen again unchanged.
    pub unchanged: u64,
    /// Record ids that appeared more than once in a full harvest (the last
    /// one was kept).
    pub duplicates: Vec<String>,
    /// Records the library holds after the commit.
    pub total: u64,
}

impl Changes {
    /// Every record id whose clusters must be looked at again.
    pub fn touched(&self) -> impl Iterator<Item = &str> {
        self.added
            .iter()
            .chain(&self.updated)
            .chain(&self.deleted)
            .map(String::as_str)
    }

    /// True when nothing changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.updated.is_empty() && self.deleted.is_empty()
    }
}

const BATCH_RECORDS: usize = 16384;
const BATCH_BYTES: usize = 32 << 20;

/// A harvest of one library in progress. Records go to a staging table in
/// batches (each its own transaction, so memory stays bounded);
/// nothing is visible until [`commit`](Self::commit), and dropping the
/// session or calling [`abort`](Self::abort) leaves the library as it was.
pub struct HarvestSession<'s> {
    store: &'s Store,
    library: String,
    mode: HarvestMode,
    batch: Vec<(String, Option<Vec<u8>>)>,
    batch_bytes: usize,
    duplicates: Vec<String>,
    finished: bool,
}

type Table<'a> = TableDefinition<'a, &'static str, &'static [u8]>;

impl<'s> HarvestSession<'s> {
    pub(crate) fn begin(
        store: &'s Store,
        library: &str,
        mode: HarvestMode,
    ) -> Result<Self, StoreError> {
        // A staging table left by a crash is discarded.
        let txn = store.db().begin_write()?;
        txn.delete_table(Table::new(&staging_table(library)))?;
        txn.commit()?;
        Ok(HarvestSession {
            store,
            library: library.to_string(),
            mode,
            batch: Vec::with_capacity(BATCH_RECORDS),
            batch_bytes: 0,
            duplicates: Vec::new(),
            finished: false,
        })
    }

    /// The mode.
    pub fn mode(&self) -> HarvestMode {
        self.mode
    }

    /// Stages a record (encoded with [`StoredRecord::encode`]).
    pub fn put(&mut self, record_id: String, encoded: Vec<u8>) -> Result<(), StoreError> {
        self.batch_bytes += encoded.len() + record_id.len();
        self.batch.push((record_id, Some(encoded)));
        self.maybe_flush()
    }

    /// Stages a deletion (an OAI-PMH record with `status="deleted"`).
    pub fn delete(&mut self, record_id: String) -> Result<(), StoreError> {
        self.batch_bytes += record_id.len();
        self.batch.push((record_id, None));
        self.maybe_flush()
    }

    /// The record ids staged more than once so far (a full harvest's
    /// duplicates), after writing the pending batch.
    pub fn duplicates(&mut self) -> Result<&[String], StoreError> {
        if !self.batch.is_empty() {
            let txn = self.store.db().begin_write()?;
            self.write_batch(&txn)?;
            txn.commit()?;
        }
        Ok(&self.duplicates)
    }

    fn maybe_flush(&mut self) -> Result<(), StoreError> {
        if self.batch.len() >= BATCH_RECORDS || self.batch_bytes >= BATCH_BYTES {
            // Each batch is its own (durable: redb shares the file between
            // processes only with durable commits) transaction; a crash
            // leaves a staging table that the next harvest discards.
            let txn = self.store.db().begin_write()?;
            self.write_batch(&txn)?;
            txn.commit()?;
        }
        Ok(())
    }

    fn write_batch(&mut self, txn: &redb::WriteTransaction) -> Result<(), StoreError> {
        let name = staging_table(&self.library);
        let mut staging = txn.open_table(Table::new(&name))?;
        for (id, value) in self.batch.drain(..) {
            match (value, self.mode) {
                (Some(bytes), mode) => {
                    let old = staging.insert(id.as_str(), bytes.as_slice())?;
                    if mode == HarvestMode::Replace && old.is_some() {
                        self.duplicates.push(id);
                    }
                }
                (None, HarvestMode::Replace) => {
                    staging.remove(id.as_str())?;
                }
                // An empty value marks a deletion to apply at commit.
                (None, HarvestMode::Merge) => {
                    staging.insert(id.as_str(), &[][..])?;
                }
            }
        }
        self.batch_bytes = 0;
        Ok(())
    }

    /// Makes the harvest visible, atomically, with the library's new
    /// checkpoint; returns what changed. `state.records` and the counts are
    /// filled in here.
    pub fn commit(mut self, mut state: HarvestState) -> Result<Changes, StoreError> {
        let txn = self.store.db().begin_write()?;
        self.write_batch(&txn)?;
        let main_name = records_table(&self.library);
        let staging_name = staging_table(&self.library);
        let mut changes = Changes {
            duplicates: std::mem::take(&mut self.duplicates),
            ..Changes::default()
        };
        match self.mode {
            HarvestMode::Replace => {
                {
                    let main = txn.open_table(Table::new(&main_name))?;
                    let staging = txn.open_table(Table::new(&staging_name))?;
                    diff_sorted(&main, &staging, &mut changes)?;
                }
                txn.delete_table(Table::new(&main_name))?;
                txn.rename_table(Table::new(&staging_name), Table::new(&main_name))?;
            }
            HarvestMode::Merge => {
                {
                    let mut main = txn.open_table(Table::new(&main_name))?;
                    let staging = txn.open_table(Table::new(&staging_name))?;
                    for entry in staging.iter()? {
                        let (k, v) = entry?;
                        let id = k.value();
                        let new = v.value();
                        if new.is_empty() {
                            if main.remove(id)?.is_some() {
                                changes.deleted.push(id.to_string());
                            }
                            continue;
                        }
                        let old_hash = main.get(id)?.map(|old| StoredRecord::hash_of(old.value()));
                        match old_hash {
                            None => changes.added.push(id.to_string()),
                            Some(h) if h != StoredRecord::hash_of(new) => {
                                changes.updated.push(id.to_string())
                            }
                            Some(_) => changes.unchanged += 1,
                        }
                        main.insert(id, new)?;
                    }
                }
                txn.delete_table(Table::new(&staging_name))?;
            }
        }
        changes.total = txn.open_table(Table::new(&main_name))?.len()?;
        state.records = changes.total;
        state.added = changes.added.len() as u64;
        state.updated = changes.updated.len() as u64;
        state.deleted = changes.deleted.len() as u64;
        state.last_error = None;
        {
            let mut table = txn.open_table(STATE)?;
            let bytes =
                postcard::to_stdvec(&state).map_err(|e| StoreError::Encode(e.to_string()))?;
            table.insert(self.library.as_str(), bytes.as_slice())?;
        }
        txn.commit()?;
        self.finished = true;
        Ok(changes)
    }

    /// Throws the staged records away; the library stays as it was.
    pub fn abort(mut self) -> Result<(), StoreError> {
        self.finished = true;
        let txn = self.store.db().begin_write()?;
        txn.delete_table(Table::new(&staging_table(&self.library)))?;
        txn.commit()?;
        Ok(())
    }
}

impl Drop for HarvestSession<'_> {
    fn drop(&mut self) {
        if !self.finished
            && let Ok(txn) = self.store.db().begin_write()
        {
            let _ = txn.delete_table(Table::new(&staging_table(&self.library)));
            let _ = txn.commit();
        }
    }
}

/// Compares the old and new tables of a full harvest in one pass over both
/// (both are sorted by record id), reading only the 8-byte hashes.
fn diff_sorted(
    main: &impl ReadableTable<&'static str, &'static [u8]>,
    staging: &impl ReadableTable<&'static str, &'static [u8]>,
    changes: &mut Changes,
) -> Result<(), StoreError> {
    let mut old = main.iter()?;
    let mut new = staging.iter()?;
    let mut a = old.next().transpose()?;
    let mut b = new.next().transpose()?;
    loop {
        match (&a, &b) {
            (None, None) => return Ok(()),
            (Some((ka, _)), None) => {
                changes.deleted.push(ka.value().to_string());
                a = old.next().transpose()?;
            }
            (None, Some((kb, _))) => {
                changes.added.push(kb.value().to_string());
                b = new.next().transpose()?;
            }
            (Some((ka, va)), Some((kb, vb))) => match ka.value().cmp(kb.value()) {
                std::cmp::Ordering::Less => {
                    changes.deleted.push(ka.value().to_string());
                    a = old.next().transpose()?;
                }
                std::cmp::Ordering::Greater => {
                    changes.added.push(kb.value().to_string());
                    b = new.next().transpose()?;
                }
                std::cmp::Ordering::Equal => {
                    if StoredRecord::hash_of(va.value()) == StoredRecord::hash_of(vb.value()) {
                        changes.unchanged += 1;
                    } else {
                        changes.updated.push(kb.value().to_string());
                    }
                    a = old.next().transpose()?;
                    b = new.next().transpose()?;
                }
            },
        }
    }
}

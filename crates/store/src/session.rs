//! One library's harvest: staged in batches, committed atomically.

use crate::holdings::{bib_of_key, hash_of, holdings_staging_table, holdings_table};
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
    /// Bibliographic records (ids) whose holdings records changed, came or
    /// went while the record itself did not change: their clusters'
    /// documents are rebuilt.
    pub holdings_changed: Vec<String>,
    /// Holdings records the library holds after the commit.
    pub holdings_total: u64,
}

impl Changes {
    /// Every record id whose clusters must be looked at again.
    pub fn touched(&self) -> impl Iterator<Item = &str> {
        self.added
            .iter()
            .chain(&self.updated)
            .chain(&self.deleted)
            .chain(&self.holdings_changed)
            .map(String::as_str)
    }

    /// True when nothing changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.updated.is_empty()
            && self.deleted.is_empty()
            && self.holdings_changed.is_empty()
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
    holdings: Vec<(String, Vec<u8>)>,
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
        txn.delete_table(Table::new(&holdings_staging_table(library)))?;
        txn.commit()?;
        Ok(HarvestSession {
            store,
            library: library.to_string(),
            mode,
            batch: Vec::with_capacity(BATCH_RECORDS),
            holdings: Vec::new(),
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

    /// Stages a holdings record under its key (see
    /// [`holdings_key`](crate::holdings_key); encoded with
    /// [`encode_holdings`](crate::encode_holdings)).
    pub fn put_holdings(&mut self, key: String, encoded: Vec<u8>) -> Result<(), StoreError> {
        self.batch_bytes += encoded.len() + key.len();
        self.holdings.push((key, encoded));
        self.maybe_flush()
    }

    /// Moves the staged holdings of bib ids to other ids (`(from, to)`):
    /// holdings that named a bib by its 001 when the library identifies
    /// its records by another field.
    pub fn relink_holdings(&mut self, moves: &[(String, String)]) -> Result<(), StoreError> {
        if moves.is_empty() {
            return Ok(());
        }
        let txn = self.store.db().begin_write()?;
        self.write_batch(&txn)?;
        {
            let name = holdings_staging_table(&self.library);
            let mut staging = txn.open_table(Table::new(&name))?;
            for (from, to) in moves {
                let lo = crate::holdings_key(from, "");
                let hi = format!("{from}\u{20}");
                let found: Vec<(String, Vec<u8>)> = staging
                    .range(lo.as_str()..hi.as_str())?
                    .map(|e| e.map(|(k, v)| (k.value().to_string(), v.value().to_vec())))
                    .collect::<Result<_, _>>()?;
                for (key, value) in found {
                    staging.remove(key.as_str())?;
                    let rest = &key[lo.len()..];
                    staging.insert(crate::holdings_key(to, rest).as_str(), value.as_slice())?;
                }
            }
        }
        txn.commit()?;
        Ok(())
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
        if !self.batch.is_empty() || !self.holdings.is_empty() {
            let txn = self.store.db().begin_write()?;
            self.write_batch(&txn)?;
            txn.commit()?;
        }
        Ok(&self.duplicates)
    }

    fn maybe_flush(&mut self) -> Result<(), StoreError> {
        if self.batch.len() + self.holdings.len() >= BATCH_RECORDS
            || self.batch_bytes >= BATCH_BYTES
        {
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
        // In id order: a B-tree takes sorted inserts for much less than
        // random ones (records of an OAI-PMH harvest come in datestamp
        // order, ids at random). The sort is stable, so a record staged
        // twice in one batch still keeps its last version.
        self.batch.sort_by(|a, b| a.0.cmp(&b.0));
        self.holdings.sort_by(|a, b| a.0.cmp(&b.0));
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
        if !self.holdings.is_empty() {
            let name = holdings_staging_table(&self.library);
            let mut staging = txn.open_table(Table::new(&name))?;
            for (key, value) in self.holdings.drain(..) {
                staging.insert(key.as_str(), value.as_slice())?;
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
        let holdings_name = holdings_table(&self.library);
        let hstaging_name = holdings_staging_table(&self.library);
        let mut changes = Changes {
            duplicates: std::mem::take(&mut self.duplicates),
            ..Changes::default()
        };
        let mut holdings_changed: Vec<String> = Vec::new();
        match self.mode {
            HarvestMode::Replace => {
                {
                    let main = txn.open_table(Table::new(&main_name))?;
                    let staging = txn.open_table(Table::new(&staging_name))?;
                    diff_sorted(&main, &staging, &mut changes)?;
                }
                txn.delete_table(Table::new(&main_name))?;
                txn.rename_table(Table::new(&staging_name), Table::new(&main_name))?;
                {
                    let main = txn.open_table(Table::new(&holdings_name))?;
                    let staging = txn.open_table(Table::new(&hstaging_name))?;
                    diff_holdings(&main, &staging, &mut holdings_changed)?;
                }
                txn.delete_table(Table::new(&holdings_name))?;
                txn.rename_table(Table::new(&hstaging_name), Table::new(&holdings_name))?;
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
                {
                    let mut main = txn.open_table(Table::new(&holdings_name))?;
                    let staging = txn.open_table(Table::new(&hstaging_name))?;
                    for entry in staging.iter()? {
                        let (k, v) = entry?;
                        let old = main.get(k.value())?.map(|o| hash_of(o.value()));
                        if old != Some(hash_of(v.value())) {
                            holdings_changed.push(bib_of_key(k.value()).to_string());
                        }
                        main.insert(k.value(), v.value())?;
                    }
                    // Deleted records take their holdings along: a deleted
                    // bib its holdings, a deleted holdings record itself.
                    if !changes.deleted.is_empty() {
                        let deleted: std::collections::HashSet<&str> =
                            changes.deleted.iter().map(String::as_str).collect();
                        let mut gone = Vec::new();
                        for entry in main.iter()? {
                            let (k, _) = entry?;
                            let key = k.value();
                            let bib = bib_of_key(key);
                            let own = &key[(bib.len() + 1).min(key.len())..];
                            if deleted.contains(bib) || deleted.contains(own) {
                                gone.push(key.to_string());
                            }
                        }
                        for key in gone {
                            main.remove(key.as_str())?;
                            holdings_changed.push(bib_of_key(&key).to_string());
                        }
                    }
                }
                txn.delete_table(Table::new(&hstaging_name))?;
            }
        }
        holdings_changed.sort();
        holdings_changed.dedup();
        // A bib that changed itself is already touched.
        {
            let touched: std::collections::HashSet<&str> = changes
                .added
                .iter()
                .chain(&changes.updated)
                .chain(&changes.deleted)
                .map(String::as_str)
                .collect();
            holdings_changed.retain(|b| !touched.contains(b.as_str()));
        }
        changes.holdings_changed = holdings_changed;
        changes.holdings_total = txn.open_table(Table::new(&holdings_name))?.len()?;
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
        if !changes.is_empty() {
            // Until clustering and indexing have seen these changes (see
            // `Store::set_unpublished`).
            txn.open_table(crate::META)?
                .insert("unpublished", &b"1"[..])?;
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
        txn.delete_table(Table::new(&holdings_staging_table(&self.library)))?;
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
            let _ = txn.delete_table(Table::new(&holdings_staging_table(&self.library)));
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

/// Compares the old and new holdings tables of a full harvest (both
/// sorted by key, so by bib): every bib whose holdings differ.
fn diff_holdings(
    main: &impl ReadableTable<&'static str, &'static [u8]>,
    staging: &impl ReadableTable<&'static str, &'static [u8]>,
    changed: &mut Vec<String>,
) -> Result<(), StoreError> {
    let mut old = main.iter()?;
    let mut new = staging.iter()?;
    let mut a = old.next().transpose()?;
    let mut b = new.next().transpose()?;
    let mut push = |key: &str| {
        let bib = bib_of_key(key);
        if changed.last().map(String::as_str) != Some(bib) {
            changed.push(bib.to_string());
        }
    };
    loop {
        match (&a, &b) {
            (None, None) => return Ok(()),
            (Some((ka, _)), None) => {
                push(ka.value());
                a = old.next().transpose()?;
            }
            (None, Some((kb, _))) => {
                push(kb.value());
                b = new.next().transpose()?;
            }
            (Some((ka, va)), Some((kb, vb))) => match ka.value().cmp(kb.value()) {
                std::cmp::Ordering::Less => {
                    push(ka.value());
                    a = old.next().transpose()?;
                }
                std::cmp::Ordering::Greater => {
                    push(kb.value());
                    b = new.next().transpose()?;
                }
                std::cmp::Ordering::Equal => {
                    if hash_of(va.value()) != hash_of(vb.value()) {
                        push(kb.value());
                    }
                    a = old.next().transpose()?;
                    b = new.next().transpose()?;
                }
            },
        }
    }
}

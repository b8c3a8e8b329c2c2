//! The record store: every library's records, kept between harvests.
//!
//! This crate owns `store.redb` in a network's `index_dir`: per library, each
//! record's id, its normalised description ([`BibRecord`]), its raw MARC
//! (ISO 2709, compact), its holdings, and the library's harvest checkpoint
//! ([`HarvestState`]); and, for the whole network, which cluster each record
//! belongs to, and when each cluster last changed (the change log of
//! `changes.rs`, with persistent deletions, that the OAI-PMH provider lists
//! from), and the clustering's key index and work profiles
//! (`match_index.rs`), so that a harvest re-clusters near its changes. Clustering and the search index are rebuilt from it.
//!
//! redb was chosen because it is an embedded, pure-Rust, transactional
//! B-tree with MVCC readers: a harvest writes while the server reads, a
//! commit is atomic and a crash leaves the last committed state.
//!
//! A harvest of one library is a [`HarvestSession`]: records are staged in
//! batches (bounded memory, whatever the library's size) and become visible
//! only at [`HarvestSession::commit`], in one transaction that also computes
//! what changed. If the harvest fails midway, or the process dies, the
//! library's previous records stay exactly as they were.
//!
//! It does no matching and no indexing. Start from [`Store::open`].

mod backup;
mod changes;
mod clusters;
mod encoded;
mod error;
mod holdings;
mod match_index;
mod session;
mod state;
mod works;

pub use backup::{CopyCounts, PublishMark, StoreSnapshot};
pub use changes::{ClusterChange, PublishedCluster, StagedChanges};
pub use clusters::{ClusterEntry, MemberRef};
pub use encoded::{Description, LAYOUT, StoredRecord, content_hash};
pub use error::StoreError;
pub use holdings::{LINK_SEPARATOR, bib_of_key, decode_holdings, encode_holdings, holdings_key};
pub use match_index::{KeyBucket, MatchIndexWriter, MatchRecord, push_record_name, record_name};
pub use session::{Changes, HarvestMode, HarvestSession};
pub use state::{ExportFile, ExportFingerprint, HarvestState};
pub use works::{WorkEntry, WorkLinkEntry};

use redb::{ReadableDatabase, ReadableTable, ReadableTableMetadata, TableDefinition, TableHandle};
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
pub use unicat_bib::BibRecord;

/// The file name inside `index_dir`.
pub const STORE_FILE: &str = "store.redb";

const STATE: TableDefinition<&str, &[u8]> = TableDefinition::new("harvest_state");
pub(crate) const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");

pub(crate) fn records_table(library: &str) -> String {
    format!("records/{library}")
}

pub(crate) fn staging_table(library: &str) -> String {
    format!("staging/{library}")
}

/// The record store of one network.
pub struct Store {
    db: redb::Database,
    path: PathBuf,
}

/// redb's page cache for harvesting. Its default (1 GiB) would hold most of
/// a large network's store in memory; a harvest's reads are sequential scans
/// or point lookups, which the kernel's page cache serves as well. A large
/// redb cache costs more than it saves: filling it allocates (and faults in)
/// fresh memory page by page, and every hit pays for its bookkeeping. On
/// net500k, 128 MiB → 8 MiB took the whole harvest from 24.1–24.8 s to
/// 22.6–22.9 s (clustering's scan of every view 1.85 → 0.98 s) and the peak
/// RSS from 1.07 to 0.91 GB (BENCHMARKS.md).
pub const CACHE_BYTES: usize = 8 << 20;

/// The page cache for serving: searches never touch the store, only cluster
/// details and SRU records do (point lookups), so the server keeps its
/// memory for the index.
pub const SERVING_CACHE_BYTES: usize = 32 << 20;

impl Store {
    /// Opens (creating if needed) the store in `index_dir`. Other processes
    /// may open the same store at the same time (one write transaction at a
    /// time), so `unicat search` works while `unicat serve` runs.
    pub fn open(index_dir: &Path) -> Result<Store, StoreError> {
        Store::open_with_cache(index_dir, CACHE_BYTES)
    }

    /// Opens the store with a page cache of `cache_bytes` (see
    /// [`CACHE_BYTES`] and [`SERVING_CACHE_BYTES`]).
    pub fn open_with_cache(index_dir: &Path, cache_bytes: usize) -> Result<Store, StoreError> {
        std::fs::create_dir_all(index_dir)
            .map_err(|e| StoreError::Io(index_dir.to_path_buf(), e))?;
        let path = index_dir.join(STORE_FILE);
        let db = redb::Builder::new()
            .set_concurrency_mode(redb::ConcurrencyMode::MultiWriter)
            .set_cache_size(cache_bytes)
            .create(&path)
            .map_err(|e| StoreError::open(&path, e))?;
        let store = Store { db, path };
        store.check_version()?;
        Ok(store)
    }

    /// Opens the store for a harvest: a store written by an incompatible
    /// version of Unicat is deleted and a new one created (it only holds
    /// what the libraries' catalogs hold, so a full harvest rebuilds it).
    /// Returns the store and whether it was replaced.
    pub fn open_or_replace(index_dir: &Path) -> Result<(Store, bool), StoreError> {
        match Store::open(index_dir) {
            Err(StoreError::Version { path, .. }) => {
                std::fs::remove_file(&path).map_err(|e| StoreError::Io(path.clone(), e))?;
                Ok((Store::open(index_dir)?, true))
            }
            other => other.map(|s| (s, false)),
        }
    }

    /// Marks (or clears) that the search index may be behind the stored
    /// clusters: set before cluster assignments are written, cleared once
    /// the index has committed them. A harvest that finds it set (the last
    /// one died in between) rebuilds the index. Clearing it also clears
    /// the unpublished mark (see [`set_unpublished`](Self::set_unpublished))
    /// and counts one more published generation (see
    /// [`publish_mark`](Self::publish_mark)).
    pub fn set_index_pending(&self, pending: bool) -> Result<(), StoreError> {
        let txn = self.db.begin_write()?;
        {
            let mut meta = txn.open_table(META)?;
            if pending {
                meta.insert("index_pending", &b"1"[..])?;
            } else {
                // Clusters and index are level with every record: one
                // more generation published. A key index that described
                // the clusters still does, unless this publishes the
                // clusters it was written for (then it already names the
                // next generation).
                match_index::carry_forward(&mut meta)?;
                let generation = meta
                    .get("published")?
                    .and_then(|v| v.value().try_into().ok().map(u64::from_le_bytes))
                    .unwrap_or(0);
                meta.insert("published", &(generation + 1).to_le_bytes()[..])?;
                meta.remove("index_pending")?;
                meta.remove("unpublished")?;
            }
        }
        txn.commit()?;
        Ok(())
    }

    /// True when the index may be behind the stored clusters (see
    /// [`set_index_pending`](Self::set_index_pending)).
    pub fn index_pending(&self) -> Result<bool, StoreError> {
        let txn = self.db.begin_read()?;
        let meta = match txn.open_table(META) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(false),
            Err(e) => return Err(e.into()),
        };
        Ok(meta.get("index_pending")?.is_some())
    }

    /// The store's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn meta(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let txn = self.db.begin_read()?;
        let meta = match txn.open_table(META) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        Ok(meta.get(key)?.map(|v| v.value().to_vec()))
    }

    fn set_meta(&self, key: &str, value: &[u8]) -> Result<(), StoreError> {
        let txn = self.db.begin_write()?;
        {
            let mut meta = txn.open_table(META)?;
            meta.insert(key, value)?;
        }
        txn.commit()?;
        Ok(())
    }

    /// True when every record was written by this version (see
    /// [`StoredRecord::is_current`]): the mark is set by
    /// [`set_records_current`](Self::set_records_current) once a harvest has
    /// upgraded them. A store without the mark and without records is
    /// current.
    pub fn records_current(&self) -> Result<bool, StoreError> {
        let mark = [LAYOUT, unicat_match::VIEW_VERSION];
        Ok(match self.meta("record_layout")? {
            Some(v) => v == mark,
            None => self.libraries()?.is_empty(),
        })
    }

    /// Marks every record as written by this version.
    pub fn set_records_current(&self) -> Result<(), StoreError> {
        self.set_meta("record_layout", &[LAYOUT, unicat_match::VIEW_VERSION])
    }

    /// Makes the next harvest look at every record's version (after
    /// restoring records written by an earlier version, say).
    pub fn set_records_stale(&self) -> Result<(), StoreError> {
        self.set_meta("record_layout", &[0, 0])
    }

    /// The version of the matching rules the stored clusters were made
    /// with (`unicat_match::VIEW_VERSION`), if any.
    pub fn match_rules(&self) -> Result<Option<u8>, StoreError> {
        Ok(self.meta("match_rules")?.and_then(|v| v.first().copied()))
    }

    /// Records the version of the matching rules the stored clusters were
    /// made with.
    pub fn set_match_rules(&self, version: u8) -> Result<(), StoreError> {
        self.set_meta("match_rules", &[version])
    }

    /// Replaces stored values of a library's records, in one transaction
    /// (an upgrade of records written by an earlier version). Ids not in
    /// the library are ignored.
    pub fn replace_values(
        &self,
        library: &str,
        values: &[(String, Vec<u8>)],
    ) -> Result<(), StoreError> {
        let txn = self.db.begin_write()?;
        {
            let name = records_table(library);
            let mut table = txn.open_table(TableDefinition::<&str, &[u8]>::new(&name))?;
            for (id, value) in values {
                if table.get(id.as_str())?.is_some() {
                    table.insert(id.as_str(), value.as_slice())?;
                }
            }
        }
        txn.commit()?;
        Ok(())
    }

    fn check_version(&self) -> Result<(), StoreError> {
        const VERSION: &[u8] = b"2";
        let txn = self.db.begin_write()?;
        {
            let mut meta = txn.open_table(META)?;
            let current = meta.get("schema_version")?.map(|v| v.value().to_vec());
            match current {
                None => {
                    meta.insert("schema_version", VERSION)?;
                }
                Some(v) if v == VERSION => {}
                Some(v) => {
                    return Err(StoreError::Version {
                        path: self.path.clone(),
                        found: String::from_utf8_lossy(&v).into_owned(),
                    });
                }
            }
        }
        txn.commit()?;
        Ok(())
    }

    /// Starts harvesting one library. See [`HarvestSession`].
    pub fn begin_harvest(
        &self,
        library: &str,
        mode: HarvestMode,
    ) -> Result<HarvestSession<'_>, StoreError> {
        HarvestSession::begin(self, library, mode)
    }

    /// One record of a library.
    pub fn record(
        &self,
        library: &str,
        record_id: &str,
    ) -> Result<Option<StoredRecord>, StoreError> {
        let txn = self.db.begin_read()?;
        let name = records_table(library);
        let table = match txn.open_table(TableDefinition::<&str, &[u8]>::new(&name)) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        match table.get(record_id)? {
            Some(v) => Ok(Some(StoredRecord::decode(v.value()).map_err(|e| {
                StoreError::Corrupt {
                    library: library.to_string(),
                    record_id: record_id.to_string(),
                    reason: e,
                }
            })?)),
            None => Ok(None),
        }
    }

    /// The ids of the libraries that have records in the store.
    pub fn libraries(&self) -> Result<Vec<String>, StoreError> {
        let txn = self.db.begin_read()?;
        let mut out: Vec<String> = txn
            .list_tables()?
            .filter_map(|t| t.name().strip_prefix("records/").map(str::to_string))
            .collect();
        out.sort();
        Ok(out)
    }

    /// Number of records of a library.
    pub fn count(&self, library: &str) -> Result<u64, StoreError> {
        let txn = self.db.begin_read()?;
        let name = records_table(library);
        match txn.open_table(TableDefinition::<&str, &[u8]>::new(&name)) {
            Ok(t) => Ok(t.len()?),
            Err(redb::TableError::TableDoesNotExist(_)) => Ok(0),
            Err(e) => Err(e.into()),
        }
    }

    /// Calls `f` with every record of a library, in record-id order, from one
    /// consistent snapshot. `f` gets the raw encoded value; decode what you
    /// need with [`StoredRecord::decode`].
    pub fn for_each_encoded(
        &self,
        library: &str,
        mut f: impl FnMut(&str, &[u8]) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let txn = self.db.begin_read()?;
        let name = records_table(library);
        let table = match txn.open_table(TableDefinition::<&str, &[u8]>::new(&name)) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(()),
            Err(e) => return Err(e.into()),
        };
        for entry in table.iter()? {
            let (k, v) = entry?;
            f(k.value(), v.value())?;
        }
        Ok(())
    }

    /// The harvest checkpoint of a library.
    pub fn harvest_state(&self, library: &str) -> Result<Option<HarvestState>, StoreError> {
        let txn = self.db.begin_read()?;
        let table = match txn.open_table(STATE) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        Ok(match table.get(library)? {
            Some(v) => Some(
                HarvestState::decode(v.value()).map_err(|e| StoreError::Corrupt {
                    library: library.to_string(),
                    record_id: "(harvest state)".into(),
                    reason: e.to_string(),
                })?,
            ),
            None => None,
        })
    }

    /// Writes a library's checkpoint alone, in one transaction: a harvest
    /// that found the export unchanged (no records to stage, nothing to
    /// diff). Returns the records and holdings records the library holds.
    pub fn write_checkpoint(
        &self,
        library: &str,
        state: &HarvestState,
    ) -> Result<(u64, u64), StoreError> {
        let txn = self.db.begin_write()?;
        let held = {
            let records = txn
                .open_table(TableDefinition::<&str, &[u8]>::new(&records_table(library)))?
                .len()?;
            let holdings = txn
                .open_table(TableDefinition::<&str, &[u8]>::new(
                    &holdings::holdings_table(library),
                ))?
                .len()?;
            let mut table = txn.open_table(STATE)?;
            let mut state = state.clone();
            state.records = records;
            let bytes =
                postcard::to_stdvec(&state).map_err(|e| StoreError::Encode(e.to_string()))?;
            table.insert(library, bytes.as_slice())?;
            (records, holdings)
        };
        txn.commit()?;
        Ok(held)
    }

    /// Records a failed harvest attempt in a library's checkpoint, leaving its
    /// records and its last success untouched.
    pub fn record_failure(&self, library: &str, when: u64, reason: &str) -> Result<(), StoreError> {
        let mut state = self.harvest_state(library)?.unwrap_or_default();
        state.last_attempt = Some(when);
        state.last_error = Some(reason.to_string());
        let txn = self.db.begin_write()?;
        {
            let mut table = txn.open_table(STATE)?;
            let bytes =
                postcard::to_stdvec(&state).map_err(|e| StoreError::Encode(e.to_string()))?;
            table.insert(library, bytes.as_slice())?;
        }
        txn.commit()?;
        Ok(())
    }

    /// Removes a library and its checkpoint (a library taken out of the
    /// network). Returns the ids its records had.
    pub fn remove_library(&self, library: &str) -> Result<Vec<String>, StoreError> {
        let mut ids = Vec::new();
        self.for_each_encoded(library, |id, _| {
            ids.push(id.to_string());
            Ok(())
        })?;
        let txn = self.db.begin_write()?;
        txn.delete_table(TableDefinition::<&str, &[u8]>::new(&records_table(library)))?;
        txn.delete_table(TableDefinition::<&str, &[u8]>::new(&staging_table(library)))?;
        txn.delete_table(TableDefinition::<&str, &[u8]>::new(
            &holdings::holdings_table(library),
        ))?;
        txn.delete_table(TableDefinition::<&str, &[u8]>::new(
            &holdings::holdings_staging_table(library),
        ))?;
        {
            let mut state = txn.open_table(STATE)?;
            state.remove(library)?;
        }
        if !ids.is_empty() {
            txn.open_table(META)?.insert("unpublished", &b"1"[..])?;
        }
        txn.commit()?;
        Ok(ids)
    }

    /// A consistent snapshot for reading many records (one read
    /// transaction instead of one per record).
    pub fn snapshot(&self) -> Result<Snapshot, StoreError> {
        Ok(Snapshot {
            txn: self.db.begin_read()?,
            tables: RefCell::new(HashMap::new()),
            holdings: RefCell::new(HashMap::new()),
            numbered: RefCell::new(HashMap::new()),
            match_records: std::cell::OnceCell::new(),
        })
    }

    pub(crate) fn db(&self) -> &redb::Database {
        &self.db
    }
}

type RecordTable = redb::ReadOnlyTable<&'static str, &'static [u8]>;

/// A read-only view of the store at one moment. Tables are opened once per
/// snapshot, so many lookups in one snapshot cost a B-tree walk each.
pub struct Snapshot {
    txn: redb::ReadTransaction,
    tables: RefCell<HashMap<String, Option<RecordTable>>>,
    /// Each library's holdings records table, opened once (a cluster's
    /// document reads every member's holdings).
    holdings: RefCell<HashMap<String, Option<RecordTable>>>,
    numbered: RefCell<HashMap<String, Option<NumberedTable>>>,
    match_records: std::cell::OnceCell<Option<RecordTable>>,
}

type NumberedTable = redb::ReadOnlyTable<u64, &'static [u8]>;

/// The raw entries of the key index and work profiles (see
/// [`Snapshot::match_index_entries`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MatchIndexEntries {
    /// `match_records`: record name → value.
    pub records: Vec<(String, Vec<u8>)>,
    /// `match_keys`: key hash → its section (strength and records).
    pub keys: Vec<(u64, Vec<u8>)>,
    /// `work_profiles`: cluster id → value.
    pub profiles: Vec<(u64, Vec<u8>)>,
}

fn open_or_none<K: redb::Key + 'static>(
    txn: &redb::ReadTransaction,
    def: TableDefinition<'_, K, &'static [u8]>,
) -> Result<Option<redb::ReadOnlyTable<K, &'static [u8]>>, StoreError> {
    match txn.open_table(def) {
        Ok(t) => Ok(Some(t)),
        Err(redb::TableError::TableDoesNotExist(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

impl Snapshot {
    /// Calls `f` with a library's stored value, as of the snapshot.
    fn with_value<T>(
        &self,
        library: &str,
        record_id: &str,
        f: impl FnOnce(&[u8]) -> Result<T, String>,
    ) -> Result<Option<T>, StoreError> {
        let mut tables = self.tables.borrow_mut();
        if !tables.contains_key(library) {
            let name = records_table(library);
            let table = match self
                .txn
                .open_table(TableDefinition::<&str, &[u8]>::new(&name))
            {
                Ok(t) => Some(t),
                Err(redb::TableError::TableDoesNotExist(_)) => None,
                Err(e) => return Err(e.into()),
            };
            tables.insert(library.to_string(), table);
        }
        let Some(table) = &tables[library] else {
            return Ok(None);
        };
        match table.get(record_id)? {
            Some(v) => Ok(Some(f(v.value()).map_err(|reason| {
                StoreError::Corrupt {
                    library: library.to_string(),
                    record_id: record_id.to_string(),
                    reason,
                }
            })?)),
            None => Ok(None),
        }
    }

    /// One record of a library, as of the snapshot.
    pub fn record(
        &self,
        library: &str,
        record_id: &str,
    ) -> Result<Option<StoredRecord>, StoreError> {
        self.with_value(library, record_id, StoredRecord::decode)
    }

    /// One record's matching view, as of the snapshot.
    pub fn view(
        &self,
        library: &str,
        record_id: &str,
    ) -> Result<Option<unicat_match::Manifestation>, StoreError> {
        self.with_value(library, record_id, |v| {
            StoredRecord::decode_view(StoredRecord::view_prefix(v))
        })
    }

    /// A value of a table keyed by number (`clusters`, `match_keys`,
    /// `work_profiles`), decoded by `f`.
    fn numbered<T>(
        &self,
        def: TableDefinition<'static, u64, &'static [u8]>,
        id: u64,
        f: impl FnOnce(&[u8]) -> Result<T, StoreError>,
    ) -> Result<Option<T>, StoreError> {
        let mut tables = self.numbered.borrow_mut();
        let name = def.name();
        if !tables.contains_key(name) {
            tables.insert(name.to_string(), open_or_none(&self.txn, def)?);
        }
        let Some(table) = &tables[name] else {
            return Ok(None);
        };
        table.get(id)?.map(|v| f(v.value())).transpose()
    }

    /// True when the key index and the work profiles describe the stored
    /// clusters (see `match_index.rs`).
    pub fn match_index_ready(&self) -> Result<bool, StoreError> {
        match open_or_none(&self.txn, META)? {
            Some(meta) => match_index::is_ready(&meta),
            None => Ok(false),
        }
    }

    /// One cluster, as of the snapshot.
    pub fn cluster(&self, id: u64) -> Result<Option<ClusterEntry>, StoreError> {
        self.numbered(clusters::CLUSTERS, id, clusters::decode)
    }

    /// A record's entry in the key index.
    pub fn match_record(&self, r: &MemberRef) -> Result<Option<MatchRecord>, StoreError> {
        let table = match self.match_records.get() {
            Some(t) => t,
            None => {
                let t = open_or_none(&self.txn, match_index::MATCH_RECORDS)?;
                self.match_records.get_or_init(|| t)
            }
        };
        let Some(table) = table else {
            return Ok(None);
        };
        table
            .get(record_name(r).as_str())?
            .map(|v| match_index::decode_record(v.value()))
            .transpose()
    }

    /// The records that carry a key, as the key index has them.
    pub fn key_bucket(&self, key: u64) -> Result<Option<KeyBucket>, StoreError> {
        self.numbered(match_index::MATCH_KEYS, match_index::group_of(key), |v| {
            match_index::bucket_in_group(v, key)
        })
        .map(Option::flatten)
    }

    /// Every entry of the key index and the work profiles, as stored
    /// (`match_records`, `match_keys`, `work_profiles`): for checks that an
    /// index kept up to date equals one written whole.
    pub fn match_index_entries(&self) -> Result<MatchIndexEntries, StoreError> {
        let mut out = MatchIndexEntries::default();
        if let Some(t) = open_or_none(&self.txn, match_index::MATCH_RECORDS)? {
            for e in t.iter()? {
                let (k, v) = e?;
                out.records
                    .push((k.value().to_string(), v.value().to_vec()));
            }
        }
        if let Some(t) = open_or_none(&self.txn, match_index::MATCH_KEYS)? {
            for e in t.iter()? {
                let (_, v) = e?;
                out.keys.extend(match_index::group_sections(v.value())?);
            }
        }
        if let Some(t) = open_or_none(&self.txn, match_index::WORK_PROFILES)? {
            for e in t.iter()? {
                let (k, v) = e?;
                out.profiles.push((k.value(), v.value().to_vec()));
            }
        }
        Ok(out)
    }

    /// Calls `f` with every cluster's work profile, in cluster id order.
    pub fn for_each_profile(
        &self,
        mut f: impl FnMut(u64, unicat_match::works::Profile) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let Some(table) = open_or_none(&self.txn, match_index::WORK_PROFILES)? else {
            return Ok(());
        };
        for entry in table.iter()? {
            let (k, v) = entry?;
            f(k.value(), match_index::decode_profile(v.value())?)?;
        }
        Ok(())
    }

    /// One record's raw MARC (ISO 2709), whatever version of Unicat wrote
    /// it.
    pub fn marc(&self, library: &str, record_id: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.with_value(library, record_id, StoredRecord::decode_marc)
    }

    /// One record's description and holdings (without its raw MARC).
    pub fn description(
        &self,
        library: &str,
        record_id: &str,
    ) -> Result<Option<Description>, StoreError> {
        self.with_value(library, record_id, StoredRecord::decode_description)
    }
}

#[cfg(test)]
mod tests;

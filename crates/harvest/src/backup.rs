//! Backups of a network's catalogue (record store and search index) while
//! it serves and a harvest may start, and restoring one.
//!
//! The store is copied from one read transaction (an MVCC snapshot); the
//! index from the files of one committed state (see
//! `unicat_index::IndexSnapshot`). The two agree when no index commit
//! fell between them: an index commit happens only while the store's
//! "index pending" mark is set, and clearing the mark counts one more
//! published generation. So the backup snapshots the store where the
//! mark is clear, snapshots the index, and checks that the mark is still
//! clear at the same generation; if not, it starts again (waiting, up to
//! a limit, while clustering and indexing run). Records a running
//! harvest committed but has not clustered yet are copied with their
//! "unpublished" mark, so the restored catalogue clusters them at its
//! next harvest.

use crate::HarvestError;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};
use unicat_config::Network;
use unicat_index::{CatalogIndex, INDEX_FOLDER};
use unicat_store::{STORE_FILE, Store};

/// The manifest's file name in a backup folder.
pub const MANIFEST: &str = "backup.json";

/// What a backup holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BackupReport {
    /// The backup folder.
    pub path: PathBuf,
    /// Store entries copied (records, holdings, clusters, checkpoints…).
    pub store_entries: u64,
    /// Store tables copied.
    pub store_tables: u64,
    /// Search index documents (clusters).
    pub documents: u64,
    /// Bytes of index files copied.
    pub index_bytes: u64,
    /// The published generation the backup is of.
    pub generation: u64,
    /// True when a harvest had stored records it had not clustered yet:
    /// the restored catalogue's next harvest clusters everything again.
    pub unpublished: bool,
    /// Attempts it took to find the store and index level.
    pub attempts: u32,
}

fn err(path: &Path, reason: impl std::fmt::Display) -> HarvestError {
    HarvestError::Backup {
        path: path.display().to_string(),
        reason: reason.to_string(),
    }
}

/// Copies the network's store and index into `to` (a folder that must not
/// exist yet), consistently, while `unicat serve` reads and a harvest may
/// write. Waits up to `wait` for a running clustering and indexing to
/// finish. The copy is made in `to.partial` and renamed at the end, so
/// `to` exists only when complete.
pub fn backup(network: &Network, to: &Path, wait: Duration) -> Result<BackupReport, HarvestError> {
    if to.exists() {
        return Err(err(to, "already exists: give a new folder for each backup"));
    }
    let index_dir = &network.index_dir;
    if !index_dir.join(STORE_FILE).exists() {
        return Err(err(
            index_dir,
            "no record store here: nothing to back up (harvest first)",
        ));
    }
    let partial = PathBuf::from(format!("{}.partial", to.display()));
    if partial.exists() {
        std::fs::remove_dir_all(&partial).map_err(|e| err(&partial, e))?;
    }
    std::fs::create_dir_all(&partial).map_err(|e| err(&partial, e))?;
    let result = copy_into(network, &partial, wait);
    let mut report = match result {
        Ok(report) => report,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&partial);
            return Err(e);
        }
    };
    std::fs::rename(&partial, to).map_err(|e| err(to, e))?;
    report.path = to.to_path_buf();
    Ok(report)
}

fn copy_into(network: &Network, dir: &Path, wait: Duration) -> Result<BackupReport, HarvestError> {
    let index_dir = &network.index_dir;
    let store = Store::open_with_cache(index_dir, unicat_store::SERVING_CACHE_BYTES)?;
    let index = CatalogIndex::open(index_dir).map_err(|e| HarvestError::Index(e.to_string()))?;
    let deadline = Instant::now() + wait;
    let mut pause = Duration::from_millis(100);
    let mut attempts = 0;
    loop {
        attempts += 1;
        let snapshot = store.backup_snapshot()?;
        let level = !snapshot.mark.index_pending;
        let index_snapshot = if level {
            let taken = index
                .snapshot()
                .map_err(|e| HarvestError::Index(e.to_string()))?;
            let now = store.publish_mark()?;
            (!now.index_pending && now.generation == snapshot.mark.generation).then_some(taken)
        } else {
            None
        };
        let Some(mut index_snapshot) = index_snapshot else {
            drop(snapshot);
            if Instant::now() + pause > deadline {
                return Err(err(
                    index_dir,
                    format!(
                        "clustering and indexing kept running for {} s; try again after the harvest \
                         (or give --wait-secs more)",
                        wait.as_secs()
                    ),
                ));
            }
            tracing::info!(
                attempt = attempts,
                "a harvest is clustering and indexing: waiting for it to finish"
            );
            std::thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_secs(5));
            continue;
        };
        let counts = snapshot.copy_to(&dir.join(STORE_FILE))?;
        let index_bytes = index_snapshot
            .copy_to(&dir.join(INDEX_FOLDER))
            .map_err(|e| HarvestError::Index(e.to_string()))?;
        let report = BackupReport {
            path: dir.to_path_buf(),
            store_entries: counts.entries,
            store_tables: counts.tables,
            documents: index_snapshot.documents(),
            index_bytes,
            generation: snapshot.mark.generation,
            unpublished: snapshot.mark.unpublished,
            attempts,
        };
        write_manifest(dir, &report)?;
        return Ok(report);
    }
}

fn write_manifest(dir: &Path, report: &BackupReport) -> Result<(), HarvestError> {
    let created = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let manifest = serde_json::json!({
        "unicat": env!("CARGO_PKG_VERSION"),
        "created": created,
        "store_entries": report.store_entries,
        "store_tables": report.store_tables,
        "documents": report.documents,
        "index_bytes": report.index_bytes,
        "generation": report.generation,
        "unpublished": report.unpublished,
    });
    let path = dir.join(MANIFEST);
    let text = serde_json::to_string_pretty(&manifest).map_err(|e| err(&path, e))?;
    std::fs::write(&path, text + "\n").map_err(|e| err(&path, e))
}

/// What a restore put back.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RestoreReport {
    /// Clusters in the restored store.
    pub clusters: u64,
    /// Documents in the restored index.
    pub documents: u64,
}

/// Puts a backup made by [`backup`] back as the network's store and index.
/// The backup is checked first (its manifest, the store opens, the index
/// opens with the documents the manifest counts), in a copy beside the
/// catalogue; only then are the current store and index replaced, each by
/// a rename. Stop `unicat serve` and harvests first: a running server
/// keeps the files it has open.
pub fn restore(network: &Network, from: &Path) -> Result<RestoreReport, HarvestError> {
    let manifest_path = from.join(MANIFEST);
    let text = std::fs::read_to_string(&manifest_path)
        .map_err(|e| err(&manifest_path, format!("not a Unicat backup ({e})")))?;
    let manifest: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| err(&manifest_path, format!("not a Unicat backup ({e})")))?;
    let Some(documents) = manifest["documents"].as_u64() else {
        return Err(err(
            &manifest_path,
            "not a Unicat backup (no document count)",
        ));
    };
    for part in [STORE_FILE, INDEX_FOLDER] {
        if !from.join(part).exists() {
            return Err(err(from, format!("incomplete backup: {part} is missing")));
        }
    }
    let index_dir = &network.index_dir;
    std::fs::create_dir_all(index_dir).map_err(|e| err(index_dir, e))?;
    let staging = index_dir.join(".restoring");
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(|e| err(&staging, e))?;
    }
    std::fs::create_dir_all(staging.join(INDEX_FOLDER)).map_err(|e| err(&staging, e))?;
    let checked = (|| -> Result<RestoreReport, HarvestError> {
        std::fs::copy(from.join(STORE_FILE), staging.join(STORE_FILE))
            .map_err(|e| err(&from.join(STORE_FILE), e))?;
        for entry in std::fs::read_dir(from.join(INDEX_FOLDER)).map_err(|e| err(from, e))? {
            let entry = entry.map_err(|e| err(from, e))?;
            std::fs::copy(
                entry.path(),
                staging.join(INDEX_FOLDER).join(entry.file_name()),
            )
            .map_err(|e| err(&entry.path(), e))?;
        }
        let store = Store::open(&staging)?;
        let clusters = store.cluster_count()?;
        drop(store);
        let index = CatalogIndex::open(&staging).map_err(|e| HarvestError::Index(e.to_string()))?;
        let found = index.count();
        if found != documents {
            return Err(err(
                from,
                format!("the index holds {found} documents, the manifest says {documents}"),
            ));
        }
        Ok(RestoreReport {
            clusters,
            documents: found,
        })
    })();
    let report = match checked {
        Ok(r) => r,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    // Swap: the current files aside, the checked ones in, the old ones out.
    let aside = index_dir.join(".before-restore");
    if aside.exists() {
        std::fs::remove_dir_all(&aside).map_err(|e| err(&aside, e))?;
    }
    std::fs::create_dir_all(&aside).map_err(|e| err(&aside, e))?;
    for part in [STORE_FILE, INDEX_FOLDER] {
        let current = index_dir.join(part);
        if current.exists() {
            std::fs::rename(&current, aside.join(part)).map_err(|e| err(&current, e))?;
        }
        std::fs::rename(staging.join(part), &current).map_err(|e| err(&current, e))?;
    }
    let _ = std::fs::remove_dir_all(&aside);
    let _ = std::fs::remove_dir_all(&staging);
    Ok(report)
}

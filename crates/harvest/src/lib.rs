//! Harvesting: every library of a network into the record store.
//!
//! This crate owns fetching (a file, folder or glob; an HTTP export; an
//! OAI-PMH repository), the per-library pipeline that decodes and normalises
//! records, and the harvest report: records skipped because their structure
//! cannot be read ([`RecordProblem`]), and, apart from them, records read
//! after the MARC reader repaired a bad byte in a field
//! ([`RecordWarningLine`]). Libraries are harvested at once, up to
//! `[harvest] concurrency`, each in its own blocking task: network waits go
//! through the tokio runtime, CPU work (decoding MARC, normalising,
//! compressing) runs on rayon, and nothing blocks the async executor. One
//! library's failure — a dead server, a 404, a file that is not MARC — is
//! reported and does not stop the others; its previous records stay in the
//! store untouched, because a library's harvest commits atomically.
//!
//! It does not cluster or index: [`harvest`] returns each library's
//! [`Changes`](unicat_store::Changes) and the caller takes it from there.
//!
//! Start from [`harvest`].

mod backup;
mod error;
mod file;
mod fingerprint;
mod folio;
mod http;
mod library;
mod links;
mod near;
mod oai;
mod observer;
mod probe;
mod process;
mod publish;
mod recluster;
mod report;
mod upgrade;

pub use backup::{BackupReport, MANIFEST, RestoreReport, backup, restore};
pub use error::HarvestError;
pub use observer::{LogObserver, Observer};
pub use probe::{SourceProbe, probe};
pub use publish::{cluster_document, publish};
pub use recluster::{
    ClusterUpdate, GroupedWorks, PendingWorks, recluster, write_cluster_tables, write_works,
};
pub use report::{LibraryReport, NetworkReport, Outcome, RecordProblem, RecordWarningLine};

use futures::StreamExt;
use std::sync::Arc;
use std::time::{Duration, Instant};
use unicat_config::Network;
use unicat_index::CatalogIndex;
use unicat_store::{Changes, Store};

/// What to harvest, and how.
#[derive(Clone, Debug, Default)]
pub struct HarvestOptions {
    /// Only these libraries (all when empty).
    pub libraries: Vec<String>,
    /// Ignore checkpoints: re-read every library in full, deleting records
    /// no longer exported.
    pub full: bool,
}

/// Harvests the network's libraries (or those named in `options`) into the
/// store, concurrently, and reports on each. Never fails as a whole: a
/// library that could not be harvested is an [`Outcome::Failed`] in the
/// report.
pub async fn harvest(
    network: Arc<Network>,
    store: Arc<Store>,
    options: HarvestOptions,
    observer: Arc<dyn Observer>,
) -> Result<NetworkReport, HarvestError> {
    for wanted in &options.libraries {
        if network.library(wanted).is_none() {
            return Err(HarvestError::UnknownLibrary(wanted.clone()));
        }
    }
    let client = http::client(&network.harvest)?;
    let libraries: Vec<_> = network
        .libraries
        .iter()
        .filter(|l| {
            options.libraries.is_empty() || options.libraries.iter().any(|w| w == l.id.as_str())
        })
        .cloned()
        .collect();
    let started = std::time::Instant::now();
    let reports: Vec<LibraryReport> = futures::stream::iter(libraries)
        .map(|library| {
            let network = network.clone();
            let store = store.clone();
            let observer = observer.clone();
            let client = client.clone();
            let full = options.full;
            let handle = tokio::runtime::Handle::current();
            async move {
                let id = library.id.to_string();
                let task = tokio::task::spawn_blocking(move || {
                    library::harvest_library(
                        &network,
                        &store,
                        &library,
                        full,
                        &client,
                        &handle,
                        observer.as_ref(),
                    )
                });
                match task.await {
                    Ok(report) => report,
                    Err(e) => LibraryReport::failed(&id, format!("harvest task failed: {e}")),
                }
            }
        })
        .buffer_unordered(network.harvest.concurrency)
        .collect()
        .await;
    let mut reports = reports;
    // Report in the network's order, whatever finished first.
    reports.sort_by_key(|r| {
        network
            .libraries
            .iter()
            .position(|l| l.id.as_str() == r.library)
    });
    let report = NetworkReport {
        libraries: reports,
        elapsed: started.elapsed(),
    };
    report::write_report_files(&network.index_dir, &report);
    Ok(report)
}

/// What clustering and indexing did after a harvest.
#[derive(Clone, Debug, Default)]
pub struct PublishReport {
    /// The re-clustering.
    pub clusters: ClusterUpdate,
    /// Documents written to the index.
    pub documents: u64,
    /// Libraries removed from the store because the network no longer has them.
    pub removed_libraries: Vec<String>,
    /// Time spent clustering.
    pub cluster_time: Duration,
    /// Time spent indexing (building documents and committing).
    pub index_time: Duration,
    /// Records written by an earlier version of Unicat that were upgraded
    /// from the store before clustering.
    pub upgraded: u64,
    /// Records that could not be upgraded (`library/record id: reason`).
    pub upgrade_failures: Vec<String>,
    /// True when the matching rules changed since the clusters were made:
    /// every record was placed again (cluster ids kept by overlap).
    pub rules_changed: bool,
}

/// Harvests, then re-clusters what changed and updates the index, committed
/// once: `unicat harvest` from end to end. Returns the harvest report and,
/// when anything changed, what clustering and indexing did.
pub async fn harvest_and_publish(
    network: Arc<Network>,
    store: Arc<Store>,
    index: Arc<CatalogIndex>,
    options: HarvestOptions,
    observer: Arc<dyn Observer>,
) -> Result<(NetworkReport, Option<PublishReport>), HarvestError> {
    let full = options.full && options.libraries.is_empty();
    // Records written by an earlier version are upgraded first, from the
    // MARC the store kept, so that a failed harvest still leaves every
    // library readable.
    let (upgraded, upgrade_failures) = {
        let (network, store) = (network.clone(), store.clone());
        tokio::task::spawn_blocking(move || upgrade::upgrade_records(&network, &store))
            .await
            .map_err(|e| HarvestError::Index(format!("upgrade task failed: {e}")))??
    };
    // Records committed by a harvest that died before clustering them:
    // nothing says which they were, so every record is placed again.
    let unpublished = store.publish_mark()?.unpublished;
    if unpublished {
        tracing::warn!(
            "the last harvest stopped before clustering what it stored: clustering and indexing everything again"
        );
    }
    let report = harvest(network.clone(), store.clone(), options, observer.clone()).await?;
    let mut changes: Vec<(String, Changes)> = report
        .libraries
        .iter()
        .filter(|l| !l.is_failure() && !l.changes.is_empty())
        .map(|l| (l.library.clone(), l.changes.clone()))
        .collect();
    let publish_report = tokio::task::spawn_blocking(move || -> Result<Option<PublishReport>, HarvestError> {
        // Libraries taken out of the network leave the catalog.
        let mut removed_libraries = Vec::new();
        for stored in store.libraries()? {
            if network.library(&stored).is_none() {
                let ids = store.remove_library(&stored)?;
                tracing::info!(library = %stored, records = ids.len(), "library no longer in the network: its records are removed");
                changes.push((stored.clone(), Changes { deleted: ids, ..Changes::default() }));
                removed_libraries.push(stored);
            }
        }
        // An empty index over stored clusters, or a harvest that died
        // between storing clusters and committing the index, is rebuilt.
        let index_behind = (index.count() == 0 && store.cluster_count()? > 0)
            || store.index_pending()?
            || unpublished;
        // Clusters made by other matching rules are made again, all of
        // them (their ids kept by overlap).
        let rules_changed = store.cluster_count()? > 0
            && store.match_rules()? != Some(unicat_match::VIEW_VERSION);
        // A store from before the change log (OAI-PMH's datestamps) gets
        // one by rebuilding the index once.
        let index_behind = index_behind || !store.has_change_times()?;
        if changes.is_empty() && !full && !index_behind && !rules_changed && upgraded == 0 {
            return Ok(None);
        }
        let started = Instant::now();
        let mut clusters = recluster(&store, &changes, full || index_behind || rules_changed || upgraded > 0)?;
        // The assignments are written while works are grouped and the
        // documents built; the index commits only once they are in the
        // store.
        store.set_index_pending(true)?;
        let mut cluster_time = started.elapsed();
        let mut started = Instant::now();
        let pending = clusters.pending_works.take();
        let published = std::thread::scope(|scope| {
            let (store_ref, full, removed, entries, tables) = (
                &*store,
                clusters.full,
                &clusters.removed,
                &clusters.entries,
                &clusters.index,
            );
            let tables_written = scope
                .spawn(move || write_cluster_tables(store_ref, full, removed, entries, tables));
            if let Some(pending) = pending {
                // Grouping works is part of clustering, in the report. Set
                // field by field: the writer thread holds the entries.
                let grouped = pending.group();
                (clusters.works, clusters.works_changed, clusters.works_removed) =
                    (grouped.works, grouped.changed, grouped.removed);
                (clusters.work_of, clusters.rework) = (grouped.work_of, grouped.rework);
                cluster_time += started.elapsed();
                started = Instant::now();
            }
            // The works are written after the clusters, on the same
            // background thread's heels, while the documents are built.
            let clusters = &clusters;
            let panicked = || HarvestError::Index("writing the clusters panicked".into());
            let written = scope.spawn(move || {
                tables_written.join().map_err(|_| panicked())??;
                write_works(store_ref, clusters)
            });
            publish(&network, &store, &index, clusters, || {
                written.join().map_err(|_| panicked())?
            })
        })?;
        let documents = published.documents;
        store.set_index_pending(false)?;
        store.set_match_rules(unicat_match::VIEW_VERSION)?;
        Ok(Some(PublishReport {
            clusters,
            documents,
            removed_libraries,
            cluster_time,
            index_time: started.elapsed(),
            upgraded,
            upgrade_failures,
            rules_changed,
        }))
    })
    .await
    .map_err(|e| HarvestError::Index(format!("clustering task failed: {e}")))??;
    Ok((report, publish_report))
}

/// What [`reindex`] wrote.
#[derive(Clone, Debug)]
pub struct ReindexReport {
    /// Cluster documents written.
    pub documents: u64,
    /// Time taken.
    pub elapsed: Duration,
}

/// Rebuilds the index (and the SolrCloud collection, when the network's
/// index is there) from the record store's clusters and works, without
/// harvesting or clustering again: `unicat reindex`. The store is the
/// source of truth; a collection lost, emptied or made anew is rebuilt
/// from it. Committed once; a failure leaves the "index pending" mark, so
/// the next harvest rebuilds too.
pub fn reindex(
    network: &Network,
    store: &Store,
    index: &CatalogIndex,
) -> Result<ReindexReport, HarvestError> {
    let started = Instant::now();
    let mut entries = Vec::new();
    store.for_each_cluster(|id, entry| {
        entries.push((id, entry));
        Ok(())
    })?;
    let update = recluster::ClusterUpdate {
        upserted: entries.iter().map(|(id, _)| *id).collect(),
        total: entries.len() as u64,
        entries,
        removed: Vec::new(),
        records: 0,
        placed: 0,
        read: 0,
        full: true,
        works: Vec::new(),
        works_removed: Vec::new(),
        works_changed: Default::default(),
        work_of: store.work_of_clusters()?,
        rework: Vec::new(),
        index: Default::default(),
        pending_works: None,
    };
    store.set_index_pending(true)?;
    let published = publish(network, store, index, &update, || Ok(()))?;
    store.set_index_pending(false)?;
    Ok(ReindexReport {
        documents: published.documents,
        elapsed: started.elapsed(),
    })
}

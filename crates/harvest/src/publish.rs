//! After re-clustering: rebuild the documents of the clusters that changed,
//! delete those that went, and commit the index once.

use crate::HarvestError;
use crate::recluster::ClusterUpdate;
use rayon::prelude::*;
use unicat_bib::HoldingsRecord;
use unicat_config::IndexBackend;
use unicat_config::Network;
use unicat_index::{CatalogIndex, ClusterDoc, LibraryInfo, Member, PreparedDoc, SearchText};
use unicat_match::ClusterId;
use unicat_match::works::WorkId;
use unicat_solr::SolrIndex;
use unicat_store::{Description, PublishedCluster, Snapshot, Store};

/// Builds one cluster's document from the store.
pub fn cluster_document(
    network: &Network,
    snapshot: &Snapshot,
    id: u64,
    members: &[unicat_store::MemberRef],
) -> Result<Option<(ClusterDoc, SearchText)>, HarvestError> {
    let mut records: Vec<(&unicat_store::MemberRef, Description, Vec<HoldingsRecord>)> =
        Vec::with_capacity(members.len());
    for m in members {
        if let Some(r) = snapshot.description(&m.library, &m.record_id)? {
            let holdings = snapshot.holdings(&m.library, &m.record_id)?;
            records.push((m, r, holdings));
        }
    }
    if records.is_empty() {
        return Ok(None);
    }
    let built: Vec<Member<'_>> = records
        .iter()
        .map(|(m, r, holdings)| {
            let lib = network.library(&m.library);
            Member {
                library: LibraryInfo {
                    id: &m.library,
                    name: lib.map(|l| l.name.as_str()).unwrap_or(m.library.as_str()),
                    url: lib.and_then(|l| l.record_url(&m.record_id)),
                },
                record_id: &m.record_id,
                bib: &r.bib,
                items: &r.items,
                holdings,
            }
        })
        .collect();
    let doc = unicat_index::build(&ClusterId(id).to_string(), &built);
    let extra = SearchText::from_members(records.iter().map(|(_, r, _)| &r.bib));
    Ok(Some((doc, extra)))
}

/// A cluster's document and what the change log records of it, or None
/// when none of its members is in the store.
/// A cluster's documents: tantivy's, and Solr's JSON when the network's
/// index is in Solr.
type Built = Result<
    (
        u64,
        Option<(PreparedDoc, Option<Vec<u8>>, PublishedCluster)>,
    ),
    HarvestError,
>;

/// What a publish wrote: the number of documents, and for the change log
/// (`Store::record_cluster_changes`) every document written and the
/// clusters whose documents went (none of their members is left).
#[derive(Debug, Default)]
pub struct Published {
    /// Documents written.
    pub documents: u64,
    /// The clusters written, with their documents' hashes.
    pub clusters: Vec<PublishedCluster>,
    /// Clusters removed, or rebuilt without a member left.
    pub gone: Vec<u64>,
}

/// What the change log keeps of a document: a hash of all it serves (its
/// stored form, which is the whole document).
fn published(doc: &ClusterDoc, prepared: &PreparedDoc, id: u64) -> PublishedCluster {
    let mut libraries: Vec<String> = doc.libraries().map(str::to_string).collect();
    libraries.sort_unstable();
    libraries.dedup();
    PublishedCluster {
        id,
        hash: unicat_store::content_hash(prepared.stored()),
        libraries,
    }
}

/// Applies a cluster update to the index and commits, once `before_commit`
/// says so (an error from it leaves the index as it was), then records
/// what changed in the store's change log (OAI-PMH's datestamps): staged
/// while the index commits, made durable only after it. Returns what it
/// wrote.
pub fn publish(
    network: &Network,
    store: &Store,
    index: &CatalogIndex,
    update: &ClusterUpdate,
    before_commit: impl FnOnce() -> Result<(), HarvestError>,
) -> Result<Published, HarvestError> {
    let mut writer = index
        .update(network.harvest.index_memory)
        .map_err(|e| HarvestError::Index(e.to_string()))?;
    // A network whose index is a SolrCloud collection: the same documents
    // go there, committed just before the local index (see below).
    let solr = match &network.index {
        IndexBackend::Solr(settings) => Some(SolrIndex::new(settings)),
        IndexBackend::Tantivy => None,
    };
    let solr_error = |e: unicat_solr::SolrError| HarvestError::Index(format!("Solr: {e}"));
    let mut solr_writer = solr.as_ref().map(SolrIndex::update);
    if update.full {
        writer
            .delete_all()
            .map_err(|e| HarvestError::Index(e.to_string()))?;
        if let Some(w) = &mut solr_writer {
            w.delete_all().map_err(solr_error)?;
        }
    } else {
        for id in update
            .removed
            .iter()
            .chain(&update.upserted)
            .chain(update.rework.iter().map(|(id, _)| id))
        {
            let id = ClusterId(*id).to_string();
            if let Some(w) = &mut solr_writer {
                w.delete(&id);
            }
            writer.delete(&id);
        }
    }
    let to_solr = solr_writer.is_some();
    // Documents are built on the rayon pool (store reads, decoding,
    // choosing the best member, the tantivy document with its stored JSON)
    // a chunk ahead of the writer, which hands them to tantivy's indexing
    // threads.
    let mut written = 0u64;
    let mut log = Published {
        gone: update.removed.clone(),
        ..Published::default()
    };
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Built>>(2);
    std::thread::scope(|scope| -> Result<(), HarvestError> {
        scope.spawn(move || {
            let entries: Vec<&(u64, unicat_store::ClusterEntry)> =
                update.entries.iter().chain(&update.rework).collect();
            for chunk in entries.chunks(1024) {
                let docs: Vec<Built> = chunk
                    .par_iter()
                    .map_init(
                        || store.snapshot(),
                        |snap, &&(id, ref entry)| {
                            let snap = snap
                                .as_ref()
                                .map_err(|e| HarvestError::Index(e.to_string()))?;
                            Ok((
                                id,
                                cluster_document(network, snap, id, &entry.members)?.map(
                                    |(mut doc, extra)| {
                                        doc.work =
                                            update.work_of.get(&id).map(|&w| WorkId(w).to_string());
                                        let prepared = index.prepare(&doc, &extra);
                                        let log = published(&doc, &prepared, id);
                                        (
                                            prepared,
                                            to_solr
                                                .then(|| unicat_solr::solr_document(&doc, &extra)),
                                            log,
                                        )
                                    },
                                ),
                            ))
                        },
                    )
                    .collect();
                if tx.send(docs).is_err() {
                    return; // the writer gave up
                }
            }
        });
        for docs in rx {
            for d in docs {
                match d? {
                    (_, Some((doc, json, p))) => {
                        writer
                            .add_prepared(doc)
                            .map_err(|e| HarvestError::Index(e.to_string()))?;
                        if let (Some(w), Some(json)) = (&mut solr_writer, json) {
                            w.add(&json).map_err(solr_error)?;
                        }
                        log.clusters.push(p);
                        written += 1;
                    }
                    (id, None) => log.gone.push(id),
                }
            }
        }
        Ok(())
    })?;
    tracing::debug!(written, "documents handed to the writer");
    before_commit()?;
    tracing::debug!("clusters stored");
    // Solr first: when its commit fails, the local index is not committed
    // either and the store's "index pending" mark stays, so the next
    // harvest rebuilds both from the store.
    if let Some(w) = solr_writer {
        let sent = w.commit().map_err(solr_error)?;
        tracing::info!(documents = sent, collection = %solr.as_ref().map_or("", |s| s.collection()), "Solr collection committed");
    }
    // The change log follows the index: staged beside the index's commit
    // (tantivy finishes its segments on its own threads), durable after
    // it. A harvest that dies before then leaves "index pending" set: the
    // next one rebuilds the index and records every change again.
    let staged = std::thread::scope(|scope| {
        let committing = scope.spawn(move || writer.commit());
        let staged = store.stage_cluster_changes(&log.clusters, &log.gone, update.full);
        let committed = committing
            .join()
            .map_err(|_| HarvestError::Index("the index commit panicked".into()))?;
        committed.map_err(|e| HarvestError::Index(e.to_string()))?;
        Ok::<_, HarvestError>(staged?)
    })?;
    staged.commit()?;
    index
        .reload()
        .map_err(|e| HarvestError::Index(e.to_string()))?;
    log.documents = written;
    Ok(log)
}

//! Backups: taken while harvests run, each restores to a catalogue whose
//! index and store agree; a restored catalogue answers as the one backed
//! up; records stored but not yet clustered when the backup was taken are
//! clustered by the restored catalogue's next harvest.

use crate::clustering::{harvest_all, labelled_copy};
use crate::{Quiet, harvest_with};
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use unicat_harvest::{HarvestOptions, backup, restore};
use unicat_index::CatalogIndex;
use unicat_store::Store;

type Catalogue = BTreeSet<(String, Vec<(String, String)>)>;

/// Every cluster as the store has it: id and members.
fn store_clusters(dir: &Path) -> Catalogue {
    let store = Store::open(dir).unwrap();
    let mut out = BTreeSet::new();
    store
        .for_each_cluster(|id, e| {
            let mut members: Vec<_> = e
                .members
                .into_iter()
                .map(|m| (m.library, m.record_id))
                .collect();
            members.sort();
            out.insert((unicat_match::ClusterId(id).to_string(), members));
            Ok(())
        })
        .unwrap();
    out
}

/// Every document as the index has it: id and the records it holds.
fn index_clusters(dir: &Path) -> Catalogue {
    let index = CatalogIndex::open(dir).unwrap();
    let mut out = BTreeSet::new();
    index
        .for_each(|d| {
            let mut members: Vec<_> = d
                .holdings
                .iter()
                .map(|h| (h.library.clone(), h.record_id.clone()))
                .collect();
            members.sort();
            members.dedup();
            out.insert((d.id, members));
        })
        .unwrap();
    out
}

/// Every document, whole.
fn index_docs(dir: &Path) -> BTreeSet<String> {
    let index = CatalogIndex::open(dir).unwrap();
    let mut out = BTreeSet::new();
    index
        .for_each(|d| {
            out.insert(format!("{d:?}"));
        })
        .unwrap();
    out
}

/// The ids a few searches find, in order.
fn searches(network: &unicat_config::Network) -> Vec<(String, Vec<String>)> {
    let catalog = unicat_catalog::Catalog::open(Arc::new(network.clone())).unwrap();
    ["history", "the", "music", "war and peace", "science"]
        .iter()
        .map(|q| {
            let request = unicat_catalog::SearchRequest {
                q: q.to_string(),
                per_page: 50,
                ..Default::default()
            };
            let found = catalog.search(&request).unwrap();
            (
                q.to_string(),
                found.results.iter().map(|c| c.id.clone()).collect(),
            )
        })
        .collect()
}

/// The first half of the records of an ISO 2709 export.
fn first_half(bytes: &[u8]) -> Vec<u8> {
    let records: Vec<_> = unicat_marc::Reader::new(bytes, unicat_marc::Format::Iso2709)
        .filter_map(Result::ok)
        .collect();
    let mut half = Vec::new();
    for r in &records[..records.len() / 2] {
        unicat_marc::iso2709::write_record(r, &mut half).unwrap();
    }
    half
}

fn network(config: &Path) -> unicat_config::Network {
    unicat_config::Network::load(config).unwrap()
}

/// A network whose index_dir is `dir` (to restore into).
fn network_at(config: &Path, dir: &Path) -> unicat_config::Network {
    let mut n = network(config);
    n.index_dir = dir.to_path_buf();
    n
}

#[test]
fn backups_taken_while_harvests_change_clusters_restore_to_a_consistent_catalogue() {
    let work = tempfile::tempdir().unwrap();
    let config = labelled_copy(work.path());
    harvest_all(&config);
    let done = Arc::new(AtomicBool::new(false));
    let harvester = {
        let (config, done) = (config.clone(), done.clone());
        std::thread::spawn(move || {
            let network = Arc::new(network(&config));
            let store = Arc::new(Store::open(&network.index_dir).unwrap());
            let index = Arc::new(CatalogIndex::open(&network.index_dir).unwrap());
            let rt = tokio::runtime::Runtime::new().unwrap();
            // lib01 loses half its records, gets them back, and so on:
            // every harvest changes clusters.
            let path = config.parent().unwrap().join("lib01/records.mrc");
            let whole = std::fs::read(&path).unwrap();
            let half = first_half(&whole);
            for i in 0..4 {
                std::fs::write(&path, if i % 2 == 0 { &half } else { &whole }).unwrap();
                let options = HarvestOptions::default();
                rt.block_on(unicat_harvest::harvest_and_publish(
                    network.clone(),
                    store.clone(),
                    index.clone(),
                    options,
                    Arc::new(Quiet),
                ))
                .unwrap();
            }
            done.store(true, Ordering::SeqCst);
        })
    };
    let network = network(&config);
    let mut taken = 0;
    while !done.load(Ordering::SeqCst) || taken == 0 {
        let to = work.path().join(format!("backup-{taken}"));
        let report = backup(&network, &to, Duration::from_secs(120)).unwrap();
        assert!(report.documents > 0);
        assert!(!to.with_extension("partial").exists());
        let restored = work.path().join(format!("restored-{taken}"));
        let r = restore(&network_at(&config, &restored), &to).unwrap();
        assert_eq!(r.documents, report.documents);
        let (stored, indexed) = (store_clusters(&restored), index_clusters(&restored));
        assert_eq!(stored.len() as u64, r.clusters);
        assert_eq!(stored, indexed, "backup {taken}: store and index agree");
        std::fs::remove_dir_all(&to).unwrap();
        std::fs::remove_dir_all(&restored).unwrap();
        taken += 1;
    }
    harvester.join().unwrap();
    println!("{taken} backups taken during four harvests");
}

#[test]
fn a_restored_catalogue_answers_as_the_one_backed_up() {
    let work = tempfile::tempdir().unwrap();
    let config = labelled_copy(work.path());
    harvest_all(&config);
    let network = network(&config);
    let before = (
        store_clusters(&network.index_dir),
        index_clusters(&network.index_dir),
        index_docs(&network.index_dir),
        searches(&network),
    );
    assert!(before.3.iter().any(|(_, hits)| !hits.is_empty()));
    let to = work.path().join("backup");
    backup(&network, &to, Duration::from_secs(10)).unwrap();
    assert!(
        backup(&network, &to, Duration::from_secs(10)).is_err(),
        "an existing folder is not overwritten"
    );
    // The catalogue moves on: a library's export loses half its records.
    let path = work.path().join("lib01/records.mrc");
    std::fs::write(&path, first_half(&std::fs::read(&path).unwrap())).unwrap();
    harvest_all(&config);
    assert_ne!(store_clusters(&network.index_dir), before.0);

    let report = restore(&network, &to).unwrap();
    assert_eq!(report.clusters, before.0.len() as u64);
    assert_eq!(store_clusters(&network.index_dir), before.0);
    assert_eq!(index_clusters(&network.index_dir), before.1);
    // Every document as before, field for field, and searches find the
    // same clusters in the same order.
    assert_eq!(index_docs(&network.index_dir), before.2);
    assert_eq!(searches(&network), before.3);
    // The restored catalogue's next harvest reads the shortened export
    // again (its checkpoint is the backup's).
    let (_, published) = harvest_all(&config);
    assert!(published.is_some());
    assert_ne!(store_clusters(&network.index_dir), before.0);
}

#[test]
fn records_stored_but_not_clustered_at_the_backup_are_clustered_after_restore() {
    let work = tempfile::tempdir().unwrap();
    let config = labelled_copy(work.path());
    // A harvest that stored every library and died before clustering.
    let report = harvest_with(&config, &[], false);
    assert!(!report.any_failed());
    let network = network(&config);
    let to = work.path().join("backup");
    let made = backup(&network, &to, Duration::from_secs(10)).unwrap();
    assert!(made.unpublished);
    assert_eq!(made.documents, 0);
    let restored = work.path().join("restored");
    restore(&network_at(&config, &restored), &to).unwrap();
    assert!(store_clusters(&restored).is_empty());
    // The exports have not changed, yet the restored catalogue clusters
    // and indexes every record.
    let text = std::fs::read_to_string(&config).unwrap().replace(
        "index_dir = \"index\"",
        &format!("index_dir = \"{}\"", restored.display()),
    );
    let restored_config = work.path().join("restored.toml");
    std::fs::write(&restored_config, text).unwrap();
    let (_, published) = harvest_all(&restored_config);
    let published = published.expect("published");
    assert!(published.clusters.full);
    let clusters = store_clusters(&restored);
    assert!(!clusters.is_empty());
    assert_eq!(clusters, index_clusters(&restored));
}

#[test]
fn a_backup_that_is_not_one_is_refused_and_changes_nothing() {
    let work = tempfile::tempdir().unwrap();
    let config = labelled_copy(work.path());
    harvest_all(&config);
    let network = network(&config);
    let before = store_clusters(&network.index_dir);
    let bogus = work.path().join("bogus");
    std::fs::create_dir_all(&bogus).unwrap();
    let e = restore(&network, &bogus).unwrap_err().to_string();
    assert!(e.contains("not a Unicat backup"), "{e}");
    std::fs::write(bogus.join("backup.json"), "{\"documents\": 3}").unwrap();
    let e = restore(&network, &bogus).unwrap_err().to_string();
    assert!(e.contains("incomplete backup"), "{e}");
    assert_eq!(store_clusters(&network.index_dir), before);
    // No store to back up.
    let empty = network_at(&config, &work.path().join("nothing"));
    let e = backup(&empty, &work.path().join("b"), Duration::from_secs(1))
        .unwrap_err()
        .to_string();
    assert!(e.contains("nothing to back up"), "{e}");
}

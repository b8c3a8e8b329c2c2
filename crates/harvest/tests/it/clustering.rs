//! Clustering through the whole pipeline (harvest → store → clusters →
//! index) on the labelled network in `fixtures/labelled` and on
//! `labelled-network-b`, made outside the project: pairwise precision and
//! recall against their truth; a re-harvest that moves only what changed;
//! and a store written by an earlier version or under other matching rules,
//! brought up to date by the next harvest with its cluster ids kept.

use crate::{harvest_with, root};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use unicat_store::Store;

fn truth() -> HashMap<(String, String), String> {
    truth_of(&root().join("fixtures/labelled/truth.jsonl"))
}

fn truth_of(path: &Path) -> HashMap<(String, String), String> {
    truth_field(path, "manifestation")
}

fn truth_field(path: &Path, field: &str) -> HashMap<(String, String), String> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                (
                    v["library"].as_str().unwrap().to_string(),
                    v["record_id"].as_str().unwrap().to_string(),
                ),
                v[field].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Each record's work id, through its cluster.
fn work_assignments(store: &Store) -> HashMap<(String, String), u64> {
    let work_of = store.work_of_clusters().unwrap();
    assignments(store)
        .into_iter()
        .map(|(r, c)| (r, work_of[&c]))
        .collect()
}

fn assignments(store: &Store) -> HashMap<(String, String), u64> {
    let mut out = HashMap::new();
    store
        .for_each_cluster(|id, e| {
            for m in e.members {
                out.insert((m.library, m.record_id), id);
            }
            Ok(())
        })
        .unwrap();
    out
}

/// Copies the labelled network into a temporary folder (so that tests can
/// change an export) and returns its config path.
pub fn labelled_copy(dir: &Path) -> std::path::PathBuf {
    network_copy(&root().join("fixtures/labelled"), dir)
}

/// Copies a network folder (its files and one level of folders) into a
/// temporary folder and returns its config path.
fn network_copy(src: &Path, dir: &Path) -> std::path::PathBuf {
    for entry in std::fs::read_dir(src).unwrap() {
        let p = entry.unwrap().path();
        let to = dir.join(p.file_name().unwrap());
        if p.is_dir() {
            std::fs::create_dir_all(&to).unwrap();
            for f in std::fs::read_dir(&p).unwrap() {
                let f = f.unwrap().path();
                std::fs::copy(&f, to.join(f.file_name().unwrap())).unwrap();
            }
        } else {
            std::fs::copy(&p, &to).unwrap();
        }
    }
    dir.join("network.toml")
}

pub fn harvest_all(config: &Path) -> (Arc<Store>, Option<unicat_harvest::PublishReport>) {
    let (store, _, published) = harvest_reported(config);
    (store, published)
}

fn harvest_reported(
    config: &Path,
) -> (
    Arc<Store>,
    unicat_harvest::NetworkReport,
    Option<unicat_harvest::PublishReport>,
) {
    let network = Arc::new(unicat_config::Network::load(config).unwrap());
    let store = Arc::new(Store::open(&network.index_dir).unwrap());
    let index = Arc::new(unicat_index::CatalogIndex::open(&network.index_dir).unwrap());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (report, published) = rt
        .block_on(unicat_harvest::harvest_and_publish(
            network,
            store.clone(),
            index,
            Default::default(),
            Arc::new(crate::Quiet),
        ))
        .unwrap();
    assert!(!report.any_failed());
    (store, report, published)
}

#[test]
fn precision_and_recall_on_the_labelled_network() {
    let dir = tempfile::tempdir().unwrap();
    let config = labelled_copy(dir.path());
    let (store, published) = harvest_all(&config);
    let published = published.unwrap();
    assert!(published.clusters.full);
    let truth = truth();
    let got = assignments(&store);
    assert_eq!(got.len(), truth.len(), "every record is in a cluster");
    let q = unicat_match::quality::pairwise(&got, &truth);
    println!(
        "labelled network: {} records, {} clusters; pairs: {} true positives, {} predicted, {} actual; precision {:.4}, recall {:.4}",
        truth.len(),
        published.clusters.total,
        q.true_positives,
        q.predicted,
        q.actual,
        q.precision(),
        q.recall()
    );
    assert!(q.precision() >= 0.995, "precision {:.4}", q.precision());
    assert!(q.recall() >= 0.97, "recall {:.4}", q.recall());
    let _ = harvest_with;
}

#[test]
fn a_reharvest_moves_only_the_changed_records_clusters() {
    let dir = tempfile::tempdir().unwrap();
    let config = labelled_copy(dir.path());
    let (store, _) = harvest_all(&config);
    let before = assignments(&store);
    drop(store);
    // lib02 exports MARCXML: retitle one record that shares a cluster with
    // others, so that it must leave it.
    let path = dir.path().join("lib02/records.xml");
    let xml = std::fs::read_to_string(&path).unwrap();
    let target = ("lib02".to_string(), "lib02-000002".to_string());
    let old_cluster = before[&target];
    let cluster_size = before.values().filter(|c| **c == old_cluster).count();
    assert!(cluster_size >= 3, "pick a record in a shared cluster");
    let start = xml
        .find("<controlfield tag=\"001\">lib02-000002</controlfield>")
        .unwrap();
    let title_at = start + xml[start..].find("<datafield tag=\"245\"").unwrap();
    let a_at = title_at
        + xml[title_at..].find("<subfield code=\"a\">").unwrap()
        + "<subfield code=\"a\">".len();
    let a_end = a_at + xml[a_at..].find("</subfield>").unwrap();
    let changed = format!(
        "{}Advanced compiler construction{}",
        &xml[..a_at],
        &xml[a_end..]
    );
    // A nightly run before the change reads nothing and publishes nothing.
    let (store, report, published) = harvest_reported(&config);
    drop(store);
    assert!(published.is_none(), "nothing to publish");
    for l in &report.libraries {
        assert_eq!(
            l.outcome,
            unicat_harvest::Outcome::Unchanged,
            "{}",
            l.library
        );
        assert_eq!(l.read, 0, "{}", l.library);
    }
    std::fs::write(&path, changed).unwrap();

    let (store, report, published) = harvest_reported(&config);
    // Only the changed export was read.
    for l in &report.libraries {
        let read = l.library == "lib02";
        assert_eq!(l.read > 0, read, "{}: {:?}", l.library, l.outcome);
    }
    assert_eq!(
        report
            .libraries
            .iter()
            .find(|l| l.library == "lib02")
            .unwrap()
            .changes
            .updated,
        vec![target.1.clone()]
    );
    let published = published.unwrap();
    assert!(!published.clusters.full);
    let after = assignments(&store);
    assert_eq!(after.len(), before.len());
    // The changed record left its cluster; that cluster kept its id.
    assert_ne!(after[&target], old_cluster);
    let stayed: Vec<_> = before
        .iter()
        .filter(|(k, c)| **c == old_cluster && **k != target)
        .collect();
    for (k, _) in &stayed {
        assert_eq!(
            after[*k], old_cluster,
            "{k:?} stays in the old cluster, under the same id"
        );
    }
    // Every other record kept its cluster id.
    let moved: Vec<_> = before
        .iter()
        .filter(|(k, c)| after[*k] != **c)
        .map(|(k, _)| k.clone())
        .collect();
    assert_eq!(moved, vec![target.clone()], "only the changed record moved");
    assert_eq!(
        published.clusters.upserted.len(),
        2,
        "the old cluster and the changed record's new one"
    );
    assert!(
        published.clusters.placed < 20,
        "only the touched cluster was placed again: {}",
        published.clusters.placed
    );
    assert_eq!(published.documents, 2);
}

/// Records grouped as `of` groups them (by cluster, or by work), each
/// group sorted, the groups sorted: ids left out, since a re-harvest keeps
/// the old ones and a harvest from scratch derives new ones.
fn partition(of: &HashMap<(String, String), u64>) -> Vec<Vec<(String, String)>> {
    let mut groups: HashMap<u64, Vec<(String, String)>> = HashMap::new();
    for (r, g) in of {
        groups.entry(*g).or_default().push(r.clone());
    }
    let mut out: Vec<_> = groups
        .into_values()
        .map(|mut g| {
            g.sort();
            g
        })
        .collect();
    out.sort();
    out
}

#[test]
fn an_incremental_reharvest_clusters_and_groups_works_as_a_harvest_from_scratch() {
    // The labelled network, harvested, then two records of lib02 retitled:
    // one to a title of its own (it leaves its cluster), one to another
    // record's title (it may join that record's cluster and work).
    let dir = tempfile::tempdir().unwrap();
    let config = labelled_copy(dir.path());
    drop(harvest_all(&config));
    let path = dir.path().join("lib02/records.xml");
    let mut xml = std::fs::read_to_string(&path).unwrap();
    let title_of = |xml: &str, id: &str| -> (usize, usize) {
        let start = xml
            .find(&format!("<controlfield tag=\"001\">{id}</controlfield>"))
            .unwrap();
        let title_at = start + xml[start..].find("<datafield tag=\"245\"").unwrap();
        let a_at = title_at
            + xml[title_at..].find("<subfield code=\"a\">").unwrap()
            + "<subfield code=\"a\">".len();
        (a_at, a_at + xml[a_at..].find("</subfield>").unwrap())
    };
    let (a, b) = title_of(&xml, "lib02-000002");
    xml.replace_range(a..b, "Advanced compiler construction");
    let (a, b) = title_of(&xml, "lib02-000003");
    let borrowed = {
        let (x, y) = title_of(&xml, "lib02-000005");
        xml[x..y].to_string()
    };
    xml.replace_range(a..b, &borrowed);
    std::fs::write(&path, &xml).unwrap();
    let (store, published) = harvest_all(&config);
    assert!(!published.expect("published").clusters.full);
    let (clusters, works) = (assignments(&store), work_assignments(&store));
    // Only changed works were written: none is left over, every cluster is
    // in exactly one.
    let mut in_works = std::collections::HashSet::new();
    store
        .for_each_work(|_, w| {
            for c in w.clusters {
                assert!(in_works.insert(c), "cluster {c} in two works");
            }
            Ok(())
        })
        .unwrap();
    let cluster_ids: std::collections::HashSet<u64> = clusters.values().copied().collect();
    assert_eq!(in_works, cluster_ids);
    drop(store);

    let scratch = tempfile::tempdir().unwrap();
    let config = labelled_copy(scratch.path());
    std::fs::write(scratch.path().join("lib02/records.xml"), &xml).unwrap();
    let (store, published) = harvest_all(&config);
    assert!(published.expect("published").clusters.full);
    assert_eq!(partition(&clusters), partition(&assignments(&store)));
    assert_eq!(partition(&works), partition(&work_assignments(&store)));
}

#[test]
fn a_harvest_that_died_before_the_index_commit_is_published_again() {
    let dir = tempfile::tempdir().unwrap();
    let config = labelled_copy(dir.path());
    let (store, published) = harvest_all(&config);
    let clusters = published.unwrap().clusters.total;
    // Nothing changed: nothing to publish.
    drop(store);
    let (store, published) = harvest_all(&config);
    assert!(published.is_none());
    // As a harvest killed between storing clusters and committing the
    // index leaves it: the next harvest rebuilds the index from the store.
    store.set_index_pending(true).unwrap();
    drop(store);
    let (store, published) = harvest_all(&config);
    let published = published.expect("the index is rebuilt");
    assert!(published.clusters.full);
    assert_eq!(published.clusters.total, clusters);
    assert_eq!(published.documents, clusters);
    assert!(!store.index_pending().unwrap());
}

/// The network made outside the project from real records, as a new user
/// would run it: its network.toml unchanged (its Koha libraries' 999 $c
/// repeats, so their records are identified by 001), every true pair
/// counted, those of records that could not be read included.
#[test]
fn precision_and_recall_on_a_network_made_outside_the_project() {
    let dir = tempfile::tempdir().unwrap();
    let src = root().join("fixtures/data/labelled-network-b");
    let config = network_copy(&src, dir.path());
    let (store, published) = harvest_all(&config);
    let published = published.unwrap();
    let truth = truth_of(&src.join("truth.jsonl"));
    let got = assignments(&store);
    let q = unicat_match::quality::pairwise(&got, &truth);
    let mut sizes: HashMap<&String, u64> = HashMap::new();
    for m in truth.values() {
        *sizes.entry(m).or_default() += 1;
    }
    let all_pairs: u64 = sizes.values().map(|n| n * (n - 1) / 2).sum();
    let recall = q.true_positives as f64 / all_pairs as f64;
    println!(
        "labelled-network-b: {} of {} records read, {} clusters; pairs: {} true positives, {} predicted, {} true in all; precision {:.4}, recall {:.4}",
        got.len(),
        truth.len(),
        published.clusters.total,
        q.true_positives,
        q.predicted,
        all_pairs,
        q.precision(),
        recall
    );
    assert!(q.precision() >= 0.995, "precision {:.4}", q.precision());
    assert!(recall >= 0.97, "recall {recall:.4}");
    // Works. The truth's works are a base record and the siblings made
    // from it; editions, translations or volumes of one work that came from
    // two base records (two Candides, Rituelen and its translation) are
    // two works there, one here: the false pairs are those (`bench cluster
    // --truth` with BENCH_SHOW_WORKS lists them).
    let works = truth_field(&src.join("truth.jsonl"), "work");
    let w = unicat_match::quality::pairwise(&work_assignments(&store), &works);
    println!(
        "labelled-network-b works: precision {:.4}, recall {:.4}",
        w.precision(),
        w.recall()
    );
    assert!(w.precision() >= 0.97, "work precision {:.4}", w.precision());
    assert!(w.recall() >= 0.95, "work recall {:.4}", w.recall());
}

/// Work ids stay as they are when the network is harvested again whole.
#[test]
fn work_ids_survive_a_full_reharvest() {
    let dir = tempfile::tempdir().unwrap();
    let src = root().join("fixtures/data/labelled-network-b");
    let config = network_copy(&src, dir.path());
    let (store, _) = harvest_all(&config);
    let before = work_assignments(&store);
    let works_before = store.work_of_clusters().unwrap().len();
    assert!(works_before > 0);
    // Clusters made by earlier rules: everything is placed again.
    store
        .set_match_rules(unicat_match::VIEW_VERSION.wrapping_sub(1))
        .unwrap();
    drop(store);
    let (store, published) = harvest_all(&config);
    assert!(published.expect("re-clustered").clusters.full);
    assert_eq!(work_assignments(&store), before, "same works, same ids");
}

/// A store whose clusters were made under other matching rules is
/// re-clustered whole by the next harvest, though no export changed, and
/// every cluster that persists keeps its id.
#[test]
fn a_change_of_the_matching_rules_reclusters_on_the_next_harvest_ids_kept() {
    let dir = tempfile::tempdir().unwrap();
    let config = labelled_copy(dir.path());
    let (store, _) = harvest_all(&config);
    let before = assignments(&store);
    assert_eq!(
        store.match_rules().unwrap(),
        Some(unicat_match::VIEW_VERSION)
    );
    // Nothing changed: nothing is done.
    drop(store);
    let (store, published) = harvest_all(&config);
    assert!(published.is_none());
    // Clusters made by earlier rules.
    store
        .set_match_rules(unicat_match::VIEW_VERSION.wrapping_sub(1))
        .unwrap();
    drop(store);
    let (store, published) = harvest_all(&config);
    let published = published.expect("the clusters are made again");
    assert!(published.rules_changed && published.clusters.full);
    assert_eq!(published.clusters.placed, before.len() as u64);
    assert_eq!(assignments(&store), before, "same clusters, same ids");
    assert_eq!(
        store.match_rules().unwrap(),
        Some(unicat_match::VIEW_VERSION)
    );
}

/// Records written by an earlier version (another layout of their
/// description) are upgraded from the MARC the store kept, before the
/// harvest; their holdings come back through the library's mapping.
#[test]
fn records_of_an_earlier_layout_are_upgraded_from_their_stored_marc() {
    let dir = tempfile::tempdir().unwrap();
    let config = labelled_copy(dir.path());
    let (store, _) = harvest_all(&config);
    let before = assignments(&store);
    let snapshot = store.snapshot().unwrap();
    let (sample_library, sample_id) = before.keys().next().unwrap().clone();
    let sample = snapshot
        .record(&sample_library, &sample_id)
        .unwrap()
        .unwrap();
    drop(snapshot);
    // Rewrite every record as layout 2 with a description this version
    // cannot read (only the MARC is where it was).
    for library in store.libraries().unwrap() {
        let mut old = Vec::new();
        store
            .for_each_encoded(&library, |id, bytes| {
                let mut v = bytes.to_vec();
                v[8] = 2;
                old.push((id.to_string(), v));
                Ok(())
            })
            .unwrap();
        store.replace_values(&library, &old).unwrap();
    }
    store.set_records_stale().unwrap();
    assert!(
        store
            .snapshot()
            .unwrap()
            .record(&sample_library, &sample_id)
            .is_err()
    );
    drop(store);
    let (store, published) = harvest_all(&config);
    let published = published.expect("upgraded records are clustered again");
    assert_eq!(published.upgraded, before.len() as u64);
    assert!(published.upgrade_failures.is_empty());
    assert!(store.records_current().unwrap());
    assert_eq!(assignments(&store), before, "same clusters, same ids");
    let again = store
        .snapshot()
        .unwrap()
        .record(&sample_library, &sample_id)
        .unwrap()
        .unwrap();
    assert_eq!(again, sample, "description, holdings and MARC as harvested");
}

/// The `<record>` element of a record in a MARCXML export: its start and
/// end (after `</record>`).
fn record_block(xml: &str, id: &str) -> (usize, usize) {
    let at = xml
        .find(&format!("<controlfield tag=\"001\">{id}</controlfield>"))
        .unwrap();
    let start = xml[..at].rfind("<record>").unwrap();
    let end = at + xml[at..].find("</record>").unwrap() + "</record>".len();
    (start, end)
}

/// Every work as stored, by id.
fn works_of(store: &Store) -> HashMap<u64, unicat_store::WorkEntry> {
    store.works().unwrap()
}

/// Issue 22's changed night: a re-harvest that reads only the records near
/// its changes, through the key index the store keeps, gives the clusters
/// (ids included) and works that reading every view gives, and leaves the
/// key index and work profiles as writing them whole would — across a
/// record added (a new cluster that joins a work), one changed (its
/// cluster leaves its work), one changed to another's title, and one
/// deleted.
#[test]
fn a_reharvest_near_its_changes_gives_what_reading_every_view_gives() {
    let near_dir = tempfile::tempdir().unwrap();
    let whole_dir = tempfile::tempdir().unwrap();
    let near_config = labelled_copy(near_dir.path());
    let whole_config = labelled_copy(whole_dir.path());
    drop(harvest_all(&whole_config));
    let (store, _) = harvest_all(&near_config);
    assert!(store.snapshot().unwrap().match_index_ready().unwrap());
    let records_before = assignments(&store);
    let works_before = work_assignments(&store);
    let lib02 = |id: &str| ("lib02".to_string(), id.to_string());
    // A lib02 record alone in its cluster, in a work of several clusters.
    let mut size: HashMap<u64, std::collections::HashSet<u64>> = HashMap::new();
    for (r, w) in &works_before {
        size.entry(*w).or_default().insert(records_before[r]);
    }
    let mut ids: Vec<&(String, String)> = records_before
        .keys()
        .filter(|(l, _)| l == "lib02")
        .collect();
    ids.sort();
    let mut members: HashMap<u64, usize> = HashMap::new();
    for c in records_before.values() {
        *members.entry(*c).or_default() += 1;
    }
    let leaver = ids
        .iter()
        .find(|r| size[&works_before[**r]].len() > 1 && members[&records_before[**r]] == 1)
        .expect("a lib02 record alone in its cluster, in a work of several clusters")
        .1
        .clone();
    drop(store);

    let path = near_dir.path().join("lib02/records.xml");
    let mut xml = std::fs::read_to_string(&path).unwrap();
    // The leaver gets a title of its own.
    let (start, end) = record_block(&xml, &leaver);
    let block = xml[start..end].to_string();
    let a = block.find("<datafield tag=\"245\"").unwrap();
    let a = a + block[a..].find("<subfield code=\"a\">").unwrap() + "<subfield code=\"a\">".len();
    let b = a + block[a..].find("</subfield>").unwrap();
    let mut retitled = block.clone();
    retitled.replace_range(a..b, "Advanced compiler construction");
    // Without the uniform title that may name its work too.
    for tag in ["130", "240"] {
        if let Some(at) = retitled.find(&format!("<datafield tag=\"{tag}\"")) {
            let to = at + retitled[at..].find("</datafield>").unwrap() + "</datafield>".len();
            retitled.replace_range(at..to, "");
        }
    }
    xml.replace_range(start..end, &retitled);
    // lib02-000001 (Fine, The ideas behind the chess openings, algebraic
    // ed.) is copied as another edition under an id of its own, without
    // its identifiers: a cluster of its own in the same work.
    let (start, end) = record_block(&xml, "lib02-000001");
    let mut copy = xml[start..end].replace("lib02-000001", "lib02-999999");
    for tag in ["010", "020"] {
        let at = copy.find(&format!("<datafield tag=\"{tag}\"")).unwrap();
        let to = at + copy[at..].find("</datafield>").unwrap() + "</datafield>".len();
        copy.replace_range(at..to, "");
    }
    copy = copy
        .replace("Algebraic ed., 1st ed.", "3rd ed.")
        .replace("900202s1990", "900202s2001")
        .replace(
            "<subfield code=\"c\">1990</subfield>",
            "<subfield code=\"c\">2001</subfield>",
        );
    xml.insert_str(end, &format!("\n{copy}"));
    // lib02-000004 goes.
    let (start, end) = record_block(&xml, "lib02-000004");
    xml.replace_range(start..end, "");
    std::fs::write(&path, &xml).unwrap();
    std::fs::write(whole_dir.path().join("lib02/records.xml"), &xml).unwrap();

    // The whole copy's store forgets its key index: the next harvest reads
    // every view (and writes the index whole).
    {
        let store = Store::open(&whole_dir.path().join("index")).unwrap();
        store.apply_clusters(&[], &[]).unwrap();
        assert!(!store.snapshot().unwrap().match_index_ready().unwrap());
    }
    let (near, near_published) = harvest_all(&near_config);
    let (whole, whole_published) = harvest_all(&whole_config);
    let (near_published, whole_published) = (
        near_published.unwrap().clusters,
        whole_published.unwrap().clusters,
    );
    assert!(!near_published.full && !whole_published.full);
    assert_eq!(whole_published.read, whole_published.records);
    assert!(
        near_published.read < near_published.records / 2,
        "only the records near the changes are read: {} of {}",
        near_published.read,
        near_published.records
    );
    assert_eq!(near_published.total, whole_published.total);
    // Cluster and work ids, not only the partitions, are the same.
    assert_eq!(assignments(&near), assignments(&whole));
    assert_eq!(works_of(&near), works_of(&whole));
    assert!(!near_published.works_changed.is_empty());
    let works_after = work_assignments(&near);
    let clusters_after = assignments(&near);
    // The leaver's cluster left its work; the copy founded a cluster of
    // its own in its original's work; the deleted record is gone.
    let was_with: Vec<&(String, String)> = works_before
        .iter()
        .filter(|(r, w)| **w == works_before[&lib02(&leaver)] && r.1 != leaver)
        .map(|(r, _)| r)
        .collect();
    assert!(!was_with.is_empty());
    for r in was_with {
        assert_ne!(
            works_after[r],
            works_after[&lib02(&leaver)],
            "{r:?} and the leaver"
        );
    }
    assert_ne!(
        clusters_after[&lib02("lib02-999999")],
        clusters_after[&lib02("lib02-000001")]
    );
    assert_eq!(
        works_after[&lib02("lib02-999999")],
        works_after[&lib02("lib02-000001")]
    );
    assert!(!clusters_after.contains_key(&lib02("lib02-000004")));
    // The key index kept up to date is the one written whole.
    let (near_index, whole_index) = (
        near.snapshot().unwrap().match_index_entries().unwrap(),
        whole.snapshot().unwrap().match_index_entries().unwrap(),
    );
    assert!(near.snapshot().unwrap().match_index_ready().unwrap());
    assert_eq!(near_index.records.len(), clusters_after.len());
    assert_eq!(near_index.profiles.len() as u64, near_published.total);
    assert!(
        near_index == whole_index,
        "the key index kept up to date differs from one written whole"
    );
}

use super::*;
use unicat_bib::Item;

fn rec(title: &str) -> Vec<u8> {
    StoredRecord {
        bib: BibRecord {
            title: title.to_string(),
            ..BibRecord::default()
        },
        items: vec![Item::default()],
        marc: title.as_bytes().to_vec(),
    }
    .encode()
    .unwrap()
}

fn harvest(
    store: &Store,
    lib: &str,
    mode: HarvestMode,
    puts: &[(&str, &str)],
    deletes: &[&str],
) -> Changes {
    let mut s = store.begin_harvest(lib, mode).unwrap();
    for (id, title) in puts {
        s.put(id.to_string(), rec(title)).unwrap();
    }
    for id in deletes {
        s.delete(id.to_string()).unwrap();
    }
    s.commit(HarvestState::default()).unwrap()
}

fn titles(store: &Store, lib: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    store
        .for_each_encoded(lib, |id, v| {
            out.push((id.to_string(), StoredRecord::decode(v).unwrap().bib.title));
            Ok(())
        })
        .unwrap();
    out
}

#[test]
fn full_harvests_replace_and_report_changes() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let c = harvest(
        &store,
        "ccpl",
        HarvestMode::Replace,
        &[("1", "A"), ("2", "B"), ("3", "C")],
        &[],
    );
    assert_eq!(c.added, vec!["1", "2", "3"]);
    assert_eq!(c.total, 3);
    let c = harvest(
        &store,
        "ccpl",
        HarvestMode::Replace,
        &[("2", "B"), ("3", "C changed"), ("4", "D")],
        &[],
    );
    assert_eq!(c.added, vec!["4"]);
    assert_eq!(c.updated, vec!["3"]);
    assert_eq!(c.deleted, vec!["1"]);
    assert_eq!(c.unchanged, 1);
    assert_eq!(
        titles(&store, "ccpl"),
        vec![
            ("2".into(), "B".into()),
            ("3".into(), "C changed".into()),
            ("4".into(), "D".into())
        ]
    );
    let state = store.harvest_state("ccpl").unwrap().unwrap();
    assert_eq!(
        (state.records, state.added, state.updated, state.deleted),
        (3, 1, 1, 1)
    );
}

#[test]
fn incremental_harvests_merge() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    harvest(
        &store,
        "oai",
        HarvestMode::Replace,
        &[("a", "A"), ("b", "B")],
        &[],
    );
    let c = harvest(
        &store,
        "oai",
        HarvestMode::Merge,
        &[("b", "B2"), ("c", "C")],
        &["a", "zzz"],
    );
    assert_eq!(c.added, vec!["c"]);
    assert_eq!(c.updated, vec!["b"]);
    assert_eq!(c.deleted, vec!["a"]);
    assert_eq!(
        titles(&store, "oai"),
        vec![("b".into(), "B2".into()), ("c".into(), "C".into())]
    );
}

#[test]
fn an_aborted_or_dropped_harvest_leaves_the_library_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    harvest(&store, "lib", HarvestMode::Replace, &[("1", "A")], &[]);
    // Enough records to flush several batches before failing.
    let mut s = store.begin_harvest("lib", HarvestMode::Replace).unwrap();
    for i in 0..10_000 {
        s.put(format!("x{i}"), rec("new")).unwrap();
    }
    s.abort().unwrap();
    assert_eq!(titles(&store, "lib"), vec![("1".into(), "A".into())]);
    {
        let mut s = store.begin_harvest("lib", HarvestMode::Replace).unwrap();
        for i in 0..5000 {
            s.put(format!("y{i}"), rec("new")).unwrap();
        }
        // dropped: the harvest failed midway
    }
    assert_eq!(titles(&store, "lib"), vec![("1".into(), "A".into())]);
    assert_eq!(store.count("lib").unwrap(), 1);
}

#[test]
fn libraries_are_independent_and_duplicates_reported() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    harvest(&store, "a", HarvestMode::Replace, &[("1", "A")], &[]);
    let c = harvest(
        &store,
        "b",
        HarvestMode::Replace,
        &[("1", "X"), ("1", "Y")],
        &[],
    );
    assert_eq!(c.duplicates, vec!["1"]);
    assert_eq!(titles(&store, "a"), vec![("1".into(), "A".into())]);
    assert_eq!(titles(&store, "b"), vec![("1".into(), "Y".into())]);
    assert_eq!(store.libraries().unwrap(), vec!["a", "b"]);
    assert_eq!(store.remove_library("a").unwrap(), vec!["1"]);
    assert_eq!(store.libraries().unwrap(), vec!["b"]);
}

#[test]
fn reopening_sees_the_committed_state_and_failures_are_recorded() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path()).unwrap();
        harvest(&store, "lib", HarvestMode::Replace, &[("1", "A")], &[]);
        store
            .record_failure("lib", 42, "connection refused")
            .unwrap();
    }
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.record("lib", "1").unwrap().unwrap().bib.title, "A");
    assert!(store.record("lib", "2").unwrap().is_none());
    assert!(store.record("nope", "1").unwrap().is_none());
    let s = store.harvest_state("lib").unwrap().unwrap();
    assert_eq!(s.last_error.as_deref(), Some("connection refused"));
    assert_eq!(s.records, 1);
}

#[test]
fn real_records_round_trip_through_the_encoding() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/data/koha-sample/export_with_952_DERIVED.marcxml.xml");
    let bytes = std::fs::read(path).unwrap();
    let mut n = 0;
    for r in unicat_marc::Reader::new(&bytes[..], unicat_marc::Format::MarcXml).flatten() {
        let stored = StoredRecord {
            bib: BibRecord::from_marc(&r),
            items: unicat_bib::HoldingsMapping::Koha.extract(&r),
            marc: Vec::new(),
        };
        let encoded = stored.encode().unwrap();
        assert_eq!(StoredRecord::decode(&encoded).unwrap(), stored);
        n += 1;
    }
    // Every record, Koha's record 369 (raw control characters, read with
    // spaces for them) included.
    assert_eq!(n, 436);
}

#[test]
fn clusters_are_replaced_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let a = MemberRef::new("a", "1");
    let b = MemberRef::new("b", "9");
    let c = MemberRef::new("c", "3");
    store
        .apply_clusters(
            &[],
            &[
                (
                    7,
                    ClusterEntry {
                        members: vec![a.clone(), b.clone()],
                        joins: vec![(1, 0)],
                    },
                ),
                (
                    8,
                    ClusterEntry {
                        members: vec![c.clone()],
                        joins: vec![],
                    },
                ),
            ],
        )
        .unwrap();
    assert_eq!(cluster_of(&store, "b", "9"), Some(7));
    assert_eq!(store.cluster_count().unwrap(), 2);
    // b moves to cluster 8; cluster 7 keeps a.
    store
        .apply_clusters(
            &[],
            &[
                (
                    7,
                    ClusterEntry {
                        members: vec![a.clone()],
                        joins: vec![],
                    },
                ),
                (
                    8,
                    ClusterEntry {
                        members: vec![c.clone(), b.clone()],
                        joins: vec![(1, 0)],
                    },
                ),
            ],
        )
        .unwrap();
    assert_eq!(cluster_of(&store, "b", "9"), Some(8));
    assert_eq!(cluster_of(&store, "a", "1"), Some(7));
    store.apply_clusters(&[7], &[]).unwrap();
    assert_eq!(cluster_of(&store, "a", "1"), None);
    assert_eq!(store.cluster(7).unwrap(), None);
    let mut seen = vec![];
    store
        .for_each_cluster(|id, e| {
            seen.push((id, e.members.len()));
            Ok(())
        })
        .unwrap();
    assert_eq!(seen, vec![(8, 2)]);
}

/// The cluster a record is in, found the slow way.
fn cluster_of(store: &Store, library: &str, record_id: &str) -> Option<u64> {
    let mut found = None;
    store
        .for_each_cluster(|id, e| {
            if e.members.contains(&MemberRef::new(library, record_id)) {
                assert!(found.replace(id).is_none(), "a record in two clusters");
            }
            Ok(())
        })
        .unwrap();
    found
}

#[test]
fn replacing_every_cluster_drops_the_old_ones() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let a = MemberRef::new("a", "1");
    let b = MemberRef::new("b", "9");
    let c = MemberRef::new("c", "3");
    let entry = |members: Vec<MemberRef>| ClusterEntry {
        joins: (1..members.len() as u32).map(|i| (i, 0)).collect(),
        members,
    };
    store
        .apply_clusters(
            &[],
            &[
                (7, entry(vec![a.clone(), b.clone()])),
                (8, entry(vec![c.clone()])),
            ],
        )
        .unwrap();
    // Written out of key order on purpose.
    store
        .replace_clusters(&[
            (9, entry(vec![c.clone(), b.clone()])),
            (3, entry(vec![a.clone()])),
        ])
        .unwrap();
    assert_eq!(store.cluster_count().unwrap(), 2);
    assert_eq!(store.cluster(7).unwrap(), None);
    assert_eq!(store.cluster(8).unwrap(), None);
    assert_eq!(store.cluster(9).unwrap(), Some(entry(vec![c, b])));
    assert_eq!(cluster_of(&store, "a", "1"), Some(3));
    assert_eq!(cluster_of(&store, "b", "9"), Some(9));
    assert_eq!(cluster_of(&store, "c", "3"), Some(9));
}

#[test]
fn a_store_from_another_version_is_refused_or_replaced() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path()).unwrap();
        harvest(&store, "lib", HarvestMode::Replace, &[("1", "A")], &[]);
        let txn = store.db.begin_write().unwrap();
        txn.open_table(META)
            .unwrap()
            .insert("schema_version", &b"1"[..])
            .unwrap();
        txn.commit().unwrap();
    }
    let refused = Store::open(dir.path())
        .err()
        .expect("an old store is refused");
    assert!(
        refused.to_string().contains("schema version 1"),
        "{refused}"
    );
    let (store, replaced) = Store::open_or_replace(dir.path()).unwrap();
    assert!(replaced);
    assert!(store.libraries().unwrap().is_empty());
    drop(store);
    let (_, replaced) = Store::open_or_replace(dir.path()).unwrap();
    assert!(!replaced, "a current store is kept");
}

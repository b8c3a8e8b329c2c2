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
fn records_staged_out_of_order_keep_their_last_version() {
    // Batches are written in id order; a record staged twice, or staged
    // and then deleted, in one batch keeps what came last.
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let c = harvest(
        &store,
        "lib",
        HarvestMode::Replace,
        &[("3", "C"), ("1", "A"), ("2", "B"), ("1", "A2")],
        &[],
    );
    assert_eq!(c.duplicates, vec!["1"]);
    assert_eq!(
        titles(&store, "lib"),
        vec![
            ("1".into(), "A2".into()),
            ("2".into(), "B".into()),
            ("3".into(), "C".into())
        ]
    );
    let c = harvest(
        &store,
        "lib",
        HarvestMode::Merge,
        &[("9", "N"), ("2", "B2")],
        &["9", "3"],
    );
    assert!(c.added.is_empty(), "{c:?}");
    assert_eq!(c.updated, vec!["2"]);
    assert_eq!(c.deleted, vec!["3"]);
    assert_eq!(
        titles(&store, "lib"),
        vec![("1".into(), "A2".into()), ("2".into(), "B2".into())]
    );
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

/// The key index and work profiles are written with the clusters, in one
/// transaction, read back as written (a key's records with their titles,
/// a record's cluster and keys), kept in backups, and marked incomplete by
/// a cluster write that does not keep them.
#[test]
fn the_key_index_is_written_with_the_clusters_and_kept_in_backups() {
    use unicat_match::keys::RecordKeys;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    assert!(!store.snapshot().unwrap().match_index_ready().unwrap());
    let (a, b) = (MemberRef::new("a", "1"), MemberRef::new("b", "9"));
    let keys_a = RecordKeys {
        keys: vec![(11, 5), (12, 2)],
        titles: (100, 101),
    };
    let keys_b = RecordKeys {
        keys: vec![(12, 2)],
        titles: (200, 201),
    };
    let view = unicat_match::Manifestation::from_bib(&BibRecord {
        title: "Emma".into(),
        ..BibRecord::default()
    });
    let profile = unicat_match::works::profile(&[&view]);
    let entry = ClusterEntry {
        members: vec![a.clone(), b.clone()],
        joins: vec![(1, 0)],
    };
    store
        .write_clustering(true, true, &[], &[(7, entry.clone())], |w| {
            for (r, keys) in [(&a, &keys_a), (&b, &keys_b)] {
                w.put_record(
                    r,
                    &MatchRecord {
                        cluster: 7,
                        keys: keys.clone(),
                    },
                )?;
            }
            w.put_key(11, 5, [(&a, keys_a.titles)])?;
            w.put_key(12, 2, [(&b, keys_b.titles), (&a, keys_a.titles)])?;
            w.put_profile(7, &profile)
        })
        .unwrap();
    // Valid once the clusters it describes are published.
    assert!(!store.snapshot().unwrap().match_index_ready().unwrap());
    store.set_index_pending(true).unwrap();
    store.set_index_pending(false).unwrap();
    let check = |store: &Store| {
        let snap = store.snapshot().unwrap();
        assert!(snap.match_index_ready().unwrap());
        assert_eq!(snap.cluster(7).unwrap(), Some(entry.clone()));
        assert_eq!(
            snap.match_record(&b).unwrap(),
            Some(MatchRecord {
                cluster: 7,
                keys: keys_b.clone()
            })
        );
        assert_eq!(
            snap.key_bucket(12).unwrap(),
            Some(KeyBucket {
                strength: 2,
                records: vec![(a.clone(), (100, 101)), (b.clone(), (200, 201))],
            })
        );
        let mut profiles = Vec::new();
        snap.for_each_profile(|id, p| {
            profiles.push((id, p));
            Ok(())
        })
        .unwrap();
        assert_eq!(profiles, vec![(7, profile.clone())]);
    };
    check(&store);
    // A backup holds them as they are.
    let copy = dir.path().join("copy");
    std::fs::create_dir_all(&copy).unwrap();
    store
        .backup_snapshot()
        .unwrap()
        .copy_to(&copy.join(STORE_FILE))
        .unwrap();
    check(&Store::open(&copy).unwrap());
    // Published again without clusters written (the search index rebuilt):
    // still valid.
    store.set_index_pending(true).unwrap();
    store.set_index_pending(false).unwrap();
    check(&store);
    // An incremental write: b leaves (its keys with it), a's key 12 is its
    // own now.
    store
        .write_clustering(false, false, &[], &[], |w| {
            w.remove_record(&b)?;
            w.put_key(12, 2, [(&a, keys_a.titles)])?;
            w.put_key(13, 1, [])
        })
        .unwrap();
    store.set_index_pending(false).unwrap();
    let snap = store.snapshot().unwrap();
    assert!(snap.match_index_ready().unwrap());
    assert_eq!(snap.match_record(&b).unwrap(), None);
    assert_eq!(snap.key_bucket(12).unwrap().unwrap().records.len(), 1);
    assert_eq!(snap.key_bucket(13).unwrap(), None);
    drop(snap);
    // Clusters written without the index: it no longer says it is whole.
    store.apply_clusters(&[], &[]).unwrap();
    assert!(!store.snapshot().unwrap().match_index_ready().unwrap());
    // Nor after a publishing that did not carry it forward (an earlier
    // version's harvest writes clusters and publishes them).
    store
        .write_clustering(false, false, &[], &[], |_| Ok(()))
        .unwrap();
    store.set_index_pending(false).unwrap();
    assert!(store.snapshot().unwrap().match_index_ready().unwrap());
    let txn = store.db().begin_write().unwrap();
    {
        let mut meta = txn.open_table(META).unwrap();
        let next = match_index::generation(&meta).unwrap() + 1;
        meta.insert("published", &next.to_le_bytes()[..]).unwrap();
    }
    txn.commit().unwrap();
    assert!(!store.snapshot().unwrap().match_index_ready().unwrap());
}

/// A whole write of the key index takes keys in any order: keys out of
/// order within a group, a group left and come back to, a group below the
/// ones written, and a key without records all read back as given.
#[test]
fn a_whole_key_index_write_reads_back_in_any_order() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let (a, b) = (MemberRef::new("a", "1"), MemberRef::new("b", "9"));
    let group = |g: u64, k: u64| (g << 45) + k;
    let writes: Vec<(u64, u8, Vec<&MemberRef>)> = vec![
        (group(1, 5), 5, vec![&a]),
        (group(1, 3), 2, vec![&a, &b]),
        (group(2, 1), 1, vec![&b]),
        (group(2, 2), 1, vec![]),
        (group(1, 9), 3, vec![&b]),
        (group(0, 7), 4, vec![&a]),
        (group(3, 1), 2, vec![&a, &b]),
        (group(3, 4), 2, vec![]),
    ];
    store
        .write_clustering(true, true, &[], &[], |w| {
            for (key, strength, records) in &writes {
                w.put_key(*key, *strength, records.iter().map(|r| (*r, (1, 2))))?;
            }
            Ok(())
        })
        .unwrap();
    let snap = store.snapshot().unwrap();
    for (key, strength, records) in &writes {
        let expected = (!records.is_empty()).then(|| KeyBucket {
            strength: *strength,
            records: records.iter().map(|r| ((*r).clone(), (1, 2))).collect(),
        });
        assert_eq!(snap.key_bucket(*key).unwrap(), expected, "key {key:#x}");
    }
    assert_eq!(snap.key_bucket(group(2, 3)).unwrap(), None);
}

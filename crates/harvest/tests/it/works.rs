//! Works through the pipeline: every index document names its work, and a
//! harvest that joins two works (a translation whose 240 names the
//! original arrives) rewrites the documents of the clusters that moved,
//! though their records did not change.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use unicat_store::Store;

const NETWORK: &str = r#"
index_dir = "index"

[[library]]
id = "east"
name = "East Library"
holdings = "852"
id_field = "001"
[library.source]
kind = "file"
path = "east.xml"
format = "marcxml"

[[library]]
id = "west"
name = "West Library"
holdings = "852"
id_field = "001"
[library.source]
kind = "file"
path = "west.xml"
format = "marcxml"
"#;

/// A book record in MARCXML: id, language, year, publisher, title, an
/// optional uniform title (240) and the library's 852.
fn book(
    id: &str,
    lang: &str,
    year: u16,
    publisher: &str,
    title: &str,
    uniform: Option<&str>,
) -> String {
    let uniform = uniform
        .map(|u| {
            format!(
                r#"<datafield tag="240" ind1="1" ind2="0"><subfield code="a">{u}.</subfield><subfield code="l">French</subfield></datafield>"#
            )
        })
        .unwrap_or_default();
    format!(
        r#"<record><leader>00000cam a2200000 a 4500</leader>
<controlfield tag="001">{id}</controlfield>
<controlfield tag="008">900101s{year}    fr            000 1 {lang} d</controlfield>
<datafield tag="100" ind1="1" ind2=" "><subfield code="a">Austen, Jane,</subfield><subfield code="d">1775-1817.</subfield></datafield>
{uniform}
<datafield tag="245" ind1="1" ind2="0"><subfield code="a">{title} /</subfield><subfield code="c">Jane Austen.</subfield></datafield>
<datafield tag="264" ind1=" " ind2="1"><subfield code="a">Paris :</subfield><subfield code="b">{publisher},</subfield><subfield code="c">{year}.</subfield></datafield>
<datafield tag="300" ind1=" " ind2=" "><subfield code="a">{pages} pages ;</subfield><subfield code="c">18 cm</subfield></datafield>
<datafield tag="852" ind1=" " ind2=" "><subfield code="b">Main</subfield><subfield code="h">FIC AUS</subfield></datafield>
</record>"#,
        pages = 300 + year % 97
    )
}

fn collection(records: &[String]) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<collection xmlns=\"http://www.loc.gov/MARC21/slim\">\n{}\n</collection>\n",
        records.join("\n")
    )
}

fn harvest(config: &Path) -> (Arc<Store>, Arc<unicat_index::CatalogIndex>) {
    let network = Arc::new(unicat_config::Network::load(config).unwrap());
    let store = Arc::new(Store::open(&network.index_dir).unwrap());
    let index = Arc::new(unicat_index::CatalogIndex::open(&network.index_dir).unwrap());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (report, _) = rt
        .block_on(unicat_harvest::harvest_and_publish(
            network,
            store.clone(),
            index.clone(),
            Default::default(),
            Arc::new(crate::Quiet),
        ))
        .unwrap();
    assert!(!report.any_failed(), "{report:?}");
    (store, index)
}

/// Cluster id → the work its index document names.
fn documents(index: &unicat_index::CatalogIndex) -> HashMap<String, Option<String>> {
    let mut out = HashMap::new();
    index
        .for_each(|d| {
            out.insert(d.id.clone(), d.work.clone());
        })
        .unwrap();
    out
}

/// Cluster id → its work in the store.
fn stored(store: &Store) -> HashMap<String, String> {
    store
        .work_of_clusters()
        .unwrap()
        .into_iter()
        .map(|(c, w)| {
            (
                unicat_match::ClusterId(c).to_string(),
                unicat_match::works::WorkId(w).to_string(),
            )
        })
        .collect()
}

fn assert_documents_name_their_works(store: &Store, index: &unicat_index::CatalogIndex) {
    let docs = documents(index);
    let works = stored(store);
    assert_eq!(docs.len(), works.len());
    for (cluster, work) in &docs {
        assert_eq!(work.as_ref(), works.get(cluster), "cluster {cluster}");
    }
}

#[test]
fn documents_follow_their_works_when_a_translation_joins_two() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("network.toml"), NETWORK).unwrap();
    let english = book("e1", "eng", 1990, "Penguin", "Pride and prejudice", None);
    let french = book("w1", "fre", 1995, "Gallimard", "Orgueil et préjugés", None);
    std::fs::write(dir.path().join("east.xml"), collection(&[english])).unwrap();
    std::fs::write(
        dir.path().join("west.xml"),
        collection(std::slice::from_ref(&french)),
    )
    .unwrap();
    let config = dir.path().join("network.toml");

    let (store, index) = harvest(&config);
    assert_documents_name_their_works(&store, &index);
    let before = documents(&index);
    let works: std::collections::HashSet<_> = before.values().collect();
    assert_eq!(
        works.len(),
        2,
        "the original and a translation without 240 are two works"
    );

    // Another French edition whose 240 names the original: it joins both.
    let translation = book(
        "w2",
        "fre",
        2005,
        "Folio",
        "Orgueil et préjugés",
        Some("Pride and prejudice"),
    );
    std::fs::write(
        dir.path().join("west.xml"),
        collection(&[french, translation]),
    )
    .unwrap();
    drop((store, index));
    let (store, index) = harvest(&config);
    assert_documents_name_their_works(&store, &index);
    let after = documents(&index);
    assert_eq!(after.len(), 3);
    let works: std::collections::HashSet<_> = after.values().collect();
    assert_eq!(works.len(), 1, "one work now: {after:?}");
    // The two earlier clusters kept their ids; one of them changed work
    // without changing records, and its document says so.
    for id in before.keys() {
        assert!(after.contains_key(id), "cluster {id} kept");
    }
    assert!(before.iter().any(|(id, w)| after[id] != *w));

    // Grouped search finds one work with its three editions.
    let clusters_of = |works: &[u64]| -> Vec<Vec<String>> {
        store
            .clusters_of_works(works)
            .unwrap()
            .into_iter()
            .map(|cs| {
                cs.into_iter()
                    .map(|c| unicat_match::ClusterId(c).to_string())
                    .collect()
            })
            .collect()
    };
    let r = index
        .search_works(
            &unicat_index::Query::All,
            0,
            10,
            unicat_index::Sort::Relevance,
            clusters_of,
        )
        .unwrap();
    assert_eq!((r.total, r.clusters), (1, 3));
    assert_eq!(r.hits[0].holdings.editions, 3);
    assert_eq!(r.hits[0].holdings.libraries, 2);
}

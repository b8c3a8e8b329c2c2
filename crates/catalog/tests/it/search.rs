//! The lenient reading on a small network: a search that finds a few
//! results still gets a suggestion, and a search whose words name none of
//! the few it finds brings the results with most of its words after them.

use crate::{harvest, record};
use std::path::Path;
use unicat_catalog::{Catalog, SearchRequest};

/// One library: twenty histories, *The history of Rome*, one record whose
/// cataloguer typed "histroy", and a record on Rome whose notes name a
/// garden.
fn network(dir: &Path) -> Catalog {
    let mut records = String::new();
    for (i, place) in [
        "Spain", "France", "Peru", "Japan", "Chile", "Egypt", "India", "Italy", "Ghana", "Nepal",
        "Oman", "Fiji", "Cuba", "Mali", "Iran", "Iraq", "Laos", "Chad", "Togo", "Niger",
    ]
    .iter()
    .enumerate()
    {
        records.push_str(&record(
            &format!("h{i}"),
            &format!("A history of {place}"),
            "",
            &["Available"],
        ));
    }
    records.push_str(&record("rome", "The history of Rome", "", &["Available"]));
    records.push_str(&record(
        "slip",
        "The histroy of Carthage",
        "",
        &["Available"],
    ));
    let garden = record("garden", "Rome and its people", "", &["Available"]).replace(
        "</record>",
        "<datafield tag=\"500\" ind1=\" \" ind2=\" \"><subfield code=\"a\">With a chapter on the Borghese garden.</subfield></datafield></record>",
    );
    records.push_str(&garden);
    std::fs::write(
        dir.join("lib.xml"),
        format!("<collection>{records}</collection>"),
    )
    .unwrap();
    std::fs::write(
        dir.join("network.toml"),
        "index_dir = \"index\"\n[[library]]\nid = \"lib\"\nname = \"Library\"\n[library.source]\nkind = \"file\"\npath = \"lib.xml\"\n",
    )
    .unwrap();
    harvest(&dir.join("network.toml"), None)
}

fn search(catalog: &Catalog, q: &str) -> unicat_catalog::SearchResponse {
    catalog
        .search(&SearchRequest {
            q: q.into(),
            ..SearchRequest::default()
        })
        .unwrap()
}

#[test]
fn a_search_that_finds_a_record_with_a_slip_suggests_the_common_spelling() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = network(dir.path());
    // "histroy" is a word of the index (one record has it), so the search
    // finds that record; the far more common spelling is suggested.
    let r = search(&catalog, "histroy");
    assert_eq!(r.total, 1);
    assert_eq!(r.suggestion.as_deref(), Some("history"), "{r:?}");
    // Not when the corrected words would find nothing.
    let r = search(&catalog, "histroy carthage");
    assert_eq!(r.total, 1);
    assert_eq!(r.suggestion, None, "{r:?}");
    // Words spelt as the index mostly spells them suggest nothing.
    let r = search(&catalog, "history rome");
    assert_eq!(r.suggestion, None);
}

#[test]
fn few_results_that_are_not_what_the_words_name_bring_most_of_the_words() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = network(dir.path());
    // Only *Rome and its people* has both words, and "garden" only in a
    // note: the search widens, that record first.
    let r = search(&catalog, "rome garden");
    assert!(r.relaxed);
    assert_eq!(r.all_words, Some(1));
    assert_eq!(r.results[0].title, "Rome and its people");
    assert_eq!(r.total, 2, "{:?}", r.results);
    // A title found as it is stays as found.
    let r = search(&catalog, "history rome");
    assert!(!r.relaxed);
    assert_eq!(r.all_words, None);
    assert_eq!(r.total, 1);
}

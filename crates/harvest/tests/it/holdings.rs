//! Holdings as libraries export them: MARC holdings records attached to
//! their bibs by 004 (or Evergreen's first 001) from a second source, in
//! the same file or interleaved; authority records counted and ignored;
//! orphans reported; a re-harvest of changed holdings alone.

use crate::{fixture, write_config};
use std::path::Path;
use std::sync::Arc;
use unicat_harvest::{NetworkReport, PublishReport};
use unicat_index::{CatalogIndex, ClusterDoc};
use unicat_store::Store;

fn publish(config: &Path) -> (NetworkReport, Option<PublishReport>, Vec<ClusterDoc>) {
    let network = Arc::new(unicat_config::Network::load(config).unwrap());
    let store = Arc::new(Store::open(&network.index_dir).unwrap());
    let index = Arc::new(CatalogIndex::open(&network.index_dir).unwrap());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (report, published) = rt
        .block_on(unicat_harvest::harvest_and_publish(
            network,
            store,
            index.clone(),
            Default::default(),
            Arc::new(crate::Quiet),
        ))
        .unwrap();
    index.reload().unwrap();
    let mut docs = Vec::new();
    index.for_each(|d| docs.push(d)).unwrap();
    (report, published, docs)
}

fn two_sources(id: &str, bibs: &Path, holdings: &Path, extra: &str) -> String {
    format!(
        "[[library]]\nid = \"{id}\"\nname = \"{id}\"\n{extra}\n[[library.source]]\nkind = \"file\"\npath = \"{}\"\n[[library.source]]\nkind = \"file\"\npath = \"{}\"\n",
        bibs.display(),
        holdings.display()
    )
}

#[test]
fn evergreen_serials_and_their_mfhd_from_two_sources() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(
        dir.path(),
        &two_sources(
            "eg",
            &fixture("evergreen/serials_marc21.xml"),
            &fixture("evergreen/serials_mfhd.xml"),
            "id_field = \"901$a\"",
        ),
    );
    let (report, _, docs) = publish(&config);
    let r = &report.libraries[0];
    assert!(!r.is_failure(), "{r:?}");
    assert_eq!(r.read, 7, "7 bibliographic records");
    assert_eq!(r.holdings_read, 7, "7 holdings records");
    assert_eq!(r.holdings_attached, 7, "every holdings record attached");
    assert!(r.orphans.is_empty(), "{:?}", r.orphans);
    assert_eq!(r.changes.holdings_total, 7);
    // No empty "clusters" made of holdings records.
    assert_eq!(docs.len(), 7);
    assert!(docs.iter().all(|d| !d.title.is_empty()), "{docs:?}");
    // Each bib shows its library's location from its MFHD's 852.
    let located = docs
        .iter()
        .filter(|d| d.holdings[0].location.is_some())
        .count();
    assert_eq!(located, 7, "{docs:#?}");
    // NRC newslink (a814666): 853/863 rendered; Evergreen's 866.
    let nrc = docs
        .iter()
        .find(|d| d.issns.contains(&"1913-1607".to_string()))
        .unwrap();
    let h = &nrc.holdings[0];
    assert_eq!(h.location.as_deref(), Some("DESMARAIS — DESM-PER"));
    assert_eq!(
        h.summary_holdings[0].statement,
        "2007:21, 2007:22, 2007:23, 2007:24, 2008:21, 2008:22"
    );
    assert_eq!(
        h.covers(Some(2008), None),
        unicat_bib::CoverageVerdict::Held
    );
    assert_eq!(
        h.covers(Some(2009), None),
        unicat_bib::CoverageVerdict::NotHeld
    );
    let with_866 = docs
        .iter()
        .flat_map(|d| &d.holdings)
        .filter(|h| {
            h.summary_holdings
                .iter()
                .any(|s| s.statement == "2000/2001 - 2003/2004")
        })
        .count();
    assert_eq!(with_866, 2, "two MFHDs carry Evergreen's 866");
}

#[test]
fn holdings_in_the_same_file_interleaved_and_orphans() {
    let dir = tempfile::tempdir().unwrap();
    // Bibs and MFHD in one file, each MFHD before its bib, plus an MFHD
    // whose bib is not exported.
    let bibs = std::fs::read_to_string(fixture("evergreen/serials_marc21.xml")).unwrap();
    let mfhd = std::fs::read_to_string(fixture("evergreen/serials_mfhd.xml")).unwrap();
    let records = |xml: &str| -> Vec<String> {
        xml.split("<record")
            .skip(1)
            .map(|r| format!("<record{}", &r[..r.find("</record>").unwrap() + 9]))
            .collect()
    };
    let (b, h) = (records(&bibs), records(&mfhd));
    assert_eq!((b.len(), h.len()), (7, 7));
    let mut out = String::from("<collection>");
    for (bib, hold) in b.iter().zip(&h) {
        out.push_str(hold);
        out.push_str(bib);
    }
    out.push_str(&h[0].replace("a814607", "a999999").replace("44368", "55555"));
    out.push_str("</collection>");
    let file = dir.path().join("all.xml");
    std::fs::write(&file, out).unwrap();
    let config = write_config(
        dir.path(),
        &format!(
            "[[library]]\nid = \"one\"\nname = \"one\"\nid_field = \"901$a\"\n[library.source]\nkind = \"file\"\npath = \"{}\"\n",
            file.display()
        ),
    );
    let (report, _, docs) = publish(&config);
    let r = &report.libraries[0];
    assert_eq!((r.read, r.holdings_read, r.holdings_attached), (7, 8, 7));
    assert_eq!(r.orphans.len(), 1);
    assert_eq!(r.orphans[0].record_id.as_deref(), Some("55555"));
    assert!(
        r.orphans[0].reason.contains("\"a999999\""),
        "{:?}",
        r.orphans
    );
    assert_eq!(docs.len(), 7);
    let text = std::fs::read_to_string(dir.path().join("index/reports/one.txt")).unwrap();
    assert!(
        text.contains("\nholdings records: 8\nholdings attached: 7\norphan holdings records: 1\n"),
        "{text}"
    );
    assert!(text.contains("orphan holdings record: "), "{text}");
}

#[test]
fn authority_records_are_counted_and_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(
        dir.path(),
        &format!(
            "[[library]]\nid = \"iish\"\nname = \"IISH authorities\"\n[library.source]\nkind = \"file\"\npath = \"{}\"\n",
            fixture("evergreen/auth-1066.mrc").display()
        ),
    );
    let (report, _, docs) = publish(&config);
    let r = &report.libraries[0];
    assert!(!r.is_failure(), "{r:?}");
    assert_eq!(r.read, 0);
    assert_eq!(r.problems_total, 0);
    assert_eq!(
        r.ignored_lines(),
        vec!["1,066 authority records: not bibliographic, ignored".to_string()]
    );
    assert!(docs.is_empty(), "no clusters: {}", docs.len());
    let text = std::fs::read_to_string(dir.path().join("index/reports/iish.txt")).unwrap();
    assert!(
        text.contains("ignored: 1,066 authority records: not bibliographic, ignored"),
        "{text}"
    );
}

#[test]
fn changed_holdings_alone_change_the_holdings_alone() {
    let dir = tempfile::tempdir().unwrap();
    let bibs = dir.path().join("bibs.xml");
    let mfhd = dir.path().join("mfhd.xml");
    std::fs::copy(fixture("evergreen/serials_marc21.xml"), &bibs).unwrap();
    std::fs::copy(fixture("evergreen/serials_mfhd.xml"), &mfhd).unwrap();
    let config = write_config(
        dir.path(),
        &two_sources("eg", &bibs, &mfhd, "id_field = \"901$a\""),
    );
    let (_, _, before) = publish(&config);
    // The library now holds NRC newslink from 2009 too.
    let text = std::fs::read_to_string(&mfhd).unwrap().replacen(
        "<subfield code=\"a\">2008</subfield>\n      <subfield code=\"b\">22</subfield>",
        "<subfield code=\"a\">2009</subfield>\n      <subfield code=\"b\">22</subfield>",
        1,
    );
    assert!(text.contains(">2009<"));
    std::fs::write(&mfhd, text).unwrap();
    let (report, published, after) = publish(&config);
    let r = &report.libraries[0];
    assert!(
        r.changes.added.is_empty() && r.changes.updated.is_empty() && r.changes.deleted.is_empty(),
        "{:?}",
        r.changes
    );
    assert_eq!(r.changes.holdings_changed, vec!["a814666".to_string()]);
    let published = published.expect("the changed holdings are published");
    assert_eq!(published.clusters.upserted.len(), 1, "one document rebuilt");
    let ids = |docs: &[ClusterDoc]| {
        let mut v: Vec<String> = docs.iter().map(|d| d.id.clone()).collect();
        v.sort();
        v
    };
    assert_eq!(ids(&before), ids(&after), "cluster ids kept");
    let nrc = after
        .iter()
        .find(|d| d.issns.contains(&"1913-1607".to_string()))
        .unwrap();
    assert_eq!(
        nrc.holdings[0].covers(Some(2009), None),
        unicat_bib::CoverageVerdict::Held
    );
}

#[test]
fn a_holdings_record_naming_its_bib_by_001_is_relinked() {
    // The library identifies its records by 901 $a; one holdings record
    // names its bib ("Circulation research", 901 $a a814607) by the bib's
    // 001, 21061, as MARC 21's 004 does.
    let dir = tempfile::tempdir().unwrap();
    let mfhd = dir.path().join("mfhd.xml");
    let text = std::fs::read_to_string(fixture("evergreen/serials_mfhd.xml")).unwrap();
    let text = text.replacen(
        "<controlfield tag=\"001\">a814607</controlfield>\n    <controlfield tag=\"001\">44368</controlfield>",
        "<controlfield tag=\"001\">44368</controlfield>\n    <controlfield tag=\"004\">21061</controlfield>",
        1,
    );
    assert!(text.contains("<controlfield tag=\"004\">21061</controlfield>"));
    std::fs::write(&mfhd, text).unwrap();
    let config = write_config(
        dir.path(),
        &two_sources(
            "eg",
            &fixture("evergreen/serials_marc21.xml"),
            &mfhd,
            "id_field = \"901$a\"",
        ),
    );
    let (report, _, docs) = publish(&config);
    let r = &report.libraries[0];
    assert_eq!(
        (r.holdings_read, r.holdings_attached),
        (7, 7),
        "{:?}",
        r.orphans
    );
    let circ = docs
        .iter()
        .find(|d| d.title.starts_with("Circulation research"))
        .unwrap();
    assert_eq!(circ.holdings[0].record_id, "a814607");
    assert_eq!(
        circ.holdings[0].location.as_deref(),
        Some("HRSRH — HRSRHL-PER")
    );
}

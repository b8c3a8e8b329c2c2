//! Interlibrary-loan lenders on a network with known holdings and
//! availability, and collection overlap checked against a count made here
//! from the clusters export.

mod search;
mod serials;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;
use unicat_catalog::Catalog;

pub(crate) fn harvest(config: &Path, index_dir: Option<&Path>) -> Catalog {
    let mut network = unicat_config::Network::load(config).unwrap();
    if let Some(d) = index_dir {
        network.index_dir = d.to_path_buf();
    }
    let network = Arc::new(network);
    let store = Arc::new(unicat_store::Store::open(&network.index_dir).unwrap());
    let index = Arc::new(unicat_index::CatalogIndex::open(&network.index_dir).unwrap());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (report, _) = rt
        .block_on(unicat_harvest::harvest_and_publish(
            network.clone(),
            store.clone(),
            index.clone(),
            Default::default(),
            Arc::new(unicat_harvest::LogObserver),
        ))
        .unwrap();
    assert!(
        !report.any_failed(),
        "{:?}",
        report
            .libraries
            .iter()
            .map(|l| &l.outcome)
            .collect::<Vec<_>>()
    );
    Catalog::with(network, store, index)
}

/// One MARCXML record with an 852 per status given.
pub(crate) fn record(id: &str, title: &str, isbn: &str, statuses: &[&str]) -> String {
    let mut holdings = String::new();
    for s in statuses {
        let z = if s.is_empty() {
            String::new()
        } else {
            format!("<subfield code=\"z\">{s}</subfield>")
        };
        holdings.push_str(&format!("<datafield tag=\"852\" ind1=\" \" ind2=\" \"><subfield code=\"b\">MAIN</subfield><subfield code=\"j\">PS 123</subfield>{z}</datafield>"));
    }
    format!(
        "<record><leader>00000cam a2200000 a 4500</leader><controlfield tag=\"001\">{id}</controlfield>\
         <controlfield tag=\"008\">900101s1999    nyu           000 1 eng d</controlfield>\
         <datafield tag=\"020\" ind1=\" \" ind2=\" \"><subfield code=\"a\">{isbn}</subfield></datafield>\
         <datafield tag=\"100\" ind1=\"1\" ind2=\" \"><subfield code=\"a\">Writer, Ann.</subfield></datafield>\
         <datafield tag=\"245\" ind1=\"1\" ind2=\"0\"><subfield code=\"a\">{title}</subfield></datafield>\
         <datafield tag=\"260\" ind1=\" \" ind2=\" \"><subfield code=\"b\">Penguin,</subfield><subfield code=\"c\">1999.</subfield></datafield>\
         {holdings}</record>"
    )
}

const BOOK: &str = "9780940787087";
const OTHER: &str = "9780131103627";

/// id, lat/lon, lending, status of its copy of BOOK (None: no copy), holds OTHER
type Lib = (
    &'static str,
    Option<(f64, f64)>,
    bool,
    Option<&'static str>,
    bool,
);

const LIBRARIES: &[Lib] = &[
    ("req", Some((41.0, -91.0)), true, Some("Available"), true),
    ("near", Some((41.09, -91.0)), true, Some("Available"), false),
    ("far", Some((41.9, -91.0)), true, Some("Available"), false),
    (
        "out",
        Some((41.045, -91.0)),
        true,
        Some("Checked out"),
        false,
    ),
    (
        "nolend",
        Some((41.01, -91.0)),
        false,
        Some("Available"),
        false,
    ),
    ("unknown", Some((41.18, -91.0)), true, Some(""), false),
    ("lost", Some((41.02, -91.0)), true, Some("Lost"), false),
    ("eq1", None, true, None, true),
    ("eq2", None, true, None, true),
    ("eq3", None, true, None, true),
];

fn ill_network(dir: &Path) -> Catalog {
    let mut config = String::from("index_dir = \"index\"\n");
    for (id, loc, lending, status, other) in LIBRARIES {
        let mut records = String::new();
        if let Some(s) = status {
            records.push_str(&record(
                &format!("{id}-1"),
                "The art of lending",
                BOOK,
                &[s],
            ));
        }
        if *other {
            records.push_str(&record(
                &format!("{id}-2"),
                "The C programming language",
                OTHER,
                &["Available"],
            ));
        }
        std::fs::write(
            dir.join(format!("{id}.xml")),
            format!("<collection>{records}</collection>"),
        )
        .unwrap();
        config.push_str(&format!("\n[[library]]\nid = \"{id}\"\nname = \"Library {id}\"\nlending = {lending}\nopac_url = \"https://{id}.example/r/{{id}}\"\n"));
        if let Some((lat, lon)) = loc {
            config.push_str(&format!("lat = {lat}\nlon = {lon}\n"));
        }
        config.push_str(&format!(
            "[library.source]\nkind = \"file\"\npath = \"{id}.xml\"\n"
        ));
    }
    std::fs::write(dir.join("network.toml"), config).unwrap();
    harvest(&dir.join("network.toml"), None)
}

fn cluster_of(catalog: &Catalog, isbn: &str) -> String {
    let r = catalog
        .holdings(unicat_catalog::IdentifierKind::Isbn, isbn)
        .unwrap();
    assert_eq!(r.clusters.len(), 1);
    r.clusters[0].id.clone()
}

#[test]
fn lenders_are_ranked_by_availability_then_distance() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = ill_network(dir.path());
    let id = cluster_of(&catalog, BOOK);
    let r = catalog.lenders(&id, "req").unwrap();
    let order: Vec<&str> = r.lenders.iter().map(|l| l.library.as_str()).collect();
    // Available near before available far, then unknown, then checked out;
    // never the requester, never the non-lending library, not the lost copy.
    assert_eq!(
        order,
        vec!["near", "far", "unknown", "out"],
        "{:#?}",
        r.lenders
    );
    assert!(
        r.lenders[0].reason.contains("available") && r.lenders[0].reason.contains("km"),
        "{}",
        r.lenders[0].reason
    );
    assert!(r.lenders[3].reason.contains("checked out"));
    assert!(
        (r.lenders[0].distance_km.unwrap() - 10.0).abs() < 0.6,
        "{:?}",
        r.lenders[0].distance_km
    );
    assert!(r.excluded.iter().any(|e| e.contains("Library nolend")));
    assert!(r.excluded.iter().any(|e| e.contains("Library lost")));
    assert!(r.openurl.contains("rft.isbn=9780940787087"));
    // From another requester the requester's own copy is a lender.
    let r = catalog.lenders(&id, "far").unwrap();
    assert!(r.lenders.iter().all(|l| l.library != "far"));
    assert!(r.lenders.iter().any(|l| l.library == "req"));
    assert!(catalog.lenders(&id, "nowhere").is_err());
    assert!(catalog.lenders("0000000000", "req").is_err());
}

#[test]
fn equal_lenders_take_turns_at_the_top() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = ill_network(dir.path());
    let id = cluster_of(&catalog, OTHER);
    let mut firsts: BTreeMap<String, usize> = BTreeMap::new();
    for _ in 0..30 {
        let r = catalog.lenders(&id, "req").unwrap();
        assert_eq!(r.lenders.len(), 3);
        *firsts.entry(r.lenders[0].library.clone()).or_default() += 1;
        assert!(r.lenders[0].reason.contains("take turns"));
    }
    assert_eq!(
        firsts.len(),
        3,
        "each equal lender comes first in turn: {firsts:?}"
    );
    assert!(firsts.values().all(|&n| n == 10), "{firsts:?}");
}

#[test]
fn overlap_agrees_with_a_count_from_the_clusters_export() {
    let dir = tempfile::tempdir().unwrap();
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/labelled/network.toml");
    let catalog = harvest(&config, Some(dir.path()));
    // Independent count from `unicat clusters`' lines.
    let mut holders_of: Vec<Vec<String>> = Vec::new();
    catalog
        .for_each_cluster(|c| {
            let mut libs: Vec<String> = c.members.iter().map(|m| m.library.clone()).collect();
            libs.sort();
            libs.dedup();
            holders_of.push(libs);
        })
        .unwrap();
    let mut expect: HashMap<String, [u64; 4]> = HashMap::new();
    let mut both: HashMap<(String, String), u64> = HashMap::new();
    for libs in &holders_of {
        for a in libs {
            let e = expect.entry(a.clone()).or_default();
            e[0] += 1;
            match libs.len() {
                1 => e[1] += 1,
                2 | 3 => e[2] += 1,
                _ => e[3] += 1,
            }
            for b in libs {
                *both.entry((a.clone(), b.clone())).or_default() += 1;
            }
        }
    }
    let report = catalog.overlap().unwrap();
    assert_eq!(report.clusters as usize, holders_of.len());
    for l in &report.libraries {
        let e = expect[&l.library];
        assert_eq!(
            [l.total, l.unique, l.shared_2_3, l.widely_held],
            e,
            "{}",
            l.library
        );
    }
    for (i, a) in report.matrix.libraries.iter().enumerate() {
        for (j, b) in report.matrix.libraries.iter().enumerate() {
            assert_eq!(
                report.matrix.counts[i][j],
                both.get(&(a.clone(), b.clone())).copied().unwrap_or(0),
                "{a} × {b}"
            );
        }
    }
    // Breakdowns add up to the whole.
    let by_format: u64 = report.by_format.values().map(|b| b.clusters).sum();
    assert_eq!(by_format, report.clusters);
    assert!(report.by_format.contains_key("book"));
    assert!(!report.by_lc_class.is_empty());
    // Cached: the same Arc until the index changes.
    assert!(Arc::ptr_eq(&report, &catalog.overlap().unwrap()));
}

//! Exports read by real clients: pymarc reads the MARCXML, MARC-in-JSON
//! and ISO 2709 exports, PyPI's rispy and bibtexparser the RIS and BibTeX,
//! Python's csv the CSV (with commas, quotes and newlines in titles).

use crate::{app, demo, get, python};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, OnceLock};
use tower::ServiceExt;
use unicat_catalog::{Catalog, ClusterDoc, SearchRequest};
use unicat_server::AppState;

fn demo_app() -> Router {
    unicat_server::router(AppState::new(demo().catalog.clone()))
}

/// Runs a Python script with arguments; its standard output.
fn py(script: &str, args: &[&Path]) -> String {
    let mut cmd = Command::new(python());
    cmd.arg("-c").arg(script).args(args);
    let out = cmd.output().expect("python runs");
    assert!(
        out.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn save(dir: &Path, name: &str, body: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, body).unwrap();
    p
}

/// The first clusters of a search, as the JSON API gives them.
fn searched(catalog: &Catalog, q: &str, n: usize) -> Vec<ClusterDoc> {
    catalog
        .search(&SearchRequest {
            q: q.into(),
            per_page: n,
            ..SearchRequest::default()
        })
        .unwrap()
        .results
}

/// pymarc's reading of a file: per record, 001, then the 852 $a values.
const PYMARC: &str = r#"
import sys, pymarc
path, kind = sys.argv[1], sys.argv[2]
if kind == "xml":
    records = pymarc.parse_xml_to_array(path, strict=True)
elif kind == "json":
    with open(path, "rb") as f:
        records = list(pymarc.JSONReader(f.read().decode("utf-8")))
else:
    with open(path, "rb") as f:
        records = list(pymarc.MARCReader(f, to_unicode=True, force_utf8=False))
for r in records:
    assert r is not None, "a record pymarc could not read"
    assert r.leader[9] == "a"
    libs = [f.get_subfields("a")[0] for f in r.get_fields("852")]
    print(r["001"].data + "\t" + ",".join(libs) + "\t" + r["245"]["a"])
"#;

fn pymarc_read(path: &Path, kind: &str) -> Vec<(String, Vec<String>)> {
    let kind_arg = PathBuf::from(kind);
    py(PYMARC, &[path, &kind_arg])
        .lines()
        .map(|l| {
            let mut p = l.split('\t');
            let id = p.next().unwrap().to_string();
            let libs = p
                .next()
                .unwrap()
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            (id, libs)
        })
        .collect()
}

fn expected(docs: &[ClusterDoc]) -> Vec<(String, Vec<String>)> {
    docs.iter()
        .map(|d| {
            (
                d.id.clone(),
                d.holdings.iter().map(|h| h.library.clone()).collect(),
            )
        })
        .collect()
}

#[tokio::test]
async fn pymarc_reads_every_marc_export_of_a_search_with_merged_holdings() {
    let dir = tempfile::tempdir().unwrap();
    let docs = searched(&demo().catalog, "hobbit", 100);
    assert!(docs.len() > 3, "the demo has several hobbits");
    assert!(docs.iter().any(|d| d.holdings.len() > 2));
    for (format, kind, ctype) in [
        ("marcxml", "xml", "application/marcxml+xml"),
        ("marc-json", "json", "application/marc-in-json"),
        ("iso2709", "iso", "application/marc"),
    ] {
        let (status, ct, body) =
            get(demo_app(), &format!("/api/search?q=hobbit&format={format}")).await;
        assert_eq!(status, StatusCode::OK, "{format}");
        assert!(ct.starts_with(ctype), "{format}: {ct}");
        let file = save(dir.path(), &format!("hobbit.{kind}"), &body);
        assert_eq!(pymarc_read(&file, kind), expected(&docs), "{format}");
    }
}

#[tokio::test]
async fn a_cluster_exports_by_format_or_accept_header() {
    let dir = tempfile::tempdir().unwrap();
    let doc = searched(&demo().catalog, "hobbit", 1).remove(0);
    let res = demo_app()
        .oneshot(
            Request::get(format!("/api/clusters/{}", doc.id))
                .header("accept", "application/marcxml+xml")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        disposition.contains(&format!("unicat-{}.xml", doc.id)),
        "{disposition}"
    );
    let body = res.into_body().collect().await.unwrap().to_bytes();
    let file = save(dir.path(), "one.xml", &body);
    assert_eq!(
        pymarc_read(&file, "xml"),
        expected(std::slice::from_ref(&doc))
    );
    // format=json (and no format) is still the JSON detail.
    let (status, ct, _) = get(demo_app(), &format!("/api/clusters/{}?format=json", doc.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(ct.starts_with("application/json"));
}

#[tokio::test]
async fn rispy_and_bibtexparser_read_the_reference_exports() {
    let dir = tempfile::tempdir().unwrap();
    let docs = searched(&demo().catalog, "hobbit", 100);
    let (status, _, ris) = get(demo_app(), "/api/search?q=hobbit&export=ris").await;
    assert_eq!(status, StatusCode::OK);
    let ris = save(dir.path(), "h.ris", &ris);
    let read = py(
        r#"
import sys, rispy
with open(sys.argv[1], encoding="utf-8") as f:
    entries = rispy.load(f)
for e in entries:
    print(e["id"] + "\t" + e["title"] + "\t" + str(len(e.get("authors", []))) + "\t" + e["type_of_reference"])
"#,
        &[&ris],
    );
    let want: Vec<String> = docs
        .iter()
        .map(|d| {
            let title = match &d.subtitle {
                Some(s) => format!("{}: {s}", d.title),
                None => d.title.clone(),
            };
            format!("{}\t{}\t{}", d.id, title, d.authors.len())
        })
        .collect();
    let got: Vec<String> = read
        .lines()
        .map(|l| l.rsplit_once('\t').unwrap().0.to_string())
        .collect();
    assert_eq!(got, want);

    let (status, _, bib) = get(demo_app(), "/api/search?q=hobbit&export=bibtex").await;
    assert_eq!(status, StatusCode::OK);
    let bib = save(dir.path(), "h.bib", &bib);
    let read = py(
        r#"
import sys, bibtexparser
lib = bibtexparser.parse_file(sys.argv[1])
assert not lib.failed_blocks, lib.failed_blocks
for e in lib.entries:
    year = e.fields_dict.get("year")
    print(e.key + "\t" + e.fields_dict["title"].value + "\t" + (year.value if year else ""))
"#,
        &[&bib],
    );
    let keys: Vec<String> = read
        .lines()
        .map(|l| l.split('\t').next().unwrap().to_string())
        .collect();
    let want: Vec<String> = docs
        .iter()
        .map(|d| format!("unicat-{}", d.id.to_ascii_lowercase()))
        .collect();
    assert_eq!(keys, want);
    assert!(read.contains("\tThe hobbit\t"), "{read}");
}

/// A network of two libraries whose titles hold commas, quotes and a
/// newline, harvested once.
fn tricky() -> &'static Arc<Catalog> {
    static C: OnceLock<(tempfile::TempDir, Arc<Catalog>)> = OnceLock::new();
    &C.get_or_init(|| {
        std::thread::spawn(|| {
            let dir = tempfile::tempdir().unwrap();
            let rec = |id: &str, title: &str| {
                format!(
                    r#"<record><leader>00000nam a2200000 a 4500</leader><controlfield tag="001">{id}</controlfield><controlfield tag="008">990101s1999    xxu           000 0 eng d</controlfield><datafield tag="020" ind1=" " ind2=" "><subfield code="a">0306406152</subfield></datafield><datafield tag="100" ind1="1" ind2=" "><subfield code="a">Smith, Jane</subfield></datafield><datafield tag="245" ind1="1" ind2="0"><subfield code="a">{title}</subfield></datafield><datafield tag="264" ind1=" " ind2="1"><subfield code="b">Pub, "Inc."</subfield><subfield code="c">1999</subfield></datafield><datafield tag="852" ind1=" " ind2=" "><subfield code="b">Main, upstairs</subfield><subfield code="h">641 "SMI"</subfield></datafield></record>"#
                )
            };
            let title = "Tea, &quot;coffee&quot;&#10;and cocoa";
            for lib in ["one", "two"] {
                std::fs::write(
                    dir.path().join(format!("{lib}.xml")),
                    format!(
                        "<collection xmlns=\"http://www.loc.gov/MARC21/slim\">{}</collection>",
                        rec(&format!("{lib}-1"), title)
                    ),
                )
                .unwrap();
            }
            let toml = r#"
index_dir = "index"
[[library]]
id = "one"
name = "Library One, Main"
holdings = "852"
[library.source]
kind = "file"
path = "one.xml"
[[library]]
id = "two"
name = "Library \"Two\""
holdings = "852"
[library.source]
kind = "file"
path = "two.xml"
"#;
            std::fs::write(dir.path().join("network.toml"), toml).unwrap();
            let network =
                Arc::new(unicat_config::Network::load(&dir.path().join("network.toml")).unwrap());
            let store = Arc::new(unicat_store::Store::open(&network.index_dir).unwrap());
            let index = Arc::new(unicat_index::CatalogIndex::open(&network.index_dir).unwrap());
            let rt = tokio::runtime::Runtime::new().unwrap();
            rt.block_on(unicat_harvest::harvest_and_publish(
                network.clone(),
                store.clone(),
                index.clone(),
                Default::default(),
                Arc::new(unicat_harvest::LogObserver),
            ))
            .unwrap();
            (dir, Arc::new(Catalog::with(network, store, index)))
        })
        .join()
        .unwrap()
    })
    .1
}

#[tokio::test]
async fn python_csv_reads_titles_with_commas_quotes_and_newlines() {
    let catalog = tricky().clone();
    let docs = searched(&catalog, "cocoa", 10);
    assert_eq!(docs.len(), 1, "the two records are one cluster");
    let doc = &docs[0];
    assert!(doc.title.contains(','), "{:?}", doc.title);
    assert!(doc.title.contains('"'), "{:?}", doc.title);
    assert!(doc.title.contains('\n'), "{:?}", doc.title);
    let router = unicat_server::router(AppState::new(catalog));
    let (status, ct, body) = get(router, "/api/search?q=cocoa&format=csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ct.starts_with("text/csv"));
    let dir = tempfile::tempdir().unwrap();
    let file = save(dir.path(), "t.csv", &body);
    let read = py(
        r#"
import sys, csv, json
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    rows = list(csv.DictReader(f))
print(json.dumps(rows))
"#,
        &[&file],
    );
    let rows: Vec<serde_json::Map<String, serde_json::Value>> =
        serde_json::from_str(&read).unwrap();
    assert_eq!(rows.len(), 2, "one row per holding");
    for (row, h) in rows.iter().zip(&doc.holdings) {
        assert_eq!(row["id"], doc.id.as_str());
        assert_eq!(row["title"], doc.title.as_str());
        assert_eq!(row["publisher"], doc.publisher.as_deref().unwrap());
        assert_eq!(row["library"], h.library.as_str());
        assert_eq!(row["library_name"], h.library_name.as_str());
        assert_eq!(row["call_number"], h.call_number.as_deref().unwrap_or(""));
        assert_eq!(row["holding_libraries"], "2");
    }
}

#[tokio::test]
async fn bad_export_requests_are_json_errors() {
    for (uri, status) in [
        ("/api/search?q=x&export=pdf", StatusCode::BAD_REQUEST),
        (
            "/api/search?q=x&export=ris&limit=10001",
            StatusCode::BAD_REQUEST,
        ),
        ("/api/clusters/zzzzzzzzzz?format=ris", StatusCode::NOT_FOUND),
        (
            "/api/clusters/zzzzzzzzzz?format=pdf",
            StatusCode::BAD_REQUEST,
        ),
        ("/api/works/zzzzzzzzzz?format=ris", StatusCode::NOT_FOUND),
    ] {
        let (got, ct, body) = get(app(), uri).await;
        assert_eq!(got, status, "{uri}");
        assert!(ct.starts_with("application/json"), "{uri}: {ct}");
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert!(v["error"]["code"].is_string(), "{uri}");
    }
}

#[tokio::test]
async fn a_search_export_is_every_result_up_to_the_limit() {
    // The labelled network: more results than a page.
    let total = app_total("/api/search?q=&per_page=1").await;
    assert!(total > 100, "{total}");
    let (status, _, body) = get(app(), "/api/search?q=&export=ris").await;
    assert_eq!(status, StatusCode::OK);
    let records = String::from_utf8(body)
        .unwrap()
        .matches("\r\nER  - ")
        .count() as u64;
    assert_eq!(records, total.min(10_000));
    let (_, _, body) = get(app(), "/api/search?q=&export=ris&limit=7").await;
    assert_eq!(
        String::from_utf8(body)
            .unwrap()
            .matches("\r\nER  - ")
            .count(),
        7
    );
}

async fn app_total(uri: &str) -> u64 {
    let (_, _, body) = get(app(), uri).await;
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    v["total"].as_u64().unwrap()
}

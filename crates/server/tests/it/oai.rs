//! The OAI-PMH provider harvested by real clients over HTTP: PyPI's sickle
//! and oaipmh 4.0 list every cluster exactly once over many pages; after a
//! second harvest of Unicat that changes and deletes clusters, an
//! incremental harvest returns exactly those; a listing resumed across that
//! harvest never repeats or invents a record; Unicat harvests Unicat.

use crate::python;
use axum::body::Body;
use axum::http::Request;
use http_body_util::BodyExt;
use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower::ServiceExt;
use unicat_catalog::Catalog;
use unicat_config::Network;
use unicat_index::{CatalogIndex, ClusterDoc};
use unicat_server::AppState;
use unicat_store::Store;

/// A copy of the demo network in a temporary folder, harvested.
struct Net {
    _dir: tempfile::TempDir,
    network: Arc<Network>,
    store: Arc<Store>,
    index: Arc<CatalogIndex>,
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

fn harvest(network: Arc<Network>, store: Arc<Store>, index: Arc<CatalogIndex>) {
    std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let (report, _) = rt
            .block_on(unicat_harvest::harvest_and_publish(
                network,
                store,
                index,
                Default::default(),
                Arc::new(unicat_harvest::LogObserver),
            ))
            .unwrap();
        assert!(!report.any_failed());
    })
    .join()
    .unwrap();
}

impl Net {
    fn demo() -> Net {
        let dir = tempfile::tempdir().unwrap();
        let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/demo");
        copy_dir(&demo, dir.path());
        let mut network = Network::load(&dir.path().join("network.toml")).unwrap();
        network.index_dir = dir.path().join("index");
        let network = Arc::new(network);
        let store = Arc::new(Store::open(&network.index_dir).unwrap());
        let index = Arc::new(CatalogIndex::open(&network.index_dir).unwrap());
        harvest(network.clone(), store.clone(), index.clone());
        Net {
            _dir: dir,
            network,
            store,
            index,
        }
    }

    fn catalog(&self) -> Arc<Catalog> {
        Arc::new(Catalog::with(
            self.network.clone(),
            self.store.clone(),
            self.index.clone(),
        ))
    }

    /// Harvests again with a library taken out of the network: the
    /// clusters it alone held go, those it shared change.
    fn reharvest_without(&self, library: &str) {
        let mut network = (*self.network).clone();
        network.libraries.retain(|l| l.id.as_str() != library);
        harvest(Arc::new(network), self.store.clone(), self.index.clone());
    }

    /// Every cluster document, by id.
    fn docs(&self) -> BTreeMap<String, ClusterDoc> {
        let mut all = BTreeMap::new();
        self.index
            .for_each(|d| {
                all.insert(d.id.clone(), d);
            })
            .unwrap();
        all
    }

    /// Serves the catalog on a free port, on a runtime of its own, for the
    /// rest of the test process.
    fn serve(&self) -> String {
        let state = AppState::new(self.catalog());
        let (tx, rx) = std::sync::mpsc::channel::<SocketAddr>();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Runtime::new().unwrap();
            rt.block_on(async move {
                let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                tx.send(l.local_addr().unwrap()).unwrap();
                unicat_server::serve_on(l, state).await.unwrap();
            });
        });
        let addr = rx.recv().unwrap();
        format!("http://{addr}/oai")
    }
}

/// Harvests with sickle: `[identifier, datestamp, deleted, sets, title or
/// null]` per item, and the number of pages.
const SICKLE: &str = r#"
import sys, json, io
from sickle import Sickle, oaiexceptions
import pymarc
url, verb, prefix = sys.argv[1], sys.argv[2], sys.argv[3]
kw = {"metadataPrefix": prefix, "ignore_deleted": False}
for extra in sys.argv[4:]:
    k, v = extra.split("=", 1)
    kw[k] = v
s = Sickle(url, max_retries=0)
items, tokens = [], set()
try:
    it = s.ListRecords(**kw) if verb == "records" else s.ListIdentifiers(**kw)
    for r in it:
        if it.resumption_token and it.resumption_token.token:
            tokens.add(it.resumption_token.token)
        h = r.header if verb == "records" else r
        title, holdings = None, None
        if verb == "records" and not h.deleted and prefix == "marc21":
            recs = pymarc.parse_xml_to_array(io.StringIO(r.raw), strict=True)
            assert len(recs) == 1, r.raw[:300]
            assert recs[0]["001"].data == h.identifier.split(":")[-1]
            title = recs[0]["245"]["a"]
            holdings = len(recs[0].get_fields("852"))
        elif verb == "records" and not h.deleted:
            title = r.metadata["title"][0]
        items.append([h.identifier, h.datestamp, h.deleted, sorted(h.setSpecs), title, holdings])
except oaiexceptions.NoRecordsMatch:
    pass
print(json.dumps({"items": items, "pages": len(tokens) + 1}))
"#;

struct Harvested {
    items: Vec<serde_json::Value>,
    pages: u64,
}

fn sickle(url: &str, verb: &str, prefix: &str, extra: &[&str]) -> Harvested {
    let out = std::process::Command::new(python())
        .arg("-c")
        .arg(SICKLE)
        .arg(url)
        .arg(verb)
        .arg(prefix)
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "sickle: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    Harvested {
        items: v["items"].as_array().unwrap().clone(),
        pages: v["pages"].as_u64().unwrap(),
    }
}

fn id_of(item: &serde_json::Value) -> String {
    item[0]
        .as_str()
        .unwrap()
        .strip_prefix("oai:unicat:")
        .unwrap()
        .to_string()
}

/// The latest datestamp of a harvest, plus one second, as `from=`.
fn after_latest(items: &[serde_json::Value]) -> String {
    let latest = items.iter().map(|i| i[1].as_str().unwrap()).max().unwrap();
    let out = std::process::Command::new(python())
        .arg("-c")
        .arg("import sys, datetime as d; t = d.datetime.strptime(sys.argv[1], '%Y-%m-%dT%H:%M:%SZ') + d.timedelta(seconds=1); print(t.strftime('%Y-%m-%dT%H:%M:%SZ'))")
        .arg(latest)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn sickle_harvests_every_cluster_once_then_exactly_the_changes() {
    let net = Net::demo();
    let url = net.serve();
    let before = net.docs();
    let full = sickle(&url, "records", "marc21", &[]);
    assert!(full.pages >= 10, "{} pages", full.pages);
    let ids: Vec<String> = full.items.iter().map(id_of).collect();
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "an item listed twice");
    assert_eq!(
        unique.into_iter().cloned().collect::<BTreeSet<_>>(),
        before.keys().cloned().collect::<BTreeSet<_>>()
    );
    for item in &full.items {
        let doc = &before[&id_of(item)];
        assert_eq!(item[2], false);
        let title = item[4].as_str().unwrap().trim_start();
        let first_word = doc.title.split_whitespace().next().unwrap_or("");
        assert!(
            title.starts_with(first_word),
            "{title:?} for {:?}",
            doc.title
        );
        assert_eq!(item[5].as_u64().unwrap() as usize, doc.holdings.len());
        let mut libs: Vec<String> = doc.libraries().map(str::to_string).collect();
        libs.sort();
        libs.dedup();
        assert_eq!(item[3], serde_json::json!(libs));
    }
    // A set: the clusters one library holds.
    let set = sickle(&url, "identifiers", "oai_dc", &["set=rideau"]);
    let held: BTreeSet<String> = before
        .values()
        .filter(|d| d.libraries().any(|l| l == "rideau"))
        .map(|d| d.id.clone())
        .collect();
    assert_eq!(set.items.iter().map(id_of).collect::<BTreeSet<_>>(), held);

    // A second harvest of Unicat: rideau leaves the network.
    let from = after_latest(&full.items);
    net.reharvest_without("rideau");
    let after = net.docs();
    let changed: BTreeSet<String> = after
        .iter()
        .filter(|(id, d)| before.get(*id) != Some(*d))
        .map(|(id, _)| id.clone())
        .collect();
    let deleted: BTreeSet<String> = before
        .keys()
        .filter(|id| !after.contains_key(*id))
        .cloned()
        .collect();
    assert!(!deleted.is_empty() && !changed.is_empty());
    let incremental = sickle(&url, "records", "oai_dc", &[&format!("from={from}")]);
    let got_deleted: BTreeSet<String> = incremental
        .items
        .iter()
        .filter(|i| i[2] == true)
        .map(id_of)
        .collect();
    let got_changed: BTreeSet<String> = incremental
        .items
        .iter()
        .filter(|i| i[2] == false)
        .map(id_of)
        .collect();
    assert_eq!(got_deleted, deleted);
    assert_eq!(got_changed, changed);
    // The deleted ones keep their sets: a harvester of rideau's set learns
    // of them.
    let set_after = sickle(
        &url,
        "identifiers",
        "oai_dc",
        &["set=rideau", &format!("from={from}")],
    );
    let gone_from_set: BTreeSet<String> = set_after.items.iter().map(id_of).collect();
    assert!(deleted.is_subset(&gone_from_set));
    // Nothing new since.
    let from2 = after_latest(&incremental.items);
    assert!(
        sickle(&url, "identifiers", "oai_dc", &[&format!("from={from2}")])
            .items
            .is_empty()
    );
}

/// GETs an OAI request from the router; the body.
async fn oai(app: axum::Router, query: &str) -> String {
    let res = app
        .oneshot(
            Request::get(format!("/oai?{query}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/xml")
    );
    String::from_utf8(res.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap()
}

fn tag_values(xml: &str, tag: &str) -> Vec<String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    xml.split(&open)
        .skip(1)
        .map(|s| s.split(&close).next().unwrap().to_string())
        .collect()
}

fn token(xml: &str) -> Option<String> {
    let at = xml.find("<resumptionToken")?;
    let rest = &xml[at..];
    let start = rest.find('>')? + 1;
    let end = rest.find("</resumptionToken>")?;
    Some(rest[start..end].to_string()).filter(|t| !t.is_empty())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listing_resumed_across_a_reharvest_never_repeats_or_invents_a_record() {
    let net = tokio::task::spawn_blocking(Net::demo).await.unwrap();
    let app = unicat_server::router(AppState::new(net.catalog()));
    let before = net.docs();
    let first = oai(app.clone(), "verb=ListIdentifiers&metadataPrefix=oai_dc").await;
    let mut seen: Vec<String> = tag_values(&first, "identifier");
    let mut next = token(&first).expect("more than one page");
    // The listing's until is the last stamp in the log, not the clock: a
    // re-harvest within the same second gets a later stamp, so it cannot
    // move an entry into the part already walked.
    let (_, last) = net.catalog().change_bounds().unwrap();
    let until: u64 = next.split('.').nth(4).unwrap().parse().unwrap();
    assert_eq!(until, last, "{next}");
    let net = tokio::task::spawn_blocking(move || {
        net.reharvest_without("glebe");
        net
    })
    .await
    .unwrap();
    let after = net.docs();
    loop {
        let page = oai(
            app.clone(),
            &format!("verb=ListIdentifiers&resumptionToken={}", urlencode(&next)),
        )
        .await;
        assert!(!page.contains("<error"), "{page}");
        seen.extend(tag_values(&page, "identifier"));
        match token(&page) {
            Some(t) => next = t,
            None => break,
        }
    }
    let ids: Vec<String> = seen
        .iter()
        .map(|s| s.strip_prefix("oai:unicat:").unwrap().to_string())
        .collect();
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "a record listed twice");
    for id in &ids {
        assert!(
            before.contains_key(id),
            "{id} was not in the catalogue when the listing began"
        );
    }
    // Every cluster the re-harvest left alone is listed.
    for (id, d) in &before {
        if after.get(id) == Some(d) {
            assert!(
                unique.contains(id),
                "{id} did not change and was not listed"
            );
        }
    }
    // A forged or foreign token is refused, never served as a wrong page.
    for bad in [
        "v1.marc21.-.0.1.0.0.0",
        "nonsense",
        "v1.marc21.-.0.99999999999.5.zzzzzzzzzz.3",
    ] {
        let page = oai(
            app.clone(),
            &format!("verb=ListRecords&resumptionToken={bad}"),
        )
        .await;
        assert!(
            page.contains("code=\"badResumptionToken\""),
            "{bad}: {page}"
        );
    }
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test]
async fn every_protocol_error_is_answered() {
    let app = crate::app();
    for (query, code) in [
        ("", "badVerb"),
        ("verb=Explain", "badVerb"),
        ("verb=Identify&verb=Identify", "badVerb"),
        ("verb=Identify&from=2020-01-01", "badArgument"),
        ("verb=ListRecords", "badArgument"),
        (
            "verb=ListRecords&metadataPrefix=marc21&from=yesterday",
            "badArgument",
        ),
        (
            "verb=ListRecords&metadataPrefix=marc21&from=2020-01-01&until=2020-01-02T00:00:00Z",
            "badArgument",
        ),
        (
            "verb=ListRecords&metadataPrefix=marc21&from=2021-01-01&until=2020-01-01",
            "badArgument",
        ),
        (
            "verb=ListRecords&metadataPrefix=marc21&resumptionToken=x",
            "badArgument",
        ),
        (
            "verb=ListIdentifiers&resumptionToken=garbage",
            "badResumptionToken",
        ),
        ("verb=ListSets&resumptionToken=x", "badResumptionToken"),
        (
            "verb=ListRecords&metadataPrefix=mods",
            "cannotDisseminateFormat",
        ),
        (
            "verb=GetRecord&identifier=oai:unicat:0000000000&metadataPrefix=marc21",
            "idDoesNotExist",
        ),
        (
            "verb=GetRecord&identifier=oai:unicat:0000000000",
            "badArgument",
        ),
        (
            "verb=ListMetadataFormats&identifier=nothing",
            "idDoesNotExist",
        ),
        (
            "verb=ListRecords&metadataPrefix=marc21&until=1990-01-01",
            "noRecordsMatch",
        ),
        (
            "verb=ListRecords&metadataPrefix=marc21&set=nolibrary",
            "noRecordsMatch",
        ),
    ] {
        let body = oai(app.clone(), query).await;
        assert!(
            body.contains(&format!("<error code=\"{code}\">")),
            "{query}: {body}"
        );
        if code == "badVerb" || code == "badArgument" {
            assert!(
                body.contains("<request>"),
                "{query}: the request element has no attributes"
            );
        }
    }
}

/// oaipmh 4.0's client: Identify, formats, sets, a record, a set's list.
#[test]
fn the_oaipmh_client_reads_every_verb() {
    let net = Net::demo();
    let url = net.serve();
    let docs = net.docs();
    let some = docs
        .values()
        .find(|d| d.holdings.len() > 1)
        .unwrap()
        .id
        .clone();
    let script = r#"
import sys, json
from oaipmh.client import Client
from oaipmh.metadata import MetadataRegistry, oai_dc_reader
reg = MetadataRegistry()
reg.registerReader("oai_dc", oai_dc_reader)
c = Client(sys.argv[1], reg)
c.updateGranularity()
i = c.identify()
assert i.deletedRecord() == "persistent", i.deletedRecord()
formats = sorted(f[0] for f in c.listMetadataFormats())
sets = sorted(s[0] for s in c.listSets())
header, md, about = c.getRecord(identifier="oai:unicat:" + sys.argv[2], metadataPrefix="oai_dc")
records = list(c.listRecords(metadataPrefix="oai_dc"))
ids = [h.identifier() for h, m, a in records]
in_set = [h.identifier() for h in c.listIdentifiers(metadataPrefix="oai_dc", set="tic")]
print(json.dumps({"formats": formats, "sets": sets, "title": md["title"][0], "sets_of": header.setSpec(), "records": len(ids), "unique": len(set(ids)), "in_set": len(in_set)}))
"#;
    let out = std::process::Command::new(python())
        .arg("-c")
        .arg(script)
        .arg(&url)
        .arg(&some)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "oaipmh: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["formats"], serde_json::json!(["marc21", "oai_dc"]));
    let libs: Vec<String> = net
        .network
        .libraries
        .iter()
        .map(|l| l.id.to_string())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(v["sets"], serde_json::json!(libs));
    assert!(v["title"].as_str().unwrap().starts_with(&docs[&some].title));
    assert_eq!(v["records"].as_u64().unwrap() as usize, docs.len());
    assert_eq!(v["unique"].as_u64().unwrap() as usize, docs.len());
    let tic = docs
        .values()
        .filter(|d| d.libraries().any(|l| l == "tic"))
        .count();
    assert_eq!(v["in_set"].as_u64().unwrap() as usize, tic);
}

/// Unicat harvesting Unicat: a network of one library whose source is the
/// first network's /oai gets the same clusters.
#[test]
fn unicat_harvests_unicat() {
    let net = Net::demo();
    let url = net.serve();
    let first = net.docs();
    let dir = tempfile::tempdir().unwrap();
    let toml = format!(
        "index_dir = \"index\"\n[[library]]\nid = \"union\"\nname = \"The first network\"\nholdings = \"852\"\n[library.source]\nkind = \"oai-pmh\"\nurl = \"{url}\"\nmetadata_prefix = \"marc21\"\n"
    );
    let config: PathBuf = dir.path().join("network.toml");
    std::fs::write(&config, toml).unwrap();
    let network = Arc::new(Network::load(&config).unwrap());
    let store = Arc::new(Store::open(&network.index_dir).unwrap());
    let index = Arc::new(CatalogIndex::open(&network.index_dir).unwrap());
    harvest(network, store, index.clone());
    let mut second: Vec<(String, String)> = Vec::new();
    index
        .for_each(|d| {
            second.push((d.holdings[0].record_id.clone(), d.title.clone()));
        })
        .unwrap();
    // Every cluster of the first network is a record of the second, and
    // no two of them were merged.
    let records: BTreeSet<String> = second.iter().map(|(r, _)| r.clone()).collect();
    assert_eq!(records, first.keys().cloned().collect::<BTreeSet<_>>());
    assert_eq!(second.len(), first.len());
    for (record, title) in &second {
        assert_eq!(title, &first[record].title, "{record}");
    }
}

//! SolrCloud as the index, against a real cluster: a ZooKeeper and two
//! Solr 9.10.1 nodes started by `scripts/solrcloud.sh` (its JVMs exit with
//! this test process). The demo network is harvested once into a
//! collection of 2 shards × 2 replicas — the harvest writes the local
//! tantivy index too, so both engines hold the same clusters — and two
//! `unicat serve` processes, one per engine, must give the same answers.
//!
//! Needs Java 17 and Maven (`.ci/run` installs and builds the harness);
//! without `java` on the PATH the tests say so and pass.

mod harness;

use harness::{Serve, SolrCloud, get, unicat};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The cluster, the demo network in both engines, and a server for each.
struct Demo {
    cloud: SolrCloud,
    solr_config: std::path::PathBuf,
    tantivy: Serve,
    solr: Serve,
    _dir: tempfile::TempDir,
}

impl Demo {
    fn start() -> Option<Demo> {
        let cloud = SolrCloud::start()?;
        let dir = tempfile::tempdir().unwrap();
        let (solr_config, tantivy_config) = harness::demo_configs(dir.path(), &cloud, "demo", 2, 2);
        // Before the collection exists, a harvest stops at once and says
        // what to do.
        let out = unicat(&["harvest", "--config", solr_config.to_str().unwrap()]);
        assert!(!out.status.success());
        assert!(
            harness::text(&out).contains("unicat solr init"),
            "{}",
            harness::text(&out)
        );
        let out = unicat(&["solr", "init", "--config", solr_config.to_str().unwrap()]);
        assert!(out.status.success(), "{}", harness::text(&out));
        let out = unicat(&["harvest", "--config", solr_config.to_str().unwrap()]);
        assert!(out.status.success(), "{}", harness::text(&out));
        let tantivy = Serve::start(&tantivy_config);
        let solr = Serve::start(&solr_config);
        Some(Demo {
            cloud,
            solr_config,
            tantivy,
            solr,
            _dir: dir,
        })
    }
}

/// One cluster for every check (starting one takes ten seconds): the
/// checks run in turn, node loss last.
#[test]
fn solrcloud_answers_as_tantivy_does() {
    let Some(d) = Demo::start() else { return };
    searches_answer_the_same(&d);
    searches_by_work_answer_the_same(&d);
    who_holds_answers_the_same_for_every_identifier(&d);
    works_overlap_exports_and_pages_answer_the_same(&d);
    hostile_queries_are_words_or_a_400_never_a_500_nor_a_stack_trace(&d);
    a_missing_collection_or_another_versions_schema_is_refused_clearly(&d);
    an_unreachable_cluster_is_named_with_its_urls();
    a_network_made_elsewhere_answers_the_same(&d);
    losing_a_node_changes_no_answer(&d);
}

/// What a search answers, for comparing engines: the total, the ids in
/// order, the facets.
fn search(serve: &Serve, params: &str) -> (u16, Value) {
    get(&serve.url, &format!("/api/search?{params}"))
}

fn ids(v: &Value) -> Vec<String> {
    v["results"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|r| r["id"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// Queries of every kind the search box and the API take.
const QUERIES: &[&str] = &[
    "q=hobbit",
    "q=perl",
    "q=Programming%20Perl%20%2F",
    "q=programing%20perl",
    "q=learning%20perl%3A",
    "q=tolkien%20%26%20hobbit",
    "q=Hobbit%20%3Aor%20there%20and%20back%20again",
    "q=title%3Ahobbit",
    "q=title%3A%20the%20hobbit",
    "q=author%3Atolkien",
    "q=author%3A%22Tolkien%2C%20J.%20R.%20R.%22",
    "q=subject%3Acookery",
    "q=publisher%3AO%27Reilly",
    "q=%22programming%20perl%22",
    "q=histor*",
    "q=perl%20AND%20programming",
    "q=perl%20OR%20python",
    "q=perl%20NOT%20cgi",
    "q=(hobbit%20OR%20rings)%20AND%20tolkien",
    "q=year%3A%5B1990%20TO%202000%5D",
    "q=perl%20year%3A%5B2005%20TO%20*%5D",
    "q=isbn%3A9780596000271",
    "q=history",
    "q=the",
    "q=music",
    "q=Rozwazna",
    "q=ETUDES",
    "q=",
    "q=perl&library=rideau",
    "q=hobbit&format=audiobook",
    "q=history&sort=year",
    "q=history&sort=year-asc",
    "q=history&sort=title",
    "q=history&page=2&per_page=10",
    "q=perl&strict=true",
    "q=a%20history%20of%20the%20world%20in%20ten%20and%20a%20half%20chapters%20by%20julian%20barnes",
];

/// Facets as (facet, value) → count.
fn facets(v: &Value) -> BTreeMap<(String, String), u64> {
    let mut out = BTreeMap::new();
    if let Some(f) = v["facets"].as_object() {
        for (name, values) in f {
            for fv in values.as_array().into_iter().flatten() {
                out.insert(
                    (name.clone(), fv["value"].as_str().unwrap_or("").to_string()),
                    fv["count"].as_u64().unwrap_or(0),
                );
            }
        }
    }
    out
}

fn searches_answer_the_same(d: &Demo) {
    let mut order_differs = Vec::new();
    for q in QUERIES {
        let (st, t) = search(&d.tantivy, q);
        let (ss, s) = search(&d.solr, q);
        assert_eq!(st, ss, "{q}: {t} / {s}");
        assert_eq!(t["total"], s["total"], "{q}: totals");
        assert_eq!(t["relaxed"], s["relaxed"], "{q}: relaxed");
        assert_eq!(facets(&t), facets(&s), "{q}: facets");
        let (a, b) = (ids(&t), ids(&s));
        if a != b {
            order_differs.push(*q);
        }
        // Every matching cluster, all pages: the same set from both.
        let total = t["total"].as_u64().unwrap_or(0);
        if total > a.len() as u64 && total <= 1000 && !q.contains("page=") {
            let every = |serve: &Serve| -> BTreeSet<String> {
                (1..=total.div_ceil(100))
                    .flat_map(|p| ids(&search(serve, &format!("{q}&per_page=100&page={p}")).1))
                    .collect()
            };
            assert_eq!(every(&d.tantivy), every(&d.solr), "{q}: every cluster");
        } else if total <= a.len() as u64 {
            assert_eq!(
                a.iter().collect::<BTreeSet<_>>(),
                b.iter().collect::<BTreeSet<_>>(),
                "{q}: the clusters"
            );
        }
    }
    // Clusters that score the same (or share a year or a title, when
    // sorted by them) come in index order on tantivy and by id on Solr, so
    // a page may hold different ones of them where a tie crosses its end:
    // the totals, the facets and the set of all matches must agree, the
    // order only where nothing is tied. Reported, not failed.
    if !order_differs.is_empty() {
        eprintln!("order differs among equal scores for: {order_differs:?}");
    }
}

/// A grouped answer's works, keyed by id: matched, editions, libraries,
/// formats.
fn works(v: &Value) -> BTreeMap<String, String> {
    v["works"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|w| {
            (
                w["id"].to_string(),
                format!(
                    "{} {} {} {}",
                    w["matched"], w["editions"], w["libraries"], w["formats"]
                ),
            )
        })
        .collect()
}

fn searches_by_work_answer_the_same(d: &Demo) {
    for q in [
        "q=hobbit",
        "q=perl",
        "q=tolkien",
        "q=history",
        "q=",
        "q=music&sort=year",
        "q=perl&sort=title",
    ] {
        let q = format!("{q}&group=work&per_page=100");
        let (st, t) = search(&d.tantivy, &q);
        let (ss, s) = search(&d.solr, &q);
        assert_eq!((st, ss), (200, 200), "{q}: {t} / {s}");
        assert_eq!(s["group"], "work", "{q}");
        for key in ["total", "clusters"] {
            assert_eq!(t[key], s[key], "{q}: {key}");
        }
        assert_eq!(facets(&t), facets(&s), "{q}: facets");
        if t["total"].as_u64().unwrap() <= 100 {
            assert_eq!(works(&t), works(&s), "{q}: works");
        }
    }
}

/// Text of a GET (for CSV, HTML, XML).
fn text_of(serve: &Serve, path: &str) -> (u16, String) {
    let (status, v) = get(&serve.url, path);
    (
        status,
        match v {
            Value::String(s) => s,
            other => other.to_string(),
        },
    )
}

fn works_overlap_exports_and_pages_answer_the_same(d: &Demo) {
    // The collection-overlap report, by edition and by work, JSON and CSV.
    for path in [
        "/api/overlap",
        "/api/overlap?level=work",
        "/api/overlap.csv",
        "/api/overlap.csv?level=work",
    ] {
        assert_eq!(text_of(&d.tantivy, path), text_of(&d.solr, path), "{path}");
    }
    // Works: each work of a grouped search, its editions and the lenders of
    // any edition. (The links that grouped a work are the store's: a
    // node serving Solr lists the editions without them.)
    let (_, grouped) = search(&d.tantivy, "q=tolkien&group=work&per_page=100");
    let mut seen = 0;
    for w in grouped["works"].as_array().unwrap() {
        let Some(id) = w["id"].as_str() else { continue };
        let path = format!("/api/works/{id}");
        let (st, mut t) = get(&d.tantivy.url, &path);
        let (ss, s) = get(&d.solr.url, &path);
        assert_eq!((st, ss), (200, 200), "{path}: {s}");
        t["evidence"] = Value::Array(Vec::new());
        t["related"] = Value::Array(Vec::new());
        assert_eq!(t, s, "{path}");
        let path = format!("/api/lenders?work={id}&requester=rideau&formats=any");
        assert_eq!(
            get(&d.tantivy.url, &path),
            get(&d.solr.url, &path),
            "{path}"
        );
        let (status, body) = text_of(&d.solr, &format!("/works/{id}"));
        assert_eq!(status, 200, "/works/{id}: {body}");
        seen += 1;
    }
    assert!(seen >= 3, "{grouped}");
    for r in grouped["results"].as_array().unwrap() {
        let page = format!("/clusters/{}", r["id"].as_str().unwrap());
        let (status, body) = text_of(&d.solr, &page);
        assert_eq!(status, 200, "{page}: {body}");
    }
    // Exports built from the clusters themselves: the same lines (ties may
    // come in another order).
    for path in [
        "/api/search?q=perl&format=csv",
        "/api/search?q=hobbit&format=ris",
        "/api/search?q=tolkien&format=bibtex",
    ] {
        let lines = |serve: &Serve| -> BTreeSet<String> {
            let (status, body) = text_of(serve, path);
            assert_eq!(status, 200, "{path}");
            body.lines().map(str::to_string).collect()
        };
        assert_eq!(lines(&d.tantivy), lines(&d.solr), "{path}");
    }
    // What needs the record store says so, with 501, before any byte.
    for path in ["/api/search?q=perl&format=marcxml", "/oai?verb=Identify"] {
        let (status, body) = text_of(&d.solr, path);
        assert_eq!(status, 501, "{path}: {body}");
        assert!(body.contains("not_available"), "{path}: {body}");
    }
    // SRU: the same counts for CQL queries (Dublin Core records, made
    // from the clusters on both).
    for cql in [
        "hobbit",
        "dc.title%3Dhobbit",
        "dc.creator%3Dtolkien%20and%20dc.title%3Dhobbit",
        "bath.isbn%3D9780596000271",
        "perl%20not%20cgi",
    ] {
        let path = format!(
            "/sru?version=1.2&operation=searchRetrieve&recordSchema=dc&maximumRecords=0&query={cql}"
        );
        let count = |serve: &Serve| {
            let (status, body) = text_of(serve, &path);
            assert_eq!(status, 200, "{path}: {body}");
            let at = body.find("<zs:numberOfRecords>").expect("numberOfRecords") + 20;
            body[at..body[at..].find('<').unwrap() + at].to_string()
        };
        assert_eq!(count(&d.tantivy), count(&d.solr), "{path}");
    }
    // The patron's pages.
    for page in [
        "/",
        "/?q=hobbit",
        "/?q=perl&group=manifestation",
        "/overlap",
        "/check",
    ] {
        let (status, body) = text_of(&d.solr, page);
        assert_eq!(status, 200, "{page}: {body}");
    }
}

/// A who-holds answer with its clusters by id (clusters carrying one
/// identifier all score the same: their order is a tie).
fn holders(serve: &Serve, path: &str) -> (u16, Value) {
    let (status, mut v) = get(&serve.url, path);
    if let Some(cs) = v["clusters"].as_array_mut() {
        cs.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    }
    (status, v)
}

/// Every identifier of every cluster, through the paged API.
fn identifiers(serve: &Serve) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for page in 1.. {
        let (status, v) = search(serve, &format!("q=&per_page=100&page={page}&sort=title"));
        assert_eq!(status, 200, "{v}");
        let results = v["results"].as_array().unwrap();
        if results.is_empty() {
            break;
        }
        for r in results {
            out.insert(("id".into(), r["id"].as_str().unwrap().to_string()));
            for (kind, field) in [
                ("isbn", "isbns"),
                ("issn", "issns"),
                ("oclc", "oclc"),
                ("lccn", "lccn"),
            ] {
                for v in r[field].as_array().into_iter().flatten() {
                    out.insert((kind.into(), v.as_str().unwrap().to_string()));
                }
            }
        }
    }
    out
}

fn who_holds_answers_the_same_for_every_identifier(d: &Demo) {
    let all = identifiers(&d.tantivy);
    assert!(all.len() > 1000, "{}", all.len());
    assert_eq!(all, identifiers(&d.solr));
    for (kind, value) in &all {
        let path = format!("/api/holdings?{kind}={}", harness::encode(value));
        assert_eq!(
            holders(&d.tantivy, &path),
            holders(&d.solr, &path),
            "{path}"
        );
    }
    // Lenders for a cluster many libraries hold, from each library.
    let (_, h) = get(&d.tantivy.url, "/api/search?q=hobbit&per_page=1");
    let id = h["results"][0]["id"].as_str().unwrap().to_string();
    for lib in ["rideau", "ovrl", "glebe"] {
        let path = format!("/api/lenders?id={id}&requester={lib}");
        let (st, t) = get(&d.tantivy.url, &path);
        let (ss, s) = get(&d.solr.url, &path);
        assert_eq!((st, &t), (ss, &s), "{path}");
    }
}

fn hostile_queries_are_words_or_a_400_never_a_500_nor_a_stack_trace(d: &Demo) {
    let hostile = [
        "*:*",
        "{!lucene}*:*",
        "{!xmlparser v='<a/>'}",
        "_query_:\"{!dismax}x\"",
        "title:(unbalanced",
        "\"perl",
        "a) OR (b",
        "id:* OR -id:x",
        "$q",
        "\\",
        "{!terms f=id}x",
        "perl~1",
    ];
    for h in hostile {
        for strict in ["false", "true"] {
            let params = format!("q={}&strict={strict}", harness::encode(h));
            let (ss, s) = search(&d.solr, &params);
            let (st, t) = search(&d.tantivy, &params);
            assert!(ss == 200 || ss == 400, "{h}: {ss} {s}");
            let body = s.to_string();
            assert!(
                !body.contains("org.apache") && !body.contains("java."),
                "{h}: {body}"
            );
            assert_eq!(st, ss, "{h} strict={strict}: {t} / {s}");
            if ss == 200 {
                assert_eq!(t["total"], s["total"], "{h} strict={strict}");
            }
        }
    }
    // `*:*` is two words that match nothing, not every cluster.
    let (_, s) = search(&d.solr, "q=*%3A*");
    let (_, all) = search(&d.solr, "q=");
    assert_ne!(s["total"], all["total"]);
}

fn a_missing_collection_or_another_versions_schema_is_refused_clearly(d: &Demo) {
    let dir = tempfile::tempdir().unwrap();
    // A collection nobody created.
    let (missing, _) = harness::demo_configs(dir.path(), &d.cloud, "nowhere", 1, 1);
    let out = unicat(&["search", "--config", missing.to_str().unwrap(), "perl"]);
    assert!(!out.status.success());
    let text = harness::text(&out);
    assert!(text.contains("unicat solr init"), "{text}");
    let out = unicat(&["config", "check", "--config", missing.to_str().unwrap()]);
    assert!(!out.status.success());
    let text = harness::text(&out);
    assert!(
        text.contains("FAILED  index:") && text.contains("unicat solr init"),
        "{text}"
    );
    let out = unicat(&[
        "config",
        "check",
        "--config",
        d.solr_config.to_str().unwrap(),
    ]);
    assert!(
        harness::text(&out).contains("ok      index: Solr collection \"demo\""),
        "{}",
        harness::text(&out)
    );
    // A collection made from Solr's _default configset: another schema.
    let (status, v) = get(
        &d.cloud.urls[0],
        "/admin/collections?action=CREATE&name=other&numShards=1&replicationFactor=1&collection.configName=_default&wt=json",
    );
    assert_eq!(status, 200, "{v}");
    let (other, _) = harness::demo_configs(dir.path(), &d.cloud, "other", 1, 1);
    for args in [
        vec!["solr", "init", "--config", other.to_str().unwrap()],
        vec!["harvest", "--config", other.to_str().unwrap()],
        vec!["search", "--config", other.to_str().unwrap(), "perl"],
    ] {
        let out = unicat(&args);
        assert!(!out.status.success(), "{args:?}");
        let text = harness::text(&out);
        assert!(
            text.contains("has schema") && text.contains("unicat-cluster_v4"),
            "{args:?}: {text}"
        );
    }
    // Init is idempotent on our own collection.
    let out = unicat(&["solr", "init", "--config", d.solr_config.to_str().unwrap()]);
    assert!(out.status.success(), "{}", harness::text(&out));
    assert!(harness::text(&out).contains("nothing to do"));
}

fn an_unreachable_cluster_is_named_with_its_urls() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/solr");
    let config = harness::config_with_nodes(dir.path(), std::slice::from_ref(&url), "demo");
    let out = unicat(&["search", "--config", config.to_str().unwrap(), "perl"]);
    assert!(!out.status.success());
    let text = harness::text(&out);
    assert!(
        text.contains(&url) && text.contains("cannot reach Solr"),
        "{text}"
    );
}

/// Every answer of a search and a who-holds sample, for comparing before
/// and after.
fn answers(serve: &Serve) -> Vec<String> {
    let mut out = Vec::new();
    for q in QUERIES.iter().take(12) {
        let (status, v) = search(serve, q);
        out.push(format!(
            "{q}: {status} {} {:?} {:?}",
            v["total"],
            ids(&v),
            facets(&v)
        ));
    }
    for isbn in ["1-56592-699-4", "9780596000271"] {
        let (status, v) = get(&serve.url, &format!("/api/holdings?isbn={isbn}"));
        out.push(format!("{isbn}: {status} {v}"));
    }
    out
}

/// `text` without `n` of its MARCXML records (after the tenth).
fn without_records(text: &str, n: usize) -> String {
    let ends: Vec<usize> = text
        .match_indices("</record>")
        .map(|(i, m)| i + m.len())
        .collect();
    assert!(ends.len() > 10 + n, "too few records");
    format!("{}{}", &text[..ends[10]], &text[ends[10 + n]..])
}

fn losing_a_node_changes_no_answer(d: &Demo) {
    // A one-library network in a collection of its own (2 shards × 2
    // replicas), whose export changes while a node is down.
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("rideau.xml");
    let original = std::fs::read_to_string(
        harness::root().join("fixtures/demo/libraries/rideau/koha_export_bibs.xml"),
    )
    .unwrap();
    std::fs::write(&export, &original).unwrap();
    let library = format!(
        "[[library]]\nid = \"rideau\"\nname = \"Rideau\"\nholdings = \"koha\"\nid_field = \"999$c\"\n[library.source]\nkind = \"file\"\npath = {:?}\nformat = \"marcxml\"\n",
        export.display().to_string()
    );
    let index = format!(
        "index_dir = {:?}\n",
        dir.path().join("index").display().to_string()
    );
    let nodes: Vec<String> = d.cloud.urls.iter().map(|u| format!("{u:?}")).collect();
    let loss = dir.path().join("loss.toml");
    std::fs::write(
        &loss,
        format!(
            "{index}[index]\nbackend = \"solr\"\nsolr = [{}]\ncollection = \"loss\"\nshards = 2\nreplicas = 2\n\n{library}",
            nodes.join(", ")
        ),
    )
    .unwrap();
    let local = dir.path().join("local.toml");
    std::fs::write(&local, format!("{index}{library}")).unwrap();
    for args in [["solr", "init"], ["harvest", "--full"]] {
        let mut a: Vec<&str> = args.to_vec();
        a.extend(["--config", loss.to_str().unwrap()]);
        let out = unicat(&a);
        assert!(out.status.success(), "{a:?}: {}", harness::text(&out));
    }

    // (Solr's own answers: ties are ordered by id, the same on any
    // replica; the comparison with tantivy is above.)
    let before = answers(&d.solr);
    // Every shard has a replica on each node: with node 2 killed, node 1
    // answers everything (the client fails over between the nodes and
    // retries while a shard elects its new leader).
    d.cloud.kill_node(2);
    assert_eq!(answers(&d.solr), before, "answers with node 2 down");
    // A harvest while the node is down, of an export that lost five
    // records: it completes (the surviving replicas take the writes) or
    // fails saying why, with nothing lost.
    std::fs::write(&export, without_records(&original, 5)).unwrap();
    let out = unicat(&["harvest", "--config", loss.to_str().unwrap()]);
    if !out.status.success() {
        let text = harness::text(&out);
        assert!(text.contains("Solr"), "{text}");
        eprintln!("a harvest with a node down failed cleanly: {text}");
    }
    assert_eq!(
        answers(&d.solr),
        before,
        "answers after a harvest with node 2 down"
    );
    // The node returns; its replicas recover from the leaders, and the
    // next harvest converges: the collection holds what the store holds.
    d.cloud.start_node(2);
    let out = unicat(&["harvest", "--config", loss.to_str().unwrap()]);
    assert!(out.status.success(), "{}", harness::text(&out));
    assert_eq!(answers(&d.solr), before, "answers after node 2 returned");
    let (solr, tantivy) = (Serve::start(&loss), Serve::start(&local));
    let (_, t) = search(&tantivy, "q=");
    let (_, s) = search(&solr, "q=");
    assert_eq!(t["total"], s["total"]);
    assert_eq!(facets(&t), facets(&s));
    let all = identifiers(&tantivy);
    assert_eq!(all, identifiers(&solr));
    for (kind, value) in &all {
        let path = format!("/api/holdings?{kind}={}", harness::encode(value));
        assert_eq!(holders(&tantivy, &path), holders(&solr, &path), "{path}");
    }
}

/// ../shared/data/labelled-network-b (copied into fixtures/data), made
/// outside the project: every who-holds, and known-item searches made from
/// every cluster (its title, title and author, its first three words).
fn a_network_made_elsewhere_answers_the_same(d: &Demo) {
    let dir = tempfile::tempdir().unwrap();
    let (solr_config, tantivy_config) = harness::network_configs(
        "fixtures/data/labelled-network-b",
        dir.path(),
        &d.cloud,
        "networkb",
        2,
        1,
    );
    for args in [["solr", "init"], ["harvest", "--full"]] {
        let mut a: Vec<&str> = args.to_vec();
        a.extend(["--config", solr_config.to_str().unwrap()]);
        let out = unicat(&a);
        assert!(out.status.success(), "{a:?}: {}", harness::text(&out));
    }
    let tantivy = Serve::start(&tantivy_config);
    let solr = Serve::start(&solr_config);
    let all = identifiers(&tantivy);
    assert_eq!(all, identifiers(&solr));
    for (kind, value) in &all {
        let path = format!("/api/holdings?{kind}={}", harness::encode(value));
        assert_eq!(holders(&tantivy, &path), holders(&solr, &path), "{path}");
    }
    // Known-item searches from every cluster.
    let mut titles = Vec::new();
    for page in 1.. {
        let (_, v) = search(&tantivy, &format!("q=&per_page=100&page={page}&sort=title"));
        let results = v["results"].as_array().unwrap().clone();
        if results.is_empty() {
            break;
        }
        for r in results {
            let title = r["title"].as_str().unwrap_or("").to_string();
            let surname = r["authors"][0]
                .as_str()
                .and_then(|a| a.split(',').next())
                .unwrap_or("")
                .to_string();
            titles.push((title, surname));
        }
    }
    let (mut same_first, mut asked) = (0, 0);
    for (title, surname) in &titles {
        let three: Vec<&str> = title.split_whitespace().take(3).collect();
        for q in [title.clone(), format!("{title} {surname}"), three.join(" ")] {
            let params = format!("q={}", harness::encode(&q));
            let (_, t) = search(&tantivy, &params);
            let (_, s) = search(&solr, &params);
            assert_eq!(t["total"], s["total"], "{q}");
            assert_eq!(facets(&t), facets(&s), "{q}");
            asked += 1;
            same_first += usize::from(ids(&t).first() == ids(&s).first());
        }
    }
    // The first result may differ only where scores tie.
    eprintln!(
        "labelled-network-b: {asked} known-item searches, the same first result for {same_first}"
    );
    assert!(
        asked > 1000 && same_first * 100 >= asked * 90,
        "{same_first} of {asked}"
    );
}

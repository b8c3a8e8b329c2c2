//! SRU 1.2 and 2.0 at `/sru`, against the labelled fixture: responses are
//! parsed as XML (namespaces resolved) and compared with the JSON API.

use crate::{app, get, get_json};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use std::collections::BTreeSet;
use tower::ServiceExt;

const NS_SRU_1: &str = "http://www.loc.gov/zing/srw/";
const NS_SRU_2: &str = "http://docs.oasis-open.org/ns/search-ws/sruResponse";
const NS_DIAG_1: &str = "http://www.loc.gov/zing/srw/diagnostic/";
const NS_DIAG_2: &str = "http://docs.oasis-open.org/ns/search-ws/diagnostic";
const NS_MARC: &str = "http://www.loc.gov/MARC21/slim";
const NS_ZEEREX: &str = "http://explain.z3950.org/dtd/2.0/";
const NS_DC: &str = "http://purl.org/dc/elements/1.1/";
const MARCXML: &str = "info:srw/schema/1/marcxml-v1.1";
const ISBN: &str = "9780131103627";

/// An XML element with its namespace resolved.
#[derive(Debug, Clone, Default)]
pub struct El {
    pub ns: String,
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<El>,
    /// The element's own text (not its descendants').
    pub text: String,
}

impl El {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn child(&self, name: &str) -> Option<&El> {
        self.children.iter().find(|c| c.name == name)
    }

    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a El> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// Every descendant (depth first, self included) with this local name.
    pub fn all(&self, name: &str) -> Vec<&El> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(e) = stack.pop() {
            if e.name == name {
                out.push(e);
            }
            stack.extend(e.children.iter().rev());
        }
        out
    }

    pub fn find(&self, name: &str) -> Option<&El> {
        self.all(name).into_iter().next()
    }

    pub fn text_of(&self, name: &str) -> Option<String> {
        self.find(name).map(|e| e.text.clone())
    }
}

/// Parses a document into its root element (panics on malformed XML).
pub fn parse_xml(text: &str) -> El {
    let mut reader = quick_xml::NsReader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<El> = Vec::new();
    let mut root = None;
    loop {
        let (ns, event) = reader
            .read_resolved_event()
            .unwrap_or_else(|e| panic!("malformed XML: {e}\n{text}"));
        let ns = match ns {
            ResolveResult::Bound(n) => n.as_ref().to_string(),
            _ => String::new(),
        };
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let el = El {
                    ns,
                    name: e.local_name().as_ref().to_string(),
                    attrs: e
                        .attributes()
                        .map(|a| {
                            let a = a.expect("attribute");
                            (
                                a.key.local_name().as_ref().to_string(),
                                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                    .expect("attribute value")
                                    .into_owned(),
                            )
                        })
                        .collect(),
                    ..El::default()
                };
                if matches!(event, Event::Empty(_)) {
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(el),
                        None => root = Some(el),
                    }
                } else {
                    stack.push(el);
                }
            }
            Event::End(_) => {
                let el = stack.pop().expect("balanced");
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = Some(el),
                }
            }
            Event::Text(t) => {
                if let Some(e) = stack.last_mut() {
                    e.text.push_str(&t.xml10_content());
                }
            }
            Event::CData(c) => {
                if let Some(e) = stack.last_mut() {
                    e.text.push_str(&c);
                }
            }
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref().expect("character reference") {
                    Some(c) => c,
                    None => match r.as_ref() {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        other => panic!("undeclared entity &{other};"),
                    },
                };
                if let Some(e) = stack.last_mut() {
                    e.text.push(c);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(stack.is_empty(), "unclosed elements");
    root.expect("a root element")
}

/// GETs an SRU URI: 200, an XML content type, a well-formed document.
pub async fn sru(uri: &str) -> El {
    let (status, ctype, body) = get(app(), uri).await;
    assert_eq!(status, StatusCode::OK, "{uri}");
    assert!(ctype.starts_with("application/xml"), "{uri}: {ctype}");
    parse_xml(&String::from_utf8(body).expect("UTF-8"))
}

/// A 1.2 searchRetrieve URI.
fn sr12(query: &str, extra: &str) -> String {
    format!(
        "/sru?version=1.2&operation=searchRetrieve&query={}{extra}",
        enc(query)
    )
}

/// Percent-encodes a parameter value.
pub fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn number_of_records(doc: &El) -> u64 {
    doc.child("numberOfRecords")
        .unwrap_or_else(|| panic!("no numberOfRecords: {doc:?}"))
        .text
        .parse()
        .unwrap()
}

fn records(doc: &El) -> Vec<&El> {
    doc.child("records")
        .map(|r| r.children_named("record").collect())
        .unwrap_or_default()
}

/// The MARC record inside an SRU record.
fn marc(record: &El) -> &El {
    let m = record
        .child("recordData")
        .and_then(|d| d.child("record"))
        .expect("a MARC record in recordData");
    assert_eq!(m.ns, NS_MARC);
    m
}

fn controlfield(m: &El, tag: &str) -> Option<String> {
    m.children_named("controlfield")
        .find(|c| c.attr("tag") == Some(tag))
        .map(|c| c.text.clone())
}

fn datafields<'a>(m: &'a El, tag: &'a str) -> Vec<&'a El> {
    m.children_named("datafield")
        .filter(|c| c.attr("tag") == Some(tag))
        .collect()
}

fn subfield(f: &El, code: &str) -> Option<String> {
    f.children_named("subfield")
        .find(|s| s.attr("code") == Some(code))
        .map(|s| s.text.clone())
}

/// The one diagnostic of a response: its number, checked to be in the
/// version's diagnostic namespace.
fn diagnostic(doc: &El) -> (u32, El) {
    let diags = doc
        .child("diagnostics")
        .unwrap_or_else(|| panic!("no diagnostics: {doc:?}"));
    let d = diags.child("diagnostic").expect("a diagnostic");
    let expected = if doc.ns == NS_SRU_2 {
        NS_DIAG_2
    } else {
        NS_DIAG_1
    };
    assert_eq!(d.ns, expected, "diagnostic namespace");
    let uri = d.child("uri").expect("uri").text.clone();
    assert_eq!(d.child("uri").unwrap().ns, expected);
    let n = uri
        .strip_prefix("info:srw/diagnostic/1/")
        .unwrap_or_else(|| panic!("diagnostic uri {uri}"))
        .parse()
        .unwrap();
    assert!(
        !d.child("message").expect("message").text.is_empty(),
        "diagnostic {n} has a message"
    );
    (n, d.clone())
}

async fn api_total(query_string: &str) -> u64 {
    let (s, v) = get_json(&format!("/api/search?{query_string}&per_page=1")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["total"].as_u64().unwrap()
}

async fn count(query: &str) -> u64 {
    let doc = sru(&sr12(query, "&maximumRecords=0")).await;
    assert!(doc.child("diagnostics").is_none(), "{query}: {doc:?}");
    number_of_records(&doc)
}

#[tokio::test]
async fn explain_in_1_2_lists_indexes_schemas_and_settings() {
    let res = app()
        .oneshot(
            Request::get("/sru?version=1.2&operation=explain")
                .header("host", "catalog.example.org:8088")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body = res.into_body().collect().await.unwrap().to_bytes();
    let doc = parse_xml(std::str::from_utf8(&body).unwrap());
    assert_eq!(
        (doc.ns.as_str(), doc.name.as_str()),
        (NS_SRU_1, "explainResponse")
    );
    assert_eq!(doc.child("version").unwrap().text, "1.2");
    let record = doc.child("record").unwrap();
    assert_eq!(record.child("recordSchema").unwrap().text, NS_ZEEREX);
    assert_eq!(record.child("recordPacking").unwrap().text, "xml");
    let explain = record
        .child("recordData")
        .unwrap()
        .child("explain")
        .unwrap();
    assert_eq!(explain.ns, NS_ZEEREX);
    let server = explain.child("serverInfo").unwrap();
    assert_eq!(server.attr("protocol"), Some("SRU"));
    assert_eq!(server.text_of("host").unwrap(), "catalog.example.org");
    assert_eq!(server.text_of("port").unwrap(), "8088");
    assert_eq!(server.text_of("database").unwrap(), "sru");
    let db = explain.child("databaseInfo").unwrap();
    assert_eq!(db.text_of("title").unwrap(), "Unicat union catalog");
    let description = db.text_of("description").unwrap();
    for lib in ["lib01", "lib02", "lib03", "lib04", "lib05", "lib06"] {
        assert!(description.contains(lib), "{description}");
    }
    let info = explain.child("indexInfo").unwrap();
    let sets: Vec<(String, String)> = info
        .children_named("set")
        .map(|s| {
            (
                s.attr("name").unwrap().to_string(),
                s.attr("identifier").unwrap().to_string(),
            )
        })
        .collect();
    for (name, id) in [
        ("dc", "info:srw/cql-context-set/1/dc-v1.1"),
        ("bath", "http://zing.z3950.org/cql/bath/2.0/"),
        ("rec", "info:srw/cql-context-set/2/rec-1.1"),
        ("cql", "info:srw/cql-context-set/1/cql-v1.2"),
    ] {
        assert!(sets.contains(&(name.into(), id.into())), "{sets:?}");
    }
    let indexes: BTreeSet<String> = info
        .children_named("index")
        .flat_map(|i| i.all("name"))
        .map(|n| format!("{}.{}", n.attr("set").unwrap(), n.text))
        .collect();
    for ix in [
        "cql.serverChoice",
        "dc.title",
        "dc.creator",
        "dc.subject",
        "dc.publisher",
        "dc.date",
        "dc.identifier",
        "bath.isbn",
        "bath.issn",
        "bath.lccn",
        "bath.possessingInstitution",
        "bath.name",
        "rec.id",
    ] {
        assert!(indexes.contains(ix), "{ix} missing from {indexes:?}");
    }
    let schemas: Vec<(String, String)> = explain
        .child("schemaInfo")
        .unwrap()
        .children_named("schema")
        .map(|s| {
            (
                s.attr("name").unwrap().to_string(),
                s.attr("identifier").unwrap().to_string(),
            )
        })
        .collect();
    assert!(schemas.contains(&("marcxml".into(), MARCXML.into())));
    assert!(schemas.contains(&("dc".into(), "info:srw/schema/1/dc-v1.1".into())));
    let config = explain.child("configInfo").unwrap();
    let value = |kind: &str, ty: &str| {
        config
            .children_named(kind)
            .find(|e| e.attr("type") == Some(ty))
            .map(|e| e.text.clone())
    };
    assert_eq!(value("default", "numberOfRecords").as_deref(), Some("10"));
    assert_eq!(value("setting", "maximumRecords").as_deref(), Some("100"));
    assert_eq!(
        value("default", "retrieveSchema").as_deref(),
        Some("marcxml")
    );
}

#[tokio::test]
async fn explain_in_2_0_by_default() {
    for uri in [
        "/sru",
        "/sru?version=2.0",
        "/sru?version=2.0&operation=explain",
    ] {
        let doc = sru(uri).await;
        assert_eq!(
            (doc.ns.as_str(), doc.name.as_str()),
            (NS_SRU_2, "explainResponse"),
            "{uri}"
        );
        assert_eq!(doc.child("version").unwrap().text, "2.0");
        let record = doc.child("record").unwrap();
        assert_eq!(record.child("recordXMLEscaping").unwrap().text, "xml");
        let explain = record.find("explain").unwrap();
        assert_eq!(explain.ns, NS_ZEEREX);
        assert_eq!(
            explain.child("serverInfo").unwrap().attr("version"),
            Some("2.0")
        );
        assert!(explain.all("index").len() > 20);
    }
    // Escaped explain record: text that is itself a ZeeRex document.
    let doc = sru("/sru?version=1.2&operation=explain&recordPacking=string").await;
    let data = &doc.find("recordData").unwrap().text;
    assert_eq!(parse_xml(data).name, "explain");
}

#[tokio::test]
async fn isbn_search_finds_the_cluster_with_every_holding_as_852() {
    let (_, h) = get_json(&format!("/api/holdings?isbn={ISBN}")).await;
    let cluster = &h["clusters"][0];
    let id = cluster["id"].as_str().unwrap();
    let holdings = cluster["holdings"].as_array().unwrap();
    assert_eq!(
        holdings.len(),
        6,
        "the fixture's K&R is held by six libraries"
    );

    for query in [
        format!("bath.isbn={ISBN}"),
        "bath.isbn = \"0-13-110362-8\"".to_string(),
        format!("dc.identifier={ISBN}"),
        format!("rec.id={id}"),
    ] {
        let doc = sru(&sr12(&query, "")).await;
        assert_eq!(doc.ns, NS_SRU_1);
        assert_eq!(number_of_records(&doc), 1, "{query}");
        assert!(doc.child("nextRecordPosition").is_none());
        let recs = records(&doc);
        assert_eq!(recs.len(), 1);
        assert_eq!(recs[0].child("recordSchema").unwrap().text, MARCXML);
        assert_eq!(recs[0].child("recordPacking").unwrap().text, "xml");
        assert_eq!(recs[0].child("recordPosition").unwrap().text, "1");
        let m = marc(recs[0]);
        assert_eq!(controlfield(m, "001").as_deref(), Some(id));
        let title = subfield(datafields(m, "245")[0], "a").unwrap();
        assert!(
            title.to_lowercase().contains("c programming language"),
            "{title}"
        );
        let f852 = datafields(m, "852");
        assert_eq!(f852.len(), 6, "one 852 per holding");
        let libs: BTreeSet<String> = f852.iter().map(|f| subfield(f, "a").unwrap()).collect();
        let expected: BTreeSet<String> = holdings
            .iter()
            .map(|h| h["library"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(libs, expected);
        for (f, h) in f852.iter().zip(holdings) {
            assert_eq!(subfield(f, "b").as_deref(), h["library_name"].as_str());
            assert_eq!(subfield(f, "h").as_deref(), h["call_number"].as_str());
            assert_eq!(subfield(f, "u").as_deref(), h["url"].as_str());
            assert_eq!(subfield(f, "z").as_deref(), h["status"].as_str());
        }
        // The member's own control number is kept as (library)record_id.
        let sources: Vec<String> = datafields(m, "035")
            .iter()
            .filter_map(|f| subfield(f, "a"))
            .filter(|a| a.starts_with("(lib"))
            .collect();
        assert_eq!(sources.len(), 1, "{sources:?}");
        assert!(
            holdings.iter().any(|h| sources[0]
                == format!(
                    "({}){}",
                    h["library"].as_str().unwrap(),
                    h["record_id"].as_str().unwrap()
                )),
            "{sources:?}"
        );
    }

    // SRU 2.0: the same search without an operation.
    let doc = sru(&format!("/sru?query={}", enc(&format!("bath.isbn={ISBN}")))).await;
    assert_eq!(
        (doc.ns.as_str(), doc.name.as_str()),
        (NS_SRU_2, "searchRetrieveResponse")
    );
    assert_eq!(doc.child("version").unwrap().text, "2.0");
    assert_eq!(number_of_records(&doc), 1);
    let recs = records(&doc);
    assert_eq!(recs[0].child("recordXMLEscaping").unwrap().text, "xml");
    assert_eq!(datafields(marc(recs[0]), "852").len(), 6);
}

#[tokio::test]
async fn searches_count_what_the_json_api_counts() {
    assert_eq!(
        count("dc.title=programming").await,
        api_total("q=title:programming").await
    );
    assert_eq!(
        count("dc.creator=kernighan").await,
        api_total("q=author:kernighan").await
    );
    assert_eq!(count("programming").await, api_total("q=programming").await);
    assert_eq!(
        count("dc.title=histor*").await,
        api_total("q=title:histor*").await
    );
    for lib in ["lib01", "lib03", "lib06"] {
        let n = count(&format!("bath.possessingInstitution={lib}")).await;
        assert_eq!(n, api_total(&format!("q=&library={lib}")).await, "{lib}");
        assert!(n > 0);
    }
    assert_eq!(count("cql.allRecords=1").await, api_total("q=").await);
    assert_eq!(
        count("dc.date within \"1990 1999\"").await,
        api_total("q=&year_from=1990&year_to=1999").await
    );
    assert_eq!(
        count("dc.date >= 2000").await,
        api_total("q=&year_from=2000").await
    );
    assert_eq!(
        count("dc.date < 2000").await,
        api_total("q=&year_to=1999").await
    );
    // A library's name finds its holdings too.
    assert_eq!(
        count("bath.possessingInstitution=\"Riverbend College Library\"").await,
        count("bath.possessingInstitution=lib03").await
    );
    // Prefix assignments resolve context sets.
    assert_eq!(
        count("> x = \"info:srw/cql-context-set/1/dc-v1.1\" x.title = programming").await,
        count("dc.title=programming").await
    );
}

#[tokio::test]
async fn booleans_combine() {
    let a = count("dc.title=the").await;
    let b = count("bath.possessingInstitution=lib03").await;
    let and = count("dc.title=the and bath.possessingInstitution=lib03").await;
    let or = count("dc.title=the or bath.possessingInstitution=lib03").await;
    let not = count("dc.title=the not bath.possessingInstitution=lib03").await;
    assert!(a > 0 && b > 0 && and > 0, "{a} {b} {and}");
    assert!(and <= a.min(b));
    assert_eq!(or, a + b - and);
    assert_eq!(not, a - and);
    assert_eq!(
        and,
        api_total("q=title:the&library=lib03").await,
        "and is the library filter"
    );
    // Held by both lib01 and lib02 / by either.
    let both = count("bath.possessingInstitution all \"lib01 lib02\"").await;
    let either = count("bath.possessingInstitution any \"lib01 lib02\"").await;
    let one = count("bath.possessingInstitution=lib01").await;
    let two = count("bath.possessingInstitution=lib02").await;
    assert_eq!(either, one + two - both);
    assert_eq!(
        count("(dc.title=the or dc.title=a) and bath.possessingInstitution=lib01").await,
        count("dc.title any \"the a\" and bath.possessingInstitution=lib01").await
    );
}

/// The cluster ids of a page of MARCXML records.
fn ids(doc: &El) -> Vec<String> {
    records(doc)
        .iter()
        .map(|r| controlfield(marc(r), "001").unwrap())
        .collect()
}

#[tokio::test]
async fn sortby_orders_like_the_json_api() {
    let newest = sru(&sr12(
        "cql.allRecords=1 sortby dc.date/sort.descending",
        "&maximumRecords=20",
    ))
    .await;
    let (_, api) = get_json("/api/search?q=&sort=year&per_page=20").await;
    let api_ids: Vec<String> = api["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids(&newest), api_ids);
    let years: Vec<u64> = api["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["year"].as_u64())
        .collect();
    assert!(years.windows(2).all(|w| w[0] >= w[1]));

    // The 1.1-style sortKeys parameter sorts the same way.
    let keyed = sru(&sr12(
        "cql.allRecords=1",
        "&maximumRecords=20&sortKeys=dc.date,,0",
    ))
    .await;
    assert_eq!(ids(&keyed), api_ids);

    for (cql, sort) in [
        ("dc.title=the sortby dc.date", "year_asc"),
        ("dc.title=the sortby dc.title", "title"),
    ] {
        let doc = sru(&sr12(cql, "&maximumRecords=15")).await;
        let (_, api) = get_json(&format!("/api/search?q=title:the&sort={sort}&per_page=15")).await;
        let api_ids: Vec<String> = api["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(ids(&doc), api_ids, "{cql}");
    }
}

#[tokio::test]
async fn dublin_core_records() {
    for schema in ["dc", "info:srw/schema/1/dc-v1.1"] {
        let doc = sru(&sr12(
            &format!("bath.isbn={ISBN}"),
            &format!("&recordSchema={}", enc(schema)),
        ))
        .await;
        let rec = records(&doc)[0];
        assert_eq!(
            rec.child("recordSchema").unwrap().text,
            "info:srw/schema/1/dc-v1.1"
        );
        let dc = rec.child("recordData").unwrap().child("dc").unwrap();
        assert_eq!(dc.ns, "info:srw/schema/1/dc-schema");
        let title = dc.child("title").unwrap();
        assert_eq!(title.ns, NS_DC);
        assert!(title.text.to_lowercase().contains("c programming language"));
        assert!(!dc.all("creator").is_empty());
        assert!(
            dc.children_named("identifier")
                .any(|i| i.text == format!("URN:ISBN:{ISBN}"))
        );
        assert!(dc.child("date").is_some());
        assert!(dc.child("type").is_some());
    }
}

#[tokio::test]
async fn string_packing_escapes_the_record() {
    for uri in [
        sr12(&format!("bath.isbn={ISBN}"), "&recordPacking=string"),
        format!(
            "/sru?query={}&recordXMLEscaping=string",
            enc(&format!("bath.isbn={ISBN}"))
        ),
    ] {
        let doc = sru(&uri).await;
        let rec = records(&doc)[0];
        let data = rec.child("recordData").unwrap();
        assert!(data.children.is_empty(), "no elements inside: escaped");
        let inner = parse_xml(&data.text);
        assert_eq!(
            (inner.ns.as_str(), inner.name.as_str()),
            (NS_MARC, "record")
        );
        assert_eq!(datafields(&inner, "852").len(), 6);
    }
}

#[tokio::test]
async fn paging_with_start_record_maximum_records_and_next_record_position() {
    let total = count("dc.title=the").await;
    assert!(total > 12, "{total}");
    let mut seen = Vec::new();
    let mut start = 1u64;
    loop {
        let doc = sru(&sr12(
            "dc.title=the",
            &format!("&startRecord={start}&maximumRecords=5"),
        ))
        .await;
        assert_eq!(number_of_records(&doc), total);
        let recs = records(&doc);
        for (i, r) in recs.iter().enumerate() {
            assert_eq!(
                r.child("recordPosition").unwrap().text,
                (start + i as u64).to_string()
            );
        }
        seen.extend(ids(&doc));
        match doc.child("nextRecordPosition") {
            Some(n) => {
                assert_eq!(recs.len(), 5);
                let next: u64 = n.text.parse().unwrap();
                assert_eq!(next, start + 5);
                start = next;
            }
            None => {
                assert_eq!(start + recs.len() as u64 - 1, total);
                break;
            }
        }
    }
    assert_eq!(seen.len() as u64, total);
    assert_eq!(
        seen.iter().collect::<BTreeSet<_>>().len() as u64,
        total,
        "no duplicates"
    );

    // Defaults: ten records from the first.
    let doc = sru(&sr12("dc.title=the", "")).await;
    assert_eq!(records(&doc).len(), 10);
    assert_eq!(doc.child("nextRecordPosition").unwrap().text, "11");
    // maximumRecords=0 (yaz-client's find): only the count.
    let doc = sru(&sr12("dc.title=the", "&maximumRecords=0")).await;
    assert_eq!(number_of_records(&doc), total);
    assert!(records(&doc).is_empty());
    assert!(doc.child("diagnostics").is_none());
    // More than the maximum is served the maximum (100).
    let doc = sru(&sr12("cql.allRecords=1", "&maximumRecords=100000")).await;
    assert_eq!(records(&doc).len(), 100);
    assert_eq!(doc.child("nextRecordPosition").unwrap().text, "101");
    // The last record exactly.
    let doc = sru(&sr12("dc.title=the", &format!("&startRecord={total}"))).await;
    assert_eq!(records(&doc).len(), 1);
    assert!(doc.child("nextRecordPosition").is_none());
    // Past the end: 61, with the count still given.
    for start in [
        (total + 1).to_string(),
        "10001".to_string(),
        "99999999999999999999999999".to_string(),
    ] {
        let doc = sru(&sr12("dc.title=the", &format!("&startRecord={start}"))).await;
        assert_eq!(diagnostic(&doc).0, 61, "{start}");
        assert_eq!(number_of_records(&doc), total);
        assert!(records(&doc).is_empty());
    }
    // Nothing found is not an error.
    let doc = sru(&sr12("dc.title=zzzzqqqq", "")).await;
    assert_eq!(number_of_records(&doc), 0);
    assert!(doc.child("diagnostics").is_none());
}

#[tokio::test]
async fn every_diagnostic_with_its_number_and_namespace() {
    let long = "a ".repeat(1200);
    let deep = vec!["a"; 250].join(" or ");
    let cases: Vec<(String, u32)> = vec![
        // Protocol.
        ("operation=searchRetrieve&query=a".into(), 7),
        ("version=1.2".into(), 7),
        ("version=1.2&operation=searchRetrieve".into(), 7),
        ("version=2.0&operation=searchRetrieve".into(), 7),
        ("version=3.0&operation=explain".into(), 5),
        ("version=1.7&operation=explain".into(), 5),
        ("version=1.2&operation=scan&scanClause=a".into(), 4),
        ("version=1.2&operation=update".into(), 4),
        // Parameters.
        (
            "version=1.2&operation=searchRetrieve&query=a&startRecord=0".into(),
            6,
        ),
        (
            "version=1.2&operation=searchRetrieve&query=a&startRecord=abc".into(),
            6,
        ),
        (
            "version=1.2&operation=searchRetrieve&query=a&maximumRecords=-1".into(),
            6,
        ),
        (
            "version=1.2&operation=searchRetrieve&query=a&maximumRecords=1.5".into(),
            6,
        ),
        (
            "version=1.2&operation=searchRetrieve&query=a&recordSchema=mods".into(),
            66,
        ),
        (
            "version=1.2&operation=searchRetrieve&query=a&recordPacking=json".into(),
            71,
        ),
        ("version=2.0&query=a&recordXMLEscaping=json".into(), 71),
        ("version=2.0&query=a&queryType=searchTerms".into(), 11),
        (
            "version=1.2&operation=searchRetrieve&query=a&recordXPath=/a".into(),
            72,
        ),
        (
            "version=1.2&operation=explain&recordPacking=json".into(),
            71,
        ),
        (
            "version=1.2&operation=searchRetrieve&query=a&sortKeys=dc.subject,,1".into(),
            88,
        ),
    ]
    .into_iter()
    .chain(
        [
            ("dc.title=(", 10),
            ("\"unbalanced", 10),
            ("", 10),
            (long.as_str(), 12),
            ("foo.bar=x", 15),
            ("> f = \"urn:unknown\" f.title=x", 15),
            ("dc.nosuchindex=x", 16),
            ("dc.title < x", 19),
            ("dc.title encloses x", 19),
            ("bath.isbn > 1", 19),
            ("dc.title =/stem x", 20),
            ("dc.title = \"\"", 27),
            ("dc.title = wom?n", 28),
            ("bath.isbn = 97801311*", 28),
            ("dc.title = *", 29),
            ("dc.title = *ology", 49),
            ("dc.title = ^start", 31),
            ("dc.date = soon", 36),
            ("a prox b", 37),
            ("a and/rel.combine=sum b", 46),
            (deep.as_str(), 38),
            ("a sortby dc.subject", 88),
            ("a sortby dc.title/sort.descending", 90),
            ("a sortby dc.date dc.title", 84),
            ("a sortby dc.date/sort.respectCase", 91),
            ("a sortby dc.date/sort.missingHigh", 92),
        ]
        .into_iter()
        .flat_map(|(q, n)| {
            [
                (
                    format!("version=1.2&operation=searchRetrieve&query={}", enc(q)),
                    n,
                ),
                (format!("query={}", enc(q)), n),
            ]
        }),
    )
    .collect();
    for (params, expected) in cases {
        let uri = format!("/sru?{params}");
        let doc = sru(&uri).await;
        let v2 = params.starts_with("version=2.0")
            || params.starts_with("version=3.0")
            || params.starts_with("query=");
        assert_eq!(doc.ns, if v2 { NS_SRU_2 } else { NS_SRU_1 }, "{uri}");
        let (n, d) = diagnostic(&doc);
        assert_eq!(n, expected, "{uri}: {d:?}");
        if doc.name == "searchRetrieveResponse" {
            assert_eq!(number_of_records(&doc), 0, "{uri}");
            assert!(records(&doc).is_empty());
        }
    }
    // The parser's own message is passed on.
    let doc = sru(&sr12("dc.title=(", "")).await;
    let (_, d) = diagnostic(&doc);
    assert!(d.child("details").is_some());
    assert!(
        d.child("message").unwrap().text.contains("character"),
        "{d:?}"
    );
    // scan is answered in a scanResponse.
    let doc = sru("/sru?version=1.2&operation=scan&scanClause=a").await;
    assert_eq!(doc.name, "scanResponse");
}

#[tokio::test]
async fn bad_input_never_fails_the_request() {
    for uri in [
        "/sru?version=1.2&operation=searchRetrieve&query=%FF%FE%00caf%C3",
        "/sru?version=1.2&operation=searchRetrieve&query=dc.title%3D%22%FF%22",
        "/sru?query=%00%01%02",
        "/sru?version=%FF&operation=%FE",
        "/sru?version=1.2&operation=searchRetrieve&query=a&maximumRecords=99999999999999999999999999999",
        "/sru?version=1.2&operation=searchRetrieve&query=a&x-unknown=1&foo=bar&resultSetTTL=5",
        "/sru?version=1.2&operation=searchRetrieve&query=a&stylesheet=%22%3E%3Cx%3F%3E",
        "/sru?query=a&query=b&version=2.0&version=1.2",
        "/sru?&&&=&==",
    ] {
        let doc = sru(uri).await;
        assert!(!doc.name.is_empty(), "{uri}");
    }
    // Unknown parameters are ignored.
    let doc = sru(&sr12("dc.title=the", "&x-whatever=1&frobnicate=yes")).await;
    assert!(doc.child("diagnostics").is_none());
    // A query of many booleans and nested parentheses does not overflow.
    let nested = format!("{}a{}", "(".repeat(60), ")".repeat(60));
    let doc = sru(&sr12(&nested, "")).await;
    assert_eq!(doc.name, "searchRetrieveResponse");
}

async fn post(uri: &str, ctype: &str, body: &str) -> (StatusCode, El) {
    let res = app()
        .oneshot(
            Request::post(uri)
                .header("content-type", ctype)
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await
        .unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, parse_xml(std::str::from_utf8(&bytes).unwrap()))
}

#[tokio::test]
async fn post_with_a_form_body() {
    let body = format!(
        "version=1.2&operation=searchRetrieve&query={}&maximumRecords=3",
        enc("bath.possessingInstitution=lib03")
    );
    let (s, doc) = post("/sru", "application/x-www-form-urlencoded", &body).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        number_of_records(&doc),
        count("bath.possessingInstitution=lib03").await
    );
    assert_eq!(records(&doc).len(), 3);
    let (s, doc) = post(
        "/sru",
        "application/x-www-form-urlencoded; charset=UTF-8",
        "query=dc.title%3Dthe&recordXMLEscaping=xml",
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(doc.ns, NS_SRU_2);
    assert_eq!(number_of_records(&doc), count("dc.title=the").await);
    // SOAP (SRW) is not spoken: a clear diagnostic, not a 500.
    let (s, doc) = post("/sru", "text/xml", "<soap:Envelope/>").await;
    assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(diagnostic(&doc).0, 6);
}

//! The JSON API.

use crate::{fixture, get, get_json};
use axum::http::StatusCode;

#[tokio::test]
async fn search_returns_clusters_facets_and_paging() {
    let (s, v) = get_json("/api/search?q=programming&per_page=5").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["total"].as_u64().unwrap() >= 1);
    assert_eq!(v["page"], 1);
    assert_eq!(v["per_page"], 5);
    let first = &v["results"][0];
    for key in [
        "id",
        "title",
        "subtitle",
        "authors",
        "publisher",
        "year",
        "edition",
        "format",
        "language",
        "isbns",
        "issns",
        "oclc",
        "lccn",
        "holdings",
    ] {
        assert!(first.get(key).is_some(), "cluster lacks {key}: {first}");
    }
    let h = &first["holdings"][0];
    for key in [
        "library",
        "library_name",
        "record_id",
        "call_number",
        "location",
        "items",
        "available",
        "status",
        "url",
    ] {
        assert!(h.get(key).is_some(), "holding lacks {key}: {h}");
    }
    // Facets count clusters: the library facet's counts never exceed the total.
    let total = v["total"].as_u64().unwrap();
    for f in v["facets"]["library"].as_array().unwrap() {
        assert!(f["count"].as_u64().unwrap() <= total);
    }
    assert!(v["facets"]["format"].as_array().is_some());
}

#[tokio::test]
async fn filters_narrow_and_counts_agree_with_the_index() {
    let (_, all) = get_json("/api/search?q=&per_page=1").await;
    let (_, lib01) = get_json("/api/search?q=&per_page=1&library=lib01").await;
    let total = all["total"].as_u64().unwrap();
    let held = lib01["total"].as_u64().unwrap();
    assert!(held > 0 && held < total);
    let facet = all["facets"]["library"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["value"] == "lib01")
        .unwrap();
    assert_eq!(
        facet["count"].as_u64().unwrap(),
        held,
        "the facet count is the filtered total"
    );
    let (_, y) = get_json("/api/search?q=&per_page=100&year_from=1990&year_to=1999").await;
    for r in y["results"].as_array().unwrap() {
        let year = r["year"].as_u64().unwrap();
        assert!((1990..=1999).contains(&year), "{year}");
    }
    let (_, by_year) = get_json("/api/search?q=&per_page=10&sort=year").await;
    let years: Vec<u64> = by_year["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["year"].as_u64())
        .collect();
    assert!(years.windows(2).all(|w| w[0] >= w[1]), "{years:?}");
}

#[tokio::test]
async fn holdings_by_any_written_form_of_an_isbn() {
    let (s, a) = get_json("/api/holdings?isbn=0-13-110362-8").await;
    assert_eq!(s, StatusCode::OK);
    let (_, b) = get_json("/api/holdings?isbn=9780131103627").await;
    assert_eq!(a, b);
    let clusters = a["clusters"].as_array().unwrap();
    assert_eq!(clusters.len(), 1, "{a}");
    assert!(clusters[0]["holdings"].as_array().unwrap().len() >= 4);
    assert!(
        clusters[0]["isbns"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i == "9780131103627")
    );
    let (s, e) = get_json("/api/holdings?isbn=9514920096").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(e["error"]["code"], "bad_parameter");
    let (s, _) = get_json("/api/holdings").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn cluster_details_carry_members_marc_and_evidence() {
    let (_, h) = get_json("/api/holdings?isbn=9780131103627").await;
    let id = h["clusters"][0]["id"].as_str().unwrap().to_string();
    let (s, v) = get_json(&format!("/api/clusters/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    let members = v["members"].as_array().unwrap();
    assert_eq!(members.len(), v["holdings"].as_array().unwrap().len());
    assert!(members[0]["marc"]["leader"].is_string());
    assert!(members[0]["marc"]["fields"].is_array());
    let evidence = v["evidence"].as_array().unwrap();
    assert_eq!(evidence.len(), members.len() - 1);
    assert!(!evidence[0]["keys"].as_array().unwrap().is_empty());
    assert!(
        evidence[0]["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["verdict"] != "veto")
    );
    let (s, e) = get_json("/api/clusters/nosuchclus").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(e["error"]["code"], "not_found");
}

#[tokio::test]
async fn bad_input_is_a_clear_4xx_never_a_500() {
    for (uri, code) in [
        ("/api/search?q=%22unbalanced&strict=true", "bad_query"),
        ("/api/search?q=(war&strict=true", "bad_query"),
        ("/api/search?q=colour:red&strict=1", "bad_query"),
        ("/api/search?q=war&strict=maybe", "bad_parameter"),
        ("/api/search?per_page=100000", "bad_parameter"),
        ("/api/search?per_page=0", "bad_parameter"),
        ("/api/search?page=0", "bad_parameter"),
        ("/api/search?page=abc", "bad_parameter"),
        ("/api/search?page=1000&per_page=100", "page_too_deep"),
        ("/api/search?sort=random", "bad_parameter"),
        ("/api/search?year_from=soon", "bad_parameter"),
        ("/api/search?library=nowhere", "bad_parameter"),
        ("/api/search?format=scroll", "bad_parameter"),
    ] {
        let (s, v) = get_json(uri).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{uri}: {v}");
        assert_eq!(v["error"]["code"], code, "{uri}: {v}");
        assert!(v["error"]["message"].as_str().unwrap().len() > 10);
    }
    let long = format!("/api/search?strict=true&q={}", "a%20".repeat(400));
    let (s, v) = get_json(&long).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    // Read leniently (the default), the same queries search.
    for q in ["%22unbalanced", "(war", "colour:red", &"a%20".repeat(400)] {
        let (s, v) = get_json(&format!("/api/search?q={q}")).await;
        assert_eq!(s, StatusCode::OK, "{q}: {v}");
    }
    // Non-UTF-8 bytes in the query string are read, not refused with a 500.
    let (s, _) = get_json("/api/search?q=%FF%FEcaf%C3").await;
    assert!(s == StatusCode::OK || s == StatusCode::BAD_REQUEST, "{s}");
    let (s, _, _) = get(crate::app(), "/nowhere").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn health_and_metrics() {
    let (s, v) = get_json("/healthz").await;
    assert_eq!(s, StatusCode::OK);
    assert!(v["clusters"].as_u64().unwrap() > 300);
    let app = crate::app();
    let _ = get(app.clone(), "/api/search?q=war").await;
    let (s, ctype, body) = get(app, "/metrics").await;
    assert_eq!(s, StatusCode::OK);
    assert!(ctype.starts_with("text/plain"));
    let text = String::from_utf8(body).unwrap();
    assert!(
        text.contains("unicat_requests_total{route=\"/api/search\",status=\"200\"} 1"),
        "{text}"
    );
    assert!(
        text.contains(
            "unicat_request_duration_seconds_bucket{route=\"/api/search\",le=\"+Inf\"} 1"
        )
    );
    assert!(text.contains("unicat_index_clusters "));
    assert!(text.contains("unicat_library_last_harvest_timestamp_seconds{library=\"lib01\"}"));
    let _ = fixture();
}

#[tokio::test]
async fn lenders_and_overlap() {
    let (_, h) = get_json("/api/holdings?isbn=9780131103627").await;
    let id = h["clusters"][0]["id"].as_str().unwrap().to_string();
    let (s, v) = get_json(&format!("/api/lenders?id={id}&requester=lib01")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let lenders = v["lenders"].as_array().unwrap();
    assert!(!lenders.is_empty() && lenders.len() <= 5);
    for l in lenders {
        assert_ne!(l["library"], "lib01");
        assert!(l["reason"].as_str().unwrap().len() > 5);
        assert!(l.get("available").is_some());
    }
    assert!(
        v["openurl"]
            .as_str()
            .unwrap()
            .contains("ctx_ver=Z39.88-2004")
    );
    let (s, e) = get_json(&format!("/api/lenders?id={id}")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    let (s, _) = get_json(&format!("/api/lenders?id={id}&requester=nowhere")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, o) = get_json("/api/overlap").await;
    assert_eq!(s, StatusCode::OK);
    let libs = o["libraries"].as_array().unwrap();
    assert_eq!(libs.len(), 6);
    for l in libs {
        let sum = l["unique"].as_u64().unwrap()
            + l["shared_2_3"].as_u64().unwrap()
            + l["widely_held"].as_u64().unwrap();
        assert_eq!(sum, l["total"].as_u64().unwrap());
    }
    assert_eq!(o["matrix"]["counts"].as_array().unwrap().len(), 6);
    let (s, ctype, body) = get(crate::app(), "/api/overlap.csv").await;
    assert_eq!(s, StatusCode::OK);
    assert!(ctype.starts_with("text/csv"));
    assert!(
        String::from_utf8(body)
            .unwrap()
            .starts_with("library,library_name,total,unique,shared_2_3,widely_held\n")
    );
}

/// A harvester that only records what it was asked.
struct FakeHarvester {
    running: std::sync::Mutex<bool>,
    started: std::sync::Mutex<Vec<Option<String>>>,
}

impl unicat_server::HarvestTrigger for FakeHarvester {
    fn start(&self, library: Option<String>) -> Result<(), unicat_server::admin::StartError> {
        let mut running = self.running.lock().unwrap();
        if *running {
            return Err(unicat_server::admin::StartError::Busy);
        }
        *running = true;
        self.started.lock().unwrap().push(library);
        Ok(())
    }
    fn status(&self) -> unicat_server::HarvestStatus {
        unicat_server::HarvestStatus {
            running: *self.running.lock().unwrap(),
            ..Default::default()
        }
    }
}

async fn admin(
    router: axum::Router,
    method: &str,
    uri: &str,
    token: Option<&str>,
) -> (StatusCode, serde_json::Value) {
    use tower::ServiceExt;
    let mut req = axum::http::Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let res = router
        .oneshot(req.body(axum::body::Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let body = http_body_util::BodyExt::collect(res.into_body())
        .await
        .unwrap()
        .to_bytes();
    (
        status,
        serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
    )
}

#[tokio::test]
async fn admin_harvest_needs_the_token_and_runs_one_at_a_time() {
    let token = "a-long-enough-admin-token";
    let fake = std::sync::Arc::new(FakeHarvester {
        running: std::sync::Mutex::new(false),
        started: std::sync::Mutex::new(vec![]),
    });
    let mut state = unicat_server::AppState::new(fixture().catalog.clone());
    state.admin_token = Some(token.to_string());
    state.harvester = Some(fake.clone());
    let router = unicat_server::router(state);
    let (s, e) = admin(router.clone(), "POST", "/api/admin/harvest", None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{e}");
    let (s, _) = admin(
        router.clone(),
        "POST",
        "/api/admin/harvest",
        Some("wrong-token-of-some-length"),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = admin(
        router.clone(),
        "GET",
        "/api/admin/harvest",
        Some("a-long-enough-admin-tokeN"),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = admin(
        router.clone(),
        "POST",
        "/api/admin/harvest?library=nowhere",
        Some(token),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, v) = admin(
        router.clone(),
        "POST",
        "/api/admin/harvest?library=lib02",
        Some(token),
    )
    .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    assert_eq!(v["running"], true);
    let (s, e) = admin(router.clone(), "POST", "/api/admin/harvest", Some(token)).await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"]["code"], "busy");
    let (s, v) = admin(router.clone(), "GET", "/api/admin/harvest", Some(token)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["running"], true);
    assert_eq!(
        *fake.started.lock().unwrap(),
        vec![Some("lib02".to_string())]
    );
    // Without a token configured the routes do not exist.
    let (s, _) = admin(crate::app(), "POST", "/api/admin/harvest", Some(token)).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn oversized_requests_are_refused() {
    use tower::ServiceExt;
    let huge = "x".repeat(100 * 1024);
    let res = crate::app()
        .oneshot(
            axum::http::Request::post("/sru")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(axum::body::Body::from(format!("query={huge}")))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let (s, _) = get_json(&format!("/api/search?q={}", "a".repeat(9000))).await;
    assert_eq!(s, StatusCode::URI_TOO_LONG);
}

#[tokio::test]
async fn the_hobbit_in_every_format_is_one_work_and_the_film_a_related_one() {
    let catalog = crate::demo().catalog.clone();
    let mut hobbit = Vec::new();
    catalog
        .for_each_work(|w| {
            if w.title.to_lowercase().starts_with("the hobbit") {
                hobbit.push(w);
            }
        })
        .unwrap();
    // Tolkien's book, large print, e-book, audiobooks and e-audiobook: one
    // work; Peter Jackson's film: another.
    let tolkien = hobbit
        .iter()
        .max_by_key(|w| w.clusters.len())
        .expect("a hobbit work");
    assert!(tolkien.clusters.len() >= 5, "{hobbit:?}");
    let router = unicat_server::router(unicat_server::AppState::new(catalog.clone()));
    let (status, _, body) = get(router.clone(), &format!("/api/works/{}", tolkien.id)).await;
    assert_eq!(status, StatusCode::OK);
    let work: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let formats: std::collections::BTreeSet<&str> = work["manifestations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["format"].as_str().unwrap())
        .collect();
    for f in ["book", "large-print", "ebook", "audiobook"] {
        assert!(formats.contains(f), "{f} missing from {formats:?}");
    }
    assert!(
        !formats.contains("video"),
        "the film is not the novel's work"
    );
    assert!(work["libraries"].as_u64().unwrap() >= 4);
    // Every manifestation but the first joined with evidence: a shared
    // title and a name.
    let evidence = work["evidence"].as_array().unwrap();
    assert_eq!(evidence.len(), tolkien.clusters.len() - 1);
    assert!(evidence.iter().all(|l| l["name"] == "tolkien"));
    // The film is a work of its own, related to the novel.
    let related = work["related"].as_array().unwrap();
    assert_eq!(related.len(), 1, "{work}");
    let (status, _, body) = get(
        router.clone(),
        &format!("/api/works/{}", related[0].as_str().unwrap()),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let film: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(film["manifestations"][0]["format"], "video");
    // An unknown work is a 404 with a message.
    let (status, _, _) = get(router, "/api/works/0000000000").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// GETs JSON from a router.
async fn json_of(router: &axum::Router, uri: &str) -> (StatusCode, serde_json::Value) {
    let (status, _, body) = get(router.clone(), uri).await;
    (
        status,
        serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
    )
}

#[tokio::test]
async fn a_search_grouped_by_work_gives_one_result_per_work_with_its_formats() {
    let catalog = crate::demo().catalog.clone();
    let router = unicat_server::router(unicat_server::AppState::new(catalog));
    let (_, each) = json_of(&router, "/api/search?q=hobbit").await;
    assert_eq!(each["group"], "manifestation", "the API's default");
    let (status, grouped) = json_of(&router, "/api/search?q=hobbit&group=work").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(grouped["group"], "work");
    // Every edition is still counted, in fewer results.
    assert_eq!(grouped["clusters"], each["total"]);
    let works = grouped["works"].as_array().unwrap();
    let results = grouped["results"].as_array().unwrap();
    assert_eq!(works.len(), results.len());
    assert_eq!(grouped["total"].as_u64().unwrap(), works.len() as u64);
    assert!(works.len() < each["results"].as_array().unwrap().len());
    // Tolkien's novel first, with its formats (the best match's first).
    let novel = &works[0];
    assert_eq!(results[0]["format"], "book");
    assert_eq!(results[0]["work"], novel["id"]);
    let formats: Vec<&str> = novel["formats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["format"].as_str().unwrap())
        .collect();
    assert_eq!(formats[0], "book");
    for f in ["large-print", "ebook", "audiobook"] {
        assert!(formats.contains(&f), "{f} missing from {formats:?}");
    }
    let editions: u64 = novel["formats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["editions"].as_u64().unwrap())
        .sum();
    assert_eq!(novel["editions"].as_u64().unwrap(), editions);
    assert!(editions >= 5);
    // The film is a result of its own.
    assert!(
        results.iter().any(|r| r["format"] == "video"),
        "{results:?}"
    );
    // Facets still count editions; filters apply to editions.
    let (_, books) = json_of(&router, "/api/search?q=hobbit&group=work&format=book").await;
    assert!(
        books["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["format"] == "book")
    );
    // Paging over works: the second page of one-per-page is the second work.
    let (_, second) = json_of(&router, "/api/search?q=hobbit&group=work&per_page=1&page=2").await;
    assert_eq!(second["works"][0]["id"], works[1]["id"]);
    // Sorted by year, each work once.
    let (_, by_year) = json_of(&router, "/api/search?q=hobbit&group=work&sort=year").await;
    assert_eq!(by_year["total"], grouped["total"]);
    let (status, _) = json_of(&router, "/api/search?q=hobbit&group=shelf").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn lenders_of_any_edition_keep_to_the_formats_accepted() {
    let catalog = crate::demo().catalog.clone();
    let router = unicat_server::router(unicat_server::AppState::new(catalog));
    let (_, grouped) = json_of(&router, "/api/search?q=hobbit&group=work").await;
    let work = grouped["works"][0]["id"].as_str().unwrap().to_string();
    let (status, any) = json_of(
        &router,
        &format!("/api/lenders?work={work}&requester=rideau"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{any}");
    let lenders = any["lenders"].as_array().unwrap();
    assert!(!lenders.is_empty());
    // One line per library, never the requester, each naming its edition.
    let libraries: std::collections::BTreeSet<&str> = lenders
        .iter()
        .map(|l| l["library"].as_str().unwrap())
        .collect();
    assert_eq!(libraries.len(), lenders.len());
    assert!(!libraries.contains("rideau"));
    assert!(
        lenders
            .iter()
            .all(|l| l["edition"].is_string() && l["cluster"].is_string())
    );
    // Print only: every suggested edition is a book or large print.
    let (_, print) = json_of(
        &router,
        &format!("/api/lenders?work={work}&requester=rideau&formats=print"),
    )
    .await;
    assert_eq!(print["formats"], serde_json::json!(["book", "large-print"]));
    assert!(print["editions"].as_u64().unwrap() < any["editions"].as_u64().unwrap());
    for l in print["lenders"].as_array().unwrap() {
        let (_, c) = json_of(
            &router,
            &format!("/api/clusters/{}", l["cluster"].as_str().unwrap()),
        )
        .await;
        let format = c["format"].as_str().unwrap();
        assert!(["book", "large-print"].contains(&format), "{format}");
    }
    // Audio only: another set of editions.
    let (_, audio) = json_of(
        &router,
        &format!("/api/lenders?work={work}&requester=rideau&formats=audiobook"),
    )
    .await;
    assert!(
        audio["lenders"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["edition"].as_str().unwrap().starts_with("Audiobook"))
    );
    let (status, bad) = json_of(
        &router,
        &format!("/api/lenders?work={work}&requester=rideau&formats=scroll"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
}

#[tokio::test]
async fn overlap_by_work_counts_a_title_once_whatever_its_editions() {
    let catalog = crate::demo().catalog.clone();
    let router = unicat_server::router(unicat_server::AppState::new(catalog));
    let (_, m) = json_of(&router, "/api/overlap").await;
    let (status, w) = json_of(&router, "/api/overlap?level=work").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (m["level"].as_str(), w["level"].as_str()),
        (Some("manifestation"), Some("work"))
    );
    assert!(w["clusters"].as_u64().unwrap() < m["clusters"].as_u64().unwrap());
    let by_id = |r: &serde_json::Value, id: &str| {
        r["libraries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["library"] == id)
            .cloned()
            .unwrap()
    };
    for lib in m["libraries"].as_array().unwrap() {
        let id = lib["library"].as_str().unwrap();
        let at_work = by_id(&w, id);
        let total = |v: &serde_json::Value| v["total"].as_u64().unwrap();
        let unique = |v: &serde_json::Value| v["unique"].as_u64().unwrap();
        assert!(total(&at_work) <= total(lib), "{id}");
        assert!(unique(&at_work) <= unique(lib), "{id}");
        let parts = unique(&at_work)
            + at_work["shared_2_3"].as_u64().unwrap()
            + at_work["widely_held"].as_u64().unwrap();
        assert_eq!(
            parts,
            total(&at_work),
            "{id}: the three partition the total"
        );
    }
    // Ottawa Valley holds the only large-print Hobbit: a unique edition,
    // not a unique work.
    assert!(by_id(&w, "ovrl")["unique"].as_u64() < by_id(&m, "ovrl")["unique"].as_u64());
    let (status, _, csv) = get(router.clone(), "/api/overlap.csv?level=work").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!csv.is_empty());
    let (status, _) = json_of(&router, "/api/overlap?level=shelf").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn holdings_for_an_issue_and_lenders_from_an_openurl() {
    // A book has no summary holdings: every holder's coverage of a year is
    // unknown, never "not held".
    let (s, v) = get_json("/api/holdings?isbn=9780131103627&year=1998").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["year"], 1998);
    assert_eq!(v["held_by"].as_array().unwrap().len(), 0, "{v}");
    let libraries = v["libraries"].as_array().unwrap();
    assert!(!libraries.is_empty());
    assert!(libraries.iter().all(|l| l["coverage"] == "unknown"), "{v}");
    for (q, what) in [
        ("/api/holdings?isbn=9780131103627&year=199x", "year"),
        ("/api/holdings?isbn=9780131103627&volume=0", "volume"),
        ("/api/lenders?requester=lib01", "rft.issn"),
    ] {
        let (s, e) = get_json(q).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{q}: {e}");
        assert_eq!(e["error"]["code"], "bad_parameter");
        assert!(
            e["error"]["message"].as_str().unwrap().contains(what),
            "{e}"
        );
    }
    // An ILL system's OpenURL for an article in a journal we do not have.
    let (s, e) = get_json(
        "/api/lenders?requester=lib01&rft.genre=article&rft.jtitle=Journal%20of%20nothing%20here&rft.issn=0000-0019&rft.volume=12&rft.date=1998",
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{e}");
    assert_eq!(e["error"]["code"], "not_found");
}

#[tokio::test]
async fn on_the_demo_a_serial_issue_is_held_where_the_coverage_includes_its_year() {
    // CNSC's annual report (ISSN 1700-8042): `riverside` holds 2000/2001 -
    // 2003/2004 (Evergreen's real MFHD, exported apart from the bibs),
    // `ovrl` 2004/2005 - 2009/2010 (holdings derived by demogen).
    let router = unicat_server::router(unicat_server::AppState::new(crate::demo().catalog.clone()));
    let coverage = |v: &serde_json::Value, library: &str| {
        v["libraries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["library"] == library)
            .map(|l| l["coverage"].as_str().unwrap().to_string())
    };
    for (year, held, not_held) in [(2002, "riverside", "ovrl"), (2007, "ovrl", "riverside")] {
        let (status, _, body) = get(
            router.clone(),
            &format!("/api/holdings?issn=1700-8042&year={year}"),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["held_by"], serde_json::json!([held]), "{year}: {v}");
        assert_eq!(coverage(&v, held).as_deref(), Some("held"), "{v}");
        assert_eq!(coverage(&v, not_held).as_deref(), Some("not_held"), "{v}");
    }
}

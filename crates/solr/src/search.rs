//! Searching the collection through the JSON request API: the query, the
//! facets (exact across shards: `refine`), the page, and the clusters as
//! stored.

use crate::client::Body;
use crate::query::to_solr;
use crate::{SolrError, SolrIndex};
use serde_json::{Value, json};
use std::collections::HashSet;
use unicat_index::ranking::{COMMON_FLOOR, COMMON_SHARE, HOLDERS_WEIGHT};
use unicat_index::{
    ClusterDoc, FacetCounts, FormatHoldings, Minimum, Query, SearchResults, Sort, WorkHit,
    WorkHoldings, WorkResults, tokens,
};

/// Facets as tantivy counts them: (name, field, how many values).
const FACETS: &[(&str, usize)] = &[
    ("library", 100),
    ("format", 30),
    ("language", 30),
    ("year", 30),
];

/// The words of the query's widened texts (fuzzy or "most of the words"),
/// whose frequency decides whether they are common.
fn widened_words(q: &Query, out: &mut Vec<String>) {
    match q {
        Query::Text(t) if t.fuzzy || t.minimum != Minimum::All => {
            out.extend(tokens(&t.words));
        }
        Query::And(qs) | Query::Or(qs) => qs.iter().for_each(|q| widened_words(q, out)),
        Query::Not(a, b) => {
            widened_words(a, out);
            widened_words(b, out);
        }
        _ => {}
    }
}

/// Which of `words` are common: in more than 1/50 of the clusters and more
/// than 1,000 of them, in the title or the notes (tantivy's rule).
fn common_words(index: &SolrIndex, words: &[String]) -> Result<HashSet<String>, SolrError> {
    let mut common = HashSet::new();
    if words.is_empty() {
        return Ok(common);
    }
    let total = index.count()?;
    let limit = (total / COMMON_SHARE).max(COMMON_FLOOR);
    if total <= limit {
        return Ok(common);
    }
    let list = words.join(",");
    let v = index.call(
        "GET",
        "terms",
        &[
            ("terms.fl", "title"),
            ("terms.fl", "notes"),
            ("terms.list", &list),
            ("terms.limit", "-1"),
        ],
        Body::None,
    )?;
    if let Some(fields) = v.get("terms").and_then(Value::as_object) {
        for counts in fields.values() {
            // Named lists arrive as [term, count, term, count, …] or as an
            // object, depending on json.nl.
            match counts {
                Value::Array(a) => {
                    for pair in a.chunks(2) {
                        if let [Value::String(t), n] = pair
                            && n.as_u64().is_some_and(|n| n > limit)
                        {
                            common.insert(t.clone());
                        }
                    }
                }
                Value::Object(o) => {
                    for (t, n) in o {
                        if n.as_u64().is_some_and(|n| n > limit) {
                            common.insert(t.clone());
                        }
                    }
                }
                _ => {}
            }
        }
    }
    Ok(common)
}

pub(crate) fn request(q: Value, offset: usize, limit: usize, sort: Sort) -> Value {
    let (query, order) = match sort {
        Sort::Relevance => (
            json!({"boost": {
                "query": q,
                "b": format!("sum(1,product({HOLDERS_WEIGHT},ln(sum(1,field(holders)))))"),
            }}),
            "score desc,id asc",
        ),
        Sort::YearNewest => (q, "year desc,id asc"),
        Sort::YearOldest => (q, "year asc,id asc"),
        Sort::Title => (q, "sort_title asc,id asc"),
    };
    let facet: serde_json::Map<String, Value> = FACETS
        .iter()
        .map(|(name, n)| {
            (
                (*name).to_string(),
                json!({"type": "terms", "field": name, "limit": n, "sort": "count desc", "refine": true, "overrequest": 100}),
            )
        })
        .collect();
    json!({
        "query": query,
        "offset": offset,
        "limit": limit,
        "sort": order,
        "fields": "doc",
        "facet": facet,
    })
}

/// The four facets of an answer.
fn facets_of(v: &Value) -> FacetCounts {
    FacetCounts {
        library: facet_counts(v, "library"),
        format: facet_counts(v, "format"),
        language: facet_counts(v, "language"),
        year: facet_counts(v, "year"),
    }
}

fn facet_counts(v: &Value, name: &str) -> Vec<(String, u64)> {
    v.pointer(&format!("/facets/{name}/buckets"))
        .and_then(Value::as_array)
        .map(|buckets| {
            let mut out: Vec<(String, u64)> = buckets
                .iter()
                .filter_map(|b| {
                    let val = match b.get("val")? {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    Some((val, b.get("count")?.as_u64()?))
                })
                .collect();
            // tantivy's order: count, then value as text.
            out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            out
        })
        .unwrap_or_default()
}

/// The total and the page's clusters of an answer.
fn results(v: &Value) -> Result<(u64, Vec<ClusterDoc>), SolrError> {
    let total = v
        .pointer("/response/numFound")
        .and_then(Value::as_u64)
        .ok_or_else(|| SolrError::Answer("no numFound".into()))?;
    let hits = v
        .pointer("/response/docs")
        .and_then(Value::as_array)
        .map(|docs| {
            docs.iter()
                .map(|d| {
                    let s = d
                        .get("doc")
                        .and_then(Value::as_str)
                        .ok_or_else(|| SolrError::Answer("a document without doc".into()))?;
                    serde_json::from_str::<ClusterDoc>(s)
                        .map_err(|e| SolrError::Answer(format!("unreadable cluster: {e}")))
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?
        .unwrap_or_default();
    Ok((total, hits))
}

pub(crate) fn search(
    index: &SolrIndex,
    query: &Query,
    offset: usize,
    limit: usize,
    sort: Sort,
    with_facets: bool,
) -> Result<SearchResults, SolrError> {
    let mut words = Vec::new();
    widened_words(query, &mut words);
    let common = common_words(index, &words)?;
    let q = to_solr(query, &|w| common.contains(w));
    let mut request = request(q, offset, limit, sort);
    if !with_facets && let Some(r) = request.as_object_mut() {
        r.remove("facet");
    }
    let body = serde_json::to_vec(&request).unwrap_or_default();
    let v = index.call("POST", "query", &[], Body::Json(&body))?;
    let (total, hits) = results(&v)?;
    Ok(SearchResults {
        total,
        hits,
        facets: facets_of(&v),
    })
}

/// Searches, one result per work (Solr's collapse on the work, whose
/// clusters share a shard): each work's best cluster in the order of
/// `sort`, what every page's work holds by format (one more request over
/// the works' clusters), and facets counting clusters, as
/// [`unicat_index::CatalogIndex::search_works`] answers.
pub(crate) fn search_works(
    index: &SolrIndex,
    query: &Query,
    offset: usize,
    limit: usize,
    sort: Sort,
) -> Result<WorkResults, SolrError> {
    let mut words = Vec::new();
    widened_words(query, &mut words);
    let common = common_words(index, &words)?;
    let q = to_solr(query, &|w| common.contains(w));
    let mut body = request(q.clone(), offset, limit, sort);
    // The head of each work: best score, newest, oldest or first title.
    let head = match sort {
        Sort::Relevance => "",
        Sort::YearNewest => " sort='year desc,id asc'",
        Sort::YearOldest => " sort='year asc,id asc'",
        Sort::Title => " sort='sort_title asc,id asc'",
    };
    body["filter"] = json!([format!(
        "{{!collapse tag=works field=work nullPolicy=expand{head}}}"
    )]);
    // Facets count clusters, not works.
    if let Some(facets) = body["facet"].as_object_mut() {
        for f in facets.values_mut() {
            f["domain"] = json!({"excludeTags": "works"});
        }
        facets.insert(
            "clusters".into(),
            json!({"type": "query", "q": "*:*", "domain": {"excludeTags": "works"}}),
        );
    }
    body["fields"] = json!("doc");
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    let v = index.call("POST", "query", &[], Body::Json(&bytes))?;
    let (total, best) = results(&v)?;
    let clusters = v
        .pointer("/facets/clusters/count")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    let works: Vec<String> = best.iter().filter_map(|d| d.work.clone()).collect();
    let (tallies, matched) = if works.is_empty() {
        Default::default()
    } else {
        work_tallies(index, &q, &works)?
    };
    let hits = best
        .into_iter()
        .map(|doc| {
            let holdings = doc.work.as_ref().and_then(|w| tallies.get(w).cloned());
            let matched = doc
                .work
                .as_ref()
                .and_then(|w| matched.get(w).copied())
                .unwrap_or(1);
            let holdings = holdings.unwrap_or_else(|| WorkHoldings::of_one(&doc));
            WorkHit {
                best: doc,
                matched,
                holdings,
            }
        })
        .collect();
    Ok(WorkResults {
        total,
        clusters,
        hits,
        facets: facets_of(&v),
    })
}

type Tallies = (
    std::collections::HashMap<String, WorkHoldings>,
    std::collections::HashMap<String, u32>,
);

/// Every cluster of these works by format, with distinct libraries; and
/// how many of each work's clusters match the query.
fn work_tallies(index: &SolrIndex, q: &Value, works: &[String]) -> Result<Tallies, SolrError> {
    // Work ids are base32; anything else cannot be one.
    let ids: Vec<&str> = works
        .iter()
        .map(String::as_str)
        .filter(|w| w.bytes().all(|b| b.is_ascii_alphanumeric()))
        .collect();
    let of_works = json!({"terms": {"f": "work", "query": ids.join(","), "method": "termsFilter"}});
    let n = ids.len();
    let body = json!({
        "query": of_works,
        "limit": 0,
        // The user's query, named for the facet domain that counts matches.
        "queries": {"matching": q},
        "facet": {
            "works": {"type": "terms", "field": "work", "limit": n, "facet": {
                "libraries": "unique(library)",
                "formats": {"type": "terms", "field": "format", "limit": -1, "facet": {"libraries": "unique(library)"}},
            }},
            "matched": {"type": "terms", "field": "work", "limit": n, "domain": {"filter": {"param": "matching"}}},
        },
    });
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    let v = index.call("POST", "query", &[], Body::Json(&bytes))?;
    let mut tallies = std::collections::HashMap::new();
    for b in v
        .pointer("/facets/works/buckets")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(work) = b["val"].as_str() else {
            continue;
        };
        let mut formats: Vec<FormatHoldings> = b
            .pointer("/formats/buckets")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|f| {
                Some(FormatHoldings {
                    format: f["val"].as_str()?.to_string(),
                    editions: f["count"].as_u64()? as u32,
                    libraries: f["libraries"].as_u64().unwrap_or(0) as u32,
                })
            })
            .collect();
        FormatHoldings::order(&mut formats);
        tallies.insert(
            work.to_string(),
            WorkHoldings {
                editions: b["count"].as_u64().unwrap_or(0) as u32,
                libraries: b["libraries"].as_u64().unwrap_or(0) as u32,
                formats,
            },
        );
    }
    let matched = v
        .pointer("/facets/matched/buckets")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|b| Some((b["val"].as_str()?.to_string(), b["count"].as_u64()? as u32)))
        .collect();
    Ok((tallies, matched))
}

/// Documents per request when walking the whole collection.
const WALK_ROWS: usize = 5000;

/// Calls `f(libraries, format, lc_class, work)` for every cluster, from
/// docValues only (no stored documents), in pages by a cursor.
pub(crate) fn for_each_work_profile(
    index: &SolrIndex,
    mut f: impl FnMut(&[&str], &str, Option<&str>, Option<u64>),
) -> Result<(), SolrError> {
    let mut cursor = "*".to_string();
    loop {
        let body = json!({
            "query": {"lucene": {"query": "*:*"}},
            "limit": WALK_ROWS,
            "sort": "id asc",
            "fields": "library,format,lc_class,work",
            "params": {"cursorMark": cursor},
        });
        let bytes = serde_json::to_vec(&body).unwrap_or_default();
        let v = index.call("POST", "query", &[], Body::Json(&bytes))?;
        let mut libs: Vec<&str> = Vec::with_capacity(16);
        for d in v
            .pointer("/response/docs")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            libs.clear();
            libs.extend(
                d["library"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str),
            );
            let work = d["work"]
                .as_str()
                .and_then(unicat_match::works::WorkId::parse)
                .map(|w| w.0);
            f(
                &libs,
                d["format"].as_str().unwrap_or(""),
                d["lc_class"].as_str(),
                work,
            );
        }
        let next = v
            .get("nextCursorMark")
            .and_then(Value::as_str)
            .ok_or_else(|| SolrError::Answer("no nextCursorMark".into()))?;
        if next == cursor {
            return Ok(());
        }
        cursor = next.to_string();
    }
}

/// The collection's version as readers see it: changes with every commit
/// that adds, replaces or deletes a document (caches key on it).
pub(crate) fn generation(index: &SolrIndex) -> Result<u64, SolrError> {
    let body = json!({
        "query": {"lucene": {"query": "*:*"}},
        "limit": 1,
        "sort": "_version_ desc",
        "fields": "_version_",
    });
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    let v = index.call("POST", "query", &[], Body::Json(&bytes))?;
    let total = v
        .pointer("/response/numFound")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    let version = v
        .pointer("/response/docs/0/_version_")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    Ok(total.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ version)
}

/// Every cluster of a work (at most `limit`).
pub(crate) fn clusters_of_work(
    index: &SolrIndex,
    work: &str,
    limit: usize,
) -> Result<Vec<ClusterDoc>, SolrError> {
    let body = json!({
        "query": crate::query::term("work", work),
        "limit": limit,
        "sort": "id asc",
        "fields": "doc",
    });
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    let v = index.call("POST", "query", &[], Body::Json(&bytes))?;
    Ok(results(&v)?.1)
}

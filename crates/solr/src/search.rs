//! Searching the collection through the JSON request API: the query, the
//! facets (exact across shards: `refine`), the page, and the clusters as
//! stored.

use crate::client::Body;
use crate::query::to_solr;
use crate::{SolrError, SolrIndex};
use serde_json::{Value, json};
use std::collections::HashSet;
use unicat_index::ranking::{COMMON_FLOOR, COMMON_SHARE, HOLDERS_WEIGHT};
use unicat_index::{ClusterDoc, FacetCounts, Minimum, Query, SearchResults, Sort, tokens};

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

pub(crate) fn search(
    index: &SolrIndex,
    query: &Query,
    offset: usize,
    limit: usize,
    sort: Sort,
) -> Result<SearchResults, SolrError> {
    let mut words = Vec::new();
    widened_words(query, &mut words);
    let common = common_words(index, &words)?;
    let q = to_solr(query, &|w| common.contains(w));
    let body = serde_json::to_vec(&request(q, offset, limit, sort)).unwrap_or_default();
    let v = index.call("POST", "query", &[], Body::Json(&body))?;
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
    Ok(SearchResults {
        total,
        hits,
        facets: FacetCounts {
            library: facet_counts(&v, "library"),
            format: facet_counts(&v, "format"),
            language: facet_counts(&v, "language"),
            year: facet_counts(&v, "year"),
        },
    })
}

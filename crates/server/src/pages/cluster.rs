//! A cluster's detail page (`/clusters/{id}`): its description and the
//! holdings table.

use super::ill::{self, Ill};
use super::{Layout, error_page, html, labels, phrase, safe_url, search_href, segment};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use unicat_catalog::{ClusterDoc, Holding};

/// One value of a detail, a link when it searches for more like it.
pub(crate) struct Value {
    text: String,
    href: Option<String>,
}

/// A line of the description.
pub(crate) struct Detail {
    label: &'static str,
    values: Vec<Value>,
}

/// A row of the holdings table.
pub(crate) struct Row {
    library: String,
    location: Option<String>,
    call_number: Option<String>,
    status: &'static str,
    status_class: &'static str,
    copies: Option<String>,
    url: Option<String>,
    /// The library's summary holdings, verbatim (`Holdings: v.1-25
    /// (1990-2014)`), each marked when its coverage could not be read.
    statements: Vec<String>,
}

/// The detail page.
#[derive(Template)]
#[template(path = "cluster.html")]
pub(crate) struct ClusterPage {
    layout: Layout,
    title: String,
    subtitle: Option<String>,
    byline: Option<String>,
    held: String,
    availability: Option<String>,
    details: Vec<Detail>,
    rows: Vec<Row>,
    caption: String,
    json: String,
    exports: Vec<super::ExportLink>,
    ill: Ill,
    /// "All 7 editions and formats", linking to the work's page.
    work: Option<(String, String)>,
}

pub(super) async fn page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    // `?requester=` asks for lender suggestions for that library.
    let requester = query.as_deref().and_then(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "requester")
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
    });
    let wanted = id.clone();
    let asked = requester.clone();
    let found = state
        .blocking(move |c| {
            let doc = c.cluster_doc(&wanted)?;
            let suggestion = match asked {
                Some(r) => Some(c.lenders(&doc.id, &r).map_err(|e| e.message)),
                None => None,
            };
            let editions = c.work_size(doc.work.as_deref())?;
            Ok((doc, suggestion, editions))
        })
        .await;
    let (doc, suggestion, editions) = match found {
        Ok(found) => found,
        Err(e) if e.status == StatusCode::NOT_FOUND => {
            return error_page(&crate::ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                format!(
                    "there is no title with the id “{id}” in this catalogue; it may have been \
                     withdrawn or merged with another. Try searching for it instead"
                ),
            ));
        }
        Err(e) => return error_page(&e),
    };
    if doc.id != id {
        // Ids are read leniently (case, look-alike letters); send people to
        // the canonical address.
        let mut to = format!("/clusters/{}", segment(&doc.id));
        if let Some(q) = query.as_deref().filter(|q| !q.is_empty()) {
            to.push('?');
            to.push_str(q);
        }
        return (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, to)]).into_response();
    }
    let openurl = unicat_catalog::lenders::openurl(&doc);
    let ill = ill::block(
        &state.catalog.network,
        &doc.id,
        requester.as_deref(),
        suggestion,
        openurl,
    );
    html(StatusCode::OK, &view(doc, ill, editions))
}

fn value(text: impl Into<String>) -> Value {
    Value {
        text: text.into(),
        href: None,
    }
}

fn search_value(text: &str, field: &str) -> Value {
    Value {
        text: text.to_string(),
        href: Some(search_href(&phrase(field, text))),
    }
}

fn details(doc: &ClusterDoc) -> Vec<Detail> {
    let mut d = Vec::new();
    let mut push = |label: &'static str, values: Vec<Value>| {
        if !values.is_empty() {
            d.push(Detail { label, values });
        }
    };
    push(
        if doc.authors.len() == 1 {
            "Author"
        } else {
            "Authors"
        },
        doc.authors
            .iter()
            .map(|a| search_value(a, "author"))
            .collect(),
    );
    push("Edition", doc.edition.iter().map(value).collect());
    // "Place : Publisher, Year", as a librarian writes it.
    let mut published = match (&doc.place, &doc.publisher) {
        (Some(place), Some(publisher)) => format!("{place} : {publisher}"),
        (Some(one), None) | (None, Some(one)) => one.clone(),
        (None, None) => String::new(),
    };
    if let Some(y) = doc.year {
        if !published.is_empty() {
            published.push_str(", ");
        }
        published.push_str(&y.to_string());
    }
    push(
        "Published",
        (!published.is_empty())
            .then(|| value(published))
            .into_iter()
            .collect(),
    );
    push("Format", vec![value(labels::format(&doc.format))]);
    push(
        "Language",
        doc.language
            .iter()
            .map(|l| value(labels::language(l)))
            .collect(),
    );
    push("Description", doc.pagination.iter().map(value).collect());
    push("Series", doc.series.iter().map(value).collect());
    push(
        "Subjects",
        doc.subjects
            .iter()
            .map(|s| search_value(s, "subject"))
            .collect(),
    );
    push(
        "LC call number",
        doc.lc_call_number.iter().map(value).collect(),
    );
    push("ISBN", doc.isbns.iter().map(value).collect());
    push("ISSN", doc.issns.iter().map(value).collect());
    push("OCLC number", doc.oclc.iter().map(value).collect());
    push("LCCN", doc.lccn.iter().map(value).collect());
    d
}

fn row(h: &Holding) -> Row {
    let (status, status_class) = labels::status(h);
    Row {
        library: if h.library_name.is_empty() {
            h.library.clone()
        } else {
            h.library_name.clone()
        },
        location: h.location.clone().filter(|s| !s.trim().is_empty()),
        call_number: h.call_number.clone().filter(|s| !s.trim().is_empty()),
        status,
        status_class,
        copies: labels::copies(h),
        url: safe_url(h.url.as_deref()),
        statements: h
            .summary_holdings
            .iter()
            .map(|s| {
                let mut line = format!(
                    "{}: {}",
                    match s.kind.as_str() {
                        "supplements" => "Supplements",
                        "indexes" => "Indexes",
                        _ => "Holdings",
                    },
                    s.statement
                );
                if let Some(n) = &s.note {
                    line.push_str(" — ");
                    line.push_str(n);
                }
                if !s.parsed && s.kind == "basic" {
                    line.push_str(" (coverage unknown)");
                }
                line
            })
            .collect(),
    }
}

fn view(doc: ClusterDoc, ill: Ill, editions: usize) -> ClusterPage {
    let (held, availability) = labels::held(&doc);
    let mut holdings: Vec<&Holding> = doc.holdings.iter().collect();
    // Where it can be had now first, then by library.
    let rank = |h: &Holding| match h.status.as_str() {
        "available" => 0,
        "unknown" => 1,
        "checked_out" => 2,
        _ => 3,
    };
    holdings.sort_by(|a, b| {
        rank(a)
            .cmp(&rank(b))
            .then_with(|| a.library_name.cmp(&b.library_name))
            .then_with(|| a.record_id.cmp(&b.record_id))
    });
    let rows: Vec<Row> = holdings.into_iter().map(row).collect();
    let caption = format!(
        "{} — {}",
        held,
        availability
            .clone()
            .unwrap_or_else(|| "ask each library about availability".to_string())
    );
    ClusterPage {
        layout: Layout::new(doc.title.clone(), Some(String::new())),
        byline: (!doc.authors.is_empty()).then(|| doc.authors.join("; ")),
        work: doc.work.as_ref().filter(|_| editions > 1).map(|w| {
            (
                format!("/works/{}", segment(w)),
                format!("All {editions} editions and formats of this work"),
            )
        }),
        details: details(&doc),
        json: format!("/api/clusters/{}", segment(&doc.id)),
        exports: super::export_links(&format!("/api/clusters/{}", segment(&doc.id))),
        title: doc.title,
        subtitle: doc.subtitle,
        held,
        availability,
        rows,
        caption,
        ill,
    }
}

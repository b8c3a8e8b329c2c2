//! The JSON API: `/api/search`, `/api/holdings`, `/api/clusters/{id}`.

use crate::params::Params;
use crate::{ApiError, AppState};
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use unicat_catalog::{IdentifierKind, SearchRequest, Sort};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/search", get(search))
        .route("/api/holdings", get(holdings))
        .route("/api/clusters/{id}", get(cluster))
        .route("/api/lenders", get(lenders))
        .route("/api/overlap", get(overlap))
        .route("/api/overlap.csv", get(overlap_csv))
}

/// Reads the sort parameter.
pub fn sort(p: &Params) -> Result<Sort, ApiError> {
    match p.text("sort") {
        None | Some("relevance") => Ok(Sort::Relevance),
        Some("year") | Some("year_desc") | Some("newest") => Ok(Sort::YearNewest),
        Some("year_asc") | Some("oldest") => Ok(Sort::YearOldest),
        Some("title") => Ok(Sort::Title),
        Some(other) => Err(ApiError::bad_parameter(format!(
            "sort must be relevance, year, year_asc or title, not {other:?}"
        ))),
    }
}

/// Builds a search request from the query string (shared with the pages).
pub fn search_request(p: &Params) -> Result<SearchRequest, ApiError> {
    Ok(SearchRequest {
        q: p.0.get("q").cloned().unwrap_or_default(),
        page: p.number("page", 1, 0, usize::MAX)?,
        per_page: p.number("per_page", 20, 0, usize::MAX)?,
        library: p.text("library").map(str::to_string),
        format: p.text("format").map(str::to_string),
        language: p.text("language").map(str::to_string),
        year_from: p.year("year_from")?,
        year_to: p.year("year_to")?,
        sort: sort(p)?,
        strict: p.flag("strict")?,
    })
}

async fn search(
    State(state): State<AppState>,
    p: Params,
) -> Result<axum::response::Response, ApiError> {
    let req = search_request(&p)?;
    let body = state.blocking(move |c| json(&c.search(&req)?)).await?;
    Ok(json_response(body))
}

async fn holdings(
    State(state): State<AppState>,
    p: Params,
) -> Result<axum::response::Response, ApiError> {
    let (kind, value) = [
        ("isbn", IdentifierKind::Isbn),
        ("issn", IdentifierKind::Issn),
        ("oclc", IdentifierKind::Oclc),
        ("lccn", IdentifierKind::Lccn),
        ("id", IdentifierKind::Cluster),
    ]
    .into_iter()
    .find_map(|(name, kind)| p.text(name).map(|v| (kind, v.to_string())))
    .ok_or_else(|| ApiError::bad_parameter("give one of isbn, issn, oclc, lccn or id"))?;
    let body = state
        .blocking(move |c| json(&c.holdings(kind, &value)?))
        .await?;
    Ok(json_response(body))
}

async fn cluster(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<axum::response::Response, ApiError> {
    let body = state.blocking(move |c| json(&c.cluster(&id)?)).await?;
    Ok(json_response(body))
}

async fn lenders(
    State(state): State<AppState>,
    p: Params,
) -> Result<axum::response::Response, ApiError> {
    let id = p
        .text("id")
        .ok_or_else(|| ApiError::bad_parameter("give the cluster id as id="))?
        .to_string();
    let requester = p
        .text("requester")
        .ok_or_else(|| ApiError::bad_parameter("give the requesting library as requester="))?
        .to_string();
    let body = state
        .blocking(move |c| json(&c.lenders(&id, &requester)?))
        .await?;
    Ok(json_response(body))
}

async fn overlap(
    State(state): State<AppState>,
    p: Params,
) -> Result<axum::response::Response, ApiError> {
    if p.text("format") == Some("csv") {
        return overlap_csv(State(state)).await;
    }
    let r = state.blocking(|c| c.overlap()).await?;
    Ok(
        Json(serde_json::to_value(&*r).map_err(|e| ApiError::internal(e.to_string()))?)
            .into_response(),
    )
}

async fn overlap_csv(State(state): State<AppState>) -> Result<axum::response::Response, ApiError> {
    let r = state.blocking(|c| c.overlap()).await?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"unicat-overlap.csv\"",
            ),
        ],
        r.to_csv(),
    )
        .into_response())
}

/// Serialises an answer (on the blocking pool, where the handlers call it).
fn json<T: serde::Serialize>(v: &T) -> Result<Vec<u8>, unicat_catalog::CatalogError> {
    serde_json::to_vec(v).map_err(|e| {
        unicat_catalog::CatalogError::new(unicat_catalog::ErrorCode::Internal, e.to_string())
    })
}

/// A JSON body, already serialised.
fn json_response(body: Vec<u8>) -> axum::response::Response {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

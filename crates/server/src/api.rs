//! The JSON API: `/api/search`, `/api/holdings`, `/api/clusters/{id}`,
//! `/api/works/{id}`.

use crate::export;
use crate::params::Params;
use crate::{ApiError, AppState};
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use unicat_catalog::export::ExportFormat;
use unicat_catalog::serials::Issue;
use unicat_catalog::works::FormatChoice;
use unicat_catalog::{Group, IdentifierKind, MAX_DEPTH, SearchRequest, Sort};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/search", get(search))
        .route("/api/holdings", get(holdings))
        .route("/api/clusters/{id}", get(cluster))
        .route("/api/works/{id}", get(work))
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
        group: group(p, Group::Manifestation)?,
    })
}

/// Reads `group=` (`manifestation` or `work`), with the caller's default.
pub fn group(p: &Params, default: Group) -> Result<Group, ApiError> {
    match p.text("group") {
        None => Ok(default),
        Some(g) => Group::parse(g).ok_or_else(|| {
            ApiError::bad_parameter(format!("group must be manifestation or work, not {g:?}"))
        }),
    }
}

async fn search(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    p: Params,
) -> Result<axum::response::Response, ApiError> {
    if let Some(format) = export::requested(&p, &headers)? {
        return search_export(state, p, format).await;
    }
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
    let issue = issue(&p, "year", "volume")?;
    let body = if issue.is_empty() {
        state
            .blocking(move |c| json(&c.holdings(kind, &value)?))
            .await?
    } else {
        state
            .blocking(move |c| json(&c.issue_holdings(kind, &value, issue)?))
            .await?
    };
    Ok(json_response(body))
}

/// Reads a year and a volume (a serial's issue); each must be a number.
fn issue(p: &Params, year: &str, volume: &str) -> Result<Issue, ApiError> {
    let year = match p.text(year) {
        None => None,
        Some(y) => Some(
            y.trim()
                .parse::<u16>()
                .ok()
                .filter(|y| (1..=2999).contains(y))
                .ok_or_else(|| {
                    ApiError::bad_parameter(format!("{year} must be a year, not {y:?}"))
                })?,
        ),
    };
    let volume = match p.text(volume) {
        None => None,
        Some(v) => Some(
            v.trim()
                .trim_start_matches(['v', 'V', '.', ' '])
                .parse::<u32>()
                .ok()
                .filter(|v| *v > 0)
                .ok_or_else(|| {
                    ApiError::bad_parameter(format!("{volume} must be a volume number, not {v:?}"))
                })?,
        ),
    };
    Ok(Issue { year, volume })
}

/// A search's results as an export: up to `limit` (default and most
/// 10,000) clusters in the search's order, streamed.
async fn search_export(
    state: AppState,
    mut p: Params,
    format: ExportFormat,
) -> Result<axum::response::Response, ApiError> {
    if p.text("format").and_then(ExportFormat::parse).is_some() {
        // `format=ris` named the export, not a material format.
        p.0.remove("format");
    }
    state.catalog.export_available(format)?;
    let limit = p.number("limit", MAX_DEPTH, 1, MAX_DEPTH)?;
    let req = search_request(&p)?;
    let sort = req.sort;
    let query = state.blocking(move |c| c.search_query(&req)).await?;
    Ok(export::streamed(
        &state,
        format.content_type(),
        Some(format!("unicat-search.{}", format.extension())),
        move |c, out| {
            export::write_all(c, format, out, |f| {
                c.each_hit(&query, limit, sort, f).map(|_| ())
            })
        },
    ))
}

async fn cluster(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Path(id): Path<String>,
    p: Params,
) -> Result<axum::response::Response, ApiError> {
    if let Some(format) = export::requested_strict(&p, &headers)? {
        let doc = state.blocking(move |c| c.cluster_doc(&id)).await?;
        let name = format!("unicat-{}", doc.id);
        return Ok(export::docs(&state, format, &name, vec![doc]));
    }
    let body = state.blocking(move |c| json(&c.cluster(&id)?)).await?;
    Ok(json_response(body))
}

/// A work: every edition, format, volume and translation with its
/// holdings, and the evidence that groups them.
/// `format=` (codes or print, audio, electronic) and `language=` keep
/// some of them.
async fn work(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Path(id): Path<String>,
    p: Params,
) -> Result<axum::response::Response, ApiError> {
    // `format=` filters by material format unless it names an export
    // format (`format=ris`).
    if let Some(format) = export::requested(&p, &headers)? {
        let wanted = id.clone();
        let docs = state.blocking(move |c| c.work_clusters(&wanted)).await?;
        let name = format!("unicat-work-{}", id.trim());
        return Ok(export::docs(&state, format, &name, docs));
    }
    let formats = formats(&p, "format")?;
    let language = p.text("language").map(str::to_string);
    let body = state
        .blocking(move |c| {
            let mut w = c.work(&id)?;
            w.retain(&formats, language.as_deref());
            json(&w)
        })
        .await?;
    Ok(json_response(body))
}

/// Reads a list of accepted formats (`formats=book,large-print`).
pub fn formats(p: &Params, name: &str) -> Result<FormatChoice, ApiError> {
    match p.text(name) {
        None => Ok(FormatChoice::any()),
        Some(f) => Ok(FormatChoice::parse(f)?),
    }
}

async fn lenders(
    State(state): State<AppState>,
    p: Params,
) -> Result<axum::response::Response, ApiError> {
    let requester = p
        .text("requester")
        .or_else(|| p.text("req_id"))
        .ok_or_else(|| ApiError::bad_parameter("give the requesting library as requester="))?
        .to_string();
    // An ILL system's own OpenURL for an article: rft.issn or rft.jtitle
    // name the journal, rft.volume and rft.date the issue.
    let issn = p
        .text("rft.issn")
        .or_else(|| p.text("rft.eissn"))
        .map(str::to_string);
    let jtitle = p
        .text("rft.jtitle")
        .or_else(|| p.text("rft.title"))
        .map(str::to_string);
    let mut issue = issue(&p, "year", "volume")?;
    if issue.is_empty() {
        issue = Issue::from_openurl(p.text("rft.date"), p.text("rft.volume"));
    }
    if let Some(work) = p.text("work").map(str::to_string) {
        let formats = formats(&p, "formats")?;
        let body = state
            .blocking(move |c| json(&c.work_lenders(&work, &requester, &formats)?))
            .await?;
        return Ok(json_response(body));
    }
    let id = p.text("id").map(str::to_string);
    if id.is_none() && issn.is_none() && jtitle.is_none() {
        return Err(ApiError::bad_parameter(
            "give the cluster id as id=, a work id as work=, or an OpenURL with rft.issn or rft.jtitle",
        ));
    }
    let body = state
        .blocking(move |c| {
            let id = match id {
                Some(id) => id,
                None => c.journal_cluster(issn.as_deref(), jtitle.as_deref())?.id,
            };
            json(&c.lenders_for(&id, &requester, issue)?)
        })
        .await?;
    Ok(json_response(body))
}

async fn overlap(
    State(state): State<AppState>,
    p: Params,
) -> Result<axum::response::Response, ApiError> {
    if p.text("format") == Some("csv") {
        return overlap_csv(State(state), p).await;
    }
    let level = level(&p)?;
    let r = state.blocking(move |c| c.overlap_at(level)).await?;
    Ok(
        Json(serde_json::to_value(&*r).map_err(|e| ApiError::internal(e.to_string()))?)
            .into_response(),
    )
}

/// `level=work` counts works (any edition) instead of manifestations.
fn level(p: &Params) -> Result<Group, ApiError> {
    match p.text("level") {
        None => Ok(Group::Manifestation),
        Some(l) => Group::parse(l).ok_or_else(|| {
            ApiError::bad_parameter(format!("level must be manifestation or work, not {l:?}"))
        }),
    }
}

async fn overlap_csv(
    State(state): State<AppState>,
    p: Params,
) -> Result<axum::response::Response, ApiError> {
    let level = level(&p)?;
    let r = state.blocking(move |c| c.overlap_at(level)).await?;
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

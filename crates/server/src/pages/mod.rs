//! The pages: the patron search page at `/`, a cluster's detail page with
//! its holdings table and interlibrary-loan block at `/clusters/{id}`, the
//! collection-overlap report at `/overlap`, and their stylesheet and logo
//! under `/assets/`.
//!
//! Server-rendered with askama (templates in `crates/server/templates`,
//! checked at compile time, escaped by default); no JavaScript, no fonts or
//! anything else from outside, so the pages work offline. The page takes
//! the same query parameters as `/api/search` ([`crate::api::search_request`]);
//! bad input is answered with a page that says what was wrong and a 4xx
//! status, never a 500.

mod check;
mod cluster;
mod ill;
mod labels;
mod overlap;
mod search;
mod work;

use crate::{ApiError, AppState};
use askama::Template;
use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::sync::LazyLock;

pub(crate) use check::check_post;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(search::page))
        .route("/clusters/{id}", get(cluster::page))
        .route("/works/{id}", get(work::page))
        .route("/overlap", get(overlap::page))
        .route("/check", get(check::page))
        .route("/assets/unicat.css", get(css))
        .route("/assets/unicat.svg", get(logo))
}

const CSS: &str = include_str!("../../assets/unicat.css");
const LOGO: &str = include_str!("../../assets/unicat.svg");

/// FNV-1a, to version the asset URLs (they are cached for a day).
const fn fnv(bytes: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    let mut i = 0;
    while i < bytes.len() {
        h ^= bytes[i] as u32;
        h = h.wrapping_mul(0x0100_0193);
        i += 1;
    }
    h
}

static CSS_URL: LazyLock<String> =
    LazyLock::new(|| format!("/assets/unicat.css?v={:08x}", fnv(CSS.as_bytes())));
static LOGO_URL: LazyLock<String> =
    LazyLock::new(|| format!("/assets/unicat.svg?v={:08x}", fnv(LOGO.as_bytes())));

/// How long browsers may keep the assets.
const ASSET_CACHE: &str = "public, max-age=86400";

/// The pages load nothing but their own stylesheet and logo, and run no
/// script.
const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
                   base-uri 'none'; frame-ancestors 'none'";

async fn css() -> Response {
    asset("text/css; charset=utf-8", CSS)
}

async fn logo() -> Response {
    asset("image/svg+xml", LOGO)
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, ASSET_CACHE),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        body,
    )
        .into_response()
}

/// What every page's frame (templates/base.html) shows.
pub(crate) struct Layout {
    /// The document title, before " — Unicat".
    pub title: String,
    /// Stylesheet URL.
    pub css: &'static str,
    /// Logo URL.
    pub logo: &'static str,
    /// The query to show in the header's search box; None leaves the box
    /// out (the search page has its own form).
    pub header_search: Option<String>,
}

impl Layout {
    pub(crate) fn new(title: impl Into<String>, header_search: Option<String>) -> Layout {
        Layout {
            title: title.into(),
            css: CSS_URL.as_str(),
            logo: LOGO_URL.as_str(),
            header_search,
        }
    }
}

/// A rendered page with its status and headers.
pub(crate) fn html(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(body) => {
            let mut r = (status, body).into_response();
            let h = r.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            h.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(CSP),
            );
            h.insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            r
        }
        Err(e) => {
            tracing::error!(error = %e, "a page failed to render");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                "The page could not be shown. Please try again later.",
            )
                .into_response()
        }
    }
}

/// An error page (templates/error.html).
#[derive(Template)]
#[template(path = "error.html")]
pub(crate) struct ErrorPage {
    layout: Layout,
    heading: String,
    message: String,
}

/// The page for an error that is not a search's (those are shown on the
/// search page itself): not found, unavailable, internal.
pub(crate) fn error_page(e: &ApiError) -> Response {
    let heading = match e.status {
        StatusCode::NOT_FOUND => "Not found",
        StatusCode::SERVICE_UNAVAILABLE => "The catalogue is not available right now",
        s if s.is_client_error() => "That request could not be answered",
        _ => "Something went wrong on our side",
    };
    let message = if e.status.is_server_error() && e.status != StatusCode::SERVICE_UNAVAILABLE {
        // Internal details are logged, not shown.
        "The catalogue could not answer. Please try again in a moment.".to_string()
    } else {
        sentence(&e.message)
    };
    html(
        e.status,
        &ErrorPage {
            layout: Layout::new(heading, Some(String::new())),
            heading: heading.to_string(),
            message,
        },
    )
}

/// Capitalises a message and ends it with a full stop.
pub(crate) fn sentence(message: &str) -> String {
    let m = message.trim();
    let mut out = String::with_capacity(m.len() + 1);
    let mut chars = m.chars();
    if let Some(c) = chars.next() {
        out.extend(c.to_uppercase());
        out.push_str(chars.as_str());
    }
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

/// A path segment, percent-encoded.
pub(crate) fn segment(s: &str) -> String {
    unicat_catalog::lenders::percent_encode(s)
}

/// A link in an "Export" menu.
pub(crate) struct ExportLink {
    pub href: String,
    pub label: &'static str,
}

/// The "Export" menu's links: `base` with `export=` for each format.
pub(crate) fn export_links(base: &str) -> Vec<ExportLink> {
    let sep = if base.contains('?') { '&' } else { '?' };
    unicat_catalog::export::ExportFormat::ALL
        .into_iter()
        .map(|f| ExportLink {
            href: format!("{base}{sep}export={}", f.name()),
            label: f.label(),
        })
        .collect()
}

/// A search URL for one query (`/?q=…`).
pub(crate) fn search_href(q: &str) -> String {
    let mut s = form_urlencoded::Serializer::for_suffix(String::from("/?"), 2);
    s.append_pair("q", q);
    s.finish()
}

/// A fielded phrase query (`subject:"Programming languages"`), quotes in
/// the value dropped.
pub(crate) fn phrase(field: &str, value: &str) -> String {
    let v: String = value.chars().filter(|&c| c != '"').collect();
    format!("{field}:\"{}\"", v.trim())
}

/// Only http and https links are shown as links.
pub(crate) fn safe_url(url: Option<&str>) -> Option<String> {
    let u = url?.trim();
    let lower = u.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")).then(|| u.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert_eq!(sentence("no cluster 'x'"), "No cluster 'x'.");
        assert_eq!(sentence("Done."), "Done.");
        assert_eq!(segment("ab c/d"), "ab%20c%2Fd");
        assert_eq!(
            search_href("subject:\"C (Computer)\""),
            "/?q=subject%3A%22C+%28Computer%29%22"
        );
        assert_eq!(phrase("author", "A \"B\" C"), "author:\"A B C\"");
        assert_eq!(safe_url(Some("javascript:alert(1)")), None);
        assert_eq!(
            safe_url(Some("https://x.example/r/1")).as_deref(),
            Some("https://x.example/r/1")
        );
    }
}

//! SRU 1.2 and 2.0 at `/sru`: explain and searchRetrieve with CQL, so that
//! library software (and `yaz-client`) can search the union catalog and ask
//! "who holds this?" (`bath.possessingInstitution`, and the holdings in
//! every MARCXML record's 852 fields).
//!
//! # Requests
//!
//! `GET /sru?…`, or `POST /sru` with an `application/x-www-form-urlencoded`
//! body (the query string's parameters count too; the body's come first).
//! Unknown parameters are ignored, as SRU asks.
//!
//! | parameter | |
//! |---|---|
//! | `version` | `1.1`, `1.2` or `2.0`; other values get diagnostic 5 |
//! | `operation` | `explain`, `searchRetrieve`; `scan` and anything else get 4 |
//! | `query` | CQL (at most 2,000 characters: 12; syntax errors: 10) |
//! | `queryType` | 2.0: `cql` only (11 otherwise) |
//! | `startRecord` | 1-based, default 1 (0 or not a number: 6; past the results, or past the 10,000th: 61) |
//! | `maximumRecords` | default 10, at most 100 (larger asks are served 100); 0 gives just the count |
//! | `recordSchema` | `marcxml` (default; also `info:srw/schema/1/marcxml-v1.1`, `MARC21-xml`) or `dc` (`info:srw/schema/1/dc-v1.1`); other: 66 |
//! | `recordPacking` (1.x), `recordXMLEscaping` (2.0) | `xml` (default) or `string`; other: 71 |
//! | `sortKeys` | 1.1-style `path,schema,ascending,caseSensitive,missingValue`; CQL `sortby` in the query wins |
//! | `recordXPath` | diagnostic 72 |
//! | `stylesheet` | echoed as an `xml-stylesheet` processing instruction |
//!
//! Versions: `version` absent and `operation` absent follows SRU 2.0 (a
//! `query` means searchRetrieve, none means explain, answered as 2.0);
//! `version` absent with an `operation` is an SRU 1.x request missing its
//! mandatory version: diagnostic 7 (`version`), answered as 1.2. A 1.x
//! request without `operation` gets diagnostic 7 (`operation`). A 2.0
//! request may still name its `operation` (yaz-client does).
//!
//! # Responses
//!
//! Always HTTP 200 with `application/xml; charset=utf-8` (yaz-client
//! accepts it), well-formed XML in `http://www.loc.gov/zing/srw/` (1.x,
//! diagnostics in `http://www.loc.gov/zing/srw/diagnostic/`) or
//! `http://docs.oasis-open.org/ns/search-ws/sruResponse` (2.0, diagnostics
//! in `http://docs.oasis-open.org/ns/search-ws/diagnostic`); the only other
//! status is 415 for a POST body that is not a form. `numberOfRecords`
//! is always given (0 with a fatal diagnostic); `nextRecordPosition` when
//! more records follow.
//!
//! The CQL mapping is in [`cql`], the records (and the 852 mapping) in
//! [`records`], the explain record in [`explain`].

mod cql;
mod explain;
pub(crate) mod records;
pub(crate) mod xml;

use crate::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use records::Schema;
use unicat_catalog::{Catalog, ErrorCode, MAX_DEPTH, MAX_PER_PAGE};
use unicat_index::{Query, Sort};
use xml::{Diagnostic, Version, Xml};

/// Records per response when `maximumRecords` is absent.
pub const DEFAULT_RECORDS: usize = 10;
/// Most records per response.
pub const MAX_RECORDS: usize = MAX_PER_PAGE;

/// The response content type.
pub const CONTENT_TYPE: &str = "application/xml; charset=utf-8";

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/sru", get(sru_get).post(sru_post))
}

/// The request's parameters in order (first occurrence wins); names are
/// case-sensitive, values decoded leniently (invalid UTF-8 replaced).
#[derive(Debug, Default)]
struct Params(Vec<(String, String)>);

impl Params {
    fn parse(bytes: &[u8]) -> Params {
        Params(
            form_urlencoded::parse(bytes)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// The first value, trimmed; None when absent.
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
    }

    /// The first non-empty value.
    fn text(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.is_empty())
    }
}

async fn sru_get(State(state): State<AppState>, headers: HeaderMap, uri: Uri) -> Response {
    let params = Params::parse(uri.query().unwrap_or("").as_bytes());
    answer(state, &headers, uri.path(), params).await
}

async fn sru_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    let mut params = Params::parse(uri.query().unwrap_or("").as_bytes());
    let ctype = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mime = ctype.split(';').next().unwrap_or("").trim();
    let is_form = mime.eq_ignore_ascii_case("application/x-www-form-urlencoded")
        || (mime.is_empty() && !body.is_empty() && !body.starts_with(b"<"));
    if !is_form && !body.is_empty() {
        let version = match params.get("version") {
            Some("2.0") => Version::V2_0,
            _ => Version::V1_2,
        };
        let d = Diagnostic::new(6, "Content-Type").with_message(format!(
            "POST bodies must be application/x-www-form-urlencoded (SOAP is not supported), not '{ctype}'"
        ));
        let mut r = xml_response(protocol_error(version, "explainResponse", &[d], None));
        *r.status_mut() = StatusCode::UNSUPPORTED_MEDIA_TYPE;
        return r;
    }
    let mut all = Params::parse(&body);
    all.0.append(&mut params.0);
    answer(state, &headers, uri.path(), all).await
}

fn xml_response(body: String) -> Response {
    ([(header::CONTENT_TYPE, CONTENT_TYPE)], body).into_response()
}

/// What a request asks for.
enum Operation {
    Explain,
    SearchRetrieve,
}

async fn answer(state: AppState, headers: &HeaderMap, path: &str, p: Params) -> Response {
    let stylesheet = p.text("stylesheet").map(str::to_string);
    let ss = stylesheet.as_deref();
    let operation = p.get("operation");
    let version = match (p.get("version"), operation) {
        (None, None) => Version::V2_0,
        (None, Some(_)) => {
            let d = Diagnostic::new(7, "version").with_message(
                "Mandatory parameter not supplied: version (1.1, 1.2 or 2.0; SRU 2.0 requests send no operation)",
            );
            return xml_response(protocol_error(Version::V1_2, "explainResponse", &[d], ss));
        }
        (Some("1.1"), _) => Version::V1_1,
        (Some("1.2"), _) => Version::V1_2,
        (Some("2.0"), _) => Version::V2_0,
        (Some(v), _) => {
            let answer_in = if v.starts_with("1.") {
                Version::V1_2
            } else {
                Version::V2_0
            };
            let d = Diagnostic::new(5, "2.0").with_message(format!(
                "Unsupported version '{v}': this server speaks SRU 1.1, 1.2 and 2.0"
            ));
            return xml_response(protocol_error(answer_in, "explainResponse", &[d], ss));
        }
    };
    let op = match operation {
        Some("searchRetrieve") => Operation::SearchRetrieve,
        Some("explain") => Operation::Explain,
        Some(other) => {
            let element = if other == "scan" {
                "scanResponse"
            } else {
                "explainResponse"
            };
            let d = Diagnostic::new(4, other).with_message(format!(
                "Unsupported operation '{other}' (explain and searchRetrieve are supported)"
            ));
            return xml_response(protocol_error(version, element, &[d], ss));
        }
        None if version.is_v2() => {
            if p.get("query").is_some() {
                Operation::SearchRetrieve
            } else {
                Operation::Explain
            }
        }
        None => {
            let d = Diagnostic::new(7, "operation").with_message(
                "Mandatory parameter not supplied: operation (explain or searchRetrieve)",
            );
            return xml_response(protocol_error(version, "explainResponse", &[d], ss));
        }
    };
    match op {
        Operation::Explain => {
            let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
            let addr = explain::ServerAddress::from_host_header(host, path);
            xml_response(explain_response(&state, version, &addr, &p, ss).await)
        }
        Operation::SearchRetrieve => xml_response(search_retrieve(&state, version, &p, ss).await),
    }
}

/// A response element carrying only the version and diagnostics.
fn protocol_error(
    version: Version,
    element: &str,
    diagnostics: &[Diagnostic],
    stylesheet: Option<&str>,
) -> String {
    let mut x = Xml::document("zs", stylesheet);
    x.out.push_str(&format!(
        "<zs:{element} xmlns:zs=\"{}\">",
        version.namespace()
    ));
    x.text("version", version.as_str());
    if element == "searchRetrieveResponse" {
        x.text("numberOfRecords", "0");
    }
    x.diagnostics(version, diagnostics);
    x.close(element);
    x.out
}

/// How records are written into `recordData`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Packing {
    Xml,
    String,
}

impl Packing {
    fn as_str(self) -> &'static str {
        match self {
            Packing::Xml => "xml",
            Packing::String => "string",
        }
    }

    /// `recordPacking` (1.x) or `recordXMLEscaping` (2.0, where
    /// `recordPacking` means packed/unpacked).
    fn from_params(version: Version, p: &Params) -> Result<Packing, Diagnostic> {
        let read = |name: &str, v: &str| match v.to_ascii_lowercase().as_str() {
            "xml" => Ok(Packing::Xml),
            "string" => Ok(Packing::String),
            _ => Err(Diagnostic::new(71, v).with_message(format!(
                "Unsupported record packing: {name}={v} (xml or string)"
            ))),
        };
        if version.is_v2() {
            if let Some(v) = p.text("recordXMLEscaping") {
                return read("recordXMLEscaping", v);
            }
            match p.text("recordPacking") {
                None => Ok(Packing::Xml),
                Some(v)
                    if v.eq_ignore_ascii_case("packed") || v.eq_ignore_ascii_case("unpacked") =>
                {
                    Ok(Packing::Xml)
                }
                Some(v) => read("recordPacking", v),
            }
        } else {
            match p.text("recordPacking") {
                None => Ok(Packing::Xml),
                Some(v) => read("recordPacking", v),
            }
        }
    }
}

/// Writes one `<record>`.
fn write_record(
    x: &mut Xml,
    version: Version,
    schema: &str,
    packing: Packing,
    data: &str,
    position: Option<u64>,
) {
    x.open("record", &[]);
    x.text("recordSchema", schema);
    x.text(
        if version.is_v2() {
            "recordXMLEscaping"
        } else {
            "recordPacking"
        },
        packing.as_str(),
    );
    x.open("recordData", &[]);
    match packing {
        Packing::Xml => x.out.push_str(data),
        Packing::String => xml::escape_into(data, &mut x.out),
    }
    x.close("recordData");
    if let Some(n) = position {
        x.text("recordPosition", &n.to_string());
    }
    x.close("record");
}

async fn explain_response(
    state: &AppState,
    version: Version,
    addr: &explain::ServerAddress,
    p: &Params,
    stylesheet: Option<&str>,
) -> String {
    let packing = match Packing::from_params(version, p) {
        Ok(packing) => packing,
        Err(d) => return protocol_error(version, "explainResponse", &[d], stylesheet),
    };
    let clusters = state.blocking(|c| Ok(c.cluster_count())).await.unwrap_or(0);
    let record = explain::record(version, addr, &state.catalog.network, clusters);
    let mut x = Xml::document("zs", stylesheet);
    x.out.push_str(&format!(
        "<zs:explainResponse xmlns:zs=\"{}\">",
        version.namespace()
    ));
    x.text("version", version.as_str());
    write_record(
        &mut x,
        version,
        explain::ZEEREX_NS,
        packing,
        &record,
        Some(1),
    );
    x.close("explainResponse");
    x.out
}

/// A searchRetrieve's parameters, checked.
struct Search {
    query: String,
    start: u64,
    maximum: usize,
    schema: Schema,
    packing: Packing,
    sort_param: Option<Sort>,
}

/// Reads a count: digits only (surrounding blanks allowed); a count too
/// large for 64 bits saturates.
fn count(p: &Params, name: &str, default: u64) -> Result<u64, Diagnostic> {
    let Some(v) = p.get(name) else {
        return Ok(default);
    };
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        let shown: String = v.chars().take(40).collect();
        return Err(Diagnostic::new(6, name).with_message(format!(
            "Unsupported parameter value: {name} must be a whole number, not '{shown}'"
        )));
    }
    Ok(v.parse::<u64>().unwrap_or(u64::MAX))
}

fn read_search(version: Version, p: &Params) -> Result<Search, Diagnostic> {
    let Some(query) =
        p.0.iter()
            .find(|(k, _)| k == "query")
            .map(|(_, v)| v.clone())
    else {
        return Err(Diagnostic::new(7, "query")
            .with_message("Mandatory parameter not supplied: query (CQL)"));
    };
    match p.text("queryType") {
        Some(t) if !t.eq_ignore_ascii_case("cql") => {
            return Err(Diagnostic::new(11, t)
                .with_message(format!("Unsupported query type '{t}' (only cql)")));
        }
        _ => {}
    }
    if p.text("recordXPath").is_some() {
        return Err(Diagnostic::new(72, "recordXPath"));
    }
    let schema = Schema::parse(p.text("recordSchema"))?;
    let packing = Packing::from_params(version, p)?;
    let start = count(p, "startRecord", 1)?;
    if start == 0 {
        return Err(Diagnostic::new(6, "startRecord")
            .with_message("Unsupported parameter value: startRecord starts at 1"));
    }
    let maximum =
        count(p, "maximumRecords", DEFAULT_RECORDS as u64)?.min(MAX_RECORDS as u64) as usize;
    let sort_param = match p.text("sortKeys") {
        Some(k) => Some(cql::sort_from_param(k)?),
        None => None,
    };
    Ok(Search {
        query,
        start,
        maximum,
        schema,
        packing,
        sort_param,
    })
}

/// What a search found.
struct Found {
    total: u64,
    records: Vec<String>,
    diagnostics: Vec<Diagnostic>,
}

fn catalog_diagnostic(e: &unicat_catalog::CatalogError) -> Diagnostic {
    match e.code {
        ErrorCode::Unavailable => Diagnostic::bare(2).with_message(e.message.clone()),
        ErrorCode::PageTooDeep => {
            Diagnostic::new(61, "startRecord").with_message(e.message.clone())
        }
        _ => {
            tracing::error!(error = %e.message, "SRU search failed");
            Diagnostic::bare(1).with_message("General system error: the search could not be run")
        }
    }
}

/// Runs the search and writes the page's records (blocking).
fn run(catalog: &Catalog, query: &Query, sort: Sort, s: &Search) -> Found {
    let offset = usize::try_from(s.start - 1).unwrap_or(usize::MAX);
    let out_of_range = |total: u64| {
        Diagnostic::new(61, s.start.to_string()).with_message(format!(
            "First record position out of range: startRecord {} is past the {total} records found",
            s.start
        ))
    };
    // Count only: no records asked for, or none that could be served.
    if s.maximum == 0 || offset >= MAX_DEPTH {
        let total = match catalog.run(query, 0, 0, 1, sort) {
            Ok(r) => r.total,
            Err(e) => {
                return Found {
                    total: 0,
                    records: Vec::new(),
                    diagnostics: vec![catalog_diagnostic(&e)],
                };
            }
        };
        let mut diagnostics = Vec::new();
        if s.maximum > 0 {
            diagnostics.push(if (offset as u64) < total {
                Diagnostic::new(61, s.start.to_string()).with_message(format!(
                    "First record position out of range: records beyond the first {MAX_DEPTH} are not served; narrow the search"
                ))
            } else {
                out_of_range(total)
            });
        }
        return Found {
            total,
            records: Vec::new(),
            diagnostics,
        };
    }
    let per_page = s.maximum.min(MAX_DEPTH - offset);
    let response = match catalog.run(query, offset, per_page, offset / per_page + 1, sort) {
        Ok(r) => r,
        Err(e) => {
            return Found {
                total: 0,
                records: Vec::new(),
                diagnostics: vec![catalog_diagnostic(&e)],
            };
        }
    };
    let mut diagnostics = Vec::new();
    if response.results.is_empty() && s.start > 1 {
        diagnostics.push(out_of_range(response.total));
    }
    let snapshot = if response.results.is_empty() || s.schema == Schema::Dc {
        None
    } else {
        catalog.store().ok().and_then(|s| {
            s.snapshot()
                .map_err(|e| tracing::warn!(error = %e, "SRU: record store unreadable"))
                .ok()
        })
    };
    let records = response
        .results
        .iter()
        .map(|doc| records::write(s.schema, doc, snapshot.as_ref()))
        .collect();
    Found {
        total: response.total,
        records,
        diagnostics,
    }
}

async fn search_retrieve(
    state: &AppState,
    version: Version,
    p: &Params,
    stylesheet: Option<&str>,
) -> String {
    let fatal = |d: Diagnostic| protocol_error(version, "searchRetrieveResponse", &[d], stylesheet);
    let search = match read_search(version, p) {
        Ok(s) => s,
        Err(d) => return fatal(d),
    };
    let plan = match cql::plan(&search.query, &state.catalog.network) {
        Ok(plan) => plan,
        Err(d) => return fatal(d),
    };
    // A `sortby` in the query wins over the sortKeys parameter.
    let sort = match (plan.sort, search.sort_param) {
        (Sort::Relevance, Some(s)) => s,
        (s, _) => s,
    };
    let query = plan.query;
    let start = search.start;
    let schema_uri = search.schema.uri();
    let packing = search.packing;
    let found = state
        .blocking(move |c| Ok(run(c, &query, sort, &search)))
        .await
        .unwrap_or_else(|e| Found {
            total: 0,
            records: Vec::new(),
            diagnostics: vec![Diagnostic::bare(1).with_message(e.message)],
        });

    let mut x = Xml::document("zs", stylesheet);
    x.out.push_str(&format!(
        "<zs:searchRetrieveResponse xmlns:zs=\"{}\">",
        version.namespace()
    ));
    x.text("version", version.as_str());
    x.text("numberOfRecords", &found.total.to_string());
    if !found.records.is_empty() {
        x.open("records", &[]);
        for (i, r) in found.records.iter().enumerate() {
            write_record(
                &mut x,
                version,
                schema_uri,
                packing,
                r,
                Some(start + i as u64),
            );
        }
        x.close("records");
    }
    let returned = found.records.len() as u64;
    let next = start.saturating_add(returned);
    if found.diagnostics.is_empty() && next <= found.total && next <= MAX_DEPTH as u64 {
        x.text("nextRecordPosition", &next.to_string());
    }
    x.diagnostics(version, &found.diagnostics);
    x.close("searchRetrieveResponse");
    x.out
}

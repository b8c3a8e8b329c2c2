//! The list-checking page, `/check`: paste identifiers or upload a file,
//! see who holds each, download the answer as CSV.

use super::{Layout, html, segment};
use crate::AppState;
use crate::check::{MAX_CHECK_BODY, options, read_form};
use askama::Template;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use unicat_catalog::check::{CheckLine, CheckStop, CheckSummary, LineStatus};

/// The most lines shown on the page (the CSV has them all).
const SHOWN: usize = 2_000;

/// One row of the answer table.
pub(crate) struct Row {
    line: u64,
    input: String,
    kind: String,
    status: &'static str,
    status_class: &'static str,
    title: Option<(String, String)>,
    holders: usize,
    last_copy: bool,
    libraries: String,
    work_libraries: usize,
    message: Option<String>,
}

/// What was asked and found.
pub(crate) struct Answer {
    summary: CheckSummary,
    rows: Vec<Row>,
    more: u64,
}

#[derive(Template)]
#[template(path = "check.html")]
pub(crate) struct CheckPage {
    layout: Layout,
    list: String,
    column: String,
    error: Option<String>,
    answer: Option<Answer>,
}

fn row(l: &CheckLine) -> Row {
    let (status, status_class) = match l.status {
        LineStatus::Held if l.last_copy => ("Held (last copy)", "last"),
        LineStatus::Held => ("Held", "held"),
        LineStatus::NotHeld => ("Not held", "not-held"),
        LineStatus::Invalid => ("Not an identifier", "invalid"),
    };
    Row {
        line: l.line,
        input: l.input.clone(),
        kind: l.kind.map(str::to_uppercase).unwrap_or_default(),
        status,
        status_class,
        title: l
            .title
            .clone()
            .zip(l.clusters.first())
            .map(|(t, id)| (t, format!("/clusters/{}", segment(id)))),
        holders: l.holding_libraries,
        last_copy: l.last_copy,
        libraries: l.libraries.join(", "),
        work_libraries: l.work_libraries,
        message: l.message.clone(),
    }
}

/// `GET /check`: the form.
pub(super) async fn page() -> Response {
    html(
        StatusCode::OK,
        &CheckPage {
            layout: Layout::new("Check a list", Some(String::new())),
            list: String::new(),
            column: String::new(),
            error: None,
            answer: None,
        },
    )
}

/// `POST /check`: the answer table.
pub(crate) async fn check_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let form = match axum::body::to_bytes(body, MAX_CHECK_BODY).await {
        Err(e) => Err(format!("the list could not be read: {e}")),
        Ok(bytes) => match read_form(&content_type, &bytes) {
            Ok(Some(f)) => Ok(f),
            Ok(None) => Err("send the list with the form on this page".to_string()),
            Err(e) => Err(e.message),
        },
    };
    let mut form = match form {
        Ok(f) => f,
        Err(e) => {
            return shown(
                StatusCode::BAD_REQUEST,
                String::new(),
                String::new(),
                Some(e),
                None,
            );
        }
    };
    let list = String::from_utf8_lossy(&std::mem::take(&mut form.list)).into_owned();
    let column = form.column.clone().unwrap_or_default();
    let opts = match options(form.column.as_deref(), form.kind.as_deref()) {
        Ok(o) => o,
        Err(e) => return shown(StatusCode::BAD_REQUEST, list, column, Some(e.message), None),
    };
    if list.trim().is_empty() {
        return shown(
            StatusCode::BAD_REQUEST,
            list,
            column,
            Some("paste some ISBNs, ISSNs, OCLC numbers or LCCNs, or choose a file".into()),
            None,
        );
    }
    let text = list.clone();
    let result = state
        .blocking(move |c| {
            let mut rows = Vec::new();
            let mut more = 0;
            let summary = c
                .check_list(text.as_bytes(), &opts, |l, _| {
                    if rows.len() < SHOWN {
                        rows.push(row(l));
                    } else {
                        more += 1;
                    }
                    Ok::<(), std::convert::Infallible>(())
                })
                .map_err(|e| match e {
                    CheckStop::Catalog(e) => e,
                    CheckStop::Caller(never) => match never {},
                })?;
            Ok(Answer {
                summary,
                rows,
                more,
            })
        })
        .await;
    match result {
        Ok(answer) => shown(StatusCode::OK, list, column, None, Some(answer)),
        Err(e) => shown(
            e.status,
            list,
            column,
            Some(super::sentence(&e.message)),
            None,
        ),
    }
}

fn shown(
    status: StatusCode,
    list: String,
    column: String,
    error: Option<String>,
    answer: Option<Answer>,
) -> Response {
    html(
        status,
        &CheckPage {
            layout: Layout::new("Check a list", Some(String::new())),
            list,
            column,
            error,
            answer,
        },
    )
}

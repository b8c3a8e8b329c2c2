//! List checking over HTTP: `POST /api/check` (the list as the body:
//! identifiers one per line, or CSV with `?column=`; or a form with a
//! `list` field or a `file` upload), answered as JSON or CSV while the
//! list is read, in constant memory.
//!
//! A plain body (`text/plain`, `text/csv`, anything but a form) is read as
//! it arrives: a bounded channel carries its chunks to the blocking
//! thread that checks it, and the answers go back down another; neither
//! the list nor the answers are ever held whole. Forms (the `/check` page,
//! its "Download CSV" button) are read whole first (within
//! [`MAX_CHECK_BODY`]).

use crate::params::Params;
use crate::{ApiError, AppState};
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::Response;
use futures::StreamExt;
use std::io::{self, BufRead, Read};
use unicat_catalog::IdentifierKind;
use unicat_catalog::check::{CheckFormat, CheckOptions, CheckStop, CheckWriter};

/// The largest list body accepted: 100,000 lines of CSV with a few
/// columns.
pub const MAX_CHECK_BODY: usize = 32 * 1024 * 1024;

/// The answer's format: `format=csv|json`, else `Accept: text/csv`, else JSON.
pub(crate) fn answer_format(p: &Params, headers: &HeaderMap) -> Result<CheckFormat, ApiError> {
    match p.text("format").map(str::to_ascii_lowercase).as_deref() {
        Some("csv") => return Ok(CheckFormat::Csv),
        Some("json") => return Ok(CheckFormat::Json),
        Some(other) => {
            return Err(ApiError::bad_parameter(format!(
                "format must be json or csv, not {other:?}"
            )));
        }
        None => {}
    }
    let csv = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/csv"));
    Ok(if csv {
        CheckFormat::Csv
    } else {
        CheckFormat::Json
    })
}

/// The list's reading options from parameters (`column`, `type`).
pub(crate) fn options(column: Option<&str>, kind: Option<&str>) -> Result<CheckOptions, ApiError> {
    Ok(CheckOptions {
        column: column
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string),
        kind: match kind.map(str::trim).filter(|k| !k.is_empty()) {
            None => None,
            Some(k) => Some(IdentifierKind::parse(k).ok_or_else(|| {
                ApiError::bad_parameter(format!("type must be isbn, issn, oclc or lccn, not {k:?}"))
            })?),
        },
    })
}

/// A list given in a form: its text, and the form's `column` and `type`.
#[derive(Default)]
pub(crate) struct FormList {
    pub list: Vec<u8>,
    pub column: Option<String>,
    pub kind: Option<String>,
}

/// Reads a form body: `application/x-www-form-urlencoded` (`list=…`) or
/// `multipart/form-data` (a `file` upload, else a `list` field). None when
/// the body is not a form.
pub(crate) fn read_form(content_type: &str, body: &[u8]) -> Result<Option<FormList>, ApiError> {
    let ct = content_type.to_ascii_lowercase();
    if ct.starts_with("application/x-www-form-urlencoded") {
        let mut f = FormList::default();
        for (k, v) in form_urlencoded::parse(body) {
            match &*k {
                "list" => f.list = v.into_owned().into_bytes(),
                "column" => f.column = Some(v.into_owned()),
                "type" => f.kind = Some(v.into_owned()),
                _ => {}
            }
        }
        return Ok(Some(f));
    }
    if ct.starts_with("multipart/form-data") {
        let boundary = content_type
            .split(';')
            .filter_map(|p| p.trim().strip_prefix("boundary="))
            .next()
            .map(|b| b.trim_matches('"').to_string())
            .ok_or_else(|| ApiError::bad_parameter("a multipart form without a boundary"))?;
        let mut f = FormList::default();
        let mut file = None;
        for (name, value) in multipart_parts(body, &boundary) {
            match name.as_str() {
                "file" if !value.is_empty() => file = Some(value.to_vec()),
                "list" => f.list = value.to_vec(),
                "column" => f.column = Some(String::from_utf8_lossy(value).into_owned()),
                "type" => f.kind = Some(String::from_utf8_lossy(value).into_owned()),
                _ => {}
            }
        }
        if let Some(file) = file {
            f.list = file;
        }
        return Ok(Some(f));
    }
    Ok(None)
}

/// The parts of a multipart body: (field name, content).
fn multipart_parts<'a>(body: &'a [u8], boundary: &str) -> Vec<(String, &'a [u8])> {
    let delimiter = format!("--{boundary}");
    let d = delimiter.as_bytes();
    let mut parts = Vec::new();
    let mut starts = Vec::new();
    let mut i = 0;
    while let Some(at) = find(&body[i..], d) {
        starts.push(i + at);
        i += at + d.len();
    }
    for w in starts.windows(2) {
        let part = &body[w[0] + d.len()..w[1]];
        let part = part.strip_prefix(b"\r\n").unwrap_or(part);
        let part = part.strip_suffix(b"\r\n").unwrap_or(part);
        let Some(split) = find(part, b"\r\n\r\n") else {
            continue;
        };
        let headers = String::from_utf8_lossy(&part[..split]);
        let content = &part[split + 4..];
        let name = headers
            .lines()
            .filter(|l| l.to_ascii_lowercase().starts_with("content-disposition"))
            .flat_map(|l| l.split(';'))
            .filter_map(|p| p.trim().strip_prefix("name="))
            .map(|n| n.trim_matches('"').to_string())
            .next();
        if let Some(name) = name {
            parts.push((name, content));
        }
    }
    parts
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// A request body read on a blocking thread as it arrives.
struct BodyReader {
    rx: tokio::sync::mpsc::Receiver<Result<Bytes, String>>,
    current: Bytes,
}

impl Read for BodyReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.current.is_empty() {
            match self.rx.blocking_recv() {
                None => return Ok(0),
                Some(Ok(b)) => self.current = b,
                Some(Err(e)) => return Err(io::Error::other(e)),
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current[..n]);
        self.current = self.current.slice(n..);
        Ok(n)
    }
}

/// Forwards a body's chunks to a [`BodyReader`].
fn body_reader(body: Body) -> BodyReader {
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    tokio::spawn(async move {
        let mut stream = body.into_data_stream();
        while let Some(chunk) = stream.next().await {
            let failed = chunk.is_err();
            if tx.send(chunk.map_err(|e| e.to_string())).await.is_err() || failed {
                break;
            }
        }
    });
    BodyReader {
        rx,
        current: Bytes::new(),
    }
}

/// Answers a list read from `input`, streamed.
pub(crate) fn answer(
    state: &AppState,
    format: CheckFormat,
    options: CheckOptions,
    input: Box<dyn BufRead + Send>,
) -> Response {
    let (content_type, filename) = match format {
        CheckFormat::Csv => ("text/csv; charset=utf-8", Some("unicat-check.csv".into())),
        CheckFormat::Json => ("application/json", None),
    };
    crate::export::streamed(state, content_type, filename, move |c, out| {
        let io = |e: io::Error| ApiError::internal(format!("list check: {e}"));
        let mut w = CheckWriter::new(format, out).map_err(io)?;
        match c.check_list(input, &options, |line, _| w.line(line)) {
            Ok(summary) => w.finish(&summary).map(|_| ()).map_err(io),
            Err(CheckStop::Caller(e)) => Err(io(e)),
            Err(CheckStop::Catalog(e)) => w.fail(&e).map(|_| ()).map_err(io),
        }
    })
}

/// `POST /api/check`.
pub(crate) async fn api(
    State(state): State<AppState>,
    headers: HeaderMap,
    p: Params,
    body: Body,
) -> Result<Response, ApiError> {
    let format = answer_format(&p, &headers)?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let is_form = {
        let ct = content_type.to_ascii_lowercase();
        ct.starts_with("application/x-www-form-urlencoded") || ct.starts_with("multipart/form-data")
    };
    if is_form {
        let bytes = axum::body::to_bytes(body, MAX_CHECK_BODY)
            .await
            .map_err(|e| ApiError::bad_parameter(format!("the list cannot be read: {e}")))?;
        let form = read_form(content_type, &bytes)?.unwrap_or_default();
        let options = options(
            p.text("column").or(form.column.as_deref()),
            p.text("type").or(form.kind.as_deref()),
        )?;
        return Ok(answer(
            &state,
            format,
            options,
            Box::new(io::Cursor::new(form.list)),
        ));
    }
    let options = options(p.text("column"), p.text("type"))?;
    let reader = io::BufReader::with_capacity(64 * 1024, body_reader(body));
    Ok(answer(&state, format, options, Box::new(reader)))
}

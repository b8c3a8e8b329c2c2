//! Records out over HTTP: `/api/search?…&format=ris`, `/api/clusters/{id}?format=…`
//! (or `Accept`), `/api/works/{id}?format=…`, in the formats of
//! [`unicat_catalog::export`].
//!
//! An export is written on the blocking pool into a bounded channel and
//! sent as the client reads it (64 KiB chunks): a 10,000-result export
//! holds a chunk and one cluster in memory, and stops when the client
//! goes away. What can be wrong with a request (a bad query, an unknown
//! cluster) is checked before the first byte, so it is answered as a JSON
//! error; a failure after it ends the body early (the client sees a
//! truncated transfer, never a file that looks complete).

use crate::params::Params;
use crate::{ApiError, AppState};
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use std::io::{self, Write};
use unicat_catalog::export::{ExportFormat, Exporter};
use unicat_catalog::{Catalog, ClusterDoc};

/// Chunks the body is sent in.
const CHUNK: usize = 64 * 1024;
/// Chunks written ahead of the client.
const AHEAD: usize = 4;

/// The export format a request asks for: `export=` (or `format=` when it
/// names an export format rather than a material format) or, failing
/// those, the `Accept` header. `Ok(None)` is the JSON answer.
pub(crate) fn requested(p: &Params, headers: &HeaderMap) -> Result<Option<ExportFormat>, ApiError> {
    if let Some(name) = p.text("export") {
        return ExportFormat::parse(name)
            .map(Some)
            .ok_or_else(|| unknown(name));
    }
    if let Some(f) = p.text("format").and_then(ExportFormat::parse) {
        return Ok(Some(f));
    }
    Ok(headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .and_then(ExportFormat::from_media_type))
}

/// The export format a record route asks for (`/api/clusters/{id}`): as
/// [`requested`], but any `format=` must be an export format or `json`.
pub(crate) fn requested_strict(
    p: &Params,
    headers: &HeaderMap,
) -> Result<Option<ExportFormat>, ApiError> {
    match p.text("format") {
        Some("json") => Ok(None),
        Some(name) if ExportFormat::parse(name).is_none() => Err(unknown(name)),
        _ => requested(p, headers),
    }
}

fn unknown(name: &str) -> ApiError {
    let names: Vec<&str> = ExportFormat::ALL.iter().map(|f| f.name()).collect();
    ApiError::bad_parameter(format!(
        "unknown export format {name:?} (one of {})",
        names.join(", ")
    ))
}

/// A `Write` that sends full chunks down the channel; a closed channel
/// (the client left) is a broken pipe, which ends the export.
struct ChunkWriter {
    tx: tokio::sync::mpsc::Sender<Result<Bytes, io::Error>>,
    buf: Vec<u8>,
}

impl ChunkWriter {
    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client went away"))
    }
}

impl Write for ChunkWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

/// A streamed body written by `job` on the blocking pool.
pub(crate) fn streamed(
    state: &AppState,
    content_type: &'static str,
    filename: Option<String>,
    job: impl FnOnce(&Catalog, &mut dyn Write) -> Result<(), ApiError> + Send + 'static,
) -> Response {
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, io::Error>>(AHEAD);
    let catalog = state.catalog.clone();
    tokio::task::spawn_blocking(move || {
        let mut w = ChunkWriter {
            tx: tx.clone(),
            buf: Vec::with_capacity(CHUNK),
        };
        let result = job(&catalog, &mut w).and_then(|()| {
            w.flush()
                .map_err(|e| ApiError::internal(format!("export: {e}")))
        });
        if let Err(e) = result {
            if e.message.contains("client went away") {
                return;
            }
            tracing::warn!(error = %e.message, "export ended early");
            let _ = tx.blocking_send(Err(io::Error::other(e.message)));
        }
    });
    let stream = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    let mut r = Body::from_stream(stream).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Some(name) = filename
        && let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
    {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

/// Writes clusters in a format (the exporter's errors as API errors).
pub(crate) fn write_all(
    catalog: &Catalog,
    format: ExportFormat,
    out: &mut dyn Write,
    each: impl FnOnce(&mut dyn FnMut(ClusterDoc) -> Result<(), ApiError>) -> Result<(), ApiError>,
) -> Result<(), ApiError> {
    let io = |e: io::Error| ApiError::internal(format!("export: {e}"));
    let mut exporter = Exporter::new(format, catalog.export_snapshot(format)?, out).map_err(io)?;
    each(&mut |doc| exporter.write(&doc).map_err(io))?;
    exporter.finish().map_err(io)?;
    Ok(())
}

/// Exports clusters known before the first byte (one cluster, a work).
pub(crate) fn docs(
    state: &AppState,
    format: ExportFormat,
    name: &str,
    docs: Vec<ClusterDoc>,
) -> Response {
    if let Err(e) = state.catalog.export_available(format) {
        return ApiError::from(e).into_response();
    }
    let name: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .collect();
    streamed(
        state,
        format.content_type(),
        Some(format!("{name}.{}", format.extension())),
        move |c, out| {
            write_all(c, format, out, |f| {
                for d in docs {
                    f(d)?;
                }
                Ok(())
            })
        },
    )
}

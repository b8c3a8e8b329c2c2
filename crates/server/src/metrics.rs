//! `/healthz` and `/metrics` (Prometheus text format): requests by route
//! and status, a latency histogram per route, the index's size, and each
//! library's last harvest.

use crate::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Instant;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

/// Counters and histograms, shared by every request.
#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Histogram>>,
}

impl Metrics {
    /// Records one request.
    pub fn record(&self, route: &str, status: u16, seconds: f64) {
        if let Ok(mut r) = self.requests.lock() {
            *r.entry((route.to_string(), status)).or_default() += 1;
        }
        if let Ok(mut l) = self.latency.lock() {
            let h = l.entry(route.to_string()).or_default();
            for (i, b) in BUCKETS.iter().enumerate() {
                if seconds <= *b {
                    h.counts[i] += 1;
                }
            }
            h.sum += seconds;
            h.count += 1;
        }
    }

    fn render(&self, out: &mut String) {
        let _ = writeln!(
            out,
            "# HELP unicat_requests_total HTTP requests by route and status."
        );
        let _ = writeln!(out, "# TYPE unicat_requests_total counter");
        if let Ok(r) = self.requests.lock() {
            for ((route, status), n) in r.iter() {
                let _ = writeln!(
                    out,
                    "unicat_requests_total{{route=\"{}\",status=\"{status}\"}} {n}",
                    escape(route)
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP unicat_request_duration_seconds Time to answer, by route."
        );
        let _ = writeln!(out, "# TYPE unicat_request_duration_seconds histogram");
        if let Ok(l) = self.latency.lock() {
            for (route, h) in l.iter() {
                let route = escape(route);
                for (i, b) in BUCKETS.iter().enumerate() {
                    let _ = writeln!(
                        out,
                        "unicat_request_duration_seconds_bucket{{route=\"{route}\",le=\"{b}\"}} {}",
                        h.counts[i]
                    );
                }
                let _ = writeln!(
                    out,
                    "unicat_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                    h.count
                );
                let _ = writeln!(
                    out,
                    "unicat_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                    h.sum
                );
                let _ = writeln!(
                    out,
                    "unicat_request_duration_seconds_count{{route=\"{route}\"}} {}",
                    h.count
                );
            }
        }
    }
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Middleware: times every request and counts it by its route pattern
/// (`/api/clusters/{id}`, not every id), so the label set stays small.
pub(crate) async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let started = Instant::now();
    let response = next.run(req).await;
    state.metrics.record(
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// Liveness: the process answers and the index is readable.
pub(crate) async fn healthz(State(state): State<AppState>) -> Response {
    // On the blocking pool: with SolrCloud, counting is a request.
    let clusters = state.blocking(|c| Ok(c.cluster_count())).await.unwrap_or(0);
    axum::Json(serde_json::json!({ "status": "ok", "clusters": clusters })).into_response()
}

/// Prometheus text format.
pub(crate) async fn metrics(State(state): State<AppState>) -> Response {
    let catalog = state.catalog.clone();
    let metrics = state.metrics.clone();
    let body = tokio::task::spawn_blocking(move || {
        let mut out = String::with_capacity(4096);
        metrics.render(&mut out);
        let _ = writeln!(out, "# HELP unicat_index_clusters Clusters in the search index.");
        let _ = writeln!(out, "# TYPE unicat_index_clusters gauge");
        let _ = writeln!(out, "unicat_index_clusters {}", catalog.cluster_count());
        let _ = writeln!(out, "# HELP unicat_index_size_bytes Size of the search index on disk.");
        let _ = writeln!(out, "# TYPE unicat_index_size_bytes gauge");
        let _ = writeln!(out, "unicat_index_size_bytes {}", catalog.index().map_or(0, |i| i.size_on_disk()));
        let _ = writeln!(out, "# HELP unicat_library_last_harvest_timestamp_seconds When each library was last harvested successfully.");
        let _ = writeln!(out, "# TYPE unicat_library_last_harvest_timestamp_seconds gauge");
        let mut records = String::new();
        let mut failed = String::new();
        for lib in &catalog.network.libraries {
            let id = lib.id.as_str();
            if let Some(Ok(Some(s))) = catalog.store().ok().map(|st| st.harvest_state(id)) {
                if let Some(t) = s.last_success {
                    let _ = writeln!(out, "unicat_library_last_harvest_timestamp_seconds{{library=\"{id}\"}} {t}");
                }
                let _ = writeln!(records, "unicat_library_records{{library=\"{id}\"}} {}", s.records);
                let _ = writeln!(failed, "unicat_library_last_harvest_failed{{library=\"{id}\"}} {}", u8::from(s.last_error.is_some()));
            }
        }
        let _ = writeln!(out, "# HELP unicat_library_records Records held per library after its last harvest.");
        let _ = writeln!(out, "# TYPE unicat_library_records gauge");
        out.push_str(&records);
        let _ = writeln!(out, "# HELP unicat_library_last_harvest_failed 1 when the library's last harvest attempt failed.");
        let _ = writeln!(out, "# TYPE unicat_library_last_harvest_failed gauge");
        out.push_str(&failed);
        out
    })
    .await
    .unwrap_or_default();
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response()
}

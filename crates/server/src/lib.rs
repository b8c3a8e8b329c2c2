//! Unicat's HTTP service.
//!
//! This crate owns the routes and nothing else: the JSON API ([`api`]),
//! SRU 1.2 and 2.0 ([`sru`]), the OAI-PMH provider ([`oai`]), the patron pages ([`pages`]), the admin routes
//! ([`admin`]), `/healthz` and `/metrics` ([`metrics`]). Handlers only
//! translate HTTP to calls on the [`Catalog`](unicat_catalog::Catalog) and
//! back; searches run under `spawn_blocking`, never on the async executor.
//! The server never depends on the harvester: an admin harvest goes through
//! an injected [`HarvestTrigger`].
//!
//! Start from [`router`] and [`serve`].

pub mod admin;
pub mod api;
mod check;
mod error;
mod export;
pub mod metrics;
pub mod oai;
pub mod pages;
mod params;
pub mod sru;

pub use admin::{HarvestStatus, HarvestTrigger};
pub use error::ApiError;

use axum::Router;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use unicat_catalog::Catalog;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The catalog.
    pub catalog: Arc<Catalog>,
    /// Request counters and latencies.
    pub metrics: Arc<metrics::Metrics>,
    /// Starts harvests for the admin routes; None disables them.
    pub harvester: Option<Arc<dyn HarvestTrigger>>,
    /// The admin bearer token; None disables the admin routes.
    pub admin_token: Option<String>,
}

impl AppState {
    /// State over a catalog, with the admin routes disabled.
    pub fn new(catalog: Arc<Catalog>) -> AppState {
        AppState {
            admin_token: catalog.network.admin_token.clone(),
            catalog,
            metrics: Arc::new(metrics::Metrics::default()),
            harvester: None,
        }
    }

    /// Runs blocking catalog work off the async executor.
    pub async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Catalog) -> Result<T, unicat_catalog::CatalogError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let catalog = self.catalog.clone();
        tokio::task::spawn_blocking(move || f(&catalog))
            .await
            .map_err(|e| ApiError::internal(format!("worker failed: {e}")))?
            .map_err(ApiError::from)
    }
}

/// Largest request body accepted (but lists to check: [`check::MAX_CHECK_BODY`]).
pub const MAX_BODY: usize = 64 * 1024;
/// Longest a request may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Every route.
pub fn router(state: AppState) -> Router {
    use axum::routing::{get, post};
    // Lists to check may be long; every other route takes at most MAX_BODY.
    let lists = Router::new()
        .route("/api/check", post(check::api))
        .route("/check", post(pages::check_post))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            check::MAX_CHECK_BODY,
        ));
    Router::new()
        .route("/healthz", get(metrics::healthz))
        .route("/metrics", get(metrics::metrics))
        .merge(api::routes())
        .merge(sru::routes())
        .merge(oai::routes())
        .merge(pages::routes())
        .merge(admin::routes())
        .layer(tower_http::limit::RequestBodyLimitLayer::new(MAX_BODY))
        .merge(lists)
        .fallback(error::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            REQUEST_TIMEOUT,
        ))
        .with_state(state)
}

/// The tokio runtime to serve on. Catalog work runs on the blocking pool;
/// it is CPU-bound, so the pool is capped at a few threads per core: under
/// load requests queue for a thread instead of each getting one (hundreds
/// of threads would each keep an allocator heap and only add switching).
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads((cores * 4).max(8))
        .build()
}

/// Serves until Ctrl-C or SIGTERM, then finishes the requests in flight.
pub async fn serve(addr: SocketAddr, state: AppState) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    serve_on(listener, state).await
}

/// Serves on an already bound listener (tests bind port 0).
pub async fn serve_on(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

//! Admin routes: start a harvest in the background, see how it goes.
//!
//! `POST /api/admin/harvest[?library=ID]` starts one (202), or answers 409
//! while one runs; `GET /api/admin/harvest` reports on the last one. Both
//! need `Authorization: Bearer <token>` (401 otherwise). Without a token in
//! the configuration (or `UNICAT_ADMIN_TOKEN`) the routes do not exist.

use crate::params::Params;
use crate::{ApiError, AppState};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

/// The state of background harvests.
#[derive(Clone, Debug, Default, Serialize)]
pub struct HarvestStatus {
    /// A harvest is running.
    pub running: bool,
    /// The libraries it covers (empty: all).
    pub libraries: Vec<String>,
    /// When it started (seconds since the epoch).
    pub started: Option<u64>,
    /// When the last one finished.
    pub finished: Option<u64>,
    /// How the last one ended, per library (`harvested`, `unchanged`,
    /// `FAILED: …`).
    pub outcome: Vec<(String, String)>,
    /// An error that stopped the whole harvest.
    pub error: Option<String>,
}

/// Why a harvest could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// One is running.
    #[error("a harvest is already running")]
    Busy,
    /// Bad request.
    #[error("{0}")]
    Invalid(String),
}

/// Starts harvests for the admin routes (implemented by the binary, which
/// owns the harvester; the server never depends on it).
pub trait HarvestTrigger: Send + Sync {
    /// Starts a background harvest of one library, or all.
    fn start(&self, library: Option<String>) -> Result<(), StartError>;
    /// The current status.
    fn status(&self) -> HarvestStatus;
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/api/admin/harvest", get(status).post(start))
}

/// Compares in time independent of where the strings differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn authorise(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let (Some(token), Some(_)) = (&state.admin_token, &state.harvester) else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "the admin routes are disabled (set admin_token in the network configuration or UNICAT_ADMIN_TOKEN)",
        ));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    match given {
        Some(g) if same(g.as_bytes(), token.as_bytes()) => Ok(()),
        _ => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "a valid bearer token is required",
        )),
    }
}

async fn status(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Err(e) = authorise(&state, &headers) {
        return e.into_response();
    }
    let s = state
        .harvester
        .as_ref()
        .map(|h| h.status())
        .unwrap_or_default();
    Json(s).into_response()
}

async fn start(State(state): State<AppState>, headers: HeaderMap, p: Params) -> Response {
    if let Err(e) = authorise(&state, &headers) {
        return e.into_response();
    }
    let library = p.text("library").map(str::to_string);
    if let Some(l) = &library
        && state.catalog.network.library(l).is_none()
    {
        return ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no library '{l}' in this network"),
        )
        .into_response();
    }
    let Some(h) = state.harvester.clone() else {
        return ApiError::internal("no harvester").into_response();
    };
    match h.start(library) {
        Ok(()) => (StatusCode::ACCEPTED, Json(h.status())).into_response(),
        Err(StartError::Busy) => {
            ApiError::new(StatusCode::CONFLICT, "busy", "a harvest is already running")
                .into_response()
        }
        Err(StartError::Invalid(m)) => ApiError::bad_parameter(m).into_response(),
    }
}

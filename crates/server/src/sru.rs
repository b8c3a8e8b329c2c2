//! SRU 1.2 and 2.0 at `/sru` (to be completed).

use crate::AppState;
use axum::Router;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
}

//! One mapping from the catalog's error codes to HTTP: a status and
//! `{"error": {"code", "message"}}`. Bad input is always a 4xx.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use unicat_catalog::{CatalogError, ErrorCode};

/// An error answered as JSON.
#[derive(Debug)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable code (`bad_query`, `not_found`, …).
    pub code: &'static str,
    /// A sentence for people.
    pub message: String,
}

impl ApiError {
    /// A 400 with code `bad_parameter`.
    pub fn bad_parameter(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code: "bad_parameter",
            message: message.into(),
        }
    }

    /// A 500.
    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal",
            message: message.into(),
        }
    }

    /// Any status and code.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }
}

impl From<CatalogError> for ApiError {
    fn from(e: CatalogError) -> ApiError {
        if e.code == ErrorCode::Internal {
            tracing::error!(error = %e.message, "catalog failure");
        }
        ApiError {
            status: StatusCode::from_u16(e.code.http_status())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            code: e.code.as_str(),
            message: e.message,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": { "code": self.code, "message": self.message } });
        let mut r = (self.status, Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            r.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        r
    }
}

pub(crate) async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        format!("no such page: {}", uri.path()),
    )
}

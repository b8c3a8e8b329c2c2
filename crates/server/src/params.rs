//! Query-string parameters, read leniently and checked with clear errors
//! (axum's typed extractor answers bad input with plain-text 400s; the API
//! promises JSON).

use crate::ApiError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use std::collections::HashMap;

/// Longest query string accepted.
pub const MAX_QUERY_STRING: usize = 8 * 1024;

/// The query string's parameters (first value of each name; `+` and
/// percent-escapes decoded; invalid UTF-8 replaced, never rejected).
#[derive(Debug, Default, Clone)]
pub struct Params(pub HashMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Params, ApiError> {
        let q = parts.uri.query().unwrap_or("");
        if q.len() > MAX_QUERY_STRING {
            return Err(ApiError::new(
                axum::http::StatusCode::URI_TOO_LONG,
                "bad_parameter",
                format!("the query string is longer than {MAX_QUERY_STRING} bytes"),
            ));
        }
        let mut map = HashMap::new();
        for (k, v) in form_urlencoded::parse(q.as_bytes()) {
            map.entry(k.into_owned()).or_insert_with(|| v.into_owned());
        }
        Ok(Params(map))
    }
}

impl Params {
    /// A text parameter (None when absent or empty).
    pub fn text(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    /// A whole-number parameter within bounds, or a default.
    pub fn number(
        &self,
        name: &str,
        default: usize,
        min: usize,
        max: usize,
    ) -> Result<usize, ApiError> {
        match self.text(name) {
            None => Ok(default),
            Some(v) => match v.parse::<usize>() {
                Ok(n) if (min..=max).contains(&n) => Ok(n),
                _ => Err(ApiError::bad_parameter(format!(
                    "{name} must be a whole number from {min} to {max}, not {v:?}"
                ))),
            },
        }
    }

    /// A year parameter.
    pub fn year(&self, name: &str) -> Result<Option<i64>, ApiError> {
        match self.text(name) {
            None => Ok(None),
            Some(v) => match v.parse::<i64>() {
                Ok(y) if (0..=9999).contains(&y) => Ok(Some(y)),
                _ => Err(ApiError::bad_parameter(format!(
                    "{name} must be a year, not {v:?}"
                ))),
            },
        }
    }

    /// A yes/no parameter (`true`/`false`, `1`/`0`, `yes`/`no`; absent is no).
    pub fn flag(&self, name: &str) -> Result<bool, ApiError> {
        match self.text(name).map(str::to_ascii_lowercase).as_deref() {
            None | Some("false" | "0" | "no" | "off") => Ok(false),
            Some("true" | "1" | "yes" | "on") => Ok(true),
            Some(v) => Err(ApiError::bad_parameter(format!(
                "{name} must be true or false, not {v:?}"
            ))),
        }
    }
}

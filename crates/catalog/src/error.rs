//! One error type for every answer the catalog gives, with a stable code
//! that the HTTP layer maps to a status and SRU to a diagnostic.

use std::fmt;

/// A stable, machine-readable error code (documented in the README).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    /// The query cannot be parsed.
    BadQuery,
    /// A parameter is missing or out of range.
    BadParameter,
    /// Paging beyond what is served.
    PageTooDeep,
    /// No such cluster or library.
    NotFound,
    /// The index or store failed (not the caller's fault).
    Internal,
    /// The index is being rebuilt or not built yet, or its Solr cluster
    /// does not answer.
    Unavailable,
    /// Not available with this network's index backend (see
    /// docs/SCALING.md).
    NotAvailable,
}

impl ErrorCode {
    /// The code as written in JSON (`bad_query`).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadQuery => "bad_query",
            ErrorCode::BadParameter => "bad_parameter",
            ErrorCode::PageTooDeep => "page_too_deep",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Internal => "internal",
            ErrorCode::Unavailable => "unavailable",
            ErrorCode::NotAvailable => "not_available",
        }
    }

    /// The HTTP status for it.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::BadQuery | ErrorCode::BadParameter | ErrorCode::PageTooDeep => 400,
            ErrorCode::NotFound => 404,
            ErrorCode::Internal => 500,
            ErrorCode::Unavailable => 503,
            ErrorCode::NotAvailable => 501,
        }
    }
}

/// Why the catalog could not answer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct CatalogError {
    /// The code.
    pub code: ErrorCode,
    /// A sentence for people.
    pub message: String,
}

impl CatalogError {
    /// An error.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> CatalogError {
        CatalogError {
            code,
            message: message.into(),
        }
    }

    pub(crate) fn internal(e: impl fmt::Display) -> CatalogError {
        CatalogError::new(ErrorCode::Internal, e.to_string())
    }

    /// A SolrCloud failure: a query Solr refused is the caller's (400,
    /// with Solr's message, never its stack trace); a cluster that does not
    /// answer is unavailable (503); anything else is ours.
    pub(crate) fn solr(e: unicat_solr::SolrError) -> CatalogError {
        use unicat_solr::SolrError as S;
        let code = match &e {
            S::Rejected { .. } => ErrorCode::BadQuery,
            S::Unreachable { .. } | S::NoCollection { .. } => ErrorCode::Unavailable,
            _ => ErrorCode::Internal,
        };
        CatalogError::new(code, e.to_string())
    }

    /// What this network's index backend cannot answer yet.
    pub(crate) fn not_available(what: &str) -> CatalogError {
        CatalogError::new(
            ErrorCode::NotAvailable,
            format!("{what} is not available when the index is in SolrCloud (see docs/SCALING.md)"),
        )
    }
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

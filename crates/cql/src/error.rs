//! The parse error type and the SRU diagnostic numbers it (and the server) uses.

pub mod diagnostics {
    //! SRU diagnostic numbers (namespace `info:srw/diagnostic/1/`) relevant
    //! to CQL.
    //!
    //! The parser itself only ever reports [`QUERY_SYNTAX_ERROR`] and
    //! [`TOO_MANY_BOOLEAN_OPERATORS`]; the others are listed for the server,
    //! which decides what it supports after parsing (see [`crate::Word`] for
    //! the masking-related ones). Numbers and wording follow the Library of
    //! Congress SRU diagnostics list.

    /// 10 — Query syntax error. Every syntax error, including unbalanced
    /// parentheses or quotes, an empty query and too-deep nesting.
    pub const QUERY_SYNTAX_ERROR: u32 = 10;
    /// 12 — Too many characters in query (the caller enforces its own limit).
    pub const TOO_MANY_CHARACTERS_IN_QUERY: u32 = 12;
    /// 15 — Unsupported context set.
    pub const UNSUPPORTED_CONTEXT_SET: u32 = 15;
    /// 16 — Unsupported index.
    pub const UNSUPPORTED_INDEX: u32 = 16;
    /// 19 — Unsupported relation.
    pub const UNSUPPORTED_RELATION: u32 = 19;
    /// 20 — Unsupported relation modifier.
    pub const UNSUPPORTED_RELATION_MODIFIER: u32 = 20;
    /// 27 — Empty term unsupported (a `""` term; the parser accepts it).
    pub const EMPTY_TERM_UNSUPPORTED: u32 = 27;
    /// 28 — Masking character not supported.
    pub const MASKING_CHARACTER_NOT_SUPPORTED: u32 = 28;
    /// 29 — Masked words too short.
    pub const MASKED_WORDS_TOO_SHORT: u32 = 29;
    /// 31 — Anchoring character not supported.
    pub const ANCHORING_CHARACTER_NOT_SUPPORTED: u32 = 31;
    /// 32 — Anchoring character in unsupported position.
    pub const ANCHORING_CHARACTER_IN_UNSUPPORTED_POSITION: u32 = 32;
    /// 37 — Unsupported boolean operator.
    pub const UNSUPPORTED_BOOLEAN_OPERATOR: u32 = 37;
    /// 38 — Too many boolean operators in query.
    pub const TOO_MANY_BOOLEAN_OPERATORS: u32 = 38;
    /// 46 — Unsupported boolean modifier.
    pub const UNSUPPORTED_BOOLEAN_MODIFIER: u32 = 46;
    /// 49 — Masking character in unsupported position.
    pub const MASKING_CHARACTER_IN_UNSUPPORTED_POSITION: u32 = 49;
}

/// Why a query could not be parsed.
///
/// `diagnostic` is an SRU diagnostic number (see [`diagnostics`]); the
/// server turns it into `info:srw/diagnostic/1/<n>` with
/// [`CqlError::diagnostic_uri`] and may put `message` in the diagnostic's
/// `message` element.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at byte {position})")]
pub struct CqlError {
    /// Byte offset into the query string where the problem was found (the
    /// start of the offending token; the query's length at end of input).
    pub position: usize,
    /// Human-readable description, in English.
    pub message: String,
    /// SRU diagnostic number.
    pub diagnostic: u32,
}

impl CqlError {
    /// A syntax error (diagnostic 10) at `position`.
    pub(crate) fn syntax(position: usize, message: impl Into<String>) -> Self {
        Self {
            position,
            message: message.into(),
            diagnostic: diagnostics::QUERY_SYNTAX_ERROR,
        }
    }

    /// The diagnostic as an SRU URI, e.g. `info:srw/diagnostic/1/10`.
    #[must_use]
    pub fn diagnostic_uri(&self) -> String {
        format!("info:srw/diagnostic/1/{}", self.diagnostic)
    }
}

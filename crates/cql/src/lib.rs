//! A parser for CQL, the Contextual Query Language (version 1.2, as
//! specified by the Library of Congress), for Unicat's SRU
//! `searchRetrieve` endpoint.
//!
//! # What this crate owns
//!
//! Turning the text of an SRU `query` parameter into a syntax tree, and
//! nothing else: [`parse`] gives a [`Query`] or a [`CqlError`] that carries
//! the SRU diagnostic number to report (10, "Query syntax error", for every
//! syntax problem). It is pure — no I/O, no configuration — and depends
//! only on `thiserror`. No existing crate parses CQL well enough (with
//! YAZ-compatible tolerance, SRU diagnostics and XCQL output), hence this
//! one.
//!
//! # What it does not do
//!
//! It does not know which indexes, relations, modifiers or masking a
//! server supports. The server walks the tree, maps each [`SearchClause`]
//! onto its own indexes and reports what it cannot do (unsupported index
//! 16, relation 19, masking 28/49 …; the numbers are in [`diagnostics`]).
//! Terms are kept raw (escapes and masking characters as written);
//! [`analyse_term`] / [`SearchClause::words`] interpret them, for instance
//! telling the server that `histor*` is a right-truncated `histor`
//! ([`Masking::Trailing`]).
//!
//! # Where to start reading
//!
//! [`Query`] and [`Node`] are the tree; [`parse`] builds it. `Display` on
//! [`Query`] writes CQL back (to echo the query in a response);
//! [`Query::to_xcql`] writes XCQL exactly as YAZ's `cql2xcql` does, which is
//! how the integration test checks the parser against YAZ's conformance
//! suite (`fixtures/cql/`).
//!
//! ```
//! use unicat_cql::{Masking, parse};
//!
//! let query = parse("dc.title = histor* and dc.date >= 1990 sortby dc.title/sort.descending")?;
//! let first = query.clauses().next().expect("two clauses");
//! assert_eq!(first.index.as_deref(), Some("dc.title"));
//! assert_eq!(first.relation.base, "=");
//! assert_eq!(first.words()[0].masking(), Masking::Trailing);
//! assert_eq!(query.sort_keys[0].index, "dc.title");
//! assert_eq!(
//!     query.to_string(),
//!     "dc.title = histor* and dc.date >= 1990 sortby dc.title/sort.descending"
//! );
//! # Ok::<(), unicat_cql::CqlError>(())
//! ```
//!
//! # Grammar and YAZ compatibility
//!
//! The grammar is YAZ's (`src/cql.y`), which accepts the Library of
//! Congress grammar plus
//! some tolerance: keywords (`and`, `or`, `not`, `prox`, `sortby`) and
//! relation names may be used as terms or indexes where unambiguous
//! (`fred and any`, `all == any`); booleans and relation names are
//! case-insensitive; a term may be followed by more unquoted words
//! (`a b c`, see [`SearchClause::extra_terms`]); and `index relation` is
//! inherited by a parenthesised query (`title = (a or b)`). A word is taken
//! as a relation name when it contains a `.` or is `all`, `any`, `adj`,
//! `within` or `encloses`.
//!
//! The parser passes all of YAZ's `cql2xcqlsample` conformance queries.
//! Deliberate differences from YAZ, none of which the suite exercises:
//!
//! - an unterminated quoted string, and a backslash at the very end of the
//!   query, are syntax errors (YAZ silently closes them);
//! - `"` always ends an unquoted word, and any whitespace (not only space
//!   and newline) separates words; YAZ also stops reading at a newline;
//! - `within` and `encloses` are recognised as relations (YAZ only knows
//!   `all`, `any` and `adj` unprefixed);
//! - named relations are stored in lower case (`ANY` becomes `any`) and an
//!   explicit `cql.serverChoice` index is stored as `None`, so the XCQL shows
//!   the canonical spelling where YAZ echoes the input's;
//! - `sortby` with three or more keys keeps them all (YAZ drops all but the
//!   first and the last);
//! - prefixed relation names are not resolved against prefix assignments in
//!   the XCQL (see [`Query::to_xcql`]).
//!
//! # Limits
//!
//! Parenthesis nesting is limited (64 by default) and so is the number of
//! boolean operators (1000), see [`ParseOptions`]. Parsing, `Display`,
//! [`Query::to_xcql`] and [`Query::clauses`] use explicit stacks rather than
//! recursion. The query's length is the caller's to limit (diagnostic 12)
//! before calling [`parse`].
//!
//! An empty (or all-space) query is a syntax error, diagnostic 10: the
//! SRU diagnostics list has no closer entry (27, "Empty term unsupported",
//! is about a `""` term, which parses fine and which the server may reject).
//! A missing `query` parameter is the server's diagnostic 7.

mod ast;
mod display;
mod error;
mod lexer;
mod parser;
mod term;
mod xcql;

pub use ast::{
    BooleanOp, Clauses, Modifier, Node, PrefixAssignment, Query, Relation, SearchClause, SortKey,
};
pub use error::{CqlError, diagnostics};
pub use parser::{ParseOptions, parse, parse_with};
pub use term::{Masking, TermPart, Word, analyse_term};

#[cfg(test)]
mod tests;

//! The syntax tree.

use std::fmt;

use crate::term::{Word, analyse_term};

/// A parsed CQL query: the tree the SRU server maps onto its indexes.
///
/// Produced by [`crate::parse`]. `Display` renders it back to CQL text
/// (parsing that text gives an equal `Query`), [`Query::to_xcql`] renders
/// it as YAZ-style XCQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// Prefix assignments written in front of the whole query
    /// (`> dc = "info:srw/cql-context-set/1/dc-v1.1" …`), outermost first.
    /// They apply to every clause and to the sort keys.
    pub prefixes: Vec<PrefixAssignment>,
    /// The search itself.
    pub root: Node,
    /// Keys from a trailing `sortby` clause, in the order written; empty
    /// when there is none.
    pub sort_keys: Vec<SortKey>,
}

impl Query {
    /// Every search clause in the query, left to right.
    #[must_use]
    pub fn clauses(&self) -> Clauses<'_> {
        self.root.clauses()
    }

    /// The context-set identifier (URI) that the prefix assignments in
    /// scope bind to `clause`'s index, or `None` if none applies.
    ///
    /// `> dc = "uri" dc.title = x` resolves `dc.title` to `"uri"`; an
    /// unnamed assignment (`> "uri" title = x`) applies to indexes without
    /// a prefix. The innermost assignment wins; the clause's own
    /// [`SearchClause::prefixes`] are inside the query's. Context-set names
    /// compare case-insensitively. Prefixes that no assignment binds (such as
    /// the usual `dc.` or `bath.` without any `>`) are left to the server's
    /// own defaults.
    #[must_use]
    pub fn index_context_set<'a>(&'a self, clause: &'a SearchClause) -> Option<&'a str> {
        resolve_prefix(clause.index_name(), &self.prefixes, &clause.prefixes).map(|(uri, _)| uri)
    }
}

/// Finds the prefix assignment, innermost first, that binds `index`.
/// Returns the URI and the index name with the bound prefix removed.
///
/// This is YAZ's `cql_apply_prefix` rule: a named assignment matches an
/// index whose part before the first `.` equals the name (ASCII
/// case-insensitively); an unnamed one matches an index without a `.`.
pub(crate) fn resolve_prefix<'a>(
    index: &'a str,
    outer: &'a [PrefixAssignment],
    inner: &'a [PrefixAssignment],
) -> Option<(&'a str, &'a str)> {
    inner.iter().rev().chain(outer.iter().rev()).find_map(|p| {
        match (&p.name, index.split_once('.')) {
            (Some(name), Some((prefix, rest))) if prefix.eq_ignore_ascii_case(name) => {
                Some((p.uri.as_str(), rest))
            }
            (None, None) => Some((p.uri.as_str(), index)),
            _ => None,
        }
    })
}

/// A prefix assignment, `> name = "uri"` or `> "uri"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrefixAssignment {
    /// The short name (`dc`); `None` for `> "uri"`, which sets the context
    /// set of indexes written without a prefix.
    pub name: Option<String>,
    /// The context set's identifier, as written (escapes kept).
    pub uri: String,
}

/// A node of the search tree.
///
/// Booleans are binary and left-associative with equal precedence, as CQL
/// requires: `cat and dog or mouse` is `(cat and dog) or mouse`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A search clause (leaf).
    Clause(SearchClause),
    /// A boolean combination of two subtrees.
    Boolean {
        /// The operator.
        op: BooleanOp,
        /// Boolean modifiers in the order written (`prox/distance<3/unit=word`).
        modifiers: Vec<Modifier>,
        /// Left operand.
        left: Box<Node>,
        /// Right operand.
        right: Box<Node>,
    },
}

impl Node {
    /// Every search clause under this node, left to right.
    #[must_use]
    pub fn clauses(&self) -> Clauses<'_> {
        Clauses { stack: vec![self] }
    }

    /// Mutable access to every search clause under this node (order
    /// unspecified). Iterative, so safe on arbitrarily deep trees.
    pub(crate) fn for_each_clause_mut(&mut self, mut f: impl FnMut(&mut SearchClause)) {
        let mut stack = vec![self];
        while let Some(node) = stack.pop() {
            match node {
                Node::Clause(clause) => f(clause),
                Node::Boolean { left, right, .. } => {
                    stack.push(right);
                    stack.push(left);
                }
            }
        }
    }
}

/// Iterator over the search clauses of a tree, left to right; see
/// [`Node::clauses`]. It walks with an explicit stack, so deep trees cannot
/// overflow the call stack.
#[derive(Debug, Clone)]
pub struct Clauses<'a> {
    stack: Vec<&'a Node>,
}

impl<'a> Iterator for Clauses<'a> {
    type Item = &'a SearchClause;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.stack.pop()? {
                Node::Clause(clause) => return Some(clause),
                Node::Boolean { left, right, .. } => {
                    self.stack.push(right);
                    self.stack.push(left);
                }
            }
        }
    }
}

/// A boolean operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BooleanOp {
    /// `and`
    And,
    /// `or`
    Or,
    /// `not` (binary: `a not b` is "a but not b").
    Not,
    /// `prox`
    Prox,
}

impl BooleanOp {
    /// The operator's name in lower case, as CQL and XCQL write it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            BooleanOp::And => "and",
            BooleanOp::Or => "or",
            BooleanOp::Not => "not",
            BooleanOp::Prox => "prox",
        }
    }
}

impl fmt::Display for BooleanOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A search clause: `index relation term`, or a bare term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchClause {
    /// Prefix assignments written inside parentheses around this clause
    /// (`(> dc = "…" dc.title = x)`), outermost first. Assignments in front
    /// of the whole query are in [`Query::prefixes`] instead.
    pub prefixes: Vec<PrefixAssignment>,
    /// The index as written (`dc.title`); `None` for a bare term and for an
    /// explicit `cql.serverChoice` (any case), i.e. "server's choice".
    pub index: Option<String>,
    /// The relation; `=` without modifiers for a bare term.
    pub relation: Relation,
    /// The term, raw: quotes removed, but backslash escapes and the
    /// masking characters `*`, `?`, `^` kept exactly as written. Use
    /// [`SearchClause::words`] to interpret it. A keyword used as a term
    /// (`title = AND`) is stored in lower case, as YAZ does.
    pub term: String,
    /// Further unquoted words after the term (`a b c` has term `a` and extra
    /// terms `b`, `c`). Standard CQL rejects this; YAZ accepts it, and its
    /// CQL-to-PQF conversion ANDs the terms under the same index and
    /// relation. Empty for standard CQL.
    pub extra_terms: Vec<String>,
}

impl SearchClause {
    /// The index name, with `None` spelled `cql.serverChoice`.
    #[must_use]
    pub fn index_name(&self) -> &str {
        self.index.as_deref().unwrap_or(SERVER_CHOICE)
    }

    /// The raw term followed by any [extra terms](SearchClause::extra_terms).
    pub fn terms(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.term.as_str()).chain(self.extra_terms.iter().map(String::as_str))
    }

    /// The words of all terms with escapes resolved and masking identified;
    /// see [`analyse_term`]. Empty for an empty term (`""`).
    #[must_use]
    pub fn words(&self) -> Vec<Word> {
        self.terms().flat_map(analyse_term).collect()
    }
}

/// The CQL context set's default index.
pub(crate) const SERVER_CHOICE: &str = "cql.serverChoice";

/// A relation with its modifiers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    /// The comparison: one of `=`, `==`, `<>`, `<`, `>`, `<=`, `>=`, a
    /// named relation in lower case (`all`, `any`, `adj`, `within`,
    /// `encloses`, matched case-insensitively), or a prefixed name as
    /// written (`cql.exact`).
    pub base: String,
    /// Relation modifiers in the order written (`any/stem/fuzzy`).
    pub modifiers: Vec<Modifier>,
}

impl Relation {
    /// The default relation, `=` without modifiers.
    #[must_use]
    pub fn server_choice() -> Self {
        Self {
            base: "=".to_owned(),
            modifiers: Vec::new(),
        }
    }
}

/// A relation, boolean or sort modifier: `/name`, or `/name<comparison>value`
/// such as `/distance<3`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Modifier {
    /// The modifier's name as written (`stem`, `rel.algorithm`).
    pub name: String,
    /// The comparison symbol (`=`, `==`, `<>`, `<`, `>`, `<=`, `>=`), if a
    /// value follows.
    pub comparison: Option<String>,
    /// The value, raw (quotes removed, escapes kept), if any.
    pub value: Option<String>,
}

/// A `sortby` key: an index with optional modifiers
/// (`dc.title/sort.descending`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKey {
    /// The index as written.
    pub index: String,
    /// Sort modifiers in the order written.
    pub modifiers: Vec<Modifier>,
}

//! The parser: tokens → [`Query`].
//!
//! YAZ's grammar (`src/cql.y`), which this follows:
//!
//! ```text
//! top          ::= cqlQuery [ 'sortby' sortKey+ ]
//! sortKey      ::= searchTerm modifiers
//! cqlQuery     ::= '>' searchTerm '=' searchTerm cqlQuery
//!                | '>' searchTerm cqlQuery
//!                | scopedClause
//! scopedClause ::= searchClause ( boolean modifiers searchClause )*
//! searchClause ::= '(' cqlQuery ')'
//!                | searchTerm SIMPLE_STRING*
//!                | searchTerm relation modifiers searchClause
//! relation     ::= comparison | PREFIX_NAME
//! modifiers    ::= ( '/' searchTerm [ comparison searchTerm ] )*
//! searchTerm   ::= SIMPLE_STRING | PREFIX_NAME | and | or | not | prox | sortby
//! ```
//!
//! `index relation` is inherited by the `searchClause` after it, so
//! `title = (a or b)` means `title = a or title = b`. A word is a
//! `PREFIX_NAME` (a possible relation) when it contains a `.` or is a named
//! relation; after a search term, a `PREFIX_NAME` or a comparison makes the
//! term an index.
//!
//! The parser is a loop over an explicit stack of open parentheses, so the
//! only bound on nesting is [`ParseOptions::max_depth`], never the call stack.

use crate::ast::{
    BooleanOp, Modifier, Node, PrefixAssignment, Query, Relation, SERVER_CHOICE, SearchClause,
    SortKey,
};
use crate::error::{CqlError, diagnostics};
use crate::lexer::{NAMED_RELATIONS, Sym, Tok, Token, WordKind, tokenize};

/// Limits applied while parsing.
///
/// The query's length is not limited here: the server should refuse
/// over-long queries before parsing (diagnostic 12, too many characters in
/// query).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ParseOptions {
    /// Deepest parenthesis nesting accepted; deeper fails with diagnostic
    /// 10. Default 64.
    pub max_depth: usize,
    /// Most boolean operators accepted; more fails with diagnostic 38 (too
    /// many boolean operators in query). Default 1000. This also bounds the
    /// depth of the tree, which the derived `Debug`, `Clone`, `PartialEq`
    /// and `Drop` of [`Node`] walk recursively.
    pub max_booleans: usize,
}

impl ParseOptions {
    /// These options with [`max_depth`](ParseOptions::max_depth) set.
    #[must_use]
    pub fn with_max_depth(mut self, max_depth: usize) -> Self {
        self.max_depth = max_depth;
        self
    }

    /// These options with [`max_booleans`](ParseOptions::max_booleans) set.
    #[must_use]
    pub fn with_max_booleans(mut self, max_booleans: usize) -> Self {
        self.max_booleans = max_booleans;
        self
    }
}

impl Default for ParseOptions {
    fn default() -> Self {
        Self {
            max_depth: 64,
            max_booleans: 1000,
        }
    }
}

/// Parses a CQL query with the default [`ParseOptions`].
///
/// ```
/// use unicat_cql::{parse, BooleanOp, Node};
/// let query = parse("dc.title = fish and dc.date >= 1990")?;
/// let Node::Boolean { op, .. } = &query.root else { panic!() };
/// assert_eq!(*op, BooleanOp::And);
/// assert_eq!(query.clauses().count(), 2);
/// # Ok::<(), unicat_cql::CqlError>(())
/// ```
///
/// # Errors
///
/// A [`CqlError`] with diagnostic 10 for any syntax error (including an
/// empty query, unbalanced parentheses or quotes and too-deep nesting), or 38
/// for too many boolean operators.
pub fn parse(input: &str) -> Result<Query, CqlError> {
    parse_with(input, &ParseOptions::default())
}

/// Parses a CQL query with explicit limits.
///
/// # Errors
///
/// As [`parse`].
pub fn parse_with(input: &str, options: &ParseOptions) -> Result<Query, CqlError> {
    let tokens = tokenize(input)?;
    Parser {
        tokens: &tokens,
        pos: 0,
        options,
        booleans: 0,
    }
    .query()
}

impl std::str::FromStr for Query {
    type Err = CqlError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse(s)
    }
}

/// The index and relation that a search clause inherits.
#[derive(Debug, Clone)]
struct Context {
    index: Option<String>,
    relation: Relation,
}

impl Context {
    fn server_choice() -> Self {
        Self {
            index: None,
            relation: Relation::server_choice(),
        }
    }
}

/// An open parenthesis (or the whole query, at the bottom of the stack).
struct Frame {
    /// What clauses directly inside inherit.
    context: Context,
    /// Prefix assignments at the start of this group.
    prefixes: Vec<PrefixAssignment>,
    /// The tree built so far.
    left: Option<Node>,
    /// A boolean (and its modifiers) waiting for its right operand.
    pending: Option<(BooleanOp, Vec<Modifier>)>,
    /// Where the `(` was, for "missing )" errors.
    open: usize,
}

impl Frame {
    fn new(context: Context, open: usize) -> Self {
        Self {
            context,
            prefixes: Vec::new(),
            left: None,
            pending: None,
            open,
        }
    }

    /// Adds a finished operand to the tree.
    fn push_operand(&mut self, node: Node) {
        self.left = Some(match (self.left.take(), self.pending.take()) {
            (Some(left), Some((op, modifiers))) => Node::Boolean {
                op,
                modifiers,
                left: Box::new(left),
                right: Box::new(node),
            },
            // The state machine only expects an operand at the start of a
            // group or after a boolean, so no other combination occurs.
            _ => node,
        });
    }
}

/// What the parser expects next.
enum State {
    /// The start of a `cqlQuery`: prefix assignments, then a clause.
    Query,
    /// A `searchClause`, inheriting the given context.
    Clause(Context),
    /// After a complete operand: a boolean, `)`, `sortby` or the end.
    AfterOperand,
    /// The whole query has been read.
    Done(Query),
}

/// The innermost open group. The bottom frame (the whole query) is only
/// removed when the query is complete, so this always succeeds.
fn top(stack: &mut [Frame], pos: usize) -> Result<&mut Frame, CqlError> {
    stack.last_mut().ok_or_else(|| internal_error(pos))
}

/// A state the parser's own invariants rule out; reported rather than
/// panicking.
fn internal_error(pos: usize) -> CqlError {
    CqlError::syntax(pos, "internal parser error")
}

struct Parser<'t, 'a> {
    tokens: &'t [Token<'a>],
    pos: usize,
    options: &'t ParseOptions,
    booleans: usize,
}

impl<'a> Parser<'_, 'a> {
    /// The next token. The list always ends with `Eof`, which `advance`
    /// never moves past.
    fn peek(&self) -> Token<'a> {
        self.tokens.get(self.pos).copied().unwrap_or(Token {
            tok: Tok::Eof,
            pos: 0,
        })
    }

    fn advance(&mut self) -> Token<'a> {
        let token = self.peek();
        if self.pos + 1 < self.tokens.len() {
            self.pos += 1;
        }
        token
    }

    fn unexpected(token: Token<'_>, expected: &str) -> CqlError {
        let found = match token.tok {
            Tok::Eof => "the end of the query".to_owned(),
            Tok::Sym(sym) => format!("'{}'", sym.as_str()),
            Tok::Word { text, .. } => format!("\"{text}\""),
        };
        CqlError::syntax(token.pos, format!("expected {expected}, found {found}"))
    }

    /// Consumes a `searchTerm` (any word) and returns its raw text.
    fn search_term(&mut self, expected: &str) -> Result<&'a str, CqlError> {
        let token = self.advance();
        match token.tok {
            Tok::Word { text, .. } => Ok(text),
            _ => Err(Self::unexpected(token, expected)),
        }
    }

    /// `( '/' searchTerm [ comparison searchTerm ] )*`
    fn modifiers(&mut self) -> Result<Vec<Modifier>, CqlError> {
        let mut modifiers = Vec::new();
        while self.peek().tok == Tok::Sym(Sym::Slash) {
            self.advance();
            let name = self.search_term("a modifier name after '/'")?.to_owned();
            let (comparison, value) = match self.peek().tok {
                Tok::Sym(sym) if sym.is_comparison() => {
                    self.advance();
                    let value = self.search_term("a modifier value")?;
                    (Some(sym.as_str().to_owned()), Some(value.to_owned()))
                }
                _ => (None, None),
            };
            modifiers.push(Modifier {
                name,
                comparison,
                value,
            });
        }
        Ok(modifiers)
    }

    /// `'>' searchTerm [ '=' searchTerm ]`; the `>` is the next token.
    fn prefix_assignment(&mut self) -> Result<PrefixAssignment, CqlError> {
        self.advance();
        let first = self.search_term("a context set name or identifier after '>'")?;
        if self.peek().tok == Tok::Sym(Sym::Eq) {
            self.advance();
            let uri = self.search_term("a context set identifier after '='")?;
            Ok(PrefixAssignment {
                name: Some(first.to_owned()),
                uri: uri.to_owned(),
            })
        } else {
            Ok(PrefixAssignment {
                name: None,
                uri: first.to_owned(),
            })
        }
    }

    fn query(mut self) -> Result<Query, CqlError> {
        if self.peek().tok == Tok::Eof {
            return Err(CqlError::syntax(0, "empty query"));
        }
        let mut stack = vec![Frame::new(Context::server_choice(), 0)];
        let mut state = State::Query;
        loop {
            state = match state {
                State::Query => {
                    let frame = top(&mut stack, self.peek().pos)?;
                    while self.peek().tok == Tok::Sym(Sym::Gt) {
                        frame.prefixes.push(self.prefix_assignment()?);
                    }
                    State::Clause(frame.context.clone())
                }
                State::Clause(context) => self.clause(&mut stack, context)?,
                State::AfterOperand => self.after_operand(&mut stack)?,
                State::Done(query) => return Ok(query),
            };
        }
    }

    /// A `searchClause`: `(` opens a group, `index relation` sets the
    /// context for the clause that follows, a term completes an operand.
    fn clause(&mut self, stack: &mut Vec<Frame>, context: Context) -> Result<State, CqlError> {
        let token = self.advance();
        let text = match token.tok {
            Tok::Sym(Sym::LParen) => {
                if stack.len() > self.options.max_depth {
                    return Err(CqlError::syntax(
                        token.pos,
                        format!(
                            "parentheses nested more than {} deep",
                            self.options.max_depth
                        ),
                    ));
                }
                stack.push(Frame::new(context, token.pos));
                return Ok(State::Query);
            }
            Tok::Word { text, .. } => text,
            _ => return Err(Self::unexpected(token, "a search term or '('")),
        };
        match self.peek().tok {
            Tok::Sym(sym) if sym.is_comparison() => {
                self.advance();
                return Ok(State::Clause(self.index_relation(text, sym.as_str())?));
            }
            Tok::Word {
                kind: WordKind::PrefixName,
                text: relation,
            } => {
                self.advance();
                return Ok(State::Clause(self.index_relation(text, relation)?));
            }
            _ => {}
        }
        let mut extra_terms = Vec::new();
        while let Tok::Word {
            kind: WordKind::Simple,
            text,
        } = self.peek().tok
        {
            self.advance();
            extra_terms.push(text.to_owned());
        }
        top(stack, token.pos)?.push_operand(Node::Clause(SearchClause {
            prefixes: Vec::new(),
            index: context.index,
            relation: context.relation,
            term: text.to_owned(),
            extra_terms,
        }));
        Ok(State::AfterOperand)
    }

    /// After an operand: a boolean continues the group, `)` closes it, and
    /// `sortby` or the end of the query finishes the whole query.
    fn after_operand(&mut self, stack: &mut Vec<Frame>) -> Result<State, CqlError> {
        let token = self.peek();
        let nested = stack.len() > 1;
        let op = match token.tok {
            Tok::Word { kind, .. } => match kind {
                WordKind::And => Some(BooleanOp::And),
                WordKind::Or => Some(BooleanOp::Or),
                WordKind::Not => Some(BooleanOp::Not),
                WordKind::Prox => Some(BooleanOp::Prox),
                _ => None,
            },
            _ => None,
        };
        if let Some(op) = op {
            self.advance();
            self.booleans += 1;
            if self.booleans > self.options.max_booleans {
                return Err(CqlError {
                    position: token.pos,
                    message: format!("more than {} boolean operators", self.options.max_booleans),
                    diagnostic: diagnostics::TOO_MANY_BOOLEAN_OPERATORS,
                });
            }
            let modifiers = self.modifiers()?;
            let frame = top(stack, token.pos)?;
            frame.pending = Some((op, modifiers));
            return Ok(State::Clause(frame.context.clone()));
        }
        match token.tok {
            Tok::Sym(Sym::RParen) if nested => {
                self.advance();
                let Some(Frame {
                    prefixes,
                    left: Some(mut node),
                    ..
                }) = stack.pop()
                else {
                    return Err(internal_error(token.pos));
                };
                if !prefixes.is_empty() {
                    node.for_each_clause_mut(|clause| {
                        clause.prefixes.splice(0..0, prefixes.iter().cloned());
                    });
                }
                top(stack, token.pos)?.push_operand(node);
                Ok(State::AfterOperand)
            }
            Tok::Sym(Sym::RParen) => Err(CqlError::syntax(token.pos, "unbalanced ')'")),
            Tok::Eof if nested => {
                let open = top(stack, token.pos)?.open;
                Err(CqlError::syntax(
                    token.pos,
                    format!("missing ')' for the '(' at byte {open}"),
                ))
            }
            Tok::Eof
            | Tok::Word {
                kind: WordKind::Sortby,
                ..
            } if !nested => {
                let sort_keys = self.sort_keys()?;
                let Some(Frame {
                    prefixes,
                    left: Some(root),
                    ..
                }) = stack.pop()
                else {
                    return Err(internal_error(token.pos));
                };
                Ok(State::Done(Query {
                    prefixes,
                    root,
                    sort_keys,
                }))
            }
            _ => Err(Self::unexpected(
                token,
                if nested {
                    "a boolean operator or ')'"
                } else {
                    "a boolean operator, 'sortby' or the end of the query"
                },
            )),
        }
    }

    /// Builds the context from `index relation modifiers`; the relation
    /// token has been consumed.
    fn index_relation(&mut self, index: &str, relation: &str) -> Result<Context, CqlError> {
        let modifiers = self.modifiers()?;
        let base = NAMED_RELATIONS
            .iter()
            .find(|r| relation.eq_ignore_ascii_case(r))
            .map_or_else(|| relation.to_owned(), |r| (*r).to_owned());
        let index = (!index.eq_ignore_ascii_case(SERVER_CHOICE)).then(|| index.to_owned());
        Ok(Context {
            index,
            relation: Relation { base, modifiers },
        })
    }

    /// `[ 'sortby' sortKey+ ]` up to the end of the query.
    fn sort_keys(&mut self) -> Result<Vec<SortKey>, CqlError> {
        let mut keys = Vec::new();
        if self.peek().tok == Tok::Eof {
            return Ok(keys);
        }
        self.advance(); // sortby
        loop {
            let token = self.peek();
            match token.tok {
                Tok::Word { text, .. } => {
                    self.advance();
                    let modifiers = self.modifiers()?;
                    keys.push(SortKey {
                        index: text.to_owned(),
                        modifiers,
                    });
                }
                Tok::Eof if !keys.is_empty() => return Ok(keys),
                _ if keys.is_empty() => {
                    return Err(Self::unexpected(token, "a sort key after 'sortby'"));
                }
                _ => {
                    return Err(Self::unexpected(
                        token,
                        "a sort key or the end of the query",
                    ));
                }
            }
        }
    }
}

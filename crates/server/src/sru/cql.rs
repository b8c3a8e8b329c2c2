//! CQL (as parsed by `unicat_cql`) mapped onto the index's query tree and
//! sort orders, with the SRU diagnostic for everything it cannot do.
//!
//! | index | field | relations |
//! |---|---|---|
//! | `cql.serverChoice` (or none), `cql.anywhere`, `cql.keywords` | every keyword field | `=` `==` `adj` `all` `any` |
//! | `cql.allRecords` | everything (term ignored) | any |
//! | `dc.title`, `bath.title`, `bath.keyTitle`, `bath.uniformTitle` | titles | `=` `==` `adj` `all` `any` |
//! | `dc.creator`, `dc.author`, `dc.contributor`, `bath.name`, `bath.author`, `bath.personalName`, `bath.corporateName`, `bath.conferenceName` | names | same |
//! | `dc.subject`, `bath.subject`, `bath.topicalSubject`, `bath.geographicName`, `bath.genreForm` | subjects | same |
//! | `dc.publisher` | publishers | same |
//! | `dc.description`, `bath.notes` | notes, series, edition | same |
//! | `dc.date` | publication year | `=` `==` `<>` `<` `<=` `>` `>=` `within` (`"1990 2000"`); `199*` is a decade |
//! | `dc.identifier`, `bath.standardIdentifier` | ISBN, ISSN, OCLC number, LCCN or cluster id, whichever the term parses as | `=` `==` `adj` `any` `all` |
//! | `bath.isbn`, `bath.issn`, `bath.lccn`, `bath.oclc` | that identifier, normalised | same |
//! | `rec.id`, `rec.identifier` | cluster id | same |
//! | `bath.possessingInstitution` | holding library (id, or its name) | `=` `==` `adj` `any` `all` `<>` |
//! | `dc.type` | format code (`book`, `large-print`, `dvd` …) | `=` `==` `any` |
//! | `dc.language` | language code (`eng`) | `=` `==` `any` |
//!
//! On word indexes `=`, `==` and `adj` match the words as a phrase (one
//! word: that word), `all` every word and `any` any word. A trailing `*`
//! truncates a word on the right. Unprefixed index names are looked up in
//! `dc`, then `bath`, `rec` and `cql`.

use super::xml::Diagnostic;
use std::ops::Bound;
use unicat_bib::{Isbn13, Issn, Lccn, MaterialFormat, OclcNumber};
use unicat_config::Network;
use unicat_cql::{BooleanOp, Masking, Modifier, Node, SearchClause, SortKey, Word};
use unicat_index::{Query, SearchField, Sort};
use unicat_match::ClusterId;

/// Longest CQL query accepted, in characters (diagnostic 12 beyond).
pub(crate) const MAX_QUERY_CHARS: usize = 2000;
/// Most boolean operators in a query (diagnostic 38 beyond).
pub(crate) const MAX_BOOLEANS: usize = 200;

/// The context sets understood, with the identifiers that name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ContextSet {
    Dc,
    Bath,
    Rec,
    Cql,
}

/// `(short name, identifier, other identifiers accepted)`.
pub(crate) const CONTEXT_SETS: &[(ContextSet, &str, &str, &[&str])] = &[
    (
        ContextSet::Dc,
        "dc",
        "info:srw/cql-context-set/1/dc-v1.1",
        &[
            "info:srw/cql-context-set/1/dc-v1.0",
            "http://purl.org/dc/elements/1.1/",
        ],
    ),
    (
        ContextSet::Bath,
        "bath",
        "http://zing.z3950.org/cql/bath/2.0/",
        &["http://zing.z3950.org/cql/bath/2.0"],
    ),
    (
        ContextSet::Rec,
        "rec",
        "info:srw/cql-context-set/2/rec-1.1",
        &["info:srw/cql-context-set/2/rec-1.0"],
    ),
    (
        ContextSet::Cql,
        "cql",
        "info:srw/cql-context-set/1/cql-v1.2",
        &[
            "info:srw/cql-context-set/1/cql-v1.1",
            "info:srw/cql-context-set/1/cql-v1.0",
        ],
    ),
];

/// What an index searches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    /// Words of a keyword field.
    Words(SearchField),
    /// The publication year.
    Year,
    /// An identifier of a kind, or any kind (`None`).
    Identifier(Option<IdKind>),
    /// The holding library.
    Library,
    /// The format code.
    Format,
    /// The language code.
    Language,
    /// Every record.
    All,
}

/// Identifier kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IdKind {
    Isbn,
    Issn,
    Oclc,
    Lccn,
    Cluster,
}

/// One index of the explain record: context set, name, title, target,
/// whether it sorts.
pub(crate) struct IndexDef {
    pub set: ContextSet,
    pub name: &'static str,
    pub title: &'static str,
    pub target: Target,
}

const fn ix(set: ContextSet, name: &'static str, title: &'static str, target: Target) -> IndexDef {
    IndexDef {
        set,
        name,
        title,
        target,
    }
}

use ContextSet::{Bath, Cql, Dc, Rec};
use SearchField as F;

/// Every index, in the order the explain record lists them.
pub(crate) const INDEXES: &[IndexDef] = &[
    ix(
        Cql,
        "serverChoice",
        "Keywords (title, author, subject, publisher, notes)",
        Target::Words(F::Any),
    ),
    ix(Cql, "anywhere", "Keywords anywhere", Target::Words(F::Any)),
    ix(Cql, "keywords", "Keywords", Target::Words(F::Any)),
    ix(
        Cql,
        "allRecords",
        "Every record (the term is ignored)",
        Target::All,
    ),
    ix(Dc, "title", "Title", Target::Words(F::Title)),
    ix(
        Dc,
        "creator",
        "Author or other name",
        Target::Words(F::Author),
    ),
    ix(
        Dc,
        "author",
        "Author or other name",
        Target::Words(F::Author),
    ),
    ix(
        Dc,
        "contributor",
        "Author or other name",
        Target::Words(F::Author),
    ),
    ix(Dc, "subject", "Subject", Target::Words(F::Subject)),
    ix(Dc, "publisher", "Publisher", Target::Words(F::Publisher)),
    ix(
        Dc,
        "description",
        "Notes, series and edition",
        Target::Words(F::Notes),
    ),
    ix(Dc, "date", "Year of publication", Target::Year),
    ix(
        Dc,
        "identifier",
        "ISBN, ISSN, OCLC number, LCCN or cluster id",
        Target::Identifier(None),
    ),
    ix(
        Dc,
        "type",
        "Format (book, large-print, ebook, dvd …)",
        Target::Format,
    ),
    ix(
        Dc,
        "language",
        "Language code (MARC, e.g. eng)",
        Target::Language,
    ),
    ix(Bath, "title", "Title", Target::Words(F::Title)),
    ix(Bath, "keyTitle", "Title", Target::Words(F::Title)),
    ix(Bath, "uniformTitle", "Title", Target::Words(F::Title)),
    ix(
        Bath,
        "name",
        "Author or other name",
        Target::Words(F::Author),
    ),
    ix(
        Bath,
        "author",
        "Author or other name",
        Target::Words(F::Author),
    ),
    ix(
        Bath,
        "personalName",
        "Author or other name",
        Target::Words(F::Author),
    ),
    ix(
        Bath,
        "corporateName",
        "Author or other name",
        Target::Words(F::Author),
    ),
    ix(
        Bath,
        "conferenceName",
        "Author or other name",
        Target::Words(F::Author),
    ),
    ix(Bath, "subject", "Subject", Target::Words(F::Subject)),
    ix(Bath, "topicalSubject", "Subject", Target::Words(F::Subject)),
    ix(Bath, "geographicName", "Subject", Target::Words(F::Subject)),
    ix(Bath, "genreForm", "Subject", Target::Words(F::Subject)),
    ix(
        Bath,
        "notes",
        "Notes, series and edition",
        Target::Words(F::Notes),
    ),
    ix(
        Bath,
        "isbn",
        "ISBN (any form)",
        Target::Identifier(Some(IdKind::Isbn)),
    ),
    ix(Bath, "issn", "ISSN", Target::Identifier(Some(IdKind::Issn))),
    ix(
        Bath,
        "lccn",
        "LCCN (any form)",
        Target::Identifier(Some(IdKind::Lccn)),
    ),
    ix(
        Bath,
        "oclc",
        "OCLC number (any form)",
        Target::Identifier(Some(IdKind::Oclc)),
    ),
    ix(
        Bath,
        "standardIdentifier",
        "ISBN, ISSN, OCLC number or LCCN",
        Target::Identifier(None),
    ),
    ix(
        Bath,
        "possessingInstitution",
        "Holding library (id or name)",
        Target::Library,
    ),
    ix(
        Rec,
        "id",
        "Cluster id",
        Target::Identifier(Some(IdKind::Cluster)),
    ),
    ix(
        Rec,
        "identifier",
        "Cluster id",
        Target::Identifier(Some(IdKind::Cluster)),
    ),
];

impl IndexDef {
    /// The sort this index gives, ascending and descending (None where it
    /// cannot sort that way).
    pub(crate) fn sorts(&self) -> (Option<Sort>, Option<Sort>) {
        match (self.set, self.target) {
            (_, Target::Year) => (Some(Sort::YearOldest), Some(Sort::YearNewest)),
            (Dc | Bath, Target::Words(F::Title)) => (Some(Sort::Title), None),
            _ => (None, None),
        }
    }
}

pub(crate) fn set_name(set: ContextSet) -> &'static str {
    CONTEXT_SETS
        .iter()
        .find(|c| c.0 == set)
        .map(|c| c.1)
        .unwrap_or("")
}

fn set_by_uri(uri: &str) -> Option<ContextSet> {
    let uri = uri.trim();
    CONTEXT_SETS
        .iter()
        .find(|(_, _, id, others)| {
            id.eq_ignore_ascii_case(uri) || others.iter().any(|o| o.eq_ignore_ascii_case(uri))
        })
        .map(|c| c.0)
}

fn set_by_name(name: &str) -> Option<ContextSet> {
    CONTEXT_SETS
        .iter()
        .find(|c| c.1.eq_ignore_ascii_case(name))
        .map(|c| c.0)
}

fn find_index(set: ContextSet, name: &str) -> Option<&'static IndexDef> {
    INDEXES
        .iter()
        .find(|d| d.set == set && d.name.eq_ignore_ascii_case(name))
}

/// Resolves an index as written (with the prefix assignments in scope) to
/// its definition: 15 for an unknown context set, 16 for an unknown index.
fn resolve_index(
    written: &str,
    assigned_uri: Option<&str>,
) -> Result<&'static IndexDef, Diagnostic> {
    let unsupported_index = || Diagnostic::new(16, written);
    let (prefix, name) = match written.split_once('.') {
        Some((p, n)) => (Some(p), n),
        None => (None, written),
    };
    let set = match (assigned_uri, prefix) {
        (Some(uri), _) => Some(set_by_uri(uri).ok_or_else(|| {
            Diagnostic::new(15, uri).with_message(format!(
                "Unsupported context set: {uri} (supported: dc, bath, rec, cql)"
            ))
        })?),
        (None, Some(p)) => Some(set_by_name(p).ok_or_else(|| {
            Diagnostic::new(15, p).with_message(format!(
                "Unsupported context set '{p}' (supported: dc, bath, rec, cql)"
            ))
        })?),
        (None, None) => None,
    };
    match set {
        Some(set) => find_index(set, name).ok_or_else(unsupported_index),
        // Unprefixed and unassigned: the server's choice of context set.
        None => [Dc, Bath, Rec, Cql]
            .into_iter()
            .find_map(|s| find_index(s, name))
            .ok_or_else(unsupported_index),
    }
}

/// A CQL query planned for the index.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Plan {
    pub query: Query,
    pub sort: Sort,
}

/// Parses and maps a CQL query.
pub(crate) fn plan(cql: &str, network: &Network) -> Result<Plan, Diagnostic> {
    if cql.chars().count() > MAX_QUERY_CHARS {
        return Err(
            Diagnostic::new(12, MAX_QUERY_CHARS.to_string()).with_message(format!(
                "Too many characters in query (at most {MAX_QUERY_CHARS})"
            )),
        );
    }
    let options = unicat_cql::ParseOptions::default().with_max_booleans(MAX_BOOLEANS);
    let parsed = unicat_cql::parse_with(cql, &options).map_err(|e| {
        Diagnostic::new(e.diagnostic, cql).with_message(format!(
            "{} (at character {})",
            e.message,
            cql[..e.position.min(cql.len())].chars().count() + 1
        ))
    })?;
    let mapper = Mapper {
        query: &parsed,
        network,
    };
    let query = mapper.node(&parsed.root)?;
    let sort = sort_from_keys(&parsed, &parsed.sort_keys)?;
    Ok(Plan { query, sort })
}

struct Mapper<'a> {
    query: &'a unicat_cql::Query,
    network: &'a Network,
}

impl Mapper<'_> {
    fn node(&self, node: &Node) -> Result<Query, Diagnostic> {
        match node {
            Node::Clause(c) => self.clause(c),
            Node::Boolean {
                op,
                modifiers,
                left,
                right,
            } => {
                if *op == BooleanOp::Prox {
                    return Err(Diagnostic::new(37, "prox")
                        .with_message("Unsupported boolean operator: prox (proximity)"));
                }
                if let Some(m) = modifiers.first() {
                    return Err(Diagnostic::new(46, modifier_text(m)));
                }
                // Chains of one operator (`a or b or c`, left-deep) are
                // flattened so the tree stays shallow.
                let mut operands = vec![right.as_ref()];
                let mut first = left.as_ref();
                while let Node::Boolean {
                    op: inner,
                    modifiers,
                    left,
                    right,
                } = first
                {
                    if inner != op || !modifiers.is_empty() {
                        break;
                    }
                    operands.push(right);
                    first = left;
                }
                operands.push(first);
                operands.reverse();
                let mut mapped = operands
                    .into_iter()
                    .map(|n| self.node(n))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(match op {
                    BooleanOp::And => Query::And(mapped),
                    BooleanOp::Or => Query::Or(mapped),
                    _ => {
                        // a not b not c = a not (b or c)
                        let head = mapped.remove(0);
                        let rest = if mapped.len() == 1 {
                            mapped.pop().expect("one")
                        } else {
                            Query::Or(mapped)
                        };
                        Query::Not(Box::new(head), Box::new(rest))
                    }
                })
            }
        }
    }

    fn clause(&self, c: &SearchClause) -> Result<Query, Diagnostic> {
        let def = match &c.index {
            None => find_index(Cql, "serverChoice").expect("serverChoice is defined"),
            Some(written) => resolve_index(written, self.query.index_context_set(c))?,
        };
        let relation = relation_name(&c.relation.base)?;
        for m in &c.relation.modifiers {
            check_relation_modifier(m)?;
        }
        let words = c.words();
        let index_name = format!("{}.{}", set_name(def.set), def.name);
        let ctx = Clause {
            index: &index_name,
            relation: &relation,
            words: &words,
            raw: c,
        };
        match def.target {
            Target::All => Ok(Query::All),
            Target::Words(field) => ctx.words_query(field),
            Target::Year => ctx.year_query(),
            Target::Identifier(kind) => ctx.values(|v| identifier_query(kind, v)),
            Target::Library => ctx.library_query(self.network),
            Target::Format => ctx.values(|v| {
                MaterialFormat::parse(v)
                    .map(|f| Query::Exact(F::Format, f.code().to_string()))
                    .unwrap_or(Query::Nothing)
            }),
            Target::Language => ctx.values(|v| Query::Exact(F::Language, v.trim().to_lowercase())),
        }
    }
}

/// The relation's base in canonical form; `cql.`-prefixed names are
/// accepted (`cql.exact` is `==`), other prefixes are not (19).
fn relation_name(base: &str) -> Result<String, Diagnostic> {
    let lower = base.to_ascii_lowercase();
    let name = lower.strip_prefix("cql.").unwrap_or(&lower);
    let canonical = match name {
        "exact" => "==",
        "=" | "==" | "<>" | "<" | ">" | "<=" | ">=" | "all" | "any" | "adj" | "within"
        | "encloses" => name,
        _ => return Err(Diagnostic::new(19, base)),
    };
    Ok(canonical.to_string())
}

/// Relation modifiers that describe what the index does anyway are
/// accepted; the rest are diagnostic 20.
fn check_relation_modifier(m: &Modifier) -> Result<(), Diagnostic> {
    let lower = m.name.to_ascii_lowercase();
    let name = lower.strip_prefix("cql.").unwrap_or(&lower);
    match (name, &m.value) {
        ("ignorecase" | "ignoreaccents" | "relevant" | "string" | "word", None) => Ok(()),
        _ => Err(Diagnostic::new(20, modifier_text(m))),
    }
}

fn modifier_text(m: &Modifier) -> String {
    match (&m.comparison, &m.value) {
        (Some(c), Some(v)) => format!("{}{c}{v}", m.name),
        _ => m.name.clone(),
    }
}

struct Clause<'a> {
    index: &'a str,
    relation: &'a str,
    words: &'a [Word],
    raw: &'a SearchClause,
}

impl Clause<'_> {
    fn unsupported_relation(&self) -> Diagnostic {
        Diagnostic::new(19, self.relation).with_message(format!(
            "Unsupported relation '{}' for index {}",
            self.relation, self.index
        ))
    }

    fn empty_term(&self) -> Diagnostic {
        Diagnostic::new(27, self.index)
            .with_message(format!("Empty term unsupported (index {})", self.index))
    }

    /// Anchors are never supported.
    fn check_anchors(&self) -> Result<(), Diagnostic> {
        for w in self.words {
            if w.has_inner_anchor() {
                return Err(Diagnostic::new(32, w.text()));
            }
            if w.anchored_start() || w.anchored_end() {
                return Err(Diagnostic::new(31, "^"));
            }
        }
        Ok(())
    }

    /// Right truncation only: `?` is 28, `*` elsewhere than at the end is
    /// 49, a word that is only masking is 29.
    fn check_masking(&self, word: &Word) -> Result<bool, Diagnostic> {
        use unicat_cql::TermPart;
        match word.masking() {
            Masking::None => Ok(false),
            Masking::Trailing => Ok(true),
            Masking::Other => {
                if word.parts.iter().any(|p| matches!(p, TermPart::OneChar)) {
                    Err(Diagnostic::new(28, "?")
                        .with_message("Masking character not supported: only a trailing * is"))
                } else if word.text().is_empty() {
                    Err(Diagnostic::new(29, "*").with_message(
                        "Masked words too short: give at least one character before *",
                    ))
                } else {
                    Err(Diagnostic::new(49, "*").with_message(
                        "Masking character in unsupported position: * only at the end of a word",
                    ))
                }
            }
        }
    }

    /// No masking at all (identifiers, codes, years).
    fn check_no_masking(&self) -> Result<(), Diagnostic> {
        for w in self.words {
            if w.masking() != Masking::None {
                return Err(Diagnostic::new(28, self.index).with_message(format!(
                    "Masking character not supported by index {}",
                    self.index
                )));
            }
        }
        Ok(())
    }

    fn words_query(&self, field: SearchField) -> Result<Query, Diagnostic> {
        if self.words.is_empty() {
            return Err(self.empty_term());
        }
        self.check_anchors()?;
        let mut masked = Vec::with_capacity(self.words.len());
        for w in self.words {
            masked.push(self.check_masking(w)?);
        }
        let texts: Vec<String> = self.words.iter().map(Word::text).collect();
        let one = |i: usize| -> Query {
            if masked[i] {
                Query::Prefix(field, texts[i].clone())
            } else {
                Query::Words(field, texts[i].clone())
            }
        };
        let combine = |all: bool| -> Query {
            let mut parts: Vec<Query> = (0..texts.len()).map(one).collect();
            if parts.len() == 1 {
                parts.pop().expect("one")
            } else if all {
                Query::And(parts)
            } else {
                Query::Or(parts)
            }
        };
        match self.relation {
            "all" => Ok(combine(true)),
            "any" => Ok(combine(false)),
            "=" | "==" | "adj" => {
                // Extra unquoted terms (`title = a b`) are ANDed, as YAZ does.
                if !self.raw.extra_terms.is_empty() {
                    return Ok(combine(true));
                }
                if texts.len() == 1 {
                    return Ok(one(0));
                }
                if masked.iter().any(|m| *m) {
                    return Err(Diagnostic::new(33, self.raw.term.clone()));
                }
                Ok(Query::Phrase(field, texts.join(" ")))
            }
            _ => Err(self.unsupported_relation()),
        }
    }

    /// A year or (with a trailing `*`) a range of years: `199*` is
    /// 1990–1999.
    fn year_range(&self, w: &Word) -> Result<(i64, i64), Diagnostic> {
        let bad = || {
            Diagnostic::new(36, w.text()).with_message(format!(
                "Term in invalid format for index {}: '{}' is not a year",
                self.index,
                w.text()
            ))
        };
        let text = w.text();
        if text.is_empty() || text.len() > 4 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let v: i64 = text.parse().map_err(|_| bad())?;
        match w.masking() {
            Masking::None => Ok((v, v)),
            Masking::Trailing if self.relation == "=" || self.relation == "==" => {
                let scale = 10i64.pow(4 - text.len() as u32);
                Ok((v * scale, v * scale + scale - 1))
            }
            Masking::Trailing => Err(Diagnostic::new(28, self.index).with_message(format!(
                "Masking character not supported with relation '{}'",
                self.relation
            ))),
            Masking::Other => Err(Diagnostic::new(49, "*")),
        }
    }

    fn year_query(&self) -> Result<Query, Diagnostic> {
        if self.words.is_empty() {
            return Err(self.empty_term());
        }
        self.check_anchors()?;
        let single = || -> Result<(i64, i64), Diagnostic> {
            if self.words.len() != 1 {
                return Err(
                    Diagnostic::new(36, self.raw.term.clone()).with_message(format!(
                        "Term in invalid format for index {}: give one year",
                        self.index
                    )),
                );
            }
            self.year_range(&self.words[0])
        };
        use Bound::{Excluded, Included, Unbounded};
        Ok(match self.relation {
            "=" | "==" => {
                let (lo, hi) = single()?;
                Query::Year(Included(lo), Included(hi))
            }
            "<>" => {
                let (lo, hi) = single()?;
                Query::Not(
                    Box::new(Query::All),
                    Box::new(Query::Year(Included(lo), Included(hi))),
                )
            }
            "<" => Query::Year(Unbounded, Excluded(single()?.0)),
            "<=" => Query::Year(Unbounded, Included(single()?.1)),
            ">" => Query::Year(Excluded(single()?.1), Unbounded),
            ">=" => Query::Year(Included(single()?.0), Unbounded),
            "within" => {
                // "1990 2000" (or "1990-2000"): inclusive.
                let parts: Vec<Word> =
                    if self.words.len() == 1 && self.words[0].text().contains('-') {
                        self.words[0]
                            .text()
                            .split('-')
                            .flat_map(unicat_cql::analyse_term)
                            .collect()
                    } else {
                        self.words.to_vec()
                    };
                if parts.len() != 2 {
                    return Err(Diagnostic::new(36, self.raw.term.clone()).with_message(
                        "Term in invalid format for relation within: give two years, \"1990 2000\"",
                    ));
                }
                let (lo, _) = self.year_range(&parts[0])?;
                let (_, hi) = self.year_range(&parts[1])?;
                Query::Year(Included(lo), Included(hi))
            }
            _ => return Err(self.unsupported_relation()),
        })
    }

    /// Exact-valued indexes: `=`/`==`/`adj` take the whole term as one
    /// value, `any` and `all` each word.
    fn values(&self, one: impl Fn(&str) -> Query) -> Result<Query, Diagnostic> {
        if self.words.is_empty() {
            return Err(self.empty_term());
        }
        self.check_anchors()?;
        self.check_no_masking()?;
        let texts: Vec<String> = self.words.iter().map(Word::text).collect();
        let each = |all: bool| {
            let mut qs: Vec<Query> = texts.iter().map(|t| one(t)).collect();
            if qs.len() == 1 {
                qs.pop().expect("one")
            } else if all {
                Query::And(qs)
            } else {
                Query::Or(qs)
            }
        };
        match self.relation {
            "=" | "==" | "adj" => {
                if !self.raw.extra_terms.is_empty() {
                    Ok(each(true))
                } else {
                    Ok(one(&texts.join(" ")))
                }
            }
            "any" => Ok(each(false)),
            "all" => Ok(each(true)),
            _ => Err(self.unsupported_relation()),
        }
    }

    fn library_query(&self, network: &Network) -> Result<Query, Diagnostic> {
        let lookup = |v: &str| -> Query {
            let v = v.trim();
            let id = network
                .libraries
                .iter()
                .find(|l| l.id.as_str().eq_ignore_ascii_case(v) || l.name.eq_ignore_ascii_case(v))
                .map(|l| l.id.as_str().to_string());
            match id {
                Some(id) => Query::Exact(F::Library, id),
                None => Query::Nothing,
            }
        };
        if self.relation == "<>" {
            let inner = Clause {
                relation: "=",
                ..*self
            };
            let held = inner.values(lookup)?;
            return Ok(Query::Not(Box::new(Query::All), Box::new(held)));
        }
        self.values(lookup)
    }
}

/// One identifier in any written form, normalised as the index stores it;
/// an invalid one matches nothing.
fn identifier_query(kind: Option<IdKind>, value: &str) -> Query {
    let one = |k: IdKind| -> Option<Query> {
        let v = value.trim();
        Some(match k {
            IdKind::Isbn => Query::Exact(F::Isbn, Isbn13::parse(v)?.to_string()),
            IdKind::Issn => Query::Exact(F::Issn, Issn::parse(v)?.to_string()),
            IdKind::Oclc => Query::Exact(F::Oclc, OclcNumber::parse(v)?.to_string()),
            IdKind::Lccn => Query::Exact(F::Lccn, Lccn::parse(v)?.to_string()),
            IdKind::Cluster => Query::Exact(F::Id, ClusterId::parse(v)?.to_string()),
        })
    };
    match kind {
        Some(k) => one(k).unwrap_or(Query::Nothing),
        None => {
            let mut qs: Vec<Query> = [
                IdKind::Isbn,
                IdKind::Issn,
                IdKind::Oclc,
                IdKind::Lccn,
                IdKind::Cluster,
            ]
            .into_iter()
            .filter_map(one)
            .collect();
            match qs.len() {
                0 => Query::Nothing,
                1 => qs.pop().expect("one"),
                _ => Query::Or(qs),
            }
        }
    }
}

/// The sort of a `sortby` clause (one key at most).
fn sort_from_keys(query: &unicat_cql::Query, keys: &[SortKey]) -> Result<Sort, Diagnostic> {
    let Some(key) = keys.first() else {
        return Ok(Sort::Relevance);
    };
    if keys.len() > 1 {
        return Err(Diagnostic::new(84, "1")
            .with_message("Too many sort keys to sort: give one sortby key"));
    }
    let uri = resolve_sort_prefix(&key.index, query);
    let def = resolve_index(&key.index, uri.as_deref())?;
    let mut descending = false;
    for m in &key.modifiers {
        let lower = m.name.to_ascii_lowercase();
        let name = lower.strip_prefix("sort.").unwrap_or(&lower);
        match name {
            "ascending" => descending = false,
            "descending" => descending = true,
            "ignorecase" | "ignoreaccents" => {}
            "respectcase" | "respectaccents" => return Err(Diagnostic::new(91, m.name.clone())),
            _ if name.starts_with("missing") => {
                return Err(Diagnostic::new(92, modifier_text(m)));
            }
            _ => {
                return Err(Diagnostic::new(80, modifier_text(m))
                    .with_message(format!("Unsupported sort modifier '{}'", m.name)));
            }
        }
    }
    sort_of(def, &key.index, descending)
}

/// The context set a sort key's prefix is assigned to in the query.
fn resolve_sort_prefix(index: &str, query: &unicat_cql::Query) -> Option<String> {
    let (prefix, _) = index.split_once('.')?;
    query
        .prefixes
        .iter()
        .rev()
        .find(|p| {
            p.name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(prefix))
        })
        .map(|p| p.uri.clone())
}

fn sort_of(def: &IndexDef, written: &str, descending: bool) -> Result<Sort, Diagnostic> {
    let (asc, desc) = def.sorts();
    match (asc, desc, descending) {
        (Some(s), _, false) | (_, Some(s), true) => Ok(s),
        (Some(_), None, true) => Err(Diagnostic::new(90, "descending").with_message(format!(
            "Unsupported direction: {written} sorts ascending only"
        ))),
        _ => Err(Diagnostic::new(88, written).with_message(format!(
            "Unsupported path for sort: {written} (sort by dc.date or dc.title)"
        ))),
    }
}

/// The SRU 1.1/1.2 `sortKeys` parameter: space-separated keys
/// `path,schema,ascending,caseSensitive,missingValue`.
pub(crate) fn sort_from_param(param: &str) -> Result<Sort, Diagnostic> {
    let keys: Vec<&str> = param.split_whitespace().collect();
    let Some(key) = keys.first() else {
        return Ok(Sort::Relevance);
    };
    if keys.len() > 1 {
        return Err(
            Diagnostic::new(84, "1").with_message("Too many sort keys to sort: give one sort key")
        );
    }
    let mut parts = key.split(',');
    let path = parts.next().unwrap_or("").trim();
    let _schema = parts.next();
    let ascending = parts.next().map(str::trim).unwrap_or("");
    let case = parts.next().map(str::trim).unwrap_or("");
    let missing = parts.next().map(str::trim).unwrap_or("");
    let def = resolve_index(path, None).map_err(|mut d| {
        if d.code == 16 {
            d = Diagnostic::new(88, path);
        }
        d
    })?;
    let descending = match ascending {
        "" | "1" | "true" => false,
        "0" | "false" => true,
        other => return Err(Diagnostic::new(90, other)),
    };
    if !matches!(case, "" | "0" | "false") {
        return Err(Diagnostic::new(91, case));
    }
    if !missing.is_empty() {
        return Err(Diagnostic::new(92, missing));
    }
    sort_of(def, path, descending)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn network() -> Network {
        Network::parse(
            r#"
index_dir = "x"
[[library]]
id = "ccpl"
name = "Cedar County Public Library"
holdings = "852"
[library.source]
kind = "http"
url = "https://example.org/a.mrc"
"#,
            std::path::Path::new("/tmp/network.toml"),
        )
        .unwrap()
    }

    fn q(cql: &str) -> Result<Query, u32> {
        plan(cql, &network()).map(|p| p.query).map_err(|d| d.code)
    }

    #[test]
    fn indexes_map_to_fields() {
        assert_eq!(q("histor*"), Ok(Query::Prefix(F::Any, "histor".into())));
        assert_eq!(
            q("dc.title = \"c programming\""),
            Ok(Query::Phrase(F::Title, "c programming".into()))
        );
        assert_eq!(
            q("dc.creator all \"kernighan ritchie\""),
            Ok(Query::And(vec![
                Query::Words(F::Author, "kernighan".into()),
                Query::Words(F::Author, "ritchie".into())
            ]))
        );
        assert_eq!(
            q("bath.isbn = 0-13-110362-8"),
            Ok(Query::Exact(F::Isbn, "9780131103627".into()))
        );
        assert_eq!(q("bath.isbn = nonsense"), Ok(Query::Nothing));
        assert_eq!(
            q("bath.possessingInstitution = \"cedar county public library\""),
            Ok(Query::Exact(F::Library, "ccpl".into()))
        );
        assert_eq!(
            q("dc.date within \"1990 1999\""),
            Ok(Query::Year(Bound::Included(1990), Bound::Included(1999)))
        );
        assert_eq!(
            q("dc.date = 199*"),
            Ok(Query::Year(Bound::Included(1990), Bound::Included(1999)))
        );
        assert_eq!(
            q("> d = \"info:srw/cql-context-set/1/dc-v1.1\" d.title = x"),
            Ok(Query::Words(F::Title, "x".into()))
        );
        assert_eq!(q("title = x"), Ok(Query::Words(F::Title, "x".into())));
        assert_eq!(q("cql.allRecords = 1"), Ok(Query::All));
    }

    #[test]
    fn booleans_flatten() {
        assert_eq!(
            q("a or b or c"),
            Ok(Query::Or(vec![
                Query::Words(F::Any, "a".into()),
                Query::Words(F::Any, "b".into()),
                Query::Words(F::Any, "c".into())
            ]))
        );
        assert!(matches!(q("a not b not c"), Ok(Query::Not(_, _))));
        let long = vec!["x"; 150].join(" and ");
        assert!(matches!(q(&long), Ok(Query::And(v)) if v.len() == 150));
    }

    #[test]
    fn diagnostics() {
        assert_eq!(q("dc.title ="), Err(10));
        assert_eq!(q(&"a ".repeat(1500)), Err(12));
        assert_eq!(q("foo.title = x"), Err(15));
        assert_eq!(q("> f = \"urn:nothing\" f.title = x"), Err(15));
        assert_eq!(q("dc.nothing = x"), Err(16));
        assert_eq!(q("dc.title < x"), Err(19));
        assert_eq!(q("dc.title =/stem x"), Err(20));
        assert_eq!(q("dc.title = \"\""), Err(27));
        assert_eq!(q("dc.title = wom?n"), Err(28));
        assert_eq!(q("dc.title = *"), Err(29));
        assert_eq!(q("dc.title = *ology"), Err(49));
        assert_eq!(q("dc.title = ^a"), Err(31));
        assert_eq!(q("a prox b"), Err(37));
        assert_eq!(q("a and/rel.combine=sum b"), Err(46));
        assert_eq!(q("dc.date = soon"), Err(36));
        assert_eq!(q(&vec!["x"; 300].join(" or ")), Err(38));
    }

    #[test]
    fn sorting() {
        let s = |cql: &str| plan(cql, &network()).map(|p| p.sort).map_err(|d| d.code);
        assert_eq!(s("a"), Ok(Sort::Relevance));
        assert_eq!(s("a sortby dc.date"), Ok(Sort::YearOldest));
        assert_eq!(s("a sortby dc.date/sort.descending"), Ok(Sort::YearNewest));
        assert_eq!(s("a sortby dc.title"), Ok(Sort::Title));
        assert_eq!(s("a sortby dc.title/sort.descending"), Err(90));
        assert_eq!(s("a sortby dc.subject"), Err(88));
        assert_eq!(s("a sortby dc.date dc.title"), Err(84));
        assert_eq!(sort_from_param("dc.date,,0"), Ok(Sort::YearNewest));
        assert_eq!(sort_from_param("dc.title,,1"), Ok(Sort::Title));
        assert_eq!(
            sort_from_param("dc.nothing,,1").map_err(|d| d.code),
            Err(88)
        );
    }
}

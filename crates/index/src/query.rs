//! Queries as the catalog means them, independent of tantivy: the query
//! language and CQL both parse into [`Query`]; only this module knows how
//! tantivy runs it.

use crate::schema::{Fields, analyzer};
use std::ops::Bound;
use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, EmptyQuery, Occur, PhrasePrefixQuery, PhraseQuery,
    Query as TQuery, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TokenStream;

/// Where a condition looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SearchField {
    /// Title, author, subject, publisher and notes.
    Any,
    /// Titles (with alternate and original-script titles).
    Title,
    /// Authors and other names.
    Author,
    /// Subjects.
    Subject,
    /// Publishers.
    Publisher,
    /// Notes, series, edition.
    Notes,
    /// ISBN-13 (exact).
    Isbn,
    /// ISSN (exact, `NNNN-NNNC`).
    Issn,
    /// OCLC number (exact digits).
    Oclc,
    /// LCCN (exact, normalised).
    Lccn,
    /// Holding library id (exact).
    Library,
    /// Format code (exact).
    Format,
    /// Language code (exact).
    Language,
    /// Cluster id (exact).
    Id,
}

impl SearchField {
    /// True for fields matched exactly, not by words.
    pub fn is_exact(self) -> bool {
        matches!(
            self,
            SearchField::Isbn
                | SearchField::Issn
                | SearchField::Oclc
                | SearchField::Lccn
                | SearchField::Library
                | SearchField::Format
                | SearchField::Language
                | SearchField::Id
        )
    }
}

/// A search, as a tree.
#[derive(Clone, Debug, PartialEq)]
pub enum Query {
    /// Everything.
    All,
    /// Nothing (a well-formed query that cannot match, such as an invalid
    /// ISBN).
    Nothing,
    /// Every word must occur in the field.
    Words(SearchField, String),
    /// Any of the words may occur.
    AnyWords(SearchField, String),
    /// The words in this order.
    Phrase(SearchField, String),
    /// A word beginning with this (right truncation: `histor*`).
    Prefix(SearchField, String),
    /// An exact value of an exact field.
    Exact(SearchField, String),
    /// Publication year in a range (inclusive bounds).
    Year(Bound<i64>, Bound<i64>),
    /// All must match.
    And(Vec<Query>),
    /// At least one must match.
    Or(Vec<Query>),
    /// The first, without the second.
    Not(Box<Query>, Box<Query>),
}

const ANY_FIELDS: &[(SearchField, f32)] = &[
    (SearchField::Title, 3.0),
    (SearchField::Author, 2.0),
    (SearchField::Subject, 1.2),
    (SearchField::Publisher, 1.0),
    (SearchField::Notes, 0.6),
];

fn field_of(f: &Fields, sf: SearchField) -> Field {
    match sf {
        SearchField::Any | SearchField::Title => f.title,
        SearchField::Author => f.author,
        SearchField::Subject => f.subject,
        SearchField::Publisher => f.publisher,
        SearchField::Notes => f.notes,
        SearchField::Isbn => f.isbn,
        SearchField::Issn => f.issn,
        SearchField::Oclc => f.oclc,
        SearchField::Lccn => f.lccn,
        SearchField::Library => f.library,
        SearchField::Format => f.format,
        SearchField::Language => f.language,
        SearchField::Id => f.id,
    }
}

/// Analyses text as the keyword fields are analysed.
pub fn tokens(text: &str) -> Vec<String> {
    let mut a = analyzer();
    let mut stream = a.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

fn term_query(field: Field, text: &str) -> Box<dyn TQuery> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    ))
}

/// A word in one field, or (for `Any`) in any keyword field, boosted.
fn word(f: &Fields, sf: SearchField, token: &str, prefix: bool) -> Box<dyn TQuery> {
    let one = |field: Field| -> Box<dyn TQuery> {
        if prefix {
            Box::new(PhrasePrefixQuery::new(vec![Term::from_field_text(
                field, token,
            )]))
        } else {
            term_query(field, token)
        }
    };
    if sf == SearchField::Any {
        Box::new(BooleanQuery::new(
            ANY_FIELDS
                .iter()
                .map(|(s, boost)| {
                    (
                        Occur::Should,
                        Box::new(BoostQuery::new(one(field_of(f, *s)), *boost)) as Box<dyn TQuery>,
                    )
                })
                .collect(),
        ))
    } else if sf == SearchField::Title {
        Box::new(BoostQuery::new(one(f.title), 3.0))
    } else {
        one(field_of(f, sf))
    }
}

fn phrase(f: &Fields, sf: SearchField, toks: &[String]) -> Box<dyn TQuery> {
    let one = |field: Field| -> Box<dyn TQuery> {
        if toks.len() == 1 {
            term_query(field, &toks[0])
        } else {
            Box::new(PhraseQuery::new(
                toks.iter()
                    .map(|t| Term::from_field_text(field, t))
                    .collect(),
            ))
        }
    };
    if sf == SearchField::Any {
        Box::new(BooleanQuery::new(
            ANY_FIELDS
                .iter()
                .map(|(s, boost)| {
                    (
                        Occur::Should,
                        Box::new(BoostQuery::new(one(field_of(f, *s)), *boost)) as Box<dyn TQuery>,
                    )
                })
                .collect(),
        ))
    } else {
        one(field_of(f, sf))
    }
}

impl Query {
    /// True when nothing in the tree can match anything.
    pub fn is_nothing(&self) -> bool {
        matches!(self, Query::Nothing)
    }

    pub(crate) fn to_tantivy(&self, f: &Fields) -> Box<dyn TQuery> {
        match self {
            Query::All => Box::new(AllQuery),
            Query::Nothing => Box::new(EmptyQuery),
            Query::Words(sf, text) | Query::AnyWords(sf, text) => {
                if sf.is_exact() {
                    return term_query(field_of(f, *sf), text);
                }
                let toks = tokens(text);
                if toks.is_empty() {
                    return Box::new(EmptyQuery);
                }
                let occur = if matches!(self, Query::Words(..)) {
                    Occur::Must
                } else {
                    Occur::Should
                };
                Box::new(BooleanQuery::new(
                    toks.iter()
                        .map(|t| (occur, word(f, *sf, t, false)))
                        .collect(),
                ))
            }
            Query::Phrase(sf, text) => {
                if sf.is_exact() {
                    return term_query(field_of(f, *sf), text);
                }
                let toks = tokens(text);
                if toks.is_empty() {
                    Box::new(EmptyQuery)
                } else {
                    phrase(f, *sf, &toks)
                }
            }
            Query::Prefix(sf, text) => {
                if sf.is_exact() {
                    return Box::new(PhrasePrefixQuery::new(vec![Term::from_field_text(
                        field_of(f, *sf),
                        text,
                    )]));
                }
                let toks = tokens(text);
                match toks.split_last() {
                    None => Box::new(EmptyQuery),
                    Some((last, rest)) => {
                        let mut clauses: Vec<(Occur, Box<dyn TQuery>)> = rest
                            .iter()
                            .map(|t| (Occur::Must, word(f, *sf, t, false)))
                            .collect();
                        clauses.push((Occur::Must, word(f, *sf, last, true)));
                        Box::new(BooleanQuery::new(clauses))
                    }
                }
            }
            Query::Exact(sf, value) => term_query(field_of(f, *sf), value),
            Query::Year(lo, hi) => {
                let t = |b: &Bound<i64>| match b {
                    Bound::Included(v) => Bound::Included(Term::from_field_i64(f.year, *v)),
                    Bound::Excluded(v) => Bound::Excluded(Term::from_field_i64(f.year, *v)),
                    Bound::Unbounded => Bound::Unbounded,
                };
                Box::new(RangeQuery::new(t(lo), t(hi)))
            }
            Query::And(qs) => {
                if qs.is_empty() {
                    return Box::new(AllQuery);
                }
                Box::new(BooleanQuery::new(
                    qs.iter().map(|q| (Occur::Must, q.to_tantivy(f))).collect(),
                ))
            }
            Query::Or(qs) => {
                if qs.is_empty() {
                    return Box::new(EmptyQuery);
                }
                Box::new(BooleanQuery::new(
                    qs.iter()
                        .map(|q| (Occur::Should, q.to_tantivy(f)))
                        .collect(),
                ))
            }
            Query::Not(a, b) => Box::new(BooleanQuery::new(vec![
                (Occur::Must, a.to_tantivy(f)),
                (Occur::MustNot, b.to_tantivy(f)),
            ])),
        }
    }
}

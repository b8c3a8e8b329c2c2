//! Queries as the catalog means them, independent of tantivy: the query
//! language and CQL both parse into [`Query`]; only this module knows how
//! tantivy runs it.

use crate::schema::{Fields, analyzer};
use std::ops::Bound;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, FuzzyTermQuery, Occur,
    PhrasePrefixQuery, PhraseQuery, Query as TQuery, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TokenStream;
use tantivy::{Searcher, Term};

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
    /// A patron's plain words, ranked for the known item (see [`Text`]).
    Text(Text),
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

/// A patron's plain words, as a search box takes them: each word must occur
/// in some keyword field (or, with [`Text::minimum`], most of them), and
/// the ranking puts the known item first:
///
/// 1. a title equal to the words (folded, a leading article aside) first;
/// 2. then a title equal to the first or last words, the rest found
///    elsewhere (title + author, author + title);
/// 3. then the words as a phrase in the title;
/// 4. then BM25 over the fields, a title word counting most, then the main
///    entry, other names, subjects, publisher and notes;
/// 5. a close spelling of a title or author word (with [`Text::fuzzy`];
///    same first letter) matches, scored below the word itself;
/// 6. more holding libraries break ties (applied by the search).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Text {
    /// The words that must match.
    pub words: String,
    /// Words that only rank (a pasted statement of responsibility).
    pub optional: String,
    /// Title and author words of 5+ letters also match within one edit
    /// (two for 8+ letters), first letter kept, below the exact word.
    pub fuzzy: bool,
    /// How many of the words must match.
    pub minimum: Minimum,
}

/// How many of a [`Text`]'s words must match.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Minimum {
    /// Every word.
    #[default]
    All,
    /// Most of them ([`most_of`]).
    Most,
    /// A third of them, at least one (a long pasted citation whose
    /// statement of responsibility the record does not carry).
    Third,
}

impl Minimum {
    /// Words required of `n`.
    pub fn of(self, n: usize) -> usize {
        match self {
            Minimum::All => n,
            Minimum::Most => most_of(n),
            Minimum::Third => n.div_ceil(3).max(1),
        }
    }
}

impl Text {
    /// Plain words, every one required, no fuzzy matching.
    pub fn words(words: impl Into<String>) -> Text {
        Text {
            words: words.into(),
            ..Text::default()
        }
    }
}

/// How many of `n` words "most of the words" is: all but one up to four
/// words, three quarters beyond (Solr's `mm` of `2<-1 4<75%`), at least one.
pub fn most_of(n: usize) -> usize {
    match n {
        0 | 1 => 1,
        2..=4 => n - 1,
        _ => (n * 3 / 4).max(1),
    }
}

/// The edit distance a word may be mistyped by and still match (0: none).
pub fn fuzzy_distance(word: &str) -> u8 {
    if word.bytes().any(|b| b.is_ascii_digit()) {
        return 0;
    }
    match word.chars().count() {
        0..=4 => 0,
        5..=7 => 1,
        _ => 2,
    }
}

/// A title's key: its words as indexed, a leading article dropped. Two
/// titles with the same key are the same title to a patron.
pub fn title_key(text: &str) -> String {
    let mut joined = String::with_capacity(text.len());
    for_each_token(text, |t| {
        if !joined.is_empty() {
            joined.push(' ');
        }
        joined.push_str(t);
    });
    let kept = unicat_bib::fold::strip_leading_article(&joined).len();
    joined.split_off(joined.len() - kept)
}

/// A title key as the index holds it ([`IndexField::TitleKey`]): a stable
/// 64-bit hash of the key, in hex. Keys are long and nearly every one is
/// a term of its own: as text they made the term dictionary a large part
/// of indexing; as 16 hex digits they cost a third (the hash is injective
/// on keys of one length, and 2^64 values make a collision between keys of
/// different lengths unlikely in any catalogue).
///
/// [`IndexField::TitleKey`]: crate::IndexField::TitleKey
pub fn title_key_term(key: &str) -> String {
    format!("{:016x}", unicat_bib::content_hash(key.as_bytes()))
}

fn key_of(toks: &[String]) -> String {
    let joined = toks.join(" ");
    unicat_bib::fold::strip_leading_article(&joined).to_string()
}

/// Flat bonuses (added to BM25 scores of a few tens) that order the kinds of
/// match: all words (when most are asked) > whole title > title + author >
/// title phrase > scattered words.
pub const ALL_WORDS_BONUS: f32 = 4000.0;
pub const EXACT_TITLE_BONUS: f32 = 2000.0;
pub const PART_TITLE_BONUS: f32 = 1000.0;
pub const TITLE_PHRASE_BONUS: f32 = 400.0;
/// A close spelling's constant score (a title word scores 3 × BM25).
pub const FUZZY_SCORE: f32 = 0.5;
/// A statement-of-responsibility word, relative to the same word required.
pub const OPTIONAL_WEIGHT: f32 = 0.3;

pub const ANY_FIELDS: &[(SearchField, f32)] = &[
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

thread_local! {
    /// One analyzer per thread: building one (its boxed filters) per call
    /// cost more than analysing a title.
    static ANALYZER: std::cell::RefCell<tantivy::tokenizer::TextAnalyzer> =
        std::cell::RefCell::new(analyzer());
}

/// Calls `f` with each word of `text` as the keyword fields analyse it.
/// `f` must not analyse text itself.
fn for_each_token(text: &str, mut f: impl FnMut(&str)) {
    ANALYZER.with_borrow_mut(|a| {
        let mut stream = a.token_stream(text);
        while stream.advance() {
            f(&stream.token().text);
        }
    });
}

/// Analyses text as the keyword fields are analysed.
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_token(text, |t| out.push(t.to_string()));
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
        let mut clauses: Vec<(Occur, Box<dyn TQuery>)> = ANY_FIELDS
            .iter()
            .map(|(s, boost)| {
                (
                    Occur::Should,
                    Box::new(BoostQuery::new(one(field_of(f, *s)), *boost)) as Box<dyn TQuery>,
                )
            })
            .collect();
        clauses.push((
            Occur::Should,
            Box::new(BoostQuery::new(one(f.main_entry), MAIN_ENTRY_BOOST)),
        ));
        Box::new(BooleanQuery::new(clauses))
    } else if sf == SearchField::Title {
        Box::new(BoostQuery::new(one(f.title), 3.0))
    } else {
        one(field_of(f, sf))
    }
}

/// The main entry's words count this much beyond their weight as names.
pub const MAIN_ENTRY_BOOST: f32 = 1.0;

/// A word of a [`Text`]: in any keyword field, or close to a title or an
/// author word.
fn text_word(f: &Fields, token: &str, fuzzy: bool) -> Box<dyn TQuery> {
    let exact = word(f, SearchField::Any, token, false);
    let distance = if fuzzy { fuzzy_distance(token) } else { 0 };
    if distance == 0 {
        return exact;
    }
    let close = |field: Field| -> (Occur, Box<dyn TQuery>) {
        (
            Occur::Should,
            Box::new(BoostQuery::new(
                Box::new(CloseWords {
                    term: Term::from_field_text(field, token),
                    distance,
                }),
                FUZZY_SCORE,
            )),
        )
    };
    Box::new(BooleanQuery::new(vec![
        (Occur::Should, exact),
        close(f.title),
        close(f.author),
    ]))
}

/// The words of a field within `distance` edits of a word that begin with
/// its first letter (a typing slip is rarely in the first letter, and the
/// term dictionary is then walked under that letter only: a tenth to a
/// twentieth of the work of tantivy's `FuzzyTermQuery`, which it otherwise
/// is). Every match scores the same.
#[derive(Clone, Debug)]
struct CloseWords {
    term: Term,
    distance: u8,
}

/// The bytes of a word's first character.
pub(crate) fn first_letter(word: &str) -> &[u8] {
    let end = word.chars().next().map_or(0, char::len_utf8);
    &word.as_bytes()[..end]
}

impl TQuery for CloseWords {
    fn weight(
        &self,
        _scoring: tantivy::query::EnableScoring<'_>,
    ) -> tantivy::Result<Box<dyn tantivy::query::Weight>> {
        let automaton = FuzzyTermQuery::new(self.term.clone(), self.distance, true).automaton()?;
        let value = self.term.value();
        let word = value.as_str().unwrap_or("");
        // The "JSON path" of an automaton weight only bounds the terms
        // walked to those starting with it: here, the first letter.
        Ok(Box::new(
            tantivy::query::AutomatonWeight::new_for_json_path(
                self.term.field(),
                automaton,
                first_letter(word),
            ),
        ))
    }
}

fn bonus(q: Box<dyn TQuery>, score: f32) -> (Occur, Box<dyn TQuery>) {
    (Occur::Should, Box::new(ConstScoreQuery::new(q, score)))
}

/// A word in more than this share of the documents is common: it ranks
/// but does not count towards "most of the words" (walking its postings
/// for every document would cost more than the rest of the search), and it
/// is not matched by close spellings (a common word is spelt right).
pub const COMMON_SHARE: u64 = 50;
/// ... and in more than this many documents (a small catalogue has no
/// common words).
pub const COMMON_FLOOR: u64 = 1000;
/// Close spellings are matched for queries of at most this many words; a
/// slip in a longer one (a pasted citation) is left to "most of the words".
pub const MAX_FUZZY_WORDS: usize = 10;
/// Title + author: a title equal to the words but the first or last few
/// (at most this many, the names).
pub const MAX_NAME_WORDS: usize = 4;

fn is_common(f: &Fields, searcher: &Searcher, token: &str) -> bool {
    let limit = (searcher.num_docs() / COMMON_SHARE).max(COMMON_FLOOR);
    [f.title, f.notes].into_iter().any(|field| {
        searcher
            .doc_freq(&Term::from_field_text(field, token))
            .is_ok_and(|n| n > limit)
    })
}

fn text_query(f: &Fields, searcher: &Searcher, text: &Text) -> Box<dyn TQuery> {
    let mut toks = tokens(&text.words);
    let mut optional = tokens(&text.optional);
    if toks.is_empty() {
        std::mem::swap(&mut toks, &mut optional);
    }
    if toks.is_empty() {
        return Box::new(EmptyQuery);
    }
    let n = toks.len();
    let relaxed = text.minimum != Minimum::All && n > 1;
    let common: Vec<bool> = if text.fuzzy || relaxed {
        toks.iter().map(|t| is_common(f, searcher, t)).collect()
    } else {
        vec![false; n]
    };
    let fuzzy = text.fuzzy && n <= MAX_FUZZY_WORDS;
    let clause = |i: usize| text_word(f, &toks[i], fuzzy && !common[i]);
    let mut clauses: Vec<(Occur, Box<dyn TQuery>)> = Vec::with_capacity(2 * n + 4);
    if relaxed {
        // Most of the uncommon words (of all of them when every one is
        // common); the common ones only rank.
        let rare: Vec<usize> = (0..n).filter(|&i| !common[i]).collect();
        let counted: Vec<usize> = if rare.is_empty() {
            (0..n).collect()
        } else {
            rare
        };
        clauses.push((
            Occur::Must,
            Box::new(BooleanQuery::with_minimum_required_clauses(
                counted
                    .iter()
                    .map(|&i| (Occur::Should, clause(i)))
                    .collect(),
                text.minimum.of(counted.len()),
            )),
        ));
        clauses.extend(
            (0..n)
                .filter(|i| !counted.contains(i))
                .map(|i| (Occur::Should, clause(i))),
        );
        clauses.push(bonus(
            Box::new(BooleanQuery::new(
                (0..n).map(|i| (Occur::Must, clause(i))).collect(),
            )),
            ALL_WORDS_BONUS,
        ));
    } else {
        clauses.extend((0..n).map(|i| (Occur::Must, clause(i))));
    }
    let key = |part: &[String]| -> Box<dyn TQuery> {
        Box::new(TermQuery::new(
            Term::from_field_text(f.title_key, &title_key_term(&key_of(part))),
            IndexRecordOption::Basic,
        ))
    };
    clauses.push(bonus(key(&toks), EXACT_TITLE_BONUS));
    for k in 1..n {
        let share = k as f32 / n as f32;
        if n - k <= MAX_NAME_WORDS {
            clauses.push(bonus(key(&toks[..k]), PART_TITLE_BONUS * (1.0 + share)));
        }
        if k <= MAX_NAME_WORDS {
            clauses.push(bonus(key(&toks[k..]), PART_TITLE_BONUS * (2.0 - share)));
        }
    }
    if n > 1 {
        clauses.push(bonus(
            Box::new(PhraseQuery::new(
                toks.iter()
                    .map(|t| Term::from_field_text(f.title, t))
                    .collect(),
            )),
            TITLE_PHRASE_BONUS,
        ));
    }
    for t in &optional {
        clauses.push((
            Occur::Should,
            Box::new(BoostQuery::new(
                word(f, SearchField::Any, t, false),
                OPTIONAL_WEIGHT,
            )),
        ));
    }
    Box::new(BooleanQuery::new(clauses))
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

    pub(crate) fn to_tantivy(&self, f: &Fields, searcher: &Searcher) -> Box<dyn TQuery> {
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
            Query::Text(text) => text_query(f, searcher, text),
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
                    qs.iter()
                        .map(|q| (Occur::Must, q.to_tantivy(f, searcher)))
                        .collect(),
                ))
            }
            Query::Or(qs) => {
                if qs.is_empty() {
                    return Box::new(EmptyQuery);
                }
                Box::new(BooleanQuery::new(
                    qs.iter()
                        .map(|q| (Occur::Should, q.to_tantivy(f, searcher)))
                        .collect(),
                ))
            }
            Query::Not(a, b) => Box::new(BooleanQuery::new(vec![
                (Occur::Must, a.to_tantivy(f, searcher)),
                (Occur::MustNot, b.to_tantivy(f, searcher)),
            ])),
        }
    }
}

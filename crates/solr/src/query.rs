//! The index crate's [`Query`] tree in Solr's JSON Query DSL, clause for
//! clause as `unicat-index` builds it for tantivy (same fields, boosts and
//! bonuses).
//!
//! User text never reaches a Solr query parser: words are folded by
//! [`unicat_index::tokens`] and sent as the value of a `term`, `field` or
//! `prefix` query (a local parameter's value, which Solr does not parse
//! again); the two places that need the Lucene syntax (a close spelling,
//! `word~1`, and a year range) receive a folded word with every character
//! but letters and digits escaped, and numbers. So `*:*`, `{!…}` local
//! parameters, `_query_:` and unbalanced syntax are words like any other.

use serde_json::{Value, json};
use std::ops::Bound;
use unicat_index::ranking::{
    ALL_WORDS_BONUS, ANY_FIELDS, EXACT_TITLE_BONUS, FUZZY_SCORE, MAIN_ENTRY_BOOST, MAX_FUZZY_WORDS,
    MAX_NAME_WORDS, OPTIONAL_WEIGHT, PART_TITLE_BONUS, TITLE_PHRASE_BONUS,
};
use unicat_index::{IndexField, Minimum, Query, SearchField, Text, fuzzy_distance, tokens};

/// The Solr field a search field looks in.
pub fn field_name(sf: SearchField) -> &'static str {
    match sf {
        SearchField::Any | SearchField::Title => IndexField::Title.name(),
        SearchField::Author => IndexField::Author.name(),
        SearchField::Subject => IndexField::Subject.name(),
        SearchField::Publisher => IndexField::Publisher.name(),
        SearchField::Notes => IndexField::Notes.name(),
        SearchField::Isbn => IndexField::Isbn.name(),
        SearchField::Issn => IndexField::Issn.name(),
        SearchField::Oclc => IndexField::Oclc.name(),
        SearchField::Lccn => IndexField::Lccn.name(),
        SearchField::Library => IndexField::Library.name(),
        SearchField::Format => IndexField::Format.name(),
        SearchField::Language => IndexField::Language.name(),
        SearchField::Id => IndexField::Id.name(),
    }
}

/// Escapes a word for the Lucene syntax: every character but a letter or
/// a digit gets a backslash.
pub fn escape(word: &str) -> String {
    let mut out = String::with_capacity(word.len() + 4);
    for c in word.chars() {
        if !c.is_alphanumeric() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

pub(crate) fn term(field: &str, value: &str) -> Value {
    json!({"term": {"f": field, "query": value}})
}

fn nothing() -> Value {
    // No document has an empty id.
    json!({"bool": {"must_not": [everything()], "must": [term("id", "\u{1}")]}})
}

fn everything() -> Value {
    json!({"lucene": {"query": "*:*"}})
}

fn boost(q: Value, by: f32) -> Value {
    json!({"boost": {"query": q, "b": format!("{by}")}})
}

/// Matches as `q` does, scoring `score` whatever the match.
fn constant(q: Value, score: f32) -> Value {
    json!({"bool": {"must": [{"func": {"query": format!("{score}")}}], "filter": [q]}})
}

fn all_of(qs: Vec<Value>) -> Value {
    json!({"bool": {"must": qs}})
}

fn any_of(qs: Vec<Value>) -> Value {
    json!({"bool": {"should": qs}})
}

fn phrase_in(field: &str, toks: &[String]) -> Value {
    if toks.len() == 1 {
        term(field, &toks[0])
    } else {
        json!({"field": {"f": field, "query": toks.join(" ")}})
    }
}

/// A word in one field, or (for `Any`) in any keyword field, boosted.
fn word(sf: SearchField, token: &str, prefix: bool) -> Value {
    let one = |field: &str| -> Value {
        if prefix {
            json!({"prefix": {"f": field, "query": token}})
        } else {
            term(field, token)
        }
    };
    match sf {
        SearchField::Any => {
            let mut clauses: Vec<Value> = ANY_FIELDS
                .iter()
                .map(|(s, b)| boost(one(field_name(*s)), *b))
                .collect();
            clauses.push(boost(one(IndexField::MainEntry.name()), MAIN_ENTRY_BOOST));
            any_of(clauses)
        }
        SearchField::Title => boost(one(IndexField::Title.name()), 3.0),
        _ => one(field_name(sf)),
    }
}

/// Words within `distance` edits of `token` that begin with its first
/// letter (as the tantivy side's `CloseWords`), every one scoring the same.
fn close(field: &str, token: &str, distance: u8) -> Value {
    let first: String = token.chars().take(1).collect();
    constant(
        json!({"bool": {"filter": [
            {"lucene": {"query": format!("{field}:{}~{distance}", escape(token))}},
            {"prefix": {"f": field, "query": first}},
        ]}}),
        FUZZY_SCORE,
    )
}

fn text_word(token: &str, fuzzy: bool) -> Value {
    let exact = word(SearchField::Any, token, false);
    let distance = if fuzzy { fuzzy_distance(token) } else { 0 };
    if distance == 0 {
        return exact;
    }
    any_of(vec![
        exact,
        close(IndexField::Title.name(), token, distance),
        close(IndexField::Author.name(), token, distance),
    ])
}

fn key_of(toks: &[String]) -> String {
    unicat_index::title_key(&toks.join(" "))
}

fn text_query(text: &Text, common: &dyn Fn(&str) -> bool) -> Value {
    let mut toks = tokens(&text.words);
    let mut optional = tokens(&text.optional);
    if toks.is_empty() {
        std::mem::swap(&mut toks, &mut optional);
    }
    if toks.is_empty() {
        return nothing();
    }
    let n = toks.len();
    let relaxed = text.minimum != Minimum::All && n > 1;
    let common: Vec<bool> = if text.fuzzy || relaxed {
        toks.iter().map(|t| common(t)).collect()
    } else {
        vec![false; n]
    };
    let fuzzy = text.fuzzy && n <= MAX_FUZZY_WORDS;
    let clause = |i: usize| text_word(&toks[i], fuzzy && !common[i]);
    let mut must: Vec<Value> = Vec::new();
    let mut should: Vec<Value> = Vec::new();
    if relaxed {
        let rare: Vec<usize> = (0..n).filter(|&i| !common[i]).collect();
        let counted: Vec<usize> = if rare.is_empty() {
            (0..n).collect()
        } else {
            rare
        };
        must.push(json!({"bool": {
            "should": counted.iter().map(|&i| clause(i)).collect::<Vec<_>>(),
            "mm": text.minimum.of(counted.len()),
        }}));
        should.extend((0..n).filter(|i| !counted.contains(i)).map(&clause));
        should.push(constant(
            all_of((0..n).map(&clause).collect()),
            ALL_WORDS_BONUS,
        ));
    } else {
        must.extend((0..n).map(clause));
    }
    let key = |part: &[String]| {
        term(
            IndexField::TitleKey.name(),
            &unicat_index::title_key_term(&key_of(part)),
        )
    };
    should.push(constant(key(&toks), EXACT_TITLE_BONUS));
    for k in 1..n {
        let share = k as f32 / n as f32;
        if n - k <= MAX_NAME_WORDS {
            should.push(constant(key(&toks[..k]), PART_TITLE_BONUS * (1.0 + share)));
        }
        if k <= MAX_NAME_WORDS {
            should.push(constant(key(&toks[k..]), PART_TITLE_BONUS * (2.0 - share)));
        }
    }
    if n > 1 {
        should.push(constant(
            phrase_in(IndexField::Title.name(), &toks),
            TITLE_PHRASE_BONUS,
        ));
    }
    for t in &optional {
        should.push(boost(word(SearchField::Any, t, false), OPTIONAL_WEIGHT));
    }
    json!({"bool": {"must": must, "should": should}})
}

fn phrase(sf: SearchField, toks: &[String]) -> Value {
    if sf == SearchField::Any {
        any_of(
            ANY_FIELDS
                .iter()
                .map(|(s, b)| boost(phrase_in(field_name(*s), toks), *b))
                .collect(),
        )
    } else {
        phrase_in(field_name(sf), toks)
    }
}

fn year_bound(b: &Bound<i64>, low: bool) -> String {
    match (b, low) {
        (Bound::Included(v), true) => format!("[{v}"),
        (Bound::Excluded(v), true) => format!("{{{v}"),
        (Bound::Unbounded, true) => "[*".into(),
        (Bound::Included(v), false) => format!("{v}]"),
        (Bound::Excluded(v), false) => format!("{v}}}"),
        (Bound::Unbounded, false) => "*]".into(),
    }
}

/// The query in Solr's JSON Query DSL. `common` says whether a folded word
/// is common (in more than 2 % of the clusters and 1,000 of them): it ranks
/// but is not counted towards "most of the words", as on tantivy.
pub fn to_solr(q: &Query, common: &dyn Fn(&str) -> bool) -> Value {
    match q {
        Query::All => everything(),
        Query::Nothing => nothing(),
        Query::Words(sf, text) | Query::AnyWords(sf, text) => {
            if sf.is_exact() {
                return term(field_name(*sf), text);
            }
            let toks = tokens(text);
            if toks.is_empty() {
                return nothing();
            }
            let clauses: Vec<Value> = toks.iter().map(|t| word(*sf, t, false)).collect();
            if matches!(q, Query::Words(..)) {
                all_of(clauses)
            } else {
                any_of(clauses)
            }
        }
        Query::Text(text) => text_query(text, common),
        Query::Phrase(sf, text) => {
            if sf.is_exact() {
                return term(field_name(*sf), text);
            }
            let toks = tokens(text);
            if toks.is_empty() {
                nothing()
            } else {
                phrase(*sf, &toks)
            }
        }
        Query::Prefix(sf, text) => {
            if sf.is_exact() {
                return json!({"prefix": {"f": field_name(*sf), "query": text}});
            }
            let toks = tokens(text);
            match toks.split_last() {
                None => nothing(),
                Some((last, rest)) => {
                    let mut clauses: Vec<Value> =
                        rest.iter().map(|t| word(*sf, t, false)).collect();
                    clauses.push(word(*sf, last, true));
                    all_of(clauses)
                }
            }
        }
        Query::Exact(sf, value) => term(field_name(*sf), value),
        Query::Year(lo, hi) => json!({"lucene": {"query": format!(
            "{}:{} TO {}",
            IndexField::Year.name(),
            year_bound(lo, true),
            year_bound(hi, false)
        )}}),
        Query::And(qs) => {
            if qs.is_empty() {
                return everything();
            }
            all_of(qs.iter().map(|q| to_solr(q, common)).collect())
        }
        Query::Or(qs) => {
            if qs.is_empty() {
                return nothing();
            }
            any_of(qs.iter().map(|q| to_solr(q, common)).collect())
        }
        Query::Not(a, b) => json!({"bool": {
            "must": [to_solr(a, common)],
            "must_not": [to_solr(b, common)],
        }}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn never(_: &str) -> bool {
        false
    }

    /// Every string value in a JSON tree, with the key it sits under.
    fn strings<'a>(v: &'a Value, key: &str, out: &mut Vec<(String, &'a str)>) {
        match v {
            Value::String(s) => out.push((key.to_string(), s)),
            Value::Array(a) => a.iter().for_each(|x| strings(x, key, out)),
            Value::Object(m) => m.iter().for_each(|(k, x)| strings(x, k, out)),
            _ => {}
        }
    }

    #[test]
    fn hostile_text_never_reaches_a_query_parser_unescaped() {
        let hostile = [
            "*:*",
            "{!lucene}*:*",
            "{!xmlparser v='<!DOCTYPE a SYSTEM \"http://evil\"><a/>'}",
            "_query_:\"{!dismax}x\"",
            "title:(unbalanced",
            "\"open quote",
            "a) OR (b",
            "id:* OR -id:x",
            "$q",
            "\\",
        ];
        for h in hostile {
            for q in [
                Query::Text(Text {
                    words: h.into(),
                    fuzzy: true,
                    ..Text::default()
                }),
                Query::Words(SearchField::Any, h.into()),
                Query::Phrase(SearchField::Title, h.into()),
                Query::Prefix(SearchField::Author, h.into()),
                Query::Exact(SearchField::Isbn, h.into()),
                Query::Exact(SearchField::Id, h.into()),
            ] {
                let v = to_solr(&q, &never);
                let mut found = Vec::new();
                strings(&v, "", &mut found);
                for (key, s) in found {
                    match key.as_str() {
                        // The Lucene syntax: our own field names and
                        // constants, escaped words, numbers.
                        "query" if s == "*:*" => {}
                        "query" if v.to_string().contains("\"lucene\"") && s.contains('~') => {
                            let (field, rest) = s.split_once(':').unwrap();
                            assert!(field.bytes().all(|b| b.is_ascii_lowercase()), "{s}");
                            let word = rest.rsplit_once('~').unwrap().0;
                            let mut chars = word.chars();
                            while let Some(c) = chars.next() {
                                if !c.is_alphanumeric() {
                                    assert_eq!(c, '\\', "unescaped {c:?} in {s}");
                                    chars.next();
                                }
                            }
                        }
                        // Values of term, field and prefix queries are
                        // never parsed: anything may stand there.
                        "query" | "f" | "b" => {}
                        other => panic!("unexpected key {other} = {s}"),
                    }
                }
            }
        }
    }

    #[test]
    fn words_are_folded_as_tantivy_folds_them() {
        let v = to_solr(
            &Query::Words(SearchField::Author, "Tolkien, J.R.R.".into()),
            &never,
        );
        let s = v.to_string();
        for t in ["tolkien", "\"j\"", "\"r\""] {
            assert!(s.contains(t), "{s}");
        }
        assert!(!s.contains("Tolkien"), "{s}");
        let v = to_solr(
            &Query::Phrase(SearchField::Title, "Études: ÉTÉ".into()),
            &never,
        );
        assert_eq!(v, json!({"field": {"f": "title", "query": "etudes ete"}}));
    }

    #[test]
    fn exact_values_are_terms_and_years_numbers() {
        assert_eq!(
            to_solr(
                &Query::Exact(SearchField::Isbn, "9780596000271".into()),
                &never
            ),
            json!({"term": {"f": "isbn", "query": "9780596000271"}})
        );
        assert_eq!(
            to_solr(
                &Query::Year(Bound::Included(1990), Bound::Excluded(2000)),
                &never
            ),
            json!({"lucene": {"query": "year:[1990 TO 2000}"}})
        );
        assert_eq!(
            to_solr(&Query::Year(Bound::Unbounded, Bound::Included(5)), &never),
            json!({"lucene": {"query": "year:[* TO 5]"}})
        );
    }

    #[test]
    fn relaxed_text_counts_only_rare_words() {
        let q = Query::Text(Text {
            words: "the lord of rings".into(),
            minimum: Minimum::Most,
            ..Text::default()
        });
        let v = to_solr(&q, &|w| w == "the" || w == "of");
        let mm = v.pointer("/bool/must/0/bool/mm").unwrap();
        assert_eq!(mm, &json!(1)); // most of the two rare words
        assert_eq!(
            v.pointer("/bool/must/0/bool/should")
                .unwrap()
                .as_array()
                .unwrap()
                .len(),
            2
        );
    }

    #[test]
    fn escape_leaves_only_letters_and_digits_bare() {
        assert_eq!(escape("a*b:c"), "a\\*b\\:c");
        assert_eq!(escape("été2"), "été2");
        assert_eq!(escape("{!x}"), "\\{\\!x\\}");
    }
}

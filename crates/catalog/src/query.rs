//! The search language librarians expect, parsed into an index [`Query`].
//!
//! ```text
//! wharton innocence                 every word must match (title, author, subject, publisher, notes)
//! "age of innocence"                a phrase
//! histor*                           right truncation
//! title:innocence author:wharton    fields
//! isbn:0-940787-08-3  oclc:(OCoLC)ocm00012345  lccn:"n 78-890351"  issn:0028-0836
//! year:1920   year:[1900 TO 1930]   year:[1990 TO *]
//! library:ccpl  format:large-print  language:fre
//! war AND peace   war OR peace   war NOT peace   -peace   (war OR peace) AND tolstoy
//! ```
//! Identifiers are normalised as the index stores them, so any written form
//! finds them. Malformed queries get an error that says where and why.

use crate::error::{CatalogError, ErrorCode};
use std::ops::Bound;
use unicat_bib::{Isbn13, Issn, Lccn, MaterialFormat, OclcNumber};
use unicat_index::{Query, SearchField};

/// Longest query accepted, in bytes.
pub const MAX_QUERY_LEN: usize = 1000;
const MAX_DEPTH: usize = 32;
const MAX_TERMS: usize = 64;

/// The fields a query may name.
pub const FIELDS: &[&str] = &[
    "title",
    "author",
    "subject",
    "publisher",
    "notes",
    "isbn",
    "issn",
    "oclc",
    "lccn",
    "year",
    "library",
    "format",
    "language",
    "id",
];

/// Fields whose value is an identifier, read as written.
const RAW_FIELDS: &[&str] = &["isbn", "issn", "oclc", "lccn", "id"];

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Word(String, usize),
    Phrase(String, usize),
    LParen(usize),
    RParen(usize),
    Colon(usize),
    Range(String, String, usize),
    And(usize),
    Or(usize),
    Not(usize),
    Minus(usize),
}

fn bad(at: usize, message: impl Into<String>) -> CatalogError {
    CatalogError::new(
        ErrorCode::BadQuery,
        format!("{} (at character {})", message.into(), at + 1),
    )
}

fn lex(q: &str) -> Result<Vec<Tok>, CatalogError> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = q.char_indices().collect();
    let mut i = 0;
    let pos = |i: usize| {
        chars
            .get(i)
            .map(|c| q[..c.0].chars().count())
            .unwrap_or(q.chars().count())
    };
    while i < chars.len() {
        let (_, c) = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '(' => {
                out.push(Tok::LParen(pos(i)));
                i += 1;
            }
            ')' => {
                out.push(Tok::RParen(pos(i)));
                i += 1;
            }
            // `title:rome` names a field; `Rome: a history` is just text.
            ':' if chars.get(i + 1).is_some_and(|c| !c.1.is_whitespace())
                && matches!(out.last(), Some(Tok::Word(..))) =>
            {
                out.push(Tok::Colon(pos(i)));
                i += 1;
                // Identifiers are read as written, parentheses and all
                // (`oclc:(OCoLC)ocm00012345`), up to a space or an
                // unbalanced closing parenthesis.
                let raw_field = matches!(out.iter().rev().nth(1), Some(Tok::Word(w, _)) if RAW_FIELDS.contains(&w.to_lowercase().as_str()));
                if raw_field && chars.get(i).is_some_and(|c| !matches!(c.1, '"' | '[')) {
                    let start = pos(i);
                    let mut s = String::new();
                    let mut depth = 0i32;
                    while let Some(&(_, c)) = chars.get(i) {
                        if c.is_whitespace() || (c == ')' && depth == 0) {
                            break;
                        }
                        depth += i32::from(c == '(') - i32::from(c == ')');
                        s.push(c);
                        i += 1;
                    }
                    out.push(Tok::Word(s, start));
                }
            }
            ':' => i += 1,
            '"' | '\u{201C}' | '\u{201D}' => {
                let start = pos(i);
                i += 1;
                let mut s = String::new();
                while i < chars.len() && !matches!(chars[i].1, '"' | '\u{201C}' | '\u{201D}') {
                    s.push(chars[i].1);
                    i += 1;
                }
                if i >= chars.len() {
                    return Err(bad(start, "a quotation mark is not closed"));
                }
                i += 1;
                out.push(Tok::Phrase(s, start));
            }
            '[' | '{' => {
                let start = pos(i);
                let close = if c == '[' { ']' } else { '}' };
                i += 1;
                let mut s = String::new();
                while i < chars.len() && chars[i].1 != close {
                    s.push(chars[i].1);
                    i += 1;
                }
                if i >= chars.len() {
                    return Err(bad(
                        start,
                        format!("a range opened with '{c}' is not closed with '{close}'"),
                    ));
                }
                i += 1;
                let parts: Vec<&str> = s.split_whitespace().collect();
                match parts.as_slice() {
                    [a, to, b] if to.eq_ignore_ascii_case("to") => {
                        out.push(Tok::Range(a.to_string(), b.to_string(), start))
                    }
                    _ => return Err(bad(start, "write a range as [1990 TO 2000]")),
                }
            }
            '-' if out.last().is_none_or(|t| {
                matches!(t, Tok::LParen(_) | Tok::And(_) | Tok::Or(_) | Tok::Not(_))
                    || i == 0
                    || chars[i - 1].1.is_whitespace()
            }) =>
            {
                out.push(Tok::Minus(pos(i)));
                i += 1;
            }
            _ => {
                let start = pos(i);
                let mut s = String::new();
                while i < chars.len()
                    && !matches!(chars[i].1, c if c.is_whitespace() || matches!(c, '(' | ')' | ':' | '"' | '[' | '{'))
                {
                    s.push(chars[i].1);
                    i += 1;
                }
                let tok = match s.as_str() {
                    "AND" | "&&" => Tok::And(start),
                    "OR" | "||" => Tok::Or(start),
                    "NOT" => Tok::Not(start),
                    _ => Tok::Word(s, start),
                };
                out.push(tok);
            }
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<Tok>,
    at: usize,
    terms: usize,
}

fn tok_pos(t: &Tok) -> usize {
    match t {
        Tok::Word(_, p) | Tok::Phrase(_, p) | Tok::Range(_, _, p) => *p,
        Tok::LParen(p)
        | Tok::RParen(p)
        | Tok::Colon(p)
        | Tok::And(p)
        | Tok::Or(p)
        | Tok::Not(p)
        | Tok::Minus(p) => *p,
    }
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at)
    }

    fn end_pos(&self) -> usize {
        self.toks.last().map(tok_pos).unwrap_or(0)
    }

    fn or(&mut self, depth: usize) -> Result<Query, CatalogError> {
        let mut parts = vec![self.and(depth)?];
        while matches!(self.peek(), Some(Tok::Or(_))) {
            self.at += 1;
            parts.push(self.and(depth)?);
        }
        Ok(if parts.len() == 1 {
            parts.pop().expect("one")
        } else {
            Query::Or(parts)
        })
    }

    fn and(&mut self, depth: usize) -> Result<Query, CatalogError> {
        let mut must: Vec<Query> = Vec::new();
        let mut must_not: Vec<Query> = Vec::new();
        loop {
            match self.peek() {
                None | Some(Tok::RParen(_)) | Some(Tok::Or(_)) => break,
                Some(Tok::And(p)) => {
                    let p = *p;
                    self.at += 1;
                    if matches!(
                        self.peek(),
                        None | Some(Tok::RParen(_)) | Some(Tok::Or(_)) | Some(Tok::And(_))
                    ) {
                        return Err(bad(p, "AND needs something on both sides"));
                    }
                }
                Some(Tok::Not(p)) | Some(Tok::Minus(p)) => {
                    let p = *p;
                    self.at += 1;
                    if matches!(
                        self.peek(),
                        None | Some(Tok::RParen(_)) | Some(Tok::Or(_)) | Some(Tok::And(_))
                    ) {
                        return Err(bad(p, "NOT needs something after it"));
                    }
                    must_not.push(self.primary(depth)?);
                }
                Some(_) => must.push(self.primary(depth)?),
            }
        }
        if must.is_empty() && must_not.is_empty() {
            let p = self.peek().map(tok_pos).unwrap_or_else(|| self.end_pos());
            return Err(bad(p, "expected search words here"));
        }
        let positive = match must.len() {
            0 => Query::All,
            1 => must.pop().expect("one"),
            _ => Query::And(must),
        };
        Ok(match must_not.len() {
            0 => positive,
            1 => Query::Not(Box::new(positive), Box::new(must_not.pop().expect("one"))),
            _ => Query::Not(Box::new(positive), Box::new(Query::Or(must_not))),
        })
    }

    fn primary(&mut self, depth: usize) -> Result<Query, CatalogError> {
        if depth > MAX_DEPTH {
            return Err(bad(
                self.peek().map(tok_pos).unwrap_or(0),
                "parentheses nested too deeply",
            ));
        }
        self.terms += 1;
        if self.terms > MAX_TERMS {
            return Err(CatalogError::new(
                ErrorCode::BadQuery,
                format!("too many search terms (at most {MAX_TERMS})"),
            ));
        }
        let tok = self.toks.get(self.at).cloned();
        self.at += 1;
        match tok {
            Some(Tok::LParen(p)) => {
                let q = self.or(depth + 1)?;
                match self.peek() {
                    Some(Tok::RParen(_)) => {
                        self.at += 1;
                        Ok(q)
                    }
                    _ => Err(bad(p, "a parenthesis is not closed")),
                }
            }
            Some(Tok::RParen(p)) => Err(bad(p, "a closing parenthesis has no opening one")),
            Some(Tok::Word(w, p)) if matches!(self.peek(), Some(Tok::Colon(_))) => {
                let field = w.to_lowercase();
                if !FIELDS.contains(&field.as_str()) {
                    return Err(bad(
                        p,
                        format!("unknown field '{w}' (fields: {})", FIELDS.join(", ")),
                    ));
                }
                self.at += 1;
                let value = self.toks.get(self.at).cloned();
                self.at += 1;
                match value {
                    Some(Tok::LParen(_)) => {
                        // title:(war peace) applies the field to the group.
                        self.at -= 1;
                        let group = self.primary(depth + 1)?;
                        Ok(retarget(group, &field, p)?)
                    }
                    Some(Tok::Word(v, vp)) => field_query(&field, &v, false, vp),
                    Some(Tok::Phrase(v, vp)) => field_query(&field, &v, true, vp),
                    Some(Tok::Range(a, b, rp)) => range_query(&field, &a, &b, rp),
                    _ => Err(bad(p, format!("'{w}:' needs a value"))),
                }
            }
            Some(Tok::Word(w, p)) => any_word(&w, p),
            Some(Tok::Phrase(v, _)) => Ok(if v.trim().is_empty() {
                Query::All
            } else {
                Query::Phrase(SearchField::Any, v)
            }),
            Some(Tok::Range(_, _, p)) => {
                Err(bad(p, "a range needs a field, as in year:[1990 TO 2000]"))
            }
            Some(Tok::Colon(p)) => {
                Err(bad(p, "a colon must follow a field name, as in title:rome"))
            }
            Some(t) => Err(bad(tok_pos(&t), "unexpected operator")),
            None => Err(bad(self.end_pos(), "the query ends too early")),
        }
    }
}

fn retarget(q: Query, field: &str, p: usize) -> Result<Query, CatalogError> {
    Ok(match q {
        Query::Words(SearchField::Any, w) => field_query(field, &w, false, p)?,
        Query::Phrase(SearchField::Any, w) => field_query(field, &w, true, p)?,
        Query::Prefix(SearchField::Any, w) => field_query(field, &format!("{w}*"), false, p)?,
        Query::Or(v) => Query::Or(
            v.into_iter()
                .map(|x| retarget(x, field, p))
                .collect::<Result<_, _>>()?,
        ),
        Query::And(v) => Query::And(
            v.into_iter()
                .map(|x| retarget(x, field, p))
                .collect::<Result<_, _>>()?,
        ),
        Query::Not(a, b) => Query::Not(
            Box::new(retarget(*a, field, p)?),
            Box::new(retarget(*b, field, p)?),
        ),
        other => other,
    })
}

fn any_word(w: &str, p: usize) -> Result<Query, CatalogError> {
    if let Some(prefix) = w.strip_suffix('*') {
        if prefix.is_empty() || prefix.contains(['*', '?']) {
            return Err(bad(
                p,
                "truncation needs a word before the '*', as in histor*",
            ));
        }
        return Ok(Query::Prefix(SearchField::Any, prefix.to_string()));
    }
    if w.contains('*') {
        return Err(bad(
            p,
            "only right truncation is supported ('*' at the end of a word)",
        ));
    }
    // A bare ISBN finds the book by ISBN as well as by words.
    let digits = w
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == 'X' || *c == 'x')
        .count();
    if (digits == 10 || digits == 13)
        && let Some(isbn) = Isbn13::parse(w)
    {
        return Ok(Query::Or(vec![
            Query::Exact(SearchField::Isbn, isbn.to_string()),
            Query::Words(SearchField::Any, w.to_string()),
        ]));
    }
    Ok(Query::Words(SearchField::Any, w.to_string()))
}

fn field_query(field: &str, v: &str, phrase: bool, p: usize) -> Result<Query, CatalogError> {
    let text = |sf: SearchField| -> Result<Query, CatalogError> {
        if phrase {
            return Ok(Query::Phrase(sf, v.to_string()));
        }
        if let Some(prefix) = v.strip_suffix('*') {
            if prefix.is_empty() || prefix.contains('*') {
                return Err(bad(p, "truncation needs a word before the '*'"));
            }
            return Ok(Query::Prefix(sf, prefix.to_string()));
        }
        Ok(Query::Words(sf, v.to_string()))
    };
    Ok(match field {
        "title" => text(SearchField::Title)?,
        "author" => text(SearchField::Author)?,
        "subject" => text(SearchField::Subject)?,
        "publisher" => text(SearchField::Publisher)?,
        "notes" => text(SearchField::Notes)?,
        "isbn" => Isbn13::parse(v)
            .map(|i| Query::Exact(SearchField::Isbn, i.to_string()))
            .unwrap_or(Query::Nothing),
        "issn" => Issn::parse(v)
            .map(|i| Query::Exact(SearchField::Issn, i.to_string()))
            .unwrap_or(Query::Nothing),
        "oclc" => OclcNumber::parse(v)
            .map(|o| Query::Exact(SearchField::Oclc, o.to_string()))
            .unwrap_or(Query::Nothing),
        "lccn" => Lccn::parse(v)
            .map(|l| Query::Exact(SearchField::Lccn, l.to_string()))
            .unwrap_or(Query::Nothing),
        "library" => Query::Exact(SearchField::Library, v.trim().to_lowercase()),
        "language" => Query::Exact(SearchField::Language, v.trim().to_lowercase()),
        "id" => Query::Exact(SearchField::Id, v.trim().to_lowercase()),
        "format" => match MaterialFormat::parse(v) {
            Some(f) => Query::Exact(SearchField::Format, f.code().to_string()),
            None => {
                let known: Vec<&str> = MaterialFormat::ALL.iter().map(|f| f.code()).collect();
                return Err(bad(
                    p,
                    format!("unknown format '{v}' (formats: {})", known.join(", ")),
                ));
            }
        },
        "year" => {
            let y = year(v).ok_or_else(|| {
                bad(
                    p,
                    format!("'{v}' is not a year: write year:1920 or year:[1900 TO 1930]"),
                )
            })?;
            Query::Year(Bound::Included(y), Bound::Included(y))
        }
        _ => unreachable!("checked against FIELDS"),
    })
}

fn year(v: &str) -> Option<i64> {
    let v = v.trim();
    (v.len() == 4 && v.bytes().all(|b| b.is_ascii_digit()))
        .then(|| v.parse().ok())
        .flatten()
}

fn range_query(field: &str, a: &str, b: &str, p: usize) -> Result<Query, CatalogError> {
    if field != "year" {
        return Err(bad(
            p,
            format!("ranges work on year only, not on '{field}'"),
        ));
    }
    let bound = |s: &str| -> Result<Bound<i64>, CatalogError> {
        if s == "*" {
            Ok(Bound::Unbounded)
        } else {
            year(s)
                .map(Bound::Included)
                .ok_or_else(|| bad(p, format!("'{s}' is not a year")))
        }
    };
    Ok(Query::Year(bound(a)?, bound(b)?))
}

/// Parses a query. An empty query means everything.
pub fn parse(q: &str) -> Result<Query, CatalogError> {
    if q.len() > MAX_QUERY_LEN {
        return Err(CatalogError::new(
            ErrorCode::BadQuery,
            format!("the query is longer than {MAX_QUERY_LEN} characters"),
        ));
    }
    let toks = lex(q)?;
    if toks.is_empty() {
        return Ok(Query::All);
    }
    let mut p = Parser {
        toks,
        at: 0,
        terms: 0,
    };
    let query = p.or(0)?;
    if let Some(t) = p.peek() {
        return Err(match t {
            Tok::RParen(pos) => bad(*pos, "a closing parenthesis has no opening one"),
            other => bad(tok_pos(other), "unexpected text"),
        });
    }
    Ok(query)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(f: SearchField, s: &str) -> Query {
        Query::Words(f, s.into())
    }

    #[test]
    fn words_phrases_fields() {
        assert_eq!(parse("").unwrap(), Query::All);
        assert_eq!(
            parse("wharton innocence").unwrap(),
            Query::And(vec![
                w(SearchField::Any, "wharton"),
                w(SearchField::Any, "innocence")
            ])
        );
        assert_eq!(
            parse("\"age of innocence\"").unwrap(),
            Query::Phrase(SearchField::Any, "age of innocence".into())
        );
        assert_eq!(
            parse("title:innocence").unwrap(),
            w(SearchField::Title, "innocence")
        );
        assert_eq!(
            parse("Author:\"Wharton, Edith\"").unwrap(),
            Query::Phrase(SearchField::Author, "Wharton, Edith".into())
        );
        assert_eq!(
            parse("histor*").unwrap(),
            Query::Prefix(SearchField::Any, "histor".into())
        );
        assert_eq!(
            parse("title:histor*").unwrap(),
            Query::Prefix(SearchField::Title, "histor".into())
        );
    }

    #[test]
    fn identifiers_are_normalised() {
        assert_eq!(
            parse("isbn:0-940787-08-3").unwrap(),
            Query::Exact(SearchField::Isbn, "9780940787087".into())
        );
        assert_eq!(
            parse("oclc:(OCoLC)ocm00012345").unwrap(),
            Query::Exact(SearchField::Oclc, "12345".into())
        );
        assert_eq!(
            parse("lccn:\"n 78-890351\"").unwrap(),
            Query::Exact(SearchField::Lccn, "n78890351".into())
        );
        assert_eq!(
            parse("issn:00280836").unwrap(),
            Query::Exact(SearchField::Issn, "0028-0836".into())
        );
        assert_eq!(parse("isbn:9514920096").unwrap(), Query::Nothing);
        assert_eq!(
            parse("format:\"large print\"").unwrap(),
            Query::Exact(SearchField::Format, "large-print".into())
        );
        assert!(matches!(parse("0940787083").unwrap(), Query::Or(_)));
    }

    #[test]
    fn booleans_and_ranges() {
        assert_eq!(
            parse("war OR peace").unwrap(),
            Query::Or(vec![
                w(SearchField::Any, "war"),
                w(SearchField::Any, "peace")
            ])
        );
        assert_eq!(
            parse("war NOT peace").unwrap(),
            Query::Not(
                Box::new(w(SearchField::Any, "war")),
                Box::new(w(SearchField::Any, "peace"))
            )
        );
        assert_eq!(
            parse("war -peace").unwrap(),
            parse("war NOT peace").unwrap()
        );
        assert_eq!(
            parse("NOT peace").unwrap(),
            Query::Not(Box::new(Query::All), Box::new(w(SearchField::Any, "peace")))
        );
        assert_eq!(
            parse("year:[1990 TO 2000]").unwrap(),
            Query::Year(Bound::Included(1990), Bound::Included(2000))
        );
        assert_eq!(
            parse("year:[1990 TO *]").unwrap(),
            Query::Year(Bound::Included(1990), Bound::Unbounded)
        );
        assert_eq!(
            parse("year:2001").unwrap(),
            Query::Year(Bound::Included(2001), Bound::Included(2001))
        );
        assert_eq!(
            parse("(war OR peace) AND tolstoy").unwrap(),
            Query::And(vec![
                Query::Or(vec![
                    w(SearchField::Any, "war"),
                    w(SearchField::Any, "peace")
                ]),
                w(SearchField::Any, "tolstoy")
            ])
        );
        assert_eq!(
            parse("title:(war peace)").unwrap(),
            Query::And(vec![
                w(SearchField::Title, "war"),
                w(SearchField::Title, "peace")
            ])
        );
        assert_eq!(
            parse("Rome: a history").unwrap(),
            Query::And(vec![
                w(SearchField::Any, "Rome"),
                w(SearchField::Any, "a"),
                w(SearchField::Any, "history")
            ])
        );
    }

    #[test]
    fn bad_queries_say_where_and_why() {
        for (q, says) in [
            ("\"unbalanced", "quotation mark"),
            ("(war OR peace", "parenthesis is not closed"),
            ("war)", "closing parenthesis"),
            ("colour:red", "unknown field 'colour'"),
            ("year:recent", "not a year"),
            ("title:[a TO b]", "ranges work on year only"),
            ("format:scroll", "unknown format"),
            ("war AND", "AND needs"),
            ("*", "truncation"),
            ("hist*ory", "right truncation"),
            ("title:)", "needs a value"),
        ] {
            let e = parse(q).unwrap_err();
            assert_eq!(e.code, ErrorCode::BadQuery, "{q}");
            assert!(e.message.contains(says), "{q}: {}", e.message);
        }
        assert!(parse(&"a ".repeat(600)).is_err());
        assert!(parse(&"(".repeat(100)).is_err());
        assert!(
            parse(&"x ".repeat(100))
                .unwrap_err()
                .message
                .contains("too many")
        );
    }
}

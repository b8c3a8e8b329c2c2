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
use unicat_index::{Minimum, Query, SearchField, Text};

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
    /// Lenient reading only: `title: ` (a field name, a colon and a space):
    /// the field applies to the plain words that follow.
    SpacedColon(usize),
    /// Lenient reading only: a word after an ISBD ` / ` (the statement of
    /// responsibility of a pasted title): it ranks but is not required.
    Soft(String, usize),
}

fn bad(at: usize, message: impl Into<String>) -> CatalogError {
    CatalogError::new(
        ErrorCode::BadQuery,
        format!("{} (at character {})", message.into(), at + 1),
    )
}

fn lex(q: &str, lenient: bool) -> Result<Vec<Tok>, CatalogError> {
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
            ':' if lenient
                && i > 0
                && !chars[i - 1].1.is_whitespace()
                && matches!(out.last(), Some(Tok::Word(..))) =>
            {
                out.push(Tok::SpacedColon(pos(i)));
                i += 1;
            }
            ':' => i += 1,
            '"' | '\u{201C}' | '\u{201D}' => {
                let open = i;
                let start = pos(i);
                i += 1;
                let mut s = String::new();
                while i < chars.len() && !matches!(chars[i].1, '"' | '\u{201C}' | '\u{201D}') {
                    s.push(chars[i].1);
                    i += 1;
                }
                if i >= chars.len() {
                    if lenient {
                        // An unbalanced quotation mark is a separator.
                        i = open + 1;
                        continue;
                    }
                    return Err(bad(start, "a quotation mark is not closed"));
                }
                i += 1;
                out.push(Tok::Phrase(s, start));
            }
            '[' | '{' => {
                let open = i;
                let start = pos(i);
                let close = if c == '[' { ']' } else { '}' };
                i += 1;
                let mut s = String::new();
                while i < chars.len() && chars[i].1 != close {
                    s.push(chars[i].1);
                    i += 1;
                }
                if i >= chars.len() {
                    if lenient {
                        i = open + 1;
                        continue;
                    }
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
                    _ if lenient => {
                        i = open + 1;
                        continue;
                    }
                    _ => return Err(bad(start, "write a range as [1990 TO 2000]")),
                }
            }
            // A dash standing alone (`Doctor who - Dalek war`) is
            // punctuation to the lenient reading, not NOT.
            '-' if lenient && chars.get(i + 1).is_none_or(|c| c.1.is_whitespace()) => i += 1,
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
    lenient: bool,
}

fn tok_pos(t: &Tok) -> usize {
    match t {
        Tok::Word(_, p) | Tok::Phrase(_, p) | Tok::Range(_, _, p) | Tok::Soft(_, p) => *p,
        Tok::LParen(p)
        | Tok::RParen(p)
        | Tok::Colon(p)
        | Tok::And(p)
        | Tok::Or(p)
        | Tok::Not(p)
        | Tok::Minus(p)
        | Tok::SpacedColon(p) => *p,
    }
}

fn is_field(w: &str) -> bool {
    FIELDS.contains(&w.to_lowercase().as_str())
}

/// A word with nothing to search for: punctuation standing alone (ISBD's
/// `/ : ; = . ,`, `&`, `+`, dashes).
fn is_punctuation(w: &str) -> bool {
    unicat_index::tokens(w).is_empty() && !w.contains('*')
}

/// A word read as a plain word of a [`Text`]: not truncated, not an ISBN.
fn is_plain(w: &str) -> bool {
    !w.contains('*') && !isbn_like(w)
}

fn isbn_like(w: &str) -> bool {
    let digits = w
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == 'X' || *c == 'x')
        .count();
    (digits == 10 || digits == 13) && Isbn13::parse(w).is_some()
}

/// The lenient reading's repairs, on the tokens: what would be an error in
/// the strict reading becomes plain words (or nothing), so that pasted and
/// mistyped text always searches.
fn repair(toks: Vec<Tok>) -> Vec<Tok> {
    // Parentheses: drop the unmatched ones and those nested too deeply.
    let mut keep = vec![true; toks.len()];
    let mut open: Vec<usize> = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        match t {
            Tok::LParen(_) => open.push(i),
            Tok::RParen(_) => match open.pop() {
                Some(o) if open.len() >= MAX_DEPTH => {
                    keep[o] = false;
                    keep[i] = false;
                }
                Some(_) => {}
                None => keep[i] = false,
            },
            _ => {}
        }
    }
    for o in open {
        keep[o] = false;
    }
    let toks: Vec<Tok> = toks
        .into_iter()
        .zip(keep)
        .filter_map(|(t, k)| k.then_some(t))
        .collect();
    // Fields: a colon after a word that is not a field, or before no value,
    // is a separator; `title: the hobbit` applies the field to the words
    // that follow, as `title:(the hobbit)`.
    let mut out: Vec<Tok> = Vec::with_capacity(toks.len());
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i].clone();
        i += 1;
        match t {
            Tok::Colon(p) | Tok::SpacedColon(p) => {
                let field = matches!(out.last(), Some(Tok::Word(w, _)) if is_field(w));
                let spaced = matches!(t, Tok::SpacedColon(_));
                // The plain words after the colon (up to an operator, a
                // parenthesis or another field).
                let mut run = 0;
                while let Some(t) = toks.get(i + run) {
                    let next_is_colon = matches!(
                        toks.get(i + run + 1),
                        Some(Tok::Colon(_) | Tok::SpacedColon(_))
                    );
                    match t {
                        Tok::Word(..) if !next_is_colon => run += 1,
                        Tok::Phrase(..) => run += 1,
                        _ => break,
                    }
                }
                match toks.get(i) {
                    _ if !field => {}
                    Some(Tok::Word(..) | Tok::Phrase(..)) if spaced && run > 1 => {
                        out.push(Tok::Colon(p));
                        out.push(Tok::LParen(p));
                        out.extend(toks[i..i + run].iter().cloned());
                        out.push(Tok::RParen(p));
                        i += run;
                    }
                    Some(Tok::Word(..) | Tok::Phrase(..) | Tok::Range(..) | Tok::LParen(_)) => {
                        out.push(Tok::Colon(p))
                    }
                    _ => {}
                }
            }
            other => out.push(other),
        }
    }
    // Punctuation standing alone is a separator; after an ISBD ` / ` the
    // plain words are a statement of responsibility (they rank, they are
    // not required).
    let mut toks: Vec<Tok> = Vec::with_capacity(out.len());
    let mut soft = false;
    let mut depth = 0usize;
    let mut words_before = false;
    for (j, t) in out.iter().enumerate() {
        let field_name = matches!(out.get(j + 1), Some(Tok::Colon(_)));
        match t {
            Tok::Word(w, _) if w == "/" && depth == 0 && words_before => soft = true,
            Tok::Word(w, _) if is_punctuation(w) && !field_name => {}
            Tok::Word(w, p) if soft && !field_name && is_plain(w) => {
                toks.push(Tok::Soft(w.clone(), *p))
            }
            Tok::Word(..) | Tok::Phrase(..) => {
                words_before |= depth == 0;
                toks.push(t.clone());
            }
            Tok::LParen(_) => {
                depth += 1;
                soft = false;
                toks.push(t.clone());
            }
            Tok::RParen(_) => {
                depth = depth.saturating_sub(1);
                toks.push(t.clone());
            }
            Tok::And(_) | Tok::Or(_) | Tok::Not(_) | Tok::Minus(_) => {
                soft = false;
                toks.push(t.clone());
            }
            _ => toks.push(t.clone()),
        }
    }
    // Operators with nothing to join: dropped, until none is left.
    loop {
        let before = toks.len();
        let mut kept: Vec<Tok> = Vec::with_capacity(toks.len());
        for (j, t) in toks.iter().enumerate() {
            let next = toks.get(j + 1);
            let ends = matches!(next, None | Some(Tok::RParen(_) | Tok::And(_) | Tok::Or(_)));
            let dangling = match t {
                Tok::And(_) | Tok::Or(_) => {
                    ends || matches!(
                        kept.last(),
                        None | Some(
                            Tok::LParen(_) | Tok::And(_) | Tok::Or(_) | Tok::Not(_) | Tok::Minus(_)
                        )
                    )
                }
                Tok::Not(_) | Tok::Minus(_) => {
                    ends || matches!(next, Some(Tok::Not(_) | Tok::Minus(_)))
                }
                _ => false,
            };
            if !dangling {
                kept.push(t.clone());
            }
        }
        // `()` left by the repairs.
        let mut cleaned: Vec<Tok> = Vec::with_capacity(kept.len());
        for t in kept {
            if matches!(t, Tok::RParen(_)) && matches!(cleaned.last(), Some(Tok::LParen(_))) {
                cleaned.pop();
                if matches!(cleaned.last(), Some(Tok::Colon(_))) {
                    cleaned.pop();
                }
                continue;
            }
            cleaned.push(t);
        }
        toks = cleaned;
        if toks.len() == before {
            return toks;
        }
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

    /// A plain word here (not a field name, not truncated, not an ISBN)?
    fn plain_word(&self) -> Option<(String, bool)> {
        match (self.peek(), self.toks.get(self.at + 1)) {
            (Some(Tok::Soft(w, _)), _) => Some((w.clone(), true)),
            (Some(Tok::Word(_, _)), Some(Tok::Colon(_))) => None,
            (Some(Tok::Word(w, _)), _) if is_plain(w) => Some((w.clone(), false)),
            _ => None,
        }
    }

    fn and(&mut self, depth: usize) -> Result<Query, CatalogError> {
        let mut must: Vec<Query> = Vec::new();
        let mut must_not: Vec<Query> = Vec::new();
        // Plain words, gathered into one `Text` (for the phrase and title
        // ranking), and where it goes among the conditions.
        let mut words: Vec<String> = Vec::new();
        let mut optional: Vec<String> = Vec::new();
        let mut text_at: Option<usize> = None;
        loop {
            if let Some((w, soft)) = self.plain_word() {
                self.terms += 1;
                if self.terms > MAX_TERMS {
                    if self.lenient {
                        self.at += 1;
                        continue;
                    }
                    return Err(too_many());
                }
                self.at += 1;
                text_at.get_or_insert(must.len());
                if soft {
                    optional.push(w);
                } else {
                    words.push(w);
                }
                continue;
            }
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
        if let Some(at) = text_at {
            let text = Text {
                words: words.join(" "),
                optional: optional.join(" "),
                fuzzy: false,
                minimum: Minimum::All,
            };
            must.insert(at, Query::Text(text));
        }
        if must.is_empty() && must_not.is_empty() {
            if self.lenient {
                return Ok(Query::All);
            }
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
        let q = self.primary_strict(depth);
        match q {
            // The lenient reading never fails: a term that cannot be read
            // as written searches for its words.
            Err(_) if self.lenient => Ok(Query::All),
            other => other,
        }
    }

    fn primary_strict(&mut self, depth: usize) -> Result<Query, CatalogError> {
        if depth > MAX_DEPTH {
            return Err(bad(
                self.peek().map(tok_pos).unwrap_or(0),
                "parentheses nested too deeply",
            ));
        }
        self.terms += 1;
        if self.terms > MAX_TERMS {
            self.at += 1;
            return Err(too_many());
        }
        let tok = self.toks.get(self.at).cloned();
        self.at += 1;
        let lenient = self.lenient;
        let plain = |text: String| -> Query { Query::Text(Text::words(text)) };
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
                let q = match value.clone() {
                    Some(Tok::LParen(_)) => {
                        // title:(war peace) applies the field to the group.
                        self.at -= 1;
                        let group = self.primary(depth + 1)?;
                        retarget(group, &field, p)
                    }
                    Some(Tok::Word(v, vp)) => field_query(&field, &v, false, vp),
                    Some(Tok::Phrase(v, vp)) => field_query(&field, &v, true, vp),
                    Some(Tok::Range(a, b, rp)) => range_query(&field, &a, &b, rp),
                    _ => Err(bad(p, format!("'{w}:' needs a value"))),
                };
                match (q, value) {
                    (Err(_), Some(Tok::Word(v, _) | Tok::Phrase(v, _))) if lenient => {
                        Ok(plain(format!("{w} {v}")))
                    }
                    (q, _) => q,
                }
            }
            Some(Tok::Word(w, p)) => match any_word(&w, p) {
                Err(_) if lenient => Ok(plain(w.replace('*', " "))),
                q => q,
            },
            Some(Tok::Soft(w, _)) => Ok(plain(w)),
            Some(Tok::Phrase(v, _)) => Ok(if v.trim().is_empty() {
                Query::All
            } else {
                Query::Phrase(SearchField::Any, v)
            }),
            Some(Tok::Range(_, _, p)) => {
                Err(bad(p, "a range needs a field, as in year:[1990 TO 2000]"))
            }
            Some(Tok::Colon(p)) | Some(Tok::SpacedColon(p)) => {
                Err(bad(p, "a colon must follow a field name, as in title:rome"))
            }
            Some(t) => Err(bad(tok_pos(&t), "unexpected operator")),
            None => Err(bad(self.end_pos(), "the query ends too early")),
        }
    }
}

fn too_many() -> CatalogError {
    CatalogError::new(
        ErrorCode::BadQuery,
        format!("too many search terms (at most {MAX_TERMS})"),
    )
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
        Query::Text(t) => {
            let mut parts: Vec<Query> = t
                .words
                .split_whitespace()
                .chain(t.optional.split_whitespace())
                .map(|w| field_query(field, w, false, p))
                .collect::<Result<_, _>>()?;
            match parts.len() {
                0 => Query::All,
                1 => parts.pop().expect("one"),
                _ => Query::And(parts),
            }
        }
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

/// Parses a query as written (the strict reading, for scripts and
/// librarians): a malformed query is an error that says where and why. An
/// empty query means everything.
pub fn parse(q: &str) -> Result<Query, CatalogError> {
    if q.len() > MAX_QUERY_LEN {
        return Err(CatalogError::new(
            ErrorCode::BadQuery,
            format!("the query is longer than {MAX_QUERY_LEN} characters"),
        ));
    }
    parse_tokens(lex(q, false)?, false)
}

/// Parses a query as a patron types it (the lenient reading, for the search
/// page and `/api/search`): the same language, but nothing is an error.
/// ISBD punctuation and stray `&`, `+` are separators; a word after an ISBD
/// ` / ` only ranks (a pasted statement of responsibility); `word:` with an
/// unknown field or no value, a dangling operator and an unbalanced
/// quotation mark, bracket or parenthesis read as plain words; `title: the
/// hobbit` is `title:(the hobbit)`. A query longer than [`MAX_QUERY_LEN`]
/// is cut there. (Close spellings and fewer words are the lenient search's
/// later stages: [`crate::Catalog::search`].)
pub fn parse_lenient(q: &str) -> Query {
    let mut end = q.len().min(MAX_QUERY_LEN);
    while !q.is_char_boundary(end) {
        end -= 1;
    }
    let toks = lex(&q[..end], true).map(repair).unwrap_or_default();
    parse_tokens(toks, true).unwrap_or(Query::All)
}

fn parse_tokens(toks: Vec<Tok>, lenient: bool) -> Result<Query, CatalogError> {
    if toks.is_empty() {
        return Ok(Query::All);
    }
    let mut p = Parser {
        toks,
        at: 0,
        terms: 0,
        lenient,
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

    /// Plain words, read strictly.
    fn t(s: &str) -> Query {
        Query::Text(Text::words(s))
    }

    /// Plain words, read leniently (the same: close spellings and fewer
    /// words are the search's later stages, not the reading's).
    fn lt(s: &str) -> Query {
        t(s)
    }

    #[test]
    fn words_phrases_fields() {
        assert_eq!(parse("").unwrap(), Query::All);
        assert_eq!(parse("wharton innocence").unwrap(), t("wharton innocence"));
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
            Query::Or(vec![t("war"), t("peace")])
        );
        assert_eq!(
            parse("war NOT peace").unwrap(),
            Query::Not(Box::new(t("war")), Box::new(w(SearchField::Any, "peace")))
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
            Query::And(vec![Query::Or(vec![t("war"), t("peace")]), t("tolstoy")])
        );
        assert_eq!(
            parse("title:(war peace)").unwrap(),
            Query::And(vec![
                w(SearchField::Title, "war"),
                w(SearchField::Title, "peace")
            ])
        );
        assert_eq!(parse("Rome: a history").unwrap(), t("Rome a history"));
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

    #[test]
    fn the_lenient_reading_never_fails() {
        for q in [
            "\"unbalanced",
            "(war OR peace",
            "war)",
            "colour:red",
            "year:recent",
            "title:[a TO b]",
            "format:scroll",
            "war AND",
            "*",
            "hist*ory",
            "title:)",
            "[1990 TO",
            "AND OR NOT",
            "-",
            "::::",
            "\"\"\"",
            "((((a",
        ] {
            let _ = parse_lenient(q);
        }
        let _ = parse_lenient(&"a ".repeat(600));
        let _ = parse_lenient(&"(".repeat(100));
        let _ = parse_lenient(&"x ".repeat(100));
        let _ = parse_lenient(&"é".repeat(700));
    }

    #[test]
    fn the_lenient_reading_takes_punctuation_as_separators() {
        assert_eq!(parse_lenient("Programming Perl /"), lt("Programming Perl"));
        assert_eq!(parse_lenient("learning perl:"), lt("learning perl"));
        assert_eq!(parse_lenient("Pride & prejudice"), lt("Pride prejudice"));
        assert_eq!(parse_lenient("tolkien + hobbit"), lt("tolkien hobbit"));
        assert_eq!(
            parse_lenient("Rome ; a history = Roma . ,"),
            lt("Rome a history Roma")
        );
        // A statement of responsibility ranks but is not required.
        assert_eq!(
            parse_lenient("The hobbit : or, There and back again / by J.R.R. Tolkien."),
            Query::Text(Text {
                words: "The hobbit or, There and back again".into(),
                optional: "by J.R.R. Tolkien.".into(),
                fuzzy: false,
                minimum: Minimum::All,
            })
        );
        // The strict reading keeps the words (punctuation has none).
        assert_eq!(
            parse("Programming Perl /").unwrap(),
            t("Programming Perl /")
        );
    }

    #[test]
    fn the_lenient_reading_repairs_what_the_strict_one_refuses() {
        assert_eq!(parse_lenient("\"perl"), lt("perl"));
        assert_eq!(parse_lenient("title:"), lt("title"));
        assert_eq!(parse_lenient("jazz -"), lt("jazz"));
        assert_eq!(parse_lenient("war AND"), lt("war"));
        assert_eq!(parse_lenient("AND war"), lt("war"));
        assert_eq!(
            parse_lenient("war AND OR peace"),
            parse_lenient("war OR peace")
        );
        assert_eq!(parse_lenient("(war peace"), lt("war peace"));
        assert_eq!(parse_lenient("war peace)"), lt("war peace"));
        assert_eq!(
            parse_lenient("Hobbit :or there and back again"),
            lt("Hobbit or there and back again")
        );
        assert_eq!(parse_lenient("colour:red"), lt("colour red"));
        assert_eq!(parse_lenient("format:scroll"), lt("format scroll"));
        assert_eq!(
            parse_lenient("title:(war peace)"),
            parse("title:(war peace)").unwrap()
        );
        assert_eq!(
            parse_lenient("title: the hobbit"),
            parse("title:(the hobbit)").unwrap()
        );
        assert_eq!(
            parse_lenient("title: hobbit"),
            parse("title:hobbit").unwrap()
        );
        assert_eq!(parse_lenient(""), Query::All);
        assert_eq!(parse_lenient("/ :"), Query::All);
    }

    #[test]
    fn the_lenient_reading_keeps_the_language() {
        for q in [
            "\"age of innocence\"",
            "histor*",
            "title:innocence author:wharton",
            "isbn:0-940787-08-3",
            "oclc:(OCoLC)ocm00012345",
            "year:[1900 TO 1930]",
            "library:ccpl format:large-print",
            "war NOT peace",
            "war -peace",
            "(war OR peace) AND tolstoy",
            "0940787083",
        ] {
            let strict = parse(q).unwrap();
            let lenient = parse_lenient(q);
            assert_eq!(strict, lenient, "{q}");
        }
    }
}

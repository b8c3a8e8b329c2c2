//! Rendering a tree back to CQL text (`Display`).
//!
//! The output parses back to an equal tree. It is normalised, not a copy of
//! the input: single spaces, lower-case booleans, parentheses only where the
//! tree needs them (a boolean right operand, or a clause with its own prefix
//! assignments), and quotes only where a term needs them.

use std::fmt::{self, Display, Formatter, Write};

use crate::ast::{Modifier, Node, PrefixAssignment, Query, SearchClause, SortKey};
use crate::lexer::{is_delimiter, is_relation_like, keyword};

impl Display for Query {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for prefix in &self.prefixes {
            write_prefix(f, prefix)?;
            f.write_char(' ')?;
        }
        self.root.fmt(f)?;
        if !self.sort_keys.is_empty() {
            f.write_str(" sortby")?;
            for SortKey { index, modifiers } in &self.sort_keys {
                f.write_char(' ')?;
                write_word(f, index)?;
                write_modifiers(f, modifiers)?;
            }
        }
        Ok(())
    }
}

impl Display for Node {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        enum Task<'a> {
            Node(&'a Node),
            Text(&'static str),
            Boolean(&'a Node),
        }
        // An explicit stack instead of recursion: trees can be deep.
        let mut stack = vec![Task::Node(self)];
        while let Some(task) = stack.pop() {
            match task {
                Task::Text(text) => f.write_str(text)?,
                Task::Boolean(Node::Boolean { op, modifiers, .. }) => {
                    write!(f, " {op}")?;
                    write_modifiers(f, modifiers)?;
                    f.write_char(' ')?;
                }
                Task::Boolean(Node::Clause(_)) => {}
                Task::Node(Node::Clause(clause)) => clause.fmt(f)?,
                Task::Node(node @ Node::Boolean { left, right, .. }) => {
                    // Booleans are left-associative, so only a boolean on the
                    // right needs parentheses.
                    if matches!(**right, Node::Boolean { .. }) {
                        stack.push(Task::Text(")"));
                        stack.push(Task::Node(right));
                        stack.push(Task::Text("("));
                    } else {
                        stack.push(Task::Node(right));
                    }
                    stack.push(Task::Boolean(node));
                    stack.push(Task::Node(left));
                }
            }
        }
        Ok(())
    }
}

impl Display for SearchClause {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if !self.prefixes.is_empty() {
            f.write_char('(')?;
            for prefix in &self.prefixes {
                write_prefix(f, prefix)?;
                f.write_char(' ')?;
            }
        }
        let relation = &self.relation;
        if self.index.is_some() || relation.base != "=" || !relation.modifiers.is_empty() {
            write_word(f, self.index_name())?;
            f.write_char(' ')?;
            f.write_str(&relation.base)?;
            write_modifiers(f, &relation.modifiers)?;
            f.write_char(' ')?;
        }
        // The first term may be any word; extra terms must be plain strings,
        // or they would be read as a relation.
        if is_safe_bare(&self.term) {
            f.write_str(&self.term)?;
        } else {
            write_quoted(f, &self.term)?;
        }
        for term in &self.extra_terms {
            f.write_char(' ')?;
            if is_safe_bare(term) && !is_relation_like(term) {
                f.write_str(term)?;
            } else {
                write_quoted(f, term)?;
            }
        }
        if !self.prefixes.is_empty() {
            f.write_char(')')?;
        }
        Ok(())
    }
}

/// `> name = "uri"` or `> "uri"`.
fn write_prefix(f: &mut Formatter<'_>, prefix: &PrefixAssignment) -> fmt::Result {
    f.write_str("> ")?;
    if let Some(name) = &prefix.name {
        write_word(f, name)?;
        f.write_str(" = ")?;
    }
    write_quoted(f, &prefix.uri)
}

/// `/name` or `/name<comparison>value` for each modifier.
fn write_modifiers(f: &mut Formatter<'_>, modifiers: &[Modifier]) -> fmt::Result {
    for modifier in modifiers {
        f.write_char('/')?;
        write_word(f, &modifier.name)?;
        if let (Some(comparison), Some(value)) = (&modifier.comparison, &modifier.value) {
            f.write_str(comparison)?;
            write_word(f, value)?;
        }
    }
    Ok(())
}

/// A name or value: bare when that reads back the same, else quoted.
fn write_word(f: &mut Formatter<'_>, word: &str) -> fmt::Result {
    if is_safe_bare(word) {
        f.write_str(word)
    } else {
        write_quoted(f, word)
    }
}

/// Whether `word` written without quotes is read back as the same word.
fn is_safe_bare(word: &str) -> bool {
    !word.is_empty()
        && word
            .chars()
            .all(|c| !c.is_whitespace() && !is_delimiter(c) && c != '\\')
        && keyword(word).is_none()
}

/// Writes `raw` in double quotes. Raw text keeps its backslash escapes, so
/// it is copied as is; only an unescaped `"` or a trailing lone backslash
/// (which the parser never produces) is escaped.
fn write_quoted(f: &mut Formatter<'_>, raw: &str) -> fmt::Result {
    f.write_char('"')?;
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(escaped) => {
                    f.write_char('\\')?;
                    f.write_char(escaped)?;
                }
                None => f.write_str(r"\\")?,
            },
            '"' => f.write_str("\\\"")?,
            c => f.write_char(c)?,
        }
    }
    f.write_char('"')
}

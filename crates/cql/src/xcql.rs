//! XCQL output in exactly the layout of YAZ's `cql2xcql` (`src/xcqlutil.c`).
//!
//! YAZ's layout, which this reproduces:
//! - two spaces of indentation per level, no XML declaration or namespace,
//!   and only `&`, `<`, `>` escaped;
//! - modifier lists (relation, boolean and sort) come out in reverse order,
//!   because YAZ builds them by prepending;
//! - a prefix assignment appears only where it binds a clause's index: as
//!   `<prefixes><prefix><identifier>` inside that `searchClause`, with the
//!   bound prefix removed from `<index>` and no `<name>`;
//! - free-form extra terms each get their own `<term>`;
//! - `<sortKeys>` goes inside the root element, after its other children,
//!   and a sort key's `<modifiers>` is indented two levels deeper than the
//!   `<index>` before it.
//!
//! Not reproduced: YAZ also resolves prefixed *relation* names (`cql.exact`
//! under `> cql = "…"`); its output for that is not covered by the
//! conformance suite, so relations are printed as written.

use crate::ast::{Modifier, Node, Query, SearchClause, SortKey, resolve_prefix};

impl Query {
    /// Renders the query as XCQL, byte for byte as YAZ's `cql2xcql` does
    /// (see the module docs of the crate for the few cases it does not
    /// cover). The output ends with a newline.
    ///
    /// This is meant for diagnostics and for checking the parser against
    /// YAZ's conformance suite; indentation grows with nesting, so the
    /// output of a very deep tree is large.
    ///
    /// ```
    /// let query = unicat_cql::parse("title = fish")?;
    /// assert_eq!(
    ///     query.to_xcql(),
    ///     "<searchClause>\n  <index>title</index>\n  <relation>\n    <value>=</value>\n  \
    ///      </relation>\n  <term>fish</term>\n</searchClause>\n"
    /// );
    /// # Ok::<(), unicat_cql::CqlError>(())
    /// ```
    #[must_use]
    pub fn to_xcql(&self) -> String {
        enum Task<'a> {
            Node(&'a Node, usize, bool),
            Line(usize, &'static str),
            SortKeys(usize),
        }
        let mut out = String::new();
        // An explicit stack instead of recursion: trees can be deep.
        let mut stack = vec![Task::Node(&self.root, 0, true)];
        while let Some(task) = stack.pop() {
            match task {
                Task::Line(level, text) => line(&mut out, level, text),
                Task::SortKeys(level) => sort_keys(&mut out, &self.sort_keys, level),
                Task::Node(Node::Clause(clause), level, root) => {
                    self.search_clause(&mut out, clause, level);
                    if root {
                        sort_keys(&mut out, &self.sort_keys, level + 2);
                    }
                    line(&mut out, level, "</searchClause>");
                }
                Task::Node(
                    Node::Boolean {
                        op,
                        modifiers: mods,
                        left,
                        right,
                    },
                    level,
                    root,
                ) => {
                    line(&mut out, level, "<triple>");
                    line(&mut out, level + 2, "<boolean>");
                    element(&mut out, level + 4, "value", op.as_str());
                    modifiers(&mut out, mods, level + 4);
                    line(&mut out, level + 2, "</boolean>");
                    stack.push(Task::Line(level, "</triple>"));
                    if root {
                        stack.push(Task::SortKeys(level + 2));
                    }
                    stack.push(Task::Line(level + 2, "</rightOperand>"));
                    stack.push(Task::Node(right, level + 4, false));
                    stack.push(Task::Line(level + 2, "<rightOperand>"));
                    stack.push(Task::Line(level + 2, "</leftOperand>"));
                    stack.push(Task::Node(left, level + 4, false));
                    stack.push(Task::Line(level + 2, "<leftOperand>"));
                }
            }
        }
        out
    }

    /// Everything of a `searchClause` except the sort keys and closing tag.
    fn search_clause(&self, out: &mut String, clause: &SearchClause, level: usize) {
        line(out, level, "<searchClause>");
        let index = clause.index_name();
        let index = match resolve_prefix(index, &self.prefixes, &clause.prefixes) {
            Some((uri, rest)) => {
                line(out, level + 2, "<prefixes>");
                line(out, level + 4, "<prefix>");
                element(out, level + 6, "identifier", uri);
                line(out, level + 4, "</prefix>");
                line(out, level + 2, "</prefixes>");
                rest
            }
            None => index,
        };
        element(out, level + 2, "index", index);
        line(out, level + 2, "<relation>");
        element(out, level + 4, "value", &clause.relation.base);
        modifiers(out, &clause.relation.modifiers, level + 4);
        line(out, level + 2, "</relation>");
        for term in clause.terms() {
            element(out, level + 2, "term", term);
        }
    }
}

fn indent(out: &mut String, level: usize) {
    out.extend(std::iter::repeat_n(' ', level));
}

fn line(out: &mut String, level: usize, text: &str) {
    indent(out, level);
    out.push_str(text);
    out.push('\n');
}

fn element(out: &mut String, level: usize, tag: &str, content: &str) {
    indent(out, level);
    out.push('<');
    out.push_str(tag);
    out.push('>');
    for c in content.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out.push_str("</");
    out.push_str(tag);
    out.push_str(">\n");
}

fn modifiers(out: &mut String, modifiers: &[Modifier], level: usize) {
    if modifiers.is_empty() {
        return;
    }
    line(out, level, "<modifiers>");
    for modifier in modifiers.iter().rev() {
        line(out, level + 2, "<modifier>");
        element(out, level + 4, "type", &modifier.name);
        if let Some(comparison) = &modifier.comparison {
            element(out, level + 4, "comparison", comparison);
        }
        if let Some(value) = &modifier.value {
            element(out, level + 4, "value", value);
        }
        line(out, level + 2, "</modifier>");
    }
    line(out, level, "</modifiers>");
}

fn sort_keys(out: &mut String, keys: &[SortKey], level: usize) {
    if keys.is_empty() {
        return;
    }
    line(out, level, "<sortKeys>");
    for key in keys {
        line(out, level + 2, "<key>");
        element(out, level + 4, "index", &key.index);
        modifiers(out, &key.modifiers, level + 6);
        line(out, level + 2, "</key>");
    }
    line(out, level, "</sortKeys>");
}

//! Unit tests for the cases the SRU server relies on.

use crate::*;

fn clause(node: &Node) -> &SearchClause {
    match node {
        Node::Clause(clause) => clause,
        Node::Boolean { .. } => panic!("expected a clause, got {node}"),
    }
}

fn boolean(node: &Node) -> (BooleanOp, &[Modifier], &Node, &Node) {
    match node {
        Node::Boolean {
            op,
            modifiers,
            left,
            right,
        } => (*op, modifiers, left, right),
        Node::Clause(_) => panic!("expected a boolean, got {node}"),
    }
}

fn ok(input: &str) -> Query {
    parse(input).unwrap_or_else(|e| panic!("{input:?} should parse: {e}"))
}

fn err(input: &str) -> CqlError {
    match parse(input) {
        Ok(query) => panic!("{input:?} should fail, parsed as {query}"),
        Err(e) => e,
    }
}

/// Parse, display, parse again: the trees must be equal.
fn round_trip(input: &str) -> String {
    let query = ok(input);
    let text = query.to_string();
    let again = parse(&text).unwrap_or_else(|e| panic!("{text:?} (from {input:?}): {e}"));
    assert_eq!(query, again, "{input:?} displayed as {text:?}");
    text
}

fn modifier(name: &str, comparison: Option<&str>, value: Option<&str>) -> Modifier {
    Modifier {
        name: name.to_owned(),
        comparison: comparison.map(str::to_owned),
        value: value.map(str::to_owned),
    }
}

#[test]
fn index_relation_quoted_term() {
    let query = ok(r#"dc.title = "fish""#);
    let c = clause(&query.root);
    assert_eq!(c.index.as_deref(), Some("dc.title"));
    assert_eq!(c.relation, Relation::server_choice());
    assert_eq!(c.term, "fish");
    assert!(c.extra_terms.is_empty() && c.prefixes.is_empty());
    assert!(query.prefixes.is_empty() && query.sort_keys.is_empty());
}

#[test]
fn exact_relation_with_number() {
    let query = ok("bath.isbn == 9780940787087");
    let c = clause(&query.root);
    assert_eq!(c.index.as_deref(), Some("bath.isbn"));
    assert_eq!(c.relation.base, "==");
    assert_eq!(c.term, "9780940787087");
}

#[test]
fn possessing_institution() {
    let query = ok("bath.possessingInstitution = ccpl");
    let c = clause(&query.root);
    assert_eq!(c.index.as_deref(), Some("bath.possessingInstitution"));
    assert_eq!(c.relation.base, "=");
    assert_eq!(c.term, "ccpl");
}

#[test]
fn bare_term_is_server_choice() {
    let query = ok("cat");
    let c = clause(&query.root);
    assert_eq!(c.index, None);
    assert_eq!(c.index_name(), "cql.serverChoice");
    assert_eq!(c.relation, Relation::server_choice());
    // An explicit cql.serverChoice is the same clause.
    assert_eq!(ok("CQL.serverChoice = cat"), query);
}

#[test]
fn booleans_are_left_associative() {
    let query = ok("cat and dog or mouse");
    let (op, mods, left, right) = boolean(&query.root);
    assert_eq!(op, BooleanOp::Or);
    assert!(mods.is_empty());
    assert_eq!(clause(right).term, "mouse");
    let (op, _, l, r) = boolean(left);
    assert_eq!(op, BooleanOp::And);
    assert_eq!(
        (clause(l).term.as_str(), clause(r).term.as_str()),
        ("cat", "dog")
    );
}

#[test]
fn booleans_are_case_insensitive() {
    assert_eq!(
        ok("cat AND dog Or mouse NOT rat"),
        ok("cat and dog or mouse not rat")
    );
    let (op, ..) = boolean(&ok("a PROX b").root);
    assert_eq!(op, BooleanOp::Prox);
}

#[test]
fn date_range() {
    let query = ok("dc.date >= 1990 and dc.date <= 2000");
    let (op, _, left, right) = boolean(&query.root);
    assert_eq!(op, BooleanOp::And);
    let (l, r) = (clause(left), clause(right));
    assert_eq!((l.relation.base.as_str(), l.term.as_str()), (">=", "1990"));
    assert_eq!((r.relation.base.as_str(), r.term.as_str()), ("<=", "2000"));
    assert_eq!(l.index, r.index);
}

#[test]
fn all_relation_keeps_phrase_as_one_term() {
    let query = ok(r#"title all "a b""#);
    let c = clause(&query.root);
    assert_eq!(c.relation.base, "all");
    assert_eq!(c.term, "a b");
    let words: Vec<String> = c.words().iter().map(Word::text).collect();
    assert_eq!(words, ["a", "b"]);
    // Relation names are case-insensitive and stored in lower case.
    assert_eq!(clause(&ok("title ALL x").root).relation.base, "all");
}

#[test]
fn truncation() {
    let query = ok("histor*");
    let c = clause(&query.root);
    assert_eq!(c.term, "histor*");
    let words = c.words();
    assert_eq!(words.len(), 1);
    assert_eq!(words[0].masking(), Masking::Trailing);
    assert_eq!(words[0].text(), "histor");
    // A masking character elsewhere is reported for diagnostic 28/49.
    assert_eq!(
        ok("dc.title = *ology")
            .clauses()
            .next()
            .map(|c| c.words()[0].masking()),
        Some(Masking::Other)
    );
}

#[test]
fn sortby_with_keys_and_modifiers() {
    let query = ok("cat sortby dc.title/sort.descending dc.date");
    assert_eq!(clause(&query.root).term, "cat");
    assert_eq!(
        query.sort_keys,
        vec![
            SortKey {
                index: "dc.title".to_owned(),
                modifiers: vec![modifier("sort.descending", None, None)],
            },
            SortKey {
                index: "dc.date".to_owned(),
                modifiers: vec![],
            },
        ]
    );
    // Three or more keys are all kept.
    assert_eq!(ok("a SORTBY x y z").sort_keys.len(), 3);
    assert_eq!(err("a sortby").diagnostic, 10);
    assert_eq!(err("(a sortby b)").diagnostic, 10);
}

#[test]
fn relation_and_boolean_modifiers() {
    let query = ok("dc.title any/stem/rel.algorithm=cori fish prox/distance<3/unit=word dog");
    let (op, mods, left, _) = boolean(&query.root);
    assert_eq!(op, BooleanOp::Prox);
    assert_eq!(
        mods,
        [
            modifier("distance", Some("<"), Some("3")),
            modifier("unit", Some("="), Some("word")),
        ]
    );
    assert_eq!(
        clause(left).relation.modifiers,
        [
            modifier("stem", None, None),
            modifier("rel.algorithm", Some("="), Some("cori")),
        ]
    );
}

#[test]
fn nested_parentheses() {
    let query = ok("(cat and (horse or frog)) and chips");
    let (_, _, left, right) = boolean(&query.root);
    assert_eq!(clause(right).term, "chips");
    let (_, _, _, inner) = boolean(left);
    assert_eq!(boolean(inner).0, BooleanOp::Or);
}

#[test]
fn index_relation_is_inherited_into_parentheses() {
    let query = ok("title = (a or b)");
    let terms: Vec<(&str, &str)> = query
        .clauses()
        .map(|c| (c.index_name(), c.term.as_str()))
        .collect();
    assert_eq!(terms, [("title", "a"), ("title", "b")]);
}

#[test]
fn prefix_maps() {
    let query = ok(r#"> dc = "info:srw/cql-context-set/1/dc-v1.1" dc.title = fish"#);
    assert_eq!(
        query.prefixes,
        [PrefixAssignment {
            name: Some("dc".to_owned()),
            uri: "info:srw/cql-context-set/1/dc-v1.1".to_owned(),
        }]
    );
    let c = clause(&query.root);
    assert_eq!(
        query.index_context_set(c),
        Some("info:srw/cql-context-set/1/dc-v1.1")
    );

    // Clause-level assignments (inside parentheses) land on the clauses.
    let query = ok(r#"(> dc = "x" > "y" dc.title = a and title = b) or c"#);
    let clauses: Vec<&SearchClause> = query.clauses().collect();
    assert_eq!(clauses[0].prefixes.len(), 2);
    assert_eq!(query.index_context_set(clauses[0]), Some("x"));
    assert_eq!(query.index_context_set(clauses[1]), Some("y"));
    assert!(clauses[2].prefixes.is_empty());
    assert_eq!(query.index_context_set(clauses[2]), None);
}

#[test]
fn keywords_as_terms() {
    let query = ok("fred and any");
    let (op, _, left, right) = boolean(&query.root);
    assert_eq!(op, BooleanOp::And);
    assert_eq!(
        (clause(left).term.as_str(), clause(right).term.as_str()),
        ("fred", "any")
    );
    let query = ok("(title any/stem \"fish dog\" or and)");
    let (_, _, _, right) = boolean(&query.root);
    assert_eq!(clause(right).term, "and");
    assert_eq!(clause(&ok("prox").root).term, "prox");
    assert_eq!(clause(&ok("title = AND").root).term, "and");
}

#[test]
fn free_form_terms() {
    let query = ok("a b c");
    let c = clause(&query.root);
    assert_eq!(c.term, "a");
    assert_eq!(c.extra_terms, ["b", "c"]);
    assert_eq!(c.terms().collect::<Vec<_>>(), ["a", "b", "c"]);
    assert_eq!(err("a b.c").diagnostic, 10);
}

#[test]
fn syntax_errors_are_diagnostic_10() {
    for (input, position) in [
        ("(cat", 4),
        ("((cat) or dog", 13),
        ("cat)", 3),
        ("(cat))", 5),
        ("\"cat", 0),
        ("title = \"cat", 8),
        ("", 0),
        ("   ", 0),
        ("cat and", 7),
        ("title =", 7),
        ("()", 1),
        ("=", 0),
        ("> dc = \"x\"", 10),
        ("cat dog.x", 9),
        ("a =/(b)", 4),
    ] {
        let e = err(input);
        assert_eq!(e.diagnostic, 10, "{input:?}: {e}");
        assert_eq!(e.position, position, "{input:?}: {e}");
        assert_eq!(e.diagnostic_uri(), "info:srw/diagnostic/1/10");
        assert!(!e.message.is_empty());
    }
}

#[test]
fn error_messages_are_helpful() {
    assert_eq!(
        err("(cat").to_string(),
        "missing ')' for the '(' at byte 0 (at byte 4)"
    );
    assert_eq!(err("cat)").message, "unbalanced ')'");
    assert_eq!(err("\"cat").message, "unterminated quoted string");
    assert_eq!(err("").message, "empty query");
    assert_eq!(
        err("cat and").message,
        "expected a search term or '(', found the end of the query"
    );
}

#[test]
fn nesting_depth_is_limited() {
    let at_limit = format!("{}cat{}", "(".repeat(64), ")".repeat(64));
    assert_eq!(clause(&ok(&at_limit).root).term, "cat");
    let too_deep = format!("{}cat{}", "(".repeat(65), ")".repeat(65));
    let e = err(&too_deep);
    assert_eq!((e.diagnostic, e.position), (10, 64));
    assert!(e.message.contains("nested"), "{e}");

    // Pathological input fails cleanly, without touching the call stack.
    let huge = "(".repeat(1_000_000);
    assert_eq!(err(&huge).diagnostic, 10);
    let options = ParseOptions::default().with_max_depth(2);
    assert!(parse_with("((a))", &options).is_ok());
    assert!(parse_with("(((a)))", &options).is_err());
}

#[test]
fn boolean_count_is_limited() {
    let chain = |n: usize| {
        let mut q = "a".to_owned();
        for _ in 0..n {
            q.push_str(" or a");
        }
        q
    };
    let query = ok(&chain(1000));
    assert_eq!(query.clauses().count(), 1001);
    let e = err(&chain(1001));
    assert_eq!(e.diagnostic, diagnostics::TOO_MANY_BOOLEAN_OPERATORS);
    assert_eq!(e.position, 1000 * 5 + 2);
    let options = ParseOptions::default().with_max_booleans(1);
    assert!(parse_with("a or b", &options).is_ok());
    assert_eq!(
        parse_with("a or b or c", &options).map_err(|e| e.diagnostic),
        Err(38)
    );
    // The deepest tree the default limits allow survives every operation on
    // a default-sized (2 MiB) thread stack, including the derived,
    // recursive Clone, PartialEq, Debug and Drop.
    let text = chain(1000);
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || {
            let query = parse(&text).expect("parses");
            let copy = query.clone();
            assert_eq!(query, copy);
            assert!(format!("{query:?}").len() > 1000);
            assert_eq!(query.to_string(), text);
            assert!(query.to_xcql().starts_with("<triple>"));
        })
        .expect("spawn")
        .join()
        .expect("no stack overflow");
}

#[test]
fn display_round_trips() {
    for (input, expected) in [
        ("cat", "cat"),
        (r#"dc.title = "fish""#, "dc.title = fish"),
        ("cat and dog or mouse", "cat and dog or mouse"),
        ("cat and (dog or mouse)", "cat and (dog or mouse)"),
        ("((cat and dog)) or mouse", "cat and dog or mouse"),
        (r#"title all "a b""#, r#"title all "a b""#),
        ("histor*", "histor*"),
        (r#""^cat says \"fish\"""#, r#""^cat says \"fish\"""#),
        (
            "a prox/distance<3/unit=word b",
            "a prox/distance<3/unit=word b",
        ),
        ("x ANY/Stem y", "x any/Stem y"),
        ("cql.serverChoice any y", "cql.serverChoice any y"),
        (
            "a sortby dc.title/sort.descending dc.date",
            "a sortby dc.title/sort.descending dc.date",
        ),
        (
            r#"> dc="info:x" (> "u" title=a and b)"#,
            r#"> dc = "info:x" (> "u" title = a) and (> "u" b)"#,
        ),
        ("title = (a or b)", "title = a or title = b"),
        ("a b c", "a b c"),
        (r#"a "b.c" "and""#, r#"a "b.c" "and""#),
        ("comp.os.linux", "comp.os.linux"),
        (r#""""#, r#""""#),
        ("\"and\" = x", "\"and\" = x"),
        (r"a\(b", r#""a\(b""#),
        ("fred and any", "fred and any"),
    ] {
        assert_eq!(round_trip(input), expected, "{input:?}");
    }
}

#[test]
fn display_quotes_programmatic_values() {
    let mut query = ok("x");
    if let Node::Clause(c) = &mut query.root {
        c.term = r#"say "hi"\"#.to_owned();
    }
    assert_eq!(query.to_string(), r#""say \"hi\"\\""#);
    let again = ok(&query.to_string());
    assert_eq!(clause(&again.root).term, r#"say \"hi\"\\"#);
}

#[test]
fn never_panics_on_odd_input() {
    // Every prefix of some tricky queries, plus odd bytes: errors are fine,
    // panics are not.
    let samples = [
        r#"> dc = "info:srw/cql-context-set/1/dc-v1.1" (dc.title any/stem/rel.x>1 "fish \"chips\"" prox/distance<=3 title = (a or b)) not c sortby x/y=z w"#,
        "é\\ü ß/=<>==<=>=()\"",
        "\\\\\\",
    ];
    for sample in samples {
        for (i, _) in sample.char_indices() {
            let _ = parse(&sample[..i]);
            let _ = parse(&sample[i..]);
        }
    }
}

/// Random token soup: whatever parses must survive display → parse with an
/// equal tree and equal XCQL; nothing may panic.
#[test]
fn random_queries_round_trip() {
    const ALPHABET: [&str; 30] = [
        "a",
        "b",
        "dc.title",
        "any",
        "ALL",
        "adj",
        "within",
        "and",
        "OR",
        "not",
        "prox",
        "sortby",
        "(",
        ")",
        "=",
        "==",
        "<>",
        ">=",
        "<",
        ">",
        "/",
        "\"x y\"",
        "\"\"",
        "\\*",
        "c*",
        "?",
        "^d",
        "> dc = \"u\"",
        "> \"v\"",
        "cql.serverChoice",
    ];
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut parsed = 0;
    for _ in 0..20_000 {
        let len = 1 + next() % 12;
        let mut query = String::new();
        for _ in 0..len {
            let token = ALPHABET[(next() % ALPHABET.len() as u64) as usize];
            query.push_str(token);
            if next() % 4 != 0 {
                query.push(' ');
            }
        }
        let Ok(tree) = parse(&query) else { continue };
        parsed += 1;
        let text = tree.to_string();
        let again = parse(&text).unwrap_or_else(|e| panic!("{query:?} → {text:?}: {e}"));
        assert_eq!(tree, again, "{query:?} → {text:?}");
        assert_eq!(tree.to_xcql(), again.to_xcql(), "{query:?} → {text:?}");
    }
    assert!(parsed > 1000, "only {parsed} random queries parsed");
}

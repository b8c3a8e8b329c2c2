//! Checks the parser against YAZ's CQL conformance suite (`fixtures/cql/`).
//!
//! `cql2xcqlsample` holds one query per line. A run of `#` lines opens the
//! next section (numbered from 1); queries are numbered from 1 within their
//! section, and blank lines are skipped — the numbering of YAZ's
//! `test/test_cql2xcql.sh`. For query `n` of section `s`, `cql/s.n.err` holds
//! the expected error text (`Syntax error`, or empty) and `cql/s.n.out` the
//! expected XCQL (empty on error).
//!
//! There are no deliberate differences from YAZ on this suite: every query
//! must match exactly.

use std::fs;
use std::path::{Path, PathBuf};

use unicat_cql::parse;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/cql")
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// One conformance case.
struct Case {
    id: String,
    query: String,
    expected_error: String,
    expected_xcql: String,
}

/// The queries of `file`, numbered as YAZ's test script numbers them.
fn cases(file: &str) -> Vec<(u32, u32, String)> {
    let mut out = Vec::new();
    let (mut section, mut number, mut in_comment) = (0, 0, false);
    for line in read(&fixtures().join(file)).lines() {
        if line.is_empty() {
            continue;
        }
        if line.starts_with('#') {
            in_comment = true;
            continue;
        }
        if in_comment {
            section += 1;
            number = 0;
            in_comment = false;
        }
        number += 1;
        out.push((section, number, line.to_owned()));
    }
    out
}

fn xcql_cases() -> Vec<Case> {
    cases("cql2xcqlsample")
        .into_iter()
        .map(|(section, number, query)| {
            let id = format!("{section}.{number}");
            let dir = fixtures().join("cql");
            Case {
                expected_error: read(&dir.join(format!("{id}.err"))).trim().to_owned(),
                expected_xcql: read(&dir.join(format!("{id}.out"))),
                id,
                query,
            }
        })
        .collect()
}

#[test]
fn yaz_cql2xcql_conformance() {
    let cases = xcql_cases();
    // Every expected-output file is used exactly once: the numbering is right.
    let files = fs::read_dir(fixtures().join("cql"))
        .expect("fixtures/cql/cql")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "out"))
        })
        .count();
    assert_eq!(files, cases.len(), "one .out file per query");

    let mut failures = Vec::new();
    for case in &cases {
        let result = parse(&case.query);
        let problem = match (&result, case.expected_error.is_empty()) {
            (Ok(query), true) => {
                let xcql = query.to_xcql();
                (xcql != case.expected_xcql).then(|| {
                    format!(
                        "XCQL differs\n--- expected\n{}--- got\n{xcql}",
                        case.expected_xcql
                    )
                })
            }
            (Err(_), false) => None,
            (Ok(query), false) => Some(format!(
                "expected error {:?}, parsed as {query}",
                case.expected_error
            )),
            (Err(e), true) => Some(format!("unexpected error: {e}")),
        };
        if let Some(problem) = problem {
            failures.push(format!("{} {:?}: {problem}", case.id, case.query));
        }
    }
    let passed = cases.len() - failures.len();
    println!(
        "yaz cql2xcql conformance: {passed} passed, {} failed",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{passed}/{} passed\n\n{}",
        cases.len(),
        failures.join("\n\n")
    );
    assert_eq!(cases.len(), 81);
}

/// Every conformance query that parses survives parse → display → parse,
/// and its XCQL is unchanged.
#[test]
fn display_round_trips_conformance_queries() {
    let queries = cases("cql2xcqlsample")
        .into_iter()
        .chain(cases("cql2pqfsample"))
        .map(|(_, _, query)| query);
    let mut parsed = 0;
    for query in queries {
        let Ok(tree) = parse(&query) else { continue };
        parsed += 1;
        let text = tree.to_string();
        let again = parse(&text).unwrap_or_else(|e| panic!("{query:?} → {text:?}: {e}"));
        assert_eq!(tree, again, "{query:?} → {text:?}");
        assert_eq!(tree.to_xcql(), again.to_xcql(), "{query:?} → {text:?}");
    }
    assert!(parsed > 100, "only {parsed} queries parsed");
}

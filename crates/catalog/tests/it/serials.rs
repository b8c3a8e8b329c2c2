//! Who holds this year: one journal held by three libraries with different
//! runs (two export their holdings as MARC holdings records in a second
//! file, one embeds an 866 in its bib), and a fourth whose statement cannot
//! be read; the answer for every year is exact.

use crate::harvest;
use std::path::Path;
use unicat_bib::CoverageVerdict;
use unicat_catalog::serials::Issue;
use unicat_catalog::{Catalog, IdentifierKind};

const ISSN: &str = "1524-4571";

fn bib(id: &str, embedded_866: Option<&str>) -> String {
    let own = embedded_866
        .map(|s| format!("<datafield tag=\"866\" ind1=\"3\" ind2=\"1\"><subfield code=\"8\">0</subfield><subfield code=\"a\">{s}</subfield></datafield>"))
        .unwrap_or_default();
    format!(
        "<record><leader>00000cas a2200000 a 4500</leader><controlfield tag=\"001\">{id}</controlfield>\
         <controlfield tag=\"008\">900101c19909999mdumr p       0   a0eng d</controlfield>\
         <datafield tag=\"022\" ind1=\" \" ind2=\" \"><subfield code=\"a\">{ISSN}</subfield></datafield>\
         <datafield tag=\"245\" ind1=\"0\" ind2=\"0\"><subfield code=\"a\">Journal of interlibrary loan studies.</subfield></datafield>\
         <datafield tag=\"260\" ind1=\" \" ind2=\" \"><subfield code=\"a\">Baltimore :</subfield><subfield code=\"b\">Lending Press,</subfield><subfield code=\"c\">1990-</subfield></datafield>\
         {own}</record>"
    )
}

fn mfhd(id: &str, bib: &str, statement: &str) -> String {
    format!(
        "<record><leader>00000ny  a22000001n 4500</leader><controlfield tag=\"001\">{id}</controlfield>\
         <controlfield tag=\"004\">{bib}</controlfield>\
         <datafield tag=\"852\" ind1=\"0\" ind2=\" \"><subfield code=\"b\">MAIN</subfield><subfield code=\"c\">Periodicals</subfield><subfield code=\"h\">Z711</subfield><subfield code=\"i\">.J68</subfield></datafield>\
         <datafield tag=\"866\" ind1=\"3\" ind2=\"1\"><subfield code=\"8\">0</subfield><subfield code=\"a\">{statement}</subfield></datafield></record>"
    )
}

fn network(dir: &Path) -> Catalog {
    let mut config = String::from("index_dir = \"index\"\n");
    let libraries: &[(&str, Option<&str>, Option<&str>)] = &[
        // id, MFHD statement (second source), embedded 866
        ("a", Some("v.1-10 (1990-1999)"), None),
        ("b", Some("v. 6-15 (1995-2004), v. 18-25 (2007-2014)"), None),
        ("c", None, Some("2000-")),
        ("d", Some("Current 5 years"), None),
        ("req", None, None),
    ];
    for (id, statement, embedded) in libraries {
        let bibs = if *id == "req" {
            // The requester holds something else.
            "<collection></collection>".to_string()
        } else {
            format!(
                "<collection>{}</collection>",
                bib(&format!("{id}-b1"), *embedded)
            )
        };
        std::fs::write(dir.join(format!("{id}-bibs.xml")), bibs).unwrap();
        config.push_str(&format!(
            "\n[[library]]\nid = \"{id}\"\nname = \"Library {id}\"\nlat = 41.0\nlon = -91.0\n"
        ));
        config.push_str(&format!(
            "[[library.source]]\nkind = \"file\"\npath = \"{id}-bibs.xml\"\n"
        ));
        if let Some(s) = statement {
            std::fs::write(
                dir.join(format!("{id}-mfhd.xml")),
                format!(
                    "<collection>{}</collection>",
                    mfhd(&format!("{id}-h1"), &format!("{id}-b1"), s)
                ),
            )
            .unwrap();
            config.push_str(&format!(
                "[[library.source]]\nkind = \"file\"\npath = \"{id}-mfhd.xml\"\n"
            ));
        }
    }
    // "req" has no records at all: give it one book so that its harvest is
    // not empty.
    std::fs::write(
        dir.join("req-bibs.xml"),
        format!(
            "<collection>{}</collection>",
            crate::record("req-1", "Another book", "9780131103627", &["Available"])
        ),
    )
    .unwrap();
    std::fs::write(dir.join("network.toml"), config).unwrap();
    harvest(&dir.join("network.toml"), None)
}

fn held_by(catalog: &Catalog, issue: Issue) -> Vec<String> {
    catalog
        .issue_holdings(IdentifierKind::Issn, ISSN, issue)
        .unwrap()
        .held_by
}

#[test]
fn who_holds_each_year_of_a_journal() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = network(dir.path());
    let all = catalog
        .issue_holdings(IdentifierKind::Issn, ISSN, Issue::default())
        .unwrap();
    assert_eq!(all.clusters.len(), 1, "one journal, one cluster");
    assert_eq!(all.clusters[0].holdings.len(), 4);
    for year in 1985..=2026u16 {
        let mut want = Vec::new();
        if (1990..=1999).contains(&year) {
            want.push("a".to_string());
        }
        if (1995..=2004).contains(&year) || (2007..=2014).contains(&year) {
            want.push("b".to_string());
        }
        if year >= 2000 {
            want.push("c".to_string());
        }
        let r = catalog
            .issue_holdings(
                IdentifierKind::Issn,
                ISSN,
                Issue {
                    year: Some(year),
                    volume: None,
                },
            )
            .unwrap();
        assert_eq!(r.held_by, want, "year {year}");
        // The library whose statement cannot be read is never "not held".
        let d = r.libraries.iter().find(|l| l.library == "d").unwrap();
        assert_eq!(d.coverage, CoverageVerdict::Unknown, "year {year}");
        assert_eq!(d.statements, vec!["Current 5 years".to_string()]);
    }
    // Volumes: c gives years only, so it cannot be told.
    let v = |n| {
        held_by(
            &catalog,
            Issue {
                year: None,
                volume: Some(n),
            },
        )
    };
    assert_eq!(v(3), vec!["a"]);
    assert_eq!(v(8), vec!["a", "b"]);
    assert_eq!(v(12), vec!["b"]);
    assert_eq!(v(16), Vec::<String>::new());
    assert_eq!(v(20), vec!["b"]);
    let r = catalog
        .issue_holdings(
            IdentifierKind::Issn,
            ISSN,
            Issue {
                year: None,
                volume: Some(12),
            },
        )
        .unwrap();
    let c = r.libraries.iter().find(|l| l.library == "c").unwrap();
    assert_eq!(c.coverage, CoverageVerdict::Unknown);
    // Year and volume together.
    assert_eq!(
        held_by(
            &catalog,
            Issue {
                year: Some(1998),
                volume: Some(8)
            }
        ),
        vec!["a", "b"]
    );
    assert_eq!(
        held_by(
            &catalog,
            Issue {
                year: Some(2005),
                volume: Some(12)
            }
        ),
        Vec::<String>::new()
    );
}

#[test]
fn lenders_for_an_article_rank_the_holders_first() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = network(dir.path());
    let cluster = catalog.journal_cluster(Some(ISSN), None).unwrap();
    let by_title = catalog
        .journal_cluster(None, Some("Journal of interlibrary loan studies"))
        .unwrap();
    assert_eq!(cluster.id, by_title.id);
    let issue = Issue::from_openurl(Some("2005-03"), Some("16"));
    assert_eq!(
        issue,
        Issue {
            year: Some(2005),
            volume: Some(16)
        }
    );
    // 2005 alone: c holds it; d cannot be told; a and b do not.
    let r = catalog
        .lenders_for(
            &cluster.id,
            "req",
            Issue {
                year: Some(2005),
                volume: None,
            },
        )
        .unwrap();
    let order: Vec<&str> = r.lenders.iter().map(|l| l.library.as_str()).collect();
    assert_eq!(order, vec!["c", "d"], "{:#?}", r.lenders);
    assert_eq!(r.lenders[0].coverage, Some(CoverageVerdict::Held));
    assert!(
        r.lenders[0].reason.starts_with("holds 2005 (2000-)"),
        "{}",
        r.lenders[0].reason
    );
    assert!(
        r.lenders[1].reason.contains("cannot be read"),
        "{}",
        r.lenders[1].reason
    );
    assert_eq!(r.excluded.len(), 2, "{:?}", r.excluded);
    assert!(
        r.excluded
            .iter()
            .any(|e| e
                .starts_with("Library a: its holdings (v.1-10 (1990-1999)) do not include 2005")),
        "{:?}",
        r.excluded
    );
    // 1998: a and b hold it and come before d.
    let r = catalog
        .lenders_for(
            &cluster.id,
            "req",
            Issue {
                year: Some(1998),
                volume: None,
            },
        )
        .unwrap();
    let mut first_two: Vec<&str> = r.lenders[..2].iter().map(|l| l.library.as_str()).collect();
    first_two.sort();
    assert_eq!(first_two, vec!["a", "b"]);
    assert_eq!(r.lenders[2].library, "d");
    assert_eq!(r.lenders.len(), 3, "c starts in 2000");
}

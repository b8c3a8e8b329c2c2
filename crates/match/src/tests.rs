//! The guards and the clustering on real-looking pairs, including every
//! edge case the matching notes and users' complaints name.

use crate::*;
use unicat_bib::{BibRecord, Extent, Isbn13, IsbnEntry, Lccn, MaterialFormat, OclcNumber};
use unicat_marc::{Format, Reader};

/// A record from MARCXML fields: `(tag, ind1ind2, [(code, value)])`, with
/// 008 built from year and language.
/// A field: tag, indicators, subfields.
type F<'a> = (&'a str, &'a str, &'a [(char, &'a str)]);

fn marc(fields: &[F<'_>], leader: &str) -> BibRecord {
    let mut xml = format!("<record><leader>{leader}</leader>");
    for (tag, ind, subs) in fields {
        if tag.starts_with("00") {
            xml.push_str(&format!(
                "<controlfield tag=\"{tag}\">{}</controlfield>",
                subs[0].1
            ));
            continue;
        }
        let i: Vec<char> = ind.chars().collect();
        xml.push_str(&format!(
            "<datafield tag=\"{tag}\" ind1=\"{}\" ind2=\"{}\">",
            i[0], i[1]
        ));
        for (c, v) in *subs {
            xml.push_str(&format!(
                "<subfield code=\"{c}\">{}</subfield>",
                v.replace('&', "&amp;")
            ));
        }
        xml.push_str("</datafield>");
    }
    xml.push_str("</record>");
    let r = Reader::new(xml.as_bytes(), Format::MarcXml)
        .next()
        .unwrap()
        .unwrap();
    BibRecord::from_marc(&r)
}

const BOOK: &str = "00000cam a2200000 a 4500";

fn f008(year: &str, lang: &str, form: char) -> String {
    let s = format!("900101s{year}    nyu     {form}           {lang} d");
    debug_assert_eq!(s.len(), 40);
    s
}

fn novel(isbn: Option<&str>, year: &str, publisher: &str) -> BibRecord {
    let y008 = f008(year, "eng", ' ');
    let mut fields: Vec<F<'_>> = vec![("008", "  ", &[])];
    let y008s = [(' ', y008.as_str())];
    fields[0].2 = &y008s;
    let isbn_sub;
    if let Some(i) = isbn {
        isbn_sub = [('a', i)];
        fields.push(("020", "  ", &isbn_sub));
    }
    let c = format!("{year}.");
    let imprint = [('a', "New York :"), ('b', publisher), ('c', c.as_str())];
    fields.push((
        "100",
        "1 ",
        &[('a', "Wharton, Edith,"), ('d', "1862-1937.")],
    ));
    fields.push((
        "245",
        "14",
        &[('a', "The age of innocence /"), ('c', "Edith Wharton.")],
    ));
    fields.push(("260", "  ", &imprint));
    fields.push(("300", "  ", &[('a', "345 p. ;"), ('c', "22 cm.")]));
    marc(&fields, BOOK)
}

fn m(b: &BibRecord) -> Manifestation {
    Manifestation::from_bib(b)
}

fn vetoed_by(a: &BibRecord, b: &BibRecord) -> Vec<String> {
    compare(&m(a), &m(b))
        .vetoes()
        .map(|c| c.guard.clone())
        .collect()
}

#[test]
fn copies_catalogued_differently_match() {
    let a = novel(Some("0940787083"), "1983", "Scribner,");
    // ISBN-13 with a qualifier, another spelling of the publisher, initials,
    // no ISBD punctuation, the date in brackets.
    let b = marc(
        &[
            ("008", "  ", &[(' ', &f008("1983", "eng", ' '))]),
            ("020", "  ", &[('a', "978-0-940787-08-7 (pbk.)")]),
            ("100", "1 ", &[('a', "Wharton, E.")]),
            ("245", "14", &[('a', "THE AGE OF INNOCENCE")]),
            (
                "264",
                " 1",
                &[
                    ('a', "New York"),
                    ('b', "Charles Scribner's Sons"),
                    ('c', "[1983]"),
                ],
            ),
            ("300", "  ", &[('a', "xii, 345 pages")]),
        ],
        BOOK,
    );
    let e = compare(&m(&a), &m(&b));
    assert!(e.is_match(), "{e:?}");
    assert!(e.keys.contains(&SharedKey::Isbn("9780940787087".into())));
}

#[test]
fn same_title_author_year_different_publisher_is_not_a_match_without_an_identifier() {
    let a = novel(None, "1920", "D. Appleton and Company,");
    let b = novel(None, "1920", "Grosset & Dunlap,");
    assert_eq!(vetoed_by(&a, &b), vec!["publisher"]);
    // With a shared identifier the publisher may differ (co-publishers).
    let a = novel(Some("0940787083"), "1920", "D. Appleton and Company,");
    let b = novel(Some("0940787083"), "1920", "Grosset & Dunlap,");
    assert!(compare(&m(&a), &m(&b)).is_match());
}

#[test]
fn sense_and_sensibility_1913_and_an_undated_record_with_an_isbn_do_not_match() {
    let old = marc(
        &[
            ("100", "1 ", &[('a', "Austen, Jane,"), ('d', "1775-1817.")]),
            (
                "245",
                "10",
                &[('a', "Sense and sensibility /"), ('c', "by Jane Austen.")],
            ),
            (
                "260",
                "  ",
                &[('a', "London :"), ('b', "J.M. Dent,"), ('c', "1913.")],
            ),
        ],
        BOOK,
    );
    let undated = marc(
        &[
            ("020", "  ", &[('a', "0141439661")]),
            ("100", "1 ", &[('a', "Austen, Jane.")]),
            ("245", "10", &[('a', "Sense & sensibility")]),
            ("260", "  ", &[('a', "London :"), ('b', "J.M. Dent")]),
        ],
        BOOK,
    );
    // They share no identifier, and the title key carries the year.
    assert!(!compare(&m(&old), &m(&undated)).is_match());
    assert_eq!(cluster_all(&[m(&old), m(&undated)]).len(), 2);
    // Even brought together by title and author, a guard keeps them apart.
    let e = explain(
        &m(&old),
        &m(&undated),
        &[SharedKey::TitleAuthor("sense|austen|".into())],
    );
    assert!(!e.is_match());
    assert_eq!(
        e.vetoes().map(|c| c.guard.as_str()).collect::<Vec<_>>(),
        vec!["completeness"]
    );
}

#[test]
fn a_nine_volume_set_and_one_volume_do_not_match() {
    let set = marc(
        &[
            ("020", "  ", &[('a', "0674996046 (set)")]),
            ("100", "1 ", &[('a', "Plutarch.")]),
            ("245", "10", &[('a', "Lives.")]),
            (
                "260",
                "  ",
                &[('b', "Harvard University Press,"), ('c', "1914.")],
            ),
            ("300", "  ", &[('a', "9 v. ;"), ('c', "17 cm.")]),
        ],
        BOOK,
    );
    let one = marc(
        &[
            ("020", "  ", &[('a', "0674996046")]),
            ("100", "1 ", &[('a', "Plutarch.")]),
            ("245", "10", &[('a', "Lives."), ('n', "Volume 1")]),
            (
                "260",
                "  ",
                &[('b', "Harvard University Press,"), ('c', "1914.")],
            ),
            ("300", "  ", &[('a', "xxiv, 579 p. ;")]),
        ],
        BOOK,
    );
    assert_eq!(vetoed_by(&set, &one), vec!["part"]);
    let two = marc(
        &[
            ("100", "1 ", &[('a', "Plutarch.")]),
            ("245", "10", &[('a', "Lives."), ('n', "Volume II")]),
            (
                "260",
                "  ",
                &[('b', "Harvard University Press,"), ('c', "1914.")],
            ),
        ],
        BOOK,
    );
    let one_again = marc(
        &[
            ("100", "1 ", &[('a', "Plutarch.")]),
            ("245", "10", &[('a', "Lives."), ('n', "v. 1")]),
            (
                "260",
                "  ",
                &[('b', "Harvard University Press,"), ('c', "1914.")],
            ),
        ],
        BOOK,
    );
    assert_eq!(vetoed_by(&one_again, &two), vec!["part"]);
}

#[test]
fn a_print_book_and_its_ebook_with_the_same_isbn_do_not_match() {
    let print = novel(Some("0940787083"), "1983", "Scribner,");
    let mut ebook = novel(Some("0940787083"), "1983", "Scribner,");
    ebook.format = MaterialFormat::Ebook;
    let e = compare(&m(&print), &m(&ebook));
    assert!(e.keys.contains(&SharedKey::Isbn("9780940787087".into())));
    assert_eq!(
        e.vetoes().map(|c| c.guard.as_str()).collect::<Vec<_>>(),
        vec!["format"]
    );
    // Large print and audiobook likewise.
    for f in [MaterialFormat::LargePrint, MaterialFormat::Audiobook] {
        let mut other = novel(Some("0940787083"), "1983", "Scribner,");
        other.format = f;
        assert_eq!(vetoed_by(&print, &other), vec!["format"], "{f:?}");
    }
}

#[test]
fn other_editions_and_translations_stay_apart() {
    let first = novel(Some("0940787083"), "1983", "Scribner,");
    let mut second = novel(None, "1983", "Scribner,");
    second.edition = Some("2nd ed.".into());
    assert_eq!(vetoed_by(&first, &second), vec!["edition"]);
    let later = novel(None, "1990", "Scribner,");
    assert_eq!(vetoed_by(&first, &later), vec!["year"]);
    let mut french = novel(None, "1983", "Scribner,");
    french.language = Some("fre".into());
    assert_eq!(vetoed_by(&first, &french), vec!["language"]);
    // A stated first edition matches a record that states none.
    let mut stated = novel(None, "1983", "Scribner,");
    stated.edition = Some("1st ed.".into());
    assert!(compare(&m(&first), &m(&stated)).is_match());
}

#[test]
fn a_shared_lccn_does_not_glue_different_books() {
    let mut a = novel(None, "1983", "Scribner,");
    a.lccn = Lccn::parse("83012345");
    let mut b = novel(None, "1983", "Scribner,");
    b.title = "The house of mirth".into();
    b.lccn = Lccn::parse("83012345");
    let e = compare(&m(&a), &m(&b));
    assert!(e.keys.contains(&SharedKey::Lccn("83012345".into())));
    assert_eq!(
        e.vetoes().map(|c| c.guard.as_str()).collect::<Vec<_>>(),
        vec!["title"]
    );
}

#[test]
fn pages_far_apart_and_issns_without_overlap_veto() {
    let a = novel(Some("0940787083"), "1983", "Scribner,");
    let mut b = novel(Some("0940787083"), "1983", "Scribner,");
    b.extent = Extent {
        pages: Some(120),
        volumes: None,
    };
    assert_eq!(vetoed_by(&a, &b), vec!["pages"]);
    b.extent = Extent {
        pages: Some(352),
        volumes: None,
    };
    assert!(vetoed_by(&a, &b).is_empty());
    let mut s1 = novel(None, "1983", "Scribner,");
    let mut s2 = s1.clone();
    s1.issns = vec![unicat_bib::Issn::parse("0028-0836").unwrap()];
    s2.issns = vec![unicat_bib::Issn::parse("2434-561X").unwrap()];
    assert_eq!(vetoed_by(&s1, &s2), vec!["issn"]);
}

#[test]
fn subtitles_dropped_or_folded_still_match() {
    let a = marc(
        &[
            ("100", "1 ", &[('a', "Wharton, Edith.")]),
            (
                "245",
                "14",
                &[('a', "The age of innocence :"), ('b', "a novel /")],
            ),
            ("260", "  ", &[('b', "Appleton,"), ('c', "1920.")]),
        ],
        BOOK,
    );
    let folded = marc(
        &[
            ("100", "1 ", &[('a', "Wharton, Edith.")]),
            ("245", "14", &[('a', "The age of innocence: a novel")]),
            ("260", "  ", &[('b', "D. Appleton & Co."), ('c', "c1920")]),
        ],
        BOOK,
    );
    let dropped = marc(
        &[
            ("100", "1 ", &[('a', "Wharton, E.")]),
            ("245", "10", &[('a', "Age of innocence")]),
            ("264", " 1", &[('b', "Appleton"), ('c', "1920")]),
        ],
        BOOK,
    );
    assert!(
        compare(&m(&a), &m(&folded)).is_match(),
        "{:?}",
        compare(&m(&a), &m(&folded))
    );
    assert!(compare(&m(&a), &m(&dropped)).is_match());
    assert!(compare(&m(&folded), &m(&dropped)).is_match());
}

#[test]
fn complete_linkage_keeps_a_bridge_from_gluing_two_manifestations() {
    // A and C are different editions; B has no edition statement and no
    // year conflict with either... but B states 1st edition and C 2nd.
    let a = novel(Some("0940787083"), "1983", "Scribner,");
    let mut b = novel(Some("0940787083"), "1983", "Scribner,");
    b.oclc_numbers = vec![OclcNumber::parse("12345").unwrap()];
    let mut c = novel(None, "1983", "Scribner,");
    c.oclc_numbers = vec![OclcNumber::parse("12345").unwrap()];
    c.edition = Some("2nd ed.".into());
    // B–C share an OCLC number but the edition guard vetoes; A–B match.
    let records: Vec<Manifestation> = [&a, &b, &c].iter().map(|x| m(x)).collect();
    let clusters = cluster_all(&records);
    let mut sizes: Vec<usize> = clusters.iter().map(|c| c.members.len()).collect();
    sizes.sort();
    assert_eq!(sizes, vec![1, 2]);
    // Now a bridge that passes against each side but the two sides conflict:
    // X (1983, no edition) matches Y (1983, "1st ed.") by ISBN, and Y matches
    // Z by OCLC, but Z is another publisher with no identifier shared with X.
    let x = novel(Some("0940787083"), "1983", "Scribner,");
    let mut y = novel(Some("0940787083"), "1983", "Scribner,");
    y.oclc_numbers = vec![OclcNumber::parse("777").unwrap()];
    let mut z = novel(None, "1983", "Grosset & Dunlap,");
    z.oclc_numbers = vec![OclcNumber::parse("777").unwrap()];
    let records: Vec<Manifestation> = [&x, &y, &z].iter().map(|r| m(r)).collect();
    let clusters = cluster_all(&records);
    assert_eq!(
        clusters.len(),
        2,
        "z joins y only if it is compatible with x too: {clusters:?}"
    );
}

#[test]
fn an_isbn_on_many_unrelated_records_stops_being_a_key() {
    // A publisher reused one ISBN on several different books.
    let titles = ["Moby Dick", "Emma", "Walden", "Ulysses"];
    let records: Vec<Manifestation> = titles
        .iter()
        .map(|t| {
            let mut b = novel(Some("0940787083"), "1983", "Scribner,");
            b.title = t.to_string();
            b.author_key = Some(t.to_lowercase().replace(' ', ""));
            m(&b)
        })
        .collect();
    let index = KeyIndex::build(&records);
    assert!(index.is_stopped(&SharedKey::Isbn("9780940787087".into())));
    assert_eq!(cluster_all(&records).len(), 4);
}

#[test]
fn evidence_names_keys_and_every_guard() {
    let a = novel(Some("0940787083"), "1983", "Scribner,");
    let b = novel(Some("9780940787087"), "1983", "Scribner,");
    let e = compare(&m(&a), &m(&b));
    assert!(e.is_match());
    let names: Vec<&str> = e.checks.iter().map(|c| c.guard.as_str()).collect();
    for g in [
        "format",
        "year",
        "edition",
        "part",
        "language",
        "issn",
        "isbn",
        "completeness",
        "pages",
        "author",
        "publisher",
        "title",
    ] {
        assert!(names.contains(&g), "{g} missing from {names:?}");
    }
    let year = e.checks.iter().find(|c| c.guard == "year").unwrap();
    assert_eq!(year.detail, "1983 / 1983");
    let isbn = Isbn13::parse("0940787083").unwrap();
    assert_eq!(m(&a).isbns, vec![(isbn, false)]);
    let _ = IsbnEntry {
        isbn,
        qualifier: None,
    };
}

#[test]
fn arias_for_bass_and_arias_for_soprano_stay_apart() {
    // Evergreen's concerto records 233 and 234: one compiler, publisher and
    // year, one long subtitle, different ISBNs.
    let score = |title: &str, isbn: &str| {
        marc(
            &[
                ("020", "  ", &[('a', isbn)]),
                ("100", "1 ", &[('a', "Larsen, Robert L.,"), ('d', "1934-")]),
                (
                    "245",
                    "00",
                    &[
                        ('a', title),
                        (
                            'b',
                            "complete package : with diction coach and accompaniment CDs /",
                        ),
                    ],
                ),
                (
                    "264",
                    " 1",
                    &[
                        ('a', "New York, NY :"),
                        ('b', "G. Schirmer, Inc.,"),
                        ('c', "2013."),
                    ],
                ),
                ("300", "  ", &[('a', "1 score (263 pages) ;")]),
            ],
            "00000ccm a2200000 i 4500",
        )
    };
    let bass = score("Arias for bass :", "9781480328532");
    let soprano = score("Arias for soprano :", "9781480328471");
    let vetoes = vetoed_by(&bass, &soprano);
    assert!(
        vetoes.contains(&"title".to_string()) && vetoes.contains(&"isbn".to_string()),
        "{vetoes:?}"
    );
}

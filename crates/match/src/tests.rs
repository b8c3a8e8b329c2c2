//! The comparisons and the clustering on real-looking pairs, including
//! every edge case the matching notes and users' complaints name, and every
//! class of difference seen in networks made outside the project (issue
//! 17), each in both directions: matched and kept apart.

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

/// The comparisons that speak against the pair: vetoes and negative weights.
fn against(a: &BibRecord, b: &BibRecord) -> Vec<String> {
    compare(&m(a), &m(b))
        .checks
        .iter()
        .filter(|c| c.verdict == Verdict::Veto || c.weight < 0.0)
        .map(|c| c.guard.clone())
        .collect()
}

fn matches(a: &BibRecord, b: &BibRecord) -> bool {
    compare(&m(a), &m(b)).is_match()
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
    assert!(!matches(&a, &b));
    assert_eq!(against(&a, &b), vec!["publisher"]);
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
    // Even brought together by title and author, the evidence is short:
    // title, author and publisher, and nothing else either way.
    let e = explain(
        &m(&old),
        &m(&undated),
        &[SharedKey::TitleAuthor("sensea|austen".into())],
    );
    assert!(!e.is_match(), "{e:?}");
    assert!(e.score < e.threshold);
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
    assert!(!matches(&first, &later));
    assert_eq!(against(&first, &later), vec!["year"]);
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
    assert!(!e.is_match());
    assert_eq!(against(&a, &b), vec!["title"]);
}

#[test]
fn pages_far_apart_and_issns_without_overlap_count_against() {
    let a = novel(Some("0940787083"), "1983", "Scribner,");
    let mut b = novel(Some("0940787083"), "1983", "Scribner,");
    b.extent = Extent {
        pages: Some(120),
        volumes: None,
    };
    assert_eq!(against(&a, &b), vec!["pages"]);
    b.extent = Extent {
        pages: Some(352),
        volumes: None,
    };
    assert!(against(&a, &b).is_empty());
    let mut s1 = novel(None, "1983", "Scribner,");
    let mut s2 = s1.clone();
    s1.issns = vec![unicat_bib::Issn::parse("0028-0836").unwrap()];
    s2.issns = vec![unicat_bib::Issn::parse("2434-561X").unwrap()];
    assert_eq!(against(&s1, &s2), vec!["issn"]);
    assert!(!matches(&s1, &s2));
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
    // B–C share an OCLC number but the edition vetoes; A–B match.
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
fn evidence_names_keys_and_every_comparison_with_its_weight() {
    let a = novel(Some("0940787083"), "1983", "Scribner,");
    let b = novel(Some("9780940787087"), "1983", "Scribner,");
    let e = compare(&m(&a), &m(&b));
    assert!(e.is_match());
    let names: Vec<&str> = e.checks.iter().map(|c| c.guard.as_str()).collect();
    for g in [
        "format",
        "edition",
        "part",
        "language",
        "oclc",
        "generic title",
        "isbn",
        "lccn",
        "issn",
        "year",
        "pages",
        "publisher",
        "host",
        "names",
        "title",
    ] {
        assert!(names.contains(&g), "{g} missing from {names:?}");
    }
    let year = e.checks.iter().find(|c| c.guard == "year").unwrap();
    assert_eq!(year.detail, "1983 / 1983");
    assert_eq!(year.verdict, Verdict::Agree);
    assert_eq!(year.weight, weights::YEAR_AGREE);
    let total: f32 = e.checks.iter().map(|c| c.weight).sum();
    assert_eq!(e.score, total);
    assert_eq!(e.threshold, weights::THRESHOLD);
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
    assert!(!matches(&bass, &soprano));
    let against = against(&bass, &soprano);
    assert!(
        against.contains(&"title".to_string()) && against.contains(&"isbn".to_string()),
        "{against:?}"
    );
}

// The classes of difference seen in networks made outside the project
// (issue 17), each with a real-looking pair matched and one kept apart.

/// A full LC-style record of a 1999 book.
fn refactoring(extra: &[F<'_>]) -> BibRecord {
    let mut fields: Vec<F<'_>> = vec![
        (
            "008",
            "  ",
            &[(' ', "990323s1999    maua     b    001 0 eng  ")],
        ),
        ("020", "  ", &[('a', "0201485672")]),
        ("100", "1 ", &[('a', "Fowler, Martin.")]),
        (
            "245",
            "10",
            &[
                ('a', "Refactoring :"),
                ('b', "improving the design of existing code /"),
                (
                    'c',
                    "Martin Fowler ; with contributions by Kent Beck ... [et al.].",
                ),
            ],
        ),
        (
            "260",
            "  ",
            &[
                ('a', "Reading, MA :"),
                ('b', "Addison-Wesley,"),
                ('c', "c1999."),
            ],
        ),
        ("300", "  ", &[('a', "xxi, 431 p. :"), ('b', "ill. ;")]),
        ("700", "1 ", &[('a', "Beck, Kent.")]),
    ];
    fields.extend_from_slice(extra);
    marc(&fields, BOOK)
}

#[test]
fn brief_records_match_full_ones_but_a_bare_title_does_not() {
    let full = refactoring(&[]);
    // No main entry, no pages: title, date and publisher.
    let brief = marc(
        &[
            ("245", "10", &[('a', "Refactoring")]),
            ("260", "  ", &[('b', "Addison Wesley"), ('c', "1999")]),
        ],
        BOOK,
    );
    assert!(
        matches(&full, &brief),
        "{:?}",
        compare(&m(&full), &m(&brief))
    );
    // No publisher either, but the ISBN.
    let with_isbn = marc(
        &[
            ("020", "  ", &[('a', "978-0-201-48567-7")]),
            ("245", "10", &[('a', "Refactoring.")]),
        ],
        BOOK,
    );
    assert!(matches(&full, &with_isbn));
    // A title and nothing else is not enough, nor a title and a year.
    let bare = marc(&[("245", "10", &[('a', "Refactoring")])], BOOK);
    let dated = marc(
        &[
            ("245", "10", &[('a', "Refactoring")]),
            ("260", "  ", &[('c', "1999")]),
        ],
        BOOK,
    );
    for other in [&bare, &dated] {
        let e = explain(
            &m(&full),
            &m(other),
            &[SharedKey::TitleYear("refactor|1999".into())],
        );
        assert!(!e.is_match(), "{e:?}");
    }
    // The brief and full records cluster together by their keys alone.
    assert_eq!(cluster_all(&[m(&full), m(&brief), m(&with_isbn)]).len(), 1);
}

#[test]
fn typing_slips_in_a_long_title_are_forgiven_not_in_a_short_one() {
    let record = |title: &str, year: &str| {
        marc(
            &[
                (
                    "100",
                    "1 ",
                    &[('a', "Armstrong, Louis,"), ('d', "1901-1971.")],
                ),
                ("245", "10", &[('a', title)]),
                ("260", "  ", &[('b', "Columbia,"), ('c', year)]),
            ],
            "00000cjm a2200000 a 4500",
        )
    };
    for (typed, right) in [
        ("Dixiland jazz classics", "Dixieland jazz classics"),
        ("Dis cjockey jump", "Disc jockey jump"),
        ("A separate awlking", "A separate walking"),
    ] {
        let (a, b) = (record(typed, "1957."), record(right, "1957."));
        assert!(matches(&a, &b), "{typed}: {:?}", compare(&m(&a), &m(&b)));
        assert_eq!(cluster_all(&[m(&a), m(&b)]).len(), 1, "{typed}");
    }
    // One letter in a short title makes another title.
    let (a, b) = (record("Cats", "1957."), record("Bats", "1957."));
    assert!(!matches(&a, &b));
    assert_eq!(against(&a, &b), vec!["title"]);
}

#[test]
fn a_date_one_year_off_matches_when_the_rest_agrees_not_when_years_are_far() {
    let full = refactoring(&[]);
    // The printing date in 260 $c, 008 Date 1 agreeing.
    let printing = marc(
        &[
            (
                "008",
                "  ",
                &[(' ', "000105s1999    maua     b    001 0 eng  ")],
            ),
            ("100", "1 ", &[('a', "Fowler, Martin.")]),
            ("245", "10", &[('a', "Refactoring")]),
            ("260", "  ", &[('b', "Addison-Wesley,"), ('c', "2000.")]),
            ("300", "  ", &[('a', "431 p.")]),
        ],
        BOOK,
    );
    assert!(matches(&full, &printing));
    // `[1979]` against `c1978`, no 008: one year apart, ISBN shared.
    let a = marc(
        &[
            ("020", "  ", &[('a', "0394500008")]),
            ("100", "1 ", &[('a', "Sagan, Carl.")]),
            ("245", "10", &[('a', "Broca's brain")]),
            ("260", "  ", &[('b', "Random House,"), ('c', "[1979]")]),
        ],
        BOOK,
    );
    let b = marc(
        &[
            ("020", "  ", &[('a', "0-394-50000-8")]),
            ("100", "1 ", &[('a', "Sagan, Carl.")]),
            ("245", "10", &[('a', "Broca's brain /")]),
            ("260", "  ", &[('b', "Random House"), ('c', "c1978.")]),
        ],
        BOOK,
    );
    let e = compare(&m(&a), &m(&b));
    assert!(e.is_match(), "{e:?}");
    let year = e.checks.iter().find(|c| c.guard == "year").unwrap();
    assert_eq!(year.verdict, Verdict::Close);
    // Five years apart without an identifier: another printing history.
    let later = novel(None, "1988", "Scribner,");
    let first = novel(None, "1983", "Scribner,");
    assert!(!matches(&first, &later));
}

#[test]
fn authors_in_another_order_or_only_in_700_or_245c_match_other_people_do_not() {
    let full = refactoring(&[]);
    // Kent Beck as main entry, Fowler in 700.
    let swapped = marc(
        &[
            ("100", "1 ", &[('a', "Beck, Kent.")]),
            ("245", "10", &[('a', "Refactoring")]),
            ("260", "  ", &[('b', "Addison-Wesley"), ('c', "1999")]),
            ("700", "1 ", &[('a', "Fowler, Martin.")]),
        ],
        BOOK,
    );
    let e = compare(&m(&full), &m(&swapped));
    assert!(e.is_match(), "{e:?}");
    assert_eq!(
        e.checks
            .iter()
            .find(|c| c.guard == "names")
            .unwrap()
            .verdict,
        Verdict::Agree
    );
    // The author named only in the statement of responsibility.
    let statement_only = marc(
        &[
            (
                "245",
                "10",
                &[('a', "Refactoring /"), ('c', "by Martin Fowler.")],
            ),
            ("260", "  ", &[('b', "Addison-Wesley"), ('c', "1999")]),
        ],
        BOOK,
    );
    assert!(matches(&full, &statement_only));
    assert_eq!(
        cluster_all(&[m(&full), m(&swapped), m(&statement_only)]).len(),
        1
    );
    // Someone else's book of the same title, year and publisher.
    let other = marc(
        &[
            ("100", "1 ", &[('a', "Kerievsky, Joshua.")]),
            ("245", "10", &[('a', "Refactoring")]),
            ("260", "  ", &[('b', "Addison-Wesley"), ('c', "1999")]),
        ],
        BOOK,
    );
    assert!(!matches(&full, &other));
    assert!(against(&full, &other).contains(&"names".to_string()));
}

#[test]
fn one_oclc_number_in_any_written_form_is_one_key_two_numbers_are_two_books() {
    let forms = [
        ("035", "(OCoLC)ocm10037096"),
        ("035", "(OCoLC)ocn010037096"),
        ("035", "(OCoLC)10037096"),
    ];
    let records: Vec<BibRecord> = forms
        .iter()
        .map(|(tag, v)| {
            marc(
                &[
                    (tag, "  ", &[('a', v)]),
                    ("245", "10", &[('a', "Moby Dick")]),
                    ("260", "  ", &[('c', "1851")]),
                ],
                BOOK,
            )
        })
        .collect();
    // 001 with 003 OCoLC, and the number among another record's merged (019).
    let in_001 = marc(
        &[
            ("001", "  ", &[(' ', "10037096")]),
            ("003", "  ", &[(' ', "OCoLC")]),
            ("245", "10", &[('a', "Moby-Dick, or, The whale")]),
        ],
        BOOK,
    );
    let merged = marc(
        &[
            ("019", "  ", &[('a', "10037096")]),
            ("035", "  ", &[('a', "(OCoLC)55555")]),
            ("245", "10", &[('a', "Moby Dick")]),
        ],
        BOOK,
    );
    let mut all: Vec<Manifestation> = records.iter().map(m).collect();
    all.push(m(&in_001));
    all.push(m(&merged));
    // A shared OCLC number is decisive: only a veto overrules it.
    let e = compare(&m(&records[0]), &m(&in_001));
    assert!(e.is_match() && e.decisive, "{e:?}");
    assert_eq!(cluster_all(&all).len(), 1);
    // Two different numbers, not linked by 019: two manifestations.
    let other = marc(
        &[
            ("035", "  ", &[('a', "(OCoLC)ocm22222222")]),
            ("245", "10", &[('a', "Moby Dick")]),
            ("260", "  ", &[('c', "1851")]),
        ],
        BOOK,
    );
    assert_eq!(vetoed_by(&records[0], &other), vec!["oclc"]);
}

#[test]
fn a_volume_is_one_volume_wherever_the_record_puts_it() {
    let lives = |fields: &[F<'_>]| {
        let mut all: Vec<F<'_>> = vec![
            ("100", "1 ", &[('a', "Plutarch.")]),
            (
                "260",
                "  ",
                &[('b', "Harvard University Press,"), ('c', "1914.")],
            ),
        ];
        all.extend_from_slice(fields);
        marc(&all, BOOK)
    };
    let in_n = lives(&[("245", "10", &[('a', "Lives."), ('n', "Volume 2")])]);
    let in_a = lives(&[("245", "10", &[('a', "Lives. Vol. II")])]);
    let in_490 = lives(&[
        ("245", "10", &[('a', "Lives")]),
        (
            "490",
            "1 ",
            &[('a', "Loeb classical library ;"), ('v', "v. 2")],
        ),
    ]);
    for (x, y) in [(&in_n, &in_a), (&in_n, &in_490), (&in_a, &in_490)] {
        let e = compare(&m(x), &m(y));
        assert!(e.is_match(), "{e:?}");
    }
    let one_in_a = lives(&[("245", "10", &[('a', "Lives. Volume 1")])]);
    let one_in_490 = lives(&[
        ("245", "10", &[('a', "Lives")]),
        (
            "490",
            "1 ",
            &[('a', "Loeb classical library ;"), ('v', "v. 1")],
        ),
    ]);
    assert_eq!(vetoed_by(&in_n, &one_in_a), vec!["part"]);
    assert_eq!(vetoed_by(&in_a, &one_in_490), vec!["part"]);
}

#[test]
fn online_versions_of_non_book_material_stay_apart_from_the_physical_ones() {
    // A streamed recording, an online score and a streamed video against
    // the disc, the printed score and the DVD; the carrier told by 008,
    // 007, 300, 337/338 or 856, whatever the record type.
    let item = |leader: &str, f008: &str, extra: &[F<'_>]| {
        let control = [(' ', f008)];
        let mut fields: Vec<F<'_>> = vec![
            ("008", "  ", &control),
            ("100", "1 ", &[('a', "Taylor, Joanne Shaw.")]),
            ("245", "10", &[('a', "Almost always never")]),
            ("260", "  ", &[('b', "RUF Records,"), ('c', "2012.")]),
        ];
        fields.extend_from_slice(extra);
        marc(&fields, leader)
    };
    let music = "00000cjm a2200000 a 4500";
    let music_008 = "120101s2012    gw ppnn          n  eng d";
    let online_008 = "120101s2012    gw ppnn o        n  eng d";
    let disc = item(
        music,
        music_008,
        &[("300", "  ", &[('a', "1 audio disc (52 min.)")])],
    );
    let streamed = [
        item(music, online_008, &[]),
        item(
            music,
            music_008,
            &[("007", "  ", &[(' ', "cr unu||||||||")])],
        ),
        item(
            music,
            music_008,
            &[("300", "  ", &[('a', "1 online resource (1 audio file)")])],
        ),
        item(
            music,
            music_008,
            &[
                ("337", "  ", &[('a', "computer"), ('b', "c")]),
                ("338", "  ", &[('a', "online resource"), ('b', "cr")]),
            ],
        ),
        item(
            music,
            music_008,
            &[("856", "40", &[('u', "https://stream.example/almost")])],
        ),
    ];
    for s in &streamed {
        assert_eq!(vetoed_by(&disc, s), vec!["format"], "{:?}", m(s));
    }
    // Two streamed records match each other.
    assert!(matches(&streamed[0], &streamed[2]));
    // A DVD whose 856 links to a shop page stays physical.
    let video = "00000cgm a2200000 a 4500";
    let video_008 = "140930s2010    xxu060            vleng d";
    let dvd = item(
        video,
        video_008,
        &[
            ("300", "  ", &[('a', "8 videodiscs (1162 min.)")]),
            (
                "856",
                "40",
                &[
                    ('3', "Amazon.com"),
                    ('u', "http://www.amazon.example/dp/B003"),
                ],
            ),
        ],
    );
    let dvd2 = item(video, video_008, &[("300", "  ", &[('a', "8 videodiscs")])]);
    assert!(matches(&dvd, &dvd2));
    let online_video = item(
        video,
        "140930s2010    xxu060      o     vleng d",
        &[("300", "  ", &[('a', "1 online resource")])],
    );
    assert_eq!(vetoed_by(&dvd, &online_video), vec!["format"]);
    // A printed score and an online one.
    let score = "00000ccm a2200000 a 4500";
    let printed = item(
        score,
        music_008,
        &[("300", "  ", &[('a', "1 score (64 p.)")])],
    );
    let online_score = item(
        score,
        music_008,
        &[("007", "  ", &[(' ', "cr |||||||||||")])],
    );
    assert_eq!(vetoed_by(&printed, &online_score), vec!["format"]);
}

#[test]
fn a_generic_title_needs_a_host_item_an_identifier_or_a_part() {
    let column = |host: &str| {
        marc(
            &[
                ("100", "1 ", &[('a', "Garfield, Eugene.")]),
                ("245", "10", &[('a', "Editor's notes")]),
                ("260", "  ", &[('c', "1988")]),
                ("773", "0 ", &[('t', "Current contents."), ('g', host)]),
            ],
            "00000cab a2200000 a 4500",
        )
    };
    let (march, june) = (column("Vol. 31, no. 12"), column("Vol. 31, no. 24"));
    let e = compare(&m(&march), &m(&june));
    assert!(!e.is_match(), "{e:?}");
    assert!(
        against(&march, &june).contains(&"host".to_string()),
        "{e:?}"
    );
    assert!(matches(&march, &column("Vol. 31, no. 12")));
    // Without host items, the same title, author and year are not enough.
    let bare = |year: &str| {
        marc(
            &[
                ("100", "1 ", &[('a', "Garfield, Eugene.")]),
                ("245", "10", &[('a', "Editor's notes")]),
                ("260", "  ", &[('b', "ISI Press"), ('c', year)]),
            ],
            BOOK,
        )
    };
    assert_eq!(
        vetoed_by(&bare("1988"), &bare("1988")),
        vec!["generic title"]
    );
    // A book with a generic title: the same publisher and paging suffice.
    let poems = |publisher: &str| {
        marc(
            &[
                ("100", "1 ", &[('a', "Yeats, W. B.")]),
                ("245", "14", &[('a', "The poems /"), ('c', "W.B. Yeats.")]),
                ("260", "  ", &[('b', publisher), ('c', "1984.")]),
                ("300", "  ", &[('a', "xxxi, 747 p.")]),
            ],
            BOOK,
        )
    };
    assert!(matches(&poems("Macmillan,"), &poems("Macmillan")));
    assert!(!matches(&poems("Macmillan,"), &poems("Penguin,")));
}

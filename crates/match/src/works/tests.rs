//! Work grouping on real-looking records: every case the works issue names,
//! each in both directions.

use super::*;
use unicat_bib::BibRecord;
use unicat_marc::{Format, Reader};

/// A field: tag, indicators, subfields (a control field's value is its one
/// subfield).
type F<'a> = (&'a str, &'a str, Vec<(char, &'a str)>);

fn record(leader: &str, f008: &str, fields: &[F<'_>]) -> Manifestation {
    let esc = |v: &str| v.replace('&', "&amp;");
    let mut xml =
        format!("<record><leader>{leader}</leader><controlfield tag=\"008\">{f008}</controlfield>");
    for (tag, ind, subs) in fields {
        let i: Vec<char> = ind.chars().collect();
        xml.push_str(&format!(
            "<datafield tag=\"{tag}\" ind1=\"{}\" ind2=\"{}\">",
            i[0], i[1]
        ));
        for (c, v) in subs {
            xml.push_str(&format!("<subfield code=\"{c}\">{}</subfield>", esc(v)));
        }
        xml.push_str("</datafield>");
    }
    xml.push_str("</record>");
    let r = Reader::new(xml.as_bytes(), Format::MarcXml)
        .next()
        .unwrap()
        .unwrap();
    Manifestation::from_bib(&BibRecord::from_marc(&r))
}

/// 008 for a year, a language and a form of item (position 23; `d` large
/// print, `o` online).
fn f008(year: u16, lang: &str, form: char) -> String {
    let s = format!("900101s{year}    xxu     {form}           {lang} d");
    assert_eq!(s.len(), 40);
    s
}

const BOOK: &str = "00000cam a2200000 a 4500";
const SPOKEN: &str = "00000cim a2200000 a 4500";
const FILM: &str = "00000cgm a2200000 a 4500";

fn tolkien_hobbit(leader: &str, form: char, year: u16, extra: &[F<'_>]) -> Manifestation {
    let y = year.to_string();
    let mut fields: Vec<F<'_>> = vec![
        (
            "100",
            "1 ",
            vec![
                ('a', "Tolkien, J. R. R."),
                ('q', "(John Ronald Reuel),"),
                ('d', "1892-1973."),
            ],
        ),
        (
            "245",
            "14",
            vec![
                ('a', "The hobbit, or, There and back again /"),
                ('c', "J.R.R. Tolkien."),
            ],
        ),
        (
            "264",
            " 1",
            vec![
                ('a', "Boston :"),
                ('b', "Houghton Mifflin,"),
                ('c', "[date]"),
            ],
        ),
    ];
    fields[2].2[2] = ('c', Box::leak(format!("{y}.").into_boxed_str()));
    fields.extend(extra.iter().cloned());
    record(leader, &f008(year, "eng", form), &fields)
}

fn works_of(ms: &[Manifestation]) -> Works {
    let clusters: Vec<Vec<&Manifestation>> = ms.iter().map(|m| vec![m]).collect();
    group_works(&clusters)
}

fn one_work(w: &Works) -> bool {
    w.works.len() == 1
}

#[test]
fn the_same_novel_as_book_audiobook_large_print_and_ebook_is_one_work() {
    let book = tolkien_hobbit(BOOK, ' ', 1997, &[]);
    let large = tolkien_hobbit(BOOK, 'd', 2001, &[]);
    let ebook = tolkien_hobbit(BOOK, 'o', 2012, &[]);
    let audio = tolkien_hobbit(
        SPOKEN,
        ' ',
        2002,
        &[("700", "1 ", vec![('a', "Inglis, Rob,"), ('e', "narrator.")])],
    );
    assert_eq!(book.format, MaterialFormat::Book);
    assert_eq!(large.format, MaterialFormat::LargePrint);
    assert_eq!(ebook.format, MaterialFormat::Ebook);
    assert_eq!(audio.format, MaterialFormat::Audiobook);
    let w = works_of(&[book, large, ebook, audio]);
    assert!(one_work(&w), "{w:?}");
    assert_eq!(w.works[0].clusters, vec![0, 1, 2, 3]);
    // A spanning set of links, each with its evidence.
    assert_eq!(w.works[0].links.len(), 3);
    assert!(
        w.works[0]
            .links
            .iter()
            .all(|l| l.name.as_deref() == Some("tolkien"))
    );
}

#[test]
fn two_novels_titled_emma_by_different_authors_are_two_works() {
    let austen = record(
        BOOK,
        &f008(2003, "eng", ' '),
        &[
            (
                "100",
                "1 ",
                vec![('a', "Austen, Jane,"), ('d', "1775-1817.")],
            ),
            ("245", "10", vec![('a', "Emma /"), ('c', "Jane Austen.")]),
        ],
    );
    let austen_again = record(
        BOOK,
        &f008(1966, "eng", ' '),
        &[
            ("100", "1 ", vec![('a', "Austen, Jane.")]),
            (
                "245",
                "10",
                vec![('a', "Emma."), ('b', "Edited by Ronald Blythe.")],
            ),
        ],
    );
    let mccall_smith = record(
        BOOK,
        &f008(2014, "eng", ' '),
        &[
            (
                "100",
                "1 ",
                vec![('a', "McCall Smith, Alexander,"), ('d', "1948-")],
            ),
            (
                "245",
                "10",
                vec![
                    ('a', "Emma :"),
                    ('b', "a modern retelling /"),
                    ('c', "Alexander McCall Smith."),
                ],
            ),
        ],
    );
    let w = works_of(&[austen, mccall_smith, austen_again]);
    assert_eq!(w.works.len(), 2, "{w:?}");
    assert_eq!(w.works[0].clusters, vec![0, 2]);
    assert_eq!(w.works[1].clusters, vec![1]);
}

#[test]
fn poems_by_two_poets_and_two_selections_of_one_author_stay_apart() {
    let poems = |name: &'static str| {
        record(
            BOOK,
            &f008(1990, "eng", ' '),
            &[
                ("100", "1 ", vec![('a', name)]),
                ("245", "10", vec![('a', "Poems /")]),
            ],
        )
    };
    let w = works_of(&[poems("Dickinson, Emily,"), poems("Frost, Robert,")]);
    assert_eq!(w.works.len(), 2);
    // The same poet's "Poems" twice: a generic title names no work.
    let w = works_of(&[poems("Dickinson, Emily,"), poems("Dickinson, Emily,")]);
    assert_eq!(w.works.len(), 2);
    // Two selections of Twain titled alike, each with the collective
    // uniform title, made by different editors: two works; the same
    // selection printed again: one.
    let selection = |editor: &'static str, year: u16| {
        record(
            BOOK,
            &f008(year, "eng", ' '),
            &[
                (
                    "100",
                    "1 ",
                    vec![('a', "Twain, Mark,"), ('d', "1835-1910.")],
                ),
                ("240", "10", vec![('a', "Works."), ('k', "Selections")]),
                ("245", "14", vec![('a', "The portable Mark Twain /")]),
                ("700", "1 ", vec![('a', editor), ('e', "editor.")]),
            ],
        )
    };
    let a = selection("DeVoto, Bernard,", 1946);
    assert!(a.uniform_is_collective && a.work_title.is_none());
    let w = works_of(&[a.clone(), selection("Messent, Peter B.,", 2004)]);
    assert_eq!(
        w.works.len(),
        2,
        "two compilations titled alike are two works"
    );
    let w = works_of(&[a, selection("DeVoto, Bernard,", 1977)]);
    assert!(one_work(&w), "the same compilation again is one work");
}

#[test]
fn the_film_and_the_novel_are_two_works_linked_as_related() {
    let novel = tolkien_hobbit(BOOK, ' ', 1997, &[]);
    let film = record(
        FILM,
        "130101s2013    xxu120            vleng d",
        &[
            (
                "245",
                "14",
                vec![
                    ('a', "The hobbit, or, There and back again /"),
                    ('c', "directed by Peter Jackson."),
                ],
            ),
            (
                "700",
                "1 ",
                vec![
                    ('a', "Jackson, Peter,"),
                    ('d', "1961-"),
                    ('e', "film director."),
                ],
            ),
            ("700", "1 ", vec![('a', "Tolkien, J. R. R.")]),
        ],
    );
    assert_eq!(film.format, MaterialFormat::Video);
    let w = works_of(&[novel, film]);
    assert_eq!(w.works.len(), 2);
    assert_eq!(w.related, vec![(0, 1)]);
}

#[test]
fn a_translation_whose_240_names_the_original_joins_the_work() {
    let original = tolkien_hobbit(BOOK, ' ', 1997, &[]);
    let french = record(
        BOOK,
        &f008(2012, "fre", ' '),
        &[
            ("100", "1 ", vec![('a', "Tolkien, J. R. R.")]),
            ("240", "10", vec![('a', "Hobbit."), ('l', "French")]),
            (
                "245",
                "10",
                vec![
                    ('a', "Le hobbit /"),
                    ('c', "J.R.R. Tolkien ; traduit par Daniel Lauzon."),
                ],
            ),
        ],
    );
    assert_eq!(french.work_title.as_deref(), Some("hobbit"));
    // Without the 240, a French title does not meet the English one.
    let untitled = record(
        BOOK,
        &f008(2012, "fre", ' '),
        &[
            ("100", "1 ", vec![('a', "Tolkien, J. R. R.")]),
            ("245", "10", vec![('a', "Bilbo le hobbit /")]),
        ],
    );
    let w = works_of(&[original, french, untitled]);
    assert_eq!(w.works.len(), 2, "{w:?}");
    assert_eq!(w.works[0].clusters, vec![0, 1]);
    let link = &w.works[0].links[0];
    assert_eq!(link.title, "hobbit");
    assert_eq!(link.title_from.1, TitleSource::Uniform);
}

#[test]
fn a_title_without_any_name_never_makes_a_work_but_two_uniform_title_entries_do() {
    let anonymous = |title: &'static str| {
        record(
            BOOK,
            &f008(2000, "eng", ' '),
            &[("245", "00", vec![('a', title)])],
        )
    };
    let w = works_of(&[anonymous("Cooking for two."), anonymous("Cooking for two.")]);
    assert_eq!(w.works.len(), 2);
    let beowulf = |title: &'static str, year: u16| {
        record(
            BOOK,
            &f008(year, "eng", ' '),
            &[
                ("130", "0 ", vec![('a', "Beowulf."), ('l', "English.")]),
                ("245", "10", vec![('a', title)]),
            ],
        )
    };
    let w = works_of(&[
        beowulf("Beowulf :", 2000),
        beowulf("Beowulf, a new verse translation", 1999),
    ]);
    assert!(one_work(&w), "{w:?}");
}

#[test]
fn volumes_of_one_work_are_one_work() {
    let volume = |n: &'static str| {
        record(
            BOOK,
            &f008(2015, "eng", ' '),
            &[
                ("100", "1 ", vec![('a', "Knuth, Donald E.")]),
                (
                    "245",
                    "14",
                    vec![('a', "The art of computer programming."), ('n', n)],
                ),
            ],
        )
    };
    let w = works_of(&[volume("Volume 1"), volume("Volume 2")]);
    assert!(one_work(&w));
}

#[test]
fn work_ids_are_kept_by_overlap_and_new_works_get_new_ids() {
    let previous: HashMap<u64, u64> = [(1, 100), (2, 100), (3, 100), (4, 200)].into();
    // Work 100 split: the larger part keeps its id; 4 and a new cluster 5
    // keep 200; cluster 6 is new.
    let works = vec![vec![1, 2], vec![3], vec![4, 5], vec![6]];
    let ids = assign_work_ids(&works, &previous);
    assert_eq!(ids[0], WorkId(100));
    assert_eq!(ids[2], WorkId(200));
    assert_ne!(ids[1], WorkId(100));
    assert_ne!(ids[1], ids[3]);
    assert!(ids[1] != WorkId(200) && ids[3] != WorkId(200));
    // The same grouping again keeps every id.
    let again: HashMap<u64, u64> = works
        .iter()
        .zip(&ids)
        .flat_map(|(cs, id)| cs.iter().map(move |c| (*c, id.0)))
        .collect();
    assert_eq!(assign_work_ids(&works, &again), ids);
    // And a fresh grouping is deterministic.
    assert_eq!(
        assign_work_ids(&works, &HashMap::new()),
        assign_work_ids(&works, &HashMap::new())
    );
    assert_eq!(WorkId::parse(&ids[3].to_string()), Some(ids[3]));
}

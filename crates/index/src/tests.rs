use super::*;
use crate::query::Text;
use std::ops::Bound;

fn doc(
    id: &str,
    title: &str,
    author: &str,
    year: u16,
    format: &str,
    libs: &[&str],
    isbn: &str,
) -> ClusterDoc {
    ClusterDoc {
        id: id.into(),
        title: title.into(),
        subtitle: None,
        authors: vec![author.into()],
        publisher: Some("Scribner".into()),
        place: None,
        year: Some(year),
        edition: None,
        format: format.into(),
        language: Some("eng".into()),
        isbns: vec![isbn.into()],
        issns: vec![],
        oclc: vec![],
        lccn: vec![],
        holdings: libs
            .iter()
            .map(|l| Holding {
                library: l.to_string(),
                library_name: l.to_uppercase(),
                record_id: format!("{l}-1"),
                call_number: None,
                location: None,
                items: Some(1),
                available: Some(1),
                status: "available".into(),
                url: None,
                summary_holdings: vec![],
                coverage: None,
            })
            .collect(),
        pagination: None,
        series: vec![],
        subjects: vec!["Upper class -- Fiction".into()],
        lc_class: None,
        lc_call_number: None,
        work: None,
    }
}

fn index_with(docs: &[ClusterDoc]) -> (tempfile::TempDir, CatalogIndex) {
    let dir = tempfile::tempdir().unwrap();
    let index = CatalogIndex::open(dir.path()).unwrap();
    let mut up = index.update(32 << 20).unwrap();
    for d in docs {
        up.add(d, &SearchText::default()).unwrap();
    }
    up.commit().unwrap();
    index.reload().unwrap();
    (dir, index)
}

fn ids(r: &SearchResults) -> Vec<String> {
    r.hits.iter().map(|d| d.id.clone()).collect()
}

#[test]
fn words_fields_phrases_prefixes_and_years() {
    let (_d, index) = index_with(&[
        doc(
            "a1",
            "The age of innocence",
            "Wharton, Edith",
            1920,
            "book",
            &["ccpl", "evg"],
            "9780940787087",
        ),
        doc(
            "a2",
            "The house of mirth",
            "Wharton, Edith",
            1905,
            "book",
            &["ccpl"],
            "9780000000002",
        ),
        doc(
            "a3",
            "Les misérables",
            "Hugo, Victor",
            1862,
            "ebook",
            &["evg"],
            "9780000000019",
        ),
    ]);
    let s = |q: Query| index.search(&q, 0, 10, Sort::Relevance).unwrap();
    assert_eq!(
        s(Query::Words(SearchField::Any, "wharton innocence".into())).total,
        1
    );
    assert_eq!(
        s(Query::Words(SearchField::Author, "wharton".into())).total,
        2
    );
    assert_eq!(
        ids(&s(Query::Words(SearchField::Any, "miserables".into()))),
        vec!["a3"]
    );
    assert_eq!(
        ids(&s(Query::Words(SearchField::Any, "Misérables".into()))),
        vec!["a3"]
    );
    assert_eq!(
        s(Query::Phrase(SearchField::Title, "age of innocence".into())).total,
        1
    );
    assert_eq!(
        s(Query::Phrase(SearchField::Title, "innocence of age".into())).total,
        0
    );
    assert_eq!(
        ids(&s(Query::Prefix(SearchField::Any, "innoc".into()))),
        vec!["a1"]
    );
    assert_eq!(
        s(Query::Year(Bound::Included(1900), Bound::Included(1925))).total,
        2
    );
    assert_eq!(
        ids(&s(Query::Exact(SearchField::Isbn, "9780940787087".into()))),
        vec!["a1"]
    );
    assert_eq!(s(Query::Exact(SearchField::Library, "evg".into())).total, 2);
    let not = Query::Not(
        Box::new(Query::Words(SearchField::Author, "wharton".into())),
        Box::new(Query::Words(SearchField::Title, "mirth".into())),
    );
    assert_eq!(ids(&s(not)), vec!["a1"]);
    let or = Query::Or(vec![
        Query::Words(SearchField::Title, "mirth".into()),
        Query::Words(SearchField::Title, "miserables".into()),
    ]);
    assert_eq!(s(or).total, 2);
}

#[test]
fn facets_count_clusters_and_pages_sort() {
    let (_d, index) = index_with(&[
        doc(
            "a1",
            "Alpha",
            "X",
            2001,
            "book",
            &["ccpl", "evg"],
            "9780940787087",
        ),
        doc("a2", "Beta", "X", 1999, "book", &["ccpl"], "9780000000002"),
        doc(
            "a3",
            "Gamma",
            "X",
            2010,
            "ebook",
            &["evg", "koha"],
            "9780000000019",
        ),
    ]);
    let r = index.search(&Query::All, 0, 2, Sort::YearNewest).unwrap();
    assert_eq!(r.total, 3);
    assert_eq!(ids(&r), vec!["a3", "a1"]);
    assert_eq!(
        r.facets.library,
        vec![
            ("ccpl".to_string(), 2),
            ("evg".to_string(), 2),
            ("koha".to_string(), 1)
        ]
    );
    assert_eq!(
        r.facets.format,
        vec![("book".to_string(), 2), ("ebook".to_string(), 1)]
    );
    let page2 = index.search(&Query::All, 2, 2, Sort::YearNewest).unwrap();
    assert_eq!(ids(&page2), vec!["a2"]);
    assert_eq!(
        ids(&index.search(&Query::All, 0, 3, Sort::Title).unwrap()),
        vec!["a1", "a2", "a3"]
    );
    assert_eq!(
        ids(&index.search(&Query::All, 0, 3, Sort::YearOldest).unwrap()),
        vec!["a2", "a1", "a3"]
    );
}

#[test]
fn updates_replace_and_delete() {
    let (_d, index) = index_with(&[doc(
        "a1",
        "Alpha",
        "X",
        2001,
        "book",
        &["ccpl"],
        "9780940787087",
    )]);
    let mut up = index.update(32 << 20).unwrap();
    up.delete("a1");
    up.add(
        &doc(
            "a1",
            "Alpha revised",
            "X",
            2001,
            "book",
            &["ccpl", "evg"],
            "9780940787087",
        ),
        &SearchText::default(),
    )
    .unwrap();
    up.add(
        &doc("b1", "Beta", "X", 2001, "book", &["evg"], "9780000000002"),
        &SearchText::default(),
    )
    .unwrap();
    up.commit().unwrap();
    index.reload().unwrap();
    assert_eq!(index.count(), 2);
    assert_eq!(index.get("a1").unwrap().unwrap().holdings.len(), 2);
    let mut up = index.update(32 << 20).unwrap();
    up.delete("b1");
    up.commit().unwrap();
    index.reload().unwrap();
    assert!(index.get("b1").unwrap().is_none());
    let mut all = vec![];
    index.for_each(|d| all.push(d.id)).unwrap();
    assert_eq!(all, vec!["a1"]);
}

#[test]
fn one_writer_at_a_time() {
    let (_d, index) = index_with(&[]);
    let _w = index.update(32 << 20).unwrap();
    assert!(matches!(index.update(32 << 20), Err(IndexError::Locked(_))));
}

#[test]
fn profiles_come_from_columns() {
    let mut a = doc(
        "a1",
        "Alpha",
        "X",
        2001,
        "book",
        &["ccpl", "evg"],
        "9780940787087",
    );
    a.lc_class = Some("QA".into());
    let (_d, index) = index_with(&[
        a,
        doc("a2", "Beta", "X", 1999, "ebook", &["koha"], "9780000000002"),
    ]);
    let mut rows = vec![];
    index
        .for_each_profile(|l, f, c| rows.push((l.join(","), f.to_string(), c.map(str::to_string))))
        .unwrap();
    rows.sort();
    assert_eq!(
        rows,
        vec![
            ("ccpl,evg".into(), "book".into(), Some("Q".into())),
            ("koha".into(), "ebook".into(), None)
        ]
    );
    let g = index.generation();
    let mut up = index.update(32 << 20).unwrap();
    up.delete("a2");
    up.commit().unwrap();
    index.reload().unwrap();
    assert_ne!(index.generation(), g);
}

#[test]
fn an_index_from_another_version_is_replaced_for_a_harvest() {
    let dir = tempfile::tempdir().unwrap();
    // An index with some other schema where ours belongs.
    let path = dir.path().join(INDEX_FOLDER);
    std::fs::create_dir_all(&path).unwrap();
    let mut b = tantivy::schema::Schema::builder();
    b.add_text_field("something_else", tantivy::schema::STRING);
    tantivy::Index::create_in_dir(&path, b.build()).unwrap();
    // Opening for searching refuses it and says what to do...
    let e = CatalogIndex::open(dir.path()).err().unwrap().to_string();
    assert!(e.contains("another version of Unicat"), "{e}");
    // ...opening for a harvest replaces it with an empty index of ours.
    let (index, replaced) = CatalogIndex::open_or_replace(dir.path()).unwrap();
    assert!(replaced);
    assert_eq!(index.count(), 0);
    drop(index);
    let (_, replaced) = CatalogIndex::open_or_replace(dir.path()).unwrap();
    assert!(!replaced, "our own index is kept");
}

#[test]
fn facet_columns_follow_new_segments() {
    let (_d, index) = index_with(&[doc(
        "a1",
        "Alpha",
        "X",
        2001,
        "book",
        &["ccpl"],
        "9780940787087",
    )]);
    let r = index.search(&Query::All, 0, 10, Sort::Relevance).unwrap();
    assert_eq!(r.facets.library, vec![("ccpl".to_string(), 1)]);
    // A second commit adds a segment next to the one whose columns are
    // now cached, and deletes from the first.
    let mut up = index.update(32 << 20).unwrap();
    up.delete("a1");
    up.add(
        &doc("b1", "Beta", "X", 1999, "ebook", &["evg"], "9780000000002"),
        &SearchText::default(),
    )
    .unwrap();
    up.add(
        &doc("c1", "Gamma", "X", 2001, "book", &["evg"], "9780000000019"),
        &SearchText::default(),
    )
    .unwrap();
    up.commit().unwrap();
    index.reload().unwrap();
    let r = index.search(&Query::All, 0, 10, Sort::Title).unwrap();
    assert_eq!(r.facets.library, vec![("evg".to_string(), 2)]);
    assert_eq!(
        r.facets.year,
        vec![("1999".to_string(), 1), ("2001".to_string(), 1)]
    );
    assert_eq!(ids(&r), vec!["b1", "c1"]);
}

#[test]
fn a_stored_document_reads_back_as_it_was_written() {
    // Every field set (and a holding with none of its optional parts), in
    // several scripts: the stored form must give back exactly this.
    let mut full = doc(
        "c9",
        "Ṭabaqāt al-umam",
        "Ṣāʻid al-Andalusī, 1029-1070",
        1912,
        "book",
        &["ccpl", "evg"],
        "9780940787087",
    );
    full.subtitle = Some("ou, Les catégories des nations".into());
    full.authors.push("Blachère, Régis".into());
    full.place = Some("Bayrūt".into());
    full.edition = Some("2. éd.".into());
    full.issns = vec!["0028-0836".into()];
    full.oclc = vec!["12345".into(), "67890".into()];
    full.lccn = vec!["n  79021164".into()];
    full.pagination = Some("xii, 200 p. ; 24 cm".into());
    full.series = vec!["Collection «Textes arabes»".into()];
    full.subjects
        .push("Ethnology -- Early works to 1800".into());
    full.lc_class = Some("GN".into());
    full.lc_call_number = Some("GN20 .S3 1912".into());
    full.holdings[0].call_number = Some("909 SAI".into());
    full.holdings[0].location = Some("Main; Stacks".into());
    full.holdings[0].url = Some("https://ccpl.example/r/1?x=\"y\"".into());
    full.holdings[1].items = None;
    full.holdings[1].available = None;
    full.holdings[1].status = "unknown".into();
    let (_d, index) = index_with(std::slice::from_ref(&full));
    assert_eq!(index.get("c9").unwrap(), Some(full.clone()));
    let r = index.search(&Query::All, 0, 10, Sort::Title).unwrap();
    assert_eq!(r.hits, vec![full]);
}

fn text(words: &str) -> Query {
    Query::Text(Text {
        words: words.into(),
        fuzzy: true,
        ..Text::default()
    })
}

fn top(index: &CatalogIndex, q: &Query) -> Vec<String> {
    ids(&index.search(q, 0, 10, Sort::Relevance).unwrap())
}

#[test]
fn the_known_item_ranks_first() {
    let mut subject = doc(
        "subject",
        "Camels",
        "Smith, Al",
        2003,
        "book",
        &["a", "b", "c", "d"],
        "9780000000014",
    );
    subject.subjects = vec!["Perl (Computer program language) -- Programming".into()];
    let (_d, index) = index_with(&[
        doc(
            "scatter",
            "Perl for programming managers",
            "Perl, Ann",
            2001,
            "book",
            &["a", "b", "c"],
            "9780000000011",
        ),
        doc(
            "phrase",
            "Advanced programming perl techniques",
            "Smith, Jo",
            2002,
            "book",
            &["a"],
            "9780000000012",
        ),
        doc(
            "exact",
            "Programming Perl",
            "Wall, Larry",
            2000,
            "book",
            &["a"],
            "9780000000013",
        ),
        subject,
    ]);
    // Exact title first, then the phrase in a title, then scattered words.
    assert_eq!(
        top(&index, &text("programming perl")),
        ["exact", "phrase", "scatter", "subject"]
    );
    // Title + author: the title equal to the first words.
    assert_eq!(top(&index, &text("Programming Perl Wall"))[0], "exact");
    assert_eq!(top(&index, &text("wall programming perl"))[0], "exact");
}

#[test]
fn more_holdings_break_ties() {
    let (_d, index) = index_with(&[
        doc(
            "one",
            "The hobbit",
            "Tolkien, J. R. R.",
            1997,
            "book",
            &["a"],
            "9780000000021",
        ),
        doc(
            "four",
            "The hobbit",
            "Tolkien, J. R. R.",
            1997,
            "book",
            &["a", "b", "c", "d"],
            "9780000000022",
        ),
        doc(
            "two",
            "The hobbit",
            "Tolkien, J. R. R.",
            1997,
            "book",
            &["a", "b"],
            "9780000000023",
        ),
    ]);
    assert_eq!(top(&index, &text("hobbit")), ["four", "two", "one"]);
}

#[test]
fn close_spellings_match_below_the_word_itself() {
    let (_d, index) = index_with(&[
        doc(
            "right",
            "Programming Perl",
            "Wall, Larry",
            2000,
            "book",
            &["a"],
            "9780000000031",
        ),
        doc(
            "slip",
            "Programing in the small",
            "Wall, Larry",
            2000,
            "book",
            &["a"],
            "9780000000032",
        ),
        doc(
            "far",
            "Progress reports",
            "Wall, Larry",
            2000,
            "book",
            &["a"],
            "9780000000033",
        ),
    ]);
    // One edit for 5–7 letters, two for 8 and more.
    assert_eq!(top(&index, &text("programming")), ["right", "slip"]);
    assert_eq!(top(&index, &text("programing")), ["slip", "right"]);
    assert_eq!(top(&index, &text("prgoramming perl")), ["right"]);
    assert_eq!(top(&index, &text("larry wal")), [] as [String; 0]);
    assert_eq!(top(&index, &text("lary")), [] as [String; 0]);
    // Read strictly, words match exactly.
    assert_eq!(
        top(&index, &Query::Text(Text::words("programing"))),
        ["slip"]
    );
    // Most of the words.
    let most = Query::Text(Text {
        words: "programming perl camels".into(),
        minimum: crate::Minimum::Most,
        ..Text::default()
    });
    assert_eq!(top(&index, &most), ["right"]);
}

#[test]
fn corrections_come_from_the_index() {
    let (_d, index) = index_with(&[
        doc(
            "a",
            "Programming Perl",
            "Wall, Larry",
            2000,
            "book",
            &["a"],
            "9780000000041",
        ),
        doc(
            "b",
            "Programming Python",
            "Lutz, Mark",
            2001,
            "book",
            &["a"],
            "9780000000042",
        ),
        doc(
            "c",
            "Programing in the small",
            "Wall, Larry",
            2000,
            "book",
            &["a"],
            "9780000000043",
        ),
    ]);
    assert_eq!(index.word_frequency("programming").unwrap(), 2);
    assert_eq!(index.word_frequency("progrmming").unwrap(), 0);
    let c = index.closest_word("progrmming", 2).unwrap().unwrap();
    assert_eq!(
        (c.word.as_str(), c.distance, c.documents),
        ("programming", 1, 2)
    );
    assert_eq!(
        index.closest_word("pyhton", 2).unwrap().unwrap().word,
        "python"
    );
    assert!(index.closest_word("zzzzzz", 2).unwrap().is_none());
    assert!(index.closest_word("pel", 2).unwrap().is_none());
}

#[test]
fn diacritics_case_and_initials_fold() {
    let (_d, index) = index_with(&[
        doc(
            "pl",
            "Rozważna i romantyczna",
            "Austen, Jane",
            1995,
            "book",
            &["a"],
            "9780000000051",
        ),
        doc(
            "fr",
            "Études et causeries littéraires",
            "Delaporte, P. V.",
            1899,
            "book",
            &["a"],
            "9780000000052",
        ),
        doc(
            "en",
            "The fellowship of the ring",
            "Tolkien, J.R.R.",
            1954,
            "book",
            &["a"],
            "9780000000053",
        ),
    ]);
    assert_eq!(top(&index, &text("Rozwazna")), ["pl"]);
    assert_eq!(top(&index, &text("ETUDES")), ["fr"]);
    assert_eq!(top(&index, &text("Tolkien, J. R. R.")), ["en"]);
    assert_eq!(
        top(
            &index,
            &Query::Phrase(SearchField::Author, "Tolkien, J. R. R.".into())
        ),
        ["en"]
    );
}

#[test]
fn a_search_by_work_collapses_editions_and_summarises_every_format() {
    let w = |id: &str, mut d: ClusterDoc| {
        d.work = Some(id.to_string());
        d
    };
    // Work A: a book in two editions and an audiobook; work B: one book; a
    // cluster not yet grouped (no work) stands alone.
    let docs = [
        w(
            "aaaaaaaaaa",
            doc("c1", "Emma", "Austen, Jane", 1990, "book", &["x", "y"], "1"),
        ),
        w(
            "aaaaaaaaaa",
            doc("c2", "Emma", "Austen, Jane", 2005, "book", &["z"], "2"),
        ),
        w(
            "aaaaaaaaaa",
            doc("c3", "Emma", "Austen, Jane", 2010, "audiobook", &["x"], "3"),
        ),
        w(
            "bbbbbbbbbb",
            doc("c4", "Emma", "Tennant, Emma", 1996, "book", &["y"], "4"),
        ),
        doc(
            "c5",
            "Emma and the ghost",
            "Smith, Ann",
            2001,
            "book",
            &["w"],
            "5",
        ),
        w(
            "cccccccccc",
            doc(
                "c6",
                "Persuasion",
                "Austen, Jane",
                1990,
                "book",
                &["x"],
                "6",
            ),
        ),
    ];
    let (_dir, index) = index_with(&docs);
    // The works' clusters, as the store gives them.
    let clusters_of = |works: &[u64]| -> Vec<Vec<String>> {
        works
            .iter()
            .map(|&w| {
                docs.iter()
                    .filter(|d| {
                        d.work
                            .as_deref()
                            .and_then(unicat_match::works::WorkId::parse)
                            == Some(unicat_match::works::WorkId(w))
                    })
                    .map(|d| d.id.clone())
                    .collect()
            })
            .collect()
    };
    let q = Query::Words(SearchField::Any, "emma".into());
    let r = index
        .search_works(&q, 0, 10, Sort::Relevance, clusters_of)
        .unwrap();
    assert_eq!((r.total, r.clusters), (3, 5));
    let a = r
        .hits
        .iter()
        .find(|h| h.best.work.as_deref() == Some("aaaaaaaaaa"))
        .unwrap();
    assert_eq!(a.matched, 3);
    assert_eq!(a.holdings.editions, 3);
    assert_eq!(a.holdings.libraries, 3);
    assert_eq!(
        a.holdings.formats,
        vec![
            FormatHoldings {
                format: "book".into(),
                editions: 2,
                libraries: 3
            },
            FormatHoldings {
                format: "audiobook".into(),
                editions: 1,
                libraries: 1
            },
        ]
    );
    // The cluster without a work is a result of its own.
    let lone = r.hits.iter().find(|h| h.best.id == "c5").unwrap();
    assert_eq!((lone.matched, lone.holdings.editions), (1, 1));
    // Facets still count clusters.
    assert_eq!(
        r.facets.format,
        vec![("book".to_string(), 4), ("audiobook".to_string(), 1)]
    );
    // Newest first: a work ranks by its newest matching edition (2010).
    let r = index
        .search_works(&q, 0, 10, Sort::YearNewest, clusters_of)
        .unwrap();
    assert_eq!(r.hits[0].best.id, "c3");
    // Title order, paged one work at a time: every work once.
    let mut seen = Vec::new();
    for page in 0..3 {
        let r = index
            .search_works(&q, page, 1, Sort::Title, clusters_of)
            .unwrap();
        assert_eq!(r.hits.len(), 1);
        seen.push(r.hits[0].best.id.clone());
    }
    assert_eq!(seen.last().map(String::as_str), Some("c5"), "{seen:?}");
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 3);
    // The work's other editions count even when they do not match.
    let q = Query::Words(SearchField::Any, "persuasion".into());
    let r = index
        .search_works(&q, 0, 10, Sort::Relevance, clusters_of)
        .unwrap();
    assert_eq!(r.hits[0].holdings.editions, 1);
}

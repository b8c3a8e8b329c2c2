//! Brief records: a copy catalogued in haste (on order, from an invoice, by
//! a volunteer) without main entry, publisher or extent, and without notes
//! and subjects. A brief copy always keeps its title, a date, and a
//! publisher or an identifier; only the rare *bare* copy is its title alone.

use super::super::marcedit::{
    data, data_fields_mut, insert_in_order, linked_tag, punct_245, punct_imprint,
    remove_data_fields, repunctuate, set_fixed,
};
use super::super::sibling::Variant;
use super::super::style::publication_field;
use super::Class;
use crate::Rng;
use unicat_bib::Isbn13;
use unicat_bib::fold::trim_isbd;
use unicat_marc::{Field, Record};

const NAME_TAGS: [&str; 6] = ["100", "110", "111", "700", "710", "711"];

fn has_names(record: &Record) -> bool {
    record.data_fields_any(&NAME_TAGS).next().is_some()
}

fn has_publisher(record: &Record) -> bool {
    publication_field(record)
        .and_then(|at| record.fields[at].as_data())
        .is_some_and(|f| f.values_of("ab").any(|v| !trim_isbd(v).is_empty()))
}

/// A valid ISBN or an LCCN in the record (the OCLC number is written later).
fn has_identifier(record: &Record) -> bool {
    record
        .data_fields("020")
        .any(|f| f.values('a').any(|a| Isbn13::parse(a).is_some()))
        || record
            .data_fields("010")
            .any(|f| f.values('a').any(|a| !a.trim().is_empty()))
}

/// The brief forms a copy can take and still be told apart from a bare
/// title: it keeps a publisher or an identifier (`oclc_written`: an OCLC
/// number will be written into it). An online version keeps its 300.
pub(crate) fn forms_for(record: &Record, variant: Variant, oclc_written: bool) -> Vec<Class> {
    let identified = oclc_written || has_identifier(record);
    let publisher = has_publisher(record);
    let mut forms = Vec::new();
    if has_names(record) && (publisher || identified) {
        forms.push(Class::BriefNoAuthor);
    }
    if publisher && identified {
        forms.push(Class::BriefNoPublisher);
    }
    if record.data_field("300").is_some() && variant != Variant::Online && (publisher || identified)
    {
        forms.push(Class::BriefNoPages);
    }
    forms
}

/// Makes the copy brief in `form`: notes and subjects go too.
pub(crate) fn apply(record: &mut Record, form: Class, isbd: bool, rng: &mut Rng) {
    match form {
        Class::BriefNoAuthor => {
            remove_data_fields(record, |d| NAME_TAGS.contains(&d.tag.as_str()));
            if let Some(f) = data_fields_mut(record, "245").next() {
                f.subfields.retain(|s| s.code != 'c');
                f.indicators.first = '0';
                repunctuate(f, isbd, punct_245);
            }
        }
        Class::BriefNoPublisher => {
            if let Some(at) = publication_field(record)
                && let Field::Data(f) = &mut record.fields[at]
            {
                let tag = f.tag;
                f.subfields.retain(|s| !matches!(s.code, 'a' | 'b' | '6'));
                if f.subfields.iter().any(|s| s.code.is_ascii_alphabetic()) {
                    repunctuate(f, isbd, punct_imprint);
                } else {
                    record.fields.remove(at);
                }
                // The alternate-script imprint names the publisher too.
                record.fields.retain(|field| {
                    !(field.tag() == "880"
                        && field
                            .as_data()
                            .and_then(linked_tag)
                            .is_some_and(|t| t == tag.as_str()))
                });
            }
        }
        Class::BriefNoPages => {
            remove_data_fields(record, |d| d.tag == "300");
            if rng.chance(0.5) {
                insert_in_order(
                    record,
                    data("300", ' ', ' ', &[('a', if isbd { "1 v." } else { "1 v" })]),
                );
            }
        }
        _ => return,
    }
    remove_data_fields(record, |d| {
        d.tag.as_str().starts_with('5') || d.tag.as_str().starts_with('6')
    });
}

/// Reduces the copy to its title: 245 `$a` alone, the 008 without dates,
/// the leader; nothing else (no identifier either: the caller writes no
/// OCLC number). The library's 001, 003, 040 and items are added after.
pub(crate) fn bare(record: &mut Record) {
    let title = record
        .data_field("245")
        .and_then(|f| f.first('a'))
        .map(|a| trim_isbd(a).to_string())
        .unwrap_or_default();
    let nonfiling = record
        .data_field("245")
        .map_or('0', |f| f.indicators.second);
    record.fields.retain(|f| {
        matches!(f, Field::Control { .. })
            && !matches!(f.tag().as_str(), "001" | "003" | "006" | "007")
    });
    for field in &mut record.fields {
        if let Field::Control { tag, value } = field
            && *tag == "008"
        {
            *value = set_fixed(value, 6, "nuuuu    ", 40);
        }
    }
    insert_in_order(
        record,
        data("245", '0', nonfiling, &[('a', &format!("{title}."))]),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicat_bib::BibRecord;

    fn wharton() -> Record {
        let mut r = Record::new();
        r.push_control(
            super::super::super::marcedit::tag("008"),
            "830506s1983    nyu           000 1 eng  ",
        );
        for f in [
            data("020", ' ', ' ', &[('a', "0940787083 (pbk.)")]),
            data(
                "100",
                '1',
                ' ',
                &[('a', "Wharton, Edith,"), ('d', "1862-1937.")],
            ),
            data(
                "245",
                '1',
                '4',
                &[
                    ('a', "The age of innocence :"),
                    ('b', "a novel /"),
                    ('c', "Edith Wharton."),
                ],
            ),
            data(
                "260",
                ' ',
                ' ',
                &[('a', "New York :"), ('b', "Scribner,"), ('c', "c1983.")],
            ),
            data("300", ' ', ' ', &[('a', "xii, 345 p. ;"), ('c', "22 cm.")]),
            data("500", ' ', ' ', &[('a', "First published 1920.")]),
            data("650", ' ', '0', &[('a', "Upper class"), ('z', "New York.")]),
            data("700", '1', ' ', &[('a', "Smith, John.")]),
        ] {
            r.fields.push(f);
        }
        r
    }

    #[test]
    fn brief_copies_lose_one_thing_and_keep_what_identifies_them() {
        let original = BibRecord::from_marc(&wharton());
        let mut rng = Rng::new(1);
        assert_eq!(
            forms_for(&wharton(), Variant::Copy, false),
            [
                Class::BriefNoAuthor,
                Class::BriefNoPublisher,
                Class::BriefNoPages
            ]
        );

        let mut r = wharton();
        apply(&mut r, Class::BriefNoAuthor, true, &mut rng);
        let b = BibRecord::from_marc(&r);
        assert!(b.authors.is_empty() && b.responsibility.is_none());
        assert_eq!(r.data_field("245").map(|f| f.indicators.first), Some('0'));
        assert_eq!(
            r.data_field("245").and_then(|f| f.first('b')),
            Some("a novel.")
        );
        assert_eq!(
            (b.year, b.publisher.as_deref()),
            (Some(1983), Some("Scribner"))
        );
        assert!(b.notes.is_empty() && b.subjects.is_empty());

        let mut r = wharton();
        apply(&mut r, Class::BriefNoPublisher, true, &mut rng);
        let f = r.data_field("260").expect("the date stays");
        assert_eq!(f.subfields.len(), 1);
        assert_eq!(f.first('c'), Some("c1983."));
        let b = BibRecord::from_marc(&r);
        assert_eq!((b.publisher, b.place, b.year), (None, None, Some(1983)));
        assert_eq!(b.isbns, original.isbns);

        let mut r = wharton();
        apply(&mut r, Class::BriefNoPages, false, &mut rng);
        let b = BibRecord::from_marc(&r);
        assert_eq!(b.extent.pages, None);
        assert_eq!(b.author_key, original.author_key);
    }

    #[test]
    fn a_copy_without_publisher_needs_an_identifier() {
        let mut r = wharton();
        remove_data_fields(&mut r, |d| d.tag == "020");
        assert_eq!(
            forms_for(&r, Variant::Copy, false),
            [Class::BriefNoAuthor, Class::BriefNoPages]
        );
        assert!(forms_for(&r, Variant::Copy, true).contains(&Class::BriefNoPublisher));
        assert!(!forms_for(&wharton(), Variant::Online, true).contains(&Class::BriefNoPages));
    }

    #[test]
    fn a_bare_copy_is_its_title() {
        let mut r = wharton();
        bare(&mut r);
        let tags: Vec<String> = r.fields.iter().map(|f| f.tag().to_string()).collect();
        assert_eq!(tags, ["008", "245"]);
        assert_eq!(
            r.data_field("245").and_then(|f| f.first('a')),
            Some("The age of innocence.")
        );
        let b = BibRecord::from_marc(&r);
        assert_eq!(b.year, None);
        assert_eq!(b.language.as_deref(), Some("eng"));
        assert!(b.isbns.is_empty() && b.authors.is_empty() && b.publisher.is_none());
    }
}

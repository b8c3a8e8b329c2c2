//! Authors in another order: the same people, another first author. One
//! library promotes the second author to 100 and moves the first to 700;
//! another enters every name as an added entry (no 100, as for a work it
//! judged to have no principal author); another leaves the names in the
//! statement of responsibility (245 `$c`) alone.

use super::super::marcedit::{data_fields_mut, punct_245, repunctuate, tag};
use super::Class;
use crate::Rng;
use unicat_bib::fold::trim_isbd;
use unicat_marc::{DataField, Field, Record, Subfield};

fn data_at(record: &Record, tag_text: &str) -> Vec<usize> {
    record
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.tag() == tag_text && f.as_data().is_some())
        .map(|(i, _)| i)
        .collect()
}

/// A personal added entry for a person (not a name/title entry).
fn is_person(field: &Field) -> bool {
    field
        .as_data()
        .is_some_and(|d| matches!(d.indicators.first, '0' | '1') && d.first('t').is_none())
}

/// The forms this record can take: it needs one personal 100, and a
/// personal 700 to swap with; names linked to 880s are left alone.
pub(crate) fn forms_for(record: &Record) -> Vec<Class> {
    let main = data_at(record, "100");
    let linked = record
        .data_fields_any(&["100", "700"])
        .any(|d| d.first('6').is_some());
    if main.len() != 1 || linked || !is_person(&record.fields[main[0]]) {
        return Vec::new();
    }
    let mut forms = Vec::new();
    if data_at(record, "700")
        .iter()
        .any(|&i| is_person(&record.fields[i]))
    {
        forms.push(Class::AuthorSwapped);
    }
    forms.push(Class::AuthorAddedOnly);
    forms.push(Class::AuthorStatementOnly);
    forms
}

/// How often a form is drawn among those a record can take: a swap, where
/// it can be made, as often as the other two together.
pub(crate) fn weight(form: Class) -> u64 {
    match form {
        Class::AuthorSwapped => 2,
        _ => 1,
    }
}

/// `Wharton, Edith,` → `Edith Wharton`; `Homer.` → `Homer`.
pub(crate) fn direct_order(name: &str) -> String {
    let name = trim_isbd(name);
    match name.split_once(", ") {
        Some((surname, forenames)) => format!("{} {surname}", forenames.trim()),
        None => name.to_string(),
    }
}

/// Gives a name field another tag; the second indicator (700: type of
/// added entry; 100: undefined) starts blank.
fn retag(field: &mut Field, tag_text: &str) {
    if let Field::Data(d) = field {
        d.tag = tag(tag_text);
        d.indicators.second = ' ';
    }
}

fn set_245_first_indicator(record: &mut Record, value: char) {
    if let Some(f) = data_fields_mut(record, "245").next() {
        f.indicators.first = value;
    }
}

/// Rewrites the names in `form` (one of [`forms_for`]).
pub(crate) fn apply(record: &mut Record, form: Class, isbd: bool, rng: &mut Rng) {
    let Some(&main) = data_at(record, "100").first() else {
        return;
    };
    match form {
        Class::AuthorSwapped => {
            let Some(second) = data_at(record, "700")
                .into_iter()
                .find(|&i| is_person(&record.fields[i]))
            else {
                return;
            };
            let mut promoted = record.fields[second].clone();
            let mut demoted = record.fields[main].clone();
            retag(&mut promoted, "100");
            retag(&mut demoted, "700");
            record.fields[main] = promoted;
            record.fields.remove(second);
            // The former main author goes first among the added entries.
            let at = first_700_or_end(record);
            record.fields.insert(at, demoted);
        }
        Class::AuthorAddedOnly => {
            let mut demoted = record.fields.remove(main);
            retag(&mut demoted, "700");
            let entries = data_at(record, "700");
            let at = match rng.pick(&entries) {
                // Among the others, anywhere: the first name is not always first.
                Some(&i) if rng.chance(0.5) => i + 1,
                _ => first_700_or_end(record),
            };
            record.fields.insert(at, demoted);
            set_245_first_indicator(record, '0');
        }
        Class::AuthorStatementOnly => {
            let mut names: Vec<String> = Vec::new();
            for f in record.data_fields_any(&["100", "700"]) {
                if f.first('t').is_none()
                    && let Some(a) = f.first('a')
                {
                    names.push(if f.indicators.first == '1' {
                        direct_order(a)
                    } else {
                        trim_isbd(a).to_string()
                    });
                }
            }
            record.fields.retain(|f| {
                !matches!(f.tag().as_str(), "100" | "700" | "710" | "711") || f.as_data().is_none()
            });
            if let Some(f) = data_fields_mut(record, "245").next() {
                f.indicators.first = '0';
                if f.first('c').is_none() && !names.is_empty() {
                    add_statement(f, &names.join(", "));
                }
                repunctuate(f, isbd, punct_245);
            }
        }
        _ => {}
    }
}

fn first_700_or_end(record: &Record) -> usize {
    record
        .fields
        .iter()
        .position(|f| f.tag().as_str() >= "700")
        .unwrap_or(record.fields.len())
}

/// Adds `$c` after the title, remainder and parts.
fn add_statement(f: &mut DataField, names: &str) {
    let at = f
        .subfields
        .iter()
        .position(|s| {
            !matches!(
                s.code,
                'a' | 'b' | 'f' | 'g' | 'h' | 'k' | 'n' | 'p' | 's' | '6' | '8'
            )
        })
        .unwrap_or(f.subfields.len());
    f.subfields.insert(at, Subfield::new('c', names));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::netgen::marcedit::data;
    use unicat_bib::BibRecord;

    fn kernighan() -> Record {
        let mut r = Record::new();
        for f in [
            data("100", '1', ' ', &[('a', "Kernighan, Brian W.")]),
            data("245", '1', '4', &[('a', "The C programming language /")]),
            data(
                "260",
                ' ',
                ' ',
                &[
                    ('a', "Englewood Cliffs, N.J. :"),
                    ('b', "Prentice-Hall,"),
                    ('c', "c1978."),
                ],
            ),
            data("650", ' ', '0', &[('a', "C (Computer program language)")]),
            data("700", '1', ' ', &[('a', "Ritchie, Dennis M.")]),
            data(
                "700",
                '1',
                '2',
                &[('a', "Kernighan, Brian W."), ('t', "Software tools.")],
            ),
        ] {
            r.fields.push(f);
        }
        r
    }

    fn names(r: &Record) -> Vec<(String, String)> {
        r.data_fields_any(&["100", "700"])
            .map(|f| (f.tag.to_string(), f.first('a').unwrap_or("").to_string()))
            .collect()
    }

    #[test]
    fn swapped_authors_change_the_first_author_only() {
        let mut r = kernighan();
        assert_eq!(
            forms_for(&r),
            [
                Class::AuthorSwapped,
                Class::AuthorAddedOnly,
                Class::AuthorStatementOnly
            ]
        );
        let before = BibRecord::from_marc(&r);
        apply(&mut r, Class::AuthorSwapped, true, &mut Rng::new(1));
        assert_eq!(
            names(&r),
            [
                ("100".into(), "Ritchie, Dennis M.".into()),
                ("700".into(), "Kernighan, Brian W.".into()),
                ("700".into(), "Kernighan, Brian W.".into()),
            ]
        );
        let after = BibRecord::from_marc(&r);
        assert_eq!(after.author_key.as_deref(), Some("ritchie"));
        let mut a = after.authors.clone();
        let mut b = before.authors.clone();
        a.sort();
        b.sort();
        assert_eq!(a, b, "the same people");
        let tags: Vec<String> = r.fields.iter().map(|f| f.tag().to_string()).collect();
        assert_eq!(tags, ["100", "245", "260", "650", "700", "700"]);
    }

    #[test]
    fn no_main_entry_leaves_the_names_in_700() {
        for seed in 0..10 {
            let mut r = kernighan();
            apply(&mut r, Class::AuthorAddedOnly, true, &mut Rng::new(seed));
            assert!(r.data_field("100").is_none());
            assert_eq!(r.data_fields("700").count(), 3);
            assert_eq!(r.data_field("245").map(|f| f.indicators.first), Some('0'));
        }
    }

    #[test]
    fn names_only_in_the_statement_of_responsibility() {
        let mut r = kernighan();
        apply(&mut r, Class::AuthorStatementOnly, true, &mut Rng::new(1));
        assert!(names(&r).is_empty());
        let f = r.data_field("245").expect("245");
        assert_eq!(f.first('a'), Some("The C programming language /"));
        assert_eq!(f.first('c'), Some("Brian W. Kernighan, Dennis M. Ritchie."));
        assert_eq!(BibRecord::from_marc(&r).author_key, None);
        // A statement already there is kept as it is.
        let mut r = kernighan();
        if let Some(f) = data_fields_mut(&mut r, "245").next() {
            f.subfields = vec![
                Subfield::new('a', "The C programming language /"),
                Subfield::new('c', "Brian W. Kernighan, Dennis M. Ritchie."),
            ];
        }
        apply(&mut r, Class::AuthorStatementOnly, false, &mut Rng::new(1));
        assert_eq!(
            r.data_field("245").and_then(|f| f.first('c')),
            Some("Brian W. Kernighan, Dennis M. Ritchie")
        );
    }

    #[test]
    fn records_without_a_personal_main_entry_keep_their_names() {
        let mut r = kernighan();
        r.fields.retain(|f| f.tag() != "100");
        assert!(forms_for(&r).is_empty());
        assert_eq!(direct_order("Wharton, Edith,"), "Edith Wharton");
        assert_eq!(direct_order("Homer."), "Homer");
    }
}

//! The volume in another place: one library writes the volume of a set as
//! the number of part (245 `$n`) and repeats it in the series statement
//! (490 `$v`), another appends it to the title proper (`Title. Volume 2`),
//! another keeps it in the series statement only, another in 245 `$n`
//! only; each may spell it differently (`v. 2`, `Vol. 2`, `Volume 2`). The
//! number never changes. Only a 245 `$n` is moved: a 490 `$v` without one
//! is a series numbering (`Penguin classics ; 123`), not a volume.

use super::super::marcedit::{
    data, data_fields_mut, insert_in_order, punct_245, punct_490, repunctuate,
};
use super::Class;
use crate::Rng;
use unicat_bib::fold::{fold, trim_isbd};
use unicat_marc::{Field, Record, Subfield};

/// The digits of a label (`v. 12` → `12`), or the folded label when it has
/// none (`Part one` → `part one`).
fn number_of(label: &str) -> String {
    let digits: String = label
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    if digits.is_empty() {
        fold(label)
    } else {
        digits
    }
}

fn part_number(record: &Record) -> Option<String> {
    record
        .data_field("245")?
        .first('n')
        .map(|n| trim_isbd(n).to_string())
        .filter(|n| !n.is_empty())
}

/// The index of the 490 that repeats the volume of 245 `$n`.
fn series_with(record: &Record, number: &str) -> Option<usize> {
    record.fields.iter().position(|f| {
        f.tag() == "490"
            && f.as_data()
                .is_some_and(|d| d.values('v').any(|v| number_of(v) == number))
    })
}

/// The forms the volume of this record can take.
pub(crate) fn forms_for(record: &Record) -> Vec<Class> {
    let Some(n) = part_number(record) else {
        return Vec::new();
    };
    let mut forms = vec![Class::VolumeInTitle, Class::VolumeInSeries];
    if series_with(record, &number_of(&n)).is_some() {
        forms.push(Class::VolumeInPart);
    }
    forms
}

const VOLUME_WORDS: [&str; 4] = ["volume", "vol.", "vol", "v."];
const PART_WORDS: [&str; 3] = ["part", "pt.", "pt"];

/// The label spelled another way within its kind (`v. 2` → `Volume 2`,
/// `Part 3` → `pt. 3`); other labels as they are.
pub(crate) fn relabel(label: &str, rng: &mut Rng) -> String {
    let t = trim_isbd(label);
    for (words, spellings) in [
        (&VOLUME_WORDS[..], &["v.", "Vol.", "Volume"][..]),
        (&PART_WORDS[..], &["pt.", "Part"][..]),
    ] {
        for word in words {
            let Some(head) = t.get(..word.len()) else {
                continue;
            };
            let after = &t[word.len()..];
            let rest = after.trim_start();
            // A word of its own (`Partitas 3` is not a part), then a number.
            let apart = word.ends_with('.') || after.starts_with(' ');
            let numbered = rest
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit() || "IVXLivxl".contains(c));
            if head.eq_ignore_ascii_case(word) && apart && numbered {
                let spelling = rng.pick(spellings).copied().unwrap_or("v.");
                return format!("{spelling} {rest}");
            }
        }
    }
    t.to_string()
}

/// Moves the volume of 245 `$n` as `form` says (one of [`forms_for`]).
pub(crate) fn apply(record: &mut Record, form: Class, isbd: bool, rng: &mut Rng) {
    let Some(n) = part_number(record) else {
        return;
    };
    let number = number_of(&n);
    let label = relabel(&n, rng);
    let series = series_with(record, &number);
    let Some(f245) = data_fields_mut(record, "245").next() else {
        return;
    };
    match form {
        Class::VolumeInTitle => {
            let names: Vec<String> = f245.values('p').map(|p| trim_isbd(p).to_string()).collect();
            f245.subfields.retain(|s| !matches!(s.code, 'n' | 'p'));
            if let Some(a) = f245.subfields.iter_mut().find(|s| s.code == 'a') {
                let mut title = format!("{}. {label}", trim_isbd(&a.value));
                for name in names {
                    title.push_str(", ");
                    title.push_str(&name);
                }
                a.value = title;
            }
            repunctuate(f245, isbd, punct_245);
        }
        Class::VolumeInSeries => {
            f245.subfields.retain(|s| s.code != 'n');
            let title = f245
                .first('a')
                .map(|a| trim_isbd(a).to_string())
                .unwrap_or_default();
            repunctuate(f245, isbd, punct_245);
            match series {
                Some(at) => {
                    if let Field::Data(d) = &mut record.fields[at] {
                        for v in d.subfields.iter_mut().filter(|s| s.code == 'v') {
                            v.value = label.clone();
                        }
                        repunctuate(d, isbd, punct_490);
                    }
                }
                None => {
                    insert_in_order(
                        record,
                        data("490", '0', ' ', &[('a', &title), ('v', &label)]),
                    );
                    if let Some(d) =
                        data_fields_mut(record, "490").find(|d| d.first('v') == Some(&label))
                    {
                        repunctuate(d, isbd, punct_490);
                    }
                }
            }
        }
        Class::VolumeInPart => {
            if let Some(s) = f245.subfields.iter_mut().find(|s| s.code == 'n') {
                s.value = label;
            }
            repunctuate(f245, isbd, punct_245);
            if let Some(at) = series
                && let Field::Data(d) = &mut record.fields[at]
            {
                d.subfields.retain(|s: &Subfield| s.code != 'v');
                repunctuate(d, isbd, punct_490);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicat_bib::BibRecord;

    fn volume_two() -> Record {
        let mut r = Record::new();
        for f in [
            data(
                "245",
                '1',
                '0',
                &[
                    ('a', "Against Meidias."),
                    ('n', "v. 2 /"),
                    ('c', "edited by Douglas M. MacDowell."),
                ],
            ),
            data("300", ' ', ' ', &[('a', "xii, 345 p.")]),
            data(
                "490",
                '0',
                ' ',
                &[('a', "Against Meidias ;"), ('v', "v. 2")],
            ),
        ] {
            r.fields.push(f);
        }
        r
    }

    fn title(r: &Record) -> Vec<(char, String)> {
        r.data_field("245")
            .map(|f| {
                f.subfields
                    .iter()
                    .map(|s| (s.code, s.value.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn the_volume_goes_into_the_title() {
        let mut r = volume_two();
        assert_eq!(
            forms_for(&r),
            [
                Class::VolumeInTitle,
                Class::VolumeInSeries,
                Class::VolumeInPart
            ]
        );
        apply(&mut r, Class::VolumeInTitle, true, &mut Rng::new(1));
        let t = title(&r);
        assert_eq!(t.len(), 2);
        let a = &t[0].1;
        assert!(
            [
                "Against Meidias. v. 2 /",
                "Against Meidias. Vol. 2 /",
                "Against Meidias. Volume 2 /"
            ]
            .contains(&a.as_str()),
            "{a}"
        );
        assert!(BibRecord::from_marc(&r).part_numbers.is_empty());
    }

    #[test]
    fn the_volume_only_in_the_series_or_only_in_the_title_statement() {
        let mut r = volume_two();
        apply(&mut r, Class::VolumeInSeries, false, &mut Rng::new(2));
        let b = BibRecord::from_marc(&r);
        assert!(b.part_numbers.is_empty());
        assert_eq!(b.series_numbers.len(), 1);
        assert!(b.series_numbers[0].ends_with('2'));

        let mut r = volume_two();
        apply(&mut r, Class::VolumeInPart, true, &mut Rng::new(3));
        let b = BibRecord::from_marc(&r);
        assert!(b.series_numbers.is_empty());
        assert_eq!(b.series, ["Against Meidias"]);
        assert!(b.part_numbers[0].ends_with('2'));

        // Without a 490, the series statement is made from the title.
        let mut r = volume_two();
        r.fields.retain(|f| f.tag() != "490");
        assert_eq!(forms_for(&r), [Class::VolumeInTitle, Class::VolumeInSeries]);
        apply(&mut r, Class::VolumeInSeries, true, &mut Rng::new(4));
        let f = r.data_field("490").expect("a series statement");
        assert_eq!(f.first('a'), Some("Against Meidias ;"));
    }

    #[test]
    fn a_series_number_alone_is_not_a_volume() {
        let mut r = Record::new();
        r.fields.push(data("245", '1', '0', &[('a', "Candide.")]));
        r.fields.push(data(
            "490",
            '1',
            ' ',
            &[('a', "Penguin classics ;"), ('v', "123")],
        ));
        assert!(forms_for(&r).is_empty());
    }

    #[test]
    fn labels_keep_their_number() {
        let mut rng = Rng::new(1);
        for _ in 0..20 {
            let v = relabel("v. 12.", &mut rng);
            assert!(
                ["v. 12", "Vol. 12", "Volume 12"].contains(&v.as_str()),
                "{v}"
            );
            let p = relabel("Part III", &mut rng);
            assert!(["pt. III", "Part III"].contains(&p.as_str()), "{p}");
        }
        assert_eq!(relabel("Band 3", &mut rng), "Band 3");
        assert_eq!(relabel("Vol", &mut rng), "Vol");
        assert_eq!(relabel("Partitas 3", &mut rng), "Partitas 3");
        assert_eq!(number_of("Volume 12"), "12");
    }
}

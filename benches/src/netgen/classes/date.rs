//! Dates a year apart: the imprint date (260/264 `$c`) of a copy is the
//! copyright year, a year before the year of publication that 008 Date1
//! (and the other copies) give (`c1978` for 1979), or the year of the
//! printing in hand (`1980`, `1980 printing`), or only an inferred date in
//! brackets (`[1979?]`, `[ca. 1979]`, or a year off: `[1980?]`). The 008
//! never changes.

use super::super::style::{publication_field, simple_year};
use super::Class;
use crate::Rng;
use unicat_marc::{Field, Record};

/// The imprint date rewritten in `form` for year `year` (008 Date1), as a
/// field `tag` writes it; `closing` is the ISBD period, if the value had it.
fn rewrite(form: Class, year: u16, tag: &str, closing: &str, rng: &mut Rng) -> String {
    let text = match form {
        Class::DateCopyright if tag == "264" => format!("©{}", year - 1),
        Class::DateCopyright => format!("c{}", year - 1),
        Class::DatePrinting if rng.chance(0.3) => format!("{} printing", year + 1),
        Class::DatePrinting => format!("{}", year + 1),
        Class::DateInferred => match rng.weighted(&[4, 2, 1, 1]) {
            0 => format!("[{year}?]"),
            1 => format!("[ca. {year}]"),
            2 => format!("[{}?]", year - 1),
            _ => format!("[{}?]", year + 1),
        },
        _ => year.to_string(),
    };
    format!("{text}{closing}")
}

/// The year of 008 Date1 when the imprint date gives the same year in a
/// simple form: the only dates this class rewrites.
pub(crate) fn agreeing_year(record: &Record) -> Option<u16> {
    let date1: u16 = record.control("008")?.get(7..11)?.parse().ok()?;
    let at = publication_field(record)?;
    let c = record.fields[at].as_data()?.first('c')?;
    let year: u16 = simple_year(c)?.parse().ok()?;
    (year == date1 && year > 1000).then_some(year)
}

/// Rewrites the imprint date of a copy whose imprint and 008 agree; the
/// form it took, or None when they did not agree.
pub(crate) fn apply(record: &mut Record, rng: &mut Rng) -> Option<Class> {
    let year = agreeing_year(record)?;
    let form = [
        Class::DateCopyright,
        Class::DatePrinting,
        Class::DateInferred,
    ][rng.weighted(&[4, 3, 3])];
    let at = publication_field(record)?;
    let Field::Data(f) = &mut record.fields[at] else {
        return None;
    };
    let tag = f.tag;
    let c = f.subfields.iter_mut().find(|s| s.code == 'c')?;
    let closing = if c.value.trim_end().ends_with('.') {
        "."
    } else {
        ""
    };
    c.value = rewrite(form, year, tag.as_str(), closing, rng);
    Some(form)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::netgen::marcedit::{data, tag};

    fn record(imprint_tag: &str, c: &str) -> Record {
        let mut r = Record::new();
        r.push_control(tag("008"), "790506s1979    nyu           000 1 eng  ");
        r.fields
            .push(data("245", '0', '0', &[('a', "Dixieland jazz.")]));
        r.fields.push(data(
            imprint_tag,
            ' ',
            '1',
            &[('a', "New York :"), ('b', "Knopf,"), ('c', c)],
        ));
        r
    }

    fn date(r: &Record, imprint_tag: &str) -> String {
        r.data_field(imprint_tag)
            .and_then(|f| f.first('c'))
            .unwrap_or("")
            .to_string()
    }

    #[test]
    fn the_imprint_moves_a_year_and_008_stays() {
        let mut seen = std::collections::BTreeSet::new();
        for seed in 0..100 {
            let mut r = record("260", "1979.");
            let form = apply(&mut r, &mut Rng::new(seed)).expect("008 and 260 agree");
            let c = date(&r, "260");
            assert!(c.ends_with('.'), "{c}");
            match form {
                Class::DateCopyright => assert_eq!(c, "c1978."),
                Class::DatePrinting => assert!(c == "1980." || c == "1980 printing."),
                Class::DateInferred => assert!(
                    ["[1979?].", "[ca. 1979].", "[1978?].", "[1980?]."].contains(&c.as_str()),
                    "{c}"
                ),
                other => panic!("{other:?}"),
            }
            assert_eq!(
                r.control("008").and_then(|f| f.get(7..11)),
                Some("1979"),
                "008 Date1 agrees with the other copies"
            );
            seen.insert(c);
        }
        assert!(seen.len() >= 5, "{seen:?}");
        // RDA's 264 writes the copyright sign.
        let mut rng = Rng::new(1);
        assert_eq!(
            rewrite(Class::DateCopyright, 1979, "264", "", &mut rng),
            "©1978"
        );
    }

    #[test]
    fn dates_that_do_not_agree_are_left_alone() {
        let mut r = record("260", "1995, c1994.");
        assert_eq!(apply(&mut r, &mut Rng::new(1)), None);
        assert_eq!(date(&r, "260"), "1995, c1994.");
        let mut r = record("260", "1983.");
        assert_eq!(agreeing_year(&r), None);
        assert_eq!(apply(&mut r, &mut Rng::new(1)), None);
    }
}

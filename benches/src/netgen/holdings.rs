//! Item fields in each library's holdings preset: MARC 852, Koha 952,
//! Sierra 945 and Alma AVA, one to three per copy, with branch, shelving
//! location, call number (from 050/090/082 when the record has one),
//! barcode and availability (about one item in five is out).

use super::library::{Library, Preset};
use super::marcedit::{data, insert_in_order};
use crate::Rng;
use unicat_bib::fold::fold;
use unicat_marc::Record;

/// One physical item before it is written in a preset.
struct ItemPlan<'a> {
    branch_code: &'a str,
    branch_name: &'a str,
    location: (&'static str, &'static str),
    barcode: String,
    out: bool,
    due: String,
}

/// Adds this library's item fields to a rendered record. `next_barcode` is
/// the library's running item counter.
pub(crate) fn add_items(
    record: &mut Record,
    library: &Library,
    rng: &mut Rng,
    next_barcode: &mut u64,
) {
    let call_number = call_number(record, library.academic);
    let fiction = is_fiction(record);
    let count = 1 + rng.weighted(&[60, 30, 10]);
    let items: Vec<ItemPlan> = (0..count)
        .map(|_| {
            let branch = rng
                .pick(&library.branches)
                .map_or((library.code.as_str(), library.name.as_str()), |b| {
                    (b.code.as_str(), b.name.as_str())
                });
            *next_barcode += 1;
            let month = 1 + rng.below(12);
            let day = 1 + rng.below(28);
            ItemPlan {
                branch_code: branch.0,
                branch_name: branch.1,
                location: location(library.academic, fiction, rng),
                barcode: format!("3{:02}{:09}", library.index + 1, *next_barcode),
                out: rng.per_mille(200),
                due: format!("2026-{month:02}-{day:02}"),
            }
        })
        .collect();
    let cn = call_number.as_deref().unwrap_or("");
    match library.preset {
        Preset::Marc852 => {
            let first_ind = match call_number_scheme(record, library.academic) {
                Some(Scheme::Lc) => '0',
                Some(Scheme::Dewey) => '1',
                None => '8',
            };
            for item in &items {
                let mut subs = vec![
                    ('a', library.code.as_str()),
                    ('b', item.branch_code),
                    ('c', item.location.1),
                ];
                if !cn.is_empty() {
                    subs.push(('j', cn));
                }
                subs.push(('p', &item.barcode));
                subs.push(('z', if item.out { "Checked out" } else { "Available" }));
                insert_in_order(record, data("852", first_ind, ' ', &subs));
            }
        }
        Preset::Koha => {
            for item in &items {
                let mut subs = vec![
                    ('a', item.branch_code),
                    ('b', item.branch_code),
                    ('c', item.location.0),
                ];
                if !cn.is_empty() {
                    subs.push(('o', cn));
                }
                subs.push(('p', &item.barcode));
                if item.out {
                    subs.push(('q', &item.due));
                }
                subs.push(('y', "BK"));
                subs.push(('7', "0"));
                insert_in_order(record, data("952", ' ', ' ', &subs));
            }
        }
        Preset::Sierra => {
            for (copy, item) in items.iter().enumerate() {
                let location = format!(
                    "{}{}",
                    item.branch_code.to_ascii_lowercase(),
                    item.location.0.to_ascii_lowercase()
                );
                let location: String = location.chars().take(5).collect();
                let status = if item.out {
                    *rng.pick(&["t", "!", "o", "m"]).unwrap_or(&"t")
                } else {
                    "-"
                };
                let copy_no = (copy + 1).to_string();
                let item_no =
                    sierra_item_number(1_000_000 + *next_barcode % 9_000_000 + copy as u64);
                let mut subs = Vec::new();
                if !cn.is_empty() {
                    subs.push(('a', cn));
                }
                subs.push(('g', &copy_no));
                subs.push(('i', &item.barcode));
                subs.push(('l', &location));
                subs.push(('s', status));
                subs.push(('y', &item_no));
                insert_in_order(record, data("945", ' ', ' ', &subs));
            }
        }
        Preset::Alma => {
            for item in &items {
                let copies = 1 + rng.below(2);
                let out = if item.out { 1 + rng.below(copies) } else { 0 };
                let (copies_text, out_text) = (copies.to_string(), out.to_string());
                let availability = if out == copies {
                    "unavailable"
                } else {
                    "available"
                };
                let mut subs = vec![
                    ('b', item.branch_code),
                    ('q', item.branch_name),
                    ('c', item.location.1),
                ];
                if !cn.is_empty() {
                    subs.push(('d', cn));
                }
                subs.push(('e', availability));
                subs.push(('f', &copies_text));
                subs.push(('g', &out_text));
                subs.push(('j', item.location.0));
                insert_in_order(record, data("AVA", ' ', ' ', &subs));
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Scheme {
    Lc,
    Dewey,
}

fn first_subfields(record: &Record, tags: &[&str], codes: &str) -> Option<String> {
    let f = record.data_fields_any(tags).next()?;
    let parts: Vec<&str> = f
        .subfields
        .iter()
        .filter(|s| codes.contains(s.code))
        .map(|s| s.value.trim())
        .filter(|v| !v.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

fn call_number_scheme(record: &Record, academic: bool) -> Option<Scheme> {
    let lc = record.data_fields_any(&["050", "090"]).next().is_some();
    let dewey = record.data_field("082").is_some();
    match (academic, lc, dewey) {
        (true, true, _) | (false, true, false) => Some(Scheme::Lc),
        (_, _, true) => Some(Scheme::Dewey),
        _ => None,
    }
}

/// A call number in the library's scheme: LC (050/090 `$a $b`) for
/// academic libraries, Dewey (082 `$a` and a three-letter cutter) for
/// public ones, each falling back to the other; public libraries shelve
/// fiction as `FIC CUTTER`.
fn call_number(record: &Record, academic: bool) -> Option<String> {
    let cutter = {
        let source = record
            .data_fields_any(&["100", "110", "111"])
            .next()
            .and_then(|f| f.first('a'))
            .or_else(|| record.data_field("245").and_then(|f| f.first('a')))
            .unwrap_or("");
        let folded = fold(source);
        let letters: String = folded
            .chars()
            .filter(char::is_ascii_alphabetic)
            .take(3)
            .collect();
        letters.to_ascii_uppercase()
    };
    if !academic && is_fiction(record) && !cutter.is_empty() {
        return Some(format!("FIC {cutter}"));
    }
    match call_number_scheme(record, academic)? {
        Scheme::Lc => first_subfields(record, &["050", "090"], "ab"),
        Scheme::Dewey => {
            let number = record.data_field("082")?.first('a')?.replace('/', "");
            let number = number.trim();
            if number.is_empty() {
                return None;
            }
            Some(if cutter.is_empty() {
                number.to_string()
            } else {
                format!("{number} {cutter}")
            })
        }
    }
}

/// Fiction by 008/33 (books: `1` fiction, `f` novels, `j` short stories).
fn is_fiction(record: &Record) -> bool {
    record.leader.record_type() == b'a'
        && record
            .control("008")
            .and_then(|f| f.as_bytes().get(33).copied())
            .is_some_and(|c| matches!(c, b'1' | b'f' | b'j'))
}

/// (code, name) of a shelving location.
fn location(academic: bool, fiction: bool, rng: &mut Rng) -> (&'static str, &'static str) {
    if academic {
        match rng.weighted(&[80, 10, 10]) {
            0 => ("STACKS", "Stacks"),
            1 => ("REF", "Reference"),
            _ => ("RES", "Reserve"),
        }
    } else {
        match rng.weighted(&[80, 8, 7, 5]) {
            0 if fiction => ("FIC", "Adult Fiction"),
            0 => ("NF", "Adult Nonfiction"),
            1 => ("REF", "Reference"),
            2 => ("YA", "Young Adult"),
            _ => ("JUV", "Children's"),
        }
    }
}

/// A Sierra item record number with its check digit: `.i12345678`.
fn sierra_item_number(n: u64) -> String {
    let digits = n.to_string();
    let sum: u64 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| u64::from(b - b'0') * (i as u64 + 2))
        .sum();
    let check = sum % 11;
    let c = if check == 10 {
        'x'
    } else {
        char::from(b'0' + check as u8)
    };
    format!(".i{digits}{c}")
}

/// Number of item fields a record carries in a preset (for tests).
#[cfg(test)]
pub(crate) fn item_fields(record: &Record, preset: Preset) -> usize {
    let tag = match preset {
        Preset::Marc852 => "852",
        Preset::Koha => "952",
        Preset::Sierra => "945",
        Preset::Alma => "AVA",
    };
    record.fields.iter().filter(|f| f.tag() == tag).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::netgen::library::libraries;
    use unicat_bib::HoldingsMapping;

    #[test]
    fn every_preset_reads_back_through_unicat_bib() {
        let libs = libraries(4, 5);
        for lib in &libs {
            let mut r = Record::new();
            r.push_control(
                super::super::marcedit::tag("008"),
                "830506s1983    nyu           000 1 eng  ",
            );
            insert_in_order(&mut r, data("082", '0', '0', &[('a', "813/.52")]));
            insert_in_order(&mut r, data("100", '1', ' ', &[('a', "Wharton, Edith.")]));
            insert_in_order(&mut r, data("245", '1', '0', &[('a', "Age of innocence.")]));
            let mut rng = Rng::new(lib.index as u64);
            let mut counter = 0;
            add_items(&mut r, lib, &mut rng, &mut counter);
            let n = item_fields(&r, lib.preset);
            assert!((1..=3).contains(&n));
            let mapping = HoldingsMapping::preset(lib.preset.name()).unwrap();
            let items = mapping.extract(&r);
            assert_eq!(items.len(), n, "{:?}", lib.preset);
            assert!(items.iter().all(|i| i.branch.is_some()), "{:?}", lib.preset);
            if lib.preset != Preset::Alma {
                assert!(
                    items.iter().all(|i| i.call_number.is_some()),
                    "{:?}",
                    lib.preset
                );
            }
        }
        assert_eq!(sierra_item_number(1234567).len(), 10);
    }
}

//! Generic titles: two or three manifestations by the original's author in
//! the original's year, all titled alike ("Editor's notes", "Chair's
//! message", "Annual report"; "Poems", "Works", "Proceedings") and told
//! apart only by their host item (773 `$g`: another issue of the same
//! journal) or by their part (245 `$n`). They are siblings that must stay
//! apart from one another; title, author and year are no evidence here.

use super::classes::Class;
use super::marcedit::{data, insert_in_order, punct_245, remove_data_fields, repunctuate};
use super::pool::key_of;
use super::sibling::{Context, base};
use unicat_bib::BibRecord;
use unicat_marc::{Field, Record};

/// Titles of columns and reports in a journal issue.
const HOST_ITEM_TITLES: &[&str] = &[
    "Editor's notes",
    "Chair's message",
    "From the editor",
    "Annual report",
    "President's report",
    "Book reviews",
    "Introduction",
];

/// Titles of the parts of a collected edition or proceedings.
const PART_TITLES: &[&str] = &[
    "Poems",
    "Works",
    "Collected works",
    "Proceedings",
    "Letters",
    "Selected writings",
];

/// Journals the host items come from.
const JOURNALS: &[&str] = &[
    "Notes : quarterly journal of the Music Library Association",
    "Library trends",
    "College & research libraries news",
    "The Musical times",
    "Fontes artis musicae",
    "Cataloging & classification quarterly",
    "Technical services quarterly",
    "Journal of the Society of Archivists",
];

/// The part labels of a group, one spelling per group.
const PART_LABELS: &[&str] = &["Volume", "v.", "Part", "Book"];

/// Whether an original can have generic-title siblings: a main entry and a
/// year to share.
pub(crate) fn possible(original: &Record, bib: &BibRecord) -> bool {
    bib.year.is_some()
        && bib.author_key.is_some()
        && original
            .data_fields_any(&["100", "110", "111"])
            .next()
            .is_some()
}

/// The original's main entry, year, language and (for parts) imprint, with
/// nothing else of its description.
fn skeleton(original: &Record) -> Record {
    let mut r = base(original);
    remove_data_fields(&mut r, |d| {
        let t = d.tag.as_str();
        let dropped = [
            "05", "06", "07", "08", "09", "24", "25", "30", "49", "5", "6", "7", "8",
        ];
        dropped.iter().any(|p| t.starts_with(p))
    });
    // Alternate scripts of what went, and of the old title.
    r.fields.retain(|f| f.tag() != "880");
    for field in &mut r.fields {
        if let Field::Data(d) = field {
            d.subfields.retain(|s| s.code != '6');
        }
    }
    r
}

fn title(r: &mut Record, text: &str, part: Option<&str>) {
    let mut subfields = vec![('a', text)];
    if let Some(p) = part {
        subfields.push(('n', p));
    }
    let Field::Data(mut f) = data("245", '1', '0', &subfields) else {
        return;
    };
    repunctuate(&mut f, true, punct_245);
    insert_in_order(r, Field::Data(f));
}

/// Two or three generic-title manifestations from `original`, each with
/// its class, or none when their title, author and year would be a real
/// record's.
pub(crate) fn derive(
    original: &Record,
    bib: &BibRecord,
    ctx: &mut Context<'_>,
) -> Vec<(Record, Class)> {
    if !possible(original, bib) {
        return Vec::new();
    }
    let count = if ctx.rng.chance(0.3) { 3 } else { 2 };
    let host_items = ctx.rng.chance(0.6);
    let mut group = Vec::with_capacity(count);
    let mut skeleton = skeleton(original);
    remove_data_fields(&mut skeleton, |d| d.tag == "245");
    if host_items {
        let Some(&text) = ctx.rng.pick(HOST_ITEM_TITLES) else {
            return Vec::new();
        };
        let Some(&journal) = ctx.rng.pick(JOURNALS) else {
            return Vec::new();
        };
        let year = bib.year.unwrap_or_default();
        let volume = ctx.rng.between(1, 80);
        let mut issues: Vec<u64> = ctx
            .rng
            .sample(12, count)
            .into_iter()
            .map(|i| i as u64 + 1)
            .collect();
        issues.sort_unstable();
        for issue in issues {
            let mut r = skeleton.clone();
            r.leader.set(7, b'a');
            remove_data_fields(&mut r, |d| matches!(d.tag.as_str(), "260" | "264" | "300"));
            title(&mut r, text, None);
            let first = ctx.rng.between(1, 120);
            let last = first + ctx.rng.between(0, 3);
            let host = format!("Vol. {volume}, no. {issue} ({year}), p. {first}-{last}");
            insert_in_order(
                &mut r,
                data("773", '0', ' ', &[('t', journal), ('g', &host)]),
            );
            group.push((r, Class::GenericHostItem));
        }
    } else {
        let Some(&text) = ctx.rng.pick(PART_TITLES) else {
            return Vec::new();
        };
        let Some(&label) = ctx.rng.pick(PART_LABELS) else {
            return Vec::new();
        };
        let start = ctx.rng.between(1, 6);
        for n in start..start + count as u64 {
            let mut r = skeleton.clone();
            remove_data_fields(&mut r, |d| d.tag == "300");
            title(&mut r, text, Some(&format!("{label} {n}")));
            let pages = ctx.rng.between(120, 640).to_string();
            insert_in_order(
                &mut r,
                data(
                    "300",
                    ' ',
                    ' ',
                    &[('a', &format!("{pages} p. ;")), ('c', "24 cm.")],
                ),
            );
            group.push((r, Class::GenericPart));
        }
    }
    // Their descriptions must be nobody else's (host items share theirs).
    let keys: Vec<u64> = group
        .iter()
        .map(|(r, _)| key_of(&BibRecord::from_marc(r)))
        .collect();
    if keys.iter().any(|k| ctx.keys.contains(k)) {
        return Vec::new();
    }
    ctx.keys.extend(keys);
    group
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Rng;
    use crate::netgen::ids::IdAllocator;
    use crate::netgen::marcedit::tag;
    use std::collections::{BTreeSet, HashSet};

    fn original() -> Record {
        let mut r = Record::new();
        r.push_control(tag("008"), "830506s1983    nyu           000 1 eng  ");
        for f in [
            data("020", ' ', ' ', &[('a', "0940787083")]),
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
                &[('a', "The age of innocence /"), ('c', "Edith Wharton.")],
            ),
            data(
                "260",
                ' ',
                ' ',
                &[('a', "New York :"), ('b', "Scribner,"), ('c', "1983.")],
            ),
            data("300", ' ', ' ', &[('a', "xii, 345 p. ;"), ('c', "22 cm.")]),
            data("650", ' ', '0', &[('a', "Upper class")]),
            data("700", '1', ' ', &[('a', "Smith, John.")]),
        ] {
            r.fields.push(f);
        }
        r
    }

    #[test]
    fn a_group_shares_title_author_and_year_and_nothing_else() {
        let orig = original();
        let bib = BibRecord::from_marc(&orig);
        let mut kinds = BTreeSet::new();
        for seed in 0..40 {
            let mut ids = IdAllocator::new(HashSet::new(), HashSet::new());
            let mut keys = HashSet::new();
            let mut rng = Rng::new(seed);
            let mut ctx = Context {
                ids: &mut ids,
                keys: &mut keys,
                rng: &mut rng,
            };
            let group = derive(&orig, &bib, &mut ctx);
            assert!((2..=3).contains(&group.len()));
            let bibs: Vec<BibRecord> = group.iter().map(|(r, _)| BibRecord::from_marc(r)).collect();
            let mut apart = BTreeSet::new();
            for ((r, class), b) in group.iter().zip(&bibs) {
                kinds.insert(*class);
                assert_eq!(b.author_key, bib.author_key);
                assert_eq!(b.year, bib.year);
                assert_eq!(b.title, bibs[0].title);
                assert_ne!(b.title_key, bib.title_key);
                assert!(b.isbns.is_empty() && b.subjects.is_empty());
                assert!(r.data_field("700").is_none());
                let mark = match class {
                    Class::GenericHostItem => {
                        assert_eq!(r.leader.bibliographic_level(), b'a');
                        r.data_field("773")
                            .and_then(|f| f.first('g'))
                            .map(str::to_string)
                    }
                    _ => b.part_numbers.first().cloned(),
                };
                assert!(apart.insert(mark.expect("a host item or a part")));
            }
            // A second group of the same description is not made.
            let mut rng = Rng::new(seed);
            let mut ctx = Context {
                ids: &mut ids,
                keys: &mut keys,
                rng: &mut rng,
            };
            assert!(derive(&orig, &bib, &mut ctx).is_empty());
        }
        assert_eq!(kinds.len(), 2);
    }

    #[test]
    fn without_a_main_entry_there_is_no_group() {
        let mut orig = original();
        orig.fields.retain(|f| f.tag() != "100");
        let bib = BibRecord::from_marc(&orig);
        assert!(!possible(&orig, &bib));
    }
}

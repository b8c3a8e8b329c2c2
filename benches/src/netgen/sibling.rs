//! Siblings: records that look like an original but describe another
//! manifestation, which the matcher must never merge with it.
//!
//! Each sibling keeps the original's title and authors, so that only the
//! evidence of its kind tells them apart: another **edition** (250, a later
//! year, a new ISBN, other pagination), **large print** (008/23 `d`,
//! 250, 300, a large-print publisher, its own ISBN or, carelessly, the
//! print one), an **audiobook** (leader/06 `i`, 007, 300, 33x), an
//! **e-book** that repeats the print ISBN in 020 `$a` (the classic false
//! merge), or **another volume** (245 `$n`, 490 `$v`, its own ISBN or the
//! set's). A derived sibling is checked with `unicat-bib` before it is used:
//! if its kind does not show (say, a year that could not be moved) or its
//! title/author/year would fall on a real record's, it is dropped.
//!
//! Two more kinds belong to the class families of issue 17 and are made
//! apart, from their own random stream: online versions of any material
//! (`super::online`) and generic-title groups (`super::generic`).

use super::ids::IdAllocator;
use super::marcedit::{
    data, data_fields_mut, insert_in_order, punct_245, punct_490, remove_data_fields, remove_tags,
    repunctuate, set_008, set_control,
};
use super::pool::key_of;
use super::style::{publication_field, simple_pages};
use crate::{Rng, stable_hash};
use std::collections::HashSet;
use unicat_bib::{BibRecord, MaterialFormat, parse_extent};
use unicat_marc::{Field, Record, Subfield};

/// What a library record is, relative to the original it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Variant {
    /// A copy of the original manifestation.
    Copy,
    /// Another edition.
    Edition,
    /// A large-print edition.
    LargePrint,
    /// An audiobook on discs.
    Audiobook,
    /// An e-book carrying the print ISBN.
    Ebook,
    /// Another volume of the same set.
    Volume,
    /// An online version of any kind of material, with only some of the
    /// online signals (see `online`).
    Online,
    /// One of a group titled alike ("Editor's notes", "Works") by the same
    /// author in the same year (see `generic`).
    GenericTitle,
}

impl Variant {
    /// Every variant.
    pub const ALL: [Variant; 8] = [
        Variant::Copy,
        Variant::Edition,
        Variant::LargePrint,
        Variant::Audiobook,
        Variant::Ebook,
        Variant::Volume,
        Variant::Online,
        Variant::GenericTitle,
    ];

    /// The variants of the sibling mix that existed before the classes
    /// (drawn by `kinds_for`; the others come from the class families
    /// `online` and `generic-title`).
    pub const CLASSIC_SIBLINGS: [Variant; 5] = [
        Variant::Edition,
        Variant::LargePrint,
        Variant::Audiobook,
        Variant::Ebook,
        Variant::Volume,
    ];

    /// The name in `truth.jsonl`.
    pub fn name(self) -> &'static str {
        match self {
            Variant::Copy => "copy",
            Variant::Edition => "edition",
            Variant::LargePrint => "large-print",
            Variant::Audiobook => "audiobook",
            Variant::Ebook => "ebook",
            Variant::Volume => "volume",
            Variant::Online => "online",
            Variant::GenericTitle => "generic-title",
        }
    }

    /// Parses a name from `truth.jsonl`.
    pub fn from_name(name: &str) -> Option<Variant> {
        Variant::ALL.into_iter().find(|v| v.name() == name)
    }
}

/// What a derivation needs besides the original.
pub(crate) struct Context<'a> {
    /// Invented ISBNs come from here.
    pub(crate) ids: &'a mut IdAllocator,
    /// Title/author/year keys of real and generated manifestations.
    pub(crate) keys: &'a mut HashSet<u64>,
    pub(crate) rng: &'a mut Rng,
}

/// The sibling kinds that make sense for an original, with their weights.
pub(crate) fn kinds_for(bib: &BibRecord) -> Vec<(Variant, u64)> {
    let mut kinds = Vec::new();
    if bib.year.is_some() {
        kinds.push((Variant::Edition, 30));
    }
    if bib.format == MaterialFormat::Book {
        kinds.push((Variant::Ebook, 20));
        kinds.push((Variant::LargePrint, 15));
        kinds.push((Variant::Audiobook, 15));
    }
    kinds.push((Variant::Volume, 20));
    kinds
}

/// Derives a sibling of `kind` from the original's record (which a volume
/// sibling may mark `v. 1`), or None when this original cannot have one.
/// Online versions and generic titles are made by `online` and `generic`.
pub(crate) fn derive(
    kind: Variant,
    original: &mut Record,
    bib: &BibRecord,
    ctx: &mut Context<'_>,
) -> Option<Record> {
    let mut sibling = base(original);
    match kind {
        Variant::Copy | Variant::Online | Variant::GenericTitle => return None,
        Variant::Edition => edition(&mut sibling, bib, ctx)?,
        Variant::LargePrint => large_print(&mut sibling, original, bib, ctx)?,
        Variant::Audiobook => audiobook(&mut sibling, bib, ctx)?,
        Variant::Ebook => ebook(&mut sibling, original, bib),
        Variant::Volume => volume(&mut sibling, original, bib, ctx)?,
    }
    let derived = BibRecord::from_marc(&sibling);
    let shows = match kind {
        Variant::Copy | Variant::Online | Variant::GenericTitle => false,
        Variant::Edition => {
            derived.year > bib.year && derived.edition.is_some() && derived.edition != bib.edition
        }
        Variant::LargePrint => derived.format == MaterialFormat::LargePrint,
        Variant::Audiobook => derived.format == MaterialFormat::Audiobook,
        Variant::Ebook => derived.format == MaterialFormat::Ebook,
        Variant::Volume => {
            let now = BibRecord::from_marc(original);
            derived.part_numbers != now.part_numbers
        }
    };
    if !shows {
        return None;
    }
    // Same format as the original and its own title/author/year: must not
    // be a real record's (or an earlier sibling's) description.
    if matches!(kind, Variant::Edition | Variant::Volume) && !ctx.keys.insert(key_of(&derived)) {
        return None;
    }
    Some(sibling)
}

/// The original without what identifies it alone: LCCN, system numbers,
/// other identifiers, ISBNs, links to its own table of contents.
pub(crate) fn base(original: &Record) -> Record {
    let mut r = original.clone();
    remove_data_fields(&mut r, |d| {
        matches!(
            d.tag.as_str(),
            "010" | "015" | "016" | "019" | "020" | "024" | "027" | "028" | "035" | "776" | "856"
        )
    });
    r
}

/// `2nd`, `3rd`, `11th`, `21st`.
fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// The first ISBN of the original as 13 digits.
fn first_isbn(bib: &BibRecord) -> Option<String> {
    bib.isbns.first().map(|e| e.isbn.to_string())
}

/// Replaces the old year by the new one in the publication statement, the
/// copyright date and 008/07-14.
fn move_year(record: &mut Record, old: u16, new: u16) {
    let (old_text, new_text) = (old.to_string(), new.to_string());
    for field in &mut record.fields {
        match field {
            Field::Data(d) if d.tag == "260" || d.tag == "264" => {
                for s in d.subfields.iter_mut().filter(|s| s.code == 'c') {
                    s.value = s.value.replace(&old_text, &new_text);
                }
            }
            Field::Control { tag, value } if *tag == "008" => {
                for range in [7..11, 11..15] {
                    if value.get(range.clone()) == Some(old_text.as_str()) {
                        value.replace_range(range, &new_text);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Changes the page count in 300 `$a` by more than ten pages (the tolerance
/// of several matchers) and returns the new count.
fn change_pages(record: &mut Record, rng: &mut Rng) -> Option<u64> {
    let f = data_fields_mut(record, "300").next()?;
    let a = f.subfields.iter_mut().find(|s| s.code == 'a')?;
    let pages = u64::from(parse_extent(&a.value).pages?);
    let delta = (pages * rng.between(5, 25) / 100).max(12);
    let new = if rng.chance(0.75) || pages <= delta + 20 {
        pages + delta
    } else {
        pages - delta
    };
    let old_text = pages.to_string();
    // Replace the number as a whole token, not inside another number.
    let bytes = a.value.as_bytes();
    let at = a.value.match_indices(&old_text).find_map(|(i, _)| {
        let before = i.checked_sub(1).and_then(|j| bytes.get(j));
        let after = bytes.get(i + old_text.len());
        (!before.is_some_and(u8::is_ascii_digit) && !after.is_some_and(u8::is_ascii_digit))
            .then_some(i)
    })?;
    a.value
        .replace_range(at..at + old_text.len(), &new.to_string());
    Some(new)
}

/// Sets the publication statement's place and publisher.
fn set_publisher(record: &mut Record, place: &str, publisher: &str) {
    let Some(at) = publication_field(record) else {
        return;
    };
    let Field::Data(f) = &mut record.fields[at] else {
        return;
    };
    let date: Vec<Subfield> = f
        .subfields
        .iter()
        .filter(|s| s.code == 'c')
        .cloned()
        .collect();
    f.subfields = vec![
        Subfield::new('a', format!("{place} :")),
        Subfield::new(
            'b',
            if date.is_empty() {
                publisher.to_string()
            } else {
                format!("{publisher},")
            },
        ),
    ];
    f.subfields.extend(date);
    // 880s of the old imprint no longer match it.
    let tag = f.tag;
    record.fields.retain(|field| {
        !(field.tag() == "880"
            && field
                .as_data()
                .and_then(super::marcedit::linked_tag)
                .is_some_and(|t| t == tag.as_str()))
    });
}

fn set_edition_statement(record: &mut Record, statement: &str) {
    remove_data_fields(record, |d| d.tag == "250");
    insert_in_order(record, data("250", ' ', ' ', &[('a', statement)]));
}

fn add_isbn(record: &mut Record, isbn: &str, qualifier: Option<&str>) {
    let value = match qualifier {
        Some(q) => format!("{isbn} ({q})"),
        None => isbn.to_string(),
    };
    insert_in_order(record, data("020", ' ', ' ', &[('a', &value)]));
}

/// A year later than the original's, at most 10 years on and not in the
/// future, whose title/author/year key is free.
fn later_year(bib: &BibRecord, ctx: &mut Context<'_>, lo: u16, hi: u16) -> Option<u16> {
    let year = bib.year?;
    let last = 2026u16.min(year.saturating_add(hi));
    let first = year.checked_add(lo)?;
    if first > last {
        return None;
    }
    let start = ctx.rng.between(u64::from(first), u64::from(last)) as u16;
    (first..=last)
        .cycle()
        .skip(usize::from(start - first))
        .take(usize::from(last - first) + 1)
        .find(|y| {
            let key =
                super::pool::title_author_year(&bib.title_key, bib.author_key.as_deref(), Some(*y));
            !ctx.keys.contains(&key)
        })
}

fn edition(r: &mut Record, bib: &BibRecord, ctx: &mut Context<'_>) -> Option<()> {
    let old = bib.year?;
    let new = later_year(bib, ctx, 2, 10)?;
    move_year(r, old, new);
    let statement = match bib.edition.as_deref() {
        Some(e) => {
            let n: u32 = e
                .trim()
                .chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
                .parse()
                .unwrap_or(1);
            format!("{} ed.", ordinal(n.saturating_add(1)))
        }
        None if ctx.rng.chance(0.25) => "Rev. ed.".to_string(),
        None => "2nd ed.".to_string(),
    };
    set_edition_statement(r, &statement);
    let prefix = first_isbn(bib).map_or_else(
        || {
            if ctx.rng.chance(0.5) {
                "9780".to_string()
            } else {
                "9781".to_string()
            }
        },
        |i| i[..8].to_string(),
    );
    let isbn = ctx.ids.isbn(ctx.rng, &prefix);
    add_isbn(r, &isbn, None);
    change_pages(r, ctx.rng);
    Some(())
}

/// Large-print publishers: place, name, ISBN prefix.
const LARGE_PRINT: &[(&str, &str, &str)] = &[
    ("Waterville, Maine", "Thorndike Press", "9781410"),
    ("Thorndike, Maine", "Center Point Large Print", "9781602"),
    ("Farmington Hills, Mich.", "Wheeler Publishing", "9781597"),
    ("New York", "Random House Large Print", "9780739"),
];

fn large_print(
    r: &mut Record,
    original: &Record,
    bib: &BibRecord,
    ctx: &mut Context<'_>,
) -> Option<()> {
    set_008(r, 23, "d");
    set_edition_statement(r, "Large print ed.");
    if let Some(f) = data_fields_mut(r, "300").next()
        && let Some(a) = f.subfields.iter_mut().find(|s| s.code == 'a')
    {
        let trimmed = unicat_bib::fold::trim_isbd(&a.value).to_string();
        a.value = match simple_pages(&trimmed) {
            Some((prelims, pages)) => {
                let bigger = u64::from(pages) * ctx.rng.between(130, 160) / 100;
                let prelims = prelims.map(|p| format!("{p}, ")).unwrap_or_default();
                format!("{prelims}{bigger} p. (large print)")
            }
            None => format!("{trimmed} (large print)"),
        };
        repunctuate(f, true, super::marcedit::punct_300);
    }
    let &(place, publisher, prefix) = ctx.rng.pick(LARGE_PRINT)?;
    set_publisher(r, place, publisher);
    if let Some(year) = bib.year
        && ctx.rng.chance(0.3)
    {
        move_year(r, year, year + 1);
    }
    insert_in_order(
        r,
        data(
            "655",
            ' ',
            '7',
            &[('a', "Large type books."), ('2', "lcgft")],
        ),
    );
    let print_isbn = !bib.isbns.is_empty();
    if print_isbn && ctx.rng.chance(0.3) {
        // Careless cataloguing: the print edition's ISBN, as written there.
        for f in original.data_fields("020") {
            r.fields.push(Field::Data(f.clone()));
        }
        sort_020s(r);
    } else {
        let isbn = ctx.ids.isbn(ctx.rng, prefix);
        add_isbn(r, &isbn, Some("large print"));
    }
    Some(())
}

/// Keeps the 020s together in tag order after pushing some at the end.
fn sort_020s(r: &mut Record) {
    let isbns: Vec<Field> = r
        .fields
        .iter()
        .filter(|f| f.tag() == "020")
        .cloned()
        .collect();
    r.fields.retain(|f| f.tag() != "020");
    for f in isbns {
        insert_in_order(r, f);
    }
}

/// Audiobook publishers: place, name, ISBN prefix.
const AUDIO: &[(&str, &str, &str)] = &[
    ("Westminster, Md.", "Books on Tape", "9781415"),
    ("Prince Frederick, MD", "Recorded Books", "9781402"),
    ("Grand Haven, MI", "Brilliance Audio", "9781423"),
    ("New York", "Random House Audio", "9780739"),
];

fn audiobook(r: &mut Record, bib: &BibRecord, ctx: &mut Context<'_>) -> Option<()> {
    let fiction = r
        .control("008")
        .and_then(|f| f.as_bytes().get(33).copied())
        .is_some_and(|c| matches!(c, b'1' | b'f' | b'j'));
    r.leader.set(6, b'i');
    remove_tags(r, &["006", "007"]);
    set_control(r, "007", "sd fsngnnmmned");
    // 008/18-34 for sound recordings: form of composition, format of music,
    // parts, form of item, accompanying matter, literary text.
    set_008(r, 18, "nnn ");
    set_008(r, 23, "       ");
    set_008(r, 30, if fiction { "f " } else { "z " });
    set_008(r, 33, "  ");
    let hours = bib.extent.pages.map_or(9, |p| (p / 32).clamp(1, 40));
    let discs = (hours * 9 / 10).max(1);
    let discs_text = if discs == 1 {
        "1 audio disc".to_string()
    } else {
        format!("{discs} audio discs")
    };
    remove_data_fields(r, |d| {
        matches!(d.tag.as_str(), "300" | "336" | "337" | "338")
    });
    insert_in_order(
        r,
        data(
            "300",
            ' ',
            ' ',
            &[
                ('a', &format!("{discs_text} ({hours} hr.) :")),
                ('b', "digital ;"),
                ('c', "4 3/4 in."),
            ],
        ),
    );
    insert_in_order(
        r,
        data(
            "336",
            ' ',
            ' ',
            &[('a', "spoken word"), ('b', "spw"), ('2', "rdacontent")],
        ),
    );
    insert_in_order(
        r,
        data(
            "337",
            ' ',
            ' ',
            &[('a', "audio"), ('b', "s"), ('2', "rdamedia")],
        ),
    );
    insert_in_order(
        r,
        data(
            "338",
            ' ',
            ' ',
            &[('a', "audio disc"), ('b', "sd"), ('2', "rdacarrier")],
        ),
    );
    let &(place, publisher, prefix) = ctx.rng.pick(AUDIO)?;
    if ctx.rng.chance(0.6) {
        set_publisher(r, place, publisher);
    }
    if let Some(year) = bib.year
        && ctx.rng.chance(0.3)
    {
        move_year(r, year, year + 1);
    }
    if ctx.rng.chance(0.6) {
        let isbn = ctx.ids.isbn(ctx.rng, prefix);
        add_isbn(r, &isbn, Some("audiobook"));
    }
    Some(())
}

fn ebook(r: &mut Record, original: &Record, bib: &BibRecord) {
    set_008(r, 23, "o");
    remove_tags(r, &["006", "007"]);
    set_control(r, "006", "m     o  d        ");
    set_control(r, "007", "cr |n|||||||||");
    let pages = bib.extent.pages;
    remove_data_fields(r, |d| {
        matches!(d.tag.as_str(), "300" | "336" | "337" | "338")
    });
    let extent = match pages {
        Some(p) => format!("1 online resource ({p} pages)"),
        None => "1 online resource".to_string(),
    };
    insert_in_order(r, data("300", ' ', ' ', &[('a', &extent)]));
    insert_in_order(
        r,
        data(
            "336",
            ' ',
            ' ',
            &[('a', "text"), ('b', "txt"), ('2', "rdacontent")],
        ),
    );
    insert_in_order(
        r,
        data(
            "337",
            ' ',
            ' ',
            &[('a', "computer"), ('b', "c"), ('2', "rdamedia")],
        ),
    );
    insert_in_order(
        r,
        data(
            "338",
            ' ',
            ' ',
            &[('a', "online resource"), ('b', "cr"), ('2', "rdacarrier")],
        ),
    );
    insert_in_order(
        r,
        data("538", ' ', ' ', &[('a', "Mode of access: World Wide Web.")]),
    );
    // The trap: the print ISBNs, in $a, as the print record wrote them.
    for f in original.data_fields("020") {
        r.fields.push(Field::Data(f.clone()));
    }
    sort_020s(r);
    let link = format!(
        "https://ebooks.example.org/title/{:012x}",
        stable_hash(bib.title_key.as_bytes()) >> 16
    );
    insert_in_order(
        r,
        data(
            "856",
            '4',
            '0',
            &[('u', &link), ('z', "Connect to this title online")],
        ),
    );
}

fn volume(
    r: &mut Record,
    original: &mut Record,
    bib: &BibRecord,
    ctx: &mut Context<'_>,
) -> Option<()> {
    let existing = bib.part_numbers.first().cloned();
    let (number, mark_original) = match &existing {
        Some(part) => {
            let digits: String = part
                .chars()
                .skip_while(|c| !c.is_ascii_digit())
                .take_while(char::is_ascii_digit)
                .collect();
            (digits.parse::<u32>().ok()?.checked_add(1)?, false)
        }
        None => (2, ctx.rng.chance(0.5)),
    };
    let label = format!("v. {number}");
    // Another volume of a numbered part: replace its number; otherwise add $n.
    let f245 = data_fields_mut(r, "245").next()?;
    match f245.subfields.iter_mut().find(|s| s.code == 'n') {
        Some(n) => n.value = label.clone(),
        None => insert_part(f245, &label),
    }
    repunctuate(f245, true, punct_245);
    let series_title = unicat_bib::fold::trim_isbd(&bib.title).to_string();
    set_series_number(r, &series_title, &label);
    if mark_original {
        let mut marked = original.clone();
        if let Some(f) = data_fields_mut(&mut marked, "245").next() {
            insert_part(f, "v. 1");
            repunctuate(f, true, punct_245);
        }
        set_series_number(&mut marked, &series_title, "v. 1");
        // Only when the original's new description is nobody else's.
        if ctx.keys.insert(key_of(&BibRecord::from_marc(&marked))) {
            *original = marked;
        }
    }
    match first_isbn(bib) {
        Some(set) if ctx.rng.chance(0.5) => add_isbn(r, &set, Some("set")),
        Some(own) => {
            let isbn = ctx.ids.isbn(ctx.rng, &own[..8]);
            add_isbn(r, &isbn, Some(&label));
        }
        None if ctx.rng.chance(0.5) => {
            let isbn = ctx.ids.isbn(ctx.rng, "9780");
            add_isbn(r, &isbn, Some(&label));
        }
        None => {}
    }
    change_pages(r, ctx.rng);
    Some(())
}

/// Inserts `$n` after the title and remainder, before `$c` and the rest.
fn insert_part(f: &mut unicat_marc::DataField, label: &str) {
    let at = f
        .subfields
        .iter()
        .position(|s| !matches!(s.code, 'a' | 'b' | 'h' | '6' | '8'))
        .unwrap_or(f.subfields.len());
    f.subfields.insert(at, Subfield::new('n', label));
}

/// Sets the volume in the first 490 `$v`, adding a 490 when there is none
/// (an obsolete 440 is left alone: `unicat-bib` does not read it).
fn set_series_number(r: &mut Record, series_title: &str, label: &str) {
    if let Some(f) = data_fields_mut(r, "490").next() {
        f.subfields.retain(|s| s.code != 'v');
        f.subfields.push(Subfield::new('v', label));
        repunctuate(f, true, punct_490);
        return;
    }
    insert_in_order(
        r,
        data(
            "490",
            '0',
            ' ',
            &[('a', &format!("{series_title} ;")), ('v', label)],
        ),
    );
}

/// The ISBNs a record carries, as numbers.
#[cfg(test)]
fn isbn_numbers(bib: &BibRecord) -> Vec<u64> {
    bib.isbn_list().map(super::pool::isbn_number).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn original() -> Record {
        let mut r = Record::new();
        r.push_control(
            super::super::marcedit::tag("008"),
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
        ] {
            r.fields.push(f);
        }
        r
    }

    #[test]
    fn every_kind_shows_its_evidence() {
        let mut ids = IdAllocator::new(HashSet::new(), HashSet::new());
        let mut keys = HashSet::new();
        for (i, kind) in Variant::CLASSIC_SIBLINGS.iter().enumerate() {
            let mut rng = Rng::new(i as u64);
            let mut orig = original();
            let bib = BibRecord::from_marc(&orig);
            let mut ctx = Context {
                ids: &mut ids,
                keys: &mut keys,
                rng: &mut rng,
            };
            let sib = derive(*kind, &mut orig, &bib, &mut ctx).expect("derivable");
            let sb = BibRecord::from_marc(&sib);
            assert_eq!(sb.authors, bib.authors, "{kind:?}");
            assert!(sb.title_key.starts_with(&bib.title_key), "{kind:?}");
            match kind {
                Variant::Edition => {
                    assert!(sb.year > bib.year);
                    assert_ne!(isbn_numbers(&sb), isbn_numbers(&bib));
                    assert_ne!(sb.extent.pages, bib.extent.pages);
                }
                Variant::Ebook => assert_eq!(isbn_numbers(&sb), isbn_numbers(&bib)),
                Variant::Volume => assert!(!sb.part_numbers.is_empty()),
                Variant::Audiobook => assert_eq!(sib.leader.record_type(), b'i'),
                Variant::LargePrint => assert_eq!(sb.format, MaterialFormat::LargePrint),
                Variant::Copy | Variant::Online | Variant::GenericTitle => unreachable!(),
            }
        }
        assert_eq!(ordinal(2), "2nd");
        assert_eq!(ordinal(13), "13th");
        assert_eq!(ordinal(21), "21st");
    }
}

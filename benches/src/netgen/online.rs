//! Online versions: siblings of any kind of material (a streamed sound
//! recording, an online score or video, an e-book, an online map) made by
//! cloning the record of the physical original, as libraries do, and
//! marking it online in only some of the ways MARC allows: 008 form of
//! item `o`, `q` or `s` (at 23, or 29 for maps and visual materials), 300
//! `1 online resource`, 337/338 computer / online resource, 007 `cr`, 856
//! with second indicator 0. Everything else (title, names, imprint, year,
//! often the physical extent) stays as the original has it, so those few
//! signals are all that keep the two apart. An original that already shows
//! one of them gets no online version.

use super::classes::Class;
use super::marcedit::{
    data, insert_in_order, remove_data_fields, remove_tags, set_008, set_control,
};
use super::sibling::base;
use crate::{Rng, stable_hash};
use unicat_marc::Record;

/// The signals, each one a class of the online version's records.
pub(crate) const SIGNALS: [Class; 5] = [
    Class::Online008,
    Class::Online300,
    Class::Online33x,
    Class::Online007,
    Class::Online856,
];

/// Where 008 has the form of item for a record type (leader/06): 29 for
/// maps and visual materials, 23 for the others.
pub(crate) fn form_of_item_position(record_type: u8) -> usize {
    match record_type {
        b'e' | b'f' | b'g' | b'k' | b'o' | b'r' => 29,
        _ => 23,
    }
}

fn contains_ci(text: &str, needle: &str) -> bool {
    text.to_lowercase().contains(needle)
}

/// The online signals a record shows, in [`SIGNALS`] order.
pub(crate) fn signals(record: &Record) -> Vec<Class> {
    let pos = form_of_item_position(record.leader.record_type());
    let form = record
        .control("008")
        .and_then(|f| f.as_bytes().get(pos).copied());
    SIGNALS
        .into_iter()
        .filter(|signal| match signal {
            Class::Online008 => matches!(form, Some(b'o' | b'q' | b's')),
            Class::Online300 => record
                .data_fields("300")
                .any(|f| f.values('a').any(|a| contains_ci(a, "online resource"))),
            Class::Online33x => record.data_fields("338").any(|f| {
                f.values('b').any(|b| b.trim() == "cr")
                    || f.values('a').any(|a| contains_ci(a, "online resource"))
            }),
            Class::Online007 => record
                .fields
                .iter()
                .filter(|f| f.tag() == "007")
                .filter_map(|f| f.as_control())
                .any(|v| v.starts_with("cr")),
            Class::Online856 => record
                .data_fields("856")
                .any(|f| f.indicators.second == '0'),
            _ => false,
        })
        .collect()
}

/// The link of an online version, by kind of material.
fn link(record: &Record) -> (String, &'static str) {
    let (host, note) = match record.leader.record_type() {
        b'i' | b'j' => ("stream.example.org/listen", "Stream this recording"),
        b'g' => ("stream.example.org/watch", "Watch online"),
        b'c' | b'd' => ("scores.example.org/view", "View the score online"),
        b'e' | b'f' => ("maps.example.org/view", "View the map online"),
        b'a' | b't' => ("ebooks.example.org/read", "Read online"),
        _ => ("resources.example.org/item", "Connect to this resource"),
    };
    let title = record
        .data_field("245")
        .map(|f| f.values_of("abnp").collect::<Vec<_>>().join(" "))
        .unwrap_or_default();
    let id = stable_hash(title.as_bytes()) >> 16;
    (format!("https://{host}/{id:012x}"), note)
}

/// An online version of `original` with some of the signals (at least one,
/// each with even odds), or None when the original already shows one.
pub(crate) fn derive(original: &Record, rng: &mut Rng) -> Option<(Record, Vec<Class>)> {
    if !signals(original).is_empty() {
        return None;
    }
    let mut chosen: Vec<Class> = SIGNALS.into_iter().filter(|_| rng.chance(0.5)).collect();
    if chosen.is_empty() {
        chosen.push(*rng.pick(&SIGNALS)?);
    }
    let mut r = base(original);
    for signal in &chosen {
        mark(&mut r, *signal, rng);
    }
    Some((r, chosen))
}

/// Gives the record one online signal.
fn mark(r: &mut Record, signal: Class, rng: &mut Rng) {
    match signal {
        Class::Online008 => {
            let form = ["o", "s", "q"][rng.weighted(&[6, 3, 1])];
            set_008(r, form_of_item_position(r.leader.record_type()), form);
        }
        Class::Online300 => {
            let pages = r
                .data_field("300")
                .and_then(|f| f.first('a'))
                .and_then(|a| unicat_bib::parse_extent(a).pages);
            remove_data_fields(r, |d| d.tag == "300");
            let extent = match pages {
                Some(p) if matches!(r.leader.record_type(), b'a' | b't') => {
                    format!("1 online resource ({p} pages)")
                }
                _ => "1 online resource".to_string(),
            };
            insert_in_order(r, data("300", ' ', ' ', &[('a', &extent)]));
        }
        Class::Online33x => {
            remove_data_fields(r, |d| matches!(d.tag.as_str(), "337" | "338"));
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
        }
        Class::Online007 => {
            remove_tags(r, &["007"]);
            set_control(r, "007", "cr |n|||||||||");
        }
        Class::Online856 => {
            let (url, note) = link(r);
            insert_in_order(r, data("856", '4', '0', &[('u', &url), ('z', note)]));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::netgen::marcedit::tag;
    use unicat_marc::Leader;

    /// A music CD, as Evergreen's concerto records describe one.
    fn compact_disc() -> Record {
        let mut r = Record::new();
        r.leader = Leader::from_text("01234cjm a2200289 a 4500");
        r.push_control(tag("007"), "sd fsngnnmmned");
        // Music: form of composition jz, format n, form of item (23) blank.
        r.push_control(
            tag("008"),
            format!("041112s2004    nyujzn{}eng d", " ".repeat(14)),
        );
        for f in [
            data(
                "100",
                '1',
                ' ',
                &[('a', "Armstrong, Louis,"), ('d', "1901-1971.")],
            ),
            data(
                "245",
                '1',
                '0',
                &[('a', "Hot fives & sevens /"), ('c', "Louis Armstrong.")],
            ),
            data(
                "260",
                ' ',
                ' ',
                &[('a', "New York :"), ('b', "JSP Records,"), ('c', "2004.")],
            ),
            data(
                "300",
                ' ',
                ' ',
                &[
                    ('a', "4 sound discs :"),
                    ('b', "digital ;"),
                    ('c', "4 3/4 in."),
                ],
            ),
            data(
                "338",
                ' ',
                ' ',
                &[('a', "audio disc"), ('b', "sd"), ('2', "rdacarrier")],
            ),
            data(
                "856",
                '4',
                '2',
                &[('u', "http://example.org/notes"), ('z', "Liner notes")],
            ),
        ] {
            r.fields.push(f);
        }
        r
    }

    #[test]
    fn each_signal_shows_alone() {
        assert!(signals(&compact_disc()).is_empty());
        for signal in SIGNALS {
            let mut r = base(&compact_disc());
            mark(&mut r, signal, &mut Rng::new(1));
            assert_eq!(signals(&r), [signal], "{signal:?}");
            assert_eq!(r.leader.record_type(), b'j');
        }
        // Visual materials have the form of item at 29.
        let mut video = compact_disc();
        video.leader.set(6, b'g');
        mark(&mut video, Class::Online008, &mut Rng::new(2));
        let f008 = video.control("008").unwrap_or("").as_bytes();
        assert!(matches!(f008[29], b'o' | b'q' | b's'));
        assert_eq!(
            f008[23], b' ',
            "position 23 is not the form of item for video"
        );
    }

    #[test]
    fn an_online_version_keeps_everything_but_its_signals() {
        let mut seen = std::collections::BTreeSet::new();
        for seed in 0..64 {
            let (r, chosen) = derive(&compact_disc(), &mut Rng::new(seed)).expect("a CD has none");
            assert!(!chosen.is_empty());
            assert_eq!(signals(&r), chosen);
            let orig = unicat_bib::BibRecord::from_marc(&compact_disc());
            let b = unicat_bib::BibRecord::from_marc(&r);
            assert_eq!(
                (&b.title, &b.authors, b.year, &b.publisher),
                (&orig.title, &orig.authors, orig.year, &orig.publisher)
            );
            if !chosen.contains(&Class::Online300) {
                assert_eq!(b.pagination, orig.pagination, "the disc's extent, cloned");
            }
            seen.insert(chosen);
        }
        assert!(seen.len() > 10, "many combinations: {}", seen.len());
        assert!(seen.iter().any(|s| s.len() == 1));
    }

    #[test]
    fn an_original_already_online_gets_none() {
        let mut r = compact_disc();
        r.fields
            .push(data("856", '4', '0', &[('u', "http://example.org/stream")]));
        assert_eq!(signals(&r), [Class::Online856]);
        assert!(derive(&r, &mut Rng::new(1)).is_none());
    }
}

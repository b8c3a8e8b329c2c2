//! Each library's records: its own real records with their items in its
//! ILS's form, and its copies of other libraries' records, re-catalogued in
//! its style (netgen's [`Style`](crate::netgen::style::Style)) with its own
//! record ids and items.

use super::holdings::{self, Counters, call_number_hint, sierra_number};
use super::libraries::{BYTOWN, CHAMPLAIN, LIBRARIES, NVPL, OVRL, RIDEAU, TIC, style};
use super::plan::Manifestation;
use super::sources::{RealItems, SourceRecord};
use crate::Rng;
use crate::netgen::ids::oclc_prefixed;
use crate::netgen::marcedit::{data, insert_in_order, set_control};
use crate::netgen::style::OclcForm;
use unicat_bib::BibRecord;
use unicat_marc::{Field, Record, Subfield};

/// Seeded stream of the records' edits and items.
const BUILD: u64 = 31;

/// One record of one library's export.
#[derive(Clone, Debug)]
pub struct LibraryRecord {
    /// The library's record id (what its `id_field` holds).
    pub id: String,
    /// The record as exported (before encoding).
    pub record: Record,
    /// Index of its manifestation in the plan.
    pub manifestation: usize,
    /// Whether it is the library's own real record (else a copy).
    pub native: bool,
    /// The source record it was made from, `folder/file#n`.
    pub origin: String,
}

/// The first id a library's copies get: after its own records' ids where
/// those are numbers.
fn first_copy_id(sources: &[SourceRecord], library: usize, tag: &str, code: char) -> u64 {
    sources
        .iter()
        .filter(|s| s.native == library)
        .filter_map(|s| s.record.data_fields(tag).find_map(|f| f.first(code)))
        .filter_map(|v| v.trim().parse::<u64>().ok())
        .max()
        .unwrap_or(0)
        + 1
}

/// Builds every library's records, in plan order, then sorted by id.
pub(crate) fn build(
    sources: &[SourceRecord],
    plan: &[Manifestation],
    seed: u64,
) -> (Vec<Vec<LibraryRecord>>, Counters) {
    let mut out: Vec<Vec<LibraryRecord>> = vec![Vec::new(); LIBRARIES.len()];
    let mut counters = Counters::default();
    let mut next_id = [
        first_copy_id(sources, RIDEAU, "999", 'c'),
        first_copy_id(sources, OVRL, "901", 'c'),
        1,
        1,
        1,
        1,
    ];
    for (m, manifestation) in plan.iter().enumerate() {
        let primary = &sources[manifestation.primary];
        let bib = BibRecord::from_marc(&primary.record);
        let oclc = bib.oclc_numbers.first().map(|n| n.value());
        let hint = call_number_hint(&primary.record);
        for library in manifestation.holders() {
            let mut rng = Rng::derive(seed, &[BUILD, m as u64, library as u64]);
            let (mut record, real, origin, native) = match manifestation.natives.get(&library) {
                Some(&index) => {
                    let source = &sources[index];
                    (
                        source.record.clone(),
                        source.items.clone(),
                        source.origin.clone(),
                        true,
                    )
                }
                None => {
                    let mut record = clean(primary.record.clone());
                    style(library).apply(&mut record, &mut rng);
                    (record, RealItems::None, primary.origin.clone(), false)
                }
            };
            let n = next_id[library];
            let (id, used) = identify(&mut record, library, native, n, oclc);
            next_id[library] += u64::from(used);
            if !native {
                catalogued_by(&mut record, library);
            }
            holdings::add_items(
                library,
                &mut record,
                manifestation.kind,
                &real,
                hint.as_deref(),
                &mut rng,
                &mut counters,
            );
            out[library].push(LibraryRecord {
                id,
                record,
                manifestation: m,
                native,
                origin,
            });
        }
    }
    for records in &mut out {
        records.sort_by_key(|a| sort_key(&a.id));
    }
    (out, counters)
}

/// Ids sort as numbers where they are numbers, else as text after them.
fn sort_key(id: &str) -> (bool, u64, String) {
    match id.parse::<u64>() {
        Ok(n) => (false, n, String::new()),
        Err(_) => (true, 0, id.to_string()),
    }
}

/// Gives a record the library's identity: its record id where the library
/// keeps it, and the OCLC number in the library's form. Returns the id and
/// whether the running number `n` was used.
fn identify(
    record: &mut Record,
    library: usize,
    native: bool,
    n: u64,
    oclc: Option<u64>,
) -> (String, bool) {
    let read = |record: &Record, tag: &str, code: char| {
        record
            .data_fields(tag)
            .find_map(|f| f.first(code))
            .map(|v| v.trim().to_string())
    };
    let oclc_035 = |record: &mut Record, value: String| {
        insert_in_order(record, data("035", ' ', ' ', &[('a', &value)]));
    };
    match library {
        RIDEAU => {
            if native && let Some(id) = read(record, "999", 'c') {
                return (id, false);
            }
            // Koha keeps the biblionumber in 999 $c (and the biblioitem in
            // $d); copied records have no 001 of their own.
            let id = n.to_string();
            insert_in_order(record, data("999", ' ', ' ', &[('c', &id), ('d', &id)]));
            (id, true)
        }
        OVRL => {
            if native && let Some(id) = read(record, "901", 'c') {
                return (id, false);
            }
            let id = n.to_string();
            set_control(record, "001", id.clone());
            set_control(record, "003", "CONS");
            if let Some(o) = oclc {
                oclc_035(record, format!("(OCoLC){}", oclc_prefixed(o)));
            }
            insert_in_order(
                record,
                data(
                    "901",
                    ' ',
                    ' ',
                    &[('a', &id), ('b', "AUTOGEN"), ('c', &id), ('t', "biblio")],
                ),
            );
            (id, true)
        }
        BYTOWN => {
            // Alma's MMS id: 99, a running number, the institution's code.
            let id = format!("99{:09}7401", 100_000 + n);
            remove_local(record);
            record
                .fields
                .retain(|f| !matches!(f.tag().as_str(), "001" | "003" | "005"));
            set_control(record, "001", id.clone());
            if !native && let Some(o) = oclc {
                oclc_035(record, format!("(OCoLC){o}"));
            }
            (id, true)
        }
        TIC => {
            remove_local(record);
            if !native
                && let Some(o) = oclc
                && style(TIC).oclc == OclcForm::ControlNumber
            {
                // Records from WorldCat: the OCLC number is the 001.
                set_control(record, "001", oclc_prefixed(o));
                set_control(record, "003", "OCoLC");
            }
            // Sierra's bib record number, as its exports write it.
            let id = sierra_number('b', 1_000_000 + n);
            insert_in_order(
                record,
                data("907", ' ', ' ', &[('a', &id), ('b', "01-03-26")]),
            );
            (id, true)
        }
        NVPL => {
            if native && let Some(id) = record.control("001") {
                return (id.trim().to_string(), false);
            }
            let id = format!("a{}", 400_000 + n);
            set_control(record, "001", id.clone());
            oclc_035(record, format!("(Sirsi) {id}"));
            if let Some(o) = oclc {
                oclc_035(record, format!("(OCoLC){}", oclc_prefixed(o)));
            }
            (id, true)
        }
        CHAMPLAIN => {
            if native && let Some(id) = record.control("001") {
                return (id.trim().to_string(), false);
            }
            let id = format!("bhc{:06}", n);
            set_control(record, "001", id.clone());
            set_control(record, "003", "CaQHBHC");
            (id, true)
        }
        _ => (String::new(), false),
    }
}

/// Removes what belongs to another library's system: local 9XX fields,
/// non-numeric tags (Alma's AVA) and stored holdings.
fn remove_local(record: &mut Record) {
    record.fields.retain(|f| {
        let t = f.tag();
        let t = t.as_str();
        !(t.starts_with('9') || !t.bytes().all(|b| b.is_ascii_digit()) || is_holdings(t))
    });
}

fn is_holdings(tag: &str) -> bool {
    matches!(
        tag,
        "850"
            | "852"
            | "853"
            | "854"
            | "855"
            | "863"
            | "864"
            | "865"
            | "866"
            | "867"
            | "868"
            | "876"
            | "877"
            | "878"
    )
}

/// A record as another library copies it (netgen's cleaning): without the
/// source's control number, local fields, holdings, `$9` authority links and
/// system numbers, with a leader an ILS would write.
fn clean(mut record: Record) -> Record {
    for b in &mut record.leader.0 {
        if !(b.is_ascii_graphic() || *b == b' ') {
            *b = b' ';
        }
    }
    record.leader.0[20..24].copy_from_slice(b"4500");
    remove_local(&mut record);
    record
        .fields
        .retain(|f| !matches!(f.tag().as_str(), "001" | "003" | "005" | "019" | "035"));
    for field in &mut record.fields {
        if let Field::Data(d) = field {
            d.subfields.retain(|s| s.code != '9');
        }
    }
    record
        .fields
        .retain(|f| f.as_data().is_none_or(|d| !d.subfields.is_empty()));
    record
}

/// 040: the library as the agency that modified (here: copied) the record.
fn catalogued_by(record: &mut Record, library: usize) {
    let code = LIBRARIES[library].code;
    if let Some(Field::Data(f)) = record.fields.iter_mut().find(|f| f.tag() == "040") {
        f.subfields.push(Subfield::new('d', code));
        return;
    }
    insert_in_order(
        record,
        data("040", ' ', ' ', &[('a', code), ('b', "eng"), ('c', code)]),
    );
}

//! The demo network (`fixtures/demo/`): the generator is deterministic and
//! the committed folder is what it makes today; every export reads back with
//! `unicat-marc` and equals what was built; the Evergreen export really is
//! MARC-8 and decodes to the text of its source records; the network
//! validates with `unicat-config`; each library's holdings mapping finds items
//! in its records; and the overlap the examples rely on is there.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use unicat_benches::demo::{self, Config, SEED};
use unicat_bib::BibRecord;
use unicat_marc::{Field, Format, Reader, Record};
use unicode_normalization::UnicodeNormalization;

fn committed() -> PathBuf {
    unicat_benches::fixtures_dir().join("demo")
}

/// The network built in memory with the committed seed.
fn network() -> &'static demo::Network {
    static NET: OnceLock<demo::Network> = OnceLock::new();
    NET.get_or_init(|| {
        demo::build(&Config::new(committed(), SEED)).expect("the demo network builds")
    })
}

fn files_under(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).expect("readable folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).expect("below").to_path_buf();
                out.insert(rel, fs::read(&path).expect("readable file"));
            }
        }
    }
    out
}

fn generate_into(dir: &Path) -> demo::Summary {
    demo::generate(&Config::new(dir.to_path_buf(), SEED)).expect("the demo generates")
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_the_committed_folder_is_current() {
    let a = tempfile::tempdir().expect("temp dir");
    let b = tempfile::tempdir().expect("temp dir");
    let summary = generate_into(a.path());
    generate_into(b.path());
    let first = files_under(a.path());
    assert_eq!(first, files_under(b.path()), "two runs differ");
    let total: u64 = summary.files.iter().map(|f| f.1).sum();
    assert!(total < 6_000_000, "the demo is {total} bytes");
    let committed_files = files_under(&committed());
    for (path, bytes) in &first {
        let Some(theirs) = committed_files.get(path) else {
            panic!(
                "fixtures/demo/{} is missing: run `cargo run --release -p unicat-benches --bin demogen -- --seed {SEED} --out fixtures/demo`",
                path.display()
            );
        };
        assert!(
            theirs == bytes,
            "fixtures/demo/{} is not what demogen makes today: run `cargo run --release -p unicat-benches --bin demogen -- --seed {SEED} --out fixtures/demo`",
            path.display()
        );
    }
    let extra: Vec<_> = committed_files
        .keys()
        .filter(|p| !first.contains_key(*p))
        .collect();
    assert!(extra.is_empty(), "files demogen does not make: {extra:?}");
}

/// Reads one library's committed export, failing on any bad record.
fn read_export(lib: &demo::Library) -> Vec<Record> {
    let path = committed().join(lib.path);
    let file = fs::File::open(&path).expect("export exists");
    let format = Format::from_name(lib.format).expect("known format");
    Reader::new(std::io::BufReader::new(file), format)
        .enumerate()
        .map(|(i, r)| r.unwrap_or_else(|e| panic!("{} record {}: {e}", lib.path, i + 1)))
        .collect()
}

/// Ids of the MARC-8 export's records whose bytes are also valid UTF-8 (with
/// no escape), which a reader trusting UTF-8 over leader/09 reads as UTF-8.
/// There is one: Evergreen's record 202, whose source text "Fran©ʹois" is
/// itself UTF-8 mis-read as MARC-8 (see the demo's README).
fn marc8_also_utf8(lib: &demo::Library) -> Vec<String> {
    let bytes = fs::read(committed().join(lib.path)).expect("export");
    bytes
        .split(|&b| b == 0x1D)
        .zip(&lib.records)
        .filter(|(raw, _)| {
            let body = raw.get(24..).unwrap_or_default();
            !body.contains(&0x1B)
                && body.iter().any(|&b| b >= 0x80)
                && std::str::from_utf8(body).is_ok()
        })
        .map(|(_, r)| r.id.clone())
        .collect()
}

fn nfc(text: &str) -> String {
    text.nfc().collect()
}

/// A record's fields as comparable text: tag, indicators, NFC values.
fn fields(record: &Record) -> Vec<String> {
    record
        .fields
        .iter()
        .map(|f| match f {
            Field::Control { tag, value } => format!("{tag} {}", nfc(value)),
            Field::Data(d) => {
                let mut s = format!("{} {}{}", d.tag, d.indicators.first, d.indicators.second);
                for sub in &d.subfields {
                    s.push_str(&format!(" ${}{}", sub.code, nfc(&sub.value)));
                }
                s
            }
        })
        .collect()
}

#[test]
fn every_export_reads_back_as_built() {
    let net = network();
    let mut substituted = 0;
    for lib in &net.libraries {
        let read = read_export(lib);
        assert_eq!(read.len(), lib.records.len(), "{}", lib.id);
        let also_utf8 = if lib.marc8 {
            marc8_also_utf8(lib)
        } else {
            Vec::new()
        };
        assert!(also_utf8.len() <= 1, "{also_utf8:?}");
        for (got, built) in read.iter().zip(&lib.records) {
            if also_utf8.contains(&built.id) {
                continue;
            }
            let (got, want) = (fields(got), fields(&built.record));
            if lib.marc8 && got != want {
                // Characters MARC-8 cannot carry are references (&#x2014;).
                assert!(
                    got.iter().any(|f| f.contains("&#x")),
                    "{} {}: {got:?} vs {want:?}",
                    lib.id,
                    built.id
                );
                substituted += 1;
                continue;
            }
            assert_eq!(got, want, "{} record {}", lib.id, built.id);
        }
    }
    assert!(
        substituted <= 6,
        "{substituted} MARC-8 records with references"
    );
}

#[test]
fn the_evergreen_export_is_marc8_and_decodes_to_its_sources() {
    let net = network();
    let ovrl = net
        .libraries
        .iter()
        .find(|l| l.marc8)
        .expect("a MARC-8 library");
    let bytes = fs::read(committed().join(ovrl.path)).expect("export");
    let raw: Vec<&[u8]> = bytes
        .split(|&b| b == 0x1D)
        .filter(|r| !r.is_empty())
        .collect();
    assert_eq!(raw.len(), ovrl.records.len());
    let mut marc8 = 0;
    for record in &raw {
        assert_eq!(record[9], b' ', "leader/09 must be blank (MARC-8)");
        let body = &record[24..];
        if body.contains(&0x1B) || body.iter().any(|&b| b >= 0x80) {
            marc8 += 1;
        }
    }
    assert!(marc8 >= 20, "only {marc8} records with ESC or ANSEL bytes");
    // Hardly any could be taken for UTF-8 (see `marc8_also_utf8`).
    let also_utf8 = marc8_also_utf8(ovrl);
    assert_eq!(also_utf8, ["202"]);

    // The library's own records decode to the text of Evergreen's records.
    let source_path = unicat_benches::fixtures_dir()
        .join("data/evergreen/concerto_enhanced_holdings/biblio.record_entry.marcxml.xml");
    let sources: HashMap<String, Record> = Reader::new(
        std::io::BufReader::new(fs::File::open(source_path).expect("source")),
        Format::MarcXml,
    )
    .filter_map(Result::ok)
    .filter_map(|r| {
        let id = r.data_fields("901").find_map(|f| f.first('c'))?.to_string();
        Some((id, r))
    })
    .collect();
    let read = read_export(ovrl);
    let mut compared = 0;
    let mut skipped_subfields = 0;
    for (record, built) in read.iter().zip(&ovrl.records) {
        if !built.native || also_utf8.contains(&built.id) {
            continue;
        }
        let source = &sources[&built.id];
        let bib_fields = |r: &Record| -> Vec<Field> {
            r.fields
                .iter()
                .filter(|f| f.tag() != "852")
                .cloned()
                .collect()
        };
        let (got, want) = (bib_fields(record), bib_fields(source));
        assert_eq!(got.len(), want.len(), "record {}", built.id);
        for (g, w) in got.iter().zip(&want) {
            match (g, w) {
                (Field::Control { value: a, .. }, Field::Control { value: b, .. }) => {
                    assert_eq!(nfc(a), nfc(b));
                }
                (Field::Data(a), Field::Data(b)) => {
                    assert_eq!((a.tag, a.indicators), (b.tag, b.indicators));
                    for (x, y) in a.subfields.iter().zip(&b.subfields) {
                        if unicat_marc8::unicode_to_marc8(&y.value).is_err() {
                            skipped_subfields += 1;
                            continue;
                        }
                        assert_eq!(
                            (x.code, nfc(&x.value)),
                            (y.code, nfc(&y.value)),
                            "record {} {}",
                            built.id,
                            a.tag
                        );
                    }
                }
                _ => panic!("record {}: field kinds differ", built.id),
            }
        }
        compared += 1;
    }
    assert_eq!(compared, 343, "Evergreen records compared");
    assert!(skipped_subfields <= 6, "{skipped_subfields}");
}

#[test]
fn the_network_validates() {
    let config = unicat_config::Network::load(&committed().join("network.toml"))
        .unwrap_or_else(|e| panic!("{e}"));
    // Six made by the plan, then a library exporting its serials' MARC
    // holdings records separately and a FOLIO library.
    assert_eq!(config.libraries.len(), 8);
    let sources: Vec<(&str, usize)> = config
        .libraries
        .iter()
        .map(|l| (l.id.as_str(), l.sources.len()))
        .collect();
    assert_eq!(
        sources,
        [
            ("rideau", 1),
            ("ovrl", 3),
            ("bytown", 1),
            ("tic", 1),
            ("nvpl", 1),
            ("champlain", 1),
            ("riverside", 2),
            ("glebe", 1),
        ]
    );
    assert!(config.index_dir.ends_with("../../indexes/demo"));
    let lending: Vec<bool> = config.libraries.iter().map(|l| l.lending).collect();
    assert_eq!(lending.iter().filter(|l| !**l).count(), 1);
    for lib in &config.libraries {
        assert!(lib.location.is_some(), "{} has no coordinates", lib.id);
        assert!(
            lib.opac_url.as_deref().is_some_and(|u| u.contains("{id}")),
            "{}",
            lib.id
        );
    }
    // The eight libraries stand within about 110 km of each other.
    for a in &config.libraries {
        for b in &config.libraries {
            let ((la, oa), (lb, ob)) = (a.location.unwrap(), b.location.unwrap());
            let km = ((la - lb) * 111.0).hypot((oa - ob) * 111.0 * 45f64.to_radians().cos());
            assert!(km < 120.0, "{} – {}: {km:.0} km", a.id, b.id);
        }
    }
}

#[test]
fn holdings_mappings_find_items_and_ids_are_unique() {
    let config = unicat_config::Network::load(&committed().join("network.toml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let net = network();
    for (lib, built) in config.libraries.iter().zip(&net.libraries) {
        let records = read_export(built);
        let mut ids = BTreeSet::new();
        let mut with_items = 0;
        for record in &records {
            let id = lib
                .record_id(record)
                .unwrap_or_else(|| panic!("{}: a record without id", lib.id));
            assert!(ids.insert(id.to_string()), "{}: id {id} twice", lib.id);
            let items = lib.holdings.extract(record);
            if !items.is_empty() {
                with_items += 1;
            }
            for item in &items {
                assert!(
                    item.branch.is_some(),
                    "{} {id}: item without branch",
                    lib.id
                );
            }
        }
        let share = with_items as f64 / records.len() as f64;
        assert!(
            share >= 0.85,
            "{}: items in {with_items} of {} records",
            lib.id,
            records.len()
        );
    }
}

#[test]
fn the_overlap_the_examples_rely_on_is_there() {
    let net = network();
    assert!(
        (600..=1200).contains(&net.manifestations),
        "{} manifestations",
        net.manifestations
    );
    let once = net.holders.get(&1).copied().unwrap_or(0);
    assert!(once * 10 >= net.manifestations * 4, "long tail: {once}");
    let wide: usize = net
        .holders
        .iter()
        .filter(|(k, _)| **k >= 4)
        .map(|(_, n)| n)
        .sum();
    assert!(
        wide >= 40,
        "{wide} manifestations held by 4 libraries or more"
    );
    // examples.md: Programming the Perl DBI, ISBN 9781565926998, in every
    // lending library — in two of them through their own records.
    let holders: Vec<&str> = net
        .libraries
        .iter()
        .filter(|lib| {
            lib.records.iter().any(|r| {
                BibRecord::from_marc(&r.record)
                    .isbn_list()
                    .any(|i| i.to_string() == "9781565926998")
            })
        })
        .map(|lib| lib.id)
        .collect();
    assert_eq!(holders, ["rideau", "ovrl", "bytown", "tic", "nvpl"]);
    let examples = fs::read_to_string(committed().join("examples.md")).expect("examples.md");
    assert!(examples.contains("9781565926998"));
    assert!(examples.contains("author:tolkien"));
}

/// The MARC-8 writer, on its own: directory lengths count bytes.
#[test]
fn marc8_records_count_bytes() {
    let mut record = Record::new();
    record.push_control(unicat_marc::Tag::parse("001").unwrap(), "x1");
    record.push_data(
        unicat_marc::Tag::parse("245").unwrap(),
        unicat_marc::Indicators::new('1', '0'),
        vec![unicat_marc::Subfield::new('a', "Москва, Ærø, 人")],
    );
    let mut out = Vec::new();
    let subs = demo::write_marc8_record(&record, &mut out).expect("writes");
    assert!(subs.is_empty());
    assert_eq!(&out[..5], format!("{:05}", out.len()).as_bytes());
    let back = Reader::new(&out[..], Format::Iso2709)
        .next()
        .expect("one record")
        .expect("reads");
    assert_eq!(fields(&back), fields(&record));
    record.push_data(
        unicat_marc::Tag::parse("500").unwrap(),
        unicat_marc::Indicators::new(' ', ' '),
        vec![unicat_marc::Subfield::new('a', "a — b")],
    );
    let with_dash = demo::write_marc8_record(&record, &mut Vec::new()).expect("writes");
    assert_eq!(with_dash.len(), 1);
}

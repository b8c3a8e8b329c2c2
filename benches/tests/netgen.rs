//! The labelled network generator, end to end: the same seed gives the same
//! bytes; the truth and the exports agree; every record reads back; copies
//! keep what identifies their manifestation; siblings differ from their
//! original in the intended field; and the committed network in
//! `fixtures/labelled/` is what the generator makes today.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use unicat_benches::netgen::{self, Config, Variant};
use unicat_bib::{BibRecord, HoldingsMapping, MaterialFormat};
use unicat_marc::{Format, Reader, Record};

/// The seed of the committed network in `fixtures/labelled/`.
const FIXTURE_SEED: u64 = 7;

fn generate_small(out: &Path, seed: u64) -> netgen::Summary {
    let mut config = Config::small(out.to_path_buf(), seed).expect("fixtures are listed");
    config.command_line = format!("netgen --small --seed {seed} --out fixtures/labelled");
    netgen::generate(&config).expect("the small network generates")
}

struct Library {
    id: String,
    holdings: String,
    format: Format,
    lending: bool,
}

struct Truth {
    library: String,
    record_id: String,
    manifestation: String,
    source: String,
    variant: Variant,
}

struct Network {
    libraries: Vec<Library>,
    truth: Vec<Truth>,
    /// (library, record id) → record.
    records: HashMap<(String, String), Record>,
    /// Records per library file, in file order.
    counts: BTreeMap<String, usize>,
}

impl Network {
    fn record(&self, t: &Truth) -> &Record {
        &self.records[&(t.library.clone(), t.record_id.clone())]
    }

    fn by_manifestation(&self) -> BTreeMap<&str, Vec<&Truth>> {
        let mut m: BTreeMap<&str, Vec<&Truth>> = BTreeMap::new();
        for t in &self.truth {
            m.entry(t.manifestation.as_str()).or_default().push(t);
        }
        m
    }
}

/// Part numbers folded: `BibRecord` keeps a period after a one-character
/// word (`Part 1.`, as after an initial), so ISBD-punctuated and stripped
/// copies differ there.
fn parts(b: &BibRecord) -> Vec<String> {
    b.part_numbers
        .iter()
        .map(|p| unicat_bib::fold::fold(p))
        .collect()
}

/// Reads a generated network, failing on any unreadable record.
fn load(dir: &Path) -> Network {
    let toml_text = fs::read_to_string(dir.join("network.toml")).expect("network.toml");
    let config: toml::Table = toml::from_str(&toml_text).expect("network.toml is TOML");
    assert_eq!(config["index_dir"].as_str(), Some("index"));
    let mut libraries = Vec::new();
    let mut records = HashMap::new();
    let mut counts = BTreeMap::new();
    // The network must be one Unicat accepts: validate it with the real
    // configuration loader, then read each library's export.
    let network =
        unicat_config::Network::load(&dir.join("network.toml")).expect("network.toml validates");
    for (lib, configured) in config["library"]
        .as_array()
        .expect("[[library]]")
        .iter()
        .zip(&network.libraries)
    {
        let id = configured.id.to_string();
        assert!(lib["holdings"].as_str().is_some());
        assert_eq!(lib["id_field"].as_str(), Some("001"));
        let unicat_config::Source::File {
            path,
            format: Some(format),
            ..
        } = &configured.source
        else {
            panic!("{id}: a file source with a format");
        };
        let format = *format;
        let holdings = lib["holdings"].as_str().expect("holdings").to_string();
        HoldingsMapping::preset(&holdings).expect("a unicat-bib preset");
        assert!(
            lib["opac_url"]
                .as_str()
                .is_some_and(|u| u.contains(&id) && u.ends_with("{id}"))
        );
        assert!(lib["lat"].as_float().is_some() && lib["lon"].as_float().is_some());
        let path = path.clone();
        let file = fs::File::open(&path).expect("library export exists");
        let mut n = 0;
        for item in Reader::new(std::io::BufReader::new(file), format) {
            let record = item.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let record_id = record
                .control_number()
                .expect("every record has a 001")
                .to_string();
            assert!(
                records
                    .insert((id.clone(), record_id.clone()), record)
                    .is_none(),
                "record id {record_id} repeats in {id}"
            );
            n += 1;
        }
        counts.insert(id.clone(), n);
        libraries.push(Library {
            id,
            holdings,
            format,
            lending: lib["lending"].as_bool().expect("lending"),
        });
    }
    let truth = fs::read_to_string(dir.join("truth.jsonl"))
        .expect("truth.jsonl")
        .lines()
        .map(|line| {
            let v: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(line).expect("a JSON object per line");
            let keys: Vec<&str> = v.keys().map(String::as_str).collect();
            assert_eq!(
                keys,
                ["library", "record_id", "manifestation", "source", "variant"]
            );
            let s = |k: &str| v[k].as_str().expect("strings").to_string();
            Truth {
                library: s("library"),
                record_id: s("record_id"),
                manifestation: s("manifestation"),
                source: s("source"),
                variant: Variant::from_name(&s("variant")).expect("a known variant"),
            }
        })
        .collect();
    Network {
        libraries,
        truth,
        records,
        counts,
    }
}

/// The small network for seed 7, generated once per test run.
fn network() -> &'static Network {
    static NET: OnceLock<Network> = OnceLock::new();
    NET.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("netgen-small-7");
        let _ = fs::remove_dir_all(&dir);
        generate_small(&dir, FIXTURE_SEED);
        load(&dir)
    })
}

fn files_under(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).expect("readable dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).expect("under dir").to_path_buf();
                out.insert(rel, fs::read(&path).expect("readable file"));
            }
        }
    }
    out
}

#[test]
fn the_same_seed_gives_the_same_bytes() {
    let a = tempfile::tempdir().expect("tempdir");
    let b = tempfile::tempdir().expect("tempdir");
    let c = tempfile::tempdir().expect("tempdir");
    let started = std::time::Instant::now();
    let summary = generate_small(a.path(), 3);
    let took = started.elapsed();
    generate_small(b.path(), 3);
    generate_small(c.path(), 4);
    let (fa, fb, fc) = (
        files_under(a.path()),
        files_under(b.path()),
        files_under(c.path()),
    );
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (path, bytes) in &fa {
        assert!(
            &fb[path] == bytes,
            "{} differs between two runs",
            path.display()
        );
    }
    assert_ne!(fa[Path::new("truth.jsonl")], fc[Path::new("truth.jsonl")]);
    // About 300 originals and 1,000 library records over six libraries.
    assert_eq!(summary.pool.selected, 300);
    assert!(
        (700..=1200).contains(&summary.records),
        "{}",
        summary.records
    );
    assert!(
        (320..=420).contains(&summary.manifestations),
        "{}",
        summary.manifestations
    );
    eprintln!("small network generated in {took:?} (debug build)");
}

#[test]
fn truth_and_exports_agree() {
    let net = network();
    assert_eq!(net.libraries.len(), 6);
    check_truth_and_exports(net);
}

fn check_truth_and_exports(net: &Network) {
    assert_eq!(net.libraries.iter().filter(|l| !l.lending).count(), 1);
    let formats: BTreeSet<&str> = net.libraries.iter().map(|l| l.format.name()).collect();
    assert_eq!(formats.len(), 3);
    let presets: BTreeSet<&str> = net.libraries.iter().map(|l| l.holdings.as_str()).collect();
    assert_eq!(presets.len(), 4);
    // One truth line per record, each naming a record that exists.
    assert_eq!(net.truth.len(), net.records.len());
    let mut seen = BTreeSet::new();
    for t in &net.truth {
        assert!(
            net.records
                .contains_key(&(t.library.clone(), t.record_id.clone())),
            "{} {} is in the truth but not in the export",
            t.library,
            t.record_id
        );
        assert!(seen.insert((&t.library, &t.record_id)));
    }
    let per_library: BTreeMap<String, usize> =
        net.truth.iter().fold(BTreeMap::new(), |mut m, t| {
            *m.entry(t.library.clone()).or_default() += 1;
            m
        });
    assert_eq!(per_library, net.counts);
    // A manifestation is one variant, from one source, held once per library.
    for (m, members) in net.by_manifestation() {
        let variants: BTreeSet<Variant> = members.iter().map(|t| t.variant).collect();
        let sources: BTreeSet<&str> = members.iter().map(|t| t.source.as_str()).collect();
        let libraries: BTreeSet<&str> = members.iter().map(|t| t.library.as_str()).collect();
        assert_eq!(variants.len(), 1, "{m}");
        assert_eq!(sources.len(), 1, "{m}");
        assert_eq!(
            libraries.len(),
            members.len(),
            "{m} held twice by a library"
        );
    }
    // Every variant occurs.
    let variants: BTreeSet<Variant> = net.truth.iter().map(|t| t.variant).collect();
    assert_eq!(variants.len(), Variant::ALL.len());
}

#[test]
fn every_record_has_items_in_its_library_preset() {
    check_items(network());
}

fn check_items(net: &Network) {
    for lib in &net.libraries {
        let mapping = HoldingsMapping::preset(&lib.holdings).expect("preset");
        for ((library, id), record) in &net.records {
            if *library != lib.id {
                continue;
            }
            let items = mapping.extract(record);
            assert!(
                (1..=3).contains(&items.len()),
                "{library} {id}: {} items",
                items.len()
            );
            assert!(
                items
                    .iter()
                    .all(|i| i.branch.is_some() && i.availability.is_some())
            );
        }
    }
}

#[test]
fn copies_keep_what_identifies_their_manifestation() {
    check_copies(network());
}

fn check_copies(net: &Network) {
    for (m, members) in net.by_manifestation() {
        let bibs: Vec<BibRecord> = members
            .iter()
            .map(|t| BibRecord::from_marc(net.record(t)))
            .collect();
        let first = &bibs[0];
        for (t, b) in members.iter().zip(&bibs) {
            let at = format!("{m} {} {}", t.library, t.record_id);
            assert_eq!(b.year, first.year, "{at}: year");
            assert_eq!(b.extent.pages, first.extent.pages, "{at}: pages");
            assert_eq!(b.format, first.format, "{at}: format");
            assert_eq!(b.author_key, first.author_key, "{at}: author");
            assert_eq!(parts(b), parts(first), "{at}: part");
        }
        // Identifiers: absent from some copies, never different.
        let isbn_sets: BTreeSet<Vec<String>> = bibs
            .iter()
            .map(|b| {
                let mut v: Vec<String> = b.isbn_list().map(|i| i.to_string()).collect();
                v.sort();
                v.dedup();
                v
            })
            .filter(|v| !v.is_empty())
            .collect();
        assert!(
            isbn_sets.len() <= 1,
            "{m}: ISBNs differ between copies: {isbn_sets:?}"
        );
        let oclc: BTreeSet<u64> = bibs
            .iter()
            .flat_map(|b| b.oclc_numbers.iter().map(|n| n.value()))
            .collect();
        assert!(oclc.len() <= 1, "{m}: OCLC numbers differ: {oclc:?}");
    }
}

#[test]
fn identifiers_never_join_what_came_from_different_records() {
    check_identifiers(network());
}

fn check_identifiers(net: &Network) {
    let mut by_oclc: BTreeMap<u64, BTreeSet<&str>> = BTreeMap::new();
    let mut by_isbn: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for t in &net.truth {
        let b = BibRecord::from_marc(net.record(t));
        for n in &b.oclc_numbers {
            by_oclc
                .entry(n.value())
                .or_default()
                .insert(t.manifestation.as_str());
        }
        for i in b.isbn_list() {
            by_isbn
                .entry(i.to_string())
                .or_default()
                .insert(t.source.as_str());
        }
    }
    // An OCLC number is one manifestation's; siblings never inherit one.
    for (n, ms) in &by_oclc {
        assert_eq!(ms.len(), 1, "OCLC {n} on {ms:?}");
    }
    // An ISBN may be shared by design only between an original and its own
    // siblings (e-book, careless large print, set ISBN), never across sources.
    for (isbn, sources) in &by_isbn {
        assert_eq!(sources.len(), 1, "ISBN {isbn} on {sources:?}");
    }
    assert!(by_oclc.len() > 50, "OCLC numbers are exercised");
}

#[test]
fn siblings_differ_from_their_original_in_the_intended_field() {
    check_siblings(network());
}

fn check_siblings(net: &Network) {
    let mut by_source: BTreeMap<&str, Vec<&Truth>> = BTreeMap::new();
    for t in &net.truth {
        by_source.entry(t.source.as_str()).or_default().push(t);
    }
    let mut checked: BTreeMap<Variant, usize> = BTreeMap::new();
    for (source, members) in by_source {
        let originals: Vec<&&Truth> = members
            .iter()
            .filter(|t| t.variant == Variant::Copy)
            .collect();
        let Some(original) = originals.first() else {
            panic!("{source}: siblings without their original");
        };
        let orig_bib = BibRecord::from_marc(net.record(original));
        let orig_isbns: BTreeSet<String> = originals
            .iter()
            .flat_map(|t| {
                BibRecord::from_marc(net.record(t))
                    .isbn_list()
                    .map(|i| i.to_string())
                    .collect::<Vec<_>>()
            })
            .collect();
        for t in members.iter().filter(|t| t.variant != Variant::Copy) {
            let record = net.record(t);
            let b = BibRecord::from_marc(record);
            let at = format!("{source} {:?} {} {}", t.variant, t.library, t.record_id);
            assert_ne!(t.manifestation, original.manifestation);
            assert_eq!(b.author_key, orig_bib.author_key, "{at}: same authors");
            match t.variant {
                Variant::Copy => unreachable!(),
                Variant::Edition => {
                    assert!(b.year > orig_bib.year, "{at}: a later year");
                    assert!(
                        b.edition.is_some() && b.edition != orig_bib.edition,
                        "{at}: 250"
                    );
                    let isbns: BTreeSet<String> = b.isbn_list().map(|i| i.to_string()).collect();
                    assert!(isbns.is_disjoint(&orig_isbns), "{at}: its own ISBN");
                }
                Variant::LargePrint => {
                    assert_eq!(b.format, MaterialFormat::LargePrint, "{at}");
                    assert_ne!(orig_bib.format, MaterialFormat::LargePrint, "{at}");
                }
                Variant::Audiobook => {
                    assert_eq!(record.leader.record_type(), b'i', "{at}");
                    assert_eq!(b.format, MaterialFormat::Audiobook, "{at}");
                }
                Variant::Ebook => {
                    assert_eq!(b.format, MaterialFormat::Ebook, "{at}");
                    if !orig_isbns.is_empty() {
                        assert!(
                            b.isbn_list().all(|i| orig_isbns.contains(&i.to_string())),
                            "{at}: the print ISBN"
                        );
                    }
                }
                Variant::Volume => {
                    assert!(!b.part_numbers.is_empty(), "{at}: 245 $n");
                    assert_ne!(parts(&b), parts(&orig_bib), "{at}: another volume");
                    assert!(!b.series_numbers.is_empty(), "{at}: 490 $v");
                }
            }
            *checked.entry(t.variant).or_default() += 1;
        }
    }
    assert_eq!(checked.len(), 5, "every sibling kind occurs: {checked:?}");
}

#[test]
fn the_committed_network_is_current() {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/labelled");
    let fresh = network();
    let old = load(&committed);
    let hint = "fixtures/labelled is stale: regenerate it with \
                `cargo run -p unicat-benches --bin netgen -- --small --seed 7 --out fixtures/labelled`";
    let fresh_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("netgen-small-7");
    for name in ["truth.jsonl", "network.toml"] {
        assert!(
            fs::read(committed.join(name)).ok() == fs::read(fresh_dir.join(name)).ok(),
            "{name} differs; {hint}"
        );
    }
    // Records compared as records, so that a change in a writer's layout
    // alone does not make the fixture stale.
    assert_eq!(old.records.len(), fresh.records.len(), "{hint}");
    for (key, record) in &fresh.records {
        assert!(
            old.records.get(key) == Some(record),
            "{key:?} differs; {hint}"
        );
    }
}

/// The same checks on any generated network, e.g. the benchmark one:
/// `NETGEN_NETWORK=benches/data/net500k cargo test --release -p unicat-benches --test netgen -- --ignored`
#[test]
#[ignore = "needs a generated network in NETGEN_NETWORK"]
fn a_network_given_in_the_environment_passes_every_check() {
    let dir = std::env::var_os("NETGEN_NETWORK").expect("set NETGEN_NETWORK to a network folder");
    let net = load(Path::new(&dir));
    check_truth_and_exports(&net);
    check_items(&net);
    check_copies(&net);
    check_identifiers(&net);
    check_siblings(&net);
    eprintln!(
        "{} records in {} libraries pass",
        net.records.len(),
        net.libraries.len()
    );
}

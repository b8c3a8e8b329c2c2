//! Harvest integration tests against real peers on 127.0.0.1: the OAI-PMH
//! provider of `tests/peers/` (PyPI oaipmh 4.0 with our MARCXML backend)
//! and a static HTTP server; plus files that are truncated, not MARC, or
//! replaced by garbage after a good harvest.

mod backup;
mod clustering;
mod folio;
mod holdings;
mod peers;
mod works;

pub use peers::root;
use peers::{FileServer, OaiServer};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use unicat_harvest::{HarvestOptions, LibraryReport, NetworkReport, Observer, Outcome};
use unicat_marc::{Field, Format, Leader, Record, Tag};
use unicat_store::Store;

pub struct Quiet;
impl Observer for Quiet {
    fn started(&self, _: &str, _: Option<u64>) {}
    fn progress(&self, _: &str, _: u64, _: u64) {}
    fn note(&self, _: &str, _: &str) {}
    fn finished(&self, _: &LibraryReport) {}
}

pub fn harvest_with(config: &Path, libraries: &[&str], full: bool) -> NetworkReport {
    let network = Arc::new(unicat_config::Network::load(config).expect("config"));
    let store = Arc::new(Store::open(&network.index_dir).expect("store"));
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let options = HarvestOptions {
        libraries: libraries.iter().map(|s| s.to_string()).collect(),
        full,
    };
    runtime
        .block_on(unicat_harvest::harvest(
            network,
            store,
            options,
            Arc::new(Quiet),
        ))
        .expect("harvest runs")
}

fn harvest(config: &Path) -> NetworkReport {
    harvest_with(config, &[], false)
}

fn lib<'r>(report: &'r NetworkReport, id: &str) -> &'r LibraryReport {
    report
        .libraries
        .iter()
        .find(|l| l.library == id)
        .expect("library in report")
}

fn store_ids(dir: &Path, library: &str) -> Vec<String> {
    let store = Store::open(&dir.join("index")).unwrap();
    let mut ids = Vec::new();
    store
        .for_each_encoded(library, |id, _| {
            ids.push(id.to_string());
            Ok(())
        })
        .unwrap();
    ids
}

fn write_config(dir: &Path, libraries: &str) -> PathBuf {
    let path = dir.join("network.toml");
    let text = format!(
        "index_dir = \"index\"\n[harvest]\nretries = 3\nretry_base_ms = 20\nread_timeout_secs = 2\nconnect_timeout_secs = 2\n\n{libraries}"
    );
    std::fs::write(&path, text).unwrap();
    path
}

fn fixture(path: &str) -> PathBuf {
    root().join("fixtures/data").join(path)
}

/// Real records (Evergreen's concerto set) to serve.
fn sample_records(n: usize) -> Vec<Record> {
    let mut out = Vec::new();
    for f in ["bibs_fic.xml", "bibs_rda.xml", "bibs_fre.xml"] {
        let bytes = std::fs::read(fixture(&format!("evergreen/concerto_marcxml/{f}"))).unwrap();
        out.extend(unicat_marc::Reader::new(&bytes[..], Format::MarcXml).filter_map(Result::ok));
    }
    out.truncate(n);
    assert_eq!(out.len(), n);
    out
}

/// yyyymmddhhmmss.0 for a time `offset` seconds from now (UTC).
fn stamp(offset: i64) -> String {
    let secs = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        + offset;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}{m:02}{d:02}{:02}{:02}{:02}.0",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

fn set_control(r: &mut Record, tag: &str, value: &str) {
    let t = Tag::parse(tag).unwrap();
    r.fields.retain(|f| f.tag() != t);
    let at = r
        .fields
        .iter()
        .position(|f| f.tag() > t)
        .unwrap_or(r.fields.len());
    r.fields.insert(
        at,
        Field::Control {
            tag: t,
            value: value.to_string(),
        },
    );
}

fn write_record(path: &Path, r: &Record) {
    let mut w = unicat_marc::xml::Writer::new(Vec::new());
    w.write(r).unwrap();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, w.finish().unwrap()).unwrap();
}

/// A provider folder: r0..r9 at the root, r10..r14 in the set `books`.
fn provider_folder(dir: &Path) -> Vec<Record> {
    let mut records = sample_records(15);
    for (i, r) in records.iter_mut().enumerate() {
        set_control(r, "001", &format!("r{i}"));
        set_control(r, "005", "20260101120000.0");
        let sub = if i >= 10 { "books/" } else { "" };
        write_record(&dir.join(format!("{sub}r{i}.xml")), r);
    }
    records
}

fn oai_library(id: &str, url: &str, extra: &str) -> String {
    format!(
        "[[library]]\nid = \"{id}\"\nname = \"{id}\"\n[library.source]\nkind = \"oai-pmh\"\nurl = \"{url}\"\n{extra}\n"
    )
}

fn file_library(id: &str, path: &Path) -> String {
    format!(
        "[[library]]\nid = \"{id}\"\nname = \"{id}\"\n[library.source]\nkind = \"file\"\npath = \"{}\"\n",
        path.display()
    )
}

#[test]
fn oai_full_then_incremental_through_503s_and_tokens() {
    let work = tempfile::tempdir().unwrap();
    let folder = work.path().join("provider");
    let mut records = provider_folder(&folder);
    // Small pages, tokens with '+' and '/', a 503 with Retry-After on every
    // third request: the harvest must encode tokens and wait the 503s out.
    let server = OaiServer::start(&folder, &["--batch-size", "4", "--fail-every", "3"]);
    let config = write_config(work.path(), &oai_library("oai", &server.url, ""));

    let first = harvest(&config);
    let r = lib(&first, "oai");
    assert_eq!(r.outcome, Outcome::Harvested, "{r:?}");
    assert!(!r.incremental);
    assert_eq!(r.read, 15);
    assert_eq!(r.changes.added.len(), 15);
    assert!(
        r.requests >= 5,
        "Identify + 4 pages, plus retries: {}",
        r.requests
    );
    assert_eq!(store_ids(work.path(), "oai").len(), 15);

    // At the provider: r3 changes, r5 is deleted, r99 is new; the rest stay.
    let later = stamp(60);
    records[3].fields.push(Field::Data(unicat_marc::DataField {
        tag: Tag::parse("500").unwrap(),
        indicators: unicat_marc::Indicators::BLANK,
        subfields: vec![unicat_marc::Subfield::new(
            'a',
            "A note added after the first harvest.",
        )],
    }));
    set_control(&mut records[3], "005", &later);
    write_record(&folder.join("r3.xml"), &records[3]);
    let mut deleted = records[5].clone();
    deleted.leader.set(5, b'd');
    set_control(&mut deleted, "005", &later);
    write_record(&folder.join("r5.xml"), &deleted);
    let mut new = records[6].clone();
    set_control(&mut new, "001", "r99");
    set_control(&mut new, "005", &later);
    write_record(&folder.join("r99.xml"), &new);

    let second = harvest(&config);
    let r = lib(&second, "oai");
    assert_eq!(r.outcome, Outcome::Harvested, "{r:?}");
    assert!(r.incremental, "the second harvest must use from=");
    assert_eq!(r.changes.added, vec!["r99"]);
    assert_eq!(r.changes.updated, vec!["r3"]);
    assert_eq!(r.changes.deleted, vec!["r5"]);
    let mut ids = store_ids(work.path(), "oai");
    ids.sort();
    let mut want: Vec<String> = (0..15)
        .filter(|i| *i != 5)
        .map(|i| format!("r{i}"))
        .chain(["r99".to_string()])
        .collect();
    want.sort();
    assert_eq!(ids, want);
    let store = Store::open(&work.path().join("index")).unwrap();
    let r3 = store.record("oai", "r3").unwrap().unwrap();
    assert!(
        r3.bib
            .notes
            .iter()
            .any(|n| n.contains("added after the first harvest"))
    );
}

#[test]
fn an_incremental_harvest_that_finds_nothing_costs_one_request() {
    let work = tempfile::tempdir().unwrap();
    let folder = work.path().join("provider");
    provider_folder(&folder);
    let server = OaiServer::start(&folder, &["--batch-size", "100", "--prefix-style", "marc"]);
    let config = write_config(work.path(), &oai_library("oai", &server.url, ""));
    let first = harvest(&config);
    assert_eq!(
        lib(&first, "oai").read,
        15,
        "the marc: prefix style reads too"
    );
    // The responseDate has seconds granularity: make sure the next second
    // has begun, so `from` is not the same second as any datestamp.
    std::thread::sleep(Duration::from_millis(1100));
    let again = harvest(&config);
    let r = lib(&again, "oai");
    assert_eq!(r.outcome, Outcome::Unchanged, "{r:?}");
    assert_eq!(r.requests, 1);
    assert_eq!(store_ids(work.path(), "oai").len(), 15);
}

#[test]
fn a_set_restricts_the_harvest() {
    let work = tempfile::tempdir().unwrap();
    let folder = work.path().join("provider");
    provider_folder(&folder);
    let server = OaiServer::start(&folder, &[]);
    let config = write_config(
        work.path(),
        &oai_library("books", &server.url, "set = \"books\""),
    );
    let report = harvest(&config);
    assert_eq!(lib(&report, "books").read, 5);
    let mut ids = store_ids(work.path(), "books");
    ids.sort();
    assert_eq!(ids, vec!["r10", "r11", "r12", "r13", "r14"]);
}

#[test]
fn a_stalled_server_times_out_retries_and_fails_only_its_library() {
    let work = tempfile::tempdir().unwrap();
    let folder = work.path().join("provider");
    provider_folder(&folder);
    // Answers Identify, then never answers again.
    let server = OaiServer::start(&folder, &["--stall-after", "1"]);
    let libraries = oai_library("stalled", &server.url, "")
        + &file_library("good", &fixture("evergreen/map_data.mrc"));
    let config = write_config(work.path(), &libraries);
    let std_config = std::fs::read_to_string(&config)
        .unwrap()
        .replace("retries = 3", "retries = 1");
    std::fs::write(&config, std_config).unwrap();
    let report = harvest(&config);
    let stalled = lib(&report, "stalled");
    match &stalled.outcome {
        Outcome::Failed(why) => assert!(
            why.contains("timed out") && why.contains("gave up after 2 attempts"),
            "{why}"
        ),
        other => panic!("expected a failure, got {other}"),
    }
    assert_eq!(stalled.requests, 3, "Identify, then the list and one retry");
    assert_eq!(lib(&report, "good").outcome, Outcome::Harvested);
    assert_eq!(lib(&report, "good").read, 3);
    assert!(report.any_failed());
    // The failure is recorded; nothing was committed.
    let store = Store::open(&work.path().join("index")).unwrap();
    assert_eq!(store.count("stalled").unwrap(), 0);
    assert!(
        store
            .harvest_state("stalled")
            .unwrap()
            .unwrap()
            .last_error
            .unwrap()
            .contains("timed out")
    );
}

#[test]
fn a_provider_dying_mid_list_leaves_the_previous_records() {
    let work = tempfile::tempdir().unwrap();
    let folder = work.path().join("provider");
    provider_folder(&folder);
    let good = OaiServer::start(&folder, &["--batch-size", "4"]);
    let config = write_config(work.path(), &oai_library("oai", &good.url, ""));
    assert_eq!(lib(&harvest(&config), "oai").read, 15);
    drop(good);
    // Identify, two pages, then the process exits.
    let dying = OaiServer::start(&folder, &["--batch-size", "4", "--die-after", "3"]);
    let config = write_config(work.path(), &oai_library("oai", &dying.url, ""));
    let report = harvest_with(&config, &[], true);
    assert!(
        lib(&report, "oai").is_failure(),
        "{:?}",
        lib(&report, "oai").outcome
    );
    assert_eq!(
        store_ids(work.path(), "oai").len(),
        15,
        "the previous records survive"
    );
}

#[test]
fn bad_files_404s_and_failures_after_a_good_harvest() {
    let work = tempfile::tempdir().unwrap();
    // A file truncated mid-record: the records before the cut load, the cut
    // one is reported.
    let jazz = std::fs::read(fixture("evergreen/jazz_1k.mrc")).unwrap();
    let truncated = work.path().join("truncated.mrc");
    std::fs::write(&truncated, &jazz[..jazz.len() / 2]).unwrap();
    let not_marc = work.path().join("notes.txt");
    std::fs::write(
        &not_marc,
        "These are the branch opening hours, not MARC records.\n",
    )
    .unwrap();
    let replaced = work.path().join("export.mrc");
    std::fs::copy(fixture("evergreen/map_data.mrc"), &replaced).unwrap();
    let folder = work.path().join("provider");
    provider_folder(&folder);
    let server = OaiServer::start(&folder, &[]);
    let libraries = [
        file_library("truncated", &truncated),
        file_library("notmarc", &not_marc),
        file_library("replaced", &replaced),
        format!("[[library]]\nid = \"missing\"\nname = \"missing\"\n[library.source]\nkind = \"http\"\nurl = \"{}\"\n", server.missing_url()),
    ]
    .concat();
    let config = write_config(work.path(), &libraries);
    let report = harvest(&config);

    let t = lib(&report, "truncated");
    assert_eq!(t.outcome, Outcome::Harvested);
    assert!(t.read > 400, "{}", t.read);
    assert_eq!(
        t.problems_total,
        1 + t
            .problems
            .iter()
            .filter(|p| p.reason.contains("no record id"))
            .count() as u64
    );
    assert!(
        t.problems
            .iter()
            .any(|p| p.reason.contains("truncated record")),
        "{:?}",
        t.problems
    );

    match &lib(&report, "notmarc").outcome {
        Outcome::Failed(why) => assert!(why.contains("not MARC"), "{why}"),
        other => panic!("{other}"),
    }
    match &lib(&report, "missing").outcome {
        Outcome::Failed(why) => assert!(why.contains("404"), "{why}"),
        other => panic!("{other}"),
    }
    assert_eq!(lib(&report, "replaced").read, 3);
    // The export is replaced by garbage: the harvest fails and the three
    // records from before stay.
    std::fs::write(&replaced, b"<html><body>502 Bad Gateway</body></html>").unwrap();
    let again = harvest_with(&config, &["replaced"], false);
    assert!(lib(&again, "replaced").is_failure());
    assert_eq!(store_ids(work.path(), "replaced").len(), 3);
    // Bad report files name the records.
    let text = std::fs::read_to_string(work.path().join("index/reports/truncated.txt")).unwrap();
    assert!(text.contains("truncated record"), "{text}");
}

/// A gzip export whose compressed stream breaks partway (a read error, not
/// a bad record), after more than one batch of records has gone through
/// the pipeline: that library fails with its file named, its records from
/// the last good harvest stay, and the other library still loads.
#[test]
fn a_read_error_partway_through_a_file_fails_only_that_library() {
    use std::io::Write;
    let work = tempfile::tempdir().unwrap();
    let jazz = std::fs::read(fixture("evergreen/jazz_1k.mrc")).unwrap();
    let records: Vec<Record> = unicat_marc::Reader::new(&jazz[..], Format::Iso2709)
        .filter_map(Result::ok)
        .collect();
    // Three copies, each record with an id of its own.
    let mut body = Vec::new();
    for copy in 0..3 {
        for (i, r) in records.iter().enumerate() {
            let mut r = r.clone();
            set_control(&mut r, "001", &format!("c{copy}-{i}"));
            unicat_marc::iso2709::write_record(&r, &mut body).unwrap();
        }
    }
    let gz = {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(&body).unwrap();
        e.finish().unwrap()
    };
    let export = work.path().join("export.mrc.gz");
    std::fs::write(&export, &gz).unwrap();
    let other = work.path().join("other.mrc");
    std::fs::copy(fixture("evergreen/map_data.mrc"), &other).unwrap();
    let config = write_config(
        work.path(),
        &[file_library("gz", &export), file_library("other", &other)].concat(),
    );
    let first = harvest(&config);
    assert_eq!(lib(&first, "gz").outcome, Outcome::Harvested);
    let held = store_ids(work.path(), "gz").len();
    assert_eq!(held, records.len() * 3);
    assert!(held > 2048, "more than one batch: {held}");

    // Two thirds in, the compressed stream is damaged.
    let mut broken = gz.clone();
    let at = broken.len() * 2 / 3;
    for b in &mut broken[at..at + 64] {
        *b = !*b;
    }
    std::fs::write(&export, &broken).unwrap();
    let again = harvest(&config);
    match &lib(&again, "gz").outcome {
        Outcome::Failed(why) => {
            assert!(
                why.contains("cannot read") && why.contains("export.mrc.gz"),
                "{why}"
            )
        }
        other => panic!("{other}"),
    }
    assert_eq!(store_ids(work.path(), "gz").len(), held);
    assert!(!lib(&again, "other").is_failure());
    assert_eq!(store_ids(work.path(), "other").len(), 3);
}

#[test]
fn http_exports_are_fetched_once_and_not_again_when_unchanged() {
    let work = tempfile::tempdir().unwrap();
    let body = std::fs::read(fixture("evergreen/map_data.mrc")).unwrap();
    let gz = {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(&body).unwrap();
        e.finish().unwrap()
    };
    let server = FileServer::start(gz);
    let config = write_config(
        work.path(),
        &format!(
            "[[library]]\nid = \"web\"\nname = \"web\"\n[library.source]\nkind = \"http\"\nurl = \"{}\"\n",
            server.url
        ),
    );
    let first = harvest(&config);
    assert_eq!(
        lib(&first, "web").read,
        3,
        "{:?}",
        lib(&first, "web").outcome
    );
    let second = harvest(&config);
    assert_eq!(lib(&second, "web").outcome, Outcome::Unchanged);
    assert_eq!(server.requests.load(std::sync::atomic::Ordering::SeqCst), 2);
    assert_eq!(store_ids(work.path(), "web").len(), 3);
}

/// A nightly harvest of a file export that has not changed does not read
/// it: not when its size and modification time are the same, nor when an
/// export job wrote the same bytes again (a new modification time, the
/// same content hash). A changed record is picked up; `--full` reads
/// anyway; other settings for the library read it again.
#[test]
fn unchanged_file_exports_are_not_read_again() {
    let work = tempfile::tempdir().unwrap();
    let export = work.path().join("export.mrc");
    let jazz = std::fs::read(fixture("evergreen/jazz_1k.mrc")).unwrap();
    std::fs::write(&export, &jazz).unwrap();
    let config = write_config(work.path(), &file_library("jazz", &export));
    let first = harvest(&config);
    let held = lib(&first, "jazz").read;
    assert!(held > 100, "{held}");
    assert_eq!(lib(&first, "jazz").outcome, Outcome::Harvested);

    let second = harvest(&config);
    let r = lib(&second, "jazz");
    assert_eq!(r.outcome, Outcome::Unchanged, "{r:?}");
    assert_eq!((r.read, r.bytes), (0, 0), "not read");
    assert!(r.changes.is_empty());

    // The same bytes written again, a second later by the clock.
    let later = SystemTime::now() + Duration::from_secs(2);
    std::fs::write(&export, &jazz).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&export)
        .unwrap()
        .set_modified(later)
        .unwrap();
    let third = harvest(&config);
    assert_eq!(lib(&third, "jazz").outcome, Outcome::Unchanged);
    assert_eq!(lib(&third, "jazz").read, 0);

    // One record changed: the export is read, and only that record changed.
    let mut records: Vec<Record> = unicat_marc::Reader::new(&jazz[..], Format::Iso2709)
        .filter_map(Result::ok)
        .collect();
    let id = records[5].control("001").unwrap().trim().to_string();
    records[5].fields.push(Field::Data(unicat_marc::DataField {
        tag: Tag::parse("500").unwrap(),
        indicators: unicat_marc::Indicators::new(' ', ' '),
        subfields: vec![unicat_marc::Subfield::new('a', "Rebound 2026.")],
    }));
    let mut body = Vec::new();
    for r in &records {
        unicat_marc::iso2709::write_record(r, &mut body).unwrap();
    }
    std::fs::write(&export, &body).unwrap();
    let fourth = harvest(&config);
    let r = lib(&fourth, "jazz");
    assert_eq!(r.outcome, Outcome::Harvested);
    assert_eq!(r.read, held);
    assert_eq!(r.changes.updated, vec![id]);
    assert!(r.changes.added.is_empty() && r.changes.deleted.is_empty());

    assert_eq!(lib(&harvest(&config), "jazz").outcome, Outcome::Unchanged);
    // --full reads it whatever the fingerprint says.
    let full = harvest_with(&config, &[], true);
    assert_eq!(lib(&full, "jazz").read, held);
    // Other settings read the same export differently: it is read again.
    let config = write_config(
        work.path(),
        &file_library("jazz", &export).replace(
            "name = \"jazz\"\n",
            "name = \"jazz\"\nholdings = \"sierra\"\n",
        ),
    );
    assert_eq!(lib(&harvest(&config), "jazz").read, held);
    assert_eq!(lib(&harvest(&config), "jazz").outcome, Outcome::Unchanged);
}

/// A harvest that fails leaves the records, and the fingerprint of the
/// export they came from: when the good export comes back, there is
/// nothing to read.
#[test]
fn a_failed_harvest_keeps_the_records_and_the_fingerprint_of_the_last_good_one() {
    let work = tempfile::tempdir().unwrap();
    let export = work.path().join("export.mrc");
    let good = std::fs::read(fixture("evergreen/map_data.mrc")).unwrap();
    std::fs::write(&export, &good).unwrap();
    let config = write_config(work.path(), &file_library("maps", &export));
    assert_eq!(lib(&harvest(&config), "maps").read, 3);
    let before = store_ids(work.path(), "maps");

    std::fs::write(&export, b"<html><body>502 Bad Gateway</body></html>").unwrap();
    let failed = harvest(&config);
    assert!(
        lib(&failed, "maps").is_failure(),
        "{:?}",
        lib(&failed, "maps")
    );
    assert_eq!(store_ids(work.path(), "maps"), before);
    // Failing again does not turn into "unchanged".
    assert!(lib(&harvest(&config), "maps").is_failure());

    std::fs::write(&export, &good).unwrap();
    let back = harvest(&config);
    assert_eq!(lib(&back, "maps").outcome, Outcome::Unchanged);
    assert_eq!(store_ids(work.path(), "maps"), before);
    let store = Store::open(&work.path().join("index")).unwrap();
    let state = store.harvest_state("maps").unwrap().unwrap();
    assert_eq!(state.last_error, None, "the success clears the failure");
}

/// `unicat config check`'s probe on live peers: an OAI-PMH repository and
/// a gzip HTTP export answer with their first record; a 404 fails; nothing
/// is stored.
#[test]
fn probes_read_the_first_record_of_live_sources_and_store_nothing() {
    let work = tempfile::tempdir().unwrap();
    let folder = work.path().join("provider");
    provider_folder(&folder);
    let oai = OaiServer::start(&folder, &[]);
    let body = std::fs::read(fixture("evergreen/map_data.mrc")).unwrap();
    let gz = {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(&body).unwrap();
        e.finish().unwrap()
    };
    let web = FileServer::start(gz);
    let libraries = [
        oai_library("oai", &oai.url, "metadata_prefix = \"marc21\""),
        format!("[[library]]\nid = \"web\"\nname = \"web\"\n[library.source]\nkind = \"http\"\nurl = \"{}\"\n", web.url),
        format!("[[library]]\nid = \"gone\"\nname = \"gone\"\n[library.source]\nkind = \"http\"\nurl = \"{}\"\n", oai.missing_url()),
    ]
    .concat();
    let config = write_config(work.path(), &libraries);
    let network = Arc::new(unicat_config::Network::load(&config).unwrap());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let probes = runtime.block_on(unicat_harvest::probe(network)).unwrap();
    let of = |id: &str| &probes.iter().find(|p| p.library == id).unwrap().outcome;
    let oai_found = of("oai").as_ref().expect("the repository answers");
    assert!(
        oai_found.contains("first page") && oai_found.contains("r0"),
        "{oai_found}"
    );
    let web_found = of("web").as_ref().expect("the export answers");
    assert!(web_found.contains("iso2709"), "{web_found}");
    let gone = of("gone").as_ref().unwrap_err();
    assert!(gone.contains("404"), "{gone}");
    assert!(!work.path().join("index/store.redb").exists());
}

#[test]
fn leaders_and_holdings_survive_the_store() {
    let work = tempfile::tempdir().unwrap();
    let config = write_config(
        work.path(),
        &format!(
            "[[library]]\nid = \"koha\"\nname = \"koha\"\nholdings = \"koha\"\n[library.source]\nkind = \"file\"\npath = \"{}\"\n",
            fixture("koha-sample/export_with_952_DERIVED.marcxml.xml").display()
        ),
    );
    let report = harvest(&config);
    let k = lib(&report, "koha");
    // Record 369 (raw control characters) is read, its delimiters as spaces.
    assert_eq!(k.read, 436);
    assert_eq!(k.problems_total, 0);
    assert_eq!(k.warned, 1, "record 369 with control characters");
    let store = Store::open(&work.path().join("index")).unwrap();
    let mut with_items = 0;
    store
        .for_each_encoded("koha", |_, v| {
            let r = unicat_store::StoredRecord::decode(v).unwrap();
            if !r.items.is_empty() {
                with_items += 1;
            }
            let back: Vec<_> = unicat_marc::Reader::new(&r.marc[..], Format::Iso2709).collect();
            assert!(back[0].is_ok());
            assert_eq!(
                back[0].as_ref().unwrap().leader.record_type(),
                Leader::from_text(&String::from_utf8_lossy(&r.marc[..24])).record_type()
            );
            Ok(())
        })
        .unwrap();
    assert!(with_items > 400, "{with_items}");
}

/// Issue 17: a record with one bad byte in a field is kept, and reported as
/// a warning apart from the skipped records. Real files: ruby-marc's
/// `three-records-second-bad.xml` (a BEL as a subfield code) and Open
/// Library's `upei_short_008.mrc` as labelled-network-b copied it (a raw
/// field terminator in 110), next to a record whose structure is broken.
#[test]
fn records_with_a_bad_byte_are_kept_and_reported_as_warnings() {
    let work = tempfile::tempdir().unwrap();
    let upei = work.path().join("upei.xml");
    std::fs::write(
        &upei,
        "<collection>\
         <record><leader>00767cam a2200157   4500</leader><controlfield tag=\"001\">lib00-0000213</controlfield>\
         <datafield ind1=\" \" ind2=\" \" tag=\"110\"><subfield code=\"a\">(Sirsi) AAY-1602\u{1e}  </subfield><subfield code=\"a\">FC2646.18.C</subfield></datafield>\
         <datafield ind1=\"3\" ind2=\" \" tag=\"245\"><subfield code=\"a\">Charlottetown Area </subfield></datafield></record>\
         <record><leader>00000cam a2200000   4500</leader><controlfield tag=\"001\">good</controlfield>\
         <datafield ind1=\"1\" ind2=\"0\" tag=\"245\"><subfield code=\"a\">A good record</subfield></datafield></record>\
         <record><leader>00000cam a2200000   4500</leader><datafield tag=\"42\" ind1=\" \" ind2=\" \"><subfield code=\"a\">x</subfield></datafield></record>\
         </collection>",
    )
    .unwrap();
    let libraries = [
        file_library("ruby", &fixture("ruby-marc/three-records-second-bad.xml")),
        file_library("upei", &upei),
    ]
    .concat();
    let config = write_config(work.path(), &libraries);
    let report = harvest(&config);

    let ruby = lib(&report, "ruby");
    assert_eq!(
        (ruby.read, ruby.warned, ruby.problems_total),
        (3, 1, 0),
        "{:?}",
        ruby.warnings
    );
    // The three records share their 001: one is held.
    assert_eq!(store_ids(work.path(), "ruby"), ["afc99990058366"]);
    let w = &ruby.warnings[0];
    assert_eq!(w.position.record, 2);
    assert_eq!(w.field, "245");
    assert!(w.reason.contains("left out"), "{w}");

    let upei = lib(&report, "upei");
    assert_eq!((upei.read, upei.warned, upei.problems_total), (2, 1, 1));
    assert_eq!(upei.warnings_total, 1);
    assert_eq!(
        upei.warnings[0].to_string(),
        format!(
            "{}: record 1 (byte 12) (id lib00-0000213): field 110: 1 control character(s) (first U+001E) replaced by a space",
            work.path().join("upei.xml").display()
        )
    );
    assert!(upei.problems[0].reason.contains("bad tag"));
    // The record is stored, with a space for the terminator.
    let store = Store::open(&work.path().join("index")).unwrap();
    let mut title = None;
    store
        .for_each_encoded("upei", |id, v| {
            if id == "lib00-0000213" {
                let r = unicat_store::StoredRecord::decode(v).unwrap();
                let marc = unicat_marc::Reader::new(&r.marc[..], Format::Iso2709)
                    .next()
                    .unwrap()
                    .unwrap();
                title = marc
                    .data_field("110")
                    .and_then(|f| f.first('a'))
                    .map(str::to_string);
            }
            Ok(())
        })
        .unwrap();
    assert_eq!(title.as_deref(), Some("(Sirsi) AAY-1602   "));

    // The report file keeps its lines, and gives warnings apart from bad
    // records.
    let text = std::fs::read_to_string(work.path().join("index/reports/upei.txt")).unwrap();
    assert!(text.contains("records read: 2\n"), "{text}");
    assert!(text.contains("bad records: 1\n"), "{text}");
    assert!(text.contains("records read with warnings: 1\n"), "{text}");
    let bad: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("bad record: "))
        .collect();
    let warned: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("warning: "))
        .collect();
    assert_eq!(bad.len(), 1, "{text}");
    assert_eq!(warned.len(), 1, "{text}");
    assert!(
        warned[0].contains("record 1 (byte 12) (id lib00-0000213): field 110"),
        "{text}"
    );
}

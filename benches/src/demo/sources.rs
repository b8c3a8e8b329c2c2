//! The real records the demo is built from, and the real item data that goes
//! with some of them: every input file under `fixtures/data/`, read in a fixed
//! order, each record tagged with the library whose export it founds.

use super::DemoError;
use super::libraries::{BYTOWN, CHAMPLAIN, NVPL, OVRL, RIDEAU, TIC};
use crate::Rng;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use unicat_bib::BibRecord;
use unicat_marc::{Format, Reader, Record};

/// One Koha item row (`items.tsv`, Koha's `items` table).
#[derive(Clone, Debug)]
pub(crate) struct KohaItem {
    pub(crate) itemnumber: String,
    pub(crate) barcode: String,
    pub(crate) dateaccessioned: String,
    pub(crate) homebranch: String,
    pub(crate) holdingbranch: String,
    pub(crate) location: String,
    pub(crate) itype: String,
    pub(crate) datelastseen: String,
}

/// One Evergreen copy (`asset.copy` joined with its call number, location,
/// status and org units).
#[derive(Clone, Debug)]
pub(crate) struct EgCopy {
    /// Org unit id of the circulating library.
    pub(crate) circ_lib: u32,
    /// Org unit id owning the call number.
    pub(crate) owning_lib: u32,
    pub(crate) location: String,
    pub(crate) call_number: String,
    pub(crate) barcode: String,
    pub(crate) price: String,
    pub(crate) status: String,
}

/// Item data that came with a record from outside it.
#[derive(Clone, Debug, Default)]
pub(crate) enum RealItems {
    /// Items are built by the library's writer (or read from the record's
    /// own 949s: Sirsi exports).
    #[default]
    None,
    Koha(Vec<KohaItem>),
    Evergreen(Vec<EgCopy>),
}

/// One real record.
#[derive(Clone, Debug)]
pub(crate) struct SourceRecord {
    /// `folder/file#n` (n counted from 1 in the file).
    pub(crate) origin: String,
    pub(crate) record: Record,
    /// The library whose export this record founds (where it is held with its
    /// real items).
    pub(crate) native: usize,
    pub(crate) items: RealItems,
    /// A key tying it to the same record in another source: the Sirsi record
    /// number of Evergreen's French records and of `lul_fre_500.mrc`.
    pub(crate) link: Option<String>,
}

/// An input file, for NOTICE.md and README.md.
#[derive(Clone, Debug)]
pub(crate) struct InputFile {
    /// Path below `fixtures/data/`.
    pub(crate) path: String,
    /// Records (or rows) read.
    pub(crate) read: usize,
    /// Records used.
    pub(crate) used: usize,
}

/// Everything read.
pub(crate) struct Sources {
    pub(crate) records: Vec<SourceRecord>,
    pub(crate) files: Vec<InputFile>,
}

/// Stream ids for the seeded choices made here.
const SAMPLE: u64 = 11;

/// Records of Laurentian's French collection the historical library holds:
/// some of those Evergreen's demo set also has, and others.
const LUL_SHARED: usize = 50;
const LUL_OTHER: usize = 130;
/// Records of `jazz_1k.mrc` the public library with the jazz collection holds.
const JAZZ: usize = 90;

fn io(path: &Path) -> impl Fn(std::io::Error) -> DemoError + '_ {
    move |source| DemoError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Reads every record of a MARC file, each with its position in the file
/// (from 1, counting unreadable records too), and the number of items read.
/// Unreadable records are skipped, and so are records the reader had to
/// repair (a bad indicator, subfield code or byte): the Koha sample has one
/// (biblionumber 369, raw control characters that XML cannot carry).
fn read_marc(
    data: &Path,
    rel: &str,
    format: Format,
) -> Result<(Vec<(usize, Record)>, usize), DemoError> {
    let path = data.join(rel);
    let file = File::open(&path).map_err(io(&path))?;
    let mut records = Vec::new();
    let mut items = 0;
    let mut reader = Reader::new(BufReader::new(file), format);
    while let Some(item) = reader.next_with_warnings() {
        items += 1;
        match item {
            Ok(d) if d.warnings.is_empty() => records.push((items, d.record)),
            Ok(_) => {}
            Err(e) => {
                if let unicat_marc::ErrorKind::Io(reason) = &e.kind {
                    return Err(DemoError::Data(format!("{rel}: {reason}")));
                }
            }
        }
    }
    Ok((records, items))
}

/// Reads a TSV file with a header row into maps from column to value.
fn read_tsv(data: &Path, rel: &str) -> Result<Vec<HashMap<String, String>>, DemoError> {
    let path = data.join(rel);
    let text = std::fs::read_to_string(&path).map_err(io(&path))?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
    Ok(lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            header
                .iter()
                .zip(l.split('\t'))
                .map(|(k, v)| ((*k).to_string(), v.to_string()))
                .collect()
        })
        .collect())
}

fn col<'a>(row: &'a HashMap<String, String>, key: &str) -> &'a str {
    row.get(key).map_or("", String::as_str)
}

fn subfield<'r>(record: &'r Record, tag: &str, code: char) -> Option<&'r str> {
    record.data_fields(tag).find_map(|f| f.first(code))
}

/// Whether a record can stand in a union catalogue: a bibliographic record
/// (not authority or holdings) with a title and something to match on.
fn usable(record: &Record) -> bool {
    let typ = record.leader.record_type();
    let has_title = subfield(record, "245", 'a').is_some_and(|a| !a.trim().is_empty());
    let bib = BibRecord::from_marc(record);
    b"acdefgijkmoprt".contains(&typ)
        && !record.leader.is_deleted()
        && has_title
        && !bib.title_key.is_empty()
        && (bib.year.is_some() || bib.author_key.is_some())
        && !record.has_xml_illegal_chars()
}

/// Reads every source, in the fixed order the network is built in.
pub(crate) fn load(data: &Path, seed: u64) -> Result<Sources, DemoError> {
    let mut s = Sources {
        records: Vec::new(),
        files: Vec::new(),
    };
    koha(data, &mut s)?;
    evergreen(data, &mut s)?;
    lul_fre(data, seed, &mut s)?;
    jazz(data, seed, &mut s)?;
    sierra_college(data, &mut s)?;
    university(data, &mut s)?;
    Ok(s)
}

fn push_file(s: &mut Sources, path: &str, read: usize, used: usize) {
    s.files.push(InputFile {
        path: path.to_string(),
        read,
        used,
    });
}

/// The Koha sample: its records (999 $c = biblionumber) and its items.
fn koha(data: &Path, s: &mut Sources) -> Result<(), DemoError> {
    const BIBS: &str = "koha-sample/biblio_metadata.marcxml.xml";
    const ITEMS: &str = "koha-sample/items.tsv";
    let (records, read) = read_marc(data, BIBS, Format::MarcXml)?;
    let rows = read_tsv(data, ITEMS)?;
    let mut items: BTreeMap<String, Vec<KohaItem>> = BTreeMap::new();
    for row in &rows {
        items
            .entry(col(row, "biblionumber").to_string())
            .or_default()
            .push(KohaItem {
                itemnumber: col(row, "itemnumber").to_string(),
                barcode: col(row, "barcode").to_string(),
                dateaccessioned: col(row, "dateaccessioned").to_string(),
                homebranch: col(row, "homebranch").to_string(),
                holdingbranch: col(row, "holdingbranch").to_string(),
                location: col(row, "location").to_string(),
                itype: col(row, "itype").to_string(),
                datelastseen: col(row, "datelastseen").to_string(),
            });
    }
    let mut used = 0;
    let mut items_used = 0;
    for (n, record) in records {
        let Some(biblionumber) = subfield(&record, "999", 'c').map(str::to_string) else {
            continue;
        };
        // 369 carries raw control characters (danMARC-style); the reader
        // already rejects it, this keeps it out whatever the reader does.
        if biblionumber == "369" || record.has_xml_illegal_chars() {
            continue;
        }
        let its = items.remove(&biblionumber).unwrap_or_default();
        items_used += its.len();
        used += 1;
        s.records.push(SourceRecord {
            origin: format!("{BIBS}#{n}"),
            record,
            native: RIDEAU,
            items: RealItems::Koha(its),
            link: None,
        });
    }
    push_file(s, BIBS, read, used);
    push_file(s, ITEMS, rows.len(), items_used);
    Ok(())
}

/// Evergreen's enhanced concerto set: 344 records and their copies at six
/// org units.
fn evergreen(data: &Path, s: &mut Sources) -> Result<(), DemoError> {
    const DIR: &str = "evergreen/concerto_enhanced_holdings";
    let bibs = format!("{DIR}/biblio.record_entry.marcxml.xml");
    let (records, read) = read_marc(data, &bibs, Format::MarcXml)?;
    let names = |file: &str, key: &str| -> Result<HashMap<String, String>, DemoError> {
        Ok(read_tsv(data, &format!("{DIR}/{file}"))?
            .iter()
            .map(|r| (col(r, "id").to_string(), col(r, key).to_string()))
            .collect())
    };
    let locations = names("asset.copy_location.tsv", "name")?;
    let statuses = names("config.copy_status.tsv", "name")?;
    let prefixes = names("asset.call_number_prefix.tsv", "label")?;
    let suffixes = names("asset.call_number_suffix.tsv", "label")?;
    let call_numbers = read_tsv(data, &format!("{DIR}/asset.call_number.tsv"))?;
    let copies = read_tsv(data, &format!("{DIR}/asset.copy.tsv"))?;
    // call number id → (record, owning lib, label)
    let mut cn: HashMap<String, (String, u32, String)> = HashMap::new();
    for r in &call_numbers {
        if col(r, "deleted") != "0" && col(r, "deleted") != "f" {
            continue;
        }
        let affix = |map: &HashMap<String, String>, id: &str| {
            map.get(id).cloned().filter(|l| !l.is_empty())
        };
        let mut label = col(r, "label").to_string();
        if let Some(p) = affix(&prefixes, col(r, "prefix")) {
            label = format!("{p} {label}");
        }
        if let Some(x) = affix(&suffixes, col(r, "suffix")) {
            label = format!("{label} {x}");
        }
        cn.insert(
            col(r, "id").to_string(),
            (
                col(r, "record").to_string(),
                col(r, "owning_lib").parse().unwrap_or(0),
                label,
            ),
        );
    }
    let mut by_record: BTreeMap<String, Vec<(u64, EgCopy)>> = BTreeMap::new();
    for r in &copies {
        if col(r, "deleted") != "0" {
            continue;
        }
        let Some((record, owning_lib, label)) = cn.get(col(r, "call_number")) else {
            continue;
        };
        by_record.entry(record.clone()).or_default().push((
            col(r, "id").parse().unwrap_or(0),
            EgCopy {
                circ_lib: col(r, "circ_lib").parse().unwrap_or(0),
                owning_lib: *owning_lib,
                location: locations
                    .get(col(r, "location"))
                    .cloned()
                    .unwrap_or_else(|| "Stacks".to_string()),
                call_number: label.clone(),
                barcode: col(r, "barcode").to_string(),
                price: col(r, "price").to_string(),
                status: statuses
                    .get(col(r, "status"))
                    .cloned()
                    .unwrap_or_else(|| "Available".to_string()),
            },
        ));
    }
    let mut used = 0;
    let mut copies_used = 0;
    for (n, record) in records {
        let Some(id) = subfield(&record, "901", 'c').map(str::to_string) else {
            continue;
        };
        let mut its = by_record.remove(&id).unwrap_or_default();
        its.sort_by_key(|(copy_id, _)| *copy_id);
        copies_used += its.len();
        let link = sirsi_number(&record);
        used += 1;
        s.records.push(SourceRecord {
            origin: format!("{bibs}#{n}"),
            record,
            native: OVRL,
            items: RealItems::Evergreen(its.into_iter().map(|(_, c)| c).collect()),
            link,
        });
    }
    push_file(s, &bibs, read, used);
    for (file, rows, used) in [
        (
            "asset.call_number.tsv",
            call_numbers.len(),
            call_numbers.len(),
        ),
        ("asset.copy.tsv", copies.len(), copies_used),
        ("asset.copy_location.tsv", locations.len(), locations.len()),
        (
            "asset.call_number_prefix.tsv",
            prefixes.len(),
            prefixes.len(),
        ),
        (
            "asset.call_number_suffix.tsv",
            suffixes.len(),
            suffixes.len(),
        ),
        ("config.copy_status.tsv", statuses.len(), statuses.len()),
    ] {
        push_file(s, &format!("{DIR}/{file}"), rows, used);
    }
    // Read for the org unit names the README maps to the demo's branches.
    let orgs = read_tsv(data, &format!("{DIR}/actor.org_unit.tsv"))?;
    push_file(s, &format!("{DIR}/actor.org_unit.tsv"), orgs.len(), 6);
    Ok(())
}

/// `(Sirsi) 01-0112101` in an Evergreen record, or the 001 of a
/// `lul_fre_500.mrc` record: the Sirsi record number both share.
fn sirsi_number(record: &Record) -> Option<String> {
    record
        .data_fields("035")
        .filter_map(|f| f.first('a'))
        .filter_map(|a| a.trim().strip_prefix("(Sirsi)"))
        .map(str::trim)
        .find(|n| n.starts_with("01-"))
        .map(str::to_string)
}

/// Laurentian University's French-language collection, MARC-8 with Sirsi 949
/// items: the historical library's holdings. `lul_fre_100.mrc` holds the
/// records Evergreen's demo set converted (some of them are taken, so both
/// libraries hold those through their own records), `lul_fre_500.mrc` others.
fn lul_fre(data: &Path, seed: u64, s: &mut Sources) -> Result<(), DemoError> {
    let evergreen: HashSet<String> = s.records.iter().filter_map(|r| r.link.clone()).collect();
    for (file, evergreen_only, count, stream) in [
        ("evergreen/lul_fre_100.mrc", true, LUL_SHARED, 1),
        ("evergreen/lul_fre_500.mrc", false, LUL_OTHER, 2),
    ] {
        let (records, read) = read_marc(data, file, Format::Iso2709)?;
        let candidates: Vec<usize> = records
            .iter()
            .enumerate()
            .filter(|(_, (_, record))| usable(record))
            .filter(|(_, (_, record))| {
                let shared = record
                    .control("001")
                    .is_some_and(|c| evergreen.contains(c.trim()));
                shared == evergreen_only
            })
            .map(|(i, _)| i)
            .collect();
        let mut rng = Rng::derive(seed, &[SAMPLE, stream]);
        let chosen: Vec<usize> = rng
            .sample(candidates.len(), count)
            .into_iter()
            .map(|i| candidates[i])
            .collect();
        for &i in &chosen {
            let (n, record) = records[i].clone();
            let link = record.control("001").map(|c| c.trim().to_string());
            s.records.push(SourceRecord {
                origin: format!("{file}#{n}"),
                record,
                native: CHAMPLAIN,
                items: RealItems::None,
                link,
            });
        }
        push_file(s, file, read, chosen.len());
    }
    Ok(())
}

/// Laurentian's jazz recordings (and books about jazz), MARC-8 with Sirsi 949
/// items: the public library's music collection. Records sharing an ISBN
/// with a Koha record are always taken (the same book in two catalogues).
fn jazz(data: &Path, seed: u64, s: &mut Sources) -> Result<(), DemoError> {
    const FILE: &str = "evergreen/jazz_1k.mrc";
    let (records, read) = read_marc(data, FILE, Format::Iso2709)?;
    let known: HashSet<String> = s
        .records
        .iter()
        .flat_map(|r| {
            BibRecord::from_marc(&r.record)
                .isbn_list()
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    let mut must = Vec::new();
    let mut pool = Vec::new();
    for (i, (_, record)) in records.iter().enumerate() {
        if !usable(record) || record.data_field("949").is_none() {
            continue;
        }
        // Collections of recordings (leader/07 c) and serials stay out.
        if record.leader.bibliographic_level() != b'm' {
            continue;
        }
        let bib = BibRecord::from_marc(record);
        if bib
            .isbn_list()
            .any(|isbn| known.contains(&isbn.to_string()))
        {
            must.push(i);
        } else {
            pool.push(i);
        }
    }
    let mut rng = Rng::derive(seed, &[SAMPLE, 2]);
    let mut chosen: Vec<usize> = must
        .iter()
        .copied()
        .chain(
            rng.sample(pool.len(), JAZZ.saturating_sub(must.len()))
                .into_iter()
                .map(|i| pool[i]),
        )
        .collect();
    chosen.sort_unstable();
    for &i in &chosen {
        let (n, record) = records[i].clone();
        s.records.push(SourceRecord {
            origin: format!("{FILE}#{n}"),
            record,
            native: NVPL,
            items: RealItems::None,
            link: None,
        });
    }
    push_file(s, FILE, read, chosen.len());
    Ok(())
}

/// Open Library's test records (from LC, Boston PL, Ithaca College, Western
/// Washington, Toronto and Internet Archive scans) and Evergreen's III
/// Hebrew records: the college library's own cataloguing. Deliberately bad
/// test records and repeats of the same record stay out.
fn sierra_college(data: &Path, s: &mut Sources) -> Result<(), DemoError> {
    const SKIP: &[&str] = &[
        "collingswood_bad_008",
        "upei_short_008",
        "wrapped_lines",
        "talis_",
        "9999_",
        "test-publish",
        "equalsign_title",
        "lesabndioeinas00sche",
    ];
    let mut files: Vec<String> = Vec::new();
    for dir in [
        "openlibrary-marc/bin_input",
        "openlibrary-marc/xml_input",
        "openlibrary-marc/add_book_test_data",
    ] {
        let path = data.join(dir);
        let mut names: Vec<String> = std::fs::read_dir(&path)
            .map_err(io(&path))?
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !SKIP.iter().any(|skip| n.starts_with(skip)))
            .collect();
        names.sort();
        files.extend(names.into_iter().map(|n| format!("{dir}/{n}")));
    }
    let mut seen: HashSet<String> = HashSet::new();
    for rel in files {
        let format = if rel.ends_with(".xml") {
            Format::MarcXml
        } else {
            Format::Iso2709
        };
        let (records, read) = read_marc(data, &rel, format)?;
        let mut used = 0;
        for (n, record) in &records {
            if !usable(record) || record.leader.bibliographic_level() != b'm' {
                continue;
            }
            // The same book twice (binary and XML, or two LC extracts).
            let bib = BibRecord::from_marc(record);
            let key = format!(
                "{}|{}",
                bib.title_key.chars().take(30).collect::<String>(),
                bib.year.unwrap_or(0)
            );
            let isbns: Vec<String> = bib.isbn_list().map(|i| i.to_string()).collect();
            if !seen.insert(key) || isbns.iter().any(|i| seen.contains(i)) {
                continue;
            }
            seen.extend(isbns);
            used += 1;
            s.records.push(SourceRecord {
                origin: format!("{rel}#{n}"),
                record: record.clone(),
                native: TIC,
                items: RealItems::None,
                link: None,
            });
        }
        push_file(s, &rel, read, used);
    }
    const HEBREW: &str = "evergreen/hebrew.marc";
    let (records, read) = read_marc(data, HEBREW, Format::Iso2709)?;
    let mut used = 0;
    for (n, record) in records {
        if !usable(&record) {
            continue;
        }
        used += 1;
        s.records.push(SourceRecord {
            origin: format!("{HEBREW}#{n}"),
            record,
            native: TIC,
            items: RealItems::None,
            link: None,
        });
    }
    push_file(s, HEBREW, read, used);
    Ok(())
}

/// The university's own: LC's records of the Perl books (marc-perl's
/// `camel.usmarc`), Stanford's vernacular-script records (traject's test
/// data) and the printed books of a real Alma OAI-PMH page (the digitised
/// copies, "[Elektronische Ressource]", stay out).
fn university(data: &Path, s: &mut Sources) -> Result<(), DemoError> {
    for (rel, format) in [
        ("marc-perl/marc-record/camel.usmarc", Format::Iso2709),
        ("traject/test_data.utf8.marc.xml", Format::MarcXml),
        ("vufindharvest-oai/marc.xml", Format::MarcXml),
    ] {
        let (records, read) = read_marc(data, rel, format)?;
        let mut used = 0;
        for (n, record) in &records {
            if !usable(record) || record.leader.bibliographic_level() != b'm' {
                continue;
            }
            let electronic = record
                .data_fields("245")
                .flat_map(|f| f.values('h'))
                .any(|h| {
                    let h = h.to_lowercase();
                    h.contains("ressource") || h.contains("risorsa") || h.contains("electronic")
                });
            let online = record
                .data_fields("300")
                .flat_map(|f| f.values('a'))
                .any(|a| a.contains("Online"));
            if electronic || online || record.leader.record_type() != b'a' && rel.contains("oai") {
                continue;
            }
            used += 1;
            s.records.push(SourceRecord {
                origin: format!("{rel}#{n}"),
                record: record.clone(),
                native: BYTOWN,
                items: RealItems::None,
                link: None,
            });
        }
        push_file(s, rel, read, used);
    }
    Ok(())
}

//! The bibliographic model on real records: Open Library's expected output
//! for its MARC test files, and Evergreen's known-bad ISBNs.

mod openlibrary;

use std::path::{Path, PathBuf};
use unicat_bib::BibRecord;
use unicat_marc::{Format, Reader};

pub fn data(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/data")
        .join(path)
}

pub fn read_bibs(path: &Path, format: Format) -> Vec<BibRecord> {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Reader::new(std::io::BufReader::new(file), format)
        .filter_map(Result::ok)
        .map(|r| BibRecord::from_marc(&r))
        .collect()
}

#[test]
fn evergreen_bad_isbns_are_kept_aside() {
    let bibs = read_bibs(&data("evergreen/badisbns.xml"), Format::MarcXml);
    assert_eq!(bibs.len(), 10);
    let invalid: usize = bibs.iter().map(|b| b.invalid_isbns.len()).sum();
    assert!(invalid > 0, "no invalid ISBN found in badisbns.xml");
    // Cancelled ISBNs ($z) never become keys, even when their digits would
    // pass the check (`089542262X295`: an ISBN-10 with a price glued on).
    let songs = bibs
        .iter()
        .find(|b| b.invalid_isbns.iter().any(|z| z == "089542262X295"))
        .unwrap();
    assert!(songs.isbns.is_empty(), "{:?}", songs.isbns);
    let carol = bibs
        .iter()
        .find(|b| b.invalid_isbns.iter().any(|z| z == "0553101315175"))
        .unwrap();
    let valid: Vec<String> = carol.isbn_list().map(|i| i.to_string()).collect();
    assert_eq!(
        valid,
        vec!["9780553204308".to_string(), "9780553268478".to_string()]
    );
    println!(
        "badisbns.xml: {} valid ISBNs, {invalid} kept aside: {:?}",
        bibs.iter().map(|b| b.isbns.len()).sum::<usize>(),
        bibs.iter()
            .flat_map(|b| b.invalid_isbns.clone())
            .collect::<Vec<_>>()
    );
}

#[test]
fn every_fixture_record_normalises_without_panic() {
    let mut n = 0;
    let mut stack = vec![data("")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            let Some(format) = Format::detect(&bytes) else {
                continue;
            };
            for r in Reader::new(&bytes[..], format).flatten() {
                let b = BibRecord::from_marc(&r);
                assert!(b.title_key.len() <= b.title.len() * 4 + 4096);
                n += 1;
            }
        }
    }
    assert!(n > 4000, "{n}");
}

//! Integration tests on real data from `fixtures/data/`: our readers against
//! pymarc (an independent parser, run as a real peer), Open Library's
//! expectations, and every deliberately broken file.

mod broken;
mod cross_format;
mod pymarc;

use std::path::{Path, PathBuf};
use unicat_marc::{Format, Reader, Record, RecordError};

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A file under `fixtures/data/`.
pub fn data(path: &str) -> PathBuf {
    root().join("fixtures/data").join(path)
}

/// Reads every record of a file.
pub fn read_file(path: &Path, format: Format) -> Vec<Result<Record, RecordError>> {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Reader::new(std::io::BufReader::new(file), format).collect()
}

/// The Python interpreter that has the peers (pymarc) installed.
pub fn python() -> String {
    std::env::var("UNICAT_PYTHON").unwrap_or_else(|_| {
        let venv = root().join(".venv/bin/python");
        if venv.exists() {
            venv.display().to_string()
        } else {
            "python3".to_string()
        }
    })
}

/// Text as compared across parsers: line ends normalised, NFC, and the
/// MARC-8 ligature and double-tilde halves spelled one way. pymarc 5.4 maps
/// the halves (0xEB/0xEC, 0xFA/0xFB) to U+FE20..U+FE23; the conformance table
/// we follow (pymarc's own `test_utf8.txt`) puts U+0361 (U+0360) on the
/// first letter, and yaz drops a lone second half.
pub fn norm(s: &str) -> String {
    s.replace("\r\n", "\n")
        .replace('\u{FE20}', "\u{0361}")
        .replace('\u{FE21}', "")
        .replace('\u{FE22}', "\u{0360}")
        .replace('\u{FE23}', "")
        .nfc()
        .collect()
}

use unicode_normalization::UnicodeNormalization;

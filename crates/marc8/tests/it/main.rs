//! Integration tests of `unicat-marc8` against third-party expected output.
//!
//! * `pymarc_conformance`: pymarc's line-aligned MARC-8 / UTF-8 table
//!   (`fixtures/marc8/test_marc8.txt`, `test_utf8.txt`).
//! * `yaz::yaz_cross_check`: YAZ's decoding of MARC-8 records
//!   (`fixtures/marc8/yaz/`), which covers ANSEL.
//! * `encode::*`: the encoder round-trips pymarc's table and YAZ's records.
//! * `generated_tables_are_current`: `src/tables.rs` matches the generator and
//!   `fixtures/marc8/codetables.xml`.
//!
//! Sources and licences: `fixtures/marc8/NOTICE.md`.

mod encode;
mod yaz;

use std::path::{Path, PathBuf};
use std::process::Command;

use unicat_marc8::marc8_to_unicode;
use unicode_normalization::UnicodeNormalization;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/marc8")
}

fn read(name: &str) -> Vec<u8> {
    let path = fixtures().join(name);
    std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// Splits a file into lines on `\n`, dropping the empty piece after a final
/// newline. Lines are kept as bytes: the MARC-8 side is not UTF-8.
fn lines(data: &[u8]) -> Vec<&[u8]> {
    let data = data.strip_suffix(b"\n").unwrap_or(data);
    data.split(|&byte| byte == b'\n').collect()
}

fn nfc(text: &str) -> String {
    text.nfc().collect()
}

/// Every line of pymarc's MARC-8 conformance file decodes to the same line of
/// its UTF-8 file (both sides compared in NFC).
///
/// The table has 1515 lines: Arabic (`ESC ( 3`), Hebrew (`ESC ( 2`) and EACC
/// (`ESC $ 1`) runs between ASCII, and no byte above 0x7F, so it does not test
/// ANSEL or G1 at all (the unit tests in `src/tests.rs` do). Line 1515 is
/// pymarc's own addition (not in ruby-marc's copy of the table): EACC codes
/// with 0x20 and 0x7F bytes that Innovative Interfaces systems write for
/// punctuation; they are not in LC's tables and the crate decodes them as
/// documented in `src/table.rs`. No line is skipped.
#[test]
fn pymarc_conformance() {
    let marc8 = read("test_marc8.txt");
    let utf8 = read("test_utf8.txt");
    let marc8_lines = lines(&marc8);
    let utf8_lines = lines(&utf8);
    assert_eq!(marc8_lines.len(), 1515, "test_marc8.txt line count");
    assert_eq!(
        utf8_lines.len(),
        marc8_lines.len(),
        "test_utf8.txt line count"
    );

    let mut failures = Vec::new();
    for (index, (input, expected)) in marc8_lines.iter().zip(&utf8_lines).enumerate() {
        let line = index + 1;
        let expected = match std::str::from_utf8(expected) {
            Ok(text) => nfc(text),
            Err(error) => panic!("test_utf8.txt line {line} is not UTF-8: {error}"),
        };
        match marc8_to_unicode(input) {
            Ok(actual) if nfc(&actual) == expected => {}
            Ok(actual) => failures.push(format!(
                "line {line}: expected {expected:?}, decoded {actual:?}"
            )),
            Err(error) => failures.push(format!("line {line}: expected {expected:?}, {error}")),
        }
    }
    let passed = marc8_lines.len() - failures.len();
    println!("pymarc conformance: {passed}/{} lines", marc8_lines.len());
    assert!(
        failures.is_empty(),
        "{passed}/{} lines pass; first mismatches:\n{}",
        marc8_lines.len(),
        failures
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// `src/tables.rs` is what `tools/gen_tables.py` makes from
/// `fixtures/marc8/codetables.xml` (so neither was edited alone).
#[test]
fn generated_tables_are_current() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/gen_tables.py");
    let output = match Command::new("python3").arg(&script).arg("--check").output() {
        Ok(output) => output,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            // Visible in `cargo test -- --nocapture`; the machines this project
            // runs on have python3, so this is for a developer's odd laptop.
            eprintln!("python3 not found: tables.rs freshness not checked");
            return;
        }
        Err(error) => panic!("running {}: {error}", script.display()),
    };
    assert!(
        output.status.success(),
        "{} --check failed: {}",
        script.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

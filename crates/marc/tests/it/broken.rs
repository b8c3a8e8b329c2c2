//! Every deliberately broken file: records whose structure cannot be read
//! give per-record errors, records with a bad byte inside a field are read
//! with warnings, and the good records of the same file still load.

use crate::{data, read_file};
use unicat_marc::{Decoded, Format, Reader, RecordError, WarningKind};

/// Files with records whose structure cannot be read:
/// (file, format, good records, bad records, what the first error must say)
pub const BROKEN: &[(&str, Format, usize, usize, &str)] = &[
    ("pymarc/bad_indicator.dat", Format::Iso2709, 0, 1, "bad tag"),
    (
        "pymarc/bad_records.mrc",
        Format::Iso2709,
        2,
        6,
        "base address 99937",
    ),
    ("pymarc/bad_tag.xml", Format::MarcXml, 0, 1, "bad leader"),
    (
        "ruby-marc/messed_up_leader.xml",
        Format::MarcXml,
        0,
        1,
        "contains '<'",
    ),
    (
        "ruby-marc/no-leading-zero.xml",
        Format::MarcXml,
        0,
        1,
        "bad tag \"42\"",
    ),
    (
        "marc-perl/marc-record/badldr.usmarc",
        Format::Iso2709,
        0,
        0,
        "",
    ),
    (
        "marc-perl/marc-record/baddir.usmarc",
        Format::Iso2709,
        0,
        0,
        "",
    ),
];

/// Files whose bad records are read leniently (issue 17): (file, format,
/// records read, of which with warnings, what the first warning must say).
/// None of them loaded before.
pub const REPAIRED: &[(&str, Format, usize, usize, &str)] = &[
    (
        "pymarc/bad_eacc_encoding.dat",
        Format::Iso2709,
        1,
        1,
        "field 880: 3 undecodable MARC-8 unit(s) replaced by U+FFFD",
    ),
    (
        "pymarc/bad_marc8_escape.dat",
        Format::Iso2709,
        1,
        1,
        "unknown escape sequence",
    ),
    (
        "pymarc/bad_subfield_code.dat",
        Format::Iso2709,
        1,
        1,
        "field 245: subfield code byte 0xC3 read as $a",
    ),
    (
        "pymarc/utf8_invalid.mrc",
        Format::Iso2709,
        1,
        1,
        "field 260: subfield code byte 0xEF read as $b",
    ),
    (
        "ruby-marc/marc_with_bad_utf8.utf8.marc",
        Format::Iso2709,
        1,
        1,
        "field 110: indicator 2 (byte 0x1E) read as blank",
    ),
    (
        "ruby-marc/utf8_with_bad_bytes.marc",
        Format::Iso2709,
        1,
        1,
        "field 245: 1 invalid UTF-8 sequence(s) replaced by U+FFFD",
    ),
    (
        "ruby-marc/marc8_accented_chars.marc",
        Format::Iso2709,
        1,
        1,
        "field 100: not UTF-8; read as MARC-8",
    ),
    (
        "ruby-marc/bad_eacc_encoding.marc8.marc",
        Format::Iso2709,
        1,
        1,
        "undecodable MARC-8",
    ),
    (
        "ruby-marc/three-records-second-bad.xml",
        Format::MarcXml,
        3,
        1,
        "field 245: subfield with code \"\\u{7}\" left out",
    ),
    (
        "traject/bad_utf_byte.utf8.marc",
        Format::Iso2709,
        1,
        1,
        "field 300: 2 invalid UTF-8 sequence(s) replaced by U+FFFD",
    ),
    (
        "traject/bad_subfield_code.marc",
        Format::Iso2709,
        1,
        1,
        "field 260: subfield code byte 0xE2 read as $a",
    ),
    (
        "koha-sample/biblio_metadata.marcxml.xml",
        Format::MarcXml,
        436,
        1,
        "field 001: 1 control character(s) (first U+001F) replaced by a space",
    ),
    (
        "koha-sample/export_with_952_DERIVED.marcxml.xml",
        Format::MarcXml,
        436,
        1,
        "field 001: 1 control character(s) (first U+001F) replaced by a space",
    ),
];

/// Every record of a file with its warnings.
fn read_with_warnings(file: &str, format: Format) -> Vec<Result<Decoded, RecordError>> {
    let path = data(file);
    let input = std::io::BufReader::new(std::fs::File::open(&path).unwrap());
    let mut reader = Reader::new(input, format);
    std::iter::from_fn(|| reader.next_with_warnings()).collect()
}

#[test]
fn broken_files_give_per_record_errors_and_keep_good_records() {
    let mut report = Vec::new();
    for (file, format, good, bad, reason) in BROKEN {
        let got = read_file(&data(file), *format);
        let ok = got.iter().filter(|r| r.is_ok()).count();
        let errors: Vec<_> = got.iter().filter_map(|r| r.as_ref().err()).collect();
        for e in &errors {
            report.push(format!("{file}: {e}"));
        }
        if *bad == 0 && *good == 0 {
            // marc-perl's broken files: any mix, as long as something is reported.
            assert!(!errors.is_empty(), "{file}: no error reported");
            continue;
        }
        assert_eq!((ok, errors.len()), (*good, *bad), "{file}: (good, bad)");
        let first = errors[0].to_string();
        assert!(
            first.contains(reason),
            "{file}: first error {first:?} should mention {reason:?}"
        );
        // Every error says where the record was.
        assert!(
            errors.iter().all(|e| e.position.record > 0),
            "{file}: error without a position"
        );
    }
    println!("{}", report.join("\n"));
}

#[test]
fn records_with_a_bad_byte_in_a_field_are_read_with_warnings() {
    let mut report = Vec::new();
    for (file, format, read, warned, reason) in REPAIRED {
        let got = read_with_warnings(file, *format);
        let errors: Vec<_> = got.iter().filter_map(|r| r.as_ref().err()).collect();
        assert!(errors.is_empty(), "{file}: {errors:?}");
        let with_warnings: Vec<&Decoded> = got
            .iter()
            .filter_map(|r| r.as_ref().ok())
            .filter(|d| !d.warnings.is_empty())
            .collect();
        assert_eq!(
            (got.len(), with_warnings.len()),
            (*read, *warned),
            "{file}: (read, with warnings)"
        );
        let first = with_warnings[0].warnings[0].to_string();
        assert!(
            first.contains(reason),
            "{file}: first warning {first:?} should mention {reason:?}"
        );
        for d in &with_warnings {
            for w in &d.warnings {
                // Every warning says where the record was and names its 001.
                assert!(w.position.record > 0, "{file}: {w}");
                assert_eq!(w.control_number.as_deref(), d.record.control_number());
                report.push(format!("{file}: {w}"));
            }
        }
    }
    println!("{}", report.join("\n"));
}

fn first_record(file: &str, format: Format) -> Decoded {
    read_with_warnings(file, format)
        .into_iter()
        .next()
        .unwrap()
        .unwrap()
}

/// What the readers these files come from expect of them.
#[test]
fn repaired_records_read_as_their_test_suites_expect() {
    // pymarc's test_reader.test_bad_subfield: UTF-8 `á` as the code.
    let r = first_record("pymarc/bad_subfield_code.dat", Format::Iso2709).record;
    assert_eq!(
        r.data_field("245").unwrap().first('a'),
        Some("ActivePerl with ASP and ADO /")
    );
    // ruby-marc's test_reader_invalid_replace: the bad byte, and only it,
    // is U+FFFD.
    let r = first_record("ruby-marc/utf8_with_bad_bytes.marc", Format::Iso2709).record;
    let title: Vec<&str> = r.data_field("245").unwrap().values('a').collect();
    assert!(
        title
            .iter()
            .any(|t| t.contains("bad bytes => \u{FFFD}( <=")),
        "{title:?}"
    );
    // ruby-marc's marc8_accented_chars.marc: MARC-8 labelled UTF-8.
    let r = first_record("ruby-marc/marc8_accented_chars.marc", Format::Iso2709).record;
    assert_eq!(
        r.data_field("100").unwrap().first('a'),
        Some("Serreau, Geneviève.")
    );
    assert_eq!(
        r.data_field("245").unwrap().first('a'),
        Some("Histoire du \"nouveau théâtre.\"")
    );
    // traject's bad_utf_byte: each bad byte is U+FFFD.
    let r = first_record("traject/bad_utf_byte.utf8.marc", Format::Iso2709).record;
    assert_eq!(
        r.data_field("300").unwrap().first('a'),
        Some("This is a bad byte: '\u{FFFD}' and another: '\u{FFFD}'")
    );
    // ruby-marc's three-records-second-bad.xml: only the subfield is lost.
    let got = read_with_warnings("ruby-marc/three-records-second-bad.xml", Format::MarcXml);
    let second = &got[1].as_ref().unwrap().record;
    let codes: String = second
        .data_field("245")
        .unwrap()
        .subfields
        .iter()
        .map(|s| s.code)
        .collect();
    assert_eq!(codes, "ac");
}

#[test]
fn koha_record_369_is_read_and_named_by_its_001() {
    let got = read_with_warnings("koha-sample/biblio_metadata.marcxml.xml", Format::MarcXml);
    let d = got
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .find(|d| !d.warnings.is_empty())
        .unwrap();
    let w = &d.warnings[0];
    assert_eq!(w.position.record, 368);
    assert!(matches!(
        w.kind,
        WarningKind::ControlCharacterReplaced { code: 0x1F, .. }
    ));
    assert_eq!(w.control_number.as_deref(), Some("00 aD000015937"));
}

#[test]
fn truncated_real_file_keeps_the_records_before_the_cut() {
    let bytes = std::fs::read(data("evergreen/jazz_1k.mrc")).unwrap();
    let whole: Vec<_> = Reader::new(&bytes[..], Format::Iso2709).collect();
    let cut = bytes.len() / 2;
    let part: Vec<_> = Reader::new(&bytes[..cut], Format::Iso2709).collect();
    let ok = part.iter().filter(|r| r.is_ok()).count();
    assert!(ok > 400, "{ok}");
    assert!(matches!(
        part.last().unwrap().as_ref().unwrap_err().kind,
        unicat_marc::ErrorKind::Truncated { .. }
    ));
    assert_eq!(part[..ok], whole[..ok]);
}

#[test]
fn not_marc_at_all_is_detected() {
    for path in [
        "er-cora/pyjedai_coraLarge/cora.csv",
        "koha-sample/items.tsv",
    ] {
        let bytes = std::fs::read(data(path)).unwrap();
        assert_eq!(Format::detect(&bytes), None, "{path}");
    }
}

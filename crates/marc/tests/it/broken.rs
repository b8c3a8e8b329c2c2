//! Every deliberately broken file gives per-record errors, and the good
//! records of the same file still load.

use crate::{data, read_file};
use unicat_marc::{ErrorKind, Format};

/// (file, format, good records, bad records, what the first error must say)
pub const BROKEN: &[(&str, Format, usize, usize, &str)] = &[
    ("pymarc/bad_indicator.dat", Format::Iso2709, 0, 1, "bad tag"),
    (
        "pymarc/bad_eacc_encoding.dat",
        Format::Iso2709,
        0,
        1,
        "invalid MARC-8 in field 880",
    ),
    (
        "pymarc/bad_marc8_escape.dat",
        Format::Iso2709,
        0,
        1,
        "unknown escape sequence",
    ),
    (
        "pymarc/bad_subfield_code.dat",
        Format::Iso2709,
        0,
        1,
        "bad subfield code in field 245",
    ),
    (
        "pymarc/bad_records.mrc",
        Format::Iso2709,
        2,
        6,
        "base address 99937",
    ),
    (
        "pymarc/utf8_invalid.mrc",
        Format::Iso2709,
        0,
        1,
        "bad subfield code",
    ),
    ("pymarc/bad_tag.xml", Format::MarcXml, 0, 1, "bad leader"),
    (
        "ruby-marc/marc_with_bad_utf8.utf8.marc",
        Format::Iso2709,
        0,
        1,
        "bad indicator in field 110",
    ),
    (
        "ruby-marc/utf8_with_bad_bytes.marc",
        Format::Iso2709,
        0,
        1,
        "invalid UTF-8 in field 245",
    ),
    (
        "ruby-marc/marc8_accented_chars.marc",
        Format::Iso2709,
        0,
        1,
        "invalid UTF-8 in field 100",
    ),
    (
        "ruby-marc/bad_eacc_encoding.marc8.marc",
        Format::Iso2709,
        0,
        1,
        "invalid MARC-8",
    ),
    (
        "ruby-marc/three-records-second-bad.xml",
        Format::MarcXml,
        2,
        1,
        "bad subfield code in field 245",
    ),
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
        "traject/bad_utf_byte.utf8.marc",
        Format::Iso2709,
        0,
        1,
        "invalid UTF-8 in field 300",
    ),
    (
        "traject/bad_subfield_code.marc",
        Format::Iso2709,
        0,
        1,
        "bad subfield code in field 260",
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
    (
        "koha-sample/biblio_metadata.marcxml.xml",
        Format::MarcXml,
        435,
        1,
        "control character U+001F in field 001",
    ),
    (
        "koha-sample/export_with_952_DERIVED.marcxml.xml",
        Format::MarcXml,
        435,
        1,
        "control character U+001F",
    ),
];

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
fn koha_record_369_is_named_by_its_001() {
    let got = read_file(
        &data("koha-sample/biblio_metadata.marcxml.xml"),
        Format::MarcXml,
    );
    let err = got.iter().find_map(|r| r.as_ref().err()).unwrap();
    assert_eq!(err.position.record, 368);
    assert!(matches!(
        err.kind,
        ErrorKind::ControlCharacter { code: 0x1F, .. }
    ));
    assert!(
        err.control_number
            .as_deref()
            .is_some_and(|c| c.starts_with("00")),
        "{err}"
    );
}

#[test]
fn truncated_real_file_keeps_the_records_before_the_cut() {
    let bytes = std::fs::read(data("evergreen/jazz_1k.mrc")).unwrap();
    let whole: Vec<_> = unicat_marc::Reader::new(&bytes[..], Format::Iso2709).collect();
    let cut = bytes.len() / 2;
    let part: Vec<_> = unicat_marc::Reader::new(&bytes[..cut], Format::Iso2709).collect();
    let ok = part.iter().filter(|r| r.is_ok()).count();
    assert!(ok > 400, "{ok}");
    assert!(matches!(
        part.last().unwrap().as_ref().unwrap_err().kind,
        ErrorKind::Truncated { .. }
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

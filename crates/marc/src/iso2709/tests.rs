use super::*;
use crate::{Format, Indicators, Reader, Record, Subfield, Tag};

fn sample() -> Record {
    let mut r = Record::new();
    r.push_control(Tag::parse("001").unwrap(), "ocm00012345");
    r.push_control(
        Tag::parse("008").unwrap(),
        "830506s1983    nyu           000 1 eng  ",
    );
    r.push_data(
        Tag::parse("245").unwrap(),
        Indicators::new('1', '4'),
        vec![
            Subfield::new('a', "The Ægean café :"),
            Subfield::new('b', "a novel /"),
            Subfield::new('c', "by Émile Zola."),
        ],
    );
    r
}

fn read_all(bytes: &[u8]) -> Vec<Result<Record, crate::RecordError>> {
    Reader::new(bytes, Format::Iso2709).collect()
}

#[test]
fn write_then_read_is_identity() {
    let rec = sample();
    let mut out = Vec::new();
    write_record(&rec, &mut out).unwrap();
    assert_eq!(&out[0..5], format!("{:05}", out.len()).as_bytes());
    let back = read_all(&out);
    assert_eq!(back.len(), 1);
    let back = back[0].as_ref().unwrap();
    assert_eq!(back.fields, rec.fields);
    assert_eq!(back.leader.coding_scheme(), b'a');
}

#[test]
fn truncated_record_is_an_error_and_earlier_records_load() {
    let mut out = Vec::new();
    write_record(&sample(), &mut out).unwrap();
    let good = out.len();
    write_record(&sample(), &mut out).unwrap();
    out.truncate(good + 100);
    let got = read_all(&out);
    assert_eq!(got.len(), 2);
    assert!(got[0].is_ok());
    let err = got[1].as_ref().unwrap_err();
    assert!(
        matches!(err.kind, crate::ErrorKind::Truncated { .. }),
        "{err}"
    );
    assert_eq!(err.position.record, 2);
    assert_eq!(err.position.offset, good as u64);
    assert_eq!(err.control_number.as_deref(), Some("ocm00012345"));
}

#[test]
fn bad_directory_is_reported_and_next_record_loads() {
    let mut out = Vec::new();
    write_record(&sample(), &mut out).unwrap();
    // Corrupt the first directory entry's length digits.
    out[27] = b'x';
    write_record(&sample(), &mut out).unwrap();
    let got = read_all(&out);
    assert_eq!(got.len(), 2);
    assert!(matches!(
        got[0].as_ref().unwrap_err().kind,
        crate::ErrorKind::BadDirectory(_)
    ));
    assert!(got[1].is_ok());
}

#[test]
fn directory_pointing_outside_the_record_is_an_error() {
    let mut out = Vec::new();
    write_record(&sample(), &mut out).unwrap();
    // Offset of the first entry → 99999.
    out[31..36].copy_from_slice(b"99999");
    let got = read_all(&out);
    assert!(matches!(
        got[0].as_ref().unwrap_err().kind,
        crate::ErrorKind::BadDirectory(_)
    ));
}

/// Builds an ISO 2709 record by hand: the leader's coding scheme, and each
/// field's tag and bytes (without its terminator).
fn hand_built(coding: u8, fields: &[(&str, &[u8])]) -> Vec<u8> {
    let (mut dir, mut data) = (Vec::new(), Vec::new());
    for (tag, bytes) in fields {
        dir.extend_from_slice(format!("{tag}{:04}{:05}", bytes.len() + 1, data.len()).as_bytes());
        data.extend_from_slice(bytes);
        data.push(0x1e);
    }
    dir.push(0x1e);
    let base = 24 + dir.len();
    let total = base + data.len() + 1;
    let mut rec = format!("{total:05}nam {}22{base:05}   4500", char::from(coding)).into_bytes();
    rec.extend_from_slice(&dir);
    rec.extend_from_slice(&data);
    rec.push(0x1d);
    rec
}

fn read_one(bytes: &[u8]) -> crate::Decoded {
    decode_with_warnings(
        bytes,
        crate::Position {
            record: 1,
            offset: 0,
        },
    )
    .unwrap()
}

fn kinds(d: &crate::Decoded) -> Vec<(String, crate::WarningKind)> {
    d.warnings
        .iter()
        .map(|w| (w.tag.to_string(), w.kind.clone()))
        .collect()
}

#[test]
fn a_missing_indicator_is_a_blank_with_a_warning() {
    let rec = hand_built(b'a', &[("001", b"x1"), ("245", b"0\x1faTitle")]);
    let d = read_one(&rec);
    let f = d.record.data_field("245").unwrap();
    assert_eq!(f.indicators, Indicators::new('0', ' '));
    assert_eq!(f.first('a'), Some("Title"));
    assert_eq!(
        kinds(&d),
        [(
            "245".to_string(),
            crate::WarningKind::IndicatorsMissing { found: 1 }
        )]
    );
    assert_eq!(d.warnings[0].control_number.as_deref(), Some("x1"));
    // The iterator reads the same record, without the warnings.
    assert_eq!(read_all(&rec)[0].as_ref().unwrap(), &d.record);
}

/// Issue 17: a 0x14 indicator in 010 cost a library its record.
#[test]
fn a_control_byte_indicator_is_a_blank_with_a_warning() {
    let rec = hand_built(
        b'a',
        &[
            ("001", b"ocm42"),
            ("010", b"\x14 \x1fa   00020737 "),
            ("245", b"10\x1faTitle"),
        ],
    );
    let d = read_one(&rec);
    assert_eq!(
        d.record.data_field("010").unwrap().indicators,
        Indicators::BLANK
    );
    assert_eq!(
        d.record.data_field("010").unwrap().first('a'),
        Some("   00020737 ")
    );
    assert_eq!(d.warnings.len(), 1);
    assert_eq!(
        d.warnings[0].to_string(),
        "record 1 (byte 0) (001 ocm42): field 010: indicator 1 (byte 0x14) read as blank"
    );
}

/// Issue 17: a 0xB9 subfield code in 776 cost a library its record. pymarc
/// reads the byte as Latin-1 `¹` and keeps the subfield as `$1`.
#[test]
fn a_non_ascii_subfield_code_is_folded_as_pymarc_folds_it() {
    let rec = hand_built(
        b' ',
        &[
            ("001", b"m1"),
            ("776", b"08\x1fiPrint version:\x1f\xb9Title\x1fw(OCoLC)1"),
        ],
    );
    let d = read_one(&rec);
    let f = d.record.data_field("776").unwrap();
    let codes: Vec<char> = f.subfields.iter().map(|s| s.code).collect();
    assert_eq!(codes, ['i', '1', 'w']);
    assert_eq!(f.first('1'), Some("Title"));
    assert_eq!(
        kinds(&d),
        [(
            "776".to_string(),
            crate::WarningKind::SubfieldCodeFolded {
                found: "byte 0xB9".into(),
                code: '1'
            }
        )]
    );
}

#[test]
fn a_subfield_with_a_control_byte_code_is_left_out() {
    // A MARC-8 escape right after the delimiter (as in yaz's marc12.marc).
    let rec = hand_built(b' ', &[("245", b"10\x1faKept\x1f\x1b(BLost\x1fcAlso kept")]);
    let d = read_one(&rec);
    let f = d.record.data_field("245").unwrap();
    assert_eq!(f.subfields.len(), 2);
    assert_eq!(f.first('c'), Some("Also kept"));
    assert_eq!(
        kinds(&d),
        [(
            "245".to_string(),
            crate::WarningKind::SubfieldDropped {
                found: "byte 0x1B".into()
            }
        )]
    );
}

#[test]
fn invalid_utf8_becomes_replacement_characters() {
    let mut out = Vec::new();
    write_record(&sample(), &mut out).unwrap();
    let pos = out.windows(2).position(|w| w == "Æ".as_bytes()).unwrap();
    out[pos] = 0xFF;
    let d = read_one(&out);
    // The field holds UTF-8 (`é`), so it is not MARC-8: 0xFF and the lone
    // continuation byte after it are each U+FFFD.
    assert_eq!(
        d.record.data_field("245").unwrap().first('a'),
        Some("The \u{FFFD}\u{FFFD}gean café :")
    );
    assert_eq!(
        kinds(&d),
        [(
            "245".to_string(),
            crate::WarningKind::InvalidUtf8Replaced { count: 2 }
        )]
    );
}

#[test]
fn a_marc8_field_in_a_utf8_record_is_read_as_marc8() {
    // ruby-marc's marc8_accented_chars.marc: leader/09 says UTF-8, the
    // bytes are MARC-8 (0xE1 grave, 0xE2 acute before their letters).
    let rec = hand_built(
        b'a',
        &[
            ("100", b"1 \x1faSerreau, Genevi\xe1eve."),
            ("245", b"10\x1faHistoire du nouveau th\xe2e\xe3atre."),
            ("500", b"  \x1faPlain ASCII."),
        ],
    );
    let d = read_one(&rec);
    assert_eq!(
        d.record.data_field("100").unwrap().first('a'),
        Some("Serreau, Geneviève.")
    );
    assert_eq!(
        d.record.data_field("245").unwrap().first('a'),
        Some("Histoire du nouveau théâtre.")
    );
    assert_eq!(
        kinds(&d),
        [
            ("100".to_string(), crate::WarningKind::ReadAsMarc8),
            ("245".to_string(), crate::WarningKind::ReadAsMarc8)
        ]
    );
}

#[test]
fn bytes_neither_utf8_nor_marc8_become_replacement_characters() {
    // traject's bad_utf_byte.utf8.marc: 0x80 is no MARC-8 character.
    let rec = hand_built(
        b'a',
        &[(
            "500",
            b"  \x1faThis is a bad byte: '\xc0' and another: '\x80'",
        )],
    );
    let d = read_one(&rec);
    assert_eq!(
        d.record.data_field("500").unwrap().first('a'),
        Some("This is a bad byte: '\u{FFFD}' and another: '\u{FFFD}'")
    );
    assert_eq!(
        kinds(&d),
        [(
            "500".to_string(),
            crate::WarningKind::InvalidUtf8Replaced { count: 2 }
        )]
    );
}

#[test]
fn undecodable_marc8_becomes_replacement_characters() {
    // 0x80 is not a MARC-8 character either.
    let rec = hand_built(b' ', &[("245", b"10\x1faCaf\xe2e \x80 bar")]);
    let d = read_one(&rec);
    let title = d.record.data_field("245").unwrap().first('a').unwrap();
    assert!(title.starts_with("Café "), "{title:?}");
    assert!(
        title.contains('\u{FFFD}') && title.ends_with(" bar"),
        "{title:?}"
    );
    assert!(
        matches!(
            d.warnings[0].kind,
            crate::WarningKind::InvalidMarc8Replaced { count: 1, .. }
        ),
        "{:?}",
        d.warnings
    );
}

/// labelled-network-b: Open Library's `upei_short_008.mrc` as a reader that
/// trusts its leader read it, with a field terminator inside a subfield.
#[test]
fn a_field_terminator_inside_a_value_becomes_a_space() {
    let rec = hand_built(
        b'a',
        &[
            ("001", b"lib01-0000209"),
            ("110", b"  \x1fa(Sirsi) AAY-1602\x1e  \x1faFC2646.18.C"),
        ],
    );
    let d = read_one(&rec);
    let values: Vec<&str> = d.record.data_field("110").unwrap().values('a').collect();
    assert_eq!(values, ["(Sirsi) AAY-1602   ", "FC2646.18.C"]);
    assert_eq!(
        kinds(&d),
        [(
            "110".to_string(),
            crate::WarningKind::ControlCharacterReplaced {
                code: 0x1e,
                count: 1
            }
        )]
    );
}

#[test]
fn clean_records_have_no_warnings() {
    let mut out = Vec::new();
    write_record(&sample(), &mut out).unwrap();
    assert!(read_one(&out).warnings.is_empty());
}

#[test]
fn mislabelled_utf8_is_read_as_utf8() {
    let mut out = Vec::new();
    write_record(&sample(), &mut out).unwrap();
    out[9] = b' '; // leader/09 now claims MARC-8
    let got = read_all(&out);
    let rec = got[0].as_ref().unwrap();
    assert_eq!(
        rec.data_field("245").unwrap().first('a'),
        Some("The Ægean café :")
    );
}

#[test]
fn marc8_record_is_converted_to_nfc() {
    // 0xE2 is the MARC-8 acute accent, written before its base letter.
    let data = b"m1\x1e10\x1faCaf\xe2e\x1e";
    let dir = b"001000300000245001000003\x1e";
    let base = 24 + dir.len();
    let total = base + data.len() + 1;
    let mut rec = format!("{total:05}nam  22{base:05}   4500").into_bytes();
    rec.extend_from_slice(dir);
    rec.extend_from_slice(data);
    rec.push(0x1d);
    let got = read_all(&rec);
    let rec = got[0].as_ref().unwrap();
    assert_eq!(rec.data_field("245").unwrap().first('a'), Some("Caf\u{e9}"));
}

#[test]
fn not_marc_gives_errors_not_panics() {
    for input in [
        &b"hello world, this is not MARC at all"[..],
        b"",
        b"00000",
        b"\x1d\x1d\x1d",
        b"99999nam  2200000   4500\x1d",
    ] {
        let got = read_all(input);
        assert!(got.iter().all(Result::is_err), "{input:?}");
    }
}

#[test]
fn newlines_between_records_are_skipped() {
    let mut out = Vec::new();
    write_record(&sample(), &mut out).unwrap();
    out.extend_from_slice(b"\r\n");
    write_record(&sample(), &mut out).unwrap();
    out.push(b'\n');
    let got = read_all(&out);
    assert_eq!(got.len(), 2);
    assert!(got.iter().all(Result::is_ok));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

    /// Any byte anywhere in a record's fields: the record is read (its
    /// structure is intact) or, when the byte breaks the structure, is one
    /// error; what is read holds only indicators, codes and values that can
    /// be written again in every format.
    #[test]
    fn one_bad_byte_in_a_field_never_loses_the_record(at in 0usize..200, byte in 0u8..=255) {
        let mut out = Vec::new();
        write_record(&sample(), &mut out).unwrap();
        let base: usize = std::str::from_utf8(&out[12..17]).unwrap().parse().unwrap();
        let at = base + at % (out.len() - 1 - base);
        let was = out[at];
        out[at] = byte;
        let got = decode_with_warnings(&out, crate::Position::default());
        // Only a new terminator can change the structure of the data area.
        if !matches!(byte, 0x1d | 0x1e) || was == byte {
            proptest::prop_assert!(got.is_ok(), "{:?}", got);
        }
        if let Ok(d) = got {
            for field in &d.record.fields {
                match field {
                    crate::Field::Control { value, .. } => {
                        proptest::prop_assert!(!value.contains(['\u{1d}', '\u{1e}']), "{:?}", value);
                    }
                    crate::Field::Data(f) => {
                        for c in [f.indicators.first, f.indicators.second] {
                            proptest::prop_assert!(c.is_ascii_graphic() || c == ' ', "{:?}", c);
                        }
                        for s in &f.subfields {
                            proptest::prop_assert!(s.code.is_ascii_graphic() || s.code == ' ');
                            proptest::prop_assert!(
                                !s.value.contains(['\u{1d}', '\u{1e}', '\u{1f}']),
                                "{:?}",
                                s.value
                            );
                        }
                    }
                }
            }
            let mut iso = Vec::new();
            proptest::prop_assert!(write_record(&d.record, &mut iso).is_ok());
            let back = decode_with_warnings(&iso, crate::Position::default());
            proptest::prop_assert_eq!(back.map(|b| b.record.fields), Ok(d.record.fields));
        }
    }
}

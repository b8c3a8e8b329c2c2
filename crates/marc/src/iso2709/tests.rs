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

#[test]
fn bad_indicator_count_is_an_error() {
    let mut r = Record::new();
    r.push_control(Tag::parse("001").unwrap(), "x1");
    let mut out = Vec::new();
    write_record(&r, &mut out).unwrap();
    // Hand-build a record whose 245 has one indicator only.
    let data = b"x1\x1e0\x1faTitle\x1e";
    let dir = b"001000300000245000900003\x1e";
    let base = 24 + dir.len();
    let total = base + data.len() + 1;
    let mut rec = format!("{total:05}nam a22{base:05}   4500").into_bytes();
    rec.extend_from_slice(dir);
    rec.extend_from_slice(data);
    rec.push(0x1d);
    let got = read_all(&rec);
    let err = got[0].as_ref().unwrap_err();
    assert!(
        matches!(err.kind, crate::ErrorKind::BadIndicator { .. }),
        "{err}"
    );
    assert_eq!(err.control_number.as_deref(), Some("x1"));
}

#[test]
fn invalid_utf8_is_an_error() {
    let mut out = Vec::new();
    write_record(&sample(), &mut out).unwrap();
    let pos = out.windows(2).position(|w| w == "Æ".as_bytes()).unwrap();
    out[pos] = 0xFF;
    let got = read_all(&out);
    assert!(matches!(
        got[0].as_ref().unwrap_err().kind,
        crate::ErrorKind::InvalidUtf8 { .. }
    ));
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

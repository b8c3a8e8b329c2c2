use super::*;
use crate::{ErrorKind, Format, Reader, Record};

const ONE: &str = r#"{"leader":"00000nam a2200000 a 4500","fields":[{"001":"j1"},{"245":{"ind1":"1","ind2":"0","subfields":[{"a":"Title"},{"c":"Someone"}]}}]}"#;

fn read(s: &str) -> Vec<Result<Record, crate::RecordError>> {
    Reader::new(s.as_bytes(), Format::MarcJson).collect()
}

#[test]
fn reads_all_three_containers() {
    let array = format!("[{ONE},\n{ONE}]");
    let lines = format!("{ONE}\n{ONE}\n");
    let concatenated = format!("{ONE}{ONE}");
    for input in [array, lines, concatenated] {
        let got = read(&input);
        assert_eq!(got.len(), 2, "{input}");
        for r in got {
            let r = r.unwrap();
            assert_eq!(r.control_number(), Some("j1"));
            assert_eq!(r.data_field("245").unwrap().first('c'), Some("Someone"));
        }
    }
}

#[test]
fn a_bad_object_does_not_stop_the_next() {
    let input = format!(
        "[{ONE}, {{\"leader\": 5, \"fields\": []}}, {{\"fields\": [{{\"245\": 3}}]}}, {ONE}]"
    );
    let got = read(&input);
    assert_eq!(got.len(), 4);
    assert!(got[0].is_ok() && got[3].is_ok());
    assert!(got[1].is_err() && got[2].is_err());
}

#[test]
fn garbage_and_truncation_are_errors() {
    let got = read("this is not json");
    assert_eq!(got.len(), 1);
    assert!(matches!(
        got[0].as_ref().unwrap_err().kind,
        ErrorKind::Json(_)
    ));
    let got = read(&ONE[..ONE.len() - 5]);
    assert!(got[0].is_err());
    // Braces inside strings do not confuse the framer.
    let tricky = ONE.replace("Title", "Ti}t{le \\\" }");
    assert!(read(&tricky)[0].is_ok());
}

fn read_one(s: &str) -> crate::Decoded {
    Reader::new(s.as_bytes(), Format::MarcJson)
        .next_with_warnings()
        .unwrap()
        .unwrap()
}

/// labelled-network-b (lib02.json, lib06.json): Open Library's
/// `upei_short_008.mrc` as a reader that trusted its leader read it, with
/// U+001E in a subfield. Read, with a space for it, between good records.
#[test]
fn a_field_terminator_in_a_subfield_becomes_a_space() {
    let bad = r#"{"leader": "00767cam a2200157   4500", "fields": [{"001": "lib02-0000221"}, {"008": "26004549490040004"}, {"090": {"ind1": "1", "ind2": "0", "subfields": []}}, {"110": {"ind1": " ", "ind2": " ", "subfields": [{"a": "(Sirsi) AAY-1602\u001e  "}, {"a": "FC2646.18.C"}]}}]}"#;
    let input = format!("[{ONE}, {bad}, {ONE}]");
    let got = read(&input);
    assert!(got.iter().all(Result::is_ok), "{got:?}");
    let d = read_one(bad);
    let values: Vec<&str> = d.record.data_field("110").unwrap().values('a').collect();
    assert_eq!(values, ["(Sirsi) AAY-1602   ", "FC2646.18.C"]);
    assert_eq!(d.warnings.len(), 1);
    assert_eq!(
        d.warnings[0].to_string(),
        "record 1 (byte 0) (001 lib02-0000221): field 110: 1 control character(s) (first U+001E) replaced by a space"
    );
    // A subfield delimiter in a control field is kept, as in ISO 2709.
    let d = read_one(r#"{"fields":[{"001":"00\u001fa1"}]}"#);
    assert_eq!(d.record.control_number(), Some("00\u{1f}a1"));
    assert!(d.warnings.is_empty());
}

#[test]
fn bad_indicators_are_blanks_and_bad_codes_are_folded_or_left_out() {
    let d = read_one(
        r#"{"fields":[{"010":{"ind1":"\u0014","ind2":"ab","subfields":[{"a":"x"}]}},
            {"245":{"ind1":"1","ind2":"0","subfields":[{"a":"T"},{"á":"folded"},{"":"lost"},{"\u0007":"lost"},{"c":"kept"}]}}]}"#,
    );
    assert_eq!(
        d.record.data_field("010").unwrap().indicators,
        crate::Indicators::BLANK
    );
    let f = d.record.data_field("245").unwrap();
    let got: Vec<(char, &str)> = f
        .subfields
        .iter()
        .map(|s| (s.code, s.value.as_str()))
        .collect();
    assert_eq!(got, [('a', "T"), ('a', "folded"), ('c', "kept")]);
    let w: Vec<String> = d
        .warnings
        .iter()
        .map(|w| format!("{}: {}", w.tag, w.kind))
        .collect();
    assert_eq!(
        w,
        [
            "010: indicator 1 (ind1 \"\\u{14}\") read as blank",
            "010: indicator 2 (ind2 \"ab\") read as blank",
            "245: subfield code \"á\" read as $a",
            "245: subfield with code \"\" left out",
            "245: subfield with code \"\\u{7}\" left out",
        ]
    );
}

#[test]
fn write_then_read_is_identity() {
    let rec = read(ONE).remove(0).unwrap();
    for container in [Container::Array, Container::Lines] {
        let mut w = Writer::new(Vec::new(), container);
        w.write(&rec).unwrap();
        w.write(&rec).unwrap();
        let out = String::from_utf8(w.finish().unwrap()).unwrap();
        let back = read(&out);
        assert_eq!(back.len(), 2);
        assert_eq!(back[1].as_ref().unwrap().fields, rec.fields);
    }
}

/// Every record both paths read: the fast one must agree with the
/// `serde_json::Value` one exactly, and leave to it what it does not accept.
#[test]
fn the_fast_path_agrees_with_the_value_path() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures");
    let files = [
        "labelled/lib03/records.json",
        "labelled/lib06/records.json",
        "data/traject/test_data.utf8.json",
        "data/recordmanager/marc_formats/marc_in_json.json",
    ];
    let mut compared = 0;
    for file in files {
        let bytes = std::fs::read(format!("{root}/{file}")).unwrap();
        let mut framer = Framer::new(&bytes[..]);
        while let Some(raw) = framer.next_raw() {
            let raw = raw.unwrap();
            let value: serde_json::Value = serde_json::from_slice(&raw.bytes).unwrap();
            let mut repairs = crate::warning::Repairs::default();
            let slow = decode::from_value(&value, &mut repairs);
            match (super::fast::decode(&raw.bytes), slow) {
                (Some(fast), Ok(slow)) => {
                    assert_eq!(fast, slow, "{file}");
                    assert_eq!(
                        repairs.len(),
                        0,
                        "{file}: the fast path read a record with repairs"
                    );
                }
                (None, Err(_)) => {}
                // Only a record that needs repairs leaves the fast path.
                (None, Ok(_)) if repairs.len() > 0 => {}
                (fast, slow) => panic!("{file}: fast {fast:?}, slow {slow:?}"),
            }
            compared += 1;
        }
    }
    assert!(compared > 300, "{compared}");
    // What the fast path leaves to the other, with the same outcome.
    for odd in [
        // An indicator that is not a string reads as blank.
        r#"{"fields":[{"245":{"ind1":1,"subfields":[{"a":"T"}]}}]}"#,
        // A repeated key: the last one wins.
        r#"{"leader":"00000nam a2200000 a 4500","leader":"00000cam a2200000 a 4500","fields":[{"001":"x"}]}"#,
        // Escapes, and a raw newline inside a string (pymarc reads it).
        "{\"fields\":[{\"245\":{\"subfields\":[{\"a\":\"Caf\\u00e9\\n\"},{\"b\":\"two\nlines\"}]}}]}",
        // A delimiter inside a subfield.
        r#"{"fields":[{"245":{"subfields":[{"a":"bad\u001fvalue"}]}}]}"#,
        // Two tags in one field object; a two-letter code; no fields.
        r#"{"fields":[{"245":"a","246":"b"}]}"#,
        r#"{"fields":[{"245":{"subfields":[{"ab":"T"}]}}]}"#,
        r#"{"fields":[]}"#,
    ] {
        let via_value = serde_json::from_slice::<serde_json::Value>(odd.as_bytes())
            .ok()
            .map(|v| decode::from_value(&v, &mut crate::warning::Repairs::default()));
        let got = decode(odd.as_bytes(), crate::Position::default());
        match via_value {
            Some(Ok(expected)) => assert_eq!(got.unwrap(), expected, "{odd}"),
            Some(Err(_)) => assert!(got.is_err(), "{odd}"),
            // Not JSON to serde_json (the raw newline): decode repairs it.
            None => assert!(got.is_ok(), "{odd}"),
        }
    }
}

/// Strings with escaped quotes, backslashes and braces, cut by the reader's
/// buffer at every possible place: each record is framed whole.
#[test]
fn strings_with_escapes_are_framed_whatever_the_buffer_size() {
    let tricky = r#"{"leader":"00000nam a2200000 a 4500","fields":[{"001":"j\"{2"},{"245":{"ind1":"1","ind2":"0","subfields":[{"a":"A \\\"quoted\\\" [title] \\"},{"c":"} ] \\\\ {"}]}}]}"#;
    let input = format!("[{tricky},\n{ONE},{tricky}]");
    let expected: Vec<Vec<u8>> = {
        let mut framer = Framer::new(input.as_bytes());
        std::iter::from_fn(|| framer.next_raw())
            .map(|r| r.unwrap().bytes)
            .collect()
    };
    assert_eq!(expected.len(), 3);
    assert_eq!(expected[0], tricky.as_bytes());
    let record = decode(
        &expected[0],
        crate::Position {
            record: 1,
            offset: 0,
        },
    )
    .unwrap();
    assert_eq!(record.control_number(), Some("j\"{2"));
    assert_eq!(
        record.data_field("245").unwrap().first('c'),
        Some("} ] \\\\ {")
    );
    for capacity in 1..=17 {
        let reader = std::io::BufReader::with_capacity(capacity, input.as_bytes());
        let mut framer = Framer::new(reader);
        let got: Vec<Vec<u8>> = std::iter::from_fn(|| framer.next_raw())
            .map(|r| r.unwrap().bytes)
            .collect();
        assert_eq!(got, expected, "buffer of {capacity} bytes");
    }
}

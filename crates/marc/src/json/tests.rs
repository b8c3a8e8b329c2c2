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

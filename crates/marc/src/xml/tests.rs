use super::*;
use crate::{ErrorKind, Format, Reader, Record};

fn read(xml: &str) -> Vec<Result<Record, crate::RecordError>> {
    Reader::new(xml.as_bytes(), Format::MarcXml).collect()
}

const TWO: &str = r#"<?xml version="1.0"?>
<collection xmlns="http://www.loc.gov/MARC21/slim">
 <record><leader>00000nam a2200000 a 4500</leader>
  <controlfield tag="001">one</controlfield>
  <datafield tag="245" ind1="1" ind2="0"><subfield code="a">Fish &amp; chips &#233;</subfield></datafield>
 </record>
 <record><leader>00000nam a2200000 a 4500</leader>
  <controlfield tag="001">two</controlfield>
 </record>
</collection>"#;

#[test]
fn reads_a_collection() {
    let got = read(TWO);
    assert_eq!(got.len(), 2);
    let one = got[0].as_ref().unwrap();
    assert_eq!(
        one.data_field("245").unwrap().first('a'),
        Some("Fish & chips é")
    );
    assert_eq!(got[1].as_ref().unwrap().control_number(), Some("two"));
}

#[test]
fn reads_prefixed_and_bare_records() {
    let prefixed = TWO
        .replace("<record", "<marc:record")
        .replace("</record", "</marc:record")
        .replace("<leader", "<marc:leader")
        .replace("</leader", "</marc:leader")
        .replace("<controlfield", "<marc:controlfield")
        .replace("</controlfield", "</marc:controlfield")
        .replace("<datafield", "<marc:datafield")
        .replace("</datafield", "</marc:datafield")
        .replace("<subfield", "<marc:subfield")
        .replace("</subfield", "</marc:subfield")
        .replace("xmlns=", "xmlns:marc=");
    let got = read(&prefixed);
    assert_eq!(got.len(), 2);
    assert!(got.iter().all(Result::is_ok));
    let bare = r#"<record><leader>00000nam a2200000 a 4500</leader><controlfield tag="001">b</controlfield></record>"#;
    assert_eq!(read(bare)[0].as_ref().unwrap().control_number(), Some("b"));
}

#[test]
fn reads_oai_wrapped_records() {
    let oai = r#"<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords>
    <record><header><identifier>oai:x:1</identifier></header><metadata>
      <record xmlns="http://www.loc.gov/MARC21/slim"><leader>00000nam a2200000 a 4500</leader>
      <controlfield tag="001">r1</controlfield></record></metadata></record>
    <record><header><identifier>oai:x:2</identifier></header><metadata>
      <marc:record xmlns:marc="http://www.loc.gov/MARC21/slim"><marc:leader>00000nam a2200000 a 4500</marc:leader>
      <marc:controlfield tag="001">r2</marc:controlfield></marc:record></metadata></record>
    </ListRecords></OAI-PMH>"#;
    let got = read(oai);
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].as_ref().unwrap().control_number(), Some("r1"));
    assert_eq!(got[1].as_ref().unwrap().control_number(), Some("r2"));
}

#[test]
fn unterminated_element_is_one_error_and_reading_goes_on() {
    let xml = r#"<collection>
 <record><leader>00000nam a2200000 a 4500</leader><controlfield tag="001">a</controlfield>
   <datafield tag="245" ind1="0" ind2="0"><subfield code="a">Broken</datafield></record>
 <record><leader>00000nam a2200000 a 4500</leader><controlfield tag="001">b</controlfield>
   <datafield tag="245" ind1="0" ind2="0"><subfield code="a">never closed
 <record><leader>00000nam a2200000 a 4500</leader><controlfield tag="001">c</controlfield></record>
</collection>"#;
    let got = read(xml);
    assert_eq!(got.len(), 3, "{got:?}");
    assert!(matches!(
        got[0].as_ref().unwrap_err().kind,
        ErrorKind::Xml(_)
    ));
    let e = got[1].as_ref().unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Xml(_)));
    assert_eq!(e.control_number.as_deref(), Some("b"));
    assert_eq!(got[2].as_ref().unwrap().control_number(), Some("c"));
}

fn read_one(xml: &str) -> crate::Decoded {
    let mut reader = Reader::new(xml.as_bytes(), Format::MarcXml);
    reader.next_with_warnings().unwrap().unwrap()
}

fn kinds(d: &crate::Decoded) -> Vec<(String, crate::WarningKind)> {
    d.warnings
        .iter()
        .map(|w| (w.tag.to_string(), w.kind.clone()))
        .collect()
}

/// Koha's record 369 (a danMARC record in control fields): read, with its
/// subfield delimiters as spaces, and the next record loads.
#[test]
fn control_characters_become_spaces_with_a_warning() {
    let xml = "<collection><record><leader>00000nam a2200000 a 4500</leader><controlfield tag=\"001\">00\u{1f}a1</controlfield></record>\
               <record><leader>00000nam a2200000 a 4500</leader><controlfield tag=\"001\">ok</controlfield></record></collection>";
    let got = read(xml);
    assert_eq!(got[0].as_ref().unwrap().control_number(), Some("00 a1"));
    assert!(got[1].is_ok());
    let d = read_one(xml);
    assert_eq!(
        kinds(&d),
        [(
            "001".to_string(),
            crate::WarningKind::ControlCharacterReplaced {
                code: 0x1f,
                count: 1
            }
        )]
    );
    assert_eq!(d.warnings[0].control_number.as_deref(), Some("00 a1"));
}

/// labelled-network-b: the record of Open Library's `upei_short_008.mrc` as
/// a reader that trusted its leader read it, with a raw field terminator in
/// 110 (ill-formed XML 1.0), between two good records.
#[test]
fn upei_short_008_in_marcxml_is_read_leniently_and_its_neighbours_load() {
    let bad = "<record><leader>00767cam a2200157   4500</leader><controlfield tag=\"001\">lib00-0000213</controlfield>\
        <controlfield tag=\"008\">26004549490040004</controlfield><datafield ind1=\"1\" ind2=\"0\" tag=\"090\" />\
        <datafield ind1=\" \" ind2=\" \" tag=\"110\"><subfield code=\"a\">(Sirsi) AAY-1602\u{1e}  </subfield><subfield code=\"a\">FC2646.18.C</subfield></datafield>\
        <datafield ind1=\"3\" ind2=\" \" tag=\"245\"><subfield code=\"a\">Charlottetown Area </subfield></datafield></record>";
    let good = "<record><leader>00000nam a2200000 a 4500</leader><controlfield tag=\"001\">ok</controlfield></record>";
    let xml = format!("<collection>{good}{bad}{good}</collection>");
    let got = read(&xml);
    assert_eq!(got.len(), 3);
    assert!(got.iter().all(Result::is_ok), "{got:?}");
    let mut reader = Reader::new(xml.as_bytes(), Format::MarcXml);
    assert!(
        reader
            .next_with_warnings()
            .unwrap()
            .unwrap()
            .warnings
            .is_empty()
    );
    let d = reader.next_with_warnings().unwrap().unwrap();
    let values: Vec<&str> = d.record.data_field("110").unwrap().values('a').collect();
    assert_eq!(values, ["(Sirsi) AAY-1602   ", "FC2646.18.C"]);
    assert_eq!(d.warnings.len(), 1);
    let offset = "<collection>".len() + good.len();
    assert_eq!(
        d.warnings[0].to_string(),
        format!(
            "record 2 (byte {offset}) (001 lib00-0000213): field 110: 1 control character(s) (first U+001E) replaced by a space"
        )
    );
}

#[test]
fn bad_indicators_are_blanks_and_bad_codes_are_folded_or_left_out() {
    let xml = r#"<record><leader>00000nam a2200000 a 4500</leader><controlfield tag="001">w1</controlfield>
      <datafield tag="010" ind1="ab" ind2="é"><subfield code="a">  85000001 </subfield></datafield>
      <datafield tag="245" ind1="1" ind2="0"><subfield code="a">Title</subfield><subfield code="é">folded</subfield>
        <subfield code="">lost</subfield><subfield code="xy">lost too</subfield><subfield>no code</subfield><subfield code="c">kept</subfield></datafield>
    </record>"#;
    let d = read_one(xml);
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
    assert_eq!(got, [('a', "Title"), ('e', "folded"), ('c', "kept")]);
    let w: Vec<String> = d
        .warnings
        .iter()
        .map(|w| format!("{}: {}", w.tag, w.kind))
        .collect();
    assert_eq!(
        w,
        [
            "010: indicator 1 (ind1 \"ab\") read as blank",
            "010: indicator 2 (ind2 \"é\") read as blank",
            "245: subfield code \"é\" read as $e",
            "245: subfield with code \"\" left out",
            "245: subfield with code \"xy\" left out",
            "245: subfield with code (missing) left out",
        ]
    );
}

/// ruby-marc's `three-records-second-bad.xml`: a BEL (0x07) as a subfield
/// code. The subfield is left out; the rest of the record loads.
#[test]
fn a_control_character_code_leaves_out_only_its_subfield() {
    let xml = "<record><leader>00000njm a2200000 a 4500</leader><datafield tag=\"245\" ind1=\"0\" ind2=\"4\">\
        <subfield code=\"a\">The Texas ranger</subfield><subfield code=\"\u{7}\">[sound recording] /</subfield>\
        <subfield code=\"c\">Sung by Beale D. Taylor.</subfield></datafield></record>";
    let d = read_one(xml);
    let f = d.record.data_field("245").unwrap();
    assert_eq!(f.subfields.len(), 2);
    assert_eq!(f.first('c'), Some("Sung by Beale D. Taylor."));
    assert!(matches!(
        d.warnings[..],
        [crate::RecordWarning {
            kind: crate::WarningKind::SubfieldDropped { .. },
            ..
        }]
    ));
}

#[test]
fn a_control_character_in_the_leader_is_still_an_error() {
    let xml = "<record><leader>00000nam a22\u{1}0000 a 4500</leader><controlfield tag=\"001\">x</controlfield></record>";
    assert!(matches!(
        read(xml)[0].as_ref().unwrap_err().kind,
        ErrorKind::ControlCharacter { code: 1, .. }
    ));
}

#[test]
fn entities_are_not_expanded() {
    let xml = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>
<collection><record><leader>00000nam a2200000 a 4500</leader><controlfield tag="001">&lol2;</controlfield></record></collection>"#;
    let got = read(xml);
    assert_eq!(got.len(), 1);
    assert!(matches!(
        got[0].as_ref().unwrap_err().kind,
        ErrorKind::Xml(_)
    ));
}

#[test]
fn bad_leader_and_tag_are_errors() {
    let xml = r#"<collection><record><leader>01301nam a22003618&lt; 4500</leader><controlfield tag="001">a</controlfield></record>
      <record><leader>00000nam a2200000 a 4500</leader><datafield tag="42" ind1=" " ind2=" "><subfield code="a">x</subfield></datafield></record></collection>"#;
    let got = read(xml);
    assert!(matches!(
        got[0].as_ref().unwrap_err().kind,
        ErrorKind::BadLeader(_)
    ));
    assert!(matches!(
        got[1].as_ref().unwrap_err().kind,
        ErrorKind::BadTag(_)
    ));
}

#[test]
fn write_then_read_is_identity() {
    let rec = read(TWO).remove(0).unwrap();
    let mut w = Writer::new(Vec::new());
    w.write(&rec).unwrap();
    let out = String::from_utf8(w.finish().unwrap()).unwrap();
    let back = read(&out).remove(0).unwrap();
    assert_eq!(back.fields, rec.fields);
}

#[test]
fn truncated_input_is_an_error() {
    let cut = TWO.find("</record>").unwrap() + 60;
    let got = read(&TWO[..cut]);
    assert_eq!(got.len(), 2);
    assert!(got[0].is_ok());
    assert!(got.last().unwrap().is_err());
}

mod fast_path {
    //! The fast path must give quick-xml's answer: the same record, or
    //! (by handing the record back) the same error.
    use super::super::decode::decode_with_quick_xml;
    use super::super::{Framer, decode, fast};
    use crate::{Position, Record};
    use proptest::prelude::*;
    use std::path::{Path, PathBuf};

    fn xml_files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                xml_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "xml") {
                out.push(path);
            }
        }
    }

    /// Every `<record>` chunk of every MARCXML file in `fixtures/`.
    fn fixture_chunks() -> Vec<(PathBuf, Vec<u8>)> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
        let mut files = Vec::new();
        xml_files(&root, &mut files);
        files.sort();
        let mut chunks = Vec::new();
        for path in files {
            let bytes = std::fs::read(&path).unwrap();
            let mut framer = Framer::new(&bytes[..]);
            while let Some(raw) = framer.next_raw() {
                if let Ok(raw) = raw {
                    chunks.push((path.clone(), raw.bytes));
                }
            }
        }
        chunks
    }

    fn position() -> Position {
        Position {
            record: 1,
            offset: 0,
        }
    }

    /// The public decoder and quick-xml alone agree on `bytes`.
    fn agree(bytes: &[u8]) -> Result<(), String> {
        let slow = decode_with_quick_xml(bytes);
        let public = decode(bytes, position()).map_err(|e| e.kind);
        if public != slow {
            return Err(format!("quick-xml: {slow:?}\nfast path first: {public:?}"));
        }
        Ok(())
    }

    #[test]
    fn reads_every_fixture_record_as_quick_xml_does() {
        let chunks = fixture_chunks();
        let (mut read, mut fast_read) = (0, 0);
        for (path, bytes) in &chunks {
            if let Err(e) = agree(bytes) {
                panic!("{}: {e}", path.display());
            }
            if decode_with_quick_xml(bytes).is_ok() {
                read += 1;
                let mut record = Record::default();
                if let Ok(text) = std::str::from_utf8(bytes)
                    && fast::decode(text, &mut record).is_some()
                {
                    fast_read += 1;
                }
            }
        }
        // The fixtures hold thousands of real records from many systems;
        // nearly all have the plain shape the fast path reads.
        assert!(read > 2000, "{read} records");
        assert!(
            fast_read * 10 >= read * 9,
            "fast path read {fast_read} of {read}"
        );
    }

    const RECORD: &str = r#"<marc:record xmlns:marc="http://www.loc.gov/MARC21/slim"><marc:leader>00000cam a2200000 a 4500</marc:leader>
  <marc:controlfield tag="001">rec 1</marc:controlfield>
  <marc:datafield tag="245" ind1="1" ind2="0">
    <marc:subfield code="a">Fish &amp; chips &#233;&#x41; &lt;b&gt; &quot;q&quot; &apos;</marc:subfield>
    <marc:subfield code='b'>with 'single' quotes</marc:subfield>
    <marc:subfield code="c"/>
  </marc:datafield>
  <marc:datafield ind2="4" tag="650" ind1=" "><marc:subfield code="a">Cats.</marc:subfield></marc:datafield>
  <marc:datafield tag="500" ind1="" ind2=" "/>
</marc:record>"#;

    #[test]
    fn reads_entities_quotes_prefixes_and_empty_elements() {
        let mut record = Record::default();
        assert!(fast::decode(RECORD, &mut record).is_some());
        assert_eq!(
            record.data_field("245").unwrap().first('a'),
            Some("Fish & chips éA <b> \"q\" '")
        );
        assert_eq!(Ok(record), decode_with_quick_xml(RECORD.as_bytes()));
    }

    #[test]
    fn leaves_every_other_shape_to_quick_xml() {
        let cases = [
            RECORD.replace("rec 1", "rec<!-- c -->1"),
            RECORD.replace("rec 1", "<![CDATA[rec 1]]>"),
            RECORD.replace("rec 1", "rec\r\n1"),
            RECORD.replace("rec 1", "rec &nbsp; 1"),
            RECORD.replace("rec 1", "rec &#0; 1"),
            RECORD.replace("rec 1", "rec &#xD800; 1"),
            RECORD.replace("rec 1", "rec &amp 1"),
            RECORD.replace("rec 1", "rec \u{1} 1"),
            RECORD.replace("</marc:controlfield>", "</marc:datafield>"),
            RECORD.replace("</marc:controlfield>", "</marc:controlfield >"),
            RECORD.replace("tag=\"001\"", "tag=\"01\""),
            RECORD.replace("tag=\"001\"", "tag=001"),
            RECORD.replace("tag=\"001\"", "tag=\"0&#48;1\""),
            RECORD.replace("ind1=\"1\"", "ind1=\"12\""),
            RECORD.replace("ind1=\"1\"", "ind1=\"1\" ind1=\"2\""),
            RECORD.replace("ind1=\"1\"", "ind1=\"1\"ind2=\"2\""),
            RECORD.replace("code=\"a\"", "code=\"\""),
            RECORD.replace("<marc:leader>", "<marc:leader>0"),
            RECORD.replace("<marc:leader>", "<!-- before --><marc:leader>"),
            RECORD.replace("<marc:leader>00000cam a2200000 a 4500</marc:leader>", ""),
            RECORD.replace(
                "</marc:record>",
                "<marc:leader>00000nam a2200000 a 4500</marc:leader></marc:record>",
            ),
            RECORD.replace("</marc:record>", "<other/></marc:record>"),
            RECORD.replace("</marc:record>", "</marc:record>trailing"),
            RECORD.replace(
                "<marc:subfield code=\"c\"/>",
                "text<marc:subfield code=\"c\"/>",
            ),
            RECORD.replace("<marc:subfield code=\"c\"/>", ""),
            r#"<record><datafield tag="245" ind1="0" ind2="0"></datafield></record>"#.into(),
            "<record/>".into(),
            "<record></record>".into(),
            r#"<?xml version="1.0"?><record><controlfield tag="001">x</controlfield></record>"#
                .into(),
            r#"<a:b:record><controlfield tag="001">x</controlfield></a:b:record>"#.into(),
        ];
        for case in &cases {
            if let Err(e) = agree(case.as_bytes()) {
                panic!("{case}\n{e}");
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Break a real record anywhere: both readers still agree.
        #[test]
        fn agrees_with_quick_xml_on_damaged_records(
            at in 0usize..RECORD.len(),
            what in 0usize..20,
            len in 0usize..12,
        ) {
            let inserts: [&str; 16] = [
                "<", ">", "&", "\"", "'", "/", " ", "\r", "\n", ";", "#", "=", ":", "\u{1}",
                "\u{1e}", "é",
            ];
            let mut bytes = RECORD.as_bytes().to_vec();
            match what {
                0..16 => {
                    bytes.splice(at..at, inserts[what].bytes());
                }
                16 | 17 => {
                    bytes.drain(at..(at + len).min(bytes.len()));
                }
                _ => {
                    let end = (at + len).min(bytes.len());
                    let copy = bytes[at..end].to_vec();
                    bytes.splice(at..at, copy);
                }
            }
            prop_assert!(agree(&bytes).is_ok(), "{}\n{:?}", String::from_utf8_lossy(&bytes), agree(&bytes));
            // What is read leniently can be written as XML 1.0 again.
            if let Ok(record) = decode(&bytes, position()) {
                prop_assert!(!record.has_xml_illegal_chars(), "{}", String::from_utf8_lossy(&bytes));
            }
        }
    }
}

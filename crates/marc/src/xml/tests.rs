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

#[test]
fn control_characters_are_an_error() {
    let xml = "<collection><record><leader>00000nam a2200000 a 4500</leader><controlfield tag=\"001\">00\u{1f}a1</controlfield></record>\
               <record><leader>00000nam a2200000 a 4500</leader><controlfield tag=\"001\">ok</controlfield></record></collection>";
    let got = read(xml);
    assert!(matches!(
        got[0].as_ref().unwrap_err().kind,
        ErrorKind::ControlCharacter { code: 0x1f, .. }
    ));
    assert!(got[1].is_ok());
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

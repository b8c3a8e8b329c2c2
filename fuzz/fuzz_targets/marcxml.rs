//! Any bytes read as MarcXml: the reader yields records (with the warnings of
//! what it repaired) or per-record errors and never panics; a record it
//! yields holds no character XML 1.0 cannot carry, and can be written back
//! in all three formats.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unicat_marc::{Format, Reader};

fuzz_target!(|data: &[u8]| {
    let mut reader = Reader::new(data, Format::MarcXml);
    while let Some(item) = reader.next_with_warnings() {
        let Ok(decoded) = item else { continue };
        let record = decoded.record;
        assert!(!record.has_xml_illegal_chars());
        let mut iso = Vec::new();
        let _ = unicat_marc::iso2709::write_record(&record, &mut iso);
        let mut xml = String::new();
        unicat_marc::xml::write_record(&record, &mut xml, true);
        let mut json = Vec::new();
        unicat_marc::json::write_record(&record, &mut json);
    }
});

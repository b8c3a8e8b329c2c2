//! Any bytes read as Iso2709: the reader yields records (with the warnings of
//! what it repaired) or per-record errors and never panics; a record it
//! yields holds no MARC terminator in a value, and can be written back in all
//! three formats.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unicat_marc::{Field, Format, Reader};

fuzz_target!(|data: &[u8]| {
    let mut reader = Reader::new(data, Format::Iso2709);
    while let Some(item) = reader.next_with_warnings() {
        let Ok(decoded) = item else { continue };
        let record = decoded.record;
        for w in &decoded.warnings {
            assert!(w.position.record > 0, "{w}");
        }
        for field in &record.fields {
            match field {
                Field::Control { value, .. } => {
                    assert!(!value.contains(['\u{1d}', '\u{1e}']), "{value:?}")
                }
                Field::Data(d) => {
                    for s in &d.subfields {
                        assert!(!s.value.contains(['\u{1d}', '\u{1e}', '\u{1f}']), "{s:?}");
                    }
                }
            }
        }
        let mut iso = Vec::new();
        let _ = unicat_marc::iso2709::write_record(&record, &mut iso);
        let mut xml = String::new();
        unicat_marc::xml::write_record(&record, &mut xml, true);
        let mut json = Vec::new();
        unicat_marc::json::write_record(&record, &mut json);
    }
});

//! Any bytes read as MarcJson: the reader yields records or per-record errors and
//! never panics; every record it yields can be written back in all three formats.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unicat_marc::{Format, Reader};

fuzz_target!(|data: &[u8]| {
    for record in Reader::new(data, Format::MarcJson).flatten() {
        let mut iso = Vec::new();
        let _ = unicat_marc::iso2709::write_record(&record, &mut iso);
        let mut xml = String::new();
        unicat_marc::xml::write_record(&record, &mut xml, true);
        let mut json = Vec::new();
        unicat_marc::json::write_record(&record, &mut json);
    }
});

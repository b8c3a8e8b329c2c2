//! Any bytes as MARC-8: a string or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = unicat_marc8::marc8_to_unicode(data);
    let _ = unicat_marc8::marc8_to_unicode_lossy(data);
});

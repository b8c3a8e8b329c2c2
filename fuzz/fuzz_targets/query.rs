//! Any text as the librarians' query language: a query tree or an error
//! that says where and why, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = unicat_catalog::query::parse(text);
    }
});

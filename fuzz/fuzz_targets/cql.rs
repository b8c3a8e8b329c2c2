//! Any text as CQL: a tree or a diagnostic, never a panic; a tree renders
//! back to CQL that parses again.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(query) = unicat_cql::parse(text)
    {
        let _ = query.to_xcql();
        let again = query.to_string();
        assert!(unicat_cql::parse(&again).is_ok(), "display output does not parse: {again:?}");
    }
});

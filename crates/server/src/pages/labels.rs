//! Words for people: format and language names, availability, counts.

use unicat_bib::MaterialFormat;
use unicat_catalog::{ClusterDoc, Holding};

/// A format code's label (`large-print` → "Large print"); unknown codes as
/// they are.
pub(crate) fn format(code: &str) -> String {
    MaterialFormat::parse(code)
        .map(|f| f.label().to_string())
        .unwrap_or_else(|| code.to_string())
}

/// A MARC language code's English name (`fre` → "French"); codes not in the
/// table are shown in capitals.
pub(crate) fn language(code: &str) -> String {
    let code = code.trim().to_ascii_lowercase();
    let name = match code.as_str() {
        "eng" => "English",
        "fre" | "fra" => "French",
        "ger" | "deu" => "German",
        "spa" => "Spanish",
        "ita" => "Italian",
        "por" => "Portuguese",
        "dut" | "nld" => "Dutch",
        "swe" => "Swedish",
        "nor" => "Norwegian",
        "dan" => "Danish",
        "fin" => "Finnish",
        "ice" | "isl" => "Icelandic",
        "pol" => "Polish",
        "cze" | "ces" => "Czech",
        "slo" | "slk" => "Slovak",
        "hun" => "Hungarian",
        "rum" | "ron" => "Romanian",
        "bul" => "Bulgarian",
        "scr" | "hrv" => "Croatian",
        "scc" | "srp" => "Serbian",
        "slv" => "Slovenian",
        "rus" => "Russian",
        "ukr" => "Ukrainian",
        "gre" | "ell" => "Greek, Modern",
        "grc" => "Greek, Ancient",
        "lat" => "Latin",
        "heb" => "Hebrew",
        "yid" => "Yiddish",
        "ara" => "Arabic",
        "per" | "fas" => "Persian",
        "tur" => "Turkish",
        "urd" => "Urdu",
        "hin" => "Hindi",
        "ben" => "Bengali",
        "pan" => "Panjabi",
        "tam" => "Tamil",
        "chi" | "zho" => "Chinese",
        "jpn" => "Japanese",
        "kor" => "Korean",
        "vie" => "Vietnamese",
        "tha" => "Thai",
        "ind" => "Indonesian",
        "may" | "msa" => "Malay",
        "tgl" => "Tagalog",
        "hmn" => "Hmong",
        "som" => "Somali",
        "swa" => "Swahili",
        "amh" => "Amharic",
        "hat" => "Haitian French Creole",
        "wel" | "cym" => "Welsh",
        "gle" => "Irish",
        "gla" => "Scottish Gaelic",
        "cat" => "Catalan",
        "baq" | "eus" => "Basque",
        "epo" => "Esperanto",
        "nav" => "Navajo",
        "mul" => "Multiple languages",
        "und" => "Undetermined",
        "zxx" => "No linguistic content",
        _ => return code.to_ascii_uppercase(),
    };
    name.to_string()
}

/// A whole number with thousands separators (`12,345`).
pub(crate) fn number(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "1 library", "6 libraries".
pub(crate) fn count(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", number(n), if n == 1 { one } else { many })
}

/// A holding's status, as a patron reads it, and a CSS class for its badge.
pub(crate) fn status(h: &Holding) -> (&'static str, &'static str) {
    match h.status.as_str() {
        "available" => ("Available", "available"),
        "checked_out" => ("Checked out", "checked-out"),
        "unavailable" => ("Unavailable", "unavailable"),
        _ => ("Ask the library", "unknown"),
    }
}

/// Copies at a holding: "2 of 3 available", "3 copies", "1 available";
/// None when the library does not say.
pub(crate) fn copies(h: &Holding) -> Option<String> {
    match (h.items, h.available) {
        (Some(items), Some(available)) => Some(format!("{available} of {items} available")),
        (Some(items), None) => Some(count(u64::from(items), "copy", "copies")),
        (None, Some(available)) => Some(format!("{available} available")),
        (None, None) => None,
    }
}

/// Who holds a cluster, in a line: "Held by 6 libraries", and how many of
/// them report a copy available now ("available at 3"), when any report.
pub(crate) fn held(doc: &ClusterDoc) -> (String, Option<String>) {
    let mut libraries: Vec<&str> = doc.libraries().collect();
    libraries.sort_unstable();
    libraries.dedup();
    let mut available: Vec<&str> = doc
        .holdings
        .iter()
        .filter(|h| h.status == "available")
        .map(|h| h.library.as_str())
        .collect();
    available.sort_unstable();
    available.dedup();
    let known = doc.holdings.iter().any(|h| {
        matches!(
            h.status.as_str(),
            "available" | "checked_out" | "unavailable"
        )
    });
    let held = format!(
        "Held by {}",
        count(libraries.len() as u64, "library", "libraries")
    );
    let availability = if libraries.len() == 1 && !available.is_empty() {
        Some("available now".to_string())
    } else if !available.is_empty() {
        Some(format!("available at {}", number(available.len() as u64)))
    } else if known {
        Some("none available right now".to_string())
    } else {
        None
    };
    (held, availability)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_words() {
        assert_eq!(number(0), "0");
        assert_eq!(number(999), "999");
        assert_eq!(number(1000), "1,000");
        assert_eq!(number(1234567), "1,234,567");
        assert_eq!(count(1, "library", "libraries"), "1 library");
        assert_eq!(count(6, "library", "libraries"), "6 libraries");
        assert_eq!(language("fre"), "French");
        assert_eq!(language("xyz"), "XYZ");
        assert_eq!(format("large-print"), "Large print");
    }
}

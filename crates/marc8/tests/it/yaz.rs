//! Cross-check against YAZ, an independent MARC-8 decoder (Index Data, C).
//!
//! `fixtures/marc8/yaz/marcN.marc` are the MARC-8 records of YAZ's test suite
//! and `marcN.xml` what `yaz-marcdump -f marc-8 -t utf-8 -o marcxml` made of
//! them. Every data subfield is decoded here (one call per subfield, as a record
//! reader would) and compared, in NFC, with YAZ's text. Unlike pymarc's table,
//! these records exercise ANSEL: `marc7` is a Voyager test record holding every
//! ANSEL character, spacing and combining, plus Greek symbols, subscripts and
//! superscripts; `marc9` has Arabic and ANSEL diacritics; `marc12` is a Chinese
//! record with EACC, ANSEL and Basic Greek.

use unicat_marc8::{ErrorReason, marc8_to_unicode, marc8_to_unicode_lossy};
use unicode_normalization::UnicodeNormalization;

use crate::read;

/// One data subfield: tag, subfield code, content.
type Subfield<T> = (String, char, T);

/// The data subfields of the first record of an ISO 2709 file, raw bytes.
pub(crate) fn iso2709_subfields(record: &[u8]) -> Vec<Subfield<Vec<u8>>> {
    let ascii_number = |bytes: &[u8]| -> usize {
        std::str::from_utf8(bytes)
            .ok()
            .and_then(|text| text.parse().ok())
            .unwrap_or_else(|| panic!("bad ISO 2709 number {bytes:?}"))
    };
    let base = ascii_number(&record[12..17]);
    let directory = &record[24..base - 1];
    let mut subfields = Vec::new();
    for entry in directory.chunks(12) {
        let tag = String::from_utf8_lossy(&entry[..3]).into_owned();
        let length = ascii_number(&entry[3..7]);
        let start = base + ascii_number(&entry[7..12]);
        let field = &record[start..start + length];
        let field = field.strip_suffix(&[0x1E]).unwrap_or(field);
        if tag.starts_with("00") {
            continue;
        }
        // Indicators, then 0x1F-delimited subfields. `marc12`'s 880 summary
        // has two stray delimiters, followed by `ESC $ 1` and by a space where a
        // subfield code should be; YAZ keeps such a piece as data of the
        // subfield before it (dropping the 0x1F), and so does this reader.
        for piece in field[2..].split(|&byte| byte == 0x1F).skip(1) {
            match (piece.split_first(), subfields.last_mut()) {
                (Some((&code, data)), _) if code.is_ascii_alphanumeric() => {
                    subfields.push((tag.clone(), char::from(code), data.to_vec()));
                }
                (_, Some((last_tag, _, last_data))) if *last_tag == tag => {
                    last_data.extend_from_slice(piece);
                }
                _ => panic!("{tag}: field starts with an invalid subfield code"),
            }
        }
    }
    subfields
}

/// The data subfields of YAZ's MARCXML output, in document order. YAZ writes
/// one element per line in a fixed form, so plain string scanning suffices.
fn marcxml_subfields(xml: &str) -> Vec<Subfield<String>> {
    let mut subfields = Vec::new();
    let mut tag = String::new();
    for line in xml.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("<datafield tag=\"") {
            tag = rest.chars().take(3).collect();
        } else if let Some(rest) = line.strip_prefix("<subfield code=\"") {
            let (code, rest) = rest.split_at(1);
            let text = rest
                .strip_prefix("\">")
                .and_then(|rest| rest.strip_suffix("</subfield>"))
                .unwrap_or_else(|| panic!("unexpected MARCXML line {line:?}"));
            let code = code.chars().next().unwrap_or_default();
            subfields.push((tag.clone(), code, unescape(text)));
        }
    }
    subfields
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

fn nfc(text: &str) -> String {
    text.nfc().collect()
}

/// Where this crate and YAZ deliberately differ, applied to our output before
/// comparing:
///
/// * C0 control characters: we pass them through, YAZ's MARCXML writer drops
///   them (XML 1.0 cannot carry them). `marc12` has stray form feeds (0x0C)
///   between EACC runs.
/// * An unpaired second half of a ligature or double tilde: we keep the code
///   table's `alt` mapping (U+FE21, U+FE23), YAZ drops it (LC's `ucs` for it is
///   empty). `marc7`'s list of characters shows the ligature's second half (EC)
///   alone. Paired halves agree: one U+0361 or U+0360 after the first letter,
///   as for `marc7`'s double tilde (FA, then FB).
/// * Undecodable bytes: we substitute U+FFFD (lossy) or fail (strict), YAZ drops
///   them silently; see `KNOWN_BAD`.
fn align_with_yaz(ours: &str) -> String {
    ours.chars()
        .filter(|&ch| !ch.is_ascii_control() && !matches!(ch, '\u{FE21}' | '\u{FE23}' | '\u{FFFD}'))
        .collect()
}

/// Subfields whose MARC-8 is invalid: (file, tag, code, errors). An 880 of
/// `marc12` (the Chinese form of a 500 note) has `0xFD 0xFD` between EACC
/// characters, with G1 = ANSEL, where 0xFD is unassigned: corrupted data.
const KNOWN_BAD: [(&str, &str, char, usize); 1] = [("marc12", "880", 'a', 2)];

#[test]
fn yaz_cross_check() {
    let mut compared = 0;
    let mut failures = Vec::new();
    let mut bad_seen = Vec::new();
    let mut aligned = Vec::new();
    for name in ["marc6", "marc7", "marc8", "marc9", "marc12"] {
        let record = read(&format!("yaz/{name}.marc"));
        let xml = String::from_utf8(read(&format!("yaz/{name}.xml"))).expect("UTF-8 MARCXML");
        let ours = iso2709_subfields(&record);
        let theirs = marcxml_subfields(&xml);
        assert_eq!(ours.len(), theirs.len(), "{name}: subfield count");
        for ((tag, code, data), (their_tag, their_code, expected)) in ours.iter().zip(&theirs) {
            assert_eq!((tag, code), (their_tag, their_code), "{name}: field order");
            let (text, errors) = marc8_to_unicode_lossy(data);
            if !errors.is_empty() {
                assert!(
                    errors
                        .iter()
                        .all(|e| matches!(e.reason, ErrorReason::Unassigned { .. })),
                    "{name} {tag} ${code}: {errors:?}"
                );
                assert!(marc8_to_unicode(data).is_err());
                bad_seen.push((name, tag.clone(), *code, errors.len()));
            }
            compared += 1;
            if nfc(&text) != nfc(expected) {
                aligned.push(format!("{name} {tag} ${code}"));
            }
            if nfc(&align_with_yaz(&text)) != nfc(expected) {
                failures.push(format!(
                    "{name} {tag} ${code}: yaz {expected:?}, ours {text:?}"
                ));
            }
        }
    }
    println!(
        "yaz cross-check: {} of {compared} subfields agree (after alignment)",
        compared - failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The differences `align_with_yaz` covers, and nothing else: marc7's
    // unpaired ligature half (its double-tilde halves are paired and agree),
    // marc12's form feeds, and marc12's 0xFD bytes.
    assert_eq!(
        aligned,
        ["marc7 500 $a", "marc12 880 $a", "marc12 880 $a"],
        "subfields that differ from YAZ before alignment"
    );
    let known_bad: Vec<_> = KNOWN_BAD
        .iter()
        .map(|&(name, tag, code, errors)| (name, tag.to_owned(), code, errors))
        .collect();
    assert_eq!(bad_seen, known_bad, "subfields with invalid MARC-8");
}
